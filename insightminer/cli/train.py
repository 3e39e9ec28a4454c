"""The `insightminer train-classifier` command (its help text is the function's docstring)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from insightminer.cli.common import (
    EMBEDDING_MODEL,
    app,
    console,
    embedder_for,
)


@app.command("train-classifier")
def train_classifier(
    labels_csv: Annotated[Path, typer.Argument(help="CSV of labelled statements.")],
    text_column: Annotated[str, typer.Option(help="Column holding the text.")],
    label_column: Annotated[str, typer.Option(help="Column holding the label.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Model folder, e.g. models/my-taxonomy.")],
    multi_label: Annotated[bool, typer.Option(help="Labels are lists (see --label-separator).")] = False,
    label_separator: Annotated[str, typer.Option(help="Separator of multi-label labels.")] = ";",
    cv_folds: Annotated[
        int, typer.Option(min=2, help="Cross-validation folds for the reported figures.")
    ] = 5,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    epochs: Annotated[int, typer.Option(min=1, help="Training epochs.")] = 60,
    embedding_model: EMBEDDING_MODEL = "all-MiniLM-L6-v2",
) -> None:
    """Train a statement classifier (e.g. your own motivator taxonomy) on your labelled CSV."""
    from insightminer.classify.training import train_classifier as train

    metrics = train(
        labels_csv,
        text_column,
        label_column,
        out,
        embedder=embedder_for(embedding_model),
        multi_label=multi_label,
        label_separator=label_separator,
        cv_folds=cv_folds,
        random_state=seed,
        epochs=epochs,
    )
    cv = (metrics.get("cv") or {}).get("macro_f1")
    console.print(
        f"saved {escape(str(out))}" + (f"; cross-validated macro-F1 {cv:.3f}" if cv is not None else "")
    )
