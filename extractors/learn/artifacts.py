"""Artifacts in ``models/<component>/``: ``model.json`` (the weights), ``meta.json`` (what
made them) and ``MODEL_CARD.md`` (for humans).  Loaded from disk, never downloaded.

``meta.json`` holds no timestamps other than the training date, given by the caller,
so that retraining on the same data reproduces ``model.json`` byte for byte.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

MODELS_DIR = Path(os.environ.get("DVK_MODELS_DIR", Path(__file__).resolve().parents[2] / "models"))


@dataclass(slots=True)
class ModelCard:
    name: str
    version: str
    task: str
    features: str
    data: str
    seed: int
    trained_on: str  # YYYY-MM-DD
    scores: dict = field(default_factory=dict)  # name -> {metric: value}, with the split stated
    notes: str = ""

    def markdown(self) -> str:
        lines = [
            f"# Model card: `{self.name}` v{self.version}",
            "",
            f"**Task.** {self.task}",
            "",
            f"**Features.** {self.features}",
            "",
            f"**Training data.** {self.data}",
            "",
            f"**Training.** Seed {self.seed}; trained on {self.trained_on} by `dvk train --component {self.name}`; "
            "deterministic (retraining on the same data reproduces `model.json`).",
            "",
            "**Scores.**",
            "",
        ]
        for split, metrics in self.scores.items():
            shown = ", ".join(f"{k} {v}" for k, v in metrics.items())
            lines.append(f"- {split}: {shown}")
        if self.notes:
            lines += ["", f"**Notes.** {self.notes}"]
        return "\n".join(lines) + "\n"


def write_artifact(name: str, model_json: str, card: ModelCard, models_dir: Path | None = None) -> Path:
    """Write ``model.json``, ``meta.json`` and ``MODEL_CARD.md`` (each via a temp file + rename)."""
    folder = (models_dir or MODELS_DIR) / name
    folder.mkdir(parents=True, exist_ok=True)
    for fname, content in (
        ("model.json", model_json + "\n"),
        ("meta.json", json.dumps(asdict(card), ensure_ascii=False, indent=2, sort_keys=True) + "\n"),
        ("MODEL_CARD.md", card.markdown()),
    ):
        tmp = folder / f".{fname}.tmp"
        tmp.write_text(content, encoding="utf-8")
        tmp.replace(folder / fname)
    load_model_json.cache_clear()
    return folder


@cache
def load_model_json(name: str, models_dir: Path | None = None) -> dict | None:
    """The artifact of a component, or None when it has not been trained."""
    path = (models_dir or MODELS_DIR) / name / "model.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def require_model_json(name: str, models_dir: Path | str | None = None) -> dict:
    """The artifact of a component, or a clear error saying how to build it."""
    data = load_model_json(name, Path(models_dir) if models_dir else None)
    if data is None:
        raise FileNotFoundError(
            f"no trained {name} in {models_dir or 'models/'}: run `dvk train --component {name}` first"
        )
    return data


def artifact_version(name: str, models_dir: Path | None = None) -> str | None:
    path = (models_dir or MODELS_DIR) / name / "meta.json"
    if not path.is_file():
        return None
    return str(json.loads(path.read_text(encoding="utf-8")).get("version"))
