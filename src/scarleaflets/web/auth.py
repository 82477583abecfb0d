"""Signing in, for the API (a bearer token) and the staff gallery (HTTP basic: the brand id and its token).

Each brand's API token is known only by its SHA-256 in the settings; tokens are compared in constant time.
Every failed sign-in is counted for the client's address and the brand it names (:mod:`.signins`); while
either has failed too often the answer is 429 with Retry-After, before the credentials are even looked at.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import Response, jsonify, request

from .services import services


def client_address() -> str:
    return request.remote_addr or "?"


def too_many(brand: str | None) -> Response | None:
    """429 with Retry-After while this address, or the brand named, has failed too often."""
    wait = services().sign_ins.retry_after(client_address(), brand)
    if not wait:
        return None
    response = jsonify({"error": "too many failed sign-ins; try again later", "status": 429})
    response.status_code = 429
    response.headers["Retry-After"] = str(wait)
    return response


def count_failure(brand: str | None) -> None:
    services().sign_ins.failed(client_address(), brand)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def bearer_brand() -> str | None:
    """The brand whose API token the Authorization header carries (every brand is compared, in constant
    time), or None."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    digest = _digest(header.removeprefix("Bearer ").strip())
    found = None
    for brand, expected in services().mailing.project.settings.api_token_sha256.items():
        if hmac.compare_digest(digest, expected):
            found = brand
    return found


def basic_brand() -> str | None:
    """HTTP basic authentication: user = brand id, password = that brand's API token."""
    auth = request.authorization
    if auth is None or not auth.username or auth.password is None:
        return None
    expected = services().mailing.project.settings.api_token_sha256.get(auth.username)
    digest = _digest(auth.password)
    return auth.username if expected and hmac.compare_digest(digest, expected) else None


def basic_claimed() -> str | None:
    """The brand a basic sign-in names (its user name), when there is such a brand."""
    claimed = request.authorization.username if request.authorization else None
    return claimed if claimed in services().mailing.brands else None
