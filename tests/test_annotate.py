"""``dvk annotate``: export a run for review, correct it as an analyst would, import it back.

Every text here is invented for the tests; no sentence comes from a real article.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractors.learn.data import load_imported
from pipeline.cli import app

ARTICLES = {
    "x01_son_ha.txt": (
        "Xã Sơn Hà nhân rộng mô hình hay\n"
        "Năm 2024, xã Sơn Hà xây dựng 15 mô hình “Dân vận khéo” trên các lĩnh vực.\n"
        "Tiêu biểu là mô hình “Bếp ấm nghĩa tình” của Hội Phụ nữ xã, giúp người già neo đơn.\n"
    ),
    "x02_dong_lam.txt": (
        "Phường Đông Lâm giữ gìn an ninh trật tự\n"
        "Năm 2023, phường Đông Lâm biểu dương 8 tập thể tiêu biểu.\n"
        "Công an phường duy trì mô hình “Camera bảo vệ khu phố” ở các tổ dân phố.\n"
    ),
}


def dvk(*args: str | Path):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("annotate")
    inputs = root / "in"
    inputs.mkdir()
    for name, text in ARTICLES.items():
        (inputs / name).write_text(text, encoding="utf-8")
    out = root / "ds"
    result = dvk("run", inputs, "--out", out)
    assert result.exit_code == 0, result.output
    return out


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_csv_export_has_article_rows_records_and_empty_review_columns(dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "review.csv"
    result = dvk("annotate", "export", dataset, "--out", out, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = _read_csv(out)
    articles = [r for r in rows if r["table"] == "article"]
    assert sorted(r["doc"] for r in articles) == sorted(ARTICLES)
    assert all("mô hình" in r["text"] for r in articles)
    models = [r for r in rows if r["table"] == "models"]
    assert {"Bếp ấm nghĩa tình", "Camera bảo vệ khu phố"} <= {r["name"] for r in models}
    for r in rows:
        assert r["verdict"] == "" and r["note"] == ""
    for r in models:
        assert r["name"] in r["sentence_text"] and int(r["end"]) > int(r["start"]) >= 0


def test_jsonl_export_opens_as_text_with_spans(dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "review.jsonl"
    assert dvk("annotate", "export", dataset, "--out", out, "--format", "jsonl").exit_code == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(obj["doc"] for obj in lines) == sorted(ARTICLES)
    for obj in lines:
        assert {"stats", "models", "units", "text", "spans", "label"} <= set(obj)
        n_records = sum(len(obj[t]) for t in ("stats", "models", "units"))
        assert len(obj["spans"]) == n_records
        for span in obj["spans"]:
            assert span["label"] in {"STAT", "MODEL", "UNIT"}
            assert 0 <= span["start"] < span["end"] <= len(obj["text"])
        for m in obj["models"]:
            assert m["name"] in obj["text"][m["start"] : m["end"]]


def test_corrected_csv_imports_as_training_gold(dataset: Path, tmp_path: Path) -> None:
    review = tmp_path / "review.csv"
    assert dvk("annotate", "export", dataset, "--out", review).exit_code == 0
    rows = _read_csv(review)
    camera = next(r for r in rows if r["table"] == "models" and r["name"] == "Camera bảo vệ khu phố")
    camera["verdict"] = "wrong"  # the analyst drops it
    kitchen = next(r for r in rows if r["table"] == "models" and r["name"] == "Bếp ấm nghĩa tình")
    kitchen["domain"] = "culture_society"  # and corrects a field
    kitchen["unit"] = "xã Sơn Hà"
    added = dict.fromkeys(rows[0], "") | {
        "table": "models",
        "doc": "x02_dong_lam.txt",
        "name": "Tổ dân phố bình yên",
        "domain": "defense_security",
        "evidence": "mô hình “Tổ dân phố bình yên”",
    }
    _write_csv(review, [*rows, added])
    folder = tmp_path / "annotations"
    result = dvk("annotate", "import", review, "--name", "batch1", "--annotations-dir", folder)
    assert result.exit_code == 0, result.output
    written = [
        json.loads(line) for line in (folder / "batch1.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert sorted(obj["doc"] for obj in written) == sorted(ARTICLES)
    gold = {a.doc: a for a in load_imported(folder)}
    assert set(gold) == set(ARTICLES)
    son_ha = gold["x01_son_ha.txt"]
    assert "Bếp ấm nghĩa tình" in son_ha.text and son_ha.source == "annotations"
    kitchen_gold = next(m for m in son_ha.gold["models"] if m["name"] == "Bếp ấm nghĩa tình")
    assert kitchen_gold["domain"] == "culture_society" and kitchen_gold["unit"] == "xã Sơn Hà"
    assert list(kitchen_gold) == ["name", "unit", "province", "domain", "evidence"]
    dong_lam = [m["name"] for m in gold["x02_dong_lam.txt"].gold["models"]]
    assert "Camera bảo vệ khu phố" not in dong_lam and "Tổ dân phố bình yên" in dong_lam
    assert all(isinstance(s["value"], int | float) for s in son_ha.gold["stats"])


def test_corrected_jsonl_round_trips(dataset: Path, tmp_path: Path) -> None:
    review = tmp_path / "review.jsonl"
    assert dvk("annotate", "export", dataset, "--out", review, "--format", "jsonl").exit_code == 0
    folder = tmp_path / "ann"
    assert dvk("annotate", "import", review, "--annotations-dir", folder).exit_code == 0
    gold = {a.doc: a for a in load_imported(folder)}
    exported = {json.loads(x)["doc"]: json.loads(x) for x in review.read_text(encoding="utf-8").splitlines()}
    for doc, obj in exported.items():
        assert [m["name"] for m in gold[doc].gold["models"]] == [m["name"] for m in obj["models"]]
        assert gold[doc].text == obj["text"]


def test_broken_csv_is_exit_2_with_line_numbers(dataset: Path, tmp_path: Path) -> None:
    review = tmp_path / "review.csv"
    assert dvk("annotate", "export", dataset, "--out", review).exit_code == 0
    rows = _read_csv(review)
    stat = next(i for i, r in enumerate(rows) if r["table"] == "stats")
    rows[stat]["value"] = "mười lăm"
    model = next(i for i, r in enumerate(rows) if r["table"] == "models")
    rows[model]["domain"] = "sports"
    _write_csv(review, rows)
    folder = tmp_path / "annotations"
    result = dvk("annotate", "import", review, "--annotations-dir", folder)
    assert result.exit_code == 2
    assert f"row {stat + 2} (line" in result.stderr and "not a number" in result.stderr
    assert f"row {model + 2} (line" in result.stderr and "sports" in result.stderr
    assert not folder.exists() or not list(folder.iterdir())


def test_missing_review_file_is_exit_2(tmp_path: Path) -> None:
    result = dvk("annotate", "import", tmp_path / "nope.csv", "--annotations-dir", tmp_path / "a")
    assert result.exit_code == 2 and "nope.csv" in result.stderr
