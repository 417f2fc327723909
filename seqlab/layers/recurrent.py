"""The one recurrent loop driver shared by SimpleRNN, LSTM and GRU.

``RNNBase`` owns everything around the time loop; the cell subclasses (see
:mod:`seqlab.layers.rnn_cells`) own only their weights and the call into their
kernel pair. One forward call on x (B, T, D):

    x̃   = x ⊙ m_x                      input dropout, m_x (B, D) fixed per sequence
    xw   = x̃ W + b                      all steps at once → time-major (T, B, kH),
                                         reversed in time when go_backwards
    hs   = kernel loop over t           h_t (and c_t), masks, recurrent dropout m_h (B, H)
    out  = h_T, or hs as (B, T, H) with return_sequences (processing order)

and BPTT: the kernel returns dxw (T, B, kH), dU and the state gradients; then
dW = Σ_t x̃_tᵀ dxw_t, db = Σ dxw_t and dx = (dxw Wᵀ) ⊙ m_x (``input_backward``).

The loop and the input products run in the kernels that
:func:`seqlab.kernels.chosen` picks: the Numba fast path or the NumPy
reference (:mod:`seqlab.functional.recurrent`), by ``seqlab.config.kernels()``.
The backward pass uses the implementations chosen at the forward call.
"""

from __future__ import annotations

import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from seqlab import checks, initializers, trace_hook
from seqlab.kernels import chosen
from seqlab.layers.base import Layer, Parameter
from seqlab.layers.padding_check import PaddingWarning, padding_message, trailing_padding
from seqlab.layers.rnn_args import check_activation, merge_initial_state


class RNNBase(Layer, ABC):
    """Base of the recurrent layers: masks, go_backwards, states,
    return_sequences / return_state, stateful, dropout, initial_state.

    A masked step (mask (B, T) False) carries the state; with return_sequences
    its output is the previous output (Keras), or zeros with
    ``zero_output_for_mask=True`` (what Bidirectional sets). ``stateful=True``
    starts each call from the previous call's final states (same batch size
    until ``reset_states()``). Dropout masks are drawn from ``self.rng`` once
    per training call and kept in the cache with the kernel's trace.

    Subclasses set ``_cell``, ``_gates`` (k) and ``_state_names`` and implement
    ``_build_bias``, ``_bias_parts``, ``_add_bias_grad``, ``_loop_forward`` and
    ``_loop_backward``.
    """

    supports_masking: ClassVar[bool] = True
    _cell: ClassVar[str] = ""
    _gates: ClassVar[int] = 1
    _state_names: ClassVar[tuple[str, ...]] = ("h",)

    def __init__(self, units: int, activation: str | None = "tanh", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False,
                 zero_output_for_mask: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        who = self.name
        self.units = checks.positive_int(f"layer {who!r}", "units", units)
        self.activation = check_activation(who, "activation", activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.dropout = checks.rate(f"layer {who!r}", "dropout", dropout)
        self.recurrent_dropout = checks.rate(f"layer {who!r}", "recurrent_dropout", recurrent_dropout)
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.states: list[np.ndarray] | None = None
        self._padding_warned = False
        self.input_dim: int | None = None
        self.kernel: Parameter | None = None
        self.recurrent_kernel: Parameter | None = None
        self.bias: Parameter | None = None

    # ------------------------------------------------------------ cell hooks
    # One input bias (kH,) by default; GRU(reset_after=True) overrides these.
    def _build_bias(self) -> Parameter:
        return self.add_weight("bias", (self._gates * self.units,), self.bias_initializer)

    def _bias_parts(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        """(input bias (kH,) added to xw, recurrent bias for the kernel) or Nones."""
        return (self.bias.value if self.bias is not None else None), None

    def _add_bias_grad(self, db_input: np.ndarray, drb: np.ndarray | None) -> None:
        self.bias.grad += db_input

    @abstractmethod
    def _loop_forward(self, forward: Callable[..., Any], xw: np.ndarray, rb: np.ndarray | None,
                      states0: list[np.ndarray], step_mask: np.ndarray | None,
                      rec_mask: np.ndarray | None) -> tuple[np.ndarray, list[np.ndarray], Any]:
        """Run the kernel: (hs (T, B, H), final states, kernel cache)."""

    @abstractmethod
    def _loop_backward(self, backward: Callable[..., Any], dhs: np.ndarray,
                       dlast: list[np.ndarray], cache: Any
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, list[np.ndarray]]:
        """Run BPTT: (dxw, dU, drb, gradients of the initial states)."""

    # ----------------------------------------------------------------- build
    def build(self, input_shape: Any) -> None:
        x_shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        x_shape = tuple(x_shape)
        if len(x_shape) != 3:
            raise ValueError(
                f"layer {self.name!r} ({type(self).__name__}): expected input of rank 3 "
                f"(batch, steps, features), got shape {x_shape}"
            )
        self.input_dim = self._known_dim(x_shape, -1, "feature dimension")
        kh = self._gates * self.units
        self.kernel = self.add_weight("kernel", (self.input_dim, kh), self.kernel_initializer)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, kh),
                                                self.recurrent_initializer)
        self.bias = self._build_bias() if self.use_bias else None
        self.built = True

    # --------------------------------------------------------------- calling
    def merge_call_inputs(self, inputs: Any, kwargs: dict[str, Any]) -> Any:
        """``layer(x, initial_state=[h0, c0])`` → inputs ``[x, h0, c0]``."""
        return merge_initial_state(self.name, inputs, kwargs)

    def __call__(self, inputs: Any, *, training: bool = False, mask: Any = None,
                 initial_state: Any = None, **kwargs: Any) -> Any:
        extra = {} if initial_state is None else {"initial_state": initial_state}
        merged = self.merge_call_inputs(inputs, extra)
        return super().__call__(merged, training=training, mask=mask, **kwargs)

    def call(self, inputs: Any, training: bool = False, mask: Any = None,
             initial_state: Any = None, **kwargs: Any) -> Any:
        if initial_state is not None:
            inputs = self.merge_call_inputs(inputs, {"initial_state": initial_state})
        took_list = isinstance(inputs, list)
        x, given = (inputs[0], inputs[1:]) if took_list else (inputs, [])
        self._check_ndim(x, 3)
        self._check_last_dim(x, self.input_dim)
        B, T, D = x.shape
        step_mask = self._step_mask(mask, B, T)  # (T, B) time-major, processing order
        if step_mask is None and not self.go_backwards:
            self._warn_unmasked_padding(x)
        states0 = self._initial_states(given, B)
        in_mask, rec_mask = self._dropout_masks(training, B, D)

        xd = x if in_mask is None else x * in_mask[:, None, :]
        b_in, rb = self._bias_parts()
        xw = chosen("input_projection")(xd, self.kernel.value, b_in, self.go_backwards)
        forward, backward = chosen(f"{self._cell}_forward"), chosen(f"{self._cell}_backward")
        hs, finals, kcache = self._loop_forward(forward, xw, rb, states0, step_mask, rec_mask)
        if self.stateful:
            self.states = [np.array(s, copy=True) for s in finals]

        if self.return_sequences:
            seq = hs
            if self.zero_output_for_mask and step_mask is not None:
                seq = np.where(step_mask[:, :, None], hs, 0)
            output = np.ascontiguousarray(np.swapaxes(seq, 0, 1))  # (T, B, H) -> (B, T, H)
        else:
            output = np.array(hs[-1], copy=True)
        x_loop = np.swapaxes(xd, 0, 1)  # (B, T, D) -> (T, B, D) view, processing order
        self._cache = {
            "inputs": xd, "x": x_loop[::-1] if self.go_backwards else x_loop,
            "dropout_mask": in_mask, "recurrent_dropout_mask": rec_mask,
            "step_mask": step_mask, "kernel": kcache, "backward": backward,
            "input_backward": chosen("input_backward"),
            "took_list": took_list, "n_given": len(given), "shape": (B, T, D),
        }
        if self.return_state:
            return [output, *[np.array(s, copy=True) for s in finals]]
        return output

    # --------------------------------------------------------------- stepping
    def step(self, inputs: Any, states: Any = None, mask: Any = None
             ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Inference from given states, for decoders that carry them between calls.

        Runs the steps of ``inputs`` (B, T, D) — one step when T = 1 — from
        ``states`` (one (B, H) array per name in ``state_names``; None: zeros)
        on the same kernels as ``call`` and returns ``(outputs (B, T, H), final
        states)``. Stepping a sequence piece by piece, each piece starting from
        the final states of the one before, gives the outputs of one call on the
        whole sequence. A masked step (mask (B, T) False) carries the states;
        its output is the previous output, or zeros with ``zero_output_for_mask``.

        Nothing is kept: no dropout, no backward cache, ``self.states`` of a
        stateful layer untouched; ``return_sequences`` and ``return_state`` do
        not apply. ``go_backwards`` is refused: its first step reads the end of
        the sequence.
        """
        if not self.built:
            raise RuntimeError(f"layer {self.name!r}: step() needs a built layer")
        if self.go_backwards:
            raise ValueError(
                f"layer {self.name!r} ({type(self).__name__}): go_backwards=True reads the "
                "sequence from its end, so it cannot be run step by step"
            )
        x = self._convert_input(inputs)
        self._check_ndim(x, 3)
        self._check_last_dim(x, self.input_dim)
        B, T, _ = x.shape
        step_mask = self._step_mask(mask, B, T)  # (T, B) time-major
        if states is None:
            states0 = [np.zeros((B, self.units), dtype=self.dtype) for _ in self._state_names]
        else:
            given = [self._convert_input(s) for s in (states if isinstance(states, (list, tuple))
                                                      else [states])]
            states0 = self._initial_states(given, B)
        b_in, rb = self._bias_parts()
        xw = chosen("input_projection")(x, self.kernel.value, b_in, False)
        hs, finals, _ = self._loop_forward(chosen(f"{self._cell}_forward"), xw, rb, states0,
                                           step_mask, None)
        if self.zero_output_for_mask and step_mask is not None:
            hs = np.where(step_mask[:, :, None], hs, 0)
        return np.ascontiguousarray(np.swapaxes(hs, 0, 1)), list(finals)  # (T, B, H) -> (B, T, H)

    # ----------------------------------------------------------- call checks
    def _step_mask(self, mask: Any, B: int, T: int) -> np.ndarray | None:
        if isinstance(mask, (list, tuple)):
            mask = mask[0] if mask else None
        if mask is None:
            return None
        mask = np.asarray(mask)
        if mask.shape != (B, T):
            raise ValueError(
                f"layer {self.name!r}: mask must have shape (batch, steps) = {(B, T)}, "
                f"got {mask.shape}"
            )
        steps = np.swapaxes(mask.astype(bool), 0, 1)  # (B, T) -> (T, B)
        if self.go_backwards:
            steps = steps[::-1]
        return np.ascontiguousarray(steps)

    def _warn_unmasked_padding(self, x: np.ndarray) -> None:
        """Warn once per layer when post-padding arrives without a mask (padding_check)."""
        if self._padding_warned:
            return
        found = trailing_padding(x)
        if found is not None:
            self._padding_warned = True
            warnings.warn(padding_message(self.name, type(self).__name__, *found, x.shape[1]),
                          PaddingWarning, stacklevel=4)

    def _initial_states(self, given: list[np.ndarray], B: int) -> list[np.ndarray]:
        n, H = len(self._state_names), self.units
        if given:
            if len(given) != n:
                raise ValueError(
                    f"layer {self.name!r} ({type(self).__name__}): initial_state must hold "
                    f"{n} array(s) {list(self._state_names)} of shape (batch, {H}), "
                    f"got {len(given)}"
                )
            for name, s in zip(self._state_names, given):
                if s.shape != (B, H):
                    raise ValueError(
                        f"layer {self.name!r}: initial state {name!r} must have shape "
                        f"{(B, H)}, got {s.shape}"
                    )
            return [np.ascontiguousarray(s) for s in given]
        if self.stateful and self.states is not None:
            if self.states[0].shape[0] != B:
                raise ValueError(
                    f"layer {self.name!r}: stateful=True keeps states for batch size "
                    f"{self.states[0].shape[0]}, got a batch of {B}; feed batches of one "
                    "fixed size or call reset_states() first"
                )
            return [np.array(s, copy=True) for s in self.states]
        return [np.zeros((B, H), dtype=self.dtype) for _ in range(n)]

    def _dropout_masks(self, training: bool, B: int, D: int
                       ) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Variational masks: one (B, D) input mask and one (B, H) recurrent
        mask per call, kept with probability 1 − rate and scaled by 1/(1 − rate)."""
        def draw(rate: float, shape: tuple[int, int]) -> np.ndarray | None:
            if not training or rate == 0:
                return None
            keep = self.rng.random(shape) >= rate
            return (keep / (1.0 - rate)).astype(self.dtype)

        return draw(self.dropout, (B, D)), draw(self.recurrent_dropout, (B, self.units))

    def reset_states(self) -> None:
        """Forget the carried states of a stateful layer (the next call starts from zeros)."""
        self.states = None

    # --------------------------------------------------------------- backward
    def backward(self, dout: Any) -> Any:
        c = self._require_cache()
        B, T, _ = c["shape"]
        H = self.units
        n_out = 1 + (len(self._state_names) if self.return_state else 0)
        douts = list(dout) if isinstance(dout, (list, tuple)) else [dout]
        if len(douts) != n_out:
            raise ValueError(
                f"layer {self.name!r}: backward expected {n_out} gradient(s) (one per output), "
                f"got {len(douts)}"
            )
        d_output = douts[0]
        if d_output is not None and self.return_sequences:
            dhs = np.empty((T, B, H), dtype=self.dtype)  # filled from d_output below
        else:
            dhs = np.zeros((T, B, H), dtype=self.dtype)
        dlast = [np.zeros((B, H), dtype=self.dtype) for _ in self._state_names]
        if d_output is not None:
            expected = (B, T, H) if self.return_sequences else (B, H)
            d_output = np.asarray(d_output, dtype=self.dtype)
            if d_output.shape != expected:
                raise ValueError(
                    f"layer {self.name!r}: gradient of the output must have shape {expected}, "
                    f"got {d_output.shape}"
                )
            if self.return_sequences:
                dhs[...] = np.swapaxes(d_output, 0, 1)  # (B, T, H) -> (T, B, H)
                if self.zero_output_for_mask and c["step_mask"] is not None:
                    dhs *= c["step_mask"][:, :, None]
            else:
                dlast[0] += d_output
        for k, ds in enumerate(douts[1:]):
            if ds is not None:
                ds = np.asarray(ds, dtype=self.dtype)
                if ds.shape != (B, H):
                    raise ValueError(
                        f"layer {self.name!r}: gradient of state {self._state_names[k]!r} "
                        f"must have shape {(B, H)}, got {ds.shape}"
                    )
                dlast[k] += ds

        backward = c["backward"]
        if (rec := trace_hook.ACTIVE.get()) is not None:  # seqlab.trace is recording
            backward = rec.on_loop_backward(self, backward)
        dxw, dU, drb, dstates0 = self._loop_backward(backward, dhs, dlast, c["kernel"])
        dx, dW, db_in = c["input_backward"](c["inputs"], dxw, self.kernel.value,
                                            self.go_backwards, self.use_bias)
        if self.trains(self.kernel):
            self.kernel.grad += dW
        if self.trains(self.recurrent_kernel):
            self.recurrent_kernel.grad += dU
        if self.trains(self.bias):
            self._add_bias_grad(db_in, drb)
        if c["dropout_mask"] is not None:
            dx *= c["dropout_mask"][:, None, :]
        if not c["took_list"]:
            return dx
        return [dx, *dstates0[:c["n_given"]]] if c["n_given"] else [dx]

    # ------------------------------------------------------------------ shapes
    def compute_output_shape(self, input_shape: Any) -> Any:
        x_shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        B, T = x_shape[0], x_shape[1]
        out = (B, T, self.units) if self.return_sequences else (B, self.units)
        if self.return_state:
            return [out, *[(B, self.units) for _ in self._state_names]]
        return out

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if isinstance(mask, (list, tuple)):
            mask = mask[0] if mask else None
        out_mask = mask if self.return_sequences else None
        if self.return_state:
            return [out_mask, *[None for _ in self._state_names]]
        return out_mask

    # ------------------------------------------------------------------ config
    def get_config(self) -> dict[str, Any]:
        cfg = super().get_config()
        cfg.update(
            units=self.units, activation=self.activation, use_bias=self.use_bias,
            kernel_initializer=initializers.name_of(self.kernel_initializer),
            recurrent_initializer=initializers.name_of(self.recurrent_initializer),
            bias_initializer=initializers.name_of(self.bias_initializer), dropout=self.dropout,
            recurrent_dropout=self.recurrent_dropout, return_sequences=self.return_sequences,
            return_state=self.return_state, go_backwards=self.go_backwards,
            stateful=self.stateful, zero_output_for_mask=self.zero_output_for_mask,
        )
        return cfg

    @property
    def state_names(self) -> tuple[str, ...]:
        """Names of the carried states: ("h",) or ("h", "c") for the LSTM."""
        return self._state_names

