"""``dvk query``: read-only SQL on a dataset, printed as a table, CSV or JSON, or written to a file.

Two guards keep the dataset unchanged.  The statement is checked before it runs against an
allow-list (:func:`check_read_only`): DuckDB's own parser splits and classifies the text, and
only one statement that reads is accepted — ``SELECT`` in all its forms (``WITH``, ``FROM``
first, ``VALUES``, ``TABLE``, ``DESCRIBE``, ``SHOW``, ``SUMMARIZE``), ``EXPLAIN`` of such a
statement, and the ``PRAGMA``\\ s that only describe (``table_info``, ``show_tables``...).
Everything else — INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, ATTACH, DETACH, COPY, EXPORT,
IMPORT, INSTALL, LOAD, SET, CALL, CHECKPOINT, VACUUM, transactions, writing pragmas — is
refused with :class:`ReadOnlyQueryError` (exit code 2).  Then the database is opened with
``read_only=True`` and file access from SQL disabled, so even a statement the check missed
cannot write or read other files.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.errors import BadOptionError, DvkUsageError

FORMATS = ("table", "csv", "json")
FILE_FORMATS = {".csv": "csv", ".json": "json", ".parquet": "parquet"}

#: PRAGMAs that only describe the database.
READ_PRAGMAS = frozenset(
    {"table_info", "show", "show_tables", "show_tables_expanded", "database_size", "database_list",
     "storage_info", "version", "platform", "show_databases", "functions", "collations"}
)  # fmt: skip

_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)
_EXPLAIN = re.compile(r"^\s*explain\s+(?:analy[sz]e\s+)?", re.I)
_PRAGMA_NAME = re.compile(r"^\s*pragma\s+([A-Za-z_][A-Za-z0-9_]*)", re.I)


class ReadOnlyQueryError(DvkUsageError):
    """A statement that may write (or is not one statement): refused before it runs."""

    code = "E105"


def _strip_comments(sql: str) -> str:
    return _COMMENTS.sub(" ", sql)


def _statements(sql: str) -> list[tuple[str, str]]:
    """(type name, text) of each statement, by DuckDB's parser; usage error on a syntax error."""
    parser = duckdb.connect(":memory:")
    try:
        found = parser.extract_statements(sql)
    except duckdb.Error as exc:
        raise DvkUsageError(f"cannot parse the SQL: {exc}") from exc
    finally:
        parser.close()
    return [(s.type.name, s.query) for s in found]


def _refusal(kind: str) -> ReadOnlyQueryError:
    return ReadOnlyQueryError(
        f"dvk query is read-only: {kind} statements are refused "
        "(allowed: SELECT, WITH, FROM, VALUES, TABLE, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN, "
        "PRAGMA table_info and other describing pragmas); the dataset was not touched"
    )


def _check_one(kind: str, text: str) -> None:
    if kind == "SELECT":
        return
    if kind == "EXPLAIN":
        inner = _EXPLAIN.sub("", _strip_comments(text), count=1)
        inner_statements = _statements(inner)
        if len(inner_statements) != 1:
            raise _refusal("EXPLAIN of more than one")
        _check_one(*inner_statements[0])
        return
    if kind == "PRAGMA":
        m = _PRAGMA_NAME.match(_strip_comments(text))
        name = m.group(1).lower() if m else "?"
        if name in READ_PRAGMAS:
            return
        raise _refusal(f"PRAGMA {name}")
    raise _refusal(kind)


def check_read_only(sql: str) -> str:
    """The one read-only statement of ``sql``; raises :class:`ReadOnlyQueryError` for anything else."""
    statements = _statements(sql)
    if not statements:
        raise ReadOnlyQueryError("no SQL statement given")
    for kind, text in statements:  # refuse a write anywhere before complaining about the count
        _check_one(kind, text)
    if len(statements) > 1:
        raise ReadOnlyQueryError(f"one statement at a time, please ({len(statements)} given)")
    return statements[0][1]


def run_checked(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    """Check ``sql`` with :func:`check_read_only`, then run it on ``con`` into a DataFrame."""
    statement = check_read_only(sql)
    try:
        return con.execute(statement).df()
    except duckdb.Error as exc:
        raise DvkUsageError(f"the query failed: {exc}") from exc


def run_query(dataset: Path, sql: str) -> pd.DataFrame:
    """Run one read-only statement on the dataset in ``dataset`` (checked before the file is opened)."""
    from pipeline.dataset import connect_read_only

    check_read_only(sql)
    con = connect_read_only(dataset, sandbox=True)
    try:
        return run_checked(con, sql)
    finally:
        con.close()


def output_format(fmt: str | None, out: Path | None) -> str:
    """The format to write: from ``--format`` for stdout, from the extension of ``--out`` for a file."""
    if fmt is not None and fmt not in FORMATS:
        raise BadOptionError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    if out is None:
        return fmt or "table"
    by_ext = FILE_FORMATS.get(out.suffix.lower())
    if by_ext is None:
        raise BadOptionError(f"--out {out}: the extension must be one of {', '.join(FILE_FORMATS)}")
    if fmt is not None and fmt != by_ext:
        raise BadOptionError(f"--format {fmt} does not match the extension of --out {out}")
    return by_ext


def to_csv(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def to_json(df: pd.DataFrame) -> str:
    """A JSON array of row objects (UTF-8 text, not ASCII-escaped; nulls as null)."""
    return df.to_json(orient="records", force_ascii=False, date_format="iso", indent=1) + "\n"


def write_result(df: pd.DataFrame, fmt: str, out: Path) -> Path:
    """Write ``df`` to ``out`` as csv, json or parquet."""
    if out.is_dir():
        raise DvkUsageError(f"--out {out} is a folder, not a file")
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        df.to_parquet(out, index=False)
    else:
        out.write_text(to_csv(df) if fmt == "csv" else to_json(df), encoding="utf-8")
    return out


def rich_table(df: pd.DataFrame, title: str | None = None, columns: Sequence[str] | None = None):
    """A rich Table of ``df`` (nulls shown empty, numbers right-aligned)."""
    from rich.table import Table

    columns = list(columns or df.columns)
    table = Table(title=title, show_lines=False, title_justify="left")
    for col in columns:
        numeric = pd.api.types.is_numeric_dtype(df[col]) and not pd.api.types.is_bool_dtype(df[col])
        table.add_column(str(col), justify="right" if numeric else "left", overflow="fold")
    for row in df[columns].itertuples(index=False):
        table.add_row(*(_cell(v) for v in row))
    return table


def _cell(value: object) -> str:
    if value is None:
        return ""
    missing = pd.isna(value)
    if not hasattr(missing, "__len__") and bool(missing):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
