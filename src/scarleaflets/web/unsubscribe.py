"""One-click unsubscribe (RFC 8058) at ``/u/<token>``.

``POST`` with ``List-Unsubscribe=One-Click`` unsubscribes at once, idempotently, from every series of the
enrollment's clinic; ``GET`` never does (link scanners follow GETs): it shows a page, in the patient's language
and the clinic's colours, with a button that POSTs. Tokens are signed and name the enrollment, never the
address; a forged, truncated or expired one gets a plain page in the browser's language that reveals nothing.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from .pages import browser_locale, page
from .services import services

blueprint = Blueprint("unsubscribe", __name__)


@blueprint.get("/u/<token>")
def unsubscribe_page(token: str) -> Response:
    web = services()
    enrollment = web.mailing.enrollment_for_token(token, web.clock().date())
    if enrollment is None:
        return page("web/invalid.html.j2", browser_locale(), 404)
    return page("web/unsubscribe.html.j2", enrollment.locale, 200, brand_id=enrollment.brand)


@blueprint.post("/u/<token>")
def unsubscribe(token: str) -> Response:
    web = services()
    enrollment = web.mailing.enrollment_for_token(token, web.clock().date())
    if enrollment is None:
        return page("web/invalid.html.j2", browser_locale(), 404)
    if request.form.get("List-Unsubscribe") != "One-Click":
        return page("web/unsubscribe.html.j2", enrollment.locale, 400, brand_id=enrollment.brand)
    web.mailing.unsubscribe_enrollment(enrollment, web.clock())  # every series of this clinic
    return page("web/unsubscribed.html.j2", enrollment.locale, 200, brand_id=enrollment.brand)
