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
from functools import cache

try:  # the parser of the re module: private, but the only one that parses exactly as re does
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]

    _ZERO_WIDTH = {_c.ASSERT, _c.ASSERT_NOT, _c.AT}
    # categories a first character may belong to, kept as class escapes (never spelt out)
    _CATEGORIES = {_c.CATEGORY_DIGIT: "\\d", _c.CATEGORY_SPACE: "\\s"}
except (ImportError, AttributeError):  # pragma: no cover - another Python: patterns kept as they are
    _c = _p = None  # type: ignore[assignment]
    _ZERO_WIDTH, _CATEGORIES = set(), {}

_MAX_RANGE = 64  # a class range wider than this ("[a-zà-ỹ]") is not spelt out

#: What the private parser may raise on a Python whose internals differ from 3.11's.
_PARSER_ERRORS = (re.error, AttributeError, TypeError, ValueError, IndexError, KeyError)


def _parse(pattern: re.Pattern[str]):
    """``pattern`` parsed by ``re``'s own parser, or None when it cannot be (verbose, no parser)."""
    if _p is None or pattern.flags & re.VERBOSE:
        return None
    try:
        return _p.parse(pattern.pattern, pattern.flags)
    except _PARSER_ERRORS:  # pragma: no cover
        return None


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
    parsed = _parse(pattern)
    if parsed is None:
        return None
    try:
        chars, can_be_empty = _first(list(parsed), bool(parsed.state.flags & re.IGNORECASE))
    except (_Unknown, *_PARSER_ERRORS):
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


# ---------------------------------------------------------------------------------------------
# literal gates: skip a scan when the text holds none of the words a match must start with

_MAX_PREFIXES = 24


def _prefixes(items) -> tuple[set[str], bool]:
    """(strings one of which every match of the sequence ``items`` starts with, whether every
    match is one of them exactly)."""
    acc = {""}
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        if op is _c.LITERAL:
            chars, exact = {chr(av)}, True
        elif op is _c.IN and len(av) <= 4 and all(o is _c.LITERAL for o, _ in av):
            chars, exact = {chr(a) for _, a in av}, True
        elif op is _c.SUBPATTERN and not (av[1] or av[2]):  # a group with no flags of its own
            chars, exact = _prefixes(list(av[3]))
        elif op is _c.BRANCH:
            chars, exact = set(), True
            for branch in av[1]:
                c, e = _prefixes(list(branch))
                chars |= c
                exact = exact and e
        elif op is _c.MAX_REPEAT and av[0] == 0 and av[1] == 1:  # optional: with or without it
            c, e = _prefixes(list(av[2]))
            chars, exact = c | {""}, e
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] >= 1:  # at least once: its start
            chars, exact = _prefixes(list(av[2]))[0], False
        else:
            return acc, False
        joined = {a + b for a in acc for b in chars}
        if len(joined) > _MAX_PREFIXES:
            return acc, False
        acc = joined
        if not exact:
            return acc, False
    return acc, True


def literal_gate(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Strings one of which every match of ``pattern`` starts with (so a text holding none of
    them has no match and need not be scanned), or None when they cannot be stated (a verbose
    pattern, a match that can start with any of many characters).

    For a case-blind pattern (``(?i)``) the strings are lower-case and are looked for in the
    text lower-cased (``str.lower``); each is cut before the first character whose case-blind
    matches ``str.lower`` does not all map to it (``i``, which ``İ`` and ``ı`` match; ``s``,
    which ``ſ`` matches; a few Greek and Cyrillic letters)."""
    parsed = _parse(pattern)
    if parsed is None:
        return None
    try:
        found, _exact = _prefixes(list(parsed))
    except _PARSER_ERRORS:  # pragma: no cover
        return None
    if parsed.state.flags & re.IGNORECASE:
        found = {_caseless_part(p) for p in found}
    if not found or "" in found:
        return None
    # a string that starts with another is implied by it: keep the shortest
    short = sorted(found, key=len)
    kept: list[str] = []
    for p in short:
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    return tuple(kept)


def may_match(gate: tuple[str, ...] | None, text: str) -> bool:
    """False when ``text`` holds none of ``gate``'s strings (:func:`literal_gate`): no match."""
    return gate is None or any(p in text for p in gate)


def _caseless_part(s: str) -> str:
    """The lower-cased start of ``s`` up to its first character that is unsafe to look for in a
    lower-cased text (see :func:`literal_gate`)."""
    out = []
    for ch in s:
        low = ch.lower()
        if len(low) != 1 or low == "i" or ord(low) in _EXTRA_CASES or low.upper().lower() != low:
            break
        out.append(low)
    return "".join(out)


def _extra_cases() -> frozenset[int]:
    """Lower-case characters that ``re`` matches case-blindly with others than their upper case."""
    try:
        from re import _casefix  # type: ignore[attr-defined]

        extra = _casefix._EXTRA_CASES
    except (ImportError, AttributeError):  # pragma: no cover - another Python: trust nothing
        return frozenset(range(0x110000))
    return frozenset(extra) | frozenset(c for v in extra.values() for c in v)


_EXTRA_CASES = _extra_cases()


@cache
def compiled(pattern: str) -> re.Pattern[str]:
    """``re.compile(pattern)``, kept: for the pattern strings written where they are used
    (``compiled(r"\\s*,").match(text, pos)``), half the cost of ``re.match(r"\\s*,", text[pos:])``'s
    look-up in ``re``'s own cache on each call."""
    return re.compile(pattern)


def char_positions(text: str, chars: str) -> list[int]:
    """The offsets of every one of ``chars`` in ``text``, sorted: what ``re.finditer`` of the
    one-character class ``[chars]`` finds, found by ``str.find`` one character at a time (a C scan
    that jumps, where ``re`` tests the class at every character of an article)."""
    out: list[int] = []
    find = text.find
    for ch in chars:
        i = find(ch)
        while i >= 0:
            out.append(i)
            i = find(ch, i + 1)
    out.sort()
    return out
