"""End-to-end proofs of RELIABILITY.md that need the whole service: daemon, site, SMTP, database.

The daemons run as real subprocesses (signals and locks matter); the site and the SMTP server
are the suite's local ones. Waits poll the database or the servers, never sleep for long.
"""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

from tests.daemons import RUN_DAEMON_SHORT_GRACE, fetch_count, query, wait_until
from tests.httpsite import LocalSite, trickle
from tests.smtpsink import SmtpSink
from watcher.config import load_config
from watcher.daemon import lock_is_held
from watcher.delivery import send_pending
from watcher.pipeline import Crawler
from watcher.store import Store
from watcher.store.subscriptions import add_subscription, unsubscribe_token

BEFORE = """<html><head><title>Boston news</title></head><body><main>
<h1>Boston news</h1><p>The mayor opened a new library branch in Dorchester.</p>
</main></body></html>"""
AFTER = """<html><head><title>Justice Department Sues Boston</title></head><body><main>
<h1>Justice Department Sues Boston</h1><p>Today, the Justice Department filed a lawsuit
against the City of Boston over its sanctuary city laws.</p></main></body></html>"""
PASSWORD = "R24-daemon-Secret-pa55-7781"
# `watcher --log-level DEBUG run`, as an operator chasing a problem would start it.
RUN_DAEMON_DEBUG = (
    "import sys; from watcher.cli import main; "
    "main(['--config', sys.argv[1], '--log-level', 'DEBUG', 'run'])"
)


def write_config(
    folder: Path,
    sources: list[tuple[str, str, str]],
    *,
    smtp: SmtpSink | None = None,
    smtp_timeout: float = 5.0,
    username: str | None = None,
    timeout: float = 5.0,
) -> Path:
    """A sources.toml for daemon tests: (id, url, every) sources, local SMTP if given."""
    lines = [
        "[watcher]",
        'database = "watcher.db"',
        "min_host_delay = 0",
        f"timeout = {timeout}",
        "retries = 0",
        'user_agent = "watcher-tests/1 (+tests@example.org)"',
    ]
    if smtp is not None:
        lines += [
            "[smtp]",
            'host = "127.0.0.1"',
            f"port = {smtp.port}",
            'sender = "watcher@example.org"',
            f"timeout = {smtp_timeout}",
        ]
        if username:
            lines.append(f'username = "{username}"')
    for source_id, url, every in sources:
        lines += ["[[sources]]", f'id = "{source_id}"', f'url = "{url}"', f'every = "{every}"']
    path = folder / "sources.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def queue_one_alert(config_path: Path, site: LocalSite) -> None:
    """A subscriber, a baseline crawl, then a change: one pending alert, nothing sent."""
    config = load_config(config_path)
    with Store(config.settings.database) as store:
        add_subscription(store, "a@example.org")
        crawler = Crawler(config, store)
        site.set("/boston", BEFORE)
        crawler.crawl()
        site.set("/boston", AFTER)
        crawler.crawl()


def alert_rows(database: Path) -> list[tuple]:
    return query(database, "SELECT state, attempts FROM alerts ORDER BY id")


# --- Delivery -----------------------------------------------------------------------------


def test_r7_hanging_smtp_server_leaves_crawls_running(tmp_path, local_site, smtp_sink, start):
    """R7: while a send hangs on a silent server, crawls go on; the try ends at the timeout."""
    config_path = write_config(
        tmp_path, [("boston", local_site.url("/boston"), "1s")], smtp=smtp_sink, smtp_timeout=3
    )
    database = tmp_path / "watcher.db"
    queue_one_alert(config_path, local_site)
    smtp_sink.behaviour = "hang"
    daemon = start(config_path, RUN_DAEMON_DEBUG)
    wait_until(lambda: smtp_sink.connections >= 1, what="the send to start")
    hung_at = time.monotonic()
    count = fetch_count(database)
    wait_until(lambda: fetch_count(database) >= count + 2, timeout=2.5, what="crawls during it")
    assert [("pending", 0)] == alert_rows(database), "the send is still hanging"
    wait_until(lambda: alert_rows(database) == [("pending", 1)], timeout=5, what="the timeout")
    assert time.monotonic() - hung_at < 3 + 1.5
    [error] = query(database, "SELECT last_error FROM alerts")[0]
    assert "timed out" in error
    assert 0 == daemon.stop()
    assert [] == smtp_sink.messages


def test_r12_sigterm_during_a_send_keeps_the_alert_for_the_restart(
    tmp_path, local_site, smtp_sink, start, monkeypatch
):
    """R12, R24: SIGTERM mid-send exits 0 in the bound; after a restart the alert goes once.

    The restarted daemon logs at DEBUG with an SMTP password: it is in no log line, no file.
    """
    monkeypatch.setenv("WATCHER_SMTP_PASSWORD", PASSWORD)
    smtp_sink.credentials = ("watcher", PASSWORD)
    config_path = write_config(
        tmp_path,
        [("boston", local_site.url("/boston"), "1s")],
        smtp=smtp_sink,
        smtp_timeout=30,
        username="watcher",
    )
    database = tmp_path / "watcher.db"
    queue_one_alert(config_path, local_site)
    smtp_sink.behaviour = "hang"
    first = start(config_path, RUN_DAEMON_SHORT_GRACE)
    wait_until(lambda: smtp_sink.connections >= 1, what="the send to start")
    stopped_at = time.monotonic()
    assert 0 == first.stop()
    assert time.monotonic() - stopped_at < 3, "exit within the 1 s grace, not the SMTP timeout"
    assert "1 job(s) still running after 1 s; exiting anyway" in first.log()
    assert lock_is_held(database) is False
    assert [("pending", 0)] == alert_rows(database)
    assert [("ok",)] == query(database, "PRAGMA integrity_check")

    smtp_sink.behaviour = "accept"
    second = start(config_path, RUN_DAEMON_DEBUG)
    wait_until(lambda: alert_rows(database) == [("sent", 1)], what="the restart to send it")
    count = fetch_count(database)
    wait_until(lambda: fetch_count(database) > count, what="a crawl at debug level")
    assert 0 == second.stop()
    queued_id = query(database, "SELECT message_id FROM alerts")[0][0]
    assert [queued_id] == [m.message["Message-ID"] for m in smtp_sink.messages]
    assert ["watcher"] == smtp_sink.logins
    assert " DEBUG " in second.log()
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path


# --- Scheduling ---------------------------------------------------------------------------


def test_r9_page_that_never_finishes_does_not_stall_the_schedule(tmp_path, local_site, start):
    """R9: a body that never ends stops at the deadline each run; no run is skipped."""
    local_site.handle("/endless", trickle(b"<p>" + b"x" * 100_000, interval=0.02))
    local_site.set("/page", BEFORE)
    config_path = write_config(
        tmp_path,
        [("endless", local_site.url("/endless"), "1s"), ("page", local_site.url("/page"), "1s")],
        timeout=0.25,  # the fetch deadline is twice this
    )
    database = tmp_path / "watcher.db"
    daemon = start(config_path, RUN_DAEMON_DEBUG)
    wait_until(
        lambda: fetch_count(database, "endless") >= 3 and fetch_count(database, "page") >= 3,
        what="three runs of each source",
    )
    assert 0 == daemon.stop()
    errors = {row[0] for row in query(database, "SELECT error FROM fetches WHERE source_id = ?",
                                      ("endless",))}  # fmt: skip
    assert {"deadline of 0.5 s exceeded"} == errors
    assert {("ok",)} == set(query(database, "SELECT outcome FROM fetches WHERE source_id = 'page'"))
    assert "run skipped" not in daemon.log()
    assert [(0,)] == query(database, "SELECT missed_runs FROM daemon")


# --- Crawling -----------------------------------------------------------------------------


def test_r16_disallowed_source_is_reported_blocked_and_never_requested(tmp_path, local_site):
    """R16: a configured page robots.txt disallows is recorded as blocked, never requested."""
    local_site.set("/robots.txt", "User-agent: *\nDisallow: /private\n", content_type="text/plain")
    local_site.set("/private/statement", AFTER)
    config_path = write_config(tmp_path, [("private", local_site.url("/private/statement"), "1h")])
    config = load_config(config_path)
    with Store(config.settings.database) as store:
        result = Crawler(config, store).crawl_source(config.source("private"))
        rows = store.query("SELECT outcome, error FROM fetches")
        snapshots = store.query("SELECT count(*) FROM snapshots")[0][0]
    assert [(local_site.url("/private/statement"), "disallowed by robots.txt")] == result.failures
    assert [("blocked", "disallowed by robots.txt")] == [tuple(row) for row in rows]
    assert 0 == snapshots
    assert ["/robots.txt"] == local_site.paths()


def test_r17_validators_kept_when_processing_a_200_fails(tmp_path, local_site, smtp_sink):
    """R17: a 200 whose recording fails keeps the old ETag, so the next run downloads again."""
    local_site.set("/boston", BEFORE, etag='"v1"')
    config_path = write_config(tmp_path, [("boston", local_site.url("/boston"), "1h")])
    config = load_config(config_path)
    with Store(config.settings.database) as store:
        add_subscription(store, "a@example.org")
        crawler = Crawler(config, store)
        crawler.crawl()
        local_site.set("/boston", AFTER, etag='"v2"')
        store.conn.execute(
            "CREATE TRIGGER break_snapshots BEFORE INSERT ON snapshots "
            "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
        )
        failed = crawler.crawl().results[0]
        etag_after_failure = store.query("SELECT etag FROM documents")[0][0]
        store.conn.execute("DROP TRIGGER break_snapshots")
        retried = crawler.crawl().results[0]
        not_modified = crawler.crawl().results[0]
        snapshots = store.query("SELECT count(*) FROM snapshots")[0][0]
        alerts = store.query("SELECT count(*) FROM alerts")[0][0]
    assert 1 == failed.failed and "injected failure" in failed.failures[0][1]
    assert '"v1"' == etag_after_failure
    conditions = [r.headers.get("If-None-Match") for r in local_site.requests_for("/boston")]
    assert [None, '"v1"', '"v1"', '"v2"'] == conditions
    assert (1, 1, 1) == (retried.changed, retried.status_changes, retried.alerts_queued)
    assert (1, 0, 0) == (
        not_modified.not_modified,
        not_modified.changed,
        not_modified.alerts_queued,
    )
    assert (2, 1) == (snapshots, alerts), "a 304 adds no snapshot and no alert"


# --- The database -------------------------------------------------------------------------


def test_r14_every_write_is_inside_a_begin_immediate_transaction(tmp_path, local_site, smtp_sink):
    """R14: crawl, send, subscribe and unsubscribe write only inside BEGIN IMMEDIATE ... COMMIT."""
    config_path = write_config(
        tmp_path, [("boston", local_site.url("/boston"), "1h")], smtp=smtp_sink
    )
    config = load_config(config_path)
    statements: list[str] = []
    with Store(config.settings.database) as store:
        store.conn.set_trace_callback(statements.append)
        _subscription, token = add_subscription(store, "a@example.org")
        add_subscription(store, "b@example.org")
        crawler = Crawler(config, store)
        local_site.set("/boston", BEFORE)
        crawler.crawl()
        local_site.set("/boston", AFTER)
        crawler.crawl()
        send_pending(store, config)
        assert unsubscribe_token(store, token)
        journal = store.query("PRAGMA journal_mode")[0][0]
    assert 2 == len(smtp_sink.messages)
    assert "wal" == journal
    outside: list[str] = []
    in_transaction = False
    for statement in (" ".join(s.split()) for s in statements):
        verb = statement.split(" ", 1)[0].upper()
        if verb == "BEGIN":
            assert "BEGIN IMMEDIATE" == statement.upper()
            in_transaction = True
        elif verb == "COMMIT" or statement.upper() == "ROLLBACK":  # not "ROLLBACK TO part"
            in_transaction = False
        elif verb in ("INSERT", "UPDATE", "DELETE", "REPLACE") and not in_transaction:
            outside.append(statement)
    assert [] == outside
    assert sum(s.upper().startswith("BEGIN IMMEDIATE") for s in statements) >= 5


def test_r14_killed_writer_leaves_the_database_whole(tmp_path, local_site, start):
    """R14, R11: SIGKILL of a crawling daemon; the database checks ok and a new one starts."""
    local_site.set("/boston", BEFORE)
    config_path = write_config(tmp_path, [("boston", local_site.url("/boston"), "1s")])
    database = tmp_path / "watcher.db"
    first = start(config_path, RUN_DAEMON_DEBUG)
    wait_until(lambda: fetch_count(database) >= 2, what="the first crawls")
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=5)
    second = start(config_path, RUN_DAEMON_DEBUG)
    count = fetch_count(database)
    wait_until(lambda: fetch_count(database) > count, what="the second daemon crawling")
    assert 0 == second.stop()
    conn = sqlite3.connect(database)
    try:
        assert [("ok",)] == conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()


def test_r1_page_returning_to_an_earlier_text_is_still_recorded(tmp_path, local_site):
    """R1, R17: a page that goes A -> B -> A records each version; the crawl never fails."""
    config_path = write_config(tmp_path, [("boston", local_site.url("/boston"), "1h")])
    config = load_config(config_path)
    with Store(config.settings.database) as store:
        crawler = Crawler(config, store)
        results = []
        for body in (AFTER, BEFORE, AFTER):
            local_site.set("/boston", body)
            results.append(crawler.crawl_source(config.source("boston")))
    assert [0, 0, 0] == [result.failed for result in results]
    assert [(1, 0), (0, 1), (0, 1)] == [(result.new, result.changed) for result in results]
