"""The rule pipeline's Docs for training articles, computed once per process.

The attachment ranker and the unit recogniser both learn from what the rules do on an
annotated article (candidates, weak labels); running the rules costs about 0.1 s per
article, so the Docs are cached by article key and text hash: cross-validation retrains
each component on every fold without re-running the rules.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from extractors.learn.data import AnnotatedArticle

_CACHE: dict[tuple[str, str], object] = {}
_EXTRACTOR = None


def _extractor():
    global _EXTRACTOR
    if _EXTRACTOR is None:
        from extractors.pipeline import Extractor

        # every sentence segmented: the unit recogniser learns from (and in `ml` mode tags) all words
        _EXTRACTOR = Extractor(tokenizer="underthesea", extractors="rules", token_scope="all")
    return _EXTRACTOR


def as_article(a: AnnotatedArticle):
    """The corpus Article of an annotated article (imported corrections carry only text)."""
    if a.article is not None:
        return a.article
    from corpus.records import Article

    return Article(
        article_id=a.doc, doc=a.doc, source=a.source, text=a.text, title=a.title, published=a.published
    )


def rule_doc(a: AnnotatedArticle):
    """The rules-only spaCy Doc of one annotated article (cached)."""
    key = (a.doc, hashlib.sha1(a.text.encode("utf-8")).hexdigest())
    if key not in _CACHE:
        _CACHE[key] = _extractor().process(as_article(a))
    return _CACHE[key]


def rule_docs(articles: Sequence[AnnotatedArticle]) -> list:
    return [rule_doc(a) for a in articles]
