"""Words and sentences of measured text, what the formulas count in them, and where each sentence is.

A *unit* is one text a patient reads (a heading, a paragraph, a list item …) with the file and line it comes
from: a topic's YAML for English, the ``msgstr`` of a catalog for a translation. A unit is always at least
one sentence (as in :mod:`.prose`); inside it, a sentence ends at ``.``, ``!``, ``?`` or ``…`` followed by
white space, unless the next word starts in lower case, or the word before is an abbreviation of the
language (or, in German, a number: *am 3. Tag*). A word is a run of letters and digits, with inner
apostrophes and hyphens (*l'acné*, *peut-être*, *U-образные* are one word each).

Each sentence is placed on its own line of the file: the unit's words are matched, in order, against the
words of the source lines from the unit's first line on, so a sentence in the middle of a long, wrapped
paragraph or ``msgstr`` is reported at the line where it starts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from .syllables import SyllableCounter

WORD = re.compile(r"[^\W_]+(?:['’\-‐‑][^\W_]+)*")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'»”’)\]]*\s+")
LONG_WORD_LETTERS = 6  # the Wiener Sachtextformel's "long word" has more letters than this


@dataclass(frozen=True)
class Counts:
    """What the formulas count, summed over any number of sentences (counts add and subtract)."""

    sentences: int = 0
    words: int = 0
    syllables: int = 0
    letters: int = 0
    long_words: int = 0  # more than six letters
    polysyllables: int = 0  # three syllables or more
    monosyllables: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def __sub__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) - getattr(other, f.name) for f in fields(self)))


def total(counts: Iterable[Counts]) -> Counts:
    result = Counts()
    for item in counts:
        result += item
    return result


def words(text: str) -> list[str]:
    return WORD.findall(text)


def count(sentence: str, syllables: SyllableCounter) -> Counts:
    """The counts of one sentence."""
    found = words(sentence)
    per_word = [syllables(word) for word in found]
    letters = [sum(1 for char in word if char.isalpha()) for word in found]
    return Counts(
        sentences=1,
        words=len(found),
        syllables=sum(per_word),
        letters=sum(letters),
        long_words=sum(1 for n in letters if n > LONG_WORD_LETTERS),
        polysyllables=sum(1 for n in per_word if n >= 3),
        monosyllables=sum(1 for n in per_word if n == 1),
    )


@dataclass(frozen=True)
class Unit:
    """One text a patient reads, where it is, and the source lines from there on (to place its sentences)."""

    text: str
    file: str
    line: int
    source: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sentence:
    text: str
    file: str
    line: int
    counts: Counts

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


def split(text: str, abbreviations: frozenset[str] = frozenset(), *, ordinal_dot: bool = False) -> list[str]:
    """The sentences of one unit, in order; the unit's end always ends a sentence."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start : match.start()].split()
        previous = before[-1].strip("([«\"'“").lower() if before else ""
        after = text[match.end() : match.end() + 1]
        if (
            after.islower()
            or previous in abbreviations
            or "." in previous  # z.B., e.g., т.е.
            or (ordinal_dot and previous.isdigit() and text[match.start()] == ".")
        ):
            continue
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return [sentence for sentence in sentences if words(sentence)]


def sentence_lines(unit: Unit, starts: Sequence[int]) -> list[int]:
    """The line of the word at each index in ``starts`` (word indexes into ``unit.text``).

    The unit's words are matched in order against the words of its source lines; a word that cannot be
    found (the source escapes it differently) takes the line of the word before it, the first one the
    unit's own line."""
    tokens = [
        (offset, token)
        for offset, line in enumerate(unit.source)
        for token in WORD.findall(line.replace("\\n", " "))
    ]
    lines: list[int] = []
    position = 0
    current = unit.line
    for word in words(unit.text):
        found = next((k for k in range(position, len(tokens)) if tokens[k][1] == word), None)
        if found is not None:
            current = unit.line + tokens[found][0]
            position = found + 1
        lines.append(current)
    return [lines[index] if index < len(lines) else unit.line for index in starts]


def unit_sentences(
    unit: Unit,
    syllables: SyllableCounter,
    abbreviations: frozenset[str] = frozenset(),
    *,
    ordinal_dot: bool = False,
) -> list[Sentence]:
    """The sentences of a unit, each with its counts and the line where it starts."""
    texts = split(unit.text.strip(), abbreviations, ordinal_dot=ordinal_dot)
    starts: list[int] = []
    seen = 0
    for text in texts:
        starts.append(seen)
        seen += len(words(text))
    return [
        Sentence(text, unit.file, line, count(text, syllables))
        for text, line in zip(texts, sentence_lines(unit, starts), strict=True)
    ]
