"""The gazetteer: provinces, their spellings, and districts/wards from vietnamadminunits' bundled data."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from extractors import gazetteer as gz


def test_provinces_legacy_and_2025() -> None:
    old, new = gz.provinces(), gz.provinces(legacy=False)
    assert len(old) == 63 and len(new) == 34
    assert {"Hà Nội", "Hồ Chí Minh", "Thừa Thiên Huế", "Bà Rịa - Vũng Tàu", "Lai Châu"} <= set(old)
    assert "Bạc Liêu" in old and "Bạc Liêu" not in new  # merged into Cà Mau in 2025
    assert not any(p.lower().startswith(("tỉnh ", "thành phố ")) for p in old + new)


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("TP.HCM", "Hồ Chí Minh"),
        ("TP Hồ Chí Minh", "Hồ Chí Minh"),
        ("Tp. Hồ Chí Minh", "Hồ Chí Minh"),
        ("TPHCM", "Hồ Chí Minh"),
        ("thành phố Hồ Chí Minh", "Hồ Chí Minh"),
        ("Sài Gòn", "Hồ Chí Minh"),
        ("Thanh Hoá", "Thanh Hóa"),
        ("tỉnh Lai Châu", "Lai Châu"),
        ("HN", "Hà Nội"),
        ("Ha Noi", "Hà Nội"),
        ("Thủ đô Hà Nội", "Hà Nội"),
        ("Huế", "Thừa Thiên Huế"),
        ("Thừa Thiên - Huế", "Thừa Thiên Huế"),
        ("Bà Rịa-Vũng Tàu", "Bà Rịa - Vũng Tàu"),
        ("Hoà Bình", "Hòa Bình"),
        ("Đắc Lắc", "Đắk Lắk"),
    ],
)
def test_canonical_province_variants(written: str, canonical: str) -> None:
    assert gz.canonical_province(written) == canonical


@pytest.mark.parametrize("written", ["", "   ", "Tam Đường", "Xyz", "huyện Ba Vì", "Lào"])
def test_canonical_province_rejects_non_provinces(written: str) -> None:
    assert gz.canonical_province(written) is None


@pytest.mark.parametrize(
    ("unit_type", "name", "provinces"),
    [
        ("huyện", "Tam Đường", {"Lai Châu"}),
        ("quận", "Hoàng Mai", {"Hà Nội"}),
        ("thị xã", "Hoàng Mai", {"Nghệ An"}),
        ("quận", "10", {"Hồ Chí Minh"}),
        ("quận", "Bình Tân", {"Hồ Chí Minh"}),
        ("xã", "Bản Lầu", {"Lào Cai"}),
        ("xã", "Quài Cang", {"Điện Biên"}),
        ("huyện", "Long Điền", {"Bà Rịa - Vũng Tàu"}),  # merged in 2025: found through its old-name key
        ("thị trấn", "Ba Hàng", {"Thái Nguyên"}),  # now a phường: same level accepted
        ("thị xã", "Phổ Yên", {"Thái Nguyên"}),  # now a thành phố
        ("tỉnh", "Lai Châu", {"Lai Châu"}),
        ("thành phố", "Hà Nội", {"Hà Nội"}),
        ("thành phố", "Thái Nguyên", {"Thái Nguyên"}),
        ("huyện", "Không Có Thật", set()),
        ("bản", "Sáng", set()),
    ],
)
def test_provinces_of(unit_type: str, name: str, provinces: set[str]) -> None:
    assert gz.provinces_of(unit_type, name) == provinces


def test_common_ward_name_is_ambiguous() -> None:
    found = gz.provinces_of("xã", "Phú Lộc")
    assert len(found) > 3 and "Ninh Bình" in found


def test_wards_of_a_district() -> None:
    wards = gz.wards_of("huyện", "Ba Vì")
    names = {w.name for w in wards}
    assert {"Minh Quang", "Khánh Thượng", "Ba Vì"} <= names
    assert {w.province for w in wards} == {"Hà Nội"}
    assert gz.wards_of("huyện", "Ba Vì", province="Lai Châu") == set()


def test_untyped_places_with_old_names() -> None:
    plain = gz.untyped_places("Đại Lộc")
    assert any(p.level == "district" and p.province == "Quảng Nam" for p in plain)
    merged = gz.untyped_places("Bình Chánh", old_names=True)  # an old commune merged into xã Bình Phú
    assert any(p.name == "Bình Phú" and p.province == "Quảng Nam" for p in merged)


@pytest.mark.parametrize(
    ("old", "new"),
    [("Thanh Hoá", "Thanh Hóa"), ("Huyện uỷ", "Huyện ủy"), ("Hoàng Mai", "Hoàng Mai"), ("THUỶ", "THỦY")],
)
def test_modern_tones_only_at_syllable_end(old: str, new: str) -> None:
    assert gz.modern_tones(old) == new


def test_province_type() -> None:
    assert gz.province_type("Hà Nội") == "thành phố"
    assert gz.province_type("Lai Châu") == "tỉnh"


def test_reads_data_without_the_package_online_code() -> None:
    """Only the SQLite file is read: the package's converter (which may geocode online) is never imported."""
    code = textwrap.dedent(
        """
        import sys
        from extractors import gazetteer as gz
        assert gz.provinces_of("huyện", "Ba Vì") == {"Hà Nội"}
        assert gz.canonical_province("TP.HCM") == "Hồ Chí Minh"
        loaded = [m for m in sys.modules if m.startswith(("vietnamadminunits", "geopy"))]
        assert not loaded, loaded
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    ("unit_type", "name", "province"),
    [
        ("huyện", "Kỳ Sơn", "Nghệ An"),  # Hòa Bình's former huyện Kỳ Sơn does not make it ambiguous
        ("huyện", "Long Điền", "Bà Rịa - Vũng Tàu"),  # only a former name: still unique
        ("xã", "Phú Lộc", None),  # many communes share this name
        ("thành phố", "Hà Nội", "Hà Nội"),
        ("tỉnh", "Thanh Hoá", "Thanh Hóa"),
        ("huyện", "Không Có Thật", None),
    ],
)
def test_likely_province(unit_type: str, name: str, province: str | None) -> None:
    assert gz.likely_province(unit_type, name) == province
    if province:
        assert province in gz.provinces_of(unit_type, name)
