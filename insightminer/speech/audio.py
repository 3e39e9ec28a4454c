"""Audio decoding: any common container to 16 kHz float32, through PyAV (no system ffmpeg needed).

Long recordings are decoded and resampled block by block (`iter_audio_blocks`), so a multi-hour call
never has to sit in memory whole. Channels are kept on request (`mono=False`) so a stereo call recording
can be split into one track per party.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

#: The rate every model here reads (Whisper, Silero VAD, the voice encoder): decoding resamples to it.
SAMPLE_RATE = 16000

#: File extensions the ingest stage routes to the transcriber (audio, and video whose sound track
#: PyAV decodes). The one list: ingest, the pipeline and `transcribe` all import it from here.
AUDIO_EXTENSIONS: frozenset[str] = frozenset(
    {".wav", ".flac", ".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".wma"}
    | {".webm", ".mp4", ".mkv", ".mov"}  # video containers
)


class AudioError(ValueError):
    """An audio file that cannot be used: empty, corrupt, unsupported, silent or too long."""


def _open(path: str | Path) -> Any:
    import av

    path = Path(path)
    if not path.exists():
        raise AudioError(f"{path}: file not found")
    if path.is_dir():
        raise AudioError(f"{path}: is a directory, not an audio file")
    if path.stat().st_size == 0:
        raise AudioError(f"{path}: empty file (0 bytes), no audio to decode")
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except av.error.FFmpegError as exc:  # bad/unknown header, truncated file, not audio at all
        raise AudioError(
            f"{path}: cannot read audio container ({_reason(exc)}); the file is corrupt or "
            "not an audio/video file"
        ) from exc
    if not container.streams.audio:
        container.close()
        raise AudioError(f"{path}: no audio stream in the file")
    stream = container.streams.audio[0]
    codec = getattr(stream.codec_context, "name", None)
    if not codec or codec == "none" or stream.codec_context.codec is None:
        container.close()
        raise AudioError(f"{path}: unsupported audio codec (no decoder available for it)")
    return container


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def probe_audio(path: str | Path) -> dict[str, Any]:
    """Read duration (seconds), channels, sample rate and codec from the header without decoding.

    Duration comes from the stream or the container; when neither knows it (some raw streams) it is None.
    """
    container = _open(path)
    try:
        stream = container.streams.audio[0]
        duration: float | None = None
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / 1_000_000
        ctx = stream.codec_context
        channels = len(ctx.layout.channels) if ctx.layout is not None else 0
        sample_rate = int(ctx.sample_rate or stream.rate or 0)
        if channels <= 0 or sample_rate <= 0:
            raise AudioError(f"{path}: audio stream has no channels or sample rate (corrupt header)")
        return {
            "duration": duration,
            "channels": channels,
            "sample_rate": sample_rate,
            "codec": ctx.name,
            "container": container.format.name,
        }
    finally:
        container.close()


def iter_audio_blocks(
    path: str | Path, block_seconds: float = 600.0, sample_rate: int = SAMPLE_RATE, mono: bool = True
) -> Iterator[np.ndarray]:
    """Yield consecutive float32 blocks of about `block_seconds` (the last one shorter).

    Shape (n,) when mono, else (channels, n). Memory stays at one block whatever the file length.
    Packets that fail to decode mid-stream are skipped (a damaged stretch should not lose a whole call);
    a file where nothing decodes raises AudioError.
    """
    import av

    container = _open(path)
    try:
        stream = container.streams.audio[0]
        ctx = stream.codec_context
        n_channels = len(ctx.layout.channels) if ctx.layout is not None else 1
        # keep the source layout and average channels ourselves: a plain mean (not swresample's -3 dB
        # matrix) is what the stereo-call logic downmixes with too, so both paths give the same signal
        layout = "mono" if n_channels == 1 else ("stereo" if n_channels == 2 else ctx.layout.name)
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=sample_rate)
        block = max(1, int(block_seconds * sample_rate))
        pending: list[np.ndarray] = []
        pending_n = 0
        decoded_any = False
        bad_packets = 0

        def frames() -> Iterator[Any]:
            """Decoded frames merged into ~1 s frames: resampling tiny PCM packets one by one is slow."""
            nonlocal bad_packets
            group: list[np.ndarray] = []
            key: tuple[str, str, int] | None = None
            size = 0

            def merged() -> Any:
                frame = av.AudioFrame.from_ndarray(
                    np.concatenate(group, axis=1), format=key[0], layout=key[1]
                )
                frame.sample_rate = key[2]
                return frame

            for packet in container.demux(stream):
                try:
                    decoded = packet.decode()
                except av.error.FFmpegError:
                    bad_packets += 1
                    if bad_packets > 50:
                        raise
                    continue
                for frame in decoded:
                    fkey = (frame.format.name, frame.layout.name, frame.sample_rate)
                    if group and (fkey != key or size >= frame.sample_rate):
                        yield merged()
                        group, size = [], 0
                    key = fkey
                    group.append(frame.to_ndarray())
                    size += frame.samples
            if group:
                yield merged()
            yield None  # flush the resampler

        try:
            for frame in frames():
                for out in resampler.resample(frame):
                    arr = out.to_ndarray()
                    if arr.shape[1] == 0:
                        continue
                    decoded_any = True
                    pending.append(arr)
                    pending_n += arr.shape[1]
                    while pending_n >= block:
                        joined = np.concatenate(pending, axis=1)
                        head, rest = joined[:, :block], joined[:, block:]
                        pending, pending_n = ([rest] if rest.shape[1] else []), rest.shape[1]
                        yield _shape(head, mono)
        except av.error.FFmpegError as exc:
            raise AudioError(f"{path}: audio data is corrupt, decoding failed ({_reason(exc)})") from exc
        if pending_n:
            yield _shape(np.concatenate(pending, axis=1), mono)
        if not decoded_any:
            raise AudioError(f"{path}: no audio samples could be decoded (corrupt or empty stream)")
    finally:
        container.close()


def _shape(arr: np.ndarray, mono: bool) -> np.ndarray:
    if mono:
        return np.ascontiguousarray(arr.mean(axis=0) if arr.shape[0] > 1 else arr[0], dtype=np.float32)
    return np.ascontiguousarray(arr, dtype=np.float32)


def decode_audio(path: str | Path, sample_rate: int = SAMPLE_RATE, mono: bool = True) -> np.ndarray:
    """Decode a whole file to float32 in [-1, 1]: shape (n,) when mono, else (channels, n).

    For recordings of hours use `iter_audio_blocks`, which never holds the whole file.
    """
    blocks = list(iter_audio_blocks(path, block_seconds=300.0, sample_rate=sample_rate, mono=mono))
    return np.concatenate(blocks, axis=-1)


def write_audio(
    path: str | Path, audio: np.ndarray, sample_rate: int = SAMPLE_RATE, bit_rate: int | None = None
) -> None:
    """Encode float32 audio ((n,) or (channels, n)) to the container named by the extension, via PyAV.

    Used to build fixtures and benchmark inputs; the codec follows the extension (wav: PCM 16-bit,
    flac, mp3, m4a/mp4: AAC, ogg: Vorbis, opus/webm: Opus).
    """
    import av

    path = Path(path)
    arr = np.atleast_2d(np.asarray(audio, dtype=np.float32))
    ext = path.suffix.lower()
    codec, fmt, rate = {
        ".wav": ("pcm_s16le", "s16", sample_rate),
        ".flac": ("flac", "s16", sample_rate),
        ".mp3": ("libmp3lame", "fltp", sample_rate),
        ".m4a": ("aac", "fltp", sample_rate),
        ".mp4": ("aac", "fltp", sample_rate),
        ".ogg": ("libopus", "flt", 48000),  # Ogg/Opus: PyAV wheels ship no Vorbis encoder
        ".opus": ("libopus", "flt", 48000),
        ".webm": ("libopus", "flt", 48000),
    }[ext]
    layout = "mono" if arr.shape[0] == 1 else "stereo"
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=rate, layout=layout)
        if bit_rate:
            stream.bit_rate = bit_rate
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(arr), format="fltp", layout=layout)
        frame.sample_rate = sample_rate
        resampler = av.AudioResampler(
            format=fmt, layout=layout, rate=rate, frame_size=stream.codec_context.frame_size or 1024
        )
        for chunk in resampler.resample(frame) + resampler.resample(None):
            for packet in stream.encode(chunk):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def find_audio_files(inputs: Iterable[Path]) -> list[Path]:
    """Expand folders (recursively, sorted) into audio files; explicit files are kept whatever their name."""
    found: list[Path] = []
    for item in inputs:
        item = Path(item)
        if item.is_dir():
            found += sorted(
                p for p in item.rglob("*") if p.is_file() and p.suffix.lower() in AUDIO_EXTENSIONS
            )
        else:
            found.append(item)
    return found
