"""The only place with SQL: migrations, snapshots, statuses, subscriptions, outbox."""

from watcher.store.db import Store, now_iso

__all__ = ["Store", "now_iso"]
