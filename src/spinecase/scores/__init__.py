"""Clinical scores of spinal metastases and GIST, computed from structured inputs.

One function per score, each taking the inputs as a mapping or as keywords and returning a pydantic
result (``to_json_dict()`` gives the JSON contract): :func:`sins`, :func:`tokuhashi_revised`,
:func:`tomita`, :func:`bauer` (with the modified Bauer score), :func:`nesms`, :func:`escc`, :func:`noms`,
:func:`gist_afip` and :func:`gist_nih_modified`. A missing input is never taken as zero: ``total`` stays
null, ``possible_range`` spans the best and worst case, and ``category`` is set when that range already
decides it. An invalid input raises :class:`ScoreInputError` naming the key. :func:`from_case` scores a
:class:`~spinecase.records.CaseRecord`. Score tables live in ``scores/data/*.yaml``.

Example::

    >>> from spinecase import scores
    >>> r = scores.sins(level="T5", pain="pain_free", bone_lesion="blastic")
    >>> r.total, r.possible_range, r.category
    (None, (1, 11), None)
    >>> scores.sins(level="T5", pain="pain_free", bone_lesion="blastic", alignment="normal",
    ...             collapse="none", posterolateral="none").category
    'stable'
"""

from ._spec import ScoreInputError, score_spec
from .bauer import BauerResult, NesmsResult, bauer, nesms
from .case import ScoreInputs, from_case, score_inputs
from .catalog import SCORES, compute, help_text, input_specs
from .gist import GistAfipResult, GistNihResult, gist_afip, gist_nih_modified
from .noms import EsccResult, NomsResult, escc, noms, radiosensitivity_of
from .result import Ambiguity, ScoreResult
from .spine import SinsResult, TokuhashiResult, TomitaResult, level_location, sins, tokuhashi_revised, tomita

__all__ = [
    "SCORES",
    "Ambiguity",
    "BauerResult",
    "EsccResult",
    "GistAfipResult",
    "GistNihResult",
    "NesmsResult",
    "NomsResult",
    "ScoreInputError",
    "ScoreInputs",
    "ScoreResult",
    "SinsResult",
    "TokuhashiResult",
    "TomitaResult",
    "bauer",
    "compute",
    "escc",
    "from_case",
    "gist_afip",
    "gist_nih_modified",
    "help_text",
    "input_specs",
    "level_location",
    "nesms",
    "noms",
    "radiosensitivity_of",
    "score_inputs",
    "score_spec",
    "sins",
    "tokuhashi_revised",
    "tomita",
]
