"""Logging for the commands and the daemon: one line per event on stderr.

Each line is "time level logger: message". A traceback or a message holding line breaks is
folded onto its one line (" | " between the original lines), so journald, `grep` and log
shippers see one event per line. When stderr is connected to journald (systemd sets
JOURNAL_STREAM), each line also starts with the syslog priority prefix ("<3>" for an error),
which journald turns into the entry's priority.

Secrets registered with `redact()` (the SMTP password) are replaced by "***" in every line,
whatever logged them (R24).
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading

log = logging.getLogger(__name__)

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LINE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
# Libraries that chat at INFO: quieter unless debugging. APScheduler logs every job run, and
# its warnings (missed run, skipped run) are logged again by the daemon with the source's id.
CHATTY_LOGGERS = {
    "apscheduler": logging.ERROR,
    "urllib3": logging.WARNING,
    "charset_normalizer": logging.WARNING,
    "htmldate": logging.WARNING,
}
SYSLOG_PRIORITY = {"DEBUG": 7, "INFO": 6, "WARNING": 4, "ERROR": 3, "CRITICAL": 2}
# Everything str.splitlines() treats as a line break.
LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")

_secrets: set[str] = set()
_secrets_lock = threading.Lock()


def redact(secret: str | None) -> None:
    """Never show this value in a log line (a password read from the environment)."""
    if secret:
        with _secrets_lock:
            _secrets.add(secret)


def one_line(text: str) -> str:
    """Fold every kind of line break into " | ", so one event is one line."""
    return LINE_BREAK.sub(" | ", text)


class OneLineFormatter(logging.Formatter):
    """The standard format, folded onto one line, with registered secrets hidden."""

    def __init__(self, syslog_prefix: bool = False):
        super().__init__(LINE_FORMAT, TIME_FORMAT)
        self.syslog_prefix = syslog_prefix

    def format(self, record: logging.LogRecord) -> str:
        line = one_line(super().format(record))
        with _secrets_lock:
            secrets = sorted(_secrets, key=len, reverse=True)
        for secret in secrets:
            line = line.replace(secret, "***")
        if self.syslog_prefix:
            line = f"<{SYSLOG_PRIORITY.get(record.levelname, 6)}>{line}"
        return line


def setup_logging(level: str = "INFO") -> None:
    """Send log lines of `level` and above to stderr, one line per event; ValueError if unknown."""
    name = level.upper()
    if name not in LEVELS:
        raise ValueError(f"unknown log level {level!r}; use one of {', '.join(LEVELS)}")
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "watcher_handler", False) or _plain_stderr_handler(handler):
            root.removeHandler(handler)  # else every line would be written twice
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLineFormatter(syslog_prefix=_stderr_is_journal()))
    handler.watcher_handler = True  # type: ignore[attr-defined]  # so a second call replaces it
    root.addHandler(handler)
    root.setLevel(name)
    for chatty, quiet_level in CHATTY_LOGGERS.items():
        logging.getLogger(chatty).setLevel(logging.DEBUG if name == "DEBUG" else quiet_level)


def _plain_stderr_handler(handler: logging.Handler) -> bool:
    """The handler logging.basicConfig() installs (the CLI's, before the daemon starts)."""
    return type(handler) is logging.StreamHandler and getattr(handler, "stream", None) in (
        sys.stderr,
        sys.__stderr__,
    )


def _stderr_is_journal() -> bool:
    """True when stderr is the journald stream systemd announced in JOURNAL_STREAM."""
    announced = os.environ.get("JOURNAL_STREAM", "")
    try:
        device, inode = (int(part) for part in announced.split(":"))
        status = os.fstat(sys.stderr.fileno())
    except (ValueError, OSError, AttributeError):
        return False
    return (status.st_dev, status.st_ino) == (device, inode)
