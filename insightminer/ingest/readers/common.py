"""Pieces every reader shares: the error type, text cleaning, timestamps, roles, metadata values."""

from __future__ import annotations

import datetime as _dt
import html
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from insightminer.schema import Role, Utterance


class IngestError(ValueError):
    """An input that cannot be read; the message is the human reason written into the run manifest."""


@dataclass
class ParsedDoc:
    """What a format parser found in one document, before ingest adds source, doc_id defaults, metadata."""

    utterances: list[Utterance]
    doc_id: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# Zero-width and direction marks show up in subtitle and Word exports; they are never content.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"), None)
_WS = re.compile(r"\s+")
# Lone surrogates (a JSON "\ud800" escape, a non-UTF-8 file name) cannot be written as UTF-8 anywhere.
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: str, *, unescape: bool = False) -> str:
    """Collapse whitespace (NBSP included), drop invisible marks and lone surrogates (-> U+FFFD);
    optionally unescape HTML entities."""
    if unescape:
        text = html.unescape(text)
    text = _SURROGATE.sub("\ufffd", text.translate(_INVISIBLE))
    return _WS.sub(" ", text).strip()


def display_path(path: str | os.PathLike[str]) -> str:
    """A path as valid Unicode text: bytes of a non-UTF-8 file name become ``\\xff`` escapes.

    Python keeps such bytes as lone surrogates (surrogateescape), which no UTF-8 writer accepts
    (parquet, JSON files), so every path that reaches an output goes through here.
    """
    text = os.fspath(path)
    if not _SURROGATE.search(text):
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that was not an escaped byte
        return _SURROGATE.sub("\ufffd", text)


_TS = re.compile(r"^\s*(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?\s*$")


def parse_timestamp(value: Any) -> float | None:
    """Seconds from a number, a numeric string, or HH:MM:SS(.ms) / MM:SS(,ms); None when absent.

    Raises ValueError when a value is present but is not a time.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a time: {value!r}")
    if isinstance(value, (int, float)):
        if value != value or value < 0:  # NaN or negative
            raise ValueError(f"not a time: {value!r}")
        return float(value)
    text = str(value).strip()
    if not text:
        return None
    match = _TS.match(text)
    if match:
        hours, minutes, seconds, frac = match.groups()
        if int(seconds) >= 60 or (hours is not None and int(minutes) >= 60):
            raise ValueError(f"not a time: {text!r} (minutes and seconds run 00-59)")
        total = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
        if frac:
            total += int(frac) / (10 ** len(frac))
        return round(float(total), 3)
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"not a time: {text!r}") from None
    if number != number or number < 0:
        raise ValueError(f"not a time: {text!r}")
    return number


_INTERVIEWER = {
    "interviewer", "rep", "sales", "sales rep", "salesperson", "sales person", "seller", "host", "moderator",
    "researcher", "facilitator", "agent", "account executive", "ae", "sdr", "bdr", "vendor", "staff",
    "employee", "interviewer/moderator", "ux researcher", "csm", "support", "internal",
}  # fmt: skip
_CUSTOMER = {
    "customer", "participant", "respondent", "prospect", "client", "interviewee", "user", "buyer",
    "end user", "subject", "lead", "guest", "consumer", "patient", "external",
}  # fmt: skip


def map_role(value: Any) -> Role | None:
    """Map a role written in the source to customer/interviewer; None when it is not a known role word."""
    if value is None:
        return None
    text = re.sub(r"[\s_\-]*\d+$", "", str(value).strip().lower()).replace("_", " ")
    text = _WS.sub(" ", text)
    if text in _INTERVIEWER:
        return "interviewer"
    if text in _CUSTOMER:
        return "customer"
    if text in {"unknown", ""}:
        return "unknown"
    return None


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def normalize_key(key: Any) -> str:
    """lower_snake_case: 'Deal Stage' / 'dealStage' / 'deal-stage' -> 'deal_stage'."""
    text = _CAMEL.sub("_", str(key).strip())
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[^\w]+", "_", text)
    return re.sub(r"_+", "_", text).strip("_")


def metadata_value(value: Any) -> str | None:
    """A metadata value as a string; None for empty values (they carry no information)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple)):
        parts = [metadata_value(v) for v in value]
        text = ", ".join(p for p in parts if p)
        return text or None
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    text = clean_text(str(value))
    return text or None


def metadata_dict(raw: Any) -> dict[str, str]:
    """Normalise a mapping of metadata: snake_case keys, string values, empty values dropped."""
    out: dict[str, str] = {}
    if not isinstance(raw, dict):
        return out
    for key, value in raw.items():
        name = normalize_key(key)
        text = metadata_value(value)
        if name and text is not None:
            out[name] = text
    return out


def merge_same_speaker(utterances: list[Utterance]) -> list[Utterance]:
    """Join consecutive utterances of one speaker into one turn (first start, last end)."""
    merged: list[Utterance] = []
    for utt in utterances:
        prev = merged[-1] if merged else None
        if prev is not None and prev.speaker == utt.speaker and prev.role == utt.role:
            prev.text = f"{prev.text} {utt.text}".strip()
            if utt.end is not None:
                prev.end = utt.end
            if prev.start is None:
                prev.start = utt.start
        else:
            merged.append(Utterance(utt.speaker, utt.text, utt.start, utt.end, utt.role))
    return merged


def no_labels_error(what: str = "speaker labels") -> IngestError:
    return IngestError(
        f"no {what} found: expected lines like 'Customer: ...' or 'Interviewer: ...'; "
        "set unlabelled_speaker (CLI --unlabelled-speaker NAME) to read the whole file as one speaker"
    )


#: The fields a user can map with ``--fields`` (CLI) / Config.fields.
MAPPABLE_FIELDS = ("speaker", "text", "start", "end", "role", "doc_id")


@dataclass(frozen=True)
class FieldMap:
    """The user's way out for any table or JSON layout: which column / key holds which field, and
    (JSON, JSONL) the dotted key of the list of utterance records (``--records meeting_transcripts``)."""

    fields: tuple[tuple[str, str], ...] = ()
    records: str | None = None

    @classmethod
    def from_options(cls, fields: dict[str, str] | None = None, records: str | None = None) -> FieldMap:
        unknown = sorted(set(fields or {}) - set(MAPPABLE_FIELDS))
        if unknown:
            raise ValueError(
                f"unknown field(s) in the field mapping: {', '.join(unknown)} "
                f"(mappable: {', '.join(MAPPABLE_FIELDS)})"
            )
        return cls(tuple(sorted((fields or {}).items())), records.strip() if records else None)

    def get(self, name: str) -> str | None:
        return dict(self.fields).get(name)

    def __bool__(self) -> bool:
        return bool(self.fields) or self.records is not None


def parse_field_mapping(text: str | None) -> dict[str, str]:
    """'speaker=Spkr,text=Content' -> {'speaker': 'Spkr', 'text': 'Content'}; ValueError when malformed."""
    out: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, sep, source = part.partition("=")
        name, source = name.strip().lower(), source.strip()
        if not sep or not name or not source:
            raise ValueError(f"field mapping {part.strip()!r} is not FIELD=NAME (e.g. speaker=Spkr)")
        out[name] = source
    FieldMap.from_options(out)  # unknown field names fail here, with the list of mappable ones
    return out


def value_text(value: Any, sep: str = ", ") -> str | None:
    """A JSON value as text: strings and numbers as they are, a list of them joined with ``sep``;
    None for an object or a nested list (never a Python repr in a speaker name or doc id)."""
    if value is None or isinstance(value, dict):
        return None
    if isinstance(value, (list, tuple)):
        if any(isinstance(v, (list, tuple, dict)) for v in value):
            return None
        parts = [value_text(v, sep) for v in value]
        return sep.join(p for p in parts if p) or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(str(value)) or None
