"""Finding jurisdiction names as real pages write them."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watcher.status import get_gazetteer
from watcher.status.names import NameFinder, PageContext


@pytest.fixture(scope="module")
def finder():
    return NameFinder(get_gazetteer(), {"new-york-city-ny": ["the five boroughs"]})


def names(finder, text, kind_hint=""):
    """Resolved ids of the non-passing mentions of `text`, in order."""
    context = PageContext()
    mentions = finder.scan(text)
    for mention in mentions:
        finder.learn(mention, context)
    found = []
    for mention in mentions:
        jid = finder.resolve(mention, context, kind_hint)
        if jid and not mention.passing:
            found.append(jid)
    return found


def test_ap_abbreviations_and_postal_codes_qualify_a_city(finder):
    """ "Cook County, Ill.", "Albany, N.Y.", "Saint Paul, MN" resolve in the right state."""
    text = "Cook County, Ill., Albany, N.Y., Burlington, Vt., and Saint Paul, MN"
    assert ["cook-county-il", "albany-ny", "burlington-vt", "saint-paul-mn"] == names(finder, text)


def test_qualifier_is_not_a_mention_of_the_state(finder):
    """ "Rochester, New York" names the city only."""
    assert ["rochester-ny"] == names(finder, "the City of Rochester, New York, was sued")


def test_abbreviated_saints_and_forts_are_spelled_out(finder):
    """ "St. Paul" is saint-paul-mn, "Ft. Lauderdale, Fla." fort-lauderdale-fl."""
    assert ["saint-paul-mn", "fort-lauderdale-fl"] == names(
        finder, "St. Paul and Ft. Lauderdale, Fla., were named"
    )


def test_new_york_is_the_city_in_running_text_and_the_state_when_marked(finder):
    """Bare "New York" is the city; "New York State" and "the State of New York" the state."""
    assert ["los-angeles-ca", "new-york-city-ny"] == names(finder, "Los Angeles and New York")
    assert ["ny"] == names(finder, "the suit against New York State")
    assert ["ny"] == names(finder, "the State of New York")
    assert ["ny"] == names(finder, "New York", kind_hint="state")
    assert ["new-york-city-ny"] == names(finder, "the City of New York, New York")


def test_washington_needs_a_marker(finder):
    """Bare "Washington" is the federal government; D.C. and the state are marked."""
    assert [] == names(finder, "funding from Washington")
    assert ["dc"] == names(finder, "Washington, District of Columbia")
    assert ["wa"] == names(finder, "the State of Washington")
    assert ["seattle-wa"] == names(finder, "Seattle, Washington")


def test_datelines_teams_and_other_names_are_passing(finder):
    """A dateline, "the Chicago Bears", "Lake Ontario" assert nothing."""
    assert [] == names(finder, "CHICAGO — The Chicago Bears won.")
    assert [] == names(finder, "near Lake Ontario")
    assert [] == names(finder, "the Eastern District of California")
    assert [] == names(finder, "a federal judge in Chicago")


def test_officials_and_agencies_stand_for_their_jurisdiction(finder):
    """A police department, sheriff's office or board president is its jurisdiction."""
    text = "the Chicago Police Department and the Milwaukee County Sheriff's Office"
    assert ["chicago-il", "milwaukee-county-wi"] == names(finder, text)
    assert ["cook-county-il", "chicago-il"] == names(
        finder, "Cook County Board President Toni Preckwinkle of Chicago"
    )
    assert ["louisville-ky"] == names(finder, "the Mayor of Louisville agreed")


def test_county_and_city_of_the_same_name(finder):
    """San Francisco's county and city are two ids; Denver's city-county is the city."""
    assert ["san-francisco-county-ca", "san-francisco-ca"] == names(
        finder, "San Francisco County, CA and San Francisco, CA"
    )
    assert ["denver-co"] == names(finder, "the City and County of Denver, Colorado")


def test_adjective_use_of_a_state_is_no_mention(finder):
    """ "a Maryland jurisdiction" and "four New Jersey cities" name no state."""
    assert [] == names(finder, "the only Maryland jurisdiction and four New Jersey cities")


def test_aliases_and_nicknames(finder):
    """A user alias and common nicknames resolve to their jurisdiction."""
    assert ["new-york-city-ny"] == names(finder, "all of the five boroughs")
    assert ["new-york-city-ny", "los-angeles-ca"] == names(finder, "NYC and L.A. officials")


def test_ambiguous_names_need_context(finder):
    """A small town name shared by several states stays unresolved without a state."""
    assert [] == names(finder, "Evans is a town")
    assert ["newark-nj"] == names(finder, "Newark officials")  # far the largest Newark


def test_a_name_qualified_with_two_states_is_left_to_other_evidence(finder):
    """A page that writes "Orange County, New York" and "Orange County, Florida" does not
    take its first qualification for every bare "Orange County"."""
    context = PageContext()
    text = (
        "Orange County, New York. Orange County, Florida. Orlando, Fla. Florida law. Orange County"
    )
    mentions = finder.scan(text)
    for mention in mentions:
        finder.learn(mention, context)
    assert "orange-county-fl" == finder.resolve(mentions[-1], context)


def test_state_after_an_office_qualifies_the_name(finder):
    """ "the Knox County Sheriff's Office in Tennessee" is Tennessee's Knox County."""
    assert ["knox-county-tn"] == names(finder, "the Knox County Sheriff's Office in Tennessee")


def test_county_half_of_a_consolidated_name_is_no_place(finder):
    """ "Louisville/Jefferson County Metro" and "the Metropolitan Government of Nashville and
    Davidson County" name the consolidated city only."""
    assert ["louisville-ky"] == names(finder, "the Louisville/Jefferson County Metro Government")
    assert ["nashville-tn"] == names(
        finder, "the Metropolitan Government of Nashville and Davidson County"
    )


def test_quoted_name_and_part_of_a_law_name_are_passing(finder):
    """A name in quotation marks by itself, and a name inside a law's name, assert no place."""
    assert [] == names(finder, "reports that “Orange County” appears")


def test_a_repeated_text_is_scanned_once_and_the_memo_stays_bounded(monkeypatch):
    """The scan memo answers a repeat with equal mentions in a fresh list, and is cleared when
    it reaches its size instead of growing."""
    import watcher.status.names as names_module

    finder = NameFinder(get_gazetteer())
    text = "The Justice Department wrote to Chicago, Ill., and Cook County."
    first = finder.scan(text)
    first.clear()  # a caller changing its list does not change the next answer
    again = finder.scan(text)
    assert ["Chicago, Ill.", "Cook County"] == [text[m.start : m.end] for m in again]
    assert again is not finder.scan(text)

    monkeypatch.setattr(names_module, "SCAN_MEMO_SIZE", 3)
    for number in range(10):
        finder.scan(f"Release {number} from Boston")
        assert len(finder._scanned) <= 3


@pytest.mark.parametrize(
    "name",
    ["New York", "Prince George's County", "St. Paul", "Doña Ana County", "O’Fallon",
     "Winston-Salem", "L.A.", "new  york", "Coeur d'Alene", "N.Y.C."],
)  # fmt: skip
def test_a_name_is_keyed_alike_by_the_fast_path_and_by_its_tokens(name):
    """name_key's shortcut for plain names gives the key that tokenizing gives."""
    from watcher.status.names import key_of, key_words, name_key, tokenize

    slow = key_of(tokenize(name))
    assert slow == name_key(name)
    assert [token.norm for token in tokenize(slow)] == key_words(slow)


def test_a_hyphenated_county_name_without_county_is_the_county(finder):
    """ "Miami-Dade" alone is Miami-Dade County, not the city of Miami."""
    assert ["miami-dade-county-fl"] == names(
        finder, "no evidence that Miami-Dade is out of compliance"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The states include Illinois, Oregon, Washington and Minnesota.",
            ["il", "or", "wa", "mn"],
        ),
        ("The states are California, New York, and Illinois.", ["ca", "ny", "il"]),
    ],
)
def test_a_state_name_listed_among_states_is_the_state(finder, text, expected):
    """A name in an enumeration of states is a state, not a namesake city in one of them."""
    assert expected == names(finder, text)


def test_an_enumeration_with_a_city_keeps_its_cities(finder):
    """ "Chicago, New York and Boston" is not an enumeration of states."""
    assert ["chicago-il", "new-york-city-ny", "boston-ma"] == names(
        finder, "Chicago, New York and Boston were named."
    )


def test_a_state_before_governments_is_an_adjective(finder):
    """ "taken Washington governments to court" names no place as the object."""
    mentions = finder.scan("The federal government has taken Oregon governments to court.")
    assert ["adjective"] == [m.passing for m in mentions]


def test_an_all_lower_case_caption_names_places_without_capitals(finder):
    """A caption without capitals still names "the state of california, los angeles"."""
    text = "names the county along with the state of california, los angeles and san francisco"
    assert ["ca", "los-angeles-ca", "san-francisco-ca"] == names(finder, text)


def test_a_lower_case_caption_ignores_one_word_names_that_are_words(finder):
    """In a caption, "mobile", "orange", "independence" are words; "city of orange" is a place."""
    assert [] == names(finder, "a mobile unit brought orange juice on independence day")
    assert ["orange-ca"] == names(finder, "officials in the city of orange, california said")


def test_lower_case_names_in_normal_text_are_not_places(finder):
    """Normal text with capitals does not read "new york" in lower case as a place."""
    assert [] == names(finder, "It was done in a new york minute, Officials said.")


def test_a_state_before_local_is_an_adjective(finder):
    """ "Washington local governments" are governments in the state, not the state."""
    mentions = finder.scan("DOJ has sued Illinois local governments before.")
    assert ["adjective"] == [m.passing for m in mentions]


def test_a_lower_case_caption_reads_everyday_phrases_as_phrases(finder):
    """In a caption, "the new city council" and "a high point" name no place."""
    assert [] == names(finder, "the new city council vote was a high point of the night")


def test_a_spaced_hyphen_separates_a_label_from_a_name(finder):
    """ "Removed - Boulder, Colorado" names Boulder; "R-Madisonville" stays part of a name."""
    assert ["boulder-co"] == names(finder, "Removed - Boulder, Colorado")
    assert [] == names(finder, "Rep. Smith (R-Madisonville) spoke.")


def _tokenize_one_match_at_a_time(text):
    """tokenize as first written: a match object per token (the reference for the fast one)."""
    from watcher.status.names import TOKEN_RE, Token, _fold

    lowered_text = text.lower().replace("’", "'")
    tokens = []
    for match in TOKEN_RE.finditer(text):
        start, end = match.span()
        word = match.group()
        lowered = lowered_text[start:end]
        if not lowered.isascii():
            lowered = _fold(lowered)
        if "'" in lowered:
            base = lowered[:-2] if lowered.endswith("'s") and len(lowered) > 3 else lowered
            norm = lowered.replace("'", "")
        else:
            base = norm = lowered
        spaced = end >= len(text) or text[end].isspace()
        tokens.append(Token(start, end, word, norm, base, spaced, word[0].isupper()))
    return tokens


@given(
    st.text(
        alphabet=st.sampled_from(list("aZé ’'_-.,;:\t\n1920§†ÉİßﬁCounty of St. O'Neil")),
        max_size=80,
    )
)
@settings(max_examples=400, deadline=None)
def test_tokenize_gives_the_tokens_of_a_plain_match_by_match_scan(text):
    """The fast tokenize (tokens read with their gaps) gives the same offsets, words, keys and
    spacing as a scan that takes one match at a time, on text with odd characters."""
    from watcher.status.names import tokenize

    assert _tokenize_one_match_at_a_time(text) == tokenize(text)
