"""The counting Translator: one locale's published translations, for rendering leaflets, emails and pages.

It is built from catalogs that passed the quality gate: the ``.po`` files of the working tree
(:meth:`Translator.load`), or the compiled ``.mo`` files of a release (:meth:`Translator.from_mo`), which hold
exactly the published messages (see :func:`published_catalog`) and their own ``Plural-Forms`` headers.

A regional variant (see :mod:`.regional`) is read as layers, its own catalog first and then each catalog it
falls back to, so every message comes from the nearest catalog that has published it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo

from ..config import Project
from ..errors import ContentError, ScarleafletsError
from .catalogs import catalog_path, discover_locales, is_published, message_key, read_catalog, shown
from .locales import SOURCE_LOCALE, LocaleInfo, PluralRule, UnknownLocale, parent_locales
from .regional import base_catalogs

Key = tuple[str, str | None]


class _Layer:
    """One catalog's published texts, with the plural rule its own header states (the one they were written for)."""

    def __init__(self, catalog: Catalog) -> None:
        self.rule = PluralRule(catalog.num_plurals, catalog.plural_expr)
        self.strings: dict[Key, str | tuple[str, ...]] = {}
        for message in catalog:
            if message.id and is_published(message):
                value = message.string
                self.strings[message_key(message)] = value if isinstance(value, str) else tuple(value or ())


class Translator:
    """Translations of one locale for rendering, built from catalogs that passed the quality gate.

    Fuzzy and empty entries are left out, so those messages fall back one message at a time: in a regional
    variant to the catalogs in ``bases`` (nearest first), then to English. Every message that reaches English
    although the locale is not English is counted, so the build can report it; a variant of English (``en_GB``)
    has the English source as its base, so its untranslated messages are by design, not counted. Templates get
    it through :func:`scarleaflets.views.translations`, passed to each render, which escapes
    translations in HTML.
    """

    def __init__(self, locale: str, catalog: Catalog | None, bases: Sequence[Catalog] = ()) -> None:
        self.locale = locale
        self.info = LocaleInfo(locale)
        self._layers = [_Layer(c) for c in (catalog, *bases) if c is not None]
        # The locale's own Plural-Forms rule (which the gate has checked), as GNU gettext uses it.
        self.plural_rule = None if catalog is None else self._layers[0].rule
        try:
            self._english_base = locale == SOURCE_LOCALE or SOURCE_LOCALE in parent_locales(locale)
        except UnknownLocale:
            self._english_base = False
        self.fallbacks: set[tuple[str | None, str]] = set()

    @classmethod
    def load(cls, project: Project, locale: str) -> Translator:
        """Load a locale's catalog and those it falls back to, refusing them (with every problem listed) when
        any fails the quality gate."""
        if locale == SOURCE_LOCALE:
            return cls(locale, None)
        if not catalog_path(project, locale).is_file():
            raise ScarleafletsError(
                f"no catalog for locale '{locale}' ({shown(project, catalog_path(project, locale))}); "
                f"available: {', '.join(discover_locales(project)) or 'none'}"
            )
        chain = [read_catalog(project, locale), *base_catalogs(project, locale)]
        problems = [problem for loaded in chain for problem in loaded.problems]
        catalogs = [loaded.catalog for loaded in chain if loaded.catalog is not None]
        if problems or len(catalogs) < len(chain):
            raise ContentError(problems)
        return cls(locale, catalogs[0], catalogs[1:])

    def _fell_back(self, context: str | None, message: str) -> None:
        if not self._english_base:
            self.fallbacks.add((context, message))

    @classmethod
    def from_mo(cls, locale: str, data: bytes) -> Translator:
        """A release's compiled catalog (made by :func:`mo_bytes` from a catalog that passed the gate; a
        regional variant's holds its bases' text too, so it is one layer)."""
        if locale == SOURCE_LOCALE:
            return cls(locale, None)
        return cls(locale, read_mo(io.BytesIO(data)))

    def raw(self, message: str, context: str | None) -> str | tuple[str, ...] | None:
        """The published translation of a message as the catalog holds it (plural forms as a tuple), or None;
        not counted as a fallback. A release hashes these to know which leaflets a translation changes; a
        regional variant gives the nearest layer's."""
        for layer in self._layers:
            found = layer.strings.get((message, context))
            if found is not None:
                return found
        return None

    def pgettext(self, context: str | None, message: str) -> str:
        for layer in self._layers:
            found = layer.strings.get((message, context))
            if isinstance(found, str):
                return found
        self._fell_back(context, message)
        return message

    def gettext(self, message: str) -> str:
        return self.pgettext(None, message)

    def npgettext(self, context: str | None, singular: str, plural: str, count: int) -> str:
        for layer in self._layers:
            found = layer.strings.get((singular, context))
            if isinstance(found, tuple):
                index = layer.rule.index(count)
                if 0 <= index < len(found):
                    return found[index]
        self._fell_back(context, singular)
        return singular if count == 1 else plural

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.npgettext(None, singular, plural, count)


def published_catalog(catalog: Catalog, bases: Sequence[Catalog] = ()) -> Catalog:
    """A copy of the catalog holding only its published messages (translated, not fuzzy, every plural form
    filled) and its header: what a release compiles, so the ``.mo`` file serves exactly what the ``.po`` file
    publishes. A regional variant's ``bases`` (nearest first, as :meth:`Translator.load` layers them) fill the
    messages it does not publish itself, so its compiled catalog stands alone: ``en_GB`` has none (its base is
    the English source), ``es_MX`` carries the ``es`` text it falls back to."""
    published = Catalog(locale=catalog.locale, domain=catalog.domain, fuzzy=False)
    published.mime_headers = catalog.mime_headers
    seen: set[Key] = set()
    for layer in (catalog, *bases):
        for message in layer:
            if message.id and is_published(message) and message_key(message) not in seen:
                seen.add(message_key(message))
                published.add(message.id, message.string, context=message.context)
    return published


def mo_bytes(catalog: Catalog, bases: Sequence[Catalog] = ()) -> bytes:
    """The catalog's published messages (and those of its bases, for a regional variant) compiled to GNU
    ``.mo`` bytes (Babel's writer)."""
    buffer = io.BytesIO()
    write_mo(buffer, published_catalog(catalog, bases))
    return buffer.getvalue()
