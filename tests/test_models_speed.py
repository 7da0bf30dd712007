"""The faster forms in the model finder and the domain classifier give what the plain forms they replace give.

Each test keeps the plain form (the code before the speed-up) as its reference and compares it
with the faster one on generated texts made of the pieces the patterns look for.
"""

from __future__ import annotations

import re
import unicodedata

from devtexts import dev_texts
from hypothesis import example, given, settings
from hypothesis import strategies as st

from corpus.normalize import fold_tone_marks
from extractors import domains as dm
from extractors import model_names as mn
from extractors import periods as pe

_WORDS = [
    *("mô hình", "Mô hình", "điển hình", "giải pháp", "cách làm", "như", "gồm", "phong trào", "hội thi"),
    *(
        "Dân vận khéo",
        "dân vận khéo",
        "Dận vận khéo",
        "Dân vận khéo cấp tỉnh",
        "Năm Dân vận khéo",
        "dân vân kheo",
    ),
    *("hoà", "Hoà", "thuỷ", "THUỶ", "khoẻ", "quý", "hoàn", "hòa", "uỷ ban", "xoá", "toả", "khuỷu", "hoa"),
    *("kinh tế", "văn hóa", "xã hội", "an ninh", "quốc phòng", "nông thôn mới", "trật tự an toàn xã hội"),
    *(
        "an toàn",
        "camera an ninh",
        "covid - 19",
        "covid-19",
        "xanh, sạch, đẹp",
        "xanh - sạch - đẹp",
        "bê - tông",
    ),
    *("cb, cc, vc", "phòng, chống dịch", "chuyển đổi số", "sinh kế", "hộ nghèo", "lĩnh vực", "trên lĩnh vực"),
    *("TP.", "T.P.", "Tp.", "ông A.", "(", ")", "“", "”", "″", "'", "‘", "’", "Hội Nông dân", "xã Y"),
    *("a", "B", "x", "1", "2024", "và", "của", "tại"),
]
_MARKS = [" ", " ", " ", "  ", ",", ", ", ".", ". ", "\n", "-", " – ", ":", ";", "\u2212", "\t", "\x00"]

_piece = st.one_of(st.sampled_from(_WORDS), st.sampled_from(_MARKS))
_spaced = st.tuples(st.sampled_from(_WORDS), st.sampled_from(_MARKS)).map("".join)
texts = st.one_of(
    st.lists(_spaced, min_size=1, max_size=25).map("".join),
    st.lists(_piece, min_size=1, max_size=40).map("".join),
    st.text(max_size=40),
    st.text(alphabet="oOuUaAeEyYàÀảạẻéẽỷýỳỹỵ \u0301\u0300-.", max_size=20),
)


# --- the plain forms ------------------------------------------------------------------------------


def _plain_is_campaign_name(name: str) -> bool:
    words = mn._name_key(name).split()
    qualifiers = [q.split() for q in mn._CAMPAIGN_QUALIFIERS]
    changed = True
    while changed and words:
        changed = False
        for q in qualifiers:
            if words[: len(q)] == q and len(words) > len(q):
                words, changed = words[len(q) :], True
            elif words[-len(q) :] == q and len(words) > len(q):
                words, changed = words[: -len(q)], True
    key = mn._CAMPAIGN_TAIL.sub("", " ".join(words))
    return len(key) >= 8 and mn._edit_distance(key, mn._CAMPAIGN) <= 2


def _plain_mn_fold(text: str) -> str:
    return fold_tone_marks(unicodedata.normalize("NFC", text)).lower()


def _plain_dm_fold(text: str) -> str:
    s = fold_tone_marks(unicodedata.normalize("NFC", text)).lower()
    s = re.sub(r"[\u2010-\u2015\u2212]", "-", s)
    s = re.sub(r"\s*-\s*", " - ", s)
    return " ".join(s.split())


def _plain_domain_scores(text: str) -> tuple[tuple[str, float], ...]:
    scores = dict.fromkeys(dm.DOMAINS, 0.0)
    s = _plain_dm_fold(text)
    for keyword, pattern, field, weight in dm._compiled():
        if keyword not in s:
            continue
        hits = len(pattern.findall(s))
        if hits:
            scores[field] += weight * hits
            s = pattern.sub(lambda m: "\x00" * len(m.group(0)), s)
    return tuple(scores.items())


def _plain_first_in(name: str, fields: list[str]) -> str | None:
    s = dm._fold(name)
    best: tuple[int, str] | None = None
    for _, pattern, field, _ in dm._compiled():
        if field not in fields:
            continue
        m = pattern.search(s)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), field)
    return best[1] if best else None


def _plain_masked(text: str, quotes: tuple[mn._Quote, ...], start: int, end: int) -> str:
    chars = list(text[start:end])
    for q in quotes:
        if q.end <= start or q.start >= end:
            continue
        a, b = max(q.start, start), min(q.end, end)
        if mn.is_campaign_name(text[q.name_start : q.name_end]):
            for m in mn._RE_QUOTES.finditer(text, a, b):
                chars[m.start() - start] = " "
        else:
            chars[a - start : b - start] = "\x00" * (b - a)
    return "".join(chars)


def _plain_false_stop(text: str, prev_start: int, prev_end: int, start: int) -> bool:
    if "\n" in text[prev_end:start]:
        return False
    prev = text[prev_start:prev_end]
    if prev.count("(") > prev.count(")"):
        return True
    return bool(re.search(r"(?:\b[A-ZĐ]{1,3}|\bTP|\bTp)\.\s*$", prev))


# --- the comparisons ------------------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(texts)
@example("Dân vận khéo")
@example("Dận vận khéo cấp tỉnh")
@example("dân vận khéo năm 2024")
@example("Năm Dân vận khéo")
@example("dân vận khéoo")
@example("dân vận")
@example("Dân vận kh")
@example("dân vận khéoab")
@example("xân vận khéo")
def test_is_campaign_name_as_plain(name: str) -> None:
    assert mn.is_campaign_name.__wrapped__(name) == _plain_is_campaign_name(name)


@settings(max_examples=400, deadline=None)
@given(texts)
@example("Hoà bình, THUỶ lợi")
@example("khuỷu tay, quý, hoàn")
@example("THUỶ")
@example("KHOẺ")
@example("thuỷ")
@example("hoà")
def test_folds_as_plain(text: str) -> None:
    assert mn._fold.__wrapped__(text) == _plain_mn_fold(text)
    assert dm._fold.__wrapped__(text) == _plain_dm_fold(text)


@settings(max_examples=400, deadline=None)
@given(texts)
@example("trật tự an toàn xã hội và an toàn giao thông, an ninh trật tự")
@example("xanh - sạch - đẹp, covid-19, bê-tông, cb, cc, vc")
def test_domain_scores_as_plain(text: str) -> None:
    assert dm._domain_scores.__wrapped__(text) == _plain_domain_scores(text)
    assert dm._first_in(text, list(dm.DOMAINS)) == _plain_first_in(text, list(dm.DOMAINS))
    assert dm._first_in(text, list(dm.DOMAINS[1:3])) == _plain_first_in(text, list(dm.DOMAINS[1:3]))


@settings(max_examples=300, deadline=None)
@given(texts, st.data())
@example("mô hình “Dân vận khéo” và “A b c” ‘x y z’ “d e f", None)
def test_masked_as_plain(text: str, data: st.DataObject | None) -> None:
    index = mn._quote_index.__wrapped__(text)
    assert index.items == mn._find_quotes_cached(text)
    n = len(text)
    bounds = [(a, b) for a in range(n + 1) for b in {a, min(n, a + 1), min(n, a + 2), (a + n) // 2, n}]
    if data is not None:
        bounds.append(tuple(sorted(data.draw(st.tuples(*[st.integers(0, len(text))] * 2)))))
    for start, end in bounds:
        assert mn._masked(text, index, start, end) == _plain_masked(text, index.items, start, end)


@settings(max_examples=300, deadline=None)
@given(texts, st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=6), st.integers(-2, 70))
@example("Ông A. B. đã đến. TP. Huế (nay là\nX. Y) và", [], 10)
def test_scopes_as_plain(text: str, sentences: list[tuple[int, int]], pos: int) -> None:
    sentences = [(min(s, len(text)), min(e, len(text))) for s, e in sentences]
    index = mn._scopes_indexed.__wrapped__(text, tuple(sentences))
    for p in (pos, *(s for s, _ in index.items), *(e for _, e in index.items)):
        assert index.at(p) == mn._scope_at(list(index.items), p)
    for a in range(len(text) + 1):
        for b in (a, min(len(text), a + 3), len(text)):
            assert mn._false_stop(text, 0, a, b) == _plain_false_stop(text, 0, a, b)


# --- the heads before a quote (_quote_cue) --------------------------------------------------------

_PLAIN_REJECT_BEFORE = re.compile(
    r"(?:phong trào(?: thi đua)?(?: yêu nước)?|cuộc vận động|các cuộc vận động|hội thi|cuộc thi|hội diễn"
    r"|giải thưởng|danh hiệu|kỷ niệm chương|huy chương|huy hiệu|bằng khen|giấy khen|cờ thi đua"
    r"|(?:kế hoạch|chỉ thị|nghị quyết|quyết định|kết luận|đề án|chương trình|thông báo|hướng dẫn|công văn)"
    r"(?: (?:số|của) [^“”,;.]{0,40})?"
    r"|phương châm|khẩu hiệu|tinh thần|lời dạy|lời bác|câu nói|chủ đề|tự xưng|theo hướng|gắn với(?: việc)?"
    r"(?: thực hiện)?|về việc|ngày hội|lễ hội|tổ chức|cụm từ|gọi là|gọi tắt|biệt danh|tên gọi|thương hiệu"
    r"|dự án|cuộc thi viết|tác phẩm|bài viết|cuốn sách|chuyên mục|trang|nhóm zalo|ca khúc|bài hát)\s*:?\s*$"
)
_PLAIN_NUMBER_BEFORE = re.compile(r"\d[\d.,]*\s*$")
_PLAIN_SPEECH_BEFORE = re.compile(
    r"(?:nhấn mạnh|cho biết|khẳng định|đề nghị|phát biểu|chia sẻ|nói|dạy|yêu cầu|bày tỏ|nhắn nhủ)\s*:\s*$"
)

_HEADS = [
    *("phong trào", "phong trào thi đua yêu nước", "các cuộc vận động", "hội thi", "kỷ niệm chương", "trang"),
    *("kế hoạch số", "kế hoạch số 12/KH-UBND ngày 3 tháng 5 năm 2024 của UBND tỉnh", "chỉ thị của", "đề án"),
    *("gắn với việc thực hiện", "gọi là", "nhóm zalo", "bài hát", "mô hình", "ông A", "xã", "dân vận khéo"),
    *("nhấn mạnh", "cho biết", "nói", "dạy", "nhắn nhủ", "yêu cầu", "bày tỏ", "chia sẻ", "đã nói rằng"),
    *("12", "3.500", "1,5", "2.", "٣", "١٢,", "x1", "số", "năm 2024", "..", ",", ".", "“", "”", "(", ")"),
]
_TAILS = [" ", "", ":", " : ", "  ", "\n", " \n", ":\n", "\u00a0", "\u2003:", "\t", "::", ": :", " x", ";"]
_head_texts = st.lists(
    st.one_of(st.sampled_from(_HEADS), st.sampled_from(_TAILS)), min_size=1, max_size=12
).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_head_texts, texts))
@example("phong trào thi đua:\n")
@example("kế hoạch số 12:  ")
@example("đã nhấn mạnh :  \u2003")
@example("đạt 3.500, \n")
@example("nói::")
def test_heads_before_a_quote_as_plain(text: str) -> None:
    for s in {text, *(text[k:] for k in range(len(text))), *(text[:k] for k in range(len(text)))}:
        folded = mn._fold(s)
        assert mn._head_ends(mn._REJECT_BEFORE, mn._REJECT_WIDTH, folded) == bool(
            _PLAIN_REJECT_BEFORE.search(folded)
        )
        assert mn._head_ends(mn._SPEECH_BEFORE, mn._SPEECH_WIDTH, folded) == bool(
            _PLAIN_SPEECH_BEFORE.search(folded)
        )
        assert mn._number_ends(s) == bool(_PLAIN_NUMBER_BEFORE.search(s))


def test_the_head_widths_bound_every_match_of_their_patterns() -> None:
    from re import _parser  # the re module's own parser (private): only to check the constants

    assert _parser.parse(mn._REJECT_HEADS).getwidth()[1] <= mn._REJECT_WIDTH
    assert _parser.parse(mn._SPEECH_VERBS).getwidth()[1] <= mn._SPEECH_WIDTH


_PLAIN_SPEECH_AFTER = re.compile(
    r"^\s*[,.]?\s*[^.;“”\n]{0,50}?(?<!\w)(?:nói|cho biết|chia sẻ|nhấn mạnh|khẳng định|tâm sự|bày tỏ|kể|phát biểu"
    r"|nhớ lại|cười)(?!\w)"
)
_PLAIN_LIST_MARKER = re.compile(r"(?<!\w)(?:như|gồm|bao gồm|đó là|tiêu biểu là|điển hình là)(?!\w)\s*:?|:")
_AFTER_WORDS = [
    *("nói", "cho biết", "chia sẻ", "nhấn mạnh", "tâm sự", "kể", "kể cả", "nhớ lại", "cười", "nóii", "anói"),
    *("như", "gồm", "bao gồm", "đó là", "tiêu biểu là", "điển hình là", "nhưng", "mô hình", "ông A", "bà B"),
    *(",", ".", ";", ":", "“", "”", "\n", " ", "  ", "-", "của xã", "tại thôn Đông", "đã", "x" * 30),
]
_after_texts = st.lists(st.sampled_from(_AFTER_WORDS), min_size=1, max_size=14).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_after_texts, texts))
@example(", ông A cho biết")
@example("  - bà B kể lại")
@example("x" * 60 + " nói")
def test_speech_after_and_list_markers_as_plain(text: str) -> None:
    for s in {text, *(text[k:] for k in range(len(text)))}:
        assert mn._speech_after(s) == bool(_PLAIN_SPEECH_AFTER.match(s))
        assert [m.span() for m in mn._LIST_MARKER.finditer(s)] == [
            m.span() for m in _PLAIN_LIST_MARKER.finditer(s)
        ]


_STOP_PIECES = [
    *("TP.", "Tp.", "T.P.", "TPHCM.", "ông A.", "UBND.", "ABCD.", "Đ.", "x.", "tp.", "HĐND.", "(", ")", "."),
    *(" ", "  ", "\t", "\n", " \n", "\u00a0", "xã Y", "Huế", "và", "_A.", "1.", "aB."),
]
_stop_texts = st.lists(st.sampled_from(_STOP_PIECES), min_size=1, max_size=10).map("".join)


@settings(max_examples=400, deadline=None)
@given(_stop_texts)
@example("Ông A. ")
@example("TP.\u00a0")
@example("đến ABCD. ")
def test_false_stops_as_plain(text: str) -> None:
    for a in range(len(text) + 1):
        for b in (a, min(len(text), a + 2), len(text)):
            assert mn._false_stop(text, 0, a, b) == _plain_false_stop(text, 0, a, b)
            assert mn._false_stop(text, a, len(text), len(text)) == _plain_false_stop(
                text, a, len(text), len(text)
            )


# --- the development articles, when they are beside the repository -------------------------------

_dev_texts = dev_texts  # (tests/devtexts.py)


# --- the old forms --------------------------------------------------------------------------------


def _old_word_pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)")


def _all_phrases() -> list[tuple[str, re.Pattern[str]]]:
    return (
        [(k, p) for k, p, _, _ in dm._compiled()]
        + [(n, p) for n, p, _ in dm._field_names()]
        + [(n, p) for n, p, _ in dm._implied_patterns()]
    )


def _word_patterns_agree(s: str) -> None:
    for phrase, pattern in _all_phrases():
        old = _old_word_pattern(phrase)
        assert [m.span() for m in pattern.finditer(s)] == [m.span() for m in old.finditer(s)], phrase
        assert pattern.sub("#", s) == old.sub("#", s)


_OLD_CLAUSE_STOP = re.compile(r"[;:]|\.(?!\d)|,\s|\s(?:và|còn|trong đó)\s(?=\D{0,12}\d)")
_OLD_RE_QUOTES = re.compile("[“”″]")
_OLD_SINGLE_QUOTED = re.compile(r"(?<!\w)['‘]([^'‘’“”\n]{3,150}?)['’](?!\w)")


def _old_find_quotes_cached(text: str) -> tuple[mn._Quote, ...]:
    marks = [(m.start(), m.group(0)) for m in _OLD_RE_QUOTES.finditer(text)]
    quotes: list[mn._Quote] = []
    used: set[int] = set()
    for k, (i, ch) in enumerate(marks):
        if ch != mn.OPEN_Q:
            continue
        line_end = text.find("\n", i)
        line_end = len(text) if line_end < 0 else line_end
        nxt = marks[k + 1] if k + 1 < len(marks) else None
        if nxt and nxt[1] in (mn.CLOSE_Q, mn.PRIME) and nxt[0] < line_end:
            used.add(nxt[0])
            quotes.append(mn._Quote(i, nxt[0] + 1, i + 1, nxt[0], "closed"))
            continue
        quote = mn._unclosed(text, i, line_end, nxt[0] if nxt and nxt[0] < line_end else None)
        if quote:
            quotes.append(quote)
    for i, ch in marks:
        if ch == mn.CLOSE_Q and i not in used:
            quote = mn._orphan(text, i)
            if quote:
                quotes.append(quote)
    for m in _OLD_SINGLE_QUOTED.finditer(text):
        quotes.append(mn._Quote(m.start(), m.end(), m.start(1), m.end(1), "single"))
    quotes.sort(key=lambda q: q.start)
    return tuple(quotes)


def _old_scopes_cached(text: str, sentences: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    base = sorted(sentences) if sentences else mn.sentence_spans(text)
    pieces: list[tuple[int, int]] = []
    for s, e in base:
        pos = s
        for m in re.finditer(r"\n", text[s:e]):
            pieces.append((pos, s + m.start()))
            pos = s + m.end()
        pieces.append((pos, e))
    merged: list[tuple[int, int]] = []
    for s, e in pieces:
        if merged and _plain_false_stop(text, merged[-1][0], merged[-1][1], s):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return tuple((s, e) for s, e in merged if e > s)


def _quotes_and_scopes_agree(text: str, sentences: tuple[tuple[int, int], ...]) -> None:
    assert mn._find_quotes_cached.__wrapped__(text) == _old_find_quotes_cached(text)
    assert mn._scopes_cached(text, sentences) == _old_scopes_cached(text, sentences)
    stops = [m.span() for m in _OLD_CLAUSE_STOP.finditer(text)]
    assert [m.span() for m in dm._CLAUSE_STOP.finditer(text)] == stops


_QUOTE_PIECES = [
    "“",
    "”",
    "″",
    "'",
    "‘",
    "’",
    "\n",
    ";",
    ":",
    "như",
    "tổ chức",
    "Hội A",
    "x",
    "ab cd",
    " ",
    "  ",
]
_quote_texts = st.lists(st.one_of(st.sampled_from(_QUOTE_PIECES), st.sampled_from(_WORDS)), max_size=25).map(
    "".join
)


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(_quote_texts, texts),
    st.lists(st.tuples(st.integers(0, 80), st.integers(0, 80)), max_size=6),
)
@example("mô hình ‘Nhà sạch’ và “A” ″B″ ‘x’y’ “c\nd”", [])
@example("Ông A. B. đã đến. TP. Huế (nay là\nX. Y) và", [(0, 9), (9, 30), (30, 44)])
def test_quotes_scopes_and_clause_stops_as_old(text: str, sentences: list[tuple[int, int]]) -> None:
    spans = tuple((min(a, len(text)), min(b, len(text))) for a, b in sentences)
    _quotes_and_scopes_agree(text, spans)


@settings(max_examples=300, deadline=None)
@given(texts)
@example("trật tự an toàn xã hội, an ninh trật tự_an ninh; kinh tế2 kinh tế")
def test_word_patterns_as_old(text: str) -> None:
    _word_patterns_agree(dm._fold.__wrapped__(text))
    _word_patterns_agree(text)


def test_old_forms_on_dev_articles() -> None:
    for text in _dev_texts():
        sentences = tuple(mn.sentence_spans(text))
        _quotes_and_scopes_agree(text, sentences)
        _quotes_and_scopes_agree(text, ())
        index = mn._quote_index.__wrapped__(text)
        for q in index.items:
            name = text[q.name_start : q.name_end]
            assert mn.is_campaign_name.__wrapped__(name) == _plain_is_campaign_name(name)
            for start in (max(0, q.start - 120), max(0, q.start - 400), 0):
                assert mn._masked(text, index, start, q.start) == _plain_masked(
                    text, index.items, start, q.start
                )
        for s, e in sentences:
            _word_patterns_agree(dm._fold.__wrapped__(text[s:e]))


# --- session 7: fewer scans per quote and per sentence (old forms kept as references) -------------


def _old_movement_list(masked_before: str) -> bool:
    s = " ".join(masked_before.split())
    marker = mn._last_match(re.compile(r"\bnhư\b|:"), s)
    if marker is not None:
        end = marker.start()
        begin = max(s.rfind(ch, 0, end) for ch in ";.…")
        clause = s[begin + 1 : end]
    else:
        clause = s[-80:]
    clause = re.sub(r"phong trào(?: thi đua)? dân vận khéo", " ", clause)
    movement = mn._last_match(mn._MOVEMENT_NOUN, clause)
    if movement is None:
        return False
    cue = mn._last_match(mn._CUE_WORD, clause)
    if cue is None:
        return True
    if cue.start() > movement.start():
        return False
    between = clause[cue.end() : movement.start()]
    return bool(mn._GOVERNED.search(between)) or not re.search(r",|\bvà\b|\bhoặc\b", between)


def _old_direct_cue(prefix: str) -> str | None:
    m = mn._DIRECT_CUE.search(prefix)
    return m.group(1) if m and m.group(1) != "cách làm" else None


def _old_movement_names(text: str, quotes: mn._Quotes) -> set[str]:
    out: set[str] = set()
    for q in quotes.items:
        before = mn._fold(text[max(0, q.start - 40) : q.start])
        if re.search(r"(?:phong trào(?: thi đua)?|cuộc vận động|hội thi)\s*:?\s*$", before):
            out.add(mn._name_key(text[q.name_start : q.name_end]))
    return out


def _old_quote_cue(text: str, scopes: mn._Scopes, quotes: mn._Quotes, q: mn._Quote) -> str | None:
    s_start, _ = scopes.at(q.start)
    line_start = text.rfind("\n", 0, q.start) + 1
    prefix_raw = text[max(s_start, q.start - 120) : q.start]
    prefix = mn._fold(mn._masked(text, quotes, max(s_start, q.start - 120), q.start)).replace(
        mn._CAMPAIGN, "dvk"
    )
    folded_raw = mn._fold(prefix_raw)
    if mn._head_ends(mn._REJECT_BEFORE, mn._REJECT_WIDTH, folded_raw) or mn._number_ends(prefix_raw):
        return "reject"
    if mn._head_ends(mn._SPEECH_BEFORE, mn._SPEECH_WIDTH, folded_raw) or mn._speech_after(
        mn._fold(text[q.end : q.end + 70])
    ):
        return "reject"
    if q.kind != "orphan":
        cue = _old_direct_cue(prefix)
        if cue:
            return cue
    if q.kind == "single":
        return None
    after = mn._fold(text[q.end : q.end + 40])
    m = mn._POST_CUE.match(after)
    if m:
        return m.group(1)
    masked_before = mn._fold(mn._masked(text, quotes, s_start, q.start))
    if mn._list_cue(masked_before) and not _old_movement_list(masked_before):
        return "list"
    if mn._LIST_OPENER.match(masked_before) and not _old_movement_list(masked_before):
        previous = mn._previous_sentence(text, scopes.items, s_start)
        if previous and mn._CUE_WORD.search(mn._fold(mn._masked(text, quotes, *previous))):
            return "list"
    if q.kind == "closed" and not text[line_start : q.start].strip() and mn._is_caption(text, q):
        return "caption"
    return None


def _old_may_list(sentence: str) -> bool:
    if not unicodedata.is_normalized("NFC", sentence):
        sentence = unicodedata.normalize("NFC", sentence)
    low = mn._RE_QUOTES.sub(" ", sentence.lower())
    return any(w in low for w in mn._LIST_WORDS) and any(w in low for w in mn._CUE_WORDS)


def _old_list_items(text: str, quotes: mn._Quotes, start: int, end: int) -> list[tuple[int, int]]:
    inside = [False] * (end - start)
    for q in quotes.overlapping(start, end):
        for i in range(max(q.start, start), min(q.end, end)):
            inside[i - start] = True
    items: list[tuple[int, int]] = []
    depth, pos = 0, start
    for i in range(start, end):
        ch = text[i]
        if inside[i - start]:
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch in ",;" and depth == 0:
            items.append((pos, i))
            pos = i + 1
    items.append((pos, end))
    return [(s, e) for s, e in items if text[s:e].strip()]


def _old_word_starts(low: str, words: tuple[str, ...], cache: dict[str, list[int]]) -> list[int]:
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
        out.update(found)
    return sorted(out)


def _session7_forms_agree(text: str, sentences: tuple[tuple[int, int], ...]) -> None:
    scopes = mn._scopes_indexed.__wrapped__(text, sentences)
    quotes = mn._quote_index.__wrapped__(text)
    for q in quotes.items:
        assert mn._quote_cue(text, scopes, quotes, q) == _old_quote_cue(text, scopes, quotes, q)
        masked = mn._fold(mn._masked(text, quotes, scopes.at(q.start)[0], q.start))
        assert mn._movement_list(masked) == _old_movement_list(masked)
        for start in (max(0, q.start - 40), max(0, q.start - 120), 0):
            prefix = mn._fold(mn._masked(text, quotes, start, q.start))
            assert mn._direct_cue(prefix) == _old_direct_cue(prefix)
    assert mn._movement_names(text, quotes) == _old_movement_names(text, quotes)
    assert mn._may_lists(text, scopes.items) == [_old_may_list(text[s:e]) for s, e in scopes.items]
    spans = [*scopes.items, *sentences, (0, len(text))]
    assert mn._may_lists(text, spans) == [_old_may_list(text[s:e]) for s, e in spans]
    for s, e in spans:
        assert mn._list_items(text, quotes, s, e) == _old_list_items(text, quotes, s, e)
    low = text.lower()
    new_cache: dict[str, list[int]] = {}
    old_cache: dict[str, list[int]] = {}
    for words in pe._START_SPELLINGS:
        if words is not None:
            assert pe._word_starts(low, words, new_cache) == _old_word_starts(low, words, old_cache)


_S7_PIECES = [
    *("phong trào", "Phong trào thi đua", "cuộc vận động", "hội thi", "như", "như:", "gồm", ":", ";", "…"),
    *("mô hình", "cách làm", "dân vận khéo", "Dân vận khéo", "và", "hoặc", "của", "trong", "gắn với", ","),
    *("“", "”", "″", "'", "‘", "’", "(", ")", "\n", " ", "  ", ". ", "TP. ", "Ông A. ", "A", "xã Y", "12"),
    *("hoà", "thuỷ", "toả", "ΣΑΣ", "İ", "e\u0301", "nhà văn hóa", "tổ chức", "nói", "Tiêu biểu là", "năm"),
    *("trong năm qua", "từ năm 2020 đến nay", "quý II/2024", "sſu", "ıi"),
]
_s7_texts = st.lists(st.sampled_from(_S7_PIECES), min_size=1, max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(_s7_texts, _quote_texts, texts),
    st.lists(st.tuples(st.integers(0, 120), st.integers(0, 120)), max_size=8),
)
@example("Các mô hình, như: “Nhà sạch, vườn đẹp”; phong trào “Ngày thứ Bảy”, Tổ (A, B); C", [])
@example("cách làmô hình, như: A; B", [(0, 6), (6, 20)])
@example("ΣΑΣ mô hình: A, B", [])
@example("mô hình “A b c” (Hội X). TP. Huế như “D e f”", [(0, 23), (24, 28), (28, 44)])
def test_session7_forms_as_old(text: str, sentences: list[tuple[int, int]]) -> None:
    spans = tuple((min(a, len(text)), min(b, len(text))) for a, b in sentences)
    _session7_forms_agree(text, spans)
    _session7_forms_agree(text, ())


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="dân vậkhéo x", max_size=16), st.text(alphabet="abc", max_size=6), st.integers(0, 3))
@example("dân vận khéo", "", 2)
@example("dân vận khéoab", "", 2)
def test_within_edits_as_edit_distance(a: str, b: str, most: int) -> None:
    for x, y in ((a, mn._CAMPAIGN), (a, b), (b, a)):
        assert mn._within_edits(x, y, most) == (mn._edit_distance(x, y) <= most)


def test_session7_forms_on_dev_articles() -> None:
    for text in _dev_texts():
        _session7_forms_agree(text, tuple(mn.sentence_spans(text)))
        _session7_forms_agree(text, ())


# --- session 8: heads read by str.endswith, fewer searches per quote (old forms kept) ------------


def _old_list_cue(masked_before: str) -> str | None:
    s = masked_before
    cut = max(s.rfind("…"), s.rfind("..."))
    if cut >= 0:
        s = s[cut + 1 :]
    for m in mn._LIST_MARKER.finditer(s):
        head = s[: m.start()]
        if mn._CUE_WORD.search(head):
            return "list"
        if m.group(0).startswith(("như", "gồm", "bao gồm")) and re.search(
            r"(?<!\w)chương trình(?!\w)|dân vận khéo\s*,?\s*$", head
        ):
            return "list"
    return None


def _old_name_rejected(name: str, direct: bool = False) -> bool:
    key = mn._name_key(name)
    if mn._syllables(name) < mn._MIN_SYLLABLES or mn._syllables(name) > mn._MAX_SYLLABLES:
        return True
    if mn.is_campaign_name(name) or mn._is_motto(name, direct) or mn._is_saying(name):
        return True
    if mn._HOUSE_TYPES.match(key) or any(p.match(key) for p in mn._TITLE_PATTERNS):
        return True
    for phrase in mn._MOVEMENT_PHRASES:
        i = key.find(phrase)
        if i >= 0 and not mn._FRAME_BEFORE.search(key[:i]):
            return True
    if any(key == p or key.endswith(" " + p) for p in mn._MOVEMENT_ENDINGS):
        return True
    return bool(mn._NOT_A_MODEL_START.match(key))


def _heads_agree(s: str) -> None:
    assert mn._reject_head_ends(s) == bool(_PLAIN_REJECT_BEFORE.search(s)), repr(s)
    assert mn._speech_head_ends(s) == bool(_PLAIN_SPEECH_BEFORE.search(s)), repr(s)


_DOC_HEADS = [
    *("kế hoạch số ", "chỉ thị của ", "nghị quyết số", "công văn của", " số ", " của ", "đề án số  "),
    *("12/KH-UBND", "x" * 20, "ngày 3", "“", "”", ",", ";", ".", ":", " ", "\n", "\u00a0", "a:b"),
    *("phong trào", " thi đua", " yêu nước", "gắn với", " việc", " thực hiện", "cuộc thi viết", "trang"),
]
_doc_head_texts = st.lists(
    st.one_of(st.sampled_from(_DOC_HEADS), st.sampled_from(_HEADS), st.sampled_from(_TAILS)),
    min_size=1,
    max_size=10,
).map("".join)


@settings(max_examples=600, deadline=None)
@given(st.one_of(_doc_head_texts, _head_texts, texts))
@example("kế hoạch số 12/KH-UBND ngày 3 tháng 5 năm 2024 của UBND tỉnh:")
@example("kế hoạch số 12:: :")
@example("kế hoạch số ::")
@example("kế hoạch số " + "x" * 38 + ": :")
@example("kế hoạch số " + "x" * 41)
@example("chỉ thị của ABC, :")
@example("phong trào thi đua yêu nước : ")
@example("gắn với việc thực hiện\n")
@example("nói: :")
def test_heads_by_endings_as_patterns(text: str) -> None:
    for s in {text, *(text[k:] for k in range(len(text))), *(text[:k] for k in range(len(text)))}:
        _heads_agree(s)
        _heads_agree(mn._fold(s))


def test_head_endings_are_the_patterns_words() -> None:
    # every ending is a whole match of its pattern
    for word in mn._REJECT_ENDINGS:
        assert _PLAIN_REJECT_BEFORE.fullmatch(word), word
    for word in mn._SPEECH_WORDS:
        assert _PLAIN_SPEECH_BEFORE.fullmatch(word + ":"), word
    # and the other way: each head of the pattern, written out, is an ending
    heads = re.sub(r"\(\?: \(\?:số\|của\) \[\^“”,;\.\]\{0,40\}\)\?", "", mn._REJECT_HEADS)
    for word in re.findall(r"(?<=[(|])([^|()?]+)(?=[|)])", heads):
        if not word.startswith((" ", "?")):  # (the optional parts: " thi đua", " việc", …)
            assert word.endswith(mn._REJECT_ENDINGS), word  # ("các cuộc vận động": "cuộc vận động")


@settings(max_examples=400, deadline=None)
@given(st.one_of(_s7_texts, _after_texts, texts))
@example("các chương trình như “A”")
@example("phong trào dân vận khéo, như")
@example("mô hình… như")
def test_list_cue_and_name_rejected_as_old(text: str) -> None:
    for s in {text, *(text[k:] for k in range(len(text)))}:
        folded = mn._fold(s)
        assert mn._list_cue(folded) == _old_list_cue(folded)
    for direct in (False, True):
        assert mn._name_rejected.__wrapped__(text, direct) == _old_name_rejected(text, direct)


def test_session8_forms_on_dev_articles() -> None:
    for text in _dev_texts():
        scopes = mn._scopes_indexed.__wrapped__(text, tuple(mn.sentence_spans(text)))
        quotes = mn._quote_index.__wrapped__(text)
        for q in quotes.items:
            s_start, _ = scopes.at(q.start)
            for start in (max(s_start, q.start - 120), s_start, max(0, q.start - 60)):
                _heads_agree(mn._fold(text[start : q.start]))
                masked = mn._fold(mn._masked(text, quotes, start, q.start))
                assert mn._list_cue(masked) == _old_list_cue(masked)
            name = " ".join(text[q.name_start : q.name_end].split())
            for direct in (False, True):
                assert mn._name_rejected.__wrapped__(name, direct) == _old_name_rejected(name, direct)
        for s, e in scopes.items:
            for k in range(s, e, 7):
                _heads_agree(mn._fold(text[s:k]))
