"""Annotated articles for training and cross-validation.

Sources, in this order (an article seen twice keeps its first annotation):

* the development set in ``../shared`` (5 seeds + 40 dev article beginnings, with
  ``gold/seeds.jsonl`` and ``dev/gold.jsonl``) when it is beside the repository;
* the repository's own sample corpus, ``corpus/samples`` with ``gold.jsonl``;
* analysts' corrections imported with ``dvk annotate import`` (``corpus/annotations/*.jsonl``,
  the SCHEMA.md shape, each line carrying the article text under ``text``).

Every article is cleaned exactly as ``dvk run`` cleans it, so offsets and evidence
agree with what the extractors see.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "corpus" / "samples"
ANNOTATIONS = REPO / "corpus" / "annotations"
DEFAULT_SHARED = REPO.parent / "shared"


@dataclass(slots=True)
class AnnotatedArticle:
    """A cleaned article with its gold records (SCHEMA.md shape)."""

    doc: str  # the gold key: file name, or the last path segment of a URL
    text: str
    title: str | None
    published: str | None
    gold: dict
    source: str  # "shared-seeds", "shared-dev", "samples", "annotations"
    article: object = field(default=None, repr=False)  # the corpus.records.Article


def _doc_key(doc: str) -> str:
    return str(doc).rstrip("/").rsplit("/", 1)[-1]


def _read_gold(path: Path) -> dict[str, dict]:
    out: dict[str, dict] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                out[_doc_key(rec["doc"])] = rec
    return out


def _articles_in(paths: Sequence[Path]) -> Iterator:
    from corpus.clean import clean_article
    from corpus.ingest import discover_inputs, read_inputs
    from corpus.records import IngestError

    plan = discover_inputs([str(p) for p in paths])
    for f in plan.files:
        for raw in read_inputs(f):
            if hasattr(raw, "reason"):
                continue
            try:
                yield clean_article(raw)
            except IngestError:
                continue


def _annotated(paths: Sequence[Path], gold: dict[str, dict], source: str) -> list[AnnotatedArticle]:
    out = []
    for a in _articles_in(paths):
        key = _doc_key(a.doc)
        if key in gold:
            out.append(AnnotatedArticle(key, a.text, a.title, a.published, gold[key], source, a))
    return out


def load_shared(shared: Path | None = None) -> list[AnnotatedArticle]:
    """The development set from ``../shared`` (empty when it is absent)."""
    shared = DEFAULT_SHARED if shared is None else shared
    out: list[AnnotatedArticle] = []
    seeds, dev = shared / "seeds", shared / "dev" / "articles"
    if seeds.is_dir() and (shared / "gold" / "seeds.jsonl").is_file():
        out += _annotated([seeds], _read_gold(shared / "gold" / "seeds.jsonl"), "shared-seeds")
    if dev.is_dir() and (shared / "dev" / "gold.jsonl").is_file():
        out += _annotated([dev], _read_gold(shared / "dev" / "gold.jsonl"), "shared-dev")
    return out


def load_samples() -> list[AnnotatedArticle]:
    """The repository's own invented sample corpus with its hand gold."""
    return _annotated([SAMPLES], _read_gold(SAMPLES / "gold.jsonl"), "samples")


def load_imported(folder: Path = ANNOTATIONS) -> list[AnnotatedArticle]:
    """Corrections imported by ``dvk annotate import``: each line holds ``text`` and the records."""
    out = []
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.jsonl")):
        for rec in _read_gold(path).values():
            if isinstance(rec.get("text"), str):
                out.append(
                    AnnotatedArticle(
                        _doc_key(rec["doc"]),
                        rec["text"],
                        rec.get("title"),
                        rec.get("published"),
                        rec,
                        "annotations",
                    )
                )
    return out


def load_training_articles(shared: Path | None = None, include_shared: bool = True) -> list[AnnotatedArticle]:
    """Every annotated article available, deduplicated by doc key, in a fixed order."""
    seen: set[str] = set()
    out: list[AnnotatedArticle] = []
    groups = [load_shared(shared)] if include_shared else []
    groups += [load_samples(), load_imported()]
    for group in groups:
        for a in group:
            if a.doc not in seen:
                seen.add(a.doc)
                out.append(a)
    return out


def article_folds(articles: Sequence[AnnotatedArticle], k: int = 5, seed: int = 13) -> list[list[int]]:
    """``k`` folds of article indices: cross-validation by article (an article's records
    never sit on both sides)."""
    order = list(range(len(articles)))
    random.Random(seed).shuffle(order)
    return [sorted(order[i::k]) for i in range(k)]
