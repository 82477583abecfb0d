"""The ``scarleaflets`` command line: parse arguments, call a stage, print, and map errors to exit codes.

Exit codes: 0 when everything is clean, 1 when the content (or another input) has problems, 2 for a usage
error (an unknown option, a bad value, a folder that is not a project). No SQL, YAML or templates here.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import IO, Any

import click

from . import __version__, i18n
from .checks import CheckReport, run_check
from .config import Project, open_project
from .content import load_content
from .errors import ConfigError, ContentError, Problem, ScarleafletsError
from .extract import extract_project
from .readability import measure_topic


class _Failed(click.ClickException):
    """A ScarleafletsError shown as one clear message on stderr, exit code 1, never a traceback."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:  # noqa: ANN401 (click's own signature)
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            raise click.UsageError(str(exc), ctx) from None
        except ScarleafletsError as exc:
            raise _Failed(str(exc)) from None


def _today(value: dt.datetime | None) -> dt.date:
    """The date given with --today, else the real one: the clock is read here and passed down."""
    return value.date() if value is not None else dt.date.today()


DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default="the current folder",
    envvar="SCARLEAFLETS_PROJECT",
    help="Project folder holding content/, locales/, templates/ and scarleaflets.toml.",
)
@click.version_option(__version__, prog_name="scarleaflets")
@click.pass_context
def cli(ctx: click.Context, project_dir: Path) -> None:
    """Patient leaflets and emails about acne marks and scars, from one validated content set.

    Run a command inside a project folder, or point at one with --project. Start with
    `scarleaflets check`, which validates all content and reports problems with file and line.
    """
    ctx.obj = project_dir


def _project(ctx: click.Context) -> Project:
    return open_project(ctx.find_root().obj)


@cli.command()
@click.option(
    "--strict", is_flag=True, help="Also fail when a topic's review is past its next_review_due date."
)
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable JSON report on stdout.")
@click.option(
    "--max-grade",
    type=click.FloatRange(1.0, 18.0),
    default=None,
    help="Highest Flesch–Kincaid grade a topic may read at (default: max_grade in scarleaflets.toml, or 8.0).",
)
@click.option("--today", type=DATE, default=None, help="Check review dates as if today were this date.")
@click.pass_context
def check(
    ctx: click.Context, strict: bool, as_json: bool, max_grade: float | None, today: dt.datetime | None
) -> None:
    """Validate all content and catalogs; report reading level, review dates and translations.

    Every problem in every file is listed with its file, line and place in the file. Exits 0 when all is
    clean, 1 when anything must be fixed before publishing: a content error, a topic that reads above the
    maximum grade, a catalog that fails the translation quality gate, or with --strict an overdue review
    or an out-of-date message template.
    """
    project = _project(ctx)
    report = run_check(project, _today(today), strict=strict, max_grade=max_grade)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        _print_check(report, project)
    ctx.exit(0 if report.ok else 1)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _print_check(report: CheckReport, project: Project) -> None:
    if report.topics:
        click.echo(f"{'topic':<30} {'grade':>5} {'words':>6}  {'review due':<10}  status")
        for item in report.topics:
            review = item.topic.review
            flag = "  OVERDUE" if item.overdue else ""
            marker = " !" if item.readability.grade > report.max_grade else "  "
            click.echo(
                f"{item.topic.id:<30} {item.readability.grade:>5.1f}{marker}{item.readability.words:>5}  "
                f"{review.next_review_due.isoformat():<10}  {review.status}{flag}"
            )
        click.echo()
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


@cli.command()
@click.option("--brand", "brands", multiple=True, metavar="BRAND", help="Build only this brand (repeatable).")
@click.option(
    "--locale", "locales", multiple=True, metavar="LOCALE", help="Build only this locale (repeatable)."
)
@click.option(
    "--topic",
    "topics",
    multiple=True,
    metavar="TOPIC",
    help="Build only this topic, or complete-guide (repeatable).",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes, each with one long-lived renderer. Default: one per core.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder. Default: output/leaflets in the project.",
)
@click.option(
    "--force", is_flag=True, help="Rebuild every leaflet, even those whose inputs have not changed."
)
@click.option(
    "--allow-incomplete",
    is_flag=True,
    help="Also publish locales below min_completeness (missing messages fall back to English).",
)
@click.option("--today", type=DATE, default=None, help="Validate review dates as if today were this date.")
@click.pass_context
def build(
    ctx: click.Context,
    brands: tuple[str, ...],
    locales: tuple[str, ...],
    topics: tuple[str, ...],
    jobs: int | None,
    out_dir: Path | None,
    force: bool,
    allow_incomplete: bool,
    today: dt.datetime | None,
) -> None:
    """Build the PDF leaflets: one per topic plus the complete guide, per brand and locale.

    Writes output/leaflets/BRAND/LOCALE/TOPIC.pdf and output/leaflets/manifest.json (input and output
    hashes, page counts, fallback counts). Everything is validated first; leaflets whose inputs have not
    changed are skipped. A failing leaflet does not stop the others; the command then exits 1.
    A locale below min_completeness is skipped unless named with --locale or --allow-incomplete is given.
    """
    # Imported here: WeasyPrint takes a while to import, and the other commands do not need it.
    from .build import Selection
    from .build import build as run_build

    project = _project(ctx)
    selection = Selection(brands, locales, topics, allow_incomplete)
    bar: Any = None
    show_bar = sys.stderr.isatty()

    def on_plan(count: int) -> None:
        nonlocal bar
        if show_bar and count:
            bar = click.progressbar(length=count, label="Rendering leaflets", file=sys.stderr)
            bar.__enter__()

    def progress(step: int) -> None:
        if bar is not None:
            bar.update(step)

    try:
        result = run_build(
            project,
            _today(today),
            selection,
            out_dir=out_dir,
            workers=jobs,
            force=force,
            progress=progress,
            on_plan=on_plan,
        )
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    for status in result.withheld:
        click.echo(
            f"warning: locale {status.locale} is {status.percent:.1f}% translated, below min_completeness "
            f"{project.settings.min_completeness:g}%: not built (name it with --locale or use --allow-incomplete)",
            err=True,
        )
    for item in result.failed:
        click.echo(f"error: {item.job.relative}: {item.error}", err=True)
    warned = sorted({w for item in result.built for w in item.warnings})
    for warning in warned:
        click.echo(f"warning: WeasyPrint: {warning}", err=True)
    fallbacks: dict[str, int] = {}
    for item in result.built:
        fallbacks[item.job.locale] = max(fallbacks.get(item.job.locale, 0), item.fallbacks)
    pages = sum(item.pages for item in result.built)
    shown_out = i18n.shown(project, result.out_dir)
    click.echo(
        f"{_count(result.planned, 'leaflet')} in {shown_out}: {len(result.built)} built ({pages} pages), "
        f"{len(result.skipped)} unchanged, {len(result.failed)} failed"
    )
    with_fallbacks = {loc: n for loc, n in fallbacks.items() if n}
    if with_fallbacks:
        listed = ", ".join(f"{loc}: {n}" for loc, n in sorted(with_fallbacks.items()))
        click.echo(f"messages shown in English for lack of a translation (most in one leaflet): {listed}")
    if not result.ok:
        click.echo("FAILED: fix the errors above, then run `scarleaflets build` again.", err=True)
        ctx.exit(1)


def _now() -> dt.datetime:
    """The clock, read once here and passed down."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _locales(project: Project, chosen: tuple[str, ...]) -> list[str]:
    available = i18n.discover_locales(project)
    unknown = [code for code in chosen if code not in available]
    if unknown:
        raise click.UsageError(
            f"no catalog for {', '.join(unknown)}; available: {', '.join(available) or 'none'} "
            "(start one with `scarleaflets i18n init LOCALE`)"
        )
    return list(chosen) or available


def _fail_on(problems: list[Problem]) -> None:
    if problems:
        raise ContentError(problems)


@cli.group("i18n")
def i18n_group() -> None:
    """Translation catalogs: extract, init, update, compile, status, check.

    Translators work in standard gettext files, locales/LOCALE/LC_MESSAGES/messages.po, with any PO editor
    (Poedit, Weblate, pybabel). A typical round: `extract` after content or templates change, `update` to
    merge the new English into every catalog (changed texts become fuzzy), translate, then `check` and
    `compile`. See docs/translators-guide.md.
    """


@i18n_group.command("extract")
@click.pass_context
def i18n_extract(ctx: click.Context) -> None:
    """Validate all content, then write locales/messages.pot with every content and template message.

    Uses the project's babel.cfg, the same mapping as `pybabel extract -F babel.cfg -o locales/messages.pot .`
    """
    project = _project(ctx)
    catalog = extract_project(project, _now())
    path = i18n.write_template(project, catalog)
    click.echo(f"wrote {i18n.shown(project, path)}: {_count(len(catalog), 'message')}")


@i18n_group.command("init")
@click.argument("locale")
@click.option(
    "--translated-by",
    default="not recorded",
    show_default=True,
    help="Who or what translates this catalog (a role or a tool, not a person's name), for translation.toml.",
)
@click.pass_context
def i18n_init(ctx: click.Context, locale: str, translated_by: str) -> None:
    """Start a catalog for LOCALE (for example pl, he or pt_BR) from locales/messages.pot.

    Plural rules and text direction come from CLDR, so a new language needs no code change. A
    translation.toml next to the catalog records that the translation awaits review.
    """
    project = _project(ctx)
    path = i18n.init_locale(project, locale, _now(), translated_by)
    click.echo(f"created {i18n.shown(project, path)}; translate it, then run `scarleaflets i18n check`")


@i18n_group.command("update")
@click.argument("locales", nargs=-1)
@click.pass_context
def i18n_update(ctx: click.Context, locales: tuple[str, ...]) -> None:
    """Merge locales/messages.pot into the catalogs (all, or the LOCALES named).

    Existing translations are kept; a message whose English changed is marked fuzzy (not published until a
    translator confirms it); new messages arrive untranslated.
    """
    project = _project(ctx)
    for path in i18n.update_locales(project, _locales(project, locales), _now()):
        click.echo(f"updated {i18n.shown(project, path)}")


@i18n_group.command("compile")
@click.argument("locales", nargs=-1)
@click.pass_context
def i18n_compile(ctx: click.Context, locales: tuple[str, ...]) -> None:
    """Write messages.mo for the catalogs (all, or the LOCALES named) after the quality gate.

    Refuses to write any .mo when a catalog has a problem, and exits 1 listing them all. Fuzzy
    entries are left out.
    """
    project = _project(ctx)
    for path in i18n.compile_locales(project, _locales(project, locales)):
        click.echo(f"compiled {i18n.shown(project, path)}")


@i18n_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.pass_context
def i18n_status(ctx: click.Context, as_json: bool) -> None:
    """Per locale: translated, fuzzy and untranslated messages, completeness, and review status."""
    project = _project(ctx)
    template = i18n.read_template(project)
    statuses = [i18n.locale_status(project, code, template) for code in i18n.discover_locales(project)]
    threshold = project.settings.min_completeness
    if as_json:
        payload = {"min_completeness": threshold, "locales": [s.as_dict() for s in statuses]}
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    click.echo(
        f"{'locale':<8} {'language':<24} {'translated':>12} {'fuzzy':>6} {'missing':>8} {'%':>6}  review"
    )
    for s in statuses:
        review = (
            f"reviewed by {s.manifest.reviewed_by} on {s.manifest.reviewed_on}"
            if s.manifest.reviewed
            else "draft: awaits review by a qualified medical translator"
        )
        flag = "" if s.percent >= threshold else "  (below threshold: not published)"
        problems = f"  {_count(s.problems, 'problem')}: run `scarleaflets i18n check`" if s.problems else ""
        click.echo(
            f"{s.locale:<8} {s.native_name[:24]:<24} {s.translated:>5}/{s.total:<6} {s.fuzzy:>6} "
            f"{s.untranslated:>8} {s.percent:>6.1f}  {review}{flag}{problems}"
        )


@i18n_group.command("check")
@click.argument("locales", nargs=-1)
@click.pass_context
def i18n_check(ctx: click.Context, locales: tuple[str, ...]) -> None:
    """Run the quality gate on the catalogs (all, or the LOCALES named); exit 1 on any problem.

    Rejects: a catalog that does not parse; placeholders missing, renamed or added; markup other than the
    English's; links or e-mail addresses not in the English; the wrong number of plural forms for the
    language (CLDR). Each problem names the .po file and line.
    """
    project = _project(ctx)
    chosen = _locales(project, locales)
    _fail_on(i18n.check_locales(project, chosen))
    click.echo(f"OK: {_count(len(chosen), 'catalog')} passed the quality gate")


def main() -> None:
    """Entry point of the console script and of ``python -m scarleaflets``."""
    cli.main(prog_name="scarleaflets")


if __name__ == "__main__":  # pragma: no cover
    main()
