"""legacy imports: import batches and row outcomes with provenance

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 11:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import kezek.models.base

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.INTEGER(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "import_batches",
        sa.Column("id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("kato", sa.String(length=9), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("file_size", sa.BigInteger(), nullable=False),
        sa.Column("file_format", sa.String(length=8), nullable=False),
        sa.Column("encoding", sa.String(length=32), nullable=True),
        sa.Column("delimiter", sa.String(length=4), nullable=True),
        sa.Column("profile", sa.String(length=64), nullable=False),
        sa.Column("mapping", _JSON, nullable=False),
        sa.Column("mapping_sha", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("started_at", kezek.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", kezek.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("checkpoint_line", sa.Integer(), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("landed", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("flagged", sa.Integer(), nullable=False),
        sa.Column("merged", sa.Integer(), nullable=False),
        sa.Column("duplicate", sa.Integer(), nullable=False),
        sa.Column("counts_before", _JSON, nullable=True),
        sa.Column("counts_after", _JSON, nullable=True),
        sa.Column("reconciliation", _JSON, nullable=True),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
    )
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.create_index("ix_import_batches_file", ["file_sha256", "kato", "kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_import_batches_kato"), ["kato"], unique=False)

    op.create_table(
        "import_rows",
        sa.Column("id", _ID, nullable=False),
        sa.Column("batch_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("kato", sa.String(length=9), nullable=False),
        sa.Column("sheet", sa.String(length=64), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("row_key", sa.String(length=96), nullable=False),
        sa.Column("fingerprint", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("problems", _JSON, nullable=False),
        sa.Column("values", _JSON, nullable=False),
        sa.Column("raw", _JSON, nullable=False),
        sa.Column("iin", sa.String(length=12), nullable=True),
        sa.Column("name_key", sa.String(length=32), nullable=True),
        sa.Column("legacy_number", sa.String(length=32), nullable=True),
        sa.Column("ref_line", sa.Integer(), nullable=True),
        sa.Column("ref_batch_id", sa.Integer(), nullable=True),
        sa.Column("entry_id", _ID, nullable=True),
        sa.Column("person_id", _ID, nullable=True),
        sa.Column("dwelling_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name=op.f("fk_import_rows_batch_id_import_batches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["queue_entries.id"], name=op.f("fk_import_rows_entry_id_queue_entries")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name=op.f("fk_import_rows_person_id_persons")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_rows")),
        sa.UniqueConstraint("batch_id", "sheet", "line", name=op.f("uq_import_rows_batch_id_sheet_line")),
    )
    with op.batch_alter_table("import_rows", schema=None) as batch_op:
        batch_op.create_index("ix_import_rows_key", ["kato", "row_key"], unique=False)
        batch_op.create_index("ix_import_rows_batch_outcome", ["batch_id", "outcome"], unique=False)
        batch_op.create_index(batch_op.f("ix_import_rows_iin"), ["iin"], unique=False)
        batch_op.create_index(batch_op.f("ix_import_rows_name_key"), ["name_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_import_rows_entry_id"), ["entry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_import_rows_dwelling_id"), ["dwelling_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("import_rows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_rows_dwelling_id"))
        batch_op.drop_index(batch_op.f("ix_import_rows_entry_id"))
        batch_op.drop_index(batch_op.f("ix_import_rows_name_key"))
        batch_op.drop_index(batch_op.f("ix_import_rows_iin"))
        batch_op.drop_index("ix_import_rows_batch_outcome")
        batch_op.drop_index("ix_import_rows_key")
    op.drop_table("import_rows")
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batches_kato"))
        batch_op.drop_index("ix_import_batches_file")
    op.drop_table("import_batches")
