"""Emotions per statement: the 27 GoEmotions emotions + neutral, and their Ekman / sentiment groups.

Two kinds of shipped model load here, both offline and pickle-free:

- ``models/emotions/``: a multi-label :class:`~insightminer.classify.heads.EmbeddingClassifier` on frozen
  all-MiniLM-L6-v2 sentence embeddings (the embeddings the pipeline already computes).
- ``models/emotions-hybrid/``: the same kind of head averaged with a TF-IDF (word 1-2 grams) +
  logistic-regression model stored as ``tfidf.json`` (vocabulary, settings, blend weight) and
  ``tfidf.safetensors`` (idf, coefficients). It needs both the embeddings and the texts.
- ``models/emotions-finetuned/``: the MiniLM encoder fine-tuned end to end with a linear head
  (``config.json`` + ``model.safetensors`` + tokenizer files + ``head.json``/``head.safetensors``). It runs
  its own encoder, so it needs the statement texts; the embeddings passed in are ignored.

Ekman and sentiment scores are aggregated from the 28 label probabilities (the maximum over the mapped
labels), so one model serves all three granularities and they never contradict each other.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from insightminer.classify.csv_annotate import annotate_csv
from insightminer.model_registry import resolve_head

# Index order of the GoEmotions release (google-research goemotions/data/emotions.txt).
GOEMOTIONS_LABELS: tuple[str, ...] = (
    "admiration",
    "amusement",
    "anger",
    "annoyance",
    "approval",
    "caring",
    "confusion",
    "curiosity",
    "desire",
    "disappointment",
    "disapproval",
    "disgust",
    "embarrassment",
    "excitement",
    "fear",
    "gratitude",
    "grief",
    "joy",
    "love",
    "nervousness",
    "optimism",
    "pride",
    "realization",
    "relief",
    "remorse",
    "sadness",
    "surprise",
    "neutral",
)

# google-research goemotions/data/ekman_mapping.json, plus neutral -> neutral.
EKMAN_MAPPING: dict[str, list[str]] = {
    "anger": ["anger", "annoyance", "disapproval"],
    "disgust": ["disgust"],
    "fear": ["fear", "nervousness"],
    "joy": [
        "joy",
        "amusement",
        "approval",
        "excitement",
        "gratitude",
        "love",
        "optimism",
        "relief",
        "pride",
        "admiration",
        "desire",
        "caring",
    ],
    "sadness": ["sadness", "disappointment", "embarrassment", "grief", "remorse"],
    "surprise": ["surprise", "realization", "confusion", "curiosity"],
    "neutral": ["neutral"],
}

# The sentiment grouping of the GoEmotions paper (Demszky et al. 2020, table of groups), plus neutral.
SENTIMENT_MAPPING: dict[str, list[str]] = {
    "positive": [
        "admiration",
        "amusement",
        "approval",
        "caring",
        "desire",
        "excitement",
        "gratitude",
        "joy",
        "love",
        "optimism",
        "pride",
        "relief",
    ],
    "negative": [
        "anger",
        "annoyance",
        "disappointment",
        "disapproval",
        "disgust",
        "embarrassment",
        "fear",
        "grief",
        "nervousness",
        "remorse",
        "sadness",
    ],
    "ambiguous": ["confusion", "curiosity", "realization", "surprise"],
    "neutral": ["neutral"],
}

EKMAN_LABELS: tuple[str, ...] = tuple(EKMAN_MAPPING)
SENTIMENT_LABELS: tuple[str, ...] = tuple(SENTIMENT_MAPPING)
RECORD_COLUMNS: tuple[str, ...] = ("emotion", "emotion_score", "emotions", "ekman", "sentiment")
FINETUNED_KIND = "finetuned_encoder"


def group_matrix(mapping: dict[str, list[str]]) -> np.ndarray:
    """(n_groups, 28) 0/1 matrix: which GoEmotions labels belong to each group."""
    index = {label: i for i, label in enumerate(GOEMOTIONS_LABELS)}
    matrix = np.zeros((len(mapping), len(GOEMOTIONS_LABELS)), dtype=np.float32)
    for g, labels in enumerate(mapping.values()):
        for label in labels:
            matrix[g, index[label]] = 1.0
    return matrix


def aggregate_groups(probs: np.ndarray, mapping: dict[str, list[str]], method: str = "max") -> np.ndarray:
    """Group scores from label probabilities: max over the group's labels, or noisy-or."""
    probs = np.asarray(probs, dtype=np.float32)
    if probs.ndim != 2 or probs.shape[1] != len(GOEMOTIONS_LABELS):
        raise ValueError(f"expected (n, {len(GOEMOTIONS_LABELS)}) probabilities, got shape {probs.shape}")
    member = group_matrix(mapping).astype(bool)
    if method == "max":
        return np.stack([probs[:, m].max(1) for m in member], axis=1).astype(np.float32)
    if method == "noisy_or":
        return np.stack([1.0 - np.prod(1.0 - probs[:, m], axis=1) for m in member], axis=1).astype(np.float32)
    raise ValueError(f"unknown aggregation method {method!r}: use 'max' or 'noisy_or'")


def _label_to_group(mapping: dict[str, list[str]]) -> dict[str, str]:
    return {label: group for group, labels in mapping.items() for label in labels}


_EKMAN_OF = _label_to_group(EKMAN_MAPPING)
_SENTIMENT_OF = _label_to_group(SENTIMENT_MAPPING)


class _FinetunedEncoder:
    """Fine-tuned MiniLM + mean pooling + linear layer, loaded from safetensors (no pickle).

    The encoder runs through insightminer.text.encoders (torch, or a faithful OpenVINO / ONNX export of
    the same weights); pooling and the linear layer are a few numpy lines. Weights may be stored in
    float16 (half the size on disk); they are computed in float32. (Dynamic int8 quantization was
    measured and rejected: its per-batch activation scale made a statement's top emotion depend on
    which statements shared its batch, for 2-8% of them.)
    ``head.json`` ``activation`` picks per-label sigmoids (multi-label, the default) or a softmax over
    the labels (single-label models such as ``statement-kind-finetuned``).
    """

    def __init__(self, folder: Path, config: dict[str, Any], backend: str = "auto", device: str = "cpu"):
        from safetensors.numpy import load_file

        from insightminer.text.encoders import TokenEncoder

        self.folder = folder
        self.max_seq_len = int(config.get("max_seq_len", 64))
        self.batch_size = int(config.get("batch_size", 32))
        self.activation = str(config.get("activation", "sigmoid"))
        if self.activation not in ("sigmoid", "softmax"):
            raise ValueError(f"{folder}/head.json: unknown activation {self.activation!r}")
        self.encoder = TokenEncoder(folder, backend=backend, device=device, max_length=self.max_seq_len)
        state = load_file(str(folder / "head.safetensors"))
        self.weight = state["weight"].astype(np.float32)  # (labels, hidden)
        self.bias = state["bias"].astype(np.float32)

    @property
    def backend_(self) -> str:
        return self.encoder.backend_

    def predict_proba(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        from insightminer.text.encoders import mean_pool

        def head(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
            logits = mean_pool(hidden, mask) @ self.weight.T + self.bias
            if self.activation == "softmax":
                z = np.exp(logits - logits.max(1, keepdims=True))
                return z / z.sum(1, keepdims=True)
            return 1.0 / (1.0 + np.exp(-logits))

        # Batches of similar token count waste little on padding (insightminer.text.encoders).
        return self.encoder.map(texts, self.batch_size, head, len(self.bias), show_progress, desc="Emotions")

    def length_order(self, texts: Sequence[str]) -> list[int]:
        """The order rows are batched in: chunks cut from it give the same batches as one call."""
        return self.encoder.length_order(texts)


class _TfidfLinear:
    """TF-IDF (sklearn analyzer, fixed vocabulary and idf) + per-label logistic regression."""

    def __init__(self, folder: Path):
        from safetensors.numpy import load_file
        from sklearn.feature_extraction.text import TfidfVectorizer

        config = json.loads((folder / "tfidf.json").read_text(encoding="utf-8"))
        arrays = load_file(str(folder / "tfidf.safetensors"))
        vocabulary = {term: i for i, term in enumerate(config["vocabulary"])}
        self.weight = float(config["weight"])
        self.vectorizer = TfidfVectorizer(
            ngram_range=tuple(config["ngram_range"]),
            sublinear_tf=bool(config["sublinear_tf"]),
            lowercase=bool(config.get("lowercase", True)),
            vocabulary=vocabulary,
        )
        self.vectorizer.idf_ = arrays["idf"].astype(np.float64)
        self.coef = arrays["coef"].astype(np.float32)  # (n_labels, n_terms)
        self.intercept = arrays["intercept"].astype(np.float32)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        X = self.vectorizer.transform(list(texts)).astype(np.float32)
        logits = np.asarray(X @ self.coef.T) + self.intercept[None, :]
        return (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)


class EmotionClassifier:
    """GoEmotions labels per statement (multi-label, with scores), plus Ekman and sentiment groups.

    ``model`` is a folder name under ``models/`` ("emotions", "emotions-hybrid", "emotions-finetuned")
    or a path. Check ``needs_texts`` / ``needs_embeddings`` to know what to pass. ``backend`` (torch |
    openvino | onnx | auto) runs a fine-tuned model's own encoder (see insightminer.text.encoders).
    """

    def __init__(
        self,
        model: str = "emotions",
        min_confidence: float | None = None,
        backend: str = "auto",
        device: str = "cpu",
    ):
        if min_confidence is not None and not 0.0 <= min_confidence <= 1.0:
            raise ValueError(f"min_confidence must be between 0 and 1, got {min_confidence}")
        self.model = model
        self.min_confidence = min_confidence
        folder = resolve_head(model)
        config_path = folder / "head.json"
        if not config_path.is_file():
            raise FileNotFoundError(f"{folder} has no head.json: not an insightminer emotion model")
        config = json.loads(config_path.read_text(encoding="utf-8"))
        labels = tuple(config.get("labels", ()))
        if labels != GOEMOTIONS_LABELS:
            raise ValueError(
                f"{folder} is not a GoEmotions model: its labels differ from the 28 GoEmotions labels"
            )
        self.folder_ = folder
        self.kind_ = config.get("kind", "embedding_classifier")
        self.embedding_model: str = config.get("embedding_model", "all-MiniLM-L6-v2")
        self.thresholds_ = np.asarray(config["thresholds"], dtype=np.float32)
        self.metadata_: dict[str, Any] = config.get("metadata", {})
        # Ekman group -> threshold calibrated on held-back conversational data (None: not calibrated).
        self.ekman_thresholds_: dict[str, float] | None = config.get("ekman_thresholds")
        self.progress = False  # a progress bar (stderr) while a fine-tuned encoder runs
        if self.kind_ == FINETUNED_KIND:
            self._finetuned: _FinetunedEncoder | None = _FinetunedEncoder(folder, config, backend, device)
            self._head = None
        else:
            from insightminer.classify.heads import EmbeddingClassifier

            self._finetuned = None
            self._head = EmbeddingClassifier.load(folder)
        self._tfidf = _TfidfLinear(folder) if (folder / "tfidf.json").is_file() else None

    @property
    def needs_texts(self) -> bool:
        """True when predict_proba needs the texts (fine-tuned or hybrid TF-IDF model)."""
        return self._finetuned is not None or self._tfidf is not None

    @property
    def needs_embeddings(self) -> bool:
        """True when predict_proba needs sentence embeddings from ``embedding_model``."""
        return self._finetuned is None

    def predict_proba(self, embeddings: np.ndarray | None, texts: list[str] | None = None) -> np.ndarray:
        """(n, 28) per-label probabilities in GOEMOTIONS_LABELS order."""
        if self._finetuned is not None:
            if texts is None:
                raise ValueError(f"the emotion model {self.model!r} is a fine-tuned encoder: pass texts=")
            if len(texts) == 0:
                return np.zeros((0, len(GOEMOTIONS_LABELS)), dtype=np.float32)
            return self._blend(self._finetuned.predict_proba(texts, self.progress), texts)
        if embeddings is None:
            raise ValueError("embeddings are required for an embedding-head emotion model")
        embeddings = np.asarray(embeddings, dtype=np.float32)
        if embeddings.ndim != 2:
            raise ValueError(f"embeddings must be a 2-D array (n, dim), got shape {embeddings.shape}")
        assert self._head is not None
        if embeddings.shape[1] != self._head.input_dim_:
            raise ValueError(
                f"embeddings have {embeddings.shape[1]} dimensions but the emotion head expects "
                f"{self._head.input_dim_} ({self.embedding_model})"
            )
        return self._blend(self._head.predict_proba(embeddings), texts)

    def _blend(self, probs: np.ndarray, texts: list[str] | None) -> np.ndarray:
        """Average with the TF-IDF side where the model has one (hybrid models)."""
        if self._tfidf is None:
            return probs
        if texts is None or len(texts) != len(probs):
            raise ValueError(
                f"the emotion model {self.model!r} also reads the texts: pass texts= (one per row)"
            )
        if len(texts) == 0:
            return probs
        w = self._tfidf.weight
        return ((1.0 - w) * probs + w * self._tfidf.predict_proba(texts)).astype(np.float32)

    @property
    def gated(self) -> bool:
        """True when a statement is neutral unless an emotion clears its confidence threshold."""
        return self.min_confidence is not None or self.ekman_thresholds_ is not None

    def _gate_thresholds(self) -> np.ndarray:
        """Per-label threshold of the neutral gate: its Ekman group's (or min_confidence)."""
        if self.min_confidence is not None:
            return np.full(len(GOEMOTIONS_LABELS), self.min_confidence, dtype=np.float32)
        assert self.ekman_thresholds_ is not None
        return np.array(
            [self.ekman_thresholds_.get(_EKMAN_OF[label], 1.01) for label in GOEMOTIONS_LABELS],
            dtype=np.float32,
        )

    def _labels_from_probs(self, probs: np.ndarray, top_k: int | None) -> list[dict[str, float]]:
        if self.gated:
            return self._gated_labels(probs, top_k)
        out = []
        for row in probs:
            # Highest score first, ties broken by label index, so the order is deterministic.
            order = sorted(range(len(row)), key=lambda j: (-float(row[j]), j))
            chosen = [j for j in order if row[j] >= self.thresholds_[j]] or order[:1]
            if top_k is not None:
                chosen = chosen[: max(1, top_k)]
            out.append({GOEMOTIONS_LABELS[j]: round(float(row[j]), 4) for j in chosen})
        return out

    def _gated_labels(self, probs: np.ndarray, top_k: int | None) -> list[dict[str, float]]:
        """Emotions that clear their threshold, highest first; {"neutral": score} when none does."""
        thresholds = self._gate_thresholds()
        neutral = GOEMOTIONS_LABELS.index("neutral")
        out = []
        for row in probs:
            order = sorted(range(len(row)), key=lambda j: (-float(row[j]), j))
            chosen = [j for j in order if j != neutral and row[j] >= thresholds[j]]
            if top_k is not None:
                chosen = chosen[: max(1, top_k)]
            out.append({GOEMOTIONS_LABELS[j]: round(float(row[j]), 4) for j in chosen or [neutral]})
        return out

    def predict(
        self, embeddings: np.ndarray | None, texts: list[str] | None = None, top_k: int | None = None
    ) -> list[dict[str, float]]:
        """Per row: labels over their threshold -> score, highest first; never empty (falls back to top-1)."""
        return self._labels_from_probs(self.predict_proba(embeddings, texts), top_k)

    def ekman(self, probs: np.ndarray) -> np.ndarray:
        """(n, 7) Ekman scores in EKMAN_LABELS order: the max probability over each group's labels."""
        return aggregate_groups(probs, EKMAN_MAPPING, "max")

    def sentiment(self, probs: np.ndarray) -> np.ndarray:
        """(n, 4) scores for positive / negative / ambiguous / neutral (SENTIMENT_LABELS order)."""
        return aggregate_groups(probs, SENTIMENT_MAPPING, "max")

    def predict_records(self, embeddings: np.ndarray | None, texts: list[str] | None = None) -> list[dict]:
        """Flat per-row records for tables: top emotion, its score, all predicted emotions, groups.

        The Ekman and sentiment columns are the groups of the top emotion, so a row never says
        "gratitude" and "negative" at once.
        """
        probs = self.predict_proba(embeddings, texts)
        records = []
        for labels in self._labels_from_probs(probs, None):
            top, score = next(iter(labels.items()))
            records.append(
                {
                    "emotion": top,
                    "emotion_score": score,
                    "emotions": ";".join(f"{k}:{v:.3f}" for k, v in labels.items()),
                    "ekman": _EKMAN_OF[top],
                    "sentiment": _SENTIMENT_OF[top],
                }
            )
        return records


def calibrate_ekman_thresholds(
    probs: np.ndarray,
    truth: Sequence[str],
    grid: np.ndarray | None = None,
    rounds: int = 3,
    objective: str = "balanced",
) -> tuple[dict[str, float], float]:
    """Per-Ekman-group thresholds of the neutral gate, chosen on held-back (probs, truth).

    `truth` holds one Ekman group per row ("neutral" included); probs are the 28 label probabilities
    of held-back rows (never the rows a model was fit on). The objective is Ekman accuracy
    ("accuracy"), or its mean with the macro-F1 over the groups present ("balanced", the default:
    accuracy alone can buy a point by silencing a whole minority group, e.g. annoyed customers).
    Coordinate ascent from 0.5, a few rounds; ties keep the higher threshold (silent when unsure).
    Returns (thresholds, Ekman accuracy at them).
    """
    if objective not in ("accuracy", "balanced"):
        raise ValueError(f"unknown objective {objective!r}: use 'accuracy' or 'balanced'")
    grid = np.round(np.arange(0.10, 0.96, 0.01), 2) if grid is None else grid
    probs = np.asarray(probs, dtype=np.float32)
    truth_arr = np.asarray(truth)
    groups = [g for g in EKMAN_LABELS if g != "neutral"]
    group_of = np.array([EKMAN_LABELS.index(_EKMAN_OF[label]) for label in GOEMOTIONS_LABELS])
    neutral = GOEMOTIONS_LABELS.index("neutral")
    masked = probs.copy()
    masked[:, neutral] = -1.0

    present = sorted(set(truth_arr.tolist()))

    def predict(th: dict[str, float]) -> np.ndarray:
        per_label = np.array([th.get(_EKMAN_OF[label], 1.01) for label in GOEMOTIONS_LABELS])
        passing = np.where(masked >= per_label[None, :], masked, -1.0)
        best = passing.argmax(1)
        has = passing.max(1) >= 0
        return np.where(has, np.array(EKMAN_LABELS)[group_of[best]], "neutral")

    def score(th: dict[str, float]) -> float:
        pred = predict(th)
        acc = float((pred == truth_arr).mean())
        if objective == "accuracy":
            return acc
        f1s = []
        for g in present:
            tp = float(((pred == g) & (truth_arr == g)).sum())
            denom = float((pred == g).sum() + (truth_arr == g).sum())
            f1s.append(2 * tp / denom if denom else 0.0)
        return 0.5 * acc + 0.5 * float(np.mean(f1s))

    thresholds = {g: 0.5 for g in groups}
    for _ in range(rounds):
        for g in groups:
            scores = [(score({**thresholds, g: float(t)}), float(t)) for t in grid]
            best = max(s for s, _ in scores)
            thresholds[g] = max(t for s, t in scores if s == best)
    return {g: round(t, 2) for g, t in thresholds.items()}, float((predict(thresholds) == truth_arr).mean())


def annotate_csv_emotions(
    input_csv: Path, text_column: str, out_csv: Path, embedder: Any, classifier: EmotionClassifier
) -> int:
    """Copy input_csv to out_csv with the emotion columns added; returns the number of rows written.

    Input rows and columns keep their order; existing columns named like the new ones are replaced.
    Rows with an empty text get empty emotion cells. The output is written atomically.
    """

    def predict(texts: list[str]) -> list[dict]:
        embeddings = embedder.encode(texts) if classifier.needs_embeddings else None
        return classifier.predict_records(embeddings, texts)

    return annotate_csv(input_csv, text_column, out_csv, predict, RECORD_COLUMNS)
