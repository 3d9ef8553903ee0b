"""The case record: one patient of one document, every value linked to its evidence.

The interchange contract (``case-record.md``) fixes the keys that ``spinecase extract --format jsonl``
emits; :meth:`CaseRecord.to_contract` produces exactly those. The record keeps richer clinical details
(tumour size, mitoses, performance status, neurological grade…) in :attr:`CaseRecord.clinical`, which
the scores use but the contract does not carry.

Example::

    >>> r = CaseRecord(document="demo", case=1, age=61, sex="male",
    ...                evidence={"age": [Span(start=2, end=13)]})
    >>> r.to_contract()["age"]
    61
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Sex = Literal["male", "female"]
Presentation = Literal["synchronous", "metachronous"]
VitalStatus = Literal["alive", "dead"]

#: The keys of the interchange contract, in the order ``case-record.md`` lists them.
CONTRACT_FIELDS: tuple[str, ...] = (
    "age",
    "sex",
    "histology",
    "primary_site",
    "spinal_levels",
    "other_metastasis_sites",
    "presentation",
    "interval_months",
    "neurological_deficit",
    "spinal_surgery",
    "radiotherapy",
    "systemic_agents",
    "follow_up_months",
    "local_recurrence",
    "vital_status",
)
LIST_FIELDS: frozenset[str] = frozenset(
    {"spinal_levels", "other_metastasis_sites", "spinal_surgery", "radiotherapy", "systemic_agents"}
)


class Span(BaseModel):
    """Character offsets ``[start, end)`` into the document text as read."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)


class RadiotherapyCourse(BaseModel):
    """One course of radiotherapy to the spinal metastasis (e.g. SBRT 24 Gy in 3 fractions)."""

    modality: str
    total_dose_gy: float | None = Field(default=None, ge=0)
    fractions: int | None = Field(default=None, ge=0)


class ClinicalDetails(BaseModel):
    """Inputs of the clinical scores that the extractor can find, outside the interchange contract.

    KPS and ECOG are kept apart on purpose: the scores never convert one into the other silently.
    """

    tumour_size_cm: float | None = None
    mitotic_count: float | None = None
    mitotic_denominator: str | None = None  # "50 HPF", "5 mm2", "10 HPF" as written
    frankel: str | None = None  # A–E
    asia: str | None = None  # A–E
    kps: int | None = None
    ecog: int | None = None
    escc_grade: str | None = None  # 0, 1a, 1b, 1c, 2, 3
    pain_type: str | None = None  # mechanical, occasional_nonmechanical, pain_free
    bone_lesion: str | None = None  # lytic, blastic, mixed (the spinal lesion's appearance, for SINS)
    evidence: dict[str, list[Span]] = Field(default_factory=dict)


class CaseRecord(BaseModel):
    """One patient case of one document (see ``case-record.md``)."""

    document: str
    case: int = Field(ge=1)
    age: int | None = Field(default=None, ge=0, le=130)
    sex: Sex | None = None
    histology: str | None = None
    primary_site: str | None = None
    spinal_levels: list[str] = Field(default_factory=list)
    other_metastasis_sites: list[str] = Field(default_factory=list)
    presentation: Presentation | None = None
    interval_months: float | None = Field(default=None, ge=0)
    neurological_deficit: bool | None = None
    spinal_surgery: list[str] = Field(default_factory=list)
    radiotherapy: list[RadiotherapyCourse] = Field(default_factory=list)
    systemic_agents: list[str] = Field(default_factory=list)
    follow_up_months: float | None = Field(default=None, ge=0)
    local_recurrence: bool | None = None
    vital_status: VitalStatus | None = None
    evidence: dict[str, list[Span]] = Field(default_factory=dict)
    clinical: ClinicalDetails = Field(default_factory=ClinicalDetails)

    def stated_fields(self) -> list[str]:
        """Contract keys that carry a value (non-null, non-empty)."""
        return [f for f in CONTRACT_FIELDS if getattr(self, f) not in (None, [], "")]

    def to_contract(self) -> dict[str, Any]:
        """The JSON object of the interchange contract (no internal details)."""
        out: dict[str, Any] = {"document": self.document, "case": self.case}
        for f in CONTRACT_FIELDS:
            v = getattr(self, f)
            if f == "radiotherapy":
                out[f] = [
                    {
                        k: int(x) if isinstance(x, float) and x.is_integer() else x
                        for k, x in c.model_dump().items()
                    }
                    for c in v
                ]
            elif isinstance(v, float) and v.is_integer():
                out[f] = int(v)
            else:
                out[f] = v
        out["evidence"] = {
            k: [{"start": s.start, "end": s.end} for s in spans]
            for k, spans in self.evidence.items()
            if spans and getattr(self, k, None) not in (None, [], "")
        }
        return out
