"""Train a seqlab model with PyTorch DistributedDataParallel, then bring it back.

    torchrun --standalone --nproc_per_node 2 examples/ddp_train.py --out run/
    python examples/ddp_train.py --out run/            # the same training, one process

The path for a model that has outgrown one process or one machine:

1. build the model in seqlab (here the chapter's IMDB LSTM: Embedding with
   ``mask_zero`` → LSTM → Dense(1, sigmoid)) and export it with
   ``seqlab.interop.to_torch``;
2. wrap the module in ``torch.nn.parallel.DistributedDataParallel``. Every
   process takes an equal slice of each global batch and DDP averages the
   gradients, so one step equals one process's step on the whole global batch
   (the loss is a mean over the batch). The world size must therefore divide
   the global batch size (``--batch-size``), else the script stops and says so;
3. copy the trained weights back with ``seqlab.interop.from_torch`` and save a
   ``.seqlab`` file, which ``seqlab.models.load_model`` reads as any other.

torchrun starts the processes and sets RANK, WORLD_SIZE and the rendezvous.
Across machines run it on each one with ``--nnodes N --node_rank k
--rdzv_endpoint HOST:PORT``. Started without torchrun, the script trains in
one process, with no process group. It trains on CPUs, over the gloo backend;
on GPUs the same loop would put the module and each batch on
``cuda:LOCAL_RANK`` and use the nccl backend (not done here).

Data: synthetic IMDB-like reviews (word ids ≥ 2 padded in front with 0, as
``pad_sequences`` does; a fifth of the words of a positive review are "good"
ones, of a negative review "bad" ones). Every epoch visits the samples in an order
drawn from (seed, epoch), the same in every process; only whole global batches
are used (a last partial batch is dropped, as DistributedSampler(drop_last=True)
does). Optimizer: SGD with momentum (``torch.optim.SGD`` computes what
``seqlab.optim.SGD`` computes); loss: binary cross-entropy on probabilities
clipped to [1e-7, 1 − 1e-7], as Keras and seqlab compute it. The model has no
Dropout: its masks are drawn in each process, so with it a distributed run is
a different random draw than a single process's.

Process 0 writes into ``--out``: ``model.seqlab`` (the trained model),
``torch_predictions.npy`` (the torch module's predictions on the training
reviews, for checking the copy) and ``history.json`` (the loss of every epoch).
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

import seqlab
from seqlab.atomic import atomic_write
from seqlab.interop import from_torch, to_torch
from seqlab.layers import LSTM, Dense, Embedding, Input

EPSILON = 1e-7  # Keras' clipping of probabilities in binary cross-entropy
GOOD, BAD = range(2, 6), range(6, 10)


def synthetic_reviews(n: int, maxlen: int, vocab: int, seed: int
                      ) -> tuple[np.ndarray, np.ndarray]:
    """(ids (n, maxlen) int64 padded in front with 0, labels (n,) float 0/1): a
    review of label 1 has "good" words (ids 2–5) among neutral ones (ids ≥ 10),
    a review of label 0 "bad" words (ids 6–9)."""
    if vocab <= 10:
        raise ValueError(f"synthetic_reviews: vocab must be above 10, got {vocab}")
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n).astype(np.float64)
    ids = np.zeros((n, maxlen), dtype=np.int64)
    for i in range(n):
        length = int(rng.integers(max(1, maxlen // 3), maxlen + 1))
        review = rng.integers(10, vocab, length)
        telling = rng.random(length) < 0.2
        review[telling] = rng.choice(GOOD if labels[i] else BAD, int(telling.sum()))
        ids[i, maxlen - length:] = review
    return ids, labels


def build_model(vocab: int, maxlen: int, units: int, dtype: str, seed: int) -> seqlab.Sequential:
    """The IMDB LSTM of the chapter, small: ids → Embedding(mask_zero) → LSTM → Dense."""
    return seqlab.Sequential([
        Input((maxlen,), dtype="int64"),
        Embedding(vocab, units, mask_zero=True, dtype=dtype, seed=seed,
                  name="embedding"),
        LSTM(units, dtype=dtype, seed=seed + 1, name="lstm"),
        Dense(1, activation="sigmoid", dtype=dtype, seed=seed + 2, name="dense"),
    ], name="imdb_lstm")


def check_world_size(batch_size: int, world_size: int) -> int:
    """Each process's share of a global batch; the world size must divide it."""
    if batch_size % world_size:
        raise ValueError(
            f"the global batch size {batch_size} is not divisible by the world size "
            f"{world_size}: every process must get the same number of rows for DDP's "
            f"averaged gradient to be the whole batch's (use a multiple of {world_size})"
        )
    return batch_size // world_size


def global_batches(n: int, batch_size: int, epoch: int, seed: int) -> Iterator[np.ndarray]:
    """The sample indices of each whole global batch of one epoch."""
    order = np.random.default_rng([seed, epoch]).permutation(n)
    for start in range(0, n - batch_size + 1, batch_size):
        yield order[start:start + batch_size]


def bce(probabilities: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean binary cross-entropy with Keras' clipping."""
    p = probabilities.clamp(EPSILON, 1.0 - EPSILON)
    return -(labels * torch.log(p) + (1.0 - labels) * torch.log(1.0 - p)).mean()


def parse_args(argv: Sequence[str] | None) -> tuple[argparse.ArgumentParser, argparse.Namespace]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for process 0's files")
    parser.add_argument("--samples", type=int, default=256)
    parser.add_argument("--maxlen", type=int, default=40)
    parser.add_argument("--vocab", type=int, default=100)
    parser.add_argument("--units", type=int, default=16)
    parser.add_argument("--batch-size", type=int, default=32, help="the global batch")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--lr", type=float, default=0.3)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--seed", type=int, default=0)
    return parser, parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    parser, args = parse_args(argv)
    distributed = "WORLD_SIZE" in os.environ  # set by torchrun
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    try:
        share = check_world_size(args.batch_size, world_size)
    except ValueError as err:
        parser.error(str(err))
    if distributed:
        dist.init_process_group(backend="gloo")
    try:
        ids, labels = synthetic_reviews(args.samples, args.maxlen, args.vocab, args.seed)
        model = build_model(args.vocab, args.maxlen, args.units, args.dtype, args.seed)
        module = to_torch(model).train()
        trained = DistributedDataParallel(module) if distributed else module
        optimizer = torch.optim.SGD(trained.parameters(), lr=args.lr, momentum=args.momentum)
        x_all, y_all = torch.as_tensor(ids), torch.as_tensor(labels, dtype=getattr(torch, args.dtype))
        history = []
        for epoch in range(args.epochs):
            losses = []
            for batch in global_batches(args.samples, args.batch_size, epoch, args.seed):
                mine = torch.as_tensor(batch[rank * share:(rank + 1) * share])
                optimizer.zero_grad()
                loss = bce(trained(x_all[mine])[:, 0], y_all[mine])
                loss.backward()  # DDP: gradients averaged over the processes here
                optimizer.step()
                losses.append(loss.detach())
            epoch_loss = torch.stack(losses).mean()
            if distributed:
                dist.all_reduce(epoch_loss)  # the processes' losses summed: their mean
                epoch_loss /= world_size
            history.append(float(epoch_loss))
            if rank == 0:
                print(f"epoch {epoch + 1}/{args.epochs}  loss {history[-1]:.6f}", flush=True)
        if rank == 0:
            save_results(args.out, module, model, x_all, history)
    finally:
        if distributed:
            dist.destroy_process_group()


def save_results(out: Path, module: torch.nn.Module, model: seqlab.Sequential,
                 x_all: torch.Tensor, history: list[float]) -> None:
    """Process 0: the trained weights into the seqlab model and onto disk."""
    out.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        predictions = module.eval()(x_all).numpy()
    from_torch(module, model)  # the module itself, not its DDP wrapper
    model.save(out / "model.seqlab")
    with atomic_write(out / "torch_predictions.npy") as fh:
        np.save(fh, predictions)
    with atomic_write(out / "history.json", "w", encoding="utf-8") as fh:
        json.dump({"loss": history}, fh)
    print(f"wrote {out / 'model.seqlab'} (load it with seqlab.models.load_model)", flush=True)


if __name__ == "__main__":
    main()
