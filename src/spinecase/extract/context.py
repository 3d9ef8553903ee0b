"""Negation, uncertainty and other-person context of a finding (a ConText variant).

ConText (Harkema et al., J Biomed Inform 2009;42:839–51) decides whether a clinical finding is negated,
hypothetical, historical or about someone else from trigger phrases around it and terminators that
end a trigger's scope. This implementation keeps the idea and the rule tables (``lexicon/context.yaml``)
but works on character windows inside one sentence, so it costs a few small regex searches per
finding rather than a token loop — the extractor must run at corpus scale.

* a *pre* trigger negates a finding that follows it within :data:`PRE_WORDS` words, unless a
  terminator ("but", "however", ";", "which"…) stands between them: "no local recurrence",
  "neither liver nor lung metastases";
* a *post* trigger negates a finding that precedes it: "recurrence was not observed",
  "metastasis could not be excluded" (hypothetical);
* family context ("his mother had breast cancer") marks the finding as not the patient's.

Example::

    >>> ctx = Context()
    >>> t = "No local recurrence was seen, but new liver metastases appeared."
    >>> ctx.flags(t, 0, len(t), t.index("local"), t.index("local") + 16) & NEGATED
    1
    >>> ctx.flags(t, 0, len(t), t.index("liver"), t.index("liver") + 5) & NEGATED
    0
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..lexicon import load_yaml

NEGATED = 1
HYPOTHETICAL = 2
FAMILY = 4
PRE_WORDS = 6
_WORD = re.compile(r"\S+")


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\s+", "", pattern), re.IGNORECASE)


class Context:
    """Compiled context rules; :meth:`flags` returns a bit set of NEGATED | HYPOTHETICAL | FAMILY."""

    def __init__(self) -> None:
        data = load_yaml("context.yaml")
        self.neg_pre = _compile(data["negation_pre"])
        self.neg_post = _compile(data["negation_post"])
        self.hyp_pre = _compile(data["hypothetical_pre"])
        self.hyp_post = _compile(data["hypothetical_post"])
        self.term = _compile(data["terminators"])
        self.family = _compile(data["family"])

    def _pre_window(self, text: str, sent_start: int, start: int) -> str:
        """Up to PRE_WORDS words before ``start``, cut at the last terminator."""
        lo = max(sent_start, start - 80)
        window = text[lo:start]
        # the last terminator before the finding ends the scope of triggers further left
        cut = 0
        for t in self.term.finditer(window):
            cut = t.end()
        window = window[cut:]
        words = _WORD.findall(window)
        return " ".join(words[-PRE_WORDS:])

    def _post_window(self, text: str, end: int, sent_end: int) -> str:
        window = text[end : min(sent_end, end + 90)]
        m = self.term.search(window)
        return window[: m.start()] if m else window

    def flags(self, text: str, sent_start: int, sent_end: int, start: int, end: int) -> int:
        """Context of the finding ``text[start:end]`` inside the sentence ``[sent_start, sent_end)``."""
        out = 0
        pre = self._pre_window(text, sent_start, start)
        post = self._post_window(text, end, sent_end)
        if self.neg_pre.search(pre) or self.neg_post.search(post):
            out |= NEGATED
        if self.hyp_pre.search(pre) or self.hyp_post.search(post):
            out |= HYPOTHETICAL
        if self.family.search(text, sent_start, sent_end):
            out |= FAMILY
        return out

    def negated(self, text: str, sent_start: int, sent_end: int, start: int, end: int) -> bool:
        return bool(self.flags(text, sent_start, sent_end, start, end) & NEGATED)


@lru_cache(maxsize=1)
def context() -> Context:
    """The shared compiled :class:`Context` (rules load once per process)."""
    return Context()
