"""Tests for what keeps a writer's memory flat (issue 5): the per-article tables without primary
keys (migration 0005, and datasets written before it still open and work) and the release of
DuckDB's memory before the Parquet export."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import rows_stored_twice
from test_storage import VKEY, make_article, make_extraction, table_rows

from pipeline import migrations, storage
from pipeline.errors import DatasetLockedError
from pipeline.storage import DB_NAME, SCHEMA_SQL, BatchWriter, open_store

NO_KEY = ("stats", "models", "units", "sentences", "article_writes")
KEYED = ("articles", "token_cache", "runs", "meta", "domains")


def primary_keys(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'"
    ).fetchall()
    return {r[0] for r in rows}


def make_keyed_dataset(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A dataset as dvk wrote it before migration 0005 (the per-article tables with their primary
    keys), holding one article stored twice by two runs."""
    step = next(i for i, m in enumerate(migrations.MIGRATIONS) if m.apply is migrations._m0005)
    with monkeypatch.context() as m:
        m.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:step])
        folder.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(folder / DB_NAME))
        con.execute(SCHEMA_SQL)
        con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
        migrations.migrate(con)
        con.close()
        with open_store(folder) as store:  # the writer of that time (the same code but 0005)
            store.write_article(make_article(1), make_extraction(2), "run-1", VKEY)
            store.write_article(make_article(1), make_extraction(3), "run-2", VKEY)
            assert set(NO_KEY) <= primary_keys(store.con)


def test_a_new_dataset_keys_articles_and_token_cache_only(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        keys = primary_keys(store.con)
    assert not keys & set(NO_KEY)
    assert set(KEYED) <= keys


def test_a_dataset_with_the_old_primary_keys_is_upgraded_keeping_rows_and_not_null(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_keyed_dataset(tmp_path / "old", monkeypatch)
    con = duckdb.connect(str(tmp_path / "old" / DB_NAME), read_only=True)
    before = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in NO_KEY}
    con.close()
    with open_store(tmp_path / "old", read_only=True) as store:  # reading upgrades it too
        assert migrations.pending(store.con) == []
        assert not primary_keys(store.con) & set(NO_KEY)
        assert {t: table_rows(store, t) for t in NO_KEY} == before
        assert store.con.execute("SELECT count(*) FROM stats_by_province_year_action").fetchone()[0] >= 1
        assert store.con.execute("SELECT count(*) FROM models_by_domain").fetchone()[0] == 1
    open_store(tmp_path / "new").close()

    def describe(folder: Path) -> dict[str, list[tuple]]:
        with open_store(folder, read_only=True) as store:
            return {t: store.con.execute(f"DESCRIBE {t}").fetchall() for t in NO_KEY}

    assert describe(tmp_path / "old") == describe(tmp_path / "new")  # NOT NULL and column order kept
    with open_store(tmp_path / "old") as store:
        bad = make_extraction(1)
        bad.models[0].name = None
        with pytest.raises(duckdb.ConstraintException):  # NOT NULL still enforced
            store.write_article(make_article(2), bad, "run-3", VKEY)


def test_an_upgraded_dataset_still_stores_each_article_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_keyed_dataset(tmp_path, monkeypatch)
    with open_store(tmp_path) as store:
        writer = BatchWriter(store, "run-3", max_articles=2, max_seconds=3600)
        for n, n_stats in ((1, 1), (2, 2), (1, 4), (3, 1)):  # article 1 again, in the same batch too
            writer.add(make_article(n), make_extraction(n_stats), VKEY)
        writer.flush()
        store.write_article(make_article(3), make_extraction(2), "run-4", VKEY)
        assert rows_stored_twice(store) == {}
        assert (
            store.con.execute(
                "SELECT run_id, article_id FROM article_writes GROUP BY ALL HAVING count(*) > 1"
            ).fetchall()
            == []
        )
        per_article = dict(
            store.con.execute("SELECT article_id, count(*) FROM stats GROUP BY ALL").fetchall()
        )
        assert per_article == {"id0001": 4, "id0002": 2, "id0003": 2}


def test_export_releases_the_writers_memory_and_the_store_keeps_working(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(tmp_path) as store:
        store.write_article(make_article(1), make_extraction(2), "run-1", VKEY)
        first = store.con
        store.export_parquet()
        assert store.con is first  # one article written: nothing worth giving back
        monkeypatch.setattr(storage, "RELEASE_AFTER", 1)
        store.export_parquet()
        assert store.con is not first  # reopened: what writing cached is given back
        limit = store.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        assert float(limit.split()[0]) <= 128  # still the writer's cap
        store.write_article(make_article(2), make_extraction(1), "run-1", VKEY)
        assert store.counts()["articles"] == 2
    with open_store(tmp_path, read_only=True) as store:
        con = store.con
        store.release_memory()  # a reader is left alone
        assert store.con is con and store.counts()["articles"] == 2


def test_a_dataset_taken_while_the_writer_reopens_is_a_locked_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(tmp_path) as store:
        store.write_article(make_article(1), make_extraction(1), "run-1", VKEY)

        def taken(*args: object, **kwargs: object) -> None:
            raise duckdb.IOException('Could not set lock on file "dvk.duckdb": Conflicting lock')

        monkeypatch.setattr(duckdb, "connect", taken)
        monkeypatch.setattr(storage, "RELEASE_AFTER", 1)
        with pytest.raises(DatasetLockedError):
            store.export_parquet()
