"""Train a statement-classifier head from a labelled CSV (any taxonomy), with cross-validated figures.

One job: CSV -> embeddings -> stratified k-fold CV -> fit on everything -> `EmbeddingClassifier.save`
with a generated model card. The card and head.json hold no dates or paths, so the same CSV and
settings give byte-identical files. Users train their own taxonomy the same way the project trains
its motivators head, then use it by name (`--motivator-model NAME`).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from insightminer.classify.heads import EmbeddingClassifier, best_thresholds
from insightminer.storage import file_sha256


class TrainingDataError(ValueError):
    """The labelled CSV cannot be used as it is; the message says why and where."""


def read_labelled_csv(
    csv_path: Path,
    text_column: str,
    label_column: str,
    *,
    multi_label: bool = False,
    label_separator: str = ";",
) -> tuple[list[str], list[list[str]]]:
    """Texts and their labels (a list per row; one element for single-label data), in file order."""
    csv_path = Path(csv_path)
    if not csv_path.is_file():
        raise TrainingDataError(f"labelled CSV not found: {csv_path}")
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        found = list(reader.fieldnames or [])
        missing = [c for c in (text_column, label_column) if c not in found]
        if missing:
            raise TrainingDataError(
                f"{csv_path.name}: missing column(s) {missing}; columns found: {found or 'none (empty file)'}"
            )
        texts: list[str] = []
        labels: list[list[str]] = []
        empty_text: list[int] = []
        empty_label: list[int] = []
        for line_no, row in enumerate(reader, start=2):  # line 1 is the header
            text = (row.get(text_column) or "").strip()
            raw = (row.get(label_column) or "").strip()
            if not text:
                empty_text.append(line_no)
                continue
            if multi_label:
                row_labels = sorted({p.strip() for p in raw.split(label_separator) if p.strip()})
            else:
                row_labels = [raw] if raw else []
            if not row_labels:
                empty_label.append(line_no)
                continue
            texts.append(text)
            labels.append(row_labels)
    if empty_label:
        raise TrainingDataError(
            f"{csv_path.name}: {len(empty_label)} row(s) with an empty '{label_column}' "
            f"(lines {_short_list(empty_label)}); label every row or remove it"
        )
    if empty_text:
        raise TrainingDataError(
            f"{csv_path.name}: {len(empty_text)} row(s) with an empty '{text_column}' "
            f"(lines {_short_list(empty_text)})"
        )
    if not texts:
        raise TrainingDataError(f"{csv_path.name}: no labelled rows")
    return texts, labels


def _short_list(items: Sequence[int], limit: int = 8) -> str:
    shown = ", ".join(str(i) for i in items[:limit])
    return shown + (", ..." if len(items) > limit else "")


def _r(value: float) -> float:
    # Rounded figures keep head.json and the card byte-stable across tiny float differences.
    return round(float(value), 4)


def _single_label_scores(y_true: np.ndarray, y_pred: np.ndarray, labels: list[str]) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, f1_score

    idx = list(range(len(labels)))
    per_class = f1_score(y_true, y_pred, labels=idx, average=None, zero_division=0)
    return {
        "macro_f1": _r(f1_score(y_true, y_pred, labels=idx, average="macro", zero_division=0)),
        "accuracy": _r(accuracy_score(y_true, y_pred)),
        "per_class_f1": {label: _r(f) for label, f in zip(labels, per_class, strict=True)},
    }


def _multi_label_scores(Y_true: np.ndarray, Y_pred: np.ndarray, labels: list[str]) -> dict[str, Any]:
    from sklearn.metrics import f1_score

    per_class = f1_score(Y_true, Y_pred, average=None, zero_division=0)
    return {
        "macro_f1": _r(f1_score(Y_true, Y_pred, average="macro", zero_division=0)),
        "micro_f1": _r(f1_score(Y_true, Y_pred, average="micro", zero_division=0)),
        # Exact-match ratio: every label of the row right.
        "accuracy": _r(float((Y_true == Y_pred).all(1).mean())),
        "per_class_f1": {label: _r(f) for label, f in zip(labels, per_class, strict=True)},
    }


def cross_validate(
    X: np.ndarray,
    y: np.ndarray,
    labels: list[str],
    *,
    multi_label: bool,
    cv_folds: int,
    random_state: int,
    head_params: dict[str, Any],
) -> tuple[dict[str, Any], np.ndarray]:
    """Stratified k-fold (plain shuffled k-fold for multi-label) CV; returns scores and out-of-fold probs."""
    from sklearn.model_selection import KFold, StratifiedKFold

    if multi_label:
        splits = KFold(n_splits=cv_folds, shuffle=True, random_state=random_state).split(X)
    else:
        splits = StratifiedKFold(n_splits=cv_folds, shuffle=True, random_state=random_state).split(X, y)
    oof = np.zeros((len(X), len(labels)), dtype=np.float32)
    for train_idx, test_idx in splits:
        head = EmbeddingClassifier(labels, multi_label=multi_label, random_state=random_state, **head_params)
        head.fit(X[train_idx], y[train_idx])
        oof[test_idx] = head.predict_proba(X[test_idx])
    if multi_label:
        scores = _multi_label_scores(y, (oof >= 0.5).astype(int), labels)
    else:
        scores = _single_label_scores(y, oof.argmax(1), labels)
    scores["folds"] = cv_folds
    return scores, oof


def train_classifier(
    csv_path: Path,
    text_column: str,
    label_column: str,
    out_dir: Path,
    *,
    embedder,
    multi_label: bool = False,
    label_separator: str = ";",
    cv_folds: int = 5,
    random_state: int = 0,
    hidden_dim: int = 256,
    epochs: int = 60,
) -> dict:
    """Train, cross-validate and save a classifier head; return the metrics dict.

    The head is saved to out_dir (head.safetensors, head.json, README.md). Each label needs at least
    2 examples; CV is skipped, with a note in the metrics, when a label has fewer examples than folds.
    """
    csv_path = Path(csv_path)
    out_dir = Path(out_dir)
    if cv_folds < 2:
        raise ValueError(f"cv_folds must be at least 2, got {cv_folds}")
    texts, row_labels = read_labelled_csv(
        csv_path, text_column, label_column, multi_label=multi_label, label_separator=label_separator
    )
    counts = Counter(label for labs in row_labels for label in labs)
    labels = sorted(counts)
    if len(labels) < 2:
        raise TrainingDataError(
            f"{csv_path.name}: '{label_column}' has only one distinct label ({labels[0]!r}); "
            "a classifier needs at least 2"
        )
    rare = sorted(label for label, n in counts.items() if n < 2)
    if rare:
        raise TrainingDataError(
            f"{csv_path.name}: label(s) with fewer than 2 examples: {rare}; "
            "add examples or merge them into another label"
        )
    index = {label: i for i, label in enumerate(labels)}
    if multi_label:
        y = np.zeros((len(texts), len(labels)), dtype=np.int64)
        for i, labs in enumerate(row_labels):
            y[i, [index[label] for label in labs]] = 1
    else:
        y = np.array([index[labs[0]] for labs in row_labels], dtype=np.int64)

    X = np.asarray(embedder.encode(texts), dtype=np.float32)
    embedding_model = str(getattr(embedder, "model_name", "unknown"))
    head_params = {"hidden_dim": hidden_dim, "epochs": epochs, "embedding_model": embedding_model}

    min_count = min(counts.values())
    cv_scores: dict[str, Any] | None = None
    cv_note = ""
    oof = None
    if min_count < cv_folds:
        smallest = sorted(label for label, n in counts.items() if n == min_count)
        cv_note = (
            f"cross-validation skipped: label(s) {smallest} have {min_count} example(s), "
            f"fewer than the {cv_folds} folds"
        )
    else:
        cv_scores, oof = cross_validate(
            X,
            y,
            labels,
            multi_label=multi_label,
            cv_folds=cv_folds,
            random_state=random_state,
            head_params=head_params,
        )

    head = EmbeddingClassifier(labels, multi_label=multi_label, random_state=random_state, **head_params)
    head.fit(X, y)
    if multi_label and oof is not None:
        # Per-label thresholds maximising F1 on out-of-fold probabilities, not on the training fit.
        head.thresholds_ = best_thresholds(oof, y)

    metrics: dict[str, Any] = {
        "data_file": csv_path.name,
        "data_sha256": file_sha256(csv_path),
        "text_column": text_column,
        "label_column": label_column,
        "n_examples": len(texts),
        "labels": labels,
        "label_counts": {label: counts[label] for label in labels},
        "multi_label": multi_label,
        "embedding_model": embedding_model,
        "hidden_dim": hidden_dim,
        "epochs": epochs,
        "random_state": random_state,
        "cv": cv_scores,
        "cv_note": cv_note,
    }
    head.metadata_ = {"training_data": metrics}
    head.save(out_dir, model_card=model_card(metrics, name=out_dir.name))
    return {**metrics, "out_dir": str(out_dir)}


def model_card(metrics: dict[str, Any], name: str) -> str:
    """A deterministic Markdown model card (no dates, no absolute paths)."""
    kind = "multi-label (sigmoid per label)" if metrics["multi_label"] else "single-label (softmax)"
    lines = [
        f"# {name}",
        "",
        "A statement-classifier head trained by `insightminer train-classifier` on frozen sentence "
        "embeddings. Stored as safetensors + JSON: loading it cannot run code.",
        "",
        "## Model",
        "",
        f"- Embedding model: `{metrics['embedding_model']}` (embed inputs with the same model)",
        f"- Head: {kind}, hidden layer {metrics['hidden_dim'] or 'none (linear)'}, "
        f"{metrics['epochs']} epochs, seed {metrics['random_state']}",
        "",
        "## Training data",
        "",
        f"- File: `{metrics['data_file']}` (sha256 `{metrics['data_sha256']}`)",
        f"- Columns: text `{metrics['text_column']}`, label `{metrics['label_column']}`",
        f"- Examples: {metrics['n_examples']}",
        "",
        "| label | examples | CV F1 |",
        "|---|---:|---:|",
    ]
    cv = metrics.get("cv")
    for label in metrics["labels"]:
        f1 = f"{cv['per_class_f1'][label]:.3f}" if cv else "n/a"
        lines.append(f"| {label} | {metrics['label_counts'][label]} | {f1} |")
    lines += ["", "## Cross-validation", ""]
    if cv:
        kind_cv = "shuffled" if metrics["multi_label"] else "stratified"
        lines.append(
            f"{cv['folds']}-fold {kind_cv} CV (seed {metrics['random_state']}): "
            f"macro-F1 {cv['macro_f1']:.3f}, accuracy {cv['accuracy']:.3f}"
            + (f", micro-F1 {cv['micro_f1']:.3f}" if "micro_f1" in cv else "")
            + "."
        )
    else:
        lines.append(metrics.get("cv_note") or "not run")
    lines += [
        "",
        "## Limits",
        "",
        "Figures come from cross-validation on the training file only; they say how well the labels "
        "separate within that data, not how the head does on other sources. Review its output on your "
        "own transcripts before trusting it.",
        "",
    ]
    return "\n".join(lines)
