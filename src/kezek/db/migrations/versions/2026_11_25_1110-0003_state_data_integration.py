"""state data integration: consents, fetch requests, answers as received, the request log

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 11:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import kezek.models.base

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consents",
        sa.Column("id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("family_id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=True),
        sa.Column("case_ref", sa.String(length=64), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("evidence", sa.String(length=200), nullable=True),
        sa.Column("given_at", kezek.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("valid_until", kezek.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", kezek.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column("kato", sa.String(length=9), nullable=False),
        sa.ForeignKeyConstraint(
            ["family_id"], ["families.id"], name=op.f("fk_consents_family_id_families"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name=op.f("fk_consents_person_id_persons")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consents_kato"), ["kato"], unique=False)
        batch_op.create_index("ix_consents_person_purpose", ["person_id", "purpose"], unique=False)
    op.create_table(
        "fetch_requests",
        sa.Column("id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=False),
        sa.Column("family_id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=True),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("case_ref", sa.String(length=64), nullable=True),
        sa.Column("kato", sa.String(length=9), nullable=False),
        sa.Column("requested_by_kind", sa.String(length=16), nullable=False),
        sa.Column("requested_by_id", sa.String(length=64), nullable=False),
        sa.Column(
            "subjects",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "systems",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=True),
        sa.Column("period_to", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "waiting_for",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "errors",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", kezek.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", kezek.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kezek.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("completed_at", kezek.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["families.id"],
            name=op.f("fk_fetch_requests_family_id_families"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fetch_requests")),
    )
    with op.batch_alter_table("fetch_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fetch_requests_case_ref"), ["case_ref"], unique=False)
        batch_op.create_index(batch_op.f("ix_fetch_requests_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fetch_requests_kato"), ["kato"], unique=False)
        batch_op.create_index(batch_op.f("ix_fetch_requests_status"), ["status"], unique=False)
    op.create_table(
        "state_data_answers",
        sa.Column("id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=False),
        sa.Column("fetch_request_id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=True),
        sa.Column("system", sa.String(length=32), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("answer_id", sa.String(length=64), nullable=False),
        sa.Column("received_at", kezek.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=True),
        sa.Column("period_to", sa.Date(), nullable=True),
        sa.Column("iin_count", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fetch_request_id"],
            ["fetch_requests.id"],
            name=op.f("fk_state_data_answers_fetch_request_id_fetch_requests"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_state_data_answers")),
    )
    with op.batch_alter_table("state_data_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_state_data_answers_fetch_request_id"), ["fetch_request_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_state_data_answers_request_id"), ["request_id"], unique=False)
    op.create_table(
        "state_data_requests",
        sa.Column("id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=False),
        sa.Column("occurred_at", kezek.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor_kind", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("case_ref", sa.String(length=64), nullable=True),
        sa.Column("legal_basis", sa.String(length=200), nullable=True),
        sa.Column("iin", sa.String(length=12), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=True),
        sa.Column("kato", sa.String(length=9), nullable=True),
        sa.Column(
            "systems",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "outcomes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("consent_id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=True),
        sa.Column("fetch_request_id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=True),
        sa.ForeignKeyConstraint(
            ["consent_id"], ["consents.id"], name=op.f("fk_state_data_requests_consent_id_consents")
        ),
        sa.ForeignKeyConstraint(
            ["fetch_request_id"],
            ["fetch_requests.id"],
            name=op.f("fk_state_data_requests_fetch_request_id_fetch_requests"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_state_data_requests_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_state_data_requests")),
    )
    with op.batch_alter_table("state_data_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_state_data_requests_fetch_request_id"), ["fetch_request_id"], unique=False
        )
        batch_op.create_index("ix_state_data_requests_iin_occurred", ["iin", "occurred_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_state_data_requests_kato"), ["kato"], unique=False)
        batch_op.create_index(batch_op.f("ix_state_data_requests_occurred_at"), ["occurred_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("state_data_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_state_data_requests_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_state_data_requests_kato"))
        batch_op.drop_index("ix_state_data_requests_iin_occurred")
        batch_op.drop_index(batch_op.f("ix_state_data_requests_fetch_request_id"))
    op.drop_table("state_data_requests")
    with op.batch_alter_table("state_data_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_state_data_answers_request_id"))
        batch_op.drop_index(batch_op.f("ix_state_data_answers_fetch_request_id"))
    op.drop_table("state_data_answers")
    with op.batch_alter_table("fetch_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fetch_requests_status"))
        batch_op.drop_index(batch_op.f("ix_fetch_requests_kato"))
        batch_op.drop_index(batch_op.f("ix_fetch_requests_family_id"))
        batch_op.drop_index(batch_op.f("ix_fetch_requests_case_ref"))
    op.drop_table("fetch_requests")
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.drop_index("ix_consents_person_purpose")
        batch_op.drop_index(batch_op.f("ix_consents_kato"))
    op.drop_table("consents")
