"""Pure scheduling for the email series: enrollments, what was sent and ``now`` in, decisions out.

No I/O and no clock: every function takes the moment it reasons about. Times are aware datetimes in UTC;
the send window and "one step a day" are judged in the patient's own time zone, so daylight-saving changes
move the UTC instant, never the local opening hour.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from ..brands import SendWindow

MAX_DAYS_AHEAD = 14  # a window open at least one day a week always opens within this many days


def _local(moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    return moment.astimezone(zone)


def _at(day: dt.date, clock: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of a local wall-clock time. In a spring-forward gap the time does not exist: the
    standard rule (fold=0) takes the offset from before the change, which lands just after the gap."""
    return dt.datetime.combine(day, clock, tzinfo=zone).astimezone(dt.UTC)


def in_window(moment: dt.datetime, window: SendWindow, zone: ZoneInfo) -> bool:
    local = _local(moment, zone)
    return local.isoweekday() in window.days and window.start <= local.time() < window.end


def next_opening(moment: dt.datetime, window: SendWindow, zone: ZoneInfo) -> dt.datetime:
    """``moment`` itself when the window is open then, otherwise the next time it opens."""
    if in_window(moment, window, zone):
        return moment
    local = _local(moment, zone)
    for ahead in range(MAX_DAYS_AHEAD + 1):
        day = local.date() + dt.timedelta(days=ahead)
        if day.isoweekday() not in window.days:
            continue
        opening = _at(day, window.start, zone)
        if opening >= moment:
            return opening
    raise ValueError("the send window never opens")  # a validated window has at least one day


def first_due(start: dt.date, day_offset: int, window: SendWindow, zone: ZoneInfo) -> dt.datetime:
    """A step is due on start date + day offset, at the window's opening in the patient's time zone (or the
    next opening when that day is not a sending day)."""
    day = start + dt.timedelta(days=day_offset)
    return next_opening(_at(day, window.start, zone), window, zone)


@dataclass(frozen=True)
class Send:
    """Send now."""


@dataclass(frozen=True)
class Wait:
    """Do not send now; try again at ``until``."""

    until: dt.datetime
    reason: str


def decide(
    now: dt.datetime,
    window: SendWindow,
    zone: ZoneInfo,
    last_sent: dt.datetime | None,
    sent_now: bool = False,
) -> Send | Wait:
    """Whether a due step may go out at ``now``: inside the window, and at most one step a day per patient.

    ``last_sent`` is when this patient last received a step; ``sent_now`` is True when another of their
    steps was already sent in this same pass. A worker that was down for days thus catches up one step a
    day, never in a burst.
    """
    if not in_window(now, window, zone):
        return Wait(next_opening(now, window, zone), "outside the send window")
    local_today = _local(now, zone).date()
    if sent_now or (last_sent is not None and _local(last_sent, zone).date() >= local_today):
        tomorrow = local_today + dt.timedelta(days=1)
        return Wait(next_opening(_at(tomorrow, window.start, zone), window, zone), "one step a day")
    return Send()


def backoff(attempts: int, now: dt.datetime, base: dt.timedelta, cap: dt.timedelta) -> dt.datetime:
    """When to retry after ``attempts`` failed tries: base × 2^(attempts-1), at most ``cap``."""
    delay: dt.timedelta = min(base * (2 ** max(attempts - 1, 0)), cap)
    return now + delay


def may_retry(
    attempts: int,
    first_failed: dt.datetime | None,
    now: dt.datetime,
    period: dt.timedelta,
    max_attempts: int,
) -> bool:
    """Whether a delivery that has now failed ``attempts`` times is tried again: fewer than ``max_attempts``
    tries, within ``period`` of its FIRST failure (``now`` when this is the first). Counting from the due time
    instead would fail a step at its first temporary refusal after an outage longer than ``period``."""
    started = first_failed if first_failed is not None else now
    return attempts < max_attempts and now - started <= period
