"""The only place with SQL: migrations, snapshots, statuses, subscriptions, outbox."""

from watcher.store.db import Store, now_iso, savepoint

__all__ = ["Store", "now_iso", "savepoint"]
