"""Drain the outbox: compose each due alert, hand it to the mailer, record what happened.

An alert is marked sent only after the server's 250: a crash in between may send one more
copy, with the same Message-ID (R3), but never loses one. A 4xx or a broken connection
leaves it pending with a later next try (exponential backoff with jitter, capped); a 5xx
marks it failed with the server's words; an authentication failure pauses sending and
touches no alert (R5).
"""

from __future__ import annotations

import logging
import random
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage

from watcher.alerts import (
    AlertContent,
    compose_alert,
    compose_digest,
    compose_notice,
    make_message_id,
)
from watcher.config import Config, message_domain
from watcher.diff import excerpt
from watcher.mailer import Delivery, Mailer, SmtpSettings
from watcher.store import Store, now_iso, outbox
from watcher.store.subscriptions import subscription_token

log = logging.getLogger(__name__)

RETRY_BASE = 60.0  # seconds before the first retry
RETRY_CAP = 3600.0  # never wait longer than this between tries
RETRY_JITTER = 0.2  # +/- 20 %
CLAIM_FOR = timedelta(minutes=10)  # longer than any one SMTP transaction may take


def retry_delay(attempts: int, rng: random.Random | None = None) -> float:
    """Seconds until the next try after `attempts` failed tries (1 for the first)."""
    uniform = rng.uniform if rng is not None else random.uniform
    base = min(RETRY_CAP, RETRY_BASE * 2 ** max(0, attempts - 1))
    return min(RETRY_CAP, base * uniform(1 - RETRY_JITTER, 1 + RETRY_JITTER))


@dataclass
class SendSummary:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    given_up: int = 0
    auth_failed: bool = False
    errors: list[str] | None = None

    @property
    def trouble(self) -> bool:
        return bool(self.retrying or self.failed or self.given_up or self.auth_failed)


def smtp_settings(config: Config) -> SmtpSettings:
    """Mailer settings from [smtp], the password read from the environment."""
    smtp = config.smtp
    if smtp is None:
        return SmtpSettings()
    return SmtpSettings(
        host=smtp.host,
        port=smtp.port,
        security=smtp.security,
        username=smtp.username,
        password=smtp.password(),
        timeout=smtp.timeout,
        sender=smtp.sender,
    )


def send_pending(
    store: Store,
    config: Config,
    *,
    mailer: Mailer | None = None,
    now: datetime | None = None,
    names: Callable[[str], str] | None = None,
    respect_backoff: bool = True,
) -> SendSummary:
    """Send every due alert, notice and finished daily digest once; return what happened.

    `respect_backoff=False` (the operator's `watcher send`) tries every pending alert now,
    whatever its next try time.
    """
    now = now or datetime.now(UTC)
    settings = smtp_settings(config)
    summary = SendSummary(errors=[])
    names = names or display_name
    own_mailer = mailer is None
    mailer = mailer or Mailer(settings)
    try:
        due_at = now if respect_backoff else datetime.max.replace(tzinfo=UTC)
        messages = _due_messages(store, config, now, due_at, names, settings)
        for message, alert_ids, created_at in messages:
            if not outbox.claim(store, alert_ids, now, now + CLAIM_FOR):
                continue  # another sender has it right now
            delivery = mailer.send(message)
            if not _record(store, delivery, alert_ids, created_at, now, config, summary):
                break  # authentication failed: stop until the operator fixes it
    finally:
        if own_mailer:
            mailer.close()
    _record_smtp_health(store, summary)
    return summary


def _due_messages(
    store: Store,
    config: Config,
    now: datetime,
    due_at: datetime,
    names: Callable[[str], str],
    settings: SmtpSettings,
) -> Iterator[tuple[EmailMessage, list[int], str]]:
    """(message, alert ids it delivers, oldest creation time) for each due send."""
    public_url = config.settings.public_url
    for row in outbox.due_alerts(store, due_at):
        if row["kind"] == "notice":
            message = compose_notice(
                row["subject"] or "", row["body"] or "", sender=settings.sender,
                recipient=row["recipient"], message_id=row["message_id"],
            )  # fmt: skip
        else:
            content = alert_content(store, row["status_change_id"], names)
            message = compose_alert(
                content, sender=settings.sender, recipient=row["recipient"],
                message_id=row["message_id"],
                unsubscribe_token=subscription_token(store, row["subscription_id"]),
                public_url=public_url,
            )  # fmt: skip
        yield message, [row["id"]], row["created_at"]
    groups: dict[tuple[int, str], list[sqlite3.Row]] = defaultdict(list)
    for row in outbox.due_digests(store, now, due_at):
        groups[(row["subscription_id"], row["digest_day"])].append(row)
    for (subscription_id, day), rows in groups.items():
        contents = [alert_content(store, row["status_change_id"], names) for row in rows]
        message = compose_digest(
            contents, sender=settings.sender, recipient=rows[0]["recipient"],
            message_id=make_message_id(f"digest:{subscription_id}:{day}", message_domain(config)),
            unsubscribe_token=subscription_token(store, subscription_id),
            public_url=public_url, day=date.fromisoformat(day),
        )  # fmt: skip
        yield message, [row["id"] for row in rows], min(row["created_at"] for row in rows)


def _record(
    store: Store,
    delivery: Delivery,
    alert_ids: list[int],
    created_at: str,
    now: datetime,
    config: Config,
    summary: SendSummary,
) -> bool:
    """Store the outcome of one send; False when sending must stop."""
    assert summary.errors is not None
    if delivery.outcome == "sent":
        outbox.mark_sent(store, alert_ids, now)
        summary.sent += len(alert_ids)
        return True
    if delivery.outcome == "auth_failed":
        # One error per pause (R5): the daemon tries again every few seconds, and a log
        # that repeats the same error each time buries it. Later tries are warnings.
        already_paused = _stored_smtp_error(store) is not None
        log.log(
            logging.WARNING if already_paused else logging.ERROR,
            "SMTP authentication failed, sending paused: %s",
            delivery.reply,
        )
        summary.auth_failed = True
        summary.errors.append(f"SMTP authentication failed: {delivery.reply}")
        outbox.release(store, alert_ids)  # untouched: ready as soon as the login works
        return False
    if delivery.outcome == "permanent":
        log.warning("alerts %s refused by the mail server: %s", alert_ids, delivery.reply)
        outbox.mark_final(store, alert_ids, "failed", delivery.reply)
        summary.failed += len(alert_ids)
        summary.errors.append(delivery.reply)
        return True
    age = (now - datetime.fromisoformat(created_at)).total_seconds()
    if age >= config.settings.alert_max_age:
        log.warning("alerts %s given up after %.0f s: %s", alert_ids, age, delivery.reply)
        outbox.mark_final(store, alert_ids, "given_up", delivery.reply)
        summary.given_up += len(alert_ids)
        summary.errors.append(delivery.reply)
        return True
    attempts = _attempts(store, alert_ids[0]) + 1
    next_try = now + timedelta(seconds=retry_delay(attempts))
    log.info("alerts %s: %s; next try at %s", alert_ids, delivery.reply, now_iso(next_try))
    outbox.mark_retry(store, alert_ids, next_try, delivery.reply)
    summary.retrying += len(alert_ids)
    summary.errors.append(delivery.reply)
    return True


def _attempts(store: Store, alert_id: int) -> int:
    return int(store.query("SELECT attempts FROM alerts WHERE id = ?", (alert_id,))[0][0])


def _stored_smtp_error(store: Store) -> str | None:
    rows = store.query("SELECT smtp_error FROM daemon WHERE id = 1")
    return rows[0]["smtp_error"] if rows else None


def _record_smtp_health(store: Store, summary: SendSummary) -> None:
    """Remember an SMTP authentication failure for `watcher health` (cleared by a success)."""
    error = summary.errors[0] if summary.auth_failed and summary.errors else None
    if not summary.auth_failed and not summary.sent:
        return
    with store.transaction() as conn:
        conn.execute("INSERT INTO daemon (id) VALUES (1) ON CONFLICT (id) DO NOTHING")
        conn.execute("UPDATE daemon SET smtp_error = ? WHERE id = 1", (error,))


def alert_content(store: Store, status_change_id: int, names: Callable[[str], str]) -> AlertContent:
    """What an alert says, read back from the status change and its evidence."""
    row = store.query(
        """
        SELECT sc.jurisdiction, sc.kind, sc.from_status, sc.to_status, sc.snapshot_id,
               f.evidence, f.url, f.event_date, f.snapshot_id AS finding_snapshot,
               s.title, s.published, s.text, s.document_id
        FROM status_changes sc
        LEFT JOIN findings f ON f.id = sc.finding_id
        LEFT JOIN snapshots s ON s.id = f.snapshot_id
        WHERE sc.id = ?
        """,
        (status_change_id,),
    )[0]
    diff = ""
    if row["finding_snapshot"] is not None:
        previous = store.query(
            "SELECT text FROM snapshots WHERE document_id = ? AND id < ? ORDER BY id DESC LIMIT 1",
            (row["document_id"], row["finding_snapshot"]),
        )
        diff = excerpt(previous[0]["text"] if previous else "", row["text"] or "",
                       evidence=row["evidence"] or "")  # fmt: skip
    published = row["published"] or row["event_date"]
    return AlertContent(
        jurisdiction=row["jurisdiction"],
        jurisdiction_name=names(row["jurisdiction"]),
        status_from=row["from_status"],
        status_to=row["to_status"],
        kind=row["kind"],
        evidence=row["evidence"] or "",
        source_url=row["url"] or "",
        document_title=row["title"] or "",
        document_date=date.fromisoformat(published) if published else None,
        diff_excerpt=diff,
    )


def display_name(jurisdiction: str) -> str:
    """ "Chicago, IL" for "chicago-il", from the gazetteer; the id itself if unknown."""
    from watcher.status import get_gazetteer

    known = get_gazetteer().get(jurisdiction)
    return known.display if known else jurisdiction
