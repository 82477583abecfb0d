"""Ids that are never reused, one open enrollment per series, and a suppression list per clinic.

- ``enrollments`` and ``deliveries`` get AUTOINCREMENT ids on SQLite (PostgreSQL sequences never go back), so
  an erased patient's unsubscribe link, Message-ID or return path can never name a later patient. Ids freed
  before this migration cannot be known and are not protected; every id from now on is new.
- Uniqueness of (address, brand, series) holds for *active* enrollments only: after an unsubscribe, enrolling
  again with fresh consent makes a new enrollment (a new id), and the old one stays as it was.
- ``suppressions`` is keyed by (address hash, scope): a clinic's brand id for an unsubscribe or an erasure,
  ``*`` (every clinic) for a hard bounce or a complaint. Existing unsubscribes become per clinic for each clinic
  where the address was unsubscribed; the rest (bounces, erasures whose clinic is no longer known) stay for
  every clinic, the cautious reading.

On SQLite the two tables are rebuilt (the only way to add AUTOINCREMENT); ``store.migrate`` turns foreign keys
off around migrations, as SQLite's documentation asks for table rebuilds, and checks them afterwards.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ACTIVE_ONLY = sa.text("status = 'active'")


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in ("enrollments", "deliveries"):
        if sqlite:
            with op.batch_alter_table(
                table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
            ) as batch:
                if table == "enrollments":
                    batch.drop_constraint("uq_enrollment_per_series", type_="unique")
        elif table == "enrollments":
            op.drop_constraint("uq_enrollment_per_series", "enrollments", type_="unique")
    op.create_index(
        "uq_active_enrollment",
        "enrollments",
        ["email_hash", "brand", "series"],
        unique=True,
        sqlite_where=ACTIVE_ONLY,
        postgresql_where=ACTIVE_ONLY,
    )
    op.create_index("ix_enrollments_patient", "enrollments", ["email_hash", "brand"])
    _scope_suppressions()


def _scope_suppressions() -> None:
    op.create_table(
        "clinic_suppressions",
        sa.Column("email_hash", sa.String(64), nullable=False),
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("email_hash", "scope", name="pk_suppression"),
    )
    op.execute(
        "INSERT INTO clinic_suppressions (email_hash, scope, reason, created_at) "
        "SELECT DISTINCT s.email_hash, e.brand, s.reason, s.created_at FROM suppressions s "
        "JOIN enrollments e ON e.email_hash = s.email_hash AND e.status = 'unsubscribed' "
        "WHERE s.reason = 'unsubscribed'"
    )
    op.execute(
        "INSERT INTO clinic_suppressions (email_hash, scope, reason, created_at) "
        "SELECT s.email_hash, '*', s.reason, s.created_at FROM suppressions s "
        "WHERE NOT EXISTS (SELECT 1 FROM clinic_suppressions c WHERE c.email_hash = s.email_hash)"
    )
    op.drop_table("suppressions")
    op.rename_table("clinic_suppressions", "suppressions")


def downgrade() -> None:
    op.create_table(
        "global_suppressions",
        sa.Column("email_hash", sa.String(64), primary_key=True),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.execute(
        "INSERT INTO global_suppressions (email_hash, reason, created_at) "
        "SELECT email_hash, MIN(reason), MIN(created_at) FROM suppressions GROUP BY email_hash"
    )
    op.drop_table("suppressions")
    op.rename_table("global_suppressions", "suppressions")
    op.drop_index("ix_enrollments_patient", table_name="enrollments")
    op.drop_index("uq_active_enrollment", table_name="enrollments")
    with op.batch_alter_table("enrollments") as batch:
        batch.create_unique_constraint("uq_enrollment_per_series", ["email_hash", "brand", "series"])
