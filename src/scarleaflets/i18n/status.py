"""How far each locale is translated, and which locales are complete enough to publish.

Counts are taken against the template, which holds what the leaflets and emails will ask for; a locale below
``min_completeness`` is withheld unless asked for by name. A regional variant (:mod:`.regional`) counts a
message as translated when it or a catalog it falls back to publishes it (for a variant of English, always:
its base is the English source), so ``en_GB`` is complete with only the messages British English changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from babel.messages.catalog import Catalog, Message

from ..config import Project
from ..errors import Problem
from .catalogs import LoadedCatalog, is_published, message_key, read_catalog
from .locales import LocaleInfo, UnknownLocale
from .manifest import Manifest
from .regional import base_catalogs, fallback_locales, falls_back_to_source, has_text, locale_manifest

Key = tuple[str, str | None]


@dataclass(frozen=True)
class LocaleStatus:
    locale: str
    native_name: str
    english_name: str
    direction: str
    total: int
    translated: int
    fuzzy: int
    untranslated: int
    problems: int
    manifest: Manifest
    # A regional variant: what it falls back to (nearest first; "en" is the English source), how many messages
    # its own catalog publishes, and how many of its own texts are fuzzy and meanwhile come from the fallback.
    fallback: tuple[str, ...] = ()
    overrides: int = 0
    fuzzy_overrides: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "fallback", tuple(self.fallback))  # a list when read back from JSON

    @property
    def variant(self) -> bool:
        return bool(self.fallback)

    @property
    def percent(self) -> float:
        return 100.0 if self.total == 0 else round(100.0 * self.translated / self.total, 1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "locale": self.locale,
            "name": self.native_name,
            "english_name": self.english_name,
            "direction": self.direction,
            "total": self.total,
            "translated": self.translated,
            "fuzzy": self.fuzzy,
            "untranslated": self.untranslated,
            "percent": self.percent,
            "problems": self.problems,
            "fallback": list(self.fallback),
            "overrides": self.overrides,
            "fuzzy_overrides": self.fuzzy_overrides,
            "review": {
                "status": self.manifest.status,
                "translated_by": self.manifest.translated_by,
                "reviewed_by": self.manifest.reviewed_by,
                "reviewed_on": self.manifest.reviewed_on.isoformat() if self.manifest.reviewed_on else None,
                "recorded": self.manifest.recorded,
            },
        }


def locale_status(
    project: Project, locale: str, template: Catalog, loaded: LoadedCatalog | None = None
) -> LocaleStatus:
    """Counts against the template, which holds what the leaflets and emails will ask for.

    ``loaded`` is the catalog when the caller has read it already (its problems are counted)."""
    if loaded is None:
        loaded = read_catalog(project, locale)
    manifest_problems: list[Problem] = []
    manifest = locale_manifest(project, locale, manifest_problems)
    info = LocaleInfo(locale)
    chain = fallback_locales(project, locale)
    layers = [_by_key(item.catalog) for item in (loaded, *base_catalogs(project, locale))]
    counts = _Counts()
    for message in template:
        if message.id:
            counts.add(message_key(message), layers, english_base=falls_back_to_source(chain))
    try:
        native, english, direction = info.native_name, info.english_name, info.direction
    except UnknownLocale:
        native = english = locale
        direction = "ltr"
    return LocaleStatus(
        locale=locale,
        native_name=native,
        english_name=english,
        direction=direction,
        total=counts.total,
        translated=counts.translated,
        fuzzy=counts.fuzzy,
        untranslated=counts.total - counts.translated - counts.fuzzy,
        problems=len(loaded.problems) + len(manifest_problems),
        manifest=manifest,
        fallback=chain,
        overrides=counts.overrides,
        fuzzy_overrides=counts.fuzzy_overrides,
    )


def _by_key(catalog: Catalog | None) -> dict[Key, Message]:
    return {} if catalog is None else {message_key(m): m for m in catalog if m.id}


@dataclass
class _Counts:
    total: int = 0
    translated: int = 0  # published by the locale's catalog or one it falls back to
    fuzzy: int = 0  # not published anywhere in the chain, and fuzzy in one of its catalogs
    overrides: int = 0  # published by the locale's own catalog
    fuzzy_overrides: int = 0  # fuzzy in the locale's own catalog, published by its fallback meanwhile

    def add(self, key: Key, layers: list[dict[Key, Message]], *, english_base: bool) -> None:
        """Count one message of the template; ``layers`` are the locale's catalog and its fallbacks."""
        self.total += 1
        own, *bases = layers
        mine = own.get(key)
        if mine is not None and is_published(mine):
            self.translated += 1
            self.overrides += 1
        elif english_base or any(m is not None and is_published(m) for m in (b.get(key) for b in bases)):
            self.translated += 1
            self.fuzzy_overrides += 1 if mine is not None and mine.fuzzy and has_text(mine.string) else 0
        elif any(m is not None and m.fuzzy for m in (layer.get(key) for layer in layers)):
            self.fuzzy += 1


def split_by_completeness(
    statuses: Iterable[LocaleStatus],
    threshold: float,
    *,
    include_incomplete: bool = False,
    named: Iterable[str] = (),
) -> tuple[list[LocaleStatus], list[LocaleStatus]]:
    """Split locales into those to publish and those withheld for being below ``threshold`` percent.

    A withheld locale is published only when the user asks for it explicitly (``include_incomplete``, or by
    naming it); its missing messages then fall back to English one by one, and the build reports how many.
    """
    asked = set(named)
    published: list[LocaleStatus] = []
    withheld: list[LocaleStatus] = []
    for status in statuses:
        publish = status.percent >= threshold or include_incomplete or status.locale in asked
        (published if publish else withheld).append(status)
    return published, withheld


def select_published(
    project: Project, template: Catalog, locales: Iterable[str], *, include_incomplete: bool = False
) -> tuple[list[LocaleStatus], list[LocaleStatus]]:
    """:func:`split_by_completeness` for locales by code, measured against ``template``."""
    statuses = [locale_status(project, code, template) for code in locales]
    return split_by_completeness(
        statuses, project.settings.min_completeness, include_incomplete=include_incomplete
    )
