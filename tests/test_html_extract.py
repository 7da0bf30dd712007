"""Tests for corpus.html_extract (and HTML through corpus.clean).

The small pages are invented.  The real pages and their expected title, date
and body phrases are read from ../shared/html (skipped when it is absent);
only pages that the generic extractor handles are listed.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

import corpus.html_extract
from corpus.clean import clean_article
from corpus.dateline import normalize_published
from corpus.html_extract import HtmlDoc, extract_html
from corpus.normalize import normalize_line
from corpus.records import IngestError, RawArticle

SHARED_HTML = Path(__file__).resolve().parents[1] / ".." / "shared" / "html"

P1 = "Năm 2024, phường Đông Hưng đã xây dựng 42 mô hình dân vận khéo trên các lĩnh vực kinh tế và văn hóa."
P2 = "Ban Dân vận Đảng ủy phường sẽ tổ chức 6 hội nghị đối thoại với nhân dân trong những tháng cuối năm."
P3 = "Nhiều hộ kinh doanh trên các tuyến phố chính đã tự nguyện tham gia giữ gìn trật tự lòng đường, vỉa hè."
SAPO = "Phường Đông Hưng tiếp tục nhân rộng các cách làm hay trong công tác vận động nhân dân ở khu dân cư."
TITLE = "Phường Đông Hưng nhân rộng mô hình dân vận khéo"
FURNITURE = [
    "Trang chủ",
    "Thời sự",
    "Giá lúa tăng nhẹ trong tuần qua",
    "Chia sẻ bài viết",
    "Bản quyền thuộc về",
    "Ý kiến bạn đọc hay quá",
]

PAGE = f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>{TITLE} - Báo Bình Minh</title>
<meta property="og:title" content="{TITLE} | Báo Bình Minh">
<meta name="description" content="{SAPO}">
<meta property="article:published_time" content="2024-03-08T10:20:00+07:00">
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "{TITLE}", "datePublished": "2024-03-08T10:20:00+07:00",
 "author": {{"@type": "Person", "name": "Ngọc Mai"}}, "publisher": {{"@type": "Organization", "name": "Báo Bình Minh"}}}}
</script></head><body>
<header><nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/thoi-su">Thời sự</a></li>
<li><a href="/kinh-te">Kinh tế</a></li></ul></nav></header>
<div class="sidebar"><h3>Tin mới</h3><ul>
<li><a href="/a">Giá lúa tăng nhẹ trong tuần qua</a></li><li><a href="/b">Thời tiết miền Bắc chuyển lạnh</a></li>
<li><a href="/c">Khánh thành cầu mới ở xã An Lạc</a></li></ul></div>
<main><article>
<h1 class="detail-title">{TITLE}</h1>
<h2 class="sapo">{SAPO}</h2>
<div class="share-bar"><a href="#">Chia sẻ bài viết</a> <a href="#">Facebook</a></div>
<div class="detail-content"><p>{P1}</p><p>{P2}</p><p>{P3}</p></div>
<ul class="related-news"><li><a href="/d">Xã Yên Lạc ra quân làm đường giao thông</a></li>
<li><a href="/e">Tuổi trẻ huyện tình nguyện mùa hè xanh</a></li>
<li><a href="/f">Hội nghị tổng kết công tác dân vận năm</a></li></ul>
</article></main>
<div class="comments"><p>Ý kiến bạn đọc hay quá, cảm ơn tòa soạn đã đưa tin về phường chúng tôi.</p></div>
<footer><p>Bản quyền thuộc về Báo Bình Minh. Giấy phép số 12/GP-BTTTT.</p></footer>
</body></html>"""


def test_title_date_author_and_body() -> None:
    doc = extract_html(PAGE, url="https://binhminh.example.vn/dong-hung.html")
    assert isinstance(doc, HtmlDoc)
    assert doc.title == TITLE
    assert doc.published == "2024-03-08"
    assert doc.author == "Ngọc Mai"
    lines = doc.text.split("\n")
    for paragraph in (P1, P2, P3):
        assert paragraph in lines
    assert lines.index(SAPO) < lines.index(P1)  # the sapo is put back in front of the body
    for junk in FURNITURE:
        assert junk not in doc.text


def test_clean_article_puts_the_title_first() -> None:
    raw = RawArticle(doc="dong-hung.html", source="/in/dong-hung.html", html=PAGE)
    article = clean_article(raw)
    assert article.text.split("\n\n") == [TITLE, SAPO, P1, P2, P3]
    assert (article.title, article.published, article.author) == (TITLE, "2024-03-08", "Ngọc Mai")
    assert article.url is None and article.doc == "dong-hung.html"


def test_title_without_heading_loses_the_site_suffix() -> None:
    page = PAGE.replace(f'<h1 class="detail-title">{TITLE}</h1>', "")
    assert extract_html(page).title == TITLE


def test_publisher_names_are_not_authors() -> None:
    page = PAGE.replace('"name": "Ngọc Mai"', '"name": "Báo Bình Minh"')
    assert extract_html(page, url="https://binhminh.example.vn/x.html").author is None


def test_page_wrapped_in_a_form_keeps_its_body() -> None:
    """ASP.NET pages put everything in one <form>; boilerplate removal must not take the article with it."""
    page = (
        "<html><head><title>Tin phường</title></head><body><form id='form1'>"
        "<div class='menu'><a href='/'>Trang chủ</a> <a href='/a'>Giới thiệu</a></div>"
        f"<div class='content'><p>{P1}</p><p>{P2}</p><p>{P3}</p></div></form></body></html>"
    )
    assert extract_html(page).text.split("\n") == [P1, P2, P3]


def test_fallback_when_trafilatura_finds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpus.html_extract, "bare_extraction", lambda *a, **k: None)
    doc = extract_html(PAGE)
    assert doc.text.split("\n") == [P1, P2, P3]
    assert doc.title == TITLE


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("", "empty HTML"),
        ("   \n ", "empty HTML"),
        ("chỉ là văn bản thường, không có thẻ nào", "not HTML"),
        ("<html><body></body></html>", "no visible text"),
        (
            "<html><body><script>var a = 'rất nhiều chữ ở đây nhưng là mã';</script></body></html>",
            "no visible text",
        ),
    ],
)
def test_broken_pages_raise(html: str, reason: str) -> None:
    with pytest.raises(IngestError, match=reason):
        extract_html(html)


# --- the real pages in ../shared/html ---------------------------------------------------------------

# Article pages whose upstream assertions (title, date, body phrases) the generic extractor meets.
REAL_PAGES = [
    "baochinhphu/tracking_news_mcp_baochinhphu_article",
    "baodautu/tracking_news_mcp_baodautu_article",
    "cafef/tracking_news_mcp_cafef_article",
    "cafef/tracking_news_mcp_cafef_article_batdongsan",
    "dantri/tracking_news_mcp_dantri_article",
    "nld/tracking_news_mcp_nld_article",
    "tuoitre/tracking_news_mcp_tuoitre_article",
    "vietnamnet/tracking_news_mcp_vietnamnet_article",
    "vnexpress/tracking_news_mcp_vnexpress_article",
    "vnexpress/htmldate_VnExpress.net-Kinh-doanh",
]


def _shared(stem: str) -> tuple[str, dict]:
    html_path = SHARED_HTML / f"{stem}.html"
    json_path = SHARED_HTML / f"{stem}.json"
    if not html_path.exists() or not json_path.exists():
        pytest.skip(f"{stem} not found under {SHARED_HTML.resolve()}")
    return html_path.read_text(encoding="utf-8"), json.loads(json_path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("stem", REAL_PAGES)
def test_real_page(stem: str) -> None:
    html, expected = _shared(stem)
    article = clean_article(RawArticle(doc=stem, source=stem, html=html, url=expected.get("url")))
    title = expected.get("title") or expected.get("title_startswith")
    if title:
        assert (article.title or "").startswith(normalize_line(title))
    date = expected.get("published_at") or expected.get("date")
    assert article.published == normalize_published(date)
    text = article.text.lower()
    for phrase in expected.get("content_contains", []) + expected.get("content_contains_lowercase", []):
        assert normalize_line(phrase).lower() in text
    assert article.text.startswith(article.title or "")


def test_real_page_with_full_expected_body() -> None:
    """The fundus VnExpress page: every expected paragraph, the summary first, the author."""
    path = SHARED_HTML / "vnexpress" / "fundus_VnExpress_2025_10_22.html.gz"
    truth = SHARED_HTML / "vnexpress" / "fundus_VnExpress_2025_10_22.json"
    if not path.exists() or not truth.exists():
        pytest.skip(f"fundus VnExpress page not found under {SHARED_HTML.resolve()}")
    expected = json.loads(truth.read_text(encoding="utf-8"))["V1"]
    article = clean_article(
        RawArticle(doc=path.name, source=str(path), html=gzip.decompress(path.read_bytes()).decode())
    )
    assert article.title == normalize_line(expected["title"])
    assert article.published == normalize_published(expected["publishing_date"])
    assert article.author == expected["authors"][0]
    paragraphs = [normalize_line(p) for p in expected["body"]["summary"]]
    for section in expected["body"]["sections"]:
        paragraphs += [normalize_line(p) for p in section["paragraphs"]]
    lines = article.text.split("\n")
    assert all(p in lines for p in paragraphs)
    assert lines.index(paragraphs[0]) < lines.index(paragraphs[1])


def test_tuoitre_2015_pages_date_and_author() -> None:
    folder = SHARED_HTML / "tuoitre"
    desktop, mobile = (
        folder / "naustudio_2015_article_724115.html",
        folder / "naustudio_2015_article_724115_mobile.html",
    )
    if not desktop.exists() or not mobile.exists():
        pytest.skip(f"tuoitre 2015 pages not found under {folder.resolve()}")
    a = extract_html(desktop.read_text(encoding="utf-8"))
    b = extract_html(mobile.read_text(encoding="utf-8"))
    assert a.published == b.published == "2015-03-23"
    assert b.author == "XUÂN LONG"
    assert a.title == b.title  # the desktop metadata title carries a section and site suffix; the h1 does not
