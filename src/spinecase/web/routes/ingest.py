"""Ingest from the browser: upload reports, follow the progress, read the summary.

The upload is checked before anything runs (file types spinecase reads, total size), saved under
safe names, and ingested by :func:`spinecase.registry.ingest` in the background (see
:mod:`spinecase.web.jobs`). Curators and admins only.
"""

from __future__ import annotations

import shutil
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response

from ..app import page
from ..jobs import SUFFIXES, Job, UploadError, accepted, safe_name
from ..security import Principal, require

router = APIRouter()
Curator = Annotated[Principal, Depends(require("curator"))]
CHUNK = 1 << 20


def _save(request: Request, files: list[UploadFile], who: str) -> Job:
    web = request.app.state.web
    uploads = [f for f in files if f.filename]
    if not uploads:
        raise UploadError("choose at least one file")
    bad = [f.filename for f in uploads if not accepted(f.filename or "")]
    if bad:
        raise UploadError(f"spinecase cannot read {', '.join(map(str, bad))}; it reads {', '.join(SUFFIXES)}")
    job_id, folder = web.jobs.new_folder()
    names: list[str] = []
    total = 0
    try:
        for upload in uploads:
            name = safe_name(upload.filename or "upload")
            stem, n = name, 1
            while name in names:  # two files of the same name: keep both
                n += 1
                name = f"{n}-{stem}"
            target = folder / name
            with target.open("wb") as out:
                while chunk := upload.file.read(CHUNK):
                    total += len(chunk)
                    if total > web.config.max_upload_bytes:
                        raise UploadError(
                            f"the upload is larger than {web.config.max_upload_bytes // (1 << 20)} MB"
                        )
                    out.write(chunk)
            names.append(name)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    job: Job = web.jobs.start(job_id, folder, names, who)
    return job


@router.get("/ingest", include_in_schema=False)
def ingest_page(request: Request, user: Curator) -> Response:
    return page(
        request,
        "ingest.html",
        {"suffixes": SUFFIXES, "max_mb": request.app.state.web.config.max_upload_bytes >> 20},
    )


@router.post("/ingest", include_in_schema=False)
def ingest_form(request: Request, user: Curator, files: Annotated[list[UploadFile], File()]) -> Response:
    try:
        job = _save(request, files, user.name)
    except UploadError as exc:
        context = {
            "suffixes": SUFFIXES,
            "max_mb": request.app.state.web.config.max_upload_bytes >> 20,
            "error": str(exc),
        }
        return page(request, "ingest.html", context, status_code=400)
    return RedirectResponse(f"/ingest/jobs/{job.id}", status_code=303)


def _job(request: Request, job_id: str) -> Job:
    job: Job | None = request.app.state.web.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, "no such ingest job (jobs are kept while the server runs)")
    return job


@router.get("/ingest/jobs/{job_id}", include_in_schema=False)
def job_page(request: Request, job_id: str, user: Curator) -> Response:
    job = _job(request, job_id)
    return page(request, "job.html", {"job": job, "data": job.as_json()})


@router.post("/api/ingest", tags=["ingest"], summary="Upload and ingest reports", status_code=202)
def ingest_api(request: Request, user: Curator, files: Annotated[list[UploadFile], File()]) -> Response:
    """Start ingesting the uploaded files (txt, pdf, html, xml, xml.gz, jsonl); poll the job's URL."""
    try:
        job = _save(request, files, user.name)
    except UploadError as exc:
        return JSONResponse({"detail": str(exc)}, status_code=400)
    body = job.as_json() | {"url": f"/api/ingest/jobs/{job.id}", "page": f"/ingest/jobs/{job.id}"}
    return JSONResponse(body, status_code=202)


@router.get("/api/ingest/jobs/{job_id}", tags=["ingest"], summary="Progress of an ingest")
def job_api(request: Request, job_id: str, user: Curator) -> dict[str, Any]:
    """Status (queued, running, done, failed), progress 0-1, counts, failures and the new cases."""
    return _job(request, job_id).as_json()
