"""``translation.toml``: who or what translated a catalog, and whether a medical translator reviewed it.

Leaflets and emails in a language say that its translation awaits review until the manifest's ``status`` is
``reviewed``; a reviewed status needs the reviewer's qualification and the date, or it counts as a draft.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from typing import Any, Literal

from ..config import Project
from ..errors import Problem
from ..output import atomic_write
from .catalogs import shown

MANIFEST = "translation.toml"
ReviewStatus = Literal["draft", "reviewed"]
MANIFEST_TEMPLATE = """\
# Who or what translated this catalog, and whether a qualified medical translator has reviewed it.
# Leaflets and emails in this language say that the translation awaits review until `status` is "reviewed".
translated_by = {translated_by}
status = "draft"          # draft (awaits review by a qualified medical translator) | reviewed
reviewed_by = ""          # once reviewed: the reviewer's qualification (a role, not a name)
reviewed_on = ""          # once reviewed: YYYY-MM-DD
"""


@dataclass(frozen=True)
class Manifest:
    translated_by: str
    status: ReviewStatus
    reviewed_by: str = ""
    reviewed_on: dt.date | None = None
    recorded: bool = True  # False when the locale has no translation.toml yet

    @property
    def reviewed(self) -> bool:
        return self.status == "reviewed"


def read_manifest(project: Project, locale: str, problems: list[Problem]) -> Manifest:
    path = project.locales_dir / locale / MANIFEST
    where = shown(project, path)
    if not path.is_file():
        return Manifest(translated_by="not recorded", status="draft", recorded=False)
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.append(Problem(where, 0, "", f"not valid TOML: {exc}"))
        return Manifest(translated_by="not recorded", status="draft")
    unknown = sorted(set(data) - {"translated_by", "status", "reviewed_by", "reviewed_on"})
    if unknown:
        problems.append(Problem(where, 0, "", f"unknown setting {', '.join(unknown)}"))
    translated_by = str(data.get("translated_by", "")).strip()
    status = data.get("status", "draft")
    reviewed_by = str(data.get("reviewed_by", "")).strip()
    raw_date = data.get("reviewed_on", "")
    reviewed_on: dt.date | None = None
    if not translated_by:
        problems.append(Problem(where, 0, "translated_by", "say who or what translated this catalog"))
    if status not in ("draft", "reviewed"):
        problems.append(Problem(where, 0, "status", f"'{status}' is not allowed; use draft or reviewed"))
        status = "draft"
    if isinstance(raw_date, dt.date):
        reviewed_on = raw_date
    elif raw_date:
        try:
            reviewed_on = dt.date.fromisoformat(str(raw_date))
        except ValueError:
            problems.append(Problem(where, 0, "reviewed_on", f"'{raw_date}' is not a date (YYYY-MM-DD)"))
    if status == "reviewed" and (not reviewed_by or reviewed_on is None):
        problems.append(
            Problem(where, 0, "status", "a reviewed translation needs reviewed_by (a role) and reviewed_on")
        )
        status = "draft"
    return Manifest(translated_by or "not recorded", status, reviewed_by, reviewed_on)


def draft_manifest(translated_by: str) -> bytes:
    """The manifest a new catalog starts with: a draft, translated by ``translated_by``."""
    return MANIFEST_TEMPLATE.format(translated_by=_toml_string(translated_by)).encode()


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def record_review(project: Project, locale: str, role: str, date: dt.date) -> None:
    """Mark the catalog reviewed in its translation.toml, by ``role`` on ``date`` (what ``i18n approve`` writes
    beside the approval, so that the file a person reads says the same as the sign-off). Every other line and
    comment is kept; a missing manifest is started as a draft first."""
    path = project.locales_dir / locale / MANIFEST
    text = path.read_text(encoding="utf-8") if path.is_file() else draft_manifest("not recorded").decode()
    values = {"status": "reviewed", "reviewed_by": role, "reviewed_on": date.isoformat()}
    for key, value in values.items():
        line = f"{key} = {_toml_string(value)}"
        pattern = re.compile(rf"^{key}\s*=[^#\n]*?(?=\s*(#|$))", re.MULTILINE)
        text, found = pattern.subn(line.replace("\\", "\\\\"), text, count=1)
        if not found:
            text = text.rstrip("\n") + "\n" + line + "\n"
    atomic_write(path, text.encode())
