"""Fault injection against real ``spinecase ingest`` processes: SIGKILL at random points, a full disk,
a PostgreSQL server restarted mid-ingest. Each scenario returns what it did and what it found, so the
tests assert on it and ``benchmarks/fault_injection.py`` prints it.

Every scenario ends the same way: the registry is audited (:func:`.support.audit`: integrity, one row
per document, every stored document whole) and the same command is run again, which must finish the
job with every document stored exactly once.

Example::

    >>> KillReport(seed=1).lost
    0
"""

from __future__ import annotations

import os
import random
import resource
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from registry.fakes import write_reports

from .support import Audit, audit, expected_contracts, spinecase, spinecase_popen


class Counter:
    """``SELECT count(*) FROM <table>`` from outside the ingest (0 while the table is missing)."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url, poolclass=NullPool)

    def __call__(self, table: str = "documents") -> int:
        try:
            with self.engine.connect() as conn:
                return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() or 0)
        except Exception:  # noqa: BLE001 - not created yet, locked, server restarting: "nothing yet"
            return 0

    def close(self) -> None:
        self.engine.dispose()


def run_statuses(url: str) -> list[str]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return [r[0] for r in conn.execute(text("SELECT status FROM ingest_runs ORDER BY id"))]
    finally:
        engine.dispose()


# --- SIGKILL at random points ---------------------------------------------------------------------


@dataclass
class KillReport:
    """``rounds`` ingests, each killed with SIGKILL at a random point; then one run to finish."""

    seed: int
    rounds: int = 0
    kills: int = 0  # SIGKILL delivered while the ingest was running
    finished_first: int = 0  # the run ended before its kill came
    mid_write: int = 0  # kills after this run had stored documents (writing was under way)
    given: int = 0  # distinct documents in the folder at the end
    audits_failed: list[str] = field(default_factory=list)
    final: Audit = field(default_factory=Audit)
    final_rc: int | None = None
    statuses: list[str] = field(default_factory=list)

    @property
    def lost(self) -> int:
        """Documents given but not stored after the final run (must be 0)."""
        return len(self.final.missing)


def _wait(proc: subprocess.Popen[str], count: Counter, table: str, above: int, limit: float = 120) -> None:
    """Until the process ends or ``table`` holds more than ``above`` rows."""
    deadline = time.monotonic() + limit
    while proc.poll() is None and count(table) <= above and time.monotonic() < deadline:
        time.sleep(0.005)


def sigkill_loop(
    workdir: Path, url: str, rounds: int = 20, seed: int = 20240806, per_round: int = 30
) -> KillReport:
    """Kill ``rounds`` ingests of a growing folder of invented reports at random points.

    Each round adds ``per_round`` reports, starts ``spinecase ingest`` (one process, or two local
    workers) and kills its process group with SIGKILL at a point drawn from three phases: start-up
    and migration (a random delay), reading and extracting (a random delay after the run registered
    itself) and writing (just after the run's first batch committed, while the next is in flight).
    After every kill the registry is audited.
    """
    rnd = random.Random(seed)
    report = KillReport(seed=seed, rounds=rounds)
    folder = workdir / "reports"
    expected: dict[str, list[dict[str, Any]]] = {}
    count = Counter(url)

    try:
        for r in range(rounds):
            new = write_reports(folder, per_round, start=r * per_round)
            expected.update(expected_contracts(new))
            workers = rnd.choice(["1", "1", "2"])
            before, runs = count(), count("ingest_runs")
            proc = spinecase_popen("ingest", str(folder), "--db", url, "--workers", workers, "--quiet")
            phase = rnd.choice(["start-up", "extracting", "writing"])
            if phase == "start-up":
                time.sleep(rnd.uniform(0.05, 1.5))
            elif phase == "extracting":
                _wait(proc, count, "ingest_runs", runs)
                time.sleep(rnd.uniform(0, 0.4))
            else:
                _wait(proc, count, "documents", before)
                time.sleep(rnd.uniform(0, 0.05))
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                report.kills += 1
                if count() > before:
                    report.mid_write += 1
            else:
                report.finished_first += 1
            proc.wait(timeout=60)
            state = audit(url, expected)
            if state.problems:
                report.audits_failed.append(f"round {r}: {state.problems[:3]}")
        report.given = len(expected)
        final = spinecase("ingest", str(folder), "--db", url, "--quiet")
        report.final_rc = final.returncode
        report.final = audit(url, expected)
        report.statuses = run_statuses(url)
    finally:
        count.close()
    return report


# --- a full disk --------------------------------------------------------------------------------


@dataclass
class DiskFullReport:
    """An ingest into a fresh SQLite file under a file-size limit, then again without it."""

    limit: int
    returncode: int | None = None
    stderr: str = ""
    stored: Audit = field(default_factory=Audit)  # what the failed run left
    rerun_rc: int | None = None
    final: Audit = field(default_factory=Audit)
    given: int = 0

    @property
    def lost(self) -> int:
        return len(self.final.missing)


def _file_size_limit(limit: int) -> Any:
    def apply() -> None:
        # a real full disk fails write() with ENOSPC; RLIMIT_FSIZE fails it with EFBIG, and would also
        # send SIGXFSZ, which is ignored so the process sees the failed write as on a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def disk_full(workdir: Path, limit: int, reports: list[Path]) -> DiskFullReport:
    """``spinecase ingest`` into a new SQLite file when no file may grow past ``limit`` bytes."""
    db = workdir / f"disk-{limit}.db"
    url = f"sqlite:///{db}"
    folder = reports[0].parent
    out = DiskFullReport(limit=limit, given=len(reports))
    run = spinecase("ingest", str(folder), "--db", url, preexec_fn=_file_size_limit(limit))
    out.returncode, out.stderr = run.returncode, run.stderr
    expected = expected_contracts(reports)
    out.stored = audit(url, expected)
    again = spinecase("ingest", str(folder), "--db", url, "--quiet")
    out.rerun_rc = again.returncode
    out.final = audit(url, expected)
    return out


# --- PostgreSQL restarted during an ingest ------------------------------------------------------


@dataclass
class RestartReport:
    """An ingest into PostgreSQL whose server is restarted (``pg_ctl restart``) part-way."""

    mode: str
    workers: str
    stored_before_restart: int = 0
    restarted: bool = False
    returncode: int | None = None
    stderr: str = ""
    after: Audit = field(default_factory=Audit)
    rerun_rc: int | None = None
    final: Audit = field(default_factory=Audit)
    given: int = 0

    @property
    def lost(self) -> int:
        return len(self.final.missing)


def pg_ctl(server: Any, *args: str) -> subprocess.CompletedProcess[str]:
    """``pg_ctl`` on the throwaway cluster of ``tests/registry/pg.py`` (as its owner)."""
    return subprocess.run(
        [*server.as_user, str(server.bindir / "pg_ctl"), "-D", str(server.data), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=server.root,
        check=False,
    )


def pg_restart(
    server: Any, url: str, reports: list[Path], mode: str = "fast", workers: str = "1"
) -> RestartReport:
    """Start an ingest, restart the server once documents are being stored, let the ingest end."""
    out = RestartReport(mode=mode, workers=workers, given=len(reports))
    folder = reports[0].parent
    expected = expected_contracts(reports)
    count = Counter(url)
    try:
        proc = spinecase_popen("ingest", str(folder), "--db", url, "--workers", workers)
        deadline = time.monotonic() + 120
        while proc.poll() is None and count() == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        out.stored_before_restart = count()
        if proc.poll() is None:
            # -l: the restarted server must not inherit pg_ctl's pipes (run() would wait on them)
            restart = pg_ctl(server, "-l", str(server.root / "server.log"), "-m", mode, "-w", "restart")
            assert restart.returncode == 0, restart.stderr
            out.restarted = True
        _, out.stderr = proc.communicate(timeout=600)
        out.returncode = proc.returncode
    finally:
        count.close()
    out.after = audit(url, expected)
    again = spinecase("ingest", str(folder), "--db", url, "--quiet")
    out.rerun_rc = again.returncode
    out.final = audit(url, expected)
    return out
