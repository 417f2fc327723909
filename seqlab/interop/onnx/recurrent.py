"""SimpleRNN, LSTM and GRU → ONNX's own RNN, LSTM and GRU operators.

One layer is one operator of one direction (``"reverse"`` for go_backwards),
with the weights of :mod:`seqlab.interop.onnx.recurrent_weights`. ONNX's
recurrent operators are time-major (onnxruntime refuses ``layout=1``):

    X   = Transpose(x)               (B, T, D) → (T, B, D)
    Y, Y_h[, Y_c] = OP(X, W, R, B, sequence_lens, initial_h[, initial_c])
    out = Transpose(Squeeze(Y))      (T, 1, B, H) → (B, T, H)   with return_sequences
        = Squeeze(Y_h)               (1, B, H) → (B, H)          otherwise

``initial_state`` becomes ``initial_h`` (and ``initial_c``); ``return_state``
adds the squeezed ``Y_h`` (and ``Y_c``). ONNX's reverse direction gives Y in
input order; seqlab's go_backwards gives the steps in processing order, so
the exported sequence is reversed in time.

With a mask (see :mod:`seqlab.interop.onnx.masks`) the operator runs on each
row's real steps moved to the front, with ``sequence_lens`` = L — exactly
seqlab's "skip masked steps, carry the state", for any mask — and then:

* with return_sequences the outputs go back to the input's steps
  (:func:`~seqlab.interop.onnx.masks.spread`: a padded step repeats the
  previous output, or is zero with ``zero_output_for_mask=True``);
* a row with L = 0 keeps its initial state in seqlab, where onnxruntime gives
  zeros: final states = Where(L > 0, Y_h, h_0) when initial states are given.

``stateful=True`` is refused: an ONNX graph keeps no state between runs.
Dropout and recurrent dropout are identities at inference.
"""

from __future__ import annotations

import numpy as np

from seqlab.interop.onnx.errors import unsupported
from seqlab.interop.onnx.graph import Graph, Tensor
from seqlab.interop.onnx.masks import Mask, spread
from seqlab.interop.onnx.recurrent_weights import onnx_weights, operator_attrs, operator_of
from seqlab.interop.onnx.registry import converts
from seqlab.layers import GRU, LSTM, SimpleRNN
from seqlab.layers.recurrent import RNNBase


def recurrent_outputs(g: Graph, layer: RNNBase, x: Tensor, states: list[Tensor],
                      mask: Mask | None) -> list[str]:
    """The outputs of ``layer`` on ``x`` as seqlab returns them: ``[out]``, or
    ``[out, *final states]`` with return_state."""
    if layer.stateful:
        raise unsupported(layer, "stateful", True, "an ONNX graph keeps no state between runs; "
                          "export a copy of the model built with stateful=False")
    op_type, _ = operator_of(layer)
    hint = layer.name
    n_states = len(layer.state_names)
    W, R, B = onnx_weights(layer)
    x_in = g.as_float(x, f"{hint}/x")
    if mask is not None:
        x_in = mask.compact(g, x_in, f"{hint}/real_steps_first")
    x_time_major = g.transpose(x_in, [1, 0, 2], f"{hint}/time_major")
    initial = [g.unsqueeze(s.name, [0], f"{hint}/initial_{name}")  # (B, H) -> (1, B, H)
               for s, name in zip(states, layer.state_names)]
    inputs = [x_time_major, g.weight(f"{hint}/W", W), g.weight(f"{hint}/R", R),
              g.weight(f"{hint}/B", B) if B is not None else "",
              mask.lengths(g) if mask is not None else "", *initial]
    ys = g.op(op_type, inputs, hint, n_outputs=1 + n_states,
              omit=() if layer.return_sequences else (0,),
              direction="reverse" if layer.go_backwards else "forward", **operator_attrs(layer))

    finals = [g.squeeze(y, [0], f"{hint}/final_{name}")  # (1, B, H) -> (B, H)
              for y, name in zip(ys[1:], layer.state_names)]
    if mask is not None and states:
        has_steps = g.op("Greater", [g.unsqueeze(mask.lengths(g), [1], f"{hint}/lengths"),
                                     g.constant(0, np.int32)], f"{hint}/has_steps")  # (B, 1)
        finals = [g.op("Where", [has_steps, f, s.name], f"{hint}/final_{name}")
                  for f, s, name in zip(finals, states, layer.state_names)]
    if not layer.return_sequences:
        return [finals[0], *finals] if layer.return_state else [finals[0]]

    seq = g.squeeze(ys[0], [1], f"{hint}/y")  # (T, 1, B, H) -> (T, B, H)
    out = g.transpose(seq, [1, 0, 2], f"{hint}/sequences")  # -> (B, T, H)
    if mask is not None:
        out = spread(g, mask, out, layer.go_backwards, states[0].name if states else None,
                     layer.zero_output_for_mask, f"{hint}/sequences_in_place")
    if layer.go_backwards:
        out = g.reverse_steps(out, f"{hint}/processing_order")
    return [out, *finals] if layer.return_state else [out]


@converts(SimpleRNN, LSTM, GRU)
def convert_recurrent(g: Graph, layer: RNNBase, inputs: list[Tensor],
                      mask: Mask | None) -> list[str]:
    return recurrent_outputs(g, layer, inputs[0], inputs[1:], mask)
