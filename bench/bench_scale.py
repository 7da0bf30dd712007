"""Issue 5's benchmarks on synthetic articles (bench/synth.py): stage throughput, scaling, memory.

    .venv/bin/python bench/bench_scale.py stages --n 200 --tokenizer pyvi
    .venv/bin/python bench/bench_scale.py scaling --n 1000 --tokenizer pyvi
    .venv/bin/python bench/bench_scale.py memory --n 10000 --n 20000 --tokenizer pyvi

``stages``: articles per second of each stage over the same articles, in one process with the
extractor built beforehand: ingest+clean, tokenize (dvk's tokenizer), extract (the whole
extractor, its tokenizing included, plus normalisation), store (DuckDB writes), end to end
(``run_pipeline`` into a fresh dataset), and the tokenizer package alone over the same whole
article texts.  ``scaling``: wall time of ``dvk run --workers 1`` and ``--workers 2`` (each a
fresh process).  ``memory``: peak resident memory (``ru_maxrss`` of the child) of ``dvk run``
over N short articles in one JSONL file.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import synth  # noqa: E402


def _rate(n: int, seconds: float) -> str:
    return f"{n / seconds:.1f}"


def stages(n: int, tokenizer: str) -> None:
    from corpus.ingest import read_inputs
    from extractors.tokenizer import tokenize
    from pipeline.orchestrate import _clean, _extract, build_extractor, run_pipeline
    from pipeline.storage import open_store, versions_key

    tmp = Path(tempfile.mkdtemp(prefix="dvk-bench-"))
    src = synth.write(n, tmp / "in.jsonl")
    extractor = build_extractor(tokenizer)
    extractor.extract(_clean(next(iter(read_inputs(src)))))  # warm-up: lazy loads
    t = time.perf_counter()
    articles = [_clean(raw) for raw in read_inputs(src)]
    t_clean = time.perf_counter() - t
    t = time.perf_counter()
    for a in articles:
        tokenize(a.text, tokenizer)
    t_tok = time.perf_counter() - t
    if tokenizer == "pyvi":
        from pyvi import ViTokenizer

        backend = ViTokenizer.tokenize
    else:
        from underthesea import word_tokenize as backend
    t = time.perf_counter()
    for a in articles:
        backend(a.text)
    t_alone = time.perf_counter() - t

    class _NoCache:
        def cached_tokens(self, *_: object) -> None:
            return None

    t = time.perf_counter()
    extractions = [_extract(_NoCache(), extractor, a)[0] for a in articles]
    t_ext = time.perf_counter() - t
    vkey = versions_key(extractor.versions)
    with open_store(tmp / "store") as store:
        t = time.perf_counter()
        for a, e in zip(articles, extractions, strict=True):
            store.write_article(a, e, "bench", vkey)
        t_store = time.perf_counter() - t
    t = time.perf_counter()
    run_pipeline([str(src)], tmp / "e2e", tokenizer)
    t_e2e = time.perf_counter() - t
    print(f"| {tokenizer} | {n} | {_rate(n, t_clean)} | {_rate(n, t_tok)} | {_rate(n, t_ext)} | "
          f"{_rate(n, t_store)} | {_rate(n, t_e2e)} | {_rate(n, t_alone)} | {t_alone / t_e2e:.2f} |")  # fmt: skip


def _dvk(*args: str) -> tuple[float, int]:
    """(wall seconds, peak RSS in MiB) of one ``dvk`` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    subprocess.run([str(ROOT / ".venv" / "bin" / "dvk"), *args], check=True, capture_output=True)
    wall = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) // 1024


def scaling(n: int, tokenizer: str) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="dvk-bench-"))
    src = synth.write(n, tmp / "in")
    walls = {}
    for w in (1, 2):
        walls[w], _ = _dvk(
            "run", str(src), "--out", str(tmp / f"w{w}"), "--tokenizer", tokenizer, "--workers", str(w)
        )
    print(f"| {tokenizer} | {n} | {walls[1]:.1f} | {walls[2]:.1f} | {walls[1] / walls[2]:.2f} |")


def memory(n: int, tokenizer: str) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="dvk-bench-"))
    src = synth.write(n, tmp / "in.jsonl", short=True)
    code = (
        "import resource, sys; from pipeline.cli import main; sys.argv = ['dvk', *sys.argv[1:]];\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, file=sys.stderr)"
    )
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", code, "run", str(src), "--out", str(tmp / "out"), "--tokenizer", tokenizer],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    wall = time.perf_counter() - t
    peak = int(proc.stderr.strip().splitlines()[-1])
    print(f"| {tokenizer} | {n} | {peak} | {wall:.0f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("what", choices=["stages", "scaling", "memory"])
    ap.add_argument("--n", type=int, action="append", help="articles (repeatable)")
    ap.add_argument("--tokenizer", action="append", choices=["underthesea", "pyvi"])
    args = ap.parse_args()
    for tok in args.tokenizer or ["pyvi"]:
        for n in args.n or [200]:
            {"stages": stages, "scaling": scaling, "memory": memory}[args.what](n, tok)


if __name__ == "__main__":
    main()
