"""The source text with its evidence marked: every span that supports a field becomes a ``<mark>``.

Spans of different fields may overlap, so the text is cut at every span boundary and each piece
names all the fields it supports (``data-fields``). The first piece of each field carries the id
``ev-<field>``, the target of the field's "evidence" link: a click (or Enter) on a field scrolls the
text there even without JavaScript; with it, every piece of that field lights up. All text and
attribute values are HTML-escaped here, so a report containing ``<script>`` is shown, never run.

Example::

    >>> str(highlight("A 61-year-old <man>.", {"age": [(2, 13)]}))
    'A <mark class="ev" data-fields="age" id="ev-age">61-year-old</mark> &lt;man&gt;.'
    >>> print(highlight("a man", {"sex": [(2, 5)], "age": [(2, 5)]}))
    a <span class="ev-anchor" id="ev-sex" data-fields="sex"></span><mark class="ev" data-fields="age sex" id="ev-age">man</mark>
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

from .display import slug


def highlight(text: str, spans: Mapping[str, Sequence[tuple[int, int]]]) -> Markup:
    """``text`` as HTML with the ``spans`` of each field marked (offsets are clamped to the text)."""
    n = len(text)
    clean: list[tuple[int, int, str]] = []
    for field, pairs in spans.items():
        for start, end in pairs:
            a, b = max(0, min(int(start), n)), max(0, min(int(end), n))
            if a < b:
                clean.append((a, b, field))
    cuts = sorted({0, n, *(a for a, _, _ in clean), *(b for _, b, _ in clean)})
    out: list[str] = []
    seen: set[str] = set()
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = escape(text[a:b])
        fields = sorted({f for s, e, f in clean if s <= a and b <= e})
        if not fields:
            out.append(str(piece))
            continue
        new = [f for f in fields if f not in seen]
        seen.update(fields)
        # a field whose every span is shared with one marked earlier still needs its own target
        for extra in new[1:]:
            out.append(
                f'<span class="ev-anchor" id="ev-{escape(slug(extra))}" data-fields="{escape(extra)}"></span>'
            )
        ident = f' id="ev-{escape(slug(new[0]))}"' if new else ""
        out.append(f'<mark class="ev" data-fields="{escape(" ".join(fields))}"{ident}>{piece}</mark>')
    return Markup("".join(out))
