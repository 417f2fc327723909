import numpy as np
import pytest

from seqlab.layers.base import Layer, Parameter, deserialize, serialize
from seqlab.layers.symbolic import Input, SymbolicTensor
from seqlab.testing import GradcheckError, check_layer


class Scale(Layer):
    """y = x ⊙ w (a per-feature scale), the smallest layer with a parameter."""

    def __init__(self, wrong_backward: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.wrong_backward = wrong_backward

    def build(self, input_shape):
        self.w = self.add_weight("w", (input_shape[-1],), "glorot_uniform")

    def call(self, inputs, training=False, mask=None):
        self._cache = inputs
        return inputs * self.w.value

    def backward(self, dout):
        x = self._require_cache()
        self.w.grad += (dout * x).reshape(-1, x.shape[-1]).sum(axis=0)
        return dout * (2.0 if self.wrong_backward else 1.0) * self.w.value

    def get_config(self):
        return {**super().get_config(), "wrong_backward": self.wrong_backward}


def test_gradcheck_passes_for_a_correct_layer_and_fails_for_a_wrong_one():
    x = np.random.default_rng(0).standard_normal((3, 4))
    check_layer(Scale(dtype="float64", seed=1), x)
    with pytest.raises(GradcheckError, match="input\\[0\\]"):
        check_layer(Scale(dtype="float64", seed=1, wrong_backward=True), x)


def test_weights_roundtrip_and_shape_errors():
    layer = Scale(seed=3)
    layer(np.ones((2, 5)))
    assert layer.count_params() == 5
    w = layer.get_weights()
    layer.set_weights([np.arange(5.0)])
    np.testing.assert_array_equal(layer.get_weights()[0], np.arange(5.0, dtype=np.float32))
    with pytest.raises(ValueError, match=r"expected shape \(5,\), got \(4,\)"):
        layer.set_weights([np.zeros(4)])
    with pytest.raises(ValueError, match="expected 1 weight arrays"):
        layer.set_weights(w + w)


def test_set_weights_before_build_is_a_clear_error():
    with pytest.raises(RuntimeError, match="not built"):
        Scale().set_weights([np.zeros(3)])


def test_backward_before_forward_is_a_clear_error():
    layer = Scale()
    layer.build((None, 3))
    with pytest.raises(RuntimeError, match="needs a forward call first"):
        layer.backward(np.ones((1, 3)))


def test_same_seed_same_weights():
    a, b = Scale(seed=5), Scale(seed=5)
    a.build((None, 4))
    b.build((None, 4))
    np.testing.assert_array_equal(a.w.value, b.w.value)


def test_non_numeric_input_is_rejected_with_layer_name():
    layer = Scale(name="scaler")
    with pytest.raises(TypeError, match="scaler"):
        layer(np.array([["a", "b"]]))


def test_serialize_roundtrip_and_unknown_class():
    layer = Scale(name="s1", dtype="float64", wrong_backward=True)
    clone = deserialize(serialize(layer))
    assert isinstance(clone, Scale)
    assert clone.get_config() == layer.get_config()
    with pytest.raises(ValueError, match="unknown layer class 'Nope'"):
        deserialize({"class_name": "Nope", "config": {}})


def test_bad_dtype_is_rejected():
    with pytest.raises(ValueError, match="float32"):
        Scale(dtype="int32")


def test_parameter_grad_accumulates():
    p = Parameter("p", np.zeros(3))
    p.grad += 1
    p.grad += 2
    np.testing.assert_array_equal(p.grad, [3, 3, 3])
    p.zero_grad()
    assert not p.grad.any()


def test_symbolic_call_builds_and_infers_shape():
    x = Input((None, 6))
    layer = Scale()
    y = layer(x)
    assert isinstance(y, SymbolicTensor)
    assert y.shape == (None, None, 6)
    assert layer.built and layer.w.shape == (6,)
    assert y.node.layer is layer and y.node.parents == [x]


def test_input_rejects_non_tuple_shape():
    with pytest.raises(TypeError, match="shape must be a tuple"):
        Input(14)
