"""Case values as stored: one JSON value and its evidence per field, to and from :class:`CaseRecord`.

A stored field is a contract key (``age``, ``spinal_levels``…) or ``clinical.<name>`` for a
:class:`~spinecase.records.ClinicalDetails` value. Only stated values are stored; a curator may store
``null`` on purpose ("not stated"), which then hides any extracted value.

Example::

    >>> r = CaseRecord(document="d", case=1, age=61, spinal_levels=["T12"],
    ...                evidence={"age": [Span(start=2, end=13)]})
    >>> vals = record_values(r)
    >>> vals["age"], vals["spinal_levels"]
    ((61, [{'start': 2, 'end': 13}]), (['T12'], []))
    >>> parse_value("spinal_levels", "t12, L1")
    ['T12', 'L1']
    >>> record_from_values("d", 1, vals).age
    61
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError

from ..records import CONTRACT_FIELDS, LIST_FIELDS, CaseRecord, ClinicalDetails, Span
from .engine import RegistryError

CLINICAL_PREFIX = "clinical."
CLINICAL_FIELDS: tuple[str, ...] = tuple(f for f in ClinicalDetails.model_fields if f != "evidence")
#: Every field a case may store, in display order.
STORED_FIELDS: tuple[str, ...] = CONTRACT_FIELDS + tuple(CLINICAL_PREFIX + f for f in CLINICAL_FIELDS)
#: Fields whose codes are also written to ``case_terms`` for filtering.
TERM_FIELDS: frozenset[str] = frozenset(
    {
        "sex",
        "histology",
        "primary_site",
        "spinal_levels",
        "other_metastasis_sites",
        "presentation",
        "spinal_surgery",
        "radiotherapy",
        "systemic_agents",
        "vital_status",
    }
)
#: Vertebral levels by region, as the ``--region`` filter understands them.
REGIONS: dict[str, tuple[str, ...]] = {
    "cervical": tuple(f"C{i}" for i in range(1, 8)),
    "thoracic": tuple(f"T{i}" for i in range(1, 13)),
    "lumbar": tuple(f"L{i}" for i in range(1, 6)),
    "sacral": (*(f"S{i}" for i in range(1, 6)), "S"),
    "coccygeal": ("Co",),
}
_LEVEL = re.compile(r"^(?:C[1-7]|T(?:[1-9]|1[0-2])|L[1-5]|S[1-5]?|Co)$")
#: Where the project's lexicons keep the codes of a field: (file, keys to descend, sub-tables to merge).
_LEXICON: dict[str, tuple[str, tuple[str, ...]]] = {
    "histology": ("histology.yaml", ()),
    "primary_site": ("sites.yaml", ()),
    "other_metastasis_sites": ("sites.yaml", ()),
    "spinal_surgery": ("procedures.yaml", ("surgery",)),
    "radiotherapy": ("procedures.yaml", ("radiotherapy",)),
    "systemic_agents": ("systemic.yaml", ("agents", "classes")),
}
_EXTRA_CODES = {"primary_site": {"unknown"}}


def is_stated(value: Any) -> bool:
    """A value that says something (not null, not an empty list or string)."""
    return value not in (None, [], "")


def spans_json(spans: list[Span]) -> list[dict[str, int]]:
    return [{"start": s.start, "end": s.end} for s in spans]


def record_values(record: CaseRecord) -> dict[str, tuple[Any, list[dict[str, int]]]]:
    """The stated fields of ``record`` as ``{field: (JSON value, evidence)}``."""
    data = record.model_dump(mode="json", include=set(CONTRACT_FIELDS))
    out: dict[str, tuple[Any, list[dict[str, int]]]] = {}
    for f in CONTRACT_FIELDS:
        if is_stated(data[f]):
            out[f] = (data[f], spans_json(record.evidence.get(f, [])))
    clinical = record.clinical.model_dump(mode="json", exclude={"evidence"})
    for f in CLINICAL_FIELDS:
        if is_stated(clinical[f]):
            out[CLINICAL_PREFIX + f] = (clinical[f], spans_json(record.clinical.evidence.get(f, [])))
    return out


def record_from_values(
    document: str, number: int, values: dict[str, tuple[Any, list[dict[str, int]]]]
) -> CaseRecord:
    """The :class:`CaseRecord` of stored values (stored ``null`` values leave the field empty)."""
    top: dict[str, Any] = {"document": document, "case": number, "evidence": {}}
    clinical: dict[str, Any] = {"evidence": {}}
    for f, (value, evidence) in values.items():
        target, name = (clinical, f[len(CLINICAL_PREFIX) :]) if f.startswith(CLINICAL_PREFIX) else (top, f)
        if value is not None:
            target[name] = value
            if evidence:
                target["evidence"][name] = evidence
    top["clinical"] = clinical
    return CaseRecord.model_validate(top)


def terms(field: str, value: Any) -> set[str]:
    """The codes of a value for ``case_terms`` (radiotherapy: the modalities)."""
    if field not in TERM_FIELDS or not is_stated(value):
        return set()
    items = value if isinstance(value, list) else [value]
    if field == "radiotherapy":
        return {str(c.get("modality")) for c in items if isinstance(c, dict) and c.get("modality")}
    return {str(v) for v in items if isinstance(v, str | int | float) and not isinstance(v, bool)}


def _known_codes(field: str) -> set[str] | None:
    """The codes the project's lexicon knows for ``field`` (``None``: no list to check against)."""
    if field not in _LEXICON:
        return None
    from ..lexicon import load_yaml

    name, tables = _LEXICON[field]
    try:
        data = load_yaml(name)
    except (FileNotFoundError, ModuleNotFoundError):
        return None  # that lexicon is not part of this install: the model's types still apply
    parts = [data.get(t) for t in tables] if tables and isinstance(data, dict) else [data]
    if not parts or not all(isinstance(p, dict) for p in parts):
        return None
    return set().union(*(set(p) for p in parts if isinstance(p, dict))) | _EXTRA_CODES.get(field, set())


def _check_codes(field: str, value: Any) -> None:
    if field == "spinal_levels":
        bad = [v for v in value if not _LEVEL.match(v)]
        if bad:
            raise RegistryError(
                f"{field}: not a vertebral level: {', '.join(bad)} (C1-C7, T1-T12, L1-L5, S1-S5, S, Co)"
            )
        return
    known = _known_codes(field)
    if known is None:
        return
    codes = (
        terms(field, value) if field == "radiotherapy" else set(value if isinstance(value, list) else [value])
    )
    bad = sorted(str(c) for c in codes if c not in known)
    if bad:
        raise RegistryError(f"{field}: unknown code(s) {', '.join(bad)}; known: {', '.join(sorted(known))}")


def _normalise_level(v: str) -> str:
    v = v.strip()
    return "Co" if v.lower() == "co" else v.upper()


def parse_value(field: str, raw: str) -> Any:
    """Turn a value typed by a curator into the field's JSON value, validated by the record model.

    JSON is accepted for every field (``61``, ``null``, ``["T12", "L1"]``,
    ``[{"modality": "srs", "total_dose_gy": 24, "fractions": 3}]``); list fields also take
    comma-separated codes, and ``null``/``none``/an empty string clears a field.
    """
    if field not in STORED_FIELDS:
        raise RegistryError(f"unknown field {field!r}; fields: {', '.join(STORED_FIELDS)}")
    text = raw.strip()
    if text.lower() in ("", "null", "none"):
        return [] if field in LIST_FIELDS else None
    try:
        value: Any = json.loads(text)
    except json.JSONDecodeError:
        value = text
    if field in LIST_FIELDS and isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    elif field in LIST_FIELDS and isinstance(value, dict):
        value = [value]  # one radiotherapy course given as an object
    if field == "spinal_levels" and isinstance(value, list):
        value = [_normalise_level(v) if isinstance(v, str) else v for v in value]
    return validate_value(field, value)


def validate_value(field: str, value: Any) -> Any:
    """``value`` checked and coerced by the record model; returns its JSON form."""
    if field not in STORED_FIELDS:
        raise RegistryError(f"unknown field {field!r}; fields: {', '.join(STORED_FIELDS)}")
    try:
        if field.startswith(CLINICAL_PREFIX):
            name = field[len(CLINICAL_PREFIX) :]
            clinical = ClinicalDetails.model_validate({name: value})
            out = clinical.model_dump(mode="json")[name]
        else:
            record = CaseRecord.model_validate({"document": "-", "case": 1, field: value})
            out = record.model_dump(mode="json")[field]
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise RegistryError(f"invalid value for {field}: {problems}") from exc
    if isinstance(out, str):
        out = out.strip()
    if is_stated(out):
        _check_codes(field, out)
    return out
