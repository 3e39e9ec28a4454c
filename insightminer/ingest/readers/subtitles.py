"""Subtitle transcripts: WebVTT (.vtt) and SubRip (.srt).

Speakers come from WebVTT voice tags (``<v Jane>text</v>``) or a ``Name: text`` label at the start of a
cue line; a cue without either continues the previous speaker (the usual subtitle convention).
Consecutive cues of one speaker merge into one turn (first start, last end).
A careful parser of our own rather than webvtt-py / srt: it must report line numbers for malformed
files and keep voice tags, which those packages drop or hide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from insightminer.ingest.readers.common import (
    IngestError,
    ParsedDoc,
    clean_text,
    merge_same_speaker,
    no_labels_error,
    parse_timestamp,
)
from insightminer.ingest.readers.text import parse_label
from insightminer.schema import Role, Utterance

_VTT_TS = r"(?:\d{1,3}:)?\d{1,2}:\d{2}[.,]\d{1,3}"
_VTT_TIMING = re.compile(rf"^\s*({_VTT_TS})\s*-->\s*({_VTT_TS})(?:\s+.*)?$")
_SRT_TS = r"\d{1,3}:\d{1,2}:\d{1,2}(?:[.,]\d{1,3})?"
_SRT_TIMING = re.compile(rf"^\s*({_SRT_TS})\s*-->\s*({_SRT_TS})(?:\s+.*)?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]*)>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<\d[^>]*>")  # markup and karaoke timestamps <00:00:01.000>
_ASS = re.compile(r"\{\\[^}]*\}")  # {\an8} positioning codes in SRT
_VTT_SKIP_BLOCK = re.compile(r"^(?:NOTE|STYLE|REGION)(?:\s|$)")


@dataclass
class _Cue:
    start: float
    end: float
    lines: list[str]
    line_no: int


@dataclass
class _Piece:
    start: float
    end: float
    voice: str | None
    label_speaker: str | None
    label_strong: bool
    label_role: Role
    label_text: str
    text: str


def _blocks(lines: list[str], first_line: int = 1) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks, each with the 1-based line number of its first line."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for i, line in enumerate(lines):
        if line.strip():
            if not current:
                start = i + first_line
            current.append(line.rstrip())
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def _timing(line: str, line_no: int, pattern: re.Pattern[str], example: str) -> tuple[float, float]:
    match = pattern.match(line)
    if not match:
        raise IngestError(
            f"malformed cue timing at line {line_no}: {line.strip()[:60]!r} (expected '{example}')"
        )
    try:
        start, end = parse_timestamp(match.group(1)), parse_timestamp(match.group(2))
    except ValueError as exc:
        raise IngestError(f"malformed cue timing at line {line_no}: {exc}") from None
    assert start is not None and end is not None
    if end < start:
        raise IngestError(f"malformed cue timing at line {line_no}: the cue ends before it starts")
    return start, end


def _strip_markup(text: str) -> str:
    return clean_text(_ASS.sub("", _TAG.sub("", text)), unescape=True)


def _pieces(cue: _Cue) -> list[_Piece]:
    """Split a cue into (voice / label speaker, text) pieces, line by line."""
    raw = "\n".join(cue.lines)
    starts = [m.start() for m in _VOICE.finditer(raw)]
    chunks = [raw[a:b] for a, b in zip([0] + starts, starts + [len(raw)], strict=False) if raw[a:b].strip()]
    pieces: list[_Piece] = []
    for chunk in chunks:
        voice = None
        match = _VOICE.match(chunk)
        if match:
            voice = clean_text(match.group(1), unescape=True) or None
            chunk = chunk[match.end() :]
        for line in chunk.split("\n"):
            text = _strip_markup(line)
            if not text:
                continue
            lab = None if voice else parse_label(text)
            pieces.append(
                _Piece(
                    cue.start,
                    cue.end,
                    voice,
                    lab.speaker if lab else None,
                    bool(lab and lab.strong),
                    lab.role if lab else "unknown",
                    clean_text(lab.text) if lab else "",
                    text,
                )
            )
    return pieces


def _to_utterances(cues: list[_Cue], unlabelled_speaker: str | None) -> ParsedDoc:
    pieces = [p for cue in cues for p in _pieces(cue)]
    if not pieces:
        raise IngestError("no cue text found")
    weak = {}
    for p in pieces:
        if p.label_speaker and not p.label_strong:
            weak[p.label_speaker] = weak.get(p.label_speaker, 0) + 1
    labels = {
        p.label_speaker for p in pieces if p.label_speaker and (p.label_strong or weak[p.label_speaker] >= 2)
    }
    voices = {p.voice for p in pieces if p.voice}
    # A lone "Word:" label in otherwise unlabelled captions is prose, as in plain text files.
    use_labels = len(labels | voices) >= 2
    if not voices and not use_labels:
        if unlabelled_speaker is None:
            raise no_labels_error("speaker labels (voice tags like <v Name> or 'Name: ' at a cue start)")
        utts = [Utterance(unlabelled_speaker, p.text, p.start, p.end) for p in pieces]
        doc = ParsedDoc(merge_same_speaker(utts))
        doc.notes.append(f"no speaker labels: read as one speaker ({unlabelled_speaker!r})")
        return doc

    notes: list[str] = []
    utts: list[Utterance] = []
    current: str | None = None
    current_role: Role = "unknown"
    leading = 0
    for p in pieces:
        text = p.text
        if p.voice:
            current, current_role = p.voice, "unknown"
        elif use_labels and p.label_speaker in labels:
            current, current_role, text = p.label_speaker, p.label_role, p.label_text
        if not text:
            continue
        if current is None:
            leading += 1
            speaker = unlabelled_speaker or "Unknown"
            utts.append(Utterance(speaker, text, p.start, p.end))
        else:
            utts.append(Utterance(current, text, p.start, p.end, current_role))
    if leading:
        notes.append(f"{leading} cue line(s) before the first speaker label assigned to {utts[0].speaker!r}")
    merged = merge_same_speaker(utts)
    if not merged:
        raise IngestError("no cue text found")
    return ParsedDoc(merged, notes=notes)


def parse_vtt(text: str, *, unlabelled_speaker: str | None = None) -> ParsedDoc:
    """Parse WebVTT; malformed files raise IngestError naming the line."""
    lines = text.split("\n")
    first = lines[0].lstrip("\ufeff")
    if not (first.startswith("WEBVTT") and (len(first) == 6 or first[6] in " \t")):
        raise IngestError(
            f"malformed WebVTT: line 1 should start with 'WEBVTT', found {first.strip()[:40]!r}"
        )
    blocks = _blocks(lines)
    head_no, head = blocks[0]
    rest = blocks[1:]
    # Some exporters put the first cue straight under the header without a blank line.
    for j, line in enumerate(head):
        if "-->" in line:
            k = j - 1 if j >= 2 else j
            rest.insert(0, (head_no + k, head[k:]))
            break
    cues: list[_Cue] = []
    example = "00:00:01.000 --> 00:00:04.000"
    for line_no, block in rest:
        if _VTT_SKIP_BLOCK.match(block[0]):
            continue
        if "-->" in block[0]:
            timing_at = 0
        elif len(block) > 1 and "-->" in block[1]:
            timing_at = 1
        else:
            raise IngestError(
                f"malformed WebVTT at line {line_no}: expected a cue timing line like '{example}', "
                f"found {block[0].strip()[:60]!r}"
            )
        start, end = _timing(block[timing_at], line_no + timing_at, _VTT_TIMING, example)
        cues.append(_Cue(start, end, block[timing_at + 1 :], line_no))
    if not cues:
        raise IngestError("malformed WebVTT: no cues found")
    return _to_utterances(cues, unlabelled_speaker)


def parse_srt(text: str, *, unlabelled_speaker: str | None = None) -> ParsedDoc:
    """Parse SubRip; malformed files raise IngestError naming the line."""
    if text.lstrip("\ufeff").startswith("WEBVTT"):
        doc = parse_vtt(text, unlabelled_speaker=unlabelled_speaker)
        doc.notes.append("file is WebVTT despite its .srt name: read as WebVTT")
        return doc
    cues: list[_Cue] = []
    notes: list[str] = []
    example = "00:00:01,000 --> 00:00:04,000"
    for line_no, block in _blocks(text.split("\n")):
        head = block[0].strip()
        if head.isdigit():
            if len(block) < 2:
                raise IngestError(f"malformed SRT at line {line_no}: cue number {head} has no timing line")
            timing_at = 1
        elif "-->" in head:
            timing_at = 0
        elif cues:
            # A blank line inside a cue's text (a common export glitch): the text belongs to that cue.
            cues[-1].lines.extend(block)
            notes.append(f"line {line_no}: text after a blank line joined to the previous cue")
            continue
        else:
            raise IngestError(
                f"malformed SRT at line {line_no}: expected a cue number or a timing line like '{example}', "
                f"found {head[:60]!r}"
            )
        start, end = _timing(block[timing_at], line_no + timing_at, _SRT_TIMING, example)
        cues.append(_Cue(start, end, block[timing_at + 1 :], line_no))
    if not cues:
        raise IngestError("malformed SRT: no cues found")
    doc = _to_utterances(cues, unlabelled_speaker)
    doc.notes = notes[:5] + ([f"... and {len(notes) - 5} more"] if len(notes) > 5 else []) + doc.notes
    return doc
