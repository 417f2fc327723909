"""The Numba conv1d fast path equals the NumPy reference (float32 and float64),
whatever the chunking, the thread split and the padding/stride/dilation."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.functional import conv as ref
from seqlab.kernels import conv as fast

COMBOS = [(p, s, r) for p in ("valid", "same", "causal") for s in (1, 2, 3) for r in (1, 2)]


def _data(dtype, B=3, T=11, D=3, K=3, F=4, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((B, T, D)).astype(dtype),
            rng.standard_normal((K, D, F)).astype(dtype),
            rng.standard_normal(F).astype(dtype))


def assert_same(got, want, dtype):
    tol = 1e-12 if dtype == np.float64 else 2e-5
    scale = max(float(np.max(np.abs(want))), 1.0)
    assert got.dtype == want.dtype == dtype
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol * scale)


def run_both(x, W, b, s, padding, r, seed=1):
    y_ref, c_ref = ref.conv1d(x, W, b, s, padding, r)
    y_fast, c_fast = fast.conv1d(x, W, b, s, padding, r)
    dy = np.random.default_rng(seed).standard_normal(y_ref.shape).astype(x.dtype)
    return (y_ref, *ref.conv1d_backward(dy, c_ref)), (y_fast, *fast.conv1d_backward(dy, c_fast))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("padding", "stride", "dilation"), COMBOS)
def test_fast_equals_reference(dtype, padding, stride, dilation):
    x, W, b = _data(dtype)
    want, got = run_both(x, W, b, stride, padding, dilation)
    for name, g, w in zip(("y", "dx", "dW", "db"), got, want):
        assert g.shape == w.shape, name
        assert_same(g, w, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_without_bias(dtype):
    x, W, _ = _data(dtype)
    want, got = run_both(x, W, None, 1, "same", 1)
    assert got[3] is None and want[3] is None
    for g, w in zip(got[:3], want[:3]):
        assert_same(g, w, dtype)


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_chunks_and_thread_blocks_cross_sample_boundaries(monkeypatch, workers):
    # 64-row chunks over T' = 18 rows per sample: chunks start in the middle of samples
    monkeypatch.setattr(fast, "CHUNK_BYTES", 1)
    monkeypatch.setattr(fast, "PARALLEL_MIN_ROWS", 0)
    monkeypatch.setattr(fast, "thread_count", lambda: workers)
    x, W, b = _data(np.float64, B=7, T=20, D=2, K=3, F=3, seed=3)
    for padding, s, r in [("same", 1, 1), ("causal", 2, 2), ("valid", 1, 3)]:
        want, got = run_both(x, W, b, s, padding, r)
        for g, w in zip(got, want):
            assert_same(g, w, np.float64)


def test_one_block_without_threadpoolctl(monkeypatch):
    monkeypatch.setattr(fast, "blas_controller", lambda: None)  # as if threadpoolctl were missing
    assert fast.workers_for(64, 10**6) == 1
    x, W, b = _data(np.float32)
    want, got = run_both(x, W, b, 2, "same", 1)
    for g, w in zip(got, want):
        assert_same(g, w, np.float32)


def test_workers_never_exceed_the_batch_and_skip_small_work(monkeypatch):
    monkeypatch.setattr(fast, "thread_count", lambda: 4)
    assert fast.workers_for(1, 10**6) == 1
    assert fast.workers_for(64, fast.PARALLEL_MIN_ROWS - 1) == 1
    if fast.blas_controller() is not None:
        assert fast.workers_for(3, 10**6) == 3


def test_mixed_input_dtypes_promote_like_numpy():
    x, W, b = _data(np.float32)
    y, _ = fast.conv1d(x, W.astype(np.float64), b, 1, "valid", 1)
    assert y.dtype == np.float64
    np.testing.assert_allclose(y, ref.conv1d(x.astype(np.float64), W.astype(np.float64), b)[0],
                               rtol=1e-12)


def test_noncontiguous_input():
    x, W, b = _data(np.float64, T=12)
    x_view = x[:, ::2, :]  # (B, 6, D), strided
    want, got = run_both(x_view, W, b, 1, "same", 1)
    for g, w in zip(got, want):
        assert_same(g, w, np.float64)


def test_errors_match_the_reference():
    x, W, b = _data(np.float64)
    bad = [(x, W, b, 1, "full", 1), (x[:, :2], W, b, 1, "valid", 1), (x[0], W, b, 1, "valid", 1)]
    for args in bad:
        with pytest.raises(ValueError) as want:
            ref.conv1d(*args)
        with pytest.raises(ValueError) as got:
            fast.conv1d(*args)
        assert str(got.value) == str(want.value)
