"""Bad input through the real command line: ``spinecase extract`` and ``spinecase ingest``.

For every file of the catalogue (:mod:`.inputs`) that cannot be read there is exactly one line on
standard error naming it (and the line, for JSON Lines) with the reason; the good files of the same
batch are extracted and stored exactly as the extractor reads them; the exit status is 1; and no
document row exists for a failed file. Odd encodings, very long lines and other scripts are read,
stored and shown as they are. Nothing an XML file points at is ever fetched or read.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from spinecase.registry import open_registry
from spinecase.registry.models import DocumentRow, DocumentSource, IngestRun

from .conftest import SECRET
from .inputs import SCRIPTS, Context, Item, batches, good_report, write_batch, write_big_text, write_gzip_bomb
from .support import Canary, assert_no_traceback, audit, error_lines, expected_contracts, spinecase

BATCHES = batches()


def _expected_failures(folder: Path, items: tuple[Item, ...]) -> dict[str, str]:
    """``{"path" or "path:line": reason}`` for every error line the batch must produce."""
    out: dict[str, str] = {}
    for item in items:
        path = str(folder / item.name)
        if item.error_lines:
            out.update({f"{path}:{n}": reason for n, reason in item.error_lines})
        elif item.outcome == "error":
            out[path] = item.reason
    return out


def _where(line: str, folder: Path) -> str:
    """The ``path`` or ``path:line`` an error line names."""
    m = re.search(re.escape(str(folder)) + r"/[^\s:]+(?::\d+)?", line)
    assert m, line
    return m.group()


def _check_error_lines(lines: list[str], prefix: str, folder: Path, items: tuple[Item, ...]) -> None:
    wanted = _expected_failures(folder, items)
    seen: dict[str, str] = {}
    for line in lines:
        assert line.startswith(prefix), f"unexpected line on standard error: {line!r}"
        where = _where(line, folder)
        assert where not in seen, f"two lines for {where}: {seen[where]!r} and {line!r}"
        seen[where] = line
    assert set(seen) == set(wanted), (set(seen) ^ set(wanted), lines)
    for where, line in seen.items():
        assert wanted[where].lower() in line.lower(), (wanted[where], line)


def _good_paths(folder: Path, items: tuple[Item, ...]) -> list[Path]:
    return [folder / it.name for it in items if it.doc_ids]


@pytest.mark.parametrize("batch", sorted(BATCHES))
def test_extract_reports_each_bad_file_once_and_extracts_the_rest(
    batch: str, tmp_path: Path, context: Context, canary: Canary
) -> None:
    items = BATCHES[batch]
    folder = tmp_path / batch
    write_batch(folder, context, items)
    run = spinecase("extract", str(folder), "--format", "jsonl")
    assert run.returncode == 1, run.stderr
    assert_no_traceback(run.stderr)
    _check_error_lines(error_lines(run.stderr), "error ", folder, items)
    # the good files of the batch: every record, exactly as the extractor gives it
    expected = expected_contracts(_good_paths(folder, items))
    got: dict[str, list[dict[str, object]]] = {}
    for line in run.stdout.splitlines():
        record = json.loads(line)
        got.setdefault(record["document"], []).append(record)
    assert got == {k: v for k, v in expected.items() if v}
    assert {"good-0", "good-1", "good-2", "good-pdf"} <= set(got)
    assert canary.hits == [] and SECRET not in run.stdout + run.stderr


@pytest.mark.parametrize("batch", sorted(BATCHES))
def test_ingest_stores_the_good_files_and_nothing_of_the_bad(
    batch: str, tmp_path: Path, context: Context, canary: Canary
) -> None:
    items = BATCHES[batch]
    folder = tmp_path / batch
    write_batch(folder, context, items)
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    run = spinecase("ingest", str(folder), "--db", url)
    assert run.returncode == 1, run.stderr
    assert_no_traceback(run.stderr)
    failures = sum(it.failures for it in items)
    summary, *listed = error_lines(run.stderr)[1:]
    assert f"failed {failures}" in summary
    _check_error_lines([line.strip() for line in listed], "failed ", folder, items)

    good = _good_paths(folder, items)
    expected = expected_contracts(good)
    state = audit(url, expected)
    assert state.problems == [] and state.missing == []
    # one row per readable document, none for a failed file (or a failed line)
    assert state.keys == sorted(i for it in items for i in it.doc_ids)
    reg = open_registry(url)
    try:
        with reg.session() as s:
            sources = set(s.scalars(select(DocumentSource.source)))
            texts = {k: t for k, t in s.execute(select(DocumentRow.key, DocumentRow.text))}
            [status] = list(s.scalars(select(IngestRun.status)))
    finally:
        reg.dispose()
    assert sources == {str(p) for p in good}
    assert status == "failed"
    assert SECRET not in "".join(texts.values()) and canary.hits == []
    # odd encodings and other scripts are stored as the words they are
    if batch == "files":
        for name, words in SCRIPTS.items():
            assert texts[f"script-{name}"] == words
        assert "«résection»" in texts["latin1"] and "homme âgé" in texts["utf16-bom"]
        assert texts["invalid-utf8"].startswith(good_report(13))
        assert len(texts["long-line"]) > 900_000 and "\n" not in texts["long-line"]


@pytest.mark.slow
def test_size_limit_big_files_and_a_gzip_bomb(tmp_path: Path) -> None:
    """A 200 MB text file and a small gzip inflating to 200 MB are refused at the default 50 MB limit,
    which the error names; the limit is configurable (``--max-bytes``) and applies per JSON Lines line."""
    folder = tmp_path / "big"
    folder.mkdir()
    try:
        write_big_text(folder / "huge.txt", 200_000_000)
        write_gzip_bomb(folder / "bomb.txt.gz", 200_000_000)
        assert (folder / "bomb.txt.gz").stat().st_size < 2_000_000
        (folder / "small.txt").write_text(good_report(1))
        url = f"sqlite:///{tmp_path / 'registry.db'}"
        for command in (["extract", str(folder), "--format", "jsonl"], ["ingest", str(folder), "--db", url]):
            run = spinecase(*command)
            assert run.returncode == 1, run.stderr
            assert_no_traceback(run.stderr)
            lines = [line for line in error_lines(run.stderr) if "huge.txt" in line or "bomb.txt.gz" in line]
            assert len(lines) == 2, run.stderr
            for line in lines:
                assert "exceeds the size limit of 50 MB (max_bytes=50000000)" in line
        assert audit(url, expected_contracts([folder / "small.txt"])).keys == ["small"]
    finally:
        shutil.rmtree(folder)

    # a lower limit, from the command line: one report too big, one JSON Lines line too long
    folder.mkdir()
    (folder / "short.txt").write_text(good_report(2))
    (folder / "long.txt").write_text(good_report(3) * 10)
    lines = [json.dumps({"id": f"n{i}", "text": good_report(10 + i) * (1 + 9 * (i == 1))}) for i in range(3)]
    (folder / "corpus.jsonl").write_text("\n".join(lines) + "\n")
    url = f"sqlite:///{tmp_path / 'limited.db'}"
    run = spinecase("ingest", str(folder), "--db", url, "--max-bytes", "2000")
    assert run.returncode == 1 and "failed 2" in run.stderr, run.stderr
    assert f"{folder / 'long.txt'}: file exceeds the size limit of 2 kB (max_bytes=2000)" in run.stderr
    assert f"{folder / 'corpus.jsonl'}:2: line exceeds the size limit of 2 kB (max_bytes=2000)" in run.stderr
    assert audit(url).keys == ["n0", "n2", "short"]
    run = spinecase("extract", str(folder / "long.txt"), "--max-bytes", "2000")
    assert run.returncode == 1 and "size limit of 2 kB" in run.stderr
