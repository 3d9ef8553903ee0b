"""Score definitions as data: the input specification of every score, loaded from ``data/*.yaml``.

Each score's YAML file names its inputs (kind, allowed values, points) and bands. This module turns
an input specification into a validator, a points lookup and a help line, so that the score
functions, the CLI help and the tests all read the same table.

Example::

    >>> spec = score_spec("tomita")
    >>> spec.inputs["bone_mets"].points_for("multiple")
    2
    >>> spec.validate({"bone_mets": "Multiple"})[0]
    {'bone_mets': 'multiple'}
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal, cast

import yaml

Kind = Literal["enum", "int", "number", "bool", "code"]

#: Everyday spellings accepted for vocabulary codes (the canonical code is what results echo).
CODE_ALIASES = {"gastric": "stomach", "small_bowel": "small_intestine", "oesophagus": "esophagus"}


class ScoreInputError(ValueError):
    """An input no score can be computed from; :attr:`key` names the offending input.

    Raised for an unknown key, a value outside the allowed set, a wrong type or a number out of range
    (for example ``vertebral_body_mets: 0``). The message is one line and starts with the score and key.

    >>> str(ScoreInputError("tomita", "bone_mets", "must be one of: solitary, multiple (got 'few')"))
    "tomita: invalid input 'bone_mets': must be one of: solitary, multiple (got 'few')"
    """

    def __init__(self, score: str, key: str, problem: str) -> None:
        self.score = score
        self.key = key
        self.problem = problem
        super().__init__(f"{score}: invalid input {key!r}: {problem}")


@cache
def load_table(name: str) -> dict[str, Any]:
    """The parsed ``data/NAME.yaml`` shipped in the package (cached; do not mutate)."""
    text = resources.files("spinecase.scores").joinpath("data", f"{name}.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise RuntimeError(f"scores/data/{name}.yaml is not a mapping")
    return data


@cache
def vocabulary(name: str) -> frozenset[str]:
    """The histology or site codes of the case-record vocabulary (``name``: histology or site)."""
    codes = load_table("codes")[name]
    return frozenset(codes)


def site_parent(site: str) -> str | None:
    """The parent code of a site (``duodenum`` → ``small_intestine``), or None."""
    parent = load_table("codes")["site"].get(site)
    return cast(str | None, parent)


def normalise(text: str) -> str:
    """Lower case with spaces and hyphens as underscores: ``"De novo-deformity"`` → ``de_novo_deformity``."""
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


@dataclass(frozen=True)
class Bin:
    """Points for a numeric input: values ``<= max`` (or ``< below``); no bound means "and above"."""

    points: int
    max: float | None = None
    below: float | None = None

    def holds(self, value: float) -> bool:
        if self.below is not None:
            return value < self.below
        return self.max is None or value <= self.max


@dataclass(frozen=True)
class InputSpec:
    """One input of a score: its kind, allowed values, points and help text."""

    key: str
    kind: Kind
    help: str = ""
    values: tuple[Any, ...] = ()
    points: Mapping[Any, int] = field(default_factory=dict)
    bins: tuple[Bin, ...] = ()
    aliases: Mapping[str, str] = field(default_factory=dict)
    open_value: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    min_exclusive: float | None = None
    max_exclusive: float | None = None
    step: int | None = None
    alternative_to: str | None = None
    vocabulary: str | None = None

    @classmethod
    def from_yaml(cls, key: str, raw: Mapping[str, Any]) -> InputSpec:
        points = raw.get("points")
        bins: tuple[Bin, ...] = ()
        mapping: dict[Any, int] = {}
        if isinstance(points, list):
            bins = tuple(Bin(points=b["points"], max=b.get("max"), below=b.get("below")) for b in points)
        elif isinstance(points, dict):
            mapping = {str(k) if raw["kind"] == "enum" else k: v for k, v in points.items()}
        values: tuple[Any, ...] = ()
        if raw["kind"] == "enum":
            values = tuple(str(v) for v in raw.get("values", mapping.keys()))
        elif raw["kind"] == "bool":
            values = (True, False)
        return cls(
            key=key,
            kind=raw["kind"],
            help=raw.get("help", ""),
            values=values,
            points=mapping,
            bins=bins,
            aliases={normalise(a): v for a, v in raw.get("aliases", {}).items()},
            open_value=raw.get("open"),
            minimum=raw.get("min"),
            maximum=raw.get("max"),
            min_exclusive=raw.get("min_exclusive"),
            max_exclusive=raw.get("max_exclusive"),
            step=raw.get("step"),
            alternative_to=raw.get("alternative_to"),
            vocabulary=raw.get("vocabulary"),
        )

    # -- validation -------------------------------------------------------------------------------

    def validate(self, score: str, raw: Any) -> Any:
        """The canonical value of ``raw``, or :class:`ScoreInputError` naming this key."""
        if self.kind == "bool":
            if not isinstance(raw, bool):
                raise ScoreInputError(score, self.key, f"must be true or false (got {raw!r})")
            return raw
        if self.kind in ("int", "number"):
            return self._number(score, raw)
        return self._text(score, raw)

    def _number(self, score: str, raw: Any) -> int | float:
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise ScoreInputError(score, self.key, f"must be a number (got {raw!r})")
        if not math.isfinite(raw):
            raise ScoreInputError(score, self.key, f"must be a finite number (got {raw!r})")
        value: int | float = raw
        if self.kind == "int":
            if isinstance(raw, float) and not raw.is_integer():
                raise ScoreInputError(score, self.key, f"must be a whole number (got {raw!r})")
            value = int(raw)
        if self.minimum is not None and value < self.minimum:
            raise ScoreInputError(score, self.key, f"must be {self.range_text()} (got {raw!r})")
        if self.maximum is not None and value > self.maximum:
            raise ScoreInputError(score, self.key, f"must be {self.range_text()} (got {raw!r})")
        if self.min_exclusive is not None and value <= self.min_exclusive:
            raise ScoreInputError(score, self.key, f"must be {self.range_text()} (got {raw!r})")
        if self.max_exclusive is not None and value >= self.max_exclusive:
            raise ScoreInputError(score, self.key, f"must be {self.range_text()} (got {raw!r})")
        if self.step is not None and int(value) % self.step:
            raise ScoreInputError(score, self.key, f"must be {self.range_text()} (got {raw!r})")
        return value

    def _text(self, score: str, raw: Any) -> str:
        # JSON numbers are accepted for numeric grades such as ESCC 2, and only there.
        if isinstance(raw, int | float) and not isinstance(raw, bool) and float(raw).is_integer():
            if str(int(raw)) in self.values:
                return str(int(raw))
            raise ScoreInputError(score, self.key, f"must be one of: {self.allowed_text()} (got {raw!r})")
        if not isinstance(raw, str) or not raw.strip():
            raise ScoreInputError(score, self.key, f"must be one of: {self.allowed_text()} (got {raw!r})")
        norm = normalise(raw)
        if self.kind == "code":
            assert self.vocabulary is not None
            norm = CODE_ALIASES.get(norm, norm)
            if norm in vocabulary(self.vocabulary):
                return norm
            raise ScoreInputError(
                score,
                self.key,
                f"must be a {self.vocabulary} code of the case-record vocabulary (got {raw!r})",
            )
        for value in self.values:
            if normalise(value) == norm:
                return str(value)
        if norm in self.aliases:
            return self.aliases[norm]
        if self.open_value is not None:
            return self.open_value
        raise ScoreInputError(score, self.key, f"must be one of: {self.allowed_text()} (got {raw!r})")

    # -- points -----------------------------------------------------------------------------------

    @property
    def scored(self) -> bool:
        """Whether this input is an item with points (not an alternative or context input)."""
        return bool(self.points or self.bins)

    def points_for(self, value: Any) -> int:
        """Points for a canonical value of this input."""
        if self.bins:
            for b in self.bins:
                if b.holds(value):
                    return b.points
            raise AssertionError(f"no bin for {self.key}={value!r}")
        return self.points[value]

    def possible_points(self) -> set[int]:
        """Every number of points this item can award."""
        if self.bins:
            return {b.points for b in self.bins}
        return set(self.points.values())

    # -- help -------------------------------------------------------------------------------------

    def range_text(self) -> str:
        """The numeric range in words: ``an integer 0-100 in steps of 10``, ``a number > 0``."""
        word = "an integer" if self.kind == "int" else "a number"
        if self.minimum is not None and self.maximum is not None:
            text = f"{word} {_num(self.minimum)}-{_num(self.maximum)}"
        else:
            parts = []
            if self.minimum is not None:
                parts.append(f">= {_num(self.minimum)}")
            if self.min_exclusive is not None:
                parts.append(f"> {_num(self.min_exclusive)}")
            if self.maximum is not None:
                parts.append(f"<= {_num(self.maximum)}")
            if self.max_exclusive is not None:
                parts.append(f"< {_num(self.max_exclusive)}")
            text = f"{word} {' and '.join(parts)}".strip()
        if self.step:
            text += f" in steps of {self.step}"
        return text

    def allowed_text(self) -> str:
        """The allowed values in words, as the CLI help and error messages show them."""
        if self.kind == "bool":
            return "true, false"
        if self.kind in ("int", "number"):
            return self.range_text()
        if self.kind == "code":
            assert self.vocabulary is not None
            return f"a {self.vocabulary} code: " + ", ".join(sorted(vocabulary(self.vocabulary)))
        text = ", ".join(str(v) for v in self.values)
        if self.open_value:
            text += f" (anything else: {self.open_value})"
        return text

    def points_text(self) -> str:
        """Allowed values with their points: ``lytic (2), mixed (1), blastic (0)`` or, for a count,
        ``0 (2), 1-2 (1), 3+ (0)``."""
        if not self.bins:
            return ", ".join(f"{_json_word(v)} ({p})" for v, p in self.points.items())
        out: list[str] = []
        lo = self.minimum if self.minimum is not None else None
        step = self.step or 1
        for b in self.bins:
            if self.kind == "int":
                hi = b.max if b.max is not None else (b.below - step if b.below is not None else self.maximum)
                low = _num(lo) if lo is not None else ""
                if hi is None:
                    label = f"{low}+"
                elif lo is not None and lo == hi:
                    label = low
                else:
                    label = f"{low}-{_num(hi)}" if low else f"<={_num(hi)}"
                lo = hi + step if hi is not None else None
            elif b.below is not None:
                label = f"<{_num(b.below)}"
            elif b.max is not None:
                label = f"<={_num(b.max)}"
            else:
                prev = self.bins[len(out) - 1] if out else None
                label = f">={_num(prev.below)}" if prev and prev.below is not None else "above"
                if prev and prev.max is not None:
                    label = f">{_num(prev.max)}"
            out.append(f"{label} ({b.points})")
        return ", ".join(out)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _json_word(v: Any) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


@dataclass(frozen=True)
class Band:
    """A category band ``[lo, hi]`` of totals, with the extra keys it carries (e.g. predicted survival)."""

    lo: int
    hi: int
    category: str
    extra: Mapping[str, Any] = field(default_factory=dict)


def bands_from(raw: Iterable[Mapping[str, Any]]) -> tuple[Band, ...]:
    out = []
    for b in raw:
        extra = {k: v for k, v in b.items() if k not in ("min", "max", "category")}
        out.append(Band(lo=b["min"], hi=b["max"], category=str(b["category"]), extra=extra))
    return tuple(out)


def band_of(bands: Sequence[Band], lo: int, hi: int) -> Band | None:
    """The band holding the whole range ``[lo, hi]``, or None when the range spans several."""
    for b in bands:
        if b.lo <= lo and hi <= b.hi:
            return b
    return None


@dataclass(frozen=True)
class ScoreSpec:
    """A score's data: title, references, inputs and bands (``data/NAME.yaml``)."""

    name: str
    title: str
    summary: str
    outputs: str
    references: tuple[str, ...]
    inputs: Mapping[str, InputSpec]
    bands: tuple[Band, ...]
    raw: Mapping[str, Any]

    def validate(self, raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """Canonical given values (null/absent keys left out) and notes on values read loosely.

        Unknown keys and invalid values raise :class:`ScoreInputError` naming the key.
        """
        values: dict[str, Any] = {}
        notes: list[str] = []
        for key, value in raw.items():
            spec = self.inputs.get(key)
            if spec is None:
                raise ScoreInputError(
                    self.name, key, f"unknown key (expected one of: {', '.join(self.inputs)})"
                )
            if value is None:
                continue
            canon = spec.validate(self.name, value)
            if isinstance(value, str) and spec.kind == "enum" and normalise(value) != normalise(str(canon)):
                notes.append(f"{key} {value!r} read as {canon!r}.")
            values[key] = canon
        return values, notes

    def validate_candidates(self, raw: Mapping[str, Sequence[Any]] | None) -> dict[str, list[Any]]:
        """Validate ``key -> possible values`` (inputs a case record supports only as alternatives)."""
        out: dict[str, list[Any]] = {}
        for key, options in (raw or {}).items():
            spec = self.inputs.get(key)
            if spec is None:
                raise ScoreInputError(self.name, key, "unknown key")
            if isinstance(options, str | bytes) or not options:
                raise ScoreInputError(self.name, key, "candidates must be a non-empty list of values")
            canon: list[Any] = []
            for option in options:
                c = spec.validate(self.name, option)
                if c not in canon:
                    canon.append(c)
            out[key] = canon
        return out


@cache
def score_spec(name: str) -> ScoreSpec:
    """The :class:`ScoreSpec` of ``data/NAME.yaml``."""
    raw = load_table(name)
    inputs = {k: InputSpec.from_yaml(k, v) for k, v in raw["inputs"].items()}
    return ScoreSpec(
        name=raw["name"],
        title=raw["title"],
        summary=raw["summary"],
        outputs=raw["outputs"],
        references=tuple(raw["references"]),
        inputs=inputs,
        bands=bands_from(raw.get("bands", [])),
        raw=raw,
    )


def merge_inputs(inputs: Mapping[str, Any] | None, values: Mapping[str, Any]) -> dict[str, Any]:
    """One mapping from a positional ``inputs`` mapping and keyword values (keywords win)."""
    if inputs is not None and not isinstance(inputs, Mapping):
        raise TypeError("inputs must be a mapping of input keys to values")
    merged = dict(inputs or {})
    merged.update(values)
    return merged
