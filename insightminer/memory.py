"""Giving freed memory back to the operating system.

glibc keeps memory a process has freed for reuse; after a stage frees a model's buffers or a batch
of arrays, it mostly stays counted in the process's resident memory, and allocations of the next
stage (in another malloc arena: OpenVINO runs batches in its own threads) do not reuse it. On a
20 MB transcript that was ~0.3 GB per stage. `malloc_trim(0)` returns the free pages of every arena
(a few milliseconds); elsewhere (macOS, musl, Windows) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys


@functools.cache
def _malloc_trim():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def release_freed_memory() -> None:
    """Return the process's free heap pages to the OS where the C library can (glibc)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
