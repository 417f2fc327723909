"""The vanishing/exploding demonstration, the clipping table and ``seqlab gradflow``."""

from __future__ import annotations

import numpy as np
import pytest

import seqlab
from seqlab.cli.main import main
from seqlab.layers import SimpleRNN
from seqlab.talk.clipping import exploding
from seqlab.talk.flowdemo import accuracy_grid, curves_table, flow_curves
from seqlab.talk.flowtask import remember_init, task_model


@pytest.fixture(autouse=True)
def reference_kernels():
    """The NumPy reference loops: no compilation, and these shapes are tiny."""
    with seqlab.use_kernels("numpy"):
        yield


def test_vanishing_simple_rnn_against_gated_cells_with_open_gates():
    """At initialisation, over T = 40 steps, the SimpleRNN keeps far less of the
    gradient than the LSTM's cell state and the GRU's state (chrono init)."""
    curves = {(c.cell, c.init, c.state): c for c in flow_curves(40, units=8, batch=16, seed=0)}
    simple = curves[("SimpleRNN", "keras", "h")]
    lstm_c = curves[("LSTM", "chrono", "c")]
    gru = curves[("GRU", "chrono", "h")]
    assert simple.ratio * 10 < lstm_c.ratio
    assert simple.ratio * 10 < gru.ratio
    # the SimpleRNN's curve falls steadily going back in time
    picks = simple.norms[[0, 10, 20, 30, 39]]
    assert np.all(np.diff(picks) > 0)
    # the gates matter: the same cells with half-closed gates (Keras init) lose it too
    assert curves[("GRU", "keras", "h")].ratio < gru.ratio / 10
    table = curves_table(list(curves.values()))
    assert table.columns[-1] == "t=0 / t=T-1" and len(table.rows) == len(curves)


def test_remember_init_opens_the_gates():
    model = task_model("LSTM", 20, units=6, init="chrono", seed=0)
    lstm = model.layers[0]
    b = lstm.bias.value
    assert np.all(b[6:12] >= 0) and np.all(b[6:12] <= np.log(19) + 1e-6)
    np.testing.assert_allclose(b[:6], -b[6:12])
    with pytest.raises(ValueError, match="expected a built LSTM or GRU"):
        remember_init(SimpleRNN(3), 10)


def test_exploding_gradients_grow_with_the_recurrent_scale_and_clipping_bounds_them():
    table = exploding(steps=20, scales=(0.5, 3.0), units=6, batch=8, updates=2)
    small_full, small_clipped, large_full, large_clipped = table.rows
    assert [r[2] for r in table.rows] == ["none", 1.0, "none", 1.0]
    assert small_clipped[1] is None and large_clipped[1] is None  # the ratio is printed once
    assert small_full[1] < 1 < large_full[1]  # ‖dL/dh_0‖ / ‖dL/dh_T-1‖
    assert large_full[3] > 10 * small_full[3]  # ‖g‖ of the first step
    n_weights = 3 + 2  # SimpleRNN kernel, recurrent kernel, bias; Dense kernel, bias
    assert large_clipped[3] <= np.sqrt(n_weights) * 1.0 + 1e-9  # per-weight clipnorm = 1
    assert large_full[4] == large_clipped[4]  # the same start
    assert large_full[7] > large_clipped[7]  # max |W| without clipping > with clipping


def _loss_comparisons(table, column: int) -> dict[str, list[str]]:
    """Scales where the clipped row's printed loss is higher / lower than the full row's."""
    found: dict[str, list[str]] = {"higher": [], "lower": []}
    rows = table.text_rows()
    for full, clipped in zip(rows[::2], rows[1::2]):
        if float(clipped[column]) != float(full[column]):
            found["higher" if float(clipped[column]) > float(full[column]) else "lower"].append(
                full[0])
    return found


@pytest.mark.parametrize("steps", [30, 50])
def test_clipping_notes_say_what_the_printed_losses_show(steps):
    """The tour's settings (T = 30 quick, 50 full): each sentence comparing the two
    runs names exactly the scales where the printed numbers differ that way."""
    table = exploding(steps=steps)
    for column, when in ((5, "after one step"), (6, "after 20 steps")):
        note = next((n for n in table.notes if n.startswith(when)), "")
        for word, scales in _loss_comparisons(table, column).items():
            if scales:
                said = note.split(f"{word} at s = ")[1].split(" (")[0]
                assert said.replace(" and ", ", ").split(", ") == scales, (note, scales)
            else:
                assert f"{word} at" not in note
    rows = table.text_rows()
    idle = [full[0] for full, clipped in zip(rows[::2], rows[1::2]) if full[3] == clipped[3]]
    assert any(n.startswith(f"at s = {' and '.join(idle)} no weight") for n in table.notes)
    if any(_loss_comparisons(table, c)["higher"] for c in (5, 6)):
        assert any(n.startswith("a higher loss with clipping is expected: clipping shrinks "
                                "the step") for n in table.notes)


def test_clipping_notes_without_a_difference_say_nothing_about_one():
    table = exploding(steps=10, scales=(0.5,), units=4, batch=8, updates=2)
    assert table.rows[0][3:] == table.rows[1][3:]
    assert any(n.startswith("at s = 0.5 no weight's gradient") for n in table.notes)
    assert not any("higher" in n or "blow up" in n for n in table.notes)


def test_accuracy_grid_shape_and_notes():
    grid = accuracy_grid(steps=(4,), cells=(("SimpleRNN", "keras"),), epochs=2, samples=40,
                         units=4)
    table = grid.table()
    assert table.columns == ["cell", "T=4"]
    assert table.rows[0][0] == "SimpleRNN" and 0.0 <= table.rows[0][1] <= 1.0
    notes = " ".join(table.notes)
    assert grid.updates == 2 * 2  # 40 sequences in batches of 32: 2 batches per epoch
    assert "only 4 Adam updates (2 epochs × 2 batches of 32 from 40 sequences" in notes
    assert "chance is 0.25" in notes and "4 units" in notes
    assert "did not learn the task in this budget, not that it cannot learn it" in notes


def test_cli_gradflow_quick(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    code = main(["gradflow", "--quick", "--steps", "4", "--curve-steps", "8", "--epochs", "1",
                 "--plots", str(tmp_path), "--format", "markdown"])
    out = capsys.readouterr().out
    assert code == 0
    assert "gradient flow" in out and "| cell | T=4 |" in out and "exploding" in out
    svg = (tmp_path / "gradflow.svg").read_text()
    assert svg.lstrip().startswith("<svg") and "SimpleRNN" in svg


def test_cli_gradflow_bad_arguments(tmp_path, capsys):
    assert main(["gradflow", "--plots", str(tmp_path / "missing")]) == 1
    assert "no such directory" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["gradflow", "--steps", "10,x"])
