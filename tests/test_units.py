"""Unit mentions, article context and the units table (extractors.units).

Every sentence here is invented for the tests.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.records import UnitRecord
from extractors.units import (
    ArticleContext,
    UnitMention,
    article_context,
    find_unit_mentions,
    participating_units,
)

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"


def only(text: str, written: str) -> UnitMention:
    """The single mention written exactly as ``written``."""
    found = [m for m in find_unit_mentions(text) if m.written == written]
    assert len(found) == 1, [m.written for m in find_unit_mentions(text)]
    return found[0]


def names(units: list[UnitRecord]) -> list[str]:
    return [u.name for u in units]


# --- mentions --------------------------------------------------------------------------------

MENTION_CASES = [
    # (text, written, name, type, province, organisation)
    (
        "Năm nay huyện Tam Đường có 40 mô hình.",
        "huyện Tam Đường",
        "huyện Tam Đường",
        "huyện",
        "Lai Châu",
        None,
    ),
    (
        "Ban Dân vận Huyện ủy Tam Đường tổ chức hội nghị.",
        "Ban Dân vận Huyện ủy Tam Đường",
        "huyện Tam Đường",
        "huyện",
        "Lai Châu",
        "Ban Dân vận Huyện ủy",
    ),
    (
        "Quận ủy Đống Đa vừa sơ kết phong trào.",
        "Quận ủy Đống Đa",
        "quận Đống Đa",
        "quận",
        "Hà Nội",
        "Quận ủy",
    ),
    ("Thị ủy Sơn Tây phát động thi đua.", "Thị ủy Sơn Tây", "thị xã Sơn Tây", "thị xã", "Hà Nội", "Thị ủy"),
    ("Tỉnh ủy Lai Châu chỉ đạo sát sao.", "Tỉnh ủy Lai Châu", "tỉnh Lai Châu", "tỉnh", "Lai Châu", "Tỉnh ủy"),
    ("Thành ủy Hà Nội ghi nhận.", "Thành ủy Hà Nội", "thành phố Hà Nội", "thành phố", "Hà Nội", "Thành ủy"),
    (
        "UBND xã Bản Lầu trao giấy khen.",
        "UBND xã Bản Lầu",
        "xã Bản Lầu",
        "xã",
        "Lào Cai",
        "Ủy ban nhân dân",
    ),
    (
        "Hội CCB huyện Ba Vì phát động.",
        "Hội CCB huyện Ba Vì",
        "huyện Ba Vì",
        "huyện",
        "Hà Nội",
        "Hội Cựu chiến binh",
    ),
    (
        "Ủy ban MTTQ Việt Nam xã Quài Cang vận động bà con.",
        "Ủy ban MTTQ Việt Nam xã Quài Cang",
        "xã Quài Cang",
        "xã",
        "Điện Biên",
        "Ủy ban Mặt trận Tổ quốc Việt Nam",
    ),
    ("Tỉnh Đoàn Phú Yên phối hợp.", "Tỉnh Đoàn Phú Yên", "tỉnh Phú Yên", "tỉnh", "Phú Yên", "Tỉnh Đoàn"),
    ("Quận 10 tuyên dương 30 tập thể.", "Quận 10", "Quận 10", "quận", "Hồ Chí Minh", None),
    ("ở quận 4 có nhiều mô hình", "quận 4", "Quận 4", "quận", "Hồ Chí Minh", None),
    ("Các hộ ở Q.10 hưởng ứng.", "Q.10", "Quận 10", "quận", "Hồ Chí Minh", None),
    ("Người dân TP.HCM hưởng ứng.", "TP.HCM", "thành phố Hồ Chí Minh", "thành phố", "Hồ Chí Minh", None),
    ("tại TP Hồ Chí Minh", "TP Hồ Chí Minh", "thành phố Hồ Chí Minh", "thành phố", "Hồ Chí Minh", None),
    ("ở T.P Thái Nguyên", "T.P Thái Nguyên", "thành phố Thái Nguyên", "thành phố", "Thái Nguyên", None),
    ("thuộc T.X Phổ Yên", "T.X Phổ Yên", "thị xã Phổ Yên", "thị xã", "Thái Nguyên", None),
    ("H. Hòa Vang khen thưởng 20 tập thể.", "H. Hòa Vang", "huyện Hòa Vang", "huyện", "Đà Nẵng", None),
    ("Thị trấn Hà Lam có 9 mô hình.", "Thị trấn Hà Lam", "thị trấn Hà Lam", "thị trấn", "Quảng Nam", None),
    ("Yên Bái nhân rộng các mô hình hay.", "Yên Bái", "tỉnh Yên Bái", "tỉnh", "Yên Bái", None),
    (
        "Công an tỉnh Đắk Nông ra mắt mô hình mới.",
        "Công an tỉnh Đắk Nông",
        "Công an tỉnh Đắk Nông",
        "tổ chức",
        "Đắk Nông",
        None,
    ),
    (
        "Ban CHQS huyện Kỳ Sơn giúp dân làm nhà.",
        "Ban CHQS huyện Kỳ Sơn",
        "Ban Chỉ huy quân sự huyện Kỳ Sơn",
        "tổ chức",
        "Nghệ An",
        None,
    ),
    (
        "Bộ đội Biên phòng (BĐBP) An Giang xây 20 căn nhà.",
        "Bộ đội Biên phòng (BĐBP) An Giang",
        "Bộ đội Biên phòng tỉnh An Giang",
        "tổ chức",
        "An Giang",
        None,
    ),
    (
        "Đảng ủy Công ty CP Tập đoàn Sông Xanh 7 vận động.",
        "Đảng ủy Công ty CP Tập đoàn Sông Xanh 7",
        "Đảng ủy Công ty Cổ phần Tập đoàn Sông Xanh 7",
        "tổ chức",
        None,
        None,
    ),
    (
        "Tổng cục Chính trị QĐND Việt Nam chỉ đạo hội thi.",
        "Tổng cục Chính trị QĐND Việt Nam",
        "Tổng cục Chính trị Quân đội nhân dân Việt Nam",
        "tổ chức",
        None,
        None,
    ),
    ("Bộ Tư lệnh Quân khu 5 tổng kết.", "Bộ Tư lệnh Quân khu 5", "Quân khu 5", "tổ chức", None, "Bộ Tư lệnh"),
]


@pytest.mark.parametrize(("text", "written", "name", "utype", "province", "organisation"), MENTION_CASES)
def test_mention_table(
    text: str, written: str, name: str, utype: str, province: str | None, organisation: str | None
) -> None:
    m = only(text, written)
    assert (m.name, m.type, m.province, m.organisation) == (name, utype, province, organisation)
    assert text[m.start : m.end] == m.written
    assert m.kind == ("organisation" if utype == "tổ chức" else "locality")
    assert not m.implicit


def test_lists_share_one_type_word() -> None:
    text = "Mô hình được nhân rộng ở các xã Minh Quang, Khánh Thượng và Ba Trại."
    found = [(m.name, m.province) for m in find_unit_mentions(text)]
    assert found == [("xã Minh Quang", None), ("xã Khánh Thượng", None), ("xã Ba Trại", "Hà Nội")]
    quan = [m.name for m in find_unit_mentions("của các quận Bắc Từ Liêm, Hà Đông, Hoàng Mai.")]
    assert quan == ["quận Bắc Từ Liêm", "quận Hà Đông", "quận Hoàng Mai"]


def test_each_type_word_of_a_mixed_list() -> None:
    text = "Câu lạc bộ được lập ở huyện Phú Bình và T.P Thái Nguyên."
    assert [m.name for m in find_unit_mentions(text)] == ["huyện Phú Bình", "thành phố Thái Nguyên"]


def test_numbered_districts_in_a_list() -> None:
    text = "Đoàn kiểm tra các quận: Quận 1, Quận 3, Quận Tân Bình."
    assert [m.name for m in find_unit_mentions(text)] == ["Quận 1", "Quận 3", "quận Tân Bình"]


def test_mentions_inside_quotes_are_names_of_models() -> None:
    text = "Mô hình “Tôi làm Công an xã” và “Vì thành phố Hà Nội xanh” được công nhận ở xã Bản Bo."
    assert [m.name for m in find_unit_mentions(text)] == ["xã Bản Bo"]


def test_person_name_after_a_committee_is_not_a_place() -> None:
    text = "Bí thư Huyện ủy Con Cuông Nguyễn Văn An trao giấy khen."
    m = only(text, "Huyện ủy Con Cuông")
    assert m.name == "huyện Con Cuông"
    assert not [x for x in find_unit_mentions("Thành ủy Trần Văn Bình phát biểu.") if not x.implicit]


def test_common_words_are_not_units() -> None:
    text = "Công tác an sinh xã hội và văn bản của bản thân được bàn ở cấp huyện, cấp tỉnh."
    assert find_unit_mentions(text) == []


def test_title_case_headings_need_known_names() -> None:
    heading = "Nhân Rộng Mô Hình Xây Dựng Nông Thôn Mới Ở Huyện Ba Vì"
    assert [m.name for m in find_unit_mentions(heading)] == ["huyện Ba Vì"]
    assert find_unit_mentions("Phát Triển Kinh Tế - Xã Hội Bền Vững Ở Vùng Cao") == []


def test_foreign_places_are_not_implicit_mentions() -> None:
    assert find_unit_mentions("Đồn quản lý đoạn biên giới giáp tỉnh Hủa Phăn (Lào).") == []


def test_mentions_are_sorted_and_do_not_overlap() -> None:
    text = (
        "Ban Dân vận Huyện ủy Tam Đường, Hội LHPN xã Bản Bo và Công an tỉnh Lai Châu phối hợp với "
        "UBND thị trấn Tân Uyên, huyện Tân Uyên; Quận 1, TP.HCM và Q.4 cũng tham gia."
    )
    ms = find_unit_mentions(text)
    assert [m.start for m in ms] == sorted(m.start for m in ms)
    assert all(a.end <= b.start for a, b in zip(ms, ms[1:], strict=False))
    assert all(text[m.start : m.end] == m.written for m in ms)
    assert ms[0].written == "Ban Dân vận Huyện ủy Tam Đường"  # one mention spanning body and locality


def test_numbered_wards_in_a_list() -> None:
    found = [m.name for m in find_unit_mentions("Các phường 1, 2 và 3 của Quận 5 đều có mô hình.")]
    assert found == ["Phường 1", "Phường 2", "Phường 3", "Quận 5"]


@pytest.mark.parametrize(
    ("text", "name", "province"),
    [
        ("Bệnh viện Đa khoa tỉnh Lào Cai triển khai mô hình.", "Bệnh viện Đa khoa tỉnh Lào Cai", "Lào Cai"),
        ("Trường THPT Chu Văn An tổ chức hội thi.", "Trường THPT Chu Văn An", None),
        ("Trung tâm Y tế huyện Yên Thế đăng ký mô hình.", "Trung tâm Y tế huyện Yên Thế", "Bắc Giang"),
        ("Sở Giáo dục và Đào tạo tỉnh Nam Định tổ chức.", "Sở Giáo dục và Đào tạo tỉnh Nam Định", "Nam Định"),
        ("BCH Quân sự tỉnh Hà Giang phối hợp.", "Bộ Chỉ huy Quân sự tỉnh Hà Giang", "Hà Giang"),
        ("Đồn Biên phòng cửa khẩu Lào Cai giúp dân.", "Đồn Biên phòng cửa khẩu Lào Cai", "Lào Cai"),
        ("Ban Dân vận TW phát động.", "Ban Dân vận Trung ương", None),
        ("Công an Nghệ An nhân rộng mô hình.", "Công an tỉnh Nghệ An", "Nghệ An"),
        ("Cục Thuế tỉnh Quảng Ninh đăng ký.", "Cục Thuế tỉnh Quảng Ninh", "Quảng Ninh"),
    ],
)
def test_organisations_with_their_own_names(text: str, name: str, province: str | None) -> None:
    (m,) = find_unit_mentions(text)
    assert (m.name, m.type, m.kind, m.province) == (name, "tổ chức", "organisation", province)


_FRAGMENTS = [
    "Ban Dân vận Huyện ủy Tam Đường",
    "các xã Minh Quang, Khánh Thượng và Ba Trại",
    "Quận 10",
    "TP.HCM",
    "toàn huyện",
    "Hội LHPN xã Bản Bo",
    "“Ngõ xanh ở phường Hàng Bạc”",
    "(huyện Ba Vì)",
    "Công an TP",
    "tổ chức hội nghị",
    "có 12 mô hình",
    ",",
    ".",
    "\n",
    "và",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=12))
def test_mention_invariants_on_any_text(parts: list[str]) -> None:
    text = " ".join(parts)
    ms = find_unit_mentions(text)
    assert all(a.end <= b.start for a, b in zip(ms, ms[1:], strict=False))
    assert all(text[m.start : m.end] == m.written and m.written for m in ms)
    ctx = article_context(text)
    assert all(a.end <= b.start for a, b in zip(ctx.mentions, ctx.mentions[1:], strict=False))
    units = participating_units(text, ctx)
    assert len({u.name.lower() for u in units}) == len(units)


def test_bare_type_words_are_implicit_until_resolved() -> None:
    found = find_unit_mentions("Toàn huyện đã xây dựng 120 mô hình; Huyện ủy khen thưởng 8 tập thể.")
    assert [(m.written, m.name, m.implicit) for m in found] == [
        ("huyện", "huyện", True),
        ("Huyện ủy", "huyện", True),
    ]


# --- article context -------------------------------------------------------------------------

ARTICLE = (
    "Huyện Tam Đường nhân rộng mô hình “Dân vận khéo”\n\n"
    "Sáng 12/3, Ban Dân vận Huyện ủy Tam Đường tổ chức hội nghị sơ kết phong trào thi đua “Dân vận khéo” "
    "năm 2024 với sự tham dự của đại diện các xã, thị trấn trong huyện và nhiều tập thể, cá nhân tiêu biểu.\n\n"
    "Năm qua, toàn huyện đã xây dựng 85 mô hình, trong đó mô hình “Nhà sạch, vườn đẹp” của xã Bản Bo "
    "được Huyện ủy biểu dương. Hội Cựu chiến binh tỉnh cũng tặng giấy khen cho 5 hội viên.\n\n"
    "Tại hội nghị, Công an huyện đăng ký 3 mô hình mới. Đồng chí Lò Văn Minh, Phó Bí thư Tỉnh ủy "
    "Lai Châu dự và phát biểu.\n"
)


@pytest.fixture(scope="module")
def ctx() -> ArticleContext:
    return article_context(ARTICLE, "Huyện Tam Đường nhân rộng mô hình “Dân vận khéo”")


def test_context_province_and_main_unit(ctx: ArticleContext) -> None:
    assert ctx.province == "Lai Châu"
    assert ctx.main_unit is not None and ctx.main_unit.name == "huyện Tam Đường"


def test_implicit_mentions_are_resolved(ctx: ArticleContext) -> None:
    implicit = {m.written: m for m in ctx.mentions if m.implicit}
    assert implicit["huyện"].name == "huyện Tam Đường"
    assert implicit["Huyện ủy"].name == "huyện Tam Đường"
    assert implicit["Hội Cựu chiến binh tỉnh"].name == "tỉnh Lai Châu"
    assert implicit["Công an huyện"].name == "Công an huyện Tam Đường"
    assert implicit["Công an huyện"].type == "tổ chức"
    assert all(m.province == "Lai Châu" for m in ctx.mentions)


def test_context_mentions_are_sorted_and_disjoint(ctx: ArticleContext) -> None:
    ms = ctx.mentions
    assert all(a.end <= b.start for a, b in zip(ms, ms[1:], strict=False))
    assert all(ARTICLE[m.start : m.end] == m.written for m in ms)


def test_province_inferred_from_communes_when_never_named() -> None:
    text = (
        "Xã Quài Cang vận động nhân dân hiến đất\n\n"
        "Năm 2023, Đảng ủy xã Quài Cang chỉ đạo các thôn, bản xây dựng 12 mô hình “Dân vận khéo”, "
        "trong đó bản Co Muông được công nhận là điểm sáng của toàn xã về hiến đất làm đường.\n"
    )
    ctx = article_context(text)
    assert ctx.province == "Điện Biên"
    assert {m.name: m.province for m in ctx.mentions}["bản Co Muông"] == "Điện Biên"


def test_city_references_in_a_capital_article() -> None:
    text = (
        "Hà Nội biểu dương 200 điển hình\n\n"
        "Năm 2024, thành phố có hơn 9.000 mô hình được đăng ký; Thành ủy và Công an TP đã tuyên dương "
        "nhiều cách làm hay, góp phần xây dựng Thủ đô văn minh.\n"
    )
    ctx = article_context(text)
    by_written = {m.written: m.name for m in ctx.mentions}
    assert by_written["thành phố"] == "thành phố Hà Nội"
    assert by_written["Thành ủy"] == "thành phố Hà Nội"
    assert by_written["Công an TP"] == "Công an thành phố Hà Nội"
    assert by_written["Thủ đô"] == "thành phố Hà Nội"


def test_untyped_names_of_known_units() -> None:
    text = (
        "Nhân rộng mô hình ở Thăng Bình\n\n"
        "Những năm qua, huyện Thăng Bình có 90 mô hình “Dân vận khéo”; mô hình “Nuôi bò vỗ béo” "
        "(Bình Tú, Bình Nguyên) mang lại thu nhập khá cho nhiều hộ dân trong huyện.\n"
    )
    ctx = article_context(text)
    untyped = {m.written: (m.name, m.type, m.province) for m in ctx.mentions if m.implicit}
    assert untyped["Thăng Bình"] == ("huyện Thăng Bình", "huyện", "Quảng Nam")
    assert untyped["Bình Tú"] == ("xã Bình Tú", "xã", "Quảng Nam")
    assert untyped["Bình Nguyên"] == ("xã Bình Nguyên", "xã", "Quảng Nam")


# --- the units table -------------------------------------------------------------------------


def test_participating_units_of_the_article(ctx: ArticleContext) -> None:
    units = participating_units(ARTICLE, ctx)
    assert names(units) == ["huyện Tam Đường", "xã Bản Bo", "tỉnh Lai Châu", "Công an huyện Tam Đường"]
    assert {u.type for u in units} == {"huyện", "xã", "tỉnh", "tổ chức"}
    assert all(u.province == "Lai Châu" for u in units)
    bo = units[1]
    assert ARTICLE[bo.prov.start : bo.prov.end] == bo.written


def test_addresses_parents_and_launchers_do_not_take_part() -> None:
    text = (
        "Phong trào “Dân vận khéo” ở Đồn Biên phòng Bắc Sơn\n\n"
        "Thực hiện phong trào do Ban Dân vận Trung ương phát động, Đồn Biên phòng Bắc Sơn đã xây dựng 6 mô hình "
        "giúp dân, tặng 30 con bò giống cho các hộ ở bản Nà Phiêng, xã Quài Cang, huyện Tuần Giáo.\n\n"
        "Đồng chí Lò Văn Hải, Bí thư Huyện ủy Tuần Giáo dự và đánh giá cao kết quả của đơn vị.\n"
    )
    units = participating_units(text, article_context(text))
    assert names(units) == ["Đồn Biên phòng Bắc Sơn"]
    assert units[0].province == "Điện Biên"


def test_model_sites_and_owners_take_part() -> None:
    text = (
        "Nhiều mô hình hay ở huyện Đại Lộc\n\n"
        "Các mô hình tiêu biểu như: “Đường hoa nông thôn” của xã Đại Hưng; “Tổ tiết kiệm” ở thôn Phú Nham, "
        "xã Đại Hòa (Đại Lộc); “Sân chơi cho em” do Hội LHPN xã Đại Minh xây dựng.\n"
    )
    units = participating_units(text, article_context(text))
    assert names(units) == ["huyện Đại Lộc", "xã Đại Hưng", "thôn Phú Nham", "xã Đại Hòa", "xã Đại Minh"]
    assert {u.province for u in units} == {"Quảng Nam"}


def test_honoured_units_take_part() -> None:
    text = (
        "Hà Giang tổng kết phong trào\n\n"
        "Dịp này, UBND tỉnh Hà Giang tặng bằng khen cho 30 tập thể, trong đó có xã Đường Âm và xã Lũng Cú. "
        "Đoàn cũng đến thăm nhà văn hóa ở xã Thuận Hòa.\n"
    )
    assert names(participating_units(text, article_context(text))) == [
        "tỉnh Hà Giang",
        "xã Đường Âm",
        "xã Lũng Cú",
    ]


def test_units_are_distinct_and_ordered_by_first_mention() -> None:
    text = (
        "Quận 4 tuyên dương điển hình\n\n"
        "Chiều 15/10, Ban Dân vận Quận ủy Quận 4 tổ chức hội nghị; UBND Quận 4 tặng giấy khen cho 15 tập thể. "
        "Cùng ngày, Quận ủy Quận 11 tuyên dương 20 cá nhân.\n"
    )
    units = participating_units(text, article_context(text))
    assert names(units) == ["Quận 4", "Quận 11"]
    assert [u.as_dict(schema_only=True) for u in units] == [
        {"name": "Quận 4", "type": "quận", "province": "Hồ Chí Minh"},
        {"name": "Quận 11", "type": "quận", "province": "Hồ Chí Minh"},
    ]


def test_page_furniture_is_ignored() -> None:
    text = (
        "Huyện Ba Vì có 575 mô hình\n\nHuyện Ba Vì đã xây dựng 575 mô hình “Dân vận khéo”.\n\n"
        "Có thể bạn quan tâm\n\nQuận Hoàng Mai tổ chức 30 hội nghị đối thoại\n"
    )
    assert names(participating_units(text, article_context(text))) == ["huyện Ba Vì"]


def test_empty_text() -> None:
    ctx = article_context("")
    assert (ctx.main_unit, ctx.province, ctx.mentions) == (None, None, [])
    assert participating_units("", ctx) == []


# --- the development set (needs ../shared) ---------------------------------------------------


def _load_score() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dvk_reference_score", SHARED / "gold" / "score.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _dev_text(path: Path) -> str:
    raw = path.read_text(encoding="utf-8")
    try:
        from corpus.clean import clean_text
    except ImportError:  # pragma: no cover - before the corpus cleaner lands
        return raw
    return clean_text(raw).text


@pytest.mark.devset
def test_units_f1_floor_on_the_development_set() -> None:
    if not (SHARED / "gold" / "score.py").exists() or not (SHARED / "dev" / "gold.jsonl").exists():
        pytest.skip(f"development data not found at {SHARED}")
    score = _load_score()
    gold = score.load(SHARED / "gold" / "seeds.jsonl") | score.load(SHARED / "dev" / "gold.jsonl")
    paths = sorted((SHARED / "seeds").glob("*.txt")) + sorted((SHARED / "dev" / "articles").glob("*.txt"))
    pred = {}
    for path in paths:
        text = _dev_text(path)
        title = next((ln for ln in text.splitlines() if ln.strip()), None)
        units = participating_units(text, article_context(text, title))
        pred[path.name] = {"doc": path.name, "units": [u.as_dict(schema_only=True) for u in units]}
    json.dumps(pred, ensure_ascii=False)  # the export must be JSON-serialisable
    res, _ = score.score({d: gold[d] for d in pred}, pred)
    units = res["units"]
    assert units["f1"] >= 0.75, units
    assert units["acc_province"] >= 0.85, units
    assert re.fullmatch(r"\d+", str(units["gold"])) and units["gold"] >= 100


# --- hand-written scans give what the patterns they replace give ---------------------------------

_TAIL_PIECES = [" ", "  ", "\n", "\t", ",", "và", "v", "à", "các", "x", "Hà", "A"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_TAIL_PIECES), max_size=10))
def test_list_tail_and_units_between_as_the_patterns(pieces: list[str]) -> None:
    from extractors.units import _drop_list_tail

    s = "".join(pieces)
    assert _drop_list_tail(s) == re.sub(r"(?:\s*(?:,|và)\s*)+$", " ", s)
    only = re.fullmatch(r"(?:[\s,]|\bvà\b|\bcác\b)*", s) is not None
    assert only == (not re.sub(r"[\s,]|\bvà\b|\bcác\b", "", s))
    m = re.search(r"(\S+)\s*$", s)
    assert (m.group(1) if m else None) == (s.rsplit(None, 1)[-1] if s.strip() else None)
