"""The working tree as a content source: previews (the staff gallery of a preview service), tests and
benchmarks. Its release identifier is "working-tree", so nothing composed from it passes for released text.

It loads and gates everything at once, as ``build`` does (:func:`~scarleaflets.release.load_all`): one broken
file anywhere stops it. Leaflets are rendered on first use and kept in memory, marked as previews; the
leaflet renderers (and WeasyPrint with them) are imported only then.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from .. import i18n
from ..brands import Brand
from ..config import Project
from ..content.series import load_series
from ..i18n.locales import SOURCE_LOCALE
from ..release import WORKING_TREE, load_all
from .source import GUIDE, Edition

if TYPE_CHECKING:
    from ..leaflets.pdf import PdfRenderer
    from ..leaflets.render import LeafletRenderer


class WorkingTree:
    """Content, brands, series and catalogs read and gated from the project folder, now."""

    release_id = WORKING_TREE

    def __init__(self, project: Project, today: dt.date) -> None:
        self.project = project
        self.loaded = load_all(project, today, {})
        self.brands: dict[str, Brand] = self.loaded.brands
        self._edition = Edition(
            WORKING_TREE, self.loaded.content, load_series(project.root, self.loaded.content), project
        )
        published, withheld = i18n.split_by_completeness(
            self.loaded.statuses.values(), project.settings.min_completeness
        )
        self.published = frozenset({status.locale for status in published} | {SOURCE_LOCALE})
        self._reasons = {
            status.locale: f"{status.locale}: {status.percent:g}% translated < "
            f"{project.settings.min_completeness:g}%"
            for status in withheld
        }
        self._translators: dict[str, i18n.Translator] = {}
        self._leaflets: dict[tuple[str, str, str], bytes] = {}
        self._logos: dict[str, bytes] = {}
        self._html: LeafletRenderer | None = None
        self._pdf: PdfRenderer | None = None

    def unpublished_reason(self, locale: str) -> str:
        if locale in self.published:
            return ""
        return self._reasons.get(locale, f"no catalog for {locale} in locales/")

    def edition(self, locale: str = SOURCE_LOCALE) -> Edition:
        return self._edition

    def translator(self, locale: str) -> i18n.Translator:
        if locale not in self._translators:
            self._translators[locale] = i18n.Translator.load(self.project, locale)
        return self._translators[locale]

    def review(self, locale: str) -> i18n.Manifest:
        return self.loaded.manifests.get(locale, i18n.Manifest("original", "reviewed"))

    def leaflet_file(self, brand_id: str, locale: str, document: str) -> Path | None:
        return None

    def logo(self, brand: Brand) -> bytes | None:
        """The brand's logo as a PNG, rendered now, once per brand (a release stores it instead)."""
        if brand.id not in self._logos:
            # Imported here, not at the top: the renderer loads the PDF engine.
            from ..leaflets.logo import logo_png

            self._logos[brand.id] = logo_png(brand.logo)
        return self._logos[brand.id]

    def leaflet(self, brand: Brand, locale: str, document: str) -> bytes:
        """A leaflet rendered now, once per process, marked as a preview on every page."""
        key = (brand.id, locale, document)
        if key not in self._leaflets:
            # Imported here, not at the top: a pass that attaches no leaflet never loads the PDF engine.
            from ..leaflets.pdf import PdfRenderer
            from ..leaflets.render import LeafletRenderer, LeafletSource

            if self._html is None or self._pdf is None:
                self._html = LeafletRenderer(self.project, self.loaded.content, self.loaded.fonts)
                self._pdf = PdfRenderer(self.project.root)
            source = LeafletSource(brand, locale, None if document == GUIDE else document)
            html, when = self._html.render(source, self.translator(locale), self.review(locale))
            identifier = f"{brand.id}/{locale}/{document}".encode()
            self._leaflets[key] = self._pdf.render(html, when, identifier).data
        return self._leaflets[key]
