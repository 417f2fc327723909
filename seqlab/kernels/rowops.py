"""Row-block helpers shared by the compiled recurrent loops (masks, dropout, copies).

Whole-block copies and fills are explicit flat loops: NumPy-style slice
assignment compiles Numba's general broadcasting code (seconds of compile
time per use) for what is a plain loop here.
"""

from __future__ import annotations

from seqlab.kernels.jit import kernel


@kernel
def fill_dropped(h_prev, rec_mask, b0, hd):
    """hd[r] = ĥ of row b0 + r = h_prev[b0 + r] ⊙ rec_mask[b0 + r]."""
    n = hd.shape[0]
    hp = h_prev[b0:b0 + n].reshape(-1)  # (n, H) -> (n·H,)
    rm = rec_mask[b0:b0 + n].reshape(-1)  # (n, H) -> (n·H,)
    out = hd.reshape(-1)  # (n, H) -> (n·H,)
    for i in range(out.shape[0]):
        out[i] = hp[i] * rm[i]


@kernel(inline="always")
def gate_block(row, k, width):
    """Block k of a row of gate blocks, each ``width`` wide (a contiguous view):
    the LSTM's [i f g o], the GRU's [z r h]."""
    return row[k * width:(k + 1) * width]


@kernel
def dropped_rows(h_prev, rec_mask, b0, hd):
    """The rows b0:b0+n of ĥ = h_prev ⊙ rec_mask (n = len(hd)) as ``(array, first row)``:
    ``(hd, 0)`` filled, or ``(h_prev, b0)`` itself without recurrent dropout (no copy)."""
    if rec_mask.shape[0] == 0:
        return h_prev, b0
    fill_dropped(h_prev, rec_mask, b0, hd)
    return hd, 0


@kernel
def add_rows(a, b, assign=False):
    """a += b (a = b with ``assign``) for two C-contiguous blocks of one shape, as one flat loop."""
    fa = a.reshape(-1)  # (n, H) -> (n·H,)
    fb = b.reshape(-1)  # (n, H) -> (n·H,)
    if assign:
        for i in range(fa.shape[0]):
            fa[i] = fb[i]
    else:
        for i in range(fa.shape[0]):
            fa[i] += fb[i]


@kernel
def fill_rows(a, value):
    """a[...] = value for a C-contiguous block, as one flat loop (no broadcasting machinery)."""
    fa = a.reshape(-1)  # (n, H) -> (n·H,)
    for i in range(fa.shape[0]):
        fa[i] = value


@kernel
def carry_masked(keep, t, b0, new, old):
    """On masked rows (keep[t, b] False) the step is skipped: new[r] = old[b0 + r]."""
    if keep.shape[0] == 0:
        return
    for r in range(new.shape[0]):
        if not keep[t, b0 + r]:
            src = old[b0 + r]
            dst = new[r]
            for j in range(dst.shape[0]):
                dst[j] = src[j]


@kernel
def zero_masked(keep, t, b0, d):
    """Masked rows get no gradient: d[r] = 0 where keep[t, b0 + r] is False."""
    if keep.shape[0] == 0:
        return
    for r in range(d.shape[0]):
        if not keep[t, b0 + r]:
            dr = d[r]
            for j in range(dr.shape[0]):
                dr[j] = 0


@kernel
def dropped_grad(keep, t, b0, dhd, rec_mask, dh, carry):
    """dh[r] ← dhd[r] ⊙ rec_mask[b0 + r] + dh[r] ⊙ carry[r] on rows that ran step t
    (``carry`` (0, 0): no carry term); masked rows keep dh as it is."""
    H = dh.shape[1]
    has_rm = rec_mask.shape[0] > 0
    has_carry = carry.shape[0] > 0
    for r in range(dh.shape[0]):
        if keep.shape[0] > 0 and not keep[t, b0 + r]:
            continue
        src = dhd[r]
        dr = dh[r]
        if has_rm:
            rm = rec_mask[b0 + r]
            for k in range(H):
                src[k] *= rm[k]
        if has_carry:
            cr = carry[r]
            for k in range(H):
                dr[k] = src[k] + dr[k] * cr[k]
        else:
            for k in range(H):
                dr[k] = src[k]
