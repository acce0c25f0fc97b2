"""The extractor: which jurisdictions a page says what about, on pages written for these tests
in phrasings other than the dev corpus's."""

from datetime import date

import pytest

from watcher.content import parse_html, parse_text
from watcher.models import Block, Page
from watcher.status import Extractor

DOJ_URL = "https://www.justice.gov/opa/pr/example"
NEWS_URL = "https://news.example.com/story"


@pytest.fixture(scope="module")
def extractor():
    return Extractor()


def found(extractor, html, url=NEWS_URL, **options):
    """The (jurisdiction, status) pairs the extractor reads in an HTML page."""
    page = parse_html(f"<html><body><main>{html}</main></body></html>", url)
    return {(f.jurisdiction, f.status) for f in extractor.extract(page, **options)}


# -- enumerations ------------------------------------------------------------------------------


def test_enumeration_with_abbreviated_states_gets_every_status(extractor):
    """Every place of an enumeration gets the clause's statuses, whatever the state form."""
    html = (
        "<p>The Justice Department on Monday told Seattle, Wash., Multnomah County, Ore., and "
        "the state of Vermont that their policies may run afoul of federal law, and gave them a "
        "final chance to respond.</p>"
    )
    expected = {
        (jid, status)
        for jid in ("seattle-wa", "multnomah-county-or", "vt")
        for status in ("non_compliant", "warned")
    }
    assert expected == found(extractor, html)


def test_list_under_an_introduction_inherits_its_finding(extractor):
    """Items under "the following jurisdictions ... may violate:" are non_compliant."""
    html = (
        "<p>The Department has preliminarily found that the following jurisdictions have "
        "policies that may violate 8 U.S.C. 1373:</p><ul><li>Providence, Rhode Island</li>"
        "<li>Hudson County, New Jersey</li></ul><p>Each of these jurisdictions has until "
        "March 3 to provide further evidence before the Department makes a final "
        "determination.</p>"
    )
    assert {
        ("providence-ri", "non_compliant"), ("providence-ri", "warned"),
        ("hudson-county-nj", "non_compliant"), ("hudson-county-nj", "warned"),
    } == found(extractor, html, DOJ_URL)  # fmt: skip


def test_group_statuses_reach_the_letters_recipients_named_later(extractor):
    """A status said of "the jurisdictions" applies to the recipients the page names later."""
    html = (
        "<p>The Justice Department on Tuesday demanded that 12 jurisdictions turn over records "
        "about how they share information with immigration agents.</p>"
        "<p>Among those receiving letters were Austin, Texas, and Travis County, Texas.</p>"
    )
    assert {("austin-tx", "under_review"), ("travis-county-tx", "under_review")} == found(
        extractor, html
    )


# -- negation, hypotheses, generic talk ---------------------------------------------------------


def test_negated_findings_assert_nothing(extractor):
    """ "did not find X compliant", "has not sued X" and "not on the list" are no statuses."""
    html = (
        "<p>The department did not find Chicago compliant. The Justice Department has not "
        "sued Seattle. Maryland is not on the list of sanctuary jurisdictions.</p>"
    )
    assert set() == found(extractor, html)


def test_no_evidence_of_a_violation_is_a_clearance(extractor):
    """ "found no evidence that X is out of compliance" is compliant, not non_compliant."""
    html = (
        "<p>The Justice Department said Friday that it had found no evidence that Hartford, "
        "Conn., was violating federal immigration law.</p>"
    )
    assert {("hartford-ct", "compliant")} == found(extractor, html)


def test_questions_hypotheses_and_generic_threats_assert_nothing(extractor):
    """A question, an "if" and a threat to "cities" naming none give no finding."""
    html = (
        "<p>Will the department sue Portland next?</p>"
        "<p>If the Justice Department sued Portland, the city would fight back.</p>"
        "<p>The attorney general threatened to cut funding to any city that refuses to "
        "cooperate, but he did not name one.</p>"
    )
    assert set() == found(extractor, html)


# -- attribution: who acts -----------------------------------------------------------------------


def test_a_place_saying_it_complies_contests(extractor):
    """A mayor's claim of compliance is the city's stance, not a federal clearance."""
    html = (
        "<p>Mayor Jenny Durkan said Seattle complies with federal law and will not change "
        "its policies.</p>"
    )
    assert {("seattle-wa", "contests")} == found(extractor, html)


def test_the_department_saying_it_complies_is_compliant(extractor):
    """The same words in the department's voice are a clearance."""
    html = "<p>The Justice Department found that Burlington, Vt., complies with Section 1373.</p>"
    assert {("burlington-vt", "compliant")} == found(extractor, html)


def test_a_state_attorney_general_or_a_court_asserts_nothing_federal(extractor):
    """Only federal actors give federal statuses."""
    html = (
        "<p>California Attorney General Rob Bonta sued the city of Huntington Beach over its "
        "voter ID law.</p><p>A federal judge ruled that Philadelphia's policies do not violate "
        "federal law.</p>"
    )
    assert set() == found(extractor, html)


def test_speaker_page_statements_are_the_speakers(extractor):
    """On a city's page, "the City" and "we" are the speaker."""
    html = (
        "<p>The Department of Justice told the City that its ordinance conflicts with federal "
        "law and gave the City until May 1 to change it.</p>"
        "<p>“We follow the law, and we will not back down,” the Mayor said.</p>"
    )
    assert {
        ("oakland-ca", "non_compliant"), ("oakland-ca", "warned"), ("oakland-ca", "contests"),
    } == found(extractor, html, speaker="oakland-ca")  # fmt: skip


def test_speaker_inferred_from_a_government_site_title(extractor):
    """A page titled "... | City of Denver" speaks for Denver."""
    page = parse_html(
        "<html><head><title>Statement | City of Denver</title></head><body><main><p>The City "
        "disputes the department's findings.</p></main></body></html>",
        "https://denvergov.example/news",
    )
    assert [("denver-co", "contests")] == [
        (f.jurisdiction, f.status) for f in extractor.extract(page)
    ]


# -- statuses of their own -----------------------------------------------------------------------


def test_lawsuit_targets_are_the_objects(extractor):
    """The places after "sued"/"lawsuit against" are sued, not a place the story happens in."""
    html = (
        "<p>DENVER (AP) — The Trump administration sued Denver and the state of Colorado on "
        "Tuesday in federal court in Denver, alleging their sanctuary laws are illegal. "
        "Philadelphia, which is suing the administration, was not named.</p>"
    )
    assert {
        ("denver-co", "sued"), ("co", "sued"), ("denver-co", "non_compliant"),
        ("co", "non_compliant"),
    } == found(extractor, html)  # fmt: skip


def test_withheld_grants_are_funding_cut_and_threats_are_warnings(extractor):
    """Money withheld is funding_cut; a threat to cut it to a named place is warned."""
    html = (
        "<p>The Justice Department withheld $1.5 million in grant funds from San Francisco.</p>"
        "<p>The department threatened to cut off grants to Oakland, Calif., unless it changes "
        "course.</p>"
    )
    assert {("san-francisco-ca", "funding_cut"), ("oakland-ca", "warned")} == found(extractor, html)


def test_demand_for_documents_is_under_review_and_a_deadline_with_consequence_warned(extractor):
    """A records demand is under_review; with a deadline and a stated consequence, warned."""
    html = (
        "<p>The Justice Department asked Sacramento County, Calif., to provide documents "
        "showing its compliance by June 1 or face a subpoena.</p>"
        "<p>The department also asked Fresno, Calif., to submit records on its detainer "
        "policy.</p>"
    )
    assert {
        ("sacramento-county-ca", "under_review"), ("sacramento-county-ca", "warned"),
        ("fresno-ca", "under_review"),
    } == found(extractor, html)  # fmt: skip


def test_federal_official_calling_a_place_a_sanctuary_lists_it(extractor):
    """ "sanctuary cities like X" and being put on the DHS list are listed."""
    html = (
        "<p>“Sanctuary cities like Providence put officers at risk,” the attorney general "
        "said.</p><p>Homeland Security included Dallas County, Texas, on its list of "
        "sanctuary jurisdictions.</p>"
    )
    assert {("providence-ri", "listed"), ("dallas-county-tx", "listed")} == found(extractor, html)


def test_removal_from_the_list_is_compliant_not_listed(extractor):
    """ "drops X from the sanctuary list" is compliant only."""
    html = "<h1>DOJ drops Nevada from sanctuary jurisdiction list</h1>"
    assert {("nv", "compliant")} == found(extractor, html)


# -- list pages ----------------------------------------------------------------------------------


LIST_PAGE = (
    "<h1>Sanctuary Jurisdictions</h1><h2>STATES</h2><ul><li>Washington</li><li>New York</li>"
    "</ul><h2>CITIES</h2><ul><li>New York City, NY</li><li>Austin, TX</li><li>Denver, CO</li>"
    "<li>Boston, MA</li></ul><h2>Removed from this list:</h2><ul><li>Nevada – removed "
    "September 2025</li></ul>"
)


def test_list_page_items_are_listed_and_removed_items_compliant(extractor):
    """On a list source every item is listed; items under "Removed" are compliant."""
    assert {
        ("wa", "listed"), ("ny", "listed"), ("new-york-city-ny", "listed"),
        ("austin-tx", "listed"), ("denver-co", "listed"), ("boston-ma", "listed"),
        ("nv", "compliant"),
    } == found(extractor, LIST_PAGE, DOJ_URL, list_page=True)  # fmt: skip


def test_removal_carries_its_date(extractor):
    """A removed item's own date is the finding's event date."""
    page = parse_html(LIST_PAGE, DOJ_URL)
    removal = [f for f in extractor.extract(page, list_page=True) if f.status == "compliant"]
    assert [date(2025, 9, 1)] == [f.event_date for f in removal]


def test_list_recognised_by_its_structure(extractor):
    """A page titled a sanctuary list with bare-name items is read as a list without the flag."""
    html = (
        "<h1>Sanctuary Jurisdiction List</h1><ul><li>Albuquerque, NM</li><li>Berkeley, CA</li>"
        "<li>Boston, MA</li><li>Chicago, IL</li><li>Denver, CO</li></ul>"
    )
    assert 5 == len({j for j, s in found(extractor, html, DOJ_URL) if s == "listed"})


# -- evidence, dates, dedupe, configuration ------------------------------------------------------


def test_evidence_is_the_sentence_and_its_block(extractor):
    """A finding quotes its sentence and points at its block."""
    page = Page(
        url=NEWS_URL,
        title="t",
        blocks=(
            Block("p", "Unrelated opening."),
            Block("p", "Weather was fine. The Justice Department sued Newark, N.J., in May 2025."),
        ),
    )
    [finding] = extractor.extract(page)
    assert ("newark-nj", "sued", 1) == (finding.jurisdiction, finding.status, finding.position)
    assert "The Justice Department sued Newark, N.J., in May 2025." == finding.evidence
    assert date(2025, 5, 1) == finding.event_date


def test_one_finding_per_jurisdiction_and_status(extractor):
    """Repeated assertions give one finding, with the first evidence."""
    page = parse_text(
        "The Justice Department sued Boston on Friday.\nThe lawsuit against Boston is its first.",
        NEWS_URL,
    )
    findings = extractor.extract(page)
    assert [("boston-ma", "sued", 0)] == [(f.jurisdiction, f.status, f.position) for f in findings]


def test_extra_cues_from_configuration():
    """A configured (status, regex) cue adds a phrasing the defaults do not know."""
    extractor = Extractor(extra_cues=[("warned", r"\bon notice\b")])
    page = parse_text("The Justice Department put Tucson, Ariz., on notice Friday.", NEWS_URL)
    assert [("tucson-az", "warned")] == [
        (f.jurisdiction, f.status) for f in extractor.extract(page)
    ]


def test_unknown_status_in_extra_cues_is_refused():
    """A cue for a status the vocabulary lacks is a configuration error."""
    with pytest.raises(ValueError):
        Extractor(extra_cues=[("banned", "x")])


def test_aliases_from_configuration():
    """A configured alias names its jurisdiction."""
    extractor = Extractor(aliases={"new-york-city-ny": ["the Big Apple"]})
    page = parse_text("The Justice Department sued the Big Apple on Thursday.", NEWS_URL)
    assert [("new-york-city-ny", "sued")] == [
        (f.jurisdiction, f.status) for f in extractor.extract(page)
    ]


# -- robustness -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "document",
    [
        b"",
        b"   ",
        b"<html>",
        b"<<<>>>",
        b"\x00\xff\xfe binary \x89PNG",
        "<p>caf\u00e9</p>".encode(),
    ],
)
def test_malformed_or_empty_pages_give_nothing(extractor, document):
    """Broken, empty or binary documents give no findings and raise nothing."""
    assert [] == extractor.extract(parse_html(document, NEWS_URL))


def test_plain_text_page(extractor):
    """A plain-text page is read like HTML."""
    page = parse_text("WASHINGTON — The Justice Department sued Chicago, Ill., on Thursday.")
    assert [("chicago-il", "sued")] == [(f.jurisdiction, f.status) for f in extractor.extract(page)]


def test_empty_page_object(extractor):
    """A Page with no blocks gives nothing."""
    assert [] == extractor.extract(Page(url="", title="", blocks=()))


# -- pages of other shapes ------------------------------------------------------------------------


def test_time_to_show_compliance_is_a_review_unless_a_finding_came_first(extractor):
    """ "until <date> to show it complies" is under_review, but only warned after a finding."""
    review = (
        "<p>The Justice Department said Eugene, Ore., has until Jan. 15 to show it complies "
        "with the law or lose its grants.</p>"
    )
    after_finding = (
        "<p>The Justice Department said Eugene, Ore., may be violating 8 U.S.C. 1373.</p><p>"
        "The department said Eugene, Ore., has until Jan. 15 to show it complies with the law "
        "or lose its grants.</p>"
    )
    assert {("eugene-or", "under_review"), ("eugene-or", "warned")} == found(extractor, review)
    assert {("eugene-or", "non_compliant"), ("eugene-or", "warned")} == found(
        extractor, after_finding
    )


def test_county_statement_reports_the_finding_and_disputes_it(extractor):
    """A county's own page: "our policies" is the county; its rebuttal is contests."""
    page = parse_html(
        "<html><head><title>Statement on DOJ Letter | Montgomery County, MD</title></head><body>"
        "<main><p>“The Department of Justice's letter claiming our policies violate 8 U.S.C. "
        "1373 is wrong, and we will not change our policies,” the County Executive said.</p>"
        "</main></body></html>",
        "https://www.montgomerycountymd.gov/news",
    )
    assert {("montgomery-county-md", "non_compliant"), ("montgomery-county-md", "contests")} == {
        (f.jurisdiction, f.status) for f in extractor.extract(page)
    }


def test_wire_story_with_officials_named_by_title(extractor):
    """A wire story: the suit's targets, the state's and city's answers, a team in passing."""
    html = (
        "<h1>Feds sue Colorado and Denver over immigrant protections</h1><p>DENVER (AP) — The "
        "U.S. Justice Department sued Colorado and Denver on Friday, saying state and city laws "
        "limiting cooperation with immigration agents are illegal.</p><p>Gov. Jared Polis's "
        "office said the lawsuit was baseless. Denver Mayor Mike Johnston said the city would "
        "fight the suit in court.</p><p>The Broncos open training camp next week in "
        "Englewood.</p>"
    )
    assert {
        ("co", "sued"), ("co", "non_compliant"), ("co", "contests"),
        ("denver-co", "sued"), ("denver-co", "non_compliant"), ("denver-co", "contests"),
    } == found(extractor, html)  # fmt: skip


def test_list_in_a_table(extractor):
    """Table cells under an introduction that designates sanctuary jurisdictions are listed."""
    html = (
        "<p>The following jurisdictions are identified as sanctuary jurisdictions:</p><table>"
        "<tr><th>Jurisdiction</th><th>State</th></tr><tr><td>Cook County, Illinois</td>"
        "<td>IL</td></tr><tr><td>City of Austin, Texas</td><td>TX</td></tr></table>"
    )
    assert {("cook-county-il", "listed"), ("austin-tx", "listed")} == found(
        extractor, html, "https://www.dhs.gov/list"
    )


# -- generalisation: causes found on the held-out corpus -----------------------------------------


def test_a_surname_after_a_title_is_a_person_not_a_place(extractor):
    """ "Gov. Bob Ferguson", "Mayor Wilson" and a later bare "Ferguson" name no city."""
    html = (
        "<p>The Justice Department sued Washington state over its immigration law. Gov. Bob "
        "Ferguson said the law is legal. Ferguson said the state would defend it.</p>"
        "<h2>Mayor Wilson responds to the sanctuary jurisdiction list</h2>"
    )
    result = found(extractor, html)
    assert set() == {jid for jid, _ in result} & {"ferguson-mo", "wilson-nc"}
    assert {("wa", "sued"), ("wa", "contests")} <= result


def test_lower_case_state_suffix_names_the_state_and_adjectives_do_not(extractor):
    """ "Washington state" is wa; "a Washington state county" names no state."""
    html = (
        "<p>The Justice Department sued Washington state on Tuesday over immigration. It also "
        "sued a Washington state county over deportation flights.</p>"
    )
    assert {("wa", "sued")} == found(extractor, html)


def test_state_after_in_and_plural_counties(extractor):
    """ "Salem in Oregon" is salem-or; "Prince George's and Montgomery counties" are two."""
    html = (
        "<p>The department said the city of Salem in Oregon had satisfied its review of "
        "Section 1373 compliance.</p><p>Prince George’s and Montgomery counties in Maryland were "
        "added Tuesday to the Justice Department’s list of sanctuary jurisdictions.</p>"
    )
    assert {
        ("salem-or", "compliant"), ("prince-georges-county-md", "listed"),
        ("montgomery-county-md", "listed"),
    } == found(extractor, html)  # fmt: skip


def test_state_offices_make_new_york_the_state(extractor):
    """ "New York Gov.", "Governor X of New York" and the page's later bare "New York" are ny."""
    html = (
        "<p>Attorney General Pam Bondi sent letters warning New York Gov. Kathy Hochul that "
        "officials could face prosecution if they do not drop sanctuary policies.</p><p>Hochul’s "
        "office said New York follows the law.</p>"
    )
    assert {("ny", "warned"), ("ny", "contests")} == found(extractor, html)
    letter = (
        "<p>The department sent a final warning to Governor Kathy Hochul of New York over the "
        "state's immigration laws.</p>"
    )
    assert {("ny", "warned")} == found(extractor, letter)


def test_dated_government_dateline_is_passing(extractor):
    """ "ROCKVILLE, Md., January 20, 2026—" is a dateline, not a place on the list."""
    html = (
        "<p>ROCKVILLE, Md., January 20, 2026—The County Executive responded after the U.S. "
        "Department of Justice added Montgomery County, Maryland, to its list of sanctuary "
        "jurisdictions.</p>"
    )
    assert {("montgomery-county-md", "listed")} == found(extractor, html)


def test_table_rows_with_the_state_in_its_own_column(extractor):
    """ "| Kansas City | KS |" is Kansas City, Kansas; "| Washington | WA | State |" the state."""
    html = (
        "<p>The following jurisdictions were identified as sanctuary jurisdictions:</p><table>"
        "<tr><th>Jurisdiction</th><th>State</th><th>Type</th></tr>"
        "<tr><td>Kansas City</td><td>KS</td><td>City</td></tr>"
        "<tr><td>Springfield</td><td>MA</td><td>City</td></tr>"
        "<tr><td>Washington</td><td>WA</td><td>State</td></tr>"
        "<tr><td>Portland</td><td>Oregon</td><td>City</td></tr></table>"
    )
    assert {
        ("kansas-city-ks", "listed"), ("springfield-ma", "listed"), ("wa", "listed"),
        ("portland-or", "listed"),
    } == found(extractor, html, "https://www.dhs.gov/list")  # fmt: skip


def test_page_chrome_rails_assert_nothing(extractor):
    """Headlines under "Editors' Picks" or "Up Next" are other pages' stories."""
    html = (
        "<p>The Justice Department sued New Jersey on Monday over its immigration directive.</p>"
        "<aside><h2>Editors' Picks</h2><ul><li>Justice Department threatens to cut off grants "
        "to Oakland</li></ul><h2>Up Next</h2><ul><li>Feds sue Colorado and Denver over "
        "immigration laws</li></ul></aside>"
    )
    assert {("nj", "sued")} == found(extractor, html)


def test_a_page_off_the_topic_asserts_no_status_without_a_federal_actor(extractor):
    """A league's "final warning" to Portland and a team suing the city are no statuses."""
    html = (
        "<p>PORTLAND, Ore. — The league gave Portland a final warning over its arena lease, and "
        "the team sued the city of Portland. The league could withhold the city's share of "
        "playoff revenue.</p>"
    )
    assert set() == found(extractor, html)


def test_semicolon_enumeration_names_the_group(extractor):
    """ "The jurisdictions are A, X; B, Y; and C" gives the group's statuses to each."""
    html = (
        "<p>The Justice Department said four jurisdictions have policies that may violate 8 "
        "U.S.C. 1373. The jurisdictions are Providence, Rhode Island; Santa Fe County, New "
        "Mexico; Hudson County, New Jersey; and the State of Oregon.</p>"
    )
    expected = {
        (jid, "non_compliant")
        for jid in ("providence-ri", "santa-fe-county-nm", "hudson-county-nj", "or")
    }
    assert expected == found(extractor, html)


def test_places_that_sued_the_government_contest(extractor):
    """ "lawsuits brought by X and Y", "plaintiffs ... including" are contests for each."""
    html = (
        "<p>A judge ruled in lawsuits brought by Santa Clara County and the city of San "
        "Francisco over immigration funding.</p><p>The order covers the plaintiffs, including "
        "New Haven, Conn., and Minneapolis.</p>"
    )
    assert {
        ("santa-clara-county-ca", "contests"), ("san-francisco-ca", "contests"),
        ("new-haven-ct", "contests"), ("minneapolis-mn", "contests"),
    } == found(extractor, html)  # fmt: skip


def test_names_need_their_capitals_and_county_of_is_the_county(extractor):
    """ "the Oregon city" is not Oregon City; "County of Santa Clara" is the county."""
    html = (
        "<p>The Justice Department's sanctuary list names 35 jurisdictions, including Multnomah "
        "County, where the Oregon city is located.</p><p>The Justice Department withheld "
        "immigration-conditioned grant funds from the County of Santa Clara.</p>"
    )
    result = found(extractor, html, DOJ_URL)
    assert ("multnomah-county-or", "listed") in result
    assert ("santa-clara-county-ca", "funding_cut") in result
    assert set() == {jid for jid, _ in result} & {"oregon-city-or", "santa-clara-ca"}


def test_calling_a_place_a_sanctuary_lists_it_only_in_a_federal_voice(extractor):
    """An op-ed's "sanctuary cities like Chicago" lists no one; the attorney general's does."""
    op_ed = "<p>Sanctuary cities like Chicago are safer than cities that hand people to ICE.</p>"
    official = (
        "<p>“Sanctuary cities like Chicago protect criminals,” the attorney general said.</p>"
    )
    assert set() == found(extractor, op_ed)
    assert {("chicago-il", "listed")} == found(extractor, official)


def test_deadline_consequence_in_the_next_sentence_and_colon_lists(extractor):
    """A consequence in the next sentence makes a deadline a warning; "removed: X" clears X."""
    html = (
        "<p>The Department of Justice sent letters to the mayor of Durham, North Carolina, "
        "requesting all records of its responses to immigration detainers. Durham has 30 days "
        "to produce the records. A jurisdiction that fails to comply may be subpoenaed.</p>"
        "<p>Jurisdictions removed since the previous version of the sanctuary list: Paterson, "
        "New Jersey.</p>"
    )
    assert {
        ("durham-nc", "under_review"), ("durham-nc", "warned"), ("paterson-nj", "compliant"),
    } == found(extractor, html, DOJ_URL)  # fmt: skip


def test_records_deadline_without_consequence_is_no_warning(extractor):
    """ "30 days to provide the records" with nothing at stake is under_review only."""
    html = (
        "<p>The U.S. Justice Department has asked the city of St. Louis to turn over records "
        "on immigration holds. The letter gives the city 30 days to provide the records.</p>"
    )
    assert {("saint-louis-mo", "under_review")} == found(extractor, html)


def test_lawsuit_against_the_state_and_its_act(extractor):
    """ "the lawsuit it filed against the state" is sued; "the Act violates the Supremacy Clause"
    is the state's non_compliant."""
    html = (
        "<p>A court handed the Justice Department a win over New Jersey’s immigrant directive in "
        "the lawsuit it filed against the state in 2020.</p><p>The Justice Department sued "
        "the State of Washington. The complaint alleges that the Keep Washington Working Act "
        "violates the Supremacy Clause.</p>"
    )
    assert {("nj", "sued"), ("wa", "sued"), ("wa", "non_compliant")} == found(extractor, html)


def test_more_federal_phrasings(extractor):
    """Refusing to release a grant, a review of compliance, no violation found, taken off it."""
    html = (
        "<p>The Justice Department has refused to release Oakland's $1.2 million police grant "
        "over immigration.</p><p>The Department is reviewing a recently enacted Newark ordinance "
        "on immigration.</p><p>The Department told Salem, Oregon, that it had found no "
        "violation of Section 1373.</p><p>Two counties joined the sanctuary list, the first "
        "since Baltimore County was taken off it in October.</p>"
    )
    assert {
        ("oakland-ca", "funding_cut"), ("newark-nj", "under_review"), ("salem-or", "compliant"),
        ("baltimore-county-md", "compliant"),
    } == found(extractor, html)  # fmt: skip


def test_more_stance_phrasings_and_first_person_on_own_page(extractor):
    """ "would keep its ordinance", "challenge it in court" and "Our policies" contest."""
    html = (
        "<p>Bass said Los Angeles would keep its sanctuary ordinance despite the immigration "
        "letter. Worcester officials called the decision unlawful and said the city would "
        "challenge it in court.</p>"
    )
    assert {("los-angeles-ca", "contests"), ("worcester-ma", "contests")} == found(extractor, html)
    page = parse_html(
        "<html><head><title>Mayor responds | Portland.gov</title></head><body><main><p>Our "
        "policies follow Oregon law and federal law.</p></main></body></html>",
        "https://www.portland.gov/news",
    )
    assert [("portland-or", "contests")] == [
        (f.jurisdiction, f.status) for f in extractor.extract(page)
    ]


def test_a_contrast_clause_and_a_state_governors_grant_cut(extractor):
    """ "X was on the list, while Y was not" lists X only; a governor's cut is not federal."""
    html = (
        "<p>Kansas City, Kansas, was named on a list of sanctuary jurisdictions that the "
        "Department of Homeland Security posted, while Kansas City, Missouri, was not on it.</p>"
        "<p>Gov. Greg Abbott on Monday cut off $1.5 million in grants to Travis County, Texas, "
        "over its immigration detainer policy.</p>"
    )
    assert {("kansas-city-ks", "listed")} == found(extractor, html)


# -- second held-out batch: one test per cause fixed ------------------------------------------


def page_with_title(title, body):
    """A full page with a <title>, for rules that read the site's name."""
    return f"<html><head><title>{title}</title></head><body><main>{body}</main></body></html>"


def found_in(extractor, html, url=NEWS_URL):
    """The (jurisdiction, status) pairs of a complete HTML page."""
    return {(f.jurisdiction, f.status) for f in extractor.extract(parse_html(html, url))}


def test_case_names_give_the_plaintiff_and_the_defendant(extractor):
    """ "United States v. Oregon" is a federal suit; "City of Seattle v. Barr" is Seattle's
    challenge; "United States v. <a person>" names no place."""
    html = (
        "<p>The theory echoes United States v. Oregon, filed in 2019. Seattle fought the grant "
        "rules in City of Seattle v. Barr. The sentencing in United States v. Luis Paredes "
        "followed a release from the King County jail after an immigration detainer.</p>"
    )
    assert {("or", "sued"), ("seattle-wa", "contests")} == found(extractor, html)


def test_a_suit_against_the_administration_is_the_places_challenge(extractor):
    """Places that join a suit against the administration contest; they are not sued."""
    html = (
        "<p>Twelve counties joined the lawsuit against the administration over the sanctuary "
        "funding order, including Multnomah County, Oregon, and Dane County, Wisconsin.</p>"
    )
    assert {("multnomah-county-or", "contests"), ("dane-county-wi", "contests")} == found(
        extractor, html
    )


def test_a_place_that_sues_another_place_is_no_federal_suit(extractor):
    """ "Huntington Beach sued the State of California" asserts no federal lawsuit."""
    html = (
        "<p>On immigration, Huntington Beach took the other side: the city sued the State of "
        "California over its sanctuary law. Escondido sued California too.</p>"
    )
    assert set() == found(extractor, html)


def test_a_correction_retracts_what_it_reports(extractor):
    """What an earlier version "misstated" or "incorrectly said" is not asserted."""
    html = (
        "<p>An earlier version of this article misstated that the Justice Department had sued "
        "Alameda County. The department sent the county a letter saying its jail policy may "
        "violate federal law.</p>"
    )
    assert {("alameda-county-ca", "non_compliant")} == found(extractor, html)


def test_an_enumeration_of_defendants_stops_at_a_quotation(extractor):
    """A place inside a quotation after the defendants is not one of them."""
    html = (
        "<p>The senator praised the department's lawsuit against Boston, filed in September, "
        "as “a warning to Massachusetts and every state like it.”</p>"
    )
    assert {("boston-ma", "sued")} == found(extractor, html)


def test_on_a_possessive_list_and_a_negation_far_from_it(extractor):
    """ "on the Justice Department's new sanctuary list" lists; "never placed X ... on a
    published sanctuary list" does not."""
    listed = (
        "<p>Dane and Milwaukee counties are on the Justice Department's new sanctuary list.</p>"
    )
    assert {("dane-county-wi", "listed"), ("milwaukee-county-wi", "listed")} == found(
        extractor, listed
    )
    never = (
        "<p>Critics call Madison welcoming, but the federal government has never placed Madison "
        "or Dane County on a published sanctuary list.</p>"
    )
    assert set() == found(extractor, never)


def test_a_relative_clause_on_the_list_belongs_to_its_place(extractor):
    """ "X should not be confused with Y, the suburb that has been on the list" lists Y only."""
    html = (
        "<p>Franklin County, Pa., should not be confused with Franklin County, Ohio, the "
        "Ohio county that has been on the department's sanctuary list since August.</p>"
    )
    assert {("franklin-county-oh", "listed")} == found(extractor, html)


def test_such_letters_repeat_the_statuses_of_the_letter_told(extractor):
    """Places that received "such letters" get the statuses of the letter just described."""
    html = (
        "<p>The Justice Department told Alameda County on Tuesday that its policy may violate "
        "federal law and gave it until March 3 to respond or risk losing a grant. Sonoma County "
        "and Fresno County received such letters too.</p>"
    )
    expected = {
        (jid, status)
        for jid in ("alameda-county-ca", "sonoma-county-ca", "fresno-county-ca")
        for status in ("non_compliant", "warned")
    }
    assert expected == found(extractor, html)


def test_a_question_heading_is_answered_by_the_paragraph_below(extractor):
    """ "Who was sued?" followed by a list of names: those places were sued; a "No." answer
    denies its question."""
    html = (
        "<h2>Who was sued over sanctuary laws?</h2>"
        "<p>The State of Oregon and the city of Portland.</p>"
        "<h2>Has money been withheld?</h2><p>No. Officials say grants are being reviewed.</p>"
    )
    assert {("or", "sued"), ("portland-or", "sued")} == found(extractor, html)


def test_the_state_law_and_the_local_ordinances_are_the_defendants(extractor):
    """ "the state's law and the local ordinances" refers to every place just sued."""
    html = (
        "<p>The Justice Department sued Oregon, Portland and Multnomah County on Monday. "
        "The complaint argues that the state's sanctuary law and the local ordinances conflict "
        "with federal immigration law.</p>"
    )
    expected = {
        (jid, status)
        for jid in ("or", "portland-or", "multnomah-county-or")
        for status in ("sued", "non_compliant")
    }
    assert expected == found(extractor, html)


def test_a_quoted_name_is_talked_about_not_asserted(extractor):
    """News that “Orange County” is on a list asserts nothing for the page's own county."""
    html = page_with_title(
        "Statement on the List | Orange County Sheriff's Office",
        "<p>ORLANDO, Fla. — Residents asked us after reports that “Orange County” appears on "
        "the list of sanctuary jurisdictions. The entry on that list is Orange County, New "
        "York. Orange County, Florida, is not on the list.</p>",
    )
    assert {("orange-county-ny", "listed")} == found_in(extractor, html)


def test_a_member_of_congress_does_not_speak_for_a_city(extractor):
    """A senator arguing that a city's ordinance is lawful is not the city contesting."""
    html = (
        "<p>U.S. Senator Ana Ruiz (D-N.M.) wrote to the attorney general about Albuquerque. "
        "Ruiz argued that the ordinance is consistent with federal law.</p>"
    )
    assert set() == found(extractor, html)


def test_the_governor_is_of_the_state_the_page_is_about(extractor):
    """ "Governor Hochul's office" on a page about New York is New York, even right after
    another state is named."""
    html = (
        "<p>The Justice Department sued the State of New York over its immigration law. New York "
        "officials had expected "
        "it; the same theory failed against California.</p>"
        "<p>Governor Hochul's office called the suit baseless.</p>"
    )
    assert ("ny", "contests") in found(extractor, html)
    assert ("ca", "contests") not in found(extractor, html)


def test_the_county_after_namesakes_is_the_one_the_page_is_about(extractor):
    """After "X County, Pa., should not be confused with X County, Md.", "the county" is
    the Pennsylvania county the story is about."""
    html = (
        "<p>NORRISTOWN, Pa. — The Justice Department asked Montgomery County to provide copies "
        "of its detainer policies.</p><p>Montgomery County, Pa., should not be confused with "
        "Montgomery County, Md.</p><p>The commissioners said the county's policy is consistent "
        "with federal law.</p>"
    )
    assert {
        ("montgomery-county-pa", "under_review"), ("montgomery-county-pa", "contests"),
    } == found(extractor, html)  # fmt: skip


def test_commissioners_in_a_county_speak_for_it(extractor):
    """ "Commissioners in Washington County say ..." is the county, not a location."""
    html = (
        "<p>HILLSBORO, Ore. — Commissioners in Washington County say the Justice Department got "
        "it wrong when it put the county on its list of sanctuary jurisdictions.</p>"
    )
    assert {
        ("washington-county-or", "listed"), ("washington-county-or", "contests"),
    } == found(extractor, html)  # fmt: skip


def test_metro_is_the_consolidated_government_of_the_site(extractor):
    """On a consolidated government's site, "Metro" is the city and the county half of its
    long name is no place of its own."""
    html = page_with_title(
        "Mayor Responds to Letter | Nashville.gov",
        "<p>The Metropolitan Government of Nashville and Davidson County received a letter "
        "from the Department of Justice asserting that an executive order violates federal "
        "law.</p><p>The letter asks Metro to rescind the order within 14 days or face legal "
        "action. Metro will not rescind it, the mayor said.</p>",
    )
    assert {
        ("nashville-tn", "non_compliant"), ("nashville-tn", "warned"), ("nashville-tn", "contests"),
    } == found_in(extractor, html, url="https://www.nashville.gov/news/x")  # fmt: skip


def test_self_declared_non_sanctuary_contests_only_a_listing(extractor):
    """A city that "declared itself a non-sanctuary city" contests nothing unless listed."""
    html = (
        "<p>The department's sanctuary list drew protests. Yorba Linda, which declared itself a "
        "“non-sanctuary city” in 2018, applauded the list.</p>"
    )
    assert set() == found(extractor, html)


def test_white_house_and_ice_officials_speak_for_the_administration(extractor):
    """A White House release, or an ICE official quoted elsewhere, lists the places it calls
    sanctuary jurisdictions; a member of Congress does not."""
    release = "<p>Sanctuary jurisdictions such as Seattle and Denver release criminal aliens.</p>"
    assert {("seattle-wa", "listed"), ("denver-co", "listed")} == found(
        extractor, release, url="https://www.whitehouse.gov/fact-sheets/x"
    )
    hearing = (
        "<p>The chairman called Boston “the worst sanctuary city in America.” A deputy director "
        "of U.S. Immigration and Customs Enforcement testified that Denver is “among the worst "
        "sanctuary jurisdictions” in the country.</p>"
    )
    assert {("denver-co", "listed")} == found(extractor, hearing)


def test_removed_after_appearing_on_a_list_is_compliant(extractor):
    """ "Two places that appeared on the May list, A and B, have been removed" clears both."""
    html = (
        "<p>Two jurisdictions that appeared on the May list of sanctuary jurisdictions, Dane "
        "County, Wisconsin, and Boulder, Colorado, have been removed.</p>"
    )
    assert {("dane-county-wi", "compliant"), ("boulder-co", "compliant")} == found(extractor, html)


def test_funds_that_could_be_withheld_are_a_threat(extractor):
    """ "warn that grant funds could be withheld" is no funding cut."""
    html = (
        "<p>The Justice Department gave Santa Fe until May 1 to submit evidence that it "
        "complies, and warned that Byrne JAG funds could be withheld.</p>"
    )
    assert ("santa-fe-nm", "funding_cut") not in found(extractor, html)


def test_the_sites_own_place_wins_over_a_namesake_on_the_page(extractor):
    """On "City of Springfield, MA", a bare "Springfield" is Massachusetts' even when the page
    also names Springfield, Illinois."""
    html = page_with_title(
        "Statement on the List | City of Springfield, MA",
        "<p>Springfield appears among the sanctuary jurisdictions on the list DHS posted.</p>"
        "<p>Springfield, Illinois, the capital of Illinois, is a different city.</p>",
    )
    assert {("springfield-ma", "listed")} == found_in(extractor, html)


def test_items_under_were_removed_are_compliant(extractor):
    """ "The following jurisdictions were removed:" makes its items compliant, not listed."""
    html = (
        "<h1>Sanctuary Jurisdiction List Update</h1><p>The following jurisdictions were added "
        "to the sanctuary jurisdiction list:</p><ul><li>Boulder, Colorado</li></ul>"
        "<p>The following jurisdictions were removed:</p><ul><li>Louisville, Kentucky</li></ul>"
    )
    assert {("boulder-co", "listed"), ("louisville-ky", "compliant")} == found(
        extractor, html, url=DOJ_URL
    )


def test_a_private_suit_against_a_city_is_no_federal_suit(extractor):
    """A suit "brought by two residents against the City" neither sues nor contests; one
    "brought by" places lists them as plaintiffs."""
    private = (
        "<p>The Justice Department filed a statement of interest in a lawsuit brought by two "
        "Evanston residents against the City of Evanston over its immigration records policy.</p>"
    )
    assert set() == found(extractor, private, url=DOJ_URL)
    plaintiffs = (
        "<p>A judge ruled in lawsuits brought by Santa Clara County and the city of San "
        "Francisco against the sanctuary order.</p>"
    )
    assert {("santa-clara-county-ca", "contests"), ("san-francisco-ca", "contests")} == found(
        extractor, plaintiffs
    )


def test_a_police_commissioner_speaks_for_the_city(extractor):
    """ "Police Commissioner X said the department will not change how ..." contests."""
    html = (
        "<p>BOSTON — Police Commissioner Michael Cox said the department will not change how it "
        "handles ICE detainers, a week after the Justice Department warned Boston that its "
        "Trust Act may violate federal law.</p>"
    )
    assert ("boston-ma", "contests") in found(extractor, html)


def test_a_sheriffs_office_under_review_is_no_actor(extractor):
    """ "closed its review of the X County Sheriff's Office and found no evidence" is the
    department's finding, not the sheriff's."""
    html = (
        "<p>SAN ANTONIO — The Justice Department closed its review of the Bexar County Sheriff's "
        "Office and found no evidence that the county violated Section 1373, the sheriff said.</p>"
    )
    assert ("bexar-county-tx", "compliant") in found(extractor, html)


# -- held-out batch 3 causes -------------------------------------------------------------------


def test_took_to_court_and_complaint_names_are_suits(extractor):
    """'took X to court' and 'a complaint filed in June names X' sue the places they name."""
    html = (
        "<p>The Justice Department has fought sanctuary policies all year.</p>"
        "<p>In April the department took Rochester, New York, to court over its ordinance.</p>"
        "<p>A complaint filed in June names Los Angeles.</p>"
    )
    pairs = found(extractor, html)
    assert {("rochester-ny", "sued"), ("los-angeles-ca", "sued")} <= pairs


def test_a_court_named_only_after_the_suit_is_not_its_actor(extractor):
    """'is suing X in a case that a federal judge dismissed': the judge does not cancel the suit."""
    html = (
        "<p>The Justice Department is suing Boston, Seattle and Denver over sanctuary policies "
        "in a case that a federal judge in Chicago dismissed in July.</p>"
    )
    pairs = found(extractor, html)
    assert {("boston-ma", "sued"), ("seattle-wa", "sued"), ("denver-co", "sued")} <= pairs


def test_a_warning_of_litigation_to_be_pursued_is_warned(extractor):
    """'warned that the Department will pursue litigation' is a warning for the place named."""
    html = (
        "<p>The Justice Department warned Baltimore that the Department will pursue "
        "litigation if the city keeps its sanctuary policies.</p>"
    )
    assert ("baltimore-md", "warned") in found(extractor, html, url=DOJ_URL)


def test_an_appositive_sanctuary_city_in_a_federal_release_lists_the_place(extractor):
    """'Philadelphia, a sanctuary city, released him' in a DHS release lists Philadelphia."""
    html = (
        "<p>Philadelphia, a sanctuary city, released a man charged with assault despite an "
        "ICE detainer, the Department of Homeland Security said.</p>"
    )
    pairs = found(extractor, html, url="https://www.dhs.gov/news/2025/07/30/example")
    assert ("philadelphia-pa", "listed") in pairs


# -- held-out batch 3 causes, round 4 ------------------------------------------------------------


def test_it_after_a_sentence_about_the_department_is_the_department(extractor):
    """'It is suing Illinois, ...' after a sentence about the department sues the places."""
    html = (
        "<p>Since February, the Justice Department has taken eight jurisdictions to court over "
        "sanctuary policies.</p>"
        "<p>It is suing Illinois, Chicago and Cook County in a single case.</p>"
    )
    pairs = found(extractor, html)
    assert {("il", "sued"), ("chicago-il", "sued"), ("cook-county-il", "sued")} <= pairs


def test_which_the_department_took_to_court_sues_the_place_before(extractor):
    """'Rochester, New York, which the department took to court in April' sues Rochester."""
    html = (
        "<p>Rochester, New York, which the department took to court in April, was the first "
        "city sued over its sanctuary ordinance this year.</p>"
    )
    assert ("rochester-ny", "sued") in found(extractor, html)


def test_a_place_described_as_home_to_another_lists_only_the_first(extractor):
    """'Bernalillo County, home to Albuquerque, remains on the list' does not list Albuquerque."""
    html = (
        "<p>The Department of Homeland Security's list of sanctuary jurisdictions names 500 "
        "places.</p><p>Bernalillo County, home to Albuquerque, remains on the list, DHS said.</p>"
    )
    pairs = found(extractor, html)
    assert ("bernalillo-county-nm", "listed") in pairs
    assert ("albuquerque-nm", "listed") not in pairs


def test_removed_in_an_update_is_compliant(extractor):
    """'X, which appeared on the first version, was removed in the June update' clears X."""
    html = (
        "<p>The Department of Homeland Security updated its list of sanctuary jurisdictions.</p>"
        "<p>Santa Fe, which appeared on the first version in May, was removed in the June "
        "update, a DHS spokeswoman confirmed.</p>"
    )
    assert ("santa-fe-nm", "compliant") in found(extractor, html)


def test_following_state_law_is_no_stance(extractor):
    """'the department follows Indiana law' says nothing about federal immigration law."""
    html = (
        "<p>INDIANAPOLIS — The state attorney general says Indianapolis shields immigrants. "
        "IMPD Chief Chris Bailey said the department follows Indiana law.</p>"
    )
    pairs = found(extractor, html)
    assert set() == {p for p in pairs if p[1] in {"compliant", "contests"}}


def test_defending_values_in_court_is_no_stance(extractor):
    """'will defend its values in court' is not a dispute of a federal finding."""
    html = (
        "<p>PORTLAND, Ore. — The Justice Department sued Portland over its sanctuary policy. "
        'Mayor Keith Wilson said Portland "will defend its values in court."</p>'
    )
    assert ("portland-or", "contests") not in found(extractor, html)


def test_what_social_media_posts_claimed_is_not_asserted(extractor):
    """'Social media posts claimed that X had been named a sanctuary jurisdiction' lists no one."""
    html = (
        "<p>NORRISTOWN, Pa. — Social media posts this week claimed that Bucks County had been "
        "named a sanctuary jurisdiction by the Department of Homeland Security.</p>"
    )
    assert ("bucks-county-pa", "listed") not in found(extractor, html)


def test_the_dateline_state_wins_over_a_later_qualified_namesake(extractor):
    """'WAUKEGAN, Ill. — Lake County' is Illinois's even if 'Lake County, Florida' follows."""
    html = (
        "<p>WAUKEGAN, Ill. — Lake County Sheriff John Idleburg said that his office was wrongly "
        "included on the Justice Department's list of sanctuary jurisdictions.</p>"
        "<p>Elsewhere, in Lake County, Florida, the sheriff signed a 287(g) agreement.</p>"
    )
    pairs = found(extractor, html)
    assert {("lake-county-il", "listed"), ("lake-county-il", "contests")} <= pairs
    assert ("lake-county-fl", "listed") not in pairs


def test_a_department_spokesperson_saying_the_city_complies_is_a_clearance(extractor):
    """'A department spokesperson said the city now complies with federal law' is compliant."""
    html = (
        "<p>COLUMBIA, Mo. — Columbia has been taken off the Justice Department's list of "
        "sanctuary jurisdictions.</p><p>A department spokesperson said the city now complies "
        "with federal law.</p>"
    )
    pairs = found(extractor, html)
    assert ("columbia-mo", "compliant") in pairs
    assert ("columbia-mo", "contests") not in pairs


def test_each_letter_demanding_a_plan_by_a_date_warns_the_recipients(extractor):
    """'Each letter demands that the jurisdiction identify, by August 19, ...' warns each one."""
    html = (
        "<p>Attorney General Pamela Bondi today sent letters to the mayors of Baltimore and "
        "St. Louis.</p><p>Each letter demands that the jurisdiction identify, by August 19, the "
        "steps it will take to end its sanctuary policies.</p>"
    )
    pairs = found(extractor, html, url=DOJ_URL)
    assert {("baltimore-md", "warned"), ("saint-louis-mo", "warned")} <= pairs


def test_listed_x_as_sanctuary_jurisdictions_and_all_three_local_governments(extractor):
    """'had listed all three local governments as sanctuary jurisdictions' skips the state."""
    html = (
        "<p>DOJ sues Minnesota, Minneapolis, St. Paul and Hennepin County over sanctuary laws.</p>"
        "<p>The Justice Department had listed all three local governments as sanctuary "
        "jurisdictions in August. It also listed Boston as a sanctuary jurisdiction.</p>"
    )
    pairs = found(extractor, html)
    assert {("minneapolis-mn", "listed"), ("hennepin-county-mn", "listed")} <= pairs
    assert ("boston-ma", "listed") in pairs
    assert ("mn", "listed") not in pairs


# -- held-out batch 4 causes -------------------------------------------------------------------


def test_a_places_own_municipal_code_names_the_place(extractor):
    """'the Hartford Municipal Code may violate 8 U.S.C. 1373' is a finding about Hartford."""
    html = (
        "<p>The Department has preliminarily concluded that Chapter 2 of the Hartford Municipal "
        "Code may violate 8 U.S.C. 1373.</p>"
    )
    assert ("hartford-ct", "non_compliant") in found(extractor, html, url=DOJ_URL)


def test_you_in_a_federal_letter_is_its_one_recipient(extractor):
    """'You may submit ... by October 30. Absent a response, ... may withhold' warns."""
    html = (
        "<p>The Department has preliminarily concluded that the Hartford Municipal Code may "
        "violate 8 U.S.C. 1373.</p><p>You may submit further evidence by October 30, 2025. "
        "Absent a satisfactory response, the Department may withhold the city's Byrne JAG "
        "award.</p>"
    )
    assert ("hartford-ct", "warned") in found(extractor, html, url=DOJ_URL)


def test_a_state_official_named_by_surname_alone_is_no_federal_actor(extractor):
    """After 'Texas Attorney General Ken Paxton', 'Paxton sued Austin' is no federal suit."""
    html = (
        "<p>AUSTIN — Texas Attorney General Ken Paxton sued the city of Dallas on Monday over a "
        "police order on immigration questions.</p><p>Paxton sued Austin and Travis County "
        "officials over similar rules in 2019.</p>"
    )
    pairs = found(extractor, html)
    assert set() == {p for p in pairs if p[1] == "sued"}


def test_a_subjunctive_request_for_records_opens_a_review(extractor):
    """'requesting that the County produce its detainer policies' is under_review, while
    'demanded that Boston send a plan for changing its policies' is not."""
    html = (
        "<p>Santa Clara County received a letter from the Department of Justice requesting that "
        "the County produce its detainer policies and related records within 30 days.</p>"
    )
    assert ("santa-clara-county-ca", "under_review") in found(extractor, html)
    html = "<p>The Attorney General demanded that Boston send a plan for changing its policies.</p>"
    assert ("boston-ma", "under_review") not in found(extractor, html)


def test_ice_calling_a_place_a_sanctuary_city_lists_it(extractor):
    """'ICE calls Worcester a ‘sanctuary city’' lists Worcester; critics calling it so do not."""
    html = "<ul><li>ICE calls Worcester a ‘sanctuary city’ after courthouse clash</li></ul>"
    assert {("worcester-ma", "listed")} == found(extractor, html)
    assert set() == found(extractor, "<p>Critics call Worcester a sanctuary city.</p>")


def test_a_sanctuary_appositive_after_in_lists_the_place(extractor):
    """On a federal page 'In Philadelphia, a sanctuary city, ...' lists Philadelphia; a bare
    'In Denver, a man was arrested' says nothing about Denver."""
    html = (
        "<p>In Philadelphia, a sanctuary city, jail officials released a man charged with "
        "assault. In Denver, Colo., a sanctuary city, the jail did the same. In Boston, a man "
        "was arrested.</p>"
    )
    expected = {("philadelphia-pa", "listed"), ("denver-co", "listed")}
    assert expected == found(extractor, html, url="https://www.dhs.gov/news/2025/07/30/x")


def test_every_place_joined_before_sued_contests(extractor):
    """'San Francisco and Santa Clara County sued in May' is a challenge by both of them."""
    html = (
        "<p>San Francisco and Santa Clara County sued in May, arguing that Congress never "
        "attached immigration conditions to the grants.</p>"
    )
    expected = {("san-francisco-ca", "contests"), ("santa-clara-county-ca", "contests")}
    assert expected == found(extractor, html)


def test_a_closed_or_urged_review_is_no_open_review(extractor):
    """'Closes Review of Allegheny County' and 'urging the DOJ to open an investigation into
    Travis County' open no review; 'opened an investigation into Denver' does."""
    html = (
        "<h2>Justice Department Closes Review of Allegheny County Detainer Policy</h2>"
        "<p>Rep. Chip Roy sent a letter urging the Department of Justice to open an "
        "investigation into Travis County's handling of immigration detainers.</p>"
        "<p>The Justice Department opened an investigation into Denver.</p>"
    )
    assert {("denver-co", "under_review")} == found(extractor, html)


def test_a_conditional_recommendation_cuts_no_funds(extractor):
    """'should investigate and, if the facts bear it out, cut off their grants' is no cut."""
    html = (
        '<p>Travis County releases too many people, Rep. Roy wrote. "The Department should '
        'investigate and, if the facts bear it out, cut off their federal grants."</p>'
    )
    assert set() == {p for p in found(extractor, html) if p[1] == "funding_cut"}


def test_a_federal_official_saying_on_our_list_lists_the_place(extractor):
    """'BONDI: Jersey City is on our list' lists Jersey City; a mayor's 'our list' does not."""
    html = "<p><strong>ATTORNEY GENERAL BONDI:</strong> Jersey City is on our list.</p>"
    assert {("jersey-city-nj", "listed")} == found(extractor, html)
    html = "<p>Mayor Baraka said Newark is on our list of partner cities.</p>"
    assert set() == found(extractor, html)


def test_the_citys_and_countys_policies_refer_to_the_places_just_named(extractor):
    """'the city's and county's policies, along with Oregon's statute, are preempted' is a
    finding about Portland and Multnomah County as well as Oregon."""
    html = (
        "<p>The Justice Department filed suit Tuesday against the city of Portland and "
        "Multnomah County. The complaint alleges that the city's and county's policies, along "
        "with Oregon's 1987 sanctuary statute, are preempted by federal law.</p>"
    )
    pairs = found(extractor, html)
    expected = {("portland-or", "non_compliant"), ("multnomah-county-or", "non_compliant")}
    assert expected <= pairs


def test_a_counted_group_beside_a_named_state_takes_the_finding(extractor):
    """'took Minnesota and three of its largest local governments to court, alleging that
    their ordinances unlawfully obstruct ...' reaches the three named next."""
    html = (
        "<p>The federal government took Minnesota and three of its largest local governments "
        "to court Monday, alleging in a complaint that their separation ordinances unlawfully "
        "obstruct immigration enforcement. Named as defendants are the state, the cities of "
        "Minneapolis and St. Paul, and Hennepin County.</p>"
    )
    pairs = found(extractor, html)
    expected = {
        ("minneapolis-mn", "non_compliant"),
        ("saint-paul-mn", "non_compliant"),
        ("hennepin-county-mn", "non_compliant"),
    }
    assert expected <= pairs


def test_a_bare_name_before_its_lesser_namesake_is_the_larger_city(extractor):
    """'Kansas City is on the federal list' then 'Kansas City, Kansas, was not' lists the
    Missouri city, not the Kansas one."""
    html = (
        "<p>Kansas City is on the federal government's new list of sanctuary jurisdictions. "
        "Across State Line Road, Kansas City, Kansas, was not on the list.</p>"
    )
    assert {("kansas-city-mo", "listed")} == found(extractor, html)


def test_a_places_own_stance_in_a_list_item_contests(extractor):
    """Under 'letters to five jurisdictions ... Where things stand:', an item whose city
    attorney says the city complies is a contest as well as a letter recipient."""
    html = (
        "<p>The Justice Department last week sent letters to two Western jurisdictions saying "
        "their policies appear to conflict with federal law. Where things stand:</p><ol>"
        "<li><strong>Albuquerque, N.M.</strong> – The city attorney said Albuquerque complies "
        "with federal law.</li><li><strong>Tucson, Ariz.</strong> – The mayor has not "
        "responded.</li></ol>"
    )
    assert ("albuquerque-nm", "contests") in found(extractor, html)
    assert ("tucson-az", "contests") not in found(extractor, html)


def test_a_list_item_whose_letter_was_withdrawn_is_no_recipient(extractor):
    """Under a list of letter recipients, an item whose letter 'had been sent in error and
    withdrawn' takes none of the letter's statuses."""
    html = (
        "<p>The Justice Department sent letters to two jurisdictions saying their policies "
        "appear to conflict with federal law and giving each 30 days to change course or lose "
        "federal grants:</p><ol><li>Tucson, Ariz. – The mayor has not responded.</li>"
        "<li>Pima County, Ariz. – A spokesperson said the county's letter had been sent in "
        "error and withdrawn.</li></ol>"
    )
    pairs = found(extractor, html)
    assert ("tucson-az", "warned") in pairs
    assert set() == {p for p in pairs if p[0] == "pima-county-az"}


def test_named_on_the_departments_list_on_a_sanctuary_page_lists(extractor):
    """On a page about sanctuary suits, 'named on the department's August list' lists the
    place; the same words on a page that never says 'sanctuary' do not."""
    html = (
        "<p>The Justice Department has filed sanctuary lawsuits this year. Philadelphia was "
        "named on the department's August list but has not been sued.</p>"
    )
    assert {("philadelphia-pa", "listed")} == found(extractor, html)
    html = "<p>Philadelphia was named on the department's August list of grant winners.</p>"
    assert set() == found(extractor, html)


def test_demanding_that_a_place_certify_compliance_opens_a_review(extractor):
    """'demanding that Seattle certify, by Sept. 15, that its police follow Section 1373'."""
    html = (
        "<p>The Justice Department sent a letter demanding that Seattle certify, by Sept. 15, "
        "that its police follow Section 1373.</p>"
    )
    assert ("seattle-wa", "under_review") in found(extractor, html)


def test_the_countys_order_in_a_claims_list_is_the_county_just_sued(extractor):
    """On a federal page, a bullet 'The county's executive order ... is preempted by federal
    law' under 'The complaint makes the following claims:' is a finding about the county."""
    html = (
        "<p>The United States today filed a civil complaint against King County, Washington."
        "</p><p>The complaint makes the following claims:</p><ul><li>The county's executive "
        "order barring services to charter flights at King County International Airport is "
        "preempted by federal law.</li><li>The order discriminates against the federal "
        "government.</li></ul>"
    )
    assert ("king-county-wa", "non_compliant") in found(extractor, html, url=DOJ_URL)


def test_a_federal_table_of_these_sanctuary_jurisdictions_is_a_list(extractor):
    """'ICE Publishes Jurisdictions That ...' with a table of counties the body calls 'these
    sanctuary jurisdictions' lists each; ICE thanking a county for its partnership is compliant;
    a mayor thanking police for their partnership is not."""
    rows = "".join(
        f"<tr><td>{name}</td><td>{state}</td><td>{count}</td></tr>"
        for name, state, count in [
            ("Hennepin County", "Minnesota", 41),
            ("Multnomah County", "Oregon", 38),
            ("King County", "Washington", 35),
            ("Santa Clara County", "California", 33),
            ("Prince George's County", "Maryland", 29),
        ]
    )
    html = (
        "<html><head><title>ICE Publishes Jurisdictions That Declined Detainers</title></head>"
        "<body><main><h1>ICE Publishes Jurisdictions That Declined Detainers</h1><p>ICE today "
        "published the jurisdictions that declined the most detainers. These sanctuary "
        "jurisdictions released criminal aliens.</p><table><thead><tr><th>Jurisdiction</th>"
        f"<th>State</th><th>Declined</th></tr></thead><tbody>{rows}</tbody></table><p>ICE also "
        "thanked the Orange County, Florida, Corrections Department for its partnership.</p>"
        "</main></body></html>"
    )
    pairs = found_in(extractor, html, url="https://www.ice.gov/news/releases/x")
    assert ("king-county-wa", "listed") in pairs
    assert ("prince-georges-county-md", "listed") in pairs
    assert ("orange-county-fl", "compliant") in pairs
    html = "<p>Mayor Wu thanked Boston police for their partnership.</p>"
    assert set() == found(extractor, html)


def test_a_recommendation_that_applicants_certify_is_no_review(extractor):
    """'We recommend that OJP require each applicant to certify' asks nothing of the places
    named before it; the finding about them still stands."""
    html = (
        "<p>We believe that the policies of Clark County, Nevada may violate Section 1373. We "
        "recommend that the Office of Justice Programs require each grant applicant to certify "
        "its compliance with Section 1373.</p>"
    )
    assert {("clark-county-nv", "non_compliant")} == found(extractor, html, url=DOJ_URL)


def test_a_department_unable_to_confirm_compliance_is_no_stance(extractor):
    """'has not been able to confirm that those cities comply' is the department's doubt, not the
    cities saying they comply; a sheriff obeying 'the new law' (a state law) is no stance."""
    html = (
        "<p>Awards to Providence, Rhode Island, are being withheld because the Department has "
        "not been able to confirm that the city complies with 8 U.S.C. 1373.</p>"
    )
    assert ("providence-ri", "contests") not in found(extractor, html, url=DOJ_URL)
    html = "<p>The Weld County sheriff said his deputies would obey the new law.</p>"
    assert set() == found(extractor, html)


def test_a_list_update_that_adds_and_removes_places(extractor):
    """On a page about a sanctuary list, 'This update adds X' lists X and 'It removes Y' clears Y;
    'The list did name Z' lists Z."""
    html = (
        "<p>DHS today updated its list of sanctuary jurisdictions that refuse to honor ICE "
        "detainers.</p><p>This update adds Hennepin County, Minnesota. It removes Douglas "
        "County, Kansas, after the county changed its policy.</p><p>The list did name the City "
        "of Austin.</p>"
    )
    pairs = found(extractor, html, url="https://www.dhs.gov/news/x")
    assert ("hennepin-county-mn", "listed") in pairs
    assert ("douglas-county-ks", "compliant") in pairs
    assert ("douglas-county-ks", "listed") not in pairs
    assert ("austin-tx", "listed") in pairs


def test_now_a_sanctuary_state_and_one_of_the_worst_list_a_place(extractor):
    """A department statement that Colorado 'is now a sanctuary state', or calling Baltimore
    'one of the worst sanctuary jurisdictions', lists the place."""
    html = (
        '<p>The Justice Department issued a statement saying that Colorado "is now a sanctuary '
        'state."</p>'
    )
    assert ("co", "listed") in found(extractor, html)
    html = (
        "<p>The Justice Department said Baltimore is one of the worst sanctuary jurisdictions "
        "in America.</p>"
    )
    assert ("baltimore-md", "listed") in found(extractor, html)


def test_awards_to_an_enumeration_being_withheld_cut_each_place(extractor):
    """'Awards to Providence, Rhode Island, and Burlington, Vermont, are being withheld' cuts the
    funds of both; 'would be withheld' is only a threat."""
    html = (
        "<p>Awards to Providence, Rhode Island, and Burlington, Vermont, are being withheld "
        "because the Department has not been able to confirm that those cities comply with "
        "8 U.S.C. 1373.</p>"
    )
    pairs = found(extractor, html, url=DOJ_URL)
    assert {("providence-ri", "funding_cut"), ("burlington-vt", "funding_cut")} <= pairs
    assert ("providence-ri", "contests") not in pairs
    html = "<p>Grants to Providence, Rhode Island, would be withheld if the city refuses.</p>"
    assert ("providence-ri", "funding_cut") not in found(extractor, html, url=DOJ_URL)


def test_a_hyphenated_last_chance_letter_is_a_warning(extractor):
    """'sent last-chance letters to New Orleans' warns New Orleans, as 'a last chance' does."""
    html = "<p>The Justice Department sent last-chance letters to New Orleans.</p>"
    assert ("new-orleans-la", "warned") in found(extractor, html)


def test_a_place_saying_it_is_not_on_the_list_is_not_listed(extractor):
    """'X does not appear on the list ... because X is not a sanctuary jurisdiction' contests
    without listing X; a title 'X responds to DHS sanctuary jurisdictions list' lists nobody."""
    html = (
        "<h1>Bexar County responds to DHS sanctuary jurisdictions list</h1><p>DHS published its "
        "list of sanctuary jurisdictions.</p><p>Bexar County does not appear on the list, "
        "because Bexar County is not a sanctuary jurisdiction.</p>"
    )
    assert {("bexar-county-tx", "contests")} == found(extractor, html)


def test_a_shared_extractor_reads_each_page_as_a_fresh_one_would():
    """Pages that repeat sentences (a site's boilerplate, a release series) get the same
    findings from one long-lived extractor, with its memos, as from a new extractor each."""
    boilerplate = (
        "<p>The Department of Justice today found the City of Albuquerque in compliance with "
        "8 U.S.C. 1373.</p><p>An indictment is merely an allegation.</p>"
    )
    pages = [
        parse_html(f"<html><body><main>{lead}{boilerplate}</main></body></html>", DOJ_URL)
        for lead in (
            "<p>The Department sent a letter to Chicago asking it to certify compliance.</p>",
            "<p>DENVER – A man was sentenced today for fraud.</p>",
            "<h2>Sanctuary jurisdictions</h2><p>The list names Seattle, Wash.</p>",
        )
    ]
    shared = Extractor()
    for page in pages + pages:
        assert Extractor().extract(page) == shared.extract(page)
    assert {("albuquerque-nm", "compliant")} <= {
        (f.jurisdiction, f.status) for f in shared.extract(pages[1])
    }


# -- heldout7 causes -----------------------------------------------------------------------------


def test_remedies_the_department_will_consider_are_a_threat_with_a_deadline(extractor):
    """'if a city does not answer by <date>, the Department may weigh options such as cutting
    off grants' warns the letters' recipients and cuts no funding."""
    html = (
        "<p>The Justice Department today sent letters to the City of Tacoma and the City of "
        "Spokane requesting records on their cooperation with immigration authorities.</p>"
        "<p>The letters say that if a jurisdiction does not answer fully by December 2, the "
        "Department may weigh options such as suspending its grant funds.</p>"
    )
    result = found(extractor, html, DOJ_URL)
    assert {("tacoma-wa", "warned"), ("spokane-wa", "warned")} <= result
    assert set() == {pair for pair in result if pair[1] == "funding_cut"}


def test_states_after_jurisdictions_in_only_locate_the_defendants(extractor):
    """'actions against localities in Oregon, Illinois ...' sues no state: they say where."""
    html = (
        "<p>The Department sued Tacoma over its sanctuary ordinance, and it has brought "
        "comparable actions against localities in Oregon, Illinois and New Jersey.</p>"
    )
    result = found(extractor, html, DOJ_URL)
    assert ("tacoma-wa", "sued") in result
    assert set() == {pair for pair in result if pair[0] in {"or", "il", "nj", "wa"}}


def test_a_question_reported_in_minutes_asserts_nothing(extractor):
    """'X wondered whether the County had got the same notice' and 'residents debated if Boise
    could end up on a federal sanctuary list' assert no status."""
    html = (
        "<h1>Sanctuary list: Boise council minutes</h1>"
        "<p>The Justice Department sent a letter to Ada County asking it to certify that it "
        "complies with 8 U.S.C. 1373 and warning that it could lose grants by March 1.</p>"
        "<p>Council member Ortiz wondered whether the City of Boise had received the same "
        "letter.</p><p>Residents debated if Boise could end up on a federal sanctuary list.</p>"
    )
    result = found(extractor, html)
    assert ("ada-county-id", "under_review") in result
    assert set() == {pair for pair in result if pair[0] == "boise-id"}


def test_being_put_on_a_list_in_a_hypothesis_is_not_listed(extractor):
    """'what it would mean for Reno if the department put the city on its list' lists no one."""
    html = (
        "<p>The council asked staff for a memo on what it would mean for Reno if the Justice "
        "Department put the city on a sanctuary list.</p>"
    )
    assert set() == found(extractor, html)


def test_recipients_named_in_the_sentence_after_a_counted_request(extractor):
    """'letters to five cities, asking each to show that it complied ... Among them were X and
    Y; the others included Z' puts every one named under review, whatever the tense."""
    html = (
        "<p>In May 2018 the Justice Department wrote to five cities, asking each to show that it "
        "complied with Section 1373. Among them were Tacoma and Spokane; the others included "
        "Boise, Reno and Salem, Oregon.</p>"
    )
    expected = {
        (jid, "under_review")
        for jid in ("tacoma-wa", "spokane-wa", "boise-id", "reno-nv", "salem-or")
    }
    assert expected <= found(extractor, html)


def test_a_request_to_document_that_a_place_complied_is_a_review(extractor):
    """'asked Oregon to document that its sheriffs complied with federal law' is under_review."""
    html = (
        "<p>Attorney General Pam Bondi asked Oregon to document that its sheriffs complied with "
        "federal immigration law.</p>"
    )
    assert {("or", "under_review")} == found(extractor, html)


def test_a_suit_following_one_against_the_government_contests_too(extractor):
    """'Seattle sued the attorney general. Portland followed suit, as did Oregon' contests for
    all three; a suit told with no such suit before it asserts nothing of the kind."""
    html = (
        "<p>Seattle sued Attorney General Pam Bondi in March over the immigration conditions. "
        "Portland followed suit a week later, as did the state of Oregon.</p>"
    )
    assert {("seattle-wa", "contests"), ("portland-or", "contests"), ("or", "contests")} <= found(
        extractor, html
    )
    alone = "<p>Portland followed suit a week later, as did the state of Oregon.</p>"
    assert set() == found(extractor, alone)


def test_complies_inside_a_long_federal_demand_is_not_the_places_stance(extractor):
    """'asked the City to certify, within 45 days of the date of this letter, that its jail
    complies' is a review of the city, not the city saying it complies."""
    html = (
        "<p>On May 3 the City of Boise received a letter from the Justice Department asking the "
        "City to certify, within 45 days of the letter, that its jail staff complies with "
        "Section 1373.</p>"
    )
    assert {("boise-id", "under_review")} == found(extractor, html)


def test_the_two_cities_are_the_cities_the_sentence_before_named(extractor):
    """ "the two cities" after "Providence and Central Falls" are those two, not a later group."""
    html = (
        "<p>The cities of Providence and Central Falls, Rhode Island, declined to accept the "
        "conditions. The Department in turn withheld the two cities' Byrne JAG awards.</p>"
        "<p>The Justice Department sued Chicago, Los Angeles and Philadelphia in a separate "
        "case.</p>"
    )
    cut = {jid for jid, status in found(extractor, html) if status == "funding_cut"}
    assert {"providence-ri", "central-falls-ri"} == cut


def test_a_count_that_does_not_match_the_places_before_binds_nothing_to_them(extractor):
    """ "the three cities" after two named cities is not those two."""
    html = (
        "<p>The cities of Providence and Central Falls, Rhode Island, declined to accept the "
        "conditions. The Department in turn withheld the three cities' Byrne JAG awards.</p>"
    )
    cut = {jid for jid, status in found(extractor, html) if status == "funding_cut"}
    assert not cut & {"providence-ri", "central-falls-ri"}


def test_a_deadline_sentence_about_the_county_continues_the_letter(extractor):
    """'The county has until May 2 to ... If it fails to, the department may withhold its
    grants' warns the county the letter was about, in a sentence naming no federal actor."""
    html = (
        "<p>The Justice Department told Dane County in a letter that its jail rules may violate "
        "federal immigration law.</p><p>The county has until May 2 to submit proof that it "
        "follows the law. If it fails to, the letter says, the department may withhold its "
        "grants.</p>"
    )
    assert {("dane-county-wi", "non_compliant"), ("dane-county-wi", "warned")} == found(
        extractor, html
    )


def test_a_sentence_opening_on_it_stands_for_the_place_just_opened_on(extractor):
    """'Dane County ... before. It was one of six places that got letters asking them to prove
    they followed federal law' puts Dane County under review."""
    html = (
        "<p>Dane County has dealt with the department before. It was one of six places that got "
        "letters in 2018 asking them to prove they followed federal law.</p>"
    )
    assert ("dane-county-wi", "under_review") in found(extractor, html)


def test_the_sheriffs_office_stands_for_the_only_county_the_page_names(extractor):
    """On a page about Marin County, 'the Sheriff's Office policy may violate 8 U.S.C. 1373'
    is a finding about Marin County; a deadline making it ineligible for grants warns it."""
    html = (
        "<p>Marin County received a letter from the Justice Department on May 1.</p><p>The "
        "letter states that the department has preliminarily determined that the Sheriff's "
        "Office policy on release dates may violate 8 U.S.C. 1373. It gives the County until "
        "June 2 to submit more evidence, after which the department may find the County "
        "ineligible for its grants.</p>"
    )
    assert {("marin-county-ca", "non_compliant"), ("marin-county-ca", "warned")} <= found(
        extractor, html
    )


def test_it_after_a_sentence_about_the_list_names_its_members(extractor):
    """'The department posted its sanctuary list. It includes Boise and Reno, and in Oregon it
    includes Salem' lists the three cities, not Oregon, which only locates Salem."""
    html = (
        "<p>The Justice Department on Monday posted its list of sanctuary jurisdictions. It "
        "includes Boise and the city of Reno, and in Oregon it includes Salem.</p>"
    )
    assert {("boise-id", "listed"), ("reno-nv", "listed"), ("salem-or", "listed")} == found(
        extractor, html
    )


def test_a_claim_that_the_department_agrees_is_not_the_department_speaking(extractor):
    """'"Reno is a sanctuary city, and the DOJ agrees," a candidate said' lists no one; a list
    that 'does not include' a place, or 'nothing in which it called' it one, lists it neither."""
    html = (
        "<h1>Fact check: the sanctuary list and Reno</h1>"
        '<p>"Reno is a sanctuary city, and the Justice Department agrees," said candidate '
        "Lee Park.</p><p>The Justice Department's list of sanctuary jurisdictions does not "
        "include Reno, and the department pointed to nothing in which it called Reno a "
        "sanctuary city.</p>"
    )
    assert set() == {pair for pair in found(extractor, html) if pair[1] == "listed"}


def test_the_states_own_act_and_a_towns_ordinance_in_a_list_of_laws(extractor):
    """'the State's Sanctuary Act, Salem Resolution 12 and Medford Ordinance No. 3 each
    violate federal law' is a finding for the state the page named, Salem and Medford."""
    html = (
        "<p>The Justice Department today sued the State of Oregon, the City of Salem and the "
        "City of Medford.</p><p>The complaint alleges that the State's Sanctuary Promise Act, "
        "Salem Resolution 2019-12 and Medford Ordinance No. 20594 each violate federal "
        "immigration law.</p>"
    )
    result = found(extractor, html, DOJ_URL)
    assert {("or", "non_compliant"), ("salem-or", "non_compliant"),
            ("medford-or", "non_compliant")} <= result  # fmt: skip


def test_a_deadline_given_to_the_governor_warns_the_pages_state(extractor):
    """'wrote to the Governor and to the Mayor of Salem and gave each until May 1 to end their
    sanctuary policies' warns Oregon, the state the page is about, and Salem."""
    html = (
        "<p>The Justice Department today sued the State of Oregon and the City of Salem.</p>"
        "<p>In April the Attorney General wrote to the Governor and to the Mayor of Salem and "
        "gave each until May 1 to identify how they would end their sanctuary policies.</p>"
    )
    assert {("or", "warned"), ("salem-or", "warned")} <= found(extractor, html, DOJ_URL)


def test_a_deadline_whose_letter_states_no_consequence_is_no_warning(extractor):
    """'asks Dane County to certify within 45 days ... The letter does not state any consequence
    for missing it' is a review, not a warning."""
    html = (
        "<p>The Justice Department's letter asks that Dane County certify, within 45 days, that "
        "it complies with 8 U.S.C. 1373. The county attorney said the letter does not state any "
        "consequence if the county fails to respond.</p>"
    )
    assert {("dane-county-wi", "under_review")} == found(extractor, html)


def test_requests_a_place_answers_in_its_daily_work_are_no_review(extractor):
    """'deputies may not reply to requests for information from ICE' alleged in a complaint
    puts no one under review."""
    html = (
        "<p>The Justice Department sued Dane County on Monday. The complaint alleges that Kent "
        "County deputies are forbidden to reply to requests for information from ICE.</p>"
    )
    assert {("dane-county-wi", "sued")} == found(extractor, html)


def test_a_clearance_of_the_city_the_last_sentence_opened_on(extractor):
    """'Boise took longer. The department ... found no evidence of a violation after the city
    revised its policy' clears Boise; with no place opening the sentence before, no one."""
    html = (
        "<p>Boise took longer. In May the department said it had found no evidence of a "
        "violation of Section 1373 after the city revised its jail policy.</p>"
    )
    assert {("boise-id", "compliant")} == found(extractor, html)
    unnamed = (
        "<p>Reviews took longer. In May the department said it had found no evidence of a "
        "violation of Section 1373 after the city revised its jail policy.</p>"
    )
    assert set() == found(extractor, unnamed)


def test_a_promised_lawsuit_is_not_a_lawsuit(extractor):
    """A list that 'pledges legal action against' places, or a threat of one, sues nobody."""
    html = (
        "<p>Leaders of Tucson, Ariz., and Eugene, Ore., said the department's list, which "
        "pledges legal action against their cities, changes nothing.</p>"
    )
    assert set() == {pair for pair in found(extractor, html) if pair[1] == "sued"}


def test_members_among_the_long_named_recipients_get_the_letters_demand(extractor):
    """'Among the sanctuary cities receiving letters are the Cities of ...' names recipients."""
    html = (
        "<p>WASHINGTON - The Attorney General today sent letters to several jurisdictions.</p>"
        "<p>Among the targeted sanctuary cities receiving letters are the Cities of Denver, "
        "Boston and Portland, Ore.</p>"
        "<p>Every letter directs the recipient to certify under oath, on or before October 3, "
        "2025, that the jurisdiction will comply with Section 1373.</p>"
    )
    reviewed = {pair for pair in found(extractor, html, url=DOJ_URL) if pair[1] == "under_review"}
    assert {
        ("denver-co", "under_review"), ("boston-ma", "under_review"),
        ("portland-or", "under_review"),
    } == reviewed  # fmt: skip


# -- list pages and tables ---------------------------------------------------------------------


def test_list_page_with_state_headings_and_typed_items_lists_each_entry(extractor):
    """A list its introduction announces lists each item, qualified by its state heading."""
    items = {
        "Oregon": ["Multnomah County - County", "Portland - City", "State of Oregon - State"],
        "Maine": ["Portland (City)", "Cumberland County (County)"],
        "Virginia": ["Arlington County (County)", "Richmond (City)"],
    }
    html = (
        "<h1>Jurisdictions Obstructing Immigration Enforcement</h1>"
        "<p>The department has published this list of sanctuary jurisdictions below, grouped "
        "by state.</p>"
        + "".join(
            f"<h3>{state}</h3><ul>" + "".join(f"<li>{item}</li>" for item in entries) + "</ul>"
            for state, entries in items.items()
        )
    )
    expected = {
        (jid, "listed")
        for jid in (
            "multnomah-county-or", "portland-or", "or", "portland-me",
            "cumberland-county-me", "arlington-county-va", "richmond-va",
        )
    }  # fmt: skip
    assert expected == found(extractor, html, url="https://www.dhs.gov/example")


def test_table_type_column_settles_a_state_without_a_state_cell(extractor):
    """'| Washington | — | State |' in a list table is the state, not a city named Washington."""
    rows = [
        ("Washington", "—", "State"), ("New York", "—", "State"), ("Seattle", "Washington", "City"),
        ("Buffalo", "New York", "City"), ("Albany County", "New York", "County"),
    ]  # fmt: skip
    html = (
        "<h1>Sanctuary jurisdiction list</h1><table><tr><th>Name</th><th>State</th>"
        "<th>Type</th></tr>"
        + "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in rows)
        + "</table>"
    )
    expected = {
        (jid, "listed") for jid in ("wa", "ny", "seattle-wa", "buffalo-ny", "albany-county-ny")
    }
    assert expected == found(extractor, html, url=DOJ_URL)


def test_labelled_entries_of_a_changes_box_add_and_remove(extractor):
    """'Removed: X, after ...' in a list page's changes box takes X off the list."""
    html = (
        "<h1>Sanctuary Jurisdiction List</h1><h2>What changed in this revision</h2><ul>"
        "<li>Dropped – Ithaca, New York, once the council rescinded its resolution.</li>"
        "<li>Newly added: Santa Fe, New Mexico.</li></ul>"
        "<ul>" + "".join(f"<li>{name}</li>" for name in ("Chicago", "Boston", "Denver",
        "Seattle", "Newark", "Santa Fe, New Mexico")) + "</ul>"
    )  # fmt: skip
    pairs = found(extractor, html, url=DOJ_URL)
    assert ("ithaca-ny", "compliant") in pairs
    assert ("ithaca-ny", "listed") not in pairs
    assert ("santa-fe-nm", "listed") in pairs


def test_a_place_that_chose_to_be_a_sanctuary_is_listed_by_a_federal_voice(extractor):
    """'X has chosen to be a sanctuary city', said by DOJ, lists X."""
    html = (
        "<p>“Boston decided to become a sanctuary city, and Oregon became a sanctuary state "
        "long ago,” said the Deputy Attorney General.</p>"
    )
    assert {("boston-ma", "listed"), ("or", "listed")} == found(extractor, html, url=DOJ_URL)


def test_suits_challenging_laws_in_places_sue_each_place(extractor):
    """'filed suits challenging the sanctuary policies of A and B; C' sues every place named."""
    html = (
        "<p>The Department earlier brought lawsuits challenging the sanctuary policies of "
        "Newark and Paterson, N.J.; Washington State; and King County.</p>"
    )
    assert {
        ("newark-nj", "sued"), ("paterson-nj", "sued"), ("wa", "sued"),
        ("king-county-wa", "sued"),
    } == found(extractor, html, url=DOJ_URL)  # fmt: skip


def test_a_city_that_has_sued_its_state_makes_no_federal_suit(extractor):
    """'X, the city that ... and has sued the State of Y' is X suing: Y is not sued."""
    html = (
        "<p>Reaction came fastest from Escondido, the San Diego County city that passed a "
        "resolution against the law in May and has sued the State of California over it.</p>"
    )
    assert set() == {pair for pair in found(extractor, html) if pair[1] == "sued"}


def test_table_read_through_its_caption_and_columns(extractor):
    """A caption of suits makes rows defendants; later cells of a row speak of its place."""
    html = (
        "<h1>Tracking the sanctuary list and the lawsuits</h1>"
        "<table><caption>Complaints filed by the United States, 2025</caption>"
        "<tr><th>Defendant</th><th>Court</th><th>Response from City Hall</th></tr>"
        "<tr><td>City of Newark; State of New Jersey</td><td>D.N.J.</td>"
        "<td>Mayor Ras Baraka: the city's ordinance is lawful.</td></tr>"
        "<tr><td>Hoboken</td><td>D.N.J.</td><td>No comment.</td></tr>"
        "<tr><td>Santa Fe, N.M.</td><td>D.N.M.</td><td>Declined to comment.</td></tr></table>"
        "<h2>Who left the list</h2>"
        "<table><tr><th>Place</th><th>Listed in August?</th><th>Since then</th></tr>"
        "<tr><td>Ithaca, N.Y.</td><td>Yes</td><td>Taken off the list in October</td></tr>"
        "<tr><td>Burlington, Vt.</td><td>No</td><td>—</td></tr>"
        "<tr><td>Eugene, Ore.</td><td>Yes</td><td>Still listed</td></tr></table>"
    )
    expected = {
        ("newark-nj", "sued"), ("nj", "sued"), ("hoboken-nj", "sued"), ("santa-fe-nm", "sued"),
        ("newark-nj", "contests"), ("ithaca-ny", "compliant"), ("eugene-or", "listed"),
    }  # fmt: skip
    assert expected == found(extractor, html)


def test_a_group_demand_with_a_later_consequence_reaches_the_members_named_after(extractor):
    """Letters to 'a dozen cities' with a deadline and, after a semicolon, a subpoena reach
    the places named later ('some were new, among them A and B'), even beside a letter link."""
    html = (
        "<p>The Justice Department this week mailed letters to a dozen cities and counties "
        "demanding every document about their jail policies. The cities have until March 9 to "
        "produce the records; the department said that a city that fails to do so will be served "
        "with a subpoena. Several were first-time targets, among them Tucson, Ariz., and "
        "Dayton, Ohio.</p><p>Read the letter sent to Tucson</p>"
    )
    assert {
        ("tucson-az", "under_review"), ("tucson-az", "warned"),
        ("dayton-oh", "under_review"), ("dayton-oh", "warned"),
    } == found(extractor, html)  # fmt: skip


def test_a_suit_naming_a_place_as_defendant_sues_it_not_the_court_town(extractor):
    """'a complaint in federal court in Trenton naming Hoboken as a defendant' sues Hoboken."""
    html = (
        "<p>The Justice Department filed a complaint in federal court in Trenton on Monday, "
        "naming Hoboken as a co-defendant.</p>"
    )
    assert {("hoboken-nj", "sued")} == found(extractor, html)


def test_the_citys_own_lawsuit_does_not_sue_the_city(extractor):
    """'a hearing in the county's lawsuit over grant conditions': the county is the plaintiff."""
    html = (
        "<p>A judge in Seattle scheduled a June hearing in the county's lawsuit over "
        "conditions on federal grants, King County officials said.</p>"
    )
    assert set() == {pair for pair in found(extractor, html) if pair[1] == "sued"}


def test_a_letter_speaks_of_the_place_its_subject_line_names(extractor):
    """A federal letter "Re: ... Dane County": its later 'those ordinances', its demand
    listing a change, and 'please send' are Dane County's; 'confirm that the County will
    comply' inside the demand is no stance of the county."""
    html = (
        "<p>Re: Detainer Practices of Dane County, Wisconsin</p>"
        "<p>Dear County Executive:</p>"
        "<p>The Department has examined the County ordinances on jail access. We have "
        "determined that those ordinances may violate 8 U.S.C. §§ 1373 and 1644.</p>"
        "<p>By October 2, 2026, the County must send a reply that (1) lists every such rule; "
        "(2) describes how the County will repeal them; and (3) confirms that the County will "
        "comply with federal law.</p>"
        "<p>Along with that reply, please submit copies of all jail directives issued to County "
        "staff since 2020.</p>"
    )
    assert {
        ("dane-county-wi", "non_compliant"), ("dane-county-wi", "warned"),
        ("dane-county-wi", "under_review"),
    } == found(extractor, html, url=DOJ_URL)  # fmt: skip


def test_a_demand_to_turn_over_directives_and_guidance_is_a_review(extractor):
    """'asking the town to hand over every directive and all written guidance' asks for records."""
    html = (
        "<p>Mayor Ruth Ames of Burlington, Vermont, said Tuesday the city had received a letter "
        "from the U.S. Department of Justice asking the city to hand over every directive and "
        "all written guidance given to police about immigration.</p>"
    )
    assert ("burlington-vt", "under_review") in found(extractor, html)


def test_bare_new_york_on_a_page_about_the_state_is_the_state(extractor):
    """A page on the governor, the legislature and a state law of New York State reads bare
    'New York' as the state even though it also names New York City in passing."""
    html = (
        "<h1>Justice Department takes New York to court over its shield law</h1>"
        "<p>The Justice Department sued New York State on Monday over a state law that "
        "bars county jails from holding people for immigration agents.</p>"
        "<p>The complaint says those sections conflict with federal law because they keep "
        "officers from doing their work.</p>"
        "<p>Governor Ann Reyes said New York will not back down. The Legislature passed the "
        "state law in 2020. Officials in New York City declined to comment.</p>"
    )
    assert {("ny", "sued"), ("ny", "non_compliant"), ("ny", "contests")} == found(extractor, html)


def test_counties_suing_over_a_state_law_do_not_contest_a_federal_action(extractor):
    """'Two sheriffs, in Niagara and Oswego counties, sued in 2020 to stop it' (a state law):
    no contests; 'Oswego County sued the Justice Department' is one."""
    html = (
        "<p>The Justice Department sued New York State over its shield law.</p>"
        "<p>The law has been challenged before. Two sheriffs, in Niagara and Oswego counties, "
        "sued in 2020 to stop it, saying it tied their hands.</p>"
    )
    assert set() == {pair for pair in found(extractor, html) if pair[1] == "contests"}
    html = "<p>Oswego County sued in 2020 over immigration conditions on its federal grants.</p>"
    assert ("oswego-county-ny", "contests") in found(extractor, html)


def test_a_state_entry_under_its_own_heading_and_annotated_or_small_entries(extractor):
    """Under a 'New York' heading 'New York (State)' lists the state, 'Erie County (County)
    (added March 3)' is listed despite its note, and 'Saranac Lake (City)' (a place the
    gazetteer lacks) is listed by the spec's id rule."""
    html = (
        "<h1>Sanctuary Jurisdictions</h1>"
        "<p>The department has published this list of sanctuary jurisdictions below, arranged "
        "by state.</p>"
        "<h3>New York</h3><ul><li>New York (State)</li>"
        "<li>Erie County (County) (added March 3, 2026)</li><li>Saranac Lake (City)</li></ul>"
        "<h3>Washington</h3><ul><li>State of Washington (State)</li>"
        "<li>Spokane (City), added March 3, 2026</li><li>Olympia (City)</li></ul>"
    )
    expected = {
        (jid, "listed")
        for jid in ("ny", "erie-county-ny", "saranac-lake-ny", "wa", "spokane-wa", "olympia-wa")
    }
    assert expected == found(extractor, html, url="https://www.dhs.gov/example")


def test_no_longer_meeting_the_criteria_after_a_review_is_a_removal(extractor):
    """'After a review of its policies, the Department determined that Oregon no longer meets
    the criteria for inclusion' is compliant, not under_review."""
    html = (
        "<p>Removed: State of Oregon. After a review of its policies, the Department "
        "determined that Oregon no longer meets the criteria for inclusion on the list of "
        "sanctuary jurisdictions.</p>"
    )
    assert {("or", "compliant")} == found(extractor, html, url=DOJ_URL)


def test_status_table_cells_read_through_their_columns(extractor):
    """Terse table cells: 'In full compliance' = compliant, 'Inquiry pending' = under_review,
    'Suspended' under a grant column = funding_cut, a date under 'Deadline' after a finding
    that the policies may violate the law = warned (not after a mere documents request)."""
    rows = [
        ("Eugene", "Oregon", "In full compliance", "—", "Paid"),
        ("Lane County", "Oregon", "Inquiry pending; records requested", "May 1, 2019", "Pending"),
        ("Tacoma", "Washington", "Preliminary finding: ordinance may violate 8 U.S.C. 1373",
         "March 2, 2019", "Suspended pending review"),
    ]  # fmt: skip
    html = (
        "<h1>Section 1373 review status</h1><table><caption>Review status by grantee</caption>"
        "<tr><th>Grantee</th><th>State</th><th>Finding</th><th>Deadline</th>"
        "<th>Grant funds</th></tr>"
        + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
        + "</table>"
    )
    expected = {
        ("eugene-or", "compliant"), ("lane-county-or", "under_review"),
        ("tacoma-wa", "non_compliant"), ("tacoma-wa", "warned"), ("tacoma-wa", "funding_cut"),
    }  # fmt: skip
    assert expected == found(extractor, html, url="https://www.ojp.gov/example")


def test_the_list_as_subject_past_an_aside_names_a_semicolon_enumeration(extractor):
    """'The roster, released Monday under the order, names Urbana, Ill.; Ames, Iowa; and Story
    County, Iowa' lists each; 'The state of Iowa is on it too' lists the state ('it' = the list)."""
    html = (
        "<h1>Federal sanctuary list reaches small towns</h1>"
        "<p>The federal government released a new list of sanctuary jurisdictions this week.</p>"
        "<p>The list, released Monday under the president's order, names Urbana, Ill.; Ames, "
        "Iowa; Madison, Wis.; and Story County, Iowa, among many others. The state of Iowa is "
        "on it too.</p>"
    )
    expected = {
        (jid, "listed") for jid in ("urbana-il", "ames-ia", "madison-wi", "story-county-ia", "ia")
    }
    assert expected == found(extractor, html)


def test_accented_names_are_the_gazetteers_plain_spellings(extractor):
    """'the City of San José' on a list is san-jose-ca (the gazetteer spells it 'San Jose')."""
    html = (
        "<p>The Department of Homeland Security placed the City of San José on its list of "
        "sanctuary jurisdictions on Thursday.</p>"
    )
    assert {("san-jose-ca", "listed")} == found(extractor, html)


def test_a_threat_against_a_class_of_places_warns_no_named_place(extractor):
    """'Denver sued over the order that threatened to cut funds to sanctuary cities' warns no
    one; 'threatened to cut funds to sanctuary cities like Denver' still warns Denver."""
    html = (
        "<p>In 2017 Denver sued the administration over an executive order that threatened to "
        "cut federal grants to so-called sanctuary cities.</p>"
    )
    assert set() == {pair for pair in found(extractor, html) if pair[1] == "warned"}
    html = (
        "<p>Attorney General Jeff Sessions threatened to cut federal grants to sanctuary "
        "cities like Denver.</p>"
    )
    assert ("denver-co", "warned") in found(extractor, html, url=DOJ_URL)


def test_a_leading_state_column_qualifies_its_row_and_a_removal_cell_clears_it(extractor):
    """'| Nevada | Washoe County | County | Delisted ... |' clears Washoe County (no listing) and
    lists no state; 'Reno' in a Nevada row is reno-nv; a 'State of Nevada' row lists the state."""
    html = (
        "<h1>List of Sanctuary Jurisdictions: Mountain Region</h1>"
        "<p>The Department publishes this list of sanctuary jurisdictions under the order.</p>"
        "<table><caption>Sanctuary jurisdictions in the mountain States</caption>"
        "<tr><th>State</th><th>Name</th><th>Kind</th><th>Status</th></tr>"
        "<tr><td>Nevada</td><td>State of Nevada</td><td>State</td><td>On list</td></tr>"
        "<tr><td>Nevada</td><td>Reno</td><td>City</td><td>On list</td></tr>"
        "<tr><td>Nevada</td><td><s>Washoe County</s></td><td>County</td>"
        "<td>Delisted September 2, 2025</td></tr>"
        "<tr><td>Utah</td><td>Salt Lake County</td><td>County</td><td>On list</td></tr>"
        "<tr><td>Arizona</td><td>Tucson</td><td>City</td><td>On list</td></tr>"
        "<tr><td>Idaho</td><td>Boise</td><td>City</td><td>On list</td></tr>"
        "</table>"
    )
    expected = {
        ("nv", "listed"),
        ("reno-nv", "listed"),
        ("washoe-county-nv", "compliant"),
        ("salt-lake-county-ut", "listed"),
        ("tucson-az", "listed"),
        ("boise-id", "listed"),
    }
    assert expected == found(extractor, html, url=DOJ_URL)


def test_a_federal_table_headed_as_non_cooperating_jurisdictions_lists_its_rows(extractor):
    """On a DHS page about sanctuary jurisdictions, a table headed 'jurisdictions ... limiting
    cooperation' lists its rows ('Richmond City' | 'VA' is richmond-va); a table headed
    'Detainers declined this week' lists no row."""
    html = (
        "<h1>Weekly detainer report</h1>"
        "<p>This report names sanctuary jurisdictions and the detainers they declined.</p>"
        "<h2>Part A: Jurisdictions whose ordinances limit cooperation with federal officers</h2>"
        "<table><tr><th>Name</th><th>St.</th><th>Recorded policy</th></tr>"
        "<tr><td>Richmond City</td><td>VA</td><td>No detainers without a warrant</td></tr>"
        "<tr><td>Dane County</td><td>WI</td><td>Detainers refused</td></tr></table>"
        "<h2>Part B: Detainers declined this week</h2>"
        "<table><tr><th>Place</th><th>St.</th><th>Charge</th></tr>"
        "<tr><td>Travis County</td><td>TX</td><td>Burglary</td></tr></table>"
    )
    expected = {("richmond-va", "listed"), ("dane-county-wi", "listed")}
    assert expected == found(extractor, html, url="https://www.dhs.gov/report")


def test_a_quote_is_the_voice_of_the_official_it_is_attributed_to(extractor):
    """A quote attributed by surname ('..., Gallego said') or by 'she said' is the stance of
    the place that official was first tied to, not of the last city the page named."""
    html = (
        "<p>The Justice Department wrote to Mayor Maria Gallego of Tucson on Monday, saying "
        "the city may violate Section 1373.</p>"
        "<p>Phoenix and Mesa were not sent letters.</p>"
        "<p>“We comply with Section 1373. We always have,” Gallego said on Tuesday.</p>"
        "<p>Asked about the grant, the mayor did not hesitate. “We're not revisiting our "
        "ordinance for any amount of money,” she said.</p>"
    )
    findings = found(extractor, html)
    assert ("tucson-az", "contests") in findings
    assert set() == {f for f in findings if f[1] == "contests" and f[0] != "tucson-az"}


def test_a_kept_measure_is_the_speakers_stance(extractor):
    """'the ordinance ... and it is not going anywhere' under a named mayor, 'our order stays
    in place' and 'would not repeal or suspend' contest for the speaker's place."""
    html = (
        "<p>The Justice Department sued Minnesota, Denver and Portland, Ore., on Monday over "
        "their sanctuary policies.</p>"
        "<p>In Denver, Mayor Ruth Okafor said the city's ordinance “was upheld twice, and it is "
        "not going anywhere.”</p>"
        "<p>Minnesota's Governor answered that the State would not repeal or suspend its "
        "law.</p>"
        "<p>“Our resolution stays in place,” said Portland Mayor Dan Reyes.</p>"
    )
    findings = found(extractor, html)
    for place in ("denver-co", "mn", "portland-or"):
        assert (place, "contests") in findings


def test_a_counted_plural_clearance_reaches_the_places_just_named(extractor):
    """'the Justice Department determined that the two recipients comply with' clears the two
    named in the sentence before (the state beside one of them is its qualifier); a county's
    own lawyer concluding the same clears no one."""
    html = (
        "<p>Tacoma, Washington, and Dane County, Wisconsin, each answered the department's "
        "questions about their jail policies. After reading the answers, the Justice Department "
        "determined that the two recipients are complying with 8 U.S.C. 1373.</p>"
    )
    expected = {("tacoma-wa", "compliant"), ("dane-county-wi", "compliant")}
    assert expected == found(extractor, html, url=DOJ_URL)
    html = (
        "<p>Dane County and Tacoma answered the letters. The county's lawyer has concluded "
        "that both jurisdictions comply with federal law.</p>"
    )
    assert set() == {pair for pair in found(extractor, html) if pair[1] == "compliant"}


def test_a_suit_in_a_relative_clause_after_to_the_sues_its_defendants(extractor):
    """'reacted to the complaint the Justice Department filed Tuesday against Dane County and
    the City of Madison' sues both; 'threatened to sue Dane County' still sues no one."""
    html = (
        "<p>County Executive Melissa Agard reacted to the complaint the Justice Department "
        "filed Tuesday against Dane County and the City of Madison over their sanctuary "
        "ordinances.</p>"
    )
    expected = {("dane-county-wi", "sued"), ("madison-wi", "sued")}
    assert expected == {pair for pair in found(extractor, html) if pair[1] == "sued"}
    html = "<p>The Justice Department threatened to sue Dane County over its ordinance.</p>"
    assert set() == {pair for pair in found(extractor, html) if pair[1] == "sued"}


def test_a_request_a_law_provides_for_is_no_federal_request(extractor):
    """'a statute that makes Oregon notify residents whenever federal officers request their
    records' reviews no one; 'when the department asked Oregon in May to certify' still does."""
    html = (
        "<p>The Department sued Oregon over a statute that makes the State notify residents "
        "whenever federal officers request their records.</p>"
    )
    assert set() == {
        pair for pair in found(extractor, html, url=DOJ_URL) if pair[1] == "under_review"
    }
    html = (
        "<p>The dispute began when the Department asked Oregon in May to certify its compliance "
        "with 8 U.S.C. 1373.</p>"
    )
    assert ("or", "under_review") in found(extractor, html, url=DOJ_URL)


def test_a_termination_reaches_a_grant_named_at_length(extractor):
    """'terminated Tacoma's share of the fiscal year 2025 Edward Byrne Memorial Justice
    Assistance Grant' cuts Tacoma's funds: the grant's long name is still its object."""
    html = (
        "<p>The Justice Department said it had terminated Tacoma's share of the fiscal year "
        "2025 Edward Byrne Memorial Justice Assistance Grant, effective at once.</p>"
    )
    assert ("tacoma-wa", "funding_cut") in found(extractor, html, url=DOJ_URL)


def test_capitalised_counties_after_two_names_and_a_field_office_and_a_listing_relative(
    extractor,
):
    """'Hennepin and Ramsey Counties' in a headline are two counties (no cities); 'ICE's
    Chicago field office' is no place; 'X County, which the Department placed on its list of
    sanctuary jurisdictions, ... Minnesota law' lists the county, not the state."""
    html = (
        "<h1>Justice Department Warns Hennepin and Ramsey Counties That Their Jail Rules "
        "Violate Federal Law</h1>"
        "<p>The Department opened its review after referrals from ICE's Chicago field office.</p>"
        "<p>Ramsey County, which the Department placed on its list of sanctuary jurisdictions "
        "in May, bars jail staff from sharing release dates beyond what Minnesota law "
        "requires.</p>"
    )
    findings = found(extractor, html, url=DOJ_URL)
    assert ("hennepin-county-mn", "non_compliant") in findings
    assert ("ramsey-county-mn", "listed") in findings
    assert set() == {f for f in findings if f[0] in {"chicago-il", "mn", "hennepin-mn"}}


def test_time_to_answer_a_preliminary_finding_is_a_warning(extractor):
    """After a preliminary finding, 'gives the county until March 3 to provide further proof
    that it complies' warns the county (no new review)."""
    html = (
        "<p>The Justice Department told Dane County, Wisconsin, on Tuesday that its jail policy "
        "may violate 8 U.S.C. 1373, a preliminary finding. The letter gives the county until "
        "March 3 to provide further proof that it complies.</p>"
    )
    pairs = found(extractor, html)
    assert {("dane-county-wi", "non_compliant"), ("dane-county-wi", "warned")} <= pairs
    assert ("dane-county-wi", "under_review") not in pairs


def test_a_city_of_x_state_item_on_a_list_page_is_the_small_city_not_the_state(extractor):
    """'Town of Brattleboro, Vermont' on a list page lists brattleboro-vt (too small for the
    gazetteer), not Vermont; on a page that is no list it names no one."""
    items = "".join(
        f"<li>{name}</li>"
        for name in (
            "City of Boston, Massachusetts", "City of Chicago, Illinois", "Cook County, Illinois",
            "City of Denver, Colorado", "King County, Washington", "Town of Brattleboro, Vermont",
        )
    )  # fmt: skip
    html = (
        "<h1>Sanctuary Jurisdiction List</h1><p>These sanctuary jurisdictions are listed:</p>"
        f"<ul>{items}</ul>"
    )
    pairs = found(extractor, html, url=DOJ_URL)
    assert ("brattleboro-vt", "listed") in pairs
    assert ("vt", "listed") not in pairs
    html = "<h1>Town news</h1><ul><li>Town of Brattleboro, Vermont</li></ul>"
    assert set() == found(extractor, html)


def test_a_state_law_by_its_title_alone_stands_for_the_state(extractor):
    """After 'the Illinois Way Forward Act', 'the complaint says the Way Forward Act is preempted
    by federal law' finds Illinois non-compliant, as 'the Illinois ... Act' would."""
    html = (
        "<p>The Justice Department sued Illinois over the Illinois Way Forward Act, which bars "
        "local police from holding people on immigration detainers.</p>"
        "<p>The complaint says the Way Forward Act is preempted by federal law and that "
        "Chicago's Welcoming City Ordinance violates 8 U.S.C. 1373.</p>"
    )
    pairs = found(extractor, html, url=DOJ_URL)
    assert {("il", "non_compliant"), ("chicago-il", "non_compliant")} <= pairs


def test_no_evidence_of_a_conflict_clears_and_nothing_received_is_no_request(extractor):
    """'saw no evidence that Omaha's policies conflict with Section 1373' clears Omaha; 'has not
    received any subpoena, request for documents or letter' asks Tacoma for nothing."""
    html = (
        "<p>The Justice Department said it saw no evidence that the policies Omaha, Nebraska "
        "adopted in 2019 conflict with Section 1373.</p>"
        "<p>Tacoma, Washington has not received any subpoena, request for documents or other "
        "letter from the Department of Justice about its sanctuary ordinance.</p>"
    )
    pairs = found(extractor, html, url=DOJ_URL)
    assert ("omaha-ne", "compliant") in pairs
    assert ("omaha-ne", "non_compliant") not in pairs
    assert ("tacoma-wa", "under_review") not in pairs


def test_a_federal_clearance_by_participle_or_by_ojp_is_compliant_not_a_stance(extractor):
    """'The department closed its review of Fresno, ..., finding that the city is in compliance'
    and 'OJP found the revised policy consistent with federal law' are clearances of Fresno."""
    html = (
        "<p>The department also closed its review of Fresno, California, finding that the city "
        "is in compliance with federal law.</p>"
        "<p>Fresno rewrote its jail policy, and the Office of Justice Programs (OJP) found the "
        "revised policy consistent with federal law.</p>"
    )
    pairs = found(extractor, html, url=DOJ_URL)
    assert ("fresno-ca", "compliant") in pairs
    assert ("fresno-ca", "contests") not in pairs


def test_discriminating_against_the_federal_government_is_no_suit_against_it(extractor):
    """In a suit by the United States, 'Oregon's laws ... discriminate against the federal
    government' makes Oregon no plaintiff against it."""
    html = (
        "<p>The Justice Department today sued Oregon and Portland over their sanctuary laws.</p>"
        "<p>According to the complaint, Oregon's statutes and Portland's ordinance are preempted "
        "by federal law and discriminate against the federal government.</p>"
    )
    pairs = found(extractor, html, url=DOJ_URL)
    assert {("or", "sued"), ("portland-or", "sued")} <= pairs
    assert ("or", "contests") not in pairs
    assert ("portland-or", "contests") not in pairs


def test_a_places_claim_after_a_federal_verb_stays_its_own_stance(extractor):
    """'Seattle sued the attorney general after the department announced the rule, and it has
    maintained that its laws are consistent with federal law': Seattle's stance, no clearance."""
    html = (
        "<p>Seattle sued the attorney general in 2017, soon after the department announced the "
        "grant conditions, and it has maintained since that its laws are consistent with federal "
        "law.</p>"
    )
    pairs = found(extractor, html)
    assert ("seattle-wa", "compliant") not in pairs


def test_a_list_footnote_gives_its_status_to_each_marked_entry(extractor):
    """On a list page, '‡ The Department has sued each such city' makes every entry marked '‡'
    sued (unmarked ones only listed); 'Removed from this edition: Erie County' clears Erie."""
    items = "".join(
        f"<li>{name}</li>"
        for name in ("Seattle, WA‡", "Boston, MA", "Chicago, IL‡", "Denver, CO", "Newark, NJ")
    )
    html = (
        "<h1>Sanctuary Jurisdiction List</h1><p>These sanctuary jurisdictions are listed:</p>"
        f"<ul>{items}</ul>"
        "<p>‡ The Department has brought a lawsuit against each such city over its policies.</p>"
        "<p>Removed from this edition: Erie County, New York.</p>"
    )
    pairs = found(extractor, html, url=DOJ_URL)
    assert {("seattle-wa", "sued"), ("chicago-il", "sued"), ("seattle-wa", "listed")} <= pairs
    assert ("boston-ma", "sued") not in pairs
    assert ("denver-co", "sued") not in pairs
    assert ("erie-county-ny", "compliant") in pairs


def test_the_plaintiffs_awards_are_those_of_the_places_named_as_plaintiffs(extractor):
    """'The plaintiffs were Oregon, Vermont and the City of Seattle. ... OJP has frozen the
    plaintiffs' grant awards' cuts each one's funds; 'litigation brought by Denver' contests."""
    html = (
        "<p>The plaintiffs in the Ninth Circuit appeal were the States of Oregon and Vermont and "
        "the City of Seattle. After the ruling, the Office of Justice Programs froze the "
        "plaintiffs' 2018 grant awards pending further proceedings on the immigration "
        "conditions.</p>"
        "<p>The ruling differs from one in litigation brought by the City and County of Denver "
        "over the same conditions.</p>"
    )
    pairs = found(extractor, html, url=DOJ_URL)
    cut = {(jid, "funding_cut") for jid in ("or", "vt", "seattle-wa")}
    assert cut <= pairs
    assert ("denver-co", "contests") in pairs


def test_a_pronoun_for_the_countys_practices_leaves_the_county_the_one_found_wanting(extractor):
    """'about Yolo County ... concluded that the county's booking rules may violate Section 1373,
    since they seem to forbid ...' finds Yolo County; 'asked Kern County to supply records'
    reviews Kern County."""
    html = (
        "<p>The Justice Department reached another conclusion about Yolo County, California. "
        "The department has preliminarily concluded that the county's booking rules may violate "
        "Section 1373, since they seem to forbid jailers from answering ICE inquiries.</p>"
        "<p>The department also asked Kern County, California to supply additional records on "
        "its immigration detainer practices.</p>"
    )
    pairs = found(extractor, html, url=DOJ_URL)
    assert ("yolo-county-ca", "non_compliant") in pairs
    assert ("kern-county-ca", "under_review") in pairs


def test_a_deadline_followed_by_a_denial_of_an_award_is_a_warning(extractor):
    """'Kern County must reply by May 4. If the county does not certify compliance by then, the
    department will deny its fiscal year 2019 Byrne JAG award' warns Kern County."""
    html = (
        "<p>Kern County, California must reply by May 4, 2019 about its immigration detainer "
        "rules. If the county does not certify compliance by then, the department will deny its "
        "fiscal year 2019 Byrne JAG award.</p>"
    )
    assert ("kern-county-ca", "warned") in found(extractor, html, url=DOJ_URL)


def test_a_fronted_place_is_the_city_a_suit_over_the_citys_law_names(extractor):
    """After a paragraph on Denver, 'In Seattle, the department sued in May over the city's
    ordinance' sues Seattle, not Denver; 'OJP determined that the jurisdiction complies with
    Section 1373' after naming Reno clears Reno."""
    html = (
        "<h1>Where sanctuary fights stand</h1>"
        "<p>Denver has kept its immigration ordinance since 2017.</p>"
        "<p>In Seattle, the Justice Department sued in May over the city's immigration "
        "ordinance.</p>"
    )
    pairs = found(extractor, html)
    assert ("seattle-wa", "sued") in pairs
    assert ("denver-co", "sued") not in pairs
    html = (
        "<table><tr><th>Jurisdiction</th><th>Status</th></tr><tr><td>Reno, Nevada</td>"
        "<td>Review closed. OJP determined that the jurisdiction complies with Section 1373."
        "</td></tr></table>"
    )
    assert ("reno-nv", "compliant") in found(extractor, html, url=DOJ_URL)


def test_every_leader_of_a_coalition_that_went_to_court_contests(extractor):
    """'a group of cities led by Seattle and King County has challenged the conditions in
    court' gives both leaders a contests stance."""
    html = (
        "<h1>Grant fights</h1><p>The administration tied immigration conditions to police "
        "grants, and a group of cities led by Seattle and King County has challenged the "
        "conditions in court.</p>"
    )
    pairs = found(extractor, html)
    assert {("seattle-wa", "contests"), ("king-county-wa", "contests")} <= pairs


def test_a_suit_brought_by_a_group_of_states_and_a_city_is_that_citys_suit(extractor):
    """'a case brought by a group of Western states and Seattle' over the grant conditions:
    Seattle went to court against the federal government."""
    html = (
        "<h1>Grant fights</h1><p>In March the court ruled the other way in a case brought by a "
        "group of Western states and Seattle over the immigration conditions on federal "
        "grants.</p>"
    )
    assert ("seattle-wa", "contests") in found(extractor, html)


def test_members_of_a_counted_group_told_by_ranged_from_and_included(extractor):
    """'The 12 jurisdictions ranged from the State of Oregon to Tacoma, Wash., and included
    Boston and Denver' makes each a member of the group told a demand for records."""
    html = (
        "<h1>Records deadline passes</h1>"
        "<p>Last month the Justice Department gave 12 cities, counties and states until Friday "
        "to turn over internal records on how their employees talk to immigration agents.</p>"
        "<p>The 12 jurisdictions ranged from the State of Oregon to Tacoma, Wash., and included "
        "Boston and Denver.</p>"
    )
    pairs = found(extractor, html)
    review = {(jid, "under_review") for jid in ("or", "tacoma-wa", "boston-ma", "denver-co")}
    assert review <= pairs


def test_a_weekday_deadline_and_a_past_tense_consequence_warn_the_group(extractor):
    """'gave 9 cities until Monday to hand over records' then 'Any city that failed to comply
    would be subpoenaed' warns each member of the counted group named later."""
    html = (
        "<h1>Records due</h1>"
        "<p>The Justice Department gave 9 cities until Monday to hand over records on how their "
        "jails deal with immigration detainers. Any city that failed to comply, officials "
        "said, would receive a subpoena.</p>"
        "<p>The 9 cities ranged from Austin, Texas, to Portland, Ore., and included Boston.</p>"
    )
    pairs = found(extractor, html)
    warned = {(jid, "warned") for jid in ("austin-tx", "portland-or", "boston-ma")}
    assert warned <= pairs


def test_a_weekday_without_a_demand_is_no_deadline(extractor):
    """'met with the mayor before Monday's vote' and a later subpoena mention warn nobody."""
    html = (
        "<h1>Council vote</h1>"
        "<p>Denver council members met with the mayor before Monday's vote on the budget.</p>"
        "<p>A subpoena in an unrelated fraud case was quashed.</p>"
    )
    assert ("denver-co", "warned") not in found(extractor, html)


def test_a_quote_over_two_sentences_is_the_mayor_named_by_surname_after_it(extractor):
    """'Mayor Dana Okafor was blunt. "We're in full compliance with federal law. We always
    have been," Okafor said' is a contests stance for the mayor's city named before."""
    html = (
        "<h1>Records deadline</h1><p>Denver answered the Justice Department's demand for "
        "records on sanctuary policies with a short letter.</p>"
        "<p>Mayor Dana Okafor was blunt. \"We're in full compliance with federal law. We always "
        'have been," Okafor said at City Hall.</p>'
    )
    assert ("denver-co", "contests") in found(extractor, html)


def test_a_mayor_saying_the_city_is_not_changing_anything_contests(extractor):
    """'"We answered the letter, and we're not changing anything," Mayor Jo Park said' of the
    city just named is that city's stance."""
    html = (
        "<h1>Records deadline</h1><p>The city of Boulder, Colo., struck a different tone. "
        '"We answered the letter, and we\'re not changing anything," Mayor Jo Park said.</p>'
    )
    assert ("boulder-co", "contests") in found(extractor, html)


def test_a_numbered_footnote_on_a_status_tables_row_gives_its_statuses(extractor):
    """'City of Seattle, Washington<sup>3</sup>' in a review table and the footnote '3 This
    city sued the Justice Department over the grant conditions' make Seattle contest; the
    unmarked row does not."""
    html = (
        "<h1>Review status</h1><table><caption>Where each review stands</caption>"
        "<thead><tr><th>Place</th><th>Status</th></tr></thead><tbody>"
        "<tr><td>City of Seattle, Washington<sup>3</sup></td><td>Review open.</td></tr>"
        "<tr><td>City of Boston, Massachusetts</td><td>Review open.</td></tr>"
        "</tbody></table>"
        "<p><sup>3</sup> This city sued the Justice Department over the grant conditions.</p>"
    )
    pairs = found(extractor, html, url="https://www.justice.gov/ojp/reviews")
    assert ("seattle-wa", "contests") in pairs
    assert ("boston-ma", "contests") not in pairs


# -- the extractor's memories ------------------------------------------------------------------


def test_a_text_memo_answers_a_repeat_from_memory_and_stays_bounded(monkeypatch):
    """TextMemo calls its function once per distinct arguments, holds at most HITS_MEMO_SIZE
    answers, and holds none when that size is 0 (the benchmark's memory off)."""
    from watcher.status import extract as extract_module

    calls = []

    def length(text):
        calls.append(text)
        return len(text)

    monkeypatch.setattr(extract_module, "HITS_MEMO_SIZE", 3)
    memo = extract_module.TextMemo(length)
    assert [1, 2, 1] == [memo("a"), memo("bb"), memo("a")]
    assert ["a", "bb"] == calls
    for text in ("ccc", "dddd", "eeeee"):
        memo(text)
    assert len(memo.answers) <= 3
    monkeypatch.setattr(extract_module, "HITS_MEMO_SIZE", 0)
    off = extract_module.TextMemo(length)
    assert [2, 2] == [off("xx"), off("xx")]
    assert 0 == len(off.answers)


def test_boilerplate_read_from_memory_still_follows_each_page():
    """A repeated paragraph whose reading depends on the page around it (the county a sentence
    opened on, a state official named earlier) gets each page's own findings from a
    long-lived extractor, as from a new extractor each."""
    repeated = (
        "<p>The county's policies may violate federal law, the letter said.</p>"
        "<p>Paxton said the department sued Austin over its sanctuary policies.</p>"
        "<p>It was one of nine places that got letters about immigration detainers.</p>"
    )
    leads = (
        "<p>Texas Attorney General Ken Paxton said Austin violates state law on detainers.</p>",
        "<p>Milwaukee County has heard from the Justice Department before about sanctuary "
        "policies.</p>",
        "<p>Bexar County has heard from the Justice Department before about sanctuary "
        "policies.</p>",
    )
    pages = [
        parse_html(f"<html><body><main>{lead}{repeated}</main></body></html>", url)
        for lead in leads
        for url in (DOJ_URL, NEWS_URL)
    ]
    shared = Extractor()
    readings = set()
    for page in pages + pages:
        fresh = Extractor().extract(page)
        assert fresh == shared.extract(page)
        readings.add(tuple((f.jurisdiction, f.status) for f in fresh))
    # The pages around the boilerplate do change its reading.
    assert {(), (("milwaukee-county-wi", "non_compliant"),)} < readings
