"""The `insightminer clips` command (its help text is the function's docstring)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from insightminer.cli.common import (
    OUT_DIR,
    app,
    console,
    fail,
)


@app.command()
def clips(
    run_dir: Annotated[Path, typer.Argument(help="A run folder written by `insightminer run`.")],
    out: OUT_DIR = Path("insightminer-clips"),
    audio_format: Annotated[str, typer.Option("--format", help="m4a | mp3 | ogg | flac | wav")] = "m4a",
) -> None:
    """Export each finding's audio evidence as clips plus a highlight reel, with a manifest.json."""
    from insightminer.speech.audio import AudioError
    from insightminer.speech.clips import export_clips

    try:
        manifest = export_clips(run_dir, out, audio_format)
    except (FileNotFoundError, ValueError, AudioError) as exc:
        fail(str(exc))
        return
    console.print(
        f"{len(manifest['clips'])} clips and {len(manifest['reels'])} highlight reels -> {out} "
        f"({len(manifest['skipped'])} quotes not from audio or without times); "
        f"manifest: {out / 'manifest.json'}"
    )
