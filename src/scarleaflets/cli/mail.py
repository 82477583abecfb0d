"""The patient-data commands of the mail stage: ``enroll`` (one patient, or many from a CSV file),
``unsubscribe`` and ``forget`` (per clinic, or every clinic with --all-brands) and ``status`` (deliveries per
series and step, failing and claimed ones). The mail stage is imported inside the commands, and loads no PDF
engine.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click

from .app import DATE, DB_OPTION, _chosen_brand, _clinic_options, _mailing, _now, _project, cli


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
    from ..mail import EnrollmentRequest

    now = _now()
    mailing = _mailing(ctx, db_url)
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
