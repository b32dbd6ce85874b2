"""The wire format of every state system: one pydantic schema per system and one envelope.

The envelope is the same for a single IIN and for a batch: ``results`` holds one entry per IIN
asked, in the order asked. Money is integer tiyn; quantities are exact decimals; months are the
first day of the month. The sandbox serves exactly these shapes, and the client refuses anything
else as a malformed answer.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
)

from kezek.integration.iban import is_valid_kz_iban
from kezek.integration.systems import System

Iin = Annotated[str, StringConstraints(pattern=r"^\d{12}$")]
Kato = Annotated[str, StringConstraints(pattern=r"^\d{9}$")]
Tiyn = Annotated[int, Field(ge=0)]

MAX_BATCH = 10_000


def _month_text(value: object) -> object:
    # "2026-03" means the month; a full date is accepted too (its month is meant).
    if isinstance(value, str) and len(value) == 7:
        return value + "-01"
    return value


def _first_of_month(value: date) -> date:
    return value.replace(day=1)


Month = Annotated[date, BeforeValidator(_month_text), AfterValidator(_first_of_month)]


def _kz_iban(value: str) -> str:
    if not is_valid_kz_iban(value):
        raise ValueError("not a valid Kazakh IBAN (KZ, 20 characters, mod-97 check)")
    return value


KzIban = Annotated[str, AfterValidator(_kz_iban)]


class _Wire(BaseModel):
    model_config = ConfigDict(frozen=True)


class Dated(_Wire):
    """A status or record with its dates (``until`` empty: still in force)."""

    kind: str
    detail: str | None = None
    since: date
    until: date | None = None


class MonthLine(_Wire):
    """One month of income from one source, as the system holds it."""

    month: date
    source: str
    amount_tiyn: Tiyn


# ---- persons (ГБД ФЛ) -------------------------------------------------------------------------
class PersonsData(_Wire):
    iin: Iin
    surname: str
    given_name: str
    patronymic: str | None = None
    birth_date: date
    sex: Literal["M", "F"]
    citizenship: Literal["citizen", "kandas", "foreign"]
    death_date: date | None = None
    alive: bool  # as of the answer's ``as_of`` date


# ---- civil registry (ЗАГС) --------------------------------------------------------------------
class Marriage(_Wire):
    spouse_iin: Iin
    registered_on: date
    ended_on: date | None = None
    end_reason: Literal["divorce", "death"] | None = None


class BirthRecord(_Wire):
    child_iin: Iin
    birth_date: date
    mother_iin: Iin | None = None
    father_iin: Iin | None = None


class Guardianship(_Wire):
    ward_iin: Iin
    guardian_iin: Iin
    since: date
    until: date | None = None


class CivilData(_Wire):
    birth: BirthRecord  # the person's own birth record
    death_date: date | None = None
    marriages: list[Marriage] = []
    children: list[BirthRecord] = []  # births where the person is the mother or father
    guardianships: list[Guardianship] = []  # as ward or as guardian


# ---- address register -------------------------------------------------------------------------
class Registration(_Wire):
    kato: Kato
    address: str
    registered_from: date
    registered_to: date | None = None


class AddressData(_Wire):
    registrations: list[Registration] = []


# ---- real-estate rights register and emergency-dwelling register ------------------------------
class OwnershipRight(_Wire):
    record_id: int
    kato: Kato
    kind: str  # flat | house | dormitory_room
    area_dm2: int = Field(ge=0)
    acquired_on: date
    acquisition: str  # purchase | gift | inheritance | privatisation | exchange | division ...
    alienated_on: date | None = None
    alienation: str | None = None  # sale | gift | exchange | division


class PropertyData(_Wire):
    rights: list[OwnershipRight] = []


class EmergencyDwelling(_Wire):
    record_id: int
    kato: Kato
    kind: str
    area_dm2: int = Field(ge=0)
    emergency_since: date


class EmergencyData(_Wire):
    dwellings: list[EmergencyDwelling] = []


# ---- state housing fund, preferential programmes ----------------------------------------------
class StateHousingData(_Wire):
    records: list[Dated] = []  # kind: received | privatised


class ProgrammesData(_Wire):
    records: list[Dated] = []  # kind: preferential_purchase | otbasy_deposit


# ---- income: pension contributions and payments, tax, social payments -------------------------
class PensionLine(MonthLine):
    contribution_tiyn: Tiyn = 0  # compulsory pension contribution withheld (10 % of salary)


class PensionData(_Wire):
    lines: list[PensionLine] = []  # source: salary | pension


class TaxData(_Wire):
    lines: list[MonthLine] = []  # source: entrepreneur | other


class SocialPaymentsData(_Wire):
    lines: list[MonthLine] = []  # source: social


# ---- disability, social statuses, employment --------------------------------------------------
class DisabilityRecord(_Wire):
    kind: Literal["disability", "disabled_child"]
    group: int | None = Field(default=None, ge=1, le=3)
    since: date
    until: date | None = None


class DisabilityData(_Wire):
    records: list[DisabilityRecord] = []


class SocialStatusData(_Wire):
    statuses: list[Dated] = []


class EmploymentData(_Wire):
    records: list[Dated] = []  # kind: civil_servant | budget_worker | military


# ---- bank accounts, mobile-citizens base ------------------------------------------------------
class BankAccount(_Wire):
    iban: KzIban
    currency: Literal["KZT"] = "KZT"
    opened_on: date | None = None


class BankData(_Wire):
    accounts: list[BankAccount] = []


class MobileData(_Wire):
    phone: str | None = None
    verified: bool = False


# ---- utility bills and tariffs ----------------------------------------------------------------
class Tariff(_Wire):
    service: str  # heat | gas | cold_water | hot_water | electricity | condominium
    unit: str  # Gcal | m3 | kWh | m2
    tiyn_per_unit: Tiyn


class BillItem(_Wire):
    service: str
    unit: str
    quantity: Decimal = Field(ge=0)
    tiyn_per_unit: Tiyn
    amount_tiyn: Tiyn


class MonthlyBill(_Wire):
    month: date
    items: list[BillItem]
    total_tiyn: Tiyn


class Dwelling(_Wire):
    kato: Kato
    address: str
    area_dm2: int = Field(ge=0)
    residents: int = Field(ge=0)


class UtilitiesData(_Wire):
    dwelling: Dwelling | None = None  # the dwelling of the person's permanent registration
    tariffs: list[Tariff] = []
    bills: list[MonthlyBill] = []


# ---- the envelope -----------------------------------------------------------------------------
D = TypeVar("D", bound=BaseModel)


class Result(_Wire, Generic[D]):
    iin: Iin
    found: bool  # the IIN is known to the system's population
    data: D | None = None


class Answer(_Wire, Generic[D]):
    system: System
    request_id: str  # the caller's X-Request-Id, echoed
    answer_id: str  # the system's own reference for this answer
    answered_at: datetime
    as_of: date
    period_from: date | None = None
    period_to: date | None = None
    results: list[Result[D]]


class BatchQuery(BaseModel):
    """The body of ``POST /{system}/batch``: up to 10,000 IINs at once."""

    model_config = ConfigDict(extra="forbid")

    iins: list[Iin] = Field(min_length=1, max_length=MAX_BATCH)
    as_of: date | None = None
    period_from: Month | None = None
    period_to: Month | None = None


class Problem(BaseModel):
    """An error answer from a system (or the sandbox's emulation of one)."""

    error: str
    detail: str
    system: System | None = None


DATA_SCHEMAS: dict[System, type[BaseModel]] = {
    System.PERSONS: PersonsData,
    System.CIVIL: CivilData,
    System.ADDRESS: AddressData,
    System.PROPERTY: PropertyData,
    System.EMERGENCY: EmergencyData,
    System.STATE_HOUSING: StateHousingData,
    System.PROGRAMMES: ProgrammesData,
    System.PENSION: PensionData,
    System.TAX: TaxData,
    System.SOCIAL_PAYMENTS: SocialPaymentsData,
    System.DISABILITY: DisabilityData,
    System.SOCIAL_STATUS: SocialStatusData,
    System.EMPLOYMENT: EmploymentData,
    System.BANK: BankData,
    System.MOBILE: MobileData,
    System.UTILITIES: UtilitiesData,
}

_ADAPTERS: dict[System, TypeAdapter[Any]] = {}


def answer_adapter(system: System) -> TypeAdapter[Any]:
    """The validator of a system's envelope (built once per system: building one costs milliseconds)."""
    adapter = _ADAPTERS.get(system)
    if adapter is None:
        schema = DATA_SCHEMAS[system]
        adapter = TypeAdapter(Answer[schema])  # type: ignore[valid-type]
        _ADAPTERS[system] = adapter
    return adapter
