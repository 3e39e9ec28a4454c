"""Benchmark the text pipeline end to end against raw sentence-transformers encode.

Prints statements/second for the whole pipeline (ingest -> report), the share of time per stage,
and raw `SentenceTransformer.encode` on the same statements in the same run; then a re-run with a
warm embedding cache. Input: real business-call transcripts (Earnings-21 speaker turns, read from
../shared/eval beside the repo; never copied into it), written as generic JSON transcripts to a temp
folder, or the bundled sample interviews repeated (--source fixtures).

    python scripts/bench_text_pipeline.py [--source earnings21|fixtures] [--docs 44]
        [--embedding-backend auto|torch|openvino|onnx] [--emotion-model emotions-finetuned]

The pipeline runs on the chosen backend (default auto: OpenVINO fp32 on x86 CPUs); the raw encode
is always PyTorch sentence-transformers, the baseline to beat (goal: pipeline >= 1.5x its throughput).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"


def write_earnings21(folder: Path, max_docs: int, eval_dir: Path = EVAL) -> int:
    turns_dir = eval_dir / "earnings21" / "turns"
    if not turns_dir.is_dir():
        sys.exit(f"Earnings-21 turns not found at {turns_dir}: use --source fixtures")
    files = sorted(turns_dir.glob("*.jsonl"))[:max_docs]
    for path in files:
        turns = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        doc = {
            "doc_id": f"earnings21-{path.stem}",
            "utterances": [{"speaker": t["speaker_name"], "text": t["text"]} for t in turns],
        }
        (folder / f"{path.stem}.json").write_text(json.dumps(doc), encoding="utf-8")
    return len(files)


def write_fixtures(folder: Path, copies: int) -> int:
    source = REPO / "data" / "fixtures" / "interviews"
    n = 0
    for k in range(copies):
        target = folder / f"copy{k:02d}"
        shutil.copytree(source, target)
        n += sum(1 for p in target.iterdir() if p.suffix != ".csv" or p.name != "metadata.csv")
    return n


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--source", choices=["earnings21", "fixtures"], default="earnings21")
    parser.add_argument("--docs", type=int, default=44, help="Earnings-21 calls to use (max 44)")
    parser.add_argument("--copies", type=int, default=10, help="copies of the fixtures (--source fixtures)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--emotion-model", default=None, help="models/ name (default: the Config default)")
    parser.add_argument("--embedding-backend", default="auto", help="auto | torch | openvino | onnx")
    parser.add_argument("--eval-dir", type=Path, default=EVAL, help="the shared eval folder")
    args = parser.parse_args()

    # Start-up of a fresh process, before this one imports anything heavy.
    env = dict(os.environ, PYTHONPATH=str(REPO))
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "insightminer", "--help"], capture_output=True, env=env, check=True)
    help_s = time.perf_counter() - t0

    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

    from insightminer import Config, Pipeline
    from insightminer.model_registry import resolve_embedding_model

    work = Path(tempfile.mkdtemp(prefix="im-bench-"))
    inputs = work / "inputs"
    inputs.mkdir()
    n_docs = (
        write_earnings21(inputs, args.docs, args.eval_dir)
        if args.source == "earnings21"
        else write_fixtures(inputs, args.copies)
    )
    cache = work / "cache"

    # Warm-up: import and load every model once so neither side pays load time in the timings.
    warm = work / "warm"
    warm.mkdir()
    (warm / "w.json").write_text(
        json.dumps(
            {
                "doc_id": "w",
                "utterances": [
                    {"speaker": "Interviewer", "text": "What is hard?"},
                    {
                        "speaker": "Customer",
                        "text": "The sync breaks every week and we lose hours fixing it.",
                    },
                    {
                        "speaker": "Customer",
                        "text": "Our reports are slow and the export fails on big files.",
                    },
                    {"speaker": "Customer", "text": "Pricing per seat is too expensive for a growing team."},
                ],
            }
        )
    )
    models = {"emotion_model": args.emotion_model} if args.emotion_model else {}
    models["embedding_backend"] = args.embedding_backend
    Pipeline(Config.from_flat(cache_dir="", min_theme_documents=1, **models)).run([warm])

    raw_model = SentenceTransformer(resolve_embedding_model("all-MiniLM-L6-v2"), device="cpu")

    config = Config.from_flat(cache_dir=str(cache), batch_size=args.batch_size, **models)
    cold = Pipeline(config)
    t0 = time.perf_counter()
    result = cold.run([inputs], work / "out-cold")
    cold_s = time.perf_counter() - t0
    texts = [s.text for s in result.statements]
    n = len(texts)

    t0 = time.perf_counter()
    raw_model.encode(texts, batch_size=args.batch_size, normalize_embeddings=True, convert_to_numpy=True)
    raw_s = time.perf_counter() - t0

    warm_pipeline = Pipeline(config)
    t0 = time.perf_counter()
    warm_pipeline.run([inputs], work / "out-warm")
    warm_s = time.perf_counter() - t0
    same = (work / "out-cold" / "findings.json").read_bytes() == (
        work / "out-warm" / "findings.json"
    ).read_bytes()

    # A changed analysis setting: the finished-analysis cache misses, the embedding cache still hits.
    changed = Pipeline(config.updated({"rank.min_theme_documents": config.rank.min_theme_documents + 1}))
    t0 = time.perf_counter()
    changed.run([inputs], work / "out-changed")
    changed_s = time.perf_counter() - t0

    print(f"machine: {os.cpu_count()} CPU cores, torch {torch.__version__} threads={torch.get_num_threads()}")
    print(
        f"input: {args.source}, {n_docs} files, {n} customer statements, {len(result.top_findings)} findings"
    )
    print(
        f"emotion model: {config.classify.emotion_model}; embedding backend: {cold.embedder().model.backend_}"
    )
    print(f"start-up: `insightminer --help` in a fresh process {help_s:.2f} s")
    print()
    print(f"{'':38s}{'seconds':>10s}{'stmts/s':>12s}")
    print(f"{'raw SentenceTransformer.encode':38s}{raw_s:10.2f}{n / raw_s:12.1f}")
    print(f"{'insightminer run (cold cache)':38s}{cold_s:10.2f}{n / cold_s:12.1f}")
    print(f"{'insightminer run (warm cache)':38s}{warm_s:10.2f}{n / warm_s:12.1f}")
    print(f"{'  ... changed config, warm embeddings':38s}{changed_s:10.2f}{n / changed_s:12.1f}")
    print()
    print(f"pipeline throughput / raw torch encode throughput: {raw_s / cold_s:.2f}x  (goal >= 1.5x)")
    print(
        f"warm re-run speed-up: {cold_s / warm_s:.1f}x  (goal >= 20x); "
        f"with a changed analysis config (embeddings cached): {cold_s / changed_s:.1f}x"
    )
    print(f"findings.json byte-identical between runs: {same}")
    print()
    print("share of time per stage (cold run):")
    total = cold.timings.get("total", cold_s)
    for stage, seconds in sorted(cold.timings.items(), key=lambda kv: -kv[1]):
        if stage != "total":
            print(f"  {stage:14s}{seconds:8.2f} s {seconds / total:7.1%}")
    print("stages (warm run):", {k: round(v, 2) for k, v in warm_pipeline.timings.items()})
    shutil.rmtree(work, ignore_errors=True)
    _ = np  # numpy imported for the models' sake


if __name__ == "__main__":
    main()
