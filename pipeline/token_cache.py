"""The token cache: tokenizing is the expensive, stable stage, so it is done once per text.

Tokens are cached in the dataset's ``token_cache`` table, keyed by the cleaned
text's ``content_hash`` and a tokenizer key (:func:`tokenizer_key`: the backend,
its package version, a hash of dvk's own tokenizing code, and the token scope
(every sentence or only the parts the rules read), so that any change to them
makes new entries).
Only the offsets are kept (``starts``, ``ends``): the words are slices of the
text, which the ``articles`` table already holds.

:func:`extract_with_cache` is what a run calls per article: it takes the
article's tokens from the cache when they are there (else tokenizes and hands
back the new entry, which :class:`pipeline.storage.BatchWriter` stores in the
same transaction as the article, and serves to later articles of its batch)
and runs the extractor on them.  An extractor
without the ``tokens`` parameter (a test double) is simply called as it is.
"""

from __future__ import annotations

import hashlib
import inspect
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Protocol

from corpus.records import Article
from extractors.records import Extraction
from pipeline.storage import CachedTokens

_EXTRACTORS = Path(__file__).resolve().parents[1] / "extractors"
_TOKENIZER_SOURCES = (_EXTRACTORS / "tokenizer.py", _EXTRACTORS / "document.py", _EXTRACTORS / "numbers.py")


class TokenSource(Protocol):
    """Where cached tokens are looked up: a Store, a BatchWriter, or a page of prefetched ones."""

    def cached_tokens(self, content_hash: str, tokenizer_key: str) -> CachedTokens | None: ...


@cache
def tokenizer_key(backend: str, scope: str = "all") -> str:
    """``backend-<package version>-<hash of dvk's tokenizing code>[+scope]``: the cache key of a tokenizer.

    The code hashed is ``extractors/tokenizer.py`` and, since they decide which parts
    a ``needed`` scope segments, ``extractors/document.py`` and ``extractors/numbers.py``.
    """
    try:
        pkg = metadata.version(backend)
    except metadata.PackageNotFoundError:  # pragma: no cover - backend not installed
        pkg = "unknown"
    digest = hashlib.sha1()
    for source in _TOKENIZER_SOURCES:
        digest.update(source.read_bytes())
    return f"{backend}-{pkg}-{digest.hexdigest()[:12]}" + ("" if scope == "all" else f"+{scope}")


def extractor_token_key(extractor: object) -> str:
    """The cache key of the tokens ``extractor`` reads: its backend and its token scope."""
    return tokenizer_key(extractor.tokenizer, getattr(extractor, "token_scope", None) or "all")  # type: ignore[attr-defined]


@cache
def _extract_takes(cls: type, parameter: str) -> bool:
    """True when ``cls.extract`` has a parameter of that name."""
    try:
        return parameter in inspect.signature(cls.extract).parameters
    except (TypeError, ValueError, AttributeError):
        return False


def accepts_tokens(extractor: object) -> bool:
    """True when ``extractor.extract`` takes given tokens (the real :class:`Extractor` does)."""
    return _extract_takes(type(extractor), "tokens") and isinstance(
        getattr(extractor, "tokenizer", None), str
    )


@dataclass(slots=True)
class CacheStats:
    """How often the cache served tokens (hits) and how often the backend ran (misses)."""

    hits: int = 0
    misses: int = 0


def extract_with_cache(
    store: TokenSource,
    extractor: object,
    article: Article,
    stats: CacheStats | None = None,
    layers: bytes | None = None,
) -> tuple[Extraction, CachedTokens | None]:
    """Extract ``article`` on cached tokens when possible; return the extraction and a new cache entry.

    The extraction carries its layers (``Extraction.layers``) when the extractor keeps them;
    ``layers`` (those stored with an earlier extraction of the article) are reused where
    their components did not change (:mod:`extractors.layers`).
    """
    if not accepts_tokens(extractor):
        return extractor.extract(article), None  # type: ignore[attr-defined]
    from extractors.tokenizer import token_spans

    key = extractor_token_key(extractor)
    kw = {}
    if _extract_takes(type(extractor), "keep_layers") and extractor.keeps_layers():  # type: ignore[attr-defined]
        kw = {"keep_layers": extractor.base_key(article, key), "reuse": layers}  # type: ignore[attr-defined]
    cached = store.cached_tokens(article.content_hash, key) if article.content_hash else None
    if cached is not None:
        if stats:
            stats.hits += 1
        # offsets are enough: the extractor slices the words it reads from the text
        spans = list(zip(cached.starts, cached.ends, strict=True))
        return extractor.extract(article, tokens=spans, **kw), None  # type: ignore[attr-defined]
    if stats:
        stats.misses += 1
    if hasattr(extractor, "token_spans"):  # the extractor's own backend and scope
        spans = extractor.token_spans(article.text)
    else:
        spans = token_spans(article.text, extractor.tokenizer)  # type: ignore[attr-defined]
    starts, ends = zip(*spans, strict=True) if spans else ((), ())
    entry = CachedTokens(key, tuple(starts), tuple(ends))
    return extractor.extract(article, tokens=spans, **kw), entry  # type: ignore[attr-defined]
