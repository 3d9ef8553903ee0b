"""How values look in the browser: field labels, values in words, and the text a curator edits.

Example::

    >>> show_value([{"modality": "srs", "total_dose_gy": 24.0, "fractions": 3}])
    'SRS 24 Gy / 3 fx'
    >>> from spinecase.records import RadiotherapyCourse
    >>> show_value([RadiotherapyCourse(modality="cebrt", total_dose_gy=30, fractions=10)])
    'CEBRT 30 Gy / 10 fx'
    >>> show_value(["T12", "L1"]), show_value(None), show_value(False)
    ('T12, L1', '—', 'no')
    >>> edit_text(["T12", "L1"]), edit_text(61.0)
    ('T12, L1', '61')
    >>> label("clinical.kps")
    'Karnofsky performance status'
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

LABELS: dict[str, str] = {
    "age": "Age (years)",
    "sex": "Sex",
    "histology": "Histology",
    "primary_site": "Primary site",
    "spinal_levels": "Spinal levels",
    "other_metastasis_sites": "Other metastatic sites",
    "presentation": "Presentation",
    "interval_months": "Interval to spinal metastasis (months)",
    "neurological_deficit": "Neurological deficit",
    "spinal_surgery": "Spinal surgery",
    "radiotherapy": "Radiotherapy",
    "systemic_agents": "Systemic therapy",
    "follow_up_months": "Follow-up (months)",
    "local_recurrence": "Local recurrence",
    "vital_status": "Vital status",
    "clinical.tumour_size_cm": "Tumour size (cm)",
    "clinical.mitotic_count": "Mitotic count",
    "clinical.mitotic_denominator": "Mitotic count per",
    "clinical.frankel": "Frankel grade",
    "clinical.asia": "ASIA grade",
    "clinical.kps": "Karnofsky performance status",
    "clinical.ecog": "ECOG performance status",
    "clinical.escc_grade": "ESCC grade (Bilsky)",
    "clinical.pain_type": "Pain type",
}


def label(field: str) -> str:
    """A field's name for people (falls back to the field name)."""
    return LABELS.get(field, field.replace("clinical.", "").replace("_", " ").capitalize())


def code_words(code: str) -> str:
    """``breast_ductal_carcinoma`` -> ``breast ductal carcinoma``."""
    return code.replace("_", " ")


def _number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _course(c: dict[str, Any]) -> str:
    out = str(c.get("modality") or "radiotherapy").upper()
    dose, fx = c.get("total_dose_gy"), c.get("fractions")
    if dose is not None:
        out += f" {_number(dose)} Gy"
        if fx is not None:
            out += f" / {fx} fx"
    elif fx is not None:
        out += f" ({fx} fx)"
    return out


def show_value(value: Any) -> str:
    """A stored value in words: lists joined, booleans yes/no, radiotherapy as ``SRS 24 Gy / 3 fx``."""
    if isinstance(value, BaseModel):  # a RadiotherapyCourse of a record
        value = value.model_dump()
    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, dict):
        return _course(value)
    if isinstance(value, list):
        return ", ".join(show_value(v) for v in value)
    return code_words(str(value))


def edit_text(value: Any) -> str:
    """The text a curator starts from: codes comma-separated, radiotherapy as JSON, numbers plain."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, list):
        if any(isinstance(v, dict) for v in value):
            return json.dumps(value)
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value)


def slug(field: str) -> str:
    """A field name as an HTML id part: ``clinical.kps`` -> ``clinical-kps``."""
    return "".join(ch if ch.isalnum() else "-" for ch in field)
