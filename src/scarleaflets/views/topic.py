"""The translated view of a topic and of the complete guide: what every output channel shows of them.

:func:`topic_view` turns a :class:`~scarleaflets.content.Topic` and a locale's
:class:`~scarleaflets.i18n.Translator` into a :class:`TopicView`: every text translated (English where a
translation is missing, counted by the translator), dates written the locale's way, sources and the
reading time as plain values. :func:`guide_view` does the same for the guide outline, holding the view of
each of its topics. The leaflet, the email and the web pages render these objects and nothing else of the
content, so they show the same words for the same topic.

A block becomes a :class:`BlockView` through :data:`BLOCK_VIEWS`, one entry per kind of the block registry;
:func:`scarleaflets.views.templating.make_environment` checks it against the registry whenever a channel
starts, so a kind added there without a view here is an error, never a block silently dropped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..content import BLOCKS, ContentSet, Table, Topic
from ..content.clinic_details import fill_details
from ..content.readability import prose
from ..i18n import Translator

WORDS_PER_MINUTE = 200


@dataclass(frozen=True)
class LayerView:
    """One labelled layer of a figure: its name (``epidermis``, ``dermis``, ``fat``), its translated label,
    and its band as percentages of the drawing's height from the top, for a channel to place the label beside
    the band (``middle`` is where a leader line meets it)."""

    name: str
    label: str
    top: float
    bottom: float

    @property
    def middle(self) -> float:
        return round((self.top + self.bottom) / 2, 3)


@dataclass(frozen=True)
class FigureView:
    src: str  # relative to the project folder (the base URL of a leaflet)
    alt: str
    caption: str
    layers: tuple[LayerView, ...] = ()  # from the top down; none when the figure labels none


@dataclass(frozen=True)
class BlockView:
    """One block of a section; ``kind`` is its registry name and says which of the other fields it uses."""

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()
    callout: str = ""
    caption: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    figure: FigureView | None = None


@dataclass(frozen=True)
class SectionView:
    id: str
    heading: str
    blocks: tuple[BlockView, ...]


@dataclass(frozen=True)
class SourceView:
    """A cited source, as cited (sources are not translated)."""

    title: str
    by: str
    year: int
    link: str
    citation: str  # as a list of sources prints it (Vancouver style for an article)


@dataclass(frozen=True)
class ApprovalView:
    """A clinician's valid sign-off of the topic's English: their name and role as recorded, the date the
    locale's way."""

    by: str
    role: str
    date: str


@dataclass(frozen=True)
class TopicView:
    """A topic in one language. ``summary`` holds its key points; ``words`` counts the English words the
    reading time is estimated from, ``minutes`` is that time. ``draft`` is true unless ``approval`` holds a
    clinician's sign-off that still matches the English (see :mod:`scarleaflets.content.approvals`)."""

    id: str
    title: str
    summary: tuple[str, ...]
    sections: tuple[SectionView, ...]
    questions: tuple[str, ...]
    sources: tuple[SourceView, ...]
    written_by: str
    reviewed_by: str
    reviewed_on: str
    next_review_due: str
    draft: bool
    words: int
    minutes: int
    approval: ApprovalView | None = None


@dataclass(frozen=True)
class PartView:
    id: str
    heading: str
    topics: tuple[TopicView, ...]


@dataclass(frozen=True)
class GuideView:
    """The complete guide in one language: its texts and its parts, each with the views of its topics."""

    title: str
    subtitle: str
    intro: str
    parts: tuple[PartView, ...]
    minutes: int

    @property
    def topics(self) -> tuple[TopicView, ...]:
        """Every topic, in the order of the guide (which lists each topic once)."""
        return tuple(topic for part in self.parts for topic in part.topics)

    @property
    def draft(self) -> bool:
        """The complete guide is a draft unless a clinician has approved every topic in it."""
        return any(topic.draft for topic in self.topics)


Translate = Callable[[str], str]
BlockViewer = Callable[[Any, Translate, Callable[[str], FigureView]], BlockView]


def _table_view(block: Table, t: Translate, figure: Callable[[str], FigureView]) -> BlockView:
    return BlockView(
        "table",
        caption=t(block.caption.text) if block.caption else "",
        header=tuple(t(m.text) for m in block.header),
        rows=tuple(tuple(t(m.text) for m in row) for row in block.rows),
    )


# One view per kind of block (the `kind ==` branches of leaflet/_topic_body.html.j2), checked against the block
# registry when a channel makes its environment: a kind without a view here is an error, never a dropped block.
BLOCK_VIEWS: Mapping[str, BlockViewer] = {
    "paragraph": lambda b, t, figure: BlockView("paragraph", text=t(b.text.text)),
    "list": lambda b, t, figure: BlockView("list", items=tuple(t(m.text) for m in b.items)),
    "callout": lambda b, t, figure: BlockView("callout", text=t(b.text.text), callout=b.kind),
    "table": _table_view,
    "figure": lambda b, t, figure: BlockView("figure", figure=figure(b.figure_id)),
}


def reading_minutes(words: int) -> int:
    """Minutes to read ``words`` words (at least one)."""
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


NO_DETAILS: Mapping[str, str] = {}


def topic_view(topic: Topic, tr: Translator, details: Mapping[str, str] = NO_DETAILS) -> TopicView:
    """The topic with every text translated (English where a translation is missing, counted), and the
    clinic's wording of each clinic detail it names (``{crisis_line}``: see ``Brand.clinic_details``)."""

    def t(context: str, text: str) -> str:
        return fill_details(tr.pgettext(context, text), details)

    def figure(figure_id: str) -> FigureView:
        fig = topic.figure(figure_id)
        context = f"{topic.id}/figure/{fig.id}"
        layers = tuple(
            LayerView(
                layer.name,
                t(f"{topic.id}/figure/layers", layer.label.text),
                round(100 * layer.top / fig.height, 3),
                round(100 * layer.bottom / fig.height, 3),
            )
            for layer in fig.layers
        )
        return FigureView(
            f"content/{fig.file}", t(context, fig.alt.text), t(context, fig.caption.text), layers
        )

    sections = []
    for section in topic.sections:
        ctx = f"{topic.id}/{section.id}"
        blocks = tuple(
            BLOCK_VIEWS[BLOCKS.kind_of(block).name](block, partial(t, ctx), figure)
            for block in section.blocks
        )
        sections.append(SectionView(section.id, t(ctx, section.heading.text), blocks))
    review = topic.review
    words = len(prose(topic).split())
    return TopicView(
        id=topic.id,
        title=t(f"{topic.id}/title", topic.title.text),
        summary=tuple(t(f"{topic.id}/summary", m.text) for m in topic.summary),
        sections=tuple(sections),
        questions=tuple(t(f"{topic.id}/questions", m.text) for m in topic.questions),
        sources=tuple(SourceView(s.title, s.by, s.year, s.link, s.citation) for s in topic.sources),
        written_by=t(f"{topic.id}/review", review.written_by.text),
        reviewed_by=t(f"{topic.id}/review", review.reviewed_by.text),
        reviewed_on=tr.info.date(review.reviewed_on),
        next_review_due=tr.info.date(review.next_review_due),
        draft=topic.approval is None,
        words=words,
        minutes=reading_minutes(words),
        approval=None
        if topic.approval is None
        else ApprovalView(topic.approval.by, topic.approval.role, tr.info.date(topic.approval.date)),
    )


def guide_view(content: ContentSet, tr: Translator, details: Mapping[str, str] = NO_DETAILS) -> GuideView:
    """The complete guide, translated: its title, subtitle and introduction, and each part with its topics."""
    topics = {topic.id: topic_view(topic, tr, details) for topic in content}
    guide = content.guide
    return GuideView(
        title=tr.pgettext("guide/title", guide.title.text),
        subtitle=tr.pgettext("guide/title", guide.subtitle.text) if guide.subtitle else "",
        intro=tr.pgettext("guide/intro", guide.intro.text),
        parts=tuple(
            PartView(
                part.id,
                tr.pgettext(f"guide/{part.id}", part.heading.text),
                tuple(topics[topic_id] for topic_id in part.topics),
            )
            for part in guide.parts
        ),
        minutes=reading_minutes(sum(view.words for view in topics.values())),
    )
