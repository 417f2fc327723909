"""The c largest logits of every row: the only tokens a beam can extend with.

    top_tokens(z, c)   z (R, V) → indices (R, c) of each row's c largest values

Beam search needs each beam's 2K best tokens out of V (thousands) every
step. NumPy's ``argpartition`` does it in O(V) per row but is slow in practice
(60 ms for 320 × 5000 float32 on one core, where PyTorch's ``topk`` takes 9);
the compiled twin keeps a sorted buffer of the c best seen so far and reads
each row once (a value enters only when it beats the buffer's smallest), so
it touches V values and shifts at most c per insertion. It lists the c best
from the largest; on equal values the lower index is kept and comes first.
The NumPy reference (``seqlab.use_kernels("numpy")``) returns the same set in
any order, ties broken arbitrarily.
"""

from __future__ import annotations

import numpy as np

from seqlab import config
from seqlab.kernels.jit import kernel


@kernel
def _top_tokens_compiled(z, out):
    rows, width = z.shape
    c = out.shape[1]
    best = np.empty(c, z.dtype)
    for r in range(rows):
        n = 0
        for v in range(width):
            x = z[r, v]
            if n < c:
                j = n
                n += 1
            elif x > best[c - 1]:
                j = c - 1
            else:
                continue
            while j > 0 and best[j - 1] < x:
                best[j] = best[j - 1]
                out[r, j] = out[r, j - 1]
                j -= 1
            best[j] = x
            out[r, j] = v


def top_tokens(z: np.ndarray, c: int) -> np.ndarray:
    """Indices (R, c) of the ``c`` (≤ V) largest values of each row of ``z`` (R, V)."""
    V = z.shape[1]
    if config.kernels() == "numpy":
        return np.argpartition(z, V - c, axis=1)[:, V - c:]
    out = np.empty((z.shape[0], c), dtype=np.int64)
    _top_tokens_compiled(np.ascontiguousarray(z), out)
    return out
