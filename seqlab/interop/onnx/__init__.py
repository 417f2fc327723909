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

Masks: ONNX's recurrent operators can only stop each row after its first L
steps (``sequence_lens``), where seqlab skips masked steps anywhere and
carries the state. The export is exact for masks from ``Embedding(mask_zero=True)``
on ids padded at the end; a row padded at the front or with a 0 id in the
middle comes out as NaN from each recurrent layer (never a silently different
number). See :mod:`seqlab.interop.onnx.masks`.

Refused, with an :class:`OnnxExportError` naming the layer and the option, and
nothing written: ``stateful=True`` recurrent layers, layers without an ONNX
mapping, unbuilt models.
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
