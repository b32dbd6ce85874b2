"""housing assistance: claims, consents, documents, calculations with cost lines, commission sessions,
decisions and the months they cover

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 02:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import kezek.models.base

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.INTEGER(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "assistance_sessions",
        sa.Column("id", _ID, nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("kato", sa.String(length=9), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("chair", sa.String(length=200), nullable=False),
        sa.Column("members", _JSON, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_by", sa.String(length=64), nullable=False),
        sa.Column("opened_at", kezek.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", kezek.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("protocol", _JSON, nullable=True),
        sa.Column("protocol_sha256", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_sessions")),
        sa.UniqueConstraint("number", name=op.f("uq_assistance_sessions_number")),
    )
    with op.batch_alter_table("assistance_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assistance_sessions_kato"), ["kato"], unique=False)

    op.create_table(
        "assistance_claims",
        sa.Column("id", _ID, nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("kato", sa.String(length=9), nullable=False),
        sa.Column("applicant_person_id", _ID, nullable=False),
        sa.Column("family_id", _ID, nullable=True),
        sa.Column("previous_claim_id", _ID, nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("submitted_by_kind", sa.String(length=16), nullable=False),
        sa.Column("submitted_by_id", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("quarter_start", sa.Date(), nullable=False),
        sa.Column("first_month", sa.Date(), nullable=False),
        sa.Column("period_months", sa.Integer(), nullable=False),
        sa.Column("tenure", sa.String(length=16), nullable=False),
        sa.Column("dwelling_address", sa.String(length=300), nullable=False),
        sa.Column("dwelling_area_dm2", sa.Integer(), nullable=True),
        sa.Column("received_at", kezek.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("consent_until", sa.Date(), nullable=False),
        sa.Column("complete_at", kezek.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("counted_from", sa.Date(), nullable=True),
        sa.Column("deadline_rule", sa.String(length=64), nullable=True),
        sa.Column("deadline_days", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("paused_days", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("assigned_official_id", _ID, nullable=True),
        sa.Column("end_reason", sa.String(length=48), nullable=True),
        sa.Column("state_data", _JSON, nullable=True),
        sa.Column("fetch_ref", sa.String(length=64), nullable=True),
        sa.Column("fetch_error", sa.String(length=200), nullable=True),
        sa.Column("iban", sa.String(length=34), nullable=True),
        sa.Column("bank_bic", sa.String(length=11), nullable=True),
        sa.Column("bank_name", sa.String(length=200), nullable=True),
        sa.Column("proposed_outcome", sa.String(length=16), nullable=True),
        sa.Column("proposed_reason", sa.String(length=32), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.Column("session_id", _ID, nullable=True),
        sa.Column(
            "created_at",
            kezek.models.base.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["applicant_person_id"],
            ["persons.id"],
            name=op.f("fk_assistance_claims_applicant_person_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["assigned_official_id"],
            ["officials.id"],
            name=op.f("fk_assistance_claims_assigned_official_id_officials"),
        ),
        sa.ForeignKeyConstraint(
            ["family_id"], ["families.id"], name=op.f("fk_assistance_claims_family_id_families")
        ),
        sa.ForeignKeyConstraint(
            ["previous_claim_id"],
            ["assistance_claims.id"],
            name=op.f("fk_assistance_claims_previous_claim_id_assistance_claims"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["assistance_sessions.id"],
            name=op.f("fk_assistance_claims_session_id_assistance_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_claims")),
        sa.UniqueConstraint("number", name=op.f("uq_assistance_claims_number")),
    )
    with op.batch_alter_table("assistance_claims", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assistance_claims_applicant_quarter", ["applicant_person_id", "quarter_start"], unique=False
        )
        batch_op.create_index(
            "ix_assistance_claims_kato_status_due", ["kato", "status", "due_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assistance_claims_session_id"), ["session_id"], unique=False)

    op.create_table(
        "assistance_calculations",
        sa.Column("id", _ID, nullable=False),
        sa.Column("claim_id", _ID, nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("computed_at", kezek.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("kato", sa.String(length=9), nullable=False),
        sa.Column("rules_version", sa.String(length=64), nullable=False),
        sa.Column("family_size", sa.Integer(), nullable=False),
        sa.Column("period_months", sa.Integer(), nullable=False),
        sa.Column("norm_area_dm2", sa.Integer(), nullable=False),
        sa.Column("capped_area_dm2", sa.Integer(), nullable=False),
        sa.Column("income_quarter_tiyn", sa.BigInteger(), nullable=False),
        sa.Column("share_ppm", sa.Integer(), nullable=False),
        sa.Column("income_share_tiyn", sa.BigInteger(), nullable=False),
        sa.Column("costs_within_tiyn", sa.BigInteger(), nullable=False),
        sa.Column("amount_period_tiyn", sa.BigInteger(), nullable=False),
        sa.Column("amount_month_tiyn", sa.BigInteger(), nullable=False),
        sa.Column("refusal_reasons", _JSON, nullable=False),
        sa.Column("incomes", _JSON, nullable=False),
        sa.Column("trace", _JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["assistance_claims.id"],
            name=op.f("fk_assistance_calculations_claim_id_assistance_claims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_calculations")),
    )
    with op.batch_alter_table("assistance_calculations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assistance_calculations_claim_current", ["claim_id", "current"], unique=False
        )

    op.create_table(
        "assistance_consents",
        sa.Column("id", _ID, nullable=False),
        sa.Column("claim_id", _ID, nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("relation", sa.String(length=16), nullable=False),
        sa.Column("requested_at", kezek.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.String(length=16), nullable=False),
        sa.Column("answered_at", kezek.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("answered_via", sa.String(length=16), nullable=True),
        sa.Column("consent_ref", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["assistance_claims.id"],
            name=op.f("fk_assistance_consents_claim_id_assistance_claims"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_assistance_consents_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_consents")),
        sa.UniqueConstraint("claim_id", "person_id", name=op.f("uq_assistance_consents_claim_id_person_id")),
    )
    with op.batch_alter_table("assistance_consents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assistance_consents_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assistance_consents_person_id"), ["person_id"], unique=False)

    op.create_table(
        "assistance_documents",
        sa.Column("id", _ID, nullable=False),
        sa.Column("claim_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("service", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("requested_at", kezek.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("provided_at", kezek.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=True),
        sa.Column("content_type", sa.String(length=64), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("amount_tiyn", sa.BigInteger(), nullable=True),
        sa.Column("quantity_milli", sa.BigInteger(), nullable=True),
        sa.Column("tariff_tiyn", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["assistance_claims.id"],
            name=op.f("fk_assistance_documents_claim_id_assistance_claims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_documents")),
    )
    with op.batch_alter_table("assistance_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assistance_documents_claim_id"), ["claim_id"], unique=False)

    op.create_table(
        "assistance_cost_lines",
        sa.Column("id", _ID, nullable=False),
        sa.Column("calculation_id", _ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=16), nullable=False),
        sa.Column("actual_tiyn", sa.BigInteger(), nullable=False),
        sa.Column("allowed_tiyn", sa.BigInteger(), nullable=False),
        sa.Column("within_tiyn", sa.BigInteger(), nullable=False),
        sa.Column("quantity_milli", sa.BigInteger(), nullable=False),
        sa.Column("tariff_tiyn", sa.BigInteger(), nullable=False),
        sa.Column("rule", sa.String(length=48), nullable=False),
        sa.Column("norm", _JSON, nullable=False),
        sa.Column("source", sa.String(length=48), nullable=False),
        sa.ForeignKeyConstraint(
            ["calculation_id"],
            ["assistance_calculations.id"],
            name=op.f("fk_assistance_cost_lines_calculation_id_assistance_calculations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_cost_lines")),
    )
    with op.batch_alter_table("assistance_cost_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assistance_cost_lines_calculation_id"), ["calculation_id"], unique=False
        )

    op.create_table(
        "assistance_decisions",
        sa.Column("id", _ID, nullable=False),
        sa.Column("claim_id", _ID, nullable=False),
        sa.Column("session_id", _ID, nullable=True),
        sa.Column("calculation_id", _ID, nullable=True),
        sa.Column("kato", sa.String(length=9), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason_code", sa.String(length=32), nullable=True),
        sa.Column("legal_reference", sa.String(length=300), nullable=False),
        sa.Column("amount_month_tiyn", sa.BigInteger(), nullable=False),
        sa.Column("first_month", sa.Date(), nullable=True),
        sa.Column("last_month", sa.Date(), nullable=True),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("total_tiyn", sa.BigInteger(), nullable=False),
        sa.Column("bulk", sa.Boolean(), nullable=False),
        sa.Column("decided_at", kezek.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("notice_id", _ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["calculation_id"],
            ["assistance_calculations.id"],
            name=op.f("fk_assistance_decisions_calculation_id_assistance_calculations"),
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["assistance_claims.id"],
            name=op.f("fk_assistance_decisions_claim_id_assistance_claims"),
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_assistance_decisions_notice_id_notices")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["assistance_sessions.id"],
            name=op.f("fk_assistance_decisions_session_id_assistance_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_decisions")),
        sa.UniqueConstraint("claim_id", name=op.f("uq_assistance_decisions_claim_id")),
    )
    with op.batch_alter_table("assistance_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assistance_decisions_kato"), ["kato"], unique=False)
        batch_op.create_index(batch_op.f("ix_assistance_decisions_session_id"), ["session_id"], unique=False)

    op.create_table(
        "assistance_months",
        sa.Column("id", _ID, nullable=False),
        sa.Column("decision_id", _ID, nullable=False),
        sa.Column("claim_id", _ID, nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("kato", sa.String(length=9), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("amount_tiyn", sa.BigInteger(), nullable=False),
        sa.Column("iban", sa.String(length=34), nullable=True),
        sa.Column("bank_bic", sa.String(length=11), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["assistance_claims.id"],
            name=op.f("fk_assistance_months_claim_id_assistance_claims"),
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["assistance_decisions.id"],
            name=op.f("fk_assistance_months_decision_id_assistance_decisions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_assistance_months_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_months")),
        sa.UniqueConstraint("decision_id", "month", name=op.f("uq_assistance_months_decision_id_month")),
    )
    with op.batch_alter_table("assistance_months", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assistance_months_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index("ix_assistance_months_month_kato", ["month", "kato"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assistance_months", schema=None) as batch_op:
        batch_op.drop_index("ix_assistance_months_month_kato")
        batch_op.drop_index(batch_op.f("ix_assistance_months_claim_id"))

    op.drop_table("assistance_months")
    with op.batch_alter_table("assistance_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assistance_decisions_session_id"))
        batch_op.drop_index(batch_op.f("ix_assistance_decisions_kato"))

    op.drop_table("assistance_decisions")
    with op.batch_alter_table("assistance_cost_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assistance_cost_lines_calculation_id"))

    op.drop_table("assistance_cost_lines")
    with op.batch_alter_table("assistance_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assistance_documents_claim_id"))

    op.drop_table("assistance_documents")
    with op.batch_alter_table("assistance_consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assistance_consents_person_id"))
        batch_op.drop_index(batch_op.f("ix_assistance_consents_claim_id"))

    op.drop_table("assistance_consents")
    with op.batch_alter_table("assistance_calculations", schema=None) as batch_op:
        batch_op.drop_index("ix_assistance_calculations_claim_current")

    op.drop_table("assistance_calculations")
    with op.batch_alter_table("assistance_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assistance_claims_session_id"))
        batch_op.drop_index("ix_assistance_claims_kato_status_due")
        batch_op.drop_index("ix_assistance_claims_applicant_quarter")

    op.drop_table("assistance_claims")
    with op.batch_alter_table("assistance_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assistance_sessions_kato"))

    op.drop_table("assistance_sessions")
