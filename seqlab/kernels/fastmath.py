"""Scalar activations for compiled loops: a vectorisable float32 tanh and exact float64.

The pip build of llvmlite has no SVML, so ``math.tanh`` / ``math.exp`` compile
to scalar libm calls that block LLVM's loop vectoriser. For float32 the loops
use a rational approximation that needs only +, ×, ÷ and a clamp, and
vectorises (16 lanes with AVX-512):

    tanh(x) = 2t / (1 + t²),  t = tanh(y),  y = x/2 clamped to [−C/2, C/2], C = 9
    t ≈ y·P(y²)/Q(y²)          P, Q cubic in y² (coefficients below)

and, after clearing the fraction, one division:

    tanh(x) ≈ 2·yP·Q / (Q² + (yP)²)

The half-angle step matters for rounding, not for the fit: near |tanh| = 1 the
map t ↦ 2t/(1+t²) is flat, so the float32 rounding of the rational part shrinks
instead of piling up (a direct degree-13/6 rational in float32 is off by up to
3e-7; this form by at most 1.9e-7, measured on a dense grid over [−25, 25];
the clamp at C = 9 costs 1 − tanh(9) ≈ 3e-8). ``_fit_half_tanh`` reproduces the
coefficients (a linearised least-squares fit, Sanathanan–Koerner iterations,
then Lawson-style reweighting toward the minimax error).

    sigmoid(x) = ½·tanh(x/2) + ½   (float32, abs error ≤ 1.3e-7)

float64 uses the exact libm functions: tanh, and sigmoid = 1/(1+e) for x ≥ 0
and e/(1+e) for x < 0 with e = exp(−|x|) (the reference's stable form).

Activations are chosen by integer code (``ACTIVATION_CODES``) so one compiled
loop serves all of them: ``activate_block`` / ``grad_block`` branch on the code
outside their loops, so each loop is a plain vectorisable map. For rows that
mix only tanh and sigmoid blocks (the LSTM's usual gates, float32),
``activate_rows_mixed`` / ``grad_rows_mixed`` do a whole row in one pass with
per-column coefficients. Derivatives are taken from the output y, as in
:mod:`seqlab.functional.activations`:

    tanh 1 − y²   sigmoid y(1 − y)   hard_sigmoid 0.2 on 0 < y < 1   relu [y > 0]   linear 1

NaN semantics: the compiled loops never use the ``nnan``/``ninf`` fast-math
flags (:mod:`.jit`), so a NaN entering an activation comes out as NaN
(Numba's min/max, used for the clamps, keep a NaN).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, types
from numba.extending import overload

from seqlab.kernels.jit import kernel

LINEAR, TANH, SIGMOID, HARD_SIGMOID, RELU = 0, 1, 2, 3, 4
ACTIVATION_CODES: dict[str, int] = {
    "linear": LINEAR, "tanh": TANH, "sigmoid": SIGMOID,
    "hard_sigmoid": HARD_SIGMOID, "relu": RELU,
}

# tanh(y) ≈ y·P(y²)/Q(y²) on |y| ≤ 4.5, P = Σ p_k s^k, Q = Σ q_k s^k (s = y²),
# fitted by _fit_half_tanh(4.5, 3, 3) and rounded to float32.
_P = (0.9999998807907104, 0.1258775293827057, 0.002549238270148635, 5.445329406938981e-06)
_Q = (1.0, 0.4592103660106659, 0.022286733612418175, 0.0001740555017022416)
CLAMP = 9.0

_p0, _p1, _p2, _p3 = (np.float32(c) for c in _P)
_q0, _q1, _q2, _q3 = (np.float32(c) for c in _Q)
_f32_half_clamp = np.float32(CLAMP / 2)
_f32_half = np.float32(0.5)
_f32_two = np.float32(2.0)


def _fit_half_tanh(limit: float, p: int, q: int, iters: int = 60
                   ) -> tuple[np.ndarray, np.ndarray, float]:
    """Fit tanh(y) ≈ y·P(y²)/Q(y²) on [0, limit] with deg P = p, deg Q = q in y², Q(0) = 1.

    Linearised least squares ``y·P − tanh(y)·Q ≈ 0`` weighted by 1/|Q| from the
    previous pass (Sanathanan–Koerner), with a Lawson factor |err|^½ after the
    first passes that pushes the error toward equal ripples. Works in the scaled
    variable u = (y/limit)² for conditioning. Returns (P, Q, max abs error) with
    coefficients for powers of s = y².
    """
    y = limit * (1 - np.cos(np.linspace(0, np.pi / 2, 40001)))[1:]  # denser near 0 and limit
    u = (y / limit) ** 2
    target = np.tanh(y)
    sk = np.ones_like(y)
    lawson = np.ones_like(y)
    for it in range(iters):
        cols = [y * u**k for k in range(p + 1)] + [-target * u**k for k in range(1, q + 1)]
        A = np.stack(cols, axis=1)  # (n, p + 1 + q)
        w = sk * lawson
        sol = np.linalg.lstsq(A * w[:, None], target * w, rcond=None)[0]
        P, Q = sol[: p + 1], np.concatenate([[1.0], sol[p + 1:]])
        Qv = np.polyval(Q[::-1], u)
        err = y * np.polyval(P[::-1], u) / Qv - target
        sk = 1 / np.abs(Qv)
        if it > 10:
            lawson = np.maximum(lawson * np.sqrt(np.abs(err)), 1e-300)
            lawson /= lawson.max()
    scale_p = float(limit) ** (2 * np.arange(p + 1))
    scale_q = float(limit) ** (2 * np.arange(q + 1))
    return P / scale_p, Q / scale_q, float(np.abs(err).max())


# ------------------------------------------------------------ scalar kernels
def tanh_(x):
    """tanh for compiled code (float32: rational approximation; float64: libm)."""
    return math.tanh(x)


def sigmoid_(x):
    """sigmoid for compiled code (float32: ½·tanh(x/2) + ½; float64: stable exp form)."""
    return 1.0 / (1.0 + math.exp(-x))


def like(x, value):
    """``value`` as the float type of ``x`` (so float32 loops stay float32)."""
    return type(x)(value)


@njit(inline="always")
def _tanh_of_double(y):
    """tanh(2y) in float32: the rational t ≈ tanh(y), then 2t/(1 + t²) with one division."""
    y = min(y, _f32_half_clamp)  # Numba's min/max keep a NaN
    y = max(y, -_f32_half_clamp)
    s = y * y
    yp = y * (((_p3 * s + _p2) * s + _p1) * s + _p0)
    q = ((_q3 * s + _q2) * s + _q1) * s + _q0
    return _f32_two * yp * q / (q * q + yp * yp)


def _tanh32(x):
    return _tanh_of_double(x * _f32_half)


def _tanh64(x):
    return math.tanh(x)


def _sigmoid32(x):
    return _f32_half * _tanh_of_double(x * _f32_half * _f32_half) + _f32_half


def _sigmoid64(x):
    # 1/(1+e) for x >= 0, e/(1+e) for x < 0, written without a branch (numba's
    # inliner mishandles a conditional here); NaN gives 0·NaN = NaN.
    e = math.exp(-abs(x))
    r = 1.0 / (1.0 + e)
    return ((x >= 0) + (x < 0) * e) * r


@overload(like, inline="always")
def _ol_like(x, value):
    if isinstance(x, types.Float):
        ftype = x

        def impl(x, value):
            return ftype(value)
        return impl
    return None


@overload(tanh_, inline="always")
def _ol_tanh(x):
    if x == types.float32:
        return _tanh32
    if isinstance(x, types.Float):
        return _tanh64
    return None


@overload(sigmoid_, inline="always")
def _ol_sigmoid(x):
    if x == types.float32:
        return _sigmoid32
    if isinstance(x, types.Float):
        return _sigmoid64
    return None


@njit(inline="always")
def activate(x, code):
    """y = f(x) for the activation with integer ``code`` (see ACTIVATION_CODES)."""
    if code == TANH:
        return tanh_(x)
    if code == SIGMOID:
        return sigmoid_(x)
    zero = like(x, 0.0)
    if code == HARD_SIGMOID:
        one = like(x, 1.0)
        y = x * like(x, 0.2) + like(x, 0.5)
        y = max(y, zero)  # a NaN stays NaN
        return min(y, one)
    if code == RELU:
        return max(x, zero)  # NaN stays NaN, as with np.maximum(x, 0)
    return x


@njit(inline="always")
def activate_grad(y, code):
    """dy/dx from the output y for the activation with integer ``code``."""
    zero = like(y, 0.0)
    one = like(y, 1.0)
    if code == TANH:
        return one - y * y
    if code == SIGMOID:
        return y * (one - y)
    if code == HARD_SIGMOID:  # branch-free masks (see _sigmoid64)
        return like(y, 0.2) * like(y, (y > zero) & (y < one))
    if code == RELU:
        return like(y, y > zero)
    return one


@kernel
def activate_block(src, sc, dst, dc, width, code):
    """dst[i, dc + j] = f(src[i, sc + j]) for every row i and j < width (f by ``code``).

    The branch on ``code`` sits outside the loops, so each loop is a plain
    vectorisable map; ``src`` and ``dst`` may be the same array.
    """
    for i in range(src.shape[0]):
        s = src[i, sc:sc + width]  # contiguous row pieces: plain unit-stride loops
        d = dst[i, dc:dc + width]
        if code == TANH:
            for j in range(width):
                d[j] = tanh_(s[j])
        elif code == SIGMOID:
            for j in range(width):
                d[j] = sigmoid_(s[j])
        elif code == HARD_SIGMOID:
            for j in range(width):
                d[j] = activate(s[j], HARD_SIGMOID)
        elif code == RELU:
            for j in range(width):
                d[j] = activate(s[j], RELU)
        else:
            for j in range(width):
                d[j] = s[j]


@kernel
def grad_block(y, yc, d, dc, width, code):
    """d[i, dc + j] *= f'(x) taken from the output y[i, yc + j] (f by ``code``)."""
    for i in range(y.shape[0]):
        yr = y[i, yc:yc + width]
        dr = d[i, dc:dc + width]
        if code == TANH:
            for j in range(width):
                dr[j] *= activate_grad(yr[j], TANH)
        elif code == SIGMOID:
            for j in range(width):
                dr[j] *= activate_grad(yr[j], SIGMOID)
        elif code == HARD_SIGMOID:
            for j in range(width):
                dr[j] *= activate_grad(yr[j], HARD_SIGMOID)
        elif code == RELU:
            for j in range(width):
                dr[j] *= activate_grad(yr[j], RELU)


@kernel
def activate_rows_mixed(src, dst, coef):
    """dst[i, j] = α_j · tanh(β_j · src[i, j]) + γ_j, coef = (α, β, γ) rows (3, W).

    One vectorised pass over whole rows whose column blocks mix tanh (α, β, γ =
    1, 1, 0) and sigmoid (½, ½, ½: σ(x) = ½·tanh(x/2) + ½, the float32 formula).
    """
    al = coef[0]
    be = coef[1]
    ga = coef[2]
    for i in range(src.shape[0]):
        s = src[i]
        d = dst[i]
        for j in range(s.shape[0]):
            d[j] = al[j] * tanh_(be[j] * s[j]) + ga[j]


@kernel
def grad_rows_mixed(y, d, coef):
    """d[i, j] *= a_j + b_j·y + c_j·y² with coef = (a, b, c) rows (3, W):
    tanh' = 1 − y² (1, 0, −1), σ' = y − y² (0, 1, −1)."""
    a = coef[0]
    b = coef[1]
    c = coef[2]
    for i in range(y.shape[0]):
        yr = y[i]
        dr = d[i]
        for j in range(yr.shape[0]):
            dr[j] *= a[j] + yr[j] * (b[j] + c[j] * yr[j])


def mixed_coefficients(codes: list[int], width: int, dtype: np.dtype
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Coefficient rows for activate_rows_mixed / grad_rows_mixed over column
    blocks of ``width`` with the given codes, or two empty (0, 0) arrays when
    this does not apply (an activation other than tanh/sigmoid, or float64,
    which keeps the exact formulas)."""
    empty = np.zeros((0, 0), dtype=dtype)
    if np.dtype(dtype) != np.float32 or any(c not in (TANH, SIGMOID) for c in codes):
        return empty, empty
    fwd = {TANH: (1.0, 1.0, 0.0), SIGMOID: (0.5, 0.5, 0.5)}
    bwd = {TANH: (1.0, 0.0, -1.0), SIGMOID: (0.0, 1.0, -1.0)}
    forward = np.repeat(np.array([fwd[c] for c in codes], dtype=dtype).T, width, axis=1)
    backward = np.repeat(np.array([bwd[c] for c in codes], dtype=dtype).T, width, axis=1)
    return forward, backward  # (3, len(codes)·width) each


def apply_activation(name: str, x: np.ndarray) -> np.ndarray:
    """The compiled activation ``name`` applied to a float32/float64 array (a new array).

    This is exactly what the recurrent loops compute (float32: the rational
    tanh); it exists to test and show the approximation.
    """
    if name not in ACTIVATION_CODES:
        raise ValueError(
            f"apply_activation: unknown activation {name!r}; valid: {list(ACTIVATION_CODES)}"
        )
    x = np.ascontiguousarray(x)
    if x.dtype not in (np.float32, np.float64):
        raise TypeError(f"apply_activation: x must be float32 or float64, got {x.dtype}")
    flat = x.reshape(1, -1)  # any shape -> (1, n)
    out = np.empty_like(flat)
    activate_block(flat, 0, out, 0, flat.shape[1], ACTIVATION_CODES[name])
    return out.reshape(x.shape)  # (1, n) -> shape of x
