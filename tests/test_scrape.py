"""Tests of the crawler (corpus/scrape) against an invented news site served on 127.0.0.1.

One crawl of the whole fixture site (module fixture) is checked from many sides: what is stored,
what is skipped and why, what failed and why, which requests were made and when.  Other tests
crawl again for revisits, --since, kill -9 and resume, the CLI and `dvk run` over the store.
"""

from __future__ import annotations

import gzip
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scrape_site import PLACES, FixtureSite, article_text, serve
from typer.testing import CliRunner

from corpus.ingest import discover_inputs, read_inputs
from corpus.normalize import normalize_line
from corpus.records import IngestError, RawArticle
from corpus.scrape import discover
from corpus.scrape.crawl import crawl, decode_page
from corpus.scrape.fetch import USER_AGENT, FetchPolicy, retry_after_seconds
from corpus.scrape.store import CATALOGUE, MARKER, read_warc

ROOT = Path(__file__).resolve().parents[1]
RATE = 5.0  # requests per second: slow enough that server-side jitter stays far below the gap
POLICY = FetchPolicy(
    rate=RATE, connect_timeout=2, read_timeout=0.8, max_retries=2, backoff=0.05, max_bytes=200_000
)


@pytest.fixture(scope="module")
def site_crawl(tmp_path_factory: pytest.TempPathFactory):
    site = FixtureSite(slow_seconds=2.0)
    server, _ = serve(site)
    out = tmp_path_factory.mktemp("scrape") / "store"
    summary = crawl([site.base + "/", site.base + "/rss.xml"], out, policy=POLICY)
    yield site, out, summary
    server.shutdown()


def _rows(out: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(out / CATALOGUE)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _path(url: str) -> str:
    """The path (and query) of a URL: what the fixture server records."""
    return "/" + url.split("/", 3)[3]


# --- one crawl of the fixture site -----------------------------------------------------------------


def test_every_good_article_is_stored_once(site_crawl) -> None:
    site, out, summary = site_crawl
    stored = {_path(u) for (u,) in _rows(out, "SELECT url FROM articles")}
    expected = {_path(site.article_url(i)) for i in range(8)} | {
        "/tin/bai-bao-cu-kieu-ma-windows-1258.html",
        "/tin/bai-viet-tra-ve-429-roi-thanh-cong.html",
        "/tin/bai-viet-loi-500-roi-thanh-cong.html",
    }
    assert stored == expected
    assert summary.n_stored == len(expected) == summary.n_articles
    hashes = [h for (h,) in _rows(out, "SELECT content_hash FROM articles")]
    assert len(hashes) == len(set(hashes))


def test_title_date_body_and_no_furniture(site_crawl) -> None:
    site, out, _ = site_crawl
    rows = _rows(out, "SELECT url, title, published, text FROM articles")
    by_path = {_path(u): (t, p, x) for u, t, p, x in rows}
    title, paragraphs = article_text(0)
    got_title, published, text = by_path[_path(site.article_url(0))]
    assert got_title == normalize_line(title)
    assert published == "2024-01-10"
    for p in paragraphs:
        assert normalize_line(p) in text
    for junk in ("Trang chủ", "Pháp luật", "Tin liên quan", "Tỉnh đoàn phát động", "Bản quyền"):
        assert junk not in text


def test_legacy_encoded_page_decodes_to_unicode(site_crawl) -> None:
    _, out, _ = site_crawl
    ((text, note),) = _rows(out, "SELECT text, note FROM articles WHERE url LIKE '%windows-1258%'")
    place, province, n, model = PLACES[2]
    assert f"Năm 2023, {place.lower()}, tỉnh {province}" in text
    assert f"“{model}”" in text
    assert "windows-1258" in note


def test_skips_with_reasons_and_no_disallowed_request(site_crawl) -> None:
    site, out, summary = site_crawl
    assert not [h for h in site.hits if h.path.startswith("/private/")]
    skipped = dict(_rows(out, "SELECT url, reason FROM frontier WHERE state = 'skipped'"))
    reasons = {_path(u): r for u, r in skipped.items()}
    assert reasons["/private/bai-viet-noi-bo-khong-duoc-thu-thap.html"] == "disallowed by robots.txt"
    dup = reasons["/tin/bai-viet-ban-sao-cung-noi-dung.html"]
    assert dup.startswith("duplicate") and site.article_url(1) in dup
    # the same article under a tracking-parameter URL was never a second frontier entry
    assert (
        site.counts.get(_path(site.article_url(0)), 0)
        + site.counts.get(_path(site.article_url(0)) + "?utm_source=rss", 0)
        == 1
    )
    assert summary.skipped_reasons == {"disallowed by robots.txt": 1, "duplicate": 1}


def test_failures_have_reasons(site_crawl) -> None:
    _, out, summary = site_crawl
    reasons = {_path(u): r for u, r in _rows(out, "SELECT url, reason FROM failures")}
    assert reasons["/tin/bai-viet-phan-hoi-rat-cham-qua-han.html"].startswith("timeout")
    assert reasons["/tin/chuyen-huong-vong-lap-mai-mai.html"].startswith("redirect loop")
    assert reasons["/tin/bai-viet-bi-cat-cut-giua-chung.html"].startswith("truncated")
    assert reasons["/tin/bai-viet-qua-lon-vuot-gioi-han.html"].startswith("response larger than")
    assert "mojibake" in reasons["/tin/bai-bao-bi-loi-ma-hoa-hai-lan.html"]
    assert summary.n_failed == len(reasons) and not summary.ok


def test_retries_are_bounded_and_retry_after_is_honoured(site_crawl) -> None:
    site, _, _ = site_crawl
    assert site.counts["/tin/bai-viet-tra-ve-429-roi-thanh-cong.html"] == 2
    assert site.counts["/tin/bai-viet-loi-500-roi-thanh-cong.html"] == 2
    assert site.counts["/tin/bai-viet-phan-hoi-rat-cham-qua-han.html"] == POLICY.max_retries + 1
    assert site.counts["/tin/bai-viet-bi-cat-cut-giua-chung.html"] == POLICY.max_retries + 1
    times = [h.at for h in site.hits if h.path == "/tin/bai-viet-tra-ve-429-roi-thanh-cong.html"]
    assert times[1] - times[0] >= 0.9  # Retry-After: 1


def test_requests_respect_the_rate_limit_and_name_dvk(site_crawl) -> None:
    site, _, _ = site_crawl
    times = sorted(h.at for h in site.hits)
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(times) > 15
    # the server records arrival times, which jitter by a few ms on a loaded machine: 30% margin
    assert min(gaps) >= 0.7 / RATE
    assert all(h.headers.get("User-Agent") == USER_AGENT for h in site.hits)
    assert "dvk" in USER_AGENT
    assert site.counts["/robots.txt"] == 1


def test_warc_keeps_the_raw_response(site_crawl) -> None:
    site, out, _ = site_crawl
    ((warc,),) = _rows(out, f"SELECT warc FROM articles WHERE url = '{site.article_url(3)}'")
    url, status, headers, body = read_warc(out / warc)
    assert url == site.article_url(3) and status == 200
    assert {k.lower(): v for k, v in headers}["content-type"].startswith("text/html")
    assert article_text(3)[0].encode("utf-8") in body
    assert (out / MARKER).is_file()


# --- revisits, --since, resume ---------------------------------------------------------------------


def test_revisit_sends_conditional_requests_and_refetches_no_article(tmp_path: Path) -> None:
    site = FixtureSite(slow_seconds=0.0)
    server, _ = serve(site)
    try:
        seeds = [site.base + "/sitemap_index.xml"]
        first = crawl(seeds, tmp_path / "s", policy=POLICY)
        assert first.n_stored == 5  # articles 0-3 and the legacy page; not the duplicate or the mojibake
        n_hits = len(site.hits)
        second = crawl(seeds, tmp_path / "s", policy=POLICY)
        again = site.hits[n_hits:]
        index = [h for h in again if h.path == "/sitemap_index.xml"]
        assert index and index[0].headers.get("If-None-Match") == '"idx-1"'
        assert second.n_not_modified >= 1 and second.n_stored == 0
        assert not [h for h in again if h.path.startswith("/tin/xa-phuong")]
    finally:
        server.shutdown()


def test_since_skips_old_sitemap_entries_without_a_request(tmp_path: Path) -> None:
    site = FixtureSite()
    server, _ = serve(site)
    try:
        summary = crawl([site.base + "/sitemap-old.xml"], tmp_path / "s", policy=POLICY, since="2020-01-01")
    finally:
        server.shutdown()
    assert summary.n_skipped == 1 and summary.n_stored == 0
    assert "/tin/bai-viet-nam-2019-da-cu-lam-roi.html" not in site.counts
    assert list(summary.skipped_reasons) == ["older than --since"]


def _scrape_cmd(*args: str) -> list[str]:
    return [sys.executable, "-c", "from pipeline.cli import main; main()", "scrape", *args]


def test_kill_9_and_resume_store_every_article_exactly_once(tmp_path: Path) -> None:
    site = FixtureSite(article_delay=0.3)
    server, _ = serve(site)
    out = tmp_path / "s"
    urls = tmp_path / "urls.txt"
    urls.write_text("\n".join(site.article_url(i) for i in range(8)) + "\n", encoding="utf-8")
    cmd = _scrape_cmd(str(urls), "--out", str(out), "--rate", "10")
    try:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 40
        stored = 0
        while time.monotonic() < deadline and proc.poll() is None:
            if (out / CATALOGUE).exists():
                try:
                    stored = _rows(out, "SELECT count(*) FROM articles")[0][0]
                except sqlite3.Error:
                    stored = 0
                if stored >= 1:
                    break
            time.sleep(0.05)
        assert proc.poll() is None, "the crawl ended before it could be killed"
        assert stored >= 1
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        before = _rows(out, "SELECT count(*) FROM articles")[0][0]
        assert before < 8
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
    finally:
        server.shutdown()
    assert done.returncode == 0, done.stderr
    rows = _rows(out, "SELECT url, content_hash FROM articles")
    assert sorted(u for u, _ in rows) == sorted(site.article_url(i) for i in range(8))
    assert len({h for _, h in rows}) == 8
    # resumed, not restarted: articles stored before the kill were not requested again
    assert sum(site.counts[_path(site.article_url(i))] for i in range(8)) <= 8 + 1


# --- the CLI and `dvk run` over the store ----------------------------------------------------------


def test_cli_usage_errors_and_exit_code_1_on_failures(tmp_path: Path) -> None:
    from pipeline.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["scrape", "not-a-url", "--out", str(tmp_path / "s")]).exit_code == 2
    assert (
        runner.invoke(
            app, ["scrape", "http://127.0.0.1/", "--out", str(tmp_path / "s"), "--since", "x"]
        ).exit_code
        == 2
    )
    assert (
        runner.invoke(
            app, ["scrape", "http://127.0.0.1/", "--out", str(tmp_path / "s"), "--rate", "0"]
        ).exit_code
        == 2
    )
    site = FixtureSite()
    server, _ = serve(site)
    try:
        urls = tmp_path / "urls.txt"
        urls.write_text(
            f"{site.article_url(0)}\n{site.base}/tin/chuyen-huong-vong-lap-mai-mai.html\n", encoding="utf-8"
        )
        result = runner.invoke(app, ["scrape", str(urls), "--out", str(tmp_path / "s"), "--rate", "20"])
    finally:
        server.shutdown()
    assert result.exit_code == 1, result.output
    assert "articles stored: 1" in result.output and "failed: 1" in result.output


def test_scraped_articles_flow_through_dvk_run(site_crawl, tmp_path: Path, fake_extraction) -> None:
    import duckdb

    from pipeline.orchestrate import run_pipeline

    site, out, _ = site_crawl
    plan = discover_inputs([str(out)])
    assert plan.files == [out / CATALOGUE] and not plan.skipped
    raws = list(read_inputs(out / CATALOGUE))
    assert all(isinstance(r, RawArticle) and r.doc == r.url and r.html for r in raws)
    summary = run_pipeline([str(out)], tmp_path / "run", "underthesea")
    assert summary.ok and summary.n_new == len(raws) == 11
    con = duckdb.connect(str(tmp_path / "run" / "dvk.duckdb"), read_only=True)
    docs = {d for (d,) in con.execute("SELECT doc FROM articles").fetchall()}
    con.close()
    assert site.article_url(0) in docs and all(d.startswith("http://127.0.0.1") for d in docs)


# --- discovery, decoding, fetch helpers --------------------------------------------------------------


def test_sitemap_index_gzip_and_feeds() -> None:
    index = b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>/a.xml.gz</loc></sitemap></sitemapindex>'
    assert discover.parse_sitemap(index, "https://x.vn/") == [
        discover.Entry("https://x.vn/a.xml.gz", None, "sitemap")
    ]
    urlset = b"<urlset><url><loc>https://x.vn/tin-a.html</loc><lastmod>2024-02-03T10:00:00+07:00</lastmod></url></urlset>"
    assert discover.parse_sitemap(gzip.compress(urlset), "https://x.vn/") == [
        discover.Entry("https://x.vn/tin-a.html", "2024-02-03")
    ]
    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="alternate" href="https://x.vn/b.html"/>'
        b"<published>2024-03-04T00:00:00Z</published></entry></feed>"
    )
    assert discover.parse_feed(atom, "https://x.vn/") == [discover.Entry("https://x.vn/b.html", "2024-03-04")]
    assert discover.sniff("application/xml", gzip.compress(urlset)) == "sitemap"
    assert discover.sniff(None, atom) == "feed"


def test_xml_entity_expansion_and_gzip_bombs_are_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b"<urlset><url><loc>&lol2;</loc></url></urlset>"
    )
    with pytest.raises(discover.DiscoveryError, match="unsafe XML"):
        discover.parse_sitemap(bomb, "https://x.vn/")
    with pytest.raises(discover.DiscoveryError, match="expands past"):
        discover.gunzip_capped(gzip.compress(b"\0" * 100_000), limit=10_000)


def test_canonical_urls_and_article_filter() -> None:
    assert (
        discover.canonical_url("HTTPS://Tin.Example.VN:443/a/../tin/bai.html?utm_source=fb&b=2&a=1#top")
        == "https://tin.example.vn/tin/bai.html?a=1&b=2"
    )
    assert discover.is_article_url("https://x.vn/kinh-te/xa-phuong-nhan-rong-mo-hinh-dan-van-123456.htm")
    assert discover.is_article_url("https://x.vn/tin/xa-dong-son-nhan-rong-mo-hinh-hay.html")
    for url in ("https://x.vn/", "https://x.vn/thoi-su.htm", "https://x.vn/tag/dan-van-kheo-123456.htm",
                "https://x.vn/kinh-te/trang-2.htm"):  # fmt: skip
        assert not discover.is_article_url(url), url


def test_decode_page_uses_http_charset_and_reports_mojibake() -> None:
    from scrape_site import to_cp1258

    html = "<html><body><p>Xã Đông Sơn xây dựng được nhiều mô hình hay, được người dân hưởng ứng.</p></body></html>"
    text, note = decode_page(to_cp1258(html), "text/html; charset=windows-1258")
    assert text == html and "windows-1258" in (note or "")
    broken = html.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")
    with pytest.raises(IngestError, match="mojibake"):
        decode_page(broken, "text/html; charset=utf-8")


def test_gzip_bombs_and_non_http_redirects_are_refused_by_the_fetcher() -> None:
    import httpx

    from corpus.scrape.fetch import Fetcher

    bomb = gzip.compress(b"\0" * 2_000_000)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/bomb.html":
            return httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=bomb)
        return httpx.Response(302, headers={"Location": "ftp://127.0.0.1/tin.html"})

    policy = FetchPolicy(rate=1000, max_bytes=100_000)
    with Fetcher(policy, transport=httpx.MockTransport(handler)) as fetcher:
        assert len(bomb) < policy.max_bytes
        big = fetcher.get("http://127.0.0.1/bomb.html")
        assert big.error == "response larger than 100000 bytes" and big.body == b""
        moved = fetcher.get("http://127.0.0.1/chuyen.html")
        assert moved.error is not None and "unsupported URL scheme 'ftp'" in moved.error
        assert fetcher.get("file:///etc/passwd").error == "unsupported URL scheme 'file'"


def test_retry_after_values() -> None:
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == pytest.approx(10.0)
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_adapter_config_is_validated(tmp_path: Path) -> None:
    from corpus.scrape.adapters import parse_adapter

    with pytest.raises(ValueError, match="unknown adapter keys"):
        parse_adapter({"name": "x", "hosts": ["x.vn"], "bodyy": "div"})
    adapter = parse_adapter({"name": "x", "hosts": ["www.x.vn"], "body": "div.noi-dung"})
    assert adapter.matches("https://m.x.vn/a.html") and not adapter.matches("https://y.vn/a.html")
