"""Typed inputs of the rules: what the rest of Kezek maps its database and state data into.

The shapes mirror kezek.models (registry.py, statedata.py): money in integer tiyn, area in dm²,
dates as dates, KATO codes as 9-digit strings. Nothing here reads a clock: the as-of date is always
an explicit argument of the assessment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

CITIZENSHIPS = ("foreign", "citizen", "kandas")
RELATIONS = ("head", "spouse", "child", "parent", "other")

# status kinds (StatusRecord.kind), with the ones Kezek adds for the akimat lists
STATUS_KINDS = (
    "wwii_veteran",
    "veteran_equated",
    "combat_veteran",
    "orphan",
    "large_family",
    "altyn_alqa",
    "kumis_alqa",
    "mother_heroine",
    "ana_danky",
    "disability",  # detail = group 1|2|3
    "disabled_child",
    "chronic_disease",
    "pensioner",
    "kandas",
    "disaster_victim",
    "duty_death_family",
    "single_parent",
    "widow",
    "civil_servant",
    "budget_worker",
    "military",
    "special_state_body",
    "cosmonaut",
    "elected_official",
    "state_housing_received",
    "state_housing_privatised",
    "preferential_purchase",
    "otbasy_deposit",
)

PROPERTY_KINDS = ("flat", "house", "dormitory_room")
# alienations that are a deliberate worsening (Aktogay 2013 regulation item 12 sub-items 1-3);
# others (akimat_buyout of a defaulting mortgagor's only dwelling, demolition, seizure) are not
ALIENATIONS = (
    "sale",
    "gift",
    "exchange",
    "division",
    "destruction",
    "akimat_buyout",
    "demolition",
    "seizure",
)
WORSENING_ALIENATIONS = frozenset({"sale", "gift", "exchange", "division", "destruction"})
# acts of worsening found by an official rather than in a register (item 12 sub-items 1, 3, 4, 5)
EVENT_KINDS = ("exchange", "destruction", "moving_out", "moving_in_others")
# grounds of need other than having no housing (Aktogay regulation item 8; Law No. 94 Art. 71)
NEED_GROUNDS = ("substandard", "shared_rooms", "chronic_disease_cohabitation")

INCOME_SOURCES = (
    "salary",
    "pension",
    "social",
    "entrepreneur",
    "other",
    "alimony",
    "housing_assistance",
    "tsa",
    "in_kind",
    "student_aid",
)


@dataclass(frozen=True)
class Status:
    kind: str
    since: date
    until: date | None = None
    detail: str | None = None

    def held_on(self, on: date) -> bool:
        return self.since <= on and (self.until is None or on <= self.until)


@dataclass(frozen=True)
class Property:
    """Ownership of a dwelling in the real-estate rights register (PropertyRecord)."""

    kato: str
    kind: str
    area_dm2: int
    acquired_on: date
    acquisition: str = "purchase"
    alienated_on: date | None = None
    alienation: str | None = None
    emergency_since: date | None = None

    def owned_on(self, on: date) -> bool:
        return self.acquired_on <= on and (self.alienated_on is None or on < self.alienated_on)


@dataclass(frozen=True)
class IncomeSpell:
    """A monthly income from one source over a span of months (IncomeSpell)."""

    source: str
    monthly_tiyn: int
    from_month: date
    to_month: date | None = None


@dataclass(frozen=True)
class Registration:
    """A permanent registration at an address (AddressRegistration); `registered_to` exclusive-of-none."""

    kato: str
    registered_from: date
    registered_to: date | None = None

    def active_on(self, on: date) -> bool:
        return self.registered_from <= on and (self.registered_to is None or on <= self.registered_to)


@dataclass(frozen=True)
class Person:
    id: str
    birth_date: date
    relation: str = "head"
    citizenship: str = "citizen"
    death_date: date | None = None
    statuses: tuple[Status, ...] = ()
    properties: tuple[Property, ...] = ()
    incomes: tuple[IncomeSpell, ...] = ()
    registrations: tuple[Registration, ...] = ()

    def alive_on(self, on: date) -> bool:
        return self.birth_date <= on and (self.death_date is None or on < self.death_date)


@dataclass(frozen=True)
class HousingEvent:
    """An act of worsening found by an official (exchange, destruction, moving out, moving others in)."""

    kind: str
    on: date
    note: str = ""


@dataclass(frozen=True)
class Family:
    """A family applying in a jurisdiction. The first member with relation 'head' is the applicant."""

    members: tuple[Person, ...]
    kato: str
    events: tuple[HousingEvent, ...] = ()
    need_grounds: frozenset[str] = frozenset()

    @property
    def applicant(self) -> Person:
        for p in self.members:
            if p.relation == "head":
                return p
        return self.members[0]


# -- housing assistance -------------------------------------------------------------------------
# service -> how its norm works (assistance.py):
SERVICES = (
    "rent",  # rent of state-fund or akimat-leased housing: as billed
    "condominium",  # condominium fees incl. capital repair: tenge per m2 of norm area
    "heat_area",  # heat billed per m2: tariff x norm area
    "heat_metered",  # metered heat: Gcal per m2 of norm area x tariff
    "gas",  # gas in a flat: m3 per person x tariff
    "gas_heating",  # gas heating a private house: m3 per m2 of norm area x tariff
    "cold_water",  # m3 per person x tariff
    "hot_water",  # m3 per person x tariff
    "electricity",  # kWh per person or per family (local norm) x tariff
    "solid_fuel",  # kg per m2 of norm area per month, capped per season, x price per kg
    "lift",  # tenge per dwelling
    "phone",  # increase of the subscription fee, tenge per subscriber
    "sewerage",  # as billed (no national norm found)
    "waste",  # as billed (no national norm found)
    "assessed",  # an amount already assessed within norms (e.g. the AIS normative calculation)
)
TENURES = ("owned", "state_rent", "akimat_leased", "private_rent")


@dataclass(frozen=True)
class CostLine:
    """One month's (or one period's) bill for a service: the amount, and where the norm is a
    quantity, the quantity billed (thousandths of the unit) and the tariff per unit in tiyn."""

    service: str
    actual_tiyn: int
    quantity_milli: int = 0
    tariff_tiyn: int = 0


@dataclass(frozen=True)
class AssistanceClaim:
    """A claim for housing assistance for a period of `period_months` (1 or 3) of the quarter."""

    family: Family
    dwelling_area_dm2: int
    tenure: str = "owned"
    period_months: int = 1
    lines: tuple[CostLine, ...] = ()
    solid_fuel_season_used_milli: int = 0  # kg already compensated this heating season (x1000)
    extra: dict[str, str] = field(default_factory=dict)
