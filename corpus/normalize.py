"""Character-level normalisation of Vietnamese article text.

One convention for everything that has several spellings in scraped news:

* Unicode NFC, with the look-alike eth ``Ð``/``ð`` folded to ``Đ``/``đ``;
* zero-width characters and soft hyphens removed, NBSP and other spaces made
  plain spaces, runs of spaces collapsed, lines stripped;
* double quotes curly: straight ``"…"`` pairs, ``« »``, ``„``/``‟`` and a
  ``″`` (U+2033) used as a quote become ``“ ”``; single quotes are kept;
* dashes (en dash, em dash, minus, figure dash, …) become ``-``, spacing kept;
* old-style tone placement folded to the one most articles use: in ``oa``,
  ``oe`` and ``uy`` ending a syllable the mark goes on the first vowel
  (``hoà`` → ``hòa``, ``khoẻ`` → ``khỏe``, ``uỷ`` → ``ủy``); ``quý``,
  ``hoàn``, ``khuỷu`` and every other word are left alone.

:func:`normalize_text` applies all of it and is idempotent.  The same function
maps a gold evidence string onto the cleaned text, so cleaned text and
evidence agree character for character.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "fold_tone_marks",
    "normalize_dashes",
    "normalize_line",
    "normalize_quotes",
    "normalize_text",
]

# --- invisible characters and spaces -------------------------------------------------------------

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)
_SPACES = dict.fromkeys(
    map(
        ord,
        "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
        "\u2008\u2009\u200a\u202f\u205f\u3000\t\v\f",
    ),
    " ",
)
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_HSPACE_RUN = re.compile(r" {2,}")
_LOOKALIKES = str.maketrans({"Ð": "Đ", "ð": "đ"})


def _present(table: dict[int, object]) -> re.Pattern[str]:
    """A pattern matching any character that ``table`` (a ``str.translate`` table) maps."""
    return re.compile("[" + re.escape("".join(map(chr, sorted(table)))) + "]")


def _translate(text: str, table: dict[int, object], present: re.Pattern[str]) -> str:
    """``text.translate(table)``, skipped when no character of the table is in the text (the
    usual case: ``translate`` looks every character up, a regex scan of a class is ten times faster)."""
    return text.translate(table) if present.search(text) else text


_ZERO_WIDTH_PRESENT, _SPACES_PRESENT, _LOOKALIKES_PRESENT = map(_present, (_ZERO_WIDTH, _SPACES, _LOOKALIKES))


# the Unicode category Cc: C0 controls, DEL and the C1 controls
_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def _strip_controls(text: str) -> str:
    """Drop control characters other than newline (tabs became spaces before)."""
    return _CONTROLS.sub("", text)


# --- dashes ---------------------------------------------------------------------------------------

_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"))


_DASHES_PRESENT = _present(_DASHES)


def normalize_dashes(text: str) -> str:
    """Every dash-like character becomes ``-``; the spaces around it are kept as written."""
    return _translate(text, _DASHES, _DASHES_PRESENT)


# --- quotes ---------------------------------------------------------------------------------------

_OPEN_Q, _CLOSE_Q = "\u201c", "\u201d"
_AMBIGUOUS_Q = '"\u201e\u201f'  # straight quote, „ and ‟: direction decided by context
_OPENS_AFTER = "([{\u201c\u2018-/"  # a quote after these opens
_CLOSES_BEFORE = ".,;:!?)]}\u2026\u201d\u2019-/"  # a quote before these closes


def _quote_context(line: str, i: int) -> tuple[bool, bool]:
    """(opening context on the left, closing context on the right) of position ``i``."""
    prev = line[i - 1] if i > 0 else " "
    nxt = line[i + 1] if i + 1 < len(line) else " "
    left_open = prev.isspace() or prev in _OPENS_AFTER
    right_close = nxt.isspace() or nxt in _CLOSES_BEFORE
    return left_open, right_close


_QUOTES = "\u201c\u201d\u00ab\u00bb" + _AMBIGUOUS_Q + "\u2033"  # every character _quote_line looks at
_RE_QUOTE = re.compile(f"[{re.escape(_QUOTES)}]")


def _quote_line(line: str) -> str:
    out: list[str] = []
    depth = 0  # quotes opened and not yet closed on this line
    pos = 0  # line[:pos] is in out
    for m in _RE_QUOTE.finditer(line):  # the text between two quotes is copied as it is
        i = m.start()
        ch = line[i]
        out.append(line[pos:i])
        pos = i + 1
        if ch == _OPEN_Q or ch == "\u00ab":
            out.append(_OPEN_Q)
            depth += 1
        elif ch == _CLOSE_Q or ch == "\u00bb":
            out.append(_CLOSE_Q)
            depth = max(0, depth - 1)
        elif ch in _AMBIGUOUS_Q:
            left_open, right_close = _quote_context(line, i)
            opening = (left_open and not right_close) or (left_open == right_close and depth == 0)
            out.append(_OPEN_Q if opening else _CLOSE_Q)
            depth = depth + 1 if opening else max(0, depth - 1)
        else:  # double prime: a quote only when it closes one or clearly opens one
            left_open, right_close = _quote_context(line, i)
            if depth > 0:
                out.append(_CLOSE_Q)
                depth -= 1
            elif left_open and not right_close and i + 1 < len(line) and line[i + 1].isalpha():
                out.append(_OPEN_Q)
                depth += 1
            else:
                out.append(ch)  # inches, seconds of arc: left as written
    if not pos:
        return line
    out.append(line[pos:])
    return "".join(out)


def normalize_quotes(text: str) -> str:
    """Make double quotes curly (“ ”), line by line; single quotes are left as they are."""
    if not any(ch in text for ch in '"\u00ab\u00bb\u201e\u201f\u2033'):
        return text
    return "\n".join(_quote_line(line) for line in text.split("\n"))


# --- tone marks -----------------------------------------------------------------------------------

_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # grave, acute, tilde, hook above, dot below
_INITIALS = frozenset(
    [
        "",
        "b",
        "c",
        "ch",
        "d",
        "đ",
        "g",
        "gh",
        "gi",
        "h",
        "k",
        "kh",
        "l",
        "m",
        "n",
        "ng",
        "ngh",
        "nh",
        "p",
        "ph",
        "r",
        "s",
        "t",
        "th",
        "tr",
        "v",
        "x",
    ]
)
_GLIDE_NUCLEUS = {"o": "ae", "u": "y"}  # o+a, o+e, u+y (never after q: "quý" keeps its mark)
# A word that can change ends in o/u and a tone-marked a/e/y: only those go through _fold_word
# (the same result as calling it on every word of two letters or more, tested; a fifth of the
# cleaning time went to those calls).
_TONED_NUCLEI = "".join(unicodedata.normalize("NFC", v + t) for v in "aAeEyY" for t in sorted(_TONE_MARKS))
# The end of a foldable word: the regex engine skips to an o/u quickly, so this is found faster
# than the whole word (a word-start pattern is tried at every character of the text).
_FOLDABLE_END = re.compile(rf"[oOuU][{_TONED_NUCLEI}](?![^\W\d_])")
_LETTER = re.compile(r"[^\W\d_]")


def _split_tone(ch: str) -> tuple[str, str] | None:
    """``(base letter, tone mark)`` of a letter carrying only a tone mark, else None."""
    decomposed = unicodedata.normalize("NFD", ch)
    if len(decomposed) == 2 and decomposed[1] in _TONE_MARKS:
        return decomposed[0], decomposed[1]
    return None


def _fold_word(word: str) -> str:
    glide, last = word[-2], word[-1]
    nuclei = _GLIDE_NUCLEUS.get(glide.lower())
    split = _split_tone(last) if nuclei else None
    if split is None or split[0].lower() not in nuclei:
        return word
    if word[:-2].lower() not in _INITIALS:
        return word
    base, tone = split
    return word[:-2] + unicodedata.normalize("NFC", glide + tone) + base


def fold_tone_marks(text: str) -> str:
    """Move the tone mark of a syllable-final ``oa``/``oe``/``uy`` onto its first vowel.

    ``hoà`` → ``hòa``, ``Thuỷ`` → ``Thủy``, ``KHOẺ`` → ``KHỎE``.  Only whole
    syllables made of a valid initial consonant and one of these glide pairs
    change; ``quý``, ``hoàn``, ``khuỷu``, ``ngoài`` and all other words do not.
    Expects NFC text.
    """
    out: list[str] = []
    pos = 0  # text[:pos] is in out
    for m in _FOLDABLE_END.finditer(text):
        start = _word_start(text, m.start())
        out.append(text[pos:start])
        out.append(_fold_word(text[start : m.end()]))
        pos = m.end()
    if not pos:
        return text
    out.append(text[pos:])
    return "".join(out)


def _word_start(text: str, end: int) -> int:
    """Where the run of letters (``[^\\W\\d_]``, as in the patterns) ending before ``end`` begins."""
    start = end
    while start and _LETTER.match(text, start - 1):
        start -= 1
    return start


# --- everything -----------------------------------------------------------------------------------


def normalize_line(line: str) -> str:
    """:func:`normalize_text` for one line (newlines become spaces)."""
    return normalize_text(line.replace("\n", " ").replace("\r", " "))


def normalize_text(text: str) -> str:
    """Apply every character convention of dvk to ``text`` (idempotent).

    Line structure is kept: line breaks are unified to ``\\n``, each line is
    stripped and its inner runs of spaces collapsed; blank lines stay.
    """
    text = _LINE_BREAKS.sub("\n", text)
    text = _translate(text, _ZERO_WIDTH, _ZERO_WIDTH_PRESENT)
    text = _translate(text, _SPACES, _SPACES_PRESENT)
    text = _strip_controls(text)
    text = _translate(unicodedata.normalize("NFC", text), _LOOKALIKES, _LOOKALIKES_PRESENT)
    text = fold_tone_marks(text)
    text = normalize_dashes(text)
    text = normalize_quotes(text)
    return "\n".join(_HSPACE_RUN.sub(" ", line).strip() for line in text.split("\n"))
