"""The ``scarleaflets`` command line: parse arguments, call a stage, print, and map errors to exit codes.

Exit codes: 0 when everything is clean, 1 when the content (or another input) has problems, 2 for a usage
error (an unknown option, a bad value, a folder that is not a project), 3 when a send pass was stopped by a
sender or mail server problem (nothing was charged to any patient; run it again once that is fixed). No SQL,
YAML or templates here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from .. import __version__, i18n
from ..checks import CheckReport, run_check
from ..config import Project, open_project
from ..content import load_content
from ..content.readability import measure_topic
from ..errors import ConfigError, ContentError, Problem, ScarleafletsError
from ..i18n import extract_project

if TYPE_CHECKING:
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
        except Exception as exc:
            # The database failed mid-command (a lost server, a locked file). SQLAlchemy is imported only by
            # the commands that use a database, so only then can this be one of its errors.
            errors = sys.modules.get("sqlalchemy.exc")
            if errors is None or not isinstance(exc, errors.SQLAlchemyError):
                raise
            from ..mail.store import database_problem

            raise _Failed(
                f"database error: {database_problem(exc)}; each change is its own transaction, so none is "
                "left half-done: check that the database is reachable, then run the command again (repeating "
                "it is safe)"
            ) from None


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


def _count(number: int, noun: str, plural: str = "") -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {plural or noun + 's'}"


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
    from ..leaflets.build import Selection
    from ..leaflets.build import build as run_build

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


def _mailing(ctx: click.Context, db_url: str | None, today: dt.date) -> Mailing:
    # Imported here: only the mail commands need the mail stage (it loads no PDF engine until it attaches one).
    from ..mail import open_mailing
    from ..mail.store import default_url

    project = _project(ctx)
    return open_mailing(project, db_url or default_url(project.root), today)


def _parse_now(value: str | None) -> dt.datetime:
    if value is None:
        return _now()
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not an ISO 8601 date and time", param_hint="--now") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@cli.command()
@click.argument("email", required=False)
@click.option("--name", default=None, help="The patient's name, as it should appear in the greeting.")
@click.option("--locale", default=None, help="The patient's language (one the brand publishes).")
@click.option("--brand", default=None, help="The clinic's brand id.")
@click.option("--series", default=None, help="The series id (content/series/ID.yaml).")
@click.option("--timezone", default=None, help="The patient's time zone, e.g. Europe/Paris.")
@click.option(
    "--start", type=DATE, default=None, help="First day of the series (default: today, patient's time)."
)
@click.option(
    "--consent-at",
    default=None,
    metavar="ISO8601",
    help="When the patient gave consent, e.g. 2026-11-25T10:30 (without an offset: the patient's time "
    "zone). Required: consent is never assumed, and may not be in the future.",
)
@click.option(
    "--consent-source",
    default=None,
    help="How the patient gave consent (e.g. 'signed consent form'). Required.",
)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Import many patients from a CSV file (columns: email,name,locale,brand,series,timezone,"
    "start_date,consent_at,consent_source).",
)
@DB_OPTION
@click.pass_context
def enroll(
    ctx: click.Context,
    email: str | None,
    name: str | None,
    locale: str | None,
    brand: str | None,
    series: str | None,
    timezone: str | None,
    start: dt.datetime | None,
    consent_at: str | None,
    consent_source: str | None,
    csv_path: Path | None,
    db_url: str | None,
) -> None:
    """Enroll a patient into an email series, or many from a CSV file.

    Every value is checked first: address syntax, a locale the brand publishes, the time zone, the series,
    and consent — when it was given (not in the future) and how, required on the command line, in every CSV
    row and in the API alike. An identical repeat changes nothing, so a CSV file can be imported again safely;
    bad rows are reported with their line and the good ones are imported. After an unsubscribe or an erasure,
    enrolling the address again at that clinic needs consent given after it. Nothing about the patient is
    written to the output.
    """
    from ..mail import EnrollmentRequest

    now = _now()
    mailing = _mailing(ctx, db_url, now.date())
    if csv_path is not None:
        if email is not None:
            raise click.UsageError("give either EMAIL or --csv FILE, not both")
        report = mailing.import_csv(csv_path, now)
        for line, field, error in report.errors:
            click.echo(f"error: {csv_path}:{line}: {field}: {error}", err=True)
        click.echo(
            f"{report.created} enrolled, {report.existing} already enrolled, {len(report.errors)} problems "
            f"in {csv_path}"
        )
        ctx.exit(1 if report.errors else 0)
    missing = [
        n
        for n, v in (
            ("EMAIL", email),
            ("--locale", locale),
            ("--brand", brand),
            ("--series", series),
            ("--timezone", timezone),
            ("--consent-at", consent_at),
            ("--consent-source", consent_source),
        )
        if not v
    ]
    if missing:
        raise click.UsageError(f"missing {', '.join(missing)}")
    try:
        consent = dt.datetime.fromisoformat(consent_at or "")
    except ValueError:
        raise click.BadParameter(
            f"'{consent_at}' is not an ISO 8601 date and time (like 2026-11-25T10:30)",
            param_hint="--consent-at",
        ) from None
    request = EnrollmentRequest(
        email=email or "",
        name=name,
        locale=locale or "",
        brand=brand or "",
        series=series or "",
        timezone=timezone or "",
        start_date=start.date() if start else None,
        consent_at=consent,
        consent_source=consent_source or "",
    )
    enrollment_id, created = mailing.enroll(request, now)
    click.echo(
        f"enrollment {enrollment_id}: {'enrolled' if created else 'already enrolled, nothing changed'}"
    )


def _clinic_options(command: Callable[..., None]) -> Callable[..., None]:
    """--brand ID or --all-brands: every patient-data command acts on one clinic unless told otherwise."""
    command = click.option(
        "--all-brands", is_flag=True, help="Act on every clinic of this installation (only when asked)."
    )(command)
    return click.option("--brand", default=None, metavar="ID", help="The clinic (brand id) to act for.")(
        command
    )


def _chosen_brand(ctx: click.Context, brand: str | None, all_brands: bool) -> str | None:
    """The clinic a patient-data command acts for (None: every clinic, asked for with --all-brands)."""
    from ..brands import brand_files

    if (brand is None) == (not all_brands):
        raise click.UsageError("say which clinic: --brand ID, or --all-brands for every clinic")
    known = sorted(path.stem for path in brand_files(_project(ctx).content_dir))
    if brand is not None and brand not in known:
        raise click.BadParameter(f"unknown brand '{brand}'; brands: {', '.join(known)}", param_hint="--brand")
    return brand


@cli.command()
@click.argument("email")
@_clinic_options
@DB_OPTION
@click.pass_context
def unsubscribe(
    ctx: click.Context, email: str, brand: str | None, all_brands: bool, db_url: str | None
) -> None:
    """Stop every series of this clinic (--brand) for this address; the clinic will not write to it again.

    Unsubscribing is per clinic: other clinics' series go on (--all-brands stops them all). Idempotent.
    Enrolling the address again at this clinic needs consent given after the unsubscribe."""
    clinic = _chosen_brand(ctx, brand, all_brands)
    now = _now()
    count = _mailing(ctx, db_url, now.date()).unsubscribe(email, now, clinic)
    where = f"clinic {clinic}" if clinic else "every clinic"
    click.echo(f"unsubscribed from {where}: {count} active enrollment(s) stopped")


@cli.command()
@click.argument("email")
@_clinic_options
@DB_OPTION
@click.pass_context
def forget(ctx: click.Context, email: str, brand: str | None, all_brands: bool, db_url: str | None) -> None:
    """Erase this patient's personal data at one clinic (--brand): name, address, enrollments, deliveries.

    Only a keyed hash of the address is kept, on that clinic's suppression list, so that the clinic does not
    write to it again by mistake; an address that was not the clinic's patient is left alone entirely.
    --all-brands erases it at every clinic. On SQLite the deleted data is overwritten, not just unlinked.
    """
    clinic = _chosen_brand(ctx, brand, all_brands)
    now = _now()
    count = _mailing(ctx, db_url, now.date()).forget(email, now, clinic)
    if count:
        click.echo(f"erased {count} enrollment(s); only a keyed hash remains on the suppression list")
    else:
        where = f"clinic {clinic}" if clinic else "any clinic"
        click.echo(f"nothing to erase: the address is not a patient of {where}")


@cli.command("send-due")
@click.option(
    "--now",
    "now_text",
    default=None,
    metavar="ISO8601",
    help="Act as if it were this moment (for catching up or testing). Default: the clock.",
)
@TRANSPORT_OPTION
@click.option(
    "--limit",
    type=click.IntRange(1, 100000),
    default=500,
    show_default=True,
    help="Most deliveries to handle in this pass.",
)
@DB_OPTION
@click.pass_context
def send_due(
    ctx: click.Context, now_text: str | None, transport_url: str | None, limit: int, db_url: str | None
) -> None:
    """One pass: send every email that is due now, inside each clinic's send window.

    A patient gets at most one email a day, even after the worker was down. Temporary SMTP failures are
    retried later with backoff; a refusal of the recipient's address fails the delivery and suppresses the
    address. A sender or server problem (connection, login, sender or message refused) stops the pass with
    exit code 3, suppressing nobody and keeping every email due.
    """
    from ..mail.delivery import open_transport

    now = _parse_now(now_text)
    project = _project(ctx)
    mailing = _mailing(ctx, db_url, now.date())
    transport = open_transport(transport_url or project.settings.transport, project.root)
    try:
        report = mailing.send_due(now, transport, worker=f"send-due-{os.getpid()}", limit=limit)
    finally:
        transport.close()
    click.echo(report.summary())
    for (kind, reason), count in sorted(report.reasons.items()):
        click.echo(f"  {count} {'to retry' if kind == 'retry' else 'failed'}: {reason}")
    if report.halted:
        raise _Stopped(_halt_line(report.halted, report.given_back))


def _halt_line(halted: str, given_back: int) -> str:
    return (
        f"sending stopped at {halted}; a sender or mail server problem, not the patients': nobody was "
        f"suppressed and {given_back} email(s) stay due, uncharged"
    )


@cli.command()
@click.option(
    "--every",
    type=click.FloatRange(0.1, 86400),
    default=60,
    show_default=True,
    help="Seconds between passes.",
)
@TRANSPORT_OPTION
@DB_OPTION
@click.pass_context
def worker(ctx: click.Context, every: int, transport_url: str | None, db_url: str | None) -> None:
    """Run send passes forever, ticked by the `schedule` package. Ctrl-C or SIGTERM finishes the message in
    flight, gives back the claims not yet sent, and exits cleanly."""
    import schedule
    import sqlalchemy.exc

    from ..mail.delivery import open_transport
    from ..mail.store import database_problem

    project = _project(ctx)
    mailing = _mailing(ctx, db_url, _now().date())
    transport = open_transport(transport_url or project.settings.transport, project.root)
    stop = {"requested": False}

    def request_stop(signum: int, _frame: Any) -> None:  # noqa: ANN401
        stop["requested"] = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    name = f"worker-{os.getpid()}"

    def tick() -> None:
        try:
            report = mailing.send_due(_now(), transport, worker=name, should_stop=lambda: stop["requested"])
        except sqlalchemy.exc.SQLAlchemyError as exc:
            # A database outage must not end the worker: this pass is lost, the next one tries again, and a
            # claim this pass held is taken over when its lease runs out (a message already handed to the
            # mail server then goes once more, with the same Message-ID).
            click.echo(
                f"database unavailable: {database_problem(exc)}; trying again at the next pass", err=True
            )
            return
        line = f"{_now():%Y-%m-%d %H:%M:%S} pass: {report.summary()}"
        if report.halted:
            click.echo(
                f"{line}; {_halt_line(report.halted, report.given_back)}; trying again at the next pass",
                err=True,
            )
        else:
            click.echo(line)

    scheduler = schedule.Scheduler()
    scheduler.every(every).seconds.do(tick)
    click.echo(f"worker {name} started: a pass every {every:g} s; Ctrl-C to stop")
    try:
        tick()
        while not stop["requested"]:
            scheduler.run_pending()
            time.sleep(min(0.2, every))
    finally:
        transport.close()
    click.echo("worker stopped cleanly")


@cli.command("bounces")
@click.argument("source", metavar="SOURCE")
@click.option(
    "--dry-run", is_flag=True, help="Only print what would happen: change nothing, move no message."
)
@DB_OPTION
@click.pass_context
def bounces_command(ctx: click.Context, source: str, dry_run: bool, db_url: str | None) -> None:
    """Read bounce reports and complaints from the bounce mailbox and act on them.

    SOURCE is maildir://PATH (relative to the project folder, or maildir:///absolute/path) or
    imaps://USER:PASSWORD@HOST[:PORT]/FOLDER (INBOX by default). Every message we send has its own signed
    return path, so each report names the delivery it is about.

    \b
    hard bounce  (the address does not exist; RFC 3464 Action: failed, Status 5.1.x…)
                 -> the address is suppressed for every clinic
    soft bounce  (delayed, a 4.x.x failure, or the message refused as spam or too big)
                 -> recorded only; the emails go on
    complaint    (an RFC 5965 feedback report of type abuse or fraud: "this is spam")
                 -> the address is suppressed for every clinic
    unmatched    (no valid signed return path and no Message-ID of ours for the address it names)
                 -> counted, never acted on

    Processed messages move to the mailbox's "processed" folder, so running this again (from cron, every few
    minutes) never counts one twice. Prints the counts and each distinct reason, never an address.
    """
    from ..mail.bounces import open_source, process

    now = _now()
    project = _project(ctx)
    mailing = _mailing(ctx, db_url, now.date())
    mailbox = open_source(source, project.root)
    try:
        run = process(mailbox, mailing, now, dry_run=dry_run)
    finally:
        mailbox.close()
    click.echo(("dry run, nothing changed: " if dry_run else "") + run.summary())
    for (kind, reason), count in sorted(run.reasons.items()):
        click.echo(f"  {count} {kind}: {reason}")


@cli.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@_clinic_options
@DB_OPTION
@click.pass_context
def mail_status(
    ctx: click.Context, as_json: bool, brand: str | None, all_brands: bool, db_url: str | None
) -> None:
    """Per series and step: how many emails are pending, sent, deferred, failed or cancelled; next due time.
    Then each failing delivery with its last error, and each claimed one with its age (ids, never addresses).
    One clinic's (--brand ID), or every clinic's together (--all-brands)."""
    from ..mail.store import Store, default_url

    clinic = _chosen_brand(ctx, brand, all_brands)
    project = _project(ctx)
    store = Store.open(db_url or default_url(project.root))
    rows = store.status_rows(clinic)
    trouble = store.trouble_rows(clinic)
    counts = store.enrollment_counts(clinic)
    bounces = store.bounce_counts(clinic)
    if as_json:
        payload = {
            "brand": clinic,
            "enrollments": counts,
            "steps": rows,
            "problems": trouble,
            "bounce_reports": bounces,
        }
        click.echo(json.dumps(payload, indent=2, default=str))
        return
    steps: dict[tuple[str, int, str], dict[str, Any]] = {}
    for row in rows:
        item = steps.setdefault((row["series"], row["step_index"], row["step"]), {"next": None})
        item[row["status"]] = row["count"]
        if row["status"] in ("pending", "deferred") and (
            item["next"] is None or row["next_at"] < item["next"]
        ):
            item["next"] = row["next_at"]
    click.echo(
        f"{'series / step':<40} {'pending':>8} {'sent':>6} {'deferred':>9} {'failed':>7}  next due (UTC)"
    )
    for (series_id, index, step), item in steps.items():
        next_due = item["next"].strftime("%Y-%m-%d %H:%M") if item["next"] else "-"
        click.echo(
            f"{series_id + ' / ' + str(index + 1) + ' ' + step:<40} {item.get('pending', 0):>8} "
            f"{item.get('sent', 0):>6} {item.get('deferred', 0):>9} {item.get('failed', 0):>7}  {next_due}"
        )
    click.echo("enrollments: " + (", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "none"))
    if bounces:  # recorded by `scarleaflets bounces`
        click.echo("bounce reports: " + ", ".join(f"{n} {kind}" for kind, n in sorted(bounces.items())))
    _echo_trouble(trouble, _now())


def _echo_trouble(rows: list[dict[str, Any]], now: dt.datetime) -> None:
    """Failing deliveries with their last error, and claims with their age."""
    failing = [r for r in rows if r["status"] != "claimed"]
    claimed = [r for r in rows if r["status"] == "claimed"]
    if failing:
        click.echo("failing deliveries (last error):")
    for row in failing:
        first = row["first_failed_at"].strftime("%Y-%m-%d %H:%M") if row["first_failed_at"] else "-"
        retry = f", next try {row['next_attempt_at']:%Y-%m-%d %H:%M}" if row["status"] == "deferred" else ""
        click.echo(
            f"  {_delivery_name(row)}: {row['status']} after {row['attempts']} attempt(s), first failed "
            f"{first}{retry}: {row['last_error']}"
        )
    if claimed:
        click.echo("claimed deliveries:")
    for row in claimed:
        age = now.replace(tzinfo=None) - row["claimed_at"]
        click.echo(
            f"  {_delivery_name(row)}: claimed by {row['claimed_by'] or '?'} "
            f"{int(age.total_seconds() // 60)} min ago"
        )


def _delivery_name(row: dict[str, Any]) -> str:
    return (
        f"delivery {row['id']} (enrollment {row['enrollment_id']}, "
        f"{row['series']} / {row['step_index'] + 1} {row['step']})"
    )


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
    help="Where the preview gallery finds built leaflets. Default: output/leaflets.",
)
@DB_OPTION
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, leaflets_dir: Path | None, db_url: str | None) -> None:
    """Run the web service: one-click unsubscribe (/u/TOKEN), the enrollment API (/api/…), the staff preview
    gallery (/gallery/) and /healthz.

    It listens on plain HTTP for a reverse proxy in front of it to terminate HTTPS (see docs/web-guide.md).
    It reads the same settings, database and key as the other commands.
    """
    from ..web import serve as run_server

    mailing = _mailing(ctx, db_url, _now().date())
    click.echo(f"serving on http://{host}:{port}/ (put an HTTPS reverse proxy in front); Ctrl-C to stop")
    run_server(mailing, host, port, leaflets_dir)


@cli.command()
@click.option("--start", "start_text", required=True, metavar="ISO8601", help="Simulated starting moment.")
@click.option("--days", type=click.IntRange(1, 400), default=50, show_default=True, help="Days to simulate.")
@click.option(
    "--every-hours",
    type=click.IntRange(1, 24),
    default=1,
    show_default=True,
    help="Simulated hours between passes.",
)
@TRANSPORT_OPTION
@DB_OPTION
@click.pass_context
def simulate(
    ctx: click.Context,
    start_text: str,
    days: int,
    every_hours: int,
    transport_url: str | None,
    db_url: str | None,
) -> None:
    """Run the series in simulated time: a send pass every few simulated hours, for testing and the demo.

    The same passes as `send-due`, with `now` advanced by the simulation instead of the clock.
    """
    from ..mail.delivery import open_transport

    project = _project(ctx)
    start = _parse_now(start_text)
    mailing = _mailing(ctx, db_url, start.date())
    transport = open_transport(transport_url or project.settings.transport, project.root)
    totals = {"sent": 0, "failed": 0, "retried": 0, "stopped": 0}
    try:
        moment = start
        while moment <= start + dt.timedelta(days=days):
            report = mailing.send_due(moment, transport, worker="simulation")
            totals["sent"] += report.sent
            totals["failed"] += report.failed
            totals["retried"] += report.retried
            totals["stopped"] += bool(report.halted)
            moment += dt.timedelta(hours=every_hours)
    finally:
        transport.close()
    click.echo(
        f"simulated {days} days from {start:%Y-%m-%d %H:%M} UTC: {totals['sent']} sent, "
        f"{totals['retried']} retried, {totals['failed']} failed"
        + (f", {totals['stopped']} passes stopped by a sender or server problem" if totals["stopped"] else "")
    )


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
@click.option(
    "--plural-rule",
    type=click.Choice(["keep", "cldr"]),
    default="keep",
    show_default=True,
    help="keep: each catalog keeps the plural rule its Plural-Forms header states. cldr: adopt the installed "
    "Babel's CLDR rule where it differs; the translated plural entries become fuzzy for a translator to review.",
)
@click.pass_context
def i18n_update(ctx: click.Context, locales: tuple[str, ...], plural_rule: i18n.PluralChoice) -> None:
    """Merge locales/messages.pot into the catalogs (all, or the LOCALES named).

    Existing translations are kept; a message whose English changed is marked fuzzy (not published until a
    translator confirms it), with the old English kept as a "#| msgid" comment so PO editors show what
    changed; new messages arrive untranslated. Catalogs are written the way GNU gettext writes them, so
    msgfmt, Poedit and Weblate read them and their own saves give small diffs.

    A catalog's plural rule is its own: a newer Babel whose CLDR data counts a language's plural forms
    differently only causes a warning in `scarleaflets check`. To move a catalog to the CLDR rule on purpose,
    run `scarleaflets i18n update --plural-rule=cldr LOCALE`; until a translator confirms the plural entries
    it marks fuzzy, they fall back to English and the language may be withheld for being incomplete.
    """
    project = _project(ctx)
    for item in i18n.update_locales(project, _locales(project, locales), plural_rule=plural_rule):
        click.echo(f"updated {i18n.shown(project, item.path)}")
        if item.plural_rule is not None:
            click.echo(
                f"  Plural-Forms is now {item.plural_rule.header} (CLDR); "
                f"{_count(item.plural_fuzzy, 'plural entry', 'plural entries')} marked fuzzy for the translator"
            )


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

    Rejects: a catalog that does not parse; a Plural-Forms header that is missing, does not parse or maps a
    count to a form that does not exist; a plural entry with another number of forms than the header's
    nplurals; placeholders missing, renamed or added; markup other than the English's; links or e-mail
    addresses not in the English. Each problem names the .po file and line. A Plural-Forms rule that differs
    from the installed Babel's CLDR rule is a warning only (see `i18n update --plural-rule`).
    """
    project = _project(ctx)
    chosen = _locales(project, locales)
    problems, warnings = i18n.check_locales(project, chosen)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    _fail_on(problems)
    click.echo(f"OK: {_count(len(chosen), 'catalog')} passed the quality gate")


def main() -> None:
    """Entry point of the console script and of ``python -m scarleaflets``."""
    cli.main(prog_name="scarleaflets")


if __name__ == "__main__":  # pragma: no cover
    main()
