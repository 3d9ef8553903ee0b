"""The JSON shapes of the API (they are also its OpenAPI schema at ``/openapi.json``).

Example::

    >>> EditIn(value="T11, T12", reason="T11 named in the MRI report").value
    'T11, T12'
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from ..registry import Edit, FieldDetail, RegistryCase


class DocumentOut(BaseModel):
    id: int
    key: str
    title: str | None
    authors: list[str]
    year: int | None
    journal: str | None
    doi: str | None
    pmid: str | None
    pmcid: str | None


class CaseSummary(BaseModel):
    """One row of the case list; ``id`` is what ``/cases/{id}`` and ``/api/cases/{id}`` take."""

    id: int
    document: str
    case: int
    secondary: bool
    age: int | None
    sex: str | None
    histology: str | None
    primary_site: str | None
    spinal_levels: list[str]
    vital_status: str | None
    follow_up_months: float | None
    first_author: str | None
    year: int | None
    title: str | None
    curated_fields: list[str]


class CaseList(BaseModel):
    total: int
    page: int
    per_page: int
    pages: int
    sort: str
    order: str
    notice: str | None = None
    cases: list[CaseSummary]


class FieldOut(BaseModel):
    """One stored value with where it came from and the text that supports it."""

    field: str
    label: str
    value: Any
    origin: str
    curated: bool
    extractor_version: str | None
    updated_at: datetime
    evidence: list[dict[str, int]]
    quotes: list[str]


class EditOut(BaseModel):
    """One entry of the audit trail: who changed what, when, from what to what, and why."""

    id: int
    case_id: int
    field: str
    old_value: Any
    new_value: Any
    curator: str
    reason: str | None
    at: datetime


class CaseOut(BaseModel):
    id: int
    case: int
    secondary: bool
    cited_by: str | None
    document: DocumentOut
    sources: list[str]
    record: dict[str, Any] = Field(
        description="The case in the interchange contract (curated values applied)."
    )
    fields: list[FieldOut]
    history: list[EditOut]


class EditIn(BaseModel):
    """A curator's change: the value as typed (JSON, or comma-separated codes), and why."""

    value: str = Field(description='JSON or comma-separated codes; "null" clears the field.')
    reason: str = Field(min_length=1, max_length=2000)
    evidence: str | None = Field(default=None, description="Supporting spans START:END[,START:END].")


class ScoreIn(BaseModel):
    inputs: dict[str, Any] = Field(default_factory=dict)
    candidates: dict[str, list[Any]] = Field(default_factory=dict)


class LoginIn(BaseModel):
    username: str
    password: str


class Me(BaseModel):
    name: str | None
    role: str | None
    single_user: bool
    csrf_token: str


def case_summary(c: RegistryCase) -> CaseSummary:
    r, d = c.record, c.document
    return CaseSummary(
        id=c.case_id,
        document=d.key,
        case=r.case,
        secondary=c.secondary,
        age=r.age,
        sex=r.sex,
        histology=r.histology,
        primary_site=r.primary_site,
        spinal_levels=list(r.spinal_levels),
        vital_status=r.vital_status,
        follow_up_months=r.follow_up_months,
        first_author=d.first_author,
        year=d.year,
        title=d.title,
        curated_fields=sorted(c.curated_fields),
    )


def document_out(c: RegistryCase) -> DocumentOut:
    d = c.document
    return DocumentOut(
        id=d.id,
        key=d.key,
        title=d.title,
        authors=list(d.authors),
        year=d.year,
        journal=d.journal,
        doi=d.doi,
        pmid=d.pmid,
        pmcid=d.pmcid,
    )


def field_out(f: FieldDetail, label: str) -> FieldOut:
    return FieldOut(
        field=f.field,
        label=label,
        value=f.value,
        origin=f.origin,
        curated=f.origin == "curator",
        extractor_version=f.extractor_version,
        updated_at=f.updated_at,
        evidence=f.evidence,
        quotes=f.quotes,
    )


def edit_out(e: Edit) -> EditOut:
    return EditOut(
        id=e.id,
        case_id=e.case_id,
        field=e.field,
        old_value=e.old_value,
        new_value=e.new_value,
        curator=e.curator,
        reason=e.reason,
        at=e.at,
    )
