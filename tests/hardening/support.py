"""What the hardening tests and ``benchmarks/fault_injection.py`` share: running the real command line
in a subprocess, a loopback "canary" server that must never be called, and :func:`audit`, which says
whether a registry is consistent and whether every stored document is whole.

A document is *whole* when it has its text keys, its source and exactly the cases and field values
the extractor gives for its text — so a document cut short by a crash, a full disk or a dropped
connection shows up as a problem, whatever table it was cut in.

Example::

    >>> result = audit("sqlite:///:memory:")
    >>> result.documents, result.problems
    (0, [])
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from spinecase.registry import CaseFilter, iter_cases, open_registry
from spinecase.registry.models import CaseRow, DocumentKey, DocumentRow, DocumentSource, FieldValue

ROOT = Path(__file__).resolve().parents[2]
#: How the tests start the command line: the installed package, exactly as a user's `spinecase`.
CLI = [sys.executable, "-c", "from spinecase.cli import main; main()"]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def cli_env() -> dict[str, str]:
    """The environment of a command: wide lines, so Rich never wraps a summary."""
    env = dict(os.environ)
    env["COLUMNS"] = "250"
    env.pop("SPINECASE_DB", None)
    return env


def spinecase(
    *args: str,
    timeout: float = 600,
    cwd: Path | None = None,
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``spinecase ARGS`` to completion in a subprocess."""
    return subprocess.run(
        [*CLI, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env=cli_env(),
        preexec_fn=preexec_fn,
        check=False,
    )


def spinecase_popen(*args: str, log: Path | None = None, **kw: Any) -> subprocess.Popen[str]:
    """Start ``spinecase ARGS`` in its own process group (so a kill reaches its workers too)."""
    out: Any = log.open("w") if log is not None else subprocess.PIPE
    return subprocess.Popen(
        [*CLI, *args],
        stdout=out,
        stderr=subprocess.STDOUT if log is not None else subprocess.PIPE,
        text=True,
        env=cli_env(),
        start_new_session=True,
        **kw,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Canary:
    """A loopback HTTP server counting the requests it receives; an XXE test expects none."""

    def __init__(self) -> None:
        hits: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
                hits.append(self.path)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"CANARY-CONTENT-FETCHED")

            def log_message(self, *args: object) -> None:
                pass

        self.hits = hits
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- the registry audit -------------------------------------------------------------------------


def expected_contracts(paths: Iterable[Path]) -> dict[str, list[dict[str, Any]]]:
    """What a whole registry holds for these files: ``{document key: [contract of each case]}``,
    computed in this process with the extractor the ingest uses."""
    from spinecase.documents import Document, read_documents
    from spinecase.registry.work import DEFAULT_EXTRACTOR, load_extractor

    extract = load_extractor(DEFAULT_EXTRACTOR)
    out: dict[str, list[dict[str, Any]]] = {}
    for item in read_documents([str(p) for p in paths]):
        if isinstance(item, Document):
            out[item.id] = [r.to_contract() for r in extract(item)]
    return out


@dataclass
class Audit:
    """The state of a registry: counts, and every inconsistency found (none, when all is well)."""

    documents: int = 0
    cases: int = 0
    values: int = 0
    keys: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def audit(url: str, expected: dict[str, list[dict[str, Any]]] | None = None) -> Audit:
    """Check the registry at ``url``: storage integrity, one row per document key, every document
    with its keys and source, no orphan, and — given ``expected`` — every stored document exactly as
    the extractor reads its text (no half document). ``missing`` lists expected documents not stored.
    """
    reg = open_registry(url)
    result = Audit()
    p = result.problems
    try:
        with reg.session() as s:
            if reg.backend == "sqlite":
                check = [r[0] for r in s.execute(text("PRAGMA integrity_check"))]
                if check != ["ok"]:
                    p.append(f"integrity_check: {check[:3]}")
                fk = list(s.execute(text("PRAGMA foreign_key_check")))
                if fk:
                    p.append(f"foreign_key_check: {fk[:3]}")
            result.keys = list(s.scalars(select(DocumentRow.key).order_by(DocumentRow.key)))
            result.documents = len(result.keys)
            result.cases = int(s.scalar(select(func.count()).select_from(CaseRow)) or 0)
            result.values = int(s.scalar(select(func.count()).select_from(FieldValue)) or 0)
            dupes = [
                k
                for k, n in s.execute(select(DocumentRow.key, func.count()).group_by(DocumentRow.key))
                if n > 1
            ]
            if dupes:
                p.append(f"documents stored more than once: {dupes[:5]}")
            doc_ids = set(s.scalars(select(DocumentRow.id)))
            for prefix in ("sha256:", "input:"):
                keyed = set(
                    s.scalars(select(DocumentKey.document_id).where(DocumentKey.key.like(prefix + "%")))
                )
                if keyed != doc_ids:
                    p.append(f"documents without a {prefix} key: {sorted(doc_ids - keyed)[:5]}")
            sourced = set(s.scalars(select(DocumentSource.document_id)))
            if sourced != doc_ids:
                p.append(f"documents without a source: {sorted(doc_ids - sourced)[:5]}")
            orphans = s.scalar(
                select(func.count())
                .select_from(FieldValue)
                .where(FieldValue.case_id.not_in(select(CaseRow.id)))
            )
            if orphans:
                p.append(f"{orphans} field values without a case")
            if expected is not None:
                stored: dict[str, list[dict[str, Any]]] = {}
                for case in iter_cases(s, CaseFilter()):
                    stored.setdefault(case.document.key, []).append(case.record.to_contract())
                for key in result.keys:
                    want = expected.get(key)
                    got = sorted(stored.get(key, []), key=lambda c: c["case"])
                    if want is None:
                        p.append(f"document {key} was never given")
                    elif got != want:
                        p.append(f"document {key} is not whole: {len(got)} of {len(want)} cases as extracted")
                result.missing = sorted(set(expected) - set(result.keys))
    finally:
        reg.dispose()
    return result


def error_lines(stderr: str) -> list[str]:
    """The lines of standard error that report something (progress bars are off in a pipe)."""
    return [line for line in stderr.splitlines() if line.strip()]


def assert_no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr[-3000:]
