"""1D pooling layers: MaxPooling1D, AveragePooling1D, GlobalMaxPooling1D,
GlobalAveragePooling1D (Keras names and arguments, channels last).

Equations are in :mod:`seqlab.functional.pooling`. Symbols: B batch, T steps,
D channels, P pool size, s stride, T' output steps.

Masks:

* MaxPooling1D and AveragePooling1D ignore an incoming mask and output none
  (as Keras does).
* GlobalAveragePooling1D averages only the unmasked steps (as Keras does).
* GlobalMaxPooling1D also takes the maximum over the unmasked steps only. Keras
  ignores the mask there; seqlab honours it so that a padded batch gives the
  same result as the unpadded sequences (a padding step can never win).
* Both global layers consume the mask (their output has no step axis). A
  sequence whose steps are all masked gives zeros and zero gradient.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from seqlab import checks
from seqlab.functional import pooling as P
from seqlab.functional.conv import check_padding, conv_output_length
from seqlab.layers.base import Layer


class Pooling1D(Layer):
    """Shared arguments of MaxPooling1D and AveragePooling1D.

    ``pool_size`` P, ``strides`` s (None means P), ``padding`` "valid" or "same".
    """

    _forward: Any = None
    _backward: Any = None

    def __init__(self, pool_size: int | Sequence[int] = 2,
                 strides: int | Sequence[int] | None = None, padding: str = "valid",
                 **kwargs: Any):
        super().__init__(**kwargs)
        who = self._who()
        self.pool_size = checks.positive_int(who, "pool_size", pool_size, allow_tuple=True)
        self.strides = self.pool_size if strides is None else checks.positive_int(who, "strides", strides, allow_tuple=True)
        self.padding = check_padding(padding, who, P.POOL_PADDINGS)

    def _who(self) -> str:
        return f"layer {self.name!r} ({type(self).__name__})"

    def _check_shape(self, input_shape: Sequence[int | None]) -> tuple:
        shape = tuple(input_shape)
        if len(shape) != 3:
            raise ValueError(
                f"{self._who()}: expected input of rank 3 (batch, steps, channels), "
                f"got shape {shape}"
            )
        T = shape[1]
        if self.padding == "valid" and T is not None and T < self.pool_size:
            raise ValueError(
                f"{self._who()}: with padding='valid' the input needs at least pool_size="
                f"{self.pool_size} steps, got {T} steps in shape {shape}"
            )
        return shape

    def build(self, input_shape: Sequence[int | None]) -> None:
        self._check_shape(input_shape)
        self.built = True

    def call(self, inputs: np.ndarray, training: bool = False, mask: Any = None,
             **kwargs: Any) -> np.ndarray:
        self._check_ndim(inputs, ndim=3)
        self._check_shape(inputs.shape)
        y, cache = type(self)._forward(inputs, self.pool_size, self.strides, self.padding)
        self._cache = (cache, y.shape)
        return y

    def backward(self, dout: np.ndarray) -> np.ndarray:
        cache, shape = self._require_cache()
        if dout.shape != shape:
            raise ValueError(f"{self._who()}: expected dout of shape {shape}, got {dout.shape}")
        return type(self)._backward(dout, cache)

    def compute_output_shape(self, input_shape: Sequence[int | None]) -> tuple:
        B, T, D = self._check_shape(input_shape)
        return (B, conv_output_length(T, self.pool_size, self.padding, self.strides), D)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "pool_size": self.pool_size, "strides": self.strides,
                "padding": self.padding}


class MaxPooling1D(Pooling1D):
    """y[b, t, d] = max of x over window t (padded steps never win).

    Backward routes dy to the window's maximum (the first one on ties).
    """

    _forward = staticmethod(P.max_pool1d)
    _backward = staticmethod(P.max_pool1d_backward)


class AveragePooling1D(Pooling1D):
    """y[b, t, d] = mean of x over the real steps of window t ("same" padding
    is not counted, as in Keras)."""

    _forward = staticmethod(P.average_pool1d)
    _backward = staticmethod(P.average_pool1d_backward)


class GlobalPooling1D(Layer):
    """Shared parts of the global pooling layers: x (B, T, D) → y (B, D), or
    (B, 1, D) with ``keepdims=True``. They read the mask and output none."""

    supports_masking = True
    _forward: Any = None
    _backward: Any = None

    def __init__(self, keepdims: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.keepdims = bool(keepdims)

    def _who(self) -> str:
        return f"layer {self.name!r} ({type(self).__name__})"

    def build(self, input_shape: Sequence[int | None]) -> None:
        self.compute_output_shape(input_shape)
        self.built = True

    def call(self, inputs: np.ndarray, training: bool = False, mask: Any = None,
             **kwargs: Any) -> np.ndarray:
        self._check_ndim(inputs, ndim=3)
        try:
            y, cache = type(self)._forward(inputs, mask)
        except ValueError as err:  # a bad mask: name the layer
            raise ValueError(f"{self._who()}: {err}") from None
        self._cache = (cache, y.shape)
        return y[:, None, :] if self.keepdims else y  # (B, D) → (B, 1, D)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        cache, shape = self._require_cache()
        expected = (shape[0], 1, shape[1]) if self.keepdims else shape
        if dout.shape != expected:
            raise ValueError(
                f"{self._who()}: expected dout of shape {expected}, got {dout.shape}"
            )
        return type(self)._backward(dout.reshape(shape), cache)  # (B, 1, D) → (B, D)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return None

    def compute_output_shape(self, input_shape: Sequence[int | None]) -> tuple:
        shape = tuple(input_shape)
        if len(shape) != 3:
            raise ValueError(
                f"{self._who()}: expected input of rank 3 (batch, steps, channels), "
                f"got shape {shape}"
            )
        return (shape[0], 1, shape[2]) if self.keepdims else (shape[0], shape[2])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "keepdims": self.keepdims}


class GlobalMaxPooling1D(GlobalPooling1D):
    """y[b, d] = max over the (unmasked) steps of x[b, :, d]; the gradient goes
    to the first maximum."""

    _forward = staticmethod(P.global_max_pool1d)
    _backward = staticmethod(P.global_max_pool1d_backward)


class GlobalAveragePooling1D(GlobalPooling1D):
    """y[b, d] = mean over the (unmasked) steps of x[b, :, d]."""

    _forward = staticmethod(P.global_average_pool1d)
    _backward = staticmethod(P.global_average_pool1d_backward)


# Keras' short aliases
MaxPool1D = MaxPooling1D
AvgPool1D = AveragePooling1D
GlobalMaxPool1D = GlobalMaxPooling1D
GlobalAvgPool1D = GlobalAveragePooling1D
