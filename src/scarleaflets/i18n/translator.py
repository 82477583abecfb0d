"""The counting Translator: one locale's published translations, for rendering leaflets, emails and pages.

It is built from a catalog that passed the quality gate: the ``.po`` file of the working tree
(:meth:`Translator.load`), or the compiled ``.mo`` file of a release (:meth:`Translator.from_mo`), which holds
exactly the published messages (see :func:`published_catalog`) and its own ``Plural-Forms`` header.
"""

from __future__ import annotations

import io

from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo

from ..config import Project
from ..errors import ContentError, ScarleafletsError
from .catalogs import catalog_path, discover_locales, is_published, message_key, read_catalog, shown
from .locales import SOURCE_LOCALE, LocaleInfo, PluralRule


class Translator:
    """Translations of one locale for rendering, built from a catalog that passed the quality gate.

    Fuzzy and empty entries are left out, so those messages fall back to English, one message at a time;
    every fallback is counted so the build can report it. Templates get it through
    :func:`scarleaflets.leaflets.render.translations`, passed to each render, which escapes translations in HTML.
    """

    def __init__(self, locale: str, catalog: Catalog | None) -> None:
        self.locale = locale
        self.info = LocaleInfo(locale)
        self._strings: dict[tuple[str, str | None], str | tuple[str, ...]] = {}
        # The catalog's own Plural-Forms rule (which the gate has checked), as GNU gettext uses it.
        self.plural_rule = None if catalog is None else PluralRule(catalog.num_plurals, catalog.plural_expr)
        if catalog is not None:
            for message in catalog:
                if message.id and is_published(message):
                    value = message.string
                    self._strings[message_key(message)] = (
                        value if isinstance(value, str) else tuple(value or ())
                    )
        self.fallbacks: set[tuple[str | None, str]] = set()

    @classmethod
    def load(cls, project: Project, locale: str) -> Translator:
        """Load a locale's catalog, refusing it (with every problem listed) when it fails the quality gate."""
        if locale == SOURCE_LOCALE:
            return cls(locale, None)
        if not catalog_path(project, locale).is_file():
            raise ScarleafletsError(
                f"no catalog for locale '{locale}' ({shown(project, catalog_path(project, locale))}); "
                f"available: {', '.join(discover_locales(project)) or 'none'}"
            )
        loaded = read_catalog(project, locale)
        if loaded.problems or loaded.catalog is None:
            raise ContentError(loaded.problems)
        return cls(locale, loaded.catalog)

    @classmethod
    def from_mo(cls, locale: str, data: bytes) -> Translator:
        """A release's compiled catalog (made by :func:`mo_bytes` from a catalog that passed the gate)."""
        if locale == SOURCE_LOCALE:
            return cls(locale, None)
        return cls(locale, read_mo(io.BytesIO(data)))

    def raw(self, message: str, context: str | None) -> str | tuple[str, ...] | None:
        """The published translation of a message as the catalog holds it (plural forms as a tuple), or None;
        not counted as a fallback. A release hashes these to know which leaflets a translation changes."""
        return self._strings.get((message, context))

    def pgettext(self, context: str | None, message: str) -> str:
        if self.locale == SOURCE_LOCALE:
            return message
        found = self._strings.get((message, context))
        if isinstance(found, str):
            return found
        self.fallbacks.add((context, message))
        return message

    def gettext(self, message: str) -> str:
        return self.pgettext(None, message)

    def npgettext(self, context: str | None, singular: str, plural: str, count: int) -> str:
        found = self._strings.get((singular, context)) if self.locale != SOURCE_LOCALE else None
        if isinstance(found, tuple) and self.plural_rule is not None:
            index = self.plural_rule.index(count)
            if 0 <= index < len(found):
                return found[index]
        if self.locale != SOURCE_LOCALE:
            self.fallbacks.add((context, singular))
        return singular if count == 1 else plural

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.npgettext(None, singular, plural, count)


def published_catalog(catalog: Catalog) -> Catalog:
    """A copy of the catalog holding only its published messages (translated, not fuzzy, every plural form
    filled) and its header: what a release compiles, so the ``.mo`` file serves exactly what the ``.po`` file
    publishes."""
    published = Catalog(locale=catalog.locale, domain=catalog.domain, fuzzy=False)
    published.mime_headers = catalog.mime_headers
    for message in catalog:
        if message.id and is_published(message):
            published.add(message.id, message.string, context=message.context)
    return published


def mo_bytes(catalog: Catalog) -> bytes:
    """The catalog's published messages compiled to GNU ``.mo`` bytes (Babel's writer)."""
    buffer = io.BytesIO()
    write_mo(buffer, published_catalog(catalog))
    return buffer.getvalue()
