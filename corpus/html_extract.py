"""HTML news pages to title, date, author and body text.

:func:`extract_html` runs trafilatura (``bare_extraction`` with metadata,
without comments, with tables and images (for their captions; the image
markup itself is dropped), ``favor_recall=False``: on the shared pages
recall mode pulled a province menu into the body and found no extra body
text) over a copy of the page from which obvious boilerplate was removed
first (scripts, navigation, footers, share/related/ad boxes by class or id,
and lists made only of links).  When trafilatura finds too little text a
BeautifulSoup fallback takes the paragraphs of the element holding most
paragraph text.

Vietnamese sites print the lead paragraph (sapo) apart from the body, and
trafilatura often drops it; when the page's meta description is not in the
text, the page element that shows that description is put back in front.
The title prefers the page's own ``<h1>`` when it agrees with the metadata
title (the metadata often carries a site suffix or an edited variant), and
publisher names are removed from the author list.

A site with its own adapter (:mod:`corpus.scrape.adapters`, CSS selectors in
``corpus/adapters/*.toml``) gets the adapter's title, date, author and body
first; the generic extractor fills what the adapter's selectors did not find.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

import lxml.html
from bs4 import BeautifulSoup, Tag
from lxml import etree
from lxml.html import HtmlElement
from trafilatura import bare_extraction

from corpus.dateline import normalize_published
from corpus.records import IngestError

__all__ = ["HtmlDoc", "extract_html"]

log = logging.getLogger(__name__)

MIN_TEXT = 250  # fewer characters than this from trafilatura: try the fallback too
MIN_PAGE_TEXT = 20  # a page with less visible text than this is broken

_DROP_TAGS = tuple(
    re.split(r"\s+", "script style noscript template svg iframe form button select textarea nav aside footer")
)
# class/id words of boxes that are never the article (whole words of "box-related", "comment_list"…)
_BOILERPLATE_TOKENS = frozenset(
    re.split(
        r"\s+",
        "footer comment comments binhluan related relate relates lienquan tinlienquan share sharing social "
        "banner ads adv advert advertisement quangcao breadcrumb breadcrumbs menu navbar sidebar popup modal "
        "newsletter subscribe docnhieu xemnhieu mostread",
    )
)
_TOKEN_SPLIT = re.compile(r"[\s_-]+")
_SPACES = re.compile(r"\s+")


@dataclass(slots=True)
class HtmlDoc:
    """What a news page says about itself; ``text`` has one paragraph per line."""

    title: str | None
    published: str | None
    author: str | None
    text: str
    url: str | None = None  # the page's canonical URL, when it declares one


def _squash(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _ascii_key(text: str) -> str:
    """Lower case, no diacritics, letters and digits only: "Dân Trí" → "dantri"."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if ch.isalnum() and ch.isascii())


# --- boilerplate removal --------------------------------------------------------------------------


def _elements(root: HtmlElement, *tags: str) -> list[HtmlElement]:
    """Element descendants (no comments or processing instructions), optionally of the given tags."""
    return [el for el in root.iter(*tags) if isinstance(el.tag, str)]


def _text(el: HtmlElement) -> str:
    return _squash(el.text_content())


def _is_boilerplate_box(el: HtmlElement) -> bool:
    names = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    return any(tok in _BOILERPLATE_TOKENS for tok in _TOKEN_SPLIT.split(names))


def _paragraph_chars(el: HtmlElement) -> int:
    return sum(len(p.text_content().strip()) for p in el.iter("p"))


def _link_share(el: HtmlElement) -> float:
    total = len(_text(el))
    links = sum(len(_text(a)) for a in el.iter("a"))
    return links / total if total else 1.0


def _has_heading(el: HtmlElement) -> bool:
    return next(el.iter("h1"), None) is not None


def _strip_boilerplate(root: HtmlElement) -> None:
    """Remove page furniture in place, never an element holding the headline or most of the paragraphs.

    The guard matters for pages whose whole content sits in one <form> (ASP.NET sites) or in a
    container whose class happens to contain a furniture word.
    """
    body_p = _paragraph_chars(root) or 1

    def holds_article(el: HtmlElement) -> bool:
        return _has_heading(el) or _paragraph_chars(el) > body_p / 2

    for el in _elements(root, *_DROP_TAGS):
        if el.getparent() is None or (el.tag == "script" and "ld+json" in (el.get("type") or "")):
            continue  # JSON-LD carries the author and dates
        if not holds_article(el):
            el.drop_tree()
    for el in [e for e in _elements(root) if _is_boilerplate_box(e)]:
        if el.tag not in ("html", "body") and el.getparent() is not None and not holds_article(el):
            el.drop_tree()
    for el in _elements(root, "ul", "ol"):
        if len(list(el.iter("li"))) >= 3 and _link_share(el) >= 0.7:
            el.drop_tree()


# --- text -----------------------------------------------------------------------------------------


def _fallback_text(root: HtmlElement) -> str:
    """BeautifulSoup fallback: paragraphs of the element whose own <p> children hold the most text."""
    soup = BeautifulSoup(lxml.html.tostring(root, encoding="unicode"), "lxml")
    scores: dict[int, tuple[int, Tag]] = {}
    for p in soup.find_all("p"):
        n = len(p.get_text(strip=True))
        if n >= 30 and isinstance(p.parent, Tag):
            key = id(p.parent)
            scores[key] = (scores.get(key, (0, p.parent))[0] + n, p.parent)
    if not scores:
        return ""
    _, best = max(scores.values(), key=lambda s: s[0])
    blocks = best.find_all(["p", "h2", "h3", "h4", "li", "blockquote"])
    return "\n".join(t for b in blocks if (t := _squash(b.get_text(" "))))


_LEAD_TAGS = ("p", "h2", "h3", "div", "span", "strong", "em", "section")
_NOT_LEAD_PARENTS = frozenset({"a", "nav", "footer", "header", "aside", "head"})


def _lead_paragraph(page: HtmlElement, description: str | None, text: str) -> str | None:
    """The page element showing the meta description (the sapo), when the text lacks it."""
    if not description:
        return None
    desc = _squash(description)
    key = desc[:40].rstrip(" .…")
    body = page.find("body")
    if len(desc) < 40 or key in _squash(text) or body is None or key not in _text(body):
        return None
    best: str | None = None
    for el in _elements(body, *_LEAD_TAGS):
        shown = _text(el)
        if (
            key not in shown
            or len(shown) > len(desc) * 1.5 + 200
            or (best is not None and len(shown) >= len(best))
        ):
            continue
        if any(anc.tag in _NOT_LEAD_PARENTS for anc in el.iterancestors()):
            continue
        best = shown
    return best


_IMAGE_MD = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_ONE_CELL_ROW = re.compile(r"^\|\s*([^|]*?)\s*\|$")


def _tidy(line: str) -> str:
    """A text line without image markup; a one-cell table row (a caption box) becomes plain text."""
    line = _squash(_IMAGE_MD.sub(" ", line))
    if m := _ONE_CELL_ROW.match(line):
        line = m.group(1)
    return "" if set(line) <= {"|", " "} else line


# --- metadata -------------------------------------------------------------------------------------


def _page_heading(page: HtmlElement) -> str | None:
    for h1 in _elements(page, "h1"):
        text = _text(h1)
        if 3 <= len(text.split()) <= 40:
            return text
    return None


def _strip_site_suffix(title: str, site_keys: set[str]) -> str:
    parts = re.split(r"\s+[|–-]\s+", title)
    while len(parts) > 1:
        last = parts[-1]
        key = _ascii_key(last)
        if len(last.split()) <= 6 and (any(k and (k in key or key in k) for k in site_keys) or "." in last):
            parts.pop()
        else:
            break
    return " - ".join(parts) if len(parts) > 1 else parts[0]


def _choose_title(meta_title: str | None, heading: str | None, site_keys: set[str]) -> str | None:
    meta = _strip_site_suffix(_squash(meta_title), site_keys) if meta_title else None
    if heading and meta:
        words = set(heading.lower().split())
        overlap = len(words & set(meta.lower().split())) / len(words)
        return heading if overlap >= 0.5 else meta
    return heading or meta


def _clean_author(author: str | None, site_keys: set[str]) -> str | None:
    if not author:
        return None
    names = []
    for part in re.split(r"[;|]", author):
        name = re.sub(r"^(?:theo|tác giả|by)\s+", "", _squash(part), flags=re.IGNORECASE)
        key = _ascii_key(name)
        lowered = {t.lower() for t in name.split()}
        if not key or lowered & {"vn", "com", "news", "online", "net", "corp", "vccorp", "báo"}:
            continue
        if any(k and (k in key or key in k) for k in site_keys):
            continue
        names.append(name)
    return "; ".join(names) or None


def _site_keys(sitename: str | None, hostname: str | None) -> set[str]:
    keys = set()
    if sitename:
        keys.add(_ascii_key(sitename))
    if hostname:
        label = hostname.lower().removeprefix("www.").split(".")[0]
        keys.add(_ascii_key(label))
    return {k for k in keys if len(k) >= 3}


# --- entry point ----------------------------------------------------------------------------------


def _parse(html: str) -> HtmlElement:
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise IngestError(f"broken HTML: {exc}") from exc


def _visible_text(page: HtmlElement) -> str:
    body = page.find("body")
    if body is None:
        return ""
    hidden = ("script", "style", "noscript", "template")
    return _squash(
        " ".join(t for el in _elements(body) if el.tag not in hidden for t in (el.text, el.tail) if t)
    )


def extract_html(html: str, url: str | None = None) -> HtmlDoc:
    """Title, date (ISO), author and body text of a news page; raises IngestError for broken pages.

    When a site adapter matches ``url`` its fields come first (see the module docstring).
    """
    from corpus.scrape.adapters import adapter_for, apply_adapter  # late: the scrape package imports this

    adapter = adapter_for(url)
    if adapter is None:
        return _extract_generic(html, url)
    fields = apply_adapter(html, adapter)
    try:
        generic = _extract_generic(html, url)
    except IngestError:
        if not fields.paragraphs:
            raise
        generic = HtmlDoc(title=None, published=None, author=None, text="", url=url)
    return HtmlDoc(
        title=fields.title or generic.title,
        published=fields.published or generic.published,
        author=fields.author or generic.author,
        text="\n".join(fields.paragraphs) if fields.paragraphs else generic.text,
        url=generic.url or url,
    )


def _extract_generic(html: str, url: str | None) -> HtmlDoc:
    """The generic extractor: trafilatura, a BeautifulSoup fallback, the lead put back."""
    if not html or not html.strip():
        raise IngestError("empty HTML page")
    if not re.search(r"<\s*[a-zA-Z!/]", html):
        raise IngestError("not HTML: no tags found")
    page = _parse(html)
    if len(_visible_text(page)) < MIN_PAGE_TEXT:
        raise IngestError("HTML page has no visible text")
    work = _parse(html)
    _strip_boilerplate(work)
    doc = bare_extraction(
        work,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=True,  # keeps image captions, which the text articles have too
        favor_recall=False,
    )
    text = (doc.text or "") if doc is not None else ""
    if len(text) < MIN_TEXT:
        stripped = _parse(html)
        _strip_boilerplate(stripped)
        fallback = _fallback_text(stripped)
        if len(fallback) > len(text):
            log.debug("trafilatura found %d characters, fallback %d", len(text), len(fallback))
            text = fallback
    paragraphs = [p for line in text.split("\n") if (p := _tidy(line))]
    if not paragraphs:
        raise IngestError("no article text found in the HTML page")
    site_keys = _site_keys(doc.sitename, doc.hostname) if doc is not None else set()
    title = _choose_title(doc.title if doc is not None else None, _page_heading(page), site_keys)
    lead = _lead_paragraph(page, doc.description if doc is not None else None, "\n".join(paragraphs))
    if lead:
        at = 1 if title and paragraphs[0] == title else 0
        paragraphs.insert(at, lead)
    return HtmlDoc(
        title=title,
        published=normalize_published(doc.date) if doc is not None else None,
        author=_clean_author(doc.author, site_keys) if doc is not None else None,
        text="\n".join(paragraphs),
        url=(doc.url if doc is not None else None) or url,
    )
