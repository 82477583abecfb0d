"""The web service (``scarleaflets serve``): one-click unsubscribe, the enrollment API, health.

- ``POST /u/<token>`` with ``List-Unsubscribe=One-Click`` (RFC 8058) unsubscribes at once, idempotently;
  ``GET /u/<token>`` never does (link scanners follow GETs): it shows a page, in the patient's language and
  the clinic's colours, with a button that POSTs; it stops every series of that clinic. Tokens are signed and
  name the enrollment, never the address; a forged, truncated or expired one gets a plain localized page that reveals nothing.
- ``POST /api/enrollments`` (JSON) and ``DELETE /api/patients/<email>``, authenticated with a per-brand
  bearer token whose SHA-256 is in the settings, run the same validation and code as the command line, and act
  only on the token's clinic: another clinic's patient gets the same 403 as an unknown address.
- ``GET /gallery/…``, for staff (HTTP basic: the brand id and its API token): every leaflet of a brand and
  language with a thumbnail of its first page, and every email of each series rendered exactly as it would be
  sent to a sample patient — HTML, text and headers — with a language switcher.
- ``GET /healthz``.

Every response carries a strict Content-Security-Policy (a nonce for the one inline stylesheet), nosniff,
no-referrer and frame-denial headers; personal pages are never cached; bodies are size-limited; a body that is
not JSON or nests too deeply is a 400, never a 500; failed sign-ins are limited per client address and per
brand in the database, so every instance shares the count (:mod:`scarleaflets.signins`, 429 with
Retry-After); nothing personal is logged. Pages are rendered by
several threads at once: each render gets its language's translations (see :mod:`scarleaflets.render`).
"""

from __future__ import annotations

import base64
import datetime as dt
import email
import email.policy
import functools
import hashlib
import hmac
import io
import secrets
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import sqlalchemy as sa
from babel import Locale, negotiate_locale
from flask import Flask, Response, g, jsonify, redirect, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse

from . import i18n
from .config import Project
from .errors import ScarleafletsError
from .locales import SOURCE_LOCALE, LocaleInfo
from .mail import CSV_COLUMNS as FIELDS
from .mail import EnrollmentRequest, Mailing
from .mail.compose import Recipient
from .mail.store import database_problem, enrollments
from .render import make_environment, translations
from .signing import email_hash, message_id, verify_unsubscribe_token
from .signins import FailedSignIns, SignInLimits


def create_app(
    mailing: Mailing,
    clock: Callable[[], dt.datetime] | None = None,
    leaflets_dir: Path | None = None,
    sign_ins: FailedSignIns | None = None,
) -> Flask:
    """The WSGI application over an opened :class:`~scarleaflets.mail.service.Mailing` (settings, store, key).

    ``leaflets_dir`` is where the gallery finds built leaflets (default: output/leaflets of the project);
    ``sign_ins`` counts failed sign-ins in the database (default: :class:`SignInLimits`' limits, on ``clock``)."""
    project: Project = mailing.project
    built = (leaflets_dir or project.output_dir / "leaflets").resolve()
    thumbnails: dict[tuple[str, float], str] = {}
    now: Callable[[], dt.datetime] = clock or (lambda: dt.datetime.now(dt.UTC))
    app = Flask("scarleaflets", static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = project.settings.max_body_bytes
    env = make_environment(project)
    published = sorted(mailing.published)
    failures = sign_ins or FailedSignIns(mailing.store, mailing.secret, SignInLimits(), clock=now)

    def too_many(brand: str | None) -> Response | None:
        """429 with Retry-After while this address, or the brand named, has failed too often."""
        wait = failures.retry_after(request.remote_addr or "?", brand)
        if not wait:
            return None
        response = jsonify({"error": "too many failed sign-ins; try again later", "status": 429})
        response.status_code = 429
        response.headers["Retry-After"] = str(wait)
        return response

    def page(template: str, locale: str, status: int, **context: Any) -> Response:  # noqa: ANN401
        translator = mailing.translator(locale)
        info = translator.info
        brand = mailing.brands.get(context.pop("brand_id", ""), None)
        html = env.get_template(template).render(
            translations(translator),  # per render: waitress's threads share the environment
            locale={"tag": info.language_tag, "dir": info.direction},
            nonce=g.nonce,
            primary=brand.primary if brand else "#23395d",
            accent=brand.accent if brand else "#d9645a",
            clinic=brand.name if brand else "",
            **context,
        )
        return Response(html, status=status, content_type="text/html; charset=utf-8")

    def browser_locale() -> str:
        wanted = [
            str(Locale.parse(lang.replace("-", "_"), sep="_"))
            for lang, _ in request.accept_languages
            if _parses(lang)
        ]
        return negotiate_locale(wanted, published, sep="_") or SOURCE_LOCALE

    def json_body() -> tuple[Any, str]:
        """The request's JSON and "" or, for a body that is not JSON or nests too deeply, None and why.

        Flask raises nothing for bad JSON when silent, but the parser's RecursionError (``[`` x 5000) is not
        a ValueError and would escape as a 500 with a traceback."""
        try:
            data = request.get_json(silent=True)
        except RecursionError:
            return None, "the JSON nests too deeply"
        if data is None and request.get_data(cache=True):
            return None, "not valid JSON (send Content-Type: application/json and a JSON object)"
        return data, ""

    def enrollment_of(token: str) -> Any:  # noqa: ANN401 (a database row)
        enrollment_id = verify_unsubscribe_token(mailing.secret, token, now().date())
        if enrollment_id is None:
            return None
        with mailing.store.engine.connect() as connection:
            return connection.execute(
                sa.select(
                    enrollments.c.id, enrollments.c.locale, enrollments.c.brand, enrollments.c.email_hash
                ).where(enrollments.c.id == enrollment_id)
            ).first()

    @app.before_request
    def _nonce() -> None:
        g.nonce = secrets.token_urlsafe(16)

    @app.after_request
    def _headers(response: Response) -> Response:
        nonce = getattr(g, "nonce", "")
        style = "'unsafe-inline'" if response.headers.pop("X-Email-Preview", None) else f"'nonce-{nonce}'"
        response.headers["Content-Security-Policy"] = (
            f"default-src 'none'; style-src {style}; img-src data:; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        response = jsonify({"error": error.name.lower(), "status": error.code})
        response.status_code = error.code or 500
        return response

    @app.errorhandler(Exception)
    def _failure(error: Exception) -> tuple[Response, int]:
        """A database outage (503) or a bug (500), logged without personal data. Flask's own log line would
        name the request path (``/api/patients/<e-mail address>``) and the exception's message; this one
        gives the route pattern, the exception class, the database's reason, and the code location."""
        rule = request.url_rule.rule if request.url_rule else "?"
        if isinstance(error, sa.exc.SQLAlchemyError):
            app.logger.error("%s %s: database unavailable: %s", request.method, rule, database_problem(error))
            return jsonify(
                {"error": "service unavailable: the database cannot be reached", "status": 503}
            ), 503
        where = "".join(traceback.format_tb(error.__traceback__))
        app.logger.error(
            "%s %s: %s (message withheld)\n%s", request.method, rule, type(error).__name__, where
        )
        return jsonify({"error": "internal server error", "status": 500}), 500

    @app.get("/healthz")
    def healthz() -> Response:
        with mailing.store.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        return jsonify({"status": "ok"})

    @app.get("/u/<token>")
    def unsubscribe_page(token: str) -> Response:
        row = enrollment_of(token)
        if row is None:
            return page("web/invalid.html.j2", browser_locale(), 404)
        return page("web/unsubscribe.html.j2", row.locale, 200, brand_id=row.brand)

    @app.post("/u/<token>")
    def unsubscribe(token: str) -> Response:
        row = enrollment_of(token)
        if row is None:
            return page("web/invalid.html.j2", browser_locale(), 404)
        if request.form.get("List-Unsubscribe") != "One-Click":
            return page("web/unsubscribe.html.j2", row.locale, 400, brand_id=row.brand)
        mailing.store.unsubscribe(row.email_hash, row.brand, now())  # every series of this clinic
        return page("web/unsubscribed.html.j2", row.locale, 200, brand_id=row.brand)

    def authenticated_brand() -> str | None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        digest = hashlib.sha256(header.removeprefix("Bearer ").strip().encode()).hexdigest()
        found = None
        for brand, expected in project.settings.api_token_sha256.items():
            if hmac.compare_digest(digest, expected):
                found = brand
        return found

    def api_guard(claimed: str | None) -> tuple[Response, int] | str:
        """The brand of a valid bearer token, or the refusal: 429 after too many failures, else 401.

        ``claimed`` is the brand the request names (an enrollment's), counted as well as the address."""
        refused = too_many(claimed)
        if refused is not None:
            return refused, 429
        brand = authenticated_brand()
        if brand is None:
            failures.failed(request.remote_addr or "?", claimed)
            return jsonify({"error": "a valid bearer token is required"}), 401
        return brand

    @app.post("/api/enrollments")
    def api_enroll() -> tuple[Response, int]:
        data, problem = json_body()
        claimed = data.get("brand") if isinstance(data, dict) else None
        brand = api_guard(claimed if isinstance(claimed, str) and claimed in mailing.brands else None)
        if not isinstance(brand, str):
            return brand
        if problem:
            return jsonify([{"field": "body", "error": problem}]), 400
        if not isinstance(data, dict):
            return jsonify([{"field": "body", "error": "expected a JSON object"}]), 400
        errors, enrollment = _request_from_json(data)
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

    @app.delete("/api/patients/<path:address>")
    def api_forget(address: str) -> tuple[Response, int]:
        """Erase the token's clinic's patient. For an address that is not this clinic's patient the answer is
        the same 403 whether it is another clinic's patient or nobody's: it reveals nothing, changes nothing."""
        brand = api_guard(None)
        if not isinstance(brand, str):
            return brand
        key = email_hash(mailing.secret, address)
        erased = mailing.store.forget(key, now(), brand)
        if erased or mailing.store.was_erased(key, brand):
            return jsonify({"erased_enrollments": erased}), 200
        return jsonify({"error": "this clinic has no patient with that address", "status": 403}), 403

    def gallery_brand() -> str | None:
        """HTTP basic authentication: user = brand id, password = that brand's API token."""
        auth = request.authorization
        if auth is None or not auth.username or auth.password is None:
            return None
        expected = project.settings.api_token_sha256.get(auth.username)
        digest = hashlib.sha256(auth.password.encode()).hexdigest()
        return auth.username if expected and hmac.compare_digest(digest, expected) else None

    def gallery_claimed() -> str | None:
        """The brand a gallery sign-in names (its user name), when there is such a brand."""
        claimed = request.authorization.username if request.authorization else None
        return claimed if claimed in mailing.brands else None

    def gallery_guard(brand_id: str, locale: str | None = None) -> Response | None:
        claimed = gallery_claimed()
        refused = too_many(claimed)
        if refused is not None:
            return refused
        brand = gallery_brand()
        if brand is None:
            failures.failed(request.remote_addr or "?", claimed)
            response = jsonify({"error": "sign in with the brand id and its API token"})
            response.status_code = 401
            response.headers["WWW-Authenticate"] = 'Basic realm="scarleaflets preview", charset="UTF-8"'
            return response
        if brand != brand_id or brand_id not in mailing.brands:
            return Response(status=403)
        if locale is not None and (
            locale not in mailing.brands[brand_id].locales or locale not in mailing.published
        ):
            return Response(status=404)
        return None

    def thumbnail(path: Path) -> str:
        key = (str(path), path.stat().st_mtime)
        if key not in thumbnails:
            document = pdfium.PdfDocument(str(path))
            try:
                image = document[0].render(scale=0.45).to_pil()
            finally:
                document.close()
            buffer = io.BytesIO()
            image.save(buffer, "PNG", optimize=True)
            thumbnails[key] = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
        return thumbnails[key]

    @app.get("/gallery/")
    def gallery_home() -> WerkzeugResponse:
        refused = too_many(gallery_claimed())
        if refused is not None:
            return refused
        brand = gallery_brand()
        if brand is None or brand not in mailing.brands:
            return gallery_guard("") or Response(status=403)
        return redirect(f"/gallery/{brand}/{mailing.brands[brand].default_locale}/")

    @app.get("/gallery/<brand_id>/<locale>/")
    def gallery(brand_id: str, locale: str) -> Response:
        refused = gallery_guard(brand_id, locale)
        if refused is not None:
            return refused
        brand = mailing.brands[brand_id]
        translator = mailing.translator(locale)
        info = translator.info
        folder = built / brand_id / locale
        leaflets = []
        for topic_id in [*mailing.content.topics, "complete-guide"]:
            title = (
                translator.pgettext("guide/title", mailing.content.guide.title.text)
                if topic_id == "complete-guide"
                else translator.pgettext(f"{topic_id}/title", mailing.content.topics[topic_id].title.text)
            )
            pdf = folder / f"{topic_id}.pdf"
            leaflets.append(
                {
                    "title": title,
                    "href": f"/gallery/{brand_id}/{locale}/leaflets/{topic_id}.pdf",
                    "thumbnail": thumbnail(pdf) if pdf.is_file() else None,
                }
            )
        emails = [
            {
                "name": series.name,
                "steps": [
                    {
                        "day": step.day,
                        "subject": translator.pgettext(f"series/{series.id}/{step.id}", step.subject.text),
                        "base": f"/gallery/{brand_id}/{locale}/email/{series.id}/{step.id}",
                    }
                    for step in series.steps
                ],
            }
            for series in mailing.series.values()
        ]
        languages = [
            {"code": code, "tag": LocaleInfo(code).language_tag, "name": LocaleInfo(code).native_name}
            for code in brand.locales
            if code in mailing.published
        ]
        html = env.get_template("web/gallery.html.j2").render(
            nonce=g.nonce,
            primary=brand.primary,
            clinic=brand.name,
            brand_id=brand_id,
            locale_code=locale,
            language=info.english_name,
            locale={"tag": info.language_tag, "dir": info.direction},
            languages=languages,
            leaflets=leaflets,
            leaflets_built=any(item["thumbnail"] for item in leaflets),
            emails=emails,
        )
        return Response(html, content_type="text/html; charset=utf-8")

    @app.get("/gallery/<brand_id>/<locale>/leaflets/<topic_id>.pdf")
    def gallery_leaflet(brand_id: str, locale: str, topic_id: str) -> Response:
        refused = gallery_guard(brand_id, locale)
        if refused is not None:
            return refused
        if topic_id != "complete-guide" and topic_id not in mailing.content.topics:
            return Response(status=404)
        path = built / brand_id / locale / f"{topic_id}.pdf"
        if not path.is_file():
            return Response("not built yet: run scarleaflets build", status=404, content_type="text/plain")
        return Response(path.read_bytes(), content_type="application/pdf")

    @app.get("/gallery/<brand_id>/<locale>/email/<series_id>/<step_id>.<view>")
    def gallery_email(brand_id: str, locale: str, series_id: str, step_id: str, view: str) -> Response:
        refused = gallery_guard(brand_id, locale)
        if refused is not None:
            return refused
        series = mailing.series.get(series_id)
        if (
            series is None
            or step_id not in {s.id for s in series.steps}
            or view not in ("html", "txt", "headers")
        ):
            return Response(status=404)
        brand = mailing.brands[brand_id]
        moment = now()
        sample = Recipient(0, "patient@example.org", "Alex Example", locale)
        raw = mailing._composer.compose(
            brand=brand,
            series=series,
            step=series.step(step_id),
            recipient=sample,
            translator=mailing.translator(locale),
            manifest=mailing.manifests.get(locale, i18n.Manifest("original", "reviewed")),
            message_id=message_id(mailing.secret, 0, step_id, brand.email.sender_address.rpartition("@")[2]),
            unsubscribe_url=project.settings.unsubscribe_url + "PREVIEW",
            now=moment,
            attachments=functools.partial(mailing.leaflet, brand, locale),
        )
        message = email.message_from_bytes(raw, policy=email.policy.default)
        if view == "headers":
            lines = [f"{key}: {value}" for key, value in message.items()]
            parts = [f"  {part.get_content_type()}" for part in message.walk()]
            return Response(
                "\n".join([*lines, "", "MIME structure:", *parts]) + "\n",
                content_type="text/plain; charset=utf-8",
            )
        body = message.get_body(("html",) if view == "html" else ("plain",))
        assert body is not None
        content = body.get_content()
        if view == "txt":
            return Response(content, content_type="text/plain; charset=utf-8")
        response = Response(content, content_type="text/html; charset=utf-8")
        response.headers["X-Email-Preview"] = "1"  # the email's own inline styles need 'unsafe-inline'
        return response

    return app


def _parses(tag: str) -> bool:
    try:
        Locale.parse(tag.replace("-", "_"))
    except (ValueError, TypeError, Exception):  # Babel raises several kinds for junk
        return False
    return True


def _request_from_json(data: dict[str, Any]) -> tuple[list[dict[str, str]], EnrollmentRequest | None]:
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
    for key in ("email", "locale", "brand", "series", "timezone", "consent_at", "consent_source"):
        if not text.get(key):
            errors.append({"field": key, "error": "required"})
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


def serve(mailing: Mailing, host: str, port: int, leaflets_dir: Path | None = None) -> None:
    """Serve the application with waitress, a production WSGI server (no access log: paths carry tokens)."""
    from waitress import serve as waitress_serve

    waitress_serve(
        create_app(mailing, leaflets_dir=leaflets_dir), host=host, port=port, ident="scarleaflets", threads=4
    )
