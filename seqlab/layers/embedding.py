"""Embedding: integer token ids → dense vectors (a trainable lookup table).

For ids (B, T) with values in [0, V) and the table W (V, E):

    y[b, t, :] = W[ids[b, t], :]                       (B, T, E)
    dW[v, :]   = Σ_{(b, t): ids[b, t] = v} dy[b, t, :]  (scatter-add; repeated ids add up)

With ``mask_zero=True`` id 0 is padding: the output mask is ``ids != 0`` and the
layers after it (RNNs) skip those steps. Pretrained vectors come in as
``embeddings_initializer=matrix`` or Keras 2's ``weights=[matrix]``;
``trainable=False`` freezes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from seqlab import checks, initializers
from seqlab.functional.embedding import as_ids
from seqlab.kernels import chosen
from seqlab.layers.base import Layer


class Embedding(Layer):
    """Turns ids (B, T) — or any shape (...) — into vectors (..., output_dim).

    Weights: ``embeddings`` (input_dim, output_dim), Keras' name and layout.
    The ids input gets no gradient (``backward`` returns None).
    """

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer: Any = "uniform",
                 mask_zero: bool = False, input_length: int | None = None,
                 weights: Sequence[np.ndarray] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        who = f"Embedding {self.name!r}"
        self.input_dim = checks.positive_int(who, "input_dim", input_dim)
        self.output_dim = checks.positive_int(who, "output_dim", output_dim)
        self.mask_zero = bool(mask_zero)
        self.input_length = (None if input_length is None
                             else checks.positive_int(who, "input_length", input_length))
        self._pretrained: np.ndarray | None = None
        if weights is not None:
            if not isinstance(weights, (list, tuple)) or len(weights) != 1:
                raise ValueError(f"{who}: weights must be a list holding one matrix, "
                                 f"got {type(weights).__name__} of length {len(weights)}")
            embeddings_initializer = weights[0]
        if isinstance(embeddings_initializer, (np.ndarray, list)):
            self._pretrained = self._check_matrix(np.asarray(embeddings_initializer))
            self.embeddings_initializer = initializers.get("uniform")
        else:
            self.embeddings_initializer = initializers.get(embeddings_initializer)

    def _check_matrix(self, matrix: np.ndarray) -> np.ndarray:
        expected = (self.input_dim, self.output_dim)
        if matrix.shape != expected:
            raise ValueError(
                f"Embedding {self.name!r}: pretrained matrix must have shape {expected} "
                f"(input_dim, output_dim), got {matrix.shape}"
            )
        if matrix.dtype.kind not in "fiu":
            raise TypeError(
                f"Embedding {self.name!r}: pretrained matrix must be numeric, got {matrix.dtype}"
            )
        return matrix

    @property
    def batch_input_shape(self) -> tuple | None:
        """As Keras 2: without ``input_shape``, ``(None, input_length)`` — ids of
        any batch size, of length ``input_length`` (None: any length). A
        Sequential model that starts with an Embedding is thus built at once."""
        given = super().batch_input_shape
        return given if given is not None else (None, self.input_length)

    # ------------------------------------------------------------------ build
    def build(self, input_shape: Sequence[int | None]) -> None:
        self.embeddings = self.add_weight(
            "embeddings", (self.input_dim, self.output_dim), self.embeddings_initializer
        )
        if self._pretrained is not None:
            self.embeddings.assign(self._pretrained)
            self._pretrained = None
        self.built = True

    def _convert_input(self, x: Any) -> np.ndarray:
        """Ids stay integers (floats holding whole numbers are accepted)."""
        arr = np.asarray(x)
        if arr.dtype.kind not in "iuf":
            raise TypeError(
                f"layer {self.name!r} (Embedding): expected integer token ids, "
                f"got dtype {arr.dtype}"
            )
        return arr

    # ------------------------------------------------------------------- call
    def call(self, inputs: np.ndarray, training: bool = False, mask: Any = None,
             **kwargs: Any) -> np.ndarray:
        self._check_ndim(inputs, min_ndim=1)
        if (self.input_length is not None and inputs.ndim >= 2
                and inputs.shape[1] != self.input_length):
            raise ValueError(
                f"layer {self.name!r} (Embedding): expected sequences of input_length="
                f"{self.input_length}, got input of shape {inputs.shape}"
            )
        ids = as_ids(inputs, self.input_dim, f"layer {self.name!r} (Embedding)")
        self._cache = ids
        return np.take(self.embeddings.value, ids, axis=0)  # (..., E)

    def backward(self, dout: np.ndarray) -> None:
        """Adds dW into ``embeddings.grad``; returns None (ids get no gradient)."""
        ids = self._require_cache()
        if self.trains(self.embeddings):
            E = self.output_dim
            if dout.shape != (*ids.shape, E):
                raise ValueError(
                    f"layer {self.name!r} (Embedding): dout must have shape "
                    f"{(*ids.shape, E)}, got {dout.shape}"
                )
            chosen("scatter_add_rows")(ids.reshape(-1),  # (N,) with N = number of ids
                                       dout.reshape(-1, E),  # (N, E)
                                       self.input_dim, out=self.embeddings.grad)

    def compute_mask(self, inputs: Any, mask: Any = None) -> np.ndarray | None:
        if not self.mask_zero:
            return None
        return np.asarray(inputs) != 0

    def compute_output_shape(self, input_shape: Sequence[int | None]) -> tuple:
        shape = list(input_shape)
        if self.input_length is not None and len(shape) >= 2 and shape[1] is None:
            shape[1] = self.input_length
        return (*shape, self.output_dim)

    def get_config(self) -> dict[str, Any]:
        """Pretrained matrices are weights, not config: they are saved with the
        weights and the config keeps the default initializer name."""
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.name_of(self.embeddings_initializer),
            "mask_zero": self.mask_zero,
            "input_length": self.input_length,
        }
