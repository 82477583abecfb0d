"""The translated view of one step of an email series: its texts and the views of the topics it teaches.

:func:`step_view` is to a series step what :func:`~scarleaflets.views.topic.topic_view` is to a topic: the
email renders a :class:`StepView` and nothing else of the series, and the topics it holds are the same
:class:`~scarleaflets.views.topic.TopicView` objects a leaflet renders, so an email's key points are the
leaflet's key points, word for word. Texts are translated in the context ``series/<series>/<step>``.

A step teaches one topic: :attr:`StepView.points` is what its email lists (the topic's key points, or the
list of the section the step names, questions to ask, say) and :attr:`StepView.heading` what those points
are ("" for the key points: the template says "Key points").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..content import ContentSet
from ..content.clinic_details import fill_details
from ..content.series import Series, Step
from ..i18n import Translator
from .topic import NO_DETAILS, ApprovalView, TopicView, topic_view


@dataclass(frozen=True)
class StepView:
    """One step in one language. ``number`` counts from 1 up to ``total``, the steps of its series;
    ``attach`` names the topics whose leaflets go with it; ``series_name`` is not translated (it names the
    mailing list)."""

    series_id: str
    series_name: str
    id: str
    day: int
    number: int
    total: int
    subject: str
    preheader: str
    intro: str
    topics: tuple[TopicView, ...]
    attach: tuple[str, ...]
    points: tuple[str, ...] = ()
    heading: str = ""

    @property
    def topic(self) -> TopicView:
        """The one topic the step teaches."""
        return self.topics[0]

    @property
    def draft(self) -> bool:
        """A draft unless a clinician has approved every topic the step shows."""
        return any(topic.draft for topic in self.topics)

    @property
    def approvals(self) -> tuple[ApprovalView, ...]:
        """The distinct approvals of its topics, in order (empty for a draft)."""
        if self.draft:
            return ()
        return tuple(dict.fromkeys(topic.approval for topic in self.topics if topic.approval is not None))


def step_view(
    content: ContentSet, series: Series, step: Step, tr: Translator, details: Mapping[str, str] = NO_DETAILS
) -> StepView:
    """The step with every text translated, and a translated view of each topic it teaches."""
    context = f"series/{series.id}/{step.id}"
    topics = tuple(topic_view(content.topics[topic_id], tr, details) for topic_id in step.topics)
    return StepView(
        series_id=series.id,
        series_name=series.name,
        id=step.id,
        day=step.day,
        number=series.steps.index(step) + 1,
        total=len(series.steps),
        subject=fill_details(tr.pgettext(context, step.subject.text), details),
        preheader=fill_details(tr.pgettext(context, step.preheader.text), details),
        intro=fill_details(tr.pgettext(context, step.intro.text), details),
        topics=topics,
        attach=step.attach,
        points=_points(topics[0], step.points),
        heading=""
        if step.heading is None
        else fill_details(tr.pgettext(context, step.heading.text), details),
    )


def _points(topic: TopicView, section_id: str | None) -> tuple[str, ...]:
    """The topic's key points, or the items of every list in one of its sections (validated to exist)."""
    if section_id is None:
        return topic.summary
    section = next(s for s in topic.sections if s.id == section_id)
    return tuple(item for block in section.blocks if block.kind == "list" for item in block.items)
