"""`watcher demo`: a built-in timeline on simulated local sites, with a local mail sink.

Nothing here is a shortcut: the demo runs the very code a real deployment runs. A threaded
HTTP server on 127.0.0.1 plays a Justice Department site and a city newsroom, a tiny SMTP
server on 127.0.0.1 receives the alerts, a throwaway configuration and database live in a
temporary folder, and each step of the timeline is one `Crawler.crawl()` followed by one
`send_pending()`, exactly as `watcher crawl` does. The pages and the steps are package data
(watcher/data/demo/: steps.toml in the scenario format of spec/STATUSES.md).

The SMTP server is written here, not taken from aiosmtpd, because aiosmtpd is only a test
dependency; it speaks just enough SMTP for smtplib (EHLO/HELO, MAIL, RCPT, DATA, RSET,
NOOP, QUIT) and keeps every message it accepts.
"""

from __future__ import annotations

import http.server
import logging
import socketserver
import tempfile
import threading
import tomllib
from collections.abc import Generator
from contextlib import ExitStack
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from importlib import resources
from pathlib import Path
from typing import TextIO

from watcher.config import Config, load_config
from watcher.delivery import display_name, send_pending
from watcher.pipeline import Crawler
from watcher.store import Store, statuses
from watcher.store.subscriptions import add_subscription

log = logging.getLogger(__name__)

SUBSCRIBER = "subscriber@example.org"
SENDER = "watcher-demo@example.org"
HEADERS_SHOWN = (
    "From",
    "To",
    "Subject",
    "X-Watcher-Jurisdiction",
    "X-Watcher-Status-From",
    "X-Watcher-Status-To",
)
RULE = "-" * 72
MAX_SMTP_LINE = 64 * 1024  # far above the 1000 octets SMTP allows; ends a runaway client


# --- the built-in timeline ----------------------------------------------------------------


@dataclass(frozen=True)
class DemoStep:
    """One step: pages that change (path -> package file, "" for 404) and expected alerts."""

    name: str
    pages: dict[str, str]
    alerts: tuple[tuple[str, str, str], ...]  # (jurisdiction, from, to)


def demo_file(name: str) -> bytes:
    """The bytes of a file of watcher/data/demo."""
    return resources.files("watcher").joinpath("data", "demo", name).read_bytes()


def demo_steps() -> list[DemoStep]:
    """The demo's timeline, read from the packaged steps.toml."""
    steps = tomllib.loads(demo_file("steps.toml").decode("utf-8"))["step"]
    return [
        DemoStep(
            name=step["name"],
            pages=dict(step.get("pages", {})),
            alerts=tuple((a["jurisdiction"], a["from"], a["to"]) for a in step["alerts"]),
        )
        for step in steps
    ]


# --- a local web site -----------------------------------------------------------------------


class _PageHandler(http.server.BaseHTTPRequestHandler):
    server: _SiteServer

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, *, send_body: bool) -> None:
        body = self.server.site.page(self.path.split("?", 1)[0])
        if body is None:
            self.send_response(404)
            body = b"<!DOCTYPE html><title>Not found</title><p>Not found.</p>"
        else:
            self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 -- the base's name
        log.debug("demo site: " + format, *args)


class _SiteServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: DemoSite):
        super().__init__(("127.0.0.1", 0), _PageHandler)
        self.site = site


class DemoSite:
    """A threaded HTTP server on 127.0.0.1 that answers the pages a step sets (404 otherwise)."""

    def __init__(self) -> None:
        self._pages: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._server = _SiteServer(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="demo-site", daemon=True
        )

    @property
    def host(self) -> str:
        """ "127.0.0.1:PORT"."""
        host, port = self._server.server_address[:2]
        return f"{host!s}:{port}"

    def page(self, path: str) -> bytes | None:
        with self._lock:
            return self._pages.get(path)

    def set(self, path: str, body: bytes | None) -> None:
        """Serve `body` at `path` from now on; None answers 404."""
        with self._lock:
            if body is None:
                self._pages.pop(path, None)
            else:
                self._pages[path] = body

    def __enter__(self) -> DemoSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


# --- a local mail sink ----------------------------------------------------------------------


class _SmtpHandler(socketserver.StreamRequestHandler):
    """One SMTP session: enough of RFC 5321 for smtplib, every message kept."""

    server: _SmtpServer

    def handle(self) -> None:
        self._reply("220 demo-sink ESMTP ready")
        sender: str | None = None
        recipients: list[str] = []
        while True:
            line = self.rfile.readline(MAX_SMTP_LINE)
            if not line:
                return
            command = line.decode("ascii", "replace").rstrip("\r\n")
            verb, _, argument = command.partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                self._reply("250-demo-sink", "250-8BITMIME", "250 HELP")
            elif verb == "HELO":
                self._reply("250 demo-sink")
            elif verb == "MAIL" and argument.upper().startswith("FROM:"):
                sender, recipients = _address(argument[5:]), []
                self._reply("250 2.1.0 OK")
            elif verb == "RCPT" and argument.upper().startswith("TO:"):
                if sender is None:
                    self._reply("503 5.5.1 MAIL first")
                else:
                    recipients.append(_address(argument[3:]))
                    self._reply("250 2.1.5 OK")
            elif verb == "DATA":
                if sender is None or not recipients:
                    self._reply("503 5.5.1 MAIL and RCPT first")
                    continue
                self._reply("354 end data with <CR><LF>.<CR><LF>")
                data = self._read_data()
                if data is None:
                    return
                number = self.server.sink.keep(sender, recipients, data)
                self._reply(f"250 2.0.0 OK queued as {number}")
                sender, recipients = None, []
            elif verb == "RSET":
                sender, recipients = None, []
                self._reply("250 2.0.0 OK")
            elif verb == "NOOP":
                self._reply("250 2.0.0 OK")
            elif verb == "QUIT":
                self._reply("221 2.0.0 bye")
                return
            else:
                self._reply("502 5.5.2 command not implemented")

    def _read_data(self) -> bytes | None:
        """The message up to the lone dot, dot-stuffing undone; None if the client left."""
        lines: list[bytes] = []
        while True:
            line = self.rfile.readline(MAX_SMTP_LINE)
            if not line:
                return None
            if line in (b".\r\n", b".\n"):
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b".") else line)

    def _reply(self, *lines: str) -> None:
        self.wfile.write("".join(f"{line}\r\n" for line in lines).encode("ascii"))
        self.wfile.flush()


def _address(text: str) -> str:
    return text.strip().split(" ", 1)[0].strip("<>")


class _SmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, sink: DemoMailSink):
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.sink = sink


@dataclass(frozen=True)
class SinkMessage:
    """A message the sink accepted, parsed as a mail reader would."""

    sender: str
    recipients: tuple[str, ...]
    message: EmailMessage


@dataclass
class DemoMailSink:
    """An SMTP server on 127.0.0.1 that accepts every message and keeps it."""

    messages: list[SinkMessage] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server = _SmtpServer(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="demo-smtp", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def keep(self, sender: str, recipients: list[str], data: bytes) -> int:
        """Store one received message; its number."""
        parsed = BytesParser(policy=policy.default).parsebytes(data.replace(b"\r\n", b"\n"))
        with self._lock:
            self.messages.append(SinkMessage(sender, tuple(recipients), parsed))  # type: ignore[arg-type]
            return len(self.messages)

    def take(self) -> list[SinkMessage]:
        """The messages received since the last take."""
        with self._lock:
            taken, self.messages = self.messages, []
        return taken

    def __enter__(self) -> DemoMailSink:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


# --- playing the timeline -----------------------------------------------------------------


def write_demo_config(folder: Path, site_host: str, smtp_port: int) -> Path:
    """A sources.toml in `folder` for the demo's sources on the local site and mail sink."""
    sources = demo_file("sources.toml").decode("utf-8").replace("{site}", site_host)
    settings = (
        "[watcher]\n"
        'database = "watcher.db"\n'
        "min_host_delay = 0\n"
        "retries = 0\n"
        "timeout = 10\n"
        'user_agent = "watcher-demo/1 (+https://github.com/jurisdiction-watcher/watcher)"\n'
        "\n[smtp]\n"
        'host = "127.0.0.1"\n'
        f"port = {smtp_port}\n"
        'security = "none"\n'
        f'sender = "{SENDER}"\n'
        "timeout = 10\n\n"
    )
    path = folder / "sources.toml"
    path.write_text(settings + sources, encoding="utf-8")
    return path


@dataclass
class StepOutcome:
    """What one step of the demo did."""

    step: DemoStep
    messages: list[SinkMessage]
    failures: list[tuple[str, str]]  # (url, reason) of pages that could not be crawled
    baseline_total: int  # statuses recorded without an alert (first crawls) so far

    @property
    def received(self) -> list[tuple[str, str, str]]:
        """(jurisdiction, from, to) of every alert received, sorted."""
        return sorted(
            (
                str(m.message["X-Watcher-Jurisdiction"]),
                str(m.message["X-Watcher-Status-From"]),
                str(m.message["X-Watcher-Status-To"]),
            )
            for m in self.messages
        )

    @property
    def as_expected(self) -> bool:
        return sorted(self.step.alerts) == self.received and not self.failures


def play_timeline(folder: Path) -> Generator[tuple[StepOutcome, Store, Config], None, None]:
    """Play the demo's steps with a database in `folder`; yield each step's outcome.

    The site, the mail sink and the database stay open until the generator is closed, so
    a caller may read the store between steps.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        site = stack.enter_context(DemoSite())
        sink = stack.enter_context(DemoMailSink())
        config = load_config(write_demo_config(folder, site.host, sink.port))
        store = stack.enter_context(Store(config.settings.database))
        add_subscription(store, SUBSCRIBER)
        crawler = Crawler(config, store)
        for step in demo_steps():
            for path, file in step.pages.items():
                site.set(path, demo_file(file) if file else None)
            summary = crawler.crawl()
            send_pending(store, config)
            failures = [failure for result in summary.results for failure in result.failures]
            outcome = StepOutcome(step, sink.take(), failures, _baseline_count(store))
            yield outcome, store, config


def _baseline_count(store: Store) -> int:
    return len([row for row in statuses.jurisdiction_changes(store) if row["baseline"]])


# --- what the demo prints -----------------------------------------------------------------


def run_demo(out: TextIO, *, folder: Path | None = None) -> int:
    """Play the built-in timeline and print the emails a subscriber receives; 0 if as expected.

    The database and configuration go to `folder` when given (kept afterwards), else to a
    temporary folder removed at the end.
    """
    with ExitStack() as stack:
        if folder is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="watcher-demo-")))
        steps = demo_steps()
        out.write(
            "watcher demo: a simulated Justice Department site and a city newsroom on 127.0.0.1,\n"
            "a throwaway database and a local mail sink. No internet, no real mail.\n"
            f"Subscribed {SUBSCRIBER} to every jurisdiction and every status.\n"
        )
        ok = True
        baseline_before = 0
        timeline = play_timeline(folder)
        try:
            for number, (outcome, store, _config) in enumerate(timeline, start=1):
                out.write(f"\n=== Step {number} of {len(steps)}: {outcome.step.name}\n")
                _print_step(out, outcome, outcome.baseline_total - baseline_before)
                baseline_before = outcome.baseline_total
                ok = ok and outcome.as_expected
                if number == len(steps):  # while the database is still open
                    _print_statuses(out, store)
        finally:
            timeline.close()
        out.write(
            "\nDemo finished: every step sent exactly the alerts it should.\n"
            if ok
            else "\nDemo finished, but some step did not send the alerts it should (see above).\n"
        )
        return 0 if ok else 1


def _print_step(out: TextIO, outcome: StepOutcome, new_baseline: int) -> None:
    for url, reason in outcome.failures:
        out.write(f"  could not crawl {url}: {reason}\n")
    if new_baseline:
        out.write(
            f"  {new_baseline} statuses recorded as the baseline: a source's first crawl "
            "sends no alert.\n"
        )
    count = len(outcome.messages)
    out.write(f"  {count} email{'' if count == 1 else 's'} received.\n")
    for received in outcome.messages:
        out.write(_show_message(received.message))
    expected = sorted(outcome.step.alerts)
    if expected != outcome.received:
        out.write(f"  UNEXPECTED: wanted alerts {expected}, got {outcome.received}\n")


def _show_message(message: EmailMessage) -> str:
    """The headers a reader sees first, then the plain-text part, indented."""
    lines = ["", f"  {RULE}"]
    for name in HEADERS_SHOWN:
        value = message.get(name)
        if value is not None:
            lines.append(f"  {name}: {value}")
    lines.append("")
    part = message.get_body(preferencelist=("plain",))
    text = part.get_content() if part is not None else ""
    lines += [f"  {line}".rstrip() for line in str(text).rstrip("\n").split("\n")]
    lines.append(f"  {RULE}")
    return "\n".join(lines) + "\n"


def _print_statuses(out: TextIO, store: Store) -> None:
    rows = statuses.current_statuses(store)
    out.write("\n=== Statuses after the last step (as `watcher status` shows them)\n")
    out.write(f"  {'JURISDICTION':22} {'FEDERAL':14} {'STANCE':9} {'SINCE':10}  NAME\n")
    for row in rows:
        out.write(
            f"  {row['jurisdiction']:22} {row['federal_status'] or '-':14} "
            f"{row['stance'] or '-':9} {row['event_date'] or '':10}  "
            f"{display_name(row['jurisdiction'])}\n"
        )
