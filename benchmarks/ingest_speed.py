"""Ingest speed of the registry: documents per second into SQLite and PostgreSQL, first and again.

    python benchmarks/ingest_speed.py [CORPUS.jsonl] [--workers 2] [--backends sqlite postgresql]
                                      [--pg-url URL] [--no-extraction] [--limit N]

For each backend it ingests the corpus into a new, empty registry ("first": read, hash, extract,
store) and then a second time ("again": every text is recognised by its hash before extraction, so
nothing is extracted or written), and prints documents/s and the peak resident memory of the writer
process and of its largest worker. Each run is a separate process, so peaks do not mix.

``--no-extraction`` swaps the extractor for one that finds no case: what is left is the registry's
own cost (reading, hashing, de-duplication, writing). PostgreSQL is a throwaway cluster started for
the run (see tests/registry/pg.py) unless ``--pg-url`` names a database to use (it must be empty).

Default corpus: the 10,034 E3C narratives in ../shared/corpus/e3c/e3c-en.jsonl. This is a benchmark,
not a test: it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "e3c" / "e3c-en.jsonl"


def no_cases(document: object) -> list[object]:
    """An extractor that finds nothing: isolates the registry's own cost."""
    return []


def measure(url: str, corpus: str, workers: int, extractor: str | None) -> dict[str, float]:
    """One ingest in this process; prints its figures as JSON."""
    from spinecase.registry import IngestOptions, open_registry
    from spinecase.registry import ingest as run_ingest

    options = IngestOptions(workers=workers)
    if extractor:
        options = IngestOptions(workers=workers, extractor=extractor, version="no-extraction")
    reg = open_registry(url)
    started = time.perf_counter()
    summary = run_ingest([corpus], reg, options)
    seconds = time.perf_counter() - started
    reg.dispose()
    kb = 1024.0  # ru_maxrss is in kilobytes on Linux
    return {
        "read": summary.read,
        "new": summary.new,
        "updated": summary.updated,
        "merged": summary.merged,
        "unchanged": summary.unchanged,
        "failed": summary.failed,
        "seconds": seconds,
        "rate": summary.read / seconds if seconds else 0.0,
        "writer_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / kb,
        "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / kb,
    }


def _child(url: str, corpus: str, workers: int, extractor: str | None) -> dict[str, float]:
    cmd = [sys.executable, __file__, corpus, "--measure", url, "--workers", str(workers)]
    if extractor:
        cmd += ["--extractor", extractor]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if out.returncode != 0:
        raise SystemExit(f"measurement failed:\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _postgres(pg_url: str | None) -> tuple[str, object | None]:
    if pg_url:
        return pg_url, None
    sys.path.insert(0, str(ROOT / "tests"))
    from registry.pg import PgServer  # the tests' throwaway cluster

    server = PgServer.start()
    return server.create_database("bench"), server


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "corpus", nargs="?", default=str(DEFAULT_CORPUS), help="a JSON Lines corpus (or any input)"
    )
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    ap.add_argument("--pg-url", help="an empty PostgreSQL database to use instead of a throwaway cluster")
    ap.add_argument(
        "--no-extraction", action="store_true", help="measure the registry alone (no cases found)"
    )
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    ap.add_argument("--extractor", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.corpus, args.workers, args.extractor)))
        return
    if not Path(args.corpus).exists():
        raise SystemExit(f"corpus not found: {args.corpus}")
    extractor = "ingest_speed:no_cases" if args.no_extraction else None
    what = "registry only (no extraction)" if args.no_extraction else "read + extract + store"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"corpus {args.corpus}; {what}; --workers {args.workers}; {os.cpu_count()} cores; load {load}")
    print(
        f"{'backend':11} {'run':6} {'documents':>9} {'new':>6} {'unchanged':>9} {'seconds':>8} {'docs/s':>8} "
        f"{'writer MB':>9} {'worker MB':>9}"
    )
    with tempfile.TemporaryDirectory(prefix="spinecase-bench-") as tmp:
        for backend in args.backends:
            server = None
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            if backend == "postgresql":
                url, server = _postgres(args.pg_url)
            try:
                for run in ("first", "again"):
                    r = _child(url, args.corpus, args.workers, extractor)
                    print(
                        f"{backend:11} {run:6} {r['read']:9.0f} {r['new']:6.0f} {r['unchanged']:9.0f} "
                        f"{r['seconds']:8.1f} {r['rate']:8.0f} {r['writer_mb']:9.0f} {r['worker_mb']:9.0f}",
                        flush=True,
                    )
            finally:
                if server is not None:
                    server.stop()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
