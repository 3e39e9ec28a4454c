"""Motivator classification: the shipped head, the similarity and nli backends, CSV annotation."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from insightminer.classify.heads import EmbeddingClassifier
from insightminer.classify.motivators import (
    MOTIVATOR_DESCRIPTIONS,
    MOTIVATORS,
    ModelUnavailableError,
    MotivatorClassifier,
    annotate_csv_motivators,
)

REPO = Path(__file__).resolve().parents[2]

# Written for this test, not taken from data/labels/motivators.csv.
HELD_OUT = [
    ("We need our quotes to look nothing like the other three bidders' for once.", "stand_out"),
    ("Before we commit, I want to see where your product will be in three years.", "confidence_in_future"),
    ("My support staff are exhausted and I want them to stop working through lunch.", "well_being"),
    ("I want to be able to leave whenever we like without paying a penalty.", "freedom"),
    ("The whole sales floor was cheering when the new leaderboard went live.", "thrill"),
    ("It would be great to meet other customers in our industry and trade ideas.", "belonging"),
    ("We want to cut how much packaging our warehouses throw in the skip.", "protect_environment"),
    ("I want to become a manager my team respects for being fair.", "be_the_person_i_want_to_be"),
    ("If our customer records leak, we're finished, so encryption is non-negotiable.", "feel_secure"),
    ("Landing this account would get me the promotion I've been chasing.", "succeed_in_life"),
    ("We have two hundred users spread across four offices.", "none"),
]


@pytest.fixture(scope="module")
def head_classifier() -> MotivatorClassifier:
    return MotivatorClassifier()


@pytest.fixture(scope="module")
def held_out_vectors(embedder) -> np.ndarray:
    return embedder.encode([text for text, _ in HELD_OUT])


def test_taxonomy_is_complete():
    assert len(MOTIVATORS) == 11 and set(MOTIVATORS) == set(MOTIVATOR_DESCRIPTIONS)
    with (REPO / "data" / "labels" / "motivators.csv").open(encoding="utf-8") as handle:
        counts: dict[str, int] = {}
        for row in csv.DictReader(handle):
            counts[row["label"]] = counts.get(row["label"], 0) + 1
    assert set(counts) == set(MOTIVATORS)
    assert min(counts.values()) >= 50


def test_shipped_head_predicts_held_out_sentences(head_classifier, held_out_vectors):
    assert sorted(head_classifier.labels) == sorted(MOTIVATORS)
    assert head_classifier.embedding_model == "all-MiniLM-L6-v2"
    # The head's ranking: its top label for each sentence.
    probs = head_classifier.predict_proba(held_out_vectors)
    got = [head_classifier.labels[j] for j in probs.argmax(1)]
    hits = sum(g == want for g, (_, want) in zip(got, HELD_OUT, strict=True))
    assert hits >= 8, list(zip(got, [w for _, w in HELD_OUT], strict=True))  # >= 70% (8 of 11)
    # Assigned motivators (calibrated thresholds): silent rather than wrong.
    records = head_classifier.predict_records(held_out_vectors)
    assigned = [(r["motivator"], want) for r, (_, want) in zip(records, HELD_OUT, strict=True)]
    given = [(a, w) for a, w in assigned if a != "none"]
    assert given and sum(a == w for a, w in given) / len(given) >= 0.7, assigned


def test_predict_and_records_are_consistent(head_classifier, held_out_vectors):
    probs = head_classifier.predict_proba(held_out_vectors)
    assert probs.shape == (len(HELD_OUT), 11)
    np.testing.assert_allclose(probs.sum(1), 1.0, atol=1e-5)
    predicted = head_classifier.predict(held_out_vectors)
    records = head_classifier.predict_records(held_out_vectors)
    for row, scores, record in zip(probs, predicted, records, strict=True):
        assert "none" not in scores
        assert all(s >= head_classifier.min_score for s in scores.values())
        assert list(scores.values()) == sorted(scores.values(), reverse=True)
        assert record["motivator_score"] == round(float(row.max()), 4)
        expected = ";".join(f"{k}:{v:.4f}" for k, v in scores.items())
        assert record["motivators"] == expected
    # The factual statement has no motivator over the threshold.
    assert records[-1]["motivator"] == "none" and predicted[-1] == {}


def test_head_rejects_wrong_dimension(head_classifier):
    with pytest.raises(ValueError, match="expects 384"):
        head_classifier.predict_proba(np.zeros((2, 10), dtype=np.float32))


def test_similarity_backend(embedder, held_out_vectors):
    clf = MotivatorClassifier(backend="similarity", embedder=embedder)
    assert clf.labels == list(MOTIVATOR_DESCRIPTIONS)
    probs = clf.predict_proba(held_out_vectors)
    np.testing.assert_allclose(probs.sum(1), 1.0, atol=1e-5)
    got = [r["motivator"] for r in clf.predict_records(held_out_vectors)]
    hits = sum(g == want for g, (_, want) in zip(got, HELD_OUT, strict=True))
    assert hits >= 5, got  # the zero-shot baseline: weaker than the head, far above chance (1/11)
    assert got[6] == "protect_environment"


def test_user_taxonomy_head_by_path(tmp_path, embedder):
    texts = ["refund my payment", "wrong invoice amount", "parcel is late", "courier lost the box"]
    head = EmbeddingClassifier(["billing", "shipping"], hidden_dim=0, epochs=80, learning_rate=0.05)
    head.fit(embedder.encode(texts), ["billing", "billing", "shipping", "shipping"])
    head.save(tmp_path / "my_taxonomy")
    clf = MotivatorClassifier(model=str(tmp_path / "my_taxonomy"), min_score=0.0)
    assert clf.labels == ["billing", "shipping"]
    records = clf.predict_records(embedder.encode(["I was charged twice", "my delivery never came"]))
    assert [r["motivator"] for r in records] == ["billing", "shipping"]


def test_unknown_head_and_backend_errors():
    with pytest.raises(FileNotFoundError, match="No trained model 'no_such_head'"):
        MotivatorClassifier(model="no_such_head")
    with pytest.raises(ValueError, match="unknown motivator backend"):
        MotivatorClassifier(backend="magic")
    with pytest.raises(ValueError, match="needs nli_model"):
        MotivatorClassifier(backend="nli")


def test_nli_backend_clear_error_offline(tmp_path):
    with pytest.raises(ModelUnavailableError, match="Cannot load the NLI model"):
        MotivatorClassifier(backend="nli", nli_model="insightminer-tests/no-such-nli-model")
    with pytest.raises(ModelUnavailableError, match="Cannot load the NLI model"):
        MotivatorClassifier(backend="nli", nli_model=str(tmp_path / "missing"))


def test_annotate_csv_keeps_order(tmp_path, embedder, head_classifier):
    source = tmp_path / "in.csv"
    rows = [(str(i), text) for i, (text, _) in enumerate(HELD_OUT)]
    rows.insert(3, ("blank", "  "))
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "quote"])
        writer.writerows(rows)
    out = tmp_path / "out" / "annotated.csv"
    n = annotate_csv_motivators(source, "quote", out, embedder, head_classifier)
    assert n == len(rows)
    with out.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["id", "quote", "motivator", "motivator_score", "motivators"]
        written = list(reader)
    assert [r["id"] for r in written] == [r[0] for r in rows]
    assert written[3]["motivator"] == ""
    filled = [r for r in written if r["id"] != "blank"]
    expected = head_classifier.predict_records(embedder.encode([text for text, _ in HELD_OUT]))
    assert [r["motivator"] for r in filled] == [e["motivator"] for e in expected]
    assert [float(r["motivator_score"]) for r in filled] == [e["motivator_score"] for e in expected]


def test_annotate_csv_missing_column(tmp_path, embedder, head_classifier):
    source = tmp_path / "in.csv"
    source.write_text("id,body\n1,hello\n", encoding="utf-8")
    with pytest.raises(
        ValueError, match=r"column 'quote' not found in .*in\.csv; columns found: 'id', 'body'$"
    ):
        annotate_csv_motivators(source, "quote", tmp_path / "out.csv", embedder, head_classifier)
    assert not (tmp_path / "out.csv").exists()


def test_nli_backend_runs_a_local_model(tiny_nli_model):
    """The nli plumbing, end to end, on a tiny randomly initialised NLI-shaped model saved locally."""
    clf = MotivatorClassifier(backend="nli", nli_model=str(tiny_nli_model))
    texts = ["We need to cut our emissions.", "The API returns JSON."]
    probs = clf.predict_proba(None, texts)
    assert probs.shape == (2, 11) and ((probs >= 0) & (probs <= 1)).all()
    none = clf.labels.index("none")
    others = np.delete(probs, none, axis=1)
    np.testing.assert_allclose(probs[:, none], 1.0 - others.max(1), atol=1e-6)
    assert len(clf.predict_records(None, texts)) == 2
    with pytest.raises(ValueError, match="pass texts="):
        clf.predict_proba(np.zeros((1, 384), dtype=np.float32))
