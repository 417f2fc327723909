"""Export seqlab models to ONNX, for inference with onnxruntime and other runtimes.

    model.export_onnx("imdb_lstm.onnx")                   # or: seqlab export onnx m.seqlab m.onnx
    from seqlab.interop.onnx import to_onnx
    proto = to_onnx(model)                                # an onnx.ModelProto, checked

Needs the optional package ``onnx`` (``pip install 'seqlab[onnx]'``, which also
brings onnxruntime); importing this module does not import it. The graph is
opset :data:`OPSET`, written with ``onnx.helper`` and checked by
``onnx.checker`` (full check, shape inference included); it computes
``model.predict`` (``training=False``) in float32.

What maps to what (each module's docstring has the equations):

    Embedding                      Gather (+ the mask ids ≠ 0 with mask_zero)      embedding.py
    Dense, Activation, Dropout,    MatMul/Add + activation, identity, Flatten,     core.py
    Flatten, Reshape, RepeatVector,  Reshape, Expand, fold steps into the batch
    TimeDistributed
    SimpleRNN, LSTM, GRU           ONNX RNN, LSTM (gates i,o,f,c), GRU (z,r,h;     recurrent.py
                                   reset_after ↔ linear_before_reset)
    Bidirectional                  one operator per direction + the merge           bidirectional.py
    Conv1D, Max/AveragePooling1D   Conv, MaxPool, AveragePool (channels first)      conv.py
    GlobalMax/AveragePooling1D     ReduceMax / ReduceMean (masked: exact)           pooling.py

Masks (from ``Embedding(mask_zero=True)``) are exact for any mask: ONNX's
recurrent operators only stop each row after its first L steps
(``sequence_lens``), so each row's real steps are moved to the front before
the operator and its outputs put back in place after it — padding at the end,
at the front or holes in the middle all give seqlab's numbers. See
:mod:`seqlab.interop.onnx.masks`.

Refused, with an :class:`OnnxExportError` naming the layer and the option, and
nothing written: ``stateful=True`` recurrent layers (an ONNX graph keeps no
state between runs), layers without an ONNX mapping (user layers), unbuilt
models, Conv1D with ``padding="same"``, dilation and strides > 1 on a
number of steps left open (onnxruntime has no auto_pad with dilations),
TimeDistributed over steps of unknown shape, and functional calls with
arguments other than ``initial_state=``.
"""

from __future__ import annotations

import os
from typing import Any

from seqlab.interop.onnx.errors import INSTALL_HINT, OnnxExportError, require_onnx

OPSET = 18
"""The ONNX operator set of the exported graphs (the default domain)."""


def to_onnx(model: Any) -> Any:
    """The checked ``onnx.ModelProto`` of ``model`` (a built Sequential or Model)."""
    require_onnx()
    from seqlab.interop.onnx.export import to_onnx as build

    return build(model)


def export_onnx(model: Any, path: str | os.PathLike) -> Any:
    """Write ``model`` to ``path`` as ONNX, atomically; returns the ``onnx.ModelProto``.

    Raises OnnxExportError (a ValueError) for what ONNX cannot express and
    ImportError, with the install command, without the ``onnx`` package."""
    require_onnx()
    from seqlab.interop.onnx.export import export_onnx as write

    return write(model, path)


__all__ = ["INSTALL_HINT", "OPSET", "OnnxExportError", "export_onnx", "require_onnx",
           "to_onnx"]
