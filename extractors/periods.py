"""Time expressions: find the periods a sentence names and resolve them to SCHEMA.md strings.

Pure functions over the cleaned text.  A period is written as SCHEMA.md writes it:
``2022``; a range ``2018-2023``; halves and quarters ``2024-H1``, ``2024-Q3``; an open
range ``2010-`` ("từ năm 2010 đến nay").  Relative expressions ("năm qua", "trong năm",
"Sau 10 năm triển khai", "từ đầu năm đến nay") need an anchor year (the article's date or
the event year named nearby) and are resolved by :func:`resolve_relative`.  A goal's year
("phấn đấu đến năm 2025") is not a period of anything counted and gives no mention.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from extractors.numbers import parse_numeral
from extractors.regex_speed import _EXTRA_CASES, with_first_chars

_Y = r"((?:19|20)\d{2})"
_DASH = r"\s*[-–—]\s*"
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(frozen=True, slots=True)
class PeriodMention:
    """A time expression in the text.

    ``value`` is the SCHEMA.md period string, or None for a relative expression
    that still needs an anchor (``relative_years`` says how many years back it
    reaches; 0 means "the anchor year itself").  ``cumulative`` marks "đến nay"
    / "tính đến" / "hiện có" expressions with no start, which give no period; ``total``
    marks "nâng tổng số ... lên", a running total that no period in its sentence dates.
    """

    start: int
    end: int
    value: str | None
    # year | range | open | open_rel | half | half_rel | quarter | quarter_rel | relative | cumulative | total
    kind: str
    relative_years: int | None = None


# Order matters: longer, more specific patterns first; spans may not overlap.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "open",
        re.compile(
            rf"(?i)\btừ\s+(?:đầu\s+|cuối\s+|giữa\s+)?(?:năm\s+|tháng\s+\d{{1,2}}\s*/\s*|tháng\s+\d{{1,2}}\s+năm\s+)?{_Y}\s*(?:,\s*)?(?:đến|tới)\s+nay"
        ),
    ),
    # the span or year in a legal act's name ("Nghị quyết 35 ... giai đoạn 2021 - 2025") dates
    # the act, not a figure: taken, no mention (not after a comma: "Nghị quyết 35, năm 2024 ...")
    (
        "document",
        re.compile(
            rf"(?i)\b(?:nghị\s+quyết|quyết\s+định|chỉ\s+thị|kết\s+luận)(?:\s+số)?\s+\d[^\s,;.]*"
            rf"[^.;:\n]{{0,120}}?(?<![,\s])\s+(?P<at>(?:giai\s+đoạn|thời\s+kỳ)\s+{_Y}{_DASH}{_Y}|năm\s+{_Y})"
        ),
    ),
    # "từ đầu năm (nay) đến nay" with no year: open from the anchor year ("2025-")
    ("open_rel", re.compile(r"(?i)\btừ\s+đầu\s+năm(?:\s+nay)?\s*(?:,\s*)?(?:đến|tới)\s+nay")),
    (
        "range",
        re.compile(
            rf"(?i)\btừ\s+(?:đầu\s+|cuối\s+)?(?:năm\s+)?{_Y}\s+(?:đến|tới)\s+(?:hết\s+|cuối\s+)?(?:năm\s+)?{_Y}"
        ),
    ),
    ("range", re.compile(rf"(?i)(?:giai\s+đoạn|nhiệm\s+kỳ|thời\s+kỳ|năm|trong)?\s*\(?{_Y}{_DASH}{_Y}\)?")),
    ("half", re.compile(rf"(?i)\b(6|sáu)\s+tháng\s+(đầu|cuối)\s+năm\s+{_Y}")),
    ("half", re.compile(r"(?i)\b(?:sơ\s+kết\s+)?(6|sáu)\s+tháng\s+(đầu|cuối)\s+năm\b(?!\s+(?:19|20)\d\d)")),
    ("quarter", re.compile(rf"(?i)\bquý\s+(I{{1,3}}|IV|[1-4])\s*(?:/|năm\s+|-\s*){_Y}")),
    ("quarter_rel", re.compile(r"(?i)\bquý\s+(I{1,3}|IV|[1-4])(?![\wÀ-ỹ])(?!\s*(?:/|năm|-)\s*\d)")),
    # a goal ("phấn đấu đến năm 2025 ...", "mục tiêu ... vào năm 2025") dates no figure: its span
    # (the group ``at``) is taken so that no later pattern reads it, and it gives no mention
    (
        "target",
        re.compile(
            rf"(?i)\b(?:mục\s+tiêu|phấn\s+đấu|hướng\s+tới|dự\s+kiến|chỉ\s+tiêu)[^.;:\n]{{0,60}}?"
            rf"(?P<at>(?:vào|đến|tới)\s+(?:hết\s+|cuối\s+)?năm\s+{_Y})(?!\s*[-–—]\s*(?:19|20)\d\d)"
        ),
    ),
    (
        "relative",
        re.compile(
            r"(?i)\b(?:sau|trong|qua|hơn|gần)\s+(\d{1,2}|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)\s+năm\s+(?:qua|triển\s+khai|thực\s+hiện|tổ\s+chức|phát\s+động|duy\s+trì)"
        ),
    ),
    ("relative", re.compile(r"(?i)\b(\d{1,2}|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)\s+năm\s+qua\b")),
    (
        "this_year",
        re.compile(
            r"(?i)\b(?:trong|của)\s+năm\s+(?:qua|nay)\b|\bnăm\s+qua\b|\btrong\s+năm\b(?!\s+(?:19|20)\d\d|\s+\d)|\bnăm\s+nay\b"
        ),
    ),
    (
        "cumulative",
        re.compile(
            rf"(?i)\b(?:tính\s+)?đến\s+(?:nay|hết\s+năm\s+{_Y}|tháng\s+\d{{1,2}}\s*/\s*{_Y}|cuối\s+năm\s+{_Y})|\bhiện\s+nay\b|\bhiện\s+(?:có|đã|đang|duy\s+trì)\b"
        ),
    ),
    # "nâng tổng số mô hình ... lên 312": a running total, undated whatever frames the sentence
    ("total", re.compile(r"(?i)\bnâng\s+tổng\s+số\b")),
    ("year", re.compile(rf"(?i)\bnăm\s+{_Y}\b(?!\s*[-–—]\s*(?:19|20)\d\d)")),
]
_PATTERNS = [(kind, with_first_chars(rx)) for kind, rx in _PATTERNS]  # same matches, found faster

# Gates: for each pattern, something every match of it holds, looked for first (a fraction of the
# pattern's own scan); a text without it is not scanned with the pattern.  A string gate is
# looked for in the text lower-cased, a compiled one is searched in the lower-cased text, except
# the year range's, searched in the text.  Lower-case letters only, and none of ``i`` or ``s``
# (``re`` matches them case-blindly with ``İ``/``ı`` and ``ſ``, which ``str.lower`` does not
# turn into them): a word with one is cut before it or its letter left to ``\S``.
_TO_NOW = r"(?:đến|tớ\S+)\s+nay"
_YEAR_RANGE = re.compile(rf"(?:19|20)\d{{2}}{_DASH}(?:19|20)\d{{2}}")
_GATES: list[re.Pattern[str] | tuple[str, ...] | None] = [
    re.compile(_TO_NOW),  # open
    ("nghị", "quyết", "chỉ", "kết"),  # document
    re.compile(_TO_NOW),  # open_rel
    re.compile(r"(?:đến|tớ\S+)\s+(?:\S+\s+){0,2}(?:19|20)\d\d"),  # range "từ ... đến ..."
    _YEAR_RANGE,  # range, searched in the text
    re.compile(r"tháng\s+\S+\s+năm\s+(?:19|20)\d\d"),  # half
    re.compile(r"tháng\s+\S+\s+năm"),  # half, relative
    ("quý",),  # quarter
    ("quý",),  # quarter, relative
    ("mục", "phấn", "hướng", "dự", "chỉ"),  # target
    re.compile(r"năm\s+(?:qua|tr|th|tổ|ph|du)"),  # relative "sau 10 năm triển khai"
    re.compile(r"năm\s+qua"),  # relative "10 năm qua"
    re.compile(r"năm\s+(?:qua|nay)|trong\s+năm"),  # this year
    None,  # cumulative
    re.compile(r"nâng\s+tổng"),  # total
    None,  # year
]
assert len(_GATES) == len(_PATTERNS)
if any(  # the rule above, for the letters of the gates (class escapes aside); else no gates
    c in "is" or c != c.lower() or ord(c) in _EXTRA_CASES
    for g in _GATES
    if g is not None and g is not _YEAR_RANGE
    for c in ("".join(g) if isinstance(g, tuple) else re.sub(r"\\[sSd]", "", g.pattern))
    if c.isalpha()
):  # pragma: no cover - a Python whose re matches these letters case-blindly with others
    _GATES = [None] * len(_PATTERNS)


_NO_MENTION = ("target", "document")


# Starts: for each pattern, the words (lower-case) one of which every match of it starts with,
# found in the text lower-cased with ``str.find`` (far cheaper than ``re`` trying a pattern at
# each of its first characters, case-blind); the pattern is tried only there, with ``match`` on
# the text itself, which sees the same ``\b`` and look-behinds.  ``re`` matches ``i`` and ``s``
# case-blindly with ``ı`` and ``ſ``, which ``str.lower`` keeps: both spellings are looked for
# (:func:`_spellings`); no other letter of these words has a case twin that ``str.lower`` does not
# turn into it.  Two patterns (None) are found from what they hold instead: the year range,
# which may start at any space (:func:`_year_ranges`), and "10 năm qua", which may start at any
# digit (:func:`_years_past`).  The gates are for a text that ``str.lower`` does not line up.
_STARTS: list[tuple[str, ...] | None] = [
    ("từ",),  # open
    ("nghị", "quyết", "chỉ", "kết"),  # document
    ("từ",),  # open_rel
    ("từ",),  # range "từ ... đến ..."
    None,  # range
    ("6", "sáu"),  # half
    ("sơ", "6", "sáu"),  # half, relative
    ("quý",),  # quarter
    ("quý",),  # quarter, relative
    ("mục", "phấn", "hướng", "dự", "chỉ"),  # target
    ("sau", "trong", "qua", "hơn", "gần"),  # relative "sau 10 năm triển khai"
    None,  # relative "10 năm qua"
    ("trong", "của", "năm"),  # this year
    ("tính", "đến", "hiện"),  # cumulative
    ("nâng",),  # total
    ("năm",),  # year
]
assert len(_STARTS) == len(_PATTERNS)
_CASE_TWINS = {"i": "iı", "s": "sſ"}  # what ``re`` matches case-blindly, as ``str.lower`` leaves it


def _spellings(word: str) -> list[str]:
    """``word`` with each ``i`` / ``s`` spelt in each of its lower-cased case twins."""
    out = [""]
    for ch in word:
        out = [o + c for o in out for c in _CASE_TWINS.get(ch, ch)]
    return out


_START_SPELLINGS: list[tuple[str, ...] | None] = [
    None if st is None else tuple(w for word in st for w in _spellings(word)) for st in _STARTS
]
_SPACE = re.compile(r"\s")
# the spellings with "ı" or "ſ", by that letter
_TWIN_SPELLINGS = {
    twin: tuple(sorted({w for st in _START_SPELLINGS if st for w in st if twin in w})) for twin in "ıſ"
}

# the year range pattern: its first year starts a match of _YEAR_RANGE; what the match holds
# before it (a leading word, spaces, "(") is made of these characters, matched as the pattern does
_RANGE_LEAD = re.compile(r"(?i)[\s(" + "".join(sorted(set("giaiđoạnnhiệmkỳthờikỳnămtrong"))) + "]")
_RANGE_AT = 4
assert _PATTERNS[_RANGE_AT][0] == "range" and _STARTS[_RANGE_AT] is None


def _year_ranges(rx: re.Pattern[str], segment: str) -> Iterator[re.Match[str]]:
    """``rx.finditer(segment)`` for the year range pattern (``_PATTERNS[_RANGE_AT]``).

    Every match holds a year range (:data:`_YEAR_RANGE`) starting at its first year, and what
    comes before that in the match holds no digit; so the next match from ``pos`` holds the
    first year range at or after ``pos`` (there is a match starting there), and starts no
    earlier than the run of :data:`_RANGE_LEAD` characters just before it."""
    pos = 0
    while (core := _YEAR_RANGE.search(segment, pos)) is not None:
        lo = core.start()
        while lo > pos and _RANGE_LEAD.match(segment, lo - 1):
            lo -= 1
        m = rx.search(segment, lo)
        assert m is not None and m.start() <= core.start()  # the pattern matches at the core
        yield m
        pos = m.end()


# "10 năm qua" (``_PATTERNS[_PAST_AT]``): a number of one to four characters, spaces, "năm qua"
_YEARS_PAST = re.compile(r"năm\s+qua")
_PAST_AT = 11
assert _PATTERNS[_PAST_AT][0] == "relative" and _STARTS[_PAST_AT] is None
assert [i for i, st in enumerate(_STARTS) if st is None] == [_RANGE_AT, _PAST_AT]
_LONGEST_NUMBER = 4  # "mười", "chín"; digits: two


def _years_past(rx: re.Pattern[str], segment: str, low: str) -> Iterator[re.Match[str]]:
    """``rx.finditer(segment)`` for "10 năm qua": tried where a number can start before the
    spaces in front of a "năm qua" (looked for in ``low``)."""
    starts: set[int] = set()
    for hit in _YEARS_PAST.finditer(low):
        t = hit.start()
        while t > 0 and _SPACE.match(segment, t - 1):
            t -= 1
        if t < hit.start():
            starts.update(range(max(0, t - _LONGEST_NUMBER), t))
    return _started(rx, segment, sorted(starts))


def _started(rx: re.Pattern[str], segment: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """``rx.finditer(segment)`` for a pattern every match of which starts at one of ``starts``
    (sorted) and is not empty."""
    pos = 0
    match = rx.match
    for s in starts:
        if s < pos:
            continue
        m = match(segment, s)
        if m is not None:
            yield m
            pos = m.end()


def _word_starts(low: str, words: tuple[str, ...], cache: dict[str, list[int]]) -> list[int]:
    """Every offset in ``low`` where one of ``words`` starts, sorted (not to be changed: a list
    may be the cache's own)."""
    out: set[int] = set()
    for w in words:
        found = cache.get(w)
        if found is None:
            found = []
            i = low.find(w)
            while i >= 0:
                found.append(i)
                i = low.find(w, i + 1)
            cache[w] = found
        if len(words) == 1:  # one word (half the patterns): its offsets, found in order, are the answer
            return found
        out.update(found)
    return sorted(out)


def _gated(gate: re.Pattern[str] | tuple[str, ...] | None, segment: str, low: str) -> bool:
    if gate is _YEAR_RANGE:
        return bool(gate.search(segment))
    if isinstance(gate, tuple):
        return any(g in low for g in gate)
    return gate is None or bool(gate.search(low))


def _scans(segment: str, low: str) -> Iterator[tuple[str, Iterator[re.Match[str]]]]:
    """For each pattern of :data:`_PATTERNS`, its kind and ``pat.finditer(segment)``, found from
    the starts of its matches when ``low`` lines up with ``segment`` character by character
    (else scanned through, a pattern whose gate the text fails skipped)."""
    if len(low) != len(segment):  # "İ" lower-cased into two characters
        for (kind, pat), gate in zip(_PATTERNS, _GATES, strict=True):
            if _gated(gate, segment, low):
                yield kind, pat.finditer(segment)
        return
    cache: dict[str, list[int]] = {}
    for twin, spellings_with in _TWIN_SPELLINGS.items():
        if twin not in low:  # (nearly always) no need to look for the spellings with it
            cache.update(dict.fromkeys(spellings_with, []))
    for i, ((kind, pat), spellings) in enumerate(zip(_PATTERNS, _START_SPELLINGS, strict=True)):
        if i == _RANGE_AT:
            yield kind, _year_ranges(pat, segment)
        elif i == _PAST_AT:
            yield kind, _years_past(pat, segment, low)
        else:
            assert spellings is not None
            yield kind, _started(pat, segment, _word_starts(low, spellings, cache))


def find_periods(text: str, start: int = 0, end: int | None = None) -> list[PeriodMention]:
    """Every time expression in ``text[start:end]``, non-overlapping, by position."""
    end = len(text) if end is None else end
    segment = text[start:end]
    found: list[PeriodMention] = []
    taken: list[tuple[int, int]] = []
    for kind, matches in _scans(segment, segment.lower()):
        for m in matches:
            s, e = m.start() + start, m.end() + start
            s += len(m.group(0)) - len(m.group(0).lstrip())
            if kind in _NO_MENTION:
                s, e = m.start("at") + start, m.end("at") + start
            if any(s < te and ts < e for ts, te in taken):
                continue
            if kind in _NO_MENTION:
                taken.append((s, e))
                continue
            mention = _to_mention(kind, m, s, e)
            if mention is None:
                continue
            taken.append((s, e))
            found.append(mention)
    found.sort(key=lambda p: p.start)
    return found


def _to_mention(kind: str, m: re.Match[str], s: int, e: int) -> PeriodMention | None:
    g = m.groups()
    if kind == "open":
        return PeriodMention(s, e, f"{g[0]}-", "open")
    if kind == "open_rel":
        return PeriodMention(s, e, None, "open_rel", relative_years=0)
    if kind == "range":
        a, b = int(g[0]), int(g[1])
        if not 0 < b - a <= 30:
            return None
        return PeriodMention(s, e, f"{a}-{b}", "range")
    if kind == "half":
        h = "H1" if g[1].lower() == "đầu" else "H2"
        if len(g) > 2 and g[2]:
            return PeriodMention(s, e, f"{g[2]}-{h}", "half")
        return PeriodMention(s, e, None, "half_rel", relative_years=1 if h == "H1" else 2)
    if kind == "quarter":
        q = _ROMAN.get(g[0].lower())
        return PeriodMention(s, e, f"{g[1]}-Q{q}", "quarter") if q else None
    if kind == "quarter_rel":
        q = _ROMAN.get(g[0].lower())
        return PeriodMention(s, e, None, "quarter_rel", relative_years=q) if q else None
    if kind == "relative":
        n = _to_int(g[0])
        if n is None or not 1 <= n <= 30:
            return None
        return PeriodMention(s, e, None, "relative", relative_years=n)
    if kind == "this_year":
        return PeriodMention(s, e, None, "relative", relative_years=0)
    if kind in ("cumulative", "total"):
        return PeriodMention(s, e, None, kind)
    if kind == "year":
        return PeriodMention(s, e, g[0], "year")
    return None


def _to_int(word: str) -> int | None:
    value = parse_numeral(word.lower())
    return int(value) if value is not None and float(value).is_integer() else None


def resolve_relative(mention: PeriodMention, anchor_year: int | None) -> str | None:
    """The period of a relative expression, given the year it is counted back from."""
    if mention.value is not None:
        return mention.value
    if anchor_year is None or mention.relative_years is None:
        return None
    if mention.kind == "half_rel":
        return f"{anchor_year}-H{mention.relative_years}"
    if mention.kind == "quarter_rel":
        return f"{anchor_year}-Q{mention.relative_years}"
    if mention.kind == "open_rel":
        return f"{anchor_year}-"
    if mention.relative_years in (0, 1):  # "trong năm", "Sau 1 năm triển khai": the year itself
        return str(anchor_year)
    return f"{anchor_year - mention.relative_years}-{anchor_year}"


def year_of(period: str | None) -> int | None:
    """The last year a period string reaches (``2018-2023`` → 2023; ``2010-`` → 2010)."""
    if not period:
        return None
    years = re.findall(r"(?:19|20)\d{2}", period)
    return int(years[-1]) if years else None
