"""Serving a sequence of picks with :func:`kezek.rules.matching.allocate`, at national scale.

The rule is entirely the rules package's: each pick goes to the first family of its list (in list
order, not yet served) for which a remaining dwelling suits, and that family takes the smallest
suitable dwelling; a family for which nothing suits is skipped with a reason and keeps its place.
This module only decides *what to hand to* ``allocate`` so that a national batch does not cost
picks x families x dwellings:

* picks are served in chunks; between chunks the served families and the used dwellings leave the
  inputs, and so do the skipped families (the pool only shrinks, so nothing will suit them later
  in this batch, and their skip is already recorded);
* each chunk sees only the first few waiting families of each list (more if a pick runs out of
  families; then the chunk is served again with longer lists);
* each chunk sees, for every family size among those families, only the first ``len(chunk)``
  suitable dwellings in the rules' own order (area, rooms, id): at most ``len(chunk) - 1`` of them
  are taken before any family of that size is served, so the smallest suitable one is always there.

Each of these leaves ``allocate``'s answer unchanged; ``tests/allocation/test_serving.py`` checks
it against a single call with everything on random batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from kezek.rules.matching import Candidate, Dwelling, SizeNorms, allocate

CHUNK = 256
LOOKAHEAD = 16


@dataclass
class Served:
    """What a sequence of picks gave: assignments as (pick index, candidate id, dwelling id)."""

    assignments: list[tuple[int, str, str]] = field(default_factory=list)
    skips: list[tuple[int, str]] = field(default_factory=list)  # (list index, candidate id)
    unfilled: list[int] = field(default_factory=list)  # pick indices (0-based) nobody could take
    remaining: list[Dwelling] = field(default_factory=list)


class _Pool:
    """Remaining dwellings in the rules' tie order, with numpy columns for the suitability filter."""

    def __init__(self, dwellings: Sequence[Dwelling]) -> None:
        self.items = sorted(dwellings, key=lambda d: (d.area_dm2, d.rooms, d.id))
        self.area = np.array([d.area_dm2 for d in self.items], dtype=np.int64)
        self.one_room = np.array([d.rooms == 1 for d in self.items], dtype=bool)
        self.alive = np.ones(len(self.items), dtype=bool)
        self.index = {d.id: i for i, d in enumerate(self.items)}

    def take(self, dwelling_id: str) -> None:
        self.alive[self.index[dwelling_id]] = False

    def left(self) -> int:
        return int(self.alive.sum())

    def candidates_for(self, sizes: set[int], norms: SizeNorms, limit: int) -> list[Dwelling]:
        """The first `limit` live suitable dwellings for each family size, in tie order."""
        chosen = np.zeros(len(self.items), dtype=bool)
        for size in sizes:
            suits = (
                self.alive
                & (self.area >= norms.min_per_person_dm2 * size)
                & (self.one_room | (self.area <= norms.max_per_person_dm2 * size))
            )
            hits = np.flatnonzero(suits)[:limit]
            chosen[hits] = True
        return [self.items[i] for i in np.flatnonzero(chosen)]

    def live(self) -> list[Dwelling]:
        return [self.items[i] for i in np.flatnonzero(self.alive)]


def serve(
    dwellings: Sequence[Dwelling],
    lists: Sequence[Sequence[Candidate]],
    picks: Sequence[int],
    norms: SizeNorms,
    *,
    chunk: int = CHUNK,
) -> Served:
    """Serve `picks` (list indices) from `dwellings` to the families of `lists` (each already in list
    order) exactly as one call ``allocate(dwellings, lists, picks, norms)`` would.

    One difference, on purpose: once no dwelling is left, the remaining picks are unfilled without
    passing over every waiting family of their lists (``allocate`` would record each as skipped for
    size). With no more picks than dwellings that cannot happen; the accessibility stage, which
    offers a few dwellings to every pick, ignores skips anyway."""
    pool = _Pool(dwellings)
    waiting = [list(entries) for entries in lists]  # families not yet served nor skipped, in order
    heads = [0] * len(waiting)  # index of the first waiting family in each list
    gone: list[set[str]] = [set() for _ in waiting]  # served or skipped, still physically in `waiting`
    out = Served()
    start = 0
    while start < len(picks):
        if pool.left() == 0:
            out.unfilled.extend(range(start, len(picks)))
            break
        part = list(picks[start : start + chunk])
        wanted = [0] * len(waiting)
        for li in part:
            wanted[li] += 1
        depth = [w + LOOKAHEAD if w else 0 for w in wanted]
        while True:
            views: list[list[Candidate]] = []
            truncated = [False] * len(waiting)
            for li, entries in enumerate(waiting):
                view: list[Candidate] = []
                i = heads[li]
                while i < len(entries) and len(view) < depth[li]:
                    if entries[i].id not in gone[li]:
                        view.append(entries[i])
                    i += 1
                truncated[li] = _more_waiting(entries, i, gone[li])
                views.append(view)
            sizes = {c.size for view in views for c in view}
            offered = pool.candidates_for(sizes, norms, len(part))
            result = allocate(offered, views, part, norms)
            short = {part[s - 1] for s in result.unfilled_picks if truncated[part[s - 1]]}
            if not short:
                break
            for li in short:
                depth[li] = max(depth[li] * 2, depth[li] + 64)
        for a in result.assignments:
            out.assignments.append((start + a.pick_seq - 1, a.candidate_id, a.dwelling_id))
            pool.take(a.dwelling_id)
            gone[a.list_index].add(a.candidate_id)
        for s in result.skips:
            out.skips.append((s.list_index, s.candidate_id))
            gone[s.list_index].add(s.candidate_id)
        out.unfilled.extend(start + s - 1 for s in result.unfilled_picks)
        for li, entries in enumerate(waiting):
            while heads[li] < len(entries) and entries[heads[li]].id in gone[li]:
                heads[li] += 1
        start += len(part)
    out.remaining = pool.live()
    return out


def _more_waiting(entries: Sequence[Candidate], i: int, gone: set[str]) -> bool:
    """Whether any family from index `i` on is still waiting."""
    return any(entries[j].id not in gone for j in range(i, len(entries)))
