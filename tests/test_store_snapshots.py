"""Snapshots keep a page's HTML compressed; what is stored reads back as it was."""

from __future__ import annotations

import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from watcher.store.snapshots import compress_html


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=70_000))
def test_compressed_html_reads_back_with_zlib_decompress(html: bytes) -> None:
    """Any page, of any length, comes back byte for byte from the stored zlib stream."""
    assert html == zlib.decompress(compress_html(html))


def test_a_window_fitted_to_the_page_compresses_as_well_as_the_full_one() -> None:
    """A page shorter than deflate's 32 KB window loses nothing by a smaller window."""
    page = b"<p>The Department of Justice today sent letters to 13 jurisdictions.</p>\n" * 40
    assert len(zlib.compress(page, 6)) + 8 >= len(compress_html(page))
