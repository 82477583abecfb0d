"""Enrollment requests as they arrive from the command line, a CSV file or the web API: their fields, a CSV row
read into a request, and the checks that need nothing loaded (consent, time zones, control characters). The
checks against the loaded brands, series and catalogs are the service's (``Mailing.validate``).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from ..text import CONTROL

# The fields of an enrollment, as CSV columns and as the web API's JSON keys.
CSV_COLUMNS = (
    "email",
    "name",
    "locale",
    "brand",
    "series",
    "timezone",
    "start_date",
    "consent_at",
    "consent_source",
)
# How far ahead of the server's clock a consent time may be (another computer's clock running fast).
CLOCK_SKEW = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class EnrollmentRequest:
    """One patient to enroll, as the command line, a CSV row or the web API gives it (not yet validated)."""

    email: str
    name: str | None
    locale: str
    brand: str
    series: str
    timezone: str
    start_date: dt.date | None = None
    consent_at: dt.datetime | None = None  # without an offset: in the patient's time zone
    consent_source: str = ""


@dataclass(frozen=True)
class FieldError:
    """One problem with one field of a request; messages are shown as ``field: error``."""

    field: str
    error: str


def request_from_row(row: dict[str, str | None]) -> tuple[EnrollmentRequest | None, list[FieldError]]:
    """A CSV row as a request, with the problems of its dates and cells (the rest is checked by validation)."""

    def value(name: str) -> str:
        return (row.get(name) or "").strip()

    problems: list[FieldError] = []
    start: dt.date | None = None
    consent: dt.datetime | None = None
    if value("start_date"):
        try:
            start = dt.date.fromisoformat(value("start_date"))
        except ValueError:
            problems.append(FieldError("start_date", "not a date; write YYYY-MM-DD"))
    if value("consent_at"):
        try:
            consent = dt.datetime.fromisoformat(value("consent_at"))
        except ValueError:
            problems.append(FieldError("consent_at", "not a date and time; write 2026-11-25T10:30:00+01:00"))
    if None in row:  # more cells than columns
        problems.append(FieldError("row", "has more cells than the header"))
    request = EnrollmentRequest(
        email=value("email"),
        name=value("name") or None,
        locale=value("locale"),
        brand=value("brand"),
        series=value("series"),
        timezone=value("timezone"),
        start_date=start,
        consent_at=consent,
        consent_source=value("consent_source"),
    )
    return request, problems


def zone_named(name: str) -> zoneinfo.ZoneInfo | None:
    """The IANA time zone of this name, or None for an unknown one."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def in_zone(moment: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """A time written without an offset is the patient's local time."""
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def consent_problems(request: EnrollmentRequest, zone: dt.tzinfo, now: dt.datetime) -> list[FieldError]:
    """Consent is never assumed: when it was given (not in the future) and how, on every path."""
    problems = []
    if request.consent_at is None:
        problems.append(
            FieldError(
                "consent_at",
                "required: when the patient gave consent, like 2026-11-25T10:30:00+01:00 (without an offset: "
                "the patient's time zone)",
            )
        )
    elif in_zone(request.consent_at, zone) > now + CLOCK_SKEW:
        problems.append(FieldError("consent_at", "is in the future; give the time consent was given"))
    if not request.consent_source.strip():
        problems.append(FieldError("consent_source", "required: how consent was given (e.g. signed form)"))
    elif CONTROL.search(request.consent_source) or len(request.consent_source) > 200:
        problems.append(FieldError("consent_source", "must be one line of at most 200 characters"))
    return problems
