"""The one rule for `--device` (cpu | cuda | auto), shared by every stage that runs a model."""

from __future__ import annotations

DEVICES = ("auto", "cpu", "cuda")


def resolve_device(device: str, runtime: str = "torch") -> str:
    """ "cpu" or "cuda": "auto" picks cuda when `runtime` ("torch" or "ctranslate2") sees a GPU.

    An unknown name is a ValueError naming it, before any model loads. A runtime that is missing or
    has no CUDA build counts as no GPU: "auto" then means cpu, never a crash.
    """
    if device not in DEVICES:
        raise ValueError(f"device must be auto, cpu or cuda, not {device!r}")
    if device != "auto":
        return device
    try:
        if runtime == "ctranslate2":
            import ctranslate2

            return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    except Exception:  # noqa: BLE001 - no such runtime, or no CUDA driver at all
        return "cpu"
