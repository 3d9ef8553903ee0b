"""Evidence synthesis: literature-review tables, cohort statistics, survival curves, the spine figure,
and the tables of earlier cases inside papers.

What the authors of a case report do by hand — "Table 1: clinical data for 12 cases of GIST with
spinal metastases", "four (33%) of 12 had spinal metastases at presentation; median 20.5 (4–84)
months" — from the registry, in seconds:

- :func:`review_table` / :func:`write_table`: one row per case, written as Markdown, CSV, Excel,
  Word, HTML or LaTeX (``spinecase review``);
- :func:`cohort_stats`: a pure function of case records (``spinecase stats``), with Kaplan–Meier
  survival and log-rank tests (:mod:`~spinecase.review.survival`);
- :func:`km_figure`, :func:`spine_figure`, :func:`distribution_figure`, :func:`cohort_figure`,
  :func:`figure_svg`: matplotlib figures (``spinecase stats --plot``);
- :func:`find_tables` / :func:`literature_cases`: the tables of previously reported cases inside a
  paper, read into secondary case records (stored by the ingest, merged with their primary report);
- :func:`review_cases` / :func:`registry_stats`: the registry side.

Matplotlib, lifelines, openpyxl and python-docx come with the ``reports`` extra and are imported only
when a figure, a survival estimate or an Excel/Word file is made.

Example::

    >>> from spinecase.records import CaseRecord
    >>> cases = [CaseRecord(document="a", case=1, age=51, presentation="synchronous"),
    ...          CaseRecord(document="b", case=1, age=71, presentation="metachronous", interval_months=20)]
    >>> s = cohort_stats(cases)
    >>> s.age.to_json(), str(s.synchronous)
    ({'median': 61, 'min': 51, 'max': 71, 'n': 2}, '1/2 (50%)')
"""

from __future__ import annotations

from .abbreviations import Legend, parse_legend, site_abbreviation
from .cohort import ReviewCase
from .figures import cohort_figure, distribution_figure, figure_svg, km_figure, save_figure
from .littable import LiteratureTable, document_tables, find_tables
from .littable_cells import LiteratureCase, literature_cases
from .references import Reference, parse_references
from .source import registry_stats, review_cases
from .spine import spine_figure
from .stats import GROUPINGS, CohortStats, Summary, cohort_stats
from .survival import KaplanMeier, LogRank, kaplan_meier, logrank
from .table import ReviewTable, review_table
from .writers import FORMATS, render_text, write_table

__all__ = [
    "FORMATS",
    "GROUPINGS",
    "CohortStats",
    "KaplanMeier",
    "Legend",
    "LiteratureCase",
    "LiteratureTable",
    "LogRank",
    "Reference",
    "ReviewCase",
    "ReviewTable",
    "Summary",
    "cohort_figure",
    "cohort_stats",
    "distribution_figure",
    "document_tables",
    "figure_svg",
    "find_tables",
    "kaplan_meier",
    "km_figure",
    "literature_cases",
    "logrank",
    "parse_legend",
    "parse_references",
    "registry_stats",
    "render_text",
    "review_cases",
    "review_table",
    "save_figure",
    "site_abbreviation",
    "spine_figure",
    "write_table",
]
