"""Email series: ``content/series/*.yaml``, ordered steps validated like all content.

Each step has a stable id, a day offset from the enrollment's start date, the topics it covers, a subject, a
preheader and an introduction (all translatable through the same catalogs, context ``series/<id>/<step>``),
and optionally the topics whose PDF leaflets are attached. Every problem names the file, the line and the
place in the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from yaml.nodes import Node

from ..errors import ContentError, Problem
from .model import ContentSet
from .validation import Msg
from .yamldoc import Reader, line_of, parse

SERIES_FOLDER = "series"
MAX_SUBJECT = 90


@dataclass(frozen=True)
class Step:
    id: str
    day: int
    topics: tuple[str, ...]
    attach: tuple[str, ...]
    subject: Msg
    preheader: Msg
    intro: Msg
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)


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
    return series if len(problems) == before else None


def read_series_file(
    path: Path, shown: str, problems: list[Problem], text: str | None = None
) -> Series | None:
    root = parse(path, shown, problems, text)
    return None if root is None else _SeriesReader(shown, problems).series(root, path.stem)


def series_messages(path: Path, shown: str, text: str | None = None) -> list[tuple[str, Msg]]:
    """The translatable texts of one series file, for the catalog extractor; raise ContentError on problems."""
    problems: list[Problem] = []
    series = read_series_file(path, shown, problems, text)
    if problems or series is None:
        raise ContentError(problems)
    return list(series.messages())


class _SeriesReader(Reader):
    def msg(self, node: Node, path: str) -> Msg | None:
        value = self.text(node, path)
        return None if value is None else Msg(value, line_of(node))

    def series(self, root: Node, stem: str) -> Series | None:
        before = len(self.problems)
        keys = self.mapping(root, "", required=("id", "name", "steps"))
        if keys is None or len(self.problems) > before:
            return None
        series_id = self.slug(keys["id"], "id")
        if series_id is not None and series_id != stem:
            self.error(
                keys["id"], "id", f"'{series_id}' differs from the file name; name the file {series_id}.yaml"
            )
        name = self.text(keys["name"], "name")
        steps = self.each(self.sequence(keys["steps"], "steps", 1), "steps", self.step)
        if steps is not None:
            seen: set[str] = set()
            previous = -1
            for index, step in enumerate(steps):
                where = f"steps[{index}]"
                if step.id in seen:
                    self.error(step.lines["id"], f"{where}.id", f"duplicate step id '{step.id}'")
                seen.add(step.id)
                if step.day <= previous:
                    self.error(
                        step.lines["day"], f"{where}.day", f"day {step.day} must come after day {previous}"
                    )
                previous = step.day
        if len(self.problems) > before or series_id is None or name is None or steps is None:
            return None
        return Series(series_id, self.file, name, tuple(steps))

    def step(self, node: Node, path: str) -> Step | None:
        keys = self.mapping(
            node,
            path,
            required=("id", "day", "topics", "subject", "preheader", "intro"),
            optional=("attach",),
        )
        if keys is None or not {"id", "day", "topics", "subject", "preheader", "intro"} <= set(keys):
            return None  # the missing keys are already reported
        step_id = self.slug(keys["id"], f"{path}.id")
        day = self.integer(keys["day"], f"{path}.day", 0, 3650)
        topics = self.each(self.sequence(keys["topics"], f"{path}.topics", 1), f"{path}.topics", self.slug)
        attach = (
            self.each(self.sequence(keys["attach"], f"{path}.attach", 1), f"{path}.attach", self.slug)
            if "attach" in keys
            else []
        )
        subject = self.msg(keys["subject"], f"{path}.subject")
        if subject is not None and len(subject.text) > MAX_SUBJECT:
            self.error(
                keys["subject"], f"{path}.subject", f"longer than {MAX_SUBJECT} characters; mail apps cut it"
            )
            subject = None
        preheader = self.msg(keys["preheader"], f"{path}.preheader")
        intro = self.msg(keys["intro"], f"{path}.intro")
        if attach and topics is not None:
            for index, topic_id in enumerate(attach):
                if topic_id not in topics:
                    self.error(
                        keys["attach"],
                        f"{path}.attach[{index}]",
                        f"'{topic_id}' is not among the step's topics",
                    )
                    attach = None
                    break
        if step_id is None or day is None or topics is None or attach is None:
            return None
        if subject is None or preheader is None or intro is None:
            return None
        lines = {key: line_of(value) for key, value in keys.items()}
        return Step(step_id, day, tuple(topics), tuple(attach), subject, preheader, intro, lines)
