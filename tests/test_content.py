"""watcher.content: HTML -> normalised text blocks and links."""

from __future__ import annotations

import re

from watcher.content import looks_like_html, next_page_url, parse_html, parse_text, select_links

PAGE = """<!doctype html><html><head><title> A  title </title>
<meta property="article:published_time" content="2025-09-04T12:00:00Z"></head>
<body><header><nav><a href="/home">Home</a></nav></header>
<main><h1>Justice   Department sues</h1>
<p>The department <b>filed</b> a lawsuit&nbsp;today.</p>
<script>var x = "not text";</script><style>p {}</style>
<form><input name=q><button>Go</button></form>
<ul><li>One</li><li><a href="/two?utm_source=x#frag">Two</a></li></ul>
<p>Last updated 10:31</p></main>
<footer>Copyright</footer></body></html>"""


def test_main_content_becomes_folded_blocks() -> None:
    """Blocks come from main, whitespace folded, scripts, styles, forms and chrome dropped."""
    page = parse_html(PAGE, "https://example.gov/news")
    assert [
        "Justice Department sues",
        "The department filed a lawsuit today.",
        "One",
        "Two",
        "Last updated 10:31",
    ] == list(page.lines)
    assert ["h1", "p", "li", "li", "p"] == [b.tag for b in page.blocks]
    assert "A title" == page.title


def test_published_date_from_metadata() -> None:
    """The publication date is read from the page's metadata."""
    assert "2025-09-04" == parse_html(PAGE).published.isoformat()


def test_links_are_absolute_without_fragment() -> None:
    """Links in the content are made absolute; fragments dropped; navigation links left out."""
    page = parse_html(PAGE, "https://example.gov/news")
    assert ["https://example.gov/two?utm_source=x"] == [link.url for link in page.links]


def test_ignore_patterns_drop_lines() -> None:
    """Lines matching a source's ignore regex are not part of the text."""
    page = parse_html(PAGE, ignore=[re.compile(r"^Last updated")])
    assert "Last updated 10:31" not in page.lines


def test_select_keeps_only_the_chosen_part_and_reports_misses() -> None:
    """A `select` keeps only what it matches; a selector matching nothing is reported."""
    chosen = parse_html(PAGE, select="ul")
    assert ("One", "Two") == chosen.lines
    missing = parse_html(PAGE, select="div.gone")
    assert () == missing.lines
    assert missing.selector_matched is False


def test_markup_changes_that_keep_the_text_keep_the_lines() -> None:
    """Attributes, classes, indentation and inline tags do not change the text lines."""
    a = parse_html("<main><p class='a'>Hello <em>big</em> world</p><p>Next</p></main>")
    b = parse_html('<main>\n  <p id="x" class="b c">Hello big\n   world</p>\n<p >Next</p></main>')
    assert a.lines == b.lines


def test_empty_and_garbage_input_give_empty_pages() -> None:
    """Empty, whitespace-only and binary garbage input parse to pages without crashing."""
    assert () == parse_html("").lines
    assert () == parse_html(b"   \n ").lines
    garbage = parse_html(bytes(range(256)) * 10)
    assert isinstance(garbage.lines, tuple)


def test_plain_text_pages() -> None:
    """Plain text becomes one block per non-empty line."""
    page = parse_text("First line\n\n  Second   line \n")
    assert ("First line", "Second line") == page.lines
    assert not looks_like_html("First line")
    assert looks_like_html("<!DOCTYPE html><html>")


def test_follow_selector_and_next_page() -> None:
    """A follow selector picks links; the next page is found by rel=next or its text."""
    html = (
        '<main><h2 class="t"><a href="/a">A</a></h2><h2 class="t"><a href="/b">B</a></h2>'
        '<a href="/c">C</a></main><nav><a href="?page=2">Next</a></nav>'
    )
    links = select_links(html, "https://x.gov/list", "h2.t")
    assert ["https://x.gov/a", "https://x.gov/b"] == [link.url for link in links]
    assert "https://x.gov/list?page=2" == next_page_url(html, "https://x.gov/list")


def test_written_date_when_metadata_has_none() -> None:
    """A page whose only date is written ("Oct. 7, 2025") gets that date, not 1 January."""
    page = parse_html(
        "<html><body><main><h1>Letters</h1><p>Oct. 7, 2025 &middot; By A. Reporter</p>"
        "<p>The department sent letters in 2025.</p></main></body></html>"
    )
    assert "2025-10-07" == page.published.isoformat()
