"""robots.txt, fetched once per host and read with protego.

A missing robots.txt (4xx) allows everything; a robots.txt that cannot be fetched (5xx after
retries, timeouts) disallows the whole host for this crawl, as the robots.txt standard
(RFC 9309) asks.  A ``Crawl-delay`` longer than the crawl's interval slows that host down, and
the ``Sitemap:`` lines are offered to discovery.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from protego import Protego

from corpus.scrape.fetch import Fetcher

__all__ = ["RobotsCache", "RobotsRules"]


@dataclass(slots=True)
class RobotsRules:
    """One host's robots.txt: ``parser`` None means allow all, ``unavailable`` disallows all."""

    parser: Protego | None = None
    unavailable: str | None = None
    sitemaps: list[str] = field(default_factory=list)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


class RobotsCache:
    """robots.txt rules per origin, fetched with the crawl's own (polite) fetcher."""

    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher
        self.agent = fetcher.policy.user_agent.split("/")[0]
        self._rules: dict[str, RobotsRules] = {}

    def rules(self, url: str) -> RobotsRules:
        origin = _origin(url)
        if origin not in self._rules:
            self._rules[origin] = self._load(origin)
        return self._rules[origin]

    def _load(self, origin: str) -> RobotsRules:
        result = self.fetcher.get(f"{origin}/robots.txt")
        if result.ok:
            text = result.body.decode("utf-8", errors="replace")
            parser = Protego.parse(text)
            delay = parser.crawl_delay(self.agent)
            if delay:
                self.fetcher.limiter.set_delay(urlsplit(origin).netloc, float(delay))
            return RobotsRules(parser=parser, sitemaps=list(parser.sitemaps))
        if result.status is not None and 400 <= result.status < 500:
            return RobotsRules()
        return RobotsRules(unavailable=f"robots.txt unavailable ({result.error or result.status})")

    def refusal(self, url: str) -> str | None:
        """Why robots.txt forbids ``url`` (None when it may be fetched)."""
        rules = self.rules(url)
        if rules.unavailable:
            return rules.unavailable
        if rules.parser is not None and not rules.parser.can_fetch(url, self.agent):
            return "disallowed by robots.txt"
        return None

    def sitemaps(self, url: str) -> list[str]:
        return list(self.rules(url).sitemaps)
