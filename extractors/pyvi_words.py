"""pyvi's word segmentation, ``ViTokenizer.tokenize(text).split()``, at the same output, faster.

pyvi tags the syllables of a text with a CRF (python-crfsuite): a syllable either
begins a word or continues the one before.  The model, its dictionaries of two- and
three-syllable words, the syllable pattern (``ViTokenizer.sylabelize``) and the
rule that joins syllables into words are pyvi's; what this module does differently
is building the CRF's input.  pyvi makes a dict of ~15 features per syllable in
Python, computing each syllable's lower case, case tests and dictionary look-ups
again for each of its neighbours, and sklearn-crfsuite wraps the labels in a numpy
array; together that costs more than the tagging.  Here each syllable's and each
pair's and triple's values are computed once, and each syllable's features go to
the tagger as the list of its attribute names, which python-crfsuite reads exactly
as pyvi's dict: a string value ``{"k": "v"}`` is the attribute ``k:v`` and a true
test ``{"k": True}`` the attribute ``k``, both of weight 1.0, in the same order; a
false test is left out, its weight (0.0) adding nothing to any score.

Used only with the pyvi release it was checked against (:data:`CHECKED_PYVI`; tested
equal to ``ViTokenizer.tokenize`` on the development set and on generated text);
with any other, :func:`segmenter` gives pyvi's own ``tokenize``.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from importlib.metadata import version
from typing import Any

CHECKED_PYVI = "0.1.1"

_PUNCTUATION = string.punctuation  # pyvi tests ``syllable in string.punctuation`` (a substring test)


def segmenter() -> Callable[[str], list[str]]:
    """A function from text to pyvi's words (``ViTokenizer.tokenize(text).split()``)."""
    from pyvi import ViTokenizer

    vt = ViTokenizer.ViTokenizer
    if version("pyvi") != CHECKED_PYVI:
        return lambda text: vt.tokenize(text).split()
    return _fast(vt)


def _fast(vt: Any) -> Callable[[str], list[str]]:
    """The faster segmenter over pyvi's ``ViTokenizer`` class ``vt`` (its model and dictionaries)."""
    tagger = vt.model.tagger_
    bi_grams, tri_grams = vt.bi_grams, vt.tri_grams

    def words(text: str) -> list[str]:
        _, sylls = vt.sylabelize(text)
        if not sylls:
            return text.split()  # pyvi returns its input as it is
        labels = tagger.tag(_features(sylls, bi_grams, tri_grams))
        return _join(sylls, labels).split()

    return words


def _features(sylls: list[str], bi_grams: set[str], tri_grams: set[str]) -> list[list[str]]:
    """Each syllable's attributes, as pyvi's ``sent2features`` (same names, same order)."""
    n = len(sylls)
    low = [s.lower() for s in sylls]
    title = [s.istitle() for s in sylls]
    upper = [s.isupper() for s in sylls]
    # pair[i]: syllables i-1, i form a dictionary word; triple[i]: i-2, i-1, i do (pyvi lowers the joined words)
    pair = [False] + [f"{sylls[i - 1]} {sylls[i]}".lower() in bi_grams for i in range(1, n)]
    triple = [False, False] + [
        f"{sylls[i - 2]} {sylls[i - 1]} {sylls[i]}".lower() in tri_grams for i in range(2, n)
    ]
    out: list[list[str]] = []
    for i in range(n):
        f = ["bias", "word.lower():" + low[i]]
        if upper[i]:
            f.append("word.isupper()")
        if title[i]:
            f.append("word.istitle()")
        if sylls[i].isdigit():
            f.append("word.isdigit()")
        if i > 0:
            f.append("-1:word.lower():" + low[i - 1])
            if title[i - 1]:
                f.append("-1:word.istitle()")
            if upper[i - 1]:
                f.append("-1:word.isupper()")
            if pair[i]:
                f.append("-1:word.bi_gram()")
            if i > 1 and triple[i]:
                f.append("-2:word.tri_gram()")
        if i < n - 1:
            f.append("+1:word.lower():" + low[i + 1])
            if title[i + 1]:
                f.append("+1:word.istitle()")
            if upper[i + 1]:
                f.append("+1:word.isupper()")
            if pair[i + 1]:
                f.append("+1:word.bi_gram()")
            if i < n - 2 and triple[i + 2]:
                f.append("+2:word.tri_gram()")
        out.append(f)
    return out


def _join(sylls: list[str], labels: list[str]) -> str:
    """pyvi's output string: a syllable tagged ``I_W`` joins the one before with ``_``, unless either is
    punctuation or starts with a digit, or it starts upper case after one that does not."""
    parts = [sylls[0]]
    for i in range(1, len(labels)):
        cur, prev = sylls[i], sylls[i - 1]
        joined = (
            labels[i] == "I_W"
            and cur not in _PUNCTUATION
            and prev not in _PUNCTUATION
            and not cur[0].isdigit()
            and not prev[0].isdigit()
            and not (cur[0].istitle() and not prev[0].istitle())
        )
        parts.append("_" if joined else " ")
        parts.append(cur)
    return "".join(parts)
