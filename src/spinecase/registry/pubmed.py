"""Fetching PubMed records through NCBI E-utilities (esearch with history, then efetch in batches).

NCBI allows 3 requests a second without an API key and 10 with one; :class:`Eutils` spaces its
requests accordingly and retries with exponential backoff on HTTP 429, 5xx, timeouts and dropped
connections (honouring ``Retry-After``). The base URL comes from ``SPINECASE_EUTILS_URL`` when set,
which is how the tests point it at a local server. Only the standard library is used.

Example::

    >>> eu = Eutils(base_url="http://127.0.0.1:9/eutils/", api_key="k")
    >>> eu.min_interval
    0.1
    >>> fetch = fetch_pubmed("spinal metastasis[tiab] AND case reports[pt]", max_records=50)  # doctest: +SKIP
    >>> fetch.count, [a.pmid for a in fetch.articles][:2]  # doctest: +SKIP
    (1834, ['38912345', '38900001'])
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defusedxml import ElementTree as SafeET

from .engine import RegistryError

DEFAULT_EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
ENV_EUTILS_URL = "SPINECASE_EUTILS_URL"
ENV_API_KEY = "NCBI_API_KEY"
#: Records per efetch request (NCBI accepts up to 10,000; smaller batches retry cheaper).
BATCH = 200
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class EutilsError(RegistryError):
    """E-utilities answered with an error, or not at all after every retry."""


@dataclass(frozen=True, slots=True)
class SearchResult:
    """An esearch result kept on NCBI's history server (``webenv`` + ``query_key``)."""

    count: int
    webenv: str
    query_key: str


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    pmid: str
    title: str
    journal: str
    year: str


@dataclass(slots=True)
class PubmedFetch:
    """What a search brought: the hit count, the fetched articles and the saved XML files."""

    query: str
    count: int
    articles: list[ArticleSummary] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


class Eutils:
    """A small E-utilities client: rate-limited, retrying, configurable base URL."""

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        *,
        tool: str = "spinecase",
        email: str | None = None,
        timeout: float = 30.0,
        retries: int = 5,
        backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        base = base_url or os.environ.get(ENV_EUTILS_URL) or DEFAULT_EUTILS_URL
        self.base_url = base if base.endswith("/") else base + "/"
        self.api_key = api_key or os.environ.get(ENV_API_KEY) or None
        self.min_interval = 0.1 if self.api_key else 1 / 3
        self.tool, self.email, self.timeout = tool, email, timeout
        self.retries, self.backoff, self._sleep, self._clock = retries, backoff, sleep, clock
        self._last: float | None = None
        #: when each request left (``clock`` time): the record of the spacing NCBI asks for
        self.sent: list[float] = []

    def _wait_turn(self) -> None:
        if self._last is not None:
            delay = self._last + self.min_interval - self._clock()
            if delay > 0:
                self._sleep(delay)
        self._last = self._clock()
        self.sent.append(self._last)

    def get(self, endpoint: str, params: dict[str, Any]) -> bytes:
        """GET ``endpoint`` (``esearch.fcgi``…) with ``params``; retries transient failures."""
        query = dict(params, tool=self.tool)
        if self.email:
            query["email"] = self.email
        if self.api_key:
            query["api_key"] = self.api_key
        url = self.base_url + endpoint + "?" + urllib.parse.urlencode(query)
        last_error = ""
        for attempt in range(self.retries + 1):
            self._wait_turn()
            wait = self.backoff * 2**attempt
            try:
                with urllib.request.urlopen(url, timeout=self.timeout) as resp:
                    body: bytes = resp.read()
                    return body
            except urllib.error.HTTPError as exc:
                if exc.code not in RETRY_STATUS:
                    detail = exc.read()[:300].decode("utf-8", "replace").strip()
                    raise EutilsError(f"{endpoint}: HTTP {exc.code} {exc.reason}: {detail}") from exc
                last_error = f"HTTP {exc.code} {exc.reason}"
                retry_after = exc.headers.get("Retry-After") if exc.headers else None
                if retry_after and retry_after.strip().isdigit():
                    wait = max(wait, float(retry_after))
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                last_error = str(getattr(exc, "reason", exc)) or type(exc).__name__
            if attempt < self.retries:
                self._sleep(wait)
        raise EutilsError(f"{endpoint}: no answer after {self.retries + 1} attempts ({last_error})")

    def esearch(self, term: str) -> SearchResult:
        """Run a PubMed search and keep its result on the history server."""
        body = self.get(
            "esearch.fcgi", {"db": "pubmed", "term": term, "usehistory": "y", "retmax": 0, "retmode": "json"}
        )
        return parse_esearch(body)

    def efetch(self, search: SearchResult, retstart: int, retmax: int) -> bytes:
        """One batch of a search's records as a ``PubmedArticleSet`` XML document."""
        body = self.get(
            "efetch.fcgi",
            {
                "db": "pubmed",
                "query_key": search.query_key,
                "WebEnv": search.webenv,
                "retstart": retstart,
                "retmax": retmax,
                "retmode": "xml",
                "rettype": "abstract",
            },
        )
        head = body[:2000]
        if b"<PubmedArticleSet" not in head and b"<PubmedArticleSet" not in body:
            raise EutilsError(f"efetch: not a PubmedArticleSet: {head[:200].decode('utf-8', 'replace')}")
        return body

    def fetch(
        self, search: SearchResult, max_records: int | None = None, batch: int = BATCH
    ) -> Iterator[bytes]:
        """The search's records, ``batch`` at a time, up to ``max_records``."""
        total = search.count if max_records is None else min(search.count, max_records)
        for start in range(0, total, batch):
            yield self.efetch(search, start, min(batch, total - start))


def parse_esearch(body: bytes) -> SearchResult:
    """An esearch answer, JSON (``retmode=json``) or XML (``eSearchResult``)."""
    text = body.decode("utf-8", "replace").lstrip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise EutilsError(f"esearch: malformed JSON: {exc}") from exc
        result = data.get("esearchresult") or {}
        error = data.get("error") or result.get("ERROR")
        if error or not result:
            raise EutilsError(f"esearch: {error or 'no esearchresult in the answer'}")
        count, webenv, key = result.get("count"), result.get("webenv"), result.get("querykey")
    else:
        try:
            root = SafeET.fromstring(body)
        except SafeET.ParseError as exc:
            raise EutilsError(f"esearch: malformed XML: {exc}") from exc
        if root.findtext("ERROR"):
            raise EutilsError(f"esearch: {root.findtext('ERROR')}")
        count, webenv, key = root.findtext("Count"), root.findtext("WebEnv"), root.findtext("QueryKey")
    if count is None or not str(count).isdigit():
        raise EutilsError("esearch: the answer has no result count")
    if int(count) and (not webenv or not key):
        raise EutilsError("esearch: the answer has no history (WebEnv/QueryKey)")
    return SearchResult(int(count), str(webenv or ""), str(key or ""))


def summarise(xml: bytes) -> list[ArticleSummary]:
    """PMID, title, journal and year of each article of a ``PubmedArticleSet``."""
    try:
        root = SafeET.fromstring(xml)
    except SafeET.ParseError as exc:
        raise EutilsError(f"efetch: malformed XML: {exc}") from exc
    out = []
    for cit in root.iter("MedlineCitation"):
        article = cit.find("Article")
        title = journal = year = ""
        if article is not None:
            title_el = article.find("ArticleTitle")
            title = " ".join("".join(title_el.itertext()).split()) if title_el is not None else ""
            journal = article.findtext("Journal/ISOAbbreviation") or article.findtext("Journal/Title") or ""
            year = (
                article.findtext("Journal/JournalIssue/PubDate/Year")
                or (article.findtext("Journal/JournalIssue/PubDate/MedlineDate") or "")[:4]
            )
        out.append(ArticleSummary(cit.findtext("PMID") or "", title, journal, year))
    return out


def fetch_pubmed(
    query: str,
    *,
    max_records: int | None = 100,
    api_key: str | None = None,
    base_url: str | None = None,
    save_to: Path | None = None,
    client: Eutils | None = None,
    batch: int = BATCH,
) -> PubmedFetch:
    """Search PubMed and fetch up to ``max_records`` records; with ``save_to``, each batch is written
    there as ``pubmed-<first>-<last>.xml`` (ready for ``spinecase ingest``)."""
    if not query.strip():
        raise EutilsError("the search query is empty")
    if max_records is not None and max_records < 1:
        raise EutilsError("--max must be at least 1")
    eu = client or Eutils(base_url, api_key)
    search = eu.esearch(query)
    fetch = PubmedFetch(query, search.count)
    if save_to is not None:
        save_to.mkdir(parents=True, exist_ok=True)
    start = 0
    for body in eu.fetch(search, max_records, batch):
        articles = summarise(body)
        fetch.articles += articles
        if save_to is not None and articles:
            path = save_to / f"pubmed-{start + 1:07d}-{start + len(articles):07d}.xml"
            tmp = path.with_name(path.name + ".part")
            tmp.write_bytes(body)
            tmp.replace(path)  # a half-written batch never looks like a whole one
            fetch.files.append(path)
        start += len(articles)
    return fetch
