"""The `insightminer transcribe` command (its help text is the function's docstring)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
    from insightminer.speech.transcribe import transcribe_command

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
