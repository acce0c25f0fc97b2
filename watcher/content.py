"""HTML (or plain text) -> a Page of normalised text blocks and links. Pure: no I/O.

The text is what watcher snapshots, diffs and reads for statuses, so it must be stable: the
same words give the same lines however the markup around them is arranged (attributes,
classes, indentation, inline tags). Each block element (paragraph, heading, list item, table
cell) becomes one line with its whitespace folded.

lxml is used directly rather than through BeautifulSoup: it is the same parser, and building
a soup on top of it costs several times the parse for no gain here (see bench/).
"""

from __future__ import annotations

import hashlib
import logging
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urljoin

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector

from watcher.models import Block, Finding, Link, Page

if TYPE_CHECKING:
    from watcher.status import Extractor

log = logging.getLogger(__name__)

# Elements whose text is never content.
DROPPED_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "nav", "header", "footer", "form",
        "iframe", "svg", "canvas", "button", "select", "input", "textarea", "head",
    }
)  # fmt: skip
# Elements that start a new line of text.
BLOCK_TAGS = frozenset(
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "dt", "dd", "div",
        "section", "article", "main", "aside", "blockquote", "pre", "address", "figcaption",
        "caption", "tr", "table", "ul", "ol", "dl", "body", "center", "details", "summary",
        "figure", "hr", "br",
    }
)  # fmt: skip
LINK_SCHEMES = ("http://", "https://")


def fold_whitespace(text: str) -> str:
    """Collapse every run of whitespace (including non-breaking spaces) to one space."""
    return " ".join(text.split())


@lru_cache(maxsize=256)
def compile_selector(selector: str) -> CSSSelector:
    """A compiled CSS selector; raises cssselect's SelectorError when it is not valid."""
    return CSSSelector(selector)


def parse_html(
    html: str | bytes,
    url: str = "",
    *,
    select: str | None = None,
    ignore: Sequence[re.Pattern[str]] = (),
    links: bool = True,
) -> Page:
    """Read an HTML document into a Page: the selected content as text blocks, and its links.

    Without `select`, the content is the page's `main` (or its one `article`), else the body,
    always without scripts, styles, navigation, headers, footers and forms. Blocks matching
    one of the `ignore` patterns (re.search) are dropped. Unparseable input gives an empty page.
    `links=False` leaves the links out (a page nobody follows links from: a tenth of the
    parsing time).
    """
    root = _parse(html)
    if root is None:
        return Page(url=url, title="", blocks=(), selector_matched=select is None)
    base = _base_url(root, url)
    title = _title(root)
    published = _published(root)

    if select:
        containers = compile_selector(select)(root)
        matched = bool(containers)
    else:
        containers = _default_containers(root)
        matched = True
    blocks: list[Block] = []
    found: list[Link] = []
    for index, container in enumerate(containers):
        container_blocks, doomed = _blocks(container)
        if index < len(containers) - 1:
            # A later container may lie inside a dropped element: it is read without the
            # dropped elements inside that one too, each tested on the tree as it was.
            doomed += _dropped_inside(doomed)
        # The links, and the next container (it may lie inside this one), are read from the
        # tree without the elements that hold no content.
        _remove(doomed)
        blocks.extend(container_blocks)
        if links:
            found.extend(_links(container, base))
    for pattern in ignore:  # one pattern at a time: a block goes when any of them matches
        blocks = [b for b in blocks if not pattern.search(b.text)]
    return Page(
        url=url,
        title=title,
        blocks=tuple(blocks),
        links=tuple(_unique_links(found)),
        published=published,
        selector_matched=matched,
    )


def select_links(html: str | bytes, url: str, selector: str) -> list[Link]:
    """Links of the elements a CSS selector picks (anchors, or anchors inside them)."""
    root = _parse(html)
    if root is None:
        return []
    base = _base_url(root, url)
    links: list[Link] = []
    for element in compile_selector(selector)(root):
        anchors = [element] if element.tag == "a" else list(element.iter("a"))
        for anchor in anchors:
            link = _link(anchor, base)
            if link:
                links.append(link)
    return _unique_links(links)


def next_page_url(html: str | bytes, url: str) -> str | None:
    """The listing's "next page" link: rel=next, else an anchor whose text says Next."""
    root = _parse(html)
    if root is None:
        return None
    base = _base_url(root, url)
    candidates = root.xpath("//link[@rel='next'] | //a[@rel='next']")
    candidates += [a for a in root.iter("a") if NEXT_WORDS.match(fold_whitespace(a.text_content()))]
    for element in candidates:
        link = _link(element, base)
        if link and link.url != url:
            return link.url
    return None


NEXT_WORDS = re.compile(r"^(next( page)?|older( posts| entries)?)\b|^[›»>]+$", re.IGNORECASE)


def parse_text(text: str, url: str = "", *, ignore: Sequence[re.Pattern[str]] = ()) -> Page:
    """Read a plain-text document: each non-empty paragraph line becomes a block."""
    blocks = []
    for line in text.splitlines():
        folded = fold_whitespace(line)
        if folded and not any(p.search(folded) for p in ignore):
            blocks.append(Block("text", folded))
    blocks = rejoin_wrapped_lines(blocks)
    title = blocks[0].text[:200] if blocks else ""
    return Page(url=url, title=title, blocks=tuple(blocks))


def text_hash(page: Page) -> str:
    """The fingerprint of a page's text: two pages with the same lines have the same hash."""
    return hashlib.sha256("\n".join(page.lines).encode("utf-8")).hexdigest()


def looks_like_html(text: str | bytes) -> bool:
    """Whether a document reads as HTML rather than plain text (for files of unknown type)."""
    head = text[:2048].lower() if isinstance(text, str) else text[:2048].decode("latin-1").lower()
    return bool(re.search(r"<(!doctype html|html|head|body|p|div|h1|article)\b", head))


def _parse(html: str | bytes) -> etree._Element | None:
    if isinstance(html, str):
        # lxml refuses str input that carries an XML encoding declaration.
        html = html.encode("utf-8")
        parser = _UTF8_PARSER
    else:
        parser = _DEFAULT_PARSER
    if not html.strip():
        return None
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError) as error:
        log.debug("unparseable HTML: %s", error)
        return None
    return root


def _html_parser(**options: object) -> etree.HTMLParser:
    """lxml.html's parser, its elements all of the one class HtmlElement.

    lxml.html's own parser picks each element's class (FormElement, InputElement, ...) in a
    Python callback, run every time lxml makes a Python object of a node: some 7% of the
    reading time. Nothing here uses those classes' extras, and the default lookup runs in C.
    """
    parser = etree.HTMLParser(**options)
    lookup = etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
    parser.set_element_class_lookup(lookup)
    return parser


_UTF8_PARSER = _html_parser(encoding="utf-8", remove_comments=True)
_DEFAULT_PARSER = _html_parser(remove_comments=True)


def _base_url(root: etree._Element, url: str) -> str:
    for base in root.iter("base"):
        href = base.get("href")
        if href:
            return urljoin(url, href.strip())
    return url


def _title(root: etree._Element) -> str:
    for element in root.iter("title"):
        text = fold_whitespace(element.text_content())
        if text:
            return text
    for meta in root.iter("meta"):
        if meta.get("property") == "og:title" and meta.get("content"):
            return fold_whitespace(meta.get("content", ""))
    for element in root.iter("h1"):
        return fold_whitespace(element.text_content())
    return ""


def _published(root: etree._Element) -> date | None:
    """The document's publication date from its metadata or text (htmldate), if any."""
    from htmldate import find_date  # imported late: it is slow to import and rarely needed

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            found = find_date(root, extensive_search=True, original_date=True)
        except Exception as error:  # htmldate raises a variety of errors on odd pages
            log.debug("no publication date: %s", error)
            return None
    try:
        published = date.fromisoformat(found) if found else None
    except ValueError:
        published = None
    if published is None or (published.month, published.day) == (1, 1):
        # htmldate falls back to a bare year (read as 1 January) when it misses a date such
        # as "Oct. 7, 2025"; a full date written near the top of the page is better.
        written = _first_written_date(root)
        if written and (published is None or written.year == published.year):
            return written
    return published


MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip
WRITTEN_DATE = re.compile(
    r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?\s+(\d{1,2}),?\s+(\d{4})\b",
    re.IGNORECASE,
)


def _first_written_date(root: etree._Element) -> date | None:
    """The first "October 7, 2025" / "Oct. 7, 2025" in the body's opening text, if any."""
    body = root.find("body")
    # Text pieces joined with spaces: adjacent elements' words must not run together.
    text = " ".join((body if body is not None else root).itertext())[:3000]
    for match in WRITTEN_DATE.finditer(text):
        try:
            return date(int(match.group(3)), MONTHS[match.group(1).lower()], int(match.group(2)))
        except ValueError:
            continue
    return None


def _default_containers(root: etree._Element) -> list[etree._Element]:
    mains = [m for m in root.iter("main")]
    if not mains:
        mains = root.xpath("//*[@role='main']")
    if mains:
        return [mains[0]]
    articles = list(root.iter("article"))
    if len(articles) == 1:
        return articles
    body = root.find("body")
    return [body if body is not None else root]


def _dropped_inside(doomed: list[etree._Element]) -> list[etree._Element]:
    """The elements that never hold content inside the given ones."""
    return [el for outer in doomed for el in outer.iterdescendants() if _is_dropped(el)]


def _remove(doomed: list[etree._Element]) -> None:
    """Remove the elements that never hold content (in place)."""
    for el in doomed:
        parent = el.getparent()
        if parent is None:
            continue
        # Keep the tail text: it belongs to the parent, not to the dropped element.
        if el.tail:
            previous = el.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + el.tail
            else:
                parent.text = (parent.text or "") + el.tail
        parent.remove(el)


def _is_dropped(element: etree._Element) -> bool:
    tag = element.tag
    if not isinstance(tag, str):
        return True  # processing instructions and the like
    tag = tag.lower()
    if tag == "header":
        # A page's masthead is noise, but an article's own header holds its headline.
        return not any(a.tag == "article" for a in element.iterancestors())
    # The cheap tests first: the answer is the same whichever test says yes.
    if tag in DROPPED_TAGS or (tag in LINK_LINE_TAGS and _is_link_line(element)):
        return True
    # The other marks are attributes: an element without any (most are) carries none.
    if not element.keys():
        return False
    return element.get("hidden") is not None or _is_comments(element)


# Readers' comments under a story ("The state was sued over this in 2019 and won.") are not
# the page's own text. Sites mark the section by id or class; a whole word of either is
# matched, so "comment-policy" or "no-comments" do not count, "comments" and "comment-list" do.
COMMENTS_MARK = re.compile(
    r"^(?:comments|comment[-_](?:list|section|area|thread|stream|wrapper)|"
    r"(?:user|reader|article)[-_]comments|disqus[-_]thread)$",
    re.IGNORECASE,
)


def _is_comments(element: etree._Element) -> bool:
    id_mark = element.get("id") or ""
    classes = element.get("class") or ""
    # Every mark COMMENTS_MARK takes holds "comment" or "thread", and none of their letters
    # has a case-insensitive match that str.lower() misses (as "ſ" is for "s"): an element
    # whose id and class hold neither word is not a comments section.
    lowered = f"{id_mark} {classes}".lower()
    if "comment" not in lowered and "thread" not in lowered:
        return False
    marks = [id_mark, *classes.split()]
    return any(COMMENTS_MARK.match(mark) for mark in marks if mark)


# "Related: <a>DOJ sues Denver</a> • <a>...</a>": news sites set lines of links to other
# stories between a story's paragraphs. Their headlines are not the page's own text (and
# change from day to day), so such a line is dropped like the page's navigation.
LINK_LINE_TAGS = frozenset({"p", "div", "li", "aside", "section"})
LINK_LINE_LABEL = re.compile(
    r"^\s*(?:related(?:\s+(?:stories|story|coverage|content|articles?|links?|videos?))?|"
    r"read\s+(?:more|next|also)|also\s+read|see\s+also|more\s+(?:coverage|on\s+this(?:\s+story)?)|"
    r"watch(?:\s+more)?|listen|previously|further\s+reading|recommended|more)\s*:",
    re.IGNORECASE,
)
LINK_LINE_SEPARATORS = re.compile(r"[\s•·|,;/–—-]*")


def _is_link_line(element: etree._Element) -> bool:
    """A "Related:" label followed by links and nothing else."""
    if not len(element):
        return False  # no child element, so no link
    # The first piece of text is the element's own text when it has any (itertext's order).
    lead = element.text or ""
    if not lead.strip():
        lead = next((piece for piece in element.itertext() if piece.strip()), "")
    label = LINK_LINE_LABEL.match(lead)
    if label is None or next(element.iter("a"), None) is None:
        return False
    outside = "".join(element.xpath(".//text()[not(ancestor::a)]"))
    rest = LINK_LINE_LABEL.sub("", outside, count=1)
    return LINK_LINE_SEPARATORS.fullmatch(rest) is not None


class _BlockWriter:
    """Accumulate inline text into blocks, one per block element."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.tags: list[str] = []

    def flush(self) -> None:
        if self.parts:
            text = " ".join("".join(self.parts).split())  # fold_whitespace, without the call
            if text:
                tag = self.tags[-1] if self.tags else "div"
                self.blocks.append(Block(tag, text))
            self.parts.clear()


def _blocks(container: etree._Element) -> tuple[list[Block], list[etree._Element]]:
    """The container's text blocks, and the elements left out as never holding content.

    The walk leaves out what the elements that never hold content hold but keeps their tails,
    which is what reading the tree with them removed gives: a removed element's tail is joined
    to the text before it, with no block boundary between. Each is tested on the tree as it
    was, as when all are found before any is removed; one inside another is not looked at, as
    it goes with the outer one.
    """
    writer = _BlockWriter()
    doomed: list[etree._Element] = []
    _walk(container, writer, doomed)
    writer.flush()
    return rejoin_wrapped_lines(writer.blocks), doomed


# Text set line by line (a PDF converted to HTML, a letter with <br> at every line end, a
# hard-wrapped text file) cuts sentences into blocks: "... The City of" / "Portland is
# identified on that list ...". A line continues on the next when it ends inside a word
# ("coopera-" / "tion"), after a word no sentence ends with ("of", "the", "and"), or when
# the next line goes on in lower case or with a number. Headings, list items and table
# cells are never joined.
WRAPPABLE_TAGS = frozenset({"p", "div", "text", "blockquote", "section", "article", "main"})
LINE_END_WORDS = frozenset(
    """a an the of and or nor but to in on at by for with from into onto upon over under
    about after before between against than that which who whose whom its their his her
    our your my this these those any all each every both either neither no not is are was
    were be been being has have had will would shall should may might must can could as
    per via""".split()
)  # fmt: skip
LAST_WORD = re.compile(r"([A-Za-z]+)$")
LABEL_START = re.compile(r"\S+:")  # "cc: ...", "re: ...": a new line of a letter


def rejoin_wrapped_lines(blocks: list[Block]) -> list[Block]:
    """Blocks with the lines of one wrapped paragraph joined into one block."""
    joined: list[Block] = []
    for block in blocks:
        previous = joined[-1] if joined else None
        text = None
        if previous and previous.tag in WRAPPABLE_TAGS and block.tag in WRAPPABLE_TAGS:
            text = _continued(previous.text, block.text)
        if previous and text is not None:
            joined[-1] = Block(previous.tag, text)
        else:
            joined.append(block)
    return joined


def _continued(line: str, following: str) -> str | None:
    """The two lines as one when the first plainly goes on in the second, else None."""
    if len(line) >= 2 and line[-1] == "-" and line[-2].isalpha() and following[:1].islower():
        return line[:-1] + following  # a word broken at the line's end
    if line[-1:] in ".!?:;\"'”’)]":
        return None
    last = LAST_WORD.search(line)
    goes_on_in_lower_case = following[:1].islower() and not LABEL_START.match(following)
    if (last and last.group(1).lower() in LINE_END_WORDS) or goes_on_in_lower_case:
        return f"{line} {following}"
    if line[-1:] == "," or following[:1].isdigit() and not line[-1:].isdigit():
        return f"{line} {following}"
    return None


def _walk(element: etree._Element, writer: _BlockWriter, doomed: list[etree._Element]) -> None:
    # The hottest code of the reading (once per element): the writer's lists are used
    # directly, and a text that is None or empty is never added.
    parts = writer.parts
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    block = tag in BLOCK_TAGS
    if block and tag != "br" and not len(element):
        # A block element without children (most paragraphs): its own text is its block,
        # as the steps below would write it, without the stack of tags or the list of parts.
        if parts:
            writer.flush()
        if (text := element.text) and (folded := " ".join(text.split())):
            writer.blocks.append(Block(tag, folded))
        return
    if block:
        if parts:
            writer.flush()
        if tag != "br":
            writer.tags.append(tag)
    if text := element.text:
        parts.append(text)
    for child in element:
        if _is_dropped(child):
            doomed.append(child)
        else:
            _walk(child, writer, doomed)
        if tail := child.tail:
            parts.append(tail)
    if block:
        if parts:
            writer.flush()
        if tag != "br":
            writer.tags.pop()


def _links(container: etree._Element, base: str) -> list[Link]:
    return [link for anchor in container.iter("a") if (link := _link(anchor, base))]


def _link(anchor: etree._Element, base: str) -> Link | None:
    href = (anchor.get("href") or "").strip()
    if not href or href.startswith("#"):
        return None
    absolute, _fragment = urldefrag(urljoin(base, href))
    if not absolute.lower().startswith(LINK_SCHEMES):
        return None
    return Link(absolute, fold_whitespace(anchor.text_content()))


def _unique_links(links: list[Link]) -> list[Link]:
    seen: set[str] = set()
    unique = []
    for link in links:
        if link.url not in seen:
            seen.add(link.url)
            unique.append(link)
    return unique


# Reading a fetched document: parse, fingerprint, and find statuses when the text is new.


@dataclass(frozen=True)
class ReadJob:
    """One HTML or plain-text document to read, with what is known of it."""

    text: str
    url: str
    plain_text: bool = False
    select: str | None = None
    ignore: tuple[re.Pattern[str], ...] = ()
    known_hash: str | None = None  # of the latest stored snapshot; None for a new document
    speaker: str | None = None
    list_page: bool = False
    links: bool = True  # False: the crawl follows no link of it, so none is collected


@dataclass(frozen=True)
class Reading:
    """What reading a document gave."""

    page: Page
    content_hash: str
    changed: bool  # its text differs from the latest stored snapshot
    findings: list[Finding] = field(default_factory=list)  # read only when changed


def parse_document(job: ReadJob) -> Reading:
    """The first half of read_document: the page and its fingerprint, no findings yet."""
    if job.plain_text:
        page = parse_text(job.text, job.url, ignore=job.ignore)
    else:
        page = parse_html(job.text, job.url, select=job.select, ignore=job.ignore, links=job.links)
    content_hash = text_hash(page)
    return Reading(page, content_hash, job.known_hash != content_hash)


def extract_findings(parsed: Reading, job: ReadJob, extractor: Extractor) -> Reading:
    """The second half of read_document: the findings of a page whose text changed."""
    if not parsed.changed:
        return parsed
    findings = extractor.extract(parsed.page, speaker=job.speaker, list_page=job.list_page)
    return Reading(parsed.page, parsed.content_hash, True, findings)


def read_document(job: ReadJob, extractor: Extractor) -> Reading:
    """Parse a document, fingerprint its text and, when the text changed, extract findings."""
    return extract_findings(parse_document(job), job, extractor)
