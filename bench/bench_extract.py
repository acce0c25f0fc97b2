"""How many pages a second the extractor reads on one core (not a test).

Run: .venv/bin/python bench/bench_extract.py [CORPUS_DIR] [--rounds N]
     .venv/bin/python bench/bench_extract.py --bench-pages 300   (the crawl benchmark's pages)
Prints the rate of extraction from parsed Pages, and of parse_html + extraction together,
in CPU time of this process (so that other work on the machine does not skew it). Each round
reads the corpus with its own new extractor: the extractor remembers texts it has read, and a
second reading of the same pages would time that memory, not the reading.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from watcher import content
from watcher.status import Extractor

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev"


def main() -> None:
    """Time the extractor over a corpus's documents, several rounds."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument(
        "--bench-pages",
        type=int,
        metavar="N",
        help="time N of the crawl benchmark's generated pages instead of a corpus, with the "
        "extractor's memory of texts off (those pages repeat their filler paragraphs)",
    )
    args = parser.parse_args()
    if args.bench_pages:
        from pages import page_html  # bench/pages.py, beside this script

        import watcher.status.extract
        import watcher.status.names

        watcher.status.names.SCAN_MEMO_SIZE = 0  # every text scanned and read afresh
        watcher.status.extract.HITS_MEMO_SIZE = 0
        raw = [page_html(index).encode("utf-8") for index in range(args.bench_pages)]
    else:
        documents = sorted((args.corpus / "docs").glob("*.html"))
        if not documents:
            sys.exit(f"no documents in {args.corpus / 'docs'}")
        raw = [path.read_bytes() for path in documents]
    pages = [content.parse_html(html, "https://example.org/") for html in raw]
    size = sum(len(html) for html in raw) / len(raw)

    spent = 0.0
    for _ in range(args.rounds):
        extractor = Extractor()  # built outside the timing: a crawl builds one
        started = time.process_time()
        for page in pages:
            extractor.extract(page)
        spent += time.process_time() - started
    extract_rate = args.rounds * len(pages) / spent

    spent = 0.0
    for _ in range(args.rounds):
        extractor = Extractor()
        started = time.process_time()
        for html in raw:
            extractor.extract(content.parse_html(html, "https://example.org/"))
        spent += time.process_time() - started
    total_rate = args.rounds * len(raw) / spent

    print(f"{len(raw)} pages, {size / 1000:.1f} KB on average, {args.rounds} rounds")
    print(f"extract from Page:        {extract_rate:8.0f} pages/s")
    print(f"parse_html + extract:     {total_rate:8.0f} pages/s")


if __name__ == "__main__":
    main()
