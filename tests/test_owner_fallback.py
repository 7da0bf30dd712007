"""Whose a figure or a model is when its sentence names no one unit.

Stacked pages and news digests: a figure with no unit in its sentence or paragraph belongs to the
main unit of its own story (a stacked article under its Title Case heading, or a digest item opening
on "* "), not to the unit the page opened on.  A model run by several units together has no unit
(SCHEMA.md: null), only its province.  Invented texts in the genre."""

from __future__ import annotations

import pytest

from corpus.records import Article
from extractors import units
from extractors.pipeline import Extractor
from pipeline.normalise import normalise_extraction

STACKED = (
    "Tổng Hợp Tin Dân Vận Khéo Mới Nhất Trong Tuần\n\n"
    "Lan Tỏa Phong Trào Thi Đua Dân Vận Khéo Ở Vùng Cao\n\n"
    "Ban Dân vận Tỉnh ủy Hà Giang vừa tổ chức hội nghị sơ kết phong trào thi đua “Dân vận khéo” "
    "năm 2024 với sự tham dự của đại diện các sở, ban, ngành và các đoàn thể chính trị - xã hội.\n\n"
    "Theo báo cáo, các cấp, các ngành đã xây dựng 420 mô hình “Dân vận khéo” trên các lĩnh vực.\n\n"
    "Nhiều Mô Hình Hay Ở Các Quận Nội Thành\n\n"
    "Chiều 12/10, Ban Dân vận Quận ủy Gò Vấp tổ chức hội nghị tổng kết phong trào thi đua "
    "“Dân vận khéo” giai đoạn 2019 - 2024 với sự tham dự của lãnh đạo các phòng, ban và đoàn thể.\n\n"
    "Trong 5 năm qua, các cơ quan, đơn vị đã đăng ký thực hiện 356 công trình, phần việc “Dân vận khéo”.\n\n"
    "Dịp này, 4 cá nhân được nhận Kỷ niệm chương “Vì sự nghiệp Dân vận”; tập thể Phòng Nội vụ "
    "và 4 cá nhân được tuyên dương điển hình “Dân vận khéo” năm 2024.\n\n"
    "* Sáng 13/10, Quận ủy Quận 8 tổ chức họp mặt kỷ niệm Ngày truyền thống công tác dân vận của Đảng "
    "với sự tham dự của đông đảo cán bộ làm công tác dân vận qua các thời kỳ.\n\n"
    "Giai đoạn 2019 - 2024, các cơ quan, đơn vị đã xây dựng 215 mô hình “Dân vận khéo”.\n"
)

ONE_STORY = (
    "Huyện Mường Khương nhân rộng mô hình dân vận khéo\n\n"
    "Ban Dân vận Huyện ủy Mường Khương vừa tổ chức hội nghị sơ kết phong trào thi đua “Dân vận khéo” "
    "năm 2024 với sự tham dự của đại diện các cơ quan, đơn vị và các đoàn thể chính trị - xã hội.\n\n"
    "Những Cách Làm Hay Ở Cơ Sở Vùng Biên\n\n"
    "Các cơ quan, đơn vị đã xây dựng 120 mô hình “Dân vận khéo” trên các lĩnh vực.\n"
)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(tokenizer="pyvi")


def _stats(extractor: Extractor, text: str) -> dict[tuple[float, str], list[tuple[str | None, str | None]]]:
    art = Article(article_id="a", doc="stacked.txt", source="-", text=text, published="2024-10-20")
    out: dict[tuple[float, str], list[tuple[str | None, str | None]]] = {}
    for s in normalise_extraction(extractor.extract(art)).stats:
        out.setdefault((s.value, s.item), []).append((s.unit, s.province))
    return out


def test_a_figure_with_no_unit_in_reach_is_its_stacked_articles(extractor: Extractor) -> None:
    stats = _stats(extractor, STACKED)
    assert stats[(420, "mô hình")] == [("tỉnh Hà Giang", "Hà Giang")]  # the page's first story
    # the second stacked article (another province) and the digest item inside it
    assert stats[(356, "công trình")] == [("quận Gò Vấp", "Hồ Chí Minh")]
    assert stats[(215, "mô hình")] == [("Quận 8", "Hồ Chí Minh")]


def test_the_same_figure_twice_in_one_sentence_is_two_facts(extractor: Extractor) -> None:
    stats = _stats(extractor, STACKED)
    assert len(stats[(4, "cá nhân")]) == 2


def test_a_single_storys_title_case_subheading_keeps_the_articles_unit(extractor: Extractor) -> None:
    ctx = units.article_context(ONE_STORY)
    assert len(ctx.sections) == 2 and ctx.stories == []  # one province: one story
    assert _stats(extractor, ONE_STORY)[(120, "mô hình")] == [("huyện Mường Khương", "Lào Cai")]


def test_story_mains() -> None:
    ctx = units.article_context(STACKED)
    names = [(STACKED[s : s + 12], main.name) for s, _e, main in ctx.stories]
    assert names == [("Nhiều Mô Hìn", "quận Gò Vấp"), ("* Sáng 13/10", "Quận 8")]
    item = STACKED.index("* Sáng")
    assert ctx.main_at(item + 200).name == "Quận 8"  # the innermost story: the digest item
    assert ctx.main_at(item - 10).name == "quận Gò Vấp"
    assert ctx.main_at(0) is ctx.main_unit and ctx.main_unit.name == "tỉnh Hà Giang"
    assert ctx.province_at(item) == "Hồ Chí Minh" and ctx.province_at(0) == "Hà Giang"


SHARED_MODEL = (
    "Huyện Yên Lập nhân rộng mô hình dân vận khéo\n\n"
    "Ban Dân vận Huyện ủy Yên Lập vừa tổ chức hội nghị sơ kết phong trào thi đua “Dân vận khéo” năm "
    "2024 với sự tham dự của đại diện các cơ quan, đơn vị và các đoàn thể chính trị - xã hội.\n\n"
    "Nổi bật là mô hình “Vườn cây nghĩa tình” của các xã Mỹ Lung, Mỹ Lương, Lương Sơn và mô hình "
    "“Thắp sáng đường quê” của xã Xuân Viên.\n"
)


def test_a_model_of_several_owners_has_no_unit_but_its_province(extractor: Extractor) -> None:
    art = Article(article_id="m", doc="shared.txt", source="-", text=SHARED_MODEL, published="2024-10-20")
    models = {m.name: (m.unit, m.province) for m in normalise_extraction(extractor.extract(art)).models}
    assert models["Vườn cây nghĩa tình"] == (None, "Phú Thọ")
    assert models["Thắp sáng đường quê"] == ("xã Xuân Viên", "Phú Thọ")
