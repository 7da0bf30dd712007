"""The 2025 reform: units of an article's time -> today's province and ward (extractors.reform2025),
and the extra table columns the normaliser and the storage fill from it."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from extractors import gazetteer as gz
from extractors import reform2025 as rf
from extractors.records import Extraction, ModelRecord, Provenance, StatRecord, UnitRecord
from pipeline.normalise import normalise_extraction, unit_type_of

BEFORE, AFTER = "2024-03-15", "2025-08-01"


@pytest.mark.parametrize(
    ("unit_type", "name", "province", "expected"),
    [
        # a commune that went whole, alone, into the commune of the same name
        ("xã", "xã Minh Châu", "Hà Nội", rf.CurrentUnit("Hà Nội", "xã Minh Châu", "unchanged")),
        # a town that went, with others, into a new ward; the type word may be left out
        ("thị trấn", "Ba Hàng", "Thái Nguyên", rf.CurrentUnit("Thái Nguyên", "phường Phổ Yên", "merged")),
        # a capitalised type word, a written province
        (
            "Thị trấn",
            "Thị trấn Ba Hàng",
            "tỉnh Thái Nguyên",
            rf.CurrentUnit("Thái Nguyên", "phường Phổ Yên", "merged"),
        ),
        # a ward split between several new wards: no ward, whatever the packages' default is
        ("phường", "phường Hoàng Liệt", "Hà Nội", rf.CurrentUnit("Hà Nội", None, "divided")),
        # districts no longer exist: only the province
        ("huyện", "huyện Ba Vì", "Hà Nội", rf.CurrentUnit("Hà Nội", None, "abolished")),
        ("quận", "Quận 10", None, rf.CurrentUnit("Hồ Chí Minh", None, "abolished")),
        (
            "thành phố",
            "thành phố Thái Nguyên",
            "Thái Nguyên",
            rf.CurrentUnit("Thái Nguyên", None, "abolished"),
        ),
        ("huyện", "huyện Tam Đường", None, rf.CurrentUnit("Lai Châu", None, "abolished")),
        # provinces: merged ones (both the absorbed and the absorbing), kept ones
        ("tỉnh", "tỉnh Hà Giang", "Hà Giang", rf.CurrentUnit("Tuyên Quang", None, "merged")),
        ("tỉnh", "Tuyên Quang", None, rf.CurrentUnit("Tuyên Quang", None, "merged")),
        ("tỉnh", "tỉnh Bình Dương", None, rf.CurrentUnit("Hồ Chí Minh", None, "merged")),
        ("thành phố", "thành phố Hồ Chí Minh", "Hồ Chí Minh", rf.CurrentUnit("Hồ Chí Minh", None, "merged")),
        ("tỉnh", "tỉnh Lai Châu", "Lai Châu", rf.CurrentUnit("Lai Châu", None, "unchanged")),
        ("thành phố", "thành phố Hà Nội", None, rf.CurrentUnit("Hà Nội", None, "unchanged")),
        # a numbered ward that many districts of the city have: ambiguous, never a guess
        ("phường", "Phường 12", "Hồ Chí Minh", rf.CurrentUnit("Hồ Chí Minh", None, "ambiguous")),
        # a common commune name without a province
        ("xã", "xã Phú Lộc", None, rf.CurrentUnit(None, None, "ambiguous")),
        # the reform does not concern hamlets and organisations: the province only
        ("thôn", "thôn Làng Mới", "Hà Giang", rf.CurrentUnit("Tuyên Quang", None, None)),
        ("tổ chức", "Công an tỉnh Bạc Liêu", "Bạc Liêu", rf.CurrentUnit("Cà Mau", None, None)),
        ("xã", "xã Không Có Thật", "Lai Châu", rf.CurrentUnit("Lai Châu", None, "unknown")),
    ],
)
def test_legacy_units_to_current(unit_type: str, name: str, province: str | None, expected) -> None:
    assert rf.current_units(unit_type, name, province, BEFORE) == expected


def test_divided_ward_is_not_given_the_packages_default() -> None:
    conv = rf._converter()["DICT_PROVINCE_WARD_DIVIDED"]["thanhphohanoi"]
    parts = conv["thanhphohanoi_quanhoangmai_phuonghoangliet"]
    assert len(parts) > 1 and sum(p["isDefaultNewWard"] for p in parts) == 1
    assert rf.current_units("phường", "Hoàng Liệt", "Hà Nội", BEFORE).ward_now is None


def test_districts_of_the_article_settle_a_shared_ward_name() -> None:
    hcm = "Hồ Chí Minh"
    in_q10 = rf.current_units("phường", "Phường 12", hcm, BEFORE, districts=("Quận 10",))
    in_gv = rf.current_units("phường", "Phường 12", hcm, BEFORE, districts=("quận Gò Vấp",))
    assert in_q10 == rf.CurrentUnit(hcm, "phường Hòa Hưng", "merged")
    assert in_gv.ward_now is not None and in_gv.ward_now != in_q10.ward_now
    # a district of another city does not help
    other = rf.current_units("phường", "Phường 12", hcm, BEFORE, districts=("huyện Ba Vì",))
    assert other.status == "ambiguous"


def test_before_and_after_1_july_2025() -> None:
    # a ward of the 2025 structure named after the reform is current
    assert rf.current_units("xã", "xã Minh Châu", "Hà Nội", "2025-06-30").status == "unchanged"
    assert rf.current_units("xã", "xã Minh Châu", "Hà Nội", "2025-07-01").status == "current"
    after = rf.current_units("phường", "phường Hoà Hưng", "Hồ Chí Minh", AFTER)  # created in 2025
    assert after == rf.CurrentUnit("Hồ Chí Minh", "phường Hòa Hưng", "current")
    # a ward that no longer exists, named after the reform, is still mapped
    assert rf.current_units("phường", "phường Mai Động", "Hà Nội", AFTER).status == "divided"
    assert rf.current_units("xã", "xã Khánh Thượng", "Hà Nội", AFTER) == rf.CurrentUnit(
        "Hà Nội", "xã Ba Vì", "merged"
    )
    # a split ward whose name a new ward took is that ward after the reform, and divided before it
    assert rf.current_units("phường", "phường Hoàng Liệt", "Hà Nội", AFTER).status == "current"
    # Huế is a centrally-run city after the reform: "thành phố Huế" is then the province
    assert rf.current_units("thành phố", "thành phố Huế", None, BEFORE).status == "abolished"
    assert rf.current_units("thành phố", "thành phố Huế", None, AFTER).status == "unchanged"


@pytest.mark.parametrize(
    ("published", "post"),
    [
        ("2025-07-01", True),
        ("2025-12", True),
        ("2026", True),
        ("2025-06-30", False),
        ("2025", False),  # cannot be placed: the units of the old structure are the better guess
        ("2019-05-02", False),
        (None, False),
        ("", False),
    ],
)
def test_is_post_reform(published: str | None, post: bool) -> None:
    assert rf.is_post_reform(published) is post


def test_province_now_covers_every_legacy_province() -> None:
    now = {p: rf.province_now(p) for p in gz.provinces()}
    assert set(now.values()) == set(gz.provinces(legacy=False))
    assert now["Hà Giang"] == "Tuyên Quang" and now["Bình Dương"] == "Hồ Chí Minh"
    assert rf.province_now("TP.HCM") == "Hồ Chí Minh" and rf.province_now("Xyz") is None
    assert all(rf.province_now(p) == p for p in gz.provinces(legacy=False))


def test_every_legacy_ward_has_a_fate_and_only_whole_wards_a_ward_now() -> None:
    data = rf._data()
    # every legacy ward (and the five island districts without wards, which became special zones)
    assert set(data.legacy_key.values()) <= set(data.outcome) and len(data.legacy_key) > 10_000
    current_names = set(data.current_wards.values())
    counts = Counter(o.status for o in data.outcome.values())
    assert set(counts) == {"unchanged", "renamed", "merged", "divided"}
    for o in data.outcome.values():
        assert o.province_now in gz.provinces(legacy=False)
        assert (o.ward_now is None) == (o.status == "divided")
        assert o.ward_now is None or o.ward_now in current_names


def test_statuses_agree_with_underthesea_mapping() -> None:
    """underthesea's mapping.json is built from the same data: it must tell the same story."""
    spec = importlib.util.find_spec("underthesea")  # locates the package without importing it
    if spec is None or spec.origin is None:
        pytest.skip("underthesea is not installed")
    path = Path(spec.origin).parent / "address" / "data" / "mapping.json"
    if not path.is_file():
        pytest.skip(f"underthesea's mapping.json not found at {path}")
    records = json.loads(path.read_text(encoding="utf-8"))["ward_mapping"]
    outcome = rf._data().outcome
    agree = disagree = 0
    for r in records:
        key = f"{r['old_province_key']}_{r['old_district_key']}_{r['old_ward_key']}"
        if key not in outcome:  # island districts without wards
            continue
        ours = outcome[key]
        if r["mapping_type"] == "divided":
            assert ours.status == "divided"
            continue
        if not (r["new_ward"] and r["old_ward"]):  # underthesea leaves 4 names empty (and calls them renamed)
            continue
        assert gz.fold_key(ours.ward_now or "") == gz.fold_key(r["new_ward"]), key
        if ours.status == r["mapping_type"]:
            agree += 1
        else:
            disagree += 1
    assert agree > 9_000 and disagree == 0


def test_nothing_online_is_imported() -> None:
    code = textwrap.dedent(
        """
        import sys
        from extractors.reform2025 import current_units
        from pipeline.normalise import normalise_extraction
        assert current_units("phường", "Hoàng Liệt", "Hà Nội", "2024-01-01").status == "divided"
        loaded = [m for m in sys.modules if m.startswith(("vietnamadminunits", "geopy", "underthesea"))]
        assert not loaded, loaded
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------------------------------------
# the normaliser's extra columns


@pytest.mark.parametrize(
    ("name", "unit_type"),
    [
        ("xã Minh Châu", "xã"),
        ("Quận 10", "quận"),
        ("thành phố Hà Nội", "thành phố"),
        ("Công an tỉnh X", "tổ chức"),
    ],
)
def test_unit_type_of(name: str, unit_type: str) -> None:
    assert unit_type_of(name) == unit_type
    assert unit_type_of("") is None


def _extraction() -> Extraction:
    prov = Provenance(start=0, end=5)
    return Extraction(
        stats=[
            StatRecord(value=12, item="mô hình", unit="huyện Ba Vì", province="Hà Nội", prov=prov),
            StatRecord(value=3, item="mô hình", unit="xã Minh Châu", province="Hà Nội", prov=prov),
            StatRecord(value=5, item="mô hình", unit=None, province="Hà Giang", prov=prov),
        ],
        models=[ModelRecord(name="“Nhà sạch, vườn đẹp”", unit="phường Hoàng Liệt", province="Hà Nội")],
        units=[
            UnitRecord(
                "huyện Ba Vì", "huyện", "Hà Nội", "Ban Dân vận Huyện uỷ Ba Vì", "Ban Dân vận Huyện ủy"
            ),
            UnitRecord("xã Minh Châu", "xã", "Hà Nội", "xã Minh Châu"),
            UnitRecord("phường Hoàng Liệt", "phường", "Hà Nội", "phường Hoàng Liệt"),
        ],
    )


def test_normalise_fills_current_columns_and_keeps_schema_fields() -> None:
    before = normalise_extraction(_extraction(), BEFORE)
    after = normalise_extraction(_extraction(), AFTER)
    plain = normalise_extraction(_extraction())
    for a, b, c in zip(before.stats + before.models + before.units, after.stats + after.models + after.units,
                       plain.stats + plain.models + plain.units, strict=True):  # fmt: skip
        assert a.as_dict(schema_only=True) == b.as_dict(schema_only=True) == c.as_dict(schema_only=True)
    ba_vi, minh_chau, no_unit = before.stats
    assert (ba_vi.province_now, ba_vi.ward_now, ba_vi.ward_now_status) == ("Hà Nội", None, "abolished")
    assert ba_vi.organisation == "Ban Dân vận Huyện ủy"  # the body behind the unit, from the units list
    assert (minh_chau.ward_now, minh_chau.ward_now_status, minh_chau.organisation) == (
        "xã Minh Châu", "unchanged", None,
    )  # fmt: skip
    assert (no_unit.province_now, no_unit.ward_now_status) == ("Tuyên Quang", None)
    assert before.models[0].ward_now is None and before.models[0].ward_now_status == "divided"
    assert [u.ward_now_status for u in before.units] == ["abolished", "unchanged", "divided"]
    assert [u.ward_now_status for u in after.units] == ["abolished", "current", "current"]
    assert before.units[0].written == "Ban Dân vận Huyện uỷ Ba Vì"  # the name as written is kept


def test_current_columns_reach_the_tables_and_the_export(tmp_path: Path) -> None:
    from corpus.records import Article
    from pipeline.export import iter_article_dicts
    from pipeline.storage import open_store, versions_key

    text = "Huyện Ba Vì có 12 mô hình."
    article = Article(article_id="a1", doc="a1.txt", source="/in/a1.txt", text=text, content_hash="h1",
                      published=BEFORE)  # fmt: skip
    extraction = normalise_extraction(_extraction(), article.published)
    with open_store(tmp_path / "ds") as store:
        store.write_article(article, extraction, "run-1", versions_key({"x": "1"}))
        rows = store.con.execute(
            "SELECT name, province_now, ward_now, ward_now_status FROM units ORDER BY idx"
        ).fetchall()
        assert rows[1] == ("xã Minh Châu", "Hà Nội", "xã Minh Châu", "unchanged")
        org = store.con.execute("SELECT organisation FROM stats ORDER BY idx").fetchall()
        assert org[0] == ("Ban Dân vận Huyện ủy",)
        (obj,) = list(iter_article_dicts(store))
    assert obj["stats"][2]["province_now"] == "Tuyên Quang"
    assert list(obj["units"][0])[:3] == ["name", "type", "province"]  # SCHEMA fields first, unchanged


@pytest.mark.parametrize(
    ("old", "new"), [("Quý", "Quý"), ("Quỹ Vì người nghèo", "Quỹ Vì người nghèo"), ("Thuỷ", "Thủy")]
)
def test_modern_tones_leave_qu_alone(old: str, new: str) -> None:
    """In "qu" the "u" is part of the consonant: "Quý" is already modern (it once became "Qúy")."""
    assert gz.modern_tones(old) == new
