"""dvk's news crawler: discover, fetch politely, extract and store articles for ``dvk run``.

Modules, one job each: :mod:`~corpus.scrape.fetch` (HTTP with politeness, retries and caps),
:mod:`~corpus.scrape.robots` (robots.txt), :mod:`~corpus.scrape.discover` (sitemaps, feeds,
section links, URL filters, canonical URLs), :mod:`~corpus.scrape.frontier` (the on-disk
frontier), :mod:`~corpus.scrape.store` (WARC files and the catalogue),
:mod:`~corpus.scrape.adapters` (per-site CSS selector configs) and
:mod:`~corpus.scrape.crawl` (the crawl itself).  Importing this package imports none of them.
"""
