"""Keras 3 weight files, without Keras: seqlab writes the layout Keras 3.15 wrote for
the same model, the files Keras wrote (tests/fixtures/keras, made by
scripts/make_keras_fixtures.py) load into seqlab and give Keras' outputs, and a
file that does not fit the model is refused, naming why, before any weight changes."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

h5py = pytest.importorskip("h5py", reason="Keras' HDF5 weight files need h5py: "
                                          "pip install 'seqlab[h5]'")

import seqlab
from seqlab import layers as L
from seqlab.interop import load_keras_weights, save_keras_weights
from seqlab.models.model_file import ModelFileError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "keras"


def mixed_layers(dense_units=4, gru_reset_after=False, swap=False):
    """The layers of scripts/make_keras_fixtures.py's MIXED model (options change one)."""
    flatten_dropout = [L.Dropout(0.5), L.Flatten()] if swap else [L.Flatten(), L.Dropout(0.5)]
    return [L.Embedding(30, 6), L.Conv1D(5, 3, activation="relu"), L.MaxPooling1D(2),
            L.SimpleRNN(4, return_sequences=True), L.GRU(4, return_sequences=True),
            L.GRU(3, reset_after=gru_reset_after, return_sequences=True),
            L.Bidirectional(L.LSTM(3, return_sequences=True)), *flatten_dropout,
            L.Dense(dense_units, activation="tanh"), L.Dense(1, use_bias=False)]


def mixed(layers=None):
    return seqlab.Sequential([seqlab.Input((12,)), *(layers or mixed_layers())])


def randomize(model, seed):
    rng = np.random.default_rng(seed)
    for p in model.weights:
        p.assign(rng.uniform(-0.5, 0.5, p.shape))


def layout(path):
    """{HDF5 path: dataset (shape, dtype) or None for a group}."""
    out = {}
    with h5py.File(path, "r") as h5:
        h5.visititems(lambda name, node: out.__setitem__(
            name, (node.shape, node.dtype.str) if isinstance(node, h5py.Dataset) else None))
    return out


def weights_of(model):
    return [p.value.copy() for p in model.weights]


# ------------------------------------------------------------------ layout
def test_seqlab_writes_the_layout_keras_wrote(tmp_path):
    model = mixed()
    model.save_weights(tmp_path / "m.weights.h5")
    assert layout(tmp_path / "m.weights.h5") == layout(FIXTURES / "mixed.weights.h5")


def test_every_vars_group_records_its_layer_name(tmp_path):
    model = mixed()
    save_keras_weights(model, tmp_path / "m.weights.h5")
    bidi, dense = model.layers[6], model.layers[-1]
    with h5py.File(tmp_path / "m.weights.h5", "r") as h5:
        assert h5["vars"].attrs["name"] == model.name
        assert h5["layers/dense_1/vars"].attrs["name"] == dense.name
        assert h5["layers/bidirectional/backward_layer/vars"].attrs["name"] == \
            bidi.backward_layer.name
        assert h5["layers/bidirectional/backward_layer/cell/vars"].attrs["name"] == "lstm_cell"
        np.testing.assert_array_equal(h5["layers/dense_1/vars/0"][()], dense.kernel.value)


def test_functional_wrapped_and_nested_layers_take_keras_paths(tmp_path):
    """Paths as Keras 3.15 wrote them for the same functional model (InputLayer kept,
    TimeDistributed's layer, a Sequential inside)."""
    inputs = seqlab.Input((5, 3))
    x = L.TimeDistributed(L.Dense(4))(inputs)
    x = L.LSTM(2)(x)
    outputs = seqlab.Sequential([seqlab.Input((2,)), L.Dense(3)])(x)
    model = seqlab.Model(inputs, outputs)
    randomize(model, 1)
    model.save_weights(tmp_path / "f.weights.h5")
    datasets = {k: v[0] for k, v in layout(tmp_path / "f.weights.h5").items() if v}
    assert datasets == {
        "layers/time_distributed/layer/vars/0": (3, 4),
        "layers/time_distributed/layer/vars/1": (4,),
        "layers/lstm/cell/vars/0": (4, 8), "layers/lstm/cell/vars/1": (2, 8),
        "layers/lstm/cell/vars/2": (8,),
        "layers/sequential/layers/dense/vars/0": (2, 3),
        "layers/sequential/layers/dense/vars/1": (3,),
    }
    groups = {k for k, v in layout(tmp_path / "f.weights.h5").items() if v is None}
    assert {"vars", "layers/input_layer/vars", "layers/sequential/vars",
            "layers/time_distributed/vars", "layers/lstm/vars"} <= groups

    x = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")
    inputs2 = seqlab.Input((5, 3))
    y2 = L.LSTM(2)(L.TimeDistributed(L.Dense(4))(inputs2))
    other = seqlab.Model(inputs2, seqlab.Sequential([seqlab.Input((2,)), L.Dense(3)])(y2))
    other.load_weights(tmp_path / "f.weights.h5")
    np.testing.assert_array_equal(other(x), model(x))


def test_a_branching_model_takes_keras_layer_order(tmp_path):
    """Keras 3.15 lists Model([i1, i2], [d(b(i1)), c(a(i2))]) as i1, i2, b, a, d, c
    (by depth), and numbers the Dense groups in that order; seqlab runs b before a
    and d."""
    i1, i2 = seqlab.Input((5,)), seqlab.Input((6,))
    b, a, d, c = L.Dense(4), L.Dense(4), L.Dense(3), L.Dense(2)
    model = seqlab.Model([i1, i2], [d(b(i1)), c(a(i2))])
    randomize(model, 4)
    save_keras_weights(model, tmp_path / "m.weights.h5")
    with h5py.File(tmp_path / "m.weights.h5", "r") as h5:
        for path, layer in [("dense", b), ("dense_1", a), ("dense_2", d), ("dense_3", c)]:
            np.testing.assert_array_equal(h5[f"layers/{path}/vars/0"][()], layer.kernel.value)
        assert sorted(h5["layers"]) == ["dense", "dense_1", "dense_2", "dense_3",
                                        "input_layer", "input_layer_1"]


def mixed_functional():
    inputs = x = seqlab.Input((12,))
    for layer in mixed_layers():
        x = layer(x)
    return seqlab.Model(inputs, x)


@pytest.mark.parametrize("name", ["mixed.keras", "mixed.weights.h5"])
def test_functional_and_sequential_weights_fit_each_other(tmp_path, name):
    """InputLayers hold nothing: a Sequential's file loads into the equivalent
    functional model (which has one) and back, as in Keras."""
    io = np.load(FIXTURES / "mixed.npz")
    functional = mixed_functional()
    functional.load_weights(FIXTURES / name)
    np.testing.assert_allclose(functional(io["x"]), io["y"], rtol=0, atol=1e-5)
    functional.save_weights(tmp_path / "f.weights.h5")
    sequential = mixed()
    sequential.load_weights(tmp_path / "f.weights.h5")
    np.testing.assert_array_equal(sequential(io["x"]), functional(io["x"]))


# ----------------------------------------------------------- Keras' files
@pytest.mark.parametrize("name", ["mixed.keras", "mixed.weights.h5"])
def test_files_keras_wrote_give_keras_outputs(name):
    io = np.load(FIXTURES / "mixed.npz")
    model = mixed()
    model.load_weights(FIXTURES / name)
    np.testing.assert_allclose(model(io["x"]), io["y"], rtol=0, atol=1e-5)


def test_load_keras_weights_reads_either_file_whatever_its_name(tmp_path):
    shutil.copy(FIXTURES / "mixed.keras", tmp_path / "archive.bin")
    io = np.load(FIXTURES / "mixed.npz")
    model = mixed()
    load_keras_weights(model, tmp_path / "archive.bin")
    np.testing.assert_allclose(model(io["x"]), io["y"], rtol=0, atol=1e-5)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_seqlab_round_trip(tmp_path, dtype):
    with seqlab.use_floatx(dtype):
        saved, loaded = mixed(), mixed()
    randomize(saved, 1)
    saved.save_weights(tmp_path / "m.weights.h5")
    assert (tmp_path / "m.weights.h5").read_bytes()[:8] == b"\x89HDF\r\n\x1a\n"
    loaded.load_weights(tmp_path / "m.weights.h5")
    for a, b in zip(weights_of(saved), weights_of(loaded)):
        np.testing.assert_array_equal(a, b)
        assert b.dtype == dtype


def test_model_checkpoint_writes_keras_weight_files(tmp_path):
    """ModelCheckpoint(save_weights_only=True) goes through save_weights: a
    ``.weights.h5`` template gives Keras' HDF5 layout, as in Keras."""
    model = seqlab.Sequential([seqlab.Input((3,)), L.Dense(2, activation="relu"), L.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).normal(size=(8, 3)).astype("float32")
    checkpoint = seqlab.callbacks.ModelCheckpoint(str(tmp_path / "ckpt-{epoch}.weights.h5"),
                                                  save_weights_only=True)
    model.fit(x, x[:, :1], epochs=2, batch_size=4, verbose=0, callbacks=[checkpoint])
    last = tmp_path / "ckpt-2.weights.h5"
    assert last.read_bytes()[:8] == b"\x89HDF\r\n\x1a\n"
    restored = seqlab.Sequential([seqlab.Input((3,)), L.Dense(2, activation="relu"), L.Dense(1)])
    restored.load_weights(last)
    for a, b in zip(weights_of(model), weights_of(restored)):
        np.testing.assert_array_equal(a, b)


def test_other_suffixes_keep_safetensors(tmp_path):
    model = mixed()
    model.save_weights(tmp_path / "m.weights.bin")
    assert (tmp_path / "m.weights.bin").read_bytes()[:8] != b"\x89HDF\r\n\x1a\n"
    model.load_weights(tmp_path / "m.weights.bin")


# ------------------------------------------------------------------ refusals
def refused(model, path, *fragments, error=ValueError):
    """Loading ``path`` raises ``error`` naming every fragment, and no weight changes."""
    before = weights_of(model)
    with pytest.raises(error) as info:
        model.load_weights(path)
    for fragment in fragments:
        assert fragment in str(info.value), str(info.value)
    for a, b in zip(before, weights_of(model)):
        np.testing.assert_array_equal(a, b)
    return str(info.value)


@pytest.mark.parametrize("name", ["mixed.keras", "mixed.weights.h5"])
def test_a_shape_mismatch_names_the_weight(name):
    model = mixed(mixed_layers(dense_units=5))
    dense = model.layers[-2]
    refused(model, FIXTURES / name, f"weight '{dense.name}/kernel'",
            "'layers/dense/vars/0'", "expected shape (30, 5), found (30, 4)")


def test_a_gru_of_the_other_reset_mode_is_named():
    model = mixed(mixed_layers(gru_reset_after=True))
    refused(model, FIXTURES / "mixed.weights.h5", "expected shape (2, 9), found (9,)",
            "built with reset_after=False")


def test_a_keras_layer_seqlab_lacks_is_named(tmp_path):
    model = seqlab.Sequential([seqlab.Input((4,)), L.Dense(3), L.Dense(1)])
    refused(model, FIXTURES / "batchnorm.keras", "layer 2 is BatchNormalization",
            "seqlab has no BatchNormalization layer")
    with zipfile.ZipFile(FIXTURES / "batchnorm.keras") as archive:
        (tmp_path / "bn.weights.h5").write_bytes(archive.read("model.weights.h5"))
    refused(model, tmp_path / "bn.weights.h5", "the Keras model has layers that the seqlab "
            "model lacks: 'layers/batch_normalization' (named 'batch_normalization')")


def test_a_seqlab_model_with_more_layers_is_refused():
    model = mixed([*mixed_layers(), L.Dense(1)])
    refused(model, FIXTURES / "mixed.keras", "the seqlab model has 1 more layer(s)")
    extra = model.layers[-1].name
    refused(model, FIXTURES / "mixed.weights.h5",
            f"the Keras model has no layer for seqlab's Dense {extra!r}", "'layers/dense_2'")


def test_a_seqlab_model_with_fewer_layers_is_refused():
    model = mixed(mixed_layers()[:-1])
    refused(model, FIXTURES / "mixed.keras", "the Keras model has 1 more layer(s)")
    refused(model, FIXTURES / "mixed.weights.h5", "'layers/dense_1'",
            "the Keras model has layers that the seqlab model lacks")


def test_a_weightless_layer_missing_from_a_file_listing_every_layer_is_refused():
    model = mixed([*mixed_layers(), L.Dropout(0.1)])
    refused(model, FIXTURES / "mixed.weights.h5", "no layer for seqlab's Dropout",
            "'layers/dropout_1'")


def test_the_config_of_a_keras_archive_fixes_the_order():
    """Dropout and Flatten swapped: the paths alone cannot tell (Keras' load_weights
    would accept it too), the archive's config.json can."""
    model = mixed(mixed_layers(swap=True))
    refused(model, FIXTURES / "mixed.keras",
            "layer 8 is Flatten 'flatten' in the Keras model, Dropout")
    model.load_weights(FIXTURES / "mixed.weights.h5")


def copy_fixture(tmp_path, edit):
    path = tmp_path / "edited.weights.h5"
    shutil.copy(FIXTURES / "mixed.weights.h5", path)
    with h5py.File(path, "a") as h5:
        edit(h5)
    return path


def test_an_extra_dataset_in_a_group_is_refused(tmp_path):
    path = copy_fixture(tmp_path, lambda h5: h5["layers/dense_1/vars"].create_dataset(
        "1", data=np.zeros(1, "float32")))
    model = mixed()
    refused(model, path, "the file holds 2 weight(s) at 'layers/dense_1/vars', seqlab "
            "expects 1 (kernel (4, 1))")


def test_integer_weights_are_refused(tmp_path):
    def to_int(h5):
        del h5["layers/dense_1/vars/0"]
        h5["layers/dense_1/vars"].create_dataset("0", data=np.zeros((4, 1), "int32"))

    refused(mixed(), copy_fixture(tmp_path, to_int), "('layers/dense_1/vars/0') is int32")


def test_a_keras_2_file_is_refused(tmp_path):
    path = tmp_path / "old.h5"
    with h5py.File(path, "w") as h5:
        h5.attrs["layer_names"] = [b"dense"]
        h5.create_group("dense")
    refused(mixed(), path, "Keras 2 / tf.keras HDF5 file")


def test_files_that_are_not_keras_files_are_refused(tmp_path):
    (tmp_path / "text.h5").write_text("not HDF5 at all")
    refused(mixed(), tmp_path / "text.h5", "neither a Keras .keras archive nor an HDF5")
    cut = tmp_path / "cut.weights.h5"
    cut.write_bytes((FIXTURES / "mixed.weights.h5").read_bytes()[:3000])
    refused(mixed(), cut, "the HDF5 data is damaged")
    with zipfile.ZipFile(tmp_path / "bare.keras", "w") as archive:
        archive.writestr("config.json", "{}")
    refused(mixed(), tmp_path / "bare.keras", "has no 'model.weights.h5'", error=ModelFileError)
    with zipfile.ZipFile(tmp_path / "odd.keras", "w") as archive:
        archive.writestr("config.json", '{"class_name": "Sequential", "config": {}}')
        archive.writestr("model.weights.h5", b"")
    refused(mixed(), tmp_path / "odd.keras", "config.json is not a Keras model config")


def test_saving_a_keras_archive_is_refused(tmp_path):
    with pytest.raises(ValueError, match="use a name ending in '.weights.h5'"):
        mixed().save_weights(tmp_path / "m.keras")
    assert list(tmp_path.iterdir()) == []


def test_an_unbuilt_model_is_refused(tmp_path):
    model = seqlab.Sequential([L.Dense(2)])
    with pytest.raises(ValueError, match="is not built"):
        model.save_weights(tmp_path / "m.weights.h5")
    with pytest.raises(ValueError, match="is not built"):
        load_keras_weights(model, FIXTURES / "mixed.weights.h5")


def test_without_h5py_nothing_is_written_and_the_message_says_how_to_install(tmp_path,
                                                                              monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)  # makes `import h5py` fail
    model = mixed()
    with pytest.raises(ImportError, match=r"pip install 'seqlab\[h5\]'"):
        model.save_weights(tmp_path / "m.weights.h5")
    assert list(tmp_path.iterdir()) == []
    refused(model, FIXTURES / "mixed.weights.h5", "needs h5py", error=ImportError)


def test_importing_seqlab_imports_neither_h5py_nor_keras():
    code = ("import sys, seqlab, seqlab.interop, seqlab.models.saving; "
            "print(sorted(m for m in ('h5py', 'keras') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "[]"
