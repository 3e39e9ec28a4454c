"""Where the heavy stages (speech-to-text, embedding) run: in this process, or on a Ray cluster.

One executor interface for both, so the Pipeline has no Ray branches: `transcribe(paths, options)`
-> {path: Transcript or the reason it failed}, and `embedding_encoder(model, device, batch_size)` ->
a callable texts -> vectors, or None to let the Embedder encode in-process.

The stage code does not change: Ray tasks and actors call the same Transcriber and Embedder a local
run uses, and the results come back as plain data. `ray` is an optional dependency
(`pip install 'insightminer[ray]'`); `address=None` starts a local Ray instance, "auto" joins the
cluster this machine belongs to, and "ray://host:10001" connects to a remote head.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np


class LocalExecutor:
    """Everything in this process (the default): one Transcriber, loaded on first use."""

    def __init__(self) -> None:
        self._transcriber: Any = None

    def embedding_encoder(self, model: str, device: str = "cpu", batch_size: int = 64) -> None:  # noqa: ARG002
        return None  # the Embedder encodes (and caches) itself: nothing to fan out

    def transcriber(self, options: Any) -> Any:
        if self._transcriber is None or self._transcriber.options != options:
            from insightminer.speech.transcribe import Transcriber

            self._transcriber = Transcriber(options)
        return self._transcriber

    def transcribe(self, paths: Sequence[Path], options: Any) -> dict[Path, Any]:
        """Batched across files: path -> Transcript, or the AudioError."""
        return dict(self.transcriber(options).transcribe_many([Path(p) for p in paths]))

    def shutdown(self) -> None:
        self._transcriber = None


def make_executor(kind: str, address: str | None = None, num_workers: int = 2) -> LocalExecutor | RayExecutor:
    """The executor ExecutionOptions names: "local" or "ray"."""
    if kind == "ray":
        return RayExecutor(address, num_workers=num_workers)
    if kind == "local":
        return LocalExecutor()
    raise ValueError(f"executor must be local or ray, not {kind!r}")


def _require_ray():
    try:
        import ray
    except ImportError as exc:
        raise RuntimeError(
            "the Ray executor needs Ray: pip install 'insightminer[ray]' (or run without --executor ray)"
        ) from exc
    return ray


class RayExecutor:
    """Maps embedding batches over a pool of Ray actors and audio files over Ray tasks."""

    def __init__(self, address: str | None = None, num_workers: int = 2, num_gpus_per_worker: float = 0.0):
        self.address = address
        self.num_workers = max(1, num_workers)
        self.num_gpus_per_worker = num_gpus_per_worker
        self._actors: dict[tuple[str, str], list[Any]] = {}
        self._started_here = False

    def _ray(self):
        ray = _require_ray()
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
            if self.address:
                kwargs["address"] = self.address
            ray.init(**kwargs)
            self._started_here = True
        return ray

    def shutdown(self) -> None:
        if self._started_here:
            self._ray().shutdown()
            self._started_here = False
        self._actors.clear()

    # -- embeddings --------------------------------------------------------------------------
    def embedding_encoder(self, model: str, device: str = "cpu", batch_size: int = 64):
        """A callable texts -> vectors that fans batches out over Ray actors (models load once each)."""
        ray = self._ray()
        key = (model, device)
        if key not in self._actors:
            actor_cls = ray.remote(num_gpus=self.num_gpus_per_worker)(_EmbeddingWorker)
            self._actors[key] = [actor_cls.remote(model, device, batch_size) for _ in range(self.num_workers)]
        actors = self._actors[key]

        def encode(texts: Sequence[str]) -> np.ndarray:
            texts = list(texts)
            if not texts:
                return np.zeros((0, 0), dtype=np.float32)
            chunk = max(1, -(-len(texts) // len(actors)))
            futures = [
                actors[k].encode.remote(texts[start : start + chunk])
                for k, start in enumerate(range(0, len(texts), chunk))
            ]
            return np.concatenate(ray.get(futures)).astype(np.float32)

        return encode

    # -- speech-to-text ----------------------------------------------------------------------
    def transcribe(self, paths: Sequence[Path], options: Any) -> dict[Path, Any]:
        """Transcribe files in parallel: path -> Transcript, or the AudioError message as a string."""
        ray = self._ray()
        task = ray.remote(num_gpus=self.num_gpus_per_worker)(_transcribe_one)
        futures = {Path(p): task.remote(str(p), options) for p in paths}
        out: dict[Path, Any] = {}
        from insightminer.schema import Transcript

        for path, future in futures.items():
            ok, payload = ray.get(future)
            out[path] = Transcript.from_dict(payload) if ok else payload
        return out


class _EmbeddingWorker:
    def __init__(self, model: str, device: str, batch_size: int):
        from insightminer.text.embed import Embedder

        self.embedder = Embedder(model, cache_dir=None, batch_size=batch_size, device=device)

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.embedder.encode(texts)


def _transcribe_one(path: str, options: Any) -> tuple[bool, Any]:
    from insightminer.speech.transcribe import Transcriber

    try:
        return True, Transcriber(options).transcribe(Path(path)).to_dict()
    except ValueError as exc:  # AudioError is a ValueError: a clear, per-file reason
        return False, str(exc)
