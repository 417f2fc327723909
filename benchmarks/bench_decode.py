"""Decoding speed: seqlab.generate against the same decode loop written in PyTorch.

Two models with the same random weights in both libraries (float32):

* ``lm``: Embedding(V, E) → LSTM(H, return_sequences) → Dense(V, softmax),
  decoding from one random prompt token per row;
* ``seq2seq``: the Keras seq2seq example with ids: Embedding(V, E) →
  LSTM(H, return_state) on a random source of S tokens; its final states start
  the decoder Embedding(V, E) → LSTM(H) → Dense(V, softmax), fed the start
  token first.

For each model, search (greedy; beam search of width 5, length penalty 1) and
batch (1 and 64 sources), one call decodes ``--steps`` tokens per source
(no end token, so every row runs all steps). seqlab: ``Decoder(model).greedy``
/ ``.beam_search`` on the unchanged model (encoder once, then one
``RNNBase.step`` per token on the Numba kernels, Dense as logits). PyTorch:
``nn.Embedding``, ``nn.LSTM(batch_first=True)`` and ``nn.Linear`` holding the
same weights (``seqlab.interop.copy_to_torch``) under ``torch.no_grad()``,
stepping the LSTM one token at a time from its (h, c) and doing the same
bookkeeping (log-softmax, running log-probs; beams: top K of the K·V
continuations, the parents' states gathered). Tokens per second = sources ×
steps / median seconds per call. Both loops run the same search, so their
tokens are compared too: "same" is the share of sources whose best sequence
is identical (float32 rounding can flip a near-tie; the output kernel is
scaled ×20 so that the distributions are peaked as a trained model's are).

Timing follows the rules of benchmarks/README.md: runners interleaved round
by round, each timed call right after an untimed one of the same runner,
every thread pool (Numba, NumPy's BLAS via threadpoolctl, torch) set to the
same count, the BLAS printed.

    python benchmarks/bench_decode.py                        # both models, 1 and 2 threads
    python benchmarks/bench_decode.py --threads 1 --repeats 3 --models lm --batches 1
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack

import numpy as np
from bench_recurrent import blas_description, measure, print_table, set_threads

START = 1
WIDTH = 5
#: The output kernel is scaled so that the next-token distributions are peaked, as a
#: trained model's are: random weights give near-uniform ones, where beams tie to
#: within float32 rounding and the two libraries' searches part for no real reason.
SHARPEN = 20.0


def seqlab_model(kind: str, V: int, E: int, H: int, seed: int):
    """The model as a user trains it (weights random here), and its layers:
    (encoder Embedding and LSTM or None, decoder Embedding, LSTM, Dense)."""
    import seqlab
    from seqlab.layers import LSTM, Dense, Embedding, Input
    from seqlab.models import Model, Sequential

    seqlab.set_random_seed(seed)
    embedding, lstm = Embedding(V, E), LSTM(H, return_sequences=True)
    dense = Dense(V, activation="softmax")
    encoder = None
    if kind == "lm":
        model = Sequential([embedding, lstm, dense])
        model.build((None, None))
    else:
        encoder = Embedding(V, E), LSTM(H, return_state=True)
        source, target = Input((None,), dtype="int64"), Input((None,), dtype="int64")
        _, h, c = encoder[1](encoder[0](source))
        model = Model([source, target], dense(lstm(embedding(target), initial_state=[h, c])))
    dense.kernel.assign(dense.kernel.value * SHARPEN)
    return model, (encoder, embedding, lstm, dense)


class TorchDecoder:
    """The same layers in PyTorch, decoded by a plain step loop."""

    def __init__(self, layers):
        import torch

        from seqlab.interop import copy_to_torch

        self.torch = torch
        encoder, embedding, lstm, dense = layers

        def to_embedding(layer):
            return copy_to_torch(layer, torch.nn.Embedding(layer.input_dim, layer.output_dim))

        def to_lstm(layer):
            return copy_to_torch(layer, torch.nn.LSTM(layer.input_dim, layer.units,
                                                      batch_first=True))

        self.encoder = None if encoder is None else (to_embedding(encoder[0]),
                                                     to_lstm(encoder[1]))
        self.embedding, self.lstm = to_embedding(embedding), to_lstm(lstm)
        self.linear = copy_to_torch(dense, torch.nn.Linear(*dense.kernel.shape))

    def _start(self, source, first):
        """Logits (N, V) after the first token, and the LSTM states (h, c)."""
        torch = self.torch
        states = None
        if self.encoder is not None:
            _, states = self.encoder[1](self.encoder[0](torch.from_numpy(source)))
        out, states = self.lstm(self.embedding(torch.from_numpy(first)), states)
        return self.linear(out[:, -1]), states

    def _step(self, tokens, states):
        out, states = self.lstm(self.embedding(tokens[:, None]), states)
        return self.linear(out[:, 0]), states

    def greedy(self, source, first, steps: int) -> np.ndarray:
        torch = self.torch
        with torch.no_grad():
            z, states = self._start(source, first)
            log_prob = torch.zeros(len(first), dtype=torch.float64)
            tokens = []
            for t in range(steps):
                picked = z.argmax(1)
                log_prob += z.log_softmax(1).gather(1, picked[:, None])[:, 0]
                tokens.append(picked)
                if t + 1 < steps:
                    z, states = self._step(picked, states)
            return torch.stack(tokens, 1).numpy()

    def beam_search(self, source, first, steps: int, width: int) -> np.ndarray:
        torch = self.torch
        N = len(first)
        with torch.no_grad():
            z, (h, c) = self._start(source, first)
            V = z.shape[1]
            z = z.repeat_interleave(width, 0)
            h, c = h.repeat_interleave(width, 1), c.repeat_interleave(width, 1)
            sums = torch.full((N, width), -torch.inf)
            sums[:, 0] = 0.0
            history = torch.zeros((N, width, 0), dtype=torch.int64)
            rows = torch.arange(N)[:, None]
            for t in range(steps):
                scores = z.log_softmax(1).view(N, width, V) + sums[:, :, None]
                sums, best = scores.view(N, width * V).topk(width, 1)
                parents, tokens = best // V, best % V
                history = torch.cat([history[rows, parents], tokens[:, :, None]], 2)
                if t + 1 < steps:
                    keep = (rows * width + parents).view(-1)
                    z, (h, c) = self._step(tokens.view(-1), (h[:, keep], c[:, keep]))
            return history[torch.arange(N), sums.argmax(1)].numpy()


def runners_for(kind: str, search: str, batch: int, args, seed: int
                ) -> tuple[dict[str, Callable[[], None]], float]:
    """The two runners for one case, and the share of sources where they agree."""
    from seqlab.generate import Decoder

    model, layers = seqlab_model(kind, args.vocabulary, args.embedding, args.units, seed)
    rng = np.random.default_rng(seed)
    source = rng.integers(2, args.vocabulary, size=(batch, args.source_length))
    first = (rng.integers(2, args.vocabulary, size=(batch, 1)) if kind == "lm"
             else np.full((batch, 1), START))
    decoder = Decoder(model, start_token=START)
    reference = TorchDecoder(layers)
    given = {"prompt": first} if kind == "lm" else {"source": source, "prompt": first}

    if search == "greedy":
        def ours():
            return [h.tokens for h in decoder.greedy(max_length=args.steps, **given)]

        def theirs():
            return reference.greedy(source, first, args.steps)
    else:
        def ours():
            return [hs[0].tokens for hs in decoder.beam_search(
                width=WIDTH, max_length=args.steps, **given)]

        def theirs():
            return reference.beam_search(source, first, args.steps, WIDTH)

    same = float(np.mean([tuple(a) == tuple(int(v) for v in b)
                          for a, b in zip(ours(), theirs())]))
    return {"seqlab": ours, "torch": theirs}, same


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--models", nargs="+", default=["lm", "seq2seq"],
                        choices=["lm", "seq2seq"])
    parser.add_argument("--searches", nargs="+", default=["greedy", "beam"],
                        choices=["greedy", "beam"])
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 64])
    parser.add_argument("--vocabulary", type=int, default=5000, help="V")
    parser.add_argument("--embedding", type=int, default=256, help="E")
    parser.add_argument("--units", type=int, default=256, help="H")
    parser.add_argument("--steps", type=int, default=32, help="tokens decoded per source")
    parser.add_argument("--source-length", type=int, default=20, help="S (seq2seq)")
    parser.add_argument("--repeats", type=int, default=5, help="timed calls per runner")
    parser.add_argument("--warmup", type=int, default=1, help="untimed calls per runner first")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    import numba
    import torch

    print(f"# bench_decode: float32, V={args.vocabulary}, E={args.embedding}, "
          f"H={args.units}, {args.steps} tokens per source, beam width {WIDTH}, "
          f"median of {args.repeats}, wall clock, each timed call after an untimed one")
    print(f"python {platform.python_version()}, numpy {np.__version__}, numba "
          f"{numba.__version__}, torch {torch.__version__}, {os.cpu_count()} CPUs "
          f"({platform.processor() or platform.machine()})")
    print(f"BLAS: {blas_description()}")
    print()
    header = ["model", "search", "sources", "threads", "seqlab tokens/s", "torch tokens/s",
              "seqlab / torch time", "same"]
    rows = []
    for n in args.threads:
        with ExitStack() as stack:
            set_threads(n, stack)
            for kind in args.models:
                for search in args.searches:
                    for batch in args.batches:
                        runners, same = runners_for(kind, search, batch, args, args.seed)
                        med = measure(runners, args.repeats, args.warmup, time.perf_counter)
                        tokens = batch * args.steps
                        name = "greedy" if search == "greedy" else f"beam {WIDTH}"
                        row = [kind, name, str(batch), str(n),
                               f"{tokens / med['seqlab']:.0f}", f"{tokens / med['torch']:.0f}",
                               f"{med['seqlab'] / med['torch']:.2f}", f"{same:.0%}"]
                        rows.append(row)
                        print(" | ".join(row), file=sys.stderr, flush=True)
    print_table(header, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
