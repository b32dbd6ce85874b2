"""ORM tables, one module per aggregate. Importing this package registers every table on Base.metadata."""

from kezek.models import allocation as _allocation  # noqa: F401
from kezek.models import applications as _applications  # noqa: F401
from kezek.models import assistance as _assistance  # noqa: F401
from kezek.models import calendar as _calendar  # noqa: F401
from kezek.models import imports as _imports  # noqa: F401
from kezek.models import integration as _integration  # noqa: F401
from kezek.models import notices as _notices  # noqa: F401
from kezek.models import payments as _payments  # noqa: F401
from kezek.models import queue as _queue  # noqa: F401
from kezek.models import stock as _stock  # noqa: F401
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
