"""``record``: trace a model or a layer step by step, forward and backward.

    with record(model, samples=[0, 3], steps=range(10), layers=["lstm"]) as tape:
        model.train_on_batch(x, y)        # or model(x) then model.backward(dy)
    tape.layers                           # ["lstm"]
    tape["lstm"].forward["f"]             # (2, 10, H): forget gate of samples 0, 3
    tape["lstm"].backward["dc"]           # (2, 10, H): dL/dc_t
    tape.table("lstm", sample=3)          # a seqlab.report.Table

While the block runs, :data:`seqlab.trace_hook.ACTIVE` holds a
:class:`Recorder`; every layer call reports to it, and it copies the traced
rows out of the traced layers' caches (see :mod:`seqlab.trace.capture`).
Recurrent layers run their backward pass with the NumPy reference BPTT while
recording (it reports each step); outside a block the layers use their usual
kernels and the hooks cost one ``ContextVar.get()`` per call.

``samples`` are batch indices of each call, ``steps`` time positions of each
layer's input (None: all); indices are checked against every traced call.
``layers`` picks what to trace: layer names, kinds ("lstm", "gru",
"simple_rnn", "recurrent", "dense", ... or a class name) or Layer classes.
A tape keeps the last ``max_calls`` calls of each layer (None: all).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from seqlab import trace_hook as hook
from seqlab.layers.base import LAYERS, Layer
from seqlab.trace.capture import capture_backward, capture_forward, loop_backward
from seqlab.trace.records import (
    RECURRENT_KINDS,
    LayerRecord,
    TraceError,
    UnknownLayerError,
    layer_kind,
    snake_case,
)

LayerSpec = str | type | Sequence[str | type] | None


# --------------------------------------------------------------- selection
def traceable_layers(root: Layer) -> list[Layer]:
    """The layers a trace of ``root`` can see, in model order: the layers of a
    model (nested models opened), and the two directions of a Bidirectional
    after the wrapper. A plain layer is traced itself."""
    found: list[Layer] = []

    def visit(layer: Layer) -> None:
        inner = getattr(layer, "layers", None)
        if isinstance(inner, list) and all(isinstance(x, Layer) for x in inner):
            for sub in inner:
                visit(sub)
            return
        found.append(layer)
        for attr in ("forward_layer", "backward_layer"):
            sub = getattr(layer, attr, None)
            if isinstance(sub, Layer):
                found.append(sub)

    visit(root)
    return found


def _known_kinds() -> set[str]:
    kinds = {"recurrent", *RECURRENT_KINDS}
    for cls in LAYERS.classes():
        kinds.add(snake_case(cls.__name__))
        kinds.add(cls.__name__)
    return kinds


def _describe(layers: Sequence[Layer]) -> str:
    return ", ".join(f"{x.name!r} ({type(x).__name__})" for x in layers)


def select_layers(root: Layer, spec: LayerSpec) -> list[Layer]:
    """The layers picked by ``spec`` (names, kinds or classes; None: all)."""
    available = traceable_layers(root)
    if spec is None:
        return available
    items = [spec] if isinstance(spec, (str, type)) else list(spec)
    if not items:
        raise TraceError(f"layers must name at least one layer or kind, got {spec!r}")
    picked: list[Layer] = []
    owner = f"{'model' if hasattr(root, 'layers') else 'layer'} {root.name!r}"
    for item in items:
        if isinstance(item, type):
            hits = [x for x in available if isinstance(x, item)]
            what = f"layer of class {item.__name__}"
        elif isinstance(item, str):
            hits = [x for x in available if x.name == item]
            what = f"layer named {item!r}"
            if not hits:
                key = item if LAYERS.find(item) is not None else snake_case(item)
                if key not in _known_kinds() and item not in _known_kinds():
                    raise UnknownLayerError(
                        f"{owner} has no layer named {item!r} and {item!r} is not a layer "
                        f"kind; its layers are {_describe(available)} (kinds such as "
                        f"'recurrent', 'lstm', 'gru', 'simple_rnn', 'dense' also work)"
                    )
                hits = [x for x in available
                        if (key == "recurrent" and layer_kind(x) in RECURRENT_KINDS)
                        or layer_kind(x) == key or type(x).__name__ == item]
                what = f"layer of kind {item!r}"
        else:
            raise TypeError(
                f"layers must hold layer names, kinds or Layer classes, got {item!r}"
            )
        if not hits:
            raise TraceError(f"{owner} has no {what}; its layers are {_describe(available)}")
        picked.extend(x for x in hits if all(x is not p for p in picked))
    return [x for x in available if any(x is p for p in picked)]


def _check_indices(what: str, value: Any) -> tuple[int, ...] | None:
    if value is None:
        return None
    items = [value] if isinstance(value, numbers.Integral) else value
    if isinstance(items, (str, bytes)) or not isinstance(items, Iterable):
        raise TypeError(f"record(): {what} must be None, an int or a list of ints, got {value!r}")
    out: list[int] = []
    for i in items:
        if isinstance(i, bool) or not isinstance(i, numbers.Integral):
            raise TypeError(f"record(): {what} must hold ints, got {i!r} in {value!r}")
        if i < 0:
            raise TraceError(f"record(): {what} indices must be >= 0, got {int(i)}")
        if int(i) not in out:
            out.append(int(i))
    if not out:
        raise TraceError(f"record(): {what} is empty; give None to trace all")
    return tuple(sorted(out)) if what == "steps" else tuple(out)


# ---------------------------------------------------------------------- tape
class Tape:
    """What a :func:`record` block saw: records per traced layer name.

    ``tape[name]`` is the layer's latest record, ``tape.records(name)`` all
    kept ones; ``tape.layers`` lists the traced names in model order.
    """

    def __init__(self, root: str, layers: Sequence[Layer], samples: tuple[int, ...] | None,
                 steps: tuple[int, ...] | None):
        self.root = root
        self.samples = samples
        self.steps = steps
        self._names = [x.name for x in layers]
        self._kinds = {x.name: layer_kind(x) for x in layers}
        self._records: dict[str, list[LayerRecord]] = {n: [] for n in self._names}
        self.calls = 0

    @property
    def layers(self) -> list[str]:
        """Names of the traced layers, in model order."""
        return list(self._names)

    def kind(self, name: str) -> str:
        self._check_name(name)
        return self._kinds[name]

    def _check_name(self, name: str) -> None:
        if name not in self._records:
            raise UnknownLayerError(
                f"no traced layer named {name!r} in {self.root!r}; traced layers: {self._names}"
            )

    def records(self, name: str) -> list[LayerRecord]:
        """All kept records of layer ``name``, oldest first."""
        self._check_name(name)
        return list(self._records[name])

    def __getitem__(self, name: str) -> LayerRecord:
        recs = self.records(name)
        if not recs:
            raise TraceError(
                f"layer {name!r} is traced but was not called inside the record() block"
            )
        return recs[-1]

    def __contains__(self, name: object) -> bool:
        return name in self._records

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def table(self, layer_name: str, sample: int = 0, step: int | Sequence[int] | None = None,
              direction: str = "forward", units: Sequence[int] | None = None,
              labels: Sequence[str] | None = None, call: int = -1) -> Any:
        """One layer's values for one sample as a :class:`seqlab.report.Table`,
        with the talk's column names where they exist (see
        :func:`seqlab.trace.render.layer_table`)."""
        from seqlab.trace.render import layer_table

        recs = self.records(layer_name)
        if not recs:
            raise TraceError(
                f"layer {layer_name!r} is traced but was not called inside the record() block"
            )
        try:
            rec = recs[call]
        except (IndexError, TypeError):
            raise TraceError(
                f"layer {layer_name!r}: call {call!r} is not kept; {len(recs)} call(s) recorded"
            ) from None
        return layer_table(self, rec, sample=sample, step=step, direction=direction,
                           units=units, labels=labels)

    def tables(self, sample: int = 0, direction: str = "forward") -> list[Any]:
        """:meth:`table` of every traced layer that was called."""
        return [self.table(n, sample=sample, direction=direction) for n in self._names
                if self._records[n] and (direction == "forward" or self._records[n][-1].backward)]

    def find(self, name: str, call: int) -> LayerRecord | None:
        """The kept record of layer ``name`` for tape call number ``call``."""
        for rec in self._records.get(name, []):
            if rec.call == call:
                return rec
        return None

    def _add(self, rec: LayerRecord, max_calls: int | None) -> None:
        recs = self._records[rec.name]
        recs.append(rec)
        if max_calls is not None and len(recs) > max_calls:
            del recs[0]

    def __repr__(self) -> str:
        counts = {n: len(r) for n, r in self._records.items()}
        return f"Tape({self.root!r}, calls per layer={counts})"


# ------------------------------------------------------------------ recorder
class Recorder:
    """The object the layers report to while a :func:`record` block runs."""

    def __init__(self, tape: Tape, layers: Sequence[Layer], max_calls: int | None):
        self.tape = tape
        self.max_calls = max_calls
        self._traced = {id(x): x for x in layers}
        self._latest: dict[int, LayerRecord] = {}
        self._outputs: dict[int, tuple[Any, LayerRecord]] = {}

    def on_forward(self, layer: Layer, inputs: Any, out: Any) -> None:
        """After ``layer.call``: copy the traced rows of its cache and outputs."""
        if id(layer) not in self._traced:
            return
        rec = capture_forward(layer, inputs, out, self.tape.samples, self.tape.steps,
                              self.tape.calls)
        self.tape.calls += 1
        x = inputs[0] if isinstance(inputs, list) else inputs
        producer = self._outputs.get(id(x))
        if producer is not None and producer[0] is x:
            producer[1].info["consumer"] = (layer.name, rec.call)
        self._outputs[id(out[0] if isinstance(out, list) else out)] = (
            out[0] if isinstance(out, list) else out, rec)
        while len(self._outputs) > 64:
            del self._outputs[next(iter(self._outputs))]
        self._latest[id(layer)] = rec
        self.tape._add(rec, self.max_calls)

    def _record_for(self, layer: Layer) -> LayerRecord | None:
        rec = self._latest.get(id(layer))
        if rec is None or id(layer) not in self._traced:
            return None
        if rec.recurrent and rec.info.get("cache_id") != id(layer._cache):
            return None  # this backward belongs to a forward call made outside the block
        return rec

    def on_loop_backward(self, layer: Layer, backward: Callable[..., Any]) -> Callable[..., Any]:
        """The BPTT function a recurrent layer should run: the reference one,
        reporting every step, when this call is traced; else ``backward``."""
        rec = self._record_for(layer)
        return backward if rec is None else loop_backward(layer, rec)

    def on_backward(self, layer: Layer, dout: Any) -> None:
        """At the start of a Dense/Activation backward: keep dL/dy."""
        rec = self._record_for(layer)
        if rec is not None and rec.kind in ("dense", "activation"):
            capture_backward(layer, dout, rec)


@contextmanager
def record(model_or_layer: Layer, samples: int | Sequence[int] | None = None,
           steps: int | Sequence[int] | None = None, layers: LayerSpec = None,
           max_calls: int | None = 8) -> Iterator[Tape]:
    """Trace ``model_or_layer`` while the ``with`` block runs (module docstring)."""
    if not isinstance(model_or_layer, Layer):
        raise TypeError(
            f"record(): expected a seqlab model or layer, got {type(model_or_layer).__name__}"
        )
    if max_calls is not None and (isinstance(max_calls, bool)
                                  or not isinstance(max_calls, int) or max_calls < 1):
        raise ValueError(f"record(): max_calls must be None or an int >= 1, got {max_calls!r}")
    chosen = select_layers(model_or_layer, layers)
    tape = Tape(model_or_layer.name, chosen, _check_indices("samples", samples),
                _check_indices("steps", steps))
    token = hook.ACTIVE.set(Recorder(tape, chosen, max_calls))
    try:
        yield tape
    finally:
        hook.ACTIVE.reset(token)
