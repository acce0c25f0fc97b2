"""Polite HTTP fetching: robots.txt, per-host pacing, retries, caps, and no SSRF.

The only module of watcher that makes HTTP requests. It drives urllib3 directly, not
requests: requests' own layers cost more CPU than the HTTP itself, and the crawl is
CPU-bound. `Fetcher.fetch` never raises for network or HTTP trouble: it returns a
FetchResult whose outcome is "ok", "not_modified", "blocked" (robots.txt or the redirect
policy forbids the URL; asking again will not help) or "failed" (with a human reason in
`error`).
"""

from __future__ import annotations

import codecs
import contextlib
import email.utils
import ipaddress
import logging
import os
import random
import re
import socket
import ssl
import threading
import time
import urllib.request
import urllib.robotparser
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import certifi
import urllib3
import urllib3.exceptions
from urllib3.response import BaseHTTPResponse
from urllib3.util import Url, make_headers, parse_url
from urllib3.util.ssl_ import create_urllib3_context

log = logging.getLogger(__name__)

HTML_TYPES: frozenset[str] = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
FEED_TYPES: frozenset[str] = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/xml", "text/xml"}
)

OUTCOMES: tuple[str, ...] = ("ok", "not_modified", "blocked", "failed")

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# 501 and 505 say the server will never do it; every other 5xx may pass.
PERMANENT_SERVER_ERRORS = frozenset({501, 505})

READ_CHUNK = 64 * 1024
CHARSET_SNIFF_BYTES = 4096
ROBOTS_MAX_BYTES = 512 * 1024  # Google reads the first 500 KiB; more is not a robots file
ROBOTS_MAX_REDIRECTS = 5
# A host whose robots.txt could not be read is left alone for this long ("this time").
ROBOTS_ERROR_TTL = 300.0
CARRIER_GRADE_NAT = ipaddress.ip_network("100.64.0.0/10")

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Browsers read these labels as windows-1252 (WHATWG Encoding), and so do real pages:
# "iso-8859-1" pages routinely hold curly quotes at 0x93 and 0x94.
_WINDOWS_1252_ALIASES = frozenset({"latin_1", "ascii", "iso8859_1"})


@dataclass(frozen=True)
class FetchRequest:
    """One URL to fetch, with what we know of it from the last fetch."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    trusted: bool = True  # a configured URL: its own host is trusted, even on a private address
    allowed_hosts: frozenset[str] = frozenset()  # other hosts it may redirect to ("host[:port]")
    accept: frozenset[str] = HTML_TYPES  # media types worth reading


@dataclass(frozen=True)
class Attempt:
    """One HTTP request made for a fetch, measured."""

    url: str
    status: int | None
    bytes: int
    duration: float
    error: str | None


@dataclass(frozen=True)
class FetchResult:
    """What came of one fetch."""

    url: str  # the URL asked for
    final_url: str  # after redirects
    outcome: str  # "ok" | "not_modified" | "blocked" | "failed"
    status: int | None
    body: bytes | None
    text: str | None  # body decoded
    content_type: str | None  # media type, lower case, without parameters
    etag: str | None
    last_modified: str | None
    bytes: int
    duration: float
    error: str | None  # a clear human reason when the outcome is not "ok"/"not_modified"
    attempts: int  # requests made for the URL (retries and redirect hops; robots.txt aside)
    encoding: str | None = None  # the codec `text` was decoded with
    history: tuple[Attempt, ...] = ()

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


class _Stop(Exception):
    """Ends a fetch with this outcome and reason."""

    def __init__(self, outcome: str, error: str, status: int | None = None) -> None:
        super().__init__(error)
        self.outcome = outcome
        self.error = error
        self.status = status


class _NotNow(_Stop):
    """The host may not be asked yet (Retry-After, pacing); nothing was requested."""

    def __init__(self, error: str) -> None:
        super().__init__("failed", error)


class _Transient(Exception):
    """A failure worth retrying: connection trouble, 429, most 5xx."""

    def __init__(
        self, error: str, retry_after: float | None = None, status: int | None = None
    ) -> None:
        super().__init__(error)
        self.error = error
        self.retry_after = retry_after
        self.status = status


@dataclass
class _Answer:
    url: str
    status: int
    headers: urllib3.HTTPHeaderDict
    body: bytes | None  # None when not read (redirects, 304, errors)
    content_type: str | None = None  # the header, read once: each header look-up costs


@dataclass
class _Progress:
    """What one fetch has done so far; becomes the FetchResult."""

    final_url: str
    attempts: list[Attempt] = field(default_factory=list)
    status: int | None = None


@dataclass
class _RobotsRules:
    parser: urllib.robotparser.RobotFileParser | None  # None: see allow_all
    allow_all: bool
    unreachable: str | None  # why robots.txt could not be read; nothing is fetched then
    expires: float


@dataclass
class _HostState:
    """Pacing and rate-limit state of one host.

    `lock` guards the fields and signals a freed connection: a request holds one of the
    host's connections from its pacing wait to its last byte. A host with a delay between
    requests gets one at a time; a host without one gets a few at once.
    """

    lock: threading.Condition = field(default_factory=threading.Condition)
    in_flight: int = 0  # requests holding a connection to the host now
    next_request_at: float = float("-inf")
    not_before: float = float("-inf")  # from a Retry-After
    crawl_delay: float = 0.0
    robots: dict[str, _RobotsRules] = field(default_factory=dict)  # by scheme
    robots_lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class _Deadline:
    """When a fetch must be over, on the Fetcher's clock."""

    at: float


class _Target(NamedTuple):
    """A URL about to be requested, split once: every check of a hop reads these parts."""

    url: str  # without its fragment
    scheme: str
    netloc: str
    hostname: str  # lower case; "" when the URL names no host


Resolver = Callable[..., list[tuple]]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Fetcher:
    """A good-citizen HTTP client: pooled connections, paced and robots-aware per host."""

    def __init__(
        self,
        user_agent: str,
        *,
        connect_timeout: float = 10.0,
        read_timeout: float = 30.0,
        deadline: float = 60.0,
        max_bytes: int = 10 * 2**20,
        max_redirects: int = 5,
        min_host_delay: float = 1.0,
        retries: int = 3,
        backoff_base: float = 1.0,
        backoff_cap: float = 30.0,
        max_retry_after: float = 3600.0,
        max_inline_wait: float = 5.0,
        max_host_wait: float = 60.0,
        obey_robots: bool = True,
        robots_ttl: float = 3600.0,
        pool_size: int = 16,
        max_host_connections: int = 4,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        resolve: Resolver = socket.getaddrinfo,
        allowed_networks: Iterable[Network] = (),
    ) -> None:
        if not user_agent.strip():
            raise ValueError("a User-Agent naming the tool and a contact is required")
        self.user_agent = user_agent
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.min_host_delay = min_host_delay
        self.retries = retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_retry_after = max_retry_after
        self.max_inline_wait = max_inline_wait
        self.max_host_wait = max_host_wait
        self.obey_robots = obey_robots
        self.robots_ttl = robots_ttl
        # Parallel requests to one host, only ever when it asks for no delay between them.
        self.max_host_connections = max(1, min(max_host_connections, pool_size))
        self.clock = clock
        self.sleep = sleep
        self.resolve = resolve
        # Addresses here pass the R22 check although they are not public: a lab or a test.
        self.allowed_networks = tuple(allowed_networks)
        self._random = random.Random()
        self._hosts: dict[str, _HostState] = {}
        self._hosts_lock = threading.Lock()
        # What requests sent before we used urllib3 directly: servers see the same client.
        # Only the codings urllib3 decodes without optional packages are offered.
        self._headers = {
            "User-Agent": user_agent,
            "Accept-Encoding": "gzip, deflate",
            "Accept": "*/*",
            "Connection": "keep-alive",
        }
        self._pool_size = pool_size
        # Loaded at the first HTTPS request: a crawl of plain-HTTP sites never pays for it.
        self._tls: tuple[ssl.SSLContext, str | None] | None = None
        self._tls_lock = threading.Lock()
        # We retry and follow redirects ourselves, so that every attempt is paced, checked
        # and measured; bodies are streamed by _read_body.
        self._pools = urllib3.PoolManager(num_pools=pool_size, maxsize=pool_size, retries=False)
        # urllib3 would build these anew for every request from plain values. Made once,
        # they are shared safely: a Retry is never changed (increment returns a new one),
        # and a pool clones the Timeout it is given before starting its clock.
        self._no_retries = urllib3.Retry(total=False, redirect=False)
        self._full_timeout = urllib3.Timeout(connect=connect_timeout, read=read_timeout)
        # The environment's proxy for each scheme://host, looked up once per host, and
        # one pool manager per proxy.
        self._proxies: dict[tuple[str | None, str | None, int | None], str | None] = {}
        self._proxy_managers: dict[str, urllib3.PoolManager] = {}
        self._proxy_managers_lock = threading.Lock()

    def close(self) -> None:
        """Close the pooled connections."""
        self._pools.clear()
        with self._proxy_managers_lock:
            for manager in self._proxy_managers.values():
                manager.clear()
            self._proxy_managers.clear()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # The public entry points.

    def fetch(self, request: FetchRequest) -> FetchResult:
        """Fetch one URL politely; never raises for network or HTTP trouble."""
        started = self.clock()
        progress = _Progress(final_url=request.url)
        try:
            answer = self._follow_redirects(request, progress, _Deadline(started + self.deadline))
        except _Stop as stop:
            log.warning("%s %s: %s", stop.outcome, request.url, stop.error)
            return self._result(request, progress, started, stop.outcome, error=stop.error)
        except Exception as exc:  # a bug must not take the whole crawl down with it
            log.exception("unexpected error fetching %s", request.url)
            error = f"internal error: {type(exc).__name__}: {exc}"
            return self._result(request, progress, started, "failed", error=error)
        if answer.status == 304:
            return self._result(request, progress, started, "not_modified", answer=answer)
        return self._decoded_result(request, progress, started, answer)

    def _follow_redirects(
        self, request: FetchRequest, progress: _Progress, deadline: _Deadline
    ) -> _Answer:
        target = _split_target(request.url)
        own_host = target.hostname if request.trusted else None
        headers = _conditional_headers(request)
        seen = {target.url}
        for _hop in range(self.max_redirects + 1):
            progress.final_url = target.url
            address = self._check_target(target, own_host, request.allowed_hosts)
            if self.obey_robots:
                self._check_robots(target, own_host, request.allowed_hosts, deadline, address)
            answer = self._get_with_retries(
                target, headers, request.accept, progress, deadline, address
            )
            if answer.status not in REDIRECT_STATUSES:
                return answer
            location = answer.headers.get("Location")
            if not location:
                raise _Stop("failed", f"HTTP {answer.status} without a Location header")
            next_target = _split_target(urljoin(target.url, location.strip()))
            if next_target.url in seen:
                raise _Stop("failed", f"redirect loop: {target.url} -> {next_target.url}")
            seen.add(next_target.url)
            log.debug("redirect %s -> %s", target.url, next_target.url)
            target = next_target
        raise _Stop("failed", f"too many redirects (> {self.max_redirects})")

    def _check_target(
        self, target: _Target, own_host: str | None, allowed_hosts: frozenset[str]
    ) -> str | None:
        """Refuse, before any request, a URL we must not ask for (R22: no SSRF).

        Returns the address the request must connect to: the one the check approved, for
        any host but the configured URL's own (None: that host is resolved as usual).
        """
        url = target.url
        if target.scheme not in ("http", "https"):
            raise _Stop("blocked", f"refused {url}: only http and https URLs are fetched")
        if not target.hostname:
            raise _Stop("failed", f"no host in URL {url}")
        if target.hostname == own_host:
            return None
        vetting = _vet_host(target.netloc, allowed_hosts, self.resolve, self.allowed_networks)
        if vetting.reason:
            raise _Stop("blocked", f"refused {url}: {vetting.reason}")
        return vetting.address

    # robots.txt

    def _check_robots(
        self,
        target: _Target,
        own_host: str | None,
        allowed_hosts: frozenset[str],
        deadline: _Deadline,
        address: str | None,
    ) -> None:
        rules = self._robots_rules(
            target.scheme, target.netloc, own_host, allowed_hosts, deadline, address
        )
        if rules.unreachable:
            raise _Stop("failed", f"not fetched: {rules.unreachable}")
        if rules.parser is None:
            if rules.allow_all:
                return
            raise _Stop("blocked", "robots.txt denies access to everything (it answered 401/403)")
        if not rules.parser.can_fetch(self.user_agent, target.url):
            raise _Stop("blocked", "disallowed by robots.txt")

    def _robots_rules(
        self,
        scheme: str,
        netloc: str,
        own_host: str | None,
        allowed_hosts: frozenset[str],
        deadline: _Deadline,
        address: str | None,
    ) -> _RobotsRules:
        state = self._host_state(netloc)
        # One thread reads a host's robots.txt; the others wait for its answer.
        with state.robots_lock:
            rules = state.robots.get(scheme)
            if rules is not None and rules.expires > self.clock():
                return rules
            rules = self._read_robots(scheme, netloc, own_host, allowed_hosts, deadline, address)
            state.robots[scheme] = rules
        crawl_delay = 0.0
        if rules.parser is not None:
            delay = rules.parser.crawl_delay(self.user_agent)
            crawl_delay = float(delay) if delay is not None else 0.0
        with state.lock:
            if crawl_delay != state.crawl_delay:
                # The robots.txt request itself was paced by the old delay.
                old_delay = self._delay_of(state)
                state.crawl_delay = crawl_delay
                state.next_request_at += self._delay_of(state) - old_delay
        return rules

    def _read_robots(
        self,
        scheme: str,
        netloc: str,
        own_host: str | None,
        allowed_hosts: frozenset[str],
        deadline: _Deadline,
        address: str | None,
    ) -> _RobotsRules:
        """Read robots.txt of the host just checked, at the address its check approved."""
        url = urlunsplit((scheme, netloc, "/robots.txt", "", ""))
        target = _split_target(url)
        for _hop in range(ROBOTS_MAX_REDIRECTS + 1):
            try:
                answer = self._attempt(target, {}, None, None, deadline, ROBOTS_MAX_BYTES, address)
            except _Transient as trouble:
                return self._robots_unreachable(url, trouble.error)
            except _NotNow:
                raise
            except _Stop as stop:
                return self._robots_unreachable(url, stop.error)
            if answer.status in REDIRECT_STATUSES and answer.headers.get("Location"):
                try:
                    next_target = _split_target(urljoin(url, answer.headers["Location"].strip()))
                    address = self._check_target(next_target, own_host, allowed_hosts)
                except _Stop as refusal:
                    # We cannot read it, and the site did not say no: as if it had none.
                    log.info("robots.txt of %s: %s; treated as absent", netloc, refusal.error)
                    return self._robots_parsed(None, allow_all=True)
                target = next_target
                url = target.url
                continue
            if answer.status in (401, 403):
                log.info("robots.txt of %s answered %s: nothing allowed", netloc, answer.status)
                return self._robots_parsed(None, allow_all=False)
            if 200 <= answer.status < 300:
                parser = urllib.robotparser.RobotFileParser(url)
                lines = (answer.body or b"").decode("utf-8", errors="replace").splitlines()
                parser.parse(lines)
                return self._robots_parsed(parser, allow_all=False)
            # 404, 410 and other 4xx: the site has no rules for us.
            return self._robots_parsed(None, allow_all=True)
        return self._robots_parsed(None, allow_all=True)

    def _robots_parsed(
        self, parser: urllib.robotparser.RobotFileParser | None, allow_all: bool
    ) -> _RobotsRules:
        return _RobotsRules(parser, allow_all, None, self.clock() + self.robots_ttl)

    def _robots_unreachable(self, url: str, error: str) -> _RobotsRules:
        log.warning("cannot read %s (%s): nothing fetched from that host for now", url, error)
        reason = f"robots.txt unreachable ({error})"
        return _RobotsRules(None, False, reason, self.clock() + ROBOTS_ERROR_TTL)

    # Retries, pacing and one request.

    def _get_with_retries(
        self,
        target: _Target,
        headers: dict[str, str],
        accept: frozenset[str],
        progress: _Progress,
        deadline: _Deadline,
        address: str | None,
    ) -> _Answer:
        error = ""
        for attempt in range(1, self.retries + 2):
            try:
                return self._attempt(
                    target, headers, accept, progress, deadline, self.max_bytes, address
                )
            except _Transient as trouble:
                error = trouble.error
                retry_after = trouble.retry_after
            if retry_after is not None and retry_after > self.max_inline_wait:
                # _attempt recorded the host's "not before"; no worker sleeps through it.
                raise _Stop("failed", f"{error}; {self._rate_limit_text(target.netloc)}")
            if attempt > self.retries:
                break
            wait = retry_after if retry_after is not None else self._backoff(attempt)
            if self.clock() + wait >= deadline.at:
                raise _Stop("failed", f"{error}; no time left to retry within the deadline")
            log.info("%s: %s; retry %d in %.1f s", target.url, error, attempt, wait)
            self.sleep(wait)
        raise _Stop("failed", f"{error} (after {self.retries + 1} attempts)")

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter: somewhere in the upper half of base * 2^n."""
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        return ceiling * (0.5 + 0.5 * self._random.random())

    def _attempt(
        self,
        target: _Target,
        headers: dict[str, str],
        accept: frozenset[str] | None,
        progress: _Progress | None,
        deadline: _Deadline,
        max_bytes: int,
        address: str | None,
    ) -> _Answer:
        """One paced request; reads the body of a 2xx answer. Raises _Transient or _Stop."""
        url = target.url
        state = self._host_state(target.netloc)
        self._take_turn(state, target.netloc, deadline)
        ended: float | None = None  # set once a request was made
        try:
            now = self.clock()
            if now < state.not_before:
                raise _NotNow(self._rate_limit_text(target.netloc))
            # Only a paced host has a wait here, and then this request is its only one.
            wait = state.next_request_at - now
            if wait > 0:
                if wait > self.max_host_wait or now + wait >= deadline.at:
                    raise _NotNow(
                        f"{target.netloc} asks for {self._delay_of(state):g} s "
                        f"between requests; the next one may start in {wait:.0f} s"
                    )
                self.sleep(wait)
            started = self.clock()
            status: int | None = None
            nbytes = 0
            error: str | None = None
            try:
                answer = self._request(url, headers, accept, deadline, max_bytes, address)
                status = answer.status
                nbytes = len(answer.body or b"")
                if status == 429 or (status >= 500 and status not in PERMANENT_SERVER_ERRORS):
                    retry_after = parse_retry_after(
                        answer.headers.get("Retry-After"),
                        answer.headers.get("Date"),
                        self.max_retry_after,
                    )
                    if retry_after is not None:
                        state.not_before = max(state.not_before, self.clock() + retry_after)
                    raise _Transient(f"HTTP {status}", retry_after, status)
                return answer
            except (_Transient, _Stop) as trouble:
                status = trouble.status or status
                error = str(trouble)
                raise
            finally:
                ended = self.clock()
                if progress is not None:
                    progress.status = status
                    progress.attempts.append(Attempt(url, status, nbytes, ended - started, error))
                log.debug("GET %s -> %s, %d bytes, %.2f s", url, status, nbytes, ended - started)
        finally:
            self._end_turn(state, ended)

    def _take_turn(self, state: _HostState, netloc: str, deadline: _Deadline) -> None:
        """Take one of the host's connections for a request; _end_turn gives it back.

        A host with a delay between requests (the default, or its robots.txt Crawl-delay)
        has one: its requests go one at a time, each `delay` after the previous one ended.
        A host with no delay has up to `max_host_connections` at once: the lock is held
        only to take and give back a connection, never while a request is on the wire.

        The deadline bounds this fetch's own time on the wire (R9): time spent queueing
        behind another fetch's slow request to the same host moves it later, else one page
        that never finishes would fail every other page of its host. The queueing itself is
        bounded by max_host_wait, and each request ahead by its own deadline.
        """
        queued_at: float | None = None
        with state.lock:
            while state.in_flight >= self._connections_of(state):
                if queued_at is None:
                    queued_at = self.clock()
                    give_up_at = time.monotonic() + self.max_host_wait  # waits in real time
                left = give_up_at - time.monotonic()
                if left <= 0:
                    raise _NotNow(
                        f"{netloc} was busy with other requests for {self.max_host_wait:g} s"
                    )
                state.lock.wait(left)
            state.in_flight += 1
        # A fetch that found a connection free queued only for the lock, which is never
        # held while a request is on the wire: its deadline needs no moving.
        if queued_at is not None:
            deadline.at += max(0.0, self.clock() - queued_at)

    def _end_turn(self, state: _HostState, ended: float | None) -> None:
        """Give the host's connection back; after a request (`ended`), pace the next one."""
        with state.lock:
            if ended is not None:
                state.next_request_at = ended + self._delay_of(state)
            state.in_flight -= 1
            state.lock.notify()

    def _connections_of(self, state: _HostState) -> int:
        return 1 if self._delay_of(state) > 0 else self.max_host_connections

    def _delay_of(self, state: _HostState) -> float:
        return max(self.min_host_delay, state.crawl_delay)

    def _request(
        self,
        url: str,
        headers: dict[str, str],
        accept: frozenset[str] | None,
        deadline: _Deadline,
        max_bytes: int,
        address: str | None,
    ) -> _Answer:
        """One request; to `address`, when given, rather than to a fresh lookup of the host."""
        remaining = deadline.at - self.clock()
        if remaining <= 0:
            raise _Stop("failed", f"deadline of {self.deadline:g} s exceeded")
        if remaining >= self.connect_timeout and remaining >= self.read_timeout:
            timeout = self._full_timeout
        else:
            timeout = urllib3.Timeout(
                connect=min(self.connect_timeout, remaining), read=min(self.read_timeout, remaining)
            )
        try:
            response = self._send(url, headers, timeout, address)
        except urllib3.exceptions.NewConnectionError as exc:
            # A kind of ConnectTimeoutError to urllib3, but a refusal or a DNS failure to us.
            raise _Transient(f"connection failed: {_root_cause(exc)}") from exc
        except urllib3.exceptions.TimeoutError as exc:
            if remaining < max(self.connect_timeout, self.read_timeout):
                # The wait was cut short by the deadline, not by the server being slow.
                self._stop_if_past_deadline(deadline)
            raise _Transient(_describe_timeout(exc, timeout)) from exc
        except ValueError as exc:
            # A URL, header or proxy that cannot be sent (urllib3's LocationValueError and
            # kin): asking again will not help.
            raise _Stop("failed", f"request failed: {_root_cause(exc)}") from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise _Transient(f"connection failed: {_root_cause(exc)}") from exc
        status = response.status
        answer = _Answer(url, status, response.headers, None, response.headers.get("Content-Type"))
        try:
            if 200 <= status < 300:
                content_type = _media_type(answer.content_type)
                if accept is not None and content_type and content_type not in accept:
                    raise _Stop("failed", f"unsupported content type {content_type}", status)
                try:
                    answer.body = self._read_body(
                        response, deadline, max_bytes, timeout.read_timeout or self.read_timeout
                    )
                except (_Stop, _Transient) as trouble:
                    trouble.status = status
                    raise
            elif status != 304:
                _discard(response)  # an unread body: this connection cannot be reused
                return answer
        except BaseException:
            _discard(response)
            raise
        # The body was read to its end (a 304 has none): the connection goes back to the
        # pool for the next request to the host.
        response.release_conn()
        return answer

    def _send(
        self,
        url: str,
        headers: dict[str, str],
        timeout: urllib3.Timeout,
        address: str | None,
    ) -> BaseHTTPResponse:
        """Send a GET and return the response with its body unread; urllib3 errors pass."""
        parts = parse_url(url)
        sent = {**self._headers, **headers}
        user, password = _credentials(parts)
        if user or password:
            # Credentials in a URL become Basic authentication, as requests made them.
            credentials = f"{user}:{password}"
            sent["Authorization"] = make_headers(basic_auth=credentials)["authorization"]
        pool_kwargs: dict[str, Any] = {}
        if parts.scheme == "https":
            context, problem = self._tls_context()
            if problem:
                raise _Stop("failed", problem)
            pool_kwargs["ssl_context"] = context
        options: dict[str, Any] = {
            "headers": sent,
            "timeout": timeout,
            "retries": self._no_retries,
            "redirect": False,
            "assert_same_host": False,
            "preload_content": False,
        }
        proxy = self._proxy_for(parts)
        if proxy is not None:
            # Through a proxy, the proxy resolves the host and connects: we cannot choose
            # its address, so the request names the host as usual. Whoever configures a
            # proxy makes it the gate for where requests may go.
            return self._proxy_manager(proxy).urlopen("GET", url, **options)
        if address is None:
            pool = self._pools.connection_from_host(
                parts.host, parts.port, parts.scheme, pool_kwargs=pool_kwargs
            )
        else:
            # R22: connect to the address the check approved, not to a fresh lookup of the
            # name (DNS rebinding could answer 127.0.0.1 this time). The Host header names
            # the host; over TLS, SNI and the certificate check use its name too. The name
            # is part of the pool's key: a pool holds connections to one address for one
            # name.
            sent["Host"] = parts.netloc or ""
            if parts.scheme == "https":
                pool_kwargs["server_hostname"] = parts.host
            pool = self._pools.connection_from_host(
                address, parts.port, parts.scheme, pool_kwargs=pool_kwargs
            )
        return pool.urlopen("GET", parts.request_uri, **options)

    def _tls_context(self) -> tuple[ssl.SSLContext, str | None]:
        """The verifying TLS context, and why it cannot verify if it cannot; made once."""
        with self._tls_lock:
            if self._tls is None:
                self._tls = _tls_context()
            return self._tls

    def _proxy_for(self, parts: Url) -> str | None:
        """The environment's proxy for this URL's host, looked up once per host."""
        key = (parts.scheme, parts.host, parts.port)  # plain fields: Url.netloc is computed
        if key not in self._proxies:
            self._proxies[key] = _environ_proxy(parts.scheme or "http", parts.host, parts.port)
        return self._proxies[key]

    def _proxy_manager(self, proxy: str) -> urllib3.PoolManager:
        """The pool manager that sends requests through this proxy, made once."""
        with self._proxy_managers_lock:
            manager = self._proxy_managers.get(proxy)
            if manager is not None:
                return manager
            proxy_url = parse_url(proxy if "://" in proxy else f"http://{proxy}")
            if not proxy_url.host:
                raise _Stop("failed", f"request failed: the proxy URL {proxy} names no host")
            options: dict[str, Any] = {
                "num_pools": self._pool_size,
                "maxsize": self._pool_size,
                "retries": False,
                "ssl_context": self._tls_context()[0],
            }
            user, password = _credentials(proxy_url)
            if (proxy_url.scheme or "").startswith("socks"):
                try:
                    from urllib3.contrib.socks import SOCKSProxyManager
                except ImportError as exc:
                    raise _Stop(
                        "failed", "request failed: a SOCKS proxy needs the PySocks package"
                    ) from exc
                manager = SOCKSProxyManager(proxy_url.url, user, password, **options)
            else:
                proxy_headers = {}
                if user:
                    basic = make_headers(proxy_basic_auth=f"{user}:{password or ''}")
                    proxy_headers = {"Proxy-Authorization": basic["proxy-authorization"]}
                manager = urllib3.ProxyManager(
                    proxy_url.url, proxy_headers=proxy_headers, **options
                )
            self._proxy_managers[proxy] = manager
            return manager

    def _read_body(
        self, response: BaseHTTPResponse, deadline: _Deadline, max_bytes: int, socket_wait: float
    ) -> bytes:
        """Stream the decoded body, stopping at the size cap and at the deadline.

        `socket_wait` is the read timeout urllib3 left on the socket for the response.
        """
        declared = response.headers.get("Content-Length", "")
        # An encoded body's length says nothing of its decoded size.
        plain = _content_coding(response.headers) == ""
        if plain and declared.isdigit() and int(declared) > max_bytes:
            raise _Stop("failed", f"too large (> {max_bytes} bytes)")
        chunks: list[bytes] = []
        total = 0
        while True:
            remaining = deadline.at - self.clock()
            if remaining <= 0:
                raise _Stop("failed", f"deadline of {self.deadline:g} s exceeded")
            if remaining < socket_wait:
                # A read may wait socket_wait for its first byte: cut it to the deadline.
                # While more time remains than that, a silent server is a read timeout
                # before the deadline comes, and the socket is left as it is (a system
                # call per chunk saved). The wait only ever shrinks, so setting it once
                # per step down is enough.
                socket_wait = remaining
                _limit_socket_wait(response, socket_wait)
            try:
                # read1 returns what has arrived, so a trickle cannot hold us past the
                # deadline; decompression is bounded by the chunk size, so a bomb cannot
                # balloon in memory before the cap sees it.
                chunk = response.read1(READ_CHUNK, decode_content=True)
            except urllib3.exceptions.DecodeError as exc:
                coding = _content_coding(response.headers)
                raise _Stop("failed", f"cannot decode the {coding} body: {exc}") from exc
            except urllib3.exceptions.ReadTimeoutError as exc:
                if socket_wait < self.read_timeout:
                    self._stop_if_past_deadline(deadline)
                raise _Transient(f"read timeout while receiving the body: {exc}") from exc
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                raise _Transient(f"connection broke while receiving the body: {exc}") from exc
            if not chunk:
                return b"".join(chunks)
            total += len(chunk)
            if total > max_bytes:
                raise _Stop("failed", f"too large (> {max_bytes} bytes)")
            chunks.append(chunk)
            if plain and response.length_remaining == 0:
                # The declared length has arrived, and urllib3 closed the raw stream on
                # reading its last byte: one more read would only return b"" (a plain body
                # leaves nothing behind in a decoder). The connection is reusable as is.
                return b"".join(chunks)

    def _stop_if_past_deadline(self, deadline: _Deadline) -> None:
        # A socket wait cut to the deadline may wake a hair early; that is the deadline too.
        if self.clock() >= deadline.at - 0.05:
            raise _Stop("failed", f"deadline of {self.deadline:g} s exceeded")

    # Bookkeeping.

    def _host_state(self, netloc: str) -> _HostState:
        key = netloc.lower()
        # A dict read is atomic; only a new host needs the lock, so that two threads
        # meeting it at once share one state.
        state = self._hosts.get(key)
        if state is not None:
            return state
        with self._hosts_lock:
            state = self._hosts.get(key)
            if state is None:
                state = self._hosts[key] = _HostState()
            return state

    def _rate_limit_text(self, netloc: str) -> str:
        state = self._host_state(netloc)
        wait = max(0.0, state.not_before - self.clock())
        until = datetime.fromtimestamp(time.time() + wait, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"rate limited by {netloc} until {until} ({wait:.0f} s from now)"

    def _result(
        self,
        request: FetchRequest,
        progress: _Progress,
        started: float,
        outcome: str,
        *,
        answer: _Answer | None = None,
        error: str | None = None,
        body: bytes | None = None,
        text: str | None = None,
        encoding: str | None = None,
    ) -> FetchResult:
        if answer is None:
            headers = urllib3.HTTPHeaderDict()
            content_type = None
        else:
            headers = answer.headers
            content_type = _media_type(answer.content_type)
        return FetchResult(
            url=request.url,
            final_url=progress.final_url,
            outcome=outcome,
            status=progress.status,
            body=body,
            text=text,
            content_type=content_type,
            # A 304 may omit the validators; the ones we sent still hold.
            etag=headers.get("ETag") or (request.etag if outcome == "not_modified" else None),
            last_modified=headers.get("Last-Modified")
            or (request.last_modified if outcome == "not_modified" else None),
            bytes=len(body) if body is not None else 0,
            duration=self.clock() - started,
            error=error,
            attempts=len(progress.attempts),
            encoding=encoding,
            history=tuple(progress.attempts),
        )

    def _decoded_result(
        self, request: FetchRequest, progress: _Progress, started: float, answer: _Answer
    ) -> FetchResult:
        if not 200 <= answer.status < 300:
            error = f"HTTP {answer.status}"
            log.warning("failed %s: %s", request.url, error)
            return self._result(request, progress, started, "failed", answer=answer, error=error)
        body = answer.body or b""
        problem = None
        if not body:
            problem = "empty body"
        elif _looks_binary(body):
            problem = "the body is binary data, not text"
        if problem:
            log.warning("failed %s: %s", request.url, problem)
            return self._result(request, progress, started, "failed", answer=answer, error=problem)
        text, encoding = _decode(body, answer.content_type)
        return self._result(
            request, progress, started, "ok", answer=answer, body=body, text=text, encoding=encoding
        )


# Pure helpers, public where other stages or tests may use them.


def unsafe_host_reason(
    netloc: str,
    allowed_hosts: frozenset[str],
    resolve: Resolver = socket.getaddrinfo,
    allowed_networks: Iterable[Network] = (),
) -> str | None:
    """Why a host we were not configured with must not be contacted, or None when it may."""
    return _vet_host(netloc, allowed_hosts, resolve, tuple(allowed_networks)).reason


class _Vetting(NamedTuple):
    reason: str | None  # why the host must not be contacted; None when it may
    address: str | None  # when it may: the approved address to connect to


def _vet_host(
    netloc: str,
    allowed_hosts: frozenset[str],
    resolve: Resolver,
    allowed_networks: tuple[Network, ...],
) -> _Vetting:
    parts = urlsplit(f"//{netloc}")
    hostname = (parts.hostname or "").lower()
    allowed = {host.lower() for host in allowed_hosts}
    if hostname not in allowed and netloc.lower() not in allowed:
        return _Vetting(f"{hostname} is not one of the source's allowed hosts", None)
    try:
        addresses = [info[4][0] for info in resolve(hostname, parts.port or 80)]
    except (OSError, UnicodeError) as exc:
        return _Vetting(f"cannot resolve {hostname}: {exc}", None)
    if not addresses:
        return _Vetting(f"cannot resolve {hostname}", None)
    # Every address must pass, not only the one we connect to: each is the host too.
    for address in sorted(set(addresses)):
        kind = _non_public_kind(address, allowed_networks)
        if kind:
            return _Vetting(f"{hostname} resolves to {kind} address {address}", None)
    # We connect to this one address only, without the fallback between address families
    # a connection by name has; IPv4 is the family that every network routes.
    pinned = next((address for address in addresses if ":" not in address), addresses[0])
    return _Vetting(None, pinned)


def _non_public_kind(address: str, allowed_networks: tuple[Network, ...] = ()) -> str | None:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in network for network in allowed_networks):
        return None
    if ip.is_loopback:
        return "a loopback"
    if ip.is_link_local:
        return "a link-local"
    if ip.is_unspecified:
        return "an unspecified"
    if ip.is_multicast:
        return "a multicast"
    if isinstance(ip, ipaddress.IPv4Address) and ip in CARRIER_GRADE_NAT:
        return "a carrier-grade NAT"
    if ip.is_private or ip.is_reserved or not ip.is_global:
        return "a private"
    return None


def parse_retry_after(
    value: str | None, date_header: str | None = None, max_wait: float = 3600.0
) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or HTTP date), clamped to [0, max_wait].

    An HTTP date is measured from the response's own Date header when there is one, so a
    server whose clock is off does not distort the wait.
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), max_wait)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    now = datetime.now(UTC)
    if date_header:
        try:
            server_now = email.utils.parsedate_to_datetime(date_header)
            if server_now.tzinfo is not None:
                now = server_now
        except (TypeError, ValueError):
            pass
    return min(max(0.0, (when - now).total_seconds()), max_wait)


def detect_encoding(body: bytes, content_type: str | None = None) -> str:
    """The codec to decode a page with: BOM, header charset, <meta>/XML declaration, detection."""
    declared = _declared_encoding(body, content_type)
    if declared:
        return declared
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    return _guess_legacy_encoding(body)


def _decode(body: bytes, content_type: str | None) -> tuple[str, str]:
    """The page's text and the codec detect_encoding picks for it, decoding it only once.

    An undeclared page is tried as UTF-8 first; when that succeeds, its text is the one
    decoding with errors="replace" would give, so it is kept rather than made again.
    """
    encoding = _declared_encoding(body, content_type)
    if not encoding:
        try:
            return body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            encoding = _guess_legacy_encoding(body)
    return body.decode(encoding, errors="replace"), encoding


def _declared_encoding(body: bytes, content_type: str | None) -> str | None:
    """The codec a page names for itself: BOM, header charset, <meta>/XML declaration."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    declared = _charset_param(content_type)
    if declared:
        return declared
    head = body[:CHARSET_SNIFF_BYTES]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        match = pattern.search(head)
        if match:
            codec = _codec_name(match.group(1).decode("ascii"))
            if codec:
                # A page that is readable as bytes cannot really be UTF-16 (WHATWG).
                return "utf-8" if codec.startswith("utf_16") else _python_codec(codec)
    return None


def _guess_legacy_encoding(body: bytes) -> str:
    import charset_normalizer  # only for pages that neither declare nor are UTF-8: rare

    best = charset_normalizer.from_bytes(body).best()
    guess = _codec_name(best.encoding) if best is not None else None
    if guess and _is_multi_byte(guess):
        return _python_codec(guess)
    # For single-byte text, detectors confuse the Windows and DOS code pages on short
    # pages (cp1250 or cp775 for plain English with curly quotes). The pages we watch are
    # American, where the browser default, windows-1252, is right whenever it fits.
    try:
        body.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return _python_codec(guess) if guess else "cp1252"


def _is_multi_byte(codec: str) -> bool:
    return codec.startswith(("utf", "big5", "gb", "euc", "shift_jis", "cp932", "cp949", "cp950"))


def _charset_param(content_type: str | None) -> str | None:
    if not content_type:
        return None
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            codec = _codec_name(value.strip().strip("\"'"))
            return _python_codec(codec) if codec else None
    return None


def _codec_name(label: str) -> str | None:
    try:
        return codecs.lookup(label).name.replace("-", "_")
    except LookupError:
        return None


def _python_codec(codec: str) -> str:
    return "cp1252" if codec in _WINDOWS_1252_ALIASES else codec.replace("_", "-")


def _media_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def _content_coding(headers: urllib3.HTTPHeaderDict) -> str:
    """The body's Content-Encoding, lower case; "" for none ("identity")."""
    coding = headers.get("Content-Encoding", "identity").strip().lower()
    return "" if coding == "identity" else coding


def _looks_binary(body: bytes) -> bool:
    """NUL bytes in the first KB mean binary data, unless the text is UTF-16 (it has a BOM)."""
    head = body[:1024]
    return b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def _conditional_headers(request: FetchRequest) -> dict[str, str]:
    headers = {}
    if request.etag:
        headers["If-None-Match"] = request.etag
    if request.last_modified:
        headers["If-Modified-Since"] = request.last_modified
    return headers


def _split_target(url: str) -> _Target:
    """The URL without its fragment, and the parts each hop's checks need."""
    try:
        parts = urlsplit(url)
    except ValueError as error:  # "http://[::1/": an IPv6 literal left open
        raise _Stop("failed", f"invalid URL {url}: {error}") from error
    if parts.fragment:
        parts = parts._replace(fragment="")
    url = urlunsplit(parts)  # an empty "#" or "?" goes too, as urlunsplit writes neither
    return _Target(url, parts.scheme, parts.netloc, parts.hostname or "")  # lower case


def _limit_socket_wait(response: BaseHTTPResponse, seconds: float) -> None:
    """Bound the next socket read, since the read timeout was set when the request started."""
    sock = getattr(getattr(response, "connection", None), "sock", None)
    if sock is not None:
        try:
            sock.settimeout(max(0.01, seconds))
        except OSError:
            pass


def _discard(response: BaseHTTPResponse) -> None:
    """Close a response whose body is left unread, and give its (closed) connection back.

    The pool then opens a fresh connection in its place, rather than running short of one.
    """
    response.close()
    response.release_conn()


def _describe_timeout(exc: urllib3.exceptions.TimeoutError, timeout: urllib3.Timeout) -> str:
    if isinstance(exc, urllib3.exceptions.ConnectTimeoutError):
        return f"connect timeout after {timeout.connect_timeout:g} s"
    return f"read timeout: no answer within {timeout.read_timeout:g} s"


def _tls_context() -> tuple[ssl.SSLContext, str | None]:
    """One verifying TLS context for every connection, and why it cannot verify, if it cannot.

    It trusts the CA bundle requests trusted: REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE (a file
    or a directory), else certifi's. Loaded once: urllib3 would load it again for each
    connection otherwise.
    """
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    bundle = bundle or certifi.where()
    context = create_urllib3_context(cert_reqs=ssl.CERT_REQUIRED)
    try:
        if os.path.isdir(bundle):
            context.load_verify_locations(capath=bundle)
        else:
            context.load_verify_locations(cafile=bundle)
    except (OSError, ssl.SSLError) as exc:
        # No HTTPS request can be verified; they fail, and plain HTTP still works.
        log.error("cannot load the CA bundle %s: %s", bundle, exc)
        return context, f"cannot verify TLS: the CA bundle {bundle} cannot be loaded ({exc})"
    return context, None


def _environ_proxy(scheme: str, host: str | None, port: int | None) -> str | None:
    """The proxy the environment names for a URL's host, picked as requests picked it.

    http_proxy, https_proxy and all_proxy (either case) name proxies; no_proxy lists hosts,
    domain suffixes and, for IPv4 hosts, networks (CIDR) that are reached directly.
    """
    proxies = urllib.request.getproxies()
    if not proxies or not host:
        return None
    if _bypasses_proxy(host, port, os.environ.get("no_proxy") or os.environ.get("NO_PROXY")):
        return None
    for key in (f"{scheme}://{host}", scheme, f"all://{host}", "all"):
        if proxies.get(key):
            return proxies[key]
    return None


def _bypasses_proxy(host: str, port: int | None, no_proxy: str | None) -> bool:
    if no_proxy:
        entries = [entry for entry in no_proxy.replace(" ", "").split(",") if entry]
        if _is_ipv4(host):
            for entry in entries:
                if "/" in entry:
                    with contextlib.suppress(ValueError):
                        if ipaddress.ip_address(host) in ipaddress.ip_network(entry, strict=False):
                            return True
                elif host == entry:
                    return True
        else:
            host_with_port = f"{host}:{port}" if port else host
            if any(host.endswith(entry) or host_with_port.endswith(entry) for entry in entries):
                return True
    # The platform's own rules too: "*", and a leading dot matched as a domain.
    return bool(urllib.request.proxy_bypass(host))


def _is_ipv4(host: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(host), ipaddress.IPv4Address)
    except ValueError:
        return False


def _credentials(url: Url) -> tuple[str | None, str | None]:
    """The user and password in a URL, unquoted; none without a password, as requests had it."""
    user, colon, password = (url.auth or "").partition(":")
    if not colon:
        return None, None
    return unquote(user), unquote(password)


def _root_cause(exc: BaseException) -> str:
    """The innermost readable reason, instead of urllib3's nested retry wording."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.strerror:
            return current.strerror
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            current = reason
            continue
        nested = [arg for arg in current.args if isinstance(arg, BaseException)]
        current = nested[0] if nested else (current.__cause__ or current.__context__)
    return str(exc)
