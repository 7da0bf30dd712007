"""A small invented news site served on 127.0.0.1 for the scraper tests (no network).

Every article is invented, in the genre of the dvk samples.  The site has a robots.txt with a
disallowed path, a sitemap index with a gzipped child sitemap and an old plain one, an RSS feed,
a section page, article pages with menus and related-article blocks, a windows-1258 page, a
mojibake page, one article under two URLs, and faults: 429 with Retry-After, 500 then success,
a slow page past the read timeout, a redirect loop, a truncated body and an oversized body.
The server records the time, path and headers of every request.
"""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PLACES = [
    ("Phường Hòa Lạc", "Hà Nội", 24, "Đường hoa tự quản"),
    ("Xã Tân Phước", "Long An", 17, "Bếp ăn yêu thương"),
    ("Phường Mỹ Bình", "An Giang", 31, "Tổ hòa giải ở cơ sở"),
    ("Xã Đông Sơn", "Thanh Hóa", 12, "Ngõ xóm bình yên"),
    ("Phường An Lạc", "Hồ Chí Minh", 45, "Hẻm xanh sạch đẹp"),
    ("Xã Nam Trung", "Nghệ An", 9, "Quỹ khuyến học dòng họ"),
    ("Thị trấn Phú Mỹ", "Bà Rịa - Vũng Tàu", 27, "Camera an ninh khu phố"),
    ("Xã Vĩnh Hòa", "Kiên Giang", 14, "Nhà nhân ái cho hộ nghèo"),
]
SLUGS = [f"xa-phuong-nhan-rong-mo-hinh-dan-van-kheo-so-{i}" for i in range(len(PLACES))]
MENU = ["Trang chủ", "Thời sự", "Kinh tế", "Xã hội", "Pháp luật"]
RELATED = "Tỉnh đoàn phát động tháng thanh niên tình nguyện"


def article_text(i: int) -> tuple[str, list[str]]:
    place, province, n, model = PLACES[i]
    title = f"{place} nhân rộng {n} mô hình dân vận khéo"
    paragraphs = [
        f"Năm 2024, {place.lower()}, tỉnh {province} đã xây dựng {n} mô hình dân vận khéo trên các lĩnh vực.",
        f"Tiêu biểu là mô hình “{model}” được cán bộ và nhân dân địa phương đồng tình hưởng ứng nhiệt liệt.",
        f"Ban Dân vận cho biết trong năm tới sẽ tổ chức thêm {n // 3 + 2} hội nghị đối thoại với nhân dân.",
        "Nhiều hộ gia đình đã tự nguyện hiến đất, góp công để mở rộng đường giao thông nông thôn.",
    ]
    return title, paragraphs


def article_html(i: int, canonical: str | None = None, charset: str = "utf-8") -> str:
    title, paragraphs = article_text(i)
    menu = "".join(
        f'<li><a href="/{k}/">{m}</a></li>'
        for k, m in zip(["", "thoi-su", "kinh-te", "xa-hoi", "phap-luat"], MENU, strict=True)
    )
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    canon = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="{charset}"><title>{title} - Báo Làng Xóm</title>
<meta property="article:published_time" content="2024-0{i % 9 + 1}-1{i % 9}T08:00:00+07:00">{canon}</head><body>
<header><nav><ul>{menu}</ul></nav></header>
<main><article><h1>{title}</h1><div class="content">{body}</div>
<div class="related-news"><h3>Tin liên quan</h3><ul><li><a href="/tin/{SLUGS[(i + 1) % 8]}.html">{RELATED}</a></li>
<li><a href="/tin/a.html">Hội nghị tổng kết công tác dân vận</a></li><li><a href="/tin/b.html">Tin khác</a></li></ul></div>
</article></main><footer><p>Bản quyền thuộc về Báo Làng Xóm.</p></footer></body></html>"""


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """windows-1258 bytes of Vietnamese text: base letters precomposed, tone marks combining."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in _TONES)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES)) + tones)
    return "".join(out).encode("cp1258")


def _urlset(urls: list[tuple[str, str]]) -> str:
    items = "".join(f"<url><loc>{u}</loc><lastmod>{d}</lastmod></url>" for u, d in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>'


@dataclass
class Hit:
    at: float
    path: str
    headers: dict[str, str]


@dataclass
class FixtureSite:
    """Routes of the site; ``hits`` records every request (time, path, headers)."""

    base: str = ""
    article_delay: float = 0.0
    slow_seconds: float = 3.0
    hits: list[Hit] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def article_url(self, i: int) -> str:
        return f"{self.base}/tin/{SLUGS[i]}.html"

    # -- content --------------------------------------------------------------------------------
    def robots(self) -> str:
        return f"User-agent: *\nDisallow: /private/\n\nSitemap: {self.base}/sitemap_index.xml\n"

    def sitemap_index(self) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{self.base}/sitemap-news.xml.gz</loc></sitemap>"
            f"<sitemap><loc>{self.base}/sitemap-old.xml</loc></sitemap></sitemapindex>"
        )

    def sitemap_news(self) -> bytes:
        urls = [(self.article_url(i), "2024-05-01") for i in range(4)]
        urls += [
            (f"{self.base}/private/bai-viet-noi-bo-khong-duoc-thu-thap.html", "2024-05-01"),
            (f"{self.base}/tin/bai-bao-cu-kieu-ma-windows-1258.html", "2024-05-01"),
            (f"{self.base}/tin/bai-bao-bi-loi-ma-hoa-hai-lan.html", "2024-05-01"),
            (f"{self.base}/tin/bai-viet-ban-sao-cung-noi-dung.html", "2024-05-01"),
        ]
        return gzip.compress(_urlset(urls).encode("utf-8"))

    def sitemap_old(self) -> str:
        return _urlset([(f"{self.base}/tin/bai-viet-nam-2019-da-cu-lam-roi.html", "2019-01-05")])

    def rss(self) -> str:
        date = format_datetime(datetime(2024, 5, 2, 8, 0, tzinfo=UTC), usegmt=True)
        items = [self.article_url(4), self.article_url(5), self.article_url(0) + "?utm_source=rss"]
        body = "".join(
            f"<item><title>Tin</title><link>{u}</link><pubDate>{date}</pubDate></item>" for u in items
        )
        return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Báo Làng Xóm</title>{body}</channel></rss>'

    def section(self) -> str:
        links = "".join(f'<li><a href="{self.article_url(i)}">Tin {i}</a></li>' for i in (6, 7))
        faults = [
            "/tin/bai-viet-tra-ve-429-roi-thanh-cong.html",
            "/tin/bai-viet-loi-500-roi-thanh-cong.html",
            "/tin/bai-viet-phan-hoi-rat-cham-qua-han.html",
            "/tin/chuyen-huong-vong-lap-mai-mai.html",
            "/tin/bai-viet-bi-cat-cut-giua-chung.html",
            "/tin/bai-viet-qua-lon-vuot-gioi-han.html",
        ]
        links += "".join(f'<li><a href="{f}">Lỗi</a></li>' for f in faults)
        return (
            '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Thời sự</title></head><body>'
            '<nav><a href="/">Trang chủ</a> <a href="/thoi-su/">Thời sự</a> <a href="/tag/dan-van/">Dân vận</a></nav>'
            f"<h1>Thời sự</h1><ul>{links}</ul></body></html>"
        )

    # -- routing --------------------------------------------------------------------------------
    def hit(self, path: str, headers: dict[str, str]) -> int:
        with self.lock:
            self.hits.append(Hit(time.monotonic(), path, headers))
            self.counts[path] = self.counts.get(path, 0) + 1
            return self.counts[path]

    def respond(self, handler: BaseHTTPRequestHandler) -> None:  # noqa: C901 - a router
        path = handler.path
        n = self.hit(path, dict(handler.headers.items()))
        plain = path.split("?")[0]

        def send(
            status: int, body: bytes | str, ctype: str = "text/html; charset=utf-8", extra: dict | None = None
        ):
            data = body.encode("utf-8") if isinstance(body, str) else body
            handler.send_response(status)
            handler.send_header("Content-Type", ctype)
            handler.send_header("Content-Length", str(len(data)))
            for k, v in (extra or {}).items():
                handler.send_header(k, v)
            handler.end_headers()
            handler.wfile.write(data)

        if plain == "/robots.txt":
            return send(200, self.robots(), "text/plain")
        if plain == "/sitemap_index.xml":
            etag = '"idx-1"'
            if handler.headers.get("If-None-Match") == etag:
                handler.send_response(304)
                handler.send_header("ETag", etag)
                handler.send_header("Content-Length", "0")
                handler.end_headers()
                return None
            return send(200, self.sitemap_index(), "application/xml", {"ETag": etag})
        if plain == "/sitemap-news.xml.gz":
            return send(200, self.sitemap_news(), "application/x-gzip")
        if plain == "/sitemap-old.xml":
            return send(200, self.sitemap_old(), "application/xml")
        if plain == "/rss.xml":
            return send(200, self.rss(), "application/rss+xml")
        if plain in ("/thoi-su/", "/"):
            return send(200, self.section())
        for i, slug in enumerate(SLUGS):
            if plain == f"/tin/{slug}.html":
                if self.article_delay:
                    time.sleep(self.article_delay)
                return send(200, article_html(i))
        if plain == "/tin/bai-viet-ban-sao-cung-noi-dung.html":
            return send(200, article_html(1))  # article 1 under a second URL
        if plain == "/tin/bai-bao-cu-kieu-ma-windows-1258.html":
            html = (
                article_html(2)
                .replace("Năm 2024", "Năm 2023")
                .replace('charset="utf-8"', 'charset="windows-1258"')
            )
            return send(200, to_cp1258(html), "text/html; charset=windows-1258")
        if plain == "/tin/bai-bao-bi-loi-ma-hoa-hai-lan.html":
            html = article_html(3).replace("Năm 2024", "Năm 2022")
            broken = html.encode("utf-8").decode("cp1252", errors="replace")
            return send(200, broken)
        if plain == "/tin/bai-viet-tra-ve-429-roi-thanh-cong.html":
            if n == 1:
                return send(429, "quá nhiều yêu cầu", "text/plain", {"Retry-After": "1"})
            return send(200, article_html(4).replace("Năm 2024", "Năm 2021"))
        if plain == "/tin/bai-viet-loi-500-roi-thanh-cong.html":
            if n == 1:
                return send(500, "lỗi máy chủ", "text/plain")
            return send(200, article_html(5).replace("Năm 2024", "Năm 2020"))
        if plain == "/tin/bai-viet-phan-hoi-rat-cham-qua-han.html":
            time.sleep(self.slow_seconds)
            return send(200, article_html(6))
        if plain == "/tin/chuyen-huong-vong-lap-mai-mai.html":
            handler.send_response(302)
            handler.send_header("Location", "/tin/chuyen-huong-vong-lap-lan-hai.html")
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return None
        if plain == "/tin/chuyen-huong-vong-lap-lan-hai.html":
            handler.send_response(301)
            handler.send_header("Location", "/tin/chuyen-huong-vong-lap-mai-mai.html")
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return None
        if plain == "/tin/bai-viet-bi-cat-cut-giua-chung.html":
            data = article_html(7).encode("utf-8")
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html; charset=utf-8")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data[: len(data) // 3])
            handler.close_connection = True
            return None
        if plain == "/tin/bai-viet-qua-lon-vuot-gioi-han.html":
            return send(200, b"<html><body>" + b"<p>x</p>" * 60_000 + b"</body></html>")
        return send(404, "không tìm thấy", "text/plain")


def serve(site: FixtureSite) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """Start the site on a free port of 127.0.0.1; sets ``site.base``."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                site.respond(self)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread
