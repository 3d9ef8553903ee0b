"""The extraction pipeline: a registry of stages, each declaring what it needs and produces.

As in spaCy's pipeline, each stage is a named function registered with the fields it reads
(``needs``) and writes (``produces``); :func:`build_pipeline` orders a selection of stages and checks
that every need is produced by an earlier stage. A document goes through cleaning (with an offset map),
segmentation into sentences and zones, patient splitting, then every stage per patient; evidence is
mapped back to the original text at the end.

Example::

    >>> from spinecase.documents import Document
    >>> doc = Document(id="demo", text="A 61-year-old man had a GIST metastasis at T12.", source="demo.txt", format="text")
    >>> [ (r.age, r.sex, r.histology, r.spinal_levels) for r in extract_cases(doc) ]
    [(61, 'male', 'gist', ['T12'])]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ..documents.cleaning import clean_text
from ..documents.model import Document
from ..records import CaseRecord, ClinicalDetails, Span
from .base import Draft, PatientText
from .context import context
from .fields.clinical import extract_clinical
from .fields.demographics import extract_demographics
from .fields.levels import extract_levels
from .fields.outcome import extract_follow_up, extract_neuro, extract_recurrence
from .fields.timing import extract_timing
from .fields.treatment import extract_radiotherapy, extract_surgery, extract_systemic
from .fields.tumour import drop_generic_bone, extract_tumour
from .patients import find_patients
from .segment import segment

#: Bumped whenever extraction output may change, so the registry refreshes stored values.
EXTRACTOR_VERSION = "0.1.0"

StageFunc = Callable[[PatientText, Draft], None]


@dataclass(frozen=True, slots=True)
class Stage:
    """A named extraction step with the draft fields it reads and writes."""

    name: str
    func: StageFunc
    needs: tuple[str, ...]
    produces: tuple[str, ...]
    spinal: bool = False  # runs only when the patient's text mentions the spine at all


STAGES: dict[str, Stage] = {}


def register(
    name: str,
    func: StageFunc,
    needs: Sequence[str] = (),
    produces: Sequence[str] = (),
    *,
    spinal: bool = False,
) -> Stage:
    """Add a stage to the registry (replacing one of the same name).

    ``spinal=True`` marks a stage that can find nothing in a text that never mentions the spine
    (levels, spinal surgery…); it is skipped there, which keeps corpus-scale runs fast.
    """
    stage = Stage(name, func, tuple(needs), tuple(produces), spinal)
    STAGES[name] = stage
    return stage


register("demographics", extract_demographics, produces=("age", "sex"))
register("tumour", extract_tumour, produces=("histology", "primary_site", "other_metastasis_sites"))
register("levels", extract_levels, needs=("histology",), produces=("spinal_levels",), spinal=True)
register(
    "generic_bone",
    drop_generic_bone,
    needs=("spinal_levels", "other_metastasis_sites"),
    produces=("other_metastasis_sites",),
    spinal=True,
)
register("surgery", extract_surgery, produces=("spinal_surgery",), spinal=True)
register("radiotherapy", extract_radiotherapy, produces=("radiotherapy",), spinal=True)
register("systemic", extract_systemic, produces=("systemic_agents",))
register(
    "timing",
    extract_timing,
    needs=("spinal_levels", "primary_site"),
    produces=("presentation", "interval_months"),
    spinal=True,
)
register("neuro", extract_neuro, produces=("neurological_deficit",), spinal=True)
register(
    "recurrence",
    extract_recurrence,
    needs=("spinal_levels", "spinal_surgery", "radiotherapy"),
    produces=("local_recurrence",),
    spinal=True,
)
register("follow_up", extract_follow_up, produces=("follow_up_months", "vital_status"))
register("clinical", extract_clinical, needs=("spinal_levels",), produces=("clinical",))

DEFAULT_PIPELINE: tuple[str, ...] = tuple(STAGES)


def build_pipeline(names: Iterable[str] = DEFAULT_PIPELINE) -> list[Stage]:
    """The stages named, in order, after checking each need is produced earlier."""
    stages: list[Stage] = []
    produced: set[str] = set()
    for name in names:
        if name not in STAGES:
            raise ValueError(f"unknown extraction stage {name!r}; known: {', '.join(STAGES)}")
        st = STAGES[name]
        missing = [n for n in st.needs if n not in produced]
        if missing:
            raise ValueError(f"stage {name!r} needs {', '.join(missing)}, which no earlier stage produces")
        produced.update(st.produces)
        stages.append(st)
    return stages


_DEFAULT = build_pipeline()


def extract_cases(document: Document, stages: Sequence[Stage] | None = None) -> list[CaseRecord]:
    """One :class:`CaseRecord` per patient of ``document``, evidence offsets into ``document.text``."""
    cleaned = clean_text(document.text)
    seg = segment(cleaned.text)
    patients = find_patients(seg)
    ctx = context()
    records: list[CaseRecord] = []
    for n, patient in enumerate(patients, start=1):
        pt = PatientText(seg, patient, ctx)
        draft = Draft()
        spine = pt.mentions_spine()
        for st in stages or _DEFAULT:
            if spine or not st.spinal:
                st.func(pt, draft)
        records.append(_to_record(document.id, n, draft, cleaned.original_span))
    return records


def _to_record(
    doc_id: str, n: int, draft: Draft, to_original: Callable[[int, int], tuple[int, int]]
) -> CaseRecord:
    def spans(items: list[tuple[int, int]]) -> list[Span]:
        out: list[Span] = []
        for s, e in items:
            a, b = to_original(s, e)
            sp = Span(start=a, end=b)
            if sp not in out:
                out.append(sp)
        return out

    evidence = {k: spans(v) for k, v in draft.evidence.items() if k in draft.values}
    clinical = ClinicalDetails(
        **draft.clinical,
        evidence={k: spans(v) for k, v in draft.clinical_evidence.items()},
    )
    return CaseRecord(document=doc_id, case=n, **draft.values, evidence=evidence, clinical=clinical)
