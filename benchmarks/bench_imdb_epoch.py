"""One IMDB LSTM training epoch, seqlab vs PyTorch vs Keras 3 (torch backend).

The same model in each: Embedding(10000, 32) → LSTM(32) → Dense(1, sigmoid),
binary cross-entropy, RMSprop(lr=1e-3), batch 128, maxlen 500, on the
20,000 training reviews (the book's split). seqlab runs through ``fit``;
PyTorch through a plain training loop; Keras through ``fit``. Keras is run
for ``--keras-steps`` batches and its epoch time extrapolated (it is slow),
which the table says.

    python benchmarks/bench_imdb_epoch.py --threads 1
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from imdb_common import load_imdb_ids


def blas_info() -> str:
    try:
        from threadpoolctl import threadpool_info
        return ", ".join(f"{i['internal_api']} {i.get('architecture', '?')}"
                         for i in threadpool_info() if i["user_api"] == "blas")
    except ImportError:
        return "threadpoolctl not installed"


def run_seqlab(x, y, batch):
    import seqlab
    from seqlab.layers import LSTM, Dense, Embedding

    seqlab.set_random_seed(0)
    model = seqlab.Sequential([Embedding(10_000, 32), LSTM(32), Dense(1, activation="sigmoid")])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
    model.train_on_batch(x[:batch], y[:batch])  # compile the Numba kernels first
    t0 = time.perf_counter()
    model.fit(x, y, batch_size=batch, epochs=1, verbose=0)
    return time.perf_counter() - t0


def run_torch(x, y, batch):
    import torch

    torch.manual_seed(0)

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = torch.nn.Embedding(10_000, 32)
            self.lstm = torch.nn.LSTM(32, 32, batch_first=True)
            self.out = torch.nn.Linear(32, 1)

        def forward(self, ids):
            _, (h, _) = self.lstm(self.emb(ids))
            return self.out(h[-1]).squeeze(1)

    net = Net()
    opt = torch.optim.RMSprop(net.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    order = torch.randperm(len(xt))
    t0 = time.perf_counter()
    for start in range(0, len(xt), batch):
        idx = order[start:start + batch]
        opt.zero_grad()
        loss = loss_fn(net(xt[idx]), yt[idx])
        loss.backward()
        opt.step()
    return time.perf_counter() - t0


def run_keras(x, y, batch, steps):
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras

    model = keras.Sequential([keras.Input((x.shape[1],), dtype="int32"),
                              keras.layers.Embedding(10_000, 32), keras.layers.LSTM(32),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
    model.train_on_batch(x[:batch], y[:batch])
    n = steps * batch
    t0 = time.perf_counter()
    model.fit(x[:n], y[:n], batch_size=batch, epochs=1, verbose=0)
    return (time.perf_counter() - t0) * (len(x) / n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--keras-steps", type=int, default=20)
    parser.add_argument("--skip", nargs="*", default=[], choices=["torch", "keras"])
    args = parser.parse_args()

    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(args.threads)
    import numba
    numba.set_num_threads(min(args.threads, numba.config.NUMBA_NUM_THREADS))

    x_train, y_train, _, _ = load_imdb_ids()
    n = int(len(x_train) * 0.8)
    x, y = x_train[:n], y_train[:n]
    rows = []
    with threadpool_limits(limits=args.threads):
        rows.append(("seqlab fit", run_seqlab(x, y, 128)))
        if "torch" not in args.skip:
            rows.append(("PyTorch loop", run_torch(x, y, 128)))
        if "keras" not in args.skip:
            rows.append(((f"Keras 3 torch backend (×{len(x) // (args.keras_steps * 128)} "
                         f"from {args.keras_steps} steps)"), run_keras(x, y, 128, args.keras_steps)))
    ref = dict(rows).get("PyTorch loop")
    print(f"IMDB LSTM epoch, {n} samples, batch 128, threads={args.threads}, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}, BLAS: {blas_info()}")
    print("\n| run | seconds / epoch | ratio to PyTorch |\n|---|---:|---:|")
    for name, sec in rows:
        ratio = f"{sec / ref:.2f}" if ref else "-"
        print(f"| {name} | {sec:.1f} | {ratio} |")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
