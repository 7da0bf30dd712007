"""``dvk serve``: Datasette over the SQLite export of a dataset, read-only, on 127.0.0.1 by default.

:func:`serve` (re)builds the SQLite export when the DuckDB file changed
(:func:`pipeline.sqlite_export.ensure_sqlite`), writes the Datasette metadata of
:func:`datasette_metadata` to a temporary file and runs ``datasette serve`` in this process
with the database in immutable mode (``-i``: opened read-only, never written).

The metadata gives the title, description, licence and source, a description of every column,
facets (province, year, domain, action, item), the full-text tables behind each search box
(original and diacritic-folded columns, so a search works with or without diacritics), the
canned queries of :data:`CANNED_QUERIES`, and a dashboard of the main series drawn with
Vega-Lite by the ``datasette-dashboards`` plugin (``/-/dashboards/campaign``).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from pipeline.sqlite_export import ensure_sqlite

DB = "dvk"  # Datasette names a database after its file's stem: dvk.sqlite -> /dvk

_PROVENANCE_COLUMNS = {
    "article_id": "The article the row was read from (click: the article and its text).",
    "doc": "The article's file name or URL.",
    "sentence_text": "The sentence of the article the row was read from.",
    "evidence": "The words the row was read from.",
    "sentence": "Index of that sentence in the article (0 = headline).",
    "start": "Character offset where the span starts in the article's cleaned text.",
    "end": "Character offset where the span ends in the article's cleaned text.",
    "extractor": "The extractor component that produced the row.",
    "extractor_version": "Its version.",
    "idx": "Position of the row in its extractor's output for the article.",
    "run_id": "The dvk run that wrote the row.",
}

COLUMN_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "stats": {
        "id": "Row number.",
        "value": "The number as stated (a percent stays a percent).",
        "approx": "Qualifier of an approximate number (hơn, gần, khoảng...).",
        "ratio_of": "The whole of a ratio (356 of 382: 382).",
        "percent": "1 when the value is a percentage.",
        "item": "What is counted (mô hình, tập thể, cá nhân, hội nghị...).",
        "action": "What happened to it: registered, built, recognized, commended, held, maintained...",
        "unit": "The unit (locality or organisation) the figure belongs to.",
        "province": "The province of that unit.",
        "period": "The period the figure covers: 2024, 2024-Q3, 2024-H1, a range 2020-2025, 2010- (since).",
        "year": "The period's year when the period lies within one calendar year; empty for ranges.",
        "published_year": "The year the article was published.",
        "per_year": "1 when the figure is a yearly rate.",
        "level": "Level of recognition (cấp xã, cấp huyện...).",
        "domain": "Field of the models counted (economy, culture_society, defense_security, political_system).",
        **_PROVENANCE_COLUMNS,
    },
    "models": {
        "id": "Row number.",
        "name": "The model's name as written in the article.",
        "unit": "The unit that runs the model.",
        "province": "The province of that unit.",
        "domain": "Field of the model (economy, culture_society, defense_security, political_system).",
        "year": "The year the article was published.",
        **_PROVENANCE_COLUMNS,
    },
    "units": {
        "id": "Row number.",
        "name": "The unit's canonical name.",
        "type": "Its kind: tỉnh, huyện, xã, phường, quận, an organisation...",
        "province": "Its province.",
        "written": "The mention as written in the text.",
        "organisation": "The body behind a locality, when named (Hội Nông dân, Công an...).",
        "year": "The year the article was published.",
        **{k: v for k, v in _PROVENANCE_COLUMNS.items() if k != "evidence"},
    },
    "articles": {
        "article_id": "Key: sha1 of the URL, else of the cleaned text (16 hex).",
        "doc": "File name or URL.",
        "title": "Headline.",
        "published": "Publication date (ISO).",
        "published_year": "Publication year.",
        "url": "Where the article was published, when known.",
        "author": "Author, when given.",
        "n_stats": "Statistics read from the article.",
        "n_models": "Named models read from the article.",
        "n_units": "Units read from the article.",
        "text": "The cleaned text: every start/end offset points into it.",
    },
}

_MODEL_FIGURES = "item = 'mô hình'"

CANNED_QUERIES: dict[str, dict[str, Any]] = {
    "search": {
        "title": "Search models, figures and articles (with or without diacritics)",
        "description": "Type words as you like: “Dien Bien” finds “Điện Biên”. Each hit links to its article.",
        "sql": (
            "SELECT 'model' AS kind, m.name AS hit, m.province, m.year, m.article_id, m.sentence_text\n"
            "FROM models_fts JOIN models m ON m.id = models_fts.rowid\n"
            "WHERE models_fts MATCH '\"' || replace(:q, '\"', '') || '\"'\n"
            "UNION ALL\n"
            "SELECT 'figure', s.value || ' ' || s.item || coalesce(' ' || s.action, ''), s.province, s.year,\n"
            "  s.article_id, s.sentence_text\n"
            "FROM stats_fts JOIN stats s ON s.id = stats_fts.rowid\n"
            "WHERE stats_fts MATCH '\"' || replace(:q, '\"', '') || '\"'\n"
            "UNION ALL\n"
            "SELECT 'article', a.title, NULL, a.published_year, a.article_id, NULL\n"
            "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid\n"
            "WHERE articles_fts MATCH '\"' || replace(:q, '\"', '') || '\"'"
        ),
    },
    "models_by_province_year": {
        "title": "Named models per province and year",
        "description": "Year: the article's publication year.",
        "sql": (
            "SELECT province, year, count(*) AS models, count(DISTINCT article_id) AS articles,\n"
            "  group_concat(DISTINCT doc) AS docs\n"
            "FROM models GROUP BY province, year ORDER BY province, year"
        ),
    },
    "model_figures_by_province_year": {
        "title": "Figures on models (mô hình) per province, year and action",
        "description": "Year: the figure's period when it lies within one year, empty for ranges.",
        "sql": (
            "SELECT province, year, action, count(*) AS figures, sum(value) AS total,\n"
            "  group_concat(DISTINCT doc) AS docs\n"
            f"FROM stats WHERE {_MODEL_FIGURES} GROUP BY province, year, action ORDER BY province, year, action"
        ),
    },
    "models_by_domain": {
        "title": "Named models per domain",
        "sql": (
            "SELECT domain, count(*) AS models, count(DISTINCT article_id) AS articles\n"
            "FROM models GROUP BY domain ORDER BY models DESC"
        ),
    },
    "top_units": {
        "title": "Units with the most named models",
        "sql": (
            "SELECT unit, province, count(*) AS models, group_concat(DISTINCT doc) AS docs\n"
            "FROM models WHERE unit IS NOT NULL GROUP BY unit, province ORDER BY models DESC, unit LIMIT 20"
        ),
    },
    "figures_of_a_province": {
        "title": "Every figure of a province, with its sentence",
        "description": "Province as stored, e.g. Hà Nội.",
        "sql": (
            "SELECT value, item, action, unit, period, sentence_text, article_id\n"
            "FROM stats WHERE province = :province ORDER BY year, article_id, start"
        ),
    },
}

DASHBOARD: dict[str, Any] = {
    "title": "The “Dân vận khéo” campaign",
    "description": "The main series of the dataset. Each chart's query is linked below it.",
    "layout": [
        ["models-by-province-year", "model-figures-by-year"],
        ["models-by-domain", "model-figures-by-year"],
    ],
    "charts": {
        "models-by-province-year": {
            "title": "Named models per province and year (of the article)",
            "db": DB,
            "query": "SELECT province, CAST(year AS TEXT) AS year, count(*) AS models FROM models "
            "WHERE province IS NOT NULL GROUP BY province, year ORDER BY province",
            "library": "vega-lite",
            "display": {
                "mark": {"type": "bar", "tooltip": True},
                "encoding": {
                    "y": {"field": "province", "type": "nominal", "title": "province"},
                    "x": {"field": "models", "type": "quantitative", "title": "named models"},
                    "color": {"field": "year", "type": "nominal"},
                },
            },
        },
        "model-figures-by-year": {
            "title": "Models reported in figures, per period year and action",
            "db": DB,
            "query": f"SELECT CAST(year AS TEXT) AS year, action, sum(value) AS models FROM stats "
            f"WHERE {_MODEL_FIGURES} AND year IS NOT NULL GROUP BY year, action ORDER BY year",
            "library": "vega-lite",
            "display": {
                "mark": {"type": "bar", "tooltip": True},
                "encoding": {
                    "x": {"field": "year", "type": "ordinal"},
                    "y": {"field": "models", "type": "quantitative", "title": "sum of figures"},
                    "color": {"field": "action", "type": "nominal"},
                },
            },
        },
        "models-by-domain": {
            "title": "Named models per domain",
            "db": DB,
            "query": "SELECT coalesce(domain, '(none)') AS domain, count(*) AS models FROM models GROUP BY 1",
            "library": "vega-lite",
            "display": {
                "mark": {"type": "arc", "tooltip": True},
                "encoding": {
                    "theta": {"field": "models", "type": "quantitative"},
                    "color": {"field": "domain", "type": "nominal"},
                },
            },
        },
    },
}


def _dashboard(db: str) -> dict[str, Any]:
    charts = {name: {**chart, "db": db} for name, chart in DASHBOARD["charts"].items()}
    return {**DASHBOARD, "charts": charts}


def datasette_metadata(db: str = DB) -> dict[str, Any]:
    """Datasette's metadata for a dvk SQLite export served as database ``db`` (the file's stem)."""
    hidden = {t: {"hidden": True} for t in ("articles_fts", "models_fts", "stats_fts", "dvk_meta")}
    tables = {
        "stats": {
            "description": "The campaign's statistics, one row per figure, each linked to its article and sentence.",
            "facets": ["province", "year", "domain", "action", "item"],
            "fts_table": "stats_fts",
            "fts_pk": "id",
            "columns": COLUMN_DESCRIPTIONS["stats"],
        },
        "models": {
            "description": "Named models (mô hình) with the unit that runs them and their field.",
            "facets": ["province", "year", "domain"],
            "fts_table": "models_fts",
            "fts_pk": "id",
            "columns": COLUMN_DESCRIPTIONS["models"],
        },
        "units": {
            "description": "Units (localities, organisations) taking part.",
            "facets": ["province", "type"],
            "columns": COLUMN_DESCRIPTIONS["units"],
        },
        "articles": {
            "description": "The articles read, with their cleaned text.",
            "label_column": "title",
            "facets": ["published_year"],
            "fts_table": "articles_fts",
            "columns": COLUMN_DESCRIPTIONS["articles"],
        },
        "runs": {"description": "The dvk runs that wrote the dataset."},
        "failures": {"description": "Inputs that did not become rows, with the reason."},
        **hidden,
    }
    return {
        "title": "dvk: “Dân vận khéo” campaign statistics",
        "description": (
            "Statistics, named models and units that dvk extracted from Vietnamese news articles about the "
            "“Dân vận khéo” emulation campaign. Every row links to the article and sentence it was read from. "
            "Search works with or without diacritics."
        ),
        "license": "Apache-2.0 (dvk and its extraction); the articles belong to their publishers",
        "license_url": "https://www.apache.org/licenses/LICENSE-2.0",
        "source": "News articles read by dvk (see the articles table: doc, url, published)",
        "databases": {db: {"tables": tables, "queries": CANNED_QUERIES}},
        "plugins": {"datasette-dashboards": {"campaign": _dashboard(db)}},
    }


def datasette_args(sqlite: Path, metadata: Path, host: str, port: int) -> list[str]:
    """The ``datasette serve`` arguments: immutable database, metadata, host and port."""
    return [
        "serve", "-i", str(sqlite), "--metadata", str(metadata), "--host", host, "--port", str(port),
        "--setting", "sql_time_limit_ms", "5000", "--setting", "default_page_size", "50",
        "--setting", "facet_time_limit_ms", "1000",
    ]  # fmt: skip


def serve(dataset: Path, host: str = "127.0.0.1", port: int = 8001, sqlite: Path | None = None) -> None:
    """Refresh the SQLite export when needed, then run Datasette over it until interrupted."""
    from datasette.cli import cli  # heavy: only when serving

    export = ensure_sqlite(dataset, sqlite)
    state = "rebuilt" if export.rebuilt else "up to date"
    db = export.path.stem
    print(f"dvk serve: {export.path} ({state}) on http://{host}:{port}/{db}", flush=True)
    with tempfile.TemporaryDirectory(prefix="dvk-serve-") as tmp:
        meta = Path(tmp) / "metadata.json"
        meta.write_text(json.dumps(datasette_metadata(db), ensure_ascii=False, indent=1), encoding="utf-8")
        cli.main(datasette_args(export.path, meta, host, port), prog_name="datasette", standalone_mode=True)
