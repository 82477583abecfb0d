"""The public leaflet pages at ``/leaflets/<brand>/<locale>/<topic>``: each published leaflet of the release the
service runs from, as an accessible, responsive HTML page in the patient's language, with its PDF beside it.

Patients open these from an email, so nothing here asks for a sign-in. A page renders the shared view model
(:mod:`scarleaflets.views`: the topic's or the complete guide's view, the clinic, the language and the
translation's review status) and nothing else of the content, so it says what the PDF says. Its links:
``<topic>.pdf`` is the released PDF of the same leaflet (and ``<topic>-large-print.pdf`` its large-print
edition, linked when the release has one: the clinic's brand file asks for it with ``large_print: true``),
``content/figures/<file>`` the figures (copied into the release's edition, so the page never reads the working
tree), ``/leaflets/<brand>/<locale>/`` the list of the clinic's leaflets in that language. A brand, language
or topic that is not published is a 404 page in the patient's language (or the browser's), never a traceback.

Released text changes only with a new release, so the pages may be cached for a short while
(:data:`PAGE_CACHE`) and the PDFs and figures a little longer, revalidated by ETag; a 404 is never cached.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel import negotiate_locale
from flask import Blueprint, Response, g, redirect, request, send_file
from werkzeug.wrappers import Response as WerkzeugResponse

from ..i18n.locales import LocaleInfo
from ..release import WORKING_TREE
from ..releases import LARGE_PRINT_SUFFIX
from ..views import brand_view, guide_view, topic_view, translation_note
from .pages import browser_locale, page
from .services import services

blueprint = Blueprint("leaflet_pages", __name__)
GUIDE = "complete-guide"
PAGE_CACHE = "public, max-age=600"  # a new release shows in caches within ten minutes
FILE_CACHE = "public, max-age=3600"  # PDFs and figures, revalidated by ETag
NOT_FOUND = "web/leaflet_missing.html.j2"


def published_locales(brand_id: str) -> list[str] | None:
    """The languages ``brand_id`` publishes in this release, in its own order, or None for an unknown brand."""
    mailing = services().mailing
    brand = mailing.brands.get(brand_id)
    if brand is None:
        return None
    return [code for code in brand.locales if code in mailing.published]


def not_found(brand_id: str, locale: str) -> Response:
    """The 404 page: in ``locale`` when it is published (else the browser's), with a link to the clinic's
    leaflets when the brand is known."""
    mailing = services().mailing
    offered = published_locales(brand_id) or []
    language = locale if locale in mailing.published else browser_locale()
    index = f"/leaflets/{brand_id}/{locale if locale in offered else offered[0]}/" if offered else ""
    return page(NOT_FOUND, language, 404, brand_id=brand_id if offered else "", index=index)


def _cached(response: WerkzeugResponse, policy: str) -> WerkzeugResponse:
    g.cache_control = policy  # the app's after-request hook writes it (every other response: no-store)
    return response


@blueprint.get("/leaflets/<brand_id>/")
def leaflet_home(brand_id: str) -> WerkzeugResponse:
    """The clinic's leaflets in the browser's language among those it publishes (else its default)."""
    offered = published_locales(brand_id)
    if not offered:
        return not_found(brand_id, "")
    brand = services().mailing.brands[brand_id]
    wanted = [tag.replace("-", "_") for tag, _ in request.accept_languages]
    chosen = negotiate_locale(wanted, offered, sep="_") or (
        brand.default_locale if brand.default_locale in offered else offered[0]
    )
    return redirect(f"/leaflets/{brand_id}/{chosen}/")


@blueprint.get("/leaflets/<brand_id>/<locale>/")
def leaflet_index(brand_id: str, locale: str) -> WerkzeugResponse:
    if locale not in (published_locales(brand_id) or []):
        return not_found(brand_id, locale)
    web = services()
    translator = web.mailing.translator(locale)
    details = web.mailing.brands[brand_id].clinic_details(locale)
    guide = guide_view(web.mailing.edition(locale).content, translator, details)
    return _cached(
        _leaflet_page("web/leaflet_index.html.j2", brand_id, locale, "", guide=guide, title=guide.title),
        PAGE_CACHE,
    )


@blueprint.get("/leaflets/<brand_id>/<locale>/<topic_id>")
def leaflet(brand_id: str, locale: str, topic_id: str) -> WerkzeugResponse:
    if locale not in (published_locales(brand_id) or []):
        return not_found(brand_id, locale)
    web = services()
    content = web.mailing.edition(locale).content  # a held-back language: the text it is served with
    translator = web.mailing.translator(locale)
    details = web.mailing.brands[brand_id].clinic_details(locale)
    if topic_id == GUIDE:
        guide = guide_view(content, translator, details)
        html = _leaflet_page(
            "web/leaflet_guide.html.j2", brand_id, locale, GUIDE, guide=guide, title=guide.title
        )
    elif topic_id in content.topics:
        topic = topic_view(content.topics[topic_id], translator, details)
        html = _leaflet_page(
            "web/leaflet.html.j2", brand_id, locale, topic_id, topic=topic, title=topic.title
        )
    else:
        return not_found(brand_id, locale)
    return _cached(html, PAGE_CACHE)


@blueprint.get("/leaflets/<brand_id>/<locale>/<topic_id>.pdf")
def leaflet_pdf(brand_id: str, locale: str, topic_id: str) -> WerkzeugResponse:
    """The released PDF of the leaflet (or, for previews served with --leaflets, the built one); its
    large-print edition at ``<topic>-large-print.pdf`` when the release has one (a brand's ``large_print``)."""
    if locale not in (published_locales(brand_id) or []):
        return not_found(brand_id, locale)
    path = services().leaflet_path(brand_id, locale, topic_id)
    if path is None or not services().is_leaflet(locale, topic_id):
        return not_found(brand_id, locale)
    response = send_file(path, mimetype="application/pdf", download_name=f"{topic_id}.pdf", etag=True)
    return _cached(response.make_conditional(request), FILE_CACHE)


@blueprint.get("/leaflets/<brand_id>/<locale>/content/<path:file>")
def leaflet_figure(brand_id: str, locale: str, file: str) -> WerkzeugResponse:
    """A figure a topic of this language's edition shows (only those: no other file of the release)."""
    if locale not in (published_locales(brand_id) or []):
        return not_found(brand_id, locale)
    edition = services().mailing.edition(locale)
    shown = {figure.file for topic in edition.content for figure in topic.figures}
    path = edition.templates.content_dir / file
    if file not in shown or not path.is_file():
        return not_found(brand_id, locale)
    response = send_file(path, mimetype=_figure_type(path), etag=True)
    return _cached(response.make_conditional(request), FILE_CACHE)


def _figure_type(path: Path) -> str:
    return "image/svg+xml" if path.suffix.lower() == ".svg" else "image/png"


def _leaflet_page(
    template: str,
    brand_id: str,
    locale: str,
    document: str,
    **views: Any,  # noqa: ANN401 (the view of the topic or of the guide, and its title)
) -> Response:
    """A leaflet page (or the list, for ``document`` "") in ``locale``: the views, the clinic, the translation's
    status, every language the brand publishes it in, and the PDF when the release holds one."""
    web = services()
    brand = web.mailing.brands[brand_id]
    suffix = document
    languages = [
        {
            "code": code,
            "tag": LocaleInfo(code).language_tag,
            "name": LocaleInfo(code).native_name,
            "href": f"/leaflets/{brand_id}/{code}/{suffix}",
        }
        for code in published_locales(brand_id) or []
    ]
    default = brand.default_locale if brand.default_locale in {item["code"] for item in languages} else ""
    pdf = web.leaflet_path(brand_id, locale, document) if document else None
    large_print = web.leaflet_path(brand_id, locale, document + LARGE_PRINT_SUFFIX) if pdf else None
    return page(
        template,
        locale,
        200,
        brand_id=brand_id,
        brand=brand_view(brand, locale),
        translation=translation_note(web.mailing.translator(locale), web.mailing.manifests[locale]),
        languages=languages,
        locale_code=locale,
        root=request.url_root.rstrip("/"),
        default_href=f"/leaflets/{brand_id}/{default}/{suffix}" if default else "",
        index_href=f"/leaflets/{brand_id}/{locale}/",
        pdf_href=f"{document}.pdf" if pdf is not None else "",
        large_print_href=f"{document}{LARGE_PRINT_SUFFIX}.pdf" if large_print is not None else "",
        preview=web.mailing.release_id == WORKING_TREE,
        draft=any(getattr(view, "draft", False) for view in views.values()),
        heading_colour=readable_on_white(brand.primary),
        guide_id=GUIDE,
        **views,
    )


def readable_on_white(colour: str) -> str:
    """The brand colour for text on white when it reaches WCAG AA (4.5:1) there, else the body text colour."""
    return colour if contrast_with_white(colour) >= 4.5 else "#1d2327"


def contrast_with_white(colour: str) -> float:
    """WCAG 2 contrast ratio of a ``#rrggbb`` colour against white."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g_, b = (channel(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g_ + 0.0722 * b
    return 1.05 / (luminance + 0.05)
