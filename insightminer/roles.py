"""Tell customer speech from interviewer / sales-rep speech.

Order of evidence: an explicit role from the source; the user's --customer / --interviewer names;
the speaker label itself ("Interviewer", "Q", "Rep", "Customer", "A", ...); and, when labels are
generic (SPEAKER_00, people's names), a heuristic over how each speaker talks: interviewers and reps
ask more questions, say "you/your" more than "we/our", and (in research interviews) talk less.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from insightminer.schema import Transcript

INTERVIEWER_LABELS = re.compile(
    r"^(q|interviewer|moderator|host|researcher|facilitator|rep|sales ?rep|sales|seller|ae|sdr|bdr|"
    r"account executive|account manager|csm|solutions? engineer|se|agent|support agent|vendor)"
    r"(\s*\d+)?$",
    re.IGNORECASE,
)
CUSTOMER_LABELS = re.compile(
    r"^(a|customer|client|participant|respondent|interviewee|prospect|user|buyer|caller|guest)(\s*\d+)?$",
    re.IGNORECASE,
)
# "Maria (Customer)", "Tom - Interviewer": a role word inside brackets or after a dash.
ROLE_SUFFIX = re.compile(r"[(\[]\s*([^)\]]+?)\s*[)\]]\s*$|\s[-–—]\s*(.+)$")

_QUESTION_START = re.compile(
    r"^(what|why|how|when|where|who|which|can you|could you|would you|do you|did you|does|is there|"
    r"are you|have you|tell me|walk me through)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z']+")
_SECOND_PERSON = {"you", "your", "you're", "yours", "you've", "you'll"}
_FIRST_PERSON = {"we", "our", "us", "i", "my", "we're", "i'm", "we've", "i've", "ours", "me"}


def _normalise(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().lower()


def role_from_label(speaker: str) -> str:
    """Role implied by the speaker label alone, or "unknown"."""
    name = _normalise(speaker)
    if INTERVIEWER_LABELS.match(name):
        return "interviewer"
    if CUSTOMER_LABELS.match(name):
        return "customer"
    suffix = ROLE_SUFFIX.search(name)
    if suffix:
        tag = (suffix.group(1) or suffix.group(2) or "").strip()
        if INTERVIEWER_LABELS.match(tag):
            return "interviewer"
        if CUSTOMER_LABELS.match(tag):
            return "customer"
    return "unknown"


@dataclass
class SpeakerProfile:
    speaker: str
    turns: int
    words: int
    question_ratio: float  # share of turns that ask something
    you_minus_we: float  # second-person minus first-person pronoun rate
    talk_share: float = 0.0

    def interviewer_score(self) -> float:
        # Weights are deliberately simple and were checked on the bundled interviews and sales calls.
        return 1.0 * self.question_ratio + 4.0 * self.you_minus_we - 0.3 * self.talk_share


def speaker_profiles(transcript: Transcript) -> dict[str, SpeakerProfile]:
    turns: dict[str, int] = defaultdict(int)
    questions: dict[str, int] = defaultdict(int)
    words: dict[str, int] = defaultdict(int)
    second: dict[str, int] = defaultdict(int)
    first: dict[str, int] = defaultdict(int)
    for utt in transcript.utterances:
        tokens = [t.lower() for t in _WORD.findall(utt.text)]
        if len(tokens) < 3:  # backchannel says nothing about the role
            continue
        turns[utt.speaker] += 1
        words[utt.speaker] += len(tokens)
        text = utt.text.strip()
        if text.endswith("?") or "?" in text[-60:] or _QUESTION_START.match(text):
            questions[utt.speaker] += 1
        second[utt.speaker] += sum(t in _SECOND_PERSON for t in tokens)
        first[utt.speaker] += sum(t in _FIRST_PERSON for t in tokens)
    total_words = sum(words.values()) or 1
    return {
        s: SpeakerProfile(
            speaker=s,
            turns=turns[s],
            words=words[s],
            question_ratio=questions[s] / max(turns[s], 1),
            you_minus_we=(second[s] - first[s]) / max(words[s], 1),
            talk_share=words[s] / total_words,
        )
        for s in sorted(turns)
    }


def assign_roles(
    transcript: Transcript,
    customer_speakers: list[str] | None = None,
    interviewer_speakers: list[str] | None = None,
) -> dict[str, str]:
    """Set Utterance.role in place for every utterance whose role is unknown; return speaker -> role."""
    customers = {_normalise(s) for s in customer_speakers or []}
    interviewers = {_normalise(s) for s in interviewer_speakers or []}
    speakers = sorted({u.speaker for u in transcript.utterances})
    roles: dict[str, str] = {}
    explicit: dict[str, set[str]] = defaultdict(set)
    for utt in transcript.utterances:
        if utt.role != "unknown":
            explicit[utt.speaker].add(utt.role)
    for speaker in speakers:
        name = _normalise(speaker)
        if name in customers:
            roles[speaker] = "customer"
        elif name in interviewers:
            roles[speaker] = "interviewer"
        elif len(explicit.get(speaker, ())) == 1:
            roles[speaker] = next(iter(explicit[speaker]))
        else:
            roles[speaker] = role_from_label(speaker)

    unknown = [s for s in speakers if roles[s] == "unknown"]
    if unknown:
        profiles = speaker_profiles(transcript)
        known_interviewer = any(r == "interviewer" for r in roles.values())
        scored = sorted((profiles[s].interviewer_score() if s in profiles else -1.0, s) for s in unknown)
        if len(speakers) == 1:
            # A monologue (voice memo, single-speaker recording) is the customer talking.
            roles[speakers[0]] = "customer"
        elif known_interviewer:
            for _, s in scored:
                roles[s] = "customer"
        else:
            # The most interviewer-like speaker asks the questions; anyone close to it does too
            # (a second rep or a note-taker), as long as at least one customer remains.
            top_score, top = scored[-1]
            roles[top] = "interviewer"
            for score, s in scored[:-1]:
                close = s in profiles and top_score - score < 0.1 and profiles[s].question_ratio > 0.4
                roles[s] = "interviewer" if close and len(scored) > 2 else "customer"
    for utt in transcript.utterances:
        if utt.role == "unknown":
            utt.role = roles.get(utt.speaker, "unknown")  # type: ignore[assignment]
    return roles
