"""Argument checks shared by the recurrent layers and Bidirectional."""

from __future__ import annotations

from typing import Any

RNN_ACTIVATIONS: tuple[str, ...] = ("tanh", "sigmoid", "hard_sigmoid", "relu", "linear")


def check_activation(layer: str, arg: str, name: Any) -> str:
    """A valid recurrent activation name (None means linear, as in Keras)."""
    if name is None:
        return "linear"
    if not isinstance(name, str) or name not in RNN_ACTIVATIONS:
        raise ValueError(
            f"layer {layer!r}: {arg} must be one of {list(RNN_ACTIVATIONS)}, got {name!r}"
        )
    return name


def merge_initial_state(layer: str, inputs: Any, kwargs: dict[str, Any]) -> Any:
    """Fold the ``initial_state=`` call argument into the input list:
    ``x, initial_state=[h0, c0]`` → ``[x, h0, c0]`` (inputs pass through without it)."""
    initial_state = kwargs.get("initial_state")
    if isinstance(inputs, tuple):
        inputs = list(inputs)
    if initial_state is None:
        return inputs
    if isinstance(inputs, list):
        raise TypeError(
            f"layer {layer!r}: pass the initial states either in the input list or as "
            "initial_state=, not both"
        )
    states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
    return [inputs, *states]
