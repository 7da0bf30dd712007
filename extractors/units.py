"""Unit mentions: the localities and organisations an article names, and which of them take part.

Three layers, all pure functions over the cleaned article text (NFC, curly quotes, ``-`` dashes,
modern tone placement):

* :func:`find_unit_mentions` finds every mention with its span: a locality with its type word
  (``huyện Tam Đường``, ``TP.HCM``, ``Q.10``, lists such as ``các xã A, B và C``), a party or
  mass-mobilisation body of a locality (``Ban Dân vận Huyện ủy Tam Đường`` is the locality
  ``huyện Tam Đường`` with ``organisation`` set), an organisation with a line of its own
  (``Công an tỉnh X``, ``Ban CHQS huyện X``, ``Đồn Biên phòng X``, ``Sở Nội vụ``, ``Quân khu 2`` ...),
  a bare province name, and bare type words (``toàn huyện``, ``Tỉnh ủy``) as implicit mentions.
* :func:`article_context` resolves the article: its province (explicit mentions, then the
  gazetteer's votes from the districts and communes it names), its main unit, implicit mentions
  (``Huyện ủy`` alone is the article's district), untyped names of known units, provinces of
  ambiguous names, and expansions of organisations (``Công an TP`` -> ``Công an thành phố Hà Nội``).
* :func:`participating_units` keeps the units that take part in the campaign (they register, build,
  run or are honoured for models, or report figures), by general signals of the sentence a mention
  sits in, and returns the units table.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

from extractors import gazetteer as gz
from extractors.records import Provenance, UnitRecord
from extractors.regex_speed import compiled, literal_gate, may_match
from extractors.unit_grammar import (
    CAP,
    CAP_FIRST,
    DISTRICT,
    HCM_RE,
    LEAD_WORDS,
    LEVEL_RANK,
    LOCALITY_TYPES,
    NATIONAL_BODIES,
    NON_PARTICIPANTS,
    ORG_TYPE,
    SURNAMES,
    TYPE_RE,
    UPPER,
    WARD,
    Cand,
    body_end,
    canonical_name,
    find_candidates,
    fold,
    inside,
    is_cap,
    media_before,
    own_province,
    paren_spans,
    province_written_re,
    quote_spans,
    section_bounds,
)

__all__ = [
    "LOCALITY_TYPES",
    "NATIONAL_BODIES",
    "NON_PARTICIPANTS",
    "ORG_TYPE",
    "ArticleContext",
    "UnitMention",
    "article_context",
    "body_end",
    "explain_units",
    "find_unit_mentions",
    "participating_units",
]

EXTRACTOR_NAME = "dvk.units"
EXTRACTOR_VERSION = "0.1.0"

# ---------------------------------------------------------------------------------------------
# public records


@dataclass
class UnitMention:
    """One mention of a unit in the text, with the whole span as written."""

    start: int
    end: int
    written: str
    kind: str  # "locality" | "organisation"
    type: str  # SCHEMA unit type
    name: str  # canonical SCHEMA name
    province: str | None
    organisation: str | None = None  # the body behind a locality ("Ban Dân vận Huyện ủy")
    implicit: bool = False  # resolved from context
    national: bool = False  # a national body (``NON_PARTICIPANTS``): it launches, it never takes part
    bare: bool = False  # a locality written without its type word ("An Giang", not "tỉnh An Giang")
    describes: bool = False  # bare, right after a lower-case noun it describes ("biên giới An Giang")


@dataclass
class ArticleContext:
    """What an article is about: its province, its main unit, and every resolved mention."""

    main_unit: UnitMention | None
    province: str | None
    mentions: list[UnitMention]
    sections: list[tuple[int, int, str | None]] = field(default_factory=list)  # (start, end, province)
    title: str | None = None
    # (start, end, main unit) of each story of a stacked page or a digest that has a main unit of
    # its own (see :func:`_story_mains`), sorted by start: a figure there with no unit in reach is
    # that story's
    stories: list[tuple[int, int, UnitMention]] = field(default_factory=list)

    def main_at(self, pos: int) -> UnitMention | None:
        """The main unit of the story ``pos`` is in (the innermost: a digest's item inside a stacked
        article): its own, or the article's."""
        found = self.main_unit
        for s, e, main in self.stories:  # sorted by start: a later one containing pos is inside
            if s <= pos < e:
                found = main
        return found

    def province_at(self, pos: int) -> str | None:
        """The province of the section ``pos`` is in (the article's when it has one section)."""
        for s, e, p in self.sections:
            if s <= pos < e:
                return p or self.province
        return self.province


def _to_mention(text: str, c: Cand, name: str, province: str | None, implicit: bool) -> UnitMention:
    written = text[c.start : c.end]
    return UnitMention(
        start=c.start,
        end=c.end,
        written=written,
        kind=c.kind,
        type=c.type,
        name=name,
        province=province,
        organisation=c.organisation,
        implicit=implicit,
        **mention_flags(text, c.start, written, c.kind, name, c.organisation, implicit),
    )


def mention_flags(
    text: str,
    start: int,
    written: str,
    kind: str,
    name: str,
    organisation: str | None = None,
    implicit: bool = False,
) -> dict[str, bool]:
    """:class:`UnitMention`'s ``national``, ``bare`` and ``describes`` for a mention written as
    ``written`` at ``start`` of ``text``."""
    bare = (
        kind == "locality"
        and not organisation
        and not implicit
        and not TYPE_RE.match(written)
        and not HCM_RE.match(written)
    )
    clause = _after_last(text[max(0, start - 40) : start], ".!?;:\n")
    return {
        "national": fold(name) in NON_PARTICIPANTS,
        "bare": bare,
        "describes": bare and _describes_noun(clause),
    }


def _describes_noun(before: str) -> bool:
    """Whether a name written right after ``before`` (its clause up to it) describes the lower-case
    noun ending it ("biên giới An Giang", "người dân TPHCM") rather than acting; "và", "toàn" and
    "cả" are no nouns."""
    words = before.split()
    prev = words[-1] if words else None
    return bool(prev) and prev[0].islower() and prev not in ("và", "toàn", "cả")


def find_unit_mentions(text: str) -> list[UnitMention]:
    """Every unit mention with its span, sorted by start, without overlaps.

    Mentions that need the article to be resolved (a bare ``Huyện ủy``, ``Công an TP``) are returned
    with ``implicit=True`` and their type word as ``name``; :func:`article_context` resolves them.
    """
    out: list[UnitMention] = []
    for c in find_candidates(text):
        if c.kind == "organisation" and c.org_name is None:  # "Đảng ủy Khối" alone
            out.append(_to_mention(text, c, "Đảng ủy Khối", None, implicit=True))
        elif c.kind == "locality" and c.base is None:
            out.append(_to_mention(text, c, c.type, None, implicit=True))
        else:
            implicit = c.untyped or bool(c.kind == "organisation" and c.org_suffix_type and not c.base)
            out.append(_to_mention(text, c, canonical_name(c), own_province(c), implicit=implicit))
    return out


# ---------------------------------------------------------------------------------------------
# the article: provinces, untyped names, implicit mentions, main unit


def _section_index(pos: int, sections: list[tuple[int, int]]) -> int:
    for i, (s, e) in enumerate(sections):
        if s <= pos < e:
            return i
    return len(sections) - 1


def _votes(
    cands: list[Cand],
    limit: int,
    title_end: int,
    memo: dict[int, tuple[Cand, tuple[tuple[str, float], ...]]] | None = None,
) -> Counter[str]:
    """Province votes: explicit province mentions count 2, a district or ward 1 split over its provinces.

    ``memo``: each candidate's shares (by ``id``, with the candidate itself, so that an id is never
    another's) from earlier calls on the same article with the same ``title_end``; the shares are
    added in the same order, so the sums are the same floats."""
    votes: Counter[str] = Counter()
    for c in cands:
        if c.start >= limit or c.national:
            continue
        kept = memo.get(id(c)) if memo is not None else None
        if kept is not None and kept[0] is c:
            shares = kept[1]
        else:
            shares = _vote_shares(c, title_end)
            if memo is not None and not c.alt_ward:  # an alt ward may still be settled (changed)
                memo[id(c)] = (c, shares)
        for p, share in shares:
            votes[p] += share
    return votes


def _vote_shares(c: Cand, title_end: int) -> tuple[tuple[str, float], ...]:
    """What the candidate ``c`` adds to the province votes (see :func:`_votes`), in order."""
    weight = (1.5 if c.start < title_end else 1.0) * (0.5 if c.untyped else 1.0)
    explicit = (
        own_province(c)
        if (
            c.kind == "organisation"
            or c.type == "tỉnh"
            or (c.type == "thành phố" and c.base in gz.MUNICIPALITIES)
        )
        else None
    )
    if explicit:
        return ((explicit, 2 * weight),)
    if c.kind == "locality" and c.base and (c.type in DISTRICT or c.type in WARD):
        found = gz.provinces_of(c.type, c.base)
    elif c.kind == "organisation" and (c.org_name or "").startswith("Đồn Biên phòng "):
        # border posts are named after their commune or border gate: "Đồn Biên phòng Na Mèo"
        tail = c.org_name.split(" ")[3:]
        found = set()
        for k in (len(tail), 2, 3):
            if 0 < k <= len(tail):
                found |= {p.province for p in gz.untyped_places(" ".join(tail[-k:]))}
    else:
        return ()
    if 0 < len(found) <= 4:
        return tuple((p, weight / len(found)) for p in found)
    return ()


def _best(votes: Counter[str], first_seen: dict[str, int]) -> str | None:
    if not votes:
        return None
    top = max(votes.values())
    tied = [p for p, v in votes.items() if v == top]
    return min(tied, key=lambda p: (first_seen.get(p, 10**9), p))


def _first_seen(cands: list[Cand]) -> dict[str, int]:
    seen: dict[str, int] = {}
    for c in cands:
        p = own_province(c)
        if p:
            seen.setdefault(p, c.start)
    return seen


_RUN_RE = re.compile(CAP_FIRST + r"(?:[ ]" + CAP + r")*")  # CAP_FIRST: CAP, found faster first
_HONORIFIC_WORDS = ("ông", "bà", "anh", "chị", "đồng chí", "em", "cô", "chú")


def _honorific_before(prev: str) -> bool:
    """``re.search(r"(?:ông|bà|…|chú)\\s+$", prev)``: ``prev`` ends on one of the words and at least
    one space (``str.rstrip`` strips what ``\\s`` matches)."""
    head = prev.rstrip()
    return len(head) < len(prev) and head.endswith(_HONORIFIC_WORDS)


@lru_cache(maxsize=8)  # the same runs for both rounds of article_context
def _capitalised_runs(text: str, limit: int) -> tuple[tuple[int, int, str], ...]:
    """The runs of capitalised words before ``limit``: (start, end, name), lead words dropped (runs
    of lead words only are left out).  Words are split off and folded later, for the few runs that
    get that far."""
    out = []
    for m in _RUN_RE.finditer(text, 0, limit):
        s, e = m.span()
        name = m.group(0)
        if name.partition(" ")[0] in LEAD_WORDS:
            words = name.split(" ")  # single spaces between words: " ".join(words) gives name back
            while words and words[0] in LEAD_WORDS:
                s += len(words[0]) + 1
                words = words[1:]
            if not words:
                continue
            name = " ".join(words)
        out.append((s, e, name))
    return tuple(out)


def _kept_run(text: str, s: int, name: str, quotes: list[tuple[int, int]]) -> bool:
    """Whether the run ``name`` at ``s`` may be an untyped name: not in quotation marks
    (``quotes``), not a province, a newspaper's name or a person's."""
    if inside(s, quotes):
        return False
    if gz.canonical_province(name) or media_before(text, s):
        return False  # provinces are handled (or deliberately skipped) by the bare-province pass
    return not _honorific_before(text[max(0, s - 12) : s].lower())


def _untyped_candidates(text: str, cands: list[Cand], province: str | None, limit: int) -> list[Cand]:
    """Names written without a type word that the article (or the gazetteer) identifies.

    A name already typed elsewhere in the article ("Hòa Vang" after "huyện Hòa Vang"), a district of
    the article's province, or a commune of a district the article names.
    """
    taken = bytearray(len(text) + 1)  # 1 where a candidate already covers the character
    for c in cands:
        taken[c.start : c.end] = b"\x01" * (c.end - c.start)
    typed: dict[str, Cand] = {}
    for c in cands:
        if (
            c.kind == "locality"
            and c.base
            and c.type != "tỉnh"
            and not c.untyped
            and not c.base.isdigit()
            and (c.type != "thành phố" or c.base not in gz.MUNICIPALITIES)
        ):
            typed.setdefault(fold(c.base), c)
    ward_index: dict[str, gz.Place] | None = None  # built (or found: it is kept) when a run first needs it
    out: list[Cand] = []
    quotes = quote_spans(text)
    # the cheap tests first: most runs are one word that no typed name matches (whether a run
    # passes _kept_run before or after them changes nothing)
    for s, e, name in _capitalised_runs(text, limit):
        if taken.find(1, s, e) >= 0:
            continue
        key = fold(name)
        t = typed.get(key)
        if t is None:
            if " " not in name:
                continue  # one word: only a name typed elsewhere
            words = name.split(" ")
            if words[0] in SURNAMES and len(words) >= 3:
                continue
        if not _kept_run(text, s, name, quotes):
            continue
        if t is not None:
            out.append(Cand(s, e, "locality", t.type, t.base, priority=0, untyped=True))
            continue
        if ward_index is None:
            ward_index = _ward_index(cands, province)
        ward = ward_index.get(key) or ward_index.get(gz.ascii_key(name))
        if ward is not None:
            out.append(
                Cand(s, e, "locality", ward.type, name, province=ward.province, priority=0, untyped=True)
            )
            continue
        places = _district_places(name)
        in_prov = [p for p in places if p.province == province] if province else []
        pick = in_prov or (places if len({p.province for p in places}) == 1 else [])
        if len(pick) == 1:
            p = pick[0]
            out.append(Cand(s, e, "locality", p.type, p.name, province=p.province, priority=0, untyped=True))
    return out


def _ward_index(cands: list[Cand], province: str | None) -> dict[str, gz.Place]:
    """The communes of the districts ``cands`` name (within ``province``), by folded name and by
    their former names' keys; the first district's, in sorted order, wins a name.  Read only."""
    districts = sorted(
        {(c.type, c.base) for c in cands if c.kind == "locality" and c.base and c.type in DISTRICT}
    )
    return _ward_index_of(tuple(districts), province)


@lru_cache(maxsize=256)  # the same districts at both rounds of an article, and again in others
def _ward_index_of(districts: tuple[tuple[str, str], ...], province: str | None) -> dict[str, gz.Place]:
    index: dict[str, gz.Place] = {}
    for dtype, dname in districts:
        for w in gz.wards_of(dtype, dname, province):
            index.setdefault(fold(w.name), w)
            for k in w.old_keys:
                index.setdefault(k, w)
    return index


@lru_cache(maxsize=4096)  # a pure function of the name: the gazetteer does not change
def _district_places(name: str) -> list[gz.Place]:
    """``[p for p in gz.untyped_places(name) if p.level == "district"]``.  Read only."""
    return [p for p in gz.untyped_places(name) if p.level == "district"]


def _settle_alt_wards(text: str, cands: list[Cand], province: str | None) -> None:
    """ "Bản Lầu" written alone is the commune "xã Bản Lầu" when the article is in its province."""
    typed_wards = {fold(c.base) for c in cands if c.base and c.type in WARD}
    for c in cands:
        if not c.alt_ward or c.base is None:
            continue
        full = f"{text[c.start : c.end].split(' ', 1)[0]} {c.base}"
        places = [p for p in gz.untyped_places(full) if province is None or p.province == province]
        if fold(full) in typed_wards or places:
            c.type = places[0].type if places else "xã"
            c.base = full
            c.alt_ward = False


def _parent(text: str, c: Cand, by_start: dict[int, Cand]) -> Cand | None:
    """The unit that locates ``c`` right after it: ", huyện X", " (X)", " - TP X", " thuộc huyện X"."""
    m = compiled(r"\s*(?:,|-|\(|thuộc|của)\s*(?:\(\s*)?").match(text, c.end)
    if not m:
        return None
    p = by_start.get(m.end())
    if p is None or p.kind != "locality" or p.base is None:
        return None
    if LEVEL_RANK.get(p.type, 9) >= LEVEL_RANK.get(c.type, 9) and c.kind == "locality":
        return None
    return p


def _resolve_province(c: Cand, parent: Cand | None, section_prov: str | None, cache: dict) -> str | None:
    own = own_province(c)
    if own or c.national:
        return own
    if parent is not None:
        pp = cache.get(id(parent)) or own_province(parent)
        if pp:
            return pp
    return section_prov  # an ambiguous or unknown name: the article's (section's) province


def _implicit_target(
    c: Cand,
    utype: str,
    resolved: list[tuple[Cand, str | None]],
    sec: tuple[int, int],
    province: str | None,
    memo: dict[tuple[str, str | None], list[tuple[Cand, str | None]]] | None = None,
) -> tuple[str, str | None, str] | None:
    """(type, base, province) that a bare type word refers to.  ``memo``: the article's
    :func:`_named_of_type` lists so far (the same for every bare word of a type and province)."""
    if utype == "tỉnh":
        if province is None:
            return None
        return (gz.province_type(province), province, province)
    if utype == "thành phố" and province in gz.MUNICIPALITIES:
        return ("thành phố", province, province)
    key = (utype, province)
    explicit = memo.get(key) if memo is not None else None
    if explicit is None:
        explicit = _named_of_type(utype, resolved, province)
        if memo is not None:
            memo[key] = explicit
    # the last one of the section before c, else the first one after it
    before = after = None
    for item in explicit:
        start = item[0].start
        if sec[0] <= start < sec[1]:
            if start < c.start:
                before = item
            elif start > c.start and after is None:
                after = item
    pick = before or after
    if pick is None and explicit:
        counts = Counter((x.type, x.base) for x, _ in explicit)
        (t, b), _ = counts.most_common(1)[0]
        pick = next((x, p) for x, p in explicit if (x.type, x.base) == (t, b))
    if pick is None:
        return None
    x, p = pick
    return (x.type, x.base, p)


def _named_of_type(
    utype: str, resolved: list[tuple[Cand, str | None]], province: str | None
) -> list[tuple[Cand, str | None]]:
    """The resolved localities of type ``utype`` (not ``tỉnh``) with a name, those written with
    their type word when there are any; for ``thành phố`` (``province`` not a municipality), no
    municipality."""
    explicit = [
        (x, p)
        for x, p in resolved
        if x.kind == "locality"
        and x.base
        and x.type == utype
        and not (utype == "thành phố" and x.base in gz.MUNICIPALITIES and x.base != province)
    ]
    if utype == "thành phố":
        explicit = [(x, p) for x, p in explicit if x.base not in gz.MUNICIPALITIES]
    typed = [(x, p) for x, p in explicit if not x.untyped]
    return typed or explicit  # a name written with its type word beats one inferred from the gazetteer


def _with_untyped(
    text: str,
    cands: list[Cand],
    prov: str | None,
    limit: int,
    title_end: int,
    memo: dict[int, tuple[Cand, tuple[tuple[str, float], ...]]] | None = None,
) -> tuple[list[Cand], Counter[str], dict[str, int]]:
    """``cands`` with the untyped names found in two rounds (the second finds the communes of
    districts that were themselves untyped), sorted by start, with their province votes and the
    provinces' first positions."""
    for _ in range(2):
        more = _untyped_candidates(text, cands, prov, limit)
        cands = sorted(cands + more, key=lambda c: c.start)
        votes, first_seen = _votes(cands, limit, title_end, memo), _first_seen(cands)
        settled, prov = prov, _best(votes, first_seen)
        if not more and prov == settled:
            break  # the second round would be given the same and find nothing either
    return cands, votes, first_seen


def _first_line(text: str) -> str:
    """``next((ln for ln in text.splitlines() if ln.strip()), "")`` without splitting the whole
    text: the text up to its first ``\\n`` is that line when it is not blank and holds no other line
    boundary of ``str.splitlines`` (most articles open on their title)."""
    nl = text.find("\n")
    head = text if nl < 0 else text[:nl]
    if head.strip() and head.splitlines() == [head]:
        return head
    return next((ln for ln in text.splitlines() if ln.strip()), "")


def article_context(text: str, title: str | None = None) -> ArticleContext:
    """Resolve the article's mentions: provinces, untyped names, implicit mentions, its main unit."""
    limit = body_end(text)
    first_line = _first_line(text)
    title_end = text.find(first_line) + len(first_line) if first_line else 0
    bounds = section_bounds(text)
    cands = find_candidates(text)
    # provinces: article-wide, then per stacked section
    shares: dict[int, tuple[Cand, tuple[tuple[str, float], ...]]] = {}  # each candidate's votes (see _votes)
    prov = _best(_votes(cands, limit, title_end, shares), _first_seen(cands))
    _settle_alt_wards(text, cands, prov)
    cands, votes, first_seen = _with_untyped(text, cands, prov, limit, title_end, shares)
    if title:
        votes.update(
            {p: 1.0 for p in [gz.canonical_province(w) for w in province_written_re().findall(title)] if p}
        )
    prov = _best(votes, first_seen)
    sec_prov: list[str | None] = []
    for s, e in bounds:
        sv = (
            _votes([c for c in cands if s <= c.start < e], limit, title_end, shares)
            if len(bounds) > 1
            else None
        )
        sec_prov.append(_best(sv, first_seen) if sv else prov)
    sections = [(s, e, p) for (s, e), p in zip(bounds, sec_prov, strict=True)]
    # explicit mentions first, then implicit ones against them
    by_start = {c.start: c for c in cands}
    resolved: list[tuple[Cand, str | None]] = []
    cache: dict[int, str | None] = {}
    for c in cands:
        if c.kind == "locality" and c.base is None or c.untyped and c.kind == "organisation":
            continue
        if c.kind == "organisation" and c.org_suffix_type and not c.base:
            continue
        sp = sec_prov[_section_index(c.start, bounds)]
        p = _resolve_province(c, _parent(text, c, by_start), sp, cache)
        cache[id(c)] = p
        resolved.append((c, p))
    mentions: list[UnitMention] = []
    targets: dict[tuple[str, str | None], list[tuple[Cand, str | None]]] = {}  # see _implicit_target
    for c in cands:
        si = _section_index(c.start, bounds)
        sp = sec_prov[si]
        if id(c) in cache:
            name = canonical_name(c)
            if c.kind == "organisation" and c.org_append and not c.org_suffix_type and sp:
                name = f"{name} {gz.province_type(sp)} {sp}"  # "Sở Nội vụ" -> "Sở Nội vụ thành phố Hà Nội"
            mentions.append(_to_mention(text, c, name, cache[id(c)], implicit=c.untyped))
            continue
        m = _resolve_implicit(text, c, resolved, bounds[si], sp, targets)
        if m is not None:
            mentions.append(m)
    usable = _usable_mains(text, mentions)
    main = _main_unit(text, usable, title)
    stories = _story_mains(text, usable, main, sections)
    return ArticleContext(main, prov, mentions, sections, title, stories)


def _resolve_implicit(
    text: str,
    c: Cand,
    resolved: list[tuple[Cand, str | None]],
    sec: tuple[int, int],
    province: str | None,
    memo: dict[tuple[str, str | None], list[tuple[Cand, str | None]]] | None = None,
) -> UnitMention | None:
    """The mention a bare type word or an organisation without its locality stands for, or None
    (``memo``: see :func:`_implicit_target`)."""
    if c.kind == "organisation" and c.org_name is None:  # "Đảng ủy Khối" alone
        blocs = [
            x
            for x, _ in resolved
            if x.kind == "organisation"
            and (x.org_name or "").startswith("Đảng ủy Khối")
            and x.start < c.start
        ]
        if not blocs:
            return None
        b = blocs[-1]
        return _to_mention(text, c, canonical_name(b), own_province(b) or province, implicit=True)
    if c.kind == "organisation":  # "Công an TP", "Ban Chỉ huy quân sự thị xã"
        target = _implicit_target(c, c.org_suffix_type or "", resolved, sec, province, memo)
        if target is None:
            return None
        t, base, p = target
        name = f"{c.org_name} {c.org_suffix_type} {base}"
        if c.org_suffix_type == "thành phố" and t == "thành phố":
            name = f"{c.org_name} thành phố {base}"
        return _to_mention(text, c, " ".join(name.split()), p, implicit=True)
    target = _implicit_target(c, c.type, resolved, sec, province, memo)
    if target is None:
        return None
    t, base, p = target
    fake = Cand(c.start, c.end, "locality", t, base)
    return UnitMention(
        start=c.start,
        end=c.end,
        written=text[c.start : c.end],
        kind="locality",
        type=t,
        name=canonical_name(fake),
        province=p,
        organisation=c.organisation,
        implicit=True,
    )


def _lead_bounds(text: str) -> tuple[int, int]:
    """(end of the headline lines, end of the lead paragraph): the first line of 20+ words starts the body."""
    title_end = lead_end = 0
    for m in compiled(r"[^\n]+").finditer(text):
        words = len(m.group(0).split())
        if words >= 20:
            return title_end, min(m.end(), m.start() + 700)
        if words:
            title_end = lead_end = m.end()
    return title_end, lead_end


def _first_lines(text: str, n: int) -> list[tuple[int, int, int]]:
    """(words, start, end) of the first ``n`` non-empty lines of ``text`` (the rest are never read)."""
    return [
        (len(m.group(0).split()), m.start(), m.end()) for m in islice(compiled(r"[^\n]+").finditer(text), n)
    ]


def _usable_mains(text: str, mentions: list[UnitMention]) -> list[UnitMention]:
    """The mentions that can be a main unit: not a non-participant, not a locality without its
    province, not inside brackets, not the parent named after its child ("xã A, huyện B")."""
    parens = paren_spans(text)
    usable = []
    for i, m in enumerate(mentions):
        if fold(m.name) in NON_PARTICIPANTS or m.province is None and m.kind == "locality":
            continue
        if inside(m.start, parens) or _is_parent_of(text, mentions[i - 1] if i else None, m):
            continue
        usable.append(m)
    return usable


def _main_unit(text: str, usable: list[UnitMention], title: str | None) -> UnitMention | None:
    """The unit of the headline or the first paragraph (a locality before an organisation), of
    the mentions that can be one (:func:`_usable_mains`)."""
    title_end, lead_end = _lead_bounds(text)
    if title and text.find(title.strip()[:40]) < 0:
        names = {
            fold(canonical_name(c)) for c in find_candidates(title) if c.base or c.kind == "organisation"
        }
        in_title = [m for m in usable if fold(m.name) in names]
        if in_title:
            return in_title[0]
    # the title line, then the longest short line among the first three (a headline under a date or
    # a toolbar line), then the lead paragraph, where a unit after "tại"/"ở" is only an address
    lines = _first_lines(text, 3)
    heads = [(s, e) for n, s, e in lines if e <= title_end]
    regions = heads[:1] + [(s, e) for _, s, e in sorted(lines, key=lambda x: -x[0]) if (s, e) in heads][:1]
    for s, e in [*regions, (0, lead_end)]:
        lead = [m for m in usable if s <= m.start < e]
        if (s, e) == (0, lead_end):
            lead = [m for m in lead if not _LOCATIVE.search(text[max(0, m.start - 14) : m.start])]
        if lead:
            return lead[0]
    counts = Counter(m.name for m in usable)
    if not counts:
        return None
    top = counts.most_common(1)[0][0]
    return next(m for m in usable if m.name == top)


# A paragraph that opens on "* " starts the next item of a news digest ("* Chiều 15/10, Ban Dân
# vận Quận ủy Quận 4 tổ chức ..."): a story of its own, like a stacked article under its heading.
_DIGEST_ITEM = re.compile(r"^[ \t]*\*[ \t]+(?=\S)", re.MULTILINE)


def _lead_main(text: str, start: int, end: int, usable: list[UnitMention]) -> UnitMention | None:
    """The first usable mention in the lead of the story text[start:end] (its headline lines and
    first paragraph, as :func:`_lead_bounds` finds them) that is not only an address ("tại xã A")."""
    _title_end, lead_end = _lead_bounds(text[start:end])
    for m in usable:
        if start <= m.start < start + lead_end and not _LOCATIVE.search(
            text[max(start, m.start - 14) : m.start]
        ):
            return m
    return None


def _story_mains(
    text: str,
    usable: list[UnitMention],
    main: UnitMention | None,
    sections: list[tuple[int, int, str | None]],
) -> list[tuple[int, int, UnitMention]]:
    """(start, end, main unit) of the stories of a stacked page that are not the article's main
    unit's: a stacked article (a section, :func:`~extractors.unit_grammar.section_bounds`) of
    another province than that unit's, and an item of a news digest (a paragraph opening on
    "* ") anywhere, each with the unit its lead opens on (of ``usable``: :func:`_usable_mains`)."""
    items = [m.start() for m in _DIGEST_ITEM.finditer(text)]
    if len(sections) < 2 and not items:
        return []  # one story: the article's main unit is its main unit
    main_prov = main.province if main is not None else None
    out: list[tuple[int, int, UnitMention]] = []
    for s, e, prov in sections:
        if main is not None and s <= main.start < e or prov is None or prov == main_prov:
            continue
        own = _lead_main(text, s, e, usable)
        if own is not None:
            out.append((s, e, own))
    # digest items: each runs to the next item or the end of its section
    ends = sorted({e for _s, e, _p in sections} | set(items))
    for i in items:
        e = next((x for x in ends if x > i), len(text))
        own = _lead_main(text, i, e, usable)
        if own is not None and not (main is not None and i <= main.start < e):
            out.append((i, e, own))
    return sorted(out, key=lambda st: st[0])


# ---------------------------------------------------------------------------------------------
# participation: which mentioned units take part in the campaign

_ADVERBS = (
    r"(?:đã và đang|đã|đang|sẽ|cũng|luôn|đều|vừa|còn|tiếp tục|thường xuyên|chủ động|tích cực|mới|vẫn|"
    r"không ngừng|hiện|hiện nay|hằng năm|hàng năm|nay|năm \d{4},?|cùng)"
)
_ACT_VERBS = (
    r"tổ chức|triển khai|xây dựng|đăng ký|đăng kí|thực hiện|phát động|tuyên dương|khen thưởng|biểu dương|"
    r"công nhận|trao|tặng|kiểm tra|chọn|lựa chọn|huy động|đầu tư|vận động|duy trì|nhân rộng|phối hợp|"
    r"hoàn thành|cấp giấy|đề nghị|giúp|hỗ trợ|tham mưu|chỉ đạo|ra mắt|báo công|hưởng ứng|đẩy mạnh|"
    r"thành lập|phát huy|tiếp nhận|đạt|cải tạo|quyên góp|đóng góp|lãnh đạo|đi thăm|thăm|tuyên truyền|"
    r"ký kết|tổng kết|sơ kết|gặp mặt|họp mặt|tôn vinh|làm tốt|dồn sức|nhận rộng|mở|cất|xét|giao|"
    r"đánh giá, công nhận|tiến hành|ban hành|làm|chăm lo|nhân lên|phát triển|tập trung"
)
_CAMPAIGN_NOUNS = (
    r"mô hình|điển hình|tập thể|cá nhân|gương|công trình|giải pháp|phần việc|hợp tác xã|tác phẩm|cuộc|"
    r"hội nghị|sáng kiến|cách làm|đội|đơn vị|căn nhà|nhà|tỷ|triệu|ngày công"
)
_SUBJECT_VERB = re.compile(
    rf"^\s*(?:{_ADVERBS}\s+)*(?:"
    rf"(?:{_ACT_VERBS})(?!\w)"  # "Huyện ủy X tổ chức", "xã A đã xây dựng"
    rf"|có\s+(?:tổng số\s+|hơn\s+|trên\s+|gần\s+)?\d[\d.,]*\s+(?:{_CAMPAIGN_NOUNS})"  # "có 120 mô hình"
    r"|(?:có|với)\s+(?:\d[\d.,]*\s+|nhiều\s+|các\s+)?(?:mô hình|điển hình|cách làm)"  # "có mô hình “…”"
    r"|“)",  # followed directly by a model's name
    re.IGNORECASE,
)
_TITLE_BEFORE = re.compile(
    r"(?:Bí thư|Chủ tịch|Trưởng [Bb]an|Trưởng|Ủy viên|Giám đốc|Chỉ huy trưởng|Chính ủy|Tư lệnh|Chủ nhiệm|"
    r"[Ll]ãnh đạo|[Đđ]ại diện|Thành viên|Thủ trưởng|Phó)(?:\s+[Tt]hường trực)?\s*,?\s*$"
)
_LOCATIVE_WORDS = r"(?:tại|ở|trên địa bàn|địa bàn|thuộc|đến|về|khu vực|cho|vào|của|từ|giữa)"
_LOCATIVE = re.compile(r"(?:^|\s)" + _LOCATIVE_WORDS + r"\s", re.IGNORECASE)
# _LOCATIVE's two branches apart: ``re`` skips ahead to a space for the second one
_LOCATIVE_AT_START = re.compile(_LOCATIVE_WORDS + r"\s", re.IGNORECASE)
_LOCATIVE_AFTER_SPACE = re.compile(r"\s" + _LOCATIVE_WORDS + r"\s", re.IGNORECASE)
_REQUEST_WORDS = ("đề nghị", "yêu cầu", "giao cho", "kiến nghị")
_REPORT_WORDS = ("cho biết", "báo cáo", "thông tin")
_REPORT_AFTER = re.compile(r"^\s*(?:[^\W\d_][\w ]{0,30})?\s*(?:" + "|".join(_REPORT_WORDS) + ")")
_CAMPAIGN_NUMBER = re.compile(r"\d[\d.,]*\s+(?:" + _CAMPAIGN_NOUNS + r")")
_GROUP_INTRO = re.compile(
    r"\bgồm(?:\s+(?:các|có))?(?:\s+(?:quận|huyện|xã|phường|thị xã|thị trấn|đơn vị))?\s*:?\s*$"
)
_COMMEND = re.compile(r"\b(?:tặng|trao|khen thưởng|tuyên dương|biểu dương|công nhận|bằng khen|giấy khen)\b")
_HONOUR_MARKER = re.compile(r"\b(?:cho|trong đó có|gồm|là)(?:\s+các)?\b")
_EXAMPLES = re.compile(r"(?:mô hình|điển hình)[^.\n]*?\b(?:như|gồm)\b\s*:?", re.IGNORECASE)


def _locatives(s: str) -> list[re.Match[str]]:
    """``list(_LOCATIVE.finditer(s))``: a match at the start (the ``^`` branch, tried there first),
    then the ``\\s`` branch's matches after it (``^`` matches nowhere else)."""
    first = _LOCATIVE_AT_START.match(s)
    if first is None:
        return list(_LOCATIVE_AFTER_SPACE.finditer(s))
    return [first, *_LOCATIVE_AFTER_SPACE.finditer(s, first.end())]


def _requested(before: str) -> bool:
    """``re.search(r"(?:đề nghị|…|kiến nghị)\\s*$", before)``: the text ends on one of the words and
    spaces (``str.rstrip`` strips what ``\\s`` matches)."""
    return before.rstrip().endswith(_REQUEST_WORDS)


def _has_examples(s: str) -> bool:
    """``_EXAMPLES.search(s)``, skipped when the lower-cased ``s`` holds no "hình" followed by a
    "như" or a "gồm": every match holds them in that order, and each of their letters is matched
    case-blind only by letters that ``str.lower`` maps to it (see ``regex_speed.literal_gate``)."""
    low = s.lower()
    i = low.find("hình")
    if i < 0 or (low.find("như", i) < 0 and low.find("gồm", i) < 0):
        return False
    return _EXAMPLES.search(s) is not None


# "(?<=[.!?…])\s+(?=[A-Z“"0-9])|\n+" with its first character (a space) taken first: the same
# matches (the look-ahead never accepts a space, so "\s+" always takes the whole run), and ``re``
# skips ahead to a space
_SENTENCE_BREAK = re.compile(r"\s(?:(?<=[.!?…]\s)\s*(?=[" + UPPER + r"“\"0-9])|(?<=\n)\n*)")


def _gated(rx: re.Pattern[str]) -> Callable[[str], re.Match[str] | None]:
    """``rx.search``, which gives None at once for a text that holds none of the strings a match
    starts with (:func:`literal_gate`: most clauses hold no "đề nghị", no "gồm" ...)."""
    gate, search = literal_gate(rx), rx.search
    if gate is None:
        return search

    def gated_search(s: str) -> re.Match[str] | None:
        return search(s) if may_match(gate, s) else None

    return gated_search


_search_commend = _gated(_COMMEND)
_search_group_intro = _gated(_GROUP_INTRO)
_search_agent = _gated(compiled(r"\b(do|được)\s+(?:[^.;:]*?)$"))
_search_member = _gated(compiled(r"\bthuộc\s+(?:\S+\s+){0,2}$"))


def _after_last(s: str, seps: str) -> str:
    """``re.split(f"[{seps}]", s)[-1]``: what follows the last of the characters ``seps`` in ``s``."""
    return s[max(s.rfind(c) for c in seps) + 1 :]


# where a sentence break may start: after a stop mark, or at a line break
_BREAK_MARK = re.compile("[.!?…\n]")


def _sentence_breaks(text: str) -> Iterator[re.Match[str]]:
    """``_SENTENCE_BREAK.finditer(text)``, tried only where a match can start: right after one of
    ``.!?…`` (the first branch's look-behind) or at a line break (the second's); there are far
    fewer of those than of the spaces ``re`` otherwise tries the pattern at.  The positions come in
    order (a mark's is the one after it, a line break's its own), and one inside the last match is
    skipped, as ``finditer`` goes on from a match's end (a match is never empty)."""
    match = _SENTENCE_BREAK.match
    pos = 0
    for c in _BREAK_MARK.finditer(text):
        i = c.start()
        if text[i] != "\n":
            i += 1
        if i < pos:
            continue
        m = match(text, i)
        if m is not None:
            yield m
            pos = m.end()


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences: split after . ! ? … before a capital, and at line breaks that do not wrap a sentence."""
    spans, start = [], 0
    for m in _sentence_breaks(text):
        brk = m.group(0)
        if brk[0] == "\n" and "\n\n" not in brk:  # (a match is never empty)
            j = m.start()
            while j > 0 and text[j - 1] == " ":
                j -= 1
            prev_char = text[j - 1 : j]  # text[: m.start()].rstrip(" ")[-1:]
            next_char = text[m.end() : m.end() + 1]
            if prev_char == "," or next_char.islower():
                continue  # a wrapped line ("... do Hội X,\nTỉnh Đoàn Y và ...")
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def _span_of(pos: int, spans: list[tuple[int, int]], starts: list[int] | None = None) -> tuple[int, int]:
    """The first of ``spans`` holding ``pos``; with ``starts``, the spans' starts (the spans of
    :func:`_sentence_spans`: sorted and disjoint), found by bisection."""
    if starts is not None:
        i = bisect_right(starts, pos) - 1  # the last span starting at or before pos: the only one
        return spans[i] if i >= 0 and pos <= spans[i][1] else (pos, pos)
    for s, e in spans:
        if s <= pos <= e:
            return s, e
    return pos, pos


@dataclass
class _Signals:
    positive: list[str] = field(default_factory=list)
    negative: list[str] = field(default_factory=list)


def _skip_after(
    text: str, pos: int, end: int, mentions: list[UnitMention], idx: int, clause_initial: bool
) -> int:
    """Skip what may sit between a subject and its verb: parents, parentheses, co-ordinated units.

    A comma joins two units only when the first one opens its clause ("A, B và C tổ chức ..."); in
    "Ở huyện A, Ban Chỉ huy ... duy trì" the comma closes an adverbial instead.
    """
    j = idx + 1
    while True:
        m = compiled(r"\s*(?:,|và|-|cùng|với|của)?\s*").match(text, pos)
        nxt = m.end() if m else pos
        comma_ok = clause_initial or (j < len(mentions) and _is_parent_of(text, mentions[j - 1], mentions[j]))
        if (
            j < len(mentions)
            and mentions[j].start == nxt
            and nxt < end
            and ("," not in m.group(0) or comma_ok)
        ):
            pos = mentions[j].end
            j += 1
            continue
        p = compiled(r"\s*\([^()\n]{0,120}\)").match(text, pos)
        if p:
            pos = p.end()
            continue
        t = compiled(r"\s*thuộc\s+(?:Đảng bộ\s+|Đảng ủy\s+)?").match(text, pos)
        if t and j < len(mentions) and mentions[j].start == t.end():
            pos = mentions[j].end
            j += 1
            continue
        return pos


_SITE_WORDS = {
    "và",
    "xã",
    "huyện",
    "tỉnh",
    "làng",
    "ấp",
    "xóm",
    "tiểu",
    "khu",
    "thôn",
    "bản",
    "tổ",
    "dân",
    "phố",
    "an",
    "di",
    "tích",
    "phường",
    "quận",
    "số",
}


def _rank(m: UnitMention) -> int:
    if m.type == "thành phố" and m.name.split(" ", 2)[-1] in gz.MUNICIPALITIES:
        return 0
    return LEVEL_RANK.get(m.type, 9)


def _is_parent_of(text: str, prev: UnitMention | None, m: UnitMention) -> bool:
    """``m`` locates the mention before it: "xã A, huyện B", "A (B)", "A - TP B", "A thuộc huyện B"."""
    if prev is None or prev.kind != "locality" and not prev.name.startswith("Đồn"):
        return False
    if not compiled(r"\s*(?:,|-|\(|thuộc|của)\s*\(?\s*").fullmatch(text[prev.end : m.start]):
        return False
    return _rank(m) < _rank(prev) or prev.kind == "organisation"


def _model_link(pre: str, max_words: int) -> bool:
    """Whether the text before a locative word ends on a model: its quoted name, "mô hình X", a list of examples."""
    if compiled(r"[”″]\s*(?:-\s*)?$").search(pre):
        return True
    if re.search(r"mô hình(?:\s+[^\s,;.]+){0," + str(max_words) + r"}\s*$", pre):
        return True
    return _has_examples(pre) and not re.search(
        r"\b(?:hộ|gia đình|ông|bà|cháu)\b(?:\s+[^\s,;]+){0,4}\s*,?\s*$", pre
    )


def _below_province(m: UnitMention) -> bool:
    if m.kind != "locality" or m.type == "tỉnh":
        return False
    return not (m.type == "thành phố" and m.name.split(" ", 2)[-1] in gz.MUNICIPALITIES)


def _mention_signals(
    text: str,
    ms: list[UnitMention],
    i: int,
    sent: tuple[int, int],
    parens: list[tuple[int, int]],
    prev_signals: Callable[[], _Signals],
    starts: list[int] | None = None,
) -> _Signals:
    """The signals of the mention ``ms[i]`` in its sentence ``sent``; ``prev_signals``: those of
    ``ms[i - 1]``, asked only when it is a hamlet that ``ms[i]`` locates; ``starts``: the mentions'
    starts when ``ms`` is sorted by them (see :func:`_strip_units`)."""
    m = ms[i]
    sig = _Signals()
    before = text[sent[0] : m.start]
    clause_before = _after_last(before, ";:\n")
    in_parens = inside(m.start, parens)
    prev = ms[i - 1] if i > 0 else None
    parent = _is_parent_of(text, prev, m)
    if parent:
        sig.negative.append("parent")
        # the commune of a model's hamlet is a site too ("tại thôn A, xã B"); a district is not
        if (
            m.type in WARD
            and prev is not None  # always: a parent has a mention before it
            and prev.type in ("thôn", "bản")
            and not in_parens
            and "site" in prev_signals().positive
        ):
            sig.positive.append("site")
        return sig
    # a parenthesis right after a model (its quoted name or "mô hình X") names its owner or site
    paren_after_model = in_parens and bool(
        compiled(r"(?:”|″|mô hình[^().;]{0,80})\s*\((?:\s*ở|\s*tại)?[^()]*$").search(before)
    )
    if in_parens and not paren_after_model:
        sig.negative.append("parens")
    if paren_after_model:
        sig.positive.append("paren-owner")
    title = bool(_TITLE_BEFORE.search(before[-40:]))
    if title:
        sig.negative.append("title")
    # honoured: "tặng bằng khen cho 30 tập thể, trong đó có xã A và xã B"
    clause_start = m.start - len(clause_before)
    commend = _search_commend(clause_before)
    marker = list(_HONOUR_MARKER.finditer(clause_before, commend.end())) if commend else []
    if marker and _only_units_between(text, clause_start + marker[-1].end(), m.start, ms, starts):
        sig.positive.append("honoured")
        return sig
    locative = False
    loc = _locatives(clause_before)
    if loc:
        word = loc[-1].group(0).strip()
        words = compiled(r"[^\s,()]+").findall(clause_before[loc[-1].end() :])
        locative = len(words) <= 8 and all(is_cap(w) or w.isdigit() or w in _SITE_WORDS for w in words)
        # "các đơn vị thuộc Bộ Chỉ huy X đã triển khai": the units under X act, X takes part
        if word == "thuộc" and compiled(r"(?:đơn vị|cơ quan|lực lượng)\s+thuộc\s*$").search(clause_before):
            locative = False
        # "Tại Nậm Pồ, Ban Chỉ huy quân sự huyện ... xây dựng": the comma closes the adverbial, and a body
        # after it is the subject (a plain locality after it still continues the address: "làng A, xã B")
        if compiled(r",\s*$").search(clause_before[loc[-1].end() :]) and (
            m.kind == "organisation" or m.organisation
        ):
            locative = False
        if locative:
            pre = before[: len(before) - len(clause_before) + loc[-1].start()]
            if word == "của" and _model_link(pre, 10):
                sig.positive.append("owner")
            elif word in ("tại", "ở") and _model_link(pre, 6) and _below_province(m):
                sig.positive.append("site")
            elif compiled(r"\bnhân (?:rộng|diện|ra)\b").search(clause_before[: loc[-1].start()]):
                sig.positive.append("replica")  # "nhân rộng ra 2 thôn của xã A": the model spreads there
            else:
                sig.negative.append("locative")
    if (
        _search_member(clause_before)
        and "locative" not in sig.negative
        and not compiled(r"(?:đơn vị|cơ quan|lực lượng)\s+thuộc\s*$").search(clause_before)
    ):
        sig.negative.append("member")
        locative = True
    if _requested(before):
        sig.negative.append("request")
    agent = _search_agent(clause_before)
    clause_initial = bool(
        compiled(r"\s*(?:(?:do|được|và|cùng)\s*)?").fullmatch(_after_last(clause_before, ",;:"))
    )
    after_pos = _skip_after(text, m.end, sent[1], ms, i, clause_initial or bool(agent))
    after = text[after_pos : sent[1]]
    verb = bool(_SUBJECT_VERB.match(after))
    if m.bare and _describes_noun(clause_before):
        sig.negative.append("modifier")  # "biên giới An Giang", "người dân TPHCM": not the actor
    if (
        verb
        and not title
        and not locative
        and "request" not in sig.negative
        and not in_parens
        and "modifier" not in sig.negative
    ):
        sig.positive.append("subject")
    if (
        compiled(r"\s*(?:,\s*)?(?:với|thực hiện)\s+(?:\d[\d.,]*\s+)?mô hình|\s*“").match(after)
        and not locative
    ):
        sig.positive.append("model")
    if (
        verb
        and agent
        and _only_units_between(text, agent.start(1) + len(agent.group(1)), m.start, ms, starts)
    ):
        sig.positive.append("agent")
    rest = text[m.end : sent[1]]
    if (
        any(w in rest for w in _REPORT_WORDS)
        and _REPORT_AFTER.match(rest)
        and _CAMPAIGN_NUMBER.search(text[sent[0] : min(len(text), sent[1] + 400)])
    ):
        sig.positive.append("report")
    if _search_group_intro(_strip_units(text, sent[0], m.start, ms, starts)):
        sig.positive.append("group")
    if not in_parens and not title and _has_examples(before):
        sig.positive.append("example")
    return sig


def _strip_units(
    text: str, start: int, end: int, ms: list[UnitMention], starts: list[int] | None = None
) -> str:
    """The text between ``start`` and ``end`` with other mentions and list commas removed.

    ``starts``: the mentions' starts when ``ms`` is sorted by them; then only the mentions starting
    in [start, end] are looked at (a later one ends after ``end``), the same ones in the same order."""
    out, pos = [], start
    lo, hi = (bisect_left(starts, start), bisect_right(starts, end)) if starts is not None else (0, len(ms))
    for x in ms[lo:hi]:
        if x.start >= start and x.end <= end:
            out.append(text[pos : x.start])
            pos = x.end
    out.append(text[pos:end])
    return _drop_list_tail("".join(out))


def _drop_list_tail(s: str) -> str:
    """``re.sub(r"(?:\\s*(?:,|và)\\s*)+$", " ", s)``: a tail of commas, "và" and spaces (one of the
    first two at least) becomes one space; read backwards (the pattern tries every start)."""
    p = len(s)
    listed = False
    while p:
        if s[p - 1].isspace():
            p -= 1
        elif s[p - 1] == ",":
            p, listed = p - 1, True
        elif s.endswith("và", 0, p):
            p, listed = p - 2, True
        else:
            break
    return s[:p] + " " if listed else s


def _only_units_between(
    text: str, start: int, end: int, ms: list[UnitMention], starts: list[int] | None = None
) -> bool:
    rest = _strip_units(text, start, end, ms, starts)
    # nothing left once spaces, commas, "và" and "các" are removed
    return compiled(r"(?:[\s,]|\bvà\b|\bcác\b)*").fullmatch(rest) is not None


def participating_units(text: str, ctx: ArticleContext) -> list[UnitRecord]:
    """The units table: mentioned units that take part in the campaign, in order of first mention.

    A unit takes part when the article's lead is about it (its main unit) or when one of its
    mentions acts in its sentence: the subject of a campaign verb (tổ chức, xây dựng, đăng ký,
    tuyên dương, có N mô hình ...), the agent after ``do``/``được``, the owner or site of a model
    (``mô hình “…” của X``, ``“…” ở xã X``, ``(Hội Nông dân tỉnh)`` after a model), a unit in a
    list of examples of models, a member of a group (``gồm các quận: …``), or the body whose
    official reports the figures.  Addresses (after ``tại``/``ở``/``trên địa bàn`` with no model),
    parenthesised locators, the parents in ``xã A, huyện B``, people's affiliations
    (``Bí thư Huyện ủy X``), national launchers and page furniture do not count.
    """
    main_key = fold(ctx.main_unit.name) if ctx.main_unit else None
    chosen: dict[str, UnitMention] = {}
    first: dict[str, UnitMention] = {}
    ms, signals = _signals_table(text, ctx)
    for i, m in enumerate(ms):
        key = fold(m.name)
        if key in NON_PARTICIPANTS or (m.kind == "locality" and not m.name.split(" ", 1)[-1].strip()):
            continue
        first.setdefault(key, m)
        # a unit chosen already, or the main unit, needs no signals (most mentions: they are not computed)
        if key not in chosen and (key == main_key or signals(i).positive):
            chosen[key] = m
    return [_unit_record(chosen[key], first[key]) for key in first if key in chosen]


def _unit_record(m: UnitMention, first: UnitMention) -> UnitRecord:
    """A row of the units table; its provenance is the mention that shows the unit taking part."""
    return UnitRecord(
        name=m.name,
        type=m.type,
        province=m.province or first.province,
        written=m.written,
        organisation=m.organisation,
        prov=Provenance(
            start=m.start, end=m.end, extractor=EXTRACTOR_NAME, extractor_version=EXTRACTOR_VERSION
        ),
    )


def explain_units(text: str, ctx: ArticleContext) -> list[tuple[UnitMention, list[str], list[str]]]:
    """Every mention of the article's body with its positive and negative participation signals."""
    ms, signals = _signals_table(text, ctx)
    out = []
    for i, m in enumerate(ms):
        sig = signals(i)
        out.append((m, sig.positive, sig.negative))
    return out


def _signals_table(text: str, ctx: ArticleContext) -> tuple[list[UnitMention], Callable[[int], _Signals]]:
    """The mentions of the article's body, and the signals of the ``i``-th of them, worked out when
    first asked for and kept (a mention reads the signals of the one before it only after a hamlet)."""
    limit = body_end(text)
    ms = [m for m in ctx.mentions if m.start < limit]
    sents = _sentence_spans(text)
    sent_starts = [s for s, _ in sents]
    parens = paren_spans(text)
    starts = [m.start for m in ms]
    sorted_starts = starts if starts == sorted(starts) else None  # sorted, as article_context gives them
    known: dict[int, _Signals] = {}

    def signals(i: int) -> _Signals:
        if i not in known:
            sent = _span_of(ms[i].start, sents, sent_starts)
            known[i] = _mention_signals(text, ms, i, sent, parens, lambda: signals(i - 1), sorted_starts)
        return known[i]

    return ms, signals
