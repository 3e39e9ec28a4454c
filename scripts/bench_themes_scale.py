"""Themes at scale: time, peak memory and quality at 10k, 100k and 1M statements.

Statements are synthetic but realistic: real banking77 MiniLM embeddings, resampled and perturbed with
small Gaussian noise, then renormalised; each keeps its source intent so quality can be scored (ARI).
Each size runs in a fresh subprocess so its peak RSS (ru_maxrss, which includes the embedding matrix
itself: 1.5 GB at 1M x 384 float32) is its own. The growth exponent is the log-log slope of time vs n.

    nice -n 10 python scripts/bench_themes_scale.py [--sizes 10000 100000 1000000] [--noise 0.02]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
CACHE = REPO / ".cache"


def worker(size: int, noise: float, src_dir: Path, seed: int) -> None:
    from sklearn.metrics import adjusted_rand_score

    from insightminer.themes.clustering import ThemeModel

    base = np.load(src_dir / "emb.npy")
    truth_src = np.load(src_dir / "truth.npy")
    texts_src = (src_dir / "texts.txt").read_text(encoding="utf-8").split("\n")
    rng = np.random.default_rng(seed)
    pick = rng.permutation(len(base))[:size] if size <= len(base) else rng.integers(0, len(base), size)
    x = np.empty((size, base.shape[1]), dtype=np.float32)
    for s in range(0, size, 100_000):  # generated in blocks: no second full-size temporary
        block = base[pick[s : s + 100_000]] + rng.normal(
            0, noise, (len(pick[s : s + 100_000]), base.shape[1])
        )
        x[s : s + len(block)] = block / np.linalg.norm(block, axis=1, keepdims=True)
    texts = [texts_src[i] for i in pick]
    truth = truth_src[pick]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    model = ThemeModel(random_state=0).fit(x, texts)
    elapsed = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    labels = model.labels_
    # Streaming: 1% more statements assigned to the fitted themes without re-clustering.
    extra = min(10_000, max(100, size // 100))
    t2 = time.perf_counter()
    model.partial_fit(x[:extra], texts[:extra])
    stream_s = time.perf_counter() - t2
    print(
        json.dumps(
            {
                "n": size,
                "fit_seconds": round(elapsed, 2),
                "peak_rss_mb": round(peak, 1),
                "rss_before_fit_mb": round(rss_before, 1),
                "themes": len(model.themes_),
                "outlier_share": round(float((labels < 0).mean()), 4),
                "ari_vs_intent": round(float(adjusted_rand_score(truth, labels)), 4),
                "partial_fit_rows": extra,
                "partial_fit_seconds": round(stream_s, 2),
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--noise", type=float, default=0.02, help="per-dimension Gaussian noise std")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--src", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker is not None:
        worker(args.worker, args.noise, args.src, args.seed)
        return

    from insightminer.text.embed import Embedder

    src = EVAL / "banking77" / "train.csv"
    if not src.is_file():
        sys.exit(f"benchmark data not found: {src}")
    with src.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    texts = [r["text"].replace("\n", " ") for r in rows]
    _, truth = np.unique([r["category"] for r in rows], return_inverse=True)
    emb = Embedder(cache_dir=CACHE / "embeddings").encode(texts)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        np.save(tmp_dir / "emb.npy", emb)
        np.save(tmp_dir / "truth.npy", truth)
        (tmp_dir / "texts.txt").write_text("\n".join(texts), encoding="utf-8")
        for size in args.sizes:
            cmd = [sys.executable, __file__, "--worker", str(size), "--src", str(tmp_dir),
                   "--noise", str(args.noise), "--seed", str(args.seed)]  # fmt: skip
            proc = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ))
            if proc.returncode != 0:
                sys.exit(f"size {size} failed:\n{proc.stderr[-3000:]}")
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            print(json.dumps(results[-1]), flush=True)
    print("\n| statements | fit seconds | peak RSS (MB) | themes | outliers | ARI vs intent | partial_fit |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['n']:,} | {r['fit_seconds']:.1f} | {r['peak_rss_mb']:.0f} | {r['themes']} | "
            f"{r['outlier_share']:.1%} | {r['ari_vs_intent']:.3f} | "
            f"{r['partial_fit_rows']:,} rows in {r['partial_fit_seconds']:.1f}s |"
        )
    if len(results) >= 2:
        n = np.log([r["n"] for r in results])
        t = np.log([r["fit_seconds"] for r in results])
        slope = np.polyfit(n, t, 1)[0]
        print(f"\ngrowth exponent (log-log slope of fit time vs n): {slope:.2f}")


if __name__ == "__main__":
    main()
