"""Tests of watcher.fetch against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import base64
import email.utils
import gzip
import http.server
import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.httpsite import (
    LocalSite,
    SiteRequestHandler,
    drop_connection,
    hang,
    redirect,
    respond,
    sequence,
    stream_without_length,
    trickle,
)
from watcher.fetch import (
    FEED_TYPES,
    HTML_TYPES,
    Attempt,
    Fetcher,
    FetchRequest,
    FetchResult,
    detect_encoding,
    parse_retry_after,
    unsafe_host_reason,
)

USER_AGENT = "jurisdiction-watcher-test/0.1 (+mailto:ops@example.org)"
PAGE = "<html><head><title>T</title></head><body><p>Sanctuary policy</p></body></html>"


class FakeTime:
    """A clock that only moves when someone sleeps, recording every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def error_of(result: FetchResult | Attempt) -> str:
    """The error text of a result that must have one."""
    assert result.error is not None
    return result.error


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


def make_fetcher(fake_time: FakeTime | None = None, **options: object) -> Fetcher:
    """A Fetcher with test-sized limits; time is fake when `fake_time` is given."""
    settings: dict[str, object] = {
        "connect_timeout": 2.0,
        "read_timeout": 2.0,
        "deadline": 5.0,
        "min_host_delay": 0.0,
        "retries": 2,
        "backoff_base": 0.5,
        "obey_robots": False,
    }
    if fake_time is not None:
        settings.update(clock=fake_time.clock, sleep=fake_time.sleep)
    settings.update(options)
    return Fetcher(USER_AGENT, **settings)  # type: ignore[arg-type]


# Basics and conditional GET (R17).


def test_ok_page_returns_body_text_and_measures(local_site: LocalSite) -> None:
    """A 200 page comes back as bytes and text, with status, size and our User-Agent."""
    local_site.set("/p", PAGE)
    with make_fetcher() as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/p")))
    assert "ok" == result.outcome
    assert 200 == result.status
    assert PAGE.encode() == result.body
    assert PAGE == result.text
    assert len(PAGE) == result.bytes
    assert "text/html" == result.content_type
    assert 1 == result.attempts
    assert result.duration >= 0
    assert USER_AGENT == local_site.requests_for("/p")[0].headers["User-Agent"]


def test_r17_etag_sent_back_and_304_is_not_modified(local_site: LocalSite) -> None:
    """The stored ETag goes out as If-None-Match; a 304 is "not_modified" with no body (R17)."""
    local_site.set("/p", PAGE, etag='"v1"')
    with make_fetcher() as fetcher:
        first = fetcher.fetch(FetchRequest(local_site.url("/p")))
        second = fetcher.fetch(FetchRequest(local_site.url("/p"), etag=first.etag))
    assert '"v1"' == first.etag
    assert "not_modified" == second.outcome
    assert 304 == second.status
    assert second.body is None
    assert '"v1"' == local_site.requests_for("/p")[1].headers["If-None-Match"]


def test_r17_last_modified_sent_back_and_304_is_not_modified(local_site: LocalSite) -> None:
    """The stored Last-Modified goes out as If-Modified-Since and a 304 is "not_modified" (R17)."""
    stamp = "Wed, 01 Jan 2025 10:00:00 GMT"
    local_site.set("/p", PAGE, last_modified=stamp)
    with make_fetcher() as fetcher:
        first = fetcher.fetch(FetchRequest(local_site.url("/p")))
        second = fetcher.fetch(
            FetchRequest(local_site.url("/p"), last_modified=first.last_modified)
        )
    assert stamp == first.last_modified
    assert "not_modified" == second.outcome
    assert stamp == second.last_modified
    assert stamp == local_site.requests_for("/p")[1].headers["If-Modified-Since"]


def test_changed_page_with_stale_etag_is_downloaded(local_site: LocalSite) -> None:
    """An ETag that no longer matches gets the new page and its new ETag."""
    local_site.set("/p", PAGE, etag='"v2"')
    with make_fetcher() as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/p"), etag='"v1"'))
    assert "ok" == result.outcome
    assert '"v2"' == result.etag


def test_http_error_status_fails_with_reason(local_site: LocalSite) -> None:
    """A 404 fails at once, without retries, saying so."""
    with make_fetcher() as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/missing")))
    assert "failed" == result.outcome
    assert "HTTP 404" == result.error
    assert 1 == result.attempts


# Retries and Retry-After (R18).


def test_retry_after_seconds_is_waited_then_retried(
    local_site: LocalSite, fake_time: FakeTime
) -> None:
    """503 with Retry-After: 2 twice, then 200: the fetch waits 2 s twice and succeeds."""
    busy = respond(503, "busy", {"Retry-After": "2"})
    local_site.handle("/p", sequence(busy, busy, respond(200, PAGE)))
    with make_fetcher(fake_time, min_host_delay=1.0) as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/p")))
    assert "ok" == result.outcome
    assert 3 == result.attempts
    assert [2.0, 2.0] == fake_time.sleeps
    assert [503, 503, 200] == [attempt.status for attempt in result.history]


def test_backoff_without_retry_after_grows_within_jitter(
    local_site: LocalSite, fake_time: FakeTime
) -> None:
    """Without Retry-After, waits are exponential with jitter and the last error is reported."""
    local_site.handle("/p", respond(500, "oops"))
    with make_fetcher(fake_time, retries=3, backoff_base=1.0, deadline=60.0) as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/p")))
    assert "failed" == result.outcome
    assert "HTTP 500 (after 4 attempts)" == result.error
    assert 3 == len(fake_time.sleeps)
    for attempt, wait in enumerate(fake_time.sleeps):
        assert 0.5 * 2**attempt <= wait <= 2**attempt


def test_dropped_connection_is_retried(local_site: LocalSite, fake_time: FakeTime) -> None:
    """A connection closed without an answer is retried, and the next answer is used."""
    local_site.handle("/p", sequence(drop_connection(), respond(200, PAGE)))
    with make_fetcher(fake_time) as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/p")))
    assert "ok" == result.outcome
    assert 2 == result.attempts
    assert error_of(result.history[0]).startswith("connection failed")


def test_refused_connection_fails_with_reason(fake_time: FakeTime) -> None:
    """Nobody listening: a failed result naming the refusal, never an exception."""
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with make_fetcher(fake_time, retries=1) as fetcher:
        result = fetcher.fetch(FetchRequest(f"http://127.0.0.1:{port}/"))
    assert "failed" == result.outcome
    assert "connection failed" in error_of(result)
    assert "refused" in error_of(result).lower()
    assert 2 == result.attempts


def test_r18_long_retry_after_fails_fast_and_holds_the_host(
    local_site: LocalSite, fake_time: FakeTime
) -> None:
    """429 with Retry-After: 120 fails at once; the host gets no request until 120 s pass (R18)."""
    local_site.handle("/p", respond(429, "slow down", {"Retry-After": "120"}))
    local_site.set("/other", PAGE)
    with make_fetcher(fake_time) as fetcher:
        first = fetcher.fetch(FetchRequest(local_site.url("/p")))
        fake_time.now += 60
        held = fetcher.fetch(FetchRequest(local_site.url("/other")))
        fake_time.now += 61
        later = fetcher.fetch(FetchRequest(local_site.url("/other")))
    assert "failed" == first.outcome
    assert "rate limited" in error_of(first)
    assert 1 == first.attempts
    assert [] == fake_time.sleeps
    assert "failed" == held.outcome
    assert "rate limited" in error_of(held)
    assert 0 == held.attempts
    assert "ok" == later.outcome
    assert ["/p", "/other"] == local_site.paths()


def test_r18_retry_after_http_date_is_honoured(local_site: LocalSite, fake_time: FakeTime) -> None:
    """R18: a Retry-After HTTP date two minutes ahead holds the host for two minutes."""
    when = email.utils.formatdate(time.time() + 120, usegmt=True)
    local_site.handle("/p", respond(503, "down", {"Retry-After": when}))
    with make_fetcher(fake_time) as fetcher:
        first = fetcher.fetch(FetchRequest(local_site.url("/p")))
        fake_time.now += 100
        held = fetcher.fetch(FetchRequest(local_site.url("/p")))
    assert "rate limited" in error_of(first)
    assert "rate limited" in error_of(held)
    assert 1 == len(local_site.paths())


def test_r18_absurd_retry_after_is_clamped(local_site: LocalSite, fake_time: FakeTime) -> None:
    """A Retry-After of years holds the host only for max_retry_after (R18)."""
    local_site.handle("/p", sequence(respond(429, "", {"Retry-After": "999999999"})))
    local_site.set("/q", PAGE)
    with make_fetcher(fake_time, max_retry_after=600.0) as fetcher:
        fetcher.fetch(FetchRequest(local_site.url("/p")))
        fake_time.now += 601
        result = fetcher.fetch(FetchRequest(local_site.url("/q")))
    assert "ok" == result.outcome


def test_parse_retry_after_forms() -> None:
    """Seconds, HTTP dates (against the Date header), garbage and clamping."""
    date = "Wed, 01 Jan 2025 10:00:00 GMT"
    assert 30.0 == parse_retry_after("30")
    assert 90.0 == parse_retry_after("Wed, 01 Jan 2025 10:01:30 GMT", date)
    assert 0.0 == parse_retry_after("Wed, 01 Jan 2025 09:00:00 GMT", date)
    assert 3600.0 == parse_retry_after("86400000")
    assert 10.0 == parse_retry_after("Thu, 02 Jan 2025 10:00:00 GMT", date, max_wait=10.0)
    assert parse_retry_after("soon") is None
    assert parse_retry_after("-5") is None
    assert parse_retry_after(None) is None


# robots.txt (R16).


def test_r16_robots_disallowed_path_is_never_requested(local_site: LocalSite) -> None:
    """A path robots.txt disallows is "blocked" and not requested; robots.txt is read once (R16)."""
    local_site.set("/robots.txt", "User-agent: *\nDisallow: /private\n", content_type="text/plain")
    local_site.set("/private/p", PAGE)
    local_site.set("/public", PAGE)
    with make_fetcher(obey_robots=True) as fetcher:
        blocked = fetcher.fetch(FetchRequest(local_site.url("/private/p")))
        allowed = fetcher.fetch(FetchRequest(local_site.url("/public")))
    assert "blocked" == blocked.outcome
    assert "disallowed by robots.txt" == blocked.error
    assert 0 == blocked.attempts
    assert "ok" == allowed.outcome
    assert ["/robots.txt", "/public"] == local_site.paths()
    assert USER_AGENT == local_site.requests_for("/robots.txt")[0].headers["User-Agent"]


def test_r16_robots_request_carries_our_user_agent_and_a_timeout(local_site: LocalSite) -> None:
    """A robots.txt that never answers ends at the read timeout; nothing else is fetched (R16)."""
    local_site.handle("/robots.txt", hang())
    local_site.set("/p", PAGE)
    started = time.monotonic()
    with make_fetcher(obey_robots=True, read_timeout=0.3, deadline=5.0) as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/p")))
    elapsed = time.monotonic() - started
    assert "failed" == result.outcome
    assert "robots.txt unreachable" in error_of(result)
    assert "read timeout" in error_of(result)
    assert elapsed < 1.5
    assert ["/robots.txt"] == local_site.paths()
    assert USER_AGENT == local_site.requests_for("/robots.txt")[0].headers["User-Agent"]


def test_robots_rules_for_our_agent_apply(local_site: LocalSite) -> None:
    """A group naming our product token applies to us rather than the * group."""
    local_site.set(
        "/robots.txt",
        "User-agent: jurisdiction-watcher-test\nDisallow: /\n\nUser-agent: *\nAllow: /\n",
        content_type="text/plain",
    )
    local_site.set("/p", PAGE)
    with make_fetcher(obey_robots=True) as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/p")))
    assert "blocked" == result.outcome


@pytest.mark.parametrize("status", [401, 403])
def test_r16_robots_401_403_disallow_everything(local_site: LocalSite, status: int) -> None:
    """robots.txt answering 401 or 403 means nothing may be fetched from the host (R16)."""
    local_site.set("/robots.txt", "no", status=status)
    local_site.set("/p", PAGE)
    with make_fetcher(obey_robots=True) as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/p")))
    assert "blocked" == result.outcome
    assert ["/robots.txt"] == local_site.paths()


def test_r16_robots_5xx_means_nothing_fetched_this_time(
    local_site: LocalSite, fake_time: FakeTime
) -> None:
    """robots.txt answering 503 stops the host for now; once it reads, pages are fetched (R16)."""
    local_site.set("/robots.txt", "down", status=503)
    local_site.set("/p", PAGE)
    with make_fetcher(fake_time, obey_robots=True) as fetcher:
        first = fetcher.fetch(FetchRequest(local_site.url("/p")))
        again = fetcher.fetch(FetchRequest(local_site.url("/p")))
        local_site.remove("/robots.txt")
        fake_time.now += 3600
        later = fetcher.fetch(FetchRequest(local_site.url("/p")))
    assert "failed" == first.outcome
    assert "robots.txt unreachable" in error_of(first)
    assert "failed" == again.outcome
    assert "ok" == later.outcome
    assert ["/robots.txt", "/robots.txt", "/p"] == local_site.paths()


def test_r16_robots_404_allows_everything(local_site: LocalSite) -> None:
    """No robots.txt (404) means every path may be fetched (R16)."""
    local_site.set("/p", PAGE)
    with make_fetcher(obey_robots=True) as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/p")))
    assert "ok" == result.outcome
    assert ["/robots.txt", "/p"] == local_site.paths()


def test_robots_redirect_to_refused_host_counts_as_absent(local_site: LocalSite) -> None:
    """A robots.txt that redirects to a host we may not contact is treated as no robots.txt."""
    local_site.handle("/robots.txt", redirect("http://elsewhere.example/robots.txt"))
    local_site.set("/p", PAGE)
    with make_fetcher(obey_robots=True) as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/p")))
    assert "ok" == result.outcome
    assert ["/robots.txt", "/p"] == local_site.paths()


def test_r16_robots_crawl_delay_paces_the_host(local_site: LocalSite, fake_time: FakeTime) -> None:
    """Crawl-delay: 10 spaces every request to the host by 10 s (R16)."""
    local_site.set(
        "/robots.txt", "User-agent: *\nCrawl-delay: 10\nAllow: /\n", content_type="text/plain"
    )
    local_site.set("/a", PAGE)
    local_site.set("/b", PAGE)
    with make_fetcher(fake_time, obey_robots=True, min_host_delay=1.0, deadline=60.0) as fetcher:
        results = [fetcher.fetch(FetchRequest(local_site.url(p))) for p in ("/a", "/b")]
    assert ["ok", "ok"] == [result.outcome for result in results]
    assert [10.0, 10.0] == fake_time.sleeps


def test_robots_expires_after_ttl(local_site: LocalSite, fake_time: FakeTime) -> None:
    """robots.txt is cached per host and read again once its TTL has passed."""
    local_site.set("/p", PAGE)
    with make_fetcher(fake_time, obey_robots=True, robots_ttl=100.0) as fetcher:
        fetcher.fetch(FetchRequest(local_site.url("/p")))
        fetcher.fetch(FetchRequest(local_site.url("/p")))
        fake_time.now += 101
        fetcher.fetch(FetchRequest(local_site.url("/p")))
    assert ["/robots.txt", "/p", "/p", "/robots.txt", "/p"] == local_site.paths()


# Pacing per host and parallel hosts.


def test_min_host_delay_between_requests(local_site: LocalSite, fake_time: FakeTime) -> None:
    """Two requests to one host are at least min_host_delay apart."""
    local_site.set("/p", PAGE)
    with make_fetcher(fake_time, min_host_delay=1.0) as fetcher:
        fetcher.fetch(FetchRequest(local_site.url("/p")))
        fetcher.fetch(FetchRequest(local_site.url("/p")))
        fake_time.now += 5
        fetcher.fetch(FetchRequest(local_site.url("/p")))
    assert [1.0] == fake_time.sleeps


# Size cap (R19).


def test_r19_large_declared_body_stops_at_cap(local_site: LocalSite) -> None:
    """A 50 MiB page with a Content-Length is refused at the cap without reading it (R19)."""
    local_site.set("/big", b"a" * (50 * 2**20))
    with make_fetcher() as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/big")))
    assert "failed" == result.outcome
    assert f"too large (> {10 * 2**20} bytes)" == result.error
    assert 200 == result.status


def test_r19_large_streamed_body_stops_at_cap(local_site: LocalSite) -> None:
    """A 50 MiB page without a Content-Length is read only up to the cap (R19)."""
    local_site.handle("/big", stream_without_length(b"a" * 2**20, 50))
    with make_fetcher() as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/big")))
    assert "failed" == result.outcome
    assert f"too large (> {10 * 2**20} bytes)" == result.error


def test_r19_gzip_bomb_stops_at_cap(
    local_site: LocalSite, caplog: pytest.LogCaptureFixture
) -> None:
    """R19: a small gzip body inflating to 100 MiB stops at the cap on decoded bytes, logged."""
    bomb = gzip.compress(b"a" * (100 * 2**20))
    local_site.set("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    with make_fetcher(max_bytes=2**20) as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/bomb")))
    assert len(bomb) < 2**20
    assert "failed" == result.outcome
    assert f"too large (> {2**20} bytes)" == result.error
    assert any("too large" in record.getMessage() for record in caplog.records)


def test_gzip_page_is_decoded(local_site: LocalSite) -> None:
    """An ordinary gzip-encoded page arrives decoded."""
    local_site.set("/z", gzip.compress(PAGE.encode()), headers={"Content-Encoding": "gzip"})
    with make_fetcher() as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/z")))
    assert PAGE == result.text


def test_broken_gzip_fails_with_reason(local_site: LocalSite) -> None:
    """A body that claims gzip but is not fails with a decoding reason."""
    local_site.set("/z", b"not gzip at all" * 10, headers={"Content-Encoding": "gzip"})
    with make_fetcher() as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/z")))
    assert "failed" == result.outcome
    assert "cannot decode the gzip body" in error_of(result)


# Encodings (R19).


def test_cp1252_without_charset_reads_curly_quotes(local_site: LocalSite) -> None:
    """A windows-1252 page with no charset anywhere decodes 0x93/0x94 as curly quotes."""
    body = b"<p>The city said \x93we will not comply\x94 \x96 a sanctuary city.</p>"
    local_site.set("/p", body, content_type="text/html")
    with make_fetcher() as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/p")))
    assert "cp1252" == result.encoding
    assert "<p>The city said \u201cwe will not comply\u201d \u2013 a sanctuary city.</p>" == (
        result.text
    )


def test_r19_meta_charset_without_header(local_site: LocalSite) -> None:
    """<meta charset> decides when the header has none (R19)."""
    body = '<meta charset="iso-8859-15"><p>Budget \u20ac5M</p>'.encode("iso-8859-15")
    local_site.set("/p", body, content_type="text/html")
    with make_fetcher() as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/p")))
    assert "<p>Budget \u20ac5M</p>" in (result.text or "")


def test_r19_meta_http_equiv_charset_without_header(local_site: LocalSite) -> None:
    """<meta http-equiv="Content-Type" content="...; charset=..."> decides too (R19)."""
    body = (
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
        "<p>\u041c\u043e\u0441\u043a\u0432\u0430</p>"
    ).encode("windows-1251")
    local_site.set("/p", body, content_type="text/html")
    with make_fetcher() as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/p")))
    assert "<p>\u041c\u043e\u0441\u043a\u0432\u0430</p>" in (result.text or "")


def test_header_charset_wins_over_meta() -> None:
    """The Content-Type charset outranks a <meta> that contradicts it."""
    body = '<meta charset="utf-8"><p>caf\u00e9</p>'.encode("cp1252")
    assert "cp1252" == detect_encoding(body, "text/html; charset=windows-1252")


def test_latin1_label_reads_as_windows_1252() -> None:
    """A page labelled iso-8859-1 is read as windows-1252, as browsers do."""
    assert "cp1252" == detect_encoding(b"\x93x\x94", "text/html; charset=ISO-8859-1")


def test_utf8_without_charset_and_bom() -> None:
    """Undeclared valid UTF-8 is UTF-8; a BOM outranks everything."""
    assert "utf-8" == detect_encoding("caf\u00e9".encode(), "text/html")
    assert "utf-8" == detect_encoding(b"\xef\xbb\xbfhello", "text/html; charset=cp1252")


def test_garbage_bytes_with_nul_fail_as_binary(local_site: LocalSite) -> None:
    """Binary garbage served as HTML fails with a reason instead of becoming text."""
    local_site.set("/p", bytes(range(256)) * 8)
    with make_fetcher() as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/p")))
    assert "failed" == result.outcome
    assert "the body is binary data, not text" == result.error


def test_garbage_text_bytes_decode_without_error(local_site: LocalSite) -> None:
    """Invalid bytes without NULs decode to some text, never an exception."""
    local_site.set("/p", bytes(range(1, 256)) * 4, content_type="text/html; charset=utf-8")
    with make_fetcher() as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/p")))
    assert "ok" == result.outcome
    assert "\ufffd" in (result.text or "")


def test_empty_body_fails(local_site: LocalSite) -> None:
    """A 200 with an empty body fails, so it can never replace a real snapshot."""
    local_site.set("/p", b"")
    with make_fetcher() as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/p")))
    assert "failed" == result.outcome
    assert "empty body" == result.error


# Content types.


def test_pdf_is_refused(local_site: LocalSite) -> None:
    """A PDF is refused with its content type named."""
    local_site.set("/doc.pdf", b"%PDF-1.7 ...", content_type="application/pdf")
    with make_fetcher() as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/doc.pdf")))
    assert "failed" == result.outcome
    assert "unsupported content type application/pdf" == result.error


def test_image_is_refused(local_site: LocalSite) -> None:
    """An image is refused with its content type named."""
    local_site.set("/i.png", b"\x89PNG....", content_type="image/png")
    with make_fetcher() as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/i.png")))
    assert "unsupported content type image/png" == result.error


def test_feed_types_accepted_when_asked(local_site: LocalSite) -> None:
    """An RSS feed is refused as a page but read when the caller accepts feed types."""
    local_site.set("/feed", "<rss></rss>", content_type="application/rss+xml")
    with make_fetcher() as fetcher:
        as_page = fetcher.fetch(FetchRequest(local_site.url("/feed")))
        as_feed = fetcher.fetch(FetchRequest(local_site.url("/feed"), accept=FEED_TYPES))
    assert "failed" == as_page.outcome
    assert "ok" == as_feed.outcome
    assert "application/rss+xml" == as_feed.content_type
    assert "text/plain" in HTML_TYPES


# Redirects and SSRF (R19, R22).


def test_redirect_chain_within_limit_is_followed(local_site: LocalSite) -> None:
    """Five hops are followed to the final page, whose URL is reported."""
    for hop in range(5):
        local_site.handle(f"/r{hop}", redirect(f"/r{hop + 1}" if hop < 4 else "/final"))
    local_site.set("/final", PAGE)
    with make_fetcher() as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/r0")))
    assert "ok" == result.outcome
    assert local_site.url("/final") == result.final_url
    assert 6 == result.attempts


def test_r19_redirect_chain_beyond_limit_fails(local_site: LocalSite) -> None:
    """Six hops with a limit of five fail without requesting the sixth target (R19)."""
    for hop in range(6):
        local_site.handle(f"/r{hop}", redirect(f"/r{hop + 1}"))
    local_site.set("/r6", PAGE)
    with make_fetcher() as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/r0")))
    assert "failed" == result.outcome
    assert "too many redirects (> 5)" == result.error
    assert "/r6" not in local_site.paths()


def test_redirect_loop_fails(local_site: LocalSite) -> None:
    """A redirect back to a URL already visited fails as a loop."""
    local_site.handle("/a", redirect("/b"))
    local_site.handle("/b", redirect("/a"))
    with make_fetcher() as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/a")))
    assert "failed" == result.outcome
    assert error_of(result).startswith("redirect loop")
    assert ["/a", "/b"] == local_site.paths()


def test_r22_redirect_to_not_allowed_host_is_refused(local_site: LocalSite) -> None:
    """A redirect to another host not in the allowed hosts is refused before resolving it (R22)."""
    resolved: list[str] = []

    def resolve(host: str, port: int) -> list[tuple]:
        resolved.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]

    local_site.handle("/p", redirect("http://elsewhere.example/x"))
    with make_fetcher(resolve=resolve) as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/p")))
    assert "blocked" == result.outcome
    assert "elsewhere.example is not one of the source's allowed hosts" in error_of(result)
    assert [] == resolved


def test_r22_redirect_to_loopback_host_is_refused_even_when_allowed(local_site: LocalSite) -> None:
    """An allowed host that resolves to a loopback address is refused and never requested (R22)."""
    local_site.handle("/p", redirect(f"http://localhost:{local_site.port}/secret"))
    local_site.set("/secret", PAGE)
    with make_fetcher() as fetcher:
        result = fetcher.fetch(
            FetchRequest(local_site.url("/p"), allowed_hosts=frozenset({"localhost"}))
        )
    assert "blocked" == result.outcome
    assert "loopback" in error_of(result)
    assert ["/p"] == local_site.paths()


def test_r22_redirect_to_metadata_address_is_refused(local_site: LocalSite) -> None:
    """A redirect to 169.254.169.254 is refused as link-local even when listed (R22)."""
    local_site.handle("/p", redirect("http://169.254.169.254/latest/meta-data/"))
    with make_fetcher() as fetcher:
        result = fetcher.fetch(
            FetchRequest(local_site.url("/p"), allowed_hosts=frozenset({"169.254.169.254"}))
        )
    assert "blocked" == result.outcome
    assert "link-local" in error_of(result)


def test_r22_redirect_to_carrier_grade_nat_is_refused_at_a_later_hop(
    local_site: LocalSite,
) -> None:
    """Every hop is checked: a second-hop redirect to a CGNAT address gets no request (R22)."""
    resolved: list[str] = []

    def resolve(host: str, port: int) -> list[tuple]:
        resolved.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("100.64.7.7", port))]

    local_site.handle("/a", redirect("/b"))
    local_site.handle("/b", redirect("http://cgnat.example/inside"))
    with make_fetcher(resolve=resolve) as fetcher:
        result = fetcher.fetch(
            FetchRequest(local_site.url("/a"), allowed_hosts=frozenset({"cgnat.example"}))
        )
    assert "blocked" == result.outcome
    assert "carrier-grade NAT address 100.64.7.7" in error_of(result)
    assert ["cgnat.example"] == resolved
    assert ["/a", "/b"] == local_site.paths()
    assert "http://cgnat.example/inside" == result.final_url


def test_r22_followed_link_to_allowed_host_on_metadata_address_is_refused() -> None:
    """A followed link to an allowed host resolving to 169.254.169.254 gets no request (R22)."""

    def resolve(host: str, port: int) -> list[tuple]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", port))]

    with make_fetcher(resolve=resolve) as fetcher:
        result = fetcher.fetch(
            FetchRequest(
                "http://metadata.example/latest/meta-data/",
                trusted=False,
                allowed_hosts=frozenset({"metadata.example"}),
            )
        )
    assert "blocked" == result.outcome
    assert "link-local address 169.254.169.254" in error_of(result)
    assert 0 == result.attempts


def test_r22_untrusted_link_to_loopback_is_refused(local_site: LocalSite) -> None:
    """A followed link (trusted=False) to a loopback host is refused before any request (R22)."""
    local_site.set("/p", PAGE)
    with make_fetcher() as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/p"), trusted=False))
    assert "blocked" == result.outcome
    assert [] == local_site.paths()


def test_non_http_redirect_is_refused(local_site: LocalSite) -> None:
    """A redirect to file:// is refused."""
    local_site.handle("/p", redirect("file:///etc/passwd"))
    with make_fetcher() as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/p")))
    assert "blocked" == result.outcome
    assert "only http and https" in error_of(result)


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.1", "private"),
        ("172.16.5.5", "private"),
        ("169.254.169.254", "link-local"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("::1", "loopback"),
        ("fd00::1", "private"),
        ("::ffff:10.0.0.1", "private"),
    ],
)
def test_r22_unsafe_host_reason_names_non_public_addresses(address: str, kind: str) -> None:
    """Allowed hosts resolving to non-public addresses are refused with the kind named (R22)."""

    def resolve(host: str, port: int) -> list[tuple]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    reason = unsafe_host_reason("city.example", frozenset({"city.example"}), resolve)
    assert reason is not None
    assert f"{kind} address {address}" in reason


def test_unsafe_host_reason_allows_public_allowed_host() -> None:
    """An allowed host on a public address (host or host:port listed) is fine."""

    def resolve(host: str, port: int) -> list[tuple]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]

    assert unsafe_host_reason("city.example", frozenset({"City.Example"}), resolve) is None
    assert (
        unsafe_host_reason("city.example:8080", frozenset({"city.example:8080"}), resolve) is None
    )


# DNS rebinding: a checked host is reached at the address its check approved (R22).

# The check approves 127.0.0.2 only. Sites below listen there; "localhost" itself resolves
# to 127.0.0.1, where they do not listen, so a request that looked the name up again when
# connecting would fail instead of reaching them.
CHECKED_ADDRESS = "127.0.0.2"
ONLY_CHECKED_ADDRESS = (ipaddress.ip_network(f"{CHECKED_ADDRESS}/32"),)


@dataclass(frozen=True)
class SeenRequest:
    """One request a CheckedAddressSite received."""

    path: str
    host: str | None  # the Host header
    client_port: int  # the same port for two requests: one reused connection


class _CheckedAddressHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so that connection reuse can be seen
    server: _CheckedAddressServer

    def do_GET(self) -> None:
        site = self.server.site
        site.requests.append(
            SeenRequest(self.path, self.headers.get("Host"), self.client_address[1])
        )
        body = site.pages.get(self.path)
        status = 200 if body is not None else 404
        payload = (body if body is not None else "not found").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _CheckedAddressServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    site: CheckedAddressSite


class CheckedAddressSite:
    """A web site on 127.0.0.2 (over TLS when given a certificate), recording each request."""

    def __init__(self, certificate: Path | None = None, key: Path | None = None) -> None:
        self.pages: dict[str, str] = {}
        self.requests: list[SeenRequest] = []
        self.server_names: list[str | None] = []  # the SNI of each TLS handshake
        self._server = _CheckedAddressServer((CHECKED_ADDRESS, 0), _CheckedAddressHandler)
        self._server.site = self
        self.scheme = "http"
        if certificate is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certificate, key)
            context.sni_callback = lambda _sock, name, _context: self.server_names.append(name)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str, host: str = "localhost") -> str:
        """The URL of a path on this site, by a host name (the resolver decides where it is)."""
        return f"{self.scheme}://{host}:{self.port}{path}"

    def paths(self) -> list[str]:
        return [request.path for request in self.requests]

    def __enter__(self) -> CheckedAddressSite:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def checked_site() -> Iterator[CheckedAddressSite]:
    with CheckedAddressSite() as site:
        yield site


class RebindingResolver:
    """DNS that answers the checked address the first time, and 127.0.0.1 ever after."""

    def __init__(self, *first_answer: str) -> None:
        self.first_answer = first_answer or (CHECKED_ADDRESS,)
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> list[tuple]:
        answer = self.first_answer if not self.asked else ("127.0.0.1",)
        self.asked.append(host)
        family = {4: socket.AF_INET, 6: socket.AF_INET6}
        return [
            (
                family[ipaddress.ip_address(address).version],
                socket.SOCK_STREAM,
                6,
                "",
                (address, port),
            )
            for address in answer
        ]


def steady_resolve(host: str, port: int) -> list[tuple]:
    """DNS that always answers the checked address."""
    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (CHECKED_ADDRESS, port))]


def test_r22_followed_link_connects_to_the_checked_address(
    checked_site: CheckedAddressSite,
) -> None:
    """A followed link's host is looked up once, by the check, and reached at that address (R22)."""
    checked_site.pages["/page"] = PAGE
    resolve = RebindingResolver()
    with make_fetcher(resolve=resolve, allowed_networks=ONLY_CHECKED_ADDRESS) as fetcher:
        result = fetcher.fetch(
            FetchRequest(
                checked_site.url("/page"), trusted=False, allowed_hosts=frozenset({"localhost"})
            )
        )
    assert "ok" == result.outcome, result.error
    assert PAGE == result.text
    assert checked_site.url("/page") == result.final_url
    assert ["localhost"] == resolve.asked
    assert [f"localhost:{checked_site.port}"] == [r.host for r in checked_site.requests]


def test_r22_redirect_hop_connects_to_the_checked_address(
    local_site: LocalSite, checked_site: CheckedAddressSite
) -> None:
    """A redirect to an allowed host goes to the address its check saw, not a new lookup (R22)."""
    local_site.handle("/p", redirect(checked_site.url("/page")))
    checked_site.pages["/page"] = PAGE
    resolve = RebindingResolver()
    with make_fetcher(resolve=resolve, allowed_networks=ONLY_CHECKED_ADDRESS) as fetcher:
        result = fetcher.fetch(
            FetchRequest(local_site.url("/p"), allowed_hosts=frozenset({"localhost"}))
        )
    assert "ok" == result.outcome, result.error
    assert ["localhost"] == resolve.asked  # the configured host is never checked
    assert ["/p"] == local_site.paths()
    assert ["/page"] == checked_site.paths()


def test_r22_redirect_to_host_failing_its_check_gets_no_request(
    local_site: LocalSite, checked_site: CheckedAddressSite
) -> None:
    """With pinning in place, a hop whose check fails is still refused before any request (R22)."""
    local_site.handle("/p", redirect(checked_site.url("/page")))
    checked_site.pages["/page"] = PAGE
    resolve = RebindingResolver("127.0.0.1")
    with make_fetcher(resolve=resolve, allowed_networks=ONLY_CHECKED_ADDRESS) as fetcher:
        result = fetcher.fetch(
            FetchRequest(local_site.url("/p"), allowed_hosts=frozenset({"localhost"}))
        )
    assert "blocked" == result.outcome
    assert "localhost resolves to a loopback address 127.0.0.1" in error_of(result)
    assert ["/p"] == local_site.paths()
    assert [] == checked_site.requests


def test_r22_robots_of_a_checked_host_is_read_at_the_checked_address(
    checked_site: CheckedAddressSite,
) -> None:
    """robots.txt of a checked host comes from the approved address, and its rules apply (R22)."""
    checked_site.pages["/robots.txt"] = "User-agent: *\nDisallow: /private\n"
    checked_site.pages["/page"] = PAGE
    request = {"trusted": False, "allowed_hosts": frozenset({"localhost"})}
    with make_fetcher(
        resolve=steady_resolve, allowed_networks=ONLY_CHECKED_ADDRESS, obey_robots=True
    ) as fetcher:
        page = fetcher.fetch(FetchRequest(checked_site.url("/page"), **request))  # type: ignore[arg-type]
        private = fetcher.fetch(FetchRequest(checked_site.url("/private"), **request))  # type: ignore[arg-type]
    assert "ok" == page.outcome, page.error
    assert "blocked" == private.outcome
    assert "disallowed by robots.txt" == private.error
    assert ["/robots.txt", "/page"] == checked_site.paths()


def test_r22_of_several_addresses_the_ipv4_one_is_used(checked_site: CheckedAddressSite) -> None:
    """A host with IPv6 and IPv4 addresses, all approved, is reached at its IPv4 one (R22)."""
    checked_site.pages["/page"] = PAGE
    networks = (*ONLY_CHECKED_ADDRESS, ipaddress.ip_network("2001:db8::/32"))
    resolve = RebindingResolver("2001:db8::1", CHECKED_ADDRESS)
    with make_fetcher(resolve=resolve, allowed_networks=networks) as fetcher:
        result = fetcher.fetch(
            FetchRequest(
                checked_site.url("/page"), trusted=False, allowed_hosts=frozenset({"localhost"})
            )
        )
    assert "ok" == result.outcome, result.error


def test_r22_pinned_and_configured_hosts_both_reuse_their_connection(
    checked_site: CheckedAddressSite,
) -> None:
    """Two fetches share one pooled connection, both for a checked host and a configured one."""
    checked_site.pages["/page"] = PAGE
    checked = FetchRequest(
        checked_site.url("/page"), trusted=False, allowed_hosts=frozenset({"localhost"})
    )
    configured = FetchRequest(checked_site.url("/page", host=CHECKED_ADDRESS))
    with make_fetcher(resolve=steady_resolve, allowed_networks=ONLY_CHECKED_ADDRESS) as fetcher:
        results = [fetcher.fetch(request) for request in (checked, checked, configured, configured)]
    assert ["ok"] * 4 == [result.outcome for result in results]
    ports = [request.client_port for request in checked_site.requests]
    assert ports[0] == ports[1]
    assert ports[2] == ports[3]


def test_r22_through_a_proxy_the_request_names_the_host(
    local_site: LocalSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through a configured proxy, the checked host is named, not addressed: the proxy resolves."""
    monkeypatch.setenv("HTTP_PROXY", local_site.url("/").rstrip("/"))
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    local_site.set("http://city.example/page", PAGE)
    with make_fetcher(
        resolve=RebindingResolver(), allowed_networks=ONLY_CHECKED_ADDRESS
    ) as fetcher:
        result = fetcher.fetch(
            FetchRequest(
                "http://city.example/page", trusted=False, allowed_hosts=frozenset({"city.example"})
            )
        )
    assert "ok" == result.outcome, result.error
    assert ["http://city.example/page"] == local_site.paths()
    assert "city.example" == local_site.requests[0].headers["Host"]


@dataclass(frozen=True)
class Certificate:
    """A self-signed certificate (its own authority) for one DNS name, and its key."""

    name: str
    certificate: Path
    key: Path


def make_certificate(directory: Path, name: str) -> Certificate:
    """Have openssl make a certificate for `name` only (no IP address in it)."""
    certificate, key = directory / f"{name}.crt", directory / f"{name}.key"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={name}",
            "-addext",
            f"subjectAltName=DNS:{name}",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return Certificate(name, certificate, key)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Certificate]:
    assert shutil.which("openssl"), "the openssl command makes the test certificates"
    directory = tmp_path_factory.mktemp("tls")
    return {name: make_certificate(directory, name) for name in ("localhost", "other.example")}


def fetch_over_tls(
    certificate: Certificate, monkeypatch: pytest.MonkeyPatch
) -> tuple[FetchResult, CheckedAddressSite]:
    """Fetch https://localhost:PORT/page from the checked address, serving `certificate`."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate.certificate))
    with CheckedAddressSite(certificate.certificate, certificate.key) as site:
        site.pages["/page"] = PAGE
        with make_fetcher(
            resolve=RebindingResolver(), allowed_networks=ONLY_CHECKED_ADDRESS, retries=0
        ) as fetcher:
            result = fetcher.fetch(
                FetchRequest(
                    site.url("/page"), trusted=False, allowed_hosts=frozenset({"localhost"})
                )
            )
    return result, site


def test_r22_tls_to_the_checked_address_uses_the_host_name(
    certificates: dict[str, Certificate], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over HTTPS to the checked address, SNI and the certificate check use the host name (R22)."""
    result, site = fetch_over_tls(certificates["localhost"], monkeypatch)
    assert "ok" == result.outcome, result.error
    assert PAGE == result.text
    assert ["localhost"] == site.server_names


def test_r22_tls_certificate_for_another_name_is_refused(
    certificates: dict[str, Certificate], monkeypatch: pytest.MonkeyPatch
) -> None:
    """At the checked address, a certificate not naming the host still fails the fetch (R22)."""
    result, site = fetch_over_tls(certificates["other.example"], monkeypatch)
    assert "failed" == result.outcome
    assert "certificate" in error_of(result).lower()
    assert ["localhost"] == site.server_names
    assert [] == site.requests


# Timeouts and the deadline (R9).


def test_r9_server_that_never_answers_times_out(local_site: LocalSite) -> None:
    """A server that accepts and never answers fails at the read timeout, quickly (R9)."""
    local_site.handle("/p", hang())
    started = time.monotonic()
    with make_fetcher(read_timeout=0.3, retries=1, backoff_base=0.05) as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/p")))
    elapsed = time.monotonic() - started
    assert "failed" == result.outcome
    assert "read timeout" in error_of(result)
    assert 2 == result.attempts
    assert elapsed < 2.0


def test_r9_trickling_body_stops_at_the_deadline(local_site: LocalSite) -> None:
    """A body sent a byte at a time stops at the overall deadline, not the read timeout (R9)."""
    local_site.handle("/p", trickle(b"x" * 1000, interval=0.02))
    started = time.monotonic()
    with make_fetcher(read_timeout=0.5, deadline=0.6) as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/p")))
    elapsed = time.monotonic() - started
    assert "failed" == result.outcome
    assert "deadline of 0.6 s exceeded" == result.error
    assert elapsed < 1.5


def test_r9_body_stalling_late_is_cut_at_the_deadline_not_after_a_read_timeout(
    local_site: LocalSite,
) -> None:
    """A body that goes silent near the deadline ends at the deadline, not a read timeout later."""

    def stall_late(request: SiteRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", "1000")
        request.end_headers()
        # Past the socket's first wait's start, so the wait left for the last read must be
        # cut to the deadline; then nothing more.
        if request.write(b"x" * 10) and not request.site.stopped.wait(0.7):
            request.write(b"y" * 10)
            request.site.stopped.wait()
        request.close_connection = True

    local_site.handle("/p", stall_late)
    started = time.monotonic()
    with make_fetcher(read_timeout=5.0, deadline=1.0) as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/p")))
    elapsed = time.monotonic() - started
    assert "deadline of 1 s exceeded" == result.error
    assert elapsed < 1.5, "the last read waited past the deadline"


def test_r9_page_queued_behind_an_endless_one_keeps_its_own_deadline(local_site: LocalSite) -> None:
    """A fetch waiting its turn behind a never-ending page of its host still gets its page (R9)."""
    local_site.handle("/endless", trickle(b"x" * 10_000, interval=0.02))
    local_site.set("/p", PAGE)
    # The host's pacing (0.3 s) comes on top of the wait for the endless page to give up.
    with make_fetcher(read_timeout=0.5, deadline=0.6, min_host_delay=0.3) as fetcher:
        results: dict[str, FetchResult] = {}
        endless = threading.Thread(
            target=lambda: results.update(
                endless=fetcher.fetch(FetchRequest(local_site.url("/endless")))
            )
        )
        endless.start()
        deadline = time.monotonic() + 2
        while not local_site.requests_for("/endless") and time.monotonic() < deadline:
            time.sleep(0.01)
        queued = fetcher.fetch(FetchRequest(local_site.url("/p")))
        endless.join(timeout=5)
    assert "deadline of 0.6 s exceeded" == results["endless"].error
    assert "ok" == queued.outcome
    assert queued.duration >= 0.4, "it did wait for the host"


# Parallel requests to one host when it asks for no delay (issue 8).


class SlowPage:
    """A handler that answers after `seconds`, counting how many requests it serves at once."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most_at_once = 0

    def __call__(self, request) -> None:  # a tests.httpsite.SiteRequestHandler
        with self.lock:
            self.in_flight += 1
            self.most_at_once = max(self.most_at_once, self.in_flight)
        time.sleep(self.seconds)
        with self.lock:
            self.in_flight -= 1
        request.reply(200, PAGE.encode())


def fetch_together(fetcher: Fetcher, urls: list[str]) -> list[FetchResult]:
    """Fetch the URLs from one thread each, all started at once."""
    results: list[FetchResult | None] = [None] * len(urls)

    def fetch(index: int) -> None:
        results[index] = fetcher.fetch(FetchRequest(urls[index]))

    threads = [threading.Thread(target=fetch, args=(index,)) for index in range(len(urls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert all(result is not None for result in results)
    return [result for result in results if result is not None]


def test_host_without_delay_gets_parallel_requests(local_site: LocalSite) -> None:
    """With min_host_delay 0, a host's requests overlap: they all arrive before one is answered."""
    slow = SlowPage(0.3)
    paths = [f"/p{number}" for number in range(4)]
    for path in paths:
        local_site.handle(path, slow)
    with make_fetcher(min_host_delay=0.0, max_host_connections=4) as fetcher:
        results = fetch_together(fetcher, [local_site.url(path) for path in paths])
    arrivals = sorted(request.at for request in local_site.requests)
    assert {"ok"} == {result.outcome for result in results}
    assert 4 == slow.most_at_once
    assert arrivals[-1] - arrivals[0] < 0.25, "the last one arrived after the first was answered"


def test_parallel_requests_to_one_host_are_capped(local_site: LocalSite) -> None:
    """No more than max_host_connections requests to one host are ever open at once."""
    slow = SlowPage(0.15)
    paths = [f"/p{number}" for number in range(6)]
    for path in paths:
        local_site.handle(path, slow)
    with make_fetcher(min_host_delay=0.0, max_host_connections=2) as fetcher:
        results = fetch_together(fetcher, [local_site.url(path) for path in paths])
    assert {"ok"} == {result.outcome for result in results}
    assert 2 == slow.most_at_once


def test_host_with_delay_gets_one_request_at_a_time(local_site: LocalSite) -> None:
    """With a delay, a host's requests never overlap, each starting a delay after the last ended."""
    slow = SlowPage(0.1)
    delay = 0.2
    paths = [f"/p{number}" for number in range(3)]
    for path in paths:
        local_site.handle(path, slow)
    with make_fetcher(min_host_delay=delay, max_host_connections=4) as fetcher:
        results = fetch_together(fetcher, [local_site.url(path) for path in paths])
    arrivals = sorted(request.at for request in local_site.requests)
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:], strict=False)]
    assert {"ok"} == {result.outcome for result in results}
    assert 1 == slow.most_at_once
    assert all(gap >= (slow.seconds + delay) * 0.95 for gap in gaps), gaps


def test_robots_crawl_delay_keeps_a_host_sequential(
    local_site: LocalSite, fake_time: FakeTime
) -> None:
    """A Crawl-delay in robots.txt makes a host sequential even when min_host_delay is 0."""
    local_site.set("/robots.txt", "User-agent: *\nCrawl-delay: 1\n", content_type="text/plain")
    slow = SlowPage(0.1)
    paths = [f"/p{number}" for number in range(3)]
    for path in paths:
        local_site.handle(path, slow)
    # Fake time: the pacing sleeps cost nothing; the overlap is measured in real time.
    with make_fetcher(fake_time, obey_robots=True, min_host_delay=0.0) as fetcher:
        results = fetch_together(fetcher, [local_site.url(path) for path in paths])
    assert {"ok"} == {result.outcome for result in results}
    assert 1 == slow.most_at_once
    assert [1.0, 1.0, 1.0] == [round(wait, 3) for wait in fake_time.sleeps]


# urllib3 directly, without requests' layers (issue 8): what requests did, still done.


def unused_port() -> int:
    """A local port nobody listens on."""
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        return unused.getsockname()[1]


def basic(credentials: str) -> str:
    """The Basic authorization value for "user:password"."""
    return "Basic " + base64.b64encode(credentials.encode("latin-1")).decode("ascii")


def use_proxy(monkeypatch: pytest.MonkeyPatch, proxy: str, no_proxy: str = "") -> None:
    """Set the environment's HTTP proxy (and no_proxy), the lower-case spellings cleared."""
    for name in ("http_proxy", "no_proxy", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.setenv("NO_PROXY", no_proxy)


def test_requests_carry_the_headers_requests_sent(local_site: LocalSite) -> None:
    """Each request offers gzip and deflate, accepts any type and asks to keep the connection."""
    local_site.set("/p", PAGE)
    with make_fetcher() as fetcher:
        fetcher.fetch(FetchRequest(local_site.url("/p")))
    headers = local_site.requests_for("/p")[0].headers
    assert ("gzip, deflate", "*/*", "keep-alive") == (
        headers["Accept-Encoding"],
        headers["Accept"],
        headers["Connection"],
    )


def test_credentials_in_the_url_are_sent_as_basic_authorization(local_site: LocalSite) -> None:
    """A URL's user and password (percent-decoded) become a Basic Authorization header."""
    local_site.set("/p", PAGE)
    url = local_site.url("/p").replace("http://", "http://reader:p%40ss@")
    with make_fetcher() as fetcher:
        result = fetcher.fetch(FetchRequest(url))
    assert "ok" == result.outcome, result.error
    assert basic("reader:p@ss") == local_site.requests_for("/p")[0].headers["Authorization"]


def test_unsendable_url_fails_at_once_without_retries(fake_time: FakeTime) -> None:
    """A URL that cannot be sent (its port is out of range) fails as a bad request, not retried."""
    with make_fetcher(fake_time) as fetcher:
        result = fetcher.fetch(FetchRequest("http://127.0.0.1:99999/"))
    assert "failed" == result.outcome
    assert error_of(result).startswith("request failed:")
    assert 1 == result.attempts
    assert [] == fake_time.sleeps


def test_plain_http_crawl_never_loads_the_ca_bundle(local_site: LocalSite) -> None:
    """The TLS context (30 ms and 1.6 MB to load the CA bundle) waits for an HTTPS request."""
    local_site.set("/p", PAGE)
    with make_fetcher() as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/p")))
        assert "ok" == result.outcome, result.error
        assert fetcher._tls is None


def test_malformed_url_fails_with_its_reason_not_an_internal_error(fake_time: FakeTime) -> None:
    """A URL that cannot be parsed (an IPv6 literal left open) fails as an invalid URL."""
    with make_fetcher(fake_time) as fetcher:
        result = fetcher.fetch(FetchRequest("http://[::1/page"))
    assert "failed" == result.outcome
    assert error_of(result).startswith("invalid URL http://[::1/page")
    assert 0 == result.attempts


def test_host_in_no_proxy_is_reached_directly(
    local_site: LocalSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A host in no_proxy (here by its IPv4 network) is reached directly, the dead proxy unused."""
    use_proxy(monkeypatch, f"http://127.0.0.1:{unused_port()}", "example.org, 127.0.0.0/8")
    local_site.set("/p", PAGE)
    with make_fetcher() as fetcher:
        result = fetcher.fetch(FetchRequest(local_site.url("/p")))
    assert "ok" == result.outcome, result.error
    assert ["/p"] == local_site.paths()


def test_proxy_credentials_are_sent_to_the_proxy(
    local_site: LocalSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A proxy URL's user and password become its Proxy-Authorization header."""
    use_proxy(monkeypatch, local_site.url("").replace("http://", "http://me:s%3Acret@"))
    local_site.set("http://city.example/page", PAGE)
    with make_fetcher() as fetcher:
        result = fetcher.fetch(FetchRequest("http://city.example/page"))
    assert "ok" == result.outcome, result.error
    assert basic("me:s:cret") == local_site.requests[0].headers["Proxy-Authorization"]


def test_unreadable_ca_bundle_fails_https_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_time: FakeTime
) -> None:
    """A CA bundle that cannot be read fails HTTPS fetches, naming it, and they are not retried."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "missing.pem"))
    with make_fetcher(fake_time) as fetcher:
        result = fetcher.fetch(FetchRequest(f"https://127.0.0.1:{unused_port()}/"))
    assert "failed" == result.outcome
    assert "missing.pem" in error_of(result)
    assert [] == fake_time.sleeps
