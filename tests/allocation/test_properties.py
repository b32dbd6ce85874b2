"""Properties of the run computation (hypothesis):

* serving picks gives exactly what the rules' matching (``kezek.rules.matching.allocate``) gives;
* the fast apportionment paths pick exactly as ``kezek.rules.apportionment``;
* a run never gives a list more than its share of the split plus the dwellings other lists returned;
* nobody ahead of the last family served in a list is passed over without a recorded reason;
* a run is reproducible byte for byte, whatever the order of its input rows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kezek.allocation.compute import SKIP_REASONS, compute, fast_apportion, national_totals
from kezek.allocation.inputs import (
    FLAG_HAS_CONSENT,
    FLAG_HAS_PHONE,
    FLAG_INVENTORY_FAILED,
    FLAG_NEEDS_ACCESS,
    EntryColumns,
    RunInputs,
    decode_inputs,
    encode_inputs,
)
from kezek.allocation.serving import serve, tie_order
from kezek.rules.apportionment import apportion, national_split
from kezek.rules.matching import Candidate, Dwelling, SizeNorms, allocate
from tests.allocation.synth import inputs

NORMS = SizeNorms(1_500, 1_800)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

dwelling_st = st.tuples(st.integers(1, 4), st.integers(1_000, 12_000))


@FAST
@given(
    pool=st.lists(dwelling_st, min_size=1, max_size=25),
    lists=st.lists(st.lists(st.integers(1, 6), max_size=15), min_size=1, max_size=4),
    data=st.data(),
)
def test_serving_equals_the_rules_matching(pool: list, lists: list, data: st.DataObject) -> None:
    picks = data.draw(st.lists(st.integers(0, len(lists) - 1), max_size=len(pool)))
    dwellings = [Dwelling(f"d{j:03d}", a, r) for j, (r, a) in enumerate(pool)]
    t0 = datetime(2020, 1, 1, tzinfo=UTC)
    cands = [
        [Candidate(f"{li}-{k:03d}", s, t0 + timedelta(minutes=k), k) for k, s in enumerate(sizes)]
        for li, sizes in enumerate(lists)
    ]
    expected = allocate(dwellings, cands, picks, NORMS)
    area = np.array([a for _, a in pool], dtype=np.int64)
    rooms = np.array([r for r, _ in pool], dtype=np.int64)
    order = tie_order(area, rooms, [d.id for d in dwellings])
    got = serve(area, rooms, order, [np.array(s, dtype=np.int64) for s in lists], picks, NORMS)
    assert [(p + 1, cands[li][pos].id, dwellings[d].id) for p, li, pos, d in got.assignments] == [
        (a.pick_seq, a.candidate_id, a.dwelling_id) for a in expected.assignments
    ]
    assert sorted(cands[li][int(pos)].id for li, arr in got.skips for pos in arr) == sorted(
        s.candidate_id for s in expected.skips
    )
    assert [p + 1 for p in got.unfilled] == list(expected.unfilled_picks)
    assert sorted(dwellings[int(d)].id for d in got.remaining) == sorted(expected.remaining)


@FAST
@given(
    method=st.sampled_from(["webster", "largest_remainder"]),
    dwellings=st.integers(0, 60),
    sizes=st.lists(st.integers(0, 40), min_size=1, max_size=6),
    data=st.data(),
)
def test_fast_apportionment_equals_the_rules(
    method: str, dwellings: int, sizes: list, data: st.DataObject
) -> None:
    counters = data.draw(st.lists(st.integers(0, 20), min_size=len(sizes), max_size=len(sizes)))
    heads = data.draw(
        st.lists(
            st.none() | st.dates(date(2010, 1, 1), date(2012, 1, 1)), min_size=len(sizes), max_size=len(sizes)
        )
    )
    ours = fast_apportion(method, dwellings, sizes, heads, counters)
    rules = apportion(method, dwellings, sizes, heads, counters)
    assert ours.picks == [p.list_index for p in rules.picks]
    assert ours.priorities == [f"{p.priority.numerator}/{p.priority.denominator}" for p in rules.picks]
    assert ours.counters == list(rules.counters) and ours.unallocated == rules.unallocated


@FAST
@given(
    dwellings=st.integers(0, 80),
    prio=st.integers(0, 60),
    general=st.integers(0, 60),
    share=st.integers(7_000, 10_000),
)
def test_national_totals_equal_the_rules(dwellings: int, prio: int, general: int, share: int) -> None:
    split = national_split(dwellings, [prio], general, min_share_bp=share)
    assert national_totals(dwellings, prio, general, share) == (split.priority_total, split.general)


run_st = st.fixed_dictionaries(
    {
        "method": st.sampled_from(["webster", "largest_remainder"]),
        "families": st.lists(
            st.lists(st.tuples(st.integers(1, 6), st.integers(0, 7)), max_size=12), min_size=2, max_size=4
        ),
        "pool": st.lists(
            st.tuples(st.integers(1, 4), st.integers(1_500, 11_000), st.booleans()), min_size=1, max_size=20
        ),
        "national": st.booleans(),
        "counters": st.lists(st.integers(0, 5), min_size=4, max_size=4),
    }
)


def _inputs(spec: dict) -> RunInputs:
    families = spec["families"][:2] if spec["national"] else spec["families"]
    flag_of = {
        0: FLAG_HAS_CONSENT | FLAG_HAS_PHONE,
        1: FLAG_HAS_CONSENT | FLAG_HAS_PHONE,
        2: FLAG_HAS_CONSENT | FLAG_HAS_PHONE,
        3: FLAG_HAS_CONSENT,  # no phone
        4: FLAG_HAS_PHONE,  # no consent
        5: FLAG_HAS_CONSENT | FLAG_HAS_PHONE | FLAG_INVENTORY_FAILED,
        6: FLAG_HAS_CONSENT | FLAG_HAS_PHONE | FLAG_NEEDS_ACCESS,
        7: FLAG_HAS_CONSENT | FLAG_HAS_PHONE,
    }
    return inputs(
        list_sizes=[len(f) for f in families],
        family_sizes=[[s for s, _ in f] for f in families],
        flags=[[flag_of[k] for _, k in f] for f in families],
        dwellings=[(r, a) for r, a, _ in spec["pool"]],
        accessible=[acc for _, _, acc in spec["pool"]],
        method=spec["method"],
        counters=spec["counters"][: len(families)],
        regime="national" if spec["national"] else "akimat",
        lists=("priority", "general") if spec["national"] else None,
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=run_st)
def test_a_list_never_gets_more_than_its_share_plus_returns(spec: dict) -> None:
    result = compute(_inputs(spec))
    for o in result.lists:
        assert o.received <= o.seats + o.returned_in
        assert o.received - o.returned_in <= o.seats
    assert len(result.assignments) + len(result.unplaced) == len(spec["pool"])
    assert len({a.dwelling_id for a in result.assignments}) == len(result.assignments)
    assert len({a.entry_id for a in result.assignments}) == len(result.assignments)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=run_st)
def test_nobody_passed_over_without_a_recorded_reason(spec: dict) -> None:
    run = _inputs(spec)
    result = compute(run)
    served = {a.entry_id for a in result.assignments}
    reasons = {s.entry_id: s.reason for s in result.skips}
    assert all(r in SKIP_REASONS for r in reasons.values())
    e = run.entries
    for li, o in enumerate(result.lists):
        for i in np.flatnonzero(e.list_index == li):
            eid = int(e.entry_id[i])
            if int(e.rank[i]) < o.reach:
                assert eid in served or eid in reasons, (eid, o.reach)
            if eid in reasons and reasons[eid] in ("inventory_failed", "no_consent", "no_phone"):
                assert eid not in served


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=run_st, seed=st.integers(0, 2**32 - 1))
def test_reproducible_byte_for_byte_whatever_the_row_order(spec: dict, seed: int) -> None:
    run = _inputs(spec)
    first = compute(run).encode()
    again = compute(decode_inputs(encode_inputs(run))).encode()
    assert first == again
    rng = np.random.default_rng(seed)
    e = run.entries
    perm = rng.permutation(len(e))
    shuffled_entries = EntryColumns.build(
        entry_id=e.entry_id[perm],
        list_index=e.list_index[perm],
        registered_us=e.registered_us[perm],
        rank=e.rank[perm],
        family_size=e.family_size[perm],
        flags=e.flags[perm],
        income=e.income[perm],
    )
    dwellings = list(run.dwellings)
    rng.shuffle(dwellings)  # type: ignore[arg-type]
    shuffled = RunInputs(**{**run.__dict__, "entries": shuffled_entries, "dwellings": tuple(dwellings)})
    assert encode_inputs(shuffled) == encode_inputs(run)
    assert compute(shuffled).encode() == first
