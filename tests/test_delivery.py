"""Alerts from crawl to inbox: the outbox, retries and failures (R1-R8, R23, R24)."""

from __future__ import annotations

import dataclasses
import logging
import random
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.configs import write_config
from tests.httpsite import LocalSite
from tests.smtpsink import SmtpSink
from watcher import delivery
from watcher.cli import main
from watcher.config import load_config
from watcher.delivery import RETRY_CAP, RETRY_JITTER, retry_delay, send_pending
from watcher.health import format_health, health_report
from watcher.pipeline import Crawler
from watcher.store import Store
from watcher.store.subscriptions import Subscription, hash_token

BEFORE = """<html><head><title>Boston news</title></head><body><main>
<h1>Boston news</h1><p>The mayor opened a new library branch in Dorchester.</p>
</main></body></html>"""
AFTER = """<html><head><title>Justice Department Sues Boston</title>
<meta name="date" content="2025-09-04"></head><body><main><h1>Justice Department Sues Boston</h1>
<p>Today, the Justice Department filed a lawsuit against the City of Boston over its
sanctuary city laws.</p></main></body></html>"""


class Setup:
    """A local DOJ-like page, a local SMTP server and a configuration pointing at both."""

    def __init__(self, tmp_path: Path, site: LocalSite, sink: SmtpSink, extra: str = ""):
        self.site, self.sink, self.tmp_path = site, sink, tmp_path
        site.set("/boston", BEFORE)
        sources = f'[[sources]]\nid = "doj"\nurl = "{site.url("/boston")}"\nevery = "1h"\n'
        self.config_path = write_config(tmp_path, sources, smtp_port=sink.port, extra_watcher=extra)
        self.runner = CliRunner()

    def cli(self, *args: str) -> Result:
        return self.runner.invoke(main, ["--config", str(self.config_path), *args])

    def subscribe(self, *emails: str) -> None:
        for email in emails:
            assert 0 == self.cli("subscribe", email).exit_code

    def baseline_then_change(self, *crawl_args: str) -> Result:
        assert 0 == self.cli("crawl", *crawl_args).exit_code
        self.site.set("/boston", AFTER)
        return self.cli("crawl", *crawl_args)

    def store(self) -> Store:
        return Store(self.tmp_path / "watcher.db")

    def alert_states(self) -> list[tuple[str, int]]:
        with self.store() as store:
            return [(r["state"], r["attempts"]) for r in store.query("SELECT * FROM alerts")]


@pytest.fixture
def setup(tmp_path: Path):
    with LocalSite() as site, SmtpSink() as sink:
        yield Setup(tmp_path, site, sink)


def test_r8_change_emails_each_subscriber_once(setup: Setup) -> None:
    """A status change sends one email per subscriber with the routing headers (R8)."""
    setup.subscribe("a@example.org", "b@example.org")
    result = setup.baseline_then_change()
    assert 0 == result.exit_code, result.output
    assert 2 == len(setup.sink.messages)
    assert [("a@example.org",), ("b@example.org",)] == sorted(
        m.rcpt_tos for m in setup.sink.messages
    )
    message = setup.sink.messages[0].message
    assert ("boston-ma", "none", "sued") == (
        message["X-Watcher-Jurisdiction"],
        message["X-Watcher-Status-From"],
        message["X-Watcher-Status-To"],
    )
    tokens = {m.message["List-Unsubscribe"] for m in setup.sink.messages}
    assert 2 == len(tokens), "each subscriber has an own unsubscribe token"
    assert 0 == setup.cli("crawl").exit_code
    assert 2 == len(setup.sink.messages), "an unchanged re-crawl sends nothing"


def test_r1_no_alert_lost_while_smtp_is_down(setup: Setup) -> None:
    """R1: with SMTP down each subscriber's alert stays pending; once back, one email each."""
    setup.subscribe("a@example.org", "b@example.org")
    assert 0 == setup.cli("crawl").exit_code
    setup.sink.stop()
    setup.site.set("/boston", AFTER)
    result = setup.cli("crawl")
    assert 1 == result.exit_code
    assert [("pending", 1), ("pending", 1)] == setup.alert_states()
    with setup.store() as store:
        assert "sued" == store.query("SELECT federal_status FROM jurisdiction_statuses")[0][0]
        assert 2 == store.query("SELECT count(*) FROM snapshots")[0][0]
    setup.sink.start()
    assert 0 == setup.cli("send").exit_code
    assert [("a@example.org",), ("b@example.org",)] == sorted(
        m.rcpt_tos for m in setup.sink.messages
    )
    assert 0 == setup.cli("send").exit_code
    assert 2 == len(setup.sink.messages)


def test_r2_change_and_outbox_are_one_transaction(setup: Setup) -> None:
    """R2: a failed outbox insert stores neither snapshot nor status; a retry queues once."""
    setup.subscribe("a@example.org")
    assert 0 == setup.cli("crawl").exit_code
    with setup.store() as store:
        store.conn.execute(
            "CREATE TRIGGER break_outbox BEFORE INSERT ON alerts "
            "BEGIN SELECT RAISE(ABORT, 'injected outbox failure'); END"
        )
    setup.site.set("/boston", AFTER)
    failed = setup.cli("crawl", "--no-email")
    assert 1 == failed.exit_code
    assert "injected outbox failure" in failed.output
    with setup.store() as store:
        assert 1 == store.query("SELECT count(*) FROM snapshots")[0][0]
        assert [] == store.query("SELECT * FROM status_changes WHERE baseline = 0")
        store.conn.execute("DROP TRIGGER break_outbox")
    assert 0 == setup.cli("crawl").exit_code
    assert [("sent", 1)] == setup.alert_states()
    assert 1 == len(setup.sink.messages)


def test_r3_crash_after_250_sends_at_most_one_more_copy_with_same_id(setup: Setup) -> None:
    """R3: a crash between the server's 250 and the sent mark repeats the same Message-ID once."""
    setup.subscribe("a@example.org")
    setup.baseline_then_change("--no-email")
    with setup.store() as store:
        store.conn.execute(
            "CREATE TRIGGER crash_on_sent BEFORE UPDATE OF state ON alerts "
            "WHEN NEW.state = 'sent' BEGIN SELECT RAISE(ABORT, 'crash'); END"
        )
    crashed = setup.cli("send")
    assert crashed.exception is not None
    with setup.store() as store:
        store.conn.execute("DROP TRIGGER crash_on_sent")
    assert 0 == setup.cli("send").exit_code
    ids = [m.message["Message-ID"] for m in setup.sink.messages]
    assert 2 == len(ids) and ids[0] == ids[1]
    assert 0 == setup.cli("send").exit_code
    assert 2 == len(setup.sink.messages)


def test_r3_failure_before_data_gives_exactly_one_copy(setup: Setup) -> None:
    """R3: a refusal before DATA leaves the alert pending; the next send delivers one copy."""
    setup.subscribe("a@example.org")
    setup.sink.behaviour = "always_421"
    setup.baseline_then_change()
    assert [] == setup.sink.messages
    setup.sink.behaviour = "accept"
    assert 0 == setup.cli("send").exit_code
    assert 1 == len(setup.sink.messages)


def test_r4_same_change_processed_twice_queues_one_alert(setup: Setup) -> None:
    """R4: two crawls of the same change at once give one alert per subscription."""
    setup.subscribe("a@example.org")
    assert 0 == setup.cli("crawl").exit_code
    setup.site.set("/boston", AFTER)
    config = load_config(setup.config_path)

    def crawl_once() -> None:
        with setup.store() as store:
            Crawler(config, store).crawl()

    threads = [threading.Thread(target=crawl_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [("pending", 0)] == setup.alert_states()
    with setup.store() as store:
        change = store.query("SELECT id FROM status_changes WHERE baseline = 0")[0][0]
        store.conn.execute(
            "INSERT INTO alerts (kind, status_change_id, subscription_id, recipient, "
            "next_try_at, message_id, created_at) VALUES ('status', ?, 1, 'a@example.org', "
            "'x', 'y', 'z') ON CONFLICT DO NOTHING",
            (change,),
        )
        assert 1 == store.query("SELECT count(*) FROM alerts")[0][0]


def test_r5_451_retries_550_fails_535_pauses(setup: Setup) -> None:
    """R5: 451 keeps the alert pending with a later try; 550 fails it; 535 touches nothing."""
    setup.subscribe("a@example.org")
    setup.sink.behaviour = "rcpt_4xx"
    before = datetime.now(UTC)
    setup.baseline_then_change()
    assert [("pending", 1)] == setup.alert_states()
    with setup.store() as store:
        row = store.query("SELECT next_try_at, last_error FROM alerts")[0]
    wait = (datetime.fromisoformat(row["next_try_at"]) - before).total_seconds()
    assert 60 * (1 - RETRY_JITTER) - 2 <= wait
    assert wait <= 60 * (1 + RETRY_JITTER) + 5
    assert row["last_error"].startswith("451")

    setup.sink.behaviour = "auth_535"
    setup.sink.credentials = ("watcher", "right")
    config = load_config(setup.config_path)
    smtp = config.smtp
    assert smtp is not None
    with setup.store() as store:
        paused = send_pending(
            store,
            config,
            mailer=delivery.Mailer(
                delivery.SmtpSettings(
                    host="127.0.0.1",
                    port=setup.sink.port,
                    username="watcher",
                    password="wrong",
                    timeout=5,
                    sender=smtp.sender,
                )
            ),  # fmt: skip
            respect_backoff=False,
        )
        assert paused.auth_failed
        assert "535" in store.query("SELECT smtp_error FROM daemon")[0][0]
    assert [("pending", 1)] == setup.alert_states()

    setup.sink.behaviour = "rcpt_5xx"
    assert 1 == setup.cli("send").exit_code
    assert [("failed", 2)] == setup.alert_states()
    failed = setup.cli("alerts", "--failed")
    assert "550" in failed.output
    setup.sink.behaviour = "accept"
    setup.cli("send")
    assert [] == setup.sink.messages, "a failed alert is never tried again"


def test_r6_backoff_follows_schedule_within_jitter_and_cap() -> None:
    """R6: retry delays double from the base, stay within jitter, never pass the cap."""
    rng = random.Random(7)
    for attempts in range(1, 30):
        delay = retry_delay(attempts, rng)
        base = min(RETRY_CAP, 60 * 2 ** (attempts - 1))
        assert base * (1 - RETRY_JITTER) <= delay <= min(RETRY_CAP, base * (1 + RETRY_JITTER))


def test_r6_old_alert_is_given_up(setup: Setup) -> None:
    """R6: with SMTP always answering 421, an alert older than the limit is given up."""
    setup.subscribe("a@example.org")
    setup.sink.behaviour = "always_421"
    setup.baseline_then_change()
    config = load_config(setup.config_path)
    with setup.store() as store:
        later = datetime.now(UTC) + timedelta(seconds=config.settings.alert_max_age + 60)
        summary = send_pending(store, config, now=later)
    assert 1 == summary.given_up
    assert [("given_up", 2)] == setup.alert_states()


def test_r5_auth_failure_logs_one_error_and_health_says_so(
    setup: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    """R5: 535 at AUTH pauses sending with one error logged over many tries; health says so."""
    setup.subscribe("a@example.org")
    setup.baseline_then_change("--no-email")
    setup.sink.behaviour = "auth_535"
    config = load_config(setup.config_path)
    settings = dataclasses.replace(
        delivery.smtp_settings(config), username="watcher", password="wrong"
    )
    caplog.set_level(logging.INFO, logger="watcher")
    with setup.store() as store:
        for _try in range(3):
            with delivery.Mailer(settings) as mailer:
                summary = send_pending(store, config, mailer=mailer, respect_backoff=False)
            assert summary.auth_failed
        report = health_report(store, config)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert ["SMTP authentication failed, sending paused: %s"] == [r.msg for r in errors]
    assert [("pending", 0)] == setup.alert_states(), "alerts untouched"
    assert report["smtp_error"] is not None and "535" in report["smtp_error"]
    assert not report["ok"]
    assert "SMTP: sending paused: SMTP authentication failed: AUTH: 535" in format_health(report)
    setup.sink.behaviour = "accept"
    assert 0 == setup.cli("send").exit_code
    with setup.store() as store:
        assert health_report(store, config)["smtp_error"] is None, "a success clears it"


def test_r6_always_421_tries_follow_the_schedule_until_given_up(setup: Setup) -> None:
    """R6: against a server always answering 421, tries keep the backoff schedule, then give up."""
    setup.subscribe("a@example.org")
    setup.baseline_then_change("--no-email")
    setup.sink.behaviour = "always_421"
    config = load_config(setup.config_path)
    max_age = config.settings.alert_max_age
    with setup.store() as store:
        created = datetime.fromisoformat(store.query("SELECT created_at FROM alerts")[0][0])
        now = created
        gaps: list[float] = []
        while True:
            summary = send_pending(store, config, now=now)
            row = store.query("SELECT state, attempts, next_try_at FROM alerts")[0]
            if row["state"] != "pending":
                break
            # Nothing happens before the next try is due.
            assert 0 == send_pending(store, config, now=now + timedelta(seconds=1)).retrying
            next_try = datetime.fromisoformat(row["next_try_at"])
            gaps.append((next_try - now).total_seconds())
            now = next_try
        connections = setup.sink.connections
    assert 1 == summary.given_up
    assert ("given_up", len(gaps) + 1) == (row["state"], row["attempts"])
    assert (now - created).total_seconds() >= max_age
    assert (now - created).total_seconds() < max_age + RETRY_CAP * (1 + RETRY_JITTER)
    for attempt, gap in enumerate(gaps, start=1):
        base = min(RETRY_CAP, 60 * 2 ** (attempt - 1))
        assert base * (1 - RETRY_JITTER) - 1 <= gap <= min(RETRY_CAP, base * (1 + RETRY_JITTER))
    assert len(gaps) + 1 == connections, "one connection per try, none between tries"
    shown = setup.cli("alerts")
    assert "given_up" in shown.output and "421" in shown.output


def test_r7_silent_server_try_fails_within_the_timeout_as_transient(setup: Setup) -> None:
    """R7: a server that accepts and never answers: the try ends at the timeout, alert pending."""
    setup.subscribe("a@example.org")
    setup.baseline_then_change("--no-email")
    setup.sink.behaviour = "hang"
    config = load_config(setup.config_path)
    settings = dataclasses.replace(delivery.smtp_settings(config), timeout=0.5)
    started = time.monotonic()
    with setup.store() as store, delivery.Mailer(settings) as mailer:
        summary = send_pending(store, config, mailer=mailer)
    elapsed = time.monotonic() - started
    assert (1, 0) == (summary.retrying, summary.failed)
    assert elapsed < 2.0
    assert [("pending", 1)] == setup.alert_states()
    with setup.store() as store:
        assert "timed out" in store.query("SELECT last_error FROM alerts")[0][0]


def test_r23_unsubscribe_by_token_cancels_pending_alerts(setup: Setup) -> None:
    """R23: the token in the email unsubscribes; wrong and truncated tokens are refused."""
    result = setup.cli("subscribe", "a@example.org")
    token = result.output.split("Unsubscribe token: ")[1].strip()
    setup.sink.behaviour = "rcpt_4xx"
    setup.baseline_then_change()
    header = setup.alert_states()
    assert [("pending", 1)] == header
    with setup.store() as store:
        stored = store.query("SELECT token_hash FROM subscriptions")[0][0]
    assert hash_token(token) == stored and token not in stored
    assert 1 == setup.cli("unsubscribe", "--token", token[:-3]).exit_code
    assert 1 == setup.cli("unsubscribe", "--token", "x" + token[1:]).exit_code
    assert 0 == setup.cli("unsubscribe", "--token", token).exit_code
    assert [("cancelled", 1)] == setup.alert_states()
    assert 1 == setup.cli("unsubscribe", "--token", token).exit_code


def test_email_token_matches_stored_subscription(setup: Setup) -> None:
    """The unsubscribe token an email carries is the one the subscription was given."""
    result = setup.cli("subscribe", "a@example.org")
    token = result.output.split("Unsubscribe token: ")[1].strip()
    setup.baseline_then_change()
    assert token in setup.sink.messages[0].message["List-Unsubscribe"]


def test_r24_password_in_no_log_and_no_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """R24: a full crawl and send at debug level leaves the SMTP password nowhere."""
    password = "pa55-Secret-Value-9931"
    monkeypatch.setenv("WATCHER_SMTP_PASSWORD", password)
    with LocalSite() as site, SmtpSink() as sink:
        sink.credentials = ("watcher", password)
        setup = Setup(tmp_path, site, sink)
        text = setup.config_path.read_text().replace(
            'security = "none"', 'security = "none"\nusername = "watcher"'
        )
        setup.config_path.write_text(text)
        setup.subscribe("a@example.org")
        caplog.set_level(logging.DEBUG)
        first = setup.cli("--log-level", "DEBUG", "crawl")
        site.set("/boston", AFTER)
        second = setup.cli("--log-level", "DEBUG", "crawl")
        assert 0 == second.exit_code, second.output
        assert ["watcher"] == sink.logins[:1]
        assert 1 == len(sink.messages)
    everything = first.output + second.output + caplog.text
    assert password not in everything
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert password.encode() not in path.read_bytes(), path


def test_subscribe_validates_its_input(setup: Setup) -> None:
    """Bad addresses, unknown jurisdictions, states and statuses are clear errors."""
    assert 2 == setup.cli("subscribe", "not-an-address").exit_code
    assert 2 == setup.cli("subscribe", "a@example.org", "--status", "evil").exit_code
    assert 2 == setup.cli("subscribe", "a@example.org", "--state", "zz").exit_code
    assert 2 == setup.cli("subscribe", "a@example.org", "--jurisdiction", "atlantis-zz").exit_code
    assert 0 == setup.cli("subscribe", "a@example.org", "--state", "IL").exit_code


def test_state_subscription_covers_its_jurisdictions() -> None:
    """--state IL matches Illinois and every county and city in it, and nothing else."""
    illinois = Subscription(1, "a@example.org", (), ("il",), (), None, True)
    assert illinois.matches("il", "sued")
    assert illinois.matches("cook-county-il", "listed")
    assert illinois.matches("chicago-il", "warned")
    assert not illinois.matches("boston-ma", "sued")
    only_sued = Subscription(2, "b@example.org", ("chicago-il",), (), ("sued",), None, True)
    assert only_sued.matches("chicago-il", "sued")
    assert not only_sued.matches("chicago-il", "listed")


def test_daily_digest_sends_the_days_alerts_in_one_email_once(setup: Setup) -> None:
    """A daily-digest subscriber gets one email for the day, after the day ends, exactly once."""
    assert 0 == setup.cli("subscribe", "daily@example.org", "--digest", "daily").exit_code
    setup.subscribe("now@example.org")
    setup.baseline_then_change()
    assert [("now@example.org",)] == [m.rcpt_tos for m in setup.sink.messages]
    config = load_config(setup.config_path)
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    with setup.store() as store:
        summary = send_pending(store, config, now=tomorrow)
        again = send_pending(store, config, now=tomorrow)
    assert (1, 0) == (summary.sent, again.sent)
    digest = setup.sink.messages[-1]
    assert ("daily@example.org",) == digest.rcpt_tos
    assert digest.message["X-Watcher-Digest"]
    assert "Boston" in digest.message.get_body(("plain",)).get_content()


def test_an_alert_claimed_by_another_sender_is_not_sent_twice(setup: Setup) -> None:
    """While another live sender holds an alert, send leaves it alone; a lapsed claim frees it."""
    import socket

    setup.subscribe("a@example.org")
    setup.baseline_then_change("--no-email")
    config = load_config(setup.config_path)
    now = datetime.now(UTC)
    with setup.store() as store:
        # Process 1 is alive on every machine: a sender that is busy with this alert.
        store.conn.execute(
            "UPDATE alerts SET claimed_by = ?, claimed_until = ?",
            (f"{socket.gethostname()}:1", (now + timedelta(minutes=10)).isoformat()),
        )
        skipped = send_pending(store, config, now=now, respect_backoff=False)
        assert 0 == skipped.sent and [] == setup.sink.messages
        later = send_pending(store, config, now=now + timedelta(minutes=11))
    assert 1 == later.sent
    assert 1 == len(setup.sink.messages)


def test_sent_notice_keeps_no_body(setup: Setup) -> None:
    """A notice's body (it may carry a confirmation link) is dropped once delivered."""
    from watcher.store import outbox

    config = load_config(setup.config_path)
    with setup.store() as store:
        with store.transaction() as conn:
            outbox.queue_notice(
                conn, "ops@example.org", "Confirm", "Follow https://x/confirm?token=secret",
                at=datetime.now(UTC), key="k1", message_domain="example.org",
            )  # fmt: skip
        assert 1 == send_pending(store, config).sent
        assert [None] == [row[0] for row in store.query("SELECT body FROM alerts")]
    assert "token=secret" in setup.sink.messages[0].message.get_body(("plain",)).get_content()
