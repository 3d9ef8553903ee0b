"""The case registry: ingest, de-duplicate, curate and export case records.

SQLite by default (``./spinecase.db``), PostgreSQL for teams (``--db postgresql+psycopg://…`` or
``SPINECASE_DB``), through the same code. The CLI (``spinecase ingest``, ``spinecase cases …``,
``spinecase db …``, ``spinecase pubmed …``) and the web app use only what this package exports.

Example::

    >>> from spinecase.registry import CaseFilter, iter_cases, open_registry
    >>> reg = open_registry("sqlite:///:memory:")
    >>> with reg.session() as s:
    ...     [c.record.to_contract() for c in iter_cases(s, CaseFilter(region="lumbar"))]
    []
"""

from __future__ import annotations

from .curation import Edit, history, set_value
from .engine import Registry, RegistryError, display_url, open_registry, resolve_url
from .export import FORMATS as EXPORT_FORMATS
from .export import export_cases, table_row
from .fts import SearchHit, search_documents
from .migrate import current_revision, head_revision, upgrade
from .pipeline import Failure, IngestOptions, IngestSummary, ingest
from .query import (
    CaseDetail,
    CaseFilter,
    DocumentInfo,
    FieldDetail,
    RegistryCase,
    case_detail,
    count_cases,
    get_case,
    iter_cases,
)
from .values import REGIONS, STORED_FIELDS, parse_value

__all__ = [
    "EXPORT_FORMATS",
    "REGIONS",
    "STORED_FIELDS",
    "CaseDetail",
    "CaseFilter",
    "DocumentInfo",
    "Edit",
    "Failure",
    "FieldDetail",
    "IngestOptions",
    "IngestSummary",
    "Registry",
    "RegistryCase",
    "RegistryError",
    "SearchHit",
    "case_detail",
    "count_cases",
    "current_revision",
    "display_url",
    "export_cases",
    "get_case",
    "head_revision",
    "history",
    "ingest",
    "iter_cases",
    "open_registry",
    "parse_value",
    "resolve_url",
    "search_documents",
    "set_value",
    "table_row",
    "upgrade",
]
