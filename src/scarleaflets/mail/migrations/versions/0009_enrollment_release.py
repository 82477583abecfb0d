"""Record on each enrollment the release whose series the patient was enrolled on: a step the current release no
longer has (renamed, removed) is composed from that release, so a changed series never strands a patient who
started before the change. Enrollments made before this migration keep it empty: they follow the current
release, as before.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("enrollments") as batch:
        batch.add_column(sa.Column("release", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("enrollments") as batch:
        batch.drop_column("release")
