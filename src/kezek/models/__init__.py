"""ORM tables, one module per aggregate. Importing this package registers every table on Base.metadata."""

from kezek.models.audit import AuditEvent
from kezek.models.auth import ApiToken, CitizenLoginCode, Official
from kezek.models.base import Base
from kezek.models.registry import AddressRegistration, Family, FamilyMember, Jurisdiction, Person
from kezek.models.statedata import IncomeSpell, PropertyRecord, StatusRecord

__all__ = [
    "AddressRegistration",
    "ApiToken",
    "AuditEvent",
    "Base",
    "CitizenLoginCode",
    "Family",
    "FamilyMember",
    "IncomeSpell",
    "Jurisdiction",
    "Official",
    "Person",
    "PropertyRecord",
    "StatusRecord",
]
