"""Schedule computation: first runs from stored fetch times, jitter bounds, the jobs' settings."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.events import EVENT_JOB_MISSED
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from watcher import schedule
from watcher.config import Source

NOW = datetime(2026, 3, 6, 10, 0, 0, tzinfo=UTC)  # a Friday


def page(source_id: str = "city-page", every: float | None = 600.0, cron: str | None = None):
    return Source(id=source_id, url=f"https://example.org/{source_id}", every=every, cron=cron)


def test_never_fetched_runs_soon_within_jitter():
    """A source never fetched runs between now and now + its jitter."""
    for seed in range(200):
        first = schedule.first_run_time(None, 600.0, None, NOW, 60.0, random.Random(seed))
        assert NOW <= first <= NOW + timedelta(seconds=60)


def test_recent_fetch_runs_one_interval_after_it():
    """A source fetched 4 minutes ago with every=10m runs 10 minutes after that fetch."""
    last = NOW - timedelta(minutes=4)
    first = schedule.first_run_time(last, 600.0, None, NOW, 60.0, random.Random(1))
    assert last + timedelta(minutes=10) == first


def test_r13_overdue_source_runs_once_soon():
    """R13: after a downtime of 10 intervals, the source runs once soon, then an interval later."""
    last = NOW - timedelta(minutes=100)
    source = page(every=600.0)
    jitter = schedule.jitter_for(600.0)
    first = schedule.first_run_time(last, 600.0, None, NOW, jitter, random.Random(7))
    assert NOW <= first <= NOW + timedelta(seconds=jitter)
    trigger = schedule.source_trigger(source, first, UTC)
    second = trigger.get_next_fire_time(first, first)
    # The next run is about one interval after the catch-up run, not a burst of missed runs.
    assert timedelta(seconds=600 - jitter) <= second - first <= timedelta(seconds=600 + jitter)


def test_cron_next_fire_after_last_fetch():
    """A cron source fetched at 10:00:00 on a Friday 09:00 run is next due on Monday 09:00."""
    last = datetime(2026, 3, 6, 9, 0, 0, tzinfo=UTC)
    first = schedule.first_run_time(last, None, "0 9 * * mon-fri", NOW, 30.0, random.Random(1))
    assert datetime(2026, 3, 9, 9, 0, 0, tzinfo=UTC) == first


def test_cron_fire_time_equal_to_stored_fetch_is_not_repeated():
    """A fetch stored at exactly the fire time (whole seconds) does not make that time due again."""
    last = datetime(2026, 3, 6, 9, 45, 0, tzinfo=UTC)
    due = schedule.next_due(last, None, "*/15 * * * *")
    assert datetime(2026, 3, 6, 10, 0, 0, tzinfo=UTC) == due


def test_overdue_cron_source_runs_soon():
    """A cron source whose next fire time passed during downtime runs soon, once."""
    last = NOW - timedelta(days=3)
    first = schedule.first_run_time(last, None, "0 9 * * mon-fri", NOW, 30.0, random.Random(3))
    assert NOW <= first <= NOW + timedelta(seconds=30)


def test_cron_in_local_time_zone():
    """A cron line is read in the scheduler's time zone, not UTC."""
    from zoneinfo import ZoneInfo

    chicago = ZoneInfo("America/Chicago")
    last = datetime(2026, 3, 6, 12, 0, 0, tzinfo=UTC)  # 06:00 in Chicago
    due = schedule.next_due(last, None, "0 9 * * *", chicago)
    assert datetime(2026, 3, 6, 15, 0, 0, tzinfo=UTC) == due.astimezone(UTC)


@pytest.mark.parametrize(
    ("every", "expected"),
    [(1.0, 0.1), (60.0, 6.0), (600.0, 60.0), (86400.0, 60.0), (None, 30.0)],
)
def test_jitter_is_a_capped_share_of_the_interval(every, expected):
    """Jitter is 10 % of the interval, at most a minute; cron sources get 30 s."""
    assert expected == pytest.approx(schedule.jitter_for(every))


@pytest.mark.parametrize(("every", "expected"), [(1.0, 60.0), (1800.0, 1800.0), (None, 3600.0)])
def test_r10_misfire_grace_well_above_apscheduler_default(every, expected):
    """A run may start up to one interval late (at least a minute) and still run (R10)."""
    assert expected == schedule.misfire_grace_for(every)


def test_interval_trigger_keeps_the_mean_period():
    """Fire times stay within every +/- jitter/2 of the previous one, averaging `every`."""
    random.seed(11)  # APScheduler draws its jitter from the module's generator
    trigger = schedule.source_trigger(page(every=100.0), NOW, UTC)
    assert isinstance(trigger, IntervalTrigger)
    previous, gaps = NOW, []
    for _ in range(2000):
        following = trigger.get_next_fire_time(previous, previous)
        gaps.append((following - previous).total_seconds())
        previous = following
    assert 95.0 <= min(gaps) and max(gaps) <= 105.0
    assert 100.0 == pytest.approx(sum(gaps) / len(gaps), abs=0.5)


def test_r9_r13_add_source_jobs_sets_single_instance_coalescing_jobs():
    """R9, R13: one job per source, first run from the database, max 1 instance, coalesced."""
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.start(paused=True)
    try:
        recent = NOW - timedelta(seconds=30)
        first_runs = schedule.add_source_jobs(
            scheduler,
            [
                page("recent", every=60.0),
                page("never", every=60.0),
                page("weekday", None, "0 9 * * mon-fri"),
            ],
            {"recent": recent, "weekday": None},
            lambda source_id: None,
            now=NOW,
            rng=random.Random(5),
            timezone=UTC,
        )
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert ["source:never", "source:recent", "source:weekday"] == sorted(jobs)
        assert recent + timedelta(seconds=60) == jobs["source:recent"].next_run_time
        assert first_runs["never"] == jobs["source:never"].next_run_time
        for job in jobs.values():
            assert 1 == job.max_instances
            assert job.coalesce is True
            assert job.misfire_grace_time >= 60
        assert ("never",) == jobs["source:never"].args
    finally:
        scheduler.shutdown(wait=False)


class EarliestRandom(random.Random):
    """A random source whose uniform() always gives the low end: no jitter, exact times."""

    def uniform(self, a: float, b: float) -> float:
        return a


def test_r10_job_starting_late_still_runs_once():
    """A run due 150 s ago (the daemon was busy) still runs, once, and is not reported missed."""
    runs: list[str] = []
    missed: list[str] = []
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_listener(lambda event: missed.append(event.job_id), EVENT_JOB_MISSED)
    now = datetime.now(UTC)
    schedule.add_source_jobs(
        scheduler,
        [page("late", every=600.0)],
        {"late": now - timedelta(seconds=750)},
        runs.append,
        now=now - timedelta(seconds=150),  # the first run was computed, then the daemon stalled
        rng=EarliestRandom(),
        timezone=UTC,
    )
    scheduler.start()
    try:
        deadline = time.monotonic() + 2
        while not runs and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)  # room for a second, catch-up run, were there one
    finally:
        scheduler.shutdown(wait=False)
    assert (["late"], []) == (runs, missed)


def test_remove_source_jobs_keeps_other_jobs():
    """Removing source jobs for a reload leaves the outbox and heartbeat jobs alone."""
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.start(paused=True)
    try:
        scheduler.add_job(lambda: None, "interval", seconds=30, id="outbox")
        schedule.add_source_jobs(
            scheduler, [page("a"), page("b")], {}, lambda source_id: None,
            now=NOW, rng=random.Random(1), timezone=UTC,
        )  # fmt: skip
        removed = schedule.remove_source_jobs(scheduler)
        assert ["source:a", "source:b"] == sorted(removed)
        assert ["outbox"] == [job.id for job in scheduler.get_jobs()]
    finally:
        scheduler.shutdown(wait=False)


def test_parse_stored_time():
    """Stored ISO timestamps parse to aware datetimes; empty or garbage gives None."""
    assert datetime(2026, 3, 6, 9, 0, tzinfo=UTC) == schedule.parse_stored_time(
        "2026-03-06T09:00:00+00:00"
    )
    assert schedule.parse_stored_time(None) is None
    assert schedule.parse_stored_time("yesterday") is None
