"""Bounce reports and complaints in the store: which delivery a report is about, and each report recorded once.
Their effect (suppressing an address) is decided by the mail service (``apply_bounce``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from .database import Database
from .schema import bounce_events, deliveries, enrollments, naive_utc


@dataclass(frozen=True)
class BounceTarget:
    """The delivery a bounce report is about, and whose address it was: ids and the keyed hash only."""

    delivery_id: int
    enrollment_id: int
    email_hash: str
    brand: str


@dataclass(frozen=True)
class BounceEvent:
    report_key: str  # SHA-256 of the report's bytes: the same report is recorded once
    delivery_id: int
    kind: str  # hard, soft or complaint
    status: str  # an enhanced status code (5.1.1) or a feedback type (abuse)
    diagnostic: str  # one line, addresses masked


class BounceRecords(Database):
    """Bounce reports and complaints matched to our deliveries."""

    def _bounce_targets(self, condition: sa.ColumnElement[bool]) -> list[BounceTarget]:
        query = (
            sa.select(
                deliveries.c.id, deliveries.c.enrollment_id, enrollments.c.email_hash, enrollments.c.brand
            )
            .join(enrollments, enrollments.c.id == deliveries.c.enrollment_id)
            .where(condition)
            .order_by(deliveries.c.id)
        )
        with self.engine.connect() as connection:
            return [
                BounceTarget(r.id, r.enrollment_id, r.email_hash, r.brand) for r in connection.execute(query)
            ]

    def bounce_target(self, delivery_id: int) -> BounceTarget | None:
        """The delivery a signed return path names, or None (erased with its patient, or never ours)."""
        found = self._bounce_targets(deliveries.c.id == delivery_id)
        return found[0] if found else None

    def bounce_targets_by_message_id(self, message_ids: Sequence[str]) -> list[BounceTarget]:
        """Our deliveries carrying one of these Message-IDs (as quoted in a report's returned headers)."""
        if not message_ids:
            return []
        return self._bounce_targets(deliveries.c.message_id.in_(list(message_ids)))

    def has_bounce_report(self, report_key: str) -> bool:
        with self.engine.connect() as connection:
            found = connection.execute(
                sa.select(bounce_events.c.id).where(bounce_events.c.report_key == report_key)
            ).first()
            return found is not None

    def record_bounce(self, event: BounceEvent, now: dt.datetime) -> bool:
        """Record a matched report; False (and nothing changes) when this report was recorded before."""
        try:
            with self.transaction() as connection:
                connection.execute(
                    bounce_events.insert().values(
                        report_key=event.report_key,
                        delivery_id=event.delivery_id,
                        kind=event.kind,
                        status=event.status[:40],
                        diagnostic=event.diagnostic[:500],
                        received_at=naive_utc(now),
                    )
                )
        except sa.exc.IntegrityError:
            return False
        return True

    def bounce_counts(self, brand: str | None = None) -> dict[str, int]:
        """Bounce reports and complaints recorded, by kind (one clinic's deliveries, or every clinic's)."""
        query = sa.select(bounce_events.c.kind, sa.func.count()).group_by(bounce_events.c.kind)
        if brand is not None:
            query = (
                query.join(deliveries, deliveries.c.id == bounce_events.c.delivery_id)
                .join(enrollments, enrollments.c.id == deliveries.c.enrollment_id)
                .where(enrollments.c.brand == brand)
            )
        with self.engine.connect() as connection:
            return {str(kind): int(count) for kind, count in connection.execute(query)}
