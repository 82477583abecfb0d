"""Email series: ``content/series/*.yaml``, ordered steps declared as pydantic models like all content.

Each step teaches one thing: it has a stable id, a day offset from the enrollment's start date, exactly one
topic, a subject, a preheader and an introduction (all translatable through the same catalogs, context
``series/<id>/<step>``). Its email shows the topic's key points, or with ``points`` the list of one section
of the topic (questions to ask, say) under its own ``heading``, at most :data:`MAX_KEY_POINTS` of them, and
links to the topic's leaflet page for the rest; ``attach`` optionally attaches the topic's PDF as well (the
demo attaches nothing: links are lighter and always current). Every problem names the file, the line and the
place in the file (:func:`~scarleaflets.content.validation.read_document`); the topics a series names must
exist and fit in one email, which :func:`load_series` checks once every file is read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, cast

from pydantic import (
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
)

from ..errors import ContentError, Problem
from .blocks import BulletList
from .model import ContentSet, Topic
from .validation import (
    KEY_PROBLEMS,
    MISSING_KEYS,
    Document,
    FileId,
    Flag,
    Msg,
    Slug,
    Text,
    again,
    fail,
    invalid,
    items,
    read_document,
    whole_number,
)
from .yamldoc import LineMap, Scalar

SERIES_FOLDER = "series"
MAX_SUBJECT = 90
# One email teaches one thing: the points it lists (a topic's key points, or one list of it) stay this few.
MAX_KEY_POINTS = 6
# Problems that leave a step readable: its steps' order is still checked (a step with an unknown key, a key
# written twice, or a list of the wrong length has a day and an id all the same).
READABLE_DESPITE = frozenset({"not_a_word", "unknown_key", "duplicate_key", "count"})


@dataclass(frozen=True)
class Step:
    """One email. ``topics`` holds its one topic (a tuple, as the store and the views name topics);
    ``points`` is the id of the section whose list the email shows instead of the key points, shown under
    ``heading`` (None: the key points, under "Key points")."""

    id: str
    day: int
    topics: tuple[str, ...]
    attach: tuple[str, ...]
    subject: Msg
    preheader: Msg
    intro: Msg
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    heading: Msg | None = None
    points: str | None = None

    @property
    def topic(self) -> str:
        return self.topics[0]


@dataclass(frozen=True)
class Series:
    id: str
    file: str
    name: str
    steps: tuple[Step, ...]

    def step(self, step_id: str) -> Step:
        return next(s for s in self.steps if s.id == step_id)

    def messages(self) -> Iterator[tuple[str, Msg]]:
        for step in self.steps:
            context = f"series/{self.id}/{step.id}"
            yield context, step.subject
            yield context, step.preheader
            yield context, step.intro
            if step.heading is not None:
                yield context, step.heading


# The documents ---------------------------------------------------------------------------------------------


class StepDocument(Document):
    stop_at = MISSING_KEYS

    id: Slug
    day: Annotated[int, whole_number(0, 3650)]
    topics: Annotated[tuple[Slug, ...], items()]  # exactly one (a rule): `attach` is checked against it
    subject: Text
    preheader: Text
    intro: Text
    attach: Annotated[tuple[Slug, ...], items(1)] = ()
    points: Slug | None = None  # a section of the topic whose list the email shows instead of the key points
    heading: Text | None = None  # what those points are, shown over them; required with `points`

    @classmethod
    def rules(cls, data: dict[str, Any], context: dict[str, Any]) -> Iterator[Flag]:
        """One email teaches one thing: exactly one topic (the leaflet link gives the rest)."""
        topics = data.get("topics")
        if isinstance(topics, list) and len(topics) != 1:
            yield Flag(
                f"a step teaches exactly one topic, got {len(topics)} (give each topic its own step)",
                ("topics",),
                kind="count",
            )
        if "points" in data and "heading" not in data:
            yield Flag("a step with 'points' needs a 'heading' saying what they are", ("points",))

    @field_validator("subject")
    @classmethod
    def _short_subject(cls, subject: Msg) -> Msg:
        if len(subject.text) > MAX_SUBJECT:
            raise fail(f"longer than {MAX_SUBJECT} characters; mail apps cut it")
        return subject

    @field_validator("attach")
    @classmethod
    def _attach_topics(cls, attach: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        """Only the step's own topics are attached; the first one that is not is shown at the list's line."""
        topics: tuple[str, ...] = info.data.get("topics", attach)  # invalid topics: reported already
        for index, topic_id in enumerate(attach):
            if topic_id not in topics:
                flag = Flag(f"'{topic_id}' is not among the step's topics", (index,), line_at=())
                raise invalid("attach", attach, [flag])
        return attach


def _in_order(steps: object, handler: ValidatorFunctionWrapHandler) -> Any:  # noqa: ANN401
    """Step ids are unique and days increase, checked once every step is readable (see READABLE_DESPITE)."""
    validated, errors = None, []
    try:
        validated = handler(steps)
    except ValidationError as exc:
        errors = exc.errors()
    flags = []
    if isinstance(steps, list) and all(error["type"] in READABLE_DESPITE for error in errors):
        flags = list(_order_flags(cast(list[dict[str, Scalar]], steps)))
    if errors or flags:
        raise invalid("steps", steps, flags, [again(error) for error in errors])
    return validated


def _order_flags(steps: list[dict[str, Scalar]]) -> Iterator[Flag]:
    seen: set[str] = set()
    previous = -1
    for index, step in enumerate(steps):
        step_id, day = step["id"].text, int(step["day"].text)
        if step_id in seen:
            yield Flag(f"duplicate step id '{step_id}'", (index, "id"))
        seen.add(step_id)
        if day <= previous:
            yield Flag(f"day {day} must come after day {previous}", (index, "day"))
        previous = day


class SeriesDocument(Document):
    stop_at = KEY_PROBLEMS

    id: FileId
    name: Text
    steps: Annotated[tuple[StepDocument, ...], items(1), WrapValidator(_in_order)]


# Reading ---------------------------------------------------------------------------------------------------


def series_files(content_dir: Path) -> list[Path]:
    return sorted((content_dir / SERIES_FOLDER).glob("*.yaml"))


def load_series(project_root: Path, content: ContentSet) -> dict[str, Series]:
    """Read and validate every series, checking that their topics exist; raise ContentError listing all."""
    problems: list[Problem] = []
    found: dict[str, Series] = {}
    for path in series_files(project_root / "content"):
        series = load_series_file(path, project_root, content, problems)
        if series is not None:
            found[series.id] = series
    if problems:
        raise ContentError(problems)
    return found


def load_series_file(
    path: Path, project_root: Path, content: ContentSet, problems: list[Problem]
) -> Series | None:
    """One series file, validated against the content; None (with its problems added) when it has any. A
    release reads series one by one, so that one broken file holds back only its own series."""
    before = len(problems)
    series = read_series_file(path, path.relative_to(project_root).as_posix(), problems)
    if series is None:
        return None
    for index, step in enumerate(series.steps):
        for topic_id in step.topics:
            if topic_id not in content.topics:
                problems.append(
                    Problem(
                        series.file,
                        step.lines["topics"],
                        f"steps[{index}].topics",
                        f"no topic with id '{topic_id}'",
                    )
                )
            else:
                problems.extend(_points_problems(series.file, index, step, content.topics[topic_id]))
    return series if len(problems) == before else None


def step_points(step: Step, topic: Topic) -> tuple[Msg, ...] | None:
    """What the step's email lists of ``topic``: its key points, or the items of every list in the section
    ``points`` names (None when the topic has no such section)."""
    if step.points is None:
        return topic.summary
    section = next((s for s in topic.sections if s.id == step.points), None)
    if section is None:
        return None
    return tuple(item for block in section.blocks if isinstance(block, BulletList) for item in block.items)


def _points_problems(shown: str, index: int, step: Step, topic: Topic) -> Iterator[Problem]:
    """The step's points exist (a section with a list) and fit one email (at most MAX_KEY_POINTS)."""
    points = step_points(step, topic)
    key = "points" if step.points is not None else "topics"
    where = (shown, step.lines.get(key, step.lines.get("topics", 0)), f"steps[{index}].{key}")
    if points is None:
        yield Problem(*where, f"topic '{topic.id}' has no section '{step.points}'")
    elif not points:
        yield Problem(*where, f"section '{step.points}' of topic '{topic.id}' holds no list to show")
    elif len(points) > MAX_KEY_POINTS:
        what = f"section '{step.points}' lists" if step.points else "has"
        yield Problem(
            *where,
            f"topic '{topic.id}' {what} {len(points)} key points: an email shows at most {MAX_KEY_POINTS} "
            "(one thing per email; the leaflet link gives the rest)",
        )


def read_series_file(
    path: Path, shown: str, problems: list[Problem], text: str | None = None
) -> Series | None:
    read = read_document(SeriesDocument, path, shown, problems, text=text)
    return None if read is None else _series(*read, shown)


def _series(doc: SeriesDocument, lines: LineMap, shown: str) -> Series:
    steps = tuple(
        Step(
            step.id,
            step.day,
            step.topics,
            step.attach,
            step.subject,
            step.preheader,
            step.intro,
            {
                key: line
                for key in StepDocument.model_fields
                if (line := lines.values.get(("steps", index, key)))
            },
            step.heading,
            step.points,
        )
        for index, step in enumerate(doc.steps)
    )
    return Series(doc.id, shown, doc.name.text, steps)


def series_messages(path: Path, shown: str, text: str | None = None) -> list[tuple[str, Msg]]:
    """The translatable texts of one series file, for the catalog extractor; raise ContentError on problems."""
    problems: list[Problem] = []
    series = read_series_file(path, shown, problems, text)
    if problems or series is None:
        raise ContentError(problems)
    return list(series.messages())
