"""Pair classifier for the assumption check: does this statement voice the assumed problem?

A cross-encoder (MiniLM read over "assumption [SEP] statement" together, mean-pooled, one linear
layer) labels a pair `supports` / `contradicts` / `mentions` / `unrelated`. Reading both texts at
once is what a bi-encoder cosine cannot do: "the sync has been fine" and "the sync keeps breaking"
embed close together, but only one of them voices the problem. Probabilities are temperature-scaled
on held-out development pairs (models/assumption-check/README.md). Stored as safetensors + JSON.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

PAIR_LABELS: tuple[str, ...] = ("supports", "contradicts", "mentions", "unrelated")
PAIR_KIND = "pair_cross_encoder"
DEFAULT_MODEL = "assumption-check"


class PairClassifier:
    """Cross-encoder over (assumption, statement) pairs; `predict_proba` gives calibrated probabilities."""

    def __init__(
        self,
        encoder: Any,
        tokenizer: Any,
        linear: Any,
        labels: Sequence[str] = PAIR_LABELS,
        *,
        temperature: float = 1.0,
        max_seq_len: int = 96,
        batch_size: int = 32,
        metadata: dict[str, Any] | None = None,
    ):
        self.encoder = encoder
        self.tokenizer = tokenizer
        self.linear = linear
        self.labels = list(labels)
        self.temperature = float(temperature)
        self.max_seq_len = int(max_seq_len)
        self.batch_size = int(batch_size)
        self.metadata = dict(metadata or {})

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def from_base(cls, base: str | Path, layers: int | None = None, seed: int = 0, **kw) -> PairClassifier:
        """An untrained classifier on a sentence-transformers folder (for training)."""
        import torch
        from transformers import AutoModel, AutoTokenizer

        torch.manual_seed(seed)
        tokenizer = AutoTokenizer.from_pretrained(str(base), local_files_only=True)
        encoder = AutoModel.from_pretrained(
            str(base), local_files_only=True, use_safetensors=True, add_pooling_layer=False
        )
        if layers is not None and layers < encoder.config.num_hidden_layers:
            encoder.encoder.layer = encoder.encoder.layer[:layers]
            encoder.config.num_hidden_layers = layers
        linear = torch.nn.Linear(encoder.config.hidden_size, len(PAIR_LABELS))
        return cls(encoder, tokenizer, linear, **kw)

    @classmethod
    def load(cls, name_or_path: str | Path = DEFAULT_MODEL) -> PairClassifier:
        """A trained pair classifier by name (a folder under models/) or path."""
        import torch
        from safetensors.torch import load_file
        from transformers import AutoModel, AutoTokenizer

        from insightminer.model_registry import resolve_head

        folder = resolve_head(str(name_or_path))
        config_path = folder / "head.json"
        if not config_path.is_file():
            raise FileNotFoundError(f"{folder} has no head.json: not a trained assumption-check model")
        config = json.loads(config_path.read_text(encoding="utf-8"))
        if config.get("kind") != PAIR_KIND:
            raise ValueError(f"{folder} holds a {config.get('kind')!r} model, not an assumption-check model")
        tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        encoder = AutoModel.from_pretrained(
            str(folder),
            local_files_only=True,
            use_safetensors=True,
            dtype=torch.float32,
            add_pooling_layer=False,
        )
        encoder.eval()
        state = load_file(str(folder / "head.safetensors"))
        linear = torch.nn.Linear(state["weight"].shape[1], state["weight"].shape[0])
        linear.load_state_dict({k: v.float() for k, v in state.items()})
        linear.eval()
        return cls(
            encoder,
            tokenizer,
            linear,
            config["labels"],
            temperature=config.get("temperature", 1.0),
            max_seq_len=config.get("max_seq_len", 96),
            batch_size=config.get("batch_size", 32),
            metadata=config.get("metadata", {}),
        )

    # -- model -------------------------------------------------------------------------------
    def parameters(self) -> list:
        return list(self.encoder.parameters()) + list(self.linear.parameters())

    def train(self, mode: bool = True) -> None:
        self.encoder.train(mode)
        self.linear.train(mode)

    def logits(self, assumptions: Sequence[str], statements: Sequence[str]):
        """Raw logits (a torch tensor) for aligned lists of assumptions and statements."""
        batch = self.tokenizer(
            list(assumptions),
            list(statements),
            padding=True,
            truncation="longest_first",
            max_length=self.max_seq_len,
            return_tensors="pt",
        )
        hidden = self.encoder(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.linear(pooled)

    def predict_logits(self, assumptions: Sequence[str], statements: Sequence[str]) -> np.ndarray:
        """Uncalibrated logits, float32, in input order (length-sorted batches waste little padding)."""
        import torch

        if len(assumptions) != len(statements):
            raise ValueError(f"{len(assumptions)} assumptions but {len(statements)} statements")
        n = len(statements)
        out = np.zeros((n, len(self.labels)), dtype=np.float32)
        order = sorted(range(n), key=lambda i: (-len(assumptions[i]) - len(statements[i]), i))
        self.train(False)
        with torch.inference_mode():
            for start in range(0, n, self.batch_size):
                rows = order[start : start + self.batch_size]
                out[rows] = self.logits([assumptions[i] for i in rows], [statements[i] for i in rows]).numpy()
        return out

    def predict_proba(self, assumptions: Sequence[str], statements: Sequence[str]) -> np.ndarray:
        """Calibrated class probabilities (temperature-scaled softmax), float32."""
        return softmax(self.predict_logits(assumptions, statements), self.temperature)

    # -- persistence -------------------------------------------------------------------------
    def save(self, folder: str | Path, card: str | None = None, half: bool = True) -> Path:
        """Encoder config + model.safetensors (float16 by default) + tokenizer + head + head.json."""
        from safetensors.torch import save as st_save

        from insightminer.storage import atomic_write_bytes, atomic_write_text, dumps_json

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        encoder = self.encoder.half() if half else self.encoder
        encoder.save_pretrained(str(folder), safe_serialization=True)
        if half:
            self.encoder.float()
        self.tokenizer.save_pretrained(str(folder))
        state = {k: v.detach().contiguous() for k, v in self.linear.state_dict().items()}
        atomic_write_bytes(folder / "head.safetensors", st_save(state))
        config = {
            "format_version": 1,
            "kind": PAIR_KIND,
            "labels": self.labels,
            "base_model": "sentence-transformers/all-MiniLM-L6-v2",
            "embedding_model": "all-MiniLM-L6-v2",
            "pooling": "mean",
            "input": "assumption [SEP] statement",
            "max_seq_len": self.max_seq_len,
            "batch_size": self.batch_size,
            "temperature": round(self.temperature, 4),
            "metadata": self.metadata,
        }
        atomic_write_text(folder / "head.json", dumps_json(config))
        if card is not None:
            atomic_write_text(folder / "README.md", card)
        return folder


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = np.asarray(logits, dtype=np.float64) / max(float(temperature), 1e-6)
    z -= z.max(axis=1, keepdims=True) if len(z) else 0.0
    e = np.exp(z)
    return (e / e.sum(axis=1, keepdims=True)).astype(np.float32) if len(z) else e.astype(np.float32)


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """The temperature that minimises the negative log-likelihood of y (Guo et al. 2017), by grid."""
    grid = np.exp(np.linspace(np.log(0.25), np.log(8.0), 141))
    y = np.asarray(y, dtype=np.int64)

    def nll(t: float) -> float:
        p = softmax(logits, t).astype(np.float64)
        return float(-np.log(np.clip(p[np.arange(len(y)), y], 1e-12, None)).mean())

    return float(min(grid, key=nll))


def expected_calibration_error(probs: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """ECE of the top-class confidence, equal-width bins."""
    conf = probs.max(1)
    correct = probs.argmax(1) == np.asarray(y)
    edges = np.linspace(0.0, 1.0, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        sel = (conf > lo) & (conf <= hi)
        if sel.any():
            total += sel.mean() * abs(conf[sel].mean() - correct[sel].mean())
    return float(total)
