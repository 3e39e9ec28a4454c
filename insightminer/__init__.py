"""insightminer: ranked, evidence-backed customer insight from interviews and sales calls."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["Config", "Pipeline", "Result", "__version__"]


def __getattr__(name: str):
    # Lazy so that `import insightminer` (and the CLI's --help) does not pull in torch.
    if name == "Config":
        from insightminer.config import Config

        return Config
    if name in {"Pipeline", "Result"}:
        from insightminer import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'insightminer' has no attribute {name!r}")
