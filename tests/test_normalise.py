"""The normaliser: periods, items and whole extractions in SCHEMA.md's canonical forms."""

from __future__ import annotations

import pytest

from extractors.records import Extraction, ModelRecord, StatRecord, UnitRecord
from pipeline.normalise import normalise_extraction, normalise_item, normalise_period


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("2022", "2022"),
        ("2018 – 2023", "2018-2023"),
        ("2018—2023", "2018-2023"),
        ("2010-", "2010-"),
        ("2024-h1", "2024-H1"),
        ("2024-Q3", "2024-Q3"),
        ("2023-2020", None),
        ("2024-Q5", None),
        ("năm ngoái", None),
        (None, None),
    ],
)
def test_normalise_period(written: str | None, canonical: str | None) -> None:
    assert normalise_period(written) == canonical


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("Mô hình", "mô hình"),
        ("lượt  tập thể", "tập thể"),
        ("căn nhà", "nhà"),
        ("nhà Đại đoàn kết", "nhà đại đoàn kết"),
        ("cuộc giám sát", "cuộc giám sát"),
    ],
)
def test_normalise_item(written: str, canonical: str) -> None:
    assert normalise_item(written) == canonical


def test_normalise_extraction_cleans_records_and_lists_units_once() -> None:
    ex = Extraction(
        stats=[
            StatRecord(value=12, item="Mô hình", period="2020 – 2025", action="dreamed", province="TP.HCM")
        ],
        models=[ModelRecord(name="“Ngõ  xóm bình yên”", domain="sport")],
        units=[
            UnitRecord(name="huyện Ba Vì", type="huyện", province="Hà Nội"),
            UnitRecord(name="Huyện Ba  Vì", type="huyện", province="Hà Nội"),
            UnitRecord(name="làng Mới", type="làng", province="Hà Nội"),
        ],
    )
    out = normalise_extraction(ex)
    s = out.stats[0]
    assert (s.item, s.period, s.action, s.province) == ("mô hình", "2020-2025", None, "Hồ Chí Minh")
    assert out.models[0].name == "Ngõ xóm bình yên"
    assert out.models[0].domain is None
    assert [u.name for u in out.units] == ["huyện Ba Vì"]
