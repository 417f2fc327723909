"""Split a trained model into the part that runs once and the part that is stepped.

A decoder model reads its own previous tokens through one input, the
*feedback* input (the Keras seq2seq example's ``decoder_inputs``; a language
model's only input). Every layer call that depends on it, directly or
through other calls, forms the **decoder part**; it is run one token at a
time (:mod:`.step_rules` says which layers can be). The calls the decoder
part needs that do not depend on it form the **encoder part**; it is run
once per batch of sources. Its results enter the decoder part as initial
states of recurrent layers (read once, at the start) or as *constants* read
at every step (the encoder outputs an attention layer reads).

The feedback input is the one named by the user (``feedback=``), else the one
input for which this split works: feeding back the encoder's input fails
because its recurrent layer returns only states, or because the decoder's
layers would read per-step tensors as states or attention values.

A Sequential model is a chain of calls on one input: a language model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from seqlab.generate.step_rules import (
    QUERY,
    RECURRENT,
    NotSteppableError,
    check_step_options,
    describe,
    logits_function,
    step_kind,
)
from seqlab.layers.base import Layer
from seqlab.layers.embedding import Embedding
from seqlab.layers.symbolic import InputLayer, SymbolicTensor, flatten_symbolic, layer_merge
from seqlab.models.functional import Model
from seqlab.models.sequential import Sequential


@dataclass(frozen=True)
class Call:
    """One layer call: ``outputs = layer(inputs, **kwargs)``; ``inputs`` is the
    structure the layer's call sees (a recurrent layer's initial states merged
    in), ``kwargs`` its other keyword arguments."""

    layer: Layer
    inputs: Any
    kwargs: dict[str, Any]
    outputs: tuple[SymbolicTensor, ...]

    @property
    def reads(self) -> list[SymbolicTensor]:
        return flatten_symbolic([self.inputs, self.kwargs])


@dataclass(frozen=True)
class ModelInput:
    """One input of the model: its tensor, name, shape (batch first) and the
    Embeddings that read it directly."""

    tensor: SymbolicTensor
    name: str
    embeddings: tuple[Embedding, ...]

    @property
    def shape(self) -> tuple:
        return self.tensor.shape

    @property
    def holds_ids(self) -> bool:
        """(B, T) token ids; otherwise (B, T, D) vectors (e.g. one-hot tokens)."""
        return len(self.shape) == 2

    @property
    def vocabulary(self) -> int | None:
        """Ids are in [0, vocabulary): the smallest Embedding reading them, or the
        one-hot width; None when unknown."""
        if not self.holds_ids:
            return self.shape[-1]
        return min((e.input_dim for e in self.embeddings), default=None)

    @property
    def max_steps(self) -> int | None:
        """The fixed number of steps the model takes here (Input shape or input_length)."""
        fixed = [self.shape[1]] if len(self.shape) > 1 and self.shape[1] is not None else []
        fixed += [e.input_length for e in self.embeddings if e.input_length is not None]
        return min(fixed, default=None)

    @property
    def masks_padding(self) -> bool:
        """Id 0 is padding that the model skips (an Embedding with mask_zero=True)."""
        return self.holds_ids and any(e.mask_zero for e in self.embeddings)


@dataclass(frozen=True)
class DecoderGraph:
    """A model split for decoding (see the module docstring)."""

    feedback: ModelInput
    sources: tuple[ModelInput, ...]
    encoder: tuple[Call, ...]
    decoder: tuple[tuple[Call, str], ...]
    output: SymbolicTensor
    logits: Callable[[np.ndarray], np.ndarray] | None
    constants: tuple[SymbolicTensor, ...]

    @property
    def vocabulary(self) -> int:
        """V, the number of classes of the output (the tokens that can be generated)."""
        return int(self.output.shape[-1])


def _model_calls(model: Any) -> tuple[list[tuple[SymbolicTensor, str]], list[Call],
                                      list[SymbolicTensor]]:
    """(inputs with their names, calls in running order, outputs) of a built model."""
    if isinstance(model, Sequential):
        if not model.built:
            raise ValueError(f"Decoder: Sequential {model.name!r} is not built, so it has no "
                             "weights to decode with; build or fit it first")
        x = SymbolicTensor(model.build_input_shape, model.input_dtype or model.dtype)
        inputs, calls, out = [(x, model.input_names[0])], [], x
        for layer, shape in zip(model.layers, model._output_shapes):
            outs = [shape] if isinstance(shape, tuple) else list(shape)
            outputs = tuple(SymbolicTensor(s, layer.dtype) for s in outs)
            calls.append(Call(layer, out, {}, outputs))
            out = outputs[0] if len(outputs) == 1 else list(outputs)
        return inputs, calls, [out]
    if not isinstance(model, Model):
        raise TypeError(f"Decoder: expected a seqlab Sequential or functional Model, "
                        f"got {type(model).__name__}")
    calls = []
    for node in model.nodes:
        if isinstance(node.layer, InputLayer):
            continue
        merged = layer_merge(node.layer, node.inputs, node.kwargs)
        kwargs = ({k: v for k, v in node.kwargs.items() if not flatten_symbolic(v)}
                  if merged is not node.inputs else dict(node.kwargs))
        calls.append(Call(node.layer, merged, kwargs, tuple(node.outputs)))
    return [(t, t.node.layer.name) for t in model.inputs], calls, list(model.outputs)


def _model_input(tensor: SymbolicTensor, name: str, calls: list[Call]) -> ModelInput:
    readers = [c.layer for c in calls if any(t is tensor for t in c.reads)]
    return ModelInput(tensor, name, tuple(r for r in readers if isinstance(r, Embedding)))


def _check_call(call: Call, kind: str, per_step: set[int], decoder: set[int]) -> None:
    """The tensors a decoder call reads: per-step where the layer steps, from the
    encoder part where it reads whole sequences or initial states."""
    who = describe(call.layer)
    check_step_options(call.layer, call.kwargs)
    parts = list(call.inputs) if isinstance(call.inputs, list) else [call.inputs]
    stepped, whole = (parts[:1], parts[1:] + [call.kwargs]) if kind in (QUERY, RECURRENT) \
        else (parts + [call.kwargs], [])
    for t in flatten_symbolic(stepped):
        if id(t) not in per_step:
            raise NotSteppableError(f"{who} reads {t!r}, which has no value per step "
                                    "(a state or a last output of a decoder layer)")
    what = "initial states" if kind == RECURRENT else "attended values"
    for t in flatten_symbolic(whole):
        if id(t) in decoder:
            raise NotSteppableError(f"{who} reads its {what} from the decoder part; they must "
                                    "come from the encoder part (not from the fed-back tokens)")


def _split(inputs: list[tuple[SymbolicTensor, str]], calls: list[Call],
           outputs: list[SymbolicTensor], feedback: int) -> DecoderGraph:
    fed = inputs[feedback][0]
    decoder, per_step = {id(fed)}, {id(fed)}
    stepped: list[tuple[Call, str]] = []
    for call in calls:
        if not any(id(t) in decoder for t in call.reads):
            continue
        kind = step_kind(call.layer)
        _check_call(call, kind, per_step, decoder)
        decoder.update(id(t) for t in call.outputs)
        per_step.update(id(t) for t in (call.outputs[:1] if kind == RECURRENT else call.outputs))
        stepped.append((call, kind))
    found = [t for t in outputs if id(t) in decoder]
    if len(found) != 1:
        raise NotSteppableError(f"{len(found)} model outputs depend on the fed-back tokens; "
                                "decoding needs exactly one")
    output = found[0]
    if id(output) not in per_step:
        raise NotSteppableError(f"the output {output!r} has no value per step")
    if len(output.shape) < 3 or not isinstance(output.shape[-1], int):
        raise NotSteppableError(f"the output must be (batch, steps, vocabulary), got {output!r}")
    producer = next(c.layer for c, _ in stepped if any(t is output for t in c.outputs))
    for call, _ in stepped:
        if any(t is output for t in call.reads):
            raise NotSteppableError(f"the output is read again by {describe(call.layer)}; "
                                    "decoding needs it to be the last layer")

    needed = {id(t) for c, _ in stepped for t in c.reads if id(t) not in decoder}
    encoder = []
    for call in reversed(calls):
        if id(call.outputs[0]) not in decoder and any(id(t) in needed for t in call.outputs):
            encoder.append(call)
            needed.update(id(t) for t in call.reads)
    initial_states = {id(t) for c, kind in stepped if kind == RECURRENT
                      for t in flatten_symbolic(c.inputs[1:] if isinstance(c.inputs, list) else [])}
    constants = {id(t): t for c, _ in stepped for t in c.reads
                 if id(t) not in decoder and id(t) not in initial_states}
    described = [_model_input(t, name, calls) for t, name in inputs]
    return DecoderGraph(
        feedback=described[feedback],
        sources=tuple(m for i, m in enumerate(described) if i != feedback),
        encoder=tuple(reversed(encoder)), decoder=tuple(stepped), output=output,
        logits=logits_function(producer),
        constants=tuple(constants.values()),
    )


def _feedback_index(feedback: Any, names: list[str]) -> int:
    if isinstance(feedback, str) and feedback in names:
        return names.index(feedback)
    if isinstance(feedback, int) and not isinstance(feedback, bool) \
            and 0 <= feedback < len(names):
        return feedback
    raise ValueError(f"Decoder: feedback must name a model input {names} or be its index, "
                     f"got {feedback!r}")


def split_model(model: Any, feedback: str | int | None = None) -> DecoderGraph:
    """Split ``model`` for decoding, feeding back the input ``feedback`` (a name or
    index; None: the one input for which the split works)."""
    inputs, calls, outputs = _model_calls(model)
    names = [name for _, name in inputs]
    if feedback is not None:
        index = _feedback_index(feedback, names)
        try:
            graph = _split(inputs, calls, outputs, index)
        except NotSteppableError as err:
            raise NotSteppableError(f"Decoder: cannot decode model {model.name!r} feeding "
                                    f"back input {names[index]!r}: {err}") from None
        return _checked(graph, model)
    graphs, reasons = [], []
    for index, name in enumerate(names):
        try:
            graphs.append(_split(inputs, calls, outputs, index))
        except NotSteppableError as err:
            reasons.append(f"feeding back input {name!r}: {err}")
    if not graphs:
        raise NotSteppableError(f"Decoder: cannot decode model {model.name!r} step by step; "
                                + "; ".join(reasons))
    if len(graphs) > 1:
        raise ValueError(f"Decoder: model {model.name!r} could be decoded feeding back any of "
                         f"the inputs {[g.feedback.name for g in graphs]}; say which reads the "
                         "previous tokens with feedback=")
    return _checked(graphs[0], model)


def _checked(graph: DecoderGraph, model: Any) -> DecoderGraph:
    """Every token the output can give must be a valid fed-back token."""
    accepted = graph.feedback.vocabulary
    if accepted is not None and graph.vocabulary > accepted:
        raise ValueError(
            f"Decoder: model {model.name!r} outputs {graph.vocabulary} classes, but its "
            f"fed-back input {graph.feedback.name!r} takes tokens in [0, {accepted}): a "
            "generated token could not be fed back"
        )
    return graph
