"""Small matrix products for the inside of compiled time loops.

    gemm_acc:     out[r, :] += x[x0 + r, c0 : c0 + K] · M     r < n;  M (K, N), out (≥ n, N)
    gemm_nt:      out[r, j]  = x[x0 + r, :] · M[j, :]         r < n;  M (N, K), out (≥ n, N)
    gemm_tn_acc:  out[m, :] += Σ_{r<n} x[x0 + r, m] · M[r, :]      x (·, K), M (n, N), out (K, N)

They are one step's products for one block of rows (x0 picks the block's
first row, c0 a gate block's first column): ĥU in the forward loop (gemm_acc),
da·Uᵀ in BPTT (gemm_nt, reading U as it is stored), and the step's share of
the weight gradient dU += ĥᵀ da (gemm_tn_acc), taken while da is still in cache.

Why not BLAS: below a few hundred units the call into BLAS costs about as
much as it saves, so the loops keep these products; from
``step_products.BLAS_MIN_UNITS`` units on BLAS takes over
(measurements in ``benchmarks/results/kernel_design_notes.md``).

How: gemm_acc and gemm_tn_acc update two output rows per pass, sharing every
load of M, and fold four rows of M into each update, so one pass over the N
columns does 8 FMAs per 4 loads of M and 2 stores of the output — a contiguous
loop that LLVM vectorises. gemm_nt is for a short N (da·Uᵀ: N = H, K = 4H):
2 × 4 dot products along K at once, each vectorised with its own accumulator.
"""

from __future__ import annotations

from seqlab.kernels.jit import kernel
from seqlab.kernels.rowops import fill_dropped


@kernel
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


@kernel
def gemm_nt(x, x0, M, out, n):
    """out[r, j] = x[x0 + r] · M[j] for r < n, j < N (M is (N, K); overwrites out)."""
    N = M.shape[0]
    K = M.shape[1]
    zero = out.dtype.type(0)
    for r in range(0, n - n % 2, 2):
        xa = x[x0 + r]
        xb = x[x0 + r + 1]
        for j in range(0, N - N % 4, 4):
            m0, m1, m2, m3 = M[j], M[j + 1], M[j + 2], M[j + 3]
            a0 = a1 = a2 = a3 = b0 = b1 = b2 = b3 = zero
            for k in range(K):
                u, v = xa[k], xb[k]
                a0 += u * m0[k]
                a1 += u * m1[k]
                a2 += u * m2[k]
                a3 += u * m3[k]
                b0 += v * m0[k]
                b1 += v * m1[k]
                b2 += v * m2[k]
                b3 += v * m3[k]
            out[r, j], out[r, j + 1], out[r, j + 2], out[r, j + 3] = a0, a1, a2, a3
            out[r + 1, j], out[r + 1, j + 1], out[r + 1, j + 2], out[r + 1, j + 3] = b0, b1, b2, b3
        for j in range(N - N % 4, N):
            out[r, j] = _dot(xa, M[j])
            out[r + 1, j] = _dot(xb, M[j])
    if n % 2:  # the last row of an odd count
        xa = x[x0 + n - 1]
        for j in range(N):
            out[n - 1, j] = _dot(xa, M[j])


@kernel
def _dot(a, b):
    s = a.dtype.type(0)
    for k in range(a.shape[0]):
        s += a[k] * b[k]
    return s


@kernel
def gemm_tn_acc(x, x0, M, out, n):
    """out[m] += Σ_{r<n} x[x0 + r, m] · M[r] for every m < K (x (·, K), M (≥ n, N), out (K, N))."""
    K = out.shape[0]
    N = M.shape[1]
    r = 0
    while r + 4 <= n:
        xa, xb, xc, xd = x[x0 + r], x[x0 + r + 1], x[x0 + r + 2], x[x0 + r + 3]
        ma, mb, mc, md = M[r], M[r + 1], M[r + 2], M[r + 3]
        m = 0
        while m + 2 <= K:
            p0, p1, p2, p3 = xa[m], xb[m], xc[m], xd[m]
            q0, q1, q2, q3 = xa[m + 1], xb[m + 1], xc[m + 1], xd[m + 1]
            o = out[m]
            o2 = out[m + 1]
            for j in range(N):
                v0, v1, v2, v3 = ma[j], mb[j], mc[j], md[j]
                o[j] += p0 * v0 + p1 * v1 + p2 * v2 + p3 * v3
                o2[j] += q0 * v0 + q1 * v1 + q2 * v2 + q3 * v3
            m += 2
        if m < K:
            p0, p1, p2, p3 = xa[m], xb[m], xc[m], xd[m]
            o = out[m]
            for j in range(N):
                o[j] += p0 * ma[j] + p1 * mb[j] + p2 * mc[j] + p3 * md[j]
        r += 4
    while r < n:  # the last rows of a count that is not a multiple of 4
        xa = x[x0 + r]
        ma = M[r]
        for m in range(K):
            p = xa[m]
            o = out[m]
            for j in range(N):
                o[j] += p * ma[j]
        r += 1


@kernel
def add_recurrent_grad(h_prev, rec_mask, b0, hd, d, dU):
    """dU += ĥᵀ d for the rows b0:b0+n of one step (n = len(d)): ĥ = h_prev ⊙ rec_mask,
    or h_prev itself when rec_mask is the (0, 0) sentinel; ``hd`` is (≥ n, H) scratch."""
    n = d.shape[0]
    if rec_mask.shape[0] > 0:
        fill_dropped(h_prev, rec_mask, b0, hd[:n])
        gemm_tn_acc(hd, 0, d, dU, n)
    else:
        gemm_tn_acc(h_prev, b0, d, dU, n)
