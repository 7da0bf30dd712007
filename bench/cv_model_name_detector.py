"""Cross-validated P/R/F1 of the model-name detector against the rules, by article.

Prints, per fold and overall, precision / recall / F1 of the model names (matched to gold as the
scorer does) of the rules (``extractors.model_names.find_model_names``), the trained detector
(``ml``) and ``hybrid``, for two splits:

* every annotated article (``../shared`` seeds + dev, ``corpus/samples``, imported corrections),
  5 folds by article, held-out figures also split by source;
* the development set alone (``../shared`` seeds + dev), 5 folds by article.

Usage: ``.venv/bin/python bench/cv_model_name_detector.py [--seed 13] [--k 5]``
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractors.learn import model_name_detector  # noqa: E402
from extractors.learn.data import article_folds, load_training_articles  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--k", type=int, default=5)
    args = ap.parse_args()
    articles = load_training_articles()
    dev = [a for a in articles if a.source.startswith("shared")]
    for label, subset in (("all annotated articles", articles), ("dev set only", dev)):
        if len(subset) < args.k:
            print(f"{label}: fewer than {args.k} articles, skipped")
            continue
        res = model_name_detector.cross_validate(subset, article_folds(subset, args.k, args.seed), args.seed)
        print(f"## {label} ({len(subset)} articles)")
        for i, fold in enumerate(res["folds"]):
            print(f"fold {i}: {json.dumps(fold)}")
        print(f"overall: {json.dumps(res['overall'])}")
        for source, figures in res["by_source"].items():
            print(f"held-out {source}: {json.dumps(figures)}")
    print(f"unclosed-quote boundary: {json.dumps(model_name_detector.boundary_report(articles))}")


if __name__ == "__main__":
    main()
