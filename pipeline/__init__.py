"""dvk's pipeline package: orchestration, storage, export, evaluation and the ``dvk`` CLI.

The public functions are re-exported here lazily, so that importing a light
module such as ``pipeline.evaluate`` does not load the extractors.  The
library never configures logging (it only attaches a ``NullHandler``); the
CLI does.
"""

from __future__ import annotations

import importlib
import logging
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("dvk")
except PackageNotFoundError:  # pragma: no cover - running from a tree that is not installed
    __version__ = "0+unknown"

logging.getLogger(__name__).addHandler(logging.NullHandler())

_EXPORTS = {
    "run_pipeline": "pipeline.orchestrate",
    "RunSummary": "pipeline.orchestrate",
    "open_store": "pipeline.storage",
    "Store": "pipeline.storage",
    "export_jsonl": "pipeline.export",
    "write_jsonl": "pipeline.export",
    "export_csv": "pipeline.export",
    "run_eval": "pipeline.evaluate",
    "open_dataset": "pipeline.dataset",
    "Dataset": "pipeline.dataset",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> object:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
