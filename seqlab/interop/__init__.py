"""Carry weights between seqlab (Keras layout), PyTorch and Keras 3 files.

Functions take a torch module or its state dict (tensors or arrays) and never
import torch at import time; only writing into a module imports it.

    kernel, bias = from_torch_linear(nn_linear)           # weightᵀ
    lstm.set_weights(from_torch_lstm(nn_lstm, layer_index=1, direction="reverse"))
    load_torch_weights(seqlab_gru, nn_gru)                 # checks + builds
    copy_to_torch(seqlab_conv, nn_conv1d)                  # the other way

Whole models (torch imported only when ``to_torch`` is called):

    module = to_torch(model)        # a torch.nn.Module: same outputs and gradients
    from_torch(module, model)       # trained weights back (a state dict works too)

Keras 3 weight files (h5py needed, imported only when a file is read or written):

    load_keras_weights(model, "model.keras")               # or "model.weights.h5"
    save_keras_weights(model, "model.weights.h5")          # Keras' load_weights reads it

Layouts and gate orders are documented in :mod:`seqlab.interop.core` and
:mod:`seqlab.interop.recurrent`; the exported model's names in
:mod:`seqlab.interop.torch_weights`; Keras 3 files' in
:mod:`seqlab.interop.keras_layout`.
"""

from seqlab.interop.core import (
    from_torch_conv1d,
    from_torch_embedding,
    from_torch_linear,
    to_torch_conv1d,
    to_torch_embedding,
    to_torch_linear,
)
from seqlab.interop.keras_weights import load_keras_weights, save_keras_weights
from seqlab.interop.loading import copy_to_torch, load_torch_weights
from seqlab.interop.recurrent import (
    from_torch_gru,
    from_torch_lstm,
    from_torch_rnn,
    to_torch_gru,
    to_torch_lstm,
    to_torch_rnn,
)
from seqlab.interop.torch_export import from_torch, to_torch

__all__ = [
    "copy_to_torch",
    "from_torch",
    "from_torch_conv1d",
    "from_torch_embedding",
    "from_torch_gru",
    "from_torch_linear",
    "from_torch_lstm",
    "from_torch_rnn",
    "load_keras_weights",
    "load_torch_weights",
    "save_keras_weights",
    "to_torch",
    "to_torch_conv1d",
    "to_torch_embedding",
    "to_torch_gru",
    "to_torch_linear",
    "to_torch_lstm",
    "to_torch_rnn",
]
