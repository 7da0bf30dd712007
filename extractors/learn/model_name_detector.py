"""Trained model-name detector: is a quoted or listed span a named model?

Candidates are every quoted stretch of the article (:func:`extractors.model_names.quoted_candidates`:
closed, unclosed, orphan and single quotes) plus what the rule finder accepts without quotes
(titles in a list of models).  A candidate is labelled positive when its name matches a gold
model name by the scorer's rule (equal after normalisation, or containment with at least 80% of
the length).  The features generalise rather than remember names:

* the words before the quote (``b1:``, ``b2:``, ``b3:`` and a bag ``bw:`` of the six before),
  whether a cue noun ("mô hình", "điển hình", "công trình", "giải pháp", ...) stands directly
  before it, whether a movement / drive / contest / plan head does ("phong trào", "cuộc vận động",
  "hội thi", "kế hoạch", ...), a number or a speech verb before it, cue and movement nouns
  earlier in the sentence;
* the words after it (``a1:``, ``a2:``), a cue noun after a dash ("“…” - mô hình …");
* the name's shape: length in syllables (bucketed), capitalisation, digits, commas, its first
  and last word, whether the rule filters reject it (campaign name, motto, saying, movement);
* the quote's kind and whether the rule finder accepted it.

Where an unclosed quote ends (its boundary) stays ruled: the finder ends it at ";" or at the end of
its line; :func:`boundary_report` measures that rule against ending at "." too (see the model card).

The spaCy pipe ``dvk_ml_model_name_detector`` (after ``dvk_models``) edits ``doc._.models``:
mode ``ml`` keeps the candidates the classifier accepts (probability >= 0.5); mode ``hybrid`` keeps
the rules' decisions and lets the classifier remove a rule model only below :data:`REMOVE_BELOW`
and add a candidate only above :data:`ADD_ABOVE` (the thresholds measured, see the model card).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from extractors import model_names as mn
from extractors.components import doc_text
from extractors.learn.artifacts import ModelCard, require_model_json
from extractors.learn.data import AnnotatedArticle, article_folds
from extractors.learn.gold_models import name_key, same_name
from extractors.learn.linear import LinearModel

NAME = "model_name_detector"
VERSION = "1.0.0"
PIPE = "dvk_ml_model_name_detector"
POS, NEG = "model", "other"
C = 0.5
N_FEATURES = 2**13
ADD_ABOVE = 1.01  # hybrid: add a candidate the rules refused only above this probability (>1: never)
REMOVE_BELOW = 0.0  # hybrid: drop a rule model only below this probability (0: never)
SYSTEMS = ("rules", "ml", "hybrid")
_CUE_ANY = re.compile(rf"(?<!\w){mn._CUE}(?!\w)")
_MOVEMENT_ANY = re.compile(
    r"(?<!\w)(?:phong trào|cuộc vận động|hội thi|cuộc thi|kế hoạch|chương trình)(?!\w)"
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A span that may name a model: the name's offsets, the whole span's (with its marks), its kind."""

    name_start: int
    name_end: int
    start: int
    end: int
    kind: str  # closed / unclosed / orphan / single (quotes), or list / caption / cue (rule finder)
    rule: bool  # the rule finder accepted it

    def name(self, text: str) -> str:
        return " ".join(text[self.name_start : self.name_end].split())


# --- candidates ----------------------------------------------------------------------------------


def candidates(text: str, rule_names: Sequence[str]) -> list[Candidate]:
    """Every quoted stretch, plus the rule finder's unquoted names (``rule_names``), in text order."""
    rule_keys = {name_key(n) for n in rule_names}
    out: dict[tuple[int, int], Candidate] = {}
    for start, end, ns, ne, kind in mn.quoted_candidates(text):
        name = " ".join(text[ns:ne].split())
        if ne > ns:
            out[(ns, ne)] = Candidate(ns, ne, start, end, kind, name_key(name) in rule_keys)
    quoted_keys = {name_key(c.name(text)) for c in out.values()}
    for name in rule_names:
        if name_key(name) in quoted_keys:
            continue
        at = text.find(name)
        if at < 0:
            continue
        out.setdefault((at, at + len(name)), Candidate(at, at + len(name), at, at + len(name), "list", True))
    return sorted(out.values(), key=lambda c: (c.name_start, c.name_end))


# --- features ------------------------------------------------------------------------------------


def _words(s: str) -> list[str]:
    return re.findall(r"\w+", mn._fold(s))


def _bucket(n: int) -> str:
    for limit, label in ((2, "1-2"), (4, "3-4"), (8, "5-8"), (15, "9-15"), (30, "16-30")):
        if n <= limit:
            return label
    return "31+"


def _sentence_prefix(text: str, pos: int) -> str:
    floor = max(text.rfind(ch, 0, pos) for ch in ".!?\n")
    return text[floor + 1 : pos]


def features(text: str, c: Candidate) -> dict[str, float]:
    """The detector's features of one candidate (see the module docstring)."""
    out: dict[str, float] = {f"kind:{c.kind}": 1.0}
    if c.rule:
        out["rule"] = 1.0
    prefix = _sentence_prefix(text, c.start)
    folded_prefix = mn._fold(prefix)
    before = _words(prefix)[-6:]
    for i, w in enumerate(reversed(before[-3:]), 1):
        out[f"b{i}:{w}"] = 1.0
    for w in before:
        out[f"bw:{w}"] = 1.0
    if not before:
        out["b:start"] = 1.0
    if mn._direct_cue(folded_prefix):
        out["cue:direct"] = 1.0
    if mn._REJECT_BEFORE.search(folded_prefix):
        out["head:reject"] = 1.0
    if mn._number_ends(prefix):
        out["before:number"] = 1.0
    if mn._SPEECH_BEFORE.search(folded_prefix):
        out["before:speech"] = 1.0
    if _CUE_ANY.search(folded_prefix):
        out["sentence:cue"] = 1.0
    if _MOVEMENT_ANY.search(folded_prefix):
        out["sentence:movement"] = 1.0
    after_text = text[c.end : c.end + 80]
    after = _words(after_text.split("\n", 1)[0])[:2]
    for i, w in enumerate(after, 1):
        out[f"a{i}:{w}"] = 1.0
    if mn._POST_CUE.match(mn._fold(after_text)):
        out["cue:after"] = 1.0
    if mn._SPEECH_AFTER.match(mn._fold(after_text)):
        out["after:speech"] = 1.0
    name = c.name(text)
    words = name.split()
    out[f"len:{_bucket(mn._syllables(name))}"] = 1.0
    if name[:1].isupper():
        out["shape:upper_first"] = 1.0
    caps = sum(1 for w in words if w[:1].isupper())
    out["shape:caps_ratio"] = round(caps / len(words), 4) if words else 0.0
    if any(ch.isdigit() for ch in name):
        out["shape:digit"] = 1.0
    if "," in name:
        out["shape:comma"] = 1.0
    if re.search(r"[.!?…]$", name):
        out["shape:end_punct"] = 1.0
    folded_words = _words(name)
    if folded_words:
        out[f"first:{folded_words[0]}"] = 1.0
        out[f"last:{folded_words[-1]}"] = 1.0
        if len(folded_words) > 1:
            out[f"first2:{folded_words[0]}_{folded_words[1]}"] = 1.0
    if mn._name_rejected(name):
        out["name:rejected"] = 1.0
    if mn.is_campaign_name(name):
        out["name:campaign"] = 1.0
    return out


# --- data ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArticleCandidates:
    """One article's candidates, their features and labels, the rule finder's names and the gold names."""

    text: str
    cands: tuple[Candidate, ...]
    feats: tuple[dict, ...]
    labels: tuple[str, ...]
    rule_names: tuple[str, ...]
    gold_names: tuple[str, ...]


def rule_names_of(text: str) -> list[str]:
    """The names the rule finder gives (plain sentence splitter)."""
    return [m.name for m in mn.find_model_names(text, mn.sentence_spans(text))]


def article_candidates(article: AnnotatedArticle) -> ArticleCandidates:
    text = article.text
    return _article_candidates(
        text, tuple(str(m.get("name") or "") for m in article.gold.get("models") or [])
    )


@lru_cache(maxsize=512)
def _article_candidates(text: str, gold_names: tuple[str, ...]) -> ArticleCandidates:
    rules = tuple(rule_names_of(text))
    cands = tuple(candidates(text, rules))
    labels = tuple(POS if any(same_name(g, c.name(text)) for g in gold_names if g) else NEG for c in cands)
    return ArticleCandidates(text, cands, tuple(features(text, c) for c in cands), labels, rules, gold_names)


def fit_rows(rows: Sequence[tuple[dict, str]], seed: int) -> LinearModel:
    model = LinearModel(n_features=N_FEATURES, C=C, random_state=seed)
    return model.fit([f for f, _ in rows], [y for _, y in rows])


def positive_proba(model: LinearModel, feats: Sequence[dict]) -> list[float]:
    if not feats:
        return []
    proba = model.predict_proba(list(feats))
    col = model.classes_.index(POS)
    return [float(p) for p in proba[:, col]]


# --- decisions -----------------------------------------------------------------------------------


def decide(
    text: str, cands: Sequence[Candidate], proba: Sequence[float], rule_names: Sequence[str], mode: str,
    add_above: float = ADD_ABOVE, remove_below: float = REMOVE_BELOW,
) -> list[str]:  # fmt: skip
    """The model names a mode keeps, one per distinct name, in text order.

    ``ml``: the candidates with probability >= 0.5.  ``hybrid``: the rules' names, less those whose
    candidate is below ``remove_below``, plus candidates the rules refused above ``add_above``.
    """
    if mode == "ml":
        names = [c.name(text) for c, p in zip(cands, proba, strict=True) if p >= 0.5]
    else:
        p_of = {name_key(c.name(text)): p for c, p in zip(cands, proba, strict=True)}
        names = [n for n in rule_names if p_of.get(name_key(n), 1.0) >= remove_below]
        have = {name_key(n) for n in names}
        for c, p in zip(cands, proba, strict=True):
            if not c.rule and p > add_above and name_key(c.name(text)) not in have:
                names.append(c.name(text))
                have.add(name_key(c.name(text)))
    out, seen = [], set()
    for n in names:
        if name_key(n) not in seen and n:
            seen.add(name_key(n))
            out.append(n)
    return out


def _match_counts(gold: Sequence[str], pred: Sequence[str]) -> tuple[int, int, int]:
    """(true positives, predicted, gold) with one-to-one matching by the scorer's name rule."""
    used: set[int] = set()
    tp = 0
    for g in gold:
        for j, p in enumerate(pred):
            if j not in used and same_name(g, p):
                used.add(j)
                tp += 1
                break
    return tp, len(pred), len(gold)


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"P": round(p, 4), "R": round(r, 4), "F1": round(f, 4)}


# --- measurement ---------------------------------------------------------------------------------


def cross_validate(
    articles: Sequence[AnnotatedArticle],
    folds: Sequence[Sequence[int]],
    seed: int = 13,
    add_above: float = ADD_ABOVE,
    remove_below: float = REMOVE_BELOW,
) -> dict:
    """Precision / recall / F1 of the model names, rules vs ``ml`` vs ``hybrid``, per held-out fold.

    Cross-validation by article: a fold's articles are never in its training data.  Names are
    matched to gold as the scorer does.  Returns ``{"folds": [{system: {P, R, F1}, "n_gold"}...],
    "overall": {...}, "by_source": {...}}``.
    """
    per = [article_candidates(a) for a in articles]
    tally: dict[str, dict[str, list[int]]] = {}

    def add(group: str, system: str, counts: tuple[int, int, int]) -> None:
        t = tally.setdefault(group, {s: [0, 0, 0] for s in SYSTEMS})
        for i, v in enumerate(counts):
            t[system][i] += v

    for k, fold in enumerate(folds):
        held = set(fold)
        rows = [
            (f, y)
            for i, ac in enumerate(per)
            if i not in held
            for f, y in zip(ac.feats, ac.labels, strict=True)
        ]
        model = fit_rows(rows, seed)
        for i in sorted(held):
            ac = per[i]
            proba = positive_proba(model, ac.feats)
            preds = {
                "rules": list(ac.rule_names),
                "ml": decide(ac.text, ac.cands, proba, ac.rule_names, "ml"),
                "hybrid": decide(ac.text, ac.cands, proba, ac.rule_names, "hybrid", add_above, remove_below),
            }
            for group in (f"fold{k}", "overall", f"source:{articles[i].source}"):
                for system, names in preds.items():
                    add(group, system, _match_counts([g for g in ac.gold_names if g], names))

    def summary(group: str) -> dict:
        t = tally.get(group, {s: [0, 0, 0] for s in SYSTEMS})
        return {"n_gold": t["rules"][2]} | {s: _prf(*t[s]) for s in SYSTEMS}

    sources = sorted(g.split(":", 1)[1] for g in tally if g.startswith("source:"))
    return {
        "folds": [summary(f"fold{k}") for k in range(len(folds))],
        "overall": summary("overall"),
        "by_source": {s: summary(f"source:{s}") for s in sources},
    }


def boundary_report(articles: Sequence[AnnotatedArticle]) -> dict[str, int]:
    """For unclosed quotes whose name some gold model matches under one of the endings, how many
    each ending gets right: the rule's (";" or line end), the first "." too, or the line end."""
    counts = {"unclosed": 0, "rule": 0, "period": 0, "line_end": 0}
    for a in articles:
        text = a.text
        golds = [str(m.get("name") or "") for m in a.gold.get("models") or []]
        for _s, _e, ns, ne, kind in mn.quoted_candidates(text):
            if kind != "unclosed":
                continue
            line_end = text.find("\n", ns)
            line_end = len(text) if line_end < 0 else line_end
            dot = text.find(".", ns, line_end)
            endings = {
                "rule": text[ns:ne],
                "period": text[ns : min(ne, dot) if dot >= 0 else ne],
                "line_end": text[ns:line_end].rstrip(" ;,.…"),
            }
            hits = {k: any(same_name(g, " ".join(v.split())) for g in golds if g) for k, v in endings.items()}
            if any(hits.values()):
                counts["unclosed"] += 1
                for k, ok in hits.items():
                    counts[k] += int(ok)
    return counts


def cv_scores(articles: Sequence[AnnotatedArticle], seed: int = 13) -> dict[str, dict]:
    """The model card's scores: 5-fold CV by article over every article (and by source), and over
    the development set alone."""
    scores: dict[str, dict] = {}
    cv = cross_validate(articles, article_folds(articles, k=5, seed=seed), seed)
    scores["5-fold CV by article, all annotated articles, overall"] = _flat(cv["overall"])
    for source, figures in cv["by_source"].items():
        scores[f"5-fold CV by article, all annotated articles, held-out {source} articles"] = _flat(figures)
    dev = [a for a in articles if a.source.startswith("shared")]
    if len(dev) >= 5:
        dev_cv = cross_validate(dev, article_folds(dev, k=5, seed=seed), seed)["overall"]
        scores["5-fold CV by article, dev set only (../shared seeds + dev)"] = _flat(dev_cv)
    scores["unclosed-quote boundary, all annotated articles (names matched)"] = boundary_report(articles)
    return scores


def _flat(summary: dict) -> dict:
    out: dict = {"n_gold": summary["n_gold"]}
    for s in SYSTEMS:
        for metric, value in summary[s].items():
            out[f"{s} {metric}"] = value
    return out


# --- training ------------------------------------------------------------------------------------


def training_rows(articles: Sequence[AnnotatedArticle]) -> list[tuple[dict, str]]:
    return [(f, y) for a in articles for f, y in zip(*_fl(article_candidates(a)), strict=True)]


def _fl(ac: ArticleCandidates) -> tuple[tuple[dict, ...], tuple[str, ...]]:
    return ac.feats, ac.labels


def train(articles: Sequence[AnnotatedArticle], seed: int = 13) -> tuple[str, ModelCard]:
    """Train on every annotated article's candidates; the card carries cross-validated scores."""
    rows = training_rows(articles)
    model = fit_rows(rows, seed)
    n_pos = sum(1 for _, y in rows if y == POS)
    card = ModelCard(
        name=NAME,
        version=VERSION,
        task="Is a quoted (or rule-listed) span a named model of the campaign? Boundaries of unclosed "
        "quotes stay ruled (';' or line end; measured against '.' in the scores).",
        features="Hashed (2^13 columns, no vocabulary) words before the quote (last three by position, "
        "bag of six), cue / movement / number / speech heads before it, the two words after, a cue after "
        "a dash, the name's length bucket, capitalisation, digits, commas, first and last word, the rule "
        "filters' verdicts, the quote kind, whether the rule finder accepted it. Logistic regression "
        f"(liblinear, C={C}, balanced).",
        data=f"{len(rows)} candidates ({n_pos} matching a gold model) in {len(articles)} annotated "
        f"articles (sources: {', '.join(sorted({a.source for a in articles}))}).",
        seed=seed,
        trained_on="",
        scores=cv_scores(articles, seed),
        notes="P/R/F1 of model names matched as the scorer does, over held-out folds. rules = "
        "extractors.model_names.find_model_names; ml = candidates with probability >= 0.5; hybrid = the "
        f"rules, less rule models below {REMOVE_BELOW}, plus refused candidates above {ADD_ABOVE} "
        "(thresholds measured; >1 / 0 mean hybrid equals the rules because no threshold beat them). "
        "Measure with `.venv/bin/python bench/cv_component.py model_name_detector`.",
    )
    return model.dumps(), card


# --- the pipe ------------------------------------------------------------------------------------


def load(models_dir: Path | None = None) -> LinearModel:
    return LinearModel.from_json(require_model_json(NAME, models_dir))


def apply(doc: Doc, model: LinearModel, mode: str) -> Doc:
    """Edit ``doc._.models``: keep the rule records the mode keeps, add the candidates it adds."""
    if mode == "hybrid" and ADD_ABOVE > 1 and REMOVE_BELOW <= 0:
        return doc  # hybrid set to add and drop nothing: the rules' records stand, no need to score
    text = doc_text(doc)
    records = list(doc._.models or [])
    rule_names = [r.name for r in records]
    cands = candidates(text, rule_names)
    proba = positive_proba(model, [features(text, c) for c in cands])
    keep = decide(text, cands, proba, rule_names, mode)
    keys = {name_key(n) for n in keep}
    out = [r for r in records if name_key(r.name) in keys]
    have = {name_key(r.name) for r in out}
    for c in cands:
        key = name_key(c.name(text))
        if key in keys and key not in have:
            out.append(_new_record(doc, c))
            have.add(key)
    out.sort(key=lambda r: r.prov.start if r.prov is not None else -1)
    doc._.models = out
    spans = [(r.prov.start, r.prov.end) for r in out if r.prov is not None]
    doc.spans["dvk_models"] = [
        s for s in (doc.char_span(a, b, label="MODEL", alignment_mode="expand") for a, b in spans) if s
    ]
    return doc


def _new_record(doc: Doc, c: Candidate):
    """A model record for a candidate the rules refused: owner and field as the rule component finds them."""
    from extractors import attach, components, domains
    from extractors.records import ModelRecord

    text, sents, paras, ctx, mentions, topics = components._attach_context(doc)
    si = components._sentence_of(sents, c.start)
    main = ctx.main_at(c.start) if ctx is not None else None
    owner = attach.unit_at(text, c.start, si, sents, paras, mentions, main, topics)
    unit, province = components._unit_fields(owner, ctx, c.start)
    s_start, s_end = sents[si]
    name = c.name(text)
    prov = components._prov(sents, c.start, c.end, "dvk.ml_model_name_detector")
    prov.extractor_version = VERSION
    return ModelRecord(
        name=name,
        unit=unit,
        province=province,
        domain=domains.classify_domain(name, text[s_start:s_end]),
        evidence=text[c.start : c.end],
        prov=prov,
    )


@Language.factory(PIPE, default_config={"mode": "hybrid", "models_dir": None})
def make_model_name_detector(nlp: Language, name: str, mode: str, models_dir: str | None):
    """The spaCy pipe: decides which candidates are named models (``mode``: ``ml`` or ``hybrid``)."""
    model = load(Path(models_dir) if models_dir else None)

    def model_name_detector(doc: Doc) -> Doc:
        return apply(doc, model, mode)

    return model_name_detector
