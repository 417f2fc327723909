"""Parameter and Layer: the contract every seqlab layer keeps.

A layer owns its parameters and computes, by hand, both directions:

    out  = layer(x, training=..., mask=...)   # forward; keeps a cache
    dx   = layer.backward(dout)               # uses the cache of the last call;
                                              # adds dL/dθ into each Parameter.grad

Structure rule: ``backward`` returns gradients shaped like the *inputs* of the
last call (an array, or a list when the call took a list), and takes ``dout``
shaped like its *outputs* (a list entry may be None: that output was unused).

Shapes passed to ``build`` and ``compute_output_shape`` include the batch
dimension (None when unknown), as in Keras. A layer may be told the shape of
its inputs when it is made, as in Keras: ``input_shape=(T, D)`` (without the
batch dimension) or ``batch_input_shape=(B, T, D)``; a Sequential model whose
first layer says so is built at once (see :attr:`Layer.batch_input_shape`).
A layer whose weights need a dimension that the shape leaves unknown raises
:class:`UnknownDimensionError` from ``build``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from seqlab import checks, config, initializers, trace_hook
from seqlab.random import make_rng
from seqlab.registry import Registry

Shape = tuple


class UnknownDimensionError(ValueError):
    """``build`` needs a dimension (e.g. the features of a Dense input) that the
    input shape leaves as None; the layer can be built once data shows it."""


class Parameter:
    """A named array of weights and the gradient accumulated for it.

    ``grad`` has the shape and dtype of ``value``; layers add into it during
    ``backward`` (a parameter used twice collects both contributions).
    """

    __slots__ = ("grad", "name", "trainable", "value")

    def __init__(self, name: str, value: np.ndarray, trainable: bool = True):
        self.name = name
        self.value = value
        self.grad = np.zeros_like(value)
        self.trainable = trainable

    @property
    def shape(self) -> tuple[int, ...]:
        return self.value.shape

    def zero_grad(self) -> None:
        self.grad[...] = 0

    def assign(self, value: np.ndarray) -> None:
        """Copy ``value`` in place (shape must match; dtype is converted)."""
        value = np.asarray(value)
        if value.shape != self.value.shape:
            raise ValueError(
                f"weight {self.name!r}: expected shape {self.value.shape}, got {value.shape}"
            )
        self.value[...] = value

    def __repr__(self) -> str:
        return f"Parameter({self.name!r}, shape={self.value.shape}, dtype={self.value.dtype})"


def _snake_case(name: str) -> str:
    """Keras' automatic layer names: SimpleRNN → simple_rnn, Conv1D → conv1d,
    MaxPooling1D → max_pooling1d."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


class Layer:
    """Base class of all layers (see the module docstring for the contract).

    Subclasses implement ``build``, ``call``, ``backward``,
    ``compute_output_shape`` and ``get_config``; masking layers set
    ``supports_masking = True`` (the mask passes through unchanged) or
    override ``compute_mask``.
    """

    supports_masking: ClassVar[bool] = False
    _name_counts: ClassVar[dict[str, int]] = {}

    def __init_subclass__(cls, register: bool = True, **kwargs: Any) -> None:
        """Register the class by name (``register=False``: a subclass that only adds
        methods to a registered class of the same name, and is saved as that class)."""
        super().__init_subclass__(**kwargs)
        if register:
            LAYERS.add(cls)

    def __init__(
        self,
        *,
        name: str | None = None,
        dtype: str | np.dtype | None = None,
        trainable: bool = True,
        input_shape: Sequence[int | None] | None = None,
        batch_input_shape: Sequence[int | None] | None = None,
        seed: int | None = None,
    ):
        self.name = name if name is not None else self._auto_name()
        self.dtype = np.dtype(dtype if dtype is not None else config.floatx()).name
        if self.dtype not in ("float32", "float64"):
            raise ValueError(
                f"layer {self.name!r}: dtype must be 'float32' or 'float64', got {self.dtype!r}"
            )
        self._trainable = bool(trainable)
        who = f"layer {self.name!r}"
        self.input_shape_arg = (None if input_shape is None
                                else checks.shape(who, "input_shape", input_shape))
        self.batch_input_shape_arg = (None if batch_input_shape is None else checks.shape(
            who, "batch_input_shape", batch_input_shape))
        if self.input_shape_arg is not None and self.batch_input_shape_arg is not None:
            raise ValueError(
                f"layer {self.name!r}: give input_shape (without the batch dimension) or "
                f"batch_input_shape (with it), not both; got input_shape="
                f"{self.input_shape_arg} and batch_input_shape={self.batch_input_shape_arg}"
            )
        self.seed = seed
        self.built = False
        self._params: list[Parameter] = []
        self._sublayers: list[Layer] = []
        self._rng: np.random.Generator | None = None
        self._cache: Any = None

    # ----------------------------------------------------------------- naming
    def _auto_name(self) -> str:
        base = _snake_case(type(self).__name__)
        n = Layer._name_counts.get(base, 0)
        Layer._name_counts[base] = n + 1
        return base if n == 0 else f"{base}_{n}"

    # ------------------------------------------------------------- parameters
    @property
    def rng(self) -> np.random.Generator:
        """This layer's generator (weights, dropout masks), made from ``seed``."""
        if self._rng is None:
            self._rng = make_rng(self.seed)
        return self._rng

    def add_weight(
        self,
        name: str,
        shape: Sequence[int],
        initializer: Any = "zeros",
        trainable: bool = True,
    ) -> Parameter:
        """Create, initialise and register a parameter of this layer's dtype."""
        init = initializers.get(initializer)
        # np.require keeps a 0-d weight (a scalar scale) 0-d; ascontiguousarray would make it (1,)
        value = np.require(init(tuple(shape), np.dtype(self.dtype), self.rng), requirements="C")
        param = Parameter(f"{self.name}/{name}", value, trainable=trainable)
        self._params.append(param)
        return param

    def add_sublayer(self, layer: Layer) -> Layer:
        """Register a layer whose parameters belong to this one (wrappers); a frozen
        wrapper freezes it."""
        self._sublayers.append(layer)
        if not self._trainable:
            layer.trainable = False
        return layer

    @property
    def weights(self) -> list[Parameter]:
        """All parameters, own first, then those of sublayers, in creation order."""
        params = list(self._params)
        for sub in self._sublayers:
            params.extend(sub.weights)
        return params

    @property
    def trainable(self) -> bool:
        """Whether training updates this layer. Setting it sets it on every layer
        inside (a wrapper's or model's), as in Keras; a frozen layer's weights
        collect no gradient (see :meth:`trains`)."""
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        for sub in self._sublayers:
            sub.trainable = value

    def trains(self, param: Parameter | None) -> bool:
        """Whether ``backward`` adds into ``param.grad``: not for a frozen layer or
        parameter (``trainable=False``), nor for a missing one (None)."""
        return param is not None and self._trainable and param.trainable

    @property
    def trainable_weights(self) -> list[Parameter]:
        if not self.trainable:
            return []
        own = [p for p in self._params if p.trainable]
        for sub in self._sublayers:
            own.extend(sub.trainable_weights)
        return own

    @property
    def non_trainable_weights(self) -> list[Parameter]:
        trainable = {id(p) for p in self.trainable_weights}
        return [p for p in self.weights if id(p) not in trainable]

    def get_weights(self) -> list[np.ndarray]:
        """Copies of the weight arrays, in Keras order and layout."""
        return [p.value.copy() for p in self.weights]

    def set_weights(self, weights: Sequence[np.ndarray]) -> None:
        """Load arrays in ``get_weights()`` order; shapes must match."""
        params = self.weights
        if not self.built:
            raise RuntimeError(
                f"layer {self.name!r} is not built yet: call it on data or build(input_shape)"
                " before set_weights()"
            )
        if len(weights) != len(params):
            raise ValueError(
                f"layer {self.name!r}: expected {len(params)} weight arrays "
                f"({[p.shape for p in params]}), got {len(weights)}"
            )
        for p, w in zip(params, weights):
            p.assign(w)

    def count_params(self) -> int:
        return int(sum(p.value.size for p in self.weights))

    def zero_grad(self) -> None:
        for p in self.weights:
            p.zero_grad()

    @property
    def batch_input_shape(self) -> tuple | None:
        """The input shape this layer was told to expect, batch first:
        ``batch_input_shape=``, or ``(None, *input_shape)``; None when not told.
        A Sequential model is built from its first layer's."""
        if self.batch_input_shape_arg is not None:
            return self.batch_input_shape_arg
        if self.input_shape_arg is not None:
            return (None, *self.input_shape_arg)
        return None

    # ----------------------------------------------------------------- calling
    def __call__(self, inputs: Any, *, training: bool = False, mask: Any = None, **kwargs: Any):
        from seqlab.layers import symbolic

        if symbolic.any_symbolic(inputs, kwargs):
            return symbolic.call_layer(self, inputs, mask=mask, **kwargs)
        inputs = self._convert_inputs(inputs)
        if not self.built:
            self.build_from_inputs(inputs)
        out = self.call(inputs, training=training, mask=mask, **kwargs)
        if (rec := trace_hook.ACTIVE.get()) is not None:  # seqlab.trace is recording
            rec.on_forward(self, inputs, out)
        return out

    def build_from_inputs(self, inputs: Any) -> None:
        shapes = [a.shape for a in inputs] if isinstance(inputs, list) else inputs.shape
        self.build(shapes)
        self.built = True

    def _convert_inputs(self, inputs: Any) -> Any:
        if isinstance(inputs, (list, tuple)):
            return [self._convert_input(x) for x in inputs]
        return self._convert_input(inputs)

    def _convert_input(self, x: Any) -> np.ndarray:
        """Float layers take float arrays in their own dtype (ints are cast)."""
        arr = np.asarray(x)
        if arr.dtype.kind not in "fiub":
            raise TypeError(
                f"layer {self.name!r}: expected a numeric array, got dtype {arr.dtype}"
            )
        if arr.dtype != self.dtype:
            arr = arr.astype(self.dtype)
        return arr

    def build(self, input_shape: Any) -> None:
        """Create the parameters for inputs of ``input_shape`` (batch included)."""
        self.built = True

    def call(self, inputs: Any, training: bool = False, mask: Any = None, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement call()")

    def backward(self, dout: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement backward()")

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The mask of this layer's output; by default it passes through
        layers that support masking and stops at the others."""
        return mask if self.supports_masking else None

    def _require_cache(self) -> Any:
        if self._cache is None:
            raise RuntimeError(
                f"layer {self.name!r}: backward() needs a forward call first"
            )
        return self._cache

    # ------------------------------------------------------------------ checks
    def _check_ndim(self, x: np.ndarray, ndim: int | None = None, min_ndim: int | None = None,
                    what: str = "input") -> None:
        if ndim is not None and x.ndim != ndim:
            raise ValueError(
                f"layer {self.name!r} ({type(self).__name__}): expected {what} of rank {ndim}, "
                f"got rank {x.ndim} with shape {x.shape}"
            )
        if min_ndim is not None and x.ndim < min_ndim:
            raise ValueError(
                f"layer {self.name!r} ({type(self).__name__}): expected {what} of rank >= "
                f"{min_ndim}, got rank {x.ndim} with shape {x.shape}"
            )
        if x.size == 0:
            raise ValueError(
                f"layer {self.name!r} ({type(self).__name__}): {what} is empty (shape {x.shape})"
            )

    def _known_dim(self, shape: Sequence[int | None], axis: int, what: str) -> int:
        """``shape[axis]``, which ``build`` needs; UnknownDimensionError when it is None."""
        dim = tuple(shape)[axis]
        if dim is None:
            raise UnknownDimensionError(
                f"layer {self.name!r} ({type(self).__name__}): the {what} of the input must "
                f"be known to make the weights, got shape {tuple(shape)}"
            )
        return int(dim)

    def _check_last_dim(self, x: np.ndarray, expected: int, what: str = "input") -> None:
        if x.shape[-1] != expected:
            raise ValueError(
                f"layer {self.name!r} ({type(self).__name__}): expected {what} with last "
                f"dimension {expected}, got shape {x.shape}"
            )

    # ------------------------------------------------------------------ config
    def get_config(self) -> dict[str, Any]:
        """Constructor arguments under their own names (JSON-serialisable)."""
        cfg: dict[str, Any] = {"name": self.name, "dtype": self.dtype, "trainable": self.trainable}
        if self.input_shape_arg is not None:
            cfg["input_shape"] = list(self.input_shape_arg)
        if self.batch_input_shape_arg is not None:
            cfg["batch_input_shape"] = list(self.batch_input_shape_arg)
        if self.seed is not None:
            cfg["seed"] = self.seed
        return cfg

    @classmethod
    def from_config(cls, cfg: dict[str, Any]) -> Layer:
        return cls(**cfg)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} built={self.built}>"


#: Every Layer class by the name configs use (see :mod:`seqlab.registry`).
LAYERS: Registry[Layer] = Registry("layer class")


def serialize(layer: Layer) -> dict[str, Any]:
    """``{"class_name": ..., "config": ...}`` for a layer (JSON-safe)."""
    return LAYERS.serialize(layer)


def deserialize(spec: dict[str, Any]) -> Layer:
    """Rebuild a layer from ``serialize`` output."""
    return LAYERS.deserialize(spec)


def reset_names() -> None:
    """Start automatic layer names afresh (``dense``, ``dense_1``, ... again), as
    Keras' ``clear_session`` does."""
    Layer._name_counts.clear()
