"""Per-speaker role accuracy on multi-party calls: today's heuristic vs the new one, with and without --team.

Reads data/fixtures/roles (dev/ for tuning, heldout/ never tuned on) and labels.json, and, with
``--study DIR`` (repeatable), a study folder laid out as data/fixtures/studies/NAME: ``interviews/``,
``team.txt`` and ``truth.json`` with ``team`` and ``customers`` speaker lists per doc id.

"Baseline" is the role code of an earlier commit (``--baseline-rev``, default: the last commit before
multi-speaker roles), loaded from git, so the comparison is with what the project did, not a copy.

    PYTHONPATH=$PWD python scripts/bench_roles.py
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from insightminer.ingest.files import ingest_paths  # noqa: E402
from insightminer.schema import Transcript  # noqa: E402
from insightminer.text.roles import load_team, score_roles  # noqa: E402

BASELINE_REV = "26d36be"


def _baseline_module(rev: str):
    """insightminer/roles.py as it was at ``rev`` (None when git or the revision is missing)."""
    try:
        source = subprocess.run(
            ["git", "show", f"{rev}:insightminer/roles.py"], cwd=ROOT, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    with tempfile.NamedTemporaryFile("wb", suffix=".py", delete=False) as handle:
        handle.write(source)
    spec = importlib.util.spec_from_file_location("roles_baseline", handle.name)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    Path(handle.name).unlink()
    return module


def _fresh(transcript: Transcript) -> Transcript:
    return Transcript.from_dict(transcript.to_dict())


def _calls(root: Path) -> list[tuple[str, Transcript, dict[str, str], list[str]]]:
    labels = json.loads((root / "labels.json").read_text(encoding="utf-8"))["calls"]
    out = []
    for rel, info in sorted(labels.items()):
        transcripts, records = ingest_paths([root / rel])
        if not transcripts:
            raise SystemExit(f"{rel}: could not be read: {records[0].reason}")
        out.append((rel, transcripts[0], info["roles"], info.get("team", [])))
    return out


def _study_calls(study: Path) -> list[tuple[str, Transcript, dict[str, str], list[str]]]:
    truth = json.loads((study / "truth.json").read_text(encoding="utf-8"))
    team_lines = (study / "team.txt").read_text(encoding="utf-8").splitlines()
    transcripts, _ = ingest_paths([study / "interviews"])
    out = []
    for t in sorted(transcripts, key=lambda t: t.doc_id):
        roles = {s: "interviewer" for s in truth["team"].get(t.doc_id, [])}
        roles |= {s: "customer" for s in truth["customers"].get(t.doc_id, [])}
        if roles:
            out.append((f"{study.name}/{t.doc_id}", t, roles, team_lines))
    return out


def _score(pred: dict[str, str], truth: dict[str, str]) -> tuple[int, int, int, int]:
    """(correct speakers, speakers, team-side speakers called customer, team-side speakers)."""
    correct = sum(pred.get(s) == r for s, r in truth.items())
    team_side = [s for s, r in truth.items() if r == "interviewer"]
    leaked = sum(pred.get(s) == "customer" for s in team_side)
    return correct, len(truth), leaked, len(team_side)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "fixtures" / "roles")
    parser.add_argument("--baseline-rev", default=BASELINE_REV)
    parser.add_argument("--study", type=Path, action="append", default=[], help="A study folder to score.")
    parser.add_argument("--verbose", "-v", action="store_true", help="Print every wrong speaker.")
    args = parser.parse_args()

    baseline = _baseline_module(args.baseline_rev)
    methods = ["baseline", "new", "new+team"] if baseline else ["new", "new+team"]
    totals: dict[tuple[str, str], list[int]] = {}
    team_matched: dict[str, int] = {}  # team-side speakers the team list itself (not the heuristic) found
    with tempfile.TemporaryDirectory() as tmp:
        calls = _calls(args.data) + [c for study in args.study for c in _study_calls(study)]
        for rel, transcript, truth, team_lines in calls:
            split = rel.split("/")[0]
            team_file = Path(tmp) / "team.txt"
            team_file.write_text("\n".join(team_lines) + "\n", encoding="utf-8")
            team = load_team(team_file) if team_lines else None
            for method in methods:
                t = _fresh(transcript)
                if method == "baseline":
                    pred = baseline.assign_roles(t)
                else:
                    decided = score_roles(t, team=team if method == "new+team" else None)
                    pred = {s: r.role for s, r in decided.items()}
                    if method == "new+team":
                        by_team = sum(r.source in ("team", "team-org") for r in decided.values())
                        team_matched[split] = team_matched.get(split, 0) + by_team
                scores = _score(pred, truth)
                keys = [(split, method)] + ([("all", method)] if split in ("dev", "heldout") else [])
                for key in keys:
                    acc = totals.setdefault(key, [0, 0, 0, 0])
                    for i, v in enumerate(scores):
                        acc[i] += v
                if args.verbose:
                    for s, r in truth.items():
                        if pred.get(s) != r:
                            print(f"  {method:9s} {rel}: {s} -> {pred.get(s)} (true {r})")
    print(f"{'split':8s} {'method':10s} {'speaker accuracy':>18s} {'team-side called customer':>27s}")
    splits = ["dev", "heldout", "all"] + [study.name for study in args.study]
    for split in splits:
        for method in methods:
            if (split, method) not in totals:
                continue
            c, n, leaked, team_n = totals[(split, method)]
            accuracy = f"{c:>8d}/{n:<3d} {c / n:6.3f}"
            print(f"{split:8s} {method:10s} {accuracy} {leaked:>15d}/{team_n:<3d} {leaked / team_n:6.3f}")
    for split in ["dev", "heldout"] + [study.name for study in args.study]:
        team_n = totals[(split, "new")][3]
        print(
            f"{split}: team-side speakers matched by the --team list (name / e-mail / suffix): "
            f"{team_matched.get(split, 0)}/{team_n}"
        )


if __name__ == "__main__":
    main()
