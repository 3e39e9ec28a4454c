"""Who spoke when: stereo channel split for call recordings, and a pluggable hook for mono diarization.

Call recorders often put each party on its own channel. `analyze_stereo` tells such recordings apart
from ordinary stereo (the same voice on both channels): in a split recording the channels are weakly
correlated and, whenever someone speaks, the energy sits mostly in one channel.

For mono audio, any object with the `Diarizer` protocol can be passed to the Transcriber; pyannote is
supported when installed (`PyannoteDiarizer`, imported lazily). Without one, a recording is attributed
to a single speaker and the transcript notes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

SINGLE_SPEAKER = "Speaker 1"
SINGLE_SPEAKER_NOTE = (
    "single-speaker fallback: mono audio and no diarizer configured, every utterance is attributed to "
    f"'{SINGLE_SPEAKER}'"
)

#: Above this many windows, clustering runs on means of consecutive windows (memory and time).
MAX_CLUSTERED_WINDOWS = 1200

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


# ------------------------------------------------------------------------------ offline mono diarization


@dataclass
class DiarizeOptions:
    """How mono audio is split into speakers (see `EmbeddingDiarizer`).

    `num_speakers` fixes the count; otherwise it is chosen in [min_speakers, max_speakers]. Window,
    step, switch penalty and the one-speaker threshold were set on AMI dev clips trn00, trn01, trn04
    and trn05 only (docs/benchmarks/diarization.md); the other six are held out.
    """

    num_speakers: int | None = None
    min_speakers: int = 1
    max_speakers: int = 8
    window_s: float = 1.6  # one embedding per window: the encoder was trained on 1.6 s partials
    step_s: float = 0.4
    switch_penalty: float = 0.3  # Viterbi cost of a speaker change, in cosine-similarity units
    single_speaker_similarity: float = 0.8  # two clusters this alike (centroid cosine) are one voice
    min_cluster_s: float = 1.5  # a "speaker" with less speech than this is folded into its nearest
    vad_threshold: float = 0.25  # Silero speech probability; far-field meeting speech scores low
    vad_pad_ms: int = 250

    def __post_init__(self) -> None:
        if self.num_speakers is not None and not 1 <= self.num_speakers <= 32:
            raise ValueError(f"num_speakers must be between 1 and 32, not {self.num_speakers}")
        if not 1 <= self.min_speakers <= self.max_speakers:
            raise ValueError(
                f"need 1 <= min_speakers <= max_speakers, got {self.min_speakers} and {self.max_speakers}"
            )


@dataclass
class SpeakerWindows:
    """Embeddings of sliding windows over speech: `spans` (n, 2) seconds in the file, `vectors` (n, d)."""

    spans: np.ndarray
    vectors: np.ndarray

    @classmethod
    def empty(cls, dim: int = 256) -> SpeakerWindows:
        return cls(np.zeros((0, 2)), np.zeros((0, dim), dtype=np.float32))

    def extend(self, other: SpeakerWindows) -> SpeakerWindows:
        return SpeakerWindows(
            np.concatenate([self.spans, other.spans]), np.concatenate([self.vectors, other.vectors])
        )


def diarization_regions(
    audio: np.ndarray, sample_rate: int = 16000, threshold: float = 0.5, pad_ms: int = 100
) -> list[tuple[int, int]]:
    """Speech regions (samples) from faster-whisper's Silero VAD, padded less than for ASR."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    opts = VadOptions(
        threshold=threshold, min_silence_duration_ms=300, speech_pad_ms=pad_ms, min_speech_duration_ms=200
    )
    return [
        (int(t["start"]), int(t["end"]))
        for t in get_speech_timestamps(audio, opts, sampling_rate=sample_rate)
    ]


class EmbeddingDiarizer:
    """Offline diarization: VAD regions -> GE2E window embeddings -> clustering -> smoothed turns.

    1. Sliding windows (window_s, step_s) over the speech regions, each embedded by Resemblyzer's
       voice encoder (`VoiceEncoder`, weights from its PyPI wheel).
    2. Speaker count: spectral clustering of the cosine affinity with NME-SC's rule (Park et al.
       2019): for each row-wise k-NN pruning p, the normalised maximum eigengap g_p of the graph
       Laplacian; the p minimising p / g_p wins and its eigengap gives the count. Then k-means on the
       spectral embedding (fixed seed, so the same audio always gives the same labels).
    3. Centroids, then a Viterbi pass over the windows in time order (score = cosine to a centroid,
       a penalty per speaker change), so a speaker does not flicker for one window.
    4. Clusters with almost no speech are folded into their nearest; two clusters whose centroids are
       as alike as one voice usually is (single_speaker_similarity) become one.
    Labels are "Speaker 1", "Speaker 2", ... in order of first speech.

    Files are embedded block by block (`embed`) and clustered once (`cluster`), so a long call keeps
    the same labels from start to end.
    """

    def __init__(self, options: DiarizeOptions | None = None, encoder=None, device: str = "cpu"):
        self.options = options or DiarizeOptions()
        self.device = device
        self.encoder_ = encoder
        o = self.options
        self.name = (
            f"ge2e-spectral:w{o.window_s}:s{o.step_s}:p{o.switch_penalty}:t{o.single_speaker_similarity}:"
            f"n{o.num_speakers}:{o.min_speakers}-{o.max_speakers}"
        )

    def encoder(self):
        if self.encoder_ is None:
            from insightminer.speech.speaker_encoder import VoiceEncoder

            device = self.device
            if device == "auto":
                import torch

                device = "cuda" if torch.cuda.is_available() else "cpu"
            self.encoder_ = VoiceEncoder(device=device)
        return self.encoder_

    # -- 1. embeddings ---------------------------------------------------------------------------------

    def embed(
        self,
        audio: np.ndarray,
        regions: list[tuple[int, int]],
        offset_s: float = 0.0,
        sample_rate: int = 16000,
    ) -> SpeakerWindows:
        """Embed sliding windows over `regions` (samples into `audio`); spans are offset_s-based."""
        from insightminer.speech.speaker_encoder import HOP, volume_gain

        if sample_rate != 16000:
            raise ValueError("the voice encoder needs 16 kHz audio")
        if not regions:
            return SpeakerWindows.empty()
        win = int(round(self.options.window_s * sample_rate / HOP))
        step = max(1, int(round(self.options.step_s * sample_rate / HOP)))
        # one mel pass over the whole block, loudness raised once over its speech (as resemblyzer does
        # per utterance): windows are then slices of it
        gain = volume_gain(np.concatenate([audio[a:b] for a, b in regions]))
        mel = self.encoder().mel(audio * gain)
        n_frames = len(mel)
        starts: list[int] = []
        for a, b in regions:
            fa, fb = a // HOP, min(n_frames, b // HOP)
            if fb - fa < win // 3:
                continue  # under ~0.5 s: too short for a reliable voice print, assigned later by time
            if fb - fa <= win:
                centre = (fa + fb) // 2
                starts.append(int(np.clip(centre - win // 2, 0, max(0, n_frames - win))))
                continue
            positions = list(range(fa, fb - win + 1, step))
            if positions[-1] + win < fb:
                positions.append(fb - win)
            starts += positions
        if not starts:
            return SpeakerWindows.empty()
        if n_frames < win:
            mel = np.pad(mel, ((0, win - n_frames), (0, 0)))
        vectors = self.encoder().embed_frames(np.stack([mel[s : s + win] for s in starts]))
        spans = np.array([[s * HOP / sample_rate, (s + win) * HOP / sample_rate] for s in starts]) + offset_s
        return SpeakerWindows(spans, vectors)

    # -- 2-4. clustering -------------------------------------------------------------------------------

    def cluster(self, windows: SpeakerWindows) -> np.ndarray:
        """One label (0..k-1, numbered in order of first appearance) per window."""
        n = len(windows.vectors)
        o = self.options
        if n == 0:
            return np.zeros(0, dtype=int)
        if n < 4 or o.max_speakers == 1 or o.num_speakers == 1:
            return np.zeros(n, dtype=int)
        order = np.argsort(windows.spans[:, 0], kind="stable")
        x = windows.vectors[order].astype(np.float64)
        x /= np.linalg.norm(x, axis=1, keepdims=True).clip(1e-9)
        # a long call has tens of thousands of windows: the affinity matrix is n x n, so the count and
        # the first labels come from means of consecutive windows; every window is labelled after
        group = int(np.ceil(n / MAX_CLUSTERED_WINDOWS))
        pooled = np.stack([x[i : i + group].mean(axis=0) for i in range(0, n, group)])
        pooled /= np.linalg.norm(pooled, axis=1, keepdims=True).clip(1e-9)
        k_min = max(1, o.num_speakers or o.min_speakers)
        k_max = min(len(pooled) - 1, o.num_speakers or o.max_speakers)
        if k_max < k_min:
            return np.zeros(n, dtype=int)
        pooled_labels = _spectral_labels(pooled @ pooled.T, k_min, k_max, fixed=o.num_speakers is not None)
        labels = self._smooth(x, np.repeat(pooled_labels, group)[:n])
        labels = self._prune(x, labels)
        if o.num_speakers is None:
            labels = self._merge(x, labels, k_min)
        out = np.empty(n, dtype=int)
        out[order] = _renumber(labels)
        return out

    def _merge(self, x: np.ndarray, labels: np.ndarray, k_min: int) -> np.ndarray:
        """Merge the two most alike clusters while their centroids are as alike as one voice's."""
        while len(set(labels.tolist())) > k_min:
            cents = _centroids(x, labels)
            present = sorted(set(labels.tolist()))
            pairs = [(float(cents[i] @ cents[j]), i, j) for i in present for j in present if i < j]
            sim, i, j = max(pairs)
            if sim <= self.options.single_speaker_similarity:
                break
            labels = self._smooth(x, _renumber(np.where(labels == j, i, labels)))
        return labels

    def _smooth(self, x: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """Viterbi relabelling against the centroids (x is in time order), twice at most."""
        for _ in range(2):
            cents = _centroids(x, labels)
            new = _viterbi(x @ cents.T, self.options.switch_penalty)
            if np.array_equal(new, labels):
                break
            labels = _renumber(new)
        return labels

    def _prune(self, x: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """Fold clusters with under min_cluster_s of window time into their nearest cluster."""
        floor = self.options.min_cluster_s / max(self.options.step_s, 1e-3)
        while True:
            counts = np.bincount(labels)
            small = [c for c in range(len(counts)) if 0 < counts[c] < floor]
            if not small or (counts > 0).sum() <= max(1, self.options.min_speakers):
                return labels
            c = min(small, key=lambda k: (counts[k], k))
            cents = _centroids(x, labels)
            others = [k for k in range(len(counts)) if k != c and counts[k] > 0]
            target = max(others, key=lambda k: float(cents[c] @ cents[k]))
            labels = _renumber(np.where(labels == c, target, labels))

    # -- turns -----------------------------------------------------------------------------------------

    def turns(
        self, windows: SpeakerWindows, labels: np.ndarray, regions_s: list[tuple[float, float]]
    ) -> list[Turn]:
        """Speaker turns over the speech regions (seconds): each region piece takes the label of the
        window whose centre is nearest; a change falls halfway between two window centres."""
        if not regions_s:
            return []
        if len(labels) == 0:
            return [(a, b, SINGLE_SPEAKER) for a, b in regions_s]
        centres = windows.spans.mean(axis=1)
        order = np.argsort(centres, kind="stable")
        centres, labs = centres[order], labels[order]
        cuts = (centres[1:] + centres[:-1]) / 2
        out: list[Turn] = []
        for a, b in sorted(regions_s):
            i0 = int(np.searchsorted(cuts, a, side="right"))
            i1 = int(np.searchsorted(cuts, b, side="left"))
            bounds = [a] + [float(c) for c in cuts[i0:i1]] + [b]
            for j, (s, e) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
                label = f"Speaker {int(labs[i0 + j]) + 1}"
                if out and out[-1][2] == label and s - out[-1][1] < 1e-6:
                    out[-1] = (out[-1][0], e, label)
                elif e > s:
                    out.append((s, e, label))
        return out

    def __call__(self, audio: np.ndarray, sample_rate: int) -> list[Turn]:
        """Diarizer protocol: the whole pipeline on one mono recording."""
        regions = diarization_regions(audio, sample_rate, self.options.vad_threshold, self.options.vad_pad_ms)
        windows = self.embed(audio, regions, 0.0, sample_rate)
        labels = self.cluster(windows)
        return self.turns(windows, labels, [(a / sample_rate, b / sample_rate) for a, b in regions])


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Labels 0..k-1 in order of first appearance (windows are in time order within a file)."""
    mapping: dict[int, int] = {}
    for lab in labels.tolist():
        mapping.setdefault(lab, len(mapping))
    return np.array([mapping[lab] for lab in labels.tolist()], dtype=int)


def _centroids(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    k = int(labels.max()) + 1
    cents = np.zeros((k, x.shape[1]))
    for c in range(k):
        members = x[labels == c]
        if len(members):
            cents[c] = members.mean(axis=0)
    return cents / np.linalg.norm(cents, axis=1, keepdims=True).clip(1e-9)


def _viterbi(scores: np.ndarray, penalty: float) -> np.ndarray:
    """Best label path maximising sum(score) - penalty * changes; scores is (n, k)."""
    n, k = scores.shape
    best = scores[0].copy()
    back = np.zeros((n, k), dtype=int)
    for i in range(1, n):
        stay = best
        switch = best.max() - penalty
        arg = int(best.argmax())
        take_switch = switch > stay
        back[i] = np.where(take_switch, arg, np.arange(k))
        best = np.where(take_switch, switch, stay) + scores[i]
    path = np.zeros(n, dtype=int)
    path[-1] = int(best.argmax())
    for i in range(n - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    return path


def _spectral_labels(sim: np.ndarray, k_min: int, k_max: int, fixed: bool) -> np.ndarray:
    """NME-SC: prune the affinity row-wise to its p nearest, pick p by p / normalised eigengap."""
    from scipy.linalg import eigh
    from sklearn.cluster import KMeans

    n = len(sim)
    best: tuple[float, int, np.ndarray] | None = None
    p_max = max(2, min(n - 1, int(n * 0.25)))
    candidates = sorted({int(round(p)) for p in np.linspace(2, p_max, num=min(20, p_max - 1))})
    for p in candidates:
        affinity = _prune_affinity(sim, p)
        lap = np.diag(affinity.sum(axis=1)) - affinity
        top = min(k_max + 1, n)
        vals = eigh(lap, eigvals_only=True, subset_by_index=[0, top - 1])
        largest = eigh(lap, eigvals_only=True, subset_by_index=[n - 1, n - 1])[0]
        vals = vals / max(float(largest), 1e-9)  # NME-SC normalises by the largest eigenvalue
        gaps = np.diff(vals)  # gaps[i] = lambda_{i+2} - lambda_{i+1}: i + 1 clusters
        lo = k_min - 1
        if lo >= len(gaps):
            continue
        k = lo + int(np.argmax(gaps[lo:])) + 1
        ratio = p / max(float(gaps[k - 1]), 1e-9)
        if best is None or ratio < best[0]:
            best = (ratio, k, affinity)
    if best is None:
        return np.zeros(n, dtype=int)
    _, k, affinity = best
    if fixed:
        k = k_min
    if k <= 1:
        return np.zeros(n, dtype=int)
    lap = np.diag(affinity.sum(axis=1)) - affinity
    _, vecs = eigh(lap, subset_by_index=[0, k - 1])
    emb = vecs
    emb = emb / np.linalg.norm(emb, axis=1, keepdims=True).clip(1e-9)
    return KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(emb)


def _prune_affinity(sim: np.ndarray, p: int) -> np.ndarray:
    """Keep each row's p largest similarities (binarised), then symmetrise."""
    n = len(sim)
    keep = np.argsort(-sim, axis=1, kind="stable")[:, :p]
    binary = np.zeros_like(sim)
    binary[np.arange(n)[:, None], keep] = 1.0
    return (binary + binary.T) / 2
