"""NumPy's own BLAS ``gemm``, called from compiled loops.

    gemm(address, index, a, b, c, beta):   c ← a · b + beta · c   (row-major, alpha = 1)

Numba reaches BLAS only through SciPy, which seqlab does not depend on. NumPy
ships a BLAS of its own (OpenBLAS in the wheels); :func:`find_gemm` looks up
its ``cblas_sgemm`` / ``cblas_dgemm`` in the BLAS libraries threadpoolctl
reports (NumPy's own first), trying the symbol prefixes and suffixes of
NumPy's builds (``scipy_…64_`` in the OpenBLAS wheels, plain names
elsewhere). The compiled code receives the function's address at run time,
so the on-disk cache stays valid between processes, and an integer of BLAS's
index width, which picks the compiled variant (int64 for an ILP64 build, as
OpenBLAS reports in its configuration string, int32 otherwise).

A time loop that must call BLAS at every step and wait for other threads
between steps can then stay compiled from end to end; with a Python loop,
each step would hand the GIL between threads (measured 17 µs per step for
two threads doing nothing else, 250 µs with a little NumPy in the loop).

Rows of A, B and C must be contiguous (unit stride along the last axis); the
leading dimension comes from the row stride, so column blocks of wider arrays
work. BLAS's thread count is whatever it is set to: callers running several
compiled threads hold it to one (threadpoolctl).
"""

from __future__ import annotations

import ctypes
import os
from dataclasses import dataclass
from functools import cache

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

_ROW_MAJOR, _NO_TRANS = 101, 111  # CBLAS enum values
_NAMES = [(prefix, suffix) for prefix in ("scipy_", "") for suffix in ("64_", "_64", "")]


@dataclass(frozen=True)
class Gemm:
    """Addresses of one BLAS's cblas_sgemm / cblas_dgemm and its index type."""

    sgemm: int
    dgemm: int
    index: np.integer  # np.int64(0) for ILP64, np.int32(0) otherwise

    def address(self, dtype: np.dtype) -> int:
        return self.sgemm if np.dtype(dtype) == np.float32 else self.dgemm


@cache
def find_gemm() -> Gemm | None:
    """NumPy's BLAS gemm functions, or None when they cannot be found."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    np.ones((2, 2)) @ np.ones((2, 2))  # make sure NumPy's BLAS is loaded
    libraries = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    # NumPy's own first (numpy.libs in the wheels); SciPy may have loaded another
    libraries.sort(key=lambda i: "numpy" not in os.path.basename(os.path.dirname(i["filepath"])))
    for info in libraries:
        try:
            library = ctypes.CDLL(info["filepath"])
        except OSError:
            continue
        for prefix, suffix in _NAMES:
            try:
                s = getattr(library, f"{prefix}cblas_sgemm{suffix}")
                d = getattr(library, f"{prefix}cblas_dgemm{suffix}")
            except AttributeError:
                continue
            index = np.int64(0) if _ilp64(library, prefix, suffix) else np.int32(0)
            return Gemm(ctypes.cast(s, ctypes.c_void_p).value,
                        ctypes.cast(d, ctypes.c_void_p).value, index)
    return None


def _ilp64(library: ctypes.CDLL, prefix: str, suffix: str) -> bool:
    """Whether the library takes 64-bit indices: OpenBLAS says so in its build
    configuration (USE64BITINT); otherwise the ``64`` symbol suffix decides."""
    try:
        get_config = getattr(library, f"{prefix}openblas_get_config{suffix}")
    except AttributeError:
        return "64" in suffix
    get_config.restype = ctypes.c_char_p
    return b"USE64BITINT" in (get_config() or b"")


@intrinsic
def _cblas_gemm(typingctx, address, index, a, b, c, beta):
    """cblas_?gemm(RowMajor, NoTrans, NoTrans, m, n, k, 1, a, lda, b, ldb, beta, c, ldc)."""
    if not all(isinstance(t, types.Array) and t.ndim == 2 for t in (a, b, c)):
        return None
    if not (a.dtype == b.dtype == c.dtype and a.dtype in (types.float32, types.float64)):
        return None

    def codegen(context, builder, signature, args):
        address_value, _, a_value, b_value, c_value, beta_value = args
        float_type = context.get_value_type(a.dtype)
        int_type = context.get_value_type(index)
        enum_type = ir.IntType(32)
        pointer = float_type.as_pointer()

        def parts(array_type, value):
            array = context.make_array(array_type)(context, builder, value)
            rows, cols = cgutils.unpack_tuple(builder, array.shape, 2)
            row_stride = cgutils.unpack_tuple(builder, array.strides, 2)[0]
            itemsize = context.get_constant(types.intp, context.get_abi_sizeof(float_type))
            lead = builder.sdiv(row_stride, itemsize)  # leading dimension, in elements
            return builder.bitcast(array.data, pointer), rows, cols, lead

        a_ptr, m, _, lda = parts(a, a_value)
        b_ptr, k, n, ldb = parts(b, b_value)
        c_ptr, _, _, ldc = parts(c, c_value)

        def as_index(v):
            return builder.trunc(v, int_type) if int_type.width < 64 else v

        function_type = ir.FunctionType(ir.VoidType(), [
            enum_type, enum_type, enum_type, int_type, int_type, int_type, float_type, pointer,
            int_type, pointer, int_type, float_type, pointer, int_type])
        function = builder.inttoptr(address_value, function_type.as_pointer())
        builder.call(function, [
            ir.Constant(enum_type, _ROW_MAJOR), ir.Constant(enum_type, _NO_TRANS),
            ir.Constant(enum_type, _NO_TRANS), as_index(m), as_index(n), as_index(k),
            ir.Constant(float_type, 1.0), a_ptr, as_index(lda), b_ptr, as_index(ldb),
            context.cast(builder, beta_value, signature.args[5], a.dtype), c_ptr, as_index(ldc)])
        return context.get_dummy_value()

    return types.void(types.intp, index, a, b, c, beta), codegen


@njit(cache=True, nogil=True)
def gemm(address, index, a, b, c, beta):
    """c ← a · b + beta · c by the BLAS function at ``address`` (see module docstring)."""
    if a.shape[1] != b.shape[0] or c.shape[0] != a.shape[0] or c.shape[1] != b.shape[1]:
        raise ValueError("gemm: shapes do not match")
    if a.strides[1] != a.itemsize or b.strides[1] != b.itemsize or c.strides[1] != c.itemsize:
        raise ValueError("gemm: rows must be contiguous")
    _cblas_gemm(address, index, a, b, c, beta)
