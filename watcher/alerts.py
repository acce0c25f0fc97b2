"""Status changes -> email messages. Pure: builds EmailMessage objects, never sends them.

Everything a page said (titles, names, evidence, diff lines, URLs) is hostile input here: it
may try to add headers through line breaks (R20) or markup through HTML (R21). Each scraped
string passes through one of three gates before it reaches a message: `_header_text` for
headers, `_body_text` for the plain-text part, `html.escape` on top of that for the HTML part.
Links are only emitted for http(s) URLs (`_web_url`).
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses
from urllib.parse import quote, urlsplit

log = logging.getLogger(__name__)

SUBJECT_PREFIX = "[watcher]"
SUBJECT_LIMIT = 150  # characters of the whole Subject
NAME_LIMIT = 80  # a jurisdiction name in a Subject; leaves room for the statuses
STATUS_LIMIT = 30
TITLE_LIMIT = 300
EVIDENCE_LIMIT = 1500
URL_LIMIT = 2000
DIFF_LINE_LIMIT = 300
DIFF_LINES = 20

KIND_WORDS = {"federal": "federal status", "stance": "the jurisdiction's own stance"}

# Line breaks that str.splitlines() and some mail readers honour, beyond CR and LF.
_LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Line breaks written in an encoding some layer might decode later: percent-encoding,
# quoted-printable, HTML character references.
_ENCODED_LINE_BREAKS = re.compile(r"%0[ad]|=0[ad]|&#(?:x0*[ad]|0*1[03]);?", re.IGNORECASE)
# Zero-width joiners stay: emoji sequences need them, and they cannot break a line.
_KEPT_FORMAT_CHARS = {"\u200c", "\u200d"}


@dataclass(frozen=True)
class AlertContent:
    """One status change of one jurisdiction, as a subscriber should read it."""

    jurisdiction: str  # id, e.g. "chicago-il"
    jurisdiction_name: str  # display name, e.g. "Chicago, IL"
    status_from: str | None  # None means "none" (no status before)
    status_to: str | None
    kind: str  # "federal" or "stance" (contests)
    evidence: str  # the quoted sentence (scraped: hostile!)
    source_url: str  # the page that says so (scraped origin: only http(s) emitted)
    document_title: str  # scraped: hostile!
    document_date: date | None
    diff_excerpt: str = ""  # a few +/- lines of the page's text change (scraped)


# --- making scraped text safe -------------------------------------------------------------


def _cut(text: str, limit: int) -> str:
    """Shorten text to at most `limit` characters, marking the cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 3].rstrip() + "..."


def _header_text(text: str, limit: int) -> str:
    """One line of text fit for a header: no line break, no control character, bounded."""
    text = _ENCODED_LINE_BREAKS.sub(" ", text)
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category in {"Cc", "Zl", "Zp", "Zs"}:
            kept.append(" ")
        elif category[0] == "C" and char not in _KEPT_FORMAT_CHARS:
            continue  # format, surrogate, private-use and unassigned code points
        else:
            kept.append(char)
    text = " ".join("".join(kept).split())
    # "=?" opens an RFC 2047 encoded word, which a header parser would decode, and an encoded
    # word can carry a line break ("=?utf-8?b?DQo=?="). Scraped text never means one.
    text = text.replace("=?", "= ?")
    return _cut(text, limit)


def _body_text(text: str) -> str:
    """Text fit for a plain-text body: lines kept, every other control character gone."""
    text = _LINE_BREAKS.sub("\n", text)
    kept = []
    for char in text:
        if char in "\n\t":
            kept.append(" " if char == "\t" else char)
            continue
        category = unicodedata.category(char)
        if category == "Cc":
            kept.append(" ")
        elif category[0] == "C" and char not in _KEPT_FORMAT_CHARS:
            continue
        else:
            kept.append(char)
    return "".join(kept)


def _one_line(text: str, limit: int) -> str:
    """A scraped phrase for the body, on one line and bounded."""
    return _cut(" ".join(_body_text(text).split()), limit)


def _web_url(url: str) -> str | None:
    """The URL when it is an absolute http(s) URL without whitespace, else None."""
    # Browsers drop some control characters and spaces inside URLs ("java\tscript:"), so a
    # URL holding any is not worth the risk of a second opinion on its scheme.
    if not url or len(url) > URL_LIMIT or any(unicodedata.category(c)[0] in "CZ" for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return url


def _status_name(status: str | None) -> str:
    return "none" if status is None else _header_text(status, STATUS_LIMIT) or "none"


def _address(value: str) -> str:
    """Check that a From/To value is one address with no line break; return it."""
    addresses = getaddresses([value])
    if value != _header_text(value, 998) or len(addresses) != 1 or "@" not in addresses[0][1]:
        raise ValueError(f"not one email address: {value!r}")
    return value


def _mailbox(value: str) -> str:
    """The bare address of a From/To value ("Watcher <w@x.org>" -> "w@x.org")."""
    return getaddresses([value])[0][1]


# --- unsubscribe ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Unsubscribe:
    header: str  # List-Unsubscribe value
    one_click: bool  # whether List-Unsubscribe-Post applies (RFC 8058 needs an https/http URL)
    url: str | None  # a web page that unsubscribes
    command: str  # the CLI line that does it

    @classmethod
    def build(cls, token: str, sender: str, public_url: str | None) -> _Unsubscribe:
        token_in_url = quote(token, safe="")
        command = f"watcher unsubscribe --token {_header_text(token, 200)}"
        if public_url is not None:
            base = _web_url(public_url.rstrip("/"))
            if base is None:
                raise ValueError(f"public_url must be an http(s) URL: {public_url!r}")
            url = f"{base}/unsubscribe?token={token_in_url}"
            return cls(header=f"<{url}>", one_click=True, url=url, command=command)
        mailto = f"mailto:{quote(_mailbox(sender), safe='@')}?subject=unsubscribe%20{token_in_url}"
        return cls(header=f"<{mailto}>", one_click=False, url=None, command=command)

    def footer_text(self) -> str:
        how = f"open {self.url}" if self.url else f"run: {self.command}"
        return f"You receive this because you subscribed to watcher alerts.\nTo unsubscribe, {how}"

    def footer_html(self) -> str:
        if self.url:
            link = f'<a href="{html.escape(self.url)}">unsubscribe</a>'
            how = f"To stop these emails, {link}."
        else:
            how = f"To unsubscribe, run <code>{html.escape(self.command)}</code>."
        return f"<p>You receive this because you subscribed to watcher alerts. {how}</p>"


# --- rendering one alert ----------------------------------------------------------------


def _alert_subject(content: AlertContent) -> str:
    name = _header_text(content.jurisdiction_name, NAME_LIMIT) or _header_text(
        content.jurisdiction, NAME_LIMIT
    )
    change = f"{_status_name(content.status_from)} -> {_status_name(content.status_to)}"
    return _cut(f"{SUBJECT_PREFIX} {name}: {change}", SUBJECT_LIMIT)


def _date_words(day: date | None) -> str:
    return day.isoformat() if day else "date unknown"


def _diff_lines(diff_excerpt: str) -> list[str]:
    lines = [line for line in _body_text(diff_excerpt).split("\n") if line.strip()]
    shown = [_cut(line.rstrip(), DIFF_LINE_LIMIT) for line in lines[:DIFF_LINES]]
    if len(lines) > DIFF_LINES:
        shown.append(f"... ({len(lines) - DIFF_LINES} more lines)")
    return shown


def _alert_text(content: AlertContent) -> str:
    name = _one_line(content.jurisdiction_name, NAME_LIMIT)
    lines = [
        f"{name} ({_one_line(content.jurisdiction, NAME_LIMIT)})",
        f"{_status_name(content.status_from)} -> {_status_name(content.status_to)}"
        f" ({KIND_WORDS.get(content.kind, _one_line(content.kind, 40))})",
        "",
        f'Evidence: "{_one_line(content.evidence, EVIDENCE_LIMIT)}"',
        f"Document: {_one_line(content.document_title, TITLE_LIMIT)}"
        f" ({_date_words(content.document_date)})",
        f"Source: {_one_line(content.source_url, URL_LIMIT)}",
    ]
    diff = _diff_lines(content.diff_excerpt)
    if diff:
        lines += ["", "What changed on the page:", *(f"  {line}" for line in diff)]
    return "\n".join(lines)


def _alert_html(content: AlertContent) -> str:
    def esc(text: str, limit: int) -> str:
        return html.escape(_one_line(text, limit))

    url = _web_url(content.source_url)
    if url is not None:
        source = f'<a href="{html.escape(url)}">{esc(url, URL_LIMIT)}</a>'
    else:
        source = esc(content.source_url, URL_LIMIT)  # shown, never linked
    change = (
        f"{html.escape(_status_name(content.status_from))} &rarr; "
        f"{html.escape(_status_name(content.status_to))}"
    )
    kind = KIND_WORDS.get(content.kind, _one_line(content.kind, 40))
    parts = [
        f"<h2>{esc(content.jurisdiction_name, NAME_LIMIT)}</h2>",
        f"<p><strong>{change}</strong> ({html.escape(kind)})</p>",
        f"<blockquote>{esc(content.evidence, EVIDENCE_LIMIT)}</blockquote>",
        f"<p>Document: {esc(content.document_title, TITLE_LIMIT)}"
        f" ({_date_words(content.document_date)})<br>Source: {source}</p>",
    ]
    diff = _diff_lines(content.diff_excerpt)
    if diff:
        parts.append(f"<pre>{html.escape(chr(10).join(diff))}</pre>")
    return "\n".join(parts)


def _html_document(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n<body>\n{body}\n</body></html>\n"
    )


# --- messages ---------------------------------------------------------------------------


def _new_message(
    subject: str, *, sender: str, recipient: str, message_id: str, sent_at: datetime | None
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = _address(sender)
    message["To"] = _address(recipient)
    message["Date"] = format_datetime(sent_at or datetime.now(UTC))
    message["Message-ID"] = _address(message_id)
    return message


def _add_unsubscribe(message: EmailMessage, unsubscribe: _Unsubscribe) -> None:
    message["List-Unsubscribe"] = unsubscribe.header
    if unsubscribe.one_click:
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"


def _set_bodies(message: EmailMessage, text: str, html_body: str) -> None:
    # Quoted-printable keeps every line short and the message 7-bit, whatever the page held,
    # so any SMTP server takes it.
    message.set_content(text + "\n", subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(html_body, subtype="html", charset="utf-8", cte="quoted-printable")


def compose_alert(
    content: AlertContent,
    *,
    sender: str,
    recipient: str,
    message_id: str,
    unsubscribe_token: str,
    public_url: str | None = None,
    sent_at: datetime | None = None,
) -> EmailMessage:
    """Build the email that tells one subscriber about one status change."""
    subject = _alert_subject(content)
    message = _new_message(
        subject, sender=sender, recipient=recipient, message_id=message_id, sent_at=sent_at
    )
    message["X-Watcher-Jurisdiction"] = _header_text(content.jurisdiction, NAME_LIMIT)
    message["X-Watcher-Status-From"] = _status_name(content.status_from)
    message["X-Watcher-Status-To"] = _status_name(content.status_to)
    unsubscribe = _Unsubscribe.build(unsubscribe_token, sender, public_url)
    _add_unsubscribe(message, unsubscribe)
    text = f"{_alert_text(content)}\n\n-- \n{unsubscribe.footer_text()}"
    html_body = _html_document(
        subject, f"{_alert_html(content)}\n<hr>\n{unsubscribe.footer_html()}"
    )
    _set_bodies(message, text, html_body)
    return message


def compose_digest(
    contents: Sequence[AlertContent],
    *,
    sender: str,
    recipient: str,
    message_id: str,
    unsubscribe_token: str,
    public_url: str | None = None,
    day: date,
    sent_at: datetime | None = None,
) -> EmailMessage:
    """Build one email listing a day's status changes for one subscriber."""
    if not contents:
        raise ValueError("a digest needs at least one status change")
    count = len(contents)
    changes = "status change" if count == 1 else "status changes"
    subject = f"{SUBJECT_PREFIX} daily digest for {day.isoformat()}: {count} {changes}"
    message = _new_message(
        subject, sender=sender, recipient=recipient, message_id=message_id, sent_at=sent_at
    )
    message["X-Watcher-Digest"] = day.isoformat()
    unsubscribe = _Unsubscribe.build(unsubscribe_token, sender, public_url)
    _add_unsubscribe(message, unsubscribe)
    texts = [_alert_text(content) for content in contents]
    text = (
        f"{count} {changes} on {day.isoformat()}:\n\n"
        + "\n\n----\n\n".join(texts)
        + f"\n\n-- \n{unsubscribe.footer_text()}"
    )
    html_body = _html_document(
        subject,
        f"<h1>{count} {changes} on {day.isoformat()}</h1>\n"
        + "\n<hr>\n".join(_alert_html(content) for content in contents)
        + f"\n<hr>\n{unsubscribe.footer_html()}",
    )
    _set_bodies(message, text, html_body)
    return message


def compose_notice(
    subject: str,
    body: str,
    *,
    sender: str,
    recipient: str,
    message_id: str,
    sent_at: datetime | None = None,
) -> EmailMessage:
    """Build a plain-text notice to the operator (source health, SMTP trouble)."""
    subject = _header_text(subject, SUBJECT_LIMIT - len(SUBJECT_PREFIX) - 1)
    message = _new_message(
        f"{SUBJECT_PREFIX} {subject}",
        sender=sender,
        recipient=recipient,
        message_id=message_id,
        sent_at=sent_at,
    )
    message.set_content(
        _body_text(body).rstrip("\n") + "\n",
        subtype="plain",
        charset="utf-8",
        cte="quoted-printable",
    )
    return message


def make_message_id(key: str, domain: str) -> str:
    """A Message-ID that depends on `key` alone, so a resent alert keeps its id (R3)."""
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    host = re.sub(r"[^A-Za-z0-9.-]", "", domain).strip(".-") or "watcher.invalid"
    return f"<{digest}.watcher@{host}>"
