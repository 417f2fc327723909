"""Model(inputs, outputs): graph order, gradients through the graph, encoder–decoder."""

from __future__ import annotations

import numpy as np
import pytest

import seqlab
from seqlab.config import use_floatx, use_kernels
from seqlab.layers.core import Dense
from seqlab.layers.embedding import Embedding
from seqlab.layers.rnn_cells import LSTM
from seqlab.layers.symbolic import Input
from seqlab.layers.wrappers import TimeDistributed
from seqlab.models import Model
from seqlab.optim import SGD, Adam
from seqlab.testing import check_layer, compare, numerical_gradient


def _encoder_decoder(V: int = 4, H: int = 3) -> Model:
    enc_in = Input((None, V), name="enc_in")
    dec_in = Input((None, V), name="dec_in")
    _, h, c = LSTM(H, return_state=True, name="encoder")(enc_in)
    seq = LSTM(H, return_sequences=True, name="decoder")(dec_in, initial_state=[h, c])
    out = TimeDistributed(Dense(V, activation="softmax"), name="head")(seq)
    return Model([enc_in, dec_in], out, name="seq2seq")


def test_encoder_decoder_gradients_are_exact():
    with use_floatx("float64"):
        seqlab.set_random_seed(7)
        model = _encoder_decoder()
    rng = np.random.default_rng(1)
    x_enc, x_dec = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 4, 4))
    with use_kernels("numpy"):  # the graph is under test here, not the Numba loops
        grads = check_layer(model, [x_enc, x_dec])
    # the decoder's initial state is the encoder's: the encoder must get a gradient
    assert np.abs(grads["encoder/kernel"]).sum() > 0
    assert [n.layer.name for n in model.nodes] == ["enc_in", "dec_in", "encoder", "decoder",
                                                   "head"]


def test_encoder_decoder_fit_lowers_the_loss():
    seqlab.set_random_seed(0)
    V, T = 4, 3
    model = _encoder_decoder(V=V, H=8)
    rng = np.random.default_rng(0)
    ids = rng.integers(0, V, size=(64, T))
    x_enc = np.eye(V, dtype="float32")[ids]
    # the target is the reversed source, fed to the decoder shifted by one step
    y = np.eye(V, dtype="float32")[ids[:, ::-1]]
    x_dec = np.concatenate([np.zeros((64, 1, V), "float32"), y[:, :-1]], axis=1)
    model.compile(Adam(learning_rate=0.02), "categorical_crossentropy", ["accuracy"])
    history = model.fit([x_enc, x_dec], y, batch_size=16, epochs=15, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.7 * losses[0]
    assert history.history["accuracy"][-1] > history.history["accuracy"][0]
    assert model.predict([x_enc, x_dec]).shape == (64, T, V)


def test_shared_tensor_gets_summed_gradients_and_two_outputs():
    with use_floatx("float64"):
        seqlab.set_random_seed(1)
        x = Input((3,), name="x")
        h = Dense(4, activation="tanh", name="h")(x)
        a = Dense(2, name="a")(h)       # h is read twice
        b = Dense(1, name="b")(h)
        model = Model(x, [a, b])
    data = np.random.default_rng(0).normal(size=(5, 3))
    check_layer(model, data)
    assert model.output_names == ["a", "b"]
    outs = model.predict(data)
    assert [o.shape for o in outs] == [(5, 2), (5, 1)]


def test_multi_output_loss_is_the_weighted_sum():
    with use_floatx("float64"):
        seqlab.set_random_seed(2)
        x = Input((3,))
        h = Dense(4, activation="tanh", name="shared")(x)
        a = Dense(2, activation="softmax", name="cls")(h)
        b = Dense(1, name="reg")(h)
        model = Model(x, [a, b])
    rng = np.random.default_rng(0)
    data = rng.normal(size=(6, 3))
    y_cls, y_reg = rng.integers(0, 2, size=6), rng.normal(size=(6, 1))
    model.compile(SGD(learning_rate=0.0), loss={"cls": "sparse_categorical_crossentropy",
                                                "reg": "mse"},
                  loss_weights={"cls": 0.3, "reg": 2.0}, metrics={"cls": ["accuracy"]})
    total, l_cls, l_reg, acc = model.train_on_batch(data, [y_cls, y_reg])
    assert model.metrics_names == ["loss", "cls_loss", "reg_loss", "cls_accuracy"]
    assert total == pytest.approx(0.3 * l_cls + 2.0 * l_reg)
    assert 0.0 <= acc <= 1.0
    kernel = model.layers[1].kernel  # with lr 0 the step leaves the gradient in place
    assert kernel.name == "shared/kernel"
    numeric = numerical_gradient(lambda: model.test_on_batch(data, [y_cls, y_reg])[0],
                                 kernel.value)
    compare("shared/kernel", kernel.grad, numeric)


def test_dict_inputs_and_masks_flow_from_embedding():
    seqlab.set_random_seed(4)
    ids = Input((None,), dtype="int32", name="ids")
    emb = Embedding(10, 3, mask_zero=True, name="emb")(ids)
    out = Dense(1, name="out")(LSTM(2, name="rnn")(emb))
    model = Model(ids, out)
    seqs = np.array([[0, 0, 3, 4], [5, 6, 7, 8]])
    # left padding with zeros is masked: the padded row equals the unpadded one
    np.testing.assert_allclose(model.predict({"ids": seqs})[0],
                               model.predict(seqs[:1, 2:])[0], rtol=1e-6)


def test_config_round_trip_rebuilds_the_graph():
    seqlab.set_random_seed(5)
    model = _encoder_decoder()
    clone = Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    rng = np.random.default_rng(0)
    xs = [rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 2, 4))]
    np.testing.assert_array_equal(clone.predict(xs), model.predict(xs))
    assert [n.layer.name for n in clone.nodes] == [n.layer.name for n in model.nodes]


def test_weight_sharing_is_rejected():
    x = Input((3,))
    dense = Dense(3)
    y = dense(dense(x))
    with pytest.raises(ValueError, match="weight sharing is not supported"):
        Model(x, y)


def test_graph_errors():
    x, other = Input((3,), name="x_in"), Input((3,), name="other_in")
    y = Dense(2)([x][0])
    z = Dense(2, name="needs_other")(other)
    with pytest.raises(ValueError, match="other_in.*not among the model inputs"):
        Model(x, [y, z])
    with pytest.raises(TypeError, match="symbolic tensors"):
        Model(x, np.zeros(3))
    with pytest.raises(ValueError, match="listed twice"):
        Model([x, x], y)
    model = Model([x, other], [y, z])
    with pytest.raises(ValueError, match="expected 2 x array"):
        model.predict(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="'x_in' expects shape"):
        model.predict([np.zeros((2, 4)), np.zeros((2, 3))])
