"""Periods (find and resolve) and the attachment of units and periods (invented texts)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from extractors.attach import PeriodContext, paragraphs_of, period_at, title_period, unit_at
from extractors.periods import find_periods, resolve_relative


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("Năm 2022, quận đã", "2022", "year"),
        ("trong giai đoạn 2018-2023", "2018-2023", "range"),
        ("giai đoạn 2020 - 2025", "2020-2025", "range"),
        ("Từ năm 2010 đến nay, thành phố", "2010-", "open"),
        ("từ đầu năm 2025 đến nay", "2025-", "open"),
        ("từ năm 2009 đến năm 2019", "2009-2019", "range"),
        ("6 tháng đầu năm 2024", "2024-H1", "half"),
        ("sáu tháng cuối năm 2023", "2023-H2", "half"),
        ("trong quý III/2024", "2024-Q3", "quarter"),
        ("Tính đến nay, toàn tỉnh", None, "cumulative"),
        ("Toàn huyện hiện duy trì", None, "cumulative"),
        ("nâng tổng số mô hình lên", None, "total"),
        ("Từ đầu năm đến nay, xã", None, "open_rel"),
        ("trong quý II, phường", None, "quarter_rel"),
    ],
)
def test_find_periods(text: str, value: str | None, kind: str) -> None:
    found = find_periods(text)
    assert [(p.value, p.kind) for p in found] == [(value, kind)]


@pytest.mark.parametrize(
    "text",
    [
        "Huyện phấn đấu đến năm 2030 có thêm 50 mô hình.",
        "Xã hướng tới mục tiêu đạt chuẩn nông thôn mới nâng cao vào năm 2026.",
        "Theo Nghị quyết 21 của HĐND tỉnh về hỗ trợ chăn nuôi, trồng trọt giai đoạn 2021-2025, xã đã",
        "Thực hiện Chỉ thị 08-CT/TU năm 2019 của Tỉnh ủy, huyện đã",
    ],
)
def test_a_goal_or_a_legal_act_s_date_is_no_period(text: str) -> None:
    assert find_periods(text) == []


def test_a_year_after_a_legal_act_s_number_and_a_comma_is_a_period() -> None:
    found = find_periods("Thực hiện Nghị quyết 21, năm 2024 huyện đã xây dựng")
    assert [(p.value, p.kind) for p in found] == [("2024", "year")]


def test_relative_periods_resolve_against_an_anchor() -> None:
    (ten,) = find_periods("Sau 10 năm triển khai, quận đã")
    assert ten.kind == "relative" and resolve_relative(ten, 2019) == "2009-2019"
    (this,) = find_periods("Trong năm qua, huyện đã")
    assert resolve_relative(this, 2024) == "2024"
    assert resolve_relative(this, None) is None
    (since,) = find_periods("Từ đầu năm đến nay, phường đã")
    assert resolve_relative(since, 2025) == "2025-"
    (quarter,) = find_periods("Trong quý III, xã đã")
    assert resolve_relative(quarter, 2023) == "2023-Q3"


def _ctx(text: str, year: int | None = None) -> PeriodContext:
    periods = find_periods(text)
    paras = paragraphs_of(text)
    sents = []
    for ps, pe in paras:  # one sentence per ". " within each line
        start = ps
        for i, ch in enumerate(text[ps:pe], ps):
            if ch == "." and i + 1 < pe:
                sents.append((start, i + 1))
                start = i + 2
        sents.append((start, pe))
    return PeriodContext(text, sents, paras, periods, year, title_period(text, periods, paras[0][1]))


def _sentence_of(ctx: PeriodContext, pos: int) -> int:
    return next(i for i, (s, e) in enumerate(ctx.sentences) if s <= pos < e)


def _period_of(text: str, number: str, year: int | None = None) -> str | None:
    ctx = _ctx(text, year)
    pos = text.index(number)
    return period_at(ctx, pos, _sentence_of(ctx, pos))


def test_period_in_the_sentence_wins() -> None:
    text = "Huyện Kim Sơn tổng kết phong trào\nNăm 2023, huyện có 120 mô hình. Năm 2024 có 150 mô hình."
    assert _period_of(text, "120") == "2023"
    assert _period_of(text, "150") == "2024"


def test_period_from_the_paragraph_then_the_headline() -> None:
    text = (
        "Tổng kết phong trào giai đoạn 2019-2024\n"
        "Năm 2024, huyện đã làm nhiều việc. Các xã đăng ký 80 mô hình.\n"
        "Các cơ quan có 12 mô hình điểm."
    )
    assert _period_of(text, "80") == "2024"
    assert _period_of(text, "12") == "2019-2024"


def test_a_period_framing_one_sentence_mid_paragraph_does_not_reach_the_paragraph_s_end() -> None:
    text = (
        "Hội Phụ nữ tỉnh phát huy vai trò\n"
        "Hội đăng ký xây dựng 2 mô hình điểm. Năm 2014, Hội đầu tư mô hình xử lý rác thải. "
        "Hội hỗ trợ vật tư trị giá 90 triệu đồng. Hội phụ nữ cấp huyện xây dựng được 25 mô hình.\n"
        "Năm 2015, các xã đăng ký thêm mô hình. Cơ sở hội xây dựng 40 mô hình. Các chi hội có 12 mô hình."
    )
    assert _period_of(text, "90 triệu") == "2014"  # the sentence right after it
    assert _period_of(text, "25 mô hình") is None  # two sentences on: the frame was that sentence's
    assert _period_of(text, "12 mô hình") == "2015"  # a paragraph opening on it: the whole paragraph


def test_cumulative_without_start_gives_no_period() -> None:
    text = "Quận Ba Đình phát huy vai trò\nĐến nay, toàn quận có 300 mô hình."
    assert _period_of(text, "300") is None


def test_relative_period_uses_a_matching_range_or_the_article_year() -> None:
    text = "Hội nghị tổng kết giai đoạn 2016-2020 của huyện\n5 năm qua, huyện có 75 mô hình."
    assert _period_of(text, "75") == "2016-2020"
    text = "Huyện Tân Lạc đẩy mạnh phong trào\nTrong năm qua, huyện có 44 mô hình."
    assert _period_of(text, "44", year=2025) == "2025"


@dataclass
class _Unit:
    start: int
    end: int
    name: str
    type: str
    province: str | None = None
    implicit: bool = False


def _mentions(text: str, names: list[tuple[str, str]]) -> list[_Unit]:
    out = []
    for written, typ in names:
        i = text.index(written)
        out.append(_Unit(i, i + len(written), written, typ, "Hà Nam"))
    return sorted(out, key=lambda m: m.start)


def _unit_of(
    text: str, number: str, mentions: list[_Unit], main: _Unit | None = None, province: str | None = None
):
    paras = paragraphs_of(text)
    pos = text.index(number)
    sents = paras
    si = next(i for i, (s, e) in enumerate(sents) if s <= pos < e)
    got = unit_at(text, pos, si, sents, paras, mentions, main, province=province, whole_locality=True)
    return None if got is None else got.name


def test_unit_is_the_subject_of_the_sentence_not_an_address() -> None:
    text = "Huyện Lý Nhân đã xây dựng 40 mô hình tại xã Nhân Thịnh."
    ms = _mentions(text, [("Huyện Lý Nhân", "huyện"), ("xã Nhân Thịnh", "xã")])
    assert _unit_of(text, "40", ms) == "Huyện Lý Nhân"
    text = "Tại xã Nhân Thịnh, Hội Nông dân huyện Lý Nhân xây dựng 6 mô hình."
    ms = _mentions(text, [("xã Nhân Thịnh", "xã"), ("huyện Lý Nhân", "huyện")])
    assert _unit_of(text, "6", ms) == "huyện Lý Nhân"


def test_a_national_body_or_a_bare_name_after_a_noun_owns_no_figure() -> None:
    from extractors.units import article_context

    text = (
        "Bộ đội Biên phòng tỉnh An Giang phối hợp xây dựng 265 căn nhà. Chương trình do Bộ Tư lệnh "
        "Biên phòng phát động trên tuyến biên giới An Giang đã xây dựng được 385 căn nhà."
    )
    ms = article_context(text).mentions
    flags = {m.written: (m.national, m.bare, m.describes) for m in ms}
    assert flags["Bộ Tư lệnh Biên phòng"] == (True, False, False)
    assert flags["An Giang"] == (False, True, True)  # after "biên giới"
    sents = [(0, text.index(" Chương") + 1), (text.index("Chương"), len(text))]
    got = unit_at(text, text.index("385"), 1, sents, [(0, len(text))], ms, None)
    assert got is not None and got.name == "Bộ đội Biên phòng tỉnh An Giang"  # the sentence before it


def test_unit_from_the_paragraph_or_the_main_unit() -> None:
    text = "Huyện Bình Lục tổ chức hội nghị.\nKết quả có 50 mô hình được công nhận."
    ms = _mentions(text, [("Huyện Bình Lục", "huyện")])
    assert _unit_of(text, "50", ms, main=ms[0]) == "Huyện Bình Lục"
    assert _unit_of(text, "50", ms, main=None) is None


def test_whole_locality_takes_the_province() -> None:
    text = "Giám đốc Sở Nội vụ cho biết, toàn tỉnh có 2.500 mô hình."
    ms = _mentions(text, [("Sở Nội vụ", "tổ chức")])
    assert _unit_of(text, "2.500", ms, province="Hà Nam") == "tỉnh Hà Nam"


def test_relative_period_without_date_counts_from_the_year_the_article_names_later() -> None:
    text = "Hội nghị điển hình của huyện\nSau 1 năm triển khai, huyện có 90 mô hình.\nHội nghị tổng kết năm 2012."
    assert _period_of(text, "90") == "2012"


def test_awards_without_a_period_take_the_event_year() -> None:
    text = "Huyện Yên Lập tổ chức lễ trao giải\nBan tổ chức trao giải cho 18 tác phẩm.\nCuộc thi năm 2023 kết thúc."
    ctx = _ctx(text, None)
    pos = text.index("18")
    si = _sentence_of(ctx, pos)
    assert period_at(ctx, pos, si) is None
    assert period_at(ctx, pos, si, event=True) == "2023"
    assert period_at(_ctx(text, 2024), pos, si, event=True) == "2024"


def test_a_period_closing_an_earlier_figure_gives_way_to_the_number_s_own() -> None:
    text = (
        "Huyện Kim Bảng tổng kết phong trào\n"
        "Dịp này, UBND huyện tặng giấy khen cho 12 tập thể có thành tích giai đoạn 2020-2024 "
        "và 8 tập thể có thành tích năm 2024."
    )
    assert _period_of(text, "12") == "2020-2024"
    assert _period_of(text, "8 tập") == "2024"
    text = "Huyện Kim Bảng tổng kết phong trào\nNăm 2023 huyện có 25 mô hình, năm 2024 có 30 mô hình."
    assert _period_of(text, "30") == "2024"  # a frame after a comma is not a figure's


def test_until_now_continues_the_year_of_the_sentence_before() -> None:
    text = "Khối cơ quan tỉnh sôi nổi thi đua\nNăm 2022, các chi bộ triển khai phong trào. Đến nay, các chi bộ đã đăng ký 40 mô hình."
    assert _period_of(text, "40") == "2022"
    text = "Khối cơ quan tỉnh sôi nổi thi đua\nCác chi bộ triển khai phong trào. Đến nay, các chi bộ đã đăng ký 40 mô hình."
    assert _period_of(text, "40") is None


def test_a_running_total_or_a_stock_has_no_period() -> None:
    text = (
        "Công an huyện sơ kết phong trào\n"
        "6 tháng đầu năm 2024, đơn vị xây dựng mới 20 mô hình, nâng tổng số mô hình lên 150 mô hình."
    )
    assert _period_of(text, "20") == "2024-H1"
    assert _period_of(text, "150") is None
    text = "Phường Tân Định sơ kết quý\nToàn phường hiện duy trì 40 mô hình; trong quý II, có thêm 5 mô hình mới."
    assert _period_of(text, "40", year=2024) is None
    assert _period_of(text, "5 mô", year=2024) == "2024-Q2"


def test_since_the_start_of_the_year_is_an_open_period_from_the_article_year() -> None:
    text = (
        "Phường Mai Động chỉnh trang ngõ xóm\nTừ đầu năm đến nay, phường vận động Nhân dân cải tạo 9 ngõ xóm."
    )
    assert _period_of(text, "9", year=2025) == "2025-"


def test_awards_take_the_event_year_not_the_reviewed_span() -> None:
    text = "Tổng kết phong trào giai đoạn 2020-2025 của huyện\nDịp này, UBND huyện tặng giấy khen cho 30 tập thể."
    ctx = _ctx(text, None)
    pos = text.index("30")
    si = _sentence_of(ctx, pos)
    assert period_at(ctx, pos, si) == "2020-2025"
    assert period_at(ctx, pos, si, event=True) == "2025"
    assert period_at(_ctx(text, 2024), pos, si, event=True) == "2024"
    text = "Hội nghị tổng kết của huyện\nGiai đoạn 2020-2025, huyện có nhiều mô hình. Huyện tặng giấy khen cho 30 tập thể."
    ctx = _ctx(text, 2025)
    pos = text.index("30")
    assert period_at(ctx, pos, _sentence_of(ctx, pos), event=True) == "2020-2025"  # its paragraph's span


def test_those_taking_part_in_an_event_take_its_year() -> None:
    text = "Huyện Thanh Liêm gặp mặt điển hình\nCó 150 đại biểu về tham dự buổi gặp mặt.\nBuổi gặp mặt năm 2021 thành công."
    assert _period_of(text, "150") == "2021"
    assert _period_of(text, "150", year=2022) == "2022"


def test_a_locality_in_an_aside_only_locates() -> None:
    text = "Đồn đã cử 3 đảng viên về 2 bản (bản Nà Sài, bản Pa Khoang); cử 2 cán bộ làm phó bí thư chi bộ."
    ms = _mentions(text, [("bản Nà Sài", "bản"), ("bản Pa Khoang", "bản")])
    assert _unit_of(text, "2 cán", ms, main=None) is None
