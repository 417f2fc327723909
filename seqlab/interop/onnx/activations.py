"""seqlab's activations in ONNX: as operators, and as recurrent-cell activations.

    seqlab          operator                          RNN/LSTM/GRU activation
    tanh            Tanh                              "Tanh"
    sigmoid         Sigmoid                           "Sigmoid"
    hard_sigmoid    HardSigmoid(alpha=0.2, beta=0.5)  "HardSigmoid", alpha 0.2, beta 0.5
    relu            Relu                              "Relu"
    linear          (none: the value itself)          "Affine", alpha 1, beta 0
    softmax         Softmax(axis=−1)                  (not a recurrent activation)

hard_sigmoid is clip(0.2·x + 0.5, 0, 1), 1st-edition Keras' gate activation.
The recurrent operators take ``activation_alpha`` / ``activation_beta`` in the
order of their ``activations``, one value for each activation that has such a
parameter (the others consume none), as the ONNX operator specification says.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from seqlab.interop.onnx.graph import Graph

HARD_SIGMOID = {"alpha": 0.2, "beta": 0.5}

# seqlab name -> (ONNX recurrent activation, its (alpha, beta) or None)
_CELL: dict[str, tuple[str, tuple[float, float] | None]] = {
    "tanh": ("Tanh", None),
    "sigmoid": ("Sigmoid", None),
    "hard_sigmoid": ("HardSigmoid", (HARD_SIGMOID["alpha"], HARD_SIGMOID["beta"])),
    "relu": ("Relu", None),
    "linear": ("Affine", (1.0, 0.0)),
}


def apply_activation(g: Graph, name: str, x: str, hint: str) -> str:
    """The ONNX value of ``name``(x); ``linear`` adds no node."""
    if name == "linear":
        return x
    if name == "softmax":
        return g.op("Softmax", [x], hint, axis=-1)
    if name == "hard_sigmoid":
        return g.op("HardSigmoid", [x], hint, **HARD_SIGMOID)
    ops = {"tanh": "Tanh", "sigmoid": "Sigmoid", "relu": "Relu"}
    if name not in ops:
        raise ValueError(f"ONNX export: unknown activation {name!r}")
    return g.op(ops[name], [x], hint)


def cell_activation_attrs(names: Sequence[str]) -> dict[str, Any]:
    """``activations`` (and ``activation_alpha`` / ``activation_beta`` when some
    activation has parameters) for a recurrent operator, from seqlab names."""
    activations, alphas, betas = [], [], []
    for name in names:
        op, params = _CELL[name]
        activations.append(op)
        if params is not None:
            alphas.append(params[0])
            betas.append(params[1])
    attrs: dict[str, Any] = {"activations": activations}
    if alphas:
        attrs.update(activation_alpha=alphas, activation_beta=betas)
    return attrs
