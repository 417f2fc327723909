"""Core layers: Dense, Activation, Dropout, Flatten, Reshape, RepeatVector.

Keras names, arguments and weight layouts (Dense kernel (D, H), bias (H,)).
Symbols: B batch, T steps, D features, H units.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from seqlab import checks, initializers, trace_hook
from seqlab.functional.activations import activation_backward, activation_forward, canonical_name
from seqlab.functional.dropout import dropout_mask, resolve_noise_shape
from seqlab.kernels import chosen
from seqlab.layers.base import Layer


class Dense(Layer):
    """y = activation(x · W + b) over the last axis of x (rank >= 2).

    x (B, D) → y (B, H); on sequences x (B, T, D) → y (B, T, H), one W for every
    step, as in Keras; ``input_dim=D`` is Keras 2's ``input_shape=(D,)``.
    Backward, with z = x · W + b:

        dz = activation'(z) ⊙ dy     (from the output y)
        dx = dz · Wᵀ,  dW = Σ xᵀ · dz,  db = Σ dz
    """

    supports_masking = True

    def __init__(self, units: int, activation: str | None = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 input_dim: int | None = None, **kwargs: Any):
        if input_dim is not None:  # Keras 2's Dense(32, input_dim=784)
            if kwargs.get("input_shape") is not None:
                raise ValueError(f"Dense: give input_dim or input_shape, not both; got "
                                 f"input_dim={input_dim!r}, input_shape={kwargs['input_shape']!r}")
            kwargs["input_shape"] = (checks.positive_int("Dense", "input_dim", input_dim),)
        super().__init__(**kwargs)
        self.units = checks.positive_int(f"Dense {self.name!r}", "units", units)
        self.activation = canonical_name(activation, f"Dense {self.name!r}")
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)

    def build(self, input_shape: Sequence[int | None]) -> None:
        if len(input_shape) < 2:
            raise ValueError(
                f"layer {self.name!r} (Dense): expected input of rank >= 2 (batch, ..., "
                f"features), got shape {tuple(input_shape)}"
            )
        D = self._known_dim(input_shape, -1, "last dimension")
        self.kernel = self.add_weight("kernel", (D, self.units), self.kernel_initializer)
        self.bias = (self.add_weight("bias", (self.units,), self.bias_initializer)
                     if self.use_bias else None)
        self.built = True

    def call(self, inputs: np.ndarray, training: bool = False, mask: Any = None,
             **kwargs: Any) -> np.ndarray:
        self._check_ndim(inputs, min_ndim=2)
        self._check_last_dim(inputs, self.kernel.shape[0])
        z, dense_cache = chosen("dense")(inputs, self.kernel.value,
                                         self.bias.value if self.bias is not None else None)
        y = activation_forward(self.activation, z, out=z)
        self._cache = (chosen("dense_backward"), dense_cache, y)
        return y

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dense_backward, dense_cache, y = self._require_cache()
        if (rec := trace_hook.ACTIVE.get()) is not None:  # seqlab.trace is recording
            rec.on_backward(self, dout)
        dz = activation_backward(self.activation, y, dout)
        dx, dW, db = dense_backward(dz, dense_cache)
        if self.trains(self.kernel):
            self.kernel.grad += dW
        if self.trains(self.bias):
            self.bias.grad += db
        return dx

    def compute_output_shape(self, input_shape: Sequence[int | None]) -> tuple:
        return (*tuple(input_shape)[:-1], self.units)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": self.activation,
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.name_of(self.kernel_initializer),
            "bias_initializer": initializers.name_of(self.bias_initializer),
        }


class Activation(Layer):
    """y = activation(x), element-wise (softmax: over the last axis)."""

    supports_masking = True

    def __init__(self, activation: str, **kwargs: Any):
        super().__init__(**kwargs)
        self.activation = canonical_name(activation, f"Activation {self.name!r}")

    def call(self, inputs: np.ndarray, training: bool = False, mask: Any = None,
             **kwargs: Any) -> np.ndarray:
        self._check_ndim(inputs, min_ndim=1)
        y = activation_forward(self.activation, inputs)
        self._cache = y
        return y

    def backward(self, dout: np.ndarray) -> np.ndarray:
        y = self._require_cache()
        if (rec := trace_hook.ACTIVE.get()) is not None:  # seqlab.trace is recording
            rec.on_backward(self, dout)
        return activation_backward(self.activation, y, dout)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "activation": self.activation}


class Dropout(Layer):
    """Inverted dropout: y = x ⊙ m with m = Bernoulli(1 − rate) / (1 − rate) while
    training, y = x otherwise. ``noise_shape`` shares a mask along axes of size 1
    (None = the input's size). Masks come from ``self.rng`` (set by ``seed``)."""

    supports_masking = True

    def __init__(self, rate: float, noise_shape: Sequence[int | None] | None = None,
                 seed: int | None = None, **kwargs: Any):
        super().__init__(seed=seed, **kwargs)
        self.rate = checks.rate(f"Dropout {self.name!r}", "rate", rate)
        self.noise_shape = tuple(noise_shape) if noise_shape is not None else None

    def call(self, inputs: np.ndarray, training: bool = False, mask: Any = None,
             **kwargs: Any) -> np.ndarray:
        self._check_ndim(inputs, min_ndim=1)
        if not training or self.rate == 0.0:
            self._cache = ("identity",)
            return inputs
        shape = resolve_noise_shape(inputs.shape, self.noise_shape,
                                    f"layer {self.name!r} (Dropout)")
        m = dropout_mask(shape, self.rate, self.rng, inputs.dtype)
        self._cache = ("mask", m)
        return inputs * m

    def backward(self, dout: np.ndarray) -> np.ndarray:
        cache = self._require_cache()
        return dout if cache[0] == "identity" else dout * cache[1]

    def get_config(self) -> dict[str, Any]:
        cfg = {**super().get_config(), "rate": self.rate}
        cfg["noise_shape"] = list(self.noise_shape) if self.noise_shape is not None else None
        cfg.setdefault("seed", None)
        return cfg


class Flatten(Layer):
    """(B, d1, d2, ...) → (B, d1·d2·...). Masks stop here (as in Keras)."""

    def call(self, inputs: np.ndarray, training: bool = False, mask: Any = None,
             **kwargs: Any) -> np.ndarray:
        self._check_ndim(inputs, min_ndim=1)
        self._cache = inputs.shape
        return inputs.reshape(inputs.shape[0], -1)  # (B, d1·d2·...)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout.reshape(self._require_cache())  # (B, d1, d2, ...)

    def compute_output_shape(self, input_shape: Sequence[int | None]) -> tuple:
        rest = tuple(input_shape)[1:]
        size = None if any(d is None for d in rest) else int(np.prod(rest, dtype=np.int64))
        return (input_shape[0], size)


class Reshape(Layer):
    """(B, ...) → (B, *target_shape); one entry of target_shape may be -1."""

    def __init__(self, target_shape: Sequence[int], **kwargs: Any):
        super().__init__(**kwargs)
        if not isinstance(target_shape, (tuple, list)):
            raise TypeError(
                f"Reshape {self.name!r}: target_shape must be a tuple such as (10, 3), "
                f"got {target_shape!r}"
            )
        dims = tuple(target_shape)
        bad = [d for d in dims if isinstance(d, bool) or not isinstance(d, (int, np.integer))
               or (d <= 0 and d != -1)]
        if bad or sum(d == -1 for d in dims) > 1:
            raise ValueError(
                f"Reshape {self.name!r}: target_shape must hold positive integers and at "
                f"most one -1, got {dims}"
            )
        self.target_shape = tuple(int(d) for d in dims)

    def _resolve(self, shape: tuple) -> tuple:
        """target_shape with the -1 filled in for per-sample ``shape`` (ints)."""
        total = int(np.prod(shape, dtype=np.int64))
        known = int(np.prod([d for d in self.target_shape if d != -1], dtype=np.int64))
        if -1 in self.target_shape:
            if known == 0 or total % known:
                raise ValueError(self._size_error(shape))
            return tuple(total // known if d == -1 else d for d in self.target_shape)
        if known != total:
            raise ValueError(self._size_error(shape))
        return self.target_shape

    def _size_error(self, shape: tuple) -> str:
        return (
            f"layer {self.name!r} (Reshape): cannot reshape samples of shape {shape} "
            f"({int(np.prod(shape, dtype=np.int64))} values) to target_shape {self.target_shape}"
        )

    def call(self, inputs: np.ndarray, training: bool = False, mask: Any = None,
             **kwargs: Any) -> np.ndarray:
        self._check_ndim(inputs, min_ndim=1)
        target = self._resolve(inputs.shape[1:])
        self._cache = inputs.shape
        return inputs.reshape(inputs.shape[0], *target)  # (B, *target_shape)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout.reshape(self._require_cache())  # (B, *input sample shape)

    def compute_output_shape(self, input_shape: Sequence[int | None]) -> tuple:
        rest = tuple(input_shape)[1:]
        if any(d is None for d in rest):
            target = tuple(None if d == -1 else d for d in self.target_shape)
        else:
            target = self._resolve(rest)
        return (input_shape[0], *target)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "target_shape": list(self.target_shape)}


class RepeatVector(Layer):
    """(B, D) → (B, n, D): the same vector at each of n steps. Backward sums over
    the n copies: dx = Σ_t dy[:, t, :]."""

    def __init__(self, n: int, **kwargs: Any):
        super().__init__(**kwargs)
        self.n = checks.positive_int(f"RepeatVector {self.name!r}", "n", n)

    def build(self, input_shape: Sequence[int | None]) -> None:
        if len(input_shape) != 2:
            raise ValueError(
                f"layer {self.name!r} (RepeatVector): expected input of rank 2 (batch, "
                f"features), got shape {tuple(input_shape)}"
            )
        self.built = True

    def call(self, inputs: np.ndarray, training: bool = False, mask: Any = None,
             **kwargs: Any) -> np.ndarray:
        self._check_ndim(inputs, ndim=2)
        self._cache = inputs.shape
        return np.repeat(inputs[:, None, :], self.n, axis=1)  # (B, n, D)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        self._require_cache()
        return dout.sum(axis=1)  # (B, D)

    def compute_output_shape(self, input_shape: Sequence[int | None]) -> tuple:
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "n": self.n}
