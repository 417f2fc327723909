"""Proof that seqlab learns: the book's IMDB SimpleRNN and LSTM runs.

Setup (Deep Learning with Python, 1st ed., 6.2): 10,000 words, maxlen 500,
Embedding(10000, 32) → SimpleRNN(32) or LSTM(32) → Dense(1, sigmoid),
rmsprop, binary cross-entropy, batch 128, 10 epochs, the last 20% of the
training set as validation. Book: SimpleRNN 84.6%, LSTM 89.3% best val acc.

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
    parser.add_argument("--out", default=None, help="write the results table (markdown) here")
    args = parser.parse_args()

    x_train, y_train, _, _ = load_imdb_ids()
    seqlab.set_random_seed(args.seed)
    recurrent = SimpleRNN(32) if args.model == "simple_rnn" else LSTM(32)
    model = seqlab.Sequential([Embedding(10_000, 32), recurrent, Dense(1, activation="sigmoid")])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
    timer = EpochTimer()
    history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=128,
                        validation_split=0.2, callbacks=[timer], verbose=2)
    h = history.history
    lines = [
        f"# IMDB {args.model}: Embedding(10000,32) → {type(recurrent).__name__}(32) → Dense(1)",
        "",
        (f"seqlab {seqlab.__version__}, kernels={seqlab.config.kernels()}, float32, seed {args.seed}, "
        f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}, "
        f"{os.cpu_count()} CPUs"),
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
