"""Scoring the extractor on a labelled corpus."""

import json
from pathlib import Path

import pytest

from tests.configs import SHARED
from watcher.evaluate import evaluate_corpus, format_report

DEV_CORPUS = SHARED / "corpus" / "dev"


def test_dev_corpus_meets_the_targets():
    """On the dev corpus, F1 >= 0.95 and precision >= 0.97."""
    report = evaluate_corpus(DEV_CORPUS)
    assert report.documents >= 40
    assert report.f1 >= 0.95, format_report(report)
    assert report.precision >= 0.97, format_report(report)


def write_corpus(root: Path) -> Path:
    """A two-document corpus: one page read right, one with a miss and a false finding."""
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "sued.html").write_text(
        "<html><body><p>The Justice Department sued Boston, Mass., on Friday.</p></body></html>"
    )
    (root / "docs" / "mixed.html").write_text(
        "<html><body><p>The Justice Department sued Newark, N.J., on Friday.</p></body></html>"
    )
    (root / "labels.toml").write_text(
        '[[doc]]\nid = "sued"\nkind = "news"\ndate = 2025-01-01\nurl = "https://a.example/1"\n'
        'expect = [{ jurisdiction = "boston-ma", status = "sued" }]\n\n'
        '[[doc]]\nid = "mixed"\nkind = "news"\ndate = 2025-01-02\nurl = "https://a.example/2"\n'
        'expect = [{ jurisdiction = "newark-nj", status = "listed" }]\nnote = "made up"\n'
    )
    return root


def test_scores_triples_and_lists_errors(tmp_path):
    """Precision and recall count (document, jurisdiction, status) triples; errors are listed."""
    report = evaluate_corpus(write_corpus(tmp_path / "corpus"))
    assert 2 == report.documents
    assert (1, 1, 1) == (
        report.overall.true_positives,
        report.overall.false_positives,
        report.overall.false_negatives,
    )
    assert 0.5 == report.precision
    assert 0.5 == report.recall
    assert [("mixed", "newark-nj", "sued")] == [
        (e.document, e.jurisdiction, e.status) for e in report.false_findings
    ]
    assert "Newark" in report.false_findings[0].evidence
    assert [("mixed", "newark-nj", "listed")] == [
        (e.document, e.jurisdiction, e.status) for e in report.misses
    ]


def test_report_as_dict_is_json_with_the_contract_keys(tmp_path):
    """as_dict() has precision, recall, f1, documents, per-status scores and the errors."""
    data = json.loads(json.dumps(evaluate_corpus(write_corpus(tmp_path / "c")).as_dict()))
    assert {
        "precision",
        "recall",
        "f1",
        "documents",
        "by_status",
        "misses",
        "false_findings",
    } <= set(data)
    assert 1 == data["by_status"]["sued"]["true_positives"]
    assert 1 == data["by_status"]["listed"]["false_negatives"]


def test_format_report_shows_scores_and_each_error(tmp_path):
    """The human report names the scores and every error with its evidence."""
    text = format_report(evaluate_corpus(write_corpus(tmp_path / "c")))
    assert "precision 0.500" in text
    assert "mixed: newark-nj sued" in text
    assert "mixed: newark-nj listed" in text


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (None, "labels.toml: no such file"),
        ("x = [\n", "labels.toml: "),
        ('[[doc]]\nkind = "news"\n', "[[doc]] #1: id is missing"),
        ('[[doc]]\nid = "gone"\n', "[[doc]] 'gone': no page docs/gone.html"),
        (
            '[[doc]]\nid = "page"\n'
            'expect = [{ jurisdiction = "boston-ma", status = "sanctuary" }]\n',
            "[[doc]] 'page': status 'sanctuary' is not one of",
        ),
    ],
)
def test_a_corpus_that_cannot_be_scored_gets_one_clear_error_and_exit_2(tmp_path, labels, message):
    """`watcher eval` on a corpus without labels, with bad TOML, a label without its page or an
    unknown status says what is wrong in one line, exits 2 and prints no traceback."""
    from click.testing import CliRunner

    from watcher.cli import main

    corpus = tmp_path / "corpus"
    (corpus / "docs").mkdir(parents=True)
    (corpus / "docs" / "page.html").write_text("<html><body><p>Nothing.</p></body></html>")
    if labels is not None:
        (corpus / "labels.toml").write_text(labels)
    result = CliRunner().invoke(main, ["eval", str(corpus)])
    assert 2 == result.exit_code
    assert message in result.output
    assert "Traceback" not in result.output
