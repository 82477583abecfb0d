"""Readability: how hard a topic's prose is to read, in English and in each language with a validated formula.

The modules, in the order they depend on each other: :mod:`.prose` (the texts a patient reads, the same
for every language), :mod:`.english` (the Flesch–Kincaid grade of the English, with textstat). This module
only re-exports the names the rest of the package uses.
"""

from __future__ import annotations

from .english import Readability as Readability
from .english import measure as measure
from .english import measure_topic as measure_topic
from .prose import TERMINAL as TERMINAL
from .prose import prose as prose
from .prose import prose_messages as prose_messages
from .prose import prose_texts as prose_texts
