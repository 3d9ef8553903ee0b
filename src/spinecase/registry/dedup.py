"""When two inputs are the same article.

An incoming document is the stored document that shares, in this order of trust:

1. ``sha256`` — the SHA-256 of its text as read (the same file, or an identical copy);
2. ``pmid`` / ``pmcid`` / ``doi`` — an identifier, from the reader's metadata or, for plain text and
   web pages, a labelled ``doi:``/``PMID:``/``PMCID`` in the first 2,000 characters (later ones are
   usually references to other papers);
3. ``fingerprint`` — the SHA-256 of the normalised words (case, punctuation, line breaks and
   hyphenation at line ends ignored), so a re-encoded or re-flowed copy matches;
4. ``contained`` — most of the sampled eight-word shingles of the shorter text occur in the longer
   one: the PubMed abstract of an article whose full text was scraped, or the reverse.

A different identifier of the same kind (another PMID, another DOI) vetoes rules 1, 3 and 4 — two
letters both reading "Reply." are two articles — except for identical texts of at least
:data:`MIN_WORDS_DUPLICATE` words: the same case narrative published twice is one patient.

Shingles are sampled by value (a hash ending in four zero bits), not by position, so a text that is
contained in another has its samples among the other's samples; the registry stores the samples of
every document (``document_shingles``) and one indexed query finds the candidates.

Besides these, each input gets an ``input`` key (its text plus its identifiers): an input already
stored with the current extractor version is skipped before extraction.

Example::

    >>> a = document_keys("Spinal metastasis of a GIST.\\n\\nA 61-year-old man had back pain.", {})
    >>> b = document_keys("SPINAL metastasis of a GIST. A 61-year-old man had back pain!", {})
    >>> a.content_hash == b.content_hash, a.fingerprint == b.fingerprint
    (False, True)
    >>> identifiers_from_text("Eur Spine J. 2020. doi: 10.1007/s00586-020-06491-9. PMID: 32561234")
    {'doi': '10.1007/s00586-020-06491-9', 'pmid': '32561234'}
"""

from __future__ import annotations

import hashlib
import math
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .models import DocumentKey, DocumentShingle

SHINGLE_WORDS = 8
#: A shingle is sampled when the low bits of its hash are zero: one in 2**SAMPLE_BITS (1 in 16), so a
#: 200-word abstract has about a dozen samples.
SAMPLE_BITS = 4
#: A text with fewer samples (about 100 words) is too short for containment to mean anything.
MIN_SAMPLES = 6
#: Share of the shorter text's samples that must occur in the longer one.
CONTAINMENT = 0.7
#: Identifiers are looked for in this many leading characters of a plain text.
HEAD_CHARS = 2000
#: Formats whose identifiers come only from their structured metadata, never from the text.
STRUCTURED_FORMATS = frozenset({"pubmed", "jats", "jsonl", "xml", "json"})
#: Order of trust of the key kinds (lower is stronger).
KEY_RANK = {"sha256": 0, "pmid": 1, "pmcid": 2, "doi": 3, "fp": 4, "contained": 5}
ID_KINDS = ("pmid", "pmcid", "doi")
#: Identical texts at least this long are one article even under conflicting identifiers.
MIN_WORDS_DUPLICATE = 25

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_HYPHEN_BREAK = re.compile(r"(\w)-[ \t]*\r?\n[ \t]*(\w)")
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE)
_DOI_LABEL = re.compile(r"(?:\bdoi\s*[:=]?\s*|doi\.org/)(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE)
_PMID_LABEL = re.compile(r"\bPMID\s*:?\s*(\d{1,9})\b")
_PMCID = re.compile(r"\b(PMC\d{4,9})\b")


@dataclass(frozen=True, slots=True)
class DocKeys:
    """Everything de-duplication needs to know about one text, computed where it is read."""

    content_hash: str
    fingerprint: str
    identifiers: dict[str, str] = field(default_factory=dict)
    shingles: tuple[int, ...] = ()
    words: int = 0

    @property
    def input_hash(self) -> str:
        """SHA-256 of the text hash and the identifiers: one input, whatever file it came in."""
        return input_hash(self.content_hash, self.identifiers)

    def exact_keys(self) -> list[str]:
        """The ``document_keys`` entries of this text, strongest first."""
        keys = [f"sha256:{self.content_hash}"]
        keys += [f"{kind}:{self.identifiers[kind]}" for kind in ID_KINDS if kind in self.identifiers]
        keys.append(f"fp:{self.fingerprint}")
        return keys

    def all_keys(self) -> list[str]:
        """:meth:`exact_keys` and the ``input`` key."""
        return [*self.exact_keys(), f"input:{self.input_hash}"]


def content_hash(text: str) -> str:
    """SHA-256 (hex) of the text as read."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def normalised_words(text: str) -> list[str]:
    """Lower-case words, with hyphenation at line ends undone (``meta-\\nstasis`` -> ``metastasis``)."""
    return _WORD.findall(_HYPHEN_BREAK.sub(r"\1\2", text).casefold())


def fingerprint(words: list[str]) -> str:
    """SHA-256 (hex) of the normalised words joined by single spaces."""
    return hashlib.sha256(" ".join(words).encode("utf-8", "surrogatepass")).hexdigest()


_MASK64 = (1 << 64) - 1
_BASE = 0x100000001B3  # an odd multiplier (the 64-bit FNV prime) for the rolling window hash
_BASE_TOP = pow(_BASE, SHINGLE_WORDS - 1, 1 << 64)
_MIX = 0x9E3779B97F4A7C15  # Fibonacci hashing: spreads the window hash into the top bits


def sampled_shingles(words: list[str]) -> tuple[int, ...]:
    """Hashes of the value-sampled eight-word shingles (below 2**60: they fit a BIGINT).

    Each word is hashed once (CRC-32) and the windows are hashed by a rolling polynomial, so the
    cost is a few integer operations per word; a window is sampled when the top
    :data:`SAMPLE_BITS` bits of its mixed hash are zero, which depends on its words alone.
    """
    n = len(words) - SHINGLE_WORDS + 1
    if n <= 0:
        return ()
    hs = [zlib.crc32(w.encode("utf-8", "surrogatepass")) for w in words]
    h = 0
    for x in hs[:SHINGLE_WORDS]:
        h = (h * _BASE + x) & _MASK64
    shift = 64 - SAMPLE_BITS
    out: set[int] = set()
    for i in range(n):
        if i:
            h = ((h - hs[i - 1] * _BASE_TOP) * _BASE + hs[i + SHINGLE_WORDS - 1]) & _MASK64
        mixed = (h * _MIX) & _MASK64
        if mixed >> shift == 0:
            out.add(mixed)
    return tuple(sorted(out))


def normalise_doi(raw: str) -> str | None:
    """``https://doi.org/10.1/ABC.`` -> ``10.1/abc`` (DOIs are case-insensitive)."""
    m = _DOI.search(raw.strip())
    if not m:
        return None
    return m.group(1).rstrip(".,;)]").casefold()


def normalise_pmcid(raw: str) -> str | None:
    """``pmc123456`` or ``123456`` -> ``PMC123456``."""
    digits = re.sub(r"(?i)^\s*pmc", "", str(raw).strip())
    return f"PMC{digits}" if digits.isdigit() else None


def normalise_pmid(raw: Any) -> str | None:
    """``" 0012345 "`` -> ``12345``."""
    s = str(raw).strip()
    return str(int(s)) if s.isdigit() and int(s) > 0 else None


def identifiers_from_metadata(meta: Mapping[str, Any]) -> dict[str, str]:
    """Normalised ``doi``/``pmid``/``pmcid`` from a reader's metadata."""
    out: dict[str, str] = {}
    for kind, norm in (("doi", normalise_doi), ("pmid", normalise_pmid), ("pmcid", normalise_pmcid)):
        raw = meta.get(kind)
        value = norm(str(raw)) if raw not in (None, "") else None
        if value:
            out[kind] = value
    return out


_REFERENCES_HEADING = re.compile(
    r"^\s*(?:references?|bibliography|literature\s+cited|works\s+cited|similar\s+articles|cited\s+by)\s*:?\s*$",
    re.IGNORECASE | re.MULTILINE,
)


def identifiers_from_text(text: str) -> dict[str, str]:
    """Labelled identifiers in the head of a plain text (a scraped page or PDF header)."""
    head = text[:HEAD_CHARS]
    # a short paper's reference list can start inside the head: the DOIs there belong to other papers
    if m := _REFERENCES_HEADING.search(head):
        head = head[: m.start()]
    out: dict[str, str] = {}
    if m := _DOI_LABEL.search(head):
        doi = normalise_doi(m.group(1))
        if doi:
            out["doi"] = doi
    if m := _PMID_LABEL.search(head):
        pmid = normalise_pmid(m.group(1))
        if pmid:
            out["pmid"] = pmid
    if m := _PMCID.search(head):
        out["pmcid"] = m.group(1).upper()
    return out


def input_hash(text_hash: str, identifiers: Mapping[str, str]) -> str:
    """What makes an input the same input again: its text and its identifiers."""
    ids = "\n".join(f"{k}:{v}" for k, v in sorted(identifiers.items()))
    return hashlib.sha256(f"{text_hash}\n{ids}".encode()).hexdigest()


def identifiers(text: str, metadata: Mapping[str, Any], *, structured: bool = False) -> dict[str, str]:
    """Identifiers of a document: its metadata's, and for plain texts also those in its head."""
    ids = identifiers_from_metadata(metadata)
    if not structured:
        for kind, value in identifiers_from_text(text).items():
            ids.setdefault(kind, value)
    return ids


def quick_input_hash(text: str, metadata: Mapping[str, Any], *, structured: bool = False) -> str:
    """:attr:`DocKeys.input_hash` without the costlier keys: the check before extraction."""
    return input_hash(content_hash(text), identifiers(text, metadata, structured=structured))


def document_keys(text: str, metadata: Mapping[str, Any], *, structured: bool = False) -> DocKeys:
    """The de-duplication keys of a text; ``structured`` formats (XML, JSON Lines) trust only their
    metadata for identifiers, plain texts also their head."""
    words = normalised_words(text)
    ids = identifiers(text, metadata, structured=structured)
    return DocKeys(content_hash(text), fingerprint(words), ids, sampled_shingles(words), len(words))


@dataclass(frozen=True, slots=True)
class Match:
    """The stored document an incoming text is, and the rule that said so."""

    document_id: int
    rule: str


def _conflicts(session: Session, document_id: int, keys: DocKeys) -> bool:
    """The stored document has another identifier of a kind the incoming text has."""
    if not keys.identifiers:
        return False
    stored: dict[str, set[str]] = {}
    for key in session.scalars(
        select(DocumentKey.key).where(
            DocumentKey.document_id == document_id,
            or_(*(DocumentKey.key.startswith(f"{kind}:") for kind in keys.identifiers)),
        )
    ):
        kind, _, value = key.partition(":")
        stored.setdefault(kind, set()).add(value)
    return any(kind in stored and value not in stored[kind] for kind, value in keys.identifiers.items())


def _acceptable(session: Session, document_id: int, rule: str, keys: DocKeys) -> bool:
    if rule in ID_KINDS or not _conflicts(session, document_id, keys):
        return True
    # another PMID/DOI: the same article only if the very same, substantial text
    return rule in ("sha256", "fp") and keys.words >= MIN_WORDS_DUPLICATE


def find_match(session: Session, keys: DocKeys) -> Match | None:
    """The stored document ``keys`` belong to, by the strongest rule that finds one."""
    rows = session.execute(
        select(DocumentKey.key, DocumentKey.document_id).where(DocumentKey.key.in_(keys.exact_keys()))
    ).all()
    candidates = sorted(((KEY_RANK[k.split(":", 1)[0]], k.split(":", 1)[0], d) for k, d in rows))
    for _, kind, doc_id in candidates:
        if _acceptable(session, doc_id, kind, keys):
            return Match(doc_id, "fingerprint" if kind == "fp" else kind)
    return find_containing(session, keys)


def find_containing(session: Session, keys: DocKeys) -> Match | None:
    """A stored document sharing most of the shingle samples of the shorter of the two texts."""
    shingles = keys.shingles
    if len(shingles) < MIN_SAMPLES:
        return None
    shared = func.count().label("shared")
    candidates = session.execute(
        select(DocumentShingle.document_id, shared)
        .where(DocumentShingle.shingle.in_(shingles))
        .group_by(DocumentShingle.document_id)
        .having(shared >= math.ceil(CONTAINMENT * MIN_SAMPLES))
        .order_by(shared.desc())
        .limit(20)
    ).all()
    for doc_id, n_shared in candidates:
        n_stored = session.scalar(
            select(func.count()).select_from(DocumentShingle).where(DocumentShingle.document_id == doc_id)
        )
        smaller = min(len(shingles), n_stored or 0)
        if (
            smaller >= MIN_SAMPLES
            and n_shared >= CONTAINMENT * smaller
            and not _conflicts(session, doc_id, keys)
        ):
            return Match(doc_id, "contained")
    return None
