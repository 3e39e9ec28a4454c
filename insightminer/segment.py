"""Split customer turns into sentence statements and drop backchannel and filler.

A statement is one sentence (insightminer.sentences: abbreviations, decimals, ellipses, long
unpunctuated speech-to-text runs cut on clause boundaries); a fragment joins its neighbour so a
quote keeps its point ("It's a nightmare." says little alone), and backchannel ("Right.") is dropped.
Each statement keeps its whole turn as ``context`` for the theme step. Timestamps come from word
times when the source has them, else by character offset inside the turn.
"""

from __future__ import annotations

import re

from insightminer.roles import Team, assign_roles, parse_team
from insightminer.schema import Statement, Transcript, Utterance
from insightminer.sentences import sentence_spans

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
    objects or dicts with ``start`` and ``end``, one per word of its text. Used only when the counts agree.
    """
    words = getattr(utt, "words", None)
    if not words:
        return None
    times = []
    for w in words:
        start = w.get("start") if isinstance(w, dict) else getattr(w, "start", None)
        end = w.get("end") if isinstance(w, dict) else getattr(w, "end", None)
        if start is None or end is None:
            return None
        times.append((float(start), float(end)))
    return times if len(times) == len(text.split()) else None


def _span_times(
    utt: Utterance, text: str, a: int, b: int, words: list[tuple[float, float]] | None
) -> tuple[float | None, float | None]:
    """Start and end of text[a:b]: from word times when known, else by character share of the turn."""
    if words is not None:
        first = len(text[:a].split())
        last = max(first, len(text[:b].split()) - 1)
        return round(words[first][0], 2), round(words[min(last, len(words) - 1)][1], 2)
    if utt.start is None or utt.end is None or utt.end <= utt.start or not text:
        return utt.start, utt.end
    span = utt.end - utt.start
    return round(utt.start + span * a / len(text), 2), round(
        min(utt.end, utt.start + span * b / len(text)), 2
    )


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
    customer_speakers: list[str] | None = None,
    interviewer_speakers: list[str] | None = None,
    roles: tuple[str, ...] = ("customer",),
    team: Team | list[str] | None = None,
) -> list[Statement]:
    """Assign roles, then cut the turns of the wanted roles into sentence statements.

    ``team`` is a Team or Config.team's entries (names / e-mails of the seller's or researcher's people).
    Each statement keeps its turn: ``turn_index`` and ``context`` (the whole turn's text).
    """
    if team is not None and not isinstance(team, Team):
        team = parse_team(team)
    assign_roles(transcript, customer_speakers, interviewer_speakers, team)
    statements: list[Statement] = []
    for turn_index, utt in enumerate(transcript.utterances):
        if utt.role not in roles or is_backchannel(utt.text):
            continue
        text = re.sub(r"\s+", " ", utt.text).strip()
        words = _word_times(utt, text)
        for k, spans in enumerate(statement_spans(text)):
            # leading filler goes only at the statement's start ("So that was the trigger." attached stays)
            clean = " ".join(
                [_LEADING_FILLER.sub("", text[slice(*spans[0])]).strip()] + [text[a:b] for a, b in spans[1:]]
            )
            start, end = _span_times(utt, text, spans[0][0], spans[-1][1], words)
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
                    context=text,
                )
            )
    return statements
