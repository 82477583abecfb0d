"""Index deliveries by enrollment and sent time: "one step a day" looks up each patient's last email.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_deliveries_enrollment_sent", "deliveries", ["enrollment_id", "sent_at"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_enrollment_sent", table_name="deliveries")
