"""watcher.mailer against a real SMTP server on 127.0.0.1 (tests/smtpsink.py)."""

from __future__ import annotations

import base64
import logging
import shutil
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.smtpsink import SmtpSink
from watcher.mailer import Delivery, Mailer, SmtpSettings

SENDER = "watcher@example.org"
RECIPIENT = "reader@example.net"
PASSWORD = "s3cr3t-Pa55word"


def message(
    recipient: str = RECIPIENT, message_id: str = "<1.watcher@example.org>"
) -> EmailMessage:
    built = EmailMessage()
    built["Subject"] = "[watcher] Chicago, IL: non_compliant -> warned"
    built["From"] = SENDER
    built["To"] = recipient
    built["Message-ID"] = message_id
    built.set_content("Chicago was warned.\n.leading dot survives dot-stuffing\n")
    return built


def settings_for(sink: SmtpSink, **changes: object) -> SmtpSettings:
    fields: dict[str, object] = dict(host=sink.host, port=sink.port, timeout=1.0, sender=SENDER)
    fields.update(changes)
    return SmtpSettings(**fields)  # type: ignore[arg-type]


# --- outcomes ----------------------------------------------------------------------------------


def test_accepted_message_is_sent_with_its_envelope(smtp_sink: SmtpSink):
    """A 250 at DATA is "sent"; the envelope names our sender and the one To address."""
    with Mailer(settings_for(smtp_sink)) as mailer:
        delivery = mailer.send(message())
    assert "sent" == delivery.outcome
    assert delivery.reply.startswith("250 ")
    [received] = smtp_sink.messages
    assert SENDER == received.mail_from
    assert (RECIPIENT,) == received.rcpt_tos
    assert "<1.watcher@example.org>" == received.message["Message-ID"]
    assert ".leading dot survives dot-stuffing\n" in received.message.get_content()


def test_r5_451_at_rcpt_is_transient(smtp_sink: SmtpSink):
    """A 4xx at RCPT is worth another try later (R5)."""
    smtp_sink.behaviour = "rcpt_4xx"
    with Mailer(settings_for(smtp_sink)) as mailer:
        delivery = mailer.send(message())
    assert Delivery("transient", "451 4.3.0 mailbox busy, try again later") == delivery
    assert [] == smtp_sink.messages


def test_r5_550_at_rcpt_is_permanent_with_the_reply(smtp_sink: SmtpSink):
    """A 5xx at RCPT is final, and the server's words are kept (R5)."""
    smtp_sink.behaviour = "rcpt_5xx"
    with Mailer(settings_for(smtp_sink)) as mailer:
        delivery = mailer.send(message())
    assert Delivery("permanent", "550 5.1.1 no such user") == delivery


def test_connection_survives_a_refused_recipient(smtp_sink: SmtpSink):
    """After a 550 the same connection delivers the next message (RSET, not reconnect)."""
    with Mailer(settings_for(smtp_sink)) as mailer:
        smtp_sink.behaviour = "rcpt_5xx"
        assert "permanent" == mailer.send(message()).outcome
        smtp_sink.behaviour = "accept"
        assert "sent" == mailer.send(message()).outcome
    assert 1 == smtp_sink.connections


def test_r6_421_at_connect_is_transient(smtp_sink: SmtpSink):
    """A server that answers 421 at once is unavailable for now (R6)."""
    smtp_sink.behaviour = "always_421"
    with Mailer(settings_for(smtp_sink)) as mailer:
        delivery = mailer.send(message())
    assert "transient" == delivery.outcome
    assert "421" in delivery.reply
    assert [] == smtp_sink.messages


def test_421_on_an_open_connection_is_transient(smtp_sink: SmtpSink):
    """A 421 in the middle of a session is transient too, and the next send starts afresh."""
    with Mailer(settings_for(smtp_sink)) as mailer:
        assert "sent" == mailer.send(message()).outcome
        smtp_sink.behaviour = "always_421"
        assert "transient" == mailer.send(message()).outcome
        smtp_sink.behaviour = "accept"
        assert "sent" == mailer.send(message()).outcome
    assert 2 == len(smtp_sink.messages)


def test_dropped_connection_is_transient_and_the_next_send_reconnects(smtp_sink: SmtpSink):
    """A connection cut during DATA is transient; the following send opens a new one."""
    with Mailer(settings_for(smtp_sink)) as mailer:
        smtp_sink.behaviour = "drop"
        delivery = mailer.send(message())
        assert "transient" == delivery.outcome
        assert delivery.reply.startswith("DATA:")
        smtp_sink.behaviour = "accept"
        assert "sent" == mailer.send(message()).outcome
    assert 2 == smtp_sink.connections
    assert 1 == len(smtp_sink.messages)


def test_r7_silent_server_fails_within_the_timeout(smtp_sink: SmtpSink):
    """A server that accepts TCP and never answers fails in about `timeout` seconds (R7)."""
    smtp_sink.behaviour = "hang"
    with Mailer(settings_for(smtp_sink, timeout=1.0)) as mailer:
        started = time.monotonic()
        delivery = mailer.send(message())
        elapsed = time.monotonic() - started
    assert "transient" == delivery.outcome
    assert 0.9 <= elapsed < 1.9


def test_r7_server_going_silent_on_an_open_connection_fails_within_the_timeout(smtp_sink: SmtpSink):
    """A timeout on a reused connection is not retried, so the bound holds there too (R7)."""
    with Mailer(settings_for(smtp_sink, timeout=1.0)) as mailer:
        assert "sent" == mailer.send(message()).outcome
        smtp_sink.behaviour = "hang"
        started = time.monotonic()
        delivery = mailer.send(message())
        elapsed = time.monotonic() - started
    assert "transient" == delivery.outcome
    assert elapsed < 1.9


def test_refused_connection_is_transient(smtp_sink: SmtpSink):
    """Nobody listening on the port is a transient failure, not an exception (R1)."""
    smtp_sink.stop()
    with Mailer(settings_for(smtp_sink)) as mailer:
        delivery = mailer.send(message())
    assert "transient" == delivery.outcome
    assert delivery.reply.startswith("connect:")


def test_r1_smtp_down_then_back(smtp_sink: SmtpSink):
    """The same Mailer fails while the server is down and delivers once it is back (R1)."""
    with Mailer(settings_for(smtp_sink)) as mailer:
        assert "sent" == mailer.send(message()).outcome
        smtp_sink.stop()
        assert "transient" == mailer.send(message()).outcome
        smtp_sink.start()
        assert "sent" == mailer.send(message()).outcome
    assert 2 == len(smtp_sink.messages)


def test_connection_closed_between_sends_is_reopened(smtp_sink: SmtpSink):
    """A reused connection the server has closed meanwhile is replaced without a failure."""
    with Mailer(settings_for(smtp_sink)) as mailer:
        assert "sent" == mailer.send(message()).outcome
        smtp_sink.stop()
        smtp_sink.start()
        assert "sent" == mailer.send(message()).outcome
    assert 2 == smtp_sink.connections
    assert 2 == len(smtp_sink.messages)


def test_r8_n_messages_make_n_transactions_with_one_rcpt_each(smtp_sink: SmtpSink):
    """N recipients give N transactions on one connection, each with one RCPT (R8)."""
    recipients = [f"reader{n}@example.net" for n in range(5)]
    with Mailer(settings_for(smtp_sink)) as mailer:
        outcomes = [mailer.send(message(recipient)).outcome for recipient in recipients]
    assert ["sent"] * 5 == outcomes
    assert recipients == smtp_sink.rcpt_commands
    assert [(recipient,) for recipient in recipients] == [m.rcpt_tos for m in smtp_sink.messages]
    assert 1 == smtp_sink.connections


def test_message_without_exactly_one_recipient_is_permanent(smtp_sink: SmtpSink):
    """A message with two To addresses is refused before any SMTP command (one RCPT rule)."""
    two = message("a@example.net, b@example.net")
    with Mailer(settings_for(smtp_sink)) as mailer:
        delivery = mailer.send(two)
    assert "permanent" == delivery.outcome
    assert 0 == smtp_sink.connections


def test_non_ascii_recipient_is_permanent(smtp_sink: SmtpSink):
    """An address smtplib cannot put in RCPT without SMTPUTF8 fails cleanly, not with a crash."""
    with Mailer(settings_for(smtp_sink)) as mailer:
        delivery = mailer.send(message("josé@example.net"))
    assert "permanent" == delivery.outcome
    assert 0 == smtp_sink.connections


# --- authentication ----------------------------------------------------------------------------


def test_login_then_send(smtp_sink: SmtpSink):
    """With the right username and password the mailer logs in and delivers."""
    smtp_sink.credentials = ("watcher", PASSWORD)
    with Mailer(settings_for(smtp_sink, username="watcher", password=PASSWORD)) as mailer:
        assert "sent" == mailer.send(message()).outcome
    assert ["watcher"] == smtp_sink.logins


def test_r5_535_at_auth_is_auth_failed(smtp_sink: SmtpSink, caplog: pytest.LogCaptureFixture):
    """A 535 at AUTH is "auth_failed", left to the caller to log as its one error (R5)."""
    smtp_sink.behaviour = "auth_535"
    with Mailer(settings_for(smtp_sink, username="watcher", password=PASSWORD)) as mailer:
        delivery = mailer.send(message())
    assert "auth_failed" == delivery.outcome
    assert "535" in delivery.reply
    assert [] == smtp_sink.messages
    assert [] == [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_wrong_password_is_auth_failed(smtp_sink: SmtpSink):
    """Credentials the server refuses give "auth_failed", not a transient failure."""
    smtp_sink.credentials = ("watcher", "another-password")
    with Mailer(settings_for(smtp_sink, username="watcher", password=PASSWORD)) as mailer:
        assert "auth_failed" == mailer.send(message()).outcome


def test_r24_password_appears_in_no_log_record_or_reply(
    smtp_sink: SmtpSink, caplog: pytest.LogCaptureFixture
):
    """At DEBUG, through success and failures, the password is never logged nor returned (R24)."""
    caplog.set_level(logging.DEBUG)
    settings = settings_for(smtp_sink, username="watcher", password=PASSWORD)
    replies = []
    with Mailer(settings) as mailer:
        for behaviour in ("accept", "rcpt_4xx", "rcpt_5xx", "drop", "auth_535"):
            smtp_sink.behaviour = behaviour
            replies.append(mailer.send(message()).reply)
            mailer.close()
    encoded = base64.b64encode(f"\0watcher\0{PASSWORD}".encode()).decode()
    secrets = (PASSWORD, base64.b64encode(PASSWORD.encode()).decode(), encoded)
    logged = [record.getMessage() for record in caplog.records]
    assert any("watcher.mailer" == record.name for record in caplog.records)
    for secret in secrets:
        assert [] == [line for line in logged + replies if secret in line]
    assert PASSWORD not in repr(settings)


def test_username_without_password_is_auth_failed(smtp_sink: SmtpSink):
    """A username with no password cannot log in; the mailer says so instead of sending."""
    with Mailer(settings_for(smtp_sink, username="watcher", password=None)) as mailer:
        assert "auth_failed" == mailer.send(message()).outcome


def test_unknown_security_mode_is_refused():
    """Only none, starttls and ssl exist."""
    with pytest.raises(ValueError):
        Mailer(SmtpSettings(security="tls"))


# --- TLS ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed certificate for 127.0.0.1, made with the openssl command."""
    assert shutil.which("openssl"), "the openssl command makes the test certificate"
    folder = tmp_path_factory.mktemp("tls")
    made = Certificate(cert=folder / "cert.pem", key=folder / "key.pem")
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"),
            *("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(made.key), "-out", str(made.cert)),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return made


@pytest.fixture
def trusted(certificate: Certificate, monkeypatch: pytest.MonkeyPatch) -> Certificate:
    """The test certificate, trusted by ssl.create_default_context() through SSL_CERT_FILE."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.cert))
    return certificate


@pytest.fixture
def tls_sink(request: pytest.FixtureRequest, certificate: Certificate) -> Iterator[SmtpSink]:
    with SmtpSink(tls=request.param, tls_context=certificate.server_context()) as sink:
        yield sink


@pytest.mark.parametrize("tls_sink", ["starttls", "ssl"], indirect=True)
def test_tls_with_a_trusted_certificate_sends(tls_sink: SmtpSink, trusted: Certificate):
    """STARTTLS and implicit TLS deliver when the server's certificate verifies."""
    settings = settings_for(tls_sink, security=tls_sink.tls, username="watcher", password=PASSWORD)
    with Mailer(settings) as mailer:
        assert "sent" == mailer.send(message()).outcome
    assert ["watcher"] == tls_sink.logins


@pytest.mark.parametrize("tls_sink", ["starttls", "ssl"], indirect=True)
def test_tls_with_an_untrusted_certificate_sends_nothing(
    tls_sink: SmtpSink, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    """A certificate that does not verify stops the session before AUTH or any mail."""
    empty_store = tmp_path / "no-cas.pem"
    empty_store.write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(empty_store))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    settings = settings_for(tls_sink, security=tls_sink.tls, username="watcher", password=PASSWORD)
    with Mailer(settings) as mailer:
        delivery = mailer.send(message())
    assert "transient" == delivery.outcome
    assert "CERTIFICATE_VERIFY_FAILED" in delivery.reply
    assert [] == tls_sink.logins
    assert [] == tls_sink.messages


def test_starttls_refused_by_a_plain_server_sends_nothing(smtp_sink: SmtpSink):
    """Asking for STARTTLS from a server without it never falls back to plain text."""
    with Mailer(settings_for(smtp_sink, security="starttls")) as mailer:
        delivery = mailer.send(message())
    assert "transient" == delivery.outcome
    assert [] == smtp_sink.messages
