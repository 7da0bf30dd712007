"""The README's demo dataset (``dvk run corpus/samples``), built once per test session.

Under pytest-xdist the workers share one copy: the first worker builds it under a file lock,
the others wait and reuse it.  Tests that write beside a dataset (``dvk serve``, ``dvk export``)
work on their own copy (:func:`copy_dataset`).
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpus" / "samples"


def demo_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dataset of ``dvk run corpus/samples``, shared by the session's workers."""
    from pipeline.orchestrate import run_pipeline

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    out = shared / "dvk-demo-out"
    with open(shared / "dvk-demo-out.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / ".complete").exists():
            shutil.rmtree(out, ignore_errors=True)
            summary = run_pipeline([str(SAMPLES)], out, "underthesea")
            assert summary.ok and summary.rows["stats"] > 0, summary
            (out / ".complete").write_text("ok\n")
    return out


def copy_dataset(dataset: Path, dest: Path) -> Path:
    """A private copy of the dataset's DuckDB file in ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(dataset / "dvk.duckdb", dest / "dvk.duckdb")
    return dest
