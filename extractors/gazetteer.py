"""Official Vietnamese administrative units, read offline from vietnamadminunits' bundled data.

The package ``vietnamadminunits`` (1.0.4) ships a SQLite file with two tables:

* ``admin_units_legacy``: the three-level structure in force until mid-2025
  (63 provinces, 696 districts, 10,040 wards), with old names of merged units
  as ASCII alias keys (``huyenlongdien`` for the former huyện Long Điền);
* ``admin_units``: the two-level structure from 1 July 2025 (34 provinces,
  3,321 wards).

underthesea's ``address/data/mapping.json`` is derived from the same package
and version, so it adds no coverage; the legacy table is the primary source
(articles in the campaign's corpus date from 2009 to 2025 and use the old
districts), the 2025 table only adds wards created in the 2025 reform.

Only the database file is read, with ``sqlite3`` in read-only mode: the
package's ``convert_address`` may call an online geocoder, so nothing here
calls into the package's functions.

Province names follow SCHEMA.md: short form without a type word (``Hà Nội``,
``Hồ Chí Minh``, ``Thừa Thiên Huế``, ``Bà Rịa - Vũng Tàu``).
"""

from __future__ import annotations

import importlib.util
import json
import re
import sqlite3
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

DISTRICT_TYPES = ("quận", "huyện", "thị xã", "thành phố")
WARD_TYPES = ("xã", "phường", "thị trấn")

# Centrally-run cities: their province-level type is "thành phố", not "tỉnh".
MUNICIPALITIES = ("Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ")

# Province names the database spells differently from SCHEMA.md's style.
_PROVINCE_RENAMES = {"Huế": "Thừa Thiên Huế"}

# Extra spellings and abbreviations of provinces (keys are fold_key()-ed).
_PROVINCE_ALIASES = {
    "hcm": "Hồ Chí Minh",
    "tphcm": "Hồ Chí Minh",
    "tp hcm": "Hồ Chí Minh",
    "tp.hcm": "Hồ Chí Minh",
    "sài gòn": "Hồ Chí Minh",
    "hn": "Hà Nội",
    "huế": "Thừa Thiên Huế",
    "thừa thiên - huế": "Thừa Thiên Huế",
    "tt huế": "Thừa Thiên Huế",
    "tt-huế": "Thừa Thiên Huế",
    "brvt": "Bà Rịa - Vũng Tàu",
    "bà rịa-vũng tàu": "Bà Rịa - Vũng Tàu",
    "đắc lắc": "Đắk Lắk",
    "đắk lắc": "Đắk Lắk",
    "đăk lăk": "Đắk Lắk",
    "đắc nông": "Đắk Nông",
    "đăk nông": "Đắk Nông",
    "kontum": "Kon Tum",
}

_TYPE_PREFIX = re.compile(
    r"^\s*(?:tỉnh|thành phố|tp\.?\s*|t\.p\.?\s*|thủ đô)\s*",
    re.IGNORECASE,
)

# Old-style tone placement -> modern ("hoà" -> "hòa", "uỷ" -> "ủy").
_TONE_FIX = {
    "oà": "òa",
    "oá": "óa",
    "oả": "ỏa",
    "oã": "õa",
    "oạ": "ọa",
    "oè": "òe",
    "oé": "óe",
    "oẻ": "ỏe",
    "oẽ": "õe",
    "oẹ": "ọe",
    "uỳ": "ùy",
    "uý": "úy",
    "uỷ": "ủy",
    "uỹ": "ũy",
    "uỵ": "ụy",
}
# only at the end of a syllable: "hoà" -> "hòa", but "Hoàng" stays; never after "q", where "u" is
# part of the consonant ("Quý", "Quỹ" are already modern)
_TONE_RE = re.compile("(?<![qQ])(?:" + "|".join(_TONE_FIX) + r")(?![^\W\d_])", re.IGNORECASE)


def modern_tones(s: str) -> str:
    """Move tone marks to the modern position (``Thanh Hoá`` -> ``Thanh Hóa``), keeping case."""

    def fix(m: re.Match[str]) -> str:
        old = m.group(0)
        new = _TONE_FIX[old.lower()]
        return "".join(n.upper() if o.isupper() else n for o, n in zip(old, new, strict=True))

    return _TONE_RE.sub(fix, unicodedata.normalize("NFC", s))


@lru_cache(maxsize=16384)
def fold_key(s: str) -> str:
    """A comparison key: NFC, modern tones, lower case, single spaces, unified dashes."""
    s = modern_tones(s.replace("Ð", "Đ").replace("ð", "đ")).lower().replace("–", "-").replace("—", "-")
    s = re.sub(r"\s*-\s*", " - ", s)
    return " ".join(s.split())


@lru_cache(maxsize=16384)
def ascii_key(s: str) -> str:
    """The database's key style: no diacritics, no spaces (``Long Điền`` -> ``longdien``)."""
    s = unicodedata.normalize("NFD", s.lower().replace("đ", "d"))
    return "".join(c for c in s if c.isalnum() and not unicodedata.combining(c))


@dataclass(frozen=True, slots=True)
class Place:
    """One district or ward of the gazetteer."""

    level: str  # "district" or "ward"
    type: str  # lower-case type word: huyện, quận, thị xã, thành phố, xã, phường, thị trấn
    name: str  # short name as in the data ("Tam Đường", "10")
    province: str  # SCHEMA-style province name
    district: str | None = None  # for wards (legacy data): the district's short name
    district_type: str | None = None
    old_keys: tuple[str, ...] = ()  # ASCII keys of former names merged into this unit ("binhchanh")


def _db_path() -> Path:
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or spec.origin is None:  # pragma: no cover - dependency missing
        raise RuntimeError("vietnamadminunits is not installed; it is a dvk dependency")
    path = Path(spec.origin).parent / "data" / "dataset.db"
    if not path.exists():  # pragma: no cover
        raise RuntimeError(f"vietnamadminunits data file not found at {path}")
    return path


def _query(sql: str) -> list[tuple]:
    conn = sqlite3.connect(f"file:{_db_path()}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _province_name(short: str) -> str:
    return _PROVINCE_RENAMES.get(short, short)


def _aliases(raw: str | None) -> list[str]:
    return json.loads(raw) if raw else []


_NUMBERED = re.compile(r"^(?:Quận|Phường)\s+0*(\d+)$")


def _short(name: str) -> str:
    """The data's short name, with numbered units reduced to their number ("Quận 10" -> "10")."""
    m = _NUMBERED.match(name)
    return m.group(1) if m else name


def _old_keys(raw: str | None, type_word: str) -> tuple[str, ...]:
    prefix = ascii_key(type_word)
    return tuple(sorted({k for k in _aliases(raw) if not k.startswith(prefix)}))


@cache
def _tables() -> tuple[list[Place], dict[tuple[str, str], set[Place]], dict[tuple[str, str], set[Place]]]:
    """All places, an index by (type, folded name) and an index by ASCII key (type word included)."""
    places: set[Place] = set()
    by_alias: dict[tuple[str, str], set[Place]] = defaultdict(set)
    legacy = _query(
        "SELECT provinceShort, districtType, districtShort, wardType, wardShort, districtAlias, wardAlias "
        "FROM admin_units_legacy"
    )
    for prov, dtype, dname, wtype, wname, dalias, walias in legacy:
        prov = _province_name(prov)
        dname = _short(dname)
        district = Place("district", dtype.lower(), dname, prov, old_keys=_old_keys(dalias, dtype))
        places.add(district)
        for key in _aliases(dalias):
            by_alias[("district", key)].add(district)
        if wtype and wname:
            ward = Place(
                "ward", wtype.lower(), _short(wname), prov, dname, dtype.lower(), _old_keys(walias, wtype)
            )
            places.add(ward)
            for key in _aliases(walias):
                by_alias[("ward", key)].add(ward)
    for prov, wtype, wname in _query("SELECT provinceShort, wardType, wardShort FROM admin_units"):
        if wtype.lower() in WARD_TYPES:
            places.add(Place("ward", wtype.lower(), _short(wname), _province_name(prov)))
    by_name: dict[tuple[str, str], set[Place]] = defaultdict(set)
    for p in places:
        by_name[(p.type, fold_key(p.name))].add(p)
    ordered = sorted(places, key=lambda p: (p.province, p.level, p.type, p.name, p.district or ""))
    return ordered, dict(by_name), dict(by_alias)


@cache
def _province_tables() -> tuple[tuple[str, ...], tuple[str, ...], dict[str, str]]:
    legacy = tuple(
        _province_name(r[0])
        for r in _query(
            "SELECT provinceShort FROM admin_units_legacy GROUP BY provinceShort ORDER BY MIN(rowid)"
        )
    )
    new = tuple(
        _province_name(r[0])
        for r in _query("SELECT provinceShort FROM admin_units GROUP BY provinceShort ORDER BY MIN(rowid)")
    )
    index: dict[str, str] = {}
    for name in legacy + new:
        index[fold_key(name)] = name
        index[ascii_key(name)] = name
    for rows in (
        _query("SELECT DISTINCT provinceShort, provinceKeywords FROM admin_units_legacy"),
        _query("SELECT DISTINCT provinceShort, provinceKeywords FROM admin_units"),
    ):
        for short, kw in rows:
            for key in _aliases(kw):
                index.setdefault(key, _province_name(short))
    for alias, name in _PROVINCE_ALIASES.items():
        index[fold_key(alias)] = name
        index[ascii_key(alias)] = name
    return legacy, new, index


def provinces(legacy: bool = True) -> list[str]:
    """Province-level units, in the data's order: the 63 of the legacy structure, or the 34 from 2025."""
    old, new, _ = _province_tables()
    return list(old if legacy else new)


@lru_cache(maxsize=16384)
def canonical_province(name: str) -> str | None:
    """The SCHEMA-style province for a written form, or None when it is not a province.

    Accepts a type word (``tỉnh Lai Châu``, ``TP Hồ Chí Minh``, ``TP.HCM``), old tone placement
    (``Thanh Hoá``), abbreviations (``HN``, ``TPHCM``) and ``Sài Gòn``.
    """
    if not name or not name.strip():
        return None
    _, _, index = _province_tables()
    raw = fold_key(name)
    for candidate in (raw, fold_key(_TYPE_PREFIX.sub("", raw))):
        if candidate in index:
            return index[candidate]
    # "TP.HCM", "Tp.Hồ Chí Minh": try the ASCII key without the type word as well
    key = ascii_key(raw)
    if key in index:
        return index[key]
    stripped = re.sub(r"^(?:tinh|thanhpho|tp|thudo)", "", key)
    if stripped and stripped in index and len(stripped) > 2:
        return index[stripped]
    return None


def province_type(province: str) -> str:
    """``thành phố`` for a centrally-run city, else ``tỉnh``."""
    return "thành phố" if province in MUNICIPALITIES else "tỉnh"


def _level_of(unit_type: str) -> str | None:
    t = fold_key(unit_type)
    if t in DISTRICT_TYPES:
        return "district"
    if t in WARD_TYPES:
        return "ward"
    return None


def places_named(unit_type: str, name: str, *, same_level: bool = True) -> set[Place]:
    """Districts or wards of that type and name (diacritics-exact), or that had it (the data's old-name keys).

    When nothing of the exact type exists and ``same_level`` is set, other types of the same level
    are accepted (a ``thị trấn`` that has since become a ``phường``, a ``thị xã`` now a ``thành phố``).
    """
    _, by_name, by_alias = _tables()
    t = fold_key(unit_type)
    level = _level_of(t)
    if level is None or not name.strip():
        return set()
    key = fold_key(name)
    if key.isdigit():
        key = str(int(key))
    found = set(by_name.get((t, key), ())) | by_alias.get((level, ascii_key(t + name)), set())
    if not found and same_level:
        types = DISTRICT_TYPES if level == "district" else WARD_TYPES
        for other in types:
            if other != t:
                found |= by_name.get((other, key), set())
        if not found:
            for other in types:
                found |= by_alias.get((level, ascii_key(other + name)), set())
    return found


def provinces_of(unit_type: str, name: str) -> set[str]:
    """Which provinces have a district or ward of that type and name (legacy three-level data).

    ``provinces_of("huyện", "Tam Đường") == {"Lai Châu"}``; a common ward name gives several.
    For ``tỉnh``/``thành phố`` naming a province, the province itself.
    """
    return set(_provinces_of(unit_type, name))


@lru_cache(maxsize=16384)  # asked again for every candidate at each round of the units' resolution
def _provinces_of(unit_type: str, name: str) -> frozenset[str]:
    t = fold_key(unit_type)
    found = {p.province for p in places_named(t, name)}
    if t in ("tỉnh", "thành phố"):
        prov = canonical_province(name)
        if prov and (t == "tỉnh" or prov in MUNICIPALITIES or not found):
            found.add(prov)
    return frozenset(found)


@lru_cache(maxsize=16384)  # asked again for every candidate at each round of the units' resolution
def likely_province(unit_type: str, name: str) -> str | None:
    """The one province a district or ward name points to, or None when it is ambiguous.

    A unit that exists under that name today wins over one that only had it (``huyện Kỳ Sơn`` is in
    Nghệ An, although Hòa Bình once had a huyện Kỳ Sơn too).
    """
    t = fold_key(unit_type)
    if t in ("tỉnh", "thành phố") and canonical_province(name) and (t == "tỉnh" or name in MUNICIPALITIES):
        return canonical_province(name)
    _, by_name, _ = _tables()
    current = {p.province for p in by_name.get((t, fold_key(name)), ())}
    if len(current) == 1:
        return next(iter(current))
    found = provinces_of(unit_type, name) if not current else set()
    return next(iter(found)) if len(found) == 1 else None


def untyped_places(name: str, *, old_names: bool = False) -> set[Place]:
    """Every district or ward whose short name is exactly ``name`` (any type).

    With ``old_names``, units whose former (merged) names include it are added too.
    """
    _, by_name, by_alias = _tables()
    key = fold_key(name)
    out: set[Place] = set()
    for t in DISTRICT_TYPES + WARD_TYPES:
        out |= by_name.get((t, key), set())
    if old_names:
        akey = ascii_key(name)
        for t in DISTRICT_TYPES + WARD_TYPES:
            level = "district" if t in DISTRICT_TYPES else "ward"
            out |= by_alias.get((level, ascii_key(t) + akey), set())
    return out


@cache
def _wards_by_district() -> dict[tuple[str, str], frozenset[Place]]:
    index: dict[tuple[str, str], set[Place]] = defaultdict(set)
    for p in _tables()[0]:
        if p.level == "ward" and p.district is not None:
            index[(p.province, p.district)].add(p)
    return {k: frozenset(v) for k, v in index.items()}


def wards_of(district_type: str, district: str, province: str | None = None) -> set[Place]:
    """The legacy wards of a district (``wards_of("huyện", "Ba Vì")``), optionally within a province."""
    index = _wards_by_district()
    out: set[Place] = set()
    for d in places_named(district_type, district):
        if province in (None, d.province):
            out |= index.get((d.province, d.name), frozenset())
    return out
