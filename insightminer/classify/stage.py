"""The classify stage: every statement classifier (kind, emotions, motivators) through one loop.

Each classifier has `embedding_model` (the encoder its head was trained on; a fine-tuned encoder
reads the texts itself) and `predict(vectors, texts)`; what it says is written onto the statement by
its own `assign` function. The run's embeddings are reused when a head was trained on them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from insightminer.config import ClassifyOptions
from insightminer.schema import Statement


@dataclass
class StatementClassifier:
    """One classifier of the stage: its name (the stage timing and models_used role), the model
    id it records, the loaded classifier, and how its prediction lands on a statement."""

    name: str
    model_id: str
    classifier: Any
    assign: Callable[[Statement, Any], None]


def _set_kind(statement: Statement, prediction: tuple[str, float]) -> None:
    kind, score = prediction
    statement.kind = kind
    statement.kind_score = round(float(score), 4)


def _set_emotions(statement: Statement, scores: dict[str, float]) -> None:
    statement.emotions = {k: round(float(v), 4) for k, v in scores.items()}


def _set_motivators(statement: Statement, scores: dict[str, float]) -> None:
    statement.motivators = {k: round(float(v), 4) for k, v in scores.items()}


def statement_classifiers(
    options: ClassifyOptions, *, backend: str, device: str
) -> list[tuple[str, Callable[[], StatementClassifier]]]:
    """(name, build) of each classifier `options` ask for, in the order they run (kind first: later
    stages read it). `backend` / `device` run the fine-tuned encoders (execution settings).

    Builders, not classifiers: each is loaded when its turn comes and dropped after, so a run never
    holds two fine-tuned encoders in memory at once."""

    def kind() -> StatementClassifier:
        from insightminer.classify.detect import StatementKindDetector

        detector = StatementKindDetector(options.statement_model, backend=backend, device=device)
        return StatementClassifier("detect", options.statement_model, detector, _set_kind)

    def emotions() -> StatementClassifier:
        from insightminer.classify.emotions import EmotionClassifier

        classifier = EmotionClassifier(
            options.emotion_model, min_confidence=options.min_confidence, backend=backend, device=device
        )
        return StatementClassifier("emotions", options.emotion_model, classifier, _set_emotions)

    def motivators() -> StatementClassifier:
        from insightminer.classify.motivators import MotivatorClassifier

        classifier = MotivatorClassifier(
            options.motivator_model,
            backend=options.motivator_backend,
            min_confidence=options.min_confidence,
            nli_model=options.nli_model,
        )
        model_id = f"{options.motivator_backend}:{options.motivator_model}"
        return StatementClassifier("motivators", model_id, classifier, _set_motivators)

    out: list[tuple[str, Callable[[], StatementClassifier]]] = [("detect", kind)]
    if options.emotions:
        out.append(("emotions", emotions))
    if options.motivators:
        out.append(("motivators", motivators))
    return out


def annotate(
    statements: list[Statement],
    classifier: StatementClassifier,
    vectors_for: Callable[[str | None, list[str]], np.ndarray],
) -> None:
    """Run one classifier over every statement; `vectors_for(model, texts)` gives the embeddings
    of the model its head was trained on (the run's own when it matches)."""
    texts = [s.text for s in statements]
    vectors = vectors_for(classifier.classifier.embedding_model, texts)
    for statement, prediction in zip(statements, classifier.classifier.predict(vectors, texts), strict=True):
        classifier.assign(statement, prediction)
