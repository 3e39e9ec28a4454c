"""The two speech-to-text backends behind Transcriber: faster-whisper (CTranslate2, the default) and
transformers' Whisper. Each takes TranscribeOptions whole and decodes a batch of <= 30 s clips."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from insightminer.config import TranscribeOptions
from insightminer.devices import resolve_device
from insightminer.speech.audio import SAMPLE_RATE
from insightminer.speech.whisper_models import resolve_ct2_model, resolve_hf_model


@dataclass
class DecodedSegment:
    """One decoded piece of a chunk, times relative to the chunk start."""

    start: float
    end: float
    text: str
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    words: list[tuple[float, float, str]] = field(default_factory=list)


class FasterWhisperBackend:
    def __init__(self, options: TranscribeOptions):
        from faster_whisper import BatchedInferencePipeline, WhisperModel

        self.device = resolve_device(options.device, runtime="ctranslate2")
        compute = options.compute_type
        if compute == "default":
            compute = "float16" if self.device == "cuda" else "int8"
        self.compute_type = compute
        path = resolve_ct2_model(options.model)
        try:
            self.model = WhisperModel(path, device=self.device, compute_type=compute)
        except Exception as exc:  # noqa: BLE001 - a bad id/path must read as a config error
            raise ValueError(f"cannot load faster-whisper model {options.model!r} ({path}): {exc}") from exc
        self.pipeline = BatchedInferencePipeline(self.model)
        self.multilingual = bool(self.model.model.is_multilingual)
        self.options = options
        self.identity = f"faster-whisper:{Path(path).name}:{model_fingerprint(path)}:{self.device}:{compute}"

    def run(self, clips: list[np.ndarray], language: str | None) -> list[list[DecodedSegment]]:
        """Transcribe each clip (<= 30 s) and return its segments; clips go through in batches."""
        if not clips:
            return []
        # Lay the clips end to end and hand their bounds to the batched pipeline as clip_timestamps:
        # it then batches exactly our chunks (no second VAD pass) and reports each chunk's offset.
        offsets = np.cumsum([0] + [len(c) for c in clips])
        audio = np.concatenate(clips).astype(np.float32)
        clip_ts = [
            {"start": offsets[i] / SAMPLE_RATE, "end": offsets[i + 1] / SAMPLE_RATE}
            for i in range(len(clips))
        ]
        segments, _ = self.pipeline.transcribe(
            audio,
            language=language if self.multilingual else None,
            beam_size=self.options.beam_size,
            batch_size=self.options.batch_size,
            vad_filter=False,
            clip_timestamps=clip_ts,
            word_timestamps=self.options.word_timestamps,
            # one text per window: timestamp decoding lets tiny models skip speech after pauses
            without_timestamps=True,
            condition_on_previous_text=False,
            log_progress=False,
        )
        starts = offsets[:-1] / SAMPLE_RATE
        out: list[list[DecodedSegment]] = [[] for _ in clips]
        for seg in segments:
            # seek = chunk offset in whole 10 ms frames (truncated): find the chunk it belongs to
            idx = int(np.searchsorted(starts, seg.seek / 100.0 + 0.015, side="right") - 1)
            base = starts[idx]
            words = [(w.start - base, w.end - base, w.word) for w in (seg.words or [])]
            out[idx].append(
                DecodedSegment(
                    seg.start - base, seg.end - base, seg.text, seg.avg_logprob, seg.no_speech_prob, words
                )
            )
        return out


class TransformersBackend:
    def __init__(self, options: TranscribeOptions):
        import torch
        from transformers import WhisperForConditionalGeneration, WhisperProcessor

        self.device = resolve_device(options.device)
        if options.compute_type == "default":
            dtype = torch.float16 if self.device == "cuda" else torch.float32
        else:
            dtype = {"float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32}.get(
                options.compute_type
            )
            if dtype is None:
                raise ValueError(
                    "transformers backend compute_type must be default, float16, bfloat16 or float32"
                )
        path = resolve_hf_model(options.model)
        try:
            self.processor = WhisperProcessor.from_pretrained(path)
            self.model = (
                WhisperForConditionalGeneration.from_pretrained(path, dtype=dtype).to(self.device).eval()
            )
        except Exception as exc:  # noqa: BLE001
            raise ValueError(
                f"cannot load transformers Whisper model {options.model!r} ({path}): {exc}"
            ) from exc
        self.dtype = dtype
        self.multilingual = bool(getattr(self.model.generation_config, "is_multilingual", False))
        self.options = options
        self.identity = f"transformers:{Path(path).name}:{model_fingerprint(path)}:{self.device}:{dtype}"

    def run(self, clips: list[np.ndarray], language: str | None) -> list[list[DecodedSegment]]:
        import torch

        out: list[list[DecodedSegment]] = []
        bs = max(1, self.options.batch_size)
        for i in range(0, len(clips), bs):
            batch = clips[i : i + bs]
            feats = self.processor.feature_extractor(
                batch, sampling_rate=SAMPLE_RATE, return_tensors="pt", return_attention_mask=True
            )
            kwargs: dict[str, Any] = {"num_beams": self.options.beam_size, "max_new_tokens": 220}
            if self.options.word_timestamps:
                # cross-attention DTW over the alignment heads (the converted model keeps CT2's list)
                kwargs["return_token_timestamps"] = True
            if self.multilingual:
                kwargs["task"] = "transcribe"
                if language:
                    kwargs["language"] = language
            with torch.inference_mode():
                gen = self.model.generate(
                    feats.input_features.to(self.device, self.dtype),
                    attention_mask=feats.attention_mask.to(self.device),
                    return_dict_in_generate=True,
                    output_scores=True,
                    **kwargs,
                )
            # with token timestamps generate returns a plain dict
            seqs, stamps, gen_scores = (_field(gen, k) for k in ("sequences", "token_timestamps", "scores"))
            try:
                scores = self.model.compute_transition_scores(seqs, gen_scores, normalize_logits=True)
                logprobs = [
                    float(s[torch.isfinite(s)].mean()) if torch.isfinite(s).any() else 0.0 for s in scores
                ]
            except Exception:  # noqa: BLE001 - beams change the score layout; the guard then skips it
                logprobs = [0.0] * len(batch)
            texts = self.processor.batch_decode(seqs, skip_special_tokens=True)
            for row, (clip, text, lp) in enumerate(zip(batch, texts, logprobs, strict=True)):
                words = (
                    self._words(seqs[row], stamps[row], len(clip) / SAMPLE_RATE) if stamps is not None else []
                )
                out.append([DecodedSegment(0.0, len(clip) / SAMPLE_RATE, text, lp, 0.0, words)])
        return out

    def _words(self, ids, stamps, duration: float) -> list[tuple[float, float, str]]:
        """Words from token timestamps: a token starting with a space starts a word; a word runs
        from its first token's time to the next word's (as transformers' ASR pipeline reads them)."""
        tokenizer = self.processor.tokenizer
        special = set(tokenizer.all_special_ids)
        groups: list[tuple[list[int], float]] = []
        tail: float | None = None  # time of the first special token after the text: the last word's end
        for tid, at in zip(ids.tolist(), stamps.tolist(), strict=True):
            if tid in special or tid >= (tokenizer.eos_token_id or 0):  # eot, sot, timestamps
                if groups and tail is None:
                    tail = float(at)
                continue
            piece = tokenizer.convert_ids_to_tokens(tid)
            if not groups or piece.startswith(("Ġ", " ")):
                groups.append(([tid], float(at)))
            else:
                groups[-1][0].append(tid)
        out = []
        for i, (toks, start) in enumerate(groups):
            end = groups[i + 1][1] if i + 1 < len(groups) else min(duration, tail if tail else duration)
            word = tokenizer.decode(toks).strip()
            if word:
                out.append((start, max(start, end), word))
        return out


def _field(output: Any, key: str) -> Any:
    """A field of generate()'s output: a ModelOutput, or a plain dict when token timestamps are on."""
    return output.get(key) if isinstance(output, dict) else getattr(output, key, None)


def model_fingerprint(path: str) -> str:
    """Size + mtime of the weights file, so swapping weights in a folder invalidates the cache."""
    p = Path(path)
    for name in ("model.bin", "model.safetensors"):
        if (p / name).is_file():
            st = (p / name).stat()
            return f"{st.st_size}"
    return "id"


ASR_BACKENDS = {"faster-whisper": FasterWhisperBackend, "transformers": TransformersBackend}
