"""The shared classifier head: fit, predict, thresholds, and pickle-free round trips."""

from __future__ import annotations

import json

import numpy as np
import pytest

from insightminer.classify.heads import EmbeddingClassifier


def _blobs(seed: int = 0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(3, 24)).astype(np.float32) * 3
    y = np.repeat(np.arange(3), 60)
    X = centres[y] + rng.normal(size=(180, 24)).astype(np.float32)
    return X, y


def test_single_label_fit_predict_and_round_trip(tmp_path):
    X, y = _blobs()
    head = EmbeddingClassifier(["a", "b", "c"], epochs=40, random_state=1).fit(X, y)
    predicted = head.predict(X)
    assert np.mean(np.array(predicted) == np.array(["a", "b", "c"])[y]) > 0.95
    head.save(tmp_path / "head", model_card="# card\n")
    assert sorted(p.name for p in (tmp_path / "head").iterdir()) == [
        "README.md",
        "head.json",
        "head.safetensors",
    ]
    loaded = EmbeddingClassifier.load(tmp_path / "head")
    np.testing.assert_array_equal(loaded.predict_proba(X), head.predict_proba(X))
    # The weights file is safetensors: a JSON header, never a pickle stream.
    raw = (tmp_path / "head" / "head.safetensors").read_bytes()
    header_len = int.from_bytes(raw[:8], "little")
    assert json.loads(raw[8 : 8 + header_len])


def test_string_labels_and_determinism():
    X, y = _blobs(2)
    names = np.array(["x", "y", "z"])[y]
    one = EmbeddingClassifier(["x", "y", "z"], epochs=10, random_state=3).fit(X, names).predict_proba(X)
    two = EmbeddingClassifier(["x", "y", "z"], epochs=10, random_state=3).fit(X, names).predict_proba(X)
    np.testing.assert_array_equal(one, two)
    with pytest.raises(ValueError, match="not in the head's label set"):
        EmbeddingClassifier(["x", "y"], epochs=1).fit(X, names)


def test_multi_label_thresholds():
    X, y = _blobs(4)
    Y = np.stack([y == 0, (y == 1) | (y == 2), y == 2], axis=1).astype(int)
    head = EmbeddingClassifier(["p", "q", "r"], multi_label=True, epochs=40).fit(X, Y)
    thresholds = head.tune_thresholds(X, Y)
    assert thresholds.shape == (3,) and np.all((thresholds > 0) & (thresholds < 1))
    predicted = head.predict(X)
    assert sum(set(p) == {"q", "r"} for p, t in zip(predicted, y) if t == 2) > 50


def test_unfitted_head_says_so():
    with pytest.raises(RuntimeError, match="not fitted"):
        EmbeddingClassifier(["a"]).predict_proba(np.zeros((1, 4), np.float32))


@pytest.mark.parametrize("name", ["motivators", "statement-kind"])
def test_numpy_inference_matches_the_torch_module_of_each_shipped_head(name, tmp_path):
    """A loaded head runs in numpy (no torch in a run); its probabilities are the torch module's."""
    import torch
    from safetensors.torch import load_file

    from insightminer.model_registry import resolve_head

    folder = resolve_head(name)
    head = EmbeddingClassifier.load(folder)
    module = head._build(head.input_dim_)
    module.load_state_dict(load_file(str(folder / "head.safetensors")))
    module.eval()
    X = np.random.default_rng(0).normal(size=(300, head.input_dim_)).astype(np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    with torch.inference_mode():
        logits = module(torch.from_numpy(X))
        expected = (torch.sigmoid(logits) if head.multi_label else torch.softmax(logits, -1)).numpy()
    np.testing.assert_allclose(head.predict_proba(X), expected, atol=2e-6)
    head.save(tmp_path / "copy")  # saved without torch, read back by torch's loader unchanged
    again = load_file(str(tmp_path / "copy" / "head.safetensors"))
    original = load_file(str(folder / "head.safetensors"))
    assert again.keys() == original.keys()
    assert all(torch.equal(again[k], original[k]) for k in original)
