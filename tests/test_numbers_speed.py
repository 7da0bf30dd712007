"""The faster form of the sentence split gives what the old form gave.

The test keeps the old form (the code before the speed-up) as its reference, named ``_old_...``,
and compares on the development articles and on generated texts made of the pieces the sentence
rule looks for: end marks, closing and opening quotes, abbreviations, and every line break
``str.splitlines`` knows.
"""

from __future__ import annotations

from devtexts import dev_texts
from hypothesis import example, given, settings
from hypothesis import strategies as st

from extractors import tokenizer as tk

# --- sentences -----------------------------------------------------------------------------


def _old_split_sentences(text: str) -> tuple[tuple[int, int], ...]:
    """``_split_sentences`` before the speed-up: lines and sentence ends found by ``re`` scans."""
    out: list[tuple[int, int]] = []
    for line in tk._RE_LINE.finditer(text):
        for s, e in tk._line_sentences(text, line.start(), line.end()):
            s, e = tk._strip(text, s, e)
            if e > s:
                out.append((s, e))
    return tuple(out)


_SENT_PIECES = [
    *("Chiều", "nay", "TP.", "HCM", "Q.", "ThS.", "v.v.", "A.", "ông", "Bà", "1.431", "2019", "x"),
    *(".", "..", "...", "!", "?", "…", "?!", ")", "”", "»", "“", "(", "«", "'", "* ", "• ", "– ", "- "),
    *(" ", "  ", "\t", "\n", "\r\n", "\r", "\x85", "\u2028", "\x0b", "\x1c", "\n\n"),
]
sentence_texts = st.one_of(
    st.lists(st.sampled_from(_SENT_PIECES), max_size=40).map("".join), st.text(max_size=40)
)


@settings(max_examples=600, deadline=None)
@given(sentence_texts)
@example("Năm 2019. * Chiều 16/10, ông A. Nguyễn đến TP. HCM… “Rồi!” (x)\r\nMới.\u2028Hết")
def test_split_sentences_matches_old_form(text: str) -> None:
    assert tk._lines(text) == [m.span() for m in tk._RE_LINE.finditer(text)]
    tk._split_sentences.cache_clear()
    assert tk._split_sentences(text) == _old_split_sentences(text)


def test_split_sentences_matches_old_form_on_dev_articles() -> None:
    for text in dev_texts():
        tk._split_sentences.cache_clear()
        assert tk._split_sentences(text) == _old_split_sentences(text)
