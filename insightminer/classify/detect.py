"""Detect stage: label each customer statement as a pain point, need, praise, question or other.

Two kinds of shipped model load here, both offline and pickle-free:

- ``models/statement-kind-finetuned/`` (the default): MiniLM fine-tuned end to end with a softmax
  layer over the five kinds. It runs its own encoder (the one class that also runs
  ``emotions-finetuned``), so it reads the statement texts and ignores the embeddings passed in.
- ``models/statement-kind/``: a small head (``insightminer.classify.heads.EmbeddingClassifier``) on the
  pipeline's sentence embeddings.

Either may carry one cheap, explainable text cue, kept only where it measured better: a statement that
ends in "?" is a question, unless the model is confident it is a complaint or a request phrased as a
question ("Why does it take three clicks to log a call?", "Could you add a bulk delete?").
The cue's settings travel with the model, in ``head.json`` under ``metadata.cues``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from insightminer.classify.csv_annotate import annotate_csv
from insightminer.classify.heads import EmbeddingClassifier
from insightminer.ingest.csvio import CsvTable
from insightminer.model_registry import resolve_head
from insightminer.schema import STATEMENT_KINDS, Statement

DEFAULT_DETECTOR_MODEL = "statement-kind-finetuned"

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
    """Classify statements into ``STATEMENT_KINDS`` from their text (and embeddings, for a head).

    Parameters
    ----------
    model:
        A model name under ``models/`` (default ``"statement-kind-finetuned"``; ``"statement-kind"`` is
        the embedding head) or a folder path holding ``head.json`` (+ weights).
    use_cues:
        Apply the text cues stored with the model (default True). False gives the model alone.
    """

    def __init__(
        self,
        model: str = DEFAULT_DETECTOR_MODEL,
        use_cues: bool = True,
        backend: str = "auto",
        device: str = "cpu",
    ):
        self.backend = backend  # inference backend of a fine-tuned encoder (insightminer.text.encoders)
        self.device = device
        self.model = model
        self.use_cues = use_cues
        self.head_: EmbeddingClassifier | None = None
        self.encoder_: Any = None
        self.path_: Path | None = None
        self.cues_: dict[str, Any] = {}
        self.labels_: list[str] = []
        self.embedding_model_: str = ""

    def load(self) -> StatementKindDetector:
        """Load the model (safetensors + JSON, never pickle); checks its labels are the statement kinds."""
        from insightminer.classify.emotions import FINETUNED_KIND, _FinetunedEncoder

        path = resolve_head(self.model)
        config_path = path / "head.json"
        if not config_path.is_file():
            raise FileNotFoundError(f"{path} has no head.json: not an insightminer statement-kind model")
        config = json.loads(config_path.read_text(encoding="utf-8"))
        labels = list(config.get("labels", ()))
        if sorted(labels) != sorted(STATEMENT_KINDS):
            raise ValueError(
                f"The model at {path} predicts {labels}, not the statement kinds {list(STATEMENT_KINDS)}."
            )
        if config.get("multi_label"):
            raise ValueError(
                f"The model at {path} is multi-label; the statement-kind detector needs one label."
            )
        if config.get("kind") == FINETUNED_KIND:
            self.encoder_ = _FinetunedEncoder(path, config, backend=self.backend, device=self.device)
            self.head_ = None
            metadata = config.get("metadata", {})
            self.embedding_model_ = config.get("embedding_model", "all-MiniLM-L6-v2")
        else:
            self.head_, self.encoder_ = EmbeddingClassifier.load(path), None
            metadata = self.head_.metadata_
            self.embedding_model_ = self.head_.embedding_model
        self.labels_ = labels
        self.path_ = path
        self.cues_ = metadata.get("cues", DEFAULT_CUES)
        return self

    def _ensure_loaded(self) -> None:
        if not self.labels_:
            self.load()

    @property
    def embedding_model(self) -> str:
        """The embedding model a head was trained on (the pipeline's embedder must match it).

        A fine-tuned model reads texts, not embeddings; it names the base it was fine-tuned from.
        """
        self._ensure_loaded()
        return self.embedding_model_

    @property
    def needs_embeddings(self) -> bool:
        """False for a fine-tuned model: it ignores the embeddings passed to ``predict``."""
        self._ensure_loaded()
        return self.head_ is not None

    @property
    def labels(self) -> list[str]:
        self._ensure_loaded()
        return list(self.labels_)

    def predict_proba(self, embeddings: np.ndarray | None, texts: Sequence[str] | None = None) -> np.ndarray:
        """Probabilities per kind (columns in ``self.labels`` order), before any text cue.

        A head needs ``embeddings``; a fine-tuned model needs ``texts``.
        """
        self._ensure_loaded()
        if self.encoder_ is not None:
            if texts is None:
                raise ValueError(f"the statement-kind model {self.model!r} reads texts: pass texts")
            texts = list(texts)
            if not texts:
                return np.zeros((0, len(self.labels_)), dtype=np.float32)
            return self.encoder_.predict_proba(texts)
        head = self.head_
        assert head is not None
        X = np.asarray(embeddings, dtype=np.float32)
        if X.ndim != 2:
            raise ValueError(f"embeddings must be a 2-D array (n_statements, dim), got shape {X.shape}")
        if len(X) and X.shape[1] != head.input_dim_:
            raise ValueError(
                f"embeddings have {X.shape[1]} dimensions but the head expects {head.input_dim_} "
                f"(it was trained on {head.embedding_model})."
            )
        return head.predict_proba(X)

    def predict(self, embeddings: np.ndarray | None, texts: list[str]) -> list[tuple[str, float]]:
        """(kind, probability) per statement, in input order.

        ``embeddings`` may be None for a fine-tuned model (it reads ``texts``); when given, their count
        must match the texts either way.
        """
        if embeddings is not None and len(embeddings) != len(texts):
            raise ValueError(f"got {len(embeddings)} embeddings for {len(texts)} texts; they must match")
        if not texts:
            return []
        probs = self.predict_proba(embeddings, texts)
        labels = self.labels
        cue = self.cues_.get("question_mark", {}) if self.use_cues else {}
        if cue.get("enabled"):
            chosen, scores = apply_question_cue(probs, texts, labels, cue.get("keep_if", {}))
        else:
            chosen = [int(i) for i in probs.argmax(1)] if len(probs) else []
            scores = [float(probs[i, j]) for i, j in enumerate(chosen)]
        return [(labels[j], round(s, 6)) for j, s in zip(chosen, scores, strict=True)]

    def batch_order(self, texts: Sequence[str], embedder: Any = None) -> list[int]:
        """The row order the model's encoder batches ``texts`` in (most tokens first).

        Chunks of a multiple of the batch size cut from it run the same batches as one call. A head's
        batches are the embedder's (an ``Embedder`` or ``SentenceEncoder``); characters otherwise.
        """
        self._ensure_loaded()
        if self.encoder_ is not None:
            return self.encoder_.length_order(texts)
        model = getattr(embedder, "model", embedder)
        if hasattr(model, "length_order"):
            return model.length_order(texts)
        return sorted(range(len(texts)), key=lambda i: (-len(texts[i]), i))

    def annotate(self, statements: list[Statement], embeddings: np.ndarray) -> list[Statement]:
        """Set ``kind`` and ``kind_score`` on each statement (in place) and return the same list."""
        for statement, (kind, score) in zip(
            statements, self.predict(embeddings, [s.text for s in statements]), strict=True
        ):
            statement.kind = kind
            statement.kind_score = score
        return statements


#: Columns the `kinds` command adds to a CSV.
KIND_COLUMNS: tuple[str, ...] = ("kind", "kind_score")


def annotate_csv_kinds(
    input_csv: Path | CsvTable,
    text_column: str,
    out_csv: Path,
    detector: StatementKindDetector,
    embedder: Any = None,
    chunk_size: int = 512,  # a multiple of the encoder's batch size
    progress: bool = False,
) -> int:
    """Copy input_csv to out_csv with ``kind`` and ``kind_score`` added; returns the rows written.

    Input rows and columns keep their order (the shared CSV annotator); rows with an empty text get
    empty cells. ``embedder`` is needed only by an embedding head. Texts are classified in chunks of
    ``chunk_size`` so ``progress=True`` can show a bar (on stderr) over long inputs; results do not
    depend on the chunking.
    """
    if detector.needs_embeddings and embedder is None:
        raise ValueError(f"the statement-kind model {detector.model!r} reads embeddings: pass an embedder")

    def predict(texts: list[str]) -> list[dict[str, Any]]:
        from rich.console import Console
        from rich.progress import Progress

        # Chunks cut from the order the encoder batches in, so a chunk's batches are the batches one
        # call over all texts would run: the scores do not depend on the chunking.
        order = detector.batch_order(texts, embedder)
        records: list[dict[str, Any]] = [{} for _ in texts]
        show = progress and len(texts) > chunk_size
        with Progress(console=Console(stderr=True), transient=True, disable=not show) as bar:
            task = bar.add_task("classifying statements", total=len(texts))
            for start in range(0, len(order), chunk_size):
                rows = order[start : start + chunk_size]
                chunk = [texts[i] for i in rows]
                vectors = embedder.encode(chunk) if detector.needs_embeddings else None
                for i, (kind, score) in zip(rows, detector.predict(vectors, chunk), strict=True):
                    records[i] = {"kind": kind, "kind_score": float(score)}
                bar.advance(task, len(chunk))
        return records

    return annotate_csv(input_csv, text_column, out_csv, predict, KIND_COLUMNS)
