"""A rerun after an extractor version change against a full run (issue 5; target: at least 3x faster).

Builds a corpus of N invented articles by replicating the sample corpus's ``.txt`` files
(each copy's headline gets a distinct ending, so each is its own article) or, with
``--kind html``, its saved HTML pages (what a scrape stores; cleaning them is part of a full
run and not of a rerun), or reads the synthetic generator's output when given a folder.  Then, with one extractor built before
timing (model loading excluded from both):

1. ``full``: ``dvk run`` into a new dataset (read, clean, tokenize, extract, store);
2. ``rerun, <component> changed``: ``dvk rerun`` after a simulated change of one rule
   component (a copy of the extractor whose ``rule.<component>`` version is bumped), for
   each component in turn, each on top of the last (as successive releases would): every
   article is stale; the components that changed run again on the cached tokens, and those
   that read what they write when that differs from what the stored layers hold (a bumped
   version alone changes no output: this is the cost of a rule fix for the articles it does
   not touch); the others' results come from the stored layers, and an article whose records
   came out the same keeps its stored rows;
2b. ``rerun, dvk_units changed its output in 1 article of 10``: a real change (the unit
   grammar sees only the first unit mention of one article in ten): those articles' models
   and statistics run again, and their rows are made again where the records changed;
3. ``rerun, every rule component changed``: ``dvk.rules`` bumped (every component runs again
   on the cached tokens; rows are kept where the records came out the same);
4. the same after deleting ``token_cache`` and ``layers`` (tokenizing again);
5. ``rerun, nothing changed``: the versions as stored: every article is skipped.

It also splits one pass over the articles into tokenizing and the extractor components
(what a cached rerun still pays), to say where the time goes.  Prints a Markdown table; with
``--rounds K`` every pass is timed K times, each round on a new dataset, and each ratio is taken
within its round (single runs of this job move by 10-30% on a shared machine).  ``--workers N``
runs the full run and every rerun on a pool of N processes (``dvk run`` / ``dvk rerun --workers N``).

Usage: ``.venv/bin/python bench/bench_rerun.py [--n 200] [--rounds 1] [--workers 1] [--tokenizer underthesea|pyvi] [--kind txt|html] [--corpus DIR|dev]``
"""

from __future__ import annotations

import argparse
import copy
import resource
import shutil
import sys
import tempfile
import time
import zlib
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def make_corpus(folder: Path, n: int, kind: str = "txt") -> Path:
    """``n`` invented articles: the sample corpus's ``.txt`` (or ``.html``) files cycled, each copy
    made its own article (a headline ending, or a first paragraph, of its own)."""
    sources = sorted((ROOT / "corpus" / "samples").glob(f"*.{kind}"))
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        src = sources[i % len(sources)]
        page = src.read_text(encoding="utf-8")
        if kind == "txt":
            title, rest = page.split("\n", 1)
            page = f"{title} (tin số {i})\n{rest}"
        else:
            at = page.index("<p", page.index("<body"))
            page = f"{page[:at]}<p>Bản tin số {i} của chuyên mục Dân vận.</p>\n{page[at:]}"
        (folder / f"r{i:05d}_{src.name}").write_text(page, encoding="utf-8")
    return folder


class Timing(float):
    """Wall seconds of one pass (a float), with the CPU seconds of this process and its children
    (``cpu``): on a shared machine the CPU time moves less than the wall time from run to run."""

    cpu: float

    def __new__(cls, wall: float, cpu: float) -> Timing:
        obj = super().__new__(cls, wall)
        obj.cpu = cpu
        return obj


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(fn, *args, **kwargs) -> tuple[Timing, object]:
    c, t = _cpu(), time.perf_counter()
    out = fn(*args, **kwargs)
    return Timing(time.perf_counter() - t, _cpu() - c), out


def split_stages(extractor, dataset: Path) -> tuple[float, float]:
    """Seconds spent tokenizing and in the extractor components over the stored articles (every
    article tokenized first, then extracted: the per-text caches the tokenizer's scope fills are
    cold again when the components run, as in a rerun)."""
    from pipeline.rerun import stale_articles
    from pipeline.storage import open_store

    with open_store(dataset, read_only=True) as store:
        articles = list(stale_articles(store, "none"))
    t = time.perf_counter()
    tokens = [extractor.tokenize(a.text) for a in articles]  # in the scope the rules use
    t_tok = time.perf_counter() - t
    t = time.perf_counter()
    for a, toks in zip(articles, tokens, strict=True):
        extractor.extract(a, tokens=toks)
    return t_tok, time.perf_counter() - t


def _first_article(corpus: Path, tmp: Path) -> Path:
    """An input holding one article of ``corpus`` (to warm up on): its first file, or the first
    record of a JSONL file (warming up on all of them would warm the full run's caches too)."""
    first = next(p for p in sorted(corpus.iterdir()) if p.is_file())
    if first.suffix != ".jsonl":
        return first
    one = tmp / "warm-one.jsonl"
    with first.open(encoding="utf-8") as f:
        one.write_text(f.readline(), encoding="utf-8")
    return one


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200, help="articles to generate (ignored with --corpus)")
    ap.add_argument("--tokenizer", default="underthesea", choices=("underthesea", "pyvi"))
    ap.add_argument(
        "--corpus",
        type=Path,
        help="a folder of articles to use instead, or `dev`: the development set's real articles "
        "(../shared seeds + dev) cycled to --n, each copy its own article (bench_scale.py's)",
    )
    ap.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="rounds of every pass, each on a new dataset (ratios are taken within a round; medians printed)",
    )
    ap.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes that extract, in the full run and in every rerun alike (--workers of dvk run / rerun)",
    )
    ap.add_argument(
        "--kind",
        default="txt",
        choices=("txt", "html"),
        help="the sample files to cycle: plain text, or saved HTML pages (as a scrape stores them)",
    )
    args = ap.parse_args(argv)

    from pipeline.orchestrate import build_extractor

    extractor = build_extractor(args.tokenizer)
    pipe = list(extractor.nlp.pipe_names)

    def changed(versions: dict[str, str], key: str, tag: str):
        """A copy of the extractor whose ``key`` version is bumped (on top of ``versions``)."""
        ex = copy.copy(extractor)
        ex.versions = {**versions, key: versions[key] + tag}
        return ex

    rounds = [_round(extractor, args, pipe, changed) for _ in range(args.rounds)]
    n, t_tok, t_ext = rounds[0][1], rounds[0][2], rounds[0][3]
    print(
        f"{n} articles ({args.corpus or args.kind}), tokenizer {args.tokenizer}, {args.workers} worker(s),"
        f" {args.rounds} round(s)\n"
    )
    print(_table([r[0] for r in rounds], n))
    print(
        f"\nOne pass over the {n} articles (first round): tokenizing {t_tok:.1f} s ({1000 * t_tok / n:.0f} ms/article),"
        f" extractor components on given tokens {t_ext:.1f} s ({1000 * t_ext / n:.0f} ms/article)."
    )


def _table(rounds: list[list[tuple[str, Timing]]], n: int) -> str:
    """A Markdown table: each pass's seconds and articles/s (median over the rounds) and its
    ratio to the full run of the same round, each round's and the median, in wall time and in CPU
    time (with ``--workers`` the workers' CPU counts too: the CPU ratio is then the work saved)."""
    from statistics import median

    lines = [
        "| pass | seconds | articles/s | full run ÷ this, each round | median | CPU seconds: full run ÷ this | median |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for i, (name, _t) in enumerate(rounds[0]):
        seconds = [r[i][1] for r in rounds]
        ratios = [r[0][1] / r[i][1] for r in rounds]
        cpu = [r[0][1].cpu / r[i][1].cpu for r in rounds]
        each, each_cpu = (" / ".join(f"{x:.2f}" for x in xs) for xs in (ratios, cpu))
        t = median(seconds)
        lines.append(
            f"| {name} | {t:.1f} | {n / t:.1f} | {each} | {median(ratios):.2f}× | {each_cpu} | {median(cpu):.2f}× |"
        )
    return "\n".join(lines)


def _round(extractor, args, pipe, changed) -> tuple[list[tuple[str, Timing]], int, float, float]:
    """One round of passes on a new dataset: [(pass, seconds)], articles, and the one-pass split."""
    from pipeline.engines import ScaleOptions
    from pipeline.orchestrate import run_pipeline
    from pipeline.rerun import rerun_pipeline
    from pipeline.storage import open_store

    scale = ScaleOptions(workers=args.workers)  # the full run and every rerun alike
    with tempfile.TemporaryDirectory(prefix="dvk-bench-rerun-") as tmp:
        tmp_path = Path(tmp)
        if args.corpus == Path("dev"):
            from bench_scale import dev_corpus

            (tmp_path / "in").mkdir()
            corpus = dev_corpus(args.n, tmp_path / "in" / "dev.jsonl").parent
        else:
            corpus = args.corpus or make_corpus(tmp_path / "in", args.n, args.kind)
        warm = tmp_path / "warm"  # load the backend and the components once, outside the timings
        run_pipeline([str(_first_article(corpus, tmp_path))], warm, extractor=extractor)
        shutil.rmtree(warm)

        out = tmp_path / "ds"
        t_full, full = timed(run_pipeline, [str(corpus)], out, extractor=extractor, scale=scale)
        n = full.n_new
        passes: list[tuple[str, Timing]] = [("full run (`dvk run`, new dataset)", t_full)]
        # one component changes at a time, as releases would change them (each on top of the last)
        current = dict(extractor.versions)
        for name in pipe:
            ex = changed(current, f"rule.{name}", "+bench")
            t, res = timed(rerun_pipeline, out, extractor=ex, scale=scale)
            assert res.n_new == n, (name, res)
            passes.append((f"rerun, `{name}` changed", t))
            current = ex.versions
        # a real rule change: the unit grammar now sees only the first unit mention of 1 article in 10
        from extractors import units
        from pipeline import rerun

        real, real_commit = units.article_context, rerun.commit_redone
        remade = [0]

        def one_in_ten(text, title=None):
            ctx = real(text, title)
            if zlib.crc32(text.encode("utf-8")) % 10 == 0:
                ctx.mentions = ctx.mentions[:1]
            return ctx

        def counted(redone, *a, **k):  # the articles whose rows are made again (in the writer's process)
            remade[0] += not redone.keep
            return real_commit(redone, *a, **k)

        units.article_context, rerun.commit_redone = one_in_ten, counted  # pool workers fork after this
        try:
            ex = changed(current, "rule.dvk_units", "+one-in-ten")
            t, res = timed(rerun_pipeline, out, extractor=ex, scale=scale)
        finally:
            units.article_context, rerun.commit_redone = real, real_commit
        assert res.n_new == n, res
        passes.append(
            (f"rerun, `dvk_units` changed its output in 1 article of 10 (rows of {remade[0]} made again)", t)
        )
        current = ex.versions
        ex = changed(current, "dvk.rules", "+bench")  # every component's layers are stale
        t_all, res = timed(rerun_pipeline, out, extractor=ex, scale=scale)
        assert res.n_new == n, res
        passes.append(("rerun, every rule component changed (`dvk.rules`)", t_all))
        with open_store(out) as store:
            store.con.execute("DELETE FROM token_cache")
            store.con.execute("DELETE FROM layers")
        ex = changed(ex.versions, "dvk.rules", "+bench2")
        t_nocache, res = timed(rerun_pipeline, out, extractor=ex, scale=scale)
        assert res.n_new == n, res
        passes.append(("rerun, every component changed, token cache emptied", t_nocache))
        t_same, res = timed(rerun_pipeline, out, extractor=ex, scale=scale)
        assert res.n_new == 0, res
        passes.append(("rerun, nothing changed", t_same))
        t_tok, t_ext = split_stages(extractor, out)
    return passes, n, t_tok, t_ext


if __name__ == "__main__":
    main()
