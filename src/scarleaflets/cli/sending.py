"""The sending commands: ``send-due`` (one pass), ``worker`` (passes forever until Ctrl-C or SIGTERM),
``bounces`` (bounce reports and complaints read and acted on) and ``simulate`` (passes in simulated time). A
pass stopped by a sender or mail server problem exits 3; the mail stage is imported inside the commands. A
worker outlives anything one pass meets: a delivery's own failure is recorded on it by the pass, and a pass that
fails as a whole (the database down) is one line on stderr, then the next pass tries again.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import time
from typing import TYPE_CHECKING, Any

import click

from ..errors import ScarleafletsError
from .app import DB_OPTION, TRANSPORT_OPTION, _mailing, _now, _parse_now, _project, _Stopped, cli

if TYPE_CHECKING:
    from ..mail import PassReport

# How each kind of reason is introduced below a pass's summary line.
_REASON_LABELS = {"retry": "to retry", "failed": "failed", "blocked": "blocked"}


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
    """One pass: send every email that is due now, inside each clinic's send window, composed from the current
    release (never from the working files; `scarleaflets release` makes one).

    A patient gets at most one email a day, even after the worker was down. Temporary SMTP failures are
    retried later with backoff; a refusal of the recipient's address fails the delivery and suppresses the
    address. A sender or server problem (connection, login, sender or message refused) stops the pass with
    exit code 3, suppressing nobody and keeping every email due. An email whose step, series, brand or
    language is not in the current release is blocked: it waits, uncharged, with the reason shown by
    `status`, and is tried again every 15 minutes; the patient's other emails wait for it, in order.
    """
    from ..idle import IDLE_SUMMARY, nothing_due
    from ..releases import load_release

    now = _parse_now(now_text)
    project = _project(ctx)
    if nothing_due(db_url, project.root, now):  # an idle pass loads neither the mail service nor SQLAlchemy
        load_release(project)  # still says so when there is no release to send from
        click.echo(IDLE_SUMMARY)
        return
    from ..mail.delivery import open_transport

    mailing = _mailing(ctx, db_url)
    transport = open_transport(transport_url or project.settings.transport, project.root)
    try:
        report = mailing.send_due(now, transport, worker=f"send-due-{os.getpid()}", limit=limit)
    finally:
        transport.close()
    click.echo(report.summary())
    _echo_reasons(report)
    if report.halted:
        raise _Stopped(_halt_line(report.halted, report.given_back))


def _echo_reasons(report: PassReport) -> None:
    """One line per distinct reason a pass met (failures, retries, blocked emails), most common first."""
    for (kind, reason), count in sorted(
        report.reasons.items(), key=lambda item: (item[0][0], -item[1], item[0][1])
    ):
        click.echo(f"  {count} {_REASON_LABELS.get(kind, kind)}: {reason}")


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
    """Run send passes forever, ticked by the `schedule` package, from the current release: a new release, or
    `scarleaflets releases use N`, is followed from the next pass (an unreadable one is reported and the one
    before kept). Ctrl-C or SIGTERM finishes the message in flight, gives back the claims not yet sent, and
    exits cleanly.

    One line per pass, then one per distinct reason. The worker never stops on its own: an email that cannot
    be composed or sent is recorded as that email's failure (or blocked, when its step, series, brand or
    language is not in the release) and the pass goes on; a pass that fails as a whole, such as the database
    being down, prints one line on stderr and the next pass tries again."""
    import schedule
    import sqlalchemy.exc

    from ..mail.delivery import open_transport
    from ..mail.store import ADDRESS_LIKE, database_problem

    project = _project(ctx)
    mailing = _mailing(ctx, db_url)
    transport = open_transport(transport_url or project.settings.transport, project.root)
    stop = {"requested": False}

    def request_stop(signum: int, _frame: Any) -> None:  # noqa: ANN401
        stop["requested"] = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    name = f"worker-{os.getpid()}"

    def tick() -> None:
        try:
            if (switched := mailing.follow_current(project)) is not None:
                click.echo(f"release {switched} is current: sending from it from now on")
        except ScarleafletsError as exc:
            click.echo(
                f"the current release cannot be read ({exc}); still sending from the one before", err=True
            )
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
        except Exception as exc:  # not one delivery's (those are recorded by the pass): the next pass retries
            text = ADDRESS_LIKE.sub("<address>", (str(exc).strip().splitlines() or [""])[0])
            click.echo(f"pass failed: {type(exc).__name__}: {text}; trying again at the next pass", err=True)
            return
        line = f"{_now():%Y-%m-%d %H:%M:%S} pass: {report.summary()}"
        if report.halted:
            click.echo(
                f"{line}; {_halt_line(report.halted, report.given_back)}; trying again at the next pass",
                err=True,
            )
        else:
            click.echo(line)
        _echo_reasons(report)

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
    mailing = _mailing(ctx, db_url, needs_content=False)
    mailbox = open_source(source, project.root)
    try:
        run = process(mailbox, mailing, now, dry_run=dry_run)
    finally:
        mailbox.close()
    click.echo(("dry run, nothing changed: " if dry_run else "") + run.summary())
    for (kind, reason), count in sorted(run.reasons.items()):
        click.echo(f"  {count} {kind}: {reason}")


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
    mailing = _mailing(ctx, db_url)
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
