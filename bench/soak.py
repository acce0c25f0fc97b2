"""Soak test: the daemon for a few minutes against changing pages, a flaky SMTP server and kills.

    .venv/bin/python bench/soak.py [--pages 500] [--seconds 180 | --rounds N] [--seed 1]

What runs, all on 127.0.0.1:

- a web site of N statement pages (ETag and 304 supported, no robots.txt), one `page`
  source each; every round a share of the pages gets a new text, most of them a sentence
  moving their city's federal status one step along compliant -> under_review -> warned ->
  sued -> compliant (real city names from the gazetteer, one city per page), the others
  only a new revision number;
- an SMTP server (aiosmtpd) that fails a share of the transactions: 451 at RCPT, 421 and
  a closed connection at MAIL, or a connection dropped once the message data has arrived
  and before any reply (nothing recorded then);
- `python -m watcher --config X run` as a child process, killed with SIGKILL at random
  rounds and started again at once (R11), and manual crawls of random sources from this
  process beside it (R4, R14);
- three subscribers: everything, one state, one status.

At the end the pages stop changing, the SMTP server accepts everything, the daemon gets
SIGTERM, and `watcher send` drains what still waits for its next try. Then the checks:
every non-baseline row of `status_changes` times every subscription it matches is one
expected email, keyed by its Message-ID; each must have arrived (no loss), exactly once,
except for one more copy after a kill that came within R3_WINDOW seconds of the first copy
(the crash between the server's 250 and the "sent" mark that R3 allows); the database
passes `PRAGMA integrity_check`; the daemon's memory (VmRSS) did not grow by more than
--rss-growth MiB after its warm-up. One line of figures, then "ok" or what failed; exit 0
when everything held.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import http.server
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

REPO_DIR = Path(__file__).resolve().parent.parent
STATUS_CYCLE = ("compliant", "under_review", "warned", "sued")
SENTENCES = {
    "compliant": "The Justice Department today found the City of {place} in compliance with "
    "8 U.S.C. 1373.",
    "under_review": "The Justice Department today sent a letter asking the City of {place} "
    "to certify its compliance with 8 U.S.C. 1373.",
    "warned": "The Justice Department today gave the City of {place} a final warning to "
    "comply with federal immigration law or lose its grants.",
    "sued": "The Justice Department today filed a lawsuit against the City of {place}.",
}
STATUS_SHARE = 0.7  # of the page changes: a status step; the rest only a new revision
R3_WINDOW = 5.0  # seconds after a copy's arrival in which a kill explains one more copy
SENDER_DOMAIN = "example.org"
MESSAGE_ID = re.compile(r"<watcher\.(\d+)\.(\d+)@")
MIB = 2**20


# --- the pages ----------------------------------------------------------------------------


@dataclass
class Page:
    """One statement page: its city, where it stands in the status cycle, its revision."""

    city_id: str
    place: str  # "Springfield, Illinois": the state makes the name unambiguous
    step: int
    revision: int = 0

    def body(self, number: int) -> bytes:
        sentence = SENTENCES[STATUS_CYCLE[self.step % len(STATUS_CYCLE)]].format(place=self.place)
        return (
            f"<html><head><title>Statement {number}</title></head><body><main>"
            f"<h1>Statement {number}</h1><p>{sentence}</p>"
            f"<p>Revision {self.revision}.</p></main></body></html>"
        ).encode()


def choose_places(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """`count` cities, most populous first, that the extractor reads right in every sentence."""
    from watcher.content import parse_html
    from watcher.status import Extractor, get_gazetteer

    gazetteer = get_gazetteer()
    extractor = Extractor()
    cities = [j for j in gazetteer.all() if j.kind == "city"]
    cities.sort(key=lambda j: (-(gazetteer.population(j.id) or 0), j.id))
    chosen: list[tuple[str, str]] = []
    for city in cities:
        state = gazetteer.get(city.state)
        place = f"{city.name}, {state.name if state else city.state.upper()}"
        if all(
            {(city.id, status)}
            == {
                (f.jurisdiction, f.status)
                for f in extractor.extract(
                    parse_html(f"<p>{sentence.format(place=place)}</p>", "http://soak/")
                )
            }
            for status, sentence in SENTENCES.items()
        ):
            chosen.append((city.id, place))
        if len(chosen) == count:
            return chosen
    raise SystemExit(f"only {len(chosen)} cities read right; ask for fewer pages")


class QuietServer(http.server.ThreadingHTTPServer):
    """A threaded server that says nothing when a killed daemon leaves mid-request."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class Site:
    """The pages on a threaded HTTP server: ETag = hash of the body, If-None-Match -> 304."""

    def __init__(self, pages: list[Page]):
        self.pages = pages
        self.lock = threading.Lock()
        self.bodies = [page.body(number) for number, page in enumerate(pages)]
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
                match = re.fullmatch(r"/p/(\d+)", self.path)
                body = None
                if match and int(match.group(1)) < len(site.bodies):
                    with site.lock:
                        body = site.bodies[int(match.group(1))]
                if body is None:
                    self._reply(404, b"not found", "text/plain")
                    return
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self._reply(200, body, "text/html; charset=utf-8", etag)

            def _reply(self, status: int, body: bytes, kind: str, etag: str = "") -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, number: int) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/p/{number}"

    def change(self, number: int, status_step: bool) -> None:
        """A new text for a page: the next status of its cycle, or only a new revision."""
        page = self.pages[number]
        page.revision += 1  # every text is new: a page never returns to an older version
        if status_step:
            page.step += 1
        with self.lock:
            self.bodies[number] = page.body(number)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- the SMTP server ----------------------------------------------------------------------


@dataclass
class Received:
    message_id: str
    recipient: str
    at: float  # time.monotonic() when the message was accepted


class FlakySmtp:
    """aiosmtpd handler that fails a share of transactions, each in one of three ways."""

    def __init__(self, failure_share: float, rng: random.Random):
        self.failure_share = failure_share
        self.rng = rng
        self.received: list[Received] = []
        self.failures: Counter[str] = Counter()
        self.lock = threading.Lock()

    def _fails(self, session: Session, stage: str) -> bool:
        # One draw per transaction, at MAIL: which stage (if any) goes wrong.
        return getattr(session, "soak_failure", None) == stage

    async def handle_MAIL(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        failure = None
        if self.rng.random() < self.failure_share:
            failure = self.rng.choice(("mail_421", "rcpt_451", "data_drop"))
            self.failures[failure] += 1
        session.soak_failure = failure  # type: ignore[attr-defined]
        if failure == "mail_421":
            asyncio.get_running_loop().call_soon(_close, server)
            return "421 4.3.2 service not available, closing channel"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        if self._fails(session, "rcpt_451"):
            return "451 4.3.0 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        if self._fails(session, "data_drop"):
            if server.transport is not None:
                server.transport.abort()  # type: ignore[attr-defined]
            return "250 never delivered"
        content = bytes(envelope.original_content or b"")
        found = re.search(rb"^Message-ID:\s*(<[^>\r\n]+>)", content, re.M | re.I)
        message_id = found.group(1).decode() if found else ""
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.received.append(Received(message_id, recipient, time.monotonic()))
        return "250 2.0.0 OK"


def _close(server: SMTP) -> None:
    if server.transport is not None:
        server.transport.close()


# --- the daemon ---------------------------------------------------------------------------


@dataclass
class DaemonProcess:
    """`python -m watcher run` children, one at a time; their RSS samples and kills."""

    config_path: Path
    log_path: Path
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    lives: list[list[tuple[float, int]]] = field(default_factory=list)  # (age, rss) samples
    kills: list[float] = field(default_factory=list)  # time.monotonic() of each SIGKILL
    exit_codes: list[int] = field(default_factory=list)  # of SIGTERMed ones

    def start(self) -> None:
        with open(self.log_path, "ab") as log_file:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "watcher", "--config", str(self.config_path), "run"],
                cwd=REPO_DIR,
                stdout=subprocess.DEVNULL,
                stderr=log_file,
            )
        self.started_at = time.monotonic()
        self.lives.append([])

    def sample(self) -> None:
        """Record the child's resident memory now."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return
        found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        if found:
            self.lives[-1].append((time.monotonic() - self.started_at, int(found.group(1)) * 1024))

    def kill(self) -> None:
        """SIGKILL, as a power cut or the OOM killer would."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.kills.append(time.monotonic())

    def stop(self) -> None:
        """SIGTERM and wait for the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            self.exit_codes.append(self.process.wait(timeout=60))
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.exit_codes.append(self.process.wait())

    def peak_rss(self) -> int:
        return max((rss for life in self.lives for _age, rss in life), default=0)

    def rss_growth(self, warmup: float) -> int | None:
        """Largest growth of one process after its warm-up; None if none lived that long."""
        growths = []
        for life in self.lives:
            warm = [rss for age, rss in life if age >= warmup]
            if len(warm) >= 2:
                growths.append(max(warm) - warm[0])
        return max(growths) if growths else None


# --- the run ------------------------------------------------------------------------------


def free_port() -> int:
    """A port nobody listens on now (aiosmtpd's Controller cannot take port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_config(folder: Path, site: Site, smtp_port: int, pages: int, every: str) -> Path:
    lines = [
        "[watcher]",
        'database = "watcher.db"',
        "min_host_delay = 0",
        "timeout = 5",
        "retries = 1",
        "retry_wait = 0",
        "workers = 4",
        'user_agent = "watcher-soak/1 (+soak@example.org)"',
        "[smtp]",
        'host = "127.0.0.1"',
        f"port = {smtp_port}",
        f'sender = "watcher@{SENDER_DOMAIN}"',
        "timeout = 5",
    ]
    for number in range(pages):
        lines += [
            "[[sources]]",
            f'id = "p{number}"',
            f'url = "{site.url(number)}"',
            f'every = "{every}"',
        ]
    path = folder / "sources.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def subscribe(database: Path, state: str) -> None:
    from watcher.store import Store
    from watcher.store.subscriptions import add_subscription

    with Store(database) as store:
        add_subscription(store, "all@example.net")
        add_subscription(store, f"state-{state}@example.net", states=(state,))
        add_subscription(store, "sued@example.net", statuses=("sued",))


def manual_crawls(config_path: Path, source_ids: list[str]) -> int:
    """`watcher crawl --no-email --source ...` in this process, beside the daemon; failures."""
    from watcher.config import load_config
    from watcher.pipeline import Crawler
    from watcher.store import Store

    config = load_config(config_path)
    with Store(config.settings.database) as store:
        summary = Crawler(config, store).crawl(source_ids)
    return sum(result.failed for result in summary.results)


def expected_emails(database: Path) -> tuple[int, set[str]]:
    """(status changes, Message-IDs of the emails they call for) from the database."""
    from watcher.alerts import make_message_id
    from watcher.store import Store
    from watcher.store.subscriptions import list_subscriptions

    with Store(database) as store:
        changes = store.query(
            "SELECT id, jurisdiction, to_status FROM status_changes WHERE baseline = 0"
        )
        subscriptions = list_subscriptions(store)
    expected = {
        make_message_id(f"alert:{change['id']}:{subscription.id}", SENDER_DOMAIN)
        for change in changes
        for subscription in subscriptions
        if subscription.matches(change["jurisdiction"], change["to_status"])
    }
    return len(changes), expected


def drain(config_path: Path, database: Path, attempts: int = 5) -> int:
    """`watcher send` until nothing is pending (the SMTP server accepts all by now)."""
    for _attempt in range(attempts):
        subprocess.run(
            [sys.executable, "-m", "watcher", "--config", str(config_path), "send"],
            cwd=REPO_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        with sqlite3.connect(database) as conn:
            pending = conn.execute("SELECT count(*) FROM alerts WHERE state = 'pending'")
            left = pending.fetchone()[0]
        if not left:
            return 0
    return left


def run(args: argparse.Namespace, folder: Path) -> int:
    rng = random.Random(args.seed)
    places = choose_places(args.pages, rng)
    pages = [Page(city_id, place, rng.randrange(len(STATUS_CYCLE))) for city_id, place in places]
    site = Site(pages)
    smtp = FlakySmtp(args.smtp_failure, random.Random(args.seed + 1))
    smtp_port = free_port()
    controller = Controller(smtp, hostname="127.0.0.1", port=smtp_port, server_hostname="soak")
    controller.start()
    config_path = write_config(folder, site, smtp_port, args.pages, args.every)
    database = folder / "watcher.db"
    busiest_state = Counter(city_id.rsplit("-", 1)[-1] for city_id, _ in places).most_common(1)
    subscribe(database, busiest_state[0][0])
    daemon = DaemonProcess(config_path, folder / "daemon.log")
    rounds = args.rounds or max(1, int(args.seconds / args.round_seconds))
    settle_from = int(rounds * 0.75)  # no kills in the last quarter: a long life to measure
    manual_failures = 0
    started = time.monotonic()
    daemon.start()
    try:
        for round_number in range(rounds):
            round_end = time.monotonic() + args.round_seconds
            for number in rng.sample(range(args.pages), max(1, int(args.pages * args.change))):
                site.change(number, status_step=rng.random() < STATUS_SHARE)
            if round_number < settle_from and rng.random() < args.kill_chance:
                daemon.kill()
                daemon.start()
            if rng.random() < args.manual_chance:
                chosen = rng.sample(range(args.pages), min(args.pages, 5))
                manual_failures += manual_crawls(config_path, [f"p{n}" for n in chosen])
            while time.monotonic() < round_end:
                daemon.sample()
                time.sleep(min(0.25, max(0.0, round_end - time.monotonic())))
        smtp.failure_share = 0.0
        daemon.sample()
        daemon.stop()
        left_pending = drain(config_path, database)
    finally:
        if daemon.process is not None and daemon.process.poll() is None:
            daemon.process.kill()
        controller.stop()
        site.close()
    elapsed = time.monotonic() - started
    return report(args, daemon, smtp, database, rounds, elapsed, manual_failures, left_pending)


def report(
    args: argparse.Namespace,
    daemon: DaemonProcess,
    smtp: FlakySmtp,
    database: Path,
    rounds: int,
    elapsed: float,
    manual_failures: int,
    left_pending: int,
) -> int:
    changes, expected = expected_emails(database)
    copies: dict[str, list[float]] = {}
    for received in smtp.received:
        copies.setdefault(received.message_id, []).append(received.at)
    delivered = set(copies)
    lost = expected - delivered
    unexpected = delivered - expected
    explained = unexplained = 0
    for times in copies.values():
        for earlier, later in zip(times, times[1:], strict=False):
            if any(earlier <= kill <= min(later, earlier + R3_WINDOW) for kill in daemon.kills):
                explained += 1
            else:
                unexplained += 1
    with sqlite3.connect(database) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    log_text = (database.parent / "daemon.log").read_text(errors="replace")
    locked = log_text.count("database is locked")
    growth = daemon.rss_growth(args.warmup)
    peak = daemon.peak_rss()
    print(
        f"soak: rounds {rounds}, seconds {elapsed:.0f}, pages {args.pages}, changes {changes}, "
        f"emails expected {len(expected)}, delivered {len(delivered & expected)}, "
        f"lost {len(lost)}, duplicated {explained + unexplained} "
        f"(R3 window after a kill {explained}, unexplained {unexplained}), "
        f"kills {len(daemon.kills)}, smtp failures {sum(smtp.failures.values())}, "
        f"peak RSS {peak / MIB:.1f} MiB, RSS growth after warm-up "
        + (f"{growth / MIB:.1f} MiB" if growth is not None else "n/a")
        + f", integrity {integrity}"
    )
    problems = []
    if lost:
        problems.append(f"{len(lost)} lost, e.g. {sorted(lost)[:3]}")
    if unexplained:
        problems.append(f"{unexplained} duplicates not explained by a kill")
    if unexpected:
        problems.append(f"{len(unexpected)} emails nobody expected, e.g. {sorted(unexpected)[:3]}")
    if integrity != "ok":
        problems.append(f"integrity_check: {integrity}")
    if growth is not None and growth > args.rss_growth * MIB:
        problems.append(f"RSS grew {growth / MIB:.1f} MiB after warm-up (> {args.rss_growth})")
    if daemon.exit_codes != [0]:
        problems.append(f"SIGTERM exit codes {daemon.exit_codes}, expected [0]")
    if left_pending:
        problems.append(f"{left_pending} alerts still pending after the drain")
    if locked:
        problems.append(f"'database is locked' {locked} times in the daemon's log")
    if manual_failures:
        problems.append(f"{manual_failures} manual crawl failures")
    for problem in problems:
        print(f"FAILED: {problem}")
    if not problems:
        print("ok")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=180.0, help="length of the run")
    parser.add_argument("--rounds", type=int, default=0, help="rounds instead of --seconds")
    parser.add_argument("--round-seconds", type=float, default=2.0)
    parser.add_argument("--every", default="20s", help="each source's interval")
    parser.add_argument("--change", type=float, default=0.02, help="share of pages per round")
    parser.add_argument("--smtp-failure", type=float, default=0.2, help="share of transactions")
    parser.add_argument("--kill-chance", type=float, default=0.08, help="per round")
    parser.add_argument("--manual-chance", type=float, default=0.3, help="per round")
    parser.add_argument("--warmup", type=float, default=20.0, help="seconds of a daemon's life")
    parser.add_argument("--rss-growth", type=float, default=64.0, help="MiB allowed")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        return run(args, args.keep)
    with tempfile.TemporaryDirectory(prefix="watcher-soak-") as folder:
        return run(args, Path(folder))


if __name__ == "__main__":
    sys.exit(main())
