"""A deterministic site of press-release pages for the crawl benchmark, and a static server.

`write_site(root, count, changed_fraction, noise_round)` writes `root/pr/NNNN.html`, one
2-5 KB press release per page, in the shape of DOJ and city newsroom pages: a head with
scripts, a masthead with navigation, the release in `<main>`, a footer. Most releases are
about other business; about one in four names a jurisdiction with a status cue (sued,
warned, asked for documents, cleared), so status extraction does real work on them.

Every page carries two lines of noise inside `<main>`: a "Page generated ..." timestamp and
an "Advertisement: ..." line. Three knobs set the site's state:

- `changed_fraction`: that fraction of the pages (a seeded sample, the same for a given
  count) get a second body version, an update paragraph that moves a status;
- `noise_round`: every page's timestamp and advertisement change, nothing else does.

Only files whose bytes change are rewritten, and each file's mtime is derived from its
content version, so a static server's ETag and Last-Modified stay put for unchanged pages
(as a CMS's would) and move for changed ones, however fast the benchmark runs.

`python bench/pages.py serve ROOT --port P [--delay-ms D]` serves a folder with a threaded
Python server that answers conditional GETs (ETag / If-None-Match, Last-Modified /
If-Modified-Since) the way nginx does by default: 304 only when every validator sent
matches exactly. With --delay-ms it waits before every answer, a stand-in for the latency
of a real site.
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import http.server
import logging
import os
import random
import socket
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

log = logging.getLogger(__name__)

# The site's content versions start here; mtimes are this plus an offset per version.
EPOCH = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
SAMPLE_SEED = 8  # which pages change in the changed mode: the same sample for every run

# Lines a user would tell a watcher to ignore (regexes over text lines).
NOISE_IGNORE_PATTERNS = (r"^Page generated ", r"^Advertisement: ")
# The same noise as it sits in the HTML, for tools that compare markup (urlwatch's re.sub).
NOISE_HTML_PATTERNS = (r'<p class="page-stamp">[^<]*</p>', r'<p class="ad-line">[^<]*</p>')

PLACES = (
    ("City of Chicago", "Chicago, Illinois"),
    ("Cook County", "Cook County, Illinois"),
    ("City of Denver", "Denver, Colorado"),
    ("City of Boston", "Boston, Massachusetts"),
    ("King County", "King County, Washington"),
    ("City of Philadelphia", "Philadelphia, Pennsylvania"),
    ("City of Los Angeles", "Los Angeles, California"),
    ("City of Seattle", "Seattle, Washington"),
    ("Multnomah County", "Multnomah County, Oregon"),
    ("City of Rochester", "Rochester, New York"),
    ("Hennepin County", "Hennepin County, Minnesota"),
    ("City of Newark", "Newark, New Jersey"),
    ("Baltimore County", "Baltimore County, Maryland"),
    ("City of Albuquerque", "Albuquerque, New Mexico"),
    ("Clark County", "Clark County, Nevada"),
    ("City of Paterson", "Paterson, New Jersey"),
)
DISTRICTS = (
    "Northern District of Illinois", "District of Colorado", "District of Massachusetts",
    "Western District of Washington", "Eastern District of Pennsylvania",
    "Central District of California", "District of Oregon", "District of Minnesota",
    "District of New Jersey", "District of Maryland", "District of New Mexico",
    "District of Nevada", "Western District of New York", "Southern District of Texas",
)  # fmt: skip
OFFICIALS = (
    "Attorney General", "Deputy Attorney General", "Associate Attorney General",
    "Acting Assistant Attorney General", "United States Attorney",
)  # fmt: skip

# Status-bearing openings: what the Department did about a place.
STATUS_LEADS = (
    "The Department of Justice today filed a lawsuit against the {place}, alleging that its "
    "sanctuary policies obstruct the enforcement of federal immigration law and discriminate "
    "against federal officers.",
    "The {official} today sent a letter to the {place} warning that it may lose federal grant "
    "funding unless it ends policies that bar cooperation with immigration detainers.",
    "The Department of Justice today asked the {place} to provide documents showing that it "
    "complies with 8 U.S.C. 1373, the statute on sharing immigration status information.",
    "After reviewing the documents it submitted, the Department of Justice has found the "
    "{place} to be in compliance with 8 U.S.C. 1373 and has closed its review.",
)
# Other business, the bulk of a real press page: no status at all.
OTHER_LEADS = (
    "A man from {town} was sentenced today to {years} years in federal prison for a "
    "scheme that defrauded investors of more than ${amount} million.",
    "A federal grand jury in the {district} returned an indictment today charging {count} "
    "people with conspiracy to distribute controlled substances.",
    "The Department of Justice today announced a settlement of ${amount} million with a "
    "health care provider that billed federal programs for services it never delivered.",
    "Two residents of {town} pleaded guilty today to charges of wire fraud and aggravated "
    "identity theft arising from a benefits scheme.",
    "The {district} today announced grants totalling ${amount} million to support victim "
    "services and community violence intervention programs.",
)
FILLERS = (
    "According to court documents and statements made in court, the conduct took place over "
    "several years and involved accounts held at banks in three states.",
    "The investigation was conducted by federal agents working with state and local partners, "
    "who executed search warrants at a number of locations last spring.",
    "Sentencing is scheduled for later this year before a federal district judge, who will "
    "consider the sentencing guidelines and other statutory factors.",
    "An indictment is merely an allegation, and every defendant is presumed innocent unless "
    "and until proven guilty beyond a reasonable doubt in a court of law.",
    "The Department thanks the many agencies whose work made this result possible and "
    "encourages anyone with information about similar conduct to contact the tip line.",
    "The case is being prosecuted by Assistant United States Attorneys of the office's "
    "criminal division, with assistance from the Civil Rights Division.",
    "Members of the public can find additional information about the Department's programs "
    "and priorities on its website, along with the full text of today's filing.",
    "The office reminds residents that reports of fraud can be made online at any time and "
    "that reports are reviewed by trained staff within two business days.",
    "Court records show that the defendants moved the proceeds through a series of shell "
    "companies before withdrawing them in cash at branches across the region.",
    "The Department has made enforcement in this area a priority and has brought similar "
    "cases in several districts over the past year, with more under investigation.",
    "Victims who believe they may have been affected are encouraged to contact the victim "
    "witness coordinator, who can explain their rights under federal law.",
    "The plea agreement calls for the forfeiture of property bought with the proceeds, "
    "including two vehicles and a residence, and for full restitution to the victims.",
    "Local officials said the grants will fund outreach workers, training for staff and "
    "the evaluation of programs that have shown promise in reducing repeat offences.",
)
UPDATES = (
    "Update: The Department of Justice announced that the {place} has been removed from its "
    "list of sanctuary jurisdictions after it rescinded the policies at issue.",
    "Update: The Department of Justice filed suit against the {place} today over the same "
    "policies, after the deadline in its earlier letter passed without a reply.",
    "Update: The {place} responded that it will not change its policies and will defend them "
    "in court, calling the Department's demands unconstitutional.",
)
ADS = (
    "Advertisement: Subscribe to the newsroom digest and never miss a release.",
    "Advertisement: Careers at the Department: apply for a summer internship today.",
    "Advertisement: Report elder fraud to the national hotline, open seven days a week.",
    "Advertisement: Download the agency app for alerts in your area.",
)
TOWNS = ("Springfield", "Aurora", "Fairview", "Riverside", "Georgetown", "Salem", "Madison")

PAGE_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} | Office of Public Affairs</title>
<meta property="article:published_time" content="{published}">
<link rel="stylesheet" href="/static/site.css">
<script src="/static/analytics.js" async></script>
</head>
<body class="press-release">
<header class="masthead">
<a class="logo" href="/"><img src="/static/seal.svg" alt="Department seal"></a>
<nav aria-label="Main"><ul><li><a href="/news">News</a></li><li><a href="/about">About</a></li>\
<li><a href="/careers">Careers</a></li><li><a href="/contact">Contact</a></li></ul></nav>
</header>
<main id="content">
<article>
<div class="label">Press Release</div>
<h1>{title}</h1>
<p class="date">{date_text}</p>
<p class="page-stamp">Page generated {stamp}</p>
{paragraphs}
<p class="ad-line">{ad}</p>
<div class="related"><h2>Related</h2><ul>{related}</ul></div>
</article>
</main>
<footer class="site-footer"><p>Office of Public Affairs</p>
<ul><li><a href="/privacy">Privacy</a></li><li><a href="/foia">FOIA</a></li>\
<li><a href="/accessibility">Accessibility</a></li></ul></footer>
</body>
</html>
"""


def page_path(index: int) -> str:
    """The URL path of page `index` (also its file path under the site root)."""
    return f"pr/{index:04d}.html"


def changed_pages(count: int, fraction: float) -> frozenset[int]:
    """The pages whose body the changed mode edits: a fixed sample for this count."""
    size = round(count * fraction)
    return frozenset(random.Random(SAMPLE_SEED).sample(range(count), size))


def page_html(index: int, body_version: int = 0, noise_round: int = 0) -> str:
    """Press release `index`: the same text for the same versions, always."""
    rng = random.Random(index)
    day = EPOCH - timedelta(days=index % 900)
    place, place_long = rng.choice(PLACES)
    values = {
        "place": place,
        "official": rng.choice(OFFICIALS),
        "district": rng.choice(DISTRICTS),
        "town": rng.choice(TOWNS),
        "years": rng.randint(2, 20),
        "amount": rng.randint(2, 90),
        "count": rng.randint(3, 14),
    }
    about_status = index % 4 == 0
    lead = rng.choice(STATUS_LEADS if about_status else OTHER_LEADS).format(**values)
    if about_status:
        title = f"Justice Department Action Concerning the {place}"
    else:
        title = f"{values['district']}: Release {index:04d}"
    dateline = (place_long if about_status else values["district"]).split(",")[0].upper()
    paragraphs = [f"{dateline} – {lead}"]
    paragraphs += rng.sample(FILLERS, rng.randint(3, len(FILLERS)))
    if body_version:
        update = UPDATES[(index + body_version) % len(UPDATES)].format(place=place)
        paragraphs.insert(1, f"{update} (Revision {body_version}.)")
    related = "".join(
        f'<li><a href="/{page_path((index + step) % 10000)}">Release {(index + step) % 10000:04d}'
        "</a></li>"
        for step in (1, 2, 3)
    )
    stamp = EPOCH + timedelta(hours=noise_round, seconds=index)
    return PAGE_TEMPLATE.format(
        title=title,
        published=day.date().isoformat(),
        date_text=day.strftime("%B %-d, %Y"),
        stamp=stamp.strftime("%Y-%m-%d %H:%M:%S UTC"),
        paragraphs="\n".join(f"<p>{text}</p>" for text in paragraphs),
        ad=ADS[(index + noise_round) % len(ADS)],
        related=related,
    )


def write_site(
    root: Path, count: int, *, changed_fraction: float = 0.0, noise_round: int = 0
) -> int:
    """Bring the site under `root` to this state; return how many pages were (re)written."""
    changed = changed_pages(count, changed_fraction) if changed_fraction else frozenset()
    folder = root / "pr"
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for index in range(count):
        body_version = 1 if index in changed else 0
        data = page_html(index, body_version, noise_round).encode("utf-8")
        path = root / page_path(index)
        if path.exists() and path.read_bytes() == data:
            continue
        path.write_bytes(data)
        # One mtime per content version, so validators follow the content, not the clock.
        version_offset = int.from_bytes(hashlib.sha256(data).digest()[:3], "big")
        mtime = EPOCH.timestamp() + version_offset
        os.utime(path, (mtime, mtime))
        written += 1
    (root / "index.html").write_text("<!DOCTYPE html><title>bench</title><p>bench site</p>\n")
    return written


def page_urls(base_url: str, count: int) -> list[str]:
    """The URLs of the site's pages, in order."""
    return [f"{base_url}/{page_path(index)}" for index in range(count)]


class ConditionalHandler(http.server.SimpleHTTPRequestHandler):
    """Static files over HTTP/1.1 keep-alive, with nginx's rules for conditional GETs."""

    protocol_version = "HTTP/1.1"
    delay = 0.0  # seconds before each answer: a stand-in for network latency

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without this, Nagle's algorithm and the
        # client's delayed ACK hold every body back ~40 ms on a keep-alive connection.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send_head(self):  # noqa: ANN201 -- the base class's signature
        """Answer 304 when the validators sent match the file exactly, as nginx does."""
        if self.delay:
            time.sleep(self.delay)
        path = Path(self.translate_path(self.path))
        if path.is_file():
            stat = path.stat()
            etag = f'"{int(stat.st_mtime):x}-{stat.st_size:x}"'
            last_modified = email.utils.formatdate(int(stat.st_mtime), usegmt=True)
            if_none_match = self.headers.get("If-None-Match")
            if_modified_since = self.headers.get("If-Modified-Since")
            if (if_none_match or if_modified_since) and (
                (if_none_match is None or etag in if_none_match)
                and (if_modified_since is None or if_modified_since == last_modified)
            ):
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", last_modified)
                self.end_headers()
                return None
            self._etag = etag
        else:
            self._etag = None
        # The base class would answer 304 to any If-Modified-Since later than the file.
        del self.headers["If-Modified-Since"]
        return super().send_head()

    def end_headers(self) -> None:
        etag = getattr(self, "_etag", None)
        if etag:
            self.send_header("ETag", etag)
            self._etag = None
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 -- base name
        pass  # thousands of requests; the benchmark reports what matters


def serve(root: Path, port: int, host: str = "127.0.0.1", delay: float = 0.0) -> None:
    """Serve `root` until killed (the benchmark's fallback when nginx is missing)."""

    class Handler(ConditionalHandler):
        pass

    Handler.delay = delay

    def handler(*args, **kwargs):  # noqa: ANN002, ANN003
        return Handler(*args, directory=str(root), **kwargs)

    server = http.server.ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    sys.stdout.write(f"serving {root} on http://{host}:{server.server_address[1]}\n")
    sys.stdout.flush()
    server.serve_forever()


def main(argv: list[str] | None = None) -> None:
    """`pages.py write ROOT N [...]` or `pages.py serve ROOT --port P`."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    write = commands.add_parser("write", help="write the site")
    write.add_argument("root", type=Path)
    write.add_argument("count", type=int)
    write.add_argument("--changed", type=float, default=0.0, help="fraction of bodies changed")
    write.add_argument("--noise-round", type=int, default=0, help="timestamp/ad version")
    server = commands.add_parser("serve", help="serve a folder with conditional GETs")
    server.add_argument("root", type=Path)
    server.add_argument("--port", type=int, default=0)
    server.add_argument("--delay-ms", type=float, default=0.0, help="wait before each answer")
    args = parser.parse_args(argv)
    if args.command == "write":
        written = write_site(
            args.root, args.count, changed_fraction=args.changed, noise_round=args.noise_round
        )
        sys.stdout.write(f"{written} pages written\n")
    else:
        serve(args.root, args.port, delay=args.delay_ms / 1000)


if __name__ == "__main__":
    main()
