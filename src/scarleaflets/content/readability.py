"""Reading level of a topic's English text (Flesch–Kincaid grade, measured with textstat).

Every text a reader sees counts: title, summary points, headings, paragraphs, list items, callouts, table
cells, questions and figure texts. Each text is measured as a sentence of its own (a full stop is added where
a list item or heading has none), so that a short heading is not glued to the paragraph after it into one
long sentence. Source titles and review roles are not prose the patient reads and are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import textstat

from .blocks import block_prose
from .model import Topic
from .validation import Msg

TERMINAL = (".", "!", "?", ":", "…")


@dataclass(frozen=True)
class Readability:
    grade: float
    words: int
    sentences: int


def prose_texts(topic: Topic) -> Iterator[Msg]:
    """The texts of a topic a patient reads, in reading order; each block gives what the registry says."""
    yield topic.title
    yield from topic.summary
    for section in topic.sections:
        yield section.heading
        for block in section.blocks:
            yield from block_prose(block)
    yield from topic.questions
    for figure in topic.figures:
        yield figure.alt
        yield figure.caption


def prose(topic: Topic) -> str:
    """The topic's patient-facing English text, one unit per line, each ending like a sentence."""
    units: list[str] = []
    for msg in prose_texts(topic):
        text = msg.text.strip()
        units.append(text if text.endswith(TERMINAL) else f"{text}.")
    return "\n".join(units)


def measure(text: str) -> Readability:
    return Readability(
        grade=round(float(textstat.flesch_kincaid_grade(text)), 2),
        words=int(textstat.lexicon_count(text)),
        sentences=int(textstat.sentence_count(text)),
    )


def measure_topic(topic: Topic) -> Readability:
    return measure(prose(topic))
