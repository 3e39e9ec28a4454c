"""The `insightminer kinds` command (its help text is the function's docstring)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from insightminer.cli.common import (
    D,
    app,
    console,
    embedder_for,
)


@app.command()
def kinds(
    input_csv: Annotated[Path, typer.Argument(help="CSV with a text column.")],
    text_column: Annotated[str, typer.Option(help="Column holding the text.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output CSV.")],
    model: Annotated[
        str,
        typer.Option(help="Statement-kind model name (models/) or path; the default is what `run` uses."),
    ] = D.classify.statement_model,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Add statement-kind columns (kind, kind_score) to every row of a CSV.

    Kinds: pain_point, need, praise, question, other.
    """
    from insightminer.classify.detect import StatementKindDetector, annotate_csv_kinds
    from insightminer.ingest.csvio import read_csv_table

    table = read_csv_table(input_csv, text_column)  # a wrong file or column fails before any model loads
    detector = StatementKindDetector(model).load()
    embedder = embedder_for(detector.embedding_model) if detector.needs_embeddings else None
    rows = annotate_csv_kinds(table, text_column, out, detector, embedder, progress=not quiet)
    console.print(f"{rows} rows -> {escape(str(out))}")
