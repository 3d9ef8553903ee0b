"""Ingest from the browser: uploaded files saved safely, ingested in a background thread, with progress.

An upload becomes a *job*: its files are written under a fresh folder (names reduced to safe
characters, nothing outside the folder), then :func:`spinecase.registry.ingest` runs in a thread
with a progress callback while the page polls ``/api/ingest/jobs/{id}``. When it ends the job keeps
the :class:`~spinecase.registry.IngestSummary` and the ids of the cases the files hold, and the
files are deleted (the registry keeps the text).

Example::

    >>> safe_name("../../etc/pass wd.XML.GZ")
    'pass_wd.XML.GZ'
    >>> accepted("report.xml.gz"), accepted("notes.docx")
    (True, False)
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..registry import CaseFilter, IngestOptions, IngestSummary, Registry, ingest, iter_cases
from .data import cases_from_sources

#: What the upload page accepts (the readers of ``spinecase.documents`` decide the rest).
SUFFIXES: tuple[str, ...] = (
    ".txt",
    ".text",
    ".pdf",
    ".html",
    ".htm",
    ".xhtml",
    ".xml",
    ".nxml",
    ".xml.gz",
    ".jsonl",
    ".ndjson",
)
#: Jobs remembered after they end (older finished ones are forgotten first).
KEEP_JOBS = 50


def safe_name(name: str) -> str:
    """A file name with no folder part and only letters, digits, ``.``, ``-`` and ``_``."""
    base = re.split(r"[\\/]", name)[-1].strip()
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).lstrip(".") or "upload"
    return base[:120]


def accepted(name: str) -> bool:
    return name.lower().endswith(SUFFIXES)


class UploadError(ValueError):
    """An upload that cannot be ingested (no files, a type spinecase cannot read, too large)."""


@dataclass(slots=True)
class Job:
    """One upload being ingested (or done)."""

    id: str
    by: str
    files: list[str]
    folder: Path
    started: float = field(default_factory=time.time)
    status: str = "queued"  # queued, running, done, failed
    read: int = 0
    bytes_done: int = 0
    bytes_total: int = 0
    summary: IngestSummary | None = None
    case_ids: list[int] = field(default_factory=list)
    error: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    def fraction(self) -> float:
        if self.finished:
            return 1.0
        return self.bytes_done / self.bytes_total if self.bytes_total else 0.0

    def as_json(self) -> dict[str, Any]:
        s = self.summary
        return {
            "id": self.id,
            "status": self.status,
            "by": self.by,
            "files": self.files,
            "progress": round(self.fraction(), 4),
            "read": s.read if s else self.read,
            "new": s.new if s else 0,
            "updated": s.updated if s else 0,
            "merged": s.merged if s else 0,
            "unchanged": s.unchanged if s else 0,
            "skipped": s.skipped if s else 0,
            "failed": s.failed if s else 0,
            "failures": [
                {"source": Path(f.source).name, "line": f.line, "message": f.message}
                for f in (s.failures if s else [])
            ],
            "seconds": round(s.seconds, 2) if s else round(time.time() - self.started, 2),
            "case_ids": self.case_ids,
            "error": self.error,
        }


class IngestJobs:
    """The server's ingest jobs: start one per upload, look them up by id."""

    def __init__(self, registry: Registry, root: Path | None = None) -> None:
        self.registry = registry
        self.root = root or Path(tempfile.mkdtemp(prefix="spinecase-uploads-"))
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def new_folder(self) -> tuple[str, Path]:
        job_id = uuid.uuid4().hex[:12]
        folder = self.root / job_id
        folder.mkdir(parents=True)
        return job_id, folder

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def start(self, job_id: str, folder: Path, files: list[str], by: str) -> Job:
        job = Job(job_id, by, files, folder)
        with self._lock:
            self._jobs[job_id] = job
            done = [j for j in self._jobs.values() if j.finished]
            for old in sorted(done, key=lambda j: j.started)[: max(0, len(self._jobs) - KEEP_JOBS)]:
                self._jobs.pop(old.id, None)
        threading.Thread(target=self._run, args=(job,), name=f"ingest-{job_id}", daemon=True).start()
        return job

    def _run(self, job: Job) -> None:
        job.status = "running"

        def progress(s: IngestSummary) -> None:
            job.read, job.bytes_done, job.bytes_total = s.read, s.bytes_done, s.bytes_total

        try:
            job.summary = ingest([str(job.folder)], self.registry, IngestOptions(), progress=progress)
            job.case_ids = self._cases(job)
            job.status = "done"
        except Exception as exc:  # noqa: BLE001 - the job page reports it; the server keeps running
            job.error = f"{type(exc).__name__}: {exc}"
            job.status = "failed"
        finally:
            shutil.rmtree(job.folder, ignore_errors=True)

    def _cases(self, job: Job) -> list[int]:
        """Cases of the uploaded documents: by where they came from, or (texts stored before) by key."""
        with self.registry.session() as s:
            ids = set(cases_from_sources(s, str(job.folder) + "/"))
            for name in job.files:
                if name.lower().endswith((".txt", ".text", ".pdf", ".html", ".htm", ".xhtml")):
                    stem = Path(name).stem
                    ids.update(c.case_id for c in iter_cases(s, CaseFilter(document=stem), limit=100))
        return sorted(ids)
