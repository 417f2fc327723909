"""Proof that seqlab learns: the book's IMDB SimpleRNN and LSTM runs.

Setup (Deep Learning with Python, 1st ed., 6.2): 10,000 words, maxlen 500,
Embedding(10000, 32) → SimpleRNN(32) or LSTM(32) → Dense(1, sigmoid),
rmsprop, binary cross-entropy, batch 128, 10 epochs, the last 20% of the
training set as validation. Book: SimpleRNN 84.6%, LSTM 89.3% best val acc.

The book ran Keras 2, whose LSTM gates used ``recurrent_activation=
"hard_sigmoid"`` by default (Keras 3 and seqlab: "sigmoid") and whose RMSprop
divided by sqrt(v) + ε (Keras 3 and seqlab: sqrt(v + ε)); the options
``--recurrent-activation`` and ``--rmsprop-epsilon`` pick either.

    python benchmarks/imdb_learning.py --model lstm --out benchmarks/results/imdb_lstm.md
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from imdb_common import load_imdb_ids

import seqlab
from seqlab.layers import LSTM, Dense, Embedding, SimpleRNN


class EpochTimer(seqlab.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.times = []

    def on_epoch_begin(self, epoch, logs=None):
        self._t0 = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.times.append(time.perf_counter() - self._t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["simple_rnn", "lstm"], default="lstm")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--recurrent-activation", choices=["sigmoid", "hard_sigmoid"],
                        default="sigmoid", help="LSTM gates (the book's Keras 2: hard_sigmoid)")
    parser.add_argument("--rmsprop-epsilon", choices=["inside", "outside"], default="inside",
                        help="ε inside the square root (Keras 3) or outside (Keras 2, PyTorch)")
    parser.add_argument("--out", default=None, help="write the results table (markdown) here")
    args = parser.parse_args()

    x_train, y_train, _, _ = load_imdb_ids()
    seqlab.set_random_seed(args.seed)
    if args.model == "simple_rnn":
        recurrent = SimpleRNN(32)
    else:
        recurrent = LSTM(32, recurrent_activation=args.recurrent_activation)
    model = seqlab.Sequential([Embedding(10_000, 32), recurrent, Dense(1, activation="sigmoid")])
    optimizer = seqlab.optim.RMSprop(epsilon_inside_sqrt=args.rmsprop_epsilon == "inside")
    model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=["acc"])
    timer = EpochTimer()
    history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=128,
                        validation_split=0.2, callbacks=[timer], verbose=2)
    h = history.history
    gates = f", recurrent_activation={args.recurrent_activation}" if args.model == "lstm" else ""
    layer = f"{type(recurrent).__name__}(32{gates})"
    lines = [
        f"# IMDB {args.model}: Embedding(10000,32) → {layer} → Dense(1)",
        "",
        (f"seqlab {seqlab.__version__}, kernels={seqlab.config.kernels()}, float32, seed {args.seed}, "
        f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}, "
        f"{os.cpu_count()} CPUs, RMSprop with ε {args.rmsprop_epsilon} the square root"),
        "",
        "| epoch | loss | acc | val_loss | val_acc | seconds |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for e in range(len(h["loss"])):
        lines.append(f"| {e + 1} | {h['loss'][e]:.4f} | {h['acc'][e]:.4f} | "
                     f"{h['val_loss'][e]:.4f} | {h['val_acc'][e]:.4f} | {timer.times[e]:.1f} |")
    best = int(np.argmax(h["val_acc"]))
    lines += ["", (f"best val_acc {h['val_acc'][best]:.4f} at epoch {best + 1}; "
              f"median epoch {np.median(timer.times):.1f} s")]
    text = "\n".join(lines)
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")


if __name__ == "__main__":
    main()
