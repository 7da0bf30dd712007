"""Publication dates: parse Vietnamese date expressions and find an article's dateline.

Only full dates with a year count.  Accepted spellings are ``26/10/2022``,
``26-10-2022``, ``26.10.2022``, ``2022-10-26`` and ``ngày 26 tháng 10 năm
2022``; a two-digit year (``31-12-25``) only on a line that is nothing but a
dateline.  Dates that belong to a document reference ("Quyết định
290-QĐ/TW ngày 25/2/2010") are never taken for the article's date.

Functions return ISO ``YYYY-MM-DD`` strings, or None.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

__all__ = ["find_dates", "find_published", "is_dateline", "normalize_published", "parse_date"]

MIN_YEAR, MAX_YEAR = 1990, 2100

_DMY = re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?![\d/-])")
_DMY_SHORT = re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{2})(?![\d/.-])")
_YMD = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2}),?\s+năm\s+(\d{4})(?!\d)", re.IGNORECASE)

# Removed from a line before deciding whether it is a pure dateline.
_TIME = re.compile(r"(?<!\d)\d{1,2}[:h]\d{2}(?::\d{2})?(?:\s*(?:am|pm|sa|ch|giờ))?(?![\d/])", re.IGNORECASE)
_DATELINE_WORDS = re.compile(
    r"thứ\s+(?:hai|ba|tư|năm|sáu|bảy|7|[2-7])|chủ\s+nhật|cập\s+nhật(?:\s+lúc)?|ngày\s+đăng|đăng\s+ngày|"
    r"đăng\s+lúc|xuất\s+bản|thời\s+gian|ngày|lúc|gmt\s*[+-]\s*\d+|utc\s*[+-]?\s*\d*",
    re.IGNORECASE,
)
_DATELINE_REST = re.compile(r"[\s|•·,:;()\[\]/+-]*")

# A date right after one of these belongs to a document, not to the article.
_DOCUMENT_REF = re.compile(
    r"(?:quyết\s+định|nghị\s+quyết|nghị\s+định|chỉ\s+thị|thông\s+tư|thông\s+báo|kết\s+luận|kế\s+hoạch|"
    r"công\s+văn|hướng\s+dẫn|quy\s+định|luật|hiến\s+pháp|số\s+\S+|\d+[-/][\wĐđ]+(?:/[\wĐđ-]+)+)"
    r"[^.;]{0,40}$",
    re.IGNORECASE,
)


def _iso(day: int, month: int, year: int) -> str | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def find_dates(text: str, short_year: bool = False) -> list[tuple[int, str]]:
    """Every valid full date in ``text`` as ``(position, ISO date)``, in order of position."""
    found: list[tuple[int, str]] = []
    for m in _DMY.finditer(text):
        found.append((m.start(), _iso(int(m.group(1)), int(m.group(3)), int(m.group(4)))))
    for m in _YMD.finditer(text):
        found.append((m.start(), _iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))))
    for m in _WORDS.finditer(text):
        found.append((m.start(), _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))))
    if short_year:
        for m in _DMY_SHORT.finditer(text):
            found.append((m.start(), _iso(int(m.group(1)), int(m.group(3)), 2000 + int(m.group(4)))))
    return sorted((pos, iso) for pos, iso in found if iso)


def parse_date(text: str) -> str | None:
    """The first full date written in ``text`` as ISO ``YYYY-MM-DD``, or None."""
    dates = find_dates(text)
    return dates[0][1] if dates else None


def _strip_dateline(line: str) -> str:
    rest = _DMY.sub(" ", line)
    rest = _YMD.sub(" ", rest)
    rest = _WORDS.sub(" ", rest)
    rest = _DMY_SHORT.sub(" ", rest)
    rest = _TIME.sub(" ", rest)
    rest = _DATELINE_WORDS.sub(" ", rest)
    return _DATELINE_REST.sub("", rest)


def is_dateline(line: str) -> bool:
    """True for a line that only gives a publication date/time ("Thứ Năm, 07/11/2024 09:15")."""
    if not line or len(line) > 80:
        return False
    if not find_dates(line, short_year=True):
        return False
    return _strip_dateline(line) == ""


def _is_document_date(text: str, pos: int) -> bool:
    return bool(_DOCUMENT_REF.search(text[max(0, pos - 60) : pos]))


def _first_sentence(line: str) -> str:
    m = re.search(r"[.!?](?:\s|$)", line)
    return line[: m.end()] if m else line


def _lead_date(line: str, window: int = 60) -> str | None:
    """A date near the start of the body's first sentence ("Sáng ngày 27/10/2023, …")."""
    sentence = _first_sentence(line)
    for pos, iso in find_dates(sentence):
        if _is_document_date(sentence, pos):
            continue
        if pos <= window or sentence[max(0, pos - 7) : pos].lower().endswith("(ngày "):
            return iso
    return None


def find_published(lines: Sequence[str], top: int = 5, min_body_words: int = 15) -> str | None:
    """The article date from its text: a dateline near the top, else the lead sentence.

    ``lines`` are the article's normalised lines.  A dateline is looked for in
    the first ``top`` non-empty lines (a pure dateline first, then a short line
    holding a date); failing that, a date near the start of the first body line
    (the first line of at least ``min_body_words`` words) is used.
    """
    head = [ln for ln in lines if ln.strip()][:top]
    for line in head:
        if is_dateline(line):
            return find_dates(line, short_year=True)[0][1]
    for line in head:
        if len(line.split()) <= 12:
            for pos, iso in find_dates(line):
                if not _is_document_date(line, pos):
                    return iso
    for line in lines:
        if len(line.split()) >= min_body_words:
            return _lead_date(line)
    return None


_ISO_PREFIX = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ]|$)")


def normalize_published(value: object) -> str | None:
    """A ``published`` value from a record (ISO datetime, ``YYYY-MM``, ``dd/mm/yyyy``…) as ISO, or None.

    Keeps the precision given: ``"2024-03"`` stays ``"2024-03"``, ``"2024"`` stays ``"2024"``.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    m = _ISO_PREFIX.match(value)
    if m:
        year, month, day = m.group(1), m.group(2), m.group(3)
        if day:
            return _iso(int(day), int(month), int(year))
        if month:
            return (
                f"{year}-{int(month):02d}"
                if 1 <= int(month) <= 12 and MIN_YEAR <= int(year) <= MAX_YEAR
                else None
            )
        return year if MIN_YEAR <= int(year) <= MAX_YEAR else None
    return parse_date(value)
