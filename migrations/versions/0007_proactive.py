"""proactive: runs of the 복지멤버십 job

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "proactive_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("engine", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("previous_run_id", sa.Integer(), nullable=True),
        sa.Column("persons", sa.BigInteger(), nullable=False),
        sa.Column("members", sa.BigInteger(), nullable=False),
        sa.Column("eligible", sa.BigInteger(), nullable=False),
        sa.Column("newly_eligible", sa.BigInteger(), nullable=False),
        sa.Column("notices", sa.BigInteger(), nullable=False),
        sa.Column("snapshot", sa.String(length=500), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proactive_runs")),
    )
    with op.batch_alter_table("proactive_runs") as batch:
        batch.create_index(batch.f("ix_proactive_runs_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("proactive_runs") as batch:
        batch.drop_index(batch.f("ix_proactive_runs_status"))
    op.drop_table("proactive_runs")
