"""The gazetteer: ids per spec/STATUSES.md, lookups, and loading once per process."""

from watcher.status import get_gazetteer


def test_ids_follow_the_spec():
    """States, counties, parishes and cities take the spec's id forms."""
    gazetteer = get_gazetteer()
    for jid in (
        "il", "dc", "cook-county-il", "orleans-parish-la", "miami-dade-county-fl",
        "chicago-il", "new-york-city-ny", "new-orleans-la", "saint-paul-mn",
        "fort-lauderdale-fl", "prince-georges-county-md", "san-francisco-county-ca",
    ):  # fmt: skip
        assert gazetteer.is_known(jid), jid


def test_get_returns_the_jurisdiction_with_kind_and_state():
    """get() gives name, kind and state; unknown ids give None."""
    gazetteer = get_gazetteer()
    chicago = gazetteer.get("chicago-il")
    assert ("Chicago", "city", "il") == (chicago.name, chicago.kind, chicago.state)
    assert "Chicago, IL" == chicago.display
    assert "state" == gazetteer.get("il").kind
    assert gazetteer.get("atlantis-zz") is None
    assert not gazetteer.is_known("atlantis-zz")


def test_every_state_and_dc_and_thousands_of_places():
    """51 states (DC counts), every county, every city of 15,000+ people."""
    kinds = [j.kind for j in get_gazetteer().all()]
    assert 51 == kinds.count("state")
    assert kinds.count("county") > 3000
    assert kinds.count("city") > 3000


def test_in_state_lists_the_state_and_its_places():
    """in_state() covers the state itself, its counties and its cities."""
    illinois = get_gazetteer().in_state("IL")
    assert {"il", "cook-county-il", "chicago-il"} <= set(illinois)
    assert "new-york-city-ny" not in illinois


def test_loaded_once():
    """The data file is read once per process."""
    assert get_gazetteer() is get_gazetteer()


def test_slug_follows_the_spec_id_rule():
    """Ids are lower-case ASCII words joined by hyphens, abbreviations spelled out,
    apostrophes dropped: the rule the gazetteer's ids and a small list city's id share."""
    from watcher.status.gazetteer import slug

    assert "saint-paul" == slug("St. Paul")
    assert "fort-lauderdale" == slug("Ft. Lauderdale")
    assert "mount-vernon" == slug("Mt. Vernon")
    assert "prince-georges-county" == slug("Prince George's County")
    assert "dona-ana-county" == slug("Doña Ana County")
    assert "winston-salem" == slug("Winston-Salem")
    assert "winooski" == slug("Winooski")
