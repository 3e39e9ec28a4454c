"""The run folder is all-or-nothing: written whole into a sibling temp folder, then swapped in.

A killed run leaves the previous run folder (or none) in place, never a mix of two runs; a second
run into the same ``--out`` while one is writing fails at once with a clear message (an advisory
``fcntl`` lock on ``.NAME.lock`` beside the folder, released by the kernel when a process dies).
Leftovers of a killed run (``.NAME.tmp-*``, ``.NAME.old-*``) are removed by the next run, under the lock.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path
from types import TracebackType

from insightminer.storage import file_sha256


class RunFolderBusyError(RuntimeError):
    """Another process holds the run folder's lock."""


def output_hashes(folder: Path, skip: tuple[str, ...] = ("run.json",)) -> dict[str, str]:
    """sha256 of every output file in a run folder (run.json itself left out: it holds the hashes)."""
    return {
        p.name: file_sha256(p)
        for p in sorted(Path(folder).iterdir())
        if p.is_file() and not p.name.startswith(".") and p.name not in skip
    }


class RunFolder:
    """``with RunFolder(out) as staging: write into staging; folder.publish()`` swaps it in whole.

    Exiting without publish() (an exception) removes the staging folder and leaves ``out`` as it was.
    """

    def __init__(self, out_dir: str | Path):
        self.out_dir = Path(out_dir)
        parent = self.out_dir.parent
        name = self.out_dir.name
        self.lock_path = parent / f".{name}.lock"
        self.staging = parent / f".{name}.tmp-{os.getpid()}"
        self._old = parent / f".{name}.old-{os.getpid()}"
        self._lock_fd: int | None = None

    # -- lock ---------------------------------------------------------------------------------------
    def acquire(self) -> RunFolder:
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; the swap still keeps the folder whole
            self._clean_leftovers()
            self._lock_fd = -1
            return self
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise RunFolderBusyError(
                    f"another insightminer run is writing {self.out_dir} (lock {self.lock_path}); "
                    "wait for it or choose another --out"
                ) from None
            raise
        self._lock_fd = fd
        self._clean_leftovers()
        return self

    def release(self) -> None:
        if self._lock_fd is not None:
            if self._lock_fd >= 0:
                os.close(self._lock_fd)  # closing drops the flock
            self._lock_fd = None

    def _clean_leftovers(self) -> None:
        name = self.out_dir.name
        for pattern in (f".{name}.tmp-*", f".{name}.old-*"):
            for path in self.out_dir.parent.glob(pattern):
                shutil.rmtree(path, ignore_errors=True)

    # -- staging and swap -----------------------------------------------------------------------------
    def __enter__(self) -> Path:
        if self._lock_fd is None:
            self.acquire()
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir(parents=True)
        return self.staging

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)  # gone already after publish()

    def publish(self) -> None:
        """Swap the finished staging folder in for ``out_dir`` (two renames; a kill between them
        leaves no run folder, which the next run re-creates)."""
        _fsync_dir(self.staging)
        if self.out_dir.exists():
            os.rename(self.out_dir, self._old)
        os.rename(self.staging, self.out_dir)
        _fsync_dir(self.out_dir.parent)
        shutil.rmtree(self._old, ignore_errors=True)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def refresh_manifest_hashes(folder: Path) -> None:
    """After outputs are re-rendered (`insightminer report`), run.json's hashes describe them again."""
    import json

    from insightminer.storage import atomic_write_json

    path = Path(folder) / "run.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # no manifest to refresh (a folder from an older version, or a hand-made one)
    if not isinstance(manifest, dict):
        return
    hashes = output_hashes(folder)
    manifest["outputs_sha256"] = hashes
    manifest["outputs"] = sorted([*hashes, "run.json"])
    if "findings.json" in hashes:
        manifest["findings_sha256"] = hashes["findings.json"]
    atomic_write_json(path, manifest)


def claim_run_folder(out_dir: Path) -> RunFolder:
    """Check --out and lock it before any work: a file, a folder of other files or a busy run
    folder fails now, not after the analysis."""
    from insightminer.ingest.files import run_folder_marker

    problem = unusable_folder(out_dir)
    if problem is not None:
        raise NotADirectoryError(f"cannot write the run folder {out_dir}: {problem}")
    if out_dir.is_dir() and run_folder_marker(out_dir) is None:
        others = sorted(p.name for p in out_dir.iterdir() if not p.name.startswith("."))
        if others:
            shown = ", ".join(others[:5]) + (" ..." if len(others) > 5 else "")
            raise FileExistsError(
                f"--out {out_dir} holds files that are not an insightminer run's ({shown}); a run folder "
                "is replaced whole, so choose a new or empty folder"
            )
    return RunFolder(out_dir).acquire()


def unusable_folder(folder: Path) -> str | None:
    """Why ``folder`` cannot be created or written, or None when it can."""
    probe = Path(folder)
    while not probe.exists():
        if probe.parent == probe:
            return None
        probe = probe.parent
    if not probe.is_dir():
        return f"{probe} is a file, not a folder"
    if not os.access(probe, os.W_OK | os.X_OK):
        return f"{probe} is not writable"
    return None
