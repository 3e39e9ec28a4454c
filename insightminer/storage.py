"""Atomic file writes: a killed run never leaves a half-written output behind."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()  # what open() would have given; mkstemp's 0600 would hide outputs


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    # A lone surrogate (a non-UTF-8 file name given on the command line) is written as "\udcff" text
    # rather than failing the whole write.
    atomic_write_bytes(path, text.encode("utf-8", "backslashreplace"))


def dumps_json(data: Any) -> str:
    """Deterministic JSON: sorted keys, fixed separators, trailing newline."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def atomic_write_json(path: str | Path, data: Any) -> None:
    atomic_write_text(path, dumps_json(data))


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of a file, read in blocks (model weights and audio can be GBs)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(8 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


#: A temp file older than this was left by a killed process, not one still writing.
ORPHAN_AGE_S = 3600.0


def remove_orphans(
    folder: str | Path, patterns: tuple[str, ...], max_age_s: float = ORPHAN_AGE_S
) -> list[str]:
    """Delete files in ``folder`` matching ``patterns`` and untouched for ``max_age_s`` (a killed run's
    leftovers); returns their names. Young files are left alone: another process may be writing them."""
    import time

    folder = Path(folder)
    removed: list[str] = []
    if not folder.is_dir():
        return removed
    now = time.time()
    for pattern in patterns:
        for path in sorted(folder.glob(pattern)):
            try:
                if path.is_file() and now - path.stat().st_mtime > max_age_s:
                    path.unlink()
                    removed.append(path.name)
            except OSError:  # gone already, or not ours to delete
                continue
    return removed
