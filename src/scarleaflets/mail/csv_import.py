"""Enrolling many patients from a spreadsheet saved as CSV (UTF-8): every row is checked as the command line
and the API check one request; the good rows are enrolled (a repeat changes nothing, so a file can be imported
again), and each bad row is reported with its line and field. The columns are the enrollment's fields
(``enrollment_requests.FIELDS``). A file without the required columns (consent among them: consent is never
assumed) imports nobody and is reported at line 1; so does one that the csv module cannot read to its end (a
cell over its size limit), reported at the line where the record it could not read begins."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ScarleafletsError
from ..signing import normalize_email
from .enrollment_requests import FIELDS, REQUIRED, EnrollmentRequest, FieldError, request_from_text
from .store import SuppressedError


@dataclass
class ImportReport:
    created: int = 0
    existing: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (line, field, message)


def read_rows(path: Path) -> list[tuple[int, dict[str | None, Any]]]:
    """The file's rows with the line each ends on, after checking it is UTF-8 text with every required
    column that the csv module can read to the end (so that a broken file imports nobody)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScarleafletsError(f"{path}: cannot be read as UTF-8 text ({exc.__class__.__name__})") from None
    reader = csv.DictReader(io.StringIO(text))
    try:
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise ScarleafletsError(
                f"{path}:1: missing column(s) {', '.join(missing)}; the header is: {','.join(FIELDS)}"
            )
        return [(reader.line_num, row) for row in reader]
    except csv.Error as exc:  # raised before the record's lines are counted
        raise ScarleafletsError(f"{path}:{reader.line_num + 1}: cannot be read as CSV ({exc})") from None


def import_csv(
    path: Path,
    now: dt.datetime,
    *,
    validate: Callable[[EnrollmentRequest, dt.datetime], list[FieldError]],
    enroll: Callable[[EnrollmentRequest, dt.datetime], tuple[int, bool]],
) -> ImportReport:
    """Validate every row; enroll the good ones (idempotently); report each bad one with its line."""
    report = ImportReport()
    seen: dict[tuple[str, str, str], int] = {}
    for line, row in read_rows(path):
        request, problems = request_from_text({column: cell for column, cell in row.items() if column})
        if None in row:  # more cells than columns (DictReader puts them under None)
            problems.append(FieldError("row", "has more cells than the header"))
        reported = {p.field for p in problems}
        problems += [p for p in validate(request, now) if p.field not in reported]
        key = (normalize_email(request.email), request.brand, request.series)
        if not problems and key in seen:
            problems.append(FieldError("email", f"duplicate of line {seen[key]}"))
        seen.setdefault(key, line)
        if problems:
            report.errors.extend((line, p.field, p.error) for p in problems)
            continue
        try:
            _, created = enroll(request, now)
        except SuppressedError as exc:  # the address, not the database: report it on its row
            report.errors.append((line, "email", str(exc)))
            continue
        if created:
            report.created += 1
        else:
            report.existing += 1
    return report
