"""A reply prepared for rule matching: tokens, their atoms, sentence anchors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from simulator.language import english
from simulator.language.patterns import Lexicon, PatternSet, token_atoms
from simulator.language.text import Sentence, Text, Token, tokenise


@dataclass(slots=True)
class Analysis:
    """Everything the rule kinds read about one text."""

    text: Text
    tokens: list[Token]
    atoms: list[frozenset[int]]
    anchors: list[int]  # per sentence: first token that is not a filler ("no", "okei", "so")
    clause_anchors: list[frozenset[int]]  # per sentence: anchors of the sentence and of clauses after ":" / ";"
    comma_anchors: list[frozenset[int]]  # per sentence: clause starts after a comma (fillers skipped)
    any_quoted: bool = False
    # the client's earlier lines (meeting context), analysed only when a rule asks: for echoes
    earlier: "Callable[[], list[Analysis]] | None" = None
    _sentence_atoms: dict[int, frozenset[int]] = field(default_factory=dict)

    @property
    def sentences(self) -> list[Sentence]:
        return self.text.sentences

    def quoted(self, sentence: Sentence) -> list[int]:
        """Indexes of quoted tokens in a sentence (usually none)."""
        if not self.any_quoted:
            return []
        return [i for i in range(sentence.first, sentence.stop) if self.tokens[i].quoted]

    def sentence_atoms(self, index: int) -> frozenset[int]:
        """Every atom of a sentence: lets a rule skip a sentence none of its patterns can start in."""
        cached = self._sentence_atoms.get(index)
        if cached is None:
            sentence = self.sentences[index]
            cached = frozenset().union(*self.atoms[sentence.first : sentence.stop])
            self._sentence_atoms[index] = cached
        return cached

    def skip_fillers(self, position: int, stop: int, fillers: PatternSet) -> int:
        """The first position at or after ``position`` that does not start a filler."""
        while position < stop:
            end = fillers.matches_at(self.atoms, position, stop)
            if end < 0:
                return position
            position = end
        return position


def analyse(raw: str, lang: str, lexicon: Lexicon, fillers: PatternSet) -> Analysis:
    """Tokenise ``raw`` for ``lang`` and look every token up in the rule vocabulary."""
    text = tokenise(raw)
    tokens = text.tokens
    if lang == "en":
        tokens = english.split_text_contractions(text)
    atoms = token_atoms(tokens, lexicon)
    analysis = Analysis(
        text=text,
        tokens=tokens,
        atoms=atoms,
        anchors=[],
        clause_anchors=[],
        comma_anchors=[],
        any_quoted=any(t.quoted for t in tokens),
    )
    analysis.anchors = [analysis.skip_fillers(s.first, s.stop, fillers) for s in text.sentences]
    for index, sentence in enumerate(text.sentences):
        starts = {analysis.anchors[index]}
        commas = set()
        for position in range(sentence.first + 1, sentence.stop):
            marks = tokens[position].punct_before
            if ":" in marks or ";" in marks:
                starts.add(analysis.skip_fillers(position, sentence.stop, fillers))
            elif "," in marks:
                commas.add(analysis.skip_fillers(position, sentence.stop, fillers))
        analysis.clause_anchors.append(frozenset(starts))
        analysis.comma_anchors.append(frozenset(commas))
    return analysis
