"""The `insightminer ingest` command (its help text is the function's docstring)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from insightminer.cli.common import (
    FIELDS,
    INPUTS,
    MAX_FILE_MB,
    OUT_DIR,
    RECORDS,
    TEAM,
    D,
    app,
    console,
    fail,
    ingest_options,
    print_record,
    read_team,
)


@app.command()
def ingest(
    inputs: INPUTS,
    out: OUT_DIR = Path("insightminer-transcripts"),
    metadata: Annotated[Path | None, typer.Option(help="Per-interview metadata CSV or YAML.")] = None,
    unlabelled_speaker: Annotated[
        str | None, typer.Option(help="Speaker for unlabelled transcripts.")
    ] = None,
    max_file_mb: MAX_FILE_MB = D.ingest.max_file_mb,
    fields: FIELDS = None,
    records: RECORDS = None,
    team: TEAM = None,
) -> None:
    """Read transcripts into the project's JSON (one file per interview) and list what was skipped."""
    from insightminer.ingest.files import ingest_paths
    from insightminer.storage import atomic_write_json
    from insightminer.text.roles import assign_roles, parse_team

    team_members = parse_team(read_team(team))
    options = ingest_options(metadata, max_file_mb, unlabelled_speaker, fields, records)
    transcripts, records = ingest_paths(
        inputs,
        options,
        on_record=print_record,
        reserved_ids=("ingest",),  # the manifest below is ingest.json
    )
    for transcript in transcripts:
        assign_roles(transcript, team=team_members)
        atomic_write_json(out / f"{transcript.doc_id}.json", transcript.to_dict())
    atomic_write_json(out / "ingest.json", {"inputs": [r.__dict__ for r in records]})
    console.print(f"{len(transcripts)} transcripts written to {escape(str(out))}")
    if not transcripts:
        fail("nothing could be read")
