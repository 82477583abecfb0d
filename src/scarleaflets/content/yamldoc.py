"""Read a YAML file into plain data that remembers the line of every place in it.

PyYAML's ``safe_load`` forgets where each value came from and silently accepts duplicate keys, so content,
brands and series are read with ``yaml.compose`` instead (:func:`parse`, which turns a syntax error into a
:class:`~scarleaflets.errors.Problem` naming the line). :func:`to_data` then turns the nodes into plain dicts
and lists of :class:`Scalar` values (YAML 1.1 words such as ``no`` stay text), listing repeated keys instead
of dropping them, and keeps a :class:`LineMap` from each place in the document (``("sections", 2, "blocks",
0)``) to its line, so that every error pydantic reports about a place can be shown as ``file:line: path:
message`` (:mod:`~scarleaflets.content.validation`). The rules on single values (:func:`prose_problem`,
:func:`slug_problem`, :func:`read_date`, :func:`read_integer`) are here so their messages are written once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Problem
from .clinic_details import unknown_detail_problem

# libyaml when PyYAML was built with it (the usual wheels are): several times faster, same nodes and marks.
FAST_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

NULL_TAG = "tag:yaml.org,2002:null"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!][^>]*>|&[A-Za-z]+;|&#\d+;")
URL_LIKE = re.compile(r"\b(?:https?|ftp|file|data|javascript|mailto):|\bwww\.", re.IGNORECASE)


def describe(node: Node) -> str:
    """Name a node's kind the way an editor would: 'a list', 'a mapping', 'nothing', 'text'."""
    if isinstance(node, SequenceNode):
        return "a list"
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, ScalarNode) and node.tag == NULL_TAG and node.style is None:
        return "nothing"
    return "text"


def line_of(node: Node) -> int:
    return int(node.start_mark.line) + 1


Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Scalar:
    """One scalar of a document as written (YAML 1.1 words such as ``no`` stay text), with its line.

    ``null`` marks an empty value or ``~``/``null`` written without quotes: 'nothing' to an editor.
    """

    text: str
    line: int
    null: bool = False


@dataclass
class LineMap:
    """Where each place of a document is: the line of its value, and of its key inside a mapping."""

    values: dict[Loc, int] = field(default_factory=dict)
    keys: dict[Loc, int] = field(default_factory=dict)

    def line(self, loc: Loc) -> int:
        """The line of the value at ``loc``, or of the nearest place around it that has one."""
        while loc not in self.values and loc:
            loc = loc[:-1]
        return self.values.get(loc, 0)


class Mapping(dict[str, Any]):
    """A mapping as :func:`to_data` read it: the first value of each key, and each repeated key with its line
    (reported by whoever reads the mapping as one, so a mapping where text belongs is reported once)."""

    def __init__(self) -> None:
        super().__init__()
        self.repeated: list[tuple[str, int]] = []
        self.not_words: list[int] = []  # lines of keys that are not plain words


def describe_value(value: object) -> str:
    """:func:`describe` for a value made by :func:`to_data`."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, Scalar) and value.null:
        return "nothing"
    return "text"


def path_of(loc: Loc) -> str:
    """A place in a document as messages show it: ``sections[2].blocks[0].paragraph``."""
    path = ""
    for part in loc:
        path = f"{path}[{part}]" if isinstance(part, int) else _join(path, part)
    return path


def to_data(node: Node) -> tuple[Any, LineMap]:
    """The document as dicts, lists and :class:`Scalar` values, with the line of every place in it.

    Of a repeated key the first value is kept and the others are listed in :attr:`Mapping.repeated`; keys that
    are not plain words are left out and their lines listed in :attr:`Mapping.not_words`.
    """
    lines = LineMap()
    return _data(node, (), lines), lines


def _data(node: Node, loc: Loc, lines: LineMap) -> Any:  # noqa: ANN401
    lines.values[loc] = line_of(node)
    if isinstance(node, SequenceNode):
        return [_data(item, (*loc, index), lines) for index, item in enumerate(node.value)]
    if isinstance(node, MappingNode):
        result = Mapping()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if not isinstance(key, str) or not key:
                result.not_words.append(line_of(key_node))
            elif key in result:
                result.repeated.append((key, line_of(key_node)))
            else:
                lines.keys[(*loc, key)] = line_of(key_node)
                result[key] = _data(value_node, (*loc, key), lines)
        return result
    return Scalar(str(node.value), line_of(node), describe(node) == "nothing")


def prose_problem(value: str) -> str | None:
    """Why single-spaced text cannot be shown as plain prose, or None when it can."""
    if not value:
        return "must not be empty"
    if MARKUP.search(value):
        return "looks like HTML markup; write plain text (no <tags> or &entities;)"
    if URL_LIKE.search(value):
        return "contains a link; put links in `sources`, not in the text"
    return unknown_detail_problem(value)


def slug_problem(value: str) -> str | None:
    if not SLUG.match(value):
        return f"'{value}' is not a valid id: use lower-case letters, digits and hyphens"
    return None


def read_date(value: str) -> dt.date | str:
    """The date written as YYYY-MM-DD, or why it is not one."""
    try:
        if not ISO_DATE.match(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        return f"'{value}' is not a valid date; write it as YYYY-MM-DD, e.g. 2026-11-25"


def read_integer(value: str, low: int, high: int) -> int | str:
    """The whole number from ``low`` to ``high``, or why it is not one."""
    if not value.isdigit() or not low <= int(value) <= high:
        return f"'{value}' is not a whole number from {low} to {high}"
    return int(value)


def parse(path: Path, shown_as: str, problems: list[Problem], text: str | None = None) -> Node | None:
    """Compose one YAML document, turning syntax errors into a problem that names the line.

    ``text`` is the file's content when the caller has already read it. Returns None (and records a
    problem) when the file cannot be read or parsed, or is empty.
    """
    try:
        if text is None:
            text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(shown_as, 0, "", f"not UTF-8 text ({exc.reason}); save the file as UTF-8"))
        return None
    except OSError as exc:
        problems.append(Problem(shown_as, 0, "", f"cannot be read: {exc.strerror}"))
        return None
    try:
        node = yaml.compose(text, Loader=FAST_LOADER)
    except yaml.YAMLError:
        node = None  # parse again with the pure-Python loader below: its messages are the clearer ones
    try:
        if node is None:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and str(exc.context or "").startswith("while scanning a quoted"):
            mark = exc.context_mark  # the end of the file is no help: point at where the quote opens
        line = int(mark.line) + 1 if mark is not None else 0
        problems.append(Problem(shown_as, line, "", _syntax_message(exc, text, line)))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(shown_as, 0, "", f"YAML syntax error: {exc}"))
        return None
    if node is None:
        problems.append(Problem(shown_as, 1, "", "the file is empty"))
        return None
    if "*" in text:  # cheap test first: aliases need '*'
        for event in yaml.parse(text, Loader=FAST_LOADER):
            if isinstance(event, yaml.AliasEvent):
                line = int(event.start_mark.line) + 1 if event.start_mark is not None else 0
                message = "anchors and aliases (& and *) are not supported; write the value out"
                problems.append(Problem(shown_as, line, "", message))
                return None
    return node


def _syntax_message(exc: yaml.MarkedYAMLError, text: str, line: int) -> str:
    lines = text.splitlines()
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in str(exc.problem or "") or "\t" in source_line[: len(source_line) - len(source_line.lstrip())]:
        return "a tab character is used for indentation; YAML needs spaces (indent with 2 spaces)"
    if "expected a single document" in str(exc):
        return "the file holds more than one YAML document (a second '---'); keep one topic per file"
    detail = " ".join(part for part in (exc.context, exc.problem) if part)
    hint = ""
    if str(exc.context or "").startswith("while scanning a quoted"):
        return "a quoted text starts here and is never closed; add the closing quote"
    if "mapping values are not allowed" in detail:
        hint = '; a text that contains ": " must be put in quotes'
    elif "found character" in detail and "cannot start any token" in detail:
        hint = "; put the text in quotes"
    return f"YAML syntax error: {detail}{hint}"


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
