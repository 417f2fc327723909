"""Sequential: a plain stack of layers, each feeding the next.

Forward, for layers f_1..f_n and masks m (from e.g. Embedding(mask_zero=True)):

    h_0 = x,  h_k = f_k(h_{k-1}, mask=m_{k-1}),  m_k = f_k.compute_mask(h_{k-1}, m_{k-1})

Backward runs the layers in reverse: dh_{k-1} = f_k.backward(dh_k).

The model is built (every layer gets its weights) as soon as the input shape is
known, as in Keras: from ``Input(shape)`` given as the first element, from the
first layer's ``input_shape=`` / ``batch_input_shape=`` (an ``Embedding``'s
``input_length``, or any length without it: Keras 2's rule), from
``build(input_shape)``, or else from the first batch that ``fit``, ``evaluate``
or ``predict`` sees. Shapes are carried from layer to layer when layers are
added; a layer that needs a dimension they leave unknown (a Dense after
Flatten on sequences of any length) waits, with the model, for the first batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from seqlab import checks
from seqlab.layers.base import Layer, UnknownDimensionError, deserialize, serialize
from seqlab.layers.symbolic import InputLayer, SymbolicTensor
from seqlab.models.training import BaseModel


class Sequential(BaseModel):
    """``Sequential([Embedding(10000, 32), SimpleRNN(32), Dense(1, "sigmoid")])``."""

    def __init__(self, layers: Sequence[Layer | SymbolicTensor] | None = None,
                 name: str | None = None):
        super().__init__(name=name)
        self._layers: list[Layer] = []
        self.build_input_shape: tuple | None = None
        self._input_layer_shape: tuple | None = None
        self.unbuilt_reason = "the input shape is not known"
        self.input_dtype: str | None = None
        self._output_shapes: list[Any] = []
        if layers is not None:
            if not isinstance(layers, (list, tuple)):
                raise TypeError(
                    f"Sequential {self.name!r}: layers must be a list, got {type(layers).__name__}"
                )
            for layer in layers:
                self.add(layer)

    # -------------------------------------------------------------- layers
    @property
    def layers(self) -> list[Layer]:
        return list(self._layers)

    @property
    def input_names(self) -> list[str]:
        return [self._layers[0].name if self._layers else "input"]

    @property
    def output_names(self) -> list[str]:
        return [self._layers[-1].name if self._layers else "output"]

    @property
    def output_shapes(self) -> list[tuple | None]:
        return [self._output_shapes[-1] if self.built and self._output_shapes else None]

    @property
    def input_shape(self) -> tuple | None:
        return self.build_input_shape

    @property
    def output_shape(self) -> Any:
        return self.output_shapes[0]

    def add(self, layer: Layer | SymbolicTensor) -> None:
        """Append a layer; ``Input(shape)`` (or an InputLayer) is allowed first only."""
        input_layer = None
        if isinstance(layer, SymbolicTensor):
            if layer.node is None or not isinstance(layer.node.layer, InputLayer):
                raise TypeError(
                    f"Sequential {self.name!r}: only Input(shape) tensors can be added, "
                    f"got {layer!r}"
                )
            input_layer = layer.node.layer
        elif isinstance(layer, InputLayer):
            input_layer = layer
        elif not isinstance(layer, Layer):
            raise TypeError(
                f"Sequential {self.name!r}: expected a Layer, got {type(layer).__name__}"
            )
        if input_layer is not None:
            if self._layers or self.build_input_shape is not None:
                raise ValueError(
                    f"Sequential {self.name!r}: Input must be the first element, got it after "
                    f"{len(self._layers)} layer(s)"
                )
            self.input_dtype = input_layer.input_dtype
            self._input_layer_shape = input_layer.shape
            self.build(input_layer.shape)
            return
        if any(existing is layer for existing in self._layers):
            raise ValueError(f"Sequential {self.name!r}: layer {layer.name!r} was added twice")
        if any(existing.name == layer.name for existing in self._layers):
            raise ValueError(
                f"Sequential {self.name!r}: two layers are named {layer.name!r}; layer names "
                "must be unique within a model (they name the saved weights)"
            )
        self._layers.append(layer)
        self.add_sublayer(layer)
        self._build_if_known()

    def pop(self) -> Layer:
        """Remove and return the last layer."""
        if not self._layers:
            raise ValueError(f"Sequential {self.name!r}: there is no layer to pop")
        layer = self._layers.pop()
        self._sublayers.remove(layer)
        if not self._layers:
            self.build_input_shape = self._input_layer_shape
        self._build_if_known()
        return layer

    # --------------------------------------------------------------- build
    @property
    def batch_input_shape(self) -> tuple | None:
        """The input shape to build for: the one built for before, the Input's, or
        the one the first layer was told (so a Sequential inside another passes
        its own on); None when not known."""
        if self.build_input_shape is not None:
            return self.build_input_shape
        return self._layers[0].batch_input_shape if self._layers else None

    def _build_if_known(self) -> None:
        """Build for the known input shape, if there is one and every layer can;
        otherwise ``unbuilt_reason`` says why the model waits for data."""
        shape = self.batch_input_shape
        self.built = False
        self.unbuilt_reason = "the input shape is not known"
        if shape is None or not self._layers:
            return
        try:
            self.build(shape)
        except UnknownDimensionError as exc:
            self.unbuilt_reason = str(exc)

    def _build_layer(self, layer: Layer, shape: Any) -> Any:
        if not layer.built:
            layer.build(shape)
            layer.built = True
        return layer.compute_output_shape(shape)

    def build(self, input_shape: Any = None) -> None:
        """Build every layer for inputs of ``input_shape`` (batch dim included)."""
        if input_shape is None:
            input_shape = self.build_input_shape
        if input_shape is None:
            raise ValueError(
                f"Sequential {self.name!r}: build() needs an input_shape such as (None, 500)"
            )
        input_shape = checks.shape(f"Sequential {self.name!r}", "input_shape", input_shape)
        if not self._layers:
            self.build_input_shape = input_shape
            return  # built when the first layer is added
        self.built = False
        shape, output_shapes = input_shape, []
        for layer in self._layers:
            shape = self._build_layer(layer, shape)
            output_shapes.append(shape)
        self.build_input_shape = input_shape  # kept once every layer could be built
        self._output_shapes = output_shapes
        self.built = True

    def _ensure_built(self, xs: list[np.ndarray], purpose: str) -> None:
        """Build from the first batch's shape (batch dimension left free), as Keras does."""
        if not self._layers:
            raise ValueError(f"Sequential {self.name!r}: the model has no layers; add() some")
        if not self.built:
            self.build((None, *xs[0].shape[1:]))

    # ------------------------------------------------------ forward/backward
    def call(self, inputs: Any, training: bool = False, mask: Any = None, **kwargs: Any) -> Any:
        if not self._layers:
            raise ValueError(f"Sequential {self.name!r}: the model has no layers; add() some")
        x = inputs
        for layer in self._layers:
            out = layer(x, training=training, mask=mask)
            mask = layer.compute_mask(x, mask)
            x = out
        self._cache = True
        self._output_masks = [mask]
        return x

    def backward(self, dout: Any) -> Any:
        self._require_cache()
        for layer in reversed(self._layers):
            dout = layer.backward(dout)
        return dout

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = input_shape
        for layer in self._layers:
            shape = layer.compute_output_shape(shape)
        return shape

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return None

    # -------------------------------------------------------------- config
    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "layers": [serialize(layer) for layer in self._layers],
            "build_input_shape": list(self.build_input_shape)
            if self.build_input_shape is not None else None,
            "input_dtype": self.input_dtype,
            "trainable": self.trainable,
        }

    @classmethod
    def from_config(cls, cfg: dict[str, Any]) -> Sequential:
        model = cls(name=cfg.get("name"))
        model.input_dtype = cfg.get("input_dtype")
        model.trainable = bool(cfg.get("trainable", True))
        for spec in cfg.get("layers", []):
            model.add(deserialize(spec))
        shape = cfg.get("build_input_shape")
        if shape is not None and not model.built:  # built from data, or waiting for it
            model.build_input_shape = tuple(shape)
            model._build_if_known()
        return model
