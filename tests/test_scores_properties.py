"""Hypothesis properties of every score, driven by the score tables themselves.

* a complete total lies inside its ``possible_range`` (and the range collapses onto it);
* filling in missing inputs never moves the total outside the range reported, nor changes a category
  (or any extra key) the partial result had already decided;
* an invalid value for any key, or an unknown key, raises :class:`ScoreInputError` naming that key.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinecase.scores import SCORES, ScoreInputError, compute, input_specs
from spinecase.scores._spec import InputSpec, normalise, vocabulary

ADDITIVE = ["sins", "tokuhashi_revised", "tomita", "bauer", "nesms"]
CLASSIFYING = ["escc", "noms", "gist_afip", "gist_nih_modified"]


def primary_specs(name: str) -> list[InputSpec]:
    """The inputs that make a score complete (no alternatives; NESMS without the Bauer stand-ins)."""
    specs = [s for s in input_specs(name) if not s.alternative_to]
    if name == "nesms":
        specs = [s for s in specs if s.key in ("modified_bauer", "ambulatory_independent", "albumin_g_dl")]
    return specs


def valid_value(spec: InputSpec) -> st.SearchStrategy[Any]:
    if spec.kind == "bool":
        return st.booleans()
    if spec.kind == "enum":
        return st.sampled_from(list(spec.values))
    if spec.kind == "code":
        assert spec.vocabulary is not None
        # "unknown" is a valid site code, but it means the site is missing: not a complete input.
        return st.sampled_from(sorted(vocabulary(spec.vocabulary) - {"unknown"}))
    if spec.kind == "int":
        lo = int(spec.minimum if spec.minimum is not None else 0)
        hi = int(spec.maximum if spec.maximum is not None else lo + 20)
        step = spec.step or 1
        return st.integers(0, (hi - lo) // step).map(lambda k: lo + k * step)
    lo_f = spec.minimum if spec.minimum is not None else (spec.min_exclusive or 0.0) + 0.01
    hi_f = spec.maximum if spec.maximum is not None else (spec.max_exclusive or 30.0) - 0.01
    # Include the cut-offs themselves: they are where a mistake would show.
    return st.one_of(
        st.floats(lo_f, hi_f), st.sampled_from([2.0, 5.0, 10.0, 3.5, 6.0]).filter(lambda x: lo_f <= x <= hi_f)
    )


def invalid_value(spec: InputSpec) -> st.SearchStrategy[Any]:
    wrong_type = st.sampled_from([[1], {"a": 1}, ""])
    if spec.kind == "bool":
        return st.one_of(wrong_type, st.sampled_from(["yes", "no", "true", 0, 1, 2.5]))
    if spec.kind in ("enum", "code"):
        allowed = {normalise(str(v)) for v in spec.values} | set(spec.aliases)
        if spec.kind == "code":
            assert spec.vocabulary is not None
            allowed |= vocabulary(spec.vocabulary)
        if spec.open_value:  # any organ name is accepted: only non-text is invalid
            return st.one_of(wrong_type, st.sampled_from([True, 3, 2.5, "   "]))
        text = st.text(min_size=1, max_size=12).filter(lambda s: normalise(s) not in allowed)
        return st.one_of(wrong_type, text, st.sampled_from([True, 1.5]))
    bad: list[Any] = [True, False, "7", math.nan, math.inf]
    if spec.minimum is not None:
        bad.append(spec.minimum - 1)
    if spec.min_exclusive is not None:
        bad.append(spec.min_exclusive)
    if spec.maximum is not None:
        bad.append(spec.maximum + 1)
    if spec.max_exclusive is not None:
        bad.append(spec.max_exclusive)
    if spec.kind == "int":
        bad.append(0.5 + (spec.minimum or 0))
    if spec.step:
        bad.append((spec.minimum or 0) + spec.step // 2)
    return st.one_of(wrong_type, st.sampled_from(bad))


@st.composite
def complete_inputs(draw: st.DrawFn, name: str) -> dict[str, Any]:
    return {s.key: draw(valid_value(s)) for s in primary_specs(name)}


@st.composite
def complete_and_partial(draw: st.DrawFn, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    full = draw(complete_inputs(name))
    kept = draw(st.sets(st.sampled_from(sorted(full))))
    partial = {k: (full[k] if k in kept else None) for k in full}
    return full, partial


EXTRA_KEYS = {
    "sins": ["surgical_consultation_warranted"],
    "tokuhashi_revised": ["predicted_survival"],
    "tomita": ["surgical_strategy"],
    "bauer": ["modified_category"],
    "noms": ["radiosensitivity", "recommendation", "stabilization"],
    "gist_afip": ["prognostic_group", "risk_of_progression_pct"],
}


@pytest.mark.parametrize("name", ADDITIVE)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_complete_total_lies_in_its_range(name: str, data: st.DataObject) -> None:
    r = compute(name, data.draw(complete_inputs(name)))
    assert r.missing == []
    assert r.total is not None
    assert r.possible_range is not None
    lo, hi = r.possible_range
    assert lo <= r.total <= hi
    assert lo == hi  # nothing is missing, so nothing is left open
    assert r.category is not None


@pytest.mark.parametrize("name", ADDITIVE)
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_filling_missing_inputs_stays_in_the_reported_range(name: str, data: st.DataObject) -> None:
    full, partial = data.draw(complete_and_partial(name))
    whole, part = compute(name, full), compute(name, partial)
    assert part.possible_range is not None and whole.total is not None
    lo, hi = part.possible_range
    assert lo <= whole.total <= hi
    if part.category is not None:
        assert part.category == whole.category
    for key in EXTRA_KEYS.get(name, []):
        if getattr(part, key) is not None:
            assert getattr(part, key) == getattr(whole, key)
    if name == "bauer":
        assert part.modified_possible_range is not None and whole.modified_total is not None
        assert part.modified_possible_range[0] <= whole.modified_total <= part.modified_possible_range[1]


@pytest.mark.parametrize("name", CLASSIFYING)
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_classifications_never_change_once_decided(name: str, data: st.DataObject) -> None:
    full, partial = data.draw(complete_and_partial(name))
    whole, part = compute(name, full), compute(name, partial)
    assert whole.missing == [] or whole.missing == ["radiosensitivity"]
    if part.category is not None:
        assert part.category == whole.category
    for key in EXTRA_KEYS.get(name, []):
        if getattr(part, key) is not None:
            assert getattr(part, key) == getattr(whole, key)
    # Every key listed as missing was indeed left out.
    assert set(part.missing) - {"radiosensitivity"} <= {k for k, v in partial.items() if v is None}


@pytest.mark.parametrize("name", list(SCORES))
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_invalid_values_raise_naming_the_key(name: str, data: st.DataObject) -> None:
    specs = input_specs(name)
    spec = data.draw(st.sampled_from(specs))
    inputs = data.draw(complete_inputs(name))
    bad = data.draw(invalid_value(spec))
    inputs[spec.key] = bad
    with pytest.raises(ScoreInputError) as e:
        compute(name, inputs)
    assert e.value.key == spec.key
    assert repr(spec.key) in str(e.value)
    assert "\n" not in str(e.value)


@pytest.mark.parametrize("name", list(SCORES))
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_unknown_keys_raise_naming_the_key(name: str, data: st.DataObject) -> None:
    known = {s.key for s in input_specs(name)}
    key = data.draw(st.text(min_size=1, max_size=15).filter(lambda k: k not in known))
    with pytest.raises(ScoreInputError) as e:
        compute(name, {key: 1})
    assert e.value.key == key
