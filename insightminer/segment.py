"""Split customer turns into statements and drop backchannel and filler.

A statement is one sentence, with very short sentences joined to their neighbour so a quote
keeps its point ("It's a nightmare." says little alone). A statement's times are its words' times
when the turn has word timestamps (ASR); otherwise they are interpolated inside the turn by character
offset.
"""

from __future__ import annotations

import re

from insightminer.roles import assign_roles
from insightminer.schema import Statement, Transcript

# Sentence ends: . ! ? (or …) followed by space and an opening quote/capital/digit.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_FILLER_WORDS = {
    "yeah",
    "yes",
    "yep",
    "yup",
    "no",
    "nope",
    "mm",
    "mmm",
    "mm-hmm",
    "mhm",
    "uh-huh",
    "uh",
    "um",
    "umm",
    "hmm",
    "hm",
    "ah",
    "oh",
    "okay",
    "ok",
    "right",
    "sure",
    "exactly",
    "totally",
    "absolutely",
    "true",
    "cool",
    "great",
    "nice",
    "wow",
    "got",
    "it",
    "i",
    "see",
    "gotcha",
    "thanks",
    "thank",
    "you",
    "so",
    "well",
    "like",
    "and",
    "but",
    "yeah,",
    "alright",
    "all",
    "definitely",
    "correct",
    "indeed",
    "fair",
    "enough",
    "makes",
    "sense",
    "interesting",
    "good",
    "perfect",
    "sounds",
}
_LEADING_FILLER = re.compile(
    r"^((um+|uh+|er+|ah+|so|well|yeah|okay|ok|oh|like|you know|i mean)[,.]?\s+)+", re.IGNORECASE
)
_TOKEN = re.compile(r"[A-Za-z0-9'-]+")

MIN_STATEMENT_WORDS = 4
SHORT_SENTENCE_WORDS = 6
MAX_STATEMENT_WORDS = 60


def is_backchannel(text: str) -> bool:
    """True for turns like "Yeah.", "Mm-hmm, right, right.", "Okay, got it, thanks."."""
    tokens = [t.lower() for t in _TOKEN.findall(text)]
    return not tokens or all(t in _FILLER_WORDS for t in tokens)


def split_sentences(text: str) -> list[str]:
    parts = [p.strip() for p in _SENTENCE_END.split(text.strip())]
    return [p for p in parts if p]


def _chunks(sentences: list[str]) -> list[str]:
    """Join very short sentences to a neighbour; cut very long ones at commas."""
    out: list[str] = []
    for sentence in sentences:
        if is_backchannel(sentence):
            continue
        words = sentence.split()
        if len(words) > MAX_STATEMENT_WORDS:
            pieces, current = [], []
            for word in words:
                current.append(word)
                if len(current) >= MAX_STATEMENT_WORDS // 2 and word.endswith((",", ";", ":")):
                    pieces.append(" ".join(current))
                    current = []
            if current:
                pieces.append(" ".join(current))
            out.extend(pieces)
        elif out and len(words) < SHORT_SENTENCE_WORDS and len(out[-1].split()) < MAX_STATEMENT_WORDS:
            out[-1] = f"{out[-1]} {sentence}"
        else:
            out.append(sentence)
    # A short first sentence joins the one after it.
    if len(out) > 1 and len(out[0].split()) < SHORT_SENTENCE_WORDS:
        out[1] = f"{out[0]} {out[1]}"
        out.pop(0)
    return out


def _word_offsets(text: str, words: list | None) -> list[tuple[int, float, float]]:
    """(character offset in text, start, end) per timed word, found left to right; [] if they do not fit."""
    if not words:
        return []
    out, pos = [], 0
    for start, end, word in words:
        at = text.find(str(word).strip(), pos)
        if at < 0:
            return []
        out.append((at, float(start), float(end)))
        pos = at + len(str(word).strip())
    return out


def _word_span(offsets: list[tuple[int, float, float]], a: int, b: int) -> tuple[float, float] | None:
    inside = [(s, e) for at, s, e in offsets if a <= at < b]
    return (round(inside[0][0], 2), round(inside[-1][1], 2)) if inside else None


def segment_transcript(
    transcript: Transcript,
    customer_speakers: list[str] | None = None,
    interviewer_speakers: list[str] | None = None,
    roles: tuple[str, ...] = ("customer",),
) -> list[Statement]:
    """Assign roles, then cut the turns of the wanted roles into statements."""
    assign_roles(transcript, customer_speakers, interviewer_speakers)
    statements: list[Statement] = []
    for turn_index, utt in enumerate(transcript.utterances):
        if utt.role not in roles or is_backchannel(utt.text):
            continue
        text = re.sub(r"\s+", " ", utt.text).strip()
        pieces = _chunks(split_sentences(text))
        word_offsets = _word_offsets(text, utt.words)
        cursor = 0
        for k, piece in enumerate(pieces):
            clean = _LEADING_FILLER.sub("", piece).strip()
            if len(_TOKEN.findall(clean)) < MIN_STATEMENT_WORDS:
                continue
            start, end = utt.start, utt.end
            offset = text.find(piece.split()[0], cursor)
            if offset >= 0:
                cursor = offset
            timed = _word_span(word_offsets, cursor, cursor + len(piece)) if word_offsets else None
            if timed is not None:  # ASR word times: the statement spans exactly its words
                start, end = timed
            elif utt.start is not None and utt.end is not None and utt.end > utt.start and text:
                span = utt.end - utt.start
                start = round(utt.start + span * cursor / len(text), 2)
                end = round(min(utt.end, utt.start + span * (cursor + len(piece)) / len(text)), 2)
            statements.append(
                Statement(
                    statement_id=f"{transcript.doc_id}:{turn_index}:{k}",
                    doc_id=transcript.doc_id,
                    speaker=utt.speaker,
                    role=utt.role,
                    text=clean[0].upper() + clean[1:] if clean[0].islower() else clean,
                    start=start,
                    end=end,
                    turn_index=turn_index,
                    metadata=dict(transcript.metadata),
                )
            )
    return statements
