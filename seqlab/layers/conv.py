"""Conv1D: a 1D convolution over steps, channels last (Keras' layer and layout).

x (B, T, D) → y (B, T', F) with kernel W (K, D, F) and bias b (F,):

    z[b, t, f] = Σ_k Σ_d x_pad[b, t·s + k·r, d] · W[k, d, f] + b[f]
    y          = activation(z)

(s = strides, r = dilation_rate; padding and T' as in
:mod:`seqlab.functional.conv`). Backward, from dy:

    dz = activation'(z) ⊙ dy    (computed from y)
    dx, dW, db = conv1d_backward(dz)

The convolution runs on the Numba kernel (:mod:`seqlab.kernels.conv`) when
``seqlab.config.kernels() == "numba"`` and on the NumPy reference otherwise.
Unlike Keras, strides > 1 together with dilation_rate > 1 is allowed (PyTorch
allows it too). Conv1D does not support masking: a mask stops here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from seqlab import checks, initializers
from seqlab.functional.activations import activation_backward, activation_forward, canonical_name
from seqlab.functional.conv import check_padding, conv_geometry, conv_output_length
from seqlab.kernels import chosen
from seqlab.layers.base import Layer


class Conv1D(Layer):
    """1D convolution layer (see the module docstring for the equations).

    Weights, in ``get_weights()`` order: ``kernel`` (K, D, F), ``bias`` (F,).
    To load PyTorch's ``nn.Conv1d`` weight (F, D, K): ``weight.transpose(2, 1, 0)``.
    """

    def __init__(self, filters: int, kernel_size: int | Sequence[int],
                 strides: int | Sequence[int] = 1, padding: str = "valid",
                 dilation_rate: int | Sequence[int] = 1, activation: str | None = None,
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", **kwargs: Any):
        super().__init__(**kwargs)
        who = self._who()
        self.filters = checks.positive_int(who, "filters", filters, allow_tuple=True)
        self.kernel_size = checks.positive_int(who, "kernel_size", kernel_size, allow_tuple=True)
        self.strides = checks.positive_int(who, "strides", strides, allow_tuple=True)
        self.dilation_rate = checks.positive_int(who, "dilation_rate", dilation_rate, allow_tuple=True)
        self.padding = check_padding(padding, who)
        self.activation = canonical_name(activation, who)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)

    def _who(self) -> str:
        return f"layer {self.name!r} (Conv1D)"

    @property
    def receptive_field(self) -> int:
        """Input steps that one output step sees: dilation_rate·(kernel_size − 1) + 1."""
        return self.dilation_rate * (self.kernel_size - 1) + 1

    def _check_shape(self, input_shape: Sequence[int | None]) -> tuple:
        shape = tuple(input_shape)
        if len(shape) != 3:
            raise ValueError(
                f"{self._who()}: expected input of rank 3 (batch, steps, channels), "
                f"got shape {shape}"
            )
        self._known_dim(shape, 2, "channel dimension")
        T = shape[1]
        if self.padding == "valid" and T is not None and T < self.receptive_field:
            raise ValueError(
                f"{self._who()}: with padding='valid' the input needs at least "
                f"{self.receptive_field} steps (dilation_rate·(kernel_size − 1) + 1), "
                f"got {T} steps in shape {shape}"
            )
        return shape

    def build(self, input_shape: Sequence[int | None]) -> None:
        D = self._check_shape(input_shape)[2]
        shape = (self.kernel_size, D, self.filters)
        self.kernel = self.add_weight("kernel", shape, self.kernel_initializer)
        self.bias = (self.add_weight("bias", (self.filters,), self.bias_initializer)
                     if self.use_bias else None)
        self.built = True

    def call(self, inputs: np.ndarray, training: bool = False, mask: Any = None,
             **kwargs: Any) -> np.ndarray:
        self._check_ndim(inputs, ndim=3)
        self._check_last_dim(inputs, self.kernel.shape[1])
        self._check_shape(inputs.shape)
        z, conv_cache = chosen("conv1d")(
            inputs, self.kernel.value, self.bias.value if self.bias is not None else None,
            self.strides, self.padding, self.dilation_rate,
        )
        y = activation_forward(self.activation, z, out=z)
        self._cache = (chosen("conv1d_backward"), conv_cache, y)
        return y

    def backward(self, dout: np.ndarray) -> np.ndarray:
        conv1d_backward, conv_cache, y = self._require_cache()
        if dout.shape != y.shape:
            raise ValueError(f"{self._who()}: expected dout of shape {y.shape}, got {dout.shape}")
        dz = activation_backward(self.activation, y, dout)
        dx, dW, db = conv1d_backward(dz, conv_cache)
        if self.trains(self.kernel):
            self.kernel.grad += dW
        if self.trains(self.bias):
            self.bias.grad += db
        return dx

    def compute_output_shape(self, input_shape: Sequence[int | None]) -> tuple:
        B, T, _ = self._check_shape(input_shape)
        steps = conv_output_length(T, self.kernel_size, self.padding, self.strides,
                                   self.dilation_rate)
        return (B, steps, self.filters)

    def output_geometry(self, steps: int) -> Any:
        """Padding and output length for ``steps`` input steps (a ConvGeometry)."""
        return conv_geometry(steps, self.kernel_size, self.padding, self.strides,
                             self.dilation_rate, who=self._who())

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "dilation_rate": self.dilation_rate,
            "activation": self.activation,
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.name_of(self.kernel_initializer),
            "bias_initializer": initializers.name_of(self.bias_initializer),
        }

