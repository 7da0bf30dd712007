"""Tests for corpus.normalize, corpus.dateline, corpus.furniture and corpus.clean.

Every example text here is invented.  The tests against the real articles read
them from ../shared (skipped when it is absent) and refer to their lines only
by position, as NOTES.md does.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.clean import article_id_for, clean_article, clean_text, sha1_hex
from corpus.dateline import find_published, is_dateline, normalize_published, parse_date
from corpus.furniture import find_furniture, is_headline_like, is_name_line, is_related_heading
from corpus.normalize import (
    fold_tone_marks,
    normalize_dashes,
    normalize_line,
    normalize_quotes,
    normalize_text,
)
from corpus.records import IngestError, RawArticle

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"

BODY_1 = (
    "Năm 2024, phường Đông Hưng đã xây dựng 42 mô hình “Dân vận khéo” trên các lĩnh vực kinh tế, "
    "văn hóa và xây dựng hệ thống chính trị ở cơ sở."
)
BODY_2 = (
    "Ban Dân vận Đảng ủy phường cho biết sẽ tiếp tục tổ chức 6 hội nghị đối thoại với nhân dân "
    "trong những tháng cuối năm để lắng nghe ý kiến của bà con."
)
TITLE = "Phường Đông Hưng nhân rộng mô hình dân vận khéo"


def _article(*lines: str) -> str:
    return "\n\n".join(lines)


# --- character normalisation ----------------------------------------------------------------------


def test_nfc_composes_decomposed_letters() -> None:
    decomposed = unicodedata.normalize("NFD", "Đảng ủy phường Đông Hưng")
    assert decomposed != "Đảng ủy phường Đông Hưng"
    assert normalize_text(decomposed) == "Đảng ủy phường Đông Hưng"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("uỷ", "ủy"),
        ("Thành uỷ", "Thành ủy"),
        ("UỶ BAN", "ỦY BAN"),
        ("hoà", "hòa"),
        ("Hoà Bình", "Hòa Bình"),
        ("văn hoá", "văn hóa"),
        ("hoạ sĩ", "họa sĩ"),
        ("hoả", "hỏa"),
        ("khoẻ", "khỏe"),
        ("xoè", "xòe"),
        ("thuý", "thúy"),
        ("Thuỵ", "Thụy"),
        ("tuỳ", "tùy"),
        ("luỹ", "lũy"),
        ("Toà án", "Tòa án"),
        ("oà", "òa"),
    ],
)
def test_old_tone_placement_is_folded(old: str, new: str) -> None:
    assert fold_tone_marks(old) == new
    assert normalize_text(old) == new


@pytest.mark.parametrize(
    "word",
    [
        "hoa",
        "hòa",
        "thủy",
        "ủy",
        "quý",
        "quỷ",
        "quỳ",
        "quà",
        "quả",
        "hoàn",
        "hoạch",
        "toán",
        "ngoài",
        "xoáy",
        "khuỷu",
        "huỳnh",
        "thuyền",
        "khuya",
        "hoe",
        "mùa",
        "của",
        "tủa",
        "Hà Nội",
        "người",
    ],
)
def test_tone_folding_leaves_other_words_alone(word: str) -> None:
    assert fold_tone_marks(word) == word


_EVERY_WORD = re.compile(r"[^\W\d_]{2,}")  # the earlier form: _fold_word called on every word
_SYLLABLE_PARTS = st.sampled_from(
    [
        "h",
        "th",
        "kh",
        "qu",
        "ng",
        "o",
        "O",
        "u",
        "U",
        "a",
        "e",
        "y",
        "à",
        "ẻ",
        "Ỳ",
        "ý",
        "ạ",
        "Ẽ",
        "ê",
        "ề",
        "n",
    ]
)
_GLUE = st.sampled_from([" ", "", "-", "1", ".", "\n", "đ", "_"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.lists(_SYLLABLE_PARTS, min_size=1, max_size=4), _GLUE), max_size=12))
def test_tone_folding_visits_only_words_that_can_change(parts: list[tuple[list[str], str]]) -> None:
    from corpus.normalize import _fold_word

    text = "".join("".join(syllable) + glue for syllable, glue in parts)
    assert fold_tone_marks(text) == _EVERY_WORD.sub(lambda m: _fold_word(m.group(0)), text)


def _fold_tone_marks_by_word_pattern(text: str) -> str:
    """The former ``fold_tone_marks`` (a whole-word pattern): the reference of the one in use."""
    from corpus.normalize import _TONED_NUCLEI, _fold_word

    word = re.compile(rf"(?<![^\W\d_])[^\W\d_]*[oOuU][{_TONED_NUCLEI}](?![^\W\d_])")
    return word.sub(lambda m: _fold_word(m.group(0)), text)


_FOLD_PIECES = st.one_of(
    _SYLLABLE_PARTS,
    st.sampled_from(["hoà", "Thuỷ", "KHOẺ", "uỷ", "quý", "khoẻ", "ngoài", "oà", "Nguyễn"]),
    st.sampled_from(["", " ", "\n", "_", "1", "²", "½", "Ⅻ", "-", "ô", "Đ", "x"]),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_FOLD_PIECES, max_size=30))
def test_tone_folding_matches_the_whole_word_pattern(parts: list[str]) -> None:
    text = "".join(parts)
    assert fold_tone_marks(text) == _fold_tone_marks_by_word_pattern(text)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('mô hình "Bếp ăn nghĩa tình" ở xã', "mô hình “Bếp ăn nghĩa tình” ở xã"),
        ('"Dân vận khéo", "Ngõ sạch"', "“Dân vận khéo”, “Ngõ sạch”"),
        ('phong trào "Dân vận khéo”, gắn với', "phong trào “Dân vận khéo”, gắn với"),
        ("gọi là «tổ tự quản»", "gọi là “tổ tự quản”"),
        ("mô hình ‟Xanh sạch‟", "mô hình “Xanh sạch”"),
        ("“Phòng chống dịch Covid-19″…", "“Phòng chống dịch Covid-19”…"),
        ("màn hình 6″ và góc 30″", "màn hình 6″ và góc 30″"),
        ("khẩu hiệu ‘ba cùng’ vẫn giữ", "khẩu hiệu ‘ba cùng’ vẫn giữ"),
        ('tên("A")', "tên(“A”)"),
    ],
)
def test_quotes_become_curly(raw: str, expected: str) -> None:
    assert normalize_quotes(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("kinh tế – xã hội", "kinh tế - xã hội"),
        ("giai đoạn 2009—2019", "giai đoạn 2009-2019"),
        ("nhiệt độ −5 độ", "nhiệt độ -5 độ"),
        ("số ‒ 12", "số - 12"),
        ("văn hóa-xã hội", "văn hóa-xã hội"),
    ],
)
def test_dashes_become_hyphens_with_spacing_kept(raw: str, expected: str) -> None:
    assert normalize_dashes(raw) == expected


def test_invisible_characters_and_spaces() -> None:
    raw = "Quận\u00a0ủy\u200b Ba\u2009Đình \u00adtổ chức\t\thội nghị \r\n  dòng hai  \n"
    assert normalize_text(raw) == "Quận ủy Ba Đình tổ chức hội nghị\ndòng hai\n"


def test_eth_lookalike_becomes_d_with_stroke() -> None:
    assert normalize_text("huyện Cờ \u00d0ỏ") == "huyện Cờ Đỏ"


# --- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Thứ Năm, 07/11/2024", "2024-11-07"),
        ("26/10/2022 09:15", "2022-10-26"),
        ("Ngày 26 tháng 10 năm 2022", "2022-10-26"),
        ("(ngày 5/3/2024)", "2024-03-05"),
        ("cập nhật 2023-08-09T10:00", "2023-08-09"),
        ("hạn chót 31.12.2021", "2021-12-31"),
        ("Chiều 15/7, đoàn kiểm tra làm việc", None),
        ("ngày 31/2/2024 không có thật", None),
        ("năm 2019", None),
        ("giai đoạn 2018-2023", None),
    ],
)
def test_parse_date(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Thứ Năm, 07/11/2024", True),
        ("15:45 13/03/2025", True),
        ("• Cập nhật: Thứ sáu, 16/2/2024 | 2:33:06 PM", True),
        ("Cập nhật, 08:45, Chủ Nhật, 12/01/2020 (GMT+7)", True),
        ("Thứ tư, 31-12-25 07:47:00", True),
        ("Ngày 5/3/2024, huyện tổ chức hội nghị tổng kết", False),
        ("Thứ Hai", False),
    ],
)
def test_is_dateline(line: str, expected: bool) -> None:
    assert is_dateline(line) is expected


def test_find_published_prefers_a_dateline_near_the_top() -> None:
    lines = [TITLE, "", "Thứ Sáu, 08/03/2024 10:20", "", BODY_1]
    assert find_published(lines) == "2024-03-08"


def test_find_published_takes_a_date_at_the_start_of_the_lead() -> None:
    lead = (
        "Sáng ngày 14/9/2023, Huyện ủy Tam Nông tổ chức hội nghị biểu dương 25 điển hình tiêu biểu của huyện."
    )
    assert find_published([TITLE, "", lead]) == "2023-09-14"


def test_find_published_ignores_document_dates_and_dates_without_year() -> None:
    lead = (
        "Chiều 12/5, đoàn công tác của tỉnh đã làm việc với huyện về kết quả 10 năm thực hiện Quyết định "
        "số 99-QĐ/TU ngày 20/3/2014 của Tỉnh ủy về công tác dân vận."
    )
    assert find_published([TITLE, "", lead]) is None


def test_find_published_only_looks_at_the_top_lines() -> None:
    lines = [TITLE, BODY_1, BODY_2, BODY_1 + " Thêm.", BODY_2 + " Thêm.", "Thứ Hai, 04/03/2024"]
    assert find_published(lines) is None


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2024-03-05T08:00:00+07:00", "2024-03-05"),
        ("2024-03", "2024-03"),
        ("2024", "2024"),
        ("05/03/2024 08:00", "2024-03-05"),
        ("hôm qua", None),
        (None, None),
        (20240305, None),
    ],
)
def test_normalize_published(value: object, iso: str | None) -> None:
    assert normalize_published(value) == iso


# --- furniture ------------------------------------------------------------------------------------


def test_related_block_is_dropped_to_the_end() -> None:
    text = _article(
        TITLE,
        BODY_1,
        BODY_2,
        "Có thể bạn quan tâm",
        "Xã An Lạc khánh thành cầu mới",
        "Bà con xã An Lạc phấn khởi khi cây cầu mới được đưa vào sử dụng sau 8 tháng thi công liên tục.",
        "Tin khác",
        "Thêm 3 tuyến đường được mở rộng",
    )
    result = clean_text(text)
    assert result.text == _article(TITLE, BODY_1, BODY_2)
    assert "Có thể bạn quan tâm" in result.dropped
    assert "Thêm 3 tuyến đường được mở rộng" in result.dropped


@pytest.mark.parametrize(
    "heading",
    [
        "Tin liên quan",
        "Nên xem",
        "Xem thêm",
        "Bài viết liên quan",
        "Ý kiến bạn đọc",
        "Bình luận",
        "Tin mới nhất",
        "Đọc nhiều",
        "Tin khác:",
        "Bình luận (12)",
    ],
)
def test_related_headings(heading: str) -> None:
    assert is_related_heading(heading)
    text = _article(TITLE, BODY_1, heading, "Một tin khác về hội nghị tổng kết năm")
    assert clean_text(text).text == _article(TITLE, BODY_1)


def test_related_heading_words_inside_a_sentence_are_kept() -> None:
    sentence = "Bình luận về kết quả này, đồng chí Bí thư cho rằng cần có thêm 5 mô hình mới ở các thôn trong năm tới."
    text = _article(TITLE, BODY_1, sentence, BODY_2)
    assert clean_text(text).text == text


def test_related_heading_before_the_body_keeps_the_title() -> None:
    text = _article(
        "Tin mới nhất", "Giá lúa tăng nhẹ trong tuần qua", "Thời tiết miền Bắc chuyển lạnh", TITLE, BODY_1
    )
    result = clean_text(text)
    assert result.text == _article(TITLE, BODY_1)
    assert result.title == TITLE


@pytest.mark.parametrize(
    "line",
    [
        "Chia sẻ Zalo",
        "Chia sẻ",
        "Facebook",
        "Twitter",
        "In bài",
        "Phiên bản di động",
        "A- A A+",
        "A- A A+ | Tăng tương phản Giảm tương phản",
        "Lưu bài",
        "Bản in",
        "Facebook | Zalo | Email",
        "Theo dõi Báo điện tử Bình Minh trên",
        "Hà Giang, 21°C/ 19°C - 24°C",
        "Trang chủ > Thời sự > Dân vận",
    ],
)
def test_ui_lines_are_dropped(line: str) -> None:
    text = _article(TITLE, line, BODY_1, BODY_2)
    result = clean_text(text)
    assert result.text == _article(TITLE, BODY_1, BODY_2)
    assert result.dropped == [line]


def test_share_words_inside_a_sentence_are_kept() -> None:
    sentence = "Chia sẻ tại hội nghị, đồng chí Trưởng ban cho biết 18 tổ dân phố đã đăng ký mô hình mới."
    text = _article(TITLE, BODY_1, sentence)
    assert clean_text(text).text == text


@pytest.mark.parametrize(
    "line", ["4203 image gallery 5", "7702 9ac31f0e44b2d1c07e55", "ảnh 3.jpg -0", "anh-hoi-nghi.png"]
)
def test_image_id_lines_are_dropped(line: str) -> None:
    text = _article(TITLE, BODY_1, line, BODY_2)
    assert clean_text(text).text == _article(TITLE, BODY_1, BODY_2)


def test_repeated_caption_and_paragraph_keep_the_first_copy() -> None:
    caption = "Lãnh đạo phường trao giấy khen cho các tập thể tiêu biểu."
    text = "\n\n".join([TITLE, BODY_1, caption + "\n" + caption, BODY_2, BODY_1])
    result = clean_text(text)
    assert result.text == _article(TITLE, BODY_1, caption, BODY_2)
    assert result.dropped == [caption, BODY_1]


def test_short_repeated_lines_are_kept() -> None:
    text = _article(TITLE, "Ảnh minh họa", BODY_1, "Ảnh minh họa", BODY_2)
    assert clean_text(text).text == text


def test_source_line_and_trailing_byline_are_dropped() -> None:
    text = _article(TITLE, BODY_1, "Nguồn: tổng hợp ngày 2/3/2024", BODY_2, "Minh Anh")
    result = clean_text(text)
    assert result.text == _article(TITLE, BODY_1, BODY_2)
    assert result.author == "Minh Anh"
    assert result.dropped == ["Nguồn: tổng hợp ngày 2/3/2024", "Minh Anh"]


@pytest.mark.parametrize(
    "byline", ["THU HÀ", "X.Lan", "Thu Hà - Nam Anh", "Lê Vân (tổng hợp)", "(Theo TTXVN)"]
)
def test_bylines_at_the_end(byline: str) -> None:
    assert clean_text(_article(TITLE, BODY_1, byline)).text == _article(TITLE, BODY_1)


def test_credit_line_gives_the_author() -> None:
    result = clean_text(_article(TITLE, BODY_1, "Tin và ảnh: NGỌC LAN - HẢI ĐĂNG", BODY_2))
    assert result.text == _article(TITLE, BODY_1, BODY_2)
    assert result.author == "NGỌC LAN - HẢI ĐĂNG"


def test_name_next_to_a_share_bar_is_a_byline() -> None:
    text = _article(TITLE, "Ngọc Mai\nChia sẻ Zalo", BODY_1)
    result = clean_text(text)
    assert result.text == _article(TITLE, BODY_1)
    assert result.author == "Ngọc Mai"


def test_last_body_line_is_not_a_byline() -> None:
    text = _article(TITLE, BODY_1, "Đảng ủy phường phát động phong trào")
    assert clean_text(text).text == text


def test_headlines_stuck_to_a_paragraph_are_a_related_box() -> None:
    box = [
        "Khánh thành nhà văn hóa thôn Đồng Tâm",
        "Xã Yên Lạc ra quân làm đường giao thông",
        "Tuổi trẻ huyện tình nguyện mùa hè xanh",
    ]
    text = _article(TITLE, "\n".join([BODY_1, *box]), BODY_2)
    result = clean_text(text)
    assert result.text == _article(TITLE, BODY_1, BODY_2)
    assert result.dropped == box


def test_list_introduced_by_a_colon_is_kept() -> None:
    intro = "Các mô hình tiêu biểu được công nhận trong năm gồm những mô hình sau đây của các chi hội:"
    items = [
        "Tổ phụ nữ tiết kiệm vì người nghèo",
        "Câu lạc bộ ông cháu cùng tiến",
        "Đường hoa kiểu mẫu thôn Đoài",
    ]
    text = _article(TITLE, "\n".join([intro, *items]), BODY_2)
    assert clean_text(text).text == text


def test_datelines_go_and_give_the_date() -> None:
    result = clean_text(_article(TITLE, "Thứ Hai, 04/03/2024 07:30", BODY_1))
    assert result.text == _article(TITLE, BODY_1)
    assert result.published == "2024-03-04"


def test_section_label_and_rubric_above_the_title() -> None:
    assert clean_text(_article("Thời sự", TITLE, BODY_1)).title == TITLE
    rubric = clean_text(_article("Chào mừng đại hội Đảng các cấp", TITLE, "Ngọc Mai\nChia sẻ", BODY_1))
    assert rubric.title == TITLE
    assert rubric.text == _article(TITLE, BODY_1)


def test_aggregator_title_and_masthead_are_dropped() -> None:
    text = _article("Top 5 mô hình hay nhất 2023 | Tonghoptin.com", "Báo Bình Minh", TITLE, BODY_1)
    assert clean_text(text).text == _article(TITLE, BODY_1)


def test_lead_tag_is_removed_from_the_first_body_line() -> None:
    result = clean_text(_article(TITLE, "(BBM) - " + BODY_1, BODY_2))
    assert result.text == _article(TITLE, BODY_1, BODY_2)
    assert "(BBM) -" in result.dropped


def test_whitespace_and_blank_lines() -> None:
    text = "\n\n  " + TITLE + "   \n\n\n\n" + BODY_1.replace(" ", "   ", 3) + "\n \n\t\n" + BODY_2 + "\n\n"
    assert clean_text(text).text == _article(TITLE, BODY_1, BODY_2)


def test_classifiers() -> None:
    assert is_name_line("Minh Khoa") and is_name_line("T.L") and not is_name_line("Hà Nội năm 2024")
    assert not is_name_line("Đảng ủy phường phát động")
    assert is_headline_like("Xã An Lạc khánh thành cầu mới") and not is_headline_like(BODY_1)
    assert find_furniture([TITLE, "", BODY_1]).drops == []


# --- clean_article --------------------------------------------------------------------------------


def test_clean_article_from_text() -> None:
    raw = RawArticle(
        doc="a.txt", source="/in/a.txt", text=_article(TITLE, "Thứ Hai, 04/03/2024", BODY_1, "Minh Anh")
    )
    article = clean_article(raw)
    assert article.text == _article(TITLE, BODY_1)
    assert article.title == TITLE
    assert article.published == "2024-03-04"
    assert article.author == "Minh Anh"
    assert article.content_hash == sha1_hex(article.text)
    assert article.article_id == sha1_hex(article.text)[:16] == article_id_for(None, article.text)
    assert (article.doc, article.source) == ("a.txt", "/in/a.txt")
    assert article.dropped == ["Thứ Hai, 04/03/2024", "Minh Anh"]


def test_clean_article_from_a_record_with_url_and_title() -> None:
    url = "https://tin.example.vn/dong-hung.html"
    raw = RawArticle(doc=url, source="f.jsonl#1", url=url, text=BODY_1, title=TITLE, published="2024-05-01")
    article = clean_article(raw)
    assert article.text == _article(TITLE, BODY_1)
    assert article.article_id == sha1_hex(url)[:16]
    assert article.published == "2024-05-01"


def test_clean_article_errors() -> None:
    with pytest.raises(IngestError, match="no article text"):
        clean_article(RawArticle(doc="a.txt", source="a.txt", text="Chia sẻ Zalo\n\nFacebook\n"))
    with pytest.raises(IngestError, match="no text or html"):
        clean_article(RawArticle(doc="a.txt", source="a.txt"))


# --- idempotency ----------------------------------------------------------------------------------

_PIECES = [
    TITLE,
    BODY_1,
    BODY_2,
    "Có thể bạn quan tâm",
    "Chia sẻ Zalo",
    "Minh Anh",
    "Thứ Hai, 04/03/2024",
    "4203 image gallery 5",
    "Nguồn: tổng hợp",
    "Tin và ảnh: THU HÀ",
    "Thời sự",
    "Xã An Lạc khánh thành cầu mới",
    "(BBM) - " + BODY_1,
    'mô hình "Xanh" và «Sạch»',
    "Thành uỷ hoà khoẻ quý",
    "a – b — c",
    "Báo Bình Minh",
]
_LINE = st.one_of(
    st.sampled_from(_PIECES),
    st.text(
        alphabet=st.sampled_from(
            list('aăâbcdđeêoôơuưyAĐHT àáảãạòóỏõọùúủũụỳýỷỹỵ.,:;"“”«»″‟-–—0123456789\u00a0\u200b()|#')
        ),
        max_size=40,
    ),
)
_TEXT = st.lists(st.tuples(_LINE, st.sampled_from(["\n", "\n\n", "\n\n\n", " \n"])), max_size=14).map(
    lambda parts: "".join(line + sep for line, sep in parts)
)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_cleaning_is_idempotent(text: str) -> None:
    once = clean_text(text).text
    assert clean_text(once).text == once


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_normalize_text_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


# --- the real articles in ../shared -----------------------------------------------------------------

GOLD = [
    (SHARED / "gold" / "seeds.jsonl", SHARED / "seeds"),
    (SHARED / "dev" / "gold.jsonl", SHARED / "dev" / "articles"),
]


def _need_shared() -> None:
    if not all(g.exists() and d.is_dir() for g, d in GOLD):
        pytest.skip(f"shared gold and articles not found under {SHARED.resolve()}")


def _raw_lines(folder: str, name: str) -> list[str]:
    return (SHARED / folder / name).read_text(encoding="utf-8").split("\n")


def _cleaned(folder: str, name: str) -> list[str]:
    return clean_text((SHARED / folder / name).read_text(encoding="utf-8")).text.split("\n")


def test_gold_evidence_survives_cleaning() -> None:
    """After the same character normalisation, every gold evidence is still in the cleaned text."""
    _need_shared()
    missing, n = [], 0
    for gold, folder in GOLD:
        for line in gold.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            text = clean_text((folder / record["doc"]).read_text(encoding="utf-8")).text
            for kind in ("stats", "models"):
                for item in record[kind]:
                    n += 1
                    if normalize_text(item["evidence"]) not in text:
                        missing.append((record["doc"], kind, item["evidence"]))
    assert n > 250
    assert missing == []


def test_furniture_listed_in_the_gold_notes_is_gone() -> None:
    """NOTES.md and NOTES-A.md name these lines (by position) as page furniture."""
    _need_shared()
    seeds = sorted(p.name for p in (SHARED / "seeds").glob("*.txt"))
    by_prefix = {name[:3]: name for name in seeds}
    expected_gone = {
        ("seeds", by_prefix["001"]): [0, 4, 5],  # section header, byline, share bar
        ("seeds", by_prefix["002"]): [0],  # aggregator title
        ("seeds", by_prefix["003"]): [26],  # byline
        ("seeds", by_prefix["004"]): [3, 4, 5, 9, 24],  # related headlines, image ids
        ("dev/articles", "dA03.txt"): [0],
        ("dev/articles", "dA04.txt"): [0],
        ("dev/articles", "dA10.txt"): [2],
        ("dev/articles", "dA19.txt"): [2],
    }
    for (folder, name), indices in expected_gone.items():
        raw, cleaned = _raw_lines(folder, name), set(_cleaned(folder, name))
        for i in indices:
            assert normalize_text(raw[i]).strip() not in cleaned, (name, i + 1)
    # From "Có thể bạn quan tâm" on, nothing of 000 and 004 is left.
    for prefix in ("000", "004"):
        raw = [normalize_text(x) for x in _raw_lines("seeds", by_prefix[prefix])]
        start = raw.index("Có thể bạn quan tâm")
        tail = {x for x in raw[start:] if x} - set(raw[:start])
        assert tail and not tail & set(_cleaned("seeds", by_prefix[prefix]))
    # The "Nguồn: …" line of 002 is gone.
    assert not [x for x in _cleaned("seeds", by_prefix["002"]) if x.startswith("Nguồn:")]


def test_cleaning_the_real_articles_is_idempotent() -> None:
    _need_shared()
    for path in sorted((SHARED / "seeds").glob("*.txt")) + sorted(
        (SHARED / "dev" / "articles").glob("*.txt")
    ):
        once = clean_text(path.read_text(encoding="utf-8")).text
        assert clean_text(once).text == once, path.name


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="aă đĐÐð\u200b\u00ad\u00a0\u2009\t\f\u2013\u2212-\n", max_size=30))
def test_translations_skipped_only_when_nothing_to_translate(text: str) -> None:
    from corpus import normalize as n

    for table, present in (
        (n._ZERO_WIDTH, n._ZERO_WIDTH_PRESENT),
        (n._SPACES, n._SPACES_PRESENT),
        (n._LOOKALIKES, n._LOOKALIKES_PRESENT),
        (n._DASHES, n._DASHES_PRESENT),
    ):
        assert n._translate(text, table, present) == text.translate(table)


def _quote_line_char_by_char(line: str) -> str:
    """The former ``_quote_line`` (every character visited): the reference of the one below."""
    from corpus.normalize import _AMBIGUOUS_Q, _CLOSE_Q, _OPEN_Q, _quote_context

    out: list[str] = []
    depth = 0
    for i, ch in enumerate(line):
        if ch == _OPEN_Q or ch == "\u00ab":
            out.append(_OPEN_Q)
            depth += 1
        elif ch == _CLOSE_Q or ch == "\u00bb":
            out.append(_CLOSE_Q)
            depth = max(0, depth - 1)
        elif ch in _AMBIGUOUS_Q:
            left_open, right_close = _quote_context(line, i)
            opening = (left_open and not right_close) or (left_open == right_close and depth == 0)
            out.append(_OPEN_Q if opening else _CLOSE_Q)
            depth = depth + 1 if opening else max(0, depth - 1)
        elif ch == "\u2033":
            left_open, right_close = _quote_context(line, i)
            if depth > 0:
                out.append(_CLOSE_Q)
                depth -= 1
            elif left_open and not right_close and i + 1 < len(line) and line[i + 1].isalpha():
                out.append(_OPEN_Q)
                depth += 1
            else:
                out.append(ch)
        else:
            out.append(ch)
    return "".join(out)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet='ab ô.,;:!?()[]{}-/…“”‘’«»"„‟″\n', max_size=40))
def test_quotes_are_normalised_as_by_visiting_every_character(text: str) -> None:
    from corpus.normalize import _quote_line

    for line in text.split("\n"):
        assert _quote_line(line) == _quote_line_char_by_char(line)


# --- furniture: answers kept between passes, the same as computed afresh ------------------------------


def _is_name_line_always_stripping(line: str, max_tokens: int = 5, max_len: int = 40) -> bool:
    """The former ``is_name_line`` (the compiled note always looked for): the reference."""
    from corpus.furniture import _COMPILED_NOTE, _NAME_SPLIT, _NAME_TOKEN

    line = _COMPILED_NOTE.sub("", line)
    if not line or len(line) > max_len or any(ch.isdigit() for ch in line):
        return False
    if line[-1] in "!?:;,":
        return False
    tokens = [t for t in _NAME_SPLIT.split(line.strip("()")) if t and t.lower() != "và"]
    if not 1 <= len(tokens) <= max_tokens:
        return False
    return all(_NAME_TOKEN.match(t) and t[0].isupper() for t in tokens)


def _bylines_name_first(p) -> None:  # noqa: ANN001 - a furniture._Pass
    """The former ``_bylines`` (the name test before the header test): the reference."""
    from corpus.furniture import _COMPILED_NOTE, _is_trailing_source

    for i in p.alive():
        if not _is_name_line_always_stripping(p.lines[i]) or not p.in_header(i):
            continue
        neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(p.lines) and p.lines[j]]
        if any(p.reasons.get(j) == "ui" for j in neighbours):
            p.drop(i, "byline")
            p.author = p.author or p.lines[i]
    alive = p.alive()
    if len(alive) < 2 or p.body_start is None or alive[-1] <= p.body_start:
        return
    last = alive[-1]
    if _is_name_line_always_stripping(p.lines[last]):
        p.drop(last, "byline")
        p.author = p.author or _COMPILED_NOTE.sub("", p.lines[last])
    elif _is_trailing_source(p.lines[last]):
        p.drop(last, "source")


def _find_furniture_without_memo(lines: list[str], keep_first: bool) -> object:
    """``find_furniture`` with every kept answer computed afresh and the former byline rule."""
    from unittest import mock

    from corpus import furniture as fu

    plain = {
        "_words": fu._words.__wrapped__,
        "_is_ui": fu._is_ui.__wrapped__,
        "_is_image_line": fu._is_image_line.__wrapped__,
        "_credit_name": fu._credit_name.__wrapped__,
        "_dateline": is_dateline,
        "_headline": is_headline_like,
        "_name_line": _is_name_line_always_stripping,
        "is_name_line": _is_name_line_always_stripping,
        "_related_heading": is_related_heading,
        "_bylines": _bylines_name_first,
    }
    with mock.patch.multiple(fu, **plain):
        return fu.find_furniture(lines, keep_first=keep_first)


_NAME_LIKE = st.sampled_from(
    ["Minh Anh", "T.Lan", "THU HÀ", "Thu Hà - Nam Anh", "Hà Thu (tổng hợp)", "(Theo Báo Bình Minh)", "Lan 2"]
)
_SHORT_HEADLINES = st.sampled_from(
    ["Ba xã ven biển", "Cầu Mới khánh thành", "Tin Ba Dòng", "Hội nghị dân vận năm 2024", "Xã An Lạc"]
)
_FURNITURE_LINE = st.one_of(st.sampled_from(_PIECES), _NAME_LIKE, _SHORT_HEADLINES, st.just(""), _LINE)


@settings(max_examples=400, deadline=None)
@given(st.lists(_FURNITURE_LINE, max_size=16), st.booleans())
def test_furniture_with_kept_answers_matches_fresh_answers(lines: list[str], keep_first: bool) -> None:
    lines = [normalize_line(x) for x in lines]
    expected = _find_furniture_without_memo(lines, keep_first)
    assert find_furniture(lines, keep_first=keep_first) == expected
    assert find_furniture(lines, keep_first=keep_first) == expected  # every answer from the memo now


@settings(max_examples=400, deadline=None)
@given(st.one_of(_NAME_LIKE, _LINE, st.text(alphabet="ab AB.()-/&,và1tổng hợp", max_size=30)))
def test_name_line_matches_the_always_stripping_form(line: str) -> None:
    for max_tokens, max_len in ((5, 40), (8, 60), (1, 5)):
        assert is_name_line(line, max_tokens, max_len) == _is_name_line_always_stripping(
            line, max_tokens, max_len
        )
