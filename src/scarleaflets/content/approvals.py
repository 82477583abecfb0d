"""``content/approvals.toml``: the clinicians' sign-off of each topic's English, one table per topic.

A record names who approved the topic, in what role and on what day, and the hash of the English they read
(:meth:`~scarleaflets.content.Topic.english_sha256`). The file is plain TOML, sorted by topic id and written
atomically, so that an approval shows in review as a small diff of its own. A record whose hash no longer
matches the topic is kept (``check`` reports it) but gives the topic no approval: the leaflet is a draft again.

Only ``scarleaflets approve`` writes records; the YAML ``review.status`` is informational and ``check`` warns
when it disagrees with the record.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from pathlib import Path
from typing import Any

from ..errors import Problem, ScarleafletsError
from ..output import atomic_write
from .model import Approval

APPROVALS_FILE = "approvals.toml"
MAX_FIELD = 120
HEADER = """\
# Clinicians' sign-off of each topic's English, written by `scarleaflets approve TOPIC --by NAME --role ROLE`.
# Each approval is bound to a hash of the topic's English texts and sources: any change of wording voids it,
# `scarleaflets check` says so, and the leaflet is marked DRAFT until the topic is approved again.
"""
_TABLE = re.compile(r"^\[([A-Za-z0-9_-]+)\]\s*$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def approvals_path(content_dir: Path) -> Path:
    return content_dir / APPROVALS_FILE


def signer_field(value: str, name: str) -> str:
    """A name or role as recorded: one line of visible text; ScarleafletsError naming the option otherwise."""
    text = value.strip()
    if not text:
        raise ScarleafletsError(f"{name}: must not be empty")
    if len(text) > MAX_FIELD:
        raise ScarleafletsError(f"{name}: at most {MAX_FIELD} characters, got {len(text)}")
    if any(not ch.isprintable() for ch in text):
        raise ScarleafletsError(f"{name}: must be one line of text, without control characters")
    return text


def approval_date(value: dt.date, today: dt.date) -> dt.date:
    if value > today:
        raise ScarleafletsError(
            f"--date: {value.isoformat()} is in the future (today is {today.isoformat()})"
        )
    return value


def read_approvals(
    path: Path, shown: str, topic_ids: set[str], problems: list[Problem]
) -> dict[str, Approval]:
    """Every record of the file (none when it does not exist); each problem is added with the file and line."""
    if not path.is_file():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
        data: dict[str, Any] = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.append(Problem(shown, 0, "", f"not valid TOML: {exc}"))
        return {}
    lines = {m.group(1): n for n, line in enumerate(text.splitlines(), 1) if (m := _TABLE.match(line))}
    records: dict[str, Approval] = {}
    for topic, value in data.items():
        line = lines.get(topic, 0)
        record = _record(topic, value, line, shown, problems)
        if record is None:
            continue
        if topic not in topic_ids:
            problems.append(Problem(shown, line, topic, "no such topic; remove the approval or fix the id"))
            continue
        records[topic] = record
    return records


def _record(topic: str, value: object, line: int, shown: str, problems: list[Problem]) -> Approval | None:
    if not isinstance(value, dict):
        problems.append(Problem(shown, line, topic, "expected a table with by, role, date and sha256"))
        return None
    found = len(problems)
    unknown = sorted(set(value) - {"by", "role", "date", "sha256"})
    if unknown:
        problems.append(Problem(shown, line, topic, f"unknown key {', '.join(unknown)}"))
    fields: dict[str, str] = {}
    for key in ("by", "role"):
        try:
            fields[key] = signer_field(str(value.get(key, "")), key)
        except ScarleafletsError as exc:
            problems.append(Problem(shown, line, f"{topic}.{key}", str(exc).split(": ", 1)[1]))
    date = value.get("date")
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        problems.append(Problem(shown, line, f"{topic}.date", "expected a date (YYYY-MM-DD, unquoted)"))
    sha256 = value.get("sha256")
    if not isinstance(sha256, str) or not _SHA256.match(sha256):
        problems.append(Problem(shown, line, f"{topic}.sha256", "expected 64 lowercase hexadecimal digits"))
    if len(problems) > found or not isinstance(date, dt.date) or not isinstance(sha256, str):
        return None
    return Approval(topic, fields["by"], fields["role"], date, sha256, line)


def write_approvals(path: Path, records: dict[str, Approval]) -> None:
    """Write every record, sorted by topic id, atomically."""
    parts = [HEADER]
    for topic in sorted(records):
        record = records[topic]
        parts.append(
            f"\n[{topic}]\nby = {toml_string(record.by)}\nrole = {toml_string(record.role)}\n"
            f"date = {record.date.isoformat()}\nsha256 = {toml_string(record.sha256)}\n"
        )
    atomic_write(path, "".join(parts).encode())


def toml_string(value: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, and DEL, which TOML forbids raw, is escaped too."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
