"""The `insightminer motivators` command (its help text is the function's docstring)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from insightminer.cli.common import (
    EMBEDDING_BACKEND,
    MIN_CONFIDENCE,
    MOTIVATOR_BACKENDS,
    D,
    app,
    console,
    embedder_for,
)


@app.command()
def motivators(
    input_csv: Annotated[Path, typer.Argument(help="CSV with a text column.")],
    text_column: Annotated[str, typer.Option(help="Column holding the text.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output CSV.")],
    model: Annotated[
        str, typer.Option(help="Motivator head name (models/) or path.")
    ] = D.classify.motivator_model,
    backend: Annotated[
        MOTIVATOR_BACKENDS, typer.Option(help="head | similarity | nli")
    ] = D.classify.motivator_backend,
    nli_model: Annotated[str | None, typer.Option(help="NLI model id or path for --backend nli.")] = None,
    min_score: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Lowest score that counts as a motivator.")
    ] = 0.25,
    min_confidence: MIN_CONFIDENCE = None,
    embedding_backend: EMBEDDING_BACKEND = D.execution.embedding_backend,
) -> None:
    """Add motivator columns (motivator, motivator_score, motivators) to every row of a CSV."""
    from insightminer.classify.motivators import MotivatorClassifier, annotate_csv_motivators
    from insightminer.ingest.csvio import read_csv_table

    table = read_csv_table(input_csv, text_column)  # a wrong file or column fails before any model loads
    classifier = MotivatorClassifier(
        model, backend=backend, nli_model=nli_model, min_score=min_score, min_confidence=min_confidence
    )
    rows = annotate_csv_motivators(
        table, text_column, out, embedder_for(classifier.embedding_model, embedding_backend), classifier
    )
    console.print(f"{rows} rows -> {escape(str(out))}")
