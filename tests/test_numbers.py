"""Tests for extractors.numbers: the numeral parser and the quantity finder.

All sentences are invented for these tests.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.numbers import (
    KINDS,
    QUALIFIERS,
    SCALE_WORDS,
    Quantity,
    find_quantities,
    parse_numeral,
    uses_comma_thousands,
)

# ---------------------------------------------------------------------------
# parse_numeral
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.431", 1431),
        ("10.000", 10000),
        ("1.000.000", 1_000_000),
        ("93,2", 93.2),
        ("718,5", 718.5),
        ("04", 4),
        ("1,4", 1.4),
        ("419,7", 419.7),
        ("0,51", 0.51),
        ("2.5", 2.5),  # a dot not followed by exactly three digits is a decimal point
        ("7.25", 7.25),
        ("12,000", 12.0),  # Vietnamese: the comma is the decimal mark
        ("1,000,000", 1_000_000),  # several comma groups of three: English thousands
        ("1.234,5", 1234.5),
        ("1,4 tỷ", 1.4e9),
        ("193 nghìn", 193_000),
        ("2 ngàn", 2000),
        ("300 tỷ", 3e11),
        ("2,5 triệu", 2.5e6),
        ("1 nghìn tỷ", 1e12),
    ],
)
def test_parse_digits(text: str, expected: float) -> None:
    assert parse_numeral(text) == pytest.approx(expected, rel=0, abs=1e-9)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("một", 1),
        ("hai", 2),
        ("năm", 5),
        ("mười", 10),
        ("mười lăm", 15),
        ("mười một", 11),
        ("mười tư", 14),
        ("hai mươi", 20),
        ("hai mươi mốt", 21),
        ("hai mươi tư", 24),
        ("ba mươi lăm", 35),
        ("năm mươi", 50),
        ("một trăm", 100),
        ("một trăm linh năm", 105),
        ("hai trăm lẻ một", 201),
        ("ba trăm mười hai", 312),
        ("ba nghìn", 3000),
        ("hai ngàn", 2000),
        ("bốn vạn", 40000),
        ("một triệu hai trăm nghìn", 1_200_000),
        ("một nghìn không trăm linh năm", 1005),
        ("ba trăm nghìn tỷ", 3e14),
        ("Hai mươi", 20),  # capitalised at a sentence start
    ],
)
def test_parse_words(text: str, expected: float) -> None:
    assert parse_numeral(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "   ", "abc", "1.1.60", "tư", "mốt", "lăm", "mươi", "trăm", "linh năm", "hai ba", "mười mươi",
     "hai trăm ba", "một mươi", "1,4 mô hình", "hai mô hình", "12/19", "9.600m2"],
)  # fmt: skip
def test_parse_rejects(text: str) -> None:
    assert parse_numeral(text) is None


def test_parse_english_style() -> None:
    assert parse_numeral("12,000", comma_thousands=True) == 12000
    assert parse_numeral("1,234.5", comma_thousands=True) == 1234.5
    assert parse_numeral("1.431", comma_thousands=True) == pytest.approx(1.431)
    assert parse_numeral("93,2", comma_thousands=True) == pytest.approx(93.2)


def test_uses_comma_thousands() -> None:
    assert not uses_comma_thousands("Có 1.431 mô hình và 12,000 lượt người.")
    assert uses_comma_thousands("Có 1,250,000 lượt người, tăng 2.5 lần.")
    assert uses_comma_thousands("Tăng 2.5 lần, đạt 12,000 lượt.")
    assert not uses_comma_thousands("Tăng 2.5 lần, đạt 12.000 lượt.")
    q = _only("Tăng 2.5 lần, đạt 12,000 lượt.", "12,000")
    assert q.value == 12000


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**9))
def test_dot_thousands_round_trip(n: int) -> None:
    assert parse_numeral(f"{n:,}".replace(",", ".")) == n


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**7),
    st.text(alphabet="0123456789", min_size=1, max_size=4),
    st.booleans(),
)
def test_decimal_comma_round_trip(whole: int, frac: str, dotted: bool) -> None:
    int_part = f"{whole:,}".replace(",", ".") if dotted else str(whole)
    assert parse_numeral(f"{int_part},{frac}") == float(Decimal(f"{whole}.{frac}"))


# ---------------------------------------------------------------------------
# find_quantities: tables
# ---------------------------------------------------------------------------


def _only(text: str, surface: str) -> Quantity:
    """The single quantity found in ``text`` whose span is ``surface``."""
    found = find_quantities(text)
    hits = [q for q in found if text[q.start : q.end] == surface]
    assert len(hits) == 1, f"{surface!r} not found once in {[text[q.start : q.end] for q in found]}"
    return hits[0]


NUMBER_CASES = [
    # sentence, span, kind, value, approx, ratio_of, percent, range_to, scale, numeral
    ("Phường đã có 1.431 mô hình mới.", "1.431", "number", 1431, None, None, False, None, None, "1.431"),
    ("Huy động hơn 10.000 ngày công.", "hơn 10.000", "number", 10000, "more_than", None, False, None, None, "10.000"),
    ("Đạt tỷ lệ 93,2% số hộ.", "93,2%", "percent", 93.2, None, None, True, None, None, "93,2"),
    ("Có 100 % hộ tham gia.", "100 %", "percent", 100, None, None, True, None, None, "100"),
    ("Đăng ký 04 mô hình.", "04", "number", 4, None, None, False, None, None, "04"),
    ("Có 356/382 xã hoàn thành.", "356/382", "ratio", 356, None, 382, False, None, None, "356/382"),
    ("Quản lý 8/18 bản vùng cao.", "8/18", "ratio", 8, None, 18, False, None, None, "8/18"),
    ("Xã đạt 12/19 tiêu chí.", "12/19", "ratio", 12, None, 19, False, None, None, "12/19"),
    ("Đến nay 5/5 xã đạt chuẩn.", "5/5", "ratio", 5, None, 5, False, None, None, "5/5"),
    ("Có 9/101 đơn vị chưa báo cáo.", "9/101", "ratio", 9, None, 101, False, None, None, "9/101"),
    ("Tổng cộng 2.310/2.310 hộ ký cam kết.", "2.310/2.310", "ratio", 2310, None, 2310, False, None, None,
     "2.310/2.310"),
    ("Lan tỏa gần 2 ngàn mô hình.", "gần 2 ngàn", "number", 2000, "nearly", None, False, None, 1000, "2"),
    ("Thu hút 193 nghìn lượt người.", "193 nghìn", "number", 193000, None, None, False, None, 1000, "193"),
    ("Vận động được 1,4 tỷ đồng.", "1,4 tỷ", "number", 1.4e9, None, None, False, None, 10**9, "1,4"),
    ("Huy động trên 300 tỷ đồng.", "trên 300 tỷ", "number", 3e11, "more_than", None, False, None, 10**9, "300"),
    ("Hỗ trợ 2,5 triệu đồng mỗi hộ.", "2,5 triệu", "number", 2.5e6, None, None, False, None, 10**6, "2,5"),
    ("Làm mới 2,2 km đường.", "2,2", "number", 2.2, None, None, False, None, None, "2,2"),
    ("Có khoảng 50 hộ tham gia.", "khoảng 50", "number", 50, "about", None, False, None, None, "50"),
    ("Còn chừng 7 hộ chưa ký.", "chừng 7", "number", 7, "about", None, False, None, None, "7"),
    ("Đạt xấp xỉ 80% kế hoạch.", "xấp xỉ 80%", "percent", 80, "about", None, True, None, None, "80"),
    ("Ước 40 tỷ đồng được huy động.", "Ước 40 tỷ", "number", 4e10, "about", None, False, None, 10**9, "40"),
    ("Có dưới 5 hộ nghèo.", "dưới 5", "number", 5, "less_than", None, False, None, None, "5"),
    ("Chưa đến 10 ngày là xong.", "Chưa đến 10", "number", 10, "less_than", None, False, None, None, "10"),
    ("Có chưa tới 3 trường hợp.", "chưa tới 3", "number", 3, "less_than", None, False, None, None, "3"),
    ("Đạt gần như 100% số hộ.", "gần như 100%", "percent", 100, "nearly", None, True, None, None, "100"),
    ("Tăng vượt 20 chỉ tiêu.", "vượt 20", "number", 20, "more_than", None, False, None, None, "20"),
    ("Giai đoạn 2018-2023 có nhiều đổi mới.", "2018-2023", "range", 2018, None, None, False, 2023, None,
     "2018-2023"),
    ("Nhiệm kỳ 2018 – 2023 đã kết thúc.", "2018 – 2023", "range", 2018, None, None, False, 2023, None,
     "2018 – 2023"),
    ("Mỗi tổ giúp 1-2 hộ nghèo.", "1-2", "range", 1, None, None, False, 2, None, "1-2"),
    ("Chấm từ 75- 100 điểm.", "75- 100", "range", 75, None, None, False, 100, None, "75- 100"),
    ("Năng suất đạt khoảng 60-65%.", "khoảng 60-65%", "range", 60, "about", None, True, 65, None, "60-65"),
    ("Cần 2-3 nghìn cây giống.", "2-3 nghìn", "range", 2000, None, None, False, 3000, 1000, "2-3"),
    ("Đổ 9.600m2 bê-tông.", "9.600", "number", 9600, None, None, False, None, None, "9.600"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "span", "kind", "value", "approx", "ratio_of", "percent", "range_to", "scale", "numeral"),
    NUMBER_CASES,
)
def test_digit_quantities(
    text, span, kind, value, approx, ratio_of, percent, range_to, scale, numeral
) -> None:
    q = _only(text, span)
    assert q.kind == kind
    assert q.value == pytest.approx(value, rel=1e-12)
    assert (q.approx, q.ratio_of, q.percent, q.range_to, q.scale) == (
        approx,
        ratio_of,
        percent,
        range_to,
        scale,
    )
    assert text[q.num_start : q.num_end] == numeral
    assert not q.vague


@pytest.mark.parametrize(
    ("text", "span", "kind"),
    [
        ("Ngày 15/10/2019, hội nghị khai mạc.", "15/10/2019", "date"),
        ("Sáng 26/10, đoàn về thăm xã.", "26/10", "date"),
        ("Chiều 7/11/2024, lễ ra mắt diễn ra.", "7/11/2024", "date"),
        ("Từ tháng 12/2014, xã bắt đầu làm.", "12/2014", "date"),
        ("Đến 3/2023, mô hình vẫn duy trì.", "3/2023", "date"),
        ("Từ 31/3, đội bắt đầu hoạt động.", "31/3", "date"),  # no date word, but 31 > 3: not a ratio
        ("Đợt thi đua từ 1/5 đến 30/6.", "1/5", "date"),  # followed by "đến", not by a noun
        ("Đợt thi đua từ 1/5 đến 30/6.", "30/6", "date"),
        ("Ngày 1-10, quận phát động phong trào.", "1-10", "date"),
        ("Lễ mít tinh (15-10-1930 – 15-10-2020) được tổ chức.", "15-10-1930", "date"),
        ("Lễ mít tinh (15/10/1930–15/10/2020) được tổ chức.", "15/10/1930", "date"),
        ("Lễ mít tinh (15/10/1930–15/10/2020) được tổ chức.", "15/10/2020", "date"),
        ("Cập nhật 20.08.2024 lúc sáng.", "20.08.2024", "date"),
        ("Buổi lễ bắt đầu lúc 09:15 sáng nay.", "09:15", "time"),
        ("Video dài 4:00:33 phút.", "4:00:33", "time"),
        ("Trong năm 2022, xã làm 5 mô hình.", "2022", "year"),
        ("Từ 2019, phường duy trì mô hình.", "2019", "year"),
        ("Ngày 15 tháng 10 năm 2022 là ngày hội.", "15", "date"),
        ("Ngày 15 tháng 10 năm 2022 là ngày hội.", "10", "date"),
        ("Ngày 15 tháng 10 năm 2022 là ngày hội.", "2022", "year"),
    ],
)
def test_dates_times_years(text: str, span: str, kind: str) -> None:
    q = _only(text, span)
    assert q.kind == kind
    if kind == "year":
        assert q.value == int(span)
    else:
        assert q.value is None
    assert q.approx is None


@pytest.mark.parametrize(
    ("text", "span", "value", "approx", "numeral", "scale"),
    [
        ("Xã có hai mô hình tiêu biểu.", "hai", 2, None, "hai", None),
        ("Biểu dương mười lăm tập thể.", "mười lăm", 15, None, "mười lăm", None),
        ("Phường có một mô hình mới.", "một", 1, None, "một", None),
        ("Hai mô hình được nhân rộng.", "Hai", 2, None, "Hai", None),
        ("Khen thưởng hai mươi mốt cá nhân.", "hai mươi mốt", 21, None, "hai mươi mốt", None),
        ("Có một trăm linh năm hộ đăng ký.", "một trăm linh năm", 105, None, "một trăm linh năm", None),
        ("Trồng ba nghìn cây xanh.", "ba nghìn", 3000, None, "ba", 1000),
        ("Tổ chức hơn hai mươi cuộc đối thoại.", "hơn hai mươi", 20, "more_than", "hai mươi", None),
        ("Xã có năm mô hình hay.", "năm", 5, None, "năm", None),
        ("Đã có năm mươi hộ tham gia.", "năm mươi", 50, None, "năm mươi", None),
        ("Sau hai mươi năm thực hiện, xã đổi mới.", "hai mươi", 20, None, "hai mươi", None),
        ("Ông đã làm hai năm liền.", "hai", 2, None, "hai", None),
    ],
)
def test_number_words(text: str, span: str, value: int, approx: str | None, numeral: str, scale) -> None:
    q = _only(text, span)
    assert (q.kind, q.value, q.approx, q.vague, q.scale) == ("word", value, approx, False, scale)
    assert text[q.num_start : q.num_end] == numeral


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Có hàng nghìn người tham gia.", "hàng nghìn"),
        ("Có hàng trăm nghìn lượt người.", "hàng trăm nghìn"),
        ("Xây hàng chục công trình.", "hàng chục"),
        ("Thu hút hàng vạn lượt khách.", "hàng vạn"),
        ("Nhiều mô hình được công nhận.", "Nhiều"),
        ("Có vài cá nhân được khen.", "vài"),
        ("Một vài nơi chưa làm tốt.", "Một vài"),
    ],
)
def test_vague(text: str, span: str) -> None:
    q = _only(text, span)
    assert (q.kind, q.value, q.vague) == ("word", None, True)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Đoàn về thăm huyện Ba Vì hôm qua.", "Ba"),
        ("Ba Vì là huyện miền núi.", "Ba"),
        ("Trong năm 2022, phường làm tốt.", "năm"),
        ("Những năm qua, quận đổi mới.", "năm"),
        ("Hằng năm, xã tổ chức hội nghị.", "năm"),
        ("Năm nay quận có kết quả tốt.", "Năm"),
        ("Còn một số hạn chế cần khắc phục.", "một"),
        ("Triển khai một cách bài bản.", "một"),
        ("Đây là lần thứ hai xã tổ chức.", "hai"),
        ("Hội thi tổ chức vào tháng hai hằng năm.", "hai"),
        ("Quận xếp thứ tư toàn thành phố.", "tư"),
        ("Đời sống ngày một nâng cao.", "một"),
        ("Phòng chống Covid-19 hiệu quả.", "19"),
        ("Thực hiện Quyết định 290-QĐ/TW của Bộ Chính trị.", "290"),
        ("Theo Nghị quyết 25-NQ/TW về dân vận.", "25"),
        ("Đào 1.1.60 hố rác.", "1.1.60"),
        ("Ảnh 4201 2b389c6e81 trong bài.", "2"),
        ("Mô hình nuôi ba ba thương phẩm.", "ba"),
        ("Gọi số 03-5730-2357 để báo tin.", "03"),
        ("Gọi số 03-5730-2357 để báo tin.", "2357"),
        ("Rất nhiều.", "nhiều"),
        ("Nhiều hơn năm ngoái.", "Nhiều"),
    ],
)
def test_not_quantities(text: str, absent: str) -> None:
    found = find_quantities(text)
    assert all(text[q.num_start : q.num_end] != absent for q in found), found


def test_comma_lists_and_decimals() -> None:
    text = "Các tổ 3, 4 và 5 đạt 93,2% còn tổ 1,2 và 3 chưa đạt."
    found = find_quantities(text)
    assert [text[q.num_start : q.num_end] for q in found] == ["3", "4", "5", "93,2", "1,2", "3"]
    assert [q.value for q in found] == [3, 4, 5, 93.2, 1.2, 3]


def test_qualifier_case_and_boundary() -> None:
    text = "Hơn 1.000 hộ tham gia, tỷ lệ trên 90%. Phương trên 5 ha."
    found = find_quantities(text)
    assert [(text[q.start : q.end], q.approx) for q in found] == [
        ("Hơn 1.000", "more_than"),
        ("trên 90%", "more_than"),
        ("trên 5", "more_than"),
    ]
    # "hơn" must be a whole word: "thơn 5" carries no qualifier
    q = find_quantities("Thôn thơn 5 hộ.")[0]
    assert (q.approx, q.start) == (None, q.num_start)


def test_empty_and_blank() -> None:
    assert find_quantities("") == []
    assert find_quantities("   \n\t ") == []
    assert find_quantities("Không có con số nào ở đây.") == []


# ---------------------------------------------------------------------------
# find_quantities: properties
# ---------------------------------------------------------------------------

NOUNS = ["mô hình", "tập thể", "cá nhân", "hộ gia đình", "cuộc giám sát", "xã", "công trình"]
PREFIXES = ["Năm nay, phường có", "Toàn huyện đã xây dựng", "Kết quả có", "Đến nay đã có"]


def _dotted(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@settings(max_examples=300, deadline=None)
@given(
    prefix=st.sampled_from(PREFIXES),
    qualifier=st.sampled_from([None, *QUALIFIERS]),
    n=st.integers(min_value=0, max_value=10**9),
    scale=st.sampled_from([None, *SCALE_WORDS]),
    noun=st.sampled_from(NOUNS),
)
def test_composed_quantity_round_trip(prefix, qualifier, n, scale, noun) -> None:
    numeral = _dotted(n)
    phrase = " ".join(x for x in (qualifier, numeral, scale) if x)
    text = f"{prefix} {phrase} {noun}."
    found = find_quantities(text)
    assert len(found) == 1, found
    q = found[0]
    assert text[q.start : q.end] == phrase
    assert text[q.num_start : q.num_end] == numeral
    assert q.value == n * (SCALE_WORDS[scale] if scale else 1)
    assert q.approx == (QUALIFIERS[qualifier] if qualifier else None)
    assert q.scale == (SCALE_WORDS[scale] if scale else None)
    assert q.kind == "number"


def _check_invariants(text: str, found: list[Quantity]) -> None:
    last_end = 0
    for q in found:
        assert 0 <= q.start <= q.num_start < q.num_end <= q.end <= len(text)
        assert q.start >= last_end, "spans overlap or are not sorted"
        last_end = q.end
        assert q.kind in KINDS
        numeral = text[q.num_start : q.num_end]
        if q.kind == "word":
            assert not any(c.isdigit() for c in numeral)
        else:
            assert any(c.isdigit() for c in numeral)
        assert (q.value is None) == (q.kind in ("date", "time") or q.vague)


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_never_crashes_on_any_text(text: str) -> None:
    _check_invariants(text, find_quantities(text))


NUMERIC_ALPHABET = "0123456789.,/-–:% \n"
WORDS = ["hơn ", "gần như ", "khoảng ", "tỷ ", "nghìn ", "ngày ", "năm ", "hai ", "mươi ", "mốt ", "hàng ", "trăm ",
         "mô hình ", "Ba ", "xã ", "Covid-", "QĐ/TW ", "m2 ", "một ", "số ", "nhiều ", "%", "tháng ", "lăm "]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.one_of(st.text(alphabet=NUMERIC_ALPHABET, max_size=6), st.sampled_from(WORDS)), max_size=25)
)
def test_never_crashes_on_numeric_soup(parts: list[str]) -> None:
    text = "".join(parts)
    _check_invariants(text, find_quantities(text))


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", "Bé", "_", "1", " ", "\t", "\n", ",", "ngày", "THÁNG", "x" * 30, "İ"]),
        max_size=14,
    ),
    st.integers(min_value=0, max_value=200),
)
def test_prev_words_as_the_pattern_finds_them(pieces: list[str], at: int) -> None:
    from extractors.numbers import _RE_PREV_WORDS, _prev_words

    text = "".join(pieces)
    pos = min(at, len(text))
    m = _RE_PREV_WORDS.search(text, max(0, pos - 40), pos)
    if not m:
        expected = ("", "")
    elif m.group(2):
        expected = (m.group(2).lower(), f"{m.group(1)} {m.group(2)}".lower())
    else:
        expected = (m.group(1).lower(), "")
    assert _prev_words(text, pos) == expected


def _word_quantities_word_by_word(text: str):
    """``_word_quantities`` as it reads every word of the text in turn (the plain rule)."""
    from extractors import numbers as n

    words = [(m.start(), m.end(), m.group(0)) for m in n._RE_WORD.finditer(text)]
    out, i = [], 0
    while i < len(words):
        if words[i][2].lower() not in n._ANY_STARTERS:
            i += 1
            continue
        q, nxt = n._vague_quantity(text, words, i)
        if q is None:
            q, nxt = n._word_quantity(text, words, i)
        if q is not None:
            out.append(q)
        i = max(nxt, i + 1)
    return out


_NUMBER_TEXT = st.lists(
    st.tuples(
        st.sampled_from([" ", " ", "", "\t", ", ", ". ", "\n"]),
        st.sampled_from(
            ["một", "Một", "MỘT", "hai", "ba", "năm", "mươi", "mười", "trăm", "nghìn", "triệu", "hàng", "vài"]
            + ["nhiều", "chục", "hộ", "gia", "đình", "thứ", "ngày", "ſáu", "sáu", "İ", "x", "Ba", "lăm", "tư"]
        ),
    ),
    max_size=16,
)


@settings(max_examples=300, deadline=None)
@given(_NUMBER_TEXT, st.sampled_from([2, 3, 10]))
def test_word_quantities_as_word_by_word(pieces, near: int) -> None:
    from unittest import mock

    from extractors import numbers as n

    text = "".join(a + b for a, b in pieces)
    with mock.patch.object(n, "_NEAR_WORDS", near):  # small windows: growing ones too
        assert n._word_quantities(text) == _word_quantities_word_by_word(text)


@pytest.mark.parametrize("near", [1, 2, 10])
def test_word_quantities_read_past_growing_windows(near: int) -> None:
    """A numeral of many words read from small windows that must grow several times."""
    from unittest import mock

    from extractors import numbers as n

    text = "Xã có một trăm hai mươi ba nghìn bốn trăm năm mươi sáu hộ gia đình tham gia"
    with mock.patch.object(n, "_NEAR_WORDS", near):
        got = n._word_quantities(text)
    assert got == _word_quantities_word_by_word(text)
    assert [text[q.num_start : q.num_end] for q in got] == [
        "một trăm hai mươi ba nghìn bốn trăm năm mươi sáu"
    ]


def test_words_that_re_alone_reads_case_blind_are_no_qualifier_or_scale():
    # "İ" matches "i" case-blindly in re, but lower-cases to "i̇": such a word used to raise
    # KeyError and fail the whole article; now it is simply not a qualifier or scale word
    (q,) = [q for q in find_quantities("Có dướİ 5 mô hình") if q.value == 5]
    assert q.approx is None and q.start == q.num_start
    (q,) = [q for q in find_quantities("Hỗ trợ 5 trİệu đồng") if q.value == 5]
    assert q.scale is None and q.end == q.num_end
    (q,) = [q for q in find_quantities("Có dưới 5 mô hình, 3 triệu đồng") if q.value == 5]
    assert q.approx is not None and q.start < q.num_start
