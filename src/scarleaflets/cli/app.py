"""The ``cli`` group and what every command group shares: the project option, the error-to-exit-code mapping
(0 clean, 1 problems in the content or another input, 2 a usage error, 3 a send pass stopped by a sender or
mail server problem), the clock (read once here and passed down), the --db and --transport options, the
clinic choice of patient-data commands, and ``main``, the console script's entry point.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from .. import __version__
from ..config import Project, open_project
from ..errors import ConfigError, ContentError, Problem, ScarleafletsError

if TYPE_CHECKING:
    from sqlalchemy.exc import SQLAlchemyError

    from ..mail import Mailing


class _Failed(click.ClickException):
    """A ScarleafletsError shown as one clear message on stderr, exit code 1, never a traceback."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class _Stopped(_Failed):
    """A send pass stopped by a sender or mail server problem: exit code 3."""

    exit_code = 3


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:  # noqa: ANN401 (click's own signature)
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            raise click.UsageError(str(exc), ctx) from None
        except ScarleafletsError as exc:
            raise _Failed(str(exc)) from None
        except _database_errors() as exc:  # the database failed mid-command (a lost server, a locked file)
            from ..mail.store import database_problem

            raise _Failed(
                f"database error: {database_problem(exc)}; each change is its own transaction, so none is "
                "left half-done: check that the database is reachable, then run the command again (repeating "
                "it is safe)"
            ) from None


def _database_errors() -> tuple[type[SQLAlchemyError], ...]:
    """SQLAlchemy's error class once a command has loaded SQLAlchemy, else none: only the commands that use a
    database import it, and the others need not pay for importing it to name the class."""
    errors = sys.modules.get("sqlalchemy.exc")
    return () if errors is None else (errors.SQLAlchemyError,)


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
    `scarleaflets check`, which validates all content and reports problems with file and line;
    `scarleaflets release` then publishes what the sender and the web service use.
    """
    ctx.obj = project_dir


def _project(ctx: click.Context) -> Project:
    return open_project(ctx.find_root().obj)


def _count(number: int, noun: str, plural: str = "") -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {plural or noun + 's'}"


DB_OPTION = click.option(
    "--db",
    "db_url",
    envvar="SCARLEAFLETS_DB",
    default=None,
    metavar="URL",
    help="SQLAlchemy database URL (env SCARLEAFLETS_DB). Default: sqlite:///PROJECT/var/scarleaflets.db.",
)
TRANSPORT_OPTION = click.option(
    "--transport",
    "transport_url",
    default=None,
    metavar="URL",
    help="smtp://[user:pass@]host:port[?starttls=true], smtps://host:port or maildir://PATH. "
    "Default: [email] transport in scarleaflets.toml (maildir://output/outbox).",
)


def _mailing(ctx: click.Context, db_url: str | None, *, needs_content: bool = True) -> Mailing:
    """The mail service over the current release (never the working tree); without a release, an error that
    says to run `scarleaflets release`, unless the command needs no content (unsubscribe, forget, bounces)."""
    # Imported here: only the mail commands need the mail stage (it loads no PDF engine).
    from ..mail import open_mailing
    from ..mail.store import default_url

    project = _project(ctx)
    return open_mailing(project, db_url or default_url(project.root), needs_content=needs_content)


def _parse_now(value: str | None) -> dt.datetime:
    if value is None:
        return _now()
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not an ISO 8601 date and time", param_hint="--now") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _clinic_options(command: Callable[..., None]) -> Callable[..., None]:
    """--brand ID or --all-brands: every patient-data command acts on one clinic unless told otherwise."""
    command = click.option(
        "--all-brands", is_flag=True, help="Act on every clinic of this installation (only when asked)."
    )(command)
    return click.option("--brand", default=None, metavar="ID", help="The clinic (brand id) to act for.")(
        command
    )


def _chosen_brand(ctx: click.Context, brand: str | None, all_brands: bool) -> str | None:
    """The clinic a patient-data command acts for (None: every clinic, asked for with --all-brands): one of
    the current release's clinics, or of the working tree's brand files before the first release."""
    from ..brands import brand_files
    from ..releases import NoReleaseError, load_release

    if (brand is None) == (not all_brands):
        raise click.UsageError("say which clinic: --brand ID, or --all-brands for every clinic")
    project = _project(ctx)
    try:
        known = sorted(load_release(project).brands)
    except NoReleaseError:
        known = sorted(path.stem for path in brand_files(project.content_dir))
    if brand is not None and brand not in known:
        raise click.BadParameter(f"unknown brand '{brand}'; brands: {', '.join(known)}", param_hint="--brand")
    return brand


def _now() -> dt.datetime:
    """The clock, read once here and passed down."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _fail_on(problems: list[Problem]) -> None:
    if problems:
        raise ContentError(problems)


def main() -> None:
    """Entry point of the console script and of ``python -m scarleaflets``."""
    cli.main(prog_name="scarleaflets")
