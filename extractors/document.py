"""The document carrier: a spaCy ``Doc`` built over dvk's own tokenizer.

``make_nlp`` returns ``spacy.blank("vi")`` whose tokenizer is a ``DvkTokenizer``:
words from ``extractors.tokenizer.tokenize`` and sentences from
``extractors.tokenizer.split_sentences``, so that

* ``doc.text == text`` exactly: runs of whitespace other than one space after a
  word become whitespace tokens (spaCy's convention), and ``token.idx`` is the
  character offset of the word in the text;
* ``doc.sents`` are the sentences of ``split_sentences`` (a sentence carries the
  whitespace tokens that follow it; a leading whitespace token belongs to the
  first sentence).  A text with no visible character has no sentences of its own
  (spaCy still shows one, made of whitespace, when the text is not empty).

Extraction results travel on ``Doc`` extensions registered here, all defaulting
to None: ``meta`` (dict: article_id, doc, published, title), ``quantities``,
``stats``, ``models``, ``units``, ``unit_mentions``, ``periods``.

Hook for the extraction components: register them elsewhere with
``@Language.component("name")`` (or a factory) and pass their names to
``make_nlp(tokenizer, components=[...])``, which adds them in order with
``nlp.add_pipe(name)``.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Sequence
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from extractors.tokenizer import Token, check_backend, split_sentences, tokenize

DOC_EXTENSIONS = ("meta", "quantities", "stats", "models", "units", "unit_mentions", "periods")


def register_extensions() -> None:
    """Register the dvk ``Doc`` extensions (idempotent)."""
    for name in DOC_EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


def _cut_at_sentences(text: str, tokens: list[Token], sentences: list[tuple[int, int]]) -> list[Token]:
    """Split any token that runs over a sentence boundary (rare: a backend join)."""
    starts = [s for s, _ in sentences]
    out: list[Token] = []
    for t in tokens:
        lo = bisect_right(starts, t.start)
        hi = bisect_right(starts, t.end - 1)
        if lo == hi:
            out.append(t)
            continue
        cuts = [t.start, *starts[lo:hi], t.end]
        for s, e in zip(cuts, cuts[1:], strict=False):
            piece = text[s:e]
            lead = len(piece) - len(piece.lstrip())
            stripped = piece.strip()
            if stripped:
                out.append(Token(s + lead, s + lead + len(stripped), stripped))
    return out


def doc_arrays(
    text: str, tokens: list[Token], sentences: list[tuple[int, int]]
) -> tuple[list[str], list[bool], list[bool]]:
    """``words``, ``spaces`` and ``sent_starts`` for ``spacy.tokens.Doc`` over ``text``."""
    sentence_starts = {s for s, _ in sentences}
    words: list[str] = []
    spaces: list[bool] = []
    starts: list[bool] = []
    pos = 0
    for t in [*tokens, None]:
        gap = text[pos : t.start if t else len(text)]
        if gap and words and gap[0] == " ":
            spaces[-1] = True
            gap = gap[1:]
        if gap:
            words.append(gap)
            spaces.append(False)
            starts.append(False)
        if t is None:
            break
        words.append(t.text)
        spaces.append(False)
        starts.append(t.start in sentence_starts)
        pos = t.end
    if words:
        starts[0] = True
    if len(words) > 1 and words[0].isspace():
        starts[1] = False  # leading whitespace and the first sentence are one spaCy sentence
    return words, spaces, starts


class DvkTokenizer:
    """spaCy tokenizer: ``text -> Doc`` with dvk words and sentences (see module docstring)."""

    def __init__(self, vocab: Vocab, backend: str = "underthesea") -> None:
        self.vocab = vocab
        self.backend = check_backend(backend)

    def __call__(self, text: str) -> Doc:
        return doc_from_tokens(self.vocab, text, tokenize(text, self.backend))

    def pipe(self, texts, batch_size: int = 1000):
        for text in texts:
            yield self(text)

    # serialisation: only the backend name is state
    def to_bytes(self, *, exclude: Sequence[str] = ()) -> bytes:
        return json.dumps({"backend": self.backend}).encode()

    def from_bytes(self, data: bytes, *, exclude: Sequence[str] = ()) -> DvkTokenizer:
        self.backend = check_backend(json.loads(data)["backend"])
        return self

    def to_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> None:
        Path(path).write_bytes(self.to_bytes())

    def from_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> DvkTokenizer:
        return self.from_bytes(Path(path).read_bytes())


def doc_from_tokens(vocab: Vocab, text: str, tokens: Sequence[Token]) -> Doc:
    """The ``Doc`` that ``DvkTokenizer`` makes of ``text`` when its backend gives ``tokens``.

    The optional path for cached tokens (``tokens`` as stored by an earlier run,
    e.g. rebuilt with :func:`tokens_from_offsets`): the same words, spaces and
    sentences as the default path, without calling the backend.
    """
    sentences = split_sentences(text)
    cut = _cut_at_sentences(text, list(tokens), sentences)
    words, spaces, starts = doc_arrays(text, cut, sentences)
    return Doc(vocab, words=words, spaces=spaces, sent_starts=starts)


def tokens_from_offsets(text: str, starts: Sequence[int], ends: Sequence[int]) -> list[Token]:
    """Tokens of ``text`` from their start and end offsets (the form the token cache keeps)."""
    return [Token(s, e, text[s:e]) for s, e in zip(starts, ends, strict=True)]


def make_nlp(tokenizer: str = "underthesea", components: Sequence[str] = ()) -> Language:
    """A blank Vietnamese pipeline on ``DvkTokenizer``, plus the named registered components.

    ``tokenizer`` is the backend (``underthesea`` or ``pyvi``); each name in
    ``components`` is added in order with ``nlp.add_pipe(name)``.
    """
    check_backend(tokenizer)
    register_extensions()
    # use_pyvi=False: spaCy's own tokenizer is replaced at once, so pyvi need not be loaded.
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    nlp.tokenizer = DvkTokenizer(nlp.vocab, backend=tokenizer)
    for name in components:
        nlp.add_pipe(name)
    return nlp


def sentence_starts(doc: Doc) -> list[int]:
    """Character offset at which each sentence of ``doc`` starts."""
    return [s.start_char for s in doc.sents] if len(doc) else []


def char_span_to_sentence(doc: Doc, start: int, end: int | None = None) -> int:
    """Index of the sentence of ``doc`` that contains character offset ``start``.

    A span running over several sentences belongs to the one it starts in
    (``end`` is accepted for symmetry with spaCy's ``char_span``); an offset in
    the whitespace after a sentence belongs to that sentence.  -1 for an empty doc.
    """
    starts = sentence_starts(doc)
    if not starts:
        return -1
    return max(bisect_right(starts, start) - 1, 0)
