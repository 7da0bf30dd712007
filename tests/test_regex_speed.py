"""Tests for extractors.regex_speed: a first-character look-ahead that changes no match."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors import periods, regex_speed, unit_grammar
from extractors.regex_speed import (
    char_positions,
    compiled,
    first_chars,
    literal_gate,
    may_match,
    with_first_chars,
)

SAMPLES = Path(__file__).resolve().parents[1] / "corpus" / "samples"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(?<!\w)Sở (?:Nội vụ|Y tế)", {"S"}),
        (r"(?<![\w.])(?:[Tt]ỉnh|[Hh]uyện|Q\.)", {"T", "t", "H", "h", "Q"}),
        (r"(?:Ban |BTV )?Huyện ủy", {"B", "H"}),  # an optional prefix: its start or what follows
        (r"(?i)\bquý\s+[IV]+", {"q", "Q"}),  # case-insensitive: both cases
        (r"\d+ hộ", {"\\d"}),  # digits stay a category in the look-ahead
        (r"\w+ hộ", None),  # word characters: too many to be worth it
        (r".ở", None),  # any character
        (r"(?:ab)?", None),  # can match the empty string
        (r"[^a]b", None),  # a negated class
    ],
)
def test_first_chars(pattern: str, expected: set[str] | None) -> None:
    assert first_chars(re.compile(pattern)) == expected


def test_unknown_first_chars_leave_the_pattern_as_it_is() -> None:
    rx = re.compile(r"\w+ mô hình")
    assert with_first_chars(rx) is rx


def test_inline_flags_are_kept() -> None:
    rx = with_first_chars(re.compile(r"(?i)\bgiai đoạn\s+(\d{4})"))
    assert rx.pattern.startswith("(?=[")
    assert rx.flags & re.IGNORECASE
    assert [m.group(1) for m in rx.finditer("GIAI ĐOẠN 2020 và giai đoạn 2025")] == ["2020", "2025"]


def test_digit_look_ahead_keeps_non_ascii_digits() -> None:
    rx = with_first_chars(re.compile(r"(?<!\w)\d+ hộ"))
    assert rx.pattern.startswith("(?=[\\d])")
    assert [m.group(0) for m in rx.finditer("có 12 hộ và ١٢ hộ")] == ["12 hộ", "١٢ hộ"]


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    assert texts, "the sample corpus has .txt articles"
    return texts


DVK_PATTERNS = [
    unit_grammar.TYPE_RE,
    unit_grammar.HCM_RE,
    unit_grammar._PARTY_RE,
    unit_grammar._LOCAL_BODY_RE,
    *(rx for rx, _ in unit_grammar._ORG_PATTERNS),
    *(rx for _, rx in periods._PATTERNS),
]


def _strip(rx: re.Pattern[str]) -> re.Pattern[str]:
    """The pattern without the look-ahead ``with_first_chars`` put in front."""
    m = re.match(r"\(\?=\[(?:\\.|[^\]\\])*\]\)\(\?:(.*)\)$", rx.pattern, re.S)
    return re.compile(m.group(1), rx.flags) if m else rx


def test_dvk_patterns_are_sped_up() -> None:
    sped = [rx for rx in DVK_PATTERNS if _strip(rx) is not rx]
    assert len(sped) >= 20  # nearly all of them can say their first characters


@pytest.mark.parametrize("rx", DVK_PATTERNS, ids=lambda rx: rx.pattern[:40])
def test_dvk_patterns_match_as_without_the_look_ahead(rx: re.Pattern[str]) -> None:
    plain = _strip(rx)
    for text in _texts():
        assert [(m.span(), m.groups()) for m in rx.finditer(text)] == [
            (m.span(), m.groups()) for m in plain.finditer(text)
        ]


_ALPHABET = "TtHhQqPpXxBbĐđỦủSsyYuUnoỉệậãàơ.-/ 0123456789\n"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_same_matches_on_any_text(text: str) -> None:
    for rx in (unit_grammar.TYPE_RE, unit_grammar._PARTY_RE, *(rx for _, rx in periods._PATTERNS)):
        plain = _strip(rx)
        assert [m.span() for m in rx.finditer(text)] == [m.span() for m in plain.finditer(text)]


# --- literal gates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(?<!\w)Đồn [Bb]iên phòng(?=\s)", ("Đồn Biên phòng", "Đồn biên phòng")),
        (r"(?<!\w)Sở (?:Nội vụ|Y tế)(?!\w)", ("Sở Y tế", "Sở Nội vụ")),
        (r"(?:Bộ Tư lệnh |LLVT )?Quân khu\s+\d", ("LLVT Quân khu", "Quân khu", "Bộ Tư lệnh Quân khu")),
        (r"(?i)\bnâng\s+tổng", ("nâng",)),  # case-blind: lower case, up to the first non-literal
        (r"(?i)quý\s+I", ("quý",)),
        (r"(?i)sáu tháng", None),  # "s" is matched by "ſ" too: cut before it, nothing left
        (r"(?i)hai", ("ha",)),  # nor "i" ("İ" lower-cases to two characters)
        (r"\w+ hộ", None),
        (r"(?:ab)?c", ("c", "abc")),
        (r"a+b", ("a",)),
    ],
)
def test_literal_gate(pattern: str, expected: tuple[str, ...] | None) -> None:
    gate = literal_gate(re.compile(pattern))
    assert (sorted(gate) if gate else gate) == (sorted(expected) if expected else expected)


GATED = [
    *((rx, gate) for (rx, _), gate in zip(unit_grammar._ORG_PATTERNS, unit_grammar._ORG_GATES, strict=True)),
]


def test_gates_never_hide_a_match() -> None:
    texts = [*_texts(), "Đồn biên phòng Cà Mau", "Đảng ủy Khối", "Bộ Tư lệnh Thủ đô Hà Nội"]
    for rx, gate in GATED:
        for text in texts:
            if rx.search(text):
                assert may_match(gate, text), rx.pattern


_PERIOD_WORDS = re.split(
    " ",
    "từ đầu cuối năm tháng 10 / 2020 2021 - – , đến tới nay nghị quyết số giai đoạn sáu 6 quý I IV "
    "mục tiêu phấn đấu vào hết sau trong qua hơn gần hai triển khai tổ chức của tính hiện có đã "
    "nâng tổng TỚI TỚİ tớı TRİỂN QUÝ NĂM ĐẾN NAY ſau SÁU ThÁNG",
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PERIOD_WORDS), max_size=12), st.booleans())
def test_period_gates_never_hide_a_match(words: list[str], upper: bool) -> None:
    text = " ".join(words)
    text = text.upper() if upper else text
    low = text.lower()
    for (_, rx), gate in zip(periods._PATTERNS, periods._GATES, strict=True):
        if gate is None or not rx.search(text):
            continue
        if gate is periods._YEAR_RANGE:
            assert gate.search(text)
        elif isinstance(gate, tuple):
            assert any(g in low for g in gate), rx.pattern
        else:
            assert gate.search(low), rx.pattern


def test_compiled_is_kept() -> None:
    assert compiled(r"\s*,") is compiled(r"\s*,")
    assert compiled(r"\s*,").pattern == r"\s*,"


def test_without_res_private_parser_patterns_are_kept_as_they_are(monkeypatch) -> None:
    # the parser is private to re: on a Python without it, or whose parser breaks, patterns
    # are scanned as written (slower, the same matches) instead of failing at import or use
    rx = re.compile(r"(?<!\w)(?:huyện|quận) [A-Z]\w+")
    assert regex_speed.with_first_chars(rx) is not rx and regex_speed.literal_gate(rx)
    monkeypatch.setattr(regex_speed, "_p", None)
    assert regex_speed.with_first_chars(rx) is rx
    assert regex_speed.literal_gate(rx) is None and regex_speed.first_chars(rx) is None

    class _Broken:
        @staticmethod
        def parse(*_a):
            raise AttributeError("no such state")

    monkeypatch.setattr(regex_speed, "_p", _Broken)
    assert regex_speed.with_first_chars(rx) is rx and regex_speed.literal_gate(rx) is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab.!?…“”'\"\n ", max_size=80), st.sampled_from([".!?…", "“‘”’″\"'", "(),;", ""]))
def test_char_positions_are_the_class_matches(text: str, chars: str) -> None:
    """``char_positions`` finds what the one-character class ``[chars]`` finds, in order."""
    expected = [m.start() for m in re.finditer(f"[{re.escape(chars)}]", text)] if chars else []
    assert char_positions(text, chars) == expected
