"""Quality of `spinecase similar`: MRR, P@10 and nDCG@10 of structured-only, BM25-only and fused ranking.

The registry is built from the invented reports of ``tests/fixtures/similar/reports`` with the
registry's own ``ingest`` (so the extractor runs on them as on real reports); the queries are
paraphrases of some of those patients, as a clinician would type them (``queries.jsonl``, generated
with other wordings than the reports, and ``queries_handwritten.jsonl``). Relevance is graded: 2 for
the paraphrased patient, 1 for a patient with the same tumour type and a spinal region in common.

Metrics (over the top 10): MRR, the mean reciprocal rank of the first relevant case; P@10, the share of
relevant cases among the first 10; nDCG@10 (Järvelin & Kekäläinen 2002) with gains 2^grade - 1;
"target MRR", the reciprocal rank of the paraphrased patient itself. For calibration, on the
PMC-Patients patient-to-patient benchmark BM25 reaches MRR 0.229 and the best published system 0.278.

    .venv/bin/python benchmarks/similar_quality.py [--fixtures tests/fixtures/similar] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from spinecase.registry import ingest, open_registry
from spinecase.search import MODES, forget_indexes, search_similar

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FIXTURES = ROOT / "tests" / "fixtures" / "similar"


def load_queries(folder: Path) -> list[dict[str, Any]]:
    out = []
    for name in ("queries.jsonl", "queries_handwritten.jsonl"):
        path = folder / name
        if path.exists():
            out += [
                json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
            ]
    return out


def metrics(ranked: list[str], relevant: dict[str, int], k: int = 10) -> dict[str, float]:
    """MRR, P@k, nDCG@k and target MRR of one ranked list of document keys."""
    top = ranked[:k]
    rr = next((1.0 / (i + 1) for i, d in enumerate(top) if relevant.get(d, 0) > 0), 0.0)
    target = max(relevant, key=lambda d: relevant[d])
    trr = next((1.0 / (i + 1) for i, d in enumerate(top) if d == target), 0.0)
    p = sum(1 for d in top if relevant.get(d, 0) > 0) / k
    dcg = sum((2 ** relevant.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(top))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return {"MRR": rr, "P@10": p, "nDCG@10": dcg / idcg if idcg else 0.0, "target MRR": trr}


def evaluate(
    reg: Any, queries: list[dict[str, Any]], modes: tuple[str, ...] = MODES
) -> dict[str, dict[str, float]]:
    table: dict[str, dict[str, float]] = {}
    for mode in modes:
        sums: dict[str, float] = {}
        for q in queries:
            result = search_similar(reg, text=q["text"], top=10, mode=mode, cache_dir=False)  # type: ignore[arg-type]
            ranked = [h.case.document.key for h in result.hits]
            for name, value in metrics(ranked, q["relevant"]).items():
                sums[name] = sums.get(name, 0.0) + value
        table[mode] = {name: total / len(queries) for name, total in sums.items()}
    return table


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = ap.parse_args(argv)
    queries = load_queries(args.fixtures)
    with tempfile.TemporaryDirectory() as tmp:
        reg = open_registry(f"sqlite:///{Path(tmp) / 'quality.db'}")
        started = time.perf_counter()
        summary = ingest([args.fixtures / "reports"], reg)
        print(
            f"ingested {summary.new} reports ({summary.failed} failed) in {time.perf_counter() - started:.1f} s"
        )
        forget_indexes()
        table = evaluate(reg, queries)
        reg.dispose()
    print(f"{len(queries)} queries over {summary.new} invented reports (top 10)")
    names = list(next(iter(table.values())))
    print(f"{'ranking':<12}" + "".join(f"{n:>12}" for n in names))
    for mode, row in table.items():
        print(f"{mode:<12}" + "".join(f"{row[n]:>12.3f}" for n in names))
    better = (
        table["fused"]["MRR"] > table["bm25"]["MRR"] and table["fused"]["nDCG@10"] > table["bm25"]["nDCG@10"]
    )
    print(f"fused beats BM25 alone on MRR and nDCG@10: {'yes' if better else 'NO'}")
    if args.json:
        args.json.write_text(json.dumps(table, indent=2), encoding="utf-8")
    return 0 if better else 1


if __name__ == "__main__":
    sys.exit(main())
