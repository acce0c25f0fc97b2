"""Headless Chromium for the browser tests: where it is, and how it is started here.

Chromium is a system package (Debian: `apt-get install chromium`, which .ci/run does);
without it the browser tests fail, on purpose, rather than skip.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def chromium() -> str:
    """The Chromium executable; fails the test with the way to install it if there is none."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(
        "headless Chromium is needed for the browser tests and was not found "
        "(looked for chromium, chromium-browser, google-chrome on PATH). On Debian or Ubuntu: "
        "apt-get update && apt-get install -y chromium"
    )


def headless_flags(profile: Path) -> list[str]:
    """Flags for a headless run as root in a closed network, with a throwaway profile."""
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        # Without these, Chromium keeps dialling Google's hosts, refused here.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
    ]
