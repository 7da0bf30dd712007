"""Tests for pipeline.export: the per-article JSONL contract of SCHEMA.md, and CSV tables."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from corpus.records import Article
from extractors.records import Extraction, ModelRecord, Provenance, StatRecord, UnitRecord
from pipeline.errors import NoDatasetError, OutputPathError
from pipeline.export import ARTICLE_KEYS, export_csv, export_jsonl
from pipeline.storage import TABLES, open_store, versions_key

VKEY = versions_key({"dvk.rules": "1"})
NOW_KEYS = ["province_now", "ward_now", "ward_now_status"]  # extra fields: units after the 2025 reform
STAT_KEYS = [*StatRecord.SCHEMA_FIELDS, *NOW_KEYS, "organisation", "sentence", "start", "end", "extractor",
             "extractor_version"]  # fmt: skip
MODEL_KEYS = [*ModelRecord.SCHEMA_FIELDS, *NOW_KEYS, "organisation", "sentence", "start", "end", "extractor",
              "extractor_version"]  # fmt: skip
UNIT_KEYS = [*UnitRecord.SCHEMA_FIELDS, "written", "organisation", *NOW_KEYS, "sentence", "start", "end",
             "extractor", "extractor_version"]  # fmt: skip


def prov(start: int) -> Provenance:
    return Provenance(
        sentence=start // 100, start=start, end=start + 5, extractor="test", extractor_version="2"
    )


def article(doc: str, text: str, url: str | None = None) -> Article:
    return Article(
        article_id=f"id-{doc}", doc=doc, source=f"/in/{doc}", text=text, url=url, title=f"Tiêu đề {doc}",
        published="2024-05-01", content_hash=f"h-{doc}",
    )  # fmt: skip


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    """Three articles written out of doc order; one has no records; records out of offset order."""
    out = tmp_path / "ds"
    with open_store(out) as store:
        store.write_article(
            article("c.txt", "Phường Tân Định có 14 mô hình.", url="https://tin.example.vn/c"),
            Extraction(
                stats=[
                    StatRecord(value=93.2, item="xã", percent=True, prov=prov(40)),
                    StatRecord(value=14.0, item="mô hình", approx="more_than", prov=prov(20)),
                    StatRecord(value=300000000000.0, item="đồng", prov=prov(20)),
                ],
                models=[ModelRecord(name="Tủ sách vỉa hè", domain="culture_society", prov=prov(3))],
                units=[
                    UnitRecord(name="phường Tân Định", type="phường", written="Phường Tân Định", prov=prov(0))
                ],
            ),
            "run-1",
            VKEY,
        )
        store.write_article(article("a.txt", "Không có số liệu nào."), Extraction([], [], []), "run-1", VKEY)
        store.write_article(
            article("b.txt", "Xã Hòa Bình có 9 mô hình."),
            Extraction(
                stats=[StatRecord(value=9, item="mô hình", ratio_of=12.0, prov=prov(15))], models=[], units=[]
            ),
            "run-2",
            VKEY,
        )
    return out


def export_lines(dataset: Path) -> list[dict]:
    buf = io.BytesIO()
    export_jsonl(dataset, buf)
    return [json.loads(line) for line in buf.getvalue().decode("utf-8").splitlines()]


def test_jsonl_one_line_per_article_sorted_by_doc(dataset: Path) -> None:
    lines = export_lines(dataset)
    assert [d["doc"] for d in lines] == ["a.txt", "b.txt", "c.txt"]
    assert lines[0]["stats"] == lines[0]["models"] == lines[0]["units"] == []


def test_jsonl_keys_and_provenance(dataset: Path) -> None:
    c = export_lines(dataset)[2]
    assert list(c) == [*ARTICLE_KEYS, "stats", "models", "units"]
    assert (c["article_id"], c["url"], c["title"], c["published"]) == (
        "id-c.txt", "https://tin.example.vn/c", "Tiêu đề c.txt", "2024-05-01",
    )  # fmt: skip
    assert [list(r) for r in c["stats"]] == [STAT_KEYS] * 3
    assert [list(r) for r in c["models"]] == [MODEL_KEYS]
    assert [list(r) for r in c["units"]] == [UNIT_KEYS]
    assert c["units"][0]["written"] == "Phường Tân Định"
    assert (c["models"][0]["domain"], c["models"][0]["extractor_version"]) == ("culture_society", "2")


def test_jsonl_records_in_document_order_then_insertion_order(dataset: Path) -> None:
    stats = export_lines(dataset)[2]["stats"]
    assert [(s["start"], s["value"]) for s in stats] == [(20, 14), (20, 300000000000), (40, 93.2)]


def test_jsonl_values_keep_their_types(dataset: Path) -> None:
    lines = export_lines(dataset)
    c_stats = lines[2]["stats"]
    assert isinstance(c_stats[0]["value"], int) and c_stats[0]["approx"] == "more_than"
    assert c_stats[2]["value"] == 93.2 and c_stats[2]["percent"] is True
    b_stat = lines[1]["stats"][0]
    assert (b_stat["value"], b_stat["ratio_of"], b_stat["per_year"]) == (9, 12, False)


def test_jsonl_has_no_run_ids_or_timestamps_and_is_utf8(dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "export.jsonl"
    assert export_jsonl(dataset, out) == 3
    data = out.read_bytes()
    assert b"run-1" not in data and b"run_id" not in data and b"_at" not in data
    assert "Tủ sách vỉa hè".encode() in data  # ensure_ascii=False
    assert data.endswith(b"\n") and b"\r" not in data
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file left


def test_jsonl_export_is_byte_identical_across_exports(dataset: Path, tmp_path: Path) -> None:
    export_jsonl(dataset, tmp_path / "one.jsonl")
    export_jsonl(dataset, tmp_path / "two.jsonl")
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()


def test_jsonl_to_a_folder_is_a_usage_error(dataset: Path, tmp_path: Path) -> None:
    with pytest.raises(OutputPathError):
        export_jsonl(dataset, tmp_path)


def test_export_without_dataset_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(NoDatasetError):
        export_jsonl(tmp_path, io.BytesIO())
    with pytest.raises(NoDatasetError):
        export_csv(tmp_path, tmp_path / "csv")


def test_csv_one_file_per_table_with_all_rows(dataset: Path, tmp_path: Path) -> None:
    paths = export_csv(dataset, tmp_path / "csv")
    assert sorted(p.name for p in paths) == sorted(f"{t}.csv" for t in TABLES)
    with open_store(dataset, read_only=True) as store:
        counts = store.counts()
    for path in paths:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert len(rows) == counts[path.stem], path.name
    with (tmp_path / "csv" / "stats.csv").open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header[:4] == ["article_id", "idx", "run_id", "value"] and "evidence" in header


def test_csv_is_deterministic(dataset: Path, tmp_path: Path) -> None:
    first = {p.name: p.read_bytes() for p in export_csv(dataset, tmp_path / "one")}
    second = {p.name: p.read_bytes() for p in export_csv(dataset, tmp_path / "two")}
    assert first == second
    assert first["articles.csv"].decode().splitlines()[1].startswith("id-a.txt,a.txt,")


def test_csv_into_a_file_is_a_usage_error(dataset: Path, tmp_path: Path) -> None:
    target = tmp_path / "file.csv"
    target.write_text("x")
    with pytest.raises(OutputPathError):
        export_csv(dataset, target)
