"""The Dask engine on a real cluster: a ``distributed.LocalCluster`` of two worker processes.

The run on the cluster (``--engine dask --scheduler ADDRESS``) must store exactly what the
local engine stores: the JSONL export of the sample corpus is compared byte for byte; so must a
rerun on the cluster (``dvk rerun --engine dask``) after an extractor version change.  Each
worker process builds its Extractor once (pyvi, the faster tokenizer to load) and keeps it.
"""

from __future__ import annotations

import copy
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import rows_stored_twice

from pipeline.engines import (
    EngineError,
    ExtractorSpec,
    PartitionTask,
    RerunTask,
    ScaleOptions,
    process_partition,
    reextract_partition,
)
from pipeline.export import export_jsonl
from pipeline.orchestrate import build_extractor, run_pipeline
from pipeline.rerun import RerunItem, Stale, rerun_pipeline, stored_article
from pipeline.spool import load_partition
from pipeline.storage import open_store

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpus" / "samples"


@pytest.fixture(scope="module")
def cluster():
    """Two single-threaded worker processes on free ports, closed after the module."""
    with distributed.LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        scheduler_port=0,
        dashboard_address=None,
        timeout="60s",
    ) as local:
        yield local


def _export(out: Path) -> bytes:
    path = out.parent / f"{out.name}.jsonl"
    export_jsonl(out, path)
    return path.read_bytes()


def test_dask_engine_exports_the_same_bytes_as_the_local_engine(cluster, tmp_path: Path) -> None:
    local = run_pipeline([str(SAMPLES)], tmp_path / "local", "pyvi")
    scale = ScaleOptions(engine="dask", scheduler=cluster.scheduler_address)
    summary = run_pipeline([str(SAMPLES)], tmp_path / "dask", "pyvi", scale=scale)
    reference = _export(tmp_path / "local")
    assert _export(tmp_path / "dask") == reference
    assert not (tmp_path / "dask" / "spool").exists()
    assert summary.n_new == local.n_new == len(reference.splitlines()) == 16
    assert (summary.n_files, summary.n_failed, summary.rows) == (local.n_files, local.n_failed, local.rows)
    again = run_pipeline([str(SAMPLES)], tmp_path / "dask", "pyvi", scale=scale)
    assert (again.n_unchanged, again.n_new) == (16, 0)


def test_a_worker_with_other_extractor_versions_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Xã Tân Lập có 3 mô hình dân vận khéo.\n", encoding="utf-8")
    from pipeline.engines import ExtractorSpec

    task = PartitionTask(ExtractorSpec("pyvi"), ScaleOptions(engine="dask"), "not-the-key", frozenset())
    [result] = process_partition([str(tmp_path / "a.txt")], task)
    assert result.vkey != "not-the-key" and result.path is None
    assert issubclass(EngineError, Exception)


def _old_versions(extractor):
    """A copy of ``extractor`` with an older ``dvk.rules``: what it stores is stale for the workers."""
    old = copy.copy(extractor)
    old.versions = {**extractor.versions, "dvk.rules": extractor.versions["dvk.rules"] + "+old"}
    return old


def test_dask_rerun_exports_the_same_bytes_as_a_local_rerun(cluster, tmp_path: Path) -> None:
    pyvi = build_extractor("pyvi")
    run_pipeline([str(SAMPLES)], tmp_path / "local", extractor=_old_versions(pyvi))
    shutil.copytree(tmp_path / "local", tmp_path / "dask")
    with open_store(tmp_path / "dask", read_only=True) as store:
        (first_run,) = store.con.execute("SELECT run_id FROM runs").fetchone()
    killed = tmp_path / "dask" / "spool" / first_run / "part-left-by-a-killed-run"
    killed.mkdir(parents=True)  # what a killed run of this dataset would have left
    local = rerun_pipeline(tmp_path / "local", "pyvi")
    scale = ScaleOptions(engine="dask", scheduler=cluster.scheduler_address)
    summary = rerun_pipeline(tmp_path / "dask", "pyvi", scale=scale)
    assert _export(tmp_path / "dask") == _export(tmp_path / "local")
    assert (summary.n_read, summary.n_new, summary.n_unchanged, summary.n_failed) == (16, 16, 0, 0)
    assert (local.n_new, local.n_failed, local.rows) == (summary.n_new, summary.n_failed, summary.rows)
    with open_store(tmp_path / "dask", read_only=True) as store:
        assert store.con.execute("SELECT DISTINCT versions_key FROM articles").fetchall() == [
            (store.con.execute("SELECT versions_key FROM articles LIMIT 1").fetchone()[0],)
        ]
    assert not (tmp_path / "dask" / "spool").exists()  # partitions loaded, then the spool removed
    again = rerun_pipeline(tmp_path / "dask", "pyvi", scale=scale)
    assert (again.n_new, again.n_unchanged) == (0, 16)


def test_a_dask_rerun_with_other_versions_than_the_workers_stops_and_loses_nothing(
    cluster, tmp_path: Path
) -> None:
    run_pipeline([str(SAMPLES)], tmp_path / "ds", "pyvi")
    before = _export(tmp_path / "ds")
    scale = ScaleOptions(engine="dask", scheduler=cluster.scheduler_address)
    with pytest.raises(EngineError, match="other extractor versions"):
        rerun_pipeline(tmp_path / "ds", extractor=_old_versions(build_extractor("pyvi")), scale=scale)
    assert _export(tmp_path / "ds") == before
    with open_store(tmp_path / "ds", read_only=True) as store:
        assert store.con.execute("SELECT command, status FROM runs ORDER BY started_at").fetchall() == [
            ("run", "done"),
            ("rerun", "failed"),
        ]


def test_a_rerun_partition_is_refused_by_a_worker_with_other_versions(tmp_path: Path) -> None:
    run_pipeline([str(SAMPLES / "s03_quan10_2024.txt")], tmp_path / "ds", "pyvi")
    with open_store(tmp_path / "ds", read_only=True) as store:
        from pipeline.rerun import _COLUMNS

        row = store.con.execute(f"SELECT {', '.join(_COLUMNS)} FROM articles").fetchone()
    item = RerunItem(Stale(stored_article(row), None, None), same_normaliser=True)
    spool = tmp_path / "spool" / "the-run"
    refused = reextract_partition(
        [item], RerunTask(ExtractorSpec("pyvi"), "not-the-key", "the-run", str(spool))
    )
    assert refused.vkey != "not-the-key" and refused.path is None and not spool.exists()
    done = reextract_partition([item], RerunTask(ExtractorSpec("pyvi"), refused.vkey, "the-run", str(spool)))
    assert done.path is not None and Path(done.path).parent == spool  # a Parquet partition in the spool
    assert sorted(p.name for p in Path(done.path).iterdir()) == [
        "articles.parquet", "models.parquet", "outcomes.parquet", "sentences.parquet", "stats.parquet",
        "units.parquet",
    ]  # fmt: skip
    [loaded] = load_partition(Path(done.path))
    assert not Path(done.path).exists()  # loaded, then removed
    write = loaded.write
    assert write is not None and write.run_id == "the-run" and write.versions_key == refused.vkey
    assert write.rows is not None and write.rows["stats"] and write.article == stored_article(row)


def _write_articles(folder: Path, n: int) -> None:
    """``n`` articles: the sample corpus's .txt files cycled, each copy with a headline of its own."""
    sources = sorted(SAMPLES.glob("*.txt"))
    folder.mkdir(parents=True)
    for i in range(n):
        title, rest = sources[i % len(sources)].read_text(encoding="utf-8").split("\n", 1)
        (folder / f"a{i:03d}.txt").write_text(f"{title} (bản tin {i})\n{rest}", encoding="utf-8")


def test_a_dask_run_killed_with_partitions_in_its_spool_resumes_and_stores_every_article_once(
    tmp_path: Path,
) -> None:
    """SIGKILL ``dvk run --engine dask`` (its whole process group: the writer, the scheduler and
    the workers) once a worker has written a partition to the spool; the same command again
    removes the killed run's partitions, finishes, and the dataset equals a run in one process."""
    inp, out, log = tmp_path / "in", tmp_path / "out", tmp_path / "stderr.log"
    _write_articles(inp, 48)
    command = [
        sys.executable, "-c", "from pipeline.cli import main; main()", "run", str(inp), "--out", str(out),
        "--tokenizer", "pyvi", "--engine", "dask", "--workers", "2",
    ]  # fmt: skip
    with log.open("w", encoding="utf-8") as err:
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        try:
            deadline = time.monotonic() + 240
            while not any((out / "spool").glob("*/part-*")):
                assert proc.poll() is None, log.read_text(encoding="utf-8")
                assert time.monotonic() < deadline, "no partition in the spool within 240 s"
                time.sleep(0.02)
        finally:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    # what the killed run left in its spool (the partitions the writer had not loaded yet, if
    # any: it loads them in order as they come) is removed by the next run
    again = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert not (out / "spool").exists()
    serial = run_pipeline([str(inp)], tmp_path / "serial", "pyvi")
    assert _export(out) == _export(tmp_path / "serial")
    with open_store(out, read_only=True) as store:
        assert store.con.execute("SELECT count(*), count(DISTINCT article_id) FROM articles").fetchone() == (
            serial.n_new,
            serial.n_new,
        )
        assert rows_stored_twice(store, ("stats", "models", "units", "sentences")) == {}
        statuses = [r[0] for r in store.con.execute("SELECT status FROM runs ORDER BY started_at").fetchall()]
        assert statuses == ["interrupted", "done"]
