"""Quotes you can listen to: audio clips of evidence, highlight reels, clips embedded in the report.

`export_clips(run_dir, out_dir)` (the `insightminer clips RUN --out DIR` command) cuts every audio
quote of every finding out of its recording, writes one file per quote plus a highlight reel per
finding (the quotes back to back with a short pause), and a manifest.json of clip -> quote,
interview, speaker and times. Everything is decoded and encoded with PyAV: no system ffmpeg.
Recordings are read block by block, so a long call never sits in memory whole.
"""

from __future__ import annotations

import base64
import json
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from insightminer.speech.audio import SAMPLE_RATE, iter_audio_blocks, write_audio
from insightminer.storage import atomic_write_json

PAD_S = 0.15  # a little air either side so the first and last words are not clipped
REEL_GAP_S = 0.6
CLIP_BIT_RATE = 32000  # AAC, mono 16 kHz: ~4 KB per second of speech


def quote_key(doc_id: Any, start: Any, end: Any) -> str:
    """How the report finds an embedded clip for a quote (statement ids are absent on some quotes)."""
    return f"{doc_id}|{float(start):.3f}|{float(end):.3f}"


def iter_quotes(data: Any) -> Iterable[dict]:
    """Every quote-like dict (doc_id, text, start, end) anywhere in findings or personas."""
    if isinstance(data, dict):
        if (
            "doc_id" in data
            and "text" in data
            and data.get("start") is not None
            and data.get("end") is not None
        ):
            yield data
        for value in data.values():
            yield from iter_quotes(value)
    elif isinstance(data, list):
        for value in data:
            yield from iter_quotes(value)


def extract_ranges(
    path: str | Path, ranges: list[tuple[float, float]], pad_s: float = PAD_S
) -> list[np.ndarray]:
    """Mono 16 kHz audio of each (start, end) second range, padded, read in one streaming pass."""
    wanted = [
        (max(0, int((s - pad_s) * SAMPLE_RATE)), max(0, int((e + pad_s) * SAMPLE_RATE))) for s, e in ranges
    ]
    pieces: list[list[np.ndarray]] = [[] for _ in wanted]
    pos = 0
    last = max((b for _, b in wanted), default=0)
    for block in iter_audio_blocks(path, block_seconds=120.0, sample_rate=SAMPLE_RATE, mono=True):
        end = pos + len(block)
        for i, (a, b) in enumerate(wanted):
            if a < end and b > pos:
                pieces[i].append(block[max(0, a - pos) : min(len(block), b - pos)])
        pos = end
        if pos >= last:
            break
    return [np.concatenate(p) if p else np.zeros(0, dtype=np.float32) for p in pieces]


def encode_clip(audio: np.ndarray, path: Path) -> None:
    write_audio(path, audio, SAMPLE_RATE, bit_rate=CLIP_BIT_RATE if path.suffix != ".wav" else None)


def clip_data_uri(audio: np.ndarray) -> str:
    """A short clip as an AAC (m4a) data: URI for the self-contained report."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "clip.m4a"
        encode_clip(audio, path)
        return "data:audio/mp4;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def embedded_clips(data: list[Any], sources: dict[str, str | Path]) -> dict[str, str]:
    """quote_key -> data: URI for every audio quote in `data` (findings, personas)."""
    by_doc: dict[str, list[tuple[float, float]]] = {}
    for quote in (q for d in data for q in iter_quotes(d)):
        if str(quote["doc_id"]) in sources:
            by_doc.setdefault(str(quote["doc_id"]), []).append((float(quote["start"]), float(quote["end"])))
    out: dict[str, str] = {}
    for doc_id, ranges in sorted(by_doc.items()):
        ranges = sorted(set(ranges))
        for (s, e), audio in zip(ranges, extract_ranges(sources[doc_id], ranges), strict=True):
            if len(audio):
                out[quote_key(doc_id, s, e)] = clip_data_uri(audio)
    return out


def run_audio_sources(run_dir: Path) -> dict[str, Path]:
    """doc_id -> recording for every audio input of a run (from run.json)."""
    manifest = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    sources: dict[str, Path] = {}
    for item in manifest.get("inputs", []):
        if item.get("status") != "processed" or item.get("format") != "audio":
            continue
        path = Path(item["path"])
        for candidate in (path, run_dir / path, Path.cwd() / path):
            if candidate.is_file():
                for doc_id in item.get("doc_ids") or []:
                    sources[str(doc_id)] = candidate
                break
    return sources


def _slug(text: str, n: int = 40) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:n].rstrip("-") or "finding"


def export_clips(run_dir: Path, out_dir: Path, fmt: str = "m4a") -> dict[str, Any]:
    """Write each finding's audio evidence as clips plus a highlight reel; return the manifest."""
    run_dir, out_dir = Path(run_dir), Path(out_dir)
    if fmt not in ("m4a", "mp3", "wav", "ogg", "flac"):
        raise ValueError(f"clip format must be m4a, mp3, ogg, flac or wav, not {fmt!r}")
    findings_path = run_dir / "findings.json"
    if not findings_path.is_file() or not (run_dir / "run.json").is_file():
        raise FileNotFoundError(f"{run_dir} is not a run folder (findings.json and run.json expected)")
    findings = json.loads(findings_path.read_text(encoding="utf-8"))
    sources = run_audio_sources(run_dir)
    clips: list[dict[str, Any]] = []
    reels: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    out_dir.mkdir(parents=True, exist_ok=True)
    gap = np.zeros(int(REEL_GAP_S * SAMPLE_RATE), dtype=np.float32)
    for finding in findings.get("findings", []):
        rank = finding.get("rank", 0)
        folder = f"{int(rank):02d}-{_slug(str(finding.get('label', '')))}"
        evidence = [e for e in finding.get("evidence") or [] if isinstance(e, dict)]
        usable = []
        for e in evidence:
            if str(e.get("doc_id")) not in sources:
                skipped.append({"statement_id": e.get("statement_id"), "reason": "not from an audio input"})
            elif e.get("start") is None or e.get("end") is None:
                skipped.append({"statement_id": e.get("statement_id"), "reason": "quote has no times"})
            else:
                usable.append(e)
        if not usable:
            continue
        for doc_id in sorted({str(e["doc_id"]) for e in usable}):
            mine = [e for e in usable if str(e["doc_id"]) == doc_id]
            cut = extract_ranges(sources[doc_id], [(float(e["start"]), float(e["end"])) for e in mine])
            for e, audio in zip(mine, cut, strict=True):
                e["_audio"] = audio
        reel_parts: list[np.ndarray] = []
        names: list[str] = []
        for i, e in enumerate(usable, start=1):
            audio = e.pop("_audio")
            if not len(audio):
                skipped.append({"statement_id": e.get("statement_id"), "reason": "times past the recording"})
                continue
            name = f"{folder}/{i:02d}-{_slug(str(e['doc_id']), 30)}.{fmt}"
            (out_dir / folder).mkdir(parents=True, exist_ok=True)
            encode_clip(audio, out_dir / name)
            reel_parts += [audio, gap]
            names.append(name)
            clips.append(
                {
                    "file": name,
                    "finding_rank": rank,
                    "finding_label": finding.get("label"),
                    "theme_id": finding.get("theme_id"),
                    "statement_id": e.get("statement_id"),
                    "quote": e.get("text"),
                    "doc_id": e.get("doc_id"),
                    "speaker": e.get("speaker"),
                    "start": e.get("start"),
                    "end": e.get("end"),
                    "source": str(sources[str(e["doc_id"])]),
                    "duration_s": round(len(audio) / SAMPLE_RATE, 3),
                }
            )
        if reel_parts:
            reel = f"{folder}/highlight-reel.{fmt}"
            audio = np.concatenate(reel_parts[:-1])
            encode_clip(audio, out_dir / reel)
            reels.append(
                {
                    "file": reel,
                    "finding_rank": rank,
                    "finding_label": finding.get("label"),
                    "clips": names,
                    "duration_s": round(len(audio) / SAMPLE_RATE, 3),
                }
            )
    manifest = {"run": str(run_dir), "format": fmt, "clips": clips, "reels": reels, "skipped": skipped}
    atomic_write_json(out_dir / "manifest.json", manifest)
    return manifest


def relative_audio_urls(sources: dict[str, str | Path], run_dir: Path) -> dict[str, str]:
    """doc_id -> the recording's URL relative to the run folder (where report.html lives)."""
    import os
    from urllib.parse import quote

    out: dict[str, str] = {}
    for doc_id, path in sources.items():
        rel = os.path.relpath(Path(path).resolve(), Path(run_dir).resolve())
        out[doc_id] = quote(Path(rel).as_posix())
    return out
