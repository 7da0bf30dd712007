"""Test doubles for the pipeline tests: a predictable fake extraction and a fake ``dvk`` process.

``fake_extract`` finds records with three regular expressions, so tests can
count what must land in the tables without depending on the real extractors.

Run as a script, this module is ``dvk`` with the Extractor replaced by
:class:`FakeExtractor`; with ``DVK_FAKE_BLOCK_AFTER=N`` the process hangs (as if busy)
once N articles went through, either in the extraction of the next one
(``DVK_FAKE_BLOCK_IN=extract``, the default) or inside the transaction of the
batch that would store more than N, after its ``articles`` rows and before its
records (``DVK_FAKE_BLOCK_IN=transaction``), and writes :data:`BLOCKING` to stderr,
so that a test can kill it at a known point.  ``DVK_FAKE_BATCH=B`` commits B
articles per transaction (and never on time), so the test knows what is committed.
``DVK_FAKE_REAL=<version key>`` keeps the real extractor instead of the fake one, with that
version bumped (a rerun of a real dataset), and ``DVK_FAKE_HANG_SQL`` names the statement the
transaction hangs on (default: the insert of the stats rows).
"""

from __future__ import annotations

import os
import re
import sys
import time

from corpus.records import Article
from extractors.records import Extraction, ModelRecord, Provenance, StatRecord, UnitRecord

STAT_RE = re.compile(r"(\d+) (mô hình|tập thể|cuộc giám sát)")
MODEL_RE = re.compile(r"“([^”]+)”")
UNIT_RE = re.compile(r"\b(quận|huyện|phường|xã) ((?:[A-ZĐ]\w*)(?: [A-ZĐ]\w*)*)")
FAKE = "fake.regex"
FAKE_VERSION = "1"
#: What the fake ``dvk`` writes to stderr when it starts to hang.
BLOCKING = "fake dvk: blocking"


def _hang() -> None:
    print(BLOCKING, file=sys.stderr, flush=True)
    time.sleep(600)


def _prov(m: re.Match, group: int = 0) -> Provenance:
    return Provenance(
        sentence=0, start=m.start(group), end=m.end(group), extractor=FAKE, extractor_version="1"
    )


def fake_extract(self: object, article: Article) -> Extraction:
    """Stats "N mô hình", quoted model names (not the campaign's own), "quận X"-style units.

    Models are listed last-first so that export must sort them back by offset.
    """
    text = article.text
    stats = [
        StatRecord(value=float(m.group(1)), item=m.group(2), evidence=m.group(0), prov=_prov(m))
        for m in STAT_RE.finditer(text)
    ]
    models = [
        ModelRecord(name=m.group(1), evidence=m.group(0), prov=_prov(m))
        for m in MODEL_RE.finditer(text)
        if m.group(1) != "Dân vận khéo"
    ][::-1]
    units = [
        UnitRecord(name=f"{m.group(1)} {m.group(2)}", type=m.group(1), written=m.group(0), prov=_prov(m))
        for m in UNIT_RE.finditer(text)
    ]
    return Extraction(stats=stats, models=models, units=units)


class FakeExtractor:
    """Stands in for ``extractors.pipeline.Extractor``: same API, :func:`fake_extract` inside."""

    def __init__(
        self, tokenizer: str = "underthesea", extractors: str = "rules", version: str | None = None
    ) -> None:
        self.tokenizer = tokenizer
        self.extractors = extractors
        # DVK_FAKE_VERSION stands for an extractor version change (the `dvk rerun` tests)
        version = version or os.environ.get("DVK_FAKE_VERSION", FAKE_VERSION)
        self.versions = {FAKE: version, "tokenizer": tokenizer}

    def extract(self, article: Article) -> Extraction:
        return fake_extract(self, article)


class BlockingExtractor(FakeExtractor):
    """A FakeExtractor that hangs in :meth:`extract` once ``block_after`` articles went through."""

    def __init__(self, tokenizer: str, block_after: int) -> None:
        super().__init__(tokenizer)
        self.block_after = block_after
        self.calls = 0

    def extract(self, article: Article) -> Extraction:
        if self.calls >= self.block_after:
            _hang()
        self.calls += 1
        return super().extract(article)


class _HangOnRecords:
    """A DuckDB connection that never returns from the statement inserting the stats rows."""

    def __init__(self, con: object) -> None:
        self._con = con

    def execute(self, sql: str, *args: object) -> object:
        if sql.startswith(os.environ.get("DVK_FAKE_HANG_SQL", "INSERT INTO stats ")):
            _hang()
        return self._con.execute(sql, *args)

    def __getattr__(self, name: str) -> object:
        return getattr(self._con, name)


def _install_blocking_fake() -> None:
    """Patch orchestration (and, if asked, storage) the way the environment variables say."""
    import pipeline.orchestrate
    import pipeline.storage

    if "DVK_FAKE_BATCH" in os.environ:
        pipeline.storage.BATCH_ARTICLES = int(os.environ["DVK_FAKE_BATCH"])
        pipeline.storage.BATCH_SECONDS = 3600.0
    block_after = int(os.environ.get("DVK_FAKE_BLOCK_AFTER", "0"))
    where = os.environ.get("DVK_FAKE_BLOCK_IN", "extract")
    if where == "extract":
        pipeline.orchestrate.build_extractor = lambda tokenizer, extractors="rules": BlockingExtractor(
            tokenizer, block_after
        )
        return
    if "DVK_FAKE_REAL" in os.environ:
        key, real_build = os.environ["DVK_FAKE_REAL"], pipeline.orchestrate.build_extractor

        def bumped(tokenizer: str, extractors: str = "rules") -> object:
            extractor = real_build(tokenizer, extractors)
            extractor.versions = {**extractor.versions, key: extractor.versions[key] + "+bumped"}
            return extractor

        pipeline.orchestrate.build_extractor = bumped
    else:
        pipeline.orchestrate.build_extractor = FakeExtractor
    original = pipeline.storage.Store.write_batch
    written = {"n": 0}

    def write_then_hang(self: pipeline.storage.Store, writes: list) -> list[bool]:
        if written["n"] + len(writes) > block_after:  # the articles rows go in, then the records hang
            self.con = _HangOnRecords(self.con)  # type: ignore[assignment]
        written["n"] += len(writes)
        return original(self, writes)

    pipeline.storage.Store.write_batch = write_then_hang


if __name__ == "__main__":
    _install_blocking_fake()
    from pipeline.cli import app

    sys.exit(app(prog_name="dvk"))
