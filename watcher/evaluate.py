"""Score the extractor on a labelled corpus (spec/STATUSES.md): precision, recall and F1
over (document, jurisdiction, status) triples, overall and per status, with every miss and
every false finding and the evidence behind it."""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from watcher import content
from watcher.fetch import detect_encoding
from watcher.models import STATUSES
from watcher.status import Extractor

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Score:
    """Counts of true positives, false positives and false negatives, and their ratios."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "true_positives": self.true_positives,
            "false_positives": self.false_positives,
            "false_negatives": self.false_negatives,
        }


@dataclass(frozen=True)
class Error:
    """One triple the extractor got wrong: missed, or found without being expected."""

    document: str
    jurisdiction: str
    status: str
    evidence: str = ""  # the extractor's evidence, for a false finding
    note: str = ""  # the rule that fired (false finding) or the label's note (miss)

    def as_dict(self) -> dict[str, str]:
        return {
            "document": self.document,
            "jurisdiction": self.jurisdiction,
            "status": self.status,
            "evidence": self.evidence,
            "note": self.note,
        }


@dataclass
class EvalReport:
    """The score of one extractor on one corpus."""

    corpus: str
    documents: int
    overall: Score
    by_status: dict[str, Score]
    misses: list[Error] = field(default_factory=list)
    false_findings: list[Error] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.overall.precision

    @property
    def recall(self) -> float:
        return self.overall.recall

    @property
    def f1(self) -> float:
        return self.overall.f1

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: precision, recall, f1, documents, per-status scores and the errors."""
        return {
            "corpus": self.corpus,
            "documents": self.documents,
            **self.overall.as_dict(),
            "by_status": {status: score.as_dict() for status, score in self.by_status.items()},
            "misses": [error.as_dict() for error in self.misses],
            "false_findings": [error.as_dict() for error in self.false_findings],
        }


class CorpusError(ValueError):
    """A corpus that cannot be scored: no labels, bad TOML, a label without its page."""


def load_labels(corpus_dir: Path) -> list[dict[str, Any]]:
    """The [[doc]] tables of a corpus's labels.toml, each checked; CorpusError when not valid."""
    path = corpus_dir / "labels.toml"
    try:
        with open(path, "rb") as handle:
            docs = tomllib.load(handle).get("doc", [])
    except FileNotFoundError:
        raise CorpusError(f"{path}: no such file (a corpus is labels.toml and docs/)") from None
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise CorpusError(f"{path}: {error}") from None
    if not isinstance(docs, list):
        raise CorpusError(f"{path}: doc must be an array of tables ([[doc]])")
    for number, doc in enumerate(docs, start=1):
        where = f"{path}: [[doc]] #{number}"
        if not isinstance(doc, dict) or not isinstance(doc.get("id"), str) or not doc["id"]:
            raise CorpusError(f"{where}: id is missing")
        where = f"{path}: [[doc]] {doc['id']!r}"
        if not (corpus_dir / "docs" / f"{doc['id']}.html").is_file():
            raise CorpusError(f"{where}: no page docs/{doc['id']}.html")
        expect = doc.get("expect", [])
        if not isinstance(expect, list):
            raise CorpusError(f"{where}: expect must be an array")
        for entry in expect:
            if not isinstance(entry, dict) or not isinstance(entry.get("jurisdiction"), str):
                raise CorpusError(f"{where}: an expect entry has no jurisdiction")
            if entry.get("status") not in STATUSES:
                raise CorpusError(
                    f"{where}: status {entry.get('status')!r} is not one of {', '.join(STATUSES)}"
                )
    return docs


def evaluate_corpus(corpus_dir: Path, extractor: Extractor | None = None) -> EvalReport:
    """Run the extractor over every labelled document of a corpus and score it."""
    corpus_dir = Path(corpus_dir)
    extractor = extractor or Extractor()
    counts = {status: [0, 0, 0] for status in STATUSES}
    misses: list[Error] = []
    false_findings: list[Error] = []
    docs = load_labels(corpus_dir)
    for doc in docs:
        raw = (corpus_dir / "docs" / f"{doc['id']}.html").read_bytes()
        # Decoded as a crawl would decode it (a page may carry no charset at all).
        html = raw.decode(detect_encoding(raw), errors="replace")
        page = content.parse_html(html, doc.get("url", ""))
        findings = {(f.jurisdiction, f.status): f for f in extractor.extract(page)}
        expected = {(e["jurisdiction"], e["status"]) for e in doc.get("expect", [])}
        for key in sorted(expected | set(findings)):
            jurisdiction, status = key
            tally = counts.setdefault(status, [0, 0, 0])
            if key in expected and key in findings:
                tally[0] += 1
            elif key in findings:
                tally[1] += 1
                finding = findings[key]
                false_findings.append(
                    Error(doc["id"], jurisdiction, status, finding.evidence, finding.note)
                )
            else:
                tally[2] += 1
                misses.append(Error(doc["id"], jurisdiction, status, "", doc.get("note", "")))
    by_status = {status: Score(*tally) for status, tally in counts.items()}
    overall = Score(*(sum(tally[i] for tally in counts.values()) for i in range(3)))
    log.info("evaluated %d documents of %s: F1 %.3f", len(docs), corpus_dir, overall.f1)
    return EvalReport(str(corpus_dir), len(docs), overall, by_status, misses, false_findings)


def format_report(report: EvalReport) -> str:
    """The report for humans: the scores, then each error with its evidence."""
    lines = [
        f"corpus {report.corpus}: {report.documents} documents",
        f"precision {report.precision:.3f}  recall {report.recall:.3f}  F1 {report.f1:.3f}  "
        f"({report.overall.true_positives} right, {report.overall.false_positives} false, "
        f"{report.overall.false_negatives} missed)",
        "",
        f"{'status':<15}{'precision':>10}{'recall':>8}{'F1':>8}{'right':>7}{'false':>7}{'missed':>8}",
    ]
    for status, score in report.by_status.items():
        lines.append(
            f"{status:<15}{score.precision:>10.3f}{score.recall:>8.3f}{score.f1:>8.3f}"
            f"{score.true_positives:>7}{score.false_positives:>7}{score.false_negatives:>8}"
        )
    if report.false_findings:
        lines += ["", "false findings:"]
        for error in report.false_findings:
            lines.append(f"  {error.document}: {error.jurisdiction} {error.status}")
            lines.append(f"      evidence: {error.evidence[:200]}")
            lines.append(f"      rule: {error.note}")
    if report.misses:
        lines += ["", "misses:"]
        for error in report.misses:
            lines.append(f"  {error.document}: {error.jurisdiction} {error.status}")
    return "\n".join(lines)
