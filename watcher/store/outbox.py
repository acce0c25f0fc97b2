"""The alert outbox: rows written with the change that causes them, drained by `send`.

An alert is unique per (status change, subscription), so processing the same change twice
queues it once (R4). Its Message-ID is fixed when it is queued, so a copy sent again after a
crash between the server's 250 and our "sent" mark carries the same id (R3).
"""

from __future__ import annotations

import os
import socket
import sqlite3
from datetime import datetime

from watcher.alerts import make_message_id
from watcher.store.db import Store, now_iso
from watcher.store.statuses import StatusChange
from watcher.store.subscriptions import Subscription


def queue_alerts(
    conn: sqlite3.Connection,
    changes: list[StatusChange],
    subscriptions: list[Subscription],
    *,
    at: datetime,
    message_domain: str,
) -> int:
    """One pending alert per (change, matching subscription); returns how many were added."""
    queued = 0
    for change in changes:
        if change.baseline:
            continue
        for subscription in subscriptions:
            if not subscription.matches(change.jurisdiction, change.to_status):
                continue
            cursor = conn.execute(
                """
                INSERT INTO alerts (kind, status_change_id, subscription_id, recipient,
                                    digest_day, next_try_at, message_id, created_at)
                VALUES ('status', ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (status_change_id, subscription_id) DO NOTHING
                """,
                (
                    change.id,
                    subscription.id,
                    subscription.email,
                    at.date().isoformat() if subscription.digest == "daily" else None,
                    now_iso(at),
                    make_message_id(f"alert:{change.id}:{subscription.id}", message_domain),
                    now_iso(at),
                ),
            )
            queued += cursor.rowcount
    return queued


def queue_notice(
    conn: sqlite3.Connection,
    recipient: str,
    subject: str,
    body: str,
    *,
    at: datetime,
    key: str,
    message_domain: str,
) -> None:
    """An operator notice (source health), through the same outbox as alerts."""
    conn.execute(
        """
        INSERT INTO alerts (kind, recipient, subject, body, next_try_at, message_id, created_at)
        VALUES ('notice', ?, ?, ?, ?, ?, ?)
        """,
        (recipient, subject, body, now_iso(at), make_message_id(f"notice:{key}", message_domain),
         now_iso(at)),
    )  # fmt: skip


def due_alerts(store: Store, at: datetime) -> list[sqlite3.Row]:
    """Pending immediate alerts whose next try has come, oldest first."""
    return store.query(
        """
        SELECT * FROM alerts WHERE state = 'pending' AND digest_day IS NULL AND next_try_at <= ?
        ORDER BY id
        """,
        (now_iso(at),),
    )


def due_digests(store: Store, at: datetime, due_at: datetime) -> list[sqlite3.Row]:
    """Pending digest alerts of days over by `at`, next try by `due_at`, oldest first."""
    return store.query(
        """
        SELECT * FROM alerts WHERE state = 'pending' AND digest_day IS NOT NULL
          AND digest_day < ? AND next_try_at <= ?
        ORDER BY subscription_id, digest_day, id
        """,
        (at.date().isoformat(), now_iso(due_at)),
    )


def claim(store: Store, alert_ids: list[int], at: datetime, until: datetime) -> bool:
    """Take these pending alerts for one send; False when another live sender holds one.

    A claim is void once it lapses (`until`), or when the process that made it on this
    host has died, or when it is this process's own (one sender per process): a sender
    that dies mid-send never holds an alert back from the restarted one.
    """
    me = f"{socket.gethostname()}:{os.getpid()}"
    with store.transaction() as conn:
        rows = conn.execute(
            f"SELECT state, claimed_until, claimed_by FROM alerts "
            f"WHERE id IN ({','.join('?' * len(alert_ids))})",
            tuple(alert_ids),
        ).fetchall()
        if len(rows) != len(alert_ids) or any(row["state"] != "pending" for row in rows):
            return False
        if any(_claim_holds(row, at, me) for row in rows):
            return False
        conn.executemany(
            "UPDATE alerts SET claimed_until = ?, claimed_by = ? WHERE id = ?",
            [(now_iso(until), me, alert_id) for alert_id in alert_ids],
        )
    return True


def _claim_holds(row: sqlite3.Row, at: datetime, me: str) -> bool:
    if not row["claimed_by"] or not row["claimed_until"] or row["claimed_until"] <= now_iso(at):
        return False
    if row["claimed_by"] == me:
        return False
    host, _, pid = row["claimed_by"].rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False  # its sender died mid-send
        except PermissionError:
            return True
    return True


def release(store: Store, alert_ids: list[int]) -> None:
    """Give claimed alerts back untouched."""
    with store.transaction() as conn:
        conn.executemany(
            "UPDATE alerts SET claimed_until = NULL, claimed_by = NULL WHERE id = ?",
            [(i,) for i in alert_ids],
        )


def mark_sent(store: Store, alert_ids: list[int], at: datetime) -> None:
    """Record delivery. A notice's body is dropped: it may hold a confirmation link."""
    with store.transaction() as conn:
        conn.executemany(
            "UPDATE alerts SET state = 'sent', sent_at = ?, attempts = attempts + 1, "
            "last_error = NULL, claimed_until = NULL, claimed_by = NULL, "
            "body = CASE WHEN kind = 'notice' THEN NULL ELSE body END "
            "WHERE id = ? AND state = 'pending'",
            [(now_iso(at), alert_id) for alert_id in alert_ids],
        )


def mark_retry(store: Store, alert_ids: list[int], next_try: datetime, error: str) -> None:
    with store.transaction() as conn:
        conn.executemany(
            "UPDATE alerts SET attempts = attempts + 1, next_try_at = ?, last_error = ?, "
            "claimed_until = NULL, claimed_by = NULL WHERE id = ? AND state = 'pending'",
            [(now_iso(next_try), error, alert_id) for alert_id in alert_ids],
        )


def mark_final(store: Store, alert_ids: list[int], state: str, error: str) -> None:
    """Mark alerts failed (the server refused them) or given_up (too old to keep trying)."""
    with store.transaction() as conn:
        conn.executemany(
            "UPDATE alerts SET state = ?, attempts = attempts + 1, last_error = ?, "
            "claimed_until = NULL, claimed_by = NULL WHERE id = ? AND state = 'pending'",
            [(state, error, alert_id) for alert_id in alert_ids],
        )


def list_alerts(store: Store, state: str | None = None) -> list[sqlite3.Row]:
    where, params = ("WHERE a.state = ?", (state,)) if state else ("", ())
    return store.query(
        f"""
        SELECT a.id, a.kind, a.recipient, a.state, a.attempts, a.next_try_at, a.last_error,
               a.created_at, a.sent_at, a.message_id, a.digest_day, a.subject,
               sc.jurisdiction, sc.from_status, sc.to_status
        FROM alerts a LEFT JOIN status_changes sc ON sc.id = a.status_change_id
        {where} ORDER BY a.id
        """,
        params,
    )
