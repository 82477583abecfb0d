"""``scarleaflets check``: validate everything, measure reading level, watch review dates.

The report is computed from the loaded content and an explicit ``today``; printing it and choosing the exit
code belong to the command line. Later stages (catalogs, fonts, brands) add their checks here so that one
command tells an editor whether anything stops publication.

Reading level is measured for each topic in English (the Flesch–Kincaid grade, an error above ``max_grade``)
and in every language whose catalog passes the quality gate and that has a validated formula (see
:mod:`scarleaflets.content.readability`); the other languages are listed as not measured.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog

from . import i18n
from .brands import Brand, clinic_detail_problems, load_brands
from .config import Project
from .content import ContentSet, Topic, approvals_path, load_content
from .content.readability import (
    Readability,
    Target,
    Targets,
    measure_topic,
    measure_units,
    resolve_targets,
    topic_units,
)
from .content.readability.length import length_limit, long_sentences
from .content.readability.verdict import Verdict, judge
from .content.series import load_series
from .errors import ConfigError, ContentError, Problem
from .i18n import TranslatedProse, extract_project
from .i18n import approval as signoff
from .i18n.locales import SOURCE_LOCALE
from .leaflets.fonts import load_fonts, missing_characters


@dataclass(frozen=True)
class TopicReport:
    topic: Topic
    readability: Readability
    overdue: bool
    languages: dict[str, Verdict] = field(default_factory=dict)  # by locale, English first

    def as_dict(self) -> dict[str, Any]:
        t = self.topic
        return {
            "id": t.id,
            "title": t.title.text,
            "category": t.category,
            "file": t.file,
            "grade": self.readability.grade,
            "words": self.readability.words,
            "sentences": self.readability.sentences,
            "sections": len(t.sections),
            "figures": len(t.figures),
            "sources": len(t.sources),
            "review": {
                "status": t.review.status,
                "approval": None
                if t.approval is None
                else {"by": t.approval.by, "role": t.approval.role, "date": t.approval.date.isoformat()},
                "reviewed_on": t.review.reviewed_on.isoformat(),
                "next_review_due": t.review.next_review_due.isoformat(),
                "overdue": self.overdue,
            },
            "readability": {locale: verdict.as_dict() for locale, verdict in self.languages.items()},
        }


@dataclass
class CheckReport:
    today: dt.date
    max_grade: float
    strict: bool
    targets: Targets  # each language's readability target, from the settings
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    topics: list[TopicReport] = field(default_factory=list)
    locales: list[i18n.LocaleStatus] = field(default_factory=list)
    measured: list[Target] = field(default_factory=list)  # the languages measured, English first
    not_measured: list[str] = field(default_factory=list)  # locales without a validated formula

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "strict": self.strict,
            "today": self.today.isoformat(),
            "max_grade": self.max_grade,
            "errors": [p.as_dict() for p in self.errors],
            "warnings": [p.as_dict() for p in self.warnings],
            "topics": [t.as_dict() for t in self.topics],
            "locales": [s.as_dict() for s in self.locales],
            "readability": self._readability(),
        }

    def _readability(self) -> dict[str, Any]:
        return {
            "long_sentence_words": self.targets.settings.long_sentence_words,
            "languages": {
                t.locale: {
                    "formula": t.formula.id,
                    "name": t.formula.name,
                    "scale": t.formula.scale,
                    "min_score" if t.formula.scale == "ease" else "max_grade": t.limit,
                    "on_failure": t.on_failure,
                }
                for t in self.measured
            },
            "not_measured": self.not_measured,
        }


def run_check(
    project: Project, today: dt.date, *, strict: bool, max_grade: float | None = None
) -> CheckReport:
    """Check everything; ConfigError (before anything else) when readability settings ask the impossible."""
    limit = project.settings.max_grade if max_grade is None else max_grade
    targets = resolve_targets(project.settings.readability, limit)
    report = CheckReport(today=today, max_grade=limit, strict=strict, targets=targets)
    content: ContentSet | None = None
    try:
        content = load_content(project.root, today)
    except ContentError as exc:
        report.errors.extend(exc.problems)
    brands: dict[str, Brand] = {}
    brand_problems: list[Problem] = []
    try:
        brands = load_brands(project.root, i18n.discover_locales(project))
    except ContentError as exc:
        brand_problems = exc.problems
    if content is not None:
        check_content(content, report, project.root)
        check_approvals(content, report, project)
        check_translated_readability(project, report)
        try:
            load_series(project.root, content)
        except ContentError as exc:
            report.errors.extend(exc.problems)
        report.errors.extend(clinic_detail_problems(brands, content.clinic_details_used()))
    check_catalogs(project, report, content)
    check_catalog_approvals(project, report)
    report.errors.extend(
        brand_problems
    )  # after the catalogs', before the fonts', as the output always had them
    check_fonts(project, report, brands)
    return report


def check_fonts(project: Project, report: CheckReport, brands: dict[str, Brand]) -> None:
    """Every character a leaflet in each locale can print has a glyph in that locale's fonts (no tofu), the
    brands' own texts (name, address, legal text, urgent-help wording) included."""
    try:
        fonts = load_fonts(project)
    except ConfigError as exc:
        report.errors.append(Problem("fonts/fonts.toml", 0, "", str(exc).split(": ", 1)[-1]))
        return
    brand_texts: dict[str, list[str]] = {}
    for brand in brands.values():
        for locale in brand.locales:
            brand_texts.setdefault(locale, []).extend(
                [brand.name, *brand.address, brand.legal_text(locale), brand.phone, brand.website]
            )
            brand_texts[locale].extend(brand.clinic_details(locale).values())
            if locale not in brand.legal:
                report.warnings.append(
                    Problem(
                        brand.file,
                        0,
                        "legal",
                        f"no legal text in {locale}, so its leaflets print the {brand.default_locale} one; "
                        f"add '{locale}: …' under legal",
                    )
                )
    english = list(_english_texts(project))
    for locale in [SOURCE_LOCALE, *i18n.discover_locales(project)]:
        if locale == SOURCE_LOCALE:
            texts, file = english, "content/"
        else:
            loaded = i18n.read_catalog(project, locale)
            if loaded.catalog is None:
                continue  # its parse problem is reported by the catalog check
            texts = [text for m in loaded.catalog if m.id for text in _strings(m.string)] + english
            file = loaded.file
        missing = missing_characters(texts + brand_texts.get(locale, []), fonts.stack(locale))
        if missing:
            shown = ", ".join(f"'{c}' U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in missing[:8])
            more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
            report.errors.append(
                Problem(
                    file,
                    0,
                    "",
                    f"{len(missing)} characters for locale {locale} have no glyph in its fonts "
                    f"({', '.join(f.name for f in fonts.stack(locale))}): {shown}{more}; add a font that covers "
                    "them to fonts/ and fonts/fonts.toml",
                )
            )


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value or ()] if isinstance(value, list | tuple) else []


def _english_texts(project: Project) -> list[str]:
    if not i18n.template_path(project).is_file():
        return []
    return [text for m in i18n.read_template(project) if m.id for text in _strings(m.id)]


def check_catalogs(project: Project, report: CheckReport, content: ContentSet | None) -> None:
    """The translation quality gate on every catalog; with valid content, also an up-to-date template and
    each locale's completeness."""
    locales = i18n.discover_locales(project)
    problems, warnings = i18n.check_locales(project, locales)
    report.errors.extend(problems)
    report.warnings.extend(warnings)
    template_file = i18n.shown(project, i18n.template_path(project))
    if content is None:
        return  # what the leaflets ask for cannot be known until the content is valid
    if not i18n.template_path(project).is_file():
        if locales:
            report.errors.append(
                Problem(
                    template_file,
                    0,
                    "",
                    "missing; run `scarleaflets i18n extract`, then `scarleaflets i18n update`",
                )
            )
        return
    template = i18n.read_template(project)
    now = dt.datetime.combine(report.today, dt.time(), tzinfo=dt.UTC)
    current = extract_project(project, now, content)
    stale = _keys(current) ^ _keys(template)
    if stale:
        added = len(_keys(current) - _keys(template))
        removed = len(_keys(template) - _keys(current))
        problem = Problem(
            template_file,
            0,
            "",
            f"out of date with the content and templates ({added} new, {removed} gone); run "
            "`scarleaflets i18n extract`, then `scarleaflets i18n update`, then translate",
        )
        (report.errors if report.strict else report.warnings).append(problem)
    for status in (i18n.locale_status(project, code, current) for code in locales):
        report.locales.append(status)
        if status.percent < project.settings.min_completeness:
            report.warnings.append(
                Problem(
                    i18n.shown(project, i18n.catalog_path(project, status.locale)),
                    0,
                    "",
                    f"{status.percent:.1f}% translated ({status.fuzzy} fuzzy, {status.untranslated} untranslated), "
                    f"below min_completeness {project.settings.min_completeness:g}%: this locale is not published "
                    "unless asked for explicitly",
                )
            )


def _keys(catalog: Catalog) -> set[tuple[str | None, str]]:
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}


def check_content(content: ContentSet, report: CheckReport, root: Path) -> None:
    """Each topic's English reading grade (an error above the maximum) and its review date."""
    english = report.targets.english
    report.measured.append(english)
    for topic in content:
        readability = measure_topic(topic)
        overdue = topic.review.overdue(report.today)
        item = TopicReport(topic, readability, overdue)
        report.topics.append(item)
        score = measure_units(
            topic_units(topic, _lines(root / topic.file)), english.language, english.formula
        )
        verdict = judge(
            english,
            score,
            report.targets.settings,
            at=(topic.file, topic.title.line),
            value=readability.grade,
            message=f"reads at US grade {readability.grade:.1f}, above the maximum of {report.max_grade:.1f}; "
            "use shorter sentences and simpler words",
        )
        _add(report, item, english.locale, verdict)
        if overdue:
            due = topic.review.next_review_due
            problem = Problem(
                topic.file,
                topic.review.due_line,
                "review.next_review_due",
                f"review was due on {due.isoformat()}; review the topic against its sources and update the dates",
            )
            (report.errors if report.strict else report.warnings).append(problem)


def check_approvals(content: ContentSet, report: CheckReport, project: Project) -> None:
    """Warn of each approval the English no longer matches, and of a YAML ``review.status`` that disagrees
    with the approval record (the record decides what the page shows; the YAML field is informational)."""
    where = approvals_path(project.content_dir).relative_to(project.root).as_posix()
    for topic in content:
        record = content.approvals.get(topic.id)
        if record is not None and topic.approval is None:
            report.warnings.append(
                Problem(
                    where,
                    record.line,
                    topic.id,
                    f"approval by {record.by} on {record.date.isoformat()} no longer matches the English of "
                    f"{topic.file}: changed since; ask for a new sign-off (`scarleaflets approve {topic.id}`)",
                )
            )
        line = topic.key_lines.get("review", 0)
        if topic.review.status == "approved" and topic.approval is None:
            message = "says approved, but no valid approval is recorded; the leaflet is marked DRAFT"
            report.warnings.append(Problem(topic.file, line, "review.status", message))
        elif topic.review.status == "draft" and topic.approval is not None:
            message = f"says draft, but {where} records a valid approval; set status: approved"
            report.warnings.append(Problem(topic.file, line, "review.status", message))


def check_catalog_approvals(project: Project, report: CheckReport) -> None:
    """Warn of each catalog whose approval (locales/LOCALE/approval.toml) it no longer matches."""
    for locale in i18n.discover_locales(project):
        record = signoff.read_approval(project, locale, report.errors)
        if record is None:
            continue
        try:
            changed = signoff.review_diff(record, signoff.catalog_entries(project, locale))
        except (OSError, ValueError):
            continue  # a catalog that does not read is reported by the catalog check
        if changed:
            report.warnings.append(
                Problem(
                    i18n.shown(project, signoff.approval_path(project, locale)),
                    0,
                    "",
                    f"approval by {record.by} on {record.date.isoformat()} no longer matches "
                    f"{i18n.shown(project, i18n.catalog_path(project, locale))}: {len(changed)} messages "
                    f"changed since, so its leaflets and emails say again that the translation awaits review; run "
                    f"`scarleaflets i18n review-diff {locale}` and ask for a new sign-off",
                )
            )


def check_translated_readability(project: Project, report: CheckReport) -> None:
    """Each topic's readability in every language with a validated formula, from its published translations.

    A catalog that fails the quality gate is left out (the catalog check reports it)."""
    for locale in i18n.discover_locales(project):
        target = report.targets.for_locale(locale)
        prose = TranslatedProse.of(i18n.read_catalog(project, locale))
        if target is None:
            report.not_measured.append(locale)
            if prose is not None:
                _long_sentences_only(report, locale, prose)
            continue
        if prose is None:
            continue
        report.measured.append(target)
        for item in report.topics:
            units, missing = prose.units(item.topic)
            score = measure_units(units, target.language, target.formula, missing)
            title = (
                (units[0].file, units[0].line) if units else (prose.file, 0)
            )  # the title's msgstr, if translated
            verdict = judge(target, score, report.targets.settings, at=title, topic=item.topic.id)
            _add(report, item, locale, verdict)


def _long_sentences_only(report: CheckReport, locale: str, prose: TranslatedProse) -> None:
    """In a language no formula measures, each sentence longer than a long English one is still a warning."""
    limit = length_limit(locale, report.targets.settings.long_sentence_words, prose.pairs())
    for item in report.topics:
        units, _ = prose.units(item.topic)
        report.warnings.extend(long_sentences(units, limit))


def _add(report: CheckReport, item: TopicReport, locale: str, verdict: Verdict) -> None:
    item.languages[locale] = verdict
    report.errors.extend(verdict.errors)
    report.warnings.extend(verdict.warnings)


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []  # the content was read a moment ago; without its lines, each text keeps its own line
