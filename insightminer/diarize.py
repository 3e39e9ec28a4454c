"""Who spoke when: stereo channel split for call recordings, and a pluggable hook for mono diarization.

Call recorders often put each party on its own channel. `analyze_stereo` tells such recordings apart
from ordinary stereo (the same voice on both channels): in a split recording the channels are weakly
correlated and, whenever someone speaks, the energy sits mostly in one channel.

For mono audio, any object with the `Diarizer` protocol can be passed to the Transcriber; pyannote is
supported when installed (`PyannoteDiarizer`, imported lazily). Without one, a recording is attributed
to a single speaker and the transcript notes it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

SINGLE_SPEAKER = "Speaker 1"
SINGLE_SPEAKER_NOTE = (
    "single-speaker fallback: mono audio and no diarizer configured, every utterance is attributed to "
    f"'{SINGLE_SPEAKER}'"
)

#: One diarization turn: (start seconds, end seconds, speaker label).
Turn = tuple[float, float, str]


@runtime_checkable
class Diarizer(Protocol):
    """Anything that maps mono 16 kHz float32 audio to speaker turns."""

    name: str

    def __call__(self, audio: np.ndarray, sample_rate: int) -> list[Turn]: ...


class PyannoteDiarizer:
    """pyannote.audio speaker diarization from a local pipeline folder or config (never downloads here).

    Parameters: `model_path` is what `pyannote.audio.Pipeline.from_pretrained` accepts (a local folder or
    config.yaml); `device` is "cpu" or "cuda"; `num_speakers` optionally fixes the speaker count.
    """

    def __init__(self, model_path: str | Path, device: str = "cpu", num_speakers: int | None = None):
        self.model_path = str(model_path)
        self.device = device
        self.num_speakers = num_speakers
        self.name = f"pyannote:{Path(self.model_path).name}"
        self.pipeline_ = None

    @staticmethod
    def available() -> bool:
        try:
            import pyannote.audio  # noqa: F401
        except ImportError:
            return False
        return True

    def _load(self):
        if self.pipeline_ is None:
            try:
                from pyannote.audio import Pipeline
            except ImportError as exc:
                raise ImportError(
                    "diarization with pyannote needs `pip install pyannote.audio` and a local pipeline folder"
                ) from exc
            import torch

            pipeline = Pipeline.from_pretrained(self.model_path)
            if pipeline is None:
                raise ValueError(f"could not load a pyannote pipeline from {self.model_path}")
            pipeline.to(torch.device(self.device))
            self.pipeline_ = pipeline
        return self.pipeline_

    def __call__(self, audio: np.ndarray, sample_rate: int) -> list[Turn]:
        pipeline = self._load()  # first: a missing pyannote must fail before anything heavy
        import torch

        kwargs = {"num_speakers": self.num_speakers} if self.num_speakers else {}
        waveform = torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32)[None, :])
        result = pipeline({"waveform": waveform, "sample_rate": sample_rate}, **kwargs)
        annotation = getattr(result, "speaker_diarization", result)  # pyannote 4 wraps the annotation
        labels: dict[str, str] = {}
        turns: list[Turn] = []
        for segment, _, label in annotation.itertracks(yield_label=True):
            # stable, human labels in order of first appearance
            labels.setdefault(label, f"Speaker {len(labels) + 1}")
            turns.append((float(segment.start), float(segment.end), labels[label]))
        return sorted(turns)


def _frame_energy(audio: np.ndarray, sample_rate: int, frame_s: float = 0.05) -> np.ndarray:
    """Mean-square energy per frame; audio is (channels, n)."""
    hop = max(1, int(frame_s * sample_rate))
    n = audio.shape[-1] // hop
    if n == 0:
        return np.zeros((audio.shape[0], 0), dtype=np.float64)
    frames = audio[:, : n * hop].reshape(audio.shape[0], n, hop).astype(np.float64)
    return (frames**2).mean(axis=2)


def analyze_stereo(audio: np.ndarray, sample_rate: int = 16000) -> dict[str, float | bool]:
    """Decide whether a 2-channel recording carries one party per channel.

    Returns correlation (of the raw samples), dominance (share of active frames where one channel is at
    least 10 dB louder than the other), the share of active frames each channel dominates, and `split`.
    Split when channels are weakly correlated, one channel dominates most active frames, and each
    channel dominates a fair share of them (two parties, not one voice panned to a side).
    """
    if audio.ndim != 2 or audio.shape[0] != 2:
        return {"split": False, "correlation": 1.0, "dominance": 0.0, "left_share": 0.0, "right_share": 0.0}
    left, right = audio[0].astype(np.float64), audio[1].astype(np.float64)
    denom = float(np.sqrt((left**2).sum() * (right**2).sum()))
    corr = float((left * right).sum() / denom) if denom > 0 else 0.0
    energy = _frame_energy(audio, sample_rate)
    total = energy.sum(axis=0)
    active = total > max(1e-7, 0.01 * float(np.percentile(total, 95)) if total.size else 0.0)
    if not active.any():
        return {"split": False, "correlation": corr, "dominance": 0.0, "left_share": 0.0, "right_share": 0.0}
    le, re_ = energy[0, active] + 1e-12, energy[1, active] + 1e-12
    left_dom = le > 10 * re_
    right_dom = re_ > 10 * le
    n_active = int(active.sum())
    left_share = float(left_dom.sum() / n_active)
    right_share = float(right_dom.sum() / n_active)
    dominance = left_share + right_share
    split = bool(abs(corr) < 0.5 and dominance >= 0.6 and min(left_share, right_share) >= 0.05)
    return {
        "split": split,
        "correlation": round(corr, 4),
        "dominance": round(dominance, 4),
        "left_share": round(left_share, 4),
        "right_share": round(right_share, 4),
    }


def channel_speaker_names(n_channels: int, names: tuple[str, ...] | list[str] | None = None) -> list[str]:
    """'Channel 1', 'Channel 2', ... unless names are given (e.g. ("Rep", "Customer"))."""
    if names:
        if len(names) < n_channels:
            raise ValueError(f"speaker_names has {len(names)} names for {n_channels} channels")
        return [str(n) for n in names[:n_channels]]
    return [f"Channel {i + 1}" for i in range(n_channels)]


def speaker_at(turns: list[Turn], start: float, end: float, default: str = SINGLE_SPEAKER) -> str:
    """The speaker whose turns overlap [start, end] the most (ties: the earlier turn)."""
    best, best_overlap = default, 0.0
    for t_start, t_end, label in turns:
        overlap = min(end, t_end) - max(start, t_start)
        if overlap > best_overlap:
            best, best_overlap = label, overlap
    return best


def split_regions_by_turns(
    regions: list[tuple[int, int]], turns: list[Turn], sample_rate: int
) -> list[tuple[int, int, str]]:
    """Cut speech regions (samples) at speaker-turn boundaries so no chunk mixes two speakers."""
    out: list[tuple[int, int, str]] = []
    for start, end in regions:
        cuts = sorted(
            {start, end}
            | {int(t * sample_rate) for turn in turns for t in turn[:2] if start < int(t * sample_rate) < end}
        )
        for a, b in zip(cuts[:-1], cuts[1:], strict=False):
            if b - a < int(0.2 * sample_rate):
                continue
            out.append((a, b, speaker_at(turns, a / sample_rate, b / sample_rate)))
    return out
