"""RSS and Atom feeds -> a Page whose links are the items' links. Pure.

Feeds are XML, and XML can carry entity bombs (billion laughs) or external entities that read
local files (R25). defusedxml checks the document first and refuses any DTD entity
declaration; only then does feedparser read it.
"""

from __future__ import annotations

from datetime import date

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from watcher.content import fold_whitespace, parse_html
from watcher.models import Block, Link, Page


class FeedError(ValueError):
    """A feed that is not well-formed or not safe to read."""


def check_safe(body: bytes) -> None:
    """Raise FeedError for XML that declares entities or a DTD with external references."""
    try:
        fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise FeedError(f"refused unsafe XML ({type(error).__name__})") from error
    except ParseError as error:
        raise FeedError(f"not well-formed XML: {error}") from error


def parse_feed(body: bytes, url: str = "") -> Page:
    """The feed's items as blocks (title, summary) and links, newest first as published."""
    check_safe(body)
    parsed = feedparser.parse(body, sanitize_html=True, resolve_relative_uris=True)
    if parsed.bozo and not parsed.entries:
        raise FeedError(f"unreadable feed: {parsed.get('bozo_exception')}")
    blocks: list[Block] = []
    links: list[Link] = []
    newest: date | None = None
    for entry in parsed.entries:
        title = fold_whitespace(entry.get("title", ""))
        if title:
            blocks.append(Block("h2", title))
        summary = entry.get("summary", "")
        if summary:
            blocks.extend(parse_html(f"<div>{summary}</div>").blocks)
        link = entry.get("link") or entry.get("id")
        if link and link.startswith(("http://", "https://")):
            links.append(Link(link, title))
        published = entry.get("published_parsed") or entry.get("updated_parsed")
        if published:
            day = date(published.tm_year, published.tm_mon, published.tm_mday)
            newest = max(newest, day) if newest else day
    title = fold_whitespace(parsed.feed.get("title", ""))
    return Page(url=url, title=title, blocks=tuple(blocks), links=tuple(links), published=newest)
