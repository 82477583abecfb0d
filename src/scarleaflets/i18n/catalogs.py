"""Translation catalogs: where they are, and reading them through the quality gate.

Catalogs are standard gettext files, ``locales/<locale>/LC_MESSAGES/messages.po``, made from the template
``locales/messages.pot``; a locale exists because its folder holds a catalog, so adding a language is adding a
``.po`` file. Next to each catalog, ``locales/<locale>/translation.toml`` records who or what translated it and
whether a qualified medical translator has reviewed it (see :mod:`.manifest`).

Unlike ``babel.support.Translations.load``, nothing here falls back silently: a missing or broken catalog is an
error that names the file and line, and :class:`~.translator.Translator` counts every message that falls back
to English. The commands that change catalogs are in :mod:`.workflow`, the counts in :mod:`.status`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError

from ..config import Project
from ..errors import ContentError, Problem, ScarleafletsError
from ..output import atomic_write
from .locales import LocaleInfo, PluralRule, UnknownLocale
from .pofile import read_po, write_po
from .qa import catalog_problems, plural_header, syntax_problems

DOMAIN = "messages"
TEMPLATE = "messages.pot"


def template_path(project: Project) -> Path:
    return project.locales_dir / TEMPLATE


def catalog_path(project: Project, locale: str) -> Path:
    return project.locales_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(project: Project, locale: str) -> Path:
    return catalog_path(project, locale).with_suffix(".mo")


def shown(project: Project, path: Path) -> str:
    try:
        return path.relative_to(project.root).as_posix()
    except ValueError:
        return path.as_posix()


def discover_locales(project: Project) -> list[str]:
    """Every locale whose folder holds a catalog, sorted by code."""
    if not project.locales_dir.is_dir():
        return []
    return sorted(path.parent.parent.name for path in project.locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


@dataclass
class LoadedCatalog:
    locale: str
    path: Path
    file: str
    catalog: Catalog | None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # reported, but never stop publication
    plural_rule: PluralRule | None = None  # the catalog's own, from its Plural-Forms header


def read_catalog(project: Project, locale: str) -> LoadedCatalog:
    """Parse one catalog and run the quality gate; problems are collected, never raised.

    The header's plural rule is checked before Babel reads the file: Babel would otherwise fail on a broken
    rule with a less precise message, or quietly put its CLDR rule in place of a missing one."""
    path = catalog_path(project, locale)
    file = shown(project, path)
    loaded = LoadedCatalog(locale, path, file, None)
    try:
        info = LocaleInfo(locale)
        _ = info.locale
    except UnknownLocale as exc:
        loaded.problems.append(Problem(shown(project, path.parent.parent), 0, "", str(exc)))
        return loaded
    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        loaded.problems.append(
            Problem(file, 0, "", f"not UTF-8 text ({exc.reason}); save the catalog as UTF-8")
        )
        return loaded
    except OSError as exc:
        loaded.problems.append(Problem(file, 0, "", f"cannot be read: {exc.strerror}"))
        return loaded
    lines = text.splitlines()
    loaded.problems.extend(syntax_problems(file, lines))
    if loaded.problems:
        return loaded
    header = plural_header(file, lines, info)
    loaded.problems.extend(header.problems)
    loaded.warnings.extend(header.warnings)
    if header.rule is None:
        return loaded
    loaded.plural_rule = header.rule
    try:
        catalog = read_po(data, locale=locale, domain=DOMAIN, abort_invalid=True)
    except PoFileError as exc:
        reason = re.sub(r" on \d+$", "", str(exc.args[0]))
        loaded.problems.append(Problem(file, exc.lineno + 1, "", f"the catalog does not parse: {reason}"))
        return loaded
    except (ValueError, TypeError) as exc:  # Babel raises these for bad headers (charset, plural forms)
        loaded.problems.append(Problem(file, 0, "", f"the catalog does not parse: {exc}"))
        return loaded
    loaded.catalog = catalog
    loaded.problems.extend(catalog_problems(catalog, file, lines, header.rule))
    return loaded


def read_template(project: Project) -> Catalog:
    path = template_path(project)
    if not path.is_file():
        raise ScarleafletsError(f"{shown(project, path)}: missing; run `scarleaflets i18n extract` first")
    try:
        return read_po(path.read_bytes(), abort_invalid=True)
    except PoFileError as exc:
        raise ContentError([Problem(shown(project, path), exc.lineno + 1, "", str(exc.args[0]))]) from None


def po_bytes(catalog: Catalog) -> bytes:
    """Every catalog and the template are written as GNU gettext writes them (see :mod:`.pofile`)."""
    return write_po(catalog)


def write_template(project: Project, catalog: Catalog) -> Path:
    path = template_path(project)
    atomic_write(path, po_bytes(catalog))
    return path


def message_key(message: Message) -> tuple[str, str | None]:
    ident = message.id if isinstance(message.id, str) else message.id[0]
    return ident, message.context


def is_published(message: Message) -> bool:
    """A message reaches readers only when it is translated and not fuzzy."""
    if message.fuzzy:
        return False
    if isinstance(message.string, str):
        return bool(message.string)
    forms = list(message.string or ())
    return bool(forms) and all(forms)
