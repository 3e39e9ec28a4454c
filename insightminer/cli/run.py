"""The `insightminer run` command (its help text is the function's docstring)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.markup import escape

from insightminer.cli.common import (
    ASR_BACKENDS,
    DEVICES,
    DIARIZE,
    EMBEDDING_BACKEND,
    EMBEDDING_MODEL,
    FIELDS,
    INPUTS,
    MAX_FILE_MB,
    MAX_SPEAKERS,
    MIN_CONFIDENCE,
    MIN_SPEAKERS,
    MOTIVATOR_BACKENDS,
    OUT_DIR,
    RECORDS,
    SPEAKERS,
    TEAM,
    D,
    app,
    check_speakers,
    console,
    fail,
    ingest_options,
    print_record,
    read_lines,
    read_team,
    split_names,
)
from insightminer.config import (
    ClassifyOptions,
    Config,
    EmbedOptions,
    ExecutionOptions,
    PersonaOptions,
    RankOptions,
    ReportOptions,
    SegmentOptions,
)


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
    from insightminer.pipeline import NoUsableInputError, Pipeline

    check_speakers(speakers, min_speakers, max_speakers)
    if motivator_backend == "nli" and not nli_model and not no_motivators:
        # Said before any input is read or model loaded, not after the run's first stages.
        fail("--motivator-backend nli needs --nli-model (a local NLI model folder or a Hugging Face id)")

    config = Config(
        ingest=ingest_options(metadata, max_file_mb, unlabelled_speaker, fields, records),
        transcribe=replace(
            D.transcribe,
            model=asr_model,
            backend=asr_backend,
            diarize=diarize,
            num_speakers=speakers,
            min_speakers=min_speakers,
            max_speakers=max_speakers,
            speaker_names=split_names(speaker_names),
        ),
        segment=SegmentOptions(
            customer_speakers=list(customer or []),
            interviewer_speakers=list(interviewer or []),
            team=read_team(team),
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
            seed_topics=read_lines(seed_topics),
            min_theme_size=min_theme_size,
            resolution=resolution,
        ),
        rank=RankOptions(
            segment_field=segment_field,
            min_theme_documents=min_theme_documents,
            assumptions=read_lines(assumptions),
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
    pipeline = Pipeline(config, console=console, on_input=None if quiet else print_record)
    from insightminer.insights.edits import EditsError

    try:
        result = pipeline.run(inputs, out)
    except NoUsableInputError as exc:
        fail(f"{exc}; see {out / 'run.json'}")
        return
    except EditsError as exc:
        fail(str(exc))
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
