"""Article records: what ingest reads and what cleaning hands to the extractors."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class RawArticle:
    """One article as read from its source, before cleaning.

    ``doc`` is what the JSONL export calls the article: the input file's name,
    or its URL.  Exactly one of ``html`` and ``text`` is set.
    """

    doc: str
    source: str  # path of the file it came from (with ``#line`` for JSONL)
    url: str | None = None
    html: str | None = None
    text: str | None = None
    title: str | None = None
    published: str | None = None  # ISO date YYYY-MM-DD (or YYYY-MM, YYYY) when known
    raw_sha1: str = ""  # hash of the raw bytes, for skipping unchanged inputs
    province: str | None = None  # a hint from metadata (a sidecar), used when the text names none


@dataclass(slots=True)
class Article:
    """A cleaned article: ``text`` is what every character offset points into."""

    article_id: str
    doc: str
    source: str
    text: str
    url: str | None = None
    title: str | None = None
    published: str | None = None
    author: str | None = None
    content_hash: str = ""
    dropped: list[str] = field(default_factory=list)
    province: str | None = (
        None  # a hint from metadata, used when the text names no province  # furniture lines removed, for audit
    )


class IngestError(Exception):
    """An input that cannot be read as an article (empty, binary, undecodable, broken)."""
