"""Each language's readability target: its formula, the score to reach, and whether missing it fails ``check``.

The targets come from ``scarleaflets.toml`` (``[check] max_grade`` for English, one ``[readability.LOCALE]``
table for any other language), and otherwise from each formula's default, a level that patient information
is commonly asked to reach (see :mod:`.formulas` and the content guide). A table for a regional variant
(``pt_BR``) wins over one for its language (``pt``). Settings that name a formula a language does not have,
or give a minimum for a grade (or a maximum for a reading-ease score), are refused with their file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...config import LanguageTarget, OnFailure, ReadabilitySettings
from ...errors import ConfigError
from .formulas import FLESCH_KINCAID, LANGUAGES, Formula, Language, language_of

SOURCE_LANGUAGE = "en"


@dataclass(frozen=True)
class Target:
    locale: str
    language: Language
    formula: Formula
    limit: float
    on_failure: OnFailure

    @property
    def description(self) -> str:
        """``INFLESZ ≥ 55``: the formula's short name and the target."""
        return f"{self.formula.short} {'≥' if self.formula.scale == 'ease' else '≤'} {self.limit:g}"

    def meets(self, value: float) -> bool:
        return self.formula.meets(value, self.limit)


@dataclass(frozen=True)
class Targets:
    settings: ReadabilitySettings
    english: Target
    tables: dict[str, Target] = field(default_factory=dict)

    def for_locale(self, locale: str) -> Target | None:
        """The target of a locale, or None where no formula is validated for its language."""
        if locale == SOURCE_LANGUAGE:
            return self.english
        found = self.tables.get(locale) or self.tables.get(locale.split("_")[0])
        if found is not None:
            return Target(locale, found.language, found.formula, found.limit, found.on_failure)
        language = language_of(locale)
        if language is None:
            return None
        if language.code == SOURCE_LANGUAGE:  # a regional English catalog reads to the English grade
            return Target(
                locale, language, self.english.formula, self.english.limit, self.settings.on_failure
            )
        formula = language.default
        return Target(locale, language, formula, formula.default_target, self.settings.on_failure)


def resolve_targets(settings: ReadabilitySettings, max_grade: float) -> Targets:
    """The targets the settings ask for; ConfigError with file and line for one no formula can meet."""
    english = Target(SOURCE_LANGUAGE, LANGUAGES[SOURCE_LANGUAGE], FLESCH_KINCAID, max_grade, "error")
    tables = {table.locale: _resolve(table, settings) for table in settings.languages}
    return Targets(settings, english, tables)


def _resolve(table: LanguageTarget, settings: ReadabilitySettings) -> Target:
    name = f"[readability.{table.locale}]"
    language = language_of(table.locale)
    if table.locale.split("_")[0] == SOURCE_LANGUAGE:
        raise ConfigError(
            f"{table.at()}: {name}: English, and each regional English catalog, reads to the Flesch–Kincaid "
            "grade of [check] max_grade (or --max-grade); remove this table"
        )
    if language is None:
        measured = ", ".join(code for code in LANGUAGES if code != SOURCE_LANGUAGE)
        raise ConfigError(
            f"{table.at()}: {name}: no readability formula is validated for '{table.locale}' (there is one "
            f"for {measured}); it is reported as not measured, so remove this table"
        )
    formula = language.default if table.formula is None else language.formula(table.formula)
    if formula is None:
        known = ", ".join(f.id for f in language.formulas)
        raise ConfigError(
            f"{table.at('formula')}: {name} formula '{table.formula}' is not one for this language; use "
            f"{'one of ' if len(language.formulas) > 1 else ''}{known}"
        )
    kind = (
        "a reading-ease score (higher is easier)" if formula.scale == "ease" else "a grade (lower is easier)"
    )
    wanted, wrong = (
        ("min_score", table.max_grade) if formula.scale == "ease" else ("max_grade", table.min_score)
    )
    if wrong is not None:
        given = "max_grade" if wanted == "min_score" else "min_score"
        raise ConfigError(f"{table.at(given)}: {name} {formula.name} is {kind}: set {wanted}, not {given}")
    limit = table.min_score if formula.scale == "ease" else table.max_grade
    return Target(
        table.locale,
        language,
        formula,
        formula.default_target if limit is None else limit,
        table.on_failure or settings.on_failure,
    )
