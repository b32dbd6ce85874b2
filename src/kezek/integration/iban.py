"""Kazakh IBANs (ISO 13616): ``KZ`` + 2 check digits + 3-digit bank code + 13-character account.

Housing assistance is paid to the recipient's account in a second-tier bank (domain.md §7.2), so
Kezek checks every IBAN it receives before it can reach a payment registry.
"""

from __future__ import annotations

KZ_IBAN_LENGTH = 20


# Letters become two-digit numbers (A = 10 ... Z = 35), as ISO 13616 prescribes; one table lookup
# per string, so checking the 100,000 accounts of a payment registry stays cheap.
_LETTERS = str.maketrans({chr(ord("A") + i): str(10 + i) for i in range(26)})


def _as_number(text: str) -> int:
    return int(text.upper().translate(_LETTERS))


def check_digits(country: str, bban: str) -> str:
    remainder = _as_number(bban + country + "00") % 97
    return f"{98 - remainder:02d}"


def make_kz_iban(bank_code: str, account: str) -> str:
    if len(bank_code) != 3 or not bank_code.isdigit():
        raise ValueError("a Kazakh bank code has 3 digits")
    if len(account) != 13 or not account.isalnum():
        raise ValueError("a Kazakh account number has 13 letters or digits")
    bban = bank_code + account.upper()
    return "KZ" + check_digits("KZ", bban) + bban


def is_valid_kz_iban(iban: str) -> bool:
    iban = iban.replace(" ", "").upper()
    if len(iban) != KZ_IBAN_LENGTH or not iban.startswith("KZ") or not iban.isalnum():
        return False
    if not iban[2:4].isdigit() or not iban[4:7].isdigit():
        return False
    return _as_number(iban[4:] + iban[:4]) % 97 == 1
