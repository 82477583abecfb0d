"""``locales/LOCALE/approval.toml``: a medical translator's sign-off of a catalog, and what they signed.

The record names who approved the catalog, in what role and on what day, and keeps one line per message as it
stood then: its context, its English and a hash of its translation (the msgstr, or each plural form, and
whether it was fuzzy). From that snapshot :func:`review_diff` lists exactly the messages added, changed or
removed since, for the translator's next review, and ``check`` reports an approval the catalog no longer
matches. The file is plain TOML, one message a line, written atomically, so a new approval shows in review
as a diff of the messages it covers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from babel.messages.catalog import Message

from ..config import Project
from ..content.approvals import signer_field, toml_string
from ..errors import Problem, ScarleafletsError
from ..output import atomic_write
from .catalogs import catalog_path, shown
from .pofile import read_po

APPROVAL_FILE = "approval.toml"
Key = tuple[str, str]  # (context, English)
Change = Literal["added", "changed", "removed"]


@dataclass(frozen=True)
class Entry:
    """One message of the catalog: its translation's hash, the translation as shown, and its .po line."""

    sha256: str
    translation: str
    line: int


@dataclass(frozen=True)
class CatalogApproval:
    by: str
    role: str
    date: dt.date
    messages: dict[Key, str]  # the hash of each message's translation when approved

    @property
    def sha256(self) -> str:
        return snapshot_hash(self.messages)


@dataclass(frozen=True)
class Difference:
    change: Change
    context: str
    english: str
    translation: str  # now ("" when removed)
    line: int  # in the .po file now (0 when removed)


def approval_path(project: Project, locale: str) -> Path:
    return project.locales_dir / locale / APPROVAL_FILE


def catalog_entries(project: Project, locale: str) -> dict[Key, Entry]:
    """Every message of the catalog (not the header, not obsolete ones), keyed by context and English."""
    path = catalog_path(project, locale)
    catalog = read_po(path.read_bytes(), locale=locale)
    return {(message.context or "", _english(message)): _entry(message) for message in catalog if message.id}


def _english(message: Message) -> str:
    return message.id if isinstance(message.id, str) else "\n".join(message.id)


def _entry(message: Message) -> Entry:
    forms = [message.string] if isinstance(message.string, str) else list(message.string or ())
    fuzzy = message.fuzzy
    digest = hashlib.sha256(json.dumps([forms, fuzzy], ensure_ascii=False).encode()).hexdigest()
    shown_text = " | ".join(str(form) for form in forms) + (" (fuzzy)" if fuzzy else "")
    return Entry(digest, shown_text, message.lineno or 0)


def snapshot_hash(messages: dict[Key, str]) -> str:
    canonical = json.dumps(sorted([*key, value] for key, value in messages.items()), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def read_approval(project: Project, locale: str, problems: list[Problem]) -> CatalogApproval | None:
    """The catalog's approval, or None when it has none (or when the file is broken: a problem then)."""
    path = approval_path(project, locale)
    where = shown(project, path)
    if not path.is_file():
        return None
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        by = signer_field(str(data.get("by", "")), "by")
        role = signer_field(str(data.get("role", "")), "role")
        date = data["date"]
        if not isinstance(date, dt.date):
            raise TypeError("date: expected a date (YYYY-MM-DD, unquoted)")
        messages = {(str(m["context"]), str(m["msgid"])): str(m["sha256"]) for m in data.get("messages", [])}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, KeyError, TypeError, ValueError) as exc:
        problems.append(Problem(where, 0, "", f"not a valid approval record: {exc}"))
        return None
    except ScarleafletsError as exc:  # a name or role that is not one line of text
        problems.append(Problem(where, 0, "", str(exc)))
        return None
    return CatalogApproval(by, role, date, messages)


def write_approval(project: Project, locale: str, by: str, role: str, date: dt.date) -> CatalogApproval:
    """Record the catalog as it stands as approved by ``by`` (``role``) on ``date``; return the record."""
    entries = catalog_entries(project, locale)
    record = CatalogApproval(by, role, date, {key: entry.sha256 for key, entry in entries.items()})
    lines = [
        f"# The sign-off of {shown(project, catalog_path(project, locale))}, written by "
        "`scarleaflets i18n approve`.",
        "# Each message is kept as approved (context, English, hash of the translation), so that",
        "# `scarleaflets i18n review-diff` can list exactly what changed since.",
        f"by = {toml_string(by)}",
        f"role = {toml_string(role)}",
        f"date = {date.isoformat()}",
        "messages = [",
        *(
            f"  {{ context = {toml_string(context)}, msgid = {toml_string(english)}, sha256 = {toml_string(h)} }},"
            for (context, english), h in sorted(record.messages.items())
        ),
        "]",
    ]
    atomic_write(approval_path(project, locale), ("\n".join(lines) + "\n").encode())
    return record


def review_diff(approval: CatalogApproval | None, entries: dict[Key, Entry]) -> list[Difference]:
    """The messages added, changed (English kept, translation or fuzzy flag changed) or removed since the
    approval, in .po order (removed ones last); every message when there is no approval."""
    approved = approval.messages if approval is not None else {}
    found: list[Difference] = []
    for (context, english), entry in sorted(entries.items(), key=lambda item: item[1].line):
        before = approved.get((context, english))
        if before is None:
            found.append(Difference("added", context, english, entry.translation, entry.line))
        elif before != entry.sha256:
            found.append(Difference("changed", context, english, entry.translation, entry.line))
    for context, english in sorted(set(approved) - set(entries)):
        found.append(Difference("removed", context, english, "", 0))
    return found
