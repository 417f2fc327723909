"""Whole models to PyTorch and back: ``to_torch(model)`` and ``from_torch(module, model)``.

    module = to_torch(model)            # a torch.nn.Module computing what model computes
    ...                                 # train it with torch (DDP, GPUs, torch.compile)
    from_torch(module, model)           # the trained weights back into the seqlab model

``to_torch`` takes a built Sequential or functional Model of the chapter's
layers (the list is ``torch_weights.SUPPORTED``) and returns, in eval mode as
``model(x)`` runs by default, a module whose outputs and gradients (inputs and
every weight) are seqlab's within rounding. Layers that have a torch module
become one (nn.Linear, nn.Embedding, nn.Conv1d, nn.RNN/LSTM/GRU); the rest
are small modules with the same equations (:mod:`seqlab.interop.torch_layers`,
:mod:`seqlab.interop.torch_recurrent`, :mod:`seqlab.interop.torch_steploop`).
The parameter names and layouts are those of :mod:`seqlab.interop.torch_weights`.

What cannot go over is refused with the reason: a custom (user-defined) layer,
a stateful recurrent layer, a mask with gaps inside a row where torch's fused
RNN modules run on packed sequences.

``from_torch`` needs no torch: it takes the exported module or its state dict
(tensors or arrays, e.g. read back with ``safetensors.numpy.load_file``).
"""

from __future__ import annotations

from typing import Any

from seqlab.interop._tensors import read_state
from seqlab.interop.torch_weights import layer_class, load_model_state, model_state

__all__ = ["from_torch", "require_torch", "to_torch"]


def require_torch(who: str) -> Any:
    """``import torch``, or an ImportError that says how to install it."""
    try:
        import torch
    except ImportError:
        raise ImportError(
            f"{who} needs PyTorch, which is not installed: pip install torch==2.13.0 "
            "(the CPU build is enough)"
        ) from None
    return torch


def _sequential_plan(model: Any, who: str) -> tuple[list[Any], list[Any], int, tuple[int, ...]]:
    if not model.built or model.build_input_shape is None:
        raise ValueError(f"{who}: Sequential {model.name!r} is not built (it has no weights "
                         "yet): build it, call it on data or fit it first")
    layers, steps = [], []
    slots: tuple[int, ...] = (0,)
    shape: Any = model.build_input_shape
    for layer in model.layers:
        shape = layer.compute_output_shape(shape)
        n_out = len(shape) if isinstance(shape, list) else 1
        outputs = tuple(range(slots[-1] + 1, slots[-1] + 1 + n_out))
        layers.append(layer)
        steps.append((layer.name, slots, outputs))
        slots = outputs
    return layers, steps, 1, slots


def _graph_plan(model: Any, who: str) -> tuple[list[Any], list[Any], int, tuple[int, ...]]:
    from seqlab.layers.symbolic import InputLayer, SymbolicTensor

    slot = {id(t): i for i, t in enumerate(model.inputs)}
    layers, steps = [], []
    for node in model.nodes:
        layer = node.layer
        if isinstance(layer, InputLayer):
            continue
        extra = set(node.kwargs) - {"initial_state"}
        if extra:
            raise ValueError(f"{who}: layer {layer.name!r} is called with {sorted(extra)}; "
                             "only initial_state= goes over to torch")
        merged = (layer.merge_call_inputs(node.inputs, dict(node.kwargs))
                  if hasattr(layer, "merge_call_inputs") else node.inputs)
        args = merged if isinstance(merged, list) else [merged]
        if not all(isinstance(a, SymbolicTensor) for a in args):
            raise ValueError(f"{who}: layer {layer.name!r} takes an input that is not a "
                             "tensor of the graph (e.g. a constant initial state)")
        for t in node.outputs:
            slot[id(t)] = len(slot)
        layers.append(layer)
        steps.append((layer.name, tuple(slot[id(a)] for a in args),
                      tuple(slot[id(t)] for t in node.outputs)))
    return layers, steps, len(model.inputs), tuple(slot[id(t)] for t in model.outputs)


def _plan(model: Any, who: str) -> tuple[list[Any], list[Any], int, tuple[int, ...]]:
    """(the layers, the steps (name, input slots, output slots), number of inputs,
    output slots) of a Sequential or functional Model; refuses other layers."""
    from seqlab.models import Model, Sequential

    if isinstance(model, Sequential):
        plan = _sequential_plan(model, who)
    elif isinstance(model, Model):
        plan = _graph_plan(model, who)
    else:
        raise TypeError(f"{who}: expected a seqlab Sequential or Model, got "
                        f"{type(model).__name__} (copy_to_torch converts single layers)")
    for layer in plan[0]:
        layer_class(layer, who)
    return plan


def to_torch(model: Any) -> Any:
    """A ``torch.nn.Module`` computing what the built seqlab ``model`` computes, with
    its weights (see the module docstring). Returned in eval mode; call ``.train()``
    to train it (dropout on)."""
    torch = require_torch("seqlab.interop.to_torch")
    from seqlab.interop.torch_graph import Step, TorchModel, build_module

    layers, steps, n_inputs, outputs = _plan(model, "to_torch")
    modules = {layer.name: build_module(layer, layer_class(layer, "to_torch"))
               for layer in layers}
    exported = TorchModel(modules, {layer.name: layer.dtype for layer in layers},
                          [Step(*s) for s in steps], n_inputs, outputs)
    state = {name: torch.as_tensor(value) for name, value in model_state(layers).items()}
    exported.load_state_dict(state, strict=True)
    return exported.eval()


def from_torch(source: Any, model: Any) -> Any:
    """Copy the weights of a module made by :func:`to_torch` (or its state dict) into
    the seqlab ``model`` it was made from, or one built the same way. Names and
    shapes are checked before anything is copied. Returns ``model``."""
    layers = _plan(model, "from_torch")[0]
    load_model_state(layers, read_state(source, "from_torch"))
    return model
