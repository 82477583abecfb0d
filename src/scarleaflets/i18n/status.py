"""How far each locale is translated, and which locales are complete enough to publish.

Counts are taken against the template, which holds what the leaflets and emails will ask for; a locale below
``min_completeness`` is withheld unless asked for by name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from babel.messages.catalog import Catalog

from ..config import Project
from ..errors import Problem
from .catalogs import LoadedCatalog, is_published, message_key, read_catalog
from .locales import LocaleInfo, UnknownLocale
from .manifest import Manifest, read_manifest


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
    manifest = read_manifest(project, locale, manifest_problems)
    info = LocaleInfo(locale)
    wanted = [message_key(m) for m in template if m.id]
    translated = fuzzy = 0
    if loaded.catalog is not None:
        by_key = {message_key(m): m for m in loaded.catalog if m.id}
        for key in wanted:
            message = by_key.get(key)
            if message is None:
                continue
            if is_published(message):
                translated += 1
            elif message.fuzzy:
                fuzzy += 1
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
        total=len(wanted),
        translated=translated,
        fuzzy=fuzzy,
        untranslated=len(wanted) - translated - fuzzy,
        problems=len(loaded.problems) + len(manifest_problems),
        manifest=manifest,
    )


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
