"""Ranking by distinct interviews, evidence traceability, and the run-directory writers."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pyarrow.parquet as pq

from insightminer.insights.rank import ThemeInfo, rank_findings
from insightminer.output.report import (
    findings_csv,
    findings_markdown,
    statements_table,
    write_findings,
    write_parquet,
)
from insightminer.schema import Statement


def _statement(i, doc, theme, seg, text=None, emotions=None):
    return Statement(
        statement_id=f"{doc}:{i}:0",
        doc_id=doc,
        speaker="Customer",
        role="customer",
        text=text or f"statement {i} in {doc}",
        start=float(i),
        end=float(i) + 2,
        metadata={"segment": seg},
        kind="pain_point",
        kind_score=0.9,
        theme_id=theme,
        emotions=emotions or {"annoyance": 0.6},
    )


def test_prevalence_across_interviews_beats_raw_mentions():
    statements = []
    # Theme 0: one talkative customer repeats it 12 times in one interview.
    statements += [_statement(i, "talker", 0, "SMB") for i in range(12)]
    # Theme 1: voiced once each in five interviews, two segments.
    statements += [_statement(20 + k, f"doc{k}", 1, "SMB" if k < 3 else "Enterprise") for k in range(5)]
    # Theme 2: two interviews.
    statements += [_statement(30 + k, f"doc{k}", 2, "SMB") for k in range(2)]
    rng = np.random.default_rng(0)
    emb = rng.normal(size=(len(statements), 8)).astype(np.float32)
    themes = [
        ThemeInfo(0, "talker pain", ["x"]),
        ThemeInfo(1, "shared pain", ["y"]),
        ThemeInfo(2, "two", ["z"]),
    ]
    findings = rank_findings(statements, emb, themes, min_documents=2)
    # A theme from a single interview is not a finding at all.
    assert [f["label"] for f in findings] == ["shared pain", "two"]
    top = findings[0]
    assert top["rank"] == 1 and top["prevalence"] == {
        "documents": 5,
        "share_of_documents": round(5 / 6, 4),
        "mentions": 5,
    }
    assert top["segments"]["Enterprise"]["documents"] == 2 and top["segment_spread"] == 1.0
    # Evidence: one quote per interview, each traceable.
    assert len({e["doc_id"] for e in top["evidence"]}) == len(top["evidence"]) == 5
    ids = {s.statement_id for s in statements}
    assert all(e["statement_id"] in ids for e in top["evidence"])
    # Emotions are counts of confident labels (Ekman group, with the labels behind it) and their quotes.
    anger = top["emotions"]["labels"][0]
    assert top["emotions"]["note"] is None and top["emotions"]["with_signal"] == 5
    assert (anger["label"], anger["statements"], anger["interviews"]) == ("anger", 5, 5)
    assert anger["detail"] == {"annoyance": 5} and anger["quotes"][0]["statement_id"] in ids
    assert top["motivators"] == {"with_signal": 0, "labels": [], "note": "too little motivator signal"}


def _findings_doc(statements):
    emb = np.eye(len(statements), 8, dtype=np.float32)
    ranked = rank_findings(statements, emb, [ThemeInfo(1, "sync | duplicates", ["sync"])], min_documents=2)
    return {
        "schema_version": "2.0",
        "summary": {
            "documents": 3,
            "customer_statements": len(statements),
            "pain_point_statements": len(statements),
            "min_theme_documents": 2,
            "segments": ["A"],
            "segment_field": "segment",
        },
        "findings": ranked,
    }


def test_writers_round_trip(tmp_path):
    statements = [
        _statement(k, f"d{k}", 1, "A", text='He said "it, breaks" <b>again</b>', emotions={"anger": 0.7})
        for k in range(3)
    ]
    statements[0].start = None
    findings = _findings_doc(statements)
    write_findings(tmp_path, findings)
    assert json.loads((tmp_path / "findings.json").read_text()) == findings
    rows = list(csv.DictReader(io.StringIO(findings_csv(findings))))
    assert (
        rows[0]["label"] == "sync | duplicates"
        and rows[0]["top_quote"] == 'He said "it, breaks" <b>again</b>'
    )
    md = findings_markdown(findings)
    assert "## 1. sync | duplicates" in md and "3 of 3 interviews" in md
    assert "- **Emotions:** anger — 3 of 3 statements (3 interviews)" in md
    assert "- **Motivators:** too little motivator signal" in md
    assert rows[0]["emotions"] == "anger=3/3" and rows[0]["motivators"] == "too little motivator signal"

    write_parquet(tmp_path / "segments.parquet", statements_table(statements))
    table = pq.read_table(tmp_path / "segments.parquet")
    assert table.num_rows == 3
    for column in (
        "doc_id",
        "speaker",
        "role",
        "start",
        "end",
        "text",
        "kind",
        "theme_id",
        "emotions",
        "motivators",
        "segment",
    ):
        assert column in table.column_names
    first = table.to_pylist()[0]
    assert first["start"] is None and dict(first["emotions"]) == {"anger": np.float32(0.7)}
    assert not list(tmp_path.glob(".*tmp"))
