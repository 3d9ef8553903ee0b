"""The Bilsky epidural spinal cord compression (ESCC) scale and the NOMS decision framework.

ESCC grades compression on axial T2 MRI at the worst level: 0, 1a, 1b (low grade), 1c (controversial,
kept apart) and 2, 3 (high grade). NOMS combines the Neurologic (ESCC grade, myelopathy), Oncologic
(radiation response of the histology), Mechanical (instability) and Systemic (fitness for surgery)
assessments into a recommendation: conventional radiotherapy for radiosensitive tumours whatever the
compression; stereotactic radiosurgery for radioresistant tumours with low-grade compression; separation
surgery then radiosurgery for radioresistant tumours with high-grade compression or myelopathy if the
patient can have surgery (no surgery otherwise); stabilisation for instability, independently.

Example::

    >>> escc(grade="1c").category
    'controversial'
    >>> r = noms(histology="renal_cell_carcinoma", escc="2", myelopathy=False,
    ...          mechanically_unstable=False, fit_for_surgery=True)
    >>> r.radiosensitivity, r.recommendation, r.stabilization
    ('radioresistant', 'separation_surgery_then_srs', False)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._spec import merge_inputs, score_spec, site_parent, vocabulary
from .classify import decided, domain, enumerate_outcomes, mattering
from .result import Ambiguity, ScoreResult

RADIOSENSITIVITY = ("radiosensitive", "moderately_radiosensitive", "radioresistant", "unknown")


class EsccResult(ScoreResult):
    """ESCC result: ``category`` is low_grade, controversial (1c) or high_grade."""


class NomsResult(ScoreResult):
    """NOMS result: ``category`` repeats the ``recommendation``."""

    radiosensitivity: str | None = None
    recommendation: str | None = None
    stabilization: bool | None = None


def escc(
    inputs: Mapping[str, Any] | None = None,
    /,
    *,
    candidates: Mapping[str, Sequence[Any]] | None = None,
    **values: Any,
) -> EsccResult:
    """Epidural spinal cord compression scale (Bilsky et al., J Neurosurg Spine 2010).

    The grade stays a string: 1a, 1b and 1c are different states. Grades 0-1b are low grade, 2-3 high
    grade, and 1c (cord abutted, not compressed) is managed case by case, so it has its own category.

    >>> escc(grade=3).category
    'high_grade'
    """
    spec = score_spec("escc")
    given, notes = spec.validate(merge_inputs(inputs, values))
    cands = spec.validate_candidates(candidates)
    table = spec.raw["grade_category"]
    grades = domain("grade", given, cands, spec.inputs["grade"].values)
    categories = {table[g] for g in grades}
    category = categories.pop() if len(categories) == 1 else None
    missing = [] if category is not None or "grade" in given else ["grade"]
    ambiguous = (
        {"grade": Ambiguity(candidates=grades, points=[])}
        if "grade" in cands and "grade" not in given
        else {}
    )
    if category == "controversial":
        notes.append("ESCC 1c: cord abutment without compression; management is decided case by case.")
    return EsccResult(
        score="escc",
        missing=missing,
        category=category,
        ambiguous=ambiguous,
        inputs=given,
        notes=notes,
        references=list(spec.references),
    )


def radiosensitivity_of(histology: str, site: str | None) -> str:
    """Expected response of a histology (at a primary site) to conventional radiotherapy in NOMS.

    >>> radiosensitivity_of("adenocarcinoma", "breast"), radiosensitivity_of("adenocarcinoma", "lung")
    ('moderately_radiosensitive', 'radioresistant')
    >>> radiosensitivity_of("chordoma", None)
    'unknown'
    """
    sites = {site, site_parent(site)} if site else set()
    for rule in score_spec("noms").raw["radiosensitivity_rules"]:
        if histology in rule["histology"] and ("site" not in rule or sites & set(rule["site"])):
            return str(rule["class"])
    return "unknown"


def _inferred(histology: str) -> bool:
    rules = score_spec("noms").raw["radiosensitivity_rules"]
    return any(r.get("inferred") and histology in r["histology"] for r in rules)


def _decide(values: Mapping[str, Any]) -> tuple[str, str | None, bool]:
    """(radiosensitivity, recommendation, stabilization) of one complete set of assessments."""
    raw = score_spec("noms").raw
    rs = values["radiosensitivity"]
    recommendation: str | None
    if rs in ("radiosensitive", "moderately_radiosensitive"):
        recommendation = "cebrt"
    elif rs == "radioresistant":
        if values["escc"] in raw["high_grade"] or values["myelopathy"]:
            recommendation = "separation_surgery_then_srs" if values["fit_for_surgery"] else "no_surgery"
        else:
            recommendation = "srs"
    else:
        recommendation = None
    return rs, recommendation, bool(values["mechanically_unstable"])


def noms(
    inputs: Mapping[str, Any] | None = None,
    /,
    *,
    candidates: Mapping[str, Sequence[Any]] | None = None,
    **values: Any,
) -> NomsResult:
    """NOMS framework (Bilsky & Smith 2006; Laufer et al., Oncologist 2013).

    O: the histology (and, where it decides, the primary site) gives the radiation response; moderately
    radiosensitive tumours (breast, prostate, ovarian, neuroendocrine carcinoma) are treated as
    sensitive, and GIST is placed with the radioresistant sarcomas by inference. N: ESCC 2-3 or
    myelopathy is high grade; ESCC 1c without myelopathy is taken as low grade (SRS) and flagged.
    S: not fit for surgery turns separation surgery into ``no_surgery``. M: ``stabilization`` follows
    ``mechanically_unstable``. ``radiosensitivity`` may be given to override the histology lookup.

    >>> noms(histology="plasma_cell_myeloma", escc="3", myelopathy=True).recommendation
    'cebrt'
    """
    spec = score_spec("noms")
    given, notes = spec.validate(merge_inputs(inputs, values))
    cands = spec.validate_candidates(candidates)
    missing: list[str] = []

    if "radiosensitivity" in given or "radiosensitivity" in cands:
        rs_domain = domain("radiosensitivity", given, cands, ())
    else:
        histologies = domain("histology", given, cands, sorted(vocabulary("histology")))
        sites = domain("primary_site", given, cands, sorted(vocabulary("site")))
        rs_domain = sorted({radiosensitivity_of(h, s) for h in histologies for s in sites})
        if len(rs_domain) > 1:
            if "histology" not in given:
                missing.append("histology")
            if "primary_site" not in given and any(
                len({radiosensitivity_of(h, s) for s in sites}) > 1 for h in histologies
            ):
                missing.append("primary_site")
        elif rs_domain == ["unknown"]:
            missing.append("radiosensitivity")
            notes.append(
                f"radiosensitivity of {given.get('histology', 'this histology')} is not in the NOMS lists; "
                "give radiosensitivity to decide."
            )
        histology = given.get("histology")
        if histology and _inferred(histology):
            notes.append(
                f"{histology}: not named in the NOMS lists; placed with the radioresistant sarcomas (inference)."
            )

    bools = [True, False]
    grades = spec.inputs["escc"].values
    domains = {
        "radiosensitivity": rs_domain,
        "escc": domain("escc", given, cands, grades),
        "myelopathy": domain("myelopathy", given, cands, bools),
        "fit_for_surgery": domain("fit_for_surgery", given, cands, bools),
        "mechanically_unstable": domain("mechanically_unstable", given, cands, bools),
    }
    outcomes = enumerate_outcomes(domains, _decide)
    # An unknown radiation response will be supplied by the user: the other assessments matter if
    # they would change the decision for any known response.
    known = list(RADIOSENSITIVITY[:3]) if "unknown" in rs_domain else rs_domain
    absent = [k for k in ("escc", "myelopathy", "fit_for_surgery", "mechanically_unstable") if k not in given]
    missing += mattering(enumerate_outcomes({**domains, "radiosensitivity": known}, _decide), absent)
    rs, recommendation, stabilization = (decided(outcomes, i) for i in range(3))
    ambiguous = {k: Ambiguity(candidates=list(v), points=[]) for k, v in cands.items() if k not in given}

    if rs == "moderately_radiosensitive":
        notes.append("moderately radiosensitive histologies are treated as radiosensitive in NOMS.")
    if recommendation == "srs" and domains["escc"] == ["1c"]:
        notes.append(
            "ESCC 1c is controversial: SRS for a radioresistant tumour without myelopathy; decide case by case."
        )
    if recommendation == "no_surgery":
        notes.append(
            "not fit for surgery: radiation and/or best supportive care instead of separation surgery."
        )
    if stabilization and given.get("fit_for_surgery") is False:
        notes.append(
            "instability without fitness for open surgery: consider percutaneous cement augmentation or screws."
        )
    return NomsResult(
        score="noms",
        missing=missing,
        category=recommendation,
        radiosensitivity=rs,
        recommendation=recommendation,
        stabilization=stabilization,
        ambiguous=ambiguous,
        inputs=given,
        notes=notes,
        references=list(spec.references),
    )
