"""Finding jurisdictions in text: names as real pages write them, resolved to gazetteer ids.

Two steps, because a name often needs the rest of the page to be resolved: `scan` finds
every candidate phrase of one text with what surrounds it ("City of ...", ", Ill.",
"... Police Department", a dateline), and `resolve` picks the jurisdiction once the page's
context (states named, names already qualified elsewhere) is known.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from watcher.models import Jurisdiction
from watcher.status.gazetteer import AP_ABBREVIATIONS, Gazetteer

log = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+|[^\w\s]")
# A token with the gap before it. Every character but whitespace and "_" starts a token (a
# letter, a digit, or anything else that is not a word character), so the gaps are just those.
GAPPED_TOKEN_RE = re.compile(r"([\s_]*)(" + TOKEN_RE.pattern + ")")
MAX_NAME_TOKENS = 8
# Most names are letters and single spaces, whose key is their lower case (a fast path: the
# gazetteer's ~10,000 names are keyed at every start).
PLAIN_NAME = re.compile(r"[^\W\d_]+(?: [^\W\d_]+)*")

# Nicknames and agency acronyms that text uses for a jurisdiction. Acronyms only count on a
# page that also names the jurisdiction or its state (CPD is not always Chicago's).
NICKNAMES: dict[str, str] = {
    "NYC": "new-york-city-ny", "N.Y.C.": "new-york-city-ny", "L.A.": "los-angeles-ca",
    "Philly": "philadelphia-pa", "NOLA": "new-orleans-la", "D.C.": "dc",
    "Washington, D.C.": "dc", "Washington D.C.": "dc", "Washington, DC": "dc",
    "Washington, District of Columbia": "dc", "District of Columbia": "dc",
}  # fmt: skip
AGENCY_ACRONYMS: dict[str, str] = {
    "NYPD": "new-york-city-ny", "LAPD": "los-angeles-ca", "NOPD": "new-orleans-la",
    "SFPD": "san-francisco-ca", "LMPD": "louisville-ky", "CPD": "chicago-il",
    "MPD": "minneapolis-mn", "SPD": "seattle-wa", "BPD": "boston-ma", "DPD": "denver-co",
}  # fmt: skip
# Postal codes that are also everyday words or abbreviations count only after "State of".
AMBIGUOUS_POSTAL = frozenset(
    "IN OR ME OK HI OH LA DE AL MA MD MO ID CO PA MS MT AS GA AR NE VA WA".split()
)
# City names that are common words or given names: only with a state or "City of".
COMMON_WORD_CITIES = frozenset(
    """mobile independence commerce enterprise surprise orange temple eagle liberty union
    victoria florence columbia justice freedom paradise hope marina beverly lincoln warren
    franklin clinton jackson austin tyler irving allen eugene charlotte orlando troy sandy
    madison hamilton aurora gilbert norman pearland sugar land winter haven
    spring deer park pleasant grove""".split()
)  # fmt: skip
# Words after a place name that make the phrase its official, office or agency.
OFFICIAL_WORDS = frozenset(
    """mayor mayors police sheriff sheriffs council councils board city county government gov
    officials official executive commissioner commissioners superintendent attorney
    department metro metropolitan corrections jail administration manager clerk solicitor
    office state legislature governor lawmakers leaders authorities law""".split()
)  # fmt: skip
# Capitalised words before "of" that make the phrase a jurisdiction ("City of Chicago").
JURISDICTION_PREFIXES = {
    "city": "city", "cities": "city", "town": "city", "towns": "city", "village": "city",
    "state": "state", "states": "state", "commonwealth": "state", "county": "county",
    "counties": "county", "mayor": "", "governor": "", "people": "", "residents": "",
    "borough": "city", "parish": "county", "officials": "", "municipality": "city",
    "municipalities": "city",
}  # fmt: skip
# A lower-case noun after a state name makes it an adjective ("a Maryland jurisdiction").
ADJECTIVE_NOUNS = frozenset(
    """jurisdiction jurisdictions city cities county counties town towns municipality
    municipalities community communities voters residents lawmakers legislators delegation
    congressman congresswoman senator senators democrats republicans native natives
    sheriffs sheriff police suburbs suburb localities locality governments local""".split()
)  # fmt: skip
# People named by their place ("two Evanston residents"): the place is an adjective.
PEOPLE_NOUNS = frozenset("residents voters natives taxpayers families".split())
# Words before "of" that make the place part of an institution's name.
INSTITUTION_WORDS = frozenset(
    """district districts university college bank court courts diocese archdiocese port museum
    hospital circuit appeals school schools institute church bay gulf lake river islands
    commission conference federation league club""".split()
)  # fmt: skip
# Prepositions before a place that make it a location, not a party ("a judge in Chicago").
LOCATIVE_WORDS = frozenset("in into at near across outside throughout around where".split())
INQUIRY_WORDS = frozenset("investigation investigations inquiry probe review look".split())
SANCTUARY_APPOSITIVE = re.compile(
    r"(?:,\s+[A-Z][\w.]*)?,\s+(?:an?|another|one)\s+(?:\w+\s+)?[“\"'‘]?sanctuary\b"
)
# ... unless the word before the preposition says whose the thing is ("policies in Chicago").
# "north of X", "a suburb of X": X only says where the place described is.
RELATIVE_PLACE_WORDS = frozenset(
    """north south east west northeast northwest southeast southwest suburb suburbs outskirts
    seat outside""".split()
)
OWNER_WORDS = frozenset(
    """policies policy laws law ordinance ordinances officials official leaders practices
    rules directive directives jurisdictions commissioners supervisors councilmembers aldermen
    authorities""".split()
)  # fmt: skip
DATELINE_RE = re.compile(
    r"^\s*(?P<place>[A-Z][A-Z.'’\- ]+?)(?:,\s*(?P<state>[A-Z][A-Za-z.]+(?:\s?[A-Z][A-Za-z.]+)?))?"
    # Government releases date their datelines: "ROCKVILLE, Md., January 20, 2026—".
    r"(?:,?\s*(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:,\s*\d{4})?)?"
    r"\s*(?:\([A-Za-z0-9 .]+\))?\s*(?:[—–]\s?|-{1,2}\s)"
)
# Titles before a surname: "Mayor Wilson", "Gov. Bob Ferguson" name a person, not a place.
PERSON_TITLES = frozenset(
    """mayor gov governor sheriff judge sen senator rep representative councilor councilman
    councilwoman councilmember commissioner president secretary chief executive superintendent
    general director lt gen dr mr mrs ms chairman chairwoman chair speaker spokesman
    spokeswoman spokesperson treasurer comptroller manager counsel prosecutor""".split()
)  # fmt: skip
# Abbreviated titles whose period does not end a sentence.
TITLE_ABBREVIATIONS = frozenset("gov sen rep lt gen dr mr mrs ms atty supt".split())
# Offices after a name that make it the state ("New York Gov. Kathy Hochul").
STATE_OFFICES = frozenset("gov governor governors legislature lawmakers legislators".split())
# Offices before "X of <place>" that say which kind of place ("Governor Kathy Hochul of New York").
OFFICE_KINDS = {"gov": "state", "governor": "state", "mayor": "city"}
# Capitalised words after a state that make the phrase its law ("Oregon Revised Statutes").
LAW_NAME_WORDS = frozenset("revised statutes code constitution municipal compiled general".split())
# Words that make a capitalised phrase after a place name the place's own law.
OWN_LAW_WORDS = frozenset("code ordinance ordinances resolution charter".split())


# A county written as the second half of a consolidated government's name: "Louisville/
# Jefferson County", "the Metropolitan Government of Nashville and Davidson County".
CONSOLIDATED_PART = re.compile(
    r"(?:[A-Z][\w.'’-]+/|\bGovernment\s+of\s+(?:[A-Z][\w.'’-]+\s+){1,3}and\s+)\Z"
)


# Place names of two words that spoken English uses as phrases ("the new city council", "a
# high point"): in a text without capitals they are the phrase.
EVERYDAY_PHRASES = frozenset(
    ["new city", "center city", "central city", "national city", "high point", "new hope",
     "country club", "east village", "mission hill", "sun city", "the villages"]
)  # fmt: skip


# What separates the members of an enumeration: "A, B and C", "A, B, or C", "A & B".
ENUMERATION_GAP = re.compile(r",\s*|,?\s+(?:and|or|&)\s+")


# How many scanned texts NameFinder.scan remembers (a few MB at most).
SCAN_MEMO_SIZE = 5_000


class Token(NamedTuple):
    """One word, number or punctuation mark of a text."""

    start: int
    end: int
    text: str
    norm: str  # lower case, apostrophes dropped
    base: str  # norm without a possessive 's
    spaced: bool  # whitespace follows
    capitalised: bool


_new_tuple = tuple.__new__


def tokenize(text: str) -> list[Token]:
    """Words, numbers and punctuation marks with their offsets."""
    lowered_text = text.lower().replace("’", "'")
    length = len(text)
    # Most texts are ASCII and most words have no apostrophe: test each word only when the
    # text as a whole may need it.
    foldable = not lowered_text.isascii()
    apostrophes = "'" in lowered_text
    tokens: list[Token] = []
    append = tokens.append
    end = 0
    # findall's plain strings, not a match object per token; offsets add up from the gaps.
    for gap, word in GAPPED_TOKEN_RE.findall(text):
        start = end + len(gap)
        end = start + len(word)
        norm = base = lowered_text[start:end]
        if foldable and not norm.isascii():
            norm = base = _fold(norm)  # "San José" as the gazetteer spells it, "San Jose"
        if apostrophes and "'" in norm:
            base = norm[:-2] if norm.endswith("'s") and len(norm) > 3 else norm
            norm = norm.replace("'", "")
        spaced = end >= length or text[end].isspace()
        # tuple.__new__ builds the same Token as Token(...) without the Python-level __new__
        # a NamedTuple adds (one call per word of every text read).
        append(_new_tuple(Token, (start, end, word, norm, base, spaced, word[0].isupper())))
    return tokens


def key_of(tokens: Sequence[Token], possessive_last: bool = False) -> str:
    """The lookup key of a run of tokens: normalised words, spacing as written."""
    parts = []
    for index, token in enumerate(tokens):
        last = index == len(tokens) - 1
        parts.append(token.base.replace("'", "") if last and possessive_last else token.norm)
        if not last and token.spaced:
            parts.append(" ")
    return "".join(parts)


def _fold(word: str) -> str:
    """A word without its accents ("josé" -> "jose"); other letters stay as they are."""
    folded = unicodedata.normalize("NFKD", word)
    return "".join(c for c in folded if not unicodedata.combining(c))


def name_key(name: str) -> str:
    """The lookup key of a name as the gazetteer writes it."""
    if not name.isascii():
        name = _fold(name)
    if PLAIN_NAME.fullmatch(name):
        return name.lower()  # what key_of(tokenize(name)) makes of words and single spaces
    return key_of(tokenize(name))


def key_words(key: str) -> list[str]:
    """The normalised words of a lookup key."""
    if PLAIN_NAME.fullmatch(key):
        return key.split(" ")
    return [token.norm for token in tokenize(key)]


@dataclass
class RawMention:
    """A phrase that may name a jurisdiction, before the page's context resolves it."""

    start: int
    end: int  # end of the name, or of its state qualifier when it has one
    key: str
    candidates: tuple[str, ...]
    qualifier: str | None = None  # state code of ", Ill." / ", Illinois" / ", IL"
    kind_hint: str = ""  # "city" | "state" | "county" from "City of", "State of", "... State"
    role: str = "name"  # "name" | "official" | "acronym"
    passing: str = ""  # why the mention asserts nothing ("locative", "dateline", ...)
    possessive: bool = False


# Words of state government a page must use this often to be about a state.
STATE_PAGE_EVIDENCE = 3
STATE_GOVERNMENT = re.compile(
    r"\bGov\.|\b(?:Governor|[Ll]egislature|state\s+legislat\w+|state(?:['’]s)?\s+laws?|"
    r"[Ss]tatehouse|State\s+Capitol|state\s+(?:senate|assembly|lawmakers|officials))\b"
)


@dataclass
class PageContext:
    """What a page tells about its places as a whole, used to resolve ambiguous names."""

    qualified: dict[str, str] = field(default_factory=dict)  # key -> state code
    # Keys the page qualifies with different states ("Orange County, New York" and "Orange
    # County, Florida"): a bare use of them is left to the page's other evidence.
    conflicting: set[str] = field(default_factory=set)
    states: Counter[str] = field(default_factory=Counter)
    named: set[str] = field(default_factory=set)  # ids resolved so far
    kinds: dict[str, set[str]] = field(default_factory=dict)  # key -> kinds the page marked
    seen: set[str] = field(default_factory=set)  # ids of unambiguous mentions anywhere
    persons: set[str] = field(default_factory=set)  # keys the page uses as a person's name
    site_names: dict[str, str] = field(default_factory=dict)  # key -> id of the site's place
    # The state of the page's first dateline ("WAUKEGAN, Ill. —"): a bare name the page also
    # qualifies with other states is the dateline state's namesake.
    dateline_state: str | None = None
    bare_first: set[str] = field(default_factory=set)  # keys the page names bare before qualifying
    # How often the page speaks of state government (the governor, the legislature, the state's
    # law): with the name marked as the state, its bare use is the state even beside the city.
    state_government: int = 0


class NameFinder:
    """Finds and resolves jurisdiction names in text, for one gazetteer and alias set."""

    def __init__(self, gazetteer: Gazetteer, aliases: Mapping[str, Sequence[str]] = {}) -> None:
        self.gazetteer = gazetteer
        index: dict[str, set[str]] = {}
        for jurisdiction in gazetteer:
            for name in (jurisdiction.name, *jurisdiction.aliases):
                index.setdefault(name_key(name), set()).add(jurisdiction.id)
        for name, jid in NICKNAMES.items():
            index.setdefault(name_key(name), set()).add(jid)
        self.user_keys: set[str] = set()
        for jid, names in aliases.items():
            if not gazetteer.is_known(jid):
                log.warning("alias for unknown jurisdiction %s ignored", jid)
                continue
            for name in names:
                key = name_key(name)
                index[key] = {jid}  # a user's alias is meant exactly
                self.user_keys.add(key)
        # "Miami-Dade" without "County": a hyphenated county name that names nothing else is
        # the county by itself (a single-word stem such as "Cook" or "Orange" is not: it is a
        # surname or a word as often as the county).
        for jurisdiction in gazetteer:
            if jurisdiction.kind != "county" or not jurisdiction.name.endswith(" County"):
                continue
            stem = jurisdiction.name[: -len(" County")]
            if "-" in stem and name_key(stem) not in index:
                index[name_key(stem)] = {jurisdiction.id}
        self.index = {key: tuple(sorted(ids)) for key, ids in index.items() if key}
        # A user's alias may start with a lower-case word ("the five boroughs").
        self.user_first_words = {key_words(key)[0] for key in self.user_keys}
        # The longest name (in tokens) that starts with each word.
        self.name_lengths: dict[str, int] = {}
        for key in self.index:
            words = key_words(key)
            self.name_lengths[words[0]] = max(self.name_lengths.get(words[0], 0), len(words))
        self.first_words = set(self.name_lengths)
        # "Prince George's and Montgomery counties": county names without their suffix.
        self.county_stems: dict[str, tuple[str, ...]] = {}
        stems: dict[str, set[str]] = {}
        for jurisdiction in gazetteer:
            if jurisdiction.kind != "county":
                continue
            for suffix in (" County", " Parish"):
                if jurisdiction.name.endswith(suffix):
                    stem = name_key(jurisdiction.name[: -len(suffix)])
                    stems.setdefault(stem, set()).add(jurisdiction.id)
        self.county_stems = {key: tuple(sorted(ids)) for key, ids in stems.items()}
        self.county_ids = frozenset(j.id for j in gazetteer if j.kind == "county")
        self.state_forms = self._state_forms()
        self.state_names = {
            name_key(j.name): j.id for j in gazetteer if j.kind == "state" and j.id != "dc"
        }
        self._scanned: dict[tuple[str, bool], tuple[RawMention, ...]] = {}

    def _state_forms(self) -> dict[str, str]:
        forms: dict[str, str] = {}
        for jurisdiction in self.gazetteer:
            if jurisdiction.kind != "state":
                continue
            forms[name_key(jurisdiction.name)] = jurisdiction.id
            forms["\0" + jurisdiction.id.upper()] = jurisdiction.id  # postal code, exact case
            for abbreviation in AP_ABBREVIATIONS.get(jurisdiction.id, "").split("|"):
                if abbreviation:
                    forms[name_key(abbreviation)] = jurisdiction.id
                    forms[name_key(abbreviation.rstrip("."))] = jurisdiction.id
        forms[name_key("District of Columbia")] = "dc"
        return forms

    # -- scanning ---------------------------------------------------------------------------

    def scan(self, text: str, *, title_case: bool = False) -> list[RawMention]:
        """Every phrase of `text` that may name a jurisdiction, left to right, not overlapping."""
        # Scanning depends on the text alone, and sites repeat paragraphs from page to page
        # (disclaimers, "about the office", the same sentence in every release of a series).
        # Mentions are not changed once scanned, so a repeat gets the same ones back.
        if not SCAN_MEMO_SIZE:  # memory off: nothing to look up or keep
            return self._scan(text, title_case)
        key = (text, title_case)
        found = self._scanned.get(key)
        if found is None:
            if len(self._scanned) >= SCAN_MEMO_SIZE:
                self._scanned.clear()  # a bound on memory; the next pages refill it
            found = self._scanned[key] = tuple(self._scan(text, title_case))
        return list(found)

    def _scan(self, text: str, title_case: bool) -> list[RawMention]:
        tokens = tokenize(text)
        mentions: list[RawMention] = []
        dateline_end = _dateline_end(text)
        plural = self._plural_counties(tokens) if "ounties" in text or "arishes" in text else {}
        # A text without a single capital letter (a TV caption, a transcript) is read without
        # regard to case. Lower-case words are often also place names ("mobile", "orange",
        # "independence", "commerce"), so such a text only names a place by a name of two
        # words or more ("san diego county", "los angeles"), a state ("california"), or a name
        # after "city of", "state of", "county of" ("the city of orange"); "orange county" is a
        # two-word name. Other texts need capitals, so "a new york minute" names nothing.
        any_case = not any(c.isupper() for c in text)
        # The sets asked of every token, looked up once per text (scanning changes none).
        first_words = self.first_words
        user_first_words = self.user_first_words
        state_forms = self.state_forms
        token_count = len(tokens)
        index = 0
        while index < token_count:
            token = tokens[index]
            found = None
            if index in plural:
                stop, candidates = plural[index]
                key = key_of(tokens[index:stop]) + " county"
                mention = RawMention(tokens[index].start, tokens[stop - 1].end, key, candidates)
                mention.kind_hint = "county"
                if mention.start < dateline_end:
                    mention.passing = "dateline"
                mentions.append(mention)
                index = stop
                continue
            if (
                (token.capitalised or any_case)
                and (token.norm in first_words or token.base.replace("'", "") in first_words)
                or token.norm in user_first_words
            ):
                found = self._longest_name(tokens, index, any_case)
                if (
                    found is not None
                    and any_case
                    and not self._lower_case_name(tokens, index, found)
                ):
                    found = None
            if found is None and token.text in AGENCY_ACRONYMS:
                found = (index + 1, (AGENCY_ACRONYMS[token.text],), "acronym")
            if (
                found is None
                and len(token.text) == 2  # what _is_postal_code asks first, before a key is made
                and "\0" + token.text in state_forms
                and _is_postal_code(tokens, index, text)
            ):
                found = (index + 1, (state_forms["\0" + token.text],), "name")
            if found is None:
                index += 1
                continue
            stop, candidates, role = found
            mention = self._describe(
                tokens, index, stop, candidates, role, text, title_case, any_case
            )
            if (
                not mention.passing
                and text[mention.start - 1 : mention.start] in {"/", " "}
                and all(jid in self.county_ids for jid in mention.candidates)
                and CONSOLIDATED_PART.search(text[max(0, mention.start - 80) : mention.start])
            ):
                mention.passing = "part of a consolidated government's name"
            if mention.start < dateline_end:
                mention.passing = "dateline"
            if (
                text[mention.start - 1 : mention.start] in {"“", '"'}
                and text[mention.end : mention.end + 1] in {"”", '"'}
                and mention.start > 0
            ):
                mention.passing = "quoted name"  # news reports that “Orange County” appears
            if (
                mentions
                and mention.passing == ""
                and _inside_parentheses_after(mentions, text, mention)
            ):
                mention.passing = "parenthetical"
            mentions.append(mention)
            index = mention_end_token(tokens, mention.end, stop)
        self._mark_state_enumerations(mentions, text)
        return mentions

    def _mark_state_enumerations(self, mentions: list[RawMention], text: str) -> None:
        """Mark state names listed among states as states: "Illinois, Oregon, Washington and
        Minnesota" names the state of Washington, not Washington, Ill., nor New York City."""
        runs: list[list[RawMention]] = []
        for mention in mentions:
            previous = runs[-1][-1] if runs else None
            if previous is not None and ENUMERATION_GAP.fullmatch(
                text[previous.end : mention.start]
            ):
                runs[-1].append(mention)
            else:
                runs.append([mention])
        state_ids = set(self.state_names.values())  # not D.C., a city as much as a state
        for run in runs:
            if len(run) < 2 or any(m.qualifier or m.passing for m in run):
                continue
            # Every member could be a state, and one at least can be nothing else.
            if not all(
                m.kind_hint == "state" or not m.kind_hint and state_ids & set(m.candidates)
                for m in run
            ):
                continue
            if not any(m.kind_hint == "state" or set(m.candidates) <= state_ids for m in run):
                continue
            for mention in run:
                mention.kind_hint = "state"

    def _plural_counties(self, tokens: list[Token]) -> dict[int, tuple[int, tuple[str, ...]]]:
        """Counties named before a plural: "Hennepin and Ramsey counties" -> start: (stop, ids)."""
        found: dict[int, tuple[int, tuple[str, ...]]] = {}
        for plural, token in enumerate(tokens):
            if token.norm not in {"counties", "parishes"}:
                continue
            # A capitalised "Counties" is a plural only after two names or more ("Santa Clara
            # and San Diego Counties" in a headline), not in "Association of Counties".
            here: dict[int, tuple[int, tuple[str, ...]]] = {}
            end = plural
            while end > 0:
                start = end
                while start > 0 and end - start < 4 and tokens[start - 1].capitalised:
                    start -= 1
                stem = next(
                    (s for s in range(start, end) if key_of(tokens[s:end]) in self.county_stems),
                    None,
                )
                if stem is None:
                    break
                here[stem] = (end, self.county_stems[key_of(tokens[stem:end])])
                before = stem - 1
                if before >= 0 and tokens[before].norm in {"and", "&"}:
                    before -= 1
                if before >= 0 and tokens[before].text == ",":
                    before -= 1
                if before == stem - 1:
                    break
                end = before + 1
            if not token.capitalised or len(here) >= 2:
                found.update(here)
        return found

    def _lower_case_name(
        self, tokens: list[Token], index: int, found: tuple[int, tuple[str, ...], str]
    ) -> bool:
        """Whether a name found in a text without capitals is one such a text may use."""
        stop, candidates, _ = found
        if key_of(tokens[index:stop]) in EVERYDAY_PHRASES:
            return False
        words = sum(1 for token in tokens[index:stop] if token.text.isalpha())
        if words >= 2 or any(jid in self.state_names.values() for jid in candidates):
            return True
        return (
            index >= 2
            and tokens[index - 1].norm == "of"
            and tokens[index - 2].norm in {"city", "state", "county"}
        )

    def _longest_name(
        self, tokens: list[Token], index: int, any_case: bool = False
    ) -> tuple[int, tuple[str, ...], str] | None:
        first = tokens[index]
        longest = max(self.name_lengths.get(first.norm, 0), self.name_lengths.get(first.base, 0))
        limit = min(len(tokens), index + longest)
        keys = []  # keys of tokens[index:stop] for stop = index+1 .. limit
        parts: list[str] = []
        for stop in range(index + 1, limit + 1):
            token = tokens[stop - 1]
            if parts and tokens[stop - 2].spaced:
                parts.append(" ")
            plain = "".join(parts) + token.norm
            possessive = "".join(parts) + token.base.replace("'", "")
            keys.append((stop, possessive, plain))
            parts.append(token.norm)
        for stop, possessive, plain in reversed(keys):
            last = tokens[stop - 1]
            if not last.text[:1].isalpha() and last.text != ".":
                continue
            candidates = self.index.get(possessive) or self.index.get(plain)
            if (
                candidates
                and plain not in self.user_keys
                and not any_case
                and _lower_word(tokens, index, stop)
            ):
                continue  # "the Oregon city" is not Oregon City
            if candidates:
                return stop, candidates, "name"
        return None

    def _describe(
        self,
        tokens: list[Token],
        index: int,
        stop: int,
        candidates: tuple[str, ...],
        role: str,
        text: str,
        title_case: bool,
        any_case: bool = False,
    ) -> RawMention:
        first, last = tokens[index], tokens[stop - 1]
        mention = RawMention(first.start, last.end, key_of(tokens[index:stop], True), candidates)
        mention.role = role
        mention.possessive = last.norm != last.base
        before = tokens[index - 1] if index > 0 else None
        before2 = tokens[index - 2] if index > 1 else None
        before3 = tokens[index - 3] if index > 2 else None
        after = tokens[stop] if stop < len(tokens) else None
        # "City of X", "the State of X", "the cities of X, Y", "City and County of X"
        if before is not None and before.norm == "of" and before2 is not None:
            prefix = before2.norm
            office = _office_before(tokens, index - 2)
            if prefix not in JURISDICTION_PREFIXES and office:
                mention.kind_hint = OFFICE_KINDS[office]  # "Governor Kathy Hochul of New York"
                mention.role = "official"
            elif prefix in JURISDICTION_PREFIXES:
                mention.kind_hint = JURISDICTION_PREFIXES[prefix]
                if prefix == "county" and before3 is not None and before3.norm == "and":
                    mention.kind_hint = "city"  # "City and County of Denver" takes the city id
                if prefix in {"mayor", "governor", "officials"}:
                    mention.role = "official"
                if mention.kind_hint == "county" and mention.kind_hint != "city":
                    # "County of Santa Clara", "Parish of Orleans": the county of that name.
                    mention.candidates = self.county_stems.get(mention.key, mention.candidates)
            elif before2.base in {"district", "districts"}:
                # "the Western District of New York": a federal court that names the state.
                mention.passing = "court district"
            elif before2.base in INSTITUTION_WORDS:
                mention.passing = "part of another name"  # "University of California"
            elif before2.norm in RELATIVE_PLACE_WORDS:
                mention.passing = "locative"  # "the suburb north of Washington"
        elif (
            before is not None
            and before.norm == "to"
            and before2 is not None
            and before2.norm == "home"
        ):
            mention.passing = "locative"  # "Bernalillo County, home to Albuquerque,": a description
        elif before is not None and before.norm in LOCATIVE_WORDS:
            # "In Philadelphia, a sanctuary city, ...": the appositive describes the place, so
            # it is what the sentence says something about, not only where things happened.
            described = SANCTUARY_APPOSITIVE.match(text, last.end)
            # "an investigation into Denver": the place is what is investigated.
            inquiry = (
                before.norm == "into" and before2 is not None and before2.base in INQUIRY_WORDS
            )
            owned = before2 is not None and before2.norm in OWNER_WORDS
            if not (owned or described or inquiry):
                mention.passing = "locative"
            if before2 is not None and before2.norm in {
                "officials",
                "leaders",
                "authorities",
                "commissioners",
                "supervisors",
            }:
                mention.role = "official"
        elif _titled_person(tokens, index):
            mention.passing = "person"  # "Mayor Wilson", "Gov. Bob Ferguson"
        elif (
            before is not None
            and before.capitalised
            and before.text.isalpha()
            and not title_case
            and before.norm not in JURISDICTION_PREFIXES
            and not _sentence_start(tokens, index - 1)
        ):
            mention.passing = "part of another name"  # "Lake Ontario", "Mayor Malik Evans"
        elif (
            before is not None
            and before.text == "-"
            and not before.spaced  # "Dropped - Ithaca": a spaced hyphen separates a label
            and before2 is not None
            and before2.capitalised
        ):
            mention.passing = "part of another name"  # "R-Madisonville"
        after = tokens[stop] if stop < len(tokens) else None
        cursor = stop
        # "New York State", "Washington state", "Louisville Metro": a suffix that says which
        # kind of place.
        if after is not None and after.base in {"state", "metro"} and after.norm == after.base:
            if (after.base == "metro" and after.capitalised) or (
                after.base == "state" and any(c in self.state_names.values() for c in candidates)
            ):
                mention.kind_hint = "state" if after.base == "state" else "city"
                mention.end = after.end
                cursor = stop + 1
        # A state qualifier: "Chicago, Ill.", "Rochester, New York", "Saint Paul, MN"
        after = tokens[cursor] if cursor < len(tokens) else None
        if after is not None and after.text == "," and role != "acronym":
            state, qualifier_stop = self._state_after(tokens, cursor + 1, any_case)
            if state and self._fits_state(candidates, state):
                mention.qualifier = state
                mention.end = tokens[qualifier_stop - 1].end
                cursor = qualifier_stop
        # "Salem in Oregon", "Hudson County in New Jersey": the state after "in".
        after = tokens[cursor] if cursor < len(tokens) else None
        if (
            after is not None
            and after.norm == "in"
            and mention.qualifier is None
            and role != "acronym"
            and len(candidates) > 1
        ):
            state, qualifier_stop = self._state_after(tokens, cursor + 1, any_case)
            if state and self._fits_state(candidates, state):
                mention.qualifier = state
                mention.end = tokens[qualifier_stop - 1].end
                cursor = qualifier_stop
        if mention.qualifier is None and role != "acronym" and len(candidates) > 1:
            # "the Knox County Sheriff's Office in Tennessee": the state after the office.
            office_end = cursor
            while office_end < min(len(tokens), cursor + 4) and (
                tokens[office_end].base in OFFICIAL_WORDS or tokens[office_end].norm == "s"
            ):
                office_end += 1
            if office_end > cursor and office_end < len(tokens) and tokens[office_end].norm == "in":
                state, _ = self._state_after(tokens, office_end + 1)
                if state and self._fits_state(candidates, state):
                    mention.qualifier = state
        after = tokens[cursor] if cursor < len(tokens) else None
        has_state = any(c in self.state_names.values() for c in candidates)
        state_office = after is not None and after.base in STATE_OFFICES
        if state_office and has_state and not mention.kind_hint:
            mention.kind_hint = "state"  # "New York Gov. Kathy Hochul"
        if (
            after is not None
            and after.norm == "attorney"
            and cursor + 1 < len(tokens)
            and tokens[cursor + 1].norm == "general"
            and has_state
            and not mention.kind_hint
        ):
            mention.kind_hint = "state"  # "New York Attorney General Letitia James"
        is_state = len(candidates) == 1 and candidates[0] in self.state_names.values()
        is_state = is_state or mention.kind_hint == "state"  # "a Washington state county"
        people = after is not None and after.base in PEOPLE_NOUNS and not mention.possessive
        if (
            after is not None
            and after.text.isalpha()
            and after.base in ADJECTIVE_NOUNS
            and (is_state or has_state and not after.capitalised or people)  # "a Washington county"
        ):
            mention.passing = mention.passing or "adjective"  # "a Maryland jurisdiction"
        elif after is not None and after.text.isalpha() and after.base in OFFICIAL_WORDS:
            mention.role = "official"  # "Chicago Police Department", "Baltimore County officials"
        elif (
            after is not None
            and after.capitalised
            and after.text.isalpha()
            and not title_case
            and not mention.possessive
            and mention.qualifier is None
            and cursor == stop
            and not mention.passing
            and not (has_state and after.base in LAW_NAME_WORDS)  # "Oregon Revised Statutes"
            # "the Hartford Municipal Code", "Denver Revised Municipal Code", "Central Falls
            # Ordinance No. 14-2019": the place's own law.
            and not any(t.base in OWN_LAW_WORDS for t in tokens[cursor : cursor + 3])
        ):
            mention.passing = "part of another name"  # "Chicago Bears", "Illinois TRUST Act"
        if mention.passing == "" and before is not None and before.norm in {"where"}:
            mention.passing = "locative"
        if (
            mention.passing == ""
            and cursor + 1 < len(tokens)
            and tokens[cursor].norm == "field"
            and tokens[cursor + 1].norm in {"office", "offices"}
        ):
            mention.passing = "federal office"  # "ICE's San Francisco field office"
        return mention

    def _state_after(
        self, tokens: list[Token], start: int, any_case: bool = False
    ) -> tuple[str | None, int]:
        for stop in range(min(len(tokens), start + 5), start, -1):
            run = tokens[start:stop]
            if any_case and key_of(run) in self.state_names:
                return self.state_names[key_of(run)], stop  # "portland, oregon" in a caption
            if len(run) == 1 and len(run[0].text) == 2 and run[0].text.isupper():
                state = self.state_forms.get("\0" + run[0].text)
                if state:
                    return state, stop
                continue
            if not run[0].capitalised:
                if any_case:
                    continue
                return None, start
            state = self.state_forms.get(key_of(run))
            if state and (len(run) > 1 or run[0].text.lower() != run[0].text):
                return state, stop
        return None, start

    def _fits_state(self, candidates: tuple[str, ...], state: str) -> bool:
        for jid in candidates:
            jurisdiction = self.gazetteer.get(jid)
            if jurisdiction and jurisdiction.kind != "state" and jurisdiction.state == state:
                return True
        return False

    def _dominant_city(self, places: list[Jurisdiction]) -> Jurisdiction | None:
        """A city far larger than every namesake ("Louisville" is Kentucky's), if there is one."""
        ranked = sorted(places, key=lambda j: -self.gazetteer.population(j.id))
        top = self.gazetteer.population(ranked[0].id)
        second = max(self.gazetteer.population(j.id) for j in ranked[1:])
        if ranked[0].kind == "city" and top >= 100_000 and top >= 5 * second:
            if all(j.kind == "city" for j in ranked[1:]):
                return ranked[0]
        return None

    def _larger_namesake_state(self, pool: list[Jurisdiction], qualified: str) -> str | None:
        """The state of a city at least twice as large as its namesake in `qualified`."""
        cities = [j for j in pool if j.kind == "city"]
        there = [j for j in cities if j.state == qualified]
        if len(cities) < 2 or not there:
            return None
        top = max(cities, key=lambda j: self.gazetteer.population(j.id))
        size = self.gazetteer.population(top.id)
        if top.state == qualified or size < 100_000:
            return None
        if size < 2 * max(self.gazetteer.population(j.id) for j in there):
            return None
        return top.state

    # -- resolving --------------------------------------------------------------------------

    def learn(self, mention: RawMention, context: PageContext) -> None:
        """Record what a mention tells about the page: a qualified name, a state named."""
        if mention.passing == "person":
            context.persons.add(mention.key)
            return
        if mention.passing == "court district":
            states = [c for c in mention.candidates if c in self.state_names.values()]
            if len(states) == 1:
                context.states[states[0]] += 1  # the court sits in the state it is named for
            return
        if mention.passing in {"part of another name", "quoted name"}:
            return  # "Green Light Law", "Lake Ontario": no evidence of the page's states
        if mention.kind_hint:
            context.kinds.setdefault(mention.key, set()).add(mention.kind_hint)
        if len(mention.candidates) == 1 and mention.role != "acronym":
            context.seen.add(mention.candidates[0])
        if mention.qualifier is None and mention.key not in context.qualified:
            context.bare_first.add(mention.key)
        if mention.qualifier:
            known = context.qualified.setdefault(mention.key, mention.qualifier)
            if known != mention.qualifier:
                context.conflicting.add(mention.key)
            context.states[mention.qualifier] += 1
        elif len(mention.candidates) == 1:
            jurisdiction = self.gazetteer.get(mention.candidates[0])
            if jurisdiction and mention.role != "acronym":
                context.states[jurisdiction.state] += 1
        elif mention.kind_hint == "state":
            states = [c for c in mention.candidates if c in self.state_names.values()]
            if len(states) == 1:
                context.states[states[0]] += 1  # "the State of New York"

    def resolve(self, mention: RawMention, context: PageContext, kind_hint: str = "") -> str | None:
        """The jurisdiction a mention names on this page, or None when it stays ambiguous."""
        hint = mention.kind_hint or kind_hint
        candidates = [self.gazetteer.get(jid) for jid in mention.candidates]
        pool = [j for j in candidates if j is not None]
        if mention.role == "acronym":
            jurisdiction = pool[0]
            named = jurisdiction.id in context.named or context.states[jurisdiction.state] > 0
            return jurisdiction.id if named else None
        if mention.key in self.user_keys:
            return pool[0].id
        if mention.key in context.persons and not (mention.qualifier or hint):
            return None  # the page uses the name for a person ("Gov. Bob Ferguson" ... "Ferguson")
        state = mention.qualifier
        if state is None and mention.key not in context.conflicting:
            state = context.qualified.get(mention.key)
            if state and mention.key in context.bare_first:
                # A page that says "Kansas City" and only later "Kansas City, Kansas" means the
                # larger namesake by the bare name: writers qualify the lesser one.
                state = self._larger_namesake_state(pool, state) or state
        if (
            mention.qualifier is None
            and context.dateline_state
            and (
                state is None
                or mention.key in context.conflicting
                or mention.key in context.bare_first
            )
            and self._fits_state(mention.candidates, context.dateline_state)
            and len(mention.candidates) > 1
        ):
            state = context.dateline_state
        states = [j for j in pool if j.kind == "state"]
        places = [j for j in pool if j.kind != "state"]
        if mention.qualifier:
            places = [j for j in places if j.state == mention.qualifier]
            states = []
        if hint == "state" and states:
            return states[0].id
        if hint in {"city", "county"}:
            kinds = [j for j in places if j.kind == hint]
            places = kinds or places
            states = []
        if states and not hint and context.kinds.get(mention.key) == {"state"}:
            # The page marks this name as the state ("Washington state", "New York Gov.") and
            # names none of its namesakes: its bare use is the state too.
            if not any(j.id in context.seen for j in places) and "dc" not in context.seen:
                return states[0].id
            # "DOJ sues New York over Green Light law" on a page about the state's law and its
            # governor, which also says "New York City's own limits are not part of this case".
            if context.state_government >= STATE_PAGE_EVIDENCE and "dc" not in context.seen:
                return states[0].id
        if states:
            if states[0].id == "wa":
                return None  # bare "Washington" is the federal government or a dateline
            if states[0].id == "ny" and any(j.id == "new-york-city-ny" for j in places):
                return "new-york-city-ny"  # bare "New York" in running text is the city
            return states[0].id
        if not places:
            return None
        if len(places) > 1 and state:
            in_state = [j for j in places if j.state == state]
            places = in_state or places
        if len(places) > 1:
            dominant = self._dominant_city(places)
            if dominant is not None and not (state and dominant.state != state):
                places = [dominant]
        if len(places) > 1:
            ranked = sorted(places, key=lambda j: -context.states[j.state])
            if context.states[ranked[0].state] > context.states[ranked[1].state]:
                places = [ranked[0]]
        if len(places) > 1:
            cities = sorted(
                (j for j in places if j.kind == "city"),
                key=lambda j: -self.gazetteer.population(j.id),
            )
            if not cities:
                return None
            top = self.gazetteer.population(cities[0].id)
            second = self.gazetteer.population(cities[1].id) if len(cities) > 1 else 0
            if top < 100_000 or top < 2 * second:
                return None
            places = [cities[0]]
        chosen = places[0]
        if (
            chosen.kind == "city"
            and mention.key in COMMON_WORD_CITIES
            and not (mention.qualifier or hint == "city" or state)
        ):
            return None
        return chosen.id


def mention_end_token(tokens: list[Token], end: int, stop: int) -> int:
    """Index of the first token after a mention ending at character `end`."""
    index = stop
    while index < len(tokens) and tokens[index].start < end:
        index += 1
    return index


def _lower_word(tokens: list[Token], start: int, stop: int) -> bool:
    """Whether a run of tokens has a lower-case word of four letters or more ("Oregon city")."""
    return any(
        len(token.text) > 3 and token.text.isalpha() and not token.capitalised
        for token in tokens[start:stop]
    )


def _office_before(tokens: list[Token], index: int) -> str:
    """The office word (governor, mayor) of "Governor Kathy Hochul" ending at tokens[index]."""
    for back in range(index, max(-1, index - 5), -1):
        token = tokens[back]
        if token.norm in OFFICE_KINDS and token.capitalised:
            return token.norm
        if not (token.capitalised or token.text == "."):
            return ""
    return ""


def _titled_person(tokens: list[Token], index: int) -> bool:
    """Whether tokens[index] is a surname after a title: "Mayor Wilson", "Gov. Bob Ferguson"."""
    back = index - 1
    words = 0
    while back >= 0 and words <= 2:  # a first name and a middle initial at most
        token = tokens[back]
        if token.text == ".":
            back -= 1
            continue
        if not (token.capitalised and token.text.isalpha()):
            return False
        if token.norm in PERSON_TITLES:
            return True
        words += 1
        back -= 1
    return False


def _sentence_start(tokens: list[Token], index: int) -> bool:
    """Whether tokens[index] begins a sentence or a quotation."""
    if index <= 0:
        return True
    if (
        index > 1
        and tokens[index - 1].text == "."
        and tokens[index - 2].norm in TITLE_ABBREVIATIONS
    ):
        return False  # "Gov. Bob": the period ends a title, not a sentence
    previous = tokens[index - 1].text
    return previous in {".", "!", "?", "“", '"', "‘", "(", ":", "—", "–", ";", "'"}


def _is_postal_code(tokens: list[Token], index: int, text: str) -> bool:
    token = tokens[index]
    if len(token.text) != 2 or not token.text.isupper() or token.text in AMBIGUOUS_POSTAL:
        return False
    before = text[token.start - 1] if token.start > 0 else " "
    after = text[token.end] if token.end < len(text) else " "
    if before in "-/" or after in "-/" or after.isdigit() or before.isdigit():
        return False
    letters = [c for c in text if c.isalpha()]
    upper = sum(1 for c in letters if c.isupper())
    return upper < 0.5 * len(letters)  # not in an all-capitals headline


def _dateline_end(text: str) -> int:
    match = DATELINE_RE.match(text)
    if match is None:
        return -1
    place = match.group("place").strip()
    if len(place) < 3 or not place.replace(" ", "").replace(".", "").isupper():
        return -1
    return match.end()


def _inside_parentheses_after(mentions: list[RawMention], text: str, mention: RawMention) -> bool:
    """Whether `mention` sits in parentheses right after the previous mention."""
    previous = mentions[-1]
    between = text[previous.end : mention.start]
    return between.strip().startswith("(") and ")" not in between


def dateline_place(text: str) -> tuple[str, str] | None:
    """The place and state words of a dateline ("CHICAGO —", "JACKSON, Miss. (WJTV) —")."""
    match = DATELINE_RE.match(text)
    if match is None or _dateline_end(text) < 0:
        return None
    return match.group("place").strip(), (match.group("state") or "").strip()
