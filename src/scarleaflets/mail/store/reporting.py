"""What ``scarleaflets status`` and ``scarleaflets history`` show: deliveries by series, step and status, the
ones in trouble (failing, blocked, claimed), enrollments by status, and one patient's emails at one clinic.
Ids, counts, times, releases and errors only — no address or name.

A blocked delivery is stored as pending (or deferred) with a ``blocked: …`` reason; both reports show it with
the status ``blocked``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from .database import Database
from .schema import (
    ADDRESS_LIKE,
    BLOCKED,
    BLOCKED_PREFIX,
    CLAIMED,
    DEFERRED,
    FAILED,
    PENDING,
    deliveries,
    enrollments,
)

_IS_BLOCKED = sa.and_(
    deliveries.c.status.in_((PENDING, DEFERRED)),
    deliveries.c.last_error.startswith(BLOCKED_PREFIX, autoescape=True),
)
# The status as reported: the stored one, or "blocked".
_SHOWN_STATUS = sa.case((_IS_BLOCKED, BLOCKED), else_=deliveries.c.status)


class Reporting(Database):
    """Counts and trouble for ``scarleaflets status``; one patient's emails for ``scarleaflets history``."""

    def status_rows(self, brand: str | None) -> list[dict[str, Any]]:
        """Per series, step and status: how many deliveries, and the next due time (one clinic, or all)."""
        shown = _SHOWN_STATUS.label("status")
        query = (
            sa.select(
                enrollments.c.series,
                deliveries.c.step_index,
                deliveries.c.step,
                shown,
                sa.func.count().label("count"),
                sa.func.min(deliveries.c.next_attempt_at).label("next_at"),
            )
            .join(enrollments, enrollments.c.id == deliveries.c.enrollment_id)
            .where(*_of_clinic(brand))
            .group_by(enrollments.c.series, deliveries.c.step_index, deliveries.c.step, shown)
            .order_by(enrollments.c.series, deliveries.c.step_index)
        )
        with self.engine.connect() as connection:
            return [dict(r._mapping) for r in connection.execute(query)]

    def trouble_rows(self, brand: str | None, limit: int = 50) -> list[dict[str, Any]]:
        """Deliveries that failed (for good or for now) or are blocked, newest problem first, and claims with
        their age: ids, step, status, attempts, times and last error — no address or name."""
        query = (
            sa.select(
                deliveries.c.id,
                deliveries.c.enrollment_id,
                enrollments.c.series,
                deliveries.c.step_index,
                deliveries.c.step,
                _SHOWN_STATUS.label("status"),
                deliveries.c.attempts,
                deliveries.c.first_failed_at,
                deliveries.c.next_attempt_at,
                deliveries.c.claimed_at,
                deliveries.c.claimed_by,
                deliveries.c.last_error,
                enrollments.c.status.label("enrollment_status"),
            )
            .join(enrollments, enrollments.c.id == deliveries.c.enrollment_id)
            .where(
                *_of_clinic(brand),
                sa.or_(
                    deliveries.c.status == CLAIMED,
                    _IS_BLOCKED,
                    sa.and_(
                        deliveries.c.status.in_((DEFERRED, FAILED)), deliveries.c.last_error.is_not(None)
                    ),
                ),
            )
            .order_by(deliveries.c.status, deliveries.c.first_failed_at.desc(), deliveries.c.id)
            .limit(limit)
        )
        with self.engine.connect() as connection:
            rows = [dict(r._mapping) for r in connection.execute(query)]
        for row in rows:  # errors stored by older versions may quote the address
            row["last_error"] = ADDRESS_LIKE.sub("<address>", row["last_error"] or "")
        return rows

    def enrollment_counts(self, brand: str | None = None) -> dict[str, int]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(enrollments.c.status, sa.func.count())
                .where(*_of_clinic(brand))
                .group_by(enrollments.c.status)
            )
            return {str(status): int(count) for status, count in rows}

    def history_rows(self, email_hash: str, brand: str) -> list[dict[str, Any]]:
        """Every delivery of this address's enrollments at this clinic, by enrollment and step: what was sent,
        when and from which release, and what is still to come. Found by the keyed hash of the address, so
        another clinic's patient is not found at all; no address or name is returned."""
        query = (
            sa.select(
                enrollments.c.id.label("enrollment_id"),
                enrollments.c.series,
                enrollments.c.locale,
                enrollments.c.timezone,
                enrollments.c.start_date,
                enrollments.c.status.label("enrollment_status"),
                deliveries.c.id,
                deliveries.c.step_index,
                deliveries.c.step,
                _SHOWN_STATUS.label("status"),
                deliveries.c.due_at,
                deliveries.c.next_attempt_at,
                deliveries.c.sent_at,
                deliveries.c.first_failed_at,
                deliveries.c.claimed_at,
                deliveries.c.attempts,
                deliveries.c.last_error,
                deliveries.c.release,
            )
            .join(enrollments, enrollments.c.id == deliveries.c.enrollment_id)
            .where(enrollments.c.email_hash == email_hash, enrollments.c.brand == brand)
            .order_by(enrollments.c.id, deliveries.c.step_index)
        )
        with self.engine.connect() as connection:
            rows = [dict(r._mapping) for r in connection.execute(query)]
        for row in rows:
            row["last_error"] = ADDRESS_LIKE.sub("<address>", row["last_error"] or "") or None
        return rows


def _of_clinic(brand: str | None) -> list[sa.ColumnElement[bool]]:
    """The condition for one clinic's enrollments (none: every clinic's)."""
    return [] if brand is None else [enrollments.c.brand == brand]
