"""TimeDistributed: apply one layer to every time step of a sequence.

The T steps are folded into the batch, the inner layer runs once, and the
result is unfolded:

    x (B, T, ...) → x' (B·T, ...) → y' = layer(x') (B·T, ...') → y (B, T, ...')

so the weights are shared across steps and their gradients sum over all B·T
positions. (Bidirectional lives in :mod:`seqlab.layers.bidirectional`.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from seqlab.layers.base import Layer, deserialize, serialize


class TimeDistributed(Layer):
    """``TimeDistributed(layer)`` on inputs (B, T, ...) of rank >= 3.

    The inner layer's weights are this layer's weights (registered as a
    sublayer). The input mask (B, T) passes through unchanged.
    """

    supports_masking = True

    def __init__(self, layer: Layer, **kwargs: Any):
        if not isinstance(layer, Layer):
            raise TypeError(
                f"TimeDistributed: layer must be a seqlab Layer instance, got {layer!r}"
            )
        kwargs.setdefault("dtype", layer.dtype)
        super().__init__(**kwargs)
        self.layer = self.add_sublayer(layer)

    def _check_shape(self, shape: Sequence[int | None]) -> None:
        if len(shape) < 3:
            raise ValueError(
                f"layer {self.name!r} (TimeDistributed): expected input of rank >= 3 "
                f"(batch, steps, ...), got shape {tuple(shape)}"
            )

    @staticmethod
    def _folded(shape: Sequence[int | None]) -> tuple:
        B, T = shape[0], shape[1]
        return (None if B is None or T is None else B * T, *tuple(shape)[2:])

    def build(self, input_shape: Sequence[int | None]) -> None:
        self._check_shape(input_shape)
        if not self.layer.built:
            self.layer.build(self._folded(input_shape))
            self.layer.built = True
        self.built = True

    def _convert_input(self, x: Any) -> np.ndarray:
        """Inputs are converted as the inner layer wants them (e.g. ids stay ints)."""
        return self.layer._convert_input(x)

    def call(self, inputs: np.ndarray, training: bool = False, mask: Any = None,
             **kwargs: Any) -> np.ndarray:
        self._check_ndim(inputs, min_ndim=3)
        B, T = inputs.shape[:2]
        folded = inputs.reshape(B * T, *inputs.shape[2:])  # (B·T, ...)
        out = self.layer(folded, training=training)
        self._cache = inputs.shape
        if not isinstance(out, np.ndarray):
            raise TypeError(
                f"layer {self.name!r} (TimeDistributed): the inner layer "
                f"{self.layer.name!r} must return one array, got {type(out).__name__}"
            )
        return out.reshape(B, T, *out.shape[1:])  # (B, T, ...')

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        in_shape = self._require_cache()
        B, T = in_shape[:2]
        dfolded = self.layer.backward(dout.reshape(B * T, *dout.shape[2:]))  # (B·T, ...')
        if dfolded is None:
            return None  # the inner layer's input is not differentiable (ids)
        return dfolded.reshape(in_shape)  # (B, T, ...)

    def compute_output_shape(self, input_shape: Sequence[int | None]) -> tuple:
        self._check_shape(input_shape)
        inner = self.layer.compute_output_shape(self._folded(input_shape))
        return (input_shape[0], input_shape[1], *tuple(inner)[1:])

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return mask

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "layer": serialize(self.layer)}

    @classmethod
    def from_config(cls, cfg: dict[str, Any]) -> TimeDistributed:
        cfg = dict(cfg)
        layer = deserialize(cfg.pop("layer"))
        return cls(layer, **cfg)
