"""Record which worker claimed a delivery, and index enrollments by status for the due query.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(64), nullable=True))
    op.create_index("ix_enrollments_status", "enrollments", ["status"])


def downgrade() -> None:
    op.drop_index("ix_enrollments_status", table_name="enrollments")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("claimed_by")
