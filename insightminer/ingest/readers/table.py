"""CSV transcripts: one row per utterance, columns found case-insensitively by alias.

A CSV may hold several interviews (a doc id column); rows keep their file order within each doc.
"""

from __future__ import annotations

import csv
import io
import sys

from insightminer.ingest.readers.common import (
    FieldMap,
    IngestError,
    ParsedDoc,
    clean_text,
    map_role,
    metadata_value,
    normalize_key,
    parse_timestamp,
)
from insightminer.schema import Role, Utterance

DOC_ID_ALIASES = ("doc_id", "document", "document_id", "interview_id", "call_id", "transcript_id",
                  "conversation_id", "doc", "file", "filename", "file_name")  # fmt: skip
SPEAKER_ALIASES = ("speaker", "speaker_name", "name", "participant", "speaker_label", "who")
TEXT_ALIASES = ("text", "utterance", "content", "transcript", "message", "body", "sentence")
START_ALIASES = ("start", "start_time", "start_s", "start_sec", "begin", "timestamp", "time")
END_ALIASES = ("end", "end_time", "end_s", "end_sec", "stop")
# "affiliation" (Internal / External) is how Gong-style call exports mark the seller's own people.
ROLE_ALIASES = ("role", "speaker_role", "speaker_type", "participant_role", "affiliation")
#: Columns that describe the interview rather than the row; constant per doc -> Transcript.metadata.
METADATA_COLUMNS = frozenset(
    """segment company company_size industry region country date deal_stage stage persona title job_title
    plan account product outcome language market tier customer_type""".split()
)

# Transcript cells can be long; the csv default limit (128 KiB) would reject a whole-interview cell.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def _find(columns: dict[str, str], aliases: tuple[str, ...]) -> str | None:
    for alias in aliases:
        if alias in columns:
            return columns[alias]
    return None


def _column(
    columns: dict[str, str], fmap: FieldMap | None, name: str, aliases: tuple[str, ...], found: str
) -> str | None:
    """The column for one field: the user's (--fields NAME=COLUMN) when given, else the first alias."""
    mapped = fmap.get(name) if fmap else None
    if mapped is None:
        return _find(columns, aliases)
    if mapped in columns.values():
        return mapped
    if normalize_key(mapped) in columns:
        return columns[normalize_key(mapped)]
    raise IngestError(f"column {mapped!r} (--fields {name}={mapped}) not found; columns: {found}")


def sniff_delimiter(text: str) -> str:
    """Whichever of , ; tab | the header line uses most (ties: comma).

    Sniffing whole rows is fooled by punctuation inside the utterance text; the header is not.
    """
    first_line = text.lstrip("\n").split("\n", 1)[0]
    return max(",;\t|", key=lambda d: (first_line.count(d), d == ","))


def parse_csv(
    text: str, *, unlabelled_speaker: str | None = None, fmap: FieldMap | None = None
) -> list[ParsedDoc]:
    """Parse a CSV transcript; doc_id is None for files without a doc id column (ingest uses the stem)."""
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise IngestError("empty CSV file") from None
    except csv.Error as exc:
        raise IngestError(f"malformed CSV at line 1: {exc}") from None
    names = [clean_text(h) for h in header]
    columns: dict[str, str] = {}
    for name in names:
        columns.setdefault(normalize_key(name), name)
    found = ", ".join(repr(n) for n in names if n) or "none"
    text_col = _column(columns, fmap, "text", TEXT_ALIASES, found)
    if text_col is None:
        raise IngestError(
            f"no text column in CSV (expected one of: {', '.join(TEXT_ALIASES)}); columns: {found}; "
            "name it with --fields text=COLUMN"
        )
    speaker_col = _column(columns, fmap, "speaker", SPEAKER_ALIASES, found)
    if speaker_col is None and unlabelled_speaker is None:
        raise IngestError(
            f"no speaker column in CSV (expected one of: {', '.join(SPEAKER_ALIASES)}); columns: {found}; "
            "name it with --fields speaker=COLUMN, or set unlabelled_speaker (CLI --unlabelled-speaker "
            "NAME) to read every row as one speaker"
        )
    doc_col = _column(columns, fmap, "doc_id", DOC_ID_ALIASES, found)
    start_col = _column(columns, fmap, "start", START_ALIASES, found)
    end_col = _column(columns, fmap, "end", END_ALIASES, found)
    role_col = _column(columns, fmap, "role", ROLE_ALIASES, found)
    used = {c for c in (text_col, speaker_col, doc_col, start_col, end_col, role_col) if c}
    meta_cols = [name for key, name in columns.items() if name not in used and key in METADATA_COLUMNS]
    index = {name: i for i, name in reversed(list(enumerate(names)))}

    docs: dict[str, ParsedDoc] = {}
    meta_seen: dict[str, dict[str, set[str]]] = {}
    bad_times = 0
    rejoined = 0
    no_speaker = 0
    unknown_roles: set[str] = set()
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue

            def cell(col: str | None, row: list[str] = row) -> str:
                i = index[col] if col is not None else -1
                return row[i] if 0 <= i < len(row) else ""

            doc_key = clean_text(cell(doc_col)) if doc_col else ""
            doc = docs.setdefault(doc_key, ParsedDoc(utterances=[], doc_id=doc_key or None))
            for col in meta_cols:
                value = metadata_value(cell(col))
                if value is not None:
                    meta_seen.setdefault(doc_key, {}).setdefault(normalize_key(col), set()).add(value)
            raw_text = cell(text_col)
            if len(row) > len(names) and index[text_col] == len(names) - 1:
                # An unquoted delimiter inside the last (text) column splits it: join it back.
                raw_text = delimiter.join(row[index[text_col] :])
                rejoined += 1
            utt_text = clean_text(raw_text)
            if not utt_text:
                continue
            speaker = clean_text(cell(speaker_col)) if speaker_col else ""
            if not speaker:
                speaker = unlabelled_speaker or "Unknown"
                no_speaker += speaker_col is not None
            times: list[float | None] = []
            for col in (start_col, end_col):
                try:
                    times.append(parse_timestamp(cell(col)) if col else None)
                except ValueError:
                    bad_times += 1
                    times.append(None)
            role: Role = "unknown"
            raw_role = cell(role_col).strip() if role_col else ""
            if raw_role:
                mapped = map_role(raw_role)
                if mapped is None:
                    unknown_roles.add(raw_role)
                else:
                    role = mapped
            doc.utterances.append(Utterance(speaker, utt_text, times[0], times[1], role))
    except csv.Error as exc:
        raise IngestError(f"malformed CSV at line {reader.line_num}: {exc}") from None

    shared: list[str] = []
    if rejoined:
        shared.append(
            f"{rejoined} row(s) had more fields than the header; the extra fields were joined to the text"
        )
    if bad_times:
        shared.append(f"{bad_times} start/end value(s) were not times (seconds or HH:MM:SS); left empty")
    if no_speaker:
        shared.append(f"{no_speaker} row(s) without a speaker read as {unlabelled_speaker or 'Unknown'!r}")
    if unknown_roles:
        shared.append(f"unrecognised role value(s) left as unknown: {', '.join(sorted(unknown_roles))}")
    out: list[ParsedDoc] = []
    for key, doc in docs.items():
        for field, values in sorted(meta_seen.get(key, {}).items()):
            if len(values) == 1:
                doc.metadata[field] = next(iter(values))
            else:
                doc.notes.append(f"column {field!r} varies within the document; not used as metadata")
        doc.notes.extend(shared)
        if not doc.utterances:
            doc.notes.append("no rows with text")
        out.append(doc)
    if not any(doc.utterances for doc in out):
        raise IngestError("no rows with text in CSV")
    return out
