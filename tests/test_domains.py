"""The four fields: keyword scores, the domain of a model name in its context, a sentence's stated field.

Every name and sentence here is invented for the tests.
"""

from __future__ import annotations

import pytest

from extractors.domains import DOMAINS, classify_domain, domain_scores, stated_domain
from extractors.records import DOMAINS as RECORD_DOMAINS


def test_codes_match_the_records() -> None:
    assert DOMAINS == RECORD_DOMAINS


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # economy: production, income, poverty, new rural areas, roads and land for them
        ("Tổ hợp tác nuôi dê sinh sản", "economy"),
        ("Giúp hội viên vay vốn thoát nghèo bền vững", "economy"),
        ("Vận động nhân dân hiến đất mở rộng đường giao thông nông thôn", "economy"),
        ("Cùng chung tay xây dựng nông thôn mới kiểu mẫu", "economy"),
        ("Chuyển đổi cây trồng trên đất lúa kém hiệu quả", "economy"),
        ("Mỗi đảng viên giúp đỡ một hộ nghèo", "economy"),
        # culture_society: environment, welfare, health, schooling, social evils, epidemics
        ("Phân loại rác thải tại nguồn", "culture_society"),
        ("Tủ sách khuyến học cho học sinh vùng cao", "culture_society"),
        ("Bữa cơm nghĩa tình cho bệnh nhân nghèo", "culture_society"),
        ("Câu lạc bộ phòng, chống tệ nạn xã hội trong thanh niên", "culture_society"),
        ("Vận động người dân tham gia bảo hiểm y tế hộ gia đình", "culture_society"),
        ("Chốt kiểm soát phòng chống dịch Covid-19 tại thôn", "culture_society"),
        ("Con đường hoa xanh, sạch, đẹp", "culture_society"),
        # defense_security: order, self-managed security, fire safety, cameras, reintegration, borders
        ("Tổ liên gia tự quản về an ninh trật tự", "defense_security"),
        ("Camera giám sát vì bình yên thôn xóm", "defense_security"),
        ("Khu dân cư an toàn về phòng cháy, chữa cháy", "defense_security"),
        ("Giúp người lầm lỡ tái hòa nhập cộng đồng", "defense_security"),
        ("Dân quân tự quản đường biên, cột mốc", "defense_security"),
        # political_system: administrative reform, cadres and party cells, feedback, dialogue
        ("Cải cách thủ tục hành chính, trả kết quả tại nhà", "political_system"),
        ("Cán bộ, công chức gần dân, hiểu dân", "political_system"),
        ("Tiếp nhận phản ánh, kiến nghị của công dân qua mạng", "political_system"),
        ("Chi bộ gắn với tổ dân phố", "political_system"),
    ],
)
def test_domain_from_the_name(name: str, expected: str) -> None:
    assert classify_domain(name) == expected


def test_no_evidence_gives_none() -> None:
    assert classify_domain("Nhóm Lạc Hồng") is None
    assert classify_domain("") is None


def test_a_field_named_in_the_heading_decides_a_name_without_keywords() -> None:
    heading = "Huyện có 30 mô hình thuộc lĩnh vực quốc phòng - an ninh.\nNhững mô hình nổi bật gồm: , ."
    assert classify_domain("Nhóm Lạc Hồng", heading) == "defense_security"
    economy = "Ở lĩnh vực phát triển kinh tế, huyện có 12 mô hình mới. Nổi bật có các mô hình: , ."
    assert classify_domain("Nhóm Lạc Hồng", economy) == "economy"


def test_context_keywords_outvote_a_weak_name() -> None:
    context = (
        "Công an thành phố triển khai mô hình , tranh thủ người có uy tín ngăn chặn hoạt động "
        "gây phức tạp về an ninh chính trị, trật tự an toàn xã hội."
    )
    name = "Vận động văn nghệ sĩ trên địa bàn"
    assert classify_domain(name) == "culture_society"
    assert classify_domain(name, context) == "defense_security"


def test_a_strong_name_keeps_its_field_in_another_context() -> None:
    context = (
        "Đồn biên phòng tham gia bảo vệ chủ quyền, an ninh biên giới và vận động các chương trình như , ."
    )
    assert classify_domain("Nâng bước học sinh nghèo tới trường", context) == "culture_society"


def test_several_fields_named_in_the_context_are_no_vote() -> None:
    context = "Các mô hình trải đều trên lĩnh vực kinh tế, văn hóa - xã hội và quốc phòng, an ninh."
    assert classify_domain("Nhóm Lạc Hồng", context) is None


def test_scores_count_longer_phrases_once() -> None:
    scores = domain_scores("giữ gìn trật tự an toàn xã hội")
    assert set(scores) == set(DOMAINS)
    assert scores["defense_security"] > 0
    assert scores["culture_society"] == 0.0
    assert domain_scores("") == dict.fromkeys(DOMAINS, 0.0)


def test_scores_follow_the_folding_of_tone_marks_and_dashes() -> None:
    assert (
        domain_scores("vệ sinh môi trường, hoà giải")["culture_society"]
        == domain_scores("Vệ sinh môi trường, hòa giải")["culture_society"]
    )
    assert domain_scores("văn hóa–xã hội") == domain_scores("văn hóa - xã hội")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Toàn tỉnh có 52 mô hình trong lĩnh vực kinh tế.", "economy"),
        ("Có 14 mô hình thuộc lĩnh vực văn hóa, xã hội.", "culture_society"),
        ("Đã xây dựng 31 mô hình trên lĩnh vực quốc phòng - an ninh.", "defense_security"),
        ("Riêng về quốc phòng, an ninh, lực lượng vũ trang có 9 mô hình.", "defense_security"),
        ("Có 6 mô hình thuộc lĩnh vực xây dựng hệ thống chính trị.", "political_system"),
        ("Huyện có thêm 4 xã đạt chuẩn nông thôn mới.", "economy"),
        ("Mặt trận vận động xây 18 căn nhà đại đoàn kết.", "culture_society"),
        ("Trên 90% hồ sơ cải cách hành chính được trả đúng hẹn.", "political_system"),
        ("Có 120 mô hình trên các lĩnh vực kinh tế, văn hóa - xã hội, quốc phòng - an ninh.", None),
        ("Các mô hình góp phần phát triển kinh tế - xã hội của địa phương.", None),
        ("Có 200 mô hình trên mọi lĩnh vực đời sống xã hội.", None),
        ("Đã tổ chức 45 cuộc giám sát và 12 hội nghị đối thoại.", None),
        ("Năm nay huyện có 1.200 mô hình.", None),
    ],
)
def test_stated_domain(sentence: str, expected: str | None) -> None:
    assert stated_domain(sentence) == expected


def test_socio_economic_pair_under_a_head_counts_as_two_fields() -> None:
    assert stated_domain("Có 300 mô hình trên các lĩnh vực kinh tế - xã hội và quốc phòng - an ninh.") is None
