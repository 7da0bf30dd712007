"""Exports of a dataset: the per-article JSONL of ``gold/SCHEMA.md``, and CSV tables.

JSONL: one line per stored article (articles with nothing found included),
sorted by ``doc`` (then ``article_id``), with the keys ``doc``, ``article_id``,
``url``, ``title``, ``published``, ``stats``, ``models``, ``units``.  Each
record list is in document order (start offset, then the extractor's index)
and each record has its SCHEMA.md fields in SCHEMA.md order, then its extra
fields and provenance, exactly as the record class's ``as_dict()`` gives them.
No timestamp or run id goes in, so one dataset always exports the same bytes.

CSV: one file per table (``<table>.csv``) in a folder, rows in a fixed order.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import BinaryIO

import duckdb

from extractors.records import ModelRecord, Provenance, StatRecord, UnitRecord
from pipeline.errors import OutputPathError
from pipeline.storage import RECORD_TABLES, TABLES, Store, open_store

RECORD_CLASSES = {"stats": StatRecord, "models": ModelRecord, "units": UnitRecord}
ARTICLE_KEYS = ("doc", "article_id", "url", "title", "published")
_PROV_FIELDS = tuple(f.name for f in fields(Provenance))
_FETCH = 1000


def _rows(cursor: duckdb.DuckDBPyConnection, sql: str) -> Iterator[dict]:
    """Stream the rows of a query as dicts."""
    cursor.execute(sql)
    names = [d[0] for d in cursor.description]
    while batch := cursor.fetchmany(_FETCH):
        for row in batch:
            yield dict(zip(names, row, strict=True))


def row_to_record(table: str, row: dict) -> StatRecord | ModelRecord | UnitRecord:
    """Rebuild the record a stored row came from."""
    cls = RECORD_CLASSES[table]
    own = {f.name: row[f.name] for f in fields(cls) if f.name != "prov"}
    return cls(**own, prov=Provenance(**{name: row[name] for name in _PROV_FIELDS}))


def iter_article_dicts(store: Store) -> Iterator[dict]:
    """The JSONL export's objects, one per article, in export order (streamed)."""
    order = "a.doc, a.article_id"
    articles = _rows(
        store.con.cursor(),
        f"SELECT {', '.join('a.' + k for k in ARTICLE_KEYS)} FROM articles a ORDER BY {order}",
    )
    streams = {
        t: _Peekable(
            _rows(
                store.con.cursor(),
                f"SELECT r.* FROM {t} r JOIN articles a ON a.article_id = r.article_id"
                f" ORDER BY {order}, r.start, r.idx",
            )
        )
        for t in RECORD_TABLES
    }
    for art in articles:
        out: dict = {k: art[k] for k in ARTICLE_KEYS}
        for table, stream in streams.items():
            out[table] = [row_to_record(table, row).as_dict() for row in stream.take_while(art["article_id"])]
        yield out


class _Peekable:
    """Rows of one record table, consumed article by article."""

    def __init__(self, rows: Iterator[dict]) -> None:
        self._rows = rows
        self._next: dict | None = next(rows, None)

    def take_while(self, article_id: str) -> Iterator[dict]:
        while self._next is not None and self._next["article_id"] == article_id:
            row, self._next = self._next, next(self._rows, None)
            yield row


def write_jsonl(store: Store, stream: BinaryIO) -> int:
    """Write the JSONL export to a binary stream (UTF-8, ``\\n`` line ends); return the line count."""
    n = 0
    for obj in iter_article_dicts(store):
        stream.write(json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n")
        n += 1
    stream.flush()
    return n


def export_jsonl(dataset_dir: Path, out: Path | BinaryIO) -> int:
    """Export the dataset in ``dataset_dir`` as JSONL to a file (written atomically) or a binary stream."""
    with open_store(Path(dataset_dir), read_only=True) as store:
        if not isinstance(out, Path):
            return write_jsonl(store, out)
        if out.is_dir():
            raise OutputPathError(f"{out} is a folder; the jsonl export needs a file path")
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.tmp")
        try:
            with tmp.open("wb") as fh:
                n = write_jsonl(store, fh)
            os.replace(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)
        return n


def export_csv(dataset_dir: Path, out_dir: Path) -> list[Path]:
    """Write every table of the dataset as ``<table>.csv`` into ``out_dir``; return the paths."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputPathError(f"{out_dir} is a file; the csv export needs a folder")
    with open_store(Path(dataset_dir), read_only=True) as store:
        out_dir.mkdir(parents=True, exist_ok=True)
        return [store.copy_table(t, out_dir / f"{t}.csv", "FORMAT csv, HEADER") for t in TABLES]
