"""Two ``spinecase ingest`` processes and a running ``spinecase serve`` on one registry.

The server runs in its own process on a free loopback port; while the two ingests write overlapping
folders of invented reports, a client keeps reading the JSON API and the pages (and the cases they
list). :func:`two_ingests_and_a_server` returns what everyone saw, for the test and the benchmark.

Example::

    >>> ConcurrencyReport().lost
    0
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from registry.fakes import write_reports

from .support import Audit, audit, expected_contracts, free_port, spinecase_popen

PAGES = ["/api/cases", "/api/cases?per_page=100&sort=age&order=desc", "/", "/cases", "/api/dashboard"]


class Reader(threading.Thread):
    """Reads the API and pages in a loop (and the first cases each list shows) until told to stop."""

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.base = base
        self.stop = threading.Event()
        self.statuses: Counter[int] = Counter()
        self.failures: list[str] = []
        self.requests = 0
        self.max_total = 0

    def get(self, client: httpx.Client, path: str) -> httpx.Response | None:
        self.requests += 1
        try:
            r = client.get(path)
        except httpx.HTTPError as exc:
            self.failures.append(f"{path}: {type(exc).__name__}: {exc}")
            return None
        self.statuses[r.status_code] += 1
        if r.status_code >= 500:
            self.failures.append(f"{path}: {r.status_code} {r.text[:200]}")
        return r

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=60) as client:
            while not self.stop.is_set():
                for path in PAGES:
                    r = self.get(client, path)
                    if path == "/api/cases" and r is not None and r.status_code == 200:
                        listing = r.json()
                        self.max_total = max(self.max_total, listing["total"])
                        for case in listing["cases"][:2]:
                            self.get(client, f"/api/cases/{case['id']}")
                            self.get(client, f"/cases/{case['id']}")


class ServerDidNotStart(Exception):
    pass


def serve(url: str, port: int, log: Path) -> subprocess.Popen[str]:
    """``spinecase serve`` on 127.0.0.1:``port``, once it answers."""
    server = spinecase_popen("serve", "--db", url, "--port", str(port), log=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ServerDidNotStart(log.read_text())
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/cases", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.kill()
    raise ServerDidNotStart("spinecase serve did not answer within 60 s")


@dataclass
class ConcurrencyReport:
    returncodes: list[int | None] = field(default_factory=list)
    stderrs: list[str] = field(default_factory=list)
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    server_log: str = ""
    max_total_seen: int = 0
    final_total: int = 0
    given: int = 0
    state: Audit = field(default_factory=Audit)

    @property
    def lost(self) -> int:
        return len(self.state.missing)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


def two_ingests_and_a_server(workdir: Path, url: str, per_folder: int = 120) -> ConcurrencyReport:
    """Folders a, b, c of invented reports; one ingest takes a+b, the other (two workers) c+b."""
    folders = [workdir / name for name in "abc"]
    reports = [p for i, f in enumerate(folders) for p in write_reports(f, per_folder, start=i * per_folder)]
    expected = expected_contracts(reports)
    out = ConcurrencyReport(given=len(expected))
    port = free_port()
    log = workdir / "server.log"
    server = serve(url, port, log)
    reader = Reader(f"http://127.0.0.1:{port}")
    try:
        reader.start()
        a, b, c = (str(f) for f in folders)
        first = spinecase_popen("ingest", a, b, "--db", url)
        second = spinecase_popen("ingest", c, b, "--db", url, "--workers", "2")
        for proc in (first, second):
            _, err = proc.communicate(timeout=600)
            out.returncodes.append(proc.returncode)
            out.stderrs.append(err)
        time.sleep(0.5)  # a last round of reads on the complete registry
        reader.stop.set()
        reader.join(timeout=120)
        out.final_total = httpx.get(f"http://127.0.0.1:{port}/api/cases", timeout=30).json()["total"]
    finally:
        reader.stop.set()
        server.terminate()
        server.wait(timeout=30)
    out.requests, out.statuses, out.failures = reader.requests, reader.statuses, reader.failures
    out.max_total_seen = reader.max_total
    out.server_log = log.read_text()
    out.state = audit(url, expected)
    return out
