"""The notebooks in notebooks/ run top to bottom (nbclient), stay stored without outputs, and draw plots.

The kernel is this interpreter (``sys.executable -m ipykernel_launcher``), declared in a
kernelspec written to a temporary ``JUPYTER_PATH``: no kernel has to be installed by hand.
One notebook builds its dataset itself (the path in ``DVK_DATASET`` does not exist yet); the
other reads the session's demo dataset.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from demo_dataset import ROOT, demo_dataset

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
KERNEL = "dvk-test-python"


@pytest.fixture
def kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    spec_dir = tmp_path / "jupyter" / "kernels" / KERNEL
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "dvk tests",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    return KERNEL


def _run(path: Path, kernel: str) -> object:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, kernel_name=kernel, timeout=300, resources={"metadata": {"path": str(ROOT)}}, allow_errors=False
    )
    client.execute()
    return nb


def _images(nb) -> int:
    return sum(
        "image/png" in out.get("data", {})
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
    )


def test_there_are_notebooks_stored_without_outputs() -> None:
    import nbformat

    assert len(NOTEBOOKS) >= 2
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code and all(not c.outputs and c.execution_count is None for c in code), path.name
        assert any("demo-out" in c.source for c in code), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom_and_plots(
    path: Path, kernel: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch
) -> None:
    # the first notebook gets a missing path and builds the dataset; the others read the demo's
    builds = path == NOTEBOOKS[0]
    dataset = tmp_path / "built-by-the-notebook" if builds else demo_dataset(tmp_path_factory)
    monkeypatch.setenv("DVK_DATASET", str(dataset))
    nb = _run(path, kernel)
    assert (dataset / "dvk.duckdb").is_file()
    assert _images(nb) >= 2, "the notebook must draw plots"
    text = "".join(out.get("text", "") for c in nb.cells if c.cell_type == "code" for out in c.outputs)
    assert str(dataset) in text
