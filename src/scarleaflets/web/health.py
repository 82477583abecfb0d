"""``GET /healthz``: 200 when the database answers (a database error is the application's 503)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from .services import services

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> Response:
    services().mailing.check_database()
    return jsonify({"status": "ok"})
