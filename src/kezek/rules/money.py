"""Kezek's rounding policy, written once.

Money is integer tiyn (1 tenge = 100 tiyn) everywhere in the rules. Parameters such as shares of
income (basis points), norms (milli-units) and tariffs make exact rational amounts; they are turned
into tiyn by exactly one operation, :func:`div_round`, which rounds half away from zero (the
"commercial" rounding of Kazakh accounting practice: 0.5 tiyn becomes 1 tiyn).

Where rounding happens:
1. each amount that is shown to a citizen (one cost line within its norm, the income share) is
   rounded once, from the exact rational, never from an already rounded intermediate;
2. totals are sums of the rounded lines shown, so the lines always add up to the total printed;
3. the housing-assistance amount is ``costs - share x income`` computed exactly and rounded once at
   the end, then floored at zero (never negative).

Decisions (bands, income tests) never round: they compare integers cross-multiplied
(``income * 10 <= 31 * PM * members`` for 3.1 PM), so a boundary is exact.

The functions work on Python ints and on numpy int64 arrays alike, so the single case and the batch
use the same arithmetic.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar, overload

import numpy as np
import numpy.typing as npt

TIYN_PER_TENGE = 100
BASIS_POINTS = 10_000  # 1 = 10,000 bp; shares of income are stored in bp
MILLI = 1_000  # quantities (m3, kWh, Gcal, kg) are stored in thousandths of their unit

IntArray = npt.NDArray[np.int64]
N = TypeVar("N", int, IntArray)


@overload
def div_round(numerator: int, denominator: int) -> int: ...
@overload
def div_round(numerator: IntArray, denominator: int) -> IntArray: ...
@overload
def div_round(numerator: IntArray, denominator: IntArray) -> IntArray: ...
def div_round(numerator: Any, denominator: Any) -> Any:
    """numerator / denominator rounded half away from zero; the denominator must be positive."""
    if isinstance(numerator, int) and isinstance(denominator, int):
        if denominator <= 0:
            raise ValueError("denominator must be positive")
        q = (2 * abs(numerator) + denominator) // (2 * denominator)
        return q if numerator >= 0 else -q
    num = np.asarray(numerator, dtype=np.int64)
    den = np.asarray(denominator, dtype=np.int64)
    if np.any(den <= 0):
        raise ValueError("denominator must be positive")
    quotient = (2 * np.abs(num) + den) // (2 * den)
    return np.where(num >= 0, quotient, -quotient).astype(np.int64)


def tenge_to_tiyn(value: Decimal | int | str) -> int:
    """An exact tenge amount (at most two decimals) to tiyn; more decimals are an error, not rounded."""
    d = Decimal(str(value)) * TIYN_PER_TENGE
    if d != d.to_integral_value():
        raise ValueError(f"{value} tenge is not a whole number of tiyn")
    return int(d)


def ratio_to_bp(value: Decimal | int | str) -> int:
    """A share such as 0.07 (or "7%") to basis points, exactly."""
    text = str(value).strip()
    d = Decimal(text[:-1].strip()) / 100 if text.endswith("%") else Decimal(text)
    bp = d * BASIS_POINTS
    if bp != bp.to_integral_value():
        raise ValueError(f"share {value} is finer than a basis point")
    return int(bp)


def to_milli(value: Decimal | int | str) -> int:
    """A quantity (49.75 kg, 0.025 Gcal) to thousandths of its unit, exactly."""
    d = Decimal(str(value)) * MILLI
    if d != d.to_integral_value():
        raise ValueError(f"quantity {value} is finer than a thousandth of its unit")
    return int(d)


def format_tiyn(tiyn: int, lang: str = "en") -> str:
    """12345678 -> '123 456,78 ₸' (kk, ru) or '123,456.78 ₸' (en)."""
    sign = "-" if tiyn < 0 else ""
    whole, frac = divmod(abs(int(tiyn)), TIYN_PER_TENGE)
    if lang == "en":
        body = f"{whole:,}" + (f".{frac:02d}" if frac else "")
    else:
        body = f"{whole:,}".replace(",", "\u00a0") + (f",{frac:02d}" if frac else "")
    return f"{sign}{body} ₸"
