"""Translation catalogs: find, read, create, update, check, compile, report status, and translate.

Catalogs are standard gettext files, ``locales/<locale>/LC_MESSAGES/messages.po``, made from the template
``locales/messages.pot``; a locale exists because its folder holds a catalog, so adding a language is adding a
``.po`` file. Next to each catalog, ``locales/<locale>/translation.toml`` records who or what translated it and
whether a qualified medical translator has reviewed it.

Unlike ``babel.support.Translations.load``, nothing here falls back silently: a missing or broken catalog is an
error that names the file and line, and :class:`Translator` counts every message that falls back to English.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError

from .config import Project
from .errors import ContentError, Problem, ScarleafletsError
from .locales import PLURAL_SAMPLE, LocaleInfo, PluralRule, UnknownLocale
from .output import atomic_write
from .pofile import read_po, write_po
from .qa import catalog_problems, plural_header, syntax_problems

DOMAIN = "messages"
TEMPLATE = "messages.pot"
MANIFEST = "translation.toml"
ReviewStatus = Literal["draft", "reviewed"]
MANIFEST_TEMPLATE = """\
# Who or what translated this catalog, and whether a qualified medical translator has reviewed it.
# Leaflets and emails in this language say that the translation awaits review until `status` is "reviewed".
translated_by = {translated_by}
status = "draft"          # draft (awaits review by a qualified medical translator) | reviewed
reviewed_by = ""          # once reviewed: the reviewer's qualification (a role, not a name)
reviewed_on = ""          # once reviewed: YYYY-MM-DD
"""


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


@dataclass(frozen=True)
class Manifest:
    translated_by: str
    status: ReviewStatus
    reviewed_by: str = ""
    reviewed_on: dt.date | None = None
    recorded: bool = True  # False when the locale has no translation.toml yet

    @property
    def reviewed(self) -> bool:
        return self.status == "reviewed"


def read_manifest(project: Project, locale: str, problems: list[Problem]) -> Manifest:
    path = project.locales_dir / locale / MANIFEST
    where = shown(project, path)
    if not path.is_file():
        return Manifest(translated_by="not recorded", status="draft", recorded=False)
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.append(Problem(where, 0, "", f"not valid TOML: {exc}"))
        return Manifest(translated_by="not recorded", status="draft")
    unknown = sorted(set(data) - {"translated_by", "status", "reviewed_by", "reviewed_on"})
    if unknown:
        problems.append(Problem(where, 0, "", f"unknown setting {', '.join(unknown)}"))
    translated_by = str(data.get("translated_by", "")).strip()
    status = data.get("status", "draft")
    reviewed_by = str(data.get("reviewed_by", "")).strip()
    raw_date = data.get("reviewed_on", "")
    reviewed_on: dt.date | None = None
    if not translated_by:
        problems.append(Problem(where, 0, "translated_by", "say who or what translated this catalog"))
    if status not in ("draft", "reviewed"):
        problems.append(Problem(where, 0, "status", f"'{status}' is not allowed; use draft or reviewed"))
        status = "draft"
    if isinstance(raw_date, dt.date):
        reviewed_on = raw_date
    elif raw_date:
        try:
            reviewed_on = dt.date.fromisoformat(str(raw_date))
        except ValueError:
            problems.append(Problem(where, 0, "reviewed_on", f"'{raw_date}' is not a date (YYYY-MM-DD)"))
    if status == "reviewed" and (not reviewed_by or reviewed_on is None):
        problems.append(
            Problem(where, 0, "status", "a reviewed translation needs reviewed_by (a role) and reviewed_on")
        )
        status = "draft"
    return Manifest(translated_by or "not recorded", status, reviewed_by, reviewed_on)


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


def _po_bytes(catalog: Catalog) -> bytes:
    """Every catalog and the template are written as GNU gettext writes them (see :mod:`.pofile`)."""
    return write_po(catalog)


def write_template(project: Project, catalog: Catalog) -> Path:
    path = template_path(project)
    atomic_write(path, _po_bytes(catalog))
    return path


def init_locale(project: Project, locale: str, now: dt.datetime, translated_by: str) -> Path:
    """Start a catalog for a new locale from the template, with its CLDR plural rules and a draft manifest."""
    info = LocaleInfo(locale)
    _ = info.locale  # raises UnknownLocale with advice
    path = catalog_path(project, locale)
    if path.exists():
        raise ScarleafletsError(f"{shown(project, path)} exists already; use `scarleaflets i18n update`")
    template = read_template(project)
    catalog = read_po(_po_bytes(template), locale=locale, domain=DOMAIN)
    catalog.locale = info.locale
    catalog.mime_headers = [("Plural-Forms", info.cldr_plural.header)]  # from here on, the catalog's own rule
    catalog.revision_date = now
    catalog.fuzzy = False
    catalog.language_team = f"{info.english_name} <translations@scarleaflets.example.org>"
    catalog.last_translator = f"{translated_by} <translations@scarleaflets.example.org>"
    atomic_write(path, _po_bytes(catalog))
    manifest = project.locales_dir / locale / MANIFEST
    if not manifest.exists():
        atomic_write(manifest, MANIFEST_TEMPLATE.format(translated_by=_toml_string(translated_by)).encode())
    return path


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


PluralChoice = Literal["keep", "cldr"]


@dataclass(frozen=True)
class Updated:
    path: Path
    plural_rule: PluralRule | None = None  # set when the header was moved to this (CLDR) rule
    plural_fuzzy: int = 0  # plural entries marked fuzzy by that move


def update_locales(
    project: Project, locales: Iterable[str], *, plural_rule: PluralChoice = "keep"
) -> list[Updated]:
    """Merge the template into each catalog: translations are kept, changed English is marked fuzzy.

    Each catalog keeps its own plural rule unless ``plural_rule="cldr"`` asks to adopt the installed Babel's
    CLDR rule: then the header is rewritten and every translated plural entry is re-laid for the new forms
    (each new form starts from the old form used for the same counts) and marked fuzzy, for a translator to
    confirm; until then those entries fall back to English and the locale may drop below min_completeness.
    """
    template = read_template(project)
    problems: list[Problem] = []
    loaded = []
    for locale in locales:
        item = read_catalog(project, locale)
        if item.catalog is None:  # a catalog that does not parse cannot be merged; quality problems can wait
            problems.extend(item.problems)
        loaded.append(item)
    if problems:
        raise ContentError(problems)
    updated: list[Updated] = []
    for item in loaded:
        assert item.catalog is not None
        assert item.plural_rule is not None
        # As msgmerge does: POT-Creation-Date follows the template; PO-Revision-Date stays the translator's;
        # an entry that stays fuzzy keeps its "#| msgid" (Babel's update would drop it).
        previous = {(m.id, m.context): m.previous_id for m in item.catalog if m.fuzzy and m.previous_id}
        item.catalog.update(template, no_fuzzy_matching=False, update_header_comment=False)
        for message in item.catalog:
            if message.fuzzy and not message.previous_id:
                message.previous_id = previous.get((message.id, message.context), [])
        result = Updated(item.path)
        cldr = LocaleInfo(item.locale).cldr_plural
        if plural_rule == "cldr" and not item.plural_rule.same_as(cldr):
            moved = adopt_plural_rule(item.catalog, item.plural_rule, cldr)
            result = Updated(item.path, cldr, moved)
        atomic_write(item.path, _po_bytes(item.catalog))
        updated.append(result)
    return updated


def adopt_plural_rule(catalog: Catalog, old: PluralRule, new: PluralRule) -> int:
    """Give ``catalog`` the plural rule ``new``; returns how many translated plural entries became fuzzy.

    Form ``i`` of the new rule starts as the old form that the old rule chose most often for the counts the
    new rule sends to ``i`` (for Spanish going from 2 to 3 forms, the new "million" form starts as the old
    "other" form), so the translator confirms or corrects a sensible draft rather than starting from nothing.
    """
    catalog.mime_headers = [("Plural-Forms", new.header)]
    votes: dict[int, Counter[int]] = {}
    for n in PLURAL_SAMPLE:
        votes.setdefault(new.index(n), Counter())[old.index(n)] += 1
    # The most frequent old form; on a tie the lower one (the singular-like form comes first in gettext).
    source = {form: min(counted, key=lambda f: (-counted[f], f)) for form, counted in votes.items()}
    moved = 0
    for message in catalog:
        if not message.id or not message.pluralizable:
            continue
        forms = list(message.string) if isinstance(message.string, list | tuple) else [message.string or ""]
        if not any(forms):
            message.string = ("",) * new.count
            continue
        message.string = tuple(
            forms[min(source[i], len(forms) - 1)] if i in source else "" for i in range(new.count)
        )
        message.flags.add("fuzzy")
        moved += 1
    return moved


def check_locales(project: Project, locales: Iterable[str]) -> tuple[list[Problem], list[Problem]]:
    """The quality gate on each catalog and its translation.toml: (problems, warnings)."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for locale in locales:
        loaded = read_catalog(project, locale)
        problems.extend(loaded.problems)
        warnings.extend(loaded.warnings)
        read_manifest(project, locale, problems)
    return problems, warnings


def compile_locales(project: Project, locales: Iterable[str]) -> list[Path]:
    """Write ``messages.mo`` for each catalog that passes the quality gate; refuse all if any fails.

    ``pybabel compile`` writes a ``.mo`` even for a catalog with errors; this refuses, so a tampered or broken
    translation never becomes a compiled catalog. Fuzzy entries are left out of the ``.mo``.
    """
    loaded = [read_catalog(project, locale) for locale in locales]
    problems = [problem for item in loaded for problem in item.problems]
    if problems:
        raise ContentError(problems)
    written: list[Path] = []
    for item in loaded:
        assert item.catalog is not None
        buffer = io.BytesIO()
        write_mo(buffer, item.catalog, use_fuzzy=False)
        target = item.path.with_suffix(".mo")
        atomic_write(target, buffer.getvalue())
        written.append(target)
    return written


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


def _key(message: Message) -> tuple[str, str | None]:
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
    wanted = [_key(m) for m in template if m.id]
    translated = fuzzy = 0
    if loaded.catalog is not None:
        by_key = {_key(m): m for m in loaded.catalog if m.id}
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


class Translator:
    """Translations of one locale for rendering, built from a catalog that passed the quality gate.

    Fuzzy and empty entries are left out, so those messages fall back to English, one message at a time;
    every fallback is counted so the build can report it. Templates get it through
    :func:`scarleaflets.render.translations`, passed to each render, which escapes translations in HTML.
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
                    self._strings[_key(message)] = value if isinstance(value, str) else tuple(value or ())
        self.fallbacks: set[tuple[str | None, str]] = set()

    @classmethod
    def load(cls, project: Project, locale: str) -> Translator:
        """Load a locale's catalog, refusing it (with every problem listed) when it fails the quality gate."""
        if locale == "en":
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

    def pgettext(self, context: str | None, message: str) -> str:
        if self.locale == "en":
            return message
        found = self._strings.get((message, context))
        if isinstance(found, str):
            return found
        self.fallbacks.add((context, message))
        return message

    def gettext(self, message: str) -> str:
        return self.pgettext(None, message)

    def npgettext(self, context: str | None, singular: str, plural: str, count: int) -> str:
        found = self._strings.get((singular, context)) if self.locale != "en" else None
        if isinstance(found, tuple) and self.plural_rule is not None:
            index = self.plural_rule.index(count)
            if 0 <= index < len(found):
                return found[index]
        if self.locale != "en":
            self.fallbacks.add((context, singular))
        return singular if count == 1 else plural

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.npgettext(None, singular, plural, count)


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
