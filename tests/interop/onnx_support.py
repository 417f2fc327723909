"""Helpers of the ONNX export tests: random weights, and running an exported
model in onnxruntime next to seqlab's predict.

Importing this module skips the importing test module, with the reason, when
onnx or onnxruntime is absent."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

SKIP_REASON = "ONNX export tests need onnx and onnxruntime: pip install 'seqlab[onnx]'"
onnx = pytest.importorskip("onnx", reason=SKIP_REASON)
ort = pytest.importorskip("onnxruntime", reason=SKIP_REASON)

from seqlab.interop.onnx import to_onnx

TOLERANCE = 1e-5  # float32 onnxruntime vs float32 seqlab predict, absolute


def randomize(model: Any, seed: int = 0, scale: float = 0.5) -> Any:
    """Give every weight random values (biases too, so that their mapping is tested)."""
    rng = np.random.default_rng(seed)
    for p in model.weights:
        p.assign(rng.normal(scale=scale, size=p.shape))
    return model


def session(model_bytes: bytes, threads: int = 1) -> ort.InferenceSession:
    """An onnxruntime CPU session on a serialized ONNX model."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    return ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])


def run_onnx(model: Any, *arrays: np.ndarray) -> list[np.ndarray]:
    """Export ``model``, load it in onnxruntime and run it on ``arrays`` (in input order)."""
    runner = session(to_onnx(model).SerializeToString())
    feeds = {spec.name: a for spec, a in zip(runner.get_inputs(), arrays)}
    return runner.run(None, feeds)


def assert_matches(model: Any, *arrays: np.ndarray) -> list[np.ndarray]:
    """onnxruntime's outputs within TOLERANCE of ``model.predict`` (every output);
    returns onnxruntime's outputs."""
    expected = model.predict(list(arrays) if len(arrays) > 1 else arrays[0])
    expected = expected if isinstance(expected, list) else [expected]
    got = run_onnx(model, *arrays)
    assert len(got) == len(expected)
    for e, o in zip(expected, got):
        assert o.shape == e.shape
        np.testing.assert_allclose(o, e, rtol=0, atol=TOLERANCE)
    return got
