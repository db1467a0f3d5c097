"""Giving the memory a large batch freed back to the system, so the next stage in the same
process (assessment after a province's ingest, in the CLI or a notebook) starts low.

Arrow's memory pool keeps freed blocks for reuse, and glibc keeps freed heap pages below the
top of the heap: after reading the benchmark's 700 workbooks some 170 MB stayed resident that
nothing used. `give_back()` asks both to return them; where either is unavailable
(another C library, another platform) it does nothing.
"""

from __future__ import annotations

import ctypes
import functools


@functools.cache
def _malloc_trim():
    # the symbols already loaded into this process (glibc's, on Linux); ctypes.util.find_library
    # would start a child process (a fork of a large process, the moment memory matters)
    try:
        return getattr(ctypes.CDLL(None), "malloc_trim", None)
    except (OSError, TypeError):
        return None


def give_back() -> None:
    """Return freed memory held by Arrow's pool and by the C heap to the system."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
