"""Display labels of codes, and the legend of the abbreviations a review table used.

Example::

    >>> label("histology", "gist"), label("site", "small_intestine")
    ('GIST', 'small intestine')
    >>> used = UsedAbbreviations()
    >>> used.site("liver"), used.site("peritoneum")
    ('L', 'P')
    >>> used.legend()
    'L liver, P peritoneum'
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .abbreviations import abbreviations, load_data, site_abbreviation

#: Spelled-out histology names for captions (``gist`` -> gastrointestinal stromal tumour).
_CAPTION_KINDS = ("histology_long", "histology")


def label(kind: str, code: str | None) -> str:
    """The display label of a code of ``kind`` (``histology``, ``site``, ``surgery``, ``radiotherapy``,
    ``systemic``); unknown codes read with spaces for underscores."""
    if code is None:
        return ""
    table = load_data("labels.yaml").get(kind) or {}
    return str(table.get(code, code.replace("_", " ")))


def long_label(kind: str, code: str) -> str:
    """The spelled-out label (``histology_long`` first): for captions and legends."""
    data = load_data("labels.yaml")
    for k in (f"{kind}_long", kind):
        table = data.get(k) or {}
        if code in table:
            return str(table[code])
    return code.replace("_", " ")


@dataclass
class UsedAbbreviations:
    """Collects the abbreviations a table writes, so its legend lists exactly those."""

    entries: dict[str, str] = field(default_factory=dict)

    def add(self, abbreviation: str, meaning: str) -> str:
        self.entries.setdefault(abbreviation, meaning)
        return abbreviation

    def site(self, code: str) -> str:
        """The abbreviation of a site code, noted for the legend."""
        abbr = site_abbreviation(code)
        return self.add(abbr, label("site", code)) if abbr != code else label("site", code)

    def review(self, abbreviation: str) -> str:
        """A review-table abbreviation (``M``, ``F``, ``Sync.``…) noted for the legend."""
        return self.add(abbreviation, str(abbreviations()["review"].get(abbreviation, abbreviation)))

    def code(self, kind: str, code: str) -> str:
        """A code's label; when the label is an acronym (``GIST``, ``SRS/SBRT``), note its meaning."""
        text = label(kind, code)
        if " " not in text and sum(c.isupper() for c in text) >= 2 and len(text) <= 10:
            meaning = long_label(kind, code)
            if kind == "radiotherapy":
                meaning = {
                    "srs": "stereotactic radiosurgery / stereotactic body radiotherapy",
                    "cebrt": "conventional external beam radiotherapy",
                    "radiotherapy": "radiotherapy",
                }.get(code, meaning)
            if meaning != text:
                self.add(text, meaning)
        return text

    def legend(self) -> str:
        """``"L liver, P peritoneum"``: sorted case-insensitively, as papers print them."""
        return ", ".join(f"{k} {v}" for k, v in sorted(self.entries.items(), key=lambda kv: kv[0].casefold()))
