"""The one --device rule (insightminer.devices), as the pipeline uses it."""

from __future__ import annotations

import pytest

from insightminer.devices import resolve_device


def test_named_devices_are_kept_and_auto_picks_what_the_runtime_sees():
    import torch

    assert resolve_device("cpu") == "cpu" and resolve_device("cuda") == "cuda"
    assert resolve_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    assert resolve_device("auto", runtime="ctranslate2") in ("cpu", "cuda")


def test_unknown_device_is_named():
    with pytest.raises(ValueError, match="not 'gpu0'"):
        resolve_device("gpu0")


def test_pipeline_embedder_uses_the_resolved_device():
    import torch

    from insightminer import Config, Pipeline

    embedder = Pipeline(Config.from_flat(device="auto", cache_dir="")).embedder()
    assert embedder.device == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(ValueError, match="device must be auto, cpu or cuda"):
        Pipeline(Config.from_flat(device="tpu", cache_dir="")).embedder()
