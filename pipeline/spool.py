"""Parquet partitions: what a Dask worker made of one partition, written where the writer loads it.

A run (or rerun) on a Dask cluster does not send its records back through the cluster: each
worker writes the outcomes of its partition as a folder of Parquet files in the run's spool
folder (by default ``DIR/spool/<run id>/``, which the workers must see at the same path, as
they see the input files) and returns only the folder's path.  The writer loads the folder,
commits its articles through the run's :class:`pipeline.storage.BatchWriter` in the
partition's order (the same transactions, history and checks as any write), and deletes it.

A partition folder holds ``outcomes.parquet`` (one row an input: its position, what became of
it, the reason it failed, its tokens to cache and its layers), ``articles.parquet`` (the
``articles`` row of each input that got that far) and one file per record table (``stats``,
``models``, ``units``, ``sentences``: the rows as they will be stored, with the input's
position).  It is written under a temporary name and renamed when complete, so a folder the
writer finds is whole; the spool of a run that was killed is removed by the next run.
"""

from __future__ import annotations

import os
import shutil
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.records import Article
from pipeline.errors import DvkUsageError
from pipeline.outcome import Outcome
from pipeline.storage import ArticleWrite, CachedTokens, arrow_rows, article_row, table_columns

SPOOL_DIR = "spool"


class SpoolError(DvkUsageError):
    """The spool folder cannot be made (``--spool`` names a place this process cannot write)."""

    code = "E106"


#: The tables whose rows a partition carries (``articles`` first: each input's article).
TABLES = ("articles", "stats", "models", "units", "sentences")

_OUTCOMES = pa.schema(
    [
        ("pos", pa.int32()),
        ("kind", pa.string()),
        ("source", pa.string()),
        ("doc", pa.string()),
        ("reason", pa.string()),
        ("has_write", pa.bool_()),
        ("keep", pa.bool_()),  # a write that keeps the stored rows (a rerun's kept write)
        ("tokenizer_key", pa.string()),
        ("starts", pa.list_(pa.int32())),
        ("ends", pa.list_(pa.int32())),
        ("layers", pa.binary()),
    ]
)


def run_spool(base: Path, run_id: str) -> Path:
    """The spool folder of one run (under ``base``: the dataset folder, or ``--spool``)."""
    return Path(base).resolve() / SPOOL_DIR / run_id


def clear_spool(spool: Path, earlier_runs: Iterable[str]) -> None:
    """Remove what earlier runs of the dataset left beside ``spool`` (a run's folder): the
    partitions of a killed run.  Other datasets' runs sharing the folder are left alone."""
    for run_id in earlier_runs:
        if run_id != spool.name:
            shutil.rmtree(spool.parent / run_id, ignore_errors=True)


@contextmanager
def spooling(spool: Path, earlier_runs: Iterable[str]) -> Iterator[Path]:
    """A run's spool folder, new (after :func:`clear_spool`), removed at the end with the spool
    folder itself when nothing else is in it."""
    clear_spool(spool, earlier_runs)
    try:
        spool.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SpoolError(f"cannot make the spool folder {spool}: {exc.strerror or exc}") from exc
    try:
        yield spool
    finally:
        shutil.rmtree(spool, ignore_errors=True)
        with suppress(OSError):
            spool.parent.rmdir()


def write_partition(folder: Path, items: list[Outcome]) -> Path:
    """Write ``items`` as a new partition folder inside ``folder``; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    name = f"part-{os.urandom(8).hex()}"
    tmp = folder / f".{name}.tmp"
    tmp.mkdir()
    rows: dict[str, list[tuple]] = {t: [] for t in TABLES}
    where: dict[str, list[int]] = {t: [] for t in TABLES}
    outcomes = []
    for pos, item in enumerate(items):
        w, article = item.write, item.article
        tokens = w.tokens if w is not None else None
        outcomes.append(
            {
                "pos": pos, "kind": item.kind, "source": item.source, "doc": item.doc,
                "reason": item.reason, "has_write": w is not None, "keep": w is not None and w.rows is None,
                "tokenizer_key": tokens.tokenizer_key if tokens else None,
                "starts": list(tokens.starts) if tokens else None,
                "ends": list(tokens.ends) if tokens else None,
                "layers": w.layers if w is not None else None,
            }
        )  # fmt: skip
        if article is not None:
            run_id, vkey = (w.run_id, w.versions_key) if w is not None else ("", "")
            rows["articles"].append(article_row(article, run_id, vkey))
            where["articles"].append(pos)
        if w is not None and w.rows is not None:
            for table in TABLES[1:]:
                rows[table].extend(w.rows[table])
                where[table].extend([pos] * len(w.rows[table]))
    pq.write_table(pa.Table.from_pylist(outcomes, schema=_OUTCOMES), tmp / "outcomes.parquet")
    for table in TABLES:
        data = arrow_rows(table, rows[table]).append_column("pos", pa.array(where[table], pa.int32()))
        pq.write_table(data, tmp / f"{table}.parquet")
    path = folder / name
    os.replace(tmp, path)
    return path


def read_partition(path: Path) -> list[Outcome]:
    """The items of a partition folder (:func:`write_partition`), in their order."""
    by_table: dict[str, dict[int, list[tuple]]] = {}
    for table in TABLES:
        data = pq.read_table(path / f"{table}.parquet")
        columns = [data.column(c).to_pylist() for c in table_columns(table)]
        grouped: dict[int, list[tuple]] = defaultdict(list)
        for pos, row in zip(data.column("pos").to_pylist(), zip(*columns, strict=True), strict=True):
            grouped[pos].append(row)
        by_table[table] = grouped
    items = []
    for o in pq.read_table(path / "outcomes.parquet").to_pylist():
        pos = o["pos"]
        stored = by_table["articles"].get(pos)
        article, run_id, vkey = _article(stored[0]) if stored else (None, "", "")
        write = None
        if o["has_write"] and article is not None:
            tokens = None
            if o["tokenizer_key"] is not None:
                tokens = CachedTokens(o["tokenizer_key"], tuple(o["starts"]), tuple(o["ends"]))
            rows = None if o["keep"] else {t: by_table[t].get(pos, []) for t in TABLES[1:]}
            write = ArticleWrite(article, run_id, vkey, rows, tokens, o["layers"])
        items.append(Outcome(o["kind"], o["source"], o["doc"], o["reason"], article, write=write))
    return items


def load_partition(path: Path) -> list[Outcome]:
    """:func:`read_partition`, then the folder is removed (its items are the writer's now)."""
    items = read_partition(path)
    shutil.rmtree(path, ignore_errors=True)
    return items


def _article(row: tuple) -> tuple[Article, str, str]:
    """The Article of an ``articles`` row, with the row's run id and versions key."""
    from pipeline.rerun import _COLUMNS, stored_article

    v = dict(zip(table_columns("articles"), row, strict=True))
    return stored_article(tuple(v[c] for c in _COLUMNS)), v["run_id"], v["versions_key"]
