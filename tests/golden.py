"""Compare extracted records with expected records written in the gold syntax.

Expected values follow the conventions of the project's gold files: a plain value; ``{"any": [...]}``
(any of these, ``null`` meaning "nothing stated is fine"); ``{"range": [lo, hi]}``; sets as lists or
``{"required": [...], "optional": [...]}``; radiotherapy courses with ``modality "radiotherapy"``
accepting any modality. Site codes also satisfy their parent (``sigmoid_colon`` → ``colon``).
"""

from __future__ import annotations

from typing import Any

from spinecase.extract.terms import site_parents

SCALARS = (
    "age",
    "sex",
    "histology",
    "primary_site",
    "presentation",
    "interval_months",
    "neurological_deficit",
    "follow_up_months",
    "local_recurrence",
    "vital_status",
)
SETS = ("spinal_levels", "other_metastasis_sites", "spinal_surgery", "systemic_agents")
TOLERANCE = {"age": 0.0, "interval_months": 1.0, "follow_up_months": 0.5}


def _same(field: str, got: Any, want: Any) -> bool:
    if got is None or want is None:
        return got is None and want is None
    if field in TOLERANCE and isinstance(got, (int, float)) and not isinstance(got, bool):
        return isinstance(want, (int, float)) and abs(got - want) <= TOLERANCE[field]
    if field in ("primary_site", "other_metastasis_sites"):
        parents = site_parents()
        return got == want or parents.get(got) == want or parents.get(want) == got
    return bool(got == want and type(got) is type(want))


def _accepts(field: str, got: Any, option: Any) -> bool:
    if isinstance(option, dict) and "range" in option:
        lo, hi = option["range"]
        return isinstance(got, (int, float)) and not isinstance(got, bool) and lo <= got <= hi
    return _same(field, got, option)


def scalar_ok(field: str, got: Any, want: Any) -> bool:
    options = want["any"] if isinstance(want, dict) and "any" in want else [want]
    if got is None:
        return None in options
    return any(option is not None and _accepts(field, got, option) for option in options)


def set_problems(field: str, got: list[Any], want: Any) -> list[str]:
    required, optional = (
        (want.get("required", []), want.get("optional", [])) if isinstance(want, dict) else (want or [], [])
    )
    extra = [g for g in got if not any(_same(field, g, w) for w in required + optional)]
    missing = [r for r in required if not any(_same(field, g, r) for g in got)]
    return [f"unexpected {x!r}" for x in extra] + [f"missing {x!r}" for x in missing]


def _course_ok(got: dict[str, Any], want: dict[str, Any]) -> bool:
    if want.get("modality") != "radiotherapy" and got.get("modality") != want.get("modality"):
        return False
    for key, tol in (("total_dose_gy", 0.5), ("fractions", 0)):
        w, g = want.get(key), got.get(key)
        if (w is None) != (g is None) or (w is not None and abs(g - w) > tol):
            return False
    return True


def radiotherapy_problems(got: list[dict[str, Any]], want: Any) -> list[str]:
    required, optional = (
        (want.get("required", []), want.get("optional", [])) if isinstance(want, dict) else (want or [], [])
    )
    used: set[int] = set()
    problems: list[str] = []
    for group, needed in ((required, True), (optional, False)):
        for w in group:
            hit = next((i for i, g in enumerate(got) if i not in used and _course_ok(g, w)), None)
            if hit is None:
                if needed:
                    problems.append(f"missing course {w}")
            else:
                used.add(hit)
    problems += [f"unexpected course {g}" for i, g in enumerate(got) if i not in used]
    return problems


def problems(got: dict[str, Any], want: dict[str, Any]) -> dict[str, list[str]]:
    """Field -> what is wrong, for every field of ``want`` that ``got`` does not satisfy."""
    out: dict[str, list[str]] = {}
    for f in SCALARS:
        if f in want and not scalar_ok(f, got.get(f), want[f]):
            out[f] = [f"got {got.get(f)!r}, want {want[f]!r}"]
    for f in SETS:
        if f in want and (p := set_problems(f, got.get(f) or [], want[f])):
            out[f] = p
    if "radiotherapy" in want and (
        p := radiotherapy_problems(got.get("radiotherapy") or [], want["radiotherapy"])
    ):
        out["radiotherapy"] = p
    return out


def counts(got: dict[str, Any], want: dict[str, Any]) -> dict[str, tuple[int, int, int, int]]:
    """Field -> (made, correct, required, found), the counting of precision and recall over fields.

    A scalar counts as made when a value is given and as required when the expected value does not
    allow "nothing stated"; a set counts each item; a radiotherapy list counts each course.
    """
    out: dict[str, tuple[int, int, int, int]] = {}
    for f in SCALARS:
        if f not in want:
            continue
        w = want[f]
        options = w["any"] if isinstance(w, dict) and "any" in w else [w]
        g = got.get(f)
        made = int(g is not None)
        ok = int(made and scalar_ok(f, g, w))
        required = int(None not in options)
        out[f] = (made, ok, required, int(required and ok))
    for f in SETS:
        if f not in want:
            continue
        w = want[f]
        req, opt = (w.get("required", []), w.get("optional", [])) if isinstance(w, dict) else (w or [], [])
        g = list(dict.fromkeys(got.get(f) or []))
        correct = sum(any(_same(f, x, a) for a in req + opt) for x in g)
        found = sum(any(_same(f, x, r) for x in g) for r in req)
        out[f] = (len(g), correct, len(req), found)
    if "radiotherapy" in want:
        w = want["radiotherapy"]
        req, opt = (w.get("required", []), w.get("optional", [])) if isinstance(w, dict) else (w or [], [])
        g = got.get("radiotherapy") or []
        used: set[int] = set()
        found = 0
        for group, needed in ((req, True), (opt, False)):
            for c in group:
                hit = next((i for i, x in enumerate(g) if i not in used and _course_ok(x, c)), None)
                if hit is not None:
                    used.add(hit)
                    found += needed
        out["radiotherapy"] = (len(g), len(used), len(req), found)
    return out


def f1(made: int, correct: int, required: int, found: int) -> float:
    p = correct / made if made else (1.0 if not required else 0.0)
    r = found / required if required else 1.0
    return 2 * p * r / (p + r) if p + r else 0.0
