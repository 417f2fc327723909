"""Gradient checks: compare hand-written backward passes with finite differences.

For a layer, the check uses the scalar loss ``L = Σ out · R`` for a fixed random
``R`` (one per output), so ``dL/dout = R`` and every input and parameter
gradient can be compared with central differences

    dL/dθ_i ≈ (L(θ_i + ε) − L(θ_i − ε)) / 2ε.

Run it in float64. Layers that draw random masks (dropout) get the same
generator state before every call, so the masks are fixed during the check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from seqlab.random import make_rng


class GradcheckError(AssertionError):
    """An analytic gradient disagrees with the numerical one."""


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of the scalar ``f()`` with respect to ``x``
    (``x`` is perturbed in place and restored)."""
    grad = np.zeros(x.shape, dtype=np.float64)
    flat = x.reshape(-1)
    gflat = grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = f()
        flat[i] = old - eps
        down = f()
        flat[i] = old
        gflat[i] = (up - down) / (2 * eps)
    return grad


def compare(name: str, analytic: np.ndarray, numeric: np.ndarray,
            rtol: float = 1e-5, atol: float = 1e-7) -> None:
    """Raise GradcheckError with the worst element if the two disagree."""
    analytic = np.asarray(analytic, dtype=np.float64)
    numeric = np.asarray(numeric, dtype=np.float64)
    if analytic.shape != numeric.shape:
        raise GradcheckError(
            f"{name}: analytic gradient has shape {analytic.shape}, numeric {numeric.shape}"
        )
    err = np.abs(analytic - numeric)
    bound = atol + rtol * np.abs(numeric)
    if np.all(err <= bound):
        return
    worst = np.unravel_index(np.argmax(err - bound), err.shape)
    raise GradcheckError(
        f"{name}: gradients differ at {tuple(int(i) for i in worst)}: analytic "
        f"{analytic[worst]:.10g}, numeric {numeric[worst]:.10g} (abs err {err[worst]:.3g}); "
        f"{int(np.sum(err > bound))} of {err.size} elements out of tolerance "
        f"(rtol={rtol}, atol={atol})"
    )


def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def check_layer(layer: Any, inputs: Any, *, training: bool = False, mask: Any = None,
                call_kwargs: dict[str, Any] | None = None, seed: int = 0,
                check_inputs: bool = True, eps: float = 1e-6,
                rtol: float = 1e-5, atol: float = 1e-7) -> dict[str, np.ndarray]:
    """Check ``layer.backward`` against finite differences for every float input
    and every trainable parameter. Returns the analytic gradients by name.

    ``inputs`` is an array or a list of arrays (float64 recommended); integer
    inputs (token ids) are not differentiated.
    """
    call_kwargs = call_kwargs or {}
    is_list = isinstance(inputs, (list, tuple))
    arrays = [np.array(a, copy=True) for a in _as_list(inputs)]

    def forward() -> list[np.ndarray]:
        layer._rng = make_rng(seed)  # same dropout masks on every call
        out = layer(arrays if is_list else arrays[0], training=training, mask=mask, **call_kwargs)
        return _as_list(out)

    outs = forward()
    rng = np.random.default_rng(seed + 1)
    weights = [None if o is None else rng.standard_normal(o.shape) for o in outs]

    def loss() -> float:
        return float(sum(np.sum(o * w) for o, w in zip(forward(), weights) if w is not None))

    layer.zero_grad()
    forward()
    douts = [None if w is None else w.astype(o.dtype) for o, w in zip(outs, weights)]
    dinputs = _as_list(layer.backward(douts if len(douts) > 1 else douts[0]))
    analytic: dict[str, np.ndarray] = {}
    for p in layer.trainable_weights:
        analytic[p.name] = p.grad.copy()
    if check_inputs:
        for i, (x, dx) in enumerate(zip(arrays, dinputs)):
            if np.issubdtype(x.dtype, np.floating):
                analytic[f"input[{i}]"] = np.asarray(dx)
                compare(f"{layer.name}: input[{i}]", dx, numerical_gradient(loss, x, eps),
                        rtol, atol)
    for p in layer.trainable_weights:
        compare(p.name, analytic[p.name], numerical_gradient(loss, p.value, eps), rtol, atol)
    return analytic


def check_function(forward: Callable[..., Any], backward: Callable[..., Any],
                   inputs: list[np.ndarray], *, seed: int = 0, eps: float = 1e-6,
                   rtol: float = 1e-5, atol: float = 1e-7,
                   differentiable: list[int] | None = None) -> list[np.ndarray]:
    """Check a functional kernel pair: ``out, cache = forward(*inputs)`` and
    ``grads = backward(dout, cache)`` (one gradient per input, in order).

    ``differentiable`` lists which inputs to check (default: all float inputs).
    """
    out, _ = forward(*inputs)
    weight = np.random.default_rng(seed).standard_normal(np.shape(out))

    def loss() -> float:
        return float(np.sum(forward(*inputs)[0] * weight))

    out, cache = forward(*inputs)
    grads = _as_list(backward(weight.astype(np.asarray(out).dtype), cache))
    which = differentiable if differentiable is not None else [
        i for i, x in enumerate(inputs) if np.issubdtype(np.asarray(x).dtype, np.floating)
    ]
    for i in which:
        compare(f"{getattr(forward, '__name__', 'forward')}: input[{i}]", grads[i],
                numerical_gradient(loss, inputs[i], eps), rtol, atol)
    return grads
