"""Speech to text: audio files -> timed, speaker-attributed `Transcript`s.

How it is faster than calling faster-whisper file by file:
- Silence is never decoded by the model: an energy gate drops digital silence for free, then
  faster-whisper's bundled Silero VAD finds speech regions.
- The speech regions of one speaker's turn are packed back to back into full 30 s windows (the
  encoder costs the same for 3 s or 30 s), and the windows of every track (stereo channels, the short
  files of a batch) go through the model together in batches (faster-whisper's
  BatchedInferencePipeline / transformers batched generate). One window = one utterance.
- Each finished transcript is cached as JSON keyed by (audio sha256, model, options): a re-run
  transcribes nothing.

Quality guards: no conditioning on previous text; chunks judged non-speech (no_speech_prob high and
low log-prob) or looping (compression ratio high after collapsing repeats) are dropped, as are stock
Whisper hallucinations ("Thank you.") on low-confidence chunks.

Long recordings stream: decode + resample in 10-minute blocks, one block in memory at a time.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from insightminer.config import TranscribeOptions
from insightminer.schema import Transcript, Utterance
from insightminer.speech.asr_backends import (
    ASR_BACKENDS,
    DecodedSegment,
    FasterWhisperBackend,
    TransformersBackend,
    model_fingerprint,
)
from insightminer.speech.audio import (
    AUDIO_EXTENSIONS,
    SAMPLE_RATE,
    AudioError,
    iter_audio_blocks,
    probe_audio,
)
from insightminer.speech.diarize import (
    SINGLE_SPEAKER,
    SINGLE_SPEAKER_NOTE,
    DiarizeOptions,
    Diarizer,
    EmbeddingDiarizer,
    SpeakerWindows,
    Turn,
    analyze_stereo,
    channel_speaker_names,
    diarization_regions,
    speaker_at,
    split_regions_by_turns,
)
from insightminer.speech.subtitles import write_transcript_files
from insightminer.speech.whisper_models import cache_root, resolve_ct2_model
from insightminer.storage import atomic_write_json, dumps_json, file_sha256

__all__ = [
    "AUDIO_EXTENSIONS",
    "AudioError",
    "TranscribeOptions",
    "Transcriber",
    "write_transcript_files",
]

#: Bump when a change alters transcripts, so old cache entries are not reused.
CACHE_VERSION = 2
BLOCK_SECONDS = 600.0  # streaming block: 10 min of 16 kHz float32 = 38 MB per channel
CHUNK_SECONDS = 30.0  # Whisper's window
_SILENCE_RMS = 1e-4  # -80 dBFS: digital silence, skipped without running the VAD
_HALLUCINATIONS = {
    "thank you",
    "thank you very much",
    "thanks for watching",
    "thank you for watching",
    "please subscribe",
    "subscribe",
    "you",
    "bye",
    "so",
    "okay",
}


# ------------------------------------------------------------------------------------------ speech regions


def _speech_regions(audio: np.ndarray, use_vad: bool) -> list[tuple[int, int]]:
    """Speech regions in samples: energy gate first (cheap), then Silero VAD on what is left."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    n = len(audio)
    if n == 0:
        return []
    hop = SAMPLE_RATE // 2
    frames = max(1, int(np.ceil(n / hop)))
    padded = np.zeros(frames * hop, dtype=np.float32)
    padded[:n] = audio
    rms = np.sqrt((padded.reshape(frames, hop).astype(np.float64) ** 2).mean(axis=1))
    active = rms > _SILENCE_RMS
    spans: list[tuple[int, int]] = []
    i = 0
    while i < frames:
        if active[i]:
            j = i
            while j < frames and active[j]:
                j += 1
            spans.append((max(0, (i - 1) * hop), min(n, (j + 1) * hop)))
            i = j
        else:
            i += 1
    if not use_vad:
        return spans
    vad_opts = VadOptions(
        min_silence_duration_ms=500, speech_pad_ms=400, max_speech_duration_s=CHUNK_SECONDS - 1
    )
    regions: list[tuple[int, int]] = []
    for a, b in spans:
        for ts in get_speech_timestamps(audio[a:b], vad_opts, sampling_rate=SAMPLE_RATE):
            regions.append((a + int(ts["start"]), a + int(ts["end"])))
    return regions


def _group_regions(regions: list[tuple[int, int, str]], gap_s: float) -> list[tuple[int, int, str]]:
    """Merge regions of the same speaker separated by < gap_s into chunks no longer than 30 s."""
    chunks: list[tuple[int, int, str]] = []
    gap, limit = int(gap_s * SAMPLE_RATE), int(CHUNK_SECONDS * SAMPLE_RATE)
    for start, end, speaker in regions:
        # a region longer than a window is cut into windows (only possible without VAD)
        pieces = [(s, min(end, s + limit)) for s in range(start, end, limit)]
        for s, e in pieces:
            if chunks:
                cs, ce, cspk = chunks[-1]
                if cspk == speaker and s - ce < gap and e - cs <= limit:
                    chunks[-1] = (cs, e, speaker)
                    continue
            chunks.append((s, e, speaker))
    return chunks


# --------------------------------------------------------------------------------------------- guards


def _collapse_repeats(text: str, max_repeat: int = 3) -> str:
    """Collapse an n-gram (1-8 words) repeated more than max_repeat times in a row (a decoding loop)."""
    words = text.split()
    for n in range(1, 9):
        i, out = 0, []
        while i < len(words):
            gram = words[i : i + n]
            reps = 1
            while words[i + reps * n : i + (reps + 1) * n] == gram:
                reps += 1
            if len(gram) == n and reps > max_repeat:
                out += gram
                i += reps * n
            else:
                out.append(words[i])
                i += 1
        words = out
    return " ".join(words)


def _compression_ratio(text: str) -> float:
    data = text.encode("utf-8")
    return len(data) / max(1, len(zlib.compress(data)))


def _keep(seg: DecodedSegment) -> str | None:
    """The cleaned text of a segment, or None when it looks like a hallucination."""
    text = _collapse_repeats(" ".join(seg.text.split()))
    if not text:
        return None
    if seg.no_speech_prob > 0.6 and seg.avg_logprob < -1.0:
        return None  # Whisper's own rule: the model thinks there is no speech and is unsure of the text
    if len(text) > 40 and _compression_ratio(text) > 2.4:
        return None  # still repetitive after collapsing loops
    norm = re.sub(r"[^a-z ]", "", text.lower()).strip()
    if norm in _HALLUCINATIONS and (seg.no_speech_prob > 0.3 or seg.avg_logprob < -0.7):
        return None
    return text


# ------------------------------------------------------------------------------------ words and speakers


def _file_words(chunks: list[_Chunk], kept: list[tuple[DecodedSegment, str]]) -> list[list[float | str]]:
    """Word times in the file, from times in a packed window (its chunks laid back to back).

    Empty when any kept segment lacks word times or had its text cleaned (collapsed repeats):
    then the words would not spell the utterance's text.
    """
    bounds = np.cumsum([0] + [len(c.audio) for c in chunks]) / SAMPLE_RATE
    out: list[list[float | str]] = []
    for seg, text in kept:
        if not seg.words or " ".join(seg.text.split()) != text:
            return []
        for w_start, w_end, word in seg.words:
            j = int(np.clip(np.searchsorted(bounds, w_start, side="right") - 1, 0, len(chunks) - 1))
            start = chunks[j].start + max(0.0, w_start - bounds[j])
            end = chunks[j].start + min(w_end, bounds[j + 1]) - bounds[j]
            if word.strip():
                out.append([round(start, 3), round(max(start, end), 3), word.strip()])
    return out


def _nearest_speaker(turns: list[Turn], start: float, end: float) -> str:
    """The speaker overlapping [start, end] most, else the one whose turn is nearest in time."""
    label = speaker_at(turns, start, end, default="")
    if label or not turns:
        return label or SINGLE_SPEAKER
    mid = (start + end) / 2
    return min(turns, key=lambda t: (max(t[0] - mid, mid - t[1], 0.0), t[0]))[2]


def split_by_speaker(utt: Utterance, turns: list[Turn]) -> list[Utterance]:
    """Give each word its speaker and cut the utterance where the speaker changes.

    A lone word between two words of one other speaker takes theirs (a boundary a few tens of ms off
    should not make a one-word turn). Without word times, the whole utterance goes to the speaker who
    overlaps it most.
    """
    if not turns:
        return [utt]
    if not utt.words:
        return [replace(utt, speaker=_nearest_speaker(turns, utt.start or 0.0, utt.end or 0.0))]
    labels = [_nearest_speaker(turns, float(w[0]), float(w[1])) for w in utt.words]
    for i in range(1, len(labels) - 1):
        if labels[i - 1] == labels[i + 1] != labels[i]:
            labels[i] = labels[i - 1]
    out: list[Utterance] = []
    run: list[list[float | str]] = []
    for i, (word, label) in enumerate(zip(utt.words, labels, strict=True)):
        run.append(word)
        if i == len(labels) - 1 or labels[i + 1] != label:
            text = " ".join(str(w[2]) for w in run)
            out.append(Utterance(label, text, float(run[0][0]), float(run[-1][1]), role=utt.role, words=run))
            run = []
    return out


def _rename_speakers(utterances: list[Utterance], names: tuple[str, ...] | None) -> list[Utterance]:
    """'Speaker N' labels renumbered in order of first speech, then named from `names` in that order."""
    order: dict[str, str] = {}
    for utt in sorted(utterances, key=lambda u: (u.start or 0.0, u.end or 0.0)):
        if re.fullmatch(r"Speaker \d+", utt.speaker) and utt.speaker not in order:
            i = len(order)
            order[utt.speaker] = names[i] if names and i < len(names) else f"Speaker {i + 1}"
    return [replace(u, speaker=order.get(u.speaker, u.speaker)) for u in utterances]


# ----------------------------------------------------------------------------------------- transcriber


@dataclass
class _Chunk:
    speaker: str
    start: float  # seconds in the file
    audio: np.ndarray
    track: int = 0  # which file (job) it came from


@dataclass
class _Job:
    """One file being transcribed: its decoded tracks are turned into chunks, then utterances."""

    path: Path
    sha256: str
    duration: float
    chunks: list[_Chunk] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    language: str | None = None
    split: bool = False  # a stereo call transcribed channel by channel
    # offline diarization of mono audio: window embeddings and speech regions, clustered in _finish
    windows: SpeakerWindows | None = None
    diar_regions: list[tuple[float, float]] = field(default_factory=list)
    embedded_until: float = 0.0


class Transcriber:
    """Transcribe audio files into `Transcript`s (doc_id = file stem, source_format "audio").

    Parameters: `options` (`TranscribeOptions`), `diarizer` (optional `Diarizer` for mono recordings).
    The model loads on first use. `stats` accumulates over calls: files, audio_seconds, speech_seconds,
    wall_seconds, rtf (wall / audio seconds, lower is faster), speed_x (audio / wall seconds),
    cache_hits, model_calls, skipped.
    """

    def __init__(self, options: TranscribeOptions | None = None, diarizer: Diarizer | None = None):
        self.options = options or TranscribeOptions()
        if self.options.backend not in ASR_BACKENDS:
            raise ValueError(f"backend must be one of {sorted(ASR_BACKENDS)}, not {self.options.backend!r}")
        self.diarizer = diarizer
        # the built-in offline diarizer for mono audio, unless another Diarizer was passed
        self.embedding_diarizer: EmbeddingDiarizer | None = None
        if diarizer is None and self.options.diarize:
            self.embedding_diarizer = EmbeddingDiarizer(
                DiarizeOptions(
                    num_speakers=self.options.num_speakers,
                    min_speakers=self.options.min_speakers,
                    max_speakers=self.options.max_speakers,
                ),
                device=self.options.device,
            )
        self.backend_: FasterWhisperBackend | TransformersBackend | None = None
        self.stats: dict[str, float] = {
            "files": 0,
            "audio_seconds": 0.0,
            "speech_seconds": 0.0,
            "wall_seconds": 0.0,
            "rtf": 0.0,
            "speed_x": 0.0,
            "cache_hits": 0,
            "model_calls": 0,
            "skipped": 0,
            "diarize_seconds": 0.0,
        }

    # -- model and cache -------------------------------------------------------------------------------

    def _backend(self) -> FasterWhisperBackend | TransformersBackend:
        if self.backend_ is None:
            self.backend_ = ASR_BACKENDS[self.options.backend](self.options)
        return self.backend_

    def _cache_dir(self) -> Path | None:
        if not self.options.use_cache:
            return None
        return Path(self.options.cache_dir) if self.options.cache_dir else cache_root() / "transcripts"

    def _cache_key(self, sha256: str) -> str:
        # The model is named by what resolves it, not by the loaded object, so a cache hit costs no load.
        fields = self.options.cache_fields()
        fields["model_fingerprint"] = (
            model_fingerprint(resolve_ct2_model(self.options.model))
            if self.options.backend == "faster-whisper"
            else self.options.model
        )
        diarizer = self.diarizer or self.embedding_diarizer
        fields["diarizer"] = getattr(diarizer, "name", type(diarizer).__name__) if diarizer else None
        fields["version"] = CACHE_VERSION
        blob = dumps_json({"audio": sha256, "options": fields})
        return hashlib.sha256(blob.encode()).hexdigest()

    def _cache_load(self, path: Path, sha256: str) -> tuple[Transcript, float] | None:
        cache = self._cache_dir()
        if cache is None:
            return None
        entry = cache / f"{self._cache_key(sha256)}.json"
        if not entry.is_file():
            return None
        try:
            data = json.loads(entry.read_text(encoding="utf-8"))
            transcript = Transcript.from_dict(data["transcript"])
        except (OSError, ValueError, KeyError, TypeError):
            return None  # a damaged entry is just a miss
        transcript.doc_id, transcript.source = path.stem, str(path)
        return transcript, float(data.get("audio_seconds", 0.0))

    def _cache_store(self, sha256: str, transcript: Transcript, seconds: float) -> None:
        cache = self._cache_dir()
        if cache is not None:
            atomic_write_json(
                cache / f"{self._cache_key(sha256)}.json",
                {"transcript": transcript.to_dict(), "audio_seconds": seconds},
            )

    # -- decoding into chunks --------------------------------------------------------------------------

    def _probe(self, path: Path) -> float:
        info = probe_audio(path)
        duration = info["duration"]
        if duration is not None and duration > self.options.max_duration_s:
            raise AudioError(
                f"{path}: {duration / 3600:.2f} h of audio is over the limit of "
                f"{self.options.max_duration_s / 3600:.2f} h (TranscribeOptions.max_duration_s)"
            )
        return float(duration or 0.0)

    def _tracks(
        self, job: _Job, block: np.ndarray, split: bool | None
    ) -> tuple[list[tuple[str, np.ndarray]], bool]:
        """Speaker tracks of one decoded block (channels, n): split stereo channels or downmix."""
        if block.shape[0] == 2 and self.options.split_stereo:
            if split is None:
                verdict = analyze_stereo(block, SAMPLE_RATE)
                split = bool(verdict["split"])
                if split:
                    job.notes.append(
                        "stereo call recording: one party per channel (correlation "
                        f"{verdict['correlation']}, channel dominance {verdict['dominance']}); "
                        "each channel transcribed separately"
                    )
            if split:
                job.split = True
                names = channel_speaker_names(2, self.options.speaker_names)
                return [(names[0], block[0]), (names[1], block[1])], True
        return [("", block.mean(axis=0) if block.shape[0] > 1 else block[0])], False

    def _chunks_from(self, job: _Job, speaker: str, audio: np.ndarray, offset: int) -> list[_Chunk]:
        regions = _speech_regions(audio, self.options.vad)
        if speaker:
            labelled = [(a, b, speaker) for a, b in regions]
        elif self.diarizer is not None and regions:
            turns = self.diarizer(audio, SAMPLE_RATE)
            labelled = split_regions_by_turns(regions, turns, SAMPLE_RATE)
        else:
            labelled = [(a, b, SINGLE_SPEAKER) for a, b in regions]
            if self.embedding_diarizer is not None and regions:
                self._embed_speakers(job, audio, offset)
        return [
            _Chunk(spk, (offset + a) / SAMPLE_RATE, audio[a:b], id(job))
            # regions stay separate here (gap 0): _run_chunks packs them per turn without the silences
            for a, b, spk in _group_regions(labelled, 0.0)
        ]

    def _embed_speakers(self, job: _Job, audio: np.ndarray, offset: int) -> None:
        """Voice embeddings of this block's speech; clustered once per file in `_finish`.

        A block edge carries unfinished speech into the next block, so that audio arrives twice:
        what lies before `embedded_until` was embedded already and is skipped.
        """
        t0 = time.perf_counter()
        diarizer = self.embedding_diarizer
        assert diarizer is not None
        try:
            diarizer.encoder()
        except ImportError as exc:  # weights not installed: transcribe as one speaker and say why
            note = f"{SINGLE_SPEAKER_NOTE}; offline diarization unavailable: {exc}"
            if note not in job.notes:
                job.notes.append(note)
            return
        o = diarizer.options
        skip = max(0, int(round(job.embedded_until * SAMPLE_RATE)) - offset)
        regions = [
            (max(a, skip), b)
            for a, b in diarization_regions(audio, SAMPLE_RATE, o.vad_threshold, o.vad_pad_ms)
            if b > skip
        ]
        windows = diarizer.embed(audio, regions, offset / SAMPLE_RATE, SAMPLE_RATE)
        job.windows = windows if job.windows is None else job.windows.extend(windows)
        job.diar_regions += [((offset + a) / SAMPLE_RATE, (offset + b) / SAMPLE_RATE) for a, b in regions]
        job.embedded_until = (offset + len(audio)) / SAMPLE_RATE
        self.stats["diarize_seconds"] += time.perf_counter() - t0

    def _iter_block_chunks(self, job: _Job) -> Iterator[list[_Chunk]]:
        """Chunks of each decoded block. Speech running into a block edge is carried to the next block."""
        split: bool | None = None
        carry: dict[int, tuple[int, np.ndarray]] = {}  # track index -> (start sample, audio)
        pos = 0
        blocks = iter_audio_blocks(job.path, BLOCK_SECONDS, SAMPLE_RATE, mono=False)
        nxt = next(blocks, None)
        limit = int(self.options.max_duration_s * SAMPLE_RATE)
        while nxt is not None:
            block, nxt = nxt, next(blocks, None)
            tracks, split = self._tracks(job, block, split)
            out: list[_Chunk] = []
            for t, (speaker, audio) in enumerate(tracks):
                start, prefix = carry.pop(t, (pos, np.zeros(0, dtype=np.float32)))
                audio = np.concatenate([prefix, audio]) if len(prefix) else audio
                chunks = self._chunks_from(job, speaker, audio, start)
                if nxt is not None and chunks:
                    last = chunks[-1]
                    last_end = int(round(last.start * SAMPLE_RATE)) + len(last.audio)
                    if start + len(audio) - last_end < int(0.5 * SAMPLE_RATE):
                        # speech runs into the block edge: transcribe it with the next block instead
                        cut = int(round(last.start * SAMPLE_RATE)) - start
                        carry[t] = (start + cut, audio[cut:].copy())
                        chunks = chunks[:-1]
                out += chunks
            pos += block.shape[1]
            if pos > limit:
                raise AudioError(
                    f"{job.path}: more than {self.options.max_duration_s / 3600:.2f} h of audio, over the "
                    "limit (TranscribeOptions.max_duration_s)"
                )
            yield out
        job.duration = pos / SAMPLE_RATE

    # -- model runs ------------------------------------------------------------------------------------

    def _run_chunks(self, chunks: list[_Chunk], language: str | None) -> dict[int, list[Utterance]]:
        """Transcribe speech regions of one or more files; return utterances by track (file) id.

        Regions of one speaker's turn (no other speaker's region between them, pauses shorter than
        utterance_gap_s) are packed back to back, silence removed, into windows of up to 30 s: the
        encoder always pays for a full 30 s window, so packing cuts its work several-fold on real
        speech. Each window becomes one utterance spanning its first to last region.
        """
        if not chunks:
            return {}
        backend = self._backend()
        self.stats["model_calls"] += 1
        self.stats["speech_seconds"] += sum(len(c.audio) for c in chunks) / SAMPLE_RATE
        limit, gap = int(CHUNK_SECONDS * SAMPLE_RATE), self.options.utterance_gap_s
        order = sorted(
            range(len(chunks)), key=lambda i: (chunks[i].track, chunks[i].start, chunks[i].speaker)
        )
        windows: list[list[int]] = []
        size = 0
        for i in order:
            chunk = chunks[i]
            if windows:
                last = chunks[windows[-1][-1]]
                last_end = last.start + len(last.audio) / SAMPLE_RATE
                fits = size + len(chunk.audio) <= limit
                if (
                    chunk.track == last.track
                    and chunk.speaker == last.speaker
                    and fits
                    and chunk.start - last_end < gap
                ):
                    windows[-1].append(i)
                    size += len(chunk.audio)
                    continue
            windows.append([i])
            size = len(chunk.audio)
        clips = [np.concatenate([chunks[i].audio for i in window]) for window in windows]
        results = backend.run(clips, language or self.options.language)
        utterances: dict[int, list[Utterance]] = {}
        for window, segments in zip(windows, results, strict=True):
            kept = [(seg, text) for seg, text in ((seg, _keep(seg)) for seg in segments) if text]
            if not kept:
                continue
            texts = [text for _, text in kept]
            first, last = chunks[window[0]], chunks[window[-1]]
            start, end = first.start, last.start + len(last.audio) / SAMPLE_RATE
            words = _file_words([chunks[i] for i in window], kept)
            if words:  # the utterance spans its words, not its speech regions' padding
                start, end = float(words[0][0]), float(words[-1][1])
            utterance = Utterance(
                first.speaker, " ".join(texts), round(start, 3), round(end, 3), words=words or None
            )
            utterances.setdefault(first.track, []).append(utterance)
        return utterances

    def _finish(self, job: _Job, utterances: list[Utterance]) -> Transcript:
        utterances.sort(key=lambda u: (u.start or 0.0, u.end or 0.0, u.speaker))
        notes = list(job.notes)
        if job.windows is not None and utterances:
            utterances = self._attribute_speakers(job, utterances, notes)
        speakers = {u.speaker for u in utterances}
        if speakers == {SINGLE_SPEAKER} and self.diarizer is None and self.embedding_diarizer is None:
            notes.append(SINGLE_SPEAKER_NOTE)
        if not job.split:
            utterances = _rename_speakers(utterances, self.options.speaker_names)
        if not utterances:
            raise AudioError(
                f"{job.path}: no speech detected in {job.duration:.1f} s of audio (silence or noise only)"
            )
        transcript = Transcript(
            doc_id=job.path.stem,
            source=str(job.path),
            utterances=utterances,
            metadata={"duration_s": f"{job.duration:.3f}", "asr_model": self.options.model},
            source_format="audio",
            notes=notes,
        )
        self._cache_store(job.sha256, transcript, job.duration)
        return transcript

    def _attribute_speakers(
        self, job: _Job, utterances: list[Utterance], notes: list[str]
    ) -> list[Utterance]:
        """Cluster the file's voice embeddings into speakers; give every word its speaker."""
        t0 = time.perf_counter()
        diarizer = self.embedding_diarizer
        assert diarizer is not None and job.windows is not None
        labels = diarizer.cluster(job.windows)
        turns = diarizer.turns(job.windows, labels, job.diar_regions)
        out = [piece for utt in utterances for piece in split_by_speaker(utt, turns)]
        n = len({u.speaker for u in out})
        notes.append(
            f"offline diarization: {n} speaker{'s' if n != 1 else ''} found in mono audio "
            f"({diarizer.name}); each word is attributed to the speaker talking at its time"
        )
        self.stats["diarize_seconds"] += time.perf_counter() - t0
        return out

    def _start(self, path: Path) -> tuple[_Job | None, Transcript | None]:
        """Probe and hash a file; return a job to run, or a cached transcript."""
        path = Path(path)
        duration = self._probe(path)
        sha = file_sha256(path)
        cached = self._cache_load(path, sha)
        if cached is not None:
            self.stats["cache_hits"] += 1
            self.stats["audio_seconds"] += cached[1]
            return None, cached[0]
        self.stats["audio_seconds"] += duration
        return _Job(path=path, sha256=sha, duration=duration), None

    def _account(self, t0: float, files: int = 1) -> None:
        self.stats["files"] += files
        self.stats["wall_seconds"] += time.perf_counter() - t0
        audio, wall = self.stats["audio_seconds"], self.stats["wall_seconds"]
        self.stats["rtf"] = round(wall / audio, 5) if audio else 0.0
        self.stats["speed_x"] = round(audio / wall, 3) if wall else 0.0

    def transcribe(self, path: Path) -> Transcript:
        """Transcribe one file (streamed in blocks); raises AudioError for unusable audio."""
        t0 = time.perf_counter()
        try:
            job, cached = self._start(Path(path))
            if cached is not None:
                self._account(t0)
                return cached
            assert job is not None
            utterances: list[Utterance] = []
            for chunks in self._iter_block_chunks(job):
                utterances += self._run_chunks(chunks, None).get(id(job), [])
            transcript = self._finish(job, utterances)
        except AudioError:
            self.stats["skipped"] += 1
            self._account(t0, files=0)
            raise
        self._account(t0)
        return transcript

    def transcribe_many(
        self, paths: Iterable[Path], progress: Callable[[dict[str, Any]], None] | None = None
    ) -> Iterator[tuple[Path, Transcript | AudioError]]:
        """Transcribe files in order, yielding (path, Transcript or AudioError) for each.

        Short files (up to one streaming block) are grouped so their chunks share model batches;
        long ones stream alone. `progress` is called after each file with a dict: path, status
        ("processed", "cached", "skipped"), audio_seconds (that file), reason, stats.
        """
        group: list[tuple[Path, _Job, list[_Chunk]]] = []
        group_speech = 0.0
        group_t0 = time.perf_counter()

        def emit(path: Path, result: Transcript | AudioError, status: str, seconds: float):
            if progress is not None:
                progress(
                    {
                        "path": path,
                        "status": status,
                        "audio_seconds": seconds,
                        "reason": str(result) if isinstance(result, AudioError) else None,
                        "stats": dict(self.stats),
                    }
                )
            return path, result

        def flush() -> Iterator[tuple[Path, Transcript | AudioError]]:
            nonlocal group, group_speech, group_t0
            if not group:
                return
            # per-file language detection must not mix files: run them separately when it matters
            if self.options.language is None and self._backend().multilingual:
                found: dict[int, list[Utterance]] = {}
                for _, _, chunks in group:
                    found.update(self._run_chunks(chunks, None))
            else:
                found = self._run_chunks([c for _, _, chunks in group for c in chunks], self.options.language)
            results = [found.get(id(job), []) for _, job, _ in group]
            pending = list(zip(group, results, strict=True))
            self._account(group_t0, files=len(group))
            for (path, job, _), utterances in pending:
                try:
                    transcript = self._finish(job, utterances)
                except AudioError as exc:  # e.g. nothing but silence
                    self.stats["skipped"] += 1
                    yield emit(path, exc, "skipped", job.duration)
                    continue
                yield emit(path, transcript, "processed", job.duration)
            group, group_speech, group_t0 = [], 0.0, time.perf_counter()

        for raw in paths:
            path = Path(raw)
            t0 = time.perf_counter()
            try:
                job, cached = self._start(path)
                if cached is not None:
                    self._account(t0)
                    yield emit(path, cached, "cached", float(cached.metadata.get("duration_s", 0) or 0))
                    continue
                assert job is not None
                if job.duration and job.duration <= BLOCK_SECONDS:
                    chunks = [c for block in self._iter_block_chunks(job) for c in block]
                    group.append((path, job, chunks))
                    group_speech += sum(len(c.audio) for c in chunks) / SAMPLE_RATE
                    group_t0 = min(group_t0, t0)
                    if group_speech >= BLOCK_SECONDS / 2 or len(group) >= 64:
                        yield from flush()
                    continue
                yield from flush()
                t0 = time.perf_counter()
                utterances: list[Utterance] = []
                for chunks in self._iter_block_chunks(job):
                    utterances += self._run_chunks(chunks, None).get(id(job), [])
                transcript = self._finish(job, utterances)
                self._account(t0)
                yield emit(path, transcript, "processed", job.duration)
            except AudioError as exc:
                self.stats["skipped"] += 1
                self._account(t0, files=0)
                yield emit(path, exc, "skipped", 0.0)
        yield from flush()
