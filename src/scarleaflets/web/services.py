"""What every blueprint works with, kept in ``app.extensions["scarleaflets"]`` by the app factory.

A frozen dataclass built once per application: the mail service (the only way to the database and the
composer), the failed sign-in counter, the clock, the one Jinja environment (never changed after it is built:
translations are passed into each render), the folder of built leaflets and the thumbnail cache. Blueprints read
it through :func:`services` inside a request; nothing here is module-level state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app
from jinja2 import Environment

from ..mail import Mailing
from ..releases import GUIDE, LARGE_PRINT_SUFFIX
from .signins import FailedSignIns

if TYPE_CHECKING:
    from .gallery import Thumbnails

EXTENSION = "scarleaflets"


@dataclass(frozen=True)
class WebServices:
    mailing: Mailing
    sign_ins: FailedSignIns
    clock: Callable[[], dt.datetime]
    env: Environment
    leaflets_dir: Path | None  # built leaflets (<brand>/<locale>/<topic>.pdf) to show; None: the release's
    thumbnails: Thumbnails
    published: tuple[str, ...]  # the published locales, sorted, for Accept-Language negotiation

    def is_leaflet(self, locale: str, name: str) -> bool:
        """Whether ``name`` is a leaflet of the language's text: a topic, the complete guide, or the large-print
        edition of either (``<document>-large-print``; a topic's own id wins)."""
        topics = self.mailing.edition(locale).content.topics
        document = name if name in topics else name.removesuffix(LARGE_PRINT_SUFFIX)
        return document == GUIDE or document in topics

    def leaflet_path(self, brand_id: str, locale: str, document: str) -> Path | None:
        """The PDF the gallery shows for a leaflet, or None when there is none."""
        if self.leaflets_dir is None:
            return self.mailing.leaflet_file(brand_id, locale, document)
        path = self.leaflets_dir / brand_id / locale / f"{document}.pdf"
        return path if path.is_file() else None


def services() -> WebServices:
    """The current application's services (inside a request or an application context)."""
    found = current_app.extensions[EXTENSION]
    assert isinstance(found, WebServices)
    return found
