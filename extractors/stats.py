"""Rule extractor for campaign statistics: a number, what it counts, and how.

Pure functions over the cleaned text.  For each quantity that
:func:`extractors.numbers.find_quantities` finds, :func:`read_item` reads the
head noun of what is counted (dropping counting words such as ``lượt``, ``căn``,
``gương``), :func:`is_campaign_stat` decides whether the pair measures the
campaign (SCHEMA.md: models, honoured collectives, meetings held, mobilised money
and works...; not dates, ages, ordinals, decree numbers or the campaign's own
structure), and :func:`read_action` / :func:`read_level` read the verb and the
level around it.  Unit, province and period are attached afterwards
(:mod:`extractors.attach`), because they often come from other sentences.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from extractors.numbers import Quantity
from extractors.regex_speed import compiled, with_first_chars

# --- items -----------------------------------------------------------------

# Counting words that are dropped in front of the head noun ("145 lượt tập thể").
_CLASSIFIERS = ("lượt", "căn", "chiếc", "ngôi", "gương", "em", "cây", "bức", "tấm", "suất", "phần quà")

# Multi-syllable item heads, longest first when matching.  "cuộc" and measures are handled apart.
# fmt: off
_ITEM_WORDS = sorted(
    {
    "mô hình", "điển hình", "tập thể", "cá nhân", "gia đình", "hộ gia đình", "hộ nghèo", "hộ dân",
    "hộ cận nghèo", "hộ", "công trình vệ sinh", "công trình", "hội nghị", "hợp tác xã", "tổ hợp tác",
    "trang trại", "làng nghề", "ngày công", "tuyến đường điện", "tuyến đường", "tuyến", "nhà đại đoàn kết",
    "nhà tình nghĩa", "nhà tình thương", "nhà nhân ái", "nhà tạm", "nhà chính sách", "nhà bán trú",
    "nhà dân", "nhà văn hóa", "nhà", "phần việc", "tác phẩm", "hội viên", "đoàn viên", "đảng viên",
    "cán bộ", "chiến sĩ", "tổ chức đoàn thể", "tổ chức cơ sở đảng", "cấp ủy", "chi bộ", "xã", "phường",
    "thị trấn", "thôn", "bản", "ấp", "khu phố", "tổ dân phố", "huyện", "quận", "đơn vị", "cơ quan",
    "doanh nghiệp", "tiêu chí", "đội thi", "đội", "thành viên", "người", "trường hợp", "phòng học", "cầu",
    "cổng chào", "giếng", "bể nước", "điểm trường", "lớp học", "học sinh", "hs", "suất học bổng",
    "phần quà", "sáng kiến", "giải pháp", "câu lạc bộ", "tổ", "nhóm", "ý kiến", "kiến nghị", "đơn",
    "vụ việc", "vụ", "hồ sơ", "buổi", "đợt", "lớp", "cuộc", "thí sinh", "bài", "tin", "con", "cây xanh",
    "bóng đèn", "camera", "km", "làng", "xóm", "hội", "khu dân cư", "lĩnh vực", "nhiệm vụ", "đại biểu",
    "vận động viên", "tổ chức đảng", "tổ chức cơ sở", "tổ chức", "dân", "khách", "lao động",
},
# fmt: on
    key=len,
    reverse=True,
)

# Measures: "45km đường", "3.000m2 đất", "17ha", "10 nghìn mét hàng rào".
_MEASURE = re.compile(r"(km2|km|m2|m²|m3|ha|mét|m|tấn|kg)(?![\wÀ-ỹ])", re.IGNORECASE)
_MONEY = re.compile(r"(?:tỷ|tỉ|triệu|nghìn|ngàn)?\s*(đồng|USD|usd)(?![\wÀ-ỹ])")
# What a match of each can start with (``\s`` aside for _MONEY: ``str.isspace``): asked before it
# is tried ("" is in both: at the end of the text neither matches, and "" in a str is True).
_MONEY_FIRST = "tnđUu"  # tỷ tỉ triệu, nghìn ngàn, đồng, USD, usd
_MEASURE_FIRST = "kK\u212amMhHtT"  # k m h t and what ``re`` pairs with them case-blindly (the Kelvin sign)

# Heads that never make a campaign statistic.
# fmt: off
_EXCLUDED_HEADS = {
    "năm",
    "tháng",
    "ngày",
    "tuần",
    "giờ",
    "phút",
    "tuổi",
    "lần",
    "lĩnh vực",
    "cấp",
    "khối",
    "nhiệm vụ",
    "điểm",
    "đại biểu",
    "khẩu",
    "thứ",
    "số",
    "ý kiến",
    "kiến nghị",
    "giải",
    "khu vực",
    "cụm",
    "cử tri",
    "mốc",
    "giường",
    "lớp",
    "nội dung",
    "chỉ tiêu",
    "tiết mục",
    "khóa",
    "kỳ",
    "tổ chức đảng",
    "dân",
    "khách",
    "tấn",
    "vụ",
    "con",
    "đội",
    "và",
    "tại",
    "trong",
    "dài",
    "rộng",
    "cao",
    "sâu",
    "năm tuổi",
    "giải quyết",
    "thí sinh",
}
# fmt: on

# Heads that count the campaign's work wherever they appear.
# fmt: off
_CORE_HEADS = {
    "mô hình", "điển hình", "tập thể", "cá nhân", "gia đình", "hộ gia đình", "công trình", "hội nghị",
    "cuộc", "phần việc", "tác phẩm", "ngày công", "công trình vệ sinh", "nhà đại đoàn kết",
    "nhà tình nghĩa", "nhà tình thương", "nhà nhân ái", "nhà tạm", "nhà chính sách", "nhà bán trú",
    "hợp tác xã", "trang trại", "làng nghề", "sáng kiến", "đội thi", "tổ chức đoàn thể", "cấp ủy",
}
# fmt: on


@dataclass(slots=True)
class ItemRead:
    item: str
    start: int  # span of the item words in the text
    end: int
    head: str  # lexicon head used for filtering ("km đường" → "km")


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos


def _match_word(text: str, pos: int, word: str) -> int | None:
    """End offset when ``word`` (lower-case) stands at ``pos`` as whole syllables."""
    seg = text[pos : pos + len(word)]
    if seg.lower() != word:
        return None
    after = text[pos + len(word) : pos + len(word) + 1]
    if after and (after.isalnum() or after == "_"):
        return None
    return pos + len(word)


def _lexicon_item(text: str, pos: int) -> tuple[str, int] | None:
    """The first word of :data:`_ITEM_WORDS` (longest first) standing at ``pos``."""
    words = _ITEM_WORDS_BY_INITIAL.get(text[pos : pos + 1].lower(), ())
    if not words:
        return None
    window = text[pos : pos + _LONGEST_ITEM_WORD]
    low = window.lower()
    if len(low) != len(window):  # a letter lower-cased into two ("İ"): word by word
        for w in words:
            end = _match_word(text, pos, w)
            if end is not None:
                return w, end
        return None
    # ``low`` lines up with the text: its start is each word's stretch lower-cased (_match_word)
    for w in words:
        if low.startswith(w):
            end = pos + len(w)
            after = text[end : end + 1]
            if not (after and (after.isalnum() or after == "_")):
                return w, end
    return None


def _by_initial(words: list[str]) -> dict[str, tuple[str, ...]]:
    """``words`` grouped by their first character, each group in the order of ``words``."""
    out: dict[str, list[str]] = {}
    for w in words:
        out.setdefault(w[:1], []).append(w)
    return {k: tuple(v) for k, v in out.items()}


_ITEM_WORDS_BY_INITIAL = _by_initial(_ITEM_WORDS)
_LONGEST_ITEM_WORD = max(map(len, _ITEM_WORDS))
_CLASSIFIERS_BY_INITIAL = _by_initial(list(_CLASSIFIERS))


_SYLLABLE = re.compile(r"[a-zA-ZÀ-ỹĐđ][\wÀ-ỹĐđ-]*")
# fmt: off
_CUOC_STOP = {
    "và", "với", "cho", "tại", "ở", "cấp", "của", "trên", "trong", "về", "nhằm", "để", "đến", "được", "đạt",
    "theo", "từ", "có", "thu", "gồm", "vào", "việc", "này", "đó", "trực", "hình", "các",
}
# fmt: on


def _next_syllables(text: str, pos: int, n: int) -> list[tuple[str, int, int]]:
    out = []
    while len(out) < n:
        pos = _skip_space(text, pos)
        m = _SYLLABLE.match(text, pos)
        if not m:
            break
        out.append((m.group(0), m.start(), m.end()))
        pos = m.end()
    return out


def read_item(
    text: str, pos: int, word_after: Callable[[int], tuple[str, int] | None] | None = None
) -> ItemRead | None:
    """The item counted by a number ending at ``pos``: head noun in lower case."""
    p = _skip_space(text, pos)
    c = text[p : p + 1]
    m = _MONEY.match(text, p) if c in _MONEY_FIRST or c.isspace() else None
    if m and m.start(1) - p <= 6:
        return ItemRead("đồng", p, m.end(), "đồng")
    m = _MEASURE.match(text, p) if c in _MEASURE_FIRST else None
    if m:
        measure = m.group(1).lower().replace("m²", "m2")
        q = _skip_space(text, m.end())
        if text[q : q + 1] == "/":  # "35 km/ 55 tuyến": the measure of the next item
            nm = compiled(r"\s*[\d.,]+\s*").match(text, q + 1)
            nxt = _next_syllables(text, nm.end() if nm else q + 1, 1)
            noun = _lexicon_item(text, nxt[0][1]) if nxt else None
            if noun and noun[0].startswith("tuyến"):
                rest = noun[0].split(" ", 1)[1] if " " in noun[0] else ""
                return ItemRead(f"{measure} {rest}".strip(), p, m.end(), measure)
        noun = _measure_noun(text, q, word_after)
        item = f"{measure} {noun[0]}" if noun else measure
        return ItemRead(item, p, noun[1] if noun else m.end(), measure)
    p0 = p
    p = _skip_classifiers(text, p)
    hit = _lexicon_item(text, p)
    if hit is None and text[p : p + 1] == "“":
        inner = _lexicon_item(text, p + 1)
        close = text.find("”", p + 1, p + 60)
        if inner and close >= 0 and inner[1] == close:
            return ItemRead(inner[0], p0, close + 1, inner[0])
    if hit:
        word, end = hit
        if word == "cuộc":
            return _read_cuoc(text, p, end)
        if word == "hội nghị":
            return ItemRead("hội nghị", p, end, "hội nghị")
        return ItemRead(word, p0, end, word)
    if word_after is not None:
        got = word_after(p)
        if got:
            return ItemRead(got[0].lower(), p, got[1], got[0].lower())
    syl = _next_syllables(text, p, 1)
    if syl and syl[0][0][:1].islower():
        return ItemRead(syl[0][0].lower(), p, syl[0][2], syl[0][0].lower())
    return None


def _skip_classifiers(text: str, pos: int) -> int:
    """Skip up to two counting words before the head noun ("lượt gương", "căn nhà")."""
    for _ in range(2):
        # only those with the initial at ``pos`` can stand there (see _lexicon_item), in order
        for c in _CLASSIFIERS_BY_INITIAL.get(text[pos : pos + 1].lower(), ()):
            end = _match_word(text, pos, c)
            if end is None:
                continue
            nxt = _skip_space(text, end)
            # the first three characters lower-cased begin the rest lower-cased
            if c == "cây" and not text[nxt : nxt + 3].lower().startswith("cầu"):
                continue
            if c in ("em", "căn", "gương", "cây", "lượt") or _lexicon_item(text, nxt):
                pos = nxt
                break
        else:
            break
    return pos


def _measure_noun(
    text: str, pos: int, word_after: Callable[[int], tuple[str, int] | None] | None
) -> tuple[str, int] | None:
    """The noun after a measure: "km đường", "m2 bê-tông", "km cống rãnh", "ha rừng"."""
    hit = _lexicon_item(text, pos)
    if hit and hit[0] not in ("km",):
        word, end = hit
        if word.startswith("tuyến "):
            word = word.split(" ", 1)[1]
        # "đường điện", "đường giao thông": keep a second syllable only when it names a kind of work
        return word, end
    syl = _next_syllables(text, pos, 3)
    if not syl:
        return None
    for n in (3, 2, 1):
        words = " ".join(x[0].lower() for x in syl[:n])
        if len(syl) >= n and words in _MEASURE_NOUNS:
            return words, syl[n - 1][2]
    return None


# What a length, an area or a volume measures in the campaign's results.
# fmt: off
_MEASURE_NOUNS = {
    "đường",
    "đất",
    "rừng",
    "mương",
    "kênh",
    "kênh mương",
    "cống",
    "cống rãnh",
    "rãnh",
    "hàng rào",
    "mặt đường",
    "bê-tông",
    "bê tông",
    "đường điện",
    "cây ăn quả",
    "lúa",
    "chè",
    "cà phê",
    "kè",
    "đê",
    "tường rào",
    "hàng cây",
    "ống nước",
    "đường ống",
    "dây điện",
    "mặt bằng",
    "ao",
    "sân",
}
# fmt: on


def _read_cuoc(text: str, start: int, end: int) -> ItemRead:
    """ "cuộc" counts an activity: "803 cuộc góp ý phản biện" → ``cuộc góp ý phản biện``."""
    words = ["cuộc"]
    pos = end
    for syl, _s, e in _next_syllables(text, pos, 4):
        if (
            syl.lower() in _CUOC_STOP
            or not syl[:1].islower()
            or (syl.lower() == "với" and words[-1] == "đối")
        ):
            break
        words.append(syl.lower())
        pos = e
        if text[pos : pos + 1] in ",;.:)":
            break
    if words[1:2] and words[1] in ("giám", "tiếp", "đối", "góp", "kiểm", "tuyên", "vận", "họp", "thăm"):
        return ItemRead(" ".join(words), start, pos, "cuộc")
    return ItemRead("cuộc", start, end, "cuộc")


# --- scope ------------------------------------------------------------------

_DECREE_WORDS = (
    r"quyết định|nghị quyết|chỉ thị|kết luận|kế hoạch|thông tư|nghị định|hướng dẫn|công văn|"
    r"quy định|thông báo|luật|(?<!tổng )(?<!trong )(?<!có )số|lần thứ|thứ|khóa|cụm thi đua|đoàn kiểm tra|tổ|khu phố|khu|tiểu khu|ấp|"
    r"thôn|xóm|phường|quận|đội|đại đội|trung đoàn|sư đoàn|lữ đoàn|tiểu đoàn|quân khu|vùng|đường|"
    r"tỉnh lộ|quốc lộ|hẻm|ngõ|ngách|kiệt|lô|phòng|tầng|mục|điều|khoản|chương|phần|bài|kỳ|tập|top|nhóm|"
    r"hạng|giải|loại|phiên|tuần|tháng|ngày|năm|chiều|sáng|tối|trưa|đêm|lúc"
)
_DECREE_BEFORE = re.compile(rf"(?i)(?:{_DECREE_WORDS})\s*$")


_NEGATIVE_BEHIND = re.compile(r"\(\?<![^()]*\)")


def _behind_any(alternatives: str) -> re.Pattern[str]:
    """A pattern matching (empty) where one of ``alternatives`` (``|``-joined, each of one
    width, none holding ``|``) ends: look-behinds, one per width."""
    by_width: dict[int, list[str]] = {}
    for alt in alternatives.split("|"):
        literal = _NEGATIVE_BEHIND.sub("", alt)  # a look-behind is zero-width
        assert not set(literal) & set(".^$*+?{}[]\\|()"), alt  # plain words: their width is their length
        by_width.setdefault(len(literal), []).append(alt)
    return re.compile("(?i)" + "|".join(f"(?<={'|'.join(alts)})" for _w, alts in sorted(by_width.items())))


# ``_DECREE_BEFORE.search(before)``: every word ends with a letter, and only spaces may follow
# it, so a match's word ends where ``before.rstrip()`` does; looked for there, behind.
_DECREE_ENDS = _behind_any(_DECREE_WORDS)


def _decree_before(before: str) -> bool:
    """Whether ``before`` ends with a decree or place word then spaces (``_DECREE_BEFORE``)."""
    return _DECREE_ENDS.match(before, len(before.rstrip())) is not None


_CODE_AFTER = re.compile(r"^\s*[-/](?:[A-ZĐ]|\s*[A-ZĐ]{2})")


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans inside “…” quotes on one line (model names and titles)."""
    spans = []
    for m in compiled(r"“[^”“\n]{0,300}”").finditer(text):
        spans.append((m.start(), m.end()))
    return spans


def _never_a_stat(q: Quantity) -> bool:
    """Quantities no item makes a statistic: vague ones, dates, times, years, ranges."""
    return q.vague or q.value is None or q.kind in ("date", "time", "year", "range")


def is_campaign_stat(text: str, q: Quantity, item: ItemRead, sentence: tuple[int, int]) -> bool:
    """Whether a number and its item measure the campaign (SCHEMA.md's scope)."""
    if _never_a_stat(q):
        return False
    head = item.head
    if q.kind == "word" and (q.value < 2 or head not in _CORE_HEADS):
        return False  # "một bước", "hai tuyến": number words count only the campaign's own items
    if head in _EXCLUDED_HEADS or (
        item.item[:1] in _MEASURE_FIRST and _MEASURE.fullmatch(item.item) and head != "đồng"
    ):
        return False  # a bare measure ("khoảng 6 ha") does not say what was measured
    before = text[max(sentence[0], q.num_start - 30) : q.num_start]
    if q.approx is None and _decree_before(before):
        return False
    code = text[q.num_end : q.num_end + 6]
    if ("-" in code or "/" in code) and _CODE_AFTER.match(code):  # a code has its "-" or "/"
        return False
    after = text[item.end : item.end + 12]
    if head == "đồng" and compiled(r"\s*/").match(after):  # income per head per year: a general indicator
        return False
    age = text[q.end : q.end + 8]
    if head in ("tuổi",) or ("tuổi" in age and compiled(r"\s*tuổi").match(age)):
        return False
    back = text[item.end : item.end + 14]  # each of the words holds "trên", "này" or "đó"
    if ("trên" in back or "này" in back or "đó" in back) and compiled(
        r"\s*(?:nói\s+trên|trên|này|đó|kể\s+trên)\s*(?:[,.;:]|$)"
    ).match(back):
        return False  # "2 mô hình trên": points back to models already counted
    if head == "thành viên" and _one_models_members(text[sentence[0] : q.num_start]):
        return False  # "mô hình THT nuôi ba ba với 9 thành viên": the inside of one model
    if head in _LOCALITY_HEADS and not q.percent:
        return _locality_count_is_stat(text, q, item, sentence)
    if head in _CORE_HEADS or head.startswith("cuộc") or head.startswith("nhà"):
        return True
    if q.percent:
        return bool(compiled(r"số|hộ|gia đình|xã|phường|hồ sơ|đạt").search(text[q.end : q.end + 20])) or (
            head in _ITEM_WORDS and head not in _RESOURCE_HEADS
        )
    return _campaign_context(text[sentence[0] : sentence[1]].lower())


_MODEL_WORD = r"(?:mô hình|tổ hợp tác|câu lạc bộ)"
_MODEL_THEN_WITH = re.compile(
    _MODEL_WORD + r"[^.;!?\d]*?\s(?:với|có|gồm)\s+(?:hơn\s+|gần\s+|trên\s+|khoảng\s+)?$", re.IGNORECASE
)
_MODELS_COUNTED = re.compile(r"\d[\d.,]*\s+" + _MODEL_WORD, re.IGNORECASE)


def _one_models_members(lead: str) -> bool:
    """Whether a count of members follows one model named in ``lead`` (its sentence up to the
    number) with "với / có / gồm" right before the number, and no count of models."""
    return _MODEL_THEN_WITH.search(lead) is not None and _MODELS_COUNTED.search(lead) is None


_CONTEXT = re.compile(
    r"dân vận|phong trào|vận động|mô hình|điển hình|hiến|đóng góp|huy động|ủng hộ|ngày công|nông thôn mới|"
    r"ntm|xây dựng|làm mới|sửa chữa|hỗ trợ|giúp|tuyên dương|khen thưởng|công nhận|đăng ký|thi đua|hội thi|"
    r"cuộc thi|đạt chuẩn|xóa|thành lập|tặng|trao|vận động|giám sát|đối thoại|phản biện|tiếp xúc|thăm hỏi|"
    r"giúp đỡ|phụ trách|bám|tham gia|nhân rộng|triển khai|thực hiện|đầu tư|kinh phí|trị giá|giá trị|số tiền|"
    r"quyên góp|tài trợ|xã hội hóa"
)


# fmt: off
_LOCALITY_HEADS = {
    "xã", "phường", "thị trấn", "thôn", "bản", "ấp", "khu phố", "tổ dân phố", "huyện", "quận", "làng",
    "xóm",
}
# fmt: on


def _locality_count_is_stat(text: str, q: Quantity, item: ItemRead, sentence: tuple[int, int]) -> bool:
    """Counts of localities are statistics only when they say what the localities did
    ("356/382 xã đạt chuẩn", "33 xã tổ chức"), not when they locate or describe."""
    if compiled(r"(?i)(?:tại|ở|của|gồm|các|với|trong|thuộc|trên|đại diện)\s*$").search(
        text[max(sentence[0], q.start - 12) : q.start]
    ):
        return False
    act = read_action(text, q, item, sentence)
    return act in ("achieved", "held", "recognized", "replicated", "commended")


@lru_cache(maxsize=256)  # asked once per figure: the figures of a sentence ask it again
def _campaign_context(sentence_lower: str) -> bool:
    return bool(_CONTEXT.search(sentence_lower))


# --- action, level ------------------------------------------------------------

_ACTIONS: list[tuple[str, str]] = [
    # not done, undone or only mended: "xóa 23 nhà tạm", "tu sửa, làm mới 1.796 km" build nothing
    (r"chưa đạt|xóa|xoá|dỡ bỏ|tu sửa|sửa chữa|khơi thông|nạo vét", "none"),
    (r"đăng ký(?:\s+(?:xây dựng|thực hiện|triển khai|tham gia))?", "registered"),
    (
        r"công nhận|cấp giấy chứng nhận|cấp chứng nhận|được chứng nhận|suy tôn|lựa chọn|bình chọn|chọn",
        "recognized",
    ),
    (
        # "tổ chức tuyên dương": the award, not the holding, is what is done to the counted
        r"(?:tổ chức\s+)?(?:tuyên dương|biểu dương|khen thưởng|vinh danh)|tặng giấy khen|tặng bằng khen|"
        r"trao thưởng|trao tặng|trao giải|đạt giải|nhận giải(?: thưởng)?|nhận kỷ niệm chương|khen|"
        r"giấy khen|bằng khen|tặng",
        "commended",
    ),
    (r"nhân rộng", "replicated"),
    (r"duy trì", "maintained"),
    (r"tổ chức|phối hợp giám sát|giám sát", "held"),
    (r"đạt chuẩn|đạt kết quả|đạt hiệu quả|về đích|đạt", "achieved"),
    (
        r"xây dựng mới|xây dựng|xây mới|triển khai|thành lập|thực hiện|xây|đổ|làm mới|hoàn thành|trồng|lắp đặt|"
        r"tạo lập|phát triển|hình thành|khởi công|bàn giao|bê tông hóa|bê tông hoá|cứng hóa|cứng hoá|làm",
        "built",
    ),
]
_ACTION_RE = re.compile(
    "|".join(f"(?P<a{i}>(?<![\\wÀ-ỹ])(?:{pat})(?![\\wÀ-ỹ]))" for i, (pat, _a) in enumerate(_ACTIONS)),
    re.IGNORECASE,
)
# The same matches, found faster: the look-behind said once ahead of the alternatives (each of
# which tried it in turn), and a look-ahead for the first characters (``with_first_chars``).
_ACTION_RE_SCAN = with_first_chars(
    re.compile(
        "(?<![\\wÀ-ỹ])(?:"
        + "|".join(f"(?P<a{i}>(?:{pat})(?![\\wÀ-ỹ]))" for i, (pat, _a) in enumerate(_ACTIONS))
        + ")",
        re.IGNORECASE,
    )
)


def _clause_start(text: str, sentence_start: int, pos: int) -> int:
    """Start of the clause holding ``pos``: after the last ";" or ":" before it in the sentence,
    but for a ";" that only separates figures of one list ("tuyên dương 44 tập thể; 32 cá nhân")."""
    while True:
        cut = max(text.rfind(";", sentence_start, pos), text.rfind(":", sentence_start, pos))
        if cut < 0:
            return sentence_start
        if (
            text[cut] == ";"
            and _FIGURE_CHAIN.fullmatch(text, cut + 1, pos)
            and _FIGURE_BEFORE.search(text, max(sentence_start, cut - 40), cut)
        ):
            pos = cut  # the figure at pos goes on the list the clause before it opened
            continue
        return cut + 1


# "; 41 cá nhân và ": figures with their items, joined by "," or "và", up to the figure at hand
_FIGURE_CHAIN = re.compile(r"\s*(?:\d[\d.,]*\s+[^\W\d_]+(?:\s+[^\W\d_]+){0,3}\s*(?:,|\bvà\b)\s*)*")
_FIGURE_BEFORE = re.compile(r"\d[\d.,]*\s+[^\W\d_]+(?:\s+[^\W\d_]+){0,2}\s*$")


# Items that are mobilised resources or people rather than things made: "built" does not apply.
# fmt: off
_RESOURCE_HEADS = {
    "đồng", "ngày công", "hộ", "hộ nghèo", "hộ dân", "hộ gia đình", "người", "đoàn viên", "hội viên",
    "đảng viên", "cán bộ", "ha", "m2", "thành viên", "trường hợp", "hs", "học sinh", "tác phẩm",
}
# fmt: on
_BUILT_MEASURES = re.compile(r"(?i)(?:xây|đổ|làm|lắp|đào|đắp|kéo|trồng|hoàn thành|nâng cấp|mở)")


# Verb phrases that look like actions but say how the work went, not what was done to
# the counted things: "thực hiện tốt phong trào", "đạt thành tích xuất sắc".
_NOT_ACTIONS = re.compile(
    r"(?i)(?:triển khai\s+)?(?:thực hiện|triển khai)\s+(?:tốt\s+|có hiệu quả\s+)?(?:phong trào|nghị quyết|chỉ thị|"
    r"kế hoạch|cuộc vận động|nhiệm vụ|công tác|chủ trương)|(?:đạt|có)\s+(?:thành tích|danh hiệu)"
)
_NOT_ACTIONS_SCAN = with_first_chars(_NOT_ACTIONS)  # same matches, found faster


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group(0))


def _hits(segment: str) -> list[tuple[int, int, str]]:
    if _NOT_LOWER_SAFE.search(segment) is None:  # the same, case-blind matching made plain
        low = segment.lower()
        if any(w in low for w in _NOT_ACTIONS_NEEDS):  # else nothing to blank (a sub for nothing)
            low = _NOT_ACTIONS_LOW.sub(_blank, low)
        return _hits_in_lowered(low)
    segment = _NOT_ACTIONS_SCAN.sub(_blank, segment)
    # each alternative is one group a<i>, the outermost of its match: ``lastgroup`` names it
    return [
        (m.start(), m.end(), _ACTIONS[int(m.lastgroup[1:])][1])
        for m in _ACTION_RE_SCAN.finditer(segment)
        if m.group(m.lastgroup)
    ]


def _hits_in_lowered(low: str) -> list[tuple[int, int, str]]:
    # every alternative matches a word or more: each match is one hit (``_ACTION_LOW``'s)
    return [(m.start(), m.end(), _LOW_ACTION_OF[m.lastindex]) for m in _ACTION_BY_LETTER.finditer(low)]


def _split_top(pattern: str) -> list[str]:
    """The alternatives of ``pattern`` at its top level (outside any parentheses)."""
    assert not re.search(r"\\[^sw]|\[", pattern), pattern  # no escaped "(", "|" nor a class to skip
    parts, depth, start = [], 0, 0
    for i, c in enumerate(pattern):
        depth += (c == "(") - (c == ")")
        if c == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    return [*parts, pattern[start:]]


def _closing(pattern: str, open_at: int) -> int:
    """The offset of the parenthesis closing the one at ``open_at``."""
    depth = 0
    for i in range(open_at, len(pattern)):
        depth += (pattern[i] == "(") - (pattern[i] == ")")
        if depth == 0:
            return i
    raise ValueError(pattern)  # pragma: no cover


def _letter_alternatives(pattern: str) -> list[str]:
    """``pattern``'s alternatives in the order ``re`` tries them, each starting with a letter:
    a group around alternatives is opened ("(?:a|b)" tries "a" then "b"), and an optional group
    in front, greedy, is tried first with ("(?:x\\s+)?(?:a|b)": "x\\s+(?:a|b)", then "a", "b")."""
    out: list[str] = []
    for alt in _split_top(pattern):
        if alt.startswith("(?:"):
            close = _closing(alt, 0)
            inner, rest = alt[3:close], alt[close + 1 :]
            if rest == "":
                out += _letter_alternatives(inner)
                continue
            if rest.startswith("?") and rest[1:].startswith("(?:") and _closing(rest, 1) == len(rest) - 1:
                out += [inner + rest[1:], *_letter_alternatives(rest[1:])]
                continue
            raise ValueError(alt)  # pragma: no cover - a shape the verbs do not have
        out.append(alt)
    assert all(a[:1].isalpha() for a in out), out
    return out


def _by_first_letter() -> tuple[re.Pattern[str], dict[int, str]]:
    """``_ACTION_LOW`` with its alternatives grouped by their first letter: the same matches.

    At each position ``re`` tries the verbs in order and takes the first that matches; only those
    starting with the letter there can, so trying just them, in the same order, changes nothing.
    A pattern opening with one literal per branch lets ``re`` skip to those letters (with a
    look-ahead in front, as ``with_first_chars`` gives, it tries every character), and a branch
    is entered only at its letter (each verb group was entered everywhere).  Each verb ends
    with an empty group whose number says its action (``lastindex``)."""
    word = "[\\wÀ-ỹ]"
    buckets: dict[str, list[tuple[str, str]]] = {}
    for pat, action in _ACTIONS:
        assert re.compile(pat).groups == 0, pat  # the empty groups are the only ones
        for alt in _letter_alternatives(pat):
            buckets.setdefault(alt[0], []).append((alt[1:], action))
    action_of: dict[int, str] = {}
    branches = []
    for letter, alts in buckets.items():
        rests = []
        for rest, action in alts:
            action_of[len(action_of) + 1] = action
            rests.append(f"{rest}(?!{word})()")
        branches.append(f"{re.escape(letter)}(?<!{word}{re.escape(letter)})(?:{'|'.join(rests)})")
    return re.compile("|".join(branches)), action_of


_ACTION_BY_LETTER, _LOW_ACTION_OF = _by_first_letter()


def _vietnamese_letters() -> str:
    """Every letter of Vietnamese (NFC), lower and upper case."""
    tones = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
    low = {unicodedata.normalize("NFC", v + t) for v in "aăâeêioôơuưy" for t in tones} | {"đ"}
    return "".join(sorted(low | {c.upper() for c in low}))


# Case-blind matching costs ``re`` much more than plain matching (the verbs are looked for in
# every figure's clause).  A text made only of ASCII, Vietnamese letters and common punctuation
# lower-cases character for character, and ``re`` pairs those characters case-blindly exactly as
# ``str.lower`` does (the letters it also pairs otherwise, "ı", "ſ", the Kelvin sign, "İ", are not
# among them): the lower-case patterns on the text lower-cased find the same matches.
_LOWER_SAFE = "\x00-\x7f" + _vietnamese_letters() + "“”‘’…–—•«»°·"
_NOT_LOWER_SAFE = re.compile(f"[^{_LOWER_SAFE}]")
assert (
    all(pat == pat.lower() for pat, _a in _ACTIONS) and _NOT_ACTIONS.pattern == _NOT_ACTIONS.pattern.lower()
)
_ACTION_LOW = re.compile(_ACTION_RE_SCAN.pattern, _ACTION_RE_SCAN.flags & ~re.IGNORECASE)
_NOT_ACTIONS_LOW = re.compile(_NOT_ACTIONS_SCAN.pattern, _NOT_ACTIONS_SCAN.flags & ~re.IGNORECASE)
# Every match of ``_NOT_ACTIONS_LOW`` holds one of these words as they stand in its pattern
# (its alternatives: "... thực hiện|triển khai ..." and "(đạt|có) thành tích|danh hiệu").
_NOT_ACTIONS_NEEDS = ("thực hiện", "triển khai", "thành tích", "danh hiệu")
assert all(w in _NOT_ACTIONS.pattern for w in _NOT_ACTIONS_NEEDS)


def _first_of_run(segment: str, hits: list[tuple[int, int, str]], last: int) -> str:
    """In a run of joined verbs ("xây dựng và duy trì", "công nhận, biểu dương và khen
    thưởng") the first one names the action."""
    i = last
    while i > 0 and compiled(r"\s*(?:,|và|hoặc|,\s*và)?\s*").fullmatch(segment[hits[i - 1][1] : hits[i][0]]):
        i -= 1
    return hits[i][2]


def read_action(text: str, q: Quantity, item: ItemRead, sentence: tuple[int, int]) -> str | None:
    """The verb that acts on the number: one right after the item ("179 mô hình đạt hiệu
    quả", "được công nhận, biểu dương và khen thưởng": the first), else the nearest
    before it in its clause; meetings and supervisions are "held"."""
    act = _raw_action(text, q, item, sentence)
    if act == "none":
        return None
    head = item.head
    if head in _RESOURCE_HEADS or head in ("km", "m", "mét") and act == "built":
        if act == "built":
            if head in ("km", "m", "mét", "m2", "ha") and _BUILT_MEASURES.search(
                text[max(sentence[0], q.start - 40) : q.start]
            ):
                return act
            return None
        if act in ("held",):
            return None
    return act


def _raw_action(text: str, q: Quantity, item: ItemRead, sentence: tuple[int, int]) -> str | None:
    cs = _clause_start(text, sentence[0], q.start)
    before = text[max(cs, q.start - 80) : q.start]
    if item.head in ("hội nghị",) or item.head.startswith("cuộc"):
        return "held"
    tail = _tail(text, item.end, sentence[1])
    if any(d in tail for d in _DE) and _FOR_AWARD.match(tail):
        return "commended"  # "chọn được 40 tác phẩm xuất sắc để trao giải"
    # the verbs after the item are read only when they are asked for (both scans are pure)
    after = None
    if compiled(r"\s*(?:[\wÀ-ỹ]+\s+){0,4}?(?:được|đã được|đã|đều được|đều|đăng ký|đạt|chưa|tiếp tục)").match(
        tail
    ):
        after = _hits(tail)
        if after:
            return after[0][2]
    hits = _hits(before)
    if hits:
        return _first_of_run(before, hits, len(hits) - 1)
    if after is None:
        after = _hits(tail)
    if after:
        return after[0][2]
    return None


# The second noun of a pair item ("20 tập thể, cá nhân nhận giải"): the clause goes on.
_PAIR_NOUNS = r"(?:tập thể|cá nhân|gia đình|hộ gia đình|điển hình|mô hình)(?![\wÀ-ỹ])"


# Chosen "để trao giải / để khen thưởng": what the counted things are chosen for is the award.
_FOR_AWARD = re.compile(
    r"(?i)\s*(?:[\wÀ-ỹ]+\s+){0,4}?để\s+(?:trao\s+giải|trao\s+thưởng|khen\s+thưởng|tuyên\s+dương|"
    r"biểu\s+dương|vinh\s+danh|tặng)(?![\wÀ-ỹ])"
)


# "để" as ``re`` pairs its letters case-blindly ("đ"/"Đ", "ể"/"Ể"): every match of _FOR_AWARD holds one
_DE = ("để", "Để", "đỂ", "ĐỂ")


_CLAUSE_END = re.compile(  # a "." inside a number ("2.827") ends nothing
    r"[;:(]|\.(?!\d)|,(?!\s*(?:\d|" + _PAIR_NOUNS + r"))|\s(?:và|với)\s(?!\s*(?:\d|hơn|gần|trên|khoảng))"
)


def _tail(text: str, start: int, sentence_end: int) -> str:
    """The words after an item up to its clause's end, with asides in parentheses blanked
    and coordinated figures skipped ("181 tập thể và 176 cá nhân đăng ký")."""
    seg = text[start : min(sentence_end, start + 90)]
    if "(" in seg:  # else no aside to blank
        seg = compiled(r"\([^()]{0,80}\)").sub(lambda m: " " * len(m.group(0)), seg)
    m = _CLAUSE_END.search(seg)
    return seg[: m.start()] if m else seg


_LEVELS = [
    (r"cấp\s+(?:cơ sở|xã|phường|thị trấn|xã, phường|phường, xã)", "cơ sở"),
    (r"cấp\s+(?:quận|quận, huyện)", "quận"),
    (r"cấp\s+(?:huyện|huyện, thị xã|quận, huyện, thị xã)", "huyện"),
    (r"cấp\s+(?:tỉnh)", "tỉnh"),
    (r"cấp\s+(?:thành phố|tp\b|thủ đô)", "thành phố"),
    (r"cấp\s+(?:trung ương|toàn quốc)", "trung ương"),
    (r"(?:ở|tại)?\s*cơ sở", "cơ sở"),
]
_LEVEL_RE = [(re.compile(r"(?i)^[^,;.\d]{0,30}?(?<![\wÀ-ỹ])" + p), lv) for p, lv in _LEVELS]
# what each pattern's match holds, lower-cased (no "i" or "s": see extractors.regex_speed):
# a tail lower-cased without it is not searched with the pattern
_LEVEL_NEEDS = ["cấp"] * (len(_LEVELS) - 1) + ["cơ "]
assert all(n in p for n, (p, _lv) in zip(_LEVEL_NEEDS, _LEVELS, strict=True))
_LEVEL_NEEDS_ANY = tuple(dict.fromkeys(_LEVEL_NEEDS))


def read_level(text: str, item: ItemRead, sentence: tuple[int, int]) -> str | None:
    """The level named right after the item ("mô hình cấp huyện", "điển hình ở cơ sở")."""
    tail = text[item.end : min(sentence[1], item.end + 60)]
    if "“" not in tail:  # no quote to take out (taking one out may join the letters of a needle)
        low = tail.lower()
        if not any(n in low for n in _LEVEL_NEEDS_ANY):
            return None  # the tail cut short holds no pattern's needle either
    tail = compiled(r"\s(?:và|với)\s|[;(]").split(tail, maxsplit=1)[0]
    tail = compiled(r"“[^”]*”").sub("", tail)
    low = tail.lower()
    for (pat, lv), needs in zip(_LEVEL_RE, _LEVEL_NEEDS, strict=True):
        if needs not in low:
            continue
        m = pat.search(tail)
        if m:
            # "cấp quận, huyện, thị xã" is the generic district level
            if lv == "quận" and compiled(r"(?i)\s*,\s*huyện").match(tail[m.end() :]):
                return "huyện"
            return lv
    return None


# --- the extractor ------------------------------------------------------------


@dataclass(slots=True)
class StatMention:
    """A statistic found in the text, before unit and period are attached."""

    value: float
    item: str
    approx: str | None
    ratio_of: float | None
    percent: bool
    action: str | None
    level: str | None
    start: int  # evidence span
    end: int
    num_start: int
    sentence: int
    per_year: bool = False
    domain: str | None = None
    period: str | None = None  # set by attachment
    unit: object | None = None  # the UnitMention it belongs to, set by attachment


def _inside(spans: Sequence[tuple[int, int]], pos: int) -> bool:
    return any(s < pos < e for s, e in spans)


def _sentence_index(sentences: Sequence[tuple[int, int]], pos: int) -> int:
    for i, (s, e) in enumerate(sentences):
        if s <= pos < e or (pos < s):
            return i if s <= pos else max(0, i - 1)
    return len(sentences) - 1


def _inside_finder(spans: Sequence[tuple[int, int]]) -> Callable[[int], bool]:
    """``lambda pos: _inside(spans, pos)``, by bisection when the spans come one after another
    (each ends before the next starts, as ``finditer`` gives them)."""
    starts = [s for s, _e in spans]
    ends = [e for _s, e in spans]
    if any(e > s for e, s in zip(ends, starts[1:], strict=False)) or any(
        s >= e for s, e in spans
    ):  # pragma: no cover - spans overlap or are empty: look through them all
        return lambda pos: _inside(spans, pos)

    def inside(pos: int) -> bool:
        i = bisect_left(starts, pos) - 1  # the last span starting before pos: only it can hold pos
        return i >= 0 and pos < ends[i]

    return inside


def _sentence_finder(sentences: Sequence[tuple[int, int]]) -> Callable[[int], int]:
    """``lambda pos: _sentence_index(sentences, pos)``, by bisection when the sentences come one
    after another: the last sentence starting at or before ``pos`` (the first when none does)."""
    starts = [s for s, _e in sentences]
    reach = 0  # the furthest end so far
    for s, e in sentences:
        if s < reach:  # pragma: no cover - sentences out of order or overlapping
            return lambda pos: _sentence_index(sentences, pos)
        reach = max(reach, s, e)
    if not starts:
        return lambda pos: -1
    return lambda pos: max(0, bisect_right(starts, pos) - 1)


def find_stats(
    text: str,
    sentences: Sequence[tuple[int, int]],
    quantities: Sequence[Quantity],
    word_after: Callable[[int], tuple[str, int] | None] | None = None,
) -> list[StatMention]:
    """Every campaign statistic in the text, in order, repeated facts merged."""
    in_quotes = _inside_finder(quoted_spans(text))
    sentence_index = _sentence_finder(sentences)
    out: list[StatMention] = []
    for idx, q in enumerate(quantities):
        if in_quotes(q.num_start):
            continue
        si = sentence_index(q.num_start)
        sent = sentences[si]
        if _never_a_stat(q):  # is_campaign_stat rejects it whatever its item: none is read
            continue
        item, ev_start = _item_for(text, q, quantities, idx, word_after)
        if item is None or not is_campaign_stat(text, q, item, sent):
            continue
        act = read_action(text, q, item, sent)
        lvl = read_level(text, item, sent)
        start = min(ev_start, q.start)
        out.append(
            StatMention(
                value=float(q.value),
                item=item.item,
                approx=q.approx,
                ratio_of=q.ratio_of if q.kind == "ratio" else None,
                percent=q.percent,
                action=act,
                level=lvl,
                start=start,
                end=max(item.end, q.end),
                num_start=q.num_start,
                sentence=si,
                per_year=bool(_PER_YEAR.search(text, sent[0], q.start)),
            )
        )
    return _inherit_actions(text, out)


# "trung bình mỗi năm": the figure is a yearly one.  (With the letters it starts with said in
# front, ``re`` skips to them; case-blind, it would try the words at every character.)
_PER_YEAR = with_first_chars(re.compile(r"(?i)(?:trung bình|bình quân)\s+(?:mỗi|hằng|hàng)\s+năm"))


def _inherit_actions(text: str, found: list[StatMention]) -> list[StatMention]:
    """A figure with no verb of its own, in a sentence that already counted the same item,
    takes that figure's action: a breakdown ("đăng ký 133 mô hình, trong đó 2 mô hình cấp
    Khối; 122 mô hình...").  Measured: inheriting across items loses on the development set."""
    # the last earlier figure of the same item in the sentence ("tặng giấy khen cho 14 tập thể,
    # 13 cá nhân ... và 29 tập thể, 33 cá nhân": each list repeats the items)
    last: dict[tuple[int, str], StatMention] = {}
    for cur in found:
        prev = last.get((cur.sentence, cur.item))
        if cur.action is None and prev is not None:
            cur.action = prev.action
        last[(cur.sentence, cur.item)] = cur
    return found


def _item_for(
    text: str,
    q: Quantity,
    quantities: Sequence[Quantity],
    idx: int,
    word_after: Callable[[int], tuple[str, int] | None] | None,
) -> tuple[ItemRead | None, int]:
    """Read the item; percent figures take "số X" after them or the ratio they restate."""
    if q.percent:
        m = compiled(r"\s*(?:số\s+|các\s+)?").match(text, q.end)
        pos = m.end() if m else q.end
        item = read_item(text, pos, word_after)
        if (
            item
            and item.head not in _EXCLUDED_HEADS
            and compiled(r"\s*(?:số\s+|các\s+)?[a-zà-ỹđ]").match(text, q.end)
        ):
            return item, q.start
        # "356/382 xã (tỷ lệ 93,2%)": the percent restates the ratio before it
        if idx > 0 and quantities[idx - 1].kind == "ratio" and q.start - quantities[idx - 1].end < 25:
            prev = quantities[idx - 1]
            item = read_item(text, prev.end, word_after)
            if item:
                close = text.find(")", q.end, q.end + 3)
                return ItemRead(
                    item.item, item.start, close + 1 if close >= 0 else q.end, item.head
                ), prev.start
        return None, q.start
    item = read_item(text, q.end, word_after)
    if item is not None and item.head == "cuộc" and item.item == "cuộc":
        # "giám sát 10.665 cuộc": the activity comes before the number
        m = compiled(r"(?i)(giám sát|tiếp xúc|đối thoại|kiểm tra|góp ý phản biện|tuyên truyền)\s*$").search(
            text[max(0, q.start - 25) : q.start]
        )
        if m:
            return ItemRead(f"cuộc {m.group(1).lower()}", item.start, item.end, "cuộc"), q.start - (
                len(m.group(0))
            )
    return item, q.start


def merge_repeats(text: str, stats: list[StatMention]) -> list[StatMention]:
    """Indices of the statistics to keep, one per fact: a figure repeated later for the
    same unit ("trong số 5.102 mô hình") or restated from the headline keeps its first
    mention, which takes the fields the repeat adds; a rounded restatement ("gần 22.000")
    gives way to the exact figure."""
    units = [getattr(s.unit, "name", None) for s in stats]
    kept: list[int] = []
    for i, s in enumerate(stats):
        dup = None
        for k in kept:
            o = stats[k]
            if o.item != s.item or o.value != s.value or (units[k] and units[i] and units[k] != units[i]):
                continue
            if o.sentence == s.sentence and not _back_reference(text, s):
                continue  # "3 cá nhân được nhận Kỷ niệm chương; ... UBND quận và 3 cá nhân": two facts
            if o.action == s.action or s.action is None or o.action is None or _back_reference(text, s):
                dup = o
                break
        if dup is not None:
            for f in ("action", "level", "per_year", "domain", "period", "unit"):
                if not getattr(dup, f) and getattr(s, f):
                    setattr(dup, f, getattr(s, f))
            continue
        kept.append(i)
    out = []
    for i in kept:
        s = stats[i]
        if s.approx in ("nearly", "about", "more_than") and any(
            stats[j].item == s.item
            and stats[j].approx is None
            and 0 < abs(stats[j].value - s.value) <= 0.05 * s.value
            for j in kept
            if j != i
        ):
            continue
        out.append(s)
    return out


def _back_reference(text: str, s: StatMention) -> bool:
    return bool(
        compiled(r"(?i)(?:trong|trong tổng|tổng)\s+số\s+$").search(text[max(0, s.start - 20) : s.start])
    )
