"""The only module that speaks SMTP: one transaction, one recipient per message.

`Mailer.send` never raises for a delivery problem; it returns a `Delivery` whose outcome tells
the caller what to do with the alert: "sent" (mark it sent), "transient" (try again later),
"permanent" (the server refused this message or recipient: give up) or "auth_failed" (pause
all sending: no message can go out until the operator fixes the credentials).

The password never reaches a log line or a `Delivery.reply` (R24): smtplib's debug output is
never switched on (it prints AUTH lines), and replies are scrubbed of the password and of its
base64 forms in case a server echoes what it was sent.
"""

from __future__ import annotations

import base64
import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses
from types import TracebackType

log = logging.getLogger(__name__)

SECURITY_MODES = ("none", "starttls", "ssl")


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the SMTP server; the password comes from the environment, never a file."""

    host: str = "localhost"
    port: int = 25
    security: str = "none"  # none | starttls | ssl
    username: str = ""
    password: str | None = field(default=None, repr=False)  # repr=False: no secret in logs
    timeout: float = 30.0
    sender: str = "watcher@localhost"


@dataclass(frozen=True)
class Delivery:
    """What became of one message."""

    outcome: str  # "sent" | "transient" | "permanent" | "auth_failed"
    reply: str  # the server's code and words, e.g. "550 5.1.1 no such user"; or the error

    @property
    def sent(self) -> bool:
        return self.outcome == "sent"


class _Refused(Exception):
    """A step of the session got a reply that ends this delivery."""

    def __init__(self, delivery: Delivery, code: int = 0):
        super().__init__(delivery.reply)
        self.delivery = delivery
        self.code = code


def _reply_words(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(words.split())}".strip()


class Mailer:
    """Send messages over one reused SMTP connection, opened on first use.

    Not thread-safe: give each sending thread its own Mailer.
    """

    def __init__(self, settings: SmtpSettings):
        if settings.security not in SECURITY_MODES:
            raise ValueError(f"smtp security must be one of {SECURITY_MODES}")
        self.settings = settings
        self._connection: smtplib.SMTP | None = None
        self._secrets = self._secret_forms(settings)

    def __enter__(self) -> Mailer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- public -------------------------------------------------------------------------

    def send(self, message: EmailMessage) -> Delivery:
        """Deliver `message` to its one To address in one SMTP transaction."""
        recipients = [address for _, address in getaddresses(message.get_all("To", []))]
        if len(recipients) != 1 or "@" not in recipients[0]:
            return Delivery("permanent", f"a message needs exactly one To address: {recipients}")
        recipient = recipients[0]
        if not (recipient.isascii() and self._envelope_sender().isascii()):
            # Would need SMTPUTF8 end to end; no server can ever take it as it is.
            return Delivery("permanent", f"non-ASCII address needs SMTPUTF8: {recipient}")
        message_id = message.get("Message-ID", "")
        # CRLF line ends on the wire; smtplib only adds the dot-stuffing and the final dot.
        data = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
        reused = self._connection is not None
        delivery, nothing_sent = self._attempt(recipient, data)
        if reused and nothing_sent:
            # The server may have closed an idle connection between two sends; one try on a
            # fresh connection cannot duplicate the message, since no MAIL was accepted.
            log.debug("reconnecting to %s:%s", self.settings.host, self.settings.port)
            delivery, _ = self._attempt(recipient, data)
        # Warnings at most: the caller decides what is an error (R5 wants one per pause).
        if delivery.outcome == "sent":
            log.info("sent %s to %s: %s", message_id, recipient, delivery.reply)
        else:
            log.warning(
                "%s failure sending %s to %s: %s",
                delivery.outcome,
                message_id,
                recipient,
                delivery.reply,
            )
        return delivery

    def close(self) -> None:
        """Say QUIT and close the connection, if one is open."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()

    # --- one attempt --------------------------------------------------------------------

    def _attempt(self, recipient: str, data: bytes) -> tuple[Delivery, bool]:
        """One try over the current (or a new) connection; never raises for SMTP trouble.

        Also says whether the try died on a closed connection before the server accepted
        MAIL, the one case where trying again at once is both safe and worthwhile.
        """
        stage = "connect"
        try:
            connection = self._connection or self._connect()
            stage = "MAIL"
            self._command(connection, connection.mail(self._envelope_sender()))
            stage = "RCPT"
            self._command(connection, connection.rcpt(recipient))
            stage = "DATA"
            text: bytes | str
            try:
                code, text = connection.data(data)
            except smtplib.SMTPDataError as error:  # the reply to DATA itself was not 354
                code, text = error.smtp_code, error.smtp_error
            if code != 250:
                self._after_refusal(connection, code)
                return self._refusal(code, text), False
            return Delivery("sent", self._scrub(_reply_words(code, text))), False
        except _Refused as refused:
            closing = stage == "MAIL" and refused.code == 421
            return refused.delivery, closing
        except smtplib.SMTPResponseException as error:  # greeting, EHLO, STARTTLS replies
            self._drop_connection()
            reply = _reply_words(error.smtp_code, error.smtp_error)
            return Delivery("transient", self._scrub(f"{stage}: {reply}")), False
        except (smtplib.SMTPException, OSError) as error:  # refused, reset, dropped, timed out
            self._drop_connection()
            reason = str(error) or type(error).__name__
            delivery = Delivery("transient", self._scrub(f"{stage}: {reason}"))
            # A timeout is no closed idle connection: waiting again would double the bound (R7).
            timed_out = isinstance(error, TimeoutError) or isinstance(
                error.__context__, TimeoutError
            )
            return delivery, stage == "MAIL" and not timed_out

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        log.debug("connecting to %s:%s (%s)", settings.host, settings.port, settings.security)
        connection: smtplib.SMTP
        if settings.security == "ssl":
            connection = smtplib.SMTP_SSL(
                settings.host,
                settings.port,
                timeout=settings.timeout,
                context=ssl.create_default_context(),
            )
        else:
            connection = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        try:
            connection.ehlo_or_helo_if_needed()
            if settings.security == "starttls":
                connection.starttls(context=ssl.create_default_context())
                connection.ehlo()
            if settings.username:
                self._login(connection)
        except BaseException:
            connection.close()
            raise
        self._connection = connection
        return connection

    def _login(self, connection: smtplib.SMTP) -> None:
        password = self.settings.password
        if password is None:
            raise _Refused(Delivery("auth_failed", "a username is set but no password"))
        try:
            connection.login(self.settings.username, password)
        except smtplib.SMTPAuthenticationError as error:
            # 4xx (454 "temporary authentication failure") is worth a later try; anything
            # else means the credentials or the server's AUTH setup are wrong.
            code = error.smtp_code
            outcome = "transient" if 400 <= code <= 499 else "auth_failed"
            reply = self._scrub(_reply_words(code, error.smtp_error))
            raise _Refused(Delivery(outcome, f"AUTH: {reply}"), code) from None
        except smtplib.SMTPNotSupportedError:
            reply = "AUTH: the server offers no authentication we can use"
            raise _Refused(Delivery("auth_failed", reply)) from None

    def _command(self, connection: smtplib.SMTP, reply: tuple[int, bytes]) -> None:
        code, text = reply
        if code in (250, 251):
            return
        self._after_refusal(connection, code)
        raise _Refused(self._refusal(code, text), code)

    def _refusal(self, code: int, text: bytes | str) -> Delivery:
        """Classify a reply to MAIL, RCPT or DATA: 4xx waits, 5xx gives up."""
        outcome = "permanent" if 500 <= code <= 599 else "transient"
        return Delivery(outcome, self._scrub(_reply_words(code, text)))

    def _after_refusal(self, connection: smtplib.SMTP, code: int) -> None:
        """Leave the connection ready for the next message, or drop it."""
        if code == 421 or code < 0:  # the server is closing the channel
            self._drop_connection()
            return
        try:
            if connection.rset()[0] == 250:
                return
        except (smtplib.SMTPException, OSError):
            pass
        self._drop_connection()

    def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def _envelope_sender(self) -> str:
        return getaddresses([self.settings.sender])[0][1]

    # --- secrets ------------------------------------------------------------------------

    @staticmethod
    def _secret_forms(settings: SmtpSettings) -> tuple[str, ...]:
        """The password as it is, and as AUTH PLAIN / LOGIN put it on the wire."""
        password = settings.password
        if not password:
            return ()
        plain = f"\0{settings.username}\0{password}".encode()
        forms = {
            password,
            base64.b64encode(password.encode()).decode(),
            base64.b64encode(plain).decode(),
        }
        return tuple(sorted(forms, key=len, reverse=True))

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "********")
        return text
