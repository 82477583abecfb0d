"""Enrollments and suppressions: enroll (refusing a suppressed address with :class:`SuppressedError`),
unsubscribe, suppress, forget (erasure, with SQLite's ``secure_delete`` on, so data is overwritten, not just
unlinked), and the enrollment an unsubscribe link names. An enrollment's own columns are its fields
(``enrollment_requests.FIELDS``), written and read back by name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...errors import ScarleafletsError
from ..enrollment_requests import FIELDS, Enrollment
from .database import Database
from .schema import (
    ACTIVE,
    ALL_CLINICS,
    CANCELLED,
    CLAIMED,
    COMPLETED,
    DEFERRED,
    LIFTED_BY_CONSENT,
    PENDING,
    SUPPRESSED,
    UNSUBSCRIBED,
    aware,
    deliveries,
    enrollments,
    naive_utc,
    suppressions,
)

# An enrollment's own columns, one per field of the record, labelled so that a query joining them to other
# tables (the due query) can never confuse one with a column of the same name there.
RECORD_COLUMNS = tuple(enrollments.c[name].label(f"record_{name}") for name in FIELDS)


def record_row(enrollment: Enrollment) -> dict[str, object]:
    """The record's fields as the store writes them (times as naive UTC)."""
    values = {name: getattr(enrollment, name) for name in FIELDS}
    return {k: naive_utc(v) if isinstance(v, dt.datetime) else v for k, v in values.items()}


def record_from_row(row: Any) -> Enrollment:  # noqa: ANN401 (a database row)
    """The record read back from a row holding :data:`RECORD_COLUMNS` (times as aware UTC)."""
    values: dict[str, Any] = {name: getattr(row, f"record_{name}") for name in FIELDS}
    read: dict[str, Any] = {k: aware(v) if isinstance(v, dt.datetime) else v for k, v in values.items()}
    return Enrollment(**read)


@dataclass(frozen=True)
class MovableEnrollment:
    """An active enrollment as moving it to another release's series needs it (``Mailing.move_to_current``)."""

    id: int
    enrollment: Enrollment
    release: str | None  # the release whose series it follows (None: enrolled before that was recorded)
    done_steps: tuple[str, ...]  # sent, failed for good or cancelled, in series order
    open_steps: tuple[str, ...]  # still to send (pending or deferred, blocked ones included)
    in_flight: bool  # a delivery of it is claimed by a worker right now
    next_index: int  # the step index after every step it has


@dataclass(frozen=True)
class TokenEnrollment:
    """The enrollment an unsubscribe token names, as the web service needs it (never the address)."""

    id: int
    locale: str
    brand: str
    email_hash: str


@dataclass(frozen=True)
class PlannedDelivery:
    step: str
    step_index: int
    due_at: dt.datetime


EARLIEST = dt.datetime(1970, 1, 1)


class SuppressedError(ScarleafletsError):
    """This address may not be enrolled at this clinic: it is suppressed for good (a hard bounce, a complaint),
    or it was unsubscribed or erased and the enrollment's consent is not newer than that. The patient's state,
    not a failure of the database (:class:`~.database.StoreError`): an import reports it on the row and goes on.
    """


def _refuse_unless_consented(row: Any, consent: dt.datetime) -> None:  # noqa: ANN401 (a database row)
    """Raise SuppressedError for a suppression that this enrollment's consent does not lift."""
    when = f"{row.created_at:%Y-%m-%d %H:%M} UTC"
    where = "for every clinic" if row.scope == ALL_CLINICS else "for this clinic"
    if row.reason not in LIFTED_BY_CONSENT:
        raise SuppressedError(
            f"this address is on the suppression list {where} ({row.reason} on {when}): it cannot be enrolled"
        )
    if consent <= row.created_at:
        raise SuppressedError(
            f"this address is on the suppression list {where} ({row.reason} on {when}); enrolling it again "
            "needs consent given after that (consent_at)"
        )


class Enrollments(Database):
    """Enrollments, suppressions and erasure."""

    def _suppressions(self, connection: Connection, email_hash: str, brand: str) -> list[Any]:
        """The suppressions that apply to this address at this clinic: the clinic's own and every clinic's."""
        return list(
            connection.execute(
                sa.select(suppressions.c.scope, suppressions.c.reason, suppressions.c.created_at).where(
                    suppressions.c.email_hash == email_hash,
                    suppressions.c.scope.in_((brand, ALL_CLINICS)),
                )
            )
        )

    def enroll(
        self,
        enrollment: Enrollment,
        email_hash: str,
        planned: Sequence[PlannedDelivery],
        now: dt.datetime,
        message_id: Callable[[int, str], str],
        release: str | None = None,
    ) -> tuple[int, bool]:
        """Create the enrollment and its deliveries; an identical repeat returns the existing one unchanged.
        ``release`` is the release whose series ``planned`` comes from.

        Returns (enrollment id, created). Raises SuppressedError for a suppressed address: for good after a hard
        bounce or a complaint; after an unsubscribe or an erasure, unless consent was given after it (then the
        clinic's suppression is lifted and a new enrollment, with a new id, is made)."""
        try:
            return self._enroll(enrollment, email_hash, planned, now, message_id, release)
        except sa.exc.IntegrityError:
            # The same request, at the same moment, through another server or thread (PostgreSQL does not
            # serialise the two as SQLite does): the other one made the enrollment, and this is a repeat.
            with self.engine.connect() as connection:
                existing = connection.execute(
                    sa.select(enrollments.c.id).where(
                        enrollments.c.email_hash == email_hash,
                        enrollments.c.brand == enrollment.brand,
                        enrollments.c.series == enrollment.series,
                        enrollments.c.status == ACTIVE,
                    )
                ).first()
            if existing is None:
                raise
            return int(existing.id), False

    def _enroll(
        self,
        enrollment: Enrollment,
        email_hash: str,
        planned: Sequence[PlannedDelivery],
        now: dt.datetime,
        message_id: Callable[[int, str], str],
        release: str | None,
    ) -> tuple[int, bool]:
        stamp = naive_utc(now)
        consent = naive_utc(enrollment.consent_at)
        with self.transaction() as connection:
            blocking = self._suppressions(connection, email_hash, enrollment.brand)
            for row in blocking:
                _refuse_unless_consented(row, consent)
            existing = connection.execute(
                sa.select(enrollments.c.id)
                .where(
                    enrollments.c.email_hash == email_hash,
                    enrollments.c.brand == enrollment.brand,
                    enrollments.c.series == enrollment.series,
                    enrollments.c.status.in_((ACTIVE, COMPLETED)),
                    enrollments.c.created_at >= max((row.created_at for row in blocking), default=EARLIEST),
                )
                .order_by(enrollments.c.id.desc())
            ).first()
            if existing is not None:
                return int(existing.id), False
            connection.execute(  # fresh consent lifts this clinic's unsubscribe or erasure
                suppressions.delete().where(
                    suppressions.c.email_hash == email_hash, suppressions.c.scope == enrollment.brand
                )
            )
            enrollment_id = self._insert_enrollment(connection, enrollment, email_hash, stamp, release)
            _insert_deliveries(connection, enrollment_id, planned, message_id)
            return enrollment_id, True

    @staticmethod
    def _insert_enrollment(
        connection: Connection,
        enrollment: Enrollment,
        email_hash: str,
        stamp: dt.datetime,
        release: str | None,
    ) -> int:
        result = connection.execute(
            enrollments.insert().values(
                **record_row(enrollment),
                email_hash=email_hash,
                release=release,
                status=ACTIVE,
                created_at=stamp,
                updated_at=stamp,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def _patient_ids(self, connection: Connection, email_hash: str, brand: str | None) -> list[int]:
        """This address's enrollments at one clinic (every clinic for None)."""
        query = sa.select(enrollments.c.id).where(enrollments.c.email_hash == email_hash)
        if brand is not None:
            query = query.where(enrollments.c.brand == brand)
        return [int(r.id) for r in connection.execute(query)]

    def movable_enrollments(
        self, brand: str, series: str | None = None, email_hash: str | None = None
    ) -> list[MovableEnrollment]:
        """The active enrollments of one clinic (in one series, of one address), each with its steps done and
        still open, oldest first."""
        query = sa.select(*RECORD_COLUMNS, enrollments.c.id, enrollments.c.release).where(
            enrollments.c.brand == brand, enrollments.c.status == ACTIVE
        )
        if series is not None:
            query = query.where(enrollments.c.series == series)
        if email_hash is not None:
            query = query.where(enrollments.c.email_hash == email_hash)
        with self.engine.connect() as connection:
            found = connection.execute(query.order_by(enrollments.c.id)).all()
            steps = connection.execute(
                sa.select(
                    deliveries.c.enrollment_id,
                    deliveries.c.step,
                    deliveries.c.step_index,
                    deliveries.c.status,
                )
                .where(deliveries.c.enrollment_id.in_([row.id for row in found]))
                .order_by(deliveries.c.enrollment_id, deliveries.c.step_index)
            ).all()
        by_enrollment: dict[int, list[Any]] = {}
        for step in steps:
            by_enrollment.setdefault(step.enrollment_id, []).append(step)
        result = []
        for row in found:
            own = by_enrollment.get(row.id, [])
            result.append(
                MovableEnrollment(
                    id=row.id,
                    enrollment=record_from_row(row),
                    release=row.release,
                    done_steps=tuple(s.step for s in own if s.status not in (PENDING, DEFERRED, CLAIMED)),
                    open_steps=tuple(s.step for s in own if s.status in (PENDING, DEFERRED)),
                    in_flight=any(s.status == CLAIMED for s in own),
                    next_index=max((s.step_index for s in own), default=-1) + 1,
                )
            )
        return result

    def move_enrollment(
        self,
        enrollment_id: int,
        planned: Sequence[PlannedDelivery],
        release: str,
        message_id: Callable[[int, str], str],
        now: dt.datetime,
    ) -> bool:
        """Put an enrollment on another release's series, in one transaction: its open deliveries (pending or
        deferred) are replaced by ``planned``, and it records ``release``. Nothing changes, and False is
        returned, when one of its deliveries is claimed (being sent) or it is no longer active."""
        with self.transaction() as connection:
            status = connection.execute(
                sa.select(enrollments.c.status).where(enrollments.c.id == enrollment_id)
            ).scalar()
            claimed = connection.execute(
                sa.select(deliveries.c.id).where(
                    deliveries.c.enrollment_id == enrollment_id, deliveries.c.status == CLAIMED
                )
            ).first()
            if status != ACTIVE or claimed is not None:
                return False
            connection.execute(
                deliveries.delete().where(
                    deliveries.c.enrollment_id == enrollment_id, deliveries.c.status.in_((PENDING, DEFERRED))
                )
            )
            _insert_deliveries(connection, enrollment_id, planned, message_id)
            connection.execute(
                enrollments.update()
                .where(enrollments.c.id == enrollment_id)
                .values(release=release, updated_at=naive_utc(now))
            )
        return True

    def enrollment_for_unsubscribe(self, enrollment_id: int) -> TokenEnrollment | None:
        """The enrollment of this id, as an unsubscribe link needs it, or None when there is none (erased)."""
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(
                    enrollments.c.id, enrollments.c.locale, enrollments.c.brand, enrollments.c.email_hash
                ).where(enrollments.c.id == enrollment_id)
            ).first()
        return None if row is None else TokenEnrollment(row.id, row.locale, row.brand, row.email_hash)

    def brands_of(self, email_hash: str) -> list[str]:
        """The clinics where this address is (or was) enrolled."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(enrollments.c.brand).where(enrollments.c.email_hash == email_hash).distinct()
            )
            return sorted(str(r.brand) for r in rows)

    def unsubscribe(self, email_hash: str, brand: str, now: dt.datetime) -> int:
        """Stop every series of this clinic for this address, and write to it no more from this clinic.
        Idempotent. Returns how many active enrollments were stopped."""
        return self.suppress(email_hash, "unsubscribed", now, brand)

    def suppress(self, email_hash: str, reason: str, now: dt.datetime, brand: str = ALL_CLINICS) -> int:
        """Put the address on the suppression list of one clinic (``brand``) or of every clinic (ALL_CLINICS),
        stop its active enrollments there and cancel their pending steps. Returns how many were stopped."""
        with self.transaction() as connection:
            return self._suppress(connection, email_hash, reason, now, brand)

    def _suppress(
        self, connection: Connection, email_hash: str, reason: str, now: dt.datetime, brand: str
    ) -> int:
        key = (suppressions.c.email_hash == email_hash, suppressions.c.scope == brand)
        if connection.execute(sa.select(suppressions.c.reason).where(*key)).first() is None:
            connection.execute(
                suppressions.insert().values(
                    email_hash=email_hash, scope=brand, reason=reason, created_at=naive_utc(now)
                )
            )
        else:
            connection.execute(suppressions.update().where(*key).values(reason=reason))
        ids = self._patient_ids(connection, email_hash, None if brand == ALL_CLINICS else brand)
        stopped = connection.execute(
            enrollments.update()
            .where(enrollments.c.id.in_(ids), enrollments.c.status == ACTIVE)
            .values(
                status=UNSUBSCRIBED if reason == "unsubscribed" else SUPPRESSED, updated_at=naive_utc(now)
            )
        ).rowcount
        connection.execute(
            deliveries.update()
            .where(deliveries.c.enrollment_id.in_(ids), deliveries.c.status.in_([PENDING, DEFERRED]))
            .values(status=CANCELLED, last_error=reason)
        )
        return int(stopped or 0)

    def forget(self, email_hash: str, now: dt.datetime, brand: str | None) -> int:
        """Erase this address's enrollments and deliveries at one clinic (every clinic for None); a keyed hash
        stays on the suppression list of each clinic where it was a patient, and nowhere else. Returns how many
        enrollments were erased."""
        with self.transaction() as connection:
            rows = connection.execute(
                sa.select(enrollments.c.id, enrollments.c.brand).where(
                    enrollments.c.email_hash == email_hash,
                    *([enrollments.c.brand == brand] if brand is not None else []),
                )
            ).all()
            for clinic in sorted({str(r.brand) for r in rows}):
                self._suppress(connection, email_hash, "forgotten", now, clinic)
            ids = [r.id for r in rows]
            connection.execute(deliveries.delete().where(deliveries.c.enrollment_id.in_(ids)))
            connection.execute(enrollments.delete().where(enrollments.c.id.in_(ids)))
        if rows and self.engine.dialect.name == "sqlite":  # move overwritten pages out of the write-ahead log
            raw = self.engine.raw_connection()
            try:
                cursor = raw.cursor()
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                cursor.close()
            finally:
                raw.close()
        return len(rows)

    def was_erased(self, email_hash: str, brand: str) -> bool:
        """Whether this clinic erased this address (so a repeated erasure request can say it is done)."""
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(suppressions.c.reason).where(
                    suppressions.c.email_hash == email_hash, suppressions.c.scope == brand
                )
            ).first()
            return row is not None and row.reason == "forgotten"


def _insert_deliveries(
    connection: Connection,
    enrollment_id: int,
    planned: Sequence[PlannedDelivery],
    message_id: Callable[[int, str], str],
) -> None:
    """The planned deliveries of an enrollment, each pending from its due time."""
    if not planned:
        return
    connection.execute(
        deliveries.insert(),
        [
            {
                "enrollment_id": enrollment_id,
                "step": item.step,
                "step_index": item.step_index,
                "due_at": naive_utc(item.due_at),
                "status": PENDING,
                "attempts": 0,
                "next_attempt_at": naive_utc(item.due_at),
                "message_id": message_id(enrollment_id, item.step),
            }
            for item in planned
        ],
    )
