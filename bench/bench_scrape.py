"""Extraction throughput: trafilatura alone vs dvk's whole scrape-extract-store path, in one run.

Serves N pages (default 240) from a local HTTP server on 127.0.0.1: the real article pages of
../shared/html cycled (each under its own URL) when ../shared is there, else the invented
pages of the test fixture site.  Measures

- ``trafilatura.extract(html)`` over the same pages held in memory, and
- ``corpus.scrape.crawl.crawl`` over a file listing their URLs (HTTP fetch, robots.txt,
  decoding, dvk's extraction and cleaning, WARC write, catalogue transaction), with the rate
  limit lifted so that politeness waits do not count,

and prints pages/s of each and their ratio (after a warm-up pass over the distinct pages).  Pages of ../shared met again under another URL
are extracted and then skipped as duplicates, as a real crawl would.

    .venv/bin/python bench/bench_scrape.py [N]
"""

from __future__ import annotations

import gzip
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import trafilatura

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from corpus.clean import clean_article  # noqa: E402
from corpus.records import RawArticle  # noqa: E402
from corpus.scrape.crawl import crawl  # noqa: E402
from corpus.scrape.fetch import FetchPolicy  # noqa: E402

SHARED_HTML = ROOT / ".." / "shared" / "html"


def _pages() -> tuple[str, list[str]]:
    found = sorted(SHARED_HTML.glob("*/*article*.html")) if SHARED_HTML.is_dir() else []
    pages = [p.read_text(encoding="utf-8") for p in found]
    gz = SHARED_HTML / "vnexpress" / "fundus_VnExpress_2025_10_22.html.gz"
    if gz.exists():
        pages.append(gzip.decompress(gz.read_bytes()).decode("utf-8"))
    if pages:
        return f"{len(pages)} real article pages of ../shared/html", pages
    from scrape_site import PLACES, article_html

    return "the invented fixture-site pages", [article_html(i) for i in range(len(PLACES))]


def main(n: int = 240) -> None:
    source, base_pages = _pages()
    pages = [base_pages[i % len(base_pages)] for i in range(n)]
    bodies = [p.encode("utf-8") for p in pages]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/robots.txt":
                data, ctype = b"User-agent: *\nAllow: /\n", "text/plain"
            else:
                i = int(self.path.split("-")[-1].split(".")[0])
                data, ctype = bodies[i], "text/html; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"

    for html in base_pages:  # warm-up: one-off loads (dateparser's locales, lxml) are not measured
        trafilatura.extract(html)
        clean_article(RawArticle(doc="warm-up", source="warm-up", html=html))
    started = time.perf_counter()
    for html in pages:
        trafilatura.extract(html)
    t_traf = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as tmp:
        urls = Path(tmp) / "urls.txt"
        urls.write_text(
            "\n".join(f"{base}/tin/bai-viet-ban-thu-nghiem-toc-do-{i}.html" for i in range(n)),
            encoding="utf-8",
        )
        started = time.perf_counter()
        summary = crawl([str(urls)], Path(tmp) / "store", policy=FetchPolicy(rate=1e6))
        t_dvk = time.perf_counter() - started
    server.shutdown()

    print(f"{n} pages ({source}, cycled)")
    print(f"trafilatura.extract alone:        {n / t_traf:7.1f} pages/s  ({t_traf:.1f} s)")
    print(
        f"dvk scrape-extract-store:         {n / t_dvk:7.1f} pages/s  ({t_dvk:.1f} s; "
        f"stored {summary.n_stored}, duplicates skipped {summary.n_skipped}, failed {summary.n_failed})"
    )
    print(f"time ratio dvk / trafilatura:     {t_dvk / t_traf:7.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 240)
