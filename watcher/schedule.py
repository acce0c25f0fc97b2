"""When each source runs: first run times from the database, then APScheduler triggers.

Restart-safe by construction (R13): a source's first run after a (re)start is computed from
its last fetch stored in the database, not from the moment the daemon started. A source that
is overdue, however long the downtime, runs once soon; one never fetched runs soon too.
Later runs come from an IntervalTrigger (`every`) or a CronTrigger (`cron`), with a small
random jitter so that sources of one host do not all fire in the same second.

The functions that compute times are pure (they take `now` and a random generator), so the
tests need no clock; `add_source_jobs` is the one place that talks to the scheduler.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from watcher.config import DEFAULT_EVERY, Source

log = logging.getLogger(__name__)

SOURCE_JOB_PREFIX = "source:"
INTERVAL_JITTER_SHARE = 0.1  # of the interval, for `every` sources
MAX_JITTER = 60.0  # seconds, whatever the interval
CRON_JITTER = 30.0  # seconds after each cron fire time
MIN_MISFIRE_GRACE = 60.0  # seconds; APScheduler's default of 1 s drops runs that start late
CRON_MISFIRE_GRACE = 3600.0
# Stored timestamps have whole seconds: a fetch at 10:00:00.4 is stored as 10:00:00, so a cron
# fire time is looked for strictly after last_fetch + this, not at the same instant again.
STORED_PRECISION = timedelta(seconds=1)


def job_id(source_id: str) -> str:
    """The scheduler's job id for a source."""
    return f"{SOURCE_JOB_PREFIX}{source_id}"


def interval_of(source: Source) -> float | None:
    """The source's interval in seconds, or None for a cron source."""
    if source.cron is not None:
        return None
    return source.every or DEFAULT_EVERY


def jitter_for(every: float | None) -> float:
    """Seconds of random delay added to each run: a share of the interval, capped; cron: fixed."""
    if every is None:
        return CRON_JITTER
    return min(every * INTERVAL_JITTER_SHARE, MAX_JITTER)


def misfire_grace_for(every: float | None) -> float:
    """How late a run may start and still run (R10): one interval, at least a minute."""
    if every is None:
        return CRON_MISFIRE_GRACE
    return max(MIN_MISFIRE_GRACE, every)


def cron_trigger(cron: str, timezone: tzinfo, jitter: float | None = None) -> CronTrigger:
    """A CronTrigger for a validated 5-field crontab (weekdays are names, see config.py)."""
    # The fields as CronTrigger.from_crontab reads them, which cannot take a jitter.
    minute, hour, day, month, day_of_week = cron.split()
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=day_of_week,
        timezone=timezone,
        jitter=jitter or None,
    )


def next_due(
    last_fetch: datetime, every: float | None, cron: str | None, timezone: tzinfo = UTC
) -> datetime:
    """When the run after `last_fetch` is due: last_fetch + every, or the cron's next fire."""
    if cron is not None:
        after = last_fetch + STORED_PRECISION
        due = cron_trigger(cron, timezone).get_next_fire_time(None, after)
        if due is None:  # a crontab always fires again; guard against a trigger that ends
            raise ValueError(f"cron {cron!r} never fires after {after.isoformat()}")
        return due
    return last_fetch + timedelta(seconds=every or DEFAULT_EVERY)


def first_run_time(
    last_fetch: datetime | None,
    every: float | None,
    cron: str | None,
    now: datetime,
    jitter: float,
    rng: random.Random,
    timezone: tzinfo = UTC,
) -> datetime:
    """The first run after a (re)start: the next due time, or soon when overdue or never run.

    "Soon" is now plus a random delay of up to `jitter` seconds, so that many overdue sources
    do not all start in the same instant; an overdue source runs once, not once per missed
    interval (R13).
    """
    if last_fetch is not None:
        due = next_due(last_fetch, every, cron, timezone)
        if due > now:
            return due
    return now + timedelta(seconds=rng.uniform(0, jitter))


def source_trigger(
    source: Source, first_run: datetime, timezone: tzinfo
) -> IntervalTrigger | CronTrigger:
    """The trigger for the runs after the first one."""
    every = interval_of(source)
    jitter = jitter_for(every)
    if every is None:
        assert source.cron is not None
        return cron_trigger(source.cron, timezone, jitter=jitter)
    # APScheduler adds the jitter to each fire time and counts the next interval from it, so
    # the mean period would be every + jitter / 2: take that half off to keep `every` true.
    length = max(every - jitter / 2, every / 2)
    return IntervalTrigger(
        seconds=length, start_date=first_run, timezone=timezone, jitter=jitter or None
    )


def add_source_jobs(
    scheduler: Any,
    sources: Iterable[Source],
    last_fetches: Mapping[str, datetime | None],
    run_source: Callable[[str], object],
    *,
    now: datetime,
    rng: random.Random,
    timezone: tzinfo,
    executor: str = "default",
) -> dict[str, datetime]:
    """Add one job per source (replacing any of the same id); return each first run time.

    max_instances=1: a source is never crawled twice at once; coalesce=True: runs missed while
    the daemon was busy or asleep collapse into one.
    """
    first_runs: dict[str, datetime] = {}
    for source in sources:
        every = interval_of(source)
        first_run = first_run_time(
            last_fetches.get(source.id), every, source.cron, now, jitter_for(every), rng, timezone
        )
        scheduler.add_job(
            run_source,
            trigger=source_trigger(source, first_run, timezone),
            args=[source.id],
            id=job_id(source.id),
            name=f"crawl {source.id}",
            next_run_time=first_run,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=int(misfire_grace_for(every)),
            replace_existing=True,
            executor=executor,
        )
        first_runs[source.id] = first_run
        log.info("source %s: first run at %s", source.id, first_run.isoformat(timespec="seconds"))
    return first_runs


def remove_source_jobs(scheduler: Any) -> list[str]:
    """Remove every source job; return the removed ids (other jobs stay)."""
    removed = []
    for job in scheduler.get_jobs():
        if job.id.startswith(SOURCE_JOB_PREFIX):
            scheduler.remove_job(job.id)
            removed.append(job.id)
    return removed


def parse_stored_time(value: str | None) -> datetime | None:
    """A timestamp as stored in the database (ISO 8601 with offset) -> aware datetime or None."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        log.warning("ignoring an unreadable stored time %r", value)
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
