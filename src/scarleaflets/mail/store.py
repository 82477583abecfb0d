"""State of the email series in a real database, through SQLAlchemy Core (SQLite by default, in WAL mode).

Tables: ``enrollments`` (who, in which language, brand, series and time zone, since when, with what consent),
``deliveries`` (one row per enrollment and step, ``UNIQUE(enrollment, step)``: due time, status, attempts,
next attempt, Message-ID, last error and when it first failed, sent time), ``suppressions`` (keyed hashes
only, per clinic for unsubscribes and erasures, for every clinic for bounces and complaints),
``bounce_events`` (bounce reports and complaints matched to a delivery: ids, kind, status, masked
diagnostic; unique per report) and ``sign_in_failures`` (the web service's failed sign-ins, shared by every
instance). Ids are never reused (AUTOINCREMENT on SQLite), so a link, Message-ID or return path of an erased
patient names no one else. The schema is
managed by Alembic migrations (``src/scarleaflets/mail/migrations``), applied when the store opens, so an upgrade
never loses data.

Every state change is a short transaction; on SQLite a claim is ``BEGIN IMMEDIATE``, on other databases
``SELECT … FOR UPDATE SKIP LOCKED``, so two workers never claim the same delivery. Personal data never goes to
logs; ``forget`` deletes it with SQLite's ``secure_delete`` on, so it is overwritten, not just unlinked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy.engine import Connection, Engine

from ..errors import ScarleafletsError

metadata = sa.MetaData()
MIGRATION_LOCK = 0x5CA21EAF  # the PostgreSQL advisory lock key that serialises migrations
ADDRESS_LIKE = re.compile(r"[^\s<>@,;:]+@[^\s<>@,;:]+")

enrollments = sa.Table(
    "enrollments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(320), nullable=True),
    sa.Column("email_hash", sa.String(64), nullable=False),
    sa.Column("name", sa.String(200), nullable=True),
    sa.Column("locale", sa.String(20), nullable=False),
    sa.Column("brand", sa.String(64), nullable=False),
    sa.Column("series", sa.String(64), nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("start_date", sa.Date, nullable=False),
    sa.Column("consent_at", sa.DateTime, nullable=False),
    sa.Column("consent_source", sa.String(200), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    # One *active* enrollment per address, clinic and series: re-enrolling after an unsubscribe (with fresh
    # consent) makes a new one, with a new id.
    sa.Index(
        "uq_active_enrollment",
        "email_hash",
        "brand",
        "series",
        unique=True,
        sqlite_where=sa.text("status = 'active'"),
        postgresql_where=sa.text("status = 'active'"),
    ),
    sa.Index("ix_enrollments_patient", "email_hash", "brand"),
    sa.Index("ix_enrollments_status", "status"),
    sqlite_autoincrement=True,  # ids are never reused: an erased patient's links can name no one else
)

deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "enrollment_id", sa.Integer, sa.ForeignKey("enrollments.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("step", sa.String(64), nullable=False),
    sa.Column("step_index", sa.Integer, nullable=False),
    sa.Column("due_at", sa.DateTime, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", sa.DateTime, nullable=False),
    sa.Column("message_id", sa.String(200), nullable=False),
    sa.Column("last_error", sa.String(500), nullable=True),
    sa.Column("first_failed_at", sa.DateTime, nullable=True),
    sa.Column("sent_at", sa.DateTime, nullable=True),
    sa.Column("claimed_at", sa.DateTime, nullable=True),
    sa.Column("claimed_by", sa.String(64), nullable=True),
    sa.UniqueConstraint("enrollment_id", "step", name="uq_delivery_per_step"),
    sa.Index("ix_deliveries_due", "status", "next_attempt_at"),
    sa.Index("ix_deliveries_enrollment_sent", "enrollment_id", "sent_at"),
    sqlite_autoincrement=True,
)

# Who must not be written to, by keyed hash: per clinic (``scope`` = brand id) for an unsubscribe or an erasure,
# for every clinic (``scope`` = ALL_CLINICS) for a hard bounce or a complaint.
suppressions = sa.Table(
    "suppressions",
    metadata,
    sa.Column("email_hash", sa.String(64), nullable=False),
    sa.Column("scope", sa.String(64), nullable=False),
    sa.Column("reason", sa.String(40), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.PrimaryKeyConstraint("email_hash", "scope", name="pk_suppression"),
)
ALL_CLINICS = "*"
# Suppressions that fresh consent, given after them, lifts; the others (bounced, complained) are for good.
LIFTED_BY_CONSENT = ("unsubscribed", "forgotten")

# Failed sign-ins to the web service (API bearer token, gallery password), shared by every instance: ``key`` is
# a keyed hash of the client's address (never the address) or a brand id. Rows older than the window are pruned.
sign_in_failures = sa.Table(
    "sign_in_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key_kind", sa.String(16), nullable=False),
    sa.Column("key", sa.String(64), nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Index("ix_sign_in_failures_key", "key_kind", "key", "at"),
    sa.Index("ix_sign_in_failures_at", "at"),
)

bounce_events = sa.Table(
    "bounce_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("report_key", sa.String(64), nullable=False),
    sa.Column("delivery_id", sa.Integer, sa.ForeignKey("deliveries.id", ondelete="CASCADE"), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("status", sa.String(40), nullable=False),
    sa.Column("diagnostic", sa.String(500), nullable=False),
    sa.Column("received_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("report_key", name="uq_bounce_report"),
    sa.Index("ix_bounce_events_delivery", "delivery_id"),
)

# Delivery statuses. "claimed" is held by a worker; an old claim (a worker that died) can be taken over.
PENDING, CLAIMED, SENT, DEFERRED, FAILED, CANCELLED = (
    "pending",
    "claimed",
    "sent",
    "deferred",
    "failed",
    "cancelled",
)
ACTIVE, UNSUBSCRIBED, COMPLETED, SUPPRESSED = "active", "unsubscribed", "completed", "suppressed"


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
    status=SENT, sent_at=sa.bindparam("at"), last_error=None, attempts=deliveries.c.attempts + 1
)
# The retry period counts from the first failure, kept from then on.
_FIRST_FAILED = sa.func.coalesce(deliveries.c.first_failed_at, sa.bindparam("at"))
_RECORD_RETRY = _finishing(
    status=sa.case((_ENROLLMENT_ACTIVE, DEFERRED), else_=CANCELLED),
    last_error=sa.bindparam("error"),
    next_attempt_at=sa.bindparam("until"),
    attempts=deliveries.c.attempts + 1,
    first_failed_at=_FIRST_FAILED,
)
_RECORD_FAILED = _finishing(
    status=FAILED,
    last_error=sa.bindparam("error"),
    attempts=deliveries.c.attempts + 1,
    first_failed_at=_FIRST_FAILED,
)
# Given back unsent, and uncharged: a delivery that had failed before stays "deferred".
_POSTPONE = _finishing(
    status=sa.case((~_ENROLLMENT_ACTIVE, CANCELLED), (deliveries.c.attempts > 0, DEFERRED), else_=PENDING),
    next_attempt_at=sa.bindparam("until"),
)
# A claim whose enrollment stopped (unsubscribed, suppressed) after it was claimed: cancelled, never sent.
_CANCEL_IF_STOPPED = _finishing(status=CANCELLED, last_error=_ENROLLMENT_STATUS).where(~_ENROLLMENT_ACTIVE)


class StoreError(ScarleafletsError):
    """The database cannot be used (bad URL, unreachable, newer schema than this version knows)."""


def naive_utc(moment: dt.datetime) -> dt.datetime:
    """Times are stored as naive UTC: the same on every database."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


def aware(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else moment.replace(tzinfo=dt.UTC)


def default_url(project_root: Path) -> str:
    return f"sqlite:///{project_root / 'var' / 'scarleaflets.db'}"


def database_problem(exc: sa.exc.SQLAlchemyError) -> str:
    """One line on a database failure, safe for logs: the driver's own first line ("connection refused",
    "database is locked") names the server or file, never a row. SQLAlchemy's full message would add the
    statement's parameters (e-mail addresses, names), and PostgreSQL's detail lines can quote a whole row."""
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0] if lines else exc.__class__.__name__


def make_engine(url: str) -> Engine:
    try:
        # hide_parameters: no bound value (an e-mail address, a name) in any exception message or log line.
        # pool_pre_ping: a server restart costs one failed pass, not every pooled connection failing in turn.
        server = sa.engine.make_url(url).get_backend_name() != "sqlite"
        engine = sa.create_engine(url, future=True, hide_parameters=True, pool_pre_ping=server)
    except sa.exc.ArgumentError as exc:
        raise StoreError(
            f"cannot use database URL: {exc}; write it like sqlite:///var/scarleaflets.db"
        ) from None
    except ImportError as exc:
        raise StoreError(
            f"cannot use database URL: its driver ({exc.name}) is not installed; for PostgreSQL install "
            "the driver with pip install 'scarleaflets[postgres]' and write postgresql+psycopg://…"
        ) from None
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        if database and database != ":memory:":
            try:
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot make the database's folder {Path(database).parent}: {exc.strerror}; "
                    "choose another place with --db or SCARLEAFLETS_DB"
                ) from None

        @sa.event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:  # noqa: ANN401 (DBAPI object)
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")  # in WAL mode: safe against crashes, one fsync less
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _sqlite_begin(connection: Connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (the newest by default); data is kept (each migration keeps it)."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(resources.files("scarleaflets.mail") / "migrations"))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        # SQLite rebuilds a table to change it; with foreign keys on, dropping the old enrollments table would
        # cascade into every delivery. The pragma is ignored inside a transaction, so it is set before one,
        # and the keys are checked before the migration commits (SQLite's documented procedure).
        raw = connection.connection.driver_connection
        if sqlite and raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    # Several instances starting at once on one server would each see the same old revision
                    # and run the same DDL (a duplicate-key error for all but one). The lock queues them for
                    # this transaction; each then reads the revision the one before it committed. (SQLite:
                    # BEGIN IMMEDIATE does this.)
                    connection.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK)))
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise StoreError("the migration left rows that break a foreign key; nothing was changed")
        finally:
            if sqlite and raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


@dataclass(frozen=True)
class NewEnrollment:
    email: str
    email_hash: str
    name: str | None
    locale: str
    brand: str
    series: str
    timezone: str
    start_date: dt.date
    consent_at: dt.datetime
    consent_source: str


@dataclass(frozen=True)
class PlannedDelivery:
    step: str
    step_index: int
    due_at: dt.datetime


@dataclass(frozen=True)
class DueDelivery:
    id: int
    enrollment_id: int
    step: str
    step_index: int
    due_at: dt.datetime
    attempts: int
    message_id: str
    email: str
    name: str | None
    locale: str
    brand: str
    series: str
    timezone: str
    last_sent_at: dt.datetime | None
    first_failed_at: dt.datetime | None = None


EARLIEST = dt.datetime(1970, 1, 1)


def _refuse_unless_consented(row: Any, consent: dt.datetime) -> None:  # noqa: ANN401 (a database row)
    """Raise StoreError for a suppression that this enrollment's consent does not lift."""
    when = f"{row.created_at:%Y-%m-%d %H:%M} UTC"
    where = "for every clinic" if row.scope == ALL_CLINICS else "for this clinic"
    if row.reason not in LIFTED_BY_CONSENT:
        raise StoreError(
            f"this address is on the suppression list {where} ({row.reason} on {when}): it cannot be enrolled"
        )
    if consent <= row.created_at:
        raise StoreError(
            f"this address is on the suppression list {where} ({row.reason} on {when}); enrolling it again "
            "needs consent given after that (consent_at)"
        )


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


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> Store:
        engine = make_engine(url)
        try:
            migrate(engine)
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot open the database: {database_problem(exc)}") from None
        return cls(engine)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            yield connection

    def close(self) -> None:
        self.engine.dispose()

    # enrollment -------------------------------------------------------------------------------------------

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
        new: NewEnrollment,
        planned: Sequence[PlannedDelivery],
        now: dt.datetime,
        message_id: Callable[[int, str], str],
    ) -> tuple[int, bool]:
        """Create the enrollment and its deliveries; an identical repeat returns the existing one unchanged.

        Returns (enrollment id, created). Raises StoreError for a suppressed address: for good after a hard
        bounce or a complaint; after an unsubscribe or an erasure, unless consent was given after it (then the
        clinic's suppression is lifted and a new enrollment, with a new id, is made)."""
        try:
            return self._enroll(new, planned, now, message_id)
        except sa.exc.IntegrityError:
            # The same request, at the same moment, through another server or thread (PostgreSQL does not
            # serialise the two as SQLite does): the other one made the enrollment, and this is a repeat.
            with self.engine.connect() as connection:
                existing = connection.execute(
                    sa.select(enrollments.c.id).where(
                        enrollments.c.email_hash == new.email_hash,
                        enrollments.c.brand == new.brand,
                        enrollments.c.series == new.series,
                        enrollments.c.status == ACTIVE,
                    )
                ).first()
            if existing is None:
                raise
            return int(existing.id), False

    def _enroll(
        self,
        new: NewEnrollment,
        planned: Sequence[PlannedDelivery],
        now: dt.datetime,
        message_id: Callable[[int, str], str],
    ) -> tuple[int, bool]:
        stamp = naive_utc(now)
        consent = naive_utc(new.consent_at)
        with self.transaction() as connection:
            blocking = self._suppressions(connection, new.email_hash, new.brand)
            for row in blocking:
                _refuse_unless_consented(row, consent)
            existing = connection.execute(
                sa.select(enrollments.c.id)
                .where(
                    enrollments.c.email_hash == new.email_hash,
                    enrollments.c.brand == new.brand,
                    enrollments.c.series == new.series,
                    enrollments.c.status.in_((ACTIVE, COMPLETED)),
                    enrollments.c.created_at >= max((row.created_at for row in blocking), default=EARLIEST),
                )
                .order_by(enrollments.c.id.desc())
            ).first()
            if existing is not None:
                return int(existing.id), False
            connection.execute(  # fresh consent lifts this clinic's unsubscribe or erasure
                suppressions.delete().where(
                    suppressions.c.email_hash == new.email_hash, suppressions.c.scope == new.brand
                )
            )
            enrollment_id = self._insert_enrollment(connection, new, stamp)
            if planned:
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
            return enrollment_id, True

    @staticmethod
    def _insert_enrollment(connection: Connection, new: NewEnrollment, stamp: dt.datetime) -> int:
        result = connection.execute(
            enrollments.insert().values(
                email=new.email,
                email_hash=new.email_hash,
                name=new.name,
                locale=new.locale,
                brand=new.brand,
                series=new.series,
                timezone=new.timezone,
                start_date=new.start_date,
                consent_at=naive_utc(new.consent_at),
                consent_source=new.consent_source,
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

    def enrollment_ids(self, email_hash: str, brand: str | None) -> list[int]:
        with self.engine.connect() as connection:
            return self._patient_ids(connection, email_hash, brand)

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

    # sending ----------------------------------------------------------------------------------------------

    def due_query(self, now: dt.datetime, limit: int, lease: dt.timedelta) -> sa.Select[Any]:
        """The deliveries due at ``now`` (and claims older than ``lease``), oldest first, with their patient."""
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
                enrollments.c.email,
                enrollments.c.name,
                enrollments.c.locale,
                enrollments.c.brand,
                enrollments.c.series,
                enrollments.c.timezone,
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
        """Claim up to ``limit`` due deliveries of active enrollments (and claims older than ``lease``)."""
        stamp = naive_utc(now)
        query = self.due_query(now, limit, lease)
        with self.transaction() as connection:
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
                email=r.email,
                name=r.name,
                locale=r.locale,
                brand=r.brand,
                series=r.series,
                timezone=r.timezone,
                last_sent_at=aware(r.last_sent_at),
                first_failed_at=aware(r.first_failed_at),
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

    def record_sent(self, delivery_id: int, worker: str, now: dt.datetime) -> None:
        self._finish(_RECORD_SENT, delivery_id, worker, at=naive_utc(now))

    def record_retry(
        self, delivery_id: int, worker: str, error: str, next_at: dt.datetime, now: dt.datetime
    ) -> None:
        self._finish(
            _RECORD_RETRY, delivery_id, worker, error=error[:500], until=naive_utc(next_at), at=naive_utc(now)
        )

    def record_failed(self, delivery_id: int, worker: str, error: str, now: dt.datetime) -> None:
        self._finish(_RECORD_FAILED, delivery_id, worker, error=error[:500], at=naive_utc(now))

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

    # bounces --------------------------------------------------------------------------------------------

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

    # reporting --------------------------------------------------------------------------------------------

    def status_rows(self, brand: str | None) -> list[dict[str, Any]]:
        """Per series, step and status: how many deliveries, and the next due time (one clinic, or all)."""
        query = (
            sa.select(
                enrollments.c.series,
                deliveries.c.step_index,
                deliveries.c.step,
                deliveries.c.status,
                sa.func.count().label("count"),
                sa.func.min(deliveries.c.next_attempt_at).label("next_at"),
            )
            .join(enrollments, enrollments.c.id == deliveries.c.enrollment_id)
            .where(*_of_clinic(brand))
            .group_by(enrollments.c.series, deliveries.c.step_index, deliveries.c.step, deliveries.c.status)
            .order_by(enrollments.c.series, deliveries.c.step_index)
        )
        with self.engine.connect() as connection:
            return [dict(r._mapping) for r in connection.execute(query)]

    def trouble_rows(self, brand: str | None, limit: int = 50) -> list[dict[str, Any]]:
        """Deliveries that failed (for good or for now), newest problem first, and claims with their age: ids,
        step, status, attempts, times and last error — no address or name."""
        query = (
            sa.select(
                deliveries.c.id,
                deliveries.c.enrollment_id,
                enrollments.c.series,
                deliveries.c.step_index,
                deliveries.c.step,
                deliveries.c.status,
                deliveries.c.attempts,
                deliveries.c.first_failed_at,
                deliveries.c.next_attempt_at,
                deliveries.c.claimed_at,
                deliveries.c.claimed_by,
                deliveries.c.last_error,
            )
            .join(enrollments, enrollments.c.id == deliveries.c.enrollment_id)
            .where(
                *_of_clinic(brand),
                sa.or_(
                    deliveries.c.status == CLAIMED,
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


def _of_clinic(brand: str | None) -> list[sa.ColumnElement[bool]]:
    """The condition for one clinic's enrollments (none: every clinic's)."""
    return [] if brand is None else [enrollments.c.brand == brand]
