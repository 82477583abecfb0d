"""The content commands: ``check`` (every stage validated, reading grades in English and every language with a
validated formula, review dates and catalogs, with exit code 1 on any problem) and ``topics`` (the guide's
topics listed in order, one summary line each).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import click

from ..checks import CheckReport, TopicReport, run_check
from ..config import Project
from ..content import load_content
from ..content.readability import measure_topic
from .app import DATE, _count, _project, _today, cli


@cli.command()
@click.option(
    "--strict", is_flag=True, help="Also fail when a topic's review is past its next_review_due date."
)
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable JSON report on stdout.")
@click.option(
    "--max-grade",
    type=click.FloatRange(1.0, 18.0),
    default=None,
    help="Highest Flesch–Kincaid grade a topic's English may read at (default: max_grade in scarleaflets.toml, or 8.0).",
)
@click.option("--today", type=DATE, default=None, help="Check review dates as if today were this date.")
@click.pass_context
def check(
    ctx: click.Context, strict: bool, as_json: bool, max_grade: float | None, today: dt.datetime | None
) -> None:
    """Validate all content and catalogs; report reading level, review dates, sign-off and translations.

    Every problem in every file is listed with its file, line and place in the file. Exits 0 when all is
    clean, 1 when anything must be fixed before publishing: a content error, a topic that reads above the
    maximum grade, a catalog that fails the translation quality gate, or with --strict an overdue review
    or an out-of-date message template.

    Reading level is shown per topic and language: the Flesch–Kincaid grade of the English, and the
    validated formula of each translated language (INFLESZ or Fernández-Huerta for Spanish, Kandel–Moles for
    French, Wiener Sachtextformel for German, Gulpease for Italian, Oborneva for Russian, Martins' Flesch
    for Portuguese), with the targets of [readability] in scarleaflets.toml. A topic that misses its target
    names its hardest sentences by file and line; in a translation that is a warning unless on_failure =
    "error". Every sentence of more than 25 words (long_sentence_words) is a warning.

    Sign-off: a topic is approved when content/approvals.toml holds a clinician's approval that matches its
    English (see `scarleaflets approve`); an approval the English no longer matches is a warning, and so is a
    YAML review.status that disagrees with the record (the record decides what the page shows).
    """
    project = _project(ctx)
    report = run_check(project, _today(today), strict=strict, max_grade=max_grade)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        _print_check(report, project)
    ctx.exit(0 if report.ok else 1)


def _print_check(report: CheckReport, project: Project) -> None:
    if report.topics:
        click.echo(f"{'topic':<30} {'grade':>5} {'words':>6}  {'review due':<10}  status")
        for item in report.topics:
            review = item.topic.review
            flag = "  OVERDUE" if item.overdue else ""
            marker = " !" if item.readability.grade > report.max_grade else "  "
            click.echo(
                f"{item.topic.id:<30} {item.readability.grade:>5.1f}{marker}{item.readability.words:>5}  "
                f"{review.next_review_due.isoformat():<10}  {_status(item)}{flag}"
            )
        click.echo()
    _print_readability(report)
    if report.locales:
        click.echo(f"{'locale':<8} {'language':<22} {'translated':>10}  review")
        for status in report.locales:
            state = "reviewed" if status.manifest.reviewed else "draft, awaits medical translator review"
            click.echo(f"{status.locale:<8} {status.native_name[:22]:<22} {status.percent:>9.1f}%  {state}")
        click.echo()
    for problem in report.warnings:
        click.echo(f"warning: {problem}", err=True)
    for problem in report.errors:
        click.echo(f"error: {problem}", err=True)
    summary = (
        f"{_count(len(report.topics), 'topic')} checked, maximum grade {report.max_grade:.1f}: "
        f"{_count(len(report.errors), 'error')}, {_count(len(report.warnings), 'warning')}"
    )
    if report.ok:
        click.echo(f"OK: {summary}")
    else:
        click.echo(f"FAILED: {summary}. Fix the errors above, then run `scarleaflets check` again.", err=True)


def _status(item: TopicReport) -> str:
    """What the page shows: approved by a clinician (a record that matches the English), else draft."""
    approval = item.topic.approval
    return "draft" if approval is None else f"approved by {approval.by} on {approval.date.isoformat()}"


def _print_readability(report: CheckReport) -> None:
    """One row per topic, one column per measured language: its score against its target (! = missed)."""
    if not report.topics or len(report.measured) < 2:
        return  # English alone is the grade column above
    columns = [(t.locale, t.description, max(len(t.locale), len(t.description)) + 1) for t in report.measured]
    click.echo(f"{'readability':<30}" + "".join(f"{locale:>{width}}" for locale, _, width in columns))
    click.echo(f"{'':<30}" + "".join(f"{target:>{width}}" for _, target, width in columns))
    for item in report.topics:
        cells = []
        for locale, _, width in columns:
            verdict = item.languages.get(locale)
            if verdict is None or verdict.value is None:
                cells.append(f"{'–':>{width}}")
            else:
                cells.append(f"{verdict.value:>{width - 1}.1f}{' ' if verdict.ok else '!'}")
        click.echo(f"{item.topic.id:<30}" + "".join(cells))
    click.echo(
        "! misses its target: an error in English; in a translation what on_failure in scarleaflets.toml says"
    )
    if report.not_measured:
        click.echo(f"not measured (no validated readability formula): {', '.join(report.not_measured)}")
    click.echo()


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--today", type=DATE, default=None, help="Validate review dates as if today were this date.")
@click.pass_context
def topics(ctx: click.Context, as_json: bool, today: dt.datetime | None) -> None:
    """List every topic in the order of the complete guide, with a one-line summary each.

    The content is validated first; any problem stops the listing (run `scarleaflets check` for the details).
    """
    project = _project(ctx)
    content = load_content(project.root, _today(today))
    rows: list[dict[str, Any]] = []
    for topic in content:
        readability = measure_topic(topic)
        rows.append(
            {
                "id": topic.id,
                "category": topic.category,
                "title": topic.title.text,
                "sections": len(topic.sections),
                "figures": len(topic.figures),
                "questions": len(topic.questions),
                "sources": len(topic.sources),
                "words": readability.words,
                "grade": readability.grade,
                "next_review_due": topic.review.next_review_due.isoformat(),
            }
        )
    if as_json:
        click.echo(
            json.dumps({"guide": content.guide.title.text, "topics": rows}, indent=2, ensure_ascii=False)
        )
        return
    click.echo(f"{content.guide.title.text}: {len(rows)} topics in {len(content.guide.parts)} parts\n")
    for part in content.guide.parts:
        click.echo(part.heading.text)
        for row in (r for r in rows if r["id"] in part.topics):
            click.echo(
                f"  {row['id']:<28} {row['title'][:34]:<34} {row['sections']:>2} sections "
                f"{row['figures']:>2} figures {row['sources']:>2} sources {row['words']:>5} words "
                f"grade {row['grade']:>4.1f}"
            )
    total_words = sum(int(r["words"]) for r in rows)
    click.echo(f"\n{len(rows)} topics, {total_words} words in all.")
