"""Gate views: LSTM/GRU gate and state maps over a sentence."""

from __future__ import annotations

import numpy as np
import pytest

import seqlab
from seqlab.layers import GRU, LSTM, Dense, Embedding, SimpleRNN
from seqlab.models import Sequential
from seqlab.trace import TraceError, UnknownLayerError, gate_maps


@pytest.fixture(autouse=True)
def reference_kernels():
    with seqlab.use_kernels("numpy"):
        yield


def _model(cell, **kw) -> Sequential:
    model = Sequential([Embedding(12, 4, seed=0, name="emb"), cell(5, seed=1, name="rnn", **kw),
                        Dense(3, activation="softmax", seed=2, name="head")])
    model.build((None, 6))
    return model


IDS = np.array([[3, 1, 4, 1, 5, 9], [2, 6, 5, 3, 5, 8]])


@pytest.mark.parametrize("cell, names", [(LSTM, ["f", "i", "o", "g", "c", "h"]),
                                         (GRU, ["z", "r", "h_tilde", "h"])])
def test_maps_are_the_layer_values_unit_by_step(cell, names):
    model = _model(cell, return_sequences=True)
    maps = gate_maps(model, IDS, tokens=list("abcdef"), sample=1)
    assert maps.layer == "rnn" and list(maps.maps) == names
    hidden = model.layers[1](model.layers[0](IDS))  # (B, T, H)
    np.testing.assert_allclose(maps.maps["h"], hidden[1].T, rtol=1e-6)
    for name in names:
        assert maps.maps[name].shape == (5, 6)
    gate = maps.maps[names[0]]
    assert np.all((gate > 0) & (gate < 1))
    table = maps.table()
    assert [row[1] for row in table.rows] == list("abcdef")
    assert table.rows[2][2] == pytest.approx(gate[:, 2].mean())


def test_maps_errors():
    with pytest.raises(TraceError, match="has no LSTM or GRU layer"):
        gate_maps(_model(SimpleRNN), IDS)
    with pytest.raises(TraceError, match="'emb' of model .* is not an LSTM or GRU"):
        gate_maps(_model(LSTM), IDS, layer="emb")
    with pytest.raises(UnknownLayerError, match="no layer named 'nope'"):
        gate_maps(_model(LSTM), IDS, layer="nope")
    with pytest.raises(ValueError, match="3 tokens for 6 steps"):
        gate_maps(_model(GRU), IDS, tokens=["a", "b", "c"])
    with pytest.raises(TraceError, match="sample index 2 is out of range"):
        gate_maps(_model(GRU), IDS, sample=2)


def test_figure_is_an_svg_with_the_tokens():
    pytest.importorskip("matplotlib")
    maps = gate_maps(_model(LSTM), IDS, tokens=["세종은", "b", "c", "d", "e", "f"])
    svg = maps.figure("svg").text()
    assert svg.lstrip().startswith("<svg") and "세종은" in svg and "forget gate" in svg
    png = maps.figure("png")
    assert png.data.startswith(b"\x89PNG")
