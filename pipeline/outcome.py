"""What the expensive stages (cleaning, extraction) made of one input, wherever they ran.

An :class:`Outcome` goes from a pool process or a Dask worker (through its Parquet partition,
:mod:`pipeline.spool`) to the run's writer, which stores it (:func:`pipeline.engines.commit`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from corpus.records import Article

if TYPE_CHECKING:
    from extractors.records import Extraction
    from pipeline.storage import ArticleWrite

# What became of one input: the stage it reached.
READ_FAILED, FILTERED, CLEAN_FAILED, UNCHANGED, EXTRACT_FAILED, EXTRACTED, STORE_FAILED = (
    "read_failed", "filtered", "clean_failed", "unchanged", "extract_failed", "extracted", "store_failed",
)  # fmt: skip


@dataclass(slots=True)
class Outcome:
    """What the expensive stages made of one input; :func:`commit` stores it."""

    kind: str
    source: str
    doc: str
    reason: str = ""
    article: Article | None = None
    extraction: Extraction | None = None
    tokens: Any = None  # the tokens to cache with the article (pipeline.storage.CachedTokens), if any
    write: ArticleWrite | None = None  # its rows, made by a Dask worker (pipeline.spool)
