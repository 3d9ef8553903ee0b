"""The extraction bars on the real documents in ../shared (skipped when ../shared is absent).

Runs ``spinecase extract`` as a user would and scores the output with the project-independent scorer
``../shared/eval/score_cases.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.shared


def _extract(paths: list[Path], out: Path) -> None:
    cmd = [
        sys.executable,
        "-m",
        "spinecase",
        "extract",
        *map(str, paths),
        "--format",
        "jsonl",
        "--output",
        str(out),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr


def _score(shared: Path, gold: Path, pred: Path, *extra: str) -> dict:
    cmd = [
        sys.executable,
        str(shared / "eval" / "score_cases.py"),
        "--gold",
        str(gold),
        "--pred",
        str(pred),
        "--json",
        *extra,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_seeds_meet_the_bar(shared_dir: Path, tmp_path: Path) -> None:
    seeds = shared_dir / "corpus" / "seeds"
    pred = tmp_path / "seeds.jsonl"
    _extract(sorted(seeds.glob("*.txt")), pred)
    s = _score(shared_dir, shared_dir / "gold" / "seeds.jsonl", pred, "--texts", str(seeds))
    assert s["f1"] >= 0.90, s
    assert s["evidence_coverage"] >= 0.95, s
    assert s["cases"]["pred"] == s["cases"]["gold"]


def test_maccrobat_demographics_meet_the_bar(shared_dir: Path, tmp_path: Path) -> None:
    pred = tmp_path / "mac.jsonl"
    _extract(sorted((shared_dir / "corpus" / "maccrobat").glob("*.txt")), pred)
    s = _score(shared_dir, shared_dir / "gold" / "maccrobat-demographics.jsonl", pred, "--fields", "age,sex")
    assert s["f1"] >= 0.95, s


def test_e3c_dev_narratives(shared_dir: Path, tmp_path: Path) -> None:
    gold = shared_dir / "gold" / "e3c-dev.jsonl"
    ids = {json.loads(line)["document"] for line in gold.read_text().splitlines() if line.strip()}
    texts = tmp_path / "texts"
    texts.mkdir()
    with (shared_dir / "corpus" / "e3c" / "e3c-en.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["id"] in ids:
                (texts / f"{row['id']}.txt").write_text(row["text"], encoding="utf-8")
    pred = tmp_path / "e3c.jsonl"
    _extract(sorted(texts.glob("*.txt")), pred)
    s = _score(shared_dir, gold, pred, "--texts", str(texts))
    assert s["f1"] >= 0.85, s
    assert s["evidence_coverage"] >= 0.95, s


def test_lexicon_codes_equal_the_vocabulary(shared_dir: Path) -> None:
    from spinecase.lexicon.vocabulary import codes

    vocab = json.loads((shared_dir / "spec" / "vocabulary.json").read_text(encoding="utf-8"))
    ours = codes()
    assert set(ours["histology"]) == set(vocab["histology"])
    assert {k: v["icdo3"] for k, v in ours["histology"].items()} == {
        k: v["icdo3_morphology"] for k, v in vocab["histology"].items()
    }
    assert set(ours["site"]) == set(vocab["site"])
    assert {k: v["icdo3"] for k, v in ours["site"].items()} == {
        k: v["icdo3_topography"] for k, v in vocab["site"].items()
    }
    assert {k: v.get("parent") for k, v in ours["site"].items()} == {
        k: v.get("parent") for k, v in vocab["site"].items()
    }
    assert set(ours["surgery"]) == set(vocab["surgery"])
    assert set(ours["radiotherapy"]) == set(vocab["radiotherapy"])
    assert set(ours["systemic"]) == set(vocab["systemic"])
    assert ours["spinal_level"] == vocab["spinal_level"]
