"""Tests for the local scale-out engine, the keyword prefilter and WARC input.

pipeline.engines (``--workers N``), corpus.prefilter and corpus.ingest's WARC reader.
A 2-worker run must store exactly what a 1-worker run stores: the JSONL export of the
sample corpus is compared byte for byte (real extractor, pyvi: the faster one to load).
The Dask engine is tested in tests/test_engine_dask.py.
"""

from __future__ import annotations

import copy
import gzip
import io
import json
import shutil
import zlib
from pathlib import Path

import pytest
from conftest import Corpus, write_bad_corpus, write_good_corpus
from fakes import FakeExtractor
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from corpus.ingest import discover_inputs, read_inputs
from corpus.prefilter import DEFAULT_TERMS, Prefilter, fold, load_prefilter, parse_terms
from corpus.records import RawArticle
from pipeline.cli import app
from pipeline.engines import ScaleOptions, in_order, partition_count
from pipeline.errors import BadOptionError
from pipeline.export import export_jsonl
from pipeline.orchestrate import build_extractor, run_pipeline
from pipeline.rerun import rerun_pipeline
from pipeline.storage import open_store

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpus" / "samples"
SHARED = ROOT / ".." / "shared"

RELEVANT_PAGE = (
    "<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'>"
    "<title>Xã Tân Lập nhân rộng mô hình dân vận khéo</title></head><body>"
    "<article><h1>Xã Tân Lập nhân rộng mô hình dân vận khéo</h1>"
    "<p>Năm 2024, xã Tân Lập có 12 mô hình dân vận khéo được công nhận và nhân rộng.</p>"
    "<p>Mô hình “Đường hoa tự quản” do hội phụ nữ xã duy trì mỗi tháng một lần.</p>"
    "<p>Các hộ dân trong thôn đều hưởng ứng và cùng nhau chăm sóc tuyến đường.</p>"
    "</article></body></html>"
)
IRRELEVANT_PAGE = (
    "<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'>"
    "<title>Giá vàng hôm nay tăng nhẹ</title></head><body>"
    "<article><h1>Giá vàng hôm nay tăng nhẹ</h1>"
    "<p>Sáng nay, giá vàng miếng trong nước tăng thêm một chút so với hôm qua.</p>"
    "<p>Các chuyên gia cho rằng thị trường sẽ còn biến động trong tuần tới.</p>"
    "</article></body></html>"
)


def dvk(*args: str | Path):
    return CliRunner().invoke(app, [str(a) for a in args])


def export_bytes(out: Path) -> bytes:
    path = out.parent / f"{out.name}.jsonl"
    export_jsonl(out, path)
    return path.read_bytes()


def table(out: Path, sql: str) -> list[tuple]:
    with open_store(out, read_only=True) as store:
        return store.con.execute(sql).fetchall()


# -- local engine: 2 workers store what 1 worker stores ------------------------------------------
@pytest.fixture(scope="module")
def serial_samples(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, object]:
    out = tmp_path_factory.mktemp("serial") / "ds"
    summary = run_pipeline([str(SAMPLES)], out, "pyvi")
    return export_bytes(out), summary


def test_two_workers_export_the_same_bytes_as_one(serial_samples, tmp_path: Path) -> None:
    reference, serial = serial_samples
    out = tmp_path / "ds"
    summary = run_pipeline([str(SAMPLES)], out, "pyvi", scale=ScaleOptions(workers=2))
    assert export_bytes(out) == reference
    assert len(reference.splitlines()) == serial.n_new == summary.n_new == 16
    assert (summary.n_read, summary.n_failed, summary.n_unchanged) == (
        serial.n_read,
        serial.n_failed,
        serial.n_unchanged,
    )
    assert summary.rows == serial.rows
    again = run_pipeline([str(SAMPLES)], out, "pyvi", scale=ScaleOptions(workers=2))
    assert (again.n_unchanged, again.n_new) == (16, 0)  # skipped by the workers, before extraction


def test_two_workers_record_the_same_failures_in_the_same_order(fake_extraction, tmp_path: Path) -> None:
    corpus: Corpus = write_bad_corpus(tmp_path / "in")
    one, two = tmp_path / "one", tmp_path / "two"
    s1 = run_pipeline([str(corpus.root)], one)
    s2 = run_pipeline([str(corpus.root)], two, scale=ScaleOptions(workers=2))
    query = "SELECT source, doc, reason FROM failures ORDER BY rowid"
    assert table(one, query) == table(two, query)
    assert len(table(two, query)) == corpus.n_bad
    assert (s2.n_new, s2.n_failed) == (s1.n_new, s1.n_failed) == (corpus.n_articles, corpus.n_bad)
    assert export_bytes(one) == export_bytes(two)


# -- reruns on the local engine: 2 workers store what the writer's own process stores -------------
def _old_versions(extractor, key: str = "dvk.rules"):
    """A copy of ``extractor`` with other versions: a dataset it made is stale for ``extractor``."""
    old = copy.copy(extractor)
    old.versions = {**extractor.versions, key: extractor.versions[key] + "+old"}
    return old


def test_a_rerun_on_two_workers_stores_what_a_rerun_in_one_process_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extractor = build_extractor("pyvi")
    run_pipeline([str(SAMPLES)], tmp_path / "one", extractor=_old_versions(extractor))
    shutil.copytree(tmp_path / "one", tmp_path / "two")
    one = rerun_pipeline(tmp_path / "one", extractor=extractor)
    two = rerun_pipeline(tmp_path / "two", extractor=extractor, scale=ScaleOptions(workers=2))
    assert export_bytes(tmp_path / "two") == export_bytes(tmp_path / "one")
    assert (two.n_read, two.n_new, two.n_unchanged, two.n_failed) == (16, 16, 0, 0)
    assert (one.n_read, one.n_new, one.n_unchanged, one.n_failed, one.rows) == (
        two.n_read, two.n_new, two.n_unchanged, two.n_failed, two.rows,
    )  # fmt: skip
    layers = "SELECT article_id, data FROM layers ORDER BY article_id"
    assert table(tmp_path / "two", layers) == table(tmp_path / "one", layers)
    # every component changed again, the records did not: the workers' articles keep their rows
    newer = _old_versions(extractor, "dvk.rules")
    kept = rerun_pipeline(tmp_path / "two", extractor=newer, scale=ScaleOptions(workers=2))
    assert kept.n_new == 16 and export_bytes(tmp_path / "two") == export_bytes(tmp_path / "one")
    assert table(tmp_path / "two", "SELECT DISTINCT run_id FROM stats") == [(kept.run_id,)]
    import pipeline.engines

    def no_pool(*a, **k):
        raise AssertionError("a pool started with nothing to re-extract")

    monkeypatch.setattr(pipeline.engines, "_local_pool", no_pool)
    again = rerun_pipeline(tmp_path / "two", extractor=newer, scale=ScaleOptions(workers=2))
    assert (again.n_new, again.n_unchanged) == (0, 16)


class _FailsOnSome(FakeExtractor):
    """A fake extractor (another version) that fails on the articles whose text hashes to 0 mod 3."""

    def __init__(self) -> None:
        super().__init__(version="2")

    def extract(self, article):
        if zlib.crc32(article.text.encode("utf-8")) % 3 == 0:
            raise ValueError("no good")
        return super().extract(article)


def test_a_rerun_on_two_workers_records_the_same_failures_in_the_same_order(
    fake_extraction, tmp_path: Path
) -> None:
    corpus = write_good_corpus(tmp_path / "in")
    run_pipeline([str(corpus.root)], tmp_path / "one")
    shutil.copytree(tmp_path / "one", tmp_path / "two")
    before = export_bytes(tmp_path / "one")
    one = rerun_pipeline(tmp_path / "one", extractor=_FailsOnSome())
    two = rerun_pipeline(tmp_path / "two", extractor=_FailsOnSome(), scale=ScaleOptions(workers=2))
    texts = [t for (t,) in table(tmp_path / "one", "SELECT text FROM articles")]
    n_bad = sum(zlib.crc32(t.encode("utf-8")) % 3 == 0 for t in texts)
    assert 0 < n_bad < corpus.n_articles
    query = "SELECT source, doc, reason FROM failures ORDER BY rowid"
    assert table(tmp_path / "two", query) == table(tmp_path / "one", query)
    assert {r for (*_, r) in table(tmp_path / "two", query)} == {"extract: ValueError: no good"}
    assert (two.n_new, two.n_failed) == (one.n_new, one.n_failed) == (corpus.n_articles - n_bad, n_bad)
    # the failed articles keep their rows: the fake's records do not depend on its version
    assert export_bytes(tmp_path / "two") == export_bytes(tmp_path / "one") == before


def test_cli_rerun_takes_workers_and_refuses_a_scheduler_without_dask(
    fake_extraction, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = write_good_corpus(tmp_path / "in")
    assert dvk("run", corpus.root, "--out", tmp_path / "ds").exit_code == 0
    monkeypatch.setenv("DVK_FAKE_VERSION", "2")
    result = dvk("rerun", tmp_path / "ds", "--workers", "2")
    assert result.exit_code == 0, result.output
    assert "articles stored: 5; re-extracted: 5; unchanged: 0; failed: 0" in result.stdout
    refused = dvk("rerun", tmp_path / "ds", "--scheduler", "tcp://127.0.0.1:1")
    assert refused.exit_code == 2 and "--scheduler needs --engine dask" in refused.output
    assert dvk("rerun", tmp_path / "ds", "--workers", "0").exit_code == 2
    no_spool = dvk("rerun", tmp_path / "ds", "--spool", tmp_path / "spool")
    assert no_spool.exit_code == 2 and "--spool needs --engine dask" in no_spool.output
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    bad = dvk(
        "run", corpus.root, "--out", tmp_path / "ds2", "--engine", "dask", "--spool", tmp_path / "a-file"
    )
    assert bad.exit_code == 2 and "cannot make the spool folder" in bad.output  # before any cluster starts


def test_in_order_keeps_the_order_given_and_at_most_window_futures_unsettled() -> None:
    from concurrent.futures import Future

    submitted: list[int] = []

    def futures():
        for i in range(10):
            submitted.append(i)
            f: Future = Future()
            f.set_result(i * i)
            yield i, f

    seen = []
    for tag, result in in_order(futures(), 3):
        assert len(submitted) - len(seen) <= 4  # this one, and at most 3 more in flight
        seen.append((tag, result))
    assert seen == [(i, i * i) for i in range(10)]


def test_scale_options_reject_bad_values() -> None:
    with pytest.raises(BadOptionError):
        ScaleOptions(workers=0)
    with pytest.raises(BadOptionError):
        ScaleOptions(engine="spark")
    with pytest.raises(BadOptionError):
        ScaleOptions(scheduler="tcp://127.0.0.1:8786")
    assert not ScaleOptions().parallel and ScaleOptions(workers=2).parallel
    assert ScaleOptions(engine="dask").parallel


def test_partition_count_is_bounded_by_files_and_workers() -> None:
    assert partition_count(1, 8) == 1
    assert partition_count(0, 2) == 1
    assert partition_count(1000, 2) == 8
    assert partition_count(5, 2) == 5


# -- the prefilter -------------------------------------------------------------------------------
def test_fold_removes_marks_case_and_keeps_words_apart() -> None:
    assert fold("DÂN VẬN Khéo, hoà Đông") == "dan van kheo, hoa dong"
    assert fold("dân\u00a0vận") == "dan van"  # a no-break space is a space
    decomposed = "Dân vận".encode().decode()  # noqa: UP012 - same text, to compare with the NFD form
    import unicodedata

    assert fold(unicodedata.normalize("NFD", decomposed)) == fold(decomposed)


def test_prefilter_matches_variants_and_rejects_other_news() -> None:
    p = Prefilter(("dân vận khéo",))
    assert p.matches("Phong trào DÂN VẬN\nKHÉO ở cơ sở")
    assert not p.matches("Giá vàng hôm nay tăng nhẹ")
    assert Prefilter().keeps(RawArticle(doc="x", source="x", html="<p>d&acirc;n&nbsp;v&#7853;n</p>"))
    assert not Prefilter().keeps(RawArticle(doc="x", source="x", text="Giá vàng tăng nhẹ"))
    assert Prefilter().keeps(RawArticle(doc="x", source="x", title="Mô hình hay", text="..."))
    with pytest.raises(ValueError):
        Prefilter(("  ",))


def test_terms_file(tmp_path: Path) -> None:
    path = tmp_path / "terms.txt"
    path.write_text("# campaign terms\nnông thôn mới  # a comment\n\ndân vận\n", encoding="utf-8")
    assert parse_terms(path.read_text(encoding="utf-8").splitlines()) == ("nông thôn mới", "dân vận")
    assert load_prefilter(path).matches("xây dựng NÔNG THÔN MỚI")
    (tmp_path / "empty.txt").write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(ValueError):
        load_prefilter(tmp_path / "empty.txt")


def _gold_with_stats(path: Path) -> set[str]:
    docs = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            if rec.get("stats"):
                docs.add(rec["doc"])
    return docs


def _raw_articles(folder: Path) -> dict[str, RawArticle]:
    found = {}
    for path in discover_inputs([str(folder)]).files:
        for item in read_inputs(path):
            if isinstance(item, RawArticle):
                found[item.doc] = item
    return found


def test_prefilter_recall_is_one_on_the_sample_corpus() -> None:
    wanted = _gold_with_stats(SAMPLES / "gold.jsonl")
    articles = _raw_articles(SAMPLES)
    assert wanted and wanted <= set(articles)
    dropped = sorted(d for d in wanted if not Prefilter().keeps(articles[d]))
    assert dropped == []


def test_prefilter_recall_is_one_on_the_development_set() -> None:
    if not SHARED.is_dir():
        pytest.skip("../shared (the development set) is not beside the repository")
    checked = 0
    for gold, folder in (
        (SHARED / "gold" / "seeds.jsonl", SHARED / "seeds"),
        (SHARED / "dev" / "gold.jsonl", SHARED / "dev" / "articles"),
    ):
        wanted = _gold_with_stats(gold)
        articles = _raw_articles(folder)
        assert wanted <= set(articles), f"{gold}: articles missing in {folder}"
        dropped = sorted(d for d in wanted if not Prefilter().keeps(articles[d]))
        assert dropped == [], f"the prefilter drops gold articles of {gold}"
        checked += len(wanted)
    assert checked >= 40


def test_default_terms_are_the_campaigns() -> None:
    assert {"dân vận", "dân vận khéo", "mô hình"} <= set(DEFAULT_TERMS)


# -- WARC input ----------------------------------------------------------------------------------
def _response(writer: WARCWriter, url: str, body: bytes, ctype: str, status: str = "200 OK"):
    headers = StatusAndHeaders(
        status, [("Content-Type", ctype), ("Content-Length", str(len(body)))], protocol="HTTP/1.1"
    )
    return writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)


def write_warc(path: Path, gz: bool = True) -> None:
    """A web archive: a relevant page, an irrelevant page, an image, a redirect and a request."""
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "dvk tests"}))
        writer.write_record(
            _response(
                writer,
                "https://tin.example.vn/tan-lap.html",
                RELEVANT_PAGE.encode(),
                "text/html; charset=utf-8",
            )
        )
        writer.write_record(
            _response(writer, "https://tin.example.vn/anh.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")
        )
        writer.write_record(
            _response(
                writer, "https://tin.example.vn/cu.html", b"", "text/html", status="301 Moved Permanently"
            )
        )
        writer.write_record(
            writer.create_warc_record(
                "https://tin.example.vn/gia-vang.html",
                "request",
                payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"),
            )
        )
        writer.write_record(
            _response(writer, "https://tin.example.vn/gia-vang.html", IRRELEVANT_PAGE.encode(), "text/html")
        )


@pytest.mark.parametrize("name", ["cc-news.warc.gz", "plain.warc"])
def test_warc_html_responses_become_articles(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    write_warc(path, gz=name.endswith(".gz"))
    assert discover_inputs([str(tmp_path)]).files == [path]
    items = list(read_inputs(path))
    assert [type(i).__name__ for i in items] == ["RawArticle", "RawArticle"]
    assert [i.doc for i in items] == [
        "https://tin.example.vn/tan-lap.html",
        "https://tin.example.vn/gia-vang.html",
    ]
    assert "12 mô hình" in items[0].html and items[0].url == items[0].doc
    assert items[0].source.startswith(f"{path}#")


def test_warc_run_prefilters_by_default(fake_extraction, tmp_path: Path) -> None:
    write_warc(tmp_path / "in" / "a.warc.gz") if (tmp_path / "in").mkdir() is None else None
    summary = run_pipeline([str(tmp_path / "in")], tmp_path / "out")
    assert (summary.n_read, summary.n_filtered, summary.n_new, summary.n_failed) == (2, 1, 1, 0)
    assert table(tmp_path / "out", "SELECT doc FROM articles") == [("https://tin.example.vn/tan-lap.html",)]
    everything = run_pipeline(
        [str(tmp_path / "in")], tmp_path / "all", scale=ScaleOptions(warc_prefilter=False)
    )
    assert (everything.n_filtered, everything.n_new) == (0, 2)


def test_cli_prefilter_and_workers(fake_extraction, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    write_warc(tmp_path / "in" / "a.warc.gz")
    (tmp_path / "in" / "b.txt").write_text(
        "Giá rau hôm nay giảm\nGiá rau ở chợ đầu mối giảm mạnh trong sáng nay.\n", encoding="utf-8"
    )
    terms = tmp_path / "terms.txt"
    terms.write_text("giá vàng\n", encoding="utf-8")
    result = dvk("run", tmp_path / "in", "--out", tmp_path / "out", "--prefilter", terms, "--workers", "2")
    assert result.exit_code == 0, result.output
    assert "filtered: 2" in result.output  # the relevant page and b.txt do not name "giá vàng"
    assert table(tmp_path / "out", "SELECT doc FROM articles") == [("https://tin.example.vn/gia-vang.html",)]
    result = dvk("run", tmp_path / "in", "--out", tmp_path / "o2", "--no-prefilter")
    assert result.exit_code == 0 and "filtered" not in result.output
    assert (
        dvk("run", tmp_path / "in", "--out", tmp_path / "o3", "--prefilter", tmp_path / "no.txt").exit_code
        == 2
    )
    assert dvk("run", tmp_path / "in", "--out", tmp_path / "o4", "--workers", "0").exit_code == 2
    assert dvk("run", tmp_path / "in", "--out", tmp_path / "o5", "--scheduler", "tcp://x:1").exit_code == 2


def test_warc_files_of_a_scrape_store_are_read_through_its_catalogue(tmp_path: Path) -> None:
    store = tmp_path / "parent" / "store"
    (store / "warc").mkdir(parents=True)
    (store / "dvk-scrape.json").write_text("{}", encoding="utf-8")
    (store / "catalogue.sqlite").write_bytes(b"")
    with gzip.open(store / "warc" / "0a.warc.gz", "wb") as f:
        f.write(b"")
    plan = discover_inputs([str(tmp_path / "parent")])
    assert plan.files == [store / "catalogue.sqlite"]
