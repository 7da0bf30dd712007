"""The crawl frontier on disk: every URL met, its kind and its state, in the catalogue's SQLite file.

A URL is keyed by its canonical form (:func:`corpus.scrape.discover.canonical_url`) and is
``pending``, ``done``, ``skipped`` (with the reason: robots.txt, duplicate, older than
``--since``...) or ``failed`` (with the reason).  Discovery pages (seeds, sitemaps, feeds,
sections) come before articles, then first found first served.  State changes are made inside
the store's transactions, so a crawl killed at any moment restarts where it was: a URL
whose article was committed is ``done``; any other is still ``pending`` and is fetched again.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

__all__ = ["FRONTIER_SQL", "KINDS", "Frontier", "FrontierItem"]

#: Kinds of URL, in the order they are crawled.
KINDS = ("seed", "sitemap", "feed", "section", "article")
DISCOVERY_KINDS = ("seed", "sitemap", "feed", "section")

FRONTIER_SQL = """
CREATE TABLE IF NOT EXISTS frontier (
    url TEXT PRIMARY KEY,        -- canonical URL
    fetch_url TEXT NOT NULL,     -- the URL as found (what is requested)
    kind TEXT NOT NULL,          -- seed, sitemap, feed, section, article
    priority INTEGER NOT NULL,   -- index of kind in KINDS: discovery first
    state TEXT NOT NULL,         -- pending, done, skipped, failed
    reason TEXT,                 -- why skipped or failed
    date TEXT,                   -- lastmod / pubDate from the sitemap or feed (ISO)
    found_from TEXT,             -- the page that named it
    seq INTEGER NOT NULL         -- order found
);
CREATE INDEX IF NOT EXISTS frontier_next ON frontier (state, priority, seq);
"""


@dataclass(frozen=True, slots=True)
class FrontierItem:
    url: str
    fetch_url: str
    kind: str
    date: str | None = None


class Frontier:
    """The frontier table of an open catalogue connection (callers own the transactions)."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con

    def add(
        self, url: str, fetch_url: str, kind: str, found_from: str | None = None, date: str | None = None
    ) -> bool:
        """Add a URL as pending unless it is known already; True when it was new."""
        seq = self.con.execute("SELECT coalesce(max(seq), 0) + 1 FROM frontier").fetchone()[0]
        cur = self.con.execute(
            "INSERT OR IGNORE INTO frontier (url, fetch_url, kind, priority, state, date, found_from, seq)"
            " VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)",
            (url, fetch_url, kind, KINDS.index(kind), date, found_from, seq),
        )
        return cur.rowcount == 1

    def next(self) -> FrontierItem | None:
        row = self.con.execute(
            "SELECT url, fetch_url, kind, date FROM frontier WHERE state = 'pending' ORDER BY priority, seq LIMIT 1"
        ).fetchone()
        return FrontierItem(*row) if row else None

    def mark(self, url: str, state: str, reason: str | None = None) -> None:
        self.con.execute("UPDATE frontier SET state = ?, reason = ? WHERE url = ?", (state, reason, url))

    def set_kind(self, url: str, kind: str) -> None:
        """Record what a URL turned out to be (a seed that is an article is not revisited)."""
        self.con.execute(
            "UPDATE frontier SET kind = ?, priority = ? WHERE url = ?", (kind, KINDS.index(kind), url)
        )

    def state(self, url: str) -> str | None:
        row = self.con.execute("SELECT state FROM frontier WHERE url = ?", (url,)).fetchone()
        return row[0] if row else None

    def revisit_discovery(self) -> None:
        """Make seeds, sitemaps, feeds and sections pending again (a new crawl looks for new links)."""
        marks = ",".join("?" for _ in DISCOVERY_KINDS)
        self.con.execute(
            f"UPDATE frontier SET state = 'pending', reason = NULL WHERE kind IN ({marks}) AND state = 'done'",
            DISCOVERY_KINDS,
        )

    def retry_failed(self) -> None:
        """Make failed URLs pending again (each new crawl retries them once)."""
        self.con.execute("UPDATE frontier SET state = 'pending', reason = NULL WHERE state = 'failed'")

    def counts(self) -> dict[str, int]:
        return dict(self.con.execute("SELECT state, count(*) FROM frontier GROUP BY state").fetchall())
