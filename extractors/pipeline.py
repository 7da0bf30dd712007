"""The extraction entry point: one cleaned article in, one :class:`Extraction` out.

:class:`Extractor` builds the spaCy pipeline once (the custom Vietnamese tokenizer
and the rule components of :mod:`extractors.components`) and then runs it over
each article.  ``versions`` names everything that decides the output, so that a
dataset can tell which rows an extractor change makes stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import metadata

from corpus.records import Article
from extractors import components
from extractors.records import Extraction

EXTRACTOR_VERSION = components.RULES_VERSION
TOKENIZERS = ("underthesea", "pyvi")


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


@dataclass
class Extractor:
    """Builds the NLP pipeline once; :meth:`extract` is then called per article."""

    tokenizer: str = "underthesea"
    versions: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.tokenizer not in TOKENIZERS:
            raise ValueError(f"unknown tokenizer {self.tokenizer!r}: use one of {', '.join(TOKENIZERS)}")
        from extractors.document import make_nlp

        self.nlp = make_nlp(self.tokenizer, components=[name for name, _r, _a in components.RULE_COMPONENTS])
        self.versions = {
            "dvk.rules": EXTRACTOR_VERSION,
            "tokenizer": f"{self.tokenizer}-{_package_version(self.tokenizer)}",
        }

    def process(self, article: Article):
        """Run the pipeline and return the spaCy ``Doc`` (with every layer on it)."""
        doc = self.nlp.make_doc(article.text)
        doc._.meta = {
            "article_id": article.article_id,
            "doc": article.doc,
            "published": article.published,
            "title": article.title,
        }
        for _name, proc in self.nlp.pipeline:
            doc = proc(doc)
        return doc

    def extract(self, article: Article) -> Extraction:
        doc = self.process(article)
        return Extraction(
            stats=list(doc._.stats or []), models=list(doc._.models or []), units=list(doc._.units or [])
        )
