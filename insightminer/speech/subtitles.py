"""Transcript writers: project JSON (Transcript.to_dict()), WebVTT with <v Speaker> tags, SubRip."""

from __future__ import annotations

from pathlib import Path

from insightminer.schema import Transcript
from insightminer.storage import atomic_write_text, dumps_json


def _clock(seconds: float | None, sep: str) -> str:
    ms = max(0, int(round((seconds or 0.0) * 1000)))
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{sep}{ms:03d}"


def _cues(transcript: Transcript) -> list[tuple[float, float, str, str]]:
    cues = []
    for utt in transcript.utterances:
        start = utt.start or 0.0
        end = utt.end if utt.end is not None and utt.end > start else start + 0.5
        text = " ".join(utt.text.split())
        if text:
            cues.append((start, end, utt.speaker, text))
    return cues


def to_vtt(transcript: Transcript) -> str:
    """WebVTT; each cue carries its speaker as a voice tag, so the ingest stage can read it back."""
    lines = ["WEBVTT", ""]
    for start, end, speaker, text in _cues(transcript):
        voice = speaker.replace(">", "").strip() or "Unknown"
        lines += [f"{_clock(start, '.')} --> {_clock(end, '.')}", f"<v {voice}>{text}", ""]
    return "\n".join(lines)


def to_srt(transcript: Transcript) -> str:
    """SubRip; the speaker is a 'Speaker: text' prefix (SRT has no voice tags)."""
    lines: list[str] = []
    for index, (start, end, speaker, text) in enumerate(_cues(transcript), start=1):
        lines += [str(index), f"{_clock(start, ',')} --> {_clock(end, ',')}", f"{speaker}: {text}", ""]
    return "\n".join(lines)


def write_transcript_files(transcript: Transcript, out_dir: Path) -> list[Path]:
    """Write <doc_id>.json, <doc_id>.vtt and <doc_id>.srt into out_dir atomically; return the paths."""
    out_dir = Path(out_dir)
    stem = transcript.doc_id.replace("/", "_").replace("\\", "_") or "transcript"
    paths = [out_dir / f"{stem}.json", out_dir / f"{stem}.vtt", out_dir / f"{stem}.srt"]
    atomic_write_text(paths[0], dumps_json(transcript.to_dict()))
    atomic_write_text(paths[1], to_vtt(transcript))
    atomic_write_text(paths[2], to_srt(transcript))
    return paths
