"""Speed of the hybrid pipeline against the rules alone, per article, in one run.

Both extractors are built once; each round extracts every article with one then the other
(the order alternates between rounds), so that both see the same articles under the same
load.  Prints the median seconds per article of each and their ratio (target: hybrid <= 1.5x).
The hybrid loads the trained artifacts in ``models/`` (``dvk train`` first).

Usage: ``.venv/bin/python bench/bench_hybrid.py [--rounds 3] [PATH ...]`` (default: corpus/samples
and ../shared/dev/articles when present).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def load_articles(paths: Sequence[str]) -> list:
    from extractors.learn.data import _articles_in

    return list(_articles_in([Path(p) for p in paths]))


def time_one(extractor, articles: Sequence) -> list[float]:
    out = []
    for a in articles:
        t = time.perf_counter()
        extractor.extract(a)
        out.append(time.perf_counter() - t)
    return out


def main(argv: Sequence[str] | None = None) -> None:
    from extractors.learn import registry
    from extractors.pipeline import Extractor

    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    paths = args.paths or [str(ROOT / "corpus" / "samples")]
    if not args.paths and (ROOT.parent / "shared" / "dev" / "articles").is_dir():
        paths.append(str(ROOT.parent / "shared" / "dev" / "articles"))
    articles = load_articles(paths)
    rules = Extractor(extractors="rules")
    hybrid = Extractor(extractors="hybrid")
    comps = [t.name for t in registry.available()]
    time_one(rules, articles[:3])  # warm up caches (gazetteer, tokenizer)
    time_one(hybrid, articles[:3])
    per = {"rules": [], "hybrid": []}
    for r in range(args.rounds):
        order = [("rules", rules), ("hybrid", hybrid)]
        for name, ex in order if r % 2 == 0 else order[::-1]:
            per[name].append(sum(time_one(ex, articles)) / len(articles))
    med = {k: statistics.median(v) for k, v in per.items()}
    print(f"articles: {len(articles)}; rounds: {args.rounds}; hybrid components: {', '.join(comps)}")
    for k in ("rules", "hybrid"):
        print(f"{k:7s} {med[k] * 1000:7.1f} ms/article (median of round means)")
    print(f"ratio   {med['hybrid'] / med['rules']:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
