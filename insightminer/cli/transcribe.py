"""The `insightminer transcribe` command (its help text is the function's docstring)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from insightminer.cli.common import (
    ASR_BACKENDS,
    DEVICES,
    DIARIZE,
    INPUTS,
    MAX_SPEAKERS,
    MIN_SPEAKERS,
    OUT_DIR,
    SPEAKERS,
    TRANSCRIBE,
    app,
    check_speakers,
    console,
    fail,
    split_names,
)
from insightminer.config import TranscribeOptions


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

    check_speakers(speakers, min_speakers, max_speakers)

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
        speaker_names=split_names(speaker_names),
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
            fail("--pyannote needs `pip install pyannote.audio`")
        diarizer = PyannoteDiarizer(
            pyannote, device="cuda" if device == "cuda" else "cpu", num_speakers=speakers
        )
    code = transcribe_command(list(inputs), out, options, console, diarizer=diarizer)
    raise typer.Exit(code)


def transcribe_command(
    inputs: list[Path],
    out_dir: Path,
    options: TranscribeOptions,
    console: Any,
    diarizer: Any = None,
) -> int:
    """The `insightminer transcribe INPUT... --out DIR` sub-command.

    Writes <doc_id>.json/.vtt/.srt per file and DIR/transcribe.json (every input: processed, cached or
    skipped with its reason; options; stats), with a rich progress bar of audio seconds and real-time
    factor. Returns 0 when at least one file was transcribed (or nothing needed doing), else 1.
    """
    from dataclasses import asdict

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from insightminer.speech.audio import AudioError, find_audio_files, probe_audio
    from insightminer.speech.subtitles import write_transcript_files
    from insightminer.speech.transcribe import Transcriber
    from insightminer.storage import atomic_write_json

    out_dir = Path(out_dir)
    files = find_audio_files(inputs)
    if not files:
        console.print("[red]No audio files found in the given inputs.[/red]")
        return 1
    durations: dict[Path, float] = {}
    for path in files:
        try:
            durations[path] = float(probe_audio(path)["duration"] or 0.0)
        except AudioError:
            durations[path] = 0.0
    transcriber = Transcriber(options, diarizer=diarizer)
    records: list[dict[str, Any]] = []
    columns = (
        TextColumn("[bold]transcribe"),
        BarColumn(),
        TextColumn("{task.completed:.0f}/{task.total:.0f} s audio"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("audio", total=max(1.0, sum(durations.values())), rate="")

        def on_file(event: dict[str, Any]) -> None:
            stats = event["stats"]
            rate = (
                f"{stats['speed_x']:.1f}x real time (RTF {stats['rtf']:.3f})" if stats["wall_seconds"] else ""
            )
            bar.update(task, advance=durations.get(event["path"], 0.0), rate=rate)
            if event["status"] == "skipped":
                bar.console.print(
                    f"[yellow]skipped[/yellow] {escape(str(event['path']))}: {escape(event['reason'])}"
                )

        for path, result in transcriber.transcribe_many(files, progress=on_file):
            if isinstance(result, AudioError):
                records.append({"path": str(path), "status": "skipped", "reason": str(result), "outputs": []})
                continue
            written = write_transcript_files(result, out_dir)
            records.append(
                {
                    "path": str(path),
                    "status": "processed",
                    "reason": None,
                    "doc_id": result.doc_id,
                    "outputs": [p.name for p in written],
                    "utterances": len(result.utterances),
                    "speakers": sorted({u.speaker for u in result.utterances}),
                    "notes": result.notes,
                }
            )
    stats = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in transcriber.stats.items()}
    manifest = {"options": asdict(options), "inputs": records, "stats": stats}
    atomic_write_json(out_dir / "transcribe.json", manifest)
    done = sum(r["status"] == "processed" for r in records)
    skipped = len(records) - done
    console.print(
        f"Transcribed {done} file(s), skipped {skipped}; {stats['audio_seconds']:.0f} s of audio at "
        f"{stats['speed_x']:.1f}x real time; cache hits {stats['cache_hits']}. "
        f"Manifest: {escape(str(out_dir / 'transcribe.json'))}"
    )
    return 0 if done else 1
