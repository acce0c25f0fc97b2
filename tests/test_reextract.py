"""`watcher reextract`: better rules applied to stored snapshots, without email by default."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tests.configs import write_config
from tests.httpsite import LocalSite
from tests.smtpsink import SmtpSink
from watcher.cli import main
from watcher.store import Store

PAGE = """<html><head><title>Grant news</title><meta name="date" content="2025-10-01"></head>
<body><main><h1>Grant news</h1><p>The Department of Justice put the City of Springfield,
Illinois, on its enforcement watch roster on Tuesday.</p></main></body></html>"""


def test_new_cue_applied_to_stored_snapshots_without_email(tmp_path: Path) -> None:
    """A cue added later finds the status in stored pages; no email unless --alert."""
    with LocalSite() as site, SmtpSink() as sink:
        site.set("/news", PAGE)
        sources = f'[[sources]]\nid = "news"\nurl = "{site.url("/news")}"\n'
        config = write_config(tmp_path, sources, smtp_port=sink.port)
        runner = CliRunner()

        def cli(*args: str):
            return runner.invoke(main, ["--config", str(config), *args])

        assert 0 == cli("subscribe", "a@example.org").exit_code
        assert 0 == cli("crawl").exit_code
        assert 0 == cli("crawl").exit_code
        with Store(tmp_path / "watcher.db") as store:
            before = store.query("SELECT count(*) FROM jurisdiction_statuses")[0][0]
        config.write_text(
            config.read_text()
            + '\n[[cues]]\nstatus = "listed"\npattern = "(?i)enforcement watch roster"\n'
        )
        result = cli("reextract")
        assert 0 == result.exit_code, result.output
        assert "springfield-il federal: none -> listed" in result.output
        assert [] == sink.messages
        with Store(tmp_path / "watcher.db") as store:
            assert 0 == before
            status = store.query(
                "SELECT federal_status FROM jurisdiction_statuses WHERE jurisdiction = ?",
                ("springfield-il",),
            )
            assert "listed" == status[0][0]
            assert 0 == store.query("SELECT count(*) FROM alerts")[0][0]
        again = cli("reextract", "--alert")
        assert "0 status changes" in again.output
        assert [] == sink.messages
