"""seqlab.trace: see every number of a computation, step by step.

    with seqlab.trace.record(model, samples=[0], steps=range(5)) as tape:
        model.train_on_batch(x, y)
    print(tape.layers)                     # the traced layer names
    tape["lstm"].forward["f"]              # forget gate, (samples, steps, units)
    tape.table("simple_rnn", sample=0)     # the talk's columns: state(S), W * X, ...

    gradient_flow(model, x, y)             # ‖dL/dh_t‖ per t for every recurrent layer

    with seqlab.trace.record_generation(decoder, vocabulary=words) as gen:
        decoder.beam_search(source_ids, width=3)
    gen.tables()                           # the beam at each step, the attention

Layers check :data:`seqlab.trace_hook.ACTIVE` (one ``ContextVar.get()``
per call); the hook sits below the layers, and this package above them, loaded
on first use of a name below. The talk's demonstrations built on these tools
are in :mod:`seqlab.talk`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    "GateMaps": "gates",
    "GenerationTape": "generation",
    "LayerRecord": "records",
    "Tape": "recorder",
    "TraceError": "records",
    "UnknownLayerError": "records",
    "decay_ratio": "gradflow",
    "first_token_task": "gradflow",
    "gate_maps": "gates",
    "gradient_flow": "gradflow",
    "layer_kind": "records",
    "record": "recorder",
    "record_generation": "generation",
}

__all__ = [
    "GateMaps",
    "GenerationTape",
    "LayerRecord",
    "Tape",
    "TraceError",
    "UnknownLayerError",
    "decay_ratio",
    "first_token_task",
    "gate_maps",
    "gradient_flow",
    "layer_kind",
    "record",
    "record_generation",
]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from seqlab.trace.gates import GateMaps, gate_maps
    from seqlab.trace.generation import GenerationTape, record_generation
    from seqlab.trace.gradflow import decay_ratio, first_token_task, gradient_flow
    from seqlab.trace.recorder import Tape, record
    from seqlab.trace.records import LayerRecord, TraceError, UnknownLayerError, layer_kind


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'seqlab.trace' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"seqlab.trace.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
