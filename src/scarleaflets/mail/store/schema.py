"""The tables of the mail store (SQLAlchemy Core) and the values their status columns take.

Tables: ``enrollments`` (who, in which language, brand, series and time zone, since when, with what consent),
``deliveries`` (one row per enrollment and step, ``UNIQUE(enrollment, step)``: due time, status, attempts,
next attempt, Message-ID, last error and when it first failed, sent time, and the release its email was
composed from), ``suppressions`` (keyed hashes only, per clinic for unsubscribes and erasures, for every clinic
for bounces and complaints), ``bounce_events`` (bounce reports and complaints matched to a delivery: ids, kind,
status, masked diagnostic; unique per report) and ``sign_in_failures`` (the web service's failed sign-ins,
shared by every instance). Ids are never reused (AUTOINCREMENT on SQLite), so a link, Message-ID or return
path of an erased patient names no one else. The migrations (``mail/migrations``) create exactly these tables;
a test compares them. Times are stored as naive UTC (:func:`naive_utc`), the same on every database.
"""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

metadata = sa.MetaData()
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
    # The release whose series the patient was enrolled on (None: enrolled before this was recorded): a step
    # the current release no longer has is composed from it, so a changed series never strands a patient.
    sa.Column("release", sa.Text, nullable=True),
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
    sa.Column("release", sa.Text, nullable=True),  # the release the email was composed from (None: unknown)
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
# A pending (or deferred) delivery whose last error starts so is blocked: its step, series, brand or language is
# not in the content the sender loaded. It is tried again later, uncharged, and `status` shows it as "blocked".
BLOCKED = "blocked"
BLOCKED_PREFIX = "blocked: "


def naive_utc(moment: dt.datetime) -> dt.datetime:
    """Times are stored as naive UTC: the same on every database."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


def aware(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else moment.replace(tzinfo=dt.UTC)
