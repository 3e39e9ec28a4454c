"""One config drives the whole pipeline (CLI flags and the Python API both build this).

`Config` is a section per stage, each an options dataclass the stage takes whole (faster-whisper's
`TranscriptionOptions`, spaCy's per-component config): ingest, transcribe, segment, embed, classify,
themes, rank, personas, report, and execution (where and how fast, never what). Every default lives
here once; the CLI reads its defaults from these classes.

Fields marked ``execution`` (``_exec()``) decide how a run is carried out, not what it finds: they are
left out of `Config.findings_relevant()` (findings.json, the resume key) with no hand-kept list.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import asdict, dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from insightminer.devices import DEVICES


def default_cache_dir() -> Path:
    """$INSIGHTMINER_CACHE_DIR, else ~/.cache/insightminer."""
    env = os.environ.get("INSIGHTMINER_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "insightminer"


def _exec(default: Any = None, factory: Any = None) -> Any:
    """A field that changes how a run is carried out, never its findings."""
    if factory is not None:
        return field(default_factory=factory, metadata={"execution": True})
    return field(default=default, metadata={"execution": True})


def _is_execution(f: dataclasses.Field) -> bool:
    return bool(f.metadata.get("execution"))


@dataclass
class IngestOptions:
    """Reading transcripts (insightminer.ingest.files.ingest_paths)."""

    metadata_file: str | None = None  # per-interview metadata CSV / YAML (doc_id column)
    max_file_mb: float = 20.0  # larger transcript files are skipped with a reason
    unlabelled_speaker: str | None = None  # read transcripts without speaker labels as this speaker
    # A layout the readers do not know: which column / key holds which field ({"speaker": "Spkr", ...})
    # and, for JSON / JSONL, the dotted key of the utterance list (--fields / --records).
    fields: dict[str, str] = field(default_factory=dict)
    records: str | None = None

    def __post_init__(self) -> None:
        if not self.max_file_mb > 0:
            raise ValueError(f"max_file_mb must be > 0, not {self.max_file_mb}")


@dataclass
class TranscribeOptions:
    """Everything that shapes a transcript (insightminer.speech.transcribe.Transcriber). The cache key
    is every field but the execution ones and the duration limit."""

    model: str = "tiny.en"  # "tiny.en", "base" (bundled, offline), a faster-whisper size/id, or a folder
    backend: str = "faster-whisper"  # or "transformers"
    device: str = _exec("auto")  # cpu | cuda | auto (a run sets it from ExecutionOptions.device)
    compute_type: str = "default"  # default: int8 on CPU, float16 on CUDA (faster-whisper); fp32/fp16 HF
    language: str | None = None  # None: English for *.en models, detected per file otherwise
    # beam 1 (greedy): WER on the LibriSpeech/JFK set equals beam 5 for tiny.en/base (docs/benchmarks/asr.md)
    # while decoding is much cheaper on CPU.
    beam_size: int = 1
    batch_size: int = 8
    vad: bool = True
    # word times: statements get their words' start/end, and diarization assigns each word a speaker
    word_timestamps: bool = True
    split_stereo: bool = True
    # names for channel 1, 2 of a split stereo call, or for diarized speakers in order of first speech
    speaker_names: tuple[str, ...] | None = None
    diarize: bool = True  # mono audio: find who spoke when offline (EmbeddingDiarizer)
    num_speakers: int | None = None  # fix the speaker count instead of estimating it
    min_speakers: int = 1
    max_speakers: int = 8
    utterance_gap_s: float = 3.0  # a pause at least this long (or another speaker) starts a new utterance
    max_duration_s: float = 4 * 3600.0  # longer files are rejected with a clear message
    # None: <INSIGHTMINER_CACHE_DIR or ~/.cache/insightminer>/transcripts (a run sets it from its cache)
    cache_dir: str | None = _exec(None)
    use_cache: bool = _exec(True)

    def cache_fields(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self) if not _is_execution(f)}
        data.pop("max_duration_s")  # a limit on which files are read, not how they read
        data["device"] = self.device  # "default" compute types differ by device (int8 CPU, fp16 CUDA)
        data["speaker_names"] = list(self.speaker_names) if self.speaker_names else None
        return data


@dataclass
class SegmentOptions:
    """Who is a customer, and statements (insightminer.text.segment.segment_transcript)."""

    customer_speakers: list[str] = field(default_factory=list)  # --customer overrides
    interviewer_speakers: list[str] = field(default_factory=list)  # --interviewer overrides
    # --team: the seller's / researcher's people ("Name", "email", "Name <email> | role"); never evidence
    team: list[str] = field(default_factory=list)


@dataclass
class EmbedOptions:
    """The sentence encoder every statement goes through (insightminer.text.embed.Embedder)."""

    # names resolve offline; any Hugging Face id or local path works where reachable
    model: str = "all-MiniLM-L6-v2"


@dataclass
class ClassifyOptions:
    """The statement classifiers: kind, emotions, motivators (detect / emotions / motivators)."""

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
    emotions: bool = True
    motivators: bool = True

    def __post_init__(self) -> None:
        if self.motivator_backend not in ("head", "similarity", "nli"):
            raise ValueError(
                f"motivator_backend must be head, similarity or nli, not {self.motivator_backend!r}"
            )
        if self.min_confidence is not None and not 0.0 <= self.min_confidence <= 1.0:
            raise ValueError(f"min_confidence must be within 0-1, not {self.min_confidence}")


@dataclass
class ThemeOptions:
    """Clustering customers' accounts into themes (insightminer.themes.study + themes.ThemeModel)."""

    # Passages (a customer's account of one topic) holding any of these kinds are clustered; each
    # theme is then typed by the kinds its interviews voiced (pain points, requests, praise, questions).
    kinds: list[str] = field(default_factory=lambda: ["pain_point", "need", "praise", "question"])
    # Share of a passage's similarity that comes from shared key phrases (TF-IDF) rather than the
    # sentence embedding; measured in docs/benchmarks/findings.md.
    lexical_weight: float = 0.2
    seed_topics: list[str] = field(default_factory=list)  # expected pains that guide the themes
    random_state: int = 0
    # ThemeModel's parameters (insightminer.themes.clustering.ThemeModel documents each)
    min_theme_size: int = 3
    resolution: float | None = None  # None: chosen from the corpus size; higher gives finer themes
    n_neighbors: int = 10
    min_similarity: float = 0.35
    merge_threshold: float = 0.92
    max_outlier_share: float = 0.05
    hierarchy: bool = True

    def model_params(self) -> dict[str, Any]:
        """The keyword arguments of ThemeModel these options set."""
        return {
            "min_theme_size": self.min_theme_size,
            "random_state": self.random_state,
            "seed_topics": self.seed_topics or None,
            "resolution": self.resolution,
            "n_neighbors": self.n_neighbors,
            "min_similarity": self.min_similarity,
            "merge_threshold": self.merge_threshold,
            "max_outlier_share": self.max_outlier_share,
            "hierarchy": self.hierarchy,
        }


@dataclass
class RankOptions:
    """Findings from themes: prevalence, segments, evidence, assumptions, analyst edits (rank)."""

    segment_field: str = "segment"  # metadata field that defines customer segments
    min_theme_documents: int = 2  # a finding needs evidence from at least this many interviews
    evidence_per_finding: int = 5
    assumptions: list[str] = field(default_factory=list)  # the team's assumed pains, checked on evidence
    # Analyst edits (rename / merge / split / hide: insightminer.insights.edits), applied after the analysis.
    edits_file: str | None = None

    def __post_init__(self) -> None:
        if self.min_theme_documents < 1:
            raise ValueError(f"min_theme_documents must be >= 1, not {self.min_theme_documents}")
        if self.evidence_per_finding < 1:
            raise ValueError(f"evidence_per_finding must be >= 1, not {self.evidence_per_finding}")


@dataclass
class PersonaOptions:
    """Persona / empathy-map drafts and theme trends (insightminer.insights.personas)."""

    enabled: bool = True


@dataclass
class ReportOptions:
    """How report.html presents the run (insightminer.output.html.report)."""

    # embed each audio quote's clip instead of linking the file: how quotes play, not what they say
    embed_clips: bool = _exec(False)


@dataclass
class ExecutionOptions:
    """Where and how fast a run is carried out; none of it changes findings."""

    device: str = _exec("cpu")  # cpu | cuda | auto
    # Inference backend of every transformer encoder (embeddings, fine-tuned classifiers): torch |
    # openvino | onnx | auto (fastest faithful one installed; insightminer.text.encoders). Results match
    # torch within 1e-5, so it is an execution detail, not part of what decides findings.
    embedding_backend: str = _exec("auto")
    executor: str = _exec("local")  # local | ray (speech-to-text and embedding fan out over Ray)
    ray_address: str | None = _exec(None)  # None: start a local Ray; "auto": join this machine's cluster
    ray_workers: int = _exec(2)
    batch_size: int = _exec(64)
    cache_dir: str | None = _exec(None)  # None -> default_cache_dir(); "" disables the disk cache
    progress: bool = _exec(False)

    def __post_init__(self) -> None:
        if self.device not in DEVICES:
            raise ValueError(f"device must be auto, cpu or cuda, not {self.device!r}")
        if self.executor not in ("local", "ray"):
            raise ValueError(f"executor must be local or ray, not {self.executor!r}")
        if self.ray_workers < 1 or self.batch_size < 1:
            raise ValueError("ray_workers and batch_size must be >= 1")

    def resolved_cache_dir(self) -> Path | None:
        if self.cache_dir == "":
            return None
        return Path(self.cache_dir) if self.cache_dir else default_cache_dir()


@dataclass
class Config:
    """Everything that decides a run's output. Two runs with equal configs and inputs give equal findings.

    ``Config(themes=ThemeOptions(min_theme_size=4))``, or from dotted names:
    ``Config().updated({"themes.min_theme_size": 4})``.
    """

    ingest: IngestOptions = field(default_factory=IngestOptions)
    transcribe: TranscribeOptions = field(default_factory=TranscribeOptions)
    segment: SegmentOptions = field(default_factory=SegmentOptions)
    embed: EmbedOptions = field(default_factory=EmbedOptions)
    classify: ClassifyOptions = field(default_factory=ClassifyOptions)
    themes: ThemeOptions = field(default_factory=ThemeOptions)
    rank: RankOptions = field(default_factory=RankOptions)
    personas: PersonaOptions = field(default_factory=PersonaOptions)
    report: ReportOptions = field(default_factory=ReportOptions)
    execution: ExecutionOptions = field(default_factory=ExecutionOptions)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def findings_relevant(self) -> dict[str, Any]:
        """The part of the config that decides findings: every field not marked as execution."""
        out: dict[str, Any] = {}
        for section in fields(self):
            options = getattr(self, section.name)
            kept = {f.name: _plain(getattr(options, f.name)) for f in fields(options) if not _is_execution(f)}
            if kept:
                out[section.name] = kept
        return out

    def updated(self, values: dict[str, Any]) -> Config:
        """A copy with ``{"section.field": value}`` set (checked: an unknown name is an error)."""
        sections = {s.name: getattr(self, s.name) for s in fields(self)}
        for dotted, value in values.items():
            section, _, name = dotted.partition(".")
            if section not in sections or name not in {f.name for f in fields(sections[section])}:
                raise KeyError(f"unknown config field {dotted!r} (known: {', '.join(field_names())})")
            if dotted == "transcribe.speaker_names" and isinstance(value, list):
                value = tuple(value)
            sections[section] = replace(sections[section], **{name: value})
        return Config(**sections)

    @classmethod
    def from_flat(cls, **values: Any) -> Config:
        """A Config from flat names: "section.field" is spelled ``section__field``, and every field of
        the one-level Config of 0.x keeps its name (``Config.from_flat(cache_dir="", emotions=False)``)."""
        return cls().updated({FLAT_NAMES.get(k, k.replace("__", ".")): v for k, v in values.items()})

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Config:
        """A Config from ``to_dict()`` output (e.g. run.json's "config"); missing fields keep defaults."""
        flat = {
            f"{section}.{name}": value
            for section, values in (data or {}).items()
            if isinstance(values, dict)
            for name, value in values.items()
        }
        return cls().updated(flat)


def field_names() -> list[str]:
    """Every config field as "section.field"."""
    config = Config()
    return [
        f"{section.name}.{f.name}"
        for section in fields(config)
        for f in fields(getattr(config, section.name))
    ]


def _plain(value: Any) -> Any:
    if is_dataclass(value):
        return asdict(value)
    if isinstance(value, tuple):
        return list(value)
    return value


#: The one-level Config of 0.x: each old field name -> its "section.field" (Config.from_flat).
FLAT_NAMES: dict[str, str] = {
    "embedding_model": "embed.model",
    **{
        name: f"classify.{name}"
        for name in (
            "statement_model",
            "emotion_model",
            "motivator_model",
            "motivator_backend",
            "nli_model",
            "min_confidence",
            "emotions",
            "motivators",
        )
    },
    "asr_model": "transcribe.model",
    "asr_backend": "transcribe.backend",
    **{
        name: f"transcribe.{name}"
        for name in (
            "compute_type",
            "diarize",
            "num_speakers",
            "min_speakers",
            "max_speakers",
            "speaker_names",
        )
    },
    **{
        name: f"ingest.{name}"
        for name in ("metadata_file", "max_file_mb", "unlabelled_speaker", "fields", "records")
    },
    **{name: f"segment.{name}" for name in ("customer_speakers", "interviewer_speakers", "team")},
    "theme_kinds": "themes.kinds",
    "theme_lexical_weight": "themes.lexical_weight",
    "min_theme_size": "themes.min_theme_size",
    "seed_topics": "themes.seed_topics",
    "random_state": "themes.random_state",
    **{
        name: f"rank.{name}"
        for name in (
            "segment_field",
            "min_theme_documents",
            "evidence_per_finding",
            "assumptions",
            "edits_file",
        )
    },
    "personas": "personas.enabled",
    "embed_clips": "report.embed_clips",
    **{
        name: f"execution.{name}"
        for name in (
            "device",
            "embedding_backend",
            "executor",
            "ray_address",
            "ray_workers",
            "batch_size",
            "cache_dir",
            "progress",
        )
    },
}
