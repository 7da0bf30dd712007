"""The dataset on disk: one DuckDB file per output folder, with one writer.

A dataset folder holds ``dvk.duckdb`` and, after each finished run, the same
tables as Parquet under ``parquet/<table>.parquet``.  :data:`SCHEMA_SQL` is the
base of the schema (version 1); the named steps of :mod:`pipeline.migrations`
upgrade it, for a new dataset as for an old one, when the dataset is opened.
:data:`SCHEMA_VERSION` is recorded in the ``meta`` table and checked on open.
``docs/schema.md`` documents every table and view.

Writes are idempotent: :meth:`Store.write_article` replaces every row of an
article (delete + insert in one transaction), so a rerun, or a resume after a
killed run, stores each article exactly once; an edited input file replaces
the article stored from it.  Every write is also logged, with its rows, in
``article_writes`` and the ``*_history`` tables, so that the state of the
dataset after any run can be rebuilt and two runs compared
(:mod:`pipeline.history`).  :meth:`Store.has_current`
tells whether an article is already stored with the same content and the
same extractor versions, in which case the run skips it.

Timestamps are UTC, stored as ``TIMESTAMP`` without a zone.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from corpus.records import Article
from extractors.records import Extraction
from extractors.tokenizer import split_sentences
from pipeline import migrations
from pipeline.errors import DatasetLockedError, NoDatasetError, OutputPathError, SchemaVersionError

SCHEMA_VERSION = str(migrations.LATEST_VERSION)
DB_NAME = "dvk.duckdb"
PARQUET_DIR = "parquet"

#: The whole storage schema.  Record tables list the article key, the record's
#: index within its article (document order of the extractor) and the run that
#: wrote it, then the record's SCHEMA.md fields in SCHEMA.md order, then its
#: extra fields and its provenance (sentence index, character offsets into
#: ``articles.text``, extractor name and version).
SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS articles (
    article_id VARCHAR PRIMARY KEY,   -- sha1 of the URL, else of the cleaned text (16 hex)
    doc VARCHAR NOT NULL,             -- file name or URL: the "doc" of the JSONL export
    source VARCHAR NOT NULL,          -- path it was read from (with #line for JSONL)
    url VARCHAR,
    title VARCHAR,
    published VARCHAR,                -- ISO date, YYYY-MM-DD or shorter
    author VARCHAR,
    content_hash VARCHAR NOT NULL,    -- hash of the cleaned text
    text VARCHAR NOT NULL,            -- cleaned text: every offset points into it
    n_chars INTEGER NOT NULL,
    versions_key VARCHAR NOT NULL,    -- hash of the extractor versions that produced the rows
    run_id VARCHAR NOT NULL,          -- run that last wrote the article
    dropped_lines VARCHAR NOT NULL    -- JSON array of the furniture lines cleaning removed
);
CREATE TABLE IF NOT EXISTS stats (
    article_id VARCHAR NOT NULL,
    idx INTEGER NOT NULL,
    run_id VARCHAR NOT NULL,
    value DOUBLE NOT NULL,
    approx VARCHAR,
    ratio_of DOUBLE,
    percent BOOLEAN NOT NULL,
    item VARCHAR NOT NULL,
    action VARCHAR,
    unit VARCHAR,
    province VARCHAR,
    period VARCHAR,
    per_year BOOLEAN NOT NULL,
    level VARCHAR,
    domain VARCHAR,
    evidence VARCHAR NOT NULL,
    sentence INTEGER,
    start INTEGER,
    "end" INTEGER,
    extractor VARCHAR,
    extractor_version VARCHAR,
    PRIMARY KEY (article_id, idx)
);
CREATE TABLE IF NOT EXISTS models (
    article_id VARCHAR NOT NULL,
    idx INTEGER NOT NULL,
    run_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    unit VARCHAR,
    province VARCHAR,
    domain VARCHAR,
    evidence VARCHAR NOT NULL,
    sentence INTEGER,
    start INTEGER,
    "end" INTEGER,
    extractor VARCHAR,
    extractor_version VARCHAR,
    PRIMARY KEY (article_id, idx)
);
CREATE TABLE IF NOT EXISTS units (
    article_id VARCHAR NOT NULL,
    idx INTEGER NOT NULL,
    run_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    type VARCHAR NOT NULL,
    province VARCHAR,
    written VARCHAR,                  -- the mention as written in the text
    organisation VARCHAR,             -- the body behind a locality, when named
    sentence INTEGER,
    start INTEGER,
    "end" INTEGER,
    extractor VARCHAR,
    extractor_version VARCHAR,
    PRIMARY KEY (article_id, idx)
);
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    dvk_version VARCHAR NOT NULL,
    tokenizer VARCHAR NOT NULL,
    versions_json VARCHAR NOT NULL,   -- the extractor's versions dict
    config_hash VARCHAR NOT NULL,     -- hash of tokenizer, versions and schema version
    inputs_json VARCHAR NOT NULL,     -- the INPUT arguments as given
    n_files INTEGER,
    n_skipped_files INTEGER,
    n_read INTEGER,
    n_new INTEGER,
    n_unchanged INTEGER,
    n_failed INTEGER,
    status VARCHAR NOT NULL           -- running, done, failed, or interrupted (killed)
);
CREATE TABLE IF NOT EXISTS failures (
    run_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    doc VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,          -- "<stage>: <why>", stage = read, clean, extract or store
    "at" TIMESTAMP NOT NULL           -- UTC
);
"""

#: Tables holding one article's rows: all are replaced together.
RECORD_TABLES = ("stats", "models", "units")
ARTICLE_TABLES = ("articles", *RECORD_TABLES, "sentences")
TABLES = (*ARTICLE_TABLES, "runs", "failures")

#: Deterministic row order of each table in Parquet and CSV files.
TABLE_ORDER = {
    "articles": "doc, article_id",
    "stats": "article_id, start, idx",
    "models": "article_id, start, idx",
    "units": "article_id, start, idx",
    "sentences": "article_id, idx",
    "runs": "started_at, run_id",
    "failures": '"at", run_id, source, doc',
}

_ARTICLE_COLUMNS = (
    "article_id", "doc", "source", "url", "title", "published", "author", "content_hash", "text",
    "n_chars", "versions_key", "run_id", "dropped_lines", "province_hint",
)  # fmt: skip


#: Rows per multi-row INSERT statement.
_INSERT_BATCH = 500


def utcnow() -> datetime:
    """The current UTC time without a zone (what the TIMESTAMP columns hold)."""
    return datetime.now(UTC).replace(tzinfo=None)


def stable_hash(obj: Any, length: int = 16) -> str:
    """Hex sha1 of the canonical JSON of ``obj``: equal values give equal hashes across runs."""
    data = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha1(data.encode("utf-8")).hexdigest()[:length]


def versions_key(versions: dict[str, str]) -> str:
    """The key under which an article's rows are current: a hash of the extractor versions."""
    return stable_hash(versions)


@dataclass(frozen=True, slots=True)
class RunInfo:
    """What a run row records about its configuration when the run starts."""

    run_id: str
    dvk_version: str
    tokenizer: str
    versions: dict[str, str]
    inputs: Sequence[str]
    command: str = "run"  # run or rerun

    @property
    def config_hash(self) -> str:
        return stable_hash({"tokenizer": self.tokenizer, "versions": self.versions, "schema": SCHEMA_VERSION})


@dataclass(frozen=True, slots=True)
class CachedTokens:
    """An article's word tokens as offsets into its cleaned text, under a tokenizer key."""

    tokenizer_key: str
    starts: Sequence[int]
    ends: Sequence[int]


@dataclass(slots=True)
class RunCounts:
    """The counters a run row gets when the run ends."""

    n_files: int = 0
    n_skipped_files: int = 0
    n_read: int = 0
    n_new: int = 0
    n_unchanged: int = 0
    n_failed: int = 0


def new_run_id() -> str:
    """A sortable, unique run id: UTC start time plus random hex."""
    return f"{utcnow():%Y%m%dT%H%M%S}-{os.urandom(4).hex()}"


def record_columns(table: str) -> tuple[str, ...]:
    """The columns of a record table, in table order (from the live schema)."""
    return _TABLE_COLUMNS[table]


def _parse_columns() -> dict[str, tuple[str, ...]]:
    con = duckdb.connect(":memory:")
    try:
        con.execute(SCHEMA_SQL)
        con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
        migrations.migrate(con)
        return {t: tuple(r[0] for r in con.execute(f"DESCRIBE {t}").fetchall()) for t in (*TABLES, "meta")}
    finally:
        con.close()


_TABLE_COLUMNS = _parse_columns()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    cols = ", ".join(_quote(c) for c in columns)
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} ({cols}) VALUES ({marks})"


def article_row(article: Article, run_id: str, vkey: str) -> tuple:
    """The ``articles`` row of a cleaned article, in :data:`_ARTICLE_COLUMNS` order."""
    return (
        article.article_id, article.doc, article.source, article.url, article.title, article.published,
        article.author, article.content_hash, article.text, len(article.text), vkey, run_id,
        json.dumps(list(article.dropped), ensure_ascii=False), getattr(article, "province", None),
    )  # fmt: skip


def record_rows(table: str, article_id: str, run_id: str, records: Iterable) -> list[tuple]:
    """Rows of a record table; raises ``ValueError`` for a record field the table has no column for."""
    columns = record_columns(table)
    rows = []
    for idx, rec in enumerate(records):
        values = rec.as_dict()
        unknown = set(values) - set(columns)
        if unknown:
            raise ValueError(f"{table}: record fields without a column: {sorted(unknown)}")
        values.update(article_id=article_id, idx=idx, run_id=run_id)
        rows.append(tuple(values.get(c) for c in columns))
    return rows


class Store:
    """An open dataset.  Use :func:`open_store`; close it (or use ``with``) when done."""

    def __init__(self, directory: Path, con: duckdb.DuckDBPyConnection, read_only: bool) -> None:
        self.directory = directory
        self.con = con
        self.read_only = read_only

    # -- context management -------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    # -- articles -----------------------------------------------------------
    def has_current(self, article_id: str, content_hash: str, versions_key: str) -> bool:
        """True when the article is stored with this content and these extractor versions."""
        row = self.con.execute(
            "SELECT 1 FROM articles WHERE article_id = ? AND content_hash = ? AND versions_key = ?",
            [article_id, content_hash, versions_key],
        ).fetchone()
        return row is not None

    def write_article(
        self,
        article: Article,
        extraction: Extraction,
        run_id: str,
        versions_key: str,
        tokens: CachedTokens | None = None,
    ) -> bool:
        """Store one article and its records, replacing any earlier rows of it, in one transaction.

        Earlier rows are those of the same ``article_id`` and, since the id of an
        article without URL is a hash of its text, those of any article without
        URL stored from the same ``source`` (an edited .txt file is a new version,
        not a second article).  The same transaction stores the article's
        sentence offsets, logs the write and its rows (``article_writes``,
        ``*_history``; an earlier version replaced under another id is logged as
        deleted) and, when given, caches the article's tokens.  Returns True when
        earlier rows were replaced.
        """
        aid = article.article_id
        rows = {
            "stats": record_rows("stats", aid, run_id, extraction.stats),
            "models": record_rows("models", aid, run_id, extraction.models),
            "units": record_rows("units", aid, run_id, extraction.units),
        }
        sentences = [(aid, i, s, e) for i, (s, e) in enumerate(split_sentences(article.text))]
        with self._transaction():
            replaced = self._delete_article(article)
            self.con.execute(
                _insert_sql("articles", _ARTICLE_COLUMNS), article_row(article, run_id, versions_key)
            )
            for table, table_rows in rows.items():
                self._insert_rows(table, record_columns(table), table_rows)
            self._insert_rows("sentences", ("article_id", "idx", "start", "end"), sentences)
            for old in replaced:
                if old != aid:
                    self._log_write(run_id, old, None, deleted=True)
            self._log_write(run_id, aid, article, versions_key=versions_key)
            if tokens is not None:
                self.con.execute(
                    "INSERT INTO token_cache VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    [article.content_hash, tokens.tokenizer_key, list(tokens.starts), list(tokens.ends)],
                )
        return bool(replaced)

    def _insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[tuple]) -> None:
        """Insert rows with one multi-row ``INSERT`` per batch: DuckDB's ``executemany`` runs one
        statement per row, which made storing cost as much as extracting."""
        for i in range(0, len(rows), _INSERT_BATCH):
            batch = rows[i : i + _INSERT_BATCH]
            marks = "(" + ", ".join("?" for _ in columns) + ")"
            sql = f"INSERT INTO {table} ({', '.join(_quote(c) for c in columns)}) VALUES " + ", ".join(
                marks for _ in batch
            )
            self.con.executemany(sql, [[v for row in batch for v in row]])  # one statement

    def _log_write(
        self, run_id: str, article_id: str, article: Article | None, versions_key: str | None = None,
        deleted: bool = False,
    ) -> None:  # fmt: skip
        """Record in the history that ``run_id`` wrote (or deleted) an article, with its current rows."""
        self.con.execute(
            "DELETE FROM article_writes WHERE run_id = ? AND article_id = ?", [run_id, article_id]
        )
        doc = article.doc if article else self._history_doc(article_id)
        self.con.execute(
            "INSERT INTO article_writes VALUES (?, ?, ?, ?, ?, ?)",
            [run_id, article_id, doc, article.content_hash if article else None, versions_key, deleted],
        )
        for table in RECORD_TABLES:
            self.con.execute(
                f"DELETE FROM {table}_history WHERE run_id = ? AND article_id = ?", [run_id, article_id]
            )
            if not deleted:
                self.con.execute(
                    f"INSERT INTO {table}_history BY NAME SELECT * FROM {table} WHERE article_id = ?",
                    [article_id],
                )

    def _history_doc(self, article_id: str) -> str:
        row = self.con.execute(
            "SELECT doc FROM article_writes WHERE article_id = ? AND doc IS NOT NULL LIMIT 1", [article_id]
        ).fetchone()
        return row[0] if row else article_id

    def _delete_article(self, article: Article) -> list[str]:
        """Delete the article's rows and those of earlier versions of its input; return their ids."""
        ids = [
            r[0]
            for r in self.con.execute(
                "SELECT article_id FROM articles WHERE article_id = ? OR (source = ? AND url IS NULL)",
                [article.article_id, article.source],
            ).fetchall()
        ]
        for table in ARTICLE_TABLES:
            self.con.execute(f"DELETE FROM {table} WHERE list_contains(?, article_id)", [ids])
        return ids

    # -- token cache ----------------------------------------------------------
    def cached_tokens(self, content_hash: str, tokenizer_key: str) -> CachedTokens | None:
        """The tokens cached for this cleaned text and tokenizer, or None."""
        row = self.con.execute(
            "SELECT starts, ends FROM token_cache WHERE content_hash = ? AND tokenizer_key = ?",
            [content_hash, tokenizer_key],
        ).fetchone()
        return CachedTokens(tokenizer_key, tuple(row[0]), tuple(row[1])) if row else None

    # -- runs and failures ----------------------------------------------------
    def start_run(self, info: RunInfo) -> None:
        """Insert the run row with status ``running``; runs left ``running`` by a killed process
        become ``interrupted`` (only one process can hold the dataset open for writing)."""
        with self._transaction():
            self.con.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            self.con.execute(
                "INSERT INTO runs (run_id, started_at, dvk_version, tokenizer, versions_json, config_hash,"
                " inputs_json, status, command) VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?)",
                [
                    info.run_id, utcnow(), info.dvk_version, info.tokenizer,
                    json.dumps(info.versions, sort_keys=True, ensure_ascii=False), info.config_hash,
                    json.dumps(list(info.inputs), ensure_ascii=False), info.command,
                ],
            )  # fmt: skip

    def finish_run(self, run_id: str, counts: RunCounts, status: str) -> None:
        """Record the run's counters, end time and final status (``done``, ``failed``, ``interrupted``)."""
        self.con.execute(
            "UPDATE runs SET finished_at = ?, n_files = ?, n_skipped_files = ?, n_read = ?, n_new = ?,"
            " n_unchanged = ?, n_failed = ?, status = ? WHERE run_id = ?",
            [
                utcnow(), counts.n_files, counts.n_skipped_files, counts.n_read, counts.n_new,
                counts.n_unchanged, counts.n_failed, status, run_id,
            ],
        )  # fmt: skip

    def record_failure(self, run_id: str, source: str, doc: str, reason: str) -> None:
        """Record one input that could not be turned into stored rows."""
        self.con.execute(
            'INSERT INTO failures (run_id, source, doc, reason, "at") VALUES (?, ?, ?, ?, ?)',
            [run_id, source, doc, reason, utcnow()],
        )

    # -- reading --------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """Row count of every table."""
        return {t: self.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}

    def schema_version(self) -> str | None:
        row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return row[0] if row else None

    def export_parquet(self) -> list[Path]:
        """Write every table to ``parquet/<table>.parquet`` (temp name, then rename); return the paths."""
        folder = self.directory / PARQUET_DIR
        folder.mkdir(exist_ok=True)
        return [self.copy_table(t, folder / f"{t}.parquet", "FORMAT parquet") for t in TABLES]

    def copy_table(self, table: str, path: Path, options: str) -> Path:
        """Write one table, in its :data:`TABLE_ORDER`, with DuckDB ``COPY``; atomic by rename."""
        tmp = path.with_name(f".{path.name}.tmp")
        self.con.execute(
            f"COPY (SELECT * FROM {table} ORDER BY {TABLE_ORDER[table]}) TO '{_sql_str(tmp)}' ({options})"
        )
        os.replace(tmp, path)
        return path


def _sql_str(path: Path) -> str:
    return str(path).replace("'", "''")


def dataset_path(directory: Path) -> Path:
    return Path(directory) / DB_NAME


def check_dataset_dir(directory: Path) -> Path:
    """``directory`` as a Path; raises :class:`OutputPathError` when it exists and is not a folder."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise OutputPathError(f"{directory} is a file, not a folder")
    return directory


def open_store(directory: Path, read_only: bool = False) -> Store:
    """Open (and for writing, create) the dataset in ``directory``.

    Raises :class:`OutputPathError` when ``directory`` is a file,
    :class:`NoDatasetError` when reading a folder without a dataset,
    :class:`DatasetLockedError` when another process writes it, and
    :class:`SchemaVersionError` for a dataset of another schema version.
    """
    directory = check_dataset_dir(directory)
    db = dataset_path(directory)
    if read_only and not db.is_file():
        raise NoDatasetError(f"{directory} holds no dvk dataset (no {DB_NAME}); run `dvk run` first")
    if not read_only:
        directory.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(db), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatasetLockedError(f"{db} is in use by another process") from exc
        raise
    store = Store(directory, con, read_only)
    try:
        upgraded = _check_schema(store)
    except BaseException:
        store.close()
        raise
    if not upgraded:  # an older dataset opened for reading: upgrade it once with a writer, then reopen
        store.close()
        open_store(directory).close()
        return open_store(directory, read_only=True)
    return store


def _check_schema(store: Store) -> bool:
    """Create or upgrade the schema; False when a read-only store needs migrations it cannot apply."""
    con = store.con
    has_meta = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ).fetchone()[0]
    if not has_meta:
        if store.read_only:
            raise NoDatasetError(f"{store.directory / DB_NAME} is not a dvk dataset (no meta table)")
        con.execute("BEGIN TRANSACTION")
        con.execute(SCHEMA_SQL)
        con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(migrations.BASE_VERSION)])
        con.execute("COMMIT")
        migrations.migrate(con)
        return True
    found = store.schema_version()
    known = {str(v) for v in range(migrations.BASE_VERSION, migrations.LATEST_VERSION + 1)}
    if found not in known:
        raise SchemaVersionError(
            f"{store.directory} has storage schema version {found}, this dvk reads versions"
            f" {migrations.BASE_VERSION} to {SCHEMA_VERSION}; write to a new folder"
        )
    if not migrations.pending(con):
        return True
    if store.read_only:
        return False
    migrations.migrate(con)
    return True
