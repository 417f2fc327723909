"""The recurrent product of one step for one block of rows: in-loop small gemm, or BLAS.

    add_product(x, x0, c0, M, out, n, blas, scratch)   out[:n] += x[x0:x0+n, c0:c0+K] · M
    product_nt(x, x0, M, M_T, out, n, blas)            out[:n]  = x[x0:x0+n] · Mᵀ

Each loop of :mod:`.rnn_loop`, :mod:`.lstm_loop` and :mod:`.gru_loop` calls
these for ĥ_{t−1}U (forward) and da_t·Uᵀ (BPTT). They are :mod:`.smallgemm`'s
in-loop products, and the batch is cut into one block of rows per thread,
except from ``BLAS_MIN_UNITS`` units on at one thread (``Rows.blas``,
:func:`use_blas`): then the loop runs the whole batch as one block and each
product is one call to NumPy's BLAS, a short trip back into Python
(``numba.objmode``, a few µs) that is nothing next to a product of that
size. ``M_T`` is Mᵀ as a contiguous copy, which BLAS multiplies faster than
the transposed view; ``scratch`` holds the BLAS product before it is added.
"""

from __future__ import annotations

import numpy as np
from numba import objmode

from seqlab.kernels.jit import kernel
from seqlab.kernels.rowops import add_rows
from seqlab.kernels.smallgemm import gemm_acc, gemm_nt
from seqlab.kernels.threads import thread_count

#: From this many units on, the recurrent products of a step go to BLAS.
BLAS_MIN_UNITS = 256


def use_blas(units: int) -> bool:
    """Whether a layer of ``units`` units runs its step products in BLAS: from
    ``BLAS_MIN_UNITS`` units on, on one thread. With several threads every layer runs
    the in-loop products on row blocks: BLAS's threads, spinning between the steps'
    calls, would slow the row blocks of the other layers."""
    return units >= BLAS_MIN_UNITS and thread_count() == 1


# GIL held: the object-mode block re-enters Python (a nogil function holding
# one makes Numba warn that it cannot run in parallel).
@kernel(nogil=False)
def blas_matmul(a, b, out):
    """out = a · b by NumPy (BLAS), from compiled code."""
    with objmode():
        np.matmul(a, b, out=out)


@kernel
def add_product(x, x0, c0, M, out, n, blas, scratch):
    """out[:n] += x[x0:x0+n, c0:c0+K] · M, M (K, N) (see the module docstring)."""
    if blas:
        K = M.shape[0]
        blas_matmul(x[x0:x0 + n, c0:c0 + K], M, scratch[:n])
        add_rows(out[:n], scratch[:n])
    else:
        gemm_acc(x, x0, c0, M, out, n)


@kernel
def product_nt(x, x0, M, M_T, out, n, blas):
    """out[:n] = x[x0:x0+n] · Mᵀ, M (N, K), M_T = Mᵀ contiguous (used with ``blas``)."""
    if blas:
        blas_matmul(x[x0:x0 + n], M_T, out[:n])
    else:
        gemm_nt(x, x0, M, out, n)
