"""The four fields of the "Dân vận khéo" campaign, judged from keywords.

Articles file models and figures under four fields: ``economy`` (kinh tế),
``culture_society`` (văn hóa - xã hội), ``defense_security`` (quốc phòng - an
ninh) and ``political_system`` (xây dựng hệ thống chính trị).  This module
holds a small weighted lexicon of general keywords per field and three pure
functions over it:

* :func:`domain_scores` sums the weights of the keywords found in a text;
* :func:`classify_domain` judges a model from its name first, then from the
  sentence or heading it sits under (a field named there outright weighs most);
* :func:`stated_domain` reads the field a sentence names ("trong lĩnh vực kinh
  tế", "về quốc phòng, an ninh") or clearly implies ("đạt chuẩn nông thôn mới").

Conventions (gold NOTES): new rural areas (NTM), poverty reduction and land
donation for roads are economy; social evils (drugs included), welfare, health, schooling,
environment and COVID-19 are culture_society; self-managed security groups,
cameras, fire safety, reintegration of offenders and borders are
defense_security; administrative reform, cadres serving people, party
cells and feedback channels are political_system.

Matching is on lower-cased text with the tone placement folded (``uỷ`` →
``ủy``, ``hoà`` → ``hòa``) and dashes unified; longer phrases are matched
first and consume their words, so "trật tự an toàn xã hội" counts once for
defense_security and not again as "xã hội".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from corpus.normalize import fold_tone_marks
from extractors.regex_speed import compiled, with_first_chars

__all__ = ["DOMAINS", "classify_domain", "domain_scores", "stated_domain"]

DOMAINS = ("economy", "culture_society", "defense_security", "political_system")
ECO, CUL, DEF, POL = DOMAINS

# keyword -> weight, per field.  General vocabulary of the fields, not names of particular models.
_LEXICON: dict[str, dict[str, float]] = {
    ECO: {
        "kinh tế": 2,
        "phát triển kinh tế": 2.5,
        "sản xuất": 2,
        "kinh doanh": 1.5,
        "làm giàu": 2,
        "giảm nghèo": 2,
        "xóa đói": 2,
        "thoát nghèo": 2,
        "hộ nghèo": 2,
        "nghèo": 1,
        "no đủ": 2,
        "ấm no": 1.5,
        "sinh kế": 2,
        "thu nhập": 1.5,
        "việc làm": 1.5,
        "nông thôn mới": 3,
        "ntm": 3,
        "xdntm": 3,
        "nông thôn": 1,
        "hợp tác xã": 2,
        "htx": 2,
        "tổ hợp tác": 2,
        "trang trại": 2,
        "gia trại": 2,
        "làng nghề": 2,
        "chăn nuôi": 2,
        "trồng trọt": 2,
        "cây trồng": 2,
        "vật nuôi": 2,
        "con giống": 1.5,
        "giống": 1,
        "trồng": 1,
        "nông nghiệp": 2,
        "nông dân": 1,
        "nông sản": 2,
        "lúa": 1.5,
        "ngô": 1.5,
        "chè": 1.5,
        "cà phê": 1.5,
        "cây ăn quả": 2,
        "cây ăn trái": 2,
        "rau màu": 1.5,
        "màu": 0.5,
        "ruộng": 1.5,
        "vườn": 1,
        "vườn tạp": 2,
        "cánh đồng": 2,
        "thâm canh": 2,
        "tăng vụ": 2,
        "bò": 1,
        "heo": 1,
        "lợn": 1,
        "gà": 1,
        "dê": 1,
        "trâu": 1,
        "tôm": 1.5,
        "cá": 1,
        "nuôi": 0.8,
        "thủy sản": 2,
        "nghề cá": 2,
        "nấm": 1.5,
        "ong": 1,
        "khuyến nông": 2,
        "phân bón": 1.5,
        "giao thông": 1.5,
        "giao thông nông thôn": 2.5,
        "làm đường": 2,
        "mở đường": 2,
        "đường": 0.5,
        "bê tông": 1.5,
        "bê-tông": 1.5,
        "cầu": 0.8,
        "kênh mương": 1.5,
        "thủy lợi": 2,
        "hạ tầng": 1.5,
        "hiến đất": 2,
        "mặt bằng": 2,
        "giải phóng mặt bằng": 2.5,
        "gpmb": 2.5,
        "thi công": 1.5,
        "tiết kiệm": 1.5,
        "vốn": 1.5,
        "vay": 1,
        "tín dụng": 1.5,
        "doanh nghiệp": 1,
        "khởi nghiệp": 2,
        "thương mại": 1.5,
        "chợ": 1,
        "chuyển đổi cơ cấu": 2,
        "cơ cấu": 1,
        "khoa học kỹ thuật": 1.5,
        "điện": 0.5,
        "đường điện": 1.5,
        "chi phí": 0,
        "chi trả": 0,
        "chi tiêu": 0,
        "chi nhánh": 0,
        "chi cục": 0,
        "ocop": 2,
        "tiêu thụ": 1.5,
        "năng suất": 1.5,
        "rừng": 1,
        "đất": 0.5,
        "nghề": 1,
        "tiền mặt": 1,
    },
    CUL: {
        "văn hóa": 2,
        "văn hóa đọc": 2.5,
        "xã hội": 1,
        "an sinh": 2,
        "an sinh xã hội": 2.5,
        "môi trường": 1.5,
        "bảo vệ môi trường": 2.5,
        "vệ sinh môi trường": 2.5,
        "rác": 2,
        "rác thải": 2.5,
        "vệ sinh": 2,
        "nhà vệ sinh": 2,
        "xanh - sạch - đẹp": 2.5,
        "xanh, sạch, đẹp": 2.5,
        "sạch đẹp": 2,
        "cây xanh": 1.5,
        "hàng cây": 1.5,
        "hoa": 1,
        "bồn hoa": 1.5,
        "vườn hoa": 1.5,
        "sân chơi": 1.5,
        "giáo dục": 2,
        "học sinh": 2,
        "trường học": 2,
        "tới trường": 2.5,
        "đến trường": 2.5,
        "trường": 1,
        "tiết học": 2,
        "khuyến học": 2,
        "học tập": 1,
        "đọc": 1,
        "sách": 1,
        "thư viện": 1.5,
        "y tế": 2,
        "sức khỏe": 2,
        "khám": 1.5,
        "phòng khám": 2,
        "khám bệnh": 2,
        "hiệu thuốc": 2,
        "thuốc": 1,
        "bệnh": 1.5,
        "bhyt": 2.5,
        "bảo hiểm y tế": 2.5,
        "bhxh": 2.5,
        "bảo hiểm xã hội": 2.5,
        "hiến máu": 2.5,
        "chủ nhật hồng": 2,
        "chủ nhật đỏ": 2,
        "tình thương": 1.5,
        "nghĩa tình": 1.5,
        "nhân ái": 1.5,
        "từ thiện": 1.5,
        "thiện nguyện": 1.5,
        "tình nguyện": 1,
        "người nghèo": 1,
        "người cao tuổi": 1.5,
        "trẻ em": 1.5,
        "con nuôi": 1.5,
        "mồ côi": 1.5,
        "khuyết tật": 1.5,
        "gia đình": 0.8,
        "bình đẳng giới": 2,
        "bạo lực gia đình": 2,
        "tệ nạn": 2.5,
        "tệ nạn xã hội": 3,
        "hủ tục": 2,
        "nếp sống": 1.5,
        "văn minh": 0.5,
        "đô thị văn minh": 0.5,
        "du lịch": 1,
        "cộng đồng": 1,
        "lễ hội": 1.5,
        "thể thao": 1.5,
        "thể dục": 1.5,
        "văn nghệ": 1,
        "thực phẩm": 2,
        "nước sạch": 1.5,
        "chăm lo": 1,
        "đền ơn đáp nghĩa": 2,
        "gia đình chính sách": 2,
        "bảo trợ": 1.5,
        "gạo": 0.5,
        "bánh mì": 0.5,
        "nhà tình thương": 2.5,
        "nhà tình nghĩa": 2.5,
        "nhà đại đoàn kết": 2.5,
        "nhà nhân ái": 2.5,
        "nhà tạm": 2,
        "nhà ở": 1,
        "covid": 3,
        "covid-19": 3,
        "dịch bệnh": 2,
        "phòng, chống dịch": 2.5,
        "dịch": 1.5,
        "ma túy": 1,
        "dân số": 1.5,
        "phụ nữ": 0.3,
        "sạch": 1,
        "đẹp": 0.5,
        "xanh": 0.5,
        "ni lông": 2,
        "nilon": 2,
        "túi ni lông": 2,
        "nhựa": 1.5,
        "rác thải nhựa": 2.5,
        "nước thải": 2,
        "sẻ chia": 1.5,
        "quyên góp": 1,
        "quần áo": 1.5,
        "áo ấm": 1.5,
        "áo": 0.5,
        "nuôi dạy": 2,
        "tương thân tương ái": 2,
        "nhân đạo": 1.5,
    },
    DEF: {
        "an ninh": 2.5,
        "an ninh trật tự": 3,
        "antt": 3,
        "trật tự": 2,
        "trật tự an toàn xã hội": 3,
        "an ninh chính trị": 3,
        "quốc phòng": 2.5,
        "an toàn": 1.5,
        "an toàn giao thông": 2.5,
        "atgt": 2.5,
        "bình yên": 1.5,
        "bình an": 1.5,
        "tự quản": 2,
        "liên gia": 2,
        "camera": 2.5,
        "công an": 2,
        "cảnh sát": 2,
        "bảo vệ": 1,
        "dân phòng": 2,
        "tuần tra": 2,
        "phòng cháy": 2.5,
        "chữa cháy": 2.5,
        "pccc": 2.5,
        "cháy nổ": 2,
        "tội phạm": 2.5,
        "tố giác": 2,
        "biểu tình": 2.5,
        "khiếu kiện": 1.5,
        "lầm lỡ": 2.5,
        "hoàn lương": 2.5,
        "tái hòa nhập": 2.5,
        "cảm hóa": 2,
        "chấp hành xong án": 2.5,
        "đặc xá": 2.5,
        "pháp luật": 1,
        "vi phạm": 1,
        "biên giới": 1.5,
        "biên cương": 1,
        "biên phòng": 1,
        "cột mốc": 2,
        "đường biên": 2,
        "chủ quyền": 2,
        "biển đảo": 1.5,
        "quân sự": 1.5,
        "quân đội": 1,
        "dân quân": 2,
        "tự vệ": 1.5,
        "nghĩa vụ quân sự": 2.5,
        "tuyển quân": 2.5,
        "mạng xã hội": 1,
        "an ninh mạng": 3,
        "tin giả": 2,
        "tà đạo": 2.5,
        "đạo lạ": 2.5,
        "thế trận": 2,
        "bảo vệ tổ quốc": 2.5,
    },
    POL: {
        "cải cách hành chính": 3,
        "cchc": 3,
        "hành chính": 2,
        "thủ tục": 2,
        "một cửa": 2,
        "dịch vụ công": 2.5,
        "chính quyền": 1.5,
        "chính quyền số": 2,
        "cán bộ": 1.5,
        "công chức": 2,
        "viên chức": 1.5,
        "cb, cc, vc": 2.5,
        "đảng viên": 1.5,
        "chi bộ": 1,
        "chi": 1,
        "chi hội": 1,
        "chi đoàn": 1,
        "đảng": 1.5,
        "tổ chức đảng": 2.5,
        "xây dựng đảng": 2.5,
        "hệ thống chính trị": 2.5,
        "tiếp dân": 2.5,
        "tiếp công dân": 2.5,
        "đối thoại": 2,
        "dân chủ": 2,
        "quy chế dân chủ": 2.5,
        "phản ánh": 1.5,
        "kiến nghị": 1.5,
        "góp ý": 1.5,
        "giám sát": 1.5,
        "phản biện": 1.5,
        "đoàn viên": 1,
        "hội viên": 0.5,
        "mặt trận": 1,
        "mttq": 1,
        "đoàn thể": 1,
        "phục vụ nhân dân": 2,
        "phục vụ người dân": 2,
        "công vụ": 2,
        "kỷ cương": 1.5,
        "tham nhũng": 2,
        "lãng phí": 1.5,
        "chuyển đổi số": 1,
        "điện tử": 1,
        "dân vận chính quyền": 2.5,
        "học tập và làm theo": 1.5,
        "nghị quyết": 1,
        "cơ quan": 0.5,
    },
}

# Phrases that name a field outright, as in "trên lĩnh vực văn hóa - xã hội".
_FIELD_NAMES: dict[str, tuple[str, ...]] = {
    ECO: ("phát triển kinh tế", "kinh tế", "sản xuất", "nông nghiệp"),
    CUL: ("văn hóa - xã hội", "văn hóa, xã hội", "văn hóa xã hội", "văn hóa", "an sinh xã hội"),
    DEF: (
        "quốc phòng - an ninh",
        "quốc phòng, an ninh",
        "quốc phòng an ninh",
        "an ninh - quốc phòng",
        "an ninh, quốc phòng",
        "quốc phòng an - ninh",
        "quốc phòng",
        "an ninh trật tự",
        "an ninh",
    ),
    POL: ("xây dựng hệ thống chính trị", "hệ thống chính trị", "xây dựng đảng", "xây dựng chính quyền"),
}
# "kinh tế - xã hội" is the socio-economic pair: two fields when a head governs it, else no field.
_SOCIO_ECONOMIC = re.compile(r"kinh tế\s*[-,]?\s*xã hội")
# A field named right after one of these heads counts as stated.
_FIELD_HEAD = re.compile(r"(?:lĩnh vực|trong công tác|thuộc về|về)\s*:?\s*$")
# "lĩnh vực: A, B và C": a head governing a short list of field names.
_FIELD_LIST_HEAD = re.compile(r"lĩnh vực\s*:?\s*([^.;:]*)$")
# Phrases that imply one field on their own (for figures that do not name the field).
_IMPLIED: dict[str, tuple[str, ...]] = {
    ECO: (
        "nông thôn mới",
        "ntm",
        "xdntm",
        "hộ nghèo",
        "giảm nghèo",
        "thoát nghèo",
        "hợp tác xã",
        "làng nghề",
        "trang trại",
        "giao thông nông thôn",
        "đường giao thông",
        "tuyến đường",
        "bê tông hóa",
        "kênh mương",
        "hiến đất",
        "ngày công",
        "cây ăn quả",
        "cây trồng",
        "sản xuất kinh doanh giỏi",
    ),
    CUL: (
        "nhà đại đoàn kết",
        "nhà tình thương",
        "nhà tình nghĩa",
        "nhà tạm",
        "nhà chính sách",
        "nhà dân",
        "căn nhà",
        "an sinh xã hội",
        "công trình vệ sinh",
        "bảo hiểm y tế",
        "bhyt",
        "học sinh",
        "phòng học",
        "nhà bán trú",
        "rác thải",
        "vệ sinh môi trường",
    ),
    DEF: ("an ninh trật tự", "antt", "trật tự an toàn xã hội", "phòng cháy", "tội phạm", "camera an ninh"),
    POL: (
        "cải cách hành chính",
        "thủ tục hành chính",
        "hồ sơ",
        "đảng viên",
        "tổ chức đảng",
        "tổ chức đoàn thể",
    ),
}

_CONTEXT_WEIGHT = 0.25  # keywords of the surrounding sentence, against 1.0 for the name
_STATED_WEIGHT = 2.5  # a field named outright in the context
_MIN_SCORE = 0.5


@lru_cache(maxsize=8192)
def _fold(text: str) -> str:
    """Lower case, NFC, tone placement folded as the cleaner does, dashes unified, spaces collapsed."""
    s = unicodedata.normalize("NFC", text)
    s = fold_tone_marks(s).lower()
    s = compiled(r"[\u2010-\u2015\u2212]").sub("-", s)
    if "-" in s:  # (no dash, nothing to space)
        s = compiled(r"\s*-\s*").sub(" - ", s)
    return " ".join(s.split())


@lru_cache(maxsize=1)
def _compiled() -> list[tuple[str, re.Pattern[str], str, float]]:
    """(keyword, pattern, field, weight) for every keyword, longest first."""
    entries = [(_fold(k), d, w) for d, table in _LEXICON.items() for k, w in table.items()]
    entries.sort(key=lambda e: -len(e[0]))
    return [(k, _word_pattern(k), d, w) for k, d, w in entries]


def _word_pattern(phrase: str) -> re.Pattern[str]:
    """``phrase`` as a whole-word pattern: the matches of ``(?<!\\w)phrase(?!\\w)``.

    The phrase comes first so that ``re`` finds its occurrences as it finds a literal (a
    pattern opening with a look-behind is tried at every character: most of the time of
    keyword scoring); the look-behind after it, one character wider than the phrase, says the
    character before the phrase is no word character (or there is none)."""
    lit = re.escape(phrase)
    return re.compile(rf"{lit}(?<!\w{lit})(?!\w)")


def domain_scores(text: str) -> dict[str, float]:
    """Weighted keyword evidence for each field in ``text`` (every field present, 0.0 when none).

    A keyword counts once per occurrence; a longer phrase consumes the words it
    covers ("an toàn xã hội" inside "trật tự an toàn xã hội" is not counted again).
    """
    return dict(_domain_scores(text))


@lru_cache(maxsize=1)
def _by_first_word() -> tuple[dict[str, tuple[int, ...]], tuple[int, ...]]:
    """The positions in :func:`_compiled` of the keywords by their first word; those with no word apart."""
    index: dict[str, list[int]] = {}
    wordless: list[int] = []
    for i, (keyword, _, _, _) in enumerate(_compiled()):
        first = compiled(r"\w+").search(keyword)
        if first:
            index.setdefault(first.group(0), []).append(i)
        else:
            wordless.append(i)
    return {w: tuple(ids) for w, ids in index.items()}, tuple(wordless)


def _candidates(s: str) -> list[int]:
    """The keywords (positions in :func:`_compiled`, in order) that may occur in the folded ``s``.

    A keyword matches as a whole word, so its first word is a whole word of ``s``: every word
    of ``s`` stays one, or is blanked, as longer phrases are blanked (they too are whole words).
    """
    index, wordless = _by_first_word()
    found = {i for w in set(compiled(r"\w+").findall(s)) for i in index.get(w, ())}
    return sorted(found.union(wordless))


@lru_cache(maxsize=4096)
def _domain_scores(text: str) -> tuple[tuple[str, float], ...]:
    scores = dict.fromkeys(DOMAINS, 0.0)
    s = _fold(text)
    entries = _compiled()
    for keyword, pattern, field, weight in (entries[i] for i in _candidates(s)):
        if keyword not in s:  # a cheap substring test before the regular expression
            continue
        hits = len(pattern.findall(s))
        if hits:
            scores[field] += weight * hits
            s = pattern.sub(lambda m: "\x00" * len(m.group(0)), s)
    return tuple(scores.items())


def _field_mentions(sentence: str) -> list[tuple[int, int, str]]:
    """(start, end, field) in the folded sentence for every field it names under a head ("lĩnh vực", "về")."""
    return list(_field_mentions_cached(sentence))


@lru_cache(maxsize=4096)
def _field_mentions_cached(sentence: str) -> tuple[tuple[int, int, str], ...]:
    s = _fold(sentence)
    found: list[tuple[int, int, str]] = []
    if "kinh tế" in s:  # (every match holds it: with none, nothing to find or blank)
        for m in _SOCIO_ECONOMIC.finditer(s):
            if _is_stated(s, m.start()):
                found += [(m.start(), m.end(), ECO), (m.start(), m.end(), CUL)]
        s = _SOCIO_ECONOMIC.sub(lambda m: "\x00" * len(m.group(0)), s)
    taken: list[bool] = []  # made at the first field name found (most sentences name none)
    for name, pattern, field in _field_names():
        if name not in s:
            continue
        if not taken:
            taken = [False] * len(s)
        for m in pattern.finditer(s):
            if any(taken[m.start() : m.end()]):
                continue
            taken[m.start() : m.end()] = [True] * (m.end() - m.start())
            if _is_stated(s, m.start()):
                found.append((m.start(), m.end(), field))
    return tuple(sorted(found))


def _without_field_names(text: str) -> str:
    """The folded text with the fields it names under a head blanked (they are not topic keywords)."""
    s = _fold(text)
    for start, end, _ in _field_mentions(text):
        s = s[:start] + " " * (end - start) + s[end:]
    return s


@lru_cache(maxsize=1)
def _field_names() -> list[tuple[str, re.Pattern[str], str]]:
    names = sorted(((_fold(n), d) for d, ns in _FIELD_NAMES.items() for n in ns), key=lambda e: -len(e[0]))
    return [(n, _word_pattern(n), d) for n, d in names]


def _is_stated(s: str, pos: int) -> bool:
    """A field name counts when a head governs it, directly or through a short list of field names."""
    before = s[max(0, pos - 80) : pos]
    if _FIELD_HEAD.search(before):
        return True
    m = _FIELD_LIST_HEAD.search(before)
    return bool(m) and len(m.group(1).split()) <= 12


_CLAUSE_STOP_PLAIN = re.compile(r"[;:]|\.(?!\d)|,\s|\s(?:và|còn|trong đó)\s(?=\D{0,12}\d)")
# the same matches, found faster: ``re`` skips to the characters a stop starts with
_CLAUSE_STOP = with_first_chars(_CLAUSE_STOP_PLAIN)
assert _CLAUSE_STOP is not _CLAUSE_STOP_PLAIN


def stated_domain(sentence: str, at: int | None = None) -> str | None:
    """The one field a sentence names ("trong lĩnh vực kinh tế") or clearly implies, else None.

    Named fields win: when the sentence names exactly one field that is the
    answer, when it names several there is none.  With no field named, a short
    list of phrases that belong to one field ("đạt chuẩn nông thôn mới",
    "nhà đại đoàn kết", "cải cách hành chính") decides, again only when all of
    them point to the same field.

    ``at``, an offset into ``sentence`` (where a number stands), first asks the
    number's own clause: in "20 mô hình thuộc lĩnh vực kinh tế, 7 mô hình
    thuộc lĩnh vực văn hóa" each count gets its field.
    """
    if at is not None:
        start, end = _clause_around(sentence, at)
        found = _stated_in(sentence[start:end])
        if found is not None:
            return found
    return _stated_in(sentence)


def _clause_around(sentence: str, at: int) -> tuple[int, int]:
    """The clause of ``sentence`` holding offset ``at``: between ",", ";", ":" or "và <number>"."""
    start = 0
    for m in _CLAUSE_STOP.finditer(sentence, 0, max(0, at)):
        start = m.end()
    m = _CLAUSE_STOP.search(sentence, min(len(sentence), at + 1))
    return start, (m.start() if m else len(sentence))


@lru_cache(maxsize=4096)  # a sentence with several figures is asked once for each
def _stated_in(text: str) -> str | None:
    if _field_mentions(text):
        return _named_field(text)
    s = _fold(text)
    implied = {field for phrase, pattern, field in _implied_patterns() if phrase in s and pattern.search(s)}
    return next(iter(implied)) if len(implied) == 1 else None


@lru_cache(maxsize=1)
def _implied_patterns() -> list[tuple[str, re.Pattern[str], str]]:
    return [
        (_fold(p), _word_pattern(_fold(p)), field) for field, phrases in _IMPLIED.items() for p in phrases
    ]


def classify_domain(name: str, context: str = "") -> str | None:
    """The field a model serves: its name's keywords first, then its context.

    ``context`` is the sentence the model is named in (other models' names
    blanked out), on its last line; earlier lines are what it is listed under
    (the sentence before, a heading).  A field named outright ("trên lĩnh vực
    quốc phòng, an ninh") in the sentence, or failing that in the lines before,
    adds a strong vote; the keywords of the sentence add a weak one.  Ties go to
    the field whose keyword comes first in the name; None when nothing points
    anywhere.
    """
    total = domain_scores(name)
    lines = [line for line in context.split("\n") if line.strip()]
    if lines:
        near, far = lines[-1], " ".join(lines[:-1])
        stated = _named_field(near) or (_named_field(far) if far else None)
        if stated is not None:
            total[stated] += _STATED_WEIGHT
        for field, value in domain_scores(_without_field_names(near)).items():
            total[field] += _CONTEXT_WEIGHT * value
    best = max(total.values())
    if best < _MIN_SCORE:
        return None
    leaders = [d for d in DOMAINS if total[d] == best]
    if len(leaders) == 1:
        return leaders[0]
    return _first_in(name, leaders) or leaders[0]


def _named_field(text: str) -> str | None:
    """The one field ``text`` names outright under a head, else None."""
    named = {field for _, _, field in _field_mentions(text)}
    return next(iter(named)) if len(named) == 1 else None


def _first_in(name: str, fields: list[str]) -> str | None:
    """Among ``fields``, the one with a keyword earliest in ``name``."""
    s = _fold(name)
    best: tuple[int, str] | None = None
    for keyword, pattern, field, _ in _compiled():
        if field not in fields or keyword not in s:  # (a match holds the keyword)
            continue
        m = pattern.search(s)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), field)
    return best[1] if best else None
