"""The enrollment API, authenticated with a per-brand bearer token, acting only on that token's clinic.

``POST /api/enrollments`` (a JSON object with the CSV columns as keys) runs the same validation and code as
the command line; ``DELETE /api/patients/<email>`` erases the clinic's patient. Another clinic's patient gets
the same 403 as an unknown address: the answer reveals nothing and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, jsonify

from ..errors import ScarleafletsError
from ..mail import CSV_COLUMNS as FIELDS
from ..mail import EnrollmentRequest
from .auth import bearer_brand, count_failure, too_many
from .pages import json_body
from .services import services

blueprint = Blueprint("api", __name__)
REQUIRED = ("email", "locale", "brand", "series", "timezone", "consent_at", "consent_source")


def api_guard(claimed: str | None) -> tuple[Response, int] | str:
    """The brand of a valid bearer token, or the refusal: 429 after too many failures, else 401.

    ``claimed`` is the brand the request names (an enrollment's), counted as well as the address."""
    refused = too_many(claimed)
    if refused is not None:
        return refused, 429
    brand = bearer_brand()
    if brand is None:
        count_failure(claimed)
        return jsonify({"error": "a valid bearer token is required"}), 401
    return brand


@blueprint.post("/api/enrollments")
def api_enroll() -> tuple[Response, int]:
    mailing, now = services().mailing, services().clock
    data, problem = json_body()
    claimed = data.get("brand") if isinstance(data, dict) else None
    brand = api_guard(claimed if isinstance(claimed, str) and claimed in mailing.brands else None)
    if not isinstance(brand, str):
        return brand
    if problem:
        return jsonify([{"field": "body", "error": problem}]), 400
    if not isinstance(data, dict):
        return jsonify([{"field": "body", "error": "expected a JSON object"}]), 400
    errors, enrollment = request_from_json(data)
    if enrollment is not None and enrollment.brand != brand:
        return jsonify({"error": "this token may not enroll patients for that brand"}), 403
    if enrollment is not None:
        errors += [{"field": p.field, "error": p.error} for p in mailing.validate(enrollment, now())]
    if errors or enrollment is None:
        return jsonify(errors), 400
    try:
        enrollment_id, created = mailing.enroll(enrollment, now())
    except ScarleafletsError as exc:
        return jsonify([{"field": "email", "error": str(exc)}]), 400
    return jsonify({"id": enrollment_id, "created": created}), 201 if created else 200


@blueprint.delete("/api/patients/<path:address>")
def api_forget(address: str) -> tuple[Response, int]:
    """Erase the token's clinic's patient. For an address that is not this clinic's patient the answer is
    the same 403 whether it is another clinic's patient or nobody's: it reveals nothing, changes nothing."""
    brand = api_guard(None)
    if not isinstance(brand, str):
        return brand
    erased = services().mailing.erase_for_clinic(address, brand, services().clock())
    if erased is None:
        return jsonify({"error": "this clinic has no patient with that address", "status": 403}), 403
    return jsonify({"erased_enrollments": erased}), 200


def request_from_json(data: dict[str, Any]) -> tuple[list[dict[str, str]], EnrollmentRequest | None]:
    """An enrollment request from the API's JSON, or every problem with its fields (unknown, not a string,
    required and missing, not a date)."""
    errors: list[dict[str, str]] = []
    for key in data:
        if key not in FIELDS:
            errors.append({"field": str(key)[:40], "error": "unknown field"})
    text: dict[str, str] = {}
    for key in FIELDS:
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            errors.append({"field": key, "error": "must be a string"})
            continue
        text[key] = value
    errors += [{"field": key, "error": "required"} for key in REQUIRED if not text.get(key)]
    start: dt.date | None = None
    consent: dt.datetime | None = None
    try:
        start = dt.date.fromisoformat(text["start_date"]) if text.get("start_date") else None
    except ValueError:
        errors.append({"field": "start_date", "error": "not a date; write YYYY-MM-DD"})
    try:
        consent = dt.datetime.fromisoformat(text["consent_at"]) if text.get("consent_at") else None
    except ValueError:
        errors.append({"field": "consent_at", "error": "not an ISO 8601 date and time"})
    if errors:
        return errors, None
    return [], EnrollmentRequest(
        email=text["email"],
        name=text.get("name"),
        locale=text["locale"],
        brand=text["brand"],
        series=text["series"],
        timezone=text["timezone"],
        start_date=start,
        consent_at=consent,
        consent_source=text["consent_source"],
    )
