"""Shared fixtures: small invented Vietnamese corpora (good and bad) and a fake extraction.

Every text here is invented for the tests; no sentence comes from a real article.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from fakes import FakeExtractor  # tests/ is on sys.path (pytest's rootdir conftest)

TXT_ARTICLES = {
    "a01_hoang_mai.txt": (
        "Quận Hoàng Mai nhân rộng cách làm hay trong công tác dân vận\n"
        "Năm 2024, quận Hoàng Mai có 120 mô hình “Dân vận khéo” được công nhận ở cả ba cấp.\n"
        "Tiêu biểu là mô hình “Ngõ nhỏ sạch đẹp” của phường Định Công, được người dân đồng tình ủng hộ.\n"
        "Ban Dân vận Quận ủy cho biết sẽ tiếp tục tổ chức 8 cuộc giám sát trong năm tới.\n"
    ),
    "a02_ba_vi.txt": (
        "Huyện Ba Vì biểu dương các điển hình dân vận khéo\n"
        "Trong giai đoạn 2021-2024, huyện Ba Vì đã xây dựng 35 mô hình và biểu dương 12 tập thể tiêu biểu.\n"
        "Mô hình “Bếp ăn nghĩa tình” ở xã Minh Quang giúp nhiều hộ khó khăn có bữa ăn ấm áp.\n"
    ),
}
HTML_ARTICLE = (
    "<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'>"
    "<title>Phường Tân Định lan tỏa mô hình hay</title></head><body>"
    "<nav><a href='/'>Trang chủ</a> | <a href='/thoi-su'>Thời sự</a></nav>"
    "<article><h1>Phường Tân Định lan tỏa mô hình hay</h1>"
    "<p>Năm nay, phường Tân Định đăng ký 14 mô hình dân vận khéo trên các lĩnh vực đời sống.</p>"
    "<p>Mô hình “Tủ sách vỉa hè” được thanh niên phường duy trì đều đặn mỗi cuối tuần.</p>"
    "<p>Nhiều hộ kinh doanh đã tự nguyện tham gia giữ gìn trật tự lòng đường, vỉa hè.</p>"
    "</article><footer>Bản quyền thuộc về tòa soạn</footer></body></html>"
)
JSONL_ARTICLES = [
    {
        "url": "https://tin.example.vn/xa-hoa-binh-dan-van-kheo.html",
        "title": "Xã Hòa Bình làm tốt công tác dân vận",
        "text": (
            "Xã Hòa Bình làm tốt công tác dân vận\n"
            "Cán bộ xã Hòa Bình đã xây dựng 9 mô hình giúp nhau phát triển kinh tế hộ gia đình.\n"
            "Mô hình “Vườn rau an toàn” được bà con hưởng ứng và nhân rộng ra nhiều thôn.\n"
        ),
    },
    {
        "url": "https://tin.example.vn/hoi-nghi-tong-ket.html",
        "title": "Hội nghị tổng kết công tác năm",
        "text": (
            "Hội nghị tổng kết công tác năm\n"
            "Sáng nay, hội nghị đã đánh giá kết quả và đề ra phương hướng cho thời gian tới.\n"
            "Các đại biểu thống nhất cần tăng cường đối thoại với nhân dân ở cơ sở.\n"
        ),
    },
]
INDEX_TSV = "doc\ttitle\na01_hoang_mai.txt\tQuận Hoàng Mai\n"


@dataclass(frozen=True)
class Corpus:
    """A folder of inputs and what a run over it must find."""

    root: Path
    n_files: int  # article files (.txt, .html, .jsonl)
    n_skipped: int  # other files found in the folder
    n_articles: int  # articles that must be stored
    n_bad: int = 0  # inputs that must end in the failures table


def write_good_corpus(root: Path) -> Corpus:
    """Two .txt, one .html, one .jsonl of two articles and an index.tsv to skip."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in TXT_ARTICLES.items():
        (root / name).write_text(text, encoding="utf-8")
    (root / "b01_tan_dinh.html").write_text(HTML_ARTICLE, encoding="utf-8")
    (root / "c_feed.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in JSONL_ARTICLES), encoding="utf-8"
    )
    (root / "index.tsv").write_text(INDEX_TSV, encoding="utf-8")
    return Corpus(root, n_files=4, n_skipped=1, n_articles=5)


def write_bad_corpus(root: Path) -> Corpus:
    """The good corpus plus an empty file, a binary file, latin-1 garbage and a broken JSONL line."""
    good = write_good_corpus(root)
    (root / "z_empty.txt").write_bytes(b"")
    (root / "z_binary.txt").write_bytes(bytes(range(256)) * 8)
    (root / "z_latin1.txt").write_bytes(bytes(range(0xA0, 0x100)) * 6 + b"\n" + bytes(range(0xC0, 0xFF)) * 4)
    broken = json.dumps(
        JSONL_ARTICLES[0] | {"url": "https://tin.example.vn/ban-sao.html"}, ensure_ascii=False
    )
    (root / "z_broken.jsonl").write_text(broken + "\n" + '{"url": "https://tin.example.vn/hong.html", "te\n')
    return Corpus(root, n_files=good.n_files + 4, n_skipped=1, n_articles=good.n_articles + 1, n_bad=4)


@pytest.fixture
def good_corpus(tmp_path: Path) -> Corpus:
    return write_good_corpus(tmp_path / "in")


@pytest.fixture
def bad_corpus(tmp_path: Path) -> Corpus:
    return write_bad_corpus(tmp_path / "in")


@pytest.fixture
def fake_extraction(monkeypatch: pytest.MonkeyPatch) -> type[FakeExtractor]:
    """Make runs use :class:`fakes.FakeExtractor` (predictable records, no NLP models loaded)."""
    import pipeline.orchestrate

    monkeypatch.setattr(pipeline.orchestrate, "build_extractor", FakeExtractor)
    return FakeExtractor


def rows_stored_twice(store, tables=("stats", "models", "units", "sentences")) -> dict[str, list[tuple]]:
    """The (article id, idx) keys of ``tables`` stored more than once, per table (none: ``{}``)."""
    out = {}
    for table in tables:
        rows = store.con.execute(
            f"SELECT article_id, idx FROM {table} GROUP BY ALL HAVING count(*) > 1"
        ).fetchall()
        if rows:
            out[table] = rows
    return out
