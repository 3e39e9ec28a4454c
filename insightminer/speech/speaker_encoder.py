"""Speaker embeddings: Resemblyzer's GE2E voice encoder around the weights its PyPI wheel ships.

The `resemblyzer` package carries `resemblyzer/pretrained.pt` (a plain state dict, 17 MB, Apache-2.0),
but importing the package pulls librosa and webrtcvad. So the wheel is installed without its
dependencies (`pip install --no-deps resemblyzer`), the weights are located without importing it, and
the small network (3-layer LSTM, 256 units, linear + ReLU, L2-normed 256-d output) and its front end
(40-band Slaney mel power spectrogram, 25 ms window, 10 ms hop, like `resemblyzer/audio.py` with
librosa's defaults) are rebuilt here with torch and numpy. Loading uses `weights_only=True`: the
file can hold tensors only, never code.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from insightminer.speech.audio import SAMPLE_RATE

N_FFT = 400  # 25 ms
HOP = 160  # 10 ms
N_MELS = 40
PARTIAL_FRAMES = 160  # the encoder was trained on 1.6 s partial utterances
TARGET_DBFS = -30.0  # resemblyzer normalises each utterance to -30 dBFS (increase only)


def resemblyzer_weights_path() -> Path:
    """`pretrained.pt` inside the installed resemblyzer wheel (found without importing the package)."""
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            "speaker diarization needs the voice-encoder weights of the PyPI package resemblyzer: "
            "`pip install --no-deps resemblyzer==0.1.4` (its librosa/webrtcvad dependencies are not used)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "pretrained.pt"
    if not path.is_file():
        raise ImportError(f"resemblyzer is installed but {path} is missing")
    return path


def _hz_to_mel(f: np.ndarray) -> np.ndarray:
    """Slaney mel scale (librosa's default, htk=False): linear below 1 kHz, logarithmic above."""
    f = np.asarray(f, dtype=np.float64)
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    logstep = np.log(6.4) / 27.0
    mel = f / f_sp
    log_region = f >= min_log_hz
    mel[log_region] = min_log_hz / f_sp + np.log(f[log_region] / min_log_hz) / logstep
    return mel


def _mel_to_hz(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float64)
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, np.log(6.4) / 27.0
    f = f_sp * m
    log_region = m >= min_log_mel
    f[log_region] = min_log_hz * np.exp(logstep * (m[log_region] - min_log_mel))
    return f


def mel_filters(sr: int = SAMPLE_RATE, n_fft: int = N_FFT, n_mels: int = N_MELS) -> np.ndarray:
    """(n_mels, 1 + n_fft // 2) triangular filters, Slaney-normalised, as librosa.filters.mel builds them."""
    fft_freqs = np.linspace(0, sr / 2, 1 + n_fft // 2)
    mel_f = _mel_to_hz(
        np.linspace(_hz_to_mel(np.array([0.0]))[0], _hz_to_mel(np.array([sr / 2]))[0], n_mels + 2)
    )
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0.0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2 : n_mels + 2] - mel_f[:n_mels]))[:, None]
    return weights.astype(np.float32)


class VoiceEncoder:
    """GE2E speaker encoder: audio -> mel frames -> L2-normed 256-d embeddings of 1.6 s windows.

    Parameters: `weights` (a state-dict file; default: the resemblyzer wheel's), `device`, `threads`
    (torch intra-op threads while embedding; None leaves torch's setting alone).
    """

    def __init__(self, weights: str | Path | None = None, device: str = "cpu"):
        import torch
        from torch import nn

        self.weights = Path(weights) if weights else resemblyzer_weights_path()
        checkpoint = torch.load(self.weights, map_location="cpu", weights_only=True)
        state = checkpoint.get("model_state", checkpoint)
        self.lstm = nn.LSTM(N_MELS, 256, 3, batch_first=True)
        self.linear = nn.Linear(256, 256)
        self.lstm.load_state_dict({k[5:]: v for k, v in state.items() if k.startswith("lstm.")})
        self.linear.load_state_dict({k[7:]: v for k, v in state.items() if k.startswith("linear.")})
        self.device = device
        self.lstm.to(device).eval()
        self.linear.to(device).eval()
        self._filters = torch.from_numpy(mel_filters())
        self._window = torch.hann_window(N_FFT)  # periodic, as scipy's get_window("hann") in librosa
        self.name = f"resemblyzer-ge2e:{self.weights.stat().st_size}"

    def mel(self, audio: np.ndarray) -> np.ndarray:
        """(frames, 40) mel power spectrogram (not log), frame i centred at sample i * 160."""
        import torch

        wav = torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32))
        spec = torch.stft(
            wav,
            N_FFT,
            HOP,
            window=self._window,
            center=True,
            pad_mode="constant",
            return_complex=True,
        )
        power = spec.real**2 + spec.imag**2
        return (self._filters @ power).T.numpy()

    def embed_frames(self, mels: np.ndarray, batch_size: int = 64) -> np.ndarray:
        """(n, frames, 40) mel windows -> (n, 256) unit-norm embeddings."""
        import torch

        out = []
        with torch.inference_mode():
            for i in range(0, len(mels), batch_size):
                batch = torch.from_numpy(np.ascontiguousarray(mels[i : i + batch_size])).to(self.device)
                _, (hidden, _) = self.lstm(batch)
                raw = torch.relu(self.linear(hidden[-1]))
                out.append((raw / raw.norm(dim=1, keepdim=True).clamp_min(1e-9)).cpu().numpy())
        return np.concatenate(out) if out else np.zeros((0, 256), dtype=np.float32)

    def embed_utterance(self, audio: np.ndarray, rate: float = 1.3) -> np.ndarray:
        """One embedding for a whole utterance: the mean of its 1.6 s partials (resemblyzer's recipe)."""
        audio = normalize_volume(audio)
        step = max(1, int(round(SAMPLE_RATE / rate / HOP)))
        mel = self.mel(audio)
        if len(mel) < PARTIAL_FRAMES:
            mel = np.pad(mel, ((0, PARTIAL_FRAMES - len(mel)), (0, 0)))
        starts = range(0, max(1, len(mel) - PARTIAL_FRAMES + 1), step)
        partials = self.embed_frames(np.stack([mel[s : s + PARTIAL_FRAMES] for s in starts]))
        mean = partials.mean(axis=0)
        return mean / np.linalg.norm(mean)


def volume_gain(audio: np.ndarray, target_dbfs: float = TARGET_DBFS) -> float:
    """The gain that raises quiet audio to target_dbfs RMS (never lowers it), as resemblyzer does."""
    rms = float(np.sqrt(np.mean(np.square(audio, dtype=np.float64)))) if len(audio) else 0.0
    if rms <= 1e-9:
        return 1.0
    return float(max(1.0, 10 ** ((target_dbfs - 20 * np.log10(rms)) / 20)))


def normalize_volume(audio: np.ndarray, target_dbfs: float = TARGET_DBFS) -> np.ndarray:
    gain = volume_gain(audio, target_dbfs)
    return audio if gain == 1.0 else (audio * gain).astype(np.float32)
