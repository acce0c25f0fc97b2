"""Every timeline in shared/scenarios, played through the real CLI, HTTP and SMTP.

A local site serves each step's pages, `watcher crawl` runs once per step, and the alerts
received by a subscriber to everything must equal the step's `alerts` exactly.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.configs import SHARED, write_config
from tests.httpsite import LocalSite
from tests.smtpsink import SmtpSink
from watcher.cli import main

SCENARIOS = sorted(p for p in (SHARED / "scenarios").glob("*") if (p / "steps.toml").exists())


def received_alerts(sink: SmtpSink) -> list[dict[str, str]]:
    return sorted(
        (
            {
                "jurisdiction": m.message["X-Watcher-Jurisdiction"],
                "from": m.message["X-Watcher-Status-From"],
                "to": m.message["X-Watcher-Status-To"],
            }
            for m in sink.messages
        ),
        key=lambda a: (a["jurisdiction"], a["from"], a["to"]),
    )


def serve_step(site: LocalSite, step_file: Path, pages: dict[str, str]) -> None:
    for path, document in pages.items():
        if document == "":
            site.remove(path)
        else:
            site.set(path, (step_file.parent / document).read_bytes())


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_scenario_sends_exactly_the_expected_alerts(scenario: Path, tmp_path: Path) -> None:
    """Each crawl of a scenario step emails exactly the step's alerts, no more, no fewer."""
    steps = tomllib.loads((scenario / "steps.toml").read_text(encoding="utf-8"))["step"]
    runner = CliRunner()
    with LocalSite() as site, SmtpSink() as sink:
        sources = (scenario / "sources.toml").read_text(encoding="utf-8")
        config = write_config(tmp_path, sources.replace("{site}", site.host), smtp_port=sink.port)
        subscribed = runner.invoke(main, ["--config", str(config), "subscribe", "all@example.org"])
        assert 0 == subscribed.exit_code, subscribed.output
        for step in steps:
            sink.clear()
            serve_step(site, scenario / "steps.toml", step.get("pages", {}))
            result = runner.invoke(main, ["--config", str(config), "crawl"])
            assert result.exit_code in (0, 1), result.output
            expected = sorted(step["alerts"], key=lambda a: (a["jurisdiction"], a["from"], a["to"]))
            assert expected == received_alerts(sink), f"step {step['name']!r}: {result.output}"
