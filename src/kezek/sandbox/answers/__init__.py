"""How each emulated system derives its answer from the population tables.

Every builder takes a connection, the persons asked about (already looked up by IIN) and the query,
and returns JSON-ready data per IIN in the shape of `kezek.integration.schemas`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from kezek.integration.systems import System
from kezek.sandbox.answers import income, people, property, utilities
from kezek.sandbox.answers.common import PersonRow, Query

Builder = Callable[[Connection, dict[str, PersonRow], Query], dict[str, dict[str, Any]]]

BUILDERS: dict[System, Builder] = {
    System.PERSONS: people.persons,
    System.CIVIL: people.civil,
    System.ADDRESS: people.address,
    System.MOBILE: people.mobile,
    System.BANK: people.bank,
    System.PROPERTY: property.rights,
    System.EMERGENCY: property.emergency,
    System.STATE_HOUSING: property.state_housing,
    System.PROGRAMMES: property.programmes,
    System.DISABILITY: property.disability,
    System.SOCIAL_STATUS: property.social_status,
    System.EMPLOYMENT: property.employment,
    System.PENSION: income.pension,
    System.TAX: income.tax,
    System.SOCIAL_PAYMENTS: income.social_payments,
    System.UTILITIES: utilities.utilities,
}
