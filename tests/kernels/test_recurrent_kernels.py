"""The Numba recurrent kernels against the NumPy reference, and their building blocks.

Tolerances: float64 runs the same formulas with libm tanh/exp, so results
agree with the reference to rounding (rtol 1e-10, atol 1e-12 on O(1) values).
float32 uses a rational tanh (max abs error 1.9e-7, sigmoid 1.2e-7) where the
reference uses NumPy's (≤ 1 ulp); outputs then differ by a few 1e-7 per step,
and in a contracting recurrence (tanh/sigmoid gates, |U| < 1) these errors do
not accumulate: 2e-6 absolute bounds T = 6 as well as T = 500 below.
"""

from __future__ import annotations

import dataclasses

import numba
import numpy as np
import pytest

from seqlab.functional import activations as ref_act
from seqlab.functional import recurrent as ref
from seqlab.kernels import fastmath, projection, step_products
from seqlab.kernels import recurrent as fast
from seqlab.kernels.smallgemm import add_recurrent_grad, gemm_acc, gemm_nt, gemm_tn_acc
from seqlab.testing.gradcheck import check_function

CELLS = ("simple_rnn", "lstm", "gru_after", "gru_before")
MASKS = ("none", "step", "rec", "both")
NAMES = tuple(fastmath.ACTIVATION_CODES)


# ------------------------------------------------------------------ helpers
def make_case(cell: str, dtype, masks: str = "none", T: int = 6, B: int = 5, H: int = 3,
              seed: int = 0) -> dict:
    """Random inputs for one kernel call: values O(1), |U| small enough to contract."""
    rng = np.random.default_rng(seed)
    k = {"simple_rnn": 1, "lstm": 4}.get(cell, 3)
    case = {
        "xw": rng.normal(size=(T, B, k * H)),
        "U": rng.normal(size=(H, k * H)) * 0.6,
        "h0": rng.normal(size=(B, H)) * 0.5,
        "c0": rng.normal(size=(B, H)) * 0.5,
        "rb": rng.normal(size=(k * H,)) * 0.3 if cell == "gru_after" else None,
        "step_mask": rng.random((T, B)) > 0.3 if masks in ("step", "both") else None,
        "rec_mask": (rng.random((B, H)) > 0.4) / 0.6 if masks in ("rec", "both") else None,
        "dhs": rng.normal(size=(T, B, H)),
        "dh_last": rng.normal(size=(B, H)),
        "dc_last": rng.normal(size=(B, H)),
    }
    return {key: (v.astype(dtype) if isinstance(v, np.ndarray) and v.dtype != bool else v)
            for key, v in case.items()}


def run(module, cell: str, case: dict, act: str = "tanh", rec_act: str = "sigmoid") -> tuple:
    """Forward + backward through ``module``: (outputs..., gradients...), and the cache."""
    c = case
    if cell == "simple_rnn":
        hs, cache = module.simple_rnn_forward(c["xw"], c["U"], c["h0"], c["step_mask"],
                                              c["rec_mask"], act)
        return (hs, *module.simple_rnn_backward(c["dhs"], c["dh_last"], cache)), cache
    if cell == "lstm":
        hs, cs, cache = module.lstm_forward(c["xw"], c["U"], c["h0"], c["c0"], c["step_mask"],
                                            c["rec_mask"], act, rec_act)
        grads = module.lstm_backward(c["dhs"], c["dh_last"], c["dc_last"], cache)
        return (hs, cs, *grads), cache
    after = cell == "gru_after"
    hs, cache = module.gru_forward(c["xw"], c["U"], c["rb"], c["h0"], c["step_mask"],
                                   c["rec_mask"], act, rec_act, after)
    return (hs, *module.gru_backward(c["dhs"], c["dh_last"], cache)), cache


def assert_same(got: tuple, want: tuple, dtype) -> None:
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        if w is None:
            assert g is None, f"result {i}: expected None"
            continue
        assert g.shape == w.shape and g.dtype == w.dtype, f"result {i}"
        if dtype == np.float64:
            np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12, err_msg=f"result {i}")
        else:
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=2e-6, err_msg=f"result {i}")


@pytest.fixture
def threads():
    """Set numba's thread count for one test (restored afterwards)."""
    before = numba.get_num_threads()
    yield lambda n: numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))
    numba.set_num_threads(before)


# --------------------------------------------------------------- fastmath
def test_float32_tanh_and_sigmoid_errors_are_within_the_documented_bounds():
    x = np.linspace(-25, 25, 1_000_001).astype(np.float32)
    exact = np.tanh(x.astype(np.float64))
    assert np.abs(fastmath.apply_activation("tanh", x) - exact).max() <= 2e-7
    sig = 1 / (1 + np.exp(-x.astype(np.float64)))
    assert np.abs(fastmath.apply_activation("sigmoid", x) - sig).max() <= 1.5e-7
    # odd symmetry and tanh(0) = 0 exactly
    t = fastmath.apply_activation("tanh", x)
    np.testing.assert_array_equal(t, -t[::-1])
    assert fastmath.apply_activation("tanh", np.zeros(3, np.float32)).tolist() == [0, 0, 0]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_nan_propagates_and_infinities_saturate(dtype):
    x = np.array([np.nan, np.inf, -np.inf], dtype=dtype)
    for name in NAMES:
        y = fastmath.apply_activation(name, x)
        assert np.isnan(y[0]), name
        np.testing.assert_allclose(y[1:], ref_act.activation_forward(name, x[1:]), atol=1e-7)


def test_float64_and_piecewise_activations_match_the_reference():
    x = np.random.default_rng(1).normal(0, 4, 10_000)
    for name in NAMES:
        np.testing.assert_allclose(fastmath.apply_activation(name, x),
                                   ref_act.activation_forward(name, x), rtol=1e-15, atol=1e-16)
    x32 = x.astype(np.float32)
    for name in ("hard_sigmoid", "relu", "linear"):
        np.testing.assert_allclose(fastmath.apply_activation(name, x32),
                                   ref_act.activation_forward(name, x32), atol=1e-7)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_grad_block_is_the_derivative_from_the_output(dtype):
    rng = np.random.default_rng(2)
    x = rng.normal(0, 3, (4, 10)).astype(dtype)
    for name in NAMES:
        y = ref_act.activation_forward(name, x)
        dy = rng.normal(size=y.shape).astype(dtype)
        got = dy.copy()
        fastmath.grad_block(np.ascontiguousarray(y), 0, got, 0, y.shape[1],
                            fastmath.ACTIVATION_CODES[name])
        # float32: 1 − y² with a fused multiply-add differs from NumPy's two roundings
        # by an absolute ~3e-8 where y → ±1 (the value itself → 0)
        tol = {"rtol": 1e-6, "atol": 1e-7} if dtype == np.float32 else {"rtol": 1e-12, "atol": 1e-16}
        np.testing.assert_allclose(got, ref_act.activation_backward(name, y, dy), **tol)


def test_mixed_rows_equal_the_per_block_activations():
    H = 5
    codes = [fastmath.SIGMOID, fastmath.SIGMOID, fastmath.TANH, fastmath.SIGMOID]
    fwd, bwd = fastmath.mixed_coefficients(codes, H, np.float32)
    rng = np.random.default_rng(3)
    src = rng.normal(0, 3, (3, 4 * H)).astype(np.float32)
    out = np.empty_like(src)
    fastmath.activate_rows_mixed(src, out, fwd)
    for q, code in enumerate(codes):
        name = next(n for n, c in fastmath.ACTIVATION_CODES.items() if c == code)
        block = src[:, q * H:(q + 1) * H]
        np.testing.assert_array_equal(out[:, q * H:(q + 1) * H],
                                      fastmath.apply_activation(name, block))
    d = rng.normal(size=out.shape).astype(np.float32)
    want = d.copy()
    for q, code in enumerate(codes):
        fastmath.grad_block(out, q * H, want, q * H, H, code)
    fastmath.grad_rows_mixed(out, d, bwd)
    np.testing.assert_allclose(d, want, rtol=1e-6, atol=1e-7)
    # float64 and other activations keep the per-block exact path
    assert fastmath.mixed_coefficients(codes, H, np.float64)[0].shape == (0, 0)
    assert fastmath.mixed_coefficients([fastmath.RELU], H, np.float32)[0].shape == (0, 0)


def test_the_tanh_coefficients_come_from_the_documented_fit():
    P, Q, err = fastmath._fit_half_tanh(fastmath.CLAMP / 2, 3, 3)
    assert err < 3e-8
    np.testing.assert_allclose(P, fastmath._P, rtol=1e-5)
    np.testing.assert_allclose(Q, fastmath._Q, rtol=1e-5)


def test_apply_activation_rejects_bad_input():
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        fastmath.apply_activation("gelu", np.zeros(2))
    with pytest.raises(TypeError, match="float32 or float64"):
        fastmath.apply_activation("tanh", np.zeros(2, dtype=np.int64))


# --------------------------------------------------------------- smallgemm
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n, K, N", [(1, 3, 5), (4, 8, 16), (7, 9, 33), (6, 4, 1)])
def test_gemm_acc_adds_the_product_of_a_row_block(dtype, n, K, N):
    rng = np.random.default_rng(n * K + N)
    x = rng.normal(size=(n + 3, K + 2)).astype(dtype)
    M = rng.normal(size=(K, N)).astype(dtype)
    out = rng.normal(size=(n, N)).astype(dtype)
    want = out + x[2:2 + n, 1:1 + K] @ M
    gemm_acc(x, 2, 1, M, out, n)
    np.testing.assert_allclose(out, want, rtol=1e-5 if dtype == np.float32 else 1e-13)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n, K, N", [(1, 3, 5), (4, 8, 16), (7, 9, 33), (6, 4, 1), (5, 128, 32)])
def test_gemm_nt_writes_the_product_with_a_transposed_matrix(dtype, n, K, N):
    rng = np.random.default_rng(n * K + N)
    x = rng.normal(size=(n + 3, K)).astype(dtype)
    M = rng.normal(size=(N, K)).astype(dtype)
    out = rng.normal(size=(n + 1, N)).astype(dtype)
    want = out.copy()
    want[:n] = x[2:2 + n] @ M.T
    gemm_nt(x, 2, M, out, n)  # overwrites the first n rows, leaves the rest
    tol = 1e-5 if dtype == np.float32 else 1e-12  # dot products of up to 128 terms of size ~1
    np.testing.assert_allclose(out, want, rtol=tol, atol=tol * np.sqrt(K))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n, K, N", [(1, 3, 5), (4, 8, 16), (7, 9, 33), (6, 4, 1), (9, 33, 128)])
def test_gemm_tn_acc_adds_the_transposed_product(dtype, n, K, N):
    rng = np.random.default_rng(n * K + N + 1)
    x = rng.normal(size=(n + 3, K)).astype(dtype)
    M = rng.normal(size=(n, N)).astype(dtype)
    out = rng.normal(size=(K, N)).astype(dtype)
    want = out + x[2:2 + n].T @ M
    gemm_tn_acc(x, 2, M, out, n)
    tol = 1e-5 if dtype == np.float32 else 1e-12  # sums of 9 terms of size ~1
    np.testing.assert_allclose(out, want, rtol=tol, atol=tol)


@pytest.mark.parametrize("dropout", [False, True])
def test_add_recurrent_grad_uses_the_dropped_state(dropout):
    rng = np.random.default_rng(3)
    h_prev, d = rng.normal(size=(6, 4)), rng.normal(size=(3, 12))
    rec_mask = rng.normal(size=(6, 4)) if dropout else np.zeros((0, 0))
    dU = rng.normal(size=(4, 12))
    rows = h_prev[2:5] * (rec_mask[2:5] if dropout else 1)
    want = dU + rows.T @ d
    add_recurrent_grad(h_prev, rec_mask, 2, np.empty((3, 4)), d, dU)
    np.testing.assert_allclose(dU, want, rtol=1e-13)


# ----------------------------------------------------------- input products
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("use_bias", [False, True])
@pytest.mark.parametrize("big", [False, True])
def test_input_products_equal_the_reference_and_the_definition(dtype, reverse, use_bias, big,
                                                                threads, monkeypatch):
    if big:  # the BLAS products of big layers
        monkeypatch.setattr(step_products, "BLAS_MIN_UNITS", 1)
    rng = np.random.default_rng(21)
    B, T, D, kH = 7, 5, 3, 8
    x = rng.normal(size=(B, T, D)).astype(dtype)
    W = rng.normal(size=(D, kH)).astype(dtype)
    b = rng.normal(size=kH).astype(dtype) if use_bias else None
    dxw = rng.normal(size=(T, B, kH)).astype(dtype)
    order = np.arange(T)[::-1] if reverse else np.arange(T)  # input step of loop step t
    want_xw = np.stack([x[:, s] @ W + (b if use_bias else 0) for s in order])
    want_dx = np.empty_like(x)
    want_dx[:, order] = np.swapaxes(dxw @ W.T, 0, 1)
    want_dW = sum(x[:, s].T @ dxw[t] for t, s in enumerate(order))
    tol = 1e-5 if dtype == np.float32 else 1e-12
    assert projection.uses_blas(D, kH) == big
    for module in (ref, fast):
        for n in (1, 3):
            threads(n)
            xw = module.input_projection(x, W, b, reverse)
            dx, dW, db = module.input_backward(x, dxw, W, reverse, use_bias)
            np.testing.assert_allclose(xw, want_xw, rtol=tol, atol=tol)
            np.testing.assert_allclose(dx, want_dx, rtol=tol, atol=tol)
            np.testing.assert_allclose(dW, want_dW, rtol=tol, atol=tol)
            if use_bias:
                np.testing.assert_allclose(db, dxw.sum(axis=(0, 1)), rtol=tol, atol=tol)
            else:
                assert db is None


# ------------------------------------------------- kernels equal the reference
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("masks", MASKS)
@pytest.mark.parametrize("cell", CELLS)
def test_kernels_equal_the_reference(cell, masks, dtype):
    case = make_case(cell, dtype, masks)
    got, _ = run(fast, cell, case)
    want, _ = run(ref, cell, case)
    assert_same(got, want, dtype)


# every activation name appears in both roles, for every cell (float64: exact math)
PAIRS = [("tanh", "sigmoid"), ("relu", "hard_sigmoid"), ("linear", "tanh"),
         ("sigmoid", "relu"), ("hard_sigmoid", "linear")]


@pytest.mark.parametrize("act, rec_act", PAIRS)
@pytest.mark.parametrize("cell", CELLS)
def test_every_activation_matches_the_reference(cell, act, rec_act):
    case = make_case(cell, np.float64, "both", seed=7)
    got, _ = run(fast, cell, case, act, rec_act)
    want, _ = run(ref, cell, case, act, rec_act)
    assert_same(got, want, np.float64)


@pytest.mark.parametrize("cell", CELLS)
def test_float32_first_edition_gates_match_the_reference(cell):
    case = make_case(cell, np.float32, "step", seed=3)
    got, _ = run(fast, cell, case, "tanh", "hard_sigmoid")
    want, _ = run(ref, cell, case, "tanh", "hard_sigmoid")
    assert_same(got, want, np.float32)


@pytest.mark.parametrize("cell", ["lstm", "gru_after"])
def test_float32_long_sequence_errors_do_not_grow(cell):
    case = make_case(cell, np.float32, "none", T=500, B=2, H=4, seed=11)
    got, _ = run(fast, cell, case)
    want, _ = run(ref, cell, case)
    assert_same(got, want, np.float32)


@pytest.mark.parametrize("cell", CELLS)
def test_blas_step_products_equal_the_reference(cell, monkeypatch, threads):
    monkeypatch.setattr(step_products, "BLAS_MIN_UNITS", 1)
    threads(1)  # the BLAS products run at one thread only
    assert step_products.use_blas(3)
    for masks in ("none", "both"):
        case = make_case(cell, np.float64, masks, seed=5)
        got, _ = run(fast, cell, case)
        want, _ = run(ref, cell, case)
        assert_same(got, want, np.float64)


@pytest.mark.parametrize("cell", CELLS)
def test_thread_count_does_not_change_the_loop_results(cell, threads):
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("numba has a single thread here")
    case = make_case(cell, np.float32, "both", B=7, seed=9)
    threads(1)
    one, _ = run(fast, cell, case)
    threads(3)
    several, _ = run(fast, cell, case)
    # hs (and cs) and dxw come from the per-row loops: bit-identical
    np.testing.assert_array_equal(one[0], several[0])
    k = 2 if cell == "lstm" else 1
    np.testing.assert_array_equal(one[k], several[k])
    for a, b in zip(one, several):
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------- gradient checks
@pytest.mark.parametrize("cell", CELLS)
def test_kernel_gradients_match_finite_differences(cell):
    case = make_case(cell, np.float64, "both", T=4, B=2, H=2, seed=13)
    zeros = np.zeros_like(case["h0"])

    def forward(xw, U, h0):
        c = dict(case, xw=xw, U=U, h0=h0)
        outs, cache = run(fast, cell, dict(c, dhs=np.zeros_like(case["dhs"])))
        return outs[0], cache

    def backward(dhs, cache):
        if cell == "simple_rnn":
            return fast.simple_rnn_backward(dhs, zeros, cache)
        if cell == "lstm":
            dxw, dU, dh0, _ = fast.lstm_backward(dhs, zeros, zeros, cache)
            return dxw, dU, dh0
        dxw, dU, _, dh0 = fast.gru_backward(dhs, zeros, cache)
        return dxw, dU, dh0

    check_function(forward, backward, [case["xw"], case["U"], case["h0"]], rtol=1e-6)


# --------------------------------------------------------- semantics & cache
def test_masked_steps_carry_the_state_and_get_no_gradient():
    case = make_case("lstm", np.float32, "step", seed=17)
    (hs, cs, dxw, *_), _ = run(fast, "lstm", case)
    keep = case["step_mask"]
    prev_h = np.concatenate([case["h0"][None], hs[:-1]])
    prev_c = np.concatenate([case["c0"][None], cs[:-1]])
    np.testing.assert_array_equal(hs[~keep], prev_h[~keep])
    np.testing.assert_array_equal(cs[~keep], prev_c[~keep])
    assert np.all(dxw[~keep] == 0) and np.any(dxw[keep] != 0)


@pytest.mark.parametrize("cell", CELLS)
def test_cache_is_the_reference_cache(cell):
    case = make_case(cell, np.float64, "both", seed=19)
    _, mine = run(fast, cell, case)
    _, theirs = run(ref, cell, case)
    assert type(mine) is type(theirs)
    for field in dataclasses.fields(theirs):
        want, got = getattr(theirs, field.name), getattr(mine, field.name)
        if isinstance(want, np.ndarray):
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12, err_msg=field.name)
        else:
            assert got == want, field.name


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize(("forward", "backward"), [(fast, ref), (ref, fast)])
def test_either_backward_reads_either_cache(cell, forward, backward):
    """One cache layout: a fast forward's cache feeds the reference BPTT and back."""
    case = make_case(cell, np.float64, "both", seed=23)
    want, _ = run(ref, cell, case)
    _, cache = run(forward, cell, case)
    if cell == "simple_rnn":
        got = backward.simple_rnn_backward(case["dhs"], case["dh_last"], cache)
    elif cell == "lstm":
        got = backward.lstm_backward(case["dhs"], case["dh_last"], case["dc_last"], cache)
    else:
        got = backward.gru_backward(case["dhs"], case["dh_last"], cache)
    k = 2 if cell == "lstm" else 1
    assert_same(got, want[k:], np.float64)


def test_nan_input_gives_nan_output_not_a_silent_number():
    case = make_case("gru_after", np.float32)
    case["xw"][2, 1, 0] = np.nan
    (hs, *_), _ = run(fast, "gru_after", case)
    assert np.isnan(hs[2:, 1]).any() and not np.isnan(hs[:2]).any()


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("blas", [False, True])
def test_zero_steps(cell, blas, monkeypatch, threads):
    if blas:
        monkeypatch.setattr(step_products, "BLAS_MIN_UNITS", 1)
        threads(1)
    case = make_case(cell, np.float64, "both", T=0)
    outs, _ = run(fast, cell, case)
    k = 2 if cell == "lstm" else 1  # hs (, cs) then dxw, dU, ...
    assert outs[0].shape == (0, 5, 3) and outs[k].shape[:2] == (0, 5)
    np.testing.assert_array_equal(outs[k + 1], 0)  # dU
    np.testing.assert_array_equal(outs[-1] if cell != "lstm" else outs[-2], case["dh_last"])


# ------------------------------------------------------------- bad input
def test_bad_input_is_named():
    c = make_case("lstm", np.float32)
    with pytest.raises(TypeError, match="lstm_forward: xw must be float32 or float64, got int64"):
        fast.lstm_forward(c["xw"].astype(np.int64), c["U"], c["h0"], c["c0"], None, None,
                          "tanh", "sigmoid")
    with pytest.raises(ValueError, match=r"lstm_forward: U must have shape \(3, 12\)"):
        fast.lstm_forward(c["xw"], c["U"][:, :8], c["h0"], c["c0"], None, None,
                          "tanh", "sigmoid")
    with pytest.raises(ValueError, match=r"xw must have shape \(T, B, 4·H\)"):
        fast.lstm_forward(c["xw"][..., :7], c["U"], c["h0"], c["c0"], None, None,
                          "tanh", "sigmoid")
    with pytest.raises(ValueError, match="unknown recurrent_activation 'softmax'"):
        fast.lstm_forward(c["xw"], c["U"], c["h0"], c["c0"], None, None, "tanh", "softmax")
    with pytest.raises(ValueError, match=r"step_mask must have shape \(6, 5\)"):
        fast.lstm_forward(c["xw"], c["U"], c["h0"], c["c0"], np.ones((5, 6), bool), None,
                          "tanh", "sigmoid")
    g = make_case("gru_before", np.float32)
    with pytest.raises(ValueError, match="only used with reset_after=True"):
        fast.gru_forward(g["xw"], g["U"], np.zeros(9, np.float32), g["h0"], None, None,
                         "tanh", "sigmoid", False)
    hs, cache = fast.simple_rnn_forward(c["xw"][..., :3], c["U"][:, :3], c["h0"], None, None,
                                        "tanh")
    with pytest.raises(ValueError, match=r"simple_rnn_backward: dhs must have shape"):
        fast.simple_rnn_backward(hs[:2], c["dh_last"], cache)


def test_big_layers_use_blas_at_one_thread_only(threads):
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("numba has a single thread here")
    units = step_products.BLAS_MIN_UNITS
    threads(1)
    assert step_products.use_blas(units) and not step_products.use_blas(units - 1)
    threads(2)  # BLAS's threads would spin between steps and slow the other row blocks
    assert not step_products.use_blas(units)
