"""audit: the case a read serves (case_ref)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_access_log") as batch:
        batch.add_column(sa.Column("case_ref", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_access_log") as batch:
        batch.drop_column("case_ref")
