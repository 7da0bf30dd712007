"""A cheap keyword prefilter: drop pages that cannot be about the campaign before the expensive stages.

A backfill over a web archive (Common Crawl's CC-NEWS holds millions of pages a month) must
not clean and tokenize every page: :class:`Prefilter` keeps a page only when its raw text (the
HTML with entities decoded, or the plain text, plus the title) contains one of the campaign's
terms.  Matching is done on a *folded* form of both sides (:func:`fold`: no diacritics, ``đ`` as
``d``, lower case, any whitespace between words), so spelling variants (``hoà``/``hòa``, decomposed
Unicode, upper-case headlines, a line break inside a term) never make a relevant page fail.

The default terms (:data:`DEFAULT_TERMS`) are the campaign's vocabulary; a terms file (one
term a line, ``#`` starts a comment) replaces them.  The filter favours recall: a page that
mentions "mô hình" anywhere passes, and the extractors decide what it holds.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from corpus.records import RawArticle

__all__ = ["DEFAULT_TERMS", "Prefilter", "fold", "load_prefilter"]

#: The campaign's terms: its name and the words its statistics are counted in.
DEFAULT_TERMS: tuple[str, ...] = (
    "dân vận",
    "dân vận khéo",
    "mô hình",
    "điển hình",
    "quy chế dân chủ",
    "thi đua",
)


def fold(text: str) -> str:
    """``text`` lower-cased, without diacritics, with ``đ`` as ``d``, and ASCII only.

    After NFKD a Vietnamese letter is an ASCII letter plus combining marks (and a no-break space
    is a space), so dropping every
    non-ASCII code point removes the marks (and also quotes and other symbols, which no term
    needs).  Whitespace is kept as it is: the compiled terms accept any run of it between words.
    """
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "d"))
    return decomposed.encode("ascii", "ignore").decode("ascii").lower()


@dataclass(frozen=True, slots=True)
class Prefilter:
    """Keeps a page when one of ``terms`` occurs in it (compared folded, see :func:`fold`)."""

    terms: tuple[str, ...] = DEFAULT_TERMS

    def __post_init__(self) -> None:
        if not any(t.strip() for t in self.terms):
            raise ValueError("a prefilter needs at least one term")

    @property
    def pattern(self) -> re.Pattern[str]:
        folded = sorted({" ".join(fold(t).split()) for t in self.terms if t.strip()}, key=len, reverse=True)
        return re.compile("|".join(r"\s+".join(map(re.escape, t.split())) for t in folded))

    def matches(self, text: str) -> bool:
        """True when ``text`` contains one of the terms."""
        return _compiled(self.terms).search(fold(text)) is not None

    def keeps(self, raw: RawArticle) -> bool:
        """True when the article (title, then HTML with entities decoded, or text) names a term."""
        body = html.unescape(raw.html) if raw.html is not None else (raw.text or "")
        return self.matches(f"{raw.title or ''}\n{body}")


_PATTERNS: dict[tuple[str, ...], re.Pattern[str]] = {}


def _compiled(terms: tuple[str, ...]) -> re.Pattern[str]:
    pattern = _PATTERNS.get(terms)
    if pattern is None:
        pattern = _PATTERNS[terms] = Prefilter(terms).pattern
    return pattern


def parse_terms(lines: Iterable[str]) -> tuple[str, ...]:
    """Terms of a terms file's lines: stripped, ``#`` comments and blank lines dropped."""
    terms = (line.split("#", 1)[0].strip() for line in lines)
    return tuple(t for t in terms if t)


def load_prefilter(path: Path) -> Prefilter:
    """The prefilter of a terms file (UTF-8, one term a line); ``ValueError`` when it holds none."""
    terms = parse_terms(Path(path).read_text(encoding="utf-8-sig").splitlines())
    if not terms:
        raise ValueError(f"{path}: no prefilter terms (one term a line, # for comments)")
    return Prefilter(terms)
