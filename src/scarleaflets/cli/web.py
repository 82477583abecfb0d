"""The ``serve`` command: the web service (public leaflet pages, unsubscribe, enrollment API, staff preview
gallery, health) on plain HTTP behind an HTTPS reverse proxy, with the same settings, database and key as the
other commands.
"""

from __future__ import annotations

from pathlib import Path

import click

from .app import DB_OPTION, _mailing, cli


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8080, show_default=True, help="Port to listen on."
)
@click.option(
    "--leaflets",
    "leaflets_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Show the leaflets built by `scarleaflets build` in DIR (previews) in the gallery and as the leaflet "
    "pages' PDFs, instead of the "
    "current release's.",
)
@DB_OPTION
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, leaflets_dir: Path | None, db_url: str | None) -> None:
    """Run the web service: the public leaflet pages (/leaflets/BRAND/LOCALE/TOPIC, with .pdf for the PDF),
    one-click unsubscribe (/u/TOKEN), the enrollment API (/api/…), the staff preview gallery (/gallery/) and
    /healthz.

    It listens on plain HTTP for a reverse proxy in front of it to terminate HTTPS (see docs/web-guide.md).
    It reads the same settings, database and key as the other commands, and serves the current release
    (`scarleaflets release` makes one), and moves to a new current release (after `release` or `releases use N`)
    on its next request, without a restart.
    """
    from ..web import serve as run_server

    mailing = _mailing(ctx, db_url)
    click.echo(f"serving on http://{host}:{port}/ (put an HTTPS reverse proxy in front); Ctrl-C to stop")
    run_server(mailing, host, port, leaflets_dir)
