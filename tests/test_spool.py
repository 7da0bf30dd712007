"""The Parquet partitions a Dask worker writes and the writer loads (pipeline.spool).

What goes through a partition must come back equal, row for row and type for type (the rows
are stored from what is read back): real extractions of the sample corpus (pyvi), every kind
of outcome, a kept write, tokens and layers.  A partition folder appears whole or not at all,
and a run's spool is cleared of what a killed run of the same dataset left.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from corpus.ingest import read_inputs
from pipeline.engines import (
    CLEAN_FAILED,
    EXTRACT_FAILED,
    EXTRACTED,
    FILTERED,
    READ_FAILED,
    STORE_FAILED,
    UNCHANGED,
    EngineError,
    dask_results,
    loaded,
)
from pipeline.errors import DvkUsageError
from pipeline.orchestrate import _clean, _extract, build_extractor
from pipeline.outcome import Outcome
from pipeline.spool import SpoolError, load_partition, read_partition, spooling, write_partition
from pipeline.storage import CachedTokens, article_write, kept_write

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpus" / "samples"


class _NoCache:
    def cached_tokens(self, content_hash: str, tokenizer_key: str) -> None:
        return None


@pytest.fixture(scope="module")
def items() -> list[Outcome]:
    """Outcome items of every kind, the extracted ones from real extractions of the samples."""
    extractor = build_extractor("pyvi")
    raws = [raw for path in sorted(SAMPLES.glob("s0*.txt"))[:5] for raw in read_inputs(path)]
    articles = [_clean(raw) for raw in raws]
    out: list[Outcome] = [
        Outcome(READ_FAILED, "in/x.bin", "x.bin", "binary file"),
        Outcome(FILTERED, "in/y.txt", "y.txt"),
        Outcome(CLEAN_FAILED, "in/z.html", "z.html", "no body"),
    ]
    for i, article in enumerate(articles):
        extraction, tokens = _extract(_NoCache(), extractor, article)
        write = article_write(article, extraction, "run-1", "vkey-1", tokens)
        assert write.rows is not None and tokens is not None
        out.append(Outcome(EXTRACTED, article.source, article.doc, "", article, write=write))
        if i == 0:
            out.append(Outcome(UNCHANGED, article.source, article.doc, "", article))
            out.append(Outcome(EXTRACT_FAILED, article.source, article.doc, "ValueError: no good", article))
            out.append(Outcome(STORE_FAILED, article.source, article.doc, "store: bad field", article))
            kept = kept_write(article, "run-1", "vkey-1", extraction.layers, None)
            out.append(Outcome(EXTRACTED, article.source, article.doc, "", article, write=kept))
    return out


def test_a_partition_gives_back_what_was_written_row_for_row(items, tmp_path: Path) -> None:
    path = write_partition(tmp_path / "spool", items)
    back = read_partition(path)
    assert back == items
    for a, b in zip(items, back, strict=True):
        if a.write is not None and a.write.rows is not None:
            for table, rows in a.write.rows.items():
                assert [tuple(map(type, r)) for r in rows] == [
                    tuple(map(type, r)) for r in b.write.rows[table]
                ]
    extracted = [b for b in back if b.write is not None and b.write.rows is not None]
    assert len(extracted) == 5 and all(b.write.rows["sentences"] for b in extracted)
    assert sum(len(b.write.rows["stats"]) for b in extracted) > 0
    kept = [b for b in back if b.write is not None and b.write.rows is None]
    assert len(kept) == 1 and kept[0].write.layers and kept[0].write.tokens is None
    assert isinstance(extracted[0].write.tokens, CachedTokens) and extracted[0].write.layers


def test_load_removes_the_partition_and_nothing_else(items, tmp_path: Path) -> None:
    one = write_partition(tmp_path / "spool", items[:4])
    two = write_partition(tmp_path / "spool", items[4:])
    assert one != two and one.parent == two.parent
    assert load_partition(one) == items[:4]
    assert not one.exists() and two.exists()
    assert pq.read_table(two / "outcomes.parquet").num_rows == len(items) - 4


def test_a_partition_that_fails_midway_is_never_seen_whole(
    items, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pq.write_table
    calls = []

    def fails_on_the_third(table, where, *a, **k):
        calls.append(where)
        if len(calls) == 3:
            raise OSError("disk full")
        return real(table, where, *a, **k)

    monkeypatch.setattr(pq, "write_table", fails_on_the_third)
    with pytest.raises(OSError, match="disk full"):
        write_partition(tmp_path / "spool", items)
    assert [p.name for p in (tmp_path / "spool").iterdir() if not p.name.startswith(".")] == []


def test_a_run_spool_clears_this_dataset_s_earlier_runs_only_and_goes_away(tmp_path: Path) -> None:
    base = tmp_path / "spool"
    for name in ("killed-run", "other-dataset-run"):
        (base / name / "part-0").mkdir(parents=True)
    with spooling(base / "new-run", ["killed-run", "an-old-run-with-no-folder"]) as spool:
        assert spool.is_dir()
        assert sorted(p.name for p in base.iterdir()) == ["new-run", "other-dataset-run"]
        write_partition(spool, [Outcome(FILTERED, "a", "a")])
    assert sorted(p.name for p in base.iterdir()) == ["other-dataset-run"]
    (base / "other-dataset-run" / "part-0").rmdir()
    (base / "other-dataset-run").rmdir()
    with spooling(base / "last-run", []):
        pass
    assert not base.exists()  # the spool folder itself, once empty


def test_a_spool_folder_that_cannot_be_made_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    spool = spooling(tmp_path / "a-file" / "spool" / "run-1", [])
    with pytest.raises(SpoolError, match="cannot make the spool folder") as caught:
        spool.__enter__()
    assert isinstance(caught.value, DvkUsageError)


def test_a_failed_partition_or_one_the_writer_cannot_read_stops_the_run_clearly(tmp_path: Path) -> None:
    from concurrent.futures import Future

    failed: Future = Future()
    failed.set_exception(MemoryError("worker out of memory"))
    with pytest.raises(
        EngineError, match="a Dask partition failed on its worker: MemoryError: worker out of memory"
    ):
        list(dask_results([(0, failed)], 2))
    with pytest.raises(EngineError, match="the spool folder must be on a file system the workers share"):
        loaded(str(tmp_path / "spool" / "run-1" / "part-written-on-another-machine"))
