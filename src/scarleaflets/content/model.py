"""The content model: topics and the guide outline as typed, immutable objects.

This is what every later stage works from (the extractor, the readability measure, the leaflets, the email
series); it knows nothing of YAML, locales, templates or output. :mod:`~scarleaflets.content.reading` builds
it from the validated documents. Each translatable text is a :class:`Msg` that remembers its line, so that
the catalog extractor can point translators at the exact place, and each text has a context
(``topic-id/section-id``) that stays put when other paragraphs are edited or moved.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .blocks import Block, block_messages
from .clinic_details import first_uses
from .validation import Msg

Category = Literal["understanding", "prevention", "treatment", "planning"]
ReviewStatus = Literal["draft", "approved"]

CATEGORIES: tuple[Category, ...] = ("understanding", "prevention", "treatment", "planning")
REVIEW_STATUSES: tuple[ReviewStatus, ...] = ("draft", "approved")
TOPIC_FOLDERS = ("topics", "treatments")
GUIDE_FILE = "guide.yaml"
TREATMENT_SECTIONS = (
    "what-it-is",
    "how-it-works",
    "what-it-helps",
    "what-to-expect",
    "risks",
    "talk-first",
    "evidence",
)


@dataclass(frozen=True)
class Section:
    id: str
    heading: Msg
    blocks: tuple[Block, ...]


# The layers of skin a figure may label, from the top down: each name's English label and the note that
# tells translators what the label points at. A figure declares the layers its drawing shows and where each
# band lies (``layers:`` in its YAML); the label is translated through the catalogs like any other text.
SKIN_LAYERS: Mapping[str, tuple[str, str]] = {
    "epidermis": (
        "Epidermis",
        "A label beside a drawing of skin seen from the side, pointing at its thin top layer "
        "(the epidermis). Use the usual medical name in your language; keep it short.",
    ),
    "dermis": (
        "Dermis",
        "A label beside a drawing of skin seen from the side, pointing at its thick middle layer "
        "(the dermis), where most scars form. Use the usual medical name in your language; keep it short.",
    ),
    "fat": (
        "Subcutaneous fat",
        "A label beside a drawing of skin seen from the side, pointing at its bottom layer, "
        "the fat under the skin. Keep it short.",
    ),
}


@dataclass(frozen=True)
class FigureLayer:
    """One labelled band of a figure's drawing: which layer of skin, its label, and where the band lies, in
    the drawing's own units (its viewBox) from the top."""

    name: str
    label: Msg
    top: float
    bottom: float


@dataclass(frozen=True)
class Figure:
    id: str
    file: str  # relative to the content folder, with forward slashes
    path: Path  # absolute path of the SVG file
    alt: Msg
    caption: Msg
    layers: tuple[FigureLayer, ...] = ()  # from the top down
    height: float = 0.0  # of the drawing, in its own units (its viewBox), what ``layers`` are measured in


@dataclass(frozen=True)
class Source:
    title: str
    publisher: str | None
    journal: str | None
    year: int
    url: str | None
    doi: str | None
    authors: str | None = None
    volume: str | None = None
    pages: str | None = None

    @property
    def by(self) -> str:
        return self.journal or self.publisher or ""

    @property
    def citation(self) -> str:
        """The reference as a list of sources prints it: Vancouver style for an article, else title and publisher."""
        if self.journal:
            return f"{self.authors}. {self.title}. {self.journal}. {self.year};{self.volume}:{self.pages}."
        return f"{self.title}. {self.by}, {self.year}."

    @property
    def link(self) -> str:
        return self.url or f"https://doi.org/{self.doi}"


@dataclass(frozen=True)
class Review:
    written_by: Msg
    reviewed_by: Msg
    reviewed_on: dt.date
    next_review_due: dt.date
    status: ReviewStatus
    due_line: int = 0

    def overdue(self, today: dt.date) -> bool:
        return today > self.next_review_due


@dataclass(frozen=True)
class Approval:
    """A clinician's sign-off of one topic's English, bound to :meth:`Topic.english_sha256` at the time."""

    topic: str
    by: str
    role: str
    date: dt.date
    sha256: str
    line: int = 0  # of its table in content/approvals.toml


@dataclass(frozen=True)
class Topic:
    id: str
    file: str  # as shown to users, relative to the project folder
    title: Msg
    category: Category
    summary: tuple[Msg, ...]
    sections: tuple[Section, ...]
    questions: tuple[Msg, ...]
    figures: tuple[Figure, ...]
    related: tuple[str, ...]
    sources: tuple[Source, ...]
    review: Review
    key_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    approval: Approval | None = field(default=None, compare=False)  # a sign-off that matches the English

    @property
    def approved(self) -> bool:
        return self.approval is not None

    def english_sha256(self) -> str:
        """A hash of what a clinician signs: every translatable English text with its context, and the sources.

        It is computed from the model, not the file, so reformatting the YAML or editing a comment leaves it
        unchanged, while any change of wording, order or source voids an approval bound to it."""
        texts = [[context, msg.text] for context, msg in self.messages()]
        sources = [
            [s.title, s.publisher, s.journal, s.year, s.url, s.doi, s.authors, s.volume, s.pages]
            for s in self.sources
        ]
        canonical = json.dumps({"id": self.id, "texts": texts, "sources": sources}, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def figure(self, figure_id: str) -> Figure:
        return next(f for f in self.figures if f.id == figure_id)

    def messages(self) -> Iterator[tuple[str, Msg]]:
        """Every translatable text of the topic with its context, in reading order."""
        yield f"{self.id}/title", self.title
        for point in self.summary:
            yield f"{self.id}/summary", point
        for section in self.sections:
            context = f"{self.id}/{section.id}"
            yield context, section.heading
            for block in section.blocks:
                for msg in block_messages(block):
                    yield context, msg
        for question in self.questions:
            yield f"{self.id}/questions", question
        for fig in self.figures:
            yield f"{self.id}/figure/{fig.id}", fig.alt
            yield f"{self.id}/figure/{fig.id}", fig.caption
            for layer in fig.layers:
                yield f"{self.id}/figure/layers", layer.label
        yield f"{self.id}/review", self.review.written_by
        yield f"{self.id}/review", self.review.reviewed_by


@dataclass(frozen=True)
class GuidePart:
    id: str
    heading: Msg
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Guide:
    file: str
    title: Msg
    subtitle: Msg | None
    intro: Msg
    parts: tuple[GuidePart, ...]

    def messages(self) -> Iterator[tuple[str, Msg]]:
        yield "guide/title", self.title
        if self.subtitle is not None:
            yield "guide/title", self.subtitle
        yield "guide/intro", self.intro
        for part in self.parts:
            yield f"guide/{part.id}", part.heading


@dataclass(frozen=True)
class ContentSet:
    """All topics, in the order of the complete guide, and the guide outline."""

    guide: Guide
    topics: dict[str, Topic] = field(default_factory=dict)
    approvals: dict[str, Approval] = field(default_factory=dict)  # every record, valid or voided

    @property
    def approved(self) -> bool:
        """Whether every topic carries a valid approval (the complete guide is a draft otherwise)."""
        return all(topic.approved for topic in self)

    def __iter__(self) -> Iterator[Topic]:
        return iter(self.topics.values())

    def clinic_details_used(self) -> dict[str, tuple[str, int]]:
        """Each clinic detail the topics name (``{crisis_line}``), with the file and line that first names it."""
        return first_uses((topic.file, msg.line, msg.text) for topic in self for _, msg in topic.messages())
