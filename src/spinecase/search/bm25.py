"""Building the BM25 index of ``bm25s`` from flat token ids in a few NumPy passes.

BM25 (Robertson & Zaragoza 2009; the Lucene variant that ``bm25s`` uses by default) gives a case
``idf(t) * tf / (tf + k1 * (1 - b + b * len / avg_len))`` for each of its distinct tokens ``t``. The
index is a sparse token x case matrix of those numbers. ``bm25s`` builds it with a Python loop per
document (a ``Counter`` per case, a set intersection per case for document frequencies): seconds
for 100,000 cases, paid again on every refresh since the statistics depend on every case. Here the
(token, case) pairs are counted at once with ``np.unique`` over ``token * cases + case`` keys, which
also sorts them into the matrix's column order, and the same arithmetic runs on whole arrays in the
same types, so the matrix is the one ``bm25s`` builds, to the bit (a test compares them). Scoring reads the same matrix as ``bm25s.get_scores`` and
adds the same float32 numbers in the same order, with one buffered add per query token where
``bm25s`` calls the much slower unbuffered ``np.add.at`` (:func:`bm25_scores`).

Example::

    >>> import numpy as np
    >>> flat = np.array([0, 1, 1, 2, 0], np.int32)      # case 0: tokens 0 1 1; case 1: tokens 2 0
    >>> offsets = np.array([0, 3, 5], np.int64)
    >>> index = build_bm25(flat, offsets, {"gist": 0, "t12": 1, "liver": 2})
    >>> [round(float(s), 3) for s in bm25_scores(index, ["t12"])]
    [0.372, 0.0]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray


def _flat_bm25_class() -> type:
    import bm25s
    from bm25s.scoring import _build_idf_array, _select_idf_scorer, _select_tfc_scorer

    class FlatBM25(bm25s.BM25):
        """``bm25s.BM25`` whose index is built from ``(flat token ids, offsets)`` without a Python loop
        per document (``bm25s`` documents ``build_index_from_ids`` as the method to override)."""

        def build_index_from_ids(
            self,
            unique_token_ids: list[int],
            corpus_token_ids: Any,
            show_progress: bool = True,
            leave_progress: bool = False,
        ) -> dict[str, Any]:
            flat, offsets = corpus_token_ids
            if self.method in self.methods_requiring_nonoccurrence:  # pragma: no cover - not used here
                docs = np.split(flat, offsets[1:-1])
                return super().build_index_from_ids(
                    unique_token_ids, [d.tolist() for d in docs], show_progress, leave_progress
                )
            n_docs, n_vocab = len(offsets) - 1, len(unique_token_ids)
            lengths = np.diff(offsets)
            avg_doc_len = lengths.mean()
            # every (token, document) pair once, with its count in the document, already in the
            # matrix's column order (by token, then document)
            doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
            keys, tf = np.unique(flat.astype(np.int64) * n_docs + doc_of, return_counts=True)
            voc_idx, doc_idx = keys // n_docs, keys % n_docs
            df = np.bincount(voc_idx, minlength=n_vocab)
            self.nonoccurrence_array = None
            idf_array = _build_idf_array(
                doc_frequencies={int(t): int(df[t]) for t in unique_token_ids},
                n_docs=n_docs,
                compute_idf_fn=_select_idf_scorer(self.idf_method),
                dtype=self.dtype,
            )
            # as bm25s computes it per document: float32 counts, float64 length terms, stored as dtype
            tfc = _select_tfc_scorer(self.method)(
                tf_array=tf.astype(self.dtype),
                l_d=lengths[doc_idx],
                l_avg=avg_doc_len,
                k1=self.k1,
                b=self.b,
                delta=self.delta,
            )
            indptr = np.zeros(n_vocab + 1, np.int64)
            np.cumsum(df, out=indptr[1:])
            return {
                "data": (idf_array[voc_idx] * tfc).astype(self.dtype),
                "indices": doc_idx.astype(self.int_dtype),
                "indptr": indptr,
                "num_docs": n_docs,
            }

    return FlatBM25


_CLASS: list[type] = []


def build_bm25(flat: NDArray[np.int32], offsets: NDArray[np.int64], vocab: Mapping[str, int]) -> Any:
    """A ``bm25s.BM25`` index over the documents ``flat[offsets[i]:offsets[i + 1]]`` (token ids of
    ``vocab``), the same as ``bm25s.BM25().index(...)`` would build from lists of ids."""
    from bm25s.tokenization import Tokenized

    if not _CLASS:
        _CLASS.append(_flat_bm25_class())
    retriever = _CLASS[0]()
    # bm25s adds an empty token to the vocabulary it is given: hand it a copy
    retriever.index(
        Tokenized(ids=(np.asarray(flat), np.asarray(offsets)), vocab=dict(vocab)),
        show_progress=False,
    )
    return retriever


def bm25_scores(index: Any, tokens: list[str]) -> NDArray[np.float32]:
    """What ``index.get_scores(tokens)`` returns (``tokens`` distinct), computed faster.

    A token's postings name each case once, so ``scores[cases] += weights`` adds exactly what
    ``np.add.at(scores, cases, weights)`` adds, token after token in the query's order: the same
    float32 sums, to the bit.
    """
    matrix = index.scores
    data, indices, indptr = matrix["data"], matrix["indices"], matrix["indptr"]
    ids = index.get_tokens_ids(tokens)
    scores = np.zeros(matrix["num_docs"], dtype=index.dtype)
    for t in ids:
        start, end = indptr[t], indptr[t + 1]
        scores[indices[start:end]] += data[start:end]
    if index.nonoccurrence_array is not None:  # pragma: no cover - BM25L/BM25+ only
        scores += index.nonoccurrence_array[ids].sum()
    return scores
