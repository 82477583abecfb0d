"""Sentence length in the languages no readability formula here is validated for (Arabic, Hindi, Vietnamese,
Chinese …): a long sentence is hard to read in every language, so each one longer than a
``long_sentence_words``-word English sentence is a warning at its own ``msgstr`` line, as in the measured
languages.

Length is counted in the unit the script writes words with:

- **words**, where words are separated by spaces (Arabic, Hindi, and any language not named below);
- **syllables**, in Vietnamese, which writes every syllable apart (a word is often two syllables);
- **characters** (letters and digits, no punctuation), in scripts written without spaces: Chinese, Japanese,
  Thai, Lao, Khmer, Burmese.

The limit is a ``long_sentence_words``-word English sentence converted with the catalog's own ratio: units per
English word over all its published translations. Languages count words differently (Hindi writes its
postpositions as words, Arabic joins articles and pronouns to them), so 25 Hindi words say less than 25
English ones; the ratio makes the limit mean "as long as a long English sentence" in every language. It is
measured, not guessed, and follows the catalog as it grows (the shipped catalogs: see the translators'
guide).

A sentence ends at ``.``, ``!``, ``?`` or ``…`` followed by a space, at the Arabic ``؟`` and the Devanagari
danda ``।`` / ``॥`` followed by a space or the end, and at the full-width ``。！？`` (no space follows them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from ...errors import Problem
from .sentences import WORD, Unit, sentence_lines, words
from .verdict import excerpt

LengthUnit = Literal["words", "syllables", "characters"]
_BY_SYLLABLE = {"vi"}
_UNSPACED = {"zh", "ja", "th", "lo", "km", "my"}
_END = re.compile(r"(?<=[。！？])\s*|(?<=[.!?…؟।॥])[\"'»”’)\]]*\s+")


def length_unit(locale: str) -> LengthUnit:
    language = locale.split("_")[0]
    if language in _UNSPACED:
        return "characters"
    return "syllables" if language in _BY_SYLLABLE else "words"


def length(text: str, unit: LengthUnit) -> int:
    """The length of ``text`` in ``unit``."""
    if unit == "characters":
        return sum(1 for char in text if char.isalnum())
    # What stands between spaces, if it holds a letter or digit: a vowel sign or virama (Devanagari ि, ्) is
    # not alphanumeric to Python, so splitting at non-word characters would cut Hindi words in pieces.
    return sum(1 for token in text.split() if any(char.isalnum() for char in token))


def split(text: str) -> list[str]:
    """The sentences of one text, in order."""
    return [part.strip() for part in _END.split(text.strip()) if part and WORD.search(part)]


@dataclass(frozen=True)
class LengthLimit:
    """The longest sentence allowed in a language, in its unit, and how it was set (for messages)."""

    unit: LengthUnit
    limit: int
    english_words: int

    def describe(self) -> str:
        return f"more than {self.limit}, the length of a {self.english_words}-word English sentence in this catalog"


def length_limit(locale: str, english_words: int, pairs: Iterable[tuple[str, str]]) -> LengthLimit:
    """The limit for ``locale`` from the ``long_sentence_words`` setting and the catalog's (English,
    translation) pairs, which set the ratio for syllables and characters (1 when there are none)."""
    unit = length_unit(locale)
    source = translated = 0
    for english, translation in pairs:
        source += len(words(english))
        translated += length(translation, unit)
    ratio = translated / source if source else 1.0
    return LengthLimit(unit, round(english_words * ratio), english_words)


def long_sentences(units: Iterable[Unit], limit: LengthLimit) -> list[Problem]:
    """A warning at its line for each sentence of ``units`` longer than ``limit``."""
    found: list[Problem] = []
    for unit in units:
        texts = split(unit.text)
        starts: list[int] = []
        seen = 0
        for text in texts:
            starts.append(seen)
            seen += len(words(text))
        for text, line in zip(texts, sentence_lines(unit, starts), strict=True):
            size = length(text, limit.unit)
            if size > limit.limit:
                found.append(
                    Problem(
                        unit.file,
                        line,
                        "",
                        f'a sentence of {size} {limit.unit} ({limit.describe()}): "{excerpt(text)}"; split it',
                    )
                )
    return found
