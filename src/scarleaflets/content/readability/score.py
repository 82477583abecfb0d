"""A topic's score in one language: the formula on all its sentences, the sentences that pull it furthest
from the target, and the sentences that are too long.

The *hardest* sentences are found by leaving each one out: the formulas are functions of counts that add up
(:class:`~.sentences.Counts`), so the score of the topic without a sentence is one subtraction away, and the
sentences whose removal would improve the score most are the ones to rewrite first. A short heading with
one long word is never among them (leaving it out makes the average sentence longer), while a long sentence
of long words always is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .formulas import Formula, Language
from .sentences import Counts, Sentence, Unit, total, unit_sentences


@dataclass(frozen=True)
class Score:
    formula: Formula
    counts: Counts
    sentences: tuple[Sentence, ...]
    missing: int = 0  # texts left out because they have no published translation

    @property
    def value(self) -> float | None:
        return self.formula.score(self.counts)

    def gain(self, sentence: Sentence) -> float:
        """How much easier the topic would score without this sentence (in the formula's own units)."""
        value, rest = self.value, self.formula.score(self.counts - sentence.counts)
        if value is None or rest is None:
            return 0.0
        return rest - value if self.formula.scale == "ease" else value - rest

    def hardest(self, count: int) -> list[Sentence]:
        """The ``count`` sentences that make the topic hardest to read, hardest first."""
        ranked = sorted(self.sentences, key=self.gain, reverse=True)
        return [sentence for sentence in ranked[:count] if self.gain(sentence) > 0]

    def long_sentences(self, limit: int) -> list[Sentence]:
        """The sentences of more than ``limit`` words, in reading order."""
        return [sentence for sentence in self.sentences if sentence.counts.words > limit]


def measure_units(units: Iterable[Unit], language: Language, formula: Formula, missing: int = 0) -> Score:
    sentences = tuple(
        sentence
        for unit in units
        for sentence in unit_sentences(
            unit, language.syllables, language.abbreviations, ordinal_dot=language.ordinal_dot
        )
    )
    return Score(formula, total(s.counts for s in sentences), sentences, missing)
