"""Similar published cases for a new patient: ranking, explanations and an aggregate of outcomes.

``search_similar`` fuses a structured similarity over coded case facts with BM25 over case text
(reciprocal rank fusion, Cormack et al. 2009) and says why each case was found; ``refresh_index``
brings a registry's index up to date incrementally (ingest calls it after storing documents).

Example::

    >>> from spinecase.registry import open_registry
    >>> from spinecase.search import search_similar
    >>> reg = open_registry("sqlite:///:memory:")
    >>> search_similar(reg, text="A 61-year-old man with GIST metastases at T12 and L4.").hits
    []
"""

from __future__ import annotations

from .aggregate import Aggregate, Survival, aggregate, km_curve
from .api import (
    MODES,
    QueryCase,
    SimilarHit,
    SimilarResult,
    forget_indexes,
    query_from_case,
    query_from_text,
    refresh_index,
    search_similar,
)
from .index import RefreshReport, SimilarIndex
from .weights import Weights, load_weights, parse_weights

__all__ = [
    "MODES",
    "Aggregate",
    "QueryCase",
    "RefreshReport",
    "SimilarHit",
    "SimilarIndex",
    "SimilarResult",
    "Survival",
    "Weights",
    "aggregate",
    "forget_indexes",
    "km_curve",
    "load_weights",
    "parse_weights",
    "query_from_case",
    "query_from_text",
    "refresh_index",
    "search_similar",
]
