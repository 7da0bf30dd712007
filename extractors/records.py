"""Records that extractors produce: one dataclass per output table.

The fields named in ``../shared/gold/SCHEMA.md`` come first, in its order; the
provenance fields (sentence, character offsets into the cleaned text, extractor
name and version) follow.  ``as_dict(schema_only=True)`` gives exactly the
SCHEMA.md shape used by the JSONL export and by the gold files.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

DOMAINS = ("economy", "culture_society", "defense_security", "political_system")
ACTIONS = ("registered", "built", "recognized", "commended", "maintained", "replicated", "held", "achieved")
APPROX = ("more_than", "nearly", "about", "less_than")
UNIT_TYPES = (
    "tỉnh",
    "thành phố",
    "quận",
    "huyện",
    "thị xã",
    "phường",
    "xã",
    "thị trấn",
    "thôn",
    "bản",
    "tổ chức",
)


@dataclass(slots=True)
class Provenance:
    """Where a record came from: offsets are into the article's cleaned text."""

    sentence: int = -1
    start: int = -1
    end: int = -1
    extractor: str = ""
    extractor_version: str = ""


@dataclass(slots=True)
class StatRecord:
    value: float
    item: str
    approx: str | None = None
    ratio_of: float | None = None
    percent: bool = False
    action: str | None = None
    unit: str | None = None
    province: str | None = None
    period: str | None = None
    per_year: bool = False
    level: str | None = None
    domain: str | None = None
    evidence: str = ""
    prov: Provenance | None = None
    # beyond SCHEMA.md: the unit in today's structure and the body behind it (tables only)
    province_now: str | None = None  # the province after the 2025 reform (extractors.reform2025)
    ward_now: str | None = None  # the ward/commune after the reform, when one is certain
    ward_now_status: str | None = None  # reform2025.STATUSES
    organisation: str | None = None  # the body behind the unit ("Ban Dân vận Huyện ủy")

    SCHEMA_FIELDS = (
        "value",
        "approx",
        "ratio_of",
        "percent",
        "item",
        "action",
        "unit",
        "province",
        "period",
        "per_year",
        "level",
        "domain",
        "evidence",
    )

    def as_dict(self, schema_only: bool = False) -> dict:
        return _as_dict(self, self.SCHEMA_FIELDS, schema_only)


@dataclass(slots=True)
class ModelRecord:
    name: str
    unit: str | None = None
    province: str | None = None
    domain: str | None = None
    evidence: str = ""
    prov: Provenance | None = None
    province_now: str | None = None  # as in StatRecord
    ward_now: str | None = None
    ward_now_status: str | None = None
    organisation: str | None = None

    SCHEMA_FIELDS = ("name", "unit", "province", "domain", "evidence")

    def as_dict(self, schema_only: bool = False) -> dict:
        return _as_dict(self, self.SCHEMA_FIELDS, schema_only)


@dataclass(slots=True)
class UnitRecord:
    name: str
    type: str
    province: str | None = None
    written: str = ""  # the mention as written in the text
    organisation: str | None = None  # the body behind a locality ("Ban Dân vận Huyện ủy X")
    prov: Provenance | None = None
    province_now: str | None = None  # as in StatRecord
    ward_now: str | None = None
    ward_now_status: str | None = None

    SCHEMA_FIELDS = ("name", "type", "province")

    def as_dict(self, schema_only: bool = False) -> dict:
        return _as_dict(self, self.SCHEMA_FIELDS, schema_only)


def _as_dict(rec, schema_fields: tuple[str, ...], schema_only: bool) -> dict:
    out = {f: getattr(rec, f) for f in schema_fields}
    if isinstance(out.get("value"), float) and float(out["value"]).is_integer():
        out["value"] = int(out["value"])
    if isinstance(out.get("ratio_of"), float) and float(out["ratio_of"]).is_integer():
        out["ratio_of"] = int(out["ratio_of"])
    if schema_only:
        return out
    for f in fields(rec):
        if f.name not in out and f.name != "prov":
            out[f.name] = getattr(rec, f.name)
    prov = rec.prov or Provenance()
    out.update(asdict(prov))
    return out


@dataclass(slots=True)
class Extraction:
    """Everything extracted from one article."""

    stats: list[StatRecord]
    models: list[ModelRecord]
    units: list[UnitRecord]
    # what a rerun may reuse (extractors.layers, packed); not a record, never exported
    layers: bytes | None = field(default=None, compare=False, repr=False)
    # True when the records equal those of the earlier extraction whose layers were reused (a
    # rerun may then keep the rows stored from them); not a record, never exported
    same_records: bool = field(default=False, compare=False, repr=False)
