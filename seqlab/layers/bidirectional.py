"""Bidirectional: run a recurrent layer forwards and a copy backwards, then merge.

    y_f = forward_layer(x)                 reads x_1 … x_T
    y_b = backward_layer(x)                reads x_T … x_1 (go_backwards flipped);
                                           with return_sequences its outputs are
                                           reversed back into time order
    y   = merge(y_f, y_b)                  concat [y_f, y_b] | sum y_f + y_b |
                                           ave (y_f + y_b)/2 | mul y_f ⊙ y_b | None [y_f, y_b]

Backward: dy splits into dy_f and dy_b (concat: the two halves of the last axis;
sum: dy each; ave: dy/2 each; mul: dy ⊙ y_b and dy ⊙ y_f) and dx = dx_f + dx_b.

As in Keras, both copies are rebuilt from the wrapped layer's config (named
``forward_<name>`` and ``backward_<name>``), and with return_sequences both give
zeros at masked steps (``zero_output_for_mask``). ``initial_state`` takes the
forward states then the backward states; ``return_state`` returns the outputs,
then the forward states, then the backward states.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from seqlab.layers.base import Layer, deserialize, serialize
from seqlab.layers.recurrent import RNNBase
from seqlab.layers.rnn_args import merge_initial_state

MERGE_MODES: tuple[str | None, ...] = ("concat", "sum", "ave", "mul", None)


class Bidirectional(Layer):
    """Bidirectional wrapper for SimpleRNN, LSTM and GRU layers (Keras semantics).

    ``weights`` are the forward layer's, then the backward layer's.
    """

    supports_masking: ClassVar[bool] = True

    def __init__(self, layer: RNNBase, merge_mode: str | None = "concat",
                 backward_layer: RNNBase | None = None, **kwargs: Any):
        if not isinstance(layer, RNNBase):
            raise TypeError(
                "Bidirectional: layer must be a recurrent layer (SimpleRNN, LSTM or GRU), "
                f"got {type(layer).__name__}"
            )
        if backward_layer is not None and not isinstance(backward_layer, RNNBase):
            raise TypeError(
                "Bidirectional: backward_layer must be a recurrent layer (SimpleRNN, LSTM or "
                f"GRU), got {type(backward_layer).__name__}"
            )
        if merge_mode not in MERGE_MODES:
            raise ValueError(
                f"Bidirectional: merge_mode must be one of {list(MERGE_MODES)}, got {merge_mode!r}"
            )
        kwargs.setdefault("dtype", layer.dtype)
        super().__init__(**kwargs)
        self.merge_mode = merge_mode
        self._layer_spec = serialize(layer)
        self._backward_spec = serialize(backward_layer) if backward_layer is not None else None

        fcfg = dict(self._layer_spec["config"])
        fcfg["name"] = "forward_" + layer.name.removeprefix("forward_")
        self.forward_layer = type(layer).from_config(fcfg)
        if backward_layer is None:
            bcfg = dict(self._layer_spec["config"])
            bcfg["name"] = "backward_" + layer.name.removeprefix("backward_")
            bcfg["go_backwards"] = not layer.go_backwards
            if bcfg.get("seed") is not None:
                bcfg["seed"] = bcfg["seed"] + 1  # different initial weights from the forward copy
            backward_layer = type(layer).from_config(bcfg)
        self.backward_layer = backward_layer
        self._verify_pair()
        for sub in (self.forward_layer, self.backward_layer):
            sub.zero_output_for_mask = sub.return_sequences
            self.add_sublayer(sub)
        self.return_sequences = self.forward_layer.return_sequences
        self.return_state = self.forward_layer.return_state
        self.stateful = self.forward_layer.stateful

    def _verify_pair(self) -> None:
        f, b = self.forward_layer, self.backward_layer
        if f.go_backwards == b.go_backwards:
            raise ValueError(
                f"Bidirectional {self.name!r}: the forward and backward layers must have "
                f"different go_backwards, got {f.go_backwards} for both"
            )
        for attr in ("stateful", "return_sequences", "return_state"):
            if getattr(f, attr) != getattr(b, attr):
                raise ValueError(
                    f"Bidirectional {self.name!r}: the forward and backward layers must have "
                    f"the same {attr}, got {getattr(f, attr)} (forward) and "
                    f"{getattr(b, attr)} (backward)"
                )
        if type(f) is not type(b) and f.state_names != b.state_names:
            raise ValueError(
                f"Bidirectional {self.name!r}: the forward and backward layers must carry the "
                f"same states, got {f.state_names} and {b.state_names}"
            )

    # ----------------------------------------------------------------- calling
    @property
    def _n_states(self) -> int:
        return len(self.forward_layer.state_names)

    def merge_call_inputs(self, inputs: Any, kwargs: dict[str, Any]) -> Any:
        """``layer(x, initial_state=[*forward_states, *backward_states])`` → ``[x, *states]``."""
        return merge_initial_state(self.name, inputs, kwargs)

    def __call__(self, inputs: Any, *, training: bool = False, mask: Any = None,
                 initial_state: Any = None, **kwargs: Any) -> Any:
        extra = {} if initial_state is None else {"initial_state": initial_state}
        merged = self.merge_call_inputs(inputs, extra)
        return super().__call__(merged, training=training, mask=mask, **kwargs)

    def build(self, input_shape: Any) -> None:
        x_shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        for sub in (self.forward_layer, self.backward_layer):
            if not sub.built:
                sub.build(tuple(x_shape))
                sub.built = True
        self.built = True

    def call(self, inputs: Any, training: bool = False, mask: Any = None,
             initial_state: Any = None, **kwargs: Any) -> Any:
        if initial_state is not None:
            inputs = self.merge_call_inputs(inputs, {"initial_state": initial_state})
        took_list = isinstance(inputs, list)
        x, states = (inputs[0], list(inputs[1:])) if took_list else (inputs, [])
        n = self._n_states
        if states and len(states) != 2 * n:
            raise ValueError(
                f"Bidirectional {self.name!r}: initial_state must hold {2 * n} arrays "
                f"({n} forward, then {n} backward), got {len(states)}"
            )
        if training:  # the wrapper's generator draws both directions' dropout masks
            self.forward_layer._rng = self.rng
            self.backward_layer._rng = self.rng
        f_in = [x, *states[:n]] if states else x
        b_in = [x, *states[n:]] if states else x
        y_f = self.forward_layer(f_in, training=training, mask=mask)
        y_b = self.backward_layer(b_in, training=training, mask=mask)
        s_f: list[np.ndarray] = []
        s_b: list[np.ndarray] = []
        if self.return_state:
            y_f, s_f = y_f[0], list(y_f[1:])
            y_b, s_b = y_b[0], list(y_b[1:])
        if self.return_sequences:
            y_b = np.ascontiguousarray(y_b[:, ::-1])  # back into time order
        self._cache = {"y_f": y_f, "y_b": y_b, "took_list": took_list,
                       "n_given": len(states)}
        outputs = self._merge(y_f, y_b)
        if self.return_state:
            return [*outputs, *s_f, *s_b] if self.merge_mode is None \
                else [outputs, *s_f, *s_b]
        return outputs

    def _merge(self, y_f: np.ndarray, y_b: np.ndarray) -> Any:
        if self.merge_mode == "concat":
            return np.concatenate([y_f, y_b], axis=-1)
        if self.merge_mode == "sum":
            return y_f + y_b
        if self.merge_mode == "ave":
            return (y_f + y_b) / 2
        if self.merge_mode == "mul":
            return y_f * y_b
        return [y_f, y_b]

    def _split_merged(self, d: Any) -> tuple[Any, Any]:
        """dy → (dy_f, dy_b) for the merged output (None stays None)."""
        if d is None:
            return None, None
        c = self._cache
        d = np.asarray(d, dtype=self.dtype)
        if self.merge_mode == "concat":
            H = c["y_f"].shape[-1]
            return d[..., :H], d[..., H:]
        if self.merge_mode == "sum":
            return d, d
        if self.merge_mode == "ave":
            return d / 2, d / 2
        return d * c["y_b"], d * c["y_f"]  # mul

    def backward(self, dout: Any) -> Any:
        c = self._require_cache()
        n = self._n_states
        n_merged = 2 if self.merge_mode is None else 1
        n_out = n_merged + (2 * n if self.return_state else 0)
        douts = list(dout) if isinstance(dout, (list, tuple)) else [dout]
        if len(douts) != n_out:
            raise ValueError(
                f"Bidirectional {self.name!r}: backward expected {n_out} gradient(s) (one per "
                f"output), got {len(douts)}"
            )
        if self.merge_mode is None:
            d_f, d_b = douts[0], douts[1]
        else:
            d_f, d_b = self._split_merged(douts[0])
        if d_b is not None and self.return_sequences:
            d_b = np.ascontiguousarray(np.asarray(d_b)[:, ::-1])  # into processing order
        ds_f = douts[n_merged:n_merged + n]
        ds_b = douts[n_merged + n:]
        g_f = self.forward_layer.backward([d_f, *ds_f] if self.return_state else d_f)
        g_b = self.backward_layer.backward([d_b, *ds_b] if self.return_state else d_b)
        if not c["took_list"]:
            return g_f + g_b
        dx = g_f[0] + g_b[0]
        return [dx, *g_f[1:], *g_b[1:]]

    # ----------------------------------------------------------------- states
    def reset_states(self) -> None:
        """Forget the carried states of both (stateful) directions."""
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    # ------------------------------------------------------------------ shapes
    def compute_output_shape(self, input_shape: Any) -> Any:
        x_shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        shape = self.forward_layer.compute_output_shape(tuple(x_shape))
        state_shapes: list[tuple] = []
        if self.return_state:
            shape, state_shapes = shape[0], list(shape[1:])
        if self.merge_mode == "concat":
            merged: Any = (*shape[:-1], 2 * shape[-1])
        elif self.merge_mode is None:
            merged = [shape, shape]
        else:
            merged = shape
        if not self.return_state:
            return merged
        outs = merged if self.merge_mode is None else [merged]
        return [*outs, *state_shapes, *state_shapes]

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if isinstance(mask, (list, tuple)):
            mask = mask[0] if mask else None
        out_mask = mask if self.return_sequences else None
        outs = [out_mask, out_mask] if self.merge_mode is None else [out_mask]
        if self.return_state:
            return [*outs, *[None] * (2 * self._n_states)]
        return outs if self.merge_mode is None else out_mask

    # ------------------------------------------------------------------ config
    def get_config(self) -> dict[str, Any]:
        cfg = super().get_config()
        cfg.update(layer=self._layer_spec, merge_mode=self.merge_mode)
        if self._backward_spec is not None:
            cfg["backward_layer"] = self._backward_spec
        return cfg

    @classmethod
    def from_config(cls, cfg: dict[str, Any]) -> Bidirectional:
        cfg = dict(cfg)
        cfg["layer"] = deserialize(cfg["layer"])
        if cfg.get("backward_layer") is not None:
            cfg["backward_layer"] = deserialize(cfg["backward_layer"])
        return cls(**cfg)
