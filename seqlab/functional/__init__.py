"""seqlab.functional: reference kernels, forward and backward side by side.

Each forward returns ``(out, cache)`` and each backward takes ``(dout, cache)``
(activations are the exception: their output is their cache).
Each kernel module adds its public names here as plain imports.
"""
# ruff: noqa: F401  (this module only re-exports)

from seqlab.functional.activations import (
    ACTIVATIONS,
    activation_backward,
    activation_forward,
    get_activation,
    hard_sigmoid,
    hard_sigmoid_backward,
    linear,
    linear_backward,
    relu,
    relu_backward,
    sigmoid,
    sigmoid_backward,
    softmax,
    softmax_backward,
    tanh,
    tanh_backward,
)
from seqlab.functional.dense import dense, dense_backward
from seqlab.functional.dropout import dropout, dropout_backward, dropout_mask
from seqlab.functional.embedding import as_ids, embedding, embedding_backward, scatter_add_rows
from seqlab.functional.losses import (
    binary_crossentropy,
    binary_crossentropy_backward,
    categorical_crossentropy,
    categorical_crossentropy_backward,
    mean_absolute_error,
    mean_absolute_error_backward,
    mean_squared_error,
    mean_squared_error_backward,
    sparse_categorical_crossentropy,
    sparse_categorical_crossentropy_backward,
)
