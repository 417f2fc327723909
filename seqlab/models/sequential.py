"""Sequential: a plain stack of layers, each feeding the next.

Forward, for layers f_1..f_n and masks m (from e.g. Embedding(mask_zero=True)):

    h_0 = x,  h_k = f_k(h_{k-1}, mask=m_{k-1}),  m_k = f_k.compute_mask(h_{k-1}, m_{k-1})

Backward runs the layers in reverse: dh_{k-1} = f_k.backward(dh_k).

The model is built (every layer gets its weights) as soon as the input shape is
known: from ``Input(shape)`` given as the first element, from the first
layer's ``input_shape=``, from ``build(input_shape)``, or from the first batch
that ``fit``/``train_on_batch`` sees. ``predict``/``evaluate`` never build from
data: an unbuilt model has no weights to predict with, so they raise.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from seqlab.layers.base import Layer, deserialize, serialize
from seqlab.layers.symbolic import InputLayer, SymbolicTensor
from seqlab.models.training import BaseModel


class Sequential(BaseModel):
    """``Sequential([Embedding(10000, 32), SimpleRNN(32), Dense(1, "sigmoid")])``."""

    def __init__(self, layers: Sequence[Layer | SymbolicTensor] | None = None,
                 name: str | None = None):
        super().__init__(name=name)
        self._layers: list[Layer] = []
        self.build_input_shape: tuple | None = None
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
        if self.built:
            self._build_layer(layer, self._output_shapes[-1] if len(self._layers) > 1
                              else self.build_input_shape)
        elif len(self._layers) == 1 and self.build_input_shape is None \
                and layer.input_shape_arg is not None:
            self.build((None, *layer.input_shape_arg))
        elif self.build_input_shape is not None:
            self.build(self.build_input_shape)

    def pop(self) -> Layer:
        """Remove and return the last layer."""
        if not self._layers:
            raise ValueError(f"Sequential {self.name!r}: there is no layer to pop")
        layer = self._layers.pop()
        self._sublayers.remove(layer)
        if self._output_shapes:
            self._output_shapes.pop()
        return layer

    # --------------------------------------------------------------- build
    def _build_layer(self, layer: Layer, shape: Any) -> Any:
        if not layer.built:
            layer.build(shape)
            layer.built = True
        out = layer.compute_output_shape(shape)
        self._output_shapes.append(out)
        return out

    def build(self, input_shape: Any = None) -> None:
        """Build every layer for inputs of ``input_shape`` (batch dim included)."""
        if input_shape is None:
            input_shape = self.build_input_shape
        if input_shape is None:
            raise ValueError(
                f"Sequential {self.name!r}: build() needs an input_shape such as (None, 500)"
            )
        shape = tuple(input_shape)
        self.build_input_shape = shape
        if not self._layers:
            return  # built when the first layer is added
        self._output_shapes = []
        for layer in self._layers:
            shape = self._build_layer(layer, shape)
        self.built = True

    def _ensure_built(self, xs: list[np.ndarray], purpose: str) -> None:
        if not self._layers:
            raise ValueError(f"Sequential {self.name!r}: the model has no layers; add() some")
        if self.built:
            return
        if purpose != "fit":
            raise ValueError(
                f"Sequential {self.name!r} is not built, so it has no weights to {purpose} "
                "with: give the input shape (Input(shape) first, input_shape= on the first "
                "layer, or build((None, ...))), fit it, or load a saved model"
            )
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
        if shape is not None and not model.built:
            model.build(tuple(shape))
        return model
