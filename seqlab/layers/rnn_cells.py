"""SimpleRNN, LSTM and GRU: weights, config and the call into their kernels.

The time loop, masks, states and dropout live in :class:`RNNBase`; each class
here holds only what differs between the cells. Weights are in Keras layout
and gate order (``get_weights()`` copies into Keras as-is):

    SimpleRNN  kernel (D, H)    recurrent_kernel (H, H)    bias (H,)
    LSTM       kernel (D, 4H)   recurrent_kernel (H, 4H)   bias (4H,)     gates i, f, c, o
    GRU        kernel (D, 3H)   recurrent_kernel (H, 3H)   bias (3H,), or (2, 3H) with
               reset_after=True (row 0 input bias, row 1 recurrent bias)   gates z, r, h

The equations are in :mod:`seqlab.functional.recurrent`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from seqlab.layers.base import Parameter
from seqlab.layers.recurrent import RNNBase
from seqlab.layers.rnn_args import check_activation


class SimpleRNN(RNNBase):
    """Fully connected recurrence: h_t = act(x_t W + b + h_{t−1} U).

    Input (B, T, D); output (B, H), or (B, T, H) with ``return_sequences``;
    ``return_state`` adds h_T. Arguments and semantics follow Keras.
    """

    _cell: ClassVar[str] = "simple_rnn"
    _gates: ClassVar[int] = 1
    _state_names: ClassVar[tuple[str, ...]] = ("h",)

    def _loop_forward(self, forward: Callable[..., Any], xw: np.ndarray, rb: np.ndarray | None,
                      states0: list[np.ndarray], step_mask: np.ndarray | None,
                      rec_mask: np.ndarray | None) -> tuple[np.ndarray, list[np.ndarray], Any]:
        hs, cache = forward(xw, self.recurrent_kernel.value, states0[0], step_mask, rec_mask,
                            self.activation)
        return hs, [hs[-1]], cache

    def _loop_backward(self, backward: Callable[..., Any], dhs: np.ndarray,
                       dlast: list[np.ndarray], cache: Any
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, list[np.ndarray]]:
        dxw, dU, dh0 = backward(dhs, dlast[0], cache)
        return dxw, dU, None, [dh0]


class LSTM(RNNBase):
    """Long short-term memory (Hochreiter & Schmidhuber), Keras layout and gates i, f, c, o.

    i = σ(·), f = σ(·), g = act(·), o = σ(·) of x_t W + b + h_{t−1} U;
    c_t = f ⊙ c_{t−1} + i ⊙ g;  h_t = o ⊙ act(c_t).
    ``unit_forget_bias`` starts the forget-gate bias at 1; ``return_state``
    adds [h_T, c_T]; ``initial_state=[h0, c0]``.
    """

    _cell: ClassVar[str] = "lstm"
    _gates: ClassVar[int] = 4
    _state_names: ClassVar[tuple[str, ...]] = ("h", "c")

    def __init__(self, units: int, activation: str | None = "tanh",
                 recurrent_activation: str | None = "sigmoid", unit_forget_bias: bool = True,
                 **kwargs: Any):
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = check_activation(self.name, "recurrent_activation",
                                                     recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)

    def _build_bias(self) -> Parameter:
        H = self.units
        init = self.bias_initializer
        if not self.unit_forget_bias:
            return self.add_weight("bias", (4 * H,), init)

        def forget_bias_one(shape: tuple[int, ...], dtype: np.dtype,
                            rng: np.random.Generator) -> np.ndarray:
            # i from the initializer, f = 1, then c and o from the initializer
            return np.concatenate([init((H,), dtype, rng), np.ones((H,), dtype=dtype),
                                   init((2 * H,), dtype, rng)])

        return self.add_weight("bias", (4 * H,), forget_bias_one)

    def _loop_forward(self, forward: Callable[..., Any], xw: np.ndarray, rb: np.ndarray | None,
                      states0: list[np.ndarray], step_mask: np.ndarray | None,
                      rec_mask: np.ndarray | None) -> tuple[np.ndarray, list[np.ndarray], Any]:
        hs, cs, cache = forward(xw, self.recurrent_kernel.value, states0[0], states0[1],
                                step_mask, rec_mask, self.activation, self.recurrent_activation)
        return hs, [hs[-1], cs[-1]], cache

    def _loop_backward(self, backward: Callable[..., Any], dhs: np.ndarray,
                       dlast: list[np.ndarray], cache: Any
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, list[np.ndarray]]:
        dxw, dU, dh0, dc0 = backward(dhs, dlast[0], dlast[1], cache)
        return dxw, dU, None, [dh0, dc0]

    def get_config(self) -> dict[str, Any]:
        cfg = super().get_config()
        cfg.update(recurrent_activation=self.recurrent_activation,
                   unit_forget_bias=self.unit_forget_bias)
        return cfg


class GRU(RNNBase):
    """Gated recurrent unit (Cho et al.), Keras layout and gates z, r, h.

    h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃. ``reset_after=True`` (Keras 3 default,
    PyTorch's GRU) applies the reset gate after the recurrent product and has a
    separate recurrent bias (bias shape (2, 3H)); ``reset_after=False`` (the
    talk's and the 1st-edition book's GRU) applies it before: (r ⊙ h) U_h.
    """

    _cell: ClassVar[str] = "gru"
    _gates: ClassVar[int] = 3
    _state_names: ClassVar[tuple[str, ...]] = ("h",)

    def __init__(self, units: int, activation: str | None = "tanh",
                 recurrent_activation: str | None = "sigmoid", reset_after: bool = True,
                 **kwargs: Any):
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = check_activation(self.name, "recurrent_activation",
                                                     recurrent_activation)
        self.reset_after = bool(reset_after)

    def _build_bias(self) -> Parameter:
        shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
        return self.add_weight("bias", shape, self.bias_initializer)

    def _bias_parts(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        if self.bias is None:
            return None, None
        if self.reset_after:
            return self.bias.value[0], self.bias.value[1]
        return self.bias.value, None

    def _add_bias_grad(self, db_input: np.ndarray, drb: np.ndarray | None) -> None:
        if self.reset_after:
            self.bias.grad[0] += db_input
            if drb is not None:
                self.bias.grad[1] += drb
        else:
            self.bias.grad += db_input

    def _loop_forward(self, forward: Callable[..., Any], xw: np.ndarray, rb: np.ndarray | None,
                      states0: list[np.ndarray], step_mask: np.ndarray | None,
                      rec_mask: np.ndarray | None) -> tuple[np.ndarray, list[np.ndarray], Any]:
        hs, cache = forward(xw, self.recurrent_kernel.value, rb, states0[0], step_mask, rec_mask,
                            self.activation, self.recurrent_activation, self.reset_after)
        return hs, [hs[-1]], cache

    def _loop_backward(self, backward: Callable[..., Any], dhs: np.ndarray,
                       dlast: list[np.ndarray], cache: Any
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, list[np.ndarray]]:
        dxw, dU, drb, dh0 = backward(dhs, dlast[0], cache)
        return dxw, dU, drb, [dh0]

    def get_config(self) -> dict[str, Any]:
        cfg = super().get_config()
        cfg.update(recurrent_activation=self.recurrent_activation, reset_after=self.reset_after)
        return cfg
