"""What a release is made of, checked piece by piece so that one broken piece holds back only itself.

Fatal (no release at all, every problem listed): the English content (the source of every language), its
reading level, the fonts and their coverage of English. Held back alone, with the reason a release prints:

- a language whose catalog or ``translation.toml`` fails the quality gate, whose fonts lack a glyph it needs,
  or which is translated below ``min_completeness`` (``fr: 98.5% translated < 100%``);
- a brand whose file has a problem (its clinic keeps the previous release's brand and leaflets);
- a series whose file has a problem (the previous release's version of it is kept).

Completeness is measured against the messages the release's content, series and templates ask for, as
``build`` measures it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog

from .. import i18n
from ..brands import Brand, brand_files, clinic_detail_problems, read_brand_file
from ..config import Project
from ..content import ContentSet, load_content
from ..content.readability import measure_topic
from ..content.series import Series, load_series_file, series_files
from ..errors import ConfigError, ContentError, Problem
from ..i18n.locales import SOURCE_LOCALE
from ..leaflets.fonts import FontSet, load_fonts, missing_characters

# The files a release is made from, hashed into its manifest (relative to the project folder).
INPUT_GLOBS = (
    "content/**/*",
    "locales/**/*",
    "templates/**/*",
    "fonts/**/*",
    "scarleaflets.toml",
    "babel.cfg",
)


@dataclass
class Language:
    """One language as the working tree has it, and why it is held back ("" when it is released)."""

    locale: str
    review: i18n.Manifest
    catalog: Catalog | None = None  # the catalog, when it passed the gate
    # A regional variant's base languages with a catalog, nearest first (``es`` for ``es_MX``; none for
    # ``en_GB``, whose base is the English source): it is released only with them.
    bases: tuple[str, ...] = ()
    percent: float = 100.0
    reason: str = ""


@dataclass
class Gathered:
    project: Project
    today: dt.date
    content: ContentSet
    fonts: FontSet
    template: Catalog
    brands: dict[str, Brand]
    series: dict[str, Series]
    languages: dict[str, Language]
    held_brands: dict[str, str] = field(default_factory=dict)  # brand id -> why it is held back
    held_series: dict[str, str] = field(default_factory=dict)  # series id -> why it is held back

    def released(self) -> list[str]:
        return [code for code, language in self.languages.items() if not language.reason]


def input_hashes(project: Project) -> dict[str, str]:
    """Every input file's SHA-256, by path relative to the project folder."""
    root = project.root
    files = {path for pattern in INPUT_GLOBS for path in root.glob(pattern) if path.is_file()}
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(files)
        if not path.name.endswith(".mo")
    }


def gather(project: Project, today: dt.date) -> Gathered:
    """Load and check everything; raise ContentError (every problem listed) only for what stops a release."""
    problems: list[Problem] = []
    content: ContentSet | None = None
    try:
        content = load_content(project.root, today)
    except ContentError as exc:
        problems.extend(exc.problems)
    fonts: FontSet | None = None
    try:
        fonts = load_fonts(project)
    except ConfigError as exc:
        problems.append(Problem("fonts/fonts.toml", 0, "", str(exc).split(": ", 1)[-1]))
    if content is not None:
        problems.extend(_reading_problems(project, content))
    if problems or content is None or fonts is None:
        raise ContentError(problems)
    locales = i18n.discover_locales(project)
    brands, held_brands = _brands(project, locales, content)
    series, held_series = _series(project, content)
    now = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC)
    template = i18n.extract_project(project, now, content, series)
    english = [text for m in template if m.id for text in _strings(m.id)]
    missing = missing_characters(english + _brand_texts(brands, SOURCE_LOCALE), fonts.stack(SOURCE_LOCALE))
    if missing:
        raise ContentError([Problem("content/", 0, "", f"no glyph in the fonts for {_chars(missing)}")])
    languages = {SOURCE_LOCALE: Language(SOURCE_LOCALE, i18n.Manifest("original", "reviewed"))}
    for locale in locales:
        languages[locale] = _language(project, locale, template, fonts, _brand_texts(brands, locale))
    _hold_back_variants(languages)
    return Gathered(
        project, today, content, fonts, template, brands, series, languages, held_brands, held_series
    )


def _hold_back_variants(languages: dict[str, Language]) -> None:
    """A regional variant whose base language is held back is held back with it: its text is the base's
    wherever it does not differ, so it is served from the release in which both were complete."""
    for language in languages.values():
        held = [base for base in language.bases if base not in languages or languages[base].reason]
        if held and not language.reason:
            language.reason = f"{language.locale}: its base language {held[0]} is held back"


def _reading_problems(project: Project, content: ContentSet) -> list[Problem]:
    limit = project.settings.max_grade
    return [
        Problem(
            topic.file,
            topic.title.line,
            "",
            f"reads at US grade {grade:.1f}, above the maximum of {limit:.1f}",
        )
        for topic in content
        if (grade := measure_topic(topic).grade) > limit
    ]


def _first(problems: list[Problem]) -> str:
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{problems[0]}{more}"


def _brands(
    project: Project, locales: list[str], content: ContentSet
) -> tuple[dict[str, Brand], dict[str, str]]:
    """The brands that pass, and why each other one is held back (its file, or a clinic detail the content
    names that it does not give: its leaflets would print the placeholder)."""
    brands: dict[str, Brand] = {}
    held: dict[str, str] = {}
    used = content.clinic_details_used()
    for path in brand_files(project.content_dir):
        problems: list[Problem] = []
        brand = read_brand_file(path, project.root, locales, problems)
        if brand is not None:
            problems = clinic_detail_problems({brand.id: brand}, used)
        if brand is None or problems:
            held[path.stem] = f"{path.stem}: {_first(problems)}"
        else:
            brands[brand.id] = brand
    return brands, held


def _series(project: Project, content: ContentSet) -> tuple[dict[str, Series], dict[str, str]]:
    found: dict[str, Series] = {}
    held: dict[str, str] = {}
    for path in series_files(project.content_dir):
        problems: list[Problem] = []
        series = load_series_file(path, project.root, content, problems)
        if series is None:
            held[path.stem] = f"{path.stem}: {_first(problems)}"
        else:
            found[series.id] = series
    return found, held


def _language(
    project: Project, locale: str, template: Catalog, fonts: FontSet, brand_texts: list[str]
) -> Language:
    """One language through the gate: its catalog, its translation record, its glyphs, its completeness."""
    problems: list[Problem] = []
    review = i18n.locale_manifest(project, locale, problems)
    bases = tuple(code for code in i18n.fallback_locales(project, locale) if code != SOURCE_LOCALE)
    language = Language(locale, review, bases=bases)
    loaded = i18n.read_catalog(project, locale)
    problems = loaded.problems + problems
    if problems or loaded.catalog is None:
        language.reason = f"{locale}: fails the translation quality gate: {_first(problems)}"
        return language
    texts = [text for m in loaded.catalog if m.id and i18n.is_published(m) for text in _strings(m.string)]
    missing = missing_characters(texts + brand_texts, fonts.stack(locale))
    if missing:
        language.reason = f"{locale}: no glyph in its fonts for {_chars(missing)}"
        return language
    status = i18n.locale_status(project, locale, template, loaded)
    language.catalog = loaded.catalog
    language.percent = status.percent
    minimum = project.settings.min_completeness
    if status.percent < minimum:
        language.reason = f"{locale}: {status.percent:g}% translated < {minimum:g}%"
    return language


def _brand_texts(brands: dict[str, Brand], locale: str) -> list[str]:
    return [
        text
        for brand in brands.values()
        if locale in brand.locales
        for text in (
            brand.name,
            *brand.address,
            brand.legal_text(locale),
            brand.phone,
            brand.website,
            *brand.clinic_details(locale).values(),
        )
    ]


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value or ()] if isinstance(value, list | tuple) else []


def _chars(missing: list[str]) -> str:
    shown = ", ".join(f"'{c}' U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in missing[:5])
    return shown + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")


def shown(project: Project, path: Path) -> str:
    try:
        return path.relative_to(project.root).as_posix()
    except ValueError:
        return path.as_posix()
