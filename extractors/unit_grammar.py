"""The grammar of unit mentions: candidate spans for localities and organisations in cleaned text.

Private to :mod:`extractors.units`, which turns these candidates into ``UnitMention`` records and
resolves them against the article.  Everything here is a pure function over the text:

* localities with a type word (``huyện Tam Đường``, ``TP.HCM``, ``Q.10``, ``T.X Phổ Yên``) and the
  names that follow one type word in a list (``các xã A, B và C``);
* party and mass-mobilisation bodies of a locality (``Ban Dân vận Huyện ủy X``, ``Hội CCB xã Y``,
  ``UBND tỉnh``): the candidate is the locality, with the body in ``organisation``;
* organisations with a line of their own (``Công an tỉnh X``, ``Ban CHQS huyện X``, ``Đồn Biên phòng
  X``, ``Sở Nội vụ``, ``Đảng ủy Khối ...``, ``Quân khu 2``, companies), abbreviations expanded;
* bare province names (``Yên Bái nhân rộng ...``) and bare type words (``toàn huyện``), the latter
  without a name, to be resolved against the article;
* spans that matter to the reading: quotations (model names, never units), parentheses, stacked
  articles' headings and page furniture.

Names are checked against the gazetteer (:mod:`extractors.gazetteer`): the longest run of
capitalised words after a type word that names a real unit of that type wins, so that a person's
name after ``Huyện ủy X`` is not read as part of the place.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from extractors import gazetteer as gz
from extractors.regex_speed import char_positions, compiled, literal_gate, may_match, with_first_chars

# ---------------------------------------------------------------------------------------------
# character classes and small helpers

_LATIN = [*range(0x41, 0x7B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]
UPPER = "".join(ch for c in _LATIN if (ch := chr(c)).isupper() and ch.isalpha())
_LO = "".join(ch for c in _LATIN if (ch := chr(c)).islower() and ch.isalpha())
CAP = rf"(?<!\w)[{UPPER}][{_LO}]*(?!\w)"  # a capitalised syllable ("Tam", "A", "Đường")
# CAP with its look-behind after the capital ("(?<!\w)X" is "X(?<!\w.)"): the same matches, and
# ``re`` skips ahead to a capital when it starts a pattern
CAP_FIRST = rf"[{UPPER}](?<!\w.)[{_LO}]*(?!\w)"
_NUM = r"(?<!\w)\d{1,3}(?![\w,.]\d)(?!\w)"
_CAP_RE = re.compile(CAP)
_NUM_RE = re.compile(_NUM)
_SP = r"[ \t\u00a0]+"
_SP_RE = re.compile(_SP)
_OPT_SP_RE = re.compile(r"[ \t\u00a0]*")


def starts_of(gate: tuple[str, ...] | None) -> re.Pattern[str] | None:
    """A pattern matching wherever one of ``gate``'s strings starts (:func:`literal_gate`), for
    :func:`scanned`; None when ``gate`` is.  The strings are written as a trie ("Ban (?:Dân vận|
    Thường vụ)|..."): it matches where the plain alternation of them does, and ``re`` tries each
    first letter once instead of every string in turn (a quarter faster to scan a text)."""
    if gate is None:
        return None
    return re.compile(_trie_pattern(sorted(set(gate))))


def _trie_pattern(words: list[str]) -> str:
    """A pattern matching where one of ``words`` (none empty) starts a text: their trie."""
    trie: dict[str, dict] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here
    return _trie_branch(trie)


def _trie_branch(node: dict[str, dict]) -> str:
    alts = [re.escape(ch) + _trie_branch(child) for ch, child in sorted(node.items()) if ch]
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    # a word ending here: what follows is optional (the start is the same either way)
    return f"(?:{body})?" if "" in node else body


def _gate(rx: str) -> tuple[str, ...] | None:
    return literal_gate(re.compile(rx))


def _gates(*rxs: str) -> tuple[str, ...] | None:
    """The strings a match of any of ``rxs`` starts with, or None when one pattern's are unknown."""
    gates = [_gate(rx) for rx in rxs]
    return None if any(g is None for g in gates) else tuple(w for g in gates for w in g or ())


def scanned(rx: re.Pattern[str], starts: re.Pattern[str] | None, text: str) -> Iterator[re.Match[str]]:
    """``rx.finditer(text)``, for a pattern every match of which starts where ``starts`` matches and
    is not empty: ``rx`` is only tried there.  Faster when ``rx`` opens with a look-behind or common
    letters and ``starts`` (literals, or a class first) is quick to find."""
    if starts is None:
        yield from rx.finditer(text)
        return
    search, match = starts.search, rx.match
    pos = 0
    while (s := search(text, pos)) is not None:
        m = match(text, s.start())
        if m is None:
            pos = s.start() + 1
        else:
            yield m
            pos = m.end()  # never empty (see above): finditer goes on from its end


def _words(s: str) -> frozenset[str]:
    """A set of words written as one string (keeps long vocabularies compact)."""
    return frozenset(s.split())


def is_cap(word: str) -> bool:
    return bool(word) and word[0] in UPPER and all(c in _LO for c in word[1:])


LOCALITY_TYPES = ("tỉnh", "thành phố", "quận", "huyện", "thị xã", "phường", "xã", "thị trấn", "thôn", "bản")
ORG_TYPE = "tổ chức"
DISTRICT = set(gz.DISTRICT_TYPES)
WARD = set(gz.WARD_TYPES)
LEVEL_RANK = {
    "tỉnh": 0,
    "thành phố": 1,
    "quận": 1,
    "huyện": 1,
    "thị xã": 1,
    "phường": 2,
    "xã": 2,
    "thị trấn": 2,
    "thôn": 3,
    "bản": 3,
}

# type words: (regex, canonical type, is an abbreviation)
_TYPE_WORDS: list[tuple[str, str, bool]] = [
    (r"[Tt]hành [Pp]hố", "thành phố", False),
    (r"T\.P\.?|TP\.?|Tp\.?", "thành phố", True),
    (r"[Tt]hị [Xx]ã", "thị xã", False),
    (r"T\.X\.?|TX\.?", "thị xã", True),
    (r"[Tt]hị [Tt]rấn", "thị trấn", False),
    (r"[Tt]ỉnh", "tỉnh", False),
    (r"[Hh]uyện", "huyện", False),
    (r"H\.", "huyện", True),
    (r"[Qq]uận", "quận", False),
    (r"Q\.", "quận", True),
    (r"[Pp]hường", "phường", False),
    (r"P\.", "phường", True),
    (r"[Xx]ã", "xã", False),
    (r"[Tt]hôn", "thôn", False),
    (r"[Bb]ản", "bản", False),
]
TYPE_RE = with_first_chars(
    re.compile(
        "|".join(f"(?P<t{i}>(?<![\\w.]){rx}(?:(?<=\\.)|(?!\\w)))" for i, (rx, _, _) in enumerate(_TYPE_WORDS))
    )
)
# "(?<![\w.])T..." written "T(?<![\w.]T)...": the same matches, and ``re`` skips ahead to a "T"
HCM_RE = re.compile(r"T(?<![\w.]T)(?:\.?P\.?\s?HCM|p\.?\s?HCM|PHCM|P\.\s?HCM)(?!\w)")

# Where a type word may start: a word start (not after a dot) on a type word's first letter before
# what a type word goes on with ("hành", "hị", "hôn", "hường", "ỉnh", "uyện", "uận", ".", "P" ...),
# or a "T" before "P", "p", "X" anywhere (TYPE_RE's "TP", "Tp", "TX" have no look-behind).  Every
# start of a TYPE_RE match is one; found much faster than TYPE_RE itself, whose first characters
# are common letters (a class first lets ``re`` skip ahead), and far fewer.
# (The look-ahead before the look-behind: most letters fail on the letter after them, found
# sooner.)
_TYPE_START = re.compile(r"[BHPQTXbhpqtx](?:(?=h[àịôư]|ỉnh|u[yậ]|[.PpXãả])(?<![\w.].)|(?<=T)(?=[PpX]))")


def type_matches(text: str) -> Iterator[re.Match[str]]:
    """``TYPE_RE.finditer(text)``: TYPE_RE is only tried where a type word starts (``_TYPE_GATE``,
    found with the other patterns' starts, :func:`_starts_in`), or else where ``_TYPE_START``
    finds a possible start."""
    return _scan(TYPE_RE, _TYPE_START, _TYPE_AT, text)


# the strings a match of TYPE_RE starts with: its type words as written ("Thành phố", "TP", "xã" ...)
# (``literal_gate`` gives up on TYPE_RE as a whole: each type word's pattern is read on its own)
_TYPE_GATE = _gates(*(rx for rx, _, _ in _TYPE_WORDS))


# Person names start with a family name: a capitalised run is cut before one (after two words).
SURNAMES = _words(
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Đào Trương Lò Lữ Vi "
    "Cao Lâm Tô Triệu Quách Đoàn Lương Tạ Phùng Chu Lại Kiều Lưu Tống Giáp Mạc Hứa Vương Nông Hầu "
    "Thân Thạch Danh"
)
_HONORIFICS = _words("Ông Bà Anh Chị Cô Chú Thầy Đồng Em")
# Capitalised words that start something else (a title, a caption, a person's honorific).
_STOP_CAPS = _words(
    "Ảnh Đồng Ông Bà Anh Chị Cô Chú Thầy Em Bí Chủ Phó Trưởng Giám Đại Trung Thượng Thiếu Tổng Thứ "
    "Ngày Sáng Chiều Tối Trong Tại Theo Với Từ Qua Cùng Dự Về Trên Được Nguồn Tin"
)
# Capitalised words of a person's title after an organisation's name ("... Thành phố Nguyễn Đức Thành").
_TITLE_CAPS = _words("Ông Bà Đồng Bí Chủ Phó Trưởng Giám Thiếu Thượng tá Ủy")
# Capitalised sentence-initial function words stripped before an untyped name is looked up.
LEAD_WORDS = _words(
    "Tại Ở Từ Với Đến Cùng Theo Trong Về Của Và Nhờ Qua Đây Năm Ngày Sáng Chiều Nay Còn Riêng Huyện "
    "Xã Quận Phường Tỉnh Thị"
)


@lru_cache(maxsize=16384)  # the same names again and again (every ward of every district named)
def fold(s: str) -> str:
    return gz.fold_key(s.replace("Ð", "Đ").replace("ð", "đ"))


# ---------------------------------------------------------------------------------------------
# candidates


@dataclass
class Cand:
    start: int
    end: int
    kind: str
    type: str
    base: str | None  # locality name without its type word; None when implicit
    organisation: str | None = None
    org_name: str | None = None  # canonical organisation name (kind organisation)
    org_suffix_type: str | None = None  # an organisation ending in a bare type word ("Công an tỉnh")
    org_append: bool = False  # append the article's province when the organisation names none
    national: bool = False  # a national body: province None
    province: str | None = None
    abbreviated: bool = False  # written with an abbreviation needing a gazetteer check
    priority: int = 0
    untyped: bool = False
    alt_ward: bool = False  # "Bản Lầu": bản Lầu, or the commune named "Bản Lầu" when the article is there

    @property
    def length(self) -> int:
        return self.end - self.start


def _name_words(text: str, pos: int, max_words: int = 6) -> list[tuple[str, int, int]]:
    """The run of capitalised words (and a trailing number) starting at ``pos``."""
    words: list[tuple[str, int, int]] = []
    p = pos
    while len(words) < max_words:
        m = _CAP_RE.match(text, p)
        if m is None:
            n = _NUM_RE.match(text, p) if words else None  # a number only after a word
            if n:  # "Na Mạ 1", "Đỉnh Sơn 1"
                words.append((n.group(0), n.start(), n.end()))
            break
        end = m.end()
        words.append((m.group(0), p, end))
        if not text.startswith(" ", end):  # one space between the words
            break
        p = end + 1
    return words


@lru_cache(maxsize=4096)  # the same names again at each candidate, list item and heading check
def _known(utype: str, name: str) -> bool:
    if utype == "tỉnh":
        return gz.canonical_province(name) is not None
    if utype == "thành phố":
        return gz.canonical_province(name) is not None or bool(gz.places_named("thành phố", name))
    if utype in DISTRICT or utype in WARD:
        return bool(gz.places_named(utype, name))
    return False


def _heuristic_length(words: list[str], max_words: int = 4) -> int:
    n = 0
    for i, w in enumerate(words):
        if i >= max_words:
            break
        if i >= 1 and w in _STOP_CAPS:
            break
        if i >= 2 and w in SURNAMES:
            break
        n = i + 1
    return n


def _choose_name(utype: str, words: list[str]) -> int:
    """How many of the capitalised words after a type word are the unit's name (0: none)."""
    for n in range(len(words), 0, -1):
        if _known(utype, " ".join(words[:n])):
            return n
    if utype == "tỉnh":
        return 0  # not a Vietnamese province ("tỉnh Hủa Phăn")
    if words and (words[0] in _HONORIFICS or words[0] in SURNAMES and len(words) >= 3):
        return 0  # a person ("Thành ủy Nguyễn Văn Phong" is the city's committee, then a name)
    return _heuristic_length(words)


@cache
def _province_alternatives() -> tuple[str, ...]:
    names = set(gz.provinces(True)) | set(gz.provinces(False))
    alts = []
    for n in sorted(names, key=len, reverse=True):
        alts.append(re.escape(n).replace(r"\ \-\ ", r"\s*-\s*").replace(r"\ ", r"\s+"))
    alts += [r"Thừa\s+Thiên\s*-\s*Huế", r"Bà\s+Rịa\s*-\s*Vũng\s+Tàu", r"Hồ\s+Chí\s+Minh", r"HCM"]
    return tuple(alts)


@cache
def province_written_re() -> re.Pattern[str]:
    """Any province name as written in text (both structures, dashes and "HCM" tolerated)."""
    alts = _province_alternatives()
    return with_first_chars(re.compile(r"(?<![\w])(?:" + "|".join(alts) + r")(?![\w])"))  # found faster


@cache
def province_starts() -> re.Pattern[str] | None:
    """Where a match of :func:`province_written_re` may start: a province's first word (:func:`scanned`)."""
    return starts_of(_gates(*_province_alternatives()))


def _parse_name(text: str, pos: int, utype: str, abbreviated: bool) -> tuple[int, str] | None:
    """Parse a locality name right after a type word (``pos`` after the spaces)."""
    if utype in ("quận", "phường"):
        m = compiled(r"0*(\d{1,2})(?![\d\w]|[.,/]\d)").match(text, pos)
        if m:
            return m.end(), m.group(1)
    if utype in ("tỉnh", "thành phố"):
        m = province_written_re().match(text, pos)
        if m:
            prov = gz.canonical_province(m.group(0))
            after = _name_words(text, m.end() + 1) if text[m.end() : m.end() + 1] == " " else []
            # "thành phố Thái Nguyên" is a province name too; a longer district name wins below
            if prov and not (
                after and utype == "thành phố" and _known(utype, m.group(0) + " " + after[0][0])
            ):
                return m.end(), prov if utype == "tỉnh" or prov in gz.MUNICIPALITIES else m.group(0)
    words = _name_words(text, pos)
    if not words:
        return None
    n = _choose_name(utype, [w for w, _, _ in words])
    if n == 0:
        return None
    name = text[words[0][1] : words[n - 1][2]]
    if abbreviated and not _known(utype, name):
        return None
    return words[n - 1][2], name


def _type_at(m: re.Match[str]) -> tuple[str, bool]:
    return _TYPE_OF_GROUP[m.lastgroup]  # the one group t<i> of the match


_TYPE_OF_GROUP = {f"t{i}": (utype, abbr) for i, (_, utype, abbr) in enumerate(_TYPE_WORDS)}


_NOT_A_NAME_AFTER = SURNAMES | {"Ủy", "Uỷ", "Đoàn"}  # capitalised words that may follow a bare type word


def _parse_locality(
    text: str, pos: int, typed: re.Match[str] | None = None
) -> tuple[int, str, str | None, bool] | None:
    """A type word at ``pos`` and its name: (end, type, name or None, abbreviated).  ``typed``:
    ``TYPE_RE.match(text, pos)`` when the caller has it already."""
    hcm = HCM_RE.match(text, pos) if text.startswith("T", pos) else None  # every match starts with "T"
    if hcm:
        return hcm.end(), "thành phố", "Hồ Chí Minh", False
    m = typed or TYPE_RE.match(text, pos)
    if not m:
        return None
    utype, abbr = _type_at(m)
    sp = (_OPT_SP_RE if abbr else _SP_RE).match(text, m.end())
    if sp and sp.end() > m.end() or (abbr and m.group(0).endswith(".")):
        parsed = _parse_name(text, sp.end() if sp else m.end(), utype, abbr)
        if parsed:
            return parsed[0], utype, parsed[1], abbr
    if abbr and utype != "thành phố":
        return None
    nxt = compiled(r"[ \t\u00a0]+(\w+)").match(text, m.end())
    if nxt and is_cap(nxt.group(1)) and nxt.group(1) not in _NOT_A_NAME_AFTER:
        return None  # a name we do not know ("tỉnh Hủa Phăn"): not the article's own unit
    return m.end(), utype, None, abbr


# bodies of a locality: the unit is the locality ------------------------------------------------

_PARTY_LEADS = (
    r"[Bb]an [Tt]hường vụ",
    r"BTV",
    r"[Tt]hường trực",
    r"[Tt]hường vụ",
    r"Ban Chấp hành",
    r"[Bb]an [Dd]ân vận",
    r"[Bb]an Tuyên giáo(?: và Dân vận)?",
    r"[Bb]an Tổ chức",
    r"Ủy ban Kiểm tra",
    r"Văn phòng",
    r"[Kk]hối [Dd]ân vận",
)
_PREFIX = rf"(?:(?:{'|'.join(_PARTY_LEADS)})\s+)?"
_PARTY_LEVELS = r"Tỉnh|Thành|Huyện|Quận|Thị|tỉnh|huyện|quận"
_PARTY_RE = with_first_chars(
    re.compile(
        _PREFIX + rf"(?<![\w])(?P<lvl>{_PARTY_LEVELS})\s+(?P<body>[ủu]ỷ|[ủu]y|Ủy|Uỷ|Đoàn)(?!\w)"
        r"(?!\s+viên)"
    )
)
# a match starts with a lead ("Ban Thường vụ") or a level ("Huyện")
_PARTY_GATE = _gates(*_PARTY_LEADS, _PARTY_LEVELS)
_PARTY_STARTS = starts_of(_PARTY_GATE)
_PARTY_TYPE = {"tỉnh": "tỉnh", "thành": "thành phố", "huyện": "huyện", "quận": "quận", "thị": "thị xã"}
_LOCAL_LEADS = r"[Bb]an [Tt]hường vụ|BTV|[Tt]hường trực|Ban Thường trực|Ban Chấp hành"
_LOCAL_BODIES = (
    r"Đảng [ủu]ỷ",
    r"Đảng [ủu]y",
    r"Đảng bộ",
    r"[Kk]hối [Dd]ân vận",
    r"Ủy ban nhân dân",
    r"UBND",
    r"Hội đồng nhân dân",
    r"HĐND",
    r"(?:Ủy ban |UB)?(?:MTTQ|Mặt trận Tổ quốc)(?: Việt Nam)?",
    r"UBMTTQ",
    r"Hội (?:Nông dân|Phụ nữ|LHPN|Liên hiệp Phụ nữ|Cựu chiến binh|CCB|Người cao tuổi|Chữ thập đỏ|"
    r"Khuyến học|phụ nữ|nông dân|cựu chiến binh)",
    r"Đoàn (?:Thanh niên|TNCS Hồ Chí Minh|thanh niên)",
    r"Liên đoàn Lao động",
    r"Công đoàn",
    r"[Bb]an [Dd]ân vận",
    r"Ban Chỉ đạo(?: phong trào)?(?: thi đua)?(?: “Dân vận khéo”)?",
)
_LOCAL_BODY_RE = with_first_chars(
    re.compile(rf"(?:(?:{_LOCAL_LEADS})\s+)?(?<![\w])(?P<body>{'|'.join(_LOCAL_BODIES)})\s+(?=\S)")
)
# a match starts with a lead ("Ban Thường vụ") or a body ("Đảng ủy")
_LOCAL_BODY_GATE = _gates(_LOCAL_LEADS, *_LOCAL_BODIES)
_LOCAL_BODY_STARTS = starts_of(_LOCAL_BODY_GATE)

_ABBREV = [
    (r"\bBĐBP\b", "Bộ đội Biên phòng"),
    (r"\b(?:Bộ CHQS|BCHQS|BCH Quân sự)(?!\w)", "Bộ Chỉ huy Quân sự"),
    (r"\bCHQS\b", "Chỉ huy quân sự"),
    (r"\bUBMTTQ\b", "Ủy ban Mặt trận Tổ quốc"),
    (r"\bMTTQ\b", "Mặt trận Tổ quốc"),
    (r"\bUBND\b", "Ủy ban nhân dân"),
    (r"\bHĐND\b", "Hội đồng nhân dân"),
    (r"\bLHPN\b", "Liên hiệp Phụ nữ"),
    (r"\bCCB\b", "Cựu chiến binh"),
    (r"\bBTV\b", "Ban Thường vụ"),
    (r"\bQĐND\b", "Quân đội nhân dân"),
    (r"\bCAND\b", "Công an nhân dân"),
    (r"\bLLVT\b", "Lực lượng vũ trang"),
    (r"\bCQ&DN\b", "cơ quan và doanh nghiệp"),
    (r"\bCP\b", "Cổ phần"),
    (r"\bTNCS\b", "Thanh niên Cộng sản"),
    (r"\bTW\b", "Trung ương"),
]


@lru_cache(maxsize=4096)
def expand_abbreviations(s: str) -> str:
    """Expand the abbreviations of organisation names, drop parenthesised ones, fix ủy spellings."""
    s = compiled(r"\s*\([A-ZĐ&\-]{2,}\)").sub("", s)
    s = gz.modern_tones(s)
    s = compiled(r"(?<=\w )Ủy(?!\s+ban)").sub("ủy", s)  # "Huyện Ủy" -> "Huyện ủy"
    for rx, full in _ABBREV:
        s = re.sub(rx, full, s)
    return " ".join(s.split())


# organisations with a line of their own -------------------------------------------------------

_SO_NAMES = (
    r"Nội vụ|Tư pháp|Tài chính|Y tế|Xây dựng|Công Thương|Ngoại vụ|Du lịch|Giáo dục và Đào tạo|"
    r"Lao động(?:,|\s+-)?\s+Thương binh và Xã hội|Nông nghiệp và Phát triển nông thôn|"
    r"Nông nghiệp và Môi trường|Văn hóa(?:,|\s+-)?\s+Thể thao và Du lịch|Văn hóa và Thể thao|"
    r"Tài nguyên và Môi trường|Kế hoạch và Đầu tư|Khoa học và Công nghệ|Thông tin và Truyền thông|"
    r"Giao thông vận tải|Giao thông - Vận tải|Dân tộc và Tôn giáo|Văn hóa - Xã hội"
)
# National bodies: launchers, leaders and co-ordinators of the campaign (never "taking part").
NATIONAL_BODIES = (
    "Ban Tuyên giáo và Dân vận Trung ương",
    "Cơ quan Thường trực Ban Dân vận Trung ương",
    "Ban Dân vận Trung ương",
    "Quân ủy Trung ương",
    "Bộ Quốc phòng",
    "Bộ Công an",
    "Ban Chỉ đạo Trung ương",
    "Bộ Chính trị",
    "Ban Bí thư",
    "Ban Chấp hành Trung ương Đảng",
    "Ban Chấp hành Trung ương",
    "Đảng ủy Công an Trung ương",
    "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam",
    "Bộ Tư lệnh Bộ đội Biên phòng",
    "Bộ Tư lệnh Biên phòng",
    "Quốc hội",
    "Chính phủ",
)


def _flexible(name: str) -> str:
    """A regex for a national body's name that also accepts "TW" and "MTTQ" and drops "Việt Nam"."""
    rx = re.escape(name).replace(r"\ ", r"\s+")
    rx = rx.replace(r"Trung\s+ương", r"(?:Trung\s+ương|TW)")
    rx = rx.replace(r"Mặt\s+trận\s+Tổ\s+quốc", r"(?:Mặt\s+trận\s+Tổ\s+quốc|MTTQ)")
    return rx.replace(r"\s+Việt\s+Nam", r"(?:\s+Việt\s+Nam)?")


NON_PARTICIPANTS = frozenset(fold(n) for n in NATIONAL_BODIES) | {fold("Ủy ban Trung ương Mặt trận Tổ quốc")}


# organisations known by their own name: a capitalised head, then a name (acronym or capitalised)
_NAMED_ORG_HEADS = (
    r"(?<!\w)(?:Bệnh viện|Trường(?= (?:Đại học|Cao đẳng|Trung cấp|THPT|THCS|PTDTBT|PTDTNT|PTDT|Tiểu học|Mầm non|"
    r"Phổ thông|Chính trị|Quân sự|Sĩ quan))|Trung tâm|Học viện|Ngân hàng|Tổng công ty|Hợp tác xã|HTX|Cục|"
    r"Chi cục|Kho bạc Nhà nước)"
    rf"(?=\s+[{UPPER}])"
)


_MILITARY_COMMANDS = (
    r"Bộ Chỉ huy Quân sự|Bộ Chỉ huy quân sự|Bộ CHQS|BCHQS|BCH Quân sự|Bộ chỉ huy quân sự|"
    r"Ban Chỉ huy Quân sự|Ban Chỉ huy quân sự|Ban CHQS|Ban chỉ huy quân sự"
)


def _org_patterns() -> list[tuple[re.Pattern[str], str]]:
    """(regex, kind of tail) for organisations; the tail is a locality parsed after the match."""
    tail_local = "local"
    return [
        (re.compile(r"(?<!\w)(?:" + "|".join(map(_flexible, NATIONAL_BODIES)) + r")(?!\w)"), "national"),
        (
            re.compile(
                r"(?<!\w)Công an(?=\s+(?:tỉnh|thành phố|Thành phố|TP|huyện|quận|thị xã|xã|phường|"
                rf"thị trấn|T\.P|Tp|TX)\b|\s+[{UPPER}])"
            ),
            tail_local,
        ),
        (
            re.compile(
                r"(?<!\w)(?:[Pp]hòng [" + UPPER + "][" + _LO + "]+(?: [" + _LO + r"]+)?,?\s+)?"
                rf"(?:{_MILITARY_COMMANDS})(?!\w)"
            ),
            tail_local,
        ),
        (compiled(r"(?<!\w)Bộ Chỉ huy (?:Bộ đội Biên phòng|BĐBP)(?:\s*\(BĐBP\))?"), tail_local),
        (
            re.compile(
                rf"(?<!\w)(?:Bộ đội Biên phòng|BĐBP)(?:\s*\(BĐBP\))?(?=\s+(?:(?:tỉnh|thành phố|TP)\b|[{UPPER}]))"
            ),
            "border",
        ),
        (re.compile(rf"(?<!\w)Đồn [Bb]iên phòng(?=\s+(?:[{UPPER}]|cửa khẩu))"), "named"),
        (re.compile(_NAMED_ORG_HEADS), "named_open"),
        (
            compiled(r"(?<!\w)(?:Bộ Tư lệnh |LLVT |Lực lượng vũ trang )?Quân khu\s+\d{1,2}(?!\d)"),
            "military_region",
        ),
        (compiled(r"(?<!\w)Bộ Tư lệnh Thủ đô(?: Hà Nội)?"), "capital_command"),
        (re.compile(rf"(?<!\w)Bộ Tư lệnh(?=\s+[{UPPER}])"), "named_national"),
        (re.compile(r"(?<!\w)Sở (?:" + _SO_NAMES + r")(?!\w)"), "department"),
        (compiled(r"(?<!\w)Đảng (?:ủy|uỷ|bộ) Khối(?!\w)"), "bloc"),
        (compiled(r"(?<!\w)Đảng (?:ủy|uỷ) (?=(?:Công ty|Tổng công ty|Tập đoàn)\b)"), "company"),
        (compiled(r"(?<!\w)Công ty (?:CP|Cổ phần|cổ phần|TNHH)(?=\s)"), "company"),
        (compiled(r"(?<!\w)Đảng (?:ủy|uỷ) (?:UBND|Ủy ban nhân dân)(?=\s)"), "party_of_committee"),
        (
            re.compile(
                r"(?<!\w)Tổng cục Chính trị(?:\s+(?:QĐND|Quân đội nhân dân)(?:\s*\(QĐND\))?\s+Việt Nam)?"
            ),
            "general_department",
        ),
        (
            compiled(r"(?<!\w)(?:Lực lượng vũ trang|LLVT)(?=\s+(?:tỉnh|thành phố|huyện|quận|thị xã)\s)"),
            tail_local,
        ),
        (re.compile(rf"(?<!\w)Chi bộ(?=\s+[{UPPER}])"), "named_append"),
        (
            re.compile(rf"(?<!\w)Hội [{UPPER}][{_LO}]+(?: [{UPPER}]?[{_LO}]+){{0,4}} Việt Nam(?!\w)"),
            "national_assoc",
        ),
    ]


_ORG_PATTERNS = [(with_first_chars(rx), kind) for rx, kind in _org_patterns()]


def _org_gate(rx: re.Pattern[str]) -> tuple[str, ...] | None:
    """The strings a match of an organisation's pattern starts with (:func:`literal_gate`)."""
    if _MILITARY_COMMANDS in rx.pattern:  # "phòng X, " before the command: literal_gate gives up
        return _gates(r"[Pp]hòng ", _MILITARY_COMMANDS)
    return literal_gate(rx)


_ORG_GATES = [_org_gate(rx) for rx, _kind in _ORG_PATTERNS]
_ORG_STARTS = [starts_of(gate) for gate in _ORG_GATES]
_ORG_STOP1 = _words(
    "thuộc đã đang sẽ được có của tại ở với cho trong để là cùng nhằm từ trên theo luôn đều vừa cũng "
    "trao tặng nhận giúp đạt"
)
_ORG_STOP2 = {
    "tổ chức",
    "phối hợp",
    "triển khai",
    "thực hiện",
    "xây dựng",
    "công nhận",
    "tuyên dương",
    "khen thưởng",
    "đăng ký",
    "phát động",
    "hỗ trợ",
    "vận động",
    "tham gia",
    "chủ trì",
    "quản lý",
    "bảo vệ",
    "trao tặng",
    "duy trì",
    "nhân rộng",
    "tham mưu",
    "chỉ đạo",
    "tiếp tục",
}


def _org_name_end(text: str, pos: int, max_words: int = 10) -> int:
    """End of an open-ended organisation name starting at ``pos`` (stops at a verb or punctuation)."""
    end = pos
    p = pos
    for n, m in enumerate(compiled(r"[^\s,.;:()“”\"!?]+").finditer(text, pos)):
        if text[p : m.start()].strip():  # punctuation between words
            break
        w = m.group(0)
        two = " ".join(compiled(r"\w+").findall(text[m.start() : m.start() + 30].lower())[:2])
        if not is_cap(w) and (w.lower() in _ORG_STOP1 or two in _ORG_STOP2):
            break
        if w == "và" or w == "-":
            nxt = compiled(r"\s*(\S+)").match(text, m.end())
            if not nxt or not is_cap(nxt.group(1)):
                break
        if n >= max_words:
            break
        end = m.end()
        p = m.end()
    return end


# capitalised first syllable, lower-case second, inside names ("Đồn Biên phòng Cửa khẩu Quốc tế Na Mèo")
_COMPOUNDS = (
    "Cửa khẩu",
    "cửa khẩu",
    "Quốc tế",
    "Quân chủng",
    "Phòng không",
    "Không quân",
    "Hải quân",
    "Cảnh sát biển",
)


_NAME_GAP_RE = re.compile(r"[ ]-[ ](?=[" + UPPER + r"])|[ ]")


def _compound_name_words(text: str, pos: int, max_words: int = 7) -> list[tuple[str, int, int]]:
    """Capitalised words of a name, also accepting "Cửa khẩu", "Quốc tế" ("Cửa khẩu Quốc tế Na Mèo")."""
    words: list[tuple[str, int, int]] = []
    while len(words) < max_words:
        comp = next(
            (
                c
                for c in _COMPOUNDS
                if text.startswith(c, pos) and not text[pos + len(c) : pos + len(c) + 1].isalnum()
            ),
            None,
        )
        if comp:
            words.append((comp, pos, pos + len(comp)))
        else:
            run = _name_words(text, pos, max_words=1)
            if not run:
                break
            words.append(run[0])
        nxt = _NAME_GAP_RE.match(text, words[-1][2])
        if not nxt:
            break
        pos = nxt.end()
    return words


def _embedded_province(text: str, start: int, end: int) -> str | None:
    """The province named inside an organisation's name ("Trung tâm Y tế huyện Yên Thế" -> Bắc Giang)."""
    for m in TYPE_RE.finditer(text, start, end):
        loc = _parse_locality(text, m.start())
        if loc is None or loc[2] is None or loc[0] > end:
            continue
        found = gz.likely_province(loc[1], loc[2])
        if found:
            return found
    m = province_written_re().search(text, start, end)
    return gz.canonical_province(m.group(0)) if m and m.group(0) != "HCM" else None


def _tail_locality(text: str, pos: int) -> tuple[int, str, str | None, bool] | None:
    sp = compiled(r"\s*(?:\([A-ZĐ&\-]{2,}\))?\s*").match(text, pos)
    start = sp.end() if sp else pos
    return _parse_locality(text, start)


def _org_candidates(text: str) -> list[Cand]:
    out: list[Cand] = []
    found = _starts_in(text)
    if found is None:  # pragma: no cover - a pattern whose starts are unknown
        return _org_candidates_scanned(text)
    for (rx, kind), starts in zip(_ORG_PATTERNS, found, strict=False):  # the first ones: the organisations'
        for m in matches_from(rx, starts, text):
            c = _org_candidate(text, m, kind)
            if c is not None:
                out.append(c)
    return out


def _org_candidates_scanned(text: str) -> list[Cand]:
    """:func:`_org_candidates`, each pattern gated and scanned on its own."""
    out: list[Cand] = []
    for (rx, kind), gate, starts in zip(_ORG_PATTERNS, _ORG_GATES, _ORG_STARTS, strict=True):
        if not may_match(gate, text):
            continue  # none of the words a match starts with: most bodies, in most articles
        for m in scanned(rx, starts, text):  # tried only where one of them is
            c = _org_candidate(text, m, kind)
            if c is not None:
                out.append(c)
    return out


# The scanned patterns of find_candidates, by their place in _scan_gates(): the organisations' first,
# then the party bodies', the local bodies', the provinces' and the type words'
_PARTY_AT, _LOCAL_BODY_AT, _PROVINCE_AT, _TYPE_AT = (len(_ORG_PATTERNS) + i for i in range(4))


@cache
def _scan_gates() -> list[tuple[str, ...] | None]:
    """The gates (strings a match starts with) of every pattern :func:`find_candidates` scans."""
    return [*_ORG_GATES, _PARTY_GATE, _LOCAL_BODY_GATE, _gates(*_province_alternatives()), _TYPE_GATE]


@cache
def _scan_index() -> tuple[re.Pattern[str], dict[str, tuple[int, ...]]] | None:
    """A pattern matching where any gate's string starts, and for each string the patterns whose
    gate holds it or one of its beginnings; None when a gate is unknown."""
    gates = _scan_gates()
    if any(g is None for g in gates):
        return None
    words = {w for gate in gates for w in gate or ()}
    owners = {
        w: tuple(k for k, gate in enumerate(gates) if any(w.startswith(g) for g in gate or ())) for w in words
    }
    any_start = starts_of(tuple(words))
    assert any_start is not None
    return any_start, owners


@lru_cache(maxsize=8)  # asked by each kind of candidate of the same article
def _starts_in(text: str) -> tuple[tuple[int, ...], ...] | None:
    """For each pattern of :func:`_scan_gates`, every position where one of its gate's strings
    starts (where its ``starts_of`` pattern matches), in order.  One scan for them all: a text
    holds few of the strings (30 in an article on average), most patterns' none; looking for
    each pattern's apart (and first for its words, ``may_match``) reads the text 20 times.

    At each position the trie pattern of :func:`starts_of` matches the longest string there (its
    branches part on distinct letters, and it goes on while it can); the others there are its
    beginnings, which ``_scan_index`` has counted with it."""
    index = _scan_index()
    if index is None:  # pragma: no cover
        return None
    any_start, owners = index
    found: list[list[int]] = [[] for _ in _scan_gates()]
    search = any_start.search
    pos = 0
    while (s := search(text, pos)) is not None:
        p = s.start()
        for k in owners[s.group(0)]:
            found[k].append(p)
        pos = p + 1
    return tuple(map(tuple, found))


def _scan(rx: re.Pattern[str], starts: re.Pattern[str] | None, at: int, text: str) -> Iterator[re.Match[str]]:
    """``scanned(rx, starts, text)`` for the ``at``-th pattern of :func:`_scan_gates`, from the
    positions :func:`_starts_in` found."""
    found = _starts_in(text)
    return scanned(rx, starts, text) if found is None else matches_from(rx, found[at], text)


def matches_from(rx: re.Pattern[str], starts: tuple[int, ...], text: str) -> Iterator[re.Match[str]]:
    """:func:`scanned` with the positions its ``starts`` pattern matches at given (sorted): the
    same matches, tried at the same positions."""
    match = rx.match
    pos = 0
    for p in starts:
        if p < pos:
            continue  # inside the last match: finditer goes on from its end
        m = match(text, p)
        if m is not None:
            yield m
            pos = m.end()


def _organisation_cand(text: str, s: int, e: int, end: int) -> Cand:
    """An organisation named ``text[s:end]`` (its head word ends at ``e``), abbreviations expanded."""
    org = expand_abbreviations(text[s:end])
    c = Cand(s, end, "organisation", ORG_TYPE, None, org_name=org, priority=3)
    bare = compiled(r"\s(tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)$").search(org)
    if bare:  # "Cục Thuế tỉnh": the article's province is appended later
        c.org_name, c.org_suffix_type = org[: bare.start()], bare.group(1)
    else:
        c.province = _embedded_province(text, e, end)
    return c


def _org_candidate(text: str, m: re.Match[str], kind: str) -> Cand | None:
    head = m.group(0)
    s, e = m.start(), m.end()
    if kind == "national":
        return Cand(
            s,
            e,
            "organisation",
            ORG_TYPE,
            None,
            org_name=expand_abbreviations(head),
            national=True,
            priority=3,
        )
    if kind in ("local", "border"):
        loc = _tail_locality(text, e)
        if loc is None:  # "BĐBP An Giang", "Công an Nghệ An": a bare province after the body
            sp = compiled(r"\s+").match(text, e)
            pm = province_written_re().match(text, sp.end()) if sp else None
            if pm:
                prov = gz.canonical_province(pm.group(0))
                return Cand(
                    s,
                    pm.end(),
                    "organisation",
                    ORG_TYPE,
                    prov,
                    org_name=expand_abbreviations(head),
                    province=prov,
                    org_suffix_type=gz.province_type(prov or ""),
                    priority=3,
                )
            return None
        if loc is None:
            return None
        end, utype, base, _ = loc
        # "phòng Chính trị, Bộ Chỉ huy Quân sự tỉnh" -> "Phòng Chính trị Bộ Chỉ huy Quân sự tỉnh"
        head = compiled(r"^phòng").sub("Phòng", head.replace(", ", " ").replace(",", " "))
        c = Cand(s, end, "organisation", ORG_TYPE, base, org_name=expand_abbreviations(head), priority=3)
        c.org_suffix_type = utype
        if utype == "tỉnh" or (utype == "thành phố" and base in gz.MUNICIPALITIES):
            c.province = gz.canonical_province(base) if base else None
        return c
    if kind == "named_open":  # "Trường THPT Chu Văn An", "Bệnh viện Đa khoa tỉnh Lào Cai"
        end = _org_name_end(text, e, max_words=12)
        if end <= e:
            return None
        return _organisation_cand(text, s, e, end)
    if kind in ("named", "named_append", "named_national"):
        sp = compiled(r"\s+").match(text, e)
        if not sp:
            return None
        words = _name_words(text, sp.end(), max_words=6)
        if kind in ("named", "named_national"):
            words = _compound_name_words(text, sp.end())
        if not words:
            return None
        if kind == "named_append":
            end = _org_name_end(text, sp.end(), max_words=14)
        else:
            n = _heuristic_length([w for w, _, _ in words], max_words=6)
            end = words[n - 1][2]
        name = expand_abbreviations(text[s:end])
        return Cand(
            s,
            end,
            "organisation",
            ORG_TYPE,
            None,
            org_name=name,
            priority=3,
            national=kind == "named_national",
            org_append=kind == "named_append",
            province=None if kind == "named_national" else _embedded_province(text, e, end),
        )
    if kind == "military_region":
        num = compiled(r"\d+").search(head).group(0)
        return Cand(
            s,
            e,
            "organisation",
            ORG_TYPE,
            None,
            org_name=f"Quân khu {int(num)}",
            national=True,
            organisation=expand_abbreviations(head[: head.index("Quân khu")].strip()) or None,
            priority=3,
        )
    if kind == "capital_command":
        return Cand(
            s,
            e,
            "organisation",
            ORG_TYPE,
            None,
            org_name="Bộ Tư lệnh Thủ đô Hà Nội",
            province="Hà Nội",
            priority=3,
        )
    if kind == "department":
        c = Cand(
            s,
            e,
            "organisation",
            ORG_TYPE,
            None,
            org_name=expand_abbreviations(head),
            org_append=True,
            priority=3,
        )
        loc = _tail_locality(text, e)
        if loc and loc[1] in ("tỉnh", "thành phố"):
            c.end, c.org_suffix_type, c.base = loc[0], loc[1], loc[2]
        return c
    if kind == "bloc":
        end = _bloc_end(text, e)
        raw = expand_abbreviations(text[s:end])
        c = Cand(s, end, "organisation", ORG_TYPE, None, org_name=raw, priority=3)
        loc_m = compiled(r"\s(tỉnh|thành phố)$").search(raw)
        if loc_m:
            c.org_suffix_type = loc_m.group(1)
            c.org_name = raw[: loc_m.start()]
        elif raw.endswith(" Khối") or raw == "Đảng ủy Khối" or raw == "Đảng bộ Khối":
            c.base = None
            c.org_name = None  # "Đảng ủy Khối" alone: resolved against the article
            c.untyped = True
        else:
            lm = compiled(r"\s(tỉnh|thành phố) (.+)$").search(raw)
            if lm and gz.canonical_province(lm.group(2)):
                c.province = gz.canonical_province(lm.group(2))
        return c
    if kind == "company":
        start_name = e
        cm = (
            compiled(r"\s*(?:Công ty|Tổng công ty|Tập đoàn)").match(text, e)
            if head.startswith("Đảng")
            else None
        )
        if cm:
            start_name = cm.end()
        end = _org_name_end(text, start_name, max_words=8)
        if end <= start_name:
            return None
        return _organisation_cand(text, s, e, end)
    if kind == "party_of_committee":
        loc = _tail_locality(text, e)
        if loc is None:
            return None
        end, utype, base, _ = loc
        c = Cand(
            s,
            end,
            "organisation",
            ORG_TYPE,
            base,
            org_name=expand_abbreviations(head),
            org_suffix_type=utype,
            priority=3,
        )
        if base and gz.canonical_province(base) and (utype == "tỉnh" or base in gz.MUNICIPALITIES):
            c.province = gz.canonical_province(base)
        return c
    if kind == "general_department":
        return Cand(
            s,
            e,
            "organisation",
            ORG_TYPE,
            None,
            org_name="Tổng cục Chính trị Quân đội nhân dân Việt Nam",
            national=True,
            priority=3,
        )
    if kind == "national_assoc":
        return Cand(
            s,
            e,
            "organisation",
            ORG_TYPE,
            None,
            org_name=expand_abbreviations(head),
            national=True,
            priority=3,
        )
    return None


_BLOC_WORDS = _words("các cơ quan và doanh nghiệp trường dân chính đảng học đẳng")


_BLOC_TOKEN_RE = re.compile(r"\s*(?:\([^()]{1,12}\)|,\s(?=[" + UPPER + r"])|[^\s,.;:()“”]+)")


def _bloc_end(text: str, pos: int) -> int:
    """End of "Đảng ủy Khối <name>": lower-case bloc words, capitalised words, a province after tỉnh."""
    end = pos
    for m in _BLOC_TOKEN_RE.finditer(text, pos):
        if m.start() != end:
            break
        tok = m.group(0).strip()
        if tok.startswith("("):
            end = m.end()
            continue
        if tok == ",":
            end = m.end()
            continue
        low = tok.lower()
        if tok in SURNAMES or tok in _TITLE_CAPS:
            break
        if low in _BLOC_WORDS or is_cap(tok) or tok == "CQ&DN" or low in ("tỉnh", "thành", "phố"):
            end = m.end()
            continue
        break
    # drop a trailing comma, and a trailing capitalised word that starts a person's name
    while text[pos:end].rstrip().endswith(","):
        end = pos + len(text[pos:end].rstrip()) - 1
    return end


_EVERY_BEFORE = re.compile(r"\b(?:các|những|mỗi|từng|cấp)\s*$")  # "các huyện ủy": no one unit


def _locality_candidates(text: str) -> list[Cand]:
    out: list[Cand] = []
    for m in HCM_RE.finditer(text):
        out.append(
            Cand(
                m.start(), m.end(), "locality", "thành phố", "Hồ Chí Minh", province="Hồ Chí Minh", priority=1
            )
        )
    for m in type_matches(text):
        loc = _parse_locality(text, m.start(), m)
        if loc is None:
            continue
        end, utype, base, abbr = loc
        written_type = m.group(0)
        if base is None and not _implicit_ok(text, m.start(), m.end(), utype, written_type):
            continue
        alt = bool(
            base is not None
            and utype in ("thôn", "bản")
            and written_type[0].isupper()
            and gz.untyped_places(f"{written_type} {base}")
        )
        out.append(Cand(m.start(), end, "locality", utype, base, abbreviated=abbr, priority=1, alt_ward=alt))
    for m in _scan(_PARTY_RE, _PARTY_STARTS, _PARTY_AT, text):
        lvl = m.group("lvl").lower()
        utype = _PARTY_TYPE[lvl]
        body = m.group("body")
        if (
            lvl in ("tỉnh", "huyện", "quận")
            and m.group("lvl").islower()
            and body != "Đoàn"
            and body[0] != "ủ"
        ):
            continue
        if body == "Đoàn" and not m.group("lvl")[0].isupper():
            continue
        organisation = expand_abbreviations(m.group(0))
        end, base = m.end(), None
        sp = _SP_RE.match(text, m.end())
        if sp:
            loc = _parse_locality(text, sp.end())
            if loc and loc[2] is not None and loc[1] in (utype, "thành phố" if utype == "tỉnh" else utype):
                end, base = loc[0], loc[2]
            elif loc is None or loc[2] is None:
                parsed = _parse_name(text, sp.end(), utype, False)
                if parsed:
                    end, base = parsed
        if base is None and _EVERY_BEFORE.search(text[max(0, m.start() - 12) : m.start()]):
            continue  # "thường trực các huyện ủy": every district's committee, not one unit
        out.append(Cand(m.start(), end, "locality", utype, base, organisation=organisation, priority=2))
    for m in _scan(_LOCAL_BODY_RE, _LOCAL_BODY_STARTS, _LOCAL_BODY_AT, text):
        loc = _parse_locality(text, m.end())
        if loc is None:
            continue
        end, utype, base, abbr = loc
        if base is None and utype in ("thôn", "bản"):
            continue
        out.append(
            Cand(
                m.start(),
                end,
                "locality",
                utype,
                base,
                organisation=expand_abbreviations(m.group(0).strip()),
                abbreviated=abbr,
                priority=2,
            )
        )
    return out


_GENERIC_WORDS = (
    *("các", "cấp", "những", "mỗi", "từng", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám"),
    *("chín", "mười", "số", "nhiều", "giữa", "liên", "trở thành", "thành", "là", "với", "gồm", "và"),
    *("hoặc", "nông", "xã,", "phường,", "quận,", "huyện,", "cơ", "văn", "bản", "thị", "đặc", "trấn,"),
)
_GENERIC_BEFORE = re.compile(r"(?:\b(?:" + "|".join(_GENERIC_WORDS) + r")|\d+|/)\s*$", re.IGNORECASE)
# a match ends where the trailing spaces start, and starts at most this far before (a word, case-blind
# one character for one; a digit; "/")
_GENERIC_REACH = max(len(w) for w in _GENERIC_WORDS)


def _generic_before(before: str) -> bool:
    """``_GENERIC_BEFORE.search(before)``, tried only where a match can start: the last
    ``_GENERIC_REACH`` characters before the trailing spaces (``\\b`` still sees the character before)."""
    return _GENERIC_BEFORE.search(before, max(0, len(before.rstrip()) - _GENERIC_REACH)) is not None


_GENERIC_AFTER = re.compile(
    r"^\s*(?:,\s*(?:thị xã|thị trấn|quận|huyện|xã|phường|thành phố|tỉnh|TP)\b|/|và\s+(?:tương đương|thị xã|"
    r"thị trấn|quận|huyện|xã|phường|thành phố|tỉnh)\b|hội\b|viên\b|đoàn\b|nhà\b|đội\b|lộ\b|điểm\b|"
    r"đảo\b|ủy\b|uỷ\b|nông thôn mới\b|biên giới\b|miền núi\b|vùng\b|trọng điểm\b|bạn\b|giáp\b|đạt\b)",
    re.IGNORECASE,
)


def _implicit_ok(text: str, start: int, end: int, utype: str, written: str) -> bool:
    """Whether a bare type word refers to a particular unit ("toàn huyện", "Tỉnh có ...")."""
    if utype in ("thôn", "bản"):
        return False
    if written in ("Q.", "P.", "H.", "TX", "TX.", "T.X", "T.X."):
        return False
    before = text[max(0, start - 20) : start]
    after = text[end : end + 25]
    if _GENERIC_AFTER.match(after) or _generic_before(before):  # the anchored, cheaper test first
        return False
    # a lower-case type word directly after a capitalised word is part of a name ("Hội Phụ nữ xã" is fine)
    return not (utype == "xã" and compiled(r"\s*hội").match(after))


# ---------------------------------------------------------------------------------------------
# spans: quotes, parentheses, sections


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans inside quotation marks (model names, slogans); unbalanced quotes end at ';' or 150 chars."""
    return list(_quote_spans(text))


# the quotation marks; the line breaks that matter (one after an open quotation) are found with
# ``str.find``: most lines hold no quotation
_QUOTE_MARKS = "“‘”’″\"'"


def _quote_marks(text: str) -> list[int]:
    """Where each quotation mark of ``text`` is, in order (``[“‘”’″"']``, found with ``str.find``)."""
    return char_positions(text, _QUOTE_MARKS)


@lru_cache(maxsize=8)  # asked for the same article by several rule components in turn
def _quote_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Each line's quotations (the lines of ``[^\n]+``), in one pass over the whole text: only
    quotation marks change the state, and the first line break after an open quotation, which
    closes it.  A mark opens a quotation at a line's start or after a character not a letter or
    digit: a line's start is the text's or one after a line break, which is not alphanumeric."""
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    find = text.find
    for i in _quote_marks(text):
        ch = text[i]
        if open_at is not None:
            nl = find("\n", open_at, i)
            if nl >= 0:  # the quotation's line ended before this mark
                spans.append((open_at, _unclosed_end(text, open_at, nl)))
                open_at = None
        if ch in "“‘" or (ch in "\"'" and open_at is None and (i == 0 or not text[i - 1].isalnum())):
            if open_at is not None:
                spans.append((open_at, _unclosed_end(text, open_at, i)))
            open_at = i
        elif (ch in "”’″" or ch in "\"'") and open_at is not None:
            spans.append((open_at, i + 1))
            open_at = None
    if open_at is not None:
        nl = find("\n", open_at)
        spans.append((open_at, _unclosed_end(text, open_at, nl if nl >= 0 else len(text))))
    return tuple(spans)


def _unclosed_end(line: str, open_at: int, limit: int) -> int:
    """Where a quotation opened at ``open_at`` and not closed before ``limit`` ends (``line``: the
    line, or the whole text with ``limit`` at most the line's end)."""
    semi = line.find(";", open_at, limit)
    end = semi if semi >= 0 else limit
    return min(end, open_at + 150)


def paren_spans(text: str) -> list[tuple[int, int]]:
    return list(_paren_spans(text))


_RE_PAREN = re.compile(r"\([^()\n]{0,120}\)")


@lru_cache(maxsize=8)  # asked for the same article by the main unit and the mentions' signals
def _paren_spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(m.span() for m in _RE_PAREN.finditer(text))


def inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``pos`` is strictly inside one of ``spans`` (sorted and disjoint, as
    :func:`quote_spans` and :func:`paren_spans` give them)."""
    i = bisect_left(spans, (pos,))  # spans[i - 1] is the last one starting before pos
    return i > 0 and pos < spans[i - 1][1]


_HEADING_WORD = re.compile(r"\S+")


def _is_heading(line: str) -> bool:
    """A Title Case heading of a stacked article ("Nhân Lên Những Mô Hình ...")."""
    if line.rstrip().endswith((".", ";", ":")):  # most lines (paragraphs): the cheap test first
        return False
    n = lower = 0  # words (starting with a letter, once stripped of quotes and punctuation), lower-case ones
    for word in line.split():  # the matches of _HEADING_WORD: str.split and \S cut at the same spaces
        w = word.strip("“”\"'‘’,.:()")
        if w and w[0].isalpha():
            n += 1
            if n > 25:
                return False  # a paragraph without its full stop
            if not w[0].isupper():
                lower += 1
                if lower > 5:
                    return False  # n <= 25 words: 80% capitalised leaves at most 5 lower-case ones
    return n >= 4 and n - lower >= 0.8 * n


_RE_LINE = re.compile(r"[^\n]+")


@lru_cache(maxsize=8)  # asked for the same article by section_bounds and find_candidates
def _headings(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each line of ``text`` that is a heading."""
    return tuple(m.span() for m in _RE_LINE.finditer(text) if _is_heading(m.group(0)))


def section_bounds(text: str) -> list[tuple[int, int]]:
    starts = [0]
    for start, _end in _headings(text):
        if start > 0:
            starts.append(start)
    ends = starts[1:] + [len(text)]
    return list(zip(starts, ends, strict=True))


_FURNITURE = re.compile(
    r"^\s*(?:Có thể bạn quan tâm|Tin khác|Tin liên quan|Tin cùng chuyên mục|Nên xem|Xem thêm|Tin đã đưa|"
    r"Bài viết liên quan|Các tin khác|Tin mới nhất|Đọc thêm|Ý kiến bạn đọc)\s*:?\s*$",
    re.MULTILINE,
)


@lru_cache(maxsize=8)  # asked for the same article by article_context and explain_units
def body_end(text: str) -> int:
    """Where page furniture ("Có thể bạn quan tâm", "Tin khác" ...) starts, or the text's length."""
    m = _FURNITURE.search(text)
    return m.start() if m else len(text)


# ---------------------------------------------------------------------------------------------
# overlaps, lists, mentions


def _select(cands: list[Cand]) -> list[Cand]:
    """Keep non-overlapping candidates, longer and higher-priority ones first."""
    if any(c.start >= c.end for c in cands):
        return _select_spans(cands)  # an empty span: the general form
    chosen: list[Cand] = []
    taken = bytearray(max((c.end for c in cands), default=0))  # 1 on the characters chosen spans cover
    for c in sorted(cands, key=lambda c: (-c.length, -c.priority, c.start)):
        if taken.find(1, c.start, c.end) >= 0:  # overlaps a chosen span
            continue
        chosen.append(c)
        taken[c.start : c.end] = b"\x01" * (c.end - c.start)
    return sorted(chosen, key=lambda c: c.start)


def _select_spans(cands: list[Cand]) -> list[Cand]:
    """:func:`_select` for any spans, empty ones included (an empty span overlaps the spans it is
    strictly inside)."""
    chosen: list[Cand] = []
    taken: list[tuple[int, int]] = []
    for c in sorted(cands, key=lambda c: (-c.length, -c.priority, c.start)):
        if any(c.start < e and s < c.end for s, e in taken):
            continue
        chosen.append(c)
        taken.append((c.start, c.end))
    return sorted(chosen, key=lambda c: c.start)


_PLURAL_BEFORE = re.compile(r"(?:\b(?:các|hai|ba|bốn|năm|những)|\d+)\s+$", re.IGNORECASE)


def _expand_lists(text: str, cands: list[Cand], taken: list[tuple[int, int]]) -> list[Cand]:
    """Names that share one type word: "các xã A, B và C", "xã A và B", "các quận A, B, C"."""
    out: list[Cand] = []
    occupied = list(taken)
    for c in cands:
        if c.kind != "locality" or c.base is None or c.organisation or c.type in ("tỉnh",):
            continue
        plural = bool(_PLURAL_BEFORE.search(text[max(0, c.start - 12) : c.start]))
        pos = c.end
        while True:
            sep = compiled(r"(?P<sep>\s*,\s*|\s+và\s+|\s*,\s*và\s+)").match(text, pos)
            if not sep:
                break
            if "," in sep.group("sep") and "và" not in sep.group("sep") and not plural:
                break
            start = sep.end()
            if TYPE_RE.match(text, start) or HCM_RE.match(text, start):
                break
            num = compiled(r"0*(\d{1,2})(?![\d\w]|[.,/]\d)").match(text, start)
            if c.base.isdigit() and num:  # "các phường 1, 2 và 3"
                out.append(Cand(start, num.end(), "locality", c.type, num.group(1), priority=1))
                occupied.append((start, num.end()))
                pos = num.end()
                continue
            words = _name_words(text, start)
            if not words:
                break
            n = _choose_name(c.type, [w for w, _, _ in words])
            if n == 0:
                break
            name = text[words[0][1] : words[n - 1][2]]
            end = words[n - 1][2]
            if not plural and not _known(c.type, name):
                break
            if end < len(text) and text[end : end + 1].isalnum():
                break
            if any(start < e and s < end for s, e in occupied):
                break
            out.append(Cand(start, end, "locality", c.type, name, priority=1))
            occupied.append((start, end))
            pos = end
    return out


def find_candidates(text: str) -> list[Cand]:
    """Every candidate mention of ``text``, sorted, without overlaps, none inside quotation marks."""
    quotes = quote_spans(text)
    headings = _heading_spans(text)
    cands = _org_candidates(text) + _locality_candidates(text) + _bare_province_candidates(text)
    cands = [c for c in cands if not inside(c.start, quotes) and _fits_heading(c, headings)]
    chosen = _select(cands)
    more = _expand_lists(text, chosen, [(c.start, c.end) for c in chosen])
    more = [c for c in more if not inside(c.start, quotes) and _fits_heading(c, headings)]
    return sorted(chosen + more, key=lambda c: c.start)


def _heading_spans(text: str) -> list[tuple[int, int]]:
    return list(_headings(text))


def _fits_heading(c: Cand, headings: list[tuple[int, int]]) -> bool:
    """In a Title Case heading every word is capitalised, so "Nông Thôn Mới" or "Kinh Tế - Xã Hội" would
    read as units: there a locality must carry a name the gazetteer knows."""
    if c.kind != "locality" or c.base is None or not any(s <= c.start < e for s, e in headings):
        return True
    return c.type not in ("thôn", "bản") and (c.base.isdigit() or _known(c.type, c.base))


MEDIA_BEFORE = re.compile(
    r"(?:[Bb]áo(?: điện tử)?|Đài(?: [\w&-]+){0,3}|Cổng thông tin(?: điện tử)?|Truyền hình)\s*$"
)
_MEDIA_GATE = literal_gate(MEDIA_BEFORE)


def media_before(text: str, pos: int) -> bool:
    """Whether a medium's name ends right before ``pos`` ("Báo Cà Mau", "Đài PT-TH Đồng Tháp"):
    ``MEDIA_BEFORE`` over the 40 characters before, skipped when they hold none of its words."""
    lo = max(0, pos - 40)
    if _MEDIA_GATE is not None and not _holds_one(_gate_spans(text, _MEDIA_GATE), lo, pos):
        return False
    return MEDIA_BEFORE.search(text[lo:pos]) is not None


@lru_cache(maxsize=8)  # asked at every capitalised run of the same article
def _gate_spans(text: str, gate: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """(start, end) of every occurrence of each of ``gate``'s strings in ``text``, sorted."""
    spans = []
    for w in gate:
        i = text.find(w)
        while i >= 0:
            spans.append((i, i + len(w)))
            i = text.find(w, i + 1)
    return tuple(sorted(spans))


def _holds_one(spans: tuple[tuple[int, int], ...], lo: int, hi: int) -> bool:
    """Whether one of ``spans`` (sorted) lies within ``[lo, hi)``: ``may_match(gate, text[lo:hi])``
    for the spans :func:`_gate_spans` gives."""
    for i in range(bisect_left(spans, (lo,)), len(spans)):
        start, end = spans[i]
        if start >= hi:
            return False
        if end <= hi:
            return True
    return False


# "(?<![\w])Thủ đô" written "Thủ đô(?<!\wThủ đô)": the same matches, and ``re`` looks for the words
_CAPITAL_RE = re.compile(r"Thủ đô(?<!\wThủ đô)(?! Hà Nội)(?!\w)")


def _last_word(s: str) -> str | None:
    """``re.search(r"(\\S+)\\s*$", s).group(1)``, None for no match: the last run of non-spaces
    (``str.split`` and ``\\s`` cut at the same spaces); read from the end, where the pattern is
    tried at every start."""
    return s.rsplit(None, 1)[-1] if s and not s.isspace() else None


def _bare_province_candidates(text: str) -> list[Cand]:
    out: list[Cand] = []
    for m in _scan(province_written_re(), province_starts(), _PROVINCE_AT, text):
        written = m.group(0)
        if written == "HCM" or written.startswith("Hồ"):
            continue  # bare "Hồ Chí Minh" is the President ("phong cách Hồ Chí Minh")
        prov = gz.canonical_province(written)
        if prov is None or media_before(text, m.start()):
            continue  # "Báo Cà Mau", "Đài PT-TH Đồng Tháp": a newspaper, not the province
        before = text[max(0, m.start() - 2) : m.start()]
        prev = _last_word(text[max(0, m.start() - 30) : m.start()])
        if (
            prev
            and is_cap(prev.strip("“”\"'(),.:;"))
            and not before.endswith(("\n", ". ", ": "))
            and prev != "Thủ"
        ):
            continue  # part of a longer capitalised name
        nxt = compiled(r"\s(\S+)").match(text[m.end() : m.end() + 30])
        if nxt and is_cap(nxt.group(1).strip("“”\"'(),.:;")):
            continue
        out.append(
            Cand(m.start(), m.end(), "locality", gz.province_type(prov), prov, province=prov, priority=0)
        )
    for m in _CAPITAL_RE.finditer(text) if "Thủ đô" in text else ():
        if text[max(0, m.start() - 12) : m.start()].rstrip().endswith("Tư lệnh"):
            continue
        out.append(
            Cand(
                m.start(),
                m.end(),
                "locality",
                "thành phố",
                "Hà Nội",
                province="Hà Nội",
                priority=0,
                untyped=True,
            )
        )
    return out


def canonical_name(c: Cand) -> str:
    """The SCHEMA name of a resolved candidate."""
    if c.kind == "organisation":
        name = c.org_name or ""
        if c.org_suffix_type:
            name = f"{name} {c.org_suffix_type}"
            if c.base:
                name = f"{name} {c.base}"
        return " ".join(name.split())
    base = (c.base or "").replace("Ð", "Đ")
    if c.type in ("quận", "phường") and base.isdigit():
        return f"{c.type.capitalize()} {base}"
    return f"{c.type} {base}"


def own_province(c: Cand) -> str | None:
    """The province a candidate names by itself (explicitly, or through a unique gazetteer name)."""
    if c.province or c.national:
        return c.province
    if c.kind == "locality" and c.base:
        return gz.likely_province(c.type, c.base)
    if c.kind == "organisation" and c.base and c.org_suffix_type:
        return gz.likely_province(c.org_suffix_type, c.base)
    return None
    if c.kind == "locality" and c.base:
        if c.type == "tỉnh" or (c.type == "thành phố" and c.base in gz.MUNICIPALITIES):
            return gz.canonical_province(c.base)
        found = gz.provinces_of(c.type, c.base)
        if len(found) == 1:
            return next(iter(found))
    if c.kind == "organisation" and c.base and c.org_suffix_type:
        if c.org_suffix_type == "tỉnh" or c.base in gz.MUNICIPALITIES:
            return gz.canonical_province(c.base)
        found = gz.provinces_of(c.org_suffix_type, c.base)
        if len(found) == 1:
            return next(iter(found))
    return None
