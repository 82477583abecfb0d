"""The patient-data commands of the mail stage: ``enroll`` (one patient, or many from a CSV file),
``unsubscribe`` and ``forget`` (per clinic, or every clinic with --all-brands), ``status`` (deliveries per
series and step; failing, blocked and claimed ones) and ``history`` (what one clinic sent one patient). The
mail stage is imported inside the commands, and loads no PDF engine; ``status`` and ``history`` load no content.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click

from .app import DB_OPTION, _chosen_brand, _clinic_options, _mailing, _now, _project, cli


# One option (or the argument) per field of the enrollment record, named like it (``dest``); a test holds the
# two together. The text of each is read as a CSV cell or a JSON value is (``request_from_text``).
@cli.command()
@click.argument("email", required=False)
@click.option("--name", default=None, help="The patient's name, as it should appear in the greeting.")
@click.option("--locale", default=None, help="The patient's language (one the brand publishes).")
@click.option("--brand", default=None, help="The clinic's brand id.")
@click.option("--series", default=None, help="The series id (content/series/ID.yaml).")
@click.option("--timezone", default=None, help="The patient's time zone, e.g. Europe/Paris.")
@click.option(
    "--start",
    "start_date",
    default=None,
    metavar="YYYY-MM-DD",
    help="First day of the series (default: today, patient's time).",
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
def enroll(ctx: click.Context, /, csv_path: Path | None, db_url: str | None, **fields: str | None) -> None:
    """Enroll a patient into an email series, or many from a CSV file.

    Brands, series and languages are those of the current release (`scarleaflets release`); a language held
    back from it is still offered, in the text of the last release in which it was complete, and a language
    that cannot be offered is refused with the reason.

    Every value is checked first: address syntax, a locale the brand publishes, the time zone, the series,
    and consent — when it was given (not in the future) and how, required on the command line, in every CSV
    row and in the API alike. An identical repeat changes nothing, so a CSV file can be imported again safely;
    bad rows are reported with their line and the good ones are imported. After an unsubscribe or an erasure,
    enrolling the address again at that clinic needs consent given after it. Nothing about the patient is
    written to the output.
    """
    from ..mail import request_from_text
    from ..mail.enrollment_requests import REQUIRED

    now = _now()
    mailing = _mailing(ctx, db_url)
    if csv_path is not None:
        if fields["email"] is not None:
            raise click.UsageError("give either EMAIL or --csv FILE, not both")
        report = mailing.import_csv(csv_path, now)
        for line, field, error in report.errors:
            click.echo(f"error: {csv_path}:{line}: {field}: {error}", err=True)
        click.echo(
            f"{report.created} enrolled, {report.existing} already enrolled, {len(report.errors)} problems "
            f"in {csv_path}"
        )
        ctx.exit(1 if report.errors else 0)
    params = {param.name: param for param in ctx.command.params}
    missing = [_label(params[name]) for name in REQUIRED if not fields[name]]
    if missing:
        raise click.UsageError(f"missing {', '.join(missing)}")
    request, unreadable = request_from_text(fields)
    for problem in unreadable:  # a date that cannot be read: a usage error, as for any other option
        raise click.BadParameter(f"'{fields[problem.field]}': {problem.error}", ctx, params[problem.field])
    enrollment_id, created = mailing.enroll(request, now)
    click.echo(
        f"enrollment {enrollment_id}: {'enrolled' if created else 'already enrolled, nothing changed'}"
    )


def _label(param: click.Parameter) -> str:
    """How the usage line names a parameter: EMAIL, --locale."""
    return param.opts[0] if isinstance(param, click.Option) else param.human_readable_name


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
    count = _mailing(ctx, db_url, needs_content=False).unsubscribe(email, now, clinic)
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
    count = _mailing(ctx, db_url, needs_content=False).forget(email, now, clinic)
    if count:
        click.echo(f"erased {count} enrollment(s); only a keyed hash remains on the suppression list")
    else:
        where = f"clinic {clinic}" if clinic else "any clinic"
        click.echo(f"nothing to erase: the address is not a patient of {where}")


@cli.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@_clinic_options
@DB_OPTION
@click.pass_context
def mail_status(
    ctx: click.Context, as_json: bool, brand: str | None, all_brands: bool, db_url: str | None
) -> None:
    """Per series and step: how many emails are pending, sent, deferred, failed or blocked; next due time.
    Then each failing delivery with its last error, each blocked one with the reason (its step, series,
    brand or language is not in the current content: it is tried again until it is), and each claimed one
    with its age (a claim older than 10 minutes belongs to a sender that stopped: the next pass takes it
    over). Ids, never addresses. One clinic's (--brand ID), or every clinic's together (--all-brands)."""
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
        if row["status"] in ("pending", "deferred", "blocked") and (
            item["next"] is None or row["next_at"] < item["next"]
        ):
            item["next"] = row["next_at"]
    labels = {key: f"{key[0]} / {key[1] + 1} {key[2]}" for key in steps}
    width = max([40, *(len(label) + 1 for label in labels.values())])  # long step ids keep the columns
    click.echo(
        f"{'series / step':<{width}} {'pending':>8} {'sent':>6} {'deferred':>9} {'failed':>7} {'blocked':>8}  "
        "next due (UTC)"
    )
    for key, item in steps.items():
        next_due = item["next"].strftime("%Y-%m-%d %H:%M") if item["next"] else "-"
        click.echo(
            f"{labels[key]:<{width}} {item.get('pending', 0):>8} "
            f"{item.get('sent', 0):>6} {item.get('deferred', 0):>9} {item.get('failed', 0):>7} "
            f"{item.get('blocked', 0):>8}  {next_due}"
        )
    click.echo("enrollments: " + (", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "none"))
    if bounces:  # recorded by `scarleaflets bounces`
        click.echo("bounce reports: " + ", ".join(f"{n} {kind}" for kind, n in sorted(bounces.items())))
    _echo_trouble(trouble, _now())


def _echo_trouble(rows: list[dict[str, Any]], now: dt.datetime) -> None:
    """Failing deliveries with their last error, blocked ones with the reason, and claims with their age."""
    failing = [r for r in rows if r["status"] in ("deferred", "failed")]
    blocked = [r for r in rows if r["status"] == "blocked"]
    if failing:
        click.echo("failing deliveries (last error):")
    for row in failing:
        first = row["first_failed_at"].strftime("%Y-%m-%d %H:%M") if row["first_failed_at"] else "-"
        retry = f", next try {row['next_attempt_at']:%Y-%m-%d %H:%M}" if row["status"] == "deferred" else ""
        click.echo(
            f"  {_delivery_name(row)}: {row['status']} after {row['attempts']} attempt(s), first failed "
            f"{first}{retry}: {row['last_error']}"
        )
    if blocked:
        click.echo(
            "blocked deliveries (the content they need is missing; each is tried again until it is back, and "
            "the later emails of its enrollment wait for it):"
        )
    for row in blocked:
        click.echo(
            f"  {_delivery_name(row)}: {row['last_error']}; tried again from "
            f"{row['next_attempt_at']:%Y-%m-%d %H:%M} UTC"
        )
    _echo_claims([r for r in rows if r["status"] == "claimed"], now)


def _echo_claims(rows: list[dict[str, Any]], now: dt.datetime) -> None:
    """Claims with their age. A claim is a lease (CLAIM_LEASE): once it lapses its sender is taken to have
    died, and the next pass of any sender takes the delivery over (or cancels it, when the patient's series
    stopped meanwhile)."""
    from ..mail.store import CLAIM_LEASE

    lease = int(CLAIM_LEASE.total_seconds() // 60)
    if rows:
        click.echo(f"claimed deliveries (held by a sender while it sends; a claim lapses after {lease} min):")
    for row in rows:
        age = now.replace(tzinfo=None) - row["claimed_at"]
        minutes = int(age.total_seconds() // 60)
        lapsed = ""
        if age >= CLAIM_LEASE:
            then = (
                "cancels it (the series stopped)" if row["enrollment_status"] != "active" else "takes it over"
            )
            lapsed = f": lapsed, its sender stopped; the next pass {then}"
        click.echo(
            f"  {_delivery_name(row)}: claimed by {row['claimed_by'] or '?'} {minutes} min ago{lapsed}"
        )


def _delivery_name(row: dict[str, Any]) -> str:
    return (
        f"delivery {row['id']} (enrollment {row['enrollment_id']}, "
        f"{row['series']} / {row['step_index'] + 1} {row['step']})"
    )


@cli.command()
@click.argument("email")
@click.option(
    "--brand", default=None, metavar="ID", help="The clinic (brand id) whose emails to show. Required."
)
@click.option("--json", "as_json", is_flag=True, help="Print the history as JSON.")
@DB_OPTION
@click.pass_context
def history(ctx: click.Context, email: str, brand: str | None, as_json: bool, db_url: str | None) -> None:
    """What one clinic (--brand) sent one patient: every email of every series they were enrolled in.

    \b
    For each email: DATE in the patient's time zone and in UTC, series and step, language, the release it
    was composed from, and its state:
      sent           DATE is when it went to the mail server
      failed: WHY    it will not be sent (DATE: when it first failed)
      to retry: WHY  a temporary failure; DATE is the next try
      blocked: WHY   its step, series, brand or language is not in the current content (DATE: next try)
      pending        DATE is when it is due
      being sent     a sender holds it now (DATE: when it took it)
      suppressed: WHY  not sent: the patient unsubscribed, bounced, complained or was stopped (DATE: when
                     it was due)

    History is per clinic: an address that is not this clinic's patient (another clinic's, or nobody's) is
    shown as unknown. The address itself is never printed.
    """
    from ..mail.store import Store, default_url
    from ..signing import email_hash, load_secret

    if brand is None:
        raise click.UsageError("say which clinic: --brand ID (a history is one clinic's)")
    clinic = _chosen_brand(ctx, brand, False)
    assert clinic is not None
    project = _project(ctx)
    store = Store.open(db_url or default_url(project.root))
    key = email_hash(load_secret(project.root), email)
    enrollments = _history(store.history_rows(key, clinic))
    if as_json:
        click.echo(json.dumps({"brand": clinic, "enrollments": enrollments}, indent=2, default=str))
        return
    if not enrollments:
        erased = store.was_erased(key, clinic)
        click.echo(
            "no emails: the clinic erased this patient's data (only a keyed hash remains)"
            if erased
            else f"no emails: the address is not a patient of clinic {clinic}"
        )
        return
    for enrollment in enrollments:
        click.echo(
            f"enrollment {enrollment['enrollment']}: {enrollment['series']}, started {enrollment['start_date']}, "
            f"time zone {enrollment['timezone']}, {enrollment['status']}"
        )
        click.echo(
            f"  {'date (patient)':<22} {'date (UTC)':<17} {'step':<28} {'lang':<5} {'release':<14} state"
        )
        for item in enrollment["emails"]:
            click.echo(
                f"  {item['date_local']:<22} {item['date_utc']:<17} {item['step']:<28} "
                f"{enrollment['language']:<5} {item['release'] or '-':<14} {item['state']}"
            )


@cli.command("move-patients")
@click.option("--brand", required=True, metavar="ID", help="The clinic (brand id) whose patients to move.")
@click.option("--series", "series_id", default=None, metavar="ID", help="Only the patients of this series.")
@click.option(
    "--email", default=None, metavar="ADDRESS", help="Only this patient (the address is not printed)."
)
@click.option("--dry-run", is_flag=True, help="Say what would change, and change nothing.")
@DB_OPTION
@click.pass_context
def move_patients(
    ctx: click.Context,
    brand: str,
    series_id: str | None,
    email: str | None,
    dry_run: bool,
    db_url: str | None,
) -> None:
    """Move a clinic's enrolled patients onto the current release's email series.

    \b
    A patient follows the series of the release they were enrolled on: each email is composed from the
    current release while its series still has that step, and from the patient's own release when the step
    was renamed or removed since, so a new series never strands anyone. To put patients on the new series
    instead, move them. A moved patient gets every step of the new series they were not sent yet, except a
    step whose topics they were all taught already; steps whose day has passed go first, one a day, inside
    the clinic's send window. Emails already sent stay in `history`. A patient with an email being sent right
    now is left as they are: run the command again.

    \b
    Examples:
      scarleaflets move-patients --brand riverside --dry-run
      scarleaflets move-patients --brand riverside --series acne-education
      scarleaflets move-patients --brand riverside --email patient@example.org
    """
    clinic = _chosen_brand(ctx, brand, False)
    assert clinic is not None
    from ..mail.moving import move_to_current

    mailing = _mailing(ctx, db_url)
    report = move_to_current(mailing, clinic, _now(), series_id=series_id, address=email, dry_run=dry_run)
    verb = "would move" if dry_run else "moved"
    click.echo(
        f"{verb} {report.moved} patient(s) of {clinic} to the series of release {report.release}: "
        f"{report.planned} email(s) planned from it, {report.dropped} of the old series no longer planned, "
        f"{report.taught} step(s) left out as already taught"
    )
    if report.unchanged:
        click.echo(f"{report.unchanged} patient(s) already on release {report.release}: unchanged")
    if report.in_flight:
        click.echo(
            f"{report.in_flight} patient(s) with an email being sent right now: unchanged, run this again"
        )
    for reason in report.skipped:
        click.echo(f"not moved: {reason}", err=True)


def _history(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The store's rows grouped by enrollment, each email with its date (patient's zone and UTC) and state."""
    import zoneinfo

    grouped: dict[int, dict[str, Any]] = {}
    for row in rows:
        zone = zoneinfo.ZoneInfo(row["timezone"])
        enrollment = grouped.setdefault(
            row["enrollment_id"],
            {
                "enrollment": row["enrollment_id"],
                "series": row["series"],
                "language": row["locale"],
                "timezone": row["timezone"],
                "start_date": row["start_date"].isoformat(),
                "status": row["enrollment_status"],
                "emails": [],
            },
        )
        state, when = _email_state(row)
        moment = when.replace(tzinfo=dt.UTC)
        enrollment["emails"].append(
            {
                "delivery": row["id"],
                "step": f"{row['step_index'] + 1} {row['step']}",
                "status": row["status"],
                "state": state,
                "date_local": f"{moment.astimezone(zone):%Y-%m-%d %H:%M %Z}",
                "date_utc": f"{moment:%Y-%m-%d %H:%M}",
                "release": row["release"],
            }
        )
    return list(grouped.values())


def _email_state(row: dict[str, Any]) -> tuple[str, dt.datetime]:
    """What became of one email, in words, and the moment its date shows (naive UTC, as stored)."""
    reason = row["last_error"] or ""
    status = row["status"]
    if status == "sent":
        return "sent", row["sent_at"]
    if status == "failed":
        return f"failed: {reason}", row["first_failed_at"] or row["due_at"]
    if status == "deferred":
        return f"to retry: {reason}", row["next_attempt_at"]
    if status == "blocked":
        return reason, row["next_attempt_at"]  # the reason starts with "blocked: "
    if status == "claimed":
        return "being sent", row["claimed_at"]
    if status == "cancelled":
        return f"suppressed: {reason or row['enrollment_status']}", row["due_at"]
    return status, row["next_attempt_at"]  # pending
