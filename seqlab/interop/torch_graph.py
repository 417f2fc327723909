"""The exported model: seqlab's layer graph as one PyTorch module (imports torch).

A model is a list of :class:`Step` s over numbered values ("slots"): the
model inputs are slots 0 … n−1, each step calls one layer module on the values
of its input slots (``(x,)``, or ``(x, h0[, c0])`` with initial states) and
stores its outputs (one, or several with ``return_state``) in new slots.
Masks travel beside the values as seqlab's do: a step reads the mask of its
first input and its module's ``output_mask`` says the masks of its outputs.

The modules live in ``self.layers``, a ModuleDict keyed by seqlab layer name,
so the state dict reads ``layers.<layer name>.<parameter>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from seqlab.interop import torch_layers as tl
from seqlab.interop.torch_recurrent import Bidirectional, Recurrent
from seqlab.interop.torch_weights import RECURRENT, layer_class

__all__ = ["Step", "TorchModel", "build_module"]

_SIMPLE = ("Dense", "Embedding", "Conv1D", "Activation", "Dropout", "Reshape", "RepeatVector")
_POOLING = {"MaxPooling1D": "max", "AveragePooling1D": "average"}
_GLOBAL_POOLING = {"GlobalMaxPooling1D": "max", "GlobalAveragePooling1D": "average"}


@dataclass(frozen=True)
class Step:
    """``outputs = layers[name](*inputs)``, the numbers being slots."""

    name: str
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]


def build_module(layer: Any, cls: str) -> nn.Module:
    """The torch module for one seqlab layer of class ``cls`` (see :func:`layer_class`),
    in the layer's dtype, frozen (no gradient) when the layer is not trainable."""
    if cls in _SIMPLE:
        module = getattr(tl, cls)(layer)
    elif cls == "Flatten":
        module = tl.Flatten()
    elif cls in _POOLING:
        module = tl.Pooling1D(layer, _POOLING[cls])
    elif cls in _GLOBAL_POOLING:
        module = tl.GlobalPooling1D(layer, _GLOBAL_POOLING[cls])
    elif cls in RECURRENT:
        module = Recurrent(layer, cls)
    elif cls == "Bidirectional":
        module = Bidirectional(layer)
    else:  # TimeDistributed
        module = tl.TimeDistributed(build_module(layer.layer, layer_class(layer.layer, "to_torch")))
    module.to(getattr(torch, layer.dtype))
    if not layer.trainable:
        module.requires_grad_(False)
    return module


class TorchModel(nn.Module):
    """``model(*inputs, mask=None)``: one tensor per seqlab model input; returns a
    tensor, or a tuple for a model with several outputs.

    ``mask`` (optional) is the padding mask (B, T) of the inputs (or a list, one
    per input), as ``seqlab_model(x, mask=...)`` takes it; masks made by
    ``Embedding(mask_zero=True)`` need none. Float inputs are cast to each layer's
    dtype, as seqlab layers cast theirs."""

    def __init__(self, modules: dict[str, nn.Module], dtypes: dict[str, str],
                 steps: list[Step], n_inputs: int, outputs: tuple[int, ...]):
        super().__init__()
        self.layers = nn.ModuleDict()
        for name, module in modules.items():
            try:
                self.layers[name] = module
            except KeyError as err:
                raise ValueError(f"to_torch: layer name {name!r} cannot name a torch module "
                                 f"({err.args[0]}); rename the layer") from None
        self.dtypes = {name: getattr(torch, dtype) for name, dtype in dtypes.items()}
        self.steps = list(steps)
        self.n_inputs = n_inputs
        self.outputs = tuple(outputs)

    def _cast(self, name: str, value: torch.Tensor) -> torch.Tensor:
        if isinstance(self.layers[name], tl.Embedding):
            return value  # ids stay as they are
        return value.to(self.dtypes[name])

    def forward(self, *inputs: Any, mask: Any = None) -> Any:
        if len(inputs) != self.n_inputs:
            raise ValueError(f"expected {self.n_inputs} input tensor(s), one per model input, "
                             f"got {len(inputs)}")
        in_masks = list(mask) if isinstance(mask, (list, tuple)) else [mask] * self.n_inputs
        if len(in_masks) != self.n_inputs:
            raise ValueError(f"expected {self.n_inputs} mask(s), one per model input, "
                             f"got {len(in_masks)}")
        values: dict[int, Any] = {}
        masks: dict[int, Any] = {}
        for slot, (x, m) in enumerate(zip(inputs, in_masks)):
            values[slot] = torch.as_tensor(x)
            masks[slot] = None if m is None else torch.as_tensor(m)
        for step in self.steps:
            module = self.layers[step.name]
            args = [self._cast(step.name, values[s]) for s in step.inputs]
            in_mask = masks[step.inputs[0]]
            out = module(*args, mask=in_mask) if module.reads_mask else module(*args)
            out_mask = module.output_mask(args[0], in_mask)
            outs = list(out) if isinstance(out, (list, tuple)) else [out]
            out_masks = (list(out_mask) if isinstance(out_mask, (list, tuple))
                         else [out_mask, *[None] * (len(outs) - 1)])
            if len(outs) != len(step.outputs):
                raise RuntimeError(f"layer {step.name!r} gave {len(outs)} output(s), the seqlab "
                                   f"model has {len(step.outputs)}")
            for slot, value, m in zip(step.outputs, outs, out_masks):
                values[slot], masks[slot] = value, m
        results = tuple(values[s] for s in self.outputs)
        return results if len(results) > 1 else results[0]
