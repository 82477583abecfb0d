"""``load_release``: one release, read from its folder only — never from the working tree's YAML or catalogs.

This is what ``send-due``, ``worker``, ``enroll`` and ``serve`` run from. Opening a release reads its small
``release.json``; everything else is read on first use and kept: the brands when a patient is enrolled or a
message composed, an edition's content and series when a message in one of its languages is composed, a
compiled catalog (``.mo``) when its language is first needed, a leaflet's PDF when it is attached. An idle
send pass reads nothing more. No PDF engine is imported here: leaflets are files the release already holds.

Release folder layout (written by :mod:`.make`)::

    release.json              languages, brands and series served, and the release each one's text comes from
    manifest.json             the register: inputs, toolchain, every leaflet's reference, version and hash
    brands.json               the clinics' brands
    editions/<N>/             the text of release N: content.json, series.json, templates/ (this release's own,
                              and a copy of each older one a held-back language is still served with), and
                              content/figures/ (the SVG figures its topics show, for the web pages)
    catalogs/<locale>.mo      each served language's compiled catalog (published messages only)
    leaflets/<brand>/<locale>/<document>.pdf
                              and <document>-large-print.pdf, for a brand with large_print: true
    logos/<brand>.png         each brand's logo as a PNG, for the emails (rendered from its SVG at release time)
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import Any

from ..brands import Brand
from ..config import Project
from ..errors import ScarleafletsError
from ..i18n import Manifest, Translator
from ..i18n.locales import SOURCE_LOCALE
from . import frozen
from .layout import current_number, no_release, read_index, release_numbers, release_path, releases_dir
from .source import Edition

EDITIONS = "editions"
CATALOGS = "catalogs"
LEAFLETS = "leaflets"
LOGOS = "logos"


class Release:
    """One release, read lazily from its folder (see the module docstring). Safe to share between threads:
    what is read is only ever added, and reading it twice gives the same."""

    def __init__(self, project: Project, path: Path, number: int, index: dict[str, Any]) -> None:
        self.project = project
        self.path = path
        self.number = number
        self.index = index
        self._lock = threading.Lock()
        self._editions: dict[str, Edition] = {}
        self._translators: dict[str, Translator] = {}

    @property
    def release_id(self) -> str:
        return str(self.number)

    @property
    def languages(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = self.index.get("languages", {})
        return found

    @cached_property
    def brands(self) -> dict[str, Brand]:
        return frozen.load_brands((self.path / "brands.json").read_bytes())

    @cached_property
    def published(self) -> frozenset[str]:
        return frozenset(
            code for code, entry in self.languages.items() if entry.get("served_from") is not None
        )

    def unpublished_reason(self, locale: str) -> str:
        entry = self.languages.get(locale)
        if entry is None:
            return f"no catalog for {locale} in release {self.number}"
        if entry.get("served_from") is None:
            return f"{entry.get('held_back', 'held back')}; not complete in any release yet"
        return ""

    def served_from(self, locale: str) -> str:
        """The release whose text a language is served with (this one, or an older one when held back)."""
        entry = self.languages.get(locale)
        if entry is None or entry.get("served_from") is None:
            raise ScarleafletsError(f"{locale}: {self.unpublished_reason(locale)}")
        return str(entry["served_from"])

    def edition(self, locale: str = SOURCE_LOCALE) -> Edition:
        edition_id = self.served_from(locale) if locale != SOURCE_LOCALE else str(self.number)
        found = self._editions.get(edition_id)
        if found is None:
            folder = self.path / EDITIONS / edition_id
            # Templates are read from the edition's own copy: an edit in the working tree changes nothing here.
            found = Edition(
                edition_id,
                lambda: frozen.load_content((folder / "content.json").read_bytes()),
                lambda: frozen.load_series((folder / "series.json").read_bytes()),
                replace(self.project, root=folder),
            )
            with self._lock:
                found = self._editions.setdefault(edition_id, found)
        return found

    def translator(self, locale: str) -> Translator:
        found = self._translators.get(locale)
        if found is None:
            if locale == SOURCE_LOCALE:
                found = Translator(locale, None)
            else:
                self.served_from(locale)  # a clear error for a language this release does not serve
                found = Translator.from_mo(locale, (self.path / CATALOGS / f"{locale}.mo").read_bytes())
            with self._lock:
                found = self._translators.setdefault(locale, found)
        return found

    def review(self, locale: str) -> Manifest:
        entry = self.languages.get(locale, {}).get("review") or {}
        reviewed_on = entry.get("reviewed_on")
        return Manifest(
            translated_by=str(entry.get("translated_by", "original")),
            status="reviewed" if entry.get("status") == "reviewed" else "draft",
            reviewed_by=str(entry.get("reviewed_by", "")),
            reviewed_on=dt.date.fromisoformat(reviewed_on) if reviewed_on else None,
            recorded=bool(entry.get("recorded", True)),
        )

    def leaflet_file(self, brand_id: str, locale: str, document: str) -> Path | None:
        path = self.path / LEAFLETS / brand_id / locale / f"{document}.pdf"
        return path if path.is_file() else None

    def leaflet(self, brand: Brand, locale: str, document: str) -> bytes:
        path = self.leaflet_file(brand.id, locale, document)
        if path is None:
            raise ScarleafletsError(
                f"release {self.number} holds no leaflet {document} for {brand.id} in {locale}"
            )
        return path.read_bytes()

    def logo(self, brand: Brand) -> bytes | None:
        path = self.path / LOGOS / f"{brand.id}.png"
        return path.read_bytes() if path.is_file() else None


def load_release(project: Project, number: int | None = None) -> Release:
    """Release ``number``, or the current one; raises NoReleaseError (telling staff to run `scarleaflets
    release`) when there is none."""
    folder = releases_dir(project)
    if number is None:
        number = current_number(folder)
        if number is None:
            if release_numbers(folder):
                raise ScarleafletsError(
                    f"{folder}: releases exist but none is current; choose one with `scarleaflets releases use N`"
                )
            raise no_release(folder, project)
    return Release(project, release_path(folder, number), number, read_index(folder, number))


class MissingRelease:
    """The content source when no release was made yet: the commands that need no content (unsubscribe,
    forget, bounces) still work, and anything that needs content says how to make a release."""

    release_id = "none"

    def __init__(self, error: ScarleafletsError) -> None:
        self.error = error

    @property
    def brands(self) -> dict[str, Brand]:
        raise self.error

    @property
    def published(self) -> frozenset[str]:
        raise self.error

    def unpublished_reason(self, locale: str) -> str:
        raise self.error

    def edition(self, locale: str = SOURCE_LOCALE) -> Edition:
        raise self.error

    def translator(self, locale: str) -> Translator:
        raise self.error

    def review(self, locale: str) -> Manifest:
        raise self.error

    def leaflet(self, brand: Brand, locale: str, document: str) -> bytes:
        raise self.error

    def leaflet_file(self, brand_id: str, locale: str, document: str) -> Path | None:
        raise self.error

    def logo(self, brand: Brand) -> bytes | None:
        raise self.error
