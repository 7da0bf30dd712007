"""Normalisation of extracted values to the canonical forms of ``../shared/gold/SCHEMA.md``.

Pure functions, no I/O.  Each kind of value has its own section; keep them separate.

Unit names (section below): a unit is a locality with its type word in lower case and its name as
written with proper capitals (``huyện Ba Vì``, ``thành phố Hồ Chí Minh``; numbered HCMC districts
``Quận 10``), or an organisation's full name with abbreviations expanded (``Công an thành phố Hà
Nội``, ``Ban Chỉ huy quân sự huyện Kỳ Sơn``).  A party or mass-mobilisation body of a locality
is that locality (``Ban Dân vận Quận ủy Hoàng Mai`` is ``quận Hoàng Mai``).  Provinces are
written without a type word (``Hà Nội``, ``Thừa Thiên Huế``).  The grammar itself lives in
:mod:`extractors.units`; these functions apply it to a single written name.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import replace
from functools import cache
from pathlib import Path

from extractors import gazetteer as gz
from extractors.records import ACTIONS, APPROX, DOMAINS, UNIT_TYPES, Extraction, UnitRecord
from extractors.reform2025 import current_units, province_now
from extractors.unit_grammar import expand_abbreviations
from extractors.units import find_unit_mentions

_SOURCES = (Path(__file__), Path(__file__).resolve().parents[1] / "extractors" / "reform2025.py")


@cache
def normaliser_version() -> str:
    """A hash of the normaliser's code (this module and the 2025-reform mapping): part of every
    article's versions key, so that a normaliser change makes ``dvk rerun`` redo the rows."""
    digest = hashlib.sha1()
    for source in _SOURCES:
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


# ---------------------------------------------------------------------------------------------
# unit names

_UNIT_TYPE_WORDS = {
    "tp": "thành phố",
    "t.p": "thành phố",
    "tx": "thị xã",
    "t.x": "thị xã",
    "q": "quận",
    "p": "phường",
    "h": "huyện",
    "tt": "thị trấn",
    "organisation": "tổ chức",
    "organization": "tổ chức",
}
# score.py's name normalisation: lower case, old tone placement folded, punctuation removed
_KEY_PUNCT = re.compile(r"[\"“”'‘’″«»().,;:!?\-–—/]")


def unit_key(name: str | None) -> str:
    """The comparison key of a unit name, with the reference scorer's semantics.

    Two names are the same unit when their keys are equal: case, punctuation, spacing and old
    tone placement (``uỷ``/``ủy``, ``oà``/``òa``) do not matter.
    """
    s = unicodedata.normalize("NFC", str(name or "")).lower()
    s = s.replace("uỷ", "ủy").replace("oà", "òa").replace("oá", "óa").replace("oạ", "ọa")
    return " ".join(_KEY_PUNCT.sub(" ", s).split())


def normalise_province(name: str | None) -> str | None:
    """SCHEMA's province name for a written one (``TP.HCM`` -> ``Hồ Chí Minh``), or None."""
    return gz.canonical_province(name) if name else None


def normalise_unit_type(written: str | None) -> str | None:
    """A SCHEMA unit type for a written type word (``TP`` -> ``thành phố``, ``Huyện`` -> ``huyện``)."""
    if not written:
        return None
    key = gz.fold_key(written).rstrip(".")
    key = _UNIT_TYPE_WORDS.get(key, key)
    return key if key in UNIT_TYPES else None


def normalise_unit_name(written: str, province: str | None = None) -> str | None:
    """The canonical SCHEMA name of one written unit, or None when it cannot be made canonical.

    ``"Ban Dân vận Huyện uỷ Tam Đường"`` -> ``"huyện Tam Đường"``, ``"Q.10"`` -> ``"Quận 10"``,
    ``"Công an TP"`` with ``province="Hà Nội"`` -> ``"Công an thành phố Hà Nội"``.  A name that is
    not a unit mention as a whole (an organisation the grammar does not know) comes back with its
    spacing, tone marks and abbreviations normalised.  A bare type word needs ``province`` and is
    resolved only at the province level (``tỉnh`` -> ``tỉnh Lai Châu``); else None.
    """
    text = " ".join(gz.modern_tones(written).split())
    if not text:
        return None
    mentions = find_unit_mentions(text)
    if len(mentions) != 1 or mentions[0].start != 0 or mentions[0].end != len(text):
        return expand_abbreviations(text)
    m = mentions[0]
    if not m.implicit:
        return m.name
    prov = normalise_province(province)
    if prov is None:
        return None
    ptype = gz.province_type(prov)
    if m.kind == "locality":
        return f"{ptype} {prov}" if m.type == ptype else None
    if m.name.endswith(f" {ptype}"):  # "Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh"
        return f"{m.name} {prov}"
    return None


# ---------------------------------------------------------------------------------------------
# units after the 2025 reform (extra columns of the tables; SCHEMA's unit and province stay those
# of the article's time)

_TYPE_PREFIX = re.compile(
    r"^(thành phố|thị xã|thị trấn|tỉnh|quận|huyện|phường|xã|thôn|bản)\s+\S", re.IGNORECASE
)


def unit_type_of(name: str | None) -> str | None:
    """The SCHEMA type of a canonical unit name: its leading type word (``xã Minh Châu`` -> ``xã``,
    ``Quận 10`` -> ``quận``), ``tổ chức`` for any other name, None for no name."""
    if not name or not name.strip():
        return None
    m = _TYPE_PREFIX.match(gz.fold_key(name))
    return m.group(1) if m else "tổ chức"


def current_fields(
    unit_type: str | None,
    name: str | None,
    province: str | None,
    published: str | None,
    districts: tuple[str, ...] = (),
) -> dict[str, str | None]:
    """The ``province_now``, ``ward_now`` and ``ward_now_status`` of a unit of the article's time
    (:func:`extractors.reform2025.current_units`); with no unit, only the province's.  ``districts``
    are the article's districts, which settle a ward name several districts have."""
    if not unit_type or not name:
        return {"province_now": province_now(province), "ward_now": None, "ward_now_status": None}
    cur = current_units(unit_type, name, province, published, districts)
    return {"province_now": cur.province_now, "ward_now": cur.ward_now, "ward_now_status": cur.status}


# ---------------------------------------------------------------------------------------------
# periods, items and whole records

_PERIOD_FORMS = re.compile(r"^(?:19|20)\d{2}(?:-(?:(?:19|20)\d{2}|H[12]|Q[1-4])?)?$")
_DASHES = re.compile(r"\s*[-–—‒−]\s*")
_ITEM_COUNTERS = re.compile(r"^(?:lượt|căn|chiếc|ngôi)\s+")


def normalise_period(period: str | None) -> str | None:
    """SCHEMA's period string (``2018 – 2023`` -> ``2018-2023``; ``2010 -`` -> ``2010-``), or
    None for anything that is not a year, a range, an open range, a half or a quarter."""
    if period is None:
        return None
    s = _DASHES.sub("-", str(period).strip()).upper()
    if not _PERIOD_FORMS.match(s):
        return None
    years = [int(y) for y in re.findall(r"(?:19|20)\d{2}", s)]
    if len(years) == 2 and years[1] <= years[0]:
        return None
    return s


def normalise_item(item: str) -> str:
    """An item head as SCHEMA writes it: lower case, modern tone placement, single spaces,
    without the counting word (``145 lượt tập thể`` counts ``tập thể``)."""
    from corpus.normalize import fold_tone_marks

    s = " ".join(fold_tone_marks(unicodedata.normalize("NFC", item)).lower().split())
    return _ITEM_COUNTERS.sub("", s) or s


def _enum(value: str | None, allowed: tuple[str, ...]) -> str | None:
    return value if value in allowed else None


def _unit_fields(
    unit: str | None,
    province: str | None,
    published: str | None,
    units: dict[str, UnitRecord],
    districts: tuple[str, ...],
) -> dict[str, str | None]:
    """The extra columns of a stat or model row: its unit's current place and the body behind it."""
    known = units.get(unit_key(unit)) if unit else None
    unit_type = known.type if known else unit_type_of(unit)
    out = current_fields(unit_type, unit, province, published, districts)
    out["organisation"] = known.organisation if known else None
    return out


def normalise_extraction(extraction: Extraction, published: str | None = None) -> Extraction:
    """Every record of an article in SCHEMA's canonical forms; units listed once each.

    ``published`` (the article's ISO date) places the article before or after the 2025 reform for
    the extra columns ``province_now``, ``ward_now`` and ``ward_now_status``; the SCHEMA fields do
    not depend on it.
    """
    districts = tuple(u.name for u in extraction.units if u.type in gz.DISTRICT_TYPES)
    units: list[UnitRecord] = []
    seen: set[str] = set()
    for u in extraction.units:
        key = unit_key(u.name)
        if key in seen or u.type not in UNIT_TYPES:
            continue
        seen.add(key)
        prov = normalise_province(u.province) or u.province
        units.append(replace(u, province=prov, **current_fields(u.type, u.name, prov, published, districts)))
    by_key = {unit_key(u.name): u for u in units}
    stats = []
    for s in extraction.stats:
        prov = normalise_province(s.province) or s.province
        stats.append(
            replace(
                s,
                item=normalise_item(s.item),
                period=normalise_period(s.period),
                province=prov,
                approx=_enum(s.approx, APPROX),
                action=_enum(s.action, ACTIONS),
                domain=_enum(s.domain, DOMAINS),
                **_unit_fields(s.unit, prov, published, by_key, districts),
            )
        )
    models = []
    for m in extraction.models:
        prov = normalise_province(m.province) or m.province
        models.append(
            replace(
                m,
                name=" ".join(m.name.strip('“”"″ ').split()),
                province=prov,
                domain=_enum(m.domain, DOMAINS),
                **_unit_fields(m.unit, prov, published, by_key, districts),
            )
        )
    return Extraction(stats=stats, models=models, units=units)
