"""JSON transcripts: the generic insightminer layout and Whisper / faster-whisper / WhisperX output.

Generic: ``{"doc_id", "metadata", "utterances": [{"speaker", "role"?, "start"?, "end"?, "text"}]}``,
a list of such documents, or a bare list of utterances.
Whisper: ``{"segments": [{"start", "end", "text", "speaker"?}]}`` (no speaker -> ``SPEAKER_00``).
WhisperX: segments with ``words`` carrying per-word ``speaker`` labels.
"""

from __future__ import annotations

import json
from typing import Any

from insightminer.ingest.readers.common import (
    FieldMap,
    IngestError,
    ParsedDoc,
    clean_text,
    map_role,
    metadata_dict,
    parse_timestamp,
    value_text,
)
from insightminer.schema import Role, Utterance

_SPEAKER_KEYS = ("speaker", "speaker_name", "name", "participant", "speaker_label")
_TEXT_KEYS = ("text", "utterance", "content", "transcript", "message")
_START_KEYS = ("start", "start_time", "begin", "start_s", "from")
_END_KEYS = ("end", "end_time", "stop", "end_s", "to")
_DOC_ID_KEYS = ("doc_id", "document_id", "interview_id", "call_id", "transcript_id", "id")
_ROLE_KEYS = ("role",)
ASR_DEFAULT_SPEAKER = "SPEAKER_00"
#: Where speech-API exports and meeting corpora keep their list of utterances, most specific first; any
#: other key holding a list of objects with a text field is found too (see _find_records).
_RECORD_KEYS = ("utterances", "turns", "monologues", "transcripts", "transcript", "dialogue", "dialog",
                "conversation", "messages", "entries", "results", "segments")  # fmt: skip


def _keys(fmap: FieldMap | None, name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """The user's key for a field (--fields) replaces the usual ones."""
    mapped = fmap.get(name) if fmap else None
    return (mapped.lower(),) if mapped else default


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


def _generic(
    doc: dict[str, Any],
    where: str,
    unlabelled_speaker: str | None,
    fmap: FieldMap | None = None,
    items: Any = None,
) -> ParsedDoc:
    if items is None:
        items = doc.get("utterances", doc.get("turns"))
    if not isinstance(items, list):
        raise IngestError(f"{where}: 'utterances' must be a list")
    text_keys, speaker_keys = _keys(fmap, "text", _TEXT_KEYS), _keys(fmap, "speaker", _SPEAKER_KEYS)
    start_keys, end_keys = _keys(fmap, "start", _START_KEYS), _keys(fmap, "end", _END_KEYS)
    role_keys = _keys(fmap, "role", _ROLE_KEYS)
    notes: list[str] = []
    roles = _RoleCounter()
    utts: list[Utterance] = []
    missing_speaker = odd_speaker = odd_text = 0
    for i, item in enumerate(items):
        at = f"{where} utterance {i + 1}"
        if isinstance(item, str):
            item = {text_keys[0]: item}
        if not isinstance(item, dict):
            raise IngestError(f"{at}: expected an object with 'speaker' and 'text'")
        raw_text = _first(item, text_keys)
        text = value_text(raw_text, " ") or ""
        odd_text += raw_text is not None and not text and isinstance(raw_text, (dict, list))
        if not text:
            continue
        raw_speaker = _first(item, speaker_keys)
        speaker = value_text(raw_speaker) or ""
        odd_speaker += raw_speaker is not None and not speaker and isinstance(raw_speaker, (dict, list))
        if not speaker:
            if unlabelled_speaker is None:
                missing_speaker += 1
                speaker = "Unknown"
            else:
                speaker = unlabelled_speaker
        start = _time(item, start_keys, at, notes)
        end = _time(item, end_keys, at, notes)
        utts.append(Utterance(speaker, text, start, end, roles(_first(item, role_keys))))
    if odd_text:
        notes.append(f"{odd_text} utterance(s) whose text is an object or nested list, not text: left out")
    if odd_speaker:
        notes.append(f"{odd_speaker} speaker value(s) that are objects or nested lists, not names: ignored")
    if missing_speaker == len(utts) and utts:
        found = ", ".join(sorted({str(k) for it in items[:50] if isinstance(it, dict) for k in it})[:12])
        raise IngestError(
            f"{where}: no utterance has a speaker (keys found: {found or 'none'}); map one with "
            "--fields speaker=KEY, or set unlabelled_speaker (CLI --unlabelled-speaker NAME) "
            "to read them as one speaker"
        )
    if missing_speaker:
        notes.append(f"{missing_speaker} utterance(s) without a speaker read as 'Unknown'")
    if roles.unknown:
        notes.append(f"unrecognised role value(s) left as unknown: {', '.join(sorted(roles.unknown))}")
    return ParsedDoc(
        utterances=utts,
        doc_id=_doc_id(doc, _keys(fmap, "doc_id", _DOC_ID_KEYS), notes),
        metadata=metadata_dict(doc.get("metadata")),
        notes=notes,
    )


def _doc_id(doc: dict[str, Any], keys: tuple[str, ...], notes: list[str]) -> str | None:
    raw = _first(doc, keys)
    doc_id = value_text(raw, "-")
    if raw is not None and doc_id is None and isinstance(raw, (dict, list)):
        notes.append("doc_id is an object or nested list, not text: the file name is used instead")
    return doc_id


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
                    utts.append(Utterance(value_text(who) or default, _join_words(run), s, e))
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
        utts.append(Utterance(value_text(speaker) or default, text, start, end))
    utts = [u for u in utts if u.text]
    if utts and not labelled:
        notes.append(f"ASR output has no speaker labels: every segment read as {default!r}")
    metadata = metadata_dict(doc.get("metadata"))
    if isinstance(doc.get("language"), str) and "language" not in metadata:
        metadata["language"] = doc["language"]
    doc_id = _doc_id(doc, _DOC_ID_KEYS[:-1], notes)  # Whisper's own "id" fields are not document ids
    return ParsedDoc(
        utterances=utts,
        doc_id=doc_id,
        metadata=metadata,
        notes=notes,
    )


def _looks_like_utterance(item: Any, text_keys: tuple[str, ...] = _TEXT_KEYS) -> bool:
    return isinstance(item, dict) and _first(item, text_keys) is not None and "utterances" not in item


def _record_list(value: Any, text_keys: tuple[str, ...]) -> bool:
    """A list whose items (the first 20 looked at) are mostly objects with a text field."""
    if not isinstance(value, list) or not value:
        return False
    head = value[:20]
    return sum(_looks_like_utterance(x, text_keys) for x in head) * 2 >= len(head)


def _find_records(
    data: dict[str, Any], text_keys: tuple[str, ...]
) -> tuple[dict[str, Any], str, list] | None:
    """The list of utterance records in an export of another shape (QMSum's meeting_transcripts,
    Deepgram's results.utterances, ...): breadth first, 3 levels deep, usual keys first."""
    level: list[tuple[dict[str, Any], str]] = [(data, "")]
    for _ in range(3):
        following: list[tuple[dict[str, Any], str]] = []
        for parent, prefix in level:
            keys = sorted(map(str, parent), key=lambda k: (k.lower() not in _RECORD_KEYS, _rank(k), k))
            for key in keys:
                value = parent[key]
                if _record_list(value, text_keys):
                    return parent, prefix + key, value
                if isinstance(value, dict):
                    following.append((value, f"{prefix}{key}."))
        level = following
    return None


def _rank(key: str) -> int:
    return _RECORD_KEYS.index(key.lower()) if key.lower() in _RECORD_KEYS else len(_RECORD_KEYS)


def _keys_found(data: Any) -> str:
    if isinstance(data, dict):
        return ", ".join(sorted(map(str, data))[:12]) or "none"
    if isinstance(data, list):
        return _keys_found(next((x for x in data if isinstance(x, dict)), {}))
    return "none"


_HINT = "map another layout with --records KEY (the list of utterances) and --fields text=KEY,speaker=KEY"


def _at_path(data: Any, dotted: str) -> tuple[dict[str, Any], list]:
    """The list at a dotted key (--records), with the object holding it."""
    parent: Any = None
    value = data
    for part in dotted.split("."):
        if not isinstance(value, dict):
            raise IngestError(f"--records {dotted!r}: {part!r} is not inside an object")
        match = next((k for k in value if str(k) == part), None)
        if match is None:
            match = next((k for k in value if str(k).lower() == part.lower()), None)
        if match is None:
            raise IngestError(f"--records {dotted!r}: no key {part!r} (keys found: {_keys_found(value)})")
        parent, value = value, value[match]
    if not isinstance(value, list):
        raise IngestError(f"--records {dotted!r} is a {type(value).__name__}, not a list of utterances")
    return parent, value


def _one_document(
    item: dict[str, Any], where: str, unlabelled_speaker: str | None, fmap: FieldMap | None
) -> ParsedDoc:
    text_keys = _keys(fmap, "text", _TEXT_KEYS)
    if fmap and fmap.records:
        parent, items = _at_path(item, fmap.records)
        return _generic(parent if parent is not None else item, where, unlabelled_speaker, fmap, items)
    if isinstance(item.get("segments"), list) and "utterances" not in item:
        if fmap and fmap.fields:  # the user's field names over the segments
            return _generic(item, where, unlabelled_speaker, fmap, item["segments"])
        return _whisper(item, unlabelled_speaker)
    if "utterances" in item or "turns" in item:
        return _generic(item, where, unlabelled_speaker, fmap)
    found = _find_records(item, text_keys)
    if found is None:
        raise IngestError(
            f"unrecognised JSON layout in {where}: expected {{'utterances': [...]}} (a transcript), "
            "{'segments': [...]} (Whisper output), a list of transcripts or a list of utterances with "
            f"a text field; keys found: {_keys_found(item)}; {_HINT}"
        )
    parent, path, items = found
    doc = _generic(item, where, unlabelled_speaker, fmap, items)
    if parent is not item:  # the doc id and metadata may sit beside the list
        doc.doc_id = doc.doc_id or _doc_id(parent, _keys(fmap, "doc_id", _DOC_ID_KEYS), doc.notes)
    doc.notes.append(f"utterances read from {path!r}")
    return doc


def parse_json_data(
    data: Any, *, unlabelled_speaker: str | None = None, fmap: FieldMap | None = None
) -> list[ParsedDoc]:
    """Documents from parsed JSON (a .json file, or the lines of a .jsonl file as a list)."""
    text_keys = _keys(fmap, "text", _TEXT_KEYS)
    if isinstance(data, dict):
        docs = [_one_document(data, "document", unlabelled_speaker, fmap)]
    elif isinstance(data, list) and data and all(_looks_like_utterance(x, text_keys) for x in data):
        docs = [_generic({"utterances": data}, "document", unlabelled_speaker, fmap)]
    elif isinstance(data, list) and data and all(isinstance(x, dict) for x in data):
        docs = []
        for i, item in enumerate(data):
            try:
                docs.append(_one_document(item, f"document {i + 1}", unlabelled_speaker, fmap))
            except IngestError as exc:
                if "unrecognised JSON layout" not in str(exc):
                    raise
                raise IngestError(
                    f"document {i + 1} has no 'utterances' list and no text field "
                    f"(keys found: {_keys_found(item)}); {_HINT}"
                ) from None
    else:
        found = f"a {type(data).__name__}" if data != [] else "an empty list"
        if isinstance(data, list) and data:
            found = "a list of " + ", ".join(sorted({type(x).__name__ for x in data}))
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


def parse_json(
    text: str, *, unlabelled_speaker: str | None = None, fmap: FieldMap | None = None
) -> list[ParsedDoc]:
    """Parse a JSON transcript file into one or more documents."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IngestError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise IngestError("invalid JSON: nested too deeply") from None
    return parse_json_data(data, unlabelled_speaker=unlabelled_speaker, fmap=fmap)


def parse_jsonl(
    text: str, *, unlabelled_speaker: str | None = None, fmap: FieldMap | None = None
) -> list[ParsedDoc]:
    """JSON Lines: one utterance (or one whole transcript) per line; broken lines are counted, not fatal."""
    items: list[Any] = []
    bad: list[int] = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except (json.JSONDecodeError, RecursionError):
            bad.append(number)
    if not items:
        raise IngestError(f"no valid JSON lines (first broken line: {bad[0]})" if bad else "no JSON lines")
    docs = parse_json_data(items, unlabelled_speaker=unlabelled_speaker, fmap=fmap)
    if bad:
        shown = ", ".join(map(str, bad[:5])) + (" ..." if len(bad) > 5 else "")
        docs[0].notes.append(f"{len(bad)} line(s) that are not JSON left out (lines {shown})")
    return docs
