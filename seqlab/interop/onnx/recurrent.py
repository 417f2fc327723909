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

With a mask (see :mod:`seqlab.interop.onnx.masks`) the operator gets
``sequence_lens`` = L; for rows padded at the end that is exactly seqlab's
"skip masked steps, carry the state", once two differences are filled in:

* with return_sequences and ``zero_output_for_mask=False`` (Keras' default)
  a masked step repeats the last output, where ONNX writes zeros:
  out = Where(m, Y, h_T) for the forward direction, Where(m, Y, h_0) for go_backwards
  (whose padded steps come first, before any step has run);
* a row with L = 0 keeps its initial state in seqlab, where onnxruntime gives
  zeros: final states = Where(L > 0, Y_h, h_0) when initial states are given.

Every output of a masked layer is multiplied by the mask's poison: rows whose
mask is not padding at the end come out as NaN.

``stateful=True`` is refused: an ONNX graph keeps no state between runs.
Dropout and recurrent dropout are identities at inference.
"""

from __future__ import annotations

import numpy as np

from seqlab.interop.onnx.errors import unsupported
from seqlab.interop.onnx.graph import Graph, Tensor
from seqlab.interop.onnx.masks import Mask, poison, steps_mask
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
    x_time_major = g.transpose(g.as_float(x, f"{hint}/x"), [1, 0, 2], f"{hint}/time_major")
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

    if layer.return_sequences:
        seq = g.squeeze(ys[0], [1], f"{hint}/y")  # (T, 1, B, H) -> (T, B, H)
        out = g.transpose(seq, [1, 0, 2], f"{hint}/sequences")  # -> (B, T, H)
        if mask is not None and not layer.zero_output_for_mask:
            fill = _masked_step_output(layer, finals, states)
            if fill is not None:
                repeated = g.unsqueeze(fill, [1], f"{hint}/masked_output")  # (B, 1, H)
                out = g.op("Where", [steps_mask(g, mask), out, repeated], f"{hint}/sequences")
        if layer.go_backwards:
            out = g.reverse_steps(out, f"{hint}/processing_order")
    else:
        out = finals[0]

    outputs = [out, *finals] if layer.return_state else [out]
    if mask is not None:
        outputs = [poison(g, mask, o, 3 if i == 0 and layer.return_sequences else 2,
                          f"{hint}/checked")
                   for i, o in enumerate(outputs)]
    return outputs


def _masked_step_output(layer: RNNBase, finals: list[str], states: list[Tensor]) -> str | None:
    """What seqlab outputs at the padded steps (the previous output): the final h
    for the forward direction; for go_backwards, whose padded steps run first, the
    initial h — None when that is zeros, which ONNX outputs there already."""
    if not layer.go_backwards:
        return finals[0]
    return states[0].name if states else None


@converts(SimpleRNN, LSTM, GRU)
def convert_recurrent(g: Graph, layer: RNNBase, inputs: list[Tensor],
                      mask: Mask | None) -> list[str]:
    return recurrent_outputs(g, layer, inputs[0], inputs[1:], mask)
