"""A small matrix product for the inside of compiled time loops.

    out[r, :] += x[x0 + r, c0 : c0 + K] · M        for r = 0 … n−1;  M (K, N), out (≥ n, N)

It is the recurrent product ĥU (and da·Uᵀ in BPTT) of one step for one block
of rows (x0 picks the block's first row, c0 a gate block's first column).

Why not BLAS: inside a Numba loop BLAS is reachable only through SciPy (not a
dependency) and would have to be held to one thread. Measured float32 on one
core of the machine it was tuned on (an AVX-512 EPYC; one-thread OpenBLAS in
brackets): 128 × 32 · 32 × 128 (ĥU of a 32-unit LSTM) 70 GFLOP/s (95),
128 × 128 · 128 × 32 (its da·Uᵀ) 40 (105), 64 × 256 · 256 × 1024 60 (80).
Calling BLAS once per step from Python costs about as much in overhead as it
saves up to H = 256, so the compiled loop keeps its own product there, and
BLAS takes over for larger H (:mod:`seqlab.kernels.rnn_drivers`).

How: two output rows share every load of M, and four rows of M are folded into
each update, so one pass over the N columns does 8 FMAs per 2 loads and 2
stores of the output — one store per output row per pass, a contiguous loop
that LLVM vectorises.
"""

from __future__ import annotations

from numba import njit

from seqlab.kernels.fastmath import JIT


@njit(**JIT)
def gemm_acc(x, x0, c0, M, out, n):
    """out[r] += x[x0 + r, c0:c0 + K] · M for r < n (M is (K, N); C-contiguous arrays)."""
    K = M.shape[0]
    N = M.shape[1]
    K4 = K - K % 4
    r = 0
    while r + 2 <= n:
        xa = x[x0 + r, c0:c0 + K]
        xb = x[x0 + r + 1, c0:c0 + K]
        oa = out[r]
        ob = out[r + 1]
        for k in range(0, K4, 4):
            a0, a1, a2, a3 = xa[k], xa[k + 1], xa[k + 2], xa[k + 3]
            b0, b1, b2, b3 = xb[k], xb[k + 1], xb[k + 2], xb[k + 3]
            m0, m1, m2, m3 = M[k], M[k + 1], M[k + 2], M[k + 3]
            for j in range(N):
                v0, v1, v2, v3 = m0[j], m1[j], m2[j], m3[j]
                oa[j] += a0 * v0 + a1 * v1 + a2 * v2 + a3 * v3
                ob[j] += b0 * v0 + b1 * v1 + b2 * v2 + b3 * v3
        for k in range(K4, K):
            a0, b0, m0 = xa[k], xb[k], M[k]
            for j in range(N):
                oa[j] += a0 * m0[j]
                ob[j] += b0 * m0[j]
        r += 2
    if r < n:  # the last row of an odd count
        xa = x[x0 + r, c0:c0 + K]
        oa = out[r]
        for k in range(0, K4, 4):
            a0, a1, a2, a3 = xa[k], xa[k + 1], xa[k + 2], xa[k + 3]
            m0, m1, m2, m3 = M[k], M[k + 1], M[k + 2], M[k + 3]
            for j in range(N):
                oa[j] += a0 * m0[j] + a1 * m1[j] + a2 * m2[j] + a3 * m3[j]
        for k in range(K4, K):
            a0, m0 = xa[k], M[k]
            for j in range(N):
                oa[j] += a0 * m0[j]
