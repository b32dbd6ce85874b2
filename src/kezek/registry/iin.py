"""The individual identification number (IIN, ЖСН/ИИН): validation, parsing and generation.

Structure (Govt Decree No. 565 of 11.06.2003; rules on forming IIN/BIN, P070000406; domain.md §10.1):

* d1–d6  birth date YYMMDD;
* d7     century and sex: 1/2 = male/female born in the 1800s, 3/4 = 1900s, 5/6 = 2000s;
* d8–d11 serial number;
* d12    check digit: ``s1 = Σ d_i·i`` (weights 1..11) mod 11; when that is 10, a second pass with
  weights 3,4,5,6,7,8,9,10,11,1,2; when the second pass is 10 too, the number is never issued.

The first-pass weight of d11 is 11 ≡ 0 (mod 11): a mistyped 11th digit is caught only when the
check digit comes from the second pass (the property tests pin this down).

Digit 0 in d7 is reported for some foreigners' numbers but is not confirmed, so it is rejected.

Errors are :class:`InvalidIin` (a 422 ``ValidationFailed``) with a machine-readable ``reason`` so a
face can show a translated message; the English text is marked for extraction with ``N_``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np
import numpy.typing as npt

from kezek.errors import ValidationFailed

WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)

Sex = Literal["M", "F"]

_CENTURY_BASE = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


def N_(message: str) -> str:
    """Mark a message for translation without translating it here (Babel extracts ``N_``)."""
    return message


REASONS: dict[str, str] = {
    "length": N_("An IIN has exactly 12 digits."),
    "digits": N_("An IIN contains digits only."),
    "century": N_("The 7th digit of an IIN (century and sex) must be from 1 to 6."),
    "date": N_("The first six digits of the IIN are not a real date of birth."),
    "not_issued": N_("No IIN is issued with these first 11 digits (the check digit cannot be formed)."),
    "check_digit": N_("The check digit of the IIN does not match; please check the number."),
}


class InvalidIin(ValidationFailed):
    code = "invalid_iin"
    title = "The IIN is not valid"

    def __init__(self, reason: str) -> None:
        super().__init__(REASONS[reason], reason=reason)
        self.reason = reason


@dataclass(frozen=True)
class IinInfo:
    iin: str
    birth_date: date
    sex: Sex
    serial: int


def check_digit(first11: str) -> int | None:
    """The check digit for 11 leading digits, or None when the number cannot be issued."""
    digits = [int(c) for c in first11]
    if len(digits) != 11:
        raise ValueError("check_digit needs exactly 11 digits")
    c = sum(d * w for d, w in zip(digits, WEIGHTS_1, strict=True)) % 11
    if c == 10:
        c = sum(d * w for d, w in zip(digits, WEIGHTS_2, strict=True)) % 11
        if c == 10:
            return None
    return c


def uses_second_pass(first11: str) -> bool:
    """Whether the first weight pass gives 10, so the check digit comes from the second pass."""
    return sum(int(d) * w for d, w in zip(first11, WEIGHTS_1, strict=True)) % 11 == 10


def century_digit(birth_year: int, sex: Sex) -> int:
    if not 1800 <= birth_year <= 2099:
        raise ValueError(f"no IIN century digit for birth year {birth_year}")
    base = {18: 1, 19: 3, 20: 5}[birth_year // 100]
    return base if sex == "M" else base + 1


def parse(iin: str) -> IinInfo:
    """Validate an IIN and return its birth date, sex and serial; raise InvalidIin naming the fault."""
    if not isinstance(iin, str):
        raise InvalidIin("digits")
    if len(iin) != 12:
        raise InvalidIin("length")
    if not (iin.isascii() and iin.isdigit()):
        raise InvalidIin("digits")
    d7 = int(iin[6])
    if d7 not in _CENTURY_BASE:
        raise InvalidIin("century")
    try:
        born = date(_CENTURY_BASE[d7] + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        raise InvalidIin("date") from None
    expected = check_digit(iin[:11])
    if expected is None:
        raise InvalidIin("not_issued")
    if expected != int(iin[11]):
        raise InvalidIin("check_digit")
    return IinInfo(iin=iin, birth_date=born, sex="M" if d7 % 2 == 1 else "F", serial=int(iin[7:11]))


def is_valid(iin: str) -> bool:
    try:
        parse(iin)
    except InvalidIin:
        return False
    return True


def normalise(text: str) -> str:
    """Strip the spaces and dashes people type inside an IIN (``900101 30 1233``); nothing else."""
    return "".join(ch for ch in text.strip() if ch not in " -\u00a0")


def make_iin(birth_date: date, sex: Sex, serial: int) -> str:
    """The IIN for a birth date, sex and 4-digit serial; ValueError when that serial is not issuable."""
    if not 0 <= serial <= 9999:
        raise ValueError("the serial has four digits (0..9999)")
    first11 = f"{birth_date:%y%m%d}{century_digit(birth_date.year, sex)}{serial:04d}"
    check = check_digit(first11)
    if check is None:
        raise ValueError(f"serial {serial} gives no check digit for this date and sex")
    return first11 + str(check)


def first_issuable(birth_date: date, sex: Sex, serial: int = 0) -> str:
    """The IIN with the smallest issuable serial ≥ ``serial`` (for fixtures and demo people)."""
    for candidate in range(serial, 10000):
        try:
            return make_iin(birth_date, sex, candidate)
        except ValueError:
            continue
    raise ValueError("no issuable serial left for this date and sex")


# --- Vectorised generation (a million numbers in well under a second) -------------------------

_W1 = np.array(WEIGHTS_1, dtype=np.int64)
_W2 = np.array(WEIGHTS_2, dtype=np.int64)
_POW = 10 ** np.arange(10, -1, -1, dtype=np.int64)  # place values of the 11 leading digits


def leading_digits(
    birth_dates: npt.NDArray[np.datetime64], male: npt.NDArray[np.bool_], serials: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """The 11 leading digits (date, century/sex, serial) as integers, one per person."""
    days = birth_dates.astype("datetime64[D]")
    years = days.astype("datetime64[Y]").astype(np.int64) + 1970
    months = (days.astype("datetime64[M]").astype(np.int64) % 12) + 1
    mdays = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    if np.any((years < 1800) | (years > 2099)):
        raise ValueError("birth years must lie in 1800..2099")
    if np.any((serials < 0) | (serials > 9999)):
        raise ValueError("serials must lie in 0..9999")
    century = (years // 100 - 18) * 2 + np.where(male, 1, 2)
    return (
        ((years % 100) * 10_000 + months * 100 + mdays) * 100_000
        + century.astype(np.int64) * 10_000
        + serials.astype(np.int64)
    )


def check_digits(first11: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Check digits for 11-digit integers; -1 where the number cannot be issued."""
    digits = (first11[:, None] // _POW[None, :]) % 10
    c1 = (digits @ _W1) % 11
    c2 = (digits @ _W2) % 11
    check = np.where(c1 == 10, c2, c1)
    return np.where(check == 10, -1, check)


def generate_iins(
    birth_dates: npt.NDArray[np.datetime64], male: npt.NDArray[np.bool_], serials: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """IINs as 12-digit integers for vectors of birth dates, sexes and serials.

    Returns the numbers and a mask of the issuable ones (where the mask is False the number is
    meaningless and the caller must pick another serial). Format with :func:`format_iins`.
    """
    first11 = leading_digits(birth_dates, male, serials)
    check = check_digits(first11)
    return first11 * 10 + np.maximum(check, 0), check >= 0


def format_iins(values: npt.NDArray[np.int64]) -> list[str]:
    """12-digit zero-padded strings (IINs of people born in 2000–2009 start with 0)."""
    return [f"{v:012d}" for v in values.tolist()]
