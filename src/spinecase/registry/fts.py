"""Full-text search over document titles and texts, one function for both backends.

SQLite uses an FTS5 index (``documents_fts``, Porter stemming), PostgreSQL a stored ``tsvector``
column with a GIN index (English stemming); both are created by the migrations and kept up to date by
the database itself. A query is words and ``"quoted phrases"``, all of which must occur; a word
ending in ``*`` matches as a prefix on SQLite.

Example::

    >>> fts5_query('spinal "stromal tumour" T12')
    '"spinal" "stromal tumour" "T12"'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, bindparam, literal_column, select, text
from sqlalchemy.orm import Session

from .engine import RegistryError
from .models import DocumentRow

_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
_WORD_CHARS = re.compile(r"[^\w*]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A document matching a search, best first, with a short excerpt around the match."""

    document_id: int
    key: str
    title: str | None
    snippet: str


def _terms(query: str) -> list[str]:
    out: list[str] = []
    for phrase, word in _TOKEN.findall(query):
        if phrase:
            words = [w for w in _WORD_CHARS.sub(" ", phrase.replace("*", " ")).split() if w]
            if words:
                out.append(" ".join(words))
        else:
            out += [w for w in _WORD_CHARS.sub(" ", word).split() if w.strip("*")]
    return out


def fts5_query(query: str) -> str:
    """A user's query as an FTS5 MATCH expression (every term quoted: no syntax errors possible)."""
    parts = []
    for term in _terms(query):
        prefix = term.endswith("*") and " " not in term
        core = term.rstrip("*").replace("*", "")
        parts.append(f'"{core}"' + ("*" if prefix else ""))
    if not parts:
        raise RegistryError(f"nothing to search for in {query!r}")
    return " ".join(parts)


def _pg_query(query: str) -> str:
    terms = _terms(query)
    if not terms:
        raise RegistryError(f"nothing to search for in {query!r}")
    # websearch syntax: quoted phrases stay phrases, words are AND-ed
    return " ".join(f'"{t.rstrip("*")}"' if " " in t else t.rstrip("*") for t in terms)


def matching_document_ids(session: Session, query: str) -> Select[int]:
    """A sub-select of the ids of documents matching ``query`` (for ``WHERE id IN (...)``)."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return (
            select(literal_column("rowid", type_=DocumentRow.id.type))
            .select_from(text("documents_fts"))
            .where(text("documents_fts MATCH :fts_q").bindparams(bindparam("fts_q", fts5_query(query))))
        )
    if dialect == "postgresql":
        condition: ColumnElement[bool] = text(
            "documents.search @@ websearch_to_tsquery('english', :fts_q)"
        ).bindparams(bindparam("fts_q", _pg_query(query)))  # type: ignore[assignment]
        return select(DocumentRow.id).where(condition)
    raise RegistryError(f"full-text search is not available on {dialect}")


def search_documents(session: Session, query: str, limit: int = 20) -> list[SearchHit]:
    """Documents matching ``query``, most relevant first (BM25 on SQLite, ts_rank on PostgreSQL)."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        sql = text(
            "SELECT d.id, d.key, d.title, snippet(documents_fts, 1, '[', ']', '…', 16) "
            "FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid "
            "WHERE documents_fts MATCH :q ORDER BY bm25(documents_fts) LIMIT :n"
        )
        rows = session.execute(sql, {"q": fts5_query(query), "n": limit}).all()
    elif dialect == "postgresql":
        sql = text(
            "SELECT d.id, d.key, d.title, ts_headline('english', left(d.text, 100000), q, "
            "'StartSel=[, StopSel=], MaxWords=20, MinWords=8') "
            "FROM documents d, websearch_to_tsquery('english', :q) q "
            "WHERE d.search @@ q ORDER BY ts_rank(d.search, q) DESC, d.id LIMIT :n"
        )
        rows = session.execute(sql, {"q": _pg_query(query), "n": limit}).all()
    else:
        raise RegistryError(f"full-text search is not available on {dialect}")
    return [SearchHit(int(r[0]), str(r[1]), r[2], " ".join(str(r[3] or "").split())) for r in rows]
