"""Themes benchmark: insightminer (through its CLI) vs BERTopic defaults on banking77, same embeddings.

Data: ../shared/eval/banking77/train.csv (10,003 customer banking queries, 77 intents), embedded once
with all-MiniLM-L6-v2 into an on-disk cache that both tools read. Neither tool is told the number of
themes. Metrics on every row, with "unassigned" (-1) counted as its own cluster for both tools:
ARI and NMI against the intents (plus ARI over assigned rows only), outlier share, seconds (embedding
excluded; BERTopic is warmed up first so numba compilation is not counted; insightminer's CLI time
includes process start-up and reading the embedding cache), cross-seed ARI (seed 0
vs seed 1) and whether a repeated run with the same seed gives byte-identical output.

    python scripts/bench_themes.py [--limit N] [--skip-bertopic]
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
CACHE = REPO / ".cache"


def load(limit: int | None) -> tuple[Path, list[str], np.ndarray]:
    src = EVAL / "banking77" / "train.csv"
    if not src.is_file():
        sys.exit(f"benchmark data not found: {src}")
    with src.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if limit:
        rows = rows[:limit]
    _, truth = np.unique([r["category"] for r in rows], return_inverse=True)
    return src, [r["text"] for r in rows], truth


def embed(texts: list[str], model: str) -> np.ndarray:
    from insightminer.text.embed import Embedder

    t = time.perf_counter()
    vectors = Embedder(model, cache_dir=CACHE / "embeddings").encode(texts, show_progress=False)
    print(f"embeddings: {vectors.shape} in {time.perf_counter() - t:.1f}s (cached after the first run)")
    return vectors


def run_cli(csv_path: Path, seed: int, out: Path, model: str) -> tuple[np.ndarray, float]:
    """insightminer themes through the real CLI; embeddings come from the shared cache."""
    cmd = [
        sys.executable, "-m", "insightminer", "themes", str(csv_path), "--text-column", "text",
        "--out", str(out), "--all-statements", "--seed", str(seed), "--cache-dir", str(CACHE),
        "--embedding-model", model,
    ]  # fmt: skip
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        sys.exit(f"insightminer CLI failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    with (out / "assignments.csv").open() as handle:
        labels = np.array([int(r["theme_id"]) for r in csv.DictReader(handle)])
    return labels, elapsed


def run_inprocess(texts: list[str], emb: np.ndarray, seed: int) -> tuple[np.ndarray, float]:
    from insightminer.themes.clustering import ThemeModel

    t = time.perf_counter()
    model = ThemeModel(random_state=seed).fit(emb, texts)
    return model.labels_, time.perf_counter() - t


def run_bertopic(texts: list[str], emb: np.ndarray, seed: int) -> tuple[np.ndarray, float]:
    from bertopic import BERTopic
    from umap import UMAP

    # BERTopic's default UMAP settings, with only random_state added so seeds can be compared.
    umap_model = UMAP(
        n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", low_memory=False, random_state=seed
    )
    t = time.perf_counter()
    topics, _ = BERTopic(umap_model=umap_model).fit_transform(texts, emb)
    return np.asarray(topics), time.perf_counter() - t


def scores(truth: np.ndarray, labels: np.ndarray) -> tuple[float, float, float, float]:
    assigned = labels >= 0
    return (
        adjusted_rand_score(truth, labels),
        normalized_mutual_info_score(truth, labels),
        float((~assigned).mean()),
        adjusted_rand_score(truth[assigned], labels[assigned]),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=None, help="use only the first N rows")
    ap.add_argument("--skip-bertopic", action="store_true")
    ap.add_argument(
        "--embedding-model",
        default="all-MiniLM-L6-v2",
        help="embeddings for both tools: the bundled default, or a sentence-transformers folder / id",
    )
    ap.add_argument(
        "--interleaved",
        type=int,
        default=0,
        help="only time N alternating in-process rounds (insightminer fit, BERTopic fit) and print medians: "
        "on a shared machine, alternating keeps the load the two tools see comparable",
    )
    args = ap.parse_args()
    if args.interleaved:
        _, texts, _ = load(args.limit)
        emb = embed(texts, args.embedding_model)
        run_bertopic(texts[:1500], emb[:1500], 0)  # numba warm-up
        im_t, bt_t = [], []
        for r in range(args.interleaved):
            im_t.append(run_inprocess(texts, emb, r)[1])
            bt_t.append(run_bertopic(texts, emb, r)[1])
            print(f"round {r}: insightminer {im_t[-1]:.1f}s, BERTopic {bt_t[-1]:.1f}s", flush=True)
        print(f"median: insightminer {np.median(im_t):.1f}s, BERTopic {np.median(bt_t):.1f}s")
        return
    src, texts, truth = load(args.limit)
    emb = embed(texts, args.embedding_model)
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = src
        if args.limit:
            csv_path = Path(tmp) / "subset.csv"
            with csv_path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["text"])
                writer.writerows([t] for t in texts)
        rows = []
        im = {s: run_cli(csv_path, s, Path(tmp) / f"im{s}", args.embedding_model) for s in (0, 1)}
        run_cli(csv_path, 0, Path(tmp) / "im0b", args.embedding_model)
        identical = all(
            (Path(tmp) / "im0" / f).read_bytes() == (Path(tmp) / "im0b" / f).read_bytes()
            for f in ("assignments.csv", "themes.json")
        )
        fit_s = run_inprocess(texts, emb, 0)[1]
        for seed in (0, 1):
            labels, sec = im[seed]
            rows.append(("insightminer (CLI)", seed, *scores(truth, labels), len(set(labels) - {-1}), sec))
        im_cross = adjusted_rand_score(im[0][0], im[1][0])
        bt_cross = None
        if not args.skip_bertopic:
            # Warm-up on a small slice: UMAP/pynndescent compile with numba on first use, which is a
            # one-off per process and not what a user pays per run.
            run_bertopic(texts[:1500], emb[:1500], 0)
            bt = {s: run_bertopic(texts, emb, s) for s in (0, 1)}
            for seed in (0, 1):
                labels, sec = bt[seed]
                rows.append(("BERTopic defaults", seed, *scores(truth, labels), len(set(labels) - {-1}), sec))
            bt_cross = adjusted_rand_score(bt[0][0], bt[1][0])

    print(
        f"\nbanking77 train: {len(texts)} statements, {len(set(truth))} intents (number not given to tools); "
        f"embeddings: {args.embedding_model} ({emb.shape[1]}-d), the same for both tools"
    )
    print("| tool | seed | ARI | NMI | outliers | ARI (assigned rows only) | themes | seconds |")
    print("|---|---|---|---|---|---|---|---|")
    for name, seed, ari, nmi, out, ari_a, k, sec in rows:
        print(f"| {name} | {seed} | {ari:.3f} | {nmi:.3f} | {out:.1%} | {ari_a:.3f} | {k} | {sec:.1f} |")
    print(f"\ncross-seed ARI (seed 0 vs 1): insightminer {im_cross:.3f}", end="")
    print(f", BERTopic {bt_cross:.3f}" if bt_cross is not None else "")
    print(f"insightminer same seed twice -> byte-identical assignments.csv + themes.json: {identical}")
    print(f"insightminer in-process ThemeModel.fit (no CLI start-up, no cache read): {fit_s:.1f}s")


if __name__ == "__main__":
    main()
