"""Finding article URLs: sitemaps (and indexes, gzipped too), RSS/Atom feeds, links on section pages.

Every function here is pure (bytes or text in, URLs out).  XML is parsed with defusedxml, so
entity-expansion and external-entity tricks raise instead of eating memory; gzipped sitemaps are
decompressed with a cap on the output.  :func:`canonical_url` is the URL form under which the
frontier and the catalogue key pages: scheme and host lower-cased, default port, fragment and
tracking parameters dropped, query sorted, dot segments resolved.
"""

from __future__ import annotations

import email.utils
import gzip
import io
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html
from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from lxml import etree

from corpus.dateline import normalize_published
from corpus.scrape.adapters import adapter_for

__all__ = [
    "Entry",
    "canonical_url",
    "declared_canonical",
    "gunzip_capped",
    "is_article_url",
    "page_links",
    "parse_feed",
    "parse_sitemap",
    "same_site",
    "sniff",
]

MAX_XML_BYTES = 50 * 1024 * 1024
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|zarsrc|zacc|gidzl|_ga|mc_\w+|ref|src)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Entry:
    """A URL found by discovery, with its date when the sitemap or feed gave one (ISO)."""

    url: str
    date: str | None = None
    kind: str = "article"  # "article", or "sitemap" for the children of a sitemap index


class DiscoveryError(ValueError):
    """A sitemap or feed that cannot be read (broken XML, entity tricks, a gzip bomb)."""


def canonical_url(url: str) -> str:
    """The canonical form of an http(s) URL (see the module docstring)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    path = parts.path or "/"
    resolved = posixpath.normpath(path)
    if path.endswith("/") and not resolved.endswith("/"):
        resolved += "/"
    resolved = resolved.replace("//", "/")
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)
    )
    return urlunsplit((scheme, netloc, resolved, urlencode(query), ""))


def same_site(url: str, other: str) -> bool:
    """True when both URLs are on the same host (``www.`` ignored)."""

    def host(u: str) -> str:
        return (urlsplit(u).hostname or "").lower().removeprefix("www.")

    return host(url) == host(other)


def gunzip_capped(data: bytes, limit: int = MAX_XML_BYTES) -> bytes:
    """Decompress gzip data, refusing more than ``limit`` bytes of output (a gzip bomb)."""
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as f:
        out = f.read(limit + 1)
    if len(out) > limit:
        raise DiscoveryError(f"gzip data expands past {limit} bytes")
    return out


def _xml_root(data: bytes):
    if data[:2] == b"\x1f\x8b":
        try:
            data = gunzip_capped(data)
        except (OSError, EOFError) as exc:
            raise DiscoveryError(f"broken gzip data ({exc})") from exc
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise DiscoveryError(f"unsafe XML refused ({type(exc).__name__})") from exc
    except SafeET.ParseError as exc:
        raise DiscoveryError(f"broken XML ({exc})") from exc


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _child_text(el, name: str) -> str | None:
    for child in el:
        if _local(child.tag) == name and child.text and child.text.strip():
            return child.text.strip()
    return None


def sniff(content_type: str | None, body: bytes) -> str:
    """What a fetched body is: ``sitemap``, ``feed``, ``html`` or ``other``."""
    ctype = (content_type or "").lower()
    head = body[:2048].lstrip().lower()
    if body[:2] == b"\x1f\x8b":
        try:
            head = gunzip_capped(body)[:2048].lstrip().lower()
        except (OSError, EOFError, DiscoveryError):
            return "other"
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "feed"
    if "html" in ctype or b"<html" in head or b"<!doctype html" in head:
        return "html"
    return "other"


def parse_sitemap(data: bytes, base_url: str) -> list[Entry]:
    """The URLs of a sitemap (kind ``article``) or a sitemap index (kind ``sitemap``)."""
    root = _xml_root(data)
    index = _local(root.tag) == "sitemapindex"
    entries = []
    for el in root:
        if _local(el.tag) not in ("url", "sitemap"):
            continue
        loc = _child_text(el, "loc")
        if loc:
            date = normalize_published(_child_text(el, "lastmod"))
            entries.append(Entry(urljoin(base_url, loc), date, "sitemap" if index else "article"))
    return entries


def parse_feed(data: bytes, base_url: str) -> list[Entry]:
    """The item links of an RSS 2.0, RSS 1.0 or Atom feed, with their dates."""
    root = _xml_root(data)
    entries = []
    for el in root.iter():
        name = _local(el.tag)
        if name == "item":
            link = _child_text(el, "link")
            date = _child_text(el, "pubdate") or _child_text(el, "date")
        elif name == "entry":
            links = [c for c in el if _local(c.tag) == "link"]
            alt = [c for c in links if c.get("rel", "alternate") == "alternate"] or links
            link = alt[0].get("href") if alt else None
            date = _child_text(el, "published") or _child_text(el, "updated")
        else:
            continue
        if link:
            entries.append(Entry(urljoin(base_url, link.strip()), _feed_date(date)))
    return entries


def _feed_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError):
        return normalize_published(value)


def page_links(html: str, base_url: str) -> list[str]:
    """Distinct http(s) links of a page on the page's own site, in page order (canonical form)."""
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    out: list[str] = []
    seen: set[str] = set()
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        url = urljoin(base_url, href)
        if urlsplit(url).scheme not in ("http", "https") or not same_site(url, base_url):
            continue
        url = canonical_url(url)
        if url not in seen:
            seen.add(url)
            out.append(url)
    return out


def declared_canonical(html: str, base_url: str) -> str | None:
    """The page's ``<link rel="canonical">`` (else ``og:url``) as an absolute canonical URL."""
    m = re.search(r"<link\b[^>]*\brel=[\"']?canonical[\"']?[^>]*>", html[:200_000], re.IGNORECASE)
    m = m or re.search(r"<meta\b[^>]*\bproperty=[\"']og:url[\"'][^>]*>", html[:200_000], re.IGNORECASE)
    if not m:
        return None
    href = re.search(r"\b(?:href|content)=[\"']([^\"']+)[\"']", m.group(0))
    if not href:
        return None
    url = urljoin(base_url, href.group(1).strip())
    return canonical_url(url) if urlsplit(url).scheme in ("http", "https") else None


_NOT_ARTICLE = re.compile(
    r"/(tag|tags|chu-de|tim-kiem|search|video|videos|photo|podcast|author|tac-gia|category|chuyen-muc|page|topic|"
    r"event|su-kien|du-lieu|trang-\d+|timeline|timelinelist|rss|lien-he|contact|gioi-thieu|about)(/|\.|$)"
    r"|[?&]page=",
    re.IGNORECASE,
)
_PAGE_SUFFIX = re.compile(r"\.(s?html?|chn|aspx?|php)$", re.IGNORECASE)
_LONG_ID = re.compile(r"(^|[-_])\d{6,}($|[-_.])")


def is_article_url(url: str) -> bool:
    """True when a URL looks like an article page rather than a section, tag or media page.

    A site adapter's ``article_url`` pattern decides for its site.  Otherwise the last path
    segment must be a slug of at least three words with a long numeric id (6+ digits, as the
    Vietnamese news sites use), or a slug of at least six words ending in a page suffix
    (.html, .htm, .chn...), and the path must not be a tag, topic, search or pagination path.
    """
    adapter = adapter_for(url)
    if adapter is not None and adapter.article_url:
        return re.search(adapter.article_url, url) is not None
    parts = urlsplit(url)
    path = parts.path
    if path in ("", "/") or _NOT_ARTICLE.search(path + ("?" + parts.query if parts.query else "")):
        return False
    last = path.rstrip("/").rsplit("/", 1)[-1]
    stem = _PAGE_SUFFIX.sub("", last)
    words = [w for w in re.split(r"[-_]", stem) if w and not w.isdigit()]
    if _LONG_ID.search(stem) and len(words) >= 3:
        return True
    return len(words) >= 6 and bool(_PAGE_SUFFIX.search(last))
