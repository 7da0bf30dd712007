"""The rule extractors as spaCy pipeline components over one ``Doc``.

Each component is a named callable ``Doc -> Doc`` (spaCy's contract): it computes
with the pure functions of its module, then writes its results to the Doc, as
``doc._.<attr>`` records and as a span group ``doc.spans["dvk_<table>"]`` whose
spans are character offsets into the cleaned text.  Order matters and is declared
in :data:`RULE_COMPONENTS`; the trained components of a later issue join the same
pipeline under their own names.

``doc._.meta`` carries the article's metadata (``published``, ``title``), set by
:func:`extractors.pipeline.Extractor.extract` before the components run.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from operator import itemgetter

from spacy.language import Language
from spacy.tokens import Doc

from extractors import attach, domains, gazetteer, model_names, numbers, periods, stats, units
from extractors.records import UNIT_TYPES, ModelRecord, Provenance, StatRecord, UnitRecord

RULES_VERSION = "0.1.0"

# name, what it reads, what it writes (spaCy's requires/assigns): a rerun redoes a component
# whose version changed and every component that reads what it writes (extractors.layers), so
# every ``doc._`` attribute a component reads or writes must be listed here.  The Doc's text,
# tokens and ``doc._.meta`` are the base of every layer (a change to them redoes everything).
RULE_COMPONENTS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("dvk_relevance", (), ("doc._.relevant",)),
    ("dvk_quantities", (), ("doc._.quantities",)),
    ("dvk_periods", (), ("doc._.periods",)),
    (
        "dvk_units",
        ("doc._.meta", "doc._.relevant"),
        ("doc._.unit_context", "doc._.unit_mentions", "doc._.units", "doc.spans['dvk_units']"),
    ),
    ("dvk_models", ("doc._.relevant", "doc._.unit_context"), ("doc._.models", "doc.spans['dvk_models']")),
    (
        "dvk_stats",
        ("doc._.meta", "doc._.relevant", "doc._.quantities", "doc._.periods", "doc._.unit_context"),
        ("doc._.stat_mentions",),
    ),
    (
        "dvk_stats_records",
        ("doc._.stat_mentions", "doc._.unit_context", "doc._.units"),
        ("doc._.stats", "doc._.units", "doc.spans['dvk_stats']"),  # joins the province to the units
    ),
)

#: The ``extractors`` modules each component runs (besides this one); with the modules they
#: import, their source is the component's version (extractors.layers.component_versions).
COMPONENT_MODULES: dict[str, tuple[str, ...]] = {
    "dvk_relevance": (),
    "dvk_quantities": ("numbers",),
    "dvk_periods": ("periods",),
    "dvk_units": ("units", "gazetteer"),
    "dvk_models": ("model_names", "attach", "domains", "gazetteer", "records"),
    "dvk_stats": ("stats", "attach", "domains"),
    "dvk_stats_records": ("stats", "attach", "gazetteer", "records"),
}

#: Third-party packages whose data a component reads (their versions are part of its version).
COMPONENT_PACKAGES: dict[str, tuple[str, ...]] = {
    "dvk_units": ("vietnamadminunits",),
    "dvk_models": ("vietnamadminunits",),
    "dvk_stats": ("vietnamadminunits",),
    "dvk_stats_records": ("vietnamadminunits",),
}

_EXTENSIONS = (
    "relevant",
    "meta",
    "quantities",
    "periods",
    "unit_context",
    "units",
    "models",
    "stats",
    "unit_mentions",
    "stat_mentions",
)


def register_extensions() -> None:
    """Register the Doc attributes dvk uses (idempotent)."""
    for name in _EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


register_extensions()


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per Doc (spaCy rebuilds it from every token on each access)."""
    text = doc.user_data.get("dvk_text")  # set by extractors.document.doc_from_tokens
    if text is None:
        text = doc.user_data["dvk_text"] = doc.text
    return text


def _sentences(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``doc``, computed once per Doc (``doc.sents`` walks every token)."""
    cached = doc.user_data.get("dvk_sentences")  # set by extractors.document.doc_from_tokens
    if cached is None:
        cached = doc.user_data["dvk_sentences"] = [(s.start_char, s.end_char) for s in doc.sents]
    return list(cached) or [(0, len(doc_text(doc)))]


def _sentence_of(sents: list[tuple[int, int]], pos: int) -> int:
    """The sentence holding ``pos`` (else the last one starting before it, else the first).

    ``sents`` are in text order and do not overlap (:func:`_sentences`): the sentence holding
    ``pos`` is then the last one starting at or before it, found by bisection."""
    return max(0, bisect_right(sents, (pos, _AFTER_ANY_END)) - 1)


_AFTER_ANY_END = float("inf")


def _prov(sents: list[tuple[int, int]], start: int, end: int, name: str) -> Provenance:
    return Provenance(
        sentence=_sentence_of(sents, start),
        start=start,
        end=end,
        extractor=name,
        extractor_version=RULES_VERSION,
    )


def _span_group(doc: Doc, key: str, offsets: list[tuple[int, int, str]]) -> None:
    if doc.user_data.get("dvk_records_only"):  # a Doc without word tokens (document.records_doc)
        return
    spans = []
    for start, end, label in offsets:
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans[key] = spans


def _meta(doc: Doc) -> dict:
    return doc._.meta or {}


def _article_year(doc: Doc) -> int | None:
    published = _meta(doc).get("published") or ""
    m = re.match(r"((?:19|20)\d{2})", str(published))
    return int(m.group(1)) if m else None


# The campaign and its cousins ("Đơn vị dân vận tốt", "Năm dân vận chính quyền") and the
# words its reports cannot do without; an article with none of them (a market report's
# prices, say) reports none of its figures.  Deliberately broad: dropping a campaign
# article costs all its rows, letting an off-topic one through costs a few.
_CAMPAIGN = re.compile(r"(?i)dân\s+vận|vận\s+động|mô\s+hình|điển\s+hình|thi\s+đua|phong\s+trào")


@Language.component("dvk_relevance")
def relevance_component(doc: Doc) -> Doc:
    """Whether the article can be about the campaign at all: the other components find
    nothing in an article that names neither it nor any of its staple words."""
    doc._.relevant = bool(_CAMPAIGN.search(doc_text(doc)))
    return doc


def _relevant(doc: Doc) -> bool:
    return doc._.relevant is not False


@Language.component("dvk_quantities")
def quantities_component(doc: Doc) -> Doc:
    doc._.quantities = numbers.find_quantities(doc_text(doc))
    return doc


@Language.component("dvk_periods")
def periods_component(doc: Doc) -> Doc:
    doc._.periods = periods.find_periods(doc_text(doc))
    return doc


@Language.component("dvk_units")
def units_component(doc: Doc) -> Doc:
    ctx = units.article_context(doc_text(doc), _meta(doc).get("title"))
    if not _relevant(doc):
        ctx.mentions = []
    hint = _meta(doc).get("province")
    if ctx.province is None and hint:
        # the text names no province: the metadata's (a sidecar's) stands in
        ctx.province = gazetteer.canonical_province(str(hint))
    doc._.unit_context = ctx
    doc._.unit_mentions = list(ctx.mentions)
    sents = _sentences(doc)
    records = units.participating_units(doc_text(doc), ctx) if _relevant(doc) else []
    for rec in records:
        first = next((m for m in ctx.mentions if m.name == rec.name and not m.implicit), None)
        if rec.prov is None and first is not None:
            rec.prov = _prov(sents, first.start, first.end, "dvk.units_rule.v1")
        elif rec.prov is not None:
            rec.prov.sentence = _sentence_of(sents, rec.prov.start)
        if first is not None and not rec.written:
            rec.written = first.written
    doc._.units = records
    _span_group(doc, "dvk_units", [(m.start, m.end, m.type) for m in ctx.mentions if not m.implicit])
    return doc


def _unit_fields(unit, ctx, pos: int) -> tuple[str | None, str | None]:
    """(unit, province) of a record at ``pos``; with no unit in reach, the province of its
    section (the article's, unless a stacked page's) stands for it."""
    province = ctx.province_at(pos) if ctx is not None else None
    if unit is None:
        if province:
            return f"{gazetteer.province_type(province)} {province}", province
        return None, None
    return unit.name, unit.province or province


def _figure_context(doc: Doc):
    """What attaching a figure or a name to its unit and period reads: text, sentences,
    paragraphs, the unit context and its mentions."""
    text = doc_text(doc)
    sents = _sentences(doc)
    paras = attach.paragraphs_of(text)
    ctx = doc._.unit_context
    mentions = list(ctx.mentions) if ctx is not None else []
    return text, sents, paras, ctx, mentions


def _attach_context(doc: Doc):
    """:func:`_figure_context` and the paragraphs' topics (model names' owners read them)."""
    text, sents, paras, ctx, mentions = _figure_context(doc)
    return text, sents, paras, ctx, mentions, attach.paragraph_topics(text, paras, mentions)


@Language.component("dvk_models")
def models_component(doc: Doc) -> Doc:
    text, sents, paras, ctx, mentions, topics = _attach_context(doc)
    records = []
    for m in model_names.find_model_names(text, sents) if _relevant(doc) else []:
        si = _sentence_of(sents, m.start)
        owner = None
        if m.owner_start is not None and m.owner_end is not None:
            inside = [u for u in mentions if m.owner_start <= u.start and u.end <= m.owner_end]
            owner = inside[0] if inside else None
        if m.shared:  # several owners: the model is theirs together, no one unit's
            unit, province = None, ctx.province_at(m.start) if ctx is not None else None
        else:
            if owner is None:
                main = ctx.main_at(m.start) if ctx is not None else None
                owner = attach.unit_at(text, m.start, si, sents, paras, mentions, main, topics)
            unit, province = _unit_fields(owner, ctx, m.start)
        s_start, s_end = sents[si]
        domain = domains.classify_domain(m.name, text[s_start:s_end])
        records.append(
            ModelRecord(
                name=m.name,
                unit=unit,
                province=province,
                domain=domain,
                evidence=text[m.ev_start : m.ev_end],
                prov=_prov(sents, m.ev_start, m.ev_end, "dvk.models_rule.v1"),
            )
        )
    doc._.models = records
    _span_group(doc, "dvk_models", [(r.prov.start, r.prov.end, "MODEL") for r in records])
    return doc


@Language.component("dvk_stats")
def stats_component(doc: Doc) -> Doc:
    text, sents, paras, ctx, mentions = _figure_context(doc)  # figures take no paragraph topics
    found = (
        stats.find_stats(text, sents, doc._.quantities or [], word_after=_word_after(doc))
        if _relevant(doc)
        else []
    )
    pers = doc._.periods or []
    title_end = paras[0][1] if paras else 0
    pctx = attach.PeriodContext(
        text, sents, paras, pers, _article_year(doc), attach.title_period(text, pers, title_end)
    )
    for s in found:
        s.period = attach.period_at(pctx, s.num_start, s.sentence, event=s.action == "commended")
        s.unit = attach.unit_at(
            text,
            s.num_start,
            s.sentence,
            sents,
            paras,
            mentions,
            ctx.main_at(s.num_start) if ctx is not None else None,
            province=ctx.province_at(s.num_start) if ctx is not None else None,
            whole_locality=True,
        )
        s_start, s_end = sents[s.sentence]
        s.domain = domains.stated_domain(text[s_start:s_end], at=s.num_start - s_start)
    doc._.stat_mentions = found
    return doc


@Language.component("dvk_stats_records")
def stats_records_component(doc: Doc) -> Doc:
    """One record per fact (repeats merged) from the attached mentions."""
    text, sents, ctx = doc_text(doc), _sentences(doc), doc._.unit_context
    records = []
    for s in stats.merge_repeats(text, list(doc._.stat_mentions or [])):
        unit, province = _unit_fields(s.unit, ctx, s.num_start)
        if s.unit is None or isinstance(s.unit, attach.ProvinceUnit):
            _join_units_table(doc, s.unit, unit, province, sents)
        records.append(
            StatRecord(
                value=s.value,
                item=s.item,
                approx=s.approx,
                ratio_of=s.ratio_of,
                percent=s.percent,
                action=s.action,
                unit=unit,
                province=province,
                period=s.period,
                per_year=s.per_year,
                level=s.level,
                domain=s.domain,
                evidence=text[s.start : s.end],
                prov=_prov(sents, s.start, s.end, "dvk.stats_rule.v1"),
            )
        )
    doc._.stats = records
    _span_group(doc, "dvk_stats", [(r.prov.start, r.prov.end, "STAT") for r in records])
    return doc


def _join_units_table(doc: Doc, mention, name: str | None, province: str | None, sents) -> None:
    """The article's province, standing in for the unit of figures that name none, reports
    them: it takes part, so it joins the units table if it is not there (measured: joining
    every figure's unit lost precision on the development set)."""
    if not name:
        return
    listed = {units_key(u.name) for u in doc._.units or []}
    if units_key(name) in listed:
        return
    utype = getattr(mention, "type", None) or name.split(" ")[0].lower()
    if utype not in UNIT_TYPES:
        utype = "tổ chức"
    rec = UnitRecord(
        name=name, type=utype, province=province, written=getattr(mention, "written", "") or name
    )
    start, end = getattr(mention, "start", None), getattr(mention, "end", None)
    if start is not None and end is not None:
        rec.prov = _prov(sents, start, end, "dvk.units_rule.v1")
    doc._.units = [*(doc._.units or []), rec]


def units_key(name: str) -> str:
    return " ".join(name.lower().replace("uỷ", "ủy").split())


def _word_after(doc: Doc):
    """The word token (the tokenizer's segmentation) starting at a character offset."""
    tokens = doc.user_data.get("dvk_tokens")  # (start, end[, text]): extractors.document
    if tokens is None:
        tokens = [(t.idx, t.idx + len(t.text)) for t in doc if not t.is_space]
    text = doc_text(doc)

    def word_after(pos: int) -> tuple[str, int] | None:
        # the tokens are in text order: bisected on their starts (a few figures ask, so no list
        # of every start is built for them)
        i = bisect_left(tokens, pos, key=_token_start)
        if i == len(tokens) or tokens[i][0] != pos:
            return None
        end = tokens[i][1]
        word = text[pos:end]
        if not word[:1].isalpha() or not word[:1].islower():
            return None
        return word, end

    return word_after


_token_start = itemgetter(0)


def unit_records(doc: Doc) -> list[UnitRecord]:
    return list(doc._.units or [])
