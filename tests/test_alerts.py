"""watcher.alerts: the emails watcher writes, and what hostile page text cannot do to them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watcher.alerts import (
    SUBJECT_LIMIT,
    AlertContent,
    compose_alert,
    compose_digest,
    compose_notice,
    make_message_id,
)

SENDER = "watcher@example.org"
RECIPIENT = "reader@example.net"
TOKEN = "tok-3f9a_Zq"
MESSAGE_ID = "<0123abcd.watcher@example.org>"
ALERT_HEADERS = {
    "subject",
    "from",
    "to",
    "date",
    "message-id",
    "mime-version",
    "content-type",
    "x-watcher-jurisdiction",
    "x-watcher-status-from",
    "x-watcher-status-to",
    "list-unsubscribe",
}
# Characters that break a line for str.splitlines() or for some mail reader.
LINE_BREAKS = [
    "\r",
    "\n",
    "\r\n",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x1d",
    "\x1e",
    "\x85",
    "\u2028",
    "\u2029",
]
ENCODED_LINE_BREAKS = [
    "%0d%0a",
    "%0D%0A",
    "=0D=0A",
    "&#13;&#10;",
    "&#x0d;&#x0a;",
    "=?utf-8?b?DQpCY2M6IGV2aWxAeC5vcmc=?=",
    "=?utf-8?q?=0D=0ABcc:_evil@x.org?=",
]
ALLOWED_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "body",
    "h1",
    "h2",
    "p",
    "strong",
    "blockquote",
    "br",
    "a",
    "pre",
    "hr",
    "code",
}


def federal_content(**changes: object) -> AlertContent:
    fields: dict[str, object] = dict(
        jurisdiction="chicago-il",
        jurisdiction_name="Chicago, IL",
        status_from="non_compliant",
        status_to="warned",
        kind="federal",
        evidence="The Department gave Chicago 30 days to comply with 8 U.S.C. 1373.",
        source_url="https://www.justice.gov/opa/pr/chicago-final-warning",
        document_title="Justice Department issues final warning to Chicago",
        document_date=date(2025, 5, 1),
        diff_excerpt="- Chicago is under review.\n+ Chicago has 30 days to comply.",
    )
    fields.update(changes)
    return AlertContent(**fields)  # type: ignore[arg-type]


def stance_content() -> AlertContent:
    return AlertContent(
        jurisdiction="cook-county-il",
        jurisdiction_name="Cook County, IL",
        status_from=None,
        status_to="contests",
        kind="stance",
        evidence="Cook County complies with all applicable federal laws, the Board said.",
        source_url="https://www.cookcountyil.gov/news/statement",
        document_title="Statement from the Board President",
        document_date=None,
    )


def compose(content: AlertContent, **options: object) -> EmailMessage:
    kwargs: dict[str, object] = dict(
        sender=SENDER, recipient=RECIPIENT, message_id=MESSAGE_ID, unsubscribe_token=TOKEN
    )
    kwargs.update(options)
    return compose_alert(content, **kwargs)  # type: ignore[arg-type]


def parse_back(message: EmailMessage) -> EmailMessage:
    """The message as a receiver sees it: serialised, then parsed with the modern policy."""
    parsed = BytesParser(policy=policy.default).parsebytes(message.as_bytes())
    assert isinstance(parsed, EmailMessage)
    return parsed


def header_names(message: EmailMessage) -> set[str]:
    return {name.lower() for name in message.keys()}


def part(message: EmailMessage, subtype: str) -> str:
    body = message.get_body(preferencelist=(subtype,))
    assert body is not None and body.get_content_subtype() == subtype
    return body.get_content()


class TagCollector(HTMLParser):
    """Every start tag with its attributes, and the text between tags."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def assert_safe_html(markup: str) -> TagCollector:
    """Only our own tags, only our own attributes, links only to http(s)."""
    collected = TagCollector(markup)
    for tag, attrs in collected.tags:
        assert tag in ALLOWED_TAGS, f"unexpected <{tag}> in {markup!r}"
        if tag == "a":
            assert ["href"] == list(attrs)
            href = attrs["href"] or ""
            assert href.startswith(("http://", "https://")), href
        elif tag == "meta":
            assert {"charset": "utf-8"} == attrs
        else:
            assert {} == attrs, f"<{tag}> has attributes {attrs}"
    return collected


def assert_one_line_subject(parsed: EmailMessage) -> str:
    subject = parsed["Subject"]
    assert [subject] == parsed.get_all("Subject")
    assert [str(subject)] == str(subject).splitlines()
    assert len(str(subject)) <= SUBJECT_LIMIT
    return str(subject)


# --- what an alert says ---------------------------------------------------------------------


def test_federal_alert_subject_and_headers():
    """A federal alert names the place and both statuses, in the subject and X- headers."""
    parsed = parse_back(compose(federal_content()))
    assert "[watcher] Chicago, IL: non_compliant -> warned" == parsed["Subject"]
    assert ALERT_HEADERS == header_names(parsed)
    assert "chicago-il" == parsed["X-Watcher-Jurisdiction"]
    assert "non_compliant" == parsed["X-Watcher-Status-From"]
    assert "warned" == parsed["X-Watcher-Status-To"]
    assert MESSAGE_ID == parsed["Message-ID"]
    assert SENDER == parsed["From"]
    assert RECIPIENT == parsed["To"]
    assert "multipart/alternative" == parsed.get_content_type()


def test_stance_alert_subject_says_none_before():
    """A stance alert with no earlier status reads `none -> contests`."""
    parsed = parse_back(compose(stance_content()))
    assert "[watcher] Cook County, IL: none -> contests" == parsed["Subject"]
    assert "none" == parsed["X-Watcher-Status-From"]
    assert "contests" == parsed["X-Watcher-Status-To"]
    assert "own stance" in part(parsed, "plain")
    assert "date unknown" in part(parsed, "plain")


def test_both_parts_carry_quote_source_title_date_and_diff():
    """Plain text and HTML both give evidence, source URL, title, date and the diff lines."""
    content = federal_content()
    parsed = parse_back(compose(content))
    for subtype in ("plain", "html"):
        body = part(parsed, subtype)
        for expected in (
            content.evidence,
            content.source_url,
            content.document_title,
            "2025-05-01",
            "non_compliant",
            "warned",
            "- Chicago is under review.",
            "+ Chicago has 30 days to comply.",
        ):
            assert expected in body, f"{expected!r} missing from the {subtype} part"


def test_http_source_url_is_the_only_link():
    """An http(s) source URL becomes a link, with quotes in it escaped inside the attribute."""
    url = 'https://www.justice.gov/pr?x="><script>alert(1)</script>'
    parsed = parse_back(compose(federal_content(source_url=url)))
    collected = assert_safe_html(part(parsed, "html"))
    assert [url] == [attrs["href"] for tag, attrs in collected.tags if tag == "a"]


def test_date_header_uses_the_given_time():
    """The Date header carries the sending time the caller gives."""
    sent_at = datetime(2025, 5, 2, 8, 30, tzinfo=UTC)
    parsed = parse_back(compose(federal_content(), sent_at=sent_at))
    assert sent_at == parsedate_to_datetime(parsed["Date"])


# --- R20: no header injection ----------------------------------------------------------------


@pytest.mark.parametrize("line_break", LINE_BREAKS, ids=lambda c: f"U+{ord(c[0]):04X}")
def test_r20_line_breaks_in_scraped_text_add_no_header(line_break: str):
    """A line break of any kind in name, title or evidence gives no extra header (R20)."""
    injected = f"{line_break}Bcc: victim@example.com{line_break}X-Evil: 1{line_break}"
    content = federal_content(
        jurisdiction=f"chicago-il{injected}",
        jurisdiction_name=f"Chicago, IL{injected}",
        document_title=f"Warning{injected}",
        evidence=f"Chicago was warned.{injected}",
    )
    parsed = parse_back(compose(content))
    assert ALERT_HEADERS == header_names(parsed)
    subject = assert_one_line_subject(parsed)
    assert "[watcher] Chicago, IL Bcc: victim@example.com X-Evil: 1: non_compliant -> warned" == (
        subject
    )
    assert "chicago-il Bcc: victim@example.com X-Evil: 1" == parsed["X-Watcher-Jurisdiction"]


@pytest.mark.parametrize("encoded", ENCODED_LINE_BREAKS)
def test_r20_encoded_line_breaks_do_not_come_back_as_line_breaks(encoded: str):
    """Percent, quoted-printable, entity or RFC 2047 encoded newlines stay inert (R20)."""
    content = federal_content(jurisdiction_name=f"Chicago{encoded}Bcc: victim@example.com")
    parsed = parse_back(compose(content))
    assert ALERT_HEADERS == header_names(parsed)
    subject = assert_one_line_subject(parsed)
    assert "\r" not in subject and "\n" not in subject
    assert encoded.lower() not in subject.lower()
    assert subject.startswith("[watcher] Chicago")


def test_r20_long_name_is_cut_and_statuses_survive():
    """R20: a huge scraped name is cut; the Subject stays within its limit, keeps the change."""
    parsed = parse_back(compose(federal_content(jurisdiction_name="Chicago " * 200)))
    subject = assert_one_line_subject(parsed)
    assert subject.endswith("...: non_compliant -> warned")


def test_recipient_with_line_break_is_refused():
    """An address holding a line break is a bug upstream: composing refuses it."""
    with pytest.raises(ValueError):
        compose(federal_content(), recipient="reader@example.net\r\nBcc: victim@example.com")


# --- R21: no HTML injection ------------------------------------------------------------------


def test_r21_markup_in_scraped_text_is_shown_as_text():
    """`<img onerror>` in evidence, title and diff is escaped in HTML and literal in text (R21)."""
    attack = "<img src=x onerror=alert(1)>"
    content = federal_content(
        evidence=f"Chicago {attack} was warned.",
        document_title=f"Title {attack}",
        diff_excerpt=f"+ {attack}",
        jurisdiction_name=f"Chicago {attack}",
    )
    parsed = parse_back(compose(content))
    markup = part(parsed, "html")
    collected = assert_safe_html(markup)
    assert "img" not in {tag for tag, _ in collected.tags}
    assert "&lt;img src=x onerror=alert(1)&gt;" in markup
    assert f"Chicago {attack} was warned." in part(parsed, "plain")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(document.cookie)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "//evil.example/path",
        "http:/no-host",
        'https://x.example/a" onmouseover="alert(1)',
    ],
)
def test_r21_non_web_source_url_is_never_a_link(url: str):
    """Only http(s) URLs become links; others show as text in both parts (R21)."""
    parsed = parse_back(compose(federal_content(source_url=url)))
    collected = assert_safe_html(part(parsed, "html"))
    assert [] == [attrs for tag, attrs in collected.tags if tag == "a"]
    shown = " ".join(url.split())
    assert shown in part(parsed, "plain")
    assert shown in "".join(collected.text)


HOSTILE_FRAGMENTS = [
    *LINE_BREAKS,
    *ENCODED_LINE_BREAKS,
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    '"><a href="javascript:alert(1)">',
    "javascript:",
    "Bcc: victim@example.com",
    "\x00",
    "\ud800",  # a lone surrogate cannot be encoded: it must go, not crash
    "\u202e",
    "é中🙂",
    "=?",
    "?=",
    " " * 90,
]
hostile_text = st.lists(
    st.one_of(st.text(max_size=30), st.sampled_from(HOSTILE_FRAGMENTS)), max_size=12
).map("".join)


@settings(max_examples=150, deadline=None)
@given(name=hostile_text, title=hostile_text, evidence=hostile_text, url=hostile_text)
def test_r20_r21_any_hostile_text_parses_back_safely(
    name: str, title: str, evidence: str, url: str
):
    """Whatever a page says, the message parses back with our headers and safe HTML (R20, R21)."""
    content = federal_content(
        jurisdiction_name=name,
        document_title=title,
        evidence=evidence,
        source_url=url,
        diff_excerpt=evidence,
    )
    raw = compose(content, public_url="https://watcher.example.org").as_bytes()
    assert raw.isascii()
    assert all(len(line) <= 998 for line in raw.splitlines())
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(parsed, EmailMessage)
    assert ALERT_HEADERS | {"list-unsubscribe-post"} == header_names(parsed)
    assert_one_line_subject(parsed)
    assert_safe_html(part(parsed, "html"))
    part(parsed, "plain")


# --- R23: unsubscribe ------------------------------------------------------------------------


def test_r23_unsubscribe_with_public_url_is_one_click():
    """R23: with a public URL, an https List-Unsubscribe, RFC 8058 Post header, footer link."""
    parsed = parse_back(compose(federal_content(), public_url="https://watcher.example.org/"))
    url = f"https://watcher.example.org/unsubscribe?token={TOKEN}"
    assert f"<{url}>" == parsed["List-Unsubscribe"].strip()
    assert "List-Unsubscribe=One-Click" == parsed["List-Unsubscribe-Post"]
    assert url in part(parsed, "plain")
    collected = assert_safe_html(part(parsed, "html"))
    assert url in [attrs["href"] for tag, attrs in collected.tags if tag == "a"]


def test_r23_unsubscribe_without_public_url_uses_mailto_and_the_cli():
    """R23: without a public URL, a mailto List-Unsubscribe, no Post header, CLI in the footer."""
    parsed = parse_back(compose(federal_content()))
    # Folding may put the value on a line of its own; the leading blank means nothing (RFC 2369).
    mailto = f"<mailto:{SENDER}?subject=unsubscribe%20{TOKEN}>"
    assert mailto == parsed["List-Unsubscribe"].strip()
    assert None is parsed["List-Unsubscribe-Post"]
    for subtype in ("plain", "html"):
        assert f"watcher unsubscribe --token {TOKEN}" in part(parsed, subtype)


def test_non_web_public_url_is_refused():
    """A public URL that is not http(s) would make a bad link: composing refuses it."""
    with pytest.raises(ValueError):
        compose(federal_content(), public_url="javascript:alert(1)")


# --- Message-ID ------------------------------------------------------------------------------


def test_message_id_is_stable_per_key():
    """The same key gives the same Message-ID (R3); another key another one."""
    first = make_message_id("alert:41", "example.org")
    assert first == make_message_id("alert:41", "example.org")
    assert first != make_message_id("alert:42", "example.org")
    assert first.startswith("<") and first.endswith("@example.org>")
    parsed = parse_back(compose(federal_content(), message_id=first))
    assert first == parsed["Message-ID"]


def test_message_id_domain_is_cleaned():
    """A domain with odd characters still gives a well-formed Message-ID."""
    message_id = make_message_id("k", "exa mple.org>\r\n")
    assert message_id.endswith("@example.org>")
    assert [message_id] == message_id.split()


# --- digest and notice -----------------------------------------------------------------------


def test_digest_lists_every_change():
    """A digest has one dated subject, an X-Watcher-Digest header and every alert in both parts."""
    contents = [federal_content(), stance_content()]
    message = compose_digest(
        contents,
        sender=SENDER,
        recipient=RECIPIENT,
        message_id=MESSAGE_ID,
        unsubscribe_token=TOKEN,
        day=date(2025, 5, 2),
    )
    parsed = parse_back(message)
    assert "[watcher] daily digest for 2025-05-02: 2 status changes" == parsed["Subject"]
    assert "2025-05-02" == parsed["X-Watcher-Digest"]
    assert None is parsed["X-Watcher-Status-To"]
    expected_headers = ALERT_HEADERS - {"x-watcher-status-from", "x-watcher-status-to"}
    assert expected_headers - {"x-watcher-jurisdiction"} | {"x-watcher-digest"} == (
        header_names(parsed)
    )
    for subtype in ("plain", "html"):
        body = part(parsed, subtype)
        assert "Chicago, IL" in body and "Cook County, IL" in body
        assert f"watcher unsubscribe --token {TOKEN}" in body


def test_digest_escapes_scraped_markup():
    """The digest's HTML part follows the same escaping rules as a single alert (R21)."""
    message = compose_digest(
        [federal_content(evidence="<script>alert(1)</script>", source_url="javascript:x")],
        sender=SENDER,
        recipient=RECIPIENT,
        message_id=MESSAGE_ID,
        unsubscribe_token=TOKEN,
        day=date(2025, 5, 2),
    )
    parsed = parse_back(message)
    collected = assert_safe_html(part(parsed, "html"))
    assert [] == [tag for tag, _ in collected.tags if tag in {"script", "a"}]
    assert "[watcher] daily digest for 2025-05-02: 1 status change" == parsed["Subject"]


def test_empty_digest_is_refused():
    """A digest of nothing is a caller's bug."""
    with pytest.raises(ValueError):
        compose_digest(
            [],
            sender=SENDER,
            recipient=RECIPIENT,
            message_id=MESSAGE_ID,
            unsubscribe_token=TOKEN,
            day=date(2025, 5, 2),
        )


def test_notice_subject_is_sanitised_like_an_alert():
    """An operator notice gets one prefixed Subject line, whatever the subject text held (R20)."""
    message = compose_notice(
        "source doj-list failing\r\nBcc: victim@example.com",
        "doj-list failed 5 times.\nLast error: 503\x00",
        sender=SENDER,
        recipient="ops@example.org",
        message_id=MESSAGE_ID,
    )
    parsed = parse_back(message)
    assert "[watcher] source doj-list failing Bcc: victim@example.com" == parsed["Subject"]
    assert {"subject", "from", "to", "date", "message-id", "mime-version"} <= header_names(parsed)
    assert None is parsed["Bcc"]
    assert "text/plain" == parsed.get_content_type()
    assert "doj-list failed 5 times.\nLast error: 503 \n" == parsed.get_content()
