"""The statistics rule extractor: items, scope, actions, levels, repeats (invented sentences)."""

from __future__ import annotations

import pytest

from extractors.numbers import find_quantities
from extractors.stats import find_stats, merge_repeats, read_item


def _stats(text: str):
    sentences = [(0, len(text))]
    return find_stats(text, sentences, find_quantities(text))


def _one(text: str):
    found = _stats(text)
    assert len(found) == 1, [(s.value, s.item) for s in found]
    return found[0]


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("đã xây dựng 120 mô hình mới", "mô hình"),
        ("tuyên dương 45 lượt tập thể", "tập thể"),
        ("trao 12 căn nhà Đại đoàn kết", "nhà đại đoàn kết"),
        ("biểu dương 30 gương điển hình", "điển hình"),
        ("đổ hơn 500 m2 bê-tông", "m2 bê-tông"),
        ("làm 12km đường giao thông", "km đường"),
        ("xây 250m mương thoát nước", "m mương"),
        ("huy động 2,5 tỷ đồng", "đồng"),
        ("tổ chức 14 cuộc đối thoại với nhân dân", "cuộc đối thoại"),
        ("khánh thành 7 cây cầu", "cầu"),
    ],
)
def test_read_item(text: str, item: str) -> None:
    q = next(q for q in find_quantities(text) if q.kind not in ("date", "year"))
    got = read_item(text, q.end)
    assert got is not None and got.item == item


def test_activity_before_the_number() -> None:
    s = _one("Năm qua, các cấp đã phối hợp giám sát 312 cuộc.")
    assert (s.value, s.item, s.action) == (312, "cuộc giám sát", "held")


@pytest.mark.parametrize(
    "text",
    [
        "Hội nghị có 85 đại biểu tham dự.",
        "Thực hiện Quyết định 290 của Bộ Chính trị.",
        "Mô hình triển khai trên 04 lĩnh vực.",
        "Ông đã 67 tuổi nhưng vẫn tham gia.",
        "Thu nhập bình quân đạt 58 triệu đồng/người/năm.",
        "Hội nghị lần thứ 5 diễn ra sáng nay.",
        "Mô hình “Vận động 10 hộ cùng làm đường” được nhân rộng.",
        "Phường có 12 tổ dân phố và 3 khu phố.",
        "Xã nằm cách trung tâm huyện 18 km.",
        "Đã có hàng nghìn mô hình được đăng ký.",
        "Đánh giá cao 2 mô hình trên.",
        "Năm 2022, Hội Nông dân xã ra mắt mô hình tổ hợp tác nuôi cá lồng với 12 thành viên.",
        "Mô hình câu lạc bộ trồng cam của xã hiện có 27 thành viên.",
    ],
)
def test_not_a_campaign_statistic(text: str) -> None:
    assert _stats(text) == []


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("Năm 2024, toàn huyện đăng ký 215 mô hình.", "registered"),
        ("Các cơ quan đã đăng ký xây dựng 64 mô hình.", "registered"),
        ("Quận đã xây dựng và duy trì 310 mô hình.", "built"),
        ("Có 28 mô hình được công nhận, biểu dương và khen thưởng.", "recognized"),
        ("UBND huyện tặng giấy khen cho 17 tập thể.", "commended"),
        ("Có 9 mô hình được nhân rộng ra các xã.", "replicated"),
        ("Đã có 133 tập thể và 96 cá nhân đăng ký thực hiện.", "registered"),
        ("Toàn tỉnh có 41/52 xã đạt chuẩn nông thôn mới.", "achieved"),
        ("Có 12 mô hình chưa đạt hiệu quả.", None),
        ("Qua 2 năm triển khai, các cấp Hội đã hỗ trợ xóa 17 nhà tạm cho hội viên.", None),
        ("Đơn vị đã tham gia tu sửa, làm mới 96 km đường giao thông nông thôn.", None),
        ("Nhân dân hiến đất để mở rộng, bê tông hóa 14 tuyến đường.", "built"),
        ("Huyện đã xây dựng mới và sửa chữa 215 nhà chính sách.", "built"),
        ("Hội viên đã hiến 3.200 m2 đất làm đường.", None),
        ("Chiều qua, phường tổ chức tuyên dương 26 tập thể tiêu biểu.", "commended"),
        ("Có 14 tập thể, cá nhân nhận giải thưởng của cuộc thi.", "commended"),
        ("Ban giám khảo đã chọn được 35 bài viết xuất sắc để trao giải.", "commended"),
        ("Có 24 tập thể, cá nhân được đề nghị khen thưởng.", "commended"),
    ],
)
def test_action(text: str, action: str | None) -> None:
    assert _stats(text)[0].action == action


def test_members_of_many_models_are_a_statistic() -> None:
    found = _stats("Toàn huyện có 14 mô hình tổ hợp tác với 312 thành viên tham gia.")
    assert [(s.value, s.item) for s in found] == [(14, "mô hình"), (312, "thành viên")]


def test_figures_listed_after_semicolons_share_the_verb_before_them() -> None:
    found = _stats("Năm 2024, Huyện ủy đã tuyên dương 38 tập thể; 41 cá nhân và 7 gia đình tiêu biểu.")
    assert [(s.value, s.action) for s in found] == [(38, "commended"), (41, "commended"), (7, "commended")]
    # a ";" before a new clause still ends the first one
    found = _stats("Huyện ủy đã tuyên dương 38 tập thể; các xã hiện có 41 mô hình.")
    assert [(s.value, s.action) for s in found] == [(38, "commended"), (41, None)]


def test_coordinated_figures_share_the_verb_after_them() -> None:
    found = _stats("Đã có 133 tập thể và 96 cá nhân đăng ký thực hiện.")
    assert [(s.value, s.item, s.action) for s in found] == [
        (133, "tập thể", "registered"),
        (96, "cá nhân", "registered"),
    ]


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("công nhận 40 mô hình cấp huyện", "huyện"),
        ("công nhận 18 mô hình cấp xã, phường", "cơ sở"),
        ("tổ chức 35 hội nghị cấp quận, huyện, thị xã", "huyện"),
        ("gặp mặt 900 điển hình ở cơ sở", "cơ sở"),
        ("công nhận 40 mô hình “Dân vận khéo” cấp tỉnh", "tỉnh"),
        ("công nhận 40 mô hình tiêu biểu", None),
    ],
)
def test_level(text: str, level: str | None) -> None:
    assert _one(text).level == level


def test_numbers_forms() -> None:
    s = _one("Đến nay có 356/382 xã đạt chuẩn nông thôn mới.")
    assert (s.value, s.ratio_of, s.item) == (356, 382, "xã")
    s = _one("Hội viên đóng góp gần 2 nghìn ngày công.")
    assert (s.value, s.approx, s.item) == (2000, "nearly", "ngày công")
    s = _one("Các hội đã vận động được hơn 1,2 tỷ đồng.")
    assert (s.value, s.approx, s.item) == (1_200_000_000, "more_than", "đồng")
    s = _one("Huyện tổ chức hai hội nghị đối thoại.")
    assert (s.value, s.item) == (2, "hội nghị")
    found = _stats("Có 100% số phường đã tổ chức đối thoại.")
    assert [(x.value, x.percent, x.item) for x in found] == [(100, True, "phường")]


def test_percent_restating_a_ratio_is_its_own_record() -> None:
    found = _stats("Đã có 91/100 xã (tỷ lệ 91%) đạt chuẩn nông thôn mới.")
    assert [(s.value, s.percent, s.item) for s in found] == [(91, False, "xã"), (91, True, "xã")]


def test_per_year() -> None:
    assert _one("Trung bình mỗi năm, thành phố có hơn 9.000 mô hình được đăng ký.").per_year


def test_repeats_merge_and_rounded_restatements_give_way() -> None:
    text = "Gần 5.000 tập thể tham gia. Năm 2024 có 4.987 tập thể đăng ký, trong số 4.987 tập thể đã đăng ký."
    sentences = [(0, 27), (28, len(text))]
    found = find_stats(text, sentences, find_quantities(text))
    kept = merge_repeats(text, found)
    assert [(s.value, s.approx) for s in kept] == [(4987, None)]


def test_same_figure_for_two_units_stays_twice() -> None:
    text = "Quận A tuyên dương 12 cá nhân. Quận B tuyên dương 12 cá nhân."
    found = find_stats(text, [(0, 30), (31, len(text))], find_quantities(text))
    found[0].unit = type("U", (), {"name": "quận A"})()
    found[1].unit = type("U", (), {"name": "quận B"})()
    assert len(merge_repeats(text, found)) == 2


def test_evidence_span_points_into_the_text() -> None:
    text = "Năm 2023, huyện đã xây dựng hơn 1.200 mô hình “Dân vận khéo”."
    s = _one(text)
    assert text[s.start : s.end] == "hơn 1.200 mô hình"


def test_a_thousands_dot_does_not_end_the_clause_before_the_verb() -> None:
    found = _stats("Từ năm 2015 đến nay, huyện đã có 415 tập thể và 1.236 cá nhân được tuyên dương.")
    assert [(s.value, s.action) for s in found] == [(415, "commended"), (1236, "commended")]


def test_a_second_list_of_the_same_items_inherits_their_action() -> None:
    found = _stats(
        "Dịp này, UBND huyện tặng giấy khen cho 15 tập thể, 21 cá nhân có thành tích trong giai đoạn "
        "2020 - 2025 và 6 tập thể, 9 cá nhân có thành tích xuất sắc trong năm 2025."
    )
    assert [(s.value, s.action) for s in found] == [
        (15, "commended"),
        (21, "commended"),
        (6, "commended"),
        (9, "commended"),
    ]


def test_breakdown_inherits_the_total_s_action() -> None:
    found = _stats(
        "Các cơ sở đã đăng ký 140 mô hình, trong đó có 12 mô hình cấp huyện; 128 mô hình cấp cơ sở."
    )
    assert [(s.value, s.action) for s in found] == [
        (140, "registered"),
        (12, "registered"),
        (128, "registered"),
    ]


def test_how_the_work_went_is_not_the_action() -> None:
    s = _one("Huyện khen thưởng 14 điển hình cá nhân đạt thành tích xuất sắc.")
    assert s.action == "commended"


def test_money_needs_the_campaign_around_it() -> None:
    assert _stats("Giá vàng miếng tăng thêm 500.000 đồng mỗi lượng.") == []
    s = _one("Các hội đã vận động được 300 triệu đồng để xây nhà.")
    assert (s.value, s.item) == (300_000_000, "đồng")


def test_decree_search_from_the_last_words_only() -> None:
    """``is_campaign_stat`` searches the words before a number from near their end: same answer."""
    from extractors.stats import _DECREE_BEFORE

    for before in [
        "theo quyết định ",
        "Đoàn kiểm tra  ",
        "tổng số ",
        "có số\n",
        "kế hoạch số",
        "đã trao",
        "",
    ]:
        whole = bool(_DECREE_BEFORE.search(before))
        assert whole == bool(_DECREE_BEFORE.search(before, max(0, len(before.rstrip()) - 24)))
