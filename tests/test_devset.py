"""Accuracy floors on the development set (issue 2), end to end through the CLI.

``dvk run`` over the 5 seeds and the 40 dev article beginnings in ``../shared``,
``dvk export --format jsonl``, then dvk's own scorer against the hand gold.  The
same prediction is scored by the reference scorer ``../shared/gold/score.py`` and
the two must agree.  Skipped, with the reason, where ``../shared`` is absent.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.evaluate import load_jsonl, score

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "seeds"
DEV = SHARED / "dev" / "articles"
GOLDS = [SHARED / "gold" / "seeds.jsonl", SHARED / "dev" / "gold.jsonl"]

# Floors of issue 2, raised to the targets of issue 3 (period and unit attachment), then below the
# tenth session's figures (docs/extractors.md: F1_full 0.878, unit 0.955, period 0.955, action 0.909,
# province 0.990, models' unit 0.900) to keep its general attachment rules: they only rise.
FLOORS = {
    ("stats", "f1"): 0.95,
    ("models", "f1"): 0.95,
    ("models", "acc_domain"): 0.90,
    ("units", "f1"): 0.93,
    ("stats", "acc_unit"): 0.94,
    ("stats", "acc_period"): 0.94,
    ("stats", "f1_full"): 0.86,
    ("stats", "acc_action"): 0.89,
    ("stats", "acc_province"): 0.98,
    ("models", "acc_unit"): 0.88,
}

pytestmark = pytest.mark.skipif(
    not (SEEDS.is_dir() and DEV.is_dir() and all(g.is_file() for g in GOLDS)),
    reason="the development set (../shared/seeds, ../shared/dev, ../shared/gold) is not beside the repository",
)


@pytest.fixture(scope="module")
def dev_prediction(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("devset")
    runner = CliRunner()
    res = runner.invoke(app, ["run", str(SEEDS), str(DEV), "--out", str(out / "run")])
    assert res.exit_code == 0, res.output
    pred = out / "pred.jsonl"
    res = runner.invoke(app, ["export", str(out / "run"), "--format", "jsonl", "--out", str(pred)])
    assert res.exit_code == 0, res.output
    return pred


def _gold() -> dict[str, dict]:
    gold: dict[str, dict] = {}
    for g in GOLDS:
        gold.update(load_jsonl(g))
    return gold


def test_every_dev_article_is_exported(dev_prediction: Path) -> None:
    pred = load_jsonl(dev_prediction)
    assert set(_gold()) <= set(pred)


@pytest.mark.parametrize(("table", "metric"), sorted(FLOORS))
def test_floor(dev_prediction: Path, table: str, metric: str) -> None:
    res, _ = score(_gold(), load_jsonl(dev_prediction))
    assert res[table][metric] >= FLOORS[(table, metric)], json.dumps(res[table])


def test_dvk_eval_agrees_with_reference_scorer(dev_prediction: Path) -> None:
    spec = importlib.util.spec_from_file_location("reference_score", SHARED / "gold" / "score.py")
    ref = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(ref)
    gold: dict[str, dict] = {}
    for g in GOLDS:
        gold.update(ref.load(str(g)))
    expected, expected_errors = ref.score(gold, ref.load(str(dev_prediction)), errors=True)
    got, got_errors = score(_gold(), load_jsonl(dev_prediction), errors=True)
    assert got == expected
    assert got_errors == expected_errors


def test_eval_command_prints_one_block_per_gold_file(dev_prediction: Path) -> None:
    args = ["eval", "--pred", str(dev_prediction)]
    for g in GOLDS:
        args += ["--gold", str(g)]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert res.output.count("stats   P=") == 3  # seeds, dev, all
