"""A crawl: seeds in, articles out into a scrape store, politely and resumably.

:func:`crawl` puts the seeds in the frontier (a seed is a site root, a section page, a sitemap
or sitemap index, an RSS/Atom feed, or a local file listing URLs one per line), then takes
pending URLs one at a time, discovery pages first:

1. a URL dated before ``since`` by its sitemap or feed is skipped without a request;
2. robots.txt is asked (a disallowed URL is skipped and never requested);
3. the page is fetched (conditionally, when an ETag or Last-Modified is known);
4. a sitemap or feed adds its URLs, a seed or section page adds the links on it that look like
   articles (same site; a site root's robots.txt sitemaps too), an article page is decoded,
   cleaned and extracted with the same code as local files (:func:`corpus.clean.clean_article`)
   and stored unless its content or declared canonical URL is stored already.

Each step's result is committed with the URL's new frontier state in one transaction, so the
crawl can be killed at any moment and restarted with the same command.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from corpus.clean import clean_article
from corpus.decode import _MOJIBAKE, decode_bytes, looks_vietnamese
from corpus.ingest import InputError
from corpus.records import IngestError, RawArticle
from corpus.scrape import discover
from corpus.scrape.fetch import Fetcher, FetchPolicy, FetchResult
from corpus.scrape.frontier import FrontierItem
from corpus.scrape.robots import RobotsCache
from corpus.scrape.store import ScrapeStore, StoredArticle

__all__ = ["CrawlProgress", "CrawlSummary", "UrlFailure", "crawl", "decode_page", "read_seeds"]

MAX_LISTED_FAILURES = 50
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class UrlFailure:
    url: str
    reason: str


@dataclass(frozen=True, slots=True)
class CrawlProgress:
    """Counters passed to the progress callback after every URL."""

    fetched: int
    stored: int
    skipped: int
    failed: int
    pending: int
    url: str | None = None


@dataclass(slots=True)
class CrawlSummary:
    """What a crawl did.  ``n_fetched`` counts pages requested (robots.txt not included)."""

    out_dir: Path
    n_fetched: int = 0
    n_stored: int = 0
    n_skipped: int = 0
    n_failed: int = 0
    n_not_modified: int = 0
    n_articles: int = 0  # articles in the store after the crawl
    n_pending: int = 0  # left in the frontier (--max-pages reached)
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    failures: list[UrlFailure] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.n_failed == 0


# --- seeds and decoding ---------------------------------------------------------------------------


def _is_http(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def read_seeds(seeds: Sequence[str]) -> list[str]:
    """The seed URLs: URLs as given, files of URLs (one a line, ``#`` comments) read.

    Raises :class:`corpus.ingest.InputError` for a seed that is neither an http(s) URL nor a file,
    or a file line that is not an http(s) URL.
    """
    if not seeds:
        raise InputError("no seed given")
    urls: list[str] = []
    for seed in seeds:
        if _is_http(seed):
            urls.append(seed)
            continue
        path = Path(seed).expanduser()
        if not path.is_file():
            raise InputError(f"{seed}: not an http(s) URL and no such file")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if not _is_http(line):
                raise InputError(f"{seed}:{n}: not an http(s) URL: {line[:80]!r}")
            urls.append(line)
    return urls


def decode_page(body: bytes, content_type: str | None) -> tuple[str, str | None]:
    """(text, note) of an HTML page; raises IngestError for undecodable text or mojibake.

    The HTTP charset is tried first for non-UTF-8 bytes, then :func:`corpus.decode.decode_bytes`
    (declared ``<meta charset>``, detection, windows-1258, double-encoded UTF-8 repaired).  The
    note says how a legacy encoding or a repair was used.
    """
    declared = _CHARSET.search(content_type or "")
    charset = declared.group(1).lower() if declared else None
    text: str | None = None
    note: str | None = None
    try:
        utf8: str | None = body.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        utf8 = None
    if utf8 is not None and looks_vietnamese(_visible(utf8)):
        return unicodedata.normalize("NFC", utf8), None  # the common case, without a full-page scan
    if utf8 is None and charset and not charset.replace("-", "").startswith("utf"):
        try:
            candidate = body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            candidate = None
        if candidate is not None and looks_vietnamese(_visible(candidate)):
            text, note = candidate, f"decoded as {charset} (HTTP charset)"
    if text is None:
        text = decode_bytes(body)
        if utf8 is None:
            note = "decoded from a legacy encoding"
        elif text != utf8:
            note = "double-encoded UTF-8 repaired"
    visible = _visible(text)
    odd = sum(ch in _MOJIBAKE for ch in visible)
    if visible and odd / len(visible) > 0.01 and not looks_vietnamese(visible):
        raise IngestError(f"mojibake detected ({odd} mis-decoded characters in {len(visible)}); not stored")
    return unicodedata.normalize("NFC", text), note


def _visible(html: str) -> str:
    return " ".join(_TAGS.sub(" ", html).split())


# --- the crawl ------------------------------------------------------------------------------------


class _Crawl:
    def __init__(
        self,
        store: ScrapeStore,
        fetcher: Fetcher,
        summary: CrawlSummary,
        since: str | None,
        progress: Callable[[CrawlProgress], object] | None,
    ) -> None:
        self.store = store
        self.frontier = store.frontier
        self.fetcher = fetcher
        self.robots = RobotsCache(fetcher)
        self.summary = summary
        self.since = since
        self.progress = progress

    # -- outcomes -------------------------------------------------------------------------------
    def skip(self, item: FrontierItem, reason: str) -> None:
        self.frontier.mark(item.url, "skipped", reason)
        self.summary.n_skipped += 1
        key = reason.split(" (")[0]
        self.summary.skipped_reasons[key] = self.summary.skipped_reasons.get(key, 0) + 1

    def fail(self, item: FrontierItem, reason: str) -> None:
        self.frontier.mark(item.url, "failed", reason)
        self.store.record_failure(item.fetch_url, reason)
        self.summary.n_failed += 1
        if len(self.summary.failures) < MAX_LISTED_FAILURES:
            self.summary.failures.append(UrlFailure(item.fetch_url, reason))

    def add(self, url: str, kind: str, found_from: str, date: str | None = None) -> None:
        if _is_http(url):
            self.frontier.add(discover.canonical_url(url), url, kind, found_from, date)

    # -- one URL --------------------------------------------------------------------------------
    def step(self, item: FrontierItem) -> None:
        if self.since and item.date and item.date < self.since:
            with self.store.transaction():
                self.skip(item, f"older than --since ({item.date})")
            return
        refusal = self.robots.refusal(item.fetch_url)
        if refusal is not None:
            with self.store.transaction():
                self.skip(item, refusal)
            return
        etag, modified = self.store.fetch_info(item.url) if item.kind != "article" else (None, None)
        result = self.fetcher.get(
            item.fetch_url, etag=etag, last_modified=modified, allowed=self.robots.refusal
        )
        self.summary.n_fetched += 1
        if result.error is not None or not (result.ok or result.not_modified):
            with self.store.transaction():
                self.fail(item, result.error or f"HTTP {result.status}")
            return
        if result.not_modified:
            self.summary.n_not_modified += 1
            with self.store.transaction():
                self.store.record_fetch(item.url, result, None)
                self.skip(item, "not modified since the last crawl (HTTP 304)")
            return
        warc = self.store.write_warc(item.url, result)
        kind = self._kind(item, result)
        with self.store.transaction():
            self.store.record_fetch(item.url, result, warc)
            if kind == "article":
                self.frontier.set_kind(item.url, "article")
                self._article(item, result, warc)
            elif kind == "other":
                self.fail(item, f"not an HTML page, sitemap or feed ({result.header('content-type')})")
            else:
                self._discovery(item, result, kind)

    def _kind(self, item: FrontierItem, result: FetchResult) -> str:
        sniffed = discover.sniff(result.header("content-type"), result.body)
        if sniffed != "html":
            return sniffed
        if item.kind == "article" or (item.kind == "seed" and discover.is_article_url(item.url)):
            return "article"
        return "section"

    def _discovery(self, item: FrontierItem, result: FetchResult, kind: str) -> None:
        base = result.final_url
        try:
            if kind == "sitemap":
                for e in discover.parse_sitemap(result.body, base):
                    self.add(e.url, e.kind, item.url, e.date)
            elif kind == "feed":
                for e in discover.parse_feed(result.body, base):
                    self.add(e.url, "article", item.url, e.date)
            else:
                html, _ = decode_page(result.body, result.header("content-type"))
                for url in discover.page_links(html, base):
                    if discover.is_article_url(url):
                        self.add(url, "article", item.url)
                if urlsplit(item.url).path in ("", "/"):
                    for sitemap in self.robots.sitemaps(item.url):
                        self.add(sitemap, "sitemap", item.url)
        except (discover.DiscoveryError, IngestError) as exc:
            self.fail(item, f"{kind}: {exc}")
            return
        self.frontier.mark(item.url, "done")

    def _article(self, item: FrontierItem, result: FetchResult, warc: str) -> None:
        try:
            html, note = decode_page(result.body, result.header("content-type"))
            article = clean_article(RawArticle(doc=item.url, source=item.url, url=item.url, html=html))
        except IngestError as exc:
            self.fail(item, f"extract: {exc}")
            return
        if self.since and article.published and article.published < self.since:
            self.skip(item, f"older than --since (published {article.published})")
            return
        canonical = discover.declared_canonical(html, result.final_url)
        duplicate = self.store.duplicate_of(item.url, canonical, article.content_hash)
        if duplicate is not None:
            self.skip(item, f"duplicate (of {duplicate})")
            return
        self.store.add_article(
            StoredArticle(
                url=item.url, canonical_url=canonical, title=article.title, published=article.published,
                author=article.author, text=article.text, content_hash=article.content_hash, warc=warc, note=note,
            )
        )  # fmt: skip
        self.frontier.mark(item.url, "done")
        self.summary.n_stored += 1

    def report(self, url: str | None) -> None:
        if self.progress is not None:
            s = self.summary
            pending = self.frontier.counts().get("pending", 0)
            self.progress(CrawlProgress(s.n_fetched, s.n_stored, s.n_skipped, s.n_failed, pending, url))


def _check_since(since: str | None) -> str | None:
    if since is None:
        return None
    try:
        return date.fromisoformat(since).isoformat()
    except ValueError as exc:
        raise InputError(f"--since {since!r}: expected a date YYYY-MM-DD") from exc


def crawl(
    seeds: Sequence[str],
    out_dir: Path,
    *,
    max_pages: int | None = None,
    since: str | None = None,
    policy: FetchPolicy | None = None,
    progress: Callable[[CrawlProgress], object] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> CrawlSummary:
    """Crawl from ``seeds`` into the scrape store in ``out_dir`` (created, or resumed).

    Raises :class:`corpus.ingest.InputError` for bad seeds, a bad ``since`` date, a rate that is
    not positive or an ``out_dir`` that is a file.  URL failures never raise: they are counted,
    listed and recorded in the ``failures`` table.
    """
    started = time.perf_counter()
    urls = read_seeds(seeds)
    since = _check_since(since)
    policy = policy or FetchPolicy()
    if policy.rate <= 0:
        raise InputError("--rate must be a positive number of requests per second")
    if max_pages is not None and max_pages < 1:
        raise InputError("--max-pages must be at least 1")
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir} is a file, not a folder")
    summary = CrawlSummary(out_dir=out_dir)
    with ScrapeStore(out_dir) as store, Fetcher(policy, transport=transport) as fetcher:
        run = _Crawl(store, fetcher, summary, since, progress)
        with store.transaction():
            store.frontier.revisit_discovery()
            store.frontier.retry_failed()
            for url in urls:
                run.add(url, "seed", "command line")
        run.report(None)
        while (item := store.frontier.next()) is not None:
            if max_pages is not None and summary.n_fetched >= max_pages:
                break
            run.step(item)
            run.report(item.fetch_url)
        summary.n_articles = store.count_articles()
        summary.n_pending = store.frontier.counts().get("pending", 0)
    summary.seconds = time.perf_counter() - started
    return summary
