"""The prose of a topic that a patient reads, in reading order, as the readability measures see it.

Every text a reader sees counts: title, summary points, headings, paragraphs, list items, callouts, table
cells, questions and figure texts; each block gives what the block registry's ``prose`` hook says, so no kind
of block is skipped in any language. Each text is measured as a sentence of its own (a full stop is added
where a list item or heading has none), so that a short heading is not glued to the paragraph after it into
one long sentence. Source titles and review roles are not prose the patient reads and are left out.

Each text comes with its catalog context (``topic-id/section-id``, as :meth:`Topic.messages` gives it), so the
same texts can be looked up in a translation catalog.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence

from ..blocks import block_prose
from ..model import Topic
from ..validation import Msg
from .sentences import Unit

TERMINAL = (".", "!", "?", ":", "…")
SOURCE_SPAN = 40  # lines of the source searched for the sentences of one text, at most


def prose_messages(topic: Topic) -> Iterator[tuple[str, Msg]]:
    """The texts of a topic a patient reads, in reading order, each with its catalog context."""
    yield f"{topic.id}/title", topic.title
    for point in topic.summary:
        yield f"{topic.id}/summary", point
    for section in topic.sections:
        context = f"{topic.id}/{section.id}"
        yield context, section.heading
        for block in section.blocks:
            for msg in block_prose(block):
                yield context, msg
    for question in topic.questions:
        yield f"{topic.id}/questions", question
    for figure in topic.figures:
        yield f"{topic.id}/figure/{figure.id}", figure.alt
        yield f"{topic.id}/figure/{figure.id}", figure.caption


def prose_texts(topic: Topic) -> Iterator[Msg]:
    """The texts of a topic a patient reads, in reading order; each block gives what the registry says."""
    for _, msg in prose_messages(topic):
        yield msg


def as_sentence(text: str) -> str:
    """A text as the measures read it: stripped, and ending like a sentence."""
    text = text.strip()
    return text if text.endswith(TERMINAL) else f"{text}."


def prose(topic: Topic) -> str:
    """The topic's patient-facing English text, one unit per line, each ending like a sentence."""
    return "\n".join(as_sentence(msg.text) for msg in prose_texts(topic))


def topic_units(topic: Topic, lines: Sequence[str]) -> list[Unit]:
    """The topic's English prose as measured units, each with its YAML line and the source lines up to the
    next text (``lines`` are the lines of the topic's file)."""
    msgs = list(prose_texts(topic))
    starts = sorted({msg.line for msg in msgs})
    units = []
    for msg in msgs:
        following = bisect_right(starts, msg.line)
        end = starts[following] if following < len(starts) else msg.line + SOURCE_SPAN
        source = tuple(lines[msg.line - 1 : min(end, msg.line + SOURCE_SPAN) - 1]) if msg.line else ()
        units.append(Unit(msg.text, topic.file, msg.line, source))
    return units
