"""Small classifier heads on frozen sentence embeddings, stored as safetensors + JSON.

One estimator serves every statement classifier in the project (statement kind, emotions,
motivators, a user's own taxonomy). scikit-learn conventions: parameters in ``__init__``, fitted
state in trailing-underscore attributes, deterministic with ``random_state``. Nothing is pickled:
a model file can never run code.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from insightminer.storage import atomic_write_bytes, atomic_write_text, dumps_json

HEAD_WEIGHTS = "head.safetensors"
HEAD_CONFIG = "head.json"
FORMAT_VERSION = 1


def best_thresholds(probs: np.ndarray, Y: np.ndarray, grid: Sequence[float] | None = None) -> np.ndarray:
    """Per-label threshold that maximises that label's F1 (0.5 for a label with no positives)."""
    Y = np.asarray(Y).astype(bool)
    grid = np.asarray(grid if grid is not None else np.arange(0.05, 0.96, 0.01), dtype=np.float32)
    best = np.full(Y.shape[1], 0.5, dtype=np.float32)
    for j in range(Y.shape[1]):
        truth = Y[:, j]
        if not truth.any():
            continue
        pred = probs[:, j][None, :] >= grid[:, None]
        tp = (pred & truth).sum(1)
        fp = (pred & ~truth).sum(1)
        fn = (~pred & truth).sum(1)
        f1 = 2 * tp / np.maximum(2 * tp + fp + fn, 1)
        best[j] = grid[int(np.argmax(f1))]
    return best


class EmbeddingClassifier:
    """Linear or one-hidden-layer head on sentence embeddings.

    Single-label heads use softmax; multi-label heads use per-label sigmoids with per-label
    thresholds (``tune_thresholds`` picks them on held-out data).
    """

    def __init__(
        self,
        labels: Sequence[str],
        multi_label: bool = False,
        hidden_dim: int = 256,
        epochs: int = 60,
        learning_rate: float = 2e-3,
        weight_decay: float = 1e-4,
        dropout: float = 0.1,
        batch_size: int = 128,
        class_weight: str | None = "balanced",
        random_state: int = 0,
        embedding_model: str = "all-MiniLM-L6-v2",
    ):
        self.labels = list(labels)
        self.multi_label = multi_label
        self.hidden_dim = hidden_dim
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.dropout = dropout
        self.batch_size = batch_size
        self.class_weight = class_weight
        self.random_state = random_state
        self.embedding_model = embedding_model
        self.thresholds_: np.ndarray | None = None
        self.metadata_: dict[str, Any] = {}
        self.input_dim_: int | None = None
        # Inference runs on these (weight, bias) pairs in numpy: a run that only loads a head never
        # imports torch (~0.25 GB resident). Dropout is the identity at inference.
        self._layers: list[tuple[str, np.ndarray, np.ndarray]] | None = None

    # -- model -------------------------------------------------------------------------------
    def _build(self, input_dim: int):
        import torch
        from torch import nn

        torch.manual_seed(self.random_state)
        n_out = len(self.labels)
        if self.hidden_dim and self.hidden_dim > 0:
            module = nn.Sequential(
                nn.Dropout(self.dropout),
                nn.Linear(input_dim, self.hidden_dim),
                nn.GELU(),
                nn.Dropout(self.dropout),
                nn.Linear(self.hidden_dim, n_out),
            )
        else:
            module = nn.Sequential(nn.Dropout(self.dropout), nn.Linear(input_dim, n_out))
        return module

    def fit(self, X: np.ndarray, y: np.ndarray | Sequence) -> EmbeddingClassifier:
        """Fit on embeddings X. y: label indices or names (single-label) or a 0/1 matrix (multi-label)."""
        import torch
        from torch import nn

        X = np.asarray(X, dtype=np.float32)
        targets = self._encode_targets(y)
        self.input_dim_ = int(X.shape[1])
        module = self._build(self.input_dim_)  # torch only while training
        generator = torch.Generator().manual_seed(self.random_state)
        xs = torch.from_numpy(X)
        if self.multi_label:
            ys = torch.from_numpy(targets.astype(np.float32))
            pos = ys.sum(0).clamp(min=1.0)
            pos_weight = ((len(ys) - pos) / pos).clamp(max=20.0) if self.class_weight else None
            loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
        else:
            ys = torch.from_numpy(targets.astype(np.int64))
            weight = None
            if self.class_weight == "balanced":
                counts = np.bincount(targets, minlength=len(self.labels)).astype(np.float32)
                counts[counts == 0] = 1.0
                weight = torch.from_numpy(len(targets) / (len(self.labels) * counts))
            loss_fn = nn.CrossEntropyLoss(weight=weight)
        optimiser = torch.optim.AdamW(
            module.parameters(), lr=self.learning_rate, weight_decay=self.weight_decay
        )
        n = len(xs)
        steps_per_epoch = max(1, (n + self.batch_size - 1) // self.batch_size)
        scheduler = torch.optim.lr_scheduler.OneCycleLR(
            optimiser, max_lr=self.learning_rate, total_steps=self.epochs * steps_per_epoch
        )
        module.train()
        for _ in range(self.epochs):
            order = torch.randperm(n, generator=generator)
            for start in range(0, n, self.batch_size):
                idx = order[start : start + self.batch_size]
                optimiser.zero_grad()
                loss = loss_fn(module(xs[idx]), ys[idx])
                loss.backward()
                optimiser.step()
                scheduler.step()
        module.eval()
        self._layers = _linear_layers({k: v.detach().numpy() for k, v in module.state_dict().items()})
        if self.multi_label and self.thresholds_ is None:
            self.thresholds_ = np.full(len(self.labels), 0.5, dtype=np.float32)
        return self

    def _encode_targets(self, y) -> np.ndarray:
        if self.multi_label:
            arr = np.asarray(y)
            if arr.ndim != 2 or arr.shape[1] != len(self.labels):
                raise ValueError("multi-label targets must be a (n_samples, n_labels) 0/1 matrix")
            return arr
        arr = np.asarray(list(y))
        if arr.dtype.kind in "iu":
            return arr.astype(np.int64)
        index = {label: i for i, label in enumerate(self.labels)}
        unknown = sorted({str(v) for v in arr if v not in index})
        if unknown:
            raise ValueError(f"labels not in the head's label set: {unknown[:5]}")
        return np.array([index[v] for v in arr], dtype=np.int64)

    # -- inference ---------------------------------------------------------------------------
    def _fitted_layers(self) -> list[tuple[str, np.ndarray, np.ndarray]]:
        if self._layers is None:
            raise RuntimeError("This classifier is not fitted yet: call fit() or load().")
        return self._layers

    def predict_proba(self, X: np.ndarray, batch_size: int = 4096) -> np.ndarray:
        """Class probabilities (softmax) or per-label probabilities (sigmoid), float32."""
        from scipy.special import expit, softmax

        layers = self._fitted_layers()
        X = np.asarray(X, dtype=np.float32)
        if len(X) == 0:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        outs = []
        for start in range(0, len(X), batch_size):
            h = X[start : start + batch_size]
            for k, (_, weight, bias) in enumerate(layers):
                h = h @ weight.T + bias
                if k < len(layers) - 1:
                    h = _gelu(h)
            outs.append(expit(h) if self.multi_label else softmax(h, axis=-1))
        return np.concatenate(outs).astype(np.float32)

    def predict(self, X: np.ndarray) -> list:
        """Top label per row (single-label), or the list of labels over threshold (multi-label)."""
        probs = self.predict_proba(X)
        if not self.multi_label:
            return [self.labels[i] for i in probs.argmax(1)]
        assert self.thresholds_ is not None
        return [[self.labels[j] for j in np.flatnonzero(row >= self.thresholds_)] for row in probs]

    def tune_thresholds(
        self, X: np.ndarray, Y: np.ndarray, grid: Sequence[float] | None = None
    ) -> np.ndarray:
        """Per-label threshold that maximises that label's F1 on held-out (X, Y)."""
        if not self.multi_label:
            raise ValueError("thresholds apply to multi-label heads only")
        best = best_thresholds(self.predict_proba(X), Y, grid)
        self.thresholds_ = best
        return best

    # -- persistence -------------------------------------------------------------------------
    def config(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "kind": "embedding_classifier",
            "labels": self.labels,
            "multi_label": self.multi_label,
            "hidden_dim": self.hidden_dim,
            "input_dim": self.input_dim_,
            "dropout": self.dropout,
            "embedding_model": self.embedding_model,
            "thresholds": None
            if self.thresholds_ is None
            else [round(float(t), 4) for t in self.thresholds_],
            "training": {
                "epochs": self.epochs,
                "learning_rate": self.learning_rate,
                "weight_decay": self.weight_decay,
                "batch_size": self.batch_size,
                "class_weight": self.class_weight,
                "random_state": self.random_state,
            },
            "metadata": self.metadata_,
        }

    def save(self, folder: str | Path, model_card: str | None = None) -> Path:
        """Write head.safetensors, head.json and (if given) README.md into folder."""
        from safetensors.numpy import save

        layers = self._fitted_layers()
        folder = Path(folder)
        state = {}
        for prefix, weight, bias in layers:  # the torch module's own names ("1.weight", ...)
            state[f"{prefix}.weight"] = np.ascontiguousarray(weight)
            state[f"{prefix}.bias"] = np.ascontiguousarray(bias)
        atomic_write_bytes(folder / HEAD_WEIGHTS, save(state))
        atomic_write_text(folder / HEAD_CONFIG, dumps_json(self.config()))
        if model_card is not None:
            atomic_write_text(folder / "README.md", model_card)
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> EmbeddingClassifier:
        from safetensors.numpy import load

        folder = Path(folder)
        config_path = folder / HEAD_CONFIG
        if not config_path.is_file():
            raise FileNotFoundError(f"{folder} has no {HEAD_CONFIG}: not a trained insightminer head")
        config = json.loads(config_path.read_text(encoding="utf-8"))
        training = config.get("training", {})
        head = cls(
            labels=config["labels"],
            multi_label=config["multi_label"],
            hidden_dim=config["hidden_dim"],
            dropout=config.get("dropout", 0.1),
            embedding_model=config.get("embedding_model", "all-MiniLM-L6-v2"),
            **{
                k: v
                for k, v in training.items()
                if k
                in {"epochs", "learning_rate", "weight_decay", "batch_size", "class_weight", "random_state"}
            },
        )
        if config.get("thresholds") is not None:
            head.thresholds_ = np.asarray(config["thresholds"], dtype=np.float32)
        head.metadata_ = config.get("metadata", {})
        state = load((folder / HEAD_WEIGHTS).read_bytes())
        head.input_dim_ = int(config["input_dim"])
        layers = _linear_layers(state)
        expected = 2 if head.hidden_dim and head.hidden_dim > 0 else 1
        if len(layers) != expected or layers[0][1].shape[1] != head.input_dim_:
            raise ValueError(f"{folder / HEAD_WEIGHTS}: weights do not match {HEAD_CONFIG}")
        head._layers = layers
        return head


def _linear_layers(state: dict[str, np.ndarray]) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(name, weight, bias) of each Linear of the Sequential, in order ("1.weight" -> layer 1)."""
    prefixes = sorted({k.rsplit(".", 1)[0] for k in state}, key=lambda p: int(p) if p.isdigit() else p)
    return [
        (
            p,
            np.asarray(state[f"{p}.weight"], dtype=np.float32),
            np.asarray(state[f"{p}.bias"], dtype=np.float32),
        )
        for p in prefixes
    ]


def _gelu(x: np.ndarray) -> np.ndarray:
    """torch's nn.GELU (the exact, erf form), in float32."""
    from scipy.special import erf

    return (0.5 * x * (1.0 + erf(x * np.float32(0.7071067811865476)))).astype(np.float32)
