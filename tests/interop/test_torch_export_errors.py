"""to_torch / from_torch: what is refused and why, and the weights' way back."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="to_torch needs PyTorch (pip install torch==2.13.0)")

import seqlab
from seqlab.interop import from_torch, to_torch
from seqlab.layers import GRU, LSTM, Bidirectional, Dense, Embedding, Input, Layer
from seqlab.optim import SGD

B, T, V = 4, 6, 10


class PerFeatureScale(Layer):
    """A user-defined layer: y = x ⊙ w."""

    def build(self, input_shape):
        self.w = self.add_weight("w", (input_shape[-1],), "ones")

    def call(self, inputs, training=False, mask=None):
        self._cache = inputs
        return inputs * self.w.value

    def backward(self, dout):
        self.w.grad += (dout * self._cache).reshape(-1, self._cache.shape[-1]).sum(axis=0)
        return dout * self.w.value


class MyDense(Dense):
    """A user's subclass of a seqlab layer: it may compute anything, so it is refused too."""


def lstm_model(name_prefix="", **lstm_kwargs):
    return seqlab.Sequential([
        Input((T,), dtype="int64"),
        Embedding(V, 3, mask_zero=True, dtype="float64", name=f"{name_prefix}embedding"),
        LSTM(4, dtype="float64", name=f"{name_prefix}lstm", **lstm_kwargs),
        Dense(1, activation="sigmoid", dtype="float64", name=f"{name_prefix}dense"),
    ])


@pytest.mark.parametrize("custom", [PerFeatureScale, MyDense])
def test_a_custom_layer_is_refused_by_name(custom):
    layer = custom(1, name="my_layer") if custom is MyDense else custom(name="my_layer")
    model = seqlab.Sequential([Input((3,)), layer])
    with pytest.raises(TypeError, match=f"'my_layer' is a custom \\(user-defined\\) layer of "
                                        f"class {custom.__name__}"):
        to_torch(model)
    with pytest.raises(TypeError, match="'my_layer'"):
        from_torch({}, model)


def test_a_nested_model_is_refused():
    inner = seqlab.Sequential([Input((3,)), Dense(2)], name="inner")
    x = Input((3,))
    with pytest.raises(TypeError, match="'inner' is a nested model \\(Sequential\\)"):
        to_torch(seqlab.Model(x, Dense(1)(inner(x))))


def test_a_stateful_layer_is_refused():
    with pytest.raises(ValueError, match="'lstm'.*stateful=True"):
        to_torch(lstm_model(stateful=True))


def test_a_mask_with_gaps_is_refused_where_torch_packs_sequences():
    ids = np.arange(B * T).reshape(B, T) % (V - 1) + 1
    ids[2, 3] = 0  # a padding step between real ones
    exported = to_torch(lstm_model())
    with pytest.raises(ValueError, match=r"nn.LSTM.*one run.*row 2 has the mask "
                                         r"\[1, 1, 1, 0, 1, 1\]"):
        exported(torch.tensor(ids))
    x = torch.tensor(np.random.default_rng(0).standard_normal((B, T, 3)))
    lstm_only = to_torch(seqlab.Sequential([Input((T, 3)), LSTM(4, dtype="float64")]))
    with pytest.raises(ValueError, match="row 2 has the mask"):
        lstm_only(x, mask=ids != 0)  # a NumPy mask is taken as well


def test_an_unbuilt_model_and_other_objects_are_refused():
    with pytest.raises(ValueError, match="not built"):
        to_torch(seqlab.Sequential([Dense(2)]))
    with pytest.raises(TypeError, match="expected a seqlab Sequential or Model, got LSTM"):
        to_torch(LSTM(2))


def test_bad_inputs_of_the_exported_module():
    exported = to_torch(lstm_model())
    with pytest.raises(ValueError, match=r"ids must be in \[0, 10\), got values from 0 to 12"):
        exported(torch.tensor([[0, 1, 2, 3, 4, 12]]))
    with pytest.raises(ValueError, match="expected 1 input tensor"):
        exported(torch.zeros(1, T), torch.zeros(1, T))


def test_from_torch_checks_names_and_shapes_before_copying():
    model = lstm_model()
    before = model.get_weights()
    state = to_torch(lstm_model()).state_dict()
    ddp_like = {f"module.{k}": v for k, v in state.items()}
    with pytest.raises(ValueError, match="missing.*layers.lstm.rnn.weight_ih_l0.*pass "
                                         "ddp_model.module"):
        from_torch(ddp_like, model)
    bad = dict(state)
    bad["layers.dense.weight"] = torch.zeros(2, 4)
    with pytest.raises(ValueError, match=r"'layers.dense.weight' should have shape \(1, 4\)"):
        from_torch(bad, model)
    for got, want in zip(model.get_weights(), before):
        np.testing.assert_array_equal(got, want)  # nothing was copied


def test_from_torch_takes_a_module_or_a_state_of_arrays():
    source, target = lstm_model(), lstm_model()
    arrays = {k: v.numpy() for k, v in to_torch(source).state_dict().items()}
    from_torch(arrays, target)
    for got, want in zip(target.get_weights(), source.get_weights()):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_steps_in_torch_are_seqlab_steps(momentum):
    """Each trainable torch parameter is one seqlab weight (a single seqlab bias exports a
    frozen zero bias_hh), so torch.optim.SGD trains what seqlab.optim.SGD trains."""
    # a fixed draw: about one in twenty moves some weight less than 1e-4 in three steps
    seqlab.set_random_seed(0)
    ids_in = Input((T,), dtype="int64")
    x = Embedding(V, 3, mask_zero=True, dtype="float64", name="emb")(ids_in)
    x = Bidirectional(GRU(4, reset_after=False, return_sequences=True, dtype="float64"),
                      name="bi_gru")(x)
    x = LSTM(3, dtype="float64", name="lstm")(x)
    probs = Dense(1, activation="sigmoid", dtype="float64", name="dense")(x)
    model = seqlab.Model(ids_in, probs)
    before = model.get_weights()
    exported = to_torch(model).train()
    rng = np.random.default_rng(0)
    ids = rng.integers(1, V, (B, T))
    ids[0, :2] = 0
    labels = rng.integers(0, 2, (B, 1)).astype("float64")

    model.compile(SGD(0.5, momentum=momentum), "binary_crossentropy")
    optimizer = torch.optim.SGD(exported.parameters(), lr=0.5, momentum=momentum)
    for _ in range(3):
        model.train_on_batch(ids, labels)
        optimizer.zero_grad()
        torch.nn.functional.binary_cross_entropy(exported(torch.tensor(ids)),
                                                 torch.tensor(labels)).backward()
        optimizer.step()
    trained = seqlab.Model.from_config(model.get_config())
    from_torch(exported, trained)
    assert all(np.abs(a - b).max() > 1e-4 for a, b in zip(model.get_weights(), before))
    for p, got in zip(model.weights, trained.get_weights()):
        np.testing.assert_allclose(got, p.value, rtol=0, atol=1e-10, err_msg=p.name)
