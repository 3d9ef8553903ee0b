"""A small, deterministic stand-in for the extractor and generators of invented case reports.

The registry does not care how values are found, only that they are stored, refreshed, curated and
exported faithfully; a predictable extractor makes those tests exact. All texts here are invented.
"""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

from spinecase.documents import Document
from spinecase.records import CaseRecord, RadiotherapyCourse, Span

EXTRACTOR_VERSION = "fake-1"
EXTRACTOR = "registry.fakes:extract"
EXTRACTOR_V2 = "registry.fakes:extract_v2"

_CASE = re.compile(r"\bCase (\d+)\b")
_AGE_SEX = re.compile(r"\b(\d{1,3})-year-old (man|woman)\b")
_LEVEL = re.compile(r"\b(C[1-7]|T1[0-2]|T[1-9]|L[1-5]|S[1-5])\b")
_HISTOLOGY = {
    "stromal tumour": "gist",
    "renal cell carcinoma": "renal_cell_carcinoma",
    "adenocarcinoma": "adenocarcinoma",
}
_SITE = {"stomach": "stomach", "rectum": "rectum", "kidney": "kidney", "lung": "lung", "prostate": "prostate"}
_SBRT = re.compile(r"\bSBRT (\d+) Gy in (\d+) fractions\b")


def _segments(text: str) -> list[tuple[int, int]]:
    starts = [m.start() for m in _CASE.finditer(text)]
    if not starts:
        return [(0, len(text))] if _AGE_SEX.search(text) else []
    return [(s, starts[i + 1] if i + 1 < len(starts) else len(text)) for i, s in enumerate(starts)]


def _first(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> re.Match[str] | None:
    return pattern.search(text, lo, hi)


def extract(doc: Document) -> list[CaseRecord]:
    """Age, sex, histology, primary site, levels and SBRT of each "Case N" of an invented report."""
    if "EXTRACTOR-CRASH" in doc.text:
        raise RuntimeError("the fake extractor was told to crash")
    if "WORKER-EXIT" in doc.text:
        os._exit(3)  # a worker process dying (out of memory, killed): no exception, no clean-up
    records = []
    for n, (lo, hi) in enumerate(_segments(doc.text), 1):
        rec = CaseRecord(document=doc.id, case=n)
        ev: dict[str, list[Span]] = {}
        if m := _first(_AGE_SEX, doc.text, lo, hi):
            rec.age, rec.sex = int(m.group(1)), "male" if m.group(2) == "man" else "female"
            ev["age"] = ev["sex"] = [Span(start=m.start(), end=m.end())]
        segment = doc.text[lo:hi].lower()
        for phrase, code in _HISTOLOGY.items():
            if (at := segment.find(phrase)) >= 0:
                rec.histology = code
                ev["histology"] = [Span(start=lo + at, end=lo + at + len(phrase))]
                break
        for word, code in _SITE.items():
            if (at := segment.find(word)) >= 0:
                rec.primary_site = code
                ev["primary_site"] = [Span(start=lo + at, end=lo + at + len(word))]
                break
        levels = list(_LEVEL.finditer(doc.text, lo, hi))
        if levels:
            rec.spinal_levels = list(dict.fromkeys(m.group(1) for m in levels))
            ev["spinal_levels"] = [Span(start=m.start(), end=m.end()) for m in levels]
        if m := _first(_SBRT, doc.text, lo, hi):
            rec.radiotherapy = [
                RadiotherapyCourse(modality="srs", total_dose_gy=float(m.group(1)), fractions=int(m.group(2)))
            ]
            ev["radiotherapy"] = [Span(start=m.start(), end=m.end())]
        rec.evidence = ev
        records.append(rec)
    return records


def extract_v2(doc: Document) -> list[CaseRecord]:
    """An "upgraded" extractor: the same, and it also reports every patient as alive."""
    records = extract(doc)
    for rec in records:
        rec.vital_status = "alive"
    return records


AGES = [34, 47, 52, 58, 61, 66, 70, 73, 79]
HISTOLOGIES = [
    "stromal tumour of the stomach",
    "renal cell carcinoma of the kidney",
    "adenocarcinoma of the lung",
]
LEVELS = ["C5", "T4", "T9", "T12", "L1", "L3", "S1"]


_FILLER = [
    "patient",
    "clinic",
    "ward",
    "morning",
    "evening",
    "family",
    "history",
    "smoking",
    "alcohol",
    "diet",
    "weight",
    "appetite",
    "fever",
    "cough",
    "walking",
    "stairs",
    "numbness",
    "tingling",
    "weakness",
    "bladder",
    "bowel",
    "sleep",
    "analgesia",
    "opioid",
    "physiotherapy",
    "brace",
    "scan",
    "contrast",
    "marrow",
    "signal",
    "cortex",
    "pedicle",
    "lamina",
    "canal",
    "cord",
    "root",
    "foramen",
    "disc",
    "endplate",
    "collapse",
    "kyphosis",
    "height",
    "angle",
    "fragment",
    "cement",
    "needle",
    "biopsy",
    "specimen",
    "staining",
    "nuclei",
    "mitoses",
    "margin",
    "capsule",
    "liver",
    "lung",
    "node",
    "spleen",
    "adrenal",
    "brain",
    "skin",
    "serum",
    "calcium",
    "albumin",
    "haemoglobin",
    "platelets",
    "creatinine",
]


def report_text(i: int, cases: int = 1) -> str:
    """An invented report, different for every ``i`` (its filler words make each text unique)."""
    rnd = random.Random(i)
    parts = [f"Invented report number {i}: " + " ".join(rnd.choices(_FILLER, k=14)) + "."]
    for c in range(1, cases + 1):
        k = i * 5 + c * 3
        age, sex = AGES[k % len(AGES)], "man" if k % 2 else "woman"
        hist, level = HISTOLOGIES[k % len(HISTOLOGIES)], LEVELS[k % len(LEVELS)]
        head = f"Case {c}. " if cases > 1 else ""
        parts.append(
            f"{head}A {age}-year-old {sex} of cohort {i} with a {hist} presented with back pain "
            f"on day {i + 3}; imaging showed a lytic lesion of {level}. "
            + " ".join(rnd.choices(_FILLER, k=16))
            + "."
        )
    return "\n\n".join(parts)


def write_reports(folder: Path, count: int, start: int = 0) -> list[Path]:
    """``count`` invented reports as text files ``report-00001.txt``…"""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        p = folder / f"report-{i:05d}.txt"
        p.write_text(report_text(i, cases=1 + (i % 3 == 0)), encoding="utf-8")
        paths.append(p)
    return paths


def write_jsonl(path: Path, count: int, start: int = 0) -> Path:
    """``count`` invented narratives as JSON Lines (``id``, ``text``, ``doi``)."""
    with path.open("w", encoding="utf-8") as fh:
        for i in range(start, start + count):
            fh.write(
                json.dumps({"id": f"N{i:05d}", "text": report_text(i), "doi": f"10.9999/inv.{i}"}) + "\n"
            )
    return path


def document(doc_id: str, text: str, fmt: str = "text", **metadata: object) -> Document:
    return Document(id=doc_id, text=text, source=f"{doc_id}.txt", format=fmt, metadata=dict(metadata))


#: Documents the fake extractor has seen in this process (to prove that stored texts are skipped).
CALLS: list[str] = []


def counting_extract(doc: Document) -> list[CaseRecord]:
    CALLS.append(doc.id)
    return extract(doc)
