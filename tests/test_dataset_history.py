"""The versioned dataset: schema migrations, run history and `dvk diff`, `dvk rerun`, the token cache,
the researchers' views, kill-safety of a rerun and byte-identical exports."""

from __future__ import annotations

import copy
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import rows_stored_twice
from fakes import BLOCKING, FakeExtractor
from typer.testing import CliRunner

from corpus.records import Article
from extractors.records import Extraction, ModelRecord, StatRecord
from pipeline import migrations
from pipeline.cli import app
from pipeline.errors import SchemaVersionError
from pipeline.export import export_jsonl
from pipeline.history import diff_runs, list_runs
from pipeline.orchestrate import build_extractor, run_pipeline
from pipeline.rerun import rerun_pipeline
from pipeline.storage import DB_NAME, SCHEMA_SQL, SCHEMA_VERSION, open_store

ROOT = Path(__file__).resolve().parents[1]
FAKES = ROOT / "tests" / "fakes.py"
SAMPLES = ROOT / "corpus" / "samples"


def dvk(*args: str | Path):
    return CliRunner().invoke(app, [str(a) for a in args])


def write_articles(root: Path, n: int, first: int = 0) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(first, first + n):
        (root / f"a{i:03d}.txt").write_text(
            f"Khu phố số {i} làm đường hoa\nNăm nay, phường Hòa An có {i + 3} mô hình “Đường hoa số {i}”"
            f" và {i + 10} tập thể được khen.\n",
            encoding="utf-8",
        )


def columns(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        return {t: con.execute(f"DESCRIBE {t}").fetchall() for t in sorted(names)}
    finally:
        con.close()


# ---------------------------------------------------------------------------- migrations


def make_v1_dataset(folder: Path) -> None:
    """A dataset as dvk wrote it before the migrations: the base schema, one article, two stats."""
    folder.mkdir(parents=True)
    con = duckdb.connect(str(folder / DB_NAME))
    con.execute(SCHEMA_SQL)
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    text = "Xã Tân Lập có 5 mô hình.\nHuyện có 12 tập thể được khen."
    con.execute(
        "INSERT INTO articles VALUES ('id1', 'x.txt', '/in/x.txt', NULL, 'Tin', '2024-05-01', NULL, 'h1', ?,"
        " ?, 'v1', 'run-old', '[]')",
        [text, len(text)],
    )
    con.execute(
        "INSERT INTO runs (run_id, started_at, dvk_version, tokenizer, versions_json, config_hash, inputs_json,"
        " status) VALUES ('run-old', '2024-06-01', '0.0.1', 'underthesea', '{}', 'c', '[]', 'done')"
    )
    for idx, (value, item) in enumerate([(5, "mô hình"), (12, "tập thể")]):
        con.execute(
            'INSERT INTO stats (article_id, idx, run_id, value, percent, item, per_year, evidence, start, "end")'
            " VALUES ('id1', ?, 'run-old', ?, false, ?, false, 'e', 0, 1)",
            [idx, value, item],
        )
    con.close()


def test_an_old_dataset_is_upgraded_once_and_ends_like_a_new_one(tmp_path: Path) -> None:
    make_v1_dataset(tmp_path / "old")
    with open_store(tmp_path / "old", read_only=True) as store:  # reading upgrades it too
        assert store.schema_version() == SCHEMA_VERSION == str(migrations.LATEST_VERSION)
        applied = [r[0] for r in store.con.execute("SELECT name FROM migrations ORDER BY name").fetchall()]
        assert applied == [m.name for m in migrations.MIGRATIONS]
        assert store.con.execute("SELECT count(*) FROM stats_history").fetchone()[0] == 2
        assert store.con.execute("SELECT run_id, deleted FROM article_writes").fetchall() == [
            ("run-old", False)
        ]
        assert store.con.execute('SELECT idx, start, "end" FROM sentences ORDER BY idx').fetchall() == [
            (0, 0, 24),
            (1, 25, 55),
        ]
    with open_store(tmp_path / "old") as store:
        assert migrations.pending(store.con) == []
        assert store.con.execute("SELECT count(*) FROM migrations").fetchone()[0] == len(
            migrations.MIGRATIONS
        )
    open_store(tmp_path / "new").close()
    old, new = columns(tmp_path / "old" / DB_NAME), columns(tmp_path / "new" / DB_NAME)
    assert old == new


def _fails_after_the_last_migration(monkeypatch: pytest.MonkeyPatch) -> None:
    """The replayed migrations (no one-step script) with the last one killed partway."""
    last = migrations.MIGRATIONS[-1]

    def broken(con: duckdb.DuckDBPyConnection) -> None:
        raise RuntimeError("killed here")

    monkeypatch.setattr(migrations, "_latest_script", lambda: None)
    monkeypatch.setattr(
        migrations, "MIGRATIONS", (*migrations.MIGRATIONS[:-1], migrations.Migration(last.name, broken))
    )


def _fails_after_the_script(monkeypatch: pytest.MonkeyPatch) -> None:
    """The one-step script run whole and its migrations recorded, then a kill before the commit."""
    create = migrations.create_latest

    def broken(con: duckdb.DuckDBPyConnection, base_sql: str) -> None:
        create(con, base_sql)
        raise RuntimeError("killed here")

    monkeypatch.setattr(migrations, "create_latest", broken)


@pytest.mark.parametrize("fail", [_fails_after_the_last_migration, _fails_after_the_script])
def test_a_creation_that_fails_midway_leaves_no_dataset_and_the_next_open_creates_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail
) -> None:
    fail(monkeypatch)
    with pytest.raises(RuntimeError, match="killed here"):
        open_store(tmp_path)
    assert columns(tmp_path / DB_NAME) == {}  # not the base schema, not half the migrations
    monkeypatch.undo()
    open_store(tmp_path / "new").close()
    with open_store(tmp_path) as store:
        assert store.schema_version() == str(migrations.LATEST_VERSION)
    assert columns(tmp_path / DB_NAME) == columns(tmp_path / "new" / DB_NAME)


def catalogue(db: Path) -> dict[str, object]:
    """Everything of a dataset's schema a query could tell apart, and the rows dvk puts in a new one."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        return {
            "columns": q(
                "SELECT table_name, column_index, column_name, data_type, is_nullable, column_default"
                " FROM duckdb_columns() ORDER BY table_name, column_index"
            ),
            "constraints": q(
                "SELECT table_name, constraint_type, constraint_column_names, expression FROM duckdb_constraints()"
                " ORDER BY ALL"
            ),
            "views": q("SELECT view_name, sql FROM duckdb_views() WHERE NOT internal ORDER BY view_name"),
            "indexes": q("SELECT table_name, index_name, sql FROM duckdb_indexes() ORDER BY ALL"),
            "domains": q("SELECT * FROM domains ORDER BY ALL"),
            "meta": q("SELECT * FROM meta ORDER BY ALL"),
            "migrations": q("SELECT name FROM migrations ORDER BY name"),
            "rows": {
                t: q(f"SELECT count(*) FROM {t}")[0][0]
                for (t,) in q("SELECT table_name FROM duckdb_tables()")
            },
        }
    finally:
        con.close()


def test_a_new_dataset_made_in_one_step_equals_one_made_by_the_migrations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_store(tmp_path / "script").close()
    monkeypatch.setattr(migrations, "_latest_script", lambda: None)
    open_store(tmp_path / "replayed").close()
    made = catalogue(tmp_path / "script" / DB_NAME)
    assert made == catalogue(tmp_path / "replayed" / DB_NAME)
    assert made["migrations"] == [(m.name,) for m in migrations.MIGRATIONS]
    assert made["meta"] == [("schema_version", str(migrations.LATEST_VERSION))]
    assert len(made["domains"]) == 4 and len(made["views"]) == 2


def test_the_one_step_script_is_the_one_the_migrations_make() -> None:
    written = migrations.LATEST_SQL_PATH.read_text(encoding="utf-8")
    assert written == migrations.latest_schema_sql(SCHEMA_SQL), (
        "pipeline/schema_latest.sql is out of date: run `.venv/bin/python -m pipeline.migrations`"
    )
    assert migrations._latest_script() == written  # the release's migrations: it is used


def test_a_script_written_for_other_migrations_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A migration appended without writing the script again: new datasets still get it."""
    extra = migrations.Migration(
        "0099_a_column_for_the_test",
        lambda con: migrations.add_record_column(con, "stats", "extra", "VARCHAR"),
    )
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, extra))
    migrations._latest_script.cache_clear()
    try:
        assert migrations._latest_script() is None
        with open_store(tmp_path) as store:
            cols = [r[0] for r in store.con.execute("DESCRIBE stats_history").fetchall()]
            assert cols[-1] == "extra"
            assert store.schema_version() == str(migrations.LATEST_VERSION + 1)
    finally:
        monkeypatch.undo()
        migrations._latest_script.cache_clear()


def test_a_dataset_of_a_newer_schema_is_refused(tmp_path: Path) -> None:
    open_store(tmp_path).close()
    con = duckdb.connect(str(tmp_path / DB_NAME))
    con.execute(
        "UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(migrations.LATEST_VERSION + 1)]
    )
    con.close()
    with pytest.raises(SchemaVersionError, match=f"version {migrations.LATEST_VERSION + 1}"):
        open_store(tmp_path)


# ---------------------------------------------------------------------------- runs and diff


def test_runs_lists_every_run_and_diff_shows_appeared_disappeared_changed(
    fake_extraction, tmp_path: Path
) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    write_articles(inp, 4)
    assert dvk("run", inp, "--out", out).exit_code == 0
    (inp / "a001.txt").write_text("Tin sửa\nPhường Hòa An có 7 mô hình “Đường hoa số 1” và 11 tập thể.\n")
    write_articles(inp, 1, first=9)
    assert dvk("run", inp, "--out", out).exit_code == 0
    with open_store(out, read_only=True) as store:
        run_a, run_b = (r.run_id for r in list_runs(store))
        diffs = {d.table: d for d in diff_runs(store, run_a, run_b)}
    assert (diffs["articles"].appeared, diffs["articles"].changed, diffs["articles"].unchanged) == (1, 1, 3)
    # a001: 4 mô hình -> 7 mô hình; 11 tập thể kept, at other offsets (changed); a009 new with 2 stats
    stats = diffs["stats"]
    assert (stats.appeared, stats.disappeared, stats.changed, stats.unchanged) == (3, 1, 1, 6)
    old_start, new_start = stats.examples["changed"][0]["start"]
    assert new_start < old_start  # the edited sentence is shorter before it
    assert {(e["doc"], e["value"]) for e in stats.examples["disappeared"]} == {("a001.txt", 4.0)}
    assert diffs["models"].changed == 1  # same name in a001, other evidence offsets
    changed = diffs["models"].examples["changed"][0]
    assert changed["doc"] == "a001.txt" and changed["start"][0] != changed["start"][1]

    listed = dvk("runs", out)
    assert listed.exit_code == 0, listed.output
    assert run_a in listed.stdout and run_b in listed.stdout and "fake.regex=1" in listed.stdout
    shown = dvk("diff", out, run_a[:-1], "latest", "--examples", "1")  # a unique prefix
    assert shown.exit_code == 0, shown.output
    assert "stats: appeared 3, disappeared 1, changed 1, unchanged 6" in shown.stdout
    assert "  - a001.txt  value: 4; item: mô hình" in shown.stdout
    bad = dvk("diff", out, "nope", "latest")
    assert bad.exit_code == 2 and "no run 'nope'" in bad.output


def test_diff_of_a_run_with_itself_is_all_unchanged(fake_extraction, tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 3)
    s = run_pipeline([str(tmp_path / "in")], tmp_path / "out")
    with open_store(tmp_path / "out", read_only=True) as store:
        for d in diff_runs(store, s.run_id, s.run_id):
            assert (d.appeared, d.disappeared, d.changed) == (0, 0, 0)
            assert d.unchanged > 0 or d.table == "units"


# ---------------------------------------------------------------------------- rerun


def test_rerun_re_extracts_only_stale_articles_and_keeps_new_ones_apart(
    fake_extraction, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    write_articles(inp, 5)
    run_pipeline([str(inp)], out)
    same = rerun_pipeline(out)
    assert (same.n_read, same.n_new, same.n_unchanged) == (5, 0, 5)
    shutil.rmtree(inp)  # a rerun reads no input
    monkeypatch.setenv("DVK_FAKE_VERSION", "2")
    result = dvk("rerun", out)
    assert result.exit_code == 0, result.output
    assert "articles stored: 5; re-extracted: 5; unchanged: 0; failed: 0" in result.stdout
    again = rerun_pipeline(out)
    assert (again.n_new, again.n_unchanged) == (0, 5)
    with open_store(out, read_only=True) as store:
        assert store.con.execute("SELECT DISTINCT run_id FROM stats").fetchall() == [
            (result.stdout.split()[2],)
        ]
        assert [r.command for r in list_runs(store)] == ["run", "rerun", "rerun", "rerun"]
    assert dvk("rerun", tmp_path / "nothing").exit_code == 2


def _wait_for(proc: subprocess.Popen, log: Path, word: str, n: int, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.read_text(encoding="utf-8").count(word) >= n:
            return
        if proc.poll() is not None:
            pytest.fail(f"dvk exited early ({proc.returncode}):\n{log.read_text(encoding='utf-8')}")
        time.sleep(0.05)
    pytest.fail(f"no {n} x {word!r} within {timeout} s:\n{log.read_text(encoding='utf-8')}")


def _rerun_killed_when_blocking(out: Path, log: Path, env: dict[str, str]) -> None:
    """Run the fake ``dvk rerun`` on ``out`` and SIGKILL it once it blocks where ``env`` says."""
    with log.open("w", encoding="utf-8") as err:
        proc = subprocess.Popen(
            [sys.executable, str(FAKES), "-v", "rerun", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
        )
        try:
            _wait_for(proc, log, BLOCKING, 1)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.parametrize("block_in", ["extract", "transaction"])
def test_killed_rerun_resumes_and_writes_every_article_once(
    block_in: str, fake_extraction, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two articles per transaction; SIGKILL a rerun once 5 articles went through (in the 6th's
    extraction, the 5th waiting for its batch, or inside the transaction of the 5th and 6th): 4 are
    committed; the next rerun finishes the rest and the dataset equals a fresh run with the new version."""
    n_articles, n_before_kill = 12, 5
    inp, out, log = tmp_path / "in", tmp_path / "out", tmp_path / "stderr.log"
    write_articles(inp, n_articles)
    run_pipeline([str(inp)], out)
    env = os.environ | {
        "DVK_FAKE_VERSION": "2", "DVK_FAKE_BLOCK_AFTER": str(n_before_kill), "DVK_FAKE_BLOCK_IN": block_in,
        "DVK_FAKE_BATCH": "2",
    }  # fmt: skip
    _rerun_killed_when_blocking(out, log, env)
    assert log.read_text(encoding="utf-8").count(": re-extracted ") == 4  # logged once committed
    monkeypatch.setenv("DVK_FAKE_VERSION", "2")
    with open_store(out, read_only=True) as store:
        from pipeline.storage import versions_key

        vkey = versions_key(FakeExtractor().versions)
        assert (
            store.con.execute("SELECT count(*) FROM articles WHERE versions_key = ?", [vkey]).fetchone()[0]
            == 4
        )
    resumed = rerun_pipeline(out)
    assert (resumed.n_read, resumed.n_new, resumed.n_unchanged) == (n_articles, n_articles - 4, 4)
    run_pipeline([str(inp)], tmp_path / "fresh")
    for ds in (out, tmp_path / "fresh"):
        export_jsonl(ds, ds / "export.jsonl")
    assert (out / "export.jsonl").read_bytes() == (tmp_path / "fresh" / "export.jsonl").read_bytes()
    with open_store(out, read_only=True) as store:
        assert rows_stored_twice(store, ("stats", "models", "units", "sentences")) == {}
        statuses = [r[0] for r in store.con.execute("SELECT status FROM runs ORDER BY started_at").fetchall()]
        assert statuses == ["done", "interrupted", "done"]
        # history: every article written by the first run and exactly once by one of the two reruns
        per_article = store.con.execute(
            "SELECT count(*) FROM article_writes GROUP BY article_id ORDER BY 1"
        ).fetchall()
        assert {r[0] for r in per_article} == {2}


def _record_rows(dataset: Path) -> dict[str, list[tuple]]:
    with open_store(dataset, read_only=True) as store:
        out = {}
        for table in ("stats", "models", "units"):
            cols = [r[0] for r in store.con.execute(f"DESCRIBE {table}").fetchall() if r[0] != "run_id"]
            quoted = ", ".join(f'"{c}"' for c in cols)
            out[table] = store.con.execute(f"SELECT {quoted} FROM {table} ORDER BY ALL").fetchall()
        return out


def test_killed_rerun_that_keeps_rows_resumes_and_loses_none(
    pyvi_extractor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real rerun after a version bump that changes no record keeps every article's rows
    (re-stamped in the batch's transaction).  SIGKILL it inside the third batch's transaction,
    after the stats rows were re-stamped: the two batches before are committed, the rest of the
    dataset is as it was, and the resumed rerun ends with the rows of a fresh run, each article
    logged once by one of the reruns."""
    out, log = tmp_path / "out", tmp_path / "stderr.log"
    first = run_pipeline([str(SAMPLES)], out, extractor=pyvi_extractor)
    before = _record_rows(out)
    n_articles = first.n_new
    env = os.environ | {
        "DVK_FAKE_REAL": "rule.dvk_models", "DVK_FAKE_BLOCK_IN": "transaction", "DVK_FAKE_BLOCK_AFTER": "4",
        "DVK_FAKE_BATCH": "2", "DVK_FAKE_HANG_SQL": "INSERT INTO stats_history BY NAME SELECT",
    }  # fmt: skip
    _rerun_killed_when_blocking(out, log, env)
    assert log.read_text(encoding="utf-8").count(": re-extracted ") == 4
    assert _record_rows(out) == before  # nothing lost, nothing doubled
    with open_store(out, read_only=True) as store:
        (killed_run,) = store.con.execute("SELECT run_id FROM runs WHERE status = 'running'").fetchone()
        stamped = store.con.execute(
            "SELECT count(DISTINCT article_id) FROM article_writes WHERE run_id = ?", [killed_run]
        ).fetchone()[0]
        assert stamped == 4
        in_history = store.con.execute(
            "SELECT count(*) FROM stats_history WHERE run_id = ?", [killed_run]
        ).fetchone()[0]
        assert (
            in_history
            == store.con.execute("SELECT count(*) FROM stats WHERE run_id = ?", [killed_run]).fetchone()[0]
        )
    bumped = copy.copy(pyvi_extractor)
    bumped.versions = {
        **pyvi_extractor.versions,
        "rule.dvk_models": pyvi_extractor.versions["rule.dvk_models"] + "+bumped",
    }
    resumed = rerun_pipeline(out, extractor=bumped)
    assert (resumed.n_new, resumed.n_unchanged) == (n_articles - 4, 4)
    run_pipeline([str(SAMPLES)], tmp_path / "fresh", extractor=bumped)
    assert _record_rows(out) == before == _record_rows(tmp_path / "fresh")
    with open_store(out, read_only=True) as store:
        per_article = store.con.execute("SELECT count(*) FROM article_writes GROUP BY article_id").fetchall()
        assert {r[0] for r in per_article} == {2}
        assert rows_stored_twice(store, ("stats", "models", "units")) == {}


# ---------------------------------------------------------------------------- views


def test_views_sum_stats_per_province_year_action_and_count_models_per_domain(tmp_path: Path) -> None:
    def stat(value: float, period: str | None, percent: bool = False) -> StatRecord:
        return StatRecord(
            value=value,
            item="mô hình",
            action="registered",
            province="Lâm Đồng",
            period=period,
            percent=percent,
        )

    extraction = Extraction(
        stats=[
            stat(10, "2024"),
            stat(5, "2024-Q3"),
            stat(80, "2024", percent=True),
            stat(7, None),
            stat(3, "2019-2023"),
        ],
        models=[
            ModelRecord(name="Bếp ăn tình thương", unit="Xã A", domain="culture_society"),
            ModelRecord(name="Vườn mẫu", unit="Xã B", domain="economy"),
            ModelRecord(name="Vườn mẫu", unit="Xã C", domain="economy"),
        ],
        units=[],
    )
    article = Article(
        article_id="a1", doc="a.txt", source="/a.txt", text="x", published="2025-02-01", content_hash="h"
    )
    with open_store(tmp_path) as store:
        store.write_article(article, extraction, "r1", "v")
        rows = store.con.execute(
            "SELECT year, n_stats, total, n_year_from_published FROM stats_by_province_year_action"
            " WHERE province = 'Lâm Đồng' AND action = 'registered' ORDER BY year NULLS LAST"
        ).fetchall()
        by_domain = store.con.execute(
            "SELECT domain, label_vi, n_models, n_names, n_units, units FROM models_by_domain ORDER BY domain"
        ).fetchall()
    assert rows == [(2024, 3, 15.0, 0), (2025, 1, 7.0, 1), (None, 1, 3.0, 0)]
    assert by_domain == [
        ("culture_society", "Văn hóa - xã hội", 1, 1, 1, ["Xã A"]),
        ("economy", "Kinh tế", 2, 1, 2, ["Xã B", "Xã C"]),
    ]


# ---------------------------------------------------------------------------- real extractor


@pytest.fixture(scope="module")
def pyvi_extractor():
    return build_extractor("pyvi")


SAMPLE_FILES = ("s01_hoang_mai_2024.txt", "s03_quan10_2024.txt", "h02_ninh_kieu_2025.html")


def test_same_input_gives_byte_identical_exports_and_cached_tokens_change_nothing(
    pyvi_extractor, tmp_path: Path
) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    for name in SAMPLE_FILES:
        shutil.copy(SAMPLES / name, inp / name)
    a = run_pipeline([str(inp)], tmp_path / "a", extractor=pyvi_extractor)
    b = run_pipeline([str(inp)], tmp_path / "b", extractor=pyvi_extractor)
    assert a.n_new == b.n_new == len(SAMPLE_FILES)
    for ds in ("a", "b"):
        export_jsonl(tmp_path / ds, tmp_path / f"{ds}.jsonl")
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()

    changed = copy.copy(pyvi_extractor)  # same pipeline, a new version: every article is stale
    changed.versions = {**pyvi_extractor.versions, "dvk.rules": "test-bump"}
    with open_store(tmp_path / "b", read_only=True) as store:
        n_cached = store.con.execute("SELECT count(*) FROM token_cache").fetchone()[0]
    assert n_cached == len(SAMPLE_FILES)
    again = rerun_pipeline(tmp_path / "b", extractor=changed)
    assert again.n_new == len(SAMPLE_FILES)
    export_jsonl(tmp_path / "b", tmp_path / "b2.jsonl")
    assert (tmp_path / "b2.jsonl").read_bytes() == (tmp_path / "a.jsonl").read_bytes()
    with open_store(tmp_path / "b", read_only=True) as store:
        assert store.con.execute("SELECT count(*) FROM token_cache").fetchone()[0] == n_cached  # all hits
        outside = store.con.execute(
            "SELECT count(*) FROM stats s JOIN sentences t ON t.article_id = s.article_id AND t.idx = s.sentence"
            ' WHERE NOT (s.start >= t.start AND s.start < t."end")'
        ).fetchone()[0]
        n_stats = store.con.execute("SELECT count(*) FROM stats").fetchone()[0]
    assert n_stats > 0 and outside == 0


def test_tokens_of_a_text_no_article_has_any_more_are_dropped(pyvi_extractor, tmp_path: Path) -> None:
    """An edited input replaces its earlier version: the earlier text's cached tokens go with it;
    those of a text still stored (here under two names) stay."""
    inp, out = tmp_path / "in", tmp_path / "out"
    write_articles(inp, 2)
    shutil.copy(inp / "a000.txt", inp / "copy.txt")  # same text, another input: one hash, two articles

    def cached() -> set[str]:
        with open_store(out, read_only=True) as store:
            return {r[0] for r in store.con.execute("SELECT content_hash FROM token_cache").fetchall()}

    def hashes() -> set[str]:
        with open_store(out, read_only=True) as store:
            return {r[0] for r in store.con.execute("SELECT content_hash FROM articles").fetchall()}

    run_pipeline([str(inp)], out, extractor=pyvi_extractor)
    first = cached()
    assert first == hashes() and len(first) == 2
    (inp / "a001.txt").write_text("Tin sửa\nPhường Hòa An có 7 mô hình “Đường hoa số 1”.\n", encoding="utf-8")
    (inp / "a000.txt").write_text("Tin sửa\nXã Tân Lập có 9 mô hình.\n", encoding="utf-8")
    summary = run_pipeline([str(inp)], out, extractor=pyvi_extractor)
    assert summary.n_replaced == 2
    assert cached() == hashes() and len(hashes()) == 3  # a000's old text lives on in copy.txt
    assert first & cached() and first - cached()
