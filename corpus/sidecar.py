"""Metadata sidecars: an ``index.tsv`` (or ``.csv``) beside a folder of article files.

Corpora of saved articles often come with a table giving each file's URL, date and
province. The table is not an article (``dvk run`` skips and counts it), but its rows
fill in what the text may not say: ``url`` (the article's id then comes from it),
``date``/``published`` (anchors "năm qua"), and ``province`` (a hint used only when
the article itself names no province); a ``title`` column is read but the article's
own headline is kept. The header must have a ``file``
(or ``filename``/``doc``) column; other columns are optional; unknown ones are ignored.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SIDECAR_NAMES = ("index.tsv", "index.csv", "metadata.tsv", "metadata.csv")
_FILE_KEYS = ("file", "filename", "doc")


@dataclass(frozen=True, slots=True)
class FileMeta:
    url: str | None = None
    published: str | None = None
    title: str | None = None
    province: str | None = None


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


@cache
def _read_sidecar(path: Path, mtime: float) -> dict[str, FileMeta]:
    del mtime  # part of the cache key: an edited sidecar is read again
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    dialect = "excel-tab" if path.suffix.lower() == ".tsv" else "excel"
    rows = csv.DictReader(text.splitlines(), dialect=dialect)
    fields = {(f or "").strip().lower(): f for f in rows.fieldnames or []}
    key = next((fields[k] for k in _FILE_KEYS if k in fields), None)
    if key is None:
        return {}
    out: dict[str, FileMeta] = {}
    for row in rows:
        name = _clean(row.get(key))
        if not name:
            continue

        def col(*names: str, row: dict = row) -> str | None:
            return next((_clean(row.get(fields[n])) for n in names if n in fields), None)

        out[Path(name).name] = FileMeta(
            url=col("url"), published=col("published", "date"), title=col("title"), province=col("province")
        )
    return out


def metadata_for(path: Path) -> FileMeta | None:
    """The sidecar row for an article file, if a sidecar beside it names it."""
    for name in SIDECAR_NAMES:
        side = path.parent / name
        if side.is_file():
            meta = _read_sidecar(side, side.stat().st_mtime).get(path.name)
            if meta is not None:
                return meta
    return None
