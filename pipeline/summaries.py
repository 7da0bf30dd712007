"""``dvk stats``: ready summaries of a dataset, each row with the articles behind it.

Pure functions from the analysts' views of :mod:`pipeline.dataset` to small DataFrames:

- named models per province and year (the year of the article that names them);
- named models per domain;
- the campaign's figures on models (item ``mô hình``) per province, year and action, where
  ``year`` is the year of the figure's period (empty for multi-year ranges such as
  ``2020-2025`` or a figure without period), with the count of figures and their total;
- the top units, by named models, then by figures attached to them.

Every summary has an ``articles`` column: the ``doc`` of each article behind the row, so a
figure can be checked against its source.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

MODEL_ITEM = "mô hình"


def _docs(values: Iterable[object]) -> str:
    return "; ".join(sorted({str(v) for v in values if isinstance(v, str)}))


def _label(series: pd.Series, empty: str) -> pd.Series:
    return series.astype(object).where(series.notna(), empty)


def models_by_province_year(models: pd.DataFrame) -> pd.DataFrame:
    """Named models per province and publication year: ``province, year, models, articles``."""
    df = models.assign(province=_label(models["province"], "(none)"), year=_label(models["year"], "(none)"))
    out = df.groupby(["province", "year"], sort=True).agg(
        models=("name", "size"), n_articles=("article_id", "nunique"), articles=("doc", _docs)
    )
    return out.reset_index().sort_values(["province", "year"], key=lambda s: s.astype(str), ignore_index=True)


def models_by_domain(models: pd.DataFrame) -> pd.DataFrame:
    """Named models per domain, most first: ``domain, models, articles``."""
    df = models.assign(domain=_label(models["domain"], "(none)"))
    out = df.groupby("domain").agg(
        models=("name", "size"), n_articles=("article_id", "nunique"), articles=("doc", _docs)
    )
    return out.reset_index().sort_values(["models", "domain"], ascending=[False, True], ignore_index=True)


def figures_by_province_year(stats: pd.DataFrame, item: str = MODEL_ITEM) -> pd.DataFrame:
    """Figures counting ``item`` per province, period year and action: count, total value, articles."""
    df = stats[stats["item"] == item]
    df = df.assign(
        province=_label(df["province"], "(none)"),
        year=_label(df["year"], "(range)"),
        action=_label(df["action"], "(none)"),
    )
    out = df.groupby(["province", "year", "action"]).agg(
        figures=("value", "size"), total=("value", "sum"), articles=("doc", _docs)
    )
    return out.reset_index().sort_values(
        ["province", "year", "action"], key=lambda s: s.astype(str), ignore_index=True
    )


def top_units(models: pd.DataFrame, stats: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The ``n`` units with the most named models, then the most figures: ``unit, province, ...``."""
    frames = [
        models.assign(kind="models")[["unit", "province", "kind", "doc"]],
        stats.assign(kind="figures")[["unit", "province", "kind", "doc"]],
    ]
    df = pd.concat(frames, ignore_index=True).dropna(subset=["unit"])
    df = df.assign(province=_label(df["province"], ""))
    counts = df.pivot_table(
        index=["unit", "province"], columns="kind", values="doc", aggfunc="size", fill_value=0
    )
    for col in ("models", "figures"):
        if col not in counts:
            counts[col] = 0
    docs = df.groupby(["unit", "province"])["doc"].agg(_docs).rename("articles")
    out = counts[["models", "figures"]].join(docs).reset_index()
    out = out.sort_values(["models", "figures", "unit"], ascending=[False, False, True], ignore_index=True)
    return out.head(n)


def all_summaries(models: pd.DataFrame, stats: pd.DataFrame, top: int = 10) -> dict[str, pd.DataFrame]:
    """Every summary of ``dvk stats``, by title, from the models and stats views."""
    return {
        "Named models per province and year (of the article)": models_by_province_year(models),
        "Named models per domain": models_by_domain(models),
        f"Figures on “{MODEL_ITEM}” per province, year (of the period) and action": figures_by_province_year(
            stats
        ),
        f"Top {top} units (named models, then figures)": top_units(models, stats, top),
    }
