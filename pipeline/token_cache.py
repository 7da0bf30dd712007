"""The token cache: tokenizing is the expensive, stable stage, so it is done once per text.

Tokens are cached in the dataset's ``token_cache`` table, keyed by the cleaned
text's ``content_hash`` and a tokenizer key (:func:`tokenizer_key`: the backend,
its package version, and a hash of dvk's own alignment code in
``extractors/tokenizer.py``, so that any change to either makes new entries).
Only the offsets are kept (``starts``, ``ends``): the words are slices of the
text, which the ``articles`` table already holds.

:func:`extract_with_cache` is what a run calls per article: it takes the
article's tokens from the cache when they are there (else tokenizes and hands
back the new entry, which :meth:`pipeline.storage.Store.write_article` stores in
the article's own transaction) and runs the extractor on them.  An extractor
without the ``tokens`` parameter (a test double) is simply called as it is.
"""

from __future__ import annotations

import hashlib
import inspect
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from corpus.records import Article
from extractors.records import Extraction
from pipeline.storage import CachedTokens, Store

_TOKENIZER_SOURCE = Path(__file__).resolve().parents[1] / "extractors" / "tokenizer.py"


@cache
def tokenizer_key(backend: str) -> str:
    """``backend-<package version>-<hash of extractors/tokenizer.py>``: the cache key of a tokenizer."""
    try:
        pkg = metadata.version(backend)
    except metadata.PackageNotFoundError:  # pragma: no cover - backend not installed
        pkg = "unknown"
    code = hashlib.sha1(_TOKENIZER_SOURCE.read_bytes()).hexdigest()[:12]
    return f"{backend}-{pkg}-{code}"


@cache
def _accepts_tokens(cls: type) -> bool:
    try:
        return "tokens" in inspect.signature(cls.extract).parameters
    except (TypeError, ValueError, AttributeError):
        return False


def accepts_tokens(extractor: object) -> bool:
    """True when ``extractor.extract`` takes given tokens (the real :class:`Extractor` does)."""
    return _accepts_tokens(type(extractor)) and isinstance(getattr(extractor, "tokenizer", None), str)


@dataclass(slots=True)
class CacheStats:
    """How often the cache served tokens (hits) and how often the backend ran (misses)."""

    hits: int = 0
    misses: int = 0


def extract_with_cache(
    store: Store, extractor: object, article: Article, stats: CacheStats | None = None
) -> tuple[Extraction, CachedTokens | None]:
    """Extract ``article`` on cached tokens when possible; return the extraction and a new cache entry."""
    if not accepts_tokens(extractor):
        return extractor.extract(article), None  # type: ignore[attr-defined]
    from extractors.document import tokens_from_offsets
    from extractors.tokenizer import tokenize

    backend = extractor.tokenizer  # type: ignore[attr-defined]
    key = tokenizer_key(backend)
    cached = store.cached_tokens(article.content_hash, key) if article.content_hash else None
    if cached is not None:
        if stats:
            stats.hits += 1
        tokens = tokens_from_offsets(article.text, cached.starts, cached.ends)
        return extractor.extract(article, tokens=tokens), None  # type: ignore[attr-defined]
    if stats:
        stats.misses += 1
    tokens = tokenize(article.text, backend)
    entry = CachedTokens(key, tuple(t.start for t in tokens), tuple(t.end for t in tokens))
    return extractor.extract(article, tokens=tokens), entry  # type: ignore[attr-defined]
