"""The ``build`` command: the PDF leaflets per brand, locale and topic, with a progress bar on a terminal and
a summary of what was built, skipped, withheld or failed. The leaflet stage (and WeasyPrint with it) is
imported inside the command, so no other command pays for it.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .. import i18n
from ..config import Project
from .app import DATE, _count, _project, _today, cli

if TYPE_CHECKING:  # the leaflet stage loads WeasyPrint: imported inside the command only
    from ..leaflets.build import BuildResult, JobResult


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
@click.option(
    "--large-print",
    is_flag=True,
    help="Also build the large-print edition of each leaflet (16 pt body, 14 pt notes, or the brand's sizes "
    "if larger), written beside it as TOPIC-large-print.pdf.",
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
    large_print: bool,
    today: dt.datetime | None,
) -> None:
    """Build preview PDF leaflets from the working files: one per topic plus the complete guide, per brand and
    locale. Every page says "Preview — not a released leaflet"; the leaflets patients receive come from
    `scarleaflets release`.

    Writes output/leaflets/BRAND/LOCALE/TOPIC.pdf and output/leaflets/manifest.json (input and output
    hashes, page counts, fallback counts); with --large-print also BRAND/LOCALE/TOPIC-large-print.pdf.
    Body text is 12 pt and no note is under 10 pt, unless the brand file's `type` asks for more. Everything is validated first; leaflets whose inputs have not
    changed are skipped. A failing leaflet does not stop the others; the command then exits 1.
    A locale below min_completeness is skipped unless named with --locale or --allow-incomplete is given.
    """
    # Imported here: WeasyPrint takes a while to import, and the other commands do not need it.
    from ..leaflets.build import Selection
    from ..leaflets.build import build as run_build

    project = _project(ctx)
    selection = Selection(brands, locales, topics, allow_incomplete, large_print)
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
    _report(project, result)
    if not result.ok:
        click.echo("FAILED: fix the errors above, then run `scarleaflets build` again.", err=True)
        ctx.exit(1)


def _report(project: Project, result: BuildResult) -> None:
    """What was withheld, failed, warned and found, and the summary line."""
    for status in result.withheld:
        click.echo(
            f"warning: locale {status.locale} is {status.percent:.1f}% translated, below min_completeness "
            f"{project.settings.min_completeness:g}%: not built (name it with --locale or use --allow-incomplete)",
            err=True,
        )
    for item in result.failed:
        click.echo(f"error: {item.job.relative}: {item.error}", err=True)
    _warnings(result.built)
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


def _warnings(built: list[JobResult]) -> None:
    """WeasyPrint's warnings (once each), then what the audit found in each leaflet (:mod:`..leaflets.audit`)."""
    for warning in sorted({w for item in built for w in item.warnings}):
        click.echo(f"warning: WeasyPrint: {warning}", err=True)
    for item in built:
        for finding in item.findings:
            click.echo(f"warning: {item.job.relative}: {finding}", err=True)
