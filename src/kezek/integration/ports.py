"""The ports: one typed interface per state information system.

Every port answers ``fetch(iins)`` with the system's schema inside the common envelope. Kezek's
services depend on these interfaces only; `kezek.integration.http` implements them over HTTP
(against the sandbox on the embedded default, against the real endpoints in a deployment).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, Protocol, TypeVar

from pydantic import BaseModel

from kezek.integration.schemas import (
    AddressData,
    Answer,
    BankData,
    CivilData,
    DisabilityData,
    EmergencyData,
    EmploymentData,
    MobileData,
    PensionData,
    PersonsData,
    ProgrammesData,
    PropertyData,
    Result,
    SocialPaymentsData,
    SocialStatusData,
    StateHousingData,
    TaxData,
    UtilitiesData,
)
from kezek.integration.systems import System

D = TypeVar("D", bound=BaseModel)


@dataclass(frozen=True)
class Period:
    """Months from ``start`` to ``end`` inclusive (both the first day of their month)."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start.day != 1 or self.end.day != 1:
            raise ValueError("a period runs from the first day of a month to the first day of a month")
        if self.end < self.start:
            raise ValueError("a period cannot end before it starts")


@dataclass(frozen=True)
class Received(Generic[D]):
    """One answer as received: the parsed envelope, the exact body and when it came."""

    system: System
    request_id: str
    answer: Answer[D]
    body: str  # the body exactly as received (stored; its hash is cited by decisions)
    body_sha256: str
    received_at: datetime
    duration_ms: int

    def by_iin(self) -> dict[str, Result[D]]:
        return {result.iin: result for result in self.answer.results}


class StatePort(Protocol[D]):
    system: System

    async def fetch(
        self,
        iins: Sequence[str],
        *,
        as_of: date | None = None,
        period: Period | None = None,
        request_id: str | None = None,
    ) -> Received[D]:
        """Ask about one IIN or a batch (at most 10,000). Safe to repeat: it reads only."""
        ...


class PersonsRegister(StatePort[PersonsData], Protocol):
    """ГБД ФЛ: identity, citizenship or kandas status, death."""


class CivilRegistry(StatePort[CivilData], Protocol):
    """Civil registry (ЗАГС): births, marriages and divorces, deaths, guardianship."""


class AddressRegister(StatePort[AddressData], Protocol):
    """Address register: permanent registrations with dates and the settlement's KATO."""


class PropertyRegister(StatePort[PropertyData], Protocol):
    """Real-estate rights register: ownership with acquisition, alienation and kind of transfer."""


class EmergencyRegister(StatePort[EmergencyData], Protocol):
    """Emergency-dwelling register of the akimat's housing inspection."""


class StateHousingFund(StatePort[StateHousingData], Protocol):
    """State housing fund: housing received from the state or privatised."""


class PreferentialProgrammes(StatePort[ProgrammesData], Protocol):
    """Purchases through preferential state programmes; Otbasy deposits."""


class PensionContributions(StatePort[PensionData], Protocol):
    """ЕНПФ / ГЦВП: monthly salaries (through compulsory contributions) and pensions."""


class TaxIncome(StatePort[TaxData], Protocol):
    """State Revenue Committee: income of entrepreneurs and other taxable income."""


class SocialPayments(StatePort[SocialPaymentsData], Protocol):
    """Social payments (benefits) by month."""


class DisabilityRegister(StatePort[DisabilityData], Protocol):
    """Disability groups and disabled children."""


class SocialStatuses(StatePort[SocialStatusData], Protocol):
    """Large families and their awards, orphans, veterans, kandas, single parents, widows."""


class EmploymentRegister(StatePort[EmploymentData], Protocol):
    """Civil servants, budget-sector workers, military service."""


class BankAccounts(StatePort[BankData], Protocol):
    """Accounts in second-tier banks (IBAN) for payments."""


class MobileCitizens(StatePort[MobileData], Protocol):
    """The mobile-citizens base: a verified phone number for SMS."""


class UtilityBills(StatePort[UtilitiesData], Protocol):
    """Utility bills and tariffs of the dwelling of permanent registration (housing assistance)."""


@dataclass(frozen=True)
class StatePorts:
    """All ports, typed one by one."""

    persons: PersonsRegister
    civil: CivilRegistry
    address: AddressRegister
    property: PropertyRegister
    emergency: EmergencyRegister
    state_housing: StateHousingFund
    programmes: PreferentialProgrammes
    pension: PensionContributions
    tax: TaxIncome
    social_payments: SocialPayments
    disability: DisabilityRegister
    social_status: SocialStatuses
    employment: EmploymentRegister
    bank: BankAccounts
    mobile: MobileCitizens
    utilities: UtilityBills

    def of(self, system: System) -> StatePort[BaseModel]:
        port: StatePort[BaseModel] = getattr(self, system.value)
        return port
