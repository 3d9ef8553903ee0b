"""The review table: one row per case, as the literature prints them ("Table 1: clinical data of …").

Columns: number, reference (first author and year or document key, DOI/PMID), age/sex, primary site
(histology), spinal levels, other metastatic sites (abbreviated: ``L, P, B``), interval from the
primary, spinal treatment, systemic agents, follow-up and outcome. The legend lists exactly the
abbreviations the table used. :mod:`~spinecase.review.writers` writes it as Markdown, CSV, Excel,
Word, HTML or LaTeX.

Example::

    >>> from spinecase.records import CaseRecord
    >>> t = review_table([CaseRecord(document="d1", case=1, age=61, sex="male", histology="gist",
    ...                              primary_site="rectum", spinal_levels=["T12", "L4"],
    ...                              other_metastasis_sites=["liver"], presentation="synchronous",
    ...                              follow_up_months=6, vital_status="alive")])
    >>> t.rows[0]["age_sex"], t.rows[0]["primary"], t.rows[0]["levels"], t.rows[0]["other_sites"]
    ('61/M', 'Rectum (GIST)', 'T12, L4', 'L')
    >>> t.rows[0]["interval"], t.rows[0]["outcome"]
    ('Sync.', '6 mo, alive')
    >>> t.legend
    'GIST gastrointestinal stromal tumour, L liver, M male, NR not reported, Sync. synchronous (spinal metastasis found at or before the primary)'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..records import CaseRecord, RadiotherapyCourse
from .cohort import ReviewCase, as_review_cases
from .labels import UsedAbbreviations, label, long_label
from .levels import compress

#: (key, header) of the review table's columns, in order.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("no", "No."),
    ("reference", "Reference"),
    ("age_sex", "Age/sex"),
    ("primary", "Primary site (histology)"),
    ("levels", "Spinal levels"),
    ("other_sites", "Other metastases"),
    ("interval", "Interval (mo)"),
    ("treatment", "Spinal treatment"),
    ("systemic", "Systemic agents"),
    ("outcome", "Follow-up, outcome"),
)
NOT_REPORTED = "NR"
SECONDARY_MARK = "†"


@dataclass
class ReviewTable:
    """A review table ready to write: caption, columns, rows of strings, legend and notes."""

    caption: str
    rows: list[dict[str, str]]
    legend: str
    notes: list[str] = field(default_factory=list)
    columns: tuple[tuple[str, str], ...] = COLUMNS

    @property
    def headers(self) -> list[str]:
        return [h for _, h in self.columns]

    def matrix(self) -> list[list[str]]:
        """The rows as lists in column order."""
        return [[row[k] for k, _ in self.columns] for row in self.rows]

    def footer(self) -> str:
        """Legend and notes as one paragraph (what is printed under the table)."""
        return " ".join(p for p in [self.legend + "." if self.legend else "", *self.notes] if p)


def _number(x: float | None) -> str:
    if x is None:
        return NOT_REPORTED
    x = round(float(x), 1)
    return str(int(x)) if x.is_integer() else str(x)


def _course(c: RadiotherapyCourse, used: UsedAbbreviations) -> str:
    text = used.code("radiotherapy", c.modality)
    if c.total_dose_gy is not None:
        text += f" {_number(c.total_dose_gy)} Gy"
        if c.fractions is not None:
            text += f"/{c.fractions} fx"
            used.add("fx", "fractions")
    return text


def _row(number: int, case: ReviewCase, used: UsedAbbreviations) -> dict[str, str]:
    r: CaseRecord = case.record
    age = str(r.age) if r.age is not None else "–"
    sex = used.review("M") if r.sex == "male" else used.review("F") if r.sex == "female" else "–"
    age_sex = f"{age}/{sex}" if (r.age is not None or r.sex is not None) else NOT_REPORTED
    site = label("site", r.primary_site).capitalize() if r.primary_site else ""
    histology = used.code("histology", r.histology) if r.histology else ""
    primary = f"{site} ({histology})" if site and histology else site or histology or NOT_REPORTED
    if r.presentation == "synchronous" or (r.presentation is None and r.interval_months == 0):
        interval = used.review("Sync.")
    else:
        interval = _number(r.interval_months)
    surgery = " + ".join(label("surgery", s) for s in r.spinal_surgery)
    rt = ", ".join(_course(c, used) for c in r.radiotherapy)
    treatment = "; ".join(p for p in (surgery, rt) if p) or NOT_REPORTED
    systemic = ", ".join(used.code("systemic", a) for a in r.systemic_agents) or NOT_REPORTED
    outcome_parts = []
    if r.follow_up_months is not None:
        outcome_parts.append(f"{_number(r.follow_up_months)} mo")
    if r.vital_status:
        outcome_parts.append(r.vital_status)
    if r.local_recurrence is not None:
        outcome_parts.append(used.review("LR") if r.local_recurrence else "no " + used.review("LR"))
    reference = case.reference()
    if case.secondary:
        reference = f"{reference}{SECONDARY_MARK}"
    if case.also_in:
        reference += "; also in " + ", ".join(case.also_in)
    return {
        "no": str(number),
        "reference": reference,
        "age_sex": age_sex,
        "primary": primary,
        "levels": compress(r.spinal_levels) or NOT_REPORTED,
        "other_sites": ", ".join(used.site(s) for s in r.other_metastasis_sites) or "–",
        "interval": interval,
        "treatment": treatment,
        "systemic": systemic,
        "outcome": ", ".join(outcome_parts) or NOT_REPORTED,
    }


def default_caption(cases: Sequence[ReviewCase], histology: str | None = None) -> str:
    """``Clinical data for 12 cases of gastrointestinal stromal tumour with spinal metastases``."""
    codes = {c.record.histology for c in cases}
    code = histology or (next(iter(codes)) if len(codes) == 1 and None not in codes else None)
    n = len(cases)
    what = f" of {long_label('histology', code)}" if code else ""
    return f"Clinical data for {n} case{'s' if n != 1 else ''}{what} with spinal metastases"


def review_table(
    cases: Iterable[ReviewCase | CaseRecord], *, caption: str | None = None, histology: str | None = None
) -> ReviewTable:
    """The review table of ``cases`` (review cases or bare records), numbered in the order given."""
    items = as_review_cases(cases)
    used = UsedAbbreviations()
    rows = [_row(i + 1, c, used) for i, c in enumerate(items)]
    if any(NOT_REPORTED in row.values() for row in rows):
        used.add(NOT_REPORTED, "not reported")
    notes = []
    if any(c.secondary for c in items):
        notes.append(
            f"{SECONDARY_MARK} Case known from the literature table of another paper (secondary report)."
        )
    notes.append("Interval: months from the diagnosis of the primary to the spinal metastasis.")
    notes.append("Follow-up: months from the treatment of the spinal metastasis.")
    return ReviewTable(caption or default_caption(items, histology), rows, used.legend(), notes)
