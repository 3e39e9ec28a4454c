"""Render development studies (interviews with planted truth) into the formats real tools export.

Shared by ``scripts/make_study.py`` (clinic-scheduling, development) and ``scripts/make_fleet_study.py``
(fleet-holdout, held out of all tuning). Content lives in those scripts; this module only knows formats:
Otter.ai text, Rev text, Zoom VTT, Teams VTT and a Gong-like CSV (one row per sentence).
Everything is deterministic: the same plan gives byte-identical files.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

# Sentences end at . ? ! followed by a space and an upper-case letter or a quote ("a.m. on" stays one).
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“‘'])")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT.split(text.strip()) if s.strip()]


@dataclass
class Sentence:
    text: str
    tag: str | None = None  # pain id, denial:<id>, rep_only, interviewer_mention:<id>, one_off, praise


@dataclass
class Turn:
    speaker: str
    parts: list[Sentence] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.parts)


@dataclass
class Doc:
    doc_id: str
    fmt: str  # otter | rev | zoom_vtt | teams_vtt | gong_csv
    team: list[str]
    customers: list[str]
    turns: list[Turn] = field(default_factory=list)
    emails: dict[str, str] = field(default_factory=dict)

    def say(self, speaker: str, text: str, tag: str | None = None) -> None:
        """Append sentences to the current turn of ``speaker`` (a new turn when the speaker changes)."""
        if not self.turns or self.turns[-1].speaker != speaker:
            self.turns.append(Turn(speaker))
        for s in sentences(text):
            self.turns[-1].parts.append(Sentence(s, tag))


def _timings(doc: Doc) -> list[tuple[float, float]]:
    """Start/end per turn from word counts (about 2.6 words a second, short pauses), deterministic."""
    seed = int(hashlib.sha256(doc.doc_id.encode()).hexdigest()[:8], 16)
    t = 2.0 + seed % 5
    out = []
    for i, turn in enumerate(doc.turns):
        words = len(turn.text.split())
        dur = max(1.0, round(words / 2.6, 2))
        out.append((round(t, 2), round(t + dur, 2)))
        t += dur + 0.4 + ((seed >> (i % 24)) % 7) / 10
    return out


def _sentence_timings(start: float, end: float, parts: list[Sentence]) -> list[tuple[float, float]]:
    total = sum(len(p.text.split()) for p in parts) or 1
    out, t = [], start
    for p in parts:
        d = (end - start) * len(p.text.split()) / total
        out.append((round(t, 2), round(t + d, 2)))
        t += d
    return out


def _hms(t: float, ms: bool = False, sep: str = ".") -> str:
    h, rem = divmod(t, 3600)
    m, s = divmod(rem, 60)
    if ms:
        return f"{int(h):02d}:{int(m):02d}:{int(s):02d}{sep}{int(round((s - int(s)) * 1000)) % 1000:03d}"
    return f"{int(h):02d}:{int(m):02d}:{int(s):02d}"


def _otter_ts(t: float) -> str:
    h, rem = divmod(int(t), 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def render(doc: Doc) -> tuple[str, str]:
    """(file name, file text) in the doc's export format."""
    times = _timings(doc)
    if doc.fmt == "otter":
        # Otter.ai "Export text": speaker and time on one line, the text below, a blank line between.
        blocks = [
            f"{t.speaker}  {_otter_ts(s)}\n{t.text}" for t, (s, _) in zip(doc.turns, times, strict=True)
        ]
        return f"{doc.doc_id}.txt", "\n\n".join(blocks) + "\n"
    if doc.fmt == "rev":
        blocks = [f"{t.speaker} ({_hms(s)}):\n{t.text}" for t, (s, _) in zip(doc.turns, times, strict=True)]
        return f"{doc.doc_id}.txt", "\n\n".join(blocks) + "\n"
    if doc.fmt in ("zoom_vtt", "teams_vtt"):
        lines = ["WEBVTT", ""]
        n = 0
        for ti, (turn, (s, e)) in enumerate(zip(doc.turns, times, strict=True)):
            # Long turns become several cues, split at sentence boundaries (at most ~3 sentences each).
            chunks = [turn.parts[i : i + 3] for i in range(0, len(turn.parts), 3)]
            spans = _sentence_timings(s, e, [Sentence(" ".join(p.text for p in c)) for c in chunks])
            for chunk, (cs, ce) in zip(chunks, spans, strict=True):
                n += 1
                text = " ".join(p.text for p in chunk)
                if doc.fmt == "zoom_vtt":
                    lines += [str(n), f"{_hms(cs, True)} --> {_hms(ce, True)}", f"{turn.speaker}: {text}", ""]
                else:
                    cue = hashlib.sha256(f"{doc.doc_id}/{ti}".encode()).hexdigest()
                    cue_id = f"{cue[:8]}-{cue[8:12]}-{cue[12:16]}-{cue[16:20]}-{cue[20:32]}/{n}-0"
                    lines += [
                        cue_id,
                        f"{_hms(cs, True)} --> {_hms(ce, True)}",
                        f"<v {turn.speaker}>{text}</v>",
                        "",
                    ]
        return f"{doc.doc_id}.vtt", "\n".join(lines)
    if doc.fmt == "gong_csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(
            ["call_id", "speaker_name", "speaker_email", "affiliation", "start_time", "end_time", "sentence"]
        )
        for turn, (s, e) in zip(doc.turns, times, strict=True):
            affiliation = "Internal" if turn.speaker in doc.team else "External"
            for part, (ps, pe) in zip(turn.parts, _sentence_timings(s, e, turn.parts), strict=True):
                w.writerow(
                    [
                        doc.doc_id,
                        turn.speaker,
                        doc.emails.get(turn.speaker, ""),
                        affiliation,
                        f"{ps:.2f}",
                        f"{pe:.2f}",
                        part.text,
                    ]
                )
        return f"{doc.doc_id}.csv", buf.getvalue()
    raise ValueError(f"unknown format {doc.fmt}")


def truth_sentences(doc: Doc) -> list[dict[str, str]]:
    return [
        {"doc_id": doc.doc_id, "speaker": t.speaker, "text": p.text, "tag": p.tag}
        for t in doc.turns
        for p in t.parts
        if p.tag
    ]


def write_study(
    out: Path,
    docs: list[Doc],
    pains: dict[str, dict[str, str]],
    metadata_rows: list[dict[str, str]],
    extra: dict[str, object],
) -> dict[str, object]:
    """Write interviews/ (transcripts + metadata.csv), team.txt and truth.json beside it; return the truth."""
    folder = out / "interviews"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for doc in docs:
        name, text = render(doc)
        (folder / name).write_text(text, encoding="utf-8")
    cols = list(metadata_rows[0])
    buf = io.StringIO()
    w = csv.DictWriter(buf, cols, lineterminator="\n")
    w.writeheader()
    w.writerows(metadata_rows)
    (folder / "metadata.csv").write_text(buf.getvalue(), encoding="utf-8")
    team = sorted({name for d in docs for name in d.team})
    (out / "team.txt").write_text("\n".join(team) + "\n", encoding="utf-8")
    sents = [s for d in docs for s in truth_sentences(d)]
    pain_list = []
    for pid, info in pains.items():
        ids = sorted({s["doc_id"] for s in sents if s["tag"] == pid})
        pain_list.append({"id": pid, **info, "n_docs": len(ids), "doc_ids": ids})
    truth = {
        "n_docs": len(docs),
        "pains": pain_list,
        "team": {d.doc_id: d.team for d in docs},
        "customers": {d.doc_id: d.customers for d in docs},
        **extra,
        "sentences": sents,
    }
    (out / "truth.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return truth


def check_variety(docs: list[Doc], allowed: set[str] = frozenset()) -> list[str]:
    """Customer sentences repeated verbatim across interviews (``allowed``: greeting/closing boilerplate)."""
    allowed = {a.lower() for text in allowed for a in sentences(text)}
    seen: dict[str, str] = {}
    problems = []
    for d in docs:
        for t in d.turns:
            if t.speaker in d.team:
                continue
            for p in t.parts:
                key = p.text.lower()
                if len(key) < 25 or key in allowed:
                    continue
                if key in seen and seen[key] != d.doc_id:
                    problems.append(f"{d.doc_id} repeats {seen[key]}: {p.text!r}")
                seen.setdefault(key, d.doc_id)
    return problems
