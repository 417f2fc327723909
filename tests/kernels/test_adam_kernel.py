"""The compiled Adam update equals the NumPy reference, split over threads or not."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab import optim, use_kernels
from seqlab.functional.adam import adam_update as reference
from seqlab.kernels import adam as fast
from seqlab.layers.base import Parameter


def _state(dtype, shape, seed=0):
    rng = np.random.default_rng(seed)
    value, grad, m = (rng.standard_normal(shape).astype(dtype) for _ in range(3))
    v, v_hat = (rng.random(shape).astype(dtype) for _ in range(2))
    return value, grad, m, v, v_hat


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("amsgrad", [False, True])
@pytest.mark.parametrize(("shape", "split"), [((7,), 1), ((5, 13), 1), ((5, 13), 2), ((3, 4, 9), 4)])
def test_fast_equals_reference(dtype, amsgrad, shape, split, monkeypatch):
    monkeypatch.setattr(fast, "SPLIT_MIN_ENTRIES", 1)  # every parameter is split ...
    monkeypatch.setattr(fast, "thread_count", lambda: split)  # ... into this many blocks
    want = _state(dtype, shape)
    got = tuple(a.copy() for a in want)
    args = (1e-3, 0.9, 0.999, 1e-7)
    for state in (want, got):
        value, grad, m, v, v_hat = state
        update = reference if state is want else fast.adam_update
        update(value, grad, m, v, v_hat if amsgrad else None, *args, np.empty_like(value))
    tol = 1e-12 if dtype == np.float64 else 1e-6
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=tol, atol=tol)


def test_a_strided_parameter_is_updated_in_place():
    value, grad, m, v, _ = _state(np.float32, (6, 8))
    strided = value[:, ::2]  # not contiguous: the update must still land in ``value``
    want = strided.copy()

    def moments():  # each update changes m and v in place: one fresh copy per call
        return grad[:, ::2].copy(), m[:, ::2].copy(), v[:, ::2].copy(), None

    reference(want, *moments(), 0.1, 0.9, 0.999, 1e-7, np.empty_like(want))
    fast.adam_update(strided, *moments(), 0.1, 0.9, 0.999, 1e-7, np.empty_like(want))
    np.testing.assert_allclose(value[:, ::2], want, rtol=1e-6)


def test_the_optimizer_takes_the_same_steps_with_either_kernels():
    rng = np.random.default_rng(3)
    start = rng.standard_normal((40, 30)).astype(np.float32)
    results = []
    for kernels in ("numpy", "numba"):
        p = Parameter("w", start.copy())
        opt = optim.Adam(learning_rate=0.01, amsgrad=True)
        with use_kernels(kernels):
            for step in range(5):
                p.grad = np.sin(p.value * (step + 1))
                opt.apply([p])
        results.append(p.value)
    np.testing.assert_allclose(results[1], results[0], rtol=1e-5, atol=1e-6)
    assert not np.allclose(results[0], start)
