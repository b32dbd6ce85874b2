"""The files a population is made of: one CSV per table, columns named as in the database.

The order matters twice: files are loaded parents first (foreign keys), and the manifest lists them
in this order. ``nullable`` columns are written as empty fields (NULL for PostgreSQL's COPY CSV, and
turned into NULL with ``NULLIF`` on SQLite).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[str, ...]
    nullable: frozenset[str] = frozenset()

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "persons",
        (
            "id", "iin", "surname", "given_name", "patronymic", "birth_date", "sex", "citizenship",
            "death_date", "phone", "kato",
        ),
        frozenset({"patronymic", "death_date", "phone"}),
    ),
    TableSpec("families", ("id", "head_person_id", "kato")),
    TableSpec("family_members", ("id", "family_id", "person_id", "relation")),
    TableSpec(
        "address_registrations",
        ("id", "person_id", "kato", "address", "registered_from", "registered_to"),
        frozenset({"registered_to"}),
    ),
    TableSpec(
        "income_spells",
        ("id", "person_id", "source", "monthly_tiyn", "from_month", "to_month"),
        frozenset({"to_month"}),
    ),
    TableSpec(
        "property_records",
        (
            "id", "person_id", "kato", "kind", "area_dm2", "acquired_on", "acquisition", "alienated_on",
            "alienation", "emergency_since",
        ),
        frozenset({"alienated_on", "alienation", "emergency_since"}),
    ),
    TableSpec(
        "status_records",
        ("id", "person_id", "kind", "detail", "since", "until"),
        frozenset({"detail", "until"}),
    ),
)  # fmt: skip

TABLE_BY_NAME = {t.name: t for t in TABLES}
MANIFEST = "manifest.json"
