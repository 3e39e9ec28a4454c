"""Train the shipped motivators head: data/labels/motivators.csv -> models/motivators.

    python scripts/train_motivators.py

Same code path as `insightminer train-classifier data/labels/motivators.csv --text-column text
--label-column label --out models/motivators`.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from insightminer.embed import Embedder  # noqa: E402
from insightminer.model_registry import models_dir  # noqa: E402
from insightminer.training import train_classifier  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    import torch

    # One thread: float sums then run in one fixed order, so the shipped weights are reproducible
    # byte for byte whatever the core count (training takes seconds either way).
    torch.set_num_threads(1)
    out = models_dir() / "motivators"
    metrics = train_classifier(
        REPO / "data" / "labels" / "motivators.csv", "text", "label", out, embedder=Embedder()
    )
    cv = metrics["cv"]
    print(f"saved {out}: {metrics['n_examples']} examples, {len(metrics['labels'])} labels")
    if cv:
        print(f"5-fold CV macro-F1 {cv['macro_f1']:.3f}, accuracy {cv['accuracy']:.3f}")
        for label, f1 in cv["per_class_f1"].items():
            print(f"  {label:28s} {f1:.3f}")
    else:
        print(metrics["cv_note"])


if __name__ == "__main__":
    main()
