"""Read and write ``.po`` catalogs byte for byte as GNU gettext 0.21 (``msgcat``, ``msgmerge``) writes them.

Babel's own ``write_po`` wraps strings its own way (width 76, breaks that GNU would not make), so every catalog
saved by Poedit, Weblate or ``msgcat`` came back as a diff of thousands of lines; and it wraps the previous-msgid
comment inside the quoted string (``#| msgid "" "A mark is … after a`` / ``#| spot " "heals."``), which GNU
``msgfmt`` rejects with "end-of-line within string". Babel's ``read_po`` in turn keeps ``#|`` lines as
translator comments, so they came back as ``# | msgid`` junk.

:func:`write_po` serialises a Babel :class:`~babel.messages.catalog.Catalog` the way ``msgcat --width=79``
does: GNU's order of comments and flags, its packing of ``#:`` references, its ``#|`` and ``#~`` prefixes, and
its ``wrap()`` (``gettext-tools/src/write-po.c``): a string is cut after each ``\\n``, and each piece is broken
at the line break opportunities of Unicode UAX #14 as GNU libunistring 1.0 computes them, greedily, counting
East Asian wide characters as two columns. The tables it needs are in :mod:`scarleaflets.i18n._linebreak_tables`,
generated from that library. :func:`read_po` is Babel's reader plus the ``#|`` previous msgid.
"""

from __future__ import annotations

import io
import re
import textwrap
from bisect import bisect_right
from collections.abc import Iterator
from functools import lru_cache

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po as babel_read_po
from babel.messages.pofile import unescape

from . import _linebreak_tables as tables

__all__ = ["read_po", "write_po"]

# Break values, as libunistring names them.
_PROHIBITED = 0
_POSSIBLE = 1
_MANDATORY = 2
_UNDEFINED = -1

# GNU gettext 0.21's format languages, in the order in which it writes their flags (message.c).
FORMAT_LANGUAGES = (
    "c", "objc", "python", "python-brace", "java", "java-printf", "csharp", "javascript", "scheme", "lisp",
    "elisp", "librep", "ruby", "sh", "awk", "lua", "object-pascal", "smalltalk", "qt", "qt-plural", "kde",
    "kde-kuit", "boost", "tcl", "perl", "perl-brace", "php", "gcc-internal", "gfc-internal", "ycp",
)  # fmt: skip

_C_ESCAPES = {"\a": "a", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t", "\v": "v"}


def _parse_ranges(table: str) -> tuple[list[int], list[str]]:
    starts: list[int] = []
    values: list[str] = []
    for token in table.split():
        start, _, value = token.partition(":")
        starts.append(int(start, 16))
        values.append(value)
    return starts, values


_CLASS_STARTS, _CLASS_VALUES = _parse_ranges(tables.LINE_BREAK_CLASSES)
_WIDTH_STARTS, _WIDTH_VALUES = _parse_ranges(tables.WIDTHS)
_PAIR_INDEX = {name: index for index, name in enumerate(tables.PAIR_CLASSES)}


@lru_cache(maxsize=4096)
def _line_break_class(char: str) -> str:
    return _CLASS_VALUES[bisect_right(_CLASS_STARTS, ord(char)) - 1]


@lru_cache(maxsize=4096)
def _column_width(char: str) -> int:
    """Columns of ``char`` as libunistring's ``uc_width`` counts them; control characters count 0."""
    return max(0, int(_WIDTH_VALUES[bisect_right(_WIDTH_STARTS, ord(char)) - 1]))


def _possible_breaks(text: str) -> list[int]:
    """Break opportunities before each character: libunistring 1.0's ``u8_possible_linebreaks``."""
    breaks = [_PROHIBITED] * len(text)
    prev_prop = "BK"  # the class of the previous character
    last_prop = "BK"  # the class of the last character that is not a space
    seen_space = False  # a space since the last character that is not one
    ri_count = 0
    for index, char in enumerate(text):
        prop = _line_break_class(char)
        if prop in ("BK", "LF", "CR"):
            breaks[index] = _MANDATORY
            prev_prop = prop
            last_prop = "BK"
            seen_space = False
        else:
            if prop in ("AI", "SA", "XX"):
                prop = "AL"
            elif prop == "CB":
                prop = "ID1"
            if prop == "SP":
                seen_space = True
            elif prop == "ZW":
                last_prop = "ZW"
                seen_space = False
            elif prop in ("CM", "ZWJ"):
                if last_prop == "BK":
                    last_prop = "AL"
                    seen_space = False
                elif last_prop == "ZW" or seen_space:
                    breaks[index] = _POSSIBLE
                    last_prop = "AL"
                    seen_space = False
            else:
                if last_prop == "BK" or prev_prop in ("ZWJ", "HL_BA"):
                    breaks[index] = _PROHIBITED
                elif last_prop == "ZW":
                    breaks[index] = _POSSIBLE
                elif last_prop == "RI" and prop == "RI":
                    breaks[index] = _POSSIBLE if seen_space or ri_count % 2 == 0 else _PROHIBITED
                else:
                    rule = tables.PAIR_TABLE[_PAIR_INDEX[last_prop]][_PAIR_INDEX[prop]]
                    if rule == "D" or (rule == "I" and seen_space):
                        breaks[index] = _POSSIBLE
                last_prop = prop
                seen_space = False
            prev_prop = "HL_BA" if prev_prop == "HL" and prop in ("HY", "BA") else prop
        ri_count = ri_count + 1 if prop == "RI" else 0
    return breaks


def _width_breaks(text: str, width: int, start_column: int, overrides: list[int]) -> list[bool]:
    """Where to break ``text`` so that its lines fit ``width``: libunistring's ``u8_width_linebreaks``.

    It breaks greedily, at the last opportunity before a piece of text that would pass the width; a piece
    longer than a line stays whole. ``overrides`` replaces the opportunity before a character unless it is
    ``_UNDEFINED``.
    """
    possible = _possible_breaks(text)
    result = [False] * len(text)
    last_break: int | None = None
    last_column = start_column
    piece_width = 0
    for index, char in enumerate(text):
        opportunity = possible[index] if overrides[index] == _UNDEFINED else overrides[index]
        if opportunity != _PROHIBITED and last_break is not None and last_column + piece_width > width:
            result[last_break] = True
            last_column = 0
        if opportunity == _MANDATORY:
            last_break = None
            last_column = 0
            piece_width = 0
        else:
            if opportunity == _POSSIBLE:
                last_break = index
                last_column += piece_width
                piece_width = 0
            piece_width += _column_width(char)
    if last_break is not None and last_column + piece_width > width:
        result[last_break] = True
    return result


_PYTHON_CONVERSION = re.compile(r"[-+ #0]*(?:\*|\d+)?(?:\.(?:\*|\d*))?[hlL]?[%csridouxXeEfgG]")
_BRACE = re.compile(r"[{}]")


def _python_directives(value: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each python-format directive up to the first invalid one, as GNU's format-python.c.

    Like GNU, a directive that mixes named and unnamed arguments with those before it is invalid.
    """
    named = unnamed = False
    position = value.find("%")
    while position >= 0:
        end = position + 1
        name = value.startswith("(", end)
        if name:
            depth = 0
            end += 1
            while end < len(value) and (value[end] != ")" or depth):
                depth += {"(": 1, ")": -1}.get(value[end], 0)
                end += 1
            if end >= len(value):
                return
            end += 1
        match = _PYTHON_CONVERSION.match(value, end)
        if match is None or (named and "*" in match.group()):
            return
        if name:
            if unnamed:
                return
            named = True
        elif match.group().endswith("%") and "*" not in match.group():
            pass
        else:
            if named:
                return
            unnamed = True
        yield position, match.end()
        position = value.find("%", match.end())


_PYTHON_BRACE_DIRECTIVE = re.compile(
    r"\{\{|\}\}|\{(?:[A-Za-z_]\w*|\d+)(?:\.[A-Za-z_]\w*|\[(?:[A-Za-z_]\w*|\d+)\])*"
    r"(?::(?:.?[<>=^])?[-+ ]?#?0?\d*(?:\.\d*)?[bcdoxXneEfFgG%]?)?\}"
)


def _directive_continuations(value: str, flags: set[str]) -> set[int]:
    """Indexes in ``value`` inside a format directive but not at its start: GNU never breaks there.

    Only the python-format and python-brace-format flags are understood (the latter without nested
    directives); like GNU, marking stops at the first invalid directive.
    """
    inside: set[int] = set()
    if "python-format" in flags:
        for start, end in _python_directives(value):
            inside.update(range(start + 1, end))
    elif "python-brace-format" in flags:
        position = 0
        while (found := _BRACE.search(value, position)) is not None:
            match = _PYTHON_BRACE_DIRECTIVE.match(value, found.start())
            if match is None:
                break
            inside.update(range(match.start() + 1, match.end()))
            position = match.end()
    return inside


def _wrap(
    name: str,
    value: str,
    *,
    prefix: str = "",
    width: int,
    no_wrap: bool = False,
    flags: set[str] | None = None,
) -> Iterator[str]:
    """The lines GNU's ``wrap()`` writes for ``name "value"``, each without its newline."""
    directive = _directive_continuations(value, flags or set())
    startcol_after_break = len(prefix) + 1
    line_width = (10**9 if no_wrap else width) - 1 - startcol_after_break
    first_line = True
    offset = 0
    while True:
        end = value.find("\n", offset)
        end = len(value) if end < 0 else end + 1
        chars: list[str] = []
        overrides: list[int] = []
        for index in range(offset, end):
            char = value[index]
            brk = _PROHIBITED if index in directive else _UNDEFINED
            if char in _C_ESCAPES or char in '\\"':
                chars += ["\\", _C_ESCAPES.get(char, char)]
                overrides += [brk, _PROHIBITED]
            else:
                chars.append(char)
                overrides.append(brk)
        if end > offset and value[end - 1] == "\n":
            overrides[-2] = _PROHIBITED  # no break just before the final \n
        portion = "".join(chars)
        while True:
            startcol = len(prefix) + (len(name) + 1 if first_line else 0) + 1 - startcol_after_break
            breaks = _width_breaks(portion, line_width, startcol, overrides)
            if first_line and portion and (end < len(value) or startcol > line_width or any(breaks)):
                yield f'{prefix}{name} ""'
                first_line = False
                continue
            break
        line = prefix + (f"{name} " if first_line else "") + '"'
        for index, char in enumerate(portion):
            if breaks[index]:
                yield line + '"'
                line = prefix + '"'
            line += char
        yield line + '"'
        first_line = False
        offset = end
        if offset >= len(value):
            return


def _comment_lines(message: Message, width: int) -> Iterator[str]:
    for comment in message.user_comments:
        yield f"# {comment}" if comment else "#"
    for comment in message.auto_comments:
        if not comment:
            yield "#."
        elif len(comment) + 3 <= width:
            yield f"#. {comment}"
        else:
            lines = textwrap.wrap(comment, width - 3, break_long_words=False, break_on_hyphens=False)
            yield from (f"#. {line}" for line in lines)


def _reference_lines(message: Message, width: int) -> Iterator[str]:
    if not message.locations:
        return
    line = "#:"
    column = 2
    for filename, lineno in message.locations:
        while filename.startswith("./"):
            filename = filename[2:]
        reference = filename if lineno is None else f"{filename}:{lineno}"
        length = len(reference.encode("utf-8")) + 1
        if column > 2 and column + length > width:
            yield line
            line = "#:"
            column = 2
        line += " " + reference
        column += length
    yield line


def _first_string(message: Message) -> str:
    string = message.string
    if isinstance(string, (list, tuple)):
        return str(string[0]) if string else ""
    return string or ""


def _flag_line(message: Message, *, obsolete: bool) -> str | None:
    flags = set(message.flags)
    written: list[str] = []
    if "fuzzy" in flags and (obsolete or _first_string(message)):
        written.append("fuzzy")
    for language in FORMAT_LANGUAGES:
        for flag in (f"{language}-format", f"no-{language}-format", f"possible-{language}-format"):
            if flag in flags:
                written.append(flag)
    known = {"fuzzy", "wrap", "no-wrap"} | {
        f"{kind}{language}-format" for language in FORMAT_LANGUAGES for kind in ("", "no-", "possible-")
    }
    ranges = sorted(flag for flag in flags if flag.startswith("range:"))
    if not obsolete:
        written += ranges[:1]
    if "no-wrap" in flags:
        written.append("no-wrap")
    # Flags GNU does not know (it would drop them) are kept, after its own.
    written += sorted(flag for flag in flags if flag not in known and not flag.startswith("range:"))
    return "#, " + ", ".join(written) if written else None


def _message_lines(message: Message, catalog: Catalog, width: int, *, obsolete: bool) -> Iterator[str]:
    flags = set(message.flags)
    no_wrap = "no-wrap" in flags
    yield from _comment_lines(message, width)
    yield from _reference_lines(message, width)
    flag_line = _flag_line(message, obsolete=obsolete)
    if flag_line is not None:
        yield flag_line
    previous = list(message.previous_id or ())
    previous_prefix = "#~| " if obsolete else "#| "
    for keyword, text in zip(("msgid", "msgid_plural"), previous, strict=False):
        yield from _wrap(keyword, text, prefix=previous_prefix, width=width, no_wrap=no_wrap, flags=flags)
    prefix = "#~ " if obsolete else ""

    def wrap(keyword: str, text: str) -> Iterator[str]:
        return _wrap(keyword, text, prefix=prefix, width=width, no_wrap=no_wrap, flags=flags)

    if message.context is not None:
        yield from wrap("msgctxt", message.context)
    if isinstance(message.id, (list, tuple)):
        yield from wrap("msgid", message.id[0])
        yield from wrap("msgid_plural", message.id[1])
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        for index in range(catalog.num_plurals):
            yield from wrap(f"msgstr[{index}]", (strings[index] if index < len(strings) else "") or "")
    else:
        yield from wrap("msgid", message.id)
        yield from wrap("msgstr", _first_string(message))


def write_po(catalog: Catalog, *, width: int = 79) -> bytes:
    """The catalog as ``msgcat --width=WIDTH`` would write it, encoded in the catalog's charset.

    The header comes from ``catalog.header_comment`` (its lines as they are) and ``catalog.mime_headers``;
    then every message in catalog order; then the obsolete messages that have a translation, as ``#~``.
    Each message's previous msgid (``Message.previous_id``) is written as ``#| msgid`` lines.
    """
    lines: list[str] = []
    if catalog.header_comment:
        lines += catalog.header_comment.splitlines()
    if catalog.fuzzy:
        lines.append("#, fuzzy")
    header = "".join(f"{name}: {value.rstrip(chr(10))}\n" for name, value in catalog.mime_headers)
    lines.append('msgid ""')
    lines += _wrap("msgstr", header, width=width)
    for message in catalog:
        if message.id == "":
            continue
        lines.append("")
        lines += _message_lines(message, catalog, width, obsolete=False)
    for message in catalog.obsolete.values():
        if not _first_string(message):
            continue  # GNU drops obsolete entries without a translation
        lines.append("")
        lines += _message_lines(message, catalog, width, obsolete=True)
    return ("\n".join(lines) + "\n").encode(catalog.charset or "utf-8")


_PREVIOUS_LINE = re.compile(rb"^\s*#(~?)\|\s?(.*?)\s*$")
_MSGID_LINE = re.compile(rb"^\s*(?:#~\s*)?msgid\s")


def _previous_entries(lines: list[bytes]) -> dict[int, dict[str, bytes]]:
    """Blank out the ``#|`` lines in ``lines``; return their fields by the 1-based line of the next msgid."""
    found: dict[int, dict[str, bytes]] = {}
    pending: dict[str, bytes] = {}
    keyword: str | None = None
    for index, raw in enumerate(lines):
        match = _PREVIOUS_LINE.match(raw)
        if match is not None:
            lines[index] = b""
            text = match.group(2)
            if text.startswith(b'"'):
                if keyword is not None:
                    pending[keyword] += text
            else:
                word, _, rest = text.partition(b" ")
                keyword = word.decode("ascii", "replace")
                pending[keyword] = rest.strip()
        elif pending and _MSGID_LINE.match(raw):
            found[index + 1] = pending
            pending = {}
            keyword = None
    return found


def _unquote(joined: bytes, charset: str) -> str:
    parts = re.findall(rb'"((?:[^"\\]|\\.)*)"', joined)
    return "".join(unescape(f'"{part.decode(charset)}"') for part in parts)


def read_po(
    data: bytes, *, locale: str | None = None, domain: str | None = None, abort_invalid: bool = False
) -> Catalog:
    """Babel's ``read_po`` of ``data``, with each ``#| msgid`` (and ``#| msgid_plural``) as ``previous_id``.

    Babel keeps those lines as translator comments (``"| msgid ..."``); here they become
    ``message.previous_id`` (a list, as ``Catalog.update`` sets it), for obsolete entries (``#~|``) too.
    ``#| msgctxt`` is dropped: Babel has no place for a previous context.
    """
    lines = data.split(b"\n")
    previous = _previous_entries(lines)
    catalog = babel_read_po(
        io.BytesIO(b"\n".join(lines)), locale=locale, domain=domain, abort_invalid=abort_invalid
    )
    if previous:
        charset = catalog.charset or "utf-8"
        for message in [*catalog, *catalog.obsolete.values()]:
            fields = previous.get(message.lineno or 0)
            if fields is None or "msgid" not in fields:
                continue
            previous_id = [_unquote(fields["msgid"], charset)]
            if "msgid_plural" in fields:
                previous_id.append(_unquote(fields["msgid_plural"], charset))
            message.previous_id = previous_id
    return catalog
