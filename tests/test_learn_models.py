"""The domain classifier and the model-name detector: features on invented sentences, the pipes
change ``doc._.models`` as their modes say, deterministic retraining reproduces the committed
``models/domain_classifier/model.json``, and ``dvk run --extractors ml|hybrid`` uses them.

Every text here is invented for the tests; no sentence comes from a real article.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from typer.testing import CliRunner

from extractors.learn import domain_classifier as dc
from extractors.learn import model_name_detector as mnd
from extractors.learn import registry
from extractors.learn.data import AnnotatedArticle, load_training_articles
from extractors.learn.gold_models import gold_models, locate
from extractors.records import ModelRecord, Provenance
from pipeline.cli import app

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO / ".." / "shared"

TEXT = (
    "Xã Tân Lộc nhân rộng mô hình hay\n"
    "Lĩnh vực kinh tế\n"
    "Hội Nông dân xã xây dựng mô hình “Tổ hợp tác chăn nuôi bò vỗ béo” giúp nhiều hộ thoát nghèo.\n"
    "Lĩnh vực quốc phòng, an ninh\n"
    "Công an xã duy trì mô hình “Camera giữ bình yên xóm nhỏ” ở các thôn.\n"
    "Xã cũng hưởng ứng phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa”.\n"
)


def _article(text: str, gold: dict, doc: str = "t.txt", source: str = "samples") -> AnnotatedArticle:
    return AnnotatedArticle(doc, text, None, None, {"doc": doc} | gold, source)


def _doc(text: str, records: list[ModelRecord]):
    from extractors.components import register_extensions

    register_extensions()
    nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    doc = nlp(text)
    doc._.models = records
    return doc


def _record(text: str, name: str, domain: str | None) -> ModelRecord:
    start = text.index(name) - len("mô hình “")
    end = text.index(name) + len(name) + 1
    return ModelRecord(
        name=name, domain=domain, evidence=text[start:end], prov=Provenance(0, start, end, "t", "0")
    )


GOLD = {
    "models": [
        {"name": "Tổ hợp tác chăn nuôi bò vỗ béo", "domain": "economy", "evidence": "mô hình “Tổ hợp tác"},
        {"name": "Camera giữ bình yên xóm nhỏ", "domain": "defense_security", "evidence": ""},
    ]
}


# --- domain classifier ---------------------------------------------------------------------------


def test_gold_models_are_located_in_the_text() -> None:
    found = gold_models(TEXT, GOLD)
    assert [TEXT[g.start : g.end] for g in found] == [g["name"] for g in GOLD["models"]]
    assert locate(TEXT, "không có ở đây") == (-1, -1)


def test_domain_features_carry_lexicon_heading_and_rule() -> None:
    at = TEXT.index("Camera")
    feats = dc.features(
        "Camera giữ bình yên xóm nhỏ", "Công an xã duy trì mô hình ở các thôn.", dc.heading_at(TEXT, at)
    )
    assert feats["head:defense_security"] == 1.0
    assert feats["lexn:defense_security"] > 0
    assert feats["rule:defense_security"] == 1.0
    assert "n:camera" in feats and "n2:camera_giữ" in feats and "c:công" in feats
    assert dc.heading_at(TEXT, TEXT.index("Tổ hợp tác")) == "economy"
    assert dc.heading_at("Không có tiêu đề nào\nmô hình “A B C”", 25) is None


def test_domain_examples_and_combination() -> None:
    rows = dc.examples(_article(TEXT, GOLD))
    assert [r.label for r in rows] == ["economy", "defense_security"]
    assert dc.combine(None, "economy", 0.3, "hybrid") == "economy"  # rules silent: the classifier
    assert dc.combine("culture_society", "economy", 0.5, "hybrid") == "culture_society"
    assert dc.combine("culture_society", "economy", 0.99, "hybrid") == "economy"
    assert dc.combine("culture_society", "economy", 0.1, "ml") == "economy"


def _tiny_domain_model():
    rows = [
        dc.DomainExample("Tổ hợp tác chăn nuôi bò", "mô hình giúp hộ thoát nghèo", None, "economy"),
        dc.DomainExample("Vườn cây ăn quả", "phát triển kinh tế", "economy", "economy"),
        dc.DomainExample("Camera an ninh", "giữ gìn an ninh trật tự", None, "defense_security"),
        dc.DomainExample("Tổ tự quản", "bảo vệ an ninh thôn", "defense_security", "defense_security"),
        dc.DomainExample("Thư viện xanh", "khuyến học cho học sinh", None, "culture_society"),
        dc.DomainExample("Một cửa thân thiện", "cải cách hành chính", None, "political_system"),
    ]
    return dc.fit(rows, seed=13)


def test_domain_pipe_relabels_models_by_mode() -> None:
    model = _tiny_domain_model()
    name = "Camera giữ bình yên xóm nhỏ"
    for mode, rule_domain, expected in (
        ("ml", "culture_society", "defense_security"),
        ("hybrid", None, "defense_security"),
    ):
        doc = dc.relabel(_doc(TEXT, [_record(TEXT, name, rule_domain)]), model, mode)
        assert doc._.models[0].domain == expected, mode


def test_domain_fit_is_deterministic() -> None:
    assert _tiny_domain_model().dumps() == _tiny_domain_model().dumps()


# --- model-name detector -------------------------------------------------------------------------


def test_detector_candidates_and_features() -> None:
    cands = mnd.candidates(TEXT, ["Tổ hợp tác chăn nuôi bò vỗ béo"])
    names = [c.name(TEXT) for c in cands]
    assert names == [
        "Tổ hợp tác chăn nuôi bò vỗ béo",
        "Camera giữ bình yên xóm nhỏ",
        "Toàn dân đoàn kết xây dựng đời sống văn hóa",
    ]
    assert [c.rule for c in cands] == [True, False, False]
    model_feats = mnd.features(TEXT, cands[0])
    movement_feats = mnd.features(TEXT, cands[2])
    assert model_feats["cue:direct"] == 1.0 and model_feats["rule"] == 1.0
    assert "cue:direct" not in movement_feats and movement_feats["head:reject"] == 1.0
    assert movement_feats["name:rejected"] == 1.0
    assert model_feats["b1:hình"] == 1.0 and model_feats["b2:mô"] == 1.0


def test_detector_labels_follow_the_scorers_name_match() -> None:
    ac = mnd.article_candidates(_article(TEXT, GOLD))
    assert ac.labels == (mnd.POS, mnd.POS, mnd.NEG)


def _tiny_detector():
    texts = [
        ("Phường A duy trì mô hình “Ngõ nhỏ an toàn” suốt năm.", ["Ngõ nhỏ an toàn"]),
        ("Xã B có mô hình “Bữa cơm yêu thương” cho người già.", ["Bữa cơm yêu thương"]),
        ("Xã C hưởng ứng phong trào “Cả nước chung tay vì biển đảo” rộng khắp.", []),
        ("Huyện D phát động cuộc vận động “Ngày thứ bảy vì môi trường xanh” rất sôi nổi.", []),
    ]
    rows = []
    for i, (text, gold) in enumerate(texts):
        ac = mnd.article_candidates(_article(text, {"models": [{"name": g} for g in gold]}, doc=f"d{i}"))
        rows += list(zip(ac.feats, ac.labels, strict=True))
    return mnd.fit_rows(rows, seed=13)


def test_detector_pipe_ml_and_hybrid() -> None:
    model = _tiny_detector()
    kept = _record(TEXT, "Tổ hợp tác chăn nuôi bò vỗ béo", "economy")
    doc = mnd.apply(_doc(TEXT, [kept]), model, "ml")
    names = [r.name for r in doc._.models]
    assert "Camera giữ bình yên xóm nhỏ" in names  # a cue-noun quote the rules missed is added
    assert "Toàn dân đoàn kết xây dựng đời sống văn hóa" not in names  # a movement is not
    assert doc._.models[0].name == kept.name and doc._.models[0].domain == "economy"
    hybrid = mnd.apply(_doc(TEXT, [_record(TEXT, kept.name, "economy")]), model, "hybrid")
    assert [r.name for r in hybrid._.models] == [kept.name]  # measured thresholds: the rules' decisions


def test_decide_thresholds() -> None:
    text = "mô hình “Một hai ba” và “Bốn năm sáu”"
    cands = mnd.candidates(text, ["Một hai ba"])
    assert mnd.decide(text, cands, [0.2, 0.95], ["Một hai ba"], "hybrid", add_above=0.9) == [
        "Một hai ba",
        "Bốn năm sáu",
    ]
    assert mnd.decide(text, cands, [0.2, 0.95], ["Một hai ba"], "hybrid", remove_below=0.3) == []
    assert mnd.decide(text, cands, [0.2, 0.95], ["Một hai ba"], "ml") == ["Bốn năm sáu"]


# --- artifacts, determinism and the run ----------------------------------------------------------


def test_retraining_reproduces_the_committed_domain_classifier(tmp_path: Path, monkeypatch) -> None:
    """`dvk train --component domain_classifier` on the same data writes the same bytes."""
    if not (SHARED / "dev" / "gold.jsonl").is_file():
        pytest.skip("../shared (the development set) is absent: the committed model was trained with it")
    committed = REPO / "models" / "domain_classifier" / "model.json"
    assert committed.is_file(), "run `dvk train --component domain_classifier`"
    monkeypatch.setattr(dc, "cv_scores", lambda articles, seed=13: {})  # the card's scores: not compared
    articles = load_training_articles()
    assert {a.source for a in articles} >= {"shared-dev", "samples"}
    folder = registry.train_component("domain_classifier", models_dir=tmp_path, articles=articles)
    assert (folder / "model.json").read_bytes() == committed.read_bytes()


@pytest.mark.parametrize("mode", ["ml", "hybrid"])
def test_run_with_trained_components(tmp_path: Path, mode: str) -> None:
    for name in ("domain_classifier", "model_name_detector"):
        assert (REPO / "models" / name / "model.json").is_file(), f"run `dvk train --component {name}`"
    out = tmp_path / "ds"
    result = CliRunner().invoke(
        app, ["run", str(REPO / "corpus" / "samples"), "--out", str(out), "--extractors", mode]
    )
    assert result.exit_code == 0, result.output
    from pipeline.storage import open_store

    with open_store(out, read_only=True) as store:
        n_models = store.con.execute("SELECT count(*) FROM models").fetchone()[0]
        versions = store.con.execute("SELECT value FROM meta").fetchall()
    assert n_models > 0
    from extractors.pipeline import Extractor

    ex = Extractor(extractors=mode)
    assert {dc.PIPE, mnd.PIPE} <= set(ex.nlp.pipe_names)
    assert "model.domain_classifier" in ex.versions and "model.model_name_detector" in ex.versions
    assert versions  # the dataset records what made it
