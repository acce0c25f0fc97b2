"""sources.toml -> frozen dataclasses; every error names the file, the table and the key.

The file has five tables, all optional (spec/CLI.md):

    [watcher]         Settings: database, user_agent, operator, public_url, politeness and limits
    [smtp]            SmtpConfig; the password is never read from the file, only from the
                      environment variable named by `password_env` (R15)
    [[sources]]       Source: what to watch, how often, which part of the page
    [[jurisdictions]] JurisdictionAliases: extra names for a jurisdiction
    [[cues]]          Cue: a user-added status cue (status + regex) for the extractor

Decisions the spec leaves open:

- A source with neither `every` nor `cron` is checked every hour (DEFAULT_EVERY); one with
  both is refused.
- `every` and `recheck_every` take a duration string with its unit ("30m", "2h", "1h30m"); a
  bare number is refused, because `every = 30` reads as minutes to some and seconds to others.
  Settings durations (`timeout`, `min_host_delay`, `alert_max_age`) and `[smtp] timeout`
  take a number of seconds or a duration string.
- `cron` must write weekdays as names (`mon-fri`), never numbers: APScheduler 3, which runs
  the schedule, counts Monday as 0 where crontab counts Sunday, so `1-5` would silently mean
  Tuesday to Saturday.
- `follow` and `max_pages` belong to `listing` sources and `recheck_every` to `listing` and
  `feed` sources; elsewhere they would be silently ignored, so they are refused.
- Without a `port`, [smtp] uses 465 for `security = "ssl"`, 587 for `starttls`, 25 otherwise.
- `public_url` loses any trailing slash, so links can be built as f"{public_url}/path".
- URLs carrying a user name or password are refused: they would end up in logs.
- Nothing is read from the environment unless `require_smtp_password=True`; `WATCHER_CONFIG`
  is the CLI's business.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
import tomllib
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lxml.cssselect import CSSSelector, SelectorError

from watcher import __version__
from watcher.models import SOURCE_KINDS, STATUSES

log = logging.getLogger(__name__)

DEFAULT_DATABASE = "db/watcher.db"
DEFAULT_USER_AGENT = (
    f"jurisdiction-watcher/{__version__} (+https://github.com/jurisdiction-watcher/watcher)"
)
DEFAULT_EVERY = 3600.0  # seconds; used when a source gives neither `every` nor `cron`
SMTP_SECURITIES: tuple[str, ...] = ("none", "starttls", "ssl")
DEFAULT_SMTP_PORTS: dict[str, int] = {"none": 25, "starttls": 587, "ssl": 465}

# US states, DC and the inhabited territories by postal code (STATUSES.md, "Jurisdiction ids").
STATE_CODES: frozenset[str] = frozenset(
    "al ak az ar ca co ct de dc fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh "
    "nj nm ny nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy as gu mp pr vi".split()
)

SOURCE_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
JURISDICTION_ID = re.compile(r"(?:[a-z0-9]+-)*([a-z]{2})")
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
HOST_NAME = re.compile(
    r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::[0-9]{1,5})?"
)
# Control characters (CR, LF and friends) in a value that ends up in an HTTP or mail header.
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
DURATION = re.compile(
    r"\s*(?:(?P<d>\d+(?:\.\d+)?)d)?\s*(?:(?P<h>\d+(?:\.\d+)?)h)?"
    r"\s*(?:(?P<m>\d+(?:\.\d+)?)m)?\s*(?:(?P<s>\d+(?:\.\d+)?)s)?\s*"
)
UNIT_SECONDS: dict[str, int] = {"d": 86400, "h": 3600, "m": 60, "s": 1}


class ConfigError(Exception):
    """One clear message naming the file, the table and the key."""

    def __init__(self, file: str, table: str, key: str | None, message: str):
        self.file = file
        self.table = table
        self.key = key
        self.message = message
        super().__init__(file, table, key, message)

    def __str__(self) -> str:
        where = [part for part in (self.table, f"key '{self.key}'" if self.key else "") if part]
        if where:
            return f"{self.file}: {', '.join(where)}: {self.message}"
        return f"{self.file}: {self.message}"


@dataclass(frozen=True)
class SmtpConfig:
    """How to reach the mail server; the password lives in an environment variable."""

    host: str = "localhost"
    port: int = 25
    security: str = "none"  # none | starttls | ssl
    username: str = ""
    password_env: str = "WATCHER_SMTP_PASSWORD"
    sender: str = "watcher@localhost"
    timeout: float = 30.0

    def password(self) -> str | None:
        """The password from the environment variable named by password_env, or None."""
        return os.environ.get(self.password_env) or None


@dataclass(frozen=True)
class Source:
    """One page, listing, feed or list to watch."""

    id: str
    url: str
    kind: str = "page"  # page | listing | feed | list
    every: float | None = None  # seconds
    cron: str | None = None  # 5-field crontab, weekdays as names
    select: str | None = None  # CSS selector of the content worth watching
    ignore: tuple[re.Pattern[str], ...] = ()
    follow: str | None = None  # listing: CSS selector of links
    speaker: str | None = None  # jurisdiction id
    allow_hosts: tuple[str, ...] = ()  # extra hosts links/redirects may go to
    max_pages: int = 3  # listing pagination depth on first crawl
    recheck_every: float | None = None  # seconds; re-check known documents (listing/feed)

    @property
    def host(self) -> str:
        """The URL's host name, lower case."""
        return urlsplit(self.url).hostname or ""


@dataclass(frozen=True)
class JurisdictionAliases:
    """Extra names under which a jurisdiction appears in text."""

    id: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Cue:
    """A user-added status cue: a regex that, matched in a sentence, asserts a status."""

    status: str
    pattern: str


@dataclass(frozen=True)
class Settings:
    """The [watcher] table."""

    database: Path = Path(DEFAULT_DATABASE)  # load_config makes it absolute
    user_agent: str = DEFAULT_USER_AGENT
    operator: str | None = None  # email for source-health notices
    public_url: str | None = None  # http(s) base URL for links in emails, no trailing slash
    min_host_delay: float = 1.0  # seconds between requests to one host
    timeout: float = 30.0  # read timeout, seconds
    max_bytes: int = 10 * 2**20  # body cap
    workers: int = 8  # hosts fetched in parallel
    alert_max_age: float = 86400.0  # seconds before a never-delivered alert is given up (R6)
    failure_threshold: int = 3  # consecutive failures before an operator notice
    retries: int = 3  # retries of a fetch after a connection error, 429 or 5xx
    retry_wait: float = 1.0  # seconds before the first retry; doubles each time


@dataclass(frozen=True)
class Config:
    """A whole, validated sources.toml."""

    path: Path
    settings: Settings
    smtp: SmtpConfig | None  # None when there is no [smtp] table
    sources: tuple[Source, ...]
    jurisdictions: tuple[JurisdictionAliases, ...] = ()
    cues: tuple[Cue, ...] = ()

    def source(self, id: str) -> Source:
        """The source with this id; KeyError if there is none."""
        for source in self.sources:
            if source.id == id:
                return source
        raise KeyError(id)


def message_domain(config: Config) -> str:
    """The domain part of our Message-IDs: the sender's domain."""
    sender = config.smtp.sender if config.smtp else "watcher@localhost"
    return sender.rsplit("@", 1)[-1].strip("<>") or "localhost"


def parse_duration(text: str) -> float:
    """ "30s" "10m" "2h" "1d" (also "1h30m") -> seconds; ValueError otherwise."""
    if not isinstance(text, str):
        raise ValueError(f"not a duration: {text!r}")
    match = DURATION.fullmatch(text)
    if not match or not any(match.groupdict().values()):
        raise ValueError(f"not a duration: {text!r}")
    seconds = sum(
        float(amount) * UNIT_SECONDS[unit]
        for unit, amount in match.groupdict().items()
        if amount is not None
    )
    if seconds <= 0:
        raise ValueError(f"duration must be more than zero: {text!r}")
    return seconds


def format_duration(seconds: float) -> str:
    """3600 -> "1h", 5400 -> "1h30m", 0.5 -> "0.5s": the inverse of parse_duration."""
    if seconds != int(seconds):
        return f"{seconds:g}s"
    rest = int(seconds)
    parts = []
    for unit, size in UNIT_SECONDS.items():
        amount, rest = divmod(rest, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return "".join(parts) or "0s"


def load_config(path: str | os.PathLike[str], require_smtp_password: bool = False) -> Config:
    """Read and validate a sources.toml; raise ConfigError naming file, table and key.

    With require_smtp_password (commands that send mail, and `watcher check`), an [smtp]
    username whose password environment variable is unset is refused too.
    """
    file = os.fspath(path)
    document = _read_toml(file)
    for name, value in document.items():
        if "password" in name.lower():
            raise ConfigError(file, "", name, PASSWORD_REFUSED)
        if not isinstance(value, dict | list):
            raise ConfigError(file, "", name, _outside_table(name))
        if name not in TOP_LEVEL_TABLES:
            label = f"[[{name}]]" if isinstance(value, list) else f"[{name}]"
            raise ConfigError(file, label, None, _unknown("table", name, TOP_LEVEL_TABLES))
    folder = Path(file).expanduser().resolve().parent
    settings = _settings(_table(file, document, "watcher"), folder)
    smtp_table = _table(file, document, "smtp")
    smtp = _smtp(smtp_table, require_smtp_password) if smtp_table.data is not None else None
    sources = _sources(_array_of_tables(file, document, "sources"))
    jurisdictions = _jurisdictions(_array_of_tables(file, document, "jurisdictions"))
    cues = tuple(_cue(table) for table in _array_of_tables(file, document, "cues"))
    for source in sources:
        # A fetch may take up to twice the timeout (its deadline); a shorter interval would
        # skip runs whenever a page hangs (R9). Allowed, since a fast page is fine, but said.
        if source.every is not None and source.every < 2 * settings.timeout:
            log.warning(
                "%s: [[sources]] id %r: every %s is shorter than a fetch may take "
                "(2 x timeout = %s); runs will be skipped while a page hangs",
                file, source.id, format_duration(source.every),
                format_duration(2 * settings.timeout),
            )  # fmt: skip
    return Config(
        path=Path(file),
        settings=settings,
        smtp=smtp,
        sources=sources,
        jurisdictions=jurisdictions,
        cues=cues,
    )


def describe(config: Config) -> str:
    """What `watcher check` prints: sources, schedules, database, SMTP (never the password)."""
    settings = config.settings
    lines = [
        f"Configuration: {config.path}",
        f"Database: {settings.database}",
        f"User-Agent: {settings.user_agent}",
    ]
    if config.smtp is None:
        lines.append("SMTP: not configured")
    else:
        smtp = config.smtp
        password = "set" if smtp.password() else "not set"
        login = f", user '{smtp.username}'" if smtp.username else ", no login"
        lines.append(
            f"SMTP: {smtp.host}:{smtp.port} ({smtp.security}){login}, "
            f"password ${smtp.password_env} {password}, sender {smtp.sender}"
        )
    lines.append(f"Operator: {settings.operator or 'none (no source-health emails)'}")
    lines.append(f"Public URL: {settings.public_url or 'none'}")
    lines.append(f"Sources ({len(config.sources)}):")
    id_width = max((len(source.id) for source in config.sources), default=0)
    for source in config.sources:
        lines.append(
            f"  {source.id:<{id_width}}  {source.kind:<7}  {_schedule(source):<12}  {source.url}"
        )
        details = _source_details(source)
        if details:
            lines.append(f"  {'':<{id_width}}  {details}")
    if config.jurisdictions:
        lines.append("Jurisdiction aliases:")
        for entry in config.jurisdictions:
            lines.append(f"  {entry.id}: {', '.join(entry.aliases)}")
    if config.cues:
        lines.append(f"Extra status cues: {len(config.cues)}")
        for cue in config.cues:
            lines.append(f"  {cue.status}: /{cue.pattern}/")
    return "\n".join(lines)


# --- reading the file -------------------------------------------------------------------

TOP_LEVEL_TABLES = ("watcher", "smtp", "sources", "jurisdictions", "cues")
PASSWORD_REFUSED = (
    "passwords are never read from the file; use password_env in [smtp] to name the "
    "environment variable that holds it (default WATCHER_SMTP_PASSWORD)"
)


def _read_toml(file: str) -> dict[str, Any]:
    try:
        raw = Path(file).expanduser().read_bytes()
    except FileNotFoundError:
        raise ConfigError(file, "", None, "no such file") from None
    except IsADirectoryError:
        raise ConfigError(file, "", None, "is a folder, not a file") from None
    except OSError as error:
        raise ConfigError(file, "", None, f"cannot read it: {error.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        message = f"not UTF-8 text (byte {error.start}); TOML files are UTF-8"
        raise ConfigError(file, "", None, message) from None
    text = text.removeprefix("\ufeff")  # some Windows editors add a byte-order mark
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _toml_error(file, text, error) from None


def _toml_error(file: str, text: str, error: tomllib.TOMLDecodeError) -> ConfigError:
    """Turn tomllib's "Invalid value (at line 3, column 8)" into a message naming the table."""
    match = re.fullmatch(r"(.*) \(at line (\d+), column (\d+)\)", str(error))
    if not match:
        return ConfigError(file, "", None, f"not valid TOML: {error}")
    reason, line, column = match.group(1), int(match.group(2)), match.group(3)
    table = ""
    # The table is the last header above the bad line: a cheap way to say where it is.
    for header_line in text.splitlines()[: line - 1]:
        header = re.match(r"\s*(\[\[?[^\]]+\]\]?)", header_line)
        if header:
            table = header.group(1)
    return ConfigError(
        file, table, None, f"not valid TOML at line {line}, column {column}: {reason}"
    )


@dataclass
class _Table:
    """One table of the file while it is being validated, with helpers that raise ConfigError."""

    file: str
    label: str  # "[watcher]", "[[sources]] #2 (id 'chicago-news')"
    data: dict[str, Any] | None

    def error(self, key: str | None, message: str) -> ConfigError:
        return ConfigError(self.file, self.label, key, message)

    def check_keys(self, known: tuple[str, ...]) -> None:
        for key in self.data or {}:
            if "password" in key.lower() and key != "password_env":
                raise self.error(key, PASSWORD_REFUSED)
            if key not in known:
                raise self.error(key, _unknown("key", key, known))

    def has(self, key: str) -> bool:
        return self.data is not None and key in self.data

    def string(self, key: str, default: str | None = None, required: bool = False) -> str | None:
        if not self.has(key):
            if required:
                raise self.error(key, "is required")
            return default
        value = self.data[key]  # type: ignore[index]
        if not isinstance(value, str):
            raise self.error(key, f"expected a string, got {_describe_value(value)}")
        if CONTROL_CHARS.search(value):
            raise self.error(key, "must not contain line breaks or control characters")
        return value

    def integer(self, key: str, default: int, minimum: int, maximum: int | None = None) -> int:
        if not self.has(key):
            return default
        value = self.data[key]  # type: ignore[index]
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"expected a whole number, got {_describe_value(value)}")
        if value < minimum or (maximum is not None and value > maximum):
            bounds = f"from {minimum} to {maximum}" if maximum is not None else f">= {minimum}"
            raise self.error(key, f"{value} is out of range (allowed: {bounds})")
        return value

    def seconds(self, key: str, default: float, allow_zero: bool = False) -> float:
        """A number of seconds, or a duration string like "30s"."""
        if not self.has(key):
            return default
        value = self.data[key]  # type: ignore[index]
        if isinstance(value, str):
            return self.duration(key)  # type: ignore[return-value]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(
                key, f"expected seconds or a duration like '30s', got {_describe_value(value)}"
            )
        if value < 0 or (value == 0 and not allow_zero) or value != value or value == float("inf"):
            raise self.error(key, f"{value} is out of range (must be more than zero seconds)")
        return float(value)

    def duration(self, key: str) -> float | None:
        """A duration string with its unit; None when the key is absent."""
        if not self.has(key):
            return None
        value = self.data[key]  # type: ignore[index]
        if not isinstance(value, str):
            raise self.error(
                key,
                f"expected a duration string like '30m', got {_describe_value(value)}; "
                "write the unit (s, m, h or d)",
            )
        try:
            return parse_duration(value)
        except ValueError:
            raise self.error(
                key, f"{_show(value)} is not a duration like 30s, 10m, 2h or 1d"
            ) from None

    def string_list(self, key: str) -> tuple[str, ...]:
        if not self.has(key):
            return ()
        value = self.data[key]  # type: ignore[index]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.error(key, f"expected a list of strings, got {_describe_value(value)}")
        for item in value:
            if not item.strip():
                raise self.error(key, "holds an empty string")
            if CONTROL_CHARS.search(item):
                raise self.error(key, "must not contain line breaks or control characters")
        return tuple(value)


def _table(file: str, document: dict[str, Any], name: str) -> _Table:
    label = f"[{name}]"
    value = document.get(name)
    if value is not None and not isinstance(value, dict):
        raise ConfigError(file, label, None, f"expected a table, got {_describe_value(value)}")
    return _Table(file, label, value)


def _array_of_tables(file: str, document: dict[str, Any], name: str) -> list[_Table]:
    label = f"[[{name}]]"
    value = document.get(name, [])
    if isinstance(value, dict):
        message = f"write [[{name}]] (one table per entry), not [{name}]"
        raise ConfigError(file, label, None, message)
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ConfigError(file, label, None, f"expected tables, got {_describe_value(value)}")
    tables = []
    for number, item in enumerate(value, start=1):
        item_id = item.get("id")
        shown = f" (id {_show(item_id)})" if isinstance(item_id, str) else ""
        tables.append(_Table(file, f"{label} #{number}{shown}", item))
    return tables


# --- the tables -------------------------------------------------------------------------

SETTINGS_KEYS = (
    "database",
    "user_agent",
    "operator",
    "public_url",
    "min_host_delay",
    "timeout",
    "max_bytes",
    "workers",
    "alert_max_age",
    "failure_threshold",
    "retries",
    "retry_wait",
)


def _settings(table: _Table, folder: Path) -> Settings:
    table.check_keys(SETTINGS_KEYS)
    database = table.string("database", DEFAULT_DATABASE) or ""
    if not database.strip():
        raise table.error("database", "must not be empty")
    database_path = Path(database).expanduser()
    if not database_path.is_absolute():
        database_path = folder / database_path
    user_agent = table.string("user_agent", DEFAULT_USER_AGENT) or ""
    if not user_agent.strip():
        raise table.error("user_agent", "must not be empty")
    operator = table.string("operator")
    if operator is not None and not _is_email(operator):
        raise table.error("operator", f"{_show(operator)} is not an email address")
    public_url = table.string("public_url")
    if public_url is not None:
        problem = _url_problem(public_url)
        if problem:
            raise table.error("public_url", problem)
        public_url = public_url.rstrip("/")
    return Settings(
        database=database_path,
        user_agent=user_agent,
        operator=operator,
        public_url=public_url,
        min_host_delay=table.seconds("min_host_delay", 1.0, allow_zero=True),
        timeout=table.seconds("timeout", 30.0),
        max_bytes=table.integer("max_bytes", 10 * 2**20, minimum=1),
        workers=table.integer("workers", 8, minimum=1),
        alert_max_age=table.seconds("alert_max_age", 86400.0),
        failure_threshold=table.integer("failure_threshold", 3, minimum=1),
        retries=table.integer("retries", 3, minimum=0),
        retry_wait=table.seconds("retry_wait", 1.0, allow_zero=True),
    )


SMTP_KEYS = ("host", "port", "security", "username", "password_env", "sender", "timeout")


def _smtp(table: _Table, require_password: bool) -> SmtpConfig:
    table.check_keys(SMTP_KEYS)
    host = table.string("host", "localhost") or ""
    if not host or any(char.isspace() for char in host):
        raise table.error("host", f"{_show(host)} is not a host name")
    security = table.string("security", "none") or ""
    if security not in SMTP_SECURITIES:
        raise table.error("security", f"{_show(security)} is not one of none, starttls, ssl")
    port = table.integer("port", DEFAULT_SMTP_PORTS[security], minimum=1, maximum=65535)
    username = table.string("username", "") or ""
    password_env = table.string("password_env", "WATCHER_SMTP_PASSWORD") or ""
    if not ENV_NAME.fullmatch(password_env):
        message = f"{_show(password_env)} is not an environment variable name"
        raise table.error("password_env", message)
    sender = table.string("sender", "watcher@localhost") or ""
    if not _is_email(parseaddr(sender)[1]):
        raise table.error("sender", f"{_show(sender)} is not an email address")
    smtp = SmtpConfig(
        host=host,
        port=port,
        security=security,
        username=username,
        password_env=password_env,
        sender=sender,
        timeout=table.seconds("timeout", 30.0),
    )
    if require_password and username and smtp.password() is None:
        raise table.error(
            "password_env",
            f"username {_show(username)} is set but the environment variable {password_env} "
            "is unset or empty; export the SMTP password there",
        )
    if username and security == "none" and host not in ("localhost", "127.0.0.1", "::1"):
        log.warning("SMTP login to %s without TLS: the password would cross in clear", host)
    return smtp


SOURCE_KEYS = (
    "id",
    "url",
    "kind",
    "every",
    "cron",
    "select",
    "ignore",
    "follow",
    "speaker",
    "allow_hosts",
    "max_pages",
    "recheck_every",
)


def _sources(tables: list[_Table]) -> tuple[Source, ...]:
    sources: list[Source] = []
    where: dict[str, str] = {}
    for table in tables:
        source = _source(table)
        if source.id in where:
            raise table.error("id", f"duplicate id {_show(source.id)} (also {where[source.id]})")
        where[source.id] = table.label.split(" (")[0]
        sources.append(source)
    return tuple(sources)


def _source(table: _Table) -> Source:
    table.check_keys(SOURCE_KEYS)
    source_id = table.string("id", required=True) or ""
    if not SOURCE_ID.fullmatch(source_id):
        raise table.error(
            "id",
            f"{_show(source_id)} is not a source id: lowercase letters, digits and hyphens, "
            "starting with a letter or digit",
        )
    url = table.string("url", required=True) or ""
    problem = _url_problem(url)
    if problem:
        raise table.error("url", problem)
    kind = table.string("kind", "page") or ""
    if kind not in SOURCE_KINDS:
        raise table.error("kind", f"{_show(kind)} is not one of {', '.join(SOURCE_KINDS)}")
    _refuse_outside(table, "follow", kind, ("listing",))
    _refuse_outside(table, "max_pages", kind, ("listing",))
    _refuse_outside(table, "recheck_every", kind, ("listing", "feed"))
    every = table.duration("every")
    cron = _cron(table)
    if every is not None and cron is not None:
        raise table.error("cron", "give either 'every' or 'cron', not both")
    if every is None and cron is None:
        every = DEFAULT_EVERY
    speaker = table.string("speaker")
    if speaker is not None:
        _check_jurisdiction_id(table, "speaker", speaker)
    return Source(
        id=source_id,
        url=url,
        kind=kind,
        every=every,
        cron=cron,
        select=_selector(table, "select"),
        ignore=_patterns(table, "ignore"),
        follow=_selector(table, "follow"),
        speaker=speaker,
        allow_hosts=_hosts(table, "allow_hosts"),
        max_pages=table.integer("max_pages", 3, minimum=1),
        recheck_every=table.duration("recheck_every"),
    )


def _refuse_outside(table: _Table, key: str, kind: str, kinds: tuple[str, ...]) -> None:
    if table.has(key) and kind not in kinds:
        allowed = " and ".join(f"'{name}'" for name in kinds)
        raise table.error(key, f"only applies to kind {allowed} sources, not '{kind}'")


def _cron(table: _Table) -> str | None:
    expression = table.string("cron")
    if expression is None:
        return None
    fields = expression.split()
    if len(fields) != 5:
        raise table.error(
            "cron",
            f"{_show(expression)} has {len(fields)} fields; a crontab line has 5: "
            "minute hour day-of-month month day-of-week",
        )
    if re.search(r"\d", fields[4]):
        raise table.error(
            "cron",
            f"write the day of week {_show(fields[4])} with names (sun, mon-fri): "
            "the scheduler counts Monday as 0 where crontab counts Sunday",
        )
    try:
        from apscheduler.triggers.cron import CronTrigger  # only for cron sources: it is heavy

        CronTrigger.from_crontab(expression, timezone="UTC")
    except ValueError as error:
        raise table.error("cron", f"{_show(expression)} is not a valid crontab: {error}") from None
    return " ".join(fields)


def _selector(table: _Table, key: str) -> str | None:
    selector = table.string(key)
    if selector is None:
        return None
    try:
        CSSSelector(selector)
    except SelectorError as error:
        raise table.error(key, f"{_show(selector)} is not a CSS selector: {error}") from None
    return selector


def _patterns(table: _Table, key: str) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for pattern in table.string_list(key):
        try:
            compiled.append(re.compile(pattern))
        except re.error as error:
            raise table.error(key, f"{_show(pattern)} is not a regex: {error}") from None
    return tuple(compiled)


def _hosts(table: _Table, key: str) -> tuple[str, ...]:
    hosts = []
    for host in table.string_list(key):
        name = host.strip().lower().rstrip(".")
        if not HOST_NAME.fullmatch(name):
            raise table.error(
                key,
                f"{_show(host)} is not a host name (write 'www.example.gov' or "
                "'host:8080', no scheme)",
            )
        hosts.append(name)
    return tuple(hosts)


def _jurisdictions(tables: list[_Table]) -> tuple[JurisdictionAliases, ...]:
    entries: list[JurisdictionAliases] = []
    seen: set[str] = set()
    for table in tables:
        table.check_keys(("id", "aliases"))
        jurisdiction_id = table.string("id", required=True) or ""
        _check_jurisdiction_id(table, "id", jurisdiction_id)
        if jurisdiction_id in seen:
            raise table.error("id", f"duplicate id {_show(jurisdiction_id)}; merge the aliases")
        seen.add(jurisdiction_id)
        if not table.has("aliases"):
            raise table.error("aliases", "is required")
        aliases = table.string_list("aliases")
        entries.append(JurisdictionAliases(id=jurisdiction_id, aliases=aliases))
    return tuple(entries)


def _cue(table: _Table) -> Cue:
    table.check_keys(("status", "pattern"))
    status = table.string("status", required=True) or ""
    if status not in STATUSES:
        raise table.error("status", f"{_show(status)} is not one of {', '.join(STATUSES)}")
    pattern = table.string("pattern", required=True) or ""
    if not pattern.strip():
        raise table.error("pattern", "must not be empty (it would match every sentence)")
    try:
        re.compile(pattern)
    except re.error as error:
        raise table.error("pattern", f"{_show(pattern)} is not a regex: {error}") from None
    return Cue(status=status, pattern=pattern)


# --- small checks -----------------------------------------------------------------------


def _check_jurisdiction_id(table: _Table, key: str, value: str) -> None:
    match = JURISDICTION_ID.fullmatch(value)
    if not match or match.group(1) not in STATE_CODES:
        raise table.error(
            key,
            f"{_show(value)} is not a jurisdiction id like 'il', 'cook-county-il' or "
            "'chicago-il' (lowercase words joined by hyphens, ending in a state's postal code)",
        )


def _url_problem(url: str) -> str | None:
    """Why this is not an absolute http(s) URL with a host, or None when it is."""
    if any(char.isspace() for char in url):
        return f"{_show(url)} contains spaces"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"{_show(url)} is not an absolute http:// or https:// URL"
    try:
        parts.port  # noqa: B018 -- reading it validates the port
    except ValueError:
        return f"{_show(url)} has an invalid port"
    if not parts.hostname:
        return f"{_show(url)} has no host"
    if parts.username is not None or parts.password is not None:
        return "must not carry a user name or password (it would be logged)"
    return None


def _outside_table(key: str) -> str:
    tables = [
        f"[{name}]"
        for name, keys in (("watcher", SETTINGS_KEYS), ("smtp", SMTP_KEYS))
        if key in keys
    ] + [f"[[{name}]]" for name, keys in (("sources", SOURCE_KEYS),) if key in keys]
    hint = f"; it belongs under {' or '.join(tables)}" if tables else ""
    return f"is outside any table{hint}"


def _is_email(value: str) -> bool:
    return re.fullmatch(r"[^@\s<>]+@[^@\s<>]+", value) is not None


def _unknown(what: str, name: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"known: {', '.join(known)}"
    return f"unknown {what}; {hint}"


def _show(value: object, limit: int = 80) -> str:
    """A value quoted for a message, cut short so one bad line cannot flood the terminal."""
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def _describe_value(value: object) -> str:
    names = {bool: "boolean", int: "integer", float: "float", str: "string"}
    names.update({list: "array", dict: "table"})
    kind = names.get(type(value), "date/time")
    if isinstance(value, dict | list):
        return f"a {kind}"
    return f"{kind} {_show(value)}"


def _schedule(source: Source) -> str:
    if source.cron is not None:
        return f"cron {source.cron}"
    return f"every {format_duration(source.every or DEFAULT_EVERY)}"


def _source_details(source: Source) -> str:
    details = []
    if source.speaker:
        details.append(f"speaker {source.speaker}")
    if source.select:
        details.append(f"select '{source.select}'")
    if source.follow:
        details.append(f"follow '{source.follow}'")
    if source.ignore:
        details.append(f"{len(source.ignore)} ignore pattern(s)")
    if source.allow_hosts:
        details.append(f"also allows {', '.join(source.allow_hosts)}")
    if source.recheck_every:
        details.append(f"rechecks known documents every {format_duration(source.recheck_every)}")
    return "; ".join(details)
