"""One dvk run: discover inputs, read, clean, extract, store.

:func:`run_pipeline` streams over the inputs in a fixed order (sorted files,
JSONL line order), holding one article at a time in the stages and at most one
batch of extracted articles waiting to be stored.  Articles are committed
several per transaction (:class:`pipeline.storage.BatchWriter`: 256 articles or
10 seconds), so a killed run loses at most the uncommitted batch, never part of
an article; rerunning the same command resumes it, because articles already
stored with the same content and extractor versions are skipped ("unchanged")
and the lost ones are not.  An article counts as stored (``n_new``, the
``stored`` log line) once its batch is committed.

A bad input never stops the run: it is recorded in the ``failures`` table with
the stage that failed (read, clean, extract, store) and the reason.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from corpus.clean import clean_article
from corpus.ingest import IngestFailure, discover_inputs, read_inputs
from corpus.records import Article, IngestError, RawArticle
from pipeline import __version__
from pipeline.batch_gc import batch_gc
from pipeline.errors import BadOptionError
from pipeline.normalise import normalise_extraction
from pipeline.storage import (
    BatchWriter,
    RunCounts,
    RunInfo,
    Store,
    check_dataset_dir,
    new_run_id,
    open_store,
    run_versions,
    versions_key,
)
from pipeline.token_cache import TokenSource, extract_with_cache

if TYPE_CHECKING:
    from extractors.pipeline import Extractor
    from extractors.records import Extraction
    from pipeline.engines import ExtractorSpec, ScaleOptions
    from pipeline.storage import CachedTokens

log = logging.getLogger(__name__)

#: How many failures a RunSummary keeps for display (all are in the ``failures`` table).
MAX_LISTED_FAILURES = 50


@dataclass(frozen=True, slots=True)
class Failure:
    """One input that did not become stored rows."""

    source: str
    doc: str
    reason: str


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a run is: passed to the ``progress`` callback after every article and file."""

    files_done: int
    files_total: int
    articles_done: int
    doc: str | None = None


@dataclass(slots=True)
class RunSummary(RunCounts):
    """What a run did.  ``n_new`` counts stored articles, ``n_replaced`` of them had older rows."""

    run_id: str = ""
    out_dir: Path = Path()
    n_replaced: int = 0
    n_filtered: int = 0  # read, then dropped by the keyword prefilter (pipeline.engines)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.n_failed == 0


@functools.cache
def build_extractor(tokenizer: str, extractors: str = "rules") -> Extractor:
    """The Extractor for a tokenizer and an extractor set (rules, ml, hybrid), built once per
    process (loading models is slow)."""
    from extractors.pipeline import Extractor

    try:
        return Extractor(tokenizer=tokenizer, extractors=extractors)
    except ValueError as exc:
        raise BadOptionError(str(exc)) from exc


def run_pipeline(
    inputs: Sequence[str],
    out_dir: Path,
    tokenizer: str = "underthesea",
    progress: Callable[[Progress], object] | None = None,
    *,
    extractor: Extractor | None = None,
    extractors: str = "rules",
    scale: ScaleOptions | None = None,
) -> RunSummary:
    """Run dvk over ``inputs`` (files, folders, globs) into the dataset in ``out_dir``.

    Raises ``corpus.ingest.InputError`` for a missing input path and the
    usage errors of :func:`pipeline.storage.open_store` before anything is
    written.  ``extractor`` replaces the one built from ``tokenizer``.  ``scale``
    spreads the run over processes or a Dask cluster and sets the keyword
    prefilter (:mod:`pipeline.engines`); without it, one process and no prefilter
    but WARC input's default one.
    """
    from pipeline.engines import ExtractorSpec, ScaleOptions

    scale = scale or ScaleOptions()
    started = time.perf_counter()
    plan = discover_inputs(inputs)
    out_dir = check_dataset_dir(out_dir)
    summary = RunSummary(
        run_id=new_run_id(), out_dir=out_dir, n_files=len(plan.files), n_skipped_files=len(plan.skipped)
    )
    _report(progress, 0, summary, None)
    if extractor is None:
        extractor = build_extractor(tokenizer, extractors)
    with batch_gc(), open_store(out_dir) as store:
        tokenizer = getattr(extractor, "tokenizer", tokenizer)
        store.start_run(
            RunInfo(summary.run_id, __version__, tokenizer, run_versions(extractor.versions), list(inputs))
        )
        spec = ExtractorSpec(tokenizer, extractors)
        _run_files(plan.files, store, extractor, summary, progress, scale, spec)
        if summary.n_replaced:  # earlier versions of some texts are gone, and their tokens' use
            store.prune_token_cache()
        store.export_parquet()
        summary.rows = store.counts()
    summary.seconds = time.perf_counter() - started
    return summary


def _run_files(
    files: Sequence[Path],
    store: Store,
    extractor: Extractor,
    summary: RunSummary,
    progress: Callable[[Progress], object] | None,
    scale: ScaleOptions,
    spec: ExtractorSpec,
) -> None:
    """Process every article of every file; the run row ends ``done``, ``failed`` or ``interrupted``."""
    from pipeline import engines

    vkey = versions_key(extractor.versions)
    writer = run_writer(store, summary)
    try:
        if scale.parallel:
            engines.run_engine(files, writer, extractor, spec, summary, scale, progress)
        else:
            for n_done, path in enumerate(files, start=1):
                for item, early in engines.read_screened(path, scale):
                    if early is not None and early.kind == engines.FILTERED:
                        engines.commit(early, writer, vkey, summary)  # counted, nothing stored
                    else:
                        _process(item, writer, extractor, vkey, summary)
                    _report(progress, n_done - 1, summary, item, len(writer))
                _report(progress, n_done, summary, None, len(writer))
        writer.flush()
    except BaseException as exc:
        status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
        with contextlib.suppress(Exception):
            writer.flush()  # what was extracted before the error is not lost
        with contextlib.suppress(Exception):
            store.finish_run(summary.run_id, summary, status)
        raise
    store.finish_run(summary.run_id, summary, "done")


def run_writer(store: Store, summary: RunSummary, verb: str = "stored") -> BatchWriter:
    """The batch writer of a run: counts and logs each article when its batch is committed, and
    records the ones that cannot be stored as failures of the ``store`` stage."""

    def committed(article: Article, replaced: bool) -> None:
        summary.n_new += 1
        summary.n_replaced += int(replaced)
        log.info("%s %s", verb, article.doc)

    def failed(article: Article, exc: Exception) -> None:
        log.debug("storing %s failed", article.doc, exc_info=exc)
        _fail(store, summary, article.source, article.doc, f"store: {_describe(exc)}")

    return BatchWriter(store, summary.run_id, on_commit=committed, on_fail=failed)


def _report(
    progress: Callable[[Progress], object] | None,
    files_done: int,
    summary: RunSummary,
    item: RawArticle | IngestFailure | None,
    pending: int = 0,
) -> None:
    """Report progress; ``pending``: articles extracted and waiting for their batch's commit."""
    if progress is None:
        return
    articles = summary.n_new + summary.n_unchanged + summary.n_failed + pending
    progress(Progress(files_done, summary.n_files, articles, item.doc if item else None))


def _read_file(path: Path) -> Iterator[RawArticle | IngestFailure]:
    """``read_inputs`` with any unexpected error turned into a failure of the file."""
    try:
        yield from read_inputs(path)
    except Exception as exc:  # noqa: BLE001 - one unreadable file must not stop the run
        log.debug("reading %s failed", path, exc_info=True)
        yield IngestFailure(source=str(path), doc=path.name, reason=f"{type(exc).__name__}: {exc}")


def _process(
    item: RawArticle | IngestFailure,
    writer: BatchWriter,
    extractor: Extractor,
    vkey: str,
    summary: RunSummary,
) -> None:
    """Clean and extract one article and hand it to the writer, or record why that failed."""
    store = writer.store
    if isinstance(item, IngestFailure):
        _fail(store, summary, item.source, item.doc, f"read: {item.reason}")
        return
    summary.n_read += 1
    try:
        article = _clean(item)
    except Exception as exc:  # noqa: BLE001
        _fail(store, summary, item.source, item.doc, f"clean: {_describe(exc)}")
        return
    if writer.has_current(article.article_id, article.content_hash, vkey):
        summary.n_unchanged += 1
        log.info("unchanged %s", article.doc)
        return
    try:
        extraction, new_tokens = _extract(writer, extractor, article)
    except Exception as exc:  # noqa: BLE001 - per-article isolation is the point
        log.debug("extraction of %s failed", article.doc, exc_info=True)
        _fail(store, summary, article.source, article.doc, f"extract: {_describe(exc)}")
        return
    try:
        writer.add(article, extraction, vkey, tokens=new_tokens)  # counted when its batch commits
    except Exception as exc:  # noqa: BLE001
        log.debug("storing %s failed", article.doc, exc_info=True)
        _fail(store, summary, article.source, article.doc, f"store: {_describe(exc)}")


def _extract(
    store: TokenSource, extractor: Extractor, article: Article, layers: bytes | None = None
) -> tuple[Extraction, CachedTokens | None]:
    """The extract stage of one cleaned article: its normalised records and the tokens to cache.

    ``store`` is where cached tokens come from (a Store, a BatchWriter); the workers of
    :mod:`pipeline.engines` give one that caches nothing.  ``layers``: those stored with the
    article's earlier extraction (a rerun reuses what did not change).  The normalised
    extraction keeps the layers of the raw one.
    """
    extraction, new_tokens = extract_with_cache(store, extractor, article, layers=layers)
    return _normalised(extraction, article), new_tokens


def _normalised(extraction: Extraction, article: Article) -> Extraction:
    """The normalised records of an extraction (keeping its layers)."""
    normalised = normalise_extraction(extraction, article.published)
    normalised.layers = extraction.layers
    return normalised


def _clean(raw: RawArticle) -> Article:
    article = clean_article(raw)
    if not article.article_id:
        raise IngestError("cleaning gave no article_id")
    if not article.content_hash:
        article.content_hash = hashlib.sha1(article.text.encode("utf-8")).hexdigest()
    return article


def _describe(exc: BaseException) -> str:
    if isinstance(exc, IngestError):
        return str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {exc}"


def _fail(store: Store, summary: RunSummary, source: str, doc: str, reason: str) -> None:
    summary.n_failed += 1
    if len(summary.failures) < MAX_LISTED_FAILURES:
        summary.failures.append(Failure(source, doc, reason))
    store.record_failure(summary.run_id, source, doc, reason)
    log.info("failed %s: %s", doc, reason)
