"""Embeddings: the real bundled MiniLM, batched, cached on disk by (model, text hash)."""

from __future__ import annotations

import numpy as np

from insightminer.text.embed import Embedder


def test_real_model_embeds_meaningfully(embedder):
    vectors = embedder.encode(
        [
            "The CRM sync keeps duplicating our contacts.",
            "Salesforce records get duplicated by the sync.",
            "I love the new dashboard colours.",
        ]
    )
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_disk_cache_means_rerun_embeds_nothing_new(tmp_path, embedder):
    texts = ["pricing per seat is too high", "onboarding took six weeks", "pricing per seat is too high"]
    first = Embedder(cache_dir=tmp_path)
    first._model = embedder.model  # share the loaded weights; the cache logic is what is under test
    a = first.encode(texts)
    assert first.encoded_count == 2  # the duplicate text is encoded once

    second = Embedder(cache_dir=tmp_path)
    second._model = embedder.model
    b = second.encode(texts + ["a brand new sentence"])
    assert second.encoded_count == 1
    np.testing.assert_array_equal(a, b[:3])
    np.testing.assert_allclose(b[3], embedder.encode(["a brand new sentence"])[0], atol=1e-6)
    assert not list(tmp_path.rglob("*.tmp"))


def test_cache_ignores_a_torn_shard(tmp_path, embedder):
    cached = Embedder(cache_dir=tmp_path)
    cached._model = embedder.model
    cached.encode(["one statement here"])
    folder = next(p for p in tmp_path.iterdir() if p.is_dir())
    (folder / "shard-999999-1.keys.npy").write_bytes(b"garbage from a killed run")
    again = Embedder(cache_dir=tmp_path)
    again._model = embedder.model
    again.encode(["one statement here"])
    assert again.encoded_count == 0
