"""Ablation of the trained components, cross-validated by article on the development set.

For each of k folds of the development set (``../shared`` seeds + dev, split by article with
:func:`extractors.learn.data.article_folds`), every trained component is trained on the other
folds plus the repository's sample corpus (samples are always training data, never scored in
the cross-validation), into a temporary models folder; the held-out articles are then extracted
with each configuration:

* ``rules``: the rule extractors alone;
* ``+<component>``: hybrid with only that trained component;
* ``hybrid``: all trained components, hybrid mode;
* ``ml``: all trained components, ml mode.

The held-out predictions of all folds are concatenated and scored once with
:func:`pipeline.evaluate.score` (after :func:`pipeline.normalise.normalise_extraction`, as
``dvk run`` does).  A second block scores the sample corpus with components trained on the
development set only.

Usage: ``.venv/bin/python bench/ablation.py [--k 5] [--components a,b] [--json out.json]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractors.learn import registry  # noqa: E402
from extractors.learn.data import AnnotatedArticle, article_folds, load_samples, load_shared  # noqa: E402
from extractors.pipeline import Extractor  # noqa: E402
from pipeline.evaluate import score  # noqa: E402
from pipeline.normalise import normalise_extraction  # noqa: E402

FIELDS = {
    "stats": ("unit", "period", "action", "province"),
    "models": ("domain", "unit"),
    "units": ("type", "province"),
}


def predict(extractor: Extractor, articles: Sequence[AnnotatedArticle]) -> dict[str, dict]:
    """SCHEMA-shaped predictions keyed by article, as ``dvk run`` + ``dvk export`` give them."""
    from extractors.learn.rule_docs import as_article

    out = {}
    for a in articles:
        ex = normalise_extraction(extractor.extract(as_article(a)))
        out[a.doc] = {
            "doc": a.doc,
            "stats": [r.as_dict(schema_only=True) for r in ex.stats],
            "models": [r.as_dict(schema_only=True) for r in ex.models],
            "units": [r.as_dict(schema_only=True) for r in ex.units],
        }
    return out


def configurations(names: Sequence[str]) -> list[tuple[str, str, tuple[str, ...] | None]]:
    """(label, mode, components) for every configuration of the table."""
    out: list[tuple[str, str, tuple[str, ...] | None]] = [("rules", "rules", None)]
    out += [(f"+{n}", "hybrid", (n,)) for n in names]
    out += [("hybrid", "hybrid", tuple(names)), ("ml", "ml", tuple(names))]
    return out


def train_all(names: Sequence[str], articles: Sequence[AnnotatedArticle], folder: Path) -> dict[str, float]:
    seconds = {}
    for n in names:
        t = time.perf_counter()
        registry.train_component(n, models_dir=folder, articles=articles, trained_on="ablation")
        seconds[n] = time.perf_counter() - t
    return seconds


def run(k: int = 5, names: Sequence[str] | None = None) -> dict:
    dev = load_shared()
    if not dev:
        raise SystemExit("ablation needs the development set in ../shared")
    samples = load_samples()
    names = list(names) if names else [t.name for t in registry.available_code()]
    configs = configurations(names)
    preds: dict[str, dict[str, dict]] = {label: {} for label, _m, _c in configs}
    train_seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for i, held in enumerate(article_folds(dev, k=k)):
            held_set = set(held)
            train = [a for j, a in enumerate(dev) if j not in held_set] + samples
            folder = Path(tmp) / f"fold{i}"
            for n, s in train_all(names, train, folder).items():
                train_seconds[n] = train_seconds.get(n, 0.0) + s
            test = [dev[j] for j in held]
            for label, mode, comps in configs:
                ex = Extractor(extractors=mode, models_dir=str(folder), components=comps)
                preds[label].update(predict(ex, test))
            print(f"fold {i + 1}/{k} done", file=sys.stderr)
        folder = Path(tmp) / "dev-only"
        train_all(names, dev, folder)
        sample_preds = {
            label: predict(Extractor(extractors=mode, models_dir=str(folder), components=comps), samples)
            for label, mode, comps in configs
        }
    gold_dev = {a.doc: a.gold for a in dev}
    gold_samples = {a.doc: a.gold for a in samples}
    return {
        "k": k,
        "components": names,
        "n_dev": len(dev),
        "n_samples": len(samples),
        "train_seconds_per_fold": {n: round(s / k, 1) for n, s in train_seconds.items()},
        "cv": {label: score(gold_dev, p)[0] for label, p in preds.items()},
        "samples": {label: score(gold_samples, p)[0] for label, p in sample_preds.items()},
    }


def table(results: dict) -> str:
    """A markdown table: P / R / F1 per table, F1_full, and field accuracies."""
    head = ["config", "stats P/R/F1", "stats F1_full"]
    head += [f"stats {f}" for f in FIELDS["stats"]]
    head += ["models P/R/F1"] + [f"models {f}" for f in FIELDS["models"]]
    head += ["units P/R/F1"] + [f"units {f}" for f in FIELDS["units"]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label, res in results.items():
        row = [label]
        for t in ("stats", "models", "units"):
            r = res[t]
            row.append(f"{r['p']:.3f} / {r['r']:.3f} / {r['f1']:.3f}")
            if t == "stats":
                row.append(f"{r['f1_full']:.3f}")
            row += [f"{r[f'acc_{f}']:.3f}" for f in FIELDS[t]]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--components", help="comma-separated trained components (default: all with code)")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = ap.parse_args(argv)
    t = time.perf_counter()
    res = run(args.k, args.components.split(",") if args.components else None)
    print(f"# Ablation, {dt.date.today().isoformat()}, {res['k']}-fold CV by article")
    print(
        f"components: {', '.join(res['components'])}; training seconds per fold: {res['train_seconds_per_fold']}"
    )
    print(f"\n## Development set ({res['n_dev']} articles), held-out predictions of all folds\n")
    print(table(res["cv"]))
    print(f"\n## Samples ({res['n_samples']} articles), components trained on the development set only\n")
    print(table(res["samples"]))
    print(f"\n({time.perf_counter() - t:.0f} s)")
    if args.json:
        args.json.write_text(
            json.dumps(res, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )


if __name__ == "__main__":
    main()
