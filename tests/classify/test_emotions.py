"""The shipped GoEmotions head, run on the real all-MiniLM-L6-v2 embeddings."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from insightminer.classify.emotions import (
    EKMAN_LABELS,
    EKMAN_MAPPING,
    GOEMOTIONS_LABELS,
    RECORD_COLUMNS,
    SENTIMENT_LABELS,
    SENTIMENT_MAPPING,
    EmotionClassifier,
    aggregate_groups,
    annotate_csv_emotions,
)
from insightminer.model_registry import models_dir

SENTENCES = [
    "This is so frustrating, it broke again and nobody answers my tickets.",
    "Thank you so much, the new dashboard is amazing!",
    "I'm really scared we will lose all our data if the sync fails.",
    "Where do I find the export button?",
    "We moved the meeting to Tuesday.",
]


@pytest.fixture(scope="module")
def classifier() -> EmotionClassifier:
    return EmotionClassifier("emotions")


@pytest.fixture(scope="module")
def embeddings(embedder) -> np.ndarray:
    return embedder.encode(SENTENCES)


def test_mappings_cover_every_label_once():
    assert len(GOEMOTIONS_LABELS) == 28 and GOEMOTIONS_LABELS[-1] == "neutral"
    for mapping in (EKMAN_MAPPING, SENTIMENT_MAPPING):
        members = [label for labels in mapping.values() for label in labels]
        assert sorted(members) == sorted(GOEMOTIONS_LABELS)


def test_shipped_model_is_pickle_free_and_documented():
    folder = models_dir() / "emotions"
    names = {p.name for p in folder.iterdir()}
    assert {"head.safetensors", "head.json", "README.md"} <= names
    assert not any(p.suffix in {".pkl", ".pickle", ".joblib", ".pt", ".bin"} for p in folder.iterdir())
    config = json.loads((folder / "head.json").read_text())
    assert tuple(config["labels"]) == GOEMOTIONS_LABELS
    assert len(config["thresholds"]) == 28
    assert "macro-F1" in (folder / "README.md").read_text()


def test_shapes_and_scores(classifier, embeddings):
    assert classifier.embedding_model == "all-MiniLM-L6-v2"
    probs = classifier.predict_proba(embeddings)
    assert probs.shape == (len(SENTENCES), 28) and probs.dtype == np.float32
    assert np.all((probs >= 0) & (probs <= 1))
    assert classifier.ekman(probs).shape == (len(SENTENCES), len(EKMAN_LABELS))
    assert classifier.sentiment(probs).shape == (len(SENTENCES), len(SENTIMENT_LABELS))
    assert classifier.predict_proba(np.zeros((0, 384), np.float32)).shape == (0, 28)


def test_frustration_is_negative_anger(classifier, embeddings):
    probs = classifier.predict_proba(embeddings[:1])
    predicted = classifier.predict(embeddings[:1])[0]
    assert set(predicted) & {"annoyance", "anger", "disappointment", "disapproval"}, predicted
    sentiment = dict(zip(SENTIMENT_LABELS, classifier.sentiment(probs)[0], strict=True))
    assert max(sentiment, key=sentiment.get) == "negative"
    record = classifier.predict_records(embeddings[:1])[0]
    assert record["sentiment"] == "negative" and record["ekman"] in {"anger", "sadness", "disgust"}


def test_thanks_is_positive_joy(classifier, embeddings):
    predicted = classifier.predict(embeddings[1:2])[0]
    assert set(predicted) & {"gratitude", "admiration", "joy", "excitement"}, predicted
    record = classifier.predict_records(embeddings[1:2])[0]
    assert record["sentiment"] == "positive" and record["ekman"] == "joy"


def test_worry_and_question(classifier, embeddings):
    records = classifier.predict_records(embeddings)
    assert records[2]["sentiment"] == "negative", records[2]
    fear_rank = (
        np.argsort(-classifier.predict_proba(embeddings[2:3])[0])
        .tolist()
        .index(GOEMOTIONS_LABELS.index("fear"))
    )
    assert fear_rank < 5, records[2]
    assert records[3]["emotion"] in {"curiosity", "confusion", "neutral"}, records[3]
    assert records[4]["emotion"] == "neutral", records[4]


def test_predict_never_empty_sorted_and_top_k(classifier, embeddings):
    for labels in classifier.predict(embeddings):
        assert labels
        scores = list(labels.values())
        assert scores == sorted(scores, reverse=True)
        assert set(labels) <= set(GOEMOTIONS_LABELS)
    assert all(len(d) == 1 for d in classifier.predict(embeddings, top_k=1))


def test_deterministic(classifier, embeddings):
    first = classifier.predict_records(embeddings)
    second = EmotionClassifier("emotions").predict_records(embeddings.copy())
    assert first == second
    assert set(first[0]) == set(RECORD_COLUMNS)


def test_aggregation_methods():
    probs = np.zeros((1, 28), np.float32)
    probs[0, GOEMOTIONS_LABELS.index("anger")] = 0.5
    probs[0, GOEMOTIONS_LABELS.index("annoyance")] = 0.5
    anger = EKMAN_LABELS.index("anger")
    assert aggregate_groups(probs, EKMAN_MAPPING, "max")[0, anger] == pytest.approx(0.5)
    assert aggregate_groups(probs, EKMAN_MAPPING, "noisy_or")[0, anger] == pytest.approx(0.75)
    with pytest.raises(ValueError):
        aggregate_groups(probs[:, :5], EKMAN_MAPPING)


def test_bad_inputs(classifier):
    with pytest.raises(ValueError, match="dimensions"):
        classifier.predict_proba(np.zeros((2, 10), np.float32))
    with pytest.raises(FileNotFoundError):
        EmotionClassifier("no-such-emotion-model")


def test_annotate_csv(tmp_path, embedder, classifier):
    source = tmp_path / "in.csv"
    rows = [["id", "quote", "speaker"]] + [[str(i), text, f"s{i}"] for i, text in enumerate(SENTENCES)]
    rows.append(["99", "", "blank"])
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    out = tmp_path / "out.csv"
    assert annotate_csv_emotions(source, "quote", out, embedder, classifier) == len(SENTENCES) + 1
    with out.open(encoding="utf-8", newline="") as handle:
        got = list(csv.DictReader(handle))
    assert [r["id"] for r in got] == [r[0] for r in rows[1:]]
    assert list(got[0])[:3] == ["id", "quote", "speaker"] and list(got[0])[3:] == list(RECORD_COLUMNS)
    assert got[1]["sentiment"] == "positive"
    assert got[-1]["emotion"] == "" and got[-1]["speaker"] == "blank"
    with pytest.raises(ValueError, match="columns found: 'id', 'quote', 'speaker'"):
        annotate_csv_emotions(source, "text", tmp_path / "x.csv", embedder, classifier)
    assert not (tmp_path / "x.csv").exists()


def test_hybrid_model_reads_texts(embeddings):
    if not (models_dir() / "emotions-hybrid").is_dir():
        pytest.skip("models/emotions-hybrid not shipped")
    hybrid = EmotionClassifier("emotions-hybrid")
    assert hybrid.needs_texts and hybrid.needs_embeddings
    with pytest.raises(ValueError, match="texts"):
        hybrid.predict_proba(embeddings)
    probs = hybrid.predict_proba(embeddings, SENTENCES)
    assert probs.shape == (len(SENTENCES), 28)
    records = hybrid.predict_records(embeddings, SENTENCES)
    assert records[0]["sentiment"] == "negative" and records[1]["sentiment"] == "positive"
    assert records[2]["ekman"] == "fear", records[2]
    assert records == hybrid.predict_records(embeddings, list(SENTENCES))


def test_finetuned_layout_round_trip(tmp_path):
    """The fine-tuned-encoder layout (written by scripts/train_emotions.py) loads without pickle."""
    import sys

    from insightminer.model_registry import resolve_embedding_model

    sys.path.insert(0, str(models_dir().parent / "scripts"))
    from train_emotions import FinetuneModel

    model = FinetuneModel(resolve_embedding_model("all-MiniLM-L6-v2"), 28, seed=0)
    expected = model.predict_proba(SENTENCES[:2], max_len=64)
    folder = tmp_path / "emotions-finetuned"
    model.save(folder, np.full(28, 0.5, np.float32), 64, {"epoch": 0}, card=None)
    assert not list(folder.glob("*.bin")) and (folder / "model.safetensors").is_file()
    loaded = EmotionClassifier(str(folder))
    assert loaded.needs_texts and not loaded.needs_embeddings
    with pytest.raises(ValueError, match="texts"):
        loaded.predict_proba(None)
    np.testing.assert_allclose(loaded.predict_proba(None, SENTENCES[:2]), expected, atol=1e-5)


@pytest.fixture(scope="module")
def finetuned() -> EmotionClassifier:
    return EmotionClassifier("emotions-finetuned")


def test_shipped_finetuned_model_reads_customer_statements(finetuned):
    """The shipped fine-tuned encoder on statements whose emotion is plain."""
    assert finetuned.needs_texts and not finetuned.needs_embeddings
    # Its card's figures are what issue 4 asks of it (measured by scripts/train_emotions.py --export).
    assert finetuned.metadata_["dev_macro_f1"] >= 0.50
    assert finetuned.metadata_["dev_ekman_macro_f1"] >= 0.62
    records = finetuned.predict_records(None, SENTENCES)
    assert records[0]["sentiment"] == "negative" and records[0]["ekman"] in {"anger", "sadness", "disgust"}
    assert records[1]["sentiment"] == "positive" and records[1]["ekman"] == "joy", records[1]
    assert records[2]["ekman"] == "fear", records[2]
    assert records[3]["emotion"] in {"curiosity", "confusion", "neutral"}, records[3]
    assert records[4]["emotion"] == "neutral", records[4]


def test_finetuned_scores_do_not_depend_on_batch_order(finetuned):
    """Length-sorted batching must hand every row its own scores, the same in any order or batch."""
    alone = np.stack([finetuned.predict_proba(None, [t])[0] for t in SENTENCES])
    together = finetuned.predict_proba(None, SENTENCES)
    reverse = finetuned.predict_proba(None, SENTENCES[::-1])[::-1]
    np.testing.assert_allclose(together, alone, atol=1e-4)
    np.testing.assert_allclose(reverse, together, atol=1e-4)
    assert finetuned.predict_records(None, SENTENCES) == EmotionClassifier(
        "emotions-finetuned"
    ).predict_records(None, list(SENTENCES))
