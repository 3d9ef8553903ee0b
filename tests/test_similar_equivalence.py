"""The fast paths of the similar-cases search compute exactly what the direct ones do.

Scoring distinct values and gathering them, building BM25 from flat ids, scoring BM25 with buffered
adds, tokenising without pairs, and reading cases with raw JSON in pages are all speed-ups: each is
checked here against the straightforward computation it replaces, to the bit where ranks depend on it.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from fixtures.similar.support import add_case, small_cases
from spinecase.documents.model import Document
from spinecase.records import CaseRecord
from spinecase.registry import Registry, get_case, open_registry, set_value
from spinecase.registry.models import CaseRow, DocumentRow
from spinecase.registry.store import incoming, store_document
from spinecase.search.bm25 import bm25_scores, build_bm25
from spinecase.search.features import (
    FEATURE_FIELDS,
    LEVELS,
    FeatureTable,
    QueryFeatures,
    _bitset,
    _lookup,
    facts_row,
    level_similarity,
    structured_scores,
)
from spinecase.search.index import SimilarIndex
from spinecase.search.source import _epoch, case_stamps, load_cases, registry_cases
from spinecase.search.text import default_tokenizer
from spinecase.search.weights import Weights, load_weights

pytest_plugins = ["registry.plugin"]

HIST = ["gist", "melanoma", "renal_cell_carcinoma", "breast_ductal_carcinoma", "breast_lobular_carcinoma"]
SITES = ["stomach", "kidney", "liver", "lung", "breast", "jejunum", "bone", "brain"]
facts = st.fixed_dictionaries(
    {},
    optional={
        "histology": st.sampled_from(HIST),
        "primary_site": st.sampled_from(SITES),
        "spinal_levels": st.lists(st.sampled_from(LEVELS), max_size=4, unique=True),
        "other_metastasis_sites": st.lists(st.sampled_from(SITES), max_size=3, unique=True),
        "neurological_deficit": st.booleans(),
        "age": st.one_of(st.integers(0, 100), st.floats(0, 100, allow_nan=False)),
        "presentation": st.sampled_from(["synchronous", "metachronous"]),
        "sex": st.sampled_from(["male", "female"]),
    },
)


def _every_row(table: FeatureTable, q: QueryFeatures, w: Weights) -> np.ndarray:
    """The structured score computed on every row's own values (the direct way)."""
    acc = np.zeros(len(table), np.float32)
    total = 0.0
    vocab = table.vocab
    if q.histology and (wt := w.field("histology").weight):
        sims = np.array([w.histology_similarity(q.histology, c) for c in vocab.histology.codes], np.float32)
        acc += wt * _lookup(sims, table.histology)
        total += wt
    if q.site and (wt := w.field("primary_site").weight):
        sims = np.array([w.site_similarity(q.site, c) for c in vocab.site.codes], np.float32)
        acc += wt * _lookup(sims, table.site)
        total += wt
    if q.levels and (wt := w.field("spinal_levels").weight):
        acc += wt * level_similarity(table.levels, q.levels, w)
        total += wt
    if q.others and (wt := w.field("other_metastasis_sites").weight):
        idx = [vocab.site.get(s) for s in q.others if vocab.site.get(s) >= 0]
        shared = np.bitwise_count(table.others & _bitset(idx, table.others.shape[1])).sum(
            axis=1, dtype=np.int32
        )
        dice = 2.0 * shared / np.maximum(1, table.n_others.astype(np.int32) + len(q.others))
        acc += wt * dice.astype(np.float32)
        total += wt
    if q.deficit >= 0 and (wt := w.field("neurological_deficit").weight):
        acc += wt * (table.deficit == q.deficit)
        total += wt
    if not np.isnan(q.age) and (wt := w.field("age").weight):
        sim = np.clip(1.0 - np.abs(table.age - q.age) / w.field("age").get("zero_at_years", 25.0), 0.0, 1.0)
        acc += wt * np.nan_to_num(sim, nan=0.0).astype(np.float32)
        total += wt
    if q.presentation >= 0 and (wt := w.field("presentation").weight):
        acc += wt * (table.presentation == q.presentation)
        total += wt
    if q.sex >= 0 and (wt := w.field("sex").weight):
        acc += wt * (table.sex == q.sex)
        total += wt
    return acc if total <= 0 else np.clip(acc / np.float32(total), 0.0, 1.0)


@settings(max_examples=80, deadline=None)
@given(cases=st.lists(facts, min_size=1, max_size=40), query=facts)
def test_scoring_distinct_values_is_scoring_every_row(cases: list[dict], query: dict) -> None:
    table = FeatureTable.empty()
    table = table.with_rows([facts_row(i + 1, f, table.vocab) for i, f in enumerate(cases)])
    q = QueryFeatures.from_facts(query)
    fast, direct = structured_scores(table, q, load_weights()), _every_row(table, q, load_weights())
    assert fast.dtype == direct.dtype == np.float32
    assert np.array_equal(fast, direct)  # bit for bit: equal scores share a rank
    assert len(table.distinct()["levels"].values) <= len(cases)


docs = st.lists(st.lists(st.integers(0, 11), max_size=30), min_size=1, max_size=25).filter(lambda d: any(d))


@settings(max_examples=60, deadline=None)
@given(corpus=docs, query=st.lists(st.integers(0, 11), min_size=1, max_size=8, unique=True))
def test_flat_bm25_is_the_bm25s_index_and_scores(corpus: list[list[int]], query: list[int]) -> None:
    import bm25s
    from bm25s.tokenization import Tokenized

    vocab = {f"w{i}": i for i in range(12)}
    stock = bm25s.BM25()
    stock.index(Tokenized(ids=corpus, vocab=dict(vocab)), show_progress=False)
    lengths = np.array([len(d) for d in corpus], np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    flat = np.array([t for d in corpus for t in d], np.int32)
    ours = build_bm25(flat, offsets, vocab)
    for key in ("data", "indices", "indptr"):
        assert ours.scores[key].dtype == stock.scores[key].dtype
        assert np.array_equal(ours.scores[key], stock.scores[key])
    assert ours.vocab_dict == stock.vocab_dict
    words = [f"w{i}" for i in query]
    assert np.array_equal(bm25_scores(ours, words), stock.get_scores(words))


pieces = st.sampled_from(
    [
        "RCC",
        "GIST",
        "mets",
        "tumour",
        "oesophageal",
        "T12",
        "T10-L2",
        "Th11",
        "D7",
        "L4–5",
        "from T11 to L1",
        "T2-weighted",
        "T1 sequence",
        "the",
        "and",
        "S",
        "Co1",
        "61-year-old",
        "3.5",
        "Gy",
        "leg weakness",
        "C3,",
        "(L5-S1)",
        "\n",
    ]
)


@settings(max_examples=120, deadline=None)
@given(words=st.lists(st.one_of(pieces, st.text(max_size=12)), max_size=25))
def test_tokens_are_the_tokens_of_pairs(words: list[str]) -> None:
    text = " ".join(words)
    tok = default_tokenizer()
    assert tok.tokens(text) == [t for t, _ in tok.pairs(text)]


SERIES = (
    "Two patients. Case 1: a 54-year-old woman with melanoma had a T6 metastasis and lung metastases. "
    "Case 2: a 71-year-old man with renal cell carcinoma had an L2 metastasis."
)


def _filled(url: str) -> Registry:
    reg = open_registry(url)
    for c in small_cases():
        add_case(reg, c["id"], c["text"], c["record"])
    records = [
        CaseRecord.model_validate(
            {
                "document": "series",
                "case": 1,
                "age": 54,
                "sex": "female",
                "histology": "melanoma",
                "spinal_levels": ["T6"],
                "other_metastasis_sites": ["lung"],
                "follow_up_months": 7.5,
                "evidence": {"age": [{"start": 30, "end": 41}], "spinal_levels": [{"start": 84, "end": 86}]},
            }
        ),
        CaseRecord.model_validate(
            {
                "document": "series",
                "case": 2,
                "age": 71,
                "histology": "renal_cell_carcinoma",
                "spinal_levels": ["L2"],
                "evidence": {"age": [{"start": 127, "end": 138}]},
            }
        ),
    ]
    with reg.write() as s:
        store_document(
            s, incoming(Document(id="series", text=SERIES, source="s.txt", format="text"), records, "t")
        )
        set_value(s, "rcc_t12#1", "spinal_levels", "C2", curator="test")
        set_value(s, "gist_l1#1", "other_metastasis_sites", "null", curator="test")
    return reg


def test_readers_give_what_the_registry_shows(db_url: str) -> None:
    reg = _filled(db_url)
    with reg.session() as s:
        ids = list(s.scalars(select(CaseRow.id).order_by(CaseRow.id)))
        assert len(ids) == 10
        hits = registry_cases(s, [*ids, 10**6])  # an id that is gone is left out
        assert sorted(hits) == ids
        for i in ids:
            assert hits[i] == get_case(s, i)
        loaded = list(load_cases(s, ids, page=3))  # small pages: ranges and lists of ids
        assert [c.case_id for c in loaded] == ids
        for c in loaded:
            stated = get_case(s, c.case_id).record.model_dump(mode="json")
            facts = {f: v for f, v in c.facts.items() if v not in (None, [])}  # [] codes as not stated
            assert set(c.facts) <= set(FEATURE_FIELDS)
            assert facts == {f: stated[f] for f in FEATURE_FIELDS if stated[f] not in (None, [])}
        by_key = {
            get_case(s, c.case_id).document.key + f"#{get_case(s, c.case_id).record.case}": c for c in loaded
        }
        assert by_key["rcc_t12#1"].facts["spinal_levels"] == ["C2"]  # the curator's value
        assert not by_key["gist_l1#1"].facts.get("other_metastasis_sites")  # curated as not stated
        # a patient of a series is described by the sentences holding their evidence
        assert "melanoma" in by_key["series#1"].text and "renal" not in by_key["series#1"].text
        assert "renal" in by_key["series#2"].text and "melanoma" not in by_key["series#2"].text
        got_ids, stamps = case_stamps(s)
        rows = s.execute(
            select(CaseRow.id, CaseRow.updated_at, DocumentRow.updated_at)
            .join(DocumentRow, DocumentRow.id == CaseRow.document_id)
            .order_by(CaseRow.id)
        ).all()
        assert got_ids.tolist() == [r[0] for r in rows]
        assert stamps.tolist() == [max(_epoch(r[1]), _epoch(r[2])) for r in rows]
    reg.dispose()


def test_document_frequency_is_the_count_of_cases_holding_a_token(tmp_path) -> None:  # type: ignore[no-untyped-def]
    reg = _filled(f"sqlite:///{tmp_path / 'r.db'}")
    index = SimilarIndex()
    with reg.session() as s:
        index.refresh(s)
    holding = np.zeros(len(index.token_ids), np.int64)
    for row in range(len(index)):
        holding[np.unique(index.row_tokens(row))] += 1
    assert np.array_equal(index.doc_freq(), holding)
    reg.dispose()
