"""housing assistance payments: registries per bank and their lines, bank responses, overpayment
proposals, shadow-mode runs and the yearly budget allocation

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 02:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import kezek.models.base

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assistance_budgets",
        sa.Column("id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=False),
        sa.Column("kato", sa.String(length=9), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount_tiyn", sa.BigInteger(), nullable=False),
        sa.Column("set_at", kezek.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("set_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_budgets")),
        sa.UniqueConstraint("kato", "year", name=op.f("uq_assistance_budgets_kato_year")),
    )
    op.create_table(
        "assistance_shadow_runs",
        sa.Column("id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=False),
        sa.Column("kato_prefix", sa.String(length=9), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", kezek.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column(
            "counts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("total_kezek_tiyn", sa.BigInteger(), nullable=False),
        sa.Column("total_file_tiyn", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_shadow_runs")),
    )
    op.create_table(
        "payment_bank_responses",
        sa.Column("id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", kezek.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=80), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("paid", sa.Integer(), nullable=False),
        sa.Column("returned", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_bank_responses")),
    )
    with op.batch_alter_table("payment_bank_responses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_bank_responses_sha256"), ["sha256"], unique=False)

    op.create_table(
        "payment_registries",
        sa.Column("id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=False),
        sa.Column("number", sa.String(length=35), nullable=False),
        sa.Column("kato_prefix", sa.String(length=9), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("bank_code", sa.String(length=3), nullable=False),
        sa.Column("bank_bic", sa.String(length=11), nullable=True),
        sa.Column("bank_name", sa.String(length=100), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column(
            "payer",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("execution_date", sa.Date(), nullable=False),
        sa.Column("created_at", kezek.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("sent_at", kezek.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("sent_by", sa.String(length=80), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("total_tiyn", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_registries")),
        sa.UniqueConstraint(
            "kato_prefix",
            "month",
            "bank_code",
            "seq",
            name=op.f("uq_payment_registries_kato_prefix_month_bank_code_seq"),
        ),
        sa.UniqueConstraint("number", name=op.f("uq_payment_registries_number")),
    )
    op.create_table(
        "assistance_shadow_lines",
        sa.Column("id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=False),
        sa.Column("run_id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("claim_number", sa.String(length=40), nullable=False),
        sa.Column("claim_id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=True),
        sa.Column("kezek_tiyn", sa.BigInteger(), nullable=True),
        sa.Column("file_tiyn", sa.BigInteger(), nullable=True),
        sa.Column("difference_tiyn", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "detail",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["assistance_claims.id"],
            name=op.f("fk_assistance_shadow_lines_claim_id_assistance_claims"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["assistance_shadow_runs.id"],
            name=op.f("fk_assistance_shadow_lines_run_id_assistance_shadow_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_shadow_lines")),
    )
    with op.batch_alter_table("assistance_shadow_lines", schema=None) as batch_op:
        batch_op.create_index("ix_assistance_shadow_lines_run", ["run_id", "status"], unique=False)

    op.create_table(
        "payment_overpayments",
        sa.Column("id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=False),
        sa.Column("claim_id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=False),
        sa.Column("claim_number", sa.String(length=40), nullable=False),
        sa.Column("kato", sa.String(length=9), nullable=False),
        sa.Column("cause", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=True),
        sa.Column("paid_tiyn", sa.BigInteger(), nullable=False),
        sa.Column("due_tiyn", sa.BigInteger(), nullable=False),
        sa.Column("difference_tiyn", sa.BigInteger(), nullable=False),
        sa.Column(
            "months",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", kezek.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("decided_at", kezek.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=80), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["assistance_claims.id"],
            name=op.f("fk_payment_overpayments_claim_id_assistance_claims"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_overpayments")),
    )
    with op.batch_alter_table("payment_overpayments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_overpayments_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payment_overpayments_kato"), ["kato"], unique=False)
        batch_op.create_index(
            "uq_payment_overpayments_open",
            ["claim_id"],
            unique=True,
            postgresql_where=sa.text("status = 'proposed'"),
            sqlite_where=sa.text("status = 'proposed'"),
        )

    op.create_table(
        "payment_lines",
        sa.Column("id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=False),
        sa.Column("registry_id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=False),
        sa.Column("month_id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=False),
        sa.Column("claim_id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=False),
        sa.Column("claim_number", sa.String(length=40), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=False),
        sa.Column("reference", sa.String(length=35), nullable=False),
        sa.Column("for_month", sa.Date(), nullable=False),
        sa.Column("kato", sa.String(length=9), nullable=False),
        sa.Column("iin", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("iban", sa.String(length=34), nullable=False),
        sa.Column("amount_tiyn", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("response_id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=True),
        sa.Column("value_date", sa.Date(), nullable=True),
        sa.Column("return_code", sa.String(length=8), nullable=True),
        sa.Column("return_reason", sa.String(length=200), nullable=True),
        sa.Column("correction", sa.String(length=10), nullable=True),
        sa.Column("corrected_iban", sa.String(length=34), nullable=True),
        sa.Column("corrected_at", kezek.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("corrected_by", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["assistance_claims.id"], name=op.f("fk_payment_lines_claim_id_assistance_claims")
        ),
        sa.ForeignKeyConstraint(
            ["month_id"], ["assistance_months.id"], name=op.f("fk_payment_lines_month_id_assistance_months")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_payment_lines_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["registry_id"],
            ["payment_registries.id"],
            name=op.f("fk_payment_lines_registry_id_payment_registries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["payment_bank_responses.id"],
            name=op.f("fk_payment_lines_response_id_payment_bank_responses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_lines")),
        sa.UniqueConstraint("reference", name=op.f("uq_payment_lines_reference")),
    )
    with op.batch_alter_table("payment_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_lines_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payment_lines_month_id"), ["month_id"], unique=False)
        batch_op.create_index("ix_payment_lines_registry", ["registry_id", "status"], unique=False)
        batch_op.create_index(
            "uq_payment_lines_live_month",
            ["month_id"],
            unique=True,
            postgresql_where=sa.text("status IN ('draft', 'sent', 'paid')"),
            sqlite_where=sa.text("status IN ('draft', 'sent', 'paid')"),
        )


def downgrade() -> None:
    with op.batch_alter_table("payment_lines", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_payment_lines_live_month",
            postgresql_where=sa.text("status IN ('draft', 'sent', 'paid')"),
            sqlite_where=sa.text("status IN ('draft', 'sent', 'paid')"),
        )
        batch_op.drop_index("ix_payment_lines_registry")
        batch_op.drop_index(batch_op.f("ix_payment_lines_month_id"))
        batch_op.drop_index(batch_op.f("ix_payment_lines_claim_id"))

    op.drop_table("payment_lines")
    with op.batch_alter_table("payment_overpayments", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_payment_overpayments_open",
            postgresql_where=sa.text("status = 'proposed'"),
            sqlite_where=sa.text("status = 'proposed'"),
        )
        batch_op.drop_index(batch_op.f("ix_payment_overpayments_kato"))
        batch_op.drop_index(batch_op.f("ix_payment_overpayments_claim_id"))

    op.drop_table("payment_overpayments")
    with op.batch_alter_table("assistance_shadow_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_assistance_shadow_lines_run")

    op.drop_table("assistance_shadow_lines")
    op.drop_table("payment_registries")
    with op.batch_alter_table("payment_bank_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_bank_responses_sha256"))

    op.drop_table("payment_bank_responses")
    op.drop_table("assistance_shadow_runs")
    op.drop_table("assistance_budgets")
