"""Per-core rates for ingesting PubMed at literature scale, and what they mean for the whole of it.

    python benchmarks/pubmed_scale.py [FILE.xml.gz ...] [--seconds 5] [--citations 37e6] [--cases 2e6]

Measures, in CPU seconds of one core, on real MEDLINE/PubMed XML (default: the baseline and current
files in ../shared/corpus/formats/pubmed):

* **read**: parsing the XML into documents (every citation of a baseline file goes through this);
* **keys**: the "already stored?" hash and the de-duplication keys (fingerprint, shingle samples);
* **extract**: the extractor on each citation's title and abstract;
* **store**: the single writer putting the extracted documents into a new SQLite registry.

Each step is repeated until it has run for ``--seconds`` of CPU, so small files give stable figures.
It then projects a first ingest of the whole baseline, with ``--publication-type "Case Reports"``
(all ``--citations`` are read, only the ``--cases`` case reports are hashed, extracted and stored),
for a given number of cores. A benchmark: it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from spinecase.documents import Document, ReadError, read_path
from spinecase.extract import extract_cases
from spinecase.registry import IngestSummary, open_registry
from spinecase.registry.dedup import STRUCTURED_FORMATS, document_keys, quick_input_hash
from spinecase.registry.pipeline import IngestOptions, _Writer
from spinecase.registry.work import Processed, extractor_version

FORMATS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "formats" / "pubmed"


def per_second(step: Callable[[], int], seconds: float) -> tuple[float, int]:
    """Items per CPU second of ``step`` (which returns how many items it handled), and the count."""
    done = 0
    start = time.process_time()
    while True:
        done += step()
        spent = time.process_time() - start
        if spent >= seconds:
            return done / spent, done


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", help="PubMed XML files (.xml or .xml.gz)")
    ap.add_argument("--seconds", type=float, default=5.0, help="CPU seconds per measured step")
    ap.add_argument("--citations", type=float, default=37e6, help="citations in the baseline")
    ap.add_argument("--cases", type=float, default=2e6, help="case reports among them")
    ap.add_argument("--cores", type=int, default=16, help="cores of the cluster in the projection")
    a = ap.parse_args()
    files = [Path(f) for f in a.files] or sorted(FORMATS.glob("*.xml*"))
    if not files or not all(f.is_file() for f in files):
        print(f"no PubMed XML found (looked for {files or FORMATS})", file=sys.stderr)
        return 2

    def read_all() -> list[Document]:
        return [d for f in files for d in read_path(f) if not isinstance(d, ReadError)]

    docs = read_all()
    print(f"pubmed_scale: {len(docs)} citations from {', '.join(f.name for f in files)}")
    read_rate, _ = per_second(lambda: len(read_all()), a.seconds)

    def keys() -> int:
        for d in docs:
            structured = d.format in STRUCTURED_FORMATS
            quick_input_hash(d.text, d.metadata, structured=structured)
            document_keys(d.text, d.metadata, structured=structured)
        return len(docs)

    keys_rate, _ = per_second(keys, a.seconds)
    extract_rate, _ = per_second(lambda: sum(1 for d in docs if extract_cases(d) is not None), a.seconds)

    version = extractor_version()
    processed = [
        Processed(
            "extracted",
            d.source,
            document=d,
            keys=document_keys(d.text, d.metadata, structured=d.format in STRUCTURED_FORMATS),
            records=extract_cases(d),
        )
        for d in docs
    ]

    def store() -> int:
        # a fresh registry each round: every document is new, as in a first ingest
        with tempfile.TemporaryDirectory() as tmp:
            reg = open_registry(f"sqlite:///{tmp}/r.db")
            writer = _Writer(reg, IngestOptions(), IngestSummary(extractor_version=version))
            started = time.process_time()
            for item in processed:
                writer.add(item)
            writer.flush()
            spent = time.process_time() - started
            reg.dispose()
        stored[0] += spent
        return len(processed)

    stored = [0.0]
    total = 0
    while stored[0] < a.seconds:
        total += store()
    store_rate = total / stored[0]

    print(f"{'step':10} {'per core-second':>16}")
    for name, rate in (
        ("read", read_rate),
        ("keys", keys_rate),
        ("extract", extract_rate),
        ("store", store_rate),
    ):
        print(f"{name:10} {rate:16,.0f}")
    read_cs = a.citations / read_rate
    work_cs = a.cases / keys_rate + a.cases / extract_rate
    store_s = a.cases / store_rate
    wall = max((read_cs + work_cs) / a.cores, store_s)
    print(
        f"whole baseline ({a.citations:,.0f} citations, {a.cases:,.0f} case reports): reading "
        f"{read_cs:,.0f} core-s, keys + extraction {work_cs:,.0f} core-s, the one writer {store_s:,.0f} s; "
        f"on {a.cores} cores about {wall / 3600:.1f} h (the slower of the workers and the writer)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
