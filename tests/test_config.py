"""Tests for watcher.config: loading sources.toml and refusing every invalid field (R15)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.configs import SHARED
from watcher.config import (
    DEFAULT_EVERY,
    DEFAULT_USER_AGENT,
    ConfigError,
    Source,
    describe,
    format_duration,
    load_config,
    parse_duration,
)

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = SHARED / "scenarios"

GOOD_SOURCE = """
[[sources]]
id = "doj-list"
url = "https://www.justice.gov/ag/sanctuary-jurisdictions"
kind = "list"
every = "6h"
"""


def write(folder: Path, text: str, name: str = "sources.toml") -> Path:
    """Write a configuration file and return its path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path, table: str, key: str | None, **options: bool) -> ConfigError:
    """Load path, expect a ConfigError naming file, table and key; return it."""
    with pytest.raises(ConfigError) as caught:
        load_config(path, **options)
    error = caught.value
    text = str(error)
    assert str(path) == error.file
    assert table == error.table
    assert key == error.key
    assert text.startswith(f"{path}: ")
    assert table in text
    if key is not None:
        assert f"key '{key}'" in text
    return error


def one_source(tmp_path: Path, body: str) -> Path:
    """A file with one [[sources]] table whose id and url are valid, plus the given keys."""
    return write(tmp_path, f'[[sources]]\nid = "s"\nurl = "https://example.gov/news"\n{body}\n')


# --- the shipped file and the scenarios ---------------------------------------------------


def test_shipped_sources_toml_loads_with_the_required_newsrooms():
    """The repository's sources.toml is valid and watches DOJ and the six named newsrooms."""
    config = load_config(REPO / "sources.toml")
    speakers = {source.speaker for source in config.sources if source.speaker}
    assert {
        "chicago-il",
        "cook-county-il",
        "new-york-city-ny",
        "new-orleans-la",
        "philadelphia-pa",
        "los-angeles-ca",
    } <= speakers
    doj_list = config.source("doj-sanctuary-list")
    assert "list" == doj_list.kind
    assert "https://www.justice.gov/ag/sanctuary-jurisdictions" == doj_list.url
    assert 6 * 3600 == doj_list.every
    assert REPO / "db" / "watcher.db" == config.settings.database
    assert "new-york-city-ny" in {entry.id for entry in config.jurisdictions}
    assert config.smtp is None


def test_shipped_sources_toml_is_polite_to_justice_gov():
    """No justice.gov source in the shipped file is checked more often than every 30 minutes."""
    config = load_config(REPO / "sources.toml")
    justice = [source for source in config.sources if source.host == "www.justice.gov"]
    assert 3 <= len(justice)
    assert all(source.every is not None and source.every >= 1800 for source in justice)


@pytest.mark.parametrize("scenario", sorted(p.name for p in SCENARIOS.glob("*")))
def test_scenario_sources_load(tmp_path, scenario):
    """Every scenario's sources.toml loads once {site} is replaced by a local host:port."""
    text = (SCENARIOS / scenario / "sources.toml").read_text(encoding="utf-8")
    config = load_config(write(tmp_path, text.replace("{site}", "127.0.0.1:8123")))
    assert config.sources
    assert {"127.0.0.1"} == {source.host for source in config.sources}


# --- the message -------------------------------------------------------------------------


def test_r15_error_message_reads_file_table_key(tmp_path, monkeypatch):
    """The message is exactly 'file: table, key: problem', as the brief's example (R15)."""
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path,
        GOOD_SOURCE + '\n[[sources]]\nid = "chicago-news"\nurl = "https://chicago.gov/"\n'
        'every = "5 minutes"\n',
    )
    with pytest.raises(ConfigError) as caught:
        load_config("sources.toml")
    assert (
        "sources.toml: [[sources]] #2 (id 'chicago-news'), key 'every': "
        "'5 minutes' is not a duration like 30s, 10m, 2h or 1d"
    ) == str(caught.value)


# --- the file ----------------------------------------------------------------------------


def test_missing_file_is_refused(tmp_path):
    """A configuration file that does not exist gives a ConfigError naming it."""
    error = refused(tmp_path / "nowhere.toml", "", None)
    assert "no such file" in str(error)


def test_invalid_toml_names_the_line_and_table(tmp_path):
    """A TOML syntax error names its line and the table it stands in."""
    path = write(tmp_path, GOOD_SOURCE + "speaker = \n")
    error = refused(path, "[[sources]]", None)
    assert "line 7" in str(error)


def test_non_utf8_file_is_refused(tmp_path):
    """A file that is not UTF-8 is refused rather than misread."""
    path = tmp_path / "sources.toml"
    path.write_bytes(b'[watcher]\nuser_agent = "caf\xe9"\n')
    error = refused(path, "", None)
    assert "UTF-8" in str(error)


def test_unknown_table_is_refused_with_a_suggestion(tmp_path):
    """An unknown table is refused, and a near miss suggests the right name."""
    path = write(tmp_path, '[[source]]\nid = "a"\nurl = "https://example.gov/"\n')
    error = refused(path, "[[source]]", None)
    assert "sources" in str(error)


def test_sources_written_as_a_single_table_is_refused(tmp_path):
    """[sources] instead of [[sources]] is refused with the right spelling in the message."""
    path = write(tmp_path, '[sources]\nid = "a"\nurl = "https://example.gov/"\n')
    error = refused(path, "[[sources]]", None)
    assert "[[sources]]" in error.message


def test_key_outside_any_table_is_refused(tmp_path):
    """A key above every table header is refused, naming the table it belongs to."""
    path = write(tmp_path, 'database = "x.db"\n')
    error = refused(path, "", "database")
    assert "[watcher]" in error.message


@pytest.mark.parametrize(
    ("text", "table", "key"),
    [
        ('[watcher]\ndatabse = "x.db"\n', "[watcher]", "databse"),
        ('[smtp]\nhots = "mail.example.org"\n', "[smtp]", "hots"),
        (GOOD_SOURCE + 'selector = "main"\n', "[[sources]] #1 (id 'doj-list')", "selector"),
        (
            '[[jurisdictions]]\nid = "il"\naliases = ["IL"]\nname = "x"\n',
            "[[jurisdictions]] #1 (id 'il')",
            "name",
        ),
        ('[[cues]]\nstatus = "sued"\npattern = "sued"\nflags = "i"\n', "[[cues]] #1", "flags"),
    ],
)
def test_unknown_key_is_refused(tmp_path, text, table, key):
    """An unknown key in any table is refused, naming that table and key."""
    refused(write(tmp_path, text), table, key)


# --- [[sources]] -------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["id", "url"])
def test_source_without_id_or_url_is_refused(tmp_path, missing):
    """A source must have an id and a url."""
    lines = {"id": 'id = "a"', "url": 'url = "https://example.gov/"'}
    del lines[missing]
    path = write(tmp_path, "[[sources]]\n" + "\n".join(lines.values()) + "\n")
    table = "[[sources]] #1 (id 'a')" if missing == "url" else "[[sources]] #1"
    error = refused(path, table, missing)
    assert "required" in error.message


def test_duplicate_source_ids_are_refused(tmp_path):
    """Two sources with one id are refused at the second, which names the first."""
    path = write(tmp_path, GOOD_SOURCE + GOOD_SOURCE)
    error = refused(path, "[[sources]] #2 (id 'doj-list')", "id")
    assert "#1" in error.message


@pytest.mark.parametrize("source_id", ["Chicago", "-chicago", "chicago news", "chicago_news", ""])
def test_malformed_source_id_is_refused(tmp_path, source_id):
    """A source id must be lowercase letters, digits and hyphens."""
    path = write(tmp_path, f'[[sources]]\nid = "{source_id}"\nurl = "https://example.gov/"\n')
    refused(path, f"[[sources]] #1 (id '{source_id}')", "id")


@pytest.mark.parametrize(
    "url",
    [
        "/ag/sanctuary-jurisdictions",
        "www.justice.gov/ag",
        "ftp://www.justice.gov/ag",
        "file:///etc/passwd",
        "https://",
        "https://www.justice.gov:99999/ag",
        "https://user:secret@www.justice.gov/ag",
        "https://www.justice.gov/ag sanctuary",
    ],
)
def test_url_must_be_absolute_http_with_a_host(tmp_path, url):
    """Relative, non-http(s), hostless, bad-port and credential-carrying URLs are refused."""
    path = write(tmp_path, f'[[sources]]\nid = "a"\nurl = "{url}"\n')
    error = refused(path, "[[sources]] #1 (id 'a')", "url")
    assert "secret" not in str(error)


def test_unknown_kind_is_refused(tmp_path):
    """kind must be one of page, listing, feed, list."""
    error = refused(one_source(tmp_path, 'kind = "rss"'), "[[sources]] #1 (id 's')", "kind")
    assert "listing" in error.message


def test_every_and_cron_together_are_refused(tmp_path):
    """A source gives either every or cron, not both."""
    path = one_source(tmp_path, 'every = "1h"\ncron = "0 * * * *"')
    refused(path, "[[sources]] #1 (id 's')", "cron")


def test_neither_every_nor_cron_means_hourly(tmp_path):
    """Without every or cron a source is checked every hour."""
    source = load_config(one_source(tmp_path, "")).source("s")
    assert (DEFAULT_EVERY, None) == (source.every, source.cron)
    assert 3600.0 == DEFAULT_EVERY


@pytest.mark.parametrize("every", ['"5 minutes"', '"0s"', '"-1h"', '"10"', '"1w"', "30", "1.5"])
def test_bad_every_is_refused(tmp_path, every):
    """every takes a positive duration string with unit s, m, h or d."""
    refused(one_source(tmp_path, f"every = {every}"), "[[sources]] #1 (id 's')", "every")


@pytest.mark.parametrize(
    "cron",
    [
        "0 * * *",
        "0 * * * * *",
        "61 * * * *",
        "0 25 * * *",
        "0 9 * * 1-5",
        "0 9 * * */2",
        "x * * * *",
    ],
)
def test_bad_cron_is_refused(tmp_path, cron):
    """cron must be a valid 5-field crontab with weekdays as names."""
    refused(one_source(tmp_path, f'cron = "{cron}"'), "[[sources]] #1 (id 's')", "cron")


def test_good_cron_is_kept_and_every_left_unset(tmp_path):
    """A valid cron is kept (whitespace normalised) and every stays None."""
    source = load_config(one_source(tmp_path, 'cron = "0  */2 * *   mon-fri"')).source("s")
    assert ("0 */2 * * mon-fri", None) == (source.cron, source.every)


@pytest.mark.parametrize("key", ["select", "follow"])
@pytest.mark.parametrize("selector", ["a[href", "::before", "", "p:nth-child(x)"])
def test_bad_css_selector_is_refused(tmp_path, key, selector):
    """select and follow must be CSS selectors lxml can compile."""
    path = one_source(tmp_path, f'kind = "listing"\n{key} = "{selector}"')
    refused(path, "[[sources]] #1 (id 's')", key)


def test_good_selectors_and_ignore_patterns_are_kept(tmp_path):
    """Valid select, follow and ignore values reach the Source, ignore compiled."""
    body = (
        'kind = "listing"\nselect = "main article"\nfollow = "h2 > a"\n'
        "ignore = ['Last updated .*', '^Share$']"
    )
    source = load_config(one_source(tmp_path, body)).source("s")
    assert ("main article", "h2 > a") == (source.select, source.follow)
    assert ["Last updated .*", "^Share$"] == [pattern.pattern for pattern in source.ignore]
    assert source.ignore[0].match("Last updated June 3")


@pytest.mark.parametrize("ignore", ['["(unclosed"]', '["ok", "[z-a]"]'])
def test_bad_ignore_regex_is_refused(tmp_path, ignore):
    """Every ignore entry must compile as a regex."""
    refused(one_source(tmp_path, f"ignore = {ignore}"), "[[sources]] #1 (id 's')", "ignore")


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ('kind = "page"\nfollow = "a"', "follow"),
        ('kind = "feed"\nmax_pages = 2', "max_pages"),
        ('kind = "list"\nrecheck_every = "1d"', "recheck_every"),
    ],
)
def test_listing_keys_on_other_kinds_are_refused(tmp_path, body, key):
    """follow, max_pages and recheck_every are refused where they would be ignored."""
    refused(one_source(tmp_path, body), "[[sources]] #1 (id 's')", key)


def test_listing_options_are_kept(tmp_path):
    """A listing keeps max_pages, recheck_every and lower-cased allow_hosts."""
    body = (
        'kind = "listing"\nmax_pages = 5\nrecheck_every = "1d"\nallow_hosts = ["WWW.Example.ORG"]'
    )
    source = load_config(one_source(tmp_path, body)).source("s")
    assert (5, 86400.0, ("www.example.org",)) == (
        source.max_pages,
        source.recheck_every,
        source.allow_hosts,
    )


@pytest.mark.parametrize("host", ["https://www.example.org", "www.example.org/path", "a b"])
def test_bad_allow_hosts_is_refused(tmp_path, host):
    """allow_hosts takes bare host names, not URLs."""
    path = one_source(tmp_path, f'allow_hosts = ["{host}"]')
    refused(path, "[[sources]] #1 (id 's')", "allow_hosts")


BAD_JURISDICTION_IDS = [
    "chicago",
    "Chicago-IL",
    "chicago_il",
    "chicago-xx",
    "chicago-ill",
    "-il",
    "i",
]


@pytest.mark.parametrize("speaker", BAD_JURISDICTION_IDS)
def test_bad_speaker_is_refused(tmp_path, speaker):
    """speaker must be a jurisdiction id ending in a state's postal code."""
    error = refused(
        one_source(tmp_path, f'speaker = "{speaker}"'), "[[sources]] #1 (id 's')", "speaker"
    )
    assert "cook-county-il" in error.message


@pytest.mark.parametrize("speaker", ["il", "dc", "cook-county-il", "new-york-city-ny", "pr"])
def test_good_speaker_is_kept(tmp_path, speaker):
    """State, county and city ids are accepted as speaker."""
    assert (
        speaker == load_config(one_source(tmp_path, f'speaker = "{speaker}"')).source("s").speaker
    )


def test_host_property_is_the_lower_case_host(tmp_path):
    """Source.host is the URL's host name in lower case, without the port."""
    source = Source(id="a", url="https://WWW.Justice.GOV:443/ag")
    assert "www.justice.gov" == source.host


def test_unknown_source_id_raises_key_error(tmp_path):
    """Config.source raises KeyError for an id it does not have."""
    config = load_config(write(tmp_path, GOOD_SOURCE))
    with pytest.raises(KeyError):
        config.source("nope")


# --- [[jurisdictions]] and [[cues]] -------------------------------------------------------


@pytest.mark.parametrize("jurisdiction_id", BAD_JURISDICTION_IDS)
def test_bad_jurisdiction_id_is_refused(tmp_path, jurisdiction_id):
    """[[jurisdictions]] id must be a jurisdiction id."""
    path = write(tmp_path, f'[[jurisdictions]]\nid = "{jurisdiction_id}"\naliases = ["X"]\n')
    refused(path, f"[[jurisdictions]] #1 (id '{jurisdiction_id}')", "id")


def test_jurisdiction_aliases_are_kept(tmp_path):
    """A [[jurisdictions]] table gives its aliases in order."""
    path = write(
        tmp_path,
        '[[jurisdictions]]\nid = "new-york-city-ny"\naliases = ["NYC", "the five boroughs"]\n',
    )
    entry = load_config(path).jurisdictions[0]
    assert ("new-york-city-ny", ("NYC", "the five boroughs")) == (entry.id, entry.aliases)


def test_cue_with_unknown_status_is_refused(tmp_path):
    """A cue's status must be one of the vocabulary's statuses."""
    path = write(tmp_path, '[[cues]]\nstatus = "sanctioned"\npattern = "sanction"\n')
    error = refused(path, "[[cues]] #1", "status")
    assert "funding_cut" in error.message


def test_cue_with_bad_regex_is_refused(tmp_path):
    """A cue's pattern must compile as a regex."""
    path = write(tmp_path, '[[cues]]\nstatus = "sued"\npattern = "(sued"\n')
    refused(path, "[[cues]] #1", "pattern")


def test_good_cue_is_kept(tmp_path):
    """A valid cue reaches Config.cues unchanged."""
    path = write(tmp_path, "[[cues]]\nstatus = \"funding_cut\"\npattern = '(?i)claw(ed)? back'\n")
    cue = load_config(path).cues[0]
    assert ("funding_cut", "(?i)claw(ed)? back") == (cue.status, cue.pattern)


# --- [smtp] ------------------------------------------------------------------------------


def test_unknown_smtp_security_is_refused(tmp_path):
    """security must be none, starttls or ssl."""
    refused(write(tmp_path, '[smtp]\nsecurity = "tls"\n'), "[smtp]", "security")


@pytest.mark.parametrize("port", ["0", "65536", "-25"])
def test_smtp_port_out_of_range_is_refused(tmp_path, port):
    """port must be within 1..65535."""
    refused(write(tmp_path, f"[smtp]\nport = {port}\n"), "[smtp]", "port")


@pytest.mark.parametrize(("security", "port"), [("none", 25), ("starttls", 587), ("ssl", 465)])
def test_smtp_port_defaults_follow_security(tmp_path, security, port):
    """Without a port, [smtp] uses the usual port for its security."""
    smtp = load_config(write(tmp_path, f'[smtp]\nsecurity = "{security}"\n')).smtp
    assert smtp is not None
    assert port == smtp.port


@pytest.mark.parametrize(
    ("text", "table", "key"),
    [
        ('[smtp]\nusername = "u"\npassword = "hunter2-secret"\n', "[smtp]", "password"),
        ('[smtp]\nsmtp_password = "hunter2-secret"\n', "[smtp]", "smtp_password"),
        ('[watcher]\npassword = "hunter2-secret"\n', "[watcher]", "password"),
        ('password = "hunter2-secret"\n', "", "password"),
    ],
)
def test_r15_password_key_is_refused_without_echoing_it(tmp_path, text, table, key):
    """A password in the file is refused, pointing to password_env, never quoting it (R15)."""
    error = refused(write(tmp_path, text), table, key)
    assert "password_env" in error.message
    assert "hunter2-secret" not in str(error)


def test_r15_username_without_password_variable_is_refused_when_required(tmp_path, monkeypatch):
    """With require_smtp_password, a username whose password variable is unset is refused (R15)."""
    monkeypatch.delenv("WATCHER_TEST_SMTP_PW", raising=False)
    path = write(tmp_path, '[smtp]\nusername = "alerts"\npassword_env = "WATCHER_TEST_SMTP_PW"\n')
    error = refused(path, "[smtp]", "password_env", require_smtp_password=True)
    assert "WATCHER_TEST_SMTP_PW" in error.message


def test_username_without_password_variable_loads_when_not_required(tmp_path, monkeypatch):
    """Without require_smtp_password the environment is not consulted."""
    monkeypatch.delenv("WATCHER_TEST_SMTP_PW", raising=False)
    path = write(tmp_path, '[smtp]\nusername = "alerts"\npassword_env = "WATCHER_TEST_SMTP_PW"\n')
    smtp = load_config(path).smtp
    assert smtp is not None
    assert smtp.password() is None


def test_password_comes_from_the_named_variable(tmp_path, monkeypatch):
    """SmtpConfig.password reads the environment variable named by password_env."""
    monkeypatch.setenv("WATCHER_TEST_SMTP_PW", "s3cret-value")
    path = write(tmp_path, '[smtp]\nusername = "alerts"\npassword_env = "WATCHER_TEST_SMTP_PW"\n')
    smtp = load_config(path, require_smtp_password=True).smtp
    assert smtp is not None
    assert "s3cret-value" == smtp.password()


@pytest.mark.parametrize(
    ("key", "value"),
    [("password_env", '"NOT A NAME"'), ("sender", '"not-an-address"'), ("host", '""')],
)
def test_bad_smtp_values_are_refused(tmp_path, key, value):
    """password_env must be a variable name, sender an address, host not empty."""
    refused(write(tmp_path, f"[smtp]\n{key} = {value}\n"), "[smtp]", key)


def test_sender_with_a_display_name_is_accepted(tmp_path):
    """sender may carry a display name, as in 'Watcher <alerts@example.org>'."""
    text = '[smtp]\nsender = "Watcher <alerts@example.org>"\n'
    smtp = load_config(write(tmp_path, text)).smtp
    assert smtp is not None
    assert "Watcher <alerts@example.org>" == smtp.sender


# --- [watcher] ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "public_url", ["watcher.example.org", "ftp://watcher.example.org", "javascript:alert(1)"]
)
def test_public_url_must_be_http(tmp_path, public_url):
    """public_url must be an absolute http(s) URL."""
    path = write(tmp_path, f'[watcher]\npublic_url = "{public_url}"\n')
    refused(path, "[watcher]", "public_url")


def test_public_url_loses_its_trailing_slash(tmp_path):
    """public_url is kept without a trailing slash, ready for joining paths."""
    path = write(tmp_path, '[watcher]\npublic_url = "https://watcher.example.org/"\n')
    assert "https://watcher.example.org" == load_config(path).settings.public_url


@pytest.mark.parametrize(
    ("table", "key", "value"),
    [
        ("watcher", "workers", '"8"'),
        ("watcher", "max_bytes", "1.5"),
        ("watcher", "timeout", "true"),
        ("watcher", "timeout", "0"),
        ("watcher", "failure_threshold", "0"),
        ("watcher", "user_agent", '"bot\\r\\nX-Evil: 1"'),
        ("watcher", "operator", '"nobody"'),
        ("watcher", "database", "5"),
        ("smtp", "port", '"25"'),
        ("smtp", "timeout", '"soon"'),
        ("smtp", "username", "[]"),
    ],
)
def test_r15_wrong_value_types_are_refused(tmp_path, table, key, value):
    """A value of the wrong type or out of range in [watcher] or [smtp] is refused (R15)."""
    refused(write(tmp_path, f"[{table}]\n{key} = {value}\n"), f"[{table}]", key)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("speaker", "5"),
        ("select", '["main"]'),
        ("ignore", '"Last updated"'),
        ("max_pages", '"3"'),
        ("kind", "1"),
        ("allow_hosts", '"example.org"'),
    ],
)
def test_r15_wrong_value_types_in_sources_are_refused(tmp_path, key, value):
    """A value of the wrong type in [[sources]] is refused (R15)."""
    refused(one_source(tmp_path, f"{key} = {value}"), "[[sources]] #1 (id 's')", key)


def test_settings_take_seconds_or_durations(tmp_path):
    """[watcher] durations accept a number of seconds or a duration string."""
    text = '[watcher]\ntimeout = 12.5\nalert_max_age = "2d"\nmin_host_delay = 0\n'
    settings = load_config(write(tmp_path, text)).settings
    assert (12.5, 172800.0, 0.0) == (
        settings.timeout,
        settings.alert_max_age,
        settings.min_host_delay,
    )


def test_defaults_without_a_watcher_table(tmp_path):
    """Without [watcher], the database is db/watcher.db beside the file and the UA is ours."""
    settings = load_config(write(tmp_path, GOOD_SOURCE)).settings
    assert tmp_path.resolve() / "db" / "watcher.db" == settings.database
    assert DEFAULT_USER_AGENT == settings.user_agent
    assert re.fullmatch(r"jurisdiction-watcher/\S+ \(\+https://\S+\)", settings.user_agent)


def test_relative_database_is_resolved_from_the_config_folder(tmp_path, monkeypatch):
    """A relative database path is taken from the config file's folder, not the cwd."""
    folder = tmp_path / "etc"
    folder.mkdir()
    write(folder, '[watcher]\ndatabase = "data/w.db"\n')
    monkeypatch.chdir(tmp_path)
    assert (
        folder.resolve() / "data" / "w.db"
        == load_config(Path("etc/sources.toml")).settings.database
    )


def test_absolute_database_is_kept(tmp_path):
    """An absolute database path is used as written."""
    database = tmp_path / "elsewhere" / "w.db"
    path = write(tmp_path, f"[watcher]\ndatabase = '{database}'\n")
    assert database == load_config(path).settings.database


# --- durations ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30s", 30.0),
        ("10m", 600.0),
        ("2h", 7200.0),
        ("1d", 86400.0),
        ("1h30m", 5400.0),
        ("1d2h3m4s", 93784.0),
        ("0.5h", 1800.0),
        (" 1h 30m ", 5400.0),
    ],
)
def test_parse_duration(text, seconds):
    """Durations with units s, m, h, d (combined largest first) become seconds."""
    assert seconds == parse_duration(text)


@pytest.mark.parametrize("text", ["", "30", "5 minutes", "1w", "0s", "-1h", "1m1h", "1h1h", "h"])
def test_parse_duration_refuses_the_rest(text):
    """Anything but a positive duration with known units raises ValueError."""
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize("text", ["45s", "10m", "6h", "1d", "1h30m", "1d2h3m4s"])
def test_format_duration_round_trips(text):
    """format_duration writes back what parse_duration read."""
    assert text == format_duration(parse_duration(text))


# --- describe ----------------------------------------------------------------------------


def test_describe_names_sources_database_and_smtp_but_never_the_password(tmp_path, monkeypatch):
    """describe lists each source, the database and SMTP, and says a password is set without it."""
    monkeypatch.setenv("WATCHER_TEST_SMTP_PW", "pa55-do-not-print")
    text = (
        '[smtp]\nhost = "mail.example.org"\nsecurity = "starttls"\nusername = "alerts"\n'
        'password_env = "WATCHER_TEST_SMTP_PW"\n'
        + GOOD_SOURCE
        + '\n[[sources]]\nid = "chicago"\nurl = "https://www.chicago.gov/news"\n'
        'kind = "listing"\ncron = "0 */2 * * *"\nspeaker = "chicago-il"\n'
    )
    config = load_config(write(tmp_path, text), require_smtp_password=True)
    description = describe(config)
    assert "pa55-do-not-print" not in description
    assert "WATCHER_TEST_SMTP_PW set" in description
    assert "mail.example.org:587" in description
    assert str(config.settings.database) in description
    assert re.search(
        r"doj-list\s+list\s+every 6h\s+https://www\.justice\.gov/ag/sanctuary", description
    )
    assert re.search(
        r"chicago\s+listing\s+cron 0 \*/2 \* \* \*\s+https://www\.chicago\.gov/news", description
    )
    assert "speaker chicago-il" in description


def test_describe_says_when_the_password_is_missing(tmp_path, monkeypatch):
    """describe reports an unset password variable and a missing [smtp] table plainly."""
    monkeypatch.delenv("WATCHER_TEST_SMTP_PW", raising=False)
    path = write(tmp_path, '[smtp]\nusername = "alerts"\npassword_env = "WATCHER_TEST_SMTP_PW"\n')
    assert "WATCHER_TEST_SMTP_PW not set" in describe(load_config(path))
    assert "SMTP: not configured" in describe(load_config(write(tmp_path, GOOD_SOURCE, "b.toml")))


# --- R15 through the command line ---------------------------------------------------------

BAD_FIELDS = [
    ("watcher", "database", '""'),
    ("watcher", "user_agent", '" "'),
    ("watcher", "operator", '"nobody"'),
    ("watcher", "public_url", '"ftp://watcher.example.org"'),
    ("watcher", "min_host_delay", "-1"),
    ("watcher", "timeout", '"soon"'),
    ("watcher", "max_bytes", "0"),
    ("watcher", "workers", "0"),
    ("watcher", "alert_max_age", '"1 day"'),
    ("watcher", "failure_threshold", "0"),
    ("watcher", "retries", "-1"),
    ("watcher", "retry_wait", '"later"'),
    ("smtp", "host", '"mail server"'),
    ("smtp", "port", "70000"),
    ("smtp", "security", '"tls"'),
    ("smtp", "username", "[]"),
    ("smtp", "password_env", "7"),
    ("smtp", "sender", '"nobody"'),
    ("smtp", "timeout", "0"),
    ("sources", "id", '"Bad Id"'),
    ("sources", "url", '"ftp://example.gov/news"'),
    ("sources", "kind", '"blog"'),
    ("sources", "every", '"5 minutes"'),
    ("sources", "cron", '"every day"'),
    ("sources", "select", '"main[["'),
    ("sources", "ignore", '["("]'),
    ("sources", "follow", '"a[["'),
    ("sources", "speaker", '"atlantis"'),
    ("sources", "allow_hosts", '["bad host"]'),
    ("sources", "max_pages", "0"),
    ("sources", "recheck_every", '"soon"'),
]


def bad_config_text(table: str, key: str, value: str) -> str:
    """A configuration that is valid but for one field."""
    if table == "sources":
        kind = '\nkind = "listing"' if key in ("follow", "max_pages", "recheck_every") else ""
        fields = {"id": '"s"', "url": '"https://example.gov/news"'}
        fields[key] = value
        body = "".join(f"{name} = {text}\n" for name, text in fields.items())
        return f"[[sources]]\n{body}{kind if key != 'kind' else ''}\n"
    return f"[{table}]\n{key} = {value}\n" + GOOD_SOURCE


def test_r15_bad_fields_cover_every_key():
    """The command-line R15 test below has a bad value for every key of every table."""
    from watcher.config import SETTINGS_KEYS, SMTP_KEYS, SOURCE_KEYS

    covered = {(table, key) for table, key, _value in BAD_FIELDS}
    every_key = (
        {("watcher", key) for key in SETTINGS_KEYS}
        | {("smtp", key) for key in SMTP_KEYS}
        | {("sources", key) for key in SOURCE_KEYS}
    )
    assert every_key == covered


@pytest.mark.parametrize(("table", "key", "value"), BAD_FIELDS, ids=lambda v: str(v)[:20])
def test_r15_every_invalid_field_exits_2_naming_file_table_and_key(tmp_path, table, key, value):
    """R15: `watcher check` on a file with one bad field exits 2 naming file, table and key."""
    from click.testing import CliRunner

    from watcher.cli import main

    path = write(tmp_path, bad_config_text(table, key, value))
    result = CliRunner().invoke(main, ["--config", str(path), "check"])
    assert 2 == result.exit_code, result.output
    label = "[[sources]] #1" if table == "sources" else f"[{table}]"
    assert f"error: {path}: {label}" in result.output
    assert f"key '{key}'" in result.output


def test_schedule_shorter_than_a_fetch_may_take_is_warned(
    tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    """A source checked more often than a fetch's deadline gets a warning (R9), not an error."""
    path = tmp_path / "sources.toml"
    path.write_text(
        '[watcher]\ntimeout = 30\n[[sources]]\nid = "fast"\nurl = "https://a.gov/"\nevery = "30s"\n'
    )
    load_config(path)
    assert "every 30s is shorter than a fetch may take" in caplog.text
