"""Benchmark the motivators head against the embedding-similarity zero-shot baseline, same run.

Figures: 5-fold stratified cross-validated macro-F1 (seed 0) of the trained head on
data/labels/motivators.csv, against the similarity baseline (cosine to the label descriptions, no
training: scored on every row), plus per-class F1 and statements/second.

    python scripts/bench_motivators.py [--variants]

The conversational section (always printed; alone with --conversational-only) scores each head in
--models (names or paths; e.g. a copy of an older head next to today's) and the similarity baseline on
the held-back test split of data/labels/conversational_emotions.csv, exactly as `insightminer
motivators` decides: precision of the motivators assigned, share of no-motivator statements given one,
recall of real motivators.

--variants also cross-validates a few head settings (linear head, wider head, head + similarity
features) so the shipped choice is backed by numbers. --setfit also cross-validates SetFit-style
contrastive fine-tuning of the encoder (fine-tuned on each training fold only, then the same head).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402

from insightminer.classify.motivators import MOTIVATOR_DESCRIPTIONS, MotivatorClassifier  # noqa: E402
from insightminer.classify.training import _single_label_scores, cross_validate, read_labelled_csv  # noqa: E402
from insightminer.text.embed import Embedder  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data" / "labels" / "motivators.csv"
FOLDS = 5
SEED = 0


def best_temperature(sims: np.ndarray, y: np.ndarray) -> float:
    """Softmax temperature minimising the log-loss of cosine/temperature (ranking is unchanged)."""
    best, best_nll = 1.0, np.inf
    for t in np.round(np.arange(0.01, 0.201, 0.005), 3):
        logits = sims / t
        logits = logits - logits.max(1, keepdims=True)
        logp = logits - np.log(np.exp(logits).sum(1, keepdims=True))
        nll = -logp[np.arange(len(y)), y].mean()
        if nll < best_nll:
            best, best_nll = float(t), nll
    return best


def finetune_encoder(texts: list[str], y: np.ndarray, *, epochs: int, seed: int, batch_size: int = 32):
    """SetFit-style: supervised contrastive fine-tuning of MiniLM on labelled sentences (CPU-sized).

    In-batch supervised contrastive loss (same label = positive); returns the tuned SentenceTransformer.
    """
    import torch
    from sentence_transformers import SentenceTransformer

    from insightminer.model_registry import resolve_embedding_model

    torch.manual_seed(seed)
    model = SentenceTransformer(resolve_embedding_model("all-MiniLM-L6-v2"), device="cpu")
    optimiser = torch.optim.AdamW(model.parameters(), lr=2e-5)
    generator = torch.Generator().manual_seed(seed)
    labels_t = torch.as_tensor(y)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(texts), generator=generator)
        for start in range(0, len(texts), batch_size):
            idx = order[start : start + batch_size]
            tokenize = (
                getattr(model, "preprocess", None) or model.tokenize
            )  # renamed in sentence-transformers 6
            features = tokenize([texts[i] for i in idx])
            emb = torch.nn.functional.normalize(model(features)["sentence_embedding"], dim=-1)
            sim = emb @ emb.T / 0.1
            same = labels_t[idx][:, None] == labels_t[idx][None, :]
            eye = torch.eye(len(idx), dtype=torch.bool)
            sim = sim.masked_fill(eye, -1e9)
            log_prob = sim - torch.logsumexp(sim, dim=1, keepdim=True)
            pos = same & ~eye
            has_pos = pos.any(1)
            if not has_pos.any():
                continue
            loss = -(log_prob * pos).sum(1)[has_pos] / pos.sum(1)[has_pos]
            optimiser.zero_grad()
            loss.mean().backward()
            optimiser.step()
    model.eval()
    return model


def setfit_cv(texts: list[str], y: np.ndarray, labels: list[str], params: dict, epochs: int) -> dict:
    from sklearn.model_selection import StratifiedKFold

    from insightminer.classify.heads import EmbeddingClassifier

    oof = np.zeros(len(texts), dtype=np.int64)
    for train_idx, test_idx in StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(texts, y):
        model = finetune_encoder([texts[i] for i in train_idx], y[train_idx], epochs=epochs, seed=SEED)
        emb = model.encode(texts, normalize_embeddings=True, convert_to_numpy=True, batch_size=64)
        head = EmbeddingClassifier(labels, random_state=SEED, **params)
        head.fit(emb[train_idx], y[train_idx])
        oof[test_idx] = head.predict_proba(emb[test_idx]).argmax(1)
    return _single_label_scores(y, oof, labels)


def conversational_report(embedder: Embedder, models: list[str], min_confidence: float | None) -> None:
    """The held-back conversational test split, scored as the CLI decides, for each model."""
    from train_emotions import load_conversational
    from train_motivators import motivator_figures

    rows = load_conversational(("test",))
    truth = [r["motivator"] for r in rows]
    X = embedder.encode([r["text"] for r in rows])
    real = sum(t != "none" for t in truth)
    print(
        f"conversational test split: {len(rows)} statements, "
        f"{len(rows) - real} with no motivator, {real} with one"
    )
    print(f"{'model':44s} {'precision':>9s} {'none->one':>9s} {'recall':>7s} {'assigned':>8s}")
    candidates = [
        (name, lambda n=name: MotivatorClassifier(n, min_confidence=min_confidence)) for name in models
    ]
    candidates.append(
        (
            "similarity baseline (zero-shot)",
            lambda: MotivatorClassifier(backend="similarity", embedder=embedder),
        )
    )
    for name, make in candidates:
        records = make().predict_records(X)
        fig = motivator_figures([r["motivator"] for r in records], truth)
        precision = "-" if fig["precision"] is None else f"{fig['precision']:.3f}"
        print(
            f"{name[-44:]:44s} {precision:>9s} {fig['none_given_one']:9.3f} {fig['recall']:7.3f} "
            f"{fig['assigned']:8d}"
        )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", action="store_true", help="also cross-validate other head settings")
    parser.add_argument("--setfit", type=int, default=0, metavar="EPOCHS", help="also CV SetFit-style tuning")
    parser.add_argument(
        "--models", nargs="+", default=["motivators"], help="heads for the conversational test"
    )
    parser.add_argument("--min-confidence", type=float, default=None, help="override calibrated thresholds")
    parser.add_argument("--conversational-only", action="store_true", help="skip the label-example CV")
    args = parser.parse_args()
    conversational_report(Embedder(), args.models, args.min_confidence)
    if args.conversational_only:
        return

    texts, row_labels = read_labelled_csv(DATA, "text", "label")
    labels = sorted({labs[0] for labs in row_labels})
    y = np.array([labels.index(labs[0]) for labs in row_labels])
    embedder = Embedder()
    embedder.encode(["warm-up"])  # model load is not throughput
    t0 = time.perf_counter()
    X = embedder.encode(texts)
    embed_s = time.perf_counter() - t0
    print(f"data: {DATA.name}, {len(texts)} statements, {len(labels)} labels")
    print(f"embedding (all-MiniLM-L6-v2, CPU): {len(texts) / embed_s:.0f} statements/s")

    # Baseline: similarity to the label descriptions only (no labelled data used).
    sim = MotivatorClassifier(backend="similarity", embedder=embedder)
    order = [sim.labels.index(label) for label in labels]
    t0 = time.perf_counter()
    sim_probs = sim.predict_proba(X)[:, order]
    sim_s = time.perf_counter() - t0
    sim_scores = _single_label_scores(y, sim_probs.argmax(1), labels)
    sims = X @ sim._description_vectors()[order].T
    print(f"similarity temperature minimising log-loss: {best_temperature(sims, y)}")

    # Head: 5-fold stratified CV with the shipped settings.
    params = {"hidden_dim": 256, "epochs": 60, "embedding_model": embedder.model_name}
    t0 = time.perf_counter()
    head_scores, _ = cross_validate(
        X, y, labels, multi_label=False, cv_folds=FOLDS, random_state=SEED, head_params=params
    )
    cv_s = time.perf_counter() - t0
    head = MotivatorClassifier()  # the shipped models/motivators head
    t0 = time.perf_counter()
    head.predict_proba(X)
    head_s = time.perf_counter() - t0

    rows = [
        ("head (shipped settings, 5-fold CV)", head_scores),
        ("similarity baseline (zero-shot)", sim_scores),
    ]
    if args.variants:
        variants = {
            "head linear (hidden_dim=0)": ({**params, "hidden_dim": 0}, X),
            "head hidden_dim=512, 100 epochs": ({**params, "hidden_dim": 512, "epochs": 100}, X),
            "head on [embedding, similarity]": (params, np.hstack([X, sims]).astype(np.float32)),
        }
        for name, (p, feats) in variants.items():
            scores, _ = cross_validate(
                feats, y, labels, multi_label=False, cv_folds=FOLDS, random_state=SEED, head_params=p
            )
            rows.append((name, scores))

    if args.setfit:
        t0 = time.perf_counter()
        rows.append(
            (
                f"SetFit-style tuned encoder + head ({args.setfit} ep)",
                setfit_cv(texts, y, labels, params, args.setfit),
            )
        )
        print(f"SetFit-style 5-fold CV time: {time.perf_counter() - t0:.0f} s")

    print()
    print(f"{'model':44s} {'macro-F1':>9s} {'accuracy':>9s}")
    for name, scores in rows:
        print(f"{name:44s} {scores['macro_f1']:9.3f} {scores['accuracy']:9.3f}")
    print()
    print(f"{'label':28s} {'head F1':>8s} {'sim F1':>8s}")
    for label in labels:
        print(
            f"{label:28s} {head_scores['per_class_f1'][label]:8.3f} {sim_scores['per_class_f1'][label]:8.3f}"
        )
    print()
    n = len(texts)
    print(
        f"throughput, embedding + head:       {n / (embed_s + head_s):.0f} statements/s "
        f"(head alone {n / max(head_s, 1e-9):.0f}/s)"
    )
    print(f"throughput, embedding + similarity: {n / (embed_s + sim_s):.0f} statements/s")
    print(f"5-fold CV training time: {cv_s:.1f} s")
    assert set(MOTIVATOR_DESCRIPTIONS) == set(labels), "descriptions and labelled set disagree on labels"


if __name__ == "__main__":
    main()
