"""`watcher serve`: the status board live, self-service subscriptions, one-click unsubscribe.

A plain WSGI application on waitress. A request flows: parse (bounded body, query, cookies)
-> route -> handler -> Response -> security headers. Pages:

    /  /index.html  /changes.atom  /statuses.json   the board of `watcher report`, live
    /subscribe    GET form; POST asks for a subscription (double opt-in)
    /confirm      GET shows what the link confirms, with a button; POST confirms
    /unsubscribe  GET shows a button; POST unsubscribes; RFC 8058 one-click POST too

Both confirmation and unsubscribe act on POST only: mail scanners that open every link in
an email must not subscribe a stranger nor unsubscribe a reader. Every POST carries a CSRF
token (an HMAC of a random cookie) except the one-click POST, which by design carries only
the unsubscribe token. Answers never depend on whether an address is subscribed, and no
page shows an address. Everything shown passes through html.escape; a Content-Security-
Policy forbids scripts and framing besides. Links in pages are relative (the server may
sit under a path of a reverse proxy); links in emails start with [watcher] public_url.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import ipaddress
import json
import logging
import re
import secrets
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from http.client import responses
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs, quote

from watcher.config import Config, message_domain
from watcher.delivery import display_name
from watcher.models import STATUSES
from watcher.report import CSS, build_board, render_atom, render_index, render_json
from watcher.status import get_gazetteer
from watcher.store import Store
from watcher.store import statuses as status_store
from watcher.store import subscriptions as subs
from watcher.store.db import ThreadStores
from watcher.store.outbox import queue_notice

log = logging.getLogger(__name__)

MAX_BODY = 16 * 1024  # bytes of a POST body; our forms need far less
MAX_FIELD = 4000  # characters of one form field
MAX_CHOICES = 100  # jurisdictions or states in one subscription
WELCOME_LINES = 200  # current statuses listed in a welcome email
CSRF_COOKIE = "watcher_csrf"
CSRF_FIELD = "csrf"
EMAIL_LIMIT = 254  # RFC 5321's longest forward path, less the angle brackets

# A plain ASCII address (the mailer refuses others): one local part, one dotted domain.
EMAIL_PATTERN = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,100}")

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),  # tokens ride in URLs: never pass them on
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
ROBOTS = "User-agent: *\nDisallow: /subscribe\nDisallow: /confirm\nDisallow: /unsubscribe\n"
DIGEST_WORDS = {None: "one email per status change", "daily": "one daily digest"}


@dataclass(frozen=True)
class Limits:
    """How many subscribe requests a client, and confirmation emails an address, may cause."""

    per_client: int = 10
    client_window: timedelta = timedelta(hours=1)
    per_address: int = 3
    address_window: timedelta = timedelta(days=1)


# --- requests and responses ---------------------------------------------------------------


class BadRequest(Exception):
    """A request we refuse before any handler sees it (status and a short reason)."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass
class Request:
    """What a handler needs of one HTTP request."""

    method: str
    path: str
    query: dict[str, list[str]]
    form: dict[str, list[str]]
    cookies: dict[str, str]
    client: str  # the client's address (its /64 network for IPv6)

    def arg(self, name: str) -> str:
        """A query parameter's first value, '' when absent."""
        return (self.query.get(name) or [""])[0]

    def field(self, name: str) -> str:
        """A form field's first value, '' when absent."""
        return (self.form.get(name) or [""])[0]


@dataclass
class Response:
    """A status, a body and the headers particular to it."""

    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    cache: str = "no-store"


def _decode(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def parse_request(environ: dict[str, Any]) -> Request:
    """The method, path, query, form, cookies and client of a WSGI environ."""
    method = environ.get("REQUEST_METHOD", "GET").upper()
    # PEP 3333 hands the path over as latin-1 text of the raw bytes.
    path = environ.get("PATH_INFO", "/").encode("latin-1", "replace").decode("utf-8", "replace")
    query = _parse_fields(environ.get("QUERY_STRING", ""))
    form: dict[str, list[str]] = {}
    if method == "POST":
        form = _parse_body(environ)
    return Request(
        method=method,
        path=path or "/",
        query=query,
        form=form,
        cookies=_parse_cookies(environ.get("HTTP_COOKIE", "")),
        client=client_key(environ.get("REMOTE_ADDR", "")),
    )


def _parse_fields(text: str) -> dict[str, list[str]]:
    try:
        return parse_qs(text, keep_blank_values=True, max_num_fields=200, errors="replace")
    except ValueError as error:  # too many fields
        raise BadRequest(400, "too many fields") from error


def _parse_body(environ: dict[str, Any]) -> dict[str, list[str]]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError as error:
        raise BadRequest(400, "bad Content-Length") from error
    if length > MAX_BODY:
        raise BadRequest(413, "request body too large")
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    content_type = environ.get("CONTENT_TYPE", "")
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "multipart/form-data":  # RFC 8058 allows it for the one-click POST
        return _multipart_fields(body, content_type)
    if kind in ("application/x-www-form-urlencoded", ""):
        return _parse_fields(body.decode("latin-1"))  # parse_qs decodes the %-escapes as UTF-8
    return {}


def _multipart_fields(body: bytes, content_type: str) -> dict[str, list[str]]:
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    fields: dict[str, list[str]] = {}
    if not message.is_multipart():
        return fields
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            fields.setdefault(name, []).append(_decode(payload))
    return fields


def _parse_cookies(header: str) -> dict[str, str]:
    cookie: SimpleCookie = SimpleCookie()
    try:
        cookie.load(header)
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in cookie.items()}


def client_key(remote_addr: str) -> str:
    """The client as rate limits count it: its IPv4 address, or its IPv6 /64 network."""
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return remote_addr
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        # One host on IPv6 usually has a whole /64 to pick addresses from.
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


# --- what a subscription covers -----------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a subscriber asked for, validated: gazetteer ids, postal codes, statuses."""

    jurisdictions: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    digest: str | None = None

    def lines(self) -> list[tuple[str, str]]:
        """(label, words) pairs that say what the subscription covers."""
        gazetteer = get_gazetteer()
        places = [display_name(j) for j in self.jurisdictions]
        for state in self.states:
            known = gazetteer.get(state)
            places.append(f"all of {known.name if known else state.upper()}")
        return [
            ("Jurisdictions", "; ".join(places) or "every jurisdiction"),
            ("Statuses", ", ".join(s.replace("_", " ") for s in self.statuses) or "every status"),
            ("Delivery", DIGEST_WORDS.get(self.digest, "one email per status change")),
        ]


class Names:
    """Turns what people type ("Chicago, IL", "chicago-il", "Oregon", "OR") into ids."""

    def __init__(self) -> None:
        self._places: dict[str, str] = {}
        self._states: dict[str, str] = {}
        for jurisdiction in get_gazetteer():
            if jurisdiction.kind == "state":
                self._states[_name_key(jurisdiction.name)] = jurisdiction.id
                self._states[jurisdiction.id] = jurisdiction.id
            self._places.setdefault(_name_key(jurisdiction.display), jurisdiction.id)

    def jurisdiction(self, text: str) -> str | None:
        """The id of a jurisdiction named by id or by display name; None if unknown."""
        candidate = text.strip().lower()
        if get_gazetteer().is_known(candidate):
            return candidate
        return self._places.get(_name_key(text))

    def state(self, text: str) -> str | None:
        """The postal code of a state named by code or by name; None if unknown."""
        return self._states.get(_name_key(text))


def _name_key(text: str) -> str:
    return " ".join(re.sub(r"[,.]", " ", text.lower()).split())


@dataclass
class SubscribeForm:
    """The subscribe form's values as sent, and what is wrong with them."""

    email: str = ""
    tracked: tuple[str, ...] = ()  # jurisdictions ticked in the list of tracked ones
    other_jurisdictions: str = ""
    states: str = ""
    statuses: tuple[str, ...] = ()
    digest: str = "immediate"
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_request(cls, request: Request) -> SubscribeForm:
        """The form as a request sent it (values cut to a sane length)."""
        return cls(
            email=request.field("email").strip()[:MAX_FIELD],
            tracked=tuple(v[:100] for v in request.form.get("jurisdiction", [])[:MAX_CHOICES]),
            other_jurisdictions=request.field("more")[:MAX_FIELD],
            states=request.field("states")[:MAX_FIELD],
            statuses=tuple(request.form.get("status", [])[: len(STATUSES) + 1]),
            digest=request.field("digest") or "immediate",
        )

    def validate(self, names: Names) -> Scope | None:
        """The scope asked for; None (with self.errors filled) when something is wrong."""
        self.errors = []
        if len(self.email) > EMAIL_LIMIT or not EMAIL_PATTERN.fullmatch(self.email):
            self.errors.append("Enter an email address such as name@example.org.")
        jurisdictions: list[str] = []
        wanted = list(self.tracked) + [
            line for line in re.split(r"[\r\n;]+", self.other_jurisdictions) if line.strip()
        ]
        state_texts = [text for text in re.split(r"[\r\n;,]+", self.states) if text.strip()]
        if len(wanted) + len(state_texts) > MAX_CHOICES:
            self.errors.append(f"Choose at most {MAX_CHOICES} jurisdictions and states.")
            return None
        for text in wanted:
            found = names.jurisdiction(text)
            if found is None:
                self.errors.append(f"Unknown jurisdiction: “{text.strip()[:100]}”.")
            elif found not in jurisdictions:
                jurisdictions.append(found)
        states: list[str] = []
        for text in state_texts:
            state = names.state(text)
            if state is None:
                self.errors.append(f"Unknown state: “{text.strip()[:100]}”.")
            elif state not in states:
                states.append(state)
        unknown = [s for s in self.statuses if s not in STATUSES]
        if unknown:
            self.errors.append("Choose statuses from the list.")
        if self.digest not in ("immediate", "daily"):
            self.errors.append("Choose one email per change or a daily digest.")
        if self.errors:
            return None
        return Scope(
            jurisdictions=tuple(sorted(jurisdictions)),
            states=tuple(sorted(states)),
            statuses=tuple(s for s in STATUSES if s in self.statuses),
            digest="daily" if self.digest == "daily" else None,
        )


# --- pages ----------------------------------------------------------------------------------

PAGE_CSS = """
main { padding-bottom: 2rem; }
nav.site { margin: .2rem 0 1rem; }
form { max-width: 40rem; }
fieldset { border: 1px solid var(--line); border-radius: .4rem; margin: 0 0 1rem; padding: .6rem .9rem; }
legend { font-weight: 600; padding: 0 .3rem; }
label { display: block; margin: .25rem 0; }
input[type=email], textarea { width: 100%; font: inherit; padding: .4rem; }
textarea { min-height: 4.5rem; }
.choices { max-height: 14rem; overflow-y: auto; }
.hint { color: var(--muted); font-size: .9rem; margin: .2rem 0 .4rem; }
.errors { background: #fdecea; border: 1px solid #e0a49c; border-radius: .4rem; padding: .6rem 1rem; }
button { font: inherit; padding: .5rem 1.2rem; border-radius: .4rem; border: 1px solid #0b57a4;
  background: #0b57a4; color: #fff; cursor: pointer; }
dl.scope { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.scope dt { font-weight: 600; }
dl.scope dd { margin: 0; }
"""  # noqa: E501 -- CSS rules read better whole


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def page(
    title: str, body: str, status: int = 200, headers: Iterable[tuple[str, str]] = ()
) -> Response:
    """A whole HTML page of our own, with the board's look."""
    document = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{_e(title)} · watcher</title>
<style>{CSS}{PAGE_CSS}</style>
</head>
<body>
<header>
<h1>{_e(title)}</h1>
<nav class="site meta"><a href="./">Status board</a> · <a href="subscribe">Email alerts</a></nav>
</header>
<main>
{body}
</main>
</body>
</html>
"""
    return Response(status, document.encode("utf-8"), headers=list(headers))


def _scope_list(scope: Scope) -> str:
    rows = "".join(f"<dt>{_e(label)}</dt><dd>{_e(words)}</dd>" for label, words in scope.lines())
    return f'<dl class="scope">{rows}</dl>'


def _scope_text(scope: Scope) -> str:
    return "\n".join(f"  {label}: {words}" for label, words in scope.lines())


def _message(title: str, text: str, status: int = 200) -> Response:
    return page(title, f"<p>{_e(text)}</p>", status)


# --- the application ----------------------------------------------------------------------


Handler = Callable[["WatcherApp", Request], Response]


class WatcherApp:
    """The WSGI application of `watcher serve`; close() it when done."""

    def __init__(
        self,
        config: Config,
        *,
        public_url: str | None = None,
        clock: Callable[[], datetime] | None = None,
        limits: Limits | None = None,
    ):
        self.config = config
        base = public_url or config.settings.public_url
        if not base:
            raise ValueError("a public URL is needed for the links in emails")
        self.public_url = base.rstrip("/")
        self.clock = clock or (lambda: datetime.now(UTC))
        self.limits = limits or Limits()
        self.secure_cookie = self.public_url.startswith("https://")
        self._stores = ThreadStores(config.settings.database)
        # Opening the database here applies its migrations before the first request.
        self.key = subs.secret_key(self.store())
        self.names = Names()

    # -- plumbing

    def store(self) -> Store:
        """This thread's connection to the database (waitress serves from a thread pool)."""
        return self._stores.get()

    def close(self) -> None:
        """Close every thread's database connection."""
        self._stores.close_all()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        try:
            request = parse_request(environ)
            response = self.respond(request)
        except BadRequest as refused:
            response = _message(
                responses.get(refused.status, "Error"), refused.reason, refused.status
            )
        except Exception:
            log.exception("%s %s failed", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"))
            response = _message("Something went wrong", "Please try again later.", 500)
        headers = [
            ("Content-Type", response.content_type),
            ("Content-Length", str(len(response.body))),
            ("Cache-Control", response.cache),
            *SECURITY_HEADERS,
            *response.headers,
        ]
        start_response(f"{response.status} {responses.get(response.status, 'Unknown')}", headers)
        if environ.get("REQUEST_METHOD", "GET").upper() == "HEAD":
            return [b""]
        return [response.body]

    def respond(self, request: Request) -> Response:
        """Route a request to its handler; 404 and 405 for the rest."""
        route = ROUTES.get(request.path)
        if route is None:
            return _message("Not found", "There is no page here.", 404)
        methods, handler = route
        if request.method == "HEAD" and "GET" in methods:
            request.method = "GET"
        if request.method not in methods:
            response = _message("Method not allowed", f"Use {' or '.join(methods)}.", 405)
            response.headers.append(("Allow", ", ".join(methods)))
            return response
        return handler(self, request)

    # -- CSRF

    def _csrf(self, request: Request) -> tuple[str, list[tuple[str, str]]]:
        """The form token for this client, and a Set-Cookie header when it needs a cookie."""
        cookie = request.cookies.get(CSRF_COOKIE, "")
        headers = []
        if not TOKEN_PATTERN.fullmatch(cookie):
            cookie = secrets.token_urlsafe(32)
            attributes = "Path=/; HttpOnly; SameSite=Lax" + (
                "; Secure" if self.secure_cookie else ""
            )
            headers.append(("Set-Cookie", f"{CSRF_COOKIE}={cookie}; {attributes}"))
        return self._csrf_token(cookie), headers

    def _csrf_token(self, cookie: str) -> str:
        digest = hmac.new(self.key, f"csrf:{cookie}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")

    def _csrf_ok(self, request: Request) -> bool:
        cookie = request.cookies.get(CSRF_COOKIE, "")
        sent = request.field(CSRF_FIELD)
        return bool(cookie and sent) and hmac.compare_digest(
            sent.encode("utf-8"), self._csrf_token(cookie).encode("utf-8")
        )

    def _csrf_refused(self) -> Response:
        return page(
            "Form expired",
            "<p>This form could not be checked: it may have come from another site, or your "
            'browser refused our cookie. <a href="subscribe">Open the form again</a>.</p>',
            403,
        )

    # -- the board

    def board(self, request: Request) -> Response:
        """The status board of `watcher report`, read from the database now."""
        board = build_board(self.store(), public_url=self.public_url)
        document = render_index(board)
        # The board is the report's own page; one link more makes the alerts findable.
        document = document.replace(
            "</header>",
            '<p class="meta"><a href="subscribe">Get an email when a status changes</a></p>'
            "</header>",
            1,
        )
        return Response(200, document.encode("utf-8"), cache="no-cache")

    def atom(self, request: Request) -> Response:
        """changes.atom, read from the database now."""
        board = build_board(self.store(), public_url=self.public_url)
        return Response(
            200, render_atom(board), "application/atom+xml; charset=utf-8", cache="no-cache"
        )

    def statuses_json(self, request: Request) -> Response:
        """statuses.json, read from the database now."""
        board = build_board(self.store(), public_url=self.public_url)
        body = json.dumps(render_json(board), indent=2, ensure_ascii=False) + "\n"
        return Response(200, body.encode("utf-8"), "application/json", cache="no-cache")

    # -- subscribe

    def subscribe(self, request: Request) -> Response:
        """GET: the form. POST: check it, and send a confirmation link (rate limited)."""
        csrf, cookie_headers = self._csrf(request)
        if request.method == "GET":
            return self._subscribe_form(SubscribeForm(), csrf, cookie_headers)
        if not self._csrf_ok(request):
            return self._csrf_refused()
        now = self.clock()
        client = subs.rate_key(self.key, "client", request.client)
        with self.store().transaction() as conn:
            subs.prune_requests(conn, now)
            sent = subs.recent_requests(conn, "client", client, now - self.limits.client_window)
            if sent >= self.limits.per_client:
                log.warning("subscribe: client over its limit of %d requests", sent)
                return self._too_many()
            subs.record_request(conn, "client", client, now)
        form = SubscribeForm.from_request(request)
        scope = form.validate(self.names)
        if scope is None:
            return self._subscribe_form(form, csrf, cookie_headers, status=400)
        self._request_confirmation(form.email, scope, now)
        # The same answer whether or not the address is subscribed, or over its limit.
        return page(
            "Check your inbox",
            "<p>We have sent a confirmation link to the address you gave. Your subscription "
            "starts when you open the link and press its button; the link works for "
            f"{subs.CONFIRM_WITHIN.days} days.</p>"
            f'<p class="note">No email? Look in the spam folder. At most '
            f"{self.limits.per_address} confirmation emails go to one address a day.</p>",
            headers=cookie_headers,
        )

    def _request_confirmation(self, email: str, scope: Scope, now: datetime) -> None:
        address = subs.rate_key(self.key, "address", email.lower())
        with self.store().transaction() as conn:
            window_start = now - self.limits.address_window
            if subs.recent_requests(conn, "address", address, window_start) >= (
                self.limits.per_address
            ):
                log.warning("subscribe: an address reached its confirmation email limit")
                return
            subs.record_request(conn, "address", address, now)
            pending_id, token = subs.add_pending_subscription(
                conn, email, jurisdictions=scope.jurisdictions, states=scope.states,
                statuses=scope.statuses, digest=scope.digest, now=now,
            )  # fmt: skip
            expires = (now + subs.CONFIRM_WITHIN).strftime("%Y-%m-%d %H:%M UTC")
            body = (
                "Someone, probably you, asked for email alerts from watcher when the "
                "sanctuary-jurisdiction status of these places changes:\n\n"
                f"{_scope_text(scope)}\n\n"
                "To start them, open this link and press the button on the page:\n"
                f"{self.public_url}/confirm?token={quote(token, safe='')}\n\n"
                f"The link works until {expires}. If you did not ask for this, ignore this "
                "email: nothing more will be sent to you.\n"
            )
            queue_notice(
                conn, email, "Confirm your subscription to status alerts", body, at=now,
                key=f"confirm.{pending_id}", message_domain=message_domain(self.config),
            )  # fmt: skip
        log.info("subscribe: pending subscription #%d, confirmation queued", pending_id)

    def _too_many(self) -> Response:
        response = _message(
            "Too many requests",
            "Too many subscription requests came from your network. Please try again in an hour.",
            429,
        )
        response.headers.append(
            ("Retry-After", str(int(self.limits.client_window.total_seconds())))
        )
        return response

    def _subscribe_form(
        self,
        form: SubscribeForm,
        csrf: str,
        cookie_headers: list[tuple[str, str]],
        status: int = 200,
    ) -> Response:
        errors = ""
        if form.errors:
            items = "".join(f"<li>{_e(error)}</li>" for error in form.errors)
            errors = f'<div class="errors" role="alert"><ul>{items}</ul></div>'
        tracked = sorted(
            {row["jurisdiction"] for row in status_store.current_statuses(self.store())},
            key=lambda j: display_name(j).lower(),
        )
        tracked_boxes = "".join(
            f'<label><input type="checkbox" name="jurisdiction" value="{_e(j)}"'
            f"{' checked' if j in form.tracked else ''}> {_e(display_name(j))}</label>"
            for j in tracked
            if get_gazetteer().is_known(j)
        )
        tracked_part = (
            f'<p class="hint">Tracked now:</p><div class="choices">{tracked_boxes}</div>'
            if tracked_boxes
            else ""
        )
        status_boxes = "".join(
            f'<label><input type="checkbox" name="status" value="{_e(s)}"'
            f"{' checked' if s in form.statuses else ''}> {_e(s.replace('_', ' '))}</label>"
            for s in STATUSES
        )
        digest_radios = "".join(
            f'<label><input type="radio" name="digest" value="{value}"'
            f"{' checked' if form.digest == value else ''}> {_e(words)}</label>"
            for value, words in (
                ("immediate", "One email per status change"),
                ("daily", "One daily digest"),
            )
        )
        body = f"""{errors}
<p>Get an email when the federal sanctuary status of a jurisdiction changes, or when it
starts to contest one. We send a confirmation link first: nothing starts until you open it.</p>
<form method="post" action="subscribe">
<input type="hidden" name="{CSRF_FIELD}" value="{_e(csrf)}">
<fieldset><legend>Your email</legend>
<input type="email" name="email" id="email" required maxlength="{EMAIL_LIMIT}"
 autocomplete="email" value="{_e(form.email)}"></fieldset>
<fieldset><legend>Jurisdictions</legend>
<p class="hint">Leave everything empty to follow every jurisdiction.</p>
{tracked_part}
<label for="more">Other jurisdictions, one per line (a name such as “Chicago, IL” or an id
such as chicago-il)</label>
<textarea name="more" id="more">{_e(form.other_jurisdictions)}</textarea>
<label for="states">Whole states, with everything in them (codes or names, comma separated:
“IL, Oregon”)</label>
<textarea name="states" id="states">{_e(form.states)}</textarea>
</fieldset>
<fieldset><legend>Statuses</legend>
<p class="hint">Only changes to these statuses; none ticked means every status.</p>
{status_boxes}</fieldset>
<fieldset><legend>How often</legend>{digest_radios}</fieldset>
<button type="submit" id="subscribe">Subscribe</button>
</form>"""
        return page("Email alerts", body, status, headers=cookie_headers)

    # -- confirm

    def confirm(self, request: Request) -> Response:
        """GET: what the link confirms, with a button. POST: make the subscription active."""
        csrf, cookie_headers = self._csrf(request)
        now = self.clock()
        if request.method == "GET":
            token = request.arg("token")
            with self.store().transaction() as conn:
                pending = subs.pending_by_token(conn, token, now)
            if pending is None:
                return self._confirm_link_invalid()
            if pending.confirmed:
                return self._already_confirmed()
            body = (
                "<p>Press the button to start this subscription:</p>"
                f"{_scope_list(_scope_of(pending))}"
                '<form method="post" action="confirm">'
                f'<input type="hidden" name="{CSRF_FIELD}" value="{_e(csrf)}">'
                f'<input type="hidden" name="token" value="{_e(token)}">'
                '<button type="submit" id="confirm">Confirm my subscription</button></form>'
            )
            return page("Confirm your subscription", body, headers=cookie_headers)
        if not self._csrf_ok(request):
            return self._csrf_refused()
        token = request.field("token")
        current = status_store.current_statuses(self.store())
        with self.store().transaction() as conn:
            pending = subs.pending_by_token(conn, token, now)
            if pending is None:
                return self._confirm_link_invalid()
            if pending.confirmed:
                return self._already_confirmed()
            subscription, unsubscribe_token = subs.confirm_pending(conn, self.key, pending, now)
            unsubscribe_url = f"{self.public_url}/unsubscribe?token={quote(unsubscribe_token)}"
            queue_notice(
                conn, subscription.email, "Subscribed: sanctuary status alerts",
                welcome_text(_scope_of(pending), current, self.public_url, unsubscribe_url),
                at=now, key=f"welcome.{pending.id}", message_domain=message_domain(self.config),
            )  # fmt: skip
        log.info(
            "subscribe: pending #%d confirmed as subscription #%d", pending.id, subscription.id
        )
        return page(
            "Subscription confirmed",
            "<p>You are subscribed. A welcome email with where things stand now is on its "
            "way; every alert has a link to unsubscribe.</p>"
            f"{_scope_list(_scope_of(pending))}"
            '<p><a href="./">See the status board</a></p>',
        )

    def _confirm_link_invalid(self) -> Response:
        return page(
            "Link not valid",
            "<p>This confirmation link is not valid, or it has expired. "
            '<a href="subscribe">Ask for a new one</a>.</p>',
            404,
        )

    def _already_confirmed(self) -> Response:
        return _message("Already confirmed", "This subscription was confirmed already.")

    # -- unsubscribe

    def unsubscribe(self, request: Request) -> Response:
        """GET: a button. POST: unsubscribe (the form, or RFC 8058's one-click POST)."""
        if request.method == "GET":
            token = request.arg("token")
            state = subs.token_state(self.store(), token)
            if state is None:
                return self._unsubscribe_link_invalid()
            if state == "inactive":
                return self._already_unsubscribed()
            csrf, cookie_headers = self._csrf(request)
            body = (
                "<p>Press the button to stop the alerts of this subscription. Alerts not sent "
                "yet are cancelled.</p>"
                '<form method="post" action="unsubscribe">'
                f'<input type="hidden" name="{CSRF_FIELD}" value="{_e(csrf)}">'
                f'<input type="hidden" name="token" value="{_e(token)}">'
                '<button type="submit" id="unsubscribe">Unsubscribe</button></form>'
            )
            return page("Unsubscribe", body, headers=cookie_headers)
        one_click = request.field("List-Unsubscribe") == "One-Click"
        # RFC 8058: the one-click POST carries the token in the URL and nothing to check a
        # CSRF token against; the unsubscribe token itself is the secret it proves.
        if not one_click and not self._csrf_ok(request):
            return self._csrf_refused()
        token = request.field("token") or request.arg("token")
        if subs.unsubscribe_token(self.store(), token):
            log.info("unsubscribe: a subscription ended (%s)", "one-click" if one_click else "form")
            return page(
                "Unsubscribed",
                "<p>You are unsubscribed: no more alerts will come for this subscription. "
                '<a href="subscribe">Subscribe again</a> at any time.</p>',
            )
        if subs.token_state(self.store(), token) == "inactive":
            return self._already_unsubscribed(status=410)
        return self._unsubscribe_link_invalid()

    def _unsubscribe_link_invalid(self) -> Response:
        return _message(
            "Link not valid",
            "This unsubscribe link is not valid: it may be cut short. Open the link of your "
            "latest alert email in full.",
            404,
        )

    def _already_unsubscribed(self, status: int = 200) -> Response:
        return _message("Already unsubscribed", "This subscription has ended already.", status)

    # -- small files

    def robots(self, request: Request) -> Response:
        """Keep crawlers off the forms and token pages."""
        return Response(
            200, ROBOTS.encode("ascii"), "text/plain; charset=utf-8", cache="max-age=86400"
        )

    def favicon(self, request: Request) -> Response:
        """No icon, and no 404 for the browser to log either."""
        return Response(204, b"", "image/x-icon", cache="max-age=86400")


ROUTES: dict[str, tuple[tuple[str, ...], Handler]] = {
    "/": (("GET",), WatcherApp.board),
    "/index.html": (("GET",), WatcherApp.board),
    "/changes.atom": (("GET",), WatcherApp.atom),
    "/statuses.json": (("GET",), WatcherApp.statuses_json),
    "/subscribe": (("GET", "POST"), WatcherApp.subscribe),
    "/confirm": (("GET", "POST"), WatcherApp.confirm),
    "/unsubscribe": (("GET", "POST"), WatcherApp.unsubscribe),
    "/robots.txt": (("GET",), WatcherApp.robots),
    "/favicon.ico": (("GET",), WatcherApp.favicon),
}


def _scope_of(pending: subs.PendingSubscription) -> Scope:
    return Scope(pending.jurisdictions, pending.states, pending.statuses, pending.digest)


def welcome_text(scope: Scope, current: list[Any], public_url: str, unsubscribe_url: str) -> str:
    """The welcome email: what the subscription covers and where those places stand now."""
    in_scope = [
        row
        for row in current
        if (not scope.jurisdictions and not scope.states)
        or row["jurisdiction"] in scope.jurisdictions
        or subs.state_of(row["jurisdiction"]) in scope.states
    ]
    in_scope.sort(key=lambda row: display_name(row["jurisdiction"]).lower())
    lines = [f"  {_status_line(row)}" for row in in_scope[:WELCOME_LINES]]
    if len(in_scope) > WELCOME_LINES:
        lines.append(f"  ... and {len(in_scope) - WELCOME_LINES} more on the status board")
    shown = {row["jurisdiction"] for row in in_scope}
    lines += [
        f"  {display_name(j)}: no status recorded yet"
        for j in scope.jurisdictions
        if j not in shown
    ]
    if not lines:
        lines.append("  No status recorded yet for these places.")
    return (
        "Your subscription is confirmed. It covers:\n\n"
        f"{_scope_text(scope)}\n\n"
        "Where things stand now:\n\n" + "\n".join(lines) + "\n\n"
        f"Status board: {public_url}/\n"
        f"To unsubscribe: {unsubscribe_url}\n"
    )


def _status_line(row: Any) -> str:
    parts = [f"federal status {(row['federal_status'] or 'none').replace('_', ' ')}"]
    if row["event_date"]:
        parts[0] += f" (evidence of {row['event_date']})"
    if row["stance"]:
        parts.append(f"stance: {row['stance']}")
    return f"{display_name(row['jurisdiction'])}: {'; '.join(parts)}"


def make_app(
    config: Config,
    *,
    public_url: str | None = None,
    clock: Callable[[], datetime] | None = None,
    limits: Limits | None = None,
) -> WatcherApp:
    """The WSGI application; links in emails use public_url, else [watcher] public_url."""
    return WatcherApp(config, public_url=public_url, clock=clock, limits=limits)


# --- the server -----------------------------------------------------------------------------


def make_server(
    config: Config, host: str = "127.0.0.1", port: int = 8080, **app_options: Any
) -> tuple[Any, WatcherApp]:
    """A waitress server (not yet running) and the application it serves.

    `app_options` go to make_app (clock, limits). Port 0 picks a free port: the server's
    `effective_port` says which.
    """
    from waitress import create_server

    public_url = config.settings.public_url
    if public_url is None:
        shown = "localhost" if host in ("", "0.0.0.0", "::") else host
        shown = f"[{shown}]" if ":" in shown else shown
        public_url = f"http://{shown}:{port}"
        log.warning("[watcher] public_url is not set: links in emails will point at %s", public_url)
    app = make_app(config, public_url=public_url, **app_options)
    options: dict[str, Any] = {
        "threads": 4,
        "ident": "watcher",
        "max_request_body_size": MAX_BODY,
        "clear_untrusted_proxy_headers": True,
    }
    if host in ("127.0.0.1", "::1", "localhost"):
        # Bound to loopback, the server sits behind a reverse proxy on this machine: trust
        # that proxy's X-Forwarded-For, or every visitor would share one rate limit.
        options["trusted_proxy"] = "::1" if host == "::1" else "127.0.0.1"
        options["trusted_proxy_count"] = 1
        options["trusted_proxy_headers"] = {"x-forwarded-for", "x-forwarded-proto"}
    server = create_server(app, host=host, port=port, **options)
    return server, app


def serve(config: Config, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Serve the board, subscriptions and unsubscribe on waitress until stopped."""
    server, app = make_server(config, host, port)
    if threading.current_thread() is threading.main_thread():
        # systemd stops us with SIGTERM: leave like on Ctrl-C, closing the database.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    log.info("serving on %s:%s", host, server.effective_port)
    try:
        server.run()
    finally:
        server.close()
        app.close()
