"""``search_similar``: the published patients most like a new one, what was done and how they fared.

The query is free text (run through the same extractor as the published reports, so its structured
facts and its words both count) or a case of the registry. Two rankings are fused with reciprocal rank
fusion: a structured similarity over the coded facts (histology and primary site first, then spinal
level, other metastatic sites, neurological deficit, age, presentation; weights in ``weights.yaml``)
and BM25 over each case's text. Each hit says why it was found, and an aggregate over the hits counts
treatments and outcomes.

Example::

    >>> from spinecase.registry import open_registry
    >>> reg = open_registry("sqlite:///:memory:")
    >>> result = search_similar(reg, text="A 61-year-old man with GIST metastases at T12 and L4.")
    >>> result.query.record.histology, result.query.record.spinal_levels, result.hits
    ('gist', ['T12', 'L4'], [])
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from ..documents.model import Document
from ..records import CaseRecord
from ..registry import Registry, RegistryCase, RegistryError
from ..registry.query import parse_case_ref
from .aggregate import MIN_FOLLOW_UP, Aggregate, aggregate
from .explain import explain
from .features import QueryFeatures, structured_scores
from .index import Progress, RefreshReport, SimilarIndex
from .rank import Fused, Ranking, fuse, ranking, single
from .source import load_cases, registry_cases
from .store import cache_key, cache_root, load_index, save_index
from .weights import Weights, load_weights

Mode = Literal["fused", "structured", "bm25"]
#: By default every search checks the registry fingerprint (a web app may pass ``max_age=1``).
FRESHNESS_SECONDS = 0.0
_LEVEL_TOKEN = re.compile(r"(?:c|t|l|s)\d{1,2}|co")
MODES: tuple[str, ...] = ("fused", "structured", "bm25")

# Clinicians' shorthand the extractor does not read as a patient introduction ("54 yo F").
_SHORTHAND = [
    (re.compile(r"\b(\d{1,3})\s*(?:yo|y/o|y\.o\.?|yrs?\s+old|yr\s+old)\b", re.IGNORECASE), r"\1-year-old"),
    (re.compile(r"(-year-old)\s+(?:F|female|woman)\b"), r"\1 woman"),
    (re.compile(r"(-year-old)\s+(?:M|male|man)\b"), r"\1 man"),
    (re.compile(r"\bmets\b", re.IGNORECASE), "metastases"),
]


@dataclass(frozen=True, slots=True)
class QueryCase:
    """The query as searched: its case record (facts), its text, and where it came from."""

    record: CaseRecord
    text: str
    case_id: int | None = None
    notes: tuple[str, ...] = ()

    def facts(self) -> dict[str, Any]:
        """The stated contract facts of the query."""
        data = self.record.to_contract()
        return {
            k: v for k, v in data.items() if k not in ("document", "case", "evidence") and v not in (None, [])
        }


@dataclass(frozen=True, slots=True)
class SimilarHit:
    """One published case like the query: fused score, each component's score and rank (``None``: not in
    that ranking's top), the reasons, and the case itself."""

    rank: int
    case_id: int
    score: float
    structured_score: float
    structured_rank: int | None
    bm25_score: float
    bm25_rank: int | None
    explanations: list[str]
    case: RegistryCase

    @property
    def why(self) -> str:
        return " · ".join(self.explanations)

    def to_dict(self) -> dict[str, Any]:
        doc = self.case.document
        return {
            "rank": self.rank,
            "case_id": self.case_id,
            "document": doc.key,
            "case": self.case.record.case,
            "title": doc.title,
            "first_author": doc.first_author,
            "year": doc.year,
            "doi": doc.doi,
            "pmid": doc.pmid,
            "score": round(self.score, 6),
            "structured": {"score": round(self.structured_score, 4), "rank": self.structured_rank},
            "bm25": {"score": round(self.bm25_score, 4), "rank": self.bm25_rank},
            "why": self.explanations,
            "record": self.case.record.to_contract(),
        }


@dataclass(frozen=True, slots=True)
class SimilarResult:
    """The hits (best first), the aggregate over them, and how the search went."""

    query: QueryCase
    hits: list[SimilarHit]
    aggregate: Aggregate
    mode: str
    index_size: int
    refresh: RefreshReport
    seconds: float = 0.0
    weights: Weights | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": {
                "case_id": self.query.case_id,
                "facts": self.query.facts(),
                "notes": list(self.query.notes),
            },
            "mode": self.mode,
            "searched": self.index_size,
            "hits": [h.to_dict() for h in self.hits],
            "aggregate": self.aggregate.to_dict(),
        }


# -- the index of each registry, kept per process ---------------------------------------------------

_INDEXES: dict[Any, SimilarIndex] = {}
_LOCKS: dict[Any, threading.Lock] = {}
_GUARD = threading.Lock()


def _where(session: Session, cache_dir: Path | str | None | Literal[False]) -> tuple[Any, Path | None, str]:
    """The in-process key, the cache folder (``None``: memory only) and a label of the registry."""
    bind = session.get_bind()
    engine: Engine = bind.engine if isinstance(bind, Connection) else bind
    url = engine.url
    key = cache_key(url)
    label = url.render_as_string(hide_password=True)
    if key is None:
        return ("memory", id(engine)), None, label
    if cache_dir is False:
        return ("nocache", key), None, label
    root = Path(cache_dir) / "similar" if cache_dir is not None else cache_root()
    return (str(root), key), root / key, label


def _index_for(
    session: Session,
    cache_dir: Path | str | None | Literal[False],
    progress: Progress | None,
    max_age: float = 0.0,
) -> tuple[SimilarIndex, RefreshReport]:
    where, folder, label = _where(session, cache_dir)
    with _GUARD:
        lock = _LOCKS.setdefault(where, threading.Lock())
    with lock:
        index = _INDEXES.get(where)
        if index is None:
            index = (load_index(folder) if folder is not None else None) or SimilarIndex()
            _INDEXES[where] = index
        report = index.refresh(session, progress, max_age=max_age)
        if report.changed and folder is not None:
            save_index(index, folder, label)
        return index, report


def refresh_index(
    registry: Registry | Session,
    *,
    cache_dir: Path | str | None | Literal[False] = None,
    progress: Progress | None = None,
) -> RefreshReport:
    """Bring the similar-cases index of ``registry`` up to date (ingest calls this after storing).

    Only new and changed cases are read and coded; the report says how many. ``cache_dir`` overrides
    the cache root (``False``: keep the index in memory only).
    """
    if isinstance(registry, Session):
        return _index_for(registry, cache_dir, progress)[1]
    with registry.session() as session:
        return _index_for(session, cache_dir, progress)[1]


def forget_indexes() -> None:
    """Drop every index this process holds in memory (the caches on disk stay)."""
    with _GUARD:
        _INDEXES.clear()


# -- the query ------------------------------------------------------------------------------------


def rewrite_shorthand(text: str) -> str:
    """Clinicians' shorthand spelled out so the extractor finds the patient.

    >>> rewrite_shorthand("54 yo F, RCC mets T10-L2")
    '54-year-old woman, RCC metastases T10-L2'
    """
    for pattern, repl in _SHORTHAND:
        text = pattern.sub(repl, text)
    return text


def query_from_text(text: str) -> QueryCase:
    """The query case of a free-text description: the extractor's first case of it."""
    from ..extract import extract_cases

    if not text.strip():
        raise RegistryError("the query text is empty")
    written = rewrite_shorthand(text)
    cases = extract_cases(Document(id="query", text=written, source="query", format="text"))
    if not cases:
        # no patient introduction: read it as the description of one patient
        cases = extract_cases(
            Document(
                id="query", text="The patient: " + written + "\nThe patient.", source="query", format="text"
            )
        )
    if not cases:
        note = "no patient facts found in the text: ranked by its words only"
        return QueryCase(CaseRecord(document="query", case=1), text, notes=(note,))
    return QueryCase(cases[0], text)


def query_from_case(session: Session, ref: str | int) -> QueryCase:
    """The query case of a registry case (``42`` or ``DOCUMENT#N``), with its indexed text."""
    case_id = parse_case_ref(session, ref)
    case = registry_cases(session, [case_id]).get(case_id)  # what get_case gives, lighter
    if case is None:
        raise RegistryError(f"no case with id {case_id}")
    texts = [c.text for c in load_cases(session, [case_id])]
    return QueryCase(case.record, texts[0] if texts else "", case_id=case_id)


def _matched_words(
    index: SimilarIndex, row: int, query_pairs: list[tuple[str, str]], df: np.ndarray, limit: int = 5
) -> list[str]:
    """Telling query words (as the query wrote them) found in a hit's text, rarest first: words in
    more than half the cases and level tokens (the facts already say those) are left out. ``df`` is
    :meth:`SimilarIndex.doc_freq`."""
    present = set(index.row_tokens(row).tolist())
    common = len(index) / 2
    found: dict[str, tuple[float, str]] = {}
    for tok, surface in query_pairs:
        tid = index.token_ids.get(tok)
        if tid is None or tid not in present or tok in found or _LEVEL_TOKEN.fullmatch(tok):
            continue
        if tid < len(df) and df[tid] > common:
            continue
        if surface != tok and not surface.isalpha():
            continue  # a level or range written in the query
        found[tok] = (
            float(df[tid]) if tid < len(df) else 0.0,
            surface if surface.isupper() else surface.lower(),
        )
    ordered = sorted(found.values(), key=lambda v: v[0])
    return list(dict.fromkeys(s for _, s in ordered))[:limit]


def _ranks_of(r: Ranking, rows: np.ndarray) -> dict[int, int]:
    """The rank of each of ``rows`` in ranking ``r`` (rows not in it are left out)."""
    mask = np.isin(r[0], rows)
    return dict(zip(r[0][mask].tolist(), r[1][mask].tolist(), strict=True))


def search_similar(
    registry_or_session: Registry | Session,
    text: str | None = None,
    case: str | int | None = None,
    top: int = 10,
    *,
    mode: Mode = "fused",
    weights: Weights | None = None,
    cache_dir: Path | str | None | Literal[False] = None,
    refresh: bool = True,
    min_follow_up: int = MIN_FOLLOW_UP,
    progress: Progress | None = None,
    max_age: float = FRESHNESS_SECONDS,
) -> SimilarResult:
    """The ``top`` published cases most like the query (``text`` or registry ``case``), best first.

    ``mode`` picks the ranking: ``fused`` (default), ``structured`` or ``bm25`` alone. The query case
    itself is never among its hits. ``refresh=False`` skips bringing the index up to date (it is built
    if the process has none); ``max_age`` seconds spares even the registry fingerprint query when this
    process checked it that recently (0: check on every search). Raises :class:`~spinecase.registry.RegistryError` for a bad query.
    """
    if (text is None) == (case is None):
        raise RegistryError("give either a query text or a case, not both or neither")
    if top < 1:
        raise RegistryError("top must be at least 1")
    if mode not in MODES:
        raise RegistryError(f"unknown mode {mode!r}; one of: {', '.join(MODES)}")
    if isinstance(registry_or_session, Session):
        return _search(
            registry_or_session, text, case, top, mode, weights, cache_dir, refresh, min_follow_up, progress
        )
    with registry_or_session.session() as session:
        return _search(
            session, text, case, top, mode, weights, cache_dir, refresh, min_follow_up, progress, max_age
        )


def _search(
    session: Session,
    text: str | None,
    case: str | int | None,
    top: int,
    mode: str,
    weights: Weights | None,
    cache_dir: Path | str | None | Literal[False],
    refresh: bool,
    min_follow_up: int,
    progress: Progress | None,
    max_age: float = 0.0,
) -> SimilarResult:
    started = time.perf_counter()
    w = weights or load_weights()
    query = query_from_case(session, case) if case is not None else query_from_text(text or "")
    if refresh:
        index, report = _index_for(session, cache_dir, progress, max_age)
    else:
        where, _, _ = _where(session, cache_dir)
        found = _INDEXES.get(where)
        index, report = (
            (found, RefreshReport(total=len(found), checked_only=True))
            if found
            else _index_for(session, cache_dir, progress)
        )
    q = QueryFeatures.from_facts(query.record.model_dump(mode="json"), index.vocabs())
    pairs = index.tokenizer.pairs(query.text)
    exclude = np.zeros(0, np.int64)
    if query.case_id is not None and (row := index.row_of(query.case_id)) is not None:
        exclude = np.array([row], np.int64)
    depth = max(w.depth, top)
    s_scores = structured_scores(index.table, q, w)
    b_scores = index.bm25_scores([t for t, _ in pairs])
    s_rank, b_rank = ranking(s_scores, depth, exclude), ranking(b_scores, depth, exclude)
    fused: Fused
    if mode == "structured":
        fused = single(s_rank, top)
    elif mode == "bm25":
        fused = single(b_rank, top)
    else:
        fused = fuse(
            [s_rank, b_rank],
            [w.fusion.get("structured", 1.0), w.fusion.get("bm25", 1.0)],
            k=w.rrf_k,
            n=len(index),
            top=top,
        )
    s_pos, b_pos = _ranks_of(s_rank, fused.rows), _ranks_of(b_rank, fused.rows)
    hits: list[SimilarHit] = []
    stored = registry_cases(session, [int(index.case_ids[r]) for r in fused.rows.tolist()])
    df = index.doc_freq()
    for row, score in zip(fused.rows.tolist(), fused.scores.tolist(), strict=True):
        case_id = int(index.case_ids[row])
        found_case = stored.get(case_id)
        if found_case is None:  # deleted since the index was refreshed
            continue
        words = _matched_words(index, row, pairs, df)
        hits.append(
            SimilarHit(
                rank=len(hits) + 1,
                case_id=case_id,
                score=float(score),
                structured_score=float(s_scores[row]),
                structured_rank=s_pos.get(row),
                bm25_score=float(b_scores[row]),
                bm25_rank=b_pos.get(row),
                explanations=explain(query.record, found_case.record, w, words),
                case=found_case,
            )
        )
    agg = aggregate([h.case.record for h in hits], min_follow_up)
    return SimilarResult(
        query=query,
        hits=hits,
        aggregate=agg,
        mode=mode,
        index_size=len(index),
        refresh=report,
        seconds=time.perf_counter() - started,
        weights=w,
    )
