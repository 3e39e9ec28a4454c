"""What every `insightminer` command shares: the typer app, the console, option types, Config's
defaults, and small helpers (messages quote user data escaped)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.markup import escape

from insightminer.config import (
    Config,
    IngestOptions,
    TranscribeOptions,
)

app = typer.Typer(
    name="insightminer",
    help="Mine customer interviews and sales calls for ranked, evidence-backed insight.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# soft_wrap: a message is one line whatever the terminal width (paths stay whole, output is greppable).
console = Console(stderr=True, highlight=False, soft_wrap=True)
# Every option's default is Config's (one place for each default; insightminer.config is light to import).
D = Config()
TRANSCRIBE = TranscribeOptions()  # the transcribe command's own defaults (device auto, its own cache)

INPUTS = Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively).")]
OUT_DIR = Annotated[Path, typer.Option("--out", "-o", help="Output folder.")]
# Options with a fixed set of values or a range are checked by the parser, before anything runs.
MOTIVATOR_BACKENDS = Literal["head", "similarity", "nli"]
ASR_BACKENDS = Literal["faster-whisper", "transformers"]
DEVICES = Literal["cpu", "cuda", "auto"]  # insightminer.devices.DEVICES
MAX_FILE_MB = Annotated[
    float, typer.Option(min=0.001, help="Skip transcript files larger than this (MB, > 0).")
]


def field_mapping(value: str | None) -> str | None:
    from insightminer.ingest.readers.common import parse_field_mapping

    try:
        parse_field_mapping(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    return value


FIELDS = Annotated[
    str | None,
    typer.Option(
        callback=field_mapping,
        help="Column / key names of another layout, for CSV, TSV, JSON and JSONL alike: "
        "'speaker=Spkr,text=Content,start=StTime,end=EnTime' "
        "(fields: speaker, text, start, end, role, doc_id).",
    ),
]
RECORDS = Annotated[
    str | None,
    typer.Option(
        help="JSON / JSONL: the (dotted) key holding the list of utterances, e.g. meeting_transcripts."
    ),
]
EMBEDDING_MODEL = Annotated[
    str, typer.Option(help="Sentence-transformers model: the bundled default, a Hugging Face id or a path.")
]

MIN_CONFIDENCE = Annotated[
    float | None,
    typer.Option(
        min=0.0,
        max=1.0,
        help="Score an emotion or motivator needs to be assigned (0-1). Default: the models' per-label "
        "thresholds calibrated on held-back conversational data; below them: neutral / no motivator.",
    ),
]

EMBEDDING_BACKEND = Annotated[
    str,
    typer.Option(
        help="Inference backend of the sentence encoders: auto (fastest faithful one installed: "
        "OpenVINO fp32 on x86 CPUs, torch on CUDA) | torch | openvino | onnx. All match torch within 1e-5."
    ),
]


DIARIZE = Annotated[
    bool,
    typer.Option(
        "--diarize/--no-diarize", help="Mono audio: find who spoke when, offline (voice embeddings)."
    ),
]
SPEAKERS = Annotated[
    int | None, typer.Option("--speakers", help="Number of speakers in mono audio (default: estimated).")
]
MIN_SPEAKERS = Annotated[int, typer.Option(help="Fewest speakers to estimate in mono audio.")]
MAX_SPEAKERS = Annotated[int, typer.Option(help="Most speakers to estimate in mono audio.")]


def check_speakers(speakers: int | None, min_speakers: int, max_speakers: int) -> None:
    if speakers is not None and not 1 <= speakers <= 32:
        fail(f"--speakers must be between 1 and 32, not {speakers}")
    if not 1 <= min_speakers <= max_speakers:
        fail(f"need 1 <= --min-speakers <= --max-speakers, got {min_speakers} and {max_speakers}")


def split_names(names: str | None) -> tuple[str, ...] | None:
    parts = tuple(n.strip() for n in (names or "").split(",") if n.strip())
    return parts or None


def fail(message: str, code: int = 1) -> None:
    # Messages quote paths and file content: user data is never read as console markup.
    console.print(f"[bold red]error:[/bold red] {escape(str(message))}")
    raise typer.Exit(code)


def read_lines(path: Path | None) -> list[str]:
    if path is None:
        return []
    if not path.is_file():
        fail(f"{path} not found")
    lines = [line.strip() for line in path.read_text(encoding="utf-8-sig").splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def ingest_options(
    metadata: Path | None,
    max_file_mb: float,
    unlabelled_speaker: str | None,
    fields: str | None,
    records: str | None,
) -> IngestOptions:
    """The ingest section from the options `run` and `ingest` share."""
    from insightminer.ingest.readers.common import parse_field_mapping

    return IngestOptions(
        metadata_file=str(metadata) if metadata else None,
        max_file_mb=max_file_mb,
        unlabelled_speaker=unlabelled_speaker,
        fields=parse_field_mapping(fields),
        records=records,
    )


def read_team(path: Path | None) -> list[str]:
    """--team FILE: names one per line, or a CSV with name/email/role columns -> Config.team entries."""
    if path is None:
        return []
    from insightminer.text.roles import TeamError, load_team

    try:
        return load_team(path).to_entries()
    except TeamError as exc:
        fail(str(exc))
        return []


TEAM = Annotated[
    Path | None,
    typer.Option(
        help="Your own people (sellers, researchers, note-takers): names one per line, or a CSV with "
        "name/email/role columns. Their speech is never analysed as customer speech."
    ),
]


def run_config(run_dir: Path) -> Config:
    """The Config a run folder was written with (run.json), defaults where it says nothing."""
    import json

    try:
        return Config.from_dict(json.loads((run_dir / "run.json").read_text(encoding="utf-8"))["config"])
    except (OSError, ValueError, KeyError, TypeError):  # an older or damaged run.json: the defaults
        return Config()


def print_record(record) -> None:
    if record.status == "skipped":
        console.print(f"[yellow]skipped[/yellow] {escape(record.path)}: {escape(record.reason or '')}")
    else:
        note = f" ({'; '.join(record.notes)})" if record.notes else ""
        console.print(f"[green]read[/green]    {escape(record.path + note)}", style="dim")


def embedder_for(model: str, backend: str = "auto"):
    from insightminer.config import default_cache_dir
    from insightminer.text.embed import Embedder

    return Embedder(model, cache_dir=default_cache_dir() / "embeddings", backend=backend)
