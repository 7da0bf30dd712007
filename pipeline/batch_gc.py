"""The garbage collector's setting for a batch of articles: collect young objects less often.

Extracting an article makes and drops thousands of small containers (matches, tuples,
records).  CPython collects its youngest generation every 700 net new ones, and each tenth
of those collections goes on to the middle generation, each tenth of those to the whole heap
(some 230,000 long-lived objects once spaCy, the backends and the gazetteer are loaded).  On
the development articles with pyvi that came to 0.5–0.65 ms of ~12 per article (270
collections over 400 articles); with the youngest generation's threshold at 10,000 it is
~0.15 ms (18 collections).  Cycles are still found and freed, a few articles later.  Measured
with ``gc.callbacks`` (docs/benchmarks.md, "Garbage collection").

:func:`batch_gc` applies the setting for the length of a run (or of a partition on a Dask
worker) and puts back whatever was there before; it never lowers a higher threshold that the
process set itself.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: How many net new container objects between two collections of the youngest generation.
YOUNG_THRESHOLD = 10_000


@contextmanager
def batch_gc(threshold: int = YOUNG_THRESHOLD) -> Iterator[None]:
    """Within the block, the youngest generation is collected every ``threshold`` net allocations."""
    before = gc.get_threshold()
    gc.set_threshold(max(threshold, before[0]), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def tune_for_batches(threshold: int = YOUNG_THRESHOLD) -> None:
    """The same setting for the rest of the process (a worker process of dvk's own pool)."""
    before = gc.get_threshold()
    gc.set_threshold(max(threshold, before[0]), *before[1:])
