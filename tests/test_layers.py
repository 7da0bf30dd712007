"""Per-component reruns: component versions, the redo plan, the layers an extraction keeps, and a
rerun that redoes only the components whose version changed (same rows as a fresh run)."""

from __future__ import annotations

import copy
import os
import pickle
import zlib
from pathlib import Path

import duckdb
import pytest

from extractors import components, layers, model_names, units
from extractors.components import COMPONENT_MODULES, RULE_COMPONENTS
from pipeline.orchestrate import build_extractor, run_pipeline
from pipeline.rerun import rerun_pipeline

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpus" / "samples"
PIPE = [name for name, _r, _a in RULE_COMPONENTS]
DECLARED = layers.declared(RULE_COMPONENTS)
CURRENT = {name: f"v-{name}" for name in PIPE}


# ---------------------------------------------------------------------------- the plan


def plan(changed: set[str], pipeline: list[str] = PIPE) -> set[str]:
    cached = {n: (f"old-{n}" if n in changed else f"v-{n}") for n in PIPE}
    return layers.redo_plan(pipeline, DECLARED, CURRENT, cached)


def test_nothing_changed_redoes_nothing():
    assert plan(set()) == set()


def test_a_changed_component_is_redone_with_what_reads_it():
    assert plan({"dvk_models"}) == {"dvk_models"}
    assert plan({"dvk_stats_records"}) == {"dvk_stats_records"}
    assert plan({"dvk_stats"}) == {"dvk_stats", "dvk_stats_records"}
    assert plan({"dvk_quantities"}) == {"dvk_quantities", "dvk_stats", "dvk_stats_records"}
    assert plan({"dvk_periods"}) == {"dvk_periods", "dvk_stats", "dvk_stats_records"}
    assert plan({"dvk_units"}) == {"dvk_units", "dvk_models", "dvk_stats", "dvk_stats_records"}
    assert plan({"dvk_relevance"}) == set(PIPE) - {"dvk_quantities", "dvk_periods"}


def test_no_cache_a_missing_snapshot_or_an_undeclared_component_redo_everything():
    assert layers.redo_plan(PIPE, DECLARED, CURRENT, None) == set(PIPE)
    partial = {n: f"v-{n}" for n in PIPE if n != "dvk_periods"}
    assert layers.redo_plan(PIPE, DECLARED, CURRENT, partial) == {
        "dvk_periods",
        "dvk_stats",
        "dvk_stats_records",
    }
    with_trained = [*PIPE[:5], "dvk_ml_models", *PIPE[5:]]
    assert layers.redo_plan(with_trained, DECLARED, CURRENT, dict(CURRENT)) == set(with_trained)


def test_only_the_snapshots_that_are_read_are_restored():
    out = ("stats", "models", "units")
    assert layers.needed_snapshots(PIPE, DECLARED, {"dvk_stats_records"}, out) == {
        "dvk_units",
        "dvk_models",
        "dvk_stats",
    }  # units, models and stats_records' inputs; not relevance, quantities, periods
    assert layers.needed_snapshots(PIPE, DECLARED, {"dvk_models"}, out) == {
        "dvk_relevance",
        "dvk_units",
        "dvk_stats_records",
    }
    assert layers.needed_snapshots(PIPE, DECLARED, set(), ()) == set()


def test_declarations_cover_every_doc_attribute_a_component_reads():
    """Each attribute read is written by an earlier component (or is the metadata, the base)."""
    written = {"meta"}
    for c in DECLARED:
        assert c.reads <= written, (c.name, c.reads - written)
        written.update(c.writes)
    assert set(COMPONENT_MODULES) == set(PIPE)


# ---------------------------------------------------------------------------- versions


def test_a_component_version_follows_its_modules_and_what_they_import():
    closure = layers.module_closure(["extractors.periods"])
    assert {"extractors.periods", "extractors.numbers", "extractors.regex_speed"} <= set(closure)
    assert "extractors.model_names" not in closure
    # components.py counts for every component, but not everything it imports
    models = layers.module_closure([f"extractors.{m}" for m in COMPONENT_MODULES["dvk_models"]])
    assert "extractors.units" not in models and "extractors.unit_grammar" not in models
    versions = layers.component_versions(COMPONENT_MODULES, components.COMPONENT_PACKAGES)
    assert set(versions) == set(PIPE) and len(set(versions.values())) == len(PIPE)


def test_a_source_edit_changes_only_the_versions_of_components_that_use_it(tmp_path, monkeypatch):
    pkg = tmp_path / "extractors"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "components.py").write_text("from extractors import a, b\n")
    (pkg / "a.py").write_text("from extractors.c import f\n")
    (pkg / "b.py").write_text("X = 1\n")
    (pkg / "c.py").write_text("def f(): return 1\n")
    monkeypatch.setattr(layers, "_ROOT", tmp_path)
    layers._imports.cache_clear()
    try:
        mods = {"one": ("a",), "two": ("b",)}
        before = layers.component_versions(mods)
        (pkg / "c.py").write_text("def f(): return 2\n")
        after = layers.component_versions(mods)
        assert after["one"] != before["one"] and after["two"] == before["two"]
        (pkg / "components.py").write_text("from extractors import a, b  # edited\n")
        again = layers.component_versions(mods)
        assert again["one"] != after["one"] and again["two"] != after["two"]
    finally:
        layers._imports.cache_clear()


def test_the_extractor_versions_name_each_rule_component():
    ex = build_extractor("pyvi")
    assert {f"rule.{n}" for n in PIPE} <= set(ex.versions)
    assert ex.keeps_layers()


# ---------------------------------------------------------------------------- packing


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_layers_hold_only_dvk_dataclasses():
    ok = layers.Layers("base", {"dvk_x": "1"}, {"dvk_x": layers.snapshot({"units": []})})
    assert layers.unpack(layers.pack(ok)) == ok
    evil = zlib.compress(pickle.dumps({"base": "b", "versions": {}, "snapshots": {"x": _Evil()}}))
    assert layers.unpack(evil) is None  # refused, read as a cache miss
    with pytest.raises(pickle.UnpicklingError):
        layers.restore(pickle.dumps({"a": _Evil()}))
    assert layers.unpack(b"not zlib") is None and layers.unpack(None) is None


# ---------------------------------------------------------------------------- extraction and rerun


@pytest.fixture(scope="module")
def extractor():
    return build_extractor("pyvi")


def _article():
    from corpus.ingest import read_inputs
    from pipeline.orchestrate import _clean

    return _clean(next(iter(read_inputs(SAMPLES / "s01_hoang_mai_2024.txt"))))


def _count_calls(monkeypatch, module, name: str) -> list[int]:
    calls = [0]
    real = getattr(module, name)

    def counted(*a, **k):
        calls[0] += 1
        return real(*a, **k)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_extract_restores_unchanged_components_and_gives_the_same_records(extractor, monkeypatch):
    article = _article()
    first = extractor.extract(article, keep_layers="k1")
    assert first.layers and first.stats and first.models
    bumped = copy.copy(extractor)
    bumped.versions = {**extractor.versions, "rule.dvk_models": "changed"}
    unit_calls = _count_calls(monkeypatch, units, "article_context")
    model_calls = _count_calls(monkeypatch, model_names, "find_model_names")
    again = bumped.extract(article, reuse=first.layers, keep_layers="k1")
    assert (again.stats, again.models, again.units) == (first.stats, first.models, first.units)
    assert unit_calls == [0] and model_calls == [1]  # units restored, models redone
    assert layers.unpack(again.layers).versions["dvk_models"].endswith("/changed")
    # another base (other tokens or metadata): the layers are not used
    bumped.extract(article, reuse=first.layers, keep_layers="k2")
    assert unit_calls == [1]


def _rows(dataset: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(dataset / "dvk.duckdb"), read_only=True)
    try:
        out = {}
        for table in ("stats", "models", "units"):
            cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall() if r[0] != "run_id"]
            quoted = ", ".join(f'"{c}"' for c in cols)
            out[table] = con.execute(f"SELECT {quoted} FROM {table} ORDER BY article_id, idx").fetchall()
        out["layers"] = con.execute("SELECT count(*) FROM layers").fetchall()
        return out
    finally:
        con.close()


def test_a_rerun_after_one_component_changed_equals_a_fresh_run(tmp_path, extractor, monkeypatch):
    """The models component changes (it now drops names starting with "Đ"): the rerun redoes it
    alone, and its rows are those of a fresh run with the changed component."""
    ds = tmp_path / "ds"
    run_pipeline([str(SAMPLES)], ds, extractor=extractor)
    before = _rows(ds)
    n_articles = before["layers"][0][0]
    assert n_articles >= 10

    real = model_names.find_model_names

    def changed(text, sents):
        return [m for m in real(text, sents) if not m.name.startswith("Đ")]

    monkeypatch.setattr(model_names, "find_model_names", changed)
    bumped = copy.copy(extractor)
    bumped.versions = {**extractor.versions, "rule.dvk_models": "drops-D"}
    unit_calls = _count_calls(monkeypatch, units, "article_context")
    summary = rerun_pipeline(ds, extractor=bumped)
    assert summary.n_new == n_articles and unit_calls == [0]
    after = _rows(ds)
    fresh = tmp_path / "fresh"
    run_pipeline([str(SAMPLES)], fresh, extractor=bumped)
    assert after == _rows(fresh)
    assert len(after["models"]) < len(before["models"])  # the change did change rows
    assert after["stats"] == before["stats"] and after["units"] == before["units"]


def test_the_records_only_doc_gives_the_records_of_the_full_doc(extractor):
    from corpus.ingest import read_inputs
    from extractors.pipeline import _extraction
    from pipeline.orchestrate import _clean

    n = 0
    for path in sorted(SAMPLES.glob("*.txt")):
        for raw in read_inputs(path):
            article = _clean(raw)
            full = extractor.process(article)  # spaCy tokens and span groups
            assert len(full) > 1 and "dvk_stats" in full.spans
            assert _extraction(full) == extractor.extract(article)
            n += 1
    assert n >= 8
