"""Statements against sentence-level truth: rep speech kept out, customer sentences found, topics unmixed.

For a study folder laid out as data/fixtures/studies/NAME (``interviews/``, ``team.txt``, and
``truth.json`` with ``sentences`` [{doc_id, speaker, text, tag}] and ``team`` speakers per doc), prints
per segmentation (this checkout's, with and without ``--team``; and an earlier commit's, read from git):

- rep sentences in customer statements: truth sentences said by the team (tags rep_only and
  interviewer_mention:*) found inside a customer statement (want 0);
- customer sentences found: customer truth sentences found inside some customer statement;
- mixed statements: customer statements holding truth sentences of two different tags (two topics);
- statements and mean words per statement.

    PYTHONPATH=$PWD python scripts/bench_segment.py --study data/fixtures/studies/clinic-scheduling
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE_REV = "26d36be"

# Old module names on purpose: this runs on the baseline revision too (insightminer/__init__ aliases them).
_DUMP = """
import json, sys
from pathlib import Path
from insightminer.ingest import ingest_paths
from insightminer.segment import segment_transcript
kwargs = {}
if sys.argv[2]:
    from insightminer.roles import load_team
    kwargs["team"] = load_team(sys.argv[2])
transcripts, _ = ingest_paths([Path(sys.argv[1])])
rows = [[s.doc_id, s.speaker, s.text] for t in transcripts for s in segment_transcript(t, **kwargs)]
print(json.dumps(rows))
"""


def _statements(pythonpath: Path, interviews: Path, team: Path | None) -> list[list[str]]:
    """Run the segmentation of the package under ``pythonpath`` in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", _DUMP, str(interviews), str(team or "")],
        capture_output=True,
        check=True,
        text=True,
        cwd=tempfile.gettempdir(),  # so the current folder's package is not imported instead
        env={"PYTHONPATH": str(pythonpath), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"},
    ).stdout
    return json.loads(out)


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


_FILLER = {"so", "um", "uh", "like", "well", "yeah", "okay", "ok", "oh", "and", "but"}


def _core(text: str) -> str:
    """The sentence without leading filler (segmentation drops a leading "So, um,")."""
    words = _norm(text).split()
    while len(words) > 3 and (words[0] in _FILLER or words[:2] in (["i", "mean"], ["you", "know"])):
        words = words[2:] if words[0] in ("i", "you") else words[1:]
    return " ".join(words)


def score(statements: list[list[str]], truth: dict) -> dict[str, float]:
    team = {(doc, name) for doc, names in truth["team"].items() for name in names}
    by_doc: dict[str, list[str]] = {}
    for doc, _speaker, text in statements:
        by_doc.setdefault(doc, []).append(_norm(text))
    rep_leaks = found = customer_n = 0
    tags_in: dict[tuple[str, int], set[str]] = {}
    for sentence in truth["sentences"]:
        core = _core(sentence["text"])
        hits = [i for i, s in enumerate(by_doc.get(sentence["doc_id"], [])) if core and core in s]
        rep = (sentence["doc_id"], sentence["speaker"]) in team
        if rep:
            rep_leaks += bool(hits)
            continue
        customer_n += 1
        found += bool(hits)
        for i in hits:
            tags_in.setdefault((sentence["doc_id"], i), set()).add(sentence["tag"].split(":")[-1])
    mixed = sum(len(tags) > 1 for tags in tags_in.values())
    words = [len(t.split()) for _, _, t in statements]
    return {
        "rep_leaks": rep_leaks,
        "rep_n": len(truth["sentences"]) - customer_n,
        "found": found,
        "customer_n": customer_n,
        "mixed": mixed,
        "with_truth": len(tags_in),
        "statements": len(statements),
        "mean_words": sum(words) / max(len(words), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", type=Path, action="append", required=True)
    parser.add_argument("--baseline-rev", default=BASELINE_REV)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "old"
        old.mkdir()
        archive = subprocess.run(
            ["git", "archive", args.baseline_rev, "insightminer"], cwd=ROOT, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        header = f"{'study':18s} {'segmentation':14s} {'rep in customer':>16s} {'customer found':>15s}"
        print(f"{header} {'mixed':>9s} {'statements':>10s} {'words':>6s}")
        for study in args.study:
            truth = json.loads((study / "truth.json").read_text(encoding="utf-8"))
            runs = [
                (f"{args.baseline_rev}", old, None),
                ("new", ROOT, None),
                ("new+team", ROOT, study / "team.txt"),
            ]
            for name, path, team in runs:
                r = score(_statements(path, study / "interviews", team), truth)
                print(
                    f"{study.name:18s} {name:14s} {r['rep_leaks']:>10d}/{r['rep_n']:<5d} "
                    f"{r['found']:>9d}/{r['customer_n']:<5d} {r['mixed']:>4d}/{r['with_truth']:<4d} "
                    f"{r['statements']:>10d} {r['mean_words']:6.1f}"
                )


if __name__ == "__main__":
    main()
