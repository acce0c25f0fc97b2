"""Page -> findings: which jurisdictions the page says what about, with the sentence saying so.

The reading follows the page in order. Each block is cut into sentences and each sentence
into clauses; a status cue binds to the places its clause names. When a clause names no
place, it may still speak of places named elsewhere on the page:

- a group ("the jurisdictions", "the five", "each recipient", "they"): the places of the
  page's letters or list ("the following jurisdictions:", "Among those receiving letters
  were ..."), or else of the nearest earlier enumeration that got a federal status;
- one place ("the city", "we" in a city's statement): the page's speaker, else the place of
  that kind named last;
- a policy ("the challenged provisions"): the places that got the last federal status.

Generic talk ("cities and states", "any jurisdiction that ..."), questions, hypotheses and
negated cues bind to nothing.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Generic, NamedTuple, ParamSpec, TypeVar

from watcher.models import FEDERAL_STATUSES, Block, Finding, Page
from watcher.status import cues as rules
from watcher.status.cues import Cue, compile_extra_cues, event_date
from watcher.status.gazetteer import AP_ABBREVIATIONS, get_gazetteer, slug
from watcher.status.names import (
    STATE_GOVERNMENT,
    NameFinder,
    PageContext,
    RawMention,
    dateline_place,
    name_key,
)

log = logging.getLogger(__name__)

# "sued by the state's attorney general": the actor named after a passive verb.
PASSIVE_AGENT = re.compile(r"\bby\s+(?:the\s+|a\s+|an\s+)?(?:\w+['’]s\s+)?$", re.IGNORECASE)

# Statuses that make a group of places the page's subject (letters, findings, lawsuits).
TARGET_STATUSES = frozenset({"under_review", "non_compliant", "warned", "funding_cut", "sued"})
# Words that do not end a sentence although a period follows them.
ABBREVIATIONS = frozenset(
    """u.s us gov sen rep st ft mt dr mr mrs ms jr sr no nos jan feb mar apr jun jul aug sep sept
    oct nov dec inc co corp vs v gen lt col capt sgt prof rev hon ave blvd dept gov't d.c u.s.c
    sec""".split()
) | frozenset(
    form.rstrip(".").lower() for forms in AP_ABBREVIATIONS.values() for form in forms.split("|")
)
SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")
# The lookahead holds the first character of every alternative: most positions start none and
# are passed over at once (two to three times as fast on pages' sentences, the same breaks).
CLAUSE_BREAK = re.compile(
    r"(?=[;:”\",\s])"
    r"(?:;\s+|:\s+(?=\S)|[”\"],\s+|,\s+[“\"]|\s+but\s+"
    r"|,\s+and\s+(?=(?:I|we|he|she|they|it|the\s+[Dd]epartment)\b)(?!it\s+does\b|they\s+do\b)"
    # A contrast or a later event is a proposition of its own: "X was on the list, while Y
    # was not", "the first on the list since Baltimore County was taken off it".
    r"|,?\s+(?:while|whereas)\s+|\s+since\s+(?=[A-Z]))"
)
# Semicolons that separate the items of an enumeration ("Providence, Rhode Island; Santa Fe
# County, New Mexico; and ...") do not end a clause.
ENUMERATION_ITEM_WORDS = 7
# Sections of a page that are not its story.
BOILERPLATE_HEADING = re.compile(
    r"^(?:related|more\s+(?:\w+\s+){0,2}?(?:news|stories|headlines|coverage|videos?)\b|"
    r"more\s+(?:from|in|on)\b|trending|sponsored|latest(?:\s+(?:news|headlines|stories))?|"
    r"quick\s+links|media\s+contacts?|get\s+the\s+.*briefing|recommended|"
    r"most\s+(?:read|popular|viewed|watched|shared|emailed)|popular|share|advertisement|"
    r"you\s+(?:may|might)\s+(?:also\s+)?like|you\s+may\s+also|read\s+more|subscribe|"
    r"follow\s+us|contact|editors?['’]?s?\s+picks?|top\s+(?:stories|headlines|news)|up\s+next|"
    r"don['’]?t\s+miss|watch\s+(?:more|next|now|live)|in\s+case\s+you\s+missed|"
    r"around\s+the\s+(?:web|region|nation)|also\s+(?:on|from)|what\s+to\s+read|"
    r"further\s+reading|(?:today|tonight)['’]s\s+headlines|we\s+recommend)",
    re.IGNORECASE,
)
# Headings that only say what kind of places follow ("STATES:", "Cities and Towns").
CATEGORY_HEADING = re.compile(
    r"^(?P<kind>states?|count(?:y|ies)(?:\s+and\s+parishes)?|parishes|cit(?:y|ies)"
    r"(?:\s+and\s+towns)?|towns|municipalities|localities)\s*:?\s*$",
    re.IGNORECASE,
)
CATEGORY_KIND = {
    "state": "state",
    "count": "county",
    "paris": "county",
    "cit": "city",
    "town": "city",
}
# Clauses that name the recipients of the letters or the members of a list.
MEMBERSHIP = re.compile(
    r"\b(?:letters?|notices?|notifications?)\b[^.;]{0,40}?\b(?:went|were\s+sent|was\s+sent|were\s+addressed|was\s+addressed|"
    r"addressed|sent|going)\s+to\b|\bletters?\s+to\b|\bamong\s+(?:those|the\s+(?:[\w-]+\s+){0,2}?\w+|them)\s+(?:receiving|"
    r"that\s+received|who\s+received|getting|named|cited|targeted)|\b(?:is|are|was|were)\s+(?:also\s+)?"
    r"(?:on|among)\s+(?:the|this)\s+list\b|\bon\s+the\s+list\b|\b(?:cities|jurisdictions|places|counties|"
    r"states)\s+(?:cited|named|targeted|identified)\s+(?:by|in)\b|\bsent\s+(?:\w+\s+)?letters?\s+to\b|"
    r"\brecipients?\s+(?:were|are|include)|\b(?:the|these|those)\s+(?:\w+\s+)?(?:jurisdictions|"
    r"cities|counties|places|localities)\s+(?:are|include|included)\s*:?\s+(?-i:[A-Z])|"
    # "The 23 jurisdictions ranged from the State of Illinois to Jackson, Miss., and included"
    r"\b(?:the|these|those)\s+(?:\w+\s+)?(?:jurisdictions|cities|counties|places|localities|"
    r"recipients)\s+(?:ranged|range|ranging)\s+from\b|"
    r"^\s*and\s+(?:also\s+)?(?:included|includes|include)\s+(?-i:[A-Z])|"
    # The members of a group just counted: "Among them were Chicago ...; the others included"
    r"(?:^|,)\s*(?:and\s+)?among\s+them\s+(?:(?:were|are|was|is)\b|(?-i:[A-Z]))|"
    r"^\s*(?:and\s+)?(?:the\s+)?(?:others|rest)\s+(?:were|are|included?|being)\b",
    re.IGNORECASE,
)
NEGATED_MEMBERSHIP = re.compile(r"\bnot\s+(?:among|on\s+the\s+list|one\s+of)\b", re.IGNORECASE)
NUMBERS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "both": 2,
}  # fmt: skip
GROUP_NOUN = (
    r"(?:jurisdictions|cities|counties|states|places|localities|municipalities|recipients|"
    r"defendants)"
)
COUNT = r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
NUMERIC_REF = re.compile(
    rf"\b(?P<n>\d{{1,3}}|{COUNT})\s+{GROUP_NOUN}|\b(?:the|these|those|all)\s+(?P<m>{COUNT})\b",
    re.IGNORECASE,
)
# A counted group beside a named place: "Minnesota and three of its largest local governments".
COUNTED_GROUP = re.compile(
    rf"\band\s+(?P<n>{COUNT})\s+(?:of\s+(?:its|their)\s+)?(?:\w+\s+){{0,2}}?"
    rf"(?:local\s+governments|{GROUP_NOUN})\b",
    re.IGNORECASE,
)
PLURAL_REF = re.compile(
    r"\b(?:the|these|those|each\s+of\s+these|all\s+of\s+these|both)\s+" + GROUP_NOUN
    + r"|\beach\s+(?:jurisdiction|recipient|city|county|state)\b"
    r"|\bevery\s+(?:letter|recipient)\b|\bthe\s+recipient\b"
    r"|\b(?:the|these|its|their)\s+letters\b"
    r"|\b(?:department|justice\s+department|doj)'s\s+letters\b|\b(?:they|them|their|each)\b"
    r"|\blocal\s+officials\b",
    re.IGNORECASE,
)  # fmt: skip
# A definite plural that points back at places just named: "the two cities", "both counties".
ANTECEDENT_REF = re.compile(
    rf"\b(?:the|these|those|(?P<both>both))\s+(?:(?P<n>{COUNT}|\d{{1,2}})\s+)?"
    r"(?P<noun>cities|counties|states|jurisdictions|localities|recipients|plaintiffs)\b",
    re.IGNORECASE,
)
# Nouns of ANTECEDENT_REF that take places of any kind; they refer back only when counted.
ANY_KIND_NOUNS = frozenset({"jurisdictions", "localities", "recipients"})
# (The lookahead holds its alternatives' first letters, case-blind as they are: positions that
# start none are passed over at once; the same matches, more than twice as fast.)
GENERIC_REF = re.compile(
    r"(?=[aeosmucjl])"
    r"(?:\b(?:any|every|all|other|some|many|several|most|uncooperative|such)\s+(?:\w+\s+)?"
    r"(?:jurisdictions?|cities|city|states?|counties|places|localities|municipalities)\b"
    r"|\b(?:cities|jurisdictions|states|counties|localities)\s+(?:and|or)\s+(?:cities|jurisdictions|"
    r"states|counties|localities)\b|\b(?:jurisdictions|cities|states|counties)\s+(?:that|which|who|with)\b"
    r"|\ban?\s+(?:city|jurisdiction|state|county|municipality)\b"
    r"|(?<!the\s)(?<!these\s)(?<!those\s)(?<!their\s)\b(?:sanctuary\s+)?(?:cities|jurisdictions)\b"
    r"(?!\s*'))",
    re.IGNORECASE,
)
SINGULAR_REF = re.compile(
    r"\b(?:[Tt]he\s+(?P<a>city|county|state)|(?P<b>City|County|State|Metro)(?!\s+of)(?!\s+[A-Z]))\b"
)
POSSESSIVE_REF = re.compile(
    r"\b(?:the|and)\s+(city|county)['’]s\b|"
    # "the State's Community Safety and Trust Act": the state's own law, not its officials.
    r"\b(?:the|and)\s+(state)['’]s\s+(?:[\w-]+\s+){0,5}?(?:law|laws|act|statute|statutes|"
    r"policy|policies|code|order)\b",
    re.IGNORECASE,
)
# "wrote to the Governor and to the Mayor of Providence": the governor of the page's state.
GOVERNOR_REF = re.compile(r"\b(?:to|told|warned|notified)\s+the\s+Governor\b(?!\s+of\b)")
FIRST_PERSON = re.compile(r"\b(?:[Ww]e|[Oo]ur|[Uu]s|[Oo]urs|I)\b")
OFFICIAL_TITLES = (
    (re.compile(r"\b(?:Gov\.|Governor|governor's\s+office)"), "state"),
    (
        re.compile(
            r"\b(?:Mayor|mayor's\s+office|City\s+Hall|Police\s+(?:Commissioner|Chief|"
            r"Superintendent))\b"
        ),
        "city",
    ),
    (
        re.compile(
            r"\b(?:County\s+Executive|Sheriff|Commission(?:ers)?\s+Chair\w*|Board\s+Chair\w*|"
            r"Board\s+of\s+(?:Supervisors|Commissioners))\b"
        ),
        "county",
    ),
)
# A place's official by title and name ("Mayor Kathy Sheehan", "Gov. Ned Lamont"): a quote
# later attributed to the surname alone ("..., Sheehan said") is that place's voice.
OFFICIAL_NAME = re.compile(
    r"\b(?P<title>(?:County\s+)?Mayor|Gov\.|Governor|County\s+Executive|Executive|Sheriff|"
    r"(?:Board|Commission)\s+Chair\w*)\s+(?:[A-Z][\w.'’-]*\s+){0,2}?(?P<surname>[A-Z][a-z][\w'’-]+)"
    r"(?![\w'’-]|\s+[A-Z][a-z])"
)
OFFICIAL_NAME_TITLES = ("Mayor", "Gov", "Executive", "Sheriff", "Chair")
OFFICIAL_NAME_KIND = {"mayor": "city", "gov.": "state", "governor": "state"}
THIRD_PERSON_SAID = re.compile(r"\b(?:he|she)\s+(?:said|says|added|wrote)\b")
# Members of Congress: what they say of a place is not the place's own position.
LAWMAKER = re.compile(
    r"\b(?:U\.S\.\s+)?(?:Sen\.|Senator|Rep\.|Representative|Congressman|Congresswoman|"
    r"Congressmember)\s+(?:[A-Z][\w’'.-]*\s+){0,2}(?P<surname>[A-Z][\w’'-]+)"
)
POLICY_REF = re.compile(
    r"\b(?:the|these|those|its|their|such)\s+(?:challenged\s+|sanctuary\s+|local\s+|city\s+|"
    r"county\s+|state\s+|municipal\s+)?(?:polic(?:y|ies)|"
    r"provisions?|sections?|laws?|ordinances?|rules?|directives?|measures?|statutes?|acts?)\b"
    r"|\bthe\s+(?:[A-Z][\w’'-]*\s+){1,4}(?:Act|Ordinance|Directive|Law)\b",
    re.IGNORECASE,
)
FEDERAL_SPEAKER = re.compile(
    r"\b(?:justice\s+department|department\s+of\s+justice|doj|the\s+department|federal\s+government|"
    r"the\s+administration|homeland\s+security|dhs|(?<!state\s)attorney\s+general)\b",
    re.IGNORECASE,
)
# A sentence that opens on a pronoun or "the department": its subject is the previous one's.
PRONOUN_SUBJECT = re.compile(r"\s*[“\"]?(?:it|he|she|they|the\s+department)\b", re.IGNORECASE)
QUESTION_OR_HYPOTHESIS = re.compile(
    r"^\s*[“\"]?(?:if|would|could|should|whether|what\s+if)\b", re.I
)
# "We recommend that OJP require each applicant to certify ...": a proposal, not an action.
RECOMMENDATION = re.compile(
    r"^\s*[“\"]?(?:[\w’'.-]+\s+){0,5}?(?:recommends?|recommended|proposes?|proposed)\s+that\b", re.I
)
LIST_TITLE = re.compile(r"(?=l)\blist\b", re.IGNORECASE)  # (?=l): a first letter, as GENERIC_REF
# "ICE Publishes Jurisdictions That Declined Detainers": a title announcing a set of places.
PUBLISHED_PLACES = re.compile(
    r"\b(?:publish\w*|releas\w*|names?|identif\w*)\s+(?:\w+\s+){0,2}?(?:jurisdictions|cities|"
    r"counties)\b",
    re.IGNORECASE,
)
# The page itself holds the list: "the following list of ...", "the list below", "are listed
# alphabetically by state".
LIST_HERE = re.compile(
    r"(?=[tla])"  # first letters, as GENERIC_REF
    r"(?:\b(?:the\s+following|this)\s+(?:[\w-]+\s+){0,2}?list\b|\blist\s+below\b|"
    r"\bare\s+listed\s+(?:below|alphabetically)\b)",
    re.IGNORECASE,
)
THESE_SANCTUARIES = re.compile(
    r"\b(?:these|the\s+following|the\s+listed)\s+sanctuary\s+(?:jurisdictions|cities|counties)\b",
    re.IGNORECASE,
)
# Membership of the list a page speaks of: "is on the list", "was added to the list".
OUR_LIST = re.compile(r"\bon\s+our\s+(?:[\w’'-]+\s+){0,2}?list\b", re.IGNORECASE)
FEDERAL_LIST = re.compile(
    r"\b(?:(?:justice\s+)?department|doj|dhs|administration|federal\s+government)['’]s\s+"
    r"(?:[\w-]+\s+){0,2}?list\b|\bfederal\s+(?:[\w-]+\s+)?list\b"
)
ON_THE_LIST = re.compile(
    r"\bon\s+(?:the|this|that|its|their|a)\s+(?:[\w’'-]+\s+){0,4}?list\b|\bincluded\b|"
    r"\bplaced\s+on\b|"
    r"\badded\s+(?:\w+\s+){0,2}?to\s+(?:the|this|that|its)\s+(?:[\w’']+\s+){0,3}?list\b|"
    r"\bnamed\s+(?:\w+\s+)?(?:on|to|in)\s+(?:the|this|that|its|a|their)\s+(?:[\w’']+\s+){0,3}?"
    r"list\b|\blist\b[^;]{0,40}?\b(?:names|included|includes|including|(?:did\s+)?name|named)\b|"
    # The list as the subject, past an aside: "The list, posted Thursday under the order, names"
    r"^\W*(?:the|this|that|its|their)\s+(?:[\w’'-]+\s+){0,3}?list\s*,[^;]{0,120}?,\s+(?:also\s+)?"
    r"(?:names|named|includes|included|lists|identifies|identified)\b|"
    # "The City and Borough of Juneau was also named."
    r"\b(?:was|were|is|are)\s+(?:also\s+)?named\b(?!\s+(?:as|after|for|by|in\s+the\s+(?:law)?suit))",
    re.IGNORECASE,
)
# On a page about a sanctuary list, "This update adds X" / "It removes Y": the subject is the
# list (or its update), so X joins it and Y leaves it.
LIST_CHANGE = re.compile(
    r"^\W*(?:(?:it|this|the\s+(?:new\s+|latest\s+)?(?:update|revision|version|list|edition)|this\s+"
    r"(?:update|revision|version|list|edition))\s+(?:also\s+)?(?P<change>adds|removes|drops)\b|"
    # A labelled entry of a changes box: "Removed: East Lansing, Michigan, after ...".
    r"(?P<label>added|additions?|newly\s+(?:added|listed)|removed|removals?|dropped|deleted|"
    r"delisted)\s*(?:\([^)]{0,30}\)\s*)?[:–—-]\s)",
    re.IGNORECASE,
)
# "Bexar County does not appear on the list ... because it is not a sanctuary jurisdiction":
# the dispute is no sign that the list names the place.
NOT_ON_THE_LIST = re.compile(
    r"\b(?:not|never|n't)\s+(?:\w+\s+){0,2}?(?:on|in|among|appear\s+on|appear\s+in)\s+"
    r"(?:the|this|that|its|their|any)\s+(?:[\w’'-]+\s+){0,3}?list\b",
    re.IGNORECASE,
)
# "Bexar County responds to DHS sanctuary jurisdictions list": the place answers the list,
# which the words do not say names it.
RESPONDS_TO = re.compile(
    r"\b(?:respon(?:ds|ded|se|ses|ding)|react(?:s|ed|ion|ing)?|statement|comments?|commented)\s+"
    r"(?:to|on)\s+(?:the\s+|a\s+|an\s+)?(?:[\w’'.-]+\s+){0,4}?$",
    re.IGNORECASE,
)
# "X, the suburb that has been on the list": the relative clause is about X alone.
LISTED_RELATIVE = re.compile(
    r"\b(?:which|whom)\s+(?:the\s+)?(?:[\w.’'-]+\s+){0,3}?(?:named|put|placed|included|"
    r"listed|added|identified)\b[^,;]*$",
    re.IGNORECASE,
)
# "X, which the Department " before "named on its list": the relative's agent only.
LISTING_AGENT_RELATIVE = re.compile(
    r"\b(?:which|whom)\s+(?:the\s+)?(?:[\w.’'-]+\s+){0,2}?$", re.IGNORECASE
)
SINGULAR_RELATIVE = re.compile(r"\b(?:that|which|who)\s+(?:has|is|was|had)\b[^,;]*$", re.IGNORECASE)
# A letter "sent in error" or "withdrawn" asserts none of what it said.
LETTER_WITHDRAWN = re.compile(
    r"\b(?:letter|notice|notification)\b[^.;]{0,60}?\b(?:(?:sent|issued|mailed)\s+in\s+error|"
    r"(?:was|were|had\s+been|has\s+been|is|been)\s+(?:\w+\s+)?withdrawn)\b",
    re.IGNORECASE,
)
# A corrected report: what "an earlier version misstated" is retracted, not asserted.
RETRACTED = re.compile(
    r"\b(?:misstated|misreported|(?:incorrectly|erroneously|mistakenly|wrongly)\s+(?:said|stated|"
    r"reported|described|identified|attributed))\b",
    re.IGNORECASE,
)
# What posts or rumours claim is reported as a claim, not asserted by anyone accountable.
HEARSAY = re.compile(
    r"\b(?:posts?|rumou?rs?|memes?|users?|videos?|accounts?)\b[^.;]{0,30}?\b(?:claimed|claiming|"
    r"claims?)\b|\brumou?rs?\b[^.;]{0,20}?\bthat\b",
    re.IGNORECASE,
)
# "asked whether the City had received a similar letter", "debate whether the city could land
# on the list": what follows is the question, asserted by no one.
EMBEDDED_QUESTION = re.compile(
    r"\b(?:ask\w*|debat\w*|wonder\w*|question\w*|discuss\w*|weigh\w*|inquir\w*|unclear|"
    r"unsure|uncertain|not\s+(?:clear|known|sure|say)|undecided)\s+(?:\w+\s+){0,2}?"
    r"(?:whether|if)\b",
    re.IGNORECASE,
)
# An office that stands for its jurisdiction, named without the jurisdiction's name.
OFFICE_REF = re.compile(
    r"\b(?:the\s+)?(?:(?P<county>Sheriff['’]s\s+Office|Sheriff['’]s\s+Department|county\s+jail)|"
    r"(?P<city>Police\s+Department|police\s+department))\b"
)
# A sentence whose subject is the list the one before spoke of: "It names the cities of ...".
LIST_NAMES = re.compile(
    r"\s*It\s+(?:also\s+)?(?:names|named|includes|included|lists|listed|identifies|identified)\b"
)
# A threat or cut aimed at a class of places, not at one named: "... that threatened to strip
# federal funds from so-called sanctuary jurisdictions" (but "from sanctuary cities like X").
GENERIC_CLASS_TARGET = re.compile(
    r"[^;.]{0,60}?\b(?:from|to|against|of)\s+(?:all\s+|any\s+)?(?:so-called\s+|self-declared\s+)?"
    r"[“\"]?sanctuary[”\"]?\s+(?:jurisdictions|cities|states|counties|communities)\b"
    r"(?!\s*,?\s+(?:like|such\s+as|including|among\s+them)\b)",
    re.IGNORECASE,
)
# Membership of the list the last sentence spoke of: "Illinois is on it as well".
ON_IT = re.compile(r"\b(?:is|are|was|were)\s+(?:also\s+)?on\s+it\b", re.IGNORECASE)
# Places that only locate or qualify others in an enumeration: "and in New Mexico it names",
# "the only two New Mexico jurisdictions".
LOCATIVE_BEFORE = re.compile(r"\b(?:in|across|near|outside|throughout)\s+(?:the\s+)?$", re.I)
ADJECTIVE_AFTER = re.compile(
    rf"\s+(?:{GROUP_NOUN}|jurisdiction|city|county|state|towns?|officials?|leaders?)\b", re.I
)
# A claim that the federal government agrees, made by someone else: "... and the Justice
# Department says so", "the feds agree", "even DOJ admits it".
CLAIMED_AGREEMENT = re.compile(
    r"\s+(?:(?:says|said|agrees|agreed|admits|admitted|knows|confirms|confirmed)\s+"
    r"(?:so|it|as\s+much|that\s+too)\b|agree[sd]?\b(?!\s+to\b))",
    re.IGNORECASE,
)
NOT_INCLUDED = re.compile(
    r"\b(?:not|never|n['’]t)\s+(?:\w+\s+)?(?:include|includes|included|name|names|named|mention|"
    r"mentions|mentioned|list|lists|listed|contain|contains|contained|said|called|designated|"
    r"labell?ed|considers?|considered)\b|\bomit(?:s|ted|ting)?\b|"
    r"\bleav(?:es|ing)\s+(?:\w+\s+){0,3}?(?:off|out)\b",
    re.IGNORECASE,
)
# Requests a place answers in its daily work ("barred from responding to requests for
# information from Homeland Security Investigations"): not a demand of a federal review.
ROUTINE_REQUESTS = re.compile(
    r"\b(?:respond\w*|repl(?:y|ies|ied|ying)|honou?r\w*|answer\w*|fulfil\w*|process\w*)\s+"
    r"(?:to\s+)?(?:routine\s+|federal\s+|such\s+|those\s+|these\s+|any\s+|all\s+)?$",
    re.IGNORECASE,
)
# "requires the State to alert people when federal agencies ask for their information": a
# present-tense request after "when"/"whenever"/"if" is what a law provides for, not a request
# made ("when the department asked Chicago in April" is one).
HABITUAL_REQUEST = re.compile(
    r"\b(?:when|whenever|if|each\s+time|every\s+time)\s+(?:[\w'’-]+\s+){0,4}$", re.IGNORECASE
)
# A suit told right after one against the federal government: the same kind of suit.
FOLLOWED_SUIT = re.compile(
    r"\b(?:filed|brought|launched|lodged)\s+(?:its|their|his|her|a|an)\s+(?:own|similar|separate|"
    r"parallel|companion)\s+(?:(?:law)?suits?|challenges?|complaints?|cases?)\b|"
    r"\bfollowed\s+suit\b|\bsued\s+(?:too|as\s+well)\b|"
    r"\bjoined\s+(?:the|that|this|those)\s+(?:(?:law)?suits?|challenges?|fight|litigation)\b",
    re.IGNORECASE,
)
# "one of 29 jurisdictions to receive such letters": the statuses of the letter just told.
SAME_LETTER = re.compile(
    r"\b(?:such|similar|identical|the\s+same)\s+(?:letters?|notices?|warnings?)\b", re.IGNORECASE
)
# Case names: "United States v. California" (sued), "City of Chicago v. Sessions" (the city
# went to court against the federal government). "United States v. <a person>" names no place.
CASE_NAME = re.compile(
    r"\bUnited\s+States\s+v(?:s)?\.\s+(?=[A-Z])|"
    r"(?P<plaintiff>\b(?:(?:[A-Z][\w.'’-]*|of|and)\s+){1,6})v(?:s)?\.\s+(?:Sessions|Barr|Whitaker|Garland|Bondi|Trump|"
    r"Kelly|Nielsen|McAleenan|Wolf|Mayorkas|Noem|Biden|Attorney\s+General|United\s+States|U\.S\.|"
    r"(?:U\.S\.\s+)?Department\s+of)\b"
)
CASE_NOTE = "case name: United States v."
OBJECT_OF_PREPOSITION = re.compile(
    r"\b(?:of|to|from|with|against|for)\s+(?:the\s+)?(?:[A-Z][\w.'’-]*\s+){0,3}\Z"
)
# The one sued is the federal government: the places are the plaintiffs.
FEDERAL_DEFENDANT = re.compile(
    r"\s*(?:the\s+)?(?:U\.S\.\s+)?(?:Trump\s+|Biden\s+)?(?:administration\b|united\s+states\b|"
    r"federal\s+government\b|justice\s+department\b|department\s+of\s+(?:justice|homeland)|"
    r"department\b|doj\b|dhs\b|homeland\s+security\b|attorney\s+general\b|president\b|"
    r"trump\b|sessions\b|barr\b|bondi\b|secretary\b)",
    re.IGNORECASE,
)
# The one a federal letter speaks to.
# The subject line of a letter ("Re: ...", "Subject: ...").
LETTER_SUBJECT = re.compile(r"\s*(?:Re|RE|Subject|SUBJECT)\s*:\s")
# The places leading a group that acts together: "a coalition of cities led by Denver and".
COALITION_LEADERS = re.compile(
    r"\b(?:coalition|group|alliance|bloc|consortium)\b[^.;]{0,60}?\bled\s+by\s+", re.IGNORECASE
)
CITY_AND_COUNTY = re.compile(
    r"\b(?:City|County)\s+and\s+County\s+of\s+|"
    # "a case brought by a group of Eastern states and New York City": the group's named member
    r"\b(?:a|the)\s+(?:group|coalition)\s+of\s+(?:\w+\s+){0,2}?(?:states|cities|counties|"
    r"jurisdictions)\s+(?:and|including)\s+"
)
# Marks that tie a list entry to a footnote below the list.
FOOTNOTE_MARKS = frozenset("†‡§*¹²³")
# A footnote about the marked entries themselves: "against this jurisdiction", "these cities".
FOOTNOTE_REFERENT = re.compile(
    r"\b(?:this|these|such|each|the\s+marked)\s+(?:jurisdictions?|entr(?:y|ies)|cit(?:y|ies)|"
    r"count(?:y|ies)|states?|places?)\b",
    re.IGNORECASE,
)
# Treating someone unequally, not suing them: "policies that discriminate against the federal
# government", "retaliating against immigrants".
UNEQUAL_TREATMENT = re.compile(
    r"\b(?:discriminat\w*|retaliat\w*|hostil\w*|bias(?:ed)?|prejudic\w*|animus)\s+$",
    re.IGNORECASE,
)
# A claim made by someone after the federal voice: "shortly after the department announced the
# conditions, and both have argued since that their laws are consistent with federal law".
LATER_SPEAKER = re.compile(
    r"\b(?:argu\w+|said|say|says|maintain\w*|insist\w*|contend\w*|claim\w*|assert\w*)\b",
    re.IGNORECASE,
)
# What makes a suit one against the federal government when no defendant is named.
FEDERAL_SIDE = re.compile(
    r"\b(?:federal|grants?|funds?|funding|administration|trump|sessions|bondi|barr|department|"
    r"doj|executive\s+orders?|conditions|government|ice|immigration|sanctuary|1373|"
    r"washington|list)\b",
    re.IGNORECASE,
)
# The one a letter speaks to: "you", or a request put to it ("please produce ...").
ADDRESSEE = re.compile(r"\b(?:[Yy]ou|[Yy]our|[Pp]lease)\b")
PLURAL_POLICY_REF = re.compile(
    r"\b(?:the|these|those|their)\s+(?:local\s+|city\s+|county\s+|municipal\s+)?(?:policies|laws|"
    r"ordinances|rules|directives|measures)\b",
    re.IGNORECASE,
)
# An answer that denies what its question heading asks ("Has any money been cut? No.").
NEGATIVE_ANSWER = re.compile(r"^\s*(?:No|Not\s+yet|Not\s+so|None)\b[.,]", re.IGNORECASE)
# A review that the sentence ends ("closes review of", "completed its investigation of") or
# that someone only urges the department to open ("urging the DOJ to open an investigation").
REVIEW_ENDED = re.compile(
    r"\b(?:clos(?:e|es|ed|ing)|conclud(?:e|es|ed|ing)|complet(?:e|es|ed|ing)|end(?:s|ed|ing)?|"
    r"finish(?:es|ed|ing)?|wrap(?:s|ped|ping)\s+up)\s+(?:its\s+|the\s+|a\s+|their\s+)?"
    r"(?:[\w’'-]+\s+){0,2}?$",
    re.IGNORECASE,
)
URGED_TO = re.compile(
    r"\b(?:urg(?:e|es|ed|ing)|call(?:s|ed|ing)?\s+(?:on|for)|press(?:es|ed|ing)?|"
    r"push(?:es|ed|ing)?|want(?:s|ed)?|petition(?:s|ed|ing)?)\b[^.;]{0,100}?\bto\s+$",
    re.IGNORECASE,
)
REVIEW_OPENED = re.compile(r"(?:open|launch|begin|began|begun|start|initiat)", re.IGNORECASE)
# The object of a suit is a group of unnamed places; the places after "in" only locate them.
LOCATED_GROUP = re.compile(
    rf"\b(?:{GROUP_NOUN}|governments|officials|agencies|towns|communities)\s+"
    r"(?:\w+\s+){0,2}?(?:in|across|throughout)\s+",
    re.IGNORECASE,
)
# "the Connecticut Trust Act", "the Illinois TRUST Act", "the California Values Act": a
# state's law, titled after the state's name.
STATE_LAW_TITLE = re.compile(
    r"\bthe\s+(?P<state>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\s+"
    r"(?P<title>(?:[A-Z][\w-]*\s+){1,4}Act)\b"
)
# "to the" before a lawsuit noun: a preposition ("responded to the lawsuit"), no infinitive.
PREPOSITION_TO = re.compile(r"\bto\s+(?:the|this|that|its|their|his|her)\s+$", re.IGNORECASE)
PRELIMINARY = re.compile(r"\bpreliminar\w*\b", re.IGNORECASE)
# Words one of which every form of rules.SUED_TRIGGER holds ("sued", "lawsuit", "against",
# "took ... to court", "complaint ... names", "naming X as a defendant", "suits challenging").
DIGIT = re.compile(r"\d")  # as DEADLINE's \d means it
SUED_TRIGGER_WORDS = ("sue", "suing", "suit", "against", "over", "defendant", "court", "names",
                      "challeng")  # fmt: skip
# How many clauses Extractor._hits remembers the hits of, and how many texts each of the
# extractor's other memories (TextMemo) holds; 0 turns them off.
HITS_MEMO_SIZE = 5_000
# What the statuses are about: a page with none of these words is about something else.
# The lookahead holds the first character of every alternative (case-blind, as they are): a
# position that starts none is passed over at once, not tried against each (about twice as
# fast on pages' text, the same matches).
TOPIC = re.compile(
    r"(?=[isdaufwtcb1])"
    r"(?:immigra|sanctuary|\b1373\b|detainers?\b|deport|\bICE\b|\baliens?\b|undocumented|"
    r"federal\s+law|welcoming\s+cit|trust\s+act|customs\s+enforcement|border\s+patrol)",
    re.IGNORECASE,
)
CELL_KINDS = {"city": "city", "town": "city", "county": "county", "parish": "county",
              "state": "state"}  # fmt: skip
# A note after an entry's type saying when it joined the list: "King County (County) – added
# September 26, 2025", "Eugene (City) (new)". A note of removal is no such note: it unlists.
ITEM_ADDED_NOTE = re.compile(
    r"(?<=\))\s*(?:[–—-]\s*|\(\s*|,\s*)(?:newly\s+added|added|new|listed)\b[^()]*\)?\s*$",
    re.IGNORECASE,
)
ITEM_KIND = re.compile(
    r"(?:\(|\s[–—-]\s*)(?P<kind>city|town|county|parish|state)(?:\s+and\s+county)?\)?\s*$",
    re.IGNORECASE,
)
# An entry of a list page that names a city the gazetteer lacks (it keeps places of 15,000+):
# "Winooski (City)" under a "Vermont" heading.
SMALL_CITY_ITEM = re.compile(
    r"^(?P<name>[A-Z][\w'’.]*(?:[ -][A-Z][\w'’.]*){0,2})\s+\((?i:city|town|village)\)$"
)
# "City of Winooski, Vermont", "Village of Oak Park, Illinois" as a whole list entry.
SMALL_CITY_OF = re.compile(
    r"^(?:City|Town|Village|Borough)\s+of\s+(?P<name>[A-Z][\w'’.]*(?:[ -][A-Z][\w'’.]*){0,2}),"
    r"\s+(?P<state>[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*){0,2})\.?$"
)
SMALL_CITY_OF_PREFIXES = frozenset({"City", "Town", "Vill", "Boro"})
# A table of the government's lawsuits: "United States as plaintiff", "Suits filed by the
# Justice Department", "DOJ sanctuary lawsuits".
SUITS_CAPTION = re.compile(
    r"\b(?:united\s+states|the\s+government|federal\s+government)\s+as\s+plaintiff\b|"
    r"\b(?:lawsuits|suits|complaints|cases)\s+(?:filed|brought)\s+by\s+the\s+(?:united\s+states|"
    r"justice\s+department|department\s+of\s+justice|federal\s+government|administration)\b|"
    r"\b(?:doj|justice\s+department|federal|government)(?:['’]s)?\s+(?:sanctuary\s+)?"
    r"(?:lawsuits|suits)\b",
    re.IGNORECASE,
)
# A caption that says its rows are a list's members ("Sanctuary jurisdictions identified by DHS").
LIST_CAPTION = re.compile(
    r"\blist\b|\b(?:sanctuary|non-?cooperative)\s+(?:jurisdictions|cities|counties|states|places)\b",
    re.IGNORECASE,
)
# A table heading (no caption) that says its rows are the places that keep federal officers
# out: "Jurisdictions with enacted policies that restrict cooperation with ICE".
NONCOOPERATION_HEADING = re.compile(
    r"\b(?:sanctuary|non-?cooperative|uncooperative)\s+jurisdictions\b|\bjurisdictions\b[^.]{0,60}"
    r"\b(?:restrict|restricting|limit|limiting|refuse|refusing|decline|declining)s?\s+"
    r"(?:cooperation|to\s+cooperate|(?:to\s+honou?r\s+)?detainers)\b",
    re.IGNORECASE,
)
LIST_QUESTION = re.compile(r"\blist\b[^?]*\?\s*$|^\s*(?:listed|on\s+(?:the\s+)?list)\b", re.I)
NO_CELL = re.compile(r"no\b\.?|not\s+listed|[—–-]", re.IGNORECASE)
# The terse idioms of a status table's cells, which running-text cues do not read:
# "Compliance confirmed; review closed", "In compliance following amendment ...".
COMPLIANT_CELL = re.compile(
    r"^(?:compliance\s+(?:confirmed|verified|established|certified)|(?:found\s+|now\s+)?"
    r"in\s+(?:full\s+)?compliance|compliant|complies|no\s+violations?\s+found)\b",
    re.IGNORECASE,
)
# "Removed October 14, 2025", "Delisted", "Taken off the list" in a list table's row: the row's
# place left the list.
REMOVED_CELL = re.compile(r"^(?:removed|delisted|taken\s+off)\b", re.IGNORECASE)
# "Review open; supporting documents requested", "Inquiry pending", "Under review".
REVIEW_CELL = re.compile(
    r"^(?:(?:review|investigation|inquiry|audit)\s+(?:open(?:ed)?|ongoing|pending|under\s*way|"
    r"in\s+progress)|under\s+review)\b|^(?:(?:supporting|additional|further)\s+)?(?:documents?|"
    r"documentation|records|information)\s+requested\b",
    re.IGNORECASE,
)
# A money column ("FY 2017 award", "Grant funds") whose cell says the money was held back.
FUNDS_COLUMN = re.compile(r"\b(?:award|grant|funds?|funding|allocation|payment)s?\b", re.I)
FUNDS_CUT_CELL = re.compile(
    r"^(?:withheld|suspended|terminated|frozen|denied|rescinded|cancell?ed|revoked)\b", re.I
)
# A deadline column ("Response due", "Deadline"): a date there, after a preliminary finding,
# is the time given to answer it.
DEADLINE_COLUMN = re.compile(r"\b(?:due|deadline|respond\s+by|response\s+by)\b", re.I)
OFFICIALS_COLUMN = re.compile(
    r"\b(?:officials?|mayor|governor|executive|sheriff|council|city\s+hall|response|responded|"
    r"reaction|says|said|stance|position)\b",
    re.IGNORECASE,
)
OFFICE_KIND = re.compile(r"\b(?:mayor|governor|county\s+executive|sheriff)\b", re.IGNORECASE)
OFFICE_KINDS = {"mayor": "city", "governor": "state", "county": "county", "sheriff": "county"}
# The header of a table's leading column that holds each row's state.
STATE_HEADERS = frozenset({"state", "states", "st.", "state/territory"})
SITE_SUFFIX = re.compile(r"\s+[|–—-]\s+(?P<site>[^|–—]+)$")


Answer = TypeVar("Answer")
Arguments = ParamSpec("Arguments")


class TextMemo(Generic[Arguments, Answer]):
    """A bounded memory of a pure function of texts, for one extractor.

    Sites repeat paragraphs from page to page (disclaimers, "about the office", the same
    sentence in every release of a series), and a crawl reads them all with one extractor.
    The function's answer depends on its arguments alone and is a tuple, a number, a
    boolean or a regex match, which no caller can change; so a repeat gets the answer back.
    """

    def __init__(self, function: Callable[Arguments, Answer]) -> None:
        self.function = function
        self.answers: dict[tuple[object, ...], Answer] = {}

    def __call__(self, *args: Arguments.args, **kwargs: Arguments.kwargs) -> Answer:
        if args in self.answers:
            return self.answers[args]
        answer = self.function(*args, **kwargs)
        if len(self.answers) >= HITS_MEMO_SIZE:
            self.answers.clear()  # a bound on memory; the next pages refill it
        if HITS_MEMO_SIZE and not kwargs:
            self.answers[args] = answer
        return answer


def _unremembered(function: Callable[Arguments, Answer]) -> Callable[Arguments, Answer]:
    """The function itself, where a TextMemo would remember nothing."""
    return function


@dataclass
class Hit:
    """A status a clause asserts, before it is bound to places."""

    status: str
    position: int  # character offset in the clause
    binding: str
    note: str
    voiced: bool = False  # counts only when the federal government speaks


@dataclass
class Group:
    """Places spoken of together: a list under an introduction, or an enumeration."""

    position: int  # block index
    members: list[str]
    target: bool  # got a federal status such as a finding, a letter or a lawsuit


@dataclass
class Pending:
    """A status said of a group before the page names the group's members."""

    status: str
    evidence: str
    position: int
    when: date | None
    size: int | None
    note: str


@dataclass
class TableCell:
    """Where a table cell sits: its column's header, its row, the table's caption."""

    column: str  # the header of the cell's column
    first: bool  # the cell opens its row: it names the row's place
    caption: str  # the table's caption ("" when it has none)
    state_column: bool = False  # a leading "State" column before the row's place


@dataclass
class PageReading:
    """The state of reading one page."""

    page: Page
    context: PageContext
    speaker: str | None
    federal_page: bool
    sanctuary_list_page: bool
    findings: dict[tuple[str, str], Finding] = field(default_factory=dict)
    groups: list[Group] = field(default_factory=list)
    members: list[str] = field(default_factory=list)  # recipients of letters / list members
    pending: list[Pending] = field(default_factory=list)
    last_targets: list[str] = field(default_factory=list)
    last_of_kind: dict[str, str] = field(default_factory=dict)
    on_topic: bool = True  # the page speaks of immigration or sanctuary policy at all
    row_states: dict[int, tuple[str, str]] = field(default_factory=dict)  # table cell qualifiers
    last_statuses: list[str] = field(default_factory=list)  # given to last_targets
    counts: Counter[str] = field(default_factory=Counter)  # mentions of each place so far
    answer_to: str = ""  # the question heading the current block answers
    lawmakers: set[str] = field(default_factory=set)  # surnames of members of Congress
    officials: dict[str, str] = field(default_factory=dict)  # a local official's surname: place
    last_official: str | None = None  # the place of the official the page last quoted or named
    # The last sentence's subject was the federal government: a following "it" or "the
    # department" is that government, not a place ("The department ... It is suing Chicago").
    federal_subject: bool = False
    state_official_ref: re.Pattern[str] | None = None  # a state official by surname alone
    suing_federal_block: int = -10  # the last block that told of a place suing the government
    subject_place: str | None = None  # the place the last sentence opened on
    list_spoken_of: bool = False  # the last sentence spoke of a list (for "It names ...")
    heading_state: str = ""  # the state the last heading names and nothing else ("Arizona")
    cells: dict[int, TableCell] = field(default_factory=dict)  # table cells by position
    item_places: list[str] = field(default_factory=list)  # the places of the last item read
    row_places: list[str] = field(default_factory=list)  # the place of the table row being read
    # A state's law by its title alone, learned where the page names its state ("the Connecticut
    # Trust Act" ... "the Trust Act"): title -> state id.
    law_titles: dict[str, str] = field(default_factory=dict)
    # List items that carry a footnote mark ("Denver, CO†"): mark -> the items' places.
    footnoted: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Clause:
    """A clause of a sentence, with the places it names."""

    text: str
    sentence: str
    block: int
    places: list[tuple[RawMention, str]]  # (mention, jurisdiction id), offsets in `text`
    is_item: bool = False
    quoted_name: bool = False  # names a place only as a quoted name


class Extractor:
    """Reads pages into findings: (jurisdiction, status, evidence)."""

    def __init__(
        self,
        aliases: Mapping[str, Sequence[str]] = {},
        extra_cues: Sequence[tuple[str, str]] = (),
    ) -> None:
        self.gazetteer = get_gazetteer()
        self.names = NameFinder(self.gazetteer, aliases)
        self.cues: tuple[Cue, ...] = rules.DEFAULT_CUES + tuple(
            compile_extra_cues(list(extra_cues))
        )
        # One scan finds which cue anchors a clause holds; an anchor found also holds every
        # anchor it contains ("compliant" holds "complian").
        # The anchors are written as a trie, so that each position of the clause costs one walk
        # down shared prefixes, not a try of every anchor in turn; it finds the longest anchor
        # that starts there, as the plain alternation longest-first did.
        anchors = sorted({a for cue in self.cues for a in cue.anchors}, key=len, reverse=True)
        self.anchor_scan = re.compile("(?=(" + _trie_pattern(anchors) + "))")
        self.anchor_closure = {a: {b for b in anchors if b in a} for a in anchors}
        # The cues each anchor opens, by index, so a clause tries only the cues it may match.
        self.cues_by_anchor: dict[str, set[int]] = {a: set() for a in anchors}
        for number, cue in enumerate(self.cues):
            for anchor in cue.anchors:
                self.cues_by_anchor[anchor].add(number)
        self.ungated = {number for number, cue in enumerate(self.cues) if not cue.anchors}
        self._hits_memo: dict[tuple[str, str, str, str, bool], tuple[Hit, ...]] = {}
        # With the memories off (HITS_MEMO_SIZE 0, as the benchmark of unseen text sets it
        # before building an extractor) a TextMemo can never answer from memory: the function
        # itself is called, without a memo's call in between.
        remembered = TextMemo if HITS_MEMO_SIZE else _unremembered
        self._block_sentences = remembered(_block_sentences)
        self._is_title_case = remembered(_is_title_case)
        self._on_topic = remembered(_on_topic)
        self._only_generic = remembered(_only_generic)
        self._search = remembered(_search)
        self._federal_actor_allows = remembered(self._actor_allows)
        # "California Attorney General Rob Bonta said ...": a state official, not a federal one.
        state_names = "|".join(
            re.escape(j.name) for j in self.gazetteer if j.kind == "state" and j.id != "dc"
        )
        self.state_officials = re.compile(
            rf"\b(?:{state_names})(?:'s)?\s+(?:attorney\s+general|governor|gov\.)"
            r"(?=[^.;]{0,60}?\b(?:said|says|warned|sued|sues|threatened|wrote|argued|called)\b)",
            re.IGNORECASE,
        )
        # "Texas Attorney General Ken Paxton ...": later "Paxton sued ..." is the same official.
        self.state_official_names = re.compile(
            rf"\b(?:{state_names})(?:'s)?\s+(?i:attorney\s+general|governor|gov\.)\s+"
            r"(?:[A-Z][\w.'’-]*\s+){0,2}(?P<surname>[A-Z][\w'’-]+)"
        )

    # -- the page -------------------------------------------------------------------------------

    def extract(
        self, page: Page, *, speaker: str | None = None, list_page: bool = False
    ) -> list[Finding]:
        """Every (jurisdiction, status) the page asserts, one finding each, in page order."""
        blocks = _story_blocks(page)
        if not blocks:
            return []
        context = PageContext()
        self._learn_site(page, context)
        scanned = self._scan_blocks(blocks, context)
        # Every form of STATE_GOVERNMENT (case-sensitive) holds "Gov", "tate" or "egislat".
        context.state_government = sum(
            len(STATE_GOVERNMENT.findall(block.text))
            for _, block in blocks
            if "Gov" in block.text or "tate" in block.text or "egislat" in block.text
        )
        inferred = speaker if speaker and self.gazetteer.is_known(speaker) else None
        inferred = inferred or self._site_speaker(page, context)
        cells = _table_cells(blocks, scanned)
        reading = PageReading(
            page=page,
            context=context,
            speaker=inferred,
            federal_page=_is_federal_page(page),
            sanctuary_list_page=_mentions_sanctuary_list(blocks),
            on_topic=any(self._on_topic(block.text) for _, block in blocks),
            row_states=self._row_states(blocks, cells),
            cells=cells,
            lawmakers={
                m.group("surname")
                for _, b in blocks
                if _may_name_lawmaker(b.text)
                for m in LAWMAKER.finditer(b.text)
            },
        )
        officials = {
            m.group("surname")
            for _, b in blocks
            if _may_name_state_official(b.text)
            for m in self.state_official_names.finditer(b.text)
        }
        if officials:
            names = "|".join(re.escape(name) for name in sorted(officials))
            reading.state_official_ref = re.compile(
                rf"\b(?:{names})\b(?=[^.;]{{0,60}}?\b(?:said|says|warned|sued|sues|suing|"
                r"threatened|wrote|argued|called)\b)"
            )
        reading.law_titles = self._law_titles(blocks)
        list_page = list_page or self._looks_like_list_page(page, blocks, scanned, context)
        self._read(reading, blocks, scanned, list_page)
        self._bind_pending(reading)
        for jid, status in list(reading.findings):
            # Time to answer a preliminary finding is a warning, not a new review.
            finding = reading.findings[(jid, status)]
            if status == "under_review" and rules.ANSWER_RULE in finding.note:
                if (jid, "non_compliant") in reading.findings:
                    del reading.findings[(jid, status)]
                    # "The letter gives the city until Dec. 8 to send additional evidence that
                    # it complies", after the finding: time to answer it is the warning.
                    if (jid, "warned") not in reading.findings:
                        reading.findings[(jid, "warned")] = replace(
                            finding, status="warned", event_date=None
                        )
        return sorted(reading.findings.values(), key=lambda f: (f.position, f.jurisdiction))

    def _law_titles(self, blocks: list[tuple[int, Block]]) -> dict[str, str]:
        """State laws the page names with their state ("the Connecticut Trust Act"), by title."""
        titles: dict[str, str] = {}
        for _, block in blocks:
            if " Act" not in block.text:
                continue
            for match in STATE_LAW_TITLE.finditer(block.text):
                name, title = match.group("state"), match.group("title")
                state = self.names.state_forms.get(name_key(name))
                if state is None and " " in name:
                    # "the Illinois Way Forward Act": a one-word state, a longer title.
                    name, extra = name.split(None, 1)
                    state, title = self.names.state_forms.get(name_key(name)), f"{extra} {title}"
                if state and state != "wa":  # "Washington" may be the federal capital
                    titles.setdefault(title, state)
        return titles

    def _law_mentions(self, reading: PageReading, text: str) -> list[tuple[RawMention, str]]:
        """'the Trust Act' on a page that named 'the Connecticut Trust Act': the state's own law
        stands for the state, as its mayor or police stand for a city."""
        found = []
        for title, state in reading.law_titles.items():
            start = text.find("the " + title)
            if start < 0:
                continue
            start += 4
            mention = RawMention(start, start + len(title), title.lower(), (state,), state, "state")
            found.append((replace(mention, role="official"), state))
        return found

    def _scan_blocks(
        self, blocks: list[tuple[int, Block]], context: PageContext
    ) -> dict[int, list[RawMention]]:
        scanned: dict[int, list[RawMention]] = {}
        for position, block in blocks:
            title_case = self._is_title_case(block.text, block.is_heading)
            mentions = self.names.scan(block.text, title_case=title_case)
            for mention in mentions:
                self.names.learn(mention, context)
            scanned[position] = mentions
            place = dateline_place(block.text)
            if place and place[1]:
                self._learn_dateline(place, context)
        return scanned

    def _learn_site(self, page: Page, context: PageContext) -> None:
        """The site's own place, when its name is qualified ("... | Lake County, IL")."""
        match = SITE_SUFFIX.search(page.title or "")
        if match is None:
            return
        for mention in self.names.scan(match.group("site")):
            if mention.qualifier:
                self.names.learn(mention, context)
                jid = self.names.resolve(mention, context)
                if jid:
                    context.site_names[mention.key] = jid

    def _learn_dateline(self, place: tuple[str, str], context: PageContext) -> None:
        text = f"{place[0].title()}, {place[1]}"
        if context.dateline_state is None:
            context.dateline_state = self.names.state_forms.get(name_key(place[1]))
        for mention in self.names.scan(text):
            self.names.learn(mention, context)

    def _site_speaker(self, page: Page, context: PageContext) -> str | None:
        """The government whose site the page is on, from its title ("... | City of Boston")."""
        match = SITE_SUFFIX.search(page.title or "")
        if match is None:
            return None
        site = match.group("site")
        if not re.search(
            r"\b(?:City|County|Government|Town|Village|Metro|Mayor|Official|Governor|State|"
            r"Commonwealth)\b|\.gov\b",
            site,
        ):
            return None
        # "Portland.gov", "AustinTexas.gov": the site's own name, split from its domain.
        site = re.sub(r"\.gov\b", "", site)
        site = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", site)
        found = set()
        for mention in self.names.scan(site):
            if mention.passing and mention.passing != "part of another name":
                continue
            jid = self.names.resolve(mention, context)
            if jid and self.gazetteer.get(jid).kind != "state":  # type: ignore[union-attr]
                found.add(jid)
        return found.pop() if len(found) == 1 else None

    def _row_states(
        self, blocks: list[tuple[int, Block]], cells: Mapping[int, TableCell] = {}
    ) -> dict[int, tuple[str, str]]:
        """Table cells whose row gives the state in a cell of its own: position -> (state, kind).

        "| Kansas City | KS | City |": the next cells qualify the place named in this one.
        """
        rows: dict[int, tuple[str, str]] = {}
        for index, (position, block) in enumerate(blocks):
            if block.tag != "td" or index + 1 >= len(blocks) or position in rows:
                continue
            if position in cells and cells[position].state_column:
                # "| California | Sacramento County | County |": the state qualifies the next cell.
                rows[position] = ("", "state cell")
                state = self._state_cell(block.text)
                if state and blocks[index + 1][1].tag == "td":
                    kind = ""
                    if index + 2 < len(blocks) and blocks[index + 2][1].tag == "td":
                        kind = CELL_KINDS.get(blocks[index + 2][1].text.strip().lower(), "")
                    rows[blocks[index + 1][0]] = (state, kind)
                continue
            if block.text.strip().lower() in CELL_KINDS:
                continue  # a row's type column ("City") before the next row's place
            cell = blocks[index + 1][1]
            following = cells.get(blocks[index + 1][0])
            if following is not None and (following.first or following.state_column):
                continue  # "| Oct. 31 |" then the next row's "| Nevada |": no state column
            state = self._state_cell(cell.text) if cell.tag == "td" else None
            # "| New York | — | State |": no state for a state itself; its type says what it is.
            empty = cell.tag == "td" and re.fullmatch(r"[\s—–-]+|n/?a", cell.text, re.I)
            if state is None and not empty:
                continue
            kind = ""
            if index + 2 < len(blocks) and blocks[index + 2][1].tag == "td":
                kind = CELL_KINDS.get(blocks[index + 2][1].text.strip().lower(), "")
            if state is None:
                if not kind:
                    continue
                state = ""
            rows[position] = (state, kind)
            rows[blocks[index + 1][0]] = ("", "state cell")
        return rows

    def _state_cell(self, text: str) -> str | None:
        """The state a table cell holds and nothing else ("KS", "Kan.", "Kansas"), or None."""
        text = text.strip()
        if len(text) == 2 and text.isupper():
            return self.names.state_forms.get("\0" + text)
        if not text or len(text) > 20:
            return None
        return self.names.state_forms.get(name_key(text))

    def _looks_like_list_page(
        self,
        page: Page,
        blocks: list[tuple[int, Block]],
        scanned: dict[int, list[RawMention]],
        context: PageContext,
    ) -> bool:
        """A page that is itself a list: titled a list, with many items that are just names."""
        heads = [page.title] + [b.text for _, b in blocks if b.is_heading][:2]
        # "DHS has compiled the following list of sanctuary jurisdictions.": an introduction
        # before the first item may say what the page is when its title does not.
        first_item = next((i for i, (_, b) in enumerate(blocks) if b.is_item), len(blocks))
        intro = [b.text for _, b in blocks[:first_item] if not b.is_heading]
        if not any(LIST_TITLE.search(h) or PUBLISHED_PLACES.search(h) for h in heads) and not any(
            self._search(LIST_HERE, text) for text in intro
        ):
            return False
        # "DHS Publishes Updated List of Non-Cooperative Jurisdictions": the title need not
        # say "sanctuary" when the page says what the list is ("These sanctuary jurisdictions").
        if (
            not any("sanctuary" in h.lower() for h in heads)
            and not _mentions_sanctuary_list(blocks)
            and not any(THESE_SANCTUARIES.search(b.text) for _, b in blocks)
        ):
            return False
        bare = sum(
            1
            for position, block in blocks
            if block.is_item
            and _bare_name(ITEM_ADDED_NOTE.sub("", block.text.strip()), scanned[position])
        )
        return bare >= 5

    # -- reading blocks -------------------------------------------------------------------------

    def _read(
        self,
        reading: PageReading,
        blocks: list[tuple[int, Block]],
        scanned: dict[int, list[RawMention]],
        list_page: bool,
    ) -> None:
        intro: list[Hit] | None = None  # the statuses of the list introduction in force
        intro_is_membership = False
        intro_group: Group | None = None
        kind_hint = ""
        answer: list[Hit] = []  # the statuses a question heading asks about
        table_heading = ""  # the heading right before a table, which titles it
        for position, block in blocks:
            text = block.text
            if block.tag not in {"td", "th", "caption"}:
                table_heading = text if block.is_heading else ""
            if block.tag in {"td", "th"} and position in reading.row_states:
                if reading.row_states[position][1] == "state cell":
                    continue  # the state column of a table row: it qualifies the row's place
            category = None if block.tag in {"td", "th"} else CATEGORY_HEADING.match(text.strip())
            if category:
                kind_hint = _category_kind(category.group("kind"))
                continue
            item_intro, item_list_page = intro, list_page
            if position in reading.cells:
                cell = reading.cells[position]
                if not cell.first:
                    if self._read_cell(reading, position, block, scanned[position]):
                        continue
                else:
                    # The caption says what the table's rows are; one that names no list
                    # lists no row.
                    item_intro = self._caption_hits(reading, cell.caption) or intro
                    item_list_page = list_page and (
                        not cell.caption or bool(LIST_CAPTION.search(cell.caption))
                    )
                    if not item_list_page and not cell.caption and table_heading:
                        item_list_page = self._heading_lists_rows(reading, blocks, table_heading)
                    reading.item_places = []
            if block.is_item:
                hits = self._read_item(
                    reading, position, block, scanned[position], kind_hint, item_intro,
                    item_list_page,
                )  # fmt: skip
                if position in reading.cells and reading.cells[position].first:
                    reading.row_places = list(reading.item_places)
                if intro_group is not None and hits is not None:
                    intro_group.members.extend(hits)
                    if intro_is_membership:
                        reading.members.extend(hits)
                continue
            # Any other block ends a list.
            if intro_group is not None:
                self._close_group(reading, intro_group)
                intro_group = None
            intro = None
            kind_hint = ""
            if block.is_heading and text.rstrip().endswith("?"):
                # "Who is being sued?": the answer below names whom the question is about.
                reading.answer_to = text
                answer = [
                    h
                    for h in self._hits(reading, text, text)
                    if h.status in FEDERAL_STATUSES and h.binding not in {"stance", "relative"}
                ]
                continue
            if block.is_heading:
                reading.answer_to, answer = "", []
                # "<h2>Arizona</h2><ul><li>Tucson (City)</li>": the heading qualifies the items.
                reading.heading_state = self._state_cell(text) or ""
            if NEGATIVE_ANSWER.match(text):
                answer = []
            if reading.footnoted and text.lstrip()[:1] in reading.footnoted:
                self._read_footnote(reading, position, text)
            clauses_hits = self._read_block(reading, position, block, scanned[position], answer)
            answer = []
            if text.rstrip().endswith(":") or block.is_heading and text.rstrip().endswith(":"):
                intro = [hit for hits in clauses_hits for hit in hits]
                intro_is_membership = bool(MEMBERSHIP.search(text)) or not intro
                target = any(hit.status in TARGET_STATUSES for hit in intro) or intro_is_membership
                intro_group = Group(position, [], target and not _only(intro, {"compliant"}))
        if intro_group is not None:
            self._close_group(reading, intro_group)

    def _read_footnote(self, reading: PageReading, position: int, text: str) -> None:
        """A list's footnote ("† The United States has filed a lawsuit against this
        jurisdiction") gives its federal statuses to every item carrying its mark."""
        body = text.lstrip()
        marked = reading.footnoted.pop(body[:1])
        sentence = _sentences(body[1:].strip())[:1]
        if not sentence:
            return
        first = sentence[0][1]
        if not FOOTNOTE_REFERENT.search(first):
            return  # a note about something else (sources, dates), not about the entries
        hits = self._hits(reading, first, first)
        when = event_date(first, reading.page.published)
        # "This jurisdiction has filed suit against the Attorney General": the marked entries
        # went to court.
        statuses = [
            h.status
            for h in hits
            if h.status in FEDERAL_STATUSES or h.status == "contests" and h.binding == "plaintiffs"
        ]
        for status in dict.fromkeys(statuses):
            for jid in marked:
                self._add(reading, jid, status, first, position, when, "list footnote")

    def _heading_lists_rows(
        self, reading: PageReading, blocks: list[tuple[int, Block]], heading: str
    ) -> bool:
        """A federal page's table titled as sanctuary jurisdictions lists its rows.

        "Table 1: Jurisdictions with enacted policies that restrict cooperation with ICE" on an
        ICE report that says it identifies sanctuary jurisdictions.
        """
        if not reading.federal_page or "jurisdiction" not in heading.lower():
            return False
        if not NONCOOPERATION_HEADING.search(heading):
            return False
        return any("sanctuary" in block.text.lower() for _, block in blocks)

    def _read_cell(
        self,
        reading: PageReading,
        position: int,
        block: Block,
        mentions: list[RawMention],
    ) -> bool:
        """A later cell of a table row, read through its column; False: read it as an item.

        "Removed from the list" or "is lawful" in a later cell of the row, naming no place of
        its own, is said of the row's place; "No" under "On the August list?" unlists it.
        """
        cell = reading.cells[position]
        if not reading.row_places or any(not m.passing for m in mentions):
            return False
        text = block.text.strip()
        if LIST_QUESTION.search(cell.column) and NO_CELL.fullmatch(text):
            # "| Anne Arundel County | On the August list? No |": not on the list.
            self._unlist_row(reading)
            return True
        when = event_date(text, reading.page.published)
        row_status = self._row_cell_status(reading, cell, text)
        if row_status == "removed":
            self._unlist_row(reading)
            row_status = "compliant"
        if row_status:
            when = None if row_status == "warned" else when  # the date is the deadline
            for jid in reading.row_places:
                self._add(reading, jid, row_status, text, position, when, "table row: cell")
            return True
        for hit in self._hits(reading, text, text):
            status = "contests" if hit.binding in {"contests", "stance"} else hit.status
            if status == "contests" and not OFFICIALS_COLUMN.search(cell.column + " " + text):
                continue
            if status == "compliant":
                self._unlist_row(reading)
            places = reading.row_places
            office = OFFICE_KIND.search(text) if status == "contests" else None
            if office:
                # "Mayor Mike Johnston: ..." in the row of "State of Colorado; City and County of
                # Denver" speaks for the city.
                kind = OFFICE_KINDS[office.group(0).lower().split()[0]]
                places = [j for j in places if self.gazetteer.get(j).kind == kind]  # type: ignore[union-attr]
            for jid in places:
                self._add(reading, jid, status, text, position, when, f"table row: {hit.note}")
        return True

    def _row_cell_status(self, reading: PageReading, cell: TableCell, text: str) -> str | None:
        """The status a status table's terse cell gives its row, read through its column."""
        if COMPLIANT_CELL.search(text):
            return "compliant"
        if REMOVED_CELL.search(text) and (
            reading.sanctuary_list_page or LIST_CAPTION.search(cell.caption)
        ):
            return "removed"  # a compliant that also takes back the row's listing
        if REVIEW_CELL.search(text):
            return "under_review"
        if FUNDS_COLUMN.search(cell.column) and FUNDS_CUT_CELL.search(text):
            return "funding_cut"
        if (
            DEADLINE_COLUMN.search(cell.column)
            and event_date(text, None) is not None
            and any((jid, "non_compliant") in reading.findings for jid in reading.row_places)
        ):
            return "warned"
        return None

    def _caption_hits(self, reading: PageReading, caption: str) -> list[Hit]:
        """The federal statuses a table's caption gives every row ("Sanctuary suits filed ...")."""
        if not caption:
            return []
        hits = [
            h
            for h in self._hits(reading, caption, caption)
            if h.status in FEDERAL_STATUSES and h.binding not in {"stance", "contests"}
        ]
        if not hits and SUITS_CAPTION.search(caption):
            hits = [Hit("sued", 0, "clause", "a table of the government's suits")]
        return hits

    def _unlist_row(self, reading: PageReading) -> None:
        """Take back the listing a list page gave the row's place as a bare name."""
        for jid in reading.row_places:
            finding = reading.findings.get((jid, "listed"))
            if finding is not None and finding.note == "list item: list page item":
                del reading.findings[(jid, "listed")]

    def _close_group(self, reading: PageReading, group: Group) -> None:
        if group.members and group.target:
            reading.groups.append(group)
            reading.last_targets = list(group.members)

    def _read_item(
        self,
        reading: PageReading,
        position: int,
        block: Block,
        mentions: list[RawMention],
        kind_hint: str,
        intro: list[Hit] | None,
        list_page: bool,
    ) -> list[str] | None:
        """A list item: its own cues, else those of its list's introduction."""
        if position in reading.row_states and len(mentions) == 1:
            state, cell_kind = reading.row_states[position]
            mention = mentions[0]
            if mention.qualifier is None and self.names._fits_state(mention.candidates, state):
                mentions = [replace(mention, qualifier=state)]
            elif state in mention.candidates:
                kind_hint = "state"  # "| Washington | WA | State |", "| Washington | Washington |"
            kind_hint = cell_kind if cell_kind in {"city", "county", "state"} else kind_hint
        # "Pima County (County)", "Denver (City and County)", "Hartford - City": the item's type.
        entry = ITEM_ADDED_NOTE.sub("", block.text.strip())
        item_kind = ITEM_KIND.search(entry)
        typed = CELL_KINDS[item_kind.group("kind").lower()] if item_kind else ""
        if (
            position not in reading.row_states
            and reading.heading_state
            and len(mentions) == 1
            and mentions[0].qualifier is None
            # "New York (State)", "State of New York" under "New York": the state, not the city.
            and "state" not in {typed, mentions[0].kind_hint}
        ):
            if self.names._fits_state(mentions[0].candidates, reading.heading_state):
                mentions = [replace(mentions[0], qualifier=reading.heading_state)]
        if typed and not kind_hint:
            kind_hint = typed
        places = self._resolve(reading, mentions, kind_hint)
        reading.item_places = [jid for _, jid in places]
        if not places and not mentions and list_page and reading.heading_state:
            small = SMALL_CITY_ITEM.match(entry)
            if small and intro is None:
                # A city too small for the gazetteer, typed and under its state's heading: its
                # id by the spec's rule ("Winooski (City)" under Vermont is winooski-vt).
                jid = f"{slug(small.group('name'))}-{reading.heading_state}"
                note = "list item: small city"
                self._add(reading, jid, "listed", block.text, position, None, note)
                return [jid]
        small_of = SMALL_CITY_OF.match(entry) if entry[:4] in SMALL_CITY_OF_PREFIXES else None
        if small_of and len(mentions) == 1 and mentions[0].start == small_of.start("state"):
            # "City of Winooski, Vermont": a city the gazetteer lacks, with its state; the state
            # only qualifies it. A list page lists it by the spec's id; elsewhere it is no one.
            small_state = self._state_cell(small_of.group("state"))
            listed = not intro or _only(intro, {"listed"})
            if small_state and list_page and listed:
                small_id = f"{slug(small_of.group('name'))}-{small_state}"
                note = "list item: small city"
                self._add(reading, small_id, "listed", block.text, position, None, note)
                return [small_id]
            return [] if intro is not None else None
        if not places:
            # "The complaint makes the following claims: - The county's executive order ... is
            # preempted by federal law": an item without a name refers like running text.
            if intro is not None and SINGULAR_REF.search(block.text):
                unnamed = self._hits(reading, block.text, block.text)
                if unnamed:
                    self._bind(reading, Clause(block.text, block.text, position, []), unnamed)
            return [] if intro is not None else None
        own = self._hits(reading, block.text, block.text)
        if intro is None and not list_page:
            mark = _footnote_mark(block.text)
            if mark and position in reading.cells:
                # "| City of Chicago, Illinois¹ | ... |" in a status table: the footnote below
                # speaks of the marked rows.
                reading.footnoted.setdefault(mark, []).extend(jid for _, jid in places)
            if own:
                clause = Clause(block.text, block.text, position, places, is_item=True)
                self._bind(reading, clause, own)
                return None
            return None
        ids = (
            [jid for _, jid in places[:1]]
            if _bare_name(entry, mentions)
            else [jid for _, jid in places]
        )
        if intro is not None and LETTER_WITHDRAWN.search(block.text):
            return []  # "the county's letter had been sent in error and withdrawn": not a recipient
        # The place's own stance in an item ("Albuquerque - the city attorney said it complies")
        # is read as in running text; the item still takes the introduction's statuses.
        stances = [h for h in own if h.binding in {"contests", "stance"}]
        if stances:
            clause = Clause(block.text, block.text, position, places, is_item=True)
            self._bind(reading, clause, stances)
            own = [h for h in own if h not in stances]
        hits = own or list(intro or [])
        if not hits and list_page and _bare_name(entry, mentions):
            hits = [Hit("listed", 0, "clause", "list page item")]
        mark = _footnote_mark(block.text)
        if mark and list_page:
            reading.footnoted.setdefault(mark, []).extend(ids)
        when = event_date(block.text, reading.page.published)
        for hit in hits:
            if hit.binding in {"contests", "stance"}:
                continue
            for jid in ids:
                self._add(
                    reading, jid, hit.status, block.text, position, when, f"list item: {hit.note}"
                )
        return ids

    def _read_block(
        self,
        reading: PageReading,
        position: int,
        block: Block,
        mentions: list[RawMention],
        answer: Sequence[Hit] = (),
    ) -> list[list[Hit]]:
        text = block.text
        places = self._resolve(reading, mentions, "", text)
        if reading.law_titles and " Act" in text:
            laws = [
                (m, jid)
                for m, jid in self._law_mentions(reading, text)
                if not any(p.start <= m.start < p.end + 2 for p, _ in places)
            ]
            places = sorted(places + laws, key=lambda pair: pair[0].start)
        results: list[list[Hit]] = []
        named = list(dict.fromkeys(jid for _, jid in places))
        if reading.federal_page and len(named) <= 2 and LETTER_SUBJECT.match(text):
            # "Re: Sanctuary Policies of the City of Portland, Oregon": the one place a federal
            # letter is about; its later "these provisions" and "you" are that place's.
            local = [j for j in named if (p := self.gazetteer.get(j)) and p.kind != "state"]
            addressee = local if len(local) == 1 else named if len(named) == 1 else []
            if addressee and not reading.last_targets:
                reading.last_targets = addressee
        for index, parts in enumerate(self._block_sentences(text)):
            sentence_start, sentence, words = parts.start, parts.text, parts.words
            if words.asserts_nothing:
                continue
            self._learn_officials(reading, sentence, sentence_start, places, words)
            carried: list[Hit] = []  # the statuses of "Jurisdictions removed ...:" before a colon
            for clause_start, clause_text, earlier in parts.clauses:
                start = sentence_start + clause_start
                end = start + len(clause_text)
                in_clause = [
                    (_shift(m, -start), jid)
                    for m, jid in places
                    if start <= m.start and m.end <= end
                ]
                quoted = any(
                    m.passing == "quoted name" and start <= m.start < end for m in mentions
                )
                clause = Clause(clause_text, sentence, position, in_clause, quoted_name=quoted)
                hits = self._hits(reading, clause_text, sentence, earlier, parts.following)
                if (
                    not hits
                    and in_clause
                    and clause_start == 0
                    and reading.sanctuary_list_page
                    and reading.list_spoken_of
                ):
                    # "The department has posted its list. It names Albuquerque and Santa Fe."
                    names_them = LIST_NAMES.match(clause_text)
                    if names_them:
                        hits = [Hit("listed", names_them.end(), "object", "the list names")]
                    elif ON_IT.search(clause_text) and not _negated_in_part(clause_text):
                        # "The state of Illinois is on it as well": "it" is the list just named.
                        hits = [Hit("listed", 0, "clause", "on it (the list)")]
                if not hits and in_clause and carried:
                    hits = carried  # the places after the colon are what it introduced
                if not hits and in_clause and answer and index == 0:
                    hits = [replace(hit, position=0) for hit in answer]
                    answer = ()
                if (
                    not hits
                    and in_clause
                    and reading.last_statuses
                    and SAME_LETTER.search(clause_text)
                    and not EMBEDDED_QUESTION.search(clause_text)
                ):
                    hits = [Hit(s, 0, "clause", "the same letter") for s in reading.last_statuses]
                if (
                    not hits
                    and in_clause
                    and position - reading.suing_federal_block <= 2
                    and FOLLOWED_SUIT.search(clause_text)
                    and (reading.on_topic or rules.FEDERAL_ACTOR.search(sentence))
                ):
                    # "Chicago sued Sessions. Philadelphia filed its own suit, and so did
                    # California": the suit after one against the government is one too.
                    when = event_date(sentence, reading.page.published)
                    for _, jid in in_clause:
                        self._add(reading, jid, "contests", sentence, position, when,
                                  "followed a suit against the federal government")  # fmt: skip
                carried = []
                colon = sentence[
                    clause_start + len(clause_text) : clause_start + len(clause_text) + 1
                ]
                if hits and not in_clause and colon == ":":
                    carried = [replace(hit, position=0) for hit in hits]
                self._note_membership(reading, clause)
                if hits:
                    self._bind(reading, clause, hits)
                results.append(hits)
            self._note_subject(
                reading,
                words,
                [_shift(m, -sentence_start) for m, _ in places if m.start >= sentence_start],
            )
            reading.list_spoken_of = words.speaks_of_list
            if not words.pronoun_subject:
                # "Milwaukee County has heard from the department before. It was one of ...":
                # the place a sentence opens on is what a following "It" stands for.
                opening = [
                    jid
                    for m, jid in places
                    if sentence_start <= m.start <= sentence_start + 4
                    and not re.match(r"\s*[Ii]t\b", sentence)
                ]
                reading.subject_place = opening[0] if opening else None
        return results

    def _learn_officials(
        self,
        reading: PageReading,
        sentence: str,
        sentence_start: int,
        places: list[tuple[RawMention, str]],
        words: SentenceWords,
    ) -> None:
        """Tie each titled local official the sentence names to the nearest place of the
        title's kind, and note the official a quote of the sentence is attributed to."""
        if words.official_title:
            for match in OFFICIAL_NAME.finditer(sentence):
                kind = OFFICIAL_NAME_KIND.get(match.group("title").lower(), "county")
                # Passing names count: "In Albuquerque, a spokesperson for Mayor Tim Keller".
                # The name nearest the title, of its kind ("In Columbia, S.C., Mayor ..." is
                # no mayor of the Columbia named after it).
                near = sorted(
                    (abs(m.start - match.start()), index, self.names.resolve(m, reading.context))
                    for index, m in enumerate(self.names.scan(sentence))
                    if m.passing != "person"  # "Mayor Brandon Johnson" names no Brandon
                )
                if near:
                    place = self.gazetteer.get(near[0][2]) if near[0][2] else None
                    jid = place.id if place is not None and place.kind == kind else None
                else:
                    jid = self._anaphora(reading, kind)
                if jid:
                    reading.officials.setdefault(match.group("surname"), jid)
        for surname, jid in reading.officials.items():
            if surname in sentence:
                reading.last_official = jid

    def _quoted_official(
        self, reading: PageReading, clause: Clause, by_name_only: bool = False
    ) -> str | None:
        """The place of the local official a clause's sentence quotes, by surname or "she said"."""
        attributed = _with_attribution(reading.page.blocks[clause.block].text, clause.sentence)
        for surname, jid in reading.officials.items():
            if surname in attributed:
                return jid
        if by_name_only:
            return None
        if "said" in attributed or "says" in attributed:
            if THIRD_PERSON_SAID.search(attributed):
                return reading.last_official
        return None

    def _note_subject(
        self, reading: PageReading, words: SentenceWords, mentions: list[RawMention]
    ) -> None:
        """Remember whether a sentence's subject is the federal government (for a later "it")."""
        if words.pronoun_subject:
            return  # "It ...", "The department ...": the subject carries on
        actor = words.federal_actor
        first_place = min((m.start for m in mentions), default=words.length)
        reading.federal_subject = actor is not None and actor < first_place

    def _resolve(
        self, reading: PageReading, mentions: list[RawMention], kind_hint: str, text: str = ""
    ) -> list[tuple[RawMention, str]]:
        if not mentions:
            return []  # (most blocks name no place: nothing to resolve, settle or count)
        resolved = [self.names.resolve(m, reading.context, kind_hint) for m in mentions]
        if text:
            resolved = self._by_neighbours(reading, mentions, resolved, text)
        places = []
        for mention, jid in zip(mentions, resolved, strict=True):
            if mention.qualifier is None and mention.key in reading.context.site_names:
                jid = reading.context.site_names[mention.key]  # the site's own Springfield
            if jid is None:
                continue
            if mention.passing:
                continue
            reading.context.named.add(jid)
            reading.counts[jid] += 1
            kind = self.gazetteer.get(jid).kind  # type: ignore[union-attr]
            reading.last_of_kind[kind] = jid
            places.append((mention, jid))
        return places

    def _by_neighbours(
        self,
        reading: PageReading,
        mentions: list[RawMention],
        resolved: list[str | None],
        text: str,
    ) -> list[str | None]:
        """Settle namesakes by the places around them in the same sentence.

        "Portland is on the list, as is the state of Oregon" is Oregon's Portland even on a
        page that also names Portland, Maine; "the City of Indianapolis, the Marion County
        Sheriff's Office, ..." is Indiana's Marion County.
        """
        if not any(_may_settle(mention) for mention in mentions):
            # Only a mention that _may_settle lets through the loop below changes anything;
            # without one, every place stays as resolved (most blocks name none at all).
            return list(resolved)
        sentence_ends = [m.end() for m in re.finditer(r"[.!?](?=\s|$)", text)]

        def sentence_of(offset: int) -> int:
            return sum(1 for end in sentence_ends if end <= offset)

        states_named: dict[int, set[str]] = {}
        for mention, jid in zip(mentions, resolved, strict=True):
            jurisdiction = self.gazetteer.get(jid) if jid else None
            if jurisdiction is not None and jurisdiction.kind == "state" and not mention.passing:
                states_named.setdefault(sentence_of(mention.start), set()).add(jid)  # type: ignore[arg-type]
        settled = list(resolved)
        for index, (mention, jid) in enumerate(zip(mentions, resolved, strict=True)):
            if not _may_settle(mention):
                continue
            places = [self.gazetteer.get(c) for c in mention.candidates]
            by_state: dict[str, str] = {}
            for place in places:
                if place is not None and place.kind != "state":
                    by_state.setdefault(place.state, place.id)
            current = self.gazetteer.get(jid) if jid else None
            guessed = (
                current is not None
                and current.kind == "county"
                and mention.key not in reading.context.qualified
            )
            if jid is not None and not guessed:
                # A name the page qualified elsewhere, beside another state in this sentence.
                if mention.key not in reading.context.qualified:
                    continue
                near = states_named.get(sentence_of(mention.start), set()) & set(by_state)
                current = self.gazetteer.get(jid)
                if len(near) == 1 and current is not None and current.state not in near:
                    settled[index] = by_state[near.pop()]
                continue
            # Still ambiguous: the nearest place in the sentence whose state has a namesake.
            sentence = sentence_of(mention.start)
            nearest: tuple[int, str] | None = None
            for other, other_jid in zip(mentions, resolved, strict=True):
                if other is mention or other_jid is None or other.passing:
                    continue
                if sentence_of(other.start) != sentence:
                    continue
                neighbour = self.gazetteer.get(other_jid)
                if neighbour is None or neighbour.state not in by_state:
                    continue
                distance = abs(other.start - mention.start)
                if nearest is None or distance < nearest[0]:
                    nearest = (distance, by_state[neighbour.state])
            if nearest is not None:
                settled[index] = nearest[1]
        return settled

    # -- cues ---------------------------------------------------------------------------------

    def _hits(
        self,
        reading: PageReading,
        clause: str,
        sentence: str,
        earlier: str = "",
        following: str = "",
    ) -> list[Hit]:
        """The statuses a clause signals, with negation, hypotheses and masks applied."""
        # The answer depends on the words alone (and whether the page is a sanctuary list), and
        # pages repeat sentences; hits are not changed once made, so a repeat reuses them.
        if not HITS_MEMO_SIZE:  # memory off: nothing to look up or keep
            return self._clause_hits(reading, clause, sentence, earlier, following)
        key = (clause, sentence, earlier, following, reading.sanctuary_list_page)
        found = self._hits_memo.get(key)
        if found is None:
            if len(self._hits_memo) >= HITS_MEMO_SIZE:
                self._hits_memo.clear()  # a bound on memory; the next pages refill it
            found = self._hits_memo[key] = tuple(
                self._clause_hits(reading, clause, sentence, earlier, following)
            )
        return list(found)

    def _clause_hits(
        self, reading: PageReading, clause: str, sentence: str, earlier: str, following: str
    ) -> list[Hit]:
        hits: list[Hit] = []
        masks: list[tuple[int, int, str]] = []
        lowered = clause.lower()
        tried = set(self.ungated)
        for match in self.anchor_scan.finditer(lowered):
            for anchor in self.anchor_closure[match.group(1)]:
                tried |= self.cues_by_anchor[anchor]
        for number in sorted(tried):  # in rule order: clearances mask what they contain
            cue = self.cues[number]
            for match in cue.pattern.finditer(clause):
                before = clause[: match.start()]
                if cue.negatable and rules.negated(before):
                    continue
                if cue.status == "listed" and RESPONDS_TO.search(before):
                    continue
                if cue.status == "non_compliant" and rules.INSPECTOR_GENERAL.search(clause):
                    continue
                if cue.status == "under_review" and (
                    ROUTINE_REQUESTS.search(before)
                    or HABITUAL_REQUEST.search(before)
                    and not match.group(0).split(None, 1)[0].lower().endswith("ed")
                    or REVIEW_ENDED.search(before)
                    or URGED_TO.search(before)
                    and REVIEW_OPENED.match(match.group(0))
                ):
                    continue
                if cue.status == "funding_cut" and rules.FUTURE_OR_THREAT.search(before):
                    continue
                if cue.binding == "stance" and rules.CLAIM_DEMANDED.search(before):
                    continue
                if cue.status in {"warned", "funding_cut"} and GENERIC_CLASS_TARGET.match(
                    clause, match.end()
                ):
                    continue  # "the order that threatened to strip funds from sanctuary cities"
                if any(s <= match.start() < e for s, e, _ in masks):
                    continue
                if cue.status == "compliant":
                    masks.append((match.start(), match.end(), cue.status))
                hits.append(Hit(cue.status, match.start(), cue.binding, cue.name, cue.voiced))
        if "which" in lowered or "whom" in lowered:
            # "San Diego County, which the Department named on its list ..., adopted a policy
            # ... California law demands": the listing is of the place the relative follows.
            for number, hit in enumerate(hits):
                if hit.status == "listed" and hit.binding == "clause":
                    relative = LISTED_RELATIVE.search(clause, 0, hit.position)
                    if relative:
                        hits[number] = replace(hit, position=relative.start(), binding="relative")
        # "The list of sanctuary jurisdictions does not include Tucson": the list is named,
        # the place is not on it.
        if "list" in lowered and NOT_INCLUDED.search(clause):
            hits = [h for h in hits if h.status != "listed"]
        # A listing that a removal or clearance ends is not asserted again.
        if any(h.status == "compliant" for h in hits):
            hits = [h for h in hits if h.status != "listed"]
        # "on the list" means the sanctuary list only on pages that speak of one.
        on_list = (
            ON_THE_LIST.search(clause)
            if reading.sanctuary_list_page
            and ("list" in lowered or "included" in lowered or "named" in lowered)
            else None
        )
        change = LIST_CHANGE.search(clause) if reading.sanctuary_list_page else None
        if change and not any(h.status in ("listed", "compliant") for h in hits):
            word = (change.group("change") or change.group("label")).lower()
            status = "listed" if word.startswith(("add", "newly")) else "compliant"
            start = change.start("change") if change.group("change") else change.start("label")
            hits.append(Hit(status, start, "clause", "list update"))
        if on_list is None and "our" in lowered and rules.FEDERAL_SPEAKER_WORDS.search(sentence):
            # A federal official speaking of "our list" ("BONDI: Jersey City is on our list").
            on_list = OUR_LIST.search(clause)
        if on_list:
            before = clause[: on_list.start()]
            if not _negated_in_part(before) and not any(h.status == "compliant" for h in hits):
                relative = SINGULAR_RELATIVE.search(before) or LISTING_AGENT_RELATIVE.search(before)
                binding = "relative" if relative else "clause"
                position = relative.start() if relative else on_list.start()
                hits.append(Hit("listed", position, binding, "on the list"))
        # After a preliminary finding, time to answer is a warning, not a new review.
        if any(h.status == "under_review" for h in hits) and (
            any(h.status == "non_compliant" for h in hits) or PRELIMINARY.search(sentence)
        ):
            hits = [h for h in hits if h.status != "under_review"]
        # Every form of DEADLINE holds "deadline", "day(s)", "week(s)", "the end of" or a date's
        # digits; the gate's words avoid "i", "s" and "k", whose case-blind matches ("ı", "ſ")
        # str.lower() does not fold to them.
        dated = (
            "dead" in lowered
            or "day" in lowered
            or "week" in lowered
            or "end" in lowered
            or DIGIT.search(clause)
        )
        deadline = rules.DEADLINE.search(clause) if dated else None
        # "if a jurisdiction does not respond by November 10, the department will ...": a
        # deadline stated by what follows from missing it, not a negated one.
        missed = deadline and rules.CONSEQUENCE_IF_MISSED.search(clause, 0, deadline.start())
        if deadline and (missed or not rules.negated(clause[: deadline.start()])):
            # What follows the deadline: the sentence's later clauses ("...; any jurisdiction
            # that fails to do so will be served with a subpoena"), then the next sentence.
            rest_of_sentence = sentence[sentence.find(clause) + len(clause) :]
            later = rest_of_sentence + " " + following
            if (
                rules.CONSEQUENCE.search(clause)
                or rules.POLICY_CHANGE.search(clause)
                # "by August 19 ... a written response that (a) ...; (b) states the steps the
                # City will take to rescind them": the demand's later items ask for a change.
                or rules.POLICY_CHANGE.search(rest_of_sentence)
                or any(h.status == "non_compliant" for h in hits)
                # "... have 30 days to produce the records. Any that fails to may be subpoenaed."
                or rules.CONSEQUENCE_IF_MISSED.search(later)
                # "The letter does not state any consequence": none is stated.
                and any(
                    not rules.negated(later[: m.start()]) for m in rules.CONSEQUENCE.finditer(later)
                )
            ):
                hits.append(Hit("warned", deadline.start(), "clause", "deadline with consequence"))
        hits.extend(self._sued_hits(reading, clause, earlier))
        if "mis" in earlier or "ly " in earlier:  # cheap gate: "misstated", "incorrectly"
            if RETRACTED.search(earlier):
                return []
        retracted = RETRACTED.search(clause) if "mis" in lowered or "ly " in lowered else None
        if "claim" in lowered or "rumo" in lowered:
            retracted = retracted or HEARSAY.search(clause)
        if retracted:
            hits = [h for h in hits if h.position < retracted.start()]
        asks = "whether" in lowered or " if " in lowered
        question = EMBEDDED_QUESTION.search(clause) if asks else None
        if question:
            hits = [h for h in hits if h.position < question.end()]
        return hits

    def _sued_hits(self, reading: PageReading, clause: str, earlier: str = "") -> list[Hit]:
        hits = []
        against_federal = False
        lowered = clause.lower()
        # Every form of SUED_TRIGGER holds one of these words; most clauses hold none.
        triggers = (
            rules.SUED_TRIGGER.finditer(clause)
            if any(word in lowered for word in SUED_TRIGGER_WORDS)
            else ()
        )
        for match in triggers:
            if against_federal:
                break  # "joined the suit against the administration over the order, ..."
            before = clause[: match.start()]
            word = match.group(0).lower()
            # "two lawsuits: one against New Jersey ... and one against King County"
            if word in {"against", "over"} and not rules.LAWSUIT_WORD.search(
                earlier + " " + before
            ):
                continue
            if word == "against" and UNEQUAL_TREATMENT.search(before):
                continue  # "laws that discriminate against the federal government": no suit
            blocked = rules.SUED_BLOCKED.search(before)
            if blocked and word[:1] not in "so" and PREPOSITION_TO.search(before, blocked.start()):
                # "responded to the lawsuit the Department filed ... against": "to" is no
                # infinitive before a noun ("threatened to sue" still is).
                blocked = None
            if blocked or rules.negated(before):
                continue
            if re.search(r"\bthe\s+(?:city|county|state|town)['’]s\s+(?:own\s+)?$", before):
                continue  # "a trial date in the city's lawsuit over ...": the city sues
            plaintiff = re.search(r"\b(?:brought|filed)\s+by\s+", match.group(0))
            if plaintiff and not FEDERAL_DEFENDANT.match(match.group(0), plaintiff.end()):
                break  # "a lawsuit brought by two residents against the city ... over": private
            if len(match.group(0)) <= 30 and FEDERAL_DEFENDANT.match(clause, match.end()):
                # "joined their suit against the Administration", "Chicago sues Attorney
                # General Jeff Sessions": the places named went to court against it. An aside
                # ("Philadelphia, which is suing the administration, was not named") is
                # background to a sentence about something else.
                against_federal = True
                if re.search(r",\s*(?:which|who)\s+(?:\w+\s+){0,2}$", before):
                    continue
                hits.append(
                    Hit(
                        "contests",
                        match.start(),
                        "plaintiffs",
                        "suit against the federal government",
                    )
                )
                continue
            hits.append(Hit("sued", match.end(), "object", f"lawsuit: {match.group(0)[:30]}"))
        case_names = CASE_NAME.finditer(clause) if " v." in clause or " vs." in clause else ()
        for match in case_names:
            if match.group("plaintiff"):
                hits.append(
                    Hit("contests", match.start(), "plaintiffs", "case name: place v. federal")
                )
            else:
                hits.append(Hit("sued", match.end(), "object", CASE_NOTE))
        return hits

    # -- binding cues to places ---------------------------------------------------------------

    def _bind(self, reading: PageReading, clause: Clause, hits: list[Hit]) -> None:
        when = event_date(clause.sentence, reading.page.published)
        evidence = clause.sentence
        federal_targets: list[str] = []
        # A page that never speaks of immigration asserts a status only where the sentence
        # names the federal government acting ("the league gave Portland a final warning").
        if not reading.on_topic and not rules.FEDERAL_ACTOR.search(clause.sentence):
            return
        for hit in hits:
            status = hit.status
            if hit.binding == "stance":
                federal = self._federal_voice(clause.text, hit.position)
                status = "compliant" if federal else "contests"
            if hit.binding == "plaintiffs":
                # Places that sued the federal government: all of those named with the suit.
                by = re.search(r"\b(?:brought|filed|sought)\s+by\s+", clause.text[hit.position :])
                if by:  # "a suit brought by X": X right after "by", not the defendant after it
                    start = hit.position + by.end()
                    first = [
                        m
                        for m, _ in clause.places
                        if start <= m.start
                        # "brought by the City and County of Denver": the title is no gap
                        and len(CITY_AND_COUNTY.sub("", clause.text[start : m.start]).split()) <= 3
                    ][:1]
                    against = clause.text.find(" against ", start)
                    after = [
                        jid
                        for m, jid in clause.places
                        if first
                        and jid in _objects(clause, first[0].start)
                        and (against < 0 or m.start < against)
                    ]
                    for jid in after:
                        self._add(reading, jid, "contests", evidence, clause.block, when, hit.note)
                    continue
                after = _objects(clause, hit.position) or [jid for _, jid in clause.places]
                reading.suing_federal_block = clause.block
                for jid in after or self._contest_targets(reading, clause):
                    self._add(reading, jid, "contests", evidence, clause.block, when, hit.note)
                continue
            if hit.note == rules.SELF_DECLARED and not any(h.status == "listed" for h in hits):
                continue
            if status == "contests":
                for jid in self._contest_targets(reading, clause):
                    self._add(reading, jid, "contests", evidence, clause.block, when, hit.note)
                    if (
                        hit.binding == "dispute"
                        and reading.sanctuary_list_page
                        and not NOT_ON_THE_LIST.search(clause.sentence)
                        # "We are not a sanctuary city, and the department never said we are."
                        and not NOT_INCLUDED.search(clause.sentence)
                    ):
                        self._add(reading, jid, "listed", evidence, clause.block, when, hit.note)
                continue
            allows = self._federal_actor_allows(
                clause.text, hit.position, reading.state_official_ref
            )
            if not allows:
                continue
            if hit.voiced and not (
                reading.federal_page
                or _federal_speaks(clause.sentence)
                # "It also listed Boston ..." after a sentence about the department.
                or reading.federal_subject
                and PRONOUN_SUBJECT.match(clause.sentence)
            ):
                continue
            if hit.binding == "object" and _place_sues(clause, hit, reading.federal_subject):
                # "Huntington Beach ... sued the State of California", "Los Angeles sued in
                # 2017": the place is the one suing, not a defendant of the United States.
                if not _objects(clause, hit.position) and (
                    # "Two county clerks ... sued in 2019 to block it [the state's law]": a
                    # suit with no federal side named is no stance against the government.
                    FEDERAL_SIDE.search(clause.sentence)
                ):
                    speaker = self._contest_targets(reading, clause)[:1]
                    plaintiffs = _joint_subjects(clause, hit.position)
                    # "San Francisco and Santa Clara County sued in May": every one of them.
                    for jid in plaintiffs if speaker and speaker[0] in plaintiffs else speaker:
                        self._add(reading, jid, "contests", evidence, clause.block, when, hit.note)
                continue
            if hit.binding == "relative":
                targets = [jid for m, jid in clause.places if m.start < hit.position][-1:]
            elif hit.binding == "object":
                targets = _objects(clause, hit.position)
                if hit.note == CASE_NOTE:
                    targets = targets[:1] if _names_the_defendant(clause, hit.position) else []
                own = re.match(r"\s*the\s+(city|county|state)\b", clause.text[hit.position :])
                owner = (
                    POSSESSIVE_REF.search(clause.text, hit.position)
                    if not targets and clause.text.startswith("In ")
                    else None
                )
                if owner:
                    # "In Boston, the department sued in May over the city's law": that city.
                    kind = "".join(group or "" for group in owner.groups())
                    targets = self._fronted_place(reading, clause.text, kind)
                if not targets and own:  # "the lawsuit it filed against the state"
                    targets = [jid for jid in [self._anaphora(reading, own.group(1))] if jid]
            else:
                targets = [jid for _, jid in clause.places]
                if status in TARGET_STATUSES and clause.places:
                    # "the city's and county's policies, along with Oregon's statute": the
                    # places by reference are the ones the page just named, with Oregon.
                    for kinds in POSSESSIVE_REF.findall(clause.text):
                        kind = "".join(kinds)
                        referent = self._anaphora(reading, kind.lower())
                        if referent and referent not in targets:
                            targets.append(referent)
                    if GOVERNOR_REF.search(clause.text):
                        governed = self._official_state(reading)
                        if governed and governed not in targets:
                            targets.append(governed)
                    # "took Minnesota and three of its largest local governments to court,
                    # alleging that their ordinances unlawfully obstruct ...": the three are
                    # the group the page names next.
                    numeric = COUNTED_GROUP.search(clause.text)
                    if numeric and status != "sued":
                        raw = numeric.group("n").lower()
                        size = int(raw) if raw.isdigit() else NUMBERS.get(raw)
                        when_said = event_date(clause.sentence, reading.page.published)
                        reading.pending.append(
                            Pending(status, clause.sentence, clause.block, when_said, size,
                                    hit.note)
                        )  # fmt: skip
            if not targets and not clause.places and not clause.is_item:
                targets = self._unnamed_targets(reading, clause, hit) or []
            for jid in targets:
                self._add(reading, jid, status, evidence, clause.block, when, hit.note)
            if status in TARGET_STATUSES:
                federal_targets.extend(t for t in targets if t not in federal_targets)
        if federal_targets and clause.places:
            reading.last_targets = federal_targets
            reading.last_statuses = sorted(
                {
                    s
                    for (jid, s) in reading.findings
                    if jid in federal_targets and s in TARGET_STATUSES
                }
            )
            if len(federal_targets) >= 2:
                reading.groups.append(Group(clause.block, federal_targets, True))

    def _fronted_place(self, reading: PageReading, text: str, kind: str) -> list[str]:
        """The place of an opening "In Boston, ..." that a later "the city's" refers to ("In
        Boston, the department filed suit over the city's Trust Act")."""
        for mention in self.names.scan(text)[:1]:
            if mention.passing != "locative" or text[mention.end : mention.end + 1] != ",":
                continue
            jid = self.names.resolve(mention, reading.context)
            place = self.gazetteer.get(jid) if jid else None
            if place is not None and place.kind == kind.lower():
                return [place.id]
        return []

    def _federal_voice(self, clause: str, position: int = -1) -> bool:
        """Whether the federal government, not the place, makes a compliance statement."""
        if FIRST_PERSON.search(clause) or rules.NON_FEDERAL_ACTOR.search(clause):
            return False
        voices = [m for m in rules.FEDERAL_VOICE.finditer(clause)]
        if not voices:
            return False
        before = [m for m in voices if m.end() <= position]
        if before and len(before) == len(voices):
            # Another speaker between the federal voice and the claim makes the claim theirs.
            return not LATER_SPEAKER.search(clause, before[-1].end(), position)
        return True

    def _actor_allows(
        self, clause: str, position: int, state_official_ref: re.Pattern[str] | None
    ) -> bool:
        """False when a court, a state official or a private group is the one acting.

        (The answer depends on the arguments alone: self._federal_actor_allows remembers it.)
        """
        local = [
            m
            for m in rules.NON_FEDERAL_ACTOR.finditer(clause)
            # "its review of the Bexar County Sheriff's Office and found": an object.
            if not OBJECT_OF_PREPOSITION.search(clause, 0, m.start())
        ]
        if _may_name_state_official(clause):
            local += self.state_officials.finditer(clause)
        if state_official_ref is not None:
            local += list(state_official_ref.finditer(clause))
        if not local:
            return True
        spans = [(m.start(), m.end()) for m in local]
        federal = [
            m
            for m in rules.FEDERAL_ACTOR.finditer(clause)
            if not any(s <= m.start() < e for s, e in spans)
        ]
        if not federal:
            # "It is suing Illinois ... in a case that a federal judge dismissed": a court named
            # only after the cue, and not as its agent ("sued by the state"), is not the actor.
            return all(
                m.start() > position and not PASSIVE_AGENT.search(clause, 0, m.start())
                for m in local
            )
        before = [(m.start(), "federal") for m in federal if m.start() < position] + [
            (m.start(), "local") for m in local if m.start() < position
        ]
        if not before:
            return True
        return max(before)[1] == "federal"

    def _contest_targets(self, reading: PageReading, clause: Clause) -> list[str]:
        if (
            _may_name_lawmaker(clause.text)
            and LAWMAKER.search(clause.text)
            or any(re.search(rf"\b{re.escape(name)}\b", clause.text) for name in reading.lawmakers)
        ):
            return []  # a senator arguing that a city complies is not the city's position
        if rules.FEDERAL_VOICE.search(clause.text) and not rules.NON_FEDERAL_ACTOR.search(
            clause.text
        ):
            if not FIRST_PERSON.search(clause.text):
                return []
        named = [jid for _, jid in clause.places]
        if reading.speaker and FIRST_PERSON.search(clause.text):
            return [reading.speaker]  # "we", "our policies" on a government's own page
        led = COALITION_LEADERS.search(clause.text) if "led by" in clause.text else None
        if led and _objects(clause, led.end()):
            # "a coalition of cities led by San Francisco and Santa Clara County has
            # challenged them in court": every leader named.
            return _objects(clause, led.end())
        if named:
            # The one who speaks: the page's speaker if named, else the first place named
            # ("Philadelphia Mayor Jim Kenney has said his city follows federal law").
            return [reading.speaker] if reading.speaker in named else named[:1]
        singular = SINGULAR_REF.search(clause.text)
        if singular:
            # "a spokesperson for Mayor Tim Keller said the city's ordinance ...": the city is
            # the mayor's.
            official = self._quoted_official(reading, clause, by_name_only=True)
            if official:
                return [official]
            kind = (singular.group("a") or singular.group("b")).lower()
            jid = self._anaphora(reading, kind)
            return [jid] if jid else []
        if FIRST_PERSON.search(clause.text) or re.search(r"\b(?:he|she|his|her)\b", clause.text):
            if reading.speaker:
                return [reading.speaker]
            block_places = self._block_places(reading, clause.block)
            if len(block_places) == 1:
                return block_places
            official = self._quoted_official(reading, clause)
            if official:
                return [official]
        # An official named by title only: "Gov. Polis's office said ...", "the mayor said ...".
        for pattern, kind in OFFICIAL_TITLES:
            if pattern.search(clause.text):
                if kind == "state":
                    jid = self._official_state(reading)
                else:
                    jid = self._anaphora(reading, kind)
                return [jid] if jid else []
        # "Mayor Brandon Johnson said the ordinance '... and it is not going anywhere'": the
        # clause goes on about the official's measure.
        if re.search(r"\b(?:it|they|its|their)\b", clause.text):
            official = self._quoted_official(reading, clause)
            return [official] if official else []
        return []

    def _block_places(self, reading: PageReading, position: int) -> list[str]:
        block = reading.page.blocks[position]
        found = []
        for mention in self.names.scan(block.text):
            jid = self.names.resolve(mention, reading.context)
            if jid and not mention.passing and jid not in found:
                found.append(jid)
        return found

    def _antecedents(self, reading: PageReading, clause: Clause) -> list[str]:
        """The places "the two cities", "both counties", "the cities" refer back to: those of
        that kind named by the nearest earlier sentence of the paragraph that names any."""
        reference = self._search(ANTECEDENT_REF, clause.text)
        if reference is None or clause.block >= len(reading.page.blocks):
            return []
        noun = reference.group("noun").lower()
        kind = {"cities": "city", "counties": "county", "states": "state"}.get(noun)
        raw = (reference.group("n") or "").lower()
        size = int(raw) if raw.isdigit() else NUMBERS.get(raw)
        if reference.group("both"):
            size = 2
        plaintiffs = noun == "plaintiffs"
        if noun in ANY_KIND_NOUNS and size is None:
            return []  # "the jurisdictions" alone may be any group the page spoke of
        text = reading.page.blocks[clause.block].text
        offset = text.find(clause.sentence)
        if offset <= 0:
            return []
        for _, sentence in reversed(_sentences(text[:offset])):
            if plaintiffs and "plaintiff" not in sentence.lower():
                continue  # "the plaintiffs": those the paragraph named as plaintiffs
            if plaintiffs:
                named = [
                    jid
                    for mention in self.names.scan(sentence)
                    if not mention.passing
                    and (jid := self.names.resolve(mention, reading.context)) is not None
                ]
                return list(dict.fromkeys(named))
            found: list[str] = []
            for mention in self.names.scan(sentence):
                jid = None if mention.passing else self.names.resolve(mention, reading.context)
                place = self.gazetteer.get(jid) if jid else None
                if place is not None and kind in {None, place.kind} and jid not in found:
                    found.append(place.id)
            if kind is None:
                # "Louisville Metro, Kentucky, and Sonoma County": a state beside a place of
                # its own is that place's qualifier, not one of the jurisdictions.
                places = [p for j in found if (p := self.gazetteer.get(j)) is not None]
                located = {p.state for p in places if p.kind != "state"}
                found = [j for j in found if j not in located]
            if found:
                return found if len(found) == size or size is None and len(found) > 1 else []
        return []

    def _anaphora(self, reading: PageReading, kind: str) -> str | None:
        kind = "city" if kind == "metro" else kind
        speaker = self.gazetteer.get(reading.speaker) if reading.speaker else None
        if speaker is not None and speaker.kind == kind:
            return speaker.id
        if kind == "state" and speaker is not None:
            return (
                speaker.state
                if "state" not in reading.last_of_kind
                else reading.last_of_kind["state"]
            )
        last = reading.last_of_kind.get(kind)
        place = self.gazetteer.get(last) if last else None
        if place is not None:
            # "Montgomery County, Pa., should not be confused with Montgomery County, Md.":
            # after namesakes side by side, "the county" is the one the page is about.
            namesakes = [
                jid
                for jid in reading.counts
                if jid != last and (other := self.gazetteer.get(jid)) and other.name == place.name
            ]
            if namesakes:
                return max([last, *namesakes], key=lambda jid: reading.counts[jid or ""])
        return last

    def _official_state(self, reading: PageReading) -> str | None:
        """The state whose governor a page means: the one it names most, else the last named."""
        named = [
            (count, jid)
            for jid, count in reading.counts.items()
            if (place := self.gazetteer.get(jid)) is not None and place.kind == "state"
        ]
        if len(named) > 1:
            named.sort(reverse=True)
            if named[0][0] > named[1][0]:
                return named[0][1]
        return self._anaphora(reading, "state")

    def _unnamed_targets(self, reading: PageReading, clause: Clause, hit: Hit) -> list[str] | None:
        """Places a clause without names speaks of; None when it speaks of no one."""
        # The many searches of the clause's own words go through self._search: a site's
        # boilerplate ("has brought similar cases in several districts") comes here on every page.
        text = clause.text
        if hit.status == "compliant":
            # Clearances are announced by name, or right after a sentence that opened on the
            # place: "New Orleans took longer. ... it found no evidence of a violation after
            # the city clarified that policy."
            singular = self._search(SINGULAR_REF, text)
            federal = self._search(rules.FEDERAL_ACTOR, clause.sentence) or reading.federal_page
            if singular and federal and reading.subject_place and not clause.quoted_name:
                kind = (singular.group("a") or singular.group("b")).lower()
                if self._anaphora(reading, kind) == reading.subject_place:
                    return [reading.subject_place]
            # "... concluded that both jurisdictions comply": the two just named.
            if federal and not clause.quoted_name and ("both" in text or " two " in text):
                return self._antecedents(reading, clause) or None
            return None
        if clause.quoted_name:
            return None  # news reports that “Orange County” appears: about the name
        proper = self._search(SINGULAR_REF, text)
        if proper and proper.group("b"):  # "the City", "some City policies": the page's own
            jid = self._anaphora(reading, proper.group("b").lower())
            return [jid] if jid else None
        if (
            reading.subject_place
            and not reading.federal_subject
            and clause.sentence.startswith(text)
            and re.match(r"\s*It\s+(?:was|is|had|has|became|remains|got|received)\b", text)
        ):
            return [reading.subject_place]  # "It was one of nine places that got letters"
        # "the Sheriff's Office policy may violate ...": the office stands for its county.
        office = None if self._search(SINGULAR_REF, text) else self._search(OFFICE_REF, text)
        if office:
            kind = "county" if office.group("county") else "city"
            jid = self._anaphora(reading, kind)
            named = [j for j in reading.counts if (p := self.gazetteer.get(j)) and p.kind == kind]
            if jid and (reading.speaker == jid or jid in reading.last_targets or named == [jid]):
                return [jid]
        numeric = self._search(NUMERIC_REF, text)
        plural = self._search(PLURAL_REF, text)
        policy = self._search(POLICY_REF, text)
        if (
            plural
            and policy
            and policy.start() < plural.start()
            and plural.group(0).lower() in {"they", "them", "their", "each"}
        ):
            plural = None  # "those provisions ... because they were written to ...": the laws
        if plural and plural.group(0).lower() in {"they", "them", "their"}:
            owner = SINGULAR_REF.search(text, 0, plural.start())
            if owner and re.match(r"['’]s\s", text[owner.end() : owner.end() + 3]):
                # "the county's jail practices may violate ..., because they appear to bar":
                # the pronoun is the county's practices, the county the one spoken of.
                plural = None
        if not numeric and (
            self._search(GENERIC_REF, text) and not plural or self._only_generic(text)
        ):
            return None
        singular = self._search(SINGULAR_REF, text)
        referent = (
            self._anaphora(reading, (singular.group("a") or singular.group("b")).lower())
            if singular
            else None
        )
        if not (
            self._search(rules.FEDERAL_ACTOR, clause.sentence)
            or reading.federal_page
            # "The county has until Nov. 21 to ...": the place a federal letter was just
            # about, in a sentence that goes on telling that letter.
            or referent is not None
            and referent in reading.last_targets
            and hit.status in {"warned", "under_review"}
            or rules.FEDERAL_ACTOR.search(reading.answer_to)
            # "The lawsuit ... argues that the Act conflicts with federal law": the federal
            # suit the page has already reported speaks.
            or reading.last_targets
            and self._search(rules.LAWSUIT_WORD, clause.sentence)
        ):
            return None
        antecedents = self._antecedents(reading, clause)
        if antecedents:
            return antecedents
        if numeric or plural:
            size = None
            if numeric:
                raw = (numeric.group("n") or numeric.group("m")).lower()
                size = int(raw) if raw.isdigit() else NUMBERS.get(raw)
            reading.pending.append(
                Pending(hit.status, clause.sentence, clause.block,
                        event_date(clause.sentence, reading.page.published), size, hit.note)
            )  # fmt: skip
            return None
        singular = self._search(SINGULAR_REF, text)
        if singular:
            kind = (singular.group("a") or singular.group("b")).lower()
            jid = self._anaphora(reading, kind)
            # "the state's separation law and the local ordinances": the state and the
            # localities the page just reported on together.
            if jid in reading.last_targets and self._search(PLURAL_POLICY_REF, text):
                return list(reading.last_targets)
            return [jid] if jid else None
        if self._search(POLICY_REF, text) and reading.last_targets:
            return list(reading.last_targets)
        if (
            reading.federal_page
            and len(reading.last_targets) == 1
            and self._search(ADDRESSEE, text)
        ):
            return list(reading.last_targets)  # "You may submit ..." in a letter to one place
        own = (
            r"\b(?:against|sued|sues|suing)\s+(?:us|our)\b"
            if hit.binding == "object"
            else r"\b(?:our|us)\b"
        )
        if reading.speaker and re.search(own, text):
            return [reading.speaker]  # a statement's own voice: "claiming our policies violate"
        return None

    def _note_membership(self, reading: PageReading, clause: Clause) -> None:
        if not clause.places or not MEMBERSHIP.search(clause.text):
            return
        if NEGATED_MEMBERSHIP.search(clause.text):
            return
        for _, jid in clause.places:
            if jid not in reading.members:
                reading.members.append(jid)

    def _bind_pending(self, reading: PageReading) -> None:
        """Statuses said of a group go to the page's recipients, else the nearest group."""
        for pending in reading.pending:
            members = reading.members
            if (
                members
                and pending.size
                and len(members) != pending.size
                and any(len(g.members) == pending.size for g in reading.groups)
            ):
                members = []  # "the four defendants" are the four sued, not the list members
            if not members:
                after = [g for g in reading.groups if g.position >= pending.position]
                before = [g for g in reading.groups if g.position < pending.position]
                sized = [g for g in after + before[::-1] if len(g.members) == pending.size]
                if before and not sized:
                    chosen = before[-1]
                elif sized:
                    chosen = sized[0]
                elif after:
                    chosen = after[0]
                else:
                    continue
                members = chosen.members
            states = [j for j in members if self.gazetteer.get(j).kind == "state"]  # type: ignore[union-attr]
            if pending.size and len(members) == pending.size + 1 and len(states) == 1:
                # "the state and ... all three local governments": the three are the others.
                members = [j for j in members if j not in states]
            for jid in members:
                self._add(reading, jid, pending.status, pending.evidence, pending.position,
                          pending.when, f"group: {pending.note}")  # fmt: skip

    def _add(
        self,
        reading: PageReading,
        jid: str,
        status: str,
        evidence: str,
        position: int,
        when: date | None,
        note: str,
    ) -> None:
        key = (jid, status)
        kept = reading.findings.get(key)
        if kept is not None and not (
            rules.ANSWER_RULE in kept.note and rules.ANSWER_RULE not in note
        ):
            return  # the first evidence stays, unless it was only the weaker rule
        if status in FEDERAL_STATUSES or status == "contests":
            reading.findings[key] = Finding(jid, status, evidence, position, when, note)


# -- helpers ------------------------------------------------------------------------------------


def _may_name_lawmaker(text: str) -> bool:
    """Whether LAWMAKER may match: each of its titles holds "Sen", "Rep" or "Congress"."""
    return "Sen" in text or "Rep" in text or "Congress" in text


def _may_name_state_official(text: str) -> bool:
    """Whether a state official's title may be in the text: "attorney general", "governor" and
    "gov." hold "attorney" or "gov" (matched without case; these letters fold as lower() does).
    """
    lowered = text.lower()
    return "gov" in lowered or "attorney" in lowered


def _with_attribution(block_text: str, sentence: str) -> str:
    """A sentence that opens a quote, with the block's text on to the end of the sentence
    that closes it: '"We comply. We always have," Brand said.' is Brand's in both parts."""
    straight = sentence.count('"')
    if not (straight % 2 or sentence.count("“") > sentence.count("”")):
        return sentence
    start = block_text.find(sentence)
    if start < 0:
        return sentence
    rest = block_text[start + len(sentence) :]
    close = re.search(r'["”]', rest)
    if close is None:
        return sentence
    end = rest.find(".", close.end())
    return sentence + rest[: end if end >= 0 else len(rest)]


def _footnote_mark(text: str) -> str:
    """The footnote mark a list entry ends with ("Fresno†", "City of Chicago, Illinois1": a
    superscript number glued to the name), else ""."""
    stripped = text.rstrip()
    mark = stripped[-1:]
    if mark in FOOTNOTE_MARKS:
        return mark
    if mark.isdigit() and len(stripped) > 2 and stripped[-2].isalpha():
        return mark
    return ""


def _trie_pattern(words: Sequence[str]) -> str:
    """A regex for the longest of `words` that starts at a position, as a trie of prefixes."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def branches(node: dict[str, dict]) -> str:
        alternatives = [re.escape(char) + branches(child) for char, child in node.items() if char]
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        # Where a word ends inside a longer one, the longer is tried first (a greedy optional
        # part): the children start with different characters, so at most one can go on.
        return f"(?:{body})?" if "" in node else body

    return branches(trie)


def _federal_speaks(sentence: str) -> bool:
    """Whether the sentence has the federal government speaking, not someone claiming that it
    agrees ("Tucson is a sanctuary city, and the Justice Department says so," says an ad)."""
    return any(
        not CLAIMED_AGREEMENT.match(sentence, m.end())
        for m in rules.FEDERAL_SPEAKER_WORDS.finditer(sentence)
    )


def _story_blocks(page: Page) -> list[tuple[int, Block]]:
    """The page's blocks with their indexes, without boilerplate sections."""
    kept = []
    skipping = False
    for position, block in enumerate(page.blocks):
        if block.is_heading:
            skipping = bool(BOILERPLATE_HEADING.match(block.text.strip()))
        if skipping or not block.text.strip():
            continue
        kept.append((position, block))
    return kept


def _sentences(text: str) -> tuple[tuple[int, str], ...]:
    """(offset, sentence) pairs; abbreviations ("U.S.", "Ill.", "Gov.") do not end one."""
    sentences = []
    start = 0
    for match in SENTENCE_BREAK.finditer(text):
        last = re.search(r"([A-Za-z.]+)\.$", text[: match.start()].rstrip('"”’)'))
        if last and (last.group(1).lower() in ABBREVIATIONS or len(last.group(1)) == 1):
            continue
        sentences.append((start, text[start : match.start()]))
        start = match.end()
    sentences.append((start, text[start:]))
    return tuple((offset, s) for offset, s in sentences if s.strip())


def _clauses(sentence: str) -> tuple[tuple[int, str], ...]:
    """(offset, clause) pairs of a sentence."""
    clauses = []
    start = 0
    parts = sentence.split("; ")
    enumeration = len(parts) >= 3 and all(
        len(part.split()) <= ENUMERATION_ITEM_WORDS for part in parts[1:-1]
    )
    for match in CLAUSE_BREAK.finditer(sentence):
        if enumeration and match.group().startswith(";"):
            continue
        clauses.append((start, sentence[start : match.start()]))
        start = match.end()
    clauses.append((start, sentence[start:]))
    return tuple((offset, c) for offset, c in clauses if c.strip())


class SentenceWords(NamedTuple):
    """What reading a sentence asks of its words alone, the same on every page."""

    length: int
    asserts_nothing: bool  # a question, a hypothesis or a recommendation: read no cue in it
    official_title: bool  # holds a title a local official is named with ("Mayor", "Sheriff")
    pronoun_subject: bool  # opens on "It", "They", "The department": the subject carries on
    # Where the federal government is first named in the first 80 characters; None when it is
    # not, or when the subject is a pronoun (the subject carries on).
    federal_actor: int | None
    speaks_of_list: bool  # a following "It names ..." is the list this one speaks of


class SentenceParts(NamedTuple):
    """A sentence of a block, cut for reading."""

    start: int  # offset in the block
    text: str
    words: SentenceWords
    following: str  # the next sentence of the block, or ""
    clauses: tuple[tuple[int, str, str], ...]  # (offset, clause, the sentence before it)


def _block_sentences(text: str) -> tuple[SentenceParts, ...]:
    """A block's sentences, each with its clauses and its words' tests."""
    sentences = _sentences(text)
    cut = []
    for index, (start, sentence) in enumerate(sentences):
        words = _sentence_words(sentence)
        following = sentences[index + 1][1] if index + 1 < len(sentences) else ""
        clauses = () if words.asserts_nothing else _clauses(sentence)
        parts = tuple((offset, clause, sentence[:offset]) for offset, clause in clauses)
        cut.append(SentenceParts(start, sentence, words, following, parts))
    return tuple(cut)


def _sentence_words(sentence: str) -> SentenceWords:
    """The tests of a sentence's words that _read_block and its helpers make."""
    pronoun_subject = bool(PRONOUN_SUBJECT.match(sentence))
    # Only a sentence with a subject of its own sets the federal subject (_note_subject).
    actor = None if pronoun_subject else rules.FEDERAL_ACTOR.search(sentence, 0, 80)
    return SentenceWords(
        length=len(sentence),
        asserts_nothing=bool(
            sentence.rstrip().endswith("?")
            or QUESTION_OR_HYPOTHESIS.match(sentence)
            or RECOMMENDATION.match(sentence)
        ),
        official_title=any(title in sentence for title in OFFICIAL_NAME_TITLES),
        pronoun_subject=pronoun_subject,
        federal_actor=actor.start() if actor else None,
        speaks_of_list=bool(LIST_TITLE.search(sentence)),
    )


def _objects(clause: Clause, position: int) -> list[str]:
    """The places a lawsuit is against: the enumeration right after its words."""
    if not clause.places:
        return []  # (every answer below is some of the clause's places)
    after = [(m, jid) for m, jid in clause.places if m.start >= position]
    if not after:
        if re.search(r"\b(?:was|were|been|being)\s+sued\b", clause.text, re.IGNORECASE):
            return [jid for m, jid in clause.places if m.start < position]
        before = [(m, jid) for m, jid in clause.places if m.start < position]
        # "Rochester, which the department took to court in April": the relative clause's
        # object is the place it follows.
        if before:
            between = clause.text[before[-1][0].end : position]
            if re.match(r",\s*(?:which|whom)\s+", between) and rules.FEDERAL_ACTOR.search(between):
                return [before[-1][1]]
        return []
    lead = clause.text[position : after[0][0].start]
    if len(re.findall(r"\w+", lead)) > 12:
        return []
    if LOCATED_GROUP.search(lead):
        return []  # "complaints against jurisdictions in Illinois": where they are, not whom
    objects = [after[0][1]]
    for (previous, _), (mention, jid) in zip(after, after[1:], strict=False):
        gap = clause.text[previous.end : mention.start]
        if len(re.findall(r"\w+", gap)) > 8 or re.search(r"[“”\"]", gap):
            break
        if LOCATIVE_BEFORE.search(gap) or ADJECTIVE_AFTER.match(clause.text, mention.end):
            continue  # "and in New Mexico it names ...": where, not whom
        objects.append(jid)
    return objects


def _names_the_defendant(clause: Clause, position: int) -> bool:
    """Whether a place follows "United States v." at once ("v. the State of Oregon")."""
    after = [m for m, _ in clause.places if m.start >= position]
    if not after:
        return False
    gap = clause.text[position : after[0].start]
    return bool(
        re.fullmatch(
            r"\s*(?:the\s+)?(?:(?:State|City|County|Commonwealth|Town|Village|People)\s+"
            r"(?:and\s+County\s+)?of\s+)?",
            gap,
        )
    )


def _place_sues(clause: Clause, hit: Hit, federal_subject: bool = False) -> bool:
    """Whether a place named before "sued" is the one suing ("Huntington Beach sued ...").

    A sentence-initial "it" after a sentence about the department is the department.
    """
    if not re.match(r"lawsuit: su(?:ed|es|ing|e)\b", hit.note):
        return False
    verb = clause.text.rfind(" su", 0, hit.position) + 1
    before = [(m, jid) for m, jid in clause.places if m.end <= verb]
    if not before:
        # "the city sued the State of California": the subject is a place by reference.
        subject = re.search(
            r"(?:^|[,:;]\s*|\b(?:and|but|then)\s+)(?:the\s+(?:city|county|state|town)|it|we)\s+"
            r"(?:\w+\s+)?$",
            clause.text[:verb],
            re.IGNORECASE,
        )
        if subject and federal_subject and re.match(r"\s*it\b", clause.text, re.IGNORECASE):
            return False
        return bool(subject) and not rules.FEDERAL_ACTOR.search(clause.text[:verb])
    between = clause.text[before[-1][0].end : verb]
    if re.search(r"\b(?:was|were|been|being|be|is|are)\s+(?:\w+\s+)?$", between):
        return False  # "Denver was sued", "Chicago has been sued"
    # "Chicago, which the department sued": a relative clause with its own subject; but in
    # "the city that declared itself ... and has sued the State" the place still acts.
    return not rules.FEDERAL_ACTOR.search(between) and not re.search(
        r"\b(?:which|whom|that)\s+(?!(?:has|have|had|is|was|also|then|later|\w+ed)\b)", between
    )


def _joint_subjects(clause: Clause, position: int) -> list[str]:
    """The places joined by "and" or commas right before a verb ("X and Y sued")."""
    verb = clause.text.rfind(" su", 0, position) + 1
    before = [(m, jid) for m, jid in clause.places if m.end <= verb]
    if not before:
        return []
    subjects = [before[-1]]
    for mention, jid in reversed(before[:-1]):
        gap = clause.text[mention.end : subjects[0][0].start]
        if not re.fullmatch(r"\s*(?:,\s*(?:and\s+)?|and\s+)", gap):
            break
        subjects.insert(0, (mention, jid))
    return list(dict.fromkeys(jid for _, jid in subjects))


def _table_cells(
    blocks: list[tuple[int, Block]], scanned: dict[int, list[RawMention]]
) -> dict[int, TableCell]:
    """The cells of each table whose rows can be told apart, by position.

    Empty cells leave no block, so a row is known only when the header row's length divides
    the cells into rows that each open on a place name ("| Boston | Sept. 4 | D. Mass. |").
    """
    cells: dict[int, TableCell] = {}
    index = 0
    while index < len(blocks):
        if blocks[index][1].tag not in {"caption", "th", "td"}:
            index += 1
            continue
        caption = ""
        while index < len(blocks) and blocks[index][1].tag == "caption":
            caption = blocks[index][1].text
            index += 1
        headers = []
        while index < len(blocks) and blocks[index][1].tag == "th":
            headers.append(blocks[index][1].text)
            index += 1
        body = []
        while index < len(blocks) and blocks[index][1].tag == "td":
            body.append(blocks[index][0])
            index += 1
        width = len(headers)
        if width < 2 or not body or len(body) % width:
            continue
        if not all(scanned.get(body[row]) for row in range(0, len(body), width)):
            continue
        # "| State | Jurisdiction | Type |": a leading state column only qualifies its row; the
        # row's place is the next cell.
        lead = 1 if width >= 3 and headers[0].strip().lower() in STATE_HEADERS else 0
        for number, position in enumerate(body):
            column = number % width
            cells[position] = TableCell(headers[column], column == lead, caption, column < lead)
    return cells


def _shift(mention: RawMention, delta: int) -> RawMention:
    return RawMention(
        mention.start + delta, mention.end + delta, mention.key, mention.candidates,
        mention.qualifier, mention.kind_hint, mention.role, mention.passing, mention.possessive,
    )  # fmt: skip


def _may_settle(mention: RawMention) -> bool:
    """Whether _by_neighbours may settle a mention: a bare name of several places."""
    return not mention.qualifier and mention.role != "acronym" and len(mention.candidates) >= 2


def _is_title_case(text: str, is_heading: bool) -> bool:
    """A headline written in Title Case, where capitals do not mark names."""
    if len(text) > 200:
        return False  # a paragraph, not a headline (tested first: most paragraphs are long)
    words = [w for w in re.findall(r"[A-Za-z][\w'’]*", text) if len(w) > 3]
    if len(words) < (2 if is_heading else 4):
        return False
    return sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def _search(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """pattern.search(text), for TextMemo (a match is not changed once made)."""
    return pattern.search(text)


def _on_topic(text: str) -> bool:
    """Whether a text speaks of immigration or sanctuary policy at all (TOPIC)."""
    return TOPIC.search(text) is not None


def _category_kind(word: str) -> str:
    lowered = word.lower()
    for prefix, kind in CATEGORY_KIND.items():
        if lowered.startswith(prefix):
            return kind
    return ""


def _bare_name(text: str, mentions: list[RawMention]) -> bool:
    """Whether a list item is just one place name (with its state and punctuation)."""
    if len(mentions) != 1:
        return False
    rest = text[: mentions[0].start] + text[mentions[0].end :]
    rest = re.sub(
        r"\b(?:the|and|or|city|town|state|county|of|commonwealth)\b", "", rest, flags=re.I
    )
    return not re.search(r"[A-Za-z]{3,}", rest)


def _negated_in_part(before: str) -> bool:
    """Whether a negation comes anywhere in the part of the clause before a cue.

    "has never placed Austin or Travis County on a published sanctuary list": the negation
    may be far from the words "on the list".
    """
    scope = rules.NEGATION_SCOPE.match(before)
    tail = before[scope.end() :] if scope else before
    # "what it would mean if the department ever put the city on a list": a hypothesis.
    return bool(
        re.search(r"\b(?:not|never|no|neither|nor|without|if|unless|whether)\b|n't\b", tail, re.I)
    )


def _only(hits: list[Hit], statuses: set[str]) -> bool:
    return bool(hits) and all(hit.status in statuses for hit in hits)


def _only_generic(text: str) -> bool:
    """A clause whose only group words are generic ("sanctuary cities", "cities and states")."""
    return bool(GENERIC_REF.search(text)) and not re.search(
        r"\b(?:the|these|those|their)\s+"
        + GROUP_NOUN
        + r"|\beach\s+(?:jurisdiction|recipient|letter|notice)\b|\bletters\b",
        text,
        re.IGNORECASE,
    )


def _is_federal_page(page: Page) -> bool:
    """Pages of the Department of Justice, Homeland Security or the White House (federal voice)."""
    host = re.sub(r"^https?://", "", page.url or "").split("/")[0].lower()
    return host.endswith(("justice.gov", "dhs.gov", "ice.gov", "whitehouse.gov"))


def _mentions_sanctuary_list(blocks: list[tuple[int, Block]]) -> bool:
    """Whether the page speaks of a list of sanctuary jurisdictions at all."""
    sanctuary = federal_list = False
    for _, block in blocks:
        lowered = block.text.lower()
        if "list" in lowered and "sanctuary" in lowered:
            if re.search(r"\blists?\b[^.]{0,80}sanctuary|sanctuary[^.]{0,40}\blist\b", lowered):
                return True
        sanctuary = sanctuary or "sanctuary" in lowered
        # "named on the department's August list" on a page about sanctuary jurisdictions
        # Every form of FEDERAL_LIST (case-sensitive, on the lower-cased text) ends in "list".
        federal_list = federal_list or "list" in lowered and bool(FEDERAL_LIST.search(lowered))
    return sanctuary and federal_list
