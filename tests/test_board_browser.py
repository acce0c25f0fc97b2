"""The status board in a real browser: headless Chromium renders it with no console message.

Without Chromium these tests fail rather than skip: a board nobody opened in a browser is not
tested (see tests/chromium.py).
"""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

import lxml.html
import pytest

from tests.chromium import chromium, headless_flags
from watcher.demo import play_timeline
from watcher.report import write_report

BROWSER_TIMEOUT = 60  # seconds; a cold start on a slow CI machine takes a few
PHONE_WIDTH = 390


def run_chromium(profile: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with a throwaway profile, console messages logged to stderr."""
    command = [
        chromium(),
        *headless_flags(profile),
        "--hide-scrollbars",
        "--enable-logging=stderr",
        "--v=0",
        *arguments,
    ]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=BROWSER_TIMEOUT, check=False
    )


def console_messages(stderr: str) -> list[str]:
    """Lines where the page wrote to the console: script errors, CSP violations, anything."""
    return [
        line
        for line in stderr.splitlines()
        if ":CONSOLE" in line or "Uncaught" in line or "ERROR:CONSOLE" in line
    ]


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """index.html of the board after the demo's timeline."""
    folder = tmp_path_factory.mktemp("board")
    for _outcome, store, _config in play_timeline(folder / "demo"):
        write_report(store, folder / "site")  # while the store is open; the last step wins
    return folder / "site" / "index.html"


def test_browser_renders_every_row_without_console_messages(board: Path, tmp_path: Path) -> None:
    """Chromium's rendered DOM has each jurisdiction's row, and the page logged nothing."""
    result = run_chromium(tmp_path / "profile", "--dump-dom", board.as_uri())
    assert 0 == result.returncode, result.stderr[-2000:]
    assert [] == console_messages(result.stderr)
    document = lxml.html.fromstring(result.stdout)
    rows = {tr.get("id"): " ".join(tr.text_content().split()) for tr in document.xpath("//tr[@id]")}
    expected = {
        "j-boston-ma": ("Boston, MA", "sued", "contests"),
        "j-baltimore-county-md": ("Baltimore County, MD", "compliant"),
        "j-minneapolis-mn": ("Minneapolis, MN", "listed"),
        "j-chicago-il": ("Chicago, IL", "listed"),
        "j-il": ("Illinois", "listed"),
        "j-or": ("Oregon", "listed"),
    }
    for row_id, words in expected.items():
        assert row_id in rows, sorted(rows)
        for word in words:
            assert word in rows[row_id], (row_id, rows[row_id])
    assert 4 == len(document.xpath('//tr[@class="change"]'))  # the alerted changes
    assert 8 == len(document.xpath('//*[local-name()="g"][@class="tl-row"]'))
    assert [] == document.xpath("//script")


def test_browser_lays_the_board_out_at_phone_width(board: Path, tmp_path: Path) -> None:
    """A screenshot at phone width renders (PNG of that width) with no console messages."""
    screenshot = tmp_path / "phone.png"
    result = run_chromium(
        tmp_path / "profile",
        f"--window-size={PHONE_WIDTH},1600",
        f"--screenshot={screenshot}",
        board.as_uri(),
    )
    assert 0 == result.returncode, result.stderr[-2000:]
    assert [] == console_messages(result.stderr)
    png = screenshot.read_bytes()
    assert b"\x89PNG\r\n\x1a\n" == png[:8]
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert (PHONE_WIDTH, 1600) == (width, height)
    assert len(png) > 20_000  # a blank page compresses to almost nothing
