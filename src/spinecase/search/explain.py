"""Why a published case was found: the facts it shares with the query, in words a surgeon reads.

Example::

    >>> from spinecase.records import CaseRecord
    >>> from spinecase.search.weights import load_weights
    >>> q = CaseRecord(document="q", case=1, age=61, histology="gist", spinal_levels=["T12", "L4"],
    ...                other_metastasis_sites=["liver"])
    >>> h = CaseRecord(document="h", case=1, age=58, histology="gist", spinal_levels=["L1"],
    ...                other_metastasis_sites=["liver", "lung"])
    >>> " · ".join(explain(q, h, load_weights()))
    'same histology: GIST · adjacent level: T12↔L1 · same region: lumbar · both: liver metastases · same age band: 61 vs 58'
"""

from __future__ import annotations

from collections.abc import Sequence

from ..records import CaseRecord
from .features import neighbours, region_of
from .weights import Weights

_UPPER = {"gist": "GIST", "nos": "NOS"}


def label(code: str) -> str:
    """A code as words: ``renal_cell_carcinoma`` -> ``renal cell carcinoma``, ``gist`` -> ``GIST``."""
    return _UPPER.get(code, code.replace("_", " "))


def _levels(query: Sequence[str], hit: Sequence[str]) -> list[str]:
    shared = [lv for lv in query if lv in hit]
    out = []
    if shared:
        out.append(f"same level{'s' if len(shared) > 1 else ''}: {', '.join(shared)}")
    pairs = [f"{a}↔{b}" for a in query if a not in hit for b in hit if b in neighbours(a) and b not in query]
    if pairs:
        out.append(f"adjacent level{'s' if len(pairs) > 1 else ''}: {', '.join(dict.fromkeys(pairs))}")
    covered = set(shared) | {a for a in query for b in hit if b in neighbours(a)}
    regions = [
        region_of(a) for a in query if a not in covered and region_of(a) in {region_of(b) for b in hit}
    ]
    if regions:
        out.append(f"same region: {', '.join(dict.fromkeys(regions))}")
    return out


def explain(query: CaseRecord, hit: CaseRecord, weights: Weights, words: Sequence[str] = ()) -> list[str]:
    """The shared facts of ``query`` and ``hit`` (only those the weights count), then shared words."""
    w = weights
    out: list[str] = []
    if query.histology and hit.histology and w.field("histology").weight:
        if query.histology == hit.histology:
            out.append(f"same histology: {label(query.histology)}")
        elif family := w.histology_family(query.histology, hit.histology):
            out.append(f"related histology: {label(query.histology)} ~ {label(hit.histology)} ({family})")
    if query.primary_site and hit.primary_site and w.field("primary_site").weight:
        if query.primary_site == hit.primary_site:
            out.append(f"same primary: {label(query.primary_site)}")
        elif group := w.site_group(query.primary_site, hit.primary_site):
            out.append(f"related primary: {label(query.primary_site)} ~ {label(hit.primary_site)} ({group})")
    if query.spinal_levels and hit.spinal_levels and w.field("spinal_levels").weight:
        out += _levels(query.spinal_levels, hit.spinal_levels)
    both = [s for s in query.other_metastasis_sites if s in hit.other_metastasis_sites]
    if both and w.field("other_metastasis_sites").weight:
        out.append(f"both: {', '.join(map(label, both))} metastases")
    if (
        query.neurological_deficit is not None
        and query.neurological_deficit == hit.neurological_deficit
        and w.field("neurological_deficit").weight
    ):
        out.append("both with neurological deficit" if query.neurological_deficit else "both without deficit")
    if query.age is not None and hit.age is not None and w.field("age").weight:
        band = w.field("age").get("band_years", 10.0)
        if abs(query.age - hit.age) <= band:
            out.append(f"same age band: {query.age} vs {hit.age}")
    if query.presentation and query.presentation == hit.presentation and w.field("presentation").weight:
        out.append(f"both {query.presentation}")
    if query.sex and query.sex == hit.sex and w.field("sex").weight:
        out.append(f"both {query.sex}")
    if words:
        out.append(f"shared words: {', '.join(words)}")
    return out
