"""A local stand-in for NCBI E-utilities: serves the recorded answers in ``eutils/`` on 127.0.0.1.

esearch answers with ``esearch.json`` (or ``esearch.xml`` for ``retmode=xml``); efetch answers with
the ``retstart``/``retmax`` slice of the articles of ``efetch.xml``. ``fail_next`` queues failures
(an HTTP status, or ``"slow"`` to answer after the client's timeout) and ``requests`` logs every
request with its arrival time, so tests can check retries and request spacing.
"""

from __future__ import annotations

import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.etree import ElementTree as ET

RECORDED = Path(__file__).resolve().parent / "eutils"


@dataclass
class Request:
    endpoint: str
    params: dict[str, str]
    at: float


@dataclass
class FakeEutils:
    esearch: str = "esearch.json"
    fail_next: list[int | str] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    slow_seconds: float = 1.5

    def answer(self, endpoint: str, params: dict[str, str]) -> tuple[int, str, bytes]:
        self.requests.append(Request(endpoint, params, time.monotonic()))
        if self.fail_next:
            failure = self.fail_next.pop(0)
            if failure == "slow":
                time.sleep(self.slow_seconds)
            else:
                return int(failure), "text/plain", b"try again later"
        if endpoint == "esearch.fcgi":
            kind = "application/json" if self.esearch.endswith(".json") else "text/xml"
            return 200, kind, (RECORDED / self.esearch).read_bytes()
        if endpoint == "efetch.fcgi":
            start, size = int(params.get("retstart", 0)), int(params.get("retmax", 20))
            root = ET.parse(RECORDED / "efetch.xml").getroot()
            articles = list(root)
            for a in articles:
                root.remove(a)
            root.extend(articles[start : start + size])
            return 200, "text/xml", b'<?xml version="1.0" ?>\n' + ET.tostring(root)
        return 400, "text/plain", b"unknown endpoint"


class _Handler(BaseHTTPRequestHandler):
    fake: FakeEutils

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        url = urllib.parse.urlsplit(self.path)
        params = dict(urllib.parse.parse_qsl(url.query))
        status, kind, body = self.server.fake.answer(url.path.rsplit("/", 1)[-1], params)  # type: ignore[attr-defined]
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            if status == 429:
                self.send_header("Retry-After", "0")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)

    def log_message(self, *args: object) -> None:
        pass


class EutilsServer:
    """``with EutilsServer() as server:`` … ``server.url`` is the base URL to give the client."""

    def __init__(self, fake: FakeEutils | None = None) -> None:
        self.fake = fake or FakeEutils()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.fake = self.fake  # type: ignore[attr-defined]
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/entrez/eutils/"

    def __enter__(self) -> EutilsServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
