"""The trained components: where their code and artifacts live and where they sit in the pipeline.

Each module named here exposes ``NAME``, ``VERSION``, ``PIPE`` (``dvk_ml_<name>``, the spaCy
factory it registers with ``Language.factory``, config ``{"mode": "ml" | "hybrid"}``),
``train(articles, seed) -> tuple[str, ModelCard]`` (the ``model.json`` text and its card)
and ``cross_validate(articles, folds, seed) -> dict`` (scores with the split stated).
"""

from __future__ import annotations

import datetime as _dt
import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from extractors.learn.artifacts import artifact_version, write_artifact

MODES = ("rules", "ml", "hybrid")
DEFAULT_MODE = "rules"  # hybrid becomes the default once it beats the rules (docs/extractors.md)
SEED = 13


@dataclass(frozen=True, slots=True)
class Trained:
    name: str
    module: str
    after: str  # the pipeline component it follows


TRAINED: tuple[Trained, ...] = (
    Trained("unit_recogniser", "extractors.learn.unit_recogniser", after="dvk_units"),
    Trained("model_name_detector", "extractors.learn.model_name_detector", after="dvk_models"),
    Trained("domain_classifier", "extractors.learn.domain_classifier", after="dvk_models"),
    Trained("attachment_ranker", "extractors.learn.attachment_ranker", after="dvk_stats"),
)


def component_names() -> list[str]:
    return [t.name for t in TRAINED]


def get(name: str) -> Trained:
    for t in TRAINED:
        if t.name == name:
            return t
    raise KeyError(f"unknown component {name!r}: one of {', '.join(component_names())}")


def load_module(name: str) -> ModuleType | None:
    """The component's module, or None while it is not written."""
    try:
        return importlib.import_module(get(name).module)
    except ModuleNotFoundError as exc:
        if exc.name == get(name).module:
            return None
        raise


def available_code() -> list[Trained]:
    """The trained components whose training code is written."""
    return [t for t in TRAINED if load_module(t.name) is not None]


def available(names: Sequence[str] | None = None, models_dir: Path | None = None) -> list[Trained]:
    """The trained components whose code and artifact (in ``models_dir``) are both present."""
    out = []
    for t in TRAINED:
        if names is not None and t.name not in names:
            continue
        if load_module(t.name) is not None and artifact_version(t.name, models_dir) is not None:
            out.append(t)
    return out


def train_component(
    name: str,
    shared: Path | None = None,
    seed: int = SEED,
    models_dir: Path | None = None,
    trained_on: str | None = None,
    articles: Sequence | None = None,
) -> Path:
    """Train one component on every annotated article available and write its artifact."""
    from extractors.learn.data import load_training_articles

    module = load_module(name)
    if module is None:
        raise KeyError(f"component {name!r} has no training code yet")
    arts = list(articles) if articles is not None else load_training_articles(shared)
    model_json, card = module.train(arts, seed=seed)
    card.trained_on = trained_on or _dt.date.today().isoformat()
    return write_artifact(name, model_json, card, models_dir)
