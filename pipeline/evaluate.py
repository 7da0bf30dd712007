"""Scoring a dvk JSONL export against gold annotations: the library behind ``dvk eval``.

The scorer of record is ``../shared/gold/score.py`` (rules in ``../shared/gold/SCHEMA.md``,
"Scoring"). This module re-implements it with dvk's own code and gives the same figures:

- a document is keyed by the last path segment of its ``doc`` (a file name, path or URL);
- stats match on ``value`` (rounded to 4 places) and normalised ``item``; models on their
  normalised names, equal or one containing the other with at least 80% of its characters;
  units on their normalised names;
- within a document, gold and predicted records are paired one to one, each gold record in
  order taking the unused prediction that agrees with it on most scored fields (the first
  such on ties);
- precision, recall and F1 are micro-averaged over the gold documents only; ``F1_full``
  (stats) also wants ``unit`` and ``period`` right; field accuracies are over matched pairs.

Functions here are pure except the readers (:func:`iter_jsonl`, :func:`load_jsonl`) and
:func:`run_eval`. Results are dataclasses (:class:`EvalResult`, :class:`TableScore`) that keep
the unrounded figures; ``as_dict()`` gives score.py's result dict, rounded as score.py rounds it,
and ``error_lines()`` its ``--errors`` lines.

Where score.py would crash or guess, the reader is stricter or kinder, never different on a
file score.py reads: it raises :class:`EvalInputError` (with file and line) for invalid JSON, a
line that is not an object, a missing or non-string ``doc`` and a table that is not a list of
objects; it accepts a UTF-8 byte-order mark; an integer too large for a float is not a number.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Record = Mapping[str, Any]
Docs = Mapping[str, Mapping[str, Any]]
MismatchKind = Literal["field", "miss", "false"]

TABLES: tuple[str, ...] = ("stats", "models", "units")
FULL_FIELDS: tuple[str, ...] = ("unit", "period")  # what F1_full also wants right
_ERROR_KEYS = ("value", "item", "name", "evidence")  # shown for a missed or false record
_PUNCT = re.compile(r"[\"“”'‘’″«»().,;:!?\-–—/]")
_TEXT_FOLDS = (("uỷ", "ủy"), ("oà", "òa"), ("oá", "óa"), ("oạ", "ọa"))  # old-style tone placement
_FIELD_FOLDS = (("uỷ", "ủy"), ("–", "-"), ("—", "-"))


class EvalInputError(ValueError):
    """A gold or prediction file that cannot be read: missing, undecodable, or a bad line."""

    code = "E-EVAL-INPUT"

    def __init__(self, path: Path | str, reason: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


# --------------------------------------------------------------------------- normalisation


def norm_text(value: object) -> str:
    """Normalise an item or name: NFC, lower case, ``uỷ``/``oà`` folding, punctuation to spaces."""
    s = unicodedata.normalize("NFC", str(value or "")).lower()
    for old, new in _TEXT_FOLDS:
        s = s.replace(old, new)
    return " ".join(_PUNCT.sub(" ", s).split())


def norm_field(value: object) -> str:
    """Lightly normalise a field value: keeps ``"2009-"`` apart from ``"2009"``; None is ``""``."""
    s = unicodedata.normalize("NFC", str(value if value is not None else "")).lower()
    for old, new in _FIELD_FOLDS:
        s = s.replace(old, new)
    return " ".join(s.split())


def norm_value(value: object) -> float | None:
    """A statistic's value as a float rounded to 4 places, or None when it is not a number."""
    try:
        return round(float(value), 4)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None


def doc_key(doc: object) -> str:
    """The key of an article: the last path segment of its ``doc`` (file name, path or URL)."""
    return str(doc).rstrip("/").rsplit("/", 1)[-1]


# --------------------------------------------------------------------------- matching


def stat_match(gold: Record, pred: Record) -> bool:
    """Same statistic: equal value (4 places) and equal normalised item."""
    same_value = norm_value(gold.get("value")) == norm_value(pred.get("value"))
    return same_value and norm_text(gold.get("item")) == norm_text(pred.get("item"))


def model_name_match(a: object, b: object) -> bool:
    """Same model name: equal when normalised, or one contains the other and is >= 80% as long."""
    a, b = norm_text(a), norm_text(b)
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return short in long_ and len(short) >= 0.8 * len(long_)


def model_match(gold: Record, pred: Record) -> bool:
    """Same named model, by :func:`model_name_match` on ``name``."""
    return model_name_match(gold.get("name"), pred.get("name"))


def unit_match(gold: Record, pred: Record) -> bool:
    """Same unit: equal normalised names."""
    return norm_text(gold.get("name")) == norm_text(pred.get("name"))


@dataclass(frozen=True)
class TableSpec:
    """How one table is scored: the key that pairs records and the fields scored on pairs."""

    name: str
    key_match: Callable[[Record, Record], bool]
    fields: tuple[str, ...]


SPECS: tuple[TableSpec, ...] = (
    TableSpec("stats", stat_match, ("unit", "period", "action", "province")),
    TableSpec("models", model_match, ("domain", "unit")),
    TableSpec("units", unit_match, ("type", "province")),
)


def fields_agree(gold: Record, pred: Record, fld: str) -> bool:
    """Whether a field has the same value in both records after :func:`norm_field`."""
    return norm_field(gold.get(fld)) == norm_field(pred.get(fld))


def pair_records(gold: Sequence[Record], pred: Sequence[Record], spec: TableSpec) -> list[tuple[int, int]]:
    """Pair gold and predicted records of one article one to one, as index pairs.

    Each gold record, in order, takes the unused prediction with the same key that agrees
    with it on most of ``spec.fields`` (the first such on ties), so that order and repeated
    values (two "32 cá nhân" in one article) do not matter.
    """
    used: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for i, g in enumerate(gold):
        best, best_agree = None, -1
        for j, p in enumerate(pred):
            if j in used or not spec.key_match(g, p):
                continue
            agree = sum(fields_agree(g, p, fld) for fld in spec.fields)
            if agree > best_agree:
                best, best_agree = j, agree
        if best is not None:
            used.add(best)
            pairs.append((i, best))
    return pairs


# --------------------------------------------------------------------------- results


def prf(tp: int, n_gold: int, n_pred: int) -> tuple[float, float, float]:
    """Precision, recall and F1 (0.0 where undefined)."""
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


@dataclass(frozen=True)
class Mismatch:
    """One scoring error: a missed gold record, a false prediction, or a field that differs."""

    kind: MismatchKind
    table: str
    doc: str
    gold: Record | None = None
    pred: Record | None = None
    field: str | None = None

    def line(self) -> str:
        """The error as score.py's ``--errors`` prints it."""
        if self.kind == "field":
            assert self.gold is not None and self.pred is not None
            g, p, fld = self.gold, self.pred, self.field or ""
            evidence = g.get("evidence", g.get("name"))
            return f"{self.doc} {self.table}.{fld}: gold={g.get(fld)!r} pred={p.get(fld)!r} [{evidence}]"
        rec = self.gold if self.kind == "miss" else self.pred
        assert rec is not None
        shown = {k: rec.get(k) for k in _ERROR_KEYS if k in rec}
        return f"{self.doc} {self.table} {self.kind.upper()}: {json.dumps(shown, ensure_ascii=False)}"


@dataclass(frozen=True)
class TableScore:
    """Counts for one table over all gold documents; figures unrounded, ``as_dict`` rounds."""

    table: str
    fields: tuple[str, ...]
    tp: int
    n_gold: int
    n_pred: int
    full_tp: int
    field_ok: tuple[int, ...]  # matched pairs agreeing on each of ``fields``

    @property
    def precision(self) -> float:
        return prf(self.tp, self.n_gold, self.n_pred)[0]

    @property
    def recall(self) -> float:
        return prf(self.tp, self.n_gold, self.n_pred)[1]

    @property
    def f1(self) -> float:
        return prf(self.tp, self.n_gold, self.n_pred)[2]

    @property
    def f1_full(self) -> float:
        """F1 counting a match as right only when ``unit`` and ``period`` are right too."""
        return prf(self.full_tp, self.n_gold, self.n_pred)[2]

    def accuracy(self, fld: str) -> float:
        """Share of matched pairs that agree on ``fld`` (0.0 when nothing matched)."""
        return self.field_ok[self.fields.index(fld)] / self.tp if self.tp else 0.0

    def as_dict(self) -> dict[str, Any]:
        """score.py's figures for this table (3 decimal places)."""
        out: dict[str, Any] = {
            "p": round(self.precision, 3),
            "r": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "gold": self.n_gold,
            "pred": self.n_pred,
            "tp": self.tp,
        }
        if self.table == "stats":
            out["f1_full"] = round(self.f1_full, 3)
        for fld in self.fields:
            out[f"acc_{fld}"] = round(self.accuracy(fld), 3)
        return out


@dataclass(frozen=True)
class EvalResult:
    """The whole evaluation: one :class:`TableScore` per table, documents, and every error."""

    tables: dict[str, TableScore]
    n_docs: int
    missing_in_pred: tuple[str, ...]
    mismatches: tuple[Mismatch, ...]

    def as_dict(self) -> dict[str, Any]:
        """The result dict of score.py's ``score``."""
        out: dict[str, Any] = {name: ts.as_dict() for name, ts in self.tables.items()}
        out["docs"] = {"gold": self.n_docs, "missing_in_pred": len(self.missing_in_pred)}
        return out

    def error_lines(self) -> list[str]:
        """Every error as a line, in score.py's order (by table, then document)."""
        return [m.line() for m in self.mismatches]


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class _DocTally:
    tp: int
    n_gold: int
    n_pred: int
    full_tp: int
    field_ok: tuple[int, ...]
    mismatches: tuple[Mismatch, ...]


def _table_records(doc: Mapping[str, Any] | None, table: str) -> list[Record]:
    return list((doc or {}).get(table) or [])


def _score_doc(doc: str, gold: Sequence[Record], pred: Sequence[Record], spec: TableSpec) -> _DocTally:
    """Score one table of one article."""
    pairs = pair_records(gold, pred, spec)
    field_ok = [0] * len(spec.fields)
    full_tp = 0
    errs: list[Mismatch] = []
    for i, j in pairs:
        g, p = gold[i], pred[j]
        full_tp += all(fields_agree(g, p, k) for k in FULL_FIELDS)
        for n, fld in enumerate(spec.fields):
            if fields_agree(g, p, fld):
                field_ok[n] += 1
            else:
                errs.append(Mismatch("field", spec.name, doc, g, p, fld))
    matched_g = {i for i, _ in pairs}
    matched_p = {j for _, j in pairs}
    errs += [Mismatch("miss", spec.name, doc, gold=g) for i, g in enumerate(gold) if i not in matched_g]
    errs += [Mismatch("false", spec.name, doc, pred=p) for j, p in enumerate(pred) if j not in matched_p]
    return _DocTally(len(pairs), len(gold), len(pred), full_tp, tuple(field_ok), tuple(errs))


def score_table(gold: Docs, pred: Docs, spec: TableSpec) -> tuple[TableScore, list[Mismatch]]:
    """Score one table over the gold documents (predicted documents absent from gold do not count)."""
    tallies = [
        _score_doc(doc, _table_records(g, spec.name), _table_records(pred.get(doc), spec.name), spec)
        for doc, g in gold.items()
    ]
    field_ok = tuple(sum(t.field_ok[n] for t in tallies) for n in range(len(spec.fields)))
    ts = TableScore(
        table=spec.name,
        fields=spec.fields,
        tp=sum(t.tp for t in tallies),
        n_gold=sum(t.n_gold for t in tallies),
        n_pred=sum(t.n_pred for t in tallies),
        full_tp=sum(t.full_tp for t in tallies),
        field_ok=field_ok,
    )
    return ts, [m for t in tallies for m in t.mismatches]


def evaluate(gold: Docs, pred: Docs) -> EvalResult:
    """Score predictions against gold, both keyed by document (see :func:`load_jsonl`)."""
    tables: dict[str, TableScore] = {}
    mismatches: list[Mismatch] = []
    for spec in SPECS:
        tables[spec.name], errs = score_table(gold, pred, spec)
        mismatches += errs
    missing = tuple(doc for doc in gold if doc not in pred)
    return EvalResult(tables, len(gold), missing, tuple(mismatches))


def score(gold: Docs, pred: Docs, errors: bool = False) -> tuple[dict[str, Any], list[str]]:
    """score.py's ``score``: its result dict, and its error lines when ``errors`` is true."""
    result = evaluate(gold, pred)
    return result.as_dict(), result.error_lines() if errors else []


# --------------------------------------------------------------------------- files


@dataclass(frozen=True)
class JsonlDoc:
    """One article line of a gold or prediction file."""

    key: str
    line: int
    record: dict[str, Any]


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise EvalInputError(path, "not valid UTF-8", line) from exc


def _check_record(rec: object, path: Path, line: int) -> dict[str, Any]:
    if not isinstance(rec, dict):
        raise EvalInputError(path, f"expected a JSON object, got {type(rec).__name__}", line)
    doc = rec.get("doc")
    if not isinstance(doc, str) or not doc_key(doc):
        raise EvalInputError(path, 'missing or empty "doc"', line)
    for table in TABLES:
        records = rec.get(table)
        if records is not None and not (
            isinstance(records, list) and all(isinstance(r, dict) for r in records)
        ):
            raise EvalInputError(path, f'"{table}" must be a list of objects', line)
    return rec


def iter_jsonl(path: Path) -> Iterator[JsonlDoc]:
    """Read a gold or prediction file line by line; raise :class:`EvalInputError` on a bad line."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise EvalInputError(path, f"cannot read file ({exc.strerror or exc})") from exc
    text = _decode(data, path).replace("\r\n", "\n").replace("\r", "\n")
    for n, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line:
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalInputError(path, f"invalid JSON ({exc.msg}, column {exc.colno})", n) from exc
        rec = _check_record(rec, path, n)
        yield JsonlDoc(doc_key(rec["doc"]), n, rec)


def load_jsonl(path: Path) -> dict[str, dict]:
    """Read a gold or prediction file into {doc key: record}; a later line for a doc wins."""
    return {d.key: d.record for d in iter_jsonl(path)}


# --------------------------------------------------------------------------- report


def format_block(name: str, res: Mapping[str, Any]) -> str:
    """A header line with ``name``, then the lines score.py prints for the result dict ``res``."""
    lines = [f"== {name} =="]
    for t in TABLES:
        r = res[t]
        extra = " ".join(f"{k}={v}" for k, v in r.items() if k.startswith("acc_"))
        full = f" F1_full={r['f1_full']:.3f}" if "f1_full" in r else ""
        lines.append(
            f"{t:7s} P={r['p']:.3f} R={r['r']:.3f} F1={r['f1']:.3f}{full} "
            f"(gold {r['gold']}, pred {r['pred']}) {extra}"
        )
    lines.append(f"docs: {res['docs']}")
    return "\n".join(lines)


def format_errors(mismatches: Sequence[Mismatch]) -> str:
    """Every miss, false positive and field mismatch, grouped by table with counts."""
    lines = []
    for table in TABLES:
        group = [m for m in mismatches if m.table == table]
        counts = {k: sum(m.kind == k for m in group) for k in ("miss", "false", "field")}
        lines.append(
            f"-- {table} errors: {counts['miss']} missed, {counts['false']} false, "
            f"{counts['field']} field mismatches"
        )
        lines += [m.line() for m in group]
    return "\n".join(lines)


def _block_names(paths: Sequence[Path]) -> list[str]:
    names = [p.name for p in paths]
    return names if len(set(names)) == len(names) else [str(p) for p in paths]


def merge_gold(named: Sequence[tuple[str, Docs]]) -> tuple[dict[str, Mapping[str, Any]], list[str]]:
    """Union of gold files (a later file wins for a doc in two), with a warning per overlap."""
    merged: dict[str, Mapping[str, Any]] = {}
    source: dict[str, str] = {}
    warnings = []
    for name, docs in named:
        for doc, rec in docs.items():
            if doc in source:
                warnings.append(f"warning: {doc} is in both {source[doc]} and {name}; 'all' uses {name}")
            merged[doc], source[doc] = rec, name
    return merged, warnings


def _read_with_warnings(path: Path, name: str) -> tuple[dict[str, dict], list[str]]:
    """Read a file like :func:`load_jsonl`, with a warning for each doc given on two lines."""
    docs: dict[str, dict] = {}
    seen: dict[str, int] = {}
    warnings = []
    for d in iter_jsonl(path):
        if d.key in seen:
            warnings.append(
                f"warning: {name}: {d.key} on lines {seen[d.key]} and {d.line}; line {d.line} wins"
            )
        seen[d.key], docs[d.key] = d.line, d.record
    return docs, warnings


def run_eval(gold_paths: Sequence[Path], pred_path: Path, errors: bool = False) -> str:
    """The ``dvk eval`` report: a block per gold file, one for all of them, then errors if asked."""
    if not gold_paths:
        raise EvalInputError("--gold", "no gold file given")
    paths = [Path(p) for p in gold_paths]
    pred, warnings = _read_with_warnings(Path(pred_path), Path(pred_path).name)
    golds: list[tuple[str, Docs]] = []
    for name, path in zip(_block_names(paths), paths, strict=True):
        gold, dup = _read_with_warnings(path, name)
        golds.append((name, gold))
        warnings += dup
    blocks = [format_block(name, score(gold, pred)[0]) for name, gold in golds]
    merged, overlap = merge_gold(golds)
    result = evaluate(merged, pred)
    out = [*warnings, *blocks, *overlap, format_block("all", result.as_dict())]
    if errors:
        if result.missing_in_pred:
            out.append(f"-- docs missing in pred: {', '.join(result.missing_in_pred)}")
        out.append(format_errors(result.mismatches))
    return "\n".join(out) + "\n"
