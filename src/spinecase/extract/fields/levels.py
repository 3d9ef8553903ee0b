"""Vertebral levels with metastatic disease.

Levels are written many ways: "T12 and L4", "T12–L2", "from T4 to T6", "L1, L3 vertebral bodies",
"Th10", "D7" (dorsal), "the seventh thoracic vertebra", "D5-7-12", "the sacrum", "coccyx". A level is
metastatic only when tumour words stand nearer to it than instrumentation words in its sentence:
"NET metastasis to T6 … along with T3–T8 posterior stabilization" gives T6, not T3–T8. MRI sequence
names (T1-weighted, "T2 sagittal"), TNM stages (pT2N0), nerve roots ("S1 radiculopathy"), discs
("L4-5 disc herniation"), intradural or leptomeningeal deposits and infections are never levels.

Example::

    >>> expand("T12", "L2")
    ['T12', 'L1', 'L2']
"""

from __future__ import annotations

import re

from ..base import Draft, PatientText, Span
from ..context import FAMILY, HYPOTHETICAL, NEGATED
from ..numbers import ORDINAL, ORDINALS

ORDER: list[str] = (
    [f"C{i}" for i in range(1, 8)]
    + [f"T{i}" for i in range(1, 13)]
    + [f"L{i}" for i in range(1, 6)]
    + [f"S{i}" for i in range(1, 6)]
    + ["S", "Co"]
)
_INDEX = {c: i for i, c in enumerate(ORDER)}
_MAX = {"C": 7, "T": 12, "L": 5, "S": 5}
_REGION_OF_WORD = {"cervical": "c", "thoracic": "t", "dorsal": "t", "lumbar": "l", "sacral": "s"}
_REGION = {"c": "C", "t": "T", "th": "T", "d": "T", "l": "L", "s": "S"}

_TOKEN = r"(?:C|T|Th|D|L|S)\s?-?\s?\d{1,2}"
_LEVEL = re.compile(
    rf"(?<![\w/.-])(?P<a>{_TOKEN})(?![\d])(?:(?P<sep>\s*(?:[-–—~]|to|through|thru|until)\s*)(?P<b>{_TOKEN}|\d{{1,2}})(?![\d]))?"
    rf"(?P<chain>(?:\s*-\s*\d{{1,2}}(?![\d]))*)",
)
_PARSE = re.compile(r"(?P<r>Th|[CTDLS])\s?-?\s?(?P<n>\d{1,2})", re.IGNORECASE)
_ORDINAL_LEVEL = re.compile(
    rf"\b(?P<ords>(?:{ORDINAL})(?:\s*(?:,|and|to|through|-)\s*(?:{ORDINAL}))*)\s+(?P<region>cervical|thoracic|dorsal|lumbar|sacral)"
    rf"\s+(?:vertebra|vertebrae|vertebral\s+bod(?:y|ies)|spine|level|segment|spinous)",
    re.IGNORECASE,
)
_ORDINAL_SPAN = re.compile(
    rf"\bfrom\s+the\s+(?P<o1>{ORDINAL})\s+(?P<r1>cervical|thoracic|dorsal|lumbar|sacral)(?:\s+vertebra(?:l\s+body)?)?\s+"
    rf"(?:to|through|down\s+to)\s+the\s+(?P<o2>{ORDINAL})\s+(?P<r2>cervical|thoracic|dorsal|lumbar|sacral)\s+"
    rf"(?:vertebra|vertebrae|vertebral\s+bod(?:y|ies)|level)",
    re.IGNORECASE,
)
_ORDINAL_BARE = re.compile(
    rf"\b(?P<ords>(?:{ORDINAL})(?:\s*(?:,|and|to|through|-)\s*(?:{ORDINAL}))*)\s+(?:vertebra|vertebrae|vertebral\s+bod(?:y|ies))\b",
    re.IGNORECASE,
)
_REGION_WORD = re.compile(r"\b(?:cervical|thoracic|thoracal|dorsal|lumbar|lumbal|sacral)\b", re.IGNORECASE)
_TNM = re.compile(r"\b(?:[pcy]?T[0-4xX][a-d]?|N[0-3xX][a-c]?|M[01xX][a-c]?|G[1-4xX]|V[0-2]|R[0-2]|Pn[01])\b")
_SACRUM = re.compile(
    r"(?<![\w-])(?:sacrum|sacral(?!\s+(?:nerve|root|plexus|canal|dimple|slope|laminectomy|fixation|screws?))|os\s+sacrum)\b",
    re.IGNORECASE,
)
_BESIDE = re.compile(
    r"\b(?:between|anterior\s+to|in\s+front\s+of|adjacent\s+to|near|close\s+to|abutting|posterior\s+to|presacral)\s+(?:[\w-]+\s+){0,4}$",
    re.IGNORECASE,
)
_COCCYX = re.compile(r"\b(?:coccyx|coccygeal)\b", re.IGNORECASE)

_MRI_AFTER = re.compile(
    r"^\s*(?:[-‐]?\s*(?:weighted|W\b|WI\b|w\b|wi\b)|sagittal|axial|coronal|images?|sequences?|signal|hyper|hypo|iso|flair|"
    r"stir|fat|gad|contrast|enhanc\w*|magnetic|mr\b|post|pre|mri|and\s+T\d|/T\d|\s*,\s*T\d|relaxation|map|mapping|-?\s*space)",
    re.IGNORECASE,
)
_NOT_LEVEL_AFTER = re.compile(
    r"^\s*(?:[NM]\d|[a-c]\b|[a-c]?\s?[NM][0-3xX]|[Nn][0-3xX]|nerve|roots?|radicul\w*|dermatom\w*|myotom\w*|distribution|sensory\s+level|"
    r"levels?\s+of|level\s+(?:was|were)|hormone|toxicosis|complement|receptor|segment\s+of\s+the\s+liver|"
    r"/?\s*-?\s*\d?\s*(?:intervertebral\s+)?(?:disc|disk|foramen|foramina|facet)|(?:disc|disk)|"
    r"(?:\w+\s+){0,2}(?:herniat|protru|bulg|spondylolisthesis))",
    re.IGNORECASE,
)
_NOT_LEVEL_BEFORE = re.compile(
    r"\b(?:free|total|serum|complement|stage|grade|day|days|cycle|week)\s*$", re.IGNORECASE
)
_TUMOUR = re.compile(
    r"metasta\w*|tumou?r\w*|(?<!lateral\s)mass(?:es)?|lesions?|lytic|osteolys\w*|osteolytic|blastic|sclerotic|destruct\w*|infiltrat\w*|"
    r"involv\w*|deposits?|neoplas\w*|malignan\w*|uptake|hypermetabolic|avid|invasion|invad\w*|collapse|pathologic\w*|"
    r"replace\w*|abnormal\s+signal|gist|carcinoma|myeloma|plasmacytoma|lymphoma|sarcoma|\bnet\b|carcinoid|expansile|"
    r"soft[\s-]tissue\s+component|epidural\s+(?:extension|mass|component|tumou?r)|cord\s+compression|compressi\w+\s+of\s+the\s+(?:spinal\s+)?cord|"
    r"disease|cancer|spread|foci|focus|erosion|enhancing|hypercapta\w*|hypermetabol\w*|hot\s+spots?|increased\s+activit\w*",
    re.IGNORECASE,
)
# With a known cancer, a resected vertebra or a changed marrow signal is where the tumour is; in a
# patient without one (cervical myelopathy, a fracture) it is not.
_TUMOUR_IF_MALIGNANT = re.compile(
    r"corpectom\w*|vertebrectom\w*|spondylectom\w*|en[\s-]bloc|signal\s+(?:change|abnormalit\w*|intensity)|"
    r"change\s+in\s+(?:the\s+)?signal",
    re.IGNORECASE,
)
_MALIGNANCY = re.compile(
    r"metasta|carcinom|cancer|sarcom|malignan|myelom|lymphom|neoplas|melanom|GIST|plasmacytom|leukaem|leukem|"
    r"blastom|seminom|carcinoid|neuroendocrine|germ\s+cell|mesotheliom|thymom|paragangliom|pheochromocytom|chordom",
    re.IGNORECASE,
)
_MRI_SENTENCE = re.compile(
    r"weigh\w*|signal|intens\w*|\bSTIR\b|FLAIR|sequence|\bMRI?\b|magnetic\s+resonance|gadolinium|contrast",
    re.IGNORECASE,
)
_VERTEBRA_AFTER = re.compile(
    r"\s*(?:[-–]\s*[A-Z]?\d+\s*)?(?:vertebra\w*|level|body|bodies|spine|spinous|pedicle|lamina)",
    re.IGNORECASE,
)
_STAGE_AFTER = re.compile(
    r"(?:\s+(?!metasta|lesion|deposit|involvement|vertebra)\w+){0,3}?\s+(?:tumou?r|carcinoma|cancer|stage|adenocarcinoma|disease)\b",
    re.IGNORECASE,
)
_DISC_LEVEL = re.compile(
    r"(?P<r>[CTL])\s?(?P<a>\d{1,2})\s*[-/]\s*(?P<b>\d{1,2})\s+(?:level|disc|disk|space|interspace|segment|foramen|foramina)",
    re.IGNORECASE,
)
_INSTRUMENT = re.compile(
    r"screws?|rods?|fixation|fixed|fusion|fused|instrument\w*|stabili[sz]\w*|plates?|cages?|laminectom\w*|"
    r"hemilaminectom\w*|laminotom\w*|decompress\w*|approach|osteotom\w*|implant\w*|construct|graft|radiotherap\w*|"
    r"radiation|irradiat\w*|\bGy\b|fields?|radiosurgery|SBRT|CyberKnife|vertebroplast\w*|kyphoplast\w*|cement\w*|"
    r"anaesthe\w*|anesthe\w*|injection|block|incision|exposed|exposure|levels?\s+above|levels?\s+below|"
    r"subluxation|dislocation|listhesis|degenerat\w*|spondylosis|osteophyt\w*|haemangioma|hemangioma|"
    r"intradural|intraspinal|within\s+the\s+(?:spinal\s+)?canal",
    re.IGNORECASE,
)
_EXCLUDE_SENTENCE = re.compile(
    r"intradural|intramedullary|leptomening\w*|drop\s+metasta\w*|subarachnoid|meningeal|spinal\s+cord\s+metasta\w*|"
    r"conus\s+medullaris\s+metasta\w*|cauda\s+equina\s+(?:nodules?|metasta\w*)|(?:in|within|of)\s+the\s+spinal\s+cord|"
    r"cord\s+(?:lesion|signal|oedema|edema)|syrinx|syringomyelia|myelitis|demyelinat\w*|dural\s+sac",
    re.IGNORECASE,
)
_BONE_WORDS = re.compile(
    r"vertebr\w*|\bbod(?:y|ies)\b|\bbone\b|osseous|lytic|blastic|sclerotic|pedicle|lamina|collapse|fracture|marrow|infiltrat\w*",
    re.IGNORECASE,
)
_INFECTION = re.compile(
    r"spondylodiscitis|discitis|tubercul\w*|pott'?s|osteomyelitis|abscess|brucell\w*|infect\w*|pyogenic",
    re.IGNORECASE,
)
_METASTASIS = re.compile(r"metasta", re.IGNORECASE)
_PRIMARY_SPINE_TUMOUR = frozenset({"chordoma", "plasmacytoma"})
# benign or primary tumours of the spine and cord that are not in the vocabulary but do occur
_BENIGN_SPINE = re.compile(
    r"\b(?:schwannoma|neurofibroma|meningioma|ependymoma|h(?:a)?emangioma|osteoid\s+osteoma|osteoblastoma|"
    r"giant[\s-]cell\s+tumou?r|aneurysmal\s+bone\s+cyst|eosinophilic\s+granuloma|osteoporo\w*|spondylodiscitis|"
    r"dumbbell|abscess|tubercul\w*|osteomyelitis|brucell\w*|syphili\w*|treponema|"
    # mimics of metastasis on imaging: sarcoid-like reactions, Modic endplate changes, bone islands
    r"granulomas?|granulomatous|sarcoid\w*|modic|degenerative\s+endplate|schmorl'?s?|bone\s+islands?|enostos[ie]s|"
    r"paget'?s\s+disease|fibrous\s+dysplasia)\b",
    re.IGNORECASE,
)


_SLASH_BODIES = re.compile(
    r"\s*/\s*(?P<n>\d{1,2})\s+(?:vertebral\s+bodies|vertebrae|vertebras|bodies)\b", re.IGNORECASE
)


def _level(region: str, num: int) -> str | None:
    r = _REGION.get(region.lower())
    if r is None or num < 1 or num > _MAX[r]:
        return None
    return f"{r}{num}"


def expand(a: str, b: str) -> list[str]:
    """Every level from ``a`` to ``b`` inclusive, in anatomical order."""
    i, j = _INDEX[a], _INDEX[b]
    if i > j:
        i, j = j, i
    if j - i > 12:  # "C2 to S1" is a whole-spine phrase, not a lesion
        return [a, b]
    return [c for c in ORDER[i : j + 1] if c != "S"]


def _parse(token: str) -> str | None:
    m = _PARSE.fullmatch(token.strip())
    if not m:
        return None
    return _level(m.group("r"), int(m.group("n")))


def _levels_of(m: re.Match[str]) -> list[str]:
    a = _parse(m.group("a"))
    if a is None:
        return []
    b_raw = m.group("b")
    chain = [int(x) for x in re.findall(r"\d{1,2}", m.group("chain") or "")]
    if b_raw is None:
        return [a]
    b = _parse(b_raw) if not b_raw.isdigit() else _level(a[0], int(b_raw))
    if b is None:
        return [a]
    if chain:  # "D5-7-12": a list, not a range
        out = [a, b] + [lv for n in chain if (lv := _level(a[0], n))]
        return out
    return expand(a, b)


def _cue_distance(pattern: re.Pattern[str], text: str, start: int, end: int, s: int, e: int) -> int | None:
    best: int | None = None
    for c in pattern.finditer(text, start, end):
        d = s - c.end() if c.end() <= s else c.start() - e if c.start() >= e else 0
        if best is None or d < best:
            best = d
    return best


def _clause(text: str, sent_start: int, sent_end: int, pos: int) -> tuple[int, int]:
    a = text.rfind(";", sent_start, pos)
    b = text.find(";", pos, sent_end)
    return (a + 1 if a >= 0 else sent_start, b if b >= 0 else sent_end)


def extract_levels(pt: PatientText, draft: Draft) -> None:
    """Fill ``spinal_levels`` (anatomical order) with evidence."""
    text = pt.text
    histology = draft.values.get("histology")
    malignant = histology is not None or any(_MALIGNANCY.search(text, s.start, s.end) for s in pt.sentences())
    if not malignant:
        return  # no cancer named anywhere for this patient: no level can be metastatic
    # a benign lesion or infection of the spine named for this patient ("the T9 lesion was a
    # haemangioma"): only a level the text itself calls metastatic counts
    need_metastasis = histology in _PRIMARY_SPINE_TUMOUR or any(True for _ in pt.scan(_BENIGN_SPINE))
    found: dict[str, list[Span]] = {}

    def accept(sent_start: int, sent_end: int, s: int, e: int) -> bool:
        cs, ce = _clause(text, sent_start, sent_end, s)
        dx = _cue_distance(_EXCLUDE_SENTENCE, text, cs, ce, s, e)
        if dx is not None and (not _BONE_WORDS.search(text, cs, ce) or dx < 60):
            # intradural or cord disease: not a vertebral level unless tumour words stand nearer
            dt0 = _cue_distance(_TUMOUR, text, cs, ce, s, e)
            if dt0 is None or dt0 >= dx or not _BONE_WORDS.search(text, cs, ce):
                return False
        if _INFECTION.search(text, cs, ce) and not _METASTASIS.search(text, cs, ce):
            return False
        if need_metastasis:
            sure = [
                mm
                for mm in _METASTASIS.finditer(text, cs, ce)
                if not pt.ctx.flags(text, sent_start, sent_end, mm.start(), mm.end() + 8)
                & (HYPOTHETICAL | NEGATED)
            ]
            if not sure:
                return False
        dt = _cue_distance(_TUMOUR, text, cs, ce, s, e)
        if malignant:
            dm = _cue_distance(_TUMOUR_IF_MALIGNANT, text, cs, ce, s, e)
            if dm is not None and (dt is None or dm < dt):
                dt = dm
        if dt is None:
            return False
        di = _cue_distance(_INSTRUMENT, text, cs, ce, s, e)
        return di is None or dt <= di

    for sent, m in pt.scan(_LEVEL):
        s, e = m.span()
        after = text[e : min(sent.end, e + 40)]
        before = text[max(sent.start, s - 12) : s]
        a_tok = m.group("a")
        if (
            a_tok[:1] in "Tt"
            and a_tok[-1:] in "12"
            and len(a_tok.replace(" ", "")) == 2
            and _MRI_AFTER.match(after)
        ):
            continue
        if a_tok.startswith(("T1", "T2")) and re.search(r"T[12]\s*(?:and|/|,)\s*$", before):
            continue
        bare_t = re.fullmatch(r"T[1-4]", a_tok.replace(" ", "")) is not None and m.group("b") is None
        if bare_t and not _VERTEBRA_AFTER.match(after):
            if a_tok.replace(" ", "") in ("T1", "T2") and _MRI_SENTENCE.search(text, sent.start, sent.end):
                continue  # "hypointense on T1 and hyperintense on T2": MRI sequences
            if _STAGE_AFTER.match(after):
                continue  # "a T1 right renal cell carcinoma": a tumour stage
        dm = _DISC_LEVEL.match(text, s, min(sent.end, s + 30))
        if dm and int(dm.group("b")) == int(dm.group("a")) + 1:
            continue  # "L3-4 level", "C5/6 disc": a disc level
        if _NOT_LEVEL_AFTER.match(after) or _NOT_LEVEL_BEFORE.search(before):
            continue
        if len(_TNM.findall(text, max(sent.start, s - 25), min(sent.end, e + 25))) >= 2:
            continue  # "pT1 N0 MX G2 L1 V0 R0": a TNM descriptor, not a vertebra
        if a_tok[:1] == "D" and not re.search(
            r"vertebr|spin|dorsal|level|metasta|lesion|D\d", text[sent.start : sent.end].replace(a_tok, "", 1)
        ):
            continue
        levels = _levels_of(m)
        if not levels:
            continue
        both = _SLASH_BODIES.match(text, e, min(sent.end, e + 40))
        first = levels[0]
        if (
            both
            and m.group("b") is None
            and first[1:].isdigit()
            and int(both.group("n")) == int(first[1:]) + 1
        ):
            nxt = _level(first[0], int(first[1:]) + 1)
            levels = [first, nxt] if nxt else levels  # "the L4/5 vertebral bodies": two vertebrae, not a disc
        if pt.flags(sent, s, e) & (NEGATED | FAMILY) or not accept(sent.start, sent.end, s, e):
            continue
        for lv in levels:
            found.setdefault(lv, []).append((s, e))

    for sent, m in pt.scan(_ORDINAL_LEVEL):
        region = {"dorsal": "t", "thoracic": "t", "cervical": "c", "lumbar": "l", "sacral": "s"}[
            m.group("region").lower()
        ]
        nums = [ORDINALS[o.lower()] for o in re.findall(ORDINAL, m.group("ords"), re.IGNORECASE)]
        lvls = [lvl for n in nums if (lvl := _level(region, n)) is not None]
        if re.search(r"\bto\b|through|-", m.group("ords")) and len(lvls) == 2:
            lvls = expand(lvls[0], lvls[1])
        if (
            lvls
            and not pt.flags(sent, *m.span()) & (NEGATED | FAMILY)
            and accept(sent.start, sent.end, *m.span())
        ):
            for lv in lvls:
                found.setdefault(lv, []).append(m.span())

    for sent, m in pt.scan(_ORDINAL_SPAN):
        # "from the seventh cervical to the second thoracic vertebra"
        ends = [
            _level(_REGION_OF_WORD[m.group(r).lower()], ORDINALS[m.group(o).lower()])
            for o, r in (("o1", "r1"), ("o2", "r2"))
        ]
        if (
            None in ends
            or pt.flags(sent, *m.span()) & (NEGATED | FAMILY)
            or not accept(sent.start, sent.end, *m.span())
        ):
            continue
        for lv in expand(ends[0], ends[1]):  # type: ignore[arg-type]
            found.setdefault(lv, []).append(m.span())

    for sent, m in pt.scan(_ORDINAL_BARE):
        # "a mass infiltrating the fifth and sixth vertebra" after "Cervical CT": the region is named nearby
        prev = pt.seg.sentences[max(0, pt.seg.index_at(sent.start) - 1)]
        rw = _REGION_WORD.search(text, sent.start, sent.end) or _REGION_WORD.search(
            text, prev.start, prev.end
        )
        if rw is None:
            continue
        word = rw.group(0).lower()
        region = (
            "c"
            if word == "cervical"
            else "l"
            if word.startswith("lumb")
            else "s"
            if word == "sacral"
            else "t"
        )
        nums = [ORDINALS[o.lower()] for o in re.findall(ORDINAL, m.group("ords"), re.IGNORECASE)]
        lvls = [lvl for n in nums if (lvl := _level(region, n)) is not None]
        if (
            lvls
            and not pt.flags(sent, *m.span()) & (NEGATED | FAMILY)
            and accept(sent.start, sent.end, *m.span())
        ):
            for lv in lvls:
                found.setdefault(lv, []).append(m.span())

    has_sacral_level = any(lv.startswith("S") for lv in found)
    for code, pattern in (("S", _SACRUM), ("Co", _COCCYX)):
        if code == "S" and has_sacral_level:
            continue
        for sent, m in pt.scan(pattern):
            if _BESIDE.search(text[max(sent.start, m.start() - 50) : m.start()]):
                continue  # "a tumour between the rectum and the sacrum" lies beside it
            if pt.flags(sent, *m.span()) & (NEGATED | FAMILY) or not accept(sent.start, sent.end, *m.span()):
                continue
            found.setdefault(code, []).append(m.span())

    for lv in sorted(found, key=_INDEX.__getitem__):
        for span in found[lv][:3]:
            draft.add("spinal_levels", lv, span)


def region_of(level: str) -> str:
    """Spinal region of a level code: cervical, thoracic, lumbar, sacral or coccygeal."""
    return {"C": "cervical", "T": "thoracic", "L": "lumbar", "S": "sacral"}.get(level[0], "coccygeal")


def adjacent(a: str, b: str) -> bool:
    """Whether two level codes are neighbours (T12 and L1 are)."""
    return abs(_INDEX[a] - _INDEX[b]) == 1


def level_index(level: str) -> int:
    """Position of a level in the column from C1 (0) to the coccyx."""
    return _INDEX[level]
