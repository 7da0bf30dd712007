"""The researchers' commands of ``dvk``: ``query``, ``stats`` and ``serve``.

They live here to keep :mod:`pipeline.cli` small; :func:`register` adds them to its Typer app
with its error handler (library errors -> messages and exit codes).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from pipeline.errors import DvkUsageError


def register(app: typer.Typer, handled: Callable[[], AbstractContextManager[None]], err: Console) -> None:
    """Add ``query``, ``stats`` and ``serve`` to ``app``."""

    @app.command()
    def query(
        dataset: Annotated[Path, typer.Argument(help="Dataset folder written by `dvk run`.")],
        sql: Annotated[str, typer.Argument(help="One read-only SQL statement (DuckDB dialect).")],
        fmt: Annotated[
            str | None,
            typer.Option(
                "--format", "-f", help="table (default), csv or json; with --out, from its extension."
            ),
        ] = None,
        out: Annotated[
            Path | None, typer.Option("--out", "-o", help="Write to this .csv, .json or .parquet file.")
        ] = None,
    ) -> None:
        """Run read-only SQL on the dataset; print a table, CSV or JSON, or write a file."""
        from pipeline.query import output_format, rich_table, run_query, to_csv, to_json, write_result

        with handled():
            kind = output_format(fmt, out)
            df = run_query(dataset, sql)
            if out is not None:
                write_result(df, kind, out)
        if out is not None:
            err.print(f"wrote {len(df)} rows to {out}", markup=False)
        elif kind == "table":
            Console(soft_wrap=False).print(rich_table(df))
            err.print(f"{len(df)} rows", markup=False)
        else:
            sys.stdout.write(to_csv(df) if kind == "csv" else to_json(df))

    @app.command()
    def stats(
        dataset: Annotated[Path, typer.Argument(help="Dataset folder written by `dvk run`.")],
        top: Annotated[int, typer.Option("--top", help="How many units in the top-units summary.")] = 10,
    ) -> None:
        """Print ready summaries: models per province and year, per domain, top units, with their articles."""
        from pipeline.dataset import open_dataset
        from pipeline.query import rich_table
        from pipeline.summaries import all_summaries

        with handled():
            if top < 1:
                raise DvkUsageError("--top must be at least 1")
            with open_dataset(dataset) as ds:
                summaries = all_summaries(ds.models_view, ds.stats_view, top)
        console = Console(soft_wrap=False)
        for title, df in summaries.items():
            console.print(rich_table(df, title=title))

    @app.command()
    def serve(
        dataset: Annotated[Path, typer.Argument(help="Dataset folder written by `dvk run`.")],
        port: Annotated[int, typer.Option("--port", "-p", help="TCP port.")] = 8001,
        host: Annotated[
            str, typer.Option("--host", help="Address to bind (default: this machine only).")
        ] = "127.0.0.1",
    ) -> None:
        """Browse the dataset in Datasette (read-only; rebuilds DIR/dvk.sqlite when the dataset changed)."""
        from pipeline.serve import serve as run_server

        with handled():
            if not 0 < port < 65536:
                raise DvkUsageError(f"--port {port} is not a TCP port")
            run_server(dataset, host=host, port=port)
