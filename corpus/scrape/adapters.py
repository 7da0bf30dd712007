"""Site adapters: small CSS-selector recipes for sites whose layout the generic extractor gets wrong.

An adapter is configuration, not code: a TOML file in ``corpus/adapters/`` (or in a folder
named by the ``DVK_ADAPTERS`` environment variable, searched first) with the keys

``name``
    a short name; ``hosts`` the host names it applies to (``www.`` and sub-domains match too);
``title``, ``lead``, ``body``, ``date``, ``author``
    CSS selectors (soupsieve syntax) of the headline, the lead paragraph (sapo), the element
    holding the body paragraphs, the publication date and the author; each is optional;
``drop``
    selectors of furniture inside the body to remove first (related boxes, tags, share bars);
``article_url``
    an optional regular expression that article URLs of the site match (used by discovery).

:func:`adapter_for` finds the adapter of a URL; :func:`apply_adapter` returns the fields the
adapter's selectors found, which :func:`corpus.html_extract.extract_html` puts before the
generic extractor's.
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from corpus.dateline import normalize_published

__all__ = ["Adapter", "AdapterFields", "adapter_for", "apply_adapter", "load_adapters"]

ADAPTER_DIR = Path(__file__).resolve().parents[1] / "adapters"
_KEYS = {"name", "hosts", "title", "lead", "body", "date", "author", "drop", "article_url"}
_BLOCKS = ("p", "h2", "h3", "h4", "li", "blockquote", "figcaption")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Adapter:
    """One site's selectors (see the module docstring for the meaning of each field)."""

    name: str
    hosts: tuple[str, ...]
    title: str | None = None
    lead: str | None = None
    body: str | None = None
    date: str | None = None
    author: str | None = None
    drop: tuple[str, ...] = ()
    article_url: str | None = None

    def matches(self, url: str | None) -> bool:
        host = (urlsplit(url).hostname or "").lower() if url else ""
        return any(host == h or host.endswith("." + h) for h in self.hosts)


@dataclass(slots=True)
class AdapterFields:
    """What an adapter's selectors found on a page (None where a selector is absent or found nothing)."""

    adapter: str
    title: str | None = None
    published: str | None = None
    author: str | None = None
    paragraphs: list[str] = field(default_factory=list)


def _squash(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def parse_adapter(data: dict, source: str = "<config>") -> Adapter:
    """An Adapter from a config dict; raises ValueError naming ``source`` for a bad config."""
    unknown = set(data) - _KEYS
    if unknown:
        raise ValueError(f"{source}: unknown adapter keys {sorted(unknown)}")
    if not isinstance(data.get("name"), str) or not data.get("hosts"):
        raise ValueError(f"{source}: an adapter needs a name and a list of hosts")
    if data.get("article_url"):
        re.compile(data["article_url"])
    return Adapter(
        name=data["name"],
        hosts=tuple(h.lower().removeprefix("www.") for h in data["hosts"]),
        title=data.get("title"),
        lead=data.get("lead"),
        body=data.get("body"),
        date=data.get("date"),
        author=data.get("author"),
        drop=tuple(data.get("drop", ())),
        article_url=data.get("article_url"),
    )


def _folders() -> list[Path]:
    extra = os.environ.get("DVK_ADAPTERS")
    return [Path(extra), ADAPTER_DIR] if extra else [ADAPTER_DIR]


@functools.cache
def _load(folders: tuple[Path, ...]) -> tuple[Adapter, ...]:
    found: list[Adapter] = []
    for folder in folders:
        for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
            with path.open("rb") as f:
                found.append(parse_adapter(tomllib.load(f), str(path)))
    return tuple(found)


def load_adapters() -> tuple[Adapter, ...]:
    """Every adapter config (``DVK_ADAPTERS`` folder first, then the bundled ones)."""
    return _load(tuple(_folders()))


def adapter_for(url: str | None) -> Adapter | None:
    """The first adapter whose hosts include the URL's host, or None."""
    if not url:
        return None
    return next((a for a in load_adapters() if a.matches(url)), None)


def _select_text(soup: BeautifulSoup, selector: str | None) -> str | None:
    if not selector:
        return None
    el = soup.select_one(selector)
    text = _squash(el.get_text(" ")) if el is not None else ""
    return text or None


def _paragraphs(el: Tag) -> list[str]:
    blocks = [b for b in el.find_all(_BLOCKS) if not b.find_parent(_BLOCKS)]
    lines = [t for b in blocks if (t := _squash(b.get_text(" ")))]
    return lines or [t for line in el.get_text("\n").split("\n") if (t := _squash(line))]


def apply_adapter(html: str, adapter: Adapter) -> AdapterFields:
    """Run an adapter's selectors over a page: furniture dropped, then title, date, author, body."""
    soup = BeautifulSoup(html, "lxml")
    for selector in adapter.drop:
        for el in soup.select(selector):
            el.decompose()
    fields = AdapterFields(adapter=adapter.name)
    fields.title = _select_text(soup, adapter.title)
    fields.author = _select_text(soup, adapter.author)
    date = _select_text(soup, adapter.date)
    fields.published = normalize_published(date) if date else None
    lead = _select_text(soup, adapter.lead)
    body = soup.select_one(adapter.body) if adapter.body else None
    if body is not None:
        fields.paragraphs = _paragraphs(body)
        if lead and (not fields.paragraphs or fields.paragraphs[0] != lead):
            fields.paragraphs.insert(0, lead)
    return fields
