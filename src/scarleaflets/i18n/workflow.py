"""The catalog commands: start a locale, merge the template in, check, and compile.

These back ``scarleaflets i18n init``, ``update``, ``check`` and ``compile``. Every catalog is written as
GNU gettext writes it (:mod:`.pofile`), through an atomic write; a catalog that fails the quality gate is
never merged or compiled, and the error lists every problem with its file and line.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from ..config import Project
from ..errors import ContentError, Problem, ScarleafletsError
from ..output import atomic_write
from .catalogs import DOMAIN, catalog_path, po_bytes, read_catalog, read_template, shown
from .locales import PLURAL_SAMPLE, LocaleInfo, PluralRule
from .manifest import MANIFEST, draft_manifest, read_manifest
from .pofile import read_po
from .regional import describe_chain, fallback_locales, fuzzy_overrides


def init_locale(project: Project, locale: str, now: dt.datetime, translated_by: str) -> Path:
    """Start a catalog for a new locale from the template, with its CLDR plural rules and a draft manifest."""
    info = LocaleInfo(locale)
    _ = info.locale  # raises UnknownLocale with advice
    path = catalog_path(project, locale)
    if path.exists():
        raise ScarleafletsError(f"{shown(project, path)} exists already; use `scarleaflets i18n update`")
    template = read_template(project)
    catalog = read_po(po_bytes(template), locale=locale, domain=DOMAIN)
    catalog.locale = info.locale
    catalog.mime_headers = [("Plural-Forms", info.cldr_plural.header)]  # from here on, the catalog's own rule
    catalog.revision_date = now
    catalog.fuzzy = False
    catalog.language_team = f"{info.english_name} <translations@scarleaflets.example.org>"
    catalog.last_translator = f"{translated_by} <translations@scarleaflets.example.org>"
    atomic_write(path, po_bytes(catalog))
    manifest = project.locales_dir / locale / MANIFEST
    if not manifest.exists():
        atomic_write(manifest, draft_manifest(translated_by))
    return path


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
        atomic_write(item.path, po_bytes(item.catalog))
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
    """The quality gate on each catalog and its translation.toml: (problems, warnings).

    A regional variant's fuzzy texts are a warning: they fall back to its base, so the variant stays complete
    and published while readers get the base's wording (US spelling, for ``en_GB``) until they are reviewed."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for locale in locales:
        loaded = read_catalog(project, locale)
        problems.extend(loaded.problems)
        warnings.extend(loaded.warnings)
        read_manifest(project, locale, problems)
        chain = fallback_locales(project, locale)
        fuzzy = fuzzy_overrides(loaded.catalog) if chain and loaded.catalog is not None else 0
        if fuzzy:
            warnings.append(
                Problem(
                    loaded.file,
                    0,
                    "",
                    f"{fuzzy} fuzzy {'text' if fuzzy == 1 else 'texts'} of this regional variant "
                    f"{'falls' if fuzzy == 1 else 'fall'} back to {describe_chain(chain)} until a translator "
                    f"reviews {'it' if fuzzy == 1 else 'them'} and removes the fuzzy flag",
                )
            )
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
