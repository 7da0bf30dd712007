"""A run collects young objects less often while it lasts, and puts the process's setting back."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from fakes import FakeExtractor

from corpus.records import Article
from extractors.records import Extraction
from pipeline import batch_gc as bg
from pipeline.orchestrate import run_pipeline
from pipeline.rerun import rerun_pipeline


@pytest.fixture(autouse=True)
def _default_thresholds():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_the_setting_holds_inside_and_is_put_back_after():
    with bg.batch_gc():
        assert gc.get_threshold() == (bg.YOUNG_THRESHOLD, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_it_is_put_back_after_an_error_too():
    with pytest.raises(RuntimeError), bg.batch_gc(5000):
        assert gc.get_threshold()[0] == 5000
        raise RuntimeError("boom")
    assert gc.get_threshold() == (700, 10, 10)


def test_a_higher_threshold_of_the_process_is_kept():
    gc.set_threshold(50_000, 20, 30)
    with bg.batch_gc():
        assert gc.get_threshold() == (50_000, 20, 30)
    assert gc.get_threshold() == (50_000, 20, 30)


class _Watching(FakeExtractor):
    """Records the collector's youngest threshold while each article is extracted."""

    seen: list[int]

    def extract(self, article: Article) -> Extraction:
        self.seen.append(gc.get_threshold()[0])
        return super().extract(article)


def test_a_run_and_a_rerun_extract_under_the_setting(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"a{i}.txt").write_text(
            f"Tin số {i}\nXã Hòa An có {i + 2} mô hình dân vận khéo.\n", encoding="utf-8"
        )
    ex = _Watching()
    ex.seen = []
    run_pipeline([str(src)], tmp_path / "ds", extractor=ex)
    assert ex.seen == [bg.YOUNG_THRESHOLD] * 3
    assert gc.get_threshold() == (700, 10, 10)
    again = _Watching(version="another")
    again.seen = []
    rerun_pipeline(tmp_path / "ds", extractor=again)
    assert again.seen == [bg.YOUNG_THRESHOLD] * 3
    assert gc.get_threshold() == (700, 10, 10)


def test_a_pool_process_keeps_the_setting_for_its_life():
    bg.tune_for_batches()
    assert gc.get_threshold() == (bg.YOUNG_THRESHOLD, 10, 10)
    gc.set_threshold(50_000, 10, 10)
    bg.tune_for_batches()
    assert gc.get_threshold()[0] == 50_000
