"""``dvk rerun``: re-extract the stored articles that an extractor change makes stale.

A rerun reads no input file: the cleaned text of every article is in the
``articles`` table, and its tokens are in the token cache (tokenizing again only
on a miss).  It walks the stored articles in ``article_id`` order, a page at a
time (nothing but one page in memory), and re-extracts each one whose
``versions_key`` differs from the current extractor's; the others are counted as
unchanged.  Each article is written in its own transaction, exactly as by
``dvk run``, so a rerun killed at any point and started again picks up where it
stopped: the articles already written carry the current key and are skipped.

The tokenizer and extractor set default to those of the dataset's latest run.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from corpus.records import Article
from pipeline import __version__, orchestrate
from pipeline.errors import NoDatasetError
from pipeline.orchestrate import Progress, RunSummary
from pipeline.storage import RunInfo, Store, dataset_path, new_run_id, open_store, versions_key

log = logging.getLogger(__name__)

#: Articles fetched per page while walking the dataset.
PAGE = 64

_COLUMNS = (
    "article_id", "doc", "source", "text", "url", "title", "published", "author", "content_hash",
    "dropped_lines", "province_hint",
)  # fmt: skip


def latest_config(store: Store) -> tuple[str, str] | None:
    """(tokenizer, extractor set) of the dataset's latest run, or None for a dataset without runs."""
    row = store.con.execute(
        "SELECT tokenizer, versions_json FROM runs ORDER BY started_at DESC, run_id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    return row[0], json.loads(row[1]).get("extractors", "rules")


def stored_article(row: tuple) -> Article:
    """The :class:`Article` an ``articles`` row (in :data:`_COLUMNS` order) was stored from."""
    v = dict(zip(_COLUMNS, row, strict=True))
    return Article(
        article_id=v["article_id"], doc=v["doc"], source=v["source"], text=v["text"], url=v["url"],
        title=v["title"], published=v["published"], author=v["author"], content_hash=v["content_hash"],
        dropped=json.loads(v["dropped_lines"] or "[]"), province=v["province_hint"],
    )  # fmt: skip


def stale_articles(store: Store, vkey: str) -> Iterator[Article]:
    """Stored articles whose rows were not made with ``vkey``, in id order, a page at a time."""
    cols = ", ".join(f'"{c}"' for c in _COLUMNS)
    last = ""
    while True:
        rows = store.con.execute(
            f"SELECT {cols} FROM articles WHERE versions_key <> ? AND article_id > ?"
            f" ORDER BY article_id LIMIT {PAGE}",
            [vkey, last],
        ).fetchall()
        if not rows:
            return
        for row in rows:
            yield stored_article(row)
        last = rows[-1][0]


def rerun_pipeline(
    out_dir: Path,
    tokenizer: str | None = None,
    extractors: str | None = None,
    progress: Callable[[Progress], object] | None = None,
    *,
    extractor: object | None = None,
) -> RunSummary:
    """Re-extract the stale articles of the dataset in ``out_dir``; returns the run's summary.

    ``n_read`` counts the stored articles, ``n_unchanged`` those already current,
    ``n_new`` those re-extracted, ``n_failed`` those whose extraction failed
    (they keep their old rows).  Raises :class:`NoDatasetError` when ``out_dir``
    holds no dataset.
    """
    started = time.perf_counter()
    if not dataset_path(Path(out_dir)).is_file():
        raise NoDatasetError(f"{out_dir} holds no dvk dataset; run `dvk run` first")
    summary = RunSummary(run_id=new_run_id(), out_dir=Path(out_dir))
    with open_store(Path(out_dir)) as store:
        last = latest_config(store) or ("underthesea", "rules")
        tokenizer = tokenizer or last[0]
        extractors = extractors or last[1]
        if extractor is None:
            extractor = orchestrate.build_extractor(tokenizer, extractors)
        tokenizer = getattr(extractor, "tokenizer", tokenizer)
        versions = dict(extractor.versions)  # type: ignore[attr-defined]
        vkey = versions_key(versions)
        store.start_run(RunInfo(summary.run_id, __version__, tokenizer, versions, [], command="rerun"))
        total, current = store.con.execute(
            "SELECT count(*), count(*) FILTER (WHERE versions_key = ?) FROM articles", [vkey]
        ).fetchone()
        summary.n_read, summary.n_unchanged = total, current
        try:
            _rerun_articles(store, extractor, vkey, summary, progress)
        except BaseException as exc:
            status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
            with contextlib.suppress(Exception):
                store.finish_run(summary.run_id, summary, status)
            raise
        store.finish_run(summary.run_id, summary, "done")
        store.export_parquet()
        summary.rows = store.counts()
    summary.seconds = time.perf_counter() - started
    return summary


def _rerun_articles(
    store: Store,
    extractor: object,
    vkey: str,
    summary: RunSummary,
    progress: Callable[[Progress], object] | None,
) -> None:
    for article in stale_articles(store, vkey):
        try:
            extraction, new_tokens = orchestrate._extract(store, extractor, article)  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001 - per-article isolation
            log.debug("extraction of %s failed", article.doc, exc_info=True)
            orchestrate._fail(
                store, summary, article.source, article.doc, f"extract: {orchestrate._describe(exc)}"
            )
            continue
        try:
            store.write_article(article, extraction, summary.run_id, vkey, tokens=new_tokens)
        except Exception as exc:  # noqa: BLE001
            orchestrate._fail(
                store, summary, article.source, article.doc, f"store: {orchestrate._describe(exc)}"
            )
            continue
        summary.n_new += 1
        summary.n_replaced += 1
        log.info("re-extracted %s", article.doc)
        if progress is not None:
            done = summary.n_unchanged + summary.n_new + summary.n_failed
            progress(Progress(done, summary.n_read, done, article.doc))
