"""Finnish word forms: colloquial to standard, clitics, possessive suffixes, question verbs.

No lemmatiser (simplemma is too slow to start, libvoikko is GPL and needs system
packages). Instead every token gets a small set of *candidate forms*: the token itself,
its standard spelling when it is a known colloquial form, and the token with clitics and
possessive suffixes peeled off. Rules are written as stems with ``*`` (``kiire*``,
``tapaami*``), so case endings and most consonant gradation are covered by prefix
matching on any candidate.
"""

from __future__ import annotations

import re

# Whole-word colloquial (spoken/chat) forms -> standard forms. Several meanings allowed.
COLLOQUIAL: dict[str, tuple[str, ...]] = {
    "mä": ("minä",), "mää": ("minä",), "mie": ("minä",), "sä": ("sinä",), "sää": ("sinä",),
    "sie": ("sinä",), "mun": ("minun",), "sun": ("sinun",), "mul": ("minulla",),
    "mulla": ("minulla",), "sul": ("sinulla",), "sulla": ("sinulla",), "mulle": ("minulle",),
    "sulle": ("sinulle",), "mult": ("minulta",), "multa": ("minulta",), "sult": ("sinulta",),
    "sulta": ("sinulta",), "mua": ("minua",), "sua": ("sinua",), "sut": ("sinut",),
    "mut": ("mutta", "minut"), "meil": ("meillä",), "teil": ("teillä",), "meit": ("meitä",),
    "oon": ("olen",), "oot": ("olet",), "ootte": ("olette",), "ollaa": ("ollaan",),
    "oo": ("ole",), "ollu": ("ollut",), "ei": ("ei",), "tiiä": ("tiedä",), "tiiän": ("tiedän",),
    "tiedä": ("tiedä",), "tiätkö": ("tiedätkö",), "tiiätkö": ("tiedätkö",), "ite": ("itse",),
    "itte": ("itse",), "ittes": ("itsesi",), "ites": ("itsesi",), "itelle": ("itsellesi",),
    "itellesi": ("itsellesi",), "tää": ("tämä",), "tä": ("tämä",), "toi": ("tuo",),
    "noi": ("nuo",), "nää": ("nämä",), "tän": ("tämän",), "tota": ("tuota",),
    "tohon": ("tuohon",), "tos": ("tossa", "tuossa"), "tossa": ("tuossa",), "tost": ("tuosta",),
    "sit": ("sitten",), "sitte": ("sitten",), "et": ("et", "että"), "ku": ("kun", "kuin"),
    "ennenku": ("ennen", "kuin"), "kato": ("katso",), "katon": ("katson",),
    "katotaan": ("katsotaan",), "katottiin": ("katsottiin",), "tuut": ("tulet",),
    "tuu": ("tule",), "haluut": ("haluat",), "haluun": ("haluan",), "meet": ("menet",),
    "meen": ("menen",), "kans": ("kanssa",), "vaan": ("vain", "vaan"), "just": ("juuri",),
    "kiitti": ("kiitos",), "kiitos": ("kiitos",), "kii": ("kiitos",), "moro": ("moi",),
    "joo": ("kyllä",), "nii": ("niin",), "niinku": ("niin", "kuin"), "semmonen": ("sellainen",),
    "tollanen": ("tuollainen",), "tällanen": ("tällainen",), "mitä": ("mitä",),
    "miks": ("miksi",), "mites": ("miten",), "mihi": ("mihin",), "mikskä": ("miksi",),
    "sori": ("anteeksi",), "sorry": ("anteeksi",), "nopeesti": ("nopeasti",),
    "tarviit": ("tarvitset",), "tarvii": ("tarvitsee",), "pitäis": ("pitäisi",),
    "kannattais": ("kannattaisi",), "vois": ("voisi",), "olis": ("olisi",),
    "sais": ("saisi",), "sopis": ("sopisi",), "haluisit": ("haluaisit",),
    "haluisin": ("haluaisin",), "voitais": ("voitaisiin",), "mennää": ("mennään",),
    "kirjota": ("kirjoita",), "kirjotan": ("kirjoitan",), "tehä": ("tehdä",),
    "nähää": ("nähdään",), "hetu": ("henkilötunnus",), "ekana": ("ensin",), "eka": ("ensimmäinen",),
    "tosi": ("tosi",), "kauheen": ("kauhean",), "äkkiä": ("nopeasti",),
    "yks": ("yksi",), "kaks": ("kaksi",), "viis": ("viisi",), "kuus": ("kuusi",),
    "ens": ("ensi",), "ni": ("niin",), "puol": ("puoli",), "lopuks": ("lopuksi",), "esim": ("esimerkiksi",),
}

# Spoken "-lanen" adjectives drop the i: "millanen", "tällasessa", "semmosta" -> "-lainen".
_LAINEN = re.compile(r"(?<=l)([aä])(?=(?:nen|s[eitn]|st))")
_LAINEN_HEADS = ("mill", "täll", "sell", "toll", "mink", "eril", "kaikenl", "monenl", "samanl", "sellas")
# Spoken "oi" -> "o" before t: "tarkotus", "ilmottaa", "kirjotan" -> "tarkoitus", "ilmoittaa".
_OIT = re.compile(r"(?<=[^aeiouyäö])o(?=t[tua])")

# Clitic particles, longest first; peeled off repeatedly (``onkohan`` -> ``onko`` -> ``on``).
CLITICS: tuple[str, ...] = ("kaan", "kään", "kin", "han", "hän", "pa", "pä", "ko", "kö", "ks", "s")
# Two-letter words a clitic may leave behind ("mäkin" -> "mä", "onko" -> "on").
_SHORT_WORDS = frozenset("on en et ei me te he mä sä se ne jo nyt oo".split())
POSSESSIVES: tuple[str, ...] = ("mme", "nne", "nsa", "nsä", "ni", "si")

# Words ending like a question clitic that are not questions.
_NOT_QUESTION_VERBS = frozenset(
    "heikko verkko kirkko lakko kokko rokko tukko pankko hiekko marko mikko jukka ikkuna "
    "siks miks kaks maks seks boks faks kiks taks koko jokko kaakko luokko ukko akko "
    "kiikko kuukko laakso laukko aikko hauska tekö päkö usko pelko valko jalko kulku".split()
)
_QUESTION_ENDINGS: tuple[str, ...] = ("ko", "kö", "ks", "kos", "kös", "kohan", "köhän", "kobas")


def is_question_verb(word: str) -> bool:
    """True for a verb carrying the question clitic: ``onko``, ``ootko``, ``onks``, ``menikö``."""
    if word in _NOT_QUESTION_VERBS or len(word) < 3:
        return False
    for ending in _QUESTION_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 2:
            stem = word[: -len(ending)]
            return not stem.endswith("k")  # "verkko", "heikko": a noun, not a verb
    return False


def _peel(word: str, endings: tuple[str, ...], min_left: int) -> list[str]:
    out = []
    for ending in endings:
        if word.endswith(ending) and len(word) - len(ending) >= min_left:
            out.append(word[: -len(ending)])
    return out


def candidate_forms(word: str) -> tuple[str, ...]:
    """Forms a rule may match for one normalised Finnish token, the token itself first."""
    forms: list[str] = [word]
    if ":" in word:  # "cv:hen", "oph:lta" -> "cv", "oph"
        forms.append(word.split(":", 1)[0])
    forms.extend(COLLOQUIAL.get(word, ()))
    frontier = [word]
    for _ in range(2):  # at most two clitics: "onkohan", "sinäkinkö"
        next_frontier = []
        for form in frontier:
            for peeled in _peel(form, CLITICS, 2):
                if len(peeled) == 2 and peeled not in _SHORT_WORDS:
                    continue
                if peeled not in forms:
                    forms.append(peeled)
                    forms.extend(COLLOQUIAL.get(peeled, ()))
                    next_frontier.append(peeled)
        frontier = next_frontier
    for form in list(forms):
        if len(form) >= 6:
            forms.extend(p for p in _peel(form, POSSESSIVES, 4) if p not in forms)
    if word.endswith("ks") and is_question_verb(word):  # "onks" -> "onko", "oliks" -> "oliko"
        forms.extend((word[:-1] + "o", word[:-1] + "ö"))
    if word.endswith(("nu", "ny")) and len(word) >= 5:  # "masentunu" -> "masentunut"
        forms.append(word + "t")
    if word.startswith(_LAINEN_HEADS) and "lai" not in word and "läi" not in word:
        forms.append(_LAINEN.sub(r"\1i", word, count=1))  # "millanen" -> "millainen"
    if len(word) >= 6 and "ot" in word and "oit" not in word:
        forms.append(_OIT.sub("oi", word, count=1))  # "tarkotus" -> "tarkoitus"
    if len(word) >= 5 and word.endswith("ee") and word[-3] not in "aeiouyäö":
        forms.extend((word[:-1] + "ä", word[:-1] + "a"))  # "selkee" -> "selkeä", "vaikee" -> "vaikea"
    if "eemp" in word and len(word) >= 7:  # "selkeempi" -> "selkeämpi"
        forms.extend((word.replace("eemp", "eämp", 1), word.replace("eemp", "eamp", 1)))
    if len(word) >= 5 and word.endswith("is") and word[-3] in "aeiouyäö":
        forms.append(word + "i")  # conditional "-is": "tuntuis" -> "tuntuisi", "pystyis" -> "pystyisi"
    if len(word) >= 7 and word.endswith(("eetä", "eeta")):
        forms.extend((word[:-3] + "ää", word[:-3] + "aa"))  # "selkeetä" -> "selkeää"
    if len(word) >= 6 and word.endswith("ks"):
        forms.append(word + "i")  # "työnhakijaks" -> "työnhakijaksi" (also "-ko" above)
    return tuple(dict.fromkeys(forms))
