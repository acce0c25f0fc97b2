"""Health report and operator notices, on a real SQLite file.

The source rows are set the way the pipeline leaves them after a crawl (last_fetch_at,
last_success_at, consecutive_failures, last_error, selector_matched), so each test can say
exactly which crawl history it checks.
"""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from watcher.config import Config, load_config
from watcher.daemon import ProcessLock
from watcher.delivery import send_pending
from watcher.health import check_sources, format_health, health_report
from watcher.store import Store, now_iso

NOW = datetime(2026, 3, 6, 10, 0, 0, tzinfo=UTC)


def write_config(
    folder: Path,
    *,
    operator: str | None = "ops@example.org",
    select: str | None = None,
    smtp_port: int | None = None,
) -> Config:
    lines = ["[watcher]", 'database = "watcher.db"', "failure_threshold = 3"]
    if operator:
        lines.append(f'operator = "{operator}"')
    if smtp_port:
        lines += ["[smtp]", 'host = "127.0.0.1"', f"port = {smtp_port}"]
        lines.append('sender = "watcher@example.org"')
    lines += ["[[sources]]", 'id = "city-page"', 'url = "https://city.example.gov/news"']
    if select:
        lines.append(f'select = "{select}"')
    path = folder / "sources.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_config(path)


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "watcher.db") as opened:
        with opened.transaction() as conn:
            conn.execute(
                "INSERT INTO sources (id, url, kind) VALUES ('city-page', "
                "'https://city.example.gov/news', 'page')"
            )
        yield opened


def crawl_failed(store: Store, at: datetime, error: str = "HTTP 503") -> None:
    with store.transaction() as conn:
        conn.execute(
            "UPDATE sources SET last_fetch_at = ?, consecutive_failures = consecutive_failures + 1,"
            " last_error = ? WHERE id = 'city-page'",
            (now_iso(at), error),
        )


def crawl_succeeded(store: Store, at: datetime, selector_matched: bool = True) -> None:
    with store.transaction() as conn:
        conn.execute(
            "UPDATE sources SET last_fetch_at = ?, last_success_at = ?, consecutive_failures = 0,"
            " last_error = NULL, selector_matched = ? WHERE id = 'city-page'",
            (now_iso(at), now_iso(at), int(selector_matched)),
        )


def notices(store: Store) -> list[tuple[str, str]]:
    rows = store.query("SELECT recipient, subject FROM alerts WHERE kind = 'notice' ORDER BY id")
    return [(row["recipient"], row["subject"]) for row in rows]


def test_failing_source_gives_one_notice_and_recovery_one_more(tmp_path, store):
    """Five failures in a row queue one notice (at the third); a success queues one more."""
    config = write_config(tmp_path)
    for minute in range(5):
        crawl_failed(store, NOW + timedelta(minutes=minute))
        check_sources(store, config, NOW + timedelta(minutes=minute))
    assert [("ops@example.org", "Source city-page has failed 3 times in a row")] == notices(store)
    crawl_succeeded(store, NOW + timedelta(minutes=6))
    check_sources(store, config, NOW + timedelta(minutes=6))
    crawl_succeeded(store, NOW + timedelta(minutes=7))
    check_sources(store, config, NOW + timedelta(minutes=7))
    assert [
        "Source city-page has failed 3 times in a row",
        "Source city-page works again",
    ] == [subject for _recipient, subject in notices(store)]


def test_failures_below_threshold_send_nothing(tmp_path, store):
    """Two failures, then a success: no notice at all (threshold 3)."""
    config = write_config(tmp_path)
    crawl_failed(store, NOW)
    check_sources(store, config, NOW)
    crawl_failed(store, NOW + timedelta(minutes=1))
    check_sources(store, config, NOW + timedelta(minutes=1))
    crawl_succeeded(store, NOW + timedelta(minutes=2))
    check_sources(store, config, NOW + timedelta(minutes=2))
    assert [] == notices(store)


def test_selector_stops_matching_then_matches_again(tmp_path, store):
    """A selector that stops matching gives one notice; matching again gives one more."""
    config = write_config(tmp_path, select="main article")
    for minute in range(3):
        crawl_succeeded(store, NOW + timedelta(minutes=minute), selector_matched=False)
        check_sources(store, config, NOW + timedelta(minutes=minute))
    crawl_failed(store, NOW + timedelta(minutes=3))  # one failure says nothing about the page
    check_sources(store, config, NOW + timedelta(minutes=3))
    crawl_succeeded(store, NOW + timedelta(minutes=4), selector_matched=True)
    check_sources(store, config, NOW + timedelta(minutes=4))
    assert [
        "Source city-page: its selector no longer matches",
        "Source city-page works again",
    ] == [subject for _recipient, subject in notices(store)]


def test_no_operator_no_notice(tmp_path, store):
    """Without settings.operator nothing is queued and nothing remembered."""
    config = write_config(tmp_path, operator=None)
    for minute in range(4):
        crawl_failed(store, NOW + timedelta(minutes=minute))
        assert [] == check_sources(store, config, NOW + timedelta(minutes=minute))
    assert [] == notices(store)
    assert [None] == [row["health_notice"] for row in store.query("SELECT * FROM sources")]


def test_notice_reaches_the_operator_by_smtp(tmp_path, store, smtp_sink):
    """A queued notice goes out through the outbox to the operator, once."""
    config = write_config(tmp_path, smtp_port=smtp_sink.port)
    for minute in range(3):
        crawl_failed(store, NOW + timedelta(minutes=minute), error="connection refused")
        check_sources(store, config, NOW + timedelta(minutes=minute))
    assert 1 == send_pending(store, config, now=NOW + timedelta(minutes=3)).sent
    assert 0 == send_pending(store, config, now=NOW + timedelta(minutes=4)).sent
    assert 1 == len(smtp_sink.messages)
    message = smtp_sink.messages[0].message
    assert ("ops@example.org",) == smtp_sink.messages[0].rcpt_tos
    assert "[watcher] Source city-page has failed 3 times in a row" == message["Subject"]
    assert "connection refused" in message.get_body(("plain",)).get_content()


def write_daemon_row(store: Store, *, pid, hostname: str, heartbeat_at: datetime) -> None:
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO daemon (id, pid, hostname, started_at, heartbeat_at, missed_runs) "
            "VALUES (1, ?, ?, ?, ?, 2)",
            (pid, hostname, now_iso(NOW - timedelta(hours=1)), now_iso(heartbeat_at)),
        )


def test_report_never_started(tmp_path, store):
    """A database no daemon ever ran on says so and is not ok."""
    report = health_report(store, write_config(tmp_path), now=NOW)
    assert ("never started", False, False) == (
        report["daemon"]["state"],
        report["daemon"]["running"],
        report["ok"],
    )
    assert "never started" in format_health(report)


def test_report_running_daemon_with_lock_and_fresh_heartbeat(tmp_path, store):
    """A fresh heartbeat from this host with the lock held: running, ok, missed runs shown."""
    config = write_config(tmp_path)
    crawl_succeeded(store, NOW - timedelta(minutes=5))
    write_daemon_row(
        store,
        pid=os.getpid(),
        hostname=socket.gethostname(),
        heartbeat_at=NOW - timedelta(seconds=5),
    )
    lock = ProcessLock(config.settings.database)
    lock.acquire()
    try:
        report = health_report(store, config, now=NOW)
    finally:
        lock.release()
    daemon = report["daemon"]
    assert ("running", "held", 2, 5.0) == (
        daemon["state"],
        daemon["lock"],
        daemon["missed_runs"],
        daemon["heartbeat_age_seconds"],
    )
    assert report["ok"] is True
    source = report["sources"][0]
    assert (now_iso(NOW - timedelta(minutes=5)), 0, True) == (
        source["last_success_at"],
        source["consecutive_failures"],
        source["healthy"],
    )
    assert "Daemon: running" in format_health(report)


def test_report_dead_when_lock_is_free(tmp_path, store):
    """A fresh heartbeat but no lock held on this host: the process is gone."""
    config = write_config(tmp_path)
    write_daemon_row(store, pid=os.getpid(), hostname=socket.gethostname(), heartbeat_at=NOW)
    assert "dead" == health_report(store, config, now=NOW)["daemon"]["state"]


def test_report_stale_heartbeat_on_another_host(tmp_path, store):
    """On another host only the heartbeat counts: old means stale, fresh means running."""
    config = write_config(tmp_path)
    write_daemon_row(store, pid=4242, hostname="elsewhere.invalid", heartbeat_at=NOW)
    assert "running" == health_report(store, config, now=NOW)["daemon"]["state"]
    later = NOW + timedelta(minutes=5)
    report = health_report(store, config, now=later)
    assert ("stale", None) == (report["daemon"]["state"], report["daemon"]["lock"])


def test_report_source_problems_and_smtp_error(tmp_path, store):
    """Failing source, unmatched selector and an SMTP auth error all show in the report."""
    config = write_config(tmp_path, select="main article")
    crawl_succeeded(store, NOW - timedelta(hours=2), selector_matched=False)
    for minute in range(3):
        crawl_failed(store, NOW - timedelta(minutes=3 - minute), error="HTTP 503")
    with store.transaction() as conn:
        conn.execute("INSERT INTO daemon (id, smtp_error) VALUES (1, '535 5.7.8 bad credentials')")
    report = health_report(store, config, now=NOW)
    source = report["sources"][0]
    assert [
        "failed 3 times in a row",
        "selector 'main article' no longer matches",
    ] == source["problems"]
    assert ("HTTP 503", False) == (source["last_error"], source["selector_matched"])
    assert "535 5.7.8 bad credentials" == report["smtp_error"]
    text = format_health(report)
    assert "SMTP: sending paused: 535 5.7.8 bad credentials" in text
    assert "last error: HTTP 503" in text
    assert text.endswith("Needs attention.")
