"""apply: submissions, applications and their status timeline

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "apply_submissions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("person_id", sa.String(length=80), nullable=False),
        sa.Column("submission_key", sa.String(length=80), nullable=False),
        sa.Column("bundle", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apply_submissions")),
        sa.UniqueConstraint("person_id", "submission_key", name="uq_apply_submissions_person_key"),
    )
    op.create_table(
        "apply_applications",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("receipt_no", sa.String(length=30), nullable=False),
        sa.Column("submission_id", sa.String(length=40), nullable=False),
        sa.Column("person_id", sa.String(length=80), nullable=False),
        sa.Column("bundle", sa.String(length=40), nullable=True),
        sa.Column("service_id", sa.String(length=60), nullable=False),
        sa.Column("service_name", sa.String(length=200), nullable=False),
        sa.Column("part", sa.String(length=40), nullable=True),
        sa.Column("part_name", sa.String(length=200), nullable=True),
        sa.Column("beneficiary", sa.String(length=80), nullable=False),
        sa.Column("beneficiary_name", sa.String(length=100), nullable=False),
        sa.Column("office", sa.String(length=60), nullable=False),
        sa.Column("office_name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("consent_id", sa.String(length=40), nullable=True),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("unavailable", sa.JSON(), nullable=False),
        sa.Column("corrections", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("eligibility", sa.JSON(), nullable=False),
        sa.Column("clear_case", sa.Boolean(), nullable=False),
        sa.Column("second_look", sa.Boolean(), nullable=False),
        sa.Column("bulk_by", sa.String(length=80), nullable=True),
        sa.Column("decision_code", sa.String(length=40), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["apply_submissions.id"],
            name=op.f("fk_apply_applications_submission_id_apply_submissions"),
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apply_applications")),
        sa.UniqueConstraint("receipt_no", name="uq_apply_applications_receipt_no"),
    )
    op.create_index("ix_apply_applications_person_created", "apply_applications", ["person_id", "created_at"])
    op.create_index("ix_apply_applications_office_status", "apply_applications", ["office", "status"])
    op.create_index("ix_apply_applications_submission_id", "apply_applications", ["submission_id"])
    op.create_table(
        "apply_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("application_id", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("office", sa.String(length=60), nullable=False),
        sa.Column("reason_code", sa.String(length=40), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"], ["apply_applications.id"],
            name=op.f("fk_apply_events_application_id_apply_applications"),
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apply_events")),
    )
    op.create_index("ix_apply_events_application_at", "apply_events", ["application_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_apply_events_application_at", table_name="apply_events")
    op.drop_table("apply_events")
    op.drop_index("ix_apply_applications_submission_id", table_name="apply_applications")
    op.drop_index("ix_apply_applications_office_status", table_name="apply_applications")
    op.drop_index("ix_apply_applications_person_created", table_name="apply_applications")
    op.drop_table("apply_applications")
    op.drop_table("apply_submissions")
