"""Writing test configurations: a sources.toml in a temp folder aimed at local servers."""

from __future__ import annotations

import os
from pathlib import Path

SHARED = Path(os.environ.get("WATCHER_SHARED", Path(__file__).resolve().parents[2] / "shared"))


def write_config(
    folder: Path,
    sources: str,
    *,
    smtp_port: int | None = None,
    extra_watcher: str = "",
    min_host_delay: float = 0,
) -> Path:
    """A sources.toml with a database in `folder`, fast politeness, and a local SMTP server."""
    watcher = (
        f'[watcher]\ndatabase = "watcher.db"\nmin_host_delay = {min_host_delay}\n'
        'user_agent = "watcher-tests/1 (+tests@example.org)"\n' + extra_watcher
    )
    smtp = ""
    if smtp_port is not None:
        smtp = (
            f'\n[smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\nsecurity = "none"\n'
            'sender = "watcher@example.org"\ntimeout = 5\n'
        )
    path = folder / "sources.toml"
    path.write_text(watcher + smtp + "\n" + sources, encoding="utf-8")
    return path
