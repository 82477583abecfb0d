"""mail/enrollment_requests.py: the enrollment record is declared once, and the CSV columns, the API's JSON keys,
the store's columns, the command line's options and the composer's recipient all come from that declaration;
a request reads alike from every path."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from scarleaflets.cli import cli
from scarleaflets.errors import ScarleafletsError
from scarleaflets.mail.csv_import import read_rows
from scarleaflets.mail.enrollment_requests import (
    FIELDS,
    REQUIRED,
    Enrollment,
    EnrollmentRequest,
    FieldError,
    InvalidEnrollment,
    request_from_json,
    request_from_text,
)
from scarleaflets.mail.store import PlannedDelivery, Store, StoreError, SuppressedError, enrollments
from scarleaflets.mail.store.enrollments import RECORD_COLUMNS, record_row

NOW = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
TEXT = {
    "email": "ann@example.org",
    "name": "Ann Lee",
    "locale": "fr",
    "brand": "riverside",
    "series": "acne-education",
    "timezone": "Europe/Paris",
    "start_date": "2026-12-02",
    "consent_at": "2026-11-30T10:00:00+01:00",
    "consent_source": "signed form",
}


def test_every_derived_list_is_the_declared_fields_in_order():
    declared = [item.name for item in dataclasses.fields(EnrollmentRequest)]
    assert list(FIELDS) == declared == list(TEXT)
    assert [item.name for item in dataclasses.fields(Enrollment)] == declared  # settled, never re-declared
    assert REQUIRED == ("email", "locale", "brand", "series", "timezone", "consent_at", "consent_source")
    # the store: a column per field, written and read back by name
    assert set(declared) <= set(enrollments.c.keys())
    assert [column.name for column in RECORD_COLUMNS] == [f"record_{name}" for name in declared]
    # the command line: one option (or the argument) per field, named like it
    assert [p.name for p in cli.commands["enroll"].params if p.name not in ("csv_path", "db_url")] == declared


def test_a_csv_file_without_a_required_column_names_the_header(tmp_path):
    csv_file = tmp_path / "patients.csv"
    csv_file.write_text("email\nann@example.org\n", encoding="utf-8")
    with pytest.raises(ScarleafletsError) as refused:
        read_rows(csv_file)
    assert str(refused.value).endswith(f"; the header is: {','.join(FIELDS)}")


def test_the_api_accepts_exactly_the_fields():
    request, problems = request_from_json({**TEXT, "pronouns": "she/her"})
    assert (request, problems) == (None, [FieldError("pronouns", "unknown field")])
    request, problems = request_from_json(TEXT)
    assert problems == []
    assert request == request_from_text(TEXT)[0]


def test_every_path_reads_a_field_alike():
    """The same text gives the same request and the same message, from a CSV row, the API or the command line."""
    padded = {name: f"  {value} " for name, value in TEXT.items()}
    assert request_from_text(padded) == request_from_text(TEXT)
    assert request_from_json(padded) == (request_from_text(TEXT)[0], [])
    bad = {**TEXT, "start_date": "01/12/2026", "consent_at": "30/11/2026"}
    expected = [
        FieldError("start_date", "not a date; write YYYY-MM-DD"),
        FieldError("consent_at", "not a date and time; write 2026-11-25T10:30:00+01:00"),
    ]
    assert request_from_text(bad)[1] == expected
    assert request_from_json(bad) == (None, expected)


def test_empty_values():
    request, problems = request_from_text({"email": "ann@example.org", "name": " ", "start_date": ""})
    assert problems == []
    assert (request.name, request.start_date, request.consent_at) == (None, None, None)  # absent
    assert (request.locale, request.consent_source) == ("", "")  # required text: its check refuses it
    _, problems = request_from_json({**TEXT, "consent_at": "", "locale": 5})
    assert problems == [FieldError("locale", "must be a string"), FieldError("consent_at", "required")]


def test_the_store_keeps_and_gives_back_every_field():
    """What the store writes is the record's fields, and what a claim reads back is the same record: the
    composer addresses exactly what was enrolled."""
    enrollment = Enrollment(
        "ann@example.org", "Ann", "fr", "riverside", "acne-education", "Europe/Paris", NOW.date(), NOW, "form"
    )
    assert list(record_row(enrollment)) == list(FIELDS)
    store = Store.open("sqlite://")
    store.enroll(enrollment, "h", [PlannedDelivery("welcome", 0, NOW)], NOW, lambda eid, step: f"<{eid}>")
    (due,) = store.claim_due(NOW, 10, "w", dt.timedelta(minutes=10))
    assert due.enrollment == enrollment
    store.close()


def test_an_invalid_request_is_a_failure_of_its_own():
    """Callers treat it differently from a refused address and a database outage: the API answers its problems
    field by field, the command line prints them on one line."""
    problems = [FieldError("email", "not a valid e-mail address"), FieldError("locale", "not published")]
    invalid = InvalidEnrollment(problems)
    assert str(invalid) == "email: not a valid e-mail address; locale: not published"
    assert invalid.problems == problems
    assert issubclass(InvalidEnrollment, ScarleafletsError)
    assert not issubclass(InvalidEnrollment, SuppressedError | StoreError)


def test_a_csv_file_the_csv_module_cannot_read_imports_nobody(tmp_path):
    """A cell over the csv module's limit stops reading: the file is refused at that record's line, before any
    row is enrolled, instead of a traceback after the rows before it."""
    csv_file = tmp_path / "patients.csv"
    good = ",".join(TEXT.values())
    csv_file.write_text(f"{','.join(FIELDS)}\n{good}\n{'x' * 200_000}{good}\n", encoding="utf-8")
    with pytest.raises(
        ScarleafletsError, match=r"patients\.csv:3: cannot be read as CSV \(field larger than"
    ):
        read_rows(csv_file)
