"""Per-component reruns: component versions, the redo plan, the layers an extraction keeps, and a
rerun that redoes only the components whose version changed (same rows as a fresh run)."""

from __future__ import annotations

import copy
import os
import pickle
import shutil
import zlib
from dataclasses import dataclass, field
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


_FAKE_COMPONENTS = """from spacy.language import Language
from extractors import a

X = 1


def _helper():
    return X


def _other():
    return 2


@Language.component("one")
def one(doc):
    return _helper()


@Language.component("two")
def two(doc):
    return _other()


register()
"""


def _fake_package(tmp_path, monkeypatch, components_py: str):
    pkg = tmp_path / "extractors"
    pkg.mkdir(exist_ok=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("Y = 1\n")
    (pkg / "components.py").write_text(components_py)
    monkeypatch.setattr(layers, "_ROOT", tmp_path)
    layers._imports.cache_clear()
    layers._outline.cache_clear()


@pytest.mark.parametrize(
    ("edit", "changed"),
    [
        (("return 2", "return 3"), {"two"}),  # a helper only "two" uses
        (("X = 1", "X = 5"), {"one"}),  # a constant only "one" uses, through its helper
        (("return _helper()", "return _helper() + 0"), {"one"}),  # the component itself
        (("register()", "register(0)"), {"one", "two"}),  # a top-level statement
        (("from extractors import a", "from extractors import a  # edited"), {"one", "two"}),  # an import
        (("\n\ndef _other", "\n# a comment between definitions\n\ndef _other"), set()),
    ],
)
def test_an_edit_to_the_components_module_changes_only_the_components_that_use_it(
    tmp_path, monkeypatch, edit, changed
):
    mods = {"one": ("a",), "two": ("a",)}
    try:
        _fake_package(tmp_path, monkeypatch, _FAKE_COMPONENTS)
        before = layers.component_versions(mods)
        assert before["one"] != before["two"]
        old, new = edit
        assert old in _FAKE_COMPONENTS
        _fake_package(tmp_path, monkeypatch, _FAKE_COMPONENTS.replace(old, new, 1))
        after = layers.component_versions(mods)
        assert {n for n in mods if after[n] != before[n]} == changed
    finally:
        layers._imports.cache_clear()
        layers._outline.cache_clear()


def _real_versions_after(tmp_path, monkeypatch, old: str, new: str) -> tuple[dict, dict]:
    """The components' versions over a copy of dvk's ``extractors``, before and after one edit of
    ``components.py``."""
    pkg = tmp_path / "extractors"
    shutil.copytree(layers._ROOT / "extractors", pkg, ignore=shutil.ignore_patterns("__pycache__"))
    try:
        monkeypatch.setattr(layers, "_ROOT", tmp_path)
        layers._imports.cache_clear()
        layers._outline.cache_clear()
        before = layers.component_versions(COMPONENT_MODULES, components.COMPONENT_PACKAGES)
        source = (pkg / "components.py").read_text(encoding="utf-8")
        assert source.count(old) == 1, old
        (pkg / "components.py").write_text(source.replace(old, new), encoding="utf-8")
        layers._outline.cache_clear()
        return before, layers.component_versions(COMPONENT_MODULES, components.COMPONENT_PACKAGES)
    finally:
        layers._imports.cache_clear()
        layers._outline.cache_clear()


@pytest.mark.parametrize(
    ("old", "new", "changed"),
    [
        # the model-name component alone
        ("    doc._.models = records\n", "    doc._.models = list(records)\n", {"dvk_models"}),
        # a helper the units, models and stats-records components use
        ("        extractor_version=RULES_VERSION,\n", "        extractor_version=str(RULES_VERSION),\n",
         {"dvk_units", "dvk_models", "dvk_stats_records"}),
        # what the components declare they read and write: every one
        ('    ("dvk_relevance", (), ("doc._.relevant",)),\n', '    ("dvk_relevance", (), ("doc._.relevant", )),\n',
         set(PIPE)),
    ],
)  # fmt: skip
def test_an_edit_to_dvks_components_module_changes_the_versions_it_should(
    tmp_path, monkeypatch, old, new, changed
):
    before, after = _real_versions_after(tmp_path, monkeypatch, old, new)
    assert {n for n in PIPE if after[n] != before[n]} == changed


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


@dataclass(frozen=True, slots=True)
class _Plain:
    a: int
    b: str | None = None


@dataclass
class _PostInit:
    a: int

    def __post_init__(self) -> None:
        self.a += 1  # a call with the stored value would add one again


@dataclass
class _NotInInit:
    a: int
    b: int = field(default=0, init=False)


@dataclass
class _KeywordOnly:
    a: int = field(kw_only=True)


def test_snapshots_pickle_dataclasses_as_a_call_with_their_fields_only_when_that_rebuilds_them():
    reduce = layers._positional_reducer(_Plain)
    assert reduce is not None and reduce(_Plain(1, "x")) == (_Plain, (1, "x"))
    assert layers._positional_reducer(_PostInit) is None
    assert layers._positional_reducer(_NotInInit) is None
    assert layers._positional_reducer(_KeywordOnly) is None
    # those are pickled pickle's own way, and come back equal
    odd = {
        "p": _PostInit(1),
        "n": _NotInInit(2),
        "k": _KeywordOnly(a=3),
        "plain": [_Plain(4), _Plain(4, "y")],
    }
    odd["n"].b = 7
    assert pickle.loads(layers.snapshot(odd)) == odd


def test_the_snapshots_of_an_extraction_restore_to_equal_values(extractor, monkeypatch):
    seen: list[tuple[dict, bytes]] = []
    real = layers.snapshot

    def spied(values):
        snap = real(values)
        seen.append((copy.deepcopy(dict(values)), snap))  # as they were when frozen
        return snap

    monkeypatch.setattr(layers, "snapshot", spied)
    extractor.process(_article(), capture={})
    assert len(seen) == len(PIPE)
    kinds = set()
    for values, snap in seen:
        assert layers.restore(snap) == values
        assert real(layers.restore(snap)) == snap  # the same bytes again: reruns compare bytes first
        kinds |= {type(v).__name__ for vs in values.values() if isinstance(vs, list) for v in vs}
    assert {"UnitMention", "Quantity", "StatRecord"} <= kinds  # dvk's dataclasses were in them


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
    restored = _count_calls(monkeypatch, layers, "restore")
    again = bumped.extract(article, reuse=first.layers, keep_layers="k1")
    assert (again.stats, again.models, again.units) == (first.stats, first.models, first.units)
    assert unit_calls == [0] and model_calls == [1]  # units restored, models redone
    # only the snapshots read are unpickled: relevance and units (the models component reads
    # them) and the records' (stats, units); not quantities, periods, stat mentions
    assert restored == [3]
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


# ---------------------------------------------------------------------------- early cutoff

_WRITES = {c.name: c.writes for c in DECLARED}


def _walk(bumped: set[str], new_output: set[str]) -> tuple[list[str], layers.Replay]:
    """Replay the pipeline over layers of version ``v-<name>``: the components in ``bumped`` have
    a new version, those in ``new_output`` write other values than their snapshots hold."""
    snaps = {n: layers.snapshot({a: f"{n}:{a}" for a in _WRITES[n]}) for n in PIPE}
    earlier = layers.Layers("base", dict(CURRENT), snaps)
    current = {n: (f"new-{n}" if n in bumped else f"v-{n}") for n in PIPE}
    replay = layers.Replay(PIPE, DECLARED, current, earlier)
    ran = []
    for name in PIPE:
        if not replay.must_run(name):
            assert replay.skipped(name) == snaps[name]
            continue
        ran.append(name)
        tag = "changed" if name in new_output else name
        replay.ran(name, {a: f"{tag}:{a}" for a in _WRITES[name]})
    return ran, replay


def test_a_component_that_runs_again_and_writes_the_same_leaves_what_reads_it_alone():
    assert _walk({"dvk_units"}, set())[0] == ["dvk_units"]
    assert _walk({"dvk_relevance"}, set())[0] == ["dvk_relevance"]
    assert _walk({"dvk_quantities", "dvk_stats"}, set())[0] == ["dvk_quantities", "dvk_stats"]
    # what it wrote changed: everything that reads it runs too (redo_plan's upper bound)
    assert set(_walk({"dvk_units"}, {"dvk_units"})[0]) == plan({"dvk_units"})
    # relevance changed, but units, models and stats found what they found before: the records stay
    assert _walk({"dvk_relevance"}, {"dvk_relevance"})[0] == [
        "dvk_relevance",
        "dvk_units",
        "dvk_models",
        "dvk_stats",
    ]
    # a change stops where the output stops changing: stats ran again (its input changed) but
    # gave the same mentions, so the records are not redone
    assert _walk({"dvk_quantities"}, {"dvk_quantities"})[0] == ["dvk_quantities", "dvk_stats"]
    assert _walk({"dvk_quantities"}, {"dvk_quantities", "dvk_stats"})[0] == [
        "dvk_quantities",
        "dvk_stats",
        "dvk_stats_records",
    ]


def test_the_replay_says_whether_the_records_changed_and_restores_each_attribute_from_its_last_writer():
    ran, replay = _walk({"dvk_units"}, set())
    assert replay.unchanged(("stats", "models", "units"))
    # units is written by dvk_units and then dvk_stats_records: the records component's value
    assert replay.restore_for(["units", "models"]) == {
        "units": "dvk_stats_records:units",
        "models": "dvk_models:models",
    }
    assert replay.restore_for(["units"]) == {}  # handed out once
    ran, replay = _walk({"dvk_models"}, {"dvk_models"})
    assert not replay.unchanged(("stats", "models", "units")) and replay.unchanged(("stats",))
    fresh = layers.Replay(PIPE, DECLARED, CURRENT, None)  # nothing to compare with
    assert fresh.must_run("dvk_relevance") and not fresh.unchanged(())


def test_snapshots_of_equal_values_are_the_same_even_when_their_bytes_differ():
    word = "".join(["mô ", "hình"])
    shared = layers.snapshot({"names": [word, word]})
    apart = layers.snapshot({"names": [word, "".join(["mô ", "hình"])]})
    assert shared != apart  # pickle shares the one string object
    assert layers._changed(shared, apart, {"names": [word, word]}) == []
    both = {"names": [word], "n": 1}
    assert layers._changed(shared, layers.snapshot(both), both) == ["names", "n"]  # n: not in the old one
    assert layers._changed(b"garbage", shared, {"names": [word, word]}) == ["names"]


def test_extract_after_a_version_bump_that_changes_nothing_runs_only_the_bumped_component(
    extractor, monkeypatch
):
    from extractors import stats

    article = _article()
    first = extractor.extract(article, keep_layers="k1")
    bumped = copy.copy(extractor)
    bumped.versions = {**extractor.versions, "rule.dvk_units": "bumped"}
    unit_calls = _count_calls(monkeypatch, units, "article_context")
    model_calls = _count_calls(monkeypatch, model_names, "find_model_names")
    stat_calls = _count_calls(monkeypatch, stats, "find_stats")
    merge_calls = _count_calls(monkeypatch, stats, "merge_repeats")
    again = bumped.extract(article, reuse=first.layers, keep_layers="k1")
    assert (again.stats, again.models, again.units) == (first.stats, first.models, first.units)
    assert again.same_records and not first.same_records
    assert (unit_calls, model_calls, stat_calls, merge_calls) == ([1], [0], [0], [0])
    # the units component now lists one unit less: only what reads the units table runs again
    real = units.participating_units
    monkeypatch.setattr(units, "participating_units", lambda text, ctx: real(text, ctx)[:-1])
    bumped.versions = {**extractor.versions, "rule.dvk_units": "drops-one"}
    changed = bumped.extract(article, reuse=first.layers, keep_layers="k1")
    assert (model_calls, stat_calls, merge_calls) == ([0], [0], [1])
    assert not changed.same_records
    assert (changed.stats, changed.models) == (first.stats, first.models)
    assert changed.units == bumped.extract(article).units != first.units


def _history_rows(dataset: Path, run_id: str) -> dict[str, int]:
    con = duckdb.connect(str(dataset / "dvk.duckdb"), read_only=True)
    try:
        return {
            t: con.execute(f"SELECT count(*) FROM {t}_history WHERE run_id = ?", [run_id]).fetchone()[0]
            for t in ("stats", "models", "units")
        }
    finally:
        con.close()


def _drop_last_unit(real):  # the units table loses its last unit
    return lambda text, ctx: real(text, ctx)[:-1]


def _first_mention_only(real):  # the unit grammar sees one mention (models and stats move)
    def changed(text, title=None):
        ctx = real(text, title)
        ctx.mentions = ctx.mentions[:1]
        return ctx

    return changed


@pytest.mark.parametrize(
    ("function", "change"),
    [("participating_units", _drop_last_unit), ("article_context", _first_mention_only)],
)
def test_a_rerun_keeps_the_rows_of_articles_whose_records_did_not_change(
    function, change, tmp_path, extractor, monkeypatch
):
    """The units component changes for one article in three: only those articles' rows are made
    again (normalised and written); the others keep their stored rows, logged as the rerun's, and
    the dataset equals a fresh run with the change, history included."""
    import zlib

    from pipeline import orchestrate
    from pipeline.history import diff_runs
    from pipeline.storage import open_store

    ds = tmp_path / "ds"
    first = run_pipeline([str(SAMPLES)], ds, extractor=extractor)
    before = _rows(ds)
    n_articles = before["layers"][0][0]
    real, changed = getattr(units, function), change(getattr(units, function))
    touched: set[str] = set()

    def one_in_three(text, *args):
        if zlib.crc32(text.encode()) % 3 == 0:
            touched.add(text)
            return changed(text, *args)
        return real(text, *args)

    monkeypatch.setattr(units, function, one_in_three)
    bumped = copy.copy(extractor)
    bumped.versions = {**extractor.versions, "rule.dvk_units": f"{function}-one-in-three"}
    normalised = _count_calls(monkeypatch, orchestrate, "normalise_extraction")
    summary = rerun_pipeline(ds, extractor=bumped)
    assert summary.n_new == n_articles and 0 < len(touched) < n_articles
    assert 0 < normalised[0] <= len(touched)  # the other articles' rows are kept as stored
    after = _rows(ds)
    fresh = tmp_path / "fresh"
    run_pipeline([str(SAMPLES)], fresh, extractor=bumped)
    assert after == _rows(fresh) and after != before
    with open_store(ds, read_only=True) as store:
        assert store.con.execute("SELECT DISTINCT run_id FROM stats").fetchall() == [(summary.run_id,)]
        diffs = {d.table: d for d in diff_runs(store, first.run_id, summary.run_id)}
    # what the rerun logged is all of its state: every row, kept or made again
    assert _history_rows(ds, summary.run_id) == _history_rows(fresh, _only_run(fresh))
    assert sum(d.appeared + d.disappeared + d.changed for d in diffs.values()) > 0
    for table in ("stats", "models", "units"):
        d = diffs[table]
        assert d.unchanged + d.changed + d.disappeared == len(before[table]), table


def _only_run(dataset: Path) -> str:
    con = duckdb.connect(str(dataset / "dvk.duckdb"), read_only=True)
    try:
        (run_id,) = con.execute("SELECT run_id FROM runs").fetchone()
        return run_id
    finally:
        con.close()


def test_a_rerun_makes_every_row_again_when_the_normaliser_changed(tmp_path, extractor, monkeypatch):
    from pipeline import orchestrate, rerun

    ds = tmp_path / "ds"
    run_pipeline([str(SAMPLES)], ds, extractor=extractor)
    n_articles = _rows(ds)["layers"][0][0]
    bumped = copy.copy(extractor)
    bumped.versions = {**extractor.versions, "rule.dvk_models": "same-output"}
    monkeypatch.setattr(rerun, "normaliser_version", lambda: "another normaliser")
    normalised = _count_calls(monkeypatch, orchestrate, "normalise_extraction")
    assert rerun_pipeline(ds, extractor=bumped).n_new == n_articles
    assert normalised == [n_articles]  # the records are the same, but not the normaliser of the rows


def test_a_failed_batch_of_kept_rows_changes_nothing(tmp_path, extractor, monkeypatch):
    """Kept rows are re-stamped inside the batch's transaction: when it fails, the rows, their run
    and their history stay as they were, and the article is a failure of the rerun."""
    from pipeline import storage

    ds = tmp_path / "ds"
    run_pipeline([str(SAMPLES)], ds, extractor=extractor)
    before = _rows(ds)
    bumped = copy.copy(extractor)
    bumped.versions = {**extractor.versions, "rule.dvk_models": "same-output"}
    real_insert = storage.Store._insert

    def failing(self, table, rows, like=None):
        if table == "layers":
            raise RuntimeError("disk full")
        return real_insert(self, table, rows, like)

    monkeypatch.setattr(storage.Store, "_insert", failing)
    summary = rerun_pipeline(ds, extractor=bumped)
    assert summary.n_new == 0 and summary.n_failed == before["layers"][0][0]
    assert _rows(ds) == before
    con = duckdb.connect(str(ds / "dvk.duckdb"), read_only=True)
    try:
        assert (
            con.execute("SELECT count(*) FROM stats_history WHERE run_id = ?", [summary.run_id]).fetchone()[0]
            == 0
        )
        assert con.execute("SELECT count(DISTINCT run_id) FROM stats").fetchone()[0] == 1
    finally:
        con.close()
