"""A local SMTP server for tests, with behaviour a test can switch at any time.

    with SmtpSink() as sink:            # or the `smtp_sink` fixture
        sink.behaviour = "rcpt_5xx"     # the next RCPT gets "550 5.1.1 no such user"

Behaviours:
    accept      record every message (sink.messages) and answer 250
    rcpt_4xx    451 at RCPT
    rcpt_5xx    550 at RCPT
    always_421  421 at connect, or at the next command on an open connection, then close
    drop        close the connection once the message data has arrived, before any reply
    hang        accept the TCP connection (or the next command) and never answer
    auth_535    AUTH fails with 535; everything else as `accept`

`stop()` and `start()` close and reopen the server on the same port ("SMTP down, then back").
AUTH is always offered without TLS (auth_require_tls=False) so that tests can log in; set
`sink.credentials = (username, password)` to have other credentials refused with 535.
Pass `tls_context` with `tls="starttls"` or `tls="ssl"` for a server that speaks TLS.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any, cast

import pytest
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

log = logging.getLogger(__name__)

BEHAVIOURS = ("accept", "rcpt_4xx", "rcpt_5xx", "always_421", "drop", "hang", "auth_535")
REPLY_421 = "421 4.3.2 service not available, closing channel"
REPLY_451 = "451 4.3.0 mailbox busy, try again later"
REPLY_550 = "550 5.1.1 no such user"


@dataclass(frozen=True)
class ReceivedMessage:
    """One message the sink accepted: its envelope, its bytes and the parsed message."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes
    message: EmailMessage


class _Handler:
    """aiosmtpd hooks that read the sink's current behaviour at every command."""

    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def _misbehave(self, server: SMTP) -> str | None:
        """The reply a hostile behaviour gives to any command; None to carry on."""
        behaviour = self.sink.behaviour
        if behaviour == "hang":
            await asyncio.Event().wait()  # until the connection goes away
        if behaviour == "always_421":
            # Close just after the reply is written: aiosmtpd writes it when we return.
            asyncio.get_running_loop().call_soon(_close, server)
            return REPLY_421
        return None

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        reply = await self._misbehave(server)
        if reply:
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        reply = await self._misbehave(server)
        if reply:
            return reply
        self.sink.rcpt_commands.append(address)
        if self.sink.behaviour == "rcpt_4xx":
            return REPLY_451
        if self.sink.behaviour == "rcpt_5xx":
            return REPLY_550
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        reply = await self._misbehave(server)
        if reply:
            return reply
        if self.sink.behaviour == "drop":
            # abort(), not close(): close() would still flush the reply aiosmtpd writes next.
            if server.transport is not None:
                cast(asyncio.Transport, server.transport).abort()
            return "250 never delivered"
        raw = bytes(envelope.original_content or b"")
        received = ReceivedMessage(
            mail_from=str(envelope.mail_from),
            rcpt_tos=tuple(envelope.rcpt_tos),
            raw=raw,
            # Parsed as a mail reader would see it, with the wire's CRLF made plain LF.
            message=BytesParser(policy=policy.default).parsebytes(  # type: ignore[arg-type]
                raw.replace(b"\r\n", b"\n")
            ),
        )
        self.sink.messages.append(received)
        return f"250 2.0.0 OK queued as {len(self.sink.messages)}"


def _close(server: SMTP) -> None:
    if server.transport is not None:
        server.transport.close()


class _SinkSMTP(SMTP):
    """aiosmtpd's server, plus the behaviours that act before the greeting."""

    def __init__(self, handler: _Handler, sink: SmtpSink, **kwargs: Any):
        super().__init__(handler, **kwargs)
        self.sink = sink

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if self.transport is None:  # not the second call that STARTTLS makes
            self.sink.connections += 1
            self.sink._protocols.add(self)
        super().connection_made(transport)

    def connection_lost(self, error: Exception | None) -> None:
        self.sink._protocols.discard(self)
        super().connection_lost(error)

    async def _handle_client(self) -> None:
        behaviour = self.sink.behaviour
        if behaviour == "hang":
            await asyncio.Event().wait()  # cancelled when the connection is lost
        if behaviour == "always_421":
            await self.push(REPLY_421)
            _close(self)
            return
        await super()._handle_client()


class SmtpSink:
    """An SMTP server on 127.0.0.1 in a thread of its own; see the module docstring."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        tls: str = "none",
        tls_context: ssl.SSLContext | None = None,
    ):
        if tls not in ("none", "starttls", "ssl") or (tls != "none") != (tls_context is not None):
            raise ValueError("tls='starttls' or 'ssl' needs a tls_context, 'none' takes none")
        self.host = host
        self.port = 0  # chosen by the system at the first start(), kept afterwards
        self.tls = tls
        self.tls_context = tls_context
        self.behaviour = "accept"
        self.credentials: tuple[str, str] | None = None  # None: any login is accepted
        self.messages: list[ReceivedMessage] = []
        self.rcpt_commands: list[str] = []  # every RCPT address, accepted or not
        self.logins: list[str] = []  # usernames that logged in
        self.connections = 0
        self._protocols: set[_SinkSMTP] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.AbstractServer | None = None

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "behaviour" and value not in BEHAVIOURS:
            raise ValueError(f"unknown behaviour {value!r}; one of {BEHAVIOURS}")
        super().__setattr__(name, value)

    def __enter__(self) -> SmtpSink:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> None:
        """Listen (again) on the sink's port."""
        if self._server is not None:
            return
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(
                target=self._loop.run_forever, name="smtpsink", daemon=True
            )
            self._thread.start()
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen()
        self.port = listener.getsockname()[1]
        self._server = self._run(self._serve(listener))
        log.debug("smtp sink listening on %s:%s", self.host, self.port)

    def stop(self) -> None:
        """Stop listening and cut every open connection; the port stays the sink's."""
        if self._server is not None:
            self._run(self._shut(self._server))
            self._server = None

    def close(self) -> None:
        """Stop the server and its thread."""
        self.stop()
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._loop.close()
            self._loop = None

    def clear(self) -> None:
        """Forget recorded messages, commands, logins and connections."""
        self.messages.clear()
        self.rcpt_commands.clear()
        self.logins.clear()
        self.connections = 0

    # --- inside the sink's event loop ---------------------------------------------------

    def _run(self, coroutine: Any) -> Any:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    async def _serve(self, listener: socket.socket) -> asyncio.AbstractServer:
        loop = asyncio.get_running_loop()
        return await loop.create_server(
            self._new_session,
            sock=listener,
            ssl=self.tls_context if self.tls == "ssl" else None,
        )

    async def _shut(self, server: asyncio.AbstractServer) -> None:
        server.close()
        for protocol in list(self._protocols):
            if protocol.transport is not None:
                cast(asyncio.Transport, protocol.transport).abort()
        await server.wait_closed()

    def _new_session(self) -> _SinkSMTP:
        return _SinkSMTP(
            _Handler(self),
            self,
            hostname="smtpsink.test",  # no getfqdn(): it can wait on DNS
            tls_context=self.tls_context if self.tls == "starttls" else None,
            auth_require_tls=False,
            authenticator=self._authenticate,
            loop=asyncio.get_running_loop(),
        )

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        refused = AuthResult(success=False, handled=False)  # aiosmtpd answers 535
        if self.behaviour == "auth_535" or not isinstance(data, LoginPassword):
            return refused
        username = data.login.decode("utf-8", "replace")
        password = data.password.decode("utf-8", "replace")
        if self.credentials is not None and self.credentials != (username, password):
            return refused
        self.logins.append(username)
        return AuthResult(success=True, auth_data=data)


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """A running SmtpSink that accepts mail; switch `.behaviour` to misbehave."""
    with SmtpSink() as sink:
        yield sink
