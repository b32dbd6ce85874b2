"""The state information systems Kezek asks, and the purposes it asks them for.

The list follows the issue and domain.md §11 (16 systems). Names are stable machine codes: they are
URL segments of the sandbox, keys of the per-system settings and values stored in the request log.
"""

from __future__ import annotations

from enum import StrEnum


class System(StrEnum):
    PERSONS = "persons"  # ГБД ФЛ: identity, citizenship / kandas, death
    CIVIL = "civil"  # civil registry (ЗАГС): marriages, divorces, births, deaths, guardianship
    ADDRESS = "address"  # address register: permanent registrations with dates and KATO
    PROPERTY = "property"  # real-estate rights register: ownership history
    EMERGENCY = "emergency"  # emergency-dwelling register (akimat housing inspection)
    STATE_HOUSING = "state_housing"  # state housing fund: housing received or privatised
    PROGRAMMES = "programmes"  # preferential programmes: purchases, Otbasy deposits
    PENSION = "pension"  # ЕНПФ / ГЦВП: salaries (through contributions) and pensions
    TAX = "tax"  # tax income: entrepreneurs and other income
    SOCIAL_PAYMENTS = "social_payments"  # social payments
    DISABILITY = "disability"  # disability groups, disabled children
    SOCIAL_STATUS = "social_status"  # large families, awards, orphans, veterans, kandas ...
    EMPLOYMENT = "employment"  # civil servants, budget sector, military
    BANK = "bank"  # bank accounts (IBAN) for payments
    MOBILE = "mobile"  # mobile-citizens base: verified phone for SMS
    UTILITIES = "utilities"  # utility bills and tariffs (housing assistance)


ALL_SYSTEMS: tuple[System, ...] = tuple(System)

# Systems whose answers are monthly lines over a period (the rest answer "as of" a date).
PERIOD_SYSTEMS: frozenset[System] = frozenset(
    {System.PENSION, System.TAX, System.SOCIAL_PAYMENTS, System.UTILITIES}
)

# The quarterly re-verification of queue entries (domain.md §3.3) checks what removes a family from
# the register (§3.1, §3.2): death, citizenship, registration, housing owned or received.
REVERIFICATION_SYSTEMS: tuple[System, ...] = (
    System.PERSONS,
    System.ADDRESS,
    System.PROPERTY,
    System.STATE_HOUSING,
    System.PROGRAMMES,
)


class Purpose(StrEnum):
    """Why Kezek asks. Stored in the request log; housing assistance needs recorded consent."""

    QUEUE_REGISTRATION = "queue_registration"
    REVERIFICATION = "reverification"
    HOUSING_ASSISTANCE = "housing_assistance"
    ALLOCATION = "allocation"


# Housing assistance: "all adult family members must consent" (domain.md §7.4, MIC Order No. 117).
# The queue purposes rest on the law itself (Law No. 94 Art. 73 checks, MIC Order No. 130).
CONSENT_REQUIRED: frozenset[Purpose] = frozenset({Purpose.HOUSING_ASSISTANCE})

LEGAL_BASIS: dict[Purpose, str] = {
    Purpose.QUEUE_REGISTRATION: "MIC Order No. 130 of 17.04.2025 (registration checks)",
    Purpose.REVERIFICATION: "Law No. 94 of 16.04.1997 Art. 73; quarterly re-check (domain.md §3.3)",
    Purpose.HOUSING_ASSISTANCE: "MIC Order No. 117 of 08.12.2023 with the consent of adult members",
    Purpose.ALLOCATION: "MIC Order No. 130 of 17.04.2025 (checks before distribution)",
}


def parse_systems(names: list[str] | tuple[str, ...]) -> list[System]:
    """Systems by their codes, in the canonical order; unknown codes are a clear error."""
    from kezek.errors import ValidationFailed

    unknown = sorted(set(names) - {s.value for s in System})
    if unknown:
        raise ValidationFailed(
            f"unknown state system(s): {', '.join(unknown)}; known: {', '.join(s.value for s in System)}",
            code="unknown_state_system",
        )
    wanted = set(names)
    return [s for s in System if s.value in wanted]
