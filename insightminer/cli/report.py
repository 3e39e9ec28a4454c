"""The `insightminer report` command (its help text is the function's docstring)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from insightminer.cli.common import (
    D,
    app,
    console,
    fail,
    run_config,
)
from insightminer.config import ReportOptions


@app.command()
def report(
    run_dir: Annotated[Path, typer.Argument(help="A run folder written by `insightminer run`.")],
    edits: Annotated[
        Path | None,
        typer.Option(help="YAML/JSON edits (rename / merge / split / hide themes): re-rank and re-render."),
    ] = None,
    embed_clips: Annotated[
        bool, typer.Option("--embed-clips", help="Embed each audio quote's clip (self-contained report).")
    ] = False,
) -> None:
    """Re-write findings.md, findings.csv and report.html from a run folder's JSON and parquet files.

    With --edits, themes are renamed, merged, split or hidden first and the findings re-ranked from
    the stored statements (nothing is re-embedded); findings.json and segments.parquet follow.
    """
    import shutil

    from insightminer.insights.edits import EditsError, apply_edits, read_edits
    from insightminer.output.report import RunFolderError, read_run_folder
    from insightminer.output.run_folder import RunFolder, refresh_manifest_hashes
    from insightminer.output.run_outputs import write_run_outputs
    from insightminer.speech.clips import run_audio_sources

    findings, personas, statements = read_run_folder(run_dir)
    if edits is not None:
        try:
            findings = apply_edits(findings, statements, read_edits(edits))
        except EditsError as exc:
            fail(str(exc))
            return
    sources = run_audio_sources(run_dir) if (run_dir / "run.json").is_file() else {}
    # The same all-or-nothing swap as `run`: a copy is re-rendered, its hashes refreshed, then swapped in.
    folder = RunFolder(run_dir).acquire()
    try:
        with folder as staging:
            shutil.copytree(run_dir, staging, dirs_exist_ok=True)
            try:
                write_run_outputs(
                    staging,
                    findings,
                    statements,
                    personas if (run_dir / "personas.json").is_file() else None,
                    run_dir=run_dir,
                    audio_sources=sources,
                    # the run's own report options, so a plain re-render reproduces its files
                    options=ReportOptions(embed_clips=embed_clips or run_config(run_dir).report.embed_clips),
                    segment_field=findings.get("summary", {}).get("segment_field", D.rank.segment_field),
                )
            except (KeyError, TypeError, AttributeError, IndexError) as exc:
                # A hand-edited findings.json of the right outline but the wrong details.
                raise RunFolderError(
                    f"{run_dir / 'findings.json'} does not match the findings schema "
                    f"({type(exc).__name__}: {exc}); re-run `insightminer run` to write the run folder again"
                ) from None
            refresh_manifest_hashes(staging)
            folder.publish()
    finally:
        folder.release()
    console.print(f"report re-written in {escape(str(run_dir))}")
