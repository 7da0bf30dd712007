"""Reading inputs (files, folders, globs of .txt/.html/.htm/.jsonl) into RawArticles.

:func:`discover_inputs` turns what the user typed into the files to read: a
file of a supported type is taken as it is, a folder is scanned recursively
(sorted; hidden folders are not entered) and a glob is expanded.  Other files
met in folders or globs (an ``index.tsv``) are listed in
``InputPlan.skipped``; a missing path, a glob matching nothing, or an
explicit file of another type is an :class:`InputError` (a usage error).

:func:`read_inputs` reads one file.  A ``.txt`` or ``.html``/``.htm`` file
gives one article, named by its file name; a ``.jsonl`` file gives one per
line (an object with ``url`` and ``html`` or ``text``, optionally ``title``
and ``published``), named by its URL.  An input that cannot be read as an
article (empty, binary, undecodable, a broken JSON line) becomes an
:class:`IngestFailure` with the reason, and the other inputs go on.

A folder written by ``dvk scrape`` (it holds ``dvk-scrape.json``) is read as
one input, its catalogue ``catalogue.sqlite``: every stored article becomes a
RawArticle named by its URL, with the HTML of the raw response kept in the
store's WARC file, so cleaning and extraction re-run without refetching.

A web archive (``.warc`` or ``.warc.gz``, such as Common Crawl's CC-NEWS) gives
one article per HTML response record (status 200), named by its target URI;
other records (requests, metadata, images, redirects) are passed over.  The WARC
files inside a scrape store are read through its catalogue, not on their own.
"""

from __future__ import annotations

import glob
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from corpus.dateline import normalize_published
from corpus.decode import decode_bytes
from corpus.records import IngestError, RawArticle
from corpus.sidecar import FileMeta, metadata_for

__all__ = [
    "SUPPORTED_SUFFIXES",
    "IngestFailure",
    "InputError",
    "InputPlan",
    "discover_inputs",
    "read_inputs",
]

SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".jsonl", ".warc", ".warc.gz")
WARC_SUFFIXES = (".warc", ".warc.gz")
_GLOB_CHARS = frozenset("*?[")


class InputError(ValueError):
    """A usage error: a path that does not exist, or an explicit file of an unknown format."""


@dataclass
class InputPlan:
    """The files to read, in order, and the other files found in folders and globs."""

    files: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)


@dataclass
class IngestFailure:
    """One input that could not be read as an article, with a clear human reason."""

    source: str
    doc: str
    reason: str


SCRAPE_MARKER = "dvk-scrape.json"  # corpus.scrape.store.MARKER (not imported: no HTTP stack needed here)
SCRAPE_CATALOGUE = "catalogue.sqlite"


def _is_scrape_catalogue(path: Path) -> bool:
    return path.name == SCRAPE_CATALOGUE and (path.parent / SCRAPE_MARKER).is_file()


def is_warc(path: Path) -> bool:
    """A web archive file (``.warc``, ``.warc.gz``)."""
    return path.name.lower().endswith(WARC_SUFFIXES)


def _in_scrape_store(path: Path) -> bool:
    return any((folder / SCRAPE_MARKER).is_file() for folder in path.parents[:2])


def _supported(path: Path) -> bool:
    if _is_scrape_catalogue(path):
        return True
    if is_warc(path):
        return not _in_scrape_store(path)
    return path.suffix.lower() in SUPPORTED_SUFFIXES and not is_annotation_file(path)


def is_annotation_file(path: Path) -> bool:
    """A JSONL of annotations or of a dvk export (records with ``stats``/``models``/``units``
    and no ``text``/``html``): found in a folder, it is skipped like any non-article file."""
    if path.suffix.lower() != ".jsonl":
        return False
    try:
        with path.open("rb") as f:
            first = f.readline(1 << 20)
        rec = json.loads(first.decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return (
        isinstance(rec, dict)
        and any(k in rec for k in ("stats", "models", "units"))
        and not any(k in rec for k in ("text", "html"))
    )


def _walk(folder: Path) -> list[Path]:
    """Every file below ``folder``, sorted, without entering hidden folders."""
    found: list[Path] = []
    for path in sorted(folder.iterdir()):
        if path.is_dir():
            if not path.name.startswith("."):
                found.extend(_walk(path))
        elif path.is_file():
            found.append(path)
    return found


def _expand(arg: str) -> tuple[list[Path], list[Path]]:
    """(supported files, other files) named by one input argument."""
    path = Path(arg).expanduser()
    if path.is_dir() and (path / SCRAPE_MARKER).is_file():
        return [path / SCRAPE_CATALOGUE], []
    if path.is_dir():
        files = _walk(path)
        return [f for f in files if _supported(f)], [f for f in files if not _supported(f)]
    if path.is_file():
        if is_annotation_file(path):
            return [], [path]
        if not _supported(path):
            kinds = ", ".join(SUPPORTED_SUFFIXES)
            raise InputError(
                f"{arg}: unknown input format {path.suffix or '(no suffix)'!r}; expected one of {kinds}"
            )
        return [path], []
    if _GLOB_CHARS & set(arg):
        matches = sorted(Path(m) for m in glob.glob(str(path), recursive=True))
        if not matches:
            raise InputError(f"{arg}: no files match this pattern")
        files: list[Path] = []
        for m in matches:
            files.extend(_walk(m) if m.is_dir() else [m])
        return [f for f in files if _supported(f)], [f for f in files if not _supported(f)]
    raise InputError(f"{arg}: no such file or folder")


def discover_inputs(inputs: Sequence[str]) -> InputPlan:
    """Resolve files, folders (recursive) and globs to the files to read.

    Files keep the order of the arguments, each argument's files sorted; a file
    named twice is read once.  Raises :class:`InputError` for a missing path, a
    glob that matches nothing or an explicit file of an unsupported type.
    """
    if not inputs:
        raise InputError("no input given")
    plan = InputPlan()
    seen: set[Path] = set()
    for arg in inputs:
        files, others = _expand(str(arg))
        for f in files:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                plan.files.append(f)
        plan.skipped.extend(o for o in others if o not in plan.skipped)
    return plan


def _sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def _read_document(path: Path, data: bytes) -> RawArticle | IngestFailure:
    try:
        text = decode_bytes(data)
    except IngestError as exc:
        return IngestFailure(source=str(path), doc=path.name, reason=str(exc))
    is_html = path.suffix.lower() in (".html", ".htm")
    meta = metadata_for(path) or FileMeta()
    return RawArticle(
        doc=path.name,
        source=str(path),
        url=meta.url,
        html=text if is_html else None,
        text=None if is_html else text,
        published=normalize_published(meta.published) if meta.published else None,
        raw_sha1=_sha1(data),
        province=meta.province,
    )


def _optional_str(value: object, strip: bool = True) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip() if strip else value


def _record(path: Path, lineno: int, line: bytes) -> RawArticle | IngestFailure:
    source = f"{path}#{lineno}"
    where = f"{path.name}#{lineno}"

    def fail(reason: str, doc: str = where) -> IngestFailure:
        return IngestFailure(source=source, doc=doc, reason=f"line {lineno}: {reason}")

    try:
        obj = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        return fail("not valid UTF-8")
    except json.JSONDecodeError as exc:
        return fail(f"invalid JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(obj, dict):
        return fail(f"not a JSON object but {type(obj).__name__}")
    url = _optional_str(obj.get("url"))
    if url is None:
        return fail("record has no url")
    html, text = _optional_str(obj.get("html"), strip=False), _optional_str(obj.get("text"), strip=False)
    if html is None and text is None:
        return fail("record has neither text nor html", doc=url)
    return RawArticle(
        doc=url,
        source=source,
        url=url,
        html=html,
        text=None if html is not None else text,
        title=_optional_str(obj.get("title")),
        published=normalize_published(obj.get("published")),
        raw_sha1=_sha1(line),
    )


def _read_jsonl(path: Path, lines: Iterable[bytes]) -> Iterator[RawArticle | IngestFailure]:
    """The records of a JSONL file's lines, streamed (a file of millions of lines is never held whole)."""
    found = False
    for lineno, line in enumerate(lines, start=1):
        line = (line.removeprefix(b"\xef\xbb\xbf") if lineno == 1 else line).strip()
        if line:
            found = True
            yield _record(path, lineno, line)
    if not found:
        yield IngestFailure(source=str(path), doc=path.name, reason="empty file")


def read_inputs(path: Path) -> Iterator[RawArticle | IngestFailure]:
    """Read one input file: one RawArticle (or IngestFailure) per article it holds.

    For a JSONL record with both ``html`` and ``text`` the HTML is used (it
    carries the metadata).  Raises :class:`InputError` for an unsupported type.
    """
    path = Path(path)
    if not _supported(path):
        raise InputError(f"{path}: unknown input format; expected one of {', '.join(SUPPORTED_SUFFIXES)}")
    if _is_scrape_catalogue(path):
        yield from _read_scrape_store(path)
        return
    if is_warc(path):
        yield from _read_warc_file(path)
        return
    try:
        if path.suffix.lower() == ".jsonl":
            with path.open("rb") as f:
                yield from _read_jsonl(path, f)
            return
        data = path.read_bytes()
    except OSError as exc:
        yield IngestFailure(
            source=str(path), doc=path.name, reason=f"cannot read file ({exc.strerror or exc})"
        )
        return
    yield _read_document(path, data)


def _read_scrape_store(catalogue: Path) -> Iterator[RawArticle | IngestFailure]:
    """The articles of a scrape store, by URL, with their HTML from the store's WARC files."""
    import sqlite3

    from corpus.scrape.crawl import decode_page
    from corpus.scrape.store import read_warc

    folder = catalogue.parent
    try:
        con = sqlite3.connect(f"file:{catalogue}?mode=ro", uri=True)
        try:
            rows = con.execute("SELECT url, warc FROM articles ORDER BY url").fetchall()
        finally:
            con.close()
    except sqlite3.Error as exc:
        yield IngestFailure(
            source=str(catalogue), doc=folder.name, reason=f"cannot read the catalogue ({exc})"
        )
        return
    for url, warc in rows:
        source = str(folder / warc)
        try:
            _, _, headers, body = read_warc(folder / warc)
            ctype = next((v for k, v in headers if k.lower() == "content-type"), None)
            html, _ = decode_page(body, ctype)
        except (OSError, ValueError, IngestError) as exc:
            yield IngestFailure(source=source, doc=url, reason=f"cannot read the stored response ({exc})")
            continue
        yield RawArticle(doc=url, source=source, url=url, html=html, raw_sha1=_sha1(body))


def _read_warc_file(path: Path) -> Iterator[RawArticle | IngestFailure]:
    """One RawArticle per HTML response record (status 200) of a web archive, streamed."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    from corpus.scrape.crawl import decode_page

    try:
        with path.open("rb") as f:
            records = ArchiveIterator(f)
            for record in records:
                item = _warc_article(path, records.get_record_offset, record, decode_page)
                if item is not None:
                    yield item
    except (OSError, ArchiveLoadFailed, EOFError, ValueError) as exc:
        yield IngestFailure(source=str(path), doc=path.name, reason=f"cannot read the web archive ({exc})")


def _warc_article(path: Path, offset_of, record, decode_page) -> RawArticle | IngestFailure | None:
    """The article of one WARC record, or None for a record that is not an HTML page.

    ``offset_of`` gives the record's offset in the file, once its body is read (warcio).
    """
    if record.rec_type != "response" or record.http_headers is None:
        return None
    if record.http_headers.get_statuscode() != "200":
        return None
    ctype = record.http_headers.get_header("Content-Type") or ""
    if "html" not in ctype.lower():
        return None
    body = record.content_stream().read()
    offset = offset_of()
    url = record.rec_headers.get_header("WARC-Target-URI") or f"{path.name}#{offset}"
    source = f"{path}#{offset}"
    try:
        html, _ = decode_page(body, ctype)
    except IngestError as exc:
        return IngestFailure(source=source, doc=url, reason=f"cannot decode the page ({exc})")
    # WARC-Date is when the page was crawled, not published: the date comes from the page itself.
    return RawArticle(doc=url, source=source, url=url, html=html, raw_sha1=_sha1(body))
