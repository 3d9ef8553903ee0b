"""The similar-cases index: a structured feature table and a BM25 index over each case's text.

The index lives in memory and, for a registry on disk, in a cache folder keyed by the database URL
(see :mod:`spinecase.search.store`), never inside the registry: a search never writes to the registry
nor waits for its writers' lock while an ingest runs, the cache can be deleted at any time (it is
rebuilt), and the same code serves SQLite and PostgreSQL.

It is refreshed incrementally. Before every search a one-row fingerprint of the registry's cases is
compared with the one the index was built from (on SQLite even that query is skipped while the
connection's write marker shows no write since it last read the fingerprint); when it differs, every
case id is listed with its update time, and only new or changed cases are read and coded again (facts
-> feature row, text -> tokens); removed cases are dropped. That per-case work is what costs. BM25's
collection statistics (IDF, mean length) depend on every case, so the BM25 matrix is then rebuilt
from the kept token ids (:mod:`spinecase.search.bm25`, about a second for 100,000 cases) without
reading the registry again.

Example::

    >>> from spinecase.registry import open_registry
    >>> reg = open_registry("sqlite:///:memory:")
    >>> index = SimilarIndex()
    >>> with reg.session() as s:
    ...     report = index.refresh(s)
    >>> len(index), report.added
    (0, 0)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from .bm25 import bm25_scores as score_bm25
from .bm25 import build_bm25
from .features import FeatureTable, Vocabs, facts_row
from .source import SourceCase, case_stamps, load_cases, registry_state, write_marker
from .text import TOKENIZER_VERSION, Tokenizer, default_tokenizer

#: Called with (cases done, cases to do) while a refresh reads changed cases.
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class RefreshReport:
    """What a refresh did: cases coded anew (``added`` + ``updated``), ``removed``, the index size."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    total: int = 0
    seconds: float = 0.0
    checked_only: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def _gather(
    flat: NDArray[np.int32], offsets: NDArray[np.int64], rows: NDArray[np.int64]
) -> tuple[NDArray[np.int32], NDArray[np.int64]]:
    """The token segments of ``rows`` (in that order) as a new flat array and offsets."""
    lengths = np.diff(offsets)[rows]
    new_offsets = np.zeros(len(rows) + 1, np.int64)
    np.cumsum(lengths, out=new_offsets[1:])
    if new_offsets[-1] == 0:
        return np.zeros(0, np.int32), new_offsets
    starts = offsets[:-1][rows]
    index = np.repeat(starts - new_offsets[:-1], lengths) + np.arange(new_offsets[-1], dtype=np.int64)
    return flat[index], new_offsets


class SimilarIndex:
    """Feature rows, case stamps and token ids for every indexed case (rows in case-id order), and the
    BM25 index built over the tokens."""

    def __init__(self, tokenizer: Tokenizer | None = None) -> None:
        self.tokenizer = tokenizer or default_tokenizer()
        self.table = FeatureTable.empty()
        self.stamps: NDArray[np.float64] = np.zeros(0, np.float64)
        self.tok_flat: NDArray[np.int32] = np.zeros(0, np.int32)
        self.tok_offsets: NDArray[np.int64] = np.zeros(1, np.int64)
        self.token_ids: dict[str, int] = {}
        self.state: tuple[str, ...] | None = None
        self.bm25: Any = None  # bm25s.BM25, built lazily (the `search` extra)
        self.tokenizer_version = TOKENIZER_VERSION
        #: cases coded since this object was made (tests use it to prove a refresh was incremental)
        self.coded = 0
        self.checked_at = 0.0

    def __len__(self) -> int:
        return len(self.table)

    @property
    def case_ids(self) -> NDArray[np.int64]:
        return self.table.case_ids

    def row_of(self, case_id: int) -> int | None:
        """The row of a case id, or ``None`` when it is not indexed."""
        ids = self.table.case_ids
        i = int(np.searchsorted(ids, case_id))
        return i if i < len(ids) and int(ids[i]) == case_id else None

    # -- building -------------------------------------------------------------------------------

    def _token_ids(self, tokens: Iterable[str]) -> list[int]:
        ids = self.token_ids
        out = []
        for t in tokens:
            i = ids.get(t)
            if i is None:
                i = ids[t] = len(ids)
            out.append(i)
        return out

    def _encode(self, texts: Iterable[str]) -> tuple[NDArray[np.int32], NDArray[np.int64]]:
        """The token ids of ``texts``, flat, and each text's number of tokens (new tokens get the next
        ids, in order of first sight)."""
        tokens, get = self.tokenizer.tokens, self.token_ids.get
        flat: list[int] = []
        lengths: list[int] = []
        for text in texts:
            toks = tokens(text)
            known = list(map(get, toks))  # the usual case: every token known, at C speed
            ids = self._token_ids(toks) if None in known else cast(list[int], known)
            flat += ids
            lengths.append(len(ids))
        return np.array(flat, np.int32), np.array(lengths, np.int64)

    def apply(self, cases: Sequence[SourceCase], stamps: Sequence[float], remove: Iterable[int] = ()) -> None:
        """Replace or add ``cases`` (with their stamps) and drop the case ids in ``remove``."""
        gone = set(int(i) for i in remove) | {c.case_id for c in cases}
        keep = ~np.isin(self.table.case_ids, np.fromiter(gone, np.int64, len(gone))) if gone else None
        table, old_stamps = self.table, self.stamps
        flat, offsets = self.tok_flat, self.tok_offsets
        if keep is not None and not keep.all():
            rows = np.flatnonzero(keep).astype(np.int64)
            table, old_stamps = table.select(keep), old_stamps[keep]
            flat, offsets = _gather(flat, offsets, rows)
        if cases:
            vocab = table.vocab
            table = table.with_rows([facts_row(c.case_id, c.facts, vocab) for c in cases])
            new_flat, lengths = self._encode(c.text for c in cases)
            flat = np.concatenate([flat, new_flat])
            offsets = np.concatenate([offsets, offsets[-1] + np.cumsum(lengths)])
            old_stamps = np.concatenate([old_stamps, np.asarray(stamps, np.float64)])
            self.coded += len(cases)
        order = np.argsort(table.case_ids, kind="stable")
        if not np.array_equal(order, np.arange(len(order))):
            table = table.select(order)
            old_stamps = old_stamps[order]
            flat, offsets = _gather(flat, offsets, order.astype(np.int64))
        self.table, self.stamps, self.tok_flat, self.tok_offsets = table, old_stamps, flat, offsets
        if cases or (keep is not None and not keep.all()):
            self.build_bm25()

    def build_bm25(self) -> None:
        """(Re)build the BM25 matrix from the kept token ids (no registry access)."""
        if len(self) == 0:
            self.bm25 = None
            return
        self.bm25 = build_bm25(self.tok_flat, self.tok_offsets, self.token_ids)

    def refresh(
        self, session: Session, progress: Progress | None = None, page: int = 2000, max_age: float = 0.0
    ) -> RefreshReport:
        """Bring the index up to date with the registry (see the module documentation).

        ``max_age`` seconds: skip even the fingerprint query when the last check is younger than that
        (a web app answering many searches a second checks once per ``max_age``, not per search).
        """
        started = time.perf_counter()
        if max_age > 0 and self.state is not None and time.monotonic() - self.checked_at < max_age:
            return RefreshReport(total=len(self), seconds=0.0, checked_only=True)
        marker = write_marker(session)
        if marker is not None and self.state is not None and marker.vouches_for(self.state):
            # nothing written since this connection read this very fingerprint
            self.checked_at = time.monotonic()
            return RefreshReport(total=len(self), seconds=time.perf_counter() - started, checked_only=True)
        state = registry_state(session)
        self.checked_at = time.monotonic()
        if state == self.state:
            if marker is not None:
                marker.remember(state)
            return RefreshReport(total=len(self), seconds=time.perf_counter() - started, checked_only=True)
        ids, stamps = case_stamps(session)
        old_ids, old_stamps = self.table.case_ids, self.stamps
        pos = np.searchsorted(old_ids, ids)
        pos_c = np.minimum(pos, max(0, len(old_ids) - 1))
        found = (pos < len(old_ids)) & (old_ids[pos_c] == ids) if len(old_ids) else np.zeros(len(ids), bool)
        changed = found & (old_stamps[pos_c] != stamps) if len(old_ids) else found
        wanted = ids[~found | changed]
        removed = old_ids[~np.isin(old_ids, ids)]
        stamp_of = dict(zip(ids.tolist(), stamps.tolist(), strict=True))
        cases: list[SourceCase] = []
        for case in load_cases(session, wanted.tolist(), page=page):
            cases.append(case)
            if progress is not None and len(cases) % page == 0:
                progress(len(cases), len(wanted))
        loaded = {c.case_id for c in cases}
        vanished = [int(i) for i in wanted.tolist() if int(i) not in loaded]  # deleted meanwhile
        if cases or len(removed) or vanished:
            self.apply(cases, [stamp_of[c.case_id] for c in cases], [*removed.tolist(), *vanished])
        if progress is not None:
            progress(len(cases), len(wanted))
        self.state = state
        if marker is not None:
            marker.remember(state)
        n_updated = int(changed.sum())
        return RefreshReport(
            added=len(cases) - min(n_updated, len(cases)),
            updated=min(n_updated, len(cases)),
            removed=int(len(removed)) + len(vanished),
            total=len(self),
            seconds=time.perf_counter() - started,
        )

    # -- querying -------------------------------------------------------------------------------

    def bm25_scores(self, tokens: Sequence[str]) -> NDArray[np.float32]:
        """The BM25 score of every row for the (distinct) query tokens; zeros when none is known."""
        known = [t for t in dict.fromkeys(tokens) if t in self.token_ids]
        if self.bm25 is None or not known:
            return np.zeros(len(self), np.float32)
        return np.asarray(score_bm25(self.bm25, known), np.float32)

    def doc_freq(self) -> NDArray[np.int64]:
        """How many cases hold each token id: the column lengths of the BM25 matrix, which has one
        entry per (case, token) pair (no pass over the tokens of every case)."""
        if self.bm25 is None:
            return np.zeros(len(self.token_ids), np.int64)
        return np.diff(self.bm25.scores["indptr"]).astype(np.int64)

    def row_tokens(self, row: int) -> NDArray[np.int32]:
        return self.tok_flat[self.tok_offsets[row] : self.tok_offsets[row + 1]]

    def vocabs(self) -> Vocabs:
        return self.table.vocab
