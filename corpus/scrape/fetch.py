"""Polite, bounded HTTP fetching: one GET at a time per host, with every cap a crawler needs.

:class:`Fetcher` wraps an ``httpx.Client`` and adds

- an honest User-Agent naming dvk (:data:`USER_AGENT`);
- a per-host rate limit (default 1 request/s, every request counts: retries and robots.txt too);
- only ``http``/``https`` URLs, redirects followed by hand (at most ``max_redirects``, loops detected,
  each hop checked by the caller's ``allowed`` callback, e.g. robots.txt);
- separate connect and read timeouts; a size cap per response (the decoded body, so a gzip bomb
  stops at the cap too);
- retries, at most ``max_retries``, on 429, 5xx, timeouts and broken connections, waiting
  ``Retry-After`` when the server sends one (capped at ``max_retry_after``) and otherwise an
  exponential backoff with jitter;
- conditional requests: ``If-None-Match`` / ``If-Modified-Since`` from an earlier fetch's
  ``ETag`` / ``Last-Modified``; a 304 answer is reported as ``not_modified``.

A failure never raises: :class:`FetchResult.error` says why the URL could not be fetched.
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from pipeline import __version__

__all__ = ["USER_AGENT", "FetchResult", "Fetcher", "FetchPolicy", "RateLimiter", "retry_after_seconds"]

USER_AGENT = (
    f"dvk/{__version__} (news research crawler for the Dan van kheo campaign tables; obeys robots.txt)"
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """The politeness and safety settings of a crawl (defaults are what ``dvk scrape`` uses)."""

    rate: float = 1.0  # requests per second per host
    user_agent: str = USER_AGENT
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    max_retries: int = 3
    backoff: float = 1.0  # first backoff in seconds, doubled each retry, with jitter
    max_backoff: float = 60.0
    max_retry_after: float = 120.0


@dataclass(slots=True)
class FetchResult:
    """The outcome of one GET (after redirects and retries)."""

    url: str
    final_url: str
    status: int | None = None
    reason: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    error: str | None = None  # why the URL could not be fetched; None when it was
    attempts: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        return self.error is None and self.status == 304

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


class RateLimiter:
    """At most ``rate`` requests per second per host: :meth:`wait` sleeps until the host's turn."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / rate
        self._next: dict[str, float] = {}
        self._delays: dict[str, float] = {}
        self._clock = clock
        self._lock = threading.Lock()

    def set_delay(self, host: str, seconds: float) -> None:
        """A longer interval for one host (a robots.txt Crawl-delay)."""
        self._delays[host] = max(seconds, self.interval)

    def wait(self, host: str) -> None:
        with self._lock:
            now = self._clock()
            at = max(now, self._next.get(host, now))
            self._next[host] = at + self._delays.get(host, self.interval)
        if at > now:
            time.sleep(at - now)


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), None when absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class _TooLarge(Exception):
    pass


class Fetcher:
    """GET URLs politely; see the module docstring.  Use as a context manager or call :meth:`close`."""

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self.limiter = RateLimiter(self.policy.rate)
        self._sleep = sleep
        timeout = httpx.Timeout(
            self.policy.read_timeout, connect=self.policy.connect_timeout, pool=self.policy.connect_timeout
        )
        self.client = httpx.Client(
            headers={"User-Agent": self.policy.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=timeout,
            follow_redirects=False,
            transport=transport,
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one URL --------------------------------------------------------------------------------
    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        allowed: Callable[[str], str | None] | None = None,
    ) -> FetchResult:
        """GET ``url`` following redirects; ``allowed(url)`` returns a reason to refuse a hop, or None."""
        result = FetchResult(url=url, final_url=url)
        seen = {url}
        current = url
        for _hop in range(self.policy.max_redirects + 1):
            if (bad := _bad_scheme(current)) is not None:
                result.error = bad
                return result
            if allowed is not None and current != url and (why := allowed(current)) is not None:
                result.error = f"redirect to {current}: {why}"
                return result
            headers = {}
            if current == url and etag:
                headers["If-None-Match"] = etag
            if current == url and last_modified:
                headers["If-Modified-Since"] = last_modified
            self._get_with_retries(current, headers, result)
            result.final_url = current
            if result.error is not None or result.status not in (301, 302, 303, 307, 308):
                return result
            location = result.header("location")
            if not location:
                result.error = f"HTTP {result.status} redirect without a Location"
                return result
            current = urljoin(current, location)
            if current in seen:
                result.error = f"redirect loop ({current} again)"
                return result
            seen.add(current)
        result.error = f"too many redirects (more than {self.policy.max_redirects})"
        return result

    def _get_with_retries(self, url: str, headers: dict[str, str], result: FetchResult) -> None:
        host = urlsplit(url).netloc.lower()
        for attempt in range(self.policy.max_retries + 1):
            self.limiter.wait(host)
            result.attempts += 1
            wait, error = self._attempt(url, headers, result)
            result.error = error
            if wait is None:
                return
            if attempt == self.policy.max_retries:
                result.error = error or f"HTTP {result.status} after {result.attempts} attempts"
                return
            self._sleep(wait if wait > 0 else self._backoff(attempt))

    def _backoff(self, attempt: int) -> float:
        base = min(self.policy.max_backoff, self.policy.backoff * 2**attempt)
        return base * random.uniform(0.5, 1.5)

    def _attempt(
        self, url: str, headers: dict[str, str], result: FetchResult
    ) -> tuple[float | None, str | None]:
        """One request: (seconds to wait before a retry, or None for no retry; error reason)."""
        result.status, result.headers, result.body, result.reason = None, [], b"", ""
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                result.status = response.status_code
                result.reason = response.reason_phrase
                result.headers = list(response.headers.multi_items())
                if response.status_code in RETRY_STATUSES:
                    response.close()
                    after = retry_after_seconds(response.headers.get("retry-after"))
                    wait = min(after, self.policy.max_retry_after) if after is not None else 0.0
                    return wait, f"HTTP {response.status_code}"
                result.body = self._read_capped(response)
        except _TooLarge:
            return None, f"response larger than {self.policy.max_bytes} bytes"
        except httpx.TimeoutException as exc:
            return 0.0, f"timeout ({type(exc).__name__})"
        except httpx.RemoteProtocolError as exc:
            return 0.0, f"truncated or broken response ({exc})"
        except httpx.TransportError as exc:
            return 0.0, f"network error ({type(exc).__name__}: {exc})"
        except httpx.HTTPError as exc:
            return None, f"HTTP error ({type(exc).__name__}: {exc})"
        if result.status is not None and result.status >= 400:
            return None, f"HTTP {result.status} {result.reason}".strip()
        return None, None

    def _read_capped(self, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.policy.max_bytes:
            raise _TooLarge
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():  # decoded: a gzip bomb is capped on its output
            size += len(chunk)
            if size > self.policy.max_bytes:
                raise _TooLarge
            chunks.append(chunk)
        return b"".join(chunks)


def _bad_scheme(url: str) -> str | None:
    scheme = urlsplit(url).scheme.lower()
    return None if scheme in ("http", "https") else f"unsupported URL scheme {scheme or '(none)'!r}"
