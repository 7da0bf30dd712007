"""The dataset's history: the runs it records, and what changed between two of them.

Every article write is logged in ``article_writes`` (run, article, content hash,
versions key, or ``deleted`` when a new version of an input replaced it under
another id) and the rows it wrote are copied to ``stats_history``,
``models_history`` and ``units_history`` (the same columns as the current
tables, ``run_id`` included).  The state of the dataset *after run X* is then:
for each article, its latest write by a run started no later than X (runs are
ordered by start time, then id), with that write's rows; an article whose
latest write is a deletion, or that no such run wrote, is absent.

:func:`diff_runs` compares the states after two runs, table by table.  A row's
identity is its article's ``doc`` (file name or URL: an edited .txt file gets a
new ``article_id`` but keeps its ``doc``) plus its key (``value`` and ``item`` for
stats, ``name`` for models and units; nothing more for articles), numbered in
document order when an article has several rows with one key.  A row is *appeared* when only the second
state has it, *disappeared* when only the first has it, *changed* when both have
it and any other field differs (bookkeeping columns aside: ``run_id``, ``idx``,
``extractor_version``, and for articles the text and its derived columns).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from pipeline.errors import DvkUsageError
from pipeline.storage import Store, record_columns

#: Identity key (besides article_id) of each table's rows in a diff.
KEYS: dict[str, tuple[str, ...]] = {
    "articles": (),
    "stats": ("value", "item"),
    "models": ("name",),
    "units": ("name",),
}
#: Columns never compared: bookkeeping, not content.
IGNORED = {"run_id", "idx", "extractor_version", "article_id"}
#: Columns of ``article_writes`` compared for articles.
ARTICLE_FIELDS = ("article_id", "content_hash", "versions_key")


class UnknownRunError(DvkUsageError):
    """A run id (or prefix) that names no run, or more than one, of the dataset."""

    code = "E105"


@dataclass(frozen=True, slots=True)
class RunRow:
    """One line of ``dvk runs``."""

    run_id: str
    command: str
    started_at: str
    finished_at: str | None
    status: str
    dvk_version: str
    tokenizer: str
    versions: dict[str, str]
    config_hash: str
    inputs: list[str]
    n_read: int | None
    n_new: int | None
    n_unchanged: int | None
    n_failed: int | None
    n_written: int


def list_runs(store: Store) -> list[RunRow]:
    """Every run of the dataset, oldest first, with the number of articles it wrote."""
    rows = store.con.execute(
        """
        SELECT r.run_id, coalesce(r.command, 'run'), strftime(r.started_at, '%Y-%m-%d %H:%M:%S'),
               strftime(r.finished_at, '%Y-%m-%d %H:%M:%S'), r.status, r.dvk_version, r.tokenizer,
               r.versions_json, r.config_hash, r.inputs_json, r.n_read, r.n_new, r.n_unchanged, r.n_failed,
               (SELECT count(*) FROM article_writes w WHERE w.run_id = r.run_id AND NOT w.deleted)
        FROM runs r ORDER BY r.started_at, r.run_id
        """
    ).fetchall()
    return [
        RunRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7]), r[8], json.loads(r[9]), *r[10:15])
        for r in rows
    ]


def resolve_run(store: Store, ref: str) -> str:
    """The run id that ``ref`` names: a whole id or a unique prefix (``latest`` for the newest run)."""
    if ref == "latest":
        row = store.con.execute(
            "SELECT run_id FROM runs ORDER BY started_at DESC, run_id DESC LIMIT 1"
        ).fetchone()
        if row:
            return row[0]
        raise UnknownRunError("the dataset records no run")
    ids = [
        r[0]
        for r in store.con.execute("SELECT run_id FROM runs WHERE starts_with(run_id, ?)", [ref]).fetchall()
    ]
    if ref in ids:
        return ref
    if len(ids) == 1:
        return ids[0]
    if not ids:
        raise UnknownRunError(f"no run {ref!r} in the dataset (see `dvk runs`)")
    raise UnknownRunError(f"{ref!r} names {len(ids)} runs: give more of the id")


@dataclass(slots=True)
class TableDiff:
    """What changed in one table between two runs: counts and a few examples of each kind."""

    table: str
    appeared: int = 0
    disappeared: int = 0
    changed: int = 0
    unchanged: int = 0
    examples: dict[str, list[dict]] = field(default_factory=dict)


def _state_sql(run_param: int) -> str:
    """SQL of the latest non-deleted write of each article as of the run bound at ``$run_param``."""
    return f"""
        WITH ordered AS (
            SELECT run_id, row_number() OVER (ORDER BY started_at, run_id) AS ord FROM runs
        ), w AS (
            SELECT aw.*, o.ord FROM article_writes aw JOIN ordered o USING (run_id)
            WHERE o.ord <= (SELECT ord FROM ordered WHERE run_id = ${run_param})
        ), latest AS (
            SELECT * FROM w QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY ord DESC) = 1
        )
        SELECT * FROM latest WHERE NOT deleted
    """


def _compared(table: str) -> list[str]:
    if table == "articles":
        return list(ARTICLE_FIELDS)
    return [c for c in record_columns(table) if c not in IGNORED]


def _state_rows_sql(table: str, run_param: int) -> str:
    """The rows of ``table`` in the state after a run, with their identity (key, occurrence)."""
    if table == "articles":
        return (
            "SELECT doc AS a_doc, row_number() OVER (PARTITION BY doc ORDER BY article_id) AS occ, *"
            f" FROM ({_state_sql(run_param)})"
        )
    keys = ", ".join(f'h."{k}"' for k in KEYS[table])
    return f"""
        SELECT h.*, s.doc AS a_doc,
               row_number() OVER (PARTITION BY s.doc, {keys} ORDER BY h.start, h.idx) AS occ
        FROM {table}_history h JOIN ({_state_sql(run_param)}) s
          ON h.run_id = s.run_id AND h.article_id = s.article_id
    """


def diff_table(store: Store, table: str, run_a: str, run_b: str, n_examples: int = 3) -> TableDiff:
    """Compare ``table`` in the states after ``run_a`` and ``run_b`` (see the module docstring)."""
    keys = ["a_doc", *KEYS[table], "occ"]
    compared = [c for c in _compared(table) if c not in KEYS[table]]
    on = " AND ".join(f'a."{k}" IS NOT DISTINCT FROM b."{k}"' for k in keys)
    differs = " OR ".join(f'a."{c}" IS DISTINCT FROM b."{c}"' for c in compared) or "false"
    sql = f"""
        WITH a AS ({_state_rows_sql(table, 1)}), b AS ({_state_rows_sql(table, 2)})
        SELECT
            CASE WHEN a.a_doc IS NULL THEN 'appeared' WHEN b.a_doc IS NULL THEN 'disappeared'
                 WHEN {differs} THEN 'changed' ELSE 'unchanged' END AS kind,
            coalesce(b.a_doc, a.a_doc) AS doc,
            {"".join(f'coalesce(b."{k}", a."{k}") AS "{k}", ' for k in KEYS[table])}
            {", ".join(f'a."{c}" AS "a.{c}", b."{c}" AS "b.{c}"' for c in compared)}
        FROM a FULL OUTER JOIN b ON {on}
    """
    sql = f"""
        WITH d AS ({sql})
        SELECT *, row_number() OVER (PARTITION BY kind ORDER BY doc) AS n FROM d
    """
    cur = store.con.execute(f"SELECT kind, count(*) FROM ({sql}) GROUP BY kind", [run_a, run_b])
    counts = dict(cur.fetchall())
    result = TableDiff(
        table, **{k: counts.get(k, 0) for k in ("appeared", "disappeared", "changed", "unchanged")}
    )
    cur = store.con.execute(
        f"SELECT * FROM ({sql}) WHERE kind <> 'unchanged' AND n <= $3 ORDER BY kind, n",
        [run_a, run_b, n_examples],
    )
    names = [d[0] for d in cur.description]
    for row in cur.fetchall():
        r = dict(zip(names, row, strict=True))
        result.examples.setdefault(r["kind"], []).append(_example(table, r, compared))
    return result


def _example(table: str, r: dict, compared: list[str]) -> dict:
    """A readable example: doc, key, and the fields (both sides for a changed row)."""
    out = {"doc": r["doc"], **{k: r[k] for k in KEYS[table]}}
    kind = r["kind"]
    for c in compared:
        a, b = r[f"a.{c}"], r[f"b.{c}"]
        if kind == "changed" and a != b:
            out[c] = (a, b)
        elif kind == "appeared" and b is not None:
            out[c] = b
        elif kind == "disappeared" and a is not None:
            out[c] = a
    return out


def diff_runs(store: Store, run_a: str, run_b: str, n_examples: int = 3) -> list[TableDiff]:
    """Compare the states after two runs (ids or unique prefixes), for articles, stats, models, units."""
    a, b = resolve_run(store, run_a), resolve_run(store, run_b)
    return [diff_table(store, t, a, b, n_examples) for t in KEYS]


# --------------------------------------------------------------------------- text reports


def _short_versions(versions: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(versions.items()))


def format_runs(runs: list[RunRow]) -> str:
    """``dvk runs``: one line per run, oldest first, under a header."""
    header = ("run_id", "command", "started (UTC)", "status", "read", "new", "unchanged", "failed", "written")
    lines = [header]
    for r in runs:
        lines.append(
            (
                r.run_id, r.command, r.started_at, r.status, str(r.n_read if r.n_read is not None else "-"),
                str(r.n_new if r.n_new is not None else "-"),
                str(r.n_unchanged if r.n_unchanged is not None else "-"),
                str(r.n_failed if r.n_failed is not None else "-"), str(r.n_written),
            )
        )  # fmt: skip
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    out = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in lines]
    for r in runs:
        out.append(
            f"{r.run_id}: dvk {r.dvk_version}, tokenizer {r.tokenizer}, config {r.config_hash};"
            f" versions {_short_versions(r.versions)}; inputs {', '.join(r.inputs) or '(stored articles)'}"
        )
    return "\n".join(out) + "\n"


def _value(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def format_diff(run_a: str, run_b: str, diffs: list[TableDiff]) -> str:
    """``dvk diff``: per table, the counts, then the examples of each kind."""
    out = [f"dvk diff {run_a} -> {run_b}"]
    for d in diffs:
        out.append(
            f"{d.table}: appeared {d.appeared}, disappeared {d.disappeared}, changed {d.changed},"
            f" unchanged {d.unchanged}"
        )
        for kind in ("appeared", "disappeared", "changed"):
            for ex in d.examples.get(kind, []):
                fields = "; ".join(
                    f"{k}: {_value(v[0])} -> {_value(v[1])}" if isinstance(v, tuple) else f"{k}: {_value(v)}"
                    for k, v in ex.items()
                    if k != "doc"
                )
                out.append(f"  {_MARK[kind]} {ex['doc']}  {fields}")
    return "\n".join(out) + "\n"


_MARK = {"appeared": "+", "disappeared": "-", "changed": "~"}
