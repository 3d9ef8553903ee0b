"""Histology, primary site and other metastatic sites.

Every mention of an anatomical site in the patient's text is classified by its neighbourhood, the
way an abstractor reads it:

* *primary*: "rectal GIST", "carcinoma of the breast", "metastasis from the lung", "gastric mass";
* *metastatic*: "liver metastases", "metastases to the liver, lungs and bones", "omentum was reported
  to have metastatic involvement", "uptake in the bilateral femur";
* neither: anything else ("renal function", "the liver was normal").

Histology is the most specific tumour type stated for the patient (rank 3 entities beat rank 2
families beat rank 1 NOS terms; then the most mentioned). The primary site is the best-supported
primary mention, else the site the histology implies (renal cell carcinoma → kidney), else ``unknown``
when the report says the primary was never found.

Example::

    >>> from spinecase.extract.segment import segment
    >>> from spinecase.extract.patients import find_patients
    >>> from spinecase.extract.base import Draft, PatientText
    >>> seg = segment("A 61-year-old man had a rectal GIST. Liver and lung metastases were found.")
    >>> d = Draft(); extract_tumour(PatientText(seg, find_patients(seg)[0]), d)
    >>> d.values["histology"], d.values["primary_site"], sorted(d.values["other_metastasis_sites"])
    ('gist', 'rectum', ['liver', 'lung'])
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from ..base import VERTEBRA_TOKEN, Draft, PatientText, Span
from ..context import FAMILY, HYPOTHETICAL, NEGATED
from ..terms import histology_info, histology_table, primary_only_site_table, site_parents, site_table

_CANCER_NOUN = (
    r"(?:cancer|carcinoma|adenocarcinoma|tumou?r|gist|neoplasm|neoplasia|malignancy|primary|net|carcinoid|"
    r"sarcoma|leiomyosarcoma|melanoma|adenoma|mass|lesion|nodule|origin)s?"
)
_AFTER_PRIMARY = re.compile(
    rf"^\s*(?:[\w-]+\s+){{0,3}}?(?P<noun>{_CANCER_NOUN})\b",
    re.IGNORECASE,
)
_STRONG_NOUN = (
    r"(?:cancer|carcinoma|adenocarcinoma|tumou?r|gist|neoplasm|neoplasia|malignancy|primary|net|carcinoid|"
    r"sarcoma|leiomyosarcoma|melanoma|origin)s?"
)
_BEFORE_PRIMARY = re.compile(
    rf"(?:(?:{_STRONG_NOUN}|metasta\w*|disease)\s+(?:\w+\s+){{0,3}}?(?:of|in|from|arising\s+(?:in|from)|originating\s+(?:in|from)|"
    rf"derived\s+from|located\s+in|at)|(?:primary|primitive)\s+(?:\w+\s+){{0,2}}?(?:in|of|at|was|located\s+in)|"
    rf"(?:resection|excision|biopsy)\s+of\s+(?:the\s+)?(?:primary\s+)?(?:tumou?r\s+)?(?:in|of|from))"
    rf"\s+(?:the\s+)?(?:(?:left|right|upper|lower|distal|proximal|bilateral|middle|posterior|anterior|lateral)\s+){{0,2}}$",
    re.IGNORECASE,
)
_FROM_PRIMARY = re.compile(
    r"(?:from|arising\s+(?:in|from)|originat\w+\s+(?:in|from)|derived\s+from|of\s+\w+\s+origin|primary\s+(?:in|of))"
    r"\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
_NODE_INVOLVED = re.compile(
    r"\b(?:enlarged|hypermetabolic|(?:FDG-)?avid|suspicious|pathological|metastatic|positive|involved|bulky|necrotic)\b"
    r"|\b\d+\s+(?:of|/)\s*\d+\b[^.;]{0,30}\b(?:involved|positive|metastatic)|\bcontained\s+(?:tumou?r|metasta\w*)",
    re.IGNORECASE,
)
_NEGATION_IN_GAP = re.compile(r"\b(?:no|not|without|negative|free)\b", re.IGNORECASE)
_BEFORE_LESION = re.compile(
    r"\b(?:mass|lesion|nodule|tumou?r|ulcer|polyp)\s+(?:[\w-]+\s+){0,2}?(?:in|at|of|on|within)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}"
    r"(?:(?:head|body|tail|neck|wall|fundus|antrum|dome|apex|base|part|portion|segment|lobe)\s+of\s+(?:the\s+)?)?$",
    re.IGNORECASE,
)
_COMPOUND_AFTER = re.compile(
    r"-(?:invasive|sparing|derived|like|type|based|related|positive|negative)\b", re.IGNORECASE
)
_RESECTION_OF = re.compile(
    r"(?:resection|resected|excision|removal|biopsy|surgery)\s+(?:\w+\s+){0,2}?(?:of|on|in)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?$",
    re.IGNORECASE,
)
_AFTER_MET = re.compile(
    r"^(?P<gap>[^.;:()]{0,45}?)(?:metasta\w*|mets\b|deposits?|carcinomatosis|dissemination|implants?|seeding|secondar(?:y|ies)|"
    r"spread|recurrence|relapse|involvement)",
    re.IGNORECASE,
)
# "a mass in the head of the pancreas and multiple liver metastases": the metastases are the liver's
_OTHER_SITE_IN_GAP = re.compile(
    r"\b(?:and|with|plus)\s+(?:multiple|several|numerous|many|diffuse|innumerable|scattered|bilateral|"
    r"two|three|four|five|a\s+few|some|small|large|new)\b",
    re.IGNORECASE,
)
_ORGAN_FUNCTION = re.compile(
    r"^\s*(?:failure|insufficiency|function|dysfunction|impairment|enzymes?|function\s+tests?|toxicity|"
    r"transplant\w*|cirrhosis|steatosis)\b",
    re.IGNORECASE,
)
_BEFORE_MET = re.compile(
    r"(?:metasta\w*|spread\w*|disseminat\w+|involv\w+|infiltrat\w+|lesions?|nodules?|masses|deposits?|uptake|destruction|"
    r"osteolysis|foci|focus|recurrence)[\s,]+(?:[\w-]+[\s,]+){0,4}?(?:to|in|into|of|at|involving|within|throughout|including|on)\s+"
    r"(?:[\w'’-]+[\s,]+){0,12}?$",
    re.IGNORECASE,
)
_MET_WORD = re.compile(
    r"metasta|secondar|spread|disseminat|lesion|nodule|uptake|lytic|destruct|involv|infiltrat|deposit|recurren",
    re.IGNORECASE,
)
_STOP_BEFORE = re.compile(
    r".*[.;]|.*\b(?:but|however|whereas|while|although|from)\b", re.IGNORECASE | re.DOTALL
)
_CANCER_IN_GAP = re.compile(rf"\b{_CANCER_NOUN}\b", re.IGNORECASE)
_SPINE_WORDS = re.compile(
    rf"spin(?:e|al)|vertebr|sacr(?:um|al)|lumbar|thoracic|cervical|{VERTEBRA_TOKEN}|\bTh\d|\bD\d{{1,2}}\b",
    re.IGNORECASE,
)
_GENERIC_BONE = re.compile(r"^(?:bones?|osseous|skeletal|bony)$", re.IGNORECASE)
_UNKNOWN_PRIMARY = re.compile(
    r"\b(?:unknown|unidentified|undetermined|occult|unclear|undetected|not\s+(?:be\s+)?(?:found|identified|detected|determined))"
    r"\s+(?:primary|origin|source)|\b(?:primary|origin|source)\s+(?:\w+\s+){0,3}?(?:was|remained|is)\s+(?:still\s+)?(?:unknown|undetermined|"
    r"unidentified|not\s+(?:found|identified|detected|determined)|never\s+(?:found|identified))|\bCUP(?:S)?\b|"
    r"carcinoma\s+of\s+unknown\s+primary|unknown\s+primary\s+(?:site|tumou?r|cancer|malignancy|lesion)",
    re.IGNORECASE,
)
_METASTATIC_HISTOLOGY_CONTEXT = re.compile(r"metasta", re.IGNORECASE)
_BENIGN = re.compile(
    r"h(?:a)?emangioma|cyst|benign|granuloma|calcifi|abscess|infarct|steatosis|fibrosis|atelecta|pneumonia|inflammat",
    re.IGNORECASE,
)
_NOT_IMPLIED = re.compile(
    r"uveal|choroidal|ocular|mucosal|conjunctival|vulvar|sinonasal|anorectal", re.IGNORECASE
)
_STRICT_SITES = frozenset({"soft_tissue"})


def _site_role(pt: PatientText, sent_start: int, sent_end: int, s: int, e: int) -> tuple[str, float]:
    """('primary' | 'metastatic' | 'none', weight) for the site mention text[s:e]."""
    text = pt.text
    after = text[e : min(sent_end, e + 60)]
    before_full = text[max(sent_start, s - 90) : s]
    if _ORGAN_FUNCTION.match(after):
        return "none", 0  # "hepatic failure", "renal function": the organ, not a tumour in it
    cut = _STOP_BEFORE.match(before_full)
    before_clause = before_full[cut.end() :] if cut else before_full
    if _FROM_PRIMARY.search(before_full):
        return "primary", 2
    if _RESECTION_OF.search(before_full):
        return "primary", 1.5  # "wedge resection of the stomach": the primary's organ, usually
    ma = _AFTER_MET.match(after)
    if (
        ma
        and not _CANCER_IN_GAP.search(ma.group("gap"))
        and not _NEGATION_IN_GAP.search(ma.group("gap"))
        and not _OTHER_SITE_IN_GAP.search(ma.group("gap"))
    ):
        return "metastatic", 1
    pa = _AFTER_PRIMARY.match(after)
    if pa:
        noun = pa.group("noun").lower()
        weak = noun.startswith(("mass", "lesion", "nodule", "adenoma"))
        if weak and _METASTATIC_HISTOLOGY_CONTEXT.search(text, sent_start, sent_end):
            return "metastatic", 1
        if weak:
            return "lesion", 0.5
        return "primary", 2
    if _BEFORE_MET.search(before_clause) and _MET_WORD.search(before_clause):
        return "metastatic", 1
    if _BEFORE_PRIMARY.search(before_full):
        return "primary", 2
    if _BEFORE_LESION.search(before_clause):
        return "lesion", 0.5  # "an ulcerated mass at the antrum"
    return "none", 0


# "nodes in the anterior mediastinum", "mediastinal and hilar lymph nodes", "a retroperitoneal nodal
# mass": the organ word places a lymph node; "a thyroid mass invading the trachea and oesophageal wall":
# local extension of the primary; "non-pulmonary visceral metastasis": another organ
_NODE_PLACE_BEFORE = re.compile(
    r"\b(?:nodes?|nodal\s+\w+|lymphadenopath\w*)\s+(?:in|of|within|at)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
_NODE_PLACE_AFTER = re.compile(r"\s*(?:lymph\s+)?(?:nodes?|nodal|lymphadenopath\w*)\b", re.IGNORECASE)
# "mediastinal and hilar lymph nodes": only an adjective ("mediastinal"), not an organ ("the stomach and
# paragastric nodes", "bone and lymph nodes"), shares the nodes of the word after it
_NODE_PLACE_AFTER_PAIR = re.compile(
    r"\s*(?:and|or)\s+[\w-]+\s+(?:lymph\s+)?(?:nodes?|nodal|lymphadenopath\w*)\b", re.IGNORECASE
)
_ADJECTIVE = re.compile(r"(?:al|ic|ar|ary|eal|ine)$", re.IGNORECASE)
_INVASION_BEFORE = re.compile(
    r"\b(?:invad\w*|invasion\s+(?:of|into)|encas\w*)\s+(?:the\s+)?(?:[\w-]+\s+(?:and\s+)?){0,3}$",
    re.IGNORECASE,
)


def _not_a_site_of_disease(text: str, sent_start: int, s: int, e: int) -> bool:
    before = text[max(sent_start, s - 45) : s]
    return (
        before.lower().endswith("non-")
        or bool(_NODE_PLACE_BEFORE.search(before))
        or bool(_NODE_PLACE_AFTER.match(text, e))
        or (bool(_ADJECTIVE.search(text, s, e)) and bool(_NODE_PLACE_AFTER_PAIR.match(text, e)))
        or bool(_INVASION_BEFORE.search(before))
    )


def drop_generic_bone(pt: PatientText, draft: Draft) -> None:
    """Once levels are known: "bone lesion"/"bone metastases" with spinal disease meant the spine."""
    if draft.values.get("spinal_levels") and draft.scratch.get("generic_bone_only"):
        sites = draft.values.get("other_metastasis_sites", [])
        if "bone" in sites:
            sites.remove("bone")
            if not sites:
                del draft.values["other_metastasis_sites"]
                draft.evidence.pop("other_metastasis_sites", None)


def _family(code: str) -> set[str]:
    parents = site_parents()
    fam = {code}
    if code in parents:
        fam.add(parents[code])
    fam.update(k for k, v in parents.items() if v == code)
    return fam


def extract_tumour(pt: PatientText, draft: Draft) -> None:
    """Fill ``histology``, ``primary_site`` and ``other_metastasis_sites``."""
    info = histology_info()
    hist_count: Counter[str] = Counter()
    hist_first: dict[str, int] = {}
    hist_spans: dict[str, list[Span]] = defaultdict(list)
    primary_votes: defaultdict[str, float] = defaultdict(float)
    primary_spans: dict[str, list[Span]] = defaultdict(list)
    text = pt.text

    for sent, code, s, e in pt.terms(histology_table()):
        if pt.flags(sent, s, e) & (NEGATED | HYPOTHETICAL | FAMILY):
            continue
        hist_count[code] += 1
        hist_first.setdefault(code, s)
        hist_spans[code].append((s, e))
        # "rectal GIST" / "GIST of the stomach": a site next to the histology is its primary
        for scode, ss, se in site_table().find(text, max(sent.start, s - 30), min(sent.end, e + 40)):
            inside = ss >= s and se <= e  # "retroperitoneal paraganglioma" read as one term
            if _COMPOUND_AFTER.match(text, se):
                continue  # "muscle-invasive", "tissue-like": a modifier, not an organ
            if (
                inside
                or se <= s
                and not re.search(r"[.;,]|metasta", text[se:s])
                or ss >= e
                and re.match(
                    r"^\s*(?:\([^)]{0,40}\)\s*)?(?:of|in|arising\s+(?:in|from)|originating\s+(?:in|from)|from)\s+(?:the\s+)?"
                    r"(?:\w+[\s-]+){0,2}?(?:(?:part|portion|segment|wall|body|tail|head)\s+of\s+(?:the\s+)?(?:\w+[\s-]+){0,1}?)?$",
                    text[e:ss],
                )
            ):
                primary_votes[scode] += 3
                primary_spans[scode].append((ss, se))

    met_sites: dict[str, list[Span]] = {}
    lesions: dict[str, list[Span]] = {}  # "liver lesions": metastatic unless the organ is the primary
    for table in (site_table(), primary_only_site_table()):
        for sent, code, s, e in pt.terms(table):
            flags = pt.flags(sent, s, e)
            if flags & (NEGATED | FAMILY):
                continue
            if table is primary_only_site_table():
                primary_votes[code] += 2
                primary_spans[code].append((s, e))
                continue
            if code != "lymph_node" and _not_a_site_of_disease(text, sent.start, s, e):
                continue
            role, weight = _site_role(pt, sent.start, sent.end, s, e)
            if (
                code == "lymph_node"
                and role == "none"
                and _NODE_INVOLVED.search(text[max(sent.start, s - 45) : min(sent.end, e + 40)])
            ):
                role = "metastatic"  # "enlarged hypermetabolic para-aortic lymph nodes", "4 of 17 nodes involved"
            if code in _STRICT_SITES and role == "metastatic" and not _AFTER_MET.match(text[e : e + 12]):
                continue  # "soft-tissue component" of a vertebral lesion is not a soft-tissue metastasis
            if (
                code == "bone"
                and re.match(r"pelvis", text[s:e], re.IGNORECASE)
                and re.search(
                    r"(?:nodules?|nodes?|mass(?:es)?|fluid|ascites|collection)\s+in\s+the\s+$",
                    text[max(sent.start, s - 30) : s],
                    re.IGNORECASE,
                )
            ):
                continue  # "peritoneal nodules in the pelvis" is not a bone
            if role == "lesion" and not flags & HYPOTHETICAL:
                if not _BENIGN.search(text, sent.start, sent.end):
                    lesions.setdefault(code, []).append((s, e))
                if code not in ("soft_tissue", "bone", "lymph_node"):  # "a soft-tissue mass" names no primary
                    primary_votes[code] += weight
                    primary_spans[code].append((s, e))
            elif role == "primary" and not flags & HYPOTHETICAL:
                primary_votes[code] += weight
                primary_spans[code].append((s, e))
            elif role == "metastatic" and not flags & HYPOTHETICAL:
                if (
                    code == "bone"
                    and _GENERIC_BONE.match(text[s:e])
                    and _SPINE_WORDS.search(text, sent.start, sent.end)
                ):
                    continue  # "bone metastases in the thoracolumbar spine" are spinal
                met_sites.setdefault(code, []).append((s, e))

    histology = None
    if hist_count:
        histology = max(hist_count, key=lambda c: (info[c].get("rank", 1), hist_count[c], -hist_first[c]))
        draft.set("histology", histology, hist_spans[histology][:3])

    primary = None
    if primary_votes:
        primary = max(primary_votes, key=lambda c: (primary_votes[c], -primary_spans[c][0][0]))
        implied_site = info[histology].get("implies_site") if histology else None
        if primary_votes[primary] < 1 and implied_site:
            primary = None  # only "a lesion in the X": let the histology name the organ
    implied = info[histology].get("implies_site") if histology else None
    if (
        histology
        and implied
        and any(_NOT_IMPLIED.search(text, max(0, a - 20), b) for a, b in hist_spans[histology])
    ):
        implied = None
    # the histology names its organ (renal cell carcinoma → kidney) more surely than a vote
    if (
        implied
        and (primary is None or primary not in _family(implied))
        and (primary is None or primary_votes[primary] < 4 or implied in primary_votes)
    ):
        primary = implied
        primary_spans[implied] = primary_spans.get(implied) or (
            hist_spans[histology][:1] if histology else []
        )
    if primary is None:
        for sent, m in pt.scan(_UNKNOWN_PRIMARY):
            if not pt.flags(sent, m.start(), m.end()) & NEGATED:
                primary = "unknown"
                primary_spans["unknown"] = [m.span()]
                break
    if primary is not None:
        draft.set("primary_site", primary, primary_spans[primary][:3])

    excluded = _family(primary) if primary else set()
    if histology or primary:
        for code, spans in lesions.items():
            if code not in _STRICT_SITES:
                met_sites.setdefault(code, spans)
    bone = met_sites.get("bone", [])
    draft.scratch["generic_bone_only"] = bool(bone) and all(_GENERIC_BONE.match(text[a:b]) for a, b in bone)
    for code, spans in met_sites.items():
        if code in excluded:
            continue
        for span in spans[:3]:
            draft.add("other_metastasis_sites", code, span)
