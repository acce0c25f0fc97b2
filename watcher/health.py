"""Is the service well? The daemon's heartbeat, each source's health, operator notices.

`health_report` is what `watcher health` shows: whether the daemon is alive, missed runs,
an SMTP authentication failure, and per source its last success, consecutive failures, last
error and whether its `select` still matches.

`check_sources` runs after each crawl job of the daemon. It emails the operator (through
the outbox, like any alert) once when a source starts failing or its selector stops
matching, and once more when it recovers. `sources.health_notice` remembers which notice is
out, so a source failing for a week sends one email, not one per crawl.
"""

from __future__ import annotations

import logging
import socket
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from watcher.config import Config, Source
from watcher.store import Store, now_iso
from watcher.store.outbox import queue_notice

log = logging.getLogger(__name__)

HEARTBEAT_EVERY = 10.0  # seconds between the daemon's heartbeats
HEARTBEAT_STALE_AFTER = 60.0  # seconds without a heartbeat before the daemon counts as gone
FAILING = "failing"
SELECTOR = "selector"


# --- the report -------------------------------------------------------------------------


def health_report(store: Store, config: Config, now: datetime | None = None) -> dict[str, Any]:
    """Daemon liveness, SMTP state and each configured source's health, as plain data."""
    now = now or datetime.now(UTC)
    daemon = _daemon_health(store, config, now)
    rows = {row["id"]: row for row in store.query("SELECT * FROM sources")}
    threshold = config.settings.failure_threshold
    sources = [_source_health(source, rows.get(source.id), threshold) for source in config.sources]
    smtp_error = daemon.pop("smtp_error")
    return {
        "ok": daemon["running"] and not smtp_error and all(s["healthy"] for s in sources),
        "checked_at": now_iso(now),
        "daemon": daemon,
        "smtp_error": smtp_error,
        "sources": sources,
    }


def _daemon_health(store: Store, config: Config, now: datetime) -> dict[str, Any]:
    rows = store.query("SELECT * FROM daemon WHERE id = 1")
    row = dict(rows[0]) if rows else {}
    heartbeat_at = _parse(row.get("heartbeat_at"))
    age = (now - heartbeat_at).total_seconds() if heartbeat_at else None
    on_this_host = row.get("hostname") == socket.gethostname()
    lock = _lock_state(config) if on_this_host else None
    if not row.get("started_at"):
        state = "never started"
    elif row.get("pid") is None:
        state = "stopped"
    elif lock == "free":
        state = "dead"  # its lock died with it: killed, crashed or the machine rebooted
    elif age is None or age > HEARTBEAT_STALE_AFTER:
        state = "stale"
    else:
        state = "running"
    return {
        "running": state == "running",
        "state": state,
        "pid": row.get("pid"),
        "hostname": row.get("hostname"),
        "started_at": row.get("started_at"),
        "heartbeat_at": row.get("heartbeat_at"),
        "heartbeat_age_seconds": round(age, 1) if age is not None else None,
        "lock": lock,
        "missed_runs": row.get("missed_runs") or 0,
        "smtp_error": row.get("smtp_error"),
    }


def _lock_state(config: Config) -> str:
    # Imported here: the daemon module imports this one for check_sources.
    from watcher.daemon import lock_is_held

    return "held" if lock_is_held(config.settings.database) else "free"


def _source_health(source: Source, row: sqlite3.Row | None, threshold: int) -> dict[str, Any]:
    failures = row["consecutive_failures"] if row else 0
    matched = row["selector_matched"] if row else None
    problems = []
    if failures >= threshold:
        problems.append(f"failed {failures} times in a row")
    if source.select and matched == 0:
        problems.append(f"selector '{source.select}' no longer matches")
    return {
        "id": source.id,
        "url": source.url,
        "healthy": not problems,
        "problems": problems,
        "last_fetch_at": row["last_fetch_at"] if row else None,
        "last_success_at": row["last_success_at"] if row else None,
        "consecutive_failures": failures,
        "last_error": row["last_error"] if row else None,
        "select": source.select,
        "selector_matched": None if matched is None else bool(matched),
        "notice": row["health_notice"] if row else None,
    }


def format_health(report: dict[str, Any]) -> str:
    """The report as lines for a terminal."""
    daemon = report["daemon"]
    if daemon["state"] == "never started":
        lines = ["Daemon: never started on this database"]
    else:
        where = f"pid {daemon['pid']} on {daemon['hostname']}" if daemon["pid"] else "no process"
        age = daemon["heartbeat_age_seconds"]
        beat = f"last heartbeat {age:.0f} s ago" if age is not None else "no heartbeat"
        lines = [
            f"Daemon: {daemon['state']} ({where}, started {daemon['started_at']}, {beat})",
        ]
        if daemon["missed_runs"]:
            lines.append(f"  missed or skipped runs: {daemon['missed_runs']}")
    if report["smtp_error"]:
        lines.append(f"SMTP: sending paused: {report['smtp_error']}")
    lines.append(f"Sources ({len(report['sources'])}):")
    for source in report["sources"]:
        mark = "ok  " if source["healthy"] else "FAIL"
        success = source["last_success_at"] or "never"
        lines.append(f"  {mark} {source['id']}  last success {success}")
        for problem in source["problems"]:
            lines.append(f"       {problem}")
        if source["last_error"]:
            lines.append(f"       last error: {source['last_error']}")
    lines.append("All well." if report["ok"] else "Needs attention.")
    return "\n".join(lines)


# --- operator notices -------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """One operator notice queued by check_sources."""

    source_id: str
    kind: str  # failing | selector | recovered
    subject: str


def check_sources(
    store: Store, config: Config, now: datetime | None = None, *, message_domain: str | None = None
) -> list[Notice]:
    """Queue an operator notice once per new source problem and once per recovery.

    Nothing happens without `settings.operator`. Reading and writing happen in one
    BEGIN IMMEDIATE transaction, so a daemon and a manual crawl checking at the same time
    cannot both send the same notice.
    """
    operator = config.settings.operator
    if not operator:
        return []
    now = now or datetime.now(UTC)
    if message_domain is None:
        sender = config.smtp.sender if config.smtp else "watcher@localhost"
        message_domain = sender.rsplit("@", 1)[-1].strip("<> ") or "localhost"
    threshold = config.settings.failure_threshold
    notices: list[Notice] = []
    with store.transaction() as conn:
        rows = {row["id"]: row for row in conn.execute("SELECT * FROM sources").fetchall()}
        for source in config.sources:
            row = rows.get(source.id)
            if row is None:
                continue  # never crawled: nothing to say yet
            notice = _notice_due(source, row, threshold)
            if notice is None:
                continue
            kind, subject, body = notice
            stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
            queue_notice(
                conn, operator, subject, body, at=now, key=f"{source.id}.{kind}.{stamp}",
                message_domain=message_domain,
            )  # fmt: skip
            conn.execute(
                "UPDATE sources SET health_notice = ? WHERE id = ?",
                (None if kind == "recovered" else kind, source.id),
            )
            notices.append(Notice(source.id, kind, subject))
    for queued in notices:
        log.warning("source %s: operator notice queued: %s", queued.source_id, queued.subject)
    return notices


def _notice_due(source: Source, row: sqlite3.Row, threshold: int) -> tuple[str, str, str] | None:
    """(kind, subject, body) of the notice this source's state calls for, or None."""
    outstanding = row["health_notice"]
    failures = row["consecutive_failures"]
    if failures >= threshold:
        problem: str | None = FAILING
    elif source.select and row["selector_matched"] == 0:
        problem = SELECTOR
    else:
        problem = None
    if problem == outstanding:
        return None
    details = _details(source, row)
    if problem == FAILING:
        subject = f"Source {source.id} has failed {failures} times in a row"
        body = (
            f"The source {source.id} could not be crawled {failures} times in a row.\n\n"
            f"{details}\n\nYou will get one more email when it works again."
        )
        return FAILING, subject, body
    if problem == SELECTOR:
        subject = f"Source {source.id}: its selector no longer matches"
        body = (
            f"The page of source {source.id} no longer has anything matching its selector "
            f"'{source.select}': the site may have changed its layout, and changes on the "
            f"page may go unnoticed. Check the page and update 'select' in the "
            f"configuration.\n\n{details}\n\nYou will get one more email when it matches again."
        )
        return SELECTOR, subject, body
    if failures > 0:
        return None  # no success since the notice: not recovered yet
    subject = f"Source {source.id} works again"
    body = f"The source {source.id} was crawled successfully again.\n\n{details}"
    return "recovered", subject, body


def _details(source: Source, row: sqlite3.Row) -> str:
    lines = [
        f"URL: {source.url}",
        f"Last success: {row['last_success_at'] or 'never'}",
        f"Last fetch: {row['last_fetch_at'] or 'never'}",
        f"Consecutive failures: {row['consecutive_failures']}",
    ]
    if row["last_error"]:
        lines.append(f"Last error: {row['last_error']}")
    return "\n".join(lines)


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
