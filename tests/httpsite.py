"""A local website for tests: a threaded HTTP server on 127.0.0.1 that a test controls.

Usage::

    with LocalSite() as site:
        site.set("/page", "<p>hello</p>", etag='"v1"')
        site.handle("/slow", trickle(b"x" * 100, interval=0.05))
        url = site.url("/page")
        ...
        assert ["/page"] == site.paths()

Each path answers with what the test set: body, status, headers, an ETag (a matching
If-None-Match gets 304) or a Last-Modified (a later or equal If-Modified-Since gets 304),
or a handler callable for special behaviour. Unknown paths, and `/robots.txt` unless set,
answer 404. Every request is recorded (method, path, headers, arrival time).

The `local_site` fixture yields a started LocalSite. To use it in a test module, import it
(`from tests.httpsite import local_site`); for the whole suite, conftest.py can declare
`pytest_plugins = ["tests.httpsite"]`. Imports assume the repository root is on sys.path
(pytest's `pythonpath = ["."]`).
"""

from __future__ import annotations

import email.utils
import http.server
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import Message

import pytest

Handler = Callable[["SiteRequestHandler"], None]


@dataclass(frozen=True)
class RecordedRequest:
    """One request the site received."""

    method: str
    path: str  # with the query string, as sent
    headers: Message  # case-insensitive .get()
    at: float  # time.monotonic() on arrival
    body: bytes = b""


@dataclass
class Route:
    """What one path answers."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    handler: Handler | None = None


class SiteRequestHandler(http.server.BaseHTTPRequestHandler):
    """Answers from the site's routes; handlers get this object to write raw replies."""

    protocol_version = "HTTP/1.1"
    server: _SiteServer

    @property
    def site(self) -> LocalSite:
        return self.server.site

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def do_POST(self) -> None:
        self._answer(send_body=True)

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionResetError, BrokenPipeError):
            pass  # the client went away between requests: normal for a pooled client

    def _answer(self, send_body: bool) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        request_body = self.rfile.read(length) if length else b""
        self.site._record(
            RecordedRequest(self.command, self.path, self.headers, time.monotonic(), request_body)
        )
        route = self.site.route(self.path)
        if route is None:
            self.reply(404, b"not found", {"Content-Type": "text/plain"}, send_body=send_body)
            return
        if route.handler is not None:
            route.handler(self)
            return
        headers = dict(route.headers)
        if route.etag is not None:
            headers["ETag"] = route.etag
        if route.last_modified is not None:
            headers["Last-Modified"] = route.last_modified
        if self._not_modified(route):
            self.reply(304, b"", headers, send_body=False)
            return
        self.reply(route.status, route.body, headers, send_body=send_body)

    def _not_modified(self, route: Route) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            # A validator list may hold weak tags; weak comparison is what GET uses.
            wanted = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return route.etag is not None and (
                "*" in wanted or route.etag.removeprefix("W/") in wanted
            )
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since is not None and route.last_modified is not None:
            try:
                since = email.utils.parsedate_to_datetime(if_modified_since)
                modified = email.utils.parsedate_to_datetime(route.last_modified)
            except (TypeError, ValueError):
                return False
            return modified <= since
        return False

    def reply(
        self,
        status: int,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        *,
        send_body: bool = True,
    ) -> None:
        """Send a complete reply with a Content-Length (no body for 1xx, 204, 304)."""
        headers = dict(headers or {})
        self.send_response(status)
        has_body = status not in (204, 304) and status >= 200
        if has_body:
            headers.setdefault("Content-Type", "text/html; charset=utf-8")
            headers.setdefault("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if has_body and send_body:
            self.write(body)

    def write(self, data: bytes) -> bool:
        """Write to the client; False when it has gone away (clients may stop reading early)."""
        try:
            self.wfile.write(data)
            self.wfile.flush()
            return True
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            return False

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output quiet; requests are recorded instead


class _SiteServer(http.server.ThreadingHTTPServer):
    daemon_threads = True  # a hanging handler must not keep the test process alive
    site: LocalSite


class LocalSite:
    """A threaded HTTP server on 127.0.0.1 with an ephemeral port; use as a context manager."""

    def __init__(self) -> None:
        self._server = _SiteServer(("127.0.0.1", 0), SiteRequestHandler)
        self._server.site = self
        self._routes: dict[str, Route] = {}
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        # Handlers that hang or trickle wait on this, so closing the site releases them.
        self.stopped = threading.Event()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def host(self) -> str:
        """The "127.0.0.1:PORT" part of this site's URLs."""
        return f"127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        """The absolute URL of a path on this site."""
        return f"http://{self.host}{path}"

    def start(self) -> LocalSite:
        """Start serving in a background thread."""
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving and release any handler still waiting."""
        self.stopped.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LocalSite:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def set(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        content_type: str | None = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Route:
        """Make `path` answer with this body, status and headers (a str body is sent as UTF-8)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        all_headers = {"Content-Type": content_type} if content_type else {}
        all_headers.update(headers or {})
        route = Route(data, status, all_headers, etag, last_modified)
        with self._lock:
            self._routes[path] = route
        return route

    def handle(self, path: str, handler: Handler) -> None:
        """Make `path` answer through `handler(request_handler)`, for special behaviour."""
        with self._lock:
            self._routes[path] = Route(handler=handler)

    def remove(self, path: str) -> None:
        """Make `path` answer 404 again."""
        with self._lock:
            self._routes.pop(path, None)

    def route(self, path: str) -> Route | None:
        """The route for a request path: an exact match with the query, else without it."""
        with self._lock:
            return self._routes.get(path) or self._routes.get(path.split("?", 1)[0])

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def paths(self) -> list[str]:
        """The paths of every request received so far, oldest first."""
        return [request.path for request in self.requests]

    def requests_for(self, path: str) -> list[RecordedRequest]:
        """The requests received for one path."""
        return [request for request in self.requests if request.path == path]


# Handlers for behaviour that a plain route cannot express.


def redirect(location: str, status: int = 302) -> Handler:
    """A handler that redirects to `location`."""

    def answer(request: SiteRequestHandler) -> None:
        request.reply(status, b"", {"Location": location, "Content-Length": "0"})

    return answer


def hang() -> Handler:
    """A handler that accepts the request and never answers (until the site closes)."""

    def answer(request: SiteRequestHandler) -> None:
        request.site.stopped.wait()
        request.close_connection = True

    return answer


def trickle(
    data: bytes,
    interval: float,
    content_type: str = "text/html; charset=utf-8",
) -> Handler:
    """A handler that sends headers at once, then the body one byte per `interval` seconds."""

    def answer(request: SiteRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        for index in range(len(data)):
            if not request.write(data[index : index + 1]) or request.site.stopped.wait(interval):
                break
        request.close_connection = True

    return answer


def stream_without_length(
    chunk: bytes, count: int, content_type: str = "text/html; charset=utf-8"
) -> Handler:
    """A handler that sends `count` copies of `chunk` with no Content-Length, then closes."""

    def answer(request: SiteRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", content_type)
        request.send_header("Connection", "close")
        request.end_headers()
        request.close_connection = True
        for _ in range(count):
            if not request.write(chunk):
                break

    return answer


def drop_connection() -> Handler:
    """A handler that closes the connection without answering."""

    def answer(request: SiteRequestHandler) -> None:
        request.close_connection = True

    return answer


def sequence(*handlers: Handler) -> Handler:
    """A handler that uses the given handlers in turn, the last one for every later request."""
    remaining = list(handlers)
    lock = threading.Lock()

    def answer(request: SiteRequestHandler) -> None:
        with lock:
            handler = remaining.pop(0) if len(remaining) > 1 else remaining[0]
        handler(request)

    return answer


def respond(status: int, body: bytes | str = b"", headers: dict[str, str] | None = None) -> Handler:
    """A handler that sends one fixed reply, for use in `sequence`."""
    data = body.encode("utf-8") if isinstance(body, str) else body

    def answer(request: SiteRequestHandler) -> None:
        request.reply(status, data, headers)

    return answer


@pytest.fixture
def local_site() -> Iterator[LocalSite]:
    """A started LocalSite, closed after the test."""
    with LocalSite() as site:
        yield site
