"""The release commands: ``release`` (check the working tree and publish the next numbered release, or make an
earlier one current again with --use) and ``releases`` (list them; ``releases use N`` rolls back or forward).
The release builder (and WeasyPrint with it) is imported inside ``release`` only.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from ..config import Project
from ..errors import Problem
from .app import _count, _fail_on, _now, _project, cli


@cli.command("release")
@click.option(
    "--use",
    "use_number",
    type=click.IntRange(1),
    default=None,
    metavar="N",
    help="Make an earlier release N current again (a rollback) instead of making a new one; the same as "
    "`scarleaflets releases use N`.",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes rendering leaflets. Default: one per core.",
)
@click.option(
    "--require-approval",
    is_flag=True,
    help="Refuse to release unless every topic carries a clinician's approval that still matches its English "
    "(see `scarleaflets approve`); each topic without one is listed.",
)
@click.pass_context
def release(ctx: click.Context, use_number: int | None, jobs: int | None, require_approval: bool) -> None:
    """Publish what the sender and the web service use: check everything, then write the next numbered
    release and make it current.

    Checks the content, brands, series, fonts and every catalog; compiles the catalogs; freezes the content,
    series, brands and templates; renders the leaflets whose inputs changed (the others keep their PDF and
    their version) and writes an immutable folder releases/N/ with manifest.json: every input's hash, the
    tool versions, and every leaflet's reference, version, hash and pages.

    A clinic whose brand file says `large_print: true` also gets the large-print edition of each of its
    leaflets (16 pt body), released beside it as BRAND/LOCALE/TOPIC-large-print.pdf with its own reference
    (SL-TOPIC-LP) and version; its web pages link it.

    \b
    What fails holds back only itself, with its reason printed:
      a language (quality gate, or below min_completeness after an English edit)
        -> keeps being served from the last release in which it was complete;
      a brand or series file -> its last released version is kept.
    Broken English content or fonts stop the release; the current one stays in use.
    Exit 0 when a release was made (even with something held back), 1 when none was.
    """
    project = _project(ctx)
    if use_number is not None:
        from ..releases.make import use

        use(project, use_number)
        click.echo(f"release {use_number} is current")
        return
    if require_approval:
        _refuse_unapproved(project)
    from ..releases.make import make_release

    bar: Any = None

    def on_plan(count: int) -> None:
        nonlocal bar
        if sys.stderr.isatty() and count:
            bar = click.progressbar(length=count, label="Rendering leaflets", file=sys.stderr)
            bar.__enter__()

    try:
        result = make_release(
            project, _now(), workers=jobs, on_plan=on_plan, progress=lambda n: bar.update(n) if bar else None
        )
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    for line in result.warnings:
        click.echo(f"warning: {line}", err=True)
    for entry in result.languages.values():
        if entry.get("held_back"):
            served = entry.get("served_from")
            still = (
                f"still served from release {served}" if served else "not served: never complete in a release"
            )
            click.echo(f"held back: {entry['held_back']} ({still})", err=True)
    for kind, entries in (("brand", result.brands), ("series", result.series)):
        for entry in entries.values():
            if entry.get("held_back"):
                served = entry.get("served_from")
                still = f"release {served}'s version kept" if served else "not in any release"
                click.echo(f"held back: {kind} {entry['held_back']} ({still})", err=True)
    served = [code for code, entry in result.languages.items() if entry.get("served_from") is not None]
    click.echo(
        f"release {result.number} is current: {_count(len(served), 'language')} served, "
        f"{_count(len(result.rendered), 'leaflet')} rendered ({result.pages} pages), {result.reused} unchanged, "
        f"{result.carried} carried over from the release before"
    )


def _refuse_unapproved(project: Project) -> None:
    """Exit 1, listing them, when a topic has no approval that matches its English (nothing is released)."""
    from ..content import load_content

    content = load_content(project.root, _now().date())
    _fail_on(
        [
            Problem(
                topic.file,
                0,
                "approval",
                "no clinician's approval matches its English, and `release --require-approval` needs one for "
                f"every topic: `scarleaflets approve {topic.id} --by NAME --role ROLE` once it is signed off",
            )
            for topic in content
            if not topic.approved
        ]
    )


@cli.group("releases", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@click.pass_context
def releases(ctx: click.Context, as_json: bool) -> None:
    """List the releases, oldest first; the current one (the one the sender and the web service use) is marked
    with *. For each: when it was made, its languages (those held back, with the release their text still
    comes from), and how many leaflets it rendered or reused. `releases use N` makes N current."""
    if ctx.invoked_subcommand is not None:
        return
    from ..releases.layout import releases_dir, summaries

    found = summaries(releases_dir(_project(ctx)))
    if as_json:
        click.echo(json.dumps([vars(item) for item in found], indent=2))
        return
    if not found:
        click.echo("no releases yet: run `scarleaflets release`")
        return
    for item in found:
        carried = ", ".join(f"{code} from {number}" for code, number in sorted(item.carried.items()))
        parts = [_count(len(item.released), "language")]
        if carried:
            parts.append(f"held back: {carried}")
        if item.missing:
            parts.append(f"not served: {', '.join(item.missing)}")
        click.echo(
            f"{'*' if item.current else ' '} {item.number:>3}  {item.created}  {'; '.join(parts)}; "
            f"leaflets: {item.rendered} rendered, {item.reused} reused"
        )


@releases.command("use")
@click.argument("number", type=click.IntRange(1))
@click.pass_context
def releases_use(ctx: click.Context, number: int) -> None:
    """Make release NUMBER current: the sender and the web service use it from their next start or pass.
    Nothing is rebuilt; every release stays as it was written, so this undoes itself with another `use`."""
    from ..releases.make import use

    use(_project(ctx), number)
    click.echo(f"release {number} is current")
