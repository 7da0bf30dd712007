"""``extractors.pyvi_words`` segments exactly as pyvi's own ``ViTokenizer.tokenize``.

Checked three ways: the features it hands the CRF are pyvi's dict features as python-crfsuite
reads them (false tests left out); its words equal pyvi's on the bundled samples, on the
development set (when ../shared is there) and on generated text; only the pyvi release it was
checked against gets it, another gets pyvi's own function.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from corpus.ingest import IngestFailure, discover_inputs, read_inputs
from extractors import pyvi_words
from pipeline.orchestrate import _clean

pyvi = pytest.importorskip("pyvi.ViTokenizer")
VT = pyvi.ViTokenizer

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _pyvi_words(text: str) -> list[str]:
    return VT.tokenize(text).split()


def _as_attributes(features: dict[str, object]) -> list[str]:
    """pyvi's feature dict as python-crfsuite turns it into attributes of weight 1 (``k:v`` for a
    string value, ``k`` for a true test), leaving out the tests that are false (weight 0)."""
    out = []
    for key, value in features.items():
        if isinstance(value, str):
            out.append(f"{key}:{value}")
        elif value is True or (value == 1.0 and not isinstance(value, bool)):
            out.append(key)
        else:
            assert value is False, (key, value)
    return out


def _texts(folders: list[Path]) -> list[str]:
    files = discover_inputs([str(f) for f in folders]).files
    return [_clean(r).text for f in files for r in read_inputs(f) if not isinstance(r, IngestFailure)]


_PIECES = [
    *("Hà", "Nội", "hà", "nội", "HÀ", "mô", "hình", "Dân", "vận", "khéo", "dân", "vận", "xã", "Xã", "hội"),
    *("1.431", "93,2%", "356/382", "2024", "12", "TP.", "Tp.", "ThS.", "...", "==>", "->", ">>", "“", "”"),
    *(",", ".", "-", "_", "(", ")", "!", "?", ":", "/", "a", "A", "Đ", "đ", "kinh", "tế", "Kinh", "Tế"),
    *("https://dvk.example.vn/a", "ban@dvk.example.vn", "uỷ", "ủy", "hoà", "hòa", "phường", "Phường"),
]
_SEPARATORS = [" ", " ", " ", "", "\n", "  ", "\t"]


@st.composite
def _generated(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from(_SEPARATORS)), max_size=30))
    return "".join(p + s for p, s in parts)


@settings(max_examples=300, deadline=None)
@given(_generated())
@example("")
@example("   ")
@example("...")
@example("Hà Nội\nHà Nội")
@example("Năm 2024, quận Hoàng Mai có 120 mô hình “Dân vận khéo”.")
def test_same_words_as_pyvi_on_generated_text(text: str) -> None:
    assert pyvi_words._fast(VT)(text) == _pyvi_words(text)


@settings(max_examples=200, deadline=None)
@given(_generated())
def test_features_are_pyvis_as_crfsuite_reads_them(text: str) -> None:
    _, sylls = VT.sylabelize(text)
    ours = pyvi_words._features(sylls, VT.bi_grams, VT.tri_grams)
    assert ours == [_as_attributes(f) for f in VT.sent2features(sylls, False)]


def test_features_include_dictionary_words() -> None:
    """The dictionary tests fire (so the comparison above is not only of false ones)."""
    _, sylls = VT.sylabelize("công tác dân vận khéo ở cơ sở")
    flat = [a for f in pyvi_words._features(sylls, VT.bi_grams, VT.tri_grams) for a in f]
    assert "-1:word.bi_gram()" in flat and "+1:word.bi_gram()" in flat


def test_same_words_as_pyvi_on_the_bundled_samples() -> None:
    texts = _texts([ROOT / "corpus" / "samples"])
    assert len(texts) >= 10
    seg = pyvi_words._fast(VT)  # the faster path, whatever pyvi release is installed
    for text in texts:
        for line in [text, *text.splitlines()]:
            assert seg(line) == _pyvi_words(line)


@pytest.mark.skipif(
    not (SHARED / "dev" / "articles").is_dir(), reason="needs ../shared (the development set)"
)
def test_same_words_as_pyvi_on_the_development_set() -> None:
    texts = _texts([SHARED / "seeds", SHARED / "dev" / "articles"])
    assert len(texts) >= 40
    seg = pyvi_words._fast(VT)  # the faster path, whatever pyvi release is installed
    for text in texts:
        for line in [text, *text.splitlines()]:
            assert seg(line) == _pyvi_words(line)


def test_another_pyvi_release_gets_pyvis_own_tokenize(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    own = VT.tokenize
    monkeypatch.setattr(pyvi_words, "version", lambda name: "9.9.9")
    monkeypatch.setattr(VT, "tokenize", staticmethod(lambda s: calls.append(s) or own(s)))
    assert pyvi_words.segmenter()("Hà Nội có 5 mô hình") == ["Hà_Nội", "có", "5", "mô_hình"]
    assert calls == ["Hà Nội có 5 mô hình"]


def test_the_checked_release_gets_the_faster_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pyvi_words, "version", lambda name: pyvi_words.CHECKED_PYVI)
    monkeypatch.setattr(VT, "tokenize", staticmethod(lambda s: pytest.fail("pyvi's own tokenize called")))
    assert pyvi_words.segmenter()("Hà Nội có 5 mô hình") == ["Hà_Nội", "có", "5", "mô_hình"]
