"""The ``approve`` command: a clinician's sign-off of one topic's English, recorded in content/approvals.toml.

The record is bound to a hash of the topic's English as it stands (see
:meth:`~scarleaflets.content.Topic.english_sha256`); ``check`` reports it once the English changes, and the
leaflet is marked DRAFT again until the topic is approved anew.
"""

from __future__ import annotations

import datetime as dt

import click

from ..content import Approval, approval_date, approvals_path, load_content, signer_field, write_approvals
from .app import DATE, _project, _today, cli


@cli.command()
@click.argument("topic")
@click.option("--by", "by", required=True, metavar="NAME", help="The approving clinician's name, as printed.")
@click.option(
    "--role", required=True, metavar="ROLE", help="Their role, as printed (e.g. 'Consultant dermatologist')."
)
@click.option(
    "--date", type=DATE, default=None, help="The day of the approval (default: today; never later)."
)
@click.option("--today", type=DATE, default=None, hidden=True, help="Act as if today were this date.")
@click.pass_context
def approve(
    ctx: click.Context, topic: str, by: str, role: str, date: dt.datetime | None, today: dt.datetime | None
) -> None:
    """Record that a clinician approved TOPIC's English as it stands now.

    Run it only on the clinician's word, after they have read the topic (its texts and sources). The record in
    content/approvals.toml names them, their role and the day, and holds a hash of the topic's English texts
    and sources (not of the YAML's layout or comments). Any later change of wording voids it: `scarleaflets
    check` says so, and the topic's leaflet (and the complete guide) carries the DRAFT marking on every page
    until the topic is approved again. An approved leaflet prints "Approved by NAME (ROLE) on DATE".
    Approving a topic again replaces its record.
    """
    project = _project(ctx)
    now = _today(today)
    name = signer_field(by, "--by")
    title = signer_field(role, "--role")
    day = approval_date(date.date() if date else now, now)
    content = load_content(project.root, now)
    if topic not in content.topics:
        raise click.BadParameter(
            f"no topic '{topic}'; topics: {', '.join(content.topics)}", param_hint="TOPIC"
        )
    chosen = content.topics[topic]
    record = Approval(topic, name, title, day, chosen.english_sha256())
    path = approvals_path(project.content_dir)
    previous = content.approvals.get(topic)
    write_approvals(path, {**content.approvals, topic: record})
    shown = path.relative_to(project.root).as_posix()
    click.echo(
        f"recorded in {shown}: {topic} ({chosen.file}) approved by {name} ({title}) on {day.isoformat()}, "
        f"bound to the English as it stands (sha256 {record.sha256[:12]}…)"
    )
    if previous is not None:
        click.echo(f"replaces the approval by {previous.by} on {previous.date.isoformat()}")
