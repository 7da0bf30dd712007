"""Researchers' access without the browser: ``dvk query`` (read-only), ``open_dataset``, ``dvk stats``,
``dvk export --format sqlite`` and its freshness key, the Datasette metadata, and CI's browser install."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from demo_dataset import ROOT, copy_dataset, demo_dataset
from typer.testing import CliRunner

from pipeline import open_dataset
from pipeline.cli import app
from pipeline.dataset import fold, period_year, published_year
from pipeline.query import ReadOnlyQueryError, check_read_only
from pipeline.serve import CANNED_QUERIES, datasette_metadata
from pipeline.sqlite_export import ensure_sqlite, export_sqlite


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_dataset(tmp_path_factory)


@pytest.fixture
def private(demo: Path, tmp_path: Path) -> Path:
    return copy_dataset(demo, tmp_path / "ds")


def dvk(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _count(dataset: Path, sql: str) -> int:
    con = duckdb.connect(str(dataset / "dvk.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


# ---------------------------------------------------------------------------- dvk query: read-only

WRITES = [
    "INSERT INTO meta VALUES ('k', 'v')",
    "UPDATE stats SET value = 0",
    "DELETE FROM stats",
    "DROP TABLE stats",
    "CREATE TABLE t AS SELECT 1",
    "ALTER TABLE stats ADD COLUMN x INTEGER",
    "ATTACH 'other.duckdb' AS other",
    "DETACH other",
    "COPY stats TO 'stats.csv'",
    "EXPORT DATABASE 'dump'",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET threads = 1",
    "PRAGMA enable_profiling",
    "PRAGMA force_checkpoint",
    "CALL pragma_table_info('stats')",
    "CHECKPOINT",
    "VACUUM",
    "BEGIN TRANSACTION",
    "SELECT 1; DROP TABLE stats",
    "EXPLAIN ANALYZE DELETE FROM stats",
    "WITH x AS (SELECT 1) INSERT INTO meta SELECT 'a', 'b'",
    "/* comment */ delete from articles -- trailing",
]


@pytest.mark.parametrize("sql", WRITES)
def test_query_refuses_writes_and_leaves_the_database_unchanged(private: Path, sql: str) -> None:
    db = private / "dvk.duckdb"
    before, mtime = _sha(db), db.stat().st_mtime_ns
    result = dvk("query", private, sql)
    assert result.exit_code == 2, result.output
    assert "read-only" in result.stderr or "one statement" in result.stderr
    assert result.stdout == ""
    assert _sha(db) == before and db.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in private.iterdir()) == ["dvk.duckdb"]  # no file written beside it


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT count(*) AS n FROM stats",
        "WITH m AS (SELECT * FROM models) SELECT domain, count(*) FROM m GROUP BY domain",
        "FROM models LIMIT 3",
        "DESCRIBE stats",
        "SHOW TABLES",
        "SUMMARIZE models",
        "EXPLAIN SELECT * FROM stats",
        "PRAGMA table_info('stats')",
        "SELECT name /* the units */ FROM units; -- trailing comment",
    ],
)
def test_query_allows_reading_statements(private: Path, sql: str) -> None:
    before = _sha(private / "dvk.duckdb")
    result = dvk("query", private, sql, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) >= 2
    assert _sha(private / "dvk.duckdb") == before


def test_check_read_only_uses_an_allow_list() -> None:
    assert check_read_only("select 1") == "select 1"
    for sql in ("", "  ;  ", "PRAGMA some_future_pragma", "select 1; select 2"):
        with pytest.raises(ReadOnlyQueryError):
            check_read_only(sql)


def test_query_outputs_table_csv_json_and_files(demo: Path, tmp_path: Path) -> None:
    sql = "SELECT province, count(*) AS n FROM stats GROUP BY province ORDER BY n DESC, province"
    expected = duckdb.connect(str(demo / "dvk.duckdb"), read_only=True).execute(sql).df()
    table = dvk("query", demo, sql)
    assert table.exit_code == 0 and expected["province"].dropna().iloc[0] in table.stdout
    as_csv = pd.read_csv(io.StringIO(dvk("query", demo, sql, "--format", "csv").stdout))
    assert as_csv["n"].tolist() == expected["n"].tolist()
    as_json = json.loads(dvk("query", demo, sql, "-f", "json").stdout)
    assert [r["n"] for r in as_json] == expected["n"].tolist()
    assert as_json[0]["province"] == expected["province"].iloc[0]  # UTF-8, not escaped away
    for ext, read in ((".csv", pd.read_csv), (".json", pd.read_json), (".parquet", pd.read_parquet)):
        out = tmp_path / f"result{ext}"
        assert dvk("query", demo, sql, "--out", out).exit_code == 0
        assert read(out)["n"].tolist() == expected["n"].tolist()
    assert dvk("query", demo, sql, "--out", tmp_path / "r.txt").exit_code == 2
    assert dvk("query", demo, sql, "--format", "csv", "--out", tmp_path / "r.json").exit_code == 2
    assert dvk("query", demo, sql, "--format", "xml").exit_code == 2
    assert dvk("query", tmp_path / "nothing", sql).exit_code == 2
    assert dvk("query", demo, "SELECT * FROM no_such_table").exit_code == 2


# ---------------------------------------------------------------------------- open_dataset


def test_open_dataset_gives_dataframes_of_every_table(demo: Path) -> None:
    with open_dataset(demo) as ds:
        for table in ("articles", "stats", "models", "units", "runs", "failures"):
            frame = getattr(ds, table)
            assert isinstance(frame, pd.DataFrame)
            assert len(frame) == _count(demo, f"SELECT count(*) FROM {table}"), table
        assert len(ds.stats) > 0 and len(ds.models) > 0
        texts = ds.articles.set_index("article_id")["text"]
        view = ds.stats_view
        assert len(view) == len(ds.stats) and {"doc", "title", "year", "sentence_text"} <= set(view.columns)
        for row in view.itertuples():
            span = " ".join(texts[row.article_id][row.start : row.end].split())
            assert span in row.sentence_text, (row.doc, span)
            assert pd.isna(row.year) or row.year == period_year(row.period)
        assert (ds.models_view["year"].dropna() >= 2000).all()
        assert ds.query("SELECT count(*) AS n FROM models")["n"][0] == len(ds.models)
        with pytest.raises(ReadOnlyQueryError):
            ds.query("DELETE FROM models")
        with pytest.raises(duckdb.Error):  # the connection itself is read-only
            ds.con.execute("DELETE FROM models")


def test_year_helpers_and_fold() -> None:
    assert [period_year(p) for p in ("2024", "2024-Q3", "2023-H1", "2020-2025", "2010-", None)] == [
        2024, 2024, 2023, None, None, None,
    ]  # fmt: skip
    assert published_year("2024-03-15") == 2024 and published_year(None) is None
    assert fold("Điện Biên Phủ") == "dien bien phu"
    assert fold("Mô hình “Đường hoa ĐẸP”") == "mo hinh “duong hoa dep”"


# ---------------------------------------------------------------------------- dvk stats


def test_stats_prints_summaries_with_their_articles(demo: Path) -> None:
    result = CliRunner().invoke(
        app, ["stats", str(demo), "--top", "3"], catch_exceptions=False, env={"COLUMNS": "400"}
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    for title in ("per province and year", "per domain", "Top 3 units"):
        assert title in out
    with open_dataset(demo) as ds:
        models, articles = ds.models, ds.articles
    for province in models["province"].dropna().unique():
        assert province in out
    for domain in models["domain"].dropna().unique():
        assert domain in out
    for doc in articles.loc[articles["article_id"].isin(models["article_id"]), "doc"]:
        assert doc in out, doc
    assert dvk("stats", demo, "--top", "0").exit_code == 2


# ---------------------------------------------------------------------------- SQLite export


def test_sqlite_export_is_rebuilt_only_when_the_dataset_changed(private: Path) -> None:
    first = ensure_sqlite(private)
    assert first.rebuilt and first.path == private / "dvk.sqlite"
    again = ensure_sqlite(private)
    assert not again.rebuilt and again.source_key == first.source_key
    con = duckdb.connect(str(private / "dvk.duckdb"))
    con.execute("INSERT INTO meta VALUES ('note', 'changed')")
    con.close()
    third = ensure_sqlite(private)
    assert third.rebuilt and third.source_key != first.source_key


def test_sqlite_export_has_links_sentences_and_folded_search(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "export.sqlite"
    assert dvk("export", demo, "--format", "sqlite", "--out", out).exit_code == 0
    con = sqlite3.connect(out)
    assert con.execute("SELECT count(*) FROM stats").fetchone()[0] == _count(
        demo, "SELECT count(*) FROM stats"
    )
    fks = con.execute("PRAGMA foreign_key_list(stats)").fetchall()
    assert [(f[2], f[3], f[4]) for f in fks] == [("articles", "article_id", "article_id")]
    assert not con.execute("PRAGMA foreign_key_check").fetchall()
    assert con.execute("SELECT count(*) FROM stats WHERE sentence_text = ''").fetchone()[0] == 0
    # every model is found by its name typed without diacritics (đ -> d), and with them
    for model_id, name in con.execute("SELECT id, name FROM models").fetchall():
        for typed in (fold(name), name):
            phrase = '"' + typed.replace('"', "") + '"'
            hits = {
                r[0] for r in con.execute("SELECT rowid FROM models_fts WHERE models_fts MATCH ?", [phrase])
            }
            assert model_id in hits, (name, typed)
    con.close()
    assert export_sqlite(demo, tmp_path / "again.sqlite").is_file()


def test_datasette_metadata_and_canned_queries_run_on_the_export(demo: Path, tmp_path: Path) -> None:
    out = export_sqlite(demo, tmp_path / "dvk.sqlite")
    meta = datasette_metadata()
    assert meta["title"] and meta["license"] and meta["source"] and meta["description"]
    tables = meta["databases"]["dvk"]["tables"]
    assert set(tables["stats"]["facets"]) == {"province", "year", "domain", "action", "item"}
    con = sqlite3.connect(out)
    for table in ("stats", "models", "units", "articles"):
        columns = {r[1] for r in con.execute(f"PRAGMA table_info({table})")}
        assert set(tables[table]["columns"]) == columns, table
    for name, query in CANNED_QUERIES.items():
        params = {"q": "dien bien", "province": "Hà Nội"}
        rows = con.execute(query["sql"], params).fetchall()
        assert rows, name
    con.close()
    assert "datasette-dashboards" in meta["plugins"]


# ---------------------------------------------------------------------------- CI installs the browser


def test_ci_and_readme_install_chromium_the_same_way() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    step = "apt-get install -y --no-install-recommends chromium"
    assert step in ci and step in readme
    assert ci.index(step) < ci.index("-m venv")
