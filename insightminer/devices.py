"""The one rule for `--device` (cpu | cuda | auto), shared by every stage that runs a model."""

from __future__ import annotations

import sys
from pathlib import Path

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
        if "torch" not in sys.modules and not nvidia_driver_present():
            return "cpu"  # importing torch only to hear "no GPU" kept ~0.25 GB resident for the run
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    except Exception:  # noqa: BLE001 - no such runtime, or no CUDA driver at all
        return "cpu"


def nvidia_driver_present() -> bool:
    """Whether this machine has an NVIDIA driver at all (its device nodes or proc entry; WSL's GPU
    node): without one no runtime can see a CUDA GPU, so nothing heavy needs importing to ask."""
    return any(
        Path(p).exists()
        for p in ("/dev/nvidiactl", "/dev/nvidia0", "/proc/driver/nvidia/version", "/dev/dxg")
    )
