"""The layers a ``.keras`` archive's ``config.json`` lists, checked against a seqlab model.

A ``.keras`` file is a zip archive holding ``metadata.json``, ``config.json``
(the model, as Keras serialises it) and ``model.weights.h5``. The config is
read here only for the kinds and the order of the model's layers:

    {"class_name": "Sequential" | "Functional",
     "config": {"layers": [{"class_name": "LSTM", "config": {"name": "lstm", ...}},
                           {"class_name": "Bidirectional",
                            "config": {"name": ..., "layer": {<the wrapped layer>}}}, ...]}}

InputLayers are left out: they hold no weights, a Sequential's is not one of
its ``layers``, and a functional model's weights fit the equivalent Sequential
(in Keras as here). Settings (units, activations, …) are not compared:
every weight's shape is checked when the weights are read, and the rest is the
architecture's, not the weights'.
"""

from __future__ import annotations

import json
import re
from typing import Any

from seqlab.interop.keras_layout import compared_layers, layer_kind
from seqlab.layers.base import LAYERS
from seqlab.models.training import BaseModel

__all__ = ["check_architecture", "keras_layers"]

_WRAPPERS = ("Bidirectional", "TimeDistributed")
_MODELS = ("Sequential", "Functional")


def _kind(spec: dict[str, Any]) -> str:
    """``LSTM``, ``Bidirectional(LSTM)``, ``Sequential[Dense, Dense]`` (as ``layer_kind``)."""
    cls = spec["class_name"]
    if cls in _WRAPPERS:
        return f"{cls}({_kind(spec['config']['layer'])})"
    if cls in _MODELS:
        return f"{cls}[{', '.join(kind for kind, _ in keras_layers(spec))}]"
    return str(cls)


def keras_layers(spec: dict[str, Any]) -> list[tuple[str, str]]:
    """(kind, name) of each layer of a serialised Keras model but its InputLayers,
    in ``model.layers`` order (Keras' order)."""
    return [(_kind(layer), str(layer["config"]["name"])) for layer in spec["config"]["layers"]
            if layer["class_name"] != "InputLayer"]


def _unknown_classes(kind: str) -> list[str]:
    names = re.findall(r"\w+", kind)
    return [n for n in names if n != "Functional" and LAYERS.find(n) is None]


def _difference(theirs: list[tuple[str, str]], ours: list[tuple[str, str]]) -> str:
    for i, ((k_kind, k_name), (s_kind, s_name)) in enumerate(zip(theirs, ours)):
        if k_kind != s_kind:
            return (f"layer {i + 1} is {k_kind} {k_name!r} in the Keras model, "
                    f"{s_kind} {s_name!r} in the seqlab model")
    n = min(len(theirs), len(ours))
    if len(theirs) > n:
        return f"the Keras model has {len(theirs) - n} more layer(s): {theirs[n:]}"
    return f"the seqlab model has {len(ours) - n} more layer(s): {ours[n:]}"


def check_architecture(model: BaseModel, config_json: bytes, source: str) -> None:
    """Raise ValueError unless the Keras model of ``config_json`` has the layers of
    ``model``: the same number, in the same order, of the same kinds."""
    try:
        spec = json.loads(config_json.decode("utf-8"))
        if spec["class_name"] not in _MODELS:
            raise ValueError(f"{source}: the Keras model is a {spec['class_name']!r}; seqlab "
                             "reads the weights of Sequential and functional models")
        theirs = keras_layers(spec)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError, KeyError, TypeError,
            AttributeError) as exc:
        raise ValueError(f"{source}: config.json is not a Keras model config "
                         f"({type(exc).__name__}: {exc})") from None
    ours = [(layer_kind(layer), layer.name) for layer in compared_layers(model)]
    if [k for k, _ in theirs] == [k for k, _ in ours]:
        return
    reason = _difference(theirs, ours)
    unknown = sorted({n for kind, _ in theirs for n in _unknown_classes(kind)})
    if unknown:
        reason += f" (seqlab has no {', '.join(unknown)} layer)"
    raise ValueError(
        f"{source}: the Keras model's layers do not match those of seqlab model "
        f"{model.name!r}: {reason}. Keras: {[k for k, _ in theirs]}; "
        f"seqlab: {[k for k, _ in ours]}"
    )
