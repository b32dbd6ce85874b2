"""Order inside a list and matching dwellings to families by size (domain.md §4.2-§4.3).

Inside a list the order is the date and time of the complete application (Law No. 94 Art. 74 p.1),
then the application number. A dwelling suits a family of k persons when its useful area is at least
15 m² x k and at most 18 m² x k, a one-room flat never being too big (nobody gets less than a
one-room flat). The first family in list order for which a suitable dwelling remains takes the
smallest suitable one; a family for which nothing fits is skipped with the reason recorded and keeps
its place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from kezek.rules.params import ParameterStore, default_store


@dataclass(frozen=True)
class Dwelling:
    id: str
    area_dm2: int
    rooms: int


@dataclass(frozen=True)
class Candidate:
    id: str
    size: int  # family members
    complete_at: datetime  # date and time the application was complete
    application_no: int = 0


@dataclass(frozen=True)
class SizeNorms:
    min_per_person_dm2: int
    max_per_person_dm2: int

    @classmethod
    def on(cls, as_of: date, kato: str | None = None, store: ParameterStore | None = None) -> SizeNorms:
        s = store or default_store()
        return cls(
            s.get("distribution.min_area_per_person", as_of, kato, asked_by="size matching").value,
            s.get("distribution.max_area_per_person", as_of, kato, asked_by="size matching").value,
        )

    def suits(self, dwelling: Dwelling, size: int) -> bool:
        if size < 1:
            raise ValueError("a family has at least one member")
        if dwelling.area_dm2 < self.min_per_person_dm2 * size:
            return False
        return dwelling.rooms == 1 or dwelling.area_dm2 <= self.max_per_person_dm2 * size


def list_order(entries: Sequence[Candidate]) -> list[Candidate]:
    return sorted(entries, key=lambda e: (e.complete_at, e.application_no, e.id))


@dataclass(frozen=True)
class Assignment:
    candidate_id: str
    dwelling_id: str
    list_index: int
    rank: int  # 1-based position in the list order
    pick_seq: int  # the apportionment pick this dwelling answers (0 when matched without picks)


@dataclass(frozen=True)
class Skip:
    candidate_id: str
    list_index: int
    rank: int
    reason: str  # no_suitable_size


@dataclass(frozen=True)
class MatchResult:
    assignments: tuple[Assignment, ...]
    skips: tuple[Skip, ...]
    unfilled_picks: tuple[int, ...]  # picks whose list had no family a remaining dwelling suits
    remaining: tuple[str, ...]  # dwellings left


def _smallest_suitable(pool: list[Dwelling], size: int, norms: SizeNorms) -> Dwelling | None:
    best: Dwelling | None = None
    for d in pool:
        if norms.suits(d, size) and (
            best is None or (d.area_dm2, d.rooms, d.id) < (best.area_dm2, best.rooms, best.id)
        ):
            best = d
    return best


def allocate(
    dwellings: Sequence[Dwelling],
    lists: Sequence[Sequence[Candidate]],
    picks: Sequence[int],
    norms: SizeNorms,
) -> MatchResult:
    """Serve the picks in order (pick k is a list index, e.g. from Apportionment.picks): the first
    family of that list, in list order and not yet served, for which a dwelling suits takes the
    smallest suitable one. Families passed over because nothing fits are recorded once."""
    pool = list(dwellings)
    ordered = [list_order(entries) for entries in lists]
    served: set[tuple[int, str]] = set()
    skipped: dict[tuple[int, str], Skip] = {}
    assignments: list[Assignment] = []
    unfilled: list[int] = []
    for seq, li in enumerate(picks, start=1):
        if li < 0 or li >= len(ordered):
            raise ValueError(f"pick {seq} names list {li}, which does not exist")
        done = False
        for rank, cand in enumerate(ordered[li], start=1):
            key = (li, cand.id)
            if key in served:
                continue
            d = _smallest_suitable(pool, cand.size, norms)
            if d is None:
                skipped.setdefault(key, Skip(cand.id, li, rank, "no_suitable_size"))
                continue
            pool.remove(d)
            served.add(key)
            skipped.pop(key, None)
            assignments.append(Assignment(cand.id, d.id, li, rank, seq))
            done = True
            break
        if not done:
            unfilled.append(seq)
    return MatchResult(
        tuple(assignments), tuple(skipped.values()), tuple(unfilled), tuple(d.id for d in pool)
    )


def match_list(
    dwellings: Sequence[Dwelling], entries: Sequence[Candidate], quota: int, norms: SizeNorms
) -> MatchResult:
    """One list with its quota: the same rule as :func:`allocate` with `quota` picks of list 0."""
    return allocate(dwellings, [entries], [0] * quota, norms)
