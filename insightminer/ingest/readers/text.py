"""Plain-text transcripts (.txt, .md, and the paragraphs of .docx): speaker labels -> turns.

A label starts a line and is short (<= 4 words, <= 40 characters). Accepted shapes:
``Name: text``, ``Q: text``, ``Name (00:01:23): text``, ``Name [01:23]: text``, ``[00:01:23] Name: text``,
``00:01:23 Name: text``, ``**Name:** text``, ``Name (Customer): text`` (explicit role), and a label alone
on its line (``Name:`` or Otter-style ``Name  0:03``) with the turn's text on the following lines.
Lines without a label continue the previous turn.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import yaml

from insightminer.ingest.readers.common import (
    IngestError,
    ParsedDoc,
    clean_text,
    map_role,
    metadata_dict,
    no_labels_error,
    normalize_key,
    parse_timestamp,
)
from insightminer.schema import Role, Utterance

_TS = r"(?:\d{1,3}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_BOLD = re.compile(r"^(?:\*\*(?P<a>[^*]{1,80}?)\*\*|__(?P<b>[^_]{1,80}?)__)\s*(?P<colon>:)?\s*(?P<text>.*)$")
_LEAD_TS = re.compile(rf"^[\[(]?(?P<ts>{_TS})[\])]?\s*(?:[-–—|]\s*)?(?P<rest>\S.*)$")
_NAME_TS = re.compile(
    rf"^(?P<name>[^:\[\]()]{{1,60}}?)\s*[\[(](?P<ts>{_TS})[\])]\s*(?::(?:\s+(?P<text>.*))?)?$"
)
_NAME_TS_BARE = re.compile(rf"^(?P<name>[^:\[\]()\d][^:\[\]()]{{0,59}}?)\s+(?P<ts>{_TS})$")
_NAME_PAREN = re.compile(
    r"^(?P<name>[^:\[\]()]{1,40}?)\s*\((?P<paren>[^()\d][^()]{0,29})\)\s*:(?:\s+(?P<text>.*))?$"
)
# "Name:text" without a space is accepted too (some exports); "http://" is excluded in _label.
_PLAIN = re.compile(r"^(?P<name>[^:]{1,60}?)\s*:\s*(?P<text>.*)$")
_TEXT_TS = re.compile(rf"^[\[(](?P<ts>{_TS})[\])]\s*(?P<text>.*)$")
_BULLET = re.compile(r"^(?:>>+|[-•]\s+|\*\s+)")
_ONLY_TS = re.compile(rf"^[\[(]?{_TS}[\])]?$")
_MD_SKIP = re.compile(r"^(?:#{1,6}\s.*|[-*_]{3,})$")
_NAME_CHARS = re.compile(r"[^\W\d_][\w .'’&\-]*")
_ORG_SUFFIX = re.compile(r"(?:\s*\((?P<p>[^()]{1,30})\)|\s+[-–—|]\s+(?P<d>[^-–—|]{1,30}))$")
_QA = re.compile(r"^([QA])\d{1,3}$")

#: Words that end in a colon in ordinary prose or document headers but are never speakers.
_STOP = frozenset(
    """note notes nb example e.g eg i.e ie update problem problems summary result results tip tips warning
    reason goal goals issue issues context background conclusion edit ps p.s source date time subject re fw
    fwd topic location attendees agenda action actions takeaway takeaways follow-up duration title recorded
    recording transcript interview call meeting company segment participants file url link http https www
    definition quote important caution todo fyi overview objective objectives outcome status priority owner
    deadline cost price total disclaimer hint idea observation insight insights verbatim theme themes need
    needs bug industry region role persona stage plan product version language name email phone website
    address country city team department job position level seniority tags keywords description notes
    comments comment minutes next steps action items key takeaways bottom line pros cons pro con
    company size deal stage job title created updated modified author
    well so also yes no okay ok actually anyway first second third finally then now plus seriously really
    frankly again like basically honestly overall personally ideally sometimes usually typically otherwise
    instead meanwhile however therefore hence thus still yeah yep nope sure right true false wait listen
    look see remember because but and or if when why how what who where which""".split()
) | {"next steps", "action items", "key takeaways", "bottom line", "company size", "deal stage", "job title",
     "pain point", "pain points", "feature request", "use case", "key takeaway", "to do"}  # fmt: skip
#: Words that, followed by a number ("Step 2:"), number a list rather than name a speaker.
_NUMBERED_STOP = frozenset(
    """step part section chapter option point item phase question day week month slide page figure fig table
    rule tip note example lesson level stage round version task scenario exercise topic theme insight finding
    goal issue problem idea test case story quote reason session module unit""".split()
)
#: Lowercase particles allowed inside a capitalised name ("Ludwig van Beethoven", "Head of Sales").
_PARTICLES = frozenset("de da di du la le van von der den del bin al of and y".split())
#: Header keys whose ``Key: value`` lines before the first speaker label become metadata.
_META_KEYS = frozenset(
    """date company segment industry region country persona role title job_title deal_stage stage
    company_size plan product interviewee location duration language account customer_type city team
    department seniority market tier""".split()
)


@dataclass
class _Label:
    speaker: str
    strong: bool  # capitalised / timestamped / bold; weak (lowercase) labels must recur to count
    text: str
    start: float | None
    style: str  # "ts", "bold" or "plain"
    role: Role = "unknown"


@functools.lru_cache(maxsize=4096)  # the same few speaker names repeat on every line
def _name_kind(name: str) -> str | None:
    """'strong' for a capitalised name, 'weak' for an all-lowercase one, None when it is not a name."""
    org = _ORG_SUFFIX.search(name)
    if org and _name_kind((org["p"] or org["d"]).strip()) == "strong":
        # "Dana Wu (Relay)", "Dana Wu - Relay": a name with the speaker's organisation
        name = name[: org.start()]
    if not name or len(name) > 40 or len(name.split()) > 4 or not _NAME_CHARS.fullmatch(name):
        return None
    lower = name.lower().rstrip(".")
    base = re.sub(r"[\s_\-]*\d+$", "", lower)
    if lower in _STOP or (base != lower and base in _NUMBERED_STOP):
        return None
    capitalised = [w[0].isupper() or w[0].isdigit() or w.lower() in _PARTICLES for w in name.split()]
    if all(capitalised):
        return "strong"
    if name == name.lower():
        return "weak"
    return None  # "The problem is", "My answer": a sentence, not a name


def _clean_name(name: str) -> str:
    name = clean_text(name).strip(" -–—|")
    qa = _QA.match(name)
    return qa.group(1) if qa else name


def _label(
    speaker: str, text: str | None, ts: str | None, style: str, role: Role = "unknown"
) -> _Label | None:
    speaker = _clean_name(speaker)
    kind = _name_kind(speaker)
    text = text or ""
    if kind is None or text.startswith("//"):  # "https://..." is not a label
        return None
    try:
        start = parse_timestamp(ts) if ts else None
    except ValueError:  # "Jane (00:75)": a label, but not a time
        start = None
    strong = kind == "strong" or style != "plain"
    return _Label(speaker, strong, text, start, style, role)


def _name_with_ts(inner: str) -> tuple[str, str | None]:
    """Split an optional timestamp off a name: 'Jane (00:01)', '[00:01] Jane', 'Jane 00:01'."""
    inner = inner.strip()
    match = _NAME_TS.match(inner)
    if match:
        return match["name"], match["ts"]
    match = _LEAD_TS.match(inner)
    if match:
        return match["rest"], match["ts"]
    match = _NAME_TS_BARE.match(inner)
    if match:
        return match["name"], match["ts"]
    return inner, None


def parse_label(line: str) -> _Label | None:
    """The speaker label that starts ``line``, if any."""
    s = _BULLET.sub("", line.strip()).strip()
    if not s:
        return None
    match = _BOLD.match(s)
    if match:
        inner = (match["a"] or match["b"] or "").strip()
        if inner.endswith(":"):
            inner = inner[:-1]
        elif not match["colon"]:
            # "**Jane: hello**" (a whole bold line) or "**Important** stuff" (no label at all)
            return parse_label(f"{inner} {match['text']}") if ":" in inner else None
        name, ts = _name_with_ts(inner)
        return _label(name, match["text"], ts, "bold")
    match = _LEAD_TS.match(s)
    if match:
        rest = _PLAIN.match(match["rest"])
        if rest:
            return _label(rest["name"], rest["text"], match["ts"], "ts")
        return None
    match = _NAME_TS.match(s)
    if match:
        return _label(match["name"], match["text"], match["ts"], "ts")
    match = _NAME_TS_BARE.match(s)
    if match:
        return _label(match["name"], "", match["ts"], "ts")
    match = _NAME_PAREN.match(s)
    if match:
        role = map_role(match["paren"])
        if role in ("customer", "interviewer"):
            return _label(match["name"], match["text"], None, "plain", role)
        return _label(f"{match['name'].strip()} ({match['paren'].strip()})", match["text"], None, "plain")
    match = _PLAIN.match(s)
    if match:
        stamped = _TEXT_TS.match(match["text"])
        if stamped:  # Rev-style "Name: (00:05) text"
            return _label(match["name"], stamped["text"], stamped["ts"], "ts")
        return _label(match["name"], match["text"], None, "plain")
    return None


def _front_matter(lines: list[str]) -> tuple[dict[str, str], int]:
    """YAML front matter (``---`` ... ``---``) at the top of a file -> (metadata, lines to skip)."""
    if not lines or lines[0].strip() != "---":
        return {}, 0
    for i in range(1, min(len(lines), 80)):
        if lines[i].strip() in ("---", "..."):
            try:
                data = yaml.safe_load("\n".join(lines[1:i]))
            except yaml.YAMLError:
                return {}, 0
            if isinstance(data, dict):
                return metadata_dict(data), i + 1
            return {}, 0
    return {}, 0


def _select_labels(labels: list[_Label | None]) -> list[_Label | None]:
    """Keep the candidates that behave like speaker labels across the whole file."""
    weak_counts: dict[str, int] = {}
    for lab in labels:
        if lab is not None and not lab.strong:
            weak_counts[lab.speaker] = weak_counts.get(lab.speaker, 0) + 1
    kept = [
        lab if lab is not None and (lab.strong or weak_counts[lab.speaker] >= 2) else None for lab in labels
    ]
    found = [lab for lab in kept if lab is not None]
    # When nearly every label carries a timestamp (or is bold), a bare "Word:" line is prose, not a label.
    for style in ("ts", "bold"):
        n_style = sum(1 for lab in found if lab.style == style)
        if n_style >= 3 and n_style >= 0.6 * len(found):
            kept = [lab if lab is not None and lab.style == style else None for lab in kept]
            break
    return kept


def parse_text_lines(
    lines: list[str], *, unlabelled_speaker: str | None = None, markdown: bool = False
) -> ParsedDoc:
    """Parse transcript lines into speaker turns (see module docstring for the label rules)."""
    metadata, skip = _front_matter(lines)
    body = lines[skip:]
    notes: list[str] = []
    if markdown:
        body = ["" if _MD_SKIP.match(line.strip()) else line for line in body]
    body = ["" if _ONLY_TS.match(line.strip()) else line for line in body]
    labels = _select_labels([parse_label(line) if line.strip() else None for line in body])
    found = [lab for lab in labels if lab is not None]
    speakers = {lab.speaker for lab in found}

    if len(found) < 2 or len(speakers) < 2:
        if unlabelled_speaker is None:
            if len(speakers) == 1:
                only = next(iter(speakers))
                raise IngestError(
                    f"speaker labels found for only one speaker ({only!r}): expected lines like "
                    "'Customer: ...' and 'Interviewer: ...'; set unlabelled_speaker (CLI "
                    "--unlabelled-speaker NAME) to read the whole file as one speaker"
                )
            raise no_labels_error()
        paragraphs: list[str] = []
        current: list[str] = []
        for line in body + [""]:
            if line.strip():
                current.append(line)
            elif current:
                paragraphs.append(clean_text(" ".join(current)))
                current = []
        utts = [Utterance(unlabelled_speaker, p) for p in paragraphs if p]
        if not utts:
            raise IngestError("no text found")
        notes.append(f"no speaker labels: read as one speaker ({unlabelled_speaker!r})")
        return ParsedDoc(utterances=utts, metadata=metadata, notes=notes)

    turns: list[tuple[_Label, list[str]]] = []
    ignored = 0
    for line, lab in zip(body, labels, strict=False):
        if lab is not None:
            turns.append((lab, [lab.text]))
        elif not line.strip():
            continue
        elif turns:
            turns[-1][1].append(line)
        else:
            header = _PLAIN.match(line.strip())
            key = normalize_key(header["name"]) if header else ""
            if header and key in _META_KEYS and clean_text(header["text"] or ""):
                metadata.setdefault(key, clean_text(header["text"] or ""))
            else:
                ignored += 1
    if ignored:
        notes.append(f"ignored {ignored} line(s) before the first speaker label")

    # end = the start of the next turn that has one (one backward pass, not a scan per turn).
    ends: list[float | None] = [None] * len(turns)
    following: float | None = None
    for i in range(len(turns) - 1, -1, -1):
        start = turns[i][0].start
        if start is not None:
            ends[i] = following if following is not None and following >= start else None
            following = start
    utterances: list[Utterance] = []
    for (lab, parts), end in zip(turns, ends, strict=True):
        text = clean_text(" ".join(parts))
        if text:
            utterances.append(Utterance(lab.speaker, text, lab.start, end, lab.role))
    if not utterances:
        raise IngestError("no text found after the speaker labels")
    return ParsedDoc(utterances=utterances, metadata=metadata, notes=notes)


def parse_text(text: str, *, unlabelled_speaker: str | None = None, markdown: bool = False) -> ParsedDoc:
    return parse_text_lines(text.split("\n"), unlabelled_speaker=unlabelled_speaker, markdown=markdown)
