"""The Dense fast path (row blocks on seqlab's threads, one BLAS thread each) equals the
NumPy reference, whatever the thread split; BLAS is held to one thread inside the blocks."""

from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from seqlab import kernels, use_kernels
from seqlab.functional.dense import dense as ref_dense
from seqlab.functional.dense import dense_backward as ref_backward
from seqlab.kernels import dense as fast
from seqlab.kernels import threads as kthreads
from seqlab.layers import Dense


@pytest.fixture
def split_everything(monkeypatch):
    """Every product is split, over ``n`` blocks."""
    monkeypatch.setattr(kthreads, "SPLIT_MIN_WORK", 0)
    return lambda n: monkeypatch.setattr(kthreads, "thread_count", lambda: n)


def _data(dtype, shape, D=5, H=7, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((*shape, D)).astype(dtype),
            rng.standard_normal((D, H)).astype(dtype), rng.standard_normal(H).astype(dtype),
            rng.standard_normal((*shape, H)).astype(dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(1,), (9,), (3, 11)])
@pytest.mark.parametrize("blocks", [1, 2, 3])
@pytest.mark.parametrize("use_bias", [False, True])
def test_fast_equals_reference(dtype, shape, blocks, use_bias, split_everything):
    split_everything(blocks)
    x, W, b, dy = _data(dtype, shape)
    b = b if use_bias else None
    y_ref, c_ref = ref_dense(x, W, b)
    y_fast, c_fast = fast.dense(x, W, b)
    tol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(y_fast, y_ref, rtol=tol, atol=tol)
    assert y_fast.dtype == y_ref.dtype and y_fast.shape == (*shape, 7)
    for got, want in zip(fast.dense_backward(dy, c_fast), ref_backward(dy, c_ref)):
        if want is None:
            assert got is None
            continue
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def test_bad_shapes_are_named_as_by_the_reference():
    x, W, b, _ = _data(np.float32, (4,))
    with pytest.raises(ValueError, match=r"dense: x must end in D=5 features"):
        fast.dense(x[:, :3], W, b)
    with pytest.raises(ValueError, match=r"dense: b must have shape \(7,\)"):
        fast.dense(x, W, b[:3])


def _blas_threads() -> list[int]:
    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]


def test_blocks_run_with_blas_on_one_thread_and_keep_their_order(split_everything):
    if kthreads.blas_controller() is None:
        pytest.skip("threadpoolctl is not installed")
    split_everything(3)
    seen = kthreads.blas_blocks(lambda i0, i1: (i0, i1, _blas_threads()), 10, work=1)
    assert [(i0, i1) for i0, i1, _ in seen] == [(0, 3), (3, 6), (6, 10)]
    assert all(set(counts) == {1} for *_, counts in seen)


def test_small_products_stay_one_call(monkeypatch):
    monkeypatch.setattr(kthreads, "thread_count", lambda: 4)
    assert kthreads.blas_blocks(lambda i0, i1: (i0, i1), 100,
                                work=kthreads.SPLIT_MIN_WORK - 1) == [(0, 100)]


def test_the_layer_runs_the_backward_of_the_kernels_its_forward_ran(monkeypatch):
    calls = []
    entry = kernels.KERNELS["dense_backward"]
    monkeypatch.setitem(kernels.KERNELS, "dense_backward", kernels.Kernel(
        entry.equation, entry.reference,
        lambda dy, cache: calls.append("fast") or entry.fast(dy, cache)))
    layer = Dense(3)
    x = np.ones((2, 4), np.float32)
    layer(x)  # numba kernels: the fast twin
    with use_kernels("numpy"):
        layer.backward(np.ones((2, 3), np.float32))
    assert calls == ["fast"]
