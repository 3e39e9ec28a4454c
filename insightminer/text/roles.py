"""Tell customer speech from interviewer / sales-team speech.

Order of evidence, strongest first:
1. an explicit role from the source; the user's --customer / --interviewer names;
2. the speaker label itself ("Interviewer", "Q", "Rep", "Customer", "A", "Dana (Customer)", ...);
3. the user's own team (``--team``): matched by full name, first name + last initial, e-mail, or a
   first name alone; a speaker who shares a label suffix ("Dana (Relay)", "Dana Wu - Relay") or an
   e-mail domain with the team is on the team too;
4. a heuristic over how each speaker talks. The seller's and researcher's side asks discovery
   questions ("walk me through", "how do you ... today"), pitches ("our platform", "we built",
   "let me show you", "I'll send over", discounts), introduces colleagues ("Dana from our engineering
   team"), and says "you/your" more than "we/our"; customers tell what happened to them ("I had to",
   "last month") and ask about the product ("does it work offline?"). Speakers with the same label
   suffix sit on the same side.

Several people per side are expected (an AE and a solutions engineer, an interviewer and a
note-taker, two people from the customer): every speaker gets a score, not only the top one.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from insightminer.schema import Transcript

INTERVIEWER_LABELS = re.compile(
    r"^(q|interviewer|moderator|host|researcher|facilitator|rep|sales ?rep|sales|seller|ae|sdr|bdr|"
    r"account executive|account manager|csm|solutions? engineer|se|agent|support agent|vendor|"
    r"note ?taker|observer)"
    r"(\s*\d+)?$",
    re.IGNORECASE,
)
CUSTOMER_LABELS = re.compile(
    r"^(a|customer|client|participant|respondent|interviewee|prospect|user|buyer|caller|guest)(\s*\d+)?$",
    re.IGNORECASE,
)
# "Maria (Customer)", "Tom - Interviewer": a role word inside brackets or after a dash.
ROLE_SUFFIX = re.compile(r"[(\[]\s*([^)\]]+?)\s*[)\]]\s*$|\s[-–—|]\s*(.+)$")
_EMAIL = re.compile(r"[\w.+'-]+@([\w-]+\.)+[a-z]{2,}", re.IGNORECASE)
# Mail providers say nothing about who someone works for.
_WEBMAIL = frozenset(
    "gmail googlemail outlook hotmail live yahoo icloud me aol proton protonmail gmx".split()
)
_TITLES = frozenset("dr mr mrs ms miss prof sir dame".split())
_GENERIC_LABEL = re.compile(r"^(speaker|spk|person|unknown|participant|voice)[\s_-]*\d+$", re.IGNORECASE)

_WORD = re.compile(r"[A-Za-z']+")
_SECOND_PERSON = {"you", "your", "you're", "yours", "you've", "you'll"}
_FIRST_PERSON = {"we", "our", "us", "i", "my", "we're", "i'm", "we've", "i've", "ours", "me"}


class TeamError(ValueError):
    """A team file that cannot be read."""


# ---------------------------------------------------------------------------------------------- team


def fold(text: str) -> str:
    """Lower case, accents off, punctuation to spaces (except inside e-mails), spaces collapsed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"\s+", " ", re.sub(r"[^\w@.+'-]+", " ", text)).strip(" .-'")


def _name_tokens(name: str) -> list[str]:
    tokens = [t.strip(".'-") for t in re.split(r"[\s.]+", fold(name))]
    tokens = [t for t in tokens if t]
    while tokens and tokens[0] in _TITLES:
        tokens = tokens[1:]
    return tokens


@dataclass(frozen=True)
class TeamMember:
    name: str = ""
    email: str = ""
    role: str = ""  # free text from the team file (AE, SE, note-taker, ...); kept for reports

    def tokens(self) -> list[str]:
        if self.name:
            return _name_tokens(self.name)
        local = self.email.split("@")[0] if self.email else ""
        return [t for t in re.split(r"[._+-]+", fold(local)) if t]

    @property
    def domain(self) -> str:
        return self.email.split("@")[1].lower() if "@" in self.email else ""


@dataclass
class Team:
    """The seller's or researcher's own people; every transcript is checked against them."""

    members: list[TeamMember] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.members)

    @property
    def domains(self) -> set[str]:
        return {m.domain for m in self.members if m.domain}

    @property
    def orgs(self) -> set[str]:
        """Organisation names the e-mail domains give ("relay" for dana@relay.io; not gmail.com)."""
        return {fold(d.split(".")[0]) for d in self.domains} - _WEBMAIL

    def to_entries(self) -> list[str]:
        """One string per member ("Name <email> | role"), the form Config.team keeps."""
        out = []
        for m in self.members:
            entry = m.name or m.email
            if m.name and m.email:
                entry = f"{m.name} <{m.email}>"
            out.append(f"{entry} | {m.role}" if m.role else entry)
        return out

    def match(self, speaker: str) -> TeamMember | None:
        """The member a speaker label names, if any ("Dana W.", "dana.wu@relay.io", "Dana (Relay)")."""
        label = split_label(speaker)
        if label.email:
            for m in self.members:
                if m.email and m.email.lower() == label.email:
                    return m
        tokens = label.tokens
        if not tokens:
            return None
        firsts = defaultdict(int)
        for m in self.members:
            if m.tokens():
                firsts[m.tokens()[0]] += 1
        for m in self.members:
            mt = m.tokens()
            if not mt:
                continue
            if mt == tokens:
                return m
            if len(mt) >= 2 and len(tokens) >= 2 and mt[0] == tokens[0] and mt[-1][0] == tokens[-1][0]:
                # first name + last initial on either side ("Ken I." / "Ken Ito")
                if len(mt[-1]) == 1 or len(tokens[-1]) == 1:
                    return m
            if mt[0] == tokens[0] and firsts[mt[0]] == 1 and (len(tokens) == 1 or len(mt) == 1):
                return m  # a first name alone ("Nina" for Nina Patel), unique within the team
        return None


def _member_from_entry(entry: str) -> TeamMember | None:
    entry = entry.strip()
    if not entry or entry.startswith("#"):
        return None
    role = ""
    if "|" in entry:
        entry, role = (p.strip() for p in entry.split("|", 1))
    found = _EMAIL.search(entry)
    email = found.group(0).lower() if found else ""
    name = _EMAIL.sub("", entry).strip(" <>()[],;") if found else entry
    return TeamMember(name=name, email=email, role=role) if name or email else None


def parse_team(entries: Iterable[str]) -> Team:
    """Team from strings: a name, an e-mail, or "Name <email>" (optionally "| role")."""
    members = [m for m in (_member_from_entry(e) for e in entries) if m]
    return Team(sorted(set(members), key=lambda m: (fold(m.name), m.email, m.role)))


def read_team_text(text: str) -> list[str]:
    """Team entries from a file's text: names one per line, or a CSV with name/email/role columns."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        return []
    header = [h.strip().lower() for h in next(csv.reader([lines[0]]))]
    if "name" in header or "email" in header or "e-mail" in header:
        rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
        entries = []
        for row in rows:
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            name, email = row.get("name", ""), row.get("email", row.get("e-mail", ""))
            if not name and not email:
                continue
            entry = f"{name} <{email}>" if name and email else name or email
            entries.append(f"{entry} | {row['role']}" if row.get("role") else entry)
        return entries
    return [line.strip() for line in lines]


def load_team(path: str | Path) -> Team:
    """Read a --team file (see read_team_text); a missing or empty file is a TeamError."""
    path = Path(path)
    if not path.is_file():
        raise TeamError(f"team file {path} not found")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise TeamError(f"cannot read team file {path}: {exc}") from exc
    team = parse_team(read_team_text(text))
    if not team:
        raise TeamError(f"team file {path} names nobody (one name per line, or a CSV with a name column)")
    return team


@dataclass(frozen=True)
class Label:
    """A speaker label taken apart: "Dana Wu (Relay) <dana@relay.io>" -> name tokens, org, e-mail."""

    tokens: list[str]
    org: str  # the bracket or dash suffix, folded ("relay"); "" if none
    email: str


def split_label(speaker: str) -> Label:
    text = speaker.strip()
    found = _EMAIL.search(text)
    email = found.group(0).lower() if found else ""
    if found:
        text = (text[: found.start()] + text[found.end() :]).strip(" <>()[],;")
    org = ""
    suffix = ROLE_SUFFIX.search(text)
    if suffix:
        org = fold(suffix.group(1) or suffix.group(2) or "")
        text = text[: suffix.start()].strip()
    tokens = _name_tokens(text)
    if not tokens and email:
        tokens = [t for t in re.split(r"[._+-]+", email.split("@")[0]) if t]
    if not org and email:
        org = fold(email.split("@")[1].split(".")[0])
    return Label(tokens=tokens, org=org, email=email)


# ------------------------------------------------------------------------------------- label roles


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


# ----------------------------------------------------------------------------------------- heuristic

# Each pattern marks a turn; a speaker's rate is the share of their substantive turns that match.
_DISCOVERY = re.compile(
    r"\b(tell me|walk me through|how do (you|they|people)|how does (your|the) team|what (does|did) .{1,40}"
    r"look like|what happens (when|if|to)|how (long|often|many|much time)|who (decides|maintains|else|does)|"
    r"what (made|prompted|is prompting|is driving|would)|what'?s (been|going on|happening|prompting|"
    r"driving)|can you (tell|walk|describe|say more)|could you (tell|walk|start)|how did that|"
    r"what do you|why do you|when did you|do you (use|have to|ever)|where would you)\b",
    re.IGNORECASE,
)
_PRODUCT_QUESTION = re.compile(
    r"\b(does (it|your|the (system|app|tool|platform|product))|do (they|you) (support|integrate|have|offer|"
    r"work)|can (it|your|we|i) |is (it|there) (a way|per|an? )|how does (it|your|that) |what does (it|the"
    r" \w+|pricing) cost|what about|does .{1,30} (integrate|work|handle|support)|how much (is|does) it|"
    r"what does pricing)\b",
    re.IGNORECASE,
)
_PITCH = re.compile(
    r"\b(our (product|platform|solution|software|roadmap|pricing|customers (tell|say|love|usually|"
    r"typically|stop|start|see|get)|\w+ (connector|integration|app) )|"
    r"(we|i) (built|offer|provide|integrate|support|include)|we (do|also) (support|have|offer)|"
    r"we can (do|offer|set|send|show|waive|trigger|give|help|usually|get|arrange|run)|we (typically|"
    r"usually) (see|say|get)|we (hear|see) (that|this|it) |we'?d give you|"
    r"(i|we)'?ll (send|get you|put|share the (proposal|quote|pricing))|i can (send|arrange|show|get you)|"
    r"let me show|show you (a|the|what|how|one|our)|in the demo|out of the box|free trial|pilot|"
    r"discount|waive|proposal|price sheet|quote|security (pack|sheet|documentation)|"
    r"(that'?s|it'?s) (a |the )?(really |very |super )?(common|typical|most common)|"
    r"a lot of (teams|companies|customers|fleets|practices|clients|people) (have|tell|are|ask)|"
    r"customers tell us|(great|good) question|happy to|(totally|completely) (understand|fair))\b",
    re.IGNORECASE,
)
# The vendor's name in the first person: "I'm with Paysmith", "With Ledgerly you get", "here at Relay".
_VENDOR = re.compile(r"\b([Ww]ith [A-Z]\w+,? (you|every|your)|[Ii]'?m (with|from) [A-Z]|[Hh]ere at [A-Z])")
_EXPERIENCE = re.compile(
    r"\b((i|we) (had to|have to|spend|spent|struggle|lost|lose|can'?t|couldn'?t|don'?t trust|hate|hated|"
    r"got burned|paid|were|was|ended up|never)|last (week|month|quarter|year|time)|honestly|nightmare|"
    r"frustrat\w*|exhausting|embarrassing|our (last|current|old|previous) (tool|vendor|system|app)|"
    r"right now|today (we|i|it)|every (week|day|month|morning|evening|friday|monday))\b",
    re.IGNORECASE,
)
_OWN_TROUBLE = re.compile(
    r"\b((i|we) (had to|spent|struggled?|lost|got burned|ended up)|our own)\b", re.IGNORECASE
)
# "Dana from our engineering team", "I've got Dana with me", "Ken is on the call taking notes".
_COLLEAGUE = re.compile(
    r"\b(with me|joining me|from our|one of our|on our side|my colleague|here with me|i'?ve (brought|got)|"
    r"taking notes|as an observer|from (the|my) team|who (runs|leads)|he leads|she leads|they lead|"
    r"our (\w+ )?(team|engineer|specialist|lead|manager|consultant|colleague))\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")


@dataclass
class SpeakerProfile:
    speaker: str
    turns: int
    words: int
    question_ratio: float  # share of turns that ask something
    you_minus_we: float  # second-person minus first-person pronoun rate
    talk_share: float = 0.0
    discovery: float = 0.0  # share of turns with a discovery question about the other side
    product_questions: float = 0.0  # share of turns asking about a product
    pitch: float = 0.0  # share of turns with pitch / offer language
    experience: float = 0.0  # share of turns telling what happened to the speaker
    answers_product: float = 0.0  # share of turns answering someone's question about a product
    answers_questions: float = 0.0  # share of turns answering someone's discovery question
    introduced_by: str | None = None  # the speaker who introduced this one as a colleague

    @property
    def introduced(self) -> bool:
        return self.introduced_by is not None

    def interviewer_score(self) -> float:
        """Higher: more like the seller's / researcher's side. Around 0 is undecided.

        Weights were set on the dev part of data/fixtures/roles (held-out part untouched) and the
        bundled interviews and sales calls: each rate is a share of turns, so they are comparable.
        Being introduced as a colleague is not scored: it counts only when the introducer is known
        to be on the seller's side (see score_roles), as customers bring colleagues too.
        """
        return (
            1.5 * self.discovery
            + 0.5 * self.question_ratio
            + 2.0 * self.pitch
            - 1.0 * self.product_questions
            - 1.2 * self.experience
            + 1.0 * self.answers_product
            - 1.0 * self.answers_questions
            + 3.0 * self.you_minus_we
            - 0.3 * self.talk_share
        )


def _is_question(text: str) -> bool:
    return "?" in text or bool(_DISCOVERY.match(text.strip()))


def _speaker_runs(transcript: Transcript) -> list[tuple[str, str]]:
    """(speaker, text) per turn: consecutive utterances of one speaker joined (subtitle cues,
    one-row-per-sentence exports), so rates are per turn whatever the source's granularity."""
    runs: list[tuple[str, str]] = []
    for utt in transcript.utterances:
        text = utt.text.strip()
        if runs and runs[-1][0] == utt.speaker:
            runs[-1] = (utt.speaker, f"{runs[-1][1]} {text}")
        elif text:
            runs.append((utt.speaker, text))
    return runs


def speaker_profiles(transcript: Transcript) -> dict[str, SpeakerProfile]:
    """Per-speaker rates of the cues above, over turns of at least three words."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    speakers = sorted({u.speaker for u in transcript.utterances})
    first_names = {}
    for s in speakers:
        tokens = split_label(s).tokens
        if tokens and not _GENERIC_LABEL.match(s.strip()) and len(tokens[0]) > 1:
            first_names[s] = tokens[0]
    introduced: dict[str, str] = {}  # speaker -> who introduced them as a colleague
    previous: tuple[str, str | None] | None = None  # the last substantive turn: speaker, what it asked
    for speaker, text in _speaker_runs(transcript):
        tokens = [t.lower() for t in _WORD.findall(text)]
        if len(tokens) < 3:  # backchannel says nothing about the role
            continue
        c = counts[speaker]
        c["turns"] += 1
        c["words"] += len(tokens)
        questions = [q for q in _SENTENCE.findall(text) if q.strip().endswith("?")]
        asked_kind = None
        if questions or _DISCOVERY.match(text):
            c["questions"] += 1
        asked = " ".join(questions) or text
        if _DISCOVERY.search(asked) and (questions or _DISCOVERY.match(text)):
            c["discovery"] += 1
            asked_kind = "discovery"
        if questions and _PRODUCT_QUESTION.search(" ".join(questions)):
            c["product"] += 1
            asked_kind = "product"
        # Whoever answers a question about the product is selling it; whoever answers a discovery
        # question (about their work, their team) is the customer. Other questions ("Luca, do you
        # want to cover the technical side?") say nothing.
        second = sum(t in _SECOND_PERSON for t in tokens)
        first = sum(t in _FIRST_PERSON for t in tokens)
        if previous is not None and previous[0] != speaker and previous[1] == "discovery":
            c["answers_question"] += 1
        elif previous is not None and previous[0] != speaker and previous[1] == "product" and second >= first:
            # "No, we've never had a double booking" answers about the product too, as its user
            c["answers_product"] += 1
        previous = (speaker, asked_kind)
        # "We built our own dashboard but it only counts tickets": a customer whose company has its own
        # platform and customers. Sellers don't tell their own troubles while pitching.
        if (_PITCH.search(text) or _VENDOR.search(text)) and not _OWN_TROUBLE.search(text):
            c["pitch"] += 1
        if _EXPERIENCE.search(text):
            c["experience"] += 1
        c["second"] += second
        c["first"] += first
        folded = text.lower() if text.isascii() else fold(text)  # fold is slow; ascii needs only lower()
        for other, first in first_names.items():
            if other == speaker or not re.search(rf"\b{re.escape(first)}\b", folded):
                continue
            for sentence in _SENTENCE.findall(folded):
                if re.search(rf"\b{re.escape(first)}\b", sentence) and _COLLEAGUE.search(sentence):
                    introduced.setdefault(other, speaker)
    total_words = sum(c["words"] for c in counts.values()) or 1
    out = {}
    for s in speakers:
        c = counts.get(s)
        if not c:
            continue
        turns = max(c["turns"], 1)
        out[s] = SpeakerProfile(
            speaker=s,
            turns=c["turns"],
            words=c["words"],
            question_ratio=c["questions"] / turns,
            you_minus_we=(c["second"] - c["first"]) / max(c["words"], 1),
            talk_share=c["words"] / total_words,
            discovery=c["discovery"] / turns,
            product_questions=c["product"] / turns,
            pitch=c["pitch"] / turns,
            experience=c["experience"] / turns,
            answers_product=c["answers_product"] / turns,
            answers_questions=c["answers_question"] / turns,
            introduced_by=introduced.get(s),
        )
    return out


# --------------------------------------------------------------------------------------- assignment


@dataclass
class SpeakerRole:
    """One speaker's role, how it was decided, and the heuristic score (None when not needed)."""

    speaker: str
    role: str
    source: str  # source | override | label | team | team-org | heuristic | monologue
    score: float | None = None


#: A speaker scoring above this is on the seller's / researcher's side even when someone else
#: already is (a second rep, a note-taker).
SECOND_INTERVIEWER_SCORE = 0.45


def score_roles(
    transcript: Transcript,
    customer_speakers: list[str] | None = None,
    interviewer_speakers: list[str] | None = None,
    team: Team | None = None,
) -> dict[str, SpeakerRole]:
    """Decide every speaker's role; see the module docstring for the order of evidence."""
    customers = {_normalise(s) for s in customer_speakers or []}
    interviewers = {_normalise(s) for s in interviewer_speakers or []}
    speakers = sorted({u.speaker for u in transcript.utterances})
    explicit: dict[str, set[str]] = defaultdict(set)
    for utt in transcript.utterances:
        if utt.role != "unknown":
            explicit[utt.speaker].add(utt.role)
    out: dict[str, SpeakerRole] = {}
    for speaker in speakers:
        name = _normalise(speaker)
        if name in customers:
            out[speaker] = SpeakerRole(speaker, "customer", "override")
        elif name in interviewers:
            out[speaker] = SpeakerRole(speaker, "interviewer", "override")
        elif len(explicit.get(speaker, ())) == 1:
            out[speaker] = SpeakerRole(speaker, next(iter(explicit[speaker])), "source")
        elif (role := role_from_label(speaker)) != "unknown":
            out[speaker] = SpeakerRole(speaker, role, "label")
        elif team and team.match(speaker):
            out[speaker] = SpeakerRole(speaker, "interviewer", "team")

    # Same organisation as a team member (label suffix or e-mail domain): on the team too.
    labels = {s: split_label(s) for s in speakers}
    orgs_seen = [labels[s].org for s in speakers]
    for s in speakers:
        org = labels[s].org
        # A suffix every speaker has ("(Zoom)", "- External") or a webmail domain tells no sides apart.
        if org and (org in _WEBMAIL or (len(speakers) > 1 and orgs_seen.count(org) == len(speakers))):
            labels[s] = Label(labels[s].tokens, "", labels[s].email)
    team_orgs = set(team.orgs) if team else set()
    team_orgs |= {labels[s].org for s, r in out.items() if r.source == "team" and labels[s].org}
    for s in speakers:
        if s not in out and labels[s].org and labels[s].org in team_orgs:
            out[s] = SpeakerRole(s, "interviewer", "team-org")

    unknown = [s for s in speakers if s not in out]
    if not unknown:
        return {s: out[s] for s in speakers}
    if len(speakers) == 1:
        # A monologue (voice memo, single-speaker recording) is the customer talking.
        return {speakers[0]: SpeakerRole(speakers[0], "customer", "monologue")}

    profiles = speaker_profiles(transcript)
    scores = {s: round(profiles[s].interviewer_score(), 4) if s in profiles else -1.0 for s in unknown}
    # Speakers with the same label suffix ("(Acme Freight)") sit on one side: score them as a group,
    # and a group with a decided member takes that member's side.
    groups: dict[str, list[str]] = defaultdict(list)
    for s in speakers:
        if labels[s].org:
            groups[labels[s].org].append(s)
    side_of_group: dict[str, str] = {}
    for org, members in groups.items():
        decided = {out[m].role for m in members if m in out}
        if len(decided) == 1:
            side_of_group[org] = next(iter(decided))
    group_score: dict[str, float] = {}
    for org, members in groups.items():
        open_members = [m for m in members if m in scores]
        if open_members and len(members) > 1:
            weights = [max(profiles[m].words, 1) if m in profiles else 1 for m in open_members]
            group_score[org] = sum(scores[m] * w for m, w in zip(open_members, weights)) / sum(weights)

    def decide(s: str, role: str) -> None:
        out[s] = SpeakerRole(s, role, "heuristic", scores[s])

    for s in unknown:
        org = labels[s].org
        if org in side_of_group:
            decide(s, side_of_group[org])
    pending = [s for s in unknown if s not in out]
    if pending:
        effective = {
            s: group_score.get(labels[s].org, scores[s]) if labels[s].org else scores[s] for s in pending
        }
        ranked = sorted(pending, key=lambda s: (-effective[s], s))
        have_interviewer = any(r.role == "interviewer" for r in out.values())
        have_customer = any(r.role == "customer" for r in out.values())
        for s in ranked:
            if effective[s] >= SECOND_INTERVIEWER_SCORE:
                decide(s, "interviewer")
        if not have_interviewer and not any(out.get(s) and out[s].role == "interviewer" for s in pending):
            top = ranked[0]
            for s in pending:  # the top speaker, and its label group
                if s == top or (labels[s].org and labels[s].org == labels[top].org):
                    decide(s, "interviewer")
        # "I've also brought Luca, one of our solutions engineers": a colleague of the seller's side.
        changed = True
        while changed:
            changed = False
            for s in pending:
                by = profiles[s].introduced_by if s in profiles else None
                if s not in out and by in out and out[by].role == "interviewer":
                    decide(s, "interviewer")
                    changed = True
        for s in pending:
            if s not in out:
                decide(s, "customer")
        if not have_customer and all(out[s].role == "interviewer" for s in speakers):
            # Someone must be the customer: the least interviewer-like open speaker (and its group).
            bottom = ranked[-1]
            for s in pending:
                if s == bottom or (labels[s].org and labels[s].org == labels[bottom].org):
                    decide(s, "customer")
    return {s: out[s] for s in speakers}


def assign_roles(
    transcript: Transcript,
    customer_speakers: list[str] | None = None,
    interviewer_speakers: list[str] | None = None,
    team: Team | None = None,
) -> dict[str, str]:
    """Set Utterance.role in place for every utterance whose role is unknown; return speaker -> role."""
    decided = score_roles(transcript, customer_speakers, interviewer_speakers, team)
    roles = {s: r.role for s, r in decided.items()}
    for utt in transcript.utterances:
        if utt.role == "unknown":
            utt.role = roles.get(utt.speaker, "unknown")  # type: ignore[assignment]
    return roles
