"""Named models of the "Dân vận khéo" campaign, found by cue words, quotes and list structure.

A named model is a proper name the article gives to one model ("mô hình"),
exemplar ("điển hình"), work ("công trình") or solution ("giải pháp") of the
campaign.  It is found in three ways, all over the cleaned article text (NFC,
curly quotes “ ”, dashes as "-"):

1. **Quoted, with a cue**: a quoted name right after a cue noun and a few
   words of description ("mô hình “…”", "chuyên đề “…”", "mô hình vệ sinh
   môi trường “…”", "mô hình “Dân vận khéo” cấp tỉnh “…”"), right before one
   ("“…” - mô hình …"), or anywhere later in a sentence that has already
   introduced models ("các mô hình: “A”, “B” và “C”", "như: “A”; “B”",
   "Đó là X với mô hình “A”; Y “B”").  A photo caption that starts with a
   quoted name followed by its place ("“…” tại xã …") counts too.
2. **Unquoted titles in a list of models**: capitalised items of a list
   announced after a model noun by "như", "gồm" or ":" ("Các mô hình tiêu
   biểu, như: Mô hình Tổ … của …; Câu lạc bộ … ở …").  Lower-case items are
   descriptions of activities, not names; places, people, organisations and
   the names of the four fields are not titles either.
3. **Broken quotes**: a name with no closing quote ends at ";" or at the end
   of its line; a name with only a closing quote starts after the unit that
   runs it ("…, như Sở X tổ chức …”").  A quote still open when the text ends
   (an excerpt cut off mid-name) gives nothing.

Each candidate is then checked against what is *not* a model: the campaign's
own name in any spelling or with a qualifier ("Chính quyền dân vận khéo",
"Năm Dân vận khéo", "Dận vận khéo"); anything introduced as a movement,
drive, contest, award, title, plan, directive, programme, motto or saying
("phong trào “…”", "cuộc vận động “…”", "Hội thi “…”", "Kỷ niệm chương “…”",
"Kế hoạch “…”", "Chương trình “…”", "phương châm “…”"); well-known national
movements and army titles; mottos ("3 cùng", "Mắt thấy, tai nghe, …"),
quotations (several sentences, "… thì …"), single words and short phrases;
house types counted by number ("605 “Nhà tình nghĩa”"); organisations
("tổ chức tự xưng “…”").  A name the article elsewhere calls a "phong trào"
or "cuộc vận động" is not a model anywhere in it.

One mention is kept per distinct name (its first qualifying mention).  Names
are as written, quote marks dropped, whitespace collapsed.  Each mention also
carries the span of its owner when the text gives one right there ("“…” của
Công an huyện X", "(Hội Nông dân tỉnh)", "Hội CCB huyện Y với mô hình “…”"),
else the place it is at.  :func:`model_context` gives the text to judge its
field with :func:`extractors.domains.classify_domain`.  Pure functions, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, pairwise

from corpus.normalize import fold_tone_marks
from extractors.regex_speed import char_positions, compiled, with_first_chars

__all__ = [
    "CUE_NOUNS",
    "ModelMention",
    "find_model_names",
    "is_campaign_name",
    "model_context",
    "quoted_candidates",
    "sentence_spans",
]

OPEN_Q, CLOSE_Q, PRIME = "\u201c", "\u201d", "\u2033"
_QUOTES = OPEN_Q + CLOSE_Q + PRIME
_RE_QUOTES = re.compile("[" + re.escape("".join(sorted(set(_QUOTES)))) + "]")

CUE_NOUNS = ("mô hình", "điển hình", "giải pháp", "công trình", "chuyên đề", "sáng kiến", "cách làm")
_CUE = r"(?:mô hình|điển hình|giải pháp|công trình|chuyên đề|sáng kiến|cách làm)"
_CUE_WORD = with_first_chars(re.compile(rf"(?<!\w){_CUE}(?!\w)"))  # a cue noun as a word
_CUE_LAST = re.compile(rf"({_CUE})\s*:?\s*$", flags=re.IGNORECASE)  # a cue noun ending the text
_MIN_SYLLABLES, _MAX_SYLLABLES = 3, 45
_MAX_TITLE_SYLLABLES = 10


@dataclass(slots=True)
class ModelMention:
    """One named model: the span of its name and of the evidence around it, in the article's text."""

    start: int
    end: int
    name: str
    ev_start: int
    ev_end: int
    cue: str | None  # the cue noun ("mô hình", "giải pháp", …), "list", "caption"
    owner_start: int | None = None
    owner_end: int | None = None
    shared: bool = False  # its owner is written as several units (see :func:`_shared_owner`)


@dataclass(frozen=True, slots=True)
class _Quote:
    """A quoted stretch: the name inside and the whole span with its marks."""

    start: int  # first character of the evidence (opening mark, or the name for an orphan closing mark)
    end: int  # after the closing mark (or after the name when the quote is unclosed)
    name_start: int
    name_end: int
    kind: str  # "closed", "unclosed" (no closing mark), "orphan" (no opening mark) or "single" ('…')


# --- helpers over text --------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _fold(text: str) -> str:
    """Lower case, NFC, tone placement folded as the cleaner does ("hoà" → "hòa", "uỷ" → "ủy")."""
    s = unicodedata.normalize("NFC", text)
    return fold_tone_marks(s).lower()


def _name_key(name: str) -> str:
    """The scorer's normalisation: lower case, punctuation removed, whitespace collapsed."""
    s = compiled(r"[\"“”'‘’″«»().,;:!?\-–—/…]").sub(" ", _fold(name))
    return " ".join(s.split())


def _syllables(name: str) -> int:
    return len(compiled(r"\w+").findall(name))


def _last_match(pattern: str | re.Pattern[str], s: str) -> re.Match[str] | None:
    m = None
    for m in re.finditer(pattern, s):  # noqa: B007 - the last one is wanted
        pass
    return m


def _strip_span(text: str, start: int, end: int, junk: str = " \t\n,;:.…-") -> tuple[int, int]:
    while start < end and text[start] in junk:
        start += 1
    while end > start and text[end - 1] in junk:
        end -= 1
    return start, end


# --- sentences ----------------------------------------------------------------------------------

_SENT_END = re.compile(r"[.!?…]+[”″\"')]*\s+(?=[“\"(]?\w)|\n+")
_ABBREV_BEFORE = re.compile(r"(?:\b[A-ZĐ]{1,3}|\bTP|\bTp|\bTS|\bThS|\bPGS|\bGS|\bv\.v|\bST)\.$")


def _starts_upper(text: str, pos: int) -> bool:
    """The first letter or digit at ``pos`` (after opening marks) is a capital or a digit."""
    m = compiled(r"[“\"(]*(\w)").match(text, pos)
    return bool(m) and (m.group(1).isupper() or m.group(1).isdigit())


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """A plain sentence splitter (line breaks and final punctuation), used when none is given."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        if "\n" not in m.group(0) and not _starts_upper(text, m.end()):
            continue
        if "\n" not in m.group(0) and _ABBREV_BEFORE.search(text[max(0, m.start() - 6) : m.start() + 1]):
            continue
        end = m.end() if "\n" not in m.group(0) else m.start()
        if text[start:end].strip():
            spans.append((start, end))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


@dataclass(frozen=True, slots=True)
class _Scopes:
    """The scopes of a text (:func:`_scopes`), with a quick look-up of the one holding an offset."""

    items: tuple[tuple[int, int], ...]
    starts: tuple[int, ...]
    ordered: bool  # in order and apart (each ends by the next one's start), as sentences are

    def at(self, pos: int) -> tuple[int, int]:
        """:func:`_scope_at`: the first scope holding ``pos``, else (pos, pos)."""
        if not self.ordered:
            return _scope_at(self.items, pos)
        i = bisect_right(self.starts, pos) - 1
        if i >= 0 and pos < self.items[i][1]:
            return self.items[i]
        return pos, pos


def _scopes(text: str, sentences: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences as given, cut at line breaks, with false stops (inside brackets, after "T.P") merged."""
    return list(_scope_index(text, sentences).items)


def _scope_index(text: str, sentences: Sequence[tuple[int, int]]) -> _Scopes:
    return _scopes_indexed(text, tuple((int(s), int(e)) for s, e in sentences))


@lru_cache(maxsize=8)
def _scopes_indexed(text: str, sentences: tuple[tuple[int, int], ...]) -> _Scopes:
    items = _scopes_cached(text, sentences)
    ordered = all(e <= s for (_, e), (s, _) in pairwise(items))
    return _Scopes(items, tuple(s for s, _ in items), ordered)


def _scopes_cached(text: str, sentences: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    base = sorted(sentences) if sentences else sentence_spans(text)
    find = text.find
    merged: list[tuple[int, int]] = []
    for s, e in base:
        # the sentence's first piece may continue the piece before (a false stop) ...
        nl = find("\n", s, e)  # the sentence cut at each line break
        first_end = e if nl < 0 else nl
        # (a line break before the sentence, as there nearly always is, makes no false stop)
        if merged and find("\n", merged[-1][1], s) < 0 and _false_stop(text, *merged[-1], s):
            merged[-1] = (merged[-1][0], first_end)
        else:
            merged.append((s, first_end))
        # ... the pieces after its line breaks never do (a line break lies between): no test
        while nl >= 0:
            pos = nl + 1
            nl = find("\n", pos, e)
            merged.append((pos, e if nl < 0 else nl))
    return tuple((s, e) for s, e in merged if e > s)


_BEFORE_FALSE_STOP = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZĐp")


def _false_stop(text: str, prev_start: int, prev_end: int, start: int) -> bool:
    """The boundary between two pieces is not a real sentence end."""
    if text.find("\n", prev_end, start) >= 0:
        return False
    if text.count("(", prev_start, prev_end) > text.count(")", prev_start, prev_end):
        return True
    end = prev_end  # (read in the text: most pieces end in no stop, and are not copied)
    while end > prev_start and text[end - 1].isspace():  # what ``str.rstrip`` strips
        end -= 1
    if end <= prev_start or text[end - 1] != ".":  # what the pattern needs: a stop, then only white space
        return False
    # and before the stop, a capital of "[A-ZĐ]{1,3}" or the "P"/"p" of "TP"/"Tp" (most stops
    # follow a word in lower case or a number)
    if end - 2 < prev_start or text[end - 2] not in _BEFORE_FALSE_STOP:
        return False
    prev = text[prev_start:prev_end]
    stop = end - 1 - prev_start
    # the stop ends the text but for white space: a match starts at most three letters before it
    return bool(compiled(r"(?:\b[A-ZĐ]{1,3}|\bTP|\bTp)\.\s*$").search(prev, max(0, stop - 3)))


def _scope_at(scopes: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for s, e in scopes:
        if s <= pos < e:
            return s, e
    return pos, pos


# --- quotes -------------------------------------------------------------------------------------


def _find_quotes(text: str) -> list[_Quote]:
    """Every quoted stretch, pairing “ with the next ” on the same line; broken ones flagged."""
    return list(_find_quotes_cached(text))


@dataclass(frozen=True, slots=True)
class _Quotes:
    """The quotes of a text in order of their start, indexed to find those overlapping a stretch."""

    items: tuple[_Quote, ...]
    starts: tuple[int, ...]  # items[i].start, non-decreasing
    reach: tuple[int, ...]  # max(q.end for q in items[: i + 1]), non-decreasing

    def overlapping(self, start: int, end: int) -> tuple[_Quote, ...]:
        """The items, in order, that may overlap text[start:end]: all others end by ``start`` or start at ``end``."""
        return self.items[bisect_right(self.reach, start) : bisect_left(self.starts, end)]


@lru_cache(maxsize=8)
def _quote_index(text: str) -> _Quotes:
    items = _find_quotes_cached(text)
    return _Quotes(items, tuple(q.start for q in items), tuple(accumulate((q.end for q in items), max)))


def _positions_in(text: str, chars: str, start: int, end: int) -> list[int]:
    """:func:`extractors.regex_speed.char_positions` within text[start:end]."""
    out: list[int] = []
    for ch in chars:
        i = text.find(ch, start, end)
        while i >= 0:
            out.append(i)
            i = text.find(ch, i + 1, end)
    out.sort()
    return out


def _single_quoted(text: str) -> list[re.Match[str]]:
    """``list(_SINGLE_QUOTED.finditer(text))``: a match starts at a single quote mark (after a
    look-behind, which ``match`` sees too), so it is tried there only, past the last match."""
    out: list[re.Match[str]] = []
    end = 0
    for i in char_positions(text, "'‘"):
        if i < end:
            continue
        m = _SINGLE_QUOTED.match(text, i)
        if m is not None:
            out.append(m)
            end = m.end()
    return out


@lru_cache(maxsize=8)
def _find_quotes_cached(text: str) -> tuple[_Quote, ...]:
    marks = [(i, text[i]) for i in char_positions(text, _QUOTES)]
    quotes: list[_Quote] = []
    used: set[int] = set()
    for k, (i, ch) in enumerate(marks):
        if ch != OPEN_Q:
            continue
        line_end = text.find("\n", i)
        line_end = len(text) if line_end < 0 else line_end
        nxt = marks[k + 1] if k + 1 < len(marks) else None
        if nxt and nxt[1] in (CLOSE_Q, PRIME) and nxt[0] < line_end:
            used.add(nxt[0])
            quotes.append(_Quote(i, nxt[0] + 1, i + 1, nxt[0], "closed"))
            continue
        quote = _unclosed(text, i, line_end, nxt[0] if nxt and nxt[0] < line_end else None)
        if quote:
            quotes.append(quote)
    for i, ch in marks:
        if ch == CLOSE_Q and i not in used:
            quote = _orphan(text, i)
            if quote:
                quotes.append(quote)
    for m in _single_quoted(text):
        quotes.append(_Quote(m.start(), m.end(), m.start(1), m.end(1), "single"))
    quotes.sort(key=lambda q: q.start)
    return tuple(quotes)


# Single quotes ('…', ‘…’), used by some headlines; they count only right after a cue noun.
_SINGLE_QUOTED = with_first_chars(re.compile(r"(?<!\w)['‘]([^'‘’“”\n]{3,150}?)['’](?!\w)"))


def _unclosed(text: str, i: int, line_end: int, next_open: int | None) -> _Quote | None:
    """An opening mark never closed: the name runs to ";" or the line's end; None when the text ends."""
    stop = line_end if next_open is None else next_open
    semi = text.find(";", i, stop)
    if semi >= 0:
        stop = semi
    elif next_open is None and line_end == len(text):
        return None  # cut off by the end of the excerpt
    s, e = _strip_span(text, i + 1, stop)
    return _Quote(i, e, s, e, "unclosed") if e > s else None


_ORPHAN_VERBS = re.compile(
    r"\b(?:tổ chức|triển khai|thực hiện|xây dựng|vận động|phát động|duy trì|nhân rộng|ra mắt|áp dụng"
    r"|đẩy mạnh|phối hợp|tiếp nhận|lập|thành lập|với)\b"
)


def _orphan(text: str, j: int) -> _Quote | None:
    """A closing mark with no opening one: the name starts after the unit that runs it.

    Only the shape "<Unit> <verb> …”" after a list boundary (";", ":", "như")
    is read; anything else (the tail of a nested quotation) gives None.
    """
    floor = max(text.rfind(ch, 0, j) for ch in ";:\n“”()")
    m = _last_match(compiled(r"\bnhư\b"), text[floor + 1 : j])
    start = floor + 1 + (m.end() if m else 0)
    seg = text[start:j]
    lead = compiled(r"[\s,]*").match(seg)
    first = start + (lead.end() if lead else 0)
    if first >= j or not text[first].isupper():
        return None
    verb = _ORPHAN_VERBS.search(text, first, j)
    if not verb or len(text[first : verb.start()].split()) > 8:
        return None
    name_start = verb.end() + 1 if verb.group(0) == "với" else verb.start()
    s, e = _strip_span(text, name_start, j)
    if e <= s:
        return None
    return _Quote(s, j + 1, s, e, "orphan")


def quoted_candidates(text: str) -> list[tuple[int, int, int, int, str]]:
    """Every quoted stretch of ``text``, model or not, as (start, end, name_start, name_end, kind).

    ``start``/``end`` span the marks, ``name_start``/``name_end`` the name inside; ``kind`` is
    "closed", "unclosed" (no closing mark: the name runs to ";" or the line's end), "orphan" (no
    opening mark) or "single" ('…').  The candidates the finder judges; for trained components.
    """
    return [(q.start, q.end, q.name_start, q.name_end, q.kind) for q in _find_quotes(text)]


# --- what is not a model ------------------------------------------------------------------------

_CAMPAIGN_QUALIFIERS = (
    "chính quyền",
    "năm",
    "đoàn thể",
    "cán bộ",
    "mô hình",
    "điển hình",
    "phong trào",
    "tập thể",
    "cá nhân",
    "gia đình",
    "chiến sĩ",
    "đơn vị",
    "cơ quan",
    "doanh nghiệp",
    "khu dân cư",
    "thi đua",
    "công tác",
    "giải thưởng",
    "hội thi",
    "gương",
)
_QUALIFIER_WORDS = tuple(q.split() for q in _CAMPAIGN_QUALIFIERS)
_CAMPAIGN = "dân vận khéo"
_CAMPAIGN_PARTS = ("dân ", "vận ", "khéo")  # the campaign's name cut in three
assert "".join(_CAMPAIGN_PARTS) == _CAMPAIGN
# A level, place or time after the campaign's name ("Dân vận khéo cấp tỉnh", "… năm 2024", "… tỉnh Đồng Tháp").
_CAMPAIGN_TAIL = re.compile(
    r"\s+(?:cấp|năm|giai đoạn|lần thứ|tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)\b.*$"
)


def _edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


@lru_cache(maxsize=4096)
def is_campaign_name(name: str) -> bool:
    """The campaign's own name, in any case or spelling, or with a qualifier word ("Năm …")."""
    whole = _name_key(name)
    # What is compared in the end is a stretch of ``whole`` (words dropped at its ends, then a
    # tail): within two edits of the campaign's name, it holds one of the name's three parts as
    # they are (two edits change at most two of them).  Most names hold none: nothing to strip.
    if not any(part in whole for part in _CAMPAIGN_PARTS):
        return False
    words = whole.split()
    qualifiers = _QUALIFIER_WORDS
    changed = True
    while changed and words:
        changed = False
        for q in qualifiers:
            if words[: len(q)] == q and len(words) > len(q):
                words, changed = words[len(q) :], True
            elif words[-len(q) :] == q and len(words) > len(q):
                words, changed = words[: -len(q)], True
    key = _CAMPAIGN_TAIL.sub("", " ".join(words))
    # the distance is at least the difference in length: far longer or shorter keys need no table
    return len(key) >= 8 and abs(len(key) - len(_CAMPAIGN)) <= 2 and _within_edits(key, _CAMPAIGN, 2)


def _within_edits(a: str, b: str, most: int) -> bool:
    """``_edit_distance(a, b) <= most``: equal strings (the campaign's name as written, nearly
    always) need no table, and the table stops at a row all over ``most`` (no row after it has
    a smaller value: each cell is at least the smallest of the row above)."""
    if a == b:
        return True
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > most:
            return False
        prev = cur
    return prev[-1] <= most


# Movements of national scope and army emulation titles that articles quote beside the models: a name
# containing one of the long phrases is that movement (unless it only names it as its frame, "… trong cuộc
# vận động …"); the short ones must end the name.
_MOVEMENT_PHRASES = (
    "chung sức xây dựng nông thôn mới",
    "chung sức xây dựng ntm",
    "toàn dân đoàn kết xây dựng",
    "toàn dân chung sức",
    "chung tay vì người nghèo",
    "học tập và làm theo",
    "không xả rác ra đường",
    "toàn dân bảo vệ an ninh tổ quốc",
    "ưu tiên dùng hàng việt nam",
    "giỏi việc nước đảm việc nhà",
    "cựu chiến binh gương mẫu",
    "toàn dân tham gia bảo vệ an ninh",
)
_MOVEMENT_ENDINGS = (
    "dân vận tốt",
    "bộ đội cụ hồ",
    "đền ơn đáp nghĩa",
    "ngày vì người nghèo",
    "thi đua quyết thắng",
)
_FRAME_BEFORE = re.compile(r"(?:trong|gắn với|cuộc vận động|phong trào|hưởng ứng)\s+$")
_TITLE_PATTERNS = (
    re.compile(
        r"^(?:đơn vị|cơ quan|gia đình|khu dân cư|thôn|bản|tổ dân phố|xã|phường) .*(?:tốt|văn hóa|kiểu mẫu)$"
    ),
)
_HOUSE_TYPES = re.compile(
    r"^nhà (?:tình nghĩa|tình thương|đại đoàn kết|nhân ái|chữ thập đỏ|văn hóa|an toàn)$"
)
# Heads that make the quote something else than a model when they stand right before it.
_REJECT_HEADS = (
    r"(?:phong trào(?: thi đua)?(?: yêu nước)?|cuộc vận động|các cuộc vận động|hội thi|cuộc thi|hội diễn"
    r"|giải thưởng|danh hiệu|kỷ niệm chương|huy chương|huy hiệu|bằng khen|giấy khen|cờ thi đua"
    r"|(?:kế hoạch|chỉ thị|nghị quyết|quyết định|kết luận|đề án|chương trình|thông báo|hướng dẫn|công văn)"
    r"(?: (?:số|của) [^“”,;.]{0,40})?"
    r"|phương châm|khẩu hiệu|tinh thần|lời dạy|lời bác|câu nói|chủ đề|tự xưng|theo hướng|gắn với(?: việc)?"
    r"(?: thực hiện)?|về việc|ngày hội|lễ hội|tổ chức|cụm từ|gọi là|gọi tắt|biệt danh|tên gọi|thương hiệu"
    r"|dự án|cuộc thi viết|tác phẩm|bài viết|cuốn sách|chuyên mục|trang|nhóm zalo|ca khúc|bài hát)"
)
_REJECT_BEFORE = with_first_chars(re.compile(_REJECT_HEADS + r"\s*:?\s*$"))
_SPEECH_VERBS = r"(?:nhấn mạnh|cho biết|khẳng định|đề nghị|phát biểu|chia sẻ|nói|dạy|yêu cầu|bày tỏ|nhắn nhủ)"
_SPEECH_BEFORE = re.compile(_SPEECH_VERBS + r"\s*:\s*$")


# The most characters a match of the heads can hold (the longest alternative, the decree numbers'
# 40 characters included); tests/test_models_speed.py checks them against the patterns.
_REJECT_WIDTH = 57
_SPEECH_WIDTH = 10


def _head_ends(pattern: re.Pattern[str], width: int, s: str) -> bool:
    """``pattern.search(s)``, for a pattern of words at most ``width`` long, then white space
    with at most one ":", then the end (``_REJECT_BEFORE``, ``_SPEECH_BEFORE``): the words end
    where only white space and ":" follow, so a match starts at most ``width`` before the run
    of them that ends ``s``; the search starts there instead of trying every position of ``s``."""
    i = len(s)
    while i and (s[i - 1].isspace() or s[i - 1] == ":"):  # ``\s`` is what ``str.isspace`` says
        i -= 1
    return pattern.search(s, max(0, i - width)) is not None


# The heads of :data:`_REJECT_HEADS` as the strings they match, but for the documents'
# numbers and owners ("kế hoạch số 12/KH-UBND", "chỉ thị của …"): read by ``str.endswith``
# (:func:`_reject_head_ends`); tests/test_models_speed.py checks them against the patterns.
_REJECT_WORDS = (
    *("phong trào", "phong trào thi đua", "phong trào yêu nước", "phong trào thi đua yêu nước"),
    *("cuộc vận động", "hội thi", "cuộc thi", "hội diễn", "giải thưởng", "danh hiệu", "kỷ niệm chương"),
    *("huy chương", "huy hiệu", "bằng khen", "giấy khen", "cờ thi đua"),
    *("phương châm", "khẩu hiệu", "tinh thần", "lời dạy", "lời bác", "câu nói", "chủ đề", "tự xưng"),
    *("theo hướng", "gắn với", "gắn với việc", "gắn với thực hiện", "gắn với việc thực hiện", "về việc"),
    *("ngày hội", "lễ hội", "tổ chức", "cụm từ", "gọi là", "gọi tắt", "biệt danh", "tên gọi", "thương hiệu"),
    *("dự án", "cuộc thi viết", "tác phẩm", "bài viết", "cuốn sách", "chuyên mục", "trang", "nhóm zalo"),
    *("ca khúc", "bài hát"),
)
_DOCUMENT_WORDS = (
    *("kế hoạch", "chỉ thị", "nghị quyết", "quyết định", "kết luận", "đề án", "chương trình", "thông báo"),
    *("hướng dẫn", "công văn"),
)
_REJECT_ENDINGS = _REJECT_WORDS + _DOCUMENT_WORDS  # a document named with no number nor owner
_DOCUMENT_LINKS = (" số ", " của ")  # then at most 40 characters none of “”,;.
_DOCUMENT_TAIL_WIDTH = 40
_NOT_IN_DOCUMENT_TAIL = frozenset("“”,;.")
_SPEECH_WORDS = (
    *("nhấn mạnh", "cho biết", "khẳng định", "đề nghị", "phát biểu", "chia sẻ", "nói", "dạy", "yêu cầu"),
    *("bày tỏ", "nhắn nhủ"),
)


def _words_end(s: str) -> tuple[int, int]:
    """(where the run of white space and ":" that ends ``s`` starts, how many ":" it holds)."""
    i = len(s)
    while i and (s[i - 1].isspace() or s[i - 1] == ":"):  # ``\s`` is what ``str.isspace`` says
        i -= 1
    return i, s.count(":", i)


def _reject_head_ends(s: str) -> bool:
    """``_REJECT_BEFORE.search(s)``: a head, then white space with at most one ":", then the end.

    Every head but a document's number or owner ends in a letter: it ends where the run of
    white space and ":" ending ``s`` starts, which must hold one ":" at most.  A document's
    "số …"/"của …" tail (at most 40 characters, none of “”,;.) may take in that run's
    first characters, up to the last ":" but one: it needs at least what lies between its
    start and there."""
    i, colons = _words_end(s)
    if colons <= 1 and s.endswith(_REJECT_ENDINGS, 0, i):
        return True
    # the least a document's tail must hold reaches here
    least = i if colons <= 1 else s.rfind(":", i, s.rfind(":", i)) + 1
    for link in _DOCUMENT_LINKS:
        j = s.find(link, max(0, least - _DOCUMENT_TAIL_WIDTH - len(link)))
        while j >= 0:
            tail = j + len(link)
            if (
                least - tail <= _DOCUMENT_TAIL_WIDTH
                and s.endswith(_DOCUMENT_WORDS, 0, j)
                and _NOT_IN_DOCUMENT_TAIL.isdisjoint(s[tail:least])
            ):
                return True
            j = s.find(link, j + 1)
    return False


def _speech_head_ends(s: str) -> bool:
    """``_SPEECH_BEFORE.search(s)``: a verb of speech (ending in a letter), then white space
    with exactly one ":", then the end."""
    i, colons = _words_end(s)
    return colons == 1 and s.endswith(_SPEECH_WORDS, 0, i)


def _number_ends(s: str) -> bool:
    r"""Whether a number ends ``s``: ``re.search(r"\d[\d.,]*\s*$", s)``, a digit, then digits, "."
    and ",", then white space to the end; read backwards from the end (``\d`` is what
    ``str.isdecimal`` says, ``\s`` what ``str.isspace`` says)."""
    i = len(s.rstrip())
    while i and (s[i - 1] in ".," or s[i - 1].isdecimal()):
        i -= 1
        if s[i].isdecimal():
            return True
    return False


_NUMBER_WORD = r"(?:\d+|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)"
_NUMBERED = re.compile(rf"{_NUMBER_WORD}\s+\S+")


def _is_motto(name: str, direct: bool = False) -> bool:
    """Mottos and slogans: "3 cùng", "ba không", or three or more parallel comma-separated clauses.

    Parallel clauses have two to four words each and about the same length
    ("Mắt thấy, tai nghe, tay làm", "Học tập chăm, rèn luyện tốt, phục vụ
    nhanh"); "Ngõ phố xanh, sạch, đẹp" is a name, not a motto.  A name a cue
    noun introduces outright ("mô hình “Nhà sạch, vườn đẹp, ngõ xanh”") is only
    tested for the numbered form.
    """
    key = _fold(name).strip()
    if _NUMBERED.fullmatch(key):
        return True
    if direct:
        return False
    parts = [len(p.split()) for p in compiled(r"[,;]").split(key) if p.strip()]
    return len(parts) >= 3 and all(2 <= n <= 4 for n in parts) and max(parts) - min(parts) <= 1


def _is_saying(name: str) -> bool:
    """Quotations: several sentences, a question or exclamation, or the "… thì …" of a saying."""
    inner = name.strip().rstrip(".!?…")
    return bool(
        compiled(r"[.!?]\s+\S").search(inner)
        or compiled(r"[!?]").search(inner)
        or " thì " in f" {_fold(name)} "
    )


@lru_cache(maxsize=4096)  # a pure function of the name, asked again for each mention of it
def _name_rejected(name: str, direct: bool = False) -> bool:
    """What the name alone shows not to be a model (``direct``: a cue noun stands right before it)."""
    key = _name_key(name)
    if not _MIN_SYLLABLES <= _syllables(name) <= _MAX_SYLLABLES:
        return True
    if is_campaign_name(name) or _is_motto(name, direct) or _is_saying(name):
        return True
    if _HOUSE_TYPES.match(key) or any(p.match(key) for p in _TITLE_PATTERNS):
        return True
    for phrase in _MOVEMENT_PHRASES:
        i = key.find(phrase)
        if i >= 0 and not _FRAME_BEFORE.search(key[:i]):
            return True
    if any(key == p or key.endswith(" " + p) for p in _MOVEMENT_ENDINGS):
        return True
    return bool(_NOT_A_MODEL_START.match(key))


# Names that are themselves an event, a contest, a document or a movement.
_NOT_A_MODEL_START = re.compile(
    r"(?:về việc|v/v|ngày hội|hội thi|hội nghị|hội diễn|lễ hội|lễ|giải thưởng|cuộc thi|phong trào|cuộc vận động"
    r"|kế hoạch|nghị quyết|chỉ thị|quyết định|chương trình|đại hội)\b"
)
_SPEECH_AFTER_VERBS = (
    *("nói", "cho biết", "chia sẻ", "nhấn mạnh", "khẳng định", "tâm sự", "bày tỏ", "kể", "phát biểu"),
    *("nhớ lại", "cười"),
)
_SPEECH_AFTER = re.compile(
    r"^\s*[,.]?\s*[^.;“”\n]{0,50}?(?<!\w)(?:" + "|".join(_SPEECH_AFTER_VERBS) + r")(?!\w)"
)


def _speech_after(s: str) -> bool:
    """``_SPEECH_AFTER.match(s)``, not tried when no verb it ends with is in ``s`` at all (most
    quotes: the match tries up to fifty positions, the verbs each at every one)."""
    return any(v in s for v in _SPEECH_AFTER_VERBS) and _SPEECH_AFTER.match(s) is not None


# --- cues ---------------------------------------------------------------------------------------

# Words that end the description between a cue noun and its quoted name ("mô hình phải “…”" is no name).
_NOT_DESCRIPTOR = (
    r"(?:là|của|và|như|phải|cần|nên|sẽ|đã|được|đang|có|không|thì|mà|để|với|vì|do|bị|rất|càng|luôn|này|đó"
    r"|gắn|theo|trong|cho|từ)"
)
_DIRECT_CUE = with_first_chars(
    re.compile(rf"(?<!\w)({_CUE})(?:\s*:)?(?:\s+(?!{_NOT_DESCRIPTOR}(?!\w))[^\s“”;:.,()]+){{0,4}}\s*:?\s*$")
)
_POST_CUE = re.compile(rf"^\s*(?:[-:]\s*|(?:là|được coi là|trở thành)\s+(?:một\s+)?)({_CUE})\b")
_LIST_END = re.compile(r"…|\.\.\.|\bv\.v\b")
_SEPARATOR = re.compile(r"^[”″]?\s*(?:[,;]|và|hoặc|cùng)?\s*(?:,\s*)?(?:và\s+)?$")


def _masked(text: str, quotes: _Quotes, start: int, end: int) -> str:
    """text[start:end] with quoted names blanked, the campaign name kept as a word."""
    near = quotes.overlapping(start, end)
    if not near:
        return text[start:end]
    pieces = _masked_pieces(text, near, start, end)
    if pieces is not None:
        return "".join(pieces)
    chars = list(text[start:end])
    for q in near:
        if q.end <= start:  # (ends are not in order: one that ends earlier may follow one that overlaps)
            continue
        a, b = max(q.start, start), min(q.end, end)
        if is_campaign_name(text[q.name_start : q.name_end]):
            for m in _RE_QUOTES.finditer(text, a, b):  # the campaign's name stays, as words
                chars[m.start() - start] = " "
        else:
            chars[a - start : b - start] = "\x00" * (b - a)
    return "".join(chars)


def _masked_pieces(text: str, near: tuple[_Quote, ...], start: int, end: int) -> list[str] | None:
    """:func:`_masked` as pieces of text, when the quotes it blanks follow one another without
    overlapping (as they nearly always do): each then changes its own stretch only, and the
    stretches between are copied whole instead of character by character.  None otherwise."""
    pieces: list[str] = []
    pos = start
    for q in near:
        if q.end <= start:
            continue
        a, b = max(q.start, start), min(q.end, end)
        if a < pos:  # overlaps the one before: blanked in turn, character by character
            return None
        pieces.append(text[pos:a])
        if is_campaign_name(text[q.name_start : q.name_end]):
            pieces.append(_RE_QUOTES.sub(" ", text[a:b]))  # the campaign's name stays, as words
        else:
            pieces.append("\x00" * (b - a))
        pos = b
    pieces.append(text[pos:end])
    return pieces


def _direct_cue(prefix: str) -> str | None:
    """The cue noun right before a quote, past a few words of description; "cách làm" only opens lists."""
    if not any(noun in prefix for noun in CUE_NOUNS):  # (most prefixes) no cue noun to search for
        return None
    m = _DIRECT_CUE.search(prefix)
    return m.group(1) if m and m.group(1) != "cách làm" else None


_LIST_MARKER = with_first_chars(  # the same matches, found faster
    re.compile(r"(?<!\w)(?:như|gồm|bao gồm|đó là|tiêu biểu là|điển hình là)(?!\w)\s*:?|:")
)


# what a head of :func:`_list_cue` holds: a model noun, "chương trình" or the campaign's name
_LIST_CUE_WORDS = (*CUE_NOUNS, "chương trình", "dân vận khéo")


def _list_cue(masked_before: str) -> str | None:
    """The sentence announces a list of models before this point: a model noun, then a list marker.

    "các mô hình tiêu biểu, như: …", "Mô hình: …", "các chương trình … như …"
    and "phong trào thi đua “Dân vận khéo”, như …" (examples of the campaign)
    open a list; a model noun with no marker after it ("xây dựng mô hình gắn
    với …, “…”") does not.
    """
    s = masked_before
    if not any(w in s for w in _LIST_CUE_WORDS):  # (most) no head a list cue needs: no search
        return None
    cut = max(s.rfind("…"), s.rfind("..."))
    if cut >= 0:
        s = s[cut + 1 :]
    for m in _LIST_MARKER.finditer(s):
        head = s[: m.start()]
        if _CUE_WORD.search(head):
            return "list"
        if m.group(0).startswith(("như", "gồm", "bao gồm")) and re.search(
            r"(?<!\w)chương trình(?!\w)|dân vận khéo\s*,?\s*$", head
        ):
            return "list"
    return None


_MOVEMENT_NOUNS = ("phong trào", "cuộc vận động", "hội thi", "cuộc thi")
_MOVEMENT_NOUN = re.compile("|".join(_MOVEMENT_NOUNS))
_GOVERNED = re.compile(r"gắn với|trong|của|thuộc|tham gia|hưởng ứng|thực hiện|theo|từ")


def _movement_list(masked_before: str) -> bool:
    """The list being read is headed by a movement, drive or contest rather than by models.

    The head is the clause before the last list marker ("như", ":"), back to
    the previous ";" or sentence stop.  A movement noun heads it unless a model
    noun stands beside it in coordination ("những mô hình, các phong trào thi
    đua như: …" lists both); "mô hình gắn với các phong trào như …" lists
    movements.  "phong trào (thi đua) Dân vận khéo" is the campaign itself,
    whose examples are models, so it does not count.
    """
    s = " ".join(masked_before.split())
    if not any(noun in s for noun in _MOVEMENT_NOUNS):
        # (most sentences) no movement noun to find in the clause, a stretch of ``s`` with
        # "phong trào … dân vận khéo" blanked, which only "phong trào" in ``s`` can start
        return False
    marker = _last_match(compiled(r"\bnhư\b|:"), s)
    if marker is not None:
        end = marker.start()
        begin = max(s.rfind(ch, 0, end) for ch in ";.…")
        clause = s[begin + 1 : end]
    else:
        clause = s[-80:]
    clause = compiled(r"phong trào(?: thi đua)? dân vận khéo").sub(" ", clause)
    movement = _last_match(_MOVEMENT_NOUN, clause)
    if movement is None:
        return False
    cue = _last_match(_CUE_WORD, clause)
    if cue is None:
        return True
    if cue.start() > movement.start():
        return False
    between = clause[cue.end() : movement.start()]
    return bool(_GOVERNED.search(between)) or not compiled(r",|\bvà\b|\bhoặc\b").search(between)


# --- the finder ---------------------------------------------------------------------------------


def find_model_names(text: str, sentences: Sequence[tuple[int, int]]) -> list[ModelMention]:
    """The named models of an article, one per distinct name, in text order.

    ``sentences`` are (start, end) offsets of the sentences of ``text`` (any
    reasonable splitter; line breaks are boundaries too); when empty a plain
    splitter is used.
    """
    scopes = _scope_index(text, sentences)
    quotes = _quote_index(text)
    movements = _movement_names(text, quotes)
    found: list[ModelMention] = []
    inherited: str | None = None
    prev: _Quote | None = None
    last_model: _Quote | None = None
    for q in quotes.items:
        between = text[prev.end : q.start] if prev else None
        cue = _quote_cue(text, scopes, quotes, q)
        # "phong trào “A”, “B” và “C”": coordinated items share their head; ";" starts a new item
        coordinated = between is not None and cue in (None, "list") and _SEPARATOR.match(between)
        if coordinated and inherited and (inherited != "reject" or ";" not in between):
            cue = inherited
        if cue is None and last_model is not None and _next_item(text, scopes, last_model, q):
            cue = "list"
        inherited = cue
        prev = q
        if cue in (None, "reject"):
            continue
        name = " ".join(text[q.name_start : q.name_end].split())
        if _name_rejected(name, direct=cue in CUE_NOUNS) or (movements and _name_key(name) in movements):
            continue
        found.append(_mention(text, q, name, cue))
        last_model = q
    found += _list_titles(text, scopes, quotes)
    return _dedupe(found)


def _next_item(text: str, scopes: _Scopes, last: _Quote, q: _Quote) -> bool:
    """``q`` is a further item of the list ``last`` belongs to: same sentence, after a ";"."""
    if scopes.at(last.start) != scopes.at(q.start):
        return False
    between = text[last.end : q.start]
    return ";" in between and not _LIST_END.search(between) and "\n" not in between


def _quote_cue(text: str, scopes: _Scopes, quotes: _Quotes, q: _Quote) -> str | None:
    """Why this quote would be a model ("mô hình", "list", "caption", …), "reject", or None."""
    s_start, _ = scopes.at(q.start)
    window = max(s_start, q.start - 120)
    prefix_raw = text[window : q.start]
    if _number_ends(prefix_raw):  # (the cheapest test first)
        return "reject"
    folded_raw = _fold(prefix_raw)
    if _reject_head_ends(folded_raw):
        return "reject"
    if _speech_head_ends(folded_raw) or _speech_after(_fold(text[q.end : q.end + 70])):
        return "reject"
    # the sentence before the quote, masked once (a rejected quote needs none): its last 120
    # characters are the masked prefix (masking changes each character by the quotes over it)
    before = None
    if q.kind != "orphan":
        before = _masked(text, quotes, s_start, q.start)
        cue = _direct_cue(_fold(before[window - s_start :]).replace(_CAMPAIGN, "dvk"))
        if cue:
            return cue
    if q.kind == "single":
        return None
    after = _fold(text[q.end : q.end + 40])
    m = _POST_CUE.match(after)
    if m:
        return m.group(1)
    masked_before = _fold(_masked(text, quotes, s_start, q.start) if before is None else before)
    if _list_cue(masked_before) and not _movement_list(masked_before):
        return "list"
    if _LIST_OPENER.match(masked_before) and not _movement_list(masked_before):
        previous = _previous_sentence(text, scopes.items, s_start)
        if previous and _CUE_WORD.search(_fold(_masked(text, quotes, *previous))):
            return "list"
    line_start = text.rfind("\n", 0, q.start) + 1
    if q.kind == "closed" and not text[line_start : q.start].strip() and _is_caption(text, q):
        return "caption"
    return None


# A sentence that opens with the examples of the models named in the sentence before.
_LIST_OPENER = re.compile(r"\s*(?:tiêu biểu|nổi bật|có thể kể đến|cụ thể)(?:\s+(?:là|như|gồm))?\s*:?\s")


def _previous_sentence(text: str, scopes: Sequence[tuple[int, int]], start: int) -> tuple[int, int] | None:
    """The sentence before the one starting at ``start``, when it is on the same line."""
    before = [sc for sc in scopes if sc[1] <= start]
    if not before or "\n" in text[before[-1][1] : start]:
        return None
    return before[-1]


def _is_caption(text: str, q: _Quote) -> bool:
    """A photo caption: a capitalised quoted name opening its line, followed by its place."""
    name = text[q.name_start : q.name_end].strip()
    if not name or not name[0].isupper() or _syllables(name) < 4:
        return False
    return bool(compiled(r"\s*(?:tại|ở)\s+\w").match(text[q.end : q.end + 20]))


def _may_end_movement_head(text: str, start: int, end: int) -> bool:
    """Whether text[start:end], folded, may end with a movement head ("phong trào", "… thi đua",
    "cuộc vận động", "hội thi") then white space and ":" (what :func:`_movement_names` looks for).

    The head's last letter (o, a, g, i) is then the folded text's last character that is neither
    white space nor ":".  The text's own last such character, when it is an ASCII one, is that
    character, lower-cased: NFC composes no ASCII character with the one before, nor white space
    with one, and tone marks move only onto an "o"/"u" before a marked vowel.  So a text ending in
    an ASCII character other than these four letters (most: "mô hình", "giải pháp") cannot.
    """
    i = end
    while i > start and (text[i - 1].isspace() or text[i - 1] == ":"):
        i -= 1
    if i == start:  # only white space and ":", which no folding turns into letters
        return False
    last = text[i - 1]
    return not last.isascii() or last in "oagiOAGI"


def _movement_names(text: str, quotes: _Quotes) -> set[str]:
    """Names the article introduces as a movement, drive or contest somewhere."""
    out: set[str] = set()
    for q in quotes.items:
        if not _may_end_movement_head(text, max(0, q.start - 40), q.start):
            continue
        before = _fold(text[max(0, q.start - 40) : q.start])
        if compiled(r"(?:phong trào(?: thi đua)?|cuộc vận động|hội thi)\s*:?\s*$").search(before):
            out.add(_name_key(text[q.name_start : q.name_end]))
    return out


def _mention(text: str, q: _Quote, name: str, cue: str) -> ModelMention:
    ev_start, ev_end = q.start, q.end
    prefix = text[max(0, q.start - 40) : q.start]
    m = _CUE_LAST.search(prefix)
    if m:
        ev_start = q.start - (len(prefix) - m.start())
    owner = _owner(text, q)
    return ModelMention(
        start=q.name_start,
        end=q.name_end,
        name=name,
        ev_start=ev_start,
        ev_end=ev_end,
        cue=cue,
        owner_start=owner[0] if owner else None,
        owner_end=owner[1] if owner else None,
        shared=_shared_owner(text, owner, q.end),
    )


# --- owners -------------------------------------------------------------------------------------

_ORG_START = (
    r"(?:Hội|Ban|Đảng ủy|Đảng bộ|Chi bộ|Đoàn|Công an|UBND|Ủy ban|MTTQ|Mặt trận|Sở|Phòng|Huyện ủy|Quận ủy"
    r"|Thành ủy|Tỉnh ủy|Thị ủy|Bộ|Đồn|Trường|Công ty|Liên đoàn|Hợp tác xã|Khối|Trung tâm|Bệnh viện|Viện"
    r"|Cục|Chi cục|Lực lượng|Tổ dân phố|Tỉnh đoàn|Thành đoàn|Huyện đoàn|LLVT|BĐBP|CLB|Câu lạc bộ)"
)
_PLACE = r"(?:xã|phường|thị trấn|thôn|bản|ấp|làng|tổ dân phố|khu phố|huyện|quận|thị xã|thành phố|tỉnh)"


_PERSON = re.compile(r"(?:ông|bà|anh|chị|đồng chí|cô|thầy)\s", flags=re.IGNORECASE)
_RUN_VERB = r"(?:thực hiện|triển khai|xây dựng|duy trì|phát động|tổ chức|ra mắt|khởi xướng|nhân rộng|áp dụng)"
_OWNER_END = re.compile(
    r"\s(?:được|đã|đang|sẽ|là|có|nhằm|giúp|góp phần|thực hiện|triển khai|với|trong|cho|tại|ở|đều|cũng)(?:\s|$)"
)
_OWNER_VERB_BEFORE = re.compile(
    rf"\s+(?:với|thực hiện|triển khai|xây dựng|duy trì|nhân rộng|có|ra mắt)\s+(?:(?:các\s+)?{_CUE}\s*:?\s*)?$"
)


_PAREN_OWNER = re.compile(rf"\s*\(((?:{_ORG_START}|{_PLACE}\s)[^()]*)\)")
_RUN_BY = re.compile(rf"\s*(?:do|được)\s+((?:{_ORG_START}|{_PLACE}\s)[^;:.…()\n“”]*?)\s+{_RUN_VERB}")
_AT_PLACE = re.compile(rf"\s*(?:tại|ở)\s+({_PLACE}\s+[^;:.…()\n,“”]+)")
_UNIT_START = re.compile(rf"(?:{_PLACE}|{_ORG_START})\s", flags=re.IGNORECASE)
_UNIT_WORD = re.compile(rf"(?<!\w)(?:{_PLACE}|{_ORG_START})(?!\w)", flags=re.IGNORECASE)
_PLACE_NUMBER = re.compile(rf"{_PLACE}\s+(?:số\s+)?\d")
_PLACE_WORD = re.compile(rf"{_PLACE}\s+\w")
_COORDINATED_TAIL = re.compile(r"(?:\s*(?:,|\bvà\b)\s*“[^“”\n]*”)+")


# An owner written as several units ("của các quận Bắc Từ Liêm, Hà Đông, Hoàng Mai", "ở huyện A và
# thành phố B", "“…” (Bình Tú, Bình Giang)"): the model is theirs together, and no one unit's.
_OWNER_LIST_LEAD = re.compile(r"\s*(?:(?:ở|tại|của)\s+)?(?:các\s+)?")
_ITEM = rf"(?:{_PLACE}|{_ORG_START}|TP\.?|T\.P\.?|TX\.?|T\.X\.?)\s"
_ITEM_START = re.compile(_ITEM, flags=re.IGNORECASE)
_ANY_SEP = re.compile(r"\s*(?:,|;|\bvà\b)\s*")
# between typed items, a separator counts only before another unit ("Sở Văn hóa, Thể thao và Du lịch"
# is one name)
_TYPED_SEP = re.compile(r"\s*(?:,|;|\bvà\b)\s*(?=" + _ITEM + ")", flags=re.IGNORECASE)
_PAREN_AFTER = re.compile(r"\s*\(([^()\n]{3,200})\)")


def _names_several(span: str) -> bool:
    """Whether ``span`` lists two or more units (bare names, or names opening on a unit word),
    rather than one unit, or one with its parents ("Khối Dân vận xã A, huyện B")."""
    lead = _OWNER_LIST_LEAD.match(span)
    start = lead.end() if lead else 0
    body = span[start:]
    plural = "các" in span[:start]  # "các quận A, B, C": the names after the type word are its siblings
    sep = _ANY_SEP if plural or not _ITEM_START.match(body) else _TYPED_SEP
    items = [x for x in (x.strip(" …") for x in sep.split(body)) if x]
    if len(items) < 2 or not all(
        len(x.split()) <= 8 and (x[0].isupper() or _ITEM_START.match(x)) for x in items
    ):
        return False
    if plural or any("và" in m.group(0) for m in sep.finditer(body)):
        return True  # "các quận A, B", "huyện A và thành phố B"
    types = [m.group(0).strip().lower() if (m := _ITEM_START.match(x)) else None for x in items]
    return not (len(items) <= 3 and None not in types and len(set(types)) == len(types))


def _shared_owner(text: str, owner: tuple[int, int] | None, after: int) -> bool:
    """Whether the model's owner (its span, or else a bracket right after the name ending at
    ``after``) names several units."""
    if owner is not None:
        return _names_several(text[owner[0] : owner[1]])
    tail = _COORDINATED_TAIL.match(text, after)
    m = _PAREN_AFTER.match(text, tail.end() if tail else after)
    return m is not None and _names_several(m.group(1))


def _owner(text: str, q: _Quote) -> tuple[int, int] | None:
    """The span naming who runs the model, when the text gives it right there.

    In order: "“…” (Hội Nông dân tỉnh)", "“…” của Công an huyện X", "<unit>
    với / thực hiện / triển khai mô hình “…”", "<unit> “…”" as an item of a
    list, and last the place it is at ("“…” ở xã Y", "tại ấp Z").
    """
    tail = _COORDINATED_TAIL.match(text, q.end)  # "“A”, “B” của X": the owner after the last item
    after_at = tail.end() if tail else q.end
    after = text[after_at : after_at + 160]
    m = _PAREN_OWNER.match(after)
    if m:
        return after_at + m.start(1), after_at + m.end(1)
    m = _RUN_BY.match(after)
    if m:
        span = _trim_owner(text, after_at + m.start(1), after_at + m.end(1))
        if span:
            return span
    m = compiled(r"\s*của\s+([^;:.…()\n“”]+)").match(after)
    if m:
        span = _trim_owner(text, after_at + m.start(1), after_at + m.end(1))
        if span:
            return span
    span = _owner_before(text, q)
    if span:
        return span
    m = _AT_PLACE.match(after)
    if m:
        return _trim_owner(text, q.end + m.start(1), q.end + m.end(1))
    return None


def _owner_before(text: str, q: _Quote) -> tuple[int, int] | None:
    """ "<unit> với mô hình “…”" or, in a list, "; <unit> “…”": the unit before the name."""
    floor = max(text.rfind(ch, 0, q.start) for ch in ";:\n.”")
    seg = text[floor + 1 : q.start]
    verb = _OWNER_VERB_BEFORE.search(seg)
    if verb:
        seg_end = floor + 1 + verb.start()
    elif text[floor : floor + 1] == ";" and not _CUE_LAST.search(seg):
        seg_end = q.start  # a list item "; phòng X, Bộ Y “…”"
    else:
        return None
    start = floor + 1
    lead = compiled(r"\s*(?:(?:Đó là|đó là|là|và|như)\s+)?").match(text[start:seg_end])
    start += lead.end() if lead else 0
    return _trim_owner(text, start, seg_end)


_NEXT_MODEL = re.compile(rf"\s*(?:,|;|\bvà\b)\s*(?:các\s+)?{_CUE}\b", flags=re.IGNORECASE)


def _trim_owner(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Cut a raw owner span to the unit: no leading "Ở huyện X," clause, no trailing verb phrase."""
    raw = text[start:end]
    unit = _UNIT_START
    if not unit.match(raw) and not _PERSON.match(raw):  # "Ở huyện X, Ban Y", "Cùng ngày, phường Z"
        lead = next((c for c in compiled(r",\s+").finditer(raw) if unit.match(raw, c.end())), None)
        if lead:
            start, raw = start + lead.end(), raw[lead.end() :]
    stop = _OWNER_END.search(raw)
    if stop:
        end, raw = start + stop.start(), raw[: stop.start()]
    more = _NEXT_MODEL.search(raw)  # "“A” của xã X và mô hình “B” …": the owner ends before the next name
    if more:
        end, raw = start + more.start(), raw[: more.start()]
    cut = next(
        (
            c
            for c in compiled(r",\s+(\w)").finditer(raw)
            if c.group(1).islower() and not _is_place_word(raw, c)
        ),
        None,
    )
    if cut:
        end = start + cut.start()
    s, e = _strip_span(text, start, end)
    owner = text[s:e]
    named = any(ch.isupper() for ch in owner) or _PLACE_NUMBER.match(owner)
    a_unit = _UNIT_WORD.search(owner) or _PERSON.match(owner)
    if e <= s or not named or not a_unit or len(owner.split()) > 16:
        return None
    return s, e


def _is_place_word(raw: str, m: re.Match[str]) -> bool:
    """ ", huyện X" continues an owner ("xã Bản Bo, huyện Tam Đường"); ", tranh thủ …" does not."""
    return bool(_PLACE_WORD.match(raw[m.start(1) :]))


# --- unquoted titles in lists of models ---------------------------------------------------------

_TITLE_STOP = re.compile(r"\s(?:của|ở|tại|do|thuộc|được|đã|đang|thực hiện|nhằm|giúp|góp phần)\s|\s*\(")
# A bare place ending a title names its owner: "Đội thanh niên tình nguyện phường 4".
_TRAILING_PLACE = re.compile(rf"\s({_PLACE}\s+(?:số\s+)?(?:\d+|[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ]\w*)(?:\s+\w+)*)$")
_NOT_TITLE_START = re.compile(
    r"(?:Hội|Ban|Đảng|Đoàn|Chi|Công|UBND|Ủy|MTTQ|Mặt|Sở|Bộ|Huyện|Quận|Thành|Tỉnh|Thị|Xã|Phường|Thôn|Bản"
    r"|Ấp|Ông|Bà|Anh|Chị|Đồng chí|Phó|Chủ|Trưởng|Bí|Giám|Đại|Thượng|Trung|Thiếu|Các|Những|Nhiều|Một|Tại"
    r"|Ở|Trong|Với|Qua|Từ|Đến|Thông|Đặc|Nhờ|Bên|Cùng|Theo|Năm|Ngày|Tháng|Lực|Cán|Đơn|Trường|Khối|Cụm"
    r"|LLVT|BĐBP|Đồn|Cơ|Đây|Đó|Kết|Sau|Trước|Hiện|Tính|Toàn|Tổng|Gia đình|Hộ|Cấp|Lĩnh vực|Nghị quyết|Chỉ thị"
    r"|Kế hoạch|Quyết định|Thông tư|Luật|Hướng dẫn|Quy chế|Quy định|Chương trình|Phong trào|Cuộc|Hội thi|Giải"
    r"|Kỷ niệm|Lễ|Hội nghị|Đại hội|Tết)\b"
)


_PLACE_TITLE = re.compile(
    r"(?:Tổ dân phố|Tổ|Khu phố|Khu dân cư|Khu|Thôn|Bản|Ấp|Làng|Xóm|Khối|Đội|Buôn|Sóc|Phum)\s+"
)


def _is_place_title(name: str) -> bool:
    """A place written as a title: "Tổ dân phố số 5", "Khu phố 3", "Thôn Đông Hòa"."""
    m = _PLACE_TITLE.match(name)
    if not m:
        return False
    rest = name[m.end() :].split()
    if rest[:1] == ["số"]:
        rest = rest[1:]
    return bool(rest) and all(w[:1].isupper() or w[:1].isdigit() for w in rest)


_FIELD_NAME = re.compile(
    r"(?:phát triển |lĩnh vực )?(?:kinh tế|văn hóa|xã hội|quốc phòng|an ninh|xây dựng hệ thống chính trị"
    r"|hệ thống chính trị|xây dựng đảng)(?:[\s,-]+(?:văn hóa|xã hội|quốc phòng|an ninh|trật tự))*$"
)


_LIST_WORDS = ("như", "gồm", "đó là", "tiêu biểu là", "điển hình là", ":")
_CUE_WORDS = ("mô hình", "điển hình", "giải pháp", "công trình", "chuyên đề", "sáng kiến", "cách làm")


def _may_list(sentence: str) -> bool:
    """Whether the sentence holds a list marker and a model noun at all, as :func:`_list_titles`
    needs: most sentences do not, and are neither masked nor folded.  It looks for them, as
    words, in the sentence masked and folded, which turns quoted characters into NULs and
    quotation marks into spaces or NULs (here: all into spaces), lower-cases, and moves tone
    marks within syllables ending in oa/oe/uy (none of these words has one)."""
    if not unicodedata.is_normalized("NFC", sentence):
        sentence = unicodedata.normalize("NFC", sentence)
    low = _RE_QUOTES.sub(" ", sentence.lower())
    return any(w in low for w in _LIST_WORDS) and any(w in low for w in _CUE_WORDS)


def _may_lists(text: str, scopes: Sequence[tuple[int, int]]) -> list[bool]:
    """``[_may_list(text[s:e]) for s, e in scopes]``, the words looked for once in the whole text.

    When ``str.lower`` turns each character of the text into one, regardless of the others
    (no "İ", which turns into two, nor "Σ", which turns into "ς" at a word's end), the lower-cased
    sentence is the sentence's stretch of the lower-cased text; with the quotation marks made
    spaces there too, a word is in the sentence when one of its occurrences in the text lies
    within the sentence's stretch.  A sentence that is not NFC (never in a cleaned text) is
    read alone, as :func:`_may_list` reads it (normalising it first).
    """
    low = text.lower()
    if len(low) != len(text) or "\u03a3" in text:
        return [_may_list(text[s:e]) for s, e in scopes]
    for mark in _QUOTES:  # what ``_RE_QUOTES.sub(" ", …)`` does
        low = low.replace(mark, " ")
    # the list words first, by their (few) occurrences; the model nouns (many) only in the few
    # sentences that hold one
    lists = _occurrences(low, _LIST_WORDS)
    return [
        _may_list(text[s:e])
        if not unicodedata.is_normalized("NFC", text[s:e])
        else _occurs_within(lists, s, e) and any(w in low[s:e] for w in _CUE_WORDS)
        for s, e in scopes
    ]


def _occurrences(low: str, words: Sequence[str]) -> tuple[list[int], list[int]]:
    """The starts of every occurrence of any of ``words`` in ``low``, sorted, and for each, the
    least end of the occurrences from it on (what :func:`_occurs_within` needs)."""
    spans: list[tuple[int, int]] = []
    for w in words:
        i = low.find(w)
        while i >= 0:
            spans.append((i, i + len(w)))
            i = low.find(w, i + 1)
    spans.sort()
    least_ends = list(accumulate(reversed([e for _, e in spans]), min))
    least_ends.reverse()
    return [s for s, _ in spans], least_ends


def _occurs_within(occurrences: tuple[list[int], list[int]], start: int, end: int) -> bool:
    """An occurrence lies within low[start:end]: of those starting at ``start`` or later, the
    one ending first ends by ``end``."""
    starts, least_ends = occurrences
    k = bisect_left(starts, start)
    return k < len(starts) and least_ends[k] <= end


def _list_titles(text: str, scopes: _Scopes, quotes: _Quotes) -> list[ModelMention]:
    """Unquoted capitalised titles in a list announced by "như" after a model noun."""
    out: list[ModelMention] = []
    for (s_start, s_end), may in zip(scopes.items, _may_lists(text, scopes.items), strict=True):
        if not may:
            continue
        masked = _masked(text, quotes, s_start, s_end)
        folded = _fold(masked)
        for m in _LIST_MARKER.finditer(folded):
            intro = folded[: m.end()]
            if not _CUE_WORD.search(folded[: m.start()]) or _movement_list(intro):
                continue
            clause = folded[max(folded.rfind(ch, 0, m.start()) for ch in ",;.") + 1 : m.start()]
            if not m.group(0).startswith("như") and not _CUE_WORD.search(clause):
                continue  # ":" and "gồm" open a list of models only right after a model noun
            if compiled(r"lĩnh vực(?:\s+\w+){0,2}\s*$").search(folded[: m.start()]):  # a list of fields
                continue
            region_start = m.end()
            end_m = _LIST_END.search(folded, region_start)
            region_end = end_m.start() if end_m else len(folded)
            out += _titles_in(text, quotes, s_start + region_start, s_start + region_end)
            break
    return out


def _titles_in(text: str, quotes: _Quotes, start: int, end: int) -> list[ModelMention]:
    out: list[ModelMention] = []
    for seg_start, seg_end in _list_items(text, quotes, start, end):
        seg = text[seg_start:seg_end]
        if any(ch in seg for ch in _QUOTES):
            continue
        lead = compiled(r"\s*(?:và\s+|hoặc\s+)?((?:[Mm]ô hình|CLB)\s*:?\s*)?").match(seg)
        offset = lead.end() if lead else 0
        cue_start = seg_start + (lead.start(1) if lead and lead.group(1) else offset)
        rest = seg[offset:]
        if not rest[:1].isupper() or _NOT_TITLE_START.match(rest):
            continue
        if lead and lead.group(1) and lead.group(1).startswith("CLB"):
            offset, rest = lead.start(1), seg[lead.start(1) :]
        stop = _TITLE_STOP.search(rest)
        name_end = seg_start + offset + (stop.start() if stop else len(rest))
        name_start, name_end = _strip_span(text, seg_start + offset, name_end)
        name = " ".join(text[name_start:name_end].split())
        if (
            not (2 <= _syllables(name) <= _MAX_TITLE_SYLLABLES)
            or is_campaign_name(name)
            or not name[:1].isupper()
        ):
            continue
        if _FIELD_NAME.match(_fold(name)) or _is_place_title(name):
            continue
        if all(w[:1].isupper() or w[:1].isdigit() for w in name.split()):
            continue  # every word capitalised: a place or a person, not a title
        owner = None
        trailing = _TRAILING_PLACE.search(text, name_start, name_end)
        if (
            trailing
            and trailing.start() > name_start
            and _syllables(text[name_start : trailing.start()]) >= 2
        ):
            owner = (trailing.start(1), name_end)
            name_start, name_end = _strip_span(text, name_start, trailing.start())
            name = " ".join(text[name_start:name_end].split())
        ev_end = owner[1] if owner else name_end
        paren = _PAREN_OWNER.match(text[ev_end : ev_end + 80])
        if owner is None and paren:
            owner = (ev_end + paren.start(1), ev_end + paren.end(1))
            ev_end += paren.end()
        elif owner is None:
            own = re.match(
                rf"\s+(?:của|ở|tại)\s+((?:{_PLACE}|{_ORG_START})\s+[^;,()…\n]+)", text[name_end:seg_end]
            )
            if own:
                owner = _strip_span(text, name_end + own.start(1), name_end + own.end(1))
        out.append(
            ModelMention(
                start=name_start,
                end=name_end,
                name=name,
                ev_start=cue_start,
                ev_end=ev_end,
                cue="list",
                owner_start=owner[0] if owner else None,
                owner_end=owner[1] if owner else None,
                shared=_shared_owner(text, owner, name_end),
            )
        )
    return out


def _list_items(text: str, quotes: _Quotes, start: int, end: int) -> list[tuple[int, int]]:
    """Split text[start:end] at "," and ";" outside quotes and brackets."""
    quoted = [(max(q.start, start), min(q.end, end)) for q in quotes.overlapping(start, end)]
    items: list[tuple[int, int]] = []
    depth, pos = 0, start
    # only the brackets and separators matter: read at their offsets, not character by character
    for i in _positions_in(text, "(),;", start, end):
        if any(a <= i < b for a, b in quoted):
            continue
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch in ",;" and depth == 0:
            items.append((pos, i))
            pos = i + 1
    items.append((pos, end))
    return [(s, e) for s, e in items if text[s:e].strip()]


def _dedupe(found: list[ModelMention]) -> list[ModelMention]:
    """One mention per distinct name (its first), in text order."""
    out: list[ModelMention] = []
    seen: set[str] = set()
    for m in sorted(found, key=lambda m: m.start):
        key = _name_key(m.name)
        if key in seen:
            continue
        seen.add(key)
        out.append(m)
    return out


# --- context for the domain judgement -----------------------------------------------------------


def model_context(text: str, sentences: Sequence[tuple[int, int]], mention: ModelMention) -> str:
    """The ``context`` for :func:`extractors.domains.classify_domain`.

    The sentence a model is named in, on the last line, after the sentence
    before it when that is on the same line (it often announces the field of
    the list: "… mô hình thuộc lĩnh vực văn hóa - xã hội. Nổi bật là các mô
    hình: …").  Quoted names are blanked out, so that the other models of a
    list do not vote for this one's field.
    """
    index = _scope_index(text, sentences)
    scopes = list(index.items)
    quotes = _quote_index(text)
    s_start, s_end = index.at(mention.start)
    line_start = text.rfind("\n", 0, mention.start) + 1
    idx = next((i for i, sc in enumerate(scopes) if sc == (s_start, s_end)), None)
    begin = s_start
    if idx is not None and idx > 0 and scopes[idx - 1][0] >= line_start:
        begin = scopes[idx - 1][0]
    near = " ".join(_masked(text, quotes, s_start, s_end).replace("\x00", " ").split())
    if begin == s_start:
        return near
    far = " ".join(_masked(text, quotes, begin, s_start).replace("\x00", " ").split())
    return f"{far}\n{near}"
