"""Metadata sidecars (index.tsv beside article files): url, date and a province hint."""

from __future__ import annotations

from pathlib import Path

from corpus.clean import clean_article
from corpus.ingest import discover_inputs, read_inputs
from corpus.sidecar import metadata_for
from extractors.pipeline import Extractor
from pipeline.normalise import normalise_extraction

NO_PROVINCE = (
    "Lan tỏa phong trào thi đua “Dân vận khéo”\n\n"
    "Sáng 12/11, Ban Dân vận Tỉnh ủy tổ chức hội nghị tổng kết phong trào thi đua “Dân vận khéo”.\n\n"
    "Trong năm qua, toàn tỉnh đã xây dựng 1.240 mô hình “Dân vận khéo” trên các lĩnh vực.\n"
)
WITH_PROVINCE = (
    "Huyện Mường Tè lan tỏa phong trào thi đua\n\n"
    "Năm 2023, huyện Mường Tè, tỉnh Lai Châu đã xây dựng 87 mô hình “Dân vận khéo”.\n"
)


def _folder(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text(NO_PROVINCE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(WITH_PROVINCE, encoding="utf-8")
    (tmp_path / "index.tsv").write_text(
        "file\turl\tdate\tprovince\n"
        "a.txt\thttps://bao.example.vn/tin/lan-toa-123.html\t2024-11-13\tTuyên Quang\n"
        "b.txt\t\t\tCà Mau\n",
        encoding="utf-8",
    )
    return tmp_path


def test_sidecar_rows_fill_url_date_and_province(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    meta = metadata_for(folder / "a.txt")
    assert meta is not None and meta.url.endswith("lan-toa-123.html") and meta.province == "Tuyên Quang"
    plan = discover_inputs([str(folder)])
    assert [p.name for p in plan.files] == ["a.txt", "b.txt"]
    assert [p.name for p in plan.skipped] == ["index.tsv"]
    raw = next(read_inputs(folder / "a.txt"))
    assert raw.doc == "a.txt" and raw.url and raw.published == "2024-11-13"


def test_province_hint_is_used_only_when_the_text_names_none(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    ex = Extractor("pyvi")
    a = clean_article(next(read_inputs(folder / "a.txt")))
    out = normalise_extraction(ex.extract(a))
    assert [(s.value, s.unit, s.province, s.period) for s in out.stats] == [
        (1240, "tỉnh Tuyên Quang", "Tuyên Quang", "2024")
    ]
    assert "tỉnh Tuyên Quang" in [u.name for u in out.units]
    b = clean_article(next(read_inputs(folder / "b.txt")))
    out = normalise_extraction(ex.extract(b))
    assert {s.province for s in out.stats} == {"Lai Châu"}


def test_no_sidecar_no_metadata(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(NO_PROVINCE, encoding="utf-8")
    assert metadata_for(tmp_path / "a.txt") is None
    raw = next(read_inputs(tmp_path / "a.txt"))
    assert raw.url is None and raw.province is None
