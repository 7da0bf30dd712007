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
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from extractors.numbers import find_quantities
from extractors.tokenizer import Token, check_backend, split_sentences, token_spans, tokenize

DOC_EXTENSIONS = ("meta", "quantities", "stats", "models", "units", "unit_mentions", "periods")


def register_extensions() -> None:
    """Register the dvk ``Doc`` extensions (idempotent)."""
    for name in DOC_EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


def _cut_at_sentences(text: str, tokens: Sequence[Sequence], sentences: Sequence[tuple[int, int]]) -> list:
    """Split any token that runs over a sentence boundary (rare: a backend join).

    ``tokens``: :class:`Token` or (start, end) pairs, in text order; the tokens kept whole
    are returned as they are, the pieces of a cut one as (start, end) pairs."""
    starts = [s for s, _ in sentences]
    # the tokens that a sentence start falls inside (after their first character): found from
    # the few sentence starts rather than by testing every token
    over = set()
    for st in starts:
        i = bisect_left(tokens, (st,))  # the first token starting at or after st
        if i and tokens[i - 1][1] > st:
            over.add(i - 1)
    if not over:
        return list(tokens)
    out: list = []
    done = 0
    for i in sorted(over):
        out.extend(tokens[done:i])
        done = i + 1
        t_start, t_end = tokens[i][0], tokens[i][1]
        lo = bisect_right(starts, t_start)
        hi = bisect_right(starts, t_end - 1)
        cuts = [t_start, *starts[lo:hi], t_end]
        for s, e in zip(cuts, cuts[1:], strict=False):
            piece = text[s:e]
            lead = len(piece) - len(piece.lstrip())
            stripped = piece.strip()
            if stripped:
                out.append((s + lead, s + lead + len(stripped)))
    out.extend(tokens[done:])
    return out


def _sentence_bounds(text: str, sentences: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentence spans of :func:`_doc_arrays` (those of the Doc's ``sents``), from the text alone.

    For tokens that cover every non-space character and are cut at the sentence starts
    (every token list of dvk's tokenizer after :func:`_cut_at_sentences`), the Doc's
    sentences do not depend on the tokens: the first opens at 0 (with any leading
    whitespace), each other at its first character; a sentence ends where the next opens,
    less the single space that may follow its last word; the last ends at the end of the
    text, less a single final space.  The same spans without walking the tokens (tested
    against :func:`_doc_arrays`).
    """
    n = len(text)
    if not n:
        return []
    body_end = len(text.rstrip())
    if not body_end:
        return [(0, n)]  # whitespace only: one whitespace word
    first = n - len(text.lstrip())
    opens = [0, *(s for s, _ in sentences if first < s < n and not text[s].isspace())]
    out = [
        (a, b - 1 if text[b - 1] == " " and not text[b - 2].isspace() else b)
        for a, b in zip(opens, opens[1:], strict=False)
    ]
    tail = text[body_end:]
    out.append((opens[-1], n if tail and tail != " " else body_end))
    return out


def doc_arrays(
    text: str, tokens: list[Token], sentences: list[tuple[int, int]]
) -> tuple[list[str], list[bool], list[bool]]:
    """``words``, ``spaces`` and ``sent_starts`` for ``spacy.tokens.Doc`` over ``text``."""
    return _doc_arrays(text, tokens, sentences)[:3]


def _doc_arrays(
    text: str, tokens: Sequence[Token], sentences: Sequence[tuple[int, int]]
) -> tuple[list[str], list[bool], list[bool], list[tuple[int, int]]]:
    """:func:`doc_arrays` and, from the same walk, :func:`sentence_spans` of its arrays."""
    sentence_starts = {s for s, _ in sentences}
    words: list[str] = []
    spaces: list[bool] = []
    starts: list[bool] = []
    # (word index, offset) of each word flagged as a sentence start, and where the word before it ends
    opened: list[tuple[int, int, int]] = []
    word, space, start = words.append, spaces.append, starts.append
    pos = last_end = 0  # end of the text walked, of the last word
    for t_start, t_end, t_text in tokens:
        if t_start > pos:
            gap = text[pos:t_start]
            if gap[0] == " " and words:
                spaces[-1] = True
                if len(gap) > 1:
                    word(gap[1:])
                    space(False)
                    start(False)
                    last_end = t_start
            else:
                word(gap)
                space(False)
                start(False)
                last_end = t_start
        if t_start in sentence_starts:
            opened.append((len(words), t_start, last_end))
            start(True)
        else:
            start(False)
        word(t_text)
        space(False)
        pos = last_end = t_end
    if pos < len(text):
        gap = text[pos:]
        if gap[0] == " " and words:
            spaces[-1] = True
            gap = gap[1:]
        if gap:
            word(gap)
            space(False)
            start(False)
            last_end = len(text)
    if not words:
        return words, spaces, starts, []
    if not opened or opened[0][0] != 0:
        starts[0] = True
        opened.insert(0, (0, 0, 0))
    if len(words) > 1 and words[0].isspace() and starts[1]:
        starts[1] = False  # leading whitespace and the first sentence are one spaCy sentence
        del opened[1]
    sents = [(a[1], b[2]) for a, b in zip(opened, opened[1:], strict=False)]
    sents.append((opened[-1][1], last_end))
    return words, spaces, starts, sents


TOKEN_SCOPES = ("all", "needed")


def check_scope(scope: str) -> str:
    if scope not in TOKEN_SCOPES:
        raise ValueError(f"unknown token scope {scope!r}: use one of {', '.join(TOKEN_SCOPES)}")
    return scope


_NOT_COUNTS = frozenset({"date", "time", "year"})
# enough for two counting words and a word of up to three syllables after a count, with a
# syllable of context; 3 already gave the same rows on the development set and the samples
_WINDOW_SYLLABLES = 6
_RE_SYLLABLE = re.compile(r"\S+")


def spans_to_segment(text: str) -> list[tuple[int, int]]:
    """The parts of ``text`` whose words the rule extractors read: each count and what follows it.

    The rule components work on characters; the one thing they take from the word
    segmentation is the word after a number (the counted item: "5 hộ gia đình" vs
    "5 hộ", after up to two counting words), so the backend only needs each quantity
    that can count something (not a date, a time or a year) with the next
    ``_WINDOW_SYLLABLES`` syllables, inside its sentence; overlapping windows merge.
    """
    quantities = [q for q in find_quantities(text) if q.kind not in _NOT_COUNTS]
    if not quantities:
        return []
    sentences = split_sentences(text)
    ends = [e for _, e in sentences]
    out: list[tuple[int, int]] = []
    for q in quantities:
        i = bisect_right(ends, q.start)
        limit = sentences[i][1] if i < len(sentences) else len(text)
        end = q.end
        for n, m in enumerate(_RE_SYLLABLE.finditer(text, q.end, limit)):
            if n == _WINDOW_SYLLABLES:
                break
            end = m.end()
        if out and q.start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((q.start, end))
    return out


def scoped_tokens(text: str, backend: str, scope: str = "all") -> list[Token]:
    """``tokenize(text, backend)`` over the whole text (``all``) or over :func:`spans_to_segment`."""
    return tokenize(text, backend, only=spans_to_segment(text) if check_scope(scope) == "needed" else None)


def scoped_spans(text: str, backend: str, scope: str = "all") -> list[tuple[int, int]]:
    """The (start, end) offsets of :func:`scoped_tokens`' tokens."""
    return token_spans(text, backend, only=spans_to_segment(text) if check_scope(scope) == "needed" else None)


class DvkTokenizer:
    """spaCy tokenizer: ``text -> Doc`` with dvk words and sentences (see module docstring).

    ``scope``: ``all`` segments every sentence with the backend; ``needed`` only the
    parts the rule extractors read words of (:func:`spans_to_segment`), the
    rest being cut into syllables.
    """

    def __init__(self, vocab: Vocab, backend: str = "underthesea", scope: str = "all") -> None:
        self.vocab = vocab
        self.backend = check_backend(backend)
        self.scope = check_scope(scope)

    def __call__(self, text: str) -> Doc:
        return doc_from_tokens(self.vocab, text, scoped_tokens(text, self.backend, self.scope))

    def pipe(self, texts, batch_size: int = 1000):
        for text in texts:
            yield self(text)

    # serialisation: the backend name and the scope are the state
    def to_bytes(self, *, exclude: Sequence[str] = ()) -> bytes:
        return json.dumps({"backend": self.backend, "scope": self.scope}).encode()

    def from_bytes(self, data: bytes, *, exclude: Sequence[str] = ()) -> DvkTokenizer:
        state = json.loads(data)
        self.backend = check_backend(state["backend"])
        self.scope = check_scope(state.get("scope", "all"))
        return self

    def to_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> None:
        Path(path).write_bytes(self.to_bytes())

    def from_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> DvkTokenizer:
        return self.from_bytes(Path(path).read_bytes())


def doc_from_tokens(vocab: Vocab, text: str, tokens: Sequence[Sequence]) -> Doc:
    """The ``Doc`` that ``DvkTokenizer`` makes of ``text`` when its backend gives ``tokens``.

    The optional path for cached tokens (``tokens`` as stored by an earlier run: :class:`Token`
    or (start, end) offsets): the same words, spaces and sentences as the default path,
    without calling the backend.
    """
    return _doc(vocab, text, tokens, records_only=False)


def records_doc(vocab: Vocab, text: str, tokens: Sequence[Sequence]) -> Doc:
    """What the rule components need of :func:`doc_from_tokens`'s ``Doc``, without its spaCy tokens.

    The rule components read the text, the words and the sentences from ``doc.user_data``
    (kept there in plain Python), never the Doc's own tokens: only their span groups
    (``doc.spans``) do.  This Doc has the same ``user_data`` and no spaCy tokens, and is
    marked ``dvk_records_only`` (the components then set no span groups).
    It is what :meth:`extractors.pipeline.Extractor.extract` uses when every component of
    its pipeline is a rule component: the records are the same (tested), without building a
    spaCy token per word.  A trained component reads tokens: its pipeline gets the full Doc.
    ``tokens`` may be (start, end) offsets (:func:`scoped_spans`, the token cache): the
    records read no word's text but the one after a count, which they slice from the text.
    """
    return _doc(vocab, text, tokens, records_only=True)


def _doc(vocab: Vocab, text: str, tokens: Sequence[Sequence], *, records_only: bool) -> Doc:
    sentences = split_sentences(text)
    cut = _cut_at_sentences(text, tokens, sentences)
    if records_only:
        # no tokens at all: a token holding the text would put every article's whole text in
        # the vocabulary's string store, which only grows (measured: +85 MiB over 50,000 articles)
        doc = Doc(vocab, words=[])
        doc.user_data["dvk_records_only"] = True
        sents = _sentence_bounds(text, sentences)
    else:
        cut = [Token(t[0], t[1], text[t[0] : t[1]]) for t in cut]
        words, spaces, starts, sents = _doc_arrays(text, cut, sentences)
        doc = Doc(vocab, words=words, spaces=spaces, sent_starts=starts)
    # what the rule components read again and again, kept in plain Python (walking the
    # Doc's tokens for each is a tenth of the extraction time)
    doc.user_data["dvk_text"] = text
    doc.user_data["dvk_tokens"] = cut  # (start, end[, text]) of each word; components read the offsets
    doc.user_data["dvk_sentences"] = sents  # sentence_spans(words, spaces, starts)
    return doc


def sentence_spans(
    words: Sequence[str], spaces: Sequence[bool], starts: Sequence[bool]
) -> list[tuple[int, int]]:
    """``[(s.start_char, s.end_char) for s in doc.sents]`` of the Doc made of these arrays, without the Doc."""
    out: list[tuple[int, int]] = []
    pos = 0
    for word, space, start in zip(words, spaces, starts, strict=True):
        if start or not out:
            out.append((pos, pos + len(word)))
        else:
            out[-1] = (out[-1][0], pos + len(word))
        pos += len(word) + (1 if space else 0)
    return out


def make_nlp(tokenizer: str = "underthesea", components: Sequence[str] = (), scope: str = "all") -> Language:
    """A blank Vietnamese pipeline on ``DvkTokenizer``, plus the named registered components.

    ``tokenizer`` is the backend (``underthesea`` or ``pyvi``); each name in
    ``components`` is added in order with ``nlp.add_pipe(name)``; ``scope`` is the
    tokenizer's (see :class:`DvkTokenizer`).
    """
    check_backend(tokenizer)
    register_extensions()
    # use_pyvi=False: spaCy's own tokenizer is replaced at once, so pyvi need not be loaded.
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    nlp.tokenizer = DvkTokenizer(nlp.vocab, backend=tokenizer, scope=scope)
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
