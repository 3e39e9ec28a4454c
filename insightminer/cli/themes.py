"""The `insightminer themes` command (its help text is the function's docstring)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from insightminer.cli.common import (
    EMBEDDING_BACKEND,
    EMBEDDING_MODEL,
    OUT_DIR,
    D,
    app,
    console,
)


@app.command()
def themes(
    input_csv: Annotated[
        Path, typer.Argument(help="CSV of customer statements (survey answers, tickets, ...).")
    ],
    text_column: Annotated[str, typer.Option(help="Column holding the text.")],
    out: OUT_DIR = Path("insightminer-themes"),
    pain_points_only: Annotated[
        bool,
        typer.Option(
            "--pain-points-only",
            help="Cluster only rows the statement-kind model calls pain points (default: every row).",
        ),
    ] = False,
    _all_statements: Annotated[
        bool, typer.Option("--all-statements", hidden=True, help="The default; kept for old scripts.")
    ] = True,
    min_theme_size: Annotated[int, typer.Option(min=2, help="Smallest theme.")] = D.themes.min_theme_size,
    seed: Annotated[int, typer.Option(help="Random seed.")] = D.themes.random_state,
    embedding_model: EMBEDDING_MODEL = D.embed.model,
    embedding_backend: EMBEDDING_BACKEND = D.execution.embedding_backend,
    cache_dir: Annotated[Path | None, typer.Option(help="Embedding cache folder.")] = None,
) -> None:
    """Cluster the rows of any CSV into themes: DIR/assignments.csv (row, theme_id) and DIR/themes.json."""
    from insightminer.config import default_cache_dir
    from insightminer.ingest.csvio import read_csv_table
    from insightminer.text.embed import Embedder
    from insightminer.themes.clustering import ThemeModel
    from insightminer.themes.csv_themes import cluster_csv

    table = read_csv_table(input_csv, text_column)  # a wrong file or column fails before any model loads
    embedder = Embedder(
        embedding_model,
        cache_dir=(cache_dir or default_cache_dir()) / "embeddings",
        backend=embedding_backend,
    )
    embedder.progress = True
    statement_filter = None
    if pain_points_only:
        from insightminer.classify.detect import StatementKindDetector

        detector = StatementKindDetector()

        def statement_filter(texts, vectors):
            import numpy as np

            return np.array(
                [kind == "pain_point" for kind, _ in detector.predict(vectors, texts)], dtype=bool
            )

    summary = cluster_csv(
        table,
        text_column,
        out,
        embedder=embedder,
        statement_filter=statement_filter,
        model=ThemeModel(min_theme_size=min_theme_size, random_state=seed),
    )
    n_themes = len(summary.get("themes", [])) if isinstance(summary, dict) else "?"
    console.print(
        f"{n_themes} themes -> {escape(str(out / 'assignments.csv'))}, {escape(str(out / 'themes.json'))}"
    )
