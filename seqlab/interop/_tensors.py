"""Reading PyTorch weights without importing torch, and writing them back.

A *source* is a torch module (anything with ``state_dict()``) or a mapping
from names to tensors or arrays (a state dict, or a ``.npz`` loaded with
NumPy). Tensors are turned into NumPy arrays through their own methods
(``detach().cpu().numpy()``), so torch is imported only when writing into a
module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

DIRECTIONS = ("forward", "reverse")


def to_numpy(value: Any, name: str = "tensor") -> np.ndarray:
    """A NumPy copy of a torch tensor (any device) or an array-like."""
    if hasattr(value, "detach"):
        value = value.detach()
        if hasattr(value, "cpu"):
            value = value.cpu()
        return np.array(value.numpy(), copy=True)
    arr = np.array(value, copy=True)
    if arr.dtype.kind not in "fiu":
        raise TypeError(f"{name}: expected a numeric tensor or array, got dtype {arr.dtype}")
    return arr


def read_state(source: Any, what: str) -> dict[str, Any]:
    """The name → tensor mapping of a module or a mapping (values not converted)."""
    if hasattr(source, "state_dict") and callable(source.state_dict):
        return dict(source.state_dict())
    if isinstance(source, Mapping) or hasattr(source, "files"):  # NpzFile has .files
        return {k: source[k] for k in (source.files if hasattr(source, "files") else source)}
    raise TypeError(
        f"{what}: expected a torch module or a mapping of its state_dict "
        f"(name → tensor/array), got {type(source).__name__}"
    )


def get(state: Mapping[str, Any], key: str, what: str, prefix: str = "",
        optional: bool = False) -> np.ndarray | None:
    """``state[prefix + key]`` as an array; a clear error lists what is there."""
    full = prefix + key
    if full not in state:
        if optional:
            return None
        raise KeyError(
            f"{what}: no weight {full!r} in the torch state; available: {sorted(state)}"
        )
    return to_numpy(state[full], full)


def suffix(layer_index: int, direction: str, what: str) -> str:
    """``"_l{k}"`` plus ``"_reverse"`` for the backward direction (torch RNN names)."""
    if isinstance(layer_index, bool) or not isinstance(layer_index, (int, np.integer)) \
            or layer_index < 0:
        raise ValueError(f"{what}: layer_index must be an int >= 0, got {layer_index!r}")
    if direction not in DIRECTIONS:
        raise ValueError(f"{what}: direction must be one of {list(DIRECTIONS)}, got {direction!r}")
    return f"_l{int(layer_index)}" + ("_reverse" if direction == "reverse" else "")


def check_shape(arr: np.ndarray, shape: tuple[int, ...], name: str, what: str) -> None:
    if arr.shape != tuple(shape):
        raise ValueError(f"{what}: {name} should have shape {tuple(shape)}, got {arr.shape}")


def write_into(module: Any, arrays: Mapping[str, np.ndarray], what: str) -> None:
    """Copy ``arrays`` into the module's parameters of the same names (in place).

    Parameters not named in ``arrays`` are left as they are (other layers of
    a stacked RNN). An array with no parameter of its name (a bias for a
    module built with ``bias=False``) is skipped only if it is all zeros."""
    import torch  # only here: writing needs torch itself

    params = dict(module.named_parameters())
    for name, arr in arrays.items():
        if name not in params:
            if name.startswith("bias") and not np.any(arr):
                continue
            raise ValueError(
                f"{what}: the torch module has no parameter {name!r} (it has {sorted(params)}); "
                "a non-zero bias cannot be dropped"
            )
        if tuple(params[name].shape) != arr.shape:
            raise ValueError(
                f"{what}: torch parameter {name!r} has shape {tuple(params[name].shape)}, "
                f"the converted weight has shape {arr.shape}"
            )
    with torch.no_grad():
        for name, arr in arrays.items():
            if name in params:
                p = params[name]
                p.copy_(torch.as_tensor(np.ascontiguousarray(arr), dtype=p.dtype))
