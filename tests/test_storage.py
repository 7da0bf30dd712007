"""Tests for pipeline.storage: schema, idempotent article writes, runs, failures, Parquet."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.records import Article
from extractors.records import Extraction, ModelRecord, Provenance, StatRecord, UnitRecord
from pipeline.errors import DatasetLockedError, NoDatasetError, OutputPathError, SchemaVersionError
from pipeline.storage import (
    DB_NAME,
    SCHEMA_VERSION,
    TABLES,
    BatchWriter,
    CachedTokens,
    RunCounts,
    RunInfo,
    new_run_id,
    open_store,
    record_columns,
    record_rows,
    versions_key,
)

VKEY = versions_key({"dvk.rules": "1", "tokenizer": "underthesea"})


def make_article(n: int = 1, text: str | None = None) -> Article:
    text = text or f"Phường Số {n} đã xây dựng {n} mô hình dân vận khéo trong năm nay."
    return Article(
        article_id=f"id{n:04d}", doc=f"doc{n:04d}.txt", source=f"/in/doc{n:04d}.txt", text=text,
        title=f"Tin số {n}", content_hash=f"hash-{len(text)}-{n}", dropped=["Chia sẻ", "Tin khác"],
    )  # fmt: skip


def make_extraction(n_stats: int = 2) -> Extraction:
    prov = Provenance(sentence=0, start=5, end=10, extractor="test", extractor_version="1")
    return Extraction(
        stats=[
            StatRecord(value=float(i + 1), item="mô hình", percent=bool(i), prov=prov) for i in range(n_stats)
        ],
        models=[ModelRecord(name="Tủ sách vỉa hè", evidence="“Tủ sách vỉa hè”", prov=prov)],
        units=[UnitRecord(name="phường Tân Định", type="phường", written="phường Tân Định")],
    )


def table_rows(store, table: str) -> list[tuple]:
    return store.con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()


def test_open_store_creates_every_table_and_records_schema_version(tmp_path: Path) -> None:
    with open_store(tmp_path / "ds") as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.counts() == dict.fromkeys(TABLES, 0)
    assert (tmp_path / "ds" / DB_NAME).is_file()


@pytest.mark.parametrize(
    ("table", "cls"), [("stats", StatRecord), ("models", ModelRecord), ("units", UnitRecord)]
)
def test_record_tables_have_a_column_for_every_record_field(table: str, cls: type) -> None:
    """A field added to a record class must get a column (and a new SCHEMA_VERSION)."""
    names = [f.name for f in dataclasses.fields(cls) if f.name != "prov"]
    prov = [f.name for f in dataclasses.fields(Provenance)]
    columns = record_columns(table)
    assert columns[:3] == ("article_id", "idx", "run_id")
    assert set(names) | set(prov) == set(columns[3:])
    assert list(columns[3 : 3 + len(cls.SCHEMA_FIELDS)]) == list(cls.SCHEMA_FIELDS)


def test_write_article_stores_article_and_records(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        replaced = store.write_article(make_article(1), make_extraction(2), "run-1", VKEY)
        assert replaced is False
        assert store.counts() == {
            "articles": 1,
            "stats": 2,
            "models": 1,
            "units": 1,
            "sentences": 1,
            "runs": 0,
            "failures": 0,
        }
        art = store.con.execute(
            "SELECT doc, n_chars, versions_key, run_id, dropped_lines FROM articles"
        ).fetchone()
        assert art == ("doc0001.txt", len(make_article(1).text), VKEY, "run-1", '["Chia sẻ", "Tin khác"]')
        stats = store.con.execute(
            'SELECT idx, value, percent, item, start, "end", extractor FROM stats ORDER BY idx'
        )
        assert stats.fetchall() == [
            (0, 1.0, False, "mô hình", 5, 10, "test"),
            (1, 2.0, True, "mô hình", 5, 10, "test"),
        ]
        unit = store.con.execute("SELECT name, type, written, start, extractor FROM units").fetchone()
        assert unit == ("phường Tân Định", "phường", "phường Tân Định", -1, "")


def test_write_article_again_replaces_its_rows(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        store.write_article(make_article(1), make_extraction(3), "run-1", VKEY)
        store.write_article(make_article(2), make_extraction(1), "run-1", VKEY)
        replaced = store.write_article(make_article(1), make_extraction(1), "run-2", VKEY)
        assert replaced is True
        counts = store.counts()
        assert (counts["articles"], counts["stats"], counts["models"], counts["units"]) == (2, 2, 2, 2)
        runs = store.con.execute("SELECT DISTINCT run_id FROM stats WHERE article_id = 'id0001'").fetchall()
        assert runs == [("run-2",)]


def test_new_version_of_an_input_file_replaces_the_old_one(tmp_path: Path) -> None:
    old = make_article(1)
    new = dataclasses.replace(old, article_id="id-new", text=old.text + " Thêm một câu.", content_hash="h2")
    elsewhere = dataclasses.replace(old, article_id="id-other", source="/other/doc0001.txt")
    with_url = dataclasses.replace(
        old, article_id="id-url", source="/in/feed.jsonl#1", url="https://tin.example.vn/x"
    )
    with open_store(tmp_path) as store:
        store.write_article(old, make_extraction(3), "run-1", VKEY)
        store.write_article(elsewhere, make_extraction(1), "run-1", VKEY)
        store.write_article(with_url, make_extraction(1), "run-1", VKEY)
        assert store.write_article(new, make_extraction(1), "run-2", VKEY) is True
        ids = [r[0] for r in store.con.execute("SELECT article_id FROM articles ORDER BY ALL").fetchall()]
        assert ids == ["id-new", "id-other", "id-url"]
        assert store.counts()["stats"] == 3


def test_failed_write_rolls_back_and_keeps_the_old_rows(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        store.write_article(make_article(1), make_extraction(2), "run-1", VKEY)
        before = {t: table_rows(store, t) for t in ("articles", "stats", "models", "units")}
        bad = make_extraction(1)
        bad.models[0].name = None  # violates NOT NULL: fails after the old rows were deleted
        with pytest.raises(duckdb.ConstraintException):
            store.write_article(make_article(1), bad, "run-2", VKEY)
        assert {t: table_rows(store, t) for t in before} == before
        store.write_article(make_article(3), make_extraction(1), "run-2", VKEY)  # the store still works
        assert store.counts()["articles"] == 2


def test_record_with_a_field_that_has_no_column_is_refused(tmp_path: Path) -> None:
    class Odd:
        def as_dict(self) -> dict:
            return {"name": "x", "type": "xã", "colour": "red"}

    extraction = Extraction(stats=[], models=[], units=[Odd()])
    with open_store(tmp_path) as store, pytest.raises(ValueError, match="colour"):
        store.write_article(make_article(1), extraction, "run-1", VKEY)


def test_has_current_needs_same_content_and_same_versions(tmp_path: Path) -> None:
    art = make_article(1)
    with open_store(tmp_path) as store:
        assert not store.has_current(art.article_id, art.content_hash, VKEY)
        store.write_article(art, make_extraction(), "run-1", VKEY)
        assert store.has_current(art.article_id, art.content_hash, VKEY)
        assert not store.has_current(art.article_id, "other-hash", VKEY)
        assert not store.has_current(art.article_id, art.content_hash, versions_key({"dvk.rules": "2"}))


def test_versions_key_is_stable_and_order_free() -> None:
    a = versions_key({"dvk.rules": "1", "tokenizer": "pyvi"})
    assert a == versions_key({"tokenizer": "pyvi", "dvk.rules": "1"})
    assert a != versions_key({"dvk.rules": "2", "tokenizer": "pyvi"})
    assert len(a) == 16


def test_runs_start_running_end_done_and_stale_runs_become_interrupted(tmp_path: Path) -> None:
    info = RunInfo(new_run_id(), "0.1.0", "pyvi", {"dvk.rules": "1"}, ["in/"])
    with open_store(tmp_path) as store:
        store.start_run(info)
    # the process "died": the next run finds a run still marked running
    second = RunInfo(new_run_id(), "0.1.0", "pyvi", {"dvk.rules": "1"}, ["in/"])
    with open_store(tmp_path) as store:
        store.start_run(second)
        store.finish_run(second.run_id, RunCounts(n_files=3, n_read=2, n_new=2, n_failed=1), "done")
        rows = dict(store.con.execute("SELECT run_id, status FROM runs").fetchall())
        assert rows == {info.run_id: "interrupted", second.run_id: "done"}
        got = store.con.execute(
            "SELECT n_files, n_read, n_new, n_failed, finished_at IS NOT NULL, tokenizer, config_hash, inputs_json"
            " FROM runs WHERE run_id = ?",
            [second.run_id],
        ).fetchone()
        assert got == (3, 2, 2, 1, True, "pyvi", info.config_hash, '["in/"]')


def test_record_failure(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        store.record_failure("run-1", "/in/x.txt", "x.txt", "read: empty file")
        rows = store.con.execute(
            'SELECT run_id, source, doc, reason, "at" IS NOT NULL FROM failures'
        ).fetchall()
        assert rows == [("run-1", "/in/x.txt", "x.txt", "read: empty file", True)]


def test_export_parquet_writes_every_table_atomically(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        for n in (2, 1):
            store.write_article(make_article(n), make_extraction(n), "run-1", VKEY)
        store.record_failure("run-1", "/in/x.txt", "x.txt", "read: empty file")
        paths = store.export_parquet()
        counts = store.counts()
    assert sorted(p.name for p in paths) == sorted(f"{t}.parquet" for t in TABLES)
    assert sorted(p.name for p in (tmp_path / "parquet").iterdir()) == sorted(p.name for p in paths)
    for path in paths:
        assert pq.read_table(path).num_rows == counts[path.stem]
    docs = pq.read_table(tmp_path / "parquet" / "articles.parquet").column("doc").to_pylist()
    assert docs == sorted(docs)


def test_open_store_on_a_file_is_a_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("not a folder")
    with pytest.raises(OutputPathError):
        open_store(target)


def test_reading_a_folder_without_dataset_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(NoDatasetError, match="no dvk dataset"):
        open_store(tmp_path, read_only=True)
    assert not (tmp_path / DB_NAME).exists()


def test_other_schema_version_is_refused(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        store.con.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    with pytest.raises(SchemaVersionError, match="version 0"):
        open_store(tmp_path)


def test_second_writer_process_gets_dataset_locked(tmp_path: Path) -> None:
    open_store(tmp_path).close()
    holder = textwrap.dedent(
        f"""
        import sys, duckdb
        con = duckdb.connect({str(tmp_path / DB_NAME)!r})
        print("open", flush=True)
        sys.stdin.read()
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", holder], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "open"
        with pytest.raises(DatasetLockedError):
            open_store(tmp_path)
    finally:
        proc.communicate("", timeout=30)


# ---------------------------------------------------------------------------- batched writes

HISTORY_TABLES = ("article_writes", "stats_history", "models_history", "units_history", "token_cache")


def all_rows(store) -> dict[str, list[tuple]]:
    return {t: table_rows(store, t) for t in (*TABLES[:-2], *HISTORY_TABLES)}


def tokens_for(article: Article) -> CachedTokens:
    return CachedTokens("tok-1", (0, 6), (5, 9))


def replay(store, writes: list[tuple[Article, Extraction, str]], batched: bool) -> None:
    """Write each (article, extraction, run) one per transaction, or with a BatchWriter per run."""
    if not batched:
        for art, ext, run in writes:
            store.write_article(art, ext, run, VKEY, tokens=tokens_for(art))
        return
    for run in dict.fromkeys(run for _, _, run in writes):
        writer = BatchWriter(store, run, max_articles=100, max_seconds=3600)
        for art, ext, r in writes:
            if r == run:
                writer.add(art, ext, VKEY, tokens=tokens_for(art))
        writer.flush()


def test_a_batch_stores_exactly_what_one_transaction_per_article_stores(tmp_path: Path) -> None:
    """Replacements inside a batch (the same article twice, a new version of an input file, an
    article replacing a stored one under another id) give the same rows, history included."""
    old = make_article(1)
    edited = dataclasses.replace(
        old, article_id="id-new", text=old.text + " Thêm một câu.", content_hash="h2"
    )
    writes = [
        (make_article(1), make_extraction(3), "run-1"),
        (make_article(2), make_extraction(2), "run-1"),
        (make_article(2), make_extraction(1), "run-1"),  # again in the same run
        (make_article(3), make_extraction(0), "run-1"),
        (edited, make_extraction(1), "run-2"),  # replaces id0001, stored by run-1
        (make_article(3), make_extraction(2), "run-2"),
        (make_article(4), make_extraction(1), "run-2"),
        (old, make_extraction(1), "run-2"),  # the old version is back: replaces id-new, in the batch
    ]
    results = {}
    for batched in (False, True):
        with open_store(tmp_path / str(batched)) as store:
            replay(store, writes, batched)
            results[batched] = all_rows(store)
    assert results[True] == results[False]
    assert [r[1] for r in results[True]["articles"]] == [
        "doc0001.txt",
        "doc0002.txt",
        "doc0003.txt",
        "doc0004.txt",
    ]
    deleted = [r[:2] for r in results[True]["article_writes"] if r[5]]
    assert deleted == [("run-2", "id-new")]


def test_batch_commits_when_full_or_old_and_reports_each_article_then(tmp_path: Path) -> None:
    now = [0.0]
    committed: list[tuple[str, bool]] = []
    with open_store(tmp_path) as store:
        store.write_article(make_article(2), make_extraction(1), "run-0", VKEY)
        writer = BatchWriter(
            store, "run-1", max_articles=3, max_seconds=5.0, clock=lambda: now[0],
            on_commit=lambda art, replaced: committed.append((art.article_id, replaced)),
        )  # fmt: skip
        for n in (1, 2):
            writer.add(make_article(n), make_extraction(1), VKEY)
        assert (len(writer), committed, store.counts()["articles"]) == (2, [], 1)
        writer.add(make_article(3), make_extraction(1), VKEY)  # the third fills the batch
        assert len(writer) == 0
        assert committed == [("id0001", False), ("id0002", True), ("id0003", False)]
        writer.add(make_article(4), make_extraction(1), VKEY)
        now[0] = 4.9
        writer.add(make_article(5), make_extraction(1), VKEY)
        assert len(writer) == 2
        now[0] = 5.0  # the batch's first article has waited max_seconds
        writer.add(make_article(6), make_extraction(1), VKEY)
        assert len(writer) == 0 and store.counts()["articles"] == 6
        assert [a for a, _ in committed[3:]] == ["id0004", "id0005", "id0006"]


def test_buffered_writes_count_as_stored_for_has_current_and_the_token_cache(tmp_path: Path) -> None:
    art = make_article(1)
    edited = dataclasses.replace(art, article_id="id-new", text=art.text + " Thêm.", content_hash="h2")
    with open_store(tmp_path) as store:
        store.write_article(art, make_extraction(1), "run-0", VKEY)
        writer = BatchWriter(store, "run-1", max_articles=100, max_seconds=3600)
        assert writer.has_current(art.article_id, art.content_hash, VKEY)
        writer.add(make_article(2), make_extraction(1), VKEY, tokens=tokens_for(art))
        assert writer.has_current("id0002", make_article(2).content_hash, VKEY)
        assert not writer.has_current("id0002", make_article(2).content_hash, "other-key")
        assert not store.has_current("id0002", make_article(2).content_hash, VKEY)  # not stored yet
        assert writer.cached_tokens(make_article(2).content_hash, "tok-1") == tokens_for(art)
        assert store.cached_tokens(make_article(2).content_hash, "tok-1") is None
        writer.add(edited, make_extraction(1), VKEY)  # a new version of id0001's input file
        assert not writer.has_current(art.article_id, art.content_hash, VKEY)
        writer.flush()
        assert store.cached_tokens(make_article(2).content_hash, "tok-1") == tokens_for(art)
        assert not store.has_current(art.article_id, art.content_hash, VKEY)


def test_on_a_fresh_dataset_committed_articles_are_still_found(tmp_path: Path) -> None:
    """A writer that starts on an empty dataset skips the lookups for keys it never committed,
    and still finds (by query) what it committed in an earlier batch."""
    with open_store(tmp_path) as store:
        assert store.is_empty("articles") and store.is_empty("token_cache")
        writer = BatchWriter(store, "run-1", max_articles=2, max_seconds=3600)
        first, second, third = make_article(1), make_article(2), make_article(3)
        writer.add(first, make_extraction(1), VKEY, tokens=tokens_for(first))
        writer.add(second, make_extraction(1), VKEY)  # the batch of two is committed
        assert len(writer) == 0 and not store.is_empty("articles")
        assert writer.has_current(first.article_id, first.content_hash, VKEY)
        assert not writer.has_current(first.article_id, first.content_hash, "other-key")
        assert not writer.has_current(third.article_id, third.content_hash, VKEY)
        assert writer.cached_tokens(first.content_hash, "tok-1") == tokens_for(first)
        assert writer.cached_tokens(first.content_hash, "tok-2") is None
        assert writer.cached_tokens(third.content_hash, "tok-1") is None
    with open_store(tmp_path) as store:  # not empty now: every lookup asks the database
        writer = BatchWriter(store, "run-2", max_articles=2, max_seconds=3600)
        assert writer.has_current(second.article_id, second.content_hash, VKEY)
        assert writer.cached_tokens(first.content_hash, "tok-1") == tokens_for(first)
    with pytest.raises(ValueError, match="unknown table"):
        store.is_empty("nope")


def test_a_bad_article_fails_alone_and_the_rest_of_its_batch_is_stored(tmp_path: Path) -> None:
    committed, failed = [], []
    with open_store(tmp_path) as store:
        store.write_article(make_article(2), make_extraction(2), "run-0", VKEY)
        before = table_rows(store, "stats")
        writer = BatchWriter(
            store, "run-1", max_articles=100, max_seconds=3600,
            on_commit=lambda art, replaced: committed.append(art.article_id),
            on_fail=lambda art, exc: failed.append((art.article_id, type(exc))),
        )  # fmt: skip
        bad = make_extraction(1)
        bad.models[0].name = None  # NOT NULL: only the database finds out, when the batch is written
        for n, ext in ((1, make_extraction(1)), (2, bad), (3, make_extraction(1))):
            writer.add(make_article(n), ext, VKEY)
        writer.flush()
        assert committed == ["id0001", "id0003"]
        assert failed == [("id0002", duckdb.ConstraintException)]
        assert [r for r in table_rows(store, "stats") if r[0] == "id0002"] == before  # old rows kept
        assert store.counts()["articles"] == 3


def test_fast_record_rows_equal_the_records_as_dict() -> None:
    """storage builds the rows of the extractor's own records without ``as_dict`` (for speed)."""
    ext = make_extraction(2)
    ext.stats[0].ratio_of, ext.stats[0].province_now, ext.stats[1].prov = 4.0, "Tỉnh A", None
    for table, records in (("stats", ext.stats), ("models", ext.models), ("units", ext.units)):
        columns = record_columns(table)
        expected = []
        for idx, rec in enumerate(records):
            values = rec.as_dict() | {"article_id": "a", "idx": idx, "run_id": "r"}
            expected.append(tuple(values.get(c) for c in columns))
        assert record_rows(table, "a", "r", records) == expected


def test_the_normaliser_is_part_of_the_versions_key(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import normalise
    from pipeline.storage import run_versions, versions_key

    versions = {"dvk.rules": "1", "tokenizer": "pyvi-x"}
    assert run_versions(versions)["dvk.normaliser"] == normalise.normaliser_version()
    assert len(normalise.normaliser_version()) == 12
    before = versions_key(versions)
    monkeypatch.setattr(normalise, "normaliser_version", lambda: "changed00000")
    assert versions_key(versions) != before  # a normaliser change makes every article stale


def test_a_writer_caps_duckdb_memory_and_an_export_out_of_memory_is_redone_without_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def limit(store) -> str:
        return store.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]

    monkeypatch.delenv("DVK_DUCKDB_MEMORY", raising=False)
    with open_store(tmp_path) as store:
        store.write_article(make_article(1), make_extraction(2), "run-0", VKEY)
        capped = limit(store)
        assert capped.endswith("MiB") and float(capped.split()[0]) <= 128
        seen = []
        real_copy = store.copy_table

        def flaky(table, path, options):  # the first copy under the cap runs out of memory
            seen.append(limit(store))
            if len(seen) == 1:
                raise duckdb.OutOfMemoryException("simulated")
            return real_copy(table, path, options)

        monkeypatch.setattr(store, "copy_table", flaky)
        paths = store.export_parquet()
        assert seen[0] == capped and seen[1] != capped  # redone with DuckDB's default limit
        assert all(v == capped for v in seen[2:])  # the other tables under the cap again
        assert limit(store) == capped
        assert len(paths) == len(seen) - 1 and all(p.is_file() for p in paths)
        assert pq.read_table(paths[0]).num_rows >= 1
    monkeypatch.setenv("DVK_DUCKDB_MEMORY", "300MB")
    with open_store(tmp_path) as store:
        assert limit(store) != capped
    with open_store(tmp_path, read_only=True) as store:
        assert limit(store) != capped  # a reader keeps DuckDB's default


# ---------------------------------------------------------------------------- row makers

_TEXTS = st.one_of(st.none(), st.text(alphabet="abcđ ệ1", max_size=6))
_PROVS = st.one_of(
    st.none(),
    st.builds(
        Provenance,
        sentence=st.integers(0, 9),
        start=st.integers(0, 99),
        end=st.integers(0, 99),
        extractor=_TEXTS,
        extractor_version=_TEXTS,
    ),
)
_RECORDS = st.one_of(
    st.builds(StatRecord, value=st.floats(0, 1e6), item=st.text(max_size=5), unit=_TEXTS, prov=_PROVS,
              percent=st.booleans(), ratio_of=st.one_of(st.none(), st.floats(0, 99)), ward_now=_TEXTS),
    st.builds(ModelRecord, name=st.text(max_size=5), domain=_TEXTS, prov=_PROVS, organisation=_TEXTS),
    st.builds(UnitRecord, name=st.text(max_size=5), type=st.text(max_size=3), province=_TEXTS, prov=_PROVS),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_RECORDS, max_size=4))
def test_rows_of_dvk_records_are_those_of_their_as_dict(records: list) -> None:
    """The fast row maker of dvk's own records gives the rows of the generic path (``as_dict``)."""
    table = {StatRecord: "stats", ModelRecord: "models", UnitRecord: "units"}
    for rec_type, name in table.items():
        own = [r for r in records if type(r) is rec_type]
        columns = record_columns(name)
        generic = []
        for idx, rec in enumerate(own):
            values = rec.as_dict()
            values.update(article_id="a1", idx=idx, run_id="r1")
            generic.append(tuple(values.get(c) for c in columns))
        assert record_rows(name, "a1", "r1", own) == generic
