"""Benchmark the shipped emotion model(s) on GoEmotions dev against TF-IDF + logistic regression.

Prints, for each model: 28-way macro-F1 (per-label thresholds tuned on dev, and the honest dev A->B
figure), Ekman 7-way and sentiment 4-way macro-F1, and statements/second end to end (embedding +
head, or the fine-tuned encoder) on this CPU. The TF-IDF baseline is trained on the train split in the
same run and scored with the same threshold protocol.

Data: ../shared/eval/goemotions beside the repo (evaluation only, never copied into the repo).

Before the GoEmotions figures, each model is scored on the held-back test split of the project's
conversational set (data/labels/conversational_emotions.csv: B2B interview / sales-call speech), as
`insightminer emotions` decides (calibrated models answer neutral below their thresholds): Ekman
accuracy, and recall / precision of the anger group (annoyance, frustration, sarcasm). --models takes
names or paths, so a copy of an older model can be scored next to today's in the same run.

Usage: python scripts/bench_emotions.py [--models emotions emotions-finetuned] [--throughput-n 1000]
                                        [--no-baseline] [--ekman-head] [--conversational-only]
                                        [--min-confidence X]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from train_emotions import (  # noqa: E402
    embed_texts,
    evaluate,
    group_report,
    group_targets,
    load_conversational,
    load_split,
    macro_f1,
    predict_sets,
)

from insightminer.classify.emotions import EKMAN_MAPPING, EmotionClassifier  # noqa: E402
from insightminer.model_registry import models_dir  # noqa: E402


def report(name: str, probs: np.ndarray, Y: np.ndarray, thresholds: np.ndarray | None, rate: float | None):
    """Print one model's row of figures; thresholds None -> tuned on dev here."""
    ev = evaluate(probs, Y, thresholds)
    groups = group_report(probs, Y, ev["thresholds"])
    tuned_here = evaluate(probs, Y)
    print(f"\n== {name}")
    print(f"  28-way macro-F1, shipped/dev-tuned thresholds : {ev['macro_f1']:.4f}")
    print(f"  28-way macro-F1, dev-tuned here               : {tuned_here['macro_f1']:.4f}")
    print(f"  28-way macro-F1, dev half A -> half B         : {ev['macro_f1_dev_a_to_b']:.4f}")
    print(f"  28-way micro-F1                               : {ev['micro_f1']:.4f}")
    for group in ("ekman", "sentiment"):
        g = groups[group]
        print(
            f"  {group:9s} macro-F1: max-agg tuned {g['max_tuned']:.4f} (A->B {g['max_dev_a_to_b']:.4f}), "
            f"noisy-or tuned {g['noisy_or_tuned']:.4f} (A->B {g['noisy_or_dev_a_to_b']:.4f}), "
            f"from label sets {g['from_label_sets']:.4f}, top-1 acc {g['top1_accuracy']:.4f}"
        )
    if rate is not None:
        print(f"  throughput: {rate:.1f} statements/s end to end")
    return ev, groups


def throughput(classifier: EmotionClassifier, texts: list[str]) -> float:
    """Statements/second for embedding + classification from raw text (no embedding cache)."""
    from insightminer.text.embed import Embedder

    if not classifier.needs_embeddings:
        classifier.predict_records(None, texts[:8])  # warm up outside the timing
        start = time.perf_counter()
        classifier.predict_records(None, texts)
        return len(texts) / (time.perf_counter() - start)
    embedder = Embedder(model=classifier.embedding_model)
    classifier.predict_records(embedder.encode(texts[:8]), texts[:8])  # load + warm up
    start = time.perf_counter()
    classifier.predict_records(embedder.encode(texts), texts)
    return len(texts) / (time.perf_counter() - start)


def tfidf_baseline(train_texts, Y_train, dev_texts, n_rate: int) -> tuple[np.ndarray, float]:
    """TF-IDF (word 1-2 grams) + one-vs-rest logistic regression; returns dev probs and statements/s."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectoriser = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=200_000)
    X_train = vectoriser.fit_transform(train_texts)
    models = []
    for j in range(Y_train.shape[1]):
        lr = LogisticRegression(C=4.0, class_weight="balanced", solver="liblinear", random_state=0)
        models.append(lr.fit(X_train, Y_train[:, j]))

    def proba(texts):
        X = vectoriser.transform(texts)
        return np.stack([m.predict_proba(X)[:, 1] for m in models], axis=1).astype(np.float32)

    probs = proba(dev_texts)
    start = time.perf_counter()
    proba(dev_texts[:n_rate])
    return probs, n_rate / (time.perf_counter() - start)


def ekman_head_comparison(X_train, Y_train, X_dev, Y_dev, probs_28: np.ndarray, thresholds) -> None:
    """Ekman from a separately trained 7-way multi-label head vs. aggregating the 28 probabilities."""
    from insightminer.classify.heads import EmbeddingClassifier

    E_train, E_dev = group_targets(Y_train, EKMAN_MAPPING), group_targets(Y_dev, EKMAN_MAPPING)
    head = EmbeddingClassifier(list(EKMAN_MAPPING), multi_label=True, random_state=0).fit(X_train, E_train)
    ev = evaluate(head.predict_proba(X_dev), E_dev)
    agg = group_report(probs_28, Y_dev, thresholds)["ekman"]
    print("\n== Ekman: separate 7-way head vs. aggregated 28-way probabilities (dev)")
    print(
        f"  7-way head, thresholds tuned on dev: {ev['macro_f1']:.4f} (A->B {ev['macro_f1_dev_a_to_b']:.4f})"
    )
    print(f"  28-way max-aggregated             : {agg['max_tuned']:.4f} (A->B {agg['max_dev_a_to_b']:.4f})")
    noisy, noisy_ab = agg["noisy_or_tuned"], agg["noisy_or_dev_a_to_b"]
    print(f"  28-way noisy-or                   : {noisy:.4f} (A->B {noisy_ab:.4f})")
    print(f"  groups of predicted 28-way labels : {agg['from_label_sets']:.4f}")


def conversational_report(names: list[str], min_confidence: float | None) -> None:
    """Ekman accuracy and anger-group recall on the conversational test split, per model."""
    rows = load_conversational(("test",))
    texts = [r["text"] for r in rows]
    truth = np.array([r["ekman"] for r in rows])
    vectors = None
    anger = truth == "anger"
    print(
        f"conversational test split: {len(rows)} statements ({int((truth == 'neutral').sum())} neutral, "
        f"{int(anger.sum())} anger group)"
    )
    print(f"{'model':44s} {'Ekman acc':>9s} {'anger rec':>9s} {'anger prec':>10s} {'non-neutral':>11s}")
    for name in names:
        classifier = EmotionClassifier(name, min_confidence=min_confidence)
        if classifier.needs_embeddings and vectors is None:
            vectors = embed_texts(texts)
        records = classifier.predict_records(vectors if classifier.needs_embeddings else None, texts)
        pred = np.array([r["ekman"] for r in records])
        said_anger = pred == "anger"
        precision = float((anger & said_anger).sum() / max(said_anger.sum(), 1))
        print(
            f"{name[-44:]:44s} {float((pred == truth).mean()):9.3f} {float(said_anger[anger].mean()):9.3f} "
            f"{precision:10.3f} {float((pred != 'neutral').mean()):11.3f}"
        )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", nargs="+", default=None, help="models/ folders (default: all shipped)")
    parser.add_argument(
        "--throughput-n", type=int, default=0, help="dev statements timed for throughput (0 = all 5,426)"
    )
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--ekman-head", action="store_true", help="also train and score a 7-way Ekman head")
    parser.add_argument("--conversational-only", action="store_true", help="skip the GoEmotions figures")
    parser.add_argument("--min-confidence", type=float, default=None, help="override calibrated thresholds")
    args = parser.parse_args()

    names = args.models or [
        n for n in ("emotions", "emotions-hybrid", "emotions-finetuned") if (models_dir() / n).is_dir()
    ]
    conversational_report(names, args.min_confidence)
    if args.conversational_only:
        return
    train_texts, Y_train = load_split("train")
    dev_texts, Y_dev = load_split("dev")
    print(
        f"GoEmotions dev: {len(dev_texts)} comments; train: {len(train_texts)}; CPU threads: {os.cpu_count()}"
    )
    X_dev = embed_texts(dev_texts)
    rate_texts = dev_texts[: args.throughput_n] if args.throughput_n else dev_texts

    for name in names:
        classifier = EmotionClassifier(name)
        probs = classifier.predict_proba(X_dev if classifier.needs_embeddings else None, dev_texts)
        rate = throughput(classifier, rate_texts)
        ev, _ = report(f"{name} ({classifier.kind_})", probs, Y_dev, classifier.thresholds_, rate)
        if args.ekman_head and classifier.needs_embeddings:
            ekman_head_comparison(embed_texts(train_texts), Y_train, X_dev, Y_dev, probs, ev["thresholds"])

    if not args.no_baseline:
        t0 = time.time()
        probs, rate = tfidf_baseline(train_texts, Y_train, dev_texts, len(rate_texts))
        print(f"\n(TF-IDF + LR trained in {time.time() - t0:.0f}s)")
        report("TF-IDF (1-2 grams) + logistic regression (baseline)", probs, Y_dev, None, rate)
        at_half = macro_f1(predict_sets(probs, np.full(28, 0.5)), Y_dev)
        print(f"  28-way macro-F1 at threshold 0.5              : {at_half:.4f}")


if __name__ == "__main__":
    main()
