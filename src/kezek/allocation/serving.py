"""Serving a sequence of picks exactly as :func:`kezek.rules.matching.allocate` does, at national scale.

The rule is entirely the rules package's: each pick goes to the first family of its list (in list
order, not yet served) for which a remaining dwelling suits, and that family takes the smallest
suitable dwelling (by area, rooms, id); a family for which nothing suits is passed over, recorded
once as skipped, and keeps its place. This module only organises the work so that a national batch
does not cost picks x families x dwellings:

* whether a dwelling suits a family depends only on the family's size, so each size present gets
  the suitable dwellings in the rules' order once, with a pointer past the ones taken: the smallest
  suitable one for a size is found in amortised constant time, and a size for which none is left
  stays so for the rest of the batch (the pool only shrinks);
* each list keeps, per family size, the positions of its waiting families in list order: the first
  family of the list that something suits is the earliest head among the sizes still served, and
  the families of exhausted sizes ahead of it are exactly the ones ``allocate`` passes over.

One difference, on purpose: once no dwelling at all is left, the remaining picks are unfilled without
passing over every waiting family (``allocate`` would record each as skipped for size although no
dwelling was there to compare). ``tests/allocation/test_serving.py`` checks the equivalence with
``allocate`` on random batches.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from kezek.rules.matching import SizeNorms

IntArray = npt.NDArray[np.int64]


@dataclass
class Served:
    """What a sequence of picks gave. Positions index the families of each list as passed in;
    dwellings are indices into the pool as passed in."""

    assignments: list[tuple[int, int, int, int]] = field(
        default_factory=list
    )  # (pick, list, position, dwelling)
    skips: list[tuple[int, IntArray]] = field(default_factory=list)  # (list, positions passed over)
    unfilled: list[int] = field(default_factory=list)  # picks (0-based) nobody could take
    remaining: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


def tie_order(area_dm2: IntArray, rooms: IntArray, keys: Sequence[str]) -> IntArray:
    """Pool indices in the rules' order of preference: area, rooms, then the dwelling's id."""
    rank_of_key = np.empty(len(keys), dtype=np.int64)
    rank_of_key[np.array(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.int64)] = np.arange(
        len(keys)
    )
    return np.lexsort((rank_of_key, rooms, area_dm2)).astype(np.int64)


def serve(
    area_dm2: IntArray,
    rooms: IntArray,
    order: IntArray,
    lists: Sequence[IntArray],
    picks: Sequence[int],
    norms: SizeNorms,
) -> Served:
    """Serve `picks` (list indices) from the pool (`area_dm2`, `rooms`, with `order` from
    :func:`tie_order`) to the families of `lists` (each an array of family sizes in list order)."""
    out = Served()
    n_pool = len(area_dm2)
    alive = [True] * n_pool
    left = n_pool
    sizes_present = sorted(
        {
            int(s)
            for arr in lists
            if len(arr)
            for s in np.unique(np.maximum(np.asarray(arr, dtype=np.int64), 1))
        }
    )
    area_o = area_dm2[order]
    one_room_o = rooms[order] == 1
    suitable: dict[int, list[int]] = {}
    pointer: dict[int, int] = {}
    for s in sizes_present:
        ok = (area_o >= norms.min_per_person_dm2 * s) & (
            one_room_o | (area_o <= norms.max_per_person_dm2 * s)
        )
        suitable[s] = order[ok].tolist()
        pointer[s] = 0
    # per list, per size: positions of the waiting families (ascending) and a head pointer
    queues: list[dict[int, list[int]]] = []
    heads: list[dict[int, int]] = []
    for arr in lists:
        clipped = np.maximum(np.asarray(arr, dtype=np.int64), 1)
        by_size = {int(s): np.flatnonzero(clipped == s).tolist() for s in np.unique(clipped)}
        queues.append(by_size)
        heads.append(dict.fromkeys(by_size, 0))
    dead: set[int] = set()

    def smallest(s: int) -> int:
        cand = suitable[s]
        p = pointer[s]
        n = len(cand)
        while p < n and not alive[cand[p]]:
            p += 1
        pointer[s] = p
        if p == n:
            dead.add(s)
            return -1
        return cand[p]

    for k, li in enumerate(picks):
        if li < 0 or li >= len(lists):
            raise ValueError(f"pick {k + 1} names list {li}, which does not exist")
        if left == 0:
            out.unfilled.extend(range(k, len(picks)))
            break
        q, h = queues[li], heads[li]
        best_pos, best_size, best_d = -1, 0, -1
        for s, positions in q.items():
            hs = h[s]
            if hs >= len(positions) or s in dead:
                continue
            pos = positions[hs]
            if best_pos >= 0 and pos > best_pos:
                continue
            d = smallest(s)
            if d < 0:
                continue
            best_pos, best_size, best_d = pos, s, d
        # families of exhausted sizes ahead of the one served (or all of them: nobody could be served)
        if dead:
            for s in sorted(dead):
                waiting_of_size = q.get(s)
                if waiting_of_size is None or h[s] >= len(waiting_of_size):
                    continue
                stop = (
                    len(waiting_of_size)
                    if best_pos < 0
                    else bisect.bisect_left(waiting_of_size, best_pos, lo=h[s])
                )
                if stop > h[s]:
                    out.skips.append((li, np.array(waiting_of_size[h[s] : stop], dtype=np.int64)))
                    h[s] = stop
        if best_pos < 0:
            out.unfilled.append(k)
            continue
        alive[best_d] = False
        left -= 1
        h[best_size] += 1
        out.assignments.append((k, li, best_pos, best_d))
    alive_arr = np.array(alive, dtype=bool)
    out.remaining = order[alive_arr[order]]
    return out
