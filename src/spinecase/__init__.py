"""spinecase — published case reports of spinal metastases in, an evidence-linked registry out.

Example::

    >>> import spinecase
    >>> from spinecase import Document, extract_cases
    >>> doc = Document(id="demo", text="A 70-year-old woman had breast cancer with T8 metastasis.",
    ...                source="demo.txt", format="text")
    >>> [(r.age, r.sex, r.primary_site, r.spinal_levels) for r in extract_cases(doc)]
    [(70, 'female', 'breast', ['T8'])]
"""

from __future__ import annotations

from .api import ExtractionResult, extract_paths, iter_cases
from .documents import Document, ReadError, Section, read_documents
from .extract import EXTRACTOR_VERSION, extract_cases
from .records import CONTRACT_FIELDS, CaseRecord, ClinicalDetails, RadiotherapyCourse, Span

__version__ = "0.1.0"

__all__ = [
    "CONTRACT_FIELDS",
    "EXTRACTOR_VERSION",
    "CaseRecord",
    "ClinicalDetails",
    "Document",
    "ExtractionResult",
    "RadiotherapyCourse",
    "ReadError",
    "Section",
    "Span",
    "__version__",
    "extract_cases",
    "extract_paths",
    "iter_cases",
    "read_documents",
]
