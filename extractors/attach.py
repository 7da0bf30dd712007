"""Attachment: give each statistic and model the unit and the period that the context gives.

A number rarely has its unit and period in its own clause.  The rules, in order:

* unit: the first unit mention before the number in its sentence (the subject,
  measured better than the nearest); else the first one in the earlier sentences of
  its paragraph; for a model, else the topic of the paragraphs before (the last
  unit that opened a paragraph: stacked reports list each unit's models under
  it); else the article's main unit (a figure with no unit near it is the
  article's own: measured on the development set, inheriting topics lost 2 points
  of unit accuracy for statistics and gained 30 for models).
* period: a time expression in the number's sentence (the nearest before it, else
  the first after it); else the last one in its paragraph; else the period the
  headline names; else the first one its lede (the paragraph after the headline) names.  "Đến nay" with no start gives no period.  Relative expressions
  ("năm qua", "Sau 10 năm triển khai") are counted back from the event year named
  nearby, or from the article's date.

Pure functions over offsets; the unit mentions come from :mod:`extractors.units`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.periods import PeriodMention, resolve_relative, year_of


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


def paragraphs_of(text: str) -> list[tuple[int, int]]:
    """Paragraph spans: the non-empty lines of the cleaned text."""
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]


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
    if p.kind == "cumulative":
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


def period_at(ctx: PeriodContext, pos: int, sentence: int, event: bool = False) -> str | None:
    """The period of a number at ``pos`` in sentence ``sentence``.

    ``event``: the number counts awards given at one event; with no period in reach it
    takes the event's year (the article's date, else the first year the article names)."""
    period = _period_at(ctx, pos, sentence)
    if period is None and event:
        if ctx.article_year:
            return str(ctx.article_year)
        years = [p for p in ctx.periods if p.kind == "year"]
        return years[0].value if years else None
    return period


def _period_at(ctx: PeriodContext, pos: int, sentence: int) -> str | None:
    s_start, s_end = ctx.sentences[sentence]
    in_sentence = [p for p in ctx.periods if s_start <= p.start < s_end]
    if any(p.kind != "cumulative" for p in in_sentence):
        # "Sau 1 năm triển khai, đến nay ...": the period named wins over "đến nay"
        in_sentence = [p for p in in_sentence if p.kind != "cumulative"]
    before = [p for p in in_sentence if p.start < pos]
    after = [p for p in in_sentence if p.start >= pos]
    # the nearest before the number; a period right after it in its clause ("... trong năm 2022")
    if before:
        return _resolved(ctx, before[-1])
    after = [p for p in after if p.kind != "cumulative"]
    if after and ";" not in ctx.text[pos : after[0].start] and after[0].start - pos < 120:
        return _resolved(ctx, after[0])
    para = ctx.paragraphs[_containing(ctx.paragraphs, pos)]
    earlier = [p for p in ctx.periods if para[0] <= p.start < s_start]
    if earlier:
        return _resolved(ctx, earlier[-1])
    if ctx.title_period is not None:
        return ctx.title_period
    # the frame the article opens with ("Năm 2023, Đảng ủy Khối ... công nhận ...")
    lede_end = _lede_end(ctx.paragraphs)
    opening = [p for p in ctx.periods if p.start < min(para[0], lede_end)]
    if opening and opening[0].kind in ("year", "relative", "range", "half", "quarter"):
        return _resolved(ctx, opening[0])
    return None


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
    in_sentence = [m for m in mentions if s_start <= m.start and m.end <= pos and not _is_address(text, m)]
    if in_sentence:
        return in_sentence[0]
    para = paragraphs[_containing(paragraphs, pos)]
    earlier = [m for m in mentions if para[0] <= m.start and m.end <= s_start and not _is_address(text, m)]
    if earlier:
        return earlier[0]
    prior_topics = [u for start, u in topics if start < para[0]]
    if prior_topics:
        return prior_topics[-1]
    return main_unit


_WHOLE = re.compile(
    r"(?i)(?<![\wÀ-ỹ])(?:toàn|cả|trên địa bàn)\s+(tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)(?![\wÀ-ỹ])"
)


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


def _is_address(text: str, mention) -> bool:
    """A mention that only locates something ("ở xã X", "(huyện Y)") rather than acting."""
    before = text[max(0, mention.start - 20) : mention.start]
    if _ADDRESS_BEFORE.search(before):
        return True
    return before.rstrip().endswith("(")


def paragraph_topics(
    text: str, paragraphs: Sequence[tuple[int, int]], mentions: Sequence
) -> list[tuple[int, object]]:
    """For each paragraph whose first sentence names a unit as its subject (before its
    first verb, or as a headline), that unit: the topic later paragraphs inherit."""
    topics = []
    for ps, pe in paragraphs:
        first = [m for m in mentions if ps <= m.start < min(pe, ps + 160) and not _is_address(text, m)]
        if first:
            topics.append((ps, first[0]))
    return topics
