"""Embed statements with sentence-transformers, batched, cached on disk by (model, text hash).

A re-run embeds nothing it has seen before: vectors live in append-only `.npy` shards keyed by a
BLAKE2 hash of the text, one folder per model. No pickle is involved anywhere.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np

from insightminer.model_registry import resolve_embedding_model
from insightminer.storage import atomic_write_bytes, remove_orphans

DEFAULT_EMBEDDING_MODEL = "all-MiniLM-L6-v2"


def text_hash(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class EmbeddingCache:
    """Append-only on-disk store of vectors keyed by text hash, one folder per model.

    Nothing in it is trusted blindly: a shard whose files do not match (a killed run, another
    model's width, the wrong dtype) is ignored, and a cached vector that is not unit length (a zeroed
    or damaged shard) counts as missing and is encoded again. A folder that cannot be written
    (a file, read-only, a full disk) turns writing off for the run instead of failing it.
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._index: dict[bytes, tuple[int, int]] | None = None
        self._shards: list[np.ndarray] = []
        self.ignored: list[str] = []  # shard files not used, with why
        self.disabled: str | None = None  # why writing was turned off
        self.removed: list[str] = []  # orphan files of killed runs deleted on load

    def _load(self) -> None:
        if self._index is not None:
            return
        self._index = {}
        self._shards = []
        if not self.folder.is_dir():
            return
        # A killed run's leftovers: temp files, and vectors whose keys file was never written.
        keyed = {p.name.replace(".keys.npy", "") for p in self.folder.glob("shard-*.keys.npy")}
        unkeyed = tuple(p.name for p in self.folder.glob("shard-*.vecs.npy") if p.name[:-9] not in keyed)
        self.removed = remove_orphans(self.folder, (".shard-*.tmp", *unkeyed))
        found: list[tuple[np.ndarray, np.ndarray]] = []
        for keys_path in sorted(self.folder.glob("shard-*.keys.npy")):
            vecs_path = keys_path.with_name(keys_path.name.replace(".keys.npy", ".vecs.npy"))
            try:
                keys = np.load(keys_path, allow_pickle=False)
                vecs = np.load(vecs_path, allow_pickle=False, mmap_mode="r")
            except (OSError, ValueError, EOFError):
                self.ignored.append(f"{keys_path.name}: unreadable")
                continue  # a shard from a killed run is ignored, not trusted
            if (
                keys.ndim != 2
                or keys.shape[1] != 16
                or keys.dtype != np.uint8
                or vecs.ndim != 2
                or vecs.dtype != np.float32
                or len(keys) != len(vecs)
            ):
                self.ignored.append(f"{keys_path.name}: wrong shape or type")
                continue
            found.append((keys, vecs))
        # Shards of another width (another model's vectors put here by hand) are never mixed in.
        widths: dict[int, int] = {}
        for _, vecs in found:
            widths[vecs.shape[1]] = widths.get(vecs.shape[1], 0) + len(vecs)
        width = max(sorted(widths), key=lambda w: widths[w]) if widths else None
        for keys, vecs in found:
            if vecs.shape[1] != width:
                self.ignored.append(f"a shard of width {vecs.shape[1]}, not {width}")
                continue
            shard_no = len(self._shards)
            self._shards.append(vecs)
            for row, key in enumerate(keys):
                self._index[bytes(key)] = (shard_no, row)

    def get(self, hashes: list[bytes]) -> tuple[np.ndarray | None, list[int]]:
        """Return (vectors for the found hashes in order or None, indices of the missing ones)."""
        self._load()
        assert self._index is not None
        if not self._shards:
            return None, list(range(len(hashes)))
        out = np.zeros((len(hashes), self._shards[0].shape[1]), dtype=np.float32)
        missing: list[int] = []
        for i, h in enumerate(hashes):
            loc = self._index.get(h)
            if loc is None:
                missing.append(i)
            else:
                out[i] = self._shards[loc[0]][loc[1]]
        # Embeddings are unit length: anything else (zeros, NaN, damage) is encoded again.
        norms = np.linalg.norm(out, axis=1)
        damaged = ~(np.abs(norms - 1.0) < 1e-2)
        damaged[missing] = False
        if damaged.any():
            missing = sorted(set(missing) | set(np.flatnonzero(damaged).tolist()))
        if len(missing) == len(hashes):
            return None, missing
        return out, missing

    def put(self, hashes: list[bytes], vectors: np.ndarray) -> None:
        self._load()
        assert self._index is not None
        if not hashes or self.disabled is not None:
            return
        if self._shards and vectors.shape[1] != self._shards[0].shape[1]:
            self.disabled = (
                f"the model's width {vectors.shape[1]} is not the cached {self._shards[0].shape[1]}"
            )
            return
        keys = np.frombuffer(b"".join(hashes), dtype=np.uint8).reshape(len(hashes), 16)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            shard_no = len(list(self.folder.glob("shard-*.keys.npy")))
            stem = f"shard-{shard_no:06d}-{os.getpid()}"
            # Vectors first, keys last: a shard only counts once its keys file exists.
            atomic_write_bytes(self.folder / f"{stem}.vecs.npy", _npy_bytes(vectors.astype(np.float32)))
            atomic_write_bytes(self.folder / f"{stem}.keys.npy", _npy_bytes(keys))
        except OSError as exc:
            self.disabled = f"cannot write {self.folder} ({exc.strerror or exc})"
            return
        no = len(self._shards)
        try:  # the file just written, memory-mapped: the cache keeps no second copy in memory
            self._shards.append(np.load(self.folder / f"{stem}.vecs.npy", mmap_mode="r", allow_pickle=False))
        except (OSError, ValueError):
            self._shards.append(np.asarray(vectors, dtype=np.float32))
        for row, h in enumerate(hashes):
            self._index[h] = (no, row)


def _npy_bytes(array: np.ndarray) -> bytes:
    import io

    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=False)
    return buf.getvalue()


def _model_key(model_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", model_name).strip("_")[-80:] or "model"


class Embedder:
    """Sentence embeddings for statements, normalised to unit length (so dot product = cosine)."""

    def __init__(
        self,
        model: str = DEFAULT_EMBEDDING_MODEL,
        cache_dir: str | Path | None = None,
        batch_size: int = 64,
        device: str = "cpu",
        encoder: Callable[[list[str]], np.ndarray] | None = None,
        backend: str = "auto",
    ):
        self.model_name = model
        # An outside encoder (e.g. Ray actors running this same model) replaces the local model;
        # the disk cache still decides what needs encoding.
        self.encoder = encoder
        self.batch_size = batch_size
        self.device = device
        # torch | openvino | onnx | auto (insightminer.text.encoders): faithful to torch within 1e-5, so
        # the cache does not need to know which backend wrote a vector.
        self.backend = backend
        self.cache = EmbeddingCache(Path(cache_dir) / _model_key(model)) if cache_dir else None
        self._model = None
        self.cache_chunk = 2048  # texts per cache shard written during a long encode
        self.encoded_count = 0  # texts actually run through the model (not from cache)
        self.progress = False  # a progress bar (stderr) when encode() is not told otherwise

    @property
    def model(self):
        """The loaded SentenceEncoder (its ``backend_`` says which backend runs it)."""
        if self._model is None:
            from insightminer.text.encoders import SentenceEncoder

            self._model = SentenceEncoder(
                resolve_embedding_model(self.model_name), backend=self.backend, device=self.device
            )
        return self._model

    @property
    def dimension(self) -> int:
        return self.model.dimension

    def _encode(self, texts: list[str], show_progress: bool) -> np.ndarray:
        if self.encoder is not None:
            self.encoded_count += len(texts)
            return np.asarray(self.encoder(texts), dtype=np.float32)
        vectors = self.model.encode(texts, batch_size=self.batch_size, show_progress=show_progress)
        self.encoded_count += len(texts)
        return vectors

    def encode(self, texts: list[str], show_progress: bool | None = None) -> np.ndarray:
        """Embed texts in order; cached texts are read back, only new ones go through the model."""
        if show_progress is None:
            show_progress = self.progress
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self.cache is None:
            return self._encode(list(texts), show_progress)
        hashes = [text_hash(t) for t in texts]
        found, missing = self.cache.get(hashes)
        if not missing:
            assert found is not None
            return found
        # Each distinct new text is encoded once, in chunks that reach the disk as they finish: a run
        # killed while embedding keeps everything embedded before the kill. Each chunk's vectors go
        # straight into the output array (no second copy of all new vectors).
        positions: dict[bytes, list[int]] = {}
        for i in missing:
            positions.setdefault(hashes[i], []).append(i)
        keys = list(positions)
        out = found
        for at in range(0, len(keys), self.cache_chunk):
            chunk = keys[at : at + self.cache_chunk]
            part = self._encode([texts[positions[h][0]] for h in chunk], show_progress)
            if out is None:
                out = np.zeros((len(texts), part.shape[1]), np.float32)
            elif out.shape[1] != part.shape[1]:
                # The cache holds another width than this model gives (a folder reused by hand): ignore it.
                self.cache.disabled = self.cache.disabled or "cached vectors have another width"
                return self._encode(list(texts), show_progress)
            self.cache.put(chunk, part)
            for row, h in zip(part, chunk):
                out[positions[h]] = row
        assert out is not None
        return out
