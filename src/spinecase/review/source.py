"""The registry side of reviews and statistics: the filtered cases, literature-table cases merged.

:func:`review_cases` reads the cases matching a :class:`~spinecase.registry.CaseFilter` (curated values
applied). Literature-table (secondary) cases come only when asked for; each is then looked up: when
its paper is in the registry and the patient is recognised there, the patient appears once — as the
primary report's case, noting the tables that also report it. :func:`registry_stats` is
:func:`~spinecase.review.stats.cohort_stats` over those cases.

Example::

    >>> from spinecase.registry import open_registry
    >>> reg = open_registry("sqlite:///:memory:")
    >>> with reg.session() as s:
    ...     registry_stats(s, CaseFilter(histology="gist")).n
    0
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from ..registry.query import CaseFilter, RegistryCase, iter_cases
from .cohort import ReviewCase, as_review_cases, stats_records
from .littable_store import links
from .stats import CohortStats, cohort_stats


def review_cases(
    session: Session, flt: CaseFilter | None = None, *, include_secondary: bool = False
) -> list[ReviewCase]:
    """The cases of a review, in the order of the review table (year, author, document, case)."""
    flt = replace(flt or CaseFilter(), include_secondary=include_secondary)
    stored: list[RegistryCase] = list(iter_cases(session, flt))
    cases = [ReviewCase.from_registry(c) for c in stored]
    if include_secondary:
        cases = _merge(session, stored, cases)
    return sorted(as_review_cases(cases), key=ReviewCase.sort_key)


def _merge(session: Session, stored: list[RegistryCase], cases: list[ReviewCase]) -> list[ReviewCase]:
    """Fold each secondary case whose patient the registry holds as a primary case into that case."""
    found = links(session, (c for c in stored if c.secondary))
    by_id = {c.case_id: i for i, c in enumerate(cases) if c.case_id is not None}
    drop: set[int] = set()
    for i, case in enumerate(cases):
        link = found.get(case.case_id) if case.case_id is not None else None
        if link is None:
            continue
        note = f"{case.citing()} [ref. {case.reference_number}]" if case.reference_number else case.citing()
        target = by_id.get(link.case_id) if link.case_id is not None else None
        if target is not None:
            primary = cases[target]
            cases[target] = replace(primary, also_in=(*primary.also_in, note))
            drop.add(i)
        elif link.case_id is not None:
            drop.add(i)  # the patient is in the registry, outside this filter: not a separate case
        else:
            cases[i] = replace(case, primary_document=link.document_key)
    return [c for i, c in enumerate(cases) if i not in drop]


def registry_stats(
    session: Session, flt: CaseFilter | None = None, by: str | None = None, *, include_secondary: bool = False
) -> CohortStats:
    """:func:`~spinecase.review.stats.cohort_stats` of the registry's cases matching ``flt``."""
    cases = review_cases(session, flt, include_secondary=include_secondary)
    return cohort_stats(stats_records(cases), by)
