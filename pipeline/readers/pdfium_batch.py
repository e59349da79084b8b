"""PDFium's getters asked for many items at once: the same question of each of a page's
characters, objects or path segments, answered into a numpy array.

Two ways to make the calls, with the same answers (PDFium's own):
- the compiled loops of ``_pdfium_batch.c``, built by ``pip install`` and loaded with ctypes:
  one ctypes call per question and page;
- where that library was not built (no C compiler at install), ``map`` over the ctypes
  function: no Python step per item, but one ctypes call per item, several times slower
  (tests compare both).
"""

from __future__ import annotations

import ctypes
import importlib.machinery
from collections import deque
from functools import cache
from itertools import repeat
from pathlib import Path

import numpy as np

RETURNS_INT, RETURNS_UNSIGNED, RETURNS_HANDLE = 0, 1, 2  # what a getter returns, as in _pdfium_batch.c
WRITES = None  # a getter that writes its answers (its success flag is not kept)
_RESTYPES = {RETURNS_INT: ctypes.c_int, RETURNS_UNSIGNED: ctypes.c_uint, RETURNS_HANDLE: ctypes.c_size_t}
_ADDRESS, _INT, _SIZE = ctypes.c_void_p, ctypes.c_int, ctypes.c_int64


class Getter:
    """A PDFium function, callable both ways: its address for the compiled loops, and a ctypes
    function taking and returning plain addresses (ctypes then builds no typed pointer per call,
    which costs more than the call itself) for ``map``."""

    __slots__ = ("address", "call", "returns")

    def __init__(self, function, returns: int | None, *argtypes):
        self.address = ctypes.cast(function, ctypes.c_void_p).value
        self.returns = returns
        restype = _RESTYPES[returns] if returns is not None else ctypes.c_int
        self.call = ctypes.CFUNCTYPE(restype, *argtypes)(self.address)


def _library_path() -> Path | None:
    here = Path(__file__).parent
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        if (here / f"_pdfium_batch{suffix}").exists():
            return here / f"_pdfium_batch{suffix}"
    return None


@cache
def compiled():
    """The compiled loops, or None where they were not built."""
    path = _library_path()
    if path is None:
        return None
    library = ctypes.CDLL(str(path))
    pointer = ctypes.c_void_p
    library.budget_returns.argtypes = (pointer, _INT, pointer, _SIZE, pointer, _SIZE, pointer)
    library.budget_writes.argtypes = (pointer, _INT, pointer, _SIZE, pointer, _SIZE, pointer, _SIZE, _SIZE)
    library.budget_returns.restype = library.budget_writes.restype = _INT
    return library


def _handles(handles) -> tuple[np.ndarray, int]:
    """(the handles as a uint64 array, step): one handle (an int) is asked for every item."""
    if isinstance(handles, int):
        return np.array([handles], dtype=np.uint64), 0
    return np.ascontiguousarray(handles, dtype=np.uint64), 1


def returns(getter: Getter, handles, indices=None) -> np.ndarray:
    """``getter(handle)`` for each handle, or ``getter(handle, index)`` for each index (``handles``
    one handle for all of them, or one per index), as int64 (an address as its number, 0 for none)."""
    handle_array, step = _handles(handles)
    index_array = None if indices is None else np.ascontiguousarray(indices, dtype=np.int64)
    n = len(index_array) if index_array is not None else len(handle_array)
    out = np.zeros(n, dtype=np.int64)
    if not n:
        return out
    library = compiled()
    if library is not None:
        library.budget_returns(
            getter.address,
            getter.returns,
            handle_array.ctypes.data,
            step,
            None if index_array is None else index_array.ctypes.data,
            n,
            out.ctypes.data,
        )
        return out
    handle_list = repeat(int(handle_array[0]), n) if step == 0 else handle_array.tolist()
    if index_array is None:
        answers = map(getter.call, handle_list)
    else:
        answers = map(getter.call, handle_list, index_array.tolist())
    out[:] = np.fromiter(answers, dtype=np.int64, count=n)
    return out


def writes(getter: Getter, handles, out: np.ndarray, outputs: int, stride: int, indices=None) -> None:
    """``getter(handle[, index], *addresses)`` for each item: item i's ``outputs`` answers are
    written at ``out[i * stride :]``, consecutive items of ``out`` (a zeroed C-contiguous array)."""
    handle_array, step = _handles(handles)
    index_array = None if indices is None else np.ascontiguousarray(indices, dtype=np.int64)
    n = len(index_array) if index_array is not None else len(handle_array)
    if not n:
        return
    size = out.itemsize
    library = compiled()
    if library is not None:
        failed = library.budget_writes(
            getter.address,
            outputs,
            handle_array.ctypes.data,
            step,
            None if index_array is None else index_array.ctypes.data,
            n,
            out.ctypes.data,
            stride * size,
            size,
        )
        if failed:
            raise ValueError(f"{outputs} outputs: the compiled loops write 1, 2 or 4")
        return
    start = out.ctypes.data
    end = start + stride * size * n
    addresses = [range(start + j * size, end, stride * size) for j in range(outputs)]
    handle_list = repeat(int(handle_array[0]), n) if step == 0 else handle_array.tolist()
    if index_array is None:
        deque(map(getter.call, handle_list, *addresses), 0)
    else:
        deque(map(getter.call, handle_list, index_array.tolist(), *addresses), 0)
