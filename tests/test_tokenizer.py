"""Tests for extractors.tokenizer: words with offsets (both backends) and sentences.

All sentences are invented for these tests; the real articles are read from
``../shared`` only, for invariants, and the test skips when they are absent.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.tokenizer import BACKENDS, Token, normalize_tone_marks, split_sentences, tokenize

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared"
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"


@pytest.fixture(scope="session")
def warm_backends() -> tuple[str, ...]:
    """Import and load both backends once per session (underthesea takes seconds)."""
    for backend in BACKENDS:
        tokenize("khởi động", backend)
    return BACKENDS


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, warm_backends: tuple[str, ...]) -> str:
    return request.param


def words(text: str, backend: str) -> list[str]:
    return [t.text for t in tokenize(text, backend)]


def assert_valid(text: str, tokens: list[Token]) -> None:
    """Offsets round-trip, tokens are sorted, disjoint, trimmed, on one line, and cover the text."""
    covered = [0] * len(text)
    last_end = 0
    for t in tokens:
        assert text[t.start : t.end] == t.text
        assert t.start >= last_end and t.end > t.start
        last_end = t.end
        assert t.text == t.text.strip()
        assert not any(c in LINE_BREAKS for c in t.text)
        for i in range(t.start, t.end):
            covered[i] += 1
    assert all(n == 1 for n, c in zip(covered, text, strict=True) if not c.isspace()), (
        "visible char not covered"
    )
    assert all(n <= 1 for n in covered)


# ---------------------------------------------------------------------------
# token tables
# ---------------------------------------------------------------------------

# Tokens that must come out exactly so, whatever the backend.
ONE_TOKEN = [
    ("Phường có 1.431 mô hình.", "1.431"),
    ("Hội có 10.000 hội viên.", "10.000"),
    ("Đạt tỷ lệ 93,2% số hộ.", "93,2%"),
    ("Có 356/382 xã hoàn thành.", "356/382"),
    ("Đăng ký 04 mô hình.", "04"),
    ("Giai đoạn 2018-2023 có nhiều đổi mới.", "2018-2023"),
    ("Ngày 15/10/2019 là ngày hội.", "15/10/2019"),
    ("Buổi lễ bắt đầu lúc 09:15 sáng.", "09:15"),
    ("Đoàn công tác đến TP.HCM hôm qua.", "TP.HCM"),
    ("Đoàn công tác đến TP.HCM.", "TP.HCM"),
    ("Th.S Lê Văn Tâm phát biểu.", "Th.S"),
    ("Trồng cây, làm đường, v.v. đều tốt.", "v.v."),
    ("Đổ bê-tông đường làng.", "bê-tông"),
    ("Phòng chống Covid-19 hiệu quả.", "Covid-19"),
    ("Hiến 419,7 ha đất.", "419,7"),
    ("Có 2.310/2.310 hộ ký cam kết.", "2.310/2.310"),
    ("Lễ kỷ niệm (15-10-1930 – 15-10-2020) diễn ra.", "15-10-1930"),
]


@pytest.mark.parametrize(("text", "token"), ONE_TOKEN)
def test_one_token(text: str, token: str, backend: str) -> None:
    assert token in words(text, backend)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tỷ lệ đạt 93,2% với 356/382 xã.", ["Tỷ lệ", "đạt", "93,2%", "với", "356/382", "xã", "."]),
        (
            "Giai đoạn 2018-2023, phường có 04 mô hình và 10.000 hội viên.",
            ["Giai đoạn", "2018-2023", ",", "phường", "có", "04", "mô hình", "và", "10.000", "hội viên", "."],
        ),
        (
            "Ngày 15/10/2019 lúc 09:15 tại TP.HCM.",
            ["Ngày", "15/10/2019", "lúc", "09:15", "tại", "TP.HCM", "."],
        ),
        (
            "Các lĩnh vực văn hóa-xã hội và quốc phòng-an ninh.",
            ["Các", "lĩnh vực", "văn hóa", "-", "xã hội", "và", "quốc phòng", "-", "an ninh", "."],
        ),
        (
            "Đổ 9.600m2 bê-tông, phòng Covid-19.",
            ["Đổ", "9.600", "m2", "bê-tông", ",", "phòng", "Covid-19", "."],
        ),
        ("Tiêu đề\nChia sẻ Zalo\nTin khác", ["Tiêu đề", "Chia sẻ", "Zalo", "Tin", "khác"]),
    ],
)
def test_token_table(text: str, expected: list[str], backend: str) -> None:
    assert words(text, backend) == expected


def test_hyphenated_compound_is_split_for_the_backend(backend: str) -> None:
    toks = words("Phát triển văn hóa-xã hội bền vững.", backend)
    assert "hóa-xã" not in " ".join(toks)
    assert "-" in toks


def test_tone_mark_variants_keep_the_text(backend: str) -> None:
    old, new = "Thành uỷ chỉ đạo hoà giải ở cơ sở.", "Thành ủy chỉ đạo hòa giải ở cơ sở."
    a, b = tokenize(old, backend), tokenize(new, backend)
    assert "uỷ" in "".join(t.text for t in a) and "ủy" not in "".join(t.text for t in a)
    assert [(t.start, t.end) for t in a] == [(t.start, t.end) for t in b]


@pytest.mark.parametrize(
    ("old", "new"),
    [("hoà", "hòa"), ("Thành uỷ", "Thành ủy"), ("THUỶ", "THỦY"), ("khoẻ", "khỏe"), ("toả sáng", "tỏa sáng"),
     ("hoàng", "hoàng"), ("quý", "quý"), ("hòa", "hòa"), ("thuyền", "thuyền")],
)  # fmt: skip
def test_normalize_tone_marks(old: str, new: str) -> None:
    assert normalize_tone_marks(old) == new


def test_never_joins_across_lines(backend: str) -> None:
    text = "Chia sẻ Zalo\nKinh tế đô thị\r\nTin khác\u2028Xem thêm"
    toks = tokenize(text, backend)
    assert_valid(text, toks)
    assert "Zalo" in [t.text for t in toks]


def test_offsets_on_invented_text(backend: str) -> None:
    text = (
        "  Quận ủy Hoàng Mai: “Dân vận khéo” có 1.431 mô hình (93,2%)…\n\n"
        "\tNăm 2024, hơn 193 nghìn lượt người tham gia; 356/382 xã đạt chuẩn.  \n"
    )
    assert_valid(text, tokenize(text, backend))


def test_empty_and_blank(backend: str) -> None:
    assert tokenize("", backend) == []
    assert tokenize("   \n\t  \r\n", backend) == []


NAUGHTY = [
    "😀🎉 Mô hình 👍 tốt 🇻🇳",
    "Cafe\u0301 và Đ\u0300 với e\u0301 và a\u0323\u0302",  # combining marks (not NFC)
    "!!!...???,,,;;;---“”‘’«»()[]{}",
    "Thành\u00a0phố\u2009có\u200b\u200c\u200dmô\ufeffhình",  # NBSP, thin space, zero-width, BOM
    "Ðảng ủy (Ð is U+00D0, not Đ)",
    "مرحبا 你好 Привет Γειά",
    "\u202eđảo ngược\u202c",
    "_ __ ___ a_b",
    "1.2.3.4.5 1,2,3 1/2/3/4 12:34:56:78 %%% 10 % 5-",
    "nghành giáo dục và nghỉ ngơi",  # underthesea rewrites the first word
    "xã hội-" * 3 + "-văn hóa",
]


@pytest.mark.parametrize("text", NAUGHTY)
def test_naughty_strings(text: str, backend: str) -> None:
    assert_valid(text, tokenize(text, backend))


def test_very_long_line(backend: str) -> None:
    text = "Xã có 1.431 mô hình dân vận khéo, " * 600  # ~20,000 characters, no line break
    toks = tokenize(text, backend)
    assert_valid(text, toks)
    assert sum(t.text == "1.431" for t in toks) == 600


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_arbitrary_text(backend: str, text: str) -> None:
    assert_valid(text, tokenize(text, backend))


def test_unknown_backend_is_named() -> None:
    with pytest.raises(ValueError, match=r"'spacy'.*underthesea.*pyvi"):
        tokenize("xin chào", "spacy")


def test_backends_are_imported_lazily() -> None:
    code = (
        "import sys\n"
        "import extractors.tokenizer as t\n"
        "assert 'underthesea' not in sys.modules and 'pyvi' not in sys.modules\n"
        "t.split_sentences('Một câu. Hai câu.')\n"
        "t.tokenize('xin chào', 'pyvi')\n"
        "assert 'pyvi' in sys.modules and 'underthesea' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=120)


def _shared_texts() -> list[str]:
    files = sorted((SHARED / "seeds").glob("*.txt")) + sorted((SHARED / "dev" / "articles").glob("*.txt"))
    if not files:
        pytest.skip(f"no development articles under {SHARED.resolve()} (../shared is absent)")
    return [f.read_text(encoding="utf-8") for f in files]


@pytest.mark.devset
def test_real_articles_keep_offsets(backend: str) -> None:
    texts = _shared_texts()
    for text in texts:
        toks = tokenize(text, backend)
        assert_valid(text, toks)
        # numbers of the articles stay whole: no token is a bare thousands group
        assert not any(t.text.startswith((".", ",")) and t.text[1:].isdigit() for t in toks)


# ---------------------------------------------------------------------------
# sentences
# ---------------------------------------------------------------------------


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Một câu. Hai câu.", ["Một câu.", "Hai câu."]),
        (
            "Tiêu đề không có dấu chấm\nNgày 26/10, quận tổ chức hội nghị. Có 1.431 mô hình.",
            ["Tiêu đề không có dấu chấm", "Ngày 26/10, quận tổ chức hội nghị.", "Có 1.431 mô hình."],
        ),
        ("Đoàn đến TP. Hồ Chí Minh hôm qua. Sau đó về Q. 10.", ["Đoàn đến TP. Hồ Chí Minh hôm qua.", "Sau đó về Q. 10."]),
        ("Ông Nguyễn Văn A. Bình dự họp.", ["Ông Nguyễn Văn A. Bình dự họp."]),
        ("Xã làm đường, trồng cây v.v. Nhờ vậy đời sống khá hơn.", ["Xã làm đường, trồng cây v.v. Nhờ vậy đời sống khá hơn."]),
        ("ThS. Lê Văn Tâm và PGS. Trần Hà dự.", ["ThS. Lê Văn Tâm và PGS. Trần Hà dự."]),
        ("Tại TP.HCM có 10.000 hội viên. Tại T.P Thái Nguyên cũng vậy.", ["Tại TP.HCM có 10.000 hội viên.", "Tại T.P Thái Nguyên cũng vậy."]),
        ("Ông nói: “Đây là mô hình tốt.” Bà đồng ý.", ["Ông nói: “Đây là mô hình tốt.”", "Bà đồng ý."]),
        ("Thật sao? Đúng vậy! Tốt lắm… Tiếp tục nhé.", ["Thật sao?", "Đúng vậy!", "Tốt lắm…", "Tiếp tục nhé."]),
        ("Năm 2019. 120 mô hình được công nhận.", ["Năm 2019.", "120 mô hình được công nhận."]),
        ("Có 5 mô hình. (Ảnh minh họa)", ["Có 5 mô hình.", "(Ảnh minh họa)"]),
        ("Họp năm 2019. * Chiều 16/10, quận họp. – Ông A nói.", ["Họp năm 2019.", "* Chiều 16/10, quận họp.", "– Ông A nói."]),
        ("Tổng kết 5. - tiếp theo là phần hai.", ["Tổng kết 5. - tiếp theo là phần hai."]),
        ("đạt 93,2%. các xã khác chưa đạt.", ["đạt 93,2%. các xã khác chưa đạt."]),  # lower case: no split
        ("  \n  Câu có khoảng trắng.   \n\n", ["Câu có khoảng trắng."]),
    ],
)  # fmt: skip
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_sentences_of_blank_text() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\t\r\n ") == []


def assert_valid_sentences(text: str, spans: list[tuple[int, int]]) -> None:
    owner = [0] * len(text)
    last = 0
    for s, e in spans:
        assert last <= s < e <= len(text)
        last = e
        assert not text[s].isspace() and not text[e - 1].isspace()
        assert not any(c in LINE_BREAKS for c in text[s:e])
        for i in range(s, e):
            owner[i] += 1
    assert all(owner[i] == 1 for i, c in enumerate(text) if not c.isspace())


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_sentences_cover_every_visible_char(text: str) -> None:
    assert_valid_sentences(text, split_sentences(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["Xã có", " ", "1.431", ".", "!", "?", "…", "\n", "TP.", "Hà Nội", "“", "”", "v.v.",
                                 " Ông", "mô hình", "Q.", "10", "  ", "\r\n", "A."]), max_size=30))  # fmt: skip
def test_sentences_cover_every_visible_char_in_soup(parts: list[str]) -> None:
    text = "".join(parts)
    assert_valid_sentences(text, split_sentences(text))


@pytest.mark.devset
def test_real_article_sentences() -> None:
    for text in _shared_texts():
        spans = split_sentences(text)
        assert_valid_sentences(text, spans)
        assert len(spans) >= len([line for line in text.splitlines() if line.strip()])


# --- the fast paths give what the plain rules give ----------------------------------------------

_PIECES = [
    "a", "B", "v", ".", "1", "2", " ", "-", "–", "%", "/", ":", "TP", "HCM", "Th", "S", "v.v.", "m2",
    "ủ", "Đ", ",", "\n", "bê", "tông", "xã", "hội",
]  # fmt: skip


def _protected_by_one_scan(text: str) -> list[tuple[int, int]]:
    from extractors.tokenizer import _RE_PROTECT

    out = []
    for m in _RE_PROTECT.finditer(text):
        abbr = m.group("abbr")
        if abbr is not None and not (abbr[0].isupper() and abbr.rsplit(".", 1)[1].isupper()):
            continue
        out.append(m.span())
    return out


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=16))
def test_protected_spans_as_one_scan_finds_them(pieces: list[str]) -> None:
    from extractors.tokenizer import _protected

    text = "".join(pieces)
    assert _protected(text) == _protected_by_one_scan(text)


def _merge_hyphens_plain(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The rule of ``_merge_hyphens``, span by span."""
    import re

    from extractors.tokenizer import _strip

    out: list[tuple[int, int]] = []
    i = 0
    while i < len(spans):
        s, e = spans[i]
        if (
            out
            and i + 1 < len(spans)
            and e - s == 1
            and text[s] == "-"
            and out[-1][1] == s
            and spans[i + 1][0] == e
            and text[s - 1].isalpha()
            and text[e].isalnum()
            and re.search(r"\s", text[out[-1][0] : s]) is None
        ):
            rs, re_ = spans[i + 1]
            space = re.compile(r"\s").search(text, rs, re_)
            if space is None:
                out[-1] = (out[-1][0], re_)
            else:
                out[-1] = (out[-1][0], space.start())
                out.append(_strip(text, space.start(), re_))
            i += 2
            continue
        out.append((s, e))
        i += 1
    return out


def _apply_protected_plain(text, spans, protected):
    """The rule of ``_apply_protected``, span by span, then sorted."""
    from extractors.tokenizer import _strip

    if not protected:
        return spans
    out = list(protected)
    j = 0
    for s, e in spans:
        while j < len(protected) and protected[j][1] <= s:
            j += 1
        if j == len(protected) or protected[j][0] >= e:
            out.append((s, e))
            continue
        cur, k = s, j
        while k < len(protected) and protected[k][0] < e:
            ps, pe = protected[k]
            if ps > cur:
                out.append(_strip(text, cur, ps))
            cur = max(cur, pe)
            k += 1
        if cur < e:
            out.append(_strip(text, cur, e))
    return sorted(x for x in out if x[1] > x[0])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=16), st.lists(st.booleans(), max_size=16))
def test_hyphens_and_protected_spans_as_span_by_span(pieces: list[str], joins: list[bool]) -> None:
    from extractors.tokenizer import _apply_protected, _fill_gaps, _merge_hyphens, _protected

    text = "".join(pieces)
    spans = _fill_gaps(text, [])
    joined: list[tuple[int, int]] = []  # a backend's joins across spaces (not across lines)
    for k, span in enumerate(spans):
        if joined and k < len(joins) and joins[k] and "\n" not in text[joined[-1][0] : span[1]]:
            joined[-1] = (joined[-1][0], span[1])
        else:
            joined.append(span)
    merged = _merge_hyphens(text, joined)
    assert merged == _merge_hyphens_plain(text, joined)
    protected = _protected(text)
    assert _apply_protected(text, merged, protected) == _apply_protected_plain(text, merged, protected)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", "B", " ", "(", "“", '"', "'", "«", "\n", ".", "TP", "\t", "hoà"]), max_size=10
    ),
    st.integers(min_value=0, max_value=40),
    st.integers(min_value=0, max_value=40),
)
def test_word_before_as_the_pattern_finds_it(pieces: list[str], a: int, b: int) -> None:
    from extractors.tokenizer import _RE_WORD_BEFORE, _word_before

    text = "".join(pieces)
    lo, hi = sorted((min(a, len(text)), min(b, len(text))))
    m = _RE_WORD_BEFORE.search(text, lo, hi)
    assert _word_before(text, lo, hi) == (m.group(1) if m else None)
