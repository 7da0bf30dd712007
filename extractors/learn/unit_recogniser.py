"""Unit recogniser: spans of localities and organisations that the gazetteer and the patterns miss.

A linear-chain CRF (:class:`extractors.learn.crf.LinearChainCRF`, trained with CRFsuite) over
the dvk tokenizer's tokens (the spaCy Doc's words) with BIO labels and hashed features of each
token and its neighbours (shape, case, lower-cased word, syllable count, the type word before
it, gazetteer hits, inside quotes or parentheses); spans are read from the per-token label
marginals left to right (an ``I`` after ``O`` opens a span).

Training labels are weak (Snorkel-style labelling functions whose votes are combined):

* ``rules`` (weight 2): the rule grammar's mentions (:mod:`extractors.units`, explicit ones);
* ``gold`` (weight 3): the gold units of the article found verbatim in its text;
* ``type+caps`` (weight 1): a locality type word followed by a run of capitalised syllables;
* ``gazetteer`` (weight 1): a run of capitalised syllables that the gazetteer knows as a province
  or a district / commune name.

A token is inside a unit when the weights of the functions covering it add up to 2 or more (the
rules or the gold alone, or two weak functions agreeing); it begins one when it is the first
inside token or the strongest function covering it starts a span there.

The pipe (after ``dvk_units``) adds the spans it finds that overlap no rule mention to
``doc._.unit_context.mentions`` (sorted), with a canonical name from the unit grammar, and
the units among them that take part in the campaign to ``doc._.units``; in ``hybrid`` only
spans whose every token's label probability is at least the artifact's threshold.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from extractors.components import doc_text
from extractors.learn.artifacts import ModelCard, require_model_json
from extractors.learn.crf import LinearChainCRF
from extractors.learn.data import AnnotatedArticle, article_folds
from extractors.unit_grammar import LOCALITY_TYPES, TYPE_RE, fold, is_cap

NAME = "unit_recogniser"
VERSION = "2.0.0"
PIPE = "dvk_ml_unit_recogniser"
LABELS = ("B", "I", "O")
# Hybrid: the smallest label probability of a span's tokens for it to be added; None keeps the
# component out of hybrid (measured: at 0.9 it changed nothing on the dev set, ml lowered units F1,
# docs/extractors.md).
HYBRID_THRESHOLD: float | None = None
WEIGHTS = {"gold": 3.0, "rules": 2.0, "type+caps": 1.0, "gazetteer": 1.0}

Features = dict[str, float]
Span = tuple[int, int]  # character offsets


# --- tokens and features -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tok:
    text: str
    start: int
    end: int


def tokens_of(doc: Doc) -> list[Tok]:
    return [Tok(t.text, t.idx, t.idx + len(t.text)) for t in doc if not t.is_space]


def _shape(w: str) -> str:
    out = []
    for ch in w:
        c = "X" if ch.isupper() else "x" if ch.isalpha() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)[:6]


def _caps(w: str) -> bool:
    parts = w.split()
    return bool(parts) and all(is_cap(p) or p.isupper() for p in parts)


_TYPE_WORDS = set(LOCALITY_TYPES) | {"tp", "tx", "tt", "q", "p", "h"}
_ORG_HEADS = {
    "ban", "hội", "đoàn", "công", "an", "sở", "phòng", "ủy", "đảng", "mặt", "trận", "liên", "bộ",
    "chỉ", "huy", "đồn", "trường", "bệnh", "viện", "trung", "tâm", "cục", "chi", "nhánh",
}  # fmt: skip


@cache
def _gazetteer_hit(name: str) -> str:
    from extractors import gazetteer as gz

    if gz.canonical_province(name):
        return "prov"
    if len(name.split()) >= 2 and gz.untyped_places(name):
        return "place"
    return ""


def token_features(toks: Sequence[Tok], text: str) -> list[Features]:
    quotes = [(m.start(), m.end()) for m in re.finditer(r"“[^”\n]{0,300}”", text)]
    parens = [(m.start(), m.end()) for m in re.finditer(r"\([^()\n]{0,120}\)", text)]

    def inside(pos: int, spans: list[Span]) -> bool:
        return any(s < pos < e for s, e in spans)

    lows = [t.text.lower() for t in toks]
    rows = []
    for i, t in enumerate(toks):
        w, lw = t.text, lows[i]
        f: Features = {"bias": 1.0, f"w={lw}": 1.0, f"shape={_shape(w)}": 1.0}
        f[f"nsyl={min(4, len(w.split()))}"] = 1.0
        if _caps(w):
            f["caps"] = 1.0
            hit = _gazetteer_hit(w)
            if hit:
                f[f"gaz={hit}"] = 1.0
        if lw in _TYPE_WORDS:
            f["typeword"] = 1.0
        if lw.split()[0] in _ORG_HEADS:
            f["orghead"] = 1.0
        if inside(t.start, quotes):
            f["quoted"] = 1.0
        if inside(t.start, parens):
            f["parens"] = 1.0
        for d in (-2, -1, 1, 2):
            j = i + d
            if 0 <= j < len(toks):
                nw = toks[j].text
                f[f"w[{d}]={lows[j]}"] = 1.0
                f[f"shape[{d}]={_shape(nw)}"] = 1.0
                if _caps(nw):
                    f[f"caps[{d}]"] = 1.0
                if lows[j] in _TYPE_WORDS:
                    f[f"typeword[{d}]"] = 1.0
            else:
                f[f"edge[{d}]"] = 1.0
        if i > 0 and "caps" in f and _caps(toks[i - 1].text):
            f["caps&caps[-1]"] = 1.0
        if i > 0 and "caps" in f and lows[i - 1] in _TYPE_WORDS:
            f["caps&typeword[-1]"] = 1.0
        rows.append(f)
    return rows


# --- weak labels ---------------------------------------------------------------------


_CAP_RUN = re.compile(r"[A-ZÀ-ỸĐ][\wÀ-ỹ]*(?:[ ][A-ZÀ-ỸĐ][\wÀ-ỹ]*)*")


def lf_rules(doc: Doc) -> list[Span]:
    ctx = doc._.unit_context
    return [(m.start, m.end) for m in (ctx.mentions if ctx else []) if not m.implicit]


def lf_gold(text: str, gold: dict) -> list[Span]:
    out = []
    low = text.lower()
    for u in gold.get("units") or []:
        name = str(u.get("name") or "").lower()
        if len(name) < 4:
            continue
        for m in re.finditer(re.escape(name), low):
            out.append((m.start(), m.end()))
    return out


def lf_type_caps(text: str) -> list[Span]:
    out = []
    for m in TYPE_RE.finditer(text):
        run = _CAP_RUN.match(text, m.end() + 1) if text[m.end() : m.end() + 1] == " " else None
        if run:
            out.append((m.start(), run.end()))
    return out


def lf_gazetteer(text: str) -> list[Span]:
    return [(m.start(), m.end()) for m in _CAP_RUN.finditer(text) if _gazetteer_hit(m.group(0))]


def weak_labels(toks: Sequence[Tok], votes: dict[str, list[Span]]) -> list[str]:
    """Combine the labelling functions' spans into one BIO label per token (weighted vote)."""
    labels = []
    for i, t in enumerate(toks):
        cover = [(lf, s) for lf, spans in votes.items() for s in spans if s[0] <= t.start and t.end <= s[1]]
        weight = sum(WEIGHTS[lf] for lf in {lf for lf, _ in cover})
        if weight < 2:
            labels.append("O")
            continue
        strongest = max(cover, key=lambda c: (WEIGHTS[c[0]], c[1][1] - c[1][0]))
        begins = strongest[1][0] == t.start or i == 0 or labels[-1] == "O"
        labels.append("B" if begins else "I")
    return labels


def article_example(doc: Doc, a: AnnotatedArticle) -> tuple[list[Features], list[str]]:
    toks = tokens_of(doc)
    votes = {
        "rules": lf_rules(doc),
        "gold": lf_gold(doc_text(doc), a.gold),
        "type+caps": lf_type_caps(doc_text(doc)),
        "gazetteer": lf_gazetteer(doc_text(doc)),
    }
    return token_features(toks, doc_text(doc)), weak_labels(toks, votes)


# --- decoding ------------------------------------------------------------------------


def decode(toks: Sequence[Tok], proba: np.ndarray, classes: Sequence[str]) -> list[tuple[int, int, float]]:
    """Spans (start, end, confidence) from per-token label probabilities, left to right."""
    idx = [list(classes).index(x) for x in LABELS]
    spans: list[list] = []
    cur = None
    for i, t in enumerate(toks):
        p = proba[i]
        lab = LABELS[int(np.argmax([p[j] for j in idx]))]
        conf = float(max(p[j] for j in idx))
        if lab == "O":
            cur = None
            continue
        if lab == "I" and cur is not None:
            cur[1] = t.end
            cur[2] = min(cur[2], conf)
            continue
        cur = [t.start, t.end, conf]
        spans.append(cur)
    return [(s, e, c) for s, e, c in spans]


def _fit(examples: Sequence[tuple[list[Tok], list[Features], list[str]]]) -> LinearChainCRF:
    """A CRF on whole articles' token sequences (CRFsuite's L-BFGS has no random state)."""
    return LinearChainCRF.fit([rows for _t, rows, _l in examples], [labels for _t, _r, labels in examples])


def _span_set(toks: Sequence[Tok], labels: Sequence[str]) -> set[Span]:
    out, cur = [], None
    for t, lab in zip(toks, labels, strict=True):
        if lab == "O":
            cur = None
        elif lab == "I" and cur is not None:
            cur[1] = t.end
        else:
            cur = [t.start, t.end]
            out.append(cur)
    return {(s, e) for s, e in out}


# --- training --------------------------------------------------------------------------


def _examples(articles: Sequence[AnnotatedArticle]) -> list[tuple[list[Tok], list[Features], list[str]]]:
    from extractors.learn.rule_docs import rule_doc

    out = []
    for a in articles:
        doc = rule_doc(a)
        rows, labels = article_example(doc, a)
        out.append((tokens_of(doc), rows, labels))
    return out


def train(articles: Sequence[AnnotatedArticle], seed: int = 13) -> tuple[str, ModelCard]:
    ex = _examples(articles)
    model = _fit(ex)
    payload = {
        "kind": "dvk.unit_recogniser.v2",
        "model": model.to_json(),
        "hybrid_threshold": HYBRID_THRESHOLD,
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    n_tok = sum(len(t) for t, _r, _l in ex)
    card = ModelCard(
        name=NAME,
        version=VERSION,
        task="BIO tagging of unit spans (localities, organisations) over the dvk tokenizer's tokens.",
        features=(
            "Per token and its two neighbours each side: lower-cased word, shape, capitalisation, syllable "
            "count, locality type word, organisation head word, gazetteer hit (province / place) of a "
            "capitalised word, inside quotes or parentheses; names hashed (CRC-32, 2^18 buckets), no "
            "vocabulary stored."
        ),
        data=(
            f"{len(articles)} annotated articles ({n_tok} tokens). Weak labels: labelling functions "
            "rules (weight 2), gold units found verbatim (3), type word + capitalised run (1), gazetteer "
            "capitalised run (1), combined by weighted vote per token (inside when the weights reach 2)."
        ),
        seed=seed,
        trained_on="",
        scores=cross_validate(articles, article_folds(articles, 5, seed), seed, ex),
        notes=(
            "Linear-chain CRF (CRFsuite L-BFGS, c1=0.05, c2=0.05, 100 iterations, all transitions), spans "
            "read from the label marginals; ml adds every span that overlaps "
            "no rule mention. Hybrid threshold: "
            + (
                "none: kept out of hybrid (it did not beat the rules, docs/extractors.md)."
                if HYBRID_THRESHOLD is None
                else f"spans whose tokens all have probability >= {HYBRID_THRESHOLD}."
            )
        ),
    )
    return text, card


def cross_validate(
    articles: Sequence[AnnotatedArticle],
    folds: Sequence[Sequence[int]],
    seed: int = 13,
    ex: list | None = None,
) -> dict:
    """Span precision / recall against the weak labels on held-out articles, and how many
    spans the rules missed it would add."""
    ex = ex if ex is not None else _examples(articles)
    tp = n_pred = n_gold = added = 0
    for fold_idx in folds:
        held = set(fold_idx)
        model = _fit([e for i, e in enumerate(ex) if i not in held])
        for i in fold_idx:
            toks, rows, labels = ex[i]
            pred = {(s, e) for s, e, _c in decode(toks, model.marginals(rows), model.classes_)}
            gold = _span_set(toks, labels)
            tp += len(pred & gold)
            n_pred += len(pred)
            n_gold += len(gold)
            added += len(pred - gold)
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        f"{len(folds)}-fold CV by article over the {len(articles)} training articles, spans vs the combined "
        "weak labels": {
            "p": round(p, 3),
            "r": round(r, 3),
            "f1": round(f, 3),
            "spans_not_in_labels": added,
        }
    }


# --- the pipe ----------------------------------------------------------------------------


def _mention_for(text: str, s: int, e: int, province: str | None):
    """A UnitMention for a recognised span, named by the unit grammar, or None."""
    from extractors.units import UnitMention, mention_flags
    from pipeline.normalise import normalise_unit_name

    written = text[s:e]
    name = normalise_unit_name(written, province)
    if not name or len(name) < 4:
        return None
    m = TYPE_RE.match(name)
    first = name.split(" ", 1)[0].lower()
    utype = next((t for t in LOCALITY_TYPES if name.lower().startswith(t + " ")), None)
    if m is None and utype is None or first in ("tổ", "ban", "hội"):
        utype = None
    kind = "locality" if utype else "organisation"
    return UnitMention(
        start=s,
        end=e,
        written=written,
        kind=kind,
        type=utype or "tổ chức",
        name=name,
        province=province,
        **mention_flags(text, s, written, kind, name),
    )


@dataclass
class Recogniser:
    model: LinearChainCRF
    threshold: float | None

    def spans(self, doc: Doc) -> list[tuple[int, int, float]]:
        toks = tokens_of(doc)
        if not toks:
            return []
        proba = self.model.marginals(token_features(toks, doc_text(doc)))
        return decode(toks, proba, self.model.classes_)

    def apply(self, doc: Doc, mode: str) -> Doc:
        ctx = doc._.unit_context
        if ctx is None or (mode == "hybrid" and self.threshold is None):
            return doc
        taken = [(m.start, m.end) for m in ctx.mentions]
        new = []
        for s, e, conf in self.spans(doc):
            if mode == "hybrid" and (self.threshold is None or conf < self.threshold):
                continue
            if any(s < te and ts < e for ts, te in taken):
                continue
            m = _mention_for(doc_text(doc), s, e, ctx.province)
            if m is not None:
                new.append(m)
                taken.append((s, e))
        if not new:
            return doc
        ctx.mentions = sorted([*ctx.mentions, *new], key=lambda m: m.start)
        doc._.unit_mentions = list(ctx.mentions)
        self._add_units(doc, ctx, new)
        return doc

    @staticmethod
    def _add_units(doc: Doc, ctx, new: list) -> None:
        from extractors import units

        have = {fold(u.name) for u in doc._.units or []}
        fresh = {fold(m.name) for m in new} - have
        if not fresh:
            return
        added = [r for r in units.participating_units(doc_text(doc), ctx) if fold(r.name) in fresh]
        doc._.units = [*(doc._.units or []), *added]


def load(models_dir: Path | None = None) -> Recogniser:
    data = require_model_json(NAME, models_dir)
    if data.get("kind") != "dvk.unit_recogniser.v2":
        raise ValueError(f"not a unit recogniser (v2, a CRF): {data.get('kind')!r}; run `dvk train`")
    th = data.get("hybrid_threshold")
    return Recogniser(LinearChainCRF.from_json(data["model"]), None if th is None else float(th))


@Language.factory(PIPE, default_config={"mode": "hybrid", "models_dir": None})
def make_unit_recogniser(nlp: Language, name: str, mode: str, models_dir: str | None):
    rec = load(Path(models_dir) if models_dir else None)

    def unit_recogniser(doc: Doc) -> Doc:
        return rec.apply(doc, mode)

    return unit_recogniser
