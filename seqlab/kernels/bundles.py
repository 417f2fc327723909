"""Named bundles handed to the compiled time loops instead of long argument lists.

Numba compiles one specialisation per combination of the fields' types, so
every field always holds the same kind of value; "none" is an empty array,
never None:

    Masks(keep, rec_mask)      step mask (T, B) bool, False = skip the step;
                               recurrent dropout (B, H) = m_h / (1 − rate).
                               A (0, 0) array stands for "no mask".
    Acts(act, rec_act,         activation codes (fastmath.ACTIVATION_CODES) and,
         forward, backward)    for float32 rows of tanh/sigmoid blocks, the
                               coefficients of one mixed pass over a whole row
                               (fastmath.mixed_coefficients; (0, 0) otherwise)
    Rows(b0, b1, blas)         the batch rows b0:b1 one call runs; ``blas``: its
                               recurrent products go to NumPy's BLAS (large H)
                               instead of the in-loop products of smallgemm

The per-step arrays each cell keeps (its cache, time-major (T, B, ·)) and its
gradients are bundled in the cell's own module (``LSTMSteps``, ``LSTMGrads``, …).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from seqlab.kernels.fastmath import ACTIVATION_CODES, mixed_coefficients

Masks = namedtuple("Masks", "keep rec_mask")
Acts = namedtuple("Acts", "act rec_act forward backward")
Rows = namedtuple("Rows", "b0 b1 blas")


def masks(step_mask: np.ndarray | None, rec_mask: np.ndarray | None, dtype: np.dtype) -> Masks:
    """The loops' Masks from the cache's masks (None → an empty (0, 0) array)."""
    keep = np.zeros((0, 0), np.bool_) if step_mask is None else step_mask
    rm = np.zeros((0, 0), dtype) if rec_mask is None else rec_mask
    return Masks(np.ascontiguousarray(keep), np.ascontiguousarray(rm, dtype=dtype))


def acts(activation: str, recurrent_activation: str, gate_codes: str, units: int,
         dtype: np.dtype) -> Acts:
    """Acts for a row of gate blocks named by ``gate_codes`` ("a" = activation,
    "r" = recurrent activation; the LSTM's i, f, g, o is "rrar")."""
    act = ACTIVATION_CODES[activation]
    rec_act = ACTIVATION_CODES[recurrent_activation]
    codes = [act if c == "a" else rec_act for c in gate_codes]
    forward, backward = mixed_coefficients(codes, units, dtype)
    return Acts(act, rec_act, forward, backward)
