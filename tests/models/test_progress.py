"""Progress output: a redrawn bar on terminals, one line per epoch elsewhere."""

from __future__ import annotations

import io

import pytest

from seqlab.progress import ProgressBar, format_duration, format_value


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_bar_redraws_with_step_eta_and_values():
    out = FakeTerminal()
    bar = ProgressBar(4, verbose=1, stream=out, interval=0.0)
    for step in range(1, 5):
        bar.update(step, {"loss": 0.5 / step, "accuracy": 0.25 * step})
    bar.finish({"loss": 0.125, "val_loss": 0.2})
    text = out.getvalue()
    frames = text.split("\r")[1:]
    assert len(frames) == 5  # four updates and the final line
    assert frames[0].startswith("1/4 [")
    assert "ETA:" in frames[0] and "loss: 0.5000" in frames[0] and "accuracy: 0.2500" in frames[0]
    assert frames[-1].startswith("4/4 [" + "=" * 30 + "]")
    assert "ms/step" in frames[-1] or "us/step" in frames[-1]
    assert frames[-1].rstrip().endswith("val_loss: 0.2000") and text.endswith("\n")


def test_plain_stream_gets_only_the_final_line():
    out = io.StringIO()
    bar = ProgressBar(3, verbose=1, stream=out)
    for step in range(1, 4):
        bar.update(step, {"loss": 1.0})
    bar.finish({"loss": 0.75})
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and "\r" not in out.getvalue()
    assert lines[0].startswith("3/3 [") and lines[0].endswith("loss: 0.7500")


def test_fit_verbose_modes(make_mlp, blobs, capsys):
    x, y = blobs
    model = make_mlp()
    model.compile("sgd", "binary_crossentropy", ["accuracy"])
    model.fit(x, y, batch_size=40, epochs=2, verbose=1, validation_split=0.25)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    assert lines[1].startswith("3/3 [") and "val_accuracy:" in lines[1]
    model.fit(x, y, batch_size=40, epochs=2, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and lines[1].startswith("3/3 - ") and "[" not in lines[1]
    model.fit(x, y, epochs=2, verbose=0)
    model.predict(x)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("value, text", [(0.12345, "0.1235"), (0.0, "0.0000"),
                                         (1.5e-6, "1.5000e-06"), (float("nan"), "nan")])
def test_format_value(value, text):
    assert format_value(value) == text


def test_format_duration():
    assert [format_duration(s) for s in (3.2, 65, 3725)] == ["3s", "1:05", "1:02:05"]
