"""The staff gallery at ``/gallery/``, signed in with HTTP basic (the brand id and its API token).

For a brand and language: every leaflet with a thumbnail of its first page (from the built PDFs) and a link to
its large-print edition where there is one (a brand's ``large_print: true``), and every
email of each series rendered exactly as it would be sent to a sample patient (by the mail service), shown as
HTML, text or headers with its MIME structure; a language switcher lists the brand's published languages.
"""

from __future__ import annotations

import base64
import email
import email.policy
import io
import threading
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
from flask import Blueprint, Response, g, jsonify, redirect
from werkzeug.wrappers import Response as WerkzeugResponse

from ..i18n.locales import LocaleInfo
from ..releases import LARGE_PRINT_SUFFIX
from ..views import guide_view, locale_view, step_view
from .auth import basic_brand, basic_claimed, count_failure, too_many
from .services import services

blueprint = Blueprint("gallery", __name__)
VIEWS = ("html", "txt", "headers")
GUIDE = "complete-guide"


class Thumbnails:
    """PNG data URLs of the first page of built leaflets, kept per file and modification time. PDFium is not
    thread-safe, so one thumbnail is rendered at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, float], str] = {}

    def of(self, path: Path) -> str:
        key = (str(path), path.stat().st_mtime)
        with self._lock:
            if key not in self._cache:
                document = pdfium.PdfDocument(str(path))
                try:
                    image = document[0].render(scale=0.45).to_pil()
                finally:
                    document.close()
                buffer = io.BytesIO()
                image.save(buffer, "PNG", optimize=True)
                self._cache[key] = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
            return self._cache[key]


def _inline_images(message: email.message.EmailMessage, html: str) -> str:
    """The HTML with each ``cid:`` image (the clinic's logo) as a data URL: a browser cannot follow ``cid:``,
    and the page's Content-Security-Policy allows images from data URLs only."""
    for part in message.walk():
        cid, data = part["Content-ID"], part.get_payload(decode=True)
        if cid and part.get_content_maintype() == "image" and isinstance(data, bytes):
            url = f"data:{part.get_content_type()};base64,{base64.b64encode(data).decode()}"
            html = html.replace(f'src="cid:{cid.strip("<>")}"', f'src="{url}"')
    return html


def gallery_guard(brand_id: str, locale: str | None = None) -> Response | None:
    """None when the signed-in brand may see ``brand_id`` (in ``locale``), else the refusal: 429 after too
    many failures, 401 with a basic challenge, 403 for another brand, 404 for a language it does not offer."""
    mailing = services().mailing
    claimed = basic_claimed()
    refused = too_many(claimed)
    if refused is not None:
        return refused
    brand = basic_brand()
    if brand is None:
        count_failure(claimed)
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


@blueprint.get("/gallery/")
def gallery_home() -> WerkzeugResponse:
    mailing = services().mailing
    refused = too_many(basic_claimed())
    if refused is not None:
        return refused
    brand = basic_brand()
    if brand is None or brand not in mailing.brands:
        return gallery_guard("") or Response(status=403)
    return redirect(f"/gallery/{brand}/{mailing.brands[brand].default_locale}/")


@blueprint.get("/gallery/<brand_id>/<locale>/")
def gallery(brand_id: str, locale: str) -> Response:
    refused = gallery_guard(brand_id, locale)
    if refused is not None:
        return refused
    web = services()
    brand = web.mailing.brands[brand_id]
    translator = web.mailing.translator(locale)
    leaflets = _leaflets(brand_id, locale)
    languages = [
        {"code": code, "tag": LocaleInfo(code).language_tag, "name": LocaleInfo(code).native_name}
        for code in brand.locales
        if code in web.mailing.published
    ]
    html = web.env.get_template("web/gallery.html.j2").render(
        nonce=g.nonce,
        primary=brand.primary,
        clinic=brand.name,
        brand_id=brand_id,
        locale_code=locale,
        language=translator.info.english_name,
        locale=locale_view(translator),
        languages=languages,
        leaflets=leaflets,
        leaflets_built=any(item["thumbnail"] for item in leaflets),
        emails=_emails(brand_id, locale),
    )
    return Response(html, content_type="text/html; charset=utf-8")


def _leaflets(brand_id: str, locale: str) -> list[dict[str, Any]]:
    """Each topic's leaflet and the complete guide: translated title, link and thumbnail (None: not built), and
    the link to its large-print edition (None: there is none)."""
    web = services()
    details = web.mailing.brands[brand_id].clinic_details(locale)
    content = web.mailing.edition(locale).content  # a held-back language shows the text it is sent in
    guide = guide_view(content, web.mailing.translator(locale), details)
    leaflets = []
    for document, title in [*((topic.id, topic.title) for topic in guide.topics), (GUIDE, guide.title)]:
        pdf = web.leaflet_path(brand_id, locale, document)
        large_print = web.leaflet_path(brand_id, locale, document + LARGE_PRINT_SUFFIX)
        leaflets.append(
            {
                "title": title,
                "href": f"/gallery/{brand_id}/{locale}/leaflets/{document}.pdf",
                "thumbnail": web.thumbnails.of(pdf) if pdf is not None else None,
                "large_print_href": (
                    f"/gallery/{brand_id}/{locale}/leaflets/{document}{LARGE_PRINT_SUFFIX}.pdf"
                    if large_print is not None
                    else None
                ),
            }
        )
    return leaflets


def _emails(brand_id: str, locale: str) -> list[dict[str, Any]]:
    """Each series with its steps: day, translated subject, and the base of the preview links."""
    mailing = services().mailing
    translator = mailing.translator(locale)
    details = mailing.brands[brand_id].clinic_details(locale)
    edition = mailing.edition(locale)  # a held-back language: the series and text it is sent in
    return [
        {
            "name": series.name,
            "steps": [
                {
                    "day": view.day,
                    "subject": view.subject,
                    "base": f"/gallery/{brand_id}/{locale}/email/{series.id}/{view.id}",
                }
                for view in (
                    step_view(edition.content, series, step, translator, details) for step in series.steps
                )
            ],
        }
        for series in edition.series.values()
    ]


@blueprint.get("/gallery/<brand_id>/<locale>/leaflets/<topic_id>.pdf")
def gallery_leaflet(brand_id: str, locale: str, topic_id: str) -> Response:
    refused = gallery_guard(brand_id, locale)
    if refused is not None:
        return refused
    if not services().is_leaflet(locale, topic_id):
        return Response(status=404)
    path = services().leaflet_path(brand_id, locale, topic_id)
    if path is None:
        return Response(
            "not released (or, for previews, not built): run scarleaflets release",
            status=404,
            content_type="text/plain",
        )
    return Response(path.read_bytes(), content_type="application/pdf")


@blueprint.get("/gallery/<brand_id>/<locale>/email/<series_id>/<step_id>.<view>")
def gallery_email(brand_id: str, locale: str, series_id: str, step_id: str, view: str) -> Response:
    refused = gallery_guard(brand_id, locale)
    if refused is not None:
        return refused
    web = services()
    series = web.mailing.edition(locale).series.get(series_id)
    if series is None or step_id not in {s.id for s in series.steps} or view not in VIEWS:
        return Response(status=404)
    raw = web.mailing.preview_email(brand_id, locale, series_id, step_id, web.clock())
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
    response = Response(_inline_images(message, content), content_type="text/html; charset=utf-8")
    response.headers["X-Email-Preview"] = "1"  # the email's own inline styles need 'unsafe-inline'
    return response
