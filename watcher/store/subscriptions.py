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
    nonce = secrets.token_hex(16)
    with store.transaction() as conn:
        cursor = conn.execute(
            """
            INSERT INTO subscriptions (email, jurisdictions, states, statuses, digest,
                                       token_nonce, token_hash, created_at)
            VALUES (?, ?, ?, ?, ?, ?, '', ?)
            """,
            (email, json.dumps(sorted(jurisdictions)), json.dumps(sorted(states)),
             json.dumps(sorted(statuses)), digest, nonce, now_iso()),
        )  # fmt: skip
        subscription_id = int(cursor.lastrowid or 0)
        token = make_token(key, subscription_id, nonce)
        conn.execute(
            "UPDATE subscriptions SET token_hash = ? WHERE id = ?",
            (hash_token(token), subscription_id),
        )
        row = conn.execute(
            "SELECT * FROM subscriptions WHERE id = ?", (subscription_id,)
        ).fetchone()
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
    wanted = hash_token(token)
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT id, token_hash FROM subscriptions WHERE token_hash = ? AND active = 1",
            (wanted,),
        ).fetchone()
        # The lookup is by hash, so timing says nothing about the token; compare anyway.
        if row is None or not hmac.compare_digest(row["token_hash"], wanted):
            return False
        _deactivate(conn, row["id"])
    return True


def _deactivate(conn: sqlite3.Connection, subscription_id: int) -> None:
    conn.execute("UPDATE subscriptions SET active = 0 WHERE id = ?", (subscription_id,))
    conn.execute(
        "UPDATE alerts SET state = 'cancelled' WHERE subscription_id = ? AND state = 'pending'",
        (subscription_id,),
    )
