"""Benchmark the assumption check against known truth, next to the old similarity rule, in one run.

For each study (a folder of interviews, an assumptions file, and an assumptions truth file) the script
runs the text pipeline once, then judges the assumptions two ways on the same statements and findings:
  - "pair model": insightminer.insights.assumptions.check_assumptions (cross-encoder + kind + polarity + the
    finding cross-check), what `insightminer run --assumptions` reports;
  - "similarity rule": the check before issue 15 (a statement supports an assumption when the MiniLM
    cosine is >= 0.5; a theme whose centroid is >= 0.4, or 20% of whose members support it, supports it
    with all its members).
It prints per assumption the truth, both verdicts and counts, then verdict accuracy and the
interview-count error of supported assumptions (|predicted - true| / true), and the empathy-gap figure.

Truth file (JSON): {"assumptions": [{"assumption": TEXT, "verdict": "supported" | "contradicted" |
"not_voiced", "documents": N, "doc_ids": [...]}, ...]} (also accepted: "n_docs" for documents, "text"
for assumption, "not voiced" for not_voiced).

    flock /tmp/im-heavy.lock python scripts/bench_assumptions.py [--study DIR ASSUMPTIONS TRUTH]...
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from insightminer.insights.assumptions import parse_assumptions  # noqa: E402

# name, interviews folder, assumptions file, truth file, team file (or None), relative to --root.
STUDIES = [
    (
        "sample",
        "data/fixtures/interviews",
        "data/fixtures/assumptions.txt",
        "data/fixtures/assumptions_truth.json",
        None,
    ),
    (
        "clinic-scheduling",
        "data/fixtures/studies/clinic-scheduling/interviews",
        "data/fixtures/studies/clinic-scheduling/assumptions.txt",
        "data/fixtures/studies/clinic-scheduling/assumptions_truth.json",
        "data/fixtures/studies/clinic-scheduling/team.txt",
    ),
]


def similarity_rule(
    assumption_embeddings: np.ndarray,
    embeddings: np.ndarray,
    doc_ids: list[str],
    theme_ids: np.ndarray,
    min_similarity: float = 0.5,
    theme_similarity: float = 0.4,
    theme_share: float = 0.2,
) -> list[dict]:
    """The check before issue 15, for comparison: topical similarity counts as support."""
    stmt = embeddings / np.maximum(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-12)
    assum = assumption_embeddings / np.maximum(
        np.linalg.norm(assumption_embeddings, axis=1, keepdims=True), 1e-12
    )
    members = {int(t): np.flatnonzero(theme_ids == t) for t in sorted(set(theme_ids.tolist())) if t >= 0}
    out = []
    for a in assum:
        sims = stmt @ a
        direct = sims >= min_similarity
        supported = direct.copy()
        for m in members.values():
            c = stmt[m].sum(0)
            c /= max(np.linalg.norm(c), 1e-12)
            if float(c @ a) >= theme_similarity or float(direct[m].mean()) >= theme_share:
                supported[m] = True
        docs = sorted({doc_ids[i] for i in np.flatnonzero(supported)})
        out.append(
            {"verdict": "supported" if docs else "not_voiced", "documents": len(docs), "doc_ids": docs}
        )
    return out


# Truth verdicts as study files write them -> the check's three verdicts. A "false" assumption
# (customers said the opposite, or nothing) is right as contradicted or not voiced; "half_true" (a
# related pain at a known count) is scored as supported at that count.
VERDICT_ALIASES = {
    "voiced": "supported",
    "true": "supported",
    "half_true": "supported",
    "not_supported": "not_voiced",
    "unvoiced": "not_voiced",
    "never_voiced": "not_voiced",
    "false": "not_supported",
}


def read_truth(path: Path) -> list[dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = data["assumptions"] if isinstance(data, dict) else data
    out = []
    for r in rows:
        raw = str(r.get("verdict", "")).replace(" ", "_").lower()
        verdict = VERDICT_ALIASES.get(raw, raw)
        docs = r.get("documents", r.get("true_docs", r.get("n_docs", len(r.get("doc_ids") or []))))
        out.append(
            {
                "assumption": r.get("assumption", r.get("text", "")),
                "verdict": verdict,
                "truth_label": raw,
                "documents": int(docs or 0) if verdict == "supported" else 0,
                "doc_ids": r.get("doc_ids") or [],
            }
        )
    return out


def verdict_right(predicted: str, truth: str) -> bool:
    if truth == "not_supported":
        return predicted in ("contradicted", "not_voiced")
    return predicted == truth


def score(pred: list[dict], truth: list[dict]) -> dict:
    right = [verdict_right(p["verdict"], t["verdict"]) for p, t in zip(pred, truth, strict=True)]
    errors = [
        abs(p["documents"] - t["documents"]) / t["documents"]
        for p, t in zip(pred, truth, strict=True)
        if t["verdict"] == "supported" and t["documents"]
    ]
    return {
        "verdict_accuracy": round(float(np.mean(right)), 4) if right else None,
        "verdicts_right": f"{sum(right)}/{len(right)}",
        "count_error_mean": round(float(np.mean(errors)), 4) if errors else None,
        "count_error_max": round(float(np.max(errors)), 4) if errors else None,
        "counts_within_20pct": f"{sum(e <= 0.2 for e in errors)}/{len(errors)}",
    }


def run_study(name: str, folder: Path, assumptions_file: Path, truth_file: Path, pipeline_kw: dict) -> dict:
    from insightminer import Config, Pipeline

    lines = [ln for ln in assumptions_file.read_text(encoding="utf-8-sig").splitlines()]
    expected = parse_assumptions(lines)
    truth_rows = {t["assumption"]: t for t in read_truth(truth_file)}
    missing = [e.text for e in expected if e.text not in truth_rows]
    if missing:
        raise SystemExit(f"{truth_file}: no truth for {missing}")
    truth = [truth_rows[e.text] for e in expected]
    config = Config.from_flat(assumptions=[ln for ln in lines if ln.strip()], personas=False, **pipeline_kw)
    pipeline = Pipeline(config)
    t0 = time.perf_counter()
    result = pipeline.run([folder])
    run_s = time.perf_counter() - t0
    statements = result.statements
    embeddings = pipeline.embedder().encode([s.text for s in statements])
    a_emb = pipeline.embedder().encode([e.text for e in expected])
    checked = result.findings["assumptions"]
    new = checked["assumptions"]
    old = similarity_rule(
        a_emb,
        embeddings,
        [s.doc_id for s in statements],
        np.array([s.theme_id for s in statements]),
    )
    n_docs = len({s.doc_id for s in statements})
    print(f"\n## {name}: {n_docs} interviews, {len(statements)} customer statements")
    print(f"pipeline {run_s:.1f}s, assumption stage {pipeline.timings.get('assumptions', 0):.1f}s")
    print("| assumption | truth | pair model | similarity rule |")
    print("|---|---|---|---|")
    for t, n, o in zip(truth, new, old, strict=True):
        note = f" ({'; '.join(n['notes'])})" if n["notes"] else ""
        print(
            f"| {t['assumption']} | {t['truth_label']} {t['documents']} | {n['verdict']} {n['documents']}"
            f" [direct {n['supporting_documents']}, contra {n['contradicting_documents']}, "
            f"mentioned {n['mentioned_documents']}]{note} | {o['verdict']} {o['documents']} |"
        )
    s_new, s_old = score(new, truth), score(old, truth)
    print("| method | verdicts right | verdict accuracy | count error mean | max | within 20% |")
    print("|---|---|---|---|---|---|")
    for label, s in (("pair model", s_new), ("similarity rule", s_old)):
        print(
            f"| {label} | {s['verdicts_right']} | {s['verdict_accuracy']} | {s['count_error_mean']} | "
            f"{s['count_error_max']} | {s['counts_within_20pct']} |"
        )
    gap = checked["empathy_gap"]
    true_docs = [-t["documents"] for t in truth]
    from scipy.stats import spearmanr

    rho_truth = (
        round(float(spearmanr([e.rank for e in expected], true_docs).statistic), 4)
        if len(set(true_docs)) > 1
        else None
    )
    print(f"empathy gap: Spearman {gap['spearman']} (from the truth counts: {rho_truth}); {gap['note']}")
    print(
        "strong pains nobody assumed:", [(u["label"], u["documents"]) for u in gap["unassumed_strong_pains"]]
    )
    return {"study": name, "pair_model": s_new, "similarity_rule": s_old, "spearman": gap["spearman"]}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--study",
        nargs=3,
        action="append",
        metavar=("DIR", "ASSUMPTIONS", "TRUTH"),
        help="extra study (repeatable)",
    )
    parser.add_argument("--only", help="run only the named built-in study (sample | clinic-scheduling)")
    parser.add_argument("--json", type=Path, help="also write the summary figures here")
    parser.add_argument(
        "--root", type=Path, default=REPO, help="where the built-in studies' repo-relative paths start"
    )
    args = parser.parse_args()

    def where(rel: str | None) -> Path | None:
        # This checkout first, then --root (a study still in another branch while developing).
        if rel is None:
            return None
        return REPO / rel if (REPO / rel).exists() else args.root / rel

    studies = [(name, *(where(p) for p in paths)) for name, *paths in STUDIES if args.only in (None, name)]
    studies += [(Path(d).name, Path(d), Path(a), Path(t), None) for d, a, t in args.study or []]
    summary = []
    for name, folder, assumptions_file, truth_file, team_file in studies:
        if not truth_file.is_file() or not assumptions_file.is_file():
            absent = truth_file if not truth_file.is_file() else assumptions_file
            print(f"\n## {name}: skipped ({absent} not found)")
            continue
        kw = {}
        if team_file is not None and team_file.is_file():
            # The vendor's people are never customers (what `--team` does, as plain config).
            names = [ln.strip() for ln in team_file.read_text(encoding="utf-8").splitlines() if ln.strip()]
            kw["interviewer_speakers"] = names
        summary.append(run_study(name, folder, assumptions_file, truth_file, kw))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
