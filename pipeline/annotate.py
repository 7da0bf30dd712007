"""Review and correction of a run's rows by analysts: the library behind ``dvk annotate``.

:func:`export_review` writes a dataset for review:

* **CSV** (a spreadsheet opens it): one ``article`` row per article carrying its cleaned
  ``text``, then one row per record (``table`` = stats / models / units) with the article's
  ``doc`` and ``article_id``, the record's fields, its ``evidence``, the ``sentence_text`` it was
  found in, its ``start``/``end`` offsets, and the empty review columns ``verdict`` and ``note``.
  The analyst writes ``wrong`` in ``verdict`` to drop a row, edits a field cell to correct it,
  and adds a row (``table``, ``doc`` and the fields) for a record the extractors missed.
* **JSONL** (SCHEMA.md shape plus the cleaned ``text``): one line per article with its records,
  and ``spans`` (``start``, ``end``, ``label``) and Doccano's ``label`` triples for each record, so
  that Label Studio or Doccano open it as text with spans.

:func:`import_review` reads a corrected CSV or JSONL back, validates it (every problem reported
with its line number; :class:`AnnotationFileError` is a usage error, exit 2) and writes
``corpus/annotations/<name>.jsonl`` in the SCHEMA.md shape plus ``text``, which
:func:`extractors.learn.data.load_imported` reads as training data for ``dvk train``.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from extractors.learn.data import ANNOTATIONS
from extractors.model_names import sentence_spans
from extractors.records import ACTIONS, APPROX, DOMAINS, ModelRecord, StatRecord, UnitRecord
from pipeline.errors import DvkUsageError, OutputPathError
from pipeline.export import iter_article_dicts
from pipeline.storage import open_store

FORMATS = ("csv", "jsonl")
TABLES = ("stats", "models", "units")
SCHEMA = {
    "stats": StatRecord.SCHEMA_FIELDS,
    "models": ModelRecord.SCHEMA_FIELDS,
    "units": UnitRecord.SCHEMA_FIELDS,
}
LABELS = {"stats": "STAT", "models": "MODEL", "units": "UNIT"}
VERDICTS = ("", "ok", "wrong")
_FIELDS = (
    "value", "approx", "ratio_of", "percent", "item", "action", "name", "type", "unit", "province",
    "period", "per_year", "level", "domain",
)  # fmt: skip
CSV_COLUMNS = (
    "table", "doc", "article_id", *_FIELDS, "evidence", "sentence_text", "start", "end", "verdict", "note",
    "title", "published", "url", "text",
)  # fmt: skip
_BOOL = {"": False, "true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}


class AnnotationFileError(DvkUsageError):
    """A corrected file that cannot be imported; the message lists every problem with its row / line."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{path}: {len(problems)} problem(s), nothing imported:\n{shown}{more}")


# --- export --------------------------------------------------------------------------------------


def _articles_with_text(dataset: Path) -> Iterator[dict]:
    """The JSONL export's article objects, each with its cleaned ``text``."""
    with open_store(Path(dataset), read_only=True) as store:
        texts = dict(store.con.execute("SELECT article_id, text FROM articles").fetchall())
        for obj in iter_article_dicts(store):
            yield obj | {"text": texts.get(obj["article_id"], "")}


def _sentence_text(text: str, spans: list[tuple[int, int]], start: int) -> str:
    for s, e in spans:
        if s <= start < e:
            return " ".join(text[s:e].split())
    return ""


def review_rows(articles: Iterable[dict]) -> Iterator[dict[str, object]]:
    """CSV rows: an ``article`` row, then one row per record, for each article."""
    for art in articles:
        text = art["text"]
        yield {
            "table": "article", "doc": art["doc"], "article_id": art["article_id"], "title": art.get("title"),
            "published": art.get("published"), "url": art.get("url"), "text": text,
        }  # fmt: skip
        spans = sentence_spans(text)
        for table in TABLES:
            for rec in art.get(table) or []:
                row: dict[str, object] = {"table": table, "doc": art["doc"], "article_id": art["article_id"]}
                row.update({f: rec.get(f) for f in SCHEMA[table] if f != "evidence"})
                row["evidence"] = rec.get("evidence")
                start = rec.get("start")
                row["start"], row["end"] = start, rec.get("end")
                if isinstance(start, int) and start >= 0:
                    row["sentence_text"] = _sentence_text(text, spans, start)
                yield row


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def review_jsonl_line(art: dict) -> dict:
    """One article for review as JSONL: SCHEMA.md records, ``text``, ``spans`` and Doccano ``label``."""
    out: dict = {k: art.get(k) for k in ("doc", "article_id", "url", "title", "published")}
    spans = []
    for table in TABLES:
        recs = []
        for rec in art.get(table) or []:
            recs.append(
                {f: rec.get(f) for f in SCHEMA[table]} | {"start": rec.get("start"), "end": rec.get("end")}
            )
            start, end = rec.get("start"), rec.get("end")
            if isinstance(start, int) and isinstance(end, int) and 0 <= start < end:
                spans.append({"start": start, "end": end, "label": LABELS[table]})
        out[table] = recs
    spans.sort(key=lambda s: (s["start"], s["end"], s["label"]))
    out["text"] = art["text"]
    out["spans"] = spans
    out["label"] = [[s["start"], s["end"], s["label"]] for s in spans]
    return out


def export_review(dataset: Path, out: Path, fmt: str = "csv") -> int:
    """Write a dataset's rows for review to ``out`` (CSV or JSONL, atomically); return the row count
    (CSV: records and article rows; JSONL: articles)."""
    if fmt not in FORMATS:
        raise DvkUsageError(f"unknown format {fmt!r}: use csv or jsonl")
    out = Path(out)
    if out.is_dir():
        raise OutputPathError(f"{out} is a folder; --out needs a file path")
    articles = list(_articles_with_text(Path(dataset)))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    n = 0
    try:
        if fmt == "csv":
            with tmp.open(
                "w", encoding="utf-8-sig", newline=""
            ) as fh:  # the BOM lets spreadsheets read UTF-8
                writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS, extrasaction="ignore")
                writer.writeheader()
                for row in review_rows(articles):
                    writer.writerow({k: _cell(v) for k, v in row.items()})
                    n += 1
        else:
            with tmp.open("w", encoding="utf-8", newline="\n") as fh:
                for art in articles:
                    fh.write(json.dumps(review_jsonl_line(art), ensure_ascii=False) + "\n")
                    n += 1
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return n


# --- import --------------------------------------------------------------------------------------


@dataclass
class _Article:
    doc: str
    text: str | None = None
    title: str | None = None
    published: str | None = None
    records: dict[str, list[dict]] = field(default_factory=lambda: {t: [] for t in TABLES})


def _number(value: str, what: str, problems: list[str], where: str, required: bool = False) -> float | None:
    v = value.strip().replace(" ", "")
    if not v:
        if required:
            problems.append(f"{where}: {what} is empty")
        return None
    try:
        num = float(v.replace(",", ".")) if v.count(",") == 1 and "." not in v else float(v)
    except ValueError:
        problems.append(f"{where}: {what} {value!r} is not a number")
        return None
    return int(num) if num.is_integer() else num


def _choice(value: str, allowed: Iterable[str], what: str, problems: list[str], where: str) -> str | None:
    v = value.strip()
    if not v:
        return None
    if v not in allowed:
        problems.append(f"{where}: {what} {v!r} is not one of {', '.join(allowed)}")
        return None
    return v


def _flag(value: str, what: str, problems: list[str], where: str) -> bool:
    v = value.strip().lower()
    if v not in _BOOL:
        problems.append(f"{where}: {what} {value!r} is not true or false")
        return False
    return _BOOL[v]


def _text_or_none(value: str) -> str | None:
    v = " ".join(value.split())
    return v or None


def record_from_row(table: str, row: dict[str, str], problems: list[str], where: str) -> dict | None:
    """A SCHEMA.md record from a CSV row (None, with problems noted, when it is invalid)."""
    get = lambda k: row.get(k) or ""  # noqa: E731
    before = len(problems)
    rec: dict[str, object]
    if table == "stats":
        rec = {
            "value": _number(get("value"), "value", problems, where, required=True),
            "approx": _choice(get("approx"), APPROX, "approx", problems, where),
            "ratio_of": _number(get("ratio_of"), "ratio_of", problems, where),
            "percent": _flag(get("percent"), "percent", problems, where),
            "item": _text_or_none(get("item")),
            "action": _choice(get("action"), ACTIONS, "action", problems, where),
            "unit": _text_or_none(get("unit")),
            "province": _text_or_none(get("province")),
            "period": _text_or_none(get("period")),
            "per_year": _flag(get("per_year"), "per_year", problems, where),
            "level": _text_or_none(get("level")),
            "domain": _choice(get("domain"), DOMAINS, "domain", problems, where),
        }
        if not rec["item"]:
            problems.append(f"{where}: item is empty")
    elif table == "models":
        rec = {
            "name": _text_or_none(get("name")),
            "unit": _text_or_none(get("unit")),
            "province": _text_or_none(get("province")),
            "domain": _choice(get("domain"), DOMAINS, "domain", problems, where),
        }
        if not rec["name"]:
            problems.append(f"{where}: name is empty")
    else:
        rec = {
            "name": _text_or_none(get("name")),
            "type": _text_or_none(get("type")),
            "province": _text_or_none(get("province")),
        }
        if not rec["name"] or not rec["type"]:
            problems.append(f"{where}: a unit needs a name and a type")
    if "evidence" in SCHEMA[table]:
        rec["evidence"] = get("evidence").strip()
    return rec if len(problems) == before else None


def _read_csv(path: Path, problems: list[str]) -> dict[str, _Article]:
    articles: dict[str, _Article] = {}
    pending: list[tuple[str, str, dict, str]] = []  # doc, table, record, where
    try:
        fh = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise AnnotationFileError(path, [f"cannot read: {exc}"]) from exc
    with fh:
        reader = csv.DictReader(fh)
        missing = [c for c in ("table", "doc") if c not in (reader.fieldnames or [])]
        if missing:
            raise AnnotationFileError(path, [f"line 1: missing column(s) {', '.join(missing)}"])
        try:
            start_line = reader.line_num + 1
            for n, row in enumerate(reader, 2):
                # a spreadsheet's row number (the header is row 1), and the file line the row starts on
                where, start_line = f"row {n} (line {start_line})", reader.line_num + 1
                if None in row:
                    problems.append(f"{where}: more cells than columns")
                    continue
                table, doc = (row.get("table") or "").strip(), (row.get("doc") or "").strip()
                if not table and not doc and not any((v or "").strip() for v in row.values()):
                    continue  # a blank line
                if not doc:
                    problems.append(f"{where}: doc is empty")
                    continue
                verdict = (row.get("verdict") or "").strip().lower()
                if verdict not in VERDICTS:
                    problems.append(f"{where}: verdict {verdict!r} is not one of ok, wrong (or empty)")
                    continue
                if table == "article":
                    art = articles.setdefault(doc, _Article(doc))
                    art.text = row.get("text") or ""
                    art.title = _text_or_none(row.get("title") or "")
                    art.published = _text_or_none(row.get("published") or "")
                    if not art.text.strip():
                        problems.append(f"{where}: the article row of {doc} has no text")
                    continue
                if table not in TABLES:
                    problems.append(f"{where}: table {table!r} is not one of article, {', '.join(TABLES)}")
                    continue
                if verdict == "wrong":
                    continue
                rec = record_from_row(table, row, problems, where)
                if rec is not None:
                    pending.append((doc, table, rec, where))
        except csv.Error as exc:
            problems.append(f"line {reader.line_num}: {exc}")
    for doc, table, rec, where in pending:
        if doc not in articles:
            problems.append(f"{where}: no article row for doc {doc!r} (its text is needed)")
            continue
        articles[doc].records[table].append(rec)
    return articles


def _read_jsonl(path: Path, problems: list[str]) -> dict[str, _Article]:
    articles: dict[str, _Article] = {}
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise AnnotationFileError(path, [f"cannot read: {exc}"]) from exc
    for n, line in enumerate(lines, 1):
        where = f"line {n}"
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: invalid JSON ({exc.msg})")
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("doc"), str) or not obj["doc"].strip():
            problems.append(f"{where}: not an object with a string doc")
            continue
        if not isinstance(obj.get("text"), str) or not obj["text"].strip():
            problems.append(f"{where}: no text")
            continue
        art = _Article(obj["doc"], obj["text"], obj.get("title"), obj.get("published"))
        for table in TABLES:
            recs = obj.get(table) or []
            if not isinstance(recs, list):
                problems.append(f"{where}: {table} is not a list")
                continue
            for i, rec in enumerate(recs):
                if not isinstance(rec, dict):
                    problems.append(f"{where}: {table}[{i}] is not an object")
                    continue
                if rec.get("verdict") == "wrong":
                    continue
                row = {k: _cell(v) for k, v in rec.items()}
                fixed = record_from_row(table, row, problems, f"{where} {table}[{i}]")
                if fixed is not None:
                    art.records[table].append(fixed)
        articles[art.doc] = art
    return articles


def read_corrections(path: Path) -> list[dict]:
    """The corrected gold of a CSV or JSONL review file, SCHEMA.md shape plus ``text``, by ``doc``.

    Raises :class:`AnnotationFileError` listing every problem (with line numbers) when the file
    cannot be imported as a whole.
    """
    path = Path(path)
    if not path.is_file():
        raise AnnotationFileError(path, ["no such file"])
    problems: list[str] = []
    suffix = path.suffix.lower()
    if suffix == ".csv":
        articles = _read_csv(path, problems)
    elif suffix in (".jsonl", ".json"):
        articles = _read_jsonl(path, problems)
    else:
        raise AnnotationFileError(path, [f"unknown file type {suffix!r}: use .csv or .jsonl"])
    if problems:
        raise AnnotationFileError(path, problems)
    if not articles:
        raise AnnotationFileError(path, ["no article in the file"])
    out = []
    for doc in sorted(articles):
        art = articles[doc]
        out.append(
            {"doc": art.doc, "title": art.title, "published": art.published}
            | {t: art.records[t] for t in TABLES}
            | {"text": art.text}
        )
    return out


def import_review(path: Path, name: str | None = None, folder: Path | None = None) -> tuple[Path, int]:
    """Validate a corrected review file and write ``<folder>/<name>.jsonl`` (default folder
    ``corpus/annotations``, default name the file's stem); return the path and the article count."""
    path = Path(path)
    name = name or path.stem
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise DvkUsageError(f"--name {name!r} must be a plain file name")
    lines = read_corrections(path)
    folder = Path(folder) if folder is not None else ANNOTATIONS
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{name}.jsonl"
    tmp = folder / f".{name}.jsonl.tmp"
    try:
        with tmp.open("w", encoding="utf-8", newline="\n") as fh:
            for obj in lines:
                fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out, len(lines)
