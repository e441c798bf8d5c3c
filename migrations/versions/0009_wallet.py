"""wallet: credential offers, nonces, status lists, issued credentials, verifiers and their requests,
the web wallet's store (held credentials, receipts) and the citizen's history (유통이력)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TABLES = (
    "wallet_held_credentials",
    "wallet_history",
    "wallet_nonces",
    "wallet_offers",
    "wallet_receipts",
    "wallet_status_lists",
    "wallet_verifiers",
    "wallet_issued_credentials",
    "wallet_presentation_requests",
)


def upgrade() -> None:
    op.create_table(
        "wallet_held_credentials",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("owner", sa.String(length=80), nullable=False),
        sa.Column("group_id", sa.String(length=40), nullable=False),
        sa.Column("vct", sa.String(length=200), nullable=False),
        sa.Column("doc_type", sa.String(length=60), nullable=False),
        sa.Column("issuer", sa.String(length=300), nullable=False),
        sa.Column("credential", sa.LargeBinary(), nullable=False),
        sa.Column("holder_key", sa.LargeBinary(), nullable=False),
        sa.Column("status_uri", sa.String(length=300), nullable=True),
        sa.Column("status_index", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallet_held_credentials")),
    )
    op.create_index(
        op.f("ix_wallet_held_credentials_group_id"), "wallet_held_credentials", ["group_id"], unique=False
    )
    op.create_index(
        op.f("ix_wallet_held_credentials_owner"), "wallet_held_credentials", ["owner"], unique=False
    )
    op.create_table(
        "wallet_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("owner", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("doc_type", sa.String(length=60), nullable=False),
        sa.Column("counterparty", sa.String(length=200), nullable=False),
        sa.Column("claims", sa.Text(), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=False),
        sa.Column("access_position", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallet_history")),
    )
    op.create_index(op.f("ix_wallet_history_owner"), "wallet_history", ["owner"], unique=False)
    op.create_table(
        "wallet_nonces",
        sa.Column("nonce_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("nonce_hash", name=op.f("pk_wallet_nonces")),
    )
    op.create_table(
        "wallet_offers",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("person_id", sa.String(length=80), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("doc_type", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("redeemed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallet_offers")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_wallet_offers_code_hash")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_wallet_offers_token_hash")),
    )
    op.create_index(op.f("ix_wallet_offers_person_id"), "wallet_offers", ["person_id"], unique=False)
    op.create_table(
        "wallet_receipts",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("owner", sa.String(length=80), nullable=False),
        sa.Column("verifier", sa.String(length=80), nullable=False),
        sa.Column("verifier_name", sa.String(length=200), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("presentation_hash", sa.String(length=64), nullable=False),
        sa.Column("claims", sa.Text(), nullable=False),
        sa.Column("purpose", sa.String(length=300), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallet_receipts")),
    )
    op.create_index(op.f("ix_wallet_receipts_owner"), "wallet_receipts", ["owner"], unique=False)
    op.create_table(
        "wallet_status_lists",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("uri", sa.String(length=300), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("bits", sa.Integer(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.Column("bitmap", sa.LargeBinary(), nullable=False),
        sa.Column("allocated", sa.LargeBinary(), nullable=False),
        sa.Column("ttl_seconds", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallet_status_lists")),
        sa.UniqueConstraint("uri", name=op.f("uq_wallet_status_lists_uri")),
    )
    op.create_table(
        "wallet_verifiers",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("client_id", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=300), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=False),
        sa.Column("signing_key", sa.LargeBinary(), nullable=False),
        sa.Column("manage_key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallet_verifiers")),
        sa.UniqueConstraint("client_id", name=op.f("uq_wallet_verifiers_client_id")),
    )
    op.create_table(
        "wallet_issued_credentials",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("batch_id", sa.String(length=40), nullable=False),
        sa.Column("person_id", sa.String(length=80), nullable=False),
        sa.Column("doc_type", sa.String(length=60), nullable=False),
        sa.Column("status_list_id", sa.String(length=40), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("holder_thumbprint", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_reason", sa.String(length=300), nullable=True),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status_changed_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["status_list_id"],
            ["wallet_status_lists.id"],
            name=op.f("fk_wallet_issued_credentials_status_list_id_wallet_status_lists"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallet_issued_credentials")),
        sa.UniqueConstraint(
            "status_list_id", "status_index", name=op.f("uq_wallet_issued_credentials_status_list_id")
        ),
    )
    op.create_index(
        op.f("ix_wallet_issued_credentials_batch_id"), "wallet_issued_credentials", ["batch_id"], unique=False
    )
    op.create_index(
        op.f("ix_wallet_issued_credentials_person_id"),
        "wallet_issued_credentials",
        ["person_id"],
        unique=False,
    )
    op.create_table(
        "wallet_presentation_requests",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("verifier_id", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("dcql", sa.Text(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("failure_code", sa.String(length=80), nullable=True),
        sa.Column("failure_message", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["verifier_id"],
            ["wallet_verifiers.id"],
            name=op.f("fk_wallet_presentation_requests_verifier_id_wallet_verifiers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallet_presentation_requests")),
        sa.UniqueConstraint("state", name=op.f("uq_wallet_presentation_requests_state")),
    )
    op.create_index(
        op.f("ix_wallet_presentation_requests_verifier_id"),
        "wallet_presentation_requests",
        ["verifier_id"],
        unique=False,
    )


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
