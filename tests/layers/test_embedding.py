"""Embedding layer: lookup, weight gradient with repeated ids, masks, pretrained and
frozen vectors, id checks, config round-trip."""

from __future__ import annotations

import json

import numpy as np
import pytest

from seqlab.layers.base import deserialize, serialize
from seqlab.layers.embedding import Embedding
from seqlab.layers.symbolic import Input
from seqlab.testing import check_layer

IDS = np.array([[1, 1, 4, 0], [2, 1, 4, 4]])  # repeated ids; 3 never appears


def test_gradcheck_weight_with_repeated_ids():
    layer = Embedding(5, 3, dtype="float64", seed=0)
    grads = check_layer(layer, IDS)
    np.testing.assert_array_equal(grads[f"{layer.name}/embeddings"][3], 0.0)


def test_output_is_the_table_rows_and_backward_returns_none():
    layer = Embedding(5, 3, seed=1)
    y = layer(IDS)
    W = layer.get_weights()[0]
    assert y.shape == (2, 4, 3) and y.dtype == np.float32
    np.testing.assert_array_equal(y, W[IDS])
    dout = np.ones((2, 4, 3), dtype=np.float32)
    assert layer.backward(dout) is None
    counts = np.bincount(IDS.ravel(), minlength=5)
    np.testing.assert_array_equal(layer.embeddings.grad, counts[:, None] * np.ones((1, 3)))


def test_keras_shapes_and_parameter_count():
    layer = Embedding(10000, 32)
    layer.build((None, 500))
    assert layer.count_params() == 320_000
    assert [p.name for p in layer.weights] == [f"{layer.name}/embeddings"]
    assert layer.compute_output_shape((None, 500)) == (None, 500, 32)
    assert Embedding(10, 4, input_length=20).compute_output_shape((None, None)) == (None, 20, 4)
    init = layer.get_weights()[0]
    assert np.all(np.abs(init) <= 0.05)  # Keras' RandomUniform(-0.05, 0.05) default


def test_mask_zero():
    layer = Embedding(5, 2, mask_zero=True)
    np.testing.assert_array_equal(layer.compute_mask(IDS), IDS != 0)
    assert Embedding(5, 2).compute_mask(IDS) is None


def test_pretrained_vectors_and_frozen_layer():
    matrix = np.arange(15.0).reshape(5, 3)
    for layer in (Embedding(5, 3, embeddings_initializer=matrix),
                  Embedding(5, 3, weights=[matrix])):
        np.testing.assert_array_equal(layer(IDS), matrix[IDS].astype(np.float32))
    frozen = Embedding(5, 3, weights=[matrix], trainable=False)
    frozen(IDS)
    frozen.backward(np.ones((2, 4, 3), dtype=np.float32))
    assert frozen.trainable_weights == []
    np.testing.assert_array_equal(frozen.embeddings.grad, 0.0)
    with pytest.raises(ValueError, match=r"pretrained matrix must have shape \(5, 3\).*\(4, 3\)"):
        Embedding(5, 3, weights=[np.zeros((4, 3))])
    with pytest.raises(ValueError, match="weights must be a list holding one matrix"):
        Embedding(5, 3, weights=[matrix, matrix])


def test_float_ids_holding_integers_are_accepted_others_rejected():
    layer = Embedding(5, 2, seed=2, name="emb")
    np.testing.assert_array_equal(layer(IDS.astype(np.float32)), layer(IDS))
    with pytest.raises(ValueError, match=r"'emb' \(Embedding\): ids must be whole numbers.*1\.5"):
        layer(np.array([[1.5, 2.0]]))
    with pytest.raises(TypeError, match=r"'emb' \(Embedding\): expected integer token ids"):
        layer(np.array([[True, False]]))
    with pytest.raises(TypeError, match="expected integer token ids"):
        layer(np.array([["a"]]))


@pytest.mark.parametrize("bad", [5, 17, -1])
def test_ids_out_of_range_name_layer_id_and_input_dim(bad):
    layer = Embedding(5, 2, name="words")
    ids = np.array([[0, 1], [2, bad]])
    with pytest.raises(ValueError, match=rf"'words' \(Embedding\): id {bad} at position \(1, 1\)"
                                         r" is out of range.*input_dim=5"):
        layer(ids)


def test_other_input_errors():
    layer = Embedding(5, 2, input_length=4, name="e")
    with pytest.raises(ValueError, match=r"input_length=4, got input of shape \(1, 3\)"):
        layer(np.array([[1, 2, 3]]))
    with pytest.raises(ValueError, match=r"'e' \(Embedding\): input is empty"):
        layer(np.zeros((0, 4), dtype=int))
    with pytest.raises(ValueError, match="input_dim must be a positive integer"):
        Embedding(0, 3)
    with pytest.raises(ValueError, match="output_dim must be a positive integer"):
        Embedding(3, 2.5)
    fresh = Embedding(5, 2)
    fresh.build((None, 3))
    with pytest.raises(RuntimeError, match="needs a forward call first"):
        fresh.backward(np.ones((1, 3, 2)))
    layer(np.array([[1, 2, 3, 4]]))
    with pytest.raises(ValueError, match=r"dout must have shape \(1, 4, 2\)"):
        layer.backward(np.ones((1, 4, 3)))


def test_config_round_trip_and_symbolic_call():
    layer = Embedding(7, 4, mask_zero=True, input_length=6, name="tok", dtype="float64")
    clone = deserialize(json.loads(json.dumps(serialize(layer))))
    assert clone.get_config() == layer.get_config()
    pretrained = Embedding(5, 3, weights=[np.ones((5, 3))])
    assert deserialize(serialize(pretrained)).get_config()["embeddings_initializer"] == "uniform"
    out = Embedding(100, 8)(Input((None,), dtype="int32"))
    assert out.shape == (None, None, 8)
