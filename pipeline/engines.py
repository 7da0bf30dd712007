"""Scale-out: run the clean and extract stages on several processes, or on a Dask cluster.

A run has one writer (the DuckDB dataset takes one) and many hands.  The expensive stages,
cleaning and extraction, are done by :func:`prepare` wherever there is a CPU; the parent
process commits each :class:`Outcome` with :func:`commit`, in input order, so that a run
on N workers stores exactly what a run on one stores (and the export is byte for byte the
same), through the run's :class:`pipeline.storage.BatchWriter` (several articles per
transaction).

- ``local`` engine (:func:`pool_outcomes`): the parent streams the articles of the input
  files (read, then the keyword prefilter) to a ``ProcessPoolExecutor`` of ``workers``
  processes, each holding one Extractor (inherited from the parent by ``fork`` where the
  platform has it, else built once per process), with a bounded number of articles in flight.
- ``dask`` engine (:func:`dask_outcomes`): a ``dask.bag`` over partitions of the *file list*
  (never of the articles: a worker reads its files itself, so the parent holds no article it
  is not writing); each partition is read, prefiltered, cleaned and extracted on a worker
  (:func:`process_partition`, the same code, extractors unchanged, one Extractor per worker
  process) and is written by the worker as a Parquet partition in the run's spool folder
  (:mod:`pipeline.spool`), which the parent loads into the database, a bounded window of
  partitions at a time.  Workers must see the input files and the spool folder at the same
  paths (a shared file system) and run the same dvk: a worker whose extractor versions differ
  from the parent's stops the run.

A rerun (``dvk rerun --workers N`` / ``--engine dask``, :func:`rerun_outcomes`) has no input
files: the writer reads the stale articles from the dataset (the article store) a page at a
time and sends them, with their cached tokens and stored layers, to the pool (a few articles a
task) or to the cluster (:data:`RERUN_PARTITION` articles a partition, :func:`reextract_partition`,
written back as a Parquet partition in the spool), and commits what comes back in the
dataset's order, as a rerun in one process would.

Articles already stored with the same content and extractor versions are skipped before
extraction, as in a serial run: the workers get the set of (article id, content hash) keys
current in the dataset when the run starts (about 100 bytes per stored article), and the
writer checks again before it writes (an article met twice in one run is stored once).
The workers do not read the dataset's token cache (they tokenize); the tokens they make are
cached by the writer as in a serial run.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pyarrow as pa

from corpus.ingest import IngestFailure, is_warc
from corpus.prefilter import Prefilter
from corpus.records import RawArticle
from pipeline.batch_gc import batch_gc, tune_for_batches
from pipeline.errors import BadOptionError, DvkError
from pipeline.outcome import (
    CLEAN_FAILED,
    EXTRACT_FAILED,
    EXTRACTED,
    FILTERED,
    READ_FAILED,
    STORE_FAILED,
    UNCHANGED,
    Outcome,
)
from pipeline.spool import load_partition, run_spool, spooling, write_partition

if TYPE_CHECKING:
    from extractors.pipeline import Extractor
    from pipeline.orchestrate import Progress, RunSummary
    from pipeline.rerun import Redone, RerunItem
    from pipeline.storage import BatchWriter, Store

T = TypeVar("T")
K = TypeVar("K")

ENGINES = ("local", "dask")
#: Articles (local engine) or partitions (dask) in flight per worker.
WINDOW_PER_WORKER = 4


class EngineError(DvkError):
    """The engine cannot run as asked (a worker with other extractor versions, a lost cluster)."""


@dataclass(frozen=True, slots=True)
class ScaleOptions:
    """How a run is spread over processes, and which pages the keyword prefilter drops.

    ``prefilter`` applies to every input; without one, WARC input is prefiltered with the
    default terms unless ``warc_prefilter`` is False.
    """

    engine: str = "local"
    workers: int = 1
    scheduler: str | None = None
    prefilter: Prefilter | None = None
    warc_prefilter: bool = True
    spool: Path | None = None  # where Dask workers write their partitions (default: the dataset folder)

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise BadOptionError(f"unknown engine {self.engine!r}: use one of {', '.join(ENGINES)}")
        if self.workers < 1:
            raise BadOptionError("--workers must be at least 1")
        if self.scheduler and self.engine != "dask":
            raise BadOptionError("--scheduler needs --engine dask")
        if self.spool and self.engine != "dask":
            raise BadOptionError("--spool needs --engine dask")

    @property
    def parallel(self) -> bool:
        return self.engine == "dask" or self.workers > 1

    def prefilter_for(self, path: Path) -> Prefilter | None:
        """The prefilter for the articles of one input file (None: keep them all)."""
        if self.prefilter is not None:
            return self.prefilter
        return Prefilter() if self.warc_prefilter and is_warc(Path(path)) else None


@dataclass(frozen=True, slots=True)
class ExtractorSpec:
    """What a worker process needs to build the run's Extractor itself."""

    tokenizer: str
    extractors: str = "rules"


class _NoTokenCache:
    """What a worker has instead of the dataset's token cache: nothing cached (it tokenizes)."""

    def cached_tokens(self, content_hash: str, tokenizer_key: str) -> None:
        return None


# -- the stages, wherever they run ---------------------------------------------------------------
def screen(item: RawArticle | IngestFailure, prefilter: Prefilter | None) -> Outcome | None:
    """An Outcome for an input that stops before cleaning (unreadable, or prefiltered), else None."""
    if isinstance(item, IngestFailure):
        return Outcome(READ_FAILED, item.source, item.doc, item.reason)
    if prefilter is not None and not prefilter.keeps(item):
        return Outcome(FILTERED, item.source, item.doc)
    return None


def content_key(article_id: str, content_hash: str) -> str:
    return f"{article_id}:{content_hash}"


def prepare(item: RawArticle | IngestFailure, extractor: Extractor, known: frozenset[str]) -> Outcome:
    """Clean and extract one article (the serial run's stages, in the same order), without storing."""
    from pipeline.orchestrate import _clean, _describe, _extract

    if isinstance(item, IngestFailure):
        return Outcome(READ_FAILED, item.source, item.doc, item.reason)
    try:
        article = _clean(item)
    except Exception as exc:  # noqa: BLE001 - one bad article must not stop the run
        return Outcome(CLEAN_FAILED, item.source, item.doc, _describe(exc))
    if content_key(article.article_id, article.content_hash) in known:
        return Outcome(UNCHANGED, article.source, article.doc, article=article)
    try:
        extraction, tokens = _extract(_NoTokenCache(), extractor, article)  # type: ignore[arg-type]
    except Exception as exc:  # noqa: BLE001
        return Outcome(EXTRACT_FAILED, article.source, article.doc, _describe(exc), article=article)
    return Outcome(
        EXTRACTED, article.source, article.doc, article=article, extraction=extraction, tokens=tokens
    )


def commit(outcome: Outcome, writer: BatchWriter, vkey: str, summary: RunSummary) -> None:
    """Hand one Outcome to the run's writer and count it, exactly as the serial run does for the
    same article (a stored article is counted when its batch is committed)."""
    from pipeline.orchestrate import _describe, _fail

    store = writer.store
    kind, article = outcome.kind, outcome.article
    if kind == READ_FAILED:
        _fail(store, summary, outcome.source, outcome.doc, f"read: {outcome.reason}")
        return
    summary.n_read += 1
    if kind == FILTERED:
        summary.n_filtered += 1
    elif kind == CLEAN_FAILED:
        _fail(store, summary, outcome.source, outcome.doc, f"clean: {outcome.reason}")
    elif article is None:
        raise EngineError(f"{outcome.doc}: outcome {kind!r} without its article")
    elif kind == UNCHANGED or writer.has_current(article.article_id, article.content_hash, vkey):
        summary.n_unchanged += 1
    elif kind == EXTRACT_FAILED:
        _fail(store, summary, article.source, article.doc, f"extract: {outcome.reason}")
    elif kind == STORE_FAILED:
        _fail(store, summary, article.source, article.doc, f"store: {outcome.reason}")
    else:
        try:
            if outcome.write is not None:
                writer.add_write(outcome.write)
            else:
                writer.add(article, outcome.extraction, vkey, tokens=outcome.tokens)
        except Exception as exc:  # noqa: BLE001
            _fail(store, summary, article.source, article.doc, f"store: {_describe(exc)}")


def current_keys(store: Store, vkey: str) -> frozenset[str]:
    """Keys (:func:`content_key`) of the articles stored with these extractor versions."""
    rows = store.con.execute(
        "SELECT article_id, content_hash FROM articles WHERE versions_key = ?", [vkey]
    ).fetchall()
    return frozenset(content_key(a, h) for a, h in rows)


def read_screened(
    path: Path, scale: ScaleOptions
) -> Iterator[tuple[RawArticle | IngestFailure, Outcome | None]]:
    """Each input of one file with its early Outcome (None when it goes on to cleaning)."""
    from pipeline.orchestrate import _read_file

    prefilter = scale.prefilter_for(path)
    for item in _read_file(path):
        yield item, screen(item, prefilter)


def run_engine(
    files: Sequence[Path],
    writer: BatchWriter,
    extractor: Extractor,
    spec: ExtractorSpec,
    summary: RunSummary,
    scale: ScaleOptions,
    progress: Callable[[Progress], object] | None = None,
) -> None:
    """Process ``files`` on the chosen engine and commit every outcome in input order (through the
    run's batch writer; the caller flushes it at the end)."""
    from pipeline.orchestrate import Progress
    from pipeline.storage import versions_key

    vkey = versions_key(extractor.versions)
    known = current_keys(writer.store, vkey)
    if scale.engine == "dask":
        spool = run_spool(scale.spool or writer.store.directory, writer.run_id)
        outcomes = dask_outcomes(files, spec, scale, known, vkey, spool, writer.store)
    else:
        outcomes = pool_outcomes(files, extractor, spec, scale, known)
    for files_done, outcome in outcomes:
        commit(outcome, writer, vkey, summary)
        if progress is not None:
            done = summary.n_new + summary.n_unchanged + summary.n_failed + summary.n_filtered + len(writer)
            progress(Progress(files_done, summary.n_files, done, outcome.doc))


# -- local engine: a process pool ---------------------------------------------------------------
_worker_extractor: Any = None
_worker_known: frozenset[str] = frozenset()


def _init_worker(extractor: Extractor | None, spec: ExtractorSpec, known: frozenset[str]) -> None:
    """Set up a pool process: its Extractor (inherited when forked, else built once) and the keys."""
    global _worker_extractor, _worker_known
    tune_for_batches()  # the pool's own process: for its whole life
    if extractor is None:
        from pipeline.orchestrate import build_extractor

        extractor = build_extractor(spec.tokenizer, spec.extractors)
    _worker_extractor, _worker_known = extractor, known


def _prepare_in_worker(item: RawArticle) -> Outcome:
    return prepare(item, _worker_extractor, _worker_known)


def pool_outcomes(
    files: Sequence[Path],
    extractor: Extractor,
    spec: ExtractorSpec,
    scale: ScaleOptions,
    known: frozenset[str],
) -> Iterator[tuple[int, Outcome]]:
    """(files done, Outcome) of every input, in input order, cleaned and extracted by a process pool.

    The parent reads and screens; at most ``WINDOW_PER_WORKER * workers`` articles are in flight.
    """
    with _local_pool(extractor, spec, known, scale.workers) as pool:

        def submitted() -> Iterator[tuple[int, Future[Outcome]]]:
            for n, path in enumerate(files):
                for item, early in read_screened(path, scale):
                    yield n, (_done(early) if early is not None else pool.submit(_prepare_in_worker, item))

        yield from in_order(submitted(), WINDOW_PER_WORKER * scale.workers)


def _local_pool(
    extractor: Extractor | Any, spec: ExtractorSpec, known: frozenset[str], workers: int
) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes, each with the run's Extractor (inherited where processes
    are forked, else built from ``spec``) and the keys of the current articles."""
    forked = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if forked else "spawn")
    initargs = (extractor if forked else None, spec, known)
    return ProcessPoolExecutor(workers, context, initializer=_init_worker, initargs=initargs)


def _done(value: T) -> Future[T]:
    """A future that already holds ``value`` (what needs no worker keeps its place in the order)."""
    future: Future[T] = Future()
    future.set_result(value)
    return future


def in_order(futures: Iterable[tuple[K, Any]], window: int) -> Iterator[tuple[K, Any]]:
    """``(tag, result)`` of each ``(tag, future)`` in the order given, with at most ``window`` futures
    unsettled: the iterable (which submits the work) is advanced only as results are taken, so
    what is in flight, and in memory, stays bounded.  Works for ``concurrent.futures`` and Dask
    futures alike (both have ``result()``)."""
    pending: deque[tuple[K, Any]] = deque()
    for entry in futures:
        pending.append(entry)
        if len(pending) > window:
            tag, future = pending.popleft()
            yield tag, future.result()
    while pending:
        tag, future = pending.popleft()
        yield tag, future.result()


# -- dask engine ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PartitionTask:
    """What every partition needs: how to build the extractor, which versions, what is stored,
    and where its results go (the run's spool folder, :mod:`pipeline.spool`)."""

    spec: ExtractorSpec
    scale: ScaleOptions
    vkey: str
    known: frozenset[str]
    run_id: str = ""
    spool: str = ""


@dataclass(slots=True)
class PartitionResult:
    """Where the outcomes of one partition's files were written (a Parquet partition), with the
    number of files and the worker's versions key (no path: the worker refused the task)."""

    vkey: str
    n_files: int
    path: str | None = None


def process_partition(paths: Iterable[str], task: PartitionTask) -> list[PartitionResult]:
    """Read, prefilter, clean and extract the files of one partition (runs on a Dask worker)."""
    from pipeline.orchestrate import build_extractor
    from pipeline.storage import versions_key

    extractor = build_extractor(task.spec.tokenizer, task.spec.extractors)  # cached per process
    wkey = versions_key(extractor.versions)
    if wkey != task.vkey:
        return [PartitionResult(wkey, 0)]
    items: list[Outcome] = []
    n_files = 0
    with batch_gc():  # a Dask worker is not dvk's process: only while this partition runs
        for path in paths:
            n_files += 1
            for item, early in read_screened(Path(path), task.scale):
                outcome = early if early is not None else prepare(item, extractor, task.known)
                items.append(_spooled(outcome, task.run_id, wkey))
    return [PartitionResult(wkey, n_files, str(write_partition(Path(task.spool), items)))]


def _spooled(outcome: Outcome, run_id: str, vkey: str) -> Outcome:
    """An Outcome as its partition keeps it: an extracted article as the rows to store (or, if
    they cannot be made, a failure to store it, as the writer would have met)."""
    from pipeline.orchestrate import _describe
    from pipeline.storage import article_write

    kind, article = outcome.kind, outcome.article
    if kind == EXTRACTED and article is not None and outcome.extraction is not None:
        try:
            write = article_write(article, outcome.extraction, run_id, vkey, outcome.tokens)
        except Exception as exc:  # noqa: BLE001 - the writer would record it as a failure to store
            return Outcome(STORE_FAILED, outcome.source, outcome.doc, _describe(exc), article)
        return Outcome(kind, outcome.source, outcome.doc, "", article, write=write)
    return Outcome(kind, outcome.source, outcome.doc, outcome.reason, article)


def partition_count(n_files: int, n_workers: int) -> int:
    """How many partitions to cut the file list into: several per worker, at most one per file."""
    return max(1, min(n_files, n_workers * WINDOW_PER_WORKER))


def dask_outcomes(
    files: Sequence[Path],
    spec: ExtractorSpec,
    scale: ScaleOptions,
    known: frozenset[str],
    vkey: str,
    spool: Path,
    store: Store,
) -> Iterator[tuple[int, Outcome]]:
    """(files done, Outcome) of every input, in input order, from a Dask cluster.

    Connects to ``scale.scheduler``, or starts a LocalCluster of ``scale.workers`` processes
    (closed at the end).  At most ``WINDOW_PER_WORKER`` partitions per worker are computed at once;
    each is written as Parquet into ``spool`` (a run's folder, :func:`pipeline.spool.run_spool`)
    and loaded from there.
    """
    if not files:
        return
    import dask
    import dask.bag as db

    with spooling(spool, earlier_runs(store, spool.name)), _dask_client(scale) as (client, n_workers):
        task = dask.delayed(PartitionTask(spec, scale, vkey, known, spool.name, str(spool)), pure=True)
        bag = db.from_sequence([str(f) for f in files], npartitions=partition_count(len(files), n_workers))
        parts = bag.map_partitions(process_partition, task).to_delayed()
        files_done = 0
        computed = ((None, client.compute(d)) for d in parts)
        for _, results in dask_results(computed, WINDOW_PER_WORKER * n_workers):
            for result in results:
                _check_versions(result.vkey, vkey)
                files_done += result.n_files
                for outcome in loaded(result.path):
                    yield files_done, outcome


@contextmanager
def _dask_client(scale: ScaleOptions) -> Iterator[tuple[Any, int]]:
    """A client of ``scale.scheduler``'s cluster, or of a LocalCluster of ``scale.workers``
    processes started (and closed) here, with the number of workers."""
    from distributed import Client, LocalCluster

    cluster = None
    if scale.scheduler:
        client = Client(scale.scheduler, timeout="30s")
    else:
        cluster = LocalCluster(n_workers=scale.workers, processes=True, threads_per_worker=1)
        client = Client(cluster)
    try:
        yield client, max(1, len(client.scheduler_info().get("workers", {})) or scale.workers)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def dask_results(futures: Iterable[tuple[K, Any]], window: int) -> Iterator[tuple[K, Any]]:
    """:func:`in_order` for Dask futures: a partition whose task failed on its worker stops the
    run with an :class:`EngineError` that says why."""
    from pipeline.orchestrate import _describe

    try:
        yield from in_order(futures, window)
    except EngineError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever the worker raised, said once, clearly
        raise EngineError(f"a Dask partition failed on its worker: {_describe(exc)}") from exc


def loaded(path: str | None) -> list[Outcome]:
    """The outcomes of a partition a worker wrote to the spool (then removed from it)."""
    if path is None:
        raise EngineError("a Dask worker returned no partition")
    try:
        return load_partition(Path(path))
    except (OSError, pa.ArrowException) as exc:
        raise EngineError(
            f"cannot read the partition a Dask worker wrote at {path} ({exc}): the spool folder must be"
            " on a file system the workers share, at the same path (--spool)"
        ) from exc


def earlier_runs(store: Store, run_id: str) -> list[str]:
    """The dataset's runs other than ``run_id`` (whose spool folders a killed run may have left)."""
    return [r for (r,) in store.con.execute("SELECT run_id FROM runs WHERE run_id <> ?", [run_id]).fetchall()]


def _check_versions(worker_key: str, vkey: str) -> None:
    if worker_key != vkey:
        raise EngineError(
            f"a Dask worker has other extractor versions ({worker_key} vs {vkey}):"
            " install the same dvk on every worker"
        )


# -- reruns: the stale articles of the dataset ----------------------------------------------------
#: Stale articles per Dask partition of a rerun (shipped from the dataset to a worker and back).
RERUN_PARTITION = 32
#: Stale articles per task of a rerun's process pool (one task per article costs more than a
#: rerun that restores most components from their layers).
RERUN_CHUNK = 8


def _reextract_in_worker(items: list[RerunItem]) -> list[Redone]:
    from pipeline.rerun import reextract

    return [reextract(item, _worker_extractor) for item in items]


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of ``size`` consecutive items (the last one shorter), read as they are asked for."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


@dataclass(frozen=True, slots=True)
class RerunTask:
    """What every partition of a rerun needs: how to build the extractor, which versions, the
    run, and its spool folder (:mod:`pipeline.spool`)."""

    spec: ExtractorSpec
    vkey: str
    run_id: str
    spool: str


@dataclass(slots=True)
class RerunPartition:
    """Where one partition of a rerun was written (a Parquet partition), with the worker's
    versions key (no path: the worker refused the task)."""

    vkey: str
    path: str | None = None


def reextract_partition(items: Sequence[RerunItem], task: RerunTask) -> RerunPartition:
    """Re-extract one partition of stale articles and write it to the spool (runs on a Dask
    worker; nothing when the worker's extractor versions are not the run's)."""
    from pipeline.orchestrate import build_extractor
    from pipeline.rerun import reextract, spooled_redone
    from pipeline.storage import versions_key

    extractor = build_extractor(task.spec.tokenizer, task.spec.extractors)  # cached per process
    wkey = versions_key(extractor.versions)
    if wkey != task.vkey:
        return RerunPartition(wkey)
    with batch_gc():
        done = [spooled_redone(reextract(item, extractor), task.run_id, wkey) for item in items]
    return RerunPartition(wkey, str(write_partition(Path(task.spool), done)))


def rerun_outcomes(
    items: Iterable[RerunItem],
    extractor: Any,
    spec: ExtractorSpec,
    scale: ScaleOptions,
    vkey: str,
    spool: Path | None = None,
    store: Store | None = None,
) -> Iterator[Redone]:
    """Each stale article re-extracted (:func:`pipeline.rerun.reextract`), in the order given, on a
    process pool of ``scale.workers`` or on a Dask cluster: the partitions of the article store
    (:data:`RERUN_PARTITION` stale articles each, with their cached tokens and layers) are sent
    to the workers as they are read, at most ``WINDOW_PER_WORKER`` per worker at once; a pool's
    tasks are :data:`RERUN_CHUNK` articles each.  A Dask worker writes what it made as Parquet
    into ``spool`` (the run's spool folder, needed with the dask engine), loaded from there.
    Nothing is started (no pool, no cluster) when there is nothing to re-extract."""
    it = iter(items)
    first = next(it, None)
    if first is None:
        return
    items = chain([first], it)
    if scale.engine != "dask":
        with _local_pool(extractor, spec, frozenset(), scale.workers) as pool:
            chunks = _chunks(items, RERUN_CHUNK)
            submitted = ((None, pool.submit(_reextract_in_worker, chunk)) for chunk in chunks)
            for _, redone in in_order(submitted, WINDOW_PER_WORKER * scale.workers):
                yield from redone
        return
    from pipeline.rerun import loaded_redone

    if spool is None or store is None:
        raise ValueError("a rerun on the dask engine needs its spool folder and its dataset")
    chunks = _chunks(items, RERUN_PARTITION)
    task = RerunTask(spec, vkey, spool.name, str(spool))
    with spooling(spool, earlier_runs(store, spool.name)), _dask_client(scale) as (client, n_workers):
        submitted = ((None, client.submit(reextract_partition, c, task, pure=False)) for c in chunks)
        for _, part in dask_results(submitted, WINDOW_PER_WORKER * n_workers):
            _check_versions(part.vkey, vkey)
            for item in loaded(part.path):
                yield loaded_redone(item)


__all__ = [
    "ENGINES",
    "EngineError",
    "ExtractorSpec",
    "Outcome",
    "PartitionTask",
    "RerunTask",
    "ScaleOptions",
    "commit",
    "current_keys",
    "dask_outcomes",
    "in_order",
    "partition_count",
    "pool_outcomes",
    "prepare",
    "process_partition",
    "reextract_partition",
    "rerun_outcomes",
    "run_engine",
    "screen",
]
