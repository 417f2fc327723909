"""Spanish → English translation: held-out BLEU after the same training wall time,
seqlab vs the same model in PyTorch.

The model of ``seqlab.translate.build_model`` in both (config ``translate_spa_eng`` by
default): Embedding(mask_zero) → Dropout → Bidirectional(GRU(U)) encoder; decoder
Embedding → Dropout → GRU(2U) started from [forward; backward] final states; dot-product
attention (query: decoder outputs, values: encoder outputs, padded source steps weigh 0);
[decoded; context] → Dropout → Dense(V_target). Loss: cross-entropy over the real target
tokens (padding id 0 left out, mean over the rest); Adam(lr from the config, β=(0.9, 0.999),
ε=1e-7) as Keras computes it (in torch: ``eps`` = ε / sqrt(1 − β₂ᵗ) at step t). Float32.

* Data: exactly what ``seqlab translate --train`` uses (``experiment.prepare_data``): the
  config's seeded split, both vocabularies learned on the training split, the
  length-bucketed padded batches of ``make_batches``. Training reads one stream of batches:
  epoch after epoch, each epoch one permutation of the batch list drawn from
  ``numpy.random.default_rng(seed)``; batch k of the stream is the same for both frameworks.
* The PyTorch model (:class:`TorchTranslator`): ``nn.Embedding(padding_idx=0)``; the
  encoder ``nn.GRU(bidirectional=True)`` reads ``pack_padded_sequence`` sources, so each
  direction's final state is its state at the last real token, as in seqlab's masked GRU;
  scores of padded source steps are −inf before the softmax. It starts from a copy of
  seqlab's initial weights (``seqlab.interop.copy_to_torch``: GRU gate blocks z, r, h ↔
  r, z, n, reset-after biases to ``bias_ih``/``bias_hh``); with dropout 0 its loss on a
  batch equals seqlab's (``tests/translate/test_bench_translate_parity.py``).
* Timing: the frameworks take turns of ``--turn`` batches; each clock counts only its own
  training steps, and a framework stops after the batch that takes its clock past
  ``--budget`` seconds, so both train for the same wall time and the faster one trains more
  batches (each reports batches and epochs). The process's CPU seconds per framework are
  reported too (other processes barely change them). Before the clocks start each framework
  takes one untimed step on the stream's first batch (Numba compiles its kernels there).
  Threads: ``numba.set_num_threads``, NumPy's BLAS (threadpoolctl) and
  ``torch.set_num_threads`` all set to ``--threads``; OPENBLAS_* variables are left as the
  environment has them and the BLAS kernel is printed.
* Evaluation (dropout off, not timed as training): the validation loss (nats per target
  token, the mean over every real token of the validation split); on the test split (the
  config's ``test_size``; ``--test-limit``: its first sentences; sources longer than the
  source side's max_length are left out, as ``seqlab translate`` does) seqlab's greedy and
  beam search (``Translator``, width from the config) and PyTorch's greedy search (its own
  loop: the same start and end tokens, at most max_length + 1 tokens), all scored with
  ``seqlab.translate.scoring.score`` (sacrebleu BLEU and chrF, lower-cased for word targets).

The verdict: seqlab's greedy BLEU against PyTorch's, and seqlab's beam BLEU against its
greedy BLEU.

    python benchmarks/bench_translate.py --budget 1200 --threads 2 --out translate.md
    python benchmarks/bench_translate.py --limit 3000 --budget 15 --threads 1 --test-limit 50
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

Batch = tuple[list[np.ndarray], np.ndarray]
BETA_1, BETA_2, EPSILON = 0.9, 0.999, 1e-7  # Keras' Adam defaults, seqlab's too


class TorchTranslator(nn.Module):
    """``seqlab.translate.build_model``'s network (bidirectional encoder, dot attention) in
    PyTorch; it returns logits, the softmax is in the loss."""

    def __init__(self, source_vocabulary: int, target_vocabulary: int, embedding_dim: int,
                 units: int, dropout: float):
        super().__init__()
        self.source_embedding = nn.Embedding(source_vocabulary, embedding_dim, padding_idx=0)
        self.target_embedding = nn.Embedding(target_vocabulary, embedding_dim, padding_idx=0)
        self.encoder = nn.GRU(embedding_dim, units, batch_first=True, bidirectional=True)
        self.decoder = nn.GRU(embedding_dim, 2 * units, batch_first=True)
        self.next_token = nn.Linear(4 * units, target_vocabulary)
        self.dropout = nn.Dropout(dropout)  # seqlab's three Dropout layers: fresh draws each

    @classmethod
    def from_seqlab(cls, model: Any) -> TorchTranslator:
        """The same network as the seqlab ``model``, with a copy of its weights."""
        from seqlab.interop import copy_to_torch

        layers = {layer.name: layer for layer in model.layers}
        for name, expected in (("encoder", "Bidirectional"), ("attention", "Attention")):
            got = type(layers.get(name)).__name__
            if got != expected:
                raise ValueError(f"TorchTranslator: expected a model of build_model with a "
                                 f"bidirectional encoder and dot-product attention (layer "
                                 f"{name!r} of class {expected}), got class {got}")
        source_embedding, target_embedding = (layers["source_embedding"],
                                              layers["target_embedding"])
        dropouts = [layer.rate for layer in model.layers if type(layer).__name__ == "Dropout"]
        module = cls(source_embedding.input_dim, target_embedding.input_dim,
                     source_embedding.output_dim, layers["encoder"].forward_layer.units,
                     dropouts[0] if dropouts else 0.0)
        for name in ("source_embedding", "target_embedding", "encoder", "decoder",
                     "next_token"):
            copy_to_torch(layers[name], getattr(module, name))
        return module

    def encode(self, source: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Encoder outputs (B, S, 2U), the decoder's first state (1, B, 2U) and the source
        padding (B, S); every source needs at least one token."""
        lengths = (source != 0).sum(dim=1)
        if bool((lengths == 0).any()):
            raise ValueError("TorchTranslator: a source has no tokens; expected at least one")
        x = self.dropout(self.source_embedding(source))
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        outputs, last = self.encoder(packed)  # last: (2, B, U), each direction's last real step
        encoded, _ = pad_packed_sequence(outputs, batch_first=True,
                                         total_length=source.shape[1])
        return encoded, torch.cat([last[0], last[1]], dim=-1)[None], source == 0

    def next_logits(self, decoded: torch.Tensor, encoded: torch.Tensor,
                    padding: torch.Tensor) -> torch.Tensor:
        """Logits (B, T, V) from the decoder outputs (B, T, 2U) and their attention context."""
        scores = decoded @ encoded.transpose(1, 2)  # (B, T, S)
        scores = scores.masked_fill(padding[:, None, :], float("-inf"))
        context = torch.softmax(scores, dim=-1) @ encoded
        return self.next_token(self.dropout(torch.cat([decoded, context], dim=-1)))

    def forward(self, source: torch.Tensor, target_in: torch.Tensor) -> torch.Tensor:
        encoded, state, padding = self.encode(source)
        decoded, _ = self.decoder(self.dropout(self.target_embedding(target_in)), state)
        return self.next_logits(decoded, encoded, padding)

    @torch.no_grad()
    def greedy(self, source: torch.Tensor, start_id: int, end_id: int,
               max_length: int) -> list[list[int]]:
        """The most likely token at every step, from ``start_id`` until ``end_id`` (kept)
        or ``max_length`` tokens; one id list per source row."""
        encoded, state, padding = self.encode(source)
        token = torch.full((len(source), 1), start_id, dtype=torch.int64)
        paths: list[list[int]] = [[] for _ in range(len(source))]
        finished = torch.zeros(len(source), dtype=torch.bool)
        for _ in range(max_length):
            decoded, state = self.decoder(self.target_embedding(token), state)
            token = self.next_logits(decoded, encoded, padding).argmax(dim=-1)  # (B, 1)
            for row in torch.nonzero(~finished).flatten().tolist():
                paths[row].append(int(token[row, 0]))
            finished |= token[:, 0] == end_id
            if bool(finished.all()):
                break
        return paths


def cross_entropy(logits: torch.Tensor, target: np.ndarray) -> torch.Tensor:
    """Mean cross-entropy over the real (non-zero) target ids, as seqlab's loss."""
    return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                       torch.from_numpy(target).reshape(-1), ignore_index=0)


class SeqlabRunner:
    name = "seqlab"

    def __init__(self, model: Any):
        self.model = model

    def step(self, batch: Batch) -> float:
        return float(np.ravel(self.model.train_on_batch(*batch))[0])

    def loss(self, batch: Batch) -> float:
        return float(np.ravel(self.model.test_on_batch(*batch))[0])


class TorchRunner:
    """Training steps of ``module`` with Adam as Keras and seqlab compute it: torch's ``eps``
    is set to ε / sqrt(1 − β₂ᵗ) before step t (see :class:`seqlab.optim.Adam`)."""

    name = "pytorch"

    def __init__(self, module: TorchTranslator, learning_rate: float):
        self.module = module
        self.optimizer = torch.optim.Adam(module.parameters(), lr=learning_rate,
                                          betas=(BETA_1, BETA_2), eps=EPSILON)
        self.steps = 0

    def step(self, batch: Batch) -> float:
        (source, target_in), target = batch
        self.steps += 1
        for group in self.optimizer.param_groups:
            group["eps"] = EPSILON / math.sqrt(1.0 - BETA_2 ** self.steps)
        self.module.train()
        self.optimizer.zero_grad()
        loss = cross_entropy(self.module(torch.from_numpy(source), torch.from_numpy(target_in)),
                             target)
        loss.backward()
        self.optimizer.step()
        return loss.item()

    @torch.no_grad()
    def loss(self, batch: Batch) -> float:
        (source, target_in), target = batch
        self.module.eval()
        return cross_entropy(self.module(torch.from_numpy(source),
                                         torch.from_numpy(target_in)), target).item()


class BatchStream:
    """Batch k of training, the same for every reader: epoch after epoch, each epoch one
    permutation of the batch list drawn from ``numpy.random.default_rng(seed)``."""

    def __init__(self, batches: Sequence[Batch], seed: int):
        self.batches = batches
        self.rng = np.random.default_rng(seed)
        self.orders: list[np.ndarray] = []

    def __getitem__(self, k: int) -> Batch:
        epoch, position = divmod(k, len(self.batches))
        while len(self.orders) <= epoch:
            self.orders.append(self.rng.permutation(len(self.batches)))
        return self.batches[self.orders[epoch][position]]


def validation_loss(runner: Any, batches: Sequence[Batch]) -> float:
    """Nats per real target token over all ``batches`` (dropout off)."""
    tokens = [int(np.count_nonzero(target)) for _, target in batches]
    losses = [runner.loss(batch) for batch in batches]
    return float(np.dot(losses, tokens) / sum(tokens))


def torch_translate(module: TorchTranslator, sources: Sequence[str], source_side: Any,
                    target_side: Any, batch_size: int = 64) -> list[str]:
    """PyTorch greedy translations of ``sources`` (at most max_length + 1 target tokens)."""
    from seqlab.text import pad_sequences

    module.eval()
    out = []
    for i in range(0, len(sources), batch_size):
        ids = pad_sequences([source_side.encode(s) for s in sources[i:i + batch_size]],
                            padding="post", dtype="int64")
        for path in module.greedy(torch.from_numpy(ids), target_side.start_id,
                                  target_side.end_id, target_side.max_length + 1):
            out.append(target_side.decode(path))
    return out


def timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    begin = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - begin


def train(runners: Sequence[Any], stream: BatchStream, budget: float, turn: int,
          log_every: float) -> dict[str, dict[str, float]]:
    """Turns of ``turn`` batches until every runner's own clock passed ``budget``;
    per runner: batches, train seconds, CPU seconds and the last turn's mean loss."""
    stats = {r.name: {"batches": 0, "seconds": 0.0, "cpu": 0.0, "loss": float("nan")}
             for r in runners}
    last_print = time.perf_counter()
    while any(stats[r.name]["seconds"] < budget for r in runners):
        for runner in runners:
            s = stats[runner.name]
            if s["seconds"] >= budget:
                continue
            losses, cpu_begin = [], time.process_time()
            while len(losses) < turn and s["seconds"] < budget:
                loss, seconds = timed(runner.step, stream[s["batches"]])
                s["seconds"] += seconds
                s["batches"] += 1
                losses.append(loss)
            s["cpu"] += time.process_time() - cpu_begin
            s["loss"] = float(np.mean(losses))
        if time.perf_counter() - last_print >= log_every:
            last_print = time.perf_counter()
            print("  " + " | ".join(f"{name} {s['batches']} batches {s['seconds']:.0f} s "
                                    f"train loss {s['loss']:.3f}" for name, s in stats.items()),
                  flush=True)
    return stats


def load_config(name_or_path: str, limit: int | None) -> dict[str, Any]:
    from seqlab.translate import experiment

    is_file = name_or_path.endswith(".json") or Path(name_or_path).is_file()
    config = experiment.load(name_or_path) if is_file else experiment.get(name_or_path)
    if limit is not None:
        config["data"]["limit"] = limit
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default="translate_spa_eng",
                        help="a built-in translation config's name or a config file")
    parser.add_argument("--budget", type=float, default=1200.0,
                        help="training seconds per framework")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--turn", type=int, default=10,
                        help="batches each framework trains before the other's turn")
    parser.add_argument("--limit", type=int, default=None,
                        help="keep the first N pairs of the file (smoke tests)")
    parser.add_argument("--test-limit", type=int, default=None,
                        help="score only the first N test sentences")
    parser.add_argument("--log-every", type=float, default=30.0,
                        help="seconds between progress lines")
    parser.add_argument("--out", default=None, help="write the Markdown result here")
    args = parser.parse_args()

    import numba
    from publish import publish
    from threadpoolctl import threadpool_limits

    import seqlab
    from seqlab.experiments.report import blas
    from seqlab.translate import Translator, build_model, scoring
    from seqlab.translate.data import scorable
    from seqlab.translate.experiment import prepare_data

    torch.set_num_threads(args.threads)
    numba.set_num_threads(args.threads)
    config = load_config(args.config, args.limit)
    seed = config["seed"]
    data = prepare_data(config)
    beam = config["evaluate"].get("beam", 5)
    lowercase = data.target.kind == "word"
    sources, references, too_long = scorable(data.test, data.source, args.test_limit)
    load_before = os.getloadavg()
    with threadpool_limits(args.threads):
        seqlab.set_random_seed(seed)
        torch.manual_seed(seed)
        model = build_model(data.source, data.target, **config["model"])
        module = TorchTranslator.from_seqlab(model)
        runners = [SeqlabRunner(model), TorchRunner(module, config["model"]["learning_rate"])]
        stream = BatchStream(data.batches, seed)
        for runner in runners:  # Numba compiles here: one untimed step on the same batch
            runner.step(stream[0])
        print(f"training each framework for {args.budget:g} s, turns of {args.turn} batches",
              flush=True)
        stats = train(runners, stream, args.budget, args.turn, args.log_every)
        for runner in runners:
            stats[runner.name]["val_loss"] = validation_loss(runner, data.val_batches)
        translator = Translator(model, data.source, data.target)
        searches = {"seqlab": {"greedy": timed(translator.translate, sources),
                               f"beam{beam}": timed(translator.translate, sources, beam=beam)},
                    "pytorch": {"greedy": timed(torch_translate, module, sources, data.source,
                                                data.target)}}
    load_after = os.getloadavg()
    scores = {name: {search: {**scoring.score(hypotheses, references, lowercase),
                              "seconds": seconds}
                     for search, (hypotheses, seconds) in by_search.items()}
              for name, by_search in searches.items()}

    ours, theirs = scores["seqlab"]["greedy"]["bleu"], scores["pytorch"]["greedy"]["bleu"]
    ours_beam = scores["seqlab"][f"beam{beam}"]["bleu"]
    verdict = (f"seqlab greedy BLEU {ours:.2f} vs PyTorch greedy BLEU {theirs:.2f} after "
               f"{args.budget:g} s of training each: seqlab "
               f"{'at least equal' if ours >= theirs else 'lower'}; seqlab beam {beam} BLEU "
               f"{ours_beam:.2f} vs its greedy {ours:.2f}: beam "
               f"{'beats' if ours_beam > ours else 'does not beat'} greedy")
    limits = "".join(f" --{flag} {value}" for flag, value in
                     (("limit", args.limit), ("test-limit", args.test_limit))
                     if value is not None)
    command = (f"python benchmarks/bench_translate.py --config {args.config} --budget "
               f"{args.budget:g} --threads {args.threads} --turn {args.turn}{limits}")
    m = config["model"]
    torch_params = sum(p.numel() for p in module.parameters())
    model_line = (f"{config['name']}: embedding {m['embedding_dim']}, encoder "
                  f"Bidirectional(GRU({m['units']})), decoder GRU({2 * m['units']}), dot "
                  f"attention, dropout {m.get('dropout', 0.0):g}, Adam(lr={m['learning_rate']:g},"
                  f" ε=1e-7), batch {config['fit']['batch_size']}; parameters: seqlab "
                  f"{model.count_params():,}, PyTorch {torch_params:,}; same starting weights.")
    data_line = (f"{len(data.pairs):,} pairs ({config['data']['pairs']}, seed {seed}): train "
                 f"{len(data.train):,} ({data.dropped} too long, {len(data.batches)} batches "
                 f"per epoch), validation {len(data.validation):,}, test {len(data.test):,} "
                 f"(scored: {len(sources)}, {too_long} left out as too long); vocabularies: "
                 f"source {len(data.source):,}, target {len(data.target):,} "
                 f"{data.target.kind} tokens.")
    machine = (f"{platform.machine()}, {os.cpu_count()} cores shared with other jobs, "
               f"{args.threads} threads per framework (numba, BLAS, torch); load average "
               f"(1, 5, 15 min) before {tuple(round(v, 2) for v in load_before)}, after "
               f"{tuple(round(v, 2) for v in load_after)}. torch {torch.__version__}, numba "
               f"{numba.__version__}, OPENBLAS_CORETYPE="
               f"{os.environ.get('OPENBLAS_CORETYPE', 'unset')}, BLAS: {blas()}.")
    rows = ["| | seqlab | PyTorch |", "|---|---:|---:|"]

    def row(label: str, fmt: Any) -> None:
        rows.append(f"| {label} | {fmt('seqlab')} | {fmt('pytorch')} |")

    row("batches trained", lambda n: f"{stats[n]['batches']:,}")
    row("epochs covered", lambda n: f"{stats[n]['batches'] / len(data.batches):.2f}")
    row("train seconds", lambda n: f"{stats[n]['seconds']:.1f}")
    row("CPU seconds (all threads)", lambda n: f"{stats[n]['cpu']:.1f}")
    row("last turn's train loss", lambda n: f"{stats[n]['loss']:.4f}")
    row("validation loss (nats/token)", lambda n: f"{stats[n]['val_loss']:.4f}")
    for search in ("greedy", f"beam{beam}"):
        for metric, label in (("bleu", "BLEU"), ("chrf", "chrF"), ("seconds", "decode seconds")):
            row(f"{search} {label}", lambda n, s=search, k=metric: (
                f"{scores[n][s][k]:.2f}" if s in scores[n] else "—"))
    lines = ["# Spanish → English translation: seqlab vs PyTorch, same training wall time", "",
             f"Command: `{command}`", "", f"Model: {model_line}", "", f"Data: {data_line}", "",
             f"Machine: {machine}", "", f"**Verdict:** {verdict}.", "", *rows, "",
             "Scores: `{bleu_signature}`, `{chrf_signature}`.".format(**scores["seqlab"]["greedy"])]
    publish(lines, args.out)


if __name__ == "__main__":
    main()
