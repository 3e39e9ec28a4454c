"""Benchmark the statement-kind models against each other and a simple peer; write docs/benchmarks/detect.md.

In one run:

1. Held-back project labels (data/labels/statement_kinds_heldback.csv: written in a separate batch,
   never trained on or used for a choice): macro-F1 over pain_point / need / praise, per-class F1, pain
   recall and the share of pains called praise, for
   - the fine-tuned encoder (models/statement-kind-finetuned, the default), with and without the "?" cue;
   - the embedding head on MiniLM embeddings (models/statement-kind, the previous default);
   - a peer, TF-IDF (1-2 grams) + logistic regression, trained on the same training rows as the
     fine-tuned model (data/labels/statement_kinds.csv + statement_kinds_more.csv).
2. Complaints on Twitter (../shared/eval/complaints-twitter, evaluation only): predicted `pain_point` =
   complaint; precision / recall / F1 / accuracy and the share of complaints called praise, for the same
   models plus a negative-keyword rule.
3. Hard-negative held-back rows (data/labels/statement_kinds_hardneg_heldback.csv, its own batch, never
   trained on): pain precision / recall, non-pains and denials called `pain_point`, per hard case.
4. Throughput of `insightminer kinds` (the CLI, a subprocess) on the tweets written as a CSV:
   statements/s including and excluding start-up and model load.

    python scripts/bench_detect.py [--out docs/benchmarks/detect.md] [--threads 2] [--baseline DIR]

`--baseline DIR` adds a previous fine-tuned model folder (e.g. the model before a retrain, copied out
of git) to every table, so old and new are measured in one run on the same machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from train_detector import COMPLAINTS_CSV, binary_scores, embed, load_complaints, load_labels  # noqa: E402
from train_kinds import (  # noqa: E402
    HARDNEG_HELDBACK,
    HELDBACK,
    goal_figures,
    hardneg_figures,
    load_cases,
    load_genres,
    load_training,
)

from insightminer.classify.detect import StatementKindDetector, apply_question_cue  # noqa: E402
from insightminer.schema import STATEMENT_KINDS  # noqa: E402

DOC = REPO / "docs" / "benchmarks" / "detect.md"
NEW_MODEL = "statement-kind-finetuned"
OLD_MODEL = "statement-kind"

# Written before looking at the tweets: common negative-sentiment / complaint words. Not tuned.
NEGATIVE_WORDS = (
    "bad", "worst", "terrible", "awful", "horrible", "poor", "broken", "broke", "fail", "failed",
    "fails", "failing", "error", "problem", "problems", "issue", "issues", "wrong", "slow", "crash",
    "crashed", "crashes", "useless", "annoying", "annoyed", "frustrating", "frustrated", "disappointed",
    "disappointing", "hate", "sucks", "ridiculous", "still", "waiting", "never", "cancelled", "late",
    "delay", "delayed", "refund", "lost", "missing", "complaint", "unacceptable", "rude", "stuck",
)  # fmt: skip
_WORD = re.compile(r"[a-z']+")


def keyword_complaint(text: str) -> bool:
    """Negative-keyword rule: any listed word, or a negated verb ("doesn't", "can't", "won't")."""
    words = _WORD.findall(text.lower())
    return any(w in NEGATIVE_WORDS or w.endswith("n't") for w in words)


def tfidf_lr():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1),
        LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced", random_state=0),
    )


def _kinds(detector: StatementKindDetector, probs: np.ndarray, texts: list[str], cue: bool) -> list[str]:
    """Kinds from one model's probabilities, with or without its "?" cue (one encoder pass for both)."""
    labels = detector.labels
    keep_if = detector.cues_.get("question_mark", {}).get("keep_if") or {"pain_point": 0.8, "need": 0.8}
    if not cue:
        return [labels[i] for i in probs.argmax(1)]
    chosen, _ = apply_question_cue(probs, texts, labels, keep_if)
    return [labels[i] for i in chosen]


def predict_all(
    texts: list[str], vectors: np.ndarray, peer, baseline: Path | None = None
) -> dict[str, list[str]]:
    """Kinds per text from every model compared (same texts, same order)."""
    new = StatementKindDetector(NEW_MODEL).load()
    old = StatementKindDetector(OLD_MODEL).load()
    p_new, p_old = new.predict_proba(None, texts), old.predict_proba(vectors)
    new_cue = bool(new.cues_.get("question_mark", {}).get("enabled"))
    if len(texts) <= 1000 and [k for k, _ in new.predict(None, texts)] != _kinds(new, p_new, texts, new_cue):
        raise SystemExit("bench and StatementKindDetector.predict disagree")  # the table is the product
    other = "with" if not new_cue else "without"
    preds = {
        f"fine-tuned encoder ({NEW_MODEL}, shipped: cue {'on' if new_cue else 'off'})": _kinds(
            new, p_new, texts, new_cue
        ),
    }
    if baseline is not None:
        # The previous fine-tuned model, decided as it shipped (its own cue setting).
        base = StatementKindDetector(str(baseline)).load()
        base_cue = bool(base.cues_.get("question_mark", {}).get("enabled"))
        preds[f"previous fine-tuned encoder (baseline: {baseline.name})"] = _kinds(
            base, base.predict_proba(None, texts), texts, base_cue
        )
    return preds | {
        f"fine-tuned encoder, {other} '?' cue": _kinds(new, p_new, texts, not new_cue),
        f"embedding head ({OLD_MODEL}: MiniLM + head + '?' cue)": _kinds(old, p_old, texts, True),
        "embedding head, no '?' cue": _kinds(old, p_old, texts, False),
        "peer: TF-IDF + LR, same training rows": list(peer.predict(texts)),
    }


def heldback_table(y: list[str], preds: dict[str, list[str]]) -> tuple[str, dict]:
    lines = [
        "| model | macro-F1 pain/need/praise | pain F1 | need F1 | praise F1 | question F1 | other F1 "
        "| 5-way macro-F1 | pain recall | pains called praise |",
        "|---" * 10 + "|",
    ]
    figures = {}
    for name, pred in preds.items():
        f = goal_figures(y, pred)
        figures[name] = f
        per = " | ".join(f"{f['per_class_f1'][k]:.3f}" for k in STATEMENT_KINDS)
        lines.append(
            f"| {name} | **{f['macro_f1_pain_need_praise']:.3f}** | {per} | {f['macro_f1_5way']:.3f} "
            f"| {f['pain_recall']:.3f} | {f['pain_as_praise']:.3f} |"
        )
    return "\n".join(lines), figures


def hardneg_table(y: list[str], cases: list[str], preds: dict[str, list[str]]) -> tuple[str, str, dict]:
    """Pain precision on the hard-negative held-back rows, and per case the share called pain_point."""
    figures = {name: hardneg_figures(y, pred, cases) for name, pred in preds.items()}
    lines = [
        "| model | pain precision | pain recall | pain F1 | non-pains called pain | denials called pain "
        "| accuracy |",
        "|---" * 7 + "|",
    ]
    for name, f in figures.items():
        lines.append(
            f"| {name} | **{f['pain_precision']:.3f}** | {f['pain_recall']:.3f} | {f['pain_f1']:.3f} "
            f"| {f['non_pains_called_pain']:.3f} | {f['denials_called_pain']:.3f} | {f['accuracy']:.3f} |"
        )
    names = list(figures)
    order = sorted(set(cases))
    # Column heads: the model names without their parenthesised detail, to keep the table readable.
    short = [re.sub(r" \([^)]*\)", "", n) for n in names]
    case_lines = [
        "| case | rows | " + " | ".join(short) + " |",
        "|---" * (2 + len(names)) + "|",
    ]
    for c in order:
        n = figures[names[0]]["by_case"][c]["n"]
        case_lines.append(
            f"| {c} | {n} | "
            + " | ".join(f"{figures[m]['by_case'][c]['called_pain']:.3f}" for m in names)
            + " |"
        )
    return "\n".join(lines), "\n".join(case_lines), figures


def genre_table(y: list[str], genres: list[str], pred: list[str]) -> str:
    lines = [
        "| genre | rows | macro-F1 pain/need/praise | pain recall | pains called praise |",
        "|---|---|---|---|---|",
    ]
    for g in sorted(set(genres)):
        idx = [i for i, gg in enumerate(genres) if gg == g]
        f = goal_figures([y[i] for i in idx], [pred[i] for i in idx])
        lines.append(
            f"| {g} | {len(idx)} | {f['macro_f1_pain_need_praise']:.3f} | {f['pain_recall']:.3f} "
            f"| {f['pain_as_praise']:.3f} |"
        )
    return "\n".join(lines)


def twitter_table(gold: np.ndarray, preds: dict[str, list[str]], tweets: list[str]) -> str:
    lines = [
        "| model | precision | recall | F1 | accuracy | complaints called praise |",
        "|---|---|---|---|---|---|",
    ]
    rows = {name: [k == "pain_point" for k in p] for name, p in preds.items()}
    rows["peer: negative-keyword rule"] = [keyword_complaint(t) for t in tweets]
    rows["always 'complaint'"] = [True] * len(tweets)
    complaints = np.flatnonzero(gold == 1)
    for name, pred in rows.items():
        s = binary_scores(gold, np.asarray(pred, dtype=np.int64))
        as_praise = (
            f"{np.mean([preds[name][i] == 'praise' for i in complaints]):.3f}" if name in preds else "-"
        )
        lines.append(
            f"| {name} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['accuracy']:.3f} "
            f"| {as_praise} |"
        )
    return "\n".join(lines)


def time_kinds_command(texts: list[str], threads: int) -> dict:
    """Run `insightminer kinds` on the texts as a CSV in a subprocess; statements/s with and without load."""
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.csv", Path(tmp) / "out.csv"
        with src.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["id", "text"])
            writer.writerows([i, t] for i, t in enumerate(texts))
        env = dict(os.environ, PYTHONPATH=str(REPO), HF_HUB_OFFLINE="1", OMP_NUM_THREADS=str(threads))
        cmd = [sys.executable, "-m", "insightminer", "kinds", str(src), "--text-column", "text"]
        # Start-up + model load alone: the same command on one row.
        one = Path(tmp) / "one.csv"
        one.write_text("text\nhello\n", encoding="utf-8")
        t0 = time.perf_counter()
        subprocess.run(
            [*cmd[:4], str(one), "--text-column", "text", "--out", str(Path(tmp) / "o1.csv"), "-q"],
            check=True,
            env=env,
            capture_output=True,
        )
        startup = time.perf_counter() - t0
        t0 = time.perf_counter()
        subprocess.run([*cmd, "--out", str(out), "-q"], check=True, env=env, capture_output=True)
        total = time.perf_counter() - t0
        with out.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    if len(rows) != len(texts) or any(r["kind"] not in STATEMENT_KINDS for r in rows):
        raise SystemExit("the kinds command wrote an unexpected CSV")
    return {
        "n": len(texts),
        "total_s": total,
        "startup_s": startup,
        "rate_total": len(texts) / total,
        "rate_model": len(texts) / max(1e-9, total - startup),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DOC)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="torch threads")
    parser.add_argument("--no-speed", action="store_true", help="skip the `kinds` command timing")
    parser.add_argument(
        "--complaints",
        type=Path,
        default=COMPLAINTS_CSV,
        help="complaints-data.csv (default: ../shared/eval/complaints-twitter beside the repo)",
    )
    parser.add_argument(
        "--baseline", type=Path, default=None, help="a previous fine-tuned model folder to compare with"
    )
    parser.add_argument("--load", default="idle under the lock", help="the machine's load, for the doc")
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    train_texts, train_y = load_training()
    peer = tfidf_lr().fit(train_texts, np.asarray(train_y))
    held_texts, held_y = load_labels(HELDBACK)
    genres = load_genres(HELDBACK)
    held_preds = predict_all(held_texts, embed(held_texts), peer, args.baseline)
    held_txt, held_fig = heldback_table(held_y, held_preds)
    new_name = next(iter(held_preds))
    old_name = next(n for n in held_preds if n.startswith("embedding head ("))
    genres_new = genre_table(held_y, genres, held_preds[new_name])
    genres_old = genre_table(held_y, genres, held_preds[old_name])
    counts = {k: held_y.count(k) for k in STATEMENT_KINDS}
    print(f"held-back project labels: {len(held_texts)} rows {counts}")
    print(held_txt, "\n")
    print(f"by genre, {new_name}:\n{genres_new}\n")
    base_name = next((n for n in held_preds if n.startswith("previous fine-tuned")), None)
    genres_base = genre_table(held_y, genres, held_preds[base_name]) if base_name else ""

    hn_texts, hn_y = load_labels(HARDNEG_HELDBACK)
    hn_cases = load_cases(HARDNEG_HELDBACK)
    hn_preds = predict_all(hn_texts, embed(hn_texts), peer, args.baseline)
    hn_txt, hn_case_txt, hn_fig = hardneg_table(hn_y, hn_cases, hn_preds)
    hn_counts = {k: hn_y.count(k) for k in STATEMENT_KINDS}
    print(f"hard-negative held-back: {len(hn_texts)} rows {hn_counts}")
    print(hn_txt, "\n")
    print(hn_case_txt, "\n")

    tw_txt, speed_txt = "(not run: ../shared/eval/complaints-twitter is absent)", ""
    if args.complaints.is_file():
        tweets, gold = load_complaints(args.complaints)
        tw_preds = predict_all(tweets, embed(tweets), peer, args.baseline)
        tw_txt = twitter_table(gold, tw_preds, tweets)
        dist = {k: tw_preds[new_name].count(k) for k in STATEMENT_KINDS}
        print(
            f"complaints-twitter: {len(tweets)} tweets ({int(gold.sum())} complaints), pain_point = complaint"
        )
        print(tw_txt)
        print(f"kinds predicted on the tweets by {new_name}: {dist}\n")
        if not args.no_speed:
            s = time_kinds_command(tweets, args.threads)
            load_avg = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
            speed_txt = (
                f"`insightminer kinds` on the {s['n']} tweets as a CSV (default model, {args.threads} "
                f"threads): **{s['rate_model']:.0f} statements/s** excluding start-up and model load "
                f"({s['startup_s']:.1f} s, measured on a one-row CSV); {s['rate_total']:.0f} statements/s "
                f"end to end ({s['total_s']:.1f} s). 1-minute load average {load_avg:.1f} on "
                f"{os.cpu_count()} cores at the end.\n\nKinds predicted on the tweets by the default model: "
                f"{dist}."
            )
            print(speed_txt)

    machine = f"{platform.machine()}, {platform.system()}, Python {platform.python_version()}"
    f_new, f_old = held_fig[new_name], held_fig[old_name]
    counts_txt = ", ".join(f"{k} {v}" for k, v in counts.items())
    hn_counts_txt = ", ".join(f"{k} {v}" for k, v in hn_counts.items())
    hn_new = hn_fig[new_name]
    command = "python scripts/bench_detect.py" + (f" --baseline {args.baseline}" if args.baseline else "")
    base_genres_txt = f"\n\nBy genre, {base_name}:\n\n{genres_base}" if base_name else ""
    doc = f"""# Detect stage benchmark (statement kinds)

Produced by `{command}` (one run prints every table below). Machine:
{os.cpu_count()}-core CPU ({machine}), no GPU, torch CPU {torch.__version__}, {args.threads} threads;
load: {args.load}.

Goal (issue 10, for held-out real reviews, which are not available here; measured on the held-back set):
macro-F1 over pain/need/praise >= 0.70, pain recall >= 0.85, pains called praise <= 5%.
Default model: macro-F1 {f_new["macro_f1_pain_need_praise"]:.3f}, pain recall {f_new["pain_recall"]:.3f},
pains called praise {f_new["pain_as_praise"]:.3f} (previous head: {f_old["macro_f1_pain_need_praise"]:.3f},
{f_old["pain_recall"]:.3f}, {f_old["pain_as_praise"]:.3f}).
Hard negatives (issue 10, item 2: neutral statements must not be pains): default model pain precision
{hn_new["pain_precision"]:.3f} at pain recall {hn_new["pain_recall"]:.3f}, denials called pain
{hn_new["denials_called_pain"]:.3f} on the hard-negative held-back set.

## Held-back project labels (5 kinds)
`data/labels/statement_kinds_heldback.csv`: {len(held_texts)} statements ({counts_txt}),
written in a separate batch after the training rows and never used for training or any choice. The
fine-tuned model and the TF-IDF peer were trained on the same {len(train_texts)} training rows (the fine-tuned
model on 90% of them, the other 10% choosing its epoch); the head was trained on the first 664 of them.

{held_txt}

By genre, default model:

{genres_new}

By genre, previous head:

{genres_old}{base_genres_txt}

## Hard negatives and subtle pains, held back
`data/labels/statement_kinds_hardneg_heldback.csv`: {len(hn_texts)} statements ({hn_counts_txt}), written
as their own batch after the hard-negative training rows (`statement_kinds_hardneg.csv`) and never used
for training or any choice. Cases (column `case`): neutral process facts / context, denials ("no issues
with X", label `other`), denials celebrating an outcome (`praise`), polite answers, neutral feature
mentions, mishaps nobody caused (all not pains), and pains phrased subtly (`subtle_pain`: understatement,
stories, numbers, "great but ...", pain questions, a pain right after a denial).

{hn_txt}

Share of each case called `pain_point` (for `subtle_pain` that is pain recall; for the others, lower is
better):

{hn_case_txt}

## Complaints on Twitter: complaint detection (evaluation only)
Preoțiuc-Pietro, Găman & Aletras (ACL 2019), 3,449 tweets (1,232 complaints), read from
`../shared/eval/complaints-twitter/` (not redistributed, never trained on). @handles and URLs stripped;
predicted `pain_point` = complaint. Every trained model here was trained only on the project's labels.
The labels are "breach of expectation", so a tweet asking a brand a pain question counts as a complaint.

{tw_txt}

## Speed
{speed_txt or "(not measured in this run)"}

## Reading the figures
- The held-back rows were written by the same author as the training rows, to the same guide
  (`data/labels/README.md`): they measure agreement with that guide on unseen sentences of the same kinds,
  not accuracy on real reviews. That TF-IDF + LR also scores high on them says they are close to the
  training rows in wording; expect real text to score lower. The Twitter table is the check on real
  customer text from outside the project.
- On the tweets the fine-tuned models find far more complaints than the head (recall up, complaints
  called praise down) at lower precision: they also call `pain_point` tweets that mention a problem or
  mishap with no company at fault (a coffee brewer broken in a move, a car in for a repair, "shouldn't I
  have access to ...?"), which the annotators did not count as complaints (55 of the first 300
  non-complaints, read for the previous model; 14 of those read).
- Hard negatives (issue 10, item 2): the retrained model adds `statement_kinds_hardneg.csv` (604 rows:
  neutral process facts, denials, polite answers, feature mentions, no-fault mishaps, subtle pains) to
  the training rows; same recipe, seed and dev-split rule. The hard-negative rows were written in two
  rounds; round 2 (short posts: no-fault mishaps against company-at-fault complaints) was written after
  round 1 alone left Twitter flat (precision 0.593, recall 0.822 for the round-1 model, measured in a
  run of this script before round 2). So the Twitter figures of the shipped model informed one choice
  (writing round 2, from the failure mode named above, without reading tweets): treat them as slightly
  optimistic. Still open: about a quarter of the held-back no-fault mishaps are called pains, and
  Twitter precision stays well below the head's.
- The "?" cue: its setting was chosen on the fine-tuned model's 10% dev split (see the model card), where
  it did not beat the model alone; the "with '?' cue" rows show it would also lower held-back and
  Twitter figures (pain questions such as "when will my card arrive?" are pains).
"""
    args.out.parent.mkdir(parents=True, exist_ok=True)
    from insightminer.storage import atomic_write_text

    atomic_write_text(args.out, doc)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
