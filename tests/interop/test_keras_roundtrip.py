"""Live Keras 3 parity through the files: for each layer kind (and models mixing
them) the same architecture is built in Keras and in seqlab; weights carried
Keras → seqlab (through ``.keras`` and ``.weights.h5``) and seqlab → Keras
(through ``.weights.h5``, read by Keras' own ``load_weights``) give the same
outputs on the same inputs within 1e-5, where before each load they differed.
Every weight, biases included, is random first. Keras runs on its torch backend
unless KERAS_BACKEND says otherwise; skipped where keras, h5py or that backend
is missing."""

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
pytest.importorskip("h5py", reason="Keras' weight files need h5py: pip install 'seqlab[h5]'")
if os.environ["KERAS_BACKEND"] == "torch":
    pytest.importorskip("torch", reason="Keras' torch backend needs torch")
keras = pytest.importorskip("keras", reason="the live comparison needs Keras 3: "
                                            "pip install keras")
if int(keras.__version__.split(".")[0]) < 3:
    pytest.skip(f"needs Keras 3, found {keras.__version__}", allow_module_level=True)

import seqlab
from seqlab import layers as seqlab_layers
from seqlab.interop.keras_order import keras_layer_order
from seqlab.layers.symbolic import InputLayer

# Keras 3.15's torch backend turns its Variables into arrays through an ``__array__``
# that NumPy 2 warns about (saving, load_weights); nothing of seqlab's.
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")

ATOL = 1e-5
MOVED = 1e-3  # before a load, the two models' outputs differ by more than this
B, T, D, V = 3, 7, 4, 25

# name → (input shape, integer ids?, the layers from a module of Keras-named layers)
CASES = {
    "Embedding": ((T,), True, lambda L: [L.Embedding(V, 5)]),
    "Dense": ((D,), False, lambda L: [L.Dense(3, activation="tanh"),
                                       L.Dense(2, use_bias=False)]),
    "SimpleRNN": ((T, D), False, lambda L: [L.SimpleRNN(5, return_sequences=True)]),
    "LSTM": ((T, D), False, lambda L: [L.LSTM(5)]),
    "GRU reset_after=True": ((T, D), False, lambda L: [L.GRU(5, return_sequences=True)]),
    "GRU reset_after=False": ((T, D), False,
                              lambda L: [L.GRU(5, reset_after=False, return_sequences=True)]),
    "Bidirectional(LSTM)": ((T, D), False,
                            lambda L: [L.Bidirectional(L.LSTM(3, return_sequences=True))]),
    "Bidirectional(GRU)": ((T, D), False, lambda L: [L.Bidirectional(L.GRU(3), "sum")]),
    "Conv1D": ((T, D), False, lambda L: [L.Conv1D(6, 3, padding="same"),
                                          L.Conv1D(2, 2, activation="relu")]),
    "pooling, Flatten, Dropout": ((T, D), False, lambda L: [
        L.Conv1D(6, 3), L.MaxPooling1D(2), L.Dropout(0.3), L.Flatten(), L.Dense(2)]),
    "global pooling": ((T, D), False, lambda L: [
        L.Conv1D(6, 2), L.AveragePooling1D(2), L.GlobalMaxPooling1D(), L.Dense(1)]),
    "mixed": ((T,), True, lambda L: [
        L.Embedding(V, 6), L.Conv1D(5, 3, activation="relu"), L.MaxPooling1D(2),
        L.SimpleRNN(4, return_sequences=True), L.GRU(4, return_sequences=True),
        L.GRU(3, reset_after=False, return_sequences=True),
        L.Bidirectional(L.LSTM(3, return_sequences=True)), L.Flatten(), L.Dropout(0.5),
        L.Dense(4, activation="tanh"), L.Dense(1, use_bias=False)]),
}


def build(name):
    """The Keras and the seqlab model of case ``name``, and an input batch."""
    shape, ids, make = CASES[name]
    keras_model = keras.Sequential([keras.Input(shape, dtype="int32" if ids else "float32"),
                                    *make(keras.layers)])
    seqlab_model = seqlab.Sequential([seqlab.Input(shape), *make(seqlab_layers)])
    rng = np.random.default_rng(len(name))
    x = (rng.integers(0, V, size=(B, *shape)).astype("int32") if ids
         else rng.normal(size=(B, *shape)).astype("float32"))
    return keras_model, seqlab_model, x


def functional(lib, layers):
    """Input → TimeDistributed(Dense) → LSTM → Dense as a functional model of ``lib``."""
    inputs = lib.Input((T, D))
    x = layers.TimeDistributed(layers.Dense(3))(inputs)
    outputs = layers.Dense(2)(layers.LSTM(4)(x))
    return lib.Model(inputs, outputs)


def randomize(arrays_and_setters, seed):
    rng = np.random.default_rng(seed)
    for shape, assign in arrays_and_setters:
        assign(rng.uniform(-0.5, 0.5, shape).astype("float32"))


def randomize_keras(model, seed):
    randomize([(tuple(w.shape), w.assign) for w in model.weights], seed)


def randomize_seqlab(model, seed):
    randomize([(p.shape, p.assign) for p in model.weights], seed)


def keras_out(model, x):
    return keras.ops.convert_to_numpy(model(x, training=False))


def keras_to_seqlab(keras_model, seqlab_model, x, tmp_path):
    """Max |difference| after loading Keras' .keras and .weights.h5 into seqlab."""
    randomize_keras(keras_model, 1)
    keras_model.save(tmp_path / "k.keras")
    keras_model.save_weights(tmp_path / "k.weights.h5")
    want = keras_out(keras_model, x)
    diffs = []
    for name in ("k.keras", "k.weights.h5"):
        randomize_seqlab(seqlab_model, 2)  # forget the previous load
        assert np.abs(seqlab_model(x) - want).max() > MOVED  # the load has work to do
        seqlab_model.load_weights(tmp_path / name)
        diffs.append(float(np.abs(seqlab_model(x) - want).max()))
    return max(diffs)


def seqlab_to_keras(keras_model, seqlab_model, x, tmp_path):
    """Max |difference| after Keras' load_weights of seqlab's .weights.h5."""
    randomize_seqlab(seqlab_model, 3)
    seqlab_model.save_weights(tmp_path / "s.weights.h5")
    randomize_keras(keras_model, 4)
    assert np.abs(keras_out(keras_model, x) - seqlab_model(x)).max() > MOVED
    keras_model.load_weights(tmp_path / "s.weights.h5")
    return float(np.abs(keras_out(keras_model, x) - seqlab_model(x)).max())


@pytest.mark.parametrize("name", list(CASES))
def test_keras_to_seqlab(name, tmp_path):
    assert keras_to_seqlab(*build(name), tmp_path) <= ATOL


@pytest.mark.parametrize("name", list(CASES))
def test_seqlab_to_keras(name, tmp_path):
    assert seqlab_to_keras(*build(name), tmp_path) <= ATOL


def test_functional_model_both_ways(tmp_path):
    keras_model = functional(keras, keras.layers)
    seqlab_model = functional(seqlab, seqlab_layers)
    x = np.random.default_rng(5).normal(size=(B, T, D)).astype("float32")
    assert keras_to_seqlab(keras_model, seqlab_model, x, tmp_path) <= ATOL
    assert seqlab_to_keras(keras_model, seqlab_model, x, tmp_path) <= ATOL


def attending(lib, layers):
    """Two inputs through Dense, Attention (with its scale), AdditiveAttention,
    Add, Multiply and Concatenate into LSTM → Dense: a graph whose branches meet."""
    query, value = lib.Input((T, D)), lib.Input((T - 1, D))
    a, b = layers.Dense(D)(query), layers.Dense(D)(value)
    attended = layers.Attention(use_scale=True)([a, b])
    additive = layers.AdditiveAttention()([query, layers.Dense(D)(value)])
    x = layers.Concatenate()([attended, additive, layers.Add()([a, query]),
                              layers.Multiply()([a, query])])
    return lib.Model([query, value], layers.Dense(3)(layers.LSTM(3)(x)))


def test_merge_and_attention_model_both_ways(tmp_path):
    keras_model = attending(keras, keras.layers)
    seqlab_model = attending(seqlab, seqlab_layers)
    rng = np.random.default_rng(6)
    x = [rng.normal(size=(B, T, D)).astype("float32"),
         rng.normal(size=(B, T - 1, D)).astype("float32")]
    assert keras_to_seqlab(keras_model, seqlab_model, x, tmp_path) <= ATOL
    assert seqlab_to_keras(keras_model, seqlab_model, x, tmp_path) <= ATOL


def test_functional_keras_model_into_sequential_seqlab_model(tmp_path):
    """InputLayers hold no weights: the functional model's files fit the equivalent
    Sequential, as Keras' own load_weights lets them."""
    _, seqlab_model, x = build("mixed")
    inputs = keras.Input((T,), dtype="int32")
    y = inputs
    for layer in CASES["mixed"][2](keras.layers):
        y = layer(y)
    assert keras_to_seqlab(keras.Model(inputs, y), seqlab_model, x, tmp_path) <= ATOL


def branching(lib, layers, seed):
    """A functional model of ``lib`` whose Dense layers (all 4 → 4, so that a layer
    taken for another still fits) branch at random from two inputs; every
    tensor nobody reads is an output, in a shuffled order."""
    rng = np.random.default_rng(seed)
    inputs = [lib.Input((D,)), lib.Input((D,))]
    pool = list(inputs)
    read: set[int] = set()
    for k in range(9):
        at = k if k < 2 else int(rng.integers(len(pool)))  # both inputs are read
        read.add(at)
        pool.append(layers.Dense(D, name=f"d{k}")(pool[at]))
    outputs = [pool[i] for i in rng.permutation(len(pool)) if i not in read]
    return lib.Model(inputs, outputs)


def layer_names(layers, input_class):
    """The layers' names, inputs as ``<input>`` (their names differ between the two)."""
    return ["<input>" if isinstance(layer, input_class) else layer.name for layer in layers]


@pytest.mark.parametrize("seed", range(4))
def test_branching_functional_models_take_keras_layer_order(seed, tmp_path):
    """Keras lists a graph's layers by depth, not in the order they run; the
    weight groups follow Keras' order, so equal-shaped branches do not swap."""
    keras_model = branching(keras, keras.layers, seed)
    seqlab_model = branching(seqlab, seqlab_layers, seed)
    assert layer_names(keras_layer_order(seqlab_model), InputLayer) == \
        layer_names(keras_model.layers, keras.layers.InputLayer)
    rng = np.random.default_rng(seed)
    x = [rng.normal(size=(B, D)).astype("float32") for _ in range(2)]

    def max_difference():
        ours = seqlab_model(x)
        theirs = keras_model(x, training=False)
        return max(float(np.abs(keras.ops.convert_to_numpy(t) - o).max())
                   for t, o in zip(theirs, ours))

    randomize_keras(keras_model, 1)
    keras_model.save(tmp_path / "k.keras")
    keras_model.save_weights(tmp_path / "k.weights.h5")
    for name in ("k.keras", "k.weights.h5"):
        randomize_seqlab(seqlab_model, 2)
        assert max_difference() > MOVED
        seqlab_model.load_weights(tmp_path / name)
        assert max_difference() <= ATOL
    randomize_seqlab(seqlab_model, 3)
    seqlab_model.save_weights(tmp_path / "s.weights.h5")
    keras_model.load_weights(tmp_path / "s.weights.h5")
    assert max_difference() <= ATOL
