"""Character language model on Tiny Shakespeare: validation nats/char against training wall time,
seqlab vs PyTorch.

The same model in both: Embedding(65, E) → LSTM(H, return_sequences) → Dense(65) on logits,
sparse categorical cross-entropy (softmax inside the loss), float32. Defaults: E=64, H=256,
sequences of 100 characters, batch 64, Adam(lr=2e-3, β=(0.9, 0.999), ε=1e-7) as Keras computes
it (in torch: ``eps`` = ε / sqrt(1 − β₂ᵗ) at step t), no clipping.

* Data: the 65 characters of the whole text, sorted, are the vocabulary; the first 90% of
  the text (by position) trains, the last 10% validates. A training batch is 64 windows of
  101 characters starting at uniformly drawn positions of the training part (inputs: the
  first 100, targets: the last 100); both frameworks get the same positions in the same order.
* Init: seqlab's own (Keras' scheme: uniform(±0.05) embedding, glorot-uniform kernels,
  orthogonal recurrent kernel, zero biases with the forget gate's at 1); the torch model is
  given a copy of those exact starting weights (``seqlab.interop.copy_to_torch``), and its
  LSTM's second bias ``bias_hh`` stays frozen at zero, so both models train the same
  parameters (torch's two LSTM biases, both trained, would move their sum twice as far per
  Adam step).
* Validation: every ``--eval-every`` steps, the mean cross-entropy (nats per character) over
  every non-overlapping 100-character window of the validation part, each window starting
  from a zero state. Evaluation time is not counted as training time.
* Timing: the two frameworks take turns, ``--turn`` steps each, on the same batches, until
  each has trained for ``--budget`` seconds of its own wall time; each clock counts only its
  own training steps, so load from other processes slows both alike (the process's CPU
  seconds per framework are reported too: other processes barely change them). Threads: ``torch.set_num_threads``,
  ``numba.set_num_threads`` and NumPy's BLAS (threadpoolctl) all set to ``--threads``.
  OPENBLAS_* variables are left as the environment has them; the BLAS kernel is printed.
  Before the clocks start, each framework takes one untimed step on the same batch (Numba
  compiles its kernels there), so step 0 of the table is after that step.

The verdict: PyTorch's validation loss after its budget (its first evaluation at or past
``--budget`` training seconds), and the first training seconds at which seqlab's validation
loss is at or below it, divided by PyTorch's seconds (below 1: seqlab gets there faster).
Both take the same steps on the same batches, so the seconds each took for the steps up to
that evaluation give a second, steadier ratio: time per step.

    python benchmarks/bench_char_lm.py --budget 600 --threads 2 --out benchmarks/results/char_lm.md
    python benchmarks/bench_char_lm.py --budget 20 --eval-every 10      # a smoke test
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time

import numpy as np


def load_split(path: str | None) -> tuple[list[str], np.ndarray, np.ndarray]:
    from seqlab.datasets.shakespeare import load_tiny_shakespeare

    text = load_tiny_shakespeare(path)
    chars = sorted(set(text))
    index = {c: i for i, c in enumerate(chars)}
    ids = np.fromiter((index[c] for c in text), dtype=np.int64, count=len(text))
    cut = int(0.9 * len(ids))
    return chars, ids[:cut], ids[cut:]


class SeqlabRunner:
    name = "seqlab"

    def __init__(self, vocab: int, embed: int, units: int, lr: float, seed: int):
        import seqlab
        from seqlab.layers import LSTM, Dense, Embedding
        from seqlab.losses import SparseCategoricalCrossentropy

        seqlab.set_random_seed(seed)
        self.model = seqlab.Sequential([Embedding(vocab, embed),
                                        LSTM(units, return_sequences=True), Dense(vocab)])
        self.model.build((None, None))
        self.model.compile(optimizer=seqlab.optim.Adam(learning_rate=lr, epsilon=1e-7),
                           loss=SparseCategoricalCrossentropy(from_logits=True))

    def step(self, x: np.ndarray, y: np.ndarray) -> None:
        self.model.train_on_batch(x, y)

    def validate(self, x: np.ndarray, y: np.ndarray, batch: int) -> float:
        return float(self.model.evaluate(x, y, batch_size=batch, verbose=0))


class TorchRunner:
    name = "pytorch"

    def __init__(self, source: SeqlabRunner, lr: float):
        import torch
        from torch import nn

        from seqlab.interop import copy_to_torch

        embedding, lstm, dense = source.model.layers
        self.torch = torch
        self.embedding = copy_to_torch(embedding, nn.Embedding(*embedding.get_weights()[0].shape))
        self.lstm = copy_to_torch(lstm, nn.LSTM(embedding.output_dim, lstm.units,
                                                batch_first=True))
        # torch's LSTM has two biases, b_ih + b_hh, where seqlab (Keras) has one; trained
        # both, the sum moves twice as far per Adam step. b_hh stays at zero (as copied).
        self.lstm.bias_hh_l0.requires_grad_(False)
        self.dense = copy_to_torch(dense, nn.Linear(lstm.units, dense.units))
        modules = nn.ModuleList([self.embedding, self.lstm, self.dense])
        trained = [p for p in modules.parameters() if p.requires_grad]
        self.optimizer = torch.optim.Adam(trained, lr=lr, betas=(0.9, 0.999), eps=1e-7)
        self.steps = 0
        self.loss = nn.CrossEntropyLoss()

    def _logits(self, x: np.ndarray):
        out, _ = self.lstm(self.embedding(self.torch.from_numpy(x)))
        return self.dense(out)  # (B, T, V)

    def step(self, x: np.ndarray, y: np.ndarray) -> None:
        self.steps += 1
        for group in self.optimizer.param_groups:  # Adam as Keras computes it (seqlab.optim.Adam)
            group["eps"] = 1e-7 / math.sqrt(1.0 - 0.999 ** self.steps)
        self.optimizer.zero_grad()
        logits = self._logits(x)
        loss = self.loss(logits.reshape(-1, logits.shape[-1]),
                         self.torch.from_numpy(y).reshape(-1))
        loss.backward()
        self.optimizer.step()

    def validate(self, x: np.ndarray, y: np.ndarray, batch: int) -> float:
        total = 0.0
        with self.torch.no_grad():
            for i in range(0, len(x), batch):
                logits = self._logits(x[i:i + batch])
                total += float(self.loss(logits.reshape(-1, logits.shape[-1]),
                                         self.torch.from_numpy(y[i:i + batch]).reshape(-1))
                               ) * len(x[i:i + batch])
        return total / len(x)


def first_time_at_or_below(curve: list[tuple[int, float, float]], target: float
                           ) -> tuple[int, float] | None:
    """(step, seconds) of the first point of ``curve`` whose loss is <= ``target``."""
    for step, seconds, loss in curve:
        if loss <= target:
            return step, seconds
    return None


def after_budget(curve: list[tuple[int, float, float]], budget: float
                 ) -> tuple[int, float, float]:
    """The first point of ``curve`` at or past ``budget`` training seconds (else the last)."""
    return next((point for point in curve if point[1] >= budget), curve[-1])


def table(curves: dict[str, list[tuple[int, float, float]]]) -> list[str]:
    lines = ["| step | seqlab s | seqlab val nats/char | PyTorch s | PyTorch val nats/char |",
             "|---:|---:|---:|---:|---:|"]
    for a, b in zip(curves["seqlab"], curves["pytorch"]):
        lines.append(f"| {a[0]} | {a[1]:.1f} | {a[2]:.4f} | {b[1]:.1f} | {b[2]:.4f} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", type=float, default=600.0,
                        help="training seconds per framework")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--units", type=int, default=256)
    parser.add_argument("--embed", type=int, default=64)
    parser.add_argument("--seq-len", type=int, default=100)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--eval-every", type=int, default=100)
    parser.add_argument("--turn", type=int, default=5,
                        help="steps each framework takes before the other's turn")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", default=None, help="input.txt(.gz); default: seqlab's lookup")
    parser.add_argument("--out", default=None, help="write the Markdown result here")
    args = parser.parse_args()

    import numba
    import torch
    from publish import publish
    from threadpoolctl import threadpool_limits

    from seqlab.experiments.report import blas
    from seqlab.experiments.seqdata import char_windows

    torch.set_num_threads(args.threads)
    numba.set_num_threads(args.threads)
    chars, train, val = load_split(args.data)
    val_x, val_y = char_windows(val, args.seq_len)
    load_before = os.getloadavg()
    with threadpool_limits(args.threads):
        seqlab_runner = SeqlabRunner(len(chars), args.embed, args.units, args.lr, args.seed)
        runners = [seqlab_runner, TorchRunner(seqlab_runner, args.lr)]
        rng = np.random.default_rng(args.seed)
        offsets = np.arange(args.seq_len + 1)
        warm = train[rng.integers(0, len(train) - args.seq_len - 1, size=args.batch)[:, None]
                     + offsets]  # (B, T + 1)
        for runner in runners:  # Numba compiles here: one untimed step on the same batch
            runner.step(warm[:, :-1], warm[:, 1:])
            runner.validate(val_x[:args.batch], val_y[:args.batch], args.batch)
        clocks = {r.name: 0.0 for r in runners}
        cpu = {r.name: 0.0 for r in runners}  # this process's CPU seconds (all its threads)
        curves: dict[str, list[tuple[int, float, float]]] = {r.name: [] for r in runners}
        for runner in runners:
            loss = runner.validate(val_x, val_y, 256)
            curves[runner.name].append((0, 0.0, loss))
        step = 0
        while min(clocks.values()) < args.budget:
            starts = rng.integers(0, len(train) - args.seq_len - 1,
                                  size=(args.eval_every, args.batch))
            for turn in range(0, args.eval_every, args.turn):
                for runner in runners:
                    begin, cpu_begin = time.perf_counter(), time.process_time()
                    for row in starts[turn:turn + args.turn]:
                        window = train[row[:, None] + offsets]  # (B, T + 1)
                        runner.step(window[:, :-1], window[:, 1:])
                    clocks[runner.name] += time.perf_counter() - begin
                    cpu[runner.name] += time.process_time() - cpu_begin
            step += args.eval_every
            for runner in runners:
                loss = runner.validate(val_x, val_y, 256)
                curves[runner.name].append((step, clocks[runner.name], loss))
            print(f"step {step}: " + ", ".join(
                f"{name} {curves[name][-1][1]:.0f} s val {curves[name][-1][2]:.4f}"
                for name in curves), flush=True)
    load_after = os.getloadavg()

    torch_ref = after_budget(curves["pytorch"], args.budget)
    reached = first_time_at_or_below(curves["seqlab"], torch_ref[2])
    target = (f"PyTorch's validation loss after its {args.budget:g} s budget, {torch_ref[2]:.4f} "
              f"(step {torch_ref[0]}, {torch_ref[1]:.0f} s)")
    if reached is None:
        verdict = f"seqlab did not reach {target} within its {clocks['seqlab']:.0f} s"
    else:
        verdict = (f"seqlab reached {target} at step {reached[0]}, {reached[1]:.0f} s: "
                   f"ratio {reached[1] / torch_ref[1]:.2f}x")
    seqlab_at_ref = next(p for p in curves["seqlab"] if p[0] == torch_ref[0])
    per_step = (f"Time per step over the first {torch_ref[0]} steps: seqlab "
                f"{1e3 * seqlab_at_ref[1] / torch_ref[0]:.1f} ms, PyTorch "
                f"{1e3 * torch_ref[1] / torch_ref[0]:.1f} ms (ratio "
                f"{seqlab_at_ref[1] / torch_ref[1]:.2f}).")
    command = (f"python benchmarks/bench_char_lm.py --budget {args.budget:g} --threads "
               f"{args.threads} --units {args.units} --eval-every {args.eval_every} "
               f"--turn {args.turn}")
    model = (f"Embedding({len(chars)}, {args.embed}) → LSTM({args.units}) → Dense({len(chars)}) "
             f"logits; sequences of {args.seq_len}, batch {args.batch}, Adam(lr={args.lr:g}, "
             f"ε=1e-7); same starting weights; train {len(train):,} chars, validation "
             f"{len(val):,} chars ({len(val_x)} windows).")
    machine = (f"{platform.machine()}, {os.cpu_count()} cores shared with other jobs, "
               f"{args.threads} threads per framework; load average (1, 5, 15 min) before "
               f"{tuple(round(v, 2) for v in load_before)}, after "
               f"{tuple(round(v, 2) for v in load_after)}. torch {torch.__version__}, numba "
               f"{numba.__version__}, OPENBLAS_CORETYPE="
               f"{os.environ.get('OPENBLAS_CORETYPE', 'unset')}, BLAS: {blas()}.")
    effort = (f"CPU seconds of this process while training (all threads): seqlab "
              f"{cpu['seqlab']:.0f}, PyTorch {cpu['pytorch']:.0f} (ratio "
              f"{cpu['seqlab'] / cpu['pytorch']:.2f}) for the same {step} steps; wall seconds "
              f"{clocks['seqlab']:.0f} and {clocks['pytorch']:.0f} (ratio "
              f"{clocks['seqlab'] / clocks['pytorch']:.2f}).")
    lines = ["# Character LM on Tiny Shakespeare: seqlab vs PyTorch", "",
             f"Command: `{command}`", "", f"Model: {model}", "", f"Machine: {machine}", "",
             f"**Verdict:** {verdict}.", "", per_step, "",
             effort, "",
             "Training seconds exclude validation; each row is after the same batches.", "",
             *table(curves)]
    publish(lines, args.out)


if __name__ == "__main__":
    main()
