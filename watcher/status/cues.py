"""Status cues: the phrases that say what the federal government did, or what a place says.

Each default rule is a pre-compiled regex with the status it signals and how it binds to the
places of its clause (see `Cue.binding`). Configuration adds rules with `extra_cues`; they
bind like the defaults of their status. The wording is written to cover how DOJ releases,
news wires and city statements phrase the same facts, not any one page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from watcher.models import STATUSES

FLAGS = re.IGNORECASE


@dataclass(frozen=True)
class Cue:
    """A rule: `pattern` in a clause signals `status` for the places it binds to."""

    status: str
    pattern: re.Pattern[str]
    # "clause": every place named in the clause; "object": places after the match (whom
    # the government sued); "stance": `compliant` when the government says it, `contests`
    # when the place or its officials do; "contests": the place's own position.
    binding: str = "clause"
    negatable: bool = True  # whether a "not"/"no" just before the match cancels it
    name: str = ""
    # Lower-case strings one of which the clause must contain for the rule to be tried at
    # all: a cheap gate that keeps extraction fast; empty means always try.
    anchors: tuple[str, ...] = ()
    gate: re.Pattern[str] | None = None
    # Whether the words count only in a federal voice: "sanctuary cities like Chicago" lists
    # Chicago when the attorney general says it, not when an op-ed writer does.
    voiced: bool = False

    def __post_init__(self) -> None:
        if self.anchors and self.gate is None:
            gate = re.compile("|".join(re.escape(anchor) for anchor in self.anchors))
            object.__setattr__(self, "gate", gate)

    def may_match(self, lowered: str) -> bool:
        """Whether the lower-cased clause passes the gate."""
        return self.gate is None or self.gate.search(lowered) is not None


def _cue(
    status: str,
    pattern: str,
    binding: str = "clause",
    negatable: bool = True,
    anchors: tuple[str, ...] = (),
    name: str = "",
    voiced: bool = False,
) -> Cue:
    return Cue(
        status,
        re.compile(pattern, FLAGS),
        binding,
        negatable,
        name or pattern[:40],
        anchors,
        voiced=voiced,
    )


# The name of the rule for time given to show compliance: a review, unless the page has
# already made a preliminary finding about the place, in which case it is only a warning.
ANSWER_RULE = "time to show compliance"


# The name of the rule for a place declaring itself non-sanctuary.
SELF_DECLARED = "declared itself non-sanctuary"


LAW = (
    r"(?:federal\s+(?:immigration\s+)?(?:law|laws|statute)|(?:8\s*U\.?\s*S\.?\s*C\.?|section|"
    r"sec\.)\s*(?:§§?\s*|sec\.\s*|sections?\s*)?1373|§§?\s*1373|1373|the\s+(?:federal\s+)?statute|"
    r"an?\s+(?:federal\s+)?(?:immigration\s+)?(?:law|statute)|(?:federal\s+)?immigration\s+laws?|"
    r"the\s+(?:Constitution's\s+)?Supremacy\s+Clause)"
)
POLICY_NOUN = (
    r"(?:laws?|polic(?:y|ies)|practices?|ordinances?|provisions?|directives?|rules?|measures?|"
    r"statutes?|orders?|resolutions?|acts?)"
)
SANCTUARY_THING = (
    r"[“\"'‘]?sanctuary[”\"'’]?\s+(?:jurisdictions?|cit(?:y|ies)|states?|count(?:y|ies)|places?)"
)

DEFAULT_CUES: tuple[Cue, ...] = (
    # -- compliant: a clearance, a commendation, a removal -----------------------------------
    _cue(
        "compliant",
        r"\b(?:no|not\s+find|not\s+found|n't\s+find|"
        r"without)\s+(?:any\s+)?evidence\b[^;]{0,150}?\b(?:out\s+of\s+compliance|violat\w*|"
        r"non-?complian\w*|(?:conflict\w*|clash\w*|(?:is|are|was|were)\s+inconsistent)\s+with)",
        negatable=False,
        anchors=("evidence",),
    ),
    _cue(
        "compliant",
        r"\b(?:found|finds|find|determined|concluded|deemed|"
        r"certified)\b[^;]{0,60}?\b(?:to\s+be\s+)?in\s+(?:full\s+)?compliance\b",
        anchors=("complian",),
    ),
    _cue(
        "compliant",
        r"\b(?:found|finds|find|deemed|determined)\s+(?:\w+\s+){1,4}?compliant\b",
        anchors=("compliant",),
    ),
    # "the Department has concluded that both jurisdictions comply with section 1373"; the
    # federal side must be the one concluding ("County Counsel has concluded that the County's
    # practices comply" is the county's own stance).
    _cue(
        "compliant",
        r"\b(?:department|doj|justice|dhs|ice|federal\s+government|ojp|bja)\b"
        r"[^.;]{0,40}?\b(?:found|finds|determined|determines|concluded|concludes|confirmed|"
        r"confirms)\s+that\s+(?:[\w.’'-]+\s+){1,5}?(?:compl(?:y|ies)|(?:is|are)\s+complying)"
        r"\s+with\b",
        anchors=("comply", "complies"),
    ),
    _cue(
        "compliant",
        r"\bclear(?:ed|s)\b(?=[^;]{0,80}\b(?:complian|1373|review|law))",
        anchors=("clear",),
    ),
    _cue(
        "compliant",
        r"\b(?:found|finds|find|determined|concluded)\s+(?:that\s+there\s+(?:is|was)\s+)?no\s+"
        r"(?:\w+\s+)?violations?\b",
        negatable=False,
        anchors=("violation",),
    ),
    _cue(
        "compliant",
        r"\bsatisf(?:ied|ies|y)\s+(?:\w+\s+){0,2}?(?:review|requirements?|conditions|"
        r"(?:section\s+)?1373|the\s+(?:department|statute))\b",
        anchors=("satisf",),
    ),
    _cue(
        "compliant",
        r"\bcommend\w*\b[^;]{0,160}?\b(?:commitment|complian\w*|complying|cooperat\w*)",
        anchors=("commend",),
    ),
    # "ICE also thanked the Orange County, Florida, Corrections Department ... for its
    # partnership": thanks for cooperation is a commendation.
    _cue(
        "compliant",
        r"\bthank(?:ed|s)\b[^;]{0,160}?\bfor\s+(?:its|their|the\s+county's|the\s+city's)\s+"
        r"(?:\w+\s+)?(?:partnership|cooperation|complian\w*)\b",
        anchors=("thank",),
        voiced=True,
    ),
    _cue(
        "compliant",
        r"\bremov(?:ed|es|ing|al)\b[^;]{0,80}?\blist\b",
        negatable=False,
        anchors=("remov",),
    ),
    _cue(
        "compliant",
        r"\b(?:jurisdictions?|cities|counties|states|entries|places)\s+(?:were\s+|was\s+|"
        r"have\s+been\s+|has\s+been\s+)?(?:removed|taken\s+off|dropped|delisted)\b",
        negatable=False,
        anchors=("remov", "taken off", "dropped", "delisted"),
    ),
    # "Two jurisdictions that appeared on the May list ... have been removed"
    _cue(
        "compliant",
        r"\blist\b[^;]{0,160}?\b(?:been|were|was|are|is)\s+(?:\w+\s+)?(?:removed|dropped|delisted|"
        r"taken\s+off)\b",
        negatable=False,
        anchors=("removed", "dropped", "delisted", "taken off"),
    ),
    # "was removed in the June update", "were dropped from the latest version"
    _cue(
        "compliant",
        r"\b(?:was|were|been)\s+(?:\w+\s+)?(?:removed|dropped|delisted)\s+(?:in|with|from)\s+"
        r"(?:the|its|a|this)\s+(?:[\w’'-]+\s+){0,2}?(?:update|version|revision|edition)\b",
        negatable=False,
        anchors=("removed", "dropped", "delisted"),
    ),
    # "Removed since the prior edition: Baltimore County, MD", "removed from this edition"
    _cue(
        "compliant",
        r"\bremoved\s+(?:since|from|in)\s+(?:the|this|its)\s+(?:prior|previous|last|earlier|"
        r"latest|current|present|new)?\s*(?:edition|version|update|revision|list)\b",
        negatable=False,
        anchors=("removed",),
    ),
    _cue(
        "compliant",
        r"\bno\s+longer\s+(?:be\s+)?(?:designated|considered|listed|deemed|identified|labell?ed|"
        r"on\s+the\s+list|(?:meets?|satisf(?:y|ies)|qualif(?:y|ies)\s+(?:for|under))\s+(?:the\s+|its\s+)?"
        r"(?:\w+\s+)?(?:criteria|standards?|definition|requirements?)\s+for\s+(?:inclusion|listing))",
        negatable=False,
        anchors=("no longer",),
    ),
    _cue(
        "compliant",
        r"\b(?:drop\w*|strikes?|struck|delist\w*|took|takes|taking|"
        r"remov\w*)\b[^;]{0,120}?\bfrom\s+(?:the|its|this|a)?\s*(?:[\w“”\"'’-]+\s+){0,3}?list\b|"
        r"\bdelisted\b",
        anchors=("list",),
    ),
    _cue(
        "compliant",
        r"\b(?:taken|dropped|struck|came|comes|come|coming|taking|falls?|fell)\s+off\s+(?:(?:the|its|"
        r"this|that|a)\s+)?(?:(?:[\w’'-]+\s+){0,3}?list|it\b)",
        anchors=("list", " off "),
    ),
    # -- under_review: a demand for proof or documents, a review opened --------------------
    _cue(
        "under_review",
        r"\b(?:ask\w*|request\w*|requir\w*|demand\w*|direct\w*|order\w*|"
        r"call\w*\s+on)\b[^;]{0,80}?\bto\s+(?:provide|submit|produce|supply|furnish|turn\s+over|hand\s+over|send|"
        r"show|prove|certify|document|demonstrate|explain|verify)\b[^;]{0,90}?\b(?:complian\w*|"
        r"compl(?:y|ies|ied)|follow(?:s|ed)?\s+(?:federal\s+law|the\s+law|section\s+1373)|"
        r"documentation|documents|records|information|evidence|proof|data|"
        r"certification|opinion|copies|polic(?:y|ies)|directives?|guidance|memorand\w+|"
        r"communications|training\s+materials)",
        anchors=("ask", "request", "requir", "demand", "direct", "order", "call"),
    ),
    # A letter's own request: "please produce copies of all written directives".
    _cue(
        "under_review",
        r"\bplease\s+(?:provide|submit|produce|send|turn\s+over)\s+(?:[\w’'-]+\s+){0,4}?"
        r"(?:copies|records|documents|documentation|information|data|polic(?:y|ies)|directives|"
        r"guidance|proof|evidence|certification)\b",
        anchors=("please",),
    ),
    # The subjunctive form of the same demand: "requesting that the County produce its
    # detainer policies", "asked that Denver provide records"; the object must be documents,
    # since "demanded that Boston send a plan for changing its policies" asks for a change.
    _cue(
        "under_review",
        r"\b(?:ask|request|requir|demand|direct|order)\w*\s+that\s+(?:[\w’'.-]+\s+){1,4}?"
        r"(?:provide|submit|produce|turn\s+over|hand\s+over)\s+(?:[\w’'-]+\s+){0,4}?"
        r"(?:copies|records|documents|documentation|information|data|polic(?:y|ies)|proof|"
        r"evidence)\b",
        anchors=("that",),
    ),
    # "demanding that we certify, by Sept. 15, that our police follow Section 1373"
    _cue(
        "under_review",
        r"\b(?:ask|request|requir|demand|direct|order)\w*\s+that\s+(?:[\w’'.-]+\s+){1,4}?"
        r"(?:certify|demonstrate|prove|show|document)\b[^;]{0,40}?\b(?:that|complian\w*|"
        r"compl(?:y|ies|ied))\b",
        anchors=("that",),
    ),
    # "asked the county to explain why ..., and to provide copies of its written policies"
    _cue(
        "under_review",
        r"\b(?:ask|request|requir|demand|direct|order)\w*\b[^;]*?\band\s+to\s+(?:provide|submit|"
        r"produce|turn\s+over|hand\s+over|send)\s+(?:\w+\s+){0,3}?(?:copies|records|documents|"
        r"documentation|information|data|polic(?:y|ies))\b",
        anchors=("and to ",),
    ),
    _cue(
        "under_review",
        r"\b(?:ask\w*|request\w*|demand\w*|seek\w*)\s+(?:for|of)\s+(?:\w+\s+){0,2}?(?:information|"
        r"documents|documentation|records|proof|evidence|data)\b",
        anchors=("ask", "request", "demand", "seek"),
    ),
    _cue(
        "under_review",
        r"\b(?:requir\w*|demand\w*|seek\w*|request\w*)\s+(?:proof|documentation|evidence|"
        r"certification)\s+of\s+(?:\w+\s+)?complian\w*",
        anchors=("complian",),
    ),
    _cue(
        "under_review",
        r"\b(?:demand\w*|request\w*|seek\w*|sought)\s+(?:any|all|the|that|copies\s+of)?\s*"
        r"(?:\w+\s+)?(?:orders|directives|guidance|records|documents?|documentation|information|"
        r"data|communications)\b",
        anchors=("demand", "request", "seek", "sought"),
    ),
    _cue(
        "under_review",
        r"\b(?:turn|hand)\s+over\s+(?:\w+\s+){0,2}(?:records|documents|information|data)\b",
        anchors=(" over",),
    ),
    _cue(
        "under_review",
        r"\b(?:open\w*|launch\w*|begin|began|begun|start\w*|initiat\w*)\s+(?:a\s+|"
        r"an\s+)?(?:\w+\s+)?(?:review|investigation|inquiry|probe|audit)\b",
        anchors=("review", "investigation", "inquiry", "probe", "audit"),
    ),
    _cue(
        "under_review",
        r"\b(?:had|has|have|expressed|raised|voiced)\s+(?:\w+\s+)?concerns?\s+(?:about|over|"
        r"regarding|with)\b|\bremains?\s+concerned\b",
        anchors=("concern",),
    ),
    _cue(
        "under_review",
        r"(?<!be\s)\bsubpoenaed\b|\bsubpoenas?\s+(?:for|seeking|demanding)\b|\b(?:issued|issues|"
        r"served|received|sent)\s+(?:\w+\s+){0,2}?subpoenas?\b",
        anchors=("subpoena",),
    ),
    _cue(
        "under_review",
        r"\b(?:until|by|before|no\s+later\s+than)\s+[^;]{0,30}?\bto\s+(?:show|prove|demonstrate|"
        r"certify|document|(?:provide|submit|send)\s+(?:\w+\s+){0,2}?(?:evidence|proof|documentation))",
        anchors=(
            "to show",
            "to prove",
            "to demonstrate",
            "to certify",
            "to document",
            "evidence",
            "proof",
            "documentation",
        ),
        name=ANSWER_RULE,
    ),
    _cue("under_review", r"\bunder\s+(?:federal\s+)?review\b", anchors=("under",)),
    _cue(
        "under_review",
        # "Following a review of its practices, the Department determined ...": a review done.
        r"(?<!following\sa\s)(?<!following\sits\s)(?<!after\sa\s)(?<!after\sits\s)"
        r"\b(?:review|examination|investigation|audit)\s+of\s+(?:\w+['’]?s?\s+){0,3}?(?:complian\w*|"
        r"polic(?:y|ies)|ordinances?|laws|practices)\b|\b(?:is|are|was|were|been)\s+(?:also\s+|now\s+)?"
        r"(?:reviewing|examining|investigating|scrutinizing)\s+(?:\w+\s+){0,4}?(?:polic(?:y|ies)|"
        r"ordinances?|laws?|practices|complian\w*)\b",
        anchors=("review", "examin", "investigat", "audit", "scrutiniz"),
    ),
    # -- non_compliant: laws that violate, conflict with, are preempted by federal law -----
    _cue(
        "non_compliant",
        r"\b(?:violat\w+|break\w*|broke|breach\w*|run\w*\s+afoul\s+of|r[au]n\s+afoul\s+of|"
        r"conflict\w*\s+with|contraven\w+|flout\w*)\s+(?:\w+\s+){0,3}?" + LAW,
        anchors=("violat", "break", "broke", "breach", "afoul", "conflict", "contraven", "flout"),
    ),
    _cue("non_compliant", r"\bout\s+of\s+compliance\b", anchors=("out of compliance",)),
    _cue(
        "non_compliant",
        r"\b(?:is|are|was|were|remains?)\s+not\s+(?:in\s+)?(?:full\s+)?complian(?:t|ce)\b",
        negatable=False,
        anchors=("complian",),
    ),
    _cue(
        "non_compliant",
        r"\b(?:(?:are|is|be|were|was|as)\s+|declare\w*\s+(?:\w+\s+){0,4}?)(?:therefore\s+|thus\s+|"
        r"also\s+|clearly\s+)?pre-?empted\b",
        anchors=("empted",),
    ),
    _cue(
        "non_compliant",
        r"\b(?:invalid|void|unenforceable|unconstitutional)\s+under\s+the\s+Supremacy\s+Clause",
        anchors=("supremacy",),
    ),
    _cue(
        "non_compliant",
        POLICY_NOUN + r"\b[^;]{0,60}?\b(?:are|is|were|was|be)\s+(?:\w+\s+)?"
        r"(?:illegal|unlawful)\b",
        anchors=("illegal", "unlawful"),
    ),
    _cue(
        "non_compliant",
        r"\b(?:illegally|unlawfully)\s+(?:\w+\s+)?(?:obstruct|restrict|interfer|block|bar|prevent|"
        r"shield|imped|harbor|refus|limit|prohibit|discriminat)\w*",
        anchors=("illegally", "unlawfully"),
    ),
    # -- warned: a last chance, a warning of consequences, a deadline that carries one -----
    _cue(
        "warned",
        r"\b(?:last|final)[\s-]+(?:chance|opportunity|warning|notice)\b",
        anchors=("last", "final"),
    ),
    _cue(
        "warned",
        r"\bwarn\w*\b[^;]{0,100}?\b(?:would|will|could|might|may)\s+(?:\w+\s+){0,2}?(?:sue|"
        r"be\s+sued|face|lose|be\s+subpoenaed|cut|withhold|pull|strip|take\s+legal\s+action|"
        r"(?:pursue|bring|file|seek|take)\s+(?:\w+\s+){0,2}?(?:litigation|lawsuits?|suits?|"
        r"legal\s+action|enforcement\s+actions?)|"
        r"prosecute|be\s+prosecuted|be\s+barred)\b",
        anchors=("warn",),
    ),
    _cue(
        "warned",
        r"\bwarn\w*\s+(?:\w+\s+){0,3}?of\s+(?:a\s+|possible\s+|legal\s+)?(?:litigation|lawsuits?|"
        r"legal\s+action|consequences|funding\s+cuts|subpoenas?)",
        anchors=("warn",),
    ),
    _cue(
        "warned",
        r"\bthreat\w*\s+to\s+(?:sue|cut|withhold|pull|strip|subpoena|deny|take\s+legal)",
        anchors=("threat",),
    ),
    _cue(
        "warned",
        r"\b(?:would|will|plans?\s+to|intends?\s+to)\s+(?:\w+\s+)?(?:withhold|cut\s+off|terminate|"
        r"suspend|deny|strip|pull|claw\s+back)\b(?=[^;]{0,80}?\b(?:grants?|fund\w*|money|awards?)\b)",
        anchors=("withhold", "cut off", "terminate", "suspend", "deny", "strip", "pull", "claw"),
    ),
    _cue("warned", r"\b(?:would|will)\s+sue\b[^;]{0,60}?\b(?:if|unless)\b", anchors=("sue",)),
    # -- funding_cut: grants withheld, denied, suspended, terminated -----------------------
    _cue(
        "funding_cut",
        r"\b(?:withh[oe]ld\w*|held\s+back|holding\s+back|cut\s+off|terminat\w+|suspend\w+|"
        r"den(?:ied|ies|ying)|revok\w+|claw\w*\s+back|clawed\s+back|froze|frozen|freez\w+|"
        r"pull(?:s|ed|ing)|strip(?:s|ped|ping)|cancel\w*|(?:refus\w+|declin\w+)\s+to\s+(?:release|"
        r"disburse|pay|award))\b(?=[^;]{0,100}?\b(?:grants?|fund\w*|money|awards?|dollars|"
        r"payments?)\b|[^;]{0,3}\$)",
        anchors=(
            "withh",
            "held back",
            "holding back",
            "cut off",
            "terminat",
            "suspend",
            "deni",
            "deny",
            "revok",
            "claw",
            "froze",
            "frozen",
            "freez",
            "pull",
            "strip",
            "cancel",
            "refus",
            "declin",
        ),
    ),
    _cue(
        "funding_cut",
        # "Awards to Providence, Rhode Island, and Burlington, Vermont, are being withheld"
        r"\b(?:grants?|fund\w*|money|awards?)\s+(?:(?!(?:would|could|may|might|will|can|should)\b)"
        r"[\w’'.-]+,?\s+){0,10}?(?:withh[oe]ld|held\s+back|"
        r"cut\s+off|terminated|suspended|denied|revoked|frozen)\b",
        anchors=(
            "withh",
            "held back",
            "cut off",
            "terminated",
            "suspended",
            "denied",
            "revoked",
            "frozen",
        ),
    ),
    # -- listed: on a federal list of sanctuary jurisdictions, or called one officially ----
    _cue(
        "listed", r"\blists?\s+of\s+(?:[\w“”\"'’-]+\s+){0,4}?" + SANCTUARY_THING, anchors=("list",)
    ),
    _cue(
        "listed",
        r"\bsanctuary\s+(?:jurisdictions?|cit(?:y|ies)|states?)\s+list\b",
        anchors=("list",),
    ),
    _cue(
        "listed",
        r"\b(?:identified|designated|named|labell?ed|branded|deemed|declared|classified)\s+"
        r"(?:as\s+)?(?:an?\s+)?" + SANCTUARY_THING,
        anchors=("sanctuary",),
        voiced=True,
    ),
    # "had listed all three as sanctuary jurisdictions", "named Louisville ... as a sanctuary
    # jurisdiction": the object between the verb and "as".
    _cue(
        "listed",
        r"\b(?:listed|identified|designated|named|labell?ed|branded|classified)\b[^;]{0,80}?\bas\s+"
        r"(?:an?\s+|one\s+of\s+the\s+)?" + SANCTUARY_THING,
        anchors=("sanctuary",),
        voiced=True,
    ),
    _cue(
        "listed",
        r"\b(?:call\w*|label\w*|brand\w*|dubb\w*)\b[^;]{0,40}?\ban?\s+[“‘\"']?sanctuary\s+(?:city|"
        r"jurisdiction|state|county)\b",
        anchors=("sanctuary",),
        voiced=True,
    ),
    _cue(
        "listed",
        r"\b(?:call\w*|label\w*|brand\w*|dubb\w*)\b[^;]{0,40}?\bthe\s+[“‘\"']?(?:\w+\s+)?sanctuary\s+"
        r"(?:capital|haven)\b",
        anchors=("sanctuary",),
        voiced=True,
    ),
    # "Newark is a sanctuary city", "the plaintiffs ... are sanctuary jurisdictions", as a
    # federal official says it.
    _cue(
        "listed",
        r"\b(?:is|are|was|were|remains?)\s+(?:now\s+|still\s+|already\s+)?(?:an?\s+)?[“\"'‘]?"
        r"sanctuary\s+(?:jurisdictions?|"
        r"cit(?:y|ies)|states?|count(?:y|ies))\b",
        anchors=("sanctuary",),
        voiced=True,
    ),
    # "Denver has chosen to be a sanctuary city", "Maine became a sanctuary state", as a
    # federal official says it.
    _cue(
        "listed",
        r"\b(?:(?:chose|chosen|choos\w*|decided|opted|elected)\s+to\s+(?:be|become|remain)|"
        r"became|become|becoming|turned\s+into)\s+(?:an?\s+)?[“\"'‘]?sanctuary[”\"'’]?\s+"
        r"(?:jurisdictions?|cit(?:y|ies)|states?|count(?:y|ies))\b",
        anchors=("sanctuary",),
        voiced=True,
    ),
    # An appositive: "In Philadelphia, a sanctuary city, jail officials released ...".
    _cue(
        "listed",
        r"(?<=[A-Za-z.]),\s+(?:an?|another|one)\s+(?:\w+\s+)?[“\"'‘]?sanctuary[”\"'’]?\s+(?:jurisdiction|"
        r"city|county|state)\s*,",
        anchors=("sanctuary",),
        voiced=True,
    ),
    _cue(
        "listed",
        r"\b(?:among|one\s+of)\s+the\s+(?:worst|most\s+\w+|biggest|largest)\s+sanctuary\b",
        anchors=("among", "one of"),
        voiced=True,
    ),
    _cue(
        "listed",
        r"\bsanctuary\s+(?:jurisdictions|cities|states)\s+(?:like|such\s+as)\b",
        anchors=("sanctuary",),
        voiced=True,
    ),
    # -- contests: the place's own position -------------------------------------------------
    _cue(
        "contests",
        r"(?<!\bto\s)\b(?:complies|comply|complied|"
        # "is in compliance", "We're in full compliance"
        r"(?:(?<=\w['’])re|is|are|was|were)\s+in\s+(?:full\s+|complete\s+|total\s+)?compliance|"
        r"follows|follow|followed|obeys|obey|abides\s+by|"
        r"abide\s+by)\b"
        # "follows Indiana law", "complies with state law": not the federal law in question.
        r"(?!\s+(?:with\s+)?(?:the\s+)?(?:state|local|new|(?-i:(?!Federal)[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?))"
        r"(?:['’]s)?\s+laws?\b(?!\s+(?:and|or)\s+(?:federal|all|immigration)))[^;]{0,30}?\b(?:with\s+)?(?:all\s+)?(?:every\s+)?"
        + r"(?:"
        + LAW
        + r"|the\s+law|federal,\s+state\s+and\s+local"
        r"\s+law|all\s+(?:applicable\s+)?(?:federal|applicable)\s+(?:immigration\s+)?laws?|law\b)",
        binding="stance",
        anchors=("compl", "follow", "obey", "abide"),
    ),
    _cue(
        "contests",
        r"\b(?:is|are|was|has\s+never\s+been)\s+not\s+an?\s+[“\"']?sanctuary\s+(?:jurisdiction|"
        r"city|state|county)",
        binding="dispute",
        negatable=False,
        anchors=("not a",),
    ),
    _cue(
        "contests",
        r"\b(?:by\s+mistake|in\s+error|an\s+error|a\s+mistake|wrongly|erroneous\w*|"
        r"simply\s+mistaken|baseless|meritless|without\s+merit|political\s+stunt|"
        r"political\s+theater|got\s+it\s+wrong|gets\s+it\s+wrong|wrong\s+on\s+the\s+facts|"
        r"(?:flatly|simply|plainly|dead|just)\s+wrong)\b",
        binding="contests",
        negatable=False,
        anchors=(
            "mistake",
            "error",
            "wrong",
            "erroneous",
            "baseless",
            "merit",
            "political",
        ),
    ),
    _cue(
        "contests",
        r"\b(?:dispute\w*|contest\w*|reject\w*|den(?:y|ies|ied))\b[^;]{0,60}?\b(?:conclusions?|"
        r"findings?|designation|label|listing|inclusion|characterization|allegations?|claims?|"
        r"determination|assessment|requirement)",
        binding="contests",
        negatable=False,
        anchors=("disput", "contest", "reject", "deny", "denie"),
    ),
    _cue(
        "contests",
        r"\b(?:will|would|shall)\s+not\s+(?:\w+\s+)?(?:back\s+down|bend|yield|budge|cave|"
        r"be\s+(?:blackmailed|bullied|intimidated|coerced)|change\s+(?:our|its|their|course|"
        r"policy|how|the\s+way)|(?:rescind|repeal|withdraw|abandon|suspend)(?:\s+or\s+(?:rescind|"
        r"repeal|withdraw|abandon|suspend))?\s+(?:it|them|our|its|their|the)\b|(?:comply|cooperate)\s+with\s+(?:unlawful|unconstitutional|illegal))|\b(?:won't|wo\s*n't)\s+(?:back\s+down|bend|yield|budge|cave)|"
        r"\bnot\s+backing\s+down\b|\bis\s+not\s+changing\b|\bnot\s+going\s+to\s+change\b|"
        # "We are not changing our policy", "We're not revisiting it", "it is not going
        # anywhere": the place keeps what the federal government objects to.
        r"(?:\b(?:are|am|is)|['’]re)\s+not\s+(?:changing|revisiting|rescinding|repealing|"
        r"reversing|abandoning)\s+(?:it|them|our|its|their|the|this|that|anything|a\s+thing)\b|"
        r"\b(?:is|are)\s+not\s+going\s+anywhere\b|"
        r"\brefus(?:e|es|ed|ing)\s+to\s+(?:change|comply|cooperate|alter|end|abandon|drop|accept|"
        r"back\s+down|rescind)",
        binding="contests",
        negatable=False,
        anchors=("not", "won", "refus"),
    ),
    _cue(
        "contests",
        r"\b(?:consistent|in\s+line|in\s+keeping)\s+with\s+(?:federal|the|all)\s+"
        r"(?:immigration\s+)?laws?\b",
        binding="stance",
        anchors=("consistent", "in line", "in keeping"),
    ),
    _cue(
        "contests",
        r"\b(?:is|are|remains?|was|has\s+always\s+been)\s+(?:legally\s+sound|lawful|legal)\b|"
        r"\b(?:has|have)\s+acted\s+(?:lawfully|legally)\b",
        binding="contests",
        anchors=("lawful", "legal"),
    ),
    _cue(
        "contests",
        r"\b(?:will|would|to|keep|continue\s+to)\s+(?:vigorously\s+|keep\s+|"
        r"continue\s+to\s+)?defend\w*\s+(?:our|its|their|the|his|her|these)?\s*(?:state's\s+|"
        r"city's\s+|county's\s+)?(?:laws?|ordinances?|polic(?:y|ies))\b",
        binding="contests",
        anchors=("defend",),
    ),
    _cue(
        "contests",
        r"\bfight\s+(?:hard\s+)?(?:to\s+protect|back|this|the\s+(?:lawsuit|suit)|in\s+court)",
        binding="contests",
        anchors=("fight",),
    ),
    _cue(
        "contests",
        r"\b(?:challenge|contest|fight|appeal)\w*\s+(?:it|them|the\s+\w+|this\s+\w+|that\s+\w+)\s+"
        r"in\s+court\b|\bcall\w*\s+(?:the|this|that|its|their)\s+(?:\w+\s+){0,2}?(?:unlawful|"
        r"illegal|unconstitutional|baseless|wrong)\b",
        binding="contests",
        anchors=("court", "unlawful", "illegal", "unconstitutional", "baseless", "wrong"),
    ),
    _cue(
        "contests",
        r"\b(?:will|would|to)\s+keep\s+(?:its|their|our|the)\s+(?:\w+\s+){0,2}?(?:ordinances?|"
        r"polic(?:y|ies)|laws?|order|directive)(?:\s+in\s+place)?\b",
        binding="contests",
        anchors=("keep",),
    ),
    # "the city's General Order would stay in place", "Our executive order stays in place",
    # "the resolution would stay on the books": the place's own measure, kept.
    _cue(
        "contests",
        r"\b(?:ordinances?|polic(?:y|ies)|laws?|order|resolution|directive|statute|act)\s+"
        r"(?:\w+\s+){0,2}?(?:stays?|remains?|(?:will|would)\s+(?:stay|remain))\s+"
        r"(?:in\s+place|on\s+the\s+books|in\s+(?:full\s+)?(?:force|effect))\b",
        binding="contests",
        anchors=(" in place", "on the books", " in force", " in effect", " in full"),
    ),
    # "was written to comply with federal law, and it does": the place says it complies.
    _cue(
        "contests",
        r"\bto\s+comply\s+with\s+(?:federal|the|all)\s+(?:\w+\s+)?laws?,?\s+and\s+"
        r"(?:it|they|we)\s+do(?:es)?\b",
        binding="contests",
        anchors=("to comply",),
    ),
    # The place went to court against the federal government: its officials' position too.
    _cue(
        "contests",
        r"\b(?:lawsuits?|suits?|cases?|challenges?|injunction|litigation)\s+(?:\w+\s+){0,2}?(?:brought|filed|"
        r"sought)\s+by\b|\bchallenged\s+(?:\w+\s+){0,2}?(?:in\s+court\s+)?by\b|"
        r"\bplaintiffs\b[^;]{0,30}?\b(?:including|include|included|are|were|led\s+by)\b|"
        r"\bbrought\s+(?:this|the|a|its|their)\s+(?:lawsuit|suit|case|challenge)\b",
        binding="plaintiffs",
        negatable=False,
        anchors=("brought", "filed", "sought", "challenged", "plaintiffs"),
    ),
    _cue(
        "contests",
        r"\bjoin(?:ed|s|ing)?\s+(?:the|their|its|a|this|that)\s+(?:\w+\s+)?(?:lawsuit|suit|"
        r"challenge)\b",
        binding="plaintiffs",
        anchors=("join",),
    ),
    _cue(
        "contests",
        r"\b(?:victory|win)\s+for\b|\b(?:beat|beaten|defeated)\s+the\s+(?:administration|"
        r"department|federal\s+government)",
        binding="contests",
        anchors=("victory", "win ", "beat", "defeated"),
    ),
    _cue(
        "contests",
        r"\b(?:baffled|surprised|outraged|dismayed|shocked)\s+(?:to\s+be|at\s+being|by\s+(?:its|"
        r"their|the)\s+(?:inclusion|designation))\b|\bhad\s+no\s+sanctuary\s+polic|"
        r"\bhas\s+no\s+sanctuary\s+polic|"
        r"\bshould\s+not\s+be\s+(?:there|on\s+(?:the|this|that|any)\s+list)",
        binding="dispute",
        negatable=False,
        anchors=(
            "baffled",
            "surprised",
            "outraged",
            "dismayed",
            "shocked",
            "sanctuary polic",
            "should not be",
        ),
    ),
    # A place that declared itself "non-sanctuary" contests a listing the clause reports
    # ("..., which declared itself a non-sanctuary city, was on the list too"), not by itself.
    _cue(
        "contests",
        r"\bdeclared\s+itself\s+an?\s+[“\"']?non-sanctuary",
        binding="dispute",
        negatable=False,
        anchors=("non-sanctuary",),
        name=SELF_DECLARED,
    ),
)

# Lawsuits: the federal government sued the places named after these words.
SUED_TRIGGER = re.compile(
    r"\b(?:sued|sues|suing|sue)\b|\b(?:lawsuits?|suits?|complaints?|cases?|actions?|"
    r"litigation)\b[^;]{0,100}?\b(?:against|over)\b|\b(?:against|over)\b(?=\s)|"
    r"\bnames?\s+as\s+defendants\b|\b(?:named|listed)\s+as\s+defendants\s+(?:are|were)\b|"
    # "took Los Angeles to court", "a complaint filed in June names Los Angeles"
    r"\b(?:took|take|takes|taken|taking|haul\w*|drag\w*)\b(?=[^;.]{0,60}?\b(?:to|into)\s+court\b)|"
    r"\bcomplaints?\b(?:\s+\w+){0,4}?\s+names\b|"
    # "a lawsuit in federal court naming Jersey City as a defendant"
    r"\bnam(?:ing|ed|es)\b(?=\s+(?:the\s+)?(?-i:[A-Z])[^;.]{0,60}?\bas\s+(?:a\s+|the\s+)?"
    r"(?:co-?)?defendants?\b)|"
    # "filed suits challenging sanctuary laws in Illinois, Chicago and Cook County"
    r"\b(?:lawsuits?|suits?|complaints?|actions?)\s+challenging\s+(?:[\w’'-]+\s+){0,3}?"
    + POLICY_NOUN
    + r"\s+(?:in|of)\b",
    FLAGS,
)
LAWSUIT_WORD = re.compile(r"\b(?:su(?:ed|es|ing|e)|lawsuits?|suit|complaint|litigation)\b", FLAGS)
SUED_BLOCKED = re.compile(
    r"\b(?:would|will|could|might|may|shall|threat\w*\s+to|plans?\s+to|vow\w*\s+to|intends?\s+to|"
    # "promises legal action against them": an announced intention, no suit yet
    r"promis\w*|pledg\w*|threaten\w*|vow\w*|"
    r"if|unless|to|whether|consider\w*)\s+(?:\w+\s+)?$",
    FLAGS,
)
# A deadline, and what makes it a warning: a stated consequence or a demanded change.
DEADLINE = re.compile(
    r"\b(?:by|until|before|no\s+later\s+than)\s+(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|"
    r"Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}\b|a\s+deadline|the\s+deadline|the\s+end\s+of|"
    # "gave 23 cities until Friday to turn over records": a weekday as the deadline
    r"(?-i:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)\b(?=\s+to\b|[^.;]{0,40}?\b(?:or|and\s+said|"
    r"and\s+warned)\b))|\bdeadline\b|"
    r"\bwithin\s+(?:\d+|\w+)\s+(?:days|weeks)\b|\b(?:\d+|\w+)\s+days\s+to\b",
    FLAGS,
)
CONSEQUENCE = re.compile(
    r"\b(?:final\s+(?:decision|determination)|subpoena\w*|could\s+(?:cost|affect|lose|"
    r"jeopardi[sz]e|result)|will\s+face|risk\w*\s+(?:losing|the\s+loss)|"
    r"lose\s+(?:\w+\s+)?(?:funding|grants?|money)|be\s+barred|legal\s+action|sue\b|lawsuit|"
    r"consequences?|cut\s+off|withh[oe]ld|or\s+(?:face|lose|risk)|(?:available|legal)\s+remedies|"
    r"(?:suspend|terminat|cancel|revok|claw\w*\s+back)\w*\s+(?:\w+\s+){0,3}?(?:grants?|funds?|funding|awards?)|"
    r"\b(?:deny|denial\s+of)\s+(?:[\w’'-]+\s+){0,6}?(?:grants?|funds?|funding|awards?)\b|"
    r"ineligib\w*|disqualif\w*|(?:seek|demand)\s+(?:the\s+)?(?:return|repayment)\s+of)",
    FLAGS,
)
# A sentence after a deadline that states what happens if it is missed.
CONSEQUENCE_IF_MISSED = re.compile(
    r"\b(?:fail(?:s|ed)?\s+to|failure\s+to|does\s+not|do\s+not|did\s+not|refuses?\s+to|"
    r"otherwise|if\s+(?:it|they)|"
    r"unless|absent|without\s+(?:a|an|such)\s+(?:\w+\s+)?(?:response|reply))\b",
    FLAGS,
)
POLICY_CHANGE = re.compile(
    r"\b(?:plan\s+for|change|changes|changing|end|drop|rescind|repeal|revise|"
    r"bring\s+(?:\w+\s+)?(?:polic(?:y|ies)|laws?|ordinances?|practices)\s+into|"
    r"come\s+into\s+compliance|compliance\s+plan)\b",
    FLAGS,
)
# Words before a match (in its clause) that cancel it, or make it a question or hypothesis.
NEGATION = re.compile(
    r"\b(?:not|no|never|neither|nor|without|cannot|can't|didn't|doesn't|don't|isn't|wasn't|aren't|"
    r"weren't|hasn't|haven't|whether|if)\b[^.;]{0,50}$",
    FLAGS,
)
# A negation does not reach past these: "will not back down after the department threatened".
NEGATION_SCOPE = re.compile(
    r".*(?:\b(?:after|before|because|but|and|that|which|when|while|since|although|as)\b|,)",
    FLAGS | re.DOTALL,
)


# A relative clause on a negated head: "pointed to nothing else in which it called X ...".
NEGATED_HEAD = re.compile(
    r"\b(?:nothing|none|nowhere|no\s+(?:other\s+)?(?:document|statement|record|letter|filing|"
    r"release)s?)\s+(?:else\s+)?(?:in\s+which|where|that|which)\s+[^.;,]{0,40}$|"
    # "found no evidence that the city's laws or practices conflict with": what is not shown.
    r"\b(?:no|not\s+(?:any|find|found|see|seen)|n't\s+(?:find|see))\s+(?:any\s+)?(?:evidence|"
    r"indication|sign|proof|basis)\s+(?:that|of)\s+[^.;]{0,80}$|"
    # "has not received any letter, request for records or other communication": a list of
    # what never came.
    r"\b(?:not|never)\s+(?:yet\s+)?(?:received|gotten|got|been\s+(?:sent|served|given))\s+"
    r"(?:any|a|an)\b[^.;]{0,80}$",
    FLAGS,
)


def negated(before: str) -> bool:
    """Whether the words just before a cue, in its part of the clause, negate it."""
    if NEGATED_HEAD.search(before):
        return True
    scope = NEGATION_SCOPE.match(before)
    tail = before[scope.end() :] if scope else before
    if not NEGATION.search(tail):
        return False
    return not NEGATION_EXCUSED.search(before)


NEGATION_EXCUSED = re.compile(r"\b(?:keep|continue\s+to|continues\s+to)\s+\w+$", FLAGS)
FUTURE_OR_THREAT = re.compile(
    r"\b(?:would|will|could|might|may|should|threat\w*\s+to|to|if|risk\w*|"
    r"try\s+to)\s+(?:be\s+)?(?:\w+\s+)?$|"
    # A condition just before the verb: "if the facts bear it out, cut off their grants".
    r"\b(?:if|unless)\s+[^.;,]{0,60},\s+(?:\w+\s+)?$|"
    # Remedies the department weighs: "will consider all available remedies, including ... the
    # withholding of grant funds", "options that include cutting off grants" are threats.
    r"\b(?:(?:will|would|may|could|might)\s+(?:\w+\s+)?(?:consider|weigh|explore|pursue)|"
    r"remed(?:y|ies)|options?|steps?|measures?)\b[^.;]{0,80}?\b(?:includ\w*|such\s+as)\b"
    r"[^.;]{0,60}$",
    FLAGS,
)
# The Inspector General's report flags; it is not the Department's finding.
INSPECTOR_GENERAL = re.compile(r"\binspector\s+general\b", FLAGS)
# Who may speak a federal designation ("the attorney general said", "President Trump called").
# Each lookahead below holds the first letter of every alternative (case-blind, as they are):
# a position that starts none is passed over at once, not tried against each; the matches are
# the same, about a third to a half faster on pages' text.
FEDERAL_SPEAKER_WORDS = re.compile(
    r"(?=[jdtfahsbpwoi])"
    r"(?:\b(?:justice\s+department|department\s+of\s+justice|doj|the\s+department|federal\s+government|"
    r"(?:trump\s+)?administration|homeland\s+security|dhs|(?<!state\s)attorney\s+general|sessions|"
    r"barr|bondi|president|trump|white\s+house|federal\s+officials?|justice\s+officials?)\b|"
    # An ICE official as the one speaking, not ICE as the one people are handed to.
    r"\b(?:director|official|officer|spokes\w+|head)s?\s+(?:\w+\s+){0,2}?(?:of|at|for|with)\s+"
    r"(?:U\.S\.\s+)?(?:Immigration\s+and\s+Customs\s+Enforcement|(?-i:ICE))\b|"
    r"\b(?-i:ICE)\s+(?:\w+\s+){0,3}?(?:director|officials?|spokes\w+)\b|"
    # ICE as the subject of a designation verb: "ICE calls Worcester a 'sanctuary city'".
    r"\b(?:(?-i:ICE)|Immigration\s+and\s+Customs\s+Enforcement)\s+(?:calls|called|labels|"
    r"label(?:l)?ed|brands|branded|dubs|dubbed|says|said|names|named)\b)",
    FLAGS,
)
# Who acts in a clause.
FEDERAL_ACTOR = re.compile(
    r"(?=[jdasbthiufwlc])"  # first letters, as above
    r"\b(?:justice\s+department|department\s+of\s+justice|doj|department|departments|"
    r"(?<!state\s)(?<!state's\s)attorney\s+general|sessions|bondi|barr|trump\s+administration|"
    r"the\s+administration|administration's|homeland\s+security|dhs|ice|united\s+states|"
    r"federal\s+government|feds|federal\s+officials?|white\s+house|justice\s+officials?|letters?|"
    r"complaint)\b",
    FLAGS,
)
# ... only as the one who acts: followed by what it did ("the judge ruled", "Gov. X said").
NON_FEDERAL_ACTOR = re.compile(
    r"(?:\bgov\.|\b(?:judge|court|justices|state\s+attorney\s+general|"
    r"state's\s+attorney\s+general|governor|mayor|council|aclu|association|advocates?|group|"
    r"coalition|county\s+executive|city\s+solicitor|city\s+attorney|sheriff|commissioner|"
    r"police\s+chief|"
    r"landry)\b)(?=[^.;]{0,60}?\b(?:said|says|warned|warns|ruled|rules|found|finds|held|holds|"
    r"blocked|barred|ordered|dismissed|threw\s+out|sued|sues|declared|threatened|wrote|argued|"
    r"called|maintained|insisted|granted|declined|struck|enjoined|cut|cuts|withheld|withholds|"
    r"suspended|terminated|revoked|stripped|has\s+(?:said|maintained|argued))\b)",
    FLAGS,
)
# Phrases before a compliance claim that make it the content of a demand, not a claim.
# The federal government as the one speaking or finding ("the department said", "according
# to the DOJ"), not as an object ("the department's findings").
FEDERAL_VOICE = re.compile(
    r"\b(?:justice\s+department|department\s+of\s+justice|doj|the\s+department|"
    r"federal\s+government|the\s+administration|homeland\s+security|dhs|"
    r"office\s+of\s+justice\s+programs|ojp|bureau\s+of\s+justice\s+assistance|bja|"
    r"(?<!state\s)attorney\s+general|united\s+states|the\s+complaint)\b(?!'s)[^;]{0,40}?\b(?:said|"
    r"says|found|finds|determined|concluded|wrote|announced|stated|told|notified|commended|"
    r"informed|cleared|contends?|alleges?|argues?|claims?|asserts?|accused|accuses|concluding|"
    r"finding|determining|closed\s+(?:its|the|a)\s+review)\b|\b(?:said|"
    r"according\s+to)\s+(?:the\s+)?(?:u\.s\.\s+)?(?:justice\s+department|department|doj|"
    r"attorney\s+general)\b|"
    # "A department spokesperson said", "a DHS spokeswoman confirmed"
    r"\b(?:department|doj|dhs|(?-i:ICE)|justice\s+department)\s+spokes\w+\s+(?:\w+\s+){0,2}?"
    r"(?:said|says|confirmed|stated|told)\b",
    FLAGS,
)
CLAIM_DEMANDED = re.compile(
    # "a written response that ...; and (c) confirms that the City will comply": the verbs in
    # any person, since a demand lists what the answer must do.
    r"\b(?:evidence|proof|shows?|proves?|demonstrates?|certif(?:y|ies)|certification|document|"
    r"whether|confirms?|verif(?:y|ies)|"
    r"to\s+ensure|agreed|asked|required|requires|must|until|to\s+force|unless|if|until|demand\w*|"
    r"urg\w+)\b[^.;]{0,70}$",
    FLAGS,
)

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
DATE_RE = re.compile(
    r"\b(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|"
    r"Dec)[a-z]*\.?(?:\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?)?(?:,?\s+(?P<year>(?:19|20)\d\d))?\b"
)
DATE_EXCLUDED_BEFORE = re.compile(
    r"\b(?:until|by|before|no\s+later\s+than|deadline\s+of)\s*$", FLAGS
)


def compile_extra_cues(extra: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> list[Cue]:
    """Cues from configuration: (status, regex) pairs, bound like the defaults of the status."""
    cues = []
    for status, pattern in extra:
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r} in an extra cue")
        binding = "contests" if status == "contests" else "clause"
        if status == "sued":
            binding = "object"
        cues.append(
            Cue(status, re.compile(pattern, FLAGS), binding, True, name=f"config:{pattern}")
        )
    return cues


def event_date(text: str, published: date | None) -> date | None:
    """The first date the text gives an event ("in April 2017", "on July 24"), not a deadline."""
    for match in DATE_RE.finditer(text):
        if match.group("month") == "May" and not (match.group("day") or match.group("year")):
            continue  # the verb "may"
        if DATE_EXCLUDED_BEFORE.search(text[: match.start()]):
            continue
        if not match.group(0)[:1].isupper():
            continue
        month = MONTHS[match.group("month").lower()[:3]]
        day = int(match.group("day") or 1)
        year = int(match.group("year")) if match.group("year") else None
        if year is None:
            if published is None:
                continue
            year = published.year
            if (month, day) > (published.month, published.day):
                year -= 1
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return None
