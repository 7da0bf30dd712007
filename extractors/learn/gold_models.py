"""Gold named models located in their article, shared by the model-name detector and the domain classifier.

A gold model record (SCHEMA.md) carries its ``name``, ``evidence`` and ``domain`` but no
offsets; :func:`locate` finds where the article names it (the evidence first, then the name,
both compared with the tone placement folded and the case ignored), so that a trained
component can read the words around it exactly as it will at run time.  Pure functions.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.normalize import fold_tone_marks
from extractors.model_names import ModelMention, model_context, sentence_spans
from pipeline.evaluate import model_name_match, norm_text

__all__ = ["GoldModel", "context_at", "gold_models", "locate", "name_key", "same_name"]


@dataclass(frozen=True, slots=True)
class GoldModel:
    """A gold model and where it sits in the cleaned text (``start`` is -1 when not found)."""

    name: str
    domain: str | None
    start: int
    end: int


def _fold(text: str) -> str:
    """Lower case, NFC, tone placement folded; one character per character (offsets are kept)."""
    folded = fold_tone_marks(unicodedata.normalize("NFC", text)).lower()
    return folded if len(folded) == len(text) else text.lower()


def locate(text: str, name: str, evidence: str = "") -> tuple[int, int]:
    """(start, end) of the name in ``text`` (inside its evidence when that is found), else (-1, -1)."""
    folded = _fold(text)
    base = 0
    if evidence:
        at = folded.find(_fold(evidence))
        if at >= 0:
            base = at
    for probe in (name, " ".join(name.split())):
        at = folded.find(_fold(probe), base)
        if at < 0:
            at = folded.find(_fold(probe))
        if at >= 0:
            return at, at + len(probe)
    if evidence and base:
        return base, base + len(evidence)
    return -1, -1


def gold_models(text: str, gold: dict) -> list[GoldModel]:
    """The article's gold models, each located in ``text``."""
    out = []
    for rec in gold.get("models") or []:
        name = str(rec.get("name") or "")
        if not name:
            continue
        start, end = locate(text, name, str(rec.get("evidence") or ""))
        out.append(GoldModel(name, rec.get("domain"), start, end))
    return out


def context_at(text: str, start: int, sentences: Sequence[tuple[int, int]] | None = None) -> str:
    """The context a model is judged in: :func:`extractors.model_names.model_context` at ``start``."""
    sents = list(sentences) if sentences is not None else sentence_spans(text)
    mention = ModelMention(start=start, end=start, name="", ev_start=start, ev_end=start, cue=None)
    return model_context(text, sents, mention)


def name_key(name: str) -> str:
    """The scorer's normalised name."""
    return norm_text(name)


def same_name(a: str, b: str) -> bool:
    """The scorer's model match: equal after normalisation, or containment with at least 80% of the length."""
    return model_name_match(a, b)
