"""Issue 5's benchmarks on synthetic articles (bench/synth.py): stage throughput, scaling, memory.

    .venv/bin/python bench/bench_scale.py stages --n 200 --tokenizer pyvi [--corpus dev]
    .venv/bin/python bench/bench_scale.py scaling --n 1000 --tokenizer pyvi
    .venv/bin/python bench/bench_scale.py memory --n 10000 --n 20000 --tokenizer pyvi

``stages``: articles per second of each stage over the same articles, in one process with the
extractor built beforehand: ingest+clean, tokenize (dvk's tokenizer), extract (the whole
extractor, its tokenizing included, plus normalisation), store (DuckDB writes, batched as in a
run), end to end (``run_pipeline`` into a fresh dataset), and the tokenizer package alone over the same whole
article texts; then underthesea's ``word_tokenize`` alone, timed in the same rounds, and the
target's ratio: end to end ÷ (1 × underthesea alone for underthesea, 2.5 × for pyvi); at least 1
meets it.  ``scaling``: wall time of ``dvk run --workers 1`` and ``--workers 2`` (each a
fresh process).  ``memory``: peak resident memory (``ru_maxrss`` of the child) of ``dvk run``
over N short articles in one JSONL file.
"""

from __future__ import annotations

import argparse
import json
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


def dev_corpus(n: int, out: Path, folders: tuple[str, ...] = ("seeds", "dev/articles")) -> Path:
    """The development set's real articles (../shared seeds + dev), cycled to ``n``, as one JSONL file
    in a temporary folder (third-party text: never written into the repo); each copy ends with a
    line of its own, so that every article is new to the token cache."""
    from corpus.ingest import IngestFailure, discover_inputs, read_inputs
    from pipeline.orchestrate import _clean

    shared = ROOT / ".." / "shared"
    if not (shared / "dev" / "articles").is_dir():
        raise SystemExit("--corpus dev needs ../shared (the development set) beside the repo")
    files = discover_inputs([str(shared / f) for f in folders]).files
    texts = [_clean(r).text for f in files for r in read_inputs(f) if not isinstance(r, IngestFailure)]
    with out.open("w", encoding="utf-8") as f:
        for i in range(n):
            # a last line of its own (letters, no number) so that no copy hits the token cache
            code = "".join(chr(ord("a") + int(d)) for d in f"{i:06d}")
            text = f"{texts[i % len(texts)]}\nMã tin {code}."
            rec = {"url": f"https://dev.example.vn/{i:06d}.html", "text": text}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return out


def _best(rounds: int, fn) -> float:
    """The shortest wall time of ``rounds`` calls of ``fn`` (other load only ever adds time)."""
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def stages(n: int, tokenizer: str, corpus: str = "synth", rounds: int = 3) -> None:
    from corpus.ingest import read_inputs
    from pipeline.orchestrate import _clean, _extract, build_extractor, run_pipeline
    from pipeline.storage import BatchWriter, open_store, versions_key

    tmp = Path(tempfile.mkdtemp(prefix="dvk-bench-"))
    if corpus == "synth":
        src = synth.write(n, tmp / "in.jsonl")
    else:
        src = dev_corpus(n, tmp / "in.jsonl", ("seeds",) if corpus == "seeds" else ("seeds", "dev/articles"))
    extractor = build_extractor(tokenizer)
    extractor.extract(_clean(next(iter(read_inputs(src)))))  # warm-up: lazy loads
    articles = [_clean(raw) for raw in read_inputs(src)]
    if tokenizer == "pyvi":
        from pyvi import ViTokenizer

        backend = ViTokenizer.tokenize
    else:
        from underthesea import word_tokenize as backend

    class _NoCache:
        def cached_tokens(self, *_: object) -> None:
            return None

    def store_all() -> None:
        vkey = versions_key(extractor.versions)
        with open_store(tmp / f"store-{time.monotonic_ns()}") as store:
            writer = BatchWriter(store, "bench")  # as a run stores: several articles per transaction
            for a, e in zip(articles, extractions, strict=True):
                writer.add(a, e, vkey)
            writer.flush()

    extractions = [_extract(_NoCache(), extractor, a)[0] for a in articles]
    t_clean = _best(rounds, lambda: [_clean(raw) for raw in read_inputs(src)])
    t_tok = _best(rounds, lambda: [extractor.tokenize(a.text) for a in articles])
    t_ext = _best(rounds, lambda: [_extract(_NoCache(), extractor, a) for a in articles])
    t_store = _best(rounds, store_all)
    from underthesea import word_tokenize

    # end to end, the tokenizer alone and underthesea alone (the yardstick), interleaved
    # so that all three see the same load: the machine's speed drifts by 10-20% over minutes
    t_e2e = t_alone = t_uts = float("inf")
    for r in range(rounds):
        t_e2e = min(t_e2e, _best(1, lambda r=r: run_pipeline([str(src)], tmp / f"e2e-{r}", tokenizer)))
        t_alone = min(t_alone, _best(1, lambda: [backend(a.text) for a in articles]))
        if tokenizer != "underthesea":
            t_uts = min(t_uts, _best(1, lambda: [word_tokenize(a.text) for a in articles]))
    if tokenizer == "underthesea":
        t_uts = t_alone
    factor = TARGET_FACTOR[tokenizer]
    print(f"| {tokenizer} | {corpus} | {n} | {_rate(n, t_clean)} | {_rate(n, t_tok)} | {_rate(n, t_ext)} | "
          f"{_rate(n, t_store)} | {_rate(n, t_e2e)} | {_rate(n, t_alone)} | {t_alone / t_e2e:.2f}× | "
          f"{_rate(n, t_uts)} | {t_uts / (factor * t_e2e):.2f} |")  # fmt: skip


#: The issue's targets: dvk end to end at least this many times underthesea's word_tokenize alone.
TARGET_FACTOR = {"underthesea": 1.0, "pyvi": 2.5}


def _dvk(*args: str) -> tuple[float, int]:
    """(wall seconds, peak RSS in MiB) of one ``dvk`` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    subprocess.run([str(ROOT / ".venv" / "bin" / "dvk"), *args], check=True, capture_output=True)
    wall = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) // 1024


def scaling(n: int, tokenizer: str, dask: bool = False) -> None:
    """Wall time of ``dvk run`` on 1 and 2 worker processes (and, with ``dask``, on a local Dask
    cluster of 2 workers that ``dvk run --engine dask`` starts, its start-up included)."""
    tmp = Path(tempfile.mkdtemp(prefix="dvk-bench-"))
    src = synth.write(n, tmp / "in")
    walls = {}
    for w in (1, 2):
        walls[w], _ = _dvk(
            "run", str(src), "--out", str(tmp / f"w{w}"), "--tokenizer", tokenizer, "--workers", str(w)
        )
    line = f"| {tokenizer} | {n} | {walls[1]:.1f} | {walls[2]:.1f} | {walls[1] / walls[2]:.2f} |"
    if dask:
        wall, _ = _dvk(
            "run", str(src), "--out", str(tmp / "dask"), "--tokenizer", tokenizer, "--engine", "dask",
            "--workers", "2",
        )  # fmt: skip
        line += f" {wall:.1f} | {walls[1] / wall:.2f} |"
    print(line)


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
    ap.add_argument(
        "--corpus",
        choices=["synth", "dev", "seeds"],
        default="synth",
        help="stages: synthetic articles, or the real development articles of ../shared cycled",
    )
    ap.add_argument("--rounds", type=int, default=3, help="stages: best of this many rounds")
    ap.add_argument("--dask", action="store_true", help="scaling: also on a local Dask cluster of 2 workers")
    args = ap.parse_args()
    for tok in args.tokenizer or ["pyvi"]:
        for n in args.n or [200]:
            if args.what == "stages":
                stages(n, tok, args.corpus, args.rounds)
            else:
                scaling(n, tok, args.dask) if args.what == "scaling" else memory(n, tok)


if __name__ == "__main__":
    main()
