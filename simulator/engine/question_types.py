"""What kind of answer a question wants: a person, a place, a time, a duration, a number ...

Why: the matcher scores content words, so "Who do you have here in Finland?" used to land
on the time-in-Finland topic ("Finland" is that topic's rarest word) although *who* asks
for people. The interrogative carries the kind of answer wanted; a topic's examples show
which kinds it answers (or the author declares them, ``Topic.asks``), and the matcher
weighs the fit (``matcher.IntentIndex.score_units``). The answer lines are chosen by it too:
a number question prefers a line that states a number (``client``).

Only grammar is encoded here (interrogatives and their colloquial forms, the few
multi-word ones such as *how long*, *kuinka kauan*, *minkä ikäinen*), never a scenario's
facts. Words arrive normalised and folded (no ä/ö), as the matcher sees them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import get_args

from simulator.content.scenario import QuestionType

QUESTION_TYPES: tuple[str, ...] = get_args(QuestionType)
# Types whose answer is a number (or a date): the client prefers a line that states one.
NUMERIC = frozenset({"when", "how_long", "how_many", "how_old"})
# Plain facts of a life (who, where from, how old, how many): even a wary client gives a
# part of the truth rather than dodging (``client._answer``).
PLAIN = frozenset({"who", "where", "how_many", "how_old", "how_long", "when"})

_FI_WHO = frozenset(
    "kuka kukas ketka keta keita kenet kenen kenelle kenelta kenesta kenella keneen keiden keille keilla keneksi".split()
)
_FI_WHERE = frozenset("missa mista mihin minne mis mist mihi missas mistas mihinka".split())
_FI_WHERE_NOT = re.compile(r"^(puhu|pid|pit|tykk|haavei|unelmoi|innostu|nauti|ajattel|kiinnost|huole|johtu|kerto|sovi)")
_FI_WHEN = frozenset("milloin milloinka monelta".split())
_FI_HOW = frozenset("kuinka miten mites".split())
_FI_HOW_LONG = frozenset("kauanko kauanks kauan pitkaan".split())
_FI_HOW_MANY = frozenset("montako montaks paljonko paljonks moneen monta paljon".split())
_FI_DURATION = re.compile(r"^(vuot|vuod|vuos|kuuka|viikk|viiko|paiv|tunti|tunne|tunni)")
_FI_AGE = re.compile(r"^(ika|ikaa|ikaan|ikasi|ikanne|ikansa)$|^(ikai|ikas)")
_FI_WHAT = frozenset(
    "mita mika mitka millainen millaista millaisia millasta millasia minkalainen minkalaista mita mit mitas mika".split()
)
_FI_WORK = re.compile(r"^(tyo|toi|ammat|duuni|tyoks|tyot|tyos|tyon|tyop|homm|virka)")
_FI_DID = frozenset("teit teitte tehnyt tehny tehneet teitsa teitko".split())
_FI_NAME = re.compile(r"^(nimi|nime|nimet)")
_FI_WHY = frozenset("miksi miks miksei miksette miksi".split())

_EN_WHO = frozenset("who whom whose".split())
_EN_WHERE = frozenset("where whereabouts".split())
_EN_WHAT = frozenset("what which".split())
_EN_PLACE = frozenset("country city town place part village region".split())
_EN_TIME = frozenset("time year day date month".split())
_EN_WORK = frozenset("work job jobs profession trade living career occupation line field".split())
_EN_DURATION = frozenset("years months weeks days hours".split())


def question_types(words: Sequence[str], language: str) -> frozenset[str]:
    """The kinds of answer one question sentence wants (empty: no typed interrogative).

    ``words`` are the sentence's normalised, folded tokens.
    """
    if language == "fi":
        return _finnish(list(words))
    return _english(list(words))


def _finnish(words: list[str]) -> frozenset[str]:
    found: set[str] = set()
    for no, word in enumerate(words):
        after = words[no + 1 : no + 4]
        previous = words[no - 1] if no else ""
        if word in _FI_WHO:
            found.add("who")
        elif word in _FI_WHERE and not (word in {"mista", "mist", "mistas"} and any(_FI_WHERE_NOT.match(o) for o in words[no + 1 :])):
            found.add("where")
        elif word in _FI_WHEN or (word in {"koska", "koskas"} and no <= 1):
            found.add("when")
        elif word in {"kauanko", "kauanks"} or (word in {"kauan", "pitkaan"} and (previous in _FI_HOW or no == 0)):
            found.add("how_long")
        elif word in {"montako", "montaks", "paljonko", "paljonks", "moneen"} or (
            word in {"monta", "paljon"} and previous in _FI_HOW
        ):
            if any(_FI_DURATION.match(other) for other in after):
                found.add("how_long")
            else:
                found.add("how_many")
        elif _FI_AGE.match(word):
            found.add("how_old")
        elif word.startswith("vanh") and previous in _FI_HOW:
            found.add("how_old")
        elif word in _FI_WHY or (word == "minka" and "takia" in after) or (word == "mista" and "syysta" in after):
            found.add("why")
        if word in _FI_WHAT and any(_FI_NAME.match(other) for other in words[no + 1 :]):
            found.add("who")  # "mikä on vanhimman nimi?" asks for a person by name
        if word in _FI_WHAT or word in _FI_WHERE:
            rest = words[no + 1 :]
            if any(_FI_WORK.match(other) for other in rest) or any(other in _FI_DID for other in rest[:3]):
                found.add("what_work")
    return frozenset(found)


def _english(words: list[str]) -> frozenset[str]:
    found: set[str] = set()
    for no, word in enumerate(words):
        after = words[no + 1 : no + 4]
        nxt = after[0] if after else ""
        if word in _EN_WHO:
            found.add("who")
        elif word in _EN_WHERE:
            found.add("where")
        elif word == "when" or (word in _EN_WHAT and nxt in _EN_TIME) or (word == "since" and nxt == "when"):
            found.add("when")
        elif word == "how" and nxt == "long":
            found.add("how_long")
        elif word == "how" and nxt in {"many", "much"}:
            found.add("how_long" if any(other in _EN_DURATION for other in after[1:]) else "how_many")
        elif (word == "how" and nxt == "old") or (word in _EN_WHAT and nxt in {"age", "ages"}):
            found.add("how_old")
        elif word == "why" or (word == "how" and nxt == "come") or (
            word in _EN_WHAT and nxt in {"made", "brought", "makes", "brings"}
        ):
            found.add("why")
        if word in _EN_WHAT and any(other in {"name", "names", "called"} for other in words[no + 1 :]):
            found.add("who")  # "what's the eldest one's name?" asks for a person by name
        if word in _EN_WHAT or word == "where":
            rest = words[no + 1 :]
            if word in _EN_WHAT and nxt in _EN_PLACE:
                found.add("where")
            if any(other in _EN_WORK or other.startswith(("work", "job")) for other in rest) or (
                word == "what" and "did" in rest[:1] and "do" in rest[:3]
            ):
                found.add("what_work")
    return frozenset(found)
