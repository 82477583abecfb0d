"""Reading level of a topic's English text: the Flesch–Kincaid grade, measured with textstat.

This is the measure ``check`` has always applied to the English (``[check] max_grade``); the other
languages are measured by :mod:`.formulas` on the same prose (:mod:`.prose`).
"""

from __future__ import annotations

from dataclasses import dataclass

import textstat

from ..model import Topic
from .prose import prose


@dataclass(frozen=True)
class Readability:
    grade: float
    words: int
    sentences: int


def measure(text: str) -> Readability:
    return Readability(
        grade=round(float(textstat.flesch_kincaid_grade(text)), 2),
        words=int(textstat.lexicon_count(text)),
        sentences=int(textstat.sentence_count(text)),
    )


def measure_topic(topic: Topic) -> Readability:
    return measure(prose(topic))
