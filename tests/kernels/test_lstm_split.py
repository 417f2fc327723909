"""The LSTM with its units split over threads, and what it stands on: step flags,
NumPy's BLAS gemm called from compiled code, and the shared thread helpers.

The split driver must give exactly the one-thread BLAS driver's results (same
operations, only different threads doing them), for every mask and activation
and both float types, and the layer must use it where it says it does.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from numba import njit

from seqlab.functional import recurrent as ref
from seqlab.kernels import blas_gemm, lstm_split, rnn_drivers, step_flags, threads
from seqlab.kernels import recurrent as fast
from seqlab.kernels.blas_gemm import find_gemm, gemm
from seqlab.kernels.fastmath import ACTIVATION_CODES, mixed_coefficients

needs_gemm = pytest.mark.skipif(find_gemm() is None or threads.blas_controller() is None,
                                reason="NumPy's BLAS gemm or threadpoolctl not found")


# ------------------------------------------------------------- step flags
@njit(nogil=True)
def _relay(flags, k, n, T, out):
    """Each step every thread writes 1 + the sum of the row before: needs all of it."""
    for t in range(T):
        if not step_flags.wait_for(flags, n, t):
            return
        out[t, k] = 1 + (out[t - 1].sum() if t > 0 else 0)
        step_flags.publish(flags, k, t + 1)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_step_flags_make_every_thread_see_the_last_step_of_all(n):
    T = 300
    out = np.zeros((T, n), dtype=np.int64)
    flags = step_flags.new_flags(n)
    threads.run([lambda k=k: _relay(flags, k, n, T, out) for k in range(n)])
    want = [1]
    for _ in range(29):
        want.append(1 + n * want[-1])
    # every thread saw all threads' values of the step before (later rows wrap around)
    assert out[:30, 0].tolist() == want
    assert (out == out[:, :1]).all()


@njit(nogil=True)
def _wait_forever_or_fail(flags, k, n):
    if k == 1:
        raise ValueError("thread 1 fails")
    return step_flags.wait_for(flags, n, 1)  # no one ever publishes step 1


def test_a_failing_thread_releases_the_waiting_ones():
    flags = step_flags.new_flags(2)

    def job(k):
        try:
            return _wait_forever_or_fail(flags, k, 2)
        except ValueError:
            step_flags.abort(flags, 2)
            raise

    with pytest.raises(ValueError, match="thread 1 fails"):
        threads.run([lambda: job(0), lambda: job(1)])


# ------------------------------------------------------------------- gemm
@needs_gemm
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gemm_equals_numpy_and_handles_column_blocks_and_beta(dtype):
    blas = find_gemm()
    rng = np.random.default_rng(0)
    a = rng.normal(size=(9, 13)).astype(dtype)
    b = rng.normal(size=(13, 7)).astype(dtype)
    c = np.empty((9, 7), dtype=dtype)
    gemm(blas.address(dtype), blas.index, a, b, c, 0.0)
    np.testing.assert_array_equal(c, np.matmul(a, b))
    wide_a = rng.normal(size=(9, 30)).astype(dtype)  # column blocks: leading dims 30, 20
    wide = np.ones((9, 20), dtype=dtype)
    gemm(blas.address(dtype), blas.index, wide_a[:, 2:15], b, wide[:, 5:12], 1.0)
    np.testing.assert_allclose(wide[:, 5:12], wide_a[:, 2:15] @ b + 1, rtol=1e-5)
    assert (wide[:, :5] == 1).all() and (wide[:, 12:] == 1).all()


@needs_gemm
def test_gemm_refuses_mismatched_shapes_and_strided_rows():
    blas = find_gemm()
    a, b = np.ones((3, 4)), np.ones((5, 2))
    with pytest.raises(ValueError, match="shapes do not match"):
        gemm(blas.dgemm, blas.index, a, b, np.empty((3, 2)), 0.0)
    with pytest.raises(ValueError, match="rows must be contiguous"):
        gemm(blas.dgemm, blas.index, np.ones((3, 8))[:, ::2], np.ones((4, 2)),
             np.empty((3, 2)), 0.0)


def test_index_width_comes_from_openblas_config_or_the_symbol_suffix():
    class Config:
        restype = None

        def __init__(self, text):
            self.text = text

        def __call__(self):
            return self.text

    class OpenBLAS:
        def __init__(self, text):
            self.scipy_openblas_get_config64_ = Config(text)

    assert blas_gemm._ilp64(OpenBLAS(b"OpenBLAS 0.3.31 USE64BITINT DYNAMIC_ARCH"), "scipy_", "64_")
    assert not blas_gemm._ilp64(OpenBLAS(b"OpenBLAS 0.3.31 DYNAMIC_ARCH"), "scipy_", "64_")
    assert blas_gemm._ilp64(object(), "", "64_")  # not OpenBLAS: the suffix decides
    assert not blas_gemm._ilp64(object(), "", "")


# ---------------------------------------------------------------- threads
def test_run_returns_results_in_order_and_waits_for_every_job():
    done = []

    def job(k):
        done.append(k)
        return k * k

    assert threads.run([lambda k=k: job(k) for k in range(4)]) == [0, 1, 4, 9]
    assert sorted(done) == [0, 1, 2, 3]

    def fail():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        threads.run([fail, lambda: job(9)])
    assert 9 in done


@pytest.mark.parametrize("n", [1, 2, 3])
def test_threaded_matmul_equals_the_plain_product(monkeypatch, n):
    monkeypatch.setattr(threads, "thread_count", lambda: n)
    monkeypatch.setattr(threads, "cores", lambda: n)
    rng = np.random.default_rng(1)
    a = rng.normal(size=(200, 30))
    b = rng.normal(size=(30, 11))
    np.testing.assert_allclose(threads.matmul(a, b), a @ b, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(threads.matmul(a.T.copy().T, b), a @ b, rtol=1e-13, atol=1e-13)
    bias = rng.normal(size=11)
    np.testing.assert_allclose(threads.matmul(a, b, bias), a @ b + bias, rtol=1e-13, atol=1e-13)
    small = a[:10]  # fewer rows than MATMUL_MIN_ROWS per thread: one plain product
    np.testing.assert_array_equal(threads.matmul(small, b), small @ b)


# ------------------------------------------------------------ the split LSTM
def _case(dtype, B=6, T=7, H=48, masks=False, seed=0):
    rng = np.random.default_rng(seed)
    c = {"xw": rng.normal(size=(T, B, 4 * H)), "U": rng.normal(size=(H, 4 * H)) * 0.15,
         "h0": rng.normal(size=(B, H)) * 0.5, "c0": rng.normal(size=(B, H)) * 0.5,
         "dhs": rng.normal(size=(T, B, H)), "dh": rng.normal(size=(B, H)),
         "dc": rng.normal(size=(B, H))}
    c = {k: v.astype(dtype) for k, v in c.items()}
    c["keep"] = (rng.random((T, B)) > 0.3) if masks else np.zeros((0, 0), bool)
    c["rm"] = ((rng.random((B, H)) > 0.4) / 0.6).astype(dtype) if masks else \
        np.zeros((0, 0), dtype)
    return c


def _drive(c, act, rec_act, n):
    """Forward + BPTT by the split driver (n threads) or the one-thread driver (n = 1)."""
    T, B, H4 = c["xw"].shape
    H = H4 // 4
    dtype = c["xw"].dtype
    codes = ACTIVATION_CODES[act], ACTIVATION_CODES[rec_act]
    fwd_mixed, bwd_mixed = mixed_coefficients([codes[1], codes[1], codes[0], codes[1]], H, dtype)
    hs, cs, act_c = (np.empty((T, B, H), dtype) for _ in range(3))
    gates = np.empty((T, B, H4), dtype)
    dh, dc, dxw = c["dh"].copy(), c["dc"].copy(), np.empty_like(c["xw"])
    state = (c["keep"], c["rm"], *codes)
    if n == 1:
        rnn_drivers.lstm_forward_blas(c["xw"], c["U"], c["h0"], c["c0"], *state, fwd_mixed,
                                      hs, cs, gates, act_c)
        rnn_drivers.lstm_backward_blas(c["dhs"], c["U"], c["c0"], cs, gates, act_c, *state,
                                       bwd_mixed, dh, dc, dxw)
    else:
        lstm_split.lstm_forward_split(n, c["xw"], c["U"], c["h0"], c["c0"], *state,
                                      fwd_mixed, hs, cs, gates, act_c)
        lstm_split.lstm_backward_split(n, c["dhs"], c["U"], c["c0"], cs, gates, act_c, *state,
                                       bwd_mixed, dh, dc, dxw)
    return hs, cs, gates, act_c, dh, dc, dxw


@needs_gemm
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("masks", [False, True])
@pytest.mark.parametrize("acts", [("tanh", "sigmoid"), ("tanh", "hard_sigmoid"),
                                  ("relu", "sigmoid")])
@pytest.mark.parametrize("n", [2, 3])
def test_split_driver_gives_the_one_thread_results_bit_for_bit(dtype, masks, acts, n):
    c = _case(dtype, B=7, masks=masks, seed=n)  # uneven row blocks
    one = _drive(c, *acts, 1)
    split = _drive(c, *acts, n)
    for name, a, b in zip(("hs", "cs", "gates", "act_c", "dh0", "dc0", "dxw"), one, split):
        np.testing.assert_array_equal(a, b, err_msg=name)


def test_thread_blocks_cover_units_and_rows():
    assert lstm_split.row_blocks(64, 2) == [(0, 32), (32, 64)]
    assert lstm_split.row_blocks(7, 3) == [(0, 2), (2, 4), (4, 7)]
    U = np.arange(3 * 8, dtype=float).reshape(3, 8)  # H = 2: columns i0 i1 f0 f1 g0 g1 o0 o1
    np.testing.assert_array_equal(lstm_split.gate_blocks(U, 1, 2)[:, :, 0].T, U[:, 1::2])


def test_unit_blocks_cover_the_units_on_multiples_of_16():
    assert lstm_split.unit_blocks(256, 2) == [(0, 128), (128, 256)]
    assert lstm_split.unit_blocks(256, 3) == [(0, 80), (80, 176), (176, 256)]
    assert lstm_split.unit_blocks(16, 2) == [(0, 8), (8, 16)]  # too few to align
    for units, n in [(100, 3), (64, 2), (1000, 7), (16, 2), (5, 5)]:
        blocks = lstm_split.unit_blocks(units, n)
        assert blocks[0][0] == 0 and blocks[-1][1] == units and len(blocks) == n
        assert all(a < b for a, b in blocks)
        assert all(b0 == a1 for (_, a1), (b0, _) in itertools.pairwise(blocks))


def test_split_threads_needs_threads_cores_and_enough_units(monkeypatch):
    monkeypatch.setattr(lstm_split, "thread_count", lambda: 4)
    monkeypatch.setattr(lstm_split, "cores", lambda: 2)
    expect = 2 if find_gemm() is not None and threads.blas_controller() is not None else 1
    assert lstm_split.split_threads(256) == expect  # capped by the cores
    assert lstm_split.split_threads(127) == 1  # fewer than 2 × 64 units
    monkeypatch.setattr(lstm_split, "thread_count", lambda: 1)
    assert lstm_split.split_threads(1024) == 1


@needs_gemm
@pytest.mark.parametrize("masks", [False, True])
def test_the_kernel_module_uses_the_split_for_large_layers_and_equals_the_reference(
        monkeypatch, masks):
    monkeypatch.setattr(rnn_drivers, "BLAS_MIN_UNITS", 32)
    monkeypatch.setattr(lstm_split, "MIN_UNITS_PER_THREAD", 16)
    monkeypatch.setattr(lstm_split, "thread_count", lambda: 2)
    monkeypatch.setattr(lstm_split, "cores", lambda: 2)
    calls = []
    original = lstm_split.split_forward

    def counting(*args):
        calls.append(args[3])  # the thread index k
        return original(*args)

    monkeypatch.setattr(lstm_split, "split_forward", counting)
    c = _case(np.float64, masks=masks, H=40, seed=7)
    step_mask = c["keep"] if masks else None
    rec_mask = c["rm"] if masks else None
    got_hs, got_cs, cache = fast.lstm_forward(c["xw"], c["U"], c["h0"], c["c0"], step_mask,
                                              rec_mask, "tanh", "sigmoid")
    assert sorted(calls) == [0, 1]
    got = (got_hs, got_cs, *fast.lstm_backward(c["dhs"], c["dh"], c["dc"], cache))
    want_hs, want_cs, ref_cache = ref.lstm_forward(c["xw"], c["U"], c["h0"], c["c0"], step_mask,
                                                   rec_mask, "tanh", "sigmoid")
    want = (want_hs, want_cs, *ref.lstm_backward(c["dhs"], c["dh"], c["dc"], ref_cache))
    for name, g, w in zip(("hs", "cs", "dxw", "dU", "dh0", "dc0"), got, want):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12, err_msg=name)


def test_only_a_split_lstm_puts_its_input_products_on_the_loop_threads(monkeypatch):
    monkeypatch.setattr(lstm_split, "thread_count", lambda: 2)
    monkeypatch.setattr(lstm_split, "cores", lambda: 2)
    W = np.zeros((8, 4 * 256), np.float32)
    split = find_gemm() is not None and threads.blas_controller() is not None
    assert fast._split_products("lstm", W) == split
    for cell in ("gru", "simple_rnn", None):  # their loops use BLAS's own threads
        assert not fast._split_products(cell, W)
    monkeypatch.setattr(lstm_split, "thread_count", lambda: 1)
    assert not fast._split_products("lstm", W)
