import numpy as np
import pytest

from seqlab.layers.base import Parameter
from seqlab.optim import SGD, clip_by_global_norm, clip_by_norm, clip_by_value, global_norm


def test_clip_by_norm_scales_only_long_vectors():
    g = np.array([3.0, 4.0])  # norm 5
    np.testing.assert_allclose(clip_by_norm(g, 1.0), [0.6, 0.8])
    np.testing.assert_allclose(clip_by_norm(g, 10.0), g)
    np.testing.assert_array_equal(clip_by_norm(np.zeros(3), 1.0), np.zeros(3))


def test_clip_by_global_norm_uses_all_gradients():
    gs = [np.array([3.0]), np.array([4.0])]
    assert global_norm(gs) == pytest.approx(5.0)
    out = clip_by_global_norm(gs, 2.5)
    np.testing.assert_allclose(np.concatenate(out), [1.5, 2.0])
    nan = clip_by_global_norm([np.array([np.inf]), np.array([1.0])], 1.0)
    assert np.isnan(nan[1]).all()


def test_clip_by_value():
    np.testing.assert_array_equal(clip_by_value(np.array([-3.0, 0.5, 2.0]), 1.0), [-1.0, 0.5, 1.0])


def _sgd_step(**clip):
    a = Parameter("a", np.zeros(2))
    b = Parameter("b", np.zeros(1))
    a.grad[...] = [3.0, 4.0]
    b.grad[...] = [12.0]
    SGD(1.0, **clip).apply([a, b])
    return -a.value, -b.value


def test_optimizer_clipnorm_is_per_parameter():
    da, db = _sgd_step(clipnorm=1.0)
    np.testing.assert_allclose(da, [0.6, 0.8])
    np.testing.assert_allclose(db, [1.0])


def test_optimizer_global_clipnorm_is_over_all_parameters():
    da, db = _sgd_step(global_clipnorm=1.3)  # global norm 13 → scale 0.1
    np.testing.assert_allclose(da, [0.3, 0.4])
    np.testing.assert_allclose(db, [1.2])


def test_optimizer_clipvalue():
    da, db = _sgd_step(clipvalue=3.5)
    np.testing.assert_allclose(da, [3.0, 3.5])
    np.testing.assert_allclose(db, [3.5])


def test_bad_threshold_is_named():
    with pytest.raises(ValueError, match="global_clipnorm"):
        clip_by_global_norm([np.ones(2)], -1.0)
