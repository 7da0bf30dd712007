"""The attachment ranker and the unit recogniser: features on invented texts, the pipes change
the layers as intended, deterministic training, and ``dvk run --extractors hybrid``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corpus.records import Article
from extractors.learn import attachment_ranker as ar
from extractors.learn import unit_recogniser as ur
from extractors.learn.data import AnnotatedArticle
from extractors.learn.linear import LinearModel
from extractors.unit_grammar import fold

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO / ".." / "shared"

# Invented articles (not taken from any real text).
TEXT_A = (
    "Huyện Sơn Mai đẩy mạnh phong trào thi đua Dân vận khéo\n"
    "Năm 2023, huyện Sơn Mai có 120 mô hình Dân vận khéo được công nhận. "
    "Xã Phú Lạc xây dựng 15 mô hình tại thôn Đồng Cao trong năm 2022.\n"
    "Toàn tỉnh có 900 mô hình được nhân rộng."
)
TEXT_B = (
    "Thị xã Hòa Bến tổng kết phong trào\n"
    "Giai đoạn 2019-2024, thị xã Hòa Bến có 300 mô hình. Phường Đông Tiến tuyên dương 12 tập thể."
)


@pytest.fixture(scope="session")
def rules():
    from extractors.pipeline import Extractor

    return Extractor(extractors="rules")


def _article(text: str, doc: str = "inv.txt") -> Article:
    return Article(
        article_id=doc,
        doc=doc,
        source="test",
        text=text,
        title=text.split("\n", 1)[0],
        published="2023-05-01",
    )


def _stat(doc, value: float):
    return next(s for s in doc._.stat_mentions if s.value == value)


# --- attachment ranker -------------------------------------------------------------


def test_unit_candidates_and_features(rules) -> None:
    doc = rules.process(_article(TEXT_A))
    dc = ar.doc_context(doc)
    cands = ar.unit_candidates(dc)
    keys = [c.key for c in cands]
    assert fold("xã Phú Lạc") in keys and fold("huyện Sơn Mai") in keys
    assert len(keys) == len(set(keys))
    s = _stat(doc, 15)
    rows = ar.unit_features(dc, s, cands, ar.unit_key(s.unit, dc.province))
    by_key = dict(zip(keys, rows, strict=True))
    commune = by_key[fold("xã Phú Lạc")]
    assert commune.get("sent_before") and commune.get("sent_first") and commune.get("rule")
    hamlet = next((r for k, r in by_key.items() if "đồng cao" in k), None)
    if hamlet is not None:  # the grammar names the hamlet: it follows the number, as an address
        assert hamlet.get("sent_after") and hamlet.get("after_address") and not hamlet.get("sent_before")
    main = next(r for c, r in zip(cands, rows, strict=True) if c.is_main)
    assert main.get("main") and main.get("para_before")


def test_period_candidates_and_features(rules) -> None:
    doc = rules.process(_article(TEXT_A))
    dc = ar.doc_context(doc)
    cands = ar.period_candidates(dc)
    values = [c.value for c in cands]
    assert "2023" in values and "2022" in values and None in values
    s = _stat(doc, 15)
    rows = dict(zip(values, ar.period_features(dc, s, cands, s.period), strict=True))
    assert rows["2022"].get("sent_after") and not rows["2022"].get("sent_before")
    assert rows["2023"].get("para_before")
    assert rows[None].get("none")


def _ranker_preferring(feature: str) -> ar.Ranker:
    """A ranker whose only lesson is: the candidate with ``feature`` is the right one."""
    rows = [{"bias": 1.0, feature: 1.0}, {"bias": 1.0}, {"bias": 1.0, "rule": 1.0}] * 5
    labels = ["1", "0", "0"] * 5
    m = LinearModel(n_features=2**10, C=10.0).fit(rows, labels)
    return ar.Ranker(m, m, unit_margin=0.0, period_margin=0.0)


def test_ranker_pipe_rewrites_unit_and_period(rules) -> None:
    doc = rules.process(_article(TEXT_A))
    s = _stat(doc, 15)
    assert s.period == "2022"  # the rules: the period in its sentence
    _ranker_preferring("title").apply(doc, "ml")
    assert s.period != "2022"  # the rules' choice is overridden: the title's period, or none
    # the unit ranked first is the one the headline names
    assert fold(s.unit.name) == fold("huyện Sơn Mai")


def test_hybrid_keeps_the_rules_within_the_margin(rules) -> None:
    doc = rules.process(_article(TEXT_A))
    before = [(getattr(s.unit, "name", None), s.period) for s in doc._.stat_mentions]
    r = _ranker_preferring("title")
    r.unit_margin = r.period_margin = float("inf")
    r.apply(doc, "hybrid")
    assert [(getattr(s.unit, "name", None), s.period) for s in doc._.stat_mentions] == before


def test_hybrid_keeps_a_rule_choice_that_is_no_candidate(rules) -> None:
    doc = rules.process(_article(TEXT_A))
    s = _stat(doc, 15)
    s.period = "1999-2001"  # a value the ranker has no candidate for (nothing to score it against)
    r = _ranker_preferring("title")
    r.unit_margin = r.period_margin = 0.5
    r.apply(doc, "hybrid")
    assert s.period == "1999-2001"
    r.apply(doc, "ml")  # ml always takes the ranker's best candidate
    assert s.period != "1999-2001"


def test_hybrid_with_never_margins_does_not_score(rules, monkeypatch) -> None:
    from extractors.learn import attachment_ranker as ar

    doc = rules.process(_article(TEXT_A))
    before = [(getattr(s.unit, "name", None), s.period) for s in doc._.stat_mentions]
    r = _ranker_preferring("title")
    r.unit_margin = r.period_margin = float("inf")

    def boom(*_a, **_k):
        raise AssertionError("scored although nothing can change")

    monkeypatch.setattr(ar, "unit_features", boom)
    r.apply(doc, "hybrid")
    assert [(getattr(s.unit, "name", None), s.period) for s in doc._.stat_mentions] == before
    with pytest.raises(AssertionError, match="scored"):
        r.apply(doc, "ml")


def test_choose_margin() -> None:
    import numpy as np

    z = np.array([0.1, 2.0, 1.5])
    assert ar.choose(z, 2, 0.0) == 1
    assert ar.choose(z, 2, 1.0) == 2
    assert ar.choose(z, 0, 1.0) == 1
    assert ar.choose(z, -1, 5.0) == 1


def _annotated(rules) -> list[AnnotatedArticle]:
    golds = [
        {"stats": [{"value": 120, "item": "mô hình", "unit": "huyện Sơn Mai", "period": "2023"},
                   {"value": 15, "item": "mô hình", "unit": "xã Phú Lạc", "period": "2022"}],
         "units": [{"name": "huyện Sơn Mai"}, {"name": "xã Phú Lạc"}]},
        {"stats": [{"value": 300, "item": "mô hình", "unit": "thị xã Hòa Bến", "period": "2019-2024"},
                   {"value": 12, "item": "tập thể", "unit": "phường Đông Tiến", "period": "2019-2024"}],
         "units": [{"name": "thị xã Hòa Bến"}, {"name": "phường Đông Tiến"}]},
    ]  # fmt: skip
    out = []
    for i, (text, gold) in enumerate(zip((TEXT_A, TEXT_B), golds, strict=True)):
        a = _article(text, f"inv{i}.txt")
        out.append(AnnotatedArticle(a.doc, a.text, a.title, a.published, gold, "test", a))
    return out


def test_training_is_deterministic(rules) -> None:
    arts = _annotated(rules) * 3  # the same articles thrice: enough groups for the inner folds
    arts = [AnnotatedArticle(f"{i}-{a.doc}", a.text, a.title, a.published, a.gold, a.source, a.article)
            for i, a in enumerate(arts)]  # fmt: skip
    one, card = ar.train(arts, seed=13)
    two, _ = ar.train(arts, seed=13)
    assert one == two
    data = json.loads(one)
    assert data["kind"] == "dvk.attachment_ranker.v1" and "Sơn Mai" not in one
    assert any("CV by article" in k for k in card.scores)
    u1, _ = ur.train(arts, seed=13)
    assert u1 == ur.train(arts, seed=13)[0] and "Phú Lạc" not in u1


# --- unit recogniser -----------------------------------------------------------------


def test_weak_labels_vote() -> None:
    toks = [ur.Tok("Hội", 0, 3), ur.Tok("Nông dân", 4, 12), ur.Tok("làng", 13, 17), ur.Tok("Bến Gỗ", 18, 24)]
    votes = {"rules": [], "gold": [], "type+caps": [(0, 12)], "gazetteer": []}
    assert ur.weak_labels(toks, votes) == ["O", "O", "O", "O"]  # one weak vote is not enough
    votes["gazetteer"] = [(0, 12)]
    assert ur.weak_labels(toks, votes) == ["B", "I", "O", "O"]  # two weak votes agree
    votes = {"rules": [(0, 12)], "gold": [(18, 24)], "type+caps": [], "gazetteer": []}
    assert ur.weak_labels(toks, votes) == ["B", "I", "O", "B"]


def test_lf_type_caps_finds_typed_runs() -> None:
    text = "Đoàn công tác đến xã Tân Lập và huyện Yên Khê."
    spans = [text[s:e] for s, e in ur.lf_type_caps(text)]
    assert "xã Tân Lập" in spans and "huyện Yên Khê" in spans


def test_decode_bio() -> None:
    import numpy as np

    toks = [ur.Tok("a", 0, 1), ur.Tok("b", 2, 3), ur.Tok("c", 4, 5), ur.Tok("d", 6, 7)]
    classes = ["B", "I", "O"]
    proba = np.array([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.0, 0.1, 0.9], [0.2, 0.7, 0.1]])
    assert ur.decode(toks, proba, classes) == [(0, 3, 0.8), (6, 7, 0.7)]  # a lone I opens a span


def test_recogniser_pipe_adds_sorted_mentions(rules, monkeypatch) -> None:
    text = "Ban Dân vận huyện Sơn Mai phối hợp với Câu lạc bộ Sen Hồng tổ chức 20 hội nghị.\n"
    doc = rules.process(_article(text))
    before = list(doc._.unit_context.mentions)
    start = text.index("Câu lạc bộ")
    rec = ur.Recogniser(model=None, threshold=None)  # type: ignore[arg-type]
    spans = [(start, start + len("Câu lạc bộ Sen Hồng"), 0.95), (before[0].start, before[0].end, 0.99)]
    monkeypatch.setattr(ur.Recogniser, "spans", lambda self, d: spans)
    rec.apply(doc, "hybrid")  # no threshold: kept out of hybrid
    assert doc._.unit_context.mentions == before
    rec.apply(doc, "ml")
    ms = doc._.unit_context.mentions
    assert len(ms) == len(before) + 1  # the span overlapping a rule mention is not added
    assert [m.start for m in ms] == sorted(m.start for m in ms)
    assert all(a.end <= b.start for a, b in zip(ms, ms[1:], strict=False))
    new = next(m for m in ms if m.start == start)
    assert new.type == "tổ chức" and "Sen Hồng" in new.name


# --- artifacts and the CLI --------------------------------------------------------------


def test_committed_unit_recogniser_is_reproducible() -> None:
    if not (SHARED / "dev" / "gold.jsonl").is_file():
        pytest.skip("../shared (the development set) is absent: the committed artifact was trained with it")
    committed = REPO / "models" / ur.NAME / "model.json"
    if not committed.is_file():
        pytest.skip("models/unit_recogniser is not trained")
    from extractors.learn.data import load_training_articles

    text, _card = ur.train(load_training_articles(), seed=13)
    assert text + "\n" == committed.read_text(encoding="utf-8")


def test_dvk_run_hybrid(tmp_path: Path) -> None:
    if not (REPO / "models" / ar.NAME / "model.json").is_file():
        pytest.skip("models/attachment_ranker is not trained")
    from pipeline.cli import app

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(TEXT_A, encoding="utf-8")
    (src / "b.txt").write_text(TEXT_B, encoding="utf-8")
    res = CliRunner().invoke(app, ["run", str(src), "--out", str(tmp_path / "out"), "--extractors", "hybrid"])
    assert res.exit_code == 0, res.output
    exp = CliRunner().invoke(app, ["export", str(tmp_path / "out"), "--format", "jsonl"])
    assert exp.exit_code == 0
    lines = [json.loads(x) for x in exp.stdout.splitlines() if x.startswith("{")]
    assert len(lines) == 2 and sum(len(x["stats"]) for x in lines) >= 3
