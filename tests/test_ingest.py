"""Tests for corpus.ingest and corpus.decode: finding inputs and reading them into RawArticles.

All texts are invented; files are written to pytest's tmp_path.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from pathlib import Path

import pytest

from corpus.decode import NOT_VIETNAMESE, decode_bytes, looks_vietnamese, repair_mojibake
from corpus.ingest import IngestFailure, InputError, discover_inputs, read_inputs
from corpus.records import IngestError, RawArticle

VIET = (
    "Xã Phú Lộc nhân rộng mô hình dân vận khéo\n"
    "Năm qua, Đảng ủy xã đã vận động bà con hiến 3.200 m2 đất để mở rộng đường thôn, "
    "được người dân đồng tình ủng hộ.\n"
)
HTML = (
    "<html><head><title>Xã Phú Lộc</title></head><body><h1>Xã Phú Lộc nhân rộng mô hình</h1>"
    "<p>Đảng ủy xã đã vận động bà con hiến đất mở đường.</p></body></html>"
)


def _to_cp1258(text: str) -> bytes:
    """Encode like a windows-1258 editor: base letters with separate tone marks where needed."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in parts[1:] if m in "\u0300\u0301\u0303\u0309\u0323")
        base = unicodedata.normalize("NFC", parts[0] + "".join(m for m in parts[1:] if m not in tones))
        out += base.encode("cp1258") + tones.encode("cp1258")
    return out


def _only(path: Path) -> RawArticle | IngestFailure:
    items = list(read_inputs(path))
    assert len(items) == 1
    return items[0]


# --- discovery ------------------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "b.txt").write_text(VIET, encoding="utf-8")
    (root / "a.html").write_text(HTML, encoding="utf-8")
    (root / "c.HTM").write_text(HTML, encoding="utf-8")
    (root / "d.jsonl").write_text(
        json.dumps({"url": "https://x.vn/1", "text": VIET}) + "\n", encoding="utf-8"
    )
    (root / "index.tsv").write_text("file\turl\n", encoding="utf-8")
    (root / "sub" / "e.txt").write_text(VIET, encoding="utf-8")
    (root / "sub" / "notes.md").write_text("# ghi chú\n", encoding="utf-8")
    (root / ".hidden" / "x.txt").write_text(VIET, encoding="utf-8")
    return root


def test_folder_is_scanned_recursively_and_sorted(folder: Path) -> None:
    plan = discover_inputs([str(folder)])
    assert [p.relative_to(folder).as_posix() for p in plan.files] == [
        "a.html",
        "b.txt",
        "c.HTM",
        "d.jsonl",
        "sub/e.txt",
    ]
    assert sorted(p.name for p in plan.skipped) == ["index.tsv", "notes.md"]


def test_explicit_files_and_globs(folder: Path) -> None:
    plan = discover_inputs([str(folder / "sub" / "e.txt"), str(folder / "*.txt"), str(folder / "*.tsv")])
    assert [p.name for p in plan.files] == ["e.txt", "b.txt"]
    assert [p.name for p in plan.skipped] == ["index.tsv"]
    recursive = discover_inputs([str(folder / "**" / "*.txt")])
    assert [p.name for p in recursive.files] == ["b.txt", "e.txt"]


def test_a_file_named_twice_is_read_once(folder: Path) -> None:
    plan = discover_inputs([str(folder / "b.txt"), str(folder)])
    assert [p.name for p in plan.files].count("b.txt") == 1


@pytest.mark.parametrize(
    ("arg", "message"),
    [
        ("missing.txt", "no such file or folder"),
        ("*.nothing", "no files match"),
        ("index.tsv", "unknown input format"),
    ],
)
def test_usage_errors(folder: Path, arg: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        discover_inputs([str(folder / arg)])


def test_no_input_at_all() -> None:
    with pytest.raises(InputError):
        discover_inputs([])


# --- reading documents ----------------------------------------------------------------------------


def test_read_txt_and_html(folder: Path) -> None:
    txt = _only(folder / "b.txt")
    assert isinstance(txt, RawArticle)
    assert (txt.doc, txt.source, txt.text, txt.html) == ("b.txt", str(folder / "b.txt"), VIET, None)
    assert txt.raw_sha1 == hashlib.sha1(VIET.encode("utf-8")).hexdigest()
    page = _only(folder / "c.HTM")
    assert isinstance(page, RawArticle)
    assert page.html == HTML and page.text is None and page.doc == "c.HTM"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\t\n", "empty file (only whitespace)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01", "binary file (NUL bytes)"),
        (b"abc\x01\x02\x03\x04\x05\x06\x07\x08 def", "binary file (control characters)"),
        ("Le café est très bon, où est la fenêtre? Ça va.".encode("latin-1"), NOT_VIETNAMESE),
        (bytes(range(0xA0, 0x100)) * 6, NOT_VIETNAMESE),
    ],
)
def test_bad_files_become_failures(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    item = _only(path)
    assert isinstance(item, IngestFailure)
    assert (item.doc, item.source, item.reason) == ("bad.txt", str(path), reason)


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(_to_cp1258, id="windows-1258"),
        pytest.param(lambda t: t.encode("utf-16"), id="utf-16-bom"),
        pytest.param(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), id="utf-8-bom"),
        pytest.param(
            lambda t: t.encode("utf-8").decode("latin-1").encode("utf-8"), id="double-encoded-utf-8"
        ),
        pytest.param(lambda t: t.encode("utf-8") + "ạ".encode()[:2], id="cut-off-last-character"),
    ],
)
def test_legacy_and_odd_encodings_are_decoded(tmp_path: Path, encode) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes(encode(VIET))
    item = _only(path)
    assert isinstance(item, RawArticle)
    assert unicodedata.normalize("NFC", item.text or "") == VIET


def test_html_declared_charset_is_used(tmp_path: Path) -> None:
    page = "<html><head><meta charset='windows-1258'></head><body><p>" + VIET + "</p></body></html>"
    path = tmp_path / "old.html"
    path.write_bytes(_to_cp1258(page))
    item = _only(path)
    assert isinstance(item, RawArticle)
    assert VIET.split("\n")[1] in unicodedata.normalize("NFC", item.html or "")


def test_looks_vietnamese_and_repair() -> None:
    assert looks_vietnamese(VIET)
    assert not looks_vietnamese("The committee met on Monday and approved the plan.")
    mojibake = VIET.encode("utf-8").decode("cp1252", errors="replace")
    assert not looks_vietnamese(mojibake)
    assert repair_mojibake(VIET.encode("utf-8").decode("latin-1")) == VIET
    assert repair_mojibake("plain ascii text") is None
    with pytest.raises(IngestError, match="empty"):
        decode_bytes(b"")


# --- JSONL ----------------------------------------------------------------------------------------


def test_jsonl_records_and_broken_lines(tmp_path: Path) -> None:
    good_text = json.dumps(
        {
            "url": "https://tin.vn/a",
            "text": VIET,
            "title": "Xã Phú Lộc",
            "published": "2024-03-05T08:00:00+07:00",
        },
        ensure_ascii=False,
    )
    good_html = json.dumps(
        {"url": "https://tin.vn/b", "html": HTML, "published": "05/03/2024"}, ensure_ascii=False
    )
    lines = [
        good_text,
        "",
        '{"url": "https://tin.vn/c", "text": "thiếu ngoặc',
        json.dumps({"text": VIET}, ensure_ascii=False),
        json.dumps({"url": "https://tin.vn/d", "text": "  "}),
        "[1, 2]",
        good_html,
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_inputs(path))
    assert [type(i).__name__ for i in items] == [
        "RawArticle",
        "IngestFailure",
        "IngestFailure",
        "IngestFailure",
        "IngestFailure",
        "RawArticle",
    ]
    first, last = items[0], items[-1]
    assert isinstance(first, RawArticle) and isinstance(last, RawArticle)
    assert (first.doc, first.url, first.source) == ("https://tin.vn/a", "https://tin.vn/a", f"{path}#1")
    assert (first.text, first.html, first.title, first.published) == (VIET, None, "Xã Phú Lộc", "2024-03-05")
    assert first.raw_sha1 == hashlib.sha1(good_text.encode("utf-8")).hexdigest()
    assert (last.html, last.text, last.published, last.source) == (HTML, None, "2024-03-05", f"{path}#7")
    reasons = [i.reason for i in items if isinstance(i, IngestFailure)]
    assert reasons[0].startswith("line 3: invalid JSON")
    assert reasons[1:] == [
        "line 4: record has no url",
        "line 5: record has neither text nor html",
        "line 6: not a JSON object but list",
    ]
    assert [i.doc for i in items if isinstance(i, IngestFailure)] == [
        "feed.jsonl#3",
        "feed.jsonl#4",
        "https://tin.vn/d",
        "feed.jsonl#6",
    ]


def test_empty_jsonl_and_bad_utf8_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"\n\n")
    assert [i.reason for i in read_inputs(empty)] == ["empty file"]
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_bytes(
        b'{"url": "https://tin.vn/x", "text": "caf\xe9"}\n' + json.dumps({"url": "u", "text": "ok"}).encode()
    )
    items = list(read_inputs(mixed))
    assert isinstance(items[0], IngestFailure) and items[0].reason == "line 1: not valid UTF-8"
    assert isinstance(items[1], RawArticle)


def test_read_inputs_rejects_unknown_formats(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    path.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown input format"):
        list(read_inputs(path))
