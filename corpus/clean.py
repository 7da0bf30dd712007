"""Cleaning: a RawArticle becomes an Article whose ``text`` every offset points into.

Steps, in order:

1. HTML is reduced to title, date, author and body text
   (:func:`corpus.html_extract.extract_html`); plain text is taken as it is.
2. Characters are normalised (:func:`corpus.normalize.normalize_text`: NFC,
   one quote and one dash convention, modern tone placement, no zero-width
   characters or NBSP, spaces collapsed, lines stripped).
3. Page furniture is dropped line by line (:mod:`corpus.furniture`), pass after
   pass until nothing changes, so cleaning is idempotent.  Dropped lines are
   kept in ``Article.dropped``.
4. A news-agency tag opening the lead ("TPO - ", "(NLĐO)- ") is removed.
5. At most one blank line is left between paragraphs.

The title is kept as the first line of the text (headlines are body text for
the gold): for plain text it is the first line left, for HTML and for JSONL
records with a ``title`` the given title is put first when the body does not
already start with it.  The date comes from the record or the HTML metadata,
else from a dateline in the text (:func:`corpus.dateline.find_published`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from corpus.dateline import find_published, normalize_published
from corpus.furniture import BODY_MIN_WORDS, find_furniture
from corpus.html_extract import extract_html
from corpus.normalize import normalize_line, normalize_text
from corpus.records import Article, IngestError, RawArticle

__all__ = ["CleanText", "article_id_for", "clean_article", "clean_text", "sha1_hex"]


@dataclass(slots=True)
class CleanText:
    """Cleaned text with what cleaning learnt on the way."""

    text: str
    title: str | None = None
    author: str | None = None
    dropped: list[str] = field(default_factory=list)
    published: str | None = None  # from a dateline in the text, before furniture removal


def sha1_hex(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def article_id_for(url: str | None, text: str) -> str:
    """Stable article id: sha1 of the URL when there is one, else of the cleaned text (16 hex)."""
    return sha1_hex(url if url else text)[:16]


def _canonical(lines: list[str]) -> list[str]:
    """No blank lines at either end and never two blank lines in a row."""
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


# A news-agency or site tag opening the lead: "TPO - ", "(NLĐO)- ", "(Cadn.com.vn) - ĐÀ NẴNG - ".
_LEAD_TAG = re.compile(r"^(\([^()]{2,30}\)|[^\W\d_][\w.]{1,20}|[^\W\d_]+(?: [^\W\d_]+){1,2})\s*-\s+(?=\S)")


def _lead_tag_end(line: str) -> int | None:
    """Where a leading source tag ends: a (parenthesised) tag, one capitalised word or an ALL-CAPS place."""
    m = _LEAD_TAG.match(line)
    if not m or len(line) <= m.end() or not (line[m.end()].isupper() or line[m.end()] in "“("):
        return None
    tag = m.group(1)
    if tag.startswith("(") or (tag.isupper() if " " in tag else tag[0].isupper()):
        return m.end()
    return None


def _strip_lead_tag(lines: list[str], dropped: list[str]) -> list[str]:
    """Remove source tags from the start of the first body line (not from the title)."""
    content = [i for i, ln in enumerate(lines) if ln]
    body = next((i for i in content[1:] if len(lines[i].split()) >= BODY_MIN_WORDS), None)
    if body is None:
        return lines
    line = lines[body]
    while (end := _lead_tag_end(line)) is not None:
        dropped.append(line[:end].strip())
        line = line[end:]
    return [*lines[:body], line, *lines[body + 1 :]]


def clean_text(text: str, title: str | None = None) -> CleanText:
    """Normalise ``text`` and drop its page furniture (idempotent).

    With ``title`` the cleaned text starts with that title line (added when the
    text does not already start with it) and the title is never dropped.
    """
    lines = normalize_text(text).split("\n")
    published = find_published(lines)
    keep_first = False
    if title and (title_line := normalize_line(title)):
        first = next((ln for ln in lines if ln), None)
        if first != title_line:
            lines = [title_line, "", *lines]
        keep_first = True
    lines = _canonical(lines)
    dropped: list[str] = []
    author: str | None = None
    while True:
        furniture = find_furniture(lines, keep_first=keep_first)
        author = author or furniture.author
        gone = {d.index for d in furniture.drops}
        dropped.extend(d.line for d in furniture.drops)
        stripped = _strip_lead_tag([ln for i, ln in enumerate(lines) if i not in gone], dropped)
        stripped = _canonical(stripped)
        if stripped == lines:
            break
        lines = stripped
    cleaned = "\n".join(lines)
    return CleanText(cleaned, lines[0] if lines else None, author, dropped, published)


def clean_article(raw: RawArticle) -> Article:
    """Clean one article; raises :class:`corpus.records.IngestError` when nothing usable is left."""
    url = raw.url or None
    if raw.html is not None and raw.html.strip():
        page = extract_html(raw.html, url)
        body = "\n\n".join(page.text.split("\n"))  # one paragraph per block, like the text files
        result = clean_text(body, title=raw.title or page.title)
        published = normalize_published(raw.published) or page.published or result.published
        author = page.author or result.author
    elif raw.text is not None:
        result = clean_text(raw.text, title=raw.title)
        published = normalize_published(raw.published) or result.published
        author = result.author
    else:
        raise IngestError("no text or html to clean")
    if not result.text.strip():
        raise IngestError("no article text left after cleaning")
    return Article(
        article_id=article_id_for(url, result.text),
        doc=raw.doc,
        source=raw.source,
        text=result.text,
        url=url,
        title=result.title,
        published=published,
        author=author,
        content_hash=sha1_hex(result.text),
        dropped=result.dropped,
        province=raw.province,
    )
