"""Silent when unsure, on the shipped models: plain operational statements get neutral / no motivator,
clear ones get their label (issue 16). Sentences written for this test, not taken from data/labels."""

from __future__ import annotations

import numpy as np
import pytest

from insightminer.classify.emotions import EmotionClassifier
from insightminer.classify.motivators import MotivatorClassifier

OPERATIONAL = [
    "We have three locations and about forty staff.",
    "The export runs every night at two.",
    "Invoices are approved by the regional manager and then posted on Fridays.",
    "We use Workday for HR and NetSuite for finance.",
    "Each depot has its own dispatcher and about twelve drivers.",
    "Does the API support pagination?",
]
EMOTIONAL = [
    ("Oh great, the portal is down again on the last day of the month.", "anger"),
    ("Why does it take two weeks to add one user to the system?", "anger"),
    ("Thank you so much, your team really saved our go-live.", "joy"),
    ("I'm really worried the auditors will find gaps in our access logs this spring.", "fear"),
]
MOTIVATED = [
    ("Before the audit I need to know every access change is logged, so nothing comes back on us.",
     "feel_secure"),
    ("I'm scared that if the payroll run fails again we'll be facing a labour inspection.", "feel_secure"),
    ("My coordinators are exhausted and I want them to stop taking calls at midnight.", "well_being"),
    ("I had to admit to our CFO that I didn't know our own numbers, and I never want to feel that again.",
     "be_the_person_i_want_to_be"),
    ("Every route we cut saves diesel, and our board wants the emissions down.", "protect_environment"),
    ("I want our clinics to be the ones the rest of the network copies.", "stand_out"),
]  # fmt: skip


@pytest.fixture(scope="module")
def emotions() -> EmotionClassifier:
    return EmotionClassifier("emotions-conversational")


@pytest.fixture(scope="module")
def motivators() -> MotivatorClassifier:
    return MotivatorClassifier()


def test_shipped_models_are_calibrated(emotions, motivators):
    from insightminer.config import Config

    assert Config().classify.emotion_model == emotions.model
    assert emotions.gated and set(emotions.ekman_thresholds_) == {
        "anger",
        "disgust",
        "fear",
        "joy",
        "sadness",
        "surprise",
    }
    thresholds = motivators.calibrated_thresholds
    assert thresholds and "none" not in thresholds and all(0.0 < t <= 1.0 for t in thresholds.values())


def test_operational_statements_are_neutral_and_have_no_motivator(emotions, motivators, embedder):
    records = emotions.predict_records(None, OPERATIONAL)
    assert [r["ekman"] for r in records] == ["neutral"] * len(OPERATIONAL), records
    assert all(p == {"neutral": p["neutral"]} for p in emotions.predict(None, OPERATIONAL))
    vectors = embedder.encode(OPERATIONAL)
    assert [r["motivator"] for r in motivators.predict_records(vectors)] == ["none"] * len(OPERATIONAL)
    assert motivators.predict(vectors) == [{}] * len(OPERATIONAL)


def test_clear_emotions_get_their_group(emotions):
    records = emotions.predict_records(None, [t for t, _ in EMOTIONAL])
    assert [r["ekman"] for r in records] == [want for _, want in EMOTIONAL], records


def test_gate_alone_is_silent_rather_than_wrong():
    """emotions-finetuned (not tuned on B2B speech) with its gate: no wrong feeling on clear examples."""
    records = EmotionClassifier("emotions-finetuned").predict_records(None, [t for t, _ in EMOTIONAL])
    pairs = [(r["ekman"], want) for r, (_, want) in zip(records, EMOTIONAL, strict=True)]
    assert all(got in ("neutral", want) for got, want in pairs), pairs


def test_clear_motivators_get_their_label(motivators, embedder):
    vectors = embedder.encode([t for t, _ in MOTIVATED])
    got = [r["motivator"] for r in motivators.predict_records(vectors)]
    pairs = list(zip(got, [want for _, want in MOTIVATED], strict=True))
    # Silent rather than wrong: whatever is assigned is right, and most clear motives are found.
    assert all(g in ("none", want) for g, want in pairs), pairs
    assert sum(g == want for g, want in pairs) >= 4, pairs


def test_min_confidence_overrides_the_calibration(embedder):
    vectors = embedder.encode([t for t, _ in MOTIVATED])
    strict = MotivatorClassifier(min_confidence=1.0)
    assert {r["motivator"] for r in strict.predict_records(vectors)} == {"none"}
    loose = MotivatorClassifier(min_confidence=0.0)
    probs = loose.predict_proba(vectors)
    tops = [loose.labels[j] for j in probs.argmax(1)]
    assert [r["motivator"] for r in loose.predict_records(vectors)] == [
        t if t != "none" else "none" for t in tops
    ]
    # A score of 1.0 is out of reach: every statement is neutral.
    strict_emotions = EmotionClassifier("emotions-finetuned", min_confidence=1.0)
    assert [
        set(p) for p in strict_emotions.predict(None, ["Thank you so much!", "Why is it broken again?"])
    ] == [
        {"neutral"},
        {"neutral"},
    ]
    with pytest.raises(ValueError, match="min_confidence"):
        MotivatorClassifier(min_confidence=1.5)


def test_calibration_functions_respect_their_targets():
    from insightminer.classify.emotions import GOEMOTIONS_LABELS, calibrate_ekman_thresholds
    from insightminer.classify.motivators import calibrate_thresholds

    rng = np.random.default_rng(0)
    labels = ["feel_secure", "none", "well_being"]
    probs = rng.dirichlet([1, 3, 1], size=300).astype(np.float32)
    truth = [
        labels[j] if rng.random() < 0.4 + 0.6 * probs[i, j] else "none" for i, j in enumerate(probs.argmax(1))
    ]
    thresholds = calibrate_thresholds(probs, truth, labels, target_precision=0.8)
    assert set(thresholds) == {"feel_secure", "well_being"}
    for label, t in thresholds.items():
        j = labels.index(label)
        chosen = (probs.argmax(1) == j) & (probs[:, j] >= t)
        if chosen.sum() >= 3:
            assert np.mean(np.asarray(truth)[chosen] == label) >= 0.8
    ekman_probs = np.zeros((4, 28), dtype=np.float32)
    ekman_probs[0, GOEMOTIONS_LABELS.index("annoyance")] = 0.9
    ekman_probs[1, GOEMOTIONS_LABELS.index("annoyance")] = 0.2
    ekman_probs[2, GOEMOTIONS_LABELS.index("gratitude")] = 0.8
    ekman_probs[3, GOEMOTIONS_LABELS.index("neutral")] = 0.9
    th, acc = calibrate_ekman_thresholds(ekman_probs, ["anger", "neutral", "joy", "neutral"])
    assert acc == 1.0 and 0.2 < th["anger"] <= 0.9 and th["joy"] <= 0.8
