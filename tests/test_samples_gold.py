"""Consistency of the sample corpus (``corpus/samples``) with its hand gold (``gold.jsonl``).

The checks follow ``SCHEMA.md`` of the shared gold and need nothing outside the repo:
every gold line parses and has the schema's fields, types and enums; every article in
the folder (``.txt``, ``.html`` and the records of ``extra.jsonl``) has exactly one gold
line and vice versa; every evidence is a span of its article's body (for HTML: of the
visible article text, tags stripped and entities unescaped, NFC); every value is the
number written in its evidence; lines are sorted by ``doc``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "corpus" / "samples"
GOLD = SAMPLES / "gold.jsonl"
INDEX = SAMPLES / "index.tsv"
NON_ARTICLE_JSONL = {"gold.jsonl"}

TOP_KEYS = ["doc", "models", "stats", "units"]
STAT_FIELDS = {
    "value", "approx", "ratio_of", "percent", "item", "action", "unit",
    "province", "period", "per_year", "level", "domain", "evidence",
}  # fmt: skip
MODEL_FIELDS = {"name", "unit", "province", "domain", "evidence"}
UNIT_FIELDS = {"name", "type", "province"}
APPROX_MARKERS = {
    "more_than": ("hơn", "trên", "vượt"),
    "nearly": ("gần", "gần như"),
    "about": ("khoảng", "chừng", "xấp xỉ"),
    "less_than": ("dưới", "chưa đến"),
}
ACTIONS = {
    None, "registered", "built", "recognized", "commended", "maintained", "replicated", "held", "achieved",
}  # fmt: skip
LEVELS = {None, "cơ sở", "quận", "huyện", "tỉnh", "thành phố", "trung ương"}
DOMAINS = {None, "economy", "culture_society", "defense_security", "political_system"}
UNIT_TYPES = {
    "tỉnh", "thành phố", "quận", "huyện", "thị xã", "phường", "xã", "thị trấn", "thôn", "bản", "tổ chức",
}  # fmt: skip
PERIOD_RE = re.compile(r"^(\d{4})(?:-(?:(\d{4})|H[12]|Q[1-4])?)?$")
QUOTES = "“”\"'″‘’«»"
FURNITURE = (
    "Có thể bạn quan tâm", "Tin khác", "Tin liên quan", "Bài liên quan",
    "Xem thêm", "Nên xem", "Ý kiến bạn đọc", "Phiên bản di động",
)  # fmt: skip

# --------------------------------------------------------------------------- article text


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def body_of(text: str) -> str:
    """Plain text up to the first page-furniture marker standing on a line of its own."""
    cut = len(text)
    for marker in FURNITURE:
        hit = re.search(r"(?m)^[ \t]*" + re.escape(marker) + r"[ \t]*$", text)
        if hit:
            cut = min(cut, hit.start())
    return text[:cut]


SKIP_TAGS = {"script", "style", "nav", "aside", "form", "button", "footer", "noscript", "template"}
SKIP_CLASS_WORDS = (
    "related", "share", "social", "breadcrumb", "tags", "tools", "suggest", "other-news", "ads",
)  # fmt: skip
BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "br", "tr", "td", "table", "figure", "figcaption", "section",
    "header", "article", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
}  # fmt: skip
VOID_TAGS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
}  # fmt: skip


class _ArticleText(HTMLParser):
    """Visible text of the first ``<article>`` or ``.detail-content`` element, furniture left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # depth inside the article root, 0 = outside
        self.skip_depth = 0  # depth inside a skipped subtree, 0 = not skipping
        self.done = False
        self.parts: list[str] = []

    @staticmethod
    def _is_root(tag: str, classes: str) -> bool:
        return tag == "article" or "detail-content" in classes.split()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        classes = " ".join(v or "" for k, v in attrs if k == "class")
        void = tag in VOID_TAGS
        if self.depth == 0:
            if self._is_root(tag, classes) and not void:
                self.depth = 1
            return
        if tag in BLOCK_TAGS:
            self.parts.append("\n")
        if void:
            return
        self.depth += 1
        if self.skip_depth:
            self.skip_depth += 1
        elif tag in SKIP_TAGS or any(w in classes for w in SKIP_CLASS_WORDS):
            self.skip_depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.done or self.depth == 0 or tag in VOID_TAGS:
            return
        if tag in BLOCK_TAGS:
            self.parts.append("\n")
        self.depth -= 1
        if self.skip_depth:
            self.skip_depth -= 1
        if self.depth == 0:
            self.done = True

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip_depth and not self.done:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_article_text(html: str) -> str:
    parser = _ArticleText()
    parser.feed(html)
    parser.close()
    lines = (collapse(line) for line in "".join(parser.parts).split("\n"))
    return nfc("\n".join(line for line in lines if line))


@dataclass(frozen=True)
class Sample:
    doc: str
    body: str


def _jsonl_samples(path: Path) -> Iterator[Sample]:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        rec = json.loads(line)
        assert isinstance(rec.get("url"), str), f"{path.name}:{n} has no url"
        assert ("text" in rec) != ("html" in rec), f"{path.name}:{n} needs exactly one of text/html"
        body = body_of(nfc(rec["text"])) if "text" in rec else html_article_text(rec["html"])
        yield Sample(rec["url"], body)


def load_samples() -> dict[str, Sample]:
    samples: dict[str, Sample] = {}
    for path in sorted(SAMPLES.iterdir()):
        if path.suffix == ".txt":
            found = [Sample(path.name, body_of(nfc(path.read_text(encoding="utf-8"))))]
        elif path.suffix in (".html", ".htm"):
            found = [Sample(path.name, html_article_text(path.read_text(encoding="utf-8")))]
        elif path.suffix == ".jsonl" and path.name not in NON_ARTICLE_JSONL:
            found = list(_jsonl_samples(path))
        else:
            continue
        for sample in found:
            assert sample.doc not in samples, f"article {sample.doc} appears twice"
            samples[sample.doc] = sample
    return samples


# --------------------------------------------------------------------------- numbers

NUM_RE = re.compile(r"(?<![\w.,])(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)")
SCALE = {"nghìn": 1_000, "ngàn": 1_000, "triệu": 1_000_000, "tỷ": 1_000_000_000, "tỉ": 1_000_000_000}
DIGIT_WORDS = {
    "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5,
    "sáu": 6, "bảy": 7, "tám": 8, "chín": 9,
}  # fmt: skip


def vn_number(token: str) -> float:
    """'10.665' -> 10665, '93,2' -> 93.2, '04' -> 4."""
    return float(token.replace(".", "").replace(",", "."))


def word_numbers(words: list[str]) -> set[float]:
    """Values of the number-word phrases in a list of words: 'hai' 2, 'mười lăm' 15, 'hai mươi mốt' 21."""
    out: set[float] = set()
    for i, w in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        after = words[i + 2] if i + 2 < len(words) else ""
        if w == "mười":
            out.add(10 + DIGIT_WORDS.get(nxt, 0))
        elif w in DIGIT_WORDS:
            out.add(DIGIT_WORDS[w])
            if nxt == "mươi":
                out.add(DIGIT_WORDS[w] * 10 + DIGIT_WORDS.get(after, 0))
    return out


def numbers_in(evidence: str) -> list[tuple[float, str]]:
    """(value, text right after it) for each number written in the evidence, digits or words."""
    out: list[tuple[float, str]] = []
    for m in NUM_RE.finditer(evidence):
        value, rest = vn_number(m.group(1)), evidence[m.end() :]
        out.append((value, rest))
        scale = re.match(r"\s*(nghìn|ngàn|triệu|tỷ|tỉ)(?!\w)", rest)
        if scale:
            out.append((value * SCALE[scale.group(1)], rest[scale.end() :]))
    out.extend((v, "") for v in word_numbers(re.findall(r"\w+", evidence.lower())))
    return out


def same(a: float, b: float) -> bool:
    return abs(a - b) < 1e-9 * max(1.0, abs(a))


def is_number(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def opt_str(x: object) -> bool:
    return x is None or (isinstance(x, str) and x.strip() != "" and x == collapse(x))


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def gold_lines() -> list[str]:
    return [line for line in GOLD.read_text(encoding="utf-8").split("\n") if line.strip()]


@pytest.fixture(scope="module")
def gold(gold_lines: list[str]) -> list[dict]:
    return [json.loads(line) for line in gold_lines]


@pytest.fixture(scope="module")
def samples() -> dict[str, Sample]:
    return load_samples()


# --------------------------------------------------------------------------- tests: corpus


def test_helpers_on_invented_snippets() -> None:
    assert {v for v, _ in numbers_in("gần 39 nghìn m2 đất")} == {39, 39_000}
    assert (93.2, "% số xã") in numbers_in("93,2% số xã")
    assert 15 in {v for v, _ in numbers_in("mười lăm mô hình")}
    assert 21 in {v for v, _ in numbers_in("hai mươi mốt tập thể")}
    assert 1_200_000_000 in {v for v, _ in numbers_in("1,2 tỷ đồng")}
    assert body_of("Bài\n12 mô hình\nTin khác\n30 tin\n") == "Bài\n12 mô hình\n"
    page = (
        "<html><body><nav>Menu 99</nav><article><h1>Tít</h1><p>Có 5 &amp; 6 “mô hình”</p>"
        "<div class='box-related'><p>Tin liên quan 77</p></div><img src=x><p>Hết</p></article>"
        "<footer>2024</footer></body></html>"
    )
    assert html_article_text(page) == "Tít\nCó 5 & 6 “mô hình”\nHết"


def test_every_article_has_exactly_one_gold_line(gold: list[dict], samples: dict[str, Sample]) -> None:
    docs = [d["doc"] for d in gold]
    assert len(docs) == len(set(docs)), "a doc has several gold lines"
    assert set(docs) == set(samples), (
        f"no gold for {sorted(set(samples) - set(docs))}; no article for {sorted(set(docs) - set(samples))}"
    )
    assert len(samples) >= 14


def test_gold_sorted_by_doc(gold: list[dict]) -> None:
    docs = [d["doc"] for d in gold]
    assert docs == sorted(docs)


def test_gold_lines_are_nfc_json_objects(gold_lines: list[str]) -> None:
    for n, line in enumerate(gold_lines, 1):
        assert line == nfc(line), f"line {n} is not NFC"
        rec = json.loads(line)
        assert isinstance(rec, dict) and sorted(rec) == TOP_KEYS, f"line {n}: keys {sorted(rec)}"
        assert isinstance(rec["doc"], str) and rec["doc"]
        for key in ("stats", "models", "units"):
            assert isinstance(rec[key], list), f"line {n}: {key} is not a list"


def test_articles_are_of_the_intended_size(samples: dict[str, Sample]) -> None:
    for doc, sample in samples.items():
        assert 1_200 <= len(sample.body) <= 3_500, f"{doc}: body of {len(sample.body)} characters"


def test_index_lists_every_article(samples: dict[str, Sample]) -> None:
    rows = [line.split("\t") for line in INDEX.read_text(encoding="utf-8").splitlines() if line.strip()]
    header, body = rows[0], rows[1:]
    assert header[:2] == ["file", "doc"] and "province" in header and "level" in header
    assert all(len(r) == len(header) for r in body)
    assert {r[1] for r in body} == set(samples)
    for file, doc, *_ in body:
        assert (SAMPLES / file).is_file(), file
        assert file == doc or file.endswith(".jsonl")


# --------------------------------------------------------------------------- tests: records


def _records(gold: list[dict], kind: str) -> Iterator[tuple[str, dict]]:
    for rec in gold:
        for r in rec[kind]:
            yield rec["doc"], r


def test_stats_fields_types_and_enums(gold: list[dict]) -> None:
    for doc, s in _records(gold, "stats"):
        where = f"{doc}: {s.get('evidence')!r}"
        assert set(s) == STAT_FIELDS, where
        assert is_number(s["value"]), where
        assert s["ratio_of"] is None or is_number(s["ratio_of"]), where
        assert isinstance(s["percent"], bool) and isinstance(s["per_year"], bool), where
        assert s["approx"] is None or s["approx"] in APPROX_MARKERS, where
        assert s["action"] in ACTIONS and s["level"] in LEVELS and s["domain"] in DOMAINS, where
        item = s["item"]
        assert isinstance(item, str) and item == collapse(item.lower()) and item, where
        assert item not in {"lĩnh vực", "cấp", "khối", "nhiệm vụ"}, where
        assert opt_str(s["unit"]) and opt_str(s["province"]), where
        period = s["period"]
        if period is not None:
            m = PERIOD_RE.match(period)
            assert m, where
            assert not m.group(2) or int(m.group(2)) > int(m.group(1)), where


def test_models_fields_types_and_enums(gold: list[dict]) -> None:
    for doc, m in _records(gold, "models"):
        where = f"{doc}: {m.get('name')!r}"
        assert set(m) == MODEL_FIELDS, where
        name = m["name"]
        assert isinstance(name, str) and name == collapse(name) and name, where
        assert name[0] not in QUOTES and name[-1] not in QUOTES, where
        assert name.lower() != "dân vận khéo", where
        assert opt_str(m["unit"]) and opt_str(m["province"]), where
        assert m["domain"] in DOMAINS, where
        assert name in collapse(m["evidence"]), where


def test_units_fields_types_and_enums(gold: list[dict]) -> None:
    for rec in gold:
        names = [u["name"].lower() for u in rec["units"]]
        assert len(names) == len(set(names)), f"{rec['doc']}: duplicate unit"
        for u in rec["units"]:
            where = f"{rec['doc']}: {u}"
            assert set(u) == UNIT_FIELDS, where
            assert u["type"] in UNIT_TYPES, where
            assert opt_str(u["name"]) and opt_str(u["province"]), where
            if u["type"] != "tổ chức":
                assert u["name"].lower().startswith(u["type"] + " "), where
                assert u["name"].startswith(u["type"] + " ") or re.match(r"^\S+ \d+$", u["name"]), where


def test_record_units_are_listed_with_the_same_province(gold: list[dict]) -> None:
    for rec in gold:
        listed = {u["name"]: u["province"] for u in rec["units"]}
        for kind in ("stats", "models"):
            for r in rec[kind]:
                if r["unit"] is not None:
                    assert r["unit"] in listed, f"{rec['doc']}: unit {r['unit']!r} not in units"
                    assert listed[r["unit"]] == r["province"], f"{rec['doc']}: province of {r['unit']!r}"


def test_no_duplicate_records(gold: list[dict]) -> None:
    for rec in gold:
        stats = [json.dumps(s, sort_keys=True, ensure_ascii=False) for s in rec["stats"]]
        assert len(stats) == len(set(stats)), rec["doc"]
        names = [collapse(re.sub(r"[^\w\s]", "", m["name"].lower())) for m in rec["models"]]
        assert len(names) == len(set(names)), rec["doc"]


# --------------------------------------------------------------------------- tests: evidence


def test_evidence_is_a_span_of_the_article_body(gold: list[dict], samples: dict[str, Sample]) -> None:
    for rec in gold:
        body = samples[rec["doc"]].body
        for kind in ("stats", "models"):
            for r in rec[kind]:
                ev = r["evidence"]
                assert isinstance(ev, str) and ev.strip(), f"{rec['doc']}: empty evidence"
                assert ev in body, f"{rec['doc']} {kind}: evidence not in the article body: {ev!r}"


def test_values_are_written_in_their_evidence(gold: list[dict]) -> None:
    for doc, s in _records(gold, "stats"):
        ev, where = s["evidence"], f"{doc}: {s['evidence']!r}"
        hits = [rest for value, rest in numbers_in(ev) if same(value, s["value"])]
        assert hits, f"{where}: value {s['value']} not written there"
        if s["percent"]:
            assert any(rest.startswith("%") for rest in hits), f"{where}: no % after the value"
        else:
            assert not all(rest.startswith("%") for rest in hits), f"{where}: % after the value"
        if s["ratio_of"] is not None:
            denominators = [vn_number(m.group(1)) for rest in hits if (m := re.match(r"/(\d[\d.,]*)", rest))]
            assert any(same(d, s["ratio_of"]) for d in denominators), f"{where}: ratio_of not written"
        if s["approx"]:
            low = ev.lower()
            markers = APPROX_MARKERS[s["approx"]]
            assert any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", low) for w in markers), where
        for word in s["item"].split():
            assert word in ev.lower(), f"{where}: item word {word!r} missing"


def test_furniture_numbers_stay_out_of_the_bodies(samples: dict[str, Sample]) -> None:
    for doc, sample in samples.items():
        for marker in ("Có thể bạn quan tâm", "Tin liên quan", "Tin khác"):
            assert marker not in sample.body, f"{doc}: furniture {marker!r} inside the body"


def test_readme_counts_match_the_gold(gold: list[dict]) -> None:
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    m = re.search(r"Gold counts: (\d+) articles, (\d+) statistics, (\d+) models, (\d+) units", readme)
    assert m, "README.md has no 'Gold counts' line"
    counted = tuple(int(g) for g in m.groups())
    actual = (len(gold), *(sum(len(rec[k]) for rec in gold) for k in ("stats", "models", "units")))
    assert counted == actual
