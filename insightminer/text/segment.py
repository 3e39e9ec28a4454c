"""Split customer turns into sentence statements and drop backchannel and filler.

A statement is one sentence (insightminer.text.sentences: abbreviations, decimals, ellipses, long
unpunctuated speech-to-text runs cut on clause boundaries); a fragment joins its neighbour so a
quote keeps its point ("It's a nightmare." says little alone), and backchannel ("Right.") is dropped.
Each statement keeps its whole turn as ``context`` for the theme step. Timestamps come from word
times when the source has them, else by character offset inside the turn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from insightminer.config import SegmentOptions
from insightminer.schema import InputRecord, Statement, Transcript, Utterance
from insightminer.text.roles import Team, assign_roles, parse_team
from insightminer.text.sentences import sentence_spans

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

#: A sentence with fewer words (after leading filler) is a fragment: it joins a neighbour.
FRAGMENT_WORDS = 5
#: A statement has at least this many words.
MIN_STATEMENT_WORDS = 4
#: Words that open a sentence leaning on the one before it.
_LEANING_WORDS = frozenset(
    "and or but so that this these those it it's its which even also plus then like because especially "
    "not just same".split()
)


def is_backchannel(text: str) -> bool:
    """True for turns like "Yeah.", "Mm-hmm, right, right.", "Okay, got it, thanks."."""
    tokens = [t.lower() for t in _TOKEN.findall(text)]
    return not tokens or all(t in _FILLER_WORDS for t in tokens)


def _word_times(utt: Utterance, text: str) -> list[tuple[float, float]] | None:
    """(start, end) per whitespace word of ``text`` when the source has word timestamps.

    The hook for speech-to-text with word times: an utterance may carry ``words``, a list of
    objects or dicts with ``start`` and ``end``, or ``[start, end, word]`` lists (what transcribe writes
    into ``Utterance.words``), one per word of its text. Used only when the counts agree.
    """
    words = getattr(utt, "words", None)
    if not words:
        return None
    times = []
    for w in words:
        if isinstance(w, (list, tuple)):
            start, end = (w[0], w[1]) if len(w) >= 2 else (None, None)
        else:
            start = w.get("start") if isinstance(w, dict) else getattr(w, "start", None)
            end = w.get("end") if isinstance(w, dict) else getattr(w, "end", None)
        if start is None or end is None:
            return None
        times.append((float(start), float(end)))
    return times if len(times) == len(text.split()) else None


@dataclass
class _Turn:
    """Consecutive utterances of one speaker (subtitle cues, one-row-per-sentence CSV exports) as one
    text, with each utterance's character offset so statement times map back to the right one."""

    index: int  # the index of the turn's first utterance
    indices: list[int]  # each utterance's index in the transcript
    utterances: list[Utterance]
    texts: list[str]
    offsets: list[int]
    text: str

    def utterance_at(self, pos: int, end: bool = False) -> int:
        """Position in ``utterances`` of the utterance holding character ``pos`` of the turn's text."""
        i = max(k for k, o in enumerate(self.offsets) if o <= pos or k == 0)
        if end and i > 0 and pos <= self.offsets[i]:
            i -= 1  # the end of a span that stops exactly where the next utterance starts
        return i

    def time_at(self, pos: int, end: bool) -> float | None:
        i = self.utterance_at(pos, end)
        utt, text = self.utterances[i], self.texts[i]
        local = min(max(pos - self.offsets[i], 0), len(text))
        words = _word_times(utt, text)
        if words is not None:
            if end:
                return round(words[max(len(text[:local].split()) - 1, 0)][1], 2)
            return round(words[min(len(text[:local].split()), len(words) - 1)][0], 2)
        if utt.start is None or utt.end is None or utt.end <= utt.start or not text:
            return utt.end if end else utt.start
        return round(utt.start + (utt.end - utt.start) * local / len(text), 2)


def turns(transcript: Transcript) -> list[_Turn]:
    """The transcript's turns: runs of consecutive utterances with the same speaker and role."""
    out: list[_Turn] = []
    for i, utt in enumerate(transcript.utterances):
        text = re.sub(r"\s+", " ", utt.text).strip()
        if not text:
            continue
        last = out[-1] if out else None
        if last and last.utterances[-1].speaker == utt.speaker and last.utterances[-1].role == utt.role:
            last.offsets.append(len(last.text) + 1)
            last.text = f"{last.text} {text}"
            last.utterances.append(utt)
            last.indices.append(i)
            last.texts.append(text)
        else:
            out.append(_Turn(i, [i], [utt], [text], [0], text))
    return out


def _content_words(sentence: str) -> int:
    return len(_TOKEN.findall(_LEADING_FILLER.sub("", sentence)))


def _is_fragment(sentence: str) -> bool:
    """Too short to stand alone: under MIN_STATEMENT_WORDS words, or under FRAGMENT_WORDS and
    leaning on the sentence before ("And every week.", "That was the trigger.", "Even a simple list.")."""
    tokens = _TOKEN.findall(_LEADING_FILLER.sub("", sentence))
    if len(tokens) < MIN_STATEMENT_WORDS:
        return True
    return len(tokens) < FRAGMENT_WORDS and tokens[0].lower() in _LEANING_WORDS


def statement_spans(text: str) -> list[list[tuple[int, int]]]:
    """The sentence spans of each statement of a turn, backchannel dropped.

    A fragment (see _is_fragment: "and every week.", "It's a nightmare.") joins the
    sentence before it in the turn, or the one after it when it opens the turn; a lone "Right." or
    "Yeah, exactly." is backchannel and is dropped. A turn that is one short sentence stays a
    statement when it has MIN_STATEMENT_WORDS words ("Pricing is too high.").
    """
    groups: list[list[tuple[int, int]]] = []
    pending: list[tuple[int, int]] = []  # fragments that open the turn
    for a, b in sentence_spans(text):
        sentence = text[a:b]
        if is_backchannel(sentence):
            continue
        if _is_fragment(sentence):
            if groups:
                groups[-1].append((a, b))
            else:
                pending.append((a, b))
            continue
        groups.append([*pending, (a, b)])
        pending = []
    if pending and not groups and sum(_content_words(text[a:b]) for a, b in pending) >= MIN_STATEMENT_WORDS:
        groups.append(pending)
    return groups


def segment_transcript(
    transcript: Transcript,
    options: SegmentOptions | None = None,
    *,
    roles: tuple[str, ...] = ("customer",),
    team: Team | None = None,
) -> list[Statement]:
    """Assign roles, then cut the turns of the wanted roles into sentence statements.

    ``options`` say who is a customer (SegmentOptions: --customer / --interviewer names, and the
    team's entries: names / e-mails of the seller's or researcher's people); ``team``, an already
    parsed Team, takes the place of ``options.team`` (parsed once for a whole batch).
    A turn is a run of consecutive utterances of one speaker (subtitle cues of one long answer, a
    one-row-per-sentence export), so a sentence cut across two cues is one sentence again. Each
    statement keeps its turn: ``turn_index`` (the turn's first utterance) and ``context`` (its text).
    """
    options = options or SegmentOptions()
    if team is None and options.team:
        team = parse_team(options.team)
    assign_roles(transcript, options.customer_speakers, options.interviewer_speakers, team)
    statements: list[Statement] = []
    for turn in turns(transcript):
        speaker, role = turn.utterances[0].speaker, turn.utterances[0].role
        if role not in roles:
            continue
        text = turn.text
        per_utterance: dict[int, int] = {}
        for spans in statement_spans(text):
            # ids name the utterance a statement starts in, as they did before turns were joined
            at = turn.indices[turn.utterance_at(spans[0][0])]
            k = per_utterance.get(at, 0)
            per_utterance[at] = k + 1
            # leading filler goes only at the statement's start ("So that was the trigger." attached stays)
            first = _LEADING_FILLER.sub("", text[slice(*spans[0])]).strip()
            clean = " ".join([first] + [text[a:b] for a, b in spans[1:]])
            statements.append(
                Statement(
                    statement_id=f"{transcript.doc_id}:{at}:{k}",
                    doc_id=transcript.doc_id,
                    speaker=speaker,
                    role=role,
                    text=clean[0].upper() + clean[1:] if clean[0].islower() else clean,
                    start=turn.time_at(spans[0][0], end=False),
                    end=turn.time_at(spans[-1][1], end=True),
                    turn_index=turn.index,
                    metadata=dict(transcript.metadata),
                    context=text,
                )
            )
    return statements


#: A statement is a sentence or two; anything longer is text without sentence punctuation (a raw ASR
#: dump, a pasted log) and would be quoted whole in every output, so it is cut here and the cut reported.
MAX_STATEMENT_CHARS = 1500


def cap_statements(statements: list[Statement], limit: int = MAX_STATEMENT_CHARS) -> dict[str, int]:
    """Cut statements over ``limit`` characters at a word boundary (with '…'); cuts per doc_id."""
    cut: dict[str, int] = {}
    for statement in statements:
        if len(statement.text) > limit:
            head = statement.text[:limit]
            space = head.rfind(" ")
            statement.text = (head[:space] if space > limit // 2 else head).rstrip() + "\u2026"
            cut[statement.doc_id] = cut.get(statement.doc_id, 0) + 1
    return cut


def note_statement_problems(
    transcripts: list[Transcript],
    records: list[InputRecord],
    statements: list[Statement],
    cut: dict[str, int],
) -> None:
    """Say in each input's record what segmentation could not use: statements cut to length, and
    transcripts with no customer statement at all."""
    record_by_doc = {doc: r for r in records for doc in r.doc_ids}
    for doc_id, count in sorted(cut.items()):
        if doc_id in record_by_doc:
            record_by_doc[doc_id].notes.append(
                f"{doc_id}: {count} statement(s) longer than {MAX_STATEMENT_CHARS} characters cut to "
                f"that length (text without sentence punctuation?)"
            )
    docs_with_statements = {s.doc_id for s in statements}
    for transcript in transcripts:
        if transcript.doc_id not in docs_with_statements:
            record = record_by_doc.get(transcript.doc_id)
            if record is not None:
                record.notes.append(f"{transcript.doc_id}: no customer statements found")
