"""watcher demo: the built-in timeline, its pages, its local web site and its mail sink."""

from __future__ import annotations

import io
import smtplib
import time
import urllib.error
import urllib.request
from email.message import EmailMessage
from pathlib import Path

import pytest

from watcher import content
from watcher.demo import (
    DemoMailSink,
    DemoSite,
    DemoStep,
    SinkMessage,
    StepOutcome,
    demo_file,
    demo_steps,
    play_timeline,
    run_demo,
)
from watcher.status import Extractor
from watcher.store import statuses

EXPECTED_SUBJECTS = [
    "[watcher] Baltimore County, MD: listed -> compliant",
    "[watcher] Boston, MA: listed -> sued",
    "[watcher] Boston, MA: none -> contests",
    "[watcher] Minneapolis, MN: none -> listed",
]
# jurisdiction -> (federal status, stance) after the last step
EXPECTED_STATUSES = {
    "baltimore-county-md": ("compliant", None),
    "boston-ma": ("sued", "contests"),
    "chicago-il": ("listed", None),
    "cook-county-il": ("listed", None),
    "il": ("listed", None),
    "minneapolis-mn": ("listed", None),
    "or": ("listed", None),
    "portland-or": ("listed", None),
}


def test_run_demo_prints_exactly_the_expected_alerts_and_the_status_table() -> None:
    """run_demo prints one email per expected alert, then every status; exit code 0, quickly."""
    out = io.StringIO()
    started = time.monotonic()
    exit_code = run_demo(out)
    elapsed = time.monotonic() - started
    printed = out.getvalue()
    assert 0 == exit_code, printed
    subjects = sorted(
        line.strip().removeprefix("Subject: ")
        for line in printed.splitlines()
        if line.strip().startswith("Subject: ")
    )
    assert EXPECTED_SUBJECTS == subjects
    table = printed.split("=== Statuses after the last step", 1)[1]
    for jurisdiction, (federal, stance) in EXPECTED_STATUSES.items():
        line = next(line for line in table.splitlines() if line.split()[:1] == [jurisdiction])
        assert [jurisdiction, federal, stance or "-"] == line.split()[:3]
    assert "X-Watcher-Status-From: listed" in printed
    assert "Evidence:" in printed  # the text part, not just the headers
    assert elapsed < 20, f"the demo should take a few seconds, took {elapsed:.1f} s"


def test_demo_alerts_match_the_packaged_steps(tmp_path: Path) -> None:
    """Each step of steps.toml gets exactly its alerts, and the kept database agrees."""
    outcomes = []
    current: dict[str, tuple[str | None, str | None]] = {}
    for outcome, store, _config in play_timeline(tmp_path):
        outcomes.append(outcome)
        current = {
            row["jurisdiction"]: (row["federal_status"], row["stance"])
            for row in statuses.current_statuses(store)
        }
    assert len(demo_steps()) == len(outcomes)
    for outcome in outcomes:
        assert sorted(outcome.step.alerts) == outcome.received, outcome.step.name
        assert [] == outcome.failures
    assert [] == outcomes[0].received  # the first crawl is the baseline: no email
    assert EXPECTED_STATUSES == current
    assert (tmp_path / "watcher.db").exists()


@pytest.mark.parametrize(
    ("file", "options", "expected"),
    [
        (
            "doj-list-v1.html",
            {"list_page": True},
            {
                ("il", "listed"),
                ("or", "listed"),
                ("baltimore-county-md", "listed"),
                ("cook-county-il", "listed"),
                ("boston-ma", "listed"),
                ("chicago-il", "listed"),
                ("portland-or", "listed"),
            },
        ),
        (
            "doj-list-v2.html",
            {"list_page": True},
            {
                ("il", "listed"),
                ("or", "listed"),
                ("cook-county-il", "listed"),
                ("boston-ma", "listed"),
                ("chicago-il", "listed"),
                ("minneapolis-mn", "listed"),
                ("portland-or", "listed"),
            },
        ),
        ("doj-press-index-v1.html", {}, set()),
        ("doj-release-list-published.html", {}, set()),
        ("doj-release-sues-boston.html", {}, {("boston-ma", "sued")}),
        ("boston-news-v1.html", {"speaker": "boston-ma"}, set()),
        ("boston-statement-trust-act.html", {"speaker": "boston-ma"}, {("boston-ma", "contests")}),
    ],
)
def test_extractor_finds_the_statuses_of_each_demo_page(
    file: str, options: dict[str, object], expected: set[tuple[str, str]]
) -> None:
    """The demo's own pages assert what the timeline needs, as the real extractor reads them."""
    page = content.parse_html(demo_file(file).decode("utf-8"), "http://127.0.0.1:1/page")
    findings = Extractor().extract(page, **options)  # type: ignore[arg-type]
    assert expected == {(f.jurisdiction, f.status) for f in findings}
    assert page.published is not None or file.startswith(("doj-press-index", "boston-news"))


def test_every_page_named_by_the_steps_is_packaged() -> None:
    """steps.toml names only files that ship in watcher/data/demo."""
    for step in demo_steps():
        for file in step.pages.values():
            if file:
                assert demo_file(file).startswith(b"<!DOCTYPE html>"), file


def test_demo_site_serves_what_a_step_sets_and_404_otherwise() -> None:
    """The demo's HTTP server answers a set page with 200 and anything else with 404."""
    with DemoSite() as site:
        site.set("/page", b"<p>hello</p>")
        with urllib.request.urlopen(f"http://{site.host}/page?x=1", timeout=5) as response:
            assert (200, b"<p>hello</p>") == (response.status, response.read())
            assert "text/html; charset=utf-8" == response.headers["Content-Type"]
        site.set("/page", None)
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(f"http://{site.host}/page", timeout=5)
        assert 404 == error.value.code


def test_demo_mail_sink_speaks_enough_smtp_for_smtplib() -> None:
    """smtplib can send through the sink; dot-stuffing is undone, RSET and NOOP work."""
    message = EmailMessage()
    message["From"] = "a@example.org"
    message["To"] = "b@example.org"
    message["Subject"] = "hello"
    message.set_content("first line\n.a line that starts with a dot\n")
    with DemoMailSink() as sink, smtplib.SMTP("127.0.0.1", sink.port, timeout=5) as client:
        assert 250 == client.noop()[0]
        assert 250 == client.rset()[0]
        assert 502 == client.docmd("VRFY", "b@example.org")[0]
        client.send_message(message)
        client.send_message(message, to_addrs=["c@example.org", "d@example.org"])
        received = sink.take()
        assert [] == sink.take()
    assert [("b@example.org",), ("c@example.org", "d@example.org")] == [
        m.recipients for m in received
    ]
    assert "a@example.org" == received[0].sender
    assert "hello" == received[0].message["Subject"]
    body = received[0].message.get_body(preferencelist=("plain",))
    assert body is not None
    assert "first line\n.a line that starts with a dot\n" == body.get_content()


def test_a_step_with_other_alerts_than_expected_is_not_as_expected() -> None:
    """A missing or extra alert makes the step (and so run_demo's exit code) fail."""
    step = DemoStep("s", {}, (("boston-ma", "listed", "sued"),))
    alert = EmailMessage()
    alert["X-Watcher-Jurisdiction"] = "boston-ma"
    alert["X-Watcher-Status-From"] = "listed"
    alert["X-Watcher-Status-To"] = "sued"
    received = SinkMessage("a@example.org", ("b@example.org",), alert)
    assert StepOutcome(step, [received], [], 0).as_expected
    assert not StepOutcome(step, [], [], 0).as_expected
    assert not StepOutcome(step, [received, received], [], 0).as_expected
    assert not StepOutcome(step, [received], [("http://x/", "HTTP 500")], 0).as_expected
