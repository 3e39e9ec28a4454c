"""Write models/manifest.json: every shipped model, what it does, its files (bytes, sha256), figures.

Run after training or exporting a model; tests/test_model_manifest.py fails while the manifest and
the files disagree, so a stale or corrupted model cannot land unnoticed.

    python scripts/make_model_manifest.py [--check]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from insightminer.model_registry import MANIFEST_NAME, build_manifest, models_dir  # noqa: E402
from insightminer.storage import atomic_write_text, dumps_json  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if the manifest is out of date")
    args = parser.parse_args()
    path = models_dir() / MANIFEST_NAME
    text = dumps_json(build_manifest(models_dir()))
    if args.check:
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        if current != text:
            sys.exit(f"{path} is out of date: run python scripts/make_model_manifest.py")
        print(f"{path} is up to date")
        return
    atomic_write_text(path, text)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
