"""The daemon as a real process: schedule, one daemon per database, signals, health notices.

Each test starts `run_daemon` in a subprocess against a local web site with a 1-second
schedule and watches the database it writes. Waits poll the database (never a long sleep).
"""

from __future__ import annotations

import logging
import os
import re
import signal
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.daemons import (
    RUN_DAEMON_SHORT_GRACE,
    daemon_pid,
    fetch_count,
    query,
    wait_until,
)
from tests.httpsite import hang, trickle
from watcher import logs
from watcher.config import load_config
from watcher.daemon import Daemon as WatcherDaemon
from watcher.daemon import ProcessLock, lock_is_held
from watcher.health import format_health, health_report
from watcher.pipeline import Crawler
from watcher.store import Store, now_iso

PAGE = "<html><body><main><p>Our city cooperates with federal authorities.</p></main></body></html>"


def write_config(folder: Path, sources: list[tuple[str, str, str]], extra: str = "") -> Path:
    """A sources.toml with (id, url, every) sources and no politeness delay for 127.0.0.1."""
    lines = [
        "[watcher]",
        'database = "watcher.db"',
        "min_host_delay = 0",
        "timeout = 5",
        "retries = 0",
        extra,
    ]
    for source_id, url, every in sources:
        lines += ["[[sources]]", f'id = "{source_id}"', f'url = "{url}"', f'every = "{every}"']
    path = folder / "sources.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_crawls_on_schedule_reports_health_and_stops_on_sigterm(tmp_path, local_site, start):
    """Several scheduled crawls, a live heartbeat, then SIGTERM: exit 0, lock released."""
    local_site.set("/page", PAGE)
    config_path = write_config(tmp_path, [("city-page", local_site.url("/page"), "1s")])
    database = tmp_path / "watcher.db"
    daemon = start(config_path)
    wait_until(lambda: fetch_count(database) >= 3, what="three fetches")
    config = load_config(config_path)
    with Store(database) as store:
        report = health_report(store, config)
    assert ("running", daemon.pid, "held") == (
        report["daemon"]["state"],
        report["daemon"]["pid"],
        report["daemon"]["lock"],
    )
    assert report["sources"][0]["last_success_at"] is not None
    started = time.monotonic()
    assert 0 == daemon.stop()
    assert time.monotonic() - started < 5
    assert lock_is_held(database) is False
    assert daemon_pid(database) is None
    assert [("ok",)] == query(database, "SELECT DISTINCT outcome FROM fetches")
    assert 1 == query(database, "SELECT count(*) FROM snapshots")[0][0]
    log = daemon.log()
    assert "SIGTERM: stopping" in log
    assert 1 == log.count("daemon stopped")  # once: the CLI's own log handler was replaced
    assert "Traceback" not in log
    for line in log.splitlines():  # one event per line: time, level, logger, message
        assert re.fullmatch(
            r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} [A-Z]+ watcher\.\w+: .+", line
        )


def test_r11_second_daemon_refused_until_the_first_is_killed(tmp_path, local_site, start):
    """R11: a second daemon exits 2 naming the holder; after SIGKILL of the first, one starts."""
    local_site.set("/page", PAGE)
    config_path = write_config(tmp_path, [("city-page", local_site.url("/page"), "1s")])
    database = tmp_path / "watcher.db"
    first = start(config_path)
    wait_until(lambda: daemon_pid(database) == first.pid, what="the first daemon")
    launched = time.monotonic()
    second = start(config_path)
    assert 2 == second.process.wait(timeout=10)
    assert time.monotonic() - launched < 5, "at once: it does not wait for the lock"
    refusal = second.log()
    assert f"already running on {database}: pid {first.pid} on host" in refusal
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=5)
    third = start(config_path)
    wait_until(lambda: daemon_pid(database) == third.pid, timeout=5, what="the third daemon")
    count = fetch_count(database)
    wait_until(lambda: fetch_count(database) > count, what="the third daemon crawling")
    assert 0 == third.stop()


def test_sighup_bad_config_keeps_schedule_good_config_replaces_it(tmp_path, local_site, start):
    """SIGHUP with a broken file logs why and keeps crawling; a good file adds its source."""
    local_site.set("/page", PAGE)
    local_site.set("/other", PAGE.replace("cooperates", "does not cooperate"))
    config_path = write_config(tmp_path, [("city-page", local_site.url("/page"), "1s")])
    database = tmp_path / "watcher.db"
    daemon = start(config_path)
    wait_until(lambda: fetch_count(database) >= 1, what="a first fetch")
    config_path.write_text('[watcher]\ndatabase = "watcher.db"\nworkers = "many"\n')
    daemon.process.send_signal(signal.SIGHUP)
    wait_until(lambda: "configuration not reloaded" in daemon.log(), what="the reload error")
    [line] = [line for line in daemon.log().splitlines() if "not reloaded" in line]
    assert f"{config_path}: [watcher], key 'workers'" in line
    count = fetch_count(database, "city-page")
    wait_until(lambda: fetch_count(database, "city-page") >= count + 2, what="the old schedule")
    write_config(
        tmp_path,
        [
            ("city-page", local_site.url("/page"), "1s"),
            ("county-page", local_site.url("/other"), "1s"),
        ],
    )
    daemon.process.send_signal(signal.SIGHUP)
    wait_until(lambda: fetch_count(database, "county-page") >= 1, what="the new source")
    assert daemon.process.poll() is None
    assert 0 == daemon.stop()
    assert "configuration reloaded" in daemon.log()


def test_r13_restart_runs_overdue_source_once_and_waits_for_recent_one(tmp_path, local_site, start):
    """After downtime, an overdue source runs once; one fetched 2 s ago waits its interval (R13)."""
    local_site.set("/overdue", PAGE)
    local_site.set("/recent", PAGE)
    config_path = write_config(
        tmp_path,
        [
            ("overdue", local_site.url("/overdue"), "20s"),
            ("recent", local_site.url("/recent"), "1m"),
        ],
    )
    database = tmp_path / "watcher.db"
    now = datetime.now(UTC)
    with Store(database) as store, store.transaction() as conn:
        for source_id, last_fetch in (("overdue", now - timedelta(hours=5)), ("recent", now)):
            conn.execute(
                "INSERT INTO sources (id, url, kind, last_fetch_at) VALUES (?, ?, 'page', ?)",
                (
                    source_id,
                    local_site.url(f"/{source_id}"),
                    now_iso(last_fetch - timedelta(seconds=2)),
                ),
            )
    daemon = start(config_path)
    wait_until(lambda: fetch_count(database, "overdue") >= 1, what="the overdue source")
    time.sleep(1.0)  # long enough for a burst of catch-up runs to show, were there one
    assert (1, 0) == (fetch_count(database, "overdue"), fetch_count(database, "recent"))
    assert ["/overdue"] == [path for path in local_site.paths() if path != "/robots.txt"]
    assert 0 == daemon.stop()


def test_r12_sigterm_during_slow_crawl_lets_it_finish(tmp_path, local_site, start):
    """R12, R10: SIGTERM mid-fetch, the crawl is stored whole, skipped runs counted, exit 0."""
    body = b"<html><body><p>A slow statement.</p></body></html>"
    local_site.handle("/slow", trickle(body, interval=3.0 / len(body)))
    config_path = write_config(tmp_path, [("slow-page", local_site.url("/slow"), "1s")])
    database = tmp_path / "watcher.db"
    daemon = start(config_path)
    wait_until(lambda: local_site.requests_for("/slow"), what="the slow fetch to start")
    wait_until(lambda: "run skipped" in daemon.log(), timeout=5, what="a skipped run")
    assert 0 == daemon.stop(timeout=15)
    assert [("A slow statement.",)] == query(database, "SELECT text FROM snapshots")
    assert [(None, 1)] == [
        (pid, int(missed >= 1))
        for pid, missed in query(database, "SELECT pid, missed_runs FROM daemon")
    ]
    assert lock_is_held(database) is False


def test_r12_sigterm_with_a_stuck_fetch_exits_within_the_bound(tmp_path, local_site, start):
    """R12: a fetch that never answers cannot hold SIGTERM past the grace: exit 0, no snapshot."""
    local_site.handle("/stuck", hang())
    config_path = write_config(tmp_path, [("stuck-page", local_site.url("/stuck"), "1s")])
    database = tmp_path / "watcher.db"
    daemon = start(config_path, RUN_DAEMON_SHORT_GRACE)
    wait_until(lambda: local_site.requests_for("/stuck"), what="the stuck fetch to start")
    started = time.monotonic()
    assert 0 == daemon.stop()
    assert time.monotonic() - started < 3
    assert "1 job(s) still running after 1 s; exiting anyway" in daemon.log()
    assert [] == query(database, "SELECT * FROM snapshots")
    assert lock_is_held(database) is False


def test_failing_source_notifies_operator_once(tmp_path, local_site, start, smtp_sink):
    """A source failing crawl after crawl sends the operator exactly one email."""
    local_site.set("/gone", "not here", status=404)
    smtp = (
        f'operator = "ops@example.org"\nfailure_threshold = 2\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_sink.port}\nsender = "watcher@example.org"'
    )
    config_path = write_config(tmp_path, [("gone-page", local_site.url("/gone"), "1s")], smtp)
    database = tmp_path / "watcher.db"
    daemon = start(config_path)
    wait_until(lambda: len(smtp_sink.messages) >= 1, what="the operator notice")
    count = fetch_count(database)
    wait_until(lambda: fetch_count(database) >= count + 2, what="more failed crawls")
    assert 0 == daemon.stop()
    assert ["[watcher] Source gone-page has failed 2 times in a row"] == [
        received.message["Subject"] for received in smtp_sink.messages
    ]
    assert [("notice", "sent")] == query(database, "SELECT kind, state FROM alerts")


def test_r14_daemon_and_manual_crawls_share_the_database(tmp_path, local_site, start):
    """Manual crawls in a loop beside the daemon: no lock errors, integrity ok, WAL on (R14)."""
    local_site.set("/page", PAGE)
    config_path = write_config(tmp_path, [("city-page", local_site.url("/page"), "1s")])
    database = tmp_path / "watcher.db"
    daemon = start(config_path)
    wait_until(lambda: fetch_count(database) >= 1, what="the daemon's first fetch")
    config = load_config(config_path)
    results = []
    deadline = time.monotonic() + 3
    with Store(database) as store:
        crawler = Crawler(config, store)
        while time.monotonic() < deadline:
            local_site.set("/page", PAGE.replace("cooperates", f"cooperates ({len(results)})"))
            results.append(crawler.crawl_source(config.source("city-page")))
    assert 0 == daemon.stop()
    assert [] == [failure for result in results for failure in result.failures]
    assert len(results) >= 20
    assert "locked" not in daemon.log()
    assert [("ok",)] == query(database, "PRAGMA integrity_check")
    assert [("wal",)] == query(database, "PRAGMA journal_mode")


def test_r10_missed_and_skipped_runs_are_warned_and_counted_in_health(tmp_path, caplog):
    """A run missed past its grace and one skipped as still running: two warnings, health says 2."""
    config = load_config(write_config(tmp_path, [("city-page", "http://127.0.0.1:9/", "1h")]))
    daemon = WatcherDaemon(config, ProcessLock(config.settings.database))
    release = threading.Event()
    now = datetime.now(UTC)
    daemon.scheduler.add_job(
        lambda: None, "date", run_date=now - timedelta(seconds=10), id="source:gone-by",
        misfire_grace_time=1,
    )  # fmt: skip
    daemon.scheduler.add_job(
        release.wait, "interval", seconds=0.2, id="source:busy", max_instances=1,
        next_run_time=now,
    )  # fmt: skip
    caplog.set_level(logging.WARNING, logger="watcher.daemon")
    runner = threading.Thread(target=daemon.scheduler.start, daemon=True)
    runner.start()
    try:
        wait_until(lambda: daemon.missed_runs >= 2, timeout=5, what="a missed and a skipped run")
    finally:
        daemon.scheduler.shutdown(wait=False)
        release.set()
        runner.join(timeout=5)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("source gone-by: run due at" in w and "missed" in w for w in warnings), warnings
    assert any("source busy: run skipped, the previous run is still going" in w for w in warnings)
    counted = daemon.missed_runs
    with Store(config.settings.database) as store:
        daemon._write_start(store)
        daemon._heartbeat_job()
        report = health_report(store, config)
    daemon._stores.close_all()
    assert counted == report["daemon"]["missed_runs"]
    assert f"missed or skipped runs: {counted}" in format_health(report)


def test_r24_log_lines_fold_line_breaks_and_hide_secrets():
    """R24: the log format puts one event on one line and never shows a registered secret."""
    logs.redact("hunter2-secret")
    try:
        raise ValueError("first line\nsecond line")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "watcher.mailer", logging.ERROR, __file__, 1, "login %s failed:\r\n%s",
        ("ops", "password hunter2-secret\u2028rejected"), exc_info,
    )  # fmt: skip
    line = logs.OneLineFormatter().format(record)
    assert 1 == len(line.splitlines())
    assert " ERROR watcher.mailer: login ops failed: | password *** | rejected | Traceback" in line
    assert line.endswith("ValueError: first line | second line")
    assert "hunter2" not in line


def test_r15_daemon_bad_config_exits_2(tmp_path, start):
    """A daemon started on an invalid configuration exits 2 with the file and key named (R15)."""
    config_path = tmp_path / "sources.toml"
    config_path.write_text('[watcher]\ndatabase = "watcher.db"\ntimeout = "soon"\n')
    daemon = start(config_path)
    assert 2 == daemon.process.wait(timeout=10)
    assert f"{config_path}: [watcher], key 'timeout'" in daemon.log()
    assert not (tmp_path / "watcher.db").exists()
    assert os.path.exists(config_path)
