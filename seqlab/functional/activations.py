"""Activations and their derivatives, computed from the OUTPUT y.

Every element-wise activation y = f(x) here has a derivative that can be written
with y alone, so a layer (or a recurrent cell) only has to keep y:

    tanh          y = tanh(x)                    dy/dx = 1 − y²
    sigmoid       y = 1 / (1 + e^(−x))           dy/dx = y (1 − y)
    hard_sigmoid  y = clip(0.2 x + 0.5, 0, 1)    dy/dx = 0.2 where 0 < y < 1, else 0
    relu          y = max(x, 0)                  dy/dx = 1 where y > 0, else 0
    linear        y = x                          dy/dx = 1

``softmax`` (over the last axis) is not element-wise; its backward needs the
upstream gradient dy:

    y_i = e^(x_i − m) / Σ_j e^(x_j − m)   (m = max_j x_j, for stability)
    dx  = y ⊙ (dy − Σ_j dy_j y_j)

Two layers of API:

* ``tanh_backward(y)`` etc. return the derivative dy/dx (element-wise ones);
  ``softmax_backward(y, dy)`` returns dx directly.
* ``activation_forward(name, x)`` and ``activation_backward(name, y, dy)`` dispatch
  by name (the upstream gradient ``dy`` is dL/dy; the result is dL/dx).
  ``get_activation(name)`` returns the pair ``(forward, backward)`` with
  ``forward(x, out=None) -> y`` and ``backward(y, dy, out=None) -> dx``.

For activations the output *is* the cache: ``y = forward(x)`` is all that
backward needs. ``out=`` lets a hot loop reuse a buffer (it may alias ``x`` for
forward, or ``dy`` for backward).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Forward = Callable[..., np.ndarray]
Backward = Callable[..., np.ndarray]


# ---------------------------------------------------------------- forwards
def tanh(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """y = tanh(x)."""
    return np.tanh(x, out=out)


def sigmoid(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """y = 1 / (1 + e^(−x)), stable and precise for large |x|.

    Written as y = e^(min(x, 0)) / (1 + e^(−|x|)): for x ≥ 0 this is 1/(1 + e^(−x)),
    for x < 0 it is e^x/(1 + e^x). No exponential overflows, tiny outputs keep
    their relative precision, and there is no branch (no np.where).
    """
    den = np.abs(x)
    np.negative(den, out=den)
    np.exp(den, out=den)
    den += 1.0  # 1 + e^(−|x|), computed before ``out`` (which may alias x) is written
    num = np.minimum(x, 0.0, out=out)
    np.exp(num, out=num)
    return np.divide(num, den, out=num)


def hard_sigmoid(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """y = clip(0.2 x + 0.5, 0, 1) (1st-edition Keras' gate activation)."""
    y = np.multiply(x, 0.2, out=out)
    np.add(y, 0.5, out=y)
    return np.clip(y, 0.0, 1.0, out=y)


def relu(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """y = max(x, 0)."""
    return np.maximum(x, 0, out=out)


def linear(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """y = x (a copy only when ``out`` is given and is not ``x``)."""
    if out is None or out is x:
        return x
    np.copyto(out, x)
    return out


def softmax(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """y_i = e^(x_i − m) / Σ_j e^(x_j − m) over the last axis, m = max_j x_j."""
    y = np.subtract(x, np.max(x, axis=-1, keepdims=True), out=out)
    np.exp(y, out=y)
    y /= np.sum(y, axis=-1, keepdims=True)
    return y


# ------------------------------------------------- derivatives from output y
def tanh_backward(y: np.ndarray) -> np.ndarray:
    """dy/dx of tanh from its output: 1 − y²."""
    d = np.multiply(y, y)
    return np.subtract(1.0, d, out=d)


def sigmoid_backward(y: np.ndarray) -> np.ndarray:
    """dy/dx of sigmoid from its output: y (1 − y)."""
    d = np.subtract(1.0, y)
    return np.multiply(y, d, out=d)


def hard_sigmoid_backward(y: np.ndarray) -> np.ndarray:
    """dy/dx of hard_sigmoid from its output: 0.2 where 0 < y < 1, else 0."""
    y = np.asarray(y)
    inside = (y > 0) & (y < 1)
    return np.multiply(inside, 0.2, dtype=y.dtype)


def relu_backward(y: np.ndarray) -> np.ndarray:
    """dy/dx of relu from its output: 1 where y > 0, else 0."""
    y = np.asarray(y)
    return (y > 0).astype(y.dtype)


def linear_backward(y: np.ndarray) -> np.ndarray:
    """dy/dx of linear: ones."""
    return np.ones_like(y)


def softmax_backward(y: np.ndarray, dy: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """dL/dx of softmax from its output y and dL/dy: y ⊙ (dy − Σ_j dy_j y_j)."""
    s = np.sum(dy * y, axis=-1, keepdims=True)
    dx = np.subtract(dy, s, out=out)
    return np.multiply(dx, y, out=dx)


# -------------------------------------------- backward: dL/dx from y and dL/dy
def _tanh_grad(y: np.ndarray, dy: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    d = np.multiply(y, y)
    np.subtract(1.0, d, out=d)
    return np.multiply(dy, d, out=out)


def _sigmoid_grad(y: np.ndarray, dy: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    d = np.subtract(1.0, y)
    np.multiply(y, d, out=d)
    return np.multiply(dy, d, out=out)


def _hard_sigmoid_grad(y: np.ndarray, dy: np.ndarray, out: np.ndarray | None = None
                       ) -> np.ndarray:
    inside = (y > 0) & (y < 1)
    dx = np.multiply(dy, 0.2, out=out)
    return np.multiply(dx, inside, out=dx)


def _relu_grad(y: np.ndarray, dy: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return np.multiply(dy, y > 0, out=out)


def _linear_grad(y: np.ndarray, dy: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return linear(dy, out=out)


_REGISTRY: dict[str, tuple[Forward, Backward]] = {
    "tanh": (tanh, _tanh_grad),
    "sigmoid": (sigmoid, _sigmoid_grad),
    "hard_sigmoid": (hard_sigmoid, _hard_sigmoid_grad),
    "relu": (relu, _relu_grad),
    "softmax": (softmax, softmax_backward),
    "linear": (linear, _linear_grad),
}

ACTIVATIONS: tuple[str, ...] = tuple(_REGISTRY)


def canonical_name(name: str | None, who: str = "activation") -> str:
    """The registry name for ``name`` (None means "linear", as in Keras).

    Raises ValueError listing the valid names when ``name`` is unknown.
    """
    if name is None:
        return "linear"
    if isinstance(name, str) and name in _REGISTRY:
        return name
    raise ValueError(f"{who}: unknown activation {name!r}; valid names: {list(ACTIVATIONS)}")


def get_activation(name: str | None) -> tuple[Forward, Backward]:
    """``(forward, backward)`` for ``name``: ``forward(x, out=None) -> y`` and
    ``backward(y, dy, out=None) -> dx`` (from the output y and dL/dy)."""
    return _REGISTRY[canonical_name(name)]


def activation_forward(name: str | None, x: np.ndarray, out: np.ndarray | None = None
                       ) -> np.ndarray:
    """y = f(x) for the activation called ``name``."""
    return get_activation(name)[0](x, out=out)


def activation_backward(name: str | None, y: np.ndarray, dy: np.ndarray,
                        out: np.ndarray | None = None) -> np.ndarray:
    """dL/dx = f'(x) ⊙ dL/dy, computed from the output y (softmax: full Jacobian)."""
    return get_activation(name)[1](y, dy, out=out)
