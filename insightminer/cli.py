"""The `insightminer` command: a thin layer over Pipeline and the stage modules."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.markup import escape

from insightminer.config import (
    ClassifyOptions,
    Config,
    EmbedOptions,
    ExecutionOptions,
    IngestOptions,
    PersonaOptions,
    RankOptions,
    ReportOptions,
    SegmentOptions,
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


def _field_mapping(value: str | None) -> str | None:
    from insightminer.ingest.readers.common import parse_field_mapping

    try:
        parse_field_mapping(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    return value


FIELDS = Annotated[
    str | None,
    typer.Option(
        callback=_field_mapping,
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


def _check_speakers(speakers: int | None, min_speakers: int, max_speakers: int) -> None:
    if speakers is not None and not 1 <= speakers <= 32:
        _fail(f"--speakers must be between 1 and 32, not {speakers}")
    if not 1 <= min_speakers <= max_speakers:
        _fail(f"need 1 <= --min-speakers <= --max-speakers, got {min_speakers} and {max_speakers}")


def _split_names(names: str | None) -> tuple[str, ...] | None:
    parts = tuple(n.strip() for n in (names or "").split(",") if n.strip())
    return parts or None


def _fail(message: str, code: int = 1) -> None:
    # Messages quote paths and file content: user data is never read as console markup.
    console.print(f"[bold red]error:[/bold red] {escape(str(message))}")
    raise typer.Exit(code)


def _read_lines(path: Path | None) -> list[str]:
    if path is None:
        return []
    if not path.is_file():
        _fail(f"{path} not found")
    lines = [line.strip() for line in path.read_text(encoding="utf-8-sig").splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def _read_team(path: Path | None) -> list[str]:
    """--team FILE: names one per line, or a CSV with name/email/role columns -> Config.team entries."""
    if path is None:
        return []
    from insightminer.text.roles import TeamError, load_team

    try:
        return load_team(path).to_entries()
    except TeamError as exc:
        _fail(str(exc))
        return []


TEAM = Annotated[
    Path | None,
    typer.Option(
        help="Your own people (sellers, researchers, note-takers): names one per line, or a CSV with "
        "name/email/role columns. Their speech is never analysed as customer speech."
    ),
]


def _run_config(run_dir: Path) -> Config:
    """The Config a run folder was written with (run.json), defaults where it says nothing."""
    import json

    try:
        return Config.from_dict(json.loads((run_dir / "run.json").read_text(encoding="utf-8"))["config"])
    except (OSError, ValueError, KeyError, TypeError):  # an older or damaged run.json: the defaults
        return Config()


def _print_record(record) -> None:
    if record.status == "skipped":
        console.print(f"[yellow]skipped[/yellow] {escape(record.path)}: {escape(record.reason or '')}")
    else:
        note = f" ({'; '.join(record.notes)})" if record.notes else ""
        console.print(f"[green]read[/green]    {escape(record.path + note)}", style="dim")


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
    team: TEAM = None,
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
    ] = D.rank.segment_field,
    embedding_model: EMBEDDING_MODEL = D.embed.model,
    embedding_backend: EMBEDDING_BACKEND = D.execution.embedding_backend,
    emotion_model: Annotated[
        str,
        typer.Option(
            help="Emotion model name (models/) or path. emotions-conversational (default) is tuned on B2B "
            "speech and calibrated (neutral unless an emotion clears its threshold); emotions-finetuned "
            "keeps the best GoEmotions figures; emotions-hybrid reuses the run's embeddings, uncalibrated."
        ),
    ] = D.classify.emotion_model,
    motivator_model: Annotated[
        str, typer.Option(help="Motivator head name (models/) or path.")
    ] = D.classify.motivator_model,
    motivator_backend: Annotated[
        MOTIVATOR_BACKENDS, typer.Option(help="head | similarity | nli")
    ] = D.classify.motivator_backend,
    nli_model: Annotated[
        str | None, typer.Option(help="NLI model id or path for --motivator-backend nli.")
    ] = None,
    min_confidence: MIN_CONFIDENCE = None,
    asr_model: Annotated[
        str, typer.Option(help="tiny.en, base, a Whisper model id or a path.")
    ] = D.transcribe.model,
    asr_backend: Annotated[
        ASR_BACKENDS, typer.Option(help="faster-whisper | transformers")
    ] = D.transcribe.backend,
    device: Annotated[DEVICES, typer.Option(help="cpu | cuda | auto")] = D.execution.device,
    min_theme_documents: Annotated[
        int, typer.Option(min=1, help="Interviews a theme needs to become a finding.")
    ] = D.rank.min_theme_documents,
    min_theme_size: Annotated[
        int, typer.Option(min=2, help="Fewest customer accounts (passages) a theme needs.")
    ] = D.themes.min_theme_size,
    resolution: Annotated[
        float | None,
        typer.Option(
            min=0.01,
            help="Theme granularity: higher gives more, finer themes (default: chosen from the corpus size).",
        ),
    ] = D.themes.resolution,
    unlabelled_speaker: Annotated[
        str | None, typer.Option(help="Read transcripts without speaker labels as this one speaker.")
    ] = None,
    max_file_mb: MAX_FILE_MB = D.ingest.max_file_mb,
    fields: FIELDS = None,
    records: RECORDS = None,
    no_emotions: Annotated[bool, typer.Option("--no-emotions", help="Skip emotion classification.")] = False,
    no_motivators: Annotated[
        bool, typer.Option("--no-motivators", help="Skip motivator classification.")
    ] = False,
    cache_dir: Annotated[Path | None, typer.Option(help="Cache folder (embeddings, transcripts).")] = None,
    executor: Annotated[
        Literal["local", "ray"],
        typer.Option(help="local, or ray: fan speech-to-text and embedding out over a Ray cluster."),
    ] = D.execution.executor,
    ray_address: Annotated[
        str | None, typer.Option(help="Ray cluster address ('auto', 'ray://head:10001'); default: start one.")
    ] = None,
    ray_workers: Annotated[int, typer.Option(min=1, help="Ray embedding actors.")] = D.execution.ray_workers,
    edits: Annotated[
        Path | None,
        typer.Option(help="YAML/JSON edits (rename / merge / split / hide themes) applied to the findings."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only errors and the summary.")] = False,
    diarize: DIARIZE = D.transcribe.diarize,
    speakers: SPEAKERS = D.transcribe.num_speakers,
    min_speakers: MIN_SPEAKERS = D.transcribe.min_speakers,
    max_speakers: MAX_SPEAKERS = D.transcribe.max_speakers,
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
    from insightminer.ingest.readers.common import parse_field_mapping
    from insightminer.pipeline import NoUsableInputError, Pipeline

    _check_speakers(speakers, min_speakers, max_speakers)
    if motivator_backend == "nli" and not nli_model and not no_motivators:
        # Said before any input is read or model loaded, not after the run's first stages.
        _fail("--motivator-backend nli needs --nli-model (a local NLI model folder or a Hugging Face id)")

    config = Config(
        ingest=IngestOptions(
            metadata_file=str(metadata) if metadata else None,
            max_file_mb=max_file_mb,
            unlabelled_speaker=unlabelled_speaker,
            fields=parse_field_mapping(fields),
            records=records,
        ),
        transcribe=replace(
            D.transcribe,
            model=asr_model,
            backend=asr_backend,
            diarize=diarize,
            num_speakers=speakers,
            min_speakers=min_speakers,
            max_speakers=max_speakers,
            speaker_names=_split_names(speaker_names),
        ),
        segment=SegmentOptions(
            customer_speakers=list(customer or []),
            interviewer_speakers=list(interviewer or []),
            team=_read_team(team),
        ),
        embed=EmbedOptions(model=embedding_model),
        classify=ClassifyOptions(
            emotion_model=emotion_model,
            motivator_model=motivator_model,
            motivator_backend=motivator_backend,
            nli_model=nli_model,
            min_confidence=min_confidence,
            emotions=not no_emotions,
            motivators=not no_motivators,
        ),
        themes=replace(
            D.themes,
            seed_topics=_read_lines(seed_topics),
            min_theme_size=min_theme_size,
            resolution=resolution,
        ),
        rank=RankOptions(
            segment_field=segment_field,
            min_theme_documents=min_theme_documents,
            assumptions=_read_lines(assumptions),
            edits_file=str(edits) if edits else None,
        ),
        personas=PersonaOptions(),
        report=ReportOptions(embed_clips=embed_clips),
        execution=ExecutionOptions(
            device=device,
            embedding_backend=embedding_backend,
            executor=executor,
            ray_address=ray_address,
            ray_workers=ray_workers,
            cache_dir=str(cache_dir) if cache_dir else None,
            progress=not quiet,
        ),
    )
    pipeline = Pipeline(config, console=console, on_input=None if quiet else _print_record)
    from insightminer.insights.edits import EditsError

    try:
        result = pipeline.run(inputs, out)
    except NoUsableInputError as exc:
        _fail(f"{exc}; see {out / 'run.json'}")
        return
    except EditsError as exc:
        _fail(str(exc))
        return
    skipped = result.skipped
    console.print(
        f"[bold]{len(result.processed)} inputs processed, {len(skipped)} skipped[/bold]; "
        f"{len(result.statements)} customer statements, {len(result.top_findings)} findings -> "
        f"{escape(str(out))}"
    )
    for record in skipped:
        console.print(f"  [yellow]skipped[/yellow] {escape(record.path)}: {escape(record.reason or '')}")
    for finding in result.top_findings[:5]:
        prev = finding["prevalence"]
        console.print(
            f"  {finding['rank']}. {escape(finding['label'])} — {prev['documents']} interviews "
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
    max_file_mb: MAX_FILE_MB = D.ingest.max_file_mb,
    fields: FIELDS = None,
    records: RECORDS = None,
    team: TEAM = None,
) -> None:
    """Read transcripts into the project's JSON (one file per interview) and list what was skipped."""
    from insightminer.ingest.files import ingest_paths
    from insightminer.ingest.readers.common import parse_field_mapping
    from insightminer.storage import atomic_write_json
    from insightminer.text.roles import assign_roles, parse_team

    team_members = parse_team(_read_team(team))
    options = IngestOptions(
        metadata_file=str(metadata) if metadata else None,
        max_file_mb=max_file_mb,
        unlabelled_speaker=unlabelled_speaker,
        fields=parse_field_mapping(fields),
        records=records,
    )
    transcripts, records = ingest_paths(
        inputs,
        options,
        on_record=_print_record,
        reserved_ids=("ingest",),  # the manifest below is ingest.json
    )
    for transcript in transcripts:
        assign_roles(transcript, team=team_members)
        atomic_write_json(out / f"{transcript.doc_id}.json", transcript.to_dict())
    atomic_write_json(out / "ingest.json", {"inputs": [r.__dict__ for r in records]})
    console.print(f"{len(transcripts)} transcripts written to {escape(str(out))}")
    if not transcripts:
        _fail("nothing could be read")


@app.command()
def transcribe(
    inputs: INPUTS,
    out: OUT_DIR = Path("insightminer-transcripts"),
    asr_model: Annotated[
        str, typer.Option(help="tiny.en, base, a Whisper model id or a path.")
    ] = TRANSCRIBE.model,
    backend: Annotated[ASR_BACKENDS, typer.Option(help="faster-whisper | transformers")] = TRANSCRIBE.backend,
    device: Annotated[DEVICES, typer.Option(help="cpu | cuda | auto")] = TRANSCRIBE.device,
    compute_type: Annotated[
        str, typer.Option(help="CTranslate2 compute type (int8, float16, ...).")
    ] = TRANSCRIBE.compute_type,
    language: Annotated[
        str | None, typer.Option(help="Language code; default: detect.")
    ] = TRANSCRIBE.language,
    word_timestamps: Annotated[
        bool, typer.Option(help="Word-level timestamps.")
    ] = TRANSCRIBE.word_timestamps,
    no_vad: Annotated[bool, typer.Option("--no-vad", help="Do not skip silence with VAD.")] = False,
    batch_size: Annotated[
        int, typer.Option(min=1, help="Segments decoded together.")
    ] = TRANSCRIBE.batch_size,
    beam_size: Annotated[int, typer.Option(min=1, help="Beam size (1 = greedy).")] = TRANSCRIBE.beam_size,
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
    max_hours: Annotated[
        float, typer.Option(min=0.001, help="Reject files longer than this.")
    ] = TRANSCRIBE.max_duration_s / 3600.0,
    cache_dir: Annotated[Path | None, typer.Option(help="Transcript cache folder.")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Transcribe again even when cached.")] = False,
    diarize: DIARIZE = TRANSCRIBE.diarize,
    speakers: SPEAKERS = TRANSCRIBE.num_speakers,
    min_speakers: MIN_SPEAKERS = TRANSCRIBE.min_speakers,
    max_speakers: MAX_SPEAKERS = TRANSCRIBE.max_speakers,
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
    from insightminer.speech.transcribe import transcribe_command

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
        from insightminer.speech.diarize import PyannoteDiarizer

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
    from insightminer.themes.clustering import ThemeModel, cluster_csv

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
    embedder = _embedder_for(classifier.embedding_model, embedding_backend)
    embedder.progress = True
    rows = annotate_csv_emotions(table, text_column, out, embedder, classifier)
    console.print(f"{rows} rows -> {escape(str(out))}")


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
        table, text_column, out, _embedder_for(classifier.embedding_model, embedding_backend), classifier
    )
    console.print(f"{rows} rows -> {escape(str(out))}")


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
    embedder = _embedder_for(detector.embedding_model) if detector.needs_embeddings else None
    rows = annotate_csv_kinds(table, text_column, out, detector, embedder, progress=not quiet)
    console.print(f"{rows} rows -> {escape(str(out))}")


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
        embedder=_embedder_for(embedding_model),
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
            _fail(str(exc))
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
                    options=ReportOptions(embed_clips=embed_clips or _run_config(run_dir).report.embed_clips),
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
    from insightminer.speech.whisper_models import cache_root, tiny_en_path

    table.add_row("speech-to-text", "tiny.en (faster-whisper)", "English speech-to-text", str(tiny_en_path()))
    table.add_row(
        "speech-to-text",
        "base (faster-whisper)",
        "multilingual speech-to-text",
        f"joined on first use into {cache_root()}",
    )
    Console().print(table)


def _embedder_for(model: str, backend: str = "auto"):
    from insightminer.config import default_cache_dir
    from insightminer.text.embed import Embedder

    return Embedder(model, cache_dir=default_cache_dir() / "embeddings", backend=backend)


def main() -> None:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        app()
    except (FileNotFoundError, ValueError, RuntimeError, OSError) as exc:
        # Known failure modes reach the user as one clear line, not a traceback.
        console.print(f"[bold red]error:[/bold red] {escape(str(exc))}")
        raise SystemExit(1) from None
