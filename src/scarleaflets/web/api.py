"""The enrollment API, authenticated with a per-brand bearer token, acting only on that token's clinic.

``POST /api/enrollments`` (a JSON object whose keys are the enrollment's fields, the CSV columns) runs the
same reading, checks and code as the command line; ``DELETE /api/patients/<email>`` erases the clinic's
patient. Another clinic's patient gets the same 403 as an unknown address: the answer reveals nothing and
changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, Response, jsonify

from ..mail import FieldError, InvalidEnrollment, SuppressedError, request_from_json
from .auth import bearer_brand, count_failure, too_many
from .pages import json_body
from .services import services

blueprint = Blueprint("api", __name__)


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


def field_errors(problems: Sequence[FieldError]) -> tuple[Response, int]:
    """A 400 listing every problem as ``{"field": …, "error": …}``."""
    return jsonify([{"field": p.field, "error": p.error} for p in problems]), 400


@blueprint.post("/api/enrollments")
def api_enroll() -> tuple[Response, int]:
    mailing, now = services().mailing, services().clock()
    data, problem = json_body()
    claimed = data.get("brand") if isinstance(data, dict) else None
    brand = api_guard(claimed if isinstance(claimed, str) and claimed in mailing.brands else None)
    if not isinstance(brand, str):
        return brand
    if problem:
        return field_errors([FieldError("body", problem)])
    if not isinstance(data, dict):
        return field_errors([FieldError("body", "expected a JSON object")])
    enrollment, problems = request_from_json(data)
    if enrollment is None:
        return field_errors(problems)
    if enrollment.brand != brand:
        return jsonify({"error": "this token may not enroll patients for that brand"}), 403
    try:
        enrollment_id, created = mailing.enroll(enrollment, now)
    except InvalidEnrollment as exc:  # every problem with the request's values, by field
        return field_errors(exc.problems)
    except SuppressedError as exc:  # the address may not be enrolled at this clinic
        return field_errors([FieldError("email", str(exc))])
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
