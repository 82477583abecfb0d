"""The translation quality gate: what a catalog must not do before it may reach a patient.

Per message it rejects a placeholder that is missing, renamed or added; markup other than exactly the tags of
the English; a link, web address or e-mail address that the English does not have; a bidirectional control
character (U+202A-U+202E, U+2066-U+2069, U+200E/F, U+061C) that the English does not have, since invisible
controls can reorder what the reader sees; a plural entry whose number of forms is not the ``nplurals`` of
the catalog's own ``Plural-Forms`` header; and, in template strings, a lone ``%`` (Jinja formats every translated template string with ``%``). Fuzzy entries are not
published, so they are not checked here; they count as untranslated. Each problem names the ``.po`` file and
the line of the offending ``msgstr``.

The header itself must parse and its formula must map every count to a form that exists. A header that
differs from the installed Babel's CLDR rule is only a warning: the catalog's translations were written for
its own rule, which is the one used at run time (as GNU gettext does).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import unescape

from ..errors import Problem
from ..text import BIDI_CONTROL
from .locales import BadPluralRule, LocaleInfo, PluralRule, cldr_source

PLACEHOLDER = re.compile(
    r"%\((?P<name>[A-Za-z_][A-Za-z0-9_]*)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{[A-Za-z_]\w*\}"
)
TAG = re.compile(r"<\s*/?\s*[A-Za-z!?][^<>]*>?|&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")
LINK = re.compile(
    r"\b(?:https?|ftp|file|data|javascript|vbscript|mailto|tel|sms):[^\s\"'<>]*"
    r"|\bwww\.[^\s\"'<>]+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b[a-z0-9][a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}\b(?:/[^\s\"'<>]*)?",
    re.IGNORECASE,
)
LONE_PERCENT = re.compile(r"%")
QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')


def _tags(text: str) -> Counter[str]:
    return Counter(" ".join(tag.lower().split()) for tag in TAG.findall(text))


def _links(text: str) -> set[str]:
    return {link.rstrip(".,;:!?)»”") for link in LINK.findall(text)}


def _placeholders(text: str) -> Counter[str]:
    return Counter(match.group(0) for match in PLACEHOLDER.finditer(text))


def message_problems(message: Message, rule: PluralRule, forms_written: int | None = None) -> list[str]:
    """Everything wrong with one translated, non-fuzzy message (an empty list when it may be published).

    ``rule`` is the catalog's own plural rule. ``forms_written`` is how many ``msgstr[n]`` lines the file
    holds for a plural message: Babel pads a short list with empty forms, so the count has to come from the
    file itself.
    """
    ids = [message.id] if isinstance(message.id, str) else list(message.id)
    strings = [message.string] if isinstance(message.string, str) else list(message.string or ())
    problems: list[str] = []
    written = len(strings) if forms_written is None else forms_written
    if message.pluralizable and written != rule.count:
        problems.append(
            f"has {written} plural forms but the catalog's Plural-Forms header says nplurals={rule.count}"
        )
    expected = sum((_placeholders(text) for text in ids), Counter())
    expected_tags = _tags(ids[0])
    expected_links = set().union(*(_links(text) for text in ids))
    for index, text in enumerate(strings):
        if not text:
            continue
        form = f"msgstr[{index}]: " if message.pluralizable else ""
        found = _placeholders(text)
        missing = sorted(set(expected) - set(found))
        added = sorted(set(found) - set(expected))
        if added:
            problems.append(
                f"{form}placeholder {', '.join(added)} is not in the English; use only {_list(expected)}"
            )
        last_form = index == len(strings) - 1
        if missing and (not message.pluralizable or last_form):
            problems.append(f"{form}placeholder {', '.join(missing)} of the English is missing")
        if _tags(text) != expected_tags:
            extra = sorted((_tags(text) - expected_tags).elements())
            what = f"markup {', '.join(extra)}" if extra else "markup that differs from the English"
            problems.append(f"{form}{what}: translations are plain text; keep exactly the English's tags")
        smuggled = sorted(_links(text) - expected_links)
        if smuggled:
            problems.append(f"{form}link or address {', '.join(smuggled)} is not in the English; remove it")
        if BIDI_CONTROL.search(text) and not any(BIDI_CONTROL.search(i) for i in ids):
            problems.append(
                f"{form}a bidirectional control character ({_codepoints(text)}) is not in the English; "
                "remove it (the reader's software orders right-to-left text by itself)"
            )
        if not message.context and LONE_PERCENT.search(PLACEHOLDER.sub("", text).replace("%%", "")):
            problems.append(f"{form}a lone '%' breaks the template; write it as '%%'")
    return problems


def _codepoints(text: str) -> str:
    return ", ".join(sorted({f"U+{ord(c):04X}" for c in BIDI_CONTROL.findall(text)}))


def _list(placeholders: Counter[str]) -> str:
    return ", ".join(sorted(placeholders)) if placeholders else "none"


@dataclass(frozen=True)
class PluralHeader:
    """What a catalog's ``Plural-Forms`` header says: its rule (None when unusable), problems and warnings."""

    rule: PluralRule | None
    problems: list[Problem]
    warnings: list[Problem]


def plural_header(file: str, lines: list[str], locale: LocaleInfo) -> PluralHeader:
    """Read the catalog's own plural rule from its header, as GNU gettext does, and judge it.

    Read from the file's text rather than from Babel, which silently substitutes its CLDR rule when the
    header is missing. A rule that differs from CLDR's (as Babel 2.19 does for Spanish) is a warning only.
    """
    value, line = _header_field(lines, "Plural-Forms")
    cldr = locale.cldr_plural
    if value is None:
        return PluralHeader(
            None,
            [
                Problem(
                    file,
                    line,
                    "Plural-Forms",
                    f'the header has no Plural-Forms; add "Plural-Forms: {cldr.header}" '
                    f"(the CLDR rule for {locale.english_name})",
                )
            ],
            [],
        )
    try:
        rule = PluralRule.parse(value)
    except BadPluralRule as exc:
        return PluralHeader(
            None, [Problem(file, line, "Plural-Forms", f"{exc}; the header says {value!r}")], []
        )
    warnings = []
    if not rule.same_as(cldr):
        warnings.append(
            Problem(
                file,
                line,
                "Plural-Forms",
                f'the catalog\'s rule "{rule.header}" differs from the CLDR rule for {locale.english_name} '
                f"in {cldr_source()}, \"{cldr.header}\"; the catalog's own rule is used. To adopt CLDR's, run "
                f"`scarleaflets i18n update --plural-rule=cldr {locale.code}` and have a translator review the "
                "plural entries it marks fuzzy",
            )
        )
    return PluralHeader(rule, [], warnings)


def _header_field(lines: list[str], name: str) -> tuple[str | None, int]:
    """The value of one header field and the line it starts on (None and the header's line when absent).

    The header is the msgstr of the first entry; a long field may be wrapped over several quoted strings."""
    header_line = _line_of(lines, "msgid", 1)
    fields: list[tuple[str, int]] = []  # each field's text and the line it starts on
    complete = True
    for index in range(header_line, len(lines)):
        text = lines[index].strip()
        if not text.startswith(("msgstr", '"')):
            break  # the header entry ends at its first blank or non-string line
        quoted = text if text.startswith('"') else text.partition(" ")[2]
        for piece in unescape(quoted).splitlines(keepends=True):
            if complete:
                fields.append((piece, index + 1))
            else:
                fields[-1] = (fields[-1][0] + piece, fields[-1][1])
            complete = piece.endswith("\n")
    for field, line in fields:
        key, _, value = field.partition(":")
        if key.strip().lower() == name.lower():
            return value.strip(), line
    return None, header_line


def catalog_problems(catalog: Catalog, file: str, lines: list[str], rule: PluralRule) -> list[Problem]:
    """Per-message problems of a parsed catalog; ``lines`` is the file's text, for line numbers."""
    problems: list[Problem] = []
    for message in _translated(catalog):
        start = message.lineno or 1
        written = _forms_written(lines, start) if message.pluralizable else None
        for text in message_problems(message, rule, written):
            problems.append(Problem(file, _line_of(lines, "msgstr", start), _where(message), text))
    return problems


def syntax_problems(file: str, lines: list[str]) -> list[Problem]:
    """Malformed quoted strings, which Babel's lenient parser accepts but ``msgfmt`` rejects."""
    problems: list[Problem] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        _, _, rest = line.partition(" ")
        quoted = line if line.startswith('"') else rest.strip()
        if not QUOTED.fullmatch(quoted):
            problems.append(
                Problem(
                    file,
                    number,
                    "",
                    "malformed string: each text must be one pair of double quotes, with "
                    '\\" for a quote inside it',
                )
            )
    return problems


def _forms_written(lines: list[str], start: int) -> int:
    count = 0
    for line in lines[start - 1 :]:
        stripped = line.strip()
        if count and (not stripped or stripped.startswith(("msgid", "msgctxt", "#"))):
            break
        if stripped.startswith("msgstr["):
            count += 1
    return count


def _translated(catalog: Catalog) -> Iterable[Message]:
    for message in catalog:
        if message.id and not message.fuzzy and _has_translation(message):
            yield message


def _has_translation(message: Message) -> bool:
    if isinstance(message.string, str):
        return bool(message.string)
    return any(message.string or ())


def _where(message: Message) -> str:
    text = message.id if isinstance(message.id, str) else message.id[0]
    short = text if len(text) <= 40 else text[:37] + "..."
    context = f"[{message.context}] " if message.context else ""
    return f'{context}"{short}"'


def _line_of(lines: list[str], keyword: str, start: int) -> int:
    """The 1-based line of the first ``keyword`` at or after line ``start`` (the msgid line Babel records)."""
    for index in range(max(start - 1, 0), len(lines)):
        if lines[index].startswith(keyword):
            return index + 1
    return start
