"""What the mail service reads from its content source — the current release, or the working tree for
previews: brands, series and text by language (each language in its own edition: a held-back language in its
older release's), translators, translation records, composers and leaflets. Nothing is read before it is
needed: an idle send pass reads none of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .. import i18n
from ..brands import Brand
from ..config import Project
from ..content import ContentSet
from ..content.series import Series
from ..release import WORKING_TREE
from ..releases import ContentSource, Edition, current_number, load_release, releases_dir

if TYPE_CHECKING:  # imported where a message is composed: enrolling needs no templates (bench/releases.py)
    from .compose import Attachment, EmailComposer


class Released:
    """The content side of the mail service (:class:`~.service.Mailing`), over one content source."""

    def __init__(self, source: ContentSource) -> None:
        self.source = source
        self.release_id = source.release_id
        self._composers: dict[str, EmailComposer] = {}

    def follow_current(self, project: Project) -> str | None:
        """Take content from the release that is current now, if it is another one (a new release, or
        `releases use N`): what a worker does between passes. Returns the new release's id, or None when
        nothing changed. Raises ScarleafletsError when the new release cannot be read (the old one stays)."""
        if self.release_id == WORKING_TREE:
            return None
        number = current_number(releases_dir(project))
        if number is None or str(number) == self.release_id:
            return None
        self.source = load_release(project, number)
        self.release_id = self.source.release_id
        self._composers = {}
        return self.release_id

    @property
    def content(self) -> ContentSet:
        """The content of the release (of its source language: a held-back language has its own edition)."""
        return self.source.edition().content

    @property
    def brands(self) -> dict[str, Brand]:
        return self.source.brands

    @property
    def series(self) -> dict[str, Series]:
        return self.source.edition().series

    @property
    def published(self) -> frozenset[str]:
        return self.source.published

    @property
    def manifests(self) -> dict[str, i18n.Manifest]:
        """Each published language's translation record."""
        return {locale: self.source.review(locale) for locale in self.published}

    def edition(self, locale: str) -> Edition:
        """The text a language is sent in (an older release's, for a language held back from this one)."""
        return self.source.edition(locale)

    def composer(self, edition: Edition) -> EmailComposer:
        from .compose import EmailComposer

        if edition.id not in self._composers:
            self._composers[edition.id] = EmailComposer(edition.templates, edition.content)
        return self._composers[edition.id]

    def translator(self, locale: str) -> i18n.Translator:
        return self.source.translator(locale)

    def leaflet(self, brand: Brand, locale: str, topic_id: str) -> Attachment:
        """A topic's leaflet as an attachment: the release's PDF (the working tree renders one, once)."""
        from .compose import Attachment

        return Attachment(f"{topic_id}.pdf", self.source.leaflet(brand, locale, topic_id))

    def logo(self, brand: Brand) -> bytes | None:
        """The brand's logo as a PNG, for the emails (the release's file; rendered once for a preview)."""
        return self.source.logo(brand)

    def leaflet_file(self, brand_id: str, locale: str, document: str) -> Path | None:
        """Where the release keeps a leaflet (None: not released, or the working tree's content)."""
        return self.source.leaflet_file(brand_id, locale, document)
