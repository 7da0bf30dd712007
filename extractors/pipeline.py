"""The extraction entry point: one cleaned article in, one :class:`Extraction` out.

:class:`Extractor` builds the spaCy pipeline once (the custom Vietnamese tokenizer
and the rule components of :mod:`extractors.components`) and then runs it over
each article.  ``versions`` names everything that decides the output, so that a
dataset can tell which rows an extractor change makes stale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path

from corpus.records import Article
from extractors import components, layers
from extractors.learn import registry
from extractors.learn.registry import DEFAULT_MODE, MODES
from extractors.records import Extraction
from extractors.tokenizer import Token

EXTRACTOR_VERSION = components.RULES_VERSION
TOKENIZERS = ("underthesea", "pyvi")


def _last_after(nlp, anchor: str) -> str:
    """Insert after ``anchor`` and after the trained components (``dvk_ml_*``) already behind it."""
    names = nlp.pipe_names
    i = names.index(anchor)
    while i + 1 < len(names) and names[i + 1].startswith("dvk_ml_"):
        i += 1
    return names[i]


@cache
def _rule_versions() -> dict[str, str]:
    """Each rule component's version (a hash of its source: :mod:`extractors.layers`)."""
    return layers.component_versions(components.COMPONENT_MODULES, components.COMPONENT_PACKAGES)


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


@dataclass
class Extractor:
    """Builds the NLP pipeline once; :meth:`extract` is then called per article."""

    tokenizer: str = "underthesea"
    extractors: str = DEFAULT_MODE
    models_dir: str | None = None  # where trained artifacts are read (default: models/)
    components: tuple[str, ...] | None = None  # ml/hybrid: only these trained components (default: all)
    # which sentences the tokenizer backend segments: "needed" (those the rule components read
    # words of) or "all"; default "all" for --extractors ml (its unit recogniser tags every token)
    token_scope: str | None = None
    versions: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.tokenizer not in TOKENIZERS:
            raise ValueError(f"unknown tokenizer {self.tokenizer!r}: use one of {', '.join(TOKENIZERS)}")
        if self.extractors not in MODES:
            raise ValueError(f"unknown extractors {self.extractors!r}: use one of {', '.join(MODES)}")
        from extractors.document import check_scope, make_nlp

        if self.token_scope is None:
            self.token_scope = "all" if self.extractors == "ml" else "needed"
        check_scope(self.token_scope)
        self.nlp = make_nlp(
            self.tokenizer,
            components=[name for name, _r, _a in components.RULE_COMPONENTS],
            scope=self.token_scope,
        )
        self.versions = {
            "dvk.rules": EXTRACTOR_VERSION,
            "tokenizer": f"{self.tokenizer}-{_package_version(self.tokenizer)}"
            + ("" if self.token_scope == "all" else f"+{self.token_scope}"),
            "extractors": self.extractors,
            **{f"rule.{n}": v for n, v in _rule_versions().items()},
        }
        if self.extractors != "rules":
            self._add_trained()

    def _add_trained(self) -> None:
        """Insert every trained component (code and artifact present) after its rule component."""
        mdir = Path(self.models_dir) if self.models_dir else None
        names = list(self.components) if self.components is not None else None
        found = registry.available(names, models_dir=mdir)
        if not found:
            raise ValueError(
                f"--extractors {self.extractors} needs trained components in models/: run `dvk train` first"
            )
        for t in found:
            module = registry.load_module(t.name)
            self.nlp.add_pipe(
                module.PIPE,
                name=module.PIPE,
                after=_last_after(self.nlp, t.after),
                config={"mode": self.extractors, "models_dir": self.models_dir},
            )
            self.versions[f"model.{t.name}"] = str(registry.artifact_version(t.name, mdir))

    def tokenize(self, text: str) -> list[Token]:
        """The word tokens the pipeline's tokenizer makes of ``text`` (its backend and scope)."""
        from extractors.document import scoped_tokens

        return scoped_tokens(text, self.tokenizer, self.token_scope or "all")

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """The (start, end) offsets of :meth:`tokenize`'s tokens (what the token cache keeps)."""
        from extractors.document import scoped_spans

        return scoped_spans(text, self.tokenizer, self.token_scope or "all")

    def component_versions(self) -> dict[str, str]:
        """The version of each rule component of the pipeline: ``dvk.rules`` and its own ``rule.*``
        entry (a trained component has none: it never keeps layers)."""
        rules = self.versions.get("dvk.rules", "")
        return {name: f"{rules}/{self.versions.get(f'rule.{name}', '')}" for name in self.nlp.pipe_names}

    def process(
        self,
        article: Article,
        tokens: Sequence[Token | tuple[int, int]] | None = None,
        *,
        reuse: layers.Layers | None = None,
        capture: dict[str, bytes] | None = None,
        records_only: bool = False,
    ):
        """Run the pipeline and return the spaCy ``Doc`` (with every layer on it).

        ``tokens``: the article's word tokens as the tokenizer backend gave them
        (e.g. from the token cache; :class:`Token` or (start, end) offsets); the Doc is
        then built from them instead of calling the backend, with the same result.  ``reuse``: layers of an earlier
        extraction of the same text, tokens and metadata; the components that
        :class:`extractors.layers.Replay` does not run again get their values from them
        (their span groups are then not set).  ``capture``: a dict that receives each
        component's snapshot (:func:`extractors.layers.snapshot`).  ``records_only``: the
        caller wants the records, not the Doc's tokens or span groups
        (:func:`extractors.document.records_doc`; only for a pipeline of rule components).
        """
        from extractors.document import doc_from_tokens, records_doc

        if records_only and self.keeps_layers():
            doc = records_doc(
                self.nlp.vocab, article.text, self.token_spans(article.text) if tokens is None else tokens
            )
        elif tokens is None:
            doc = self.nlp.make_doc(article.text)
        else:
            doc = doc_from_tokens(self.nlp.vocab, article.text, tokens)
        doc._.meta = {
            "article_id": article.article_id,
            "doc": article.doc,
            "published": article.published,
            "title": article.title,
            "province": getattr(article, "province", None),
        }
        if reuse is None and capture is None:
            for _name, proc in self.nlp.pipeline:
                doc = proc(doc)
            return doc
        current = self.component_versions()
        doc.user_data["dvk_versions"] = current  # what extract() packs with the snapshots
        replay = layers.Replay(self.nlp.pipe_names, _DECLARED, current, reuse)
        for name, proc in self.nlp.pipeline:
            if not replay.must_run(name):
                snap = replay.skipped(name)
            else:
                reads = _READS[name] if name in _READS else replay.held()  # undeclared: it may read anything
                _set(doc, replay.restore_for(reads))
                doc = proc(doc)
                ext = doc._  # spaCy makes a new accessor object on each `doc._`
                snap = replay.ran(name, {a: getattr(ext, a) for a in _WRITES.get(name, ())})
            if capture is not None and name in _WRITES:
                capture[name] = snap
        # a records-only caller reads the records; any other caller the whole Doc
        _set(doc, replay.restore_for(_OUTPUTS if records_only else replay.held()))
        doc.user_data["dvk_same_records"] = replay.unchanged(_OUTPUTS)
        return doc

    def base_key(self, article: Article, tokens_key: str) -> str:
        """The base of the article's layers: its text, its tokens (their cache key) and its metadata."""
        meta = {
            "published": article.published,
            "title": article.title,
            "province": getattr(article, "province", None),
        }
        return layers.base_key(article.content_hash or "", tokens_key, meta)

    def extract(
        self,
        article: Article,
        tokens: Sequence[Token | tuple[int, int]] | None = None,
        *,
        reuse: bytes | None = None,
        keep_layers: str | None = None,
    ) -> Extraction:
        """Extract one article.

        ``keep_layers``: the base key of the article's layers (:meth:`base_key`); when given,
        the extraction carries its layers (``Extraction.layers``, packed) and ``reuse``
        (packed layers of an earlier extraction, e.g. from the dataset) is used when their
        base key is the same; ``Extraction.same_records`` then says whether the records are
        those of the earlier extraction.  Only a pipeline whose components all declare what they
        read and write keeps layers (the rule components; not the trained ones).
        """
        if keep_layers is None or not self.keeps_layers():
            doc = self.process(article, tokens, records_only=True)
            return _extraction(doc)
        earlier = layers.unpack(reuse)
        if earlier is not None and earlier.base != keep_layers:
            earlier = None
        capture: dict[str, bytes] = {}
        doc = self.process(article, tokens, reuse=earlier, capture=capture, records_only=True)
        out = _extraction(doc)
        current = doc.user_data["dvk_versions"]
        out.layers = layers.pack(layers.Layers(keep_layers, {n: current[n] for n in capture}, capture))
        out.same_records = doc.user_data["dvk_same_records"]
        return out

    def keeps_layers(self) -> bool:
        """True when every component declares what it reads and writes (a rule pipeline)."""
        return _WRITES.keys() >= set(self.nlp.pipe_names)


_DECLARED = layers.declared(components.RULE_COMPONENTS)
_WRITES = {c.name: c.writes for c in _DECLARED}
_READS = {c.name: c.reads for c in _DECLARED}
_OUTPUTS = ("stats", "models", "units")  # what _extraction reads


def _set(doc, values: dict[str, object]) -> None:
    if values:
        ext = doc._
        for attr, value in values.items():
            setattr(ext, attr, value)


def _extraction(doc) -> Extraction:
    ext = doc._
    return Extraction(stats=list(ext.stats or []), models=list(ext.models or []), units=list(ext.units or []))
