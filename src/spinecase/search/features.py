"""The structured feature table: one row of coded facts per case, scored against a query with NumPy.

Each case becomes a few small integers and bit sets: histology and primary site as vocabulary
indices, vertebral levels as a 31-bit set over C1…Co, other metastatic sites as a bit set, neurological
deficit / presentation / sex as -1 (not stated), 0 or 1, age as a float (NaN when not stated). Scoring a
query against 100,000 cases is then a dozen array operations, with no Python loop over cases.

The similarity of a case to the query is the weighted mean, over the facts the query states, of one
similarity per fact (weights in ``weights.yaml``); it is always in 0..1.

Example::

    >>> from spinecase.search.weights import load_weights
    >>> t = FeatureTable.empty()
    >>> t = t.with_rows([facts_row(1, {"histology": "gist", "spinal_levels": ["T12"], "age": 58}, t.vocab),
    ...                  facts_row(2, {"histology": "melanoma", "spinal_levels": ["C3"]}, t.vocab)])
    >>> q = QueryFeatures.from_facts({"histology": "gist", "spinal_levels": ["L1"], "age": 61}, t.vocab)
    >>> [round(float(s), 2) for s in structured_scores(t, q, load_weights())]
    [0.85, 0.0]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..extract.fields.levels import ORDER
from .weights import Weights

#: Vertebral levels in bit order (bit i is ``ORDER[i]``): C1…C7, T1…T12, L1…L5, S1…S5, S, Co.
LEVELS: tuple[str, ...] = tuple(ORDER)
_BIT = {code: i for i, code in enumerate(LEVELS)}
_REGION_OF = {"C": "cervical", "T": "thoracic", "L": "lumbar", "S": "sacral"}
#: Levels anatomically next to each other; "S" (sacrum, level not given) neighbours every sacral
#: segment, L5 and the coccyx.
_COLUMN = [c for c in LEVELS if c != "S"]


def region_of(level: str) -> str:
    """``T12`` -> ``thoracic``; ``S`` -> ``sacral``; ``Co`` -> ``coccygeal``."""
    return "coccygeal" if level == "Co" else _REGION_OF[level[0]]


def neighbours(level: str) -> set[str]:
    """The levels adjacent to ``level`` (T12 -> T11 and L1)."""
    if level == "S":
        return {"L5", "S1", "S2", "S3", "S4", "S5", "Co"}
    i = _COLUMN.index(level)
    out = {_COLUMN[j] for j in (i - 1, i + 1) if 0 <= j < len(_COLUMN)}
    if level in ("L5", "S1", "S2", "S3", "S4", "S5", "Co"):
        out.add("S")
    return out


def level_mask(levels: Sequence[str]) -> int:
    """The bit set of ``levels`` (unknown codes are ignored)."""
    mask = 0
    for lv in levels:
        if lv in _BIT:
            mask |= 1 << _BIT[lv]
    return mask


_REGION_MASK = {r: level_mask([c for c in LEVELS if region_of(c) == r]) for r in set(map(region_of, LEVELS))}
#: The contract fields a feature row codes (all the index reads of a case's values).
FEATURE_FIELDS: tuple[str, ...] = (
    "histology",
    "primary_site",
    "spinal_levels",
    "other_metastasis_sites",
    "neurological_deficit",
    "age",
    "presentation",
    "sex",
)


class Vocab:
    """Codes of one field in order of first sight, each with a stable index."""

    def __init__(self, codes: Sequence[str] = ()) -> None:
        self.codes: list[str] = []
        self._index: dict[str, int] = {}
        for c in codes:
            self.add(c)

    def add(self, code: str) -> int:
        i = self._index.get(code)
        if i is None:
            i = self._index[code] = len(self.codes)
            self.codes.append(code)
        return i

    def get(self, code: str | None) -> int:
        return -1 if code is None else self._index.get(code, -1)

    def __len__(self) -> int:
        return len(self.codes)


@dataclass(slots=True)
class Vocabs:
    """The vocabularies of a feature table (histology codes, site codes for primaries and other sites)."""

    histology: Vocab = field(default_factory=Vocab)
    site: Vocab = field(default_factory=Vocab)

    def to_json(self) -> dict[str, list[str]]:
        return {"histology": list(self.histology.codes), "site": list(self.site.codes)}

    @classmethod
    def from_json(cls, data: Mapping[str, Sequence[str]]) -> Vocabs:
        return cls(Vocab(data.get("histology", ())), Vocab(data.get("site", ())))

    @property
    def site_words(self) -> int:
        """64-bit words needed for a bit set over the site vocabulary."""
        return max(1, (len(self.site) + 63) // 64)


def _tri(value: Any) -> int:
    return -1 if value is None else int(bool(value))


def _choice(value: Any, yes: str, no: str) -> int:
    return 1 if value == yes else 0 if value == no else -1


@dataclass(frozen=True, slots=True)
class FactsRow:
    """One case's coded facts (see :func:`facts_row`)."""

    case_id: int
    histology: int
    site: int
    levels: int
    others: tuple[int, ...]  # site-vocabulary indices
    deficit: int
    age: float
    presentation: int
    sex: int


def facts_row(case_id: int, facts: Mapping[str, Any], vocab: Vocabs) -> FactsRow:
    """Code a case's facts (contract keys with JSON values, as stored), growing ``vocab``."""
    hist, site = facts.get("histology"), facts.get("primary_site")
    age = facts.get("age")
    return FactsRow(
        case_id=case_id,
        histology=vocab.histology.add(str(hist)) if hist else -1,
        site=vocab.site.add(str(site)) if site else -1,
        levels=level_mask(list(facts.get("spinal_levels") or [])),
        others=tuple(sorted({vocab.site.add(str(s)) for s in facts.get("other_metastasis_sites") or []})),
        deficit=_tri(facts.get("neurological_deficit")),
        age=float(age) if isinstance(age, int | float) and not isinstance(age, bool) else float("nan"),
        presentation=_choice(facts.get("presentation"), "metachronous", "synchronous"),
        sex=_choice(facts.get("sex"), "female", "male"),
    )


def _bitset(indices: Sequence[int], words: int) -> NDArray[np.uint64]:
    out = np.zeros(words, dtype=np.uint64)
    for i in indices:
        out[i // 64] |= np.uint64(1 << (i % 64))
    return out


@dataclass(slots=True)
class FeatureTable:
    """Column arrays of coded facts, one row per case, in ``case_ids`` order."""

    vocab: Vocabs
    case_ids: NDArray[np.int64]
    histology: NDArray[np.int32]
    site: NDArray[np.int32]
    levels: NDArray[np.uint64]
    others: NDArray[np.uint64]  # shape (n, words)
    n_others: NDArray[np.int16]
    deficit: NDArray[np.int8]
    age: NDArray[np.float32]
    presentation: NDArray[np.int8]
    sex: NDArray[np.int8]
    #: each column's distinct values, made on the first search (see :class:`Distinct`)
    _distinct: dict[str, Distinct] | None = field(default=None, init=False, repr=False, compare=False)

    COLUMNS = (
        "case_ids",
        "histology",
        "site",
        "levels",
        "others",
        "n_others",
        "deficit",
        "age",
        "presentation",
        "sex",
    )

    @classmethod
    def empty(cls, vocab: Vocabs | None = None) -> FeatureTable:
        v = vocab or Vocabs()
        return cls(
            v,
            np.zeros(0, np.int64),
            np.zeros(0, np.int32),
            np.zeros(0, np.int32),
            np.zeros(0, np.uint64),
            np.zeros((0, v.site_words), np.uint64),
            np.zeros(0, np.int16),
            np.zeros(0, np.int8),
            np.zeros(0, np.float32),
            np.zeros(0, np.int8),
            np.zeros(0, np.int8),
        )

    def __len__(self) -> int:
        return int(self.case_ids.shape[0])

    def _widen(self, words: int) -> NDArray[np.uint64]:
        if self.others.shape[1] >= words:
            return self.others
        pad = np.zeros((len(self), words - self.others.shape[1]), np.uint64)
        return np.hstack([self.others, pad])

    def with_rows(self, rows: Sequence[FactsRow]) -> FeatureTable:
        """A table with ``rows`` appended (their vocabulary indices must come from ``self.vocab``)."""
        words = self.vocab.site_words
        others = np.zeros((len(rows), words), np.uint64)
        for r, row in enumerate(rows):
            others[r] = _bitset(row.others, words)
        return FeatureTable(
            self.vocab,
            np.concatenate([self.case_ids, np.array([r.case_id for r in rows], np.int64)]),
            np.concatenate([self.histology, np.array([r.histology for r in rows], np.int32)]),
            np.concatenate([self.site, np.array([r.site for r in rows], np.int32)]),
            np.concatenate([self.levels, np.array([r.levels for r in rows], np.uint64)]),
            np.vstack([self._widen(words), others]),
            np.concatenate([self.n_others, np.array([len(r.others) for r in rows], np.int16)]),
            np.concatenate([self.deficit, np.array([r.deficit for r in rows], np.int8)]),
            np.concatenate([self.age, np.array([r.age for r in rows], np.float32)]),
            np.concatenate([self.presentation, np.array([r.presentation for r in rows], np.int8)]),
            np.concatenate([self.sex, np.array([r.sex for r in rows], np.int8)]),
        )

    def select(self, keep: NDArray[Any]) -> FeatureTable:
        """The rows picked by ``keep``, a boolean mask or row indices (same vocabulary)."""
        cols = [getattr(self, c)[keep] for c in self.COLUMNS]
        return FeatureTable(self.vocab, *cols)

    def arrays(self) -> dict[str, NDArray[Any]]:
        """The columns by name (for saving with :func:`numpy.savez`)."""
        return {c: getattr(self, c) for c in self.COLUMNS}

    @classmethod
    def from_arrays(cls, vocab: Vocabs, arrays: Mapping[str, NDArray[Any]]) -> FeatureTable:
        return cls(vocab, *(np.asarray(arrays[c]) for c in cls.COLUMNS))

    def distinct(self) -> dict[str, Distinct]:
        """Each scored column as its distinct values and every row's index into them (made once per
        table: a table is never changed in place, a refresh makes a new one)."""
        if self._distinct is None:
            # a case's other sites and their count are scored together: one key per row
            others = np.hstack([self.others, self.n_others.astype(np.uint64)[:, None]])
            self._distinct = {
                "histology": Distinct.from_column(self.histology),
                "site": Distinct.from_column(self.site),
                "levels": Distinct.from_column(self.levels),
                "others": Distinct.from_column(others),
                "deficit": Distinct.from_column(self.deficit),
                "age": Distinct.from_column(self.age),
                "presentation": Distinct.from_column(self.presentation),
                "sex": Distinct.from_column(self.sex),
            }
        return self._distinct


@dataclass(frozen=True, slots=True)
class Distinct:
    """A column as its distinct ``values`` and each row's index ``of`` them, so a query is scored
    once per distinct value (a few hundred levels sets, ages, codes) and the scores are gathered for
    100,000 rows in one indexing step — the same numbers, computed elementwise, as scoring every row.

    >>> d = Distinct.from_column(np.array([3, 1, 3, 3], np.int8))
    >>> d.values.tolist(), d.of.tolist(), d.gather(np.array([10.0, 30.0])).tolist()
    ([1, 3], [1, 0, 1, 1], [30.0, 10.0, 30.0, 30.0])
    """

    values: NDArray[Any]
    of: NDArray[np.intp]

    @classmethod
    def from_column(cls, column: NDArray[Any]) -> Distinct:
        if column.ndim == 2:
            values, inverse = np.unique(column, axis=0, return_inverse=True)
        else:
            values, inverse = np.unique(column, return_inverse=True)  # NaN ages share one entry
        return cls(values, np.asarray(inverse, np.intp).reshape(-1))

    def gather(self, per_value: NDArray[Any]) -> NDArray[Any]:
        """``per_value`` (one score per distinct value) spread to every row."""
        return per_value[self.of]


@dataclass(frozen=True, slots=True)
class QueryFeatures:
    """The query's coded facts; a fact the query does not state is left out of the score."""

    histology: str | None
    site: str | None
    levels: tuple[str, ...]
    others: tuple[str, ...]
    deficit: int
    age: float
    presentation: int
    sex: int

    @classmethod
    def from_facts(cls, facts: Mapping[str, Any], vocab: Vocabs | None = None) -> QueryFeatures:
        row = facts_row(0, facts, Vocabs())
        age = row.age
        return cls(
            histology=str(facts["histology"]) if facts.get("histology") else None,
            site=str(facts["primary_site"]) if facts.get("primary_site") else None,
            levels=tuple(lv for lv in facts.get("spinal_levels") or [] if lv in _BIT),
            others=tuple(sorted({str(s) for s in facts.get("other_metastasis_sites") or []})),
            deficit=row.deficit,
            age=age,
            presentation=row.presentation,
            sex=row.sex,
        )

    def stated(self) -> list[str]:
        """The facts this query states (those that count in the score)."""
        out = []
        if self.histology:
            out.append("histology")
        if self.site:
            out.append("primary_site")
        if self.levels:
            out.append("spinal_levels")
        if self.others:
            out.append("other_metastasis_sites")
        if self.deficit >= 0:
            out.append("neurological_deficit")
        if not np.isnan(self.age):
            out.append("age")
        if self.presentation >= 0:
            out.append("presentation")
        if self.sex >= 0:
            out.append("sex")
        return out


def _lookup(values: NDArray[np.float32], codes: NDArray[np.int32]) -> NDArray[np.float32]:
    """``values[code]`` per case, 0 where the case has no code (-1)."""
    padded = np.append(values, np.float32(0.0))
    return padded[np.where(codes < 0, len(values), codes)]


def _popcount(a: NDArray[np.uint64]) -> NDArray[np.uint8]:
    return np.bitwise_count(a)


def level_similarity(levels: NDArray[np.uint64], query: Sequence[str], w: Weights) -> NDArray[np.float32]:
    """Per case: the mean over query levels of the best match (same level, adjacent, same region)."""
    fw = w.field("spinal_levels")
    exact, adj, reg = fw.get("exact", 1.0), fw.get("adjacent", 0.6), fw.get("region", 0.3)
    total = np.zeros(levels.shape[0], np.float32)
    for lv in query:
        best = np.where((levels & np.uint64(level_mask([lv]))) != 0, np.float32(exact), np.float32(0.0))
        best = np.maximum(
            best, np.where((levels & np.uint64(level_mask(sorted(neighbours(lv))))) != 0, adj, 0.0)
        )
        best = np.maximum(best, np.where((levels & np.uint64(_REGION_MASK[region_of(lv)])) != 0, reg, 0.0))
        total += best.astype(np.float32)
    return total / np.float32(max(1, len(query)))


def structured_scores(table: FeatureTable, q: QueryFeatures, w: Weights) -> NDArray[np.float32]:
    """The structured similarity of every case of ``table`` to ``q``, in 0..1 (all 0 when ``q`` states
    nothing).

    Each fact is scored on the column's distinct values and gathered to the rows
    (:meth:`FeatureTable.distinct`); the sums run in the same order and types as scoring every row
    directly, so the scores are the same to the last bit.
    """
    n = len(table)
    acc = np.zeros(n, np.float32)
    total = 0.0
    vocab = table.vocab
    d = table.distinct() if n else {}
    if q.histology and (wt := w.field("histology").weight):
        sims = np.array([w.histology_similarity(q.histology, c) for c in vocab.histology.codes], np.float32)
        if n:
            acc += d["histology"].gather(wt * _lookup(sims, d["histology"].values))
        total += wt
    if q.site and (wt := w.field("primary_site").weight):
        sims = np.array([w.site_similarity(q.site, c) for c in vocab.site.codes], np.float32)
        if n:
            acc += d["site"].gather(wt * _lookup(sims, d["site"].values))
        total += wt
    if q.levels and (wt := w.field("spinal_levels").weight):
        if n:
            acc += d["levels"].gather(wt * level_similarity(d["levels"].values, q.levels, w))
        total += wt
    if q.others and (wt := w.field("other_metastasis_sites").weight):
        if n:
            keys = d["others"].values
            others, n_others = keys[:, :-1], keys[:, -1].astype(np.int16)
            qbits = _bitset([vocab.site.get(s) for s in q.others if vocab.site.get(s) >= 0], others.shape[1])
            shared = _popcount(others & qbits).sum(axis=1, dtype=np.int32)
            dice = 2.0 * shared / np.maximum(1, n_others.astype(np.int32) + len(q.others))
            acc += d["others"].gather(wt * dice.astype(np.float32))
        total += wt
    if q.deficit >= 0 and (wt := w.field("neurological_deficit").weight):
        if n:
            acc += d["deficit"].gather(wt * (d["deficit"].values == q.deficit))
        total += wt
    if not np.isnan(q.age) and (wt := w.field("age").weight):
        zero_at = w.field("age").get("zero_at_years", 25.0)
        if n:
            sim = np.clip(1.0 - np.abs(d["age"].values - q.age) / zero_at, 0.0, 1.0)
            acc += d["age"].gather(wt * np.nan_to_num(sim, nan=0.0).astype(np.float32))
        total += wt
    if q.presentation >= 0 and (wt := w.field("presentation").weight):
        if n:
            acc += d["presentation"].gather(wt * (d["presentation"].values == q.presentation))
        total += wt
    if q.sex >= 0 and (wt := w.field("sex").weight):
        if n:
            acc += d["sex"].gather(wt * (d["sex"].values == q.sex))
        total += wt
    if total <= 0:
        return acc
    return np.clip(acc / np.float32(total), 0.0, 1.0)
