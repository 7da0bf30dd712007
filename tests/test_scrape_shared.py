"""The site adapters and link discovery on the real saved pages of ../shared/html.

Skipped with a reason when ../shared is absent.  Expected phrases come from the JSON beside
each page; furniture to check is read from the page itself at test time (no article text is
copied here).
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from corpus.clean import clean_article
from corpus.dateline import normalize_published
from corpus.normalize import normalize_line
from corpus.records import RawArticle
from corpus.scrape.adapters import adapter_for, load_adapters
from corpus.scrape.discover import is_article_url, page_links

SHARED_HTML = Path(__file__).resolve().parents[1] / ".." / "shared" / "html"


def _page(stem: str) -> tuple[str, dict]:
    html_path, json_path = SHARED_HTML / f"{stem}.html", SHARED_HTML / f"{stem}.json"
    if not html_path.exists() or not json_path.exists():
        pytest.skip(f"{stem} not found under {SHARED_HTML.resolve()} (../shared is absent)")
    return html_path.read_text(encoding="utf-8"), json.loads(json_path.read_text(encoding="utf-8"))


def test_bundled_adapters_cover_baodautu_and_tuoitre() -> None:
    names = {a.name for a in load_adapters()}
    assert {"baodautu", "tuoitre"} <= names
    assert adapter_for("https://baodautu.vn/x-d1.html").name == "baodautu"
    assert adapter_for("https://tuoitre.vn/x.htm").name == "tuoitre"
    assert adapter_for("https://vnexpress.net/x.html") is None


@pytest.mark.parametrize(
    ("stem", "author", "furniture"),
    [
        (
            "baodautu/tracking_news_mcp_baodautu_article",
            "Nguyên Minh",
            [".list_news_relation_top a", ".tag_detail a"],
        ),
        ("tuoitre/tracking_news_mcp_tuoitre_article", "NHẬT XUÂN", ["[type=RelatedOneNews] a"]),
    ],
)
def test_adapter_pages(stem: str, author: str, furniture: list[str]) -> None:
    html, expected = _page(stem)
    article = clean_article(RawArticle(doc=stem, source=stem, html=html, url=expected["url"]))
    assert article.title == normalize_line(expected["title"])
    assert article.published == normalize_published(expected["published_at"])
    assert article.author == author
    for phrase in expected["content_contains"]:
        assert normalize_line(phrase) in article.text
    soup = BeautifulSoup(html, "lxml")
    lead = soup.select_one(adapter_for(expected["url"]).lead)
    lines = article.text.split("\n")
    assert lines[2] == normalize_line(lead.get_text(" "))  # title, blank line, then the lead paragraph
    junk = [normalize_line(a.get_text(" ")) for sel in furniture for a in soup.select(sel)]
    junk = [j for j in junk if len(j) > 15]
    assert junk, "the page should have furniture to check"
    for j in junk:
        assert j not in lines


LIST_PAGES = ["baochinhphu", "baodautu", "cafef", "dantri", "nld", "tuoitre", "vietnamnet", "vnexpress"]


@pytest.mark.parametrize("site", LIST_PAGES)
def test_section_pages_yield_article_links(site: str) -> None:
    html, expected = _page(f"{site}/tracking_news_mcp_{site}_list")
    links = [u for u in page_links(html, expected["url"]) if is_article_url(u)]
    assert len(links) >= 10
    host = urlsplit(expected["url"]).hostname
    assert all(urlsplit(u).hostname == host and "#" not in u for u in links)
    assert len(links) == len(set(links))
    assert expected["url"] not in links
    if "next_page_url" in expected:
        assert expected["next_page_url"] not in links
    article_json = SHARED_HTML / site / f"tracking_news_mcp_{site}_article.json"
    article_url = (
        json.loads(article_json.read_text(encoding="utf-8"))["url"] if article_json.exists() else None
    )
    if article_url and article_url in html:
        assert article_url in links
