"""notices: 전자 사서함 notices, delivery outbox, channel choices, bills and payments

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
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
        "notices_notices",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("person_id", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sender", sa.String(length=200), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices_notices")),
        sa.UniqueConstraint("person_id", "dedupe_key", name="uq_notices_notices_person_dedupe"),
    )
    with op.batch_alter_table("notices_notices") as batch:
        batch.create_index("ix_notices_notices_person_created", ["person_id", "created_at"], unique=False)

    op.create_table(
        "notices_deliveries",
        sa.Column("id", sa.String(length=50), nullable=False),
        sa.Column("notice_id", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["notices_notices.id"],
            name=op.f("fk_notices_deliveries_notice_id_notices_notices"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices_deliveries")),
        sa.UniqueConstraint("notice_id", "channel", name="uq_notices_deliveries_notice_channel"),
    )
    with op.batch_alter_table("notices_deliveries") as batch:
        batch.create_index("ix_notices_deliveries_status_created", ["status", "created_at"], unique=False)

    op.create_table(
        "notices_channel_choices",
        sa.Column("person_id", sa.String(length=80), nullable=False),
        sa.Column("sms_phone", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_notices_channel_choices")),
    )

    op.create_table(
        "notices_bills",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("person_id", sa.String(length=80), nullable=False),
        sa.Column("agency", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("amount_won", sa.BigInteger(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notice_id", sa.String(length=40), nullable=True),
        sa.CheckConstraint("amount_won > 0", name=op.f("ck_notices_bills_amount_positive")),
        sa.CheckConstraint("status IN ('unpaid', 'paid')", name=op.f("ck_notices_bills_status_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices_bills")),
        sa.UniqueConstraint("person_id", "dedupe_key", name="uq_notices_bills_person_dedupe"),
    )

    op.create_table(
        "notices_payments",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("bill_id", sa.String(length=40), nullable=False),
        sa.Column("person_id", sa.String(length=80), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.Column("amount_won", sa.BigInteger(), nullable=False),
        sa.Column("receipt_number", sa.String(length=100), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["notices_bills.id"], name=op.f("fk_notices_payments_bill_id_notices_bills")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices_payments")),
        sa.UniqueConstraint("bill_id", name=op.f("uq_notices_payments_bill_id")),
        sa.UniqueConstraint("person_id", "idempotency_key", name="uq_notices_payments_person_key"),
    )


def downgrade() -> None:
    op.drop_table("notices_payments")
    op.drop_table("notices_bills")
    op.drop_table("notices_channel_choices")
    with op.batch_alter_table("notices_deliveries") as batch:
        batch.drop_index("ix_notices_deliveries_status_created")
    op.drop_table("notices_deliveries")
    with op.batch_alter_table("notices_notices") as batch:
        batch.drop_index("ix_notices_notices_person_created")
    op.drop_table("notices_notices")
