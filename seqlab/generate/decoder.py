"""Decoder: greedy search, beam search and sampling from a trained model, as it is.

    decoder = Decoder(model, start_token=1, end_token=2)
    decoder.greedy(source, max_length=30)          one Hypothesis per source
    decoder.beam_search(source, width=5)           the n best Hypotheses per source
    decoder.sample(source, top_p=0.9, seed=0)      one Hypothesis per source

``model`` is the model that was trained with teacher forcing: a functional
``Model([encoder_inputs, decoder_inputs], outputs)`` (the Keras seq2seq
example, optionally with ``Attention`` / ``AdditiveAttention`` of the decoder
outputs over the encoder outputs) or a language model (``Sequential([Embedding, LSTM(...,
return_sequences=True), Dense(V, "softmax")])``). Nothing has to be split
into inference models by hand: :mod:`.graph` finds the input that reads the
previous tokens and the layers to step, and a :class:`Stepper` runs the
encoder part once and then the decoder part one token per step, carrying the
recurrent states on the compiled kernels.

``max_length`` counts generated tokens, the end token included (not the
prompt or the start token); by default it is the fed-back input's fixed
length when it has one, else 20 (Hugging Face's default).
"""

from __future__ import annotations

import math
from typing import Any

from seqlab import checks
from seqlab.generate.beam import beam_search
from seqlab.generate.distributions import draw, sampling_probabilities
from seqlab.generate.graph import split_model
from seqlab.generate.hypothesis import Hypothesis
from seqlab.generate.inputs import Batch, make_batch
from seqlab.generate.paths import Chooser, decode_paths, greedy_choice
from seqlab.generate.stepper import Stepper
from seqlab.random import SeedLike, make_rng

DEFAULT_MAX_LENGTH = 20


class Decoder:
    """Decodes with ``model`` (see the module docstring).

    ``start_token`` is fed first when no prompt is given; ``end_token`` ends a
    sequence (None: every sequence runs to ``max_length``); ``feedback`` names
    the input that reads the previous tokens (a name or index; by default the
    one input that can).
    """

    def __init__(self, model: Any, *, start_token: int | None = None,
                 end_token: int | None = None, feedback: str | int | None = None):
        self.graph = split_model(model, feedback)
        self.stepper = Stepper(self.graph)
        accepted = self.graph.feedback.vocabulary or self.graph.vocabulary
        self.start_token = self._token("start_token", start_token, accepted)
        self.end_token = self._token("end_token", end_token, self.graph.vocabulary)
        self.observer: Any = None

    @property
    def vocabulary(self) -> int:
        """V: the number of tokens the model can generate."""
        return self.graph.vocabulary

    @staticmethod
    def _token(arg: str, value: int | None, vocabulary: int) -> int | None:
        if value is None:
            return None
        value = checks.integer("Decoder", arg, value, minimum=0)
        if value >= vocabulary:
            raise ValueError(f"Decoder: {arg} must be a token id in [0, {vocabulary}), "
                             f"got {value}")
        return value

    def _max_length(self, max_length: int | None) -> int:
        if max_length is None:
            return self.graph.feedback.max_steps or DEFAULT_MAX_LENGTH
        return checks.positive_int("Decoder", "max_length", max_length)

    def _empty(self) -> Hypothesis:
        """The answer to an empty source: the end token alone."""
        tokens = () if self.end_token is None else (self.end_token,)
        return Hypothesis(tokens, 0.0, 0.0, self.end_token is not None)

    def _fill(self, batch: Batch, found: list[Any], empty: Any) -> list[Any]:
        """Results in the order of the sources, empty sources answered by ``empty``."""
        results = [empty] * batch.n
        for row, result in zip(batch.rows, found):
            results[row] = result
        return results

    def _batch(self, kind: str, source: Any, prompt: Any, options: dict[str, Any]) -> Batch:
        """The checked batch; the observer, if any, hears of the search."""
        batch = make_batch(self.graph, source, prompt, self.start_token)
        if self.observer is not None:
            self.observer.begin(kind, batch, options)
        return batch

    def _paths(self, kind: str, source: Any, prompt: Any, max_length: int | None,
               choose: Chooser, options: dict[str, Any]) -> list[Hypothesis]:
        max_length = self._max_length(max_length)
        batch = self._batch(kind, source, prompt, {"max_length": max_length, **options})
        found = (decode_paths(self.stepper, batch, max_length, self.end_token, choose,
                              self.observer) if len(batch.rows) else [])
        return self._fill(batch, found, self._empty())

    def greedy(self, source: Any = None, *, prompt: Any = None,
               max_length: int | None = None) -> list[Hypothesis]:
        """Greedy search: the most likely token at every step; one Hypothesis per source
        (per prompt row for a language model)."""
        return self._paths("greedy", source, prompt, max_length, greedy_choice, {})

    def sample(self, source: Any = None, *, prompt: Any = None, max_length: int | None = None,
               temperature: float = 1.0, top_k: int | None = None, top_p: float | None = None,
               seed: SeedLike = None) -> list[Hypothesis]:
        """Sampling: every token drawn from the model's distribution reshaped by
        ``temperature`` (> 0), ``top_k`` (≥ 1; None: no limit) and ``top_p`` (in
        (0, 1]; None: no limit), in that order (:mod:`.distributions`). The same
        ``seed`` gives the same sequences."""
        temperature = checks.number("Decoder.sample", "temperature", temperature, positive=True)
        if top_k is not None:
            top_k = checks.positive_int("Decoder.sample", "top_k", top_k)
        if top_p is not None:
            top_p = checks.number("Decoder.sample", "top_p", top_p)
            if not 0 < top_p <= 1:
                raise ValueError(f"Decoder.sample: top_p must be in (0, 1], got {top_p!r}")
        rng = make_rng(seed)
        options = {"temperature": temperature, "top_k": top_k, "top_p": top_p}
        return self._paths("sample", source, prompt, max_length, lambda z: draw(
            sampling_probabilities(z, temperature, top_k, top_p), rng), options)

    def beam_search(self, source: Any = None, *, prompt: Any = None, width: int = 5,
                    max_length: int | None = None, length_penalty: float = 1.0,
                    num_return_sequences: int = 1, early_stopping: bool | str = False
                    ) -> list[list[Hypothesis]]:
        """Beam search with ``width`` beams (1 … V) per source; returns, per source,
        its ``num_return_sequences`` (≤ width) best hypotheses, best first, scored
        Σ log p / L^length_penalty (Hugging Face's penalty; :mod:`.beam`)."""
        who = "Decoder.beam_search"
        width = checks.positive_int(who, "width", width)
        if width > self.vocabulary:
            raise ValueError(f"{who}: width must be at most the vocabulary size "
                             f"{self.vocabulary}, got {width}")
        length_penalty = checks.number(who, "length_penalty", length_penalty)
        if not math.isfinite(length_penalty):
            raise ValueError(f"{who}: length_penalty must be finite, got {length_penalty!r}")
        n_return = checks.positive_int(who, "num_return_sequences", num_return_sequences)
        if n_return > width:
            raise ValueError(f"{who}: num_return_sequences must be at most width={width}, "
                             f"got {n_return}")
        early_stopping = checks.choice(who, "early_stopping", early_stopping,
                                       (True, False, "never"))
        max_length = self._max_length(max_length)
        batch = self._batch("beam_search", source, prompt, {
            "width": width, "max_length": max_length, "length_penalty": length_penalty,
            "num_return_sequences": n_return, "early_stopping": early_stopping})
        found = (beam_search(self.stepper, batch, width, max_length, self.end_token,
                             length_penalty, early_stopping, n_return, self.observer)
                 if len(batch.rows) else [])
        return self._fill(batch, found, [self._empty()])
