"""The extraction pipeline as a whole: one spaCy Doc carrying every layer, provenance that
points into the cleaned text, determinism, both tokenizers, and accuracy floors on the
repository's own sample corpus (no ../shared needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.clean import clean_article
from corpus.ingest import discover_inputs, read_inputs
from corpus.records import Article
from extractors.components import RULE_COMPONENTS
from extractors.pipeline import Extractor
from pipeline.evaluate import load_jsonl, score
from pipeline.normalise import normalise_extraction

SAMPLES = Path(__file__).resolve().parents[1] / "corpus" / "samples"


def _articles() -> list[Article]:
    out = []
    for f in discover_inputs([str(SAMPLES)]).files:
        out.extend(clean_article(r) for r in read_inputs(f))
    return out


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return _articles()


@pytest.fixture(scope="module", params=["underthesea", "pyvi"])
def extractor(request) -> Extractor:
    return Extractor(tokenizer=request.param)


def _export(extractor: Extractor, articles: list[Article]) -> dict[str, dict]:
    pred = {}
    for a in articles:
        ex = normalise_extraction(extractor.extract(a))
        pred[a.doc.rstrip("/").rsplit("/", 1)[-1]] = {
            "doc": a.doc,
            "stats": [s.as_dict() for s in ex.stats],
            "models": [m.as_dict() for m in ex.models],
            "units": [u.as_dict() for u in ex.units],
        }
    return pred


def test_pipeline_has_the_rule_components_in_order(extractor: Extractor) -> None:
    assert extractor.nlp.pipe_names == [name for name, _r, _a in RULE_COMPONENTS]


def test_one_doc_carries_every_layer_with_offsets(extractor: Extractor, articles: list[Article]) -> None:
    article = next(a for a in articles if a.doc.startswith("s03"))
    doc = extractor.process(article)
    assert doc.text == article.text
    for key in ("dvk_stats", "dvk_models", "dvk_units"):
        assert len(doc.spans[key]) > 0, key
    for rec in doc._.stats:
        assert article.text[rec.prov.start : rec.prov.end] == rec.evidence
        sent = list(doc.sents)[rec.prov.sentence]
        assert sent.start_char <= rec.prov.start < sent.end_char
        assert rec.prov.extractor == "dvk.stats_rule.v1"
    for rec in doc._.models:
        assert article.text[rec.prov.start : rec.prov.end] == rec.evidence
        assert rec.name in " ".join(rec.evidence.split())


def test_extraction_is_deterministic(extractor: Extractor, articles: list[Article]) -> None:
    assert _export(extractor, articles) == _export(extractor, articles)


def test_tokenizers_agree_on_the_samples(articles: list[Article]) -> None:
    a = _export(Extractor("underthesea"), articles)
    b = _export(Extractor("pyvi"), articles)
    assert a == b


SAMPLE_FLOORS = {
    ("stats", "f1"): 0.88,
    ("stats", "f1_full"): 0.90,
    ("stats", "acc_unit"): 0.90,
    ("stats", "acc_period"): 0.95,
    ("models", "f1"): 0.90,
    ("models", "acc_domain"): 0.80,
    ("units", "f1"): 0.85,
}


def test_accuracy_floors_on_the_sample_corpus(extractor: Extractor, articles: list[Article]) -> None:
    gold = load_jsonl(SAMPLES / "gold.jsonl")
    res, _ = score(gold, _export(extractor, articles))
    low = {k: res[k[0]][k[1]] for k, floor in SAMPLE_FLOORS.items() if res[k[0]][k[1]] < floor}
    assert not low, low


def test_unknown_tokenizer_is_refused() -> None:
    with pytest.raises(ValueError, match="tokenizer"):
        Extractor(tokenizer="whitespace")


def test_an_article_that_never_names_the_campaign_gives_nothing(extractor: Extractor) -> None:
    text = (
        "Giá vàng hôm nay tăng mạnh\n\n"
        "Sáng nay, giá vàng miếng tại Hà Nội tăng 1,5 triệu đồng mỗi lượng; 12 công ty đã điều chỉnh giá.\n"
    )
    art = Article(article_id="x", doc="gold-price.txt", source="-", text=text)
    doc = extractor.process(art)
    assert doc._.relevant is False
    assert (doc._.stats, doc._.models, doc._.units) == ([], [], [])
