"""The first run of a command says that it compiles, and shows each group's progress;
later runs are silent."""

from __future__ import annotations

import io

import pytest

from seqlab.cli import warmup


@pytest.fixture
def fresh_marker(tmp_path, monkeypatch):
    marker = tmp_path / "compiled.json"
    monkeypatch.setattr(warmup, "_marker", lambda: marker)
    return marker


def test_first_run_announces_and_times_each_group_then_is_silent(fresh_marker):
    out = io.StringIO()
    done = warmup.prepare(["LSTM float32", "GRU reset_before float32"], out)
    text = out.getvalue()
    assert done == ["LSTM float32", "GRU reset_before float32"]
    assert text.startswith(warmup.HEADER)
    assert "[1/2] LSTM float32 " in text and "[2/2] GRU reset_before float32 " in text
    assert text.rstrip().endswith(" s")
    again = io.StringIO()
    assert warmup.prepare(["LSTM float32"], again) == [] and again.getvalue() == ""
    more = io.StringIO()  # a group not run before is announced on its own
    assert warmup.prepare(["LSTM float32", "SimpleRNN float32"], more) == ["SimpleRNN float32"]
    assert "[1/1] SimpleRNN float32" in more.getvalue()


def test_an_unreadable_marker_means_compile_again_and_unknown_groups_are_named(fresh_marker):
    fresh_marker.write_text("not json")
    out = io.StringIO()
    assert warmup.prepare(["Conv1D float32"], out) == ["Conv1D float32"]
    with pytest.raises(ValueError, match=r"unknown kernel groups \['LSTM float16'\]"):
        warmup.prepare(["LSTM float16"])


def test_the_marker_follows_the_kernel_sources():
    name = warmup._marker().name
    kernels = warmup.Path(warmup.jit.__file__).resolve().parent
    assert warmup.jit.sources_digest(kernels)[:16] in name
