"""mail/drip.py: due times, send windows, one step a day, catch-up and daylight saving — pure functions, explicit now."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from scarleaflets.brands import SendWindow
from scarleaflets.mail.drip import Send, Wait, backoff, decide, first_due, in_window, may_retry, next_opening

WEEKDAYS = SendWindow(dt.time(9), dt.time(18), (1, 2, 3, 4, 5))
LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_due_at_the_window_opening_in_the_patients_time_zone():
    assert first_due(dt.date(2026, 12, 1), 0, WEEKDAYS, LONDON) == utc(2026, 12, 1, 9)  # Tuesday, GMT
    assert first_due(dt.date(2026, 12, 1), 0, WEEKDAYS, ZoneInfo("Asia/Tokyo")) == utc(2026, 12, 1, 0)
    assert first_due(dt.date(2026, 12, 1), 0, WEEKDAYS, ZoneInfo("America/Los_Angeles")) == utc(
        2026, 12, 1, 17
    )


def test_a_weekend_day_waits_for_monday():
    # 2026-12-05 is a Saturday.
    assert first_due(dt.date(2026, 12, 1), 4, WEEKDAYS, LONDON) == utc(2026, 12, 7, 9)


def test_daylight_saving_moves_the_instant_not_the_local_hour():
    # London switches to summer time on 2027-03-28: 09:00 local is 09:00 UTC before, 08:00 UTC after.
    assert first_due(dt.date(2027, 3, 26), 0, WEEKDAYS, LONDON) == utc(2027, 3, 26, 9)
    assert first_due(dt.date(2027, 3, 26), 3, WEEKDAYS, LONDON) == utc(2027, 3, 29, 8)


def test_a_window_opening_inside_the_spring_forward_gap_still_opens():
    early = SendWindow(dt.time(2, 30), dt.time(12), (1, 2, 3, 4, 5, 6, 7))
    new_york = ZoneInfo("America/New_York")
    due = first_due(dt.date(2027, 3, 14), 0, early, new_york)  # 02:30 does not exist that night
    assert due.astimezone(new_york).date() == dt.date(2027, 3, 14)
    assert in_window(due, early, new_york)


def test_outside_the_window_waits_for_the_next_opening():
    assert next_opening(utc(2026, 12, 1, 19), WEEKDAYS, LONDON) == utc(2026, 12, 2, 9)
    assert next_opening(utc(2026, 12, 4, 20), WEEKDAYS, LONDON) == utc(2026, 12, 7, 9)  # Friday evening
    inside = utc(2026, 12, 1, 12)
    assert next_opening(inside, WEEKDAYS, LONDON) == inside
    assert decide(utc(2026, 12, 1, 7), WEEKDAYS, LONDON, None) == Wait(
        utc(2026, 12, 1, 9), "outside the send window"
    )


def test_at_most_one_step_a_day_even_when_catching_up():
    now = utc(2026, 12, 10, 10)
    assert decide(now, WEEKDAYS, LONDON, None) == Send()
    assert decide(now, WEEKDAYS, LONDON, None, sent_now=True) == Wait(utc(2026, 12, 11, 9), "one step a day")
    sent_this_morning = utc(2026, 12, 10, 9, 5)
    assert isinstance(decide(now, WEEKDAYS, LONDON, sent_this_morning), Wait)
    sent_yesterday = utc(2026, 12, 9, 17)
    assert decide(now, WEEKDAYS, LONDON, sent_yesterday) == Send()


def test_the_day_is_the_patients_day():
    tokyo = ZoneInfo("Asia/Tokyo")
    window = SendWindow(dt.time(9), dt.time(18), (1, 2, 3, 4, 5, 6, 7))
    # 2026-12-10 08:00 UTC is 17:00 in Tokyo; 2026-12-10 00:30 UTC was 09:30 the same Tokyo day.
    assert isinstance(decide(utc(2026, 12, 10, 8), window, tokyo, utc(2026, 12, 10, 0, 30)), Wait)
    # 2026-12-09 23:00 UTC was 08:00 on 12-10 in Tokyo... and 2026-12-09 08:00 UTC was the day before.
    assert decide(utc(2026, 12, 10, 8), window, tokyo, utc(2026, 12, 9, 8)) == Send()


def test_backoff_doubles_up_to_a_cap():
    now = utc(2026, 12, 1)
    base, cap = dt.timedelta(minutes=5), dt.timedelta(hours=6)
    assert [backoff(n, now, base, cap) - now for n in (1, 2, 3)] == [
        dt.timedelta(minutes=5),
        dt.timedelta(minutes=10),
        dt.timedelta(minutes=20),
    ]
    assert backoff(20, now, base, cap) - now == cap


def test_the_retry_period_counts_from_the_first_failure_not_the_due_time():
    period, now = dt.timedelta(hours=48), dt.datetime(2026, 12, 4, 9, tzinfo=dt.UTC)
    assert may_retry(1, None, now, period, 8)  # a first failure, however late the step is
    assert may_retry(4, now - dt.timedelta(hours=47), now, period, 8)
    assert not may_retry(4, now - dt.timedelta(hours=49), now, period, 8)
    assert not may_retry(8, now - dt.timedelta(hours=1), now, period, 8)
