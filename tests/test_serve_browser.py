"""Browser test of ``dvk serve``: a real server process over the demo dataset, driven in headless Chromium.

Playwright for Python drives Debian's Chromium (``/usr/bin/chromium``, installed by ``.ci/run``
with apt-get; no browser is ever downloaded).  The test opens the stats table, applies a
province facet, searches a model name typed without diacritics, follows the row to its
article, opens the dashboard's chart, and saves screenshots in ``test-artifacts/``.  In CI
(``CI`` set) a missing Chromium fails the test; elsewhere it skips.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from demo_dataset import ROOT, copy_dataset, demo_dataset

from pipeline.dataset import fold

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ARTIFACTS = ROOT / "test-artifacts"


def _need_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, proc: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"dvk serve exited with {proc.returncode}: {proc.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"dvk serve did not answer {url} within {timeout} s")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``dvk serve`` on a free local port over a copy of the demo dataset: (base URL, sqlite path)."""
    _need_chromium()
    dataset = copy_dataset(demo_dataset(tmp_path_factory), tmp_path_factory.mktemp("served"))
    port = _free_port()
    cmd = [
        sys.executable,
        "-c",
        "from pipeline.cli import main; main()",
        "serve",
        str(dataset),
        "--port",
        str(port),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(f"{base}/-/versions.json", proc)
        yield base, dataset / "dvk.sqlite"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture(scope="module")
def page(served: tuple[str, Path]) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.set_default_timeout(20_000)
            yield context.new_page()
        finally:
            browser.close()


def _one(db: Path, sql: str, *params: object) -> tuple:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql, params).fetchone()
    finally:
        con.close()


def test_serve_in_a_browser(served: tuple[str, Path], page) -> None:
    """One server, one browser (both cost seconds): the table walk, the chart, the canned search."""
    _browse_facet_search_and_follow_a_row_to_its_article(served, page)
    _dashboard_draws_the_main_series(served, page)
    _search_query_works_with_and_without_diacritics(served)


def _browse_facet_search_and_follow_a_row_to_its_article(served: tuple[str, Path], page) -> None:
    base, db = served
    ARTIFACTS.mkdir(exist_ok=True)

    # the stats table, with its metadata
    page.goto(f"{base}/dvk/stats")
    (n_stats,) = _one(db, "SELECT count(*) FROM stats")
    assert f"{n_stats:,} rows" in page.inner_text("body")
    assert "sentence_text" in page.inner_text("table.rows-and-columns thead")

    # a province facet: the most frequent province, clicked in its facet list
    province, n_province = _one(
        db,
        "SELECT province, count(*) FROM stats WHERE province IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1",
    )
    page.locator('.facet-info[data-column="province"] li a', has_text=province).first.click()
    page.wait_for_url("**province=*")
    body = page.inner_text("body")
    assert f"{n_province} row" in body and province in body
    shown = page.locator("table.rows-and-columns td.col-province").all_inner_texts()
    assert shown and set(shown) == {province}
    page.screenshot(path=str(ARTIFACTS / "serve-stats-facet.png"), full_page=False)

    # full-text search for a model name typed without diacritics (đ included when there is one)
    name, article_id, title = _one(
        db,
        "SELECT m.name, m.article_id, a.title FROM models m JOIN articles a USING (article_id) "
        "ORDER BY instr(lower(m.name), 'đ') = 0, length(m.name) LIMIT 1",
    )
    typed = fold(name)
    assert typed != name.lower()
    page.goto(f"{base}/dvk/models")
    page.fill("input#_search", typed)
    page.press("input#_search", "Enter")
    page.wait_for_url("**_search=*")
    names = page.locator("table.rows-and-columns td.col-name").all_inner_texts()
    assert name in names
    page.screenshot(path=str(ARTIFACTS / "serve-search.png"), full_page=False)

    # follow the row to its article: the article_id cell links to the article, labelled by its title
    row = page.locator(
        "table.rows-and-columns tbody tr", has=page.locator("td.col-name", has_text=name)
    ).first
    row.locator("td.col-article_id a").first.click()
    page.wait_for_url(f"**/dvk/articles/{article_id}")
    body = page.inner_text("body")
    assert title in body
    assert name in body  # the article's text holds the model's name
    page.screenshot(path=str(ARTIFACTS / "serve-article.png"), full_page=False)


def _dashboard_draws_the_main_series(served: tuple[str, Path], page) -> None:
    base, _ = served
    page.goto(f"{base}/-/dashboards/campaign")
    assert "Named models per province and year" in page.inner_text("body")
    chart = page.locator("#chart-models-by-province-year")
    chart.locator("svg, canvas").first.wait_for(state="attached")
    box = chart.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 50
    page.screenshot(path=str(ARTIFACTS / "serve-dashboard.png"), full_page=True)


def _search_query_works_with_and_without_diacritics(served: tuple[str, Path]) -> None:
    import json

    base, db = served
    (province,) = _one(db, "SELECT province FROM models WHERE instr(province, 'Đ') > 0 LIMIT 1")
    hits = {}
    for q in (province, fold(province)):
        url = f"{base}/dvk/search.json?_shape=array&q={urllib.parse.quote(q)}"
        with urllib.request.urlopen(url, timeout=10) as resp:
            hits[q] = json.loads(resp.read())
    assert hits[province] and hits[province] == hits[fold(province)]
