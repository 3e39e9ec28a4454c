"""Inference backends: OpenVINO / ONNX Runtime give torch's embeddings (within 1e-5), whatever the batch.

Real models only: the bundled all-MiniLM-L6-v2 and the shipped emotions-finetuned encoder, on real
interview sentences from the fixtures.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import subprocess
import sys

import numpy as np
import pytest

from insightminer.model_registry import resolve_embedding_model, resolve_head
from insightminer.text.encoders import SentenceEncoder, TokenEncoder, resolve_backend, runtime_version

TOLERANCE = 1e-5
FAST_BACKENDS = ["openvino", "onnx"]


def _require(backend: str) -> None:
    """Skip only when the backend's package is truly absent (say which)."""
    if runtime_version(backend) is None:
        pytest.skip(f"{backend}: its runtime package is not installed")
    if backend == "onnx" and importlib.util.find_spec("onnx") is None:
        pytest.skip("onnx: the `onnx` package (needed to export the model) is not installed")


@pytest.fixture(scope="session")
def sentences(fixtures_dir) -> list[str]:
    """Real statements of varied length from the sample interviews (plain-text transcripts)."""
    out: list[str] = []
    for path in sorted(fixtures_dir.joinpath("interviews").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = line.split(":", 1)[-1].strip()
            if len(text) > 3 and text not in out:
                out.append(text)
    assert len(out) >= 40
    return out[:120]


@pytest.fixture(scope="session")
def torch_embeddings(sentences) -> np.ndarray:
    encoder = SentenceEncoder(resolve_embedding_model("all-MiniLM-L6-v2"), backend="torch")
    assert encoder.backend_ == "torch"
    return encoder.encode(sentences, batch_size=64)


@pytest.fixture(scope="session")
def torch_emotions(sentences) -> np.ndarray:
    from insightminer.classify.emotions import EmotionClassifier

    return EmotionClassifier("emotions-finetuned", backend="torch").predict_proba(None, sentences)


@pytest.mark.parametrize("backend", FAST_BACKENDS)
def test_sentence_embeddings_match_torch_across_batch_sizes_and_order(backend, sentences, torch_embeddings):
    _require(backend)
    encoder = SentenceEncoder(resolve_embedding_model("all-MiniLM-L6-v2"), backend=backend)
    assert encoder.backend_ == backend  # no silent fall-back to torch
    for batch_size in (1, 7, 64):
        vectors = encoder.encode(sentences, batch_size=batch_size)
        assert vectors.shape == torch_embeddings.shape and vectors.dtype == np.float32
        assert np.abs(vectors - torch_embeddings).max() < TOLERANCE, batch_size
    reversed_vectors = encoder.encode(sentences[::-1], batch_size=16)[::-1]
    assert np.abs(reversed_vectors - torch_embeddings).max() < TOLERANCE
    # Nearest neighbours (what themes are built from) are the same.
    v, ref = encoder.encode(sentences), torch_embeddings
    assert (np.argsort(-(v @ v.T), 1)[:, :6] == np.argsort(-(ref @ ref.T), 1)[:, :6]).mean() > 0.99


@pytest.mark.parametrize("backend", FAST_BACKENDS)
def test_finetuned_emotion_encoder_matches_torch(backend, sentences, torch_emotions):
    _require(backend)
    from insightminer.classify.emotions import EmotionClassifier

    classifier = EmotionClassifier("emotions-finetuned", backend=backend)
    assert classifier._finetuned is not None and classifier._finetuned.backend_ == backend
    for batch_size in (1, 32):
        classifier._finetuned.batch_size = batch_size
        probs = classifier.predict_proba(None, sentences)
        assert np.abs(probs - torch_emotions).max() < TOLERANCE, batch_size


def test_token_encoder_torch_matches_sentence_transformers(sentences, torch_embeddings):
    """The hand-written pooling path equals SentenceTransformer.encode on torch itself."""
    from insightminer.text.encoders import mean_pool

    encoder = TokenEncoder(resolve_embedding_model("all-MiniLM-L6-v2"), backend="torch", max_length=256)
    batch = encoder.tokenize(sentences[:20])
    pooled = mean_pool(encoder(batch), batch["attention_mask"])
    pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
    assert np.abs(pooled - torch_embeddings[:20]).max() < TOLERANCE


def test_auto_falls_back_to_torch_when_openvino_and_onnxruntime_are_absent(
    monkeypatch, sentences, torch_embeddings
):
    # A None entry in sys.modules makes `import openvino` raise ImportError, as if not installed.
    monkeypatch.setitem(sys.modules, "openvino", None)
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    assert runtime_version("openvino") is None and runtime_version("onnx") is None
    assert resolve_backend("auto") == "torch"
    encoder = SentenceEncoder(resolve_embedding_model("all-MiniLM-L6-v2"), backend="auto")
    assert encoder.backend_ == "torch"
    np.testing.assert_allclose(encoder.encode(sentences[:10]), torch_embeddings[:10], atol=1e-6)


@pytest.mark.parametrize("backend", FAST_BACKENDS)
def test_requested_backend_that_is_absent_falls_back_with_one_notice(monkeypatch, caplog, backend):
    module = {"openvino": "openvino", "onnx": "onnxruntime"}[backend]
    monkeypatch.setitem(sys.modules, module, None)
    with caplog.at_level(logging.WARNING, logger="insightminer"):
        encoder = TokenEncoder(resolve_head("emotions-finetuned"), backend=backend, max_length=64)
    assert encoder.backend_ == "torch"
    notices = [r.getMessage() for r in caplog.records if r.name == "insightminer"]
    assert len(notices) == 1 and backend in notices[0] and "\n" not in notices[0]
    batch = encoder.tokenize(["The export keeps failing on big files."])
    assert encoder(batch).shape[:2] == batch["input_ids"].shape


def test_auto_prefers_torch_on_cuda_and_rejects_unknown_backends():
    assert resolve_backend("auto", device="cuda") == "torch"
    assert resolve_backend("onnx") == "onnx"
    with pytest.raises(ValueError, match="unknown embedding backend"):
        resolve_backend("tensorrt")


def test_export_is_built_once_into_the_cache(monkeypatch, tmp_path):
    _require("openvino")
    monkeypatch.setenv("INSIGHTMINER_CACHE_DIR", str(tmp_path))
    folder = resolve_head("emotions-finetuned")
    first = TokenEncoder(folder, backend="openvino", max_length=64)
    assert first.backend_ == "openvino"
    exports = [p for p in (tmp_path / "encoders").iterdir() if p.name != "fingerprints"]
    assert len(exports) == 1 and (exports[0] / "model.xml").is_file()
    stamp = (exports[0] / "model.bin").stat().st_mtime_ns
    second = TokenEncoder(folder, backend="openvino", max_length=64)
    assert second.backend_ == "openvino"
    assert (exports[0] / "model.bin").stat().st_mtime_ns == stamp  # reused, not exported again
    assert not [p for p in (tmp_path / "encoders").iterdir() if p.name.startswith(".")]  # no leftovers


def test_a_cold_export_leaves_torch_out_of_the_runs_process(tmp_path):
    """The export runs in a child process: a first run on a fresh cache never imports torch or
    transformers itself (they stayed resident for the whole run, ~0.45 GB)."""
    _require("openvino")
    code = (
        "import sys\n"
        "from insightminer.text.encoders import TokenEncoder\n"
        "from insightminer.model_registry import resolve_head\n"
        "e = TokenEncoder(resolve_head('emotions-finetuned'), backend='openvino', max_length=64)\n"
        "print(e.backend_, e(e.tokenize(['The export keeps failing.'])).shape[0],"
        " 'torch' in sys.modules, 'transformers' in sys.modules)\n"
    )
    env = {**os.environ, "INSIGHTMINER_CACHE_DIR": str(tmp_path), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["openvino", "1", "False", "False"]
    assert list((tmp_path / "encoders").glob("*/model.xml"))  # it was exported, by the child


def test_backend_is_an_execution_detail_not_part_of_the_findings_config():
    from insightminer.config import Config

    config = Config()
    assert config.execution.embedding_backend == "auto"
    assert "execution" not in config.findings_relevant()


def test_padding_per_batch_gives_the_tokenizers_own_batch(sentences):
    """Tokenize once + pad per batch (how long inputs are batched) = tokenizing that batch padded."""
    encoder = TokenEncoder(resolve_head("emotions-finetuned"), backend="torch", max_length=64)
    batch = sentences[:17] + ["", "x " * 200]  # an empty text and one cut at max_length
    padded = encoder.tokenize.pad(encoder.tokenize.encode(batch))
    expected = encoder.tokenize(batch)
    assert padded.keys() == expected.keys()
    for name in expected:
        np.testing.assert_array_equal(padded[name], expected[name], err_msg=name)


def test_batches_follow_token_counts_and_pad_less_than_by_characters(sentences):
    """Rows are batched by token count (longest first, ties by position): less padding than batching
    by characters, sentence-transformers' rule."""
    from insightminer.text.encoders import length_sorted_batches

    encoder = TokenEncoder(resolve_embedding_model("all-MiniLM-L6-v2"), backend="torch", max_length=256)
    counts = [len(e.ids) for e in encoder.tokenize.encode(sentences)]
    order = encoder.length_order(sentences)
    assert [(-counts[i], i) for i in order] == sorted((-c, i) for i, c in enumerate(counts))

    def padded(batches: list[list[int]]) -> int:
        return sum(max(counts[i] for i in rows) * len(rows) for rows in batches)

    by_tokens = padded([order[s : s + 16] for s in range(0, len(order), 16)])
    assert by_tokens < padded(length_sorted_batches(sentences, 16))


@pytest.mark.parametrize("backend", FAST_BACKENDS)
def test_results_are_bitwise_repeatable_whatever_runs_the_batches(backend, sentences):
    """OpenVINO runs several batches at once (one stream each): a run's vectors are the same bits
    every time, and the same as one batch at a time on the synchronous path."""
    _require(backend)
    from insightminer.text.encoders import mean_pool

    encoder = SentenceEncoder(resolve_embedding_model("all-MiniLM-L6-v2"), backend=backend)
    first = encoder.encode(sentences, batch_size=8)
    assert np.array_equal(first, encoder.encode(sentences, batch_size=8))
    tokens = encoder._tokens
    assert tokens is not None
    order = tokens.length_order(sentences)
    for start in range(0, len(order), 8):
        rows = order[start : start + 8]
        batch = tokens.tokenize([sentences[i] for i in rows])
        pooled = mean_pool(tokens(batch), batch["attention_mask"])
        pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        assert np.array_equal(pooled, first[rows]), start


@pytest.mark.parametrize("backend", ["torch", *FAST_BACKENDS])
def test_a_classifier_is_freed_when_its_last_reference_goes(backend, sentences):
    """A run loads one fine-tuned classifier per stage and drops it after: nothing may keep it (and
    its runtime buffers) alive. OpenVINO's batch queue held its callback in C++; the callback's
    closure reached the classifier, a cycle the collector could not break, so every classifier of a
    run stayed in memory (+0.7 GB on a 5 MB transcript)."""
    import gc
    import weakref

    from insightminer.classify.emotions import EmotionClassifier

    if backend != "torch":
        _require(backend)
    classifier = EmotionClassifier("emotions-finetuned", backend=backend)
    classifier.predict_proba(None, sentences[:40])  # several batches through the queue
    held = weakref.ref(classifier._finetuned)  # the fine-tuned encoder and its head
    del classifier
    gc.collect()
    assert held() is None


def test_openvino_one_request_at_a_time_gives_the_same_vectors(monkeypatch, sentences):
    """A CPU or runtime that offers one infer request (LATENCY hint, one core) takes the plain loop."""
    _require("openvino")
    from insightminer.text import encoders

    model = resolve_embedding_model("all-MiniLM-L6-v2")
    queued = SentenceEncoder(model, backend="openvino").encode(sentences, batch_size=8)
    monkeypatch.setitem(encoders.OPENVINO_CONFIG, "PERFORMANCE_HINT", "LATENCY")
    single = SentenceEncoder(model, backend="openvino")
    assert single._tokens._run.jobs == 1
    assert np.array_equal(single.encode(sentences, batch_size=8), queued)
