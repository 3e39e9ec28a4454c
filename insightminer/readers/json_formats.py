"""JSON transcripts: the generic insightminer layout and Whisper / faster-whisper / WhisperX output.

Generic: ``{"doc_id", "metadata", "utterances": [{"speaker", "role"?, "start"?, "end"?, "text"}]}``,
a list of such documents, or a bare list of utterances.
Whisper: ``{"segments": [{"start", "end", "text", "speaker"?}]}`` (no speaker -> ``SPEAKER_00``).
WhisperX: segments with ``words`` carrying per-word ``speaker`` labels.
"""

from __future__ import annotations

import json
from typing import Any

from insightminer.readers.common import (
    IngestError,
    ParsedDoc,
    clean_text,
    map_role,
    metadata_dict,
    parse_timestamp,
)
from insightminer.schema import Role, Utterance

_SPEAKER_KEYS = ("speaker", "speaker_name", "name", "participant", "speaker_label")
_TEXT_KEYS = ("text", "utterance", "content", "transcript", "message")
_START_KEYS = ("start", "start_time", "begin", "start_s", "from")
_END_KEYS = ("end", "end_time", "stop", "end_s", "to")
_DOC_ID_KEYS = ("doc_id", "document_id", "interview_id", "call_id", "transcript_id", "id")
ASR_DEFAULT_SPEAKER = "SPEAKER_00"


def _first(item: dict[str, Any], keys: tuple[str, ...]) -> Any:
    lowered = {str(k).lower(): v for k, v in item.items()}
    for key in keys:
        if key in lowered and lowered[key] is not None:
            return lowered[key]
    return None


def _time(item: dict[str, Any], keys: tuple[str, ...], where: str, notes: list[str]) -> float | None:
    try:
        return parse_timestamp(_first(item, keys))
    except ValueError as exc:
        notes.append(f"{where}: {exc}; time left empty")
        return None


class _RoleCounter:
    """Maps role values and remembers the ones it did not understand (reported once per doc)."""

    def __init__(self) -> None:
        self.unknown: set[str] = set()

    def __call__(self, value: Any) -> Role:
        if value is None or str(value).strip() == "":
            return "unknown"
        role = map_role(value)
        if role is None:
            self.unknown.add(str(value))
            return "unknown"
        return role


def _generic(doc: dict[str, Any], where: str, unlabelled_speaker: str | None) -> ParsedDoc:
    items = doc.get("utterances", doc.get("turns"))
    if not isinstance(items, list):
        raise IngestError(f"{where}: 'utterances' must be a list")
    notes: list[str] = []
    roles = _RoleCounter()
    utts: list[Utterance] = []
    missing_speaker = 0
    for i, item in enumerate(items):
        at = f"{where} utterance {i + 1}"
        if isinstance(item, str):
            item = {"text": item}
        if not isinstance(item, dict):
            raise IngestError(f"{at}: expected an object with 'speaker' and 'text'")
        text = clean_text(str(_first(item, _TEXT_KEYS) or ""))
        if not text:
            continue
        speaker = clean_text(str(_first(item, _SPEAKER_KEYS) or ""))
        if not speaker:
            if unlabelled_speaker is None:
                missing_speaker += 1
                speaker = "Unknown"
            else:
                speaker = unlabelled_speaker
        start = _time(item, _START_KEYS, at, notes)
        end = _time(item, _END_KEYS, at, notes)
        utts.append(Utterance(speaker, text, start, end, roles(item.get("role"))))
    if missing_speaker == len(utts) and utts:
        raise IngestError(
            f"{where}: no utterance has a 'speaker'; set unlabelled_speaker (CLI --unlabelled-speaker NAME) "
            "to read them as one speaker"
        )
    if missing_speaker:
        notes.append(f"{missing_speaker} utterance(s) without a speaker read as 'Unknown'")
    if roles.unknown:
        notes.append(f"unrecognised role value(s) left as unknown: {', '.join(sorted(roles.unknown))}")
    doc_id = _first(doc, _DOC_ID_KEYS)
    return ParsedDoc(
        utterances=utts,
        doc_id=clean_text(str(doc_id)) if doc_id is not None else None,
        metadata=metadata_dict(doc.get("metadata")),
        notes=notes,
    )


def _join_words(words: list[dict[str, Any]]) -> str:
    texts = [str(w.get("word", w.get("text", ""))) for w in words]
    # faster-whisper / openai-whisper words carry their own leading space; WhisperX words do not.
    spaced = sum(1 for t in texts if t.startswith(" ")) >= len(texts) / 2
    return clean_text("".join(texts) if spaced else " ".join(texts))


def _whisper(doc: dict[str, Any], unlabelled_speaker: str | None) -> ParsedDoc:
    segments = doc["segments"]
    if not isinstance(segments, list):
        raise IngestError("'segments' must be a list")
    notes: list[str] = []
    utts: list[Utterance] = []
    default = unlabelled_speaker or ASR_DEFAULT_SPEAKER
    labelled = False
    for i, seg in enumerate(segments):
        at = f"segment {i + 1}"
        if not isinstance(seg, dict):
            raise IngestError(f"{at}: expected an object with 'start', 'end' and 'text'")
        words = [w for w in seg.get("words") or [] if isinstance(w, dict)]
        speaker = seg.get("speaker")
        text = seg.get("text")
        if text is None and words:
            # WhisperX without segment text: split the words wherever the word speaker changes.
            run: list[dict[str, Any]] = []
            for word in words + [None]:  # type: ignore[list-item]
                if run and (word is None or word.get("speaker", speaker) != run[-1].get("speaker", speaker)):
                    who = run[-1].get("speaker", speaker)
                    labelled = labelled or who is not None
                    s = _time(run[0], _START_KEYS, at, notes)
                    e = _time(run[-1], _END_KEYS, at, notes)
                    utts.append(Utterance(str(who) if who is not None else default, _join_words(run), s, e))
                    run = []
                if word is not None:
                    run.append(word)
            continue
        if speaker is None and words:
            # WhisperX words carry speakers even when the segment lost its own: take the most common.
            counts: dict[str, int] = {}
            for w in words:
                if w.get("speaker") is not None:
                    counts[str(w["speaker"])] = counts.get(str(w["speaker"]), 0) + 1
            if counts:
                speaker = max(sorted(counts), key=lambda k: counts[k])
        text = clean_text(str(text or ""))
        if not text:
            continue
        labelled = labelled or speaker is not None
        start = _time(seg, _START_KEYS, at, notes)
        end = _time(seg, _END_KEYS, at, notes)
        utts.append(Utterance(str(speaker) if speaker is not None else default, text, start, end))
    utts = [u for u in utts if u.text]
    if utts and not labelled:
        notes.append(f"ASR output has no speaker labels: every segment read as {default!r}")
    metadata = metadata_dict(doc.get("metadata"))
    if isinstance(doc.get("language"), str) and "language" not in metadata:
        metadata["language"] = doc["language"]
    doc_id = _first(doc, _DOC_ID_KEYS[:-1])  # Whisper's own "id" fields are not document ids
    return ParsedDoc(
        utterances=utts,
        doc_id=clean_text(str(doc_id)) if doc_id is not None else None,
        metadata=metadata,
        notes=notes,
    )


def _looks_like_utterance(item: Any) -> bool:
    return isinstance(item, dict) and _first(item, _TEXT_KEYS) is not None and "utterances" not in item


def parse_json(text: str, *, unlabelled_speaker: str | None = None) -> list[ParsedDoc]:
    """Parse a JSON transcript file into one or more documents."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IngestError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise IngestError("invalid JSON: nested too deeply") from None
    if isinstance(data, dict) and isinstance(data.get("segments"), list) and "utterances" not in data:
        docs = [_whisper(data, unlabelled_speaker)]
    elif isinstance(data, dict) and ("utterances" in data or "turns" in data):
        docs = [_generic(data, "document", unlabelled_speaker)]
    elif isinstance(data, list) and data and all(_looks_like_utterance(x) for x in data):
        docs = [_generic({"utterances": data}, "document", unlabelled_speaker)]
    elif isinstance(data, list) and data and all(isinstance(x, dict) for x in data):
        docs = []
        for i, item in enumerate(data):
            if isinstance(item.get("segments"), list) and "utterances" not in item:
                docs.append(_whisper(item, unlabelled_speaker))
            elif "utterances" in item or "turns" in item:
                docs.append(_generic(item, f"document {i + 1}", unlabelled_speaker))
            else:
                keys = ", ".join(sorted(map(str, item))[:10]) or "none"
                raise IngestError(f"document {i + 1} has no 'utterances' list (keys: {keys})")
    else:
        if isinstance(data, dict):
            found = f"an object with keys: {', '.join(sorted(map(str, data))[:10]) or 'none'}"
        else:
            found = f"a {type(data).__name__}" if data != [] else "an empty list"
        raise IngestError(
            "unrecognised JSON layout: expected {'utterances': [...]} (a transcript), "
            f"{{'segments': [...]}} (Whisper output) or a list of transcripts; found {found}"
        )
    for doc in docs:
        if not doc.utterances:
            where = f"document {doc.doc_id!r}" if doc.doc_id else "document"
            doc.notes.append(f"{where} has no text")
    if not any(doc.utterances for doc in docs):
        raise IngestError("no utterances with text found")
    return docs
