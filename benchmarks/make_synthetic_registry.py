"""Invented case reports of spinal metastases, and registries built from them, for the similar-cases
benchmarks and tests.

Every report is made up: a patient's facts are drawn at random, then written in one of several ways
(full names or abbreviations, levels as lists or ranges, deficits as symptoms or grades), so the same
fact rarely reads the same twice. Each report comes with the facts it was written from (its truth).

Two uses:

* ``--fixtures DIR`` writes a small set of reports (``reports/*.txt``), their truth
  (``truth.jsonl``) and paraphrased queries with graded relevance (``queries.jsonl``); these are
  the files under ``tests/fixtures/similar/``.
* ``--cases N --db FILE`` stores N synthetic cases straight into a registry (records from the truth,
  no extraction, which would take an hour), for the speed benchmark.

    .venv/bin/python benchmarks/make_synthetic_registry.py --fixtures tests/fixtures/similar --reports 96
    .venv/bin/python benchmarks/make_synthetic_registry.py --cases 100000 --db /tmp/synthetic100k.db
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# entity: (histology code, primary site code, ways to write it, sex bias, systemic agents by phrase)
ENTITIES: dict[str, dict[str, Any]] = {
    "gist": {
        "histology": "gist",
        "names": [
            ("gastrointestinal stromal tumour of the stomach", "stomach"),
            ("gastric GIST", "stomach"),
            ("GIST of the small bowel", "small_intestine"),
            ("jejunal gastrointestinal stromal tumor", "jejunum"),
            ("gastrointestinal stromal tumor (GIST) of the stomach", "stomach"),
        ],
        "drugs": [
            ("imatinib", "imatinib"),
            ("imatinib mesylate 400 mg daily", "imatinib"),
            ("sunitinib", "sunitinib"),
        ],
        "short": ["GIST", "gastric GIST", "stromal tumour of the stomach"],
    },
    "rcc": {
        "histology": "renal_cell_carcinoma",
        "names": [
            ("clear cell renal cell carcinoma", "kidney"),
            ("renal cell carcinoma of the left kidney", "kidney"),
            ("RCC", "kidney"),
            ("metastatic clear-cell carcinoma of the kidney", "kidney"),
        ],
        "drugs": [("sunitinib", "sunitinib"), ("pazopanib", "pazopanib"), ("nivolumab", "nivolumab")],
        "short": ["RCC", "renal cell carcinoma", "kidney cancer (clear cell)"],
    },
    "breast": {
        "histology": "breast_ductal_carcinoma",
        "sex": "female",
        "names": [
            ("invasive ductal carcinoma of the breast", "breast"),
            ("breast cancer of invasive ductal type", "breast"),
            ("ductal carcinoma of the left breast", "breast"),
        ],
        "drugs": [("letrozole", "letrozole"), ("tamoxifen", "tamoxifen"), ("trastuzumab", "trastuzumab")],
        "short": ["breast cancer", "ductal breast carcinoma", "IDC of the breast"],
    },
    "lung": {
        "histology": "adenocarcinoma",
        "names": [
            ("adenocarcinoma of the lung", "lung"),
            ("lung adenocarcinoma", "lung"),
            ("adenocarcinoma of the right upper lobe", "lung"),
            ("non-small cell lung cancer of adenocarcinoma type", "lung"),
        ],
        "drugs": [
            ("osimertinib", "osimertinib"),
            ("pembrolizumab", "pembrolizumab"),
            ("cisplatin and pemetrexed", "cisplatin"),
        ],
        "short": ["NSCLC (adenocarcinoma)", "lung adenocarcinoma", "pulmonary adenocarcinoma"],
    },
    "prostate": {
        "histology": "adenocarcinoma",
        "sex": "male",
        "names": [("prostate adenocarcinoma", "prostate"), ("adenocarcinoma of the prostate", "prostate")],
        "drugs": [
            ("androgen deprivation with leuprorelin", "leuprorelin"),
            ("docetaxel", "docetaxel"),
            ("abiraterone", "abiraterone"),
        ],
        "short": ["prostate cancer", "prostatic adenocarcinoma", "PCa"],
    },
    "hcc": {
        "histology": "hepatocellular_carcinoma",
        "names": [("hepatocellular carcinoma", "liver"), ("HCC arising in a cirrhotic liver", "liver")],
        "drugs": [("sorafenib", "sorafenib"), ("lenvatinib", "lenvatinib")],
        "short": ["HCC", "hepatocellular carcinoma", "liver cancer (hepatocellular)"],
    },
    "thyroid": {
        "histology": "follicular_thyroid_carcinoma",
        "names": [
            ("follicular thyroid carcinoma", "thyroid"),
            ("follicular carcinoma of the thyroid gland", "thyroid"),
        ],
        "drugs": [("radioiodine", "radioiodine"), ("lenvatinib", "lenvatinib")],
        "short": ["follicular thyroid cancer", "FTC", "thyroid follicular carcinoma"],
    },
    "melanoma": {
        "histology": "melanoma",
        "names": [("cutaneous melanoma", "skin"), ("malignant melanoma of the back", "skin")],
        "drugs": [("nivolumab and ipilimumab", "nivolumab"), ("pembrolizumab", "pembrolizumab")],
        "short": ["melanoma", "malignant melanoma", "skin melanoma"],
    },
    "net": {
        "histology": "neuroendocrine_tumor",
        "names": [
            ("pancreatic neuroendocrine tumour", "pancreas"),
            ("well-differentiated neuroendocrine tumor of the ileum", "ileum"),
        ],
        "drugs": [("octreotide", "octreotide"), ("everolimus", "everolimus")],
        "short": ["NET", "neuroendocrine tumour", "carcinoid"],
    },
    "colorectal": {
        "histology": "adenocarcinoma",
        "names": [
            ("rectal adenocarcinoma", "rectum"),
            ("adenocarcinoma of the sigmoid colon", "sigmoid_colon"),
            ("colon adenocarcinoma", "colon"),
        ],
        "drugs": [
            ("FOLFOX", "oxaliplatin"),
            ("capecitabine", "capecitabine"),
            ("bevacizumab", "bevacizumab"),
        ],
        "short": ["colorectal cancer", "CRC", "bowel adenocarcinoma"],
    },
    "leiomyosarcoma": {
        "histology": "leiomyosarcoma",
        "sex": "female",
        "names": [("uterine leiomyosarcoma", "uterus"), ("leiomyosarcoma of the uterus", "uterus")],
        "drugs": [("doxorubicin", "doxorubicin"), ("gemcitabine and docetaxel", "gemcitabine")],
        "short": ["leiomyosarcoma", "uterine LMS", "smooth muscle sarcoma of the uterus"],
    },
    "urothelial": {
        "histology": "urothelial_carcinoma",
        "names": [
            ("urothelial carcinoma of the bladder", "bladder"),
            ("transitional cell carcinoma of the urinary bladder", "bladder"),
        ],
        "drugs": [("gemcitabine and cisplatin", "gemcitabine"), ("pembrolizumab", "pembrolizumab")],
        "short": ["bladder cancer", "urothelial carcinoma", "TCC of the bladder"],
    },
}
WEIGHTS = {
    "gist": 3,
    "rcc": 3,
    "breast": 3,
    "lung": 3,
    "prostate": 2,
    "hcc": 1,
    "thyroid": 1,
    "melanoma": 1,
    "net": 1,
    "colorectal": 2,
    "leiomyosarcoma": 1,
    "urothelial": 1,
}
ORDER = (
    [f"C{i}" for i in range(1, 8)]
    + [f"T{i}" for i in range(1, 13)]
    + [f"L{i}" for i in range(1, 6)]
    + [f"S{i}" for i in range(1, 6)]
)
REGION_WORD = {"C": "cervical", "T": "thoracic", "L": "lumbar", "S": "sacral"}
ORDINAL = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
]
OTHER_SITES = {
    "liver": ["liver", "hepatic", "the liver"],
    "lung": ["lung", "pulmonary", "both lungs"],
    "brain": ["brain", "cerebral"],
    "adrenal": ["adrenal", "left adrenal gland"],
    "bone": ["pelvic bone", "femoral", "rib"],
    "lymph_node": ["lymph node", "mediastinal lymph node"],
    "peritoneum": ["peritoneal"],
}
SURGERY = {
    "decompression": ["decompressive laminectomy", "posterior decompression", "laminectomy"],
    "fixation": ["posterior pedicle screw fixation", "instrumented stabilisation", "posterior fixation"],
    "corpectomy": ["corpectomy with cage reconstruction", "vertebrectomy"],
    "en_bloc_resection": ["total en bloc spondylectomy", "en bloc resection"],
    "vertebroplasty": ["percutaneous vertebroplasty", "cement augmentation (vertebroplasty)"],
}
FIRST = ["Mr", "Ms"]


@dataclass
class Truth:
    """The facts a report was written from (the entity is the tumour type used for relevance)."""

    id: str
    entity: str
    age: int
    sex: str
    histology: str
    primary_site: str
    spinal_levels: list[str]
    other_metastasis_sites: list[str] = field(default_factory=list)
    neurological_deficit: bool | None = None
    presentation: str | None = None
    interval_months: float | None = None
    spinal_surgery: list[str] = field(default_factory=list)
    radiotherapy: list[dict[str, Any]] = field(default_factory=list)
    systemic_agents: list[str] = field(default_factory=list)
    follow_up_months: float | None = None
    local_recurrence: bool | None = None
    vital_status: str | None = None
    # how this report words its tumour and drugs (not facts: left out of truth.jsonl)
    phrase: str = ""
    drug_phrases: list[str] = field(default_factory=list)


PRIVATE = ("phrase", "drug_phrases")


def pick_levels(rng: random.Random) -> list[str]:
    region = rng.choices(["C", "T", "L", "S"], [1, 5, 4, 1])[0]
    span = [lv for lv in ORDER if lv[0] == region]
    n = rng.choices([1, 2, 3], [5, 3, 2])[0]
    if rng.random() < 0.6:  # contiguous levels
        start = rng.randrange(0, max(1, len(span) - n + 1))
        levels = span[start : start + n]
    else:
        levels = sorted(rng.sample(span, min(n, len(span))), key=ORDER.index)
    if rng.random() < 0.25:  # a second region
        other = rng.choice([lv for lv in ORDER if lv[0] != region])
        levels = sorted(set(levels) | {other}, key=ORDER.index)
    return levels


def write_levels(levels: list[str], rng: random.Random) -> str:
    idx = [ORDER.index(lv) for lv in levels]
    contiguous = len(levels) > 1 and idx == list(range(idx[0], idx[0] + len(idx)))
    style = rng.random()
    if contiguous and len(levels) >= 3 and style < 0.5:
        a, b = levels[0], levels[-1]
        return rng.choice([f"{a}-{b}", f"{a}–{b[1:]}" if a[0] == b[0] else f"{a}–{b}", f"{a} to {b}"])
    if len(levels) == 1 and levels[0][0] in "TL" and style < 0.3:
        lv = levels[0]
        return f"the {ORDINAL[int(lv[1:]) - 1]} {REGION_WORD[lv[0]]} vertebra"
    if style < 0.15 and all(lv[0] == "T" for lv in levels):
        return " and ".join(f"Th{lv[1:]}" for lv in levels)
    if len(levels) == 1:
        return levels[0]
    return ", ".join(levels[:-1]) + " and " + levels[-1]


def make_truth(i: int, rng: random.Random) -> Truth:
    entity = rng.choices(list(WEIGHTS), list(WEIGHTS.values()))[0]
    spec = ENTITIES[entity]
    sex = spec.get("sex") or rng.choice(["male", "female"])
    name, site = rng.choice(spec["names"])
    levels = pick_levels(rng)
    others = sorted(rng.sample(list(OTHER_SITES), rng.choices([0, 1, 2], [4, 4, 2])[0]))
    if site in others:
        others.remove(site)
    presentation = rng.choice(["synchronous", "metachronous", None])
    interval = None if presentation != "metachronous" else float(rng.choice([6, 12, 18, 24, 36, 48, 60, 96]))
    surgery = sorted(set(rng.sample(list(SURGERY), rng.choices([0, 1, 2], [3, 4, 3])[0])))
    rt: list[dict[str, Any]] = []
    r = rng.random()
    if r < 0.35:
        rt = [{"modality": "srs", "total_dose_gy": 24.0, "fractions": 3}]
    elif r < 0.7:
        rt = [{"modality": "cebrt", "total_dose_gy": 30.0, "fractions": 10}]
    drugs = rng.sample(spec["drugs"], rng.choices([0, 1, 2], [2, 5, 2])[0])
    follow = float(rng.choice([3, 6, 8, 10, 12, 14, 18, 24, 30, 36, 48])) if rng.random() < 0.8 else None
    vital = rng.choice(["alive", "dead"]) if follow is not None else None
    age = rng.randint(28, 84)
    return Truth(
        id=f"synthetic_{i:03d}",
        entity=entity,
        age=age,
        sex=sex,
        histology=spec["histology"],
        primary_site=site,
        spinal_levels=levels,
        other_metastasis_sites=others,
        neurological_deficit=rng.choice([True, False, None]),
        presentation=presentation,
        interval_months=interval,
        spinal_surgery=surgery,
        radiotherapy=rt,
        systemic_agents=[code for _, code in drugs],
        follow_up_months=follow,
        local_recurrence=rng.choice([True, False, None]) if (surgery or rt) and follow else None,
        vital_status=vital,
        phrase=name,
        drug_phrases=[p for p, _ in drugs],
    )


DEFICIT_YES = [
    "progressive weakness of both legs (Frankel C)",
    "paraparesis and urinary retention",
    "a cauda equina syndrome",
    "numbness below the umbilicus and leg weakness",
    "an incomplete spinal cord injury (ASIA C)",
]
DEFICIT_NO = [
    "no neurological deficit",
    "an intact neurological examination",
    "back pain without weakness or sensory loss",
]
FILLER = [
    "The past history included hypertension.",
    "Blood counts and renal function were normal.",
    "The patient had smoked for thirty years.",
    "The family history was unremarkable.",
    "Serum calcium was within normal limits.",
    "A cholecystectomy had been done years earlier.",
]


def write_report(t: Truth, rng: random.Random) -> str:
    """The text of one invented case report of ``t``."""
    man, woman = ("man", "woman") if rng.random() < 0.7 else ("male", "female")
    noun = man if t.sex == "male" else woman
    name = t.phrase or t.histology.replace("_", " ")
    where = write_levels(t.spinal_levels, rng)
    opening = rng.choice(
        [
            f"A {t.age}-year-old {noun} presented with back pain.",
            f"We report a {t.age}-year-old {noun} with {name}.",
            f"A {noun} aged {t.age} was referred to our spine unit with back pain.",
        ]
    )
    s = [opening]
    if t.presentation == "metachronous" and t.interval_months:
        years = t.interval_months / 12
        when = (
            f"{int(years)} years" if years >= 1 and years.is_integer() else f"{int(t.interval_months)} months"
        )
        s.append(f"The {name} had been diagnosed and resected {when} earlier.")
    elif t.presentation == "synchronous":
        s.append(f"The spinal lesion was the first sign of the disease; work-up disclosed {name}.")
    else:
        s.append(f"The patient had a known {name}.")
    s.append(
        rng.choice(
            [
                f"MRI showed metastatic lesions at {where}.",
                f"Imaging revealed an osteolytic metastasis of {where}.",
                f"Magnetic resonance imaging demonstrated tumour involving {where} with epidural extension.",
            ]
        )
    )
    if t.other_metastasis_sites:
        words = [rng.choice(OTHER_SITES[o]) for o in t.other_metastasis_sites]
        s.append(f"Staging CT found {' and '.join(words)} metastases.")
    if t.neurological_deficit is True:
        s.append(f"On examination there was {rng.choice(DEFICIT_YES)}.")
    elif t.neurological_deficit is False:
        s.append(f"Examination showed {rng.choice(DEFICIT_NO)}.")
    s.append(rng.choice(FILLER))
    if t.spinal_surgery:
        words = [rng.choice(SURGERY[x]) for x in t.spinal_surgery]
        s.append(f"The patient underwent {' with '.join(words)}.")
    for course in t.radiotherapy:
        if course["modality"] == "srs":
            s.append(
                rng.choice(
                    [
                        "Stereotactic body radiotherapy (SBRT) of 24 Gy in 3 fractions followed.",
                        "SBRT, 24 Gy in three fractions, was delivered to the spine.",
                    ]
                )
            )
        else:
            s.append(
                rng.choice(
                    [
                        "Conventional radiotherapy of 30 Gy in 10 fractions was given.",
                        "External beam radiotherapy (30 Gy/10 fractions) was administered.",
                    ]
                )
            )
    drugs = t.drug_phrases
    if drugs:
        s.append(f"Systemic treatment with {' and then '.join(drugs)} was started.")
    if t.follow_up_months is not None:
        if t.vital_status == "dead":
            s.append(f"The patient died of disease {int(t.follow_up_months)} months after surgery.")
        else:
            s.append(f"At {int(t.follow_up_months)} months of follow-up the patient was alive.")
    if t.local_recurrence is True:
        s.append("Local recurrence at the treated level was seen on follow-up MRI.")
    elif t.local_recurrence is False:
        s.append("There was no local recurrence.")
    return " ".join(s) + "\n"


def write_query(t: Truth, rng: random.Random) -> str:
    """A paraphrase of ``t`` as a clinician would type it (other words, shorthand, fewer details)."""
    spec = ENTITIES[t.entity]
    tumour = rng.choice(spec["short"])
    sex = {"male": ["M", "man", "male"], "female": ["F", "woman", "female"]}[t.sex]
    where = write_levels(t.spinal_levels, rng)
    style = rng.random()
    parts: list[str] = []
    if style < 0.4:
        parts.append(f"{t.age} yo {rng.choice(sex)} with {tumour} mets to {where}")
    elif style < 0.75:
        parts.append(
            f"A {t.age}-year-old {rng.choice(sex[1:])} with spinal metastasis of {tumour} at {where}"
        )
    else:
        parts.append(
            f"Patient ({rng.choice(sex[1:])}, {t.age} years old): {tumour}, spine metastases {where}"
        )
    if t.other_metastasis_sites and rng.random() < 0.7:
        parts.append(f"also {', '.join(rng.choice(OTHER_SITES[o]) for o in t.other_metastasis_sites)} mets")
    if t.neurological_deficit is True and rng.random() < 0.8:
        parts.append(rng.choice(["with cord compression and leg weakness", "paraparetic", "motor deficit"]))
    elif t.neurological_deficit is False and rng.random() < 0.5:
        parts.append("neurologically intact")
    if t.presentation == "metachronous" and rng.random() < 0.5:
        parts.append("primary treated years before")
    return ", ".join(parts) + "."


def related(a: Truth, b: Truth) -> bool:
    """Graded relevance 1: same tumour type and a spinal region in common."""
    return a.entity == b.entity and bool(
        {lv[0] for lv in a.spinal_levels} & {lv[0] for lv in b.spinal_levels}
    )


def make_fixtures(folder: Path, n_reports: int, n_queries: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    truths = [make_truth(i + 1, rng) for i in range(n_reports)]
    reports = folder / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    for t in truths:
        (reports / f"{t.id}.txt").write_text(write_report(t, rng), encoding="utf-8")
    with open(folder / "truth.jsonl", "w", encoding="utf-8") as fh:
        for t in truths:
            fh.write(json.dumps({k: v for k, v in asdict(t).items() if k not in PRIVATE}) + "\n")
    with open(folder / "queries.jsonl", "w", encoding="utf-8") as fh:
        for qi, t in enumerate(rng.sample(truths, n_queries), start=1):
            judged = {u.id: 1 for u in truths if u.id != t.id and related(t, u)} | {t.id: 2}
            fh.write(json.dumps({"id": f"q{qi:02d}", "text": write_query(t, rng), "relevant": judged}) + "\n")


def build_registry(db: Path, n_cases: int, seed: int = 11, batch: int = 5000) -> float:
    """Store ``n_cases`` synthetic cases in a new registry at ``db`` (records from the truth).

    Rows go straight into the registry's tables with bulk inserts (one document, one case and its
    field values per report), skipping de-duplication, which is pointless for made-up reports and would
    take most of an hour for 100,000 of them.
    """
    from sqlalchemy import insert

    from spinecase.records import CaseRecord, RadiotherapyCourse
    from spinecase.registry import open_registry
    from spinecase.registry.models import CaseRow, DocumentRow, FieldValue, utcnow
    from spinecase.registry.values import record_values

    if db.exists():
        db.unlink()
    rng = random.Random(seed)
    reg = open_registry(f"sqlite:///{db}")
    started = time.perf_counter()
    done = 0
    while done < n_cases:
        docs: list[dict[str, Any]] = []
        cases: list[dict[str, Any]] = []
        values: list[dict[str, Any]] = []
        now = utcnow()
        for i in range(done, min(n_cases, done + batch)):
            t = make_truth(i + 1, rng)
            t.id = f"synthetic_{i + 1:06d}"
            text = write_report(t, rng)
            facts = {k: v for k, v in asdict(t).items() if k not in (*PRIVATE, "id", "entity")}
            facts["radiotherapy"] = [RadiotherapyCourse(**c) for c in facts["radiotherapy"]]
            record = CaseRecord(document=t.id, case=1, **facts)
            docs.append(
                {
                    "id": i + 1,
                    "key": t.id,
                    "source": f"{t.id}.txt",
                    "format": "text",
                    "authors": [],
                    "text": text,
                    "content_hash": f"{i + 1:064x}",
                    "fingerprint": f"{i + 1:064x}",
                    "meta": {},
                    "sections": [],
                    "extractor_version": "synthetic",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            cases.append(
                {
                    "id": i + 1,
                    "document_id": i + 1,
                    "number": 1,
                    "secondary": False,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            for name, (value, evidence) in record_values(record).items():
                values.append(
                    {
                        "case_id": i + 1,
                        "field": name,
                        "value": value,
                        "evidence": evidence,
                        "origin": "extractor",
                        "extractor_version": "synthetic",
                        "updated_at": now,
                    }
                )
        with reg.write() as session:
            session.execute(insert(DocumentRow), docs)
            session.execute(insert(CaseRow), cases)
            session.execute(insert(FieldValue), values)
        done = min(n_cases, done + batch)
        print(f"\r{done:,} / {n_cases:,} cases stored", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    reg.dispose()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fixtures", type=Path, help="write fixture reports, truth and queries into this folder")
    ap.add_argument("--reports", type=int, default=96)
    ap.add_argument("--queries", type=int, default=40)
    ap.add_argument("--cases", type=int, help="store this many synthetic cases in --db")
    ap.add_argument("--db", type=Path, help="SQLite file of the synthetic registry (replaced)")
    args = ap.parse_args(argv)
    if args.fixtures:
        make_fixtures(args.fixtures, args.reports, args.queries)
        print(f"wrote {args.reports} reports and {args.queries} queries to {args.fixtures}")
    if args.cases:
        if not args.db:
            ap.error("--cases needs --db")
        seconds = build_registry(args.db, args.cases)
        print(f"stored {args.cases:,} cases in {args.db} in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
