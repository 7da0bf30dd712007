"""Attachment ranker: for each statistic, which unit and which period it belongs to.

The rules of :mod:`extractors.attach` pick one unit and one period per number by a fixed
order of preferences.  This component ranks every candidate instead:

* units: each distinct unit named in the article (its mentions grouped by canonical name),
  the article's main unit, and the article's province standing as a unit ("toàn tỉnh")
  (or "no unit" when the article has no province);
* periods: each resolved period the article names (relative ones counted back as the rules
  count them), the headline's period, the lede's opening period, and "no period".

Each (statistic, candidate) pair is described by general features (where the candidate's
nearest mention sits relative to the number: same sentence / paragraph, before / after,
distance in characters and sentences; whether it opens its sentence; an address word or a
parenthesis before it; its type and level against the main unit; how often it is named;
whether the rules chose it; for periods their kind, headline / lede position, the statistic's
action ...), never the strings themselves.  A pointwise :class:`LinearModel` (label: the
candidate is the gold one) scores them and the best one wins; one model for units, one for
periods, saved together in ``model.json``.

Modes: ``ml`` always takes the ranker's choice; ``hybrid`` takes it only when its score beats
the rules' choice by more than a margin chosen by inner cross-validation on the training
articles (stored in the artifact).

Training data: the rule pipeline's stat mentions on each annotated article, matched to the
gold statistics by value and item (the scorer's rule); a mention whose gold unit / period is
not among the candidates is left out of that model's training.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from extractors import attach, gazetteer
from extractors.learn.artifacts import ModelCard, require_model_json
from extractors.learn.data import AnnotatedArticle, article_folds
from extractors.learn.linear import LinearModel
from extractors.unit_grammar import LEVEL_RANK, NON_PARTICIPANTS, fold, inside, paren_spans

NAME = "attachment_ranker"
VERSION = "1.0.0"
PIPE = "dvk_ml_attachment_ranker"
C = 0.3
USE_RULE = True  # the rules' choice is a feature (without it: CV unit 0.925, period 0.825)
MARGINS = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, math.inf)

Features = dict[str, float]


# --- context and candidates ------------------------------------------------------


@dataclass(slots=True)
class DocContext:
    """What the ranker reads of a Doc after the rule components ran."""

    text: str
    sents: list[tuple[int, int]]
    paras: list[tuple[int, int]]
    mentions: list
    main: object | None
    province: str | None
    pctx: attach.PeriodContext
    title_end: int
    lede_end: int
    parens: list[tuple[int, int]] = field(default_factory=list)


@dataclass(slots=True)
class UnitCand:
    key: str  # the output unit name, folded (None: "")
    obj: object | None  # what goes to StatMention.unit
    mentions: list  # its mentions in the text (may be empty)
    is_main: bool = False
    is_province: bool = False


@dataclass(slots=True)
class PeriodCand:
    value: str | None
    mentions: list  # (PeriodMention, resolved) pairs
    in_title: bool = False
    in_lede: bool = False


def _idx(spans: Sequence[tuple[int, int]], pos: int) -> int:
    for i, (s, e) in enumerate(spans):
        if s <= pos < e:
            return i
    return max(0, sum(1 for s, _e in spans if s <= pos) - 1)


def doc_context(doc: Doc) -> DocContext:
    from extractors.components import _article_year, _sentences, doc_text

    text = doc_text(doc)
    sents = _sentences(doc)
    paras = attach.paragraphs_of(text) or [(0, len(text))]
    ctx = doc._.unit_context
    mentions = list(ctx.mentions) if ctx is not None else []
    pers = list(doc._.periods or [])
    title_end = paras[0][1] if paras else 0
    pctx = attach.PeriodContext(
        text, sents, paras, pers, _article_year(doc), attach.title_period(text, pers, title_end)
    )
    return DocContext(
        text=text,
        sents=sents,
        paras=paras,
        mentions=mentions,
        main=ctx.main_unit if ctx is not None else None,
        province=ctx.province if ctx is not None else None,
        pctx=pctx,
        title_end=title_end,
        lede_end=attach._lede_end(paras),
        parens=paren_spans(text),
    )


def unit_key(unit, province: str | None) -> str:
    """The folded output name of a unit choice (None stands for the province as a unit)."""
    if unit is None:
        return fold(f"{gazetteer.province_type(province)} {province}") if province else ""
    return fold(unit.name)


def unit_candidates(dc: DocContext) -> list[UnitCand]:
    by_key: dict[str, UnitCand] = {}
    for m in dc.mentions:
        k = unit_key(m, dc.province)
        if k not in by_key:
            by_key[k] = UnitCand(k, m, [])
        by_key[k].mentions.append(m)
    if dc.main is not None:
        k = unit_key(dc.main, dc.province)
        by_key.setdefault(k, UnitCand(k, dc.main, []))
        by_key[k].is_main = True
    k = unit_key(None, dc.province)
    if k in by_key:
        by_key[k].is_province = True
    elif dc.province:
        ptype = gazetteer.province_type(dc.province)
        by_key[k] = UnitCand(
            k, attach.ProvinceUnit(f"{ptype} {dc.province}", ptype, dc.province), [], False, True
        )
    else:
        by_key[k] = UnitCand(k, None, [])
    return list(by_key.values())


def period_candidates(dc: DocContext) -> list[PeriodCand]:
    by_value: dict[str | None, PeriodCand] = {}
    for p in dc.pctx.periods:
        v = attach._resolved(dc.pctx, p)
        if v is None:
            continue
        by_value.setdefault(v, PeriodCand(v, []))
        by_value[v].mentions.append(p)
        if p.start < dc.title_end:
            by_value[v].in_title = True
        elif p.start < dc.lede_end:
            by_value[v].in_lede = True
    if dc.pctx.title_period is not None:
        by_value.setdefault(dc.pctx.title_period, PeriodCand(dc.pctx.title_period, [])).in_title = True
    by_value.setdefault(None, PeriodCand(None, []))
    return list(by_value.values())


# --- features --------------------------------------------------------------------


def _bucket(n: float) -> str:
    if n <= 0:
        return "0"
    return str(min(8, int(math.log2(n + 1))))


_ADDRESS = re.compile(r"(?i)(?:tại|ở|trên địa bàn|địa bàn|thuộc|của|về|đến|cho)\s*(?:các\s+)?$")
_WHOLE = re.compile(r"(?i)(?:toàn|cả|trên địa bàn)\s+(tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)")


def _stat_base(s) -> Features:
    f: Features = {"bias": 1.0}
    f[f"act={s.action}"] = 1.0
    f[f"lvl={s.level}"] = 1.0
    if s.percent:
        f["pct"] = 1.0
    return f


def unit_features(dc: DocContext, s, cands: Sequence[UnitCand], rule_key: str) -> list[Features]:
    text = dc.text
    si = s.sentence
    s_start, s_end = dc.sents[si]
    pi = _idx(dc.paras, s.num_start)
    p_start, _p_end = dc.paras[pi]
    clause = max(text.rfind(";", s_start, s.num_start), text.rfind(",", s_start, s.num_start), s_start)
    whole = None
    for m in _WHOLE.finditer(text, s_start, s.num_start):
        whole = m.group(1).lower()
    sent_first = [
        m for m in dc.mentions if s_start <= m.start < s.num_start and not attach._is_address(text, m)
    ]
    sent_first_key = unit_key(sent_first[0], dc.province) if sent_first else None
    main_rank = LEVEL_RANK.get(getattr(dc.main, "type", ""), 9)
    rows = []
    base = _stat_base(s)
    for c in cands:
        f = dict(base)
        pos: list[str] = []
        if c.obj is None:
            pos.append("none")
        ctype = getattr(c.obj, "type", "none")
        kind = getattr(c.obj, "kind", "prov" if c.is_province else "none")
        f[f"type={ctype}"] = 1.0
        f[f"type={ctype}&lvl={s.level}"] = 1.0
        f[f"kind={kind}"] = 1.0
        rank = LEVEL_RANK.get(ctype, 9)
        rel = "same" if rank == main_rank else ("above" if rank < main_rank else "below")
        f[f"rel_main={rel}"] = 1.0
        if c.is_main:
            pos.append("main")
        if c.is_province:
            pos.append("prov")
        if c.key == rule_key and USE_RULE:
            pos.append("rule")
        if fold(getattr(c.obj, "name", "") or "") in NON_PARTICIPANTS:
            f["national"] = 1.0
        f[f"count={_bucket(len(c.mentions))}"] = 1.0
        ms = c.mentions
        before_s = [m for m in ms if s_start <= m.start and m.end <= s.num_start]
        after_s = [m for m in ms if s.num_start <= m.start < s_end]
        before_p = [m for m in ms if p_start <= m.start < s_start]
        before_doc = [m for m in ms if m.start < p_start]
        after_doc = [m for m in ms if m.start >= s_end]
        if before_s:
            m = before_s[-1]
            pos.append("sent_before")
            f[f"dist_before={_bucket(s.num_start - m.end)}"] = 1.0
            if m.start >= clause:
                pos.append("same_clause")
            if attach._is_address(text, m):
                pos.append("address")
            if inside(m.start, dc.parens):
                pos.append("parens")
            if getattr(m, "implicit", False):
                pos.append("implicit")
            if c.key == sent_first_key:
                pos.append("sent_first")
            if m.start - s_start < 3:
                pos.append("sent_opens")
        if after_s:
            m = after_s[0]
            pos.append("sent_after")
            f[f"dist_after={_bucket(m.start - s.num_start)}"] = 1.0
            if _ADDRESS.search(text[max(0, m.start - 20) : m.start]):
                pos.append("after_address")
        if before_p:
            pos.append("para_before")
            m = before_p[-1]
            f[f"sdist_para={_bucket(si - _idx(dc.sents, m.start))}"] = 1.0
            if m.start - p_start < 3:
                pos.append("para_opens")
        if before_doc:
            pos.append("doc_before")
            f[f"pdist={_bucket(pi - _idx(dc.paras, before_doc[-1].start))}"] = 1.0
        if after_doc:
            pos.append("doc_after")
        if any(m.start < dc.title_end for m in ms):
            pos.append("title")
        if whole is not None and (ctype == whole or (c.is_province and whole in ("tỉnh", "thành phố"))):
            pos.append("whole")
        for p in pos:
            f[p] = 1.0
            f[f"{p}&type={ctype}"] = 1.0
            f[f"{p}&act={s.action}"] = 0.5
        for i, p in enumerate(pos):
            for q in pos[i + 1 :]:
                f[f"{p}&{q}"] = 1.0
        rows.append(f)
    return rows


def period_features(dc: DocContext, s, cands: Sequence[PeriodCand], rule_value: str | None) -> list[Features]:
    text = dc.text
    s_start, s_end = dc.sents[s.sentence]
    pi = _idx(dc.paras, s.num_start)
    p_start, _p_end = dc.paras[pi]
    in_sent = [p for p in dc.pctx.periods if s_start <= p.start < s_end]
    cumulative = any(p.kind == "cumulative" for p in in_sent)
    year = dc.pctx.article_year
    rows = []
    base = _stat_base(s)
    if cumulative:
        base["cumulative_in_sent"] = 1.0
    if in_sent:
        base["periods_in_sent"] = 1.0
    for c in cands:
        f = dict(base)
        pos: list[str] = []
        v = c.value
        if v is None:
            pos.append("none")
            shape = "none"
        else:
            shape = (
                "open"
                if v.endswith("-")
                else "range"
                if re.fullmatch(r"\d{4}-\d{4}", v)
                else "year"
                if re.fullmatch(r"\d{4}", v)
                else "part"
            )
            y = attach.year_of(v)
            if year is not None and y is not None:
                f[f"to_pub={max(-3, min(3, y - year))}"] = 1.0
        f[f"shape={shape}"] = 1.0
        f[f"shape={shape}&act={s.action}"] = 1.0
        for k in sorted({p.kind for p in c.mentions}):
            f[f"kind={k}"] = 1.0
        if v == rule_value and USE_RULE:
            pos.append("rule")
        if c.in_title:
            pos.append("title")
        if c.in_lede:
            pos.append("lede")
        f[f"count={_bucket(len(c.mentions))}"] = 1.0
        before_s = [p for p in c.mentions if s_start <= p.start < s.num_start]
        after_s = [p for p in c.mentions if s.num_start <= p.start < s_end]
        before_p = [p for p in c.mentions if p_start <= p.start < s_start]
        after_p = [p for p in c.mentions if s_end <= p.start < _p_end]
        before_doc = [p for p in c.mentions if p.start < p_start]
        if before_s:
            p = before_s[-1]
            pos.append("sent_before")
            f[f"dist_before={_bucket(s.num_start - p.end)}"] = 1.0
            if any(q.start > p.start and q.start < s.num_start for q in in_sent if q.value != v):
                pos.append("not_nearest")
        if after_s:
            p = after_s[0]
            pos.append("sent_after")
            f[f"dist_after={_bucket(p.start - s.num_start)}"] = 1.0
            if ";" in text[s.num_start : p.start]:
                pos.append("after_semicolon")
        if before_p:
            pos.append("para_before")
        if after_p:
            pos.append("para_after")
        if before_doc:
            pos.append("doc_before")
        if c.mentions and all(p.kind == "relative" for p in c.mentions):
            pos.append("relative_only")
        for p in pos:
            f[p] = 1.0
            f[f"{p}&shape={shape}"] = 1.0
            f[f"{p}&act={s.action}"] = 0.5
            if cumulative:
                f[f"{p}&cumul"] = 1.0
        for i, p in enumerate(pos):
            for q in pos[i + 1 :]:
                f[f"{p}&{q}"] = 1.0
        rows.append(f)
    return rows


# --- training ---------------------------------------------------------------------


@dataclass(slots=True)
class Group:
    """One statistic's candidates for one task: feature rows, gold flags, the rules' choice."""

    rows: list[Features]
    gold: list[bool]
    rule: int  # index of the rules' choice


def _gold_for(doc, a: AnnotatedArticle) -> list[tuple[object, dict]]:
    """(stat mention, gold stat) pairs: same value and item, as the scorer matches them."""
    from pipeline.evaluate import stat_match
    from pipeline.normalise import normalise_item

    gold = list(a.gold.get("stats") or [])
    out = []
    for s in doc._.stat_mentions or []:
        pred = {"value": s.value, "item": normalise_item(s.item)}
        g = next((g for g in gold if stat_match(g, pred)), None)
        if g is not None:
            out.append((s, g))
    return out


def _period_norm(v) -> str:
    from pipeline.evaluate import norm_field
    from pipeline.normalise import normalise_period

    return norm_field(normalise_period(v))


def article_groups(doc, a: AnnotatedArticle) -> tuple[list[Group], list[Group]]:
    """The unit and period groups of one annotated article."""
    dc = doc_context(doc)
    ucands = unit_candidates(dc)
    pcands = period_candidates(dc)
    ugroups, pgroups = [], []
    for s, g in _gold_for(doc, a):
        rk = unit_key(s.unit, dc.province)
        gk = fold(g.get("unit") or "")
        rows = unit_features(dc, s, ucands, rk)
        flags = [c.key == gk for c in ucands]
        if any(flags):
            ugroups.append(Group(rows, flags, _rule_index([c.key for c in ucands], rk)))
        gp = _period_norm(g.get("period"))
        rows = period_features(dc, s, pcands, s.period)
        flags = [_period_norm(c.value) == gp for c in pcands]
        if any(flags):
            pgroups.append(Group(rows, flags, _rule_index([c.value for c in pcands], s.period)))
    return ugroups, pgroups


def _rule_index(keys: list, rule) -> int:
    return keys.index(rule) if rule in keys else -1


def _fit(groups: Sequence[Group], seed: int) -> LinearModel:
    rows = [r for g in groups for r in g.rows]
    labels = ["1" if y else "0" for g in groups for y in g.gold]
    return LinearModel(n_features=2**12, C=C, random_state=seed).fit(rows, labels)


def _scores(model: LinearModel, rows: Sequence[Features]) -> np.ndarray:
    z = model.decision(rows)
    col = z[:, 0]
    return col if model.classes_[-1] == "1" else -col


def choose(scores: np.ndarray, rule: int, margin: float) -> int:
    """The candidate taken: the best one, unless the rules' choice is within ``margin`` of it."""
    best = int(np.argmax(scores))
    if rule < 0 or margin == 0.0:
        return best
    return best if scores[best] - scores[rule] > margin else rule


def group_scores(model: LinearModel, groups: Sequence[Group]) -> list[np.ndarray]:
    """The model's scores of every group's candidates (one hashing pass for all of them)."""
    if not groups:
        return []
    z = _scores(model, [r for g in groups for r in g.rows])
    out, i = [], 0
    for g in groups:
        out.append(z[i : i + len(g.rows)])
        i += len(g.rows)
    return out


def _hits(model: LinearModel, groups: Sequence[Group], margins: Sequence[float]) -> list[int]:
    sc = group_scores(model, groups)
    return [sum(g.gold[choose(z, g.rule, m)] for g, z in zip(groups, sc, strict=True)) for m in margins]


def _accuracy(model: LinearModel, groups: Sequence[Group], margin: float) -> float:
    return _hits(model, groups, [margin])[0] / len(groups) if groups else 0.0


def _rule_accuracy(groups: Sequence[Group]) -> float:
    return sum(g.rule >= 0 and g.gold[g.rule] for g in groups) / len(groups) if groups else 0.0


def _groups(articles: Sequence[AnnotatedArticle]) -> list[tuple[list[Group], list[Group]]]:
    from extractors.learn.rule_docs import rule_doc

    return [article_groups(rule_doc(a), a) for a in articles]


def _inner_margin(per_article: list[tuple[list[Group], list[Group]]], task: int, seed: int) -> float:
    """The hybrid margin that maximises out-of-fold accuracy on the training articles."""
    k = min(5, len(per_article))
    if k < 2:
        return 0.0
    folds = _folds(len(per_article), k, seed)
    hits = {m: 0 for m in MARGINS}
    for fold_idx in folds:
        held = set(fold_idx)
        train = [g for i, pa in enumerate(per_article) if i not in held for g in pa[task]]
        test = [g for i in fold_idx for g in per_article[i][task]]
        if not train or not test or len({y for g in train for y in g.gold}) < 2:
            continue
        for m, h in zip(MARGINS, _hits(_fit(train, seed), test, MARGINS), strict=True):
            hits[m] += h
    best = max(hits.values())
    return [m for m in MARGINS if hits[m] == best][-1]  # the most conservative among the best


def _folds(n: int, k: int, seed: int) -> list[list[int]]:
    import random

    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [sorted(order[i::k]) for i in range(k)]


def train(articles: Sequence[AnnotatedArticle], seed: int = 13) -> tuple[str, ModelCard]:
    per_article = _groups(articles)
    units = [g for pa in per_article for g in pa[0]]
    pers = [g for pa in per_article for g in pa[1]]
    umodel, pmodel = _fit(units, seed), _fit(pers, seed)
    umargin, pmargin = _inner_margin(per_article, 0, seed), _inner_margin(per_article, 1, seed)
    payload = {
        "kind": "dvk.attachment_ranker.v1",
        "unit": umodel.to_json(),
        "period": pmodel.to_json(),
        "hybrid_margin": {"unit": _num(umargin), "period": _num(pmargin)},
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    scores = {
        "training set, resubstitution (optimistic)": {
            "unit_acc": round(_accuracy(umodel, units, 0.0), 3),
            "period_acc": round(_accuracy(pmodel, pers, 0.0), 3),
            "rules_unit_acc": round(_rule_accuracy(units), 3),
            "rules_period_acc": round(_rule_accuracy(pers), 3),
        }
    }
    scores.update(cross_validate(articles, article_folds(articles, 5, seed), seed, per_article))
    card = ModelCard(
        name=NAME,
        version=VERSION,
        task="For each statistic, rank the candidate units and periods of its article; the best wins.",
        features=(
            "Per (statistic, candidate): position of the candidate's nearest mention (same sentence / "
            "clause / paragraph, before or after, char and sentence distance buckets), opens its sentence "
            "or paragraph, address word or parenthesis before it, type and level against the main unit, "
            "is the main unit / the province, mention count bucket, in headline / lede, is the rules' "
            "choice; for periods kind and shape, years from the publication date, a cumulative 'đến nay' "
            "in the sentence; the statistic's action and level; pairwise conjunctions. Hashed (2^12)."
        ),
        data=(
            f"{len(articles)} annotated articles ({_sources(articles)}); {len(units)} unit groups and "
            f"{len(pers)} period groups (rule stat mentions matched to gold by value and item)."
        ),
        seed=seed,
        trained_on="",
        scores=scores,
        notes=(
            "Pointwise logistic regression (liblinear, C=0.3), argmax per statistic. Hybrid margins "
            f"(unit {_num(umargin)}, period {_num(pmargin)}) chosen by inner 5-fold cross-validation by article."
        ),
    )
    return text, card


def _num(x: float) -> float | None:
    return None if math.isinf(x) else x


def _sources(articles: Sequence[AnnotatedArticle]) -> str:
    counts: dict[str, int] = {}
    for a in articles:
        counts[a.source] = counts.get(a.source, 0) + 1
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def cross_validate(
    articles: Sequence[AnnotatedArticle],
    folds: Sequence[Sequence[int]],
    seed: int = 13,
    per_article: list | None = None,
) -> dict:
    """Held-out accuracy of the rules, the ranker (ml) and the hybrid, by article folds."""
    per_article = per_article if per_article is not None else _groups(articles)
    out = {}
    for task, label in ((0, "unit"), (1, "period")):
        n = rules = ml = hyb = 0
        for fold_idx in folds:
            held = set(fold_idx)
            train_pa = [pa for i, pa in enumerate(per_article) if i not in held]
            train_g = [g for pa in train_pa for g in pa[task]]
            test = [g for i in fold_idx for g in per_article[i][task]]
            if not test or len({y for g in train_g for y in g.gold}) < 2:
                continue
            model = _fit(train_g, seed)
            margin = _inner_margin(train_pa, task, seed)
            n += len(test)
            rules += sum(g.rule >= 0 and g.gold[g.rule] for g in test)
            h_ml, h_hyb = _hits(model, test, [0.0, margin])
            ml += h_ml
            hyb += h_hyb
        if n:
            out[
                f"{label}: {len(folds)}-fold CV by article, matched stats whose gold is a candidate (n={n})"
            ] = {
                "rules": round(rules / n, 3),
                "ml": round(ml / n, 3),
                "hybrid": round(hyb / n, 3),
            }
    return out


# --- the pipe ----------------------------------------------------------------------


@dataclass
class Ranker:
    unit: LinearModel
    period: LinearModel
    unit_margin: float
    period_margin: float

    @classmethod
    def from_json(cls, data: dict) -> Ranker:
        if data.get("kind") != "dvk.attachment_ranker.v1":
            raise ValueError(f"not an attachment ranker: {data.get('kind')!r}")
        hm = data.get("hybrid_margin") or {}
        return cls(
            LinearModel.from_json(data["unit"]),
            LinearModel.from_json(data["period"]),
            math.inf if hm.get("unit") is None else float(hm["unit"]),
            math.inf if hm.get("period") is None else float(hm["period"]),
        )

    def apply(self, doc: Doc, mode: str) -> Doc:
        found = list(doc._.stat_mentions or [])
        if not found:
            return doc
        if mode != "ml" and math.isinf(self.unit_margin) and math.isinf(self.period_margin):
            return doc  # margins "never": hybrid keeps every rule attachment, no need to score
        dc = doc_context(doc)
        ucands, pcands = unit_candidates(dc), period_candidates(dc)
        urows, prows, uidx, pidx = [], [], [], []
        ukeys = [c.key for c in ucands]
        pvals = [c.value for c in pcands]
        for s in found:
            rk = unit_key(s.unit, dc.province)
            urows += unit_features(dc, s, ucands, rk)
            uidx.append(_rule_index(ukeys, rk))
            prows += period_features(dc, s, pcands, s.period)
            pidx.append(_rule_index(pvals, s.period))
        us = _scores(self.unit, urows).reshape(len(found), len(ucands))
        ps = _scores(self.period, prows).reshape(len(found), len(pcands))
        um = 0.0 if mode == "ml" else self.unit_margin
        pm = 0.0 if mode == "ml" else self.period_margin
        for i, s in enumerate(found):
            # hybrid keeps a rule choice that is not among the candidates: there is no score to beat
            if not (uidx[i] < 0 and um > 0):
                u = choose(us[i], uidx[i], um)
                if u != uidx[i]:
                    s.unit = ucands[u].obj
            if not (pidx[i] < 0 and pm > 0):
                p = choose(ps[i], pidx[i], pm)
                if p != pidx[i]:
                    s.period = pcands[p].value
        return doc


def load(models_dir: Path | None = None) -> Ranker:
    return Ranker.from_json(require_model_json(NAME, models_dir))


@Language.factory(PIPE, default_config={"mode": "hybrid", "models_dir": None})
def make_attachment_ranker(nlp: Language, name: str, mode: str, models_dir: str | None):
    ranker = load(Path(models_dir) if models_dir else None)

    def attachment_ranker(doc: Doc) -> Doc:
        return ranker.apply(doc, mode)

    return attachment_ranker
