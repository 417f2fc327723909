import numpy as np
import pytest

import seqlab
from seqlab import config, initializers
from seqlab.random import make_rng, set_random_seed


def test_floatx_switch_and_restore():
    assert seqlab.floatx() == "float32"
    with seqlab.use_floatx("float64"):
        assert seqlab.floatx() == "float64"
    assert seqlab.floatx() == "float32"


def test_bad_floatx_and_kernels_name_the_valid_choices():
    with pytest.raises(ValueError, match="float32"):
        seqlab.set_floatx("float16")
    with pytest.raises(ValueError, match="numba"):
        seqlab.set_kernels("cuda")
    assert config.kernels() == "numba"


def test_use_kernels_restores_even_after_error():
    with pytest.raises(RuntimeError), seqlab.use_kernels("numpy"):
        assert seqlab.config.kernels() == "numpy"
        raise RuntimeError("boom")
    assert seqlab.config.kernels() == "numba"


def test_global_seed_makes_draws_repeat():
    set_random_seed(7)
    a = make_rng().standard_normal(5)
    set_random_seed(7)
    b = make_rng().standard_normal(5)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, make_rng().standard_normal(5))


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True])
def test_bad_seed_is_rejected(bad):
    with pytest.raises(ValueError, match="seed"):
        make_rng(bad)


def test_orthogonal_rows_are_orthonormal_for_wide_recurrent_kernels():
    w = initializers.orthogonal((8, 32), np.float64, np.random.default_rng(0))
    np.testing.assert_allclose(w @ w.T, np.eye(8), atol=1e-12)
    sq = initializers.orthogonal((6, 6), np.float64, np.random.default_rng(1))
    np.testing.assert_allclose(sq.T @ sq, np.eye(6), atol=1e-12)


def test_glorot_uniform_limit_uses_keras_fans():
    w = initializers.glorot_uniform((7, 32, 16), np.float64, np.random.default_rng(0))
    limit = np.sqrt(6.0 / (7 * 32 + 7 * 16))
    assert np.abs(w).max() <= limit
    assert np.abs(w).max() > 0.9 * limit


def test_unknown_initializer_lists_valid_names():
    with pytest.raises(ValueError, match="glorot_uniform"):
        initializers.get("xavier")
