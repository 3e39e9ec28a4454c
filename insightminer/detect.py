"""Detect stage: label each customer statement as a pain point, need, praise, question or other.

A small trained head (``insightminer.heads.EmbeddingClassifier``) on sentence embeddings does the
work; one cheap, explainable text cue corrects it where cross-validation showed it helps: a statement
that ends in "?" is a question, unless the head is confident it is a complaint or a request phrased as
a question ("Why does it take three clicks to log a call?", "Could you add a bulk delete?").
The cue's settings travel with the head, in ``head.json`` under ``metadata.cues``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from insightminer.heads import EmbeddingClassifier
from insightminer.model_registry import resolve_head
from insightminer.schema import STATEMENT_KINDS, Statement

DEFAULT_DETECTOR_MODEL = "statement-kind"

#: Used when a head carries no cue settings of its own: the rule measured in CV (see the model card).
DEFAULT_CUES: dict[str, Any] = {
    "question_mark": {
        "enabled": True,
        # The head keeps its answer for these kinds when its probability is at least this high.
        "keep_if": {"pain_point": 0.8, "need": 0.8},
    }
}


def ends_with_question_mark(text: str) -> bool:
    """True when the statement's last visible character is "?" (closing quotes/brackets ignored)."""
    stripped = text.rstrip().rstrip("\"')]»”’")
    return stripped.endswith(("?", "？"))


def apply_question_cue(
    probs: np.ndarray,
    texts: Sequence[str],
    labels: Sequence[str],
    keep_if: dict[str, float],
) -> tuple[list[int], list[float]]:
    """Argmax of ``probs`` per row, moved to "question" for texts ending in "?".

    The head's answer stands when it is a kind named in ``keep_if`` with at least that probability.
    The reported score is the head's probability of the chosen kind, so it stays honest: a cue-made
    "question" with a low head probability shows a low score.
    """
    labels = list(labels)
    q = labels.index("question")
    chosen: list[int] = []
    for row, text in zip(probs, texts, strict=True):
        best = int(np.argmax(row))
        if best != q and ends_with_question_mark(text):
            kind = labels[best]
            if not (kind in keep_if and float(row[best]) >= keep_if[kind]):
                best = q
        chosen.append(best)
    return chosen, [float(probs[i, j]) for i, j in enumerate(chosen)]


class StatementKindDetector:
    """Classify statements into ``STATEMENT_KINDS`` from their embeddings and text.

    Parameters
    ----------
    model:
        A head name under ``models/`` (default ``"statement-kind"``) or a folder path holding
        ``head.safetensors`` + ``head.json``.
    use_cues:
        Apply the text cues stored with the head (default True). False gives the head alone.
    """

    def __init__(self, model: str = DEFAULT_DETECTOR_MODEL, use_cues: bool = True):
        self.model = model
        self.use_cues = use_cues
        self.head_: EmbeddingClassifier | None = None
        self.path_: Path | None = None
        self.cues_: dict[str, Any] = {}

    def load(self) -> StatementKindDetector:
        """Load the head (safetensors + JSON, never pickle); checks its labels are the statement kinds."""
        path = resolve_head(self.model)
        head = EmbeddingClassifier.load(path)
        if sorted(head.labels) != sorted(STATEMENT_KINDS):
            raise ValueError(
                f"The head at {path} predicts {head.labels}, not the statement kinds {list(STATEMENT_KINDS)}."
            )
        if head.multi_label:
            raise ValueError(
                f"The head at {path} is multi-label; the statement-kind detector needs one label."
            )
        self.head_ = head
        self.path_ = path
        self.cues_ = head.metadata_.get("cues", DEFAULT_CUES)
        return self

    def _ensure_loaded(self) -> EmbeddingClassifier:
        if self.head_ is None:
            self.load()
        assert self.head_ is not None
        return self.head_

    @property
    def embedding_model(self) -> str:
        """The embedding model the head was trained on; the pipeline's embedder must match it."""
        return self._ensure_loaded().embedding_model

    @property
    def labels(self) -> list[str]:
        return list(self._ensure_loaded().labels)

    def predict_proba(self, embeddings: np.ndarray) -> np.ndarray:
        """Head probabilities per kind (columns in ``self.labels`` order), before any text cue."""
        head = self._ensure_loaded()
        X = np.asarray(embeddings, dtype=np.float32)
        if X.ndim != 2:
            raise ValueError(f"embeddings must be a 2-D array (n_statements, dim), got shape {X.shape}")
        if len(X) and X.shape[1] != head.input_dim_:
            raise ValueError(
                f"embeddings have {X.shape[1]} dimensions but the head expects {head.input_dim_} "
                f"(it was trained on {head.embedding_model})."
            )
        return head.predict_proba(X)

    def predict(self, embeddings: np.ndarray, texts: list[str]) -> list[tuple[str, float]]:
        """(kind, probability) per statement, in input order."""
        if len(embeddings) != len(texts):
            raise ValueError(f"got {len(embeddings)} embeddings for {len(texts)} texts; they must match")
        if not texts:
            return []
        probs = self.predict_proba(embeddings)
        labels = self.labels
        cue = self.cues_.get("question_mark", {}) if self.use_cues else {}
        if cue.get("enabled"):
            chosen, scores = apply_question_cue(probs, texts, labels, cue.get("keep_if", {}))
        else:
            chosen = [int(i) for i in probs.argmax(1)] if len(probs) else []
            scores = [float(probs[i, j]) for i, j in enumerate(chosen)]
        return [(labels[j], round(s, 6)) for j, s in zip(chosen, scores, strict=True)]

    def annotate(self, statements: list[Statement], embeddings: np.ndarray) -> list[Statement]:
        """Set ``kind`` and ``kind_score`` on each statement (in place) and return the same list."""
        for statement, (kind, score) in zip(
            statements, self.predict(embeddings, [s.text for s in statements]), strict=True
        ):
            statement.kind = kind
            statement.kind_score = score
        return statements
