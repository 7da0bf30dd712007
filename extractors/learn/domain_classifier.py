"""Trained domain classifier: a named model and its context to one of the four fields (or none).

The rule judgement (:func:`extractors.domains.classify_domain`) weighs a keyword lexicon over
the model's name and its sentence.  This component learns the same decision from the gold
models of the annotated articles, with features that generalise to articles it never saw:

* word unigrams and bigrams of the name (``n:``, ``n2:``) and of its context (``c:``, ``c2:``),
  lower-cased with the tone placement folded, hashed (no vocabulary is stored);
* the lexicon scores of :mod:`extractors.domains` for the name and for the context, as numbers
  (``lexn:<field>``, ``lexc:<field>``), the field the sentence states (``stated:``) and the
  rules' own answer (``rule:``);
* the field a heading names when the model is listed under one (``head:``): the nearest short
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
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from corpus.normalize import fold_tone_marks
from extractors import domains
from extractors.components import doc_text
from extractors.learn.artifacts import ModelCard, require_model_json
from extractors.learn.data import AnnotatedArticle, article_folds
from extractors.learn.gold_models import context_at, gold_models
from extractors.learn.linear import LinearModel
from extractors.model_names import sentence_spans

NAME = "domain_classifier"
VERSION = "1.0.0"
PIPE = "dvk_ml_domain_classifier"
NONE = "none"  # the label of a model that serves no single field
HYBRID_CONFIDENCE = 0.9  # hybrid overrides a rule answer only above this probability (measured)
C = 0.5  # measured: 0.5, 2 and 8 give the same cross-validated accuracy
N_FEATURES = 2**13  # liblinear's time grows with the columns; there are ~2k distinct features
USE_STATS = False  # measured: the statistics' fields add nothing on the pooled data
SYSTEMS = ("rules", "ml", "ml+stats", "hybrid")
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


def training_rows(articles: Sequence[AnnotatedArticle], with_stats: bool = USE_STATS) -> list[DomainExample]:
    """Every example of the articles, in the articles' order."""
    rows: list[DomainExample] = []
    for a in articles:
        rows += examples(a)
        if with_stats:
            rows += stat_examples(a)
    return rows


@lru_cache(maxsize=8192)
def example_features(ex: DomainExample) -> dict[str, float]:
    """:func:`features` of an example, cached (training and cross-validation share them); do not mutate."""
    return features(ex.name, ex.context, ex.heading)


def _fit_rows(rows: Sequence[tuple[dict[str, float], str]], seed: int) -> LinearModel:
    model = LinearModel(n_features=N_FEATURES, C=C, random_state=seed)
    return model.fit([f for f, _ in rows], [label for _, label in rows])


def fit(rows: Sequence[DomainExample], seed: int) -> LinearModel:
    """A deterministic logistic regression over the examples' features."""
    return _fit_rows([(example_features(r), r.label) for r in rows], seed)


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
    text = doc_text(doc)
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
    return LinearModel.from_json(require_model_json(NAME, models_dir))


@Language.factory(PIPE, default_config={"mode": "hybrid", "models_dir": None})
def make_domain_classifier(nlp: Language, name: str, mode: str, models_dir: str | None):
    """The spaCy pipe: relabels the models' fields (``mode``: ``ml`` or ``hybrid``)."""
    model = load(Path(models_dir) if models_dir else None)

    def domain_classifier(doc: Doc) -> Doc:
        return relabel(doc, model, mode)

    return domain_classifier


# --- measurement and training --------------------------------------------------------------------


def _accuracy(right: int, total: int) -> float:
    return round(right / total, 4) if total else 0.0


def cross_validate(
    articles: Sequence[AnnotatedArticle], folds: Sequence[Sequence[int]], seed: int = 13
) -> dict:
    """Accuracy over the located gold models of each held-out fold, for the rules, the classifier
    (``ml``; ``ml+stats`` also trained on the statistics' fields) and ``hybrid``.

    Cross-validation by article: a fold's articles are never in its training data.  Returns
    ``{"folds": [{"n", "rules", "ml", "ml+stats", "hybrid"}, ...], "overall": {...},
    "by_source": {source: {...}}}`` (``by_source`` splits the held-out predictions by where the
    article comes from: "shared-dev", "samples", ...).
    """

    def featurised(rows: list[DomainExample]) -> list[tuple[dict[str, float], str, DomainExample]]:
        return [(example_features(r), r.label, r) for r in rows]

    per_article = [featurised(examples(a)) for a in articles]
    stat_rows = [featurised(stat_examples(a)) for a in articles]
    tally: dict[str, dict[str, int]] = {}  # group -> system -> right answers (and "n")

    def count(group: str, system: str, ok: bool) -> None:
        tally.setdefault(group, dict.fromkeys(("n", *SYSTEMS), 0))[system] += int(ok)

    for k, fold in enumerate(folds):
        held = set(fold)
        train_idx = [i for i in range(len(articles)) if i not in held]
        rows = [(f, y) for i in train_idx for f, y, _ in per_article[i]]
        plus = rows + [(f, y) for i in train_idx for f, y, _ in stat_rows[i]]
        model, model_plus = _fit_rows(rows, seed), _fit_rows(plus, seed)
        for i in sorted(held):
            groups = (f"fold{k}", "overall", f"source:{articles[i].source}")
            for feats, label, ex in per_article[i]:
                gold = _label(label)
                rule = domains.classify_domain(ex.name, ex.context)
                proba = model.predict_proba([feats])[0]
                ml, conf = _label(model.classes_[int(proba.argmax())]), float(proba.max())
                ml_plus = _label(model_plus.predict([feats])[0])
                hybrid = combine(rule, ml, conf, "hybrid")
                for g in groups:
                    count(g, "n", True)
                    for system, answer in zip(SYSTEMS, (rule, ml, ml_plus, hybrid), strict=True):
                        count(g, system, answer == gold)

    def summary(group: str) -> dict:
        t = tally.get(group, dict.fromkeys(("n", *SYSTEMS), 0))
        return {"n": t["n"]} | {s: _accuracy(t[s], t["n"]) for s in SYSTEMS}

    sources = sorted(g.split(":", 1)[1] for g in tally if g.startswith("source:"))
    return {
        "folds": [summary(f"fold{k}") for k in range(len(folds))],
        "overall": summary("overall"),
        "by_source": {s: summary(f"source:{s}") for s in sources},
    }


def cv_scores(articles: Sequence[AnnotatedArticle], seed: int = 13) -> dict[str, dict]:
    """The model card's scores: 5-fold cross-validation by article over every article (also split
    by source), and over the development set alone (trained on dev articles only)."""
    scores: dict[str, dict] = {}
    cv = cross_validate(articles, article_folds(articles, k=5, seed=seed), seed)
    scores["5-fold CV by article, all annotated articles, overall"] = cv["overall"]
    for source, figures in cv["by_source"].items():
        scores[f"5-fold CV by article, all annotated articles, held-out {source} articles"] = figures
    dev = [a for a in articles if a.source.startswith("shared")]
    if len(dev) >= 5:
        dev_cv = cross_validate(dev, article_folds(dev, k=5, seed=seed), seed)["overall"]
        scores["5-fold CV by article, dev set only (../shared seeds + dev)"] = dev_cv
    return scores


def card(articles: Sequence[AnnotatedArticle], n_rows: int, seed: int, scores: dict) -> ModelCard:
    sources = sorted({a.source for a in articles})
    return ModelCard(
        name=NAME,
        version=VERSION,
        task="A named model and its context (sentence, sentence before on the same line, heading) to one "
        "of the four fields economy / culture_society / defense_security / political_system, or none.",
        features="Hashed (2^13 columns, no vocabulary) word unigrams and bigrams of the name and of the "
        "context, lower-cased with tone placement folded; the rule lexicon scores of extractors/domains.py "
        "for name and context (log1p), the field the sentence states, the rules' answer, the field of the "
        f"heading the model is listed under. Logistic regression (liblinear, one vs rest, C={C}, balanced).",
        data=f"{n_rows} gold models located in {len(articles)} annotated articles "
        f"(sources: {', '.join(sources)}); the gold statistics' fields are not used (measured: no gain).",
        seed=seed,
        trained_on="",
        scores=scores,
        notes="Scores are accuracies over the held-out folds' gold models (names given, context read "
        "from the text): rules = extractors.domains.classify_domain, ml = this classifier, ml+stats = "
        "trained with the statistics' fields too, hybrid = the rules' field, the classifier's where the "
        f"rules give none or its probability is at least {HYBRID_CONFIDENCE}. "
        "Measure with `.venv/bin/python bench/cv_component.py domain_classifier`.",
    )


def train(articles: Sequence[AnnotatedArticle], seed: int = 13) -> tuple[str, ModelCard]:
    """Train on every annotated article; the card carries cross-validated scores (by article)."""
    rows = training_rows(articles)
    model = fit(rows, seed)
    return model.dumps(), card(articles, len(rows), seed, cv_scores(articles, seed))
