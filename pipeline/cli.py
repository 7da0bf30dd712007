"""The ``dvk`` command line: a thin layer over the library.

Each command parses its options, calls one library function and maps the
outcome to an exit code: 0 success, 1 when some articles failed (or the run
itself failed), 2 for usage errors (a missing input path, an unknown format,
a bad option value, an ``--out`` of the wrong kind, a folder without a
dataset).  Only this module configures logging.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from corpus.ingest import InputError
from corpus.scrape.crawl import CrawlProgress, CrawlSummary, crawl
from corpus.scrape.fetch import FetchPolicy
from pipeline import __version__
from pipeline.errors import BadOptionError, DvkError, DvkUsageError, MissingFileError
from pipeline.evaluate import EvalInputError, run_eval
from pipeline.export import export_csv, export_jsonl
from pipeline.orchestrate import Progress as RunProgress
from pipeline.orchestrate import RunSummary, run_pipeline
from pipeline.research_cli import register as _register_research_commands

app = typer.Typer(
    help="dvk: turn Vietnamese news articles about “Dân vận khéo” into tables of campaign statistics.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_err = Console(stderr=True, highlight=False, soft_wrap=True)


class Tokenizer(StrEnum):
    underthesea = "underthesea"
    pyvi = "pyvi"


class ExtractorSet(StrEnum):
    rules = "rules"
    ml = "ml"
    hybrid = "hybrid"


class Engine(StrEnum):
    local = "local"
    dask = "dask"


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


class DatasetExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    sqlite = "sqlite"


def _fail(exc: BaseException, code: int) -> NoReturn:
    _err.print(f"Error: {exc}", markup=False)
    raise typer.Exit(code)


@contextmanager
def _handled() -> Iterator[None]:
    """Map library errors to messages and exit codes."""
    try:
        yield
    except (DvkUsageError, InputError) as exc:
        _fail(exc, 2)
    except DvkError as exc:
        _fail(exc, 1)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dvk {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log every article to stderr.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """dvk: Vietnamese campaign news in, tables of statistics, models and units out."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


@contextmanager
def _progress_bar(enabled: bool) -> Iterator[Callable[[RunProgress], None]]:
    columns = (
        TextColumn("[bold]dvk run"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
        TextColumn("{task.fields[articles]} articles"), TimeElapsedColumn(),
    )  # fmt: skip
    with Progress(*columns, console=_err, disable=not enabled, transient=True) as bar:
        task = bar.add_task("run", total=None, articles=0)

        def update(p: RunProgress) -> None:
            bar.update(task, total=p.files_total, completed=p.files_done, articles=p.articles_done)

        yield update


def _print_summary(s: RunSummary) -> None:
    rows = ", ".join(f"{t} {n}" for t, n in s.rows.items())
    replaced = f" ({s.n_replaced} replaced)" if s.n_replaced else ""
    typer.echo(
        f"dvk run {s.run_id} -> {s.out_dir}\n"
        f"  files found: {s.n_files} (non-article files skipped: {s.n_skipped_files})\n"
        f"  articles read: {s.n_read}; new: {s.n_new}{replaced}; unchanged: {s.n_unchanged}; "
        + (f"filtered: {s.n_filtered}; " if s.n_filtered else "")
        + f"failed: {s.n_failed}\n"
        f"  rows: {rows}\n"
        f"  time: {s.seconds:.1f} s"
    )
    for f in s.failures:
        _err.print(f"  failed {f.doc} ({f.source}): {f.reason}", markup=False)
    if s.n_failed > len(s.failures):
        _err.print(f"  ... and {s.n_failed - len(s.failures)} more: see the failures table", markup=False)


# the scale-out options of `dvk run` and `dvk rerun`
WorkersOption = Annotated[
    int,
    typer.Option(
        "--workers", "-w", help="Processes of this machine that do the expensive stages (local engine)."
    ),
]
EngineOption = Annotated[Engine, typer.Option(help="local (process pool) or dask (a Dask cluster).")]
SchedulerOption = Annotated[
    str | None,
    typer.Option(help="Dask scheduler address (default with --engine dask: a local cluster of --workers)."),
]
SpoolOption = Annotated[
    Path | None,
    typer.Option(
        help="Folder the Dask workers write their Parquet partitions to, shared with them"
        " (default: the dataset folder)."
    ),
]


@app.command()
def run(
    inputs: Annotated[
        list[str],
        typer.Argument(help="Files (.txt, .html, .htm, .jsonl, .warc, .warc.gz), folders or globs."),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Dataset folder (created, or added to).")],
    tokenizer: Annotated[Tokenizer, typer.Option(help="Word segmenter.")] = Tokenizer.underthesea,
    extractors: Annotated[
        ExtractorSet,
        typer.Option(
            help="rules; ml (trained components decide); hybrid (rules, corrected by the trained ones)."
        ),
    ] = ExtractorSet.rules,
    workers: WorkersOption = 1,
    engine: EngineOption = Engine.local,
    scheduler: SchedulerOption = None,
    spool: SpoolOption = None,
    prefilter: Annotated[
        Path | None,
        typer.Option(help="Terms file (one a line): keep only articles naming one of them (all inputs)."),
    ] = None,
    no_prefilter: Annotated[
        bool, typer.Option("--no-prefilter", help="Keep every page of WARC input (no default term filter).")
    ] = False,
) -> None:
    """Read, clean and extract articles into the dataset in --out (DuckDB + Parquet)."""
    from corpus.prefilter import load_prefilter
    from pipeline.engines import ScaleOptions

    with _handled(), _progress_bar(_err.is_terminal) as progress:
        if prefilter is not None and not prefilter.is_file():
            raise MissingFileError(f"no such prefilter terms file: {prefilter}")
        try:
            terms = load_prefilter(prefilter) if prefilter is not None else None
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadOptionError(str(exc)) from exc
        scale = ScaleOptions(
            engine.value, workers, scheduler, terms, warc_prefilter=not no_prefilter, spool=spool
        )
        summary = run_pipeline(
            inputs, out, tokenizer.value, progress=progress, extractors=extractors.value, scale=scale
        )
    _print_summary(summary)
    if not summary.ok:
        raise typer.Exit(1)


@contextmanager
def _scrape_bar(enabled: bool) -> Iterator[Callable[[CrawlProgress], None]]:
    columns = (
        TextColumn("[bold]dvk scrape"), BarColumn(), MofNCompleteColumn(), TextColumn("pages"),
        TextColumn("stored {task.fields[stored]}, skipped {task.fields[skipped]}, failed {task.fields[failed]}"),
        TimeElapsedColumn(),
    )  # fmt: skip
    with Progress(*columns, console=_err, disable=not enabled, transient=True) as bar:
        task = bar.add_task("scrape", total=None, stored=0, skipped=0, failed=0)

        def update(p: CrawlProgress) -> None:
            bar.update(
                task, completed=p.fetched, total=p.fetched + p.pending, stored=p.stored, skipped=p.skipped,
                failed=p.failed,
            )  # fmt: skip

        yield update


def _print_scrape_summary(s: CrawlSummary) -> None:
    reasons = "; ".join(f"{k}: {n}" for k, n in sorted(s.skipped_reasons.items()))
    typer.echo(
        f"dvk scrape -> {s.out_dir}\n"
        f"  pages fetched: {s.n_fetched}; articles stored: {s.n_stored}; skipped: {s.n_skipped}; "
        f"failed: {s.n_failed}\n"
        + (f"  skipped because: {reasons}\n" if reasons else "")
        + f"  articles in the store: {s.n_articles}; URLs left pending: {s.n_pending}\n"
        f"  time: {s.seconds:.1f} s"
    )
    for f in s.failures:
        _err.print(f"  failed {f.url}: {f.reason}", markup=False)
    if s.n_failed > len(s.failures):
        _err.print(f"  ... and {s.n_failed - len(s.failures)} more: see the failures table", markup=False)


@app.command()
def scrape(
    seeds: Annotated[
        list[str],
        typer.Argument(
            help="Site roots, section pages, sitemaps (.xml, .xml.gz), RSS/Atom feeds, or files of URLs."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Scrape store folder (created, or resumed).")],
    max_pages: Annotated[
        int | None, typer.Option("--max-pages", help="Stop after this many page requests.")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Skip articles published before this date (YYYY-MM-DD).")
    ] = None,
    rate: Annotated[float, typer.Option("--rate", help="Requests per second per host.")] = 1.0,
) -> None:
    """Crawl news sites politely and store their articles (WARC + catalogue) for `dvk run`."""
    with _handled(), _scrape_bar(_err.is_terminal) as progress:
        if rate <= 0:
            raise DvkUsageError("--rate must be a positive number of requests per second")
        summary = crawl(
            seeds, out, max_pages=max_pages, since=since, policy=FetchPolicy(rate=rate), progress=progress
        )
    _print_scrape_summary(summary)
    if not summary.ok:
        raise typer.Exit(1)


def _export_to_stdout(dataset: Path) -> None:
    sys.stdout.flush()
    try:
        export_jsonl(dataset, sys.stdout.buffer)
    except BrokenPipeError:  # `dvk export DIR | head`: the reader stopped, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@app.command()
def export(
    dataset: Annotated[Path, typer.Argument(help="Dataset folder written by `dvk run`.")],
    fmt: Annotated[
        DatasetExportFormat, typer.Option("--format", "-f", help="jsonl, csv or sqlite.")
    ] = DatasetExportFormat.jsonl,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="jsonl: file (default stdout); csv: folder (required); sqlite: file (default DIR/dvk.sqlite).",
        ),
    ] = None,
) -> None:
    """Export the dataset: per-article JSONL (SCHEMA.md shape), one CSV file per table, or SQLite."""
    with _handled():
        if fmt is DatasetExportFormat.sqlite:
            from pipeline.sqlite_export import export_sqlite

            _err.print(f"wrote {export_sqlite(dataset, out)}", markup=False)
        elif fmt is DatasetExportFormat.csv:
            if out is None:
                raise DvkUsageError("--out FOLDER is required for --format csv")
            for path in export_csv(dataset, out):
                _err.print(f"wrote {path}", markup=False)
        elif out is None:
            _export_to_stdout(dataset)
        else:
            n = export_jsonl(dataset, out)
            _err.print(f"wrote {n} articles to {out}", markup=False)


@app.command()
def train(
    component: Annotated[
        str | None, typer.Option("--component", "-c", help="One trained component (default: all of them).")
    ] = None,
    shared: Annotated[
        Path | None,
        typer.Option(help="The shared development data (default: ../shared beside the repository)."),
    ] = None,
    models_dir: Annotated[
        Path | None, typer.Option("--models-dir", help="Where to write (default: models/).")
    ] = None,
) -> None:
    """Retrain the trained components from the annotated data, deterministically (fixed seed)."""
    from extractors.learn import registry

    with _handled():
        names = [component] if component else [t.name for t in registry.available_code()]
        for name in names:
            try:
                folder = registry.train_component(name, shared=shared, models_dir=models_dir)
            except KeyError as exc:
                raise BadOptionError(str(exc).strip("'\"")) from exc
            _err.print(f"trained {name} -> {folder}", markup=False)


@app.command("eval")
def evaluate(
    gold: Annotated[list[Path], typer.Option("--gold", "-g", help="Gold JSONL file (repeatable).")],
    pred: Annotated[Path, typer.Option("--pred", "-p", help="Predictions: a `dvk export` JSONL file.")],
    errors: Annotated[bool, typer.Option("--errors", help="List every miss and mismatch.")] = False,
) -> None:
    """Score a JSONL export against gold annotations (same figures as gold/score.py)."""
    with _handled():
        missing = [p for p in [*gold, pred] if not p.is_file()]
        if missing:
            raise MissingFileError(f"no such file: {', '.join(map(str, missing))}")
        try:
            report = run_eval(gold, pred, errors=errors)
        except EvalInputError as exc:
            raise DvkUsageError(str(exc)) from exc
    typer.echo(report, nl=False)


annotate_app = typer.Typer(
    help="Export a run's rows for review, and import the corrected file back as training data.",
    no_args_is_help=True,
)
app.add_typer(annotate_app, name="annotate")


@annotate_app.command("export")
def annotate_export(
    dataset: Annotated[Path, typer.Argument(help="Dataset folder written by `dvk run`.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The review file to write.")],
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help="csv (spreadsheet) or jsonl (Label Studio, Doccano)."),
    ] = ExportFormat.csv,
) -> None:
    """Write a run's rows for review: CSV with empty verdict/note columns, or JSONL with text and spans."""
    from pipeline.annotate import export_review

    with _handled():
        n = export_review(dataset, out, fmt.value)
    _err.print(f"wrote {n} {'rows' if fmt is ExportFormat.csv else 'articles'} to {out}", markup=False)


@annotate_app.command("import")
def annotate_import(
    file: Annotated[Path, typer.Argument(help="A corrected review file (.csv or .jsonl).")],
    name: Annotated[
        str | None,
        typer.Option("--name", "-n", help="Name of the annotation set (default: the file's stem)."),
    ] = None,
    annotations_dir: Annotated[
        Path | None,
        typer.Option("--annotations-dir", help="Where to write (default: corpus/annotations/)."),
    ] = None,
) -> None:
    """Validate corrections and store them as training data (corpus/annotations/NAME.jsonl)."""
    from pipeline.annotate import import_review

    with _handled():
        path, n = import_review(file, name=name, folder=annotations_dir)
    _err.print(f"imported {n} articles -> {path}", markup=False)


@app.command()
def rerun(
    dataset: Annotated[Path, typer.Argument(help="Dataset folder written by `dvk run`.")],
    tokenizer: Annotated[
        Tokenizer | None, typer.Option(help="Word segmenter (default: that of the dataset's latest run).")
    ] = None,
    extractors: Annotated[
        ExtractorSet | None,
        typer.Option(help="rules, ml or hybrid (default: that of the dataset's latest run)."),
    ] = None,
    workers: WorkersOption = 1,
    engine: EngineOption = Engine.local,
    scheduler: SchedulerOption = None,
    spool: SpoolOption = None,
) -> None:
    """Re-extract the stored articles whose extractor versions changed (no input is read again)."""
    from pipeline.engines import ScaleOptions
    from pipeline.rerun import rerun_pipeline

    with _handled(), _progress_bar(_err.is_terminal) as progress:
        scale = ScaleOptions(engine.value, workers, scheduler, spool=spool)
        summary = rerun_pipeline(
            dataset,
            tokenizer.value if tokenizer else None,
            extractors.value if extractors else None,
            progress=progress,
            scale=scale,
        )
    typer.echo(
        f"dvk rerun {summary.run_id} -> {summary.out_dir}\n"
        f"  articles stored: {summary.n_read}; re-extracted: {summary.n_new}; "
        f"unchanged: {summary.n_unchanged}; failed: {summary.n_failed}\n"
        f"  rows: {', '.join(f'{t} {n}' for t, n in summary.rows.items())}\n"
        f"  time: {summary.seconds:.1f} s"
    )
    for f in summary.failures:
        _err.print(f"  failed {f.doc} ({f.source}): {f.reason}", markup=False)
    if not summary.ok:
        raise typer.Exit(1)


@app.command()
def runs(dataset: Annotated[Path, typer.Argument(help="Dataset folder written by `dvk run`.")]) -> None:
    """List the runs recorded in the dataset, oldest first, with their configuration."""
    from pipeline.history import format_runs, list_runs
    from pipeline.storage import open_store

    with _handled(), open_store(dataset, read_only=True) as store:
        typer.echo(format_runs(list_runs(store)), nl=False)


@app.command()
def diff(
    dataset: Annotated[Path, typer.Argument(help="Dataset folder written by `dvk run`.")],
    run_a: Annotated[str, typer.Argument(help="The earlier run: an id, a unique prefix, or `latest`.")],
    run_b: Annotated[str, typer.Argument(help="The later run: an id, a unique prefix, or `latest`.")],
    examples: Annotated[int, typer.Option("--examples", "-n", help="Examples shown per kind and table.")] = 3,
) -> None:
    """Show the rows that appeared, disappeared or changed between the states after two runs."""
    from pipeline.history import diff_runs, format_diff, resolve_run
    from pipeline.storage import open_store

    with _handled(), open_store(dataset, read_only=True) as store:
        a, b = resolve_run(store, run_a), resolve_run(store, run_b)
        typer.echo(format_diff(a, b, diff_runs(store, a, b, examples)), nl=False)


# `dvk query`, `dvk stats`, `dvk serve`: the researchers' commands (pipeline/research_cli.py).
_register_research_commands(app, _handled, _err)


def main() -> None:
    """Entry point of the ``dvk`` console script."""
    app()
