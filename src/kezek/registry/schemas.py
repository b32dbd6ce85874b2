"""Wire shapes of the registry (API and forms). Storage shapes live in kezek.models.registry.

A person's birth date and sex are never taken from input: they are read from the IIN.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from kezek.registry import iin as iin_rules

Citizenship = Literal["citizen", "kandas", "foreign"]
Relation = Literal["head", "spouse", "child", "parent", "other"]
RELATIONS: tuple[str, ...] = ("head", "spouse", "child", "parent", "other")

# Kazakhstan mobile numbers: +7 7XX XXX XX XX (stored without spaces).
PHONE_RE = re.compile(r"^\+77\d{9}$")
KATO_RE = re.compile(r"^\d{9}$")


def normalise_phone(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) == 11 and digits[0] == "8":  # 8 7XX ... is the domestic way of writing +7 7XX ...
        digits = "7" + digits[1:]
    phone = "+" + digits
    if not PHONE_RE.match(phone):
        raise ValueError("a mobile number looks like +7 7XX XXX XX XX")
    return phone


class _Names(BaseModel):
    surname: str = Field(min_length=1, max_length=100)
    given_name: str = Field(min_length=1, max_length=100)
    patronymic: str | None = Field(default=None, max_length=100)

    @field_validator("surname", "given_name", "patronymic")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = " ".join(value.split())
        return value or None


class PersonCreate(_Names):
    iin: str
    citizenship: Citizenship = "citizen"
    phone: str | None = None
    kato: str = Field(description="KATO of the jurisdiction of permanent registration")

    @field_validator("iin")
    @classmethod
    def _valid_iin(cls, value: str) -> str:
        value = iin_rules.normalise(value)
        try:
            iin_rules.parse(value)
        except iin_rules.InvalidIin as exc:  # a field error with the reason code, shown translated
            raise PydanticCustomError("invalid_iin", exc.detail, {"reason": exc.reason}) from None
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return normalise_phone(value) if value else None

    @field_validator("kato")
    @classmethod
    def _kato(cls, value: str) -> str:
        if not KATO_RE.match(value):
            raise ValueError("a KATO code has 9 digits")
        return value


class PersonUpdate(BaseModel):
    """Fields an official may correct. Only the fields given are changed."""

    model_config = ConfigDict(extra="forbid")

    surname: str | None = Field(default=None, min_length=1, max_length=100)
    given_name: str | None = Field(default=None, min_length=1, max_length=100)
    patronymic: str | None = Field(default=None, max_length=100)
    citizenship: Citizenship | None = None
    phone: str | None = None
    death_date: date | None = None

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return normalise_phone(value) if value else None


class PersonRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    iin: str
    surname: str
    given_name: str
    patronymic: str | None
    birth_date: date
    sex: str
    citizenship: str
    death_date: date | None
    phone: str | None
    kato: str


class FamilyMemberIn(BaseModel):
    person_id: int
    relation: Relation


class FamilyCreate(BaseModel):
    head_person_id: int
    kato: str
    members: list[FamilyMemberIn] = Field(default_factory=list, description="Members other than the head")

    @field_validator("kato")
    @classmethod
    def _kato(cls, value: str) -> str:
        if not KATO_RE.match(value):
            raise ValueError("a KATO code has 9 digits")
        return value

    @model_validator(mode="after")
    def _one_head(self) -> FamilyCreate:
        if any(m.relation == "head" for m in self.members):
            raise ValueError("the head is given as head_person_id, not among the members")
        ids = [m.person_id for m in self.members]
        if self.head_person_id in ids or len(set(ids)) != len(ids):
            raise ValueError("a person appears in the family more than once")
        return self


class FamilyMemberRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    person_id: int
    relation: str


class FamilyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    head_person_id: int
    kato: str
    members: list[FamilyMemberRead]


class AddressRegistrationCreate(BaseModel):
    person_id: int
    kato: str
    address: str = Field(min_length=3, max_length=300)
    registered_from: date

    @field_validator("kato")
    @classmethod
    def _kato(cls, value: str) -> str:
        if not KATO_RE.match(value):
            raise ValueError("a KATO code has 9 digits")
        return value


class AddressRegistrationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    kato: str
    address: str
    registered_from: date
    registered_to: date | None


class JurisdictionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kato: str
    parent_kato: str | None
    level: str
    name_kk: str
    name_ru: str
    name_en: str


class KatoProblemRead(BaseModel):
    line: int
    code: str
    reason: str


class KatoImportReport(BaseModel):
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    below_level: int = 0
    problems: list[KatoProblemRead] = Field(default_factory=list)
