"""Plain data that flows between stages.

Every stage takes these dataclasses in and gives them out, so each stage can be tested alone,
cached, resumed, or mapped over a Ray cluster without knowing about the others.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Role = Literal["customer", "interviewer", "unknown"]
InputStatus = Literal["processed", "skipped"]

#: Statement kinds the detect stage assigns.
STATEMENT_KINDS: tuple[str, ...] = ("pain_point", "need", "praise", "question", "other")


@dataclass
class Utterance:
    """One speaker turn as it appears in the source (a subtitle cue, a transcript line, an ASR segment)."""

    speaker: str
    text: str
    start: float | None = None  # seconds from the start of the recording
    end: float | None = None
    role: Role = "unknown"
    # [start, end, word] per word (seconds), from ASR with word timestamps; None for text sources
    words: list[list[float | str]] | None = None


@dataclass
class Transcript:
    """One interview or call, whatever its source format."""

    doc_id: str
    source: str  # the file it came from
    utterances: list[Utterance]
    metadata: dict[str, str] = field(default_factory=dict)  # segment, company, role, date, deal_stage, ...
    source_format: str = ""  # txt, vtt, srt, json, csv, docx, audio
    encoding: str | None = None  # the text encoding that decoded it, when it was text
    notes: list[str] = field(default_factory=list)  # warnings worth reporting (e.g. cp1252 fallback)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Transcript:
        utterances = [Utterance(**u) for u in data.get("utterances", [])]
        rest = {k: v for k, v in data.items() if k != "utterances"}
        return cls(utterances=utterances, **rest)


@dataclass
class InputRecord:
    """What happened to one input file: every input ends up processed or skipped with a reason."""

    path: str
    status: InputStatus
    reason: str | None = None
    doc_ids: list[str] = field(default_factory=list)
    source_format: str = ""
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Statement:
    """One analysable customer statement: a sentence of one turn (a fragment joined to it)."""

    statement_id: str  # "<doc_id>:<turn>:<index>", stable across runs
    doc_id: str
    speaker: str
    role: Role
    text: str
    start: float | None = None
    end: float | None = None
    turn_index: int = 0
    metadata: dict[str, str] = field(default_factory=dict)
    kind: str = "other"
    kind_score: float = 0.0
    theme_id: int = -1  # set only when the statement is evidence of its theme's finding
    passage_id: str = ""  # "<doc_id>#<n>": the customer's account (run of statements) it belongs to
    emotions: dict[str, float] = field(default_factory=dict)  # label -> score, only labels above threshold
    motivators: dict[str, float] = field(default_factory=dict)
    context: str = ""  # the whole turn the statement came from (a passage to embed or show)
