"""Throughput of ``extractors.tokenizer.tokenize`` against the plain backends.

Reads the development articles from ``../shared/seeds/*.txt`` and
``../shared/dev/articles/*.txt`` (relative to the repo root) or, when those are
absent, ``corpus/samples/*.txt``; cycles them to ``--n`` articles (default 200)
and prints one row per variant: articles/s, tokens/s and the time relative to
the plain backend call on the same texts (process CPU time, variants interleaved
article by article, best of ``--rounds`` passes: other work on a shared machine
disturbs the figures less).

    .venv/bin/python bench/bench_tokenizer.py [--n 200] [--rounds 3] [--backend underthesea|pyvi|all]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.document import make_nlp  # noqa: E402
from extractors.tokenizer import tokenize  # noqa: E402


def load_texts(n: int) -> tuple[list[str], str]:
    shared = ROOT / ".." / "shared"
    files = sorted((shared / "seeds").glob("*.txt")) + sorted((shared / "dev" / "articles").glob("*.txt"))
    where = "../shared seeds + dev articles"
    if not files:
        files = sorted((ROOT / "corpus" / "samples").glob("*.txt"))
        where = "corpus/samples"
    if not files:
        raise SystemExit("no texts: neither ../shared nor corpus/samples has *.txt files")
    texts = [f.read_text(encoding="utf-8") for f in files]
    return list(itertools.islice(itertools.cycle(texts), n)), f"{len(files)} files from {where}"


def run(fns: list[Callable[[str], int]], texts: list[str], rounds: int) -> list[tuple[float, int]]:
    """Best CPU time of ``rounds`` passes over ``texts`` for each function, and its token count.

    The functions are interleaved article by article, so that a change in the load of
    a shared machine hits them all alike; CPU time rather than wall time, for the same
    reason.
    """
    for fn in fns:
        fn(texts[0])  # warm-up: imports and model loading are not timed
    best = [float("inf")] * len(fns)
    tokens = [0] * len(fns)
    for _ in range(rounds):
        spent = [0.0] * len(fns)
        for i, fn in itertools.product(range(len(texts)), range(len(fns))):
            t0 = time.process_time()
            n = fns[fn](texts[i])
            spent[fn] += time.process_time() - t0
            tokens[fn] += n if _ == 0 else 0
        best = [min(b, x) for b, x in zip(best, spent, strict=True)]
    return list(zip(best, tokens, strict=True))


def variants(backend: str) -> list[tuple[str, Callable[[str], int]]]:
    if backend == "underthesea":
        from underthesea import word_tokenize

        nlp = make_nlp("underthesea")
        return [
            ("underthesea.word_tokenize(text)", lambda t: len(word_tokenize(t))),
            (
                "underthesea.word_tokenize per line",
                lambda t: sum(len(word_tokenize(x)) for x in t.splitlines()),
            ),
            ("dvk tokenize(text, 'underthesea')", lambda t: len(tokenize(t, "underthesea"))),
            ("dvk make_nlp('underthesea')(text)", lambda t: len(nlp(t))),
        ]
    from pyvi import ViTokenizer

    nlp = make_nlp("pyvi")
    return [
        ("ViTokenizer.tokenize(text)", lambda t: len(ViTokenizer.tokenize(t).split())),
        (
            "ViTokenizer.tokenize per line",
            lambda t: sum(len(ViTokenizer.tokenize(x).split()) for x in t.splitlines()),
        ),
        ("dvk tokenize(text, 'pyvi')", lambda t: len(tokenize(t, "pyvi"))),
        ("dvk make_nlp('pyvi')(text)", lambda t: len(nlp(t))),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="number of articles to time (texts are cycled)")
    parser.add_argument("--backend", choices=["underthesea", "pyvi", "all"], default="all")
    parser.add_argument("--rounds", type=int, default=3, help="passes per variant; the best is reported")
    args = parser.parse_args(argv)
    texts, where = load_texts(args.n)
    print(f"{len(texts)} articles ({where}), {sum(map(len, texts)) / len(texts):.0f} chars each on average")
    print(f"{'variant':40} {'art/s':>8} {'tokens/s':>10} {'time':>7} {'vs plain':>9}")
    backends = ["underthesea", "pyvi"] if args.backend == "all" else [args.backend]
    for backend in backends:
        named = variants(backend)
        results = run([fn for _, fn in named], texts, args.rounds)
        base = results[0][0]
        for (name, _), (secs, tokens) in zip(named, results, strict=True):
            print(
                f"{name:40} {len(texts) / secs:8.1f} {tokens / secs:10.0f} {secs:6.2f}s {secs / base:8.2f}x"
            )


if __name__ == "__main__":
    main()
