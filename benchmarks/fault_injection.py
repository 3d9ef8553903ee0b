"""Reliability figures: bad inputs tried, faults injected, documents lost — printed as a table.

    python benchmarks/fault_injection.py [--rounds 20] [--seed 20240806] [--no-postgres] [--workdir DIR]

It runs the scenarios of ``tests/hardening`` with the real command line, in subprocesses, and counts
what happened instead of asserting it:

* **bad input** — every file of the catalogue (``tests/hardening/inputs.py``: empty, binary, scanned
  PDF, odd encodings, long lines, truncated gzip, malformed and hostile XML, broken JSON Lines, other
  scripts) through ``spinecase extract`` and ``spinecase ingest``: error lines naming their file, good
  documents stored, rows of failed files (must be 0), requests to the XXE canary (must be 0);
* **SIGKILL** — ``--rounds`` ingests killed at seeded random points, each followed by an audit of the
  registry, then one run to finish;
* **full disk** — ingests into fresh SQLite files under ``RLIMIT_FSIZE`` limits, then again without;
* **PostgreSQL restart** — ``pg_ctl restart`` (fast and immediate) during an ingest, on a throwaway
  cluster (skipped with ``--no-postgres`` or when no server can be started);
* **concurrency** — two ingests and ``spinecase serve`` (polled in a loop) on SQLite and PostgreSQL;
* **fuzzing** — the Hypothesis properties of the readers, the extractor and the web API (schemathesis),
  run by pytest, with the number of inputs they generated.

"Documents lost" is what a final run leaves unstored of the distinct documents given (the audit of
``tests/hardening/support.py`` also checks that every stored document is whole). This is a benchmark:
it prints and asserts nothing; the tests assert the same properties.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hardening.concurrency import two_ingests_and_a_server  # noqa: E402
from hardening.faults import disk_full, pg_restart, sigkill_loop  # noqa: E402
from hardening.inputs import Context, batches, write_batch  # noqa: E402
from hardening.support import Canary, audit, error_lines, expected_contracts, spinecase  # noqa: E402
from registry.fakes import write_reports  # noqa: E402

Row = tuple[str, str, str, str, str]


def bad_input(work: Path) -> list[Row]:
    """Each batch of the catalogue through extract and ingest; one row per batch and command."""
    work.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    canary = Canary()
    secret = work / "secret.txt"
    secret.write_text("SECRET-CANARY-bench")
    try:
        for name, items in sorted(batches().items()):
            folder = work / name
            write_batch(folder, Context(secret, canary.url), items)
            bad_files = sum(1 for it in items if it.failures)
            wanted_lines = sum(it.failures for it in items)
            good = [folder / it.name for it in items if it.doc_ids]
            good_ids = {i for it in items for i in it.doc_ids}
            ext = spinecase("extract", str(folder), "--format", "jsonl")
            named = [ln for ln in error_lines(ext.stderr) if re.match(r"error \S+", ln)]
            rows.append(
                (
                    f"bad input: {name} ({len(items)} files) · extract",
                    f"{len(items)} files, {bad_files} with faults",
                    f"{len(named)}/{wanted_lines} one-line errors, exit {ext.returncode}",
                    f"{len({json.loads(r)['document'] for r in ext.stdout.splitlines()})} documents with cases",
                    "–",
                )
            )
            url = f"sqlite:///{work / (name + '.db')}"
            ing = spinecase("ingest", str(folder), "--db", url)
            listed = [ln for ln in error_lines(ing.stderr) if ln.strip().startswith("failed ")]
            state = audit(url, expected_contracts(good))
            foreign = len(set(state.keys) - good_ids)
            rows.append(
                (
                    f"bad input: {name} · ingest",
                    f"{len(items)} files, {bad_files} with faults",
                    f"{len(listed)}/{wanted_lines} one-line errors, exit {ing.returncode}; "
                    f"{foreign} rows of failed files; {len(canary.hits)} canary requests",
                    f"{state.documents}/{len(good_ids)} good documents stored, "
                    f"{len(state.problems)} inconsistencies",
                    str(len(state.missing)),
                )
            )
    finally:
        canary.close()
    return rows


def kills(work: Path, rounds: int, seed: int) -> Row:
    work.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{work / 'killed.db'}"
    r = sigkill_loop(work, url, rounds=rounds, seed=seed)
    return (
        f"SIGKILL at random points (seed {seed})",
        f"{r.kills} kills in {r.rounds} ingests ({r.mid_write} while writing, {r.finished_first} ended first)",
        f"{len(r.audits_failed)} audits failed; final run exit {r.final_rc}",
        f"{r.final.documents}/{r.given} documents, {len(r.final.problems)} inconsistencies",
        str(r.lost),
    )


def disks(work: Path) -> list[Row]:
    work.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    reports = write_reports(work / "disk-reports", 300)
    for limit in (300_000, 1_400_000):
        r = disk_full(work, limit, reports)
        last = error_lines(r.stderr)[-1] if r.stderr.strip() else ""
        clear = last.startswith("error: ") and "Traceback" not in r.stderr
        rows.append(
            (
                f"full disk (files limited to {limit // 1000} kB)",
                "1 ingest into a fresh SQLite file",
                f"exit {r.returncode}, {'one clear error line' if clear else 'NO CLEAR ERROR'}; "
                f"{r.stored.documents} whole documents left, {len(r.stored.problems)} inconsistencies",
                f"re-run exit {r.rerun_rc}: {r.final.documents}/{r.given} documents",
                str(r.lost),
            )
        )
    return rows


def restarts(work: Path, server: object) -> list[Row]:
    work.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    for mode, workers in (("fast", "1"), ("immediate", "2")):
        reports = write_reports(work / f"pg-{mode}", 300)
        url = server.create_database()  # type: ignore[attr-defined]
        r = pg_restart(server, url, reports, mode=mode, workers=workers)
        outcome = (
            "retried, exit 0" if r.returncode == 0 else f"exit {r.returncode}: {error_lines(r.stderr)[-1]}"
        )
        rows.append(
            (
                f"PostgreSQL restart (-m {mode}, {workers} worker{'s' * (workers != '1')})",
                f"1 restart after {r.stored_before_restart} documents",
                f"{outcome}; {len(r.after.problems)} inconsistencies after",
                f"re-run exit {r.rerun_rc}: {r.final.documents}/{r.given} documents",
                str(r.lost),
            )
        )
    return rows


def concurrency(work: Path, url: str, backend: str) -> Row:
    work.mkdir(parents=True, exist_ok=True)
    r = two_ingests_and_a_server(work, url)
    return (
        f"two ingests + web server ({backend})",
        f"{r.requests} requests while ingesting",
        f"ingest exits {r.returncodes}; {r.server_errors} responses 5xx, {len(r.failures)} failed requests",
        f"{r.state.documents}/{r.given} documents, {len(r.state.problems)} inconsistencies",
        str(r.lost),
    )


def fuzzing() -> list[Row]:
    """The Hypothesis properties of ``tests/hardening`` (readers, extractor, web API), run by pytest."""
    rows: list[Row] = []
    modules = {
        "readers (PDF, HTML, PubMed, JATS, JSON Lines, gzip)": "test_hardening_fuzz_readers.py",
        "extractor": "test_hardening_fuzz_extract.py",
        "web API (schemathesis, every OpenAPI operation)": "test_hardening_api_schema.py",
    }
    for what, module in modules.items():
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--hypothesis-show-statistics"]
            + [str(ROOT / "tests" / "hardening" / module)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        cases = [tuple(map(int, m)) for m in re.findall(r"- (\d+) passing, (\d+) failing", run.stdout)]
        summary = re.findall(r"^.*\b\d+ (?:passed|failed)\b.*$", run.stdout, re.M)
        tail = re.sub(r" in [\d.]+s.*", "", summary[-1]).strip("= ") if summary else "no result"
        tried = (
            f"{sum(p + f for p, f in cases):,} generated inputs"
            if cases
            else "up to 12 requests per operation"
        )
        rows.append((f"fuzzing: {what}", tried, f"pytest: {tail}", "–", "–"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=20, help="SIGKILL rounds (default 20)")
    parser.add_argument("--seed", type=int, default=20240806)
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL scenarios")
    parser.add_argument("--no-fuzz", action="store_true", help="skip the Hypothesis properties")
    parser.add_argument("--workdir", type=Path, help="keep the files here (default: a temporary folder)")
    args = parser.parse_args()

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="spinecase-faults-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        rows: list[Row] = []
        rows += bad_input(work / "input")
        if not args.no_fuzz:
            rows += fuzzing()
        rows.append(kills(work / "kill", args.rounds, args.seed))
        rows += disks(work / "disk")
        rows.append(concurrency(work / "conc-sqlite", f"sqlite:///{work / 'conc.db'}", "SQLite"))
        server = None
        if not args.no_postgres:
            from registry.pg import PgServer, PgUnavailable

            try:
                server = PgServer.start()
            except PgUnavailable as exc:
                print(f"PostgreSQL scenarios skipped: {exc}", file=sys.stderr)
        if server is not None:
            try:
                rows += restarts(work / "pg", server)
                rows.append(concurrency(work / "conc-pg", server.create_database(), "PostgreSQL"))
            finally:
                server.stop()
    header = ("scenario", "tried / injected", "what the user saw", "registry afterwards", "documents lost")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    lost = sum(int(r[4]) for r in rows if r[4].isdigit())
    print(
        f"\ndocuments lost in all scenarios: {lost} · {time.perf_counter() - started:.0f} s on this machine"
    )


if __name__ == "__main__":
    main()
