"""The Dask engine on a real cluster: a ``distributed.LocalCluster`` of two worker processes.

The run on the cluster (``--engine dask --scheduler ADDRESS``) must store exactly what the
local engine stores: the JSONL export of the sample corpus is compared byte for byte.  Each
worker process builds its Extractor once (pyvi, the faster tokenizer to load) and keeps it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.engines import EngineError, PartitionTask, ScaleOptions, process_partition
from pipeline.export import export_jsonl
from pipeline.orchestrate import run_pipeline

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
    assert summary.n_new == local.n_new == len(reference.splitlines()) == 16
    assert (summary.n_files, summary.n_failed, summary.rows) == (local.n_files, local.n_failed, local.rows)
    again = run_pipeline([str(SAMPLES)], tmp_path / "dask", "pyvi", scale=scale)
    assert (again.n_unchanged, again.n_new) == (16, 0)


def test_a_worker_with_other_extractor_versions_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Xã Tân Lập có 3 mô hình dân vận khéo.\n", encoding="utf-8")
    from pipeline.engines import ExtractorSpec

    task = PartitionTask(ExtractorSpec("pyvi"), ScaleOptions(engine="dask"), "not-the-key", frozenset())
    [result] = process_partition([str(tmp_path / "a.txt")], task)
    assert result.vkey != "not-the-key" and result.outcomes == []
    assert issubclass(EngineError, Exception)
