"""The `insightminer emotions` command (its help text is the function's docstring)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from insightminer.cli.common import (
    EMBEDDING_BACKEND,
    MIN_CONFIDENCE,
    D,
    app,
    console,
    embedder_for,
)


@app.command()
def emotions(
    input_csv: Annotated[Path, typer.Argument(help="CSV with a text column.")],
    text_column: Annotated[str, typer.Option(help="Column holding the text.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output CSV.")],
    model: Annotated[
        str,
        typer.Option(
            help="Emotion model name (models/) or path; emotions-conversational (default, as in "
            "`insightminer run`) is tuned on B2B speech and calibrated; emotions-hybrid is faster."
        ),
    ] = D.classify.emotion_model,
    min_confidence: MIN_CONFIDENCE = None,
    embedding_backend: EMBEDDING_BACKEND = D.execution.embedding_backend,
) -> None:
    """Add emotion columns (emotion, emotion_score, emotions, ekman, sentiment) to every row of a CSV."""
    from insightminer.classify.emotions import EmotionClassifier, annotate_csv_emotions
    from insightminer.ingest.csvio import read_csv_table

    table = read_csv_table(input_csv, text_column)  # a wrong file or column fails before any model loads
    classifier = EmotionClassifier(model, min_confidence=min_confidence, backend=embedding_backend)
    classifier.progress = True
    embedder = embedder_for(classifier.embedding_model, embedding_backend)
    embedder.progress = True
    rows = annotate_csv_emotions(table, text_column, out, embedder, classifier)
    console.print(f"{rows} rows -> {escape(str(out))}")
