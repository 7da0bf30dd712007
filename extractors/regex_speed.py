"""Faster scanning for patterns that open with a look-behind.

Python's ``re`` skips ahead to a pattern's possible first characters only when it
can see them; a leading look-behind such as ``(?<!\\w)`` (dvk's "at a word start")
hides them, so ``finditer`` tries the whole pattern at every character of an
article.  :func:`with_first_chars` works out, from the parsed pattern, the set of
characters a match can start with and puts a look-ahead for them in front:
``(?=[TtHh...])(?:pattern)`` matches exactly what ``pattern`` matches (the
look-ahead only states what must be true anyway), several times faster.  Under
``(?i)`` both cases of each letter count.  When the set cannot be known (a class
like ``\\w`` or ``.``, a pattern that can match the empty string) the pattern is
returned as it is.
"""

from __future__ import annotations

import re
from re import _constants as _c  # type: ignore[attr-defined]  # the parser of the re module (3.11+)
from re import _parser as _p  # type: ignore[attr-defined]

_MAX_RANGE = 64  # a class range wider than this ("[a-zà-ỹ]") is not spelt out
_ZERO_WIDTH = {_c.ASSERT, _c.ASSERT_NOT, _c.AT}


# categories a first character may belong to, kept as class escapes (never spelt out)
_CATEGORIES = {_c.CATEGORY_DIGIT: "\\d", _c.CATEGORY_SPACE: "\\s"}


class _Unknown(Exception):
    """The first characters cannot be stated."""


def _cased(chars: set[str], ignore_case: bool) -> set[str]:
    if not ignore_case:
        return chars
    return {v for ch in chars for v in (ch, ch.lower(), ch.upper()) if len(v) == 1 or v == ch}


def _class_chars(items, ignore_case: bool) -> set[str]:
    out: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            out.add(chr(av))
        elif op is _c.RANGE and av[1] - av[0] <= _MAX_RANGE:
            out.update(chr(i) for i in range(av[0], av[1] + 1))
        elif op is _c.CATEGORY and av in _CATEGORIES:
            out.add(_CATEGORIES[av])
        else:  # NEGATE, \w and other categories, a wide range
            raise _Unknown
    return _cased(out, ignore_case)


def _first(items, ignore_case: bool = False) -> tuple[set[str], bool]:
    """(characters a match of the sequence ``items`` can start with, whether it can be empty)."""
    out: set[str] = set()
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        if op is _c.LITERAL:
            return out | _cased({chr(av)}, ignore_case), False
        if op is _c.IN:
            return out | _class_chars(av, ignore_case), False
        if op is _c.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if (add_flags | del_flags) & _c.SRE_FLAG_VERBOSE:
                raise _Unknown
            case = (ignore_case or bool(add_flags & _c.SRE_FLAG_IGNORECASE)) and not (
                del_flags & _c.SRE_FLAG_IGNORECASE
            )
            chars, empty = _first(list(sub), case)
        elif op is _c.BRANCH:
            chars, empty = set(), False
            for branch in av[1]:
                c, e = _first(list(branch), ignore_case)
                chars |= c
                empty = empty or e
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
            lo, _hi, sub = av
            chars, empty = _first(list(sub), ignore_case)
            empty = empty or lo == 0
        else:  # ANY (.), back-references, conditionals, NOT_LITERAL ...
            raise _Unknown
        out |= chars
        if not empty:
            return out, False
    return out, True


def first_chars(pattern: re.Pattern[str]) -> set[str] | None:
    """The characters any match of ``pattern`` starts with, or None when they cannot be known."""
    if pattern.flags & re.VERBOSE:
        return None
    try:
        parsed = _p.parse(pattern.pattern, pattern.flags)
        chars, can_be_empty = _first(list(parsed), bool(parsed.state.flags & re.IGNORECASE))
    except _Unknown:
        return None
    return None if can_be_empty or not chars else chars


def with_first_chars(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` with a look-ahead for its first characters in front (same matches, faster
    ``search``/``finditer``), or ``pattern`` itself when they cannot be known."""
    chars = first_chars(pattern)
    if chars is None:
        return pattern
    cls = "".join(ch if ch in _CATEGORIES.values() else re.escape(ch) for ch in sorted(chars))
    body = _INLINE_FLAGS.sub("", pattern.pattern, count=1)  # kept in pattern.flags; they must open it
    try:
        return re.compile(f"(?=[{cls}])(?:{body})", pattern.flags)
    except re.error:  # pragma: no cover - a form not foreseen: keep the pattern as it is
        return pattern


_INLINE_FLAGS = re.compile(r"^\(\?[aiLmsux]+\)")
