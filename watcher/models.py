"""The data that flows between watcher's stages. Imports nothing of ours."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# Federal statuses, lowest severity first (shared/spec/STATUSES.md).
FEDERAL_STATUSES: tuple[str, ...] = (
    "compliant",
    "under_review",
    "listed",
    "non_compliant",
    "warned",
    "funding_cut",
    "sued",
)
# The jurisdiction's own stance, kept apart from the federal status.
STANCE_STATUSES: tuple[str, ...] = ("contests",)
STATUSES: tuple[str, ...] = FEDERAL_STATUSES + STANCE_STATUSES
SEVERITY: dict[str, int] = {status: rank for rank, status in enumerate(FEDERAL_STATUSES)}

SOURCE_KINDS: tuple[str, ...] = ("page", "listing", "feed", "list")


@dataclass(frozen=True)
class Block:
    """One block of a page's text: a heading, a paragraph, a list item or a table cell.

    `tag` is the HTML element the text came from, lower case ("h1".."h6", "p", "li",
    "td", "th", "div", ...); "text" for plain-text pages.
    """

    tag: str
    text: str

    @property
    def is_heading(self) -> bool:
        return self.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}

    @property
    def is_item(self) -> bool:
        return self.tag in {"li", "td", "th", "dd", "dt"}


@dataclass(frozen=True)
class Link:
    """A link found in a page's content: absolute URL and its text."""

    url: str
    text: str


@dataclass(frozen=True)
class Page:
    """What watcher reads of one fetched document: normalised text blocks and links."""

    url: str
    title: str
    blocks: tuple[Block, ...]
    links: tuple[Link, ...] = ()
    published: date | None = None  # from the page's metadata or text; None when unknown
    selector_matched: bool = True  # False when the source's `select` matched nothing

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(block.text for block in self.blocks)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class Finding:
    """One (jurisdiction, status) a document asserts, with the evidence that says so."""

    jurisdiction: str
    status: str
    evidence: str  # the sentence or list item, quoted as it stands in the text
    position: int  # index of the block in Page.blocks where the evidence stands
    event_date: date | None = None  # a date the sentence itself gives the event, if any
    note: str = ""  # which rule fired, for explanations and debugging


@dataclass(frozen=True)
class Jurisdiction:
    """A US state, county or city, as the gazetteer knows it."""

    id: str  # "il", "cook-county-il", "chicago-il"
    name: str  # "Illinois", "Cook County", "Chicago"
    kind: str  # "state" | "county" | "city"
    state: str  # two-letter postal code, lower case ("il"); for a state, its own id
    aliases: tuple[str, ...] = field(default=())

    @property
    def display(self) -> str:
        """A human name: "Chicago, IL", "Cook County, IL", "Illinois"."""
        if self.kind == "state":
            return self.name
        return f"{self.name}, {self.state.upper()}"
