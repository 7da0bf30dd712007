"""``dvk export --format sqlite``: the dataset as one SQLite file, shaped for Datasette.

The SQLite file holds the stored tables with what a reader of a web page needs beside them:

- ``articles`` (``article_id`` primary key, title, doc, dates, counts of its records, the cleaned
  ``text`` last; the bookkeeping columns stay in DuckDB);
- ``stats``, ``models``, ``units``: an integer ``id``, the ``article_id`` as a foreign key to
  ``articles`` (Datasette renders it as a link to the article, labelled by its title), the
  article's ``doc``, ``year`` (stats: the year of the period when it lies within one calendar
  year; models and units: the article's publication year), and ``sentence_text``, the sentence
  the record was read from;
- ``runs``, ``failures`` as stored;
- full-text indexes (FTS5, ``unicode61 remove_diacritics 2``) ``articles_fts``, ``models_fts``,
  ``stats_fts``, whose rowid is the row's rowid.  SQLite folds most Vietnamese diacritics but
  not đ, so each index holds the original columns *and* folded copies (:func:`pipeline.dataset.fold`:
  NFD, combining marks removed, đ -> d, lower case): ``Dien Bien`` finds ``Điện Biên``;
- ``dvk_meta``: the export's key (``source_key``: a hash of the DuckDB file and of the export
  version), from which :func:`ensure_sqlite` tells whether the file is current.

The file is written under a temporary name and renamed, so a reader never sees half of it.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline import __version__
from pipeline.dataset import Dataset, fold, open_dataset, published_year
from pipeline.errors import OutputPathError
from pipeline.storage import dataset_path

#: Bump when the shape of the SQLite file changes: older files are then rebuilt by ``dvk serve``.
EXPORT_VERSION = "1"
SQLITE_NAME = "dvk.sqlite"

_STATS_COLUMNS = (
    "id", "article_id", "doc", "value", "approx", "ratio_of", "percent", "item", "action", "unit", "province",
    "period", "year", "published_year", "per_year", "level", "domain", "sentence_text", "evidence", "sentence",
    "start", "end", "extractor", "extractor_version", "idx", "run_id",
)  # fmt: skip
_MODELS_COLUMNS = (
    "id", "article_id", "doc", "name", "unit", "province", "domain", "year", "sentence_text", "evidence",
    "sentence", "start", "end", "extractor", "extractor_version", "idx", "run_id",
)  # fmt: skip
_UNITS_COLUMNS = (
    "id", "article_id", "doc", "name", "type", "province", "written", "organisation", "year", "sentence_text",
    "sentence", "start", "end", "extractor", "extractor_version", "idx", "run_id",
)  # fmt: skip
_ARTICLES_COLUMNS = (
    "article_id", "title", "doc", "published", "published_year", "url", "author", "n_stats", "n_models",
    "n_units", "text",
)  # fmt: skip

#: Full-text indexes: (fts table, base table, indexed columns); each gets ``<col>_folded`` too.
FTS_INDEXES = (
    ("articles_fts", "articles", ("title", "text")),
    ("models_fts", "models", ("name", "unit", "sentence_text")),
    ("stats_fts", "stats", ("item", "unit", "sentence_text")),
)


@dataclass(frozen=True, slots=True)
class SqliteExport:
    """Where the SQLite file is and whether this call (re)built it."""

    path: Path
    rebuilt: bool
    source_key: str


def source_key(dataset: Path) -> str:
    """A hash of the dataset's DuckDB file content and of :data:`EXPORT_VERSION`."""
    h = hashlib.sha256(f"dvk-sqlite-export {EXPORT_VERSION}\n".encode())
    with open(dataset_path(dataset), "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def stored_key(path: Path) -> str | None:
    """The ``source_key`` recorded in an SQLite export, or None (no file, not an export)."""
    if not path.is_file():
        return None
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT value FROM dvk_meta WHERE key = 'source_key'").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def _sql_type(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_integer_dtype(series):
        return "INTEGER"
    if pd.api.types.is_float_dtype(series):
        return "REAL"
    return "TEXT"


def _py(value: object) -> object:
    if value is None:
        return None
    missing = pd.isna(value)
    if not hasattr(missing, "__len__") and bool(missing):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat(sep=" ")
    item = getattr(value, "item", None)  # numpy scalars
    return item() if callable(item) else value


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def write_table(
    con: sqlite3.Connection,
    name: str,
    df: pd.DataFrame,
    columns: Sequence[str],
    primary_key: str | None = None,
    article_fk: bool = False,
) -> None:
    """Create table ``name`` with ``columns`` of ``df`` (typed from the dtypes) and insert its rows."""
    defs = []
    for col in columns:
        if col == "id" and primary_key == "id":
            defs.append('"id" INTEGER PRIMARY KEY')
            continue
        sql_type = "INTEGER" if col in ("year", "published_year") else _sql_type(df[col])
        extra = " PRIMARY KEY" if col == primary_key else ""
        if article_fk and col == "article_id":
            extra += " REFERENCES articles(article_id)"
        defs.append(f"{_q(col)} {sql_type}{extra}")
    con.execute(f"CREATE TABLE {_q(name)} ({', '.join(defs)})")
    marks = ", ".join("?" for _ in columns)
    rows = ([_py(v) for v in row] for row in df[list(columns)].itertuples(index=False))
    con.executemany(f"INSERT INTO {_q(name)} VALUES ({marks})", rows)


def write_fts(con: sqlite3.Connection, fts: str, base: str, columns: Sequence[str]) -> None:
    """An FTS5 index over ``columns`` of ``base`` and their folded copies, rowid = the base rowid."""
    all_cols = [*columns, *(f"{c}_folded" for c in columns)]
    con.execute(
        f"CREATE VIRTUAL TABLE {_q(fts)} USING fts5({', '.join(map(_q, all_cols))}, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    select = ", ".join(_q(c) for c in columns)
    rows = con.execute(f"SELECT rowid, {select} FROM {_q(base)}").fetchall()
    marks = ", ".join("?" for _ in range(len(all_cols) + 1))
    con.executemany(
        f"INSERT INTO {_q(fts)} (rowid, {', '.join(map(_q, all_cols))}) VALUES ({marks})",
        ([r[0], *r[1:], *(fold(v) for v in r[1:])] for r in rows),
    )


def _numbered(df: pd.DataFrame) -> pd.DataFrame:
    return df.assign(id=range(1, len(df) + 1))


def _articles_frame(ds: Dataset) -> pd.DataFrame:
    art = ds.articles.copy()
    art["published_year"] = pd.Series([published_year(p) for p in art["published"]], dtype="Int64")
    for table, frame in (("stats", ds.stats), ("models", ds.models), ("units", ds.units)):
        counts = frame.groupby("article_id").size()
        art[f"n_{table}"] = art["article_id"].map(counts).fillna(0).astype(int)
    return art


def build_sqlite(ds: Dataset, out: Path, key: str) -> Path:
    """Write the SQLite export of ``ds`` to ``out`` (temporary file, then rename)."""
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    try:
        con.execute("PRAGMA foreign_keys = ON")
        write_table(con, "articles", _articles_frame(ds), _ARTICLES_COLUMNS, primary_key="article_id")
        write_table(con, "stats", _numbered(ds.stats_view), _STATS_COLUMNS, "id", article_fk=True)
        write_table(con, "models", _numbered(ds.models_view), _MODELS_COLUMNS, "id", article_fk=True)
        write_table(con, "units", _numbered(ds.units_view), _UNITS_COLUMNS, "id", article_fk=True)
        write_table(con, "runs", ds.runs, tuple(ds.runs.columns), primary_key="run_id")
        write_table(con, "failures", ds.failures, tuple(ds.failures.columns))
        for fts, base, columns in FTS_INDEXES:
            write_fts(con, fts, base, columns)
        for table, col in (
            ("stats", "province"),
            ("stats", "year"),
            ("models", "province"),
            ("models", "domain"),
        ):
            con.execute(f"CREATE INDEX {table}_{col} ON {table} ({_q(col)})")
        meta = {"source_key": key, "export_version": EXPORT_VERSION, "dvk_version": __version__}
        meta.update(dict(ds.meta[["key", "value"]].itertuples(index=False)))
        con.execute("CREATE TABLE dvk_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        con.executemany("INSERT INTO dvk_meta VALUES (?, ?)", sorted(meta.items()))
        con.commit()
    finally:
        con.close()
    os.replace(tmp, out)
    return out


def export_sqlite(dataset: Path, out: Path | None = None) -> Path:
    """Write the SQLite export of the dataset in ``dataset`` to ``out`` (default ``DIR/dvk.sqlite``)."""
    return ensure_sqlite(dataset, out, force=True).path


def ensure_sqlite(dataset: Path, out: Path | None = None, force: bool = False) -> SqliteExport:
    """The SQLite export of ``dataset``, rebuilt when missing, stale (the DuckDB file changed) or forced."""
    dataset = Path(dataset)
    out = Path(out) if out is not None else dataset / SQLITE_NAME
    if out.is_dir():
        raise OutputPathError(f"{out} is a folder; --out must name the SQLite file")
    with open_dataset(dataset) as ds:  # NoDatasetError before any hashing
        key = source_key(dataset)
        if not force and stored_key(out) == key:
            return SqliteExport(out, rebuilt=False, source_key=key)
        out.parent.mkdir(parents=True, exist_ok=True)
        build_sqlite(ds, out, key)
    return SqliteExport(out, rebuilt=True, source_key=key)
