"""Tests for segmenting only what the rule extractors read (``token_scope="needed"``).

The rule components take one thing from the word segmentation: the word after a
count.  ``extractors.document.spans_to_segment`` picks each count and the syllables
after it; ``extractors.tokenizer.tokenize(..., only=...)`` segments just those and cuts
the rest into syllables.  The rows must not change.  All texts are invented.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from corpus.ingest import IngestFailure, discover_inputs, read_inputs
from extractors.document import (
    _WINDOW_SYLLABLES,
    TOKEN_SCOPES,
    DvkTokenizer,
    check_scope,
    make_nlp,
    sentence_spans,
    spans_to_segment,
)
from extractors.pipeline import Extractor
from extractors.tokenizer import BACKENDS, tokenize
from pipeline.orchestrate import _clean

SAMPLES = Path(__file__).resolve().parents[1] / "corpus" / "samples"

TEXT = (
    "Năm 2024, huyện Ba Tơ có 1.431 mô hình “Dân vận khéo” được công nhận.\n"
    "Ngày 15/10/2024, hội nghị tổng kết diễn ra tại hội trường lớn của huyện.\n"
    "Tỷ lệ hộ gia đình văn hóa đạt 93,2%, với 356/382 thôn đạt chuẩn nông thôn mới kiểu mẫu.\n"
    "Bà con trong xã rất phấn khởi."
)


def _covered_once(text: str, tokens) -> bool:
    cover = [0] * len(text)
    for t in tokens:
        for i in range(t.start, t.end):
            cover[i] += 1
    # every visible character in exactly one token (a word's inner space may be in it too)
    return all(c == 1 or (c == 0 and ch.isspace()) for c, ch in zip(cover, text, strict=True))


def test_spans_hold_every_count_and_skip_dates_and_years() -> None:
    spans = spans_to_segment(TEXT)
    assert spans, "the text has counts"
    pieces = [TEXT[s:e] for s, e in spans]
    assert any(p.startswith("1.431 mô hình") for p in pieces)
    assert any("93,2%" in p and "356/382 thôn" in p for p in pieces)  # overlapping windows merge
    assert not any("15/10/2024" in p for p in pieces)  # a date counts nothing
    assert not any(p.startswith("2024") for p in pieces)  # nor does a year
    assert not any("phấn khởi" in p for p in pieces)  # a sentence with no number is left alone


def test_spans_stay_inside_their_sentence_and_are_short() -> None:
    text = "Xã có 5 hộ.\nDòng sau có chữ nhưng không có con số nào cả."
    spans = spans_to_segment(text)
    assert spans == [(text.index("5 hộ"), text.index("hộ.") + len("hộ."))]
    long = "Có 7 " + " ".join(["chữ"] * 30) + "."
    (s, e), *_ = spans_to_segment(long)
    assert len(long[s:e].split()) == 1 + _WINDOW_SYLLABLES  # the count and the syllables after it
    assert _WINDOW_SYLLABLES >= 4  # up to two counting words and a word of two or three syllables


def test_no_count_no_span() -> None:
    assert spans_to_segment("Ngày 2/9/2025, trời nắng đẹp.") == []
    assert spans_to_segment("") == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_partial_tokenize_segments_only_the_spans(backend: str) -> None:
    spans = spans_to_segment(TEXT)
    tokens = tokenize(TEXT, backend, only=spans)
    assert _covered_once(TEXT, tokens)
    inside = [t for t in tokens if any(s <= t.start < e for s, e in spans)]
    outside = [t for t in tokens if t not in inside]
    # outside the spans: single syllables or single punctuation marks, never a joined word
    assert all(" " not in t.text for t in outside)
    assert any(t.text == "phấn" for t in outside) and any(t.text == "khởi" for t in outside)
    # numbers stay whole everywhere, dates included
    assert {"1.431", "93,2%", "356/382", "15/10/2024"} <= {t.text for t in tokens}
    # inside a span: the backend's words, as it gives them for the span alone
    s, e = spans[0]
    alone = [(t.start + s, t.end + s) for t in tokenize(TEXT[s:e], backend)]
    assert [(t.start, t.end) for t in inside if s <= t.start < e] == alone


@pytest.mark.parametrize("backend", BACKENDS)
def test_full_scope_is_the_old_tokenizer(backend: str) -> None:
    nlp = make_nlp(backend, scope="all")
    doc = nlp.make_doc(TEXT)
    assert [t.text for t in doc if not t.is_space] == [t.text for t in tokenize(TEXT, backend)]


def test_scope_is_checked_and_serialised() -> None:
    assert TOKEN_SCOPES == ("all", "needed")
    with pytest.raises(ValueError, match="token scope"):
        check_scope("some")
    nlp = make_nlp("pyvi", scope="needed")
    data = nlp.tokenizer.to_bytes()
    other = DvkTokenizer(nlp.vocab, backend="underthesea").from_bytes(data)
    assert (other.backend, other.scope) == ("pyvi", "needed")


def test_doc_keeps_text_sentences_and_tokens_as_spacy_sees_them() -> None:
    nlp = make_nlp("pyvi", scope="needed")
    for text in [TEXT, "", "  \n a", "Một câu.  Hai câu!\n\n  Ba 4 hộ.  \n"]:
        doc = nlp.make_doc(text)
        assert doc.user_data["dvk_text"] == doc.text
        assert doc.user_data["dvk_sentences"] == [(s.start_char, s.end_char) for s in doc.sents]
        words = {t.idx: t.text for t in doc if not t.is_space}
        assert {t.start: t.text for t in doc.user_data["dvk_tokens"]} == words


def test_sentence_spans_from_arrays() -> None:
    # "A b. C": the second sentence starts at "C"
    assert sentence_spans(["A", "b", ".", "C"], [True, False, True, False], [True, False, False, True]) == [
        (0, 4),
        (5, 6),
    ]
    assert sentence_spans([], [], []) == []


def test_extractor_scope_defaults_and_versions() -> None:
    rules = Extractor(tokenizer="pyvi", extractors="rules")
    assert rules.token_scope == "needed"
    assert rules.versions["tokenizer"].endswith("+needed")
    full = Extractor(tokenizer="pyvi", extractors="rules", token_scope="all")
    assert not full.versions["tokenizer"].endswith("+needed")
    assert full.tokenize(TEXT) == tokenize(TEXT, "pyvi")
    assert rules.tokenize(TEXT) == tokenize(TEXT, "pyvi", only=spans_to_segment(TEXT))
    with pytest.raises(ValueError, match="token scope"):
        Extractor(tokenizer="pyvi", token_scope="half")


def _rows(extractor: Extractor) -> list[dict]:
    out = []
    for path in discover_inputs([str(SAMPLES)]).files:
        for raw in read_inputs(path):
            if isinstance(raw, IngestFailure):
                continue
            x = extractor.extract(_clean(raw))
            for table in (x.stats, x.models, x.units):
                out.extend(dataclasses.asdict(r) for r in table)
    return out


@pytest.mark.parametrize("backend", BACKENDS)
def test_needed_scope_gives_the_same_rows_on_the_samples(backend: str) -> None:
    needed = _rows(Extractor(tokenizer=backend, token_scope="needed"))
    full = _rows(Extractor(tokenizer=backend, token_scope="all"))
    assert len(needed) > 100
    assert needed == full
