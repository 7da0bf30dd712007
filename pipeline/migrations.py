"""Schema migrations of the dataset: a small registry of named steps, each applied once.

The base schema (:data:`pipeline.storage.SCHEMA_SQL`, schema version 1) upgraded
by every migration of :data:`MIGRATIONS`, in order, is the schema; a new dataset is
made in one step by ``schema_latest.sql``, the script of what those steps make
(:func:`create_latest`; tests check that it is, and a script written for other
migrations is not used), and an old one is upgraded step by step: both end with the
same tables.  Each migration runs in its own transaction together with the
row that records it in the ``migrations`` table (name, UTC time) and the new
``schema_version`` in ``meta`` (1 + the number of migrations applied), so a
killed upgrade leaves the dataset at the last finished step and the next open
carries on (the approach of sqlite-utils' migrations).

To change the schema, append a :class:`Migration` (never edit or reorder the
ones already released: datasets out there recorded them by name) and write the
script again (``python -m pipeline.migrations``).  A migration
that adds a column to a record table (stats, models, units) must add it to the
table's ``*_history`` twin as well (:func:`add_record_column` does both).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import duckdb

from extractors.tokenizer import split_sentences

BASE_VERSION = 1
RECORD_TABLES = ("stats", "models", "units")


@dataclass(frozen=True, slots=True)
class Migration:
    """One named schema step: ``apply`` gets a connection inside an open transaction."""

    name: str
    apply: Callable[[duckdb.DuckDBPyConnection], None]


def add_record_column(con: duckdb.DuckDBPyConnection, table: str, column: str, sql_type: str) -> None:
    """Add a column to a record table and to its ``*_history`` twin."""
    for t in (table, f"{table}_history"):
        con.execute(f'ALTER TABLE {t} ADD COLUMN "{column}" {sql_type}')


# --------------------------------------------------------------------------- 0001: history and caches

_M0001_SQL = """
ALTER TABLE articles ADD COLUMN province_hint VARCHAR;
ALTER TABLE runs ADD COLUMN command VARCHAR DEFAULT 'run';
CREATE TABLE sentences (
    article_id VARCHAR NOT NULL,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    PRIMARY KEY (article_id, idx)
);
CREATE TABLE domains (
    domain VARCHAR PRIMARY KEY,
    label_vi VARCHAR NOT NULL,
    label_en VARCHAR NOT NULL
);
INSERT INTO domains VALUES
    ('economy', 'Kinh tế', 'economy'),
    ('culture_society', 'Văn hóa - xã hội', 'culture and society'),
    ('defense_security', 'Quốc phòng - an ninh', 'defence and security'),
    ('political_system', 'Xây dựng hệ thống chính trị', 'the political system');
CREATE TABLE article_writes (
    run_id VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    doc VARCHAR NOT NULL,
    content_hash VARCHAR,
    versions_key VARCHAR,
    deleted BOOLEAN NOT NULL,
    PRIMARY KEY (run_id, article_id)
);
CREATE TABLE stats_history AS SELECT * FROM stats LIMIT 0;
CREATE TABLE models_history AS SELECT * FROM models LIMIT 0;
CREATE TABLE units_history AS SELECT * FROM units LIMIT 0;
CREATE TABLE token_cache (
    content_hash VARCHAR NOT NULL,
    tokenizer_key VARCHAR NOT NULL,
    starts INTEGER[] NOT NULL,
    ends INTEGER[] NOT NULL,
    PRIMARY KEY (content_hash, tokenizer_key)
);
"""


def _m0001(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_M0001_SQL)
    # Backfill: what an older dataset holds becomes the first write of each article.
    con.execute(
        "INSERT INTO article_writes SELECT run_id, article_id, doc, content_hash, versions_key, false"
        " FROM articles"
    )
    for t in RECORD_TABLES:
        con.execute(f"INSERT INTO {t}_history BY NAME SELECT * FROM {t}")
    rows = con.execute("SELECT article_id, text FROM articles").fetchall()
    sentence_rows = [(aid, i, s, e) for aid, text in rows for i, (s, e) in enumerate(split_sentences(text))]
    if sentence_rows:
        con.executemany(
            'INSERT INTO sentences (article_id, idx, start, "end") VALUES (?, ?, ?, ?)', sentence_rows
        )


# --------------------------------------------------------------------------- 0002: researchers' views

_M0002_SQL = r"""
CREATE OR REPLACE VIEW stats_by_province_year_action AS
WITH s AS (
    SELECT
        st.*,
        CASE
            WHEN regexp_matches(st.period, '^\d{4}(-(Q[1-4]|H[12]))?$') THEN
                CAST(substr(st.period, 1, 4) AS INTEGER)
            WHEN st.period IS NULL AND regexp_matches(a.published, '^\d{4}') THEN
                CAST(substr(a.published, 1, 4) AS INTEGER)
        END AS year,
        CASE
            WHEN regexp_matches(st.period, '^\d{4}(-(Q[1-4]|H[12]))?$') THEN 'period'
            WHEN st.period IS NULL AND regexp_matches(a.published, '^\d{4}') THEN 'published'
        END AS year_from
    FROM stats st JOIN articles a USING (article_id)
)
SELECT
    province, year, action, item,
    count(*) AS n_stats,
    sum(value) FILTER (WHERE NOT percent AND ratio_of IS NULL) AS total,
    count(DISTINCT article_id) AS n_articles,
    count(*) FILTER (WHERE year_from = 'published') AS n_year_from_published
FROM s
GROUP BY province, year, action, item;

CREATE OR REPLACE VIEW models_by_domain AS
SELECT
    m.domain,
    any_value(d.label_vi) AS label_vi,
    count(*) AS n_models,
    count(DISTINCT m.name) AS n_names,
    count(DISTINCT m.unit) AS n_units,
    list(DISTINCT m.unit ORDER BY m.unit) FILTER (WHERE m.unit IS NOT NULL) AS units,
    count(DISTINCT m.article_id) AS n_articles
FROM models m LEFT JOIN domains d USING (domain)
GROUP BY m.domain;
"""


def _m0002(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_M0002_SQL)


# --------------------------------------------------------------------------- 0003: units after the 2025 reform

#: Columns that :func:`pipeline.normalise.normalise_extraction` fills from :mod:`extractors.reform2025`.
_M0003_COLUMNS = {
    "stats": ("province_now", "ward_now", "ward_now_status", "organisation"),
    "models": ("province_now", "ward_now", "ward_now_status", "organisation"),
    "units": ("province_now", "ward_now", "ward_now_status"),
}


def _m0003(con: duckdb.DuckDBPyConnection) -> None:
    # Rows written before this step keep NULLs until their article is extracted again.
    for table, columns in _M0003_COLUMNS.items():
        for column in columns:
            add_record_column(con, table, column, "VARCHAR")


# --------------------------------------------------------------------------- 0004: the layers of extractions


def _m0004(con: duckdb.DuckDBPyConnection) -> None:
    # What a rerun reuses of an article's last extraction (extractors.layers; one row per article,
    # replaced with its rows).  Articles stored before this step have none: a rerun redoes them whole.
    con.execute("CREATE TABLE IF NOT EXISTS layers (article_id VARCHAR NOT NULL, data BLOB NOT NULL)")


# --------------------------------------------------------------------------- 0005: no index on the per-article tables

#: Tables whose primary key only restated what the writer guarantees by construction (it deletes an
#: article's rows, and a run's log rows of an article, before writing them again) and is never used
#: to find rows, but whose index grew with the dataset and stayed in the writer's memory (about half
#: of DuckDB's growth per article; docs/benchmarks.md).  ``articles`` and ``token_cache`` keep theirs:
#: point lookups use them, and the token cache inserts with ``ON CONFLICT``.
_M0005_TABLES = ("stats", "models", "units", "sentences", "article_writes")


def rebuild_without_primary_key(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Re-create ``table`` with the same columns (names, types, order, NOT NULL, defaults) and rows,
    without its PRIMARY KEY (DuckDB cannot drop a constraint); views that name it keep working."""
    cols = con.execute(  # in column order (pragma_table_info is far cheaper than duckdb_columns)
        'SELECT name, type, "notnull", dflt_value FROM pragma_table_info(?) ORDER BY cid', [table]
    ).fetchall()
    defs = ", ".join(
        f'"{name}" {sql_type}'
        + (" NOT NULL" if not_null else "")
        + ("" if default is None else f" DEFAULT {default}")
        for name, sql_type, not_null, default in cols
    )
    con.execute(f"CREATE TABLE {table}__rebuilt ({defs})")
    con.execute(f"INSERT INTO {table}__rebuilt SELECT * FROM {table}")
    con.execute(f"DROP TABLE {table}")
    con.execute(f"ALTER TABLE {table}__rebuilt RENAME TO {table}")


def _m0005(con: duckdb.DuckDBPyConnection) -> None:
    for table in _M0005_TABLES:
        rebuild_without_primary_key(con, table)


#: Every migration, in the order applied.  Append only.
MIGRATIONS: tuple[Migration, ...] = (
    Migration("0001_history_sentences_domains_token_cache", _m0001),
    Migration("0002_research_views", _m0002),
    Migration("0003_units_after_2025_reform", _m0003),
    Migration("0004_extraction_layers", _m0004),
    Migration("0005_per_article_tables_without_primary_keys", _m0005),
)

#: The schema version a dataset has once every migration is applied.
LATEST_VERSION = BASE_VERSION + len(MIGRATIONS)

_MIGRATIONS_TABLE = (
    "CREATE TABLE IF NOT EXISTS migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)"
)


def applied(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Names of the migrations recorded in the dataset (empty for a version-1 dataset)."""
    has = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'migrations'"
    ).fetchone()[0]
    if not has:
        return []
    return [r[0] for r in con.execute("SELECT name FROM migrations ORDER BY name").fetchall()]


def pending(con: duckdb.DuckDBPyConnection) -> list[Migration]:
    """The migrations not yet applied to the dataset, in order."""
    done = set(applied(con))
    return [m for m in MIGRATIONS if m.name not in done]


def _apply(con: duckdb.DuckDBPyConnection, m: Migration, n_applied: int | None = None) -> None:
    """Apply one migration and record it (inside an open transaction); ``n_applied``: how many
    migrations the dataset then has (counted when not given)."""
    m.apply(con)
    con.execute("INSERT INTO migrations VALUES (?, ?)", [m.name, datetime.now(UTC).replace(tzinfo=None)])
    version = str(BASE_VERSION + (len(applied(con)) if n_applied is None else n_applied))
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [version])


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply every pending migration, each in one transaction with its record; return their names."""
    con.execute(_MIGRATIONS_TABLE)
    names = []
    for m in pending(con):
        con.execute("BEGIN TRANSACTION")
        try:
            _apply(con, m)
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
        names.append(m.name)
    return names


def migrate_new(con: duckdb.DuckDBPyConnection) -> None:
    """Apply every migration to a dataset just created with the base schema, inside the caller's
    transaction (the one that created it): the same steps and records as :func:`migrate`, but a
    killed creation leaves no dataset at all rather than a partly upgraded one."""
    con.execute(_MIGRATIONS_TABLE)
    for n, m in enumerate(MIGRATIONS, start=1):
        _apply(con, m, n)


# --------------------------------------------------------------------------- new datasets, in one step

#: The schema of a new dataset as one script: what the base schema and every migration make
#: (written by :func:`latest_schema_sql`; ``python -m pipeline.migrations`` writes it again).
#: Running it is about half the time of replaying the migrations, for every new dataset
#: (and every process that imports :mod:`pipeline.storage`); tests check both give the same.
LATEST_SQL_PATH = Path(__file__).with_name("schema_latest.sql")
_HEADER = "-- dvk dataset schema after migrations: "


def latest_schema_sql(base_sql: str) -> str:
    """The script that creates, in an empty database, what ``base_sql`` and :data:`MIGRATIONS` create:
    the tables in creation order, the views, and the rows the migrations insert (not ``meta`` and
    ``migrations``, which say when the dataset was made).  Its first line names the migrations."""
    con = duckdb.connect(":memory:")
    try:
        con.execute(base_sql)
        con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(BASE_VERSION)])
        migrate(con)
        lines = [_HEADER + ",".join(m.name for m in MIGRATIONS)]
        tables = [
            r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY table_oid").fetchall()
        ]
        lines += [r[0] for r in con.execute("SELECT sql FROM duckdb_tables() ORDER BY table_oid").fetchall()]
        lines += [
            r[0].rstrip(";") + ";"
            for r in con.execute(
                "SELECT sql FROM duckdb_views() WHERE NOT internal ORDER BY view_oid"
            ).fetchall()
        ]
        for table in tables:
            if table in ("meta", "migrations"):
                continue
            for row in con.execute(f"SELECT * FROM {table}").fetchall():
                lines.append(f"INSERT INTO {table} VALUES ({', '.join(map(_literal, row))});")
        return "\n".join(lines) + "\n"
    finally:
        con.close()


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no SQL literal for a {type(value).__name__} in a migration's rows")


@cache
def _latest_script() -> str | None:
    """:data:`LATEST_SQL_PATH`'s script when it was written for the migrations of this release, else None."""
    try:
        script = LATEST_SQL_PATH.read_text(encoding="utf-8")
    except OSError:
        return None
    first = script.split("\n", 1)[0]
    return script if first == _HEADER + ",".join(m.name for m in MIGRATIONS) else None


def create_latest(con: duckdb.DuckDBPyConnection, base_sql: str) -> None:
    """Make an empty database a dataset of the latest schema, inside the caller's transaction (a
    killed creation leaves no dataset): the one-step script, or ``base_sql`` and every migration when
    the script is missing or was written for other migrations.  Every migration is recorded as applied."""
    script = _latest_script()
    if script is None:
        con.execute(base_sql)
        con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(BASE_VERSION)])
        migrate_new(con)
        return
    con.execute(script)
    con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(LATEST_VERSION)])
    now = datetime.now(UTC).replace(tzinfo=None)
    con.executemany("INSERT INTO migrations VALUES (?, ?)", [(m.name, now) for m in MIGRATIONS])


if __name__ == "__main__":  # write the one-step script again (after appending a migration)
    from pipeline.storage import SCHEMA_SQL

    LATEST_SQL_PATH.write_text(latest_schema_sql(SCHEMA_SQL), encoding="utf-8")
    print(f"wrote {LATEST_SQL_PATH}")
