"""The enrollment record, declared once, and the requests that become one.

:class:`EnrollmentRequest` declares every field of an enrollment, each with how it is read from text (its
parser and the one message for text it cannot read) and whether it is required. The rest is derived from it:
:data:`FIELDS`, the CSV columns and the web API's JSON keys (the required ones in :data:`REQUIRED`); the
store's columns, which it writes and reads back by these names; and :class:`Enrollment`, the record checked
and settled by the service, which the store keeps, reads back for sending, and the composer addresses. The
command line's ``enroll`` has one option per field, named like it (a test holds them together). Adding a
field is: declare it here, add its column to ``store/schema.py`` with a migration, its option to ``enroll``,
and its check, if it needs one, to ``Mailing.validate``.

A request arrives as text — a CSV row, the API's JSON, the command line's options — and every path reads it
with :func:`request_from_text`: surrounding blanks dropped, dates read, each problem reported once by field.
The checks that need nothing loaded (consent, time zones) are here; those against the loaded brands, series
and catalogs are the service's (``Mailing.validate``).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from ..errors import ScarleafletsError
from ..text import CONTROL

# How far ahead of the server's clock a consent time may be (another computer's clock running fast).
CLOCK_SKEW = dt.timedelta(minutes=5)
# Free text that goes into a greeting or a record: one line, this long at most (the store's columns hold it).
ONE_LINE = 200
NOT_ONE_LINE = f"must be one line of at most {ONE_LINE} characters"
_SPEC = "scarleaflets"  # the key of a field's FieldSpec in its dataclass metadata


@dataclass(frozen=True)
class FieldSpec:
    """How one field of an enrollment is read from text. An empty value is None for a field that is optional
    or read by a parser (a date), else the empty text, which the field's check then refuses."""

    required: bool  # a required CSV column and API key (and command-line value)
    parse: Callable[[str], object] | None = None  # text -> value, raising ValueError; None: the text itself
    unreadable: str = ""  # the field's one message for text that ``parse`` refuses

    @property
    def empty(self) -> object:
        return None if self.parse is not None or not self.required else ""


def _spec(
    *, required: bool, parse: Callable[[str], object] | None = None, unreadable: str = ""
) -> dict[str, FieldSpec]:
    return {_SPEC: FieldSpec(required, parse, unreadable)}


@dataclass(frozen=True)
class EnrollmentRequest:
    """One patient to enroll, as the command line, a CSV row or the web API gives it (not yet checked): the
    one declaration of an enrollment's fields."""

    email: str = field(metadata=_spec(required=True))
    name: str | None = field(metadata=_spec(required=False))
    locale: str = field(metadata=_spec(required=True))
    brand: str = field(metadata=_spec(required=True))
    series: str = field(metadata=_spec(required=True))
    timezone: str = field(metadata=_spec(required=True))
    start_date: dt.date | None = field(
        default=None,
        metadata=_spec(
            required=False, parse=dt.date.fromisoformat, unreadable="not a date; write YYYY-MM-DD"
        ),
    )
    # Without an offset: in the patient's time zone.
    consent_at: dt.datetime | None = field(
        default=None,
        metadata=_spec(
            required=True,
            parse=dt.datetime.fromisoformat,
            unreadable="not a date and time; write 2026-11-25T10:30:00+01:00",
        ),
    )
    consent_source: str = field(default="", metadata=_spec(required=True))


@dataclass(frozen=True)
class Enrollment(EnrollmentRequest):
    """An enrollment request the service has checked and settled: its start day chosen (today in the
    patient's time zone unless given) and its consent time placed in the patient's time zone. The store
    writes it (with the keyed hash of the address) and reads it back for sending; the composer addresses it."""

    start_date: dt.date = field()
    consent_at: dt.datetime = field()


# The fields in their order: the CSV columns, the API's JSON keys and the store's column names.
FIELDS: dict[str, FieldSpec] = {item.name: item.metadata[_SPEC] for item in fields(EnrollmentRequest)}
REQUIRED = tuple(name for name, spec in FIELDS.items() if spec.required)


@dataclass(frozen=True)
class FieldError:
    """One problem with one field of a request; messages are shown as ``field: error``."""

    field: str
    error: str


class InvalidEnrollment(ScarleafletsError):
    """A request that does not pass its checks: every problem, by field (the API answers them as a list)."""

    def __init__(self, problems: list[FieldError]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.error}" for p in problems))
        self.problems = problems


def request_from_text(values: Mapping[str, str | None]) -> tuple[EnrollmentRequest, list[FieldError]]:
    """A request from the text of its fields (absent ones are empty), with each field that cannot be read."""
    problems: list[FieldError] = []
    read: dict[str, Any] = {}
    for name, spec in FIELDS.items():
        text = (values.get(name) or "").strip()
        if not text:
            read[name] = spec.empty
        elif spec.parse is None:
            read[name] = text
        else:
            try:
                read[name] = spec.parse(text)
            except ValueError:
                read[name] = None
                problems.append(FieldError(name, spec.unreadable))
    return EnrollmentRequest(**read), problems


def request_from_json(data: Mapping[str, object]) -> tuple[EnrollmentRequest | None, list[FieldError]]:
    """A request from the web API's JSON object, or every problem with its keys (unknown, not a string,
    required and missing or empty) and its values (a date that cannot be read)."""
    problems = [FieldError(str(key)[:40], "unknown field") for key in data if key not in FIELDS]
    texts: dict[str, str | None] = {}
    for name in FIELDS:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            problems.append(FieldError(name, "must be a string"))
        elif value is not None:
            texts[name] = value
    not_text = {p.field for p in problems}  # reported once: not a string, so not "required" as well
    problems += [
        FieldError(name, "required") for name in REQUIRED if not texts.get(name) and name not in not_text
    ]
    request, unreadable = request_from_text(texts)
    problems += unreadable
    return (None, problems) if problems else (request, [])


def is_one_line(text: str) -> bool:
    """Whether free text is one line (no line break or other control character) of at most ONE_LINE."""
    return not CONTROL.search(text) and len(text) <= ONE_LINE


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
    elif not is_one_line(request.consent_source):
        problems.append(FieldError("consent_source", NOT_ONE_LINE))
    return problems
