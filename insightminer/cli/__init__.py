"""The `insightminer` command: a package of thin typer wrappers over Pipeline and the stage modules,
one module per command; what they share (the app, the console, option types, Config's defaults) is in
common.py."""

from __future__ import annotations

import importlib
import os

from rich.markup import escape

from insightminer.cli.common import app, console

__all__ = ["COMMANDS", "app", "main"]

#: One module per command, in the order `insightminer --help` lists them (importing one registers it).
COMMANDS = (
    "run",
    "ingest",
    "transcribe",
    "themes",
    "emotions",
    "motivators",
    "kinds",
    "train",
    "report",
    "clips",
    "models",
)
for _module in COMMANDS:
    importlib.import_module(f"insightminer.cli.{_module}")


def main() -> None:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        app()
    except (FileNotFoundError, ValueError, RuntimeError, OSError) as exc:
        # Known failure modes reach the user as one clear line, not a traceback.
        console.print(f"[bold red]error:[/bold red] {escape(str(exc))}")
        raise SystemExit(1) from None
