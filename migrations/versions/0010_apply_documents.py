"""apply: documents uploaded for an application (PDF, JPEG or PNG, kept in the database)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "apply_documents",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("application_id", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),  # BLOB on SQLite, BYTEA on PostgreSQL
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["apply_applications.id"],
            name=op.f("fk_apply_documents_application_id_apply_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apply_documents")),
    )
    op.create_index(
        "ix_apply_documents_application_uploaded", "apply_documents", ["application_id", "uploaded_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_apply_documents_application_uploaded", table_name="apply_documents")
    op.drop_table("apply_documents")
