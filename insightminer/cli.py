"""The `insightminer` command: a thin layer over Pipeline and the stage modules."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(
    name="insightminer",
    help="Mine customer interviews and sales calls for ranked, evidence-backed insight.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True, highlight=False)

INPUTS = Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively).")]
OUT_DIR = Annotated[Path, typer.Option("--out", "-o", help="Output folder.")]
EMBEDDING_MODEL = Annotated[
    str, typer.Option(help="Sentence-transformers model: the bundled default, a Hugging Face id or a path.")
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


def _check_speakers(speakers: int | None, min_speakers: int, max_speakers: int) -> None:
    if speakers is not None and not 1 <= speakers <= 32:
        _fail(f"--speakers must be between 1 and 32, not {speakers}")
    if not 1 <= min_speakers <= max_speakers:
        _fail(f"need 1 <= --min-speakers <= --max-speakers, got {min_speakers} and {max_speakers}")


def _split_names(names: str | None) -> tuple[str, ...] | None:
    parts = tuple(n.strip() for n in (names or "").split(",") if n.strip())
    return parts or None


class CliError(Exception):
    """A failure with a message for the user (no traceback)."""


def _fail(message: str, code: int = 1) -> None:
    console.print(f"[bold red]error:[/bold red] {message}")
    raise typer.Exit(code)


def _read_lines(path: Path | None) -> list[str]:
    if path is None:
        return []
    if not path.is_file():
        _fail(f"{path} not found")
    lines = [line.strip() for line in path.read_text(encoding="utf-8-sig").splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def _print_record(record) -> None:
    if record.status == "skipped":
        console.print(f"[yellow]skipped[/yellow] {record.path}: {record.reason}")
    else:
        note = f" ({'; '.join(record.notes)})" if record.notes else ""
        console.print(f"[green]read[/green]    {record.path}{note}", style="dim")


@app.command()
def run(
    inputs: INPUTS,
    out: OUT_DIR = Path("insightminer-out"),
    customer: Annotated[
        list[str] | None, typer.Option(help="Speaker name that is a customer (repeatable).")
    ] = None,
    interviewer: Annotated[
        list[str] | None, typer.Option(help="Speaker name that is an interviewer / sales rep (repeatable).")
    ] = None,
    metadata: Annotated[
        Path | None, typer.Option(help="Per-interview metadata CSV or YAML (doc_id column).")
    ] = None,
    assumptions: Annotated[
        Path | None,
        typer.Option(help="Text file, one assumed pain point per line, to check against evidence."),
    ] = None,
    seed_topics: Annotated[
        Path | None, typer.Option(help="Text file, one expected pain point per line, to guide the themes.")
    ] = None,
    segment_field: Annotated[
        str, typer.Option(help="Metadata field that defines customer segments.")
    ] = "segment",
    embedding_model: EMBEDDING_MODEL = "all-MiniLM-L6-v2",
    emotion_model: Annotated[
        str,
        typer.Option(
            help="Emotion model name (models/) or path. emotions-finetuned is the most accurate "
            "(GoEmotions dev Ekman F1 0.64 vs 0.59) but runs its own encoder over every statement."
        ),
    ] = "emotions-hybrid",
    motivator_model: Annotated[
        str, typer.Option(help="Motivator head name (models/) or path.")
    ] = "motivators",
    motivator_backend: Annotated[str, typer.Option(help="head | similarity | nli")] = "head",
    nli_model: Annotated[
        str | None, typer.Option(help="NLI model id or path for --motivator-backend nli.")
    ] = None,
    asr_model: Annotated[str, typer.Option(help="tiny.en, base, a Whisper model id or a path.")] = "tiny.en",
    asr_backend: Annotated[str, typer.Option(help="faster-whisper | transformers")] = "faster-whisper",
    device: Annotated[str, typer.Option(help="cpu | cuda | auto")] = "cpu",
    min_theme_documents: Annotated[
        int, typer.Option(help="Interviews a theme needs to become a finding.")
    ] = 2,
    unlabelled_speaker: Annotated[
        str | None, typer.Option(help="Read transcripts without speaker labels as this one speaker.")
    ] = None,
    max_file_mb: Annotated[float, typer.Option(help="Skip transcript files larger than this.")] = 20.0,
    no_emotions: Annotated[bool, typer.Option("--no-emotions", help="Skip emotion classification.")] = False,
    no_motivators: Annotated[
        bool, typer.Option("--no-motivators", help="Skip motivator classification.")
    ] = False,
    cache_dir: Annotated[Path | None, typer.Option(help="Cache folder (embeddings, transcripts).")] = None,
    executor: Annotated[
        str, typer.Option(help="local, or ray: fan speech-to-text and embedding out over a Ray cluster.")
    ] = "local",
    ray_address: Annotated[
        str | None, typer.Option(help="Ray cluster address ('auto', 'ray://head:10001'); default: start one.")
    ] = None,
    ray_workers: Annotated[int, typer.Option(help="Ray embedding actors.")] = 2,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only errors and the summary.")] = False,
    diarize: DIARIZE = True,
    speakers: SPEAKERS = None,
    min_speakers: MIN_SPEAKERS = 1,
    max_speakers: MAX_SPEAKERS = 8,
    speaker_names: Annotated[
        str | None,
        typer.Option(help="Names for audio speakers in order of first speech (or channels): 'Rep,Ana'."),
    ] = None,
    embed_clips: Annotated[
        bool,
        typer.Option("--embed-clips", help="Embed each audio quote's clip in report.html (self-contained)."),
    ] = False,
) -> None:
    """Run everything: transcripts and audio in, ranked findings, personas and report out."""
    from insightminer.config import Config
    from insightminer.pipeline import NoUsableInputError, Pipeline

    _check_speakers(speakers, min_speakers, max_speakers)

    config = Config(
        embedding_model=embedding_model,
        emotion_model=emotion_model,
        motivator_model=motivator_model,
        motivator_backend=motivator_backend,
        nli_model=nli_model,
        asr_model=asr_model,
        asr_backend=asr_backend,
        device=device,
        metadata_file=str(metadata) if metadata else None,
        max_file_mb=max_file_mb,
        unlabelled_speaker=unlabelled_speaker,
        customer_speakers=list(customer or []),
        interviewer_speakers=list(interviewer or []),
        segment_field=segment_field,
        min_theme_documents=min_theme_documents,
        seed_topics=_read_lines(seed_topics),
        assumptions=_read_lines(assumptions),
        emotions=not no_emotions,
        motivators=not no_motivators,
        cache_dir=str(cache_dir) if cache_dir else None,
        executor=executor,
        ray_address=ray_address,
        ray_workers=ray_workers,
        progress=not quiet,
        diarize=diarize,
        num_speakers=speakers,
        min_speakers=min_speakers,
        max_speakers=max_speakers,
        speaker_names=list(_split_names(speaker_names) or []),
        embed_clips=embed_clips,
    )
    pipeline = Pipeline(config, console=console, on_input=None if quiet else _print_record)
    try:
        result = pipeline.run(inputs, out)
    except NoUsableInputError as exc:
        _fail(f"{exc}; see {out / 'run.json'}")
        return
    skipped = result.skipped
    console.print(
        f"[bold]{len(result.processed)} inputs processed, {len(skipped)} skipped[/bold]; "
        f"{len(result.statements)} customer statements, {len(result.top_findings)} findings -> {out}"
    )
    for record in skipped:
        console.print(f"  [yellow]skipped[/yellow] {record.path}: {record.reason}")
    for finding in result.top_findings[:5]:
        prev = finding["prevalence"]
        console.print(
            f"  {finding['rank']}. {finding['label']} — {prev['documents']} interviews "
            f"({prev['share_of_documents']:.0%})"
        )


@app.command()
def ingest(
    inputs: INPUTS,
    out: OUT_DIR = Path("insightminer-transcripts"),
    metadata: Annotated[Path | None, typer.Option(help="Per-interview metadata CSV or YAML.")] = None,
    unlabelled_speaker: Annotated[
        str | None, typer.Option(help="Speaker for unlabelled transcripts.")
    ] = None,
    max_file_mb: Annotated[float, typer.Option(help="Skip transcript files larger than this.")] = 20.0,
) -> None:
    """Read transcripts into the project's JSON (one file per interview) and list what was skipped."""
    from insightminer.ingest import ingest_paths
    from insightminer.roles import assign_roles
    from insightminer.storage import atomic_write_json

    transcripts, records = ingest_paths(
        inputs,
        metadata_file=metadata,
        max_file_bytes=int(max_file_mb * 1_000_000),
        unlabelled_speaker=unlabelled_speaker,
        on_record=_print_record,
    )
    for transcript in transcripts:
        assign_roles(transcript)
        atomic_write_json(out / f"{transcript.doc_id}.json", transcript.to_dict())
    atomic_write_json(out / "ingest.json", {"inputs": [r.__dict__ for r in records]})
    console.print(f"{len(transcripts)} transcripts written to {out}")
    if not transcripts:
        _fail("nothing could be read")


@app.command()
def transcribe(
    inputs: INPUTS,
    out: OUT_DIR = Path("insightminer-transcripts"),
    asr_model: Annotated[str, typer.Option(help="tiny.en, base, a Whisper model id or a path.")] = "tiny.en",
    backend: Annotated[str, typer.Option(help="faster-whisper | transformers")] = "faster-whisper",
    device: Annotated[str, typer.Option(help="cpu | cuda | auto")] = "auto",
    compute_type: Annotated[
        str, typer.Option(help="CTranslate2 compute type (int8, float16, ...).")
    ] = "default",
    language: Annotated[str | None, typer.Option(help="Language code; default: detect.")] = None,
    word_timestamps: Annotated[bool, typer.Option(help="Word-level timestamps.")] = True,
    no_vad: Annotated[bool, typer.Option("--no-vad", help="Do not skip silence with VAD.")] = False,
    batch_size: Annotated[int, typer.Option(help="Segments decoded together.")] = 8,
    beam_size: Annotated[int, typer.Option(help="Beam size (1 = greedy).")] = 1,
    no_split_stereo: Annotated[
        bool,
        typer.Option("--no-split-stereo", help="Do not transcribe stereo channels as separate speakers."),
    ] = False,
    speaker_names: Annotated[
        str | None,
        typer.Option(
            help="Names for channel 1, 2 of stereo calls, or for diarized speakers in order of first "
            "speech, e.g. 'Rep,Customer'."
        ),
    ] = None,
    max_hours: Annotated[float, typer.Option(help="Reject files longer than this.")] = 4.0,
    cache_dir: Annotated[Path | None, typer.Option(help="Transcript cache folder.")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Transcribe again even when cached.")] = False,
    diarize: DIARIZE = True,
    speakers: SPEAKERS = None,
    min_speakers: MIN_SPEAKERS = 1,
    max_speakers: MAX_SPEAKERS = 8,
    pyannote: Annotated[
        Path | None,
        typer.Option(help="Diarize mono audio with a local pyannote.audio pipeline folder instead."),
    ] = None,
) -> None:
    """Transcribe audio/video files to JSON, WebVTT and SRT transcripts with speakers and timestamps.

    Stereo calls with one party per channel are split by channel; mono audio is diarized offline
    (who spoke when), each word attributed to its speaker.
    """
    from insightminer.config import default_cache_dir
    from insightminer.transcribe import TranscribeOptions, transcribe_command

    _check_speakers(speakers, min_speakers, max_speakers)

    options = TranscribeOptions(
        model=asr_model,
        backend=backend,
        device=device,
        compute_type=compute_type,
        language=language,
        word_timestamps=word_timestamps,
        vad=not no_vad,
        batch_size=batch_size,
        beam_size=beam_size,
        split_stereo=not no_split_stereo,
        speaker_names=_split_names(speaker_names),
        max_duration_s=max_hours * 3600.0,
        cache_dir=str(cache_dir or default_cache_dir() / "transcripts"),
        use_cache=not no_cache,
        diarize=diarize,
        num_speakers=speakers,
        min_speakers=min_speakers,
        max_speakers=max_speakers,
    )
    diarizer = None
    if pyannote is not None:
        from insightminer.diarize import PyannoteDiarizer

        if not PyannoteDiarizer.available():
            _fail("--pyannote needs `pip install pyannote.audio`")
        diarizer = PyannoteDiarizer(
            pyannote, device="cuda" if device == "cuda" else "cpu", num_speakers=speakers
        )
    code = transcribe_command(list(inputs), out, options, console, diarizer=diarizer)
    raise typer.Exit(code)


@app.command()
def themes(
    input_csv: Annotated[
        Path, typer.Argument(help="CSV of customer statements (survey answers, tickets, ...).")
    ],
    text_column: Annotated[str, typer.Option(help="Column holding the text.")],
    out: OUT_DIR = Path("insightminer-themes"),
    all_statements: Annotated[
        bool, typer.Option("--all-statements", help="Cluster every row, not only pain points.")
    ] = False,
    min_theme_size: Annotated[int, typer.Option(help="Smallest theme.")] = 3,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    embedding_model: EMBEDDING_MODEL = "all-MiniLM-L6-v2",
    cache_dir: Annotated[Path | None, typer.Option(help="Embedding cache folder.")] = None,
) -> None:
    """Cluster the rows of any CSV into themes: DIR/assignments.csv (row, theme_id) and DIR/themes.json."""
    from insightminer.config import default_cache_dir
    from insightminer.embed import Embedder
    from insightminer.themes import ThemeModel, cluster_csv

    embedder = Embedder(embedding_model, cache_dir=(cache_dir or default_cache_dir()) / "embeddings")
    statement_filter = None
    if not all_statements:
        from insightminer.detect import StatementKindDetector

        detector = StatementKindDetector()

        def statement_filter(texts, vectors):
            import numpy as np

            return np.array(
                [kind == "pain_point" for kind, _ in detector.predict(vectors, texts)], dtype=bool
            )

    summary = cluster_csv(
        input_csv,
        text_column,
        out,
        embedder=embedder,
        statement_filter=statement_filter,
        model=ThemeModel(min_theme_size=min_theme_size, random_state=seed),
    )
    n_themes = len(summary.get("themes", [])) if isinstance(summary, dict) else "?"
    console.print(f"{n_themes} themes -> {out / 'assignments.csv'}, {out / 'themes.json'}")


@app.command()
def emotions(
    input_csv: Annotated[Path, typer.Argument(help="CSV with a text column.")],
    text_column: Annotated[str, typer.Option(help="Column holding the text.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output CSV.")],
    model: Annotated[
        str,
        typer.Option(
            help="Emotion model name (models/) or path; emotions-finetuned is the most accurate, "
            "emotions-hybrid (default) matches what `insightminer run` uses by default."
        ),
    ] = "emotions-hybrid",
) -> None:
    """Add emotion columns (emotion, emotion_score, emotions, ekman, sentiment) to every row of a CSV."""
    from insightminer.emotions import EmotionClassifier, annotate_csv_emotions

    classifier = EmotionClassifier(model)
    rows = annotate_csv_emotions(
        input_csv, text_column, out, _embedder_for(classifier.embedding_model), classifier
    )
    console.print(f"{rows} rows -> {out}")


@app.command()
def motivators(
    input_csv: Annotated[Path, typer.Argument(help="CSV with a text column.")],
    text_column: Annotated[str, typer.Option(help="Column holding the text.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output CSV.")],
    model: Annotated[str, typer.Option(help="Motivator head name (models/) or path.")] = "motivators",
    backend: Annotated[str, typer.Option(help="head | similarity | nli")] = "head",
    nli_model: Annotated[str | None, typer.Option(help="NLI model id or path for --backend nli.")] = None,
    min_score: Annotated[float, typer.Option(help="Lowest score that counts as a motivator.")] = 0.25,
) -> None:
    """Add motivator columns (motivator, motivator_score, motivators) to every row of a CSV."""
    from insightminer.motivators import MotivatorClassifier, annotate_csv_motivators

    classifier = MotivatorClassifier(model, backend=backend, nli_model=nli_model, min_score=min_score)
    rows = annotate_csv_motivators(
        input_csv, text_column, out, _embedder_for(classifier.embedding_model), classifier
    )
    console.print(f"{rows} rows -> {out}")


@app.command("train-classifier")
def train_classifier(
    labels_csv: Annotated[Path, typer.Argument(help="CSV of labelled statements.")],
    text_column: Annotated[str, typer.Option(help="Column holding the text.")],
    label_column: Annotated[str, typer.Option(help="Column holding the label.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Model folder, e.g. models/my-taxonomy.")],
    multi_label: Annotated[bool, typer.Option(help="Labels are lists (see --label-separator).")] = False,
    label_separator: Annotated[str, typer.Option(help="Separator of multi-label labels.")] = ";",
    cv_folds: Annotated[int, typer.Option(help="Cross-validation folds for the reported figures.")] = 5,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    epochs: Annotated[int, typer.Option(help="Training epochs.")] = 60,
    embedding_model: EMBEDDING_MODEL = "all-MiniLM-L6-v2",
) -> None:
    """Train a statement classifier (e.g. your own motivator taxonomy) on your labelled CSV."""
    from insightminer.training import train_classifier as train

    metrics = train(
        labels_csv,
        text_column,
        label_column,
        out,
        embedder=_embedder_for(embedding_model),
        multi_label=multi_label,
    )
    cv = (metrics.get("cv") or {}).get("macro_f1")
    console.print(f"saved {out}" + (f"; cross-validated macro-F1 {cv:.3f}" if cv is not None else ""))


@app.command()
def report(
    run_dir: Annotated[Path, typer.Argument(help="A run folder written by `insightminer run`.")],
    embed_clips: Annotated[
        bool, typer.Option("--embed-clips", help="Embed each audio quote's clip (self-contained report).")
    ] = False,
) -> None:
    """Re-write findings.md, findings.csv and report.html from a run folder's JSON and parquet files."""
    import json

    import pyarrow.parquet as pq

    from insightminer.report import read_findings, statements_from_table, write_findings
    from insightminer.report_html import render_report_html
    from insightminer.storage import atomic_write_text

    findings = read_findings(run_dir)
    personas_path = run_dir / "personas.json"
    personas = json.loads(personas_path.read_text(encoding="utf-8")) if personas_path.is_file() else {}
    statements = statements_from_table(pq.read_table(run_dir / "segments.parquet"))
    write_findings(run_dir, findings)
    from insightminer.clips import embedded_clips, relative_audio_urls, run_audio_sources
    from insightminer.trends import theme_trends

    sources = run_audio_sources(run_dir) if (run_dir / "run.json").is_file() else {}
    clips = embedded_clips([findings, personas], sources) if sources and embed_clips else None
    html = render_report_html(
        findings,
        personas,
        theme_trends(statements, findings, period="auto"),
        statements,
        audio_sources=None if clips is not None else relative_audio_urls(sources, run_dir),
        audio_clips=clips,
    )
    atomic_write_text(run_dir / "report.html", html)
    console.print(f"report re-written in {run_dir}")


@app.command()
def clips(
    run_dir: Annotated[Path, typer.Argument(help="A run folder written by `insightminer run`.")],
    out: OUT_DIR = Path("insightminer-clips"),
    audio_format: Annotated[str, typer.Option("--format", help="m4a | mp3 | ogg | flac | wav")] = "m4a",
) -> None:
    """Export each finding's audio evidence as clips plus a highlight reel, with a manifest.json."""
    from insightminer.audio import AudioError
    from insightminer.clips import export_clips

    try:
        manifest = export_clips(run_dir, out, audio_format)
    except (FileNotFoundError, ValueError, AudioError) as exc:
        _fail(str(exc))
        return
    console.print(
        f"{len(manifest['clips'])} clips and {len(manifest['reels'])} highlight reels -> {out} "
        f"({len(manifest['skipped'])} quotes not from audio or without times); "
        f"manifest: {out / 'manifest.json'}"
    )


@app.command()
def models() -> None:
    """List the models a run uses and where each resolves (all offline by default)."""
    from rich.table import Table

    from insightminer.model_registry import MODEL_TASKS, models_dir, read_manifest, resolve_embedding_model

    table = Table(title="insightminer models")
    table.add_column("role")
    table.add_column("name")
    table.add_column("task and measured figures")
    table.add_column("resolves to")
    table.add_row(
        "embeddings",
        "all-MiniLM-L6-v2",
        "sentence embeddings (384-d)",
        resolve_embedding_model("all-MiniLM-L6-v2"),
    )
    listed = (read_manifest(models_dir()) if models_dir().is_dir() else None) or {}
    for folder in sorted(p for p in models_dir().iterdir() if p.is_dir()) if models_dir().is_dir() else []:
        entry = listed.get(folder.name, {})
        figures = ", ".join(f"{k} {v}" for k, v in entry.get("figures", {}).items())
        task = entry.get("task") or MODEL_TASKS.get(folder.name, "user-trained classifier")
        table.add_row(
            "trained head", folder.name, f"{task}" + (f" ({figures})" if figures else ""), str(folder)
        )
    from insightminer.whisper_models import cache_root, tiny_en_path

    table.add_row("speech-to-text", "tiny.en (faster-whisper)", "English speech-to-text", str(tiny_en_path()))
    table.add_row(
        "speech-to-text",
        "base (faster-whisper)",
        "multilingual speech-to-text",
        f"joined on first use into {cache_root()}",
    )
    Console().print(table)


def _embedder_for(model: str):
    from insightminer.config import default_cache_dir
    from insightminer.embed import Embedder

    return Embedder(model, cache_dir=default_cache_dir() / "embeddings")


def main() -> None:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        app()
    except (FileNotFoundError, ValueError, RuntimeError, OSError) as exc:
        # Known failure modes reach the user as one clear line, not a traceback.
        console.print(f"[bold red]error:[/bold red] {exc}")
        raise SystemExit(1) from None
