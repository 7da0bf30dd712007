"""Attachment: give each statistic and model the unit and the period that the context gives.

A number rarely has its unit and period in its own clause.  The rules, in order:

* unit: the first unit mention before the number in its sentence (the subject,
  measured better than the nearest; not one that only locates: "tại xã X", an aside
  in parentheses); else the first one in the earlier sentences of
  its paragraph; for a model, else the topic of the paragraphs before (the last
  unit that opened a paragraph: stacked reports list each unit's models under
  it); else the article's main unit (a figure with no unit near it is the
  article's own: measured on the development set, inheriting topics lost 2 points
  of unit accuracy for statistics and gained 30 for models).
* period: a time expression in the number's sentence (the nearest before it, unless
  it only closes an earlier figure's noun phrase and one follows the number in its
  clause; else the first after it); else the last one in its paragraph; else the
  period the headline names; else the first one its lede (the paragraph after the
  headline) names.  "Đến nay" with no start gives no period, except right after a
  sentence framed by a year, which it continues; a stock ("hiện duy trì", "nâng tổng
  số ... lên") has none.  Relative expressions ("năm qua", "Sau 10 năm triển khai")
  are counted back from the event year named nearby, or from the article's date.
  Awards, and those taking part in an event, take the event's year where neither
  their sentence nor their paragraph dates them (SCHEMA.md / NOTES.md: "Dịp này").

Pure functions over offsets; the unit mentions come from :mod:`extractors.units`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from extractors.periods import PeriodMention, resolve_relative, year_of
from extractors.regex_speed import compiled, with_first_chars


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


def paragraphs_of(text: str) -> list[tuple[int, int]]:
    """Paragraph spans: the non-empty lines of the cleaned text."""
    return list(_paragraphs(text))  # a list of its own for each caller


@lru_cache(maxsize=4)  # the models and the statistics components ask for the same article in turn
def _paragraphs(text: str) -> tuple[tuple[int, int], ...]:
    return tuple((m.start(), m.end()) for m in compiled(r"[^\n]+").finditer(text))


def _containing(spans: Sequence[tuple[int, int]], pos: int) -> int:
    for i, (s, e) in enumerate(spans):
        if s <= pos < e:
            return i
    return max(0, len([1 for s, _e in spans if s <= pos]) - 1)


# --- periods -------------------------------------------------------------------


@dataclass(slots=True)
class PeriodContext:
    text: str
    sentences: Sequence[tuple[int, int]]
    paragraphs: Sequence[tuple[int, int]]
    periods: Sequence[PeriodMention]
    article_year: int | None
    title_period: str | None


def anchor_year_at(ctx: PeriodContext, pos: int) -> int | None:
    """The event year a relative expression at ``pos`` counts from: the last explicit
    year or range end named before it, else the article's year, else the first single
    year the article names after it (the year of the event it reports)."""
    best = None
    for p in ctx.periods:
        if p.start >= pos:
            break
        if p.value and p.kind in ("year", "range"):
            best = year_of(p.value)
    if best or ctx.article_year:
        return best or ctx.article_year
    later = [p for p in ctx.periods if p.start >= pos and p.kind == "year"]
    return year_of(later[0].value) if later else None


def _resolved(ctx: PeriodContext, p: PeriodMention) -> str | None:
    if p.kind in ("cumulative", "total"):
        return None
    if p.value is not None:
        return p.value
    if p.kind == "relative" and p.relative_years:
        # "5 năm qua" right after "giai đoạn 2011-2015" is that range
        prior = [q for q in ctx.periods if q.start < p.start and q.value and q.kind == "range"]
        for q in reversed(prior):
            a, b = (int(x) for x in q.value.split("-"))
            if b - a in (p.relative_years, p.relative_years - 1):
                return q.value
    return resolve_relative(p, anchor_year_at(ctx, p.start))


# Who takes part in an event (a meeting, a contest) is counted at the event: its year.
_ATTENDS_PLAIN = re.compile(r"(?i)(?<![\wÀ-ỹ])(?:tham\s+dự|về\s+dự|dự\s+thi)(?![\wÀ-ỹ])")
# the same matches, found faster: ``re`` skips to the letters a match starts with (the
# look-behind in front hid them, so the pattern was tried at every character of the sentence)
_ATTENDS = with_first_chars(_ATTENDS_PLAIN)
assert _ATTENDS is not _ATTENDS_PLAIN


def attends_event(text: str, sentence: tuple[int, int]) -> bool:
    """Whether a sentence counts the people or entries taking part in an event
    ("... về tham dự buổi gặp mặt", "213 tác phẩm dự thi")."""
    s_start, s_end = sentence
    if not any(_may_end_or_start_attends(text, d, s_start, s_end) for d in _DU):
        return False  # no "dự" a match could hold: no search through the sentence
    return bool(_ATTENDS.search(text, s_start, s_end))


# Every match of ``_ATTENDS`` holds "dự" (as ``re`` pairs letters case-blindly: "d"/"D", "ự"/"Ự")
# with no letter or digit right after it: it ends there ("tham dự", "về dự") or spaces follow
# ("dự thi").  "dựng", "dự án" aside, few sentences have one.
_DU = ("dự", "Dự", "dỰ", "DỰ")
_WORD_CHAR = re.compile(r"(?i)[\wÀ-ỹ]")  # case-blind, as the look-ahead it stands for
assert all(_ATTENDS_PLAIN.fullmatch(w) for w in ("tham dự", "về DỰ", "Dự thi"))


def _may_end_or_start_attends(text: str, du: str, start: int, end: int) -> bool:
    """Whether ``du`` stands in ``text[start:end]`` where a match of ``_ATTENDS`` could hold it:
    not followed by a word character (at ``end`` the search sees the end of its text)."""
    i = text.find(du, start, end)
    while i >= 0:
        after = i + len(du)
        if after >= end or _WORD_CHAR.match(text, after) is None:
            return True
        i = text.find(du, i + 1, end)
    return False


def period_at(ctx: PeriodContext, pos: int, sentence: int, event: bool = False) -> str | None:
    """The period of a number at ``pos`` in sentence ``sentence``.

    ``event``: the number counts awards given at one event (or, found here, those taking
    part in it).  A period its own sentence or paragraph names still wins ("tặng giấy khen
    cho 14 tập thể ... giai đoạn 2009-2019"); otherwise it takes the event's year, not the
    span the headline or lede reviews: a single year the headline or lede names, else the
    article's date, else the last year of the reviewed span, else the first year the
    article names."""
    event = event or attends_event(ctx.text, ctx.sentences[sentence])
    period, source = _period_at(ctx, pos, sentence)
    if not event or source in ("sentence", "paragraph"):
        return period
    if source in ("title", "lede") and period is not None and compiled(r"\d{4}").fullmatch(period):
        return period
    if ctx.article_year:
        return str(ctx.article_year)
    if period is not None:
        return str(year_of(period))
    years = [p for p in ctx.periods if p.kind == "year"]
    return years[0].value if years else None


def _period_at(ctx: PeriodContext, pos: int, sentence: int) -> tuple[str | None, str | None]:
    """The period and where it came from: sentence, paragraph, title, lede (or None)."""
    s_start, s_end = ctx.sentences[sentence]
    in_sentence = [p for p in ctx.periods if s_start <= p.start < s_end]
    c_start, c_end = _clause_bounds(ctx.text, s_start, s_end, pos)
    if any(p.kind != "cumulative" and c_start <= p.start < c_end for p in in_sentence):
        # "Sau 1 năm triển khai, đến nay ...": the period named in its clause wins over "đến nay"
        in_sentence = [p for p in in_sentence if p.kind != "cumulative"]
    before = [p for p in in_sentence if p.start < pos]
    after = [p for p in in_sentence if p.start >= pos and p.kind not in ("cumulative", "total")]
    after = [p for p in after[:1] if ";" not in ctx.text[pos : p.start] and p.start - pos < 120]
    para = ctx.paragraphs[_containing(ctx.paragraphs, pos)]
    earlier = [p for p in ctx.periods if para[0] <= p.start < s_start and p.kind != "total"]
    # the nearest before the number; a period right after it in its clause ("... trong năm 2022")
    if before:
        if after and _qualifies_earlier_figure(ctx.text, s_start, before[-1]):
            return _resolved(ctx, after[0]), "sentence"
        if before[-1].kind == "total":
            return None, "sentence"
        if before[-1].kind == "cumulative":
            prev_start = ctx.sentences[sentence - 1][0] if sentence > 0 else s_start
            return _since_frame(ctx, before[-1], [p for p in earlier if p.start >= prev_start]), "sentence"
        return _resolved(ctx, before[-1]), "sentence"
    if after:
        return _resolved(ctx, after[0]), "sentence"
    if earlier:
        prev_start = ctx.sentences[sentence - 1][0] if sentence > 0 else s_start
        first_end = next((e for s, e in ctx.sentences if s >= para[0]), s_start)
        framing = [p for p in earlier if p.start >= prev_start or p.start < first_end]
        if framing:
            return _resolved(ctx, framing[-1]), "paragraph"
        return None, "paragraph"
    if ctx.title_period is not None:
        return ctx.title_period, "title"
    # the frame the article opens with ("Năm 2023, Đảng ủy Khối ... công nhận ...")
    lede_end = _lede_end(ctx.paragraphs)
    opening = [p for p in ctx.periods if p.start < min(para[0], lede_end)]
    if opening and opening[0].kind in ("year", "relative", "range", "half", "quarter"):
        return _resolved(ctx, opening[0]), "lede"
    return None, None


def _clause_bounds(text: str, s_start: int, s_end: int, pos: int) -> tuple[int, int]:
    """The clause of a sentence holding ``pos``: between the ";" around it."""
    before = text.rfind(";", s_start, pos)
    after = text.find(";", pos, s_end)
    return (before + 1 if before >= 0 else s_start), (after if after >= 0 else s_end)


def _since_frame(
    ctx: PeriodContext, cumulative: PeriodMention, previous: Sequence[PeriodMention]
) -> str | None:
    """ "Năm 2018, các đơn vị triển khai ... . Đến nay, ... đăng ký 191 mô hình": a bare "đến
    nay" right after a sentence framed by a year continues that frame, and the figure is that
    year's.  ``previous``: the periods of the sentence before (in the same paragraph).  With
    no such year (or "tính đến tháng 12/2014", "hiện có") it gives no period."""
    if not compiled(r"(?i)(?:tính\s+)?đến\s+nay").fullmatch(ctx.text[cumulative.start : cumulative.end]):
        return None
    return previous[-1].value if previous and previous[-1].kind == "year" else None


# A figure and its item: "93 tập thể", "2.707 gương", "356/382 xã", "100% số"; not a date.
_FIGURE = re.compile(r"(?<![\w/.,-])\d[\d.,]*(?:/\d[\d.,]*)?\s*%?\s+(?:số\s+)?[a-zà-ỹđ]")
_DATE = re.compile(r"(?i)(?:ngày|sáng|trưa|chiều|tối|tháng)\s+\d{1,2}(?:\s*[/-]\s*\d{1,4}){0,2}")


def _qualifies_earlier_figure(text: str, s_start: int, period: PeriodMention) -> bool:
    """Whether a period before a number closes the noun phrase of an earlier figure of its
    clause ("93 tập thể điển hình năm 2019 và 35 gương ... (giai đoạn 2009-2019)") rather
    than framing the clause ("Năm 2023, ..."; "..., năm 2024 có 30 mô hình").  Such a
    period belongs to that figure; the number takes the one that follows it, if any."""
    cut = max(text.rfind(";", s_start, period.start), text.rfind(":", s_start, period.start))
    clause = text[(cut + 1 if cut >= 0 else s_start) : period.start]
    if not clause.strip() or clause.rstrip()[-1] in ",;:(–-":
        return False
    return bool(_FIGURE.search(_DATE.sub(" ", clause)))


def _lede_end(paragraphs: Sequence[tuple[int, int]]) -> int:
    """End of the lede: the first real paragraph after the headline (bylines and
    captions, short lines, are passed over)."""
    for s, e in paragraphs[1:]:
        if e - s >= 60:
            return e
    return paragraphs[0][1] if paragraphs else 0


def title_period(text: str, periods: Sequence[PeriodMention], title_end: int) -> str | None:
    """A period the headline names ("Tổng kết ... giai đoạn 2009-2019")."""
    for p in periods:
        if p.start >= title_end:
            break
        if p.value and p.kind in ("range", "year", "open", "half", "quarter"):
            return p.value
    return None


# --- units ---------------------------------------------------------------------


def unit_at(
    text: str,
    pos: int,
    sentence: int,
    sentences: Sequence[tuple[int, int]],
    paragraphs: Sequence[tuple[int, int]],
    mentions: Sequence,
    main_unit,
    topics: Sequence[tuple[int, object]] = (),
    province: str | None = None,
    whole_locality: bool = False,
):
    """The unit mention a number at ``pos`` belongs to (or the article's main unit)."""
    s_start, _s_end = sentences[sentence]
    if whole_locality:
        whole = _whole_locality(text, s_start, pos, mentions, main_unit, province)
        if whole is not None:
            return whole
    # the first mention that qualifies (``_may_own`` asked of no later one)
    in_sentence = next(
        (m for m in mentions if s_start <= m.start and m.end <= pos and _may_own(text, m)), None
    )
    if in_sentence is not None:
        return in_sentence
    para = paragraphs[_containing(paragraphs, pos)]
    earlier = next(
        (m for m in mentions if para[0] <= m.start and m.end <= s_start and _may_own(text, m)), None
    )
    if earlier is not None:
        return earlier
    prior_topics = [u for start, u in topics if start < para[0]]
    if prior_topics:
        return prior_topics[-1]
    return main_unit


_WHOLE_PLAIN = re.compile(
    r"(?i)(?<![\wÀ-ỹ])(?:toàn|cả|trên địa bàn)\s+(tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)(?![\wÀ-ỹ])"
)
_WHOLE = with_first_chars(_WHOLE_PLAIN)  # the same matches, found faster (see _ATTENDS)
assert _WHOLE is not _WHOLE_PLAIN


@dataclass(frozen=True, slots=True)
class ProvinceUnit:
    """The article's province standing as a unit ("toàn tỉnh")."""

    name: str
    type: str
    province: str
    implicit: bool = True


def _whole_locality(text: str, s_start: int, pos: int, mentions: Sequence, main_unit, province: str | None):
    """ "toàn tỉnh có 3.427 mô hình": the figure is the whole locality's, whoever reports
    it.  The locality is the last one of that type named before, or the main unit."""
    clause = max(text.rfind(";", s_start, pos), text.rfind(",", s_start, pos), s_start)
    hits = list(_WHOLE.finditer(text, s_start, pos))
    if not hits or hits[-1].start() < clause - 60:
        return None
    kind = hits[-1].group(1).lower()
    named_after = [
        m for m in mentions if hits[-1].end() <= m.start < pos and not getattr(m, "implicit", False)
    ]
    if named_after:
        return None  # "toàn tỉnh X" / a unit named after it: the usual rules apply
    same = [m for m in mentions if m.start < hits[-1].start() and m.type == kind]
    if same:
        return same[-1]
    if main_unit is not None and main_unit.type == kind:
        return main_unit
    if province and kind in ("tỉnh", "thành phố"):
        from extractors.gazetteer import province_type

        ptype = province_type(province)
        if ptype == kind:
            return ProvinceUnit(f"{ptype} {province}", ptype, province)
    return None


_ADDRESS_BEFORE = re.compile(r"(?i)(?:tại|ở|về|đến|thăm|trên địa bàn|địa bàn|thuộc|của)\s*(?:các\s+)?$")


def _may_own(text: str, mention) -> bool:
    """Whether a mention can own a figure: not only an address, not a bare name describing a
    noun ("tuyến biên giới An Giang"), and not a national body (they launch, co-ordinate and
    praise; they never take part).  The last two are what the units component says of it."""
    if getattr(mention, "national", False) or getattr(mention, "describes", False):
        return False
    return not _is_address(text, mention)


def _is_address(text: str, mention) -> bool:
    """A mention that only locates something ("ở xã X", "(huyện Y)") rather than acting."""
    return _address_at(text, mention.start)


@lru_cache(maxsize=2048)  # asked of the same mentions by every figure and model, and by both components
def _address_at(text: str, start: int) -> bool:
    """:func:`_is_address` of a mention starting at ``start`` (the text before it is all it reads)."""
    before = text[max(0, start - 20) : start]
    if _ADDRESS_BEFORE.search(before):
        return True
    # inside a parenthesis ("3 bản giáp biên (bản Ón, bản Suối Phái)"): an aside that locates
    aside = text[max(0, start - 80) : start]
    return aside.rfind("(") > max(aside.rfind(")"), aside.rfind("\n"))


def paragraph_topics(
    text: str, paragraphs: Sequence[tuple[int, int]], mentions: Sequence
) -> list[tuple[int, object]]:
    """For each paragraph whose first sentence names a unit as its subject (before its
    first verb, or as a headline), that unit: the topic later paragraphs inherit."""
    topics = []
    starts = [m.start for m in mentions]
    if any(a > b for a, b in zip(starts, starts[1:], strict=False)):  # pragma: no cover - unsorted
        for ps, pe in paragraphs:
            first = [m for m in mentions if ps <= m.start < min(pe, ps + 160) and not _is_address(text, m)]
            if first:
                topics.append((ps, first[0]))
        return topics
    # the mentions in order of their starts: those starting in a paragraph's first 160
    # characters are a run of them, looked through in order up to the first that is no address
    for ps, pe in paragraphs:
        stop = min(pe, ps + 160)
        for i in range(bisect_left(starts, ps), bisect_left(starts, stop)):
            if not _is_address(text, mentions[i]):
                topics.append((ps, mentions[i]))
                break
    return topics
