"""Vietnamese numerals: one parser for digits and number words, and a finder for
every numeric expression of a text with its character span.

Pure functions, no I/O, no third-party imports.

Digit conventions (``parse_numeral``)
-------------------------------------
* A dot followed by exactly three digits is a thousands separator: ``1.431`` is
  1431, ``1.000.000`` is 10**6.  Any other dot is a decimal point: ``2.5`` is 2.5.
  Several dots that are not all thousands groups (``1.1.60``) do not parse.
* A comma is the decimal mark: ``93,2`` is 93.2, ``12,000`` is 12.0.  Two or more
  comma groups of three digits (``1,000,000``) can only be English thousands and
  are read so.  With ``comma_thousands=True`` (English style, see below) a single
  comma followed by three digits is a thousands separator too (``12,000`` is
  12000) and a dot is always a decimal point.
* Leading zeros are dropped (``04`` is 4).
* Digits may be followed by scale words: ``1,4 tỷ`` is 1.4e9, ``193 nghìn`` 193000.

``find_quantities`` reads a text in English style only when the text itself shows
it: a number with two or more comma groups of three digits, or a dot decimal with
one or two digits after the dot, and no Vietnamese dot-thousands number anywhere.

Number words
------------
``một hai ba bốn năm sáu bảy tám chín`` (``không`` 0), ``mười`` (ten), ``mươi``
(tens after a digit), ``mốt`` (1, after ``mươi``), ``tư`` (4) and ``lăm``/``nhăm``
(5) after ``mười``/``mươi``, ``linh``/``lẻ`` (zero tens after ``trăm``), ``trăm``,
``nghìn``/``ngàn``, ``vạn``, ``triệu``, ``tỷ``/``tỉ``.  ``hai mươi mốt`` is 21,
``một trăm linh năm`` 105.  A digit right after ``trăm`` with nothing after it
(colloquial ``hai trăm ba`` = 230) is refused as ambiguous.

What ``find_quantities`` reports (``Quantity.kind``)
----------------------------------------------------
* ``number``: digits, optionally with a qualifier before and scale words after.
* ``percent``: a number followed by ``%`` (glued or after one space).
* ``ratio``: ``a/b`` that is not a date; ``value`` a, ``ratio_of`` b.
* ``range``: ``a-b`` / ``a – b`` (at most one space around the dash); ``value`` a,
  ``range_to`` b; ``percent`` when ``%`` follows.
* ``date``: ``d/m/y``, ``d-m-y``, ``d.m.yyyy`` with a valid day and month; ``m/yyyy``
  (month 1-12, year 1900-2100); ``d/m`` or ``d-m`` when a date word (``ngày``,
  ``hôm``, ``sáng``, ``chiều``, ``tối``, ``trưa``, ``đêm``, ``mồng``/``mùng``, ...)
  stands right before it.  A bare ``d/m`` (d <= 31, m <= 12) with no date word
  is a ratio only when d <= m and a content word follows (``5/5 xã``); otherwise
  (``Từ 31/3, ...``, ``1/7 đến ...``) it is a date.  ``a/b`` with b > 12 is always a
  ratio (``8/18 bản``, ``356/382 xã``).  A bare number after ``ngày`` (1-31) or
  ``tháng`` (1-12) is a date too.  ``value`` is None for dates.
* ``time``: ``hh:mm`` or ``hh:mm:ss`` with valid fields; ``value`` None.
* ``year``: a four-digit integer 1945-2100 right after ``năm``, ``giai đoạn``,
  ``từ``, ``đến``, ``tới``, ``nhiệm kỳ``; ``value`` the year.
* ``word``: number words (``hai mô hình``, ``mười lăm tập thể``) or a vague
  quantity (``hàng nghìn``, ``hàng trăm``, ``hàng chục``, ``hàng vạn``, ``nhiều``,
  ``vài``, ``một vài``: ``vague=True``, ``value`` None).

Qualifiers (``hơn``, ``trên``, ``vượt``, ``hơn là`` → ``more_than``; ``gần``,
``gần như`` → ``nearly``; ``khoảng``, ``chừng``, ``xấp xỉ``, ``ước``, ``ước tính``,
``ước khoảng`` → ``about``; ``dưới``, ``chưa đến``, ``chưa tới`` → ``less_than``)
directly before a number, percent, range, ratio or word quantity set ``approx``
and widen ``start``.  Scale words after a number or range multiply it, set
``scale`` to the multiplier and widen ``end``.  ``num_start``/``num_end`` delimit
the numeral itself (``356/382``, ``2018-2023``, ``93,2``, ``hai``): no qualifier,
no scale word, no ``%``.

A number glued to letters on its left (``Covid-19``, ``H5N1``) or followed by a
letter that is not a measure (``290-QĐ``, ``25-NQ/TW``, ``2b38``) is not reported;
``9.600m2`` and ``730km`` are (the measure is left to the caller).  A comma
followed by a space is never a decimal mark: ``3, 4 và 5`` are three numbers.

Number words are conservative:
* only lower-case, or capitalised at the start of a sentence and then followed by
  a lower-case word (so ``Ba`` in ``huyện Ba Vì`` is never a number);
* the numeral must be followed, after spaces, by a word that is not itself a
  number word;
* ``năm`` (five / year) counts as 5 only before a multiplier (``năm mươi``,
  ``năm trăm``, ``năm nghìn``) or, alone, before a noun from a short list of
  counted nouns (``năm mô hình``, ``năm tập thể``, ``năm xã`` ...); after a tens
  word it is the noun ``năm`` (``hai mươi năm`` is 20 and years);
* ``tư``, ``mốt``, ``lăm``, ``nhăm``, ``linh``, ``lẻ`` never start a numeral;
* ``một`` is not a number in ``một số``, ``một cách``, ``một trong``, ``một vài``
  (vague) and similar fixed phrases;
* no number word right after ``thứ`` (ordinals), ``tháng``, ``ngày``, ``mồng``,
  ``lớp``, ``ngã`` (``ngã ba``), ``quận``, ``phường`` ..., nor right after another
  number word it does not form a numeral with (``ba ba``, ``mỗi năm một lần``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import repeat

from extractors.regex_speed import with_first_chars

KINDS = ("number", "percent", "ratio", "range", "date", "time", "year", "word")

SCALE_WORDS: dict[str, int] = {
    "trăm": 100,
    "nghìn": 1_000,
    "ngàn": 1_000,
    "vạn": 10_000,
    "triệu": 1_000_000,
    "tỷ": 1_000_000_000,
    "tỉ": 1_000_000_000,
}

QUALIFIERS: dict[str, str] = {
    "hơn là": "more_than",
    "hơn": "more_than",
    "trên": "more_than",
    "vượt": "more_than",
    "gần như": "nearly",
    "gần": "nearly",
    "khoảng": "about",
    "chừng": "about",
    "xấp xỉ": "about",
    "ước tính": "about",
    "ước khoảng": "about",
    "ước": "about",
    "dưới": "less_than",
    "chưa đến": "less_than",
    "chưa tới": "less_than",
}


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


@dataclass(frozen=True, slots=True)
class Quantity:
    """One numeric expression found in a text; offsets are into that text."""

    start: int
    end: int
    value: float | None
    approx: str | None = None
    ratio_of: float | None = None
    percent: bool = False
    kind: str = "number"
    scale: int | None = None
    num_start: int = -1
    num_end: int = -1
    vague: bool = False
    range_to: float | None = None


def _slot_setters() -> tuple:
    return tuple(getattr(Quantity, f).__set__ for f in Quantity.__slots__)


_S0, _S1, _S2, _S3, _S4, _S5, _S6, _S7, _S8, _S9, _S10, _S11 = _slot_setters()
_new_object = object.__new__


def _quantity(
    start: int,
    end: int,
    value: float | None,
    approx: str | None,
    ratio_of: float | None,
    percent: bool,
    kind: str,
    scale: int | None,
    num_start: int,
    num_end: int,
    vague: bool,
    range_to: float | None,
) -> Quantity:
    """``Quantity(start, end, ...)`` with every field given in order: the same record, built
    by setting its slots directly.  The frozen class's ``__init__`` sets each field through
    ``object.__setattr__`` (a name lookup on the type per field): that was a quarter of the
    work per number found.  The class has no ``__post_init__``; a test checks the fields'
    order and that both ways give equal records."""
    q = _new_object(Quantity)
    _S0(q, start)
    _S1(q, end)
    _S2(q, value)
    _S3(q, approx)
    _S4(q, ratio_of)
    _S5(q, percent)
    _S6(q, kind)
    _S7(q, scale)
    _S8(q, num_start)
    _S9(q, num_end)
    _S10(q, vague)
    _S11(q, range_to)
    return q


# ---------------------------------------------------------------------------
# parse_numeral
# ---------------------------------------------------------------------------

_DIGIT_WORDS: dict[str, int] = {
    "không": 0,
    "một": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "bẩy": 7,
    "tám": 8,
    "chín": 9,
}
_AFTER_TENS_WORDS: dict[str, int] = {"mốt": 1, "tư": 4, "lăm": 5, "nhăm": 5}
_BIG_SCALES = {w: s for w, s in SCALE_WORDS.items() if s >= 1_000}
NUMBER_WORDS = frozenset([*_DIGIT_WORDS, *_AFTER_TENS_WORDS, *SCALE_WORDS, "mười", "mươi", "linh", "lẻ"])

_RE_INT = re.compile(r"[0-9]+")
_RE_VI_THOUSANDS = re.compile(r"([0-9]{1,3}(?:\.[0-9]{3})+)(?:,([0-9]+))?")
_RE_DECIMAL_COMMA = re.compile(r"([0-9]+),([0-9]+)")
_RE_DECIMAL_DOT = re.compile(r"([0-9]+)\.([0-9]+)")
_RE_EN_THOUSANDS = re.compile(r"([0-9]{1,3}(?:,[0-9]{3})+)(?:\.([0-9]+))?")
_RE_EN_MULTI_COMMA = re.compile(r"[0-9]{1,3}(?:,[0-9]{3}){2,}")
_RE_DIGITISH = re.compile(r"[0-9][0-9.,]*")


def _decimal(int_part: str, frac: str | None = None) -> Decimal:
    return Decimal(f"{int_part}.{frac}") if frac else Decimal(int_part)


def _parse_digits(s: str, comma_thousands: bool = False) -> Decimal | None:
    """Parse a digit string with Vietnamese (default) or English separators."""
    if _RE_INT.fullmatch(s):
        return Decimal(s)
    if _RE_EN_MULTI_COMMA.fullmatch(s):
        return Decimal(s.replace(",", ""))
    if comma_thousands:
        m = _RE_EN_THOUSANDS.fullmatch(s)
        if m:
            return _decimal(m.group(1).replace(",", ""), m.group(2))
        m = _RE_DECIMAL_DOT.fullmatch(s) or _RE_DECIMAL_COMMA.fullmatch(s)
        return _decimal(m.group(1), m.group(2)) if m else None
    m = _RE_VI_THOUSANDS.fullmatch(s)
    if m:
        return _decimal(m.group(1).replace(".", ""), m.group(2))
    m = _RE_DECIMAL_COMMA.fullmatch(s) or _RE_DECIMAL_DOT.fullmatch(s)
    return _decimal(m.group(1), m.group(2)) if m else None


# The finder reads the same few numerals again and again ("2023", "100", "1,5"): a Decimal does not
# change, so the one parsed before serves.
_parse_digits_cached = lru_cache(maxsize=4096)(_parse_digits)


def _digits_value(s: str, comma_thousands: bool) -> int | Decimal | None:
    """``_parse_digits(s, comma_thousands)``, as an int when that is a whole number written with
    no decimal part ("1234", "1.234" in Vietnamese style): the same value, and its products with
    the scale words and its float() are the same too (exact, then rounded once to the nearest
    float), but an int's float() costs a tenth of a Decimal's."""
    if s.isascii() and s.isdigit():  # [0-9]+: _RE_INT
        return int(s)
    if not comma_thousands and "," not in s and _RE_VI_THOUSANDS.fullmatch(s):
        return int(s.replace(".", ""))  # no "," part: the thousands groups, dots dropped
    return _parse_digits_cached(s, comma_thousands)


class _WordNumeral:
    """A small state machine over Vietnamese number words (see module docstring)."""

    def __init__(self) -> None:
        self.total = 0
        self.group = 0
        self.pending: int | None = None
        self.state = "start"
        self.tens_word = ""
        self.last_scale = 0
        self.after_hundreds = False

    def feed(self, w: str) -> bool:
        handler = getattr(self, "_" + _WORD_ROLE.get(w, "unknown"))
        return handler(w)

    def _unknown(self, w: str) -> bool:
        return False

    def _digit(self, w: str) -> bool:
        d = _DIGIT_WORDS[w]
        if self.state in ("start", "scale", "hundreds"):
            self.after_hundreds = self.state == "hundreds"
            self.pending, self.state = d, "pending"
        elif self.state in ("tens", "linh") and d > 0:
            self.group += d
            self.state = "units"
        else:
            return False
        return True

    def _after_tens(self, w: str) -> bool:
        if self.state != "tens" or (w == "mốt" and self.tens_word != "mươi"):
            return False
        self.group += _AFTER_TENS_WORDS[w]
        self.state = "units"
        return True

    def _muoi(self, w: str) -> bool:  # mười: ten
        if self.state not in ("start", "scale", "hundreds"):
            return False
        self.group += 10
        self.state, self.tens_word = "tens", w
        return True

    def _muoi_tens(self, w: str) -> bool:  # mươi: tens after a digit
        if self.state != "pending" or self.pending is None or self.pending < 2:
            return False
        self.group += self.pending * 10
        self.pending, self.after_hundreds = None, False
        self.state, self.tens_word = "tens", w
        return True

    def _tram(self, w: str) -> bool:
        if self.state != "pending" or self.after_hundreds or self.group or self.pending is None:
            return False
        self.group += self.pending * 100
        self.pending, self.state = None, "hundreds"
        return True

    def _linh(self, w: str) -> bool:
        if self.state != "hundreds":
            return False
        self.state = "linh"
        return True

    def _scale(self, w: str) -> bool:
        if self.state in ("start", "linh") or (self.state == "pending" and self.after_hundreds):
            return False
        s = _BIG_SCALES[w]
        val = self.group + (self.pending or 0)
        if self.state == "scale" and val == 0:
            if s <= self.last_scale:
                return False
            self.total *= s
        elif self.total == 0 or s > self.last_scale:
            self.total = (self.total + val) * s
        else:
            self.total += val * s
        self.last_scale = max(self.last_scale, s)
        self.group, self.pending, self.state, self.after_hundreds = 0, None, "scale", False
        return True

    def result(self) -> int | None:
        if self.state in ("start", "linh") or (self.state == "pending" and self.after_hundreds):
            return None
        return self.total + self.group + (self.pending or 0)


_WORD_ROLE: dict[str, str] = {
    **{w: "digit" for w in _DIGIT_WORDS},
    **{w: "after_tens" for w in _AFTER_TENS_WORDS},
    "mười": "muoi",
    "mươi": "muoi_tens",
    "trăm": "tram",
    "linh": "linh",
    "lẻ": "linh",
    **{w: "scale" for w in _BIG_SCALES},
}


def _parse_words(words: list[str]) -> int | None:
    machine = _WordNumeral()
    for w in words:
        if not machine.feed(w):
            return None
    return machine.result()


def _to_float(d: Decimal) -> float:
    return float(d)


def parse_numeral(s: str, *, comma_thousands: bool = False) -> float | None:
    """Parse one Vietnamese numeral: digits (``1.431``, ``93,2``, ``04``), digits with
    scale words (``1,4 tỷ``, ``193 nghìn``) or number words (``hai mươi mốt``).

    Returns None when ``s`` is not exactly one numeral.  See the module docstring for
    the separator conventions; ``comma_thousands`` selects English style.
    """
    words = s.split()
    if not words:
        return None
    first, rest = words[0], [w.lower() for w in words[1:]]
    if _RE_DIGITISH.fullmatch(first):
        value = _parse_digits(first, comma_thousands)
        if value is None or any(w not in SCALE_WORDS for w in rest):
            return None
        for w in rest:
            value *= SCALE_WORDS[w]
        return _to_float(value)
    result = _parse_words([first.lower(), *rest])
    return None if result is None else float(result)


# ---------------------------------------------------------------------------
# find_quantities: digit expressions
# ---------------------------------------------------------------------------

_NUM = r"[0-9]+(?:[.,][0-9]+)*"
_RE_NUMERIC = re.compile(
    rf"""
    (?P<time>[0-9]{{1,2}}:[0-9]{{2}}(?::[0-9]{{2}})?)(?![0-9:])
  | (?P<date3>(?P<d>[0-9]{{1,2}})(?P<sep>[/.-])(?P<m>[0-9]{{1,2}})(?P=sep)(?P<y>[0-9]{{2,4}}))(?![0-9]|[.,/][0-9])
  | (?P<a>{_NUM})(?P<dash>[ ]?[-–—][ ]?)(?P<b>{_NUM})(?![0-9]|[.,/-][0-9])
  | (?P<p>{_NUM})/(?P<q>{_NUM})(?![0-9]|[.,/][0-9])
  | (?P<n>{_NUM})
    """,
    re.VERBOSE,
)
# every branch starts with a digit; said in front, it lets ``re`` skip to the digits (same matches).
# The scan of :func:`_find_quantities` is now :func:`_numeric_matches` (faster still); tests compare.
_RE_NUMERIC_SCAN = re.compile(f"(?=[0-9])(?:{_RE_NUMERIC.pattern})", re.VERBOSE)
_RE_PERCENT = re.compile(r"[ ]?%")
_TAIL_FIRST = frozenset(" \t%")  # what ``_RE_PERCENT`` and ``_RE_SCALE`` can start with
_RE_SCALE = re.compile(r"(?:[ \t]+(?:" + "|".join(SCALE_WORDS) + r"))+(?!\w)", re.IGNORECASE)
_MEASURES = ("km2", "km", "m2", "m3", "ha", "kg", "cm", "mm", "m", "tấn", "đ")
_RE_MEASURE = re.compile(r"(?:" + "|".join(_MEASURES) + r")(?!\w)", re.IGNORECASE)
_RE_QUALIFIER = re.compile(
    r"(?:^|(?<=[^\w]))(" + "|".join(sorted(QUALIFIERS, key=len, reverse=True)) + r")[ \t]+$",
    re.IGNORECASE,
)
# the last letters of the qualifiers, case-blind as ``_RE_QUALIFIER`` is
_QUALIFIER_LAST = re.compile("[" + "".join(sorted({w[-1] for w in QUALIFIERS})) + "]", re.IGNORECASE)
_RE_PREV_WORDS = re.compile(r"(\w+)(?:[ \t]+(\w+))?[ \t]+$")
_RE_NEXT_WORD = re.compile(r"[ \t]+(\w+)")

_DATE_WORDS = _wordset("ngày hôm sáng chiều tối trưa đêm khuya rạng mồng mùng dịp sớm")
_YEAR_WORDS = _wordset("năm từ đến tới")
_YEAR_BIGRAMS = frozenset(["giai đoạn", "nhiệm kỳ"])
# A bare d/m (d <= m <= 12) followed by one of these words reads as a date, not a ratio.
_DATE_FOLLOWERS = _wordset("đến tới và hoặc năm đã vừa tại ở là này lúc hằng hàng sẽ của cho với trong tại")

_RE_EN_STYLE = with_first_chars(  # same matches, found faster
    re.compile(r"(?<![0-9.,])(?:[0-9]{1,3}(?:,[0-9]{3}){2,}|[0-9]+\.[0-9]{1,2})(?![0-9]|[.,][0-9])")
)
_RE_VI_THOUSANDS_ANY = with_first_chars(
    re.compile(r"(?<![0-9.,])[0-9]{1,3}(?:\.[0-9]{3})+(?![0-9]|[.,][0-9])")
)


def uses_comma_thousands(text: str, runs: list[tuple[int, int]] | None = None) -> bool:
    """True when ``text`` writes numbers in English style (see the module docstring).
    ``runs``: :func:`_digit_runs` of the text, when the caller has them."""
    runs = _digit_runs(text) if runs is None else runs
    return _found_at_run_start(_RE_EN_STYLE, text, runs) and not _found_at_run_start(
        _RE_VI_THOUSANDS_ANY, text, runs
    )


# A digit and what may follow it in a number: a match of the two patterns above starts at a digit
# no digit, "." or "," stands before, so at the start of one of these runs.
_RE_DIGIT_RUN = re.compile(r"[0-9][0-9.,]*")


def _digit_runs(text: str) -> list[tuple[int, int]]:
    """The spans of :data:`_RE_DIGIT_RUN` in ``text``: every digit of the text is in one.  One
    scan of the text serves both the style check and the numbers' scan (each scanned it)."""
    return [m.span() for m in _RE_DIGIT_RUN.finditer(text)]


def _found_at_run_start(rx: re.Pattern[str], text: str, runs: list[tuple[int, int]] | None = None) -> bool:
    """``rx.search(text) is not None`` for ``_RE_EN_STYLE`` and ``_RE_VI_THOUSANDS_ANY``, tried
    only where a run of :data:`_RE_DIGIT_RUN` starts after no digit, "." or "," (``re`` skips to
    a digit many times faster than it tries a pattern opening with a look-behind at each)."""
    for i, _e in _digit_runs(text) if runs is None else runs:
        if (i == 0 or text[i - 1] not in "0123456789.,") and rx.match(text, i) is not None:
            return True
    return False


_RE_DIGIT = re.compile(r"[0-9]")


def _numeric_matches(text: str, runs: list[tuple[int, int]] | None = None) -> Iterator[re.Match[str]]:
    """``_RE_NUMERIC_SCAN.finditer(text)``: every branch starts with a digit and the last one
    matches at any digit, so each match is the pattern's at the next digit.  The next digit is
    found from the digit runs (``runs``, :func:`_digit_runs`; every digit is in one): the start
    of the first run after ``pos``, or one inside the run ``pos`` is in (``2.5`` read as far
    as ``2``), with no scan of the text between the numbers."""
    runs = _digit_runs(text) if runs is None else runs
    pos, k = 0, 0
    search, match = _RE_DIGIT.search, _RE_NUMERIC.match
    while k < len(runs):
        start, end = runs[k]
        if end <= pos:  # a run the last match went past
            k += 1
            continue
        if start >= pos:
            d = start
        else:  # pos inside the run: its next digit, if any
            found = search(text, pos, end)
            if found is None:
                k += 1
                continue
            d = found.start()
        m = match(text, d)
        assert m is not None  # (?P<n>...) matches at any digit
        yield m
        pos = m.end()


def _prev_words(text: str, pos: int) -> tuple[str, str]:
    """The one and two lower-cased words right before ``pos`` (spaces only between).

    What ``_RE_PREV_WORDS.search(text, max(0, pos - 40), pos)`` finds (that search tries every
    start in the window, each with backtracking: a hundred times slower), read backwards from
    ``pos``: the window reversed, the words matched from its start (a loop over the characters
    in Python took a tenth of the quantities' time)."""
    lo = max(0, pos - 40)
    end = pos - 1 if pos > lo and text[pos - 1] == "\n" else pos  # "$" also matches before a final newline
    if end == lo or text[end - 1] not in " \t":  # no space right before: no match (a quick exit)
        return "", ""
    m = _RE_PREV_WORDS_REVERSED.match(text[lo:end][::-1])
    if m is None:
        return "", ""
    last = m.group(1)[::-1]
    before = m.group(2)
    if before is None:
        return last.lower(), ""
    return last.lower(), f"{before[::-1]} {last}".lower()


# ``_RE_PREV_WORDS`` for the window reversed: spaces, the last word, maybe spaces and the one before
_RE_PREV_WORDS_REVERSED = re.compile(r"[ \t]+(\w+)(?:[ \t]+(\w+))?")


def _next_word(text: str, pos: int) -> str:
    m = _RE_NEXT_WORD.match(text, pos)
    return m.group(1) if m else ""


# the words :func:`_number_quantity` looks for before a number (the last of the two-word ones)
_DATE_OR_YEAR_LAST = frozenset([*_YEAR_WORDS, "ngày", "tháng", *(b.split()[-1] for b in _YEAR_BIGRAMS)])
_DATE_OR_YEAR_LAST_CHARS = frozenset(w[-1] for w in _DATE_OR_YEAR_LAST)


def _may_follow_date_word(text: str, pos: int) -> bool:
    """False when ``_prev_words(text, pos)`` surely has no word of :data:`_DATE_OR_YEAR_LAST`
    last: it ends with the lower-cased character before the blanks before ``pos`` (``str.lower``
    maps character by character, but for a final sigma, in none of the words), and no blank
    before ``pos`` or only blanks back to the start make it empty.  Most numbers follow a word
    that ends otherwise ("có 15", "hơn 200"): no backward regex read for them."""
    p = pos - 1 if pos and text[pos - 1] == "\n" else pos
    q = p
    while q and text[q - 1] in " \t":
        q -= 1
    return q != p and q != 0 and text[q - 1].lower()[-1:] in _DATE_OR_YEAR_LAST_CHARS


def _left_ok(text: str, start: int) -> bool:
    """A number must not be glued to a word on its left (``Covid-19``, ``H5N1``)."""
    if start == 0:
        return True
    c = text[start - 1]
    if c == " ":  # the usual case, none of the checks below
        return True
    if c.isalnum() or c == "_":
        return False
    if start >= 2 and c in "-–—.,/:" and text[start - 2].isdigit():
        return False
    return not (start >= 2 and c in "-–—" and text[start - 2].isalpha())


def _right_ok(text: str, end: int) -> bool:
    """No letter after a number unless it is a measure (``9.600m2``); no ``-QĐ``, ``/TW``, and
    no ``-123`` that would make a longer chain (``03-5730-2357``)."""
    if end >= len(text):
        return True
    c = text[end]
    if c == " ":  # the usual case, none of the checks below
        return True
    if c.isalpha():
        return bool(_RE_MEASURE.match(text, end))
    if c.isdigit() or c == "_":
        return False
    nxt = text[end + 1] if end + 1 < len(text) else ""
    return not (c in "-–/" and nxt and (nxt.isalpha() or nxt.isdigit()))


def _small_int(s: str) -> int | None:
    # ``_RE_INT.fullmatch(s)``: ASCII and all digits (``isdigit`` alone takes "²" too)
    return int(s) if len(s) <= 4 and s.isascii() and s.isdigit() else None


# ``_QUALIFIER_LAST.match(c) is not None`` per character met: a dict look-up, not a regex call,
# for the character before nearly every number (a few dozen characters in all)
_QUALIFIER_LAST_SEEN: dict[str, bool] = {}


def _qualifier(text: str, start: int) -> tuple[str | None, int]:
    lo = max(0, start - 16)
    # ``[ \t]+$`` ends the match at ``start`` (or before a newline there, as ``$`` does), and a
    # qualifier's last letter stands before those blanks: where it cannot, no search
    p = start - 1 if start > lo and text[start - 1] == "\n" else start
    q = p
    while q > lo and text[q - 1] in " \t":
        q -= 1
    if q in (p, lo):
        return None, start
    c = text[q - 1]
    ends = _QUALIFIER_LAST_SEEN.get(c)
    if ends is None:
        ends = _QUALIFIER_LAST_SEEN[c] = _QUALIFIER_LAST.match(c) is not None
    if not ends:
        return None, start
    m = _RE_QUALIFIER.search(text, lo, start)
    # ``re`` matches some letters case-blindly that ``str.lower`` maps elsewhere ("dướİ"
    # lower-cases to "dưới̇"): such a word is no qualifier
    qualifier = QUALIFIERS.get(m.group(1).lower()) if m else None
    if qualifier is None:
        return None, start
    return qualifier, m.start(1)


def _tail(text: str, end: int) -> tuple[bool, int | None, int]:
    """What follows a numeral: a ``%`` sign, or scale words (their product); and the new end."""
    if text[end : end + 1] not in _TAIL_FIRST:  # both patterns open with a blank or "%"
        return False, None, end
    pct = _RE_PERCENT.match(text, end)
    if pct:
        return True, None, pct.end()
    m = _RE_SCALE.match(text, end)
    if not m:
        return False, None, end
    mult = 1
    for w in m.group(0).split():
        factor = SCALE_WORDS.get(w.lower())
        if factor is None:  # matched case-blindly by ``re`` only ("trİệu"): no scale word
            return False, None, end
        mult *= factor
    return False, mult, m.end()


def _valid_dm(d: int | None, m: int | None) -> bool:
    return d is not None and m is not None and 1 <= d <= 31 and 1 <= m <= 12


def _slash_kind(text: str, m: re.Match, a: int | None, b: int | None) -> str:
    """Decide ``date`` or ``ratio`` for ``a/b`` (rule in the module docstring)."""
    p, q = m.group("p"), m.group("q")
    if a is not None and 1 <= a <= 12 and len(q) == 4 and b is not None and 1900 <= b <= 2100:
        return "date"
    if not _valid_dm(a, b) or len(p) > 2 or len(q) > 2:
        return "ratio"
    if _prev_words(text, m.start())[0] in _DATE_WORDS or a > b:
        return "date"
    follower = _next_word(text, m.end())
    if follower and follower[0].isalpha() and follower[0].islower() and follower not in _DATE_FOLLOWERS:
        return "ratio"
    return "date"


def _simple(start: int, end: int, kind: str, value: float | None = None, **kw) -> Quantity:
    if kw:
        return Quantity(start, end, value, kind=kind, num_start=start, num_end=end, **kw)
    return _quantity(start, end, value, None, None, False, kind, None, start, end, False, None)


def _numeric_quantity(text: str, m: re.Match, comma_thousands: bool) -> Quantity | None:
    """Turn one regex match into a Quantity, or None when it is not one."""
    start, end = m.start(), m.end()
    # the branch that matched: each closes its own group last ("date3" after "d", "sep", "m", "y";
    # "b" and "q" end theirs), so one look says what the groups tested one by one said
    branch = m.lastgroup
    if branch == "date3":  # a full date may touch a dash (``15/10/1930–15/10/2025``), not a word
        if (start and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
            return None
    elif not _left_ok(text, start) or not _right_ok(text, end):
        return None
    if branch == "n":
        return _number_quantity(text, m, comma_thousands)
    if branch == "time":
        parts = [int(x) for x in m.group("time").split(":")]
        ok = parts[0] <= 24 and all(x < 60 for x in parts[1:])
        return _simple(start, end, "time") if ok else None
    if branch == "date3":
        d, mo, y, sep = m.group("d"), m.group("m"), m.group("y"), m.group("sep")
        if not _valid_dm(int(d), int(mo)) or (sep == "." and len(y) != 4) or len(y) == 3:
            return None
        return _simple(start, end, "date")
    if branch == "q":
        a, b = _small_int(m.group("p")), _small_int(m.group("q"))
        if _slash_kind(text, m, a, b) == "date":
            return _simple(start, end, "date")
        va, vb = _digits_value(m.group("p"), comma_thousands), _digits_value(m.group("q"), comma_thousands)
        if va is None or vb is None:
            return None
        approx, qstart = _qualifier(text, start)
        return _quantity(
            qstart, end, float(va), approx, float(vb), False, "ratio", None, start, end, False, None
        )
    return _range_quantity(text, m, comma_thousands)  # branch "b"


def _range_quantity(text: str, m: re.Match, comma_thousands: bool) -> Quantity | None:
    start, end = m.start(), m.end()
    a_s, b_s = m.group("a"), m.group("b")
    a, b = _small_int(a_s), _small_int(b_s)
    glued = m.group("dash") in "-–—"
    short = len(a_s) <= 2 and len(b_s) <= 2
    if glued and short and _valid_dm(a, b) and _prev_words(text, start)[0] in _DATE_WORDS:
        return _simple(start, end, "date")
    va, vb = _digits_value(a_s, comma_thousands), _digits_value(b_s, comma_thousands)
    if va is None or vb is None:
        return None
    pct, scale, qend = _tail(text, end)
    if scale:
        va, vb = va * scale, vb * scale
    approx, qstart = _qualifier(text, start)
    return _quantity(qstart, qend, float(va), approx, None, pct, "range", scale, start, end, False, float(vb))


def _number_quantity(text: str, m: re.Match, comma_thousands: bool) -> Quantity | None:
    start, end = m.start(), m.end()
    s = m.group("n")
    value = _digits_value(s, comma_thousands)
    if value is None:
        return None
    pct, scale, qend = _tail(text, end)
    if not pct and not scale and (n := _small_int(s)) is not None and (len(s) <= 2 or 1945 <= n <= 2100):
        # a year or a day or month: only then do the words before it count (read them only then)
        prev1, prev2 = _prev_words(text, start) if _may_follow_date_word(text, start) else ("", "")
        if len(s) == 4 and 1945 <= n <= 2100 and (prev1 in _YEAR_WORDS or prev2 in _YEAR_BIGRAMS):
            return _simple(start, end, "year", float(n))
        if len(s) <= 2 and ((prev1 == "ngày" and 1 <= n <= 31) or (prev1 == "tháng" and 1 <= n <= 12)):
            return _simple(start, end, "date")
    if scale:
        value *= scale
    approx, qstart = _qualifier(text, start)
    kind = "percent" if pct else "number"
    return _quantity(qstart, qend, float(value), approx, None, pct, kind, scale, start, end, False, None)


# ---------------------------------------------------------------------------
# find_quantities: number words and vague quantities
# ---------------------------------------------------------------------------

_RE_WORD = re.compile(r"[^\W\d_]+")
_NOT_AFTER = _wordset("thứ tháng ngày mồng mùng lớp ngã quận phường khóa khoá hạng số lần")
_MOT_PHRASES = _wordset(
    "số cách trong khi mình chút lúc thời lòng nửa vài ít sự loạt nào tí mực phần hồi dạo "
    "khác chiều mai mặt đằng bên kiểu"
)
# "năm" alone counts as five only before one of these counted nouns (first syllable).
_COUNTED_AFTER_NAM = _wordset(
    "mô điển tập cá gia hộ xã phường thôn bản tổ người đơn công cuộc lượt hội chi đảng huyện quận tỉnh "
    "nhóm giải chương đồng em cháu con ngôi căn chiếc lĩnh nội tiêu cơ trường xe tấn ha mét ki cây "
    "doanh hợp trang làng dự sáng tuyến khu ban bộ đoàn"
)
_MULTIPLIERS = frozenset(["mươi", *SCALE_WORDS])
_STARTERS = frozenset([*(w for w in _DIGIT_WORDS if w != "không"), "mười"])
_VAGUE_AFTER_HANG = ("chục", "trăm", "nghìn", "ngàn", "vạn", "triệu", "tỷ", "tỉ")
_VAGUE_STARTERS = frozenset(["hàng", "vài", "nhiều", "một"])
_NOT_AFTER_VAGUE = _wordset("hơn lắm quá nhất rồi thì và hay hoặc nữa như")
_RE_SENTENCE_START = re.compile(r"(?:^|[.!?…:;\n])[\s“”\"'‘’(\[«»*•–—-]*$")


def _sentence_initial(text: str, start: int) -> bool:
    return bool(_RE_SENTENCE_START.search(text, max(0, start - 12), start))


def _case_ok(text: str, start: int, word: str) -> bool:
    """Lower case, or capitalised at the start of a sentence."""
    if word.islower():
        return True
    return word[0].isupper() and (len(word) == 1 or word[1:].islower()) and _sentence_initial(text, start)


def _adjacent(text: str, a_end: int, b_start: int) -> bool:
    gap = text[a_end:b_start]
    return bool(gap) and gap.strip(" \t") == ""


def _numeral_run(text: str, words: list[tuple[int, int, str]], i: int, first: str) -> list[str]:
    """The longest valid numeral starting at word ``i`` (whose lower-cased form is ``first``)."""
    run = [first]
    j = i + 1
    while (
        j < len(words)
        and _adjacent(text, words[j - 1][1], words[j][0])
        and words[j][2] in NUMBER_WORDS
        and not (words[j][2] == "năm" and run[-1] in ("mươi", "mười"))
    ):
        run.append(words[j][2])
        j += 1
    while run and _parse_words(run) is None:
        run.pop()
    return run


def _word_quantity(text: str, words: list[tuple[int, int, str]], i: int) -> tuple[Quantity | None, int]:
    """A number-word quantity starting at word ``i`` (or None) and the next index to look at."""
    s, _, w = words[i]
    low = w.lower()
    if low not in _STARTERS or not _case_ok(text, s, w):
        return None, i + 1
    prev = words[i - 1][2].lower() if i > 0 and _adjacent(text, words[i - 1][1], s) else ""
    if prev in _NOT_AFTER or prev in NUMBER_WORDS:  # "thứ hai"; "ba ba" (two number words that do not parse)
        return None, i + 1
    run = _numeral_run(text, words, i, low)
    if not run:
        return None, i + 1
    j = i + len(run)
    nxt = words[j][2] if j < len(words) and _adjacent(text, words[j - 1][1], words[j][0]) else ""
    if not nxt or (nxt.lower() in NUMBER_WORDS and nxt.lower() != "năm"):
        return None, j
    if (not w.islower() and not nxt.islower()) or (run == ["một"] and nxt in _MOT_PHRASES):
        return None, j
    if run[0] == "năm" and (run[1] not in _MULTIPLIERS if len(run) > 1 else nxt not in _COUNTED_AFTER_NAM):
        return None, j
    k = len(run)
    while k > 1 and run[k - 1] in SCALE_WORDS:
        k -= 1
    scale = 1
    for x in run[k:]:
        scale *= SCALE_WORDS[x]
    value = _parse_words(run)
    approx, qstart = _qualifier(text, s)
    q = _quantity(
        qstart,
        words[j - 1][1],
        float(value),
        approx,
        None,
        False,
        "word",
        scale if scale > 1 else None,
        s,
        words[i + k - 1][1],
        False,
        None,
    )
    return q, j


def _vague_quantity(text: str, words: list[tuple[int, int, str]], i: int) -> tuple[Quantity | None, int]:
    s, e, w = words[i]
    low = w.lower()
    if low not in _VAGUE_STARTERS or not _case_ok(text, s, w):
        return None, i + 1
    j = i + 1
    if low == "hàng":
        while (
            j < len(words)
            and _adjacent(text, words[j - 1][1], words[j][0])
            and words[j][2] in _VAGUE_AFTER_HANG
        ):
            j += 1
        if j == i + 1:
            return None, i + 1
    elif low in ("vài", "nhiều") or (
        low == "một" and j < len(words) and words[j][2] == "vài" and _adjacent(text, e, words[j][0])
    ):
        j += 1 if low == "một" else 0
        nxt = words[j] if j < len(words) and _adjacent(text, words[j - 1][1], words[j][0]) else None
        if nxt is None or not nxt[2].islower() or nxt[2] in _NOT_AFTER_VAGUE:
            return None, i + 1
    else:
        return None, i + 1
    end = words[j - 1][1]
    approx, qstart = _qualifier(text, s)
    return _quantity(qstart, end, None, approx, None, False, "word", None, s, end, True, None), j


def _word_quantities(text: str) -> list[Quantity]:
    """The quantities of :func:`_word_quantity` and :func:`_vague_quantity`, word by word.

    Only the words either can start at are looked at (found by ``_RE_STARTER``, a few per
    article), each with the word before it when adjacent (the only use of it) and the next few
    words: the readings stop at the first word not adjacent to the one before, and when no such
    word is among the few, the window grows (four times as many words each time) until one
    is or the text ends (a long text has many unpunctuated runs of ten words: listing all its
    words for each was a tenth of the tokenizing time on whole articles)."""
    out: list[Quantity] = []
    resume = 0  # words starting before this were read as part of a quantity
    low = text.lower()
    # every starter word, maybe a few others: in the text lower-cased when that keeps the offsets
    # (lower-casing keeps what is a word character), else case-blind, which is slower
    cands = _starter_matches(low) if len(low) == len(text) else _RE_STARTER.finditer(text)
    for c in cands:
        s = c.start()
        if s < resume or text[s : c.end()].lower() not in _ANY_STARTERS:
            continue
        if _reads_nothing(text, s, c.end()):
            continue
        words = _words_read(text, s)
        i = 1 if len(words) > 1 and words[1][0] == s else 0
        q, nxt = _vague_quantity(text, words, i)
        if q is None:
            q, nxt = _word_quantity(text, words, i)
        if q is not None:
            out.append(q)
        resume = words[max(nxt, i + 1) - 1][1]
    return out


_ANY_STARTERS = _VAGUE_STARTERS | _STARTERS


def _reads_nothing(text: str, s: int, e: int) -> bool:
    """Whether the starter word ``text[s:e]`` surely makes no quantity: no word stands right
    after it (only spaces or tabs between), or, for "năm", the word after it neither goes on
    the numeral nor is a counted noun ("năm 2023", "năm nay").  Every reading then stops at it
    (:func:`_vague_quantity` and :func:`_word_quantity` return None and the word after it) and
    the next starter is read as before; when unsure (the word in ``text`` is not ``s:e``), no."""
    w = _RE_WORD.match(text, s)
    if w is None or w.end() != e:
        return False
    p = e
    while p < len(text) and text[p] in " \t":
        p += 1
    if p == e:
        return True  # "năm," "hai." : no word right after
    nxt = _RE_WORD.match(text, p)
    if nxt is None:
        return True  # "năm 2023": a digit or a sign, no word right after
    after = nxt.group(0)
    return text[s:e].lower() == "năm" and after not in NUMBER_WORDS and after not in _COUNTED_AFTER_NAM


_RE_STARTER = with_first_chars(
    re.compile(
        r"(?<![^\W\d_])(?:" + "|".join(sorted(_ANY_STARTERS, key=len, reverse=True)) + r")(?![^\W\d_])",
        re.IGNORECASE,
    )
)
_RE_STARTER_LOW = with_first_chars(
    re.compile(
        r"(?<![^\W\d_])(?:" + "|".join(sorted(_ANY_STARTERS, key=len, reverse=True)) + r")(?![^\W\d_])"
    )
)
assert all(w == w.lower() for w in _ANY_STARTERS)
_RE_WORD_CHAR = re.compile(r"[^\W\d_]")
_NEAR_WORDS = 10  # no longer read (:func:`_words_read` lists as far as a reading goes); tests set it


def _starter_matches(low: str) -> list[re.Match[str]]:
    """``list(_RE_STARTER_LOW.finditer(low))``, tried only where a starter word stands as a
    substring (found by ``str.find``, a fast C scan): most letters can begin a starter, so the
    pattern was tried at nearly every character.  A match is a whole run of letters (the
    look-behind and look-ahead say so), hence matches never overlap, and ``match`` at a position
    sees the characters before it: the matches at those positions are exactly what ``finditer``
    gives."""
    at: set[int] = set()
    for w in _ANY_STARTERS:
        i = low.find(w)
        while i >= 0:
            at.add(i)
            i = low.find(w, i + 1)
    match = _RE_STARTER_LOW.match
    return [m for m in map(match, repeat(low), sorted(at)) if m is not None]


def _word_before(text: str, s: int) -> tuple[int, int, str] | None:
    """The word ending right before ``s`` with only spaces or tabs between, else None."""
    p = s
    while p and text[p - 1] in " \t":
        p -= 1
    if p < s and p and _RE_WORD_CHAR.match(text, p - 1):
        b = p - 1
        while b and _RE_WORD_CHAR.match(text, b - 1):
            b -= 1
        return b, p, text[b:p]
    return None


# The words the readings step over (raw, as they compare them): a numeral's words, the counts
# after "hàng", and "vài" after "một".  Any other word ends a reading (it may be looked at).
_READ_ON = NUMBER_WORDS | frozenset(_VAGUE_AFTER_HANG) | {"vài"}


def _words_read(text: str, s: int) -> list[tuple[int, int, str]]:
    """The words the readings of a starter at ``s`` may look at: the one right before it (with
    only spaces or tabs between), the starter, and the next ones up to and with the first that
    ends any reading, one not adjacent to the word before it or not in :data:`_READ_ON`.

    :func:`_vague_quantity` and :func:`_word_quantity` step from word to word only while the
    next one is adjacent and in :data:`_READ_ON`, and look at one word past that: the words
    after the cut are never looked at, and the readings are those of the whole text's words.
    Most starters ("năm", "nhiều") are followed by a plain word: two or three words are listed
    where ten were (and forty more when the ten ran on unpunctuated)."""
    before = _word_before(text, s)
    out = [before] if before else []
    prev_end = -1
    for m in _RE_WORD.finditer(text, s):
        start, end = m.span()
        w = m.group(0)
        out.append((start, end, w))
        if prev_end >= 0 and (w not in _READ_ON or not _adjacent(text, prev_end, start)):
            break
        prev_end = end
    return out


# ---------------------------------------------------------------------------
# find_quantities
# ---------------------------------------------------------------------------


def find_quantities(text: str) -> list[Quantity]:
    """Every numeric expression of ``text`` with its span, sorted, never overlapping."""
    return list(_find_quantities(text))


@lru_cache(maxsize=8)  # the tokenizer and the quantities component ask for the same article in turn
def _find_quantities(text: str) -> tuple[Quantity, ...]:
    runs = _digit_runs(text)
    comma_thousands = uses_comma_thousands(text, runs)
    found = [q for m in _numeric_matches(text, runs) if (q := _numeric_quantity(text, m, comma_thousands))]
    found.extend(_word_quantities(text))
    found.sort(key=lambda q: (q.num_start, -q.end))
    out: list[Quantity] = []
    for q in found:
        if out and q.start < out[-1].end:
            if q.num_start < out[-1].end:
                continue  # overlapping numeral: keep the earlier one
            q = _drop_qualifier(q)
        out.append(q)
    return tuple(out)


def _drop_qualifier(q: Quantity) -> Quantity:
    return _quantity(
        q.num_start,
        q.end,
        q.value,
        None,
        q.ratio_of,
        q.percent,
        q.kind,
        q.scale,
        q.num_start,
        q.num_end,
        q.vague,
        q.range_to,
    )
