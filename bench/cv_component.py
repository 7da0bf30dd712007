"""Cross-validated scores of one trained component against the rules, by article.

Prints, per fold and overall, the component's ``cross_validate`` figures (rules, ``ml`` and
``hybrid``: accuracy over gold models for ``domain_classifier``, model-name P/R/F1 for
``model_name_detector``, attachment accuracy for ``attachment_ranker``, span P/R/F1 for
``unit_recogniser``), for two splits: all annotated articles (../shared dev set + the
samples + imported corrections) and the ../shared dev set alone; 5 folds by article, seed 13.

Usage: ``.venv/bin/python bench/cv_component.py NAME [--seed 13] [--k 5]``
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractors.learn import registry  # noqa: E402
from extractors.learn.data import article_folds, load_training_articles  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("name", choices=registry.component_names())
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--k", type=int, default=5)
    args = ap.parse_args()
    module = registry.load_module(args.name)
    articles = load_training_articles()
    dev = [a for a in articles if a.source.startswith("shared")]
    for label, subset in (("all annotated articles", articles), ("dev set only", dev)):
        if len(subset) < args.k:
            print(f"{label}: fewer than {args.k} articles, skipped")
            continue
        res = module.cross_validate(subset, article_folds(subset, args.k, args.seed), args.seed)
        print(f"## {label} ({len(subset)} articles)")
        for i, fold in enumerate(res.get("folds", [])):
            print(f"fold {i}: {json.dumps(fold, ensure_ascii=False)}")
        print(f"overall: {json.dumps(res.get('overall', res), ensure_ascii=False)}")
        for source, figures in res.get("by_source", {}).items():
            print(f"held-out {source}: {json.dumps(figures, ensure_ascii=False)}")
    if hasattr(module, "boundary_report"):
        print(f"unclosed-quote boundary: {json.dumps(module.boundary_report(articles))}")


if __name__ == "__main__":
    main()
