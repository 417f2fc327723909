"""Whole models through ``model.export_onnx`` and ``seqlab export onnx``: the
file on disk passes the checker and runs within 1e-5 of predict; what ONNX
cannot express is refused with the layer and option named, and nothing is written."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import seqlab
from seqlab.cli.main import main
from seqlab.interop.onnx import OPSET, OnnxExportError, export_onnx, to_onnx
from seqlab.layers import (
    LSTM,
    Bidirectional,
    Conv1D,
    Dense,
    Embedding,
    GlobalMaxPooling1D,
    Layer,
    TimeDistributed,
)

from .onnx_support import TOLERANCE, assert_matches, onnx, randomize, session


def imdb_lstm(steps: int = 500) -> seqlab.Sequential:
    """The chapter's IMDB LSTM: Embedding(10000, 32) → LSTM(32) → Dense(1, sigmoid)."""
    model = seqlab.Sequential([Embedding(10000, 32), LSTM(32), Dense(1, activation="sigmoid")])
    model.build((None, steps))
    return randomize(model, scale=0.3)


def reviews(batch: int = 3, steps: int = 500, seed: int = 0) -> np.ndarray:
    """Ids as pad_sequences makes them for IMDB: padding (0) in front of short reviews."""
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 10000, size=(batch, steps))
    x[1, :200] = 0
    return x


def run_file(path, *arrays: np.ndarray) -> list[np.ndarray]:
    runner = session(path.read_bytes())
    return runner.run(None, {s.name: a for s, a in zip(runner.get_inputs(), arrays)})


def test_the_imdb_lstm_written_by_export_onnx_checks_and_matches_predict(tmp_path):
    model = imdb_lstm()
    path = tmp_path / "imdb_lstm.onnx"
    proto = model.export_onnx(path)
    onnx.checker.check_model(str(path), full_check=True)
    on_disk = onnx.load(str(path))
    assert on_disk == proto
    assert [(o.domain, o.version) for o in on_disk.opset_import] == [("", OPSET)]
    assert {n.op_type for n in on_disk.graph.node} >= {"Gather", "LSTM", "MatMul", "Sigmoid"}
    x = reviews()
    got = run_file(path, x)[0]
    np.testing.assert_allclose(got, model.predict(x), rtol=0, atol=TOLERANCE)


def test_graph_inputs_are_int64_ids_with_named_open_dimensions():
    (spec,) = to_onnx(imdb_lstm(steps=None)).graph.input
    dims = spec.type.tensor_type.shape.dim
    assert spec.type.tensor_type.elem_type == onnx.TensorProto.INT64
    assert [d.dim_param for d in dims] == ["batch", f"{spec.name}_steps"]


def test_a_functional_model_with_two_inputs_a_nested_model_and_two_outputs():
    words, features = seqlab.Input((12,), name="words"), seqlab.Input((12, 3), name="features")
    encoder = seqlab.Sequential([Conv1D(4, 3, padding="same", activation="relu"), Dense(5)])
    sentiment = Dense(1, activation="sigmoid")(Bidirectional(LSTM(4))(Embedding(40, 5)(words)))
    summary = GlobalMaxPooling1D()(encoder(features))
    model = randomize(seqlab.Model([words, features], [sentiment, summary]))
    proto = to_onnx(model)
    assert [i.name for i in proto.graph.input] == ["words", "features"]
    assert len(proto.graph.output) == 2
    rng = np.random.default_rng(0)
    out = assert_matches(model, rng.integers(1, 40, size=(3, 12)),
                         rng.normal(size=(3, 12, 3)).astype(np.float32))
    assert [o.shape for o in out] == [(3, 1), (3, 5)]


# ------------------------------------------------------------------- refused
class Doubling(Layer):
    """A user layer that ONNX export does not know."""

    def call(self, x, training=False):
        return x * 2


def stateful_lstm() -> seqlab.Sequential:
    model = seqlab.Sequential([LSTM(3, stateful=True)])
    model.build((2, 4, 5))
    return model


def unbuilt() -> seqlab.Sequential:
    return seqlab.Sequential([Dense(2)])


def dilated_strided_conv_on_open_steps() -> seqlab.Sequential:
    model = seqlab.Sequential([Conv1D(2, 3, strides=2, dilation_rate=2, padding="same")])
    model.build((None, None, 4))
    return model


def time_distributed_over_open_shapes() -> seqlab.Sequential:
    model = seqlab.Sequential([TimeDistributed(GlobalMaxPooling1D())])
    model.build((None, 5, None, 3))
    return model


def unknown_layer() -> seqlab.Sequential:
    model = seqlab.Sequential([Dense(2), Doubling(name="doubling")])
    model.build((None, 3))
    return model


@pytest.mark.parametrize("make,message", [
    (stateful_lstm, r"layer 'lstm\w*' \(LSTM\): stateful=True cannot be exported to ONNX"),
    (unbuilt, r"Sequential '\w+' is not built"),
    (dilated_strided_conv_on_open_steps,
     r"layer 'conv1d\w*' \(Conv1D\): dilation_rate=2 cannot be exported to ONNX: with strides"),
    (time_distributed_over_open_shapes,
     r"\(TimeDistributed\): input_shape=\(None, 5, None, 3\) cannot be exported"),
    (unknown_layer, r"layer 'doubling' \(Doubling\): this layer has no ONNX export"),
])
def test_refused_models_name_the_reason_and_leave_the_file_as_it_was(tmp_path, make, message):
    path = tmp_path / "model.onnx"
    path.write_bytes(b"the previous export")
    with pytest.raises(OnnxExportError, match=message):
        export_onnx(make(), path)
    assert path.read_bytes() == b"the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.onnx"]


def test_only_models_export():
    with pytest.raises(OnnxExportError, match="takes a seqlab Sequential or Model, got Dense"):
        to_onnx(Dense(2))


def test_a_functional_call_with_other_arguments_than_initial_state_is_refused():
    x = seqlab.Input((4, 3))
    model = seqlab.Model(x, Dense(2)(x, scale=3))
    with pytest.raises(OnnxExportError, match=r"layer 'dense\w*' is called with \['scale'\]; "
                                              "only initial_state= exports"):
        to_onnx(model)


def test_ids_out_of_range_are_refused_by_onnxruntime_as_by_seqlab():
    """Gather would count −1 from the end of the table; the graph makes it out of range."""
    model = seqlab.Sequential([Embedding(10, 2)])
    model.build((None, 3))
    runner = session(to_onnx(model).SerializeToString())
    for bad in (-1, 10):
        ids = np.array([[1, bad, 2]])
        with pytest.raises(ValueError, match="out of range"):
            model.predict(ids)
        with pytest.raises(Exception, match="out of data bounds"):
            runner.run(None, {runner.get_inputs()[0].name: ids})


def test_importing_seqlab_and_the_export_module_does_not_import_onnx():
    code = ("import sys, seqlab, seqlab.interop.onnx, seqlab.cli.main; "
            "seqlab.cli.main.build_parser(); "
            "print(sorted(m for m in ('onnx', 'onnxruntime') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def test_without_onnx_the_error_says_how_to_install_it(tmp_path, monkeypatch, capsys):
    model = imdb_lstm(steps=5)
    model.save(tmp_path / "m.seqlab")
    monkeypatch.setitem(sys.modules, "onnx", None)  # import onnx now raises ImportError
    with pytest.raises(ImportError, match=r"pip install 'seqlab\[onnx\]'"):
        export_onnx(model, tmp_path / "m.onnx")
    assert main(["export", "onnx", str(tmp_path / "m.seqlab"), str(tmp_path / "m.onnx")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs the optional package onnx" in err
    assert not (tmp_path / "m.onnx").exists()


# ----------------------------------------------------------------------- CLI
def test_cli_exports_a_saved_model(tmp_path, capsys):
    model = imdb_lstm(steps=40)
    model.save(tmp_path / "imdb.seqlab")
    out = tmp_path / "imdb.onnx"
    assert main(["export", "onnx", str(tmp_path / "imdb.seqlab"), str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"wrote {out}: ONNX opset {OPSET}" in printed
    x = reviews(steps=40)
    np.testing.assert_allclose(run_file(out, x)[0], model.predict(x), rtol=0, atol=TOLERANCE)


def test_cli_refusal_is_one_line_and_writes_nothing(tmp_path, capsys):
    stateful_lstm().save(tmp_path / "stateful.seqlab")
    out = tmp_path / "stateful.onnx"
    assert main(["export", "onnx", str(tmp_path / "stateful.seqlab"), str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "seqlab export: error: layer 'lstm" in err
    assert "stateful=True cannot be exported to ONNX" in err
    assert not out.exists()


@pytest.mark.parametrize("where", ["missing model", "missing folder"])
def test_cli_bad_paths(tmp_path, capsys, where):
    model_path, out = tmp_path / "m.seqlab", tmp_path / "m.onnx"
    imdb_lstm(steps=5).save(model_path)
    if where == "missing model":
        model_path = tmp_path / "absent.seqlab"
    else:
        out = tmp_path / "absent" / "m.onnx"
    assert main(["export", "onnx", str(model_path), str(out)]) == 1
    err = capsys.readouterr().err
    assert str(model_path if where == "missing model" else out) in err
    assert not out.exists()
