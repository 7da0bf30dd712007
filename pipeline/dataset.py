"""Read-only access to a dataset for analysts: pandas DataFrames and guarded SQL.

``open_dataset(DIR)`` opens ``DIR/dvk.duckdb`` read-only (DuckDB ``read_only=True``) and returns a :class:`Dataset` whose attributes are the tables as
pandas DataFrames (``ds.stats``, ``ds.models``, ``ds.units``, ``ds.articles``, ``ds.runs``,
``ds.failures``, ``ds.meta``), plus the analysts' views that the notebooks, ``dvk stats`` and
the SQLite export share:

- ``ds.stats_view``: every statistic with its article's ``doc``, ``title``, ``published``,
  ``published_year``, the ``year`` of its period (when the period lies within one calendar
  year: ``2024``, ``2024-Q3``, ``2024-H1``; else null) and ``sentence_text``, the sentence
  of the article the figure was read from;
- ``ds.models_view`` and ``ds.units_view``: the same for named models and units (their
  ``year`` is the article's publication year: models and units carry no period).

``ds.query(sql)`` runs one read-only statement (see :mod:`pipeline.query`) into a DataFrame.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.errors import NoDatasetError
from pipeline.storage import TABLE_ORDER, TABLES, dataset_path

#: A period that lies within one calendar year: a year, a half or a quarter.
_ONE_YEAR = re.compile(r"^(\d{4})(?:-(?:H[12]|Q[1-4]))?$")
_YEAR = re.compile(r"^(\d{4})")


def period_year(period: object) -> int | None:
    """The calendar year of a period within one year (``2024``, ``2024-Q3``); None for ranges or nulls."""
    if not isinstance(period, str):
        return None
    m = _ONE_YEAR.match(period.strip())
    return int(m.group(1)) if m else None


def published_year(published: object) -> int | None:
    """The year of an ISO publication date (``2024-03-15``, ``2024``); None when absent."""
    if not isinstance(published, str):
        return None
    m = _YEAR.match(published.strip())
    return int(m.group(1)) if m else None


def fold(text: object) -> str:
    """Lower-case ``text`` without diacritics, đ as d: ``Điện Biên`` -> ``dien bien`` (search keys)."""
    if not isinstance(text, str):
        return ""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def sentence_texts(text: str, starts: Iterable[object]) -> list[str]:
    """The sentence of ``text`` (whitespace collapsed) that holds each start offset; '' when unknown."""
    from extractors.model_names import sentence_spans  # light module; imported on use

    spans = sentence_spans(text)
    out = []
    for start in starts:
        found = ""
        if isinstance(start, int | float) and not pd.isna(start):
            pos = int(start)
            found = next((" ".join(text[s:e].split()) for s, e in spans if s <= pos < e), "")
        out.append(found)
    return out


def _with_sentences(records: pd.DataFrame, articles: pd.DataFrame) -> pd.Series:
    texts = dict(zip(articles["article_id"], articles["text"], strict=True))
    result = pd.Series("", index=records.index, dtype=object)
    for article_id, group in records.groupby("article_id", sort=False):
        result.loc[group.index] = sentence_texts(texts.get(article_id, ""), group["start"].tolist())
    return result


def _nullable_years(values: Iterable[int | None]) -> pd.Series:
    return pd.Series(list(values), dtype="Int64")


def enrich(table: str, records: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """A record table joined to its article: doc, title, published, years and sentence text."""
    meta = articles[["article_id", "doc", "title", "published"]]
    out = records.merge(meta, on="article_id", how="left", validate="many_to_one")
    out["published_year"] = _nullable_years(published_year(p) for p in out["published"])
    if table == "stats":
        out["year"] = _nullable_years(period_year(p) for p in out["period"])
    else:
        out["year"] = out["published_year"]
    out["sentence_text"] = _with_sentences(out, articles)
    return out


@dataclass
class Dataset:
    """A dataset opened read-only; tables and views are DataFrames read on first use."""

    directory: Path
    con: duckdb.DuckDBPyConnection = field(repr=False)

    # -- tables ---------------------------------------------------------------------------
    def table(self, name: str) -> pd.DataFrame:
        """One stored table in its deterministic row order."""
        if name not in (*TABLES, "meta"):
            raise KeyError(f"no table {name!r}; tables: {', '.join((*TABLES, 'meta'))}")
        order = TABLE_ORDER.get(name, "key")
        return self.con.execute(f"SELECT * FROM {name} ORDER BY {order}").df()

    @cached_property
    def articles(self) -> pd.DataFrame:
        return self.table("articles")

    @cached_property
    def stats(self) -> pd.DataFrame:
        return self.table("stats")

    @cached_property
    def models(self) -> pd.DataFrame:
        return self.table("models")

    @cached_property
    def units(self) -> pd.DataFrame:
        return self.table("units")

    @cached_property
    def runs(self) -> pd.DataFrame:
        return self.table("runs")

    @cached_property
    def failures(self) -> pd.DataFrame:
        return self.table("failures")

    @cached_property
    def meta(self) -> pd.DataFrame:
        return self.table("meta")

    # -- views ----------------------------------------------------------------------------
    @cached_property
    def stats_view(self) -> pd.DataFrame:
        return enrich("stats", self.stats, self.articles)

    @cached_property
    def models_view(self) -> pd.DataFrame:
        return enrich("models", self.models, self.articles)

    @cached_property
    def units_view(self) -> pd.DataFrame:
        return enrich("units", self.units, self.articles)

    # -- SQL --------------------------------------------------------------------------------
    def query(self, sql: str) -> pd.DataFrame:
        """Run one read-only SQL statement; raises :class:`pipeline.query.ReadOnlyQueryError` otherwise."""
        from pipeline.query import run_checked

        return run_checked(self.con, sql)

    # -- life cycle -----------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Dataset:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect_read_only(directory: Path, sandbox: bool = False) -> duckdb.DuckDBPyConnection:
    """A read-only DuckDB connection to the dataset in ``directory``.

    ``sandbox`` also turns off file access from SQL (``dvk query``).  DuckDB refuses a second
    connection to the same file with another configuration in one process, so the analysts'
    :func:`open_dataset` keeps the default one, as ``duckdb.connect(path, read_only=True)`` does.
    """
    path = dataset_path(Path(directory))
    if not path.is_file():
        raise NoDatasetError(f"{directory} holds no dvk dataset (no {path.name})")
    config = {"enable_external_access": False} if sandbox else {}
    return duckdb.connect(str(path), read_only=True, config=config)


def open_dataset(directory: str | Path) -> Dataset:
    """Open the dataset written by ``dvk run`` in ``directory``, read-only."""
    return Dataset(Path(directory), connect_read_only(Path(directory)))
