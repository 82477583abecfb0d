"""Sending, as the store sees it: the due query, claims, and each outcome recorded on a claim this worker
still holds, with the release the email was composed from.

Every state change is a short transaction; on SQLite a claim is ``BEGIN IMMEDIATE``, on other databases
``SELECT … FOR UPDATE SKIP LOCKED``, so two workers never claim the same delivery. A claim is a lease: one
older than ``CLAIM_LEASE`` belongs to a sender that died (or hangs), and the next pass of any sender takes it
over, or cancels it when its enrollment stopped meanwhile. A delivery whose content is missing is *blocked*:
given back uncharged with the reason, and tried again later (see ``schema.BLOCKED_PREFIX``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..enrollment_requests import Enrollment
from .database import Database
from .enrollments import RECORD_COLUMNS, record_from_row
from .schema import (
    ACTIVE,
    BLOCKED_PREFIX,
    CANCELLED,
    CLAIMED,
    COMPLETED,
    DEFERRED,
    FAILED,
    PENDING,
    SENT,
    aware,
    deliveries,
    enrollments,
    naive_utc,
)

# How long a claim is held before another sender may take it over: longer than any one email takes to compose
# and hand over (SMTP timeouts are 30 s by default), so only a sender that died or hangs loses its claims.
CLAIM_LEASE = dt.timedelta(minutes=10)

# Whether a delivery's enrollment still wants emails, and its status (correlated to the delivery updated). A
# claim taken back (retry, postpone) after an unsubscribe is cancelled, not reopened: `unsubscribe` cancels only
# pending and deferred steps, since a claimed one may be with the mail server at that moment.
_ENROLLMENT_ACTIVE = (
    sa.select(enrollments.c.id)
    .where(enrollments.c.id == deliveries.c.enrollment_id, enrollments.c.status == ACTIVE)
    .exists()
)
_ENROLLMENT_STATUS = (
    sa.select(enrollments.c.status).where(enrollments.c.id == deliveries.c.enrollment_id).scalar_subquery()
)


def _finishing(**values: Any) -> sa.Update:  # noqa: ANN401 (column values)
    """An outcome, recorded only on a delivery this worker still holds; built once, run with parameters."""
    return (
        deliveries.update()
        .where(
            deliveries.c.id == sa.bindparam("delivery_id"),
            deliveries.c.status == CLAIMED,
            deliveries.c.claimed_by == sa.bindparam("worker"),
        )
        .values(claimed_by=None, **values)
    )


_RECORD_SENT = _finishing(
    status=SENT,
    sent_at=sa.bindparam("at"),
    last_error=None,
    attempts=deliveries.c.attempts + 1,
    release=sa.bindparam("release"),
)
# The retry period counts from the first failure, kept from then on.
_FIRST_FAILED = sa.func.coalesce(deliveries.c.first_failed_at, sa.bindparam("at"))
_RECORD_RETRY = _finishing(
    status=sa.case((_ENROLLMENT_ACTIVE, DEFERRED), else_=CANCELLED),
    last_error=sa.bindparam("error"),
    next_attempt_at=sa.bindparam("until"),
    attempts=deliveries.c.attempts + 1,
    first_failed_at=_FIRST_FAILED,
    release=sa.bindparam("release"),
)
_RECORD_FAILED = _finishing(
    status=FAILED,
    last_error=sa.bindparam("error"),
    attempts=deliveries.c.attempts + 1,
    first_failed_at=_FIRST_FAILED,
    release=sa.bindparam("release"),
)
# Given back unsent, and uncharged: a delivery that had failed before stays "deferred". It is no longer blocked
# (it got past the content check), so a reason for blocking is cleared.
_GIVEN_BACK = sa.case((~_ENROLLMENT_ACTIVE, CANCELLED), (deliveries.c.attempts > 0, DEFERRED), else_=PENDING)
_POSTPONE = _finishing(
    status=_GIVEN_BACK,
    next_attempt_at=sa.bindparam("until"),
    last_error=sa.case(
        (deliveries.c.last_error.startswith(BLOCKED_PREFIX, autoescape=True), None),
        else_=deliveries.c.last_error,
    ),
)
# Given back uncharged because the content it needs is missing, with the reason, to be tried again at ``until``.
_BLOCK = _finishing(
    status=_GIVEN_BACK, next_attempt_at=sa.bindparam("until"), last_error=sa.bindparam("error")
)
# A claim whose enrollment stopped (unsubscribed, suppressed) after it was claimed: cancelled, never sent.
_CANCEL_IF_STOPPED = _finishing(status=CANCELLED, last_error=_ENROLLMENT_STATUS).where(~_ENROLLMENT_ACTIVE)


def _cancel_lapsed_claims_of_stopped(connection: Connection, expired: dt.datetime, limit: int) -> None:
    """Cancel claims older than the lease whose enrollment stopped (unsubscribed, suppressed) meanwhile: the due
    query takes over only active enrollments' claims, so these would stay claimed for ever. Rows another
    sender has locked are skipped (PostgreSQL), so two passes never wait on each other here."""
    lapsed = (
        sa.select(deliveries.c.id)
        .where(deliveries.c.status == CLAIMED, deliveries.c.claimed_at <= expired, ~_ENROLLMENT_ACTIVE)
        .limit(limit)
    )
    if connection.dialect.name != "sqlite":
        lapsed = lapsed.with_for_update(skip_locked=True, of=deliveries)
    ids = [row.id for row in connection.execute(lapsed)]
    if ids:
        connection.execute(
            deliveries.update()
            .where(deliveries.c.id.in_(ids), deliveries.c.status == CLAIMED)
            .values(status=CANCELLED, claimed_by=None, last_error=_ENROLLMENT_STATUS)
        )


@dataclass(frozen=True)
class DueDelivery:
    """A claimed delivery and the enrollment it is for."""

    id: int
    enrollment_id: int
    step: str
    step_index: int
    due_at: dt.datetime
    attempts: int
    message_id: str
    enrollment: Enrollment
    last_sent_at: dt.datetime | None
    first_failed_at: dt.datetime | None = None
    series_release: str | None = None  # the release whose series the patient was enrolled on (None: unknown)


class Sending(Database):
    """Claims and the outcome of each delivery."""

    def due_query(self, now: dt.datetime, limit: int, lease: dt.timedelta) -> sa.Select[Any]:
        """The deliveries due at ``now`` (and claims older than ``lease``), oldest first, with their enrollment's
        record."""
        stamp = naive_utc(now)
        last_sent = (
            sa.select(sa.func.max(deliveries.c.sent_at))
            .where(deliveries.c.enrollment_id == enrollments.c.id)
            .correlate(enrollments)
            .scalar_subquery()
        )
        # A step waits until the one before it was delivered or failed for good: the series stays in order.
        earlier = deliveries.alias("earlier")
        earlier_open = (
            sa.select(earlier.c.id)
            .where(
                earlier.c.enrollment_id == deliveries.c.enrollment_id,
                earlier.c.step_index < deliveries.c.step_index,
                earlier.c.status.in_((PENDING, DEFERRED, CLAIMED)),
            )
            .exists()
        )
        # Each branch walks the (status, next_attempt_at) index on its own; an OR across statuses would not. The
        # order condition is in each branch, before its limit, so blocked steps never crowd out claimable ones.
        branches = [
            sa.select(deliveries.c.id, deliveries.c.next_attempt_at)
            .where(deliveries.c.status == status, deliveries.c.next_attempt_at <= stamp, ~earlier_open)
            .order_by(deliveries.c.next_attempt_at)
            .limit(limit)
            for status in (PENDING, DEFERRED)
        ]
        expired = naive_utc(now - lease)
        branches.append(
            sa.select(deliveries.c.id, deliveries.c.next_attempt_at)
            .where(deliveries.c.status == CLAIMED, deliveries.c.claimed_at <= expired, ~earlier_open)
            .limit(limit)
        )
        # The same conditions again on the joined row itself. The candidates come from an unlocked scan; with
        # FOR UPDATE SKIP LOCKED, PostgreSQL re-evaluates only the conditions on the locked row against its
        # newest version, so without this a delivery another worker claimed (and committed) meanwhile would be
        # claimed twice. On SQLite, BEGIN IMMEDIATE already serialises claims and this costs one check per row.
        still_due = sa.or_(
            sa.and_(deliveries.c.status.in_((PENDING, DEFERRED)), deliveries.c.next_attempt_at <= stamp),
            sa.and_(deliveries.c.status == CLAIMED, deliveries.c.claimed_at <= expired),
        )
        candidates = sa.union_all(*(branch.subquery().select() for branch in branches)).subquery("candidates")
        return (
            sa.select(
                deliveries.c.id,
                deliveries.c.enrollment_id,
                deliveries.c.step,
                deliveries.c.step_index,
                deliveries.c.due_at,
                deliveries.c.attempts,
                deliveries.c.first_failed_at,
                deliveries.c.message_id,
                *RECORD_COLUMNS,
                enrollments.c.release.label("series_release"),
                last_sent.label("last_sent_at"),
            )
            .select_from(candidates)
            .join(deliveries, deliveries.c.id == candidates.c.id)
            .join(enrollments, enrollments.c.id == deliveries.c.enrollment_id)
            .where(enrollments.c.status == ACTIVE, still_due)
            .order_by(candidates.c.next_attempt_at, candidates.c.id)
            .limit(limit)
        )

    def claim_due(self, now: dt.datetime, limit: int, worker: str, lease: dt.timedelta) -> list[DueDelivery]:
        """Claim up to ``limit`` due deliveries of active enrollments (and claims older than ``lease``).

        A claim older than ``lease`` whose enrollment stopped meanwhile (unsubscribed, suppressed) is cancelled
        here: nobody would ever take it over, and it would show as claimed for ever."""
        stamp = naive_utc(now)
        query = self.due_query(now, limit, lease)
        with self.transaction() as connection:
            _cancel_lapsed_claims_of_stopped(connection, naive_utc(now - lease), limit)
            if connection.dialect.name != "sqlite":
                query = query.with_for_update(skip_locked=True, of=deliveries)
            rows = connection.execute(query).all()
            if rows:
                connection.execute(
                    deliveries.update()
                    .where(deliveries.c.id.in_([r.id for r in rows]))
                    .values(status=CLAIMED, claimed_at=stamp, claimed_by=worker)
                )
        return [
            DueDelivery(
                id=r.id,
                enrollment_id=r.enrollment_id,
                step=r.step,
                step_index=r.step_index,
                due_at=r.due_at.replace(tzinfo=dt.UTC),
                attempts=r.attempts,
                message_id=r.message_id,
                enrollment=record_from_row(r),
                last_sent_at=aware(r.last_sent_at),
                first_failed_at=aware(r.first_failed_at),
                series_release=r.series_release,
            )
            for r in rows
        ]

    def _finish(self, statement: sa.Update, delivery_id: int, worker: str, **values: object) -> int:
        """Run a finishing statement on a claim this worker holds; returns how many rows it changed (0 or 1).

        On PostgreSQL the enrollment row is locked first (FOR SHARE), because the statements that read its
        status (retry, postpone, cancel) would otherwise race an unsubscribe in flight: each transaction
        reading the other's rows as they were, the step would be reopened after the unsubscribe had cancelled
        the open ones. With the lock, whichever comes second sees what the first committed."""
        with self.transaction() as connection:
            if connection.dialect.name != "sqlite":  # SQLite: BEGIN IMMEDIATE already serialises writers
                connection.execute(
                    sa.select(enrollments.c.id)
                    .join(deliveries, deliveries.c.enrollment_id == enrollments.c.id)
                    .where(deliveries.c.id == delivery_id)
                    .with_for_update(read=True, of=enrollments)
                )
            result = connection.execute(statement, {"delivery_id": delivery_id, "worker": worker, **values})
            return int(result.rowcount or 0)

    def still_wanted(self, delivery_id: int, worker: str) -> bool:
        """Checked just before a claimed delivery goes to the mail server: False (and the claim cancelled) when
        its enrollment was unsubscribed or suppressed after the claim. A pass holds its claims while it sends
        the ones before, so without this an unsubscribe could be followed by an email a whole pass later."""
        return self._finish(_CANCEL_IF_STOPPED, delivery_id, worker) == 0

    # ``release``: the release the email was composed from (None: not known, as for rows of older versions).

    def record_sent(
        self, delivery_id: int, worker: str, now: dt.datetime, release: str | None = None
    ) -> None:
        self._finish(_RECORD_SENT, delivery_id, worker, at=naive_utc(now), release=release)

    def record_retry(
        self,
        delivery_id: int,
        worker: str,
        error: str,
        next_at: dt.datetime,
        now: dt.datetime,
        release: str | None = None,
    ) -> None:
        self._finish(
            _RECORD_RETRY,
            delivery_id,
            worker,
            error=error[:500],
            until=naive_utc(next_at),
            at=naive_utc(now),
            release=release,
        )

    def record_failed(
        self, delivery_id: int, worker: str, error: str, now: dt.datetime, release: str | None = None
    ) -> None:
        self._finish(
            _RECORD_FAILED, delivery_id, worker, error=error[:500], at=naive_utc(now), release=release
        )

    def record_blocked(self, delivery_id: int, worker: str, reason: str, until: dt.datetime) -> None:
        """Give a claim back uncharged because the content it needs (its step, series, brand or language) is
        not in the content this sender loaded; stored as ``blocked: <reason>`` and tried again at ``until``."""
        self._finish(
            _BLOCK, delivery_id, worker, error=(BLOCKED_PREFIX + reason)[:500], until=naive_utc(until)
        )

    def postpone(self, delivery_id: int, worker: str, until: dt.datetime) -> None:
        """Give a claim back unsent and uncharged, to be tried at ``until`` (outside the send window, one step
        a day, or a pass stopped by a sender or server problem)."""
        self._finish(_POSTPONE, delivery_id, worker, until=naive_utc(until))

    def complete_finished(self, now: dt.datetime) -> None:
        """Mark enrollments whose every delivery is done as completed."""
        open_steps = (
            sa.select(deliveries.c.id)
            .where(
                deliveries.c.enrollment_id == enrollments.c.id,
                deliveries.c.status.in_([PENDING, DEFERRED, CLAIMED]),
            )
            .exists()
        )
        with self.transaction() as connection:
            connection.execute(
                enrollments.update()
                .where(enrollments.c.status == ACTIVE, ~open_steps)
                .values(status=COMPLETED, updated_at=naive_utc(now))
            )
