"""The interchange codes of the case record, as the package's lexicon defines them.

Every code the extractor can emit comes from the lexicon data files; :func:`codes` gathers them so
that a test can check them against the contract's ``vocabulary.json`` and so that other parts
(CLI validation, the web app's forms) can list the allowed values.

Example::

    >>> c = codes()
    >>> c["histology"]["gist"]["icdo3"], c["site"]["sigmoid_colon"]["parent"]
    ('8936/3', 'colon')
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from . import load_yaml


@lru_cache(maxsize=1)
def codes() -> dict[str, Any]:
    """Codes by contract key: ``histology``, ``site``, ``surgery``, ``radiotherapy``, ``systemic``, ``spinal_level``."""
    from ..extract.fields.levels import ORDER

    histology = load_yaml("histology.yaml")
    sites = load_yaml("sites.yaml")
    procedures = load_yaml("procedures.yaml")
    systemic = load_yaml("systemic.yaml")
    return {
        "histology": {k: {"icdo3": v["icdo3"]} for k, v in histology.items()},
        "site": {k: {"icdo3": str(v["icdo3"]), "parent": v.get("parent")} for k, v in sites.items()},
        "surgery": list(procedures["surgery"]),
        "radiotherapy": list(procedures["radiotherapy"]),
        "systemic": list(systemic["agents"]) + list(systemic["classes"]),
        "spinal_level": list(ORDER),
    }
