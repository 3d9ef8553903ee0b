"""Risk stratification of primary gastrointestinal stromal tumours (GIST).

Two tables: the AFIP risk of progressive disease by site, size and mitoses (Miettinen & Lasota 2006),
with eight prognostic groups and a percentage per site; and the modified NIH consensus (Joensuu 2008),
four risk classes from size, mitoses, gastric versus non-gastric site and rupture. Mitoses are counted
per 50 high-power fields (per 5 mm2 in WHO 2019 and AJCC 8). Sizes and counts on a cut-off belong to
the lower group: 2.0 cm is <=2, 5.0 is >2-5, 10.0 is >5-10, 5 mitoses is <=5.

Example::

    >>> r = gist_afip(site="stomach", size_cm=6, mitoses_per_50hpf=3)
    >>> r.category, r.prognostic_group, r.risk_of_progression_pct
    ('low', '3a', 3.6)
    >>> gist_nih_modified(site="jejunum", size_cm=6, mitoses_per_50hpf=3, rupture=False).category
    'high'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._spec import merge_inputs, score_spec, site_parent
from .classify import decided, domain, enumerate_outcomes, mattering
from .result import Ambiguity, ScoreResult

# One representative value per size region (<=2, >2-5, >5-10, >10) and mitotic region (<=5, >5-10,
# >10): every rule compares against these cut-offs only, so these cover every case.
SIZE_REPRESENTATIVES = (1.0, 3.0, 7.0, 11.0)
MITOSES_REPRESENTATIVES = (0.0, 7.0, 11.0)


class GistAfipResult(ScoreResult):
    """AFIP result: ``category`` is the risk (none, very low, low, moderate, high, insufficient data,
    not covered), with the ``prognostic_group`` and the ``risk_of_progression_pct``."""

    prognostic_group: str | None = None
    risk_of_progression_pct: int | float | None = None


class GistNihResult(ScoreResult):
    """Modified NIH result: ``category`` is very low, low, intermediate or high."""


def _site_inputs(given: dict[str, Any], cands: dict[str, list[Any]], notes: list[str]) -> None:
    # "unknown" is a site code of the vocabulary, but for the risk tables it means the site is missing.
    if given.get("site") == "unknown":
        del given["site"]
        notes.append("site 'unknown': the primary site is treated as missing.")
    if "site" in cands:
        cands["site"] = [s for s in cands["site"] if s != "unknown"] or cands.pop("site")


def afip_column(site: str) -> str | None:
    """The AFIP table column of a site code, or None when the site is not covered.

    >>> afip_column("ileum"), afip_column("small_intestine"), afip_column("colon")
    ('jejunum_ileum', 'jejunum_ileum', None)
    """
    columns = score_spec("gist_afip").raw["site_column"]
    return columns.get(site)


def afip_group(size_cm: float, mitoses_per_50hpf: float) -> str:
    """AFIP prognostic group (1, 2, 3a, 3b, 4, 5, 6a, 6b) of a size and mitotic count.

    >>> afip_group(2.0, 5), afip_group(10.0, 6), afip_group(10.5, 0)
    ('1', '6a', '3b')
    """
    raw = score_spec("gist_afip").raw
    size_index = sum(size_cm > bound for bound in raw["size_groups"])
    high = mitoses_per_50hpf > raw["mitoses_cutoff"]
    for group, where in raw["groups"].items():
        if where["size"] == size_index and where["high_mitoses"] == high:
            return str(group)
    raise AssertionError("every size and count has a group")


def _afip_outcome(values: Mapping[str, Any]) -> tuple[str, str, int | float | None]:
    group = afip_group(values["size_cm"], values["mitoses_per_50hpf"])
    column = afip_column(values["site"])
    if column is None:
        return "not covered", group, None
    category, pct = score_spec("gist_afip").raw["risk"][group][column]
    return str(category), group, pct


def gist_afip(
    inputs: Mapping[str, Any] | None = None,
    /,
    *,
    candidates: Mapping[str, Sequence[Any]] | None = None,
    **values: Any,
) -> GistAfipResult:
    """AFIP risk of progressive disease of a primary GIST (Miettinen & Lasota 2006).

    Columns in the original order: gastric, jejunum/ileum (``small_intestine`` counts here), duodenum
    and rectum; other sites (colon, oesophagus, outside the GI tract) are "not covered" rather than
    guessed, although the prognostic group is still given. Rupture is not part of this table.

    >>> r = gist_afip(site="duodenum", size_cm=4, mitoses_per_50hpf=8)
    >>> r.category, r.prognostic_group, r.risk_of_progression_pct
    ('high', '5', 50)
    >>> gist_afip(site="colon", size_cm=4, mitoses_per_50hpf=8).category
    'not covered'
    """
    spec = score_spec("gist_afip")
    given, notes = spec.validate(merge_inputs(inputs, values))
    cands = spec.validate_candidates(candidates)
    _site_inputs(given, cands, notes)
    site_domain = ["stomach", "jejunum", "duodenum", "rectum", "colon"]  # one site per column + uncovered
    domains = {
        "site": domain("site", given, cands, site_domain),
        "size_cm": domain("size_cm", given, cands, SIZE_REPRESENTATIVES),
        "mitoses_per_50hpf": domain("mitoses_per_50hpf", given, cands, MITOSES_REPRESENTATIVES),
    }
    outcomes = enumerate_outcomes(domains, _afip_outcome)
    category, group, pct = (decided(outcomes, i) for i in range(3))
    missing = mattering(outcomes, [k for k in domains if k not in given])

    columns = {afip_column(s) for s in domains["site"]}
    raw = spec.raw
    if group == "3b" and "gastric" in columns:
        notes.append(
            "gastric group 3b: 10% as in the NCI/NCCN-style tables (some WHO-format tables print 12%); moderate either way."
        )
    if group in ("3a", "4", "6a") and columns & {"duodenum", "jejunum_ileum"}:
        notes.append(
            "columns follow the original order (gastric, jejunum/ileum, duodenum, rectum); several "
            "reproductions swap the duodenum and jejunum/ileum headers, which changes this cell."
        )
    if group is not None and any([group, c] in raw["small_numbers"] for c in columns):
        notes.append(f"group {group}: based on small numbers of cases in the original series.")
    return GistAfipResult(
        score="gist_afip",
        missing=missing,
        category=category,
        prognostic_group=group,
        risk_of_progression_pct=pct,
        ambiguous={k: Ambiguity(candidates=v, points=[]) for k, v in cands.items() if k not in given},
        inputs=given,
        notes=notes,
        references=list(spec.references),
    )


def _matches(rule: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    size, mitoses = values["size_cm"], values["mitoses_per_50hpf"]
    gastric_sites = score_spec("gist_nih_modified").raw["gastric_sites"]
    site = values["site"]
    site_class = "gastric" if site in gastric_sites or site_parent(site) in gastric_sites else "non_gastric"
    checks = (
        ("size_above", lambda x: size > x),
        ("size_max", lambda x: size <= x),
        ("mitoses_above", lambda x: mitoses > x),
        ("mitoses_max", lambda x: mitoses <= x),
        ("site", lambda x: site_class == x),
        ("rupture", lambda x: values["rupture"] == x),
    )
    return all(check(rule[name]) for name, check in checks if name in rule)


def _nih_outcome(values: Mapping[str, Any]) -> tuple[str]:
    raw = score_spec("gist_nih_modified").raw
    order = raw["order"]
    risks = [r["risk"] for r in raw["rules"] if _matches(r, values)]
    # The rows overlap (e.g. non-gastric 2-5 cm with 6-10 mitoses): the highest risk applies.
    return (max(risks, key=order.index),)


def gist_nih_modified(
    inputs: Mapping[str, Any] | None = None,
    /,
    *,
    candidates: Mapping[str, Sequence[Any]] | None = None,
    **values: Any,
) -> GistNihResult:
    """Modified NIH consensus risk of a primary GIST (Joensuu, Hum Pathol 2008).

    Very low (<=2 cm, <=5 mitoses), low (2.1-5 cm, <=5), intermediate (gastric 2.1-5 cm with >5;
    <5 cm with 6-10; gastric 5.1-10 cm with <=5) and high (rupture; >10 cm; >10 mitoses; >5 cm with >5;
    non-gastric 2.1-5 cm with >5; non-gastric 5.1-10 cm with <=5). Overlapping rows take the highest
    risk. A non-gastric tumour <=2 cm with 6-10 mitoses is intermediate, as in the original (flagged).

    >>> gist_nih_modified(site="stomach", size_cm=4, mitoses_per_50hpf=8, rupture=False).category
    'intermediate'
    >>> gist_nih_modified(size_cm=1.5, mitoses_per_50hpf=2, rupture=True).category
    'high'
    """
    spec = score_spec("gist_nih_modified")
    given, notes = spec.validate(merge_inputs(inputs, values))
    cands = spec.validate_candidates(candidates)
    _site_inputs(given, cands, notes)
    domains = {
        "site": domain("site", given, cands, ["stomach", "jejunum"]),  # gastric, non-gastric
        "size_cm": domain("size_cm", given, cands, SIZE_REPRESENTATIVES),
        "mitoses_per_50hpf": domain("mitoses_per_50hpf", given, cands, MITOSES_REPRESENTATIVES),
        "rupture": domain("rupture", given, cands, [True, False]),
    }
    outcomes = enumerate_outcomes(domains, _nih_outcome)
    for flag in spec.raw["flags"]:
        if any(_matches(flag["when"], v) for v, _ in outcomes):
            notes.append(str(flag["note"]))
    return GistNihResult(
        score="gist_nih_modified",
        missing=mattering(outcomes, [k for k in domains if k not in given]),
        category=decided(outcomes, 0),
        ambiguous={k: Ambiguity(candidates=v, points=[]) for k, v in cands.items() if k not in given},
        inputs=given,
        notes=notes,
        references=list(spec.references),
    )
