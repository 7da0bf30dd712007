"""Word and sentence segmentation with character offsets into the given text.

The text (an article's cleaned text) is never altered: every token and sentence is
a pair of offsets into it.

Words come from a segmentation backend, ``underthesea`` (default,
``underthesea.word_tokenize``) or ``pyvi`` (``ViTokenizer.tokenize``, its CRF's input built
faster by :mod:`extractors.pyvi_words`).  Both rewrite
their input (tone-mark placement ``uỷ`` → ``ủy``, a few spelling fixes, ``_``
joins, spaces around punctuation), so their output is aligned back to the text:

1. The backend gets the text with old-style tone placement rewritten to the new
   style (``hoà`` → ``hòa``, ``uỷ`` → ``ủy``: pyvi segments the two spellings
   differently).  underthesea also gets hyphens between two letters spaced out
   (``văn hóa-xã hội`` → ``văn hóa - xã hội``; it would otherwise read
   ``hóa-xã`` as one syllable; pyvi splits hyphens itself) and is called once
   per line (it joins words across line breaks; per line is no slower than the
   whole text), pyvi once per text (it keeps line breaks apart itself; measured
   with ``bench/bench_tokenizer.py``).
2. Each syllable of the output is found in the text after the previous one,
   comparing characters with their combining marks removed (so tone placement
   and Unicode normalisation do not matter).  A syllable the backend spelt
   differently takes the run of word characters at that place; one that cannot
   be placed is skipped, and any text left uncovered becomes tokens of its own
   (runs of word characters, single other characters).
3. A word's syllables make one token, except that a token never crosses a line
   break and a syllable with no letter or digit (a quote, a bracket) is split
   off from the word the backend glued it to.
4. A hyphen glued between a letter and a letter or digit is glued back when the
   word before it is a single syllable (``bê-tông``, ``Covid-19``, ``ki-lô-mét``;
   only the first syllable after it when the backend joined that to the next
   word), and stays a token of its own after a word of several syllables
   (``văn hóa`` ``-`` ``xã hội``).
5. Numbers and a few abbreviations are protected: each of ``1.431``, ``10.000``,
   ``93,2%`` (with the sign), ``356/382``, ``04``, ``2018-2023``, ``15/10/2019``,
   ``09:15``, ``TP.HCM``, ``Th.S``, ``v.v.`` is exactly one token, whatever the
   backend did, and a measure glued to a number is cut off (``9.600`` ``m2``).

Sentences (``split_sentences``) come from a rule, not from a backend: every line
break ends a sentence; inside a line a sentence ends at ``.``, ``!``, ``?``, ``…``
(with any closing quotes or brackets) followed by whitespace and then an
upper-case letter, a digit or an opening quote/bracket (a bullet or dash may come
first: ``... năm 2019. * Chiều 16/10, ...``), except after an
abbreviation (``TP.``, ``Q.``, ``P.``, ``TX.``, ``ThS.``, ``PGS.``, ``v.v.`` ... and a
single capital letter, i.e. an initial).  Dots inside a word or number
(``1.431``, ``TP.HCM``, ``Q.10``) are never followed by whitespace, so never split.

Backends are imported lazily, on first use.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

from extractors.regex_speed import char_positions, with_first_chars

BACKENDS = ("underthesea", "pyvi")

_LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # as str.splitlines
_RE_LINE = re.compile(f"[^{_LINE_BREAKS}]+")


class Token(NamedTuple):
    """One word: ``text == source[start:end]``."""

    start: int
    end: int
    text: str


# ---------------------------------------------------------------------------
# backends
# ---------------------------------------------------------------------------


def check_backend(backend: str) -> str:
    """Return ``backend`` or raise a ValueError naming the valid options."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown tokenizer backend {backend!r}: use one of {', '.join(BACKENDS)}")
    return backend


@cache
def _backend(backend: str) -> Callable[[str], tuple[list[str], str | None]]:
    """A function from text to the backend's words and the separator between the
    syllables of a word (None: any whitespace).  Imports the backend on first use."""
    check_backend(backend)
    if backend == "underthesea":
        from underthesea import word_tokenize

        return lambda s: ([w for line in _RE_LINE.findall(s) for w in word_tokenize(line)], None)
    from extractors.pyvi_words import segmenter

    words = segmenter()
    return lambda s: (words(s), "_")


# ---------------------------------------------------------------------------
# alignment
# ---------------------------------------------------------------------------


def _fold_char(c: str) -> str:
    """``c`` without combining marks (``ủ`` → ``u``); may be empty or longer than one char."""
    if c.isascii():
        return c
    return "".join(x for x in unicodedata.normalize("NFD", c) if not unicodedata.combining(x))


class _FoldTable(dict):
    """A ``str.translate`` table that folds characters, filled on demand; ``not_one`` holds
    the characters met so far that do not fold to exactly one character."""

    def __init__(self) -> None:
        super().__init__()
        self.not_one: set[str] = set()

    def __missing__(self, code: int) -> str:
        self[code] = folded = _fold_char(chr(code))
        if len(folded) != 1:
            self.not_one.add(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def _fold(s: str) -> str:
    return s.translate(_FOLD_TABLE)


@dataclass(slots=True)
class _Folded:
    """``text`` with combining marks removed, and the maps between the two."""

    text: str
    folded: str
    to_orig: Sequence[int]  # folded index -> original index
    first: Sequence[int]  # original index -> first folded index at or after it (len(text) + 1 entries)

    @classmethod
    def of(cls, text: str) -> _Folded:
        folded = _fold(text)  # which puts every character of text in the table
        if _FOLD_TABLE.not_one.isdisjoint(text):  # one char for one: the usual case
            return cls(text, folded, range(len(text)), range(len(text) + 1))
        to_orig: list[int] = []
        first: list[int] = []
        for i, c in enumerate(text):
            first.append(len(to_orig))
            to_orig.extend([i] * len(_FOLD_TABLE[ord(c)]))
        first.append(len(to_orig))
        return cls(text, folded, to_orig, first)

    def extend_marks(self, end: int) -> int:
        """Move ``end`` past any characters that fold to nothing (combining marks)."""
        while (
            end < len(self.text) and self.first[end] == self.first[end + 1] and not self.text[end].isspace()
        ):
            end += 1
        return end

    def end_after(self, k_end: int) -> int:
        """Original end offset for a folded match ending at ``k_end``."""
        return self.extend_marks(self.to_orig[k_end - 1] + 1)


_RE_WORD_RUN = re.compile(r"\w+")
_RE_LEFTOVER = re.compile(r"\w+|[^\w\s]")
_SEARCH_WINDOW = 24


def _place(f: _Folded, syllable: str, cursor: int) -> tuple[int, int] | None:
    """Find ``syllable`` at ``cursor`` (after whitespace) or a little further on."""
    text, n = f.text, len(f.text)
    while cursor < n and text[cursor].isspace():
        cursor += 1
    if cursor >= n:
        return None
    fs = _fold(syllable)
    if not fs:
        return None
    k = f.first[cursor]
    if f.folded.startswith(fs, k):
        return cursor, f.end_after(k + len(fs))
    if syllable[0].isalnum() and text[cursor].isalnum():
        m = _RE_WORD_RUN.match(text, cursor)
        if m:
            return cursor, f.extend_marks(m.end())
    hit = f.folded.find(fs, k, k + _SEARCH_WINDOW + len(fs))
    if hit < 0:
        return None
    return f.to_orig[hit], f.end_after(hit + len(fs))


_RE_NONSPACE = re.compile(r"\S")
_RE_ALNUM = re.compile(r"[^\W_]")
_RE_LINE_BREAK = re.compile(f"[{_LINE_BREAKS}]")


def _is_alnum_piece(piece: str) -> bool:
    """True when ``piece`` holds a letter or digit (fast path for plain syllables)."""
    return piece.isalnum() or _RE_ALNUM.search(piece) is not None


def _align(text: str, words: list[str], sep: str | None) -> list[tuple[int, int]]:
    """Token spans in ``text`` for the backend's words, whose syllables are joined by ``sep``
    (steps 2 and 3 of the module docstring)."""
    f = _Folded.of(text)
    identity = isinstance(f.to_orig, range)
    n = len(text)
    cursor = 0
    out: list[tuple[int, int]] = []
    for word in words:
        gs = ge = -1  # the group of syllables being built
        g_alnum = False
        for syllable in word.split(sep) if (sep or " ") in word else (word,):
            if not syllable:
                continue
            # the usual cases first: the syllable right here, or after one space
            if text.startswith(syllable, cursor):
                s = cursor
            elif cursor < n and text[cursor] == " " and text.startswith(syllable, cursor + 1):
                s = cursor + 1
            else:
                m = _RE_NONSPACE.search(text, cursor)
                if m is None:
                    break
                s = m.start() if text.startswith(syllable, m.start()) else -1
            if s >= 0:
                e = s + len(syllable) if identity else f.extend_marks(s + len(syllable))
                alnum = _is_alnum_piece(syllable)
            else:
                span = _place(f, syllable, m.start())
                if span is None:
                    continue
                s, e = span
                alnum = _is_alnum_piece(text[s:e])
            cursor = e
            joins = gs >= 0 and alnum and g_alnum
            if joins and (s - ge != 1 or text[ge] != " "):
                joins = _RE_LINE_BREAK.search(text, ge, s) is None
            if joins:
                ge = e
            else:
                if gs >= 0:
                    out.append((gs, ge))
                gs, ge, g_alnum = s, e, alnum
        if gs >= 0:
            out.append((gs, ge))
    return out


_SPAN = re.Match.span


def _fill_gaps(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Add tokens for any non-space text that no span covers."""
    out: list[tuple[int, int]] = []
    pos = 0
    for s, e in spans:
        if s > pos and not text[pos:s].isspace():
            out.extend(map(_SPAN, _RE_LEFTOVER.finditer(text, pos, s)))
        out.append((s, e))
        pos = e
    if pos < len(text) and not text[pos:].isspace():
        out.extend(map(_SPAN, _RE_LEFTOVER.finditer(text, pos)))
    return out


# ---------------------------------------------------------------------------
# hyphens and protected spans
# ---------------------------------------------------------------------------

_RE_LETTER_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")


_RE_SPACE = re.compile(r"\s")


def _merge_hyphens(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Glue ``x`` ``-`` ``y`` back together when ``x`` is a single syllable ending in a letter
    and ``y`` starts with a letter or digit, all three touching (``bê-tông``, ``Covid-19``;
    not ``290-QĐ``, not ``văn hóa-xã hội``).  When the backend joined ``y`` to the next
    syllable (``tông đường``), only its first syllable is glued on.

    Only the hyphens of the text are visited (each found among the sorted spans by bisection);
    the spans between them are copied as they are."""
    if "-" not in text:
        return spans
    out: list[tuple[int, int]] = []
    n = len(spans)
    done = 0  # spans[:done] are dealt with
    h = text.find("-")
    while h >= 0:
        i = bisect_left(spans, (h, h + 1), done)  # the hyphen as a token of its own, if it is one
        if i < n and spans[i] == (h, h + 1):
            out.extend(spans[done:i])
            done = i + 1
            if (
                out
                and i + 1 < n
                and out[-1][1] == h
                and spans[i + 1][0] == h + 1
                and text[h - 1].isalpha()
                and text[h + 1].isalnum()
                and _RE_SPACE.search(text, out[-1][0], h) is None
            ):
                rs, re_ = spans[i + 1]
                space = _RE_SPACE.search(text, rs, re_)
                if space is None:
                    out[-1] = (out[-1][0], re_)
                else:
                    out[-1] = (out[-1][0], space.start())
                    out.append(_strip(text, space.start(), re_))
                done = i + 2
            else:
                out.append((h, h + 1))
        h = text.find("-", h + 1)
    if not out:
        return spans
    out.extend(spans[done:])
    return out


_NUM = r"[0-9]+(?:[.,][0-9]+)*"
_MEASURE = r"(?:km2|km|m2|m3|ha|kg|cm|mm|m|tấn)(?!\w)"
_PROTECT_NUMBER = rf"""
    (?<![\w])(?<![^\W\d_][-–])                       # not glued to a word on the left (Covid-19)
    (?:[0-9]{{1,2}}:[0-9]{{2}}(?::[0-9]{{2}})?       # 09:15, 4:00:33
      |{_NUM}(?:[/\-–]{_NUM})*%?                     # 1.431 93,2% 356/382 2018-2023 15/10/2019
    )
    (?![0-9])(?:(?![^\W\d_])|(?={_MEASURE}))        # no letter after, unless a measure (9.600m2)
"""
_PROTECT_LETTERS = r"""
    (?<![\w.])v\.v\.(?:\.\.)?                                          # v.v. and v.v...
  | (?<![\w.])(?P<abbr>(?:[^\W\d_]{1,2}\.)+[^\W\d_]+)(?!\w)    # TP.HCM, T.P, Th.S (checked below)
"""
_RE_PROTECT = re.compile(f"{_PROTECT_NUMBER}|{_PROTECT_LETTERS}", re.VERBOSE)  # the rule, in one pattern
# The same matches, found faster (``_protected``): a number starts with a digit (the look-ahead
# lets ``re`` skip to digits), the other two with a letter that one or two characters later is
# followed by the first ``.`` of the match, so they are only tried just before a ``.``.  Neither
# kind can start inside the other (a number holds no letter, the others no digit), so the two
# scans together give what one scan of ``_RE_PROTECT`` gives.
_RE_PROTECT_NUMBER = re.compile(f"(?=[0-9])(?:{_PROTECT_NUMBER})", re.VERBOSE)
_RE_PROTECT_LETTERS = re.compile(_PROTECT_LETTERS, re.VERBOSE)


def _protected(text: str) -> list[tuple[int, int]]:
    out = [m.span() for m in _RE_PROTECT_NUMBER.finditer(text)]
    letters: list[tuple[int, int]] = []
    match = _RE_PROTECT_LETTERS.match
    end = tried = 0  # end of the last match, first start not yet tried
    dot = text.find(".", 1)
    while dot >= 0:
        for s in (dot - 2, dot - 1):
            if s < max(end, tried):
                continue
            tried = s + 1
            m = match(text, s)
            if m is None:
                continue
            abbr = m.group("abbr")
            if abbr is not None:
                last = abbr.rsplit(".", 1)[1]
                if not (abbr[0].isupper() and last.isupper()):
                    end = m.end()  # the scan goes on after a match, kept or not
                    break
            letters.append(m.span())
            end = m.end()
            break
        dot = text.find(".", max(dot + 1, end))
    if letters:
        out = sorted(out + letters)
    return out


def _apply_protected(
    text: str, spans: list[tuple[int, int]], protected: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Make each protected span one token, cutting the tokens that overlap it."""
    if not protected:
        return spans
    out: list[tuple[int, int]] = []
    np_ = len(protected)
    done = 0  # spans[:done] are in out
    k = 0
    while k < np_:
        # the spans that protected[k] overlaps, and the protected spans that overlap them
        lo = bisect_left(spans, (protected[k][0],), done)
        if lo > done and spans[lo - 1][1] > protected[k][0]:
            lo -= 1
        hi = bisect_left(spans, (protected[k][1],), lo)
        k_end = k + 1
        while k_end < np_ and hi > 0 and protected[k_end][0] < spans[hi - 1][1]:
            hi = max(hi, bisect_left(spans, (protected[k_end][1],), hi))
            k_end += 1
        out.extend(spans[done:lo])
        group: list[tuple[int, int]] = list(protected[k:k_end])
        j = k
        for s, e in spans[lo:hi]:
            while j < k_end and protected[j][1] <= s:
                j += 1
            if j == k_end or protected[j][0] >= e:
                group.append((s, e))
                continue
            cur, m = s, j
            while m < k_end and protected[m][0] < e:
                ps, pe = protected[m]
                if ps > cur:
                    group.append(_strip(text, cur, ps))
                cur = max(cur, pe)
                m += 1
            if cur < e:
                group.append(_strip(text, cur, e))
        out.extend(sorted(x for x in group if x[1] > x[0]))
        done = max(done, hi)
        k = k_end
    out.extend(spans[done:])
    return out


# ---------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------


_TONES = "\u0300\u0301\u0309\u0303\u0323"  # grave, acute, hook above, tilde, dot below


def _with_tones(vowels: str) -> str:
    return "".join(unicodedata.normalize("NFC", v + t) for v in vowels for t in _TONES)


_OLD_STYLE = with_first_chars(  # same matches, found faster
    re.compile(rf"(?<![qQ])([oO][{_with_tones('aAeE')}]|[uU][{_with_tones('yY')}])(?![^\W\d_])")
)


def _new_style(m: re.Match) -> str:
    first, second = m.group(1)
    base, tone = unicodedata.normalize("NFD", second)
    return unicodedata.normalize("NFC", first + tone) + base


def normalize_tone_marks(text: str) -> str:
    """Old-style tone placement to the new style, same length: ``hoà`` → ``hòa``,
    ``uỷ`` → ``ủy``, ``khoẻ`` → ``khỏe`` (only where the syllable ends after the pair,
    and not after ``q``: ``quý`` stays)."""
    return _OLD_STYLE.sub(_new_style, text)


def _backend_input(text: str, backend: str) -> str:
    text = normalize_tone_marks(text)
    return _RE_LETTER_HYPHEN.sub(" - ", text) if backend == "underthesea" else text


def tokenize(
    text: str, backend: str = "underthesea", only: Sequence[tuple[int, int]] | None = None
) -> list[Token]:
    """Words of ``text`` with their offsets; ``backend`` is ``underthesea`` or ``pyvi``.

    Every non-space character of ``text`` belongs to exactly one token; no token
    starts or ends with whitespace or crosses a line break.

    ``only``: sorted, non-overlapping (start, end) spans that the backend segments,
    each on its own; the rest of the text is cut into runs of word
    characters and single other characters (syllables, not words), with numbers
    still protected.  Segmenting only what the extractors read the words of is most
    of the saving on long articles (see :func:`extractors.document.spans_to_segment`).
    """
    spans = token_spans(text, backend, only)
    new = tuple.__new__  # a third faster than Token(...), for ~500 tokens an article
    return [new(Token, (s, e, text[s:e])) for s, e in spans]


def token_spans(
    text: str, backend: str = "underthesea", only: Sequence[tuple[int, int]] | None = None
) -> list[tuple[int, int]]:
    """The (start, end) offsets of :func:`tokenize`'s tokens, without their texts (what the
    rule extractors and the token cache read: a string per token costs more than the rest)."""
    check_backend(backend)
    if not text.strip():
        return []
    segment = _backend(backend)
    if only is None:
        words = _align(text, *segment(_backend_input(text, backend)))
    else:
        words = [
            (a + s, b + s)
            for s, e in only
            if text[s:e].strip()
            for a, b in _align(text[s:e], *segment(_backend_input(text[s:e], backend)))
        ]
    spans = _fill_gaps(text, words)
    spans = _merge_hyphens(text, spans)
    return _apply_protected(text, spans, _protected(text))


# ---------------------------------------------------------------------------
# sentences
# ---------------------------------------------------------------------------

_RE_SENT_END = re.compile(r"([.!?…]+)[”\"’'»)\]]*(?=\s)")
_RE_SENT_NEXT = re.compile(r"\s+([“\"‘'«(\[]*)(?:[*•–—-]\s*)?(\w)")  # opening quotes, a bullet, a letter
_RE_WORD_BEFORE = re.compile(r"(?:^|(?<=[\s(“\"‘'«]))([^\s(“\"‘'«]+)$")
ABBREVIATIONS = frozenset(
    [
        "TP", "Tp", "tp", "Q", "P", "TX", "TT", "Th.S", "ThS", "TS", "PGS", "GS", "BS", "KS", "CN", "NXB",
        "Mr", "Mrs", "Ms", "Dr", "St", "Đ/c", "đ/c", "Đc", "v.v", "Th", "tr", "Tr",
    ]
)  # fmt: skip


def _is_abbreviation(text: str, line_start: int, dot: int) -> bool:
    word = _word_before(text, line_start, dot)
    if not word:
        return False
    return word in ABBREVIATIONS or (len(word) == 1 and word.isupper())


_OPENERS = "(“\"‘'«"


def _word_before(text: str, lo: int, hi: int) -> str | None:
    """``_RE_WORD_BEFORE.search(text, lo, hi).group(1)`` (or None), read backwards from ``hi``
    (the search tries every start of the line)."""
    end = hi - 1 if hi > lo and text[hi - 1] == "\n" else hi  # "$" also matches before a final newline
    p = end
    while p > lo and not (text[p - 1].isspace() or text[p - 1] in _OPENERS):
        p -= 1
    if p == end or (p and not (text[p - 1].isspace() or text[p - 1] in _OPENERS)):
        return None  # nothing before hi, or the word runs on before lo
    return text[p:end]


def _line_sentences(
    text: str, start: int, end: int, ends: Sequence[re.Match[str]] | None = None
) -> list[tuple[int, int]]:
    """The sentences of the line ``text[start:end]``; ``ends``: the matches of
    ``_RE_SENT_END.finditer(text, start, end)`` when the caller has them (:func:`_sentence_ends`)."""
    out: list[tuple[int, int]] = []
    begin = start
    for m in _RE_SENT_END.finditer(text, start, end) if ends is None else ends:
        nxt = _RE_SENT_NEXT.match(text, m.end(), end)
        if not nxt:
            continue
        opener, c = nxt.group(1), nxt.group(2)
        if not (opener or c.isupper() or c.isdigit()):
            continue
        if m.group(1) == "." and _is_abbreviation(text, start, m.start()):
            continue
        out.append((begin, m.end()))
        begin = m.end()
    out.append((begin, end))
    return out


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text`` (rule in the module docstring), without surrounding whitespace."""
    return list(_split_sentences(text))


@lru_cache(maxsize=8)  # asked for the same article by the token scope, the Doc and the store in turn
def _split_sentences(text: str) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    marks = _end_marks(text)
    k = 0  # marks[:k] are before the line
    for start, end in _lines(text):
        lo = k
        while k < len(marks) and marks[k] < end:
            k += 1
        ends = _sentence_ends(text, marks[lo:k], end)
        for s, e in _line_sentences(text, start, end, ends):
            s, e = _strip(text, s, e)
            if e > s:
                out.append((s, e))
    return tuple(out)


def _lines(text: str) -> list[tuple[int, int]]:
    """The spans of ``_RE_LINE.finditer(text)``: the lines of ``str.splitlines`` that are not empty
    (both break at the same characters, :data:`_LINE_BREAKS`), their offsets summed from the
    lengths with the line ends kept (a C split instead of a class test per character)."""
    out: list[tuple[int, int]] = []
    pos = 0
    for line, kept in zip(text.splitlines(), text.splitlines(keepends=True), strict=True):
        if line:
            out.append((pos, pos + len(line)))
        pos += len(kept)
    return out


_END_MARKS = ".!?…"  # the characters a match of ``_RE_SENT_END`` starts with


def _end_marks(text: str) -> list[int]:
    """The offsets of the characters of :data:`_END_MARKS` in ``text``, sorted."""
    return char_positions(text, _END_MARKS)


def _sentence_ends(text: str, marks: Sequence[int], end: int) -> list[re.Match[str]]:
    """``list(_RE_SENT_END.finditer(text, start, end))`` of a line, tried only at its ``marks``
    (:func:`_end_marks` in the line): a match starts with one of them, and ``finditer`` tries
    each position after the last match in turn, so the matches are the same."""
    out: list[re.Match[str]] = []
    match = _RE_SENT_END.match
    pos = 0
    for i in marks:
        if i >= pos and (m := match(text, i, end)) is not None:
            out.append(m)
            pos = m.end()
    return out
