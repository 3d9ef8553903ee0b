"""Extraction speed on the E3C corpus: documents/s, words/s and peak memory, in one process.

    python benchmarks/extract_speed.py [PATH_TO_e3c-en.jsonl] [--limit N]

Reads the JSON Lines corpus with spinecase's own reader and extracts every narrative on one core.
Memory is sampled at 10%, 50% and 100% of the corpus to show it stays flat as the corpus grows.
For scale: a medspaCy pipeline doing only term matching and ConText runs at about 7,000 words/s here.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

from spinecase.documents import ReadError, read_documents
from spinecase.extract import extract_cases

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "e3c" / "e3c-en.jsonl"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", default=str(DEFAULT))
    ap.add_argument("--limit", type=int, default=None)
    a = ap.parse_args()
    if not Path(a.path).is_file():
        print(f"no corpus at {a.path}", file=sys.stderr)
        return 2
    with open(a.path, encoding="utf-8") as fh:
        total_lines = a.limit or sum(1 for _ in fh)
    checkpoints = {max(1, total_lines // 10): "10%", max(1, total_lines // 2): "50%"}
    docs = words = cases = 0
    t0 = time.perf_counter()
    c0 = time.process_time()
    for item in read_documents([a.path]):
        if isinstance(item, ReadError):
            continue
        cases += len(extract_cases(item))
        docs += 1
        words += len(item.text.split())
        if docs in checkpoints:
            print(f"  after {checkpoints[docs]:>4} ({docs} docs): peak RSS {rss_mb():.0f} MB")
        if a.limit and docs >= a.limit:
            break
    dt = time.perf_counter() - t0
    cpu = time.process_time() - c0
    print(f"  after 100% ({docs} docs): peak RSS {rss_mb():.0f} MB")
    print(
        f"extract_speed: {docs} documents, {words} words, {cases} cases in {dt:.1f} s -> "
        f"{docs / dt:.0f} documents/s, {words / dt:,.0f} words/s, peak RSS {rss_mb():.0f} MB"
    )
    # CPU time is the one-core figure even when other processes share the machine
    print(f"extract_speed (CPU time, one core): {words / cpu:,.0f} words/s, {docs / cpu:.0f} documents/s")
    print(f"vs medspaCy term matching + ConText (~7,000 words/s): {words / cpu / 7000:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
