"""One config drives the whole pipeline (CLI flags and the Python API both build this)."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


def default_cache_dir() -> Path:
    """$INSIGHTMINER_CACHE_DIR, else ~/.cache/insightminer."""
    env = os.environ.get("INSIGHTMINER_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "insightminer"


@dataclass
class Config:
    """Everything that decides a run's output. Two runs with equal configs and inputs give equal findings."""

    # models (names resolve offline; any Hugging Face id or local path works where reachable)
    embedding_model: str = "all-MiniLM-L6-v2"
    statement_model: str = "statement-kind-finetuned"
    # emotions-finetuned continued on B2B speech, with a neutral gate calibrated on conversational data
    # (issue 16): Ekman accuracy 0.86 on held-back B2B speech vs 0.71 for "emotions-hybrid" (faster: it
    # reuses the run's embeddings, but is uncalibrated). docs/benchmarks/emotions.md.
    emotion_model: str = "emotions-conversational"
    motivator_model: str = "motivators"
    motivator_backend: str = "head"  # head | similarity | nli
    nli_model: str | None = None  # for motivator_backend="nli": a transformers NLI model id or path
    # Score an emotion / motivator needs to be assigned; None: the models' calibrated per-label
    # thresholds (below them a statement is neutral / has no motivator).
    min_confidence: float | None = None
    asr_model: str = "tiny.en"
    asr_backend: str = "faster-whisper"  # faster-whisper | transformers
    device: str = "cpu"  # cpu | cuda | auto
    # Inference backend of every transformer encoder (embeddings, fine-tuned classifiers): torch |
    # openvino | onnx | auto (fastest faithful one installed; insightminer.encoders). Results match
    # torch within 1e-5, so it is an execution detail, not part of what decides findings.
    embedding_backend: str = "auto"
    compute_type: str = "default"
    # audio: offline diarization of mono files (stereo calls split by channel), speaker count/names
    diarize: bool = True
    num_speakers: int | None = None
    min_speakers: int = 1
    max_speakers: int = 8
    speaker_names: list[str] = field(default_factory=list)  # in order of first speech
    embed_clips: bool = False  # report.html: embed each audio quote's clip instead of linking the file

    # ingest
    metadata_file: str | None = None
    max_file_mb: float = 20.0
    unlabelled_speaker: str | None = None
    customer_speakers: list[str] = field(default_factory=list)  # --customer overrides
    interviewer_speakers: list[str] = field(default_factory=list)  # --interviewer overrides
    # --team: the seller's / researcher's people ("Name", "email", "Name <email> | role"); never evidence
    team: list[str] = field(default_factory=list)
    # A layout the readers do not know: which column / key holds which field ({"speaker": "Spkr", ...})
    # and, for JSON / JSONL, the dotted key of the utterance list (--fields / --records).
    fields: dict[str, str] = field(default_factory=dict)
    records: str | None = None

    # analysis
    segment_field: str = "segment"
    # Passages (a customer's account of one topic) holding any of these kinds are clustered; each
    # theme is then typed by the kinds its interviews voiced (pain points, requests, praise, questions).
    theme_kinds: list[str] = field(default_factory=lambda: ["pain_point", "need", "praise", "question"])
    min_theme_size: int = 3
    # Share of a passage's similarity that comes from shared key phrases (TF-IDF) rather than the
    # sentence embedding; measured in docs/benchmarks/findings.md.
    theme_lexical_weight: float = 0.2
    min_theme_documents: int = 2  # a finding needs evidence from at least this many interviews
    seed_topics: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    evidence_per_finding: int = 5
    # Analyst edits (rename / merge / split / hide, see insightminer.edits), applied after the analysis.
    edits_file: str | None = None
    emotions: bool = True
    motivators: bool = True
    personas: bool = True
    random_state: int = 0

    # execution
    executor: str = "local"  # local | ray (speech-to-text and embedding fan out over a Ray cluster)
    ray_address: str | None = None  # None: start a local Ray; "auto": join this machine's cluster
    ray_workers: int = 2
    batch_size: int = 64
    cache_dir: str | None = None  # None -> default_cache_dir(); "" disables the disk cache
    progress: bool = False

    def resolved_cache_dir(self) -> Path | None:
        if self.cache_dir == "":
            return None
        return Path(self.cache_dir) if self.cache_dir else default_cache_dir()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def findings_relevant(self) -> dict[str, Any]:
        """The part of the config that decides findings (execution details left out)."""
        data = self.to_dict()
        for key in (
            "batch_size",
            "cache_dir",
            "progress",
            "device",
            "embedding_backend",
            "compute_type",
            "executor",
            "ray_address",
            "ray_workers",
            "embed_clips",  # how report.html plays quotes, not what the findings are
        ):
            data.pop(key, None)
        return data
