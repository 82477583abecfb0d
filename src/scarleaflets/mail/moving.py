"""Moving enrolled patients onto the current release's series (``scarleaflets move-patients``).

A patient follows the series of the release they were enrolled on: a step the current release has is composed
from it, and one it no longer has (renamed, removed, split) from the release they started on (:mod:`.enrolled_on`).
Staff who want patients on the new series move them. What a moved patient still gets is decided by
:func:`plan_move`, without a clock or a database: every step of the new series they have not been sent, except a
step whose every topic they were already taught (by any step of the old series), in the new series' order.
:func:`move_to_current` applies it to a clinic's patients: steps whose day has passed are due at once (the sender
still sends one step a day), and a patient with an email being sent right now is left as they are.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..content.series import Series, Step
from ..signing import email_hash, message_id
from . import drip
from .store import PlannedDelivery

if TYPE_CHECKING:
    from .service import Mailing


@dataclass(frozen=True)
class MovePlan:
    steps: tuple[Step, ...]  # to plan, in the new series' order
    taught: tuple[Step, ...]  # left out: the patient was already taught every topic of each


def taught_topics(done: Collection[str], series: Series | None) -> set[str]:
    """The topics of the steps in ``done``, as ``series`` (the one the patient followed) has them."""
    if series is None:
        return set()
    return {topic for step in series.steps if step.id in done for topic in step.topics}


def plan_move(done: Collection[str], taught: Collection[str], new: Series) -> MovePlan:
    """What a patient who was sent the steps ``done`` and taught the topics ``taught`` still gets of ``new``."""
    plan: list[Step] = []
    skipped: list[Step] = []
    for step in new.steps:
        if step.id in done:
            continue  # the same step, already sent (a step is sent once)
        (skipped if set(step.topics) <= set(taught) else plan).append(step)
    return MovePlan(tuple(plan), tuple(skipped))


@dataclass
class MoveReport:
    """What ``move-patients`` did (or, with ``--dry-run``, would do)."""

    release: str
    moved: int = 0
    unchanged: int = 0  # already on the current release's series
    in_flight: int = 0  # an email of theirs was being sent: left as they were
    planned: int = 0  # emails planned from the new series
    dropped: int = 0  # emails of the old series no longer planned
    taught: int = 0  # steps of the new series left out: the patient was already taught their topics
    skipped: list[str] = field(default_factory=list)  # enrollments that cannot be moved, and why


def move_to_current(
    mailing: Mailing,
    brand_id: str,
    now: dt.datetime,
    *,
    series_id: str | None = None,
    address: str | None = None,
    dry_run: bool = False,
) -> MoveReport:
    """Put the active patients of one clinic (of one series, or one address) on the current release's series.
    With ``dry_run`` nothing is written."""
    report = MoveReport(mailing.release_id)
    brand = mailing.brands[brand_id]
    hashed = email_hash(mailing.secret, address) if address is not None else None

    def ids(enrollment_id: int, step: str) -> str:
        return message_id(mailing.secret, enrollment_id, step, brand.email.sender_domain)

    for patient in mailing.store.movable_enrollments(brand_id, series_id, hashed):
        record = patient.enrollment
        where = f"enrollment {patient.id}"
        if patient.release == mailing.release_id:
            report.unchanged += 1
            continue
        if record.locale not in mailing.published:
            report.skipped.append(f"{where}: language {record.locale!r} not in release {mailing.release_id}")
            continue
        new = mailing.edition(record.locale).series.get(record.series)
        if new is None:
            report.skipped.append(f"{where}: series {record.series!r} not in release {mailing.release_id}")
            continue
        old = mailing.followed_series(patient.release, record.series, record.locale)
        plan = plan_move(patient.done_steps, taught_topics(patient.done_steps, old), new)
        zone = zoneinfo.ZoneInfo(record.timezone)
        window = brand.email.send_window
        planned = [
            PlannedDelivery(
                step.id,
                patient.next_index + index,
                max(now, drip.first_due(record.start_date, step.day, window, zone)),
            )
            for index, step in enumerate(plan.steps)
        ]
        if patient.in_flight or not (
            dry_run or mailing.store.move_enrollment(patient.id, planned, mailing.release_id, ids, now)
        ):
            report.in_flight += 1
            continue
        report.moved += 1
        report.planned += len(planned)
        report.dropped += len(patient.open_steps)
        report.taught += len(plan.taught)
    return report
