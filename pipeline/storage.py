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
the article stored from it.  A run writes through a :class:`BatchWriter`, several
articles per transaction (:meth:`Store.write_batch`: one ``INSERT ... SELECT`` per
table from Arrow tables), with the same result as one transaction per article;
a killed run loses at most its uncommitted batch, which the resume redoes.  Every write is also logged, with its rows, in
``article_writes`` and the ``*_history`` tables, so that the state of the
dataset after any run can be rebuilt and two runs compared
(:mod:`pipeline.history`).  :meth:`Store.has_current`
tells whether an article is already stored with the same content and the
same extractor versions, in which case the run skips it.

Timestamps are UTC, stored as ``TIMESTAMP`` without a zone.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from corpus.records import Article
from extractors.records import Extraction, ModelRecord, Provenance, StatRecord, UnitRecord
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


def utcnow() -> datetime:
    """The current UTC time without a zone (what the TIMESTAMP columns hold)."""
    return datetime.now(UTC).replace(tzinfo=None)


def stable_hash(obj: Any, length: int = 16) -> str:
    """Hex sha1 of the canonical JSON of ``obj``: equal values give equal hashes across runs."""
    data = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha1(data.encode("utf-8")).hexdigest()[:length]


def run_versions(versions: dict[str, str]) -> dict[str, str]:
    """The extractor's versions and the normaliser's: everything that decides an article's rows."""
    from pipeline.normalise import normaliser_version

    return {**versions, "dvk.normaliser": normaliser_version()}


def versions_key(versions: dict[str, str]) -> str:
    """The key under which an article's rows are current: a hash of :func:`run_versions`."""
    return stable_hash(run_versions(versions))


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


def table_columns(table: str) -> tuple[str, ...]:
    """The columns of one of dvk's tables (``articles`` and the record tables among them), in order."""
    return _TABLE_COLUMNS[table]


def _parse_columns() -> dict[str, dict[str, str]]:
    """Column name -> DuckDB type of every table of the full schema, in table order."""
    con = duckdb.connect(":memory:")
    try:
        con.execute("BEGIN TRANSACTION")
        migrations.create_latest(con, SCHEMA_SQL)
        con.execute("COMMIT")
        tables = (*TABLES, "meta", "token_cache", "article_writes", "layers")
        return {t: {r[0]: r[1] for r in con.execute(f"DESCRIBE {t}").fetchall()} for t in tables}
    finally:
        con.close()


_TABLE_TYPES = _parse_columns()
_TABLE_COLUMNS = {t: tuple(types) for t, types in _TABLE_TYPES.items()}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


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
        direct = _direct_row(type(rec), table)
        if direct is not None:
            rows.append(direct(rec, article_id, idx, run_id))
            continue
        values = rec.as_dict()
        unknown = set(values) - set(columns)
        if unknown:
            raise ValueError(f"{table}: record fields without a column: {sorted(unknown)}")
        values.update(article_id=article_id, idx=idx, run_id=run_id)
        rows.append(tuple(values.get(c) for c in columns))
    return rows


_PROV_FIELDS = frozenset(f.name for f in fields(Provenance))
_NO_PROV = Provenance()


@functools.cache
def _direct_row(cls: type, table: str) -> Callable[[Any, str, int, str], tuple] | None:
    """A fast row maker for the extractor's own record classes (the same values as their
    ``as_dict``, which copies the provenance with ``dataclasses.asdict``: the slow part of storing);
    None for any other class, or when the class has a field the table lacks."""
    if cls not in (StatRecord, ModelRecord, UnitRecord):
        return None
    columns = record_columns(table)
    own = {f.name for f in fields(cls)} - {"prov"}
    if own - set(columns):
        return None
    getters: list[Callable[[Any, Provenance, str, int, str], Any]] = []
    for c in columns:
        if c == "article_id":
            getters.append(lambda r, p, a, i, run: a)
        elif c == "idx":
            getters.append(lambda r, p, a, i, run: i)
        elif c == "run_id":
            getters.append(lambda r, p, a, i, run: run)
        elif c in own:
            getters.append(lambda r, p, a, i, run, c=c: getattr(r, c))
        elif c in _PROV_FIELDS:
            getters.append(lambda r, p, a, i, run, c=c: getattr(p, c))
        else:
            getters.append(lambda r, p, a, i, run: None)

    def row(rec: Any, article_id: str, idx: int, run_id: str) -> tuple:
        prov = rec.prov or _NO_PROV
        return tuple(g(rec, prov, article_id, idx, run_id) for g in getters)

    return row


_ARROW_TYPES = {
    "VARCHAR": pa.string(), "INTEGER": pa.int32(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(), "TIMESTAMP": pa.timestamp("us"), "INTEGER[]": pa.list_(pa.int32()),
    "BLOB": pa.binary(),
}  # fmt: skip


def arrow_rows(table: str, rows: Sequence[tuple]) -> pa.Table:
    """Rows (in the columns of ``table``, all of them) as an Arrow table typed like the DuckDB table."""
    columns = _TABLE_COLUMNS[table]
    by_column = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    return pa.table(
        {
            c: pa.array(v, _ARROW_TYPES[_TABLE_TYPES[table][c]])
            for c, v in zip(columns, by_column, strict=True)
        }
    )


def _id_table(ids: Iterable[str]) -> pa.Table:
    return pa.table({"article_id": pa.array(list(ids), pa.string())})


@dataclass(frozen=True, slots=True)
class ArticleWrite:
    """One article with its rows, ready to store (see :func:`article_write`)."""

    article: Article
    run_id: str
    versions_key: str
    # stats, models, units, sentences; None: the rows stored for the article are kept (a rerun
    # whose extraction gave the records it stored them from: :func:`kept_write`)
    rows: dict[str, list[tuple]] | None
    tokens: CachedTokens | None = None
    layers: bytes | None = None  # what a rerun may reuse of the extraction (extractors.layers)


def article_write(
    article: Article, extraction: Extraction, run_id: str, vkey: str, tokens: CachedTokens | None = None
) -> ArticleWrite:
    """The rows of one article; raises ``ValueError`` for a record field without a column."""
    aid = article.article_id
    rows = {
        "stats": record_rows("stats", aid, run_id, extraction.stats),
        "models": record_rows("models", aid, run_id, extraction.models),
        "units": record_rows("units", aid, run_id, extraction.units),
        "sentences": [(aid, i, s, e) for i, (s, e) in enumerate(split_sentences(article.text))],
    }
    return ArticleWrite(article, run_id, vkey, rows, tokens, extraction.layers)


def kept_write(
    article: Article, run_id: str, vkey: str, layers: bytes | None, tokens: CachedTokens | None = None
) -> ArticleWrite:
    """A write of a stored article that keeps its rows: a rerun whose extraction gave the records
    the rows were made from, normalised by the same normaliser.  The rows are logged as the
    run's (their ``run_id`` and the ``*_history`` tables), exactly as rewriting them would."""
    return ArticleWrite(article, run_id, vkey, None, tokens, layers)


def _independent_segments(writes: Sequence[ArticleWrite]) -> Iterator[list[ArticleWrite]]:
    """Consecutive runs of writes none of which replaces another's rows (same id, or same source
    where the earlier one has no URL): each run can be written with one statement per table."""
    segment: list[ArticleWrite] = []
    ids: set[str] = set()
    sources: set[str] = set()  # sources of the segment's articles without URL
    for w in writes:
        if w.article.article_id in ids or w.article.source in sources:
            yield segment
            segment, ids, sources = [], set(), set()
        segment.append(w)
        ids.add(w.article.article_id)
        if w.article.url is None:
            sources.add(w.article.source)
    if segment:
        yield segment


class Store:
    """An open dataset.  Use :func:`open_store`; close it (or use ``with``) when done."""

    def __init__(self, directory: Path, con: duckdb.DuckDBPyConnection, read_only: bool) -> None:
        self.directory = directory
        self.con = con
        self.read_only = read_only
        self.articles_written = 0  # by this Store, since it was opened

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
        row = self._one(
            "SELECT 1 FROM articles WHERE article_id = ? AND content_hash = ? AND versions_key = ?",
            [article_id, content_hash, versions_key],
        )
        return row is not None

    def _one(self, sql: str, params: Sequence[object]) -> tuple | None:
        """The first row of a query, or None (read to the end: DuckDB refuses other work on a
        connection with an unfinished result)."""
        rows = self.con.execute(sql, params).fetchall()
        return rows[0] if rows else None

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
        earlier rows were replaced.  A run stores many articles per transaction
        with a :class:`BatchWriter` instead.
        """
        return self.write_batch([article_write(article, extraction, run_id, versions_key, tokens)])[0]

    def write_batch(self, writes: Sequence[ArticleWrite]) -> list[bool]:
        """Store several articles in one transaction, exactly as :meth:`write_article` one after the
        other would; return, for each, whether earlier rows were replaced.

        The rows go in with one ``INSERT ... SELECT`` per table from Arrow tables; earlier rows
        are looked up for the whole batch at once and deleted only when there are any.  Writes
        that touch each other's rows (the same article twice, two versions of one input) are
        applied one after the other, still inside the one transaction.
        """
        if not writes:
            return []
        with self._transaction():
            replaced: list[bool] = []
            for segment in _independent_segments(writes):
                replaced.extend(self._write_segment(segment))
        self.articles_written += len(writes)
        return replaced

    def _write_segment(self, writes: Sequence[ArticleWrite]) -> list[bool]:
        """Write articles whose rows do not overlap (inside an open transaction)."""
        old = self._earlier_ids(writes)
        claimed = [aid for ids in old for aid in ids]
        if len(claimed) != len(set(claimed)) and len(writes) > 1:
            # two writes replace the same stored article: one after the other, as a serial run would
            return [r for w in writes for r in self._write_segment([w])]
        run_id = writes[0].run_id
        new_ids = [w.article.article_id for w in writes]
        kept = [w.article.article_id for w in writes if w.rows is None]
        for w, ids in zip(writes, old, strict=True):
            if w.rows is None and ids != [w.article.article_id]:
                raise ValueError(f"{w.article.doc}: rows to keep, but the article is not stored as it")
        deleted = [(w, aid) for w, ids in zip(writes, old, strict=True) for aid in ids if aid not in new_ids]
        replaced = [aid for aid in claimed if aid not in kept_ids] if (kept_ids := set(kept)) else claimed
        if replaced:
            with self._registered("_dvk_ids", _id_table(replaced)):
                for table in (*ARTICLE_TABLES, "layers"):
                    self.con.execute(
                        f"DELETE FROM {table} WHERE article_id IN (SELECT article_id FROM _dvk_ids)"
                    )
        self._forget_writes_of_run(run_id, [*new_ids, *(aid for _, aid in deleted)])
        deleted_docs = {aid: self._history_doc(aid) for _, aid in deleted}
        if kept:
            keys = pa.table(
                {
                    "article_id": pa.array(kept, pa.string()),
                    "versions_key": pa.array([w.versions_key for w in writes if w.rows is None], pa.string()),
                }
            )
            with self._registered("_dvk_ids", keys):
                self.con.execute("DELETE FROM layers WHERE article_id IN (SELECT article_id FROM _dvk_ids)")
                # the stored article is the one written (a kept write's article is the stored row):
                # only the run and the versions key change, so its text is not written again
                self.con.execute(
                    "UPDATE articles SET run_id = ?, versions_key = k.versions_key FROM _dvk_ids k"
                    " WHERE articles.article_id = k.article_id",
                    [run_id],
                )
                for table in RECORD_TABLES:  # the rows stay; the run logs them as its own
                    where = "WHERE article_id IN (SELECT article_id FROM _dvk_ids)"
                    self.con.execute(f"UPDATE {table} SET run_id = ? {where}", [run_id])
                    self.con.execute(f"INSERT INTO {table}_history BY NAME SELECT * FROM {table} {where}")
        self._insert(
            "articles", [article_row(w.article, run_id, w.versions_key) for w in writes if w.rows is not None]
        )
        for table in (*RECORD_TABLES, "sentences"):
            rows = [row for w in writes if w.rows is not None for row in w.rows[table]]
            self._insert(table, rows)
            if table != "sentences":
                self._insert(f"{table}_history", rows, like=table)
        self._insert(
            "article_writes",
            [(run_id, aid, deleted_docs[aid], None, None, True) for aid in deleted_docs]
            + [(run_id, w.article.article_id, w.article.doc, w.article.content_hash, w.versions_key, False)
               for w in writes],
        )  # fmt: skip
        self._insert("layers", [(w.article.article_id, w.layers) for w in writes if w.layers is not None])
        token_rows = {
            (w.article.content_hash, w.tokens.tokenizer_key): (list(w.tokens.starts), list(w.tokens.ends))
            for w in writes
            if w.tokens is not None
        }
        if token_rows:
            with self._registered("_dvk_rows", arrow_rows(
                "token_cache", [(h, k, s, e) for (h, k), (s, e) in token_rows.items()]
            )):  # fmt: skip
                self.con.execute("INSERT INTO token_cache SELECT * FROM _dvk_rows ON CONFLICT DO NOTHING")
        return [bool(ids) for ids in old]

    def _earlier_ids(self, writes: Sequence[ArticleWrite]) -> list[list[str]]:
        """For each write, the stored articles it replaces: same id, or no URL and the same source."""
        keys = pa.table(
            {
                "pos": pa.array(range(len(writes)), pa.int32()),
                "article_id": pa.array([w.article.article_id for w in writes], pa.string()),
                "source": pa.array([w.article.source for w in writes], pa.string()),
            }
        )
        with self._registered("_dvk_keys", keys):
            rows = self.con.execute(
                "SELECT k.pos, a.article_id FROM _dvk_keys k JOIN articles a ON a.article_id = k.article_id"
                " UNION SELECT k.pos, a.article_id FROM _dvk_keys k"
                " JOIN articles a ON a.source = k.source AND a.url IS NULL"
                " ORDER BY 1, 2"
            ).fetchall()
        old: list[list[str]] = [[] for _ in writes]
        for pos, aid in rows:
            old[pos].append(aid)
        return old

    def _forget_writes_of_run(self, run_id: str, article_ids: Sequence[str]) -> None:
        """Drop what ``run_id`` logged earlier for these articles (a run logs its last write of each)."""
        with self._registered("_dvk_ids", _id_table(article_ids)):
            again = self.con.execute(
                "SELECT article_id FROM article_writes WHERE run_id = ?"
                " AND article_id IN (SELECT article_id FROM _dvk_ids)",
                [run_id],
            ).fetchall()
        if not again:
            return
        with self._registered("_dvk_ids", _id_table([r[0] for r in again])):
            for table in ("article_writes", *(f"{t}_history" for t in RECORD_TABLES)):
                self.con.execute(
                    f"DELETE FROM {table} WHERE run_id = ? AND article_id IN (SELECT article_id FROM _dvk_ids)",
                    [run_id],
                )

    def _insert(self, table: str, rows: Sequence[tuple], like: str | None = None) -> None:
        """Insert rows (in the columns of ``like`` or ``table``) with one statement, through Arrow."""
        if not rows:
            return
        with self._registered("_dvk_rows", arrow_rows(like or table, rows)):
            self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _dvk_rows")

    @contextmanager
    def _registered(self, name: str, table: pa.Table) -> Iterator[None]:
        self.con.register(name, table)
        try:
            yield
        finally:
            with suppress(duckdb.Error):  # in an aborted transaction; the rollback drops it anyway
                self.con.unregister(name)

    def _history_doc(self, article_id: str) -> str:
        row = self._one(
            "SELECT doc FROM article_writes WHERE article_id = ? AND doc IS NOT NULL LIMIT 1", [article_id]
        )
        return row[0] if row else article_id

    def is_empty(self, table: str) -> bool:
        """Whether ``table`` (one of dvk's) has no row."""
        if table not in (*TABLES, "token_cache"):
            raise ValueError(f"unknown table {table!r}")
        return self._one(f"SELECT 1 FROM {table} LIMIT 1", []) is None

    def article_state(self, article_id: str) -> tuple[str, str, str, str | None] | None:
        """(content hash, versions key, source, url) of a stored article, or None."""
        return self._one(  # type: ignore[return-value]
            "SELECT content_hash, versions_key, source, url FROM articles WHERE article_id = ?", [article_id]
        )

    # -- token cache ----------------------------------------------------------
    def cached_tokens(self, content_hash: str, tokenizer_key: str) -> CachedTokens | None:
        """The tokens cached for this cleaned text and tokenizer, or None."""
        row = self._one(
            "SELECT starts, ends FROM token_cache WHERE content_hash = ? AND tokenizer_key = ?",
            [content_hash, tokenizer_key],
        )
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

    def prune_token_cache(self) -> int:
        """Drop the cached tokens of texts no article has any more (an edited input replaced its
        earlier version, a page changed); returns how many entries went."""
        with self._transaction():
            (n,) = self.con.execute(
                "DELETE FROM token_cache WHERE content_hash NOT IN (SELECT content_hash FROM articles)"
            ).fetchone()
        return int(n)

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
        if self.articles_written >= RELEASE_AFTER:  # what a short run left in memory is not worth ~0.1 s
            self.release_memory()
        return [self._copy_within_memory(t, folder / f"{t}.parquet") for t in TABLES]

    def release_memory(self) -> None:
        """A writer: checkpoint, then close and reopen its DuckDB connection, which gives back what
        writing left in memory (cached table blocks, index nodes, allocator arenas: they grow with
        the run, and the export's sorts would come on top of them; docs/benchmarks.md).  A reader
        is left alone.  Raises :class:`DatasetLockedError` if another process took the dataset in
        the instant it was closed."""
        if self.read_only:
            return
        self.con.execute("CHECKPOINT")
        self.con.close()
        db = dataset_path(self.directory)
        try:
            self.con = duckdb.connect(str(db), config=_duckdb_config(False))
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise DatasetLockedError(f"{db} is in use by another process") from exc
            raise

    def _copy_within_memory(self, table: str, path: Path) -> Path:
        """``copy_table`` under the writer's memory cap; if the sort needs more, once more with
        DuckDB's default limit (then the cap again)."""
        try:
            return self.copy_table(table, path, PARQUET_OPTIONS)
        except duckdb.OutOfMemoryException:
            self.con.execute("RESET memory_limit")
            try:
                return self.copy_table(table, path, PARQUET_OPTIONS)
            finally:
                if not self.read_only:
                    self.con.execute(f"SET memory_limit = '{_write_memory()}'")

    def copy_table(self, table: str, path: Path, options: str) -> Path:
        """Write one table, in its :data:`TABLE_ORDER`, with DuckDB ``COPY``; atomic by rename."""
        tmp = path.with_name(f".{path.name}.tmp")
        self.con.execute(
            f"COPY (SELECT * FROM {table} ORDER BY {TABLE_ORDER[table]}) TO '{_sql_str(tmp)}' ({options})"
        )
        os.replace(tmp, path)
        return path


#: How every table is written to Parquet.  Row groups of 16,384 rows (DuckDB's default: 122,880)
#: bound what the writer holds in memory before it can write a row group out, which a memory cap
#: cannot evict: the export of a large dataset fits in the writer's cap (docs/benchmarks.md).
PARQUET_OPTIONS = "FORMAT parquet, ROW_GROUP_SIZE 16384"


#: A batch is committed once it holds this many articles ... (a statement per table and batch:
#: 256 articles halve what storing costs per article against 64; docs/benchmarks.md)
BATCH_ARTICLES = 256
#: ... or once its first article has waited this many seconds, whichever comes first (a commit
#: costs tens of milliseconds whatever its size: at 2 s, whole articles came ~35 to a batch).
BATCH_SECONDS = 10.0


class BatchWriter:
    """Stores a run's articles several per transaction: a batch of :data:`BATCH_ARTICLES`
    articles, or what came within :data:`BATCH_SECONDS`, whichever is reached first.

    A write is only buffered by :meth:`add`; it is stored when its batch is committed
    (:meth:`flush`), and ``on_commit(article, replaced)`` is called then, in input order.  A
    killed process thus loses the uncommitted batch, never part of an article: the dataset
    holds whole articles only, and a resumed run redoes the lost ones (they are not current),
    so every article is still stored exactly once.  If a batch cannot be stored (one bad
    article), its articles are stored one per transaction instead, and each one that still
    fails goes to ``on_fail(article, exc)``.

    :meth:`has_current` and :meth:`cached_tokens` see the buffered writes as if they were
    stored, so a run behaves exactly as with one transaction per article.
    """

    def __init__(
        self,
        store: Store,
        run_id: str,
        *,
        on_commit: Callable[[Article, bool], object] | None = None,
        on_fail: Callable[[Article, Exception], object] | None = None,
        max_articles: int | None = None,
        max_seconds: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.run_id = run_id
        self.on_commit = on_commit
        self.on_fail = on_fail
        self.max_articles = max_articles or BATCH_ARTICLES
        self.max_seconds = BATCH_SECONDS if max_seconds is None else max_seconds
        self._clock = clock
        self._pending: list[ArticleWrite] = []
        self._by_id: dict[str, ArticleWrite] = {}
        self._sources: set[str] = set()
        self._tokens: dict[tuple[str, str], CachedTokens] = {}
        self._since = 0.0
        # On a dataset that was empty when the writer started, what it committed itself is all
        # there is: a filter of those keys answers "not stored" without a query (most lookups).
        self._articles_seen = _SeenFilter() if store.is_empty("articles") else None
        self._tokens_seen = _SeenFilter() if store.is_empty("token_cache") else None

    def __len__(self) -> int:
        """The number of buffered (not yet committed) articles."""
        return len(self._pending)

    def add(
        self, article: Article, extraction: Extraction, versions_key: str, tokens: CachedTokens | None = None
    ) -> None:
        """Buffer one article's write; commit the batch when it is full or old enough.

        Raises ``ValueError`` (nothing buffered) for a record field without a column.
        """
        self._buffer(article_write(article, extraction, self.run_id, versions_key, tokens))

    def add_write(self, write: ArticleWrite) -> None:
        """Buffer a write made elsewhere (a Dask worker's, loaded from its Parquet partition:
        :mod:`pipeline.spool`) for this run."""
        if write.run_id != self.run_id:
            raise ValueError(f"{write.article.doc}: a write of run {write.run_id}, not of {self.run_id}")
        self._buffer(write)

    def keep_rows(
        self, article: Article, versions_key: str, layers: bytes | None, tokens: CachedTokens | None = None
    ) -> None:
        """Buffer a write of a stored article that keeps its rows (:func:`kept_write`)."""
        self._buffer(kept_write(article, self.run_id, versions_key, layers, tokens))

    def _buffer(self, write: ArticleWrite) -> None:
        article, tokens = write.article, write.tokens
        if not self._pending:
            self._since = self._clock()
        self._pending.append(write)
        self._by_id[article.article_id] = write
        self._sources.add(article.source)
        if tokens is not None:
            self._tokens[(article.content_hash, tokens.tokenizer_key)] = tokens
        if len(self._pending) >= self.max_articles or self._clock() - self._since >= self.max_seconds:
            self.flush()

    def flush(self) -> None:
        """Commit the buffered writes (one transaction; one per article if that fails)."""
        writes = self._pending
        if not writes:
            return
        try:
            replaced = self.store.write_batch(writes)
        except Exception:  # noqa: BLE001 - find the article at fault: store them one by one
            self._clear()
            for w in writes:
                try:
                    (one,) = self.store.write_batch([w])
                except Exception as exc:  # noqa: BLE001 - per-article isolation
                    if self.on_fail is None:
                        raise
                    self.on_fail(w.article, exc)
                else:
                    self._committed(w, one)
            return
        self._clear()
        for w, r in zip(writes, replaced, strict=True):
            self._committed(w, r)

    def _committed(self, write: ArticleWrite, replaced: bool) -> None:
        if self._articles_seen is not None:
            self._articles_seen.add(write.article.article_id)
        if self._tokens_seen is not None and write.tokens is not None:
            self._tokens_seen.add(f"{write.article.content_hash}\x00{write.tokens.tokenizer_key}")
        if self.on_commit is not None:
            self.on_commit(write.article, replaced)

    def _clear(self) -> None:
        self._pending, self._by_id, self._sources, self._tokens = [], {}, set(), {}

    def has_current(self, article_id: str, content_hash: str, versions_key: str) -> bool:
        """:meth:`Store.has_current`, counting the buffered writes as stored."""
        write = self._by_id.get(article_id)
        if write is not None:
            return write.article.content_hash == content_hash and write.versions_key == versions_key
        if self._articles_seen is not None and article_id not in self._articles_seen:
            return False
        state = self.store.article_state(article_id)
        if state is None:
            return False
        stored_hash, stored_key, source, url = state
        if url is None and source in self._sources:  # a buffered new version of its input replaces it
            return False
        return stored_hash == content_hash and stored_key == versions_key

    def pending_tokens(self, content_hash: str, tokenizer_key: str) -> CachedTokens | None:
        """Tokens of a buffered write, not yet in the cache table."""
        return self._tokens.get((content_hash, tokenizer_key))

    def cached_tokens(self, content_hash: str, tokenizer_key: str) -> CachedTokens | None:
        """:meth:`Store.cached_tokens`, counting the buffered writes' tokens as cached."""
        pending = self.pending_tokens(content_hash, tokenizer_key)
        if pending is not None:
            return pending
        if self._tokens_seen is not None and f"{content_hash}\x00{tokenizer_key}" not in self._tokens_seen:
            return None
        return self.store.cached_tokens(content_hash, tokenizer_key)


class _SeenFilter:
    """A fixed-size set of strings that may answer "maybe" but never misses one it was given
    (a one-hash Bloom filter: 2**23 bits, 1 MiB, however many keys; "maybe" costs a query)."""

    _BITS = 1 << 23

    def __init__(self) -> None:
        self._bits = bytearray(self._BITS // 8)

    def add(self, key: str) -> None:
        h = hash(key) & (self._BITS - 1)
        self._bits[h >> 3] |= 1 << (h & 7)

    def __contains__(self, key: str) -> bool:
        h = hash(key) & (self._BITS - 1)
        return bool(self._bits[h >> 3] & (1 << (h & 7)))


#: Articles a Store must have written before its export gives back DuckDB's memory first
#: (:meth:`Store.release_memory`): below that, what writing left cached is a few MB.
RELEASE_AFTER = 1000

#: DuckDB's memory while a writer stores articles: it keeps every block it wrote cached up to its
#: limit, 80% of the machine's memory by default, so a long run grows by a few kB an article;
#: capped, it evicts them (measured in docs/benchmarks.md).  The Parquet export runs under the same
#: cap, after :meth:`Store.release_memory`, in row groups of :data:`PARQUET_OPTIONS`; a table whose
#: export still runs out of memory is redone with DuckDB's default limit.
WRITE_MEMORY = "64MB"


def _write_memory() -> str:
    """The writer's DuckDB memory cap: ``DVK_DUCKDB_MEMORY`` (e.g. ``512MB``), else :data:`WRITE_MEMORY`."""
    return os.environ.get("DVK_DUCKDB_MEMORY") or WRITE_MEMORY


def _duckdb_config(read_only: bool) -> dict[str, str]:
    """DuckDB settings of a connection: a writer's memory is capped, a reader keeps DuckDB's default."""
    return {} if read_only else {"memory_limit": _write_memory()}


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
        con = duckdb.connect(str(db), read_only=read_only, config=_duckdb_config(read_only))
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
        try:
            migrations.create_latest(con, SCHEMA_SQL)
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
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
