"""The scrape store: raw responses as WARC files, extracted articles in a SQLite catalogue.

A store folder holds

- ``dvk-scrape.json``: the marker that makes ``dvk run DIR`` read the folder as a scrape store;
- ``catalogue.sqlite``: tables ``frontier`` (:mod:`corpus.scrape.frontier`), ``fetches`` (last
  status, ETag, Last-Modified and WARC file of each URL fetched), ``articles`` (url, canonical
  url, title, published, author, text, content hash, WARC file) and ``failures`` (URL, reason);
- ``warc/<sha1 of url>.warc.gz``: the last 200 response of each URL (status line, headers and
  the body after content-encoding was undone), written to a temporary name and renamed.

An article and its frontier state are committed in one transaction, after its WARC file is in
place; a crawl killed at any moment therefore never stores an article twice (the URL and the
content hash are unique keys) and never loses one (a URL is ``done`` only once committed).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from corpus.scrape.fetch import FetchResult
from corpus.scrape.frontier import FRONTIER_SQL, Frontier

__all__ = ["CATALOGUE", "MARKER", "ScrapeStore", "StoredArticle", "is_scrape_store", "read_warc"]

MARKER = "dvk-scrape.json"
CATALOGUE = "catalogue.sqlite"
WARC_DIR = "warc"
FORMAT_VERSION = 1

CATALOGUE_SQL = (
    FRONTIER_SQL
    + """
CREATE TABLE IF NOT EXISTS fetches (
    url TEXT PRIMARY KEY,          -- canonical URL
    status INTEGER,
    etag TEXT,
    last_modified TEXT,
    warc TEXT,                     -- path of the WARC file, relative to the store
    fetched_at TEXT NOT NULL       -- UTC ISO
);
CREATE TABLE IF NOT EXISTS articles (
    url TEXT PRIMARY KEY,          -- canonical URL the article was fetched under
    canonical_url TEXT,            -- the page's own rel=canonical, canonicalised
    title TEXT,
    published TEXT,                -- ISO date
    author TEXT,
    text TEXT NOT NULL,            -- cleaned text
    content_hash TEXT NOT NULL UNIQUE,
    warc TEXT NOT NULL,
    note TEXT,                     -- e.g. how a legacy encoding was decoded
    fetched_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS failures (
    url TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL
);
"""
)


@dataclass(slots=True)
class StoredArticle:
    url: str
    canonical_url: str | None
    title: str | None
    published: str | None
    author: str | None
    text: str
    content_hash: str
    warc: str
    note: str | None = None


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_scrape_store(folder: Path) -> bool:
    """True when ``folder`` holds a scrape store (its marker file)."""
    return (Path(folder) / MARKER).is_file()


class ScrapeStore:
    """An open scrape store; use as a context manager."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / WARC_DIR).mkdir(exist_ok=True)
        self.con = sqlite3.connect(self.folder / CATALOGUE, isolation_level=None, timeout=30)
        self.con.execute("PRAGMA journal_mode=WAL")
        self.con.execute("PRAGMA synchronous=NORMAL")
        self.con.executescript(CATALOGUE_SQL)
        marker = self.folder / MARKER
        if not marker.exists():
            tmp = marker.with_name(f".{MARKER}.tmp")
            tmp.write_text(
                json.dumps({"format": "dvk-scrape", "version": FORMAT_VERSION, "catalogue": CATALOGUE})
                + "\n",
                encoding="utf-8",
            )
            os.replace(tmp, marker)
        self.frontier = Frontier(self.con)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> ScrapeStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.con.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    # -- WARC -----------------------------------------------------------------------------------
    def write_warc(self, key: str, result: FetchResult) -> str:
        """Write one response as a gzipped WARC file (temp name, then rename); its relative path."""
        rel = f"{WARC_DIR}/{hashlib.sha1(key.encode('utf-8')).hexdigest()}.warc.gz"
        path = self.folder / rel
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        skip = {"content-encoding", "transfer-encoding", "content-length"}
        headers = [(k, v) for k, v in result.headers if k.lower() not in skip]
        headers.append(("Content-Length", str(len(result.body))))
        status = StatusAndHeaders(f"{result.status} {result.reason}".strip(), headers, protocol="HTTP/1.1")
        with tmp.open("wb") as f:
            writer = WARCWriter(f, gzip=True)
            record = writer.create_warc_record(
                result.final_url, "response", payload=io.BytesIO(result.body), http_headers=status
            )
            writer.write_record(record)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        return rel

    # -- catalogue ------------------------------------------------------------------------------
    def fetch_info(self, url: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) of the last fetch of ``url``."""
        row = self.con.execute("SELECT etag, last_modified FROM fetches WHERE url = ?", (url,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def record_fetch(self, url: str, result: FetchResult, warc: str | None) -> None:
        self.con.execute(
            "INSERT INTO fetches (url, status, etag, last_modified, warc, fetched_at) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (url) DO UPDATE SET status = excluded.status, etag = excluded.etag,"
            " last_modified = excluded.last_modified, warc = coalesce(excluded.warc, fetches.warc),"
            " fetched_at = excluded.fetched_at",
            (url, result.status, result.header("etag"), result.header("last-modified"), warc, _now()),
        )

    def duplicate_of(self, url: str, canonical: str | None, content_hash: str) -> str | None:
        """The stored article this one duplicates (same content, or same declared canonical URL)."""
        row = self.con.execute(
            "SELECT url FROM articles WHERE url != ? AND (content_hash = ? OR (? IS NOT NULL AND"
            " (canonical_url = ? OR url = ?)))",
            (url, content_hash, canonical, canonical, canonical),
        ).fetchone()
        return row[0] if row else None

    def add_article(self, article: StoredArticle) -> None:
        self.con.execute(
            "INSERT OR REPLACE INTO articles (url, canonical_url, title, published, author, text, content_hash,"
            " warc, note, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article.url, article.canonical_url, article.title, article.published, article.author,
                article.text, article.content_hash, article.warc, article.note, _now(),
            ),
        )  # fmt: skip

    def record_failure(self, url: str, reason: str) -> None:
        self.con.execute("INSERT INTO failures (url, reason, at) VALUES (?, ?, ?)", (url, reason, _now()))

    def articles(self) -> list[StoredArticle]:
        rows = self.con.execute(
            "SELECT url, canonical_url, title, published, author, text, content_hash, warc, note FROM articles"
            " ORDER BY url"
        ).fetchall()
        return [StoredArticle(*r) for r in rows]

    def count_articles(self) -> int:
        return self.con.execute("SELECT count(*) FROM articles").fetchone()[0]


def read_warc(path: Path) -> tuple[str, int, list[tuple[str, str]], bytes]:
    """(target URL, status, headers, body) of the response record in a WARC file."""
    with Path(path).open("rb") as f:
        for record in ArchiveIterator(f):
            if record.rec_type == "response":
                http = record.http_headers
                return (
                    record.rec_headers.get_header("WARC-Target-URI"),
                    int(http.get_statuscode()),
                    list(http.headers),
                    record.content_stream().read(),
                )
    raise ValueError(f"{path}: no response record")
