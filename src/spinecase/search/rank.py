"""Ranking: each component's ranking with ties, and their reciprocal rank fusion.

Reciprocal rank fusion (Cormack, Clarke & Buettcher, "Reciprocal rank fusion outperforms Condorcet
and individual rank learning methods", SIGIR 2009) scores a case by ``sum(w / (k + rank))`` over the
rankings that hold it, with ``k = 60``. It needs no score calibration between a 0..1 structured
similarity and an unbounded BM25 score, only ranks.

Equal scores share a rank (competition ranking, "1224"): when forty published GIST cases at T12 are
equally similar on structured facts, none of them is favoured by its id; BM25 then tells them apart.
A case with a zero score in a component is not in that component's ranking.

Example::

    >>> import numpy as np
    >>> rows, ranks, _ = ranking(np.array([0.5, 0.9, 0.5, 0.0], np.float32), depth=10)
    >>> rows.tolist(), ranks.tolist()
    ([1, 0, 2], [1, 2, 2])
    >>> f = fuse([ranking(np.array([0.5, 0.9, 0.5]), 10), ranking(np.array([3.0, 1.0, 0.0]), 10)],
    ...          [1.0, 1.0], k=60, n=3, top=3)
    >>> f.rows.tolist()  # rows 0 and 1 tie (ranks 2+1 and 1+2): the better structured score first
    [1, 0, 2]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Ranking = tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float32]]


def ranking(scores: NDArray[np.floating], depth: int, exclude: NDArray[np.int64] | None = None) -> Ranking:
    """The ``depth`` best rows with a positive score: ``(rows, competition ranks, scores)``, best first,
    equal scores in row order. ``exclude`` rows are left out (the query case)."""
    s = np.asarray(scores, np.float32)
    keep = s > 0
    if exclude is not None and len(exclude):
        keep[exclude] = False  # a mask, not isin() over every positive row
    pos = np.flatnonzero(keep)
    if len(pos) > depth > 0:
        pos = pos[np.argpartition(-s[pos], depth - 1)[:depth]]
    vals = s[pos]
    order = np.lexsort((pos, -vals))
    pos, vals = pos[order].astype(np.int64), vals[order]
    ranks = (np.searchsorted(-vals, -vals, side="left") + 1).astype(np.int64)
    return pos, ranks, vals


@dataclass(frozen=True, slots=True)
class Fused:
    """The fused top rows, best first, with each component's rank (0: not in that ranking)."""

    rows: NDArray[np.int64]
    scores: NDArray[np.float64]
    component_ranks: NDArray[np.int64]  # shape (len(rows), components)


def fuse(rankings: Sequence[Ranking], weights: Sequence[float], *, k: float, n: int, top: int) -> Fused:
    """Reciprocal rank fusion of ``rankings`` over ``n`` rows; the ``top`` best rows.

    Ties of the fused score fall to the components in order (the higher first component score first),
    then to the row (the lower first), so the order is total and repeatable. Only the rows of the
    rankings are candidates, so the work is in the rankings' depth, not in ``n``.
    """
    used = [(c, r, w) for c, (r, w) in enumerate(zip(rankings, weights, strict=True)) if w > 0 and len(r[0])]
    rows_all = [r[0] for _, r, _ in used]
    candidates = np.unique(np.concatenate(rows_all)) if rows_all else np.zeros(0, np.int64)
    fused = np.zeros(len(candidates), np.float64)
    ranks = np.zeros((len(rankings), len(candidates)), np.int64)
    comp_scores = np.zeros((len(rankings), len(candidates)), np.float32)
    for c, (rows, rnk, vals), w in used:
        at = np.searchsorted(candidates, rows)
        fused[at] += w / (k + rnk)
        ranks[c, at] = rnk
        comp_scores[c, at] = vals
    positive = fused > 0
    candidates, fused = candidates[positive], fused[positive]
    ranks, comp_scores = ranks[:, positive], comp_scores[:, positive]
    keys = [candidates] + [-comp_scores[c] for c in reversed(range(len(rankings)))]
    order = np.lexsort((*keys, -fused))[:top]
    return Fused(candidates[order].astype(np.int64), fused[order], ranks[:, order].T.copy())


def single(r: Ranking, top: int) -> Fused:
    """One component's ranking in the shape of a fused one (for structured-only or BM25-only)."""
    rows, ranks, vals = r
    return Fused(rows[:top], vals[:top].astype(np.float64), ranks[:top, None].copy())
