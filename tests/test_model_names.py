"""Named models: cues, lists, broken quotes, exclusions, spans, owners, and a floor on the dev set.

Every sentence here is invented for the tests; the floor test reads the real
articles from ../shared and skips when it is absent.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from extractors.domains import classify_domain
from extractors.model_names import (
    ModelMention,
    find_model_names,
    is_campaign_name,
    model_context,
    sentence_spans,
)

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"


def names(text: str) -> list[str]:
    return [m.name for m in find_model_names(text, sentence_spans(text))]


def mention(text: str, name: str) -> ModelMention:
    found = [m for m in find_model_names(text, sentence_spans(text)) if m.name == name]
    assert found, f"{name!r} not found in {names(text)}"
    return found[0]


# --- quoted names after a cue ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Xã Tân Lập duy trì mô hình “Bếp ăn yêu thương cho người già” từ năm 2021.",
            "Bếp ăn yêu thương cho người già",
        ),
        ("Phường được biểu dương điển hình “Tổ dân phố không khói thuốc”.", "Tổ dân phố không khói thuốc"),
        (
            "Đoàn thanh niên hoàn thành công trình “Con đường thắp sáng quê hương” trong tháng.",
            "Con đường thắp sáng quê hương",
        ),
        (
            "Ủy ban áp dụng giải pháp “Hẹn giờ trả kết quả qua tin nhắn” tại bộ phận một cửa.",
            "Hẹn giờ trả kết quả qua tin nhắn",
        ),
        (
            "Nổi bật là chuyên đề “Hồ sơ đất đai không phải chờ lâu” của phòng Tài nguyên.",
            "Hồ sơ đất đai không phải chờ lâu",
        ),
        (
            "Hội Phụ nữ xã triển khai mô hình vệ sinh môi trường “Ngày thứ bảy sạch ngõ xóm”.",
            "Ngày thứ bảy sạch ngõ xóm",
        ),
        (
            "Công an huyện ra mắt mô hình “Dân vận khéo” cấp huyện “Mỗi camera một tấm lòng”.",
            "Mỗi camera một tấm lòng",
        ),
        (
            "Bài viết giới thiệu mô hình dân vận khéo “Gian hàng không đồng ở chợ phiên”.",
            "Gian hàng không đồng ở chợ phiên",
        ),
        (
            "Nhiều hộ tham gia mô hình: “Vườn rau sạch cho bếp ăn bán trú”.",
            "Vườn rau sạch cho bếp ăn bán trú",
        ),
    ],
)
def test_quoted_name_after_a_cue(text: str, expected: str) -> None:
    assert names(text) == [expected]


def test_cue_after_the_name_and_caption() -> None:
    text = (
        "“Thùng rác xanh trước mỗi cổng nhà” - mô hình dân vận khéo của thôn Đông.\n"
        "“Tủ thuốc nghĩa tình cho người cao tuổi” tại xã Phú Mỹ, huyện Ninh Sơn\n"
        "Bà con phấn khởi khi mô hình đi vào nền nếp."
    )
    assert names(text) == ["Thùng rác xanh trước mỗi cổng nhà", "Tủ thuốc nghĩa tình cho người cao tuổi"]


def test_single_quotes_count_only_after_a_cue() -> None:
    text = "Lan tỏa mô hình 'Ngõ nhỏ không rác' ở phường 'Dân vận khéo' Tân Mai. Các mô hình như: 'Góc đọc sách'."
    assert names(text) == ["Ngõ nhỏ không rác"]


def test_a_cue_word_with_a_verb_between_is_no_cue() -> None:
    text = "Theo bà Hoa, mô hình phải “chắc từng bước một”, chọn việc vừa sức."
    assert names(text) == []


# --- lists ------------------------------------------------------------------------------------------


def test_list_with_commas_and_va() -> None:
    text = (
        "Các mô hình tiêu biểu gồm: “Góc sách cộng đồng”, “Sân chơi cho thiếu nhi” và “Nhóm Zalo tổ dân phố”."
    )
    assert names(text) == ["Góc sách cộng đồng", "Sân chơi cho thiếu nhi", "Nhóm Zalo tổ dân phố"]


def test_list_with_semicolons_and_owners() -> None:
    text = (
        "Nhiều mô hình hiệu quả như: “Chợ không rác thải nhựa” của phường An Bình; “Đèn đường tự quản” "
        "của tổ dân phố số 4; “Quỹ khuyến học dòng họ” của Hội Khuyến học xã…\n"
    )
    found = find_model_names(text, sentence_spans(text))
    assert [m.name for m in found] == [
        "Chợ không rác thải nhựa",
        "Đèn đường tự quản",
        "Quỹ khuyến học dòng họ",
    ]
    owners = [text[m.owner_start : m.owner_end] for m in found]
    assert owners == ["phường An Bình", "tổ dân phố số 4", "Hội Khuyến học xã"]


def test_list_items_after_owners_and_semicolons() -> None:
    text = (
        "Đó là Chi hội Nông dân thôn Bắc với mô hình “Tổ vay vốn làm vườn”; bà Lê Thị Mai, Chủ tịch Hội Phụ nữ "
        "xã Hòa Phú “Nuôi heo đất giúp hội viên nghèo”; Đoàn xã với mô hình “Thanh niên giữ đường làng sạch”."
    )
    found = find_model_names(text, sentence_spans(text))
    assert [m.name for m in found] == [
        "Tổ vay vốn làm vườn",
        "Nuôi heo đất giúp hội viên nghèo",
        "Thanh niên giữ đường làng sạch",
    ]
    assert text[found[0].owner_start : found[0].owner_end] == "Chi hội Nông dân thôn Bắc"


def test_examples_of_the_campaign_are_models() -> None:
    text = "Các đơn vị hưởng ứng phong trào thi đua “Dân vận khéo”, như: “Một ngày làm công nhân môi trường”."
    assert names(text) == ["Một ngày làm công nhân môi trường"]


def test_programmes_listed_as_examples_are_models_but_a_named_programme_is_not() -> None:
    listed = (
        "Đồn biên phòng duy trì các chương trình an sinh như “Bữa sáng cho em đến lớp”, “Áo ấm mùa đông”."
    )
    assert names(listed) == ["Bữa sáng cho em đến lớp", "Áo ấm mùa đông"]
    named = "Chương trình “Ngôi nhà mơ ước cho hộ nghèo” do tỉnh phát động đã xây 40 căn."
    assert names(named) == []


def test_unquoted_titles_in_a_list_of_models() -> None:
    text = (
        "Những mô hình hay, như: Mô hình Tổ hòa giải kiểu mẫu của thị trấn Yên Lạc; Đội Xung kích "
        "phòng cháy, Câu lạc bộ Nông dân sạch ở huyện Đồng Hỷ; mô hình vận động bà con bỏ tập tục lạc hậu "
        "ở xã Tân Long; Câu lạc bộ Bạn đồng hành ở xã Minh Tiến (Đại Từ)… Các mô hình đều hiệu quả."
    )
    assert names(text) == [
        "Tổ hòa giải kiểu mẫu",
        "Đội Xung kích phòng cháy",
        "Câu lạc bộ Nông dân sạch",
        "Câu lạc bộ Bạn đồng hành",
    ]


def test_unquoted_title_with_its_owner_in_brackets() -> None:
    text = (
        "Một số mô hình thiết thực ở cơ sở như: mô hình Chăn nuôi an toàn sinh học (Hội Nông dân huyện), "
        "cải tạo vườn tạp ở xã Phú Xuân…"
    )
    m = mention(text, "Chăn nuôi an toàn sinh học")
    assert text[m.owner_start : m.owner_end] == "Hội Nông dân huyện"
    assert text[m.ev_start : m.ev_end] == "mô hình Chăn nuôi an toàn sinh học (Hội Nông dân huyện)"
    assert names(text) == ["Chăn nuôi an toàn sinh học"]


def test_list_items_that_are_places_people_or_fields_are_not_titles() -> None:
    text = (
        "Nhiều mô hình được nhân rộng như: “Ngõ sáng đèn đêm” của các phường Tân Mai, Giáp Bát, Vĩnh Hưng. "
        "Điển hình như ông Nguyễn Văn Khoa, Bí thư Chi bộ thôn Trung. "
        "Toàn huyện có 80 mô hình trên bốn lĩnh vực: Kinh tế, Văn hóa - xã hội, Quốc phòng - an ninh, "
        "Xây dựng hệ thống chính trị. Các mô hình gồm: Tổ dân phố số 7, Khu phố 3."
    )
    assert names(text) == ["Ngõ sáng đèn đêm"]


def test_a_sentence_of_examples_after_a_sentence_about_models() -> None:
    text = "Xã có 12 mô hình được công nhận. Tiêu biểu là: “Vườn thuốc nam tại nhà”, “Quỹ gạo tiết kiệm”."
    assert names(text) == ["Vườn thuốc nam tại nhà", "Quỹ gạo tiết kiệm"]
    unrelated = "Xã tổ chức hội nghị tổng kết. Tiêu biểu là: “Vườn thuốc nam tại nhà”, “Quỹ gạo tiết kiệm”."
    assert names(unrelated) == []


def test_a_model_noun_without_a_list_marker_opens_no_list() -> None:
    text = "Năm tới, các chi bộ xây dựng mô hình gắn với sắp xếp bộ máy, “không để việc chờ người”."
    assert names(text) == []


# --- broken and cut quotes ------------------------------------------------------------------------


def test_unclosed_quotes_end_at_semicolon_or_line_end() -> None:
    text = (
        "Tiêu biểu là thôn Nà Pồng thực hiện mô hình “Vận động bà con làm chuồng trại xa nhà; "
        "Đồn Biên phòng Nà Sái “Nâng bước em tới lớp mỗi mùa khai giảng; Hội Cựu chiến binh với mô hình "
        "“Cựu chiến binh giúp nhau làm kinh tế”.\n"
        "Mô hình “Đường làng không cỏ dại ở thôn Mới\n"
        "Mọi người cùng tham gia."
    )
    assert names(text) == [
        "Vận động bà con làm chuồng trại xa nhà",
        "Nâng bước em tới lớp mỗi mùa khai giảng",
        "Cựu chiến binh giúp nhau làm kinh tế",
        "Đường làng không cỏ dại ở thôn Mới",
    ]


def test_name_with_only_a_closing_quote_starts_after_its_unit() -> None:
    text = (
        "Nhiều đơn vị hưởng ứng phong trào thi đua “Dân vận khéo”, như Sở Tư pháp tổ chức giải đáp pháp luật "
        "miễn phí cho người dân qua đường dây nóng”; Huyện đoàn triển khai “Thanh niên đồng hành cùng nông dân”."
    )
    found = find_model_names(text, sentence_spans(text))
    assert [m.name for m in found] == [
        "tổ chức giải đáp pháp luật miễn phí cho người dân qua đường dây nóng",
        "Thanh niên đồng hành cùng nông dân",
    ]
    assert text[found[0].ev_end - 1] == "”"


def test_quote_cut_off_by_the_end_of_the_text_is_not_a_model() -> None:
    text = "Nổi bật có các mô hình: “Đưa cây ăn quả lên đồi trọc”, “Nuôi cá lồng trên sông Đà"
    assert names(text) == ["Đưa cây ăn quả lên đồi trọc"]


def test_double_prime_closing_mark() -> None:
    text = "Nhiều mô hình hay, như Mô hình: “Tổ tự quản phòng chống dịch bệnh ở khu trọ″; “Ngõ phố bình yên”."
    m = mention(text, "Tổ tự quản phòng chống dịch bệnh ở khu trọ")
    assert "″" not in m.name
    assert text[m.ev_start : m.ev_end].endswith("″")
    assert text[m.start : m.end] == m.name


# --- what is not a model --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    [
        "Dân vận khéo",
        "dân vận khéo",
        "DÂN VẬN KHÉO",
        "Dận vận khéo",
        "Dân vân khéo",
        "Chính quyền dân vận khéo",
        "Năm Dân vận khéo",
        "Doanh nghiệp dân vận khéo",
        "Dân vận khéo cấp tỉnh",
        "Dân vận khéo năm 2024",
    ],
)
def test_campaign_name_in_any_spelling(spelling: str) -> None:
    assert is_campaign_name(spelling)
    assert names(f"Xã đăng ký 20 mô hình “{spelling}” trong năm nay.") == []


def test_longer_names_containing_the_campaign_are_models() -> None:
    assert not is_campaign_name("Dân vận khéo trong giải phóng mặt bằng")
    text = "Đảng ủy xã có mô hình “Dân vận khéo trong giải phóng mặt bằng đường tỉnh 295”."
    assert names(text) == ["Dân vận khéo trong giải phóng mặt bằng đường tỉnh 295"]


@pytest.mark.parametrize(
    "item",
    [
        "phong trào “Cả nước chung tay vì biển đảo quê hương”",
        "phong trào thi đua “Lao động giỏi, sáng tạo không ngừng”",
        "cuộc vận động “Người dân thành phố nói không với rác thải nhựa”",
        "Hội thi “Tuyên truyền viên giỏi cấp huyện”",
        "gắn với thực hiện “Năm chính quyền gần dân”",
        "Kỷ niệm chương “Vì sự nghiệp xây dựng nông thôn”",
        "giải thưởng “Bông hoa đẹp giữa đời thường”",
        "danh hiệu “Gia đình hiếu học tiêu biểu”",
        "Kế hoạch của Huyện ủy “Về việc nâng cao chất lượng công tác dân vận”",
        "Chỉ thị “Tăng cường đối thoại với nhân dân ở cơ sở”",
        "Chương trình “Ngôi nhà mơ ước cho hộ nghèo”",
        "phương châm “Đi từng ngõ, gõ từng nhà”",
        "“3 cùng”",
        "“Bốn bám”",
        "“Đơn vị dân vận tốt”",
        "120 “Nhà tình thương”",
        "“Nhà tình nghĩa”",
        "tổ chức tự xưng “Hội truyền giáo ánh sáng mới”",
        "“điểm nóng”",
        "“khéo”",
        "“Ngày hội đại đoàn kết toàn dân tộc ở khu dân cư”",
        "“Quân đội chung sức xây dựng nông thôn mới”",
        "“Toàn dân đoàn kết xây dựng đời sống văn hóa ở khu dân cư”",
        "“Đoàn kết với dân thì việc gì cũng xong”",
        "“Dân vận khéo”",
    ],
)
def test_exclusions_inside_a_list_of_models(item: str) -> None:
    text = f"Nhiều mô hình được nhân rộng như: “Góc sách cộng đồng”; {item}; “Sân chơi cho thiếu nhi”."
    assert names(text) == ["Góc sách cộng đồng", "Sân chơi cho thiếu nhi"]


def test_movement_lists_give_no_models_but_mixed_lists_do() -> None:
    movements = "Tiêu biểu là các mô hình gắn với các phong trào như: “Phụ nữ tự tin khởi nghiệp”, “Nông dân sản xuất giỏi”."
    assert names(movements) == []
    mixed = (
        "Nổi bật có các mô hình, các phong trào thi đua như: “Cả nước chung sức xây dựng nông thôn mới”, "
        "“Rèn quân giỏi, giữ dân chắc, làm việc nhanh”, “Mỗi tổ công tác giúp một bản thoát nghèo”."
    )
    assert names(mixed) == ["Mỗi tổ công tác giúp một bản thoát nghèo"]


def test_a_name_called_a_movement_elsewhere_is_no_model() -> None:
    text = (
        "Xã phát động phong trào “Ngõ xóm xanh, sạch, đẹp, an toàn” từ đầu năm. "
        "Các mô hình tiêu biểu như: “Ngõ xóm xanh, sạch, đẹp, an toàn”, “Bữa cơm đoàn kết cuối tuần”."
    )
    assert names(text) == ["Bữa cơm đoàn kết cuối tuần"]


def test_sayings_mottos_and_speech_are_not_models() -> None:
    text = (
        "Thấm nhuần lời dạy “Dễ trăm lần không dân cũng chịu, khó vạn lần dân liệu cũng xong”, các mô hình "
        "như: “Việc gì có ích cho dân thì phải làm cho bằng được”, “Nghe dân nói. Nói dân hiểu. Làm dân tin”, "
        "“Tai nghe, mắt thấy, chân đi, tay làm”, “Muốn dân tin phải sát dân từng ngày”, ông Tùng cho biết."
    )
    assert names(text) == []


def test_mottos_are_parallel_clauses_not_any_comma_list() -> None:
    text = "Các mô hình như: “Ngõ phố xanh, sạch, đẹp”, “Cơm ngon, áo ấm, đường xa, lòng gần”."
    assert names(text) == ["Ngõ phố xanh, sạch, đẹp"]


def test_thematic_year_listed_as_a_model_counts() -> None:
    text = (
        "Các mô hình thi đua điển hình như “Năm đẩy mạnh chuyển đổi số”; cuộc vận động “Nói không với rác”."
    )
    assert names(text) == ["Năm đẩy mạnh chuyển đổi số"]


# --- duplicates, spans, evidence ------------------------------------------------------------------


def test_one_record_per_name_first_qualifying_mention() -> None:
    text = (
        "Công an tỉnh ban hành Kế hoạch “Mỗi cán bộ một địa chỉ tin cậy”. Sau đó, mô hình "
        "“Mỗi cán bộ một địa chỉ tin cậy” ra mắt tại 20 xã. Mô hình “Mỗi cán bộ  một địa chỉ tin cậy” được nhân rộng."
    )
    found = find_model_names(text, sentence_spans(text))
    assert [m.name for m in found] == ["Mỗi cán bộ một địa chỉ tin cậy"]
    assert found[0].start > text.index("Sau đó")


def test_spans_point_into_the_text() -> None:
    text = "Hội Phụ nữ có mô hình “Tiết kiệm mỗi ngày một nắm gạo” (Hội Phụ nữ xã Tân An), được nhiều người hưởng ứng."
    m = mention(text, "Tiết kiệm mỗi ngày một nắm gạo")
    assert text[m.start : m.end] == m.name
    assert text[m.ev_start : m.ev_end] == "mô hình “Tiết kiệm mỗi ngày một nắm gạo”"
    assert m.cue == "mô hình"
    assert text[m.owner_start : m.owner_end] == "Hội Phụ nữ xã Tân An"


def owner_of(text: str, name: str) -> str | None:
    m = mention(text, name)
    return None if m.owner_start is None else text[m.owner_start : m.owner_end]


def test_coordinated_items_share_the_owner_named_after_the_last() -> None:
    text = (
        "Phường có 30 mô hình. Tiêu biểu như: “Sân bóng cho thiếu nhi”, “Điểm đọc sách miễn phí” của Đoàn "
        "Thanh niên phường Tây Sơn; “Bếp ấm mùa đông” của xã Đông."
    )
    assert names(text) == ["Sân bóng cho thiếu nhi", "Điểm đọc sách miễn phí", "Bếp ấm mùa đông"]
    assert owner_of(text, "Sân bóng cho thiếu nhi") == "Đoàn Thanh niên phường Tây Sơn"
    assert owner_of(text, "Điểm đọc sách miễn phí") == "Đoàn Thanh niên phường Tây Sơn"


def test_owner_forms() -> None:
    text = (
        "Mô hình “Góc học tập cho con em ngư dân” do Hội Liên hiệp Phụ nữ xã Nhơn Lý thực hiện từ năm 2020. "
        "Cùng ngày, phường Hải Châu ra mắt mô hình “Khu phố không rác thải nhựa”. "
        "Đó là ông Lê Văn Tám, Chủ tịch Hội Nông dân xã Phú Hòa với mô hình “Cánh đồng một giá”. "
        "Năm 2023, xã đầu tư xây dựng mô hình “Chợ phiên nông sản sạch”."
    )
    assert owner_of(text, "Góc học tập cho con em ngư dân") == "Hội Liên hiệp Phụ nữ xã Nhơn Lý"
    assert owner_of(text, "Khu phố không rác thải nhựa") == "phường Hải Châu"
    assert owner_of(text, "Cánh đồng một giá") == "ông Lê Văn Tám, Chủ tịch Hội Nông dân xã Phú Hòa"
    assert owner_of(text, "Chợ phiên nông sản sạch") is None


def test_titles_keep_inner_words_and_give_up_a_trailing_place() -> None:
    text = (
        "Các mô hình được biểu dương gồm: Câu lạc bộ Phụ nữ với pháp luật (phường 2), "
        "Đội thanh niên tình nguyện phường 4."
    )
    assert names(text) == ["Câu lạc bộ Phụ nữ với pháp luật", "Đội thanh niên tình nguyện"]
    assert owner_of(text, "Câu lạc bộ Phụ nữ với pháp luật") == "phường 2"
    assert owner_of(text, "Đội thanh niên tình nguyện") == "phường 4"


def test_whitespace_is_collapsed_in_the_name() -> None:
    text = "Xã có mô hình “Vườn  cây   khuyến học” rất thiết thực."
    m = mention(text, "Vườn cây khuyến học")
    assert text[m.start : m.end] == "Vườn  cây   khuyến học"


def test_given_sentences_or_none() -> None:
    text = "Phường có mô hình “Góc tư vấn pháp luật miễn phí”. Bà con đồng tình."
    assert [m.name for m in find_model_names(text, [])] == ["Góc tư vấn pháp luật miễn phí"]
    assert [m.name for m in find_model_names(text, [(0, 50), (51, len(text))])] == [
        "Góc tư vấn pháp luật miễn phí"
    ]


def test_empty_text() -> None:
    assert find_model_names("", []) == []


def test_context_blanks_other_names_and_keeps_the_heading_sentence() -> None:
    text = (
        "Huyện có 40 mô hình thuộc lĩnh vực quốc phòng - an ninh. Những mô hình nổi bật gồm: "
        "“Camera vì bình yên xóm làng”, “Nhóm bạn trẻ phòng chống cháy nổ”."
    )
    sentences = sentence_spans(text)
    m = mention(text, "Camera vì bình yên xóm làng")
    ctx = model_context(text, sentences, m)
    far, near = ctx.split("\n")
    assert "lĩnh vực quốc phòng - an ninh" in far
    assert "Camera" not in near and "cháy nổ" not in near
    assert classify_domain(m.name, ctx) == "defense_security"


# --- floor on the development set -----------------------------------------------------------------


def _normalise(text: str) -> str:
    try:
        from corpus.normalize import normalize_text
    except ImportError:  # pragma: no cover - until the normaliser lands
        return text.replace('"', "\u201d")
    return normalize_text(text)


def _cut_furniture(text: str) -> str:
    m = re.search(r"^(?:Có thể bạn quan tâm|Tin khác|Nên xem|Tin đã đưa|Tin liên quan)\s*$", text, flags=re.M)
    return text[: m.start()] if m else text


@pytest.mark.devset
def test_floor_on_seeds_and_dev() -> None:
    score_py = SHARED / "gold" / "score.py"
    if not score_py.exists():
        pytest.skip(f"no shared gold data at {SHARED.resolve()}")
    spec = importlib.util.spec_from_file_location("gold_score", score_py)
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    gold, pred = {}, {}
    for folder, gold_file in (
        (SHARED / "seeds", SHARED / "gold" / "seeds.jsonl"),
        (SHARED / "dev" / "articles", SHARED / "dev" / "gold.jsonl"),
    ):
        part = scorer.load(gold_file)
        for doc in part:
            text = _cut_furniture(_normalise((folder / doc).read_text(encoding="utf-8")))
            sentences = sentence_spans(text)
            models = [
                {
                    "name": m.name,
                    "unit": None,
                    "province": None,
                    "evidence": text[m.ev_start : m.ev_end],
                    "domain": classify_domain(m.name, model_context(text, sentences, m)),
                }
                for m in find_model_names(text, sentences)
            ]
            pred[doc] = {"doc": doc, "stats": [], "units": [], "models": models}
        gold.update(part)
    res, _ = scorer.score(gold, pred)
    models = res["models"]
    assert models["gold"] >= 80, json.dumps(models)
    assert models["f1"] >= 0.80, json.dumps(models)
    assert models["acc_domain"] >= 0.80, json.dumps(models)


@pytest.mark.parametrize(
    ("text", "shared"),
    [
        # several owners: the model is theirs together
        ("Nổi bật là mô hình “Vườn cây nghĩa tình” của các xã Tân Lập, Tân Hòa, Tân Phú.", True),
        ("Mô hình “Tổ tự quản an ninh” ở huyện Yên Lập và thị xã Phú Thọ được duy trì tốt.", True),
        ("Mô hình “Cánh đồng liên kết” (Tân Lập, Tân Hòa, Thị trấn Hưng Hóa) cho năng suất cao.", True),
        ("Mô hình “Sân chơi cho em” của Hội Phụ nữ và Đoàn Thanh niên xã Tân Lập được nhân rộng.", True),
        # one owner, or one with its parents
        ("Mô hình “Tiếp nhận phản ánh” của Sở Thông tin và Truyền thông tỉnh Phú Thọ được nhân rộng.", False),
        ("Mô hình “Đêm hội văn hóa” của Sở Văn hóa, Thể thao và Du lịch được đánh giá cao.", False),
        ("Đó là Chi hội Nông dân thôn 3, xã Tân Lập với mô hình “Nuôi bò vỗ béo” mang lại hiệu quả.", False),
        ("Mô hình “Bữa cơm có thịt” (Hội Phụ nữ huyện Yên Lập) được dư luận đánh giá cao.", False),
        ("Mô hình “Thắp sáng đường quê” ở xã Tân Lập được nhân rộng.", False),
    ],
)
def test_a_model_of_several_owners_is_shared(text: str, shared: bool) -> None:
    (m,) = find_model_names(text, sentence_spans(text))
    assert m.shared is shared
