"""watcher.urls: canonical links."""

from watcher.urls import canonical_url, host_of


def test_tracking_parameters_fragment_and_default_port_dropped() -> None:
    """utm_* and click ids, fragments, default ports and host case do not make a new link."""
    assert "https://www.justice.gov/opa/pr/x?page=2" == canonical_url(
        "HTTPS://WWW.Justice.gov:443/opa/pr/x?utm_source=t&page=2&fbclid=1#top"
    )


def test_distinct_pages_stay_distinct() -> None:
    """Path case and trailing slashes are kept: they may name different pages."""
    assert canonical_url("https://a.gov/News/") != canonical_url("https://a.gov/news")
    assert canonical_url("https://a.gov/x/") != canonical_url("https://a.gov/x")
    assert "a.gov" == host_of("https://A.gov:8080/x")
