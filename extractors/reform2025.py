"""The 2025 reform of the administrative units: what a unit of an article's time is today.

From 1 July 2025 Vietnam has two levels: 34 provinces and 3,321 wards/communes (``phường``, ``xã``,
``đặc khu``); the districts (quận, huyện, thị xã, thành phố thuộc tỉnh) were abolished and most old
wards merged.  The export keeps the units of the article's time (SCHEMA.md); the tables also carry
the current province and, where the old unit went whole into one new unit, the current ward.

Data: only files bundled with ``vietnamadminunits`` 1.0.4, read directly (its functions are never
called: its ``convert_address`` can reach an online geocoder):

* ``data/converter_2025.json``: new province -> old provinces; for each new ward, the old wards that
  went whole into it (``DICT_PROVINCE_WARD_NO_DIVIDED``); for each split old ward, the new wards
  that got a part (``DICT_PROVINCE_WARD_DIVIDED``, with the package's "default" ward, which dvk
  never uses);
* ``data/dataset.db`` (SQLite): the names behind the keys, in both structures.

underthesea's ``address/data/mapping.json`` is built from the same package and version: its
old -> new ward pairs are identical for all 10,035 legacy wards, and its mapping types agree with
the statuses below for every ward it names (4 of its records have an empty name and are called
``renamed``; see ``tests/test_reform2025.py``).  The SQLite 2025 table types 4 wards against their
names (``Phường Tân Lộc`` typed ``Xã``): the name decides.

Statuses (:data:`STATUSES`) of :class:`CurrentUnit`:

=============  ================================================================================
``unchanged``  a ward that is today the same ward, same name; a province no other one joined
``renamed``    a ward that went whole, alone, into a ward of another name
``merged``     a ward that went whole into a new ward together with others (``ward_now`` set);
               a province merged with others (including the one whose name was kept)
``divided``    a ward split between several new wards: ``ward_now`` is None
``ambiguous``  the name fits several old wards that fared differently: ``ward_now`` is None
``abolished``  a district: only ``province_now``
``current``    a ward of the 2025 structure named in an article from 1 July 2025 on
``unknown``    a ward or district the data does not know
None           units the reform does not concern (thôn, bản, organisations)
=============  ================================================================================

Province names follow the gazetteer's SCHEMA style, also for the current ones (``Thừa Thiên Huế``
for today's thành phố Huế), so that ``province == province_now`` for a province the reform kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache

from extractors import gazetteer as gz

REFORM_DATE = date(2025, 7, 1)
STATUSES = ("unchanged", "renamed", "merged", "divided", "ambiguous", "abolished", "current", "unknown")
# centrally-run cities after the reform (Huế joined them)
MUNICIPALITIES_2025 = (*gz.MUNICIPALITIES, "Thừa Thiên Huế")


@dataclass(frozen=True, slots=True)
class CurrentUnit:
    """Where a unit of an article's time is in the 2025 structure."""

    province_now: str | None
    ward_now: str | None = None  # "xã Minh Châu", "phường Hòa Hưng": only when one new ward is certain
    status: str | None = None  # one of STATUSES, or None when the reform does not concern the unit


@dataclass(frozen=True, slots=True)
class _Data:
    province_now: dict[str, str]  # legacy (and current) SCHEMA province -> current SCHEMA province
    merged_provinces: frozenset[str]  # current provinces made of more than one legacy province
    legacy_key: dict[tuple[str, str, str, str], str]  # (province, district, ward type, ward) -> key
    outcome: dict[str, CurrentUnit]  # legacy ward key -> its fate
    current_wards: dict[tuple[str, str, str], str]  # (province, ward type, folded short) -> name


_WARD_TYPE_RE = re.compile(r"^(Phường|Xã|Thị trấn|Đặc khu)\s+(.+)$")


def _split_ward(full: str, ward_type: str) -> tuple[str, str]:
    """``Xã Tân Thạnh`` -> (``xã``, ``Tân Thạnh``).  The full name decides: the data's ``wardType``
    disagrees with it for 4 wards of the 2025 table (``Phường Tân Lộc`` typed ``Xã``)."""
    m = _WARD_TYPE_RE.match(full)
    return (m.group(1).lower(), m.group(2)) if m else (ward_type.lower(), full)


def _ward_name(full: str, ward_type: str) -> str:
    """``Xã Tân Thạnh`` -> ``xã Tân Thạnh``; numbered wards keep their capital (``Phường 1``)."""
    t, rest = _split_ward(full, ward_type)
    return full if rest[:1].isdigit() else f"{t} {rest}"


def _converter() -> dict:
    path = gz._db_path().parent / "converter_2025.json"
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


@cache
def _data() -> _Data:
    conv = _converter()
    legacy_rows = gz._query(
        "SELECT provinceKey, provinceShort, districtKey, districtShort, wardKey, wardShort, wardType, ward "
        "FROM admin_units_legacy WHERE wardKey IS NOT NULL AND wardKey != ''"
    )
    new_rows = gz._query(
        "SELECT provinceKey, provinceShort, wardKey, wardShort, wardType, ward FROM admin_units"
    )
    old_prov_name = {r[0]: gz._province_name(r[1]) for r in legacy_rows}
    new_prov_name = {r[0]: gz._province_name(r[1]) for r in new_rows}
    province_now = {name: name for name in new_prov_name.values()}
    merged: set[str] = set()
    for new_key, old_keys in conv["DICT_PROVINCE"].items():
        for old in old_keys:
            province_now[old_prov_name[old]] = new_prov_name[new_key]
        if len(old_keys) > 1:
            merged.add(new_prov_name[new_key])
    new_ward = {(r[0], r[2]): _ward_name(r[5], r[4]) for r in new_rows}
    current = {
        (gz._province_name(r[1]), _split_ward(r[5], r[4])[0], gz.fold_key(r[3])): new_ward[(r[0], r[2])]
        for r in new_rows
    }
    legacy_key: dict[tuple[str, str, str, str], str] = {}
    old_name: dict[str, str] = {}
    for pkey, pshort, dkey, dshort, wkey, wshort, wtype, ward in legacy_rows:
        key = f"{pkey}_{dkey}_{wkey}"
        legacy_key[(gz._province_name(pshort), gz._short(dshort), wtype.lower(), gz._short(wshort))] = key
        old_name[key] = _ward_name(ward, wtype)
    outcome: dict[str, CurrentUnit] = {}
    for new_pkey, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        pnow = new_prov_name[new_pkey]
        for new_wkey, olds in wards.items():
            name = new_ward[(new_pkey, new_wkey)]
            for old in olds:
                status = (
                    "merged" if len(olds) > 1 else "unchanged" if old_name.get(old) == name else "renamed"
                )
                outcome[old] = CurrentUnit(pnow, name, status)
    for new_pkey, wards in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old in wards:
            outcome[old] = CurrentUnit(new_prov_name[new_pkey], None, "divided")
    return _Data(province_now, frozenset(merged), legacy_key, outcome, current)


def is_post_reform(published: str | None) -> bool:
    """True for a publication date on or after 1 July 2025 (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``).

    A bare ``2025`` cannot be placed and counts as before the reform, as does a missing date.
    """
    m = re.match(r"^\s*((?:19|20)\d{2})(?:-(\d{1,2}))?", published or "")
    if not m:
        return False
    year, month = int(m.group(1)), int(m.group(2) or 0)
    return year > REFORM_DATE.year or (year == REFORM_DATE.year and month >= REFORM_DATE.month)


def province_now(province: str | None) -> str | None:
    """The current province of a province of any time (``Hà Giang`` -> ``Tuyên Quang``), or None."""
    canonical = gz.canonical_province(province) if province else None
    return _data().province_now.get(canonical) if canonical else None


_TYPE_WORDS = sorted(gz.DISTRICT_TYPES + gz.WARD_TYPES + ("tỉnh",), key=len, reverse=True)


def _short_name(unit_type: str, name: str) -> str:
    """The name without its type word: ``huyện Ba Vì`` -> ``Ba Vì``, ``Quận 10`` -> ``10``."""
    folded = gz.fold_key(name)
    for word in (unit_type, *_TYPE_WORDS):
        if folded.startswith(word + " "):
            return name.strip()[len(word) :].strip()
    return name.strip()


def _province_level(unit_type: str, short: str, post: bool) -> str | None:
    canonical = gz.canonical_province(short)
    if unit_type == "tỉnh":
        return canonical
    if unit_type == "thành phố" and canonical in (MUNICIPALITIES_2025 if post else gz.MUNICIPALITIES):
        return canonical
    return None


def _province_unit(canonical: str) -> CurrentUnit:
    data = _data()
    now = data.province_now[canonical]
    return CurrentUnit(now, None, "merged" if now in data.merged_provinces else "unchanged")


def _current_ward(unit_type: str, short: str, pnow: str | None) -> str | None:
    if pnow is None:
        return None
    return _data().current_wards.get((pnow, unit_type, gz.fold_key(short)))


def _legacy_places(unit_type: str, short: str, province: str | None) -> list[gz.Place]:
    """Legacy wards of that type and name (another ward type when the province has none of it)."""
    data = _data()

    def wards(t: str) -> list[gz.Place]:
        return [p for p in gz.places_named(t, short) if p.level == "ward" and p.district is not None]

    places = wards(unit_type)
    if province is None:
        return places
    pnow = data.province_now.get(province)
    for t in (unit_type, *(w for w in gz.WARD_TYPES if w != unit_type)):
        found = places if t == unit_type else wards(t)
        here = [p for p in found if p.province == province] or [
            p for p in found if data.province_now.get(p.province) == pnow
        ]
        if here:
            return here
    return []


def _legacy_outcomes(
    unit_type: str, short: str, province: str | None, districts: Collection[str]
) -> list[CurrentUnit]:
    data = _data()
    places = _legacy_places(unit_type, short, province)
    named = {gz.fold_key(_short_name("", d)) for d in districts}
    in_named = [p for p in places if gz.fold_key(p.district or "") in named]
    keys = {data.legacy_key.get((p.province, p.district or "", p.type, p.name)) for p in in_named or places}
    return [data.outcome[k] for k in sorted(k for k in keys if k in data.outcome)]


def current_units(
    unit_type: str,
    name: str,
    province: str | None,
    published: str | None = None,
    districts: Collection[str] = (),
) -> CurrentUnit:
    """Where a unit of an article published on ``published`` is in the 2025 structure.

    ``unit_type`` is a SCHEMA type (``xã``, ``huyện``, ``tỉnh``, ...), ``name`` the unit's name with or
    without its type word (``xã Minh Châu`` or ``Minh Châu``), ``province`` the SCHEMA province of the
    article's time.  Pure: reads only the bundled data.  See the module docstring for the statuses.
    A split ward is never given a ward (the packages' "default" new ward is a guess).
    ``districts`` (names of the article's districts, ``Quận 10``) settles a ward name that several
    districts of the province have (``Phường 12``), when one of them is named.
    """
    return _current_units(unit_type, name, province, is_post_reform(published), tuple(districts))


@lru_cache(maxsize=16384)  # an article's records name the same few units again and again
def _current_units(
    unit_type: str, name: str, province: str | None, post: bool, districts: tuple[str, ...]
) -> CurrentUnit:
    t = gz.fold_key(unit_type or "")
    short = _short_name(t, name or "")
    prov = gz.canonical_province(province) if province else None
    pnow = province_now(prov)
    if t in ("tỉnh", "thành phố"):
        canonical = _province_level(t, short, post)
        if canonical is not None:
            return _province_unit(canonical)
    if t in gz.DISTRICT_TYPES:
        if pnow is None:
            found = {province_now(p.province) for p in gz.places_named(t, short) if p.level == "district"}
            pnow = found.pop() if len(found) == 1 else None
        return CurrentUnit(pnow, None, "abolished")
    if t not in gz.WARD_TYPES:
        return CurrentUnit(pnow, None, None)
    if post and (ward := _current_ward(t, short, pnow)):
        return CurrentUnit(pnow, ward, "current")
    outcomes = set(_legacy_outcomes(t, short, prov, districts))
    if len(outcomes) == 1:
        return outcomes.pop()
    if outcomes:
        pnows = {o.province_now for o in outcomes}
        return CurrentUnit(pnow or (pnows.pop() if len(pnows) == 1 else None), None, "ambiguous")
    if ward := _current_ward(t, short, pnow):
        return CurrentUnit(pnow, ward, "current")
    return CurrentUnit(pnow, None, "unknown")
