"""Email subscriptions and their unsubscribe tokens (stored hashed)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from watcher.store.db import Store, now_iso


@dataclass(frozen=True)
class Subscription:
    id: int
    email: str
    jurisdictions: tuple[str, ...]
    states: tuple[str, ...]
    statuses: tuple[str, ...]
    digest: str | None
    active: bool

    def matches(self, jurisdiction: str, status: str | None) -> bool:
        """Whether a change of `jurisdiction` to `status` concerns this subscriber."""
        if self.statuses and status not in self.statuses:
            return False
        if not self.jurisdictions and not self.states:
            return True
        return jurisdiction in self.jurisdictions or state_of(jurisdiction) in self.states


def state_of(jurisdiction: str) -> str:
    """The state postal code a jurisdiction id belongs to ("chicago-il" -> "il")."""
    return jurisdiction.rsplit("-", 1)[-1]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def secret_key(store: Store) -> bytes:
    """The key that turns a subscription's nonce into its unsubscribe token.

    From $WATCHER_SECRET_KEY, else a random key kept in a file beside the database (mode
    0600, never in git). The database holds only token hashes, so a copy of it alone cannot
    unsubscribe anyone, yet every email can carry the subscriber's own token.
    """
    from_env = os.environ.get("WATCHER_SECRET_KEY")
    if from_env:
        return from_env.encode("utf-8")
    path = store.path.with_name(store.path.name + ".key")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        key = secrets.token_bytes(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        return key
    except OSError:
        raise


def make_token(key: bytes, subscription_id: int, nonce: str) -> str:
    """The unsubscribe token of a subscription: unguessable without the secret key."""
    digest = hmac.new(key, f"unsubscribe:{subscription_id}:{nonce}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode("ascii").rstrip("=")


def _row_to_subscription(row: sqlite3.Row) -> Subscription:
    return Subscription(
        id=row["id"],
        email=row["email"],
        jurisdictions=tuple(json.loads(row["jurisdictions"])),
        states=tuple(json.loads(row["states"])),
        statuses=tuple(json.loads(row["statuses"])),
        digest=row["digest"],
        active=bool(row["active"]),
    )


def add_subscription(
    store: Store,
    email: str,
    *,
    jurisdictions: tuple[str, ...] = (),
    states: tuple[str, ...] = (),
    statuses: tuple[str, ...] = (),
    digest: str | None = None,
) -> tuple[Subscription, str]:
    """Store a subscription; return it with its unsubscribe token (shown once, kept hashed)."""
    key = secret_key(store)
    with store.transaction() as conn:
        return _insert_subscription(
            conn, key, email, jurisdictions=jurisdictions, states=states, statuses=statuses,
            digest=digest, at=now_iso(),
        )  # fmt: skip


def _insert_subscription(
    conn: sqlite3.Connection,
    key: bytes,
    email: str,
    *,
    jurisdictions: tuple[str, ...],
    states: tuple[str, ...],
    statuses: tuple[str, ...],
    digest: str | None,
    at: str,
) -> tuple[Subscription, str]:
    nonce = secrets.token_hex(16)
    cursor = conn.execute(
        """
        INSERT INTO subscriptions (email, jurisdictions, states, statuses, digest,
                                   token_nonce, token_hash, created_at)
        VALUES (?, ?, ?, ?, ?, ?, '', ?)
        """,
        (email, json.dumps(sorted(jurisdictions)), json.dumps(sorted(states)),
         json.dumps(sorted(statuses)), digest, nonce, at),
    )  # fmt: skip
    subscription_id = int(cursor.lastrowid or 0)
    token = make_token(key, subscription_id, nonce)
    conn.execute(
        "UPDATE subscriptions SET token_hash = ? WHERE id = ?",
        (hash_token(token), subscription_id),
    )
    row = conn.execute("SELECT * FROM subscriptions WHERE id = ?", (subscription_id,)).fetchone()
    return _row_to_subscription(row), token


def subscription_token(store: Store, subscription_id: int) -> str:
    """The unsubscribe token to put in a subscriber's emails."""
    row = store.query("SELECT token_nonce FROM subscriptions WHERE id = ?", (subscription_id,))
    return make_token(secret_key(store), subscription_id, row[0]["token_nonce"])


def active_subscriptions(conn: sqlite3.Connection) -> list[Subscription]:
    rows = conn.execute("SELECT * FROM subscriptions WHERE active = 1 ORDER BY id").fetchall()
    return [_row_to_subscription(row) for row in rows]


def list_subscriptions(store: Store) -> list[Subscription]:
    return [_row_to_subscription(r) for r in store.query("SELECT * FROM subscriptions ORDER BY id")]


def unsubscribe_email(store: Store, email: str) -> int:
    """Deactivate every subscription of an address; cancel their pending alerts."""
    with store.transaction() as conn:
        ids = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM subscriptions WHERE lower(email) = lower(?) AND active = 1",
                (email,),
            )
        ]
        for subscription_id in ids:
            _deactivate(conn, subscription_id)
    return len(ids)


def unsubscribe_token(store: Store, token: str) -> bool:
    """Deactivate the subscription whose token this is; False for a wrong or used token."""
    with store.transaction() as conn:
        row = _row_of_token(conn, token)
        if row is None or not row["active"]:
            return False
        _deactivate(conn, row["id"])
    return True


def token_state(store: Store, token: str) -> str | None:
    """ "active" or "inactive" for the subscription of a token; None for a wrong token."""
    wanted = hash_token(token)
    rows = store.query(
        "SELECT token_hash, active FROM subscriptions WHERE token_hash = ?", (wanted,)
    )
    if not rows or not hmac.compare_digest(rows[0]["token_hash"], wanted):
        return None
    return "active" if rows[0]["active"] else "inactive"


def _row_of_token(conn: sqlite3.Connection, token: str) -> sqlite3.Row | None:
    # Whatever the token (wrong, truncated, empty), the same work is done: hash it, look the
    # hash up, compare. The lookup is by hash, so its timing says nothing about the token.
    wanted = hash_token(token)
    row = conn.execute(
        "SELECT id, token_hash, active FROM subscriptions WHERE token_hash = ?", (wanted,)
    ).fetchone()
    if row is None or not hmac.compare_digest(row["token_hash"], wanted):
        return None
    return row


def _deactivate(conn: sqlite3.Connection, subscription_id: int) -> None:
    conn.execute("UPDATE subscriptions SET active = 0 WHERE id = ?", (subscription_id,))
    conn.execute(
        "UPDATE alerts SET state = 'cancelled' WHERE subscription_id = ? AND state = 'pending'",
        (subscription_id,),
    )


# --- self-service: double opt-in and rate limits (`watcher serve`) ----------------------

CONFIRM_WITHIN = timedelta(days=2)  # a confirmation link works this long
REQUESTS_KEPT = timedelta(days=2)  # rate-limit rows older than the longest window go


@dataclass(frozen=True)
class PendingSubscription:
    """A subscription asked for on the web, waiting for its confirmation link."""

    id: int
    email: str
    jurisdictions: tuple[str, ...]
    states: tuple[str, ...]
    statuses: tuple[str, ...]
    digest: str | None
    expires_at: str
    confirmed: bool


def rate_key(key: bytes, kind: str, value: str) -> str:
    """A keyed hash for the rate-limit table: it counts clients and addresses, never names them."""
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def recent_requests(conn: sqlite3.Connection, kind: str, key: str, since: datetime) -> int:
    """How many requests of this kind and key were recorded since `since`."""
    row = conn.execute(
        "SELECT count(*) FROM subscribe_requests WHERE kind = ? AND key = ? AND at > ?",
        (kind, key, now_iso(since)),
    ).fetchone()
    return int(row[0])


def record_request(conn: sqlite3.Connection, kind: str, key: str, at: datetime) -> None:
    """Count one request (kind 'client': a form sent; 'address': a confirmation email)."""
    conn.execute(
        "INSERT INTO subscribe_requests (kind, key, at) VALUES (?, ?, ?)", (kind, key, now_iso(at))
    )


def prune_requests(conn: sqlite3.Connection, now: datetime) -> None:
    """Forget old rate-limit rows and pending subscriptions past their link's life."""
    conn.execute("DELETE FROM subscribe_requests WHERE at < ?", (now_iso(now - REQUESTS_KEPT),))
    conn.execute("DELETE FROM pending_subscriptions WHERE expires_at < ?", (now_iso(now),))


def add_pending_subscription(
    conn: sqlite3.Connection,
    email: str,
    *,
    jurisdictions: tuple[str, ...] = (),
    states: tuple[str, ...] = (),
    statuses: tuple[str, ...] = (),
    digest: str | None = None,
    now: datetime,
) -> tuple[int, str]:
    """Store a subscription awaiting confirmation; return its id and confirmation token."""
    token = secrets.token_urlsafe(32)
    cursor = conn.execute(
        """
        INSERT INTO pending_subscriptions (email, jurisdictions, states, statuses, digest,
                                           confirm_hash, created_at, expires_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """,
        (email, json.dumps(sorted(jurisdictions)), json.dumps(sorted(states)),
         json.dumps(sorted(statuses)), digest, hash_token(token), now_iso(now),
         now_iso(now + CONFIRM_WITHIN)),
    )  # fmt: skip
    return int(cursor.lastrowid or 0), token


def pending_by_token(
    conn: sqlite3.Connection, token: str, now: datetime
) -> PendingSubscription | None:
    """The pending subscription of a confirmation token, unless wrong or expired."""
    wanted = hash_token(token)
    row = conn.execute(
        "SELECT * FROM pending_subscriptions WHERE confirm_hash = ? AND expires_at >= ?",
        (wanted, now_iso(now)),
    ).fetchone()
    if row is None or not hmac.compare_digest(row["confirm_hash"], wanted):
        return None
    return PendingSubscription(
        id=row["id"],
        email=row["email"],
        jurisdictions=tuple(json.loads(row["jurisdictions"])),
        states=tuple(json.loads(row["states"])),
        statuses=tuple(json.loads(row["statuses"])),
        digest=row["digest"],
        expires_at=row["expires_at"],
        confirmed=row["confirmed_at"] is not None,
    )


def confirm_pending(
    conn: sqlite3.Connection, key: bytes, pending: PendingSubscription, now: datetime
) -> tuple[Subscription, str]:
    """Make a pending subscription active; return it with its unsubscribe token.

    An address that already has an active subscription of the very same scope keeps that
    one: confirming twice, or asking twice for the same thing, never doubles its alerts.
    """
    scope = (
        json.dumps(sorted(pending.jurisdictions)), json.dumps(sorted(pending.states)),
        json.dumps(sorted(pending.statuses)),
    )  # fmt: skip
    row = conn.execute(
        """
        SELECT * FROM subscriptions
        WHERE lower(email) = lower(?) AND active = 1 AND jurisdictions = ? AND states = ?
          AND statuses = ? AND digest IS ?
        ORDER BY id LIMIT 1
        """,
        (pending.email, *scope, pending.digest),
    ).fetchone()
    if row is not None:
        subscription = _row_to_subscription(row)
        token = make_token(key, subscription.id, row["token_nonce"])
    else:
        subscription, token = _insert_subscription(
            conn, key, pending.email, jurisdictions=pending.jurisdictions,
            states=pending.states, statuses=pending.statuses, digest=pending.digest,
            at=now_iso(now),
        )  # fmt: skip
    conn.execute(
        "UPDATE pending_subscriptions SET confirmed_at = ?, subscription_id = ? WHERE id = ?",
        (now_iso(now), subscription.id, pending.id),
    )
    return subscription, token
