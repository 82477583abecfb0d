"""The web service's application factory: services in ``app.extensions``, blueprints, and the rules every
response follows.

Every response carries a strict Content-Security-Policy (a nonce for the one inline stylesheet; an email
preview keeps its own inline styles; the public leaflet pages may also show images of this site, their
figures), nosniff, no-referrer and frame-denial headers, and is never cached unless its view says how
(``g.cache_control``: the leaflet pages, their PDFs and figures); bodies are size-limited. Errors are JSON: an
HTTP error with its status, a database outage a 503 and a bug a 500, logged with the route pattern, the
exception class and the code location, never the path (which may hold an address or a token) or the
exception's message.

A service over a release follows the release that is current (``<releases>/CURRENT``, one small file read per
request): after `scarleaflets release` or `releases use N`, the next request is answered from that release —
its leaflet pages, gallery, previews and languages — without a restart, as a running `worker` sends from it
from its next pass; so an email never links to a page the service does not have yet. A release that cannot be
read is logged once and the service stays on the one it has.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
import threading
import traceback
from collections.abc import Callable
from pathlib import Path

from flask import Flask, Response, current_app, g, jsonify, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from ..errors import ScarleafletsError
from ..i18n.locales import SOURCE_LOCALE
from ..mail import Mailing
from ..mail.store import database_problem
from ..release import WORKING_TREE
from ..releases import current_number, load_release, releases_dir
from ..views import make_environment
from . import api, gallery, health, leaflet_pages, unsubscribe
from .gallery import Thumbnails
from .services import EXTENSION, WebServices, services
from .signins import FailedSignIns, SignInLimits


def create_app(
    mailing: Mailing,
    clock: Callable[[], dt.datetime] | None = None,
    leaflets_dir: Path | None = None,
    sign_ins: FailedSignIns | None = None,
) -> Flask:
    """The WSGI application over an opened :class:`~scarleaflets.mailing.Mailing` (settings, store, key).

    The gallery shows the release's leaflets, or those built in ``leaflets_dir`` when it is given (default for
    the working tree's content: output/leaflets of the project, the previews `build` writes); ``sign_ins``
    counts failed sign-ins in the database (default: :class:`SignInLimits`' limits, on ``clock``)."""
    project = mailing.project
    if leaflets_dir is None and mailing.release_id == WORKING_TREE:
        leaflets_dir = project.output_dir / "leaflets"
    now: Callable[[], dt.datetime] = clock or (lambda: dt.datetime.now(dt.UTC))
    app = Flask("scarleaflets", static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = project.settings.max_body_bytes
    app.extensions[EXTENSION] = WebServices(
        mailing=mailing,
        sign_ins=sign_ins or FailedSignIns(mailing.store, mailing.secret, SignInLimits(), clock=now),
        clock=now,
        env=make_environment(mailing.edition(SOURCE_LOCALE).templates),  # the release's own templates
        leaflets_dir=leaflets_dir.resolve() if leaflets_dir else None,
        thumbnails=Thumbnails(),
        published=tuple(sorted(mailing.published)),
    )
    for module in (health, unsubscribe, api, gallery, leaflet_pages):
        app.register_blueprint(module.blueprint)
    if mailing.release_id != WORKING_TREE:
        app.before_request(_ReleaseFollower())
    app.before_request(_nonce)
    app.after_request(_security_headers)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _failure)
    return app


class _ReleaseFollower:
    """Before each request: move the services onto the release that is current, if it is another one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._unreadable: set[int] = set()  # releases that could not be read, each logged once

    def __call__(self) -> None:
        web = services()
        number = current_number(releases_dir(web.mailing.project))
        if number is None or str(number) == web.mailing.release_id or number in self._unreadable:
            return
        with self._lock:  # one thread loads it; the others then find it current
            web = services()
            if str(number) == web.mailing.release_id:
                return
            try:
                source = load_release(web.mailing.project, number)
            except ScarleafletsError as exc:
                self._unreadable.add(number)
                current_app.logger.error(
                    "release %s is current but cannot be read (%s); still serving release %s",
                    number,
                    exc,
                    web.mailing.release_id,
                )
                return
            mailing = Mailing(web.mailing.project, web.mailing.store, web.mailing.secret, source=source)
            current_app.extensions[EXTENSION] = dataclasses.replace(
                web,
                mailing=mailing,
                env=make_environment(mailing.edition(SOURCE_LOCALE).templates),
                thumbnails=Thumbnails(),
                published=tuple(sorted(mailing.published)),
            )
            current_app.logger.info("release %s is current: serving it from now on", mailing.release_id)


def _nonce() -> None:
    g.nonce = secrets.token_urlsafe(16)


def _security_headers(response: Response) -> Response:
    nonce = getattr(g, "nonce", "")
    style = "'unsafe-inline'" if response.headers.pop("X-Email-Preview", None) else f"'nonce-{nonce}'"
    images = "'self' data:" if request.blueprint == leaflet_pages.blueprint.name else "data:"
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; style-src {style}; img-src {images}; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = getattr(g, "cache_control", "no-store")
    return response


def _http_error(error: HTTPException) -> Response:
    response = jsonify({"error": error.name.lower(), "status": error.code})
    response.status_code = error.code or 500
    return response


def _failure(error: Exception) -> tuple[Response, int]:
    """A database outage (503) or a bug (500), logged without personal data. Flask's own log line would
    name the request path (``/api/patients/<e-mail address>``) and the exception's message; this one
    gives the route pattern, the exception class, the database's reason, and the code location."""
    rule = request.url_rule.rule if request.url_rule else "?"
    if isinstance(error, SQLAlchemyError):
        current_app.logger.error(
            "%s %s: database unavailable: %s", request.method, rule, database_problem(error)
        )
        return jsonify({"error": "service unavailable: the database cannot be reached", "status": 503}), 503
    where = "".join(traceback.format_tb(error.__traceback__))
    current_app.logger.error(
        "%s %s: %s (message withheld)\n%s", request.method, rule, type(error).__name__, where
    )
    return jsonify({"error": "internal server error", "status": 500}), 500
