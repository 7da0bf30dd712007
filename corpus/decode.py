"""Bytes to text for Vietnamese article files, with clear reasons when that is impossible.

UTF-8 is tried first (a byte-order mark is dropped, and so is a multi-byte
character cut off at the very end).  Otherwise a UTF-16 file with a BOM is
decoded, and legacy encodings are tried: the page's declared charset, what
charset-normalizer proposes, windows-1258 and cp1252.  A legacy decoding
is accepted only when the result reads as Vietnamese.  Text that is valid
UTF-8 but double-encoded (``Ä‘Æ°á»£c`` for ``được``) is repaired the same
way.  Everything else raises :class:`corpus.records.IngestError`.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

import charset_normalizer

from corpus.records import IngestError

__all__ = ["decode_bytes", "looks_vietnamese", "repair_mojibake"]

NOT_VIETNAMESE = "not valid UTF-8 and no legacy Vietnamese encoding fits"

_VIET_MARKS = frozenset("\u0309\u0323\u031b\u0306")  # hook above, dot below, horn, breve
_MOJIBAKE = frozenset("ÃÄÅÆÇÐÑ×ØÞßæçñ÷øþ¢£¤¥¦§¨ª¬¯±²³´µ¶¸¹º¼½¾¿ƒ†‡ˆ‰Š‹ŒŽšœžŸ€™")
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def looks_vietnamese(text: str, min_share: float = 0.02, max_odd: float = 0.01) -> bool:
    """True when ``text`` reads as Vietnamese rather than another language or mojibake.

    At least ``min_share`` of the letters must carry a mark only Vietnamese uses
    among Latin scripts (hook above, dot below, horn, breve, đ), and at most
    ``max_odd`` of the characters may be typical of mis-decoded bytes.
    """
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    viet = 0
    for ch in letters:
        if ch in "đĐ" or _VIET_MARKS.intersection(unicodedata.normalize("NFD", ch)):
            viet += 1
    odd = sum(ch in _MOJIBAKE for ch in text)
    return viet / len(letters) >= min_share and odd / max(len(text), 1) <= max_odd


def _to_cp1252_bytes(text: str) -> bytes | None:
    """The bytes that were mis-read as cp1252/latin-1 to give ``text``, or None."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 0xFF:
                return None
            out.append(ord(ch))  # latin-1 fallback for the bytes cp1252 leaves undefined
    return bytes(out)


def repair_mojibake(text: str) -> str | None:
    """Undo UTF-8 read as cp1252/latin-1 ("Ä‘Æ°á»£c" → "được") when that yields Vietnamese, else None."""
    raw = _to_cp1252_bytes(text)
    if raw is None:
        return None
    try:
        fixed = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    fixed = unicodedata.normalize("NFC", fixed)
    return fixed if looks_vietnamese(fixed) else None


def _decode_utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            return data[: exc.start].decode("utf-8", errors="strict")  # a character cut off at the end
        return None


def _declared_charset(data: bytes) -> str | None:
    m = _CHARSET.search(data[:4096])
    if not m:
        return None
    try:
        return codecs.lookup(m.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


def _legacy(data: bytes) -> str | None:
    candidates: list[str] = []
    declared = _declared_charset(data)
    if declared:
        candidates.append(declared)
    candidates += [m.encoding for m in charset_normalizer.from_bytes(data)]
    candidates += ["cp1258", "cp1252"]
    seen: set[str] = set()
    for enc in candidates:
        if enc in seen or enc.replace("_", "").startswith("utf"):
            continue
        seen.add(enc)
        try:
            text = unicodedata.normalize("NFC", data.decode(enc))
        except (UnicodeDecodeError, LookupError):
            continue
        if looks_vietnamese(text):
            return text
        if (fixed := repair_mojibake(text)) is not None:
            return fixed
    return None


def _check_text(text: str) -> str:
    if not text.strip():
        raise IngestError("empty file (only whitespace)")
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f\v")
    if controls > max(3, len(text) // 100):
        raise IngestError("binary file (control characters)")
    return text


def decode_bytes(data: bytes) -> str:
    """Decode an article file's bytes to text; raises IngestError with the reason it cannot."""
    if not data:
        raise IngestError("empty file")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _check_text(unicodedata.normalize("NFC", data.decode("utf-16")))
        except UnicodeDecodeError as exc:
            raise IngestError(f"broken UTF-16 file ({exc.reason})") from exc
    if b"\x00" in data:
        raise IngestError("binary file (NUL bytes)")
    text = _decode_utf8(data.removeprefix(codecs.BOM_UTF8))
    if text is not None:
        if not looks_vietnamese(text) and (fixed := repair_mojibake(text)) is not None:
            return _check_text(fixed)
        return _check_text(text)
    text = _legacy(data)
    if text is None:
        raise IngestError(NOT_VIETNAMESE)
    return _check_text(text)
