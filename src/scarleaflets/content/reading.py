"""Reading the content: YAML files -> validated documents -> the content model, or every problem at once.

:func:`load_content` reads every topic file and ``content/guide.yaml``; each is composed with its lines
(:mod:`~scarleaflets.content.yamldoc`), validated against its pydantic model
(:mod:`~scarleaflets.content.schema`), and pydantic's errors become problems at the line of the place they
name. What spans files — unique ids, related topics that exist, a guide that lists every topic once — is
checked last, with the clinicians' approvals (:mod:`~scarleaflets.content.approvals`), and either a complete :class:`~scarleaflets.content.model.ContentSet` is returned or one
:class:`~scarleaflets.errors.ContentError` lists every problem in every file. :func:`file_messages` reads one
file on its own, for the catalog extractor.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from ..errors import ContentError, Problem
from .approvals import approvals_path, read_approvals
from .assets import svg_height
from .blocks import BLOCKS
from .model import (
    GUIDE_FILE,
    SKIN_LAYERS,
    TOPIC_FOLDERS,
    Approval,
    ContentSet,
    Figure,
    FigureLayer,
    Guide,
    GuidePart,
    Review,
    Section,
    Source,
    Topic,
)
from .schema import FigureDocument, GuideDocument, TopicDocument
from .validation import Msg, read_document
from .yamldoc import LineMap


def topic_files(content_dir: Path) -> list[Path]:
    return sorted(path for folder in TOPIC_FOLDERS for path in (content_dir / folder).glob("*.yaml"))


def load_content(project_root: Path, today: dt.date) -> ContentSet:
    """Read and validate all content under ``project_root/content``; raise ContentError listing every problem.

    ``today`` is passed in (never read from the clock here) so that date checks are reproducible.
    """
    content_dir = project_root / "content"
    problems: list[Problem] = []
    topics: list[Topic] = []
    for path in topic_files(content_dir):
        topic = read_topic(path, _shown(path, project_root), content_dir, today, problems)
        if topic is not None:
            topics.append(topic)
    for stray in sorted(content_dir.glob("t*/*.yml")):
        problems.append(Problem(_shown(stray, project_root), 0, "", "rename the file to end in .yaml"))
    guide = _read_guide(content_dir / GUIDE_FILE, project_root, problems)
    if not topics and not problems:
        problems.append(
            Problem(
                _shown(content_dir, project_root), 0, "", "no topic files found in topics/ or treatments/"
            )
        )
    stems = {path.stem for path in topic_files(content_dir)}
    ordered = check_across_files(topics, guide, stems, problems)
    path = approvals_path(content_dir)
    approvals = read_approvals(path, _shown(path, project_root), {t.id for t in topics}, problems)
    if problems or guide is None:
        raise ContentError(problems)
    return ContentSet(
        guide=guide, topics={t.id: _approved(t, approvals) for t in ordered}, approvals=approvals
    )


def _approved(topic: Topic, approvals: dict[str, Approval]) -> Topic:
    """The topic with its approval, if it has one that still matches its English."""
    record = approvals.get(topic.id)
    if record is None or record.sha256 != topic.english_sha256():
        return topic
    return replace(topic, approval=record)


def _shown(path: Path, project_root: Path) -> str:
    try:
        return path.relative_to(project_root).as_posix()
    except ValueError:
        return path.as_posix()


def file_messages(path: Path, shown: str, text: str | None = None) -> list[tuple[str, Msg]]:
    """The translatable texts of one content file, validated on its own; raise ContentError on problems.

    This serves the catalog extractor, which sees one file at a time: checks that span files (the guide
    lists every topic, related topics exist) belong to :func:`load_content`. Files that hold no
    translatable content give no messages.
    """
    problems: list[Problem] = []
    messages: list[tuple[str, Msg]] = []
    if path.name == GUIDE_FILE and path.parent.name == "content":
        guide = read_guide(path, shown, problems, text)
        if guide is not None:
            messages = list(guide.messages())
    elif path.parent.name in TOPIC_FOLDERS and path.suffix == ".yaml":
        topic = read_topic(path, shown, path.parent.parent, dt.date.max, problems, text)
        if topic is not None:
            messages = list(topic.messages())
    if problems:
        raise ContentError(problems)
    return messages


def read_topic(
    path: Path,
    shown: str,
    content_dir: Path,
    today: dt.date,
    problems: list[Problem],
    text: str | None = None,
) -> Topic | None:
    """One topic file as a :class:`Topic`, or None with its problems recorded."""
    context = {"today": today, "content_dir": content_dir}
    read = read_document(TopicDocument, path, shown, problems, context, text)
    return None if read is None else _topic(*read, shown, content_dir)


def _topic(doc: TopicDocument, lines: LineMap, shown: str, content_dir: Path) -> Topic:
    root = content_dir.resolve()
    review = doc.review
    return Topic(
        id=doc.id,
        file=shown,
        title=doc.title,
        category=doc.category,
        summary=doc.summary,
        sections=tuple(
            Section(s.id, s.heading, tuple(block.build(BLOCKS) for block in s.blocks)) for s in doc.sections
        ),
        questions=doc.questions,
        figures=tuple(_figure(index, f, lines, root) for index, f in enumerate(doc.figures)),
        related=doc.related,
        sources=tuple(
            Source(
                " ".join(s.title.split()),
                s.publisher,
                s.journal,
                s.year,
                s.url,
                s.doi,
                s.authors,
                s.volume,
                s.pages,
            )
            for s in doc.sources
        ),
        review=Review(
            review.written_by,
            review.reviewed_by,
            review.reviewed_on,
            review.next_review_due,
            review.status,
            lines.line(("review", "next_review_due")),
        ),
        key_lines={key: lines.line((key,)) for key in type(doc).model_fields if (key,) in lines.values},
    )


def _figure(index: int, doc: FigureDocument, lines: LineMap, root: Path) -> Figure:
    """A figure, each declared layer with its label as a message at the line of its key."""
    layers = []
    for name, (top, bottom) in doc.layers.bands() if doc.layers else []:
        english, note = SKIN_LAYERS[name]
        label = Msg(english, lines.line(("figures", index, "layers", name)), note)
        layers.append(FigureLayer(name, label, top, bottom))
    height = svg_height(doc.file) if layers else None
    return Figure(
        doc.id,
        doc.file.relative_to(root).as_posix(),
        doc.file,
        doc.alt,
        doc.caption,
        tuple(layers),
        height or 0.0,
    )


def read_guide(path: Path, shown: str, problems: list[Problem], text: str | None = None) -> Guide | None:
    """The guide outline as a :class:`Guide`, or None with its problems recorded."""
    read = read_document(GuideDocument, path, shown, problems, text=text)
    if read is None:
        return None
    document = read[0]
    parts = tuple(GuidePart(part.id, part.heading, part.topics) for part in document.parts)
    return Guide(shown, document.title, document.subtitle, document.intro, parts)


def _read_guide(path: Path, project_root: Path, problems: list[Problem]) -> Guide | None:
    shown = _shown(path, project_root)
    if not path.is_file():
        problems.append(
            Problem(shown, 0, "", "missing: it lists the parts of the complete guide and their topics")
        )
        return None
    return read_guide(path, shown, problems)


def check_across_files(
    topics: list[Topic], guide: Guide | None, stems: set[str], problems: list[Problem]
) -> list[Topic]:
    """Unique topic ids, existing related topics, and a guide that lists every topic exactly once; returns the
    topics in the order of the guide.

    ``stems`` names every topic file, read or not: a reference to a topic whose file has problems of its own
    is not reported again.
    """
    by_id = _unique_topics(topics, problems)
    for topic in topics:
        for index, other in enumerate(topic.related):
            if other not in by_id and other not in stems:
                line = topic.key_lines.get("related", 1)
                problems.append(Problem(topic.file, line, f"related[{index}]", f"no topic with id '{other}'"))
    if guide is None:
        return topics
    ordered = _in_guide_order(guide, by_id, stems, problems)
    listed = {topic_id for part in guide.parts for topic_id in part.topics}
    for topic in topics:
        if topic.id not in listed:
            message = f"topic '{topic.id}' is not listed in {guide.file}; add it to one of its parts"
            problems.append(Problem(topic.file, 1, "id", message))
    return ordered


def _unique_topics(topics: list[Topic], problems: list[Problem]) -> dict[str, Topic]:
    by_id: dict[str, Topic] = {}
    for topic in topics:
        if topic.id in by_id:
            message = f"duplicate topic id '{topic.id}' (also in {by_id[topic.id].file})"
            problems.append(Problem(topic.file, 1, "id", message))
        else:
            by_id[topic.id] = topic
    return by_id


def _in_guide_order(
    guide: Guide, by_id: dict[str, Topic], stems: set[str], problems: list[Problem]
) -> list[Topic]:
    """The topics as the guide lists them; a topic listed twice or not at all is a problem of the guide."""
    ordered: list[Topic] = []
    listed: set[str] = set()
    for part_index, part in enumerate(guide.parts):
        for index, topic_id in enumerate(part.topics):
            where = f"parts[{part_index}].topics[{index}]"
            if topic_id in listed:
                message = f"'{topic_id}' is listed twice"
                problems.append(Problem(guide.file, part.heading.line, where, message))
            elif topic_id in by_id:
                ordered.append(by_id[topic_id])
            elif topic_id not in stems:
                message = f"no topic with id '{topic_id}'"
                problems.append(Problem(guide.file, part.heading.line, where, message))
            listed.add(topic_id)
    return ordered
