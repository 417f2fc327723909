"""``record_generation``: watch a :class:`seqlab.generate.Decoder` decode, step by step.

    with record_generation(decoder, vocabulary=words, source_vocabulary=src) as tape:
        decoder.beam_search(source_ids, width=3)
    tape.searches[-1].steps          # what every step saw (PathStep or BeamStep)
    tape.tables(source=0)            # seqlab.report.Table per step, and the attention
    tape.attention([5, 9, 2])        # (3, source steps): the weights behind each token
    tape.add_to(document)            # the tables and the heatmap in a report Document

Why a block around a decoder, as :func:`seqlab.trace.record` is a block
around a model: decoding is a loop the searches own, so the tape listens to
it. While the block runs the tape is the decoder's ``observer`` (the searches
tell it each step: :mod:`seqlab.generate.paths`, :mod:`seqlab.generate.beam`)
and :data:`seqlab.trace_hook.ACTIVE` passes it every forward call of the
decoder's ``Attention`` / ``AdditiveAttention`` layers (a :func:`record`
block that is already open still hears every call).

What a step keeps, per source (``source`` is its index in the call):

    greedy, sample  PathStep: the tokens so far, the ``top`` most likely next
                    tokens with p = softmax(logits) (the model's distribution,
                    before any temperature / top-k / top-p), the picked token and its p
    beam_search     BeamStep: the running beams (tokens, Σ log p) and their best
                    2K continuations: Σ log p, length L, score Σ log p / L^α and
                    the fate of each: "kept" (a beam of the next step),
                    "finished" (ended with the end token among the best K),
                    "max_length" (kept at the last step: it joins the finished),
                    "dropped"

Attention: for every (source, tokens so far) the rows of the attention weights
that produced the next token's logits, (source steps,) per attention layer:
one row of a source × target heatmap. Padded source steps get weight 0 (the
layer's masked softmax).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from seqlab import checks
from seqlab import trace_hook as hook
from seqlab.generate.distributions import logsumexp
from seqlab.generate.hypothesis import Hypothesis
from seqlab.trace.records import TraceError


@dataclass(frozen=True)
class PathStep:
    """One greedy or sampling step of one source (see the module docstring)."""

    source: int
    prefix: tuple[int, ...]
    candidates: tuple[int, ...]
    probabilities: tuple[float, ...]
    picked: int
    picked_probability: float

    @property
    def step(self) -> int:
        return len(self.prefix)


@dataclass(frozen=True)
class Candidate:
    """A continuation of a beam: its tokens, Σ log p, score Σ log p / L^α and fate."""

    tokens: tuple[int, ...]
    token_log_prob: float
    log_prob: float
    score: float
    fate: str


@dataclass(frozen=True)
class BeamStep:
    """One beam-search step of one source: the beams it started from (tokens,
    Σ log p) and their best continuations, best first."""

    source: int
    step: int
    beams: tuple[tuple[tuple[int, ...], float], ...]
    candidates: tuple[Candidate, ...]


@dataclass
class SearchRecord:
    """One decoding call: its kind and options, the sources (one array per
    source input, rows in call order) and every step."""

    kind: str
    options: dict[str, Any]
    sources: list[np.ndarray]
    rows: np.ndarray
    attention_layers: list[str]
    steps: list[PathStep | BeamStep] = field(default_factory=list)
    attention: dict[str, dict[tuple[int, tuple[int, ...]], np.ndarray]] = field(
        default_factory=dict)

    def source_steps(self, source: int) -> list[PathStep | BeamStep]:
        """The steps of source ``source``, in order (error if it was not decoded)."""
        found = [s for s in self.steps if s.source == source]
        if not found:
            decoded = sorted({s.source for s in self.steps})
            raise TraceError(f"{self.kind}: source {source!r} was not decoded in this call; "
                             f"decoded sources: {decoded}")
        return found

    def attention_matrix(self, tokens: Sequence[int], source: int = 0,
                         layer: str | None = None) -> np.ndarray:
        """(len(tokens), source steps): row t holds the weights of ``layer`` (default:
        the first attention layer) when the decoder chose ``tokens[t]`` after
        ``tokens[:t]``."""
        if not self.attention_layers:
            raise TraceError("the decoder's model has no Attention or AdditiveAttention layer "
                             "in its decoder part: there are no attention weights to show")
        name = self.attention_layers[0] if layer is None else layer
        if name not in self.attention_layers:
            raise TraceError(f"no attention layer named {name!r}; the decoder's attention "
                             f"layers are {self.attention_layers}")
        store = self.attention.get(name, {})
        tokens = tuple(int(v) for v in tokens)
        rows = []
        for t in range(len(tokens)):
            row = store.get((source, tokens[:t]))
            if row is None:
                raise TraceError(f"{self.kind}: source {source} never continued the tokens "
                                 f"{list(tokens[:t])}; no attention was recorded for them")
            rows.append(row)
        width = len(self.sources[0][0]) if self.sources else 0
        return np.stack(rows) if rows else np.zeros((0, width))

    def results(self, source: int = 0) -> list[Hypothesis]:
        """What the search returned for ``source``, rebuilt from the recorded steps:
        greedy/sample one path; beam search its num_return_sequences best."""
        steps = self.source_steps(source)
        if self.kind != "beam_search":
            tokens = tuple(s.picked for s in steps)
            log_prob = float(sum(np.log(s.picked_probability) for s in steps))
            ended = bool(steps[-1].picked == self.options.get("end_token"))
            return [Hypothesis(tokens, log_prob, log_prob, ended)]
        done = [Hypothesis(c.tokens, c.log_prob, c.score, c.fate == "finished")
                for s in steps for c in s.candidates if c.fate in ("finished", "max_length")]
        done.sort(key=lambda h: -h.score)  # stable: the earlier of equal scores first
        return done[:self.options["num_return_sequences"]]


class GenerationTape:
    """What a :func:`record_generation` block saw: one :class:`SearchRecord` per
    decoding call, and the labels of the tokens."""

    def __init__(self, attention_layers: Sequence[str], top: int, end_token: int | None,
                 vocabulary: Sequence[str] | None, source_vocabulary: Sequence[str] | None):
        self.attention_layers = list(attention_layers)
        self.top = top
        self.end_token = end_token
        self.vocabulary = vocabulary
        self.source_vocabulary = source_vocabulary
        self.searches: list[SearchRecord] = []
        self._latest: dict[str, np.ndarray] = {}  # layer → weights (rows, Tv) of the last call

    # ---------------------------------------------------- decoder observer
    def begin(self, kind: str, batch: Any, options: dict[str, Any]) -> None:
        self._latest.clear()
        self.searches.append(SearchRecord(kind, {**options, "end_token": self.end_token},
                                          [np.asarray(s) for s in batch.sources],
                                          np.asarray(batch.rows), self.attention_layers))

    def path_step(self, rows: np.ndarray, prefixes: np.ndarray, z: np.ndarray,
                  picked: np.ndarray) -> None:
        search = self.searches[-1]
        log_p = z.astype(np.float64) - logsumexp(z)[:, None]
        top = np.argsort(-log_p, axis=1, kind="stable")[:, :self.top]
        keys = []
        for i, r in enumerate(rows):
            key = (int(search.rows[r]), tuple(int(v) for v in prefixes[i]))
            keys.append(key)
            p = np.exp(log_p[i])
            search.steps.append(PathStep(key[0], key[1], tuple(int(v) for v in top[i]),
                                         tuple(float(p[v]) for v in top[i]), int(picked[i]),
                                         float(p[picked[i]])))
        self._keep_attention(search, keys)

    def beam_step(self, length: int, running: np.ndarray, history: np.ndarray,
                  sums: np.ndarray, z: np.ndarray, scores: np.ndarray, parents: np.ndarray,
                  tokens: np.ndarray, ended: np.ndarray, kept: np.ndarray) -> None:
        search = self.searches[-1]
        K = sums.shape[1]
        alpha = search.options["length_penalty"]
        last = length == search.options["max_length"]
        keys = []
        for j, n in enumerate(running):
            source = int(search.rows[n])
            beams = [(tuple(int(v) for v in history[j, b]), float(sums[j, b])) for b in range(K)]
            keys.extend((source, tokens_) for tokens_, _ in beams)
            candidates = []
            for c in range(scores.shape[1]):
                total = float(scores[j, c])
                if not np.isfinite(total):
                    continue
                parent, s = beams[parents[j, c]]
                if ended[j, c]:
                    fate = "finished" if c < K else "dropped"
                elif c in kept[j]:
                    fate = "max_length" if last else "kept"
                else:
                    fate = "dropped"
                candidates.append(Candidate((*parent, int(tokens[j, c])), total - s, total,
                                            total / length ** alpha, fate))
            live = tuple(b for b in beams if np.isfinite(b[1]))
            search.steps.append(BeamStep(source, length, live, tuple(candidates)))
        self._keep_attention(search, keys, beams_per_row=K)

    def _keep_attention(self, search: SearchRecord, keys: list[tuple[int, tuple[int, ...]]],
                        beams_per_row: int = 1) -> None:
        """File the last call's attention rows under the (source, prefix) of each
        row of the logits. The first beam step's logits are the prompt's, one row
        per source repeated for its K beams."""
        for name, weights in self._latest.items():
            if len(weights) * beams_per_row == len(keys) and beams_per_row > 1:
                weights = np.repeat(weights, beams_per_row, axis=0)
            store = search.attention.setdefault(name, {})
            for key, row in zip(keys, weights):
                store.setdefault(key, row)
        self._latest.clear()

    # ------------------------------------------------- attention listener
    def heard(self, layer_name: str, weights: np.ndarray) -> None:
        """The weights (rows, Tq, Tv) of an attention call: the last query step counts."""
        self._latest[layer_name] = np.array(weights[:, -1], dtype=np.float64)

    # ------------------------------------------------------------- reading
    def search(self, index: int = -1) -> SearchRecord:
        if not self.searches:
            raise TraceError("record_generation: no decoding call was made inside the block")
        try:
            return self.searches[index]
        except (IndexError, TypeError):
            raise TraceError(f"record_generation: search {index!r} was not recorded; "
                             f"{len(self.searches)} decoding call(s) were") from None

    def attention(self, tokens: Sequence[int], source: int = 0, search: int = -1,
                  layer: str | None = None) -> np.ndarray:
        """:meth:`SearchRecord.attention_matrix` of search number ``search``."""
        return self.search(search).attention_matrix(tokens, source, layer)

    def tables(self, source: int = 0, search: int = -1, attention: bool = True) -> list[Any]:
        """The step tables of one search and source, then (with ``attention``) its
        attention table (see :mod:`seqlab.trace.generation_render`)."""
        from seqlab.trace.generation_render import search_tables

        return search_tables(self, self.search(search), source, attention)

    def attention_table(self, source: int = 0, search: int = -1) -> Any:
        """The attention behind the search's result (the best hypothesis of a beam
        search), target token × source token, as a :class:`seqlab.report.Table`."""
        from seqlab.trace.generation_render import attention_table

        return attention_table(self, self.search(search), source)

    def attention_figure(self, source: int = 0, search: int = -1, fmt: str = "svg") -> Any:
        """The same as a heatmap (needs matplotlib; see :mod:`seqlab.report.figures`)."""
        from seqlab.trace.generation_render import attention_figure

        return attention_figure(self, self.search(search), source, fmt)

    def add_to(self, document: Any, source: int = 0, search: int = -1,
               attention: bool = True, figures: bool = True) -> None:
        """Add :meth:`tables` and, with matplotlib, ``attention`` and ``figures``, the
        attention heatmap to a :class:`seqlab.report.Document`."""
        from seqlab.trace.generation_render import add_search

        add_search(document, self, self.search(search), source, attention, figures)

    def __repr__(self) -> str:
        kinds = [s.kind for s in self.searches]
        return f"GenerationTape(searches={kinds}, attention_layers={self.attention_layers})"


class _AttentionListener:
    """Sits in :data:`seqlab.trace_hook.ACTIVE` during the block: hands the tape the
    weights of the decoder's attention layers, and passes every call on to the
    recorder that was listening before (if any)."""

    def __init__(self, tape: GenerationTape, layers: Sequence[Any], previous: Any):
        self.tape = tape
        self.layers = {id(x): x.name for x in layers}
        self.previous = previous

    def on_forward(self, layer: Any, inputs: Any, out: Any) -> None:
        name = self.layers.get(id(layer))
        if name is not None:
            self.tape.heard(name, attention_weights(layer))
        if self.previous is not None:
            self.previous.on_forward(layer, inputs, out)

    def on_loop_backward(self, layer: Any, backward: Any) -> Any:
        return backward if self.previous is None else self.previous.on_loop_backward(
            layer, backward)

    def on_backward(self, layer: Any, dout: Any) -> None:
        if self.previous is not None:
            self.previous.on_backward(layer, dout)


def attention_weights(layer: Any) -> np.ndarray:
    """The weights (B, Tq, Tv) an ``Attention`` layer applied in its last call, from
    its backward cache ``(score_cache, (weights, applied, value, dropout), ...)``:
    the applied ones (the weights after dropout; at inference the weights)."""
    return layer._cache[1][1]


def _labels(who: str, labels: Sequence[str] | None, size: int) -> list[str] | None:
    if labels is None:
        return None
    if isinstance(labels, str) or not isinstance(labels, Sequence):
        raise TypeError(f"record_generation: {who} must be a list of strings (one per id), "
                        f"got {type(labels).__name__}")
    if len(labels) < size:
        raise ValueError(f"record_generation: {who} must name every one of the {size} ids, "
                         f"got {len(labels)} labels")
    return [str(x) for x in labels]


@contextmanager
def record_generation(decoder: Any, vocabulary: Sequence[str] | None = None,
                      source_vocabulary: Sequence[str] | None = None,
                      top: int = 5) -> Iterator[GenerationTape]:
    """Record every search ``decoder`` runs inside the ``with`` block (module
    docstring). ``vocabulary`` / ``source_vocabulary`` label target / source ids
    (e.g. ``TextVectorizer.get_vocabulary()``); ``top`` candidates are kept per step."""
    from seqlab.generate import Decoder
    from seqlab.layers.attention import Attention

    if not isinstance(decoder, Decoder):
        raise TypeError(f"record_generation: expected a seqlab.generate.Decoder, got "
                        f"{type(decoder).__name__}")
    if decoder.observer is not None:
        raise TraceError("record_generation: this decoder is already being recorded "
                         "(one record_generation block per decoder at a time)")
    top = checks.positive_int("record_generation", "top", top)
    layers = [call.layer for call, _ in decoder.graph.decoder if isinstance(call.layer, Attention)]
    source_input = decoder.graph.sources[0] if decoder.graph.sources else None
    tape = GenerationTape(
        [x.name for x in layers], top, decoder.end_token,
        _labels("vocabulary", vocabulary, decoder.vocabulary),
        _labels("source_vocabulary", source_vocabulary,
                (source_input.vocabulary or 0) if source_input is not None else 0))
    decoder.observer = tape
    token = hook.ACTIVE.set(_AttentionListener(tape, layers, hook.ACTIVE.get()))
    try:
        yield tape
    finally:
        hook.ACTIVE.reset(token)
        decoder.observer = None
