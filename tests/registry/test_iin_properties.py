"""Property tests of the IIN rules (hypothesis)."""

from __future__ import annotations

from datetime import date

from hypothesis import assume, given
from hypothesis import strategies as st

from kezek.registry import iin

births = st.dates(min_value=date(1800, 1, 1), max_value=date(2099, 12, 31))
sexes = st.sampled_from(["M", "F"])
serials = st.integers(min_value=0, max_value=9999)


def _issued(born: date, sex: iin.Sex, serial: int) -> str:
    try:
        return iin.make_iin(born, sex, serial)
    except ValueError:
        assume(False)
        raise


@given(births, sexes, serials)
def test_every_generated_iin_validates_and_parses_back(born: date, sex: iin.Sex, serial: int) -> None:
    number = _issued(born, sex, serial)
    info = iin.parse(number)
    assert (info.birth_date, info.sex, info.serial) == (born, sex, serial)
    assert len(number) == 12 and number.isdigit()


@given(births, sexes, serials, st.integers(min_value=0, max_value=11), st.integers(min_value=1, max_value=9))
def test_a_single_digit_change_is_caught_unless_the_check_digit_allows_it(
    born: date, sex: iin.Sex, serial: int, position: int, shift: int
) -> None:
    """What the checksum can and cannot catch, exactly.

    * d12 (the check digit) changed: always caught.
    * d1..d10 changed: the first-pass weights 1..10 are non-zero mod 11, so the first pass always
      changes; the changed number can only validate when one of the two numbers takes its check digit
      from the second pass.
    * d11 changed: its first-pass weight is 11 ≡ 0 (mod 11), so the first pass does not see it. When
      the original's check digit comes from the first pass, the changed number is valid too (a known
      weakness of the algorithm); when it comes from the second pass (weight 2), the change is caught.
    """
    number = _issued(born, sex, serial)
    digits = list(number)
    digits[position] = str((int(digits[position]) + shift) % 10)
    changed = "".join(digits)
    if position == 11:
        assert not iin.is_valid(changed)
    elif position == 10:
        assert iin.is_valid(changed) == (not iin.uses_second_pass(number[:11]))
    elif iin.is_valid(changed):
        assert iin.uses_second_pass(number[:11]) or iin.uses_second_pass(changed[:11])


@given(st.text(max_size=20))
def test_any_text_is_either_valid_or_a_named_fault(text: str) -> None:
    try:
        info = iin.parse(text)
    except iin.InvalidIin as exc:
        assert exc.reason in iin.REASONS
    else:
        assert iin.make_iin(info.birth_date, info.sex, info.serial) == text


@given(st.from_regex(r"\A[0-9]{11}\Z"))
def test_check_digit_and_validation_agree(first11: str) -> None:
    check = iin.check_digit(first11)
    if check is None:
        assert all(not iin.is_valid(first11 + d) for d in "0123456789")
        return
    valid_last = [d for d in "0123456789" if iin.is_valid(first11 + d)]
    century_ok = first11[6] in "123456"
    try:
        date(int(first11[0:2]) + 2000, int(first11[2:4]), int(first11[4:6]))
        date_ok = True
    except ValueError:
        # Only 29 February depends on the century; leave those to the parser.
        date_ok = first11[2:6] == "0229"
    if century_ok and date_ok and first11[2:6] != "0229":
        assert valid_last == [str(check)]
    else:
        assert valid_last in ([], [str(check)])
