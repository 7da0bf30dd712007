"""The unit-name part of pipeline.normalise: canonical names, types, provinces and comparison keys."""

from __future__ import annotations

import pytest

from pipeline.normalise import normalise_province, normalise_unit_name, normalise_unit_type, unit_key


@pytest.mark.parametrize(
    ("written", "province", "canonical"),
    [
        ("Ban Dân vận Huyện uỷ Tam Đường", None, "huyện Tam Đường"),
        ("Quận ủy Hoàng Mai", None, "quận Hoàng Mai"),
        ("Q.10", None, "Quận 10"),
        ("quận 4", None, "Quận 4"),
        ("TP.HCM", None, "thành phố Hồ Chí Minh"),
        ("Thành phố Hà Nội", None, "thành phố Hà Nội"),
        ("Huyện Ba Vì", None, "huyện Ba Vì"),
        ("Công an TP", "Hà Nội", "Công an thành phố Hà Nội"),
        ("Bộ Chỉ huy Quân sự tỉnh", "Lai Châu", "Bộ Chỉ huy Quân sự tỉnh Lai Châu"),
        ("Hội CCB tỉnh", "Lai Châu", "tỉnh Lai Châu"),
        ("Thành ủy", "TP.HCM", "thành phố Hồ Chí Minh"),
        ("Đảng ủy Công ty CP Tập đoàn Sông Xanh 7", None, "Đảng ủy Công ty Cổ phần Tập đoàn Sông Xanh 7"),
        ("  Tổ   tự quản  số 3 ", None, "Tổ tự quản số 3"),
    ],
)
def test_normalise_unit_name(written: str, province: str | None, canonical: str) -> None:
    assert normalise_unit_name(written, province) == canonical


@pytest.mark.parametrize(
    ("written", "province"), [("", None), ("huyện", None), ("Tỉnh ủy", None), ("tỉnh", "Xyz")]
)
def test_names_that_cannot_be_made_canonical(written: str, province: str | None) -> None:
    assert normalise_unit_name(written, province) is None


@pytest.mark.parametrize(
    ("written", "unit_type"),
    [
        ("TP", "thành phố"),
        ("Tp.", "thành phố"),
        ("T.X", "thị xã"),
        ("Huyện", "huyện"),
        ("Q.", "quận"),
        ("tổ chức", "tổ chức"),
        ("làng", None),
        ("ấp", None),
        (None, None),
    ],
)
def test_normalise_unit_type(written: str | None, unit_type: str | None) -> None:
    assert normalise_unit_type(written) == unit_type


def test_normalise_province() -> None:
    assert normalise_province("TP. Hồ Chí Minh") == "Hồ Chí Minh"
    assert normalise_province("Thanh Hoá") == "Thanh Hóa"
    assert normalise_province(None) is None


def test_unit_key_ignores_case_punctuation_and_old_tones() -> None:
    assert unit_key("Ban Dân vận Quận uỷ (Hoàng Mai)") == unit_key("ban dân vận quận ủy hoàng mai")
    assert unit_key("Đảng ủy Khối các trường Đại học, Cao đẳng") == "đảng ủy khối các trường đại học cao đẳng"
    assert unit_key("huyện Ba Vì") != unit_key("xã Ba Vì")
    assert unit_key(None) == ""
