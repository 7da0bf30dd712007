"""Trained domain classifier: a named model and its context to one of the four fields (or none).

The rule judgement (:func:`extractors.domains.classify_domain`) weighs a keyword lexicon over
the model's name and its sentence.  This component learns the same decision from the gold
models of the annotated articles, with features that generalise to articles it never saw:

* word unigrams and bigrams of the name (``n:``, ``n2:``) and of its context (``c:``, ``c2:``),
  lower-cased with the tone placement folded, hashed (no vocabulary is stored);
* the lexicon scores of :mod:`extractors.domains` for the name and for the context, as numbers
  (``lexn:<field>``, ``lexc:<field>``), the field the context states outright (``stated=``) and
  the rules' own answer (``rule=``);
* the field a heading names when the model is listed under one (``head=``): the nearest short
  line (or "lĩnh vực …" line) above the model's line, within a few lines, that states a field.

The context is :func:`extractors.model_names.model_context` (the model's sentence, other quoted
names blanked, after the sentence before it on the same line) over the plain sentence splitter,
at training and at run time alike.

The spaCy pipe ``dvk_ml_domain_classifier`` (after ``dvk_models``) relabels
``doc._.models[i].domain``: mode ``ml`` always takes the classifier's field; mode ``hybrid`` keeps
the rules' field and takes the classifier's where the rules give none or where the classifier is
at least :data:`HYBRID_CONFIDENCE` sure (the combination measured best, see the model card).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from corpus.normalize import fold_tone_marks
from extractors import domains
from extractors.learn.artifacts import ModelCard, load_model_json
from extractors.learn.data import AnnotatedArticle
from extractors.learn.gold_models import context_at, gold_models
from extractors.learn.linear import LinearModel
from extractors.model_names import sentence_spans

NAME = "domain_classifier"
VERSION = "1.0.0"
PIPE = "dvk_ml_domain_classifier"
NONE = "none"  # the label of a model that serves no single field
HYBRID_CONFIDENCE = 0.9  # hybrid overrides a rule answer only above this probability
C = 0.5
N_FEATURES = 2**16
_HEAD_LINES = 8  # how many lines above a model a heading is looked for
_HEAD_WORDS = 15  # a heading is a short line


@dataclass(frozen=True, slots=True)
class DomainExample:
    """One model to judge: its name, its context, the heading it sits under, and the gold field."""

    name: str
    context: str
    heading: str | None
    label: str  # a field of DOMAINS, or NONE


# --- features ------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    s = fold_tone_marks(unicodedata.normalize("NFC", text)).lower()
    return re.findall(r"\w+", s)


def _ngrams(prefix: str, words: Sequence[str], out: dict[str, float]) -> None:
    for w in words:
        out[f"{prefix}:{w}"] = 1.0
    for a, b in zip(words, words[1:], strict=False):
        out[f"{prefix}2:{a}_{b}"] = 1.0


def heading_at(text: str, start: int) -> str | None:
    """The field stated by the nearest heading above ``start``: a short line, or a "lĩnh vực" line."""
    line_start = text.rfind("\n", 0, start) + 1
    lines = text[:line_start].split("\n")[:-1]
    for line in reversed(lines[-_HEAD_LINES:]):
        words = line.split()
        if not words:
            continue
        if len(words) <= _HEAD_WORDS or "lĩnh vực" in line.lower():
            field = domains.stated_domain(line)
            if field is not None:
                return field
    return None


def features(name: str, context: str, heading: str | None = None) -> dict[str, float]:
    """The classifier's features of one model (see the module docstring)."""
    out: dict[str, float] = {}
    _ngrams("n", _words(name), out)
    _ngrams("c", _words(context), out)
    for prefix, scores in (("lexn", domains.domain_scores(name)), ("lexc", domains.domain_scores(context))):
        for field in domains.DOMAINS:
            if scores[field]:
                out[f"{prefix}:{field}"] = round(math.log1p(scores[field]), 6)
        best = max(scores.values())
        if best > 0:
            leaders = [f for f in domains.DOMAINS if scores[f] == best]
            out[f"{prefix}_top:{leaders[0] if len(leaders) == 1 else 'tie'}"] = 1.0
    near = context.split("\n")[-1] if context else ""
    stated = domains.stated_domain(near) if near else None
    if stated is not None:
        out[f"stated:{stated}"] = 1.0
    out[f"rule:{domains.classify_domain(name, context) or NONE}"] = 1.0
    if heading is not None:
        out[f"head:{heading}"] = 1.0
    return out


# --- data ----------------------------------------------------------------------------------------


def examples(article: AnnotatedArticle) -> list[DomainExample]:
    """The located gold models of an article as training examples (unlocated ones are skipped)."""
    text = article.text
    sents = sentence_spans(text)
    out = []
    for g in gold_models(text, article.gold):
        if g.start < 0:
            continue
        label = g.domain if g.domain in domains.DOMAINS else NONE
        out.append(DomainExample(g.name, context_at(text, g.start, sents), heading_at(text, g.start), label))
    return out


def stat_examples(article: AnnotatedArticle) -> list[DomainExample]:
    """Gold statistics with a field, as extra examples: the evidence stands for the name."""
    text = article.text
    sents = sentence_spans(text)
    out = []
    for rec in article.gold.get("stats") or []:
        ev, field = str(rec.get("evidence") or ""), rec.get("domain")
        at = text.find(ev) if ev else -1
        if field in domains.DOMAINS and at >= 0:
            out.append(DomainExample(ev, context_at(text, at, sents), heading_at(text, at), field))
    return out


def fit(rows: Sequence[DomainExample], seed: int) -> LinearModel:
    """A deterministic logistic regression over the examples' features."""
    model = LinearModel(n_features=N_FEATURES, C=C, random_state=seed)
    return model.fit([features(r.name, r.context, r.heading) for r in rows], [r.label for r in rows])


# --- prediction ----------------------------------------------------------------------------------


def _label(value: str) -> str | None:
    return None if value == NONE else value


def predict(model: LinearModel, name: str, context: str, heading: str | None) -> tuple[str | None, float]:
    """The classifier's field for one model, and its probability."""
    proba = model.predict_proba([features(name, context, heading)])[0]
    i = int(proba.argmax())
    return _label(model.classes_[i]), float(proba[i])


def combine(rule: str | None, ml: str | None, confidence: float, mode: str) -> str | None:
    """The field a mode gives: ``ml`` the classifier's; ``hybrid`` the rules', overridden where
    they say nothing or where the classifier is at least :data:`HYBRID_CONFIDENCE` sure."""
    if mode == "ml":
        return ml
    if mode == "rules":
        return rule
    if rule is None or confidence >= HYBRID_CONFIDENCE:
        return ml
    return rule


def relabel(doc: Doc, model: LinearModel, mode: str) -> Doc:
    """Set ``domain`` of every record in ``doc._.models`` as ``mode`` decides."""
    records = list(doc._.models or [])
    if not records:
        return doc
    text = doc.text
    sents = sentence_spans(text)
    for rec in records:
        start = (
            rec.prov.start if rec.prov is not None and rec.prov.start >= 0 else max(0, text.find(rec.name))
        )
        context = context_at(text, start, sents)
        ml, confidence = predict(model, rec.name, context, heading_at(text, start))
        rec.domain = combine(rec.domain, ml, confidence, mode)
    return doc


def load(models_dir: Path | None = None) -> LinearModel:
    """The committed artifact (or the one in ``models_dir``)."""
    data = load_model_json(NAME, Path(models_dir) if models_dir else None)
    if data is None:
        where = models_dir or "models/"
        raise FileNotFoundError(f"no trained {NAME} in {where}: run `dvk train --component {NAME}` first")
    return LinearModel.from_json(data)


@Language.factory(PIPE, default_config={"mode": "hybrid", "models_dir": None})
def make_domain_classifier(nlp: Language, name: str, mode: str, models_dir: str | None):
    """The spaCy pipe: relabels the models' fields (``mode``: ``ml`` or ``hybrid``)."""
    model = load(Path(models_dir) if models_dir else None)

    def domain_classifier(doc: Doc) -> Doc:
        return relabel(doc, model, mode)

    return domain_classifier


# --- training and measurement --------------------------------------------------------------------

USE_STATS = False  # measured: the statistics' fields do not help (see cross_validate's "ml+stats")


def _training_rows(articles: Sequence[AnnotatedArticle], with_stats: bool) -> list[DomainExample]:
    rows: list[DomainExample] = []
    for a in articles:
        rows += examples(a)
        if with_stats:
            rows += stat_examples(a)
    return rows


def _accuracy(right: int, total: int) -> float:
    return round(right / total, 4) if total else 0.0


def cross_validate(
    articles: Sequence[AnnotatedArticle], folds: Sequence[Sequence[int]], seed: int = 13
) -> dict:
    """Accuracy over the located gold models of each held-out fold, for the rules, the classifier
    (``ml``, and ``ml+stats`` trained with the statistics' fields too) and ``hybrid``.

    Cross-validation by article: a fold's articles are never in its training data.
    Returns ``{"folds": [{"n", "rules", "ml", "ml+stats", "hybrid"}...], "overall": {...}}``.
    """
    per_article = [examples(a) for a in articles]
    stat_rows = [stat_examples(a) for a in articles]
    systems = ("rules", "ml", "ml+stats", "hybrid")
    totals = dict.fromkeys(systems, 0)
    n_all = 0
    out_folds = []
    for fold in folds:
        held = set(fold)
        train_idx = [i for i in range(len(articles)) if i not in held]
        rows = [r for i in train_idx for r in per_article[i]]
        plus = rows + [r for i in train_idx for r in stat_rows[i]]
        model, model_plus = fit(rows, seed), fit(plus, seed)
        right = dict.fromkeys(systems, 0)
        n = 0
        for i in sorted(held):
            for ex in per_article[i]:
                gold = _label(ex.label)
                rule = domains.classify_domain(ex.name, ex.context)
                ml, conf = predict(model, ex.name, ex.context, ex.heading)
                ml_plus, _ = predict(model_plus, ex.name, ex.context, ex.heading)
                right["rules"] += rule == gold
                right["ml"] += ml == gold
                right["ml+stats"] += ml_plus == gold
                right["hybrid"] += combine(rule, ml, conf, "hybrid") == gold
                n += 1
        out_folds.append({"n": n} | {s: _accuracy(right[s], n) for s in systems})
        for s in systems:
            totals[s] += right[s]
        n_all += n
    return {"folds": out_folds, "overall": {"n": n_all} | {s: _accuracy(totals[s], n_all) for s in systems}}


def train(articles: Sequence[AnnotatedArticle], seed: int = 13) -> tuple[str, ModelCard]:
    """Train on every annotated article; the card carries cross-validated scores (by article)."""
    from extractors.learn.data import article_folds

    rows = _training_rows(articles, USE_STATS)
    model = fit(rows, seed)
    dev = [a for a in articles if a.source.startswith("shared")]
    samples = [a for a in articles if a.source == "samples"]
    scores: dict[str, dict] = {}
    for label, subset in (("dev set (../shared)", dev), ("samples (corpus/samples)", samples)):
        if len(subset) >= 5:
            cv = cross_validate(subset, article_folds(subset, k=5, seed=seed), seed)["overall"]
            scores[f"5-fold cross-validation by article, {label}, accuracy over gold models"] = cv
    sources = sorted({a.source for a in articles})
    card = ModelCard(
        name=NAME,
        version=VERSION,
        task="A named model and its context (sentence, sentence before on the same line, heading) "
        "to one of the four fields economy / culture_society / defense_security / political_system, or none.",
        features="Hashed (2^16 columns, no vocabulary) word unigrams and bigrams of the name and of the "
        "context, lower-cased with tone placement folded; the rule lexicon scores of extractors/domains.py "
        "for name and context (log1p), the field the sentence states, the rules' answer, the field of "
        "the heading the model is listed under. Logistic regression (liblinear, C=0.5, balanced classes).",
        data=f"{len(rows)} gold models located in {len(articles)} annotated articles "
        f"(sources: {', '.join(sources)}); gold statistics' fields not used (measured no gain).",
        seed=seed,
        trained_on="",
        scores=scores,
        notes=f"Hybrid keeps the rules' field and takes the classifier's where the rules give none or "
        f"where the classifier's probability is at least {HYBRID_CONFIDENCE}. rules/ml/hybrid are accuracies "
        "over the held-out folds' gold models (names given, context from the text).",
    )
    return model.dumps(), card
