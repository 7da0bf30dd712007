"""``dvk rerun``: re-extract the stored articles that an extractor change makes stale.

A rerun reads no input file: the cleaned text of every article is in the
``articles`` table, and its tokens are in the token cache (tokenizing again only
on a miss).  It walks the stored articles in ``article_id`` order, a page at a
time (nothing but one page in memory), and re-extracts each one whose
``versions_key`` differs from the current extractor's; the others are counted as
unchanged.  A page is one query, which also brings the articles' cached tokens
and the layers of their last extraction (nothing else is read per article): only
the components whose version changed run again, and those that read what they write
when that came out different; the others' results are restored from the layers
(:mod:`extractors.layers`).  An article whose records came out as those its rows were made
from, by the same normaliser, keeps its rows (re-stamped as the rerun's:
:func:`pipeline.storage.kept_write`).  Articles are written in batches, as by
``dvk run`` (:class:`pipeline.storage.BatchWriter`), so a rerun killed at any point
loses at most the uncommitted batch and, started again, picks up where it
stopped: the articles already written carry the current key and are skipped.

The tokenizer and extractor set default to those of the dataset's latest run.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from corpus.records import Article
from extractors.records import Extraction
from pipeline import __version__, orchestrate
from pipeline.batch_gc import batch_gc
from pipeline.engines import ExtractorSpec, ScaleOptions
from pipeline.errors import NoDatasetError
from pipeline.normalise import normaliser_version
from pipeline.orchestrate import Progress, RunSummary
from pipeline.outcome import EXTRACT_FAILED, EXTRACTED, STORE_FAILED, Outcome
from pipeline.spool import run_spool
from pipeline.storage import (
    ArticleWrite,
    BatchWriter,
    CachedTokens,
    RunInfo,
    Store,
    article_write,
    dataset_path,
    kept_write,
    new_run_id,
    open_store,
    run_versions,
    versions_key,
)
from pipeline.token_cache import TokenSource, accepts_tokens, extract_with_cache, extractor_token_key

log = logging.getLogger(__name__)

#: Articles fetched per page while walking the dataset (each page is one scan of ``articles``).
PAGE = 256

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


def run_normalisers(store: Store) -> dict[str, str | None]:
    """The normaliser version of each run of the dataset (None for runs that did not record it)."""
    rows = store.con.execute("SELECT run_id, versions_json FROM runs").fetchall()
    return {run_id: json.loads(v or "{}").get("dvk.normaliser") for run_id, v in rows}


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
    for page in stale_pages(store, vkey):
        for stale in page:
            yield stale.article


@dataclass(frozen=True, slots=True)
class Stale:
    """A stored article to re-extract, with what is kept of its earlier extraction."""

    article: Article
    tokens: CachedTokens | None  # its cached tokens (None when not cached, or without a key)
    layers: bytes | None  # the layers of its last extraction (extractors.layers), if stored
    run_id: str = ""  # the run that wrote its rows


def stale_pages(store: Store, vkey: str, tokenizer_key: str | None = None) -> Iterator[list[Stale]]:
    """Pages of :func:`stale_articles`, each article with its tokens cached under ``tokenizer_key``
    and its stored layers: one query per page."""
    cols = ", ".join(f'a."{c}"' for c in _COLUMNS)
    last = ""
    while True:
        rows = store.con.execute(
            f"SELECT {cols}, a.run_id, t.starts, t.ends, l.data FROM articles a LEFT JOIN token_cache t"
            " ON t.content_hash = a.content_hash AND t.tokenizer_key = ?"
            " LEFT JOIN layers l ON l.article_id = a.article_id"
            f" WHERE a.versions_key <> ? AND a.article_id > ? ORDER BY a.article_id LIMIT {PAGE}",
            [tokenizer_key, vkey, last],
        ).fetchall()
        if not rows:
            return
        page = []
        for row in rows:
            run_id, starts, ends, data = row[-4:]
            tokens = None if starts is None else CachedTokens(tokenizer_key, tuple(starts), tuple(ends))
            page.append(Stale(stored_article(row[:-4]), tokens, data, run_id))
        yield page
        last = rows[-1][0]


def rerun_pipeline(
    out_dir: Path,
    tokenizer: str | None = None,
    extractors: str | None = None,
    progress: Callable[[Progress], object] | None = None,
    *,
    extractor: object | None = None,
    scale: ScaleOptions | None = None,
) -> RunSummary:
    """Re-extract the stale articles of the dataset in ``out_dir``; returns the run's summary.

    ``scale``: re-extract on a process pool or a Dask cluster (:mod:`pipeline.engines`; its
    prefilter does not apply: a rerun reads no input); without it, in this process.

    ``n_read`` counts the stored articles, ``n_unchanged`` those already current,
    ``n_new`` those re-extracted, ``n_failed`` those whose extraction failed
    (they keep their old rows).  Raises :class:`NoDatasetError` when ``out_dir``
    holds no dataset.
    """
    started = time.perf_counter()
    if not dataset_path(Path(out_dir)).is_file():
        raise NoDatasetError(f"{out_dir} holds no dvk dataset; run `dvk run` first")
    summary = RunSummary(run_id=new_run_id(), out_dir=Path(out_dir))
    with batch_gc(), open_store(Path(out_dir)) as store:
        last = latest_config(store) or ("underthesea", "rules")
        tokenizer = tokenizer or last[0]
        extractors = extractors or last[1]
        if extractor is None:
            extractor = orchestrate.build_extractor(tokenizer, extractors)
        tokenizer = getattr(extractor, "tokenizer", tokenizer)
        versions = dict(extractor.versions)  # type: ignore[attr-defined]
        vkey = versions_key(versions)
        store.start_run(
            RunInfo(summary.run_id, __version__, tokenizer, run_versions(versions), [], command="rerun")
        )
        total, current = store.con.execute(
            "SELECT count(*), count(*) FILTER (WHERE versions_key = ?) FROM articles", [vkey]
        ).fetchone()
        summary.n_read, summary.n_unchanged = total, current
        try:
            spec = ExtractorSpec(tokenizer, getattr(extractor, "extractors", extractors))
            _rerun_articles(store, extractor, vkey, summary, progress, scale or ScaleOptions(), spec)
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


@dataclass(frozen=True, slots=True)
class _PageTokens:
    """The token source of one page: the tokens fetched with it, then those of the writer's batch."""

    fetched: dict[tuple[str, str], CachedTokens]
    writer: BatchWriter

    def cached_tokens(self, content_hash: str, tokenizer_key: str) -> CachedTokens | None:
        hit = self.fetched.get((content_hash, tokenizer_key))
        return hit or self.writer.pending_tokens(content_hash, tokenizer_key)


@dataclass(frozen=True, slots=True)
class _OwnTokens:
    """The token source of one stale article away from the dataset (a worker): its own cached tokens."""

    stale: Stale

    def cached_tokens(self, content_hash: str, tokenizer_key: str) -> CachedTokens | None:
        tokens = self.stale.tokens
        if tokens is None or tokens.tokenizer_key != tokenizer_key:
            return None
        return tokens if content_hash == self.stale.article.content_hash else None


@dataclass(slots=True)
class Redone:
    """What re-extracting one stale article gave (:func:`reextract`), for :func:`commit_redone`."""

    article: Article
    extraction: Extraction | None = None  # normalised, unless the stored rows are kept
    tokens: CachedTokens | None = None  # tokens made on a cache miss, to cache
    keep: bool = False  # the records are those the stored rows were made from
    reason: str = ""  # why the extraction failed (``extraction`` is then None)
    write: ArticleWrite | None = None  # its write, made by a Dask worker (instead of ``extraction``)


@dataclass(frozen=True, slots=True)
class RerunItem:
    """One stale article to re-extract, and whether its rows were made by the current normaliser."""

    stale: Stale
    same_normaliser: bool


def reextract(item: RerunItem, extractor: object, source: TokenSource | None = None) -> Redone:
    """Re-extract one stale article on its cached tokens (``source``: where they are looked up;
    default: those fetched with it) and stored layers; normalise its records unless they are
    those its stored rows were made from, by the same normaliser.  No I/O: this runs in a pool
    process or on a Dask worker as well as in the writer's."""
    stale = item.stale
    article = stale.article
    try:
        extraction, tokens = extract_with_cache(
            source or _OwnTokens(stale), extractor, article, layers=stale.layers
        )
        keep = extraction.same_records and item.same_normaliser
        if not keep:
            extraction = orchestrate._normalised(extraction, article)
    except Exception as exc:  # noqa: BLE001 - per-article isolation
        log.debug("extraction of %s failed", article.doc, exc_info=True)
        return Redone(article, reason=f"extract: {orchestrate._describe(exc)}")
    return Redone(article, extraction, tokens, keep)


def commit_redone(redone: Redone, writer: BatchWriter, vkey: str, summary: RunSummary) -> None:
    """Hand one re-extracted article to the rerun's writer (a failure is recorded, and the article
    keeps its old rows)."""
    article, extraction = redone.article, redone.extraction
    if extraction is None and redone.write is None:
        orchestrate._fail(writer.store, summary, article.source, article.doc, redone.reason)
        return
    try:
        if redone.write is not None:
            writer.add_write(redone.write)
        elif redone.keep:
            writer.keep_rows(article, vkey, extraction.layers, tokens=redone.tokens)
        else:
            writer.add(article, extraction, vkey, tokens=redone.tokens)
    except Exception as exc:  # noqa: BLE001
        orchestrate._fail(
            writer.store, summary, article.source, article.doc, f"store: {orchestrate._describe(exc)}"
        )


def spooled_redone(redone: Redone, run_id: str, vkey: str) -> Outcome:
    """A re-extracted article as a Dask worker's partition keeps it (:mod:`pipeline.spool`): its
    write (rows kept, or made anew), or why it failed (to extract, or to make its rows)."""
    article, extraction = redone.article, redone.extraction
    if extraction is None:
        return Outcome(EXTRACT_FAILED, article.source, article.doc, redone.reason, article)
    try:
        if redone.keep:
            write = kept_write(article, run_id, vkey, extraction.layers, redone.tokens)
        else:
            write = article_write(article, extraction, run_id, vkey, redone.tokens)
    except Exception as exc:  # noqa: BLE001 - the writer would record it as a failure to store
        reason = f"store: {orchestrate._describe(exc)}"
        return Outcome(STORE_FAILED, article.source, article.doc, reason, article)
    return Outcome(EXTRACTED, article.source, article.doc, "", article, write=write)


def loaded_redone(item: Outcome) -> Redone:
    """A :class:`Redone` of a spooled item (:func:`spooled_redone`), for :func:`commit_redone`."""
    if item.article is None:
        raise ValueError(f"{item.doc}: a rerun's spooled item without its article")
    return Redone(item.article, reason=item.reason, write=item.write)


def _rerun_articles(
    store: Store,
    extractor: object,
    vkey: str,
    summary: RunSummary,
    progress: Callable[[Progress], object] | None,
    scale: ScaleOptions,
    spec: ExtractorSpec,
) -> None:
    def report(article: Article) -> None:
        if progress is not None:
            done = summary.n_unchanged + summary.n_new + summary.n_failed
            progress(Progress(done, summary.n_read, done, article.doc))

    writer = orchestrate.run_writer(store, summary, verb="re-extracted")
    on_commit = writer.on_commit

    def committed(article: Article, replaced: bool) -> None:
        on_commit(article, True)  # type: ignore[misc]
        report(article)

    writer.on_commit = committed
    key = extractor_token_key(extractor) if accepts_tokens(extractor) else None
    normaliser, normalisers = normaliser_version(), run_normalisers(store)

    def items(page: list[Stale]) -> Iterator[RerunItem]:
        for stale in page:
            yield RerunItem(stale, normalisers.get(stale.run_id) == normaliser)

    try:
        if scale.parallel:
            from pipeline import engines

            stale = (item for page in stale_pages(store, vkey, key) for item in items(page))
            spool = run_spool(scale.spool or store.directory, summary.run_id)
            for redone in engines.rerun_outcomes(stale, extractor, spec, scale, vkey, spool, store):
                commit_redone(redone, writer, vkey, summary)
        else:
            for page in stale_pages(store, vkey, key):
                fetched = {
                    (s.article.content_hash, s.tokens.tokenizer_key): s.tokens
                    for s in page
                    if s.tokens is not None
                }
                source = _PageTokens(fetched, writer)
                for item in items(page):
                    commit_redone(reextract(item, extractor, source), writer, vkey, summary)
        writer.flush()
    except BaseException:
        with contextlib.suppress(Exception):
            writer.flush()
        raise
