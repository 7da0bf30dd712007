"""Tests for the ``dvk`` CLI and the run it drives (pipeline.cli, pipeline.orchestrate).

Most tests invoke the commands in-process with typer's CliRunner and then
query the dataset written.  Tests that check what lands in the record tables
replace ``Extractor.extract`` with ``fakes.fake_extract``; the others use the
real extractor and assume nothing about what it finds.  The resume test runs
``dvk`` (tests/fakes.py) as a subprocess and kills it with SIGKILL.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import typer.main
from conftest import Corpus, rows_stored_twice
from fakes import BLOCKING, FakeExtractor, fake_extract
from typer.testing import CliRunner

from corpus.records import Article
from extractors.records import Extraction
from pipeline.cli import app
from pipeline.orchestrate import Progress, build_extractor, run_pipeline
from pipeline.storage import ARTICLE_TABLES, TABLES, open_store

ROOT = Path(__file__).resolve().parents[1]
FAKES = ROOT / "tests" / "fakes.py"


def dvk(*args: str | Path) -> typer.testing.Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def dump_tables(out: Path, tables: tuple[str, ...] = ARTICLE_TABLES) -> dict[str, list[tuple]]:
    with open_store(out, read_only=True) as store:
        return {t: store.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}


def counts(out: Path) -> dict[str, int]:
    with open_store(out, read_only=True) as store:
        return store.counts()


def expected_fake_counts(out: Path) -> dict[str, int]:
    """What fake_extract finds in the cleaned texts that were stored."""
    totals = {"stats": 0, "models": 0, "units": 0}
    with open_store(out, read_only=True) as store:
        for article_id, text in store.con.execute("SELECT article_id, text FROM articles").fetchall():
            ex = fake_extract(None, Article(article_id=article_id, doc="", source="", text=text))
            for table in totals:
                totals[table] += len(getattr(ex, table))
    return totals


# ---------------------------------------------------------------------------- help and usage errors


def test_every_command_has_help() -> None:
    commands = typer.main.get_command(app).commands
    assert set(commands) >= {"run", "export", "eval"}
    top = dvk("--help")
    assert top.exit_code == 0
    for name, command in commands.items():
        result = dvk(name, "--help")
        assert result.exit_code == 0, name
        assert f"dvk {name}" in result.stdout or "Usage:" in result.stdout
        assert command.help and command.help.split("\n")[0][:30] in " ".join(result.stdout.split())
        assert name in top.stdout


def test_readme_documents_every_command_and_option_and_ci_runs_its_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command in typer.main.get_command(app).commands.items():
        assert f"### `dvk {name}" in readme, name
        for param in command.params:
            for opt in param.opts:
                assert not opt.startswith("--") or opt in readme, (name, opt)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for step in (".venv/bin/pip install -e '.[dev]'", ".venv/bin/pytest -q -n 2"):
        assert step in readme, step
    assert (
        ".venv/bin/pytest -q -n 2" in ci
        and "pip install --quiet --disable-pip-version-check -e '.[dev]'" in ci
    )


def test_missing_input_path_is_exit_2_with_a_clear_message(tmp_path: Path) -> None:
    result = dvk("run", tmp_path / "nope", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "nope" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "args",
    [
        ("run", "{in}", "--out", "{out}", "--tokenizer", "spacy"),
        ("run", "{in}", "--out", "{file}"),
        ("run", "{in}"),
        ("export", "{in}", "--format", "jsonl"),
        ("export", "{ds}", "--format", "xml"),
        ("export", "{ds}", "--format", "csv"),
        ("export", "{ds}", "--format", "csv", "--out", "{file}"),
        ("export", "{ds}", "--format", "jsonl", "--out", "{in}"),
        ("eval", "--gold", "{missing}", "--pred", "{missing}"),
    ],
)
def test_usage_errors_exit_2(args: tuple[str, ...], good_corpus: Corpus, tmp_path: Path) -> None:
    a_file = tmp_path / "a_file.txt"
    a_file.write_text("x")
    ds = tmp_path / "ds"
    with open_store(ds):
        pass
    paths = {
        "in": good_corpus.root,
        "out": tmp_path / "out",
        "file": a_file,
        "ds": ds,
        "missing": tmp_path / "m.jsonl",
    }
    result = dvk(*(a.format(**paths) for a in args))
    assert result.exit_code == 2, result.output
    assert result.stderr.strip()


# ---------------------------------------------------------------------------- run


def test_run_writes_duckdb_and_parquet(good_corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = dvk("run", good_corpus.root, "--out", out)
    assert result.exit_code == 0, result.output
    assert "files found: 4" in result.stdout and "skipped: 1" in result.stdout
    assert f"new: {good_corpus.n_articles}" in result.stdout
    n = counts(out)
    assert (n["articles"], n["runs"], n["failures"]) == (good_corpus.n_articles, 1, 0)
    for table in TABLES:
        assert pq.read_table(out / "parquet" / f"{table}.parquet").num_rows == n[table], table
    with open_store(out, read_only=True) as store:
        run = store.con.execute(
            "SELECT status, n_files, n_skipped_files, n_read, n_new, n_failed FROM runs"
        ).fetchone()
        docs = {r[0] for r in store.con.execute("SELECT doc FROM articles").fetchall()}
    assert run == ("done", 4, 1, good_corpus.n_articles, good_corpus.n_articles, 0)
    assert {"a01_hoang_mai.txt", "a02_ba_vi.txt", "b01_tan_dinh.html"} <= docs
    assert any(d.startswith("https://tin.example.vn/") for d in docs)


def test_run_stores_every_record_with_provenance(
    fake_extraction, good_corpus: Corpus, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert dvk("run", good_corpus.root, "--out", out).exit_code == 0
    n = counts(out)
    expected = expected_fake_counts(out)
    assert expected["stats"] >= 5 and expected["models"] >= 3
    assert {t: n[t] for t in expected} == expected
    with open_store(out, read_only=True) as store:
        bad = store.con.execute(
            'SELECT count(*) FROM stats s JOIN articles a USING (article_id) WHERE substr(a.text, s.start + 1, s."end" - s.start) <> s.evidence'
        ).fetchone()[0]
    assert bad == 0  # offsets point into the stored cleaned text


def test_bad_inputs_are_recorded_and_the_run_goes_on(bad_corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = dvk("run", bad_corpus.root, "--out", out)
    assert result.exit_code == 1, result.output
    assert f"failed: {bad_corpus.n_bad}" in result.stdout
    assert counts(out)["articles"] == bad_corpus.n_articles
    with open_store(out, read_only=True) as store:
        failures = store.con.execute("SELECT doc, source, reason FROM failures ORDER BY doc").fetchall()
        status = store.con.execute("SELECT status, n_failed FROM runs").fetchone()
    assert status == ("done", bad_corpus.n_bad)
    assert len(failures) == bad_corpus.n_bad
    for stem in ("z_binary", "z_broken.jsonl", "z_empty", "z_latin1"):
        assert sum(stem in source for _, source, _ in failures) == 1, stem
    for doc, _, reason in failures:
        stage, _, why = reason.partition(": ")
        assert stage in {"read", "clean"} and len(why) > 5, (doc, reason)
        assert doc in result.stderr


def test_extraction_error_fails_one_article_only(
    monkeypatch: pytest.MonkeyPatch, good_corpus: Corpus, tmp_path: Path
) -> None:
    class Failing(FakeExtractor):
        def extract(self, article: Article) -> Extraction:
            if article.doc == "a02_ba_vi.txt":
                raise RuntimeError("boom in a rule")
            return super().extract(article)

    monkeypatch.setattr("pipeline.orchestrate.build_extractor", Failing)
    out = tmp_path / "out"
    result = dvk("run", good_corpus.root, "--out", out)
    assert result.exit_code == 1
    assert counts(out)["articles"] == good_corpus.n_articles - 1
    with open_store(out, read_only=True) as store:
        assert store.con.execute("SELECT doc, reason FROM failures").fetchall() == [
            ("a02_ba_vi.txt", "extract: RuntimeError: boom in a rule")
        ]
    # fixed extractor, same dataset: only the failed article is new
    monkeypatch.setattr("pipeline.orchestrate.build_extractor", FakeExtractor)
    again = dvk("run", good_corpus.root, "--out", out)
    assert again.exit_code == 0
    assert "new: 1;" in again.stdout and f"unchanged: {good_corpus.n_articles - 1}" in again.stdout


def test_rerun_is_unchanged_and_exports_the_same_bytes(
    fake_extraction, good_corpus: Corpus, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert dvk("run", good_corpus.root, "--out", out).exit_code == 0
    before = dump_tables(out)
    export_1 = dvk("export", out, "--format", "jsonl").stdout_bytes
    again = dvk("run", good_corpus.root, "--out", out)
    assert again.exit_code == 0
    assert f"new: 0; unchanged: {good_corpus.n_articles}; failed: 0" in again.stdout
    assert dump_tables(out) == before
    assert dvk("export", out, "--format", "jsonl").stdout_bytes == export_1
    assert counts(out)["runs"] == 2


def test_changed_article_replaces_its_rows(fake_extraction, good_corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert dvk("run", good_corpus.root, "--out", out).exit_code == 0
    first = counts(out)
    a01 = good_corpus.root / "a01_hoang_mai.txt"
    a01.write_text(
        a01.read_text(encoding="utf-8") + "Quận còn có thêm 7 mô hình mới ở phường Tương Mai.\n", "utf-8"
    )
    result = dvk("run", good_corpus.root, "--out", out)
    assert result.exit_code == 0
    assert (
        "new: 1 (1 replaced)" in result.stdout and f"unchanged: {good_corpus.n_articles - 1}" in result.stdout
    )
    second = counts(out)
    assert second["articles"] == first["articles"]
    assert (second["stats"], second["units"]) == (first["stats"] + 1, first["units"] + 1)
    assert {t: second[t] for t in ("stats", "models", "units")} == expected_fake_counts(out)


def test_new_extractor_versions_re_extract_everything(good_corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run_pipeline([str(good_corpus.root)], out, extractor=FakeExtractor(version="1"))
    second = run_pipeline([str(good_corpus.root)], out, extractor=FakeExtractor(version="2"))
    assert (first.n_new, first.n_replaced) == (good_corpus.n_articles, 0)
    assert (second.n_new, second.n_replaced, second.n_unchanged) == (good_corpus.n_articles,) * 2 + (0,)
    assert {t: counts(out)[t] for t in ("stats", "models", "units")} == expected_fake_counts(out)


def test_run_pipeline_reports_progress(fake_extraction, good_corpus: Corpus, tmp_path: Path) -> None:
    seen: list[Progress] = []
    summary = run_pipeline([str(good_corpus.root)], tmp_path / "out", progress=seen.append)
    assert seen[-1] == Progress(files_done=4, files_total=4, articles_done=good_corpus.n_articles)
    assert [p.files_done for p in seen] == sorted(p.files_done for p in seen)
    assert sum(p.doc is not None for p in seen) == summary.n_read


def test_extractor_is_built_once_per_tokenizer(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []

    class Counting(FakeExtractor):
        def __init__(self, tokenizer: str, extractors: str = "rules") -> None:
            built.append(tokenizer)
            super().__init__(tokenizer, extractors)

    monkeypatch.setattr("extractors.pipeline.Extractor", Counting)
    build_extractor.cache_clear()
    try:
        assert build_extractor("pyvi") is build_extractor("pyvi")
        assert build_extractor("underthesea") is not build_extractor("pyvi")
        assert built == ["pyvi", "underthesea"]
    finally:
        build_extractor.cache_clear()


# ---------------------------------------------------------------------------- resume after a kill


def _write_many(root: Path, n: int) -> None:
    root.mkdir(parents=True)
    for i in range(n):
        (root / f"m{i:03d}.txt").write_text(
            f"Tổ dân phố số {i} chung tay xây dựng khu dân cư văn minh\n"
            f"Năm nay, phường Hòa An có {i + 3} mô hình “Dân vận khéo”, nổi bật là mô hình “Con đường hoa số {i}”.\n",
            encoding="utf-8",
        )


def _wait_for_block(proc: subprocess.Popen, log: Path, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if BLOCKING in log.read_text(encoding="utf-8"):
            return
        if proc.poll() is not None:
            pytest.fail(f"dvk exited early ({proc.returncode}):\n{log.read_text(encoding='utf-8')}")
        time.sleep(0.05)
    pytest.fail(f"dvk did not block within {timeout} s:\n{log.read_text(encoding='utf-8')}")


@pytest.mark.parametrize("block_in", ["extract", "transaction"])
def test_killed_run_resumes_and_stores_every_article_once(
    block_in: str, fake_extraction, tmp_path: Path
) -> None:
    """Two articles per transaction; SIGKILL a run once 5 articles went through (while the 6th is
    being extracted and the 5th waits for its batch, or while the batch of the 5th and 6th is half
    written): the dataset holds the 4 committed articles, whole; rerunning stores each of the 30
    articles exactly once."""
    n_articles, n_before_kill, batch = 30, 5, 2
    n_committed = n_before_kill // batch * batch
    inp, out, log = tmp_path / "in", tmp_path / "out", tmp_path / "stderr.log"
    _write_many(inp, n_articles)
    env = os.environ | {
        "DVK_FAKE_BLOCK_AFTER": str(n_before_kill), "DVK_FAKE_BLOCK_IN": block_in, "DVK_FAKE_BATCH": str(batch),
    }  # fmt: skip
    with log.open("w", encoding="utf-8") as err:
        cmd = [sys.executable, str(FAKES), "-v", "run", str(inp), "--out", str(out)]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        try:
            _wait_for_block(proc, log)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert not (out / "parquet").exists()
    assert log.read_text(encoding="utf-8").count(": stored ") == n_committed  # logged once committed
    killed = counts(out)
    assert killed["articles"] == n_committed
    assert killed["stats"] == n_committed  # one "N mô hình" per article, nothing of the lost batch

    result = dvk("run", inp, "--out", out)
    assert result.exit_code == 0, result.output
    assert f"new: {n_articles - n_committed}; unchanged: {n_committed}; failed: 0" in result.stdout
    n = counts(out)
    assert n["articles"] == n_articles
    assert {t: n[t] for t in ("stats", "models", "units")} == expected_fake_counts(out)
    with open_store(out, read_only=True) as store:
        assert rows_stored_twice(store, ("stats", "models", "units")) == {}
        statuses = [r[0] for r in store.con.execute("SELECT status FROM runs ORDER BY started_at").fetchall()]
    assert statuses == ["interrupted", "done"]


# ---------------------------------------------------------------------------- export and eval


def test_export_jsonl_stdout_and_file_agree(fake_extraction, good_corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert dvk("run", good_corpus.root, "--out", out).exit_code == 0
    to_stdout = dvk("export", out, "--format", "jsonl")
    assert to_stdout.exit_code == 0
    to_file = dvk("export", out, "--format", "jsonl", "--out", tmp_path / "e.jsonl")
    assert to_file.exit_code == 0
    assert (tmp_path / "e.jsonl").read_bytes() == to_stdout.stdout_bytes
    lines = [json.loads(line) for line in to_stdout.stdout_bytes.decode("utf-8").splitlines()]
    assert len(lines) == good_corpus.n_articles
    assert [d["doc"] for d in lines] == sorted(d["doc"] for d in lines)
    assert sum(len(d["stats"]) for d in lines) == counts(out)["stats"]
    assert all(list(d)[:2] == ["doc", "article_id"] for d in lines)


def test_export_csv_writes_one_file_per_table(good_corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert dvk("run", good_corpus.root, "--out", out).exit_code == 0
    result = dvk("export", out, "--format", "csv", "--out", tmp_path / "csv")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == sorted(f"{t}.csv" for t in TABLES)


def test_eval_scores_an_export_against_itself(fake_extraction, good_corpus: Corpus, tmp_path: Path) -> None:
    out, export = tmp_path / "out", tmp_path / "e.jsonl"
    assert dvk("run", good_corpus.root, "--out", out).exit_code == 0
    assert dvk("export", out, "--out", export).exit_code == 0
    result = dvk("eval", "--gold", export, "--pred", export)
    assert result.exit_code == 0, result.output
    stats_line = next(line for line in result.stdout.splitlines() if line.startswith("stats"))
    assert "P=1.000 R=1.000 F1=1.000" in stats_line
    missing = dvk("eval", "--gold", export, "--pred", tmp_path / "none.jsonl")
    assert missing.exit_code == 2 and "none.jsonl" in missing.stderr
