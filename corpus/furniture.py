"""Page furniture in scraped article text: which lines are not part of the article.

:func:`find_furniture` looks at an article's normalised lines (blank lines
separate blocks) and returns the lines to drop, each with a reason:

* ``related``: a related-articles or comments heading ("Có thể bạn quan tâm",
  "Tin khác", "Xem thêm", "Bình luận", …) and everything after it, once the
  body has started; before the body only the heading and the run of
  headlines after it (the last headline before the body, the title, stays);
  a single "Xem thêm: <headline>" link line;
* ``related-inline``: three or more headline lines stuck to the end of a
  body paragraph (a related-links box inside the text);
* ``ui``: share bars, print and font-size buttons, breadcrumbs, weather,
  "follow us" lines;
* ``image``: gallery counters, image ids ("4201 2b389c…"), image file names;
* ``dateline``: a line that only gives the date and time of publication;
* ``source``: a short "Nguồn: …" line; "(Theo …)" at the very end;
* ``byline``: a short name at the very end, a credit line ("Tin và ảnh: …"),
  or a name next to a share bar;
* ``site``: an aggregator page title ending in a domain, a "Báo …" masthead, a
  section label above the title, or a rubric above the title when a byline,
  share bar or dateline follows the title;
* ``repeated``: a line of four words or more identical to an earlier one
  (duplicated captions and paragraphs).

The rules are deliberately narrow: a line of fifteen words or more is dropped
only inside a related-articles tail, as a headline stuck to a paragraph, as a
verbatim repeat or when it ends in a web domain above the body.  One call is one pass;
:func:`corpus.clean.clean_text` repeats passes until nothing changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from corpus.dateline import is_dateline

__all__ = ["Drop", "Furniture", "find_furniture", "is_headline_like", "is_name_line", "is_related_heading"]

BODY_MIN_WORDS = 15  # a line this long is body text
REPEAT_MIN_WORDS = 4  # shorter identical lines are not de-duplicated
MAX_RUN = 12  # headline lines dropped after a related heading before the body


@dataclass(frozen=True, slots=True)
class Drop:
    """One line to remove: its index in the lines given, its text and why."""

    index: int
    line: str
    reason: str


@dataclass(slots=True)
class Furniture:
    """The result of one pass: lines to drop (by index) and the byline name found, if any."""

    drops: list[Drop] = field(default_factory=list)
    author: str | None = None


# --- line classifiers -----------------------------------------------------------------------------


def _phrases(text: str) -> frozenset[str]:
    """A set of phrases written as one "|"-separated string (line breaks ignored)."""
    return frozenset(p.strip() for p in text.replace("\n", " ").split("|") if p.strip())


_RELATED_HEADINGS = _phrases(
    """
    có thể bạn quan tâm|bạn có thể quan tâm|có thể bạn muốn xem|tin khác|các tin khác|tin bài khác|
    bài viết khác|tin liên quan|tin bài liên quan|bài liên quan|bài viết liên quan|các bài viết liên quan|
    tin tức liên quan|nên xem|xem thêm|đọc thêm|xem tiếp|ý kiến bạn đọc|ý kiến của bạn|bình luận|
    các bình luận|gửi bình luận|viết bình luận|gửi ý kiến|tin mới nhất|tin mới|mới nhất|đọc nhiều|
    đọc nhiều nhất|tin đọc nhiều|xem nhiều|xem nhiều nhất|tin xem nhiều|tin nổi bật|tin cùng chuyên mục|
    cùng chuyên mục|tin đã đưa|các tin đã đưa|tin cũ hơn|tin mới hơn|đừng bỏ lỡ|tin tiêu điểm
    """
)
_HEADING_TRIM = re.compile(r"^[\s•·*#>»-]+|[\s:>»….]+$|\s*\(\d+\)$")
_INLINE_RELATED = re.compile(
    r"^(?:xem thêm|đọc thêm|tin liên quan|bài liên quan|xem tiếp|tin cùng chuyên mục)\s*[:>»]+\s*\S", re.I
)

_UI_STRONG = re.compile(
    r"(?<![\w+-])(?:"
    r"chia sẻ(?: (?:zalo|facebook|bài viết|bài|lên \w+|qua \w+))?|zalo|facebook|twitter|linkedin|pinterest|"
    r"telegram|messenger|e-?mail|gửi email|gửi bài viết|in bài(?: viết)?|bản in|lưu bài(?: viết)?|lưu tin|"
    r"phiên bản di động|phiên bản máy tính|tăng tương phản|giảm tương phản|cỡ chữ|nghe bài(?: viết)?|"
    r"nghe đọc bài|copy link|sao chép (?:link|liên kết)|google news|về đầu trang|lên đầu trang|"
    r"tải ứng dụng|print|share|tweet|a-\s*(?:a\s*)?a\+"
    r")(?![\w+])",
    re.I,
)
_UI_WEAK = frozenset({"a", "a-", "a+", "-", "+", "và", "trên", "qua", "in", "lưu", "theo dõi", "chúng tôi"})
_UI_SEPARATORS = re.compile(r"[|•·/,:;>»()\[\]]")
_FOLLOW_US = re.compile(r"^theo dõi\b.{0,60}\btrên\b.{0,25}$", re.I)
_BREADCRUMB = re.compile(r"^trang chủ\s*[>»/|]", re.I)

_GALLERY = re.compile(r"^\d+\s+image\s+gallery(?:\s+\d+)?$", re.I)
_IMAGE_ID = re.compile(r"^(?:\d+\s+)?(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{12,}$", re.I)
_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|bmp|svg)\b", re.I)

_SOURCE = re.compile(r"^\(?nguồn\s*:", re.I)
_TRAILING_SOURCE = re.compile(r"^\(?(?:theo|nguồn)\s*:?\s+(?P<name>[^()]+?)\)?$", re.I)
_CREDIT = re.compile(
    r"^(?P<kind>tin và ảnh|tin, ảnh|bài và ảnh|bài, ảnh|tin|bài|ảnh|nhóm pv|pv|phóng viên|video|clip|"
    r"đồ họa|thực hiện|nhóm phóng viên)\s*:\s*(?P<name>.+)$",
    re.I,
)
_DOMAIN_TAIL = re.compile(r"[|#-]\s*[\w.-]+\.(?:com|net|org|vn|info|biz)(?:\.vn)?\s*$", re.I)
_MASTHEAD = re.compile(r"^báo(?: điện tử)?\s+(?P<name>.+)$", re.I)
_SECTION_LABELS = _phrases(
    """
    thời sự|chính trị|xã hội|kinh tế|pháp luật|văn hóa|thế giới|giáo dục|sức khỏe|quốc phòng|an ninh|
    quốc phòng - an ninh|tin tức|tin tức - sự kiện|tin tức sự kiện|dân vận|công tác dân vận|quân sự|
    đời sống|thể thao|du lịch|bạn đọc|địa phương|tiêu điểm|trang chủ|xây dựng đảng|nông nghiệp|
    nông thôn mới|tin trong nước|trong nước|tin địa phương|hoạt động|tin hoạt động|sự kiện|chuyên đề
    """
)
_YEAR_KICKER = re.compile(r"^năm \d{4}$", re.I)

_NAME_TOKEN = re.compile(r"^[^\W\d_][^\W\d_.]*(?:\.[^\W\d_]*)*\.?$")
_COMPILED_NOTE = re.compile(r"\s*\((?:tổng hợp|t/h|th|tổng hợp từ [^()]+)\)\s*$", re.I)  # "Hà Thu (tổng hợp)"
_NAME_SPLIT = re.compile(r"[\s/&,;-]+")
_HEADLINE_FIRST = "“\"'‘("


# Line classifiers are pure functions of the line; clean_text runs passes until nothing changes,
# so most lines are classified again in the next pass: those answers are kept (the last few
# thousand lines' only; the private ``_dateline`` … below are kept copies of public classifiers).
_MEMO_SIZE = 4096


@lru_cache(maxsize=_MEMO_SIZE)
def _words(line: str) -> int:
    return len(line.split())


def is_related_heading(line: str) -> bool:
    """True for a heading that opens a related-articles or comments block ("Tin khác", "Bình luận (3)")."""
    if _words(line) > 6:
        return False
    return _HEADING_TRIM.sub("", line).lower() in _RELATED_HEADINGS


@lru_cache(maxsize=_MEMO_SIZE)
def _is_ui(line: str) -> bool:
    low = line.lower()
    if _FOLLOW_US.match(low) or _BREADCRUMB.match(low):
        return True
    if "°c" in low and _words(line) <= 20:
        return True  # weather widget
    if _words(line) > 12:
        return False
    rest, n = _UI_STRONG.subn(" ", low)
    if not n:
        return False
    rest = _UI_SEPARATORS.sub(" ", rest)
    rest = re.sub(r"theo dõi|chúng tôi", " ", rest)
    return all(tok in _UI_WEAK for tok in rest.split())


@lru_cache(maxsize=_MEMO_SIZE)
def _is_image_line(line: str) -> bool:
    if _GALLERY.match(line) or _IMAGE_ID.match(line):
        return True
    return bool(_IMAGE_FILE.search(line)) and _words(line) <= 6


def is_name_line(line: str, max_tokens: int = 5, max_len: int = 40) -> bool:
    """True for a short personal name such as a byline ("Minh Khoa", "T.Lan", "THU HÀ", "Thu Hà - Nam Anh")."""
    if "(" in line:  # every compiled note is in brackets
        line = _COMPILED_NOTE.sub("", line)
    if not line or len(line) > max_len or any(ch.isdigit() for ch in line):
        return False
    if line[-1] in "!?:;,":
        return False
    tokens = [t for t in _NAME_SPLIT.split(line.strip("()")) if t and t.lower() != "và"]
    if not 1 <= len(tokens) <= max_tokens:
        return False
    return all(_NAME_TOKEN.match(t) and t[0].isupper() for t in tokens)


def is_headline_like(line: str, min_words: int = 3, max_words: int = 25) -> bool:
    """True for a line that reads like a headline: short, capitalised, no closing punctuation."""
    n = _words(line)
    if not min_words <= n <= max_words:
        return False
    if line[-1] in ".;:,!" or not (line[0].isupper() or line[0].isdigit() or line[0] in _HEADLINE_FIRST):
        return False
    return not is_dateline(line)


@lru_cache(maxsize=_MEMO_SIZE)
def _credit_name(line: str) -> tuple[str, str] | None:
    """``(kind, names)`` of a credit line such as "Tin và ảnh: THU HÀ - NAM ANH"."""
    m = _CREDIT.match(line)
    if m and is_name_line(m.group("name"), max_tokens=8, max_len=60):
        return m.group("kind").lower(), m.group("name").strip()
    return None


def _is_trailing_source(line: str) -> bool:
    m = _TRAILING_SOURCE.match(line)
    return bool(m) and is_name_line(m.group("name"), max_tokens=6, max_len=50)


def _is_masthead(line: str) -> bool:
    m = _MASTHEAD.match(line)
    return bool(m) and is_name_line(m.group("name"), max_tokens=6, max_len=50)


_dateline = lru_cache(maxsize=_MEMO_SIZE)(is_dateline)
_headline = lru_cache(maxsize=_MEMO_SIZE)(is_headline_like)
_name_line = lru_cache(maxsize=_MEMO_SIZE)(is_name_line)
_related_heading = lru_cache(maxsize=_MEMO_SIZE)(is_related_heading)


# --- the pass -------------------------------------------------------------------------------------


class _Pass:
    """State of one pass over the lines: which indices are dropped and why."""

    def __init__(self, lines: Sequence[str], keep_first: bool) -> None:
        self.lines = lines
        self.content = [i for i, ln in enumerate(lines) if ln]
        self.protected = {self.content[0]} if keep_first and self.content else set()
        self.body_start = next((i for i in self.content if _words(lines[i]) >= BODY_MIN_WORDS), None)
        self.reasons: dict[int, str] = {}
        self.author: str | None = None

    def drop(self, i: int, reason: str) -> None:
        if i not in self.protected and i not in self.reasons:
            self.reasons[i] = reason

    def alive(self) -> list[int]:
        return [i for i in self.content if i not in self.reasons]

    def in_header(self, i: int) -> bool:
        return self.body_start is None or i < self.body_start

    def result(self) -> Furniture:
        drops = [Drop(i, self.lines[i], self.reasons[i]) for i in sorted(self.reasons)]
        return Furniture(drops, self.author)


def _line_rules(p: _Pass) -> None:
    """Rules that look at one line (and whether it sits above the body)."""
    for i in p.content:
        line = p.lines[i]
        if _is_ui(line):
            p.drop(i, "ui")
        elif _is_image_line(line):
            p.drop(i, "image")
        elif _dateline(line):
            p.drop(i, "dateline")
        elif _SOURCE.match(line) and _words(line) < BODY_MIN_WORDS:
            p.drop(i, "source")
        elif (credit := _credit_name(line)) is not None:
            p.drop(i, "byline")
            if not credit[0].startswith("ảnh") and p.author is None and i not in p.protected:
                p.author = credit[1]
        elif _INLINE_RELATED.match(line) and _words(line) < BODY_MIN_WORDS + 15:
            p.drop(i, "related")
        elif (p.in_header(i) or i == p.body_start) and (_DOMAIN_TAIL.search(line) or _is_masthead(line)):
            p.drop(i, "site")


def _section_label(p: _Pass) -> None:
    """A section label or year kicker as the first line, above a headline, is not the title."""
    alive = p.alive()
    if len(alive) < 2 or not p.in_header(alive[0]):
        return
    first, nxt = p.lines[alive[0]], p.lines[alive[1]]
    label = first.lower().rstrip(" :")
    if (label in _SECTION_LABELS or _YEAR_KICKER.match(label)) and _headline(nxt):
        p.drop(alive[0], "site")


def _related_blocks(p: _Pass) -> None:
    """Related-articles headings: to the end after the body started, else the headlines below them."""
    for i in p.alive():
        if not _related_heading(p.lines[i]):
            continue
        if p.body_start is not None and i > p.body_start:
            for j in p.content:
                if j >= i:
                    p.drop(j, "related")
            return
        p.drop(i, "related")
        run = []
        for j in p.alive():
            if j <= i:
                continue
            if j == p.body_start or not _headline(p.lines[j]) or len(run) >= MAX_RUN:
                break
            run.append(j)
        body_follows = p.body_start is not None and (not run or p.body_start > run[-1])
        for j in run[:-1] if body_follows else run:
            p.drop(j, "related")


def _blocks(p: _Pass) -> list[list[int]]:
    """Alive content lines grouped into blocks separated by blank lines."""
    blocks: list[list[int]] = []
    prev = None
    for i in p.alive():
        if prev is not None and any(not p.lines[k] for k in range(prev + 1, i)):
            blocks.append([])
        if not blocks:
            blocks.append([])
        blocks[-1].append(i)
        prev = i
    return blocks


def _inline_related(p: _Pass, min_run: int = 3) -> None:
    """A body paragraph followed, in the same block, by three or more headline lines."""
    for block in _blocks(p):
        anchors = [k for k, i in enumerate(block) if not _headline(p.lines[i], min_words=4)]
        if not anchors:
            continue
        anchor = p.lines[block[anchors[-1]]]
        tail = block[anchors[-1] + 1 :]
        if _words(anchor) >= BODY_MIN_WORDS and not anchor.endswith(":") and len(tail) >= min_run:
            for j in tail:
                p.drop(j, "related-inline")


def _repeated(p: _Pass) -> None:
    seen: set[str] = set()
    for i in p.alive():
        line = p.lines[i]
        if _words(line) < REPEAT_MIN_WORDS:
            continue
        if line in seen:
            p.drop(i, "repeated")
        seen.add(line)


def _bylines(p: _Pass) -> None:
    """A name next to a share bar, and a name or source line closing the article."""
    for i in p.alive():
        if not p.in_header(i) or not _name_line(p.lines[i]):
            continue
        neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(p.lines) and p.lines[j]]
        if any(p.reasons.get(j) == "ui" for j in neighbours):
            p.drop(i, "byline")
            p.author = p.author or p.lines[i]
    alive = p.alive()
    if len(alive) < 2 or p.body_start is None or alive[-1] <= p.body_start:
        return
    last = alive[-1]
    if _name_line(p.lines[last]):
        p.drop(last, "byline")
        p.author = p.author or _COMPILED_NOTE.sub("", p.lines[last])
    elif _is_trailing_source(p.lines[last]):
        p.drop(last, "source")


def _kicker(p: _Pass, max_words: int = 10) -> None:
    """A rubric above the title: two headlines, then a byline, share bar or dateline.

    The first, shorter headline is a section or event rubric ("Chào mừng đại
    hội …", "Năm 2024"); the one right above the byline is the title.
    """
    header = [i for i in p.content if p.in_header(i)]
    marker = next((i for i in header if p.reasons.get(i) in ("ui", "byline", "dateline")), None)
    if marker is None:
        return
    heads = [i for i in header if i < marker and i not in p.reasons]
    if len(heads) != 2:
        return
    kicker, title = (p.lines[i] for i in heads)
    short = _words(kicker) <= max_words and _words(kicker) < _words(title)
    plain = not any(ch.isdigit() for ch in kicker) or _YEAR_KICKER.match(kicker.lower())
    if short and plain and _headline(kicker, min_words=2) and _headline(title):
        p.drop(heads[0], "site")


def find_furniture(lines: Sequence[str], keep_first: bool = False) -> Furniture:
    """One pass of furniture detection over normalised, stripped ``lines`` ("" = blank line).

    With ``keep_first`` the first non-blank line (a known title) is never dropped.
    """
    p = _Pass(lines, keep_first)
    _line_rules(p)
    _section_label(p)
    _related_blocks(p)
    _inline_related(p)
    _repeated(p)
    _bylines(p)
    _kicker(p)
    return p.result()
