"""Readability: how hard a topic's prose is to read, in English and in each language with a validated formula.

English is measured as it always was (:mod:`.english`, the Flesch–Kincaid grade from textstat, against
``[check] max_grade``); each language with a formula validated for it is measured on the same texts, taken
from its catalog, and any language may name its hardest and its too-long sentences by file and line.

The modules, in the order they depend on each other: :mod:`.syllables` (a syllable counter per language),
:mod:`.sentences` (words, sentences, the counts the formulas use, and the line of each sentence),
:mod:`.formulas` (each formula with its published constants and source, and the languages), :mod:`.prose`
(the texts a patient reads, the same for every language), :mod:`.english` (the English grade),
:mod:`.score` (a topic's score, hardest and long sentences) and :mod:`.targets` (each language's target from
the settings). This module only re-exports the names the rest of the package uses.
"""

from __future__ import annotations

from .english import Readability as Readability
from .english import measure as measure
from .english import measure_topic as measure_topic
from .formulas import LANGUAGES as LANGUAGES
from .formulas import Formula as Formula
from .formulas import Language as Language
from .formulas import language_of as language_of
from .prose import TERMINAL as TERMINAL
from .prose import prose as prose
from .prose import prose_messages as prose_messages
from .prose import prose_texts as prose_texts
from .prose import topic_units as topic_units
from .score import Score as Score
from .score import measure_units as measure_units
from .sentences import Counts as Counts
from .sentences import Sentence as Sentence
from .sentences import Unit as Unit
from .targets import Target as Target
from .targets import Targets as Targets
from .targets import resolve_targets as resolve_targets
