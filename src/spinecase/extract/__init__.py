"""Case extraction: segmentation into sentences, zones and patients; field extractors; context.

The public entry point is :func:`extract_cases`; :data:`EXTRACTOR_VERSION` tells the registry when
stored values need refreshing.
"""

from __future__ import annotations

from .pipeline import (
    DEFAULT_PIPELINE,
    EXTRACTOR_VERSION,
    STAGES,
    Stage,
    build_pipeline,
    extract_cases,
    register,
)

__all__ = [
    "DEFAULT_PIPELINE",
    "EXTRACTOR_VERSION",
    "STAGES",
    "Stage",
    "build_pipeline",
    "extract_cases",
    "register",
]
