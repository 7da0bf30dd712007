"""Tests for extractors.document: the spaCy Doc built over dvk's tokenizer.

All sentences are invented for these tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from extractors.document import (
    DOC_EXTENSIONS,
    DvkTokenizer,
    char_span_to_sentence,
    doc_from_tokens,
    make_nlp,
    records_doc,
    register_extensions,
)
from extractors.tokenizer import BACKENDS, split_sentences, tokenize

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"

TEXTS = [
    "Quận ủy Hoàng Mai có 1.431 mô hình. Tỷ lệ đạt 93,2% với 356/382 xã.",
    "Tiêu đề không có dấu chấm\nNgày 15/10/2019, phường tổ chức hội nghị.\n\nCó 04 mô hình được khen.",
    "  \n\t Dòng đầu có khoảng trắng phía trước.  \r\n   Dòng sau.   \n",
    "Một câu.  Hai câu có hai khoảng trắng!   Ba câu?\n",
    "Các lĩnh vực văn hóa-xã hội, giai đoạn 2018-2023, tại TP.HCM.",
    "x",
]


@pytest.fixture(scope="session", params=BACKENDS)
def nlp(request: pytest.FixtureRequest) -> Language:
    """One pipeline per backend for the whole session (the backend is loaded once)."""
    return make_nlp(request.param)


def visible_sentences(doc: Doc) -> list[tuple[int, int]]:
    """Each spaCy sentence as (start, end) offsets with surrounding whitespace removed."""
    out = []
    for sent in doc.sents:
        text = sent.text
        lead = len(text) - len(text.lstrip())
        out.append((sent.start_char + lead, sent.start_char + len(text.rstrip())))
    return out


@pytest.mark.parametrize("text", TEXTS)
def test_doc_text_is_the_input(nlp: Language, text: str) -> None:
    doc = nlp(text)
    assert doc.text == text
    for token in doc:
        assert text[token.idx : token.idx + len(token.text)] == token.text


@pytest.mark.parametrize("text", TEXTS)
def test_words_are_the_tokenizer_words(nlp: Language, text: str) -> None:
    doc = nlp(text)
    words = [(t.idx, t.text) for t in doc if not t.is_space]
    expected = [(t.start, t.text) for t in tokenize(text, nlp.tokenizer.backend)]
    assert words == expected
    assert all(t.text.isspace() for t in doc if t.is_space)


@pytest.mark.parametrize("text", TEXTS)
def test_sentences_are_split_sentences(nlp: Language, text: str) -> None:
    doc = nlp(text)
    assert visible_sentences(doc) == split_sentences(text)


def test_sentence_starts_on_the_first_word(nlp: Language) -> None:
    text = "Tiêu đề\nCâu một. Câu hai."
    doc = nlp(text)
    starts = [t.text for t in doc if t.is_sent_start]
    assert starts == ["Tiêu đề", "Câu", "Câu"]


def test_empty_and_blank_docs(nlp: Language) -> None:
    doc = nlp("")
    assert doc.text == "" and len(doc) == 0
    assert char_span_to_sentence(doc, 0) == -1
    blank = nlp(" \n\t ")
    assert blank.text == " \n\t " and all(t.is_space for t in blank)
    assert split_sentences(blank.text) == []


def test_char_span_to_sentence(nlp: Language) -> None:
    text = "Câu một có 5 mô hình.  Câu hai có 7 hộ.\nDòng ba"
    doc = nlp(text)
    spans = split_sentences(text)
    assert len(spans) == 3
    for i, (s, e) in enumerate(spans):
        assert char_span_to_sentence(doc, s, e) == i
        assert char_span_to_sentence(doc, e - 1) == i
    # whitespace after a sentence belongs to it; a span is placed by its start
    assert char_span_to_sentence(doc, spans[0][1] + 1) == 0
    assert char_span_to_sentence(doc, text.index("5"), len(text)) == 0
    assert char_span_to_sentence(doc, text.index("7")) == 1


def test_extensions_registered_once() -> None:
    register_extensions()
    register_extensions()  # idempotent: a second call must not raise
    doc = make_nlp("pyvi")("Xã có 3 mô hình.")
    for name in DOC_EXTENSIONS:
        assert Doc.has_extension(name)
        assert getattr(doc._, name) is None
    doc._.meta = {"article_id": "abc", "doc": "x.txt", "published": None, "title": None}
    assert doc._.meta["article_id"] == "abc"


def test_make_nlp_adds_named_components() -> None:
    name = "dvk_test_count_words"
    if name not in Language.factories:

        @Language.component(name)
        def count_words(doc: Doc) -> Doc:
            doc._.stats = [len([t for t in doc if not t.is_space])]
            return doc

    nlp = make_nlp("pyvi", components=[name])
    assert nlp.pipe_names == [name]
    assert nlp("Xã có 3 mô hình.")._.stats == [5]


def test_make_nlp_rejects_unknown_backend() -> None:
    with pytest.raises(ValueError, match="underthesea"):
        make_nlp("bogus")


def test_tokenizer_round_trips_through_bytes(nlp: Language) -> None:
    other = DvkTokenizer(nlp.vocab, backend="pyvi")
    other.from_bytes(nlp.tokenizer.to_bytes())
    assert other.backend == nlp.tokenizer.backend


def test_pipe_keeps_texts(nlp: Language) -> None:
    docs = list(nlp.pipe(TEXTS))
    assert [d.text for d in docs] == TEXTS


@pytest.mark.devset
def test_real_articles(nlp: Language) -> None:
    files = sorted((SHARED / "seeds").glob("*.txt")) + sorted((SHARED / "dev" / "articles").glob("*.txt"))
    if not files:
        pytest.skip(f"no development articles under {SHARED.resolve()} (../shared is absent)")
    for f in files[:12]:
        text = f.read_text(encoding="utf-8")
        doc = nlp(text)
        assert doc.text == text
        assert visible_sentences(doc) == split_sentences(text)


def assert_records_doc_matches_full_doc(text: str, tokens: list) -> None:
    """The records-only Doc, given offsets only, has the full Doc's sentences and word offsets."""
    vocab = Vocab()
    full = doc_from_tokens(vocab, text, tokens)
    records = records_doc(vocab, text, [(t.start, t.end) for t in tokens])
    assert records.user_data["dvk_sentences"] == [(s.start_char, s.end_char) for s in full.sents]
    assert records.user_data["dvk_sentences"] == full.user_data["dvk_sentences"]
    assert [t[:2] for t in records.user_data["dvk_tokens"]] == [t[:2] for t in full.user_data["dvk_tokens"]]
    assert len(records) == 0  # no spaCy tokens: nothing enters the string store


_PIECES = st.sampled_from(
    [
        "Một",
        "câu",
        "mô hình",
        "1.431",
        "93,2%",
        "356/382",
        "TP.HCM",
        "văn hóa-xã hội",
        "Xã",
        "“Dân",
        "vận”",
        "(a)",
    ]
)
_STOPS = st.sampled_from(["", "", ".", "!", "?", "…", ".”", ":"])
_SPACES = st.sampled_from([" ", " ", "  ", "\n", "\n\n", "\t", " \n", "\r\n", "\n ", ""])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \n\t", max_size=3), st.lists(st.tuples(_PIECES, _STOPS, _SPACES), max_size=14))
def test_records_doc_sentences_without_tokens_property(lead: str, parts: list[tuple[str, str, str]]) -> None:
    text = lead + "".join(a + b + c for a, b, c in parts)
    assert_records_doc_matches_full_doc(text, tokenize(text, "pyvi", only=[]))  # syllables: no backend call


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("text", [*TEXTS, "", "   ", " Câu một. Câu hai. ", "A.\n\nB. "])
def test_records_doc_sentences_without_tokens(backend: str, text: str) -> None:
    assert_records_doc_matches_full_doc(text, tokenize(text, backend))


@pytest.mark.devset
def test_records_doc_sentences_without_tokens_on_real_articles() -> None:
    files = sorted((SHARED / "seeds").glob("*.txt")) + sorted((SHARED / "dev" / "articles").glob("*.txt"))
    if not files:
        pytest.skip(f"no development articles under {SHARED.resolve()} (../shared is absent)")
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert_records_doc_matches_full_doc(text, tokenize(text, "pyvi"))


def _sentence_of_linear(sents: list[tuple[int, int]], pos: int) -> int:
    """The earlier form of ``extractors.components._sentence_of``: a scan of every sentence."""
    for i, (s, e) in enumerate(sents):
        if s <= pos < e:
            return i
    return max(0, sum(1 for s, _e in sents if s <= pos) - 1)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=" \n\t", max_size=3), st.lists(st.tuples(_PIECES, _STOPS, _SPACES), max_size=14))
def test_sentence_of_by_bisection(lead: str, parts: list[tuple[str, str, str]]) -> None:
    from extractors.components import _sentence_of

    text = lead + "".join(a + b + c for a, b, c in parts)
    sents = records_doc(Vocab(), text, tokenize(text, "pyvi", only=[])).user_data["dvk_sentences"]
    sents = sents or [(0, len(text))]
    for pos in range(-1, len(text) + 2):
        assert _sentence_of(sents, pos) == _sentence_of_linear(sents, pos)
