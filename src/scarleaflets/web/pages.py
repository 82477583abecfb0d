"""The HTML pages shared by the blueprints, and what every request may need to read from the client.

A page is rendered with its locale's translations passed into that one render (waitress serves several
requests at once from one Jinja environment, so nothing is ever installed into it), in the clinic's colours
and with the request's CSP nonce. The visitor's language comes from Accept-Language, negotiated among the
published locales; junk language tags are skipped.
"""

from __future__ import annotations

from typing import Any

from babel import Locale, UnknownLocaleError, negotiate_locale
from flask import Response, g, request

from ..i18n.locales import SOURCE_LOCALE
from ..views import locale_view, translations
from .services import services

DEFAULT_PRIMARY = "#23395d"
DEFAULT_ACCENT = "#d9645a"


def page(template: str, locale: str, status: int, brand_id: str = "", **context: Any) -> Response:  # noqa: ANN401
    """``templates/<template>`` in ``locale`` (and the colours of ``brand_id``, if any) with ``status``."""
    web = services()
    translator = web.mailing.translator(locale)
    brand = web.mailing.brands.get(brand_id)
    html = web.env.get_template(template).render(
        translations(translator),  # per render: waitress's threads share the environment
        locale=locale_view(translator),
        nonce=g.nonce,
        primary=brand.primary if brand else DEFAULT_PRIMARY,
        accent=brand.accent if brand else DEFAULT_ACCENT,
        clinic=brand.name if brand else "",
        **context,
    )
    return Response(html, status=status, content_type="text/html; charset=utf-8")


def parsed_locale(tag: str) -> Locale | None:
    """A language tag (``de-DE``) as a Babel locale, or None for junk (``*``, ``en-``, ``12``, an unknown
    language). Babel raises ValueError for a malformed identifier and UnknownLocaleError (not a ValueError)
    for a well-formed one it has no data for."""
    try:
        return Locale.parse(tag.replace("-", "_"), sep="_")
    except (UnknownLocaleError, ValueError):
        return None


def browser_locale() -> str:
    """The published locale the browser prefers (Accept-Language), else the source locale."""
    wanted = [
        str(locale) for tag, _ in request.accept_languages if (locale := parsed_locale(tag)) is not None
    ]
    return negotiate_locale(wanted, services().published, sep="_") or SOURCE_LOCALE


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
