"""Shadow mode: the existing process's amounts against Kezek's, line by line."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from kezek.assistance import shadow
from kezek.assistance.payments_files import FileRejected
from kezek.models.assistance import AssistanceCalculation
from tests.assistance.payments_builders import ACTOR, assigned_claim


def test_compare_line_by_line() -> None:
    theirs = [
        shadow.TheirLine(2, "A", 1_000_000),
        shadow.TheirLine(3, "B", 900_000, costs_within_tiyn=5_000_000, income_share_tiyn=2_300_000),
        shadow.TheirLine(4, "Z", 50_000),
    ]
    ours = {
        "A": shadow.Ours(1, "711110000", 1_000_000, 3_000_000, 0),
        "B": shadow.Ours(2, "711110000", 950_000, 5_000_000, 2_150_000),
        "C": shadow.Ours(3, "711110000", 10, 30, 0),
    }
    diffs = shadow.compare(theirs, ours, expected=["A", "B", "C"])
    assert [(d.line, d.claim, d.status, d.difference_tiyn) for d in diffs] == [
        (2, "A", "equal", 0),
        (3, "B", "differs", 50_000),
        (4, "Z", "missing_in_kezek", -50_000),
        (0, "C", "missing_in_file", 10),
    ]
    assert diffs[1].detail == {"income_share": [2_150_000, 2_300_000]}


def test_shadow_file_bad_rows_named() -> None:
    data = "Номер дела;Сумма в месяц\nA;100,50\n;5\nB;abc\nA;1\nC;\n".encode()
    with pytest.raises(FileRejected) as err:
        shadow.parse_shadow_file(data)
    assert [(e.line, e.field, e.code) for e in err.value.errors] == [
        (3, "claim", "missing"),
        (4, "amount", "bad_amount"),
        (5, "claim", "duplicate"),
        (6, "amount", "missing"),
    ]
    assert shadow.parse_shadow_file("Номер дела;Сумма в месяц\nA;100,50\n".encode()) == [
        shadow.TheirLine(2, "A", 10_050)
    ]


def test_run_shadow_stores_the_comparison(db: Session) -> None:
    a = assigned_claim(db, amount_month=1_000_000)
    b = assigned_claim(db, amount_month=700_000)
    c = assigned_claim(db, amount_month=300_000)
    data = (
        f"claim,amount,costs_within\n{a.number},10000.00,\n{b.number},7100.00,21000.00\nX-1,5.00,\n".encode()
    )
    run = shadow.run_shadow(db, data, file_name="akimat.csv", actor=ACTOR, scopes=["71"])
    assert run.counts == {"equal": 1, "differs": 1, "missing_in_kezek": 1, "missing_in_file": 1}
    lines = shadow.run_lines(db, run.id)
    assert [(ln.claim_number, ln.status, ln.difference_tiyn) for ln in lines] == [
        (a.number, "equal", 0),
        (b.number, "differs", -10_000),
        ("X-1", "missing_in_kezek", -500),
        (c.number, "missing_in_file", 300_000),
    ]
    assert lines[1].detail is None  # the costs agree: the difference is elsewhere
    assert shadow.get_run(db, run.id, ["71"]) is run
    text = shadow.run_csv(shadow.run_lines(db, run.id, only_differences=True)).decode("utf-8-sig")
    assert text.splitlines()[1].split(";")[1:6] == [b.number, "7000.00", "7100.00", "-100.00", "differs"]
    with pytest.raises(FileRejected) as err:
        shadow.run_shadow(db, data, file_name="akimat.csv", actor=ACTOR, scopes=["75"])
    assert err.value.code == "out_of_scope"
    calc = db.query(AssistanceCalculation).filter_by(claim_id=b.id).one()
    calc.amount_month_tiyn = 710_000
    db.flush()
    again = shadow.run_shadow(db, data, file_name="akimat.csv", actor=ACTOR, scopes=["71"])
    assert again.counts["equal"] == 2
