"""The shipped statement-kind detector, run on the real MiniLM embedder.

The sentences below were written for this test and are not in data/labels/statement_kinds.csv.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from insightminer.detect import StatementKindDetector, apply_question_cue, ends_with_question_mark
from insightminer.model_registry import models_dir
from insightminer.schema import STATEMENT_KINDS, Statement

REPO = Path(__file__).resolve().parent.parent

HELD_OUT: list[tuple[str, str]] = [
    ("Our expense reports bounce back three or four times before anyone approves them.", "pain_point"),
    ("The calendar integration double-books our interviewers almost every week.", "pain_point"),
    (
        "Honestly the invoices are so confusing that our customers call us to ask what they paid for.",
        "pain_point",
    ),
    ("We keep losing track of which shipments cleared customs, it's a constant headache.", "pain_point"),
    ("The nightly import crashed again and the sales team had no fresh numbers this morning.", "pain_point"),
    ("Your onboarding specialist was brilliant, she had us live in a week.", "praise"),
    ("I really love how quickly the timesheet screen loads now.", "praise"),
    ("The new analytics view is excellent, my whole team uses it daily.", "praise"),
    ("Honestly, switching to your platform was one of the best decisions we made this year.", "praise"),
    ("The people on your help desk are always friendly and really knowledgeable.", "praise"),
    ("Does the scheduling module connect to Google Calendar?", "question"),
    ("How much would it cost to add another fifty users?", "question"),
    ("Can the audit reports be exported as PDF?", "question"),
    ("What's the usual timeline for a rollout across two hospitals?", "question"),
    ("Is there a limit on how many dashboards each user can create?", "question"),
]


@pytest.fixture(scope="session")
def detector() -> StatementKindDetector:
    return StatementKindDetector().load()


@pytest.fixture(scope="session")
def held_out_vectors(embedder) -> np.ndarray:
    return embedder.encode([t for t, _ in HELD_OUT])


def test_held_out_sentences_are_not_training_rows():
    with (REPO / "data" / "labels" / "statement_kinds.csv").open(encoding="utf-8", newline="") as f:
        train = {row["text"].strip().lower() for row in csv.DictReader(f)}
    assert not [t for t, _ in HELD_OUT if t.lower() in train]


def test_clear_statements_are_labelled_right(detector, held_out_vectors):
    preds = detector.predict(held_out_vectors, [t for t, _ in HELD_OUT])
    correct = [kind == gold for (kind, _), (_, gold) in zip(preds, HELD_OUT, strict=True)]
    misses = [(t, gold, p) for (t, gold), p, ok in zip(HELD_OUT, preds, correct, strict=True) if not ok]
    # Allow a small miss rate: at least 12 of 15 (80%).
    assert sum(correct) >= 12, f"too many misses: {misses}"
    # And every kind in this set is recognised at least 3 times out of 5.
    for kind in ("pain_point", "praise", "question"):
        hits = sum(ok for ok, (_, gold) in zip(correct, HELD_OUT, strict=True) if gold == kind)
        assert hits >= 3, f"{kind}: only {hits}/5 right; misses: {misses}"
    for kind, score in preds:
        assert kind in STATEMENT_KINDS
        assert 0.0 <= score <= 1.0


def test_predictions_are_deterministic(embedder, held_out_vectors):
    texts = [t for t, _ in HELD_OUT]
    first = StatementKindDetector().load().predict(held_out_vectors, texts)
    again = StatementKindDetector().load().predict(embedder.encode(texts), texts)
    assert first == again


def test_model_files_are_safetensors_and_json_not_pickle(detector):
    folder = models_dir() / "statement-kind"
    names = sorted(p.name for p in folder.iterdir())
    assert {"head.safetensors", "head.json", "README.md"} <= set(names)
    assert not [n for n in names if n.endswith((".pkl", ".pickle", ".pt", ".bin", ".joblib"))]
    raw = (folder / "head.safetensors").read_bytes()
    assert not raw.startswith(b"\x80")  # a pickle stream starts with the PROTO opcode
    header_len = int.from_bytes(raw[:8], "little")  # safetensors: u64 header size, then JSON header
    assert json.loads(raw[8 : 8 + header_len])
    config = json.loads((folder / "head.json").read_text(encoding="utf-8"))
    assert sorted(config["labels"]) == sorted(STATEMENT_KINDS)
    assert detector.embedding_model == "all-MiniLM-L6-v2"


def test_question_cue_rule():
    labels = list(STATEMENT_KINDS)
    # Rows: head says other (weak), pain_point (confident), pain_point (weak).
    probs = np.array(
        [[0.1, 0.1, 0.1, 0.2, 0.5], [0.9, 0.02, 0.02, 0.04, 0.02], [0.5, 0.1, 0.1, 0.2, 0.1]],
        dtype=np.float32,
    )
    texts = ["So when does the trial end?", "Why does it crash every day?", "Why is it slow?"]
    chosen, scores = apply_question_cue(probs, texts, labels, {"pain_point": 0.8})
    assert [labels[i] for i in chosen] == ["question", "pain_point", "question"]
    assert scores == pytest.approx([0.2, 0.9, 0.2])
    assert ends_with_question_mark('He asked "is it ready?"')
    assert not ends_with_question_mark("It is ready.")


def test_bad_input_gives_clear_errors(detector):
    with pytest.raises(ValueError, match="must match"):
        detector.predict(np.zeros((2, 384), dtype=np.float32), ["one"])
    with pytest.raises(ValueError, match="dimensions"):
        detector.predict(np.zeros((1, 10), dtype=np.float32), ["one"])
    with pytest.raises(FileNotFoundError, match="No trained model"):
        StatementKindDetector("no-such-head").load()
    assert detector.predict(np.zeros((0, 384), dtype=np.float32), []) == []
    assert detector.predict([], []) == []


def test_annotate_sets_kind_on_statements(detector, held_out_vectors):
    statements = [
        Statement(statement_id=f"d:0:{i}", doc_id="d", speaker="c", role="customer", text=t)
        for i, (t, _) in enumerate(HELD_OUT)
    ]
    out = detector.annotate(statements, held_out_vectors)
    assert out is statements
    expected = detector.predict(held_out_vectors, [t for t, _ in HELD_OUT])
    assert [(s.kind, s.kind_score) for s in statements] == expected
