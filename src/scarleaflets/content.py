"""The content model: YAML topics and the guide outline, read into typed, validated objects.

This module knows nothing of locales, templates or output. :func:`load_content` reads every topic file and
``content/guide.yaml``, checks each against the schema documented in ``docs/content-guide.md``, then checks
what spans files (unique ids, references, the guide outline), and either returns a complete
:class:`ContentSet` or raises one :class:`~scarleaflets.errors.ContentError` listing every problem in every
file.

Each translatable text is a :class:`Msg` that remembers its line, so that the catalog extractor can point
translators at the exact place, and each text has a context (``topic-id/section-id``) that stays put when
other paragraphs are edited or moved.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, cast
from urllib.parse import urlsplit

import defusedxml.ElementTree as SafeET
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import ContentError, Problem
from .yamldoc import Reader, line_of, parse

Category = Literal["understanding", "prevention", "treatment", "planning"]
CalloutKind = Literal["clinician", "warning"]
ReviewStatus = Literal["draft", "approved"]

CATEGORIES: tuple[Category, ...] = ("understanding", "prevention", "treatment", "planning")
CALLOUT_KINDS: tuple[CalloutKind, ...] = ("clinician", "warning")
REVIEW_STATUSES: tuple[ReviewStatus, ...] = ("draft", "approved")
BLOCK_KINDS = ("paragraph", "list", "callout", "table", "figure")
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
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


@dataclass(frozen=True)
class Msg:
    """One translatable English text, with the line it starts on and an optional note for translators."""

    text: str
    line: int
    note: str | None = None

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Paragraph:
    text: Msg


@dataclass(frozen=True)
class BulletList:
    items: tuple[Msg, ...]


@dataclass(frozen=True)
class Callout:
    kind: CalloutKind
    text: Msg


@dataclass(frozen=True)
class Table:
    caption: Msg | None
    header: tuple[Msg, ...]
    rows: tuple[tuple[Msg, ...], ...]


@dataclass(frozen=True)
class FigureRef:
    figure_id: str


Block = Paragraph | BulletList | Callout | Table | FigureRef


@dataclass(frozen=True)
class Section:
    id: str
    heading: Msg
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Figure:
    id: str
    file: str  # relative to the content folder, with forward slashes
    path: Path  # absolute path of the SVG file
    alt: Msg
    caption: Msg


@dataclass(frozen=True)
class Source:
    title: str
    publisher: str | None
    journal: str | None
    year: int
    url: str | None
    doi: str | None

    @property
    def by(self) -> str:
        return self.journal or self.publisher or ""

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
        yield f"{self.id}/review", self.review.written_by
        yield f"{self.id}/review", self.review.reviewed_by


def block_messages(block: Block) -> Iterator[Msg]:
    if isinstance(block, Paragraph | Callout):
        yield block.text
    elif isinstance(block, BulletList):
        yield from block.items
    elif isinstance(block, Table):
        if block.caption is not None:
            yield block.caption
        yield from block.header
        for row in block.rows:
            yield from row


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

    def __iter__(self) -> Iterator[Topic]:
        return iter(self.topics.values())


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
        topic = _read_topic(path, project_root, content_dir, today, problems)
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
    ordered = _check_across_files(topics, guide, stems, problems)
    if problems or guide is None:
        raise ContentError(problems)
    return ContentSet(guide=guide, topics={t.id: t for t in ordered})


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
        root = parse(path, shown, problems, text)
        guide = None if root is None else _GuideReader(shown, problems).guide(root)
        if guide is not None:
            messages = list(guide.messages())
    elif path.parent.name in TOPIC_FOLDERS and path.suffix == ".yaml":
        root = parse(path, shown, problems, text)
        reader = _TopicReader(shown, problems, path.parent.parent, dt.date.max)
        topic = None if root is None else reader.topic(root, path.stem)
        if topic is not None:
            messages = list(topic.messages())
    if problems:
        raise ContentError(problems)
    return messages


def _read_topic(
    path: Path, project_root: Path, content_dir: Path, today: dt.date, problems: list[Problem]
) -> Topic | None:
    shown = _shown(path, project_root)
    root = parse(path, shown, problems)
    if root is None:
        return None
    reader = _TopicReader(shown, problems, content_dir, today)
    return reader.topic(root, path.stem)


class _TopicReader(Reader):
    def __init__(self, file: str, problems: list[Problem], content_dir: Path, today: dt.date) -> None:
        super().__init__(file, problems)
        self.content_dir = content_dir
        self.today = today

    def msg(self, node: Node, path: str, note: str | None = None) -> Msg | None:
        value = self.text(node, path)
        return None if value is None else Msg(value, line_of(node), note)

    def topic(self, root: Node, stem: str) -> Topic | None:
        before = len(self.problems)
        keys = self.mapping(
            root,
            "",
            required=("id", "title", "category", "summary", "sections", "sources", "review"),
            optional=("questions", "figures", "related"),
        )
        if keys is None:
            return None
        topic_id = self.slug(keys["id"], "id") if "id" in keys else None
        if topic_id is not None and topic_id != stem:
            self.error(
                keys["id"], "id", f"'{topic_id}' differs from the file name; name the file {topic_id}.yaml"
            )
        title = self.msg(keys["title"], "title") if "title" in keys else None
        category = self.choice(keys["category"], "category", CATEGORIES) if "category" in keys else None
        summary = (
            self.each(self.sequence(keys["summary"], "summary", 3, 5), "summary", self.msg)
            if "summary" in keys
            else None
        )
        figure_ids = self.figure_ids(keys["figures"]) if "figures" in keys else {}
        figures = self.figures(keys["figures"]) if "figures" in keys else []
        sections = self.sections(keys["sections"], figure_ids) if "sections" in keys else None
        questions = (
            self.each(self.sequence(keys["questions"], "questions", 1), "questions", self.msg)
            if "questions" in keys
            else []
        )
        related = (
            self.each(self.sequence(keys["related"], "related", 1), "related", self.slug)
            if "related" in keys
            else []
        )
        sources = (
            self.each(self.sequence(keys["sources"], "sources", 2), "sources", self.source)
            if "sources" in keys
            else None
        )
        review = self.review(keys["review"]) if "review" in keys else None
        if category == "treatment" and sections is not None:
            present = {s.id for s in sections}
            missing = [s for s in TREATMENT_SECTIONS if s not in present]
            if missing:
                self.error(
                    keys["sections"],
                    "sections",
                    f"a treatment topic needs sections with the ids {', '.join(missing)}",
                )
        if related:
            for index, other in enumerate(related):
                if other == topic_id:
                    self.error(keys["related"], f"related[{index}]", "a topic cannot be related to itself")
        if len(self.problems) > before:
            return None
        # Every reader above recorded a problem when it returned None, so none of these can be missing here.
        assert topic_id
        assert title
        assert category
        assert summary
        assert sections is not None
        assert figures is not None
        assert questions is not None
        assert related is not None
        assert sources
        assert review
        return Topic(
            id=topic_id,
            file=self.file,
            title=title,
            category=cast(Category, category),
            summary=tuple(summary),
            sections=tuple(sections),
            questions=tuple(questions),
            figures=tuple(figures),
            related=tuple(related),
            sources=tuple(sources),
            review=review,
            key_lines={key: line_of(node) for key, node in keys.items()},
        )

    def sections(self, node: Node, known_figures: dict[str, tuple[int, int]]) -> list[Section] | None:
        items = self.sequence(node, "sections", 1)
        if items is None:
            return None
        placed: set[str] = set()
        sections: list[Section] = []
        seen: dict[str, int] = {}
        ok = True
        for index, item in enumerate(items):
            path = f"sections[{index}]"
            keys = self.mapping(item, path, required=("id", "heading", "blocks"))
            if keys is None:
                ok = False
                continue
            section_id = self.slug(keys["id"], f"{path}.id") if "id" in keys else None
            if section_id is not None:
                if section_id in seen:
                    self.error(
                        keys["id"],
                        f"{path}.id",
                        f"duplicate section id '{section_id}' (first used in sections[{seen[section_id]}])",
                    )
                    section_id = None
                else:
                    seen[section_id] = index
            heading = self.msg(keys["heading"], f"{path}.heading") if "heading" in keys else None
            blocks = (
                self.blocks(keys["blocks"], f"{path}.blocks", known_figures, placed)
                if "blocks" in keys
                else None
            )
            if section_id is None or heading is None or blocks is None:
                ok = False
                continue
            sections.append(Section(section_id, heading, tuple(blocks)))
        for figure_id, (index, line) in known_figures.items():
            if figure_id not in placed:
                message = (
                    f"figure '{figure_id}' is never placed; add a block '- figure: {figure_id}' to a section"
                )
                self.error(line, f"figures[{index}].id", message)
        return sections if ok else None

    def blocks(
        self, node: Node, path: str, known_figures: dict[str, tuple[int, int]], placed: set[str]
    ) -> list[Block] | None:
        items = self.sequence(node, path)
        if items is None:
            return None
        if not items:
            self.error(node, path, "the section is empty; add at least one block (for example a paragraph)")
            return None
        blocks: list[Block] = []
        ok = True
        for index, item in enumerate(items):
            block = self.block(item, f"{path}[{index}]", known_figures, placed)
            if block is None:
                ok = False
            else:
                blocks.append(block)
        return blocks if ok else None

    def block(
        self, node: Node, path: str, known_figures: dict[str, tuple[int, int]], placed: set[str]
    ) -> Block | None:
        keys = self.mapping(node, path, required=(), optional=(*BLOCK_KINDS, "note"))
        if keys is None:
            return None
        kinds = [k for k in BLOCK_KINDS if k in keys]
        if len(kinds) != 1:
            found = f"found {' and '.join(kinds)}" if kinds else "found none"
            self.error(node, path, f"a block holds exactly one of {', '.join(BLOCK_KINDS)}; {found}")
            return None
        note = self.text(keys["note"], f"{path}.note") if "note" in keys else None
        if "note" in keys and note is None:
            return None
        kind = kinds[0]
        value = keys[kind]
        where = f"{path}.{kind}"
        if kind == "paragraph":
            text = self.msg(value, where, note)
            return None if text is None else Paragraph(text)
        if kind == "list":
            items = self.each(self.sequence(value, where, 2), where, lambda n, p: self.msg(n, p, note))
            return None if items is None else BulletList(tuple(items))
        if kind == "callout":
            return self.callout(value, where, note)
        if kind == "table":
            return self.table(value, where, note)
        figure_id = self.slug(value, where)
        if figure_id is None:
            return None
        if figure_id not in known_figures:
            self.error(value, where, f"no figure with id '{figure_id}' in this topic's `figures`")
            return None
        placed.add(figure_id)
        return FigureRef(figure_id)

    def callout(self, node: Node, path: str, note: str | None) -> Callout | None:
        keys = self.mapping(node, path, required=("kind", "text"))
        if keys is None or len(keys) < 2:
            return None
        kind = self.choice(keys["kind"], f"{path}.kind", CALLOUT_KINDS)
        text = self.msg(keys["text"], f"{path}.text", note)
        if kind is None or text is None:
            return None
        return Callout(cast(CalloutKind, kind), text)

    def table(self, node: Node, path: str, note: str | None) -> Table | None:
        keys = self.mapping(node, path, required=("header", "rows"), optional=("caption",))
        if keys is None or "header" not in keys or "rows" not in keys:
            return None
        caption = self.msg(keys["caption"], f"{path}.caption", note) if "caption" in keys else None
        header = self.each(
            self.sequence(keys["header"], f"{path}.header", 2),
            f"{path}.header",
            lambda n, p: self.msg(n, p, note),
        )
        row_nodes = self.sequence(keys["rows"], f"{path}.rows", 1)
        rows: list[tuple[Msg, ...]] = []
        ok = header is not None and row_nodes is not None and ("caption" not in keys or caption is not None)
        for index, row_node in enumerate(row_nodes or []):
            where = f"{path}.rows[{index}]"
            cells = self.each(self.sequence(row_node, where), where, lambda n, p: self.msg(n, p, note))
            if cells is None:
                ok = False
                continue
            if header is not None and len(cells) != len(header):
                self.error(
                    row_node,
                    where,
                    f"has {len(cells)} cells but the header has {len(header)}; make them match",
                )
                ok = False
                continue
            rows.append(tuple(cells))
        if not ok or header is None:
            return None
        return Table(caption, tuple(header), tuple(rows))

    @staticmethod
    def figure_ids(node: Node) -> dict[str, tuple[int, int]]:
        """Each declared figure id with its index and line, read leniently so that one broken figure does not
        turn every reference to it into a second error (its own problem is reported by :meth:`figures`)."""
        ids: dict[str, tuple[int, int]] = {}
        for index, item in enumerate(node.value if isinstance(node, SequenceNode) else []):
            for key, value in item.value if isinstance(item, MappingNode) else []:
                if isinstance(key, ScalarNode) and key.value == "id" and isinstance(value, ScalarNode):
                    ids.setdefault(str(value.value), (index, line_of(value)))
        return ids

    def figures(self, node: Node) -> list[Figure] | None:
        items = self.sequence(node, "figures", 1)
        if items is None:
            return None
        figures: list[Figure] = []
        seen: set[str] = set()
        for index, item in enumerate(items):
            path = f"figures[{index}]"
            keys = self.mapping(item, path, required=("id", "file", "alt", "caption"))
            if keys is None:
                continue
            figure_id = self.slug(keys["id"], f"{path}.id") if "id" in keys else None
            if figure_id is not None and figure_id in seen:
                self.error(keys["id"], f"{path}.id", f"duplicate figure id '{figure_id}'")
                figure_id = None
            file_path = self.figure_file(keys["file"], f"{path}.file") if "file" in keys else None
            alt = self.msg(keys["alt"], f"{path}.alt") if "alt" in keys else None
            caption = self.msg(keys["caption"], f"{path}.caption") if "caption" in keys else None
            if figure_id and file_path and alt and caption:
                seen.add(figure_id)
                relative = file_path.relative_to(self.content_dir.resolve()).as_posix()
                figures.append(Figure(figure_id, relative, file_path, alt, caption))
        return figures

    def figure_file(self, node: Node, path: str) -> Path | None:
        return asset_file(self, node, path, self.content_dir, what="figure", suffixes=(".svg",))

    def source(self, node: Node, path: str) -> Source | None:
        keys = self.mapping(
            node, path, required=("title", "year"), optional=("publisher", "journal", "url", "doi")
        )
        if keys is None:
            return None
        before = len(self.problems)
        title = self.scalar(keys["title"], f"{path}.title", "text") if "title" in keys else None
        publisher = (
            self.scalar(keys["publisher"], f"{path}.publisher", "text") if "publisher" in keys else None
        )
        journal = self.scalar(keys["journal"], f"{path}.journal", "text") if "journal" in keys else None
        if ("publisher" in keys) == ("journal" in keys):
            self.error(
                node, path, "give exactly one of `publisher` (for a web page) or `journal` (for an article)"
            )
        year = self.integer(keys["year"], f"{path}.year", 1900, self.today.year) if "year" in keys else None
        url = self.scalar(keys["url"], f"{path}.url", "a web address") if "url" in keys else None
        doi = self.scalar(keys["doi"], f"{path}.doi", "a DOI") if "doi" in keys else None
        if url is not None:
            parts = urlsplit(url)
            if parts.scheme != "https" or not parts.netloc or " " in url:
                self.error(keys["url"], f"{path}.url", f"'{url}' is not an https:// web address")
        if doi is not None and not DOI.match(doi):
            self.error(keys["doi"], f"{path}.doi", f"'{doi}' is not a DOI (it looks like 10.1234/abc)")
        if "url" not in keys and "doi" not in keys:
            self.error(node, path, "give a `url` or a `doi` so readers can find the source")
        if len(self.problems) > before or title is None or year is None:
            return None
        return Source(" ".join(title.split()), publisher, journal, year, url, doi)

    def review(self, node: Node) -> Review | None:
        keys = self.mapping(
            node,
            "review",
            required=("written_by", "reviewed_by", "reviewed_on", "next_review_due", "status"),
        )
        if keys is None or len(keys) < 5:
            return None
        written_by = self.msg(keys["written_by"], "review.written_by")
        reviewed_by = self.msg(keys["reviewed_by"], "review.reviewed_by")
        reviewed_on = self.date(keys["reviewed_on"], "review.reviewed_on")
        due = self.date(keys["next_review_due"], "review.next_review_due")
        status = self.choice(keys["status"], "review.status", REVIEW_STATUSES)
        if reviewed_on is not None and reviewed_on > self.today:
            self.error(keys["reviewed_on"], "review.reviewed_on", f"{reviewed_on} is in the future")
            return None
        if reviewed_on is not None and due is not None and due <= reviewed_on:
            self.error(
                keys["next_review_due"],
                "review.next_review_due",
                f"{due} must come after reviewed_on ({reviewed_on})",
            )
            return None
        if not (written_by and reviewed_by and reviewed_on and due and status):
            return None
        return Review(
            written_by,
            reviewed_by,
            reviewed_on,
            due,
            cast(ReviewStatus, status),
            line_of(keys["next_review_due"]),
        )


PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def asset_file(
    reader: Reader, node: Node, path: str, content_dir: Path, *, what: str, suffixes: tuple[str, ...]
) -> Path | None:
    """A file inside the content folder (a figure, a logo): present, of an allowed kind, and safe to embed."""
    value = reader.scalar(node, path, "a file path inside content/")
    if value is None:
        return None
    root = content_dir.resolve()
    target = (root / value).resolve()
    if Path(value).is_absolute() or not target.is_relative_to(root):
        reader.error(node, path, f"'{value}' is outside the content folder; keep {what}s under content/")
        return None
    if target.suffix.lower() not in suffixes:
        kinds = " or ".join(suffixes)
        reader.error(node, path, f"'{value}' is not a {kinds} file; a {what} must be one")
        return None
    if not target.is_file():
        reader.error(node, path, f"{what} file content/{value} does not exist")
        return None
    if target.suffix.lower() == ".svg":
        problem = svg_problem(target)
    else:
        problem = None if target.read_bytes()[:8] == PNG_MAGIC else "not a PNG image"
    if problem:
        reader.error(node, path, f"content/{value}: {problem}")
        return None
    return target


def svg_problem(path: Path) -> str | None:
    """Why an SVG file cannot be used as a figure, or None when it can.

    Figures are embedded in PDFs and emails, so they must be well-formed, self-contained drawings: no
    scripts, no foreign objects and no links to other files or the web.
    """
    try:
        root = SafeET.parse(path).getroot()
    except Exception as exc:  # defusedxml raises ParseError or its own refusals (entities, DTDs)
        return f"not a well-formed SVG file ({exc})"
    if root is None:
        return "the file holds no SVG element"
    if root.tag != f"{SVG_NS}svg":
        return 'the root element is not <svg> in the SVG namespace (xmlns="http://www.w3.org/2000/svg")'
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name in ("script", "foreignObject"):
            return f"contains <{name}>, which is not allowed in a figure"
        for attribute in ("href", XLINK_HREF):
            target = element.get(attribute)
            if target is not None and not target.startswith("#"):
                return f"links to '{target}'; a figure must not load other files"
    return None


class _GuideReader(Reader):
    def guide(self, root: Node) -> Guide | None:
        keys = self.mapping(root, "", required=("title", "intro", "parts"), optional=("subtitle",))
        if keys is None:
            return None
        before = len(self.problems)
        title = self._msg(keys, "title")
        subtitle = self._msg(keys, "subtitle") if "subtitle" in keys else None
        intro = self._msg(keys, "intro")
        parts = (
            self.each(self.sequence(keys["parts"], "parts", 1), "parts", self.part)
            if "parts" in keys
            else None
        )
        if len(self.problems) > before or title is None or intro is None or parts is None:
            return None
        return Guide(self.file, title, subtitle, intro, tuple(parts))

    def _msg(self, keys: dict[str, Node], key: str) -> Msg | None:
        if key not in keys:
            return None
        value = self.text(keys[key], key)
        return None if value is None else Msg(value, line_of(keys[key]))

    def part(self, node: Node, path: str) -> GuidePart | None:
        keys = self.mapping(node, path, required=("id", "heading", "topics"))
        if keys is None or len(keys) < 3:
            return None
        part_id = self.slug(keys["id"], f"{path}.id")
        heading = self.text(keys["heading"], f"{path}.heading")
        topics = self.each(self.sequence(keys["topics"], f"{path}.topics", 1), f"{path}.topics", self.slug)
        if part_id is None or heading is None or topics is None:
            return None
        return GuidePart(part_id, Msg(heading, line_of(keys["heading"])), tuple(topics))


def _read_guide(path: Path, project_root: Path, problems: list[Problem]) -> Guide | None:
    shown = _shown(path, project_root)
    if not path.is_file():
        problems.append(
            Problem(shown, 0, "", "missing: it lists the parts of the complete guide and their topics")
        )
        return None
    root = parse(path, shown, problems)
    return None if root is None else _GuideReader(shown, problems).guide(root)


def _check_across_files(
    topics: list[Topic], guide: Guide | None, stems: set[str], problems: list[Problem]
) -> list[Topic]:
    """Unique topic ids, existing related topics, and a guide that lists every topic exactly once.

    ``stems`` names every topic file, read or not: a reference to a topic whose file has problems of its own
    is not reported again.
    """
    by_id: dict[str, Topic] = {}
    for topic in topics:
        if topic.id in by_id:
            problems.append(
                Problem(
                    topic.file, 1, "id", f"duplicate topic id '{topic.id}' (also in {by_id[topic.id].file})"
                )
            )
        else:
            by_id[topic.id] = topic
    for topic in topics:
        for index, other in enumerate(topic.related):
            if other not in by_id and other not in stems:
                problems.append(
                    Problem(
                        topic.file,
                        topic.key_lines.get("related", 1),
                        f"related[{index}]",
                        f"no topic with id '{other}'",
                    )
                )
    if guide is None:
        return topics
    ordered: list[Topic] = []
    listed: set[str] = set()
    for part_index, part in enumerate(guide.parts):
        for index, topic_id in enumerate(part.topics):
            where = f"parts[{part_index}].topics[{index}]"
            if topic_id in listed:
                problems.append(
                    Problem(guide.file, part.heading.line, where, f"'{topic_id}' is listed twice")
                )
            elif topic_id in by_id:
                ordered.append(by_id[topic_id])
            elif topic_id not in stems:
                problems.append(
                    Problem(guide.file, part.heading.line, where, f"no topic with id '{topic_id}'")
                )
            listed.add(topic_id)
    for topic in topics:
        if topic.id not in listed:
            problems.append(
                Problem(
                    topic.file,
                    1,
                    "id",
                    f"topic '{topic.id}' is not listed in {guide.file}; add it to one of its parts",
                )
            )
    return ordered
