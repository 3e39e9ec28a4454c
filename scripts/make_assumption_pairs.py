"""Build data/labels/assumption_pairs.csv from the hand-written batches (dev, dev2; held, held2).

Each YAML batch lists, per assumption, statements that support it, contradict it, or merely mention
its topic. "unrelated" pairs are drawn from the other assumptions' statements: from the same domain
first (the hard case: a real pain in the same product, sharing its vocabulary, but a different
problem), then from other domains. The draw is seeded by the assumption id, so the CSV is the same
on every run. Pairs never cross batches: the held-back batch stays unseen by training.

    python scripts/make_assumption_pairs.py
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from insightminer.storage import atomic_write_text  # noqa: E402

LABELS_DIR = REPO / "data" / "labels"
BATCHES = (
    "assumption_pairs_dev.yaml",
    "assumption_pairs_held.yaml",
    "assumption_pairs_dev2.yaml",
    "assumption_pairs_held2.yaml",
)
OUT = LABELS_DIR / "assumption_pairs.csv"
COLUMNS = ["batch", "domain", "assumption_id", "assumption", "statement", "label", "source"]
OWN = (("supports", "supports"), ("contradicts", "contradicts"), ("mentions", "mentions"))
SAME_DOMAIN_PER_OTHER = {"supports": 6, "contradicts": 1, "mentions": 1}
OTHER_DOMAINS = 6


def _rng(key: str) -> random.Random:
    return random.Random(int(hashlib.sha256(key.encode()).hexdigest()[:16], 16))


def batch_rows(path: Path) -> list[dict[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    batch = data["batch"]
    items = [(d["domain"], a) for d in data["domains"] for a in d["assumptions"]]
    rows = []
    for domain, a in items:
        base = {"batch": batch, "domain": domain, "assumption_id": a["id"], "assumption": a["text"]}
        for field, label in OWN:
            rows += [{**base, "statement": s, "label": label, "source": "own"} for s in a[field]]
        rng = _rng(a["id"])
        for other_domain, b in items:
            if other_domain != domain or b["id"] == a["id"]:
                continue
            for field, k in SAME_DOMAIN_PER_OTHER.items():
                for s in rng.sample(b[field], k):
                    rows.append({**base, "statement": s, "label": "unrelated", "source": "same_domain"})
        others = [s for d, b in items if d != domain for s in b["supports"]]
        for s in rng.sample(others, OTHER_DOMAINS):
            rows.append({**base, "statement": s, "label": "unrelated", "source": "other_domain"})
    return rows


def main() -> None:
    rows = [r for name in BATCHES for r in batch_rows(LABELS_DIR / name)]
    keys = [(r["assumption_id"], r["statement"]) for r in rows]
    if len(set(keys)) != len(keys):
        raise SystemExit("duplicate (assumption, statement) pair: check the YAML batches")
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_text(OUT, buf.getvalue())
    counts: dict[tuple[str, str], int] = {}
    for r in rows:
        counts[(r["batch"], r["label"])] = counts.get((r["batch"], r["label"]), 0) + 1
    print(f"wrote {OUT} ({len(rows)} pairs)")
    for key in sorted(counts):
        print(f"  {key[0]:5s} {key[1]:12s} {counts[key]}")


if __name__ == "__main__":
    main()
