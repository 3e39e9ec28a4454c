"""The `insightminer models` command (its help text is the function's docstring)."""

from __future__ import annotations

from rich.console import Console

from insightminer.cli.common import (
    app,
)


@app.command()
def models() -> None:
    """List the models a run uses and where each resolves (all offline by default)."""
    from rich.table import Table

    from insightminer.model_registry import MODEL_TASKS, models_dir, read_manifest, resolve_embedding_model

    table = Table(title="insightminer models")
    table.add_column("role")
    table.add_column("name")
    table.add_column("task and measured figures")
    table.add_column("resolves to")
    table.add_row(
        "embeddings",
        "all-MiniLM-L6-v2",
        "sentence embeddings (384-d)",
        resolve_embedding_model("all-MiniLM-L6-v2"),
    )
    listed = (read_manifest(models_dir()) if models_dir().is_dir() else None) or {}
    for folder in sorted(p for p in models_dir().iterdir() if p.is_dir()) if models_dir().is_dir() else []:
        entry = listed.get(folder.name, {})
        figures = ", ".join(f"{k} {v}" for k, v in entry.get("figures", {}).items())
        task = entry.get("task") or MODEL_TASKS.get(folder.name, "user-trained classifier")
        table.add_row(
            "trained head", folder.name, f"{task}" + (f" ({figures})" if figures else ""), str(folder)
        )
    from insightminer.speech.whisper_models import cache_root, tiny_en_path

    table.add_row("speech-to-text", "tiny.en (faster-whisper)", "English speech-to-text", str(tiny_en_path()))
    table.add_row(
        "speech-to-text",
        "base (faster-whisper)",
        "multilingual speech-to-text",
        f"joined on first use into {cache_root()}",
    )
    Console().print(table)
