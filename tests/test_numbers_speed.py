"""The faster forms of the sentence split and of the numeric quantities give what the old forms gave.

The test keeps the old form (the code before the speed-up) as its reference, named ``_old_...``,
and compares on the development articles and on generated texts made of the pieces the sentence
rule looks for: end marks, closing and opening quotes, abbreviations, and every line break
``str.splitlines`` knows.
"""

from __future__ import annotations

import re
from dataclasses import astuple, fields
from pathlib import Path

from devtexts import dev_texts
from hypothesis import example, given, settings
from hypothesis import strategies as st

from extractors import numbers as nu
from extractors import tokenizer as tk
from extractors.numbers import Quantity

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


# --- quantities: the numeric readings ------------------------------------------------------


def _old_left_ok(text: str, start: int) -> bool:
    if start == 0:
        return True
    c = text[start - 1]
    if c.isalnum() or c == "_":
        return False
    if start >= 2 and c in "-–—.,/:" and text[start - 2].isdigit():
        return False
    return not (start >= 2 and c in "-–—" and text[start - 2].isalpha())


def _old_right_ok(text: str, end: int) -> bool:
    if end >= len(text):
        return True
    c = text[end]
    if c.isalpha():
        return bool(nu._RE_MEASURE.match(text, end))
    if c.isdigit() or c == "_":
        return False
    nxt = text[end + 1] if end + 1 < len(text) else ""
    return not (c in "-–/" and nxt and (nxt.isalpha() or nxt.isdigit()))


def _old_small_int(s: str) -> int | None:
    return int(s) if nu._RE_INT.fullmatch(s) and len(s) <= 4 else None


def _old_qualifier(text: str, start: int) -> tuple[str | None, int]:
    lo = max(0, start - 16)
    p = start - 1 if start > lo and text[start - 1] == "\n" else start
    q = p
    while q > lo and text[q - 1] in " \t":
        q -= 1
    if q in (p, lo) or nu._QUALIFIER_LAST.match(text, q - 1) is None:
        return None, start
    m = nu._RE_QUALIFIER.search(text, lo, start)
    qualifier = nu.QUALIFIERS.get(m.group(1).lower()) if m else None
    if qualifier is None:
        return None, start
    return qualifier, m.start(1)


def _old_tail(text: str, end: int) -> tuple[bool, int | None, int]:
    pct = nu._RE_PERCENT.match(text, end)
    if pct:
        return True, None, pct.end()
    m = nu._RE_SCALE.match(text, end)
    if not m:
        return False, None, end
    mult = 1
    for w in m.group(0).split():
        factor = nu.SCALE_WORDS.get(w.lower())
        if factor is None:
            return False, None, end
        mult *= factor
    return False, mult, m.end()


def _old_simple(start: int, end: int, kind: str, value: float | None = None) -> Quantity:
    return Quantity(start, end, value, kind=kind, num_start=start, num_end=end)


def _old_numeric_quantity(text: str, m: re.Match, comma_thousands: bool) -> Quantity | None:
    """``_numeric_quantity`` before: groups tested one by one, records built by ``Quantity``."""
    start, end = m.start(), m.end()
    if m.group("date3"):
        if (start and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
            return None
    elif not _old_left_ok(text, start) or not _old_right_ok(text, end):
        return None
    if m.group("time"):
        parts = [int(x) for x in m.group("time").split(":")]
        ok = parts[0] <= 24 and all(x < 60 for x in parts[1:])
        return _old_simple(start, end, "time") if ok else None
    if m.group("date3"):
        d, mo, y, sep = m.group("d"), m.group("m"), m.group("y"), m.group("sep")
        if not nu._valid_dm(int(d), int(mo)) or (sep == "." and len(y) != 4) or len(y) == 3:
            return None
        return _old_simple(start, end, "date")
    if m.group("p"):
        a, b = _old_small_int(m.group("p")), _old_small_int(m.group("q"))
        if nu._slash_kind(text, m, a, b) == "date":
            return _old_simple(start, end, "date")
        va = nu._digits_value(m.group("p"), comma_thousands)
        vb = nu._digits_value(m.group("q"), comma_thousands)
        if va is None or vb is None:
            return None
        approx, qstart = _old_qualifier(text, start)
        return Quantity(qstart, end, float(va), approx, float(vb), kind="ratio", num_start=start, num_end=end)
    if m.group("a"):
        return _old_range_quantity(text, m, comma_thousands)
    return _old_number_quantity(text, m, comma_thousands)


def _old_range_quantity(text: str, m: re.Match, comma_thousands: bool) -> Quantity | None:
    start, end = m.start(), m.end()
    a_s, b_s = m.group("a"), m.group("b")
    a, b = _old_small_int(a_s), _old_small_int(b_s)
    glued = m.group("dash") in "-–—"
    short = len(a_s) <= 2 and len(b_s) <= 2
    if glued and short and nu._valid_dm(a, b) and nu._prev_words(text, start)[0] in nu._DATE_WORDS:
        return _old_simple(start, end, "date")
    va, vb = nu._digits_value(a_s, comma_thousands), nu._digits_value(b_s, comma_thousands)
    if va is None or vb is None:
        return None
    pct, scale, qend = _old_tail(text, end)
    if scale:
        va, vb = va * scale, vb * scale
    approx, qstart = _old_qualifier(text, start)
    return Quantity(
        qstart, qend, float(va), approx, percent=pct, kind="range", scale=scale,
        num_start=start, num_end=end, range_to=float(vb),
    )  # fmt: skip


def _old_number_quantity(text: str, m: re.Match, comma_thousands: bool) -> Quantity | None:
    start, end = m.start(), m.end()
    s = m.group("n")
    value = nu._digits_value(s, comma_thousands)
    if value is None:
        return None
    pct, scale, qend = _old_tail(text, end)
    if not pct and not scale and (n := _old_small_int(s)) is not None and (len(s) <= 2 or 1945 <= n <= 2100):
        prev1, prev2 = nu._prev_words(text, start)
        if len(s) == 4 and 1945 <= n <= 2100 and (prev1 in nu._YEAR_WORDS or prev2 in nu._YEAR_BIGRAMS):
            return _old_simple(start, end, "year", float(n))
        if len(s) <= 2 and ((prev1 == "ngày" and 1 <= n <= 31) or (prev1 == "tháng" and 1 <= n <= 12)):
            return _old_simple(start, end, "date")
    if scale:
        value *= scale
    approx, qstart = _old_qualifier(text, start)
    kind = "percent" if pct else "number"
    return Quantity(
        qstart, qend, float(value), approx, percent=pct, kind=kind, scale=scale, num_start=start, num_end=end
    )


def _same_numeric(text: str) -> None:
    for comma in (False, True):
        for m in nu._numeric_matches(text):
            old, new = _old_numeric_quantity(text, m, comma), nu._numeric_quantity(text, m, comma)
            assert (old is None and new is None) or (type(new) is Quantity and astuple(old) == astuple(new))
    for pos in range(len(text) + 1):
        assert nu._qualifier(text, pos) == _old_qualifier(text, pos)
        assert nu._tail(text, pos) == _old_tail(text, pos)
        if nu._may_follow_date_word(text, pos) is False:
            prev1, prev2 = nu._prev_words(text, pos)
            assert prev1 not in nu._DATE_OR_YEAR_LAST and prev2 not in nu._YEAR_BIGRAMS


_NUM_PIECES = [
    *("2023", "15", "3", "1.431", "93,2", "1,000,000", "2.5", "10/5", "356/382", "15/10/2023", "7:30", "²"),
    *("năm", "Năm", "NĂM", "ngày", "tháng", "từ", "đến", "tới", "giai đoạn", "nhiệm kỳ", "kỲ", "İ", "Σ"),
    *("hơn", "gần", "khoảng", "dưới", "chưa đến", "dướİ", "trên", "hai", "trăm", "nghìn", "tỷ", "triệu"),
    *(" ", " ", "  ", "\t", "\n", "%", " %", "-", " – ", "/", ":", ".", ",", "_", "km", "m2", "a", "(", ")"),
]
number_texts = st.one_of(
    st.lists(st.sampled_from(_NUM_PIECES), max_size=30).map("".join), st.text(max_size=30)
)


@settings(max_examples=600, deadline=None)
@given(number_texts)
@example("hơn 2023 tháng 12 nhiệm kỳ 2021-2026 ngày 15/10/2023 khoảng 3 tỷ 45 %, 7:30 từ\n1990")
def test_numeric_quantities_match_old_form(text: str) -> None:
    _same_numeric(text)


def test_numeric_quantities_match_old_form_on_dev_articles() -> None:
    samples = sorted((Path(__file__).resolve().parents[1] / "corpus" / "samples").glob("*.txt"))
    for text in [*dev_texts(), *(f.read_text(encoding="utf-8") for f in samples)]:
        _same_numeric(text)


def test_quantity_builder_gives_the_records_init_gives() -> None:
    assert [f.name for f in fields(Quantity)] == list(Quantity.__slots__)
    assert not hasattr(Quantity, "__post_init__")
    args = (3, 9, 1.5, "about", 2.0, True, "ratio", 1000, 4, 8, True, 7.0)
    built = nu._quantity(*args)
    assert type(built) is Quantity and astuple(built) == args and built == Quantity(*args)
    assert hash(built) == hash(Quantity(*args))
