"""Carry weights between seqlab (Keras layout) and PyTorch.

Functions take a torch module or its state dict (tensors or arrays) and never
import torch at import time; only writing into a module imports it.

    kernel, bias = from_torch_linear(nn_linear)           # weightᵀ
    lstm.set_weights(from_torch_lstm(nn_lstm, layer_index=1, direction="reverse"))
    load_torch_weights(seqlab_gru, nn_gru)                 # checks + builds
    copy_to_torch(seqlab_conv, nn_conv1d)                  # the other way

Whole models (torch imported only when ``to_torch`` is called):

    module = to_torch(model)        # a torch.nn.Module: same outputs and gradients
    from_torch(module, model)       # trained weights back (a state dict works too)

Layouts and gate orders are documented in :mod:`seqlab.interop.core` and
:mod:`seqlab.interop.recurrent`; the exported model's names in
:mod:`seqlab.interop.torch_weights`.
"""

from seqlab.interop.core import (
    from_torch_conv1d,
    from_torch_embedding,
    from_torch_linear,
    to_torch_conv1d,
    to_torch_embedding,
    to_torch_linear,
)
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
    "load_torch_weights",
    "to_torch",
    "to_torch_conv1d",
    "to_torch_embedding",
    "to_torch_gru",
    "to_torch_linear",
    "to_torch_lstm",
    "to_torch_rnn",
]
