"""watcher.content: HTML -> normalised text blocks and links."""

from __future__ import annotations

import re
from dataclasses import replace

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


def test_links_left_out_on_request_leave_the_text_as_it_is() -> None:
    """links=False collects no link and changes nothing else of the page."""
    with_links = parse_html(PAGE, "https://example.gov/news")
    without = parse_html(PAGE, "https://example.gov/news", links=False)
    assert () == without.links
    assert with_links.links
    assert replace(with_links, links=()) == without


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


def _texts(html: str) -> list[str]:
    return [b.text for b in parse_html(f"<html><body><main>{html}</main></body></html>").blocks]


def test_lines_of_related_links_between_paragraphs_are_not_the_pages_text() -> None:
    """ "Related: <a>...</a>" lines are dropped in any markup; a label followed by prose, a
    list item that is a link, and a link inside a sentence stay."""
    html = (
        "<p>First paragraph.</p>"
        '<p class="inline">Related: <a href="/a">DOJ sues Denver</a> &bull; '
        '<a href="/b">More</a></p>'
        '<p><strong>RELATED:</strong> <a href="/c">DOJ sues Minnesota</a></p>'
        '<div>Read more: <a href="/d">Grant cuts explained</a></div>'
        '<p>Related: the county said <a href="/e">its statement</a> stands.</p>'
        '<ul><li><a href="/chicago">Chicago, IL</a></li></ul>'
        '<p>The list names <a href="/f">Boston</a>.</p>'
    )
    assert [
        "First paragraph.",
        "Related: the county said its statement stands.",
        "Chicago, IL",
        "The list names Boston.",
    ] == _texts(html)


def test_lines_of_a_wrapped_paragraph_become_one_block() -> None:
    """Lines cut mid-sentence (a converted PDF, <br> at every line end) are joined: after a
    word no sentence ends with, a word broken by a hyphen, a lower-case or numeric go-on."""
    html = (
        "<div>I write regarding the policies of the City of Portland that restrict coopera-</div>"
        "<div>tion with federal authorities. On August 5, pursuant to Executive Order</div>"
        "<div>14287, the Department published a list. The City of</div>"
        "<div>Portland is identified on that list.</div>"
        "<p>Second paragraph, set with breaks: the county must answer<br>within 30 days, or<br>"
        "lose its grants.</p>"
    )
    assert [
        "I write regarding the policies of the City of Portland that restrict cooperation with "
        "federal authorities. On August 5, pursuant to Executive Order 14287, the Department "
        "published a list. The City of Portland is identified on that list.",
        "Second paragraph, set with breaks: the county must answer within 30 days, or lose its "
        "grants.",
    ] == _texts(html)


def test_separate_lines_stay_separate() -> None:
    """Finished sentences, headings, list items, a letter's "cc:" line and lines of names
    (a list page set in divs) are not joined."""
    html = (
        "<h2>Jurisdictions of the</h2><p>list below.</p>"
        "<div>Chicago, IL</div><div>Cook County, IL</div>"
        "<ul><li>Seattle, Washington, and the</li><li>county around it</li></ul>"
        "<div>Attorney General</div><div>cc: Governor of Oregon</div>"
        "<p>It was sent.</p><p>then nothing more</p>"
    )
    assert [
        "Jurisdictions of the", "list below.", "Chicago, IL", "Cook County, IL",
        "Seattle, Washington, and the", "county around it", "Attorney General",
        "cc: Governor of Oregon", "It was sent.", "then nothing more",
    ] == _texts(html)  # fmt: skip


def test_a_hard_wrapped_text_file_is_read_by_paragraph() -> None:
    """Plain text wrapped at a fixed width is joined the same way."""
    text = "The Department found that the\ncounty's policy may violate\n8 U.S.C. 1373.\nNext."
    assert [
        "The Department found that the county's policy may violate 8 U.S.C. 1373.",
        "Next.",
    ] == [b.text for b in parse_text(text).blocks]


def test_readers_comments_are_not_the_pages_text() -> None:
    """A comments section marked by id or class is dropped; a class that only contains the
    word ("comment-policy" on its own, "no-comments") is not a comments section."""
    html = (
        "<p>The story.</p>"
        '<section id="comments"><h3>Comments (2)</h3>'
        '<div class="comment"><p>The state was sued over this in 2019 and won.</p></div></section>'
        '<div class="comment-list"><p>Second widget.</p></div>'
        '<p class="no-comments">Officials declined to comment.</p>'
    )
    assert ["The story.", "Officials declined to comment."] == _texts(html)


def test_a_selected_element_inside_a_dropped_one_is_read_without_what_is_dropped_in_it() -> None:
    """A selected element inside another's comments section is read with its script gone."""
    html = (
        "<div><p>One.</p><section class='comments'><div>"
        "<p>Related: <a href='/x'>Other story</a><script>var v;</script></p><p>Two.</p>"
        "</div></section></div>"
    )
    page = parse_html(html, "https://example.gov/", select="div")
    # The outer div drops the comments section and the script in it; the inner div, read
    # next, then holds a line of related links and nothing else.
    assert ["One.", "Two."] == [block.text for block in page.blocks]
