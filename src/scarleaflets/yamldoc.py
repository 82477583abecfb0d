"""Read a YAML file into nodes that remember their line, and validate them with precise messages.

PyYAML's ``safe_load`` forgets where each value came from and silently accepts duplicate keys, so content,
brands and series are read with ``yaml.compose`` instead: every node keeps its line, and a :class:`Reader`
walks the nodes, converting them to plain Python values while collecting every problem it meets as a
:class:`~scarleaflets.errors.Problem` (file, line, path inside the file, message). Nothing is raised for bad
content: the caller decides, once all files are read, whether the problems stop the run.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Problem

T = TypeVar("T")
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


class Reader:
    """Converts composed YAML nodes to Python values, recording a :class:`Problem` for each mistake.

    Methods return None when the value is unusable, so that validation goes on and reports everything.
    """

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems

    def error(self, node: Node | int, path: str, message: str) -> None:
        line = node if isinstance(node, int) else line_of(node)
        self.problems.append(Problem(self.file, line, path, message))

    def mapping(
        self,
        node: Node,
        path: str,
        required: Iterable[str],
        optional: Iterable[str] = (),
    ) -> dict[str, Node] | None:
        """A mapping with exactly the known keys; unknown, duplicate and missing keys are problems."""
        if not isinstance(node, MappingNode):
            self.error(node, path or "(top level)", f"expected a mapping of keys, got {describe(node)}")
            return None
        required = list(required)
        known = [*required, *optional]
        result: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if not isinstance(key, str) or not key:
                self.error(key_node, path, "a key must be a plain word")
                continue
            where = _join(path, key)
            if key not in known:
                guess = difflib.get_close_matches(key, known, n=1)
                hint = f"; did you mean '{guess[0]}'?" if guess else f"; allowed keys: {', '.join(known)}"
                self.error(key_node, where, f"unknown key '{key}'{hint}")
                continue
            if key in result:
                self.error(key_node, where, f"duplicate key '{key}'; each key may appear once")
                continue
            result[key] = value_node
        missing = [f"'{key}'" for key in required if key not in result]
        if missing:
            noun = "key" if len(missing) == 1 else "keys"
            self.error(node, path or "(top level)", f"missing required {noun} {', '.join(missing)}")
        return result

    def sequence(
        self, node: Node, path: str, minimum: int = 0, maximum: int | None = None
    ) -> list[Node] | None:
        if not isinstance(node, SequenceNode):
            self.error(node, path, f"expected a list, got {describe(node)}")
            return None
        items: list[Node] = list(node.value)
        if len(items) < minimum or (maximum is not None and len(items) > maximum):
            wanted = f"{minimum} to {maximum}" if maximum is not None else f"at least {minimum}"
            self.error(node, path, f"expected {wanted} items, got {len(items)}")
        return items

    def scalar(self, node: Node, path: str, expected: str) -> str | None:
        if not isinstance(node, ScalarNode) or describe(node) == "nothing":
            self.error(node, path, f"expected {expected}, got {describe(node)}")
            return None
        return str(node.value)

    def text(self, node: Node, path: str) -> str | None:
        """Plain prose: non-empty, single-spaced, no markup, no links."""
        value = self.scalar(node, path, "text")
        if value is None:
            return None
        value = " ".join(value.split())
        if not value:
            self.error(node, path, "must not be empty")
            return None
        if MARKUP.search(value):
            self.error(node, path, "looks like HTML markup; write plain text (no <tags> or &entities;)")
            return None
        if URL_LIKE.search(value):
            self.error(node, path, "contains a link; put links in `sources`, not in the text")
            return None
        return value

    def slug(self, node: Node, path: str) -> str | None:
        value = self.scalar(node, path, "an id")
        if value is None:
            return None
        if not SLUG.match(value):
            self.error(node, path, f"'{value}' is not a valid id: use lower-case letters, digits and hyphens")
            return None
        return value

    def choice(self, node: Node, path: str, allowed: Iterable[str]) -> str | None:
        allowed = list(allowed)
        value = self.scalar(node, path, f"one of {', '.join(allowed)}")
        if value is None:
            return None
        if value not in allowed:
            self.error(node, path, f"'{value}' is not allowed; expected one of {', '.join(allowed)}")
            return None
        return value

    def date(self, node: Node, path: str) -> dt.date | None:
        value = self.scalar(node, path, "a date (YYYY-MM-DD)")
        if value is None:
            return None
        try:
            if not ISO_DATE.match(value):
                raise ValueError
            return dt.date.fromisoformat(value)
        except ValueError:
            self.error(node, path, f"'{value}' is not a valid date; write it as YYYY-MM-DD, e.g. 2026-11-25")
            return None

    def integer(self, node: Node, path: str, low: int, high: int) -> int | None:
        value = self.scalar(node, path, "a whole number")
        if value is None:
            return None
        if not value.isdigit() or not low <= int(value) <= high:
            self.error(node, path, f"'{value}' is not a whole number from {low} to {high}")
            return None
        return int(value)

    def each(
        self, nodes: list[Node] | None, path: str, read: Callable[[Node, str], T | None]
    ) -> list[T] | None:
        """Read every item of a list; None if any item was unusable (its problem is already recorded)."""
        if nodes is None:
            return None
        values = [read(item, f"{path}[{index}]") for index, item in enumerate(nodes)]
        return None if any(value is None for value in values) else [v for v in values if v is not None]


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
