"""Regional variants (``en_GB``, ``es_MX``, ``pt_PT``): catalogs that hold only what differs from their base.

A locale falls back, message by message, along its CLDR parents (:func:`.locales.parent_locales`) to each one
that has a catalog in this project, and a variant of English falls back to the English source itself. So a
variant's catalog needs a translation only where the variant differs: ``en_GB`` writes "colour" where the
English says "color" and leaves every other ``msgstr`` empty. Nothing about a variant is configured: adding
``locales/es_MX/LC_MESSAGES/messages.po`` next to ``es`` is all it takes, and a catalog with no parent catalog
(``pt_BR`` while there is no ``pt``) is simply a whole language, as before.

The chain decides what is published (:class:`~.translator.Translator`), how complete a locale counts
(:mod:`.status`), which files a leaflet in the locale depends on (:func:`catalog_inputs`) and whether its text
counts as reviewed (:func:`locale_manifest`): a variant is reviewed only when every catalog it shows is.
A catalog counts as reviewed while its medical translator's sign-off (``approval.toml``, written by
``i18n approve``) still matches it; once any message changes, it is a draft again until approved anew.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from babel.messages.catalog import Catalog

from ..config import Project
from ..errors import Problem
from .approval import APPROVAL_FILE, catalog_entries, read_approval, review_diff
from .catalogs import LoadedCatalog, catalog_path, discover_locales, read_catalog
from .locales import SOURCE_LOCALE, UnknownLocale, parent_locales
from .manifest import MANIFEST, Manifest, read_manifest


def fallback_locales(project: Project, locale: str) -> tuple[str, ...]:
    """What ``locale`` falls back to, nearest first: its CLDR parents that have a catalog here, and last ``en``
    (the English source) when it is a variant of English. Empty for a whole language such as ``fr``."""
    try:
        parents = parent_locales(locale)
    except UnknownLocale:
        return ()  # reported by the quality gate, which names the folder
    available = set(discover_locales(project))
    chain: list[str] = []
    for parent in parents:
        if parent == SOURCE_LOCALE:
            chain.append(parent)
            break
        if parent in available:
            chain.append(parent)
    return tuple(chain)


def falls_back_to_source(chain: tuple[str, ...]) -> bool:
    """Whether a message missing from every catalog of the chain is, by design, the English source text."""
    return SOURCE_LOCALE in chain


def base_catalogs(project: Project, locale: str) -> list[LoadedCatalog]:
    """The catalogs of ``locale``'s fallback chain, nearest first, each read through the quality gate."""
    return [
        read_catalog(project, code) for code in fallback_locales(project, locale) if code != SOURCE_LOCALE
    ]


def catalog_inputs(project: Project, locale: str) -> list[Path]:
    """Every file a locale's text depends on: its catalog and review record, and those of its fallbacks."""
    if locale == SOURCE_LOCALE:
        return []
    codes = [locale, *(code for code in fallback_locales(project, locale) if code != SOURCE_LOCALE)]
    return [
        path
        for code in codes
        for path in (
            catalog_path(project, code),
            project.locales_dir / code / MANIFEST,
            project.locales_dir / code / APPROVAL_FILE,
        )
    ]


def locale_manifest(project: Project, locale: str, problems: list[Problem]) -> Manifest:
    """The locale's review record, as readers are told it: a variant counts as reviewed only when every catalog
    it falls back to is reviewed too (their own problems are reported with them, not here)."""
    own = reviewed_manifest(project, locale, problems)
    for code in fallback_locales(project, locale):
        if code != SOURCE_LOCALE and not reviewed_manifest(project, code, []).reviewed:
            return dataclasses.replace(own, status="draft")
    return own


def reviewed_manifest(project: Project, locale: str, problems: list[Problem]) -> Manifest:
    """One catalog's review record (translation.toml) as its sign-off confirms it: with an approval that still
    matches the catalog, reviewed by the approver's role on the approval's day; with one the catalog no longer
    matches, a draft (``check`` says which messages changed). Without an approval, translation.toml decides."""
    own = read_manifest(project, locale, problems)
    record = read_approval(project, locale, problems)
    if record is None:
        return own
    try:
        matches = not review_diff(record, catalog_entries(project, locale))
    except (OSError, ValueError):  # a catalog that does not read is reported by the quality gate
        matches = False
    if not matches:
        return dataclasses.replace(own, status="draft")
    return dataclasses.replace(own, status="reviewed", reviewed_by=record.role, reviewed_on=record.date)


def fuzzy_overrides(catalog: Catalog) -> int:
    """How many texts of a variant's catalog are fuzzy: each falls back to the base until it is reviewed."""
    return sum(1 for message in catalog if message.id and message.fuzzy and has_text(message.string))


def has_text(value: object) -> bool:
    """Whether a msgstr (or any form of a plural one) is written: ``update`` can leave fuzzy entries empty."""
    if isinstance(value, list | tuple):
        return any(value)
    return bool(value)


def describe_chain(chain: tuple[str, ...]) -> str:
    """``es_419, es`` or ``en (the English source)``, for messages."""
    return ", ".join(f"{code} (the English source)" if code == SOURCE_LOCALE else code for code in chain)
