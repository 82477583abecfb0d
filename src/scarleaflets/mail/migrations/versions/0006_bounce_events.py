"""Bounce events: every bounce report and complaint matched to one of our deliveries, by ids only.

A hard bounce or a complaint also suppresses the address (that is the ``suppressions`` table); this table keeps
what was reported, including soft bounces, which change nothing else. ``report_key`` (a SHA-256 of the report's
bytes) is unique, so a report read twice is counted once. No address is stored: the diagnostic text is kept
with addresses masked.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bounce_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("report_key", sa.String(64), nullable=False),
        sa.Column(
            "delivery_id", sa.Integer, sa.ForeignKey("deliveries.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("diagnostic", sa.String(500), nullable=False),
        sa.Column("received_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("report_key", name="uq_bounce_report"),
    )
    op.create_index("ix_bounce_events_delivery", "bounce_events", ["delivery_id"])


def downgrade() -> None:
    op.drop_index("ix_bounce_events_delivery", table_name="bounce_events")
    op.drop_table("bounce_events")
