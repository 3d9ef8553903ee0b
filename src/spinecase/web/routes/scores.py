"""Clinical score calculators as forms, prefilled from a case, showing what is missing and the range.

Each score's form is built from its input specification (:func:`spinecase.scores.input_specs`):
choices with their points, numbers with their limits, and the help text of the score's own tables.
A value left empty is *missing*, never zero: the result then shows the range of totals still
possible and the category once that range decides it (see :mod:`spinecase.scores`). Opened from a
case (``?case=ID``), the form starts from :func:`spinecase.scores.score_inputs` of its record,
including the alternatives a record supports (e.g. visceral metastases present, treatable or not).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from ...registry import get_case
from ...scores import (
    SCORES,
    ScoreInputError,
    ScoreInputs,
    compute,
    from_case,
    help_text,
    input_specs,
    score_inputs,
    score_spec,
)
from ...scores.result import ScoreResult
from ..app import page
from ..schemas import ScoreIn
from ..security import Principal, require
from .cases import vocabulary

router = APIRouter()
Viewer = Annotated[Principal, Depends(require("viewer"))]


@dataclass(slots=True)
class InputField:
    """One input of a calculator form."""

    key: str
    kind: str
    help: str
    options: list[tuple[str, str]]
    hint: str
    minimum: float | None
    maximum: float | None
    step: str
    alternative_to: str | None
    value: str = ""
    candidates: list[Any] = field(default_factory=list)
    error: str | None = None
    datalist: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.key.replace("_", " ").replace("gt50", "> 50%").capitalize()


def _word(v: Any) -> str:
    return ("yes" if v else "no") if isinstance(v, bool) else str(v).replace("_", " ")


def form_fields(name: str) -> list[InputField]:
    out = []
    for spec in input_specs(name):
        options: list[tuple[str, str]] = []
        if spec.kind in ("enum", "bool"):
            for v in spec.values:
                raw = ("true" if v else "false") if isinstance(v, bool) else str(v)
                pts = spec.points.get(v) if spec.points else None
                options.append(
                    (raw, _word(v) + (f" ({pts} pt{'s' if pts != 1 else ''})" if pts is not None else ""))
                )
        hint = (
            spec.points_text() if spec.bins else (spec.range_text() if spec.kind in ("int", "number") else "")
        )
        lo = spec.minimum if spec.minimum is not None else spec.min_exclusive
        step = str(spec.step) if spec.step else ("1" if spec.kind == "int" else "any")
        out.append(
            InputField(
                key=spec.key,
                kind=spec.kind,
                help=spec.help,
                options=options,
                hint=hint,
                minimum=lo,
                maximum=spec.maximum if spec.maximum is not None else spec.max_exclusive,
                step=step,
                alternative_to=spec.alternative_to,
                datalist=vocabulary().get(spec.vocabulary or "", []) if spec.kind == "code" else [],
            )
        )
    return out


def parse_input(f: InputField, raw: str) -> Any:
    """A form value as the score's JSON input (``None``: missing); ValueError when unreadable."""
    raw = raw.strip()
    if not raw:
        return None
    if f.kind == "bool":
        if raw not in ("true", "false"):
            raise ValueError("choose yes or no")
        return raw == "true"
    if f.kind == "int":
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"{raw!r} is not a whole number") from None
    if f.kind == "number":
        try:
            return float(raw.replace(",", "."))
        except ValueError:
            raise ValueError(f"{raw!r} is not a number") from None
    return raw


def run(
    name: str, inputs: dict[str, Any], candidates: dict[str, list[Any]]
) -> tuple[ScoreResult, dict[str, str]]:
    """Compute, dropping (and reporting) inputs the score refuses, so the rest still counts."""
    errors: dict[str, str] = {}
    inputs = dict(inputs)
    for _ in range(len(inputs) + 1):
        try:
            return compute(
                name, inputs, candidates={k: v for k, v in candidates.items() if k not in inputs}
            ), errors
        except ScoreInputError as exc:
            if exc.key not in inputs:
                candidates.pop(exc.key, None)
            errors[exc.key] = exc.problem
            inputs.pop(exc.key, None)
    raise AssertionError("unreachable: every input was dropped")  # pragma: no cover


def _derived(request: Request, case_id: int, name: str) -> tuple[list[ScoreInputs], Any]:
    with request.app.state.web.registry.session() as s:
        case = get_case(s, case_id)
    return [d for d in score_inputs(case.record) if d.score == name], case


def _known(name: str) -> None:
    if name not in SCORES:
        raise HTTPException(404, f"no score {name!r}; scores: {', '.join(SCORES)}")


@router.get("/scores", include_in_schema=False)
def scores_index(request: Request, user: Viewer, case: Annotated[int | None, Query(ge=1)] = None) -> Response:
    cards = [(n, score_spec(n).title, score_spec(n).summary) for n in SCORES]
    results = None
    record_case = None
    if case is not None:
        with request.app.state.web.registry.session() as s:
            record_case = get_case(s, case)
        results = from_case(record_case.record)
    return page(request, "scores.html", {"cards": cards, "case": record_case, "results": results})


@router.get("/scores/{name}", include_in_schema=False)
def calculator(
    request: Request,
    name: str,
    user: Viewer,
    case: Annotated[int | None, Query(ge=1)] = None,
    lesion: Annotated[int, Query(ge=0, le=100)] = 0,
) -> Response:
    _known(name)
    fields = form_fields(name)
    submitted = request.query_params.get("submitted") == "1"
    derived: ScoreInputs | None = None
    lesions: list[ScoreInputs] = []
    record_case = None
    if case is not None:
        lesions, record_case = _derived(request, case, name)
        derived = lesions[min(lesion, len(lesions) - 1)] if lesions else None
    inputs: dict[str, Any] = {}
    candidates: dict[str, list[Any]] = dict(derived.candidates) if derived else {}
    for f in fields:
        f.candidates = list(candidates.get(f.key, []))
        if submitted:
            f.value = request.query_params.get(f.key, "")[:200]
            try:
                value = parse_input(f, f.value)
            except ValueError as exc:
                f.error = str(exc)
                value = None
        else:
            value = derived.inputs.get(f.key) if derived else None
            f.value = (
                ("true" if value else "false")
                if isinstance(value, bool)
                else ("" if value is None else str(value))
            )
        if value is not None:
            inputs[f.key] = value
    result, errors = run(name, inputs, candidates)
    for f in fields:
        f.error = f.error or errors.get(f.key)
    context = {
        "name": name,
        "spec": score_spec(name),
        "fields": fields,
        "result": result,
        "extra": {k: result.to_json_dict()[k] for k in result.extra_keys()},
        "case": record_case,
        "lesions": lesions,
        "lesion": lesion,
        "notes": derived.notes if derived and not submitted else [],
        "scores": list(SCORES),
        "help": help_text(name),
    }
    return page(request, "calculator.html", context, 422 if any(f.error for f in fields) else 200)


@router.get("/api/scores", tags=["scores"], summary="The scores and their inputs")
def scores_api(user: Viewer) -> list[dict[str, Any]]:
    """Every score with its title, summary and inputs (kind, allowed values and points, help)."""
    out = []
    for n in SCORES:
        spec = score_spec(n)
        inputs = [
            {
                "key": s.key,
                "kind": s.kind,
                "allowed": s.allowed_text(),
                "points": s.points_text() if s.scored else None,
                "help": s.help,
                "alternative_to": s.alternative_to,
            }
            for s in input_specs(n)
        ]
        out.append({"name": n, "title": spec.title, "summary": spec.summary, "inputs": inputs})
    return out


@router.post("/api/scores/{name}", tags=["scores"], summary="Compute a score")
def compute_api(name: str, body: ScoreIn, user: Viewer) -> dict[str, Any]:
    """The score of ``inputs`` (missing inputs give ``possible_range``); 422 names a refused input."""
    _known(name)
    try:
        return compute(name, body.inputs, candidates=body.candidates).to_json_dict()
    except ScoreInputError as exc:
        raise HTTPException(422, str(exc)) from None


@router.get("/api/cases/{case_id}/scores", tags=["scores"], summary="Scores of a case")
def case_scores_api(request: Request, case_id: int, user: Viewer) -> list[dict[str, Any]]:
    """Every applicable score of the case, from what its record supports, with what is missing."""
    with request.app.state.web.registry.session() as s:
        case = get_case(s, case_id)
    return [r.to_json_dict() for r in from_case(case.record)]
