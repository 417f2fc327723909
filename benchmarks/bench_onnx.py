"""Inference latency of the IMDB LSTM: seqlab's ``predict`` vs onnxruntime on its ONNX export.

The model is the chapter's: Embedding(10000, 32) → LSTM(32) → Dense(1, sigmoid),
on reviews of 500 ids (random ids in [1, 10000), the first 200 steps of every
other review padded with 0 in front, as ``pad_sequences`` does; no mask, as in
the book). Weights are random (latency does not depend on them). The model is
exported with ``model.export_onnx`` (opset 18) and run by onnxruntime's CPU
provider. What is timed, per call, float32, in one process:

* seqlab: ``model.predict(x, batch_size=len(x))`` (Numba kernels);
* onnxruntime: ``session.run(None, {input: x})`` on a session made with
  ``intra_op_num_threads`` = threads (``inter_op_num_threads`` 1, onnxruntime's
  other options at their defaults).

for batches of 1 and 128 reviews at 1 and 2 threads. The two runners are
interleaved round by round, each timed call following an untimed call of the
same runner (see benchmarks/README.md: worker threads spin for a while after
a parallel call); the table shows medians and seqlab / onnxruntime (above 1:
onnxruntime is faster). seqlab's threads are Numba's and NumPy's BLAS (set as
in bench_recurrent.py); the largest |seqlab − onnxruntime| is printed too.

    python benchmarks/bench_onnx.py                          # batch 1 and 128, 1 and 2 threads
    python benchmarks/bench_onnx.py --batches 128 --threads 1 --repeats 5
    python benchmarks/bench_onnx.py --threads 1 --clock cpu     # on a busy machine
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import numpy as np
from bench_recurrent import blas_description, measure, set_threads

VOCAB, EMBED, UNITS, STEPS = 10000, 32, 32, 500


def imdb_lstm(seed: int):
    import seqlab
    from seqlab.layers import LSTM, Dense, Embedding

    seqlab.set_random_seed(seed)
    model = seqlab.Sequential([Embedding(VOCAB, EMBED), LSTM(UNITS),
                               Dense(1, activation="sigmoid")])
    model.build((None, STEPS))
    return model


def reviews(batch: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.integers(1, VOCAB, size=(batch, STEPS))
    x[1::2, :200] = 0
    return x


def onnx_session(path: Path, threads: int):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # onnxruntime's workers spin after each call by default and take the second core
    # from seqlab's call that follows in the interleaved rounds (seqlab at 2 threads:
    # 30-32 ms with spinning, 18-21 ms without; onnxruntime itself unchanged)
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def time_batch(model, session, batch: int, repeats: int, warmup: int, seed: int,
               clock) -> tuple[float, float, float]:
    """Median ms of seqlab and onnxruntime on one batch, and their largest difference."""
    x = reviews(batch, seed)
    feeds = {session.get_inputs()[0].name: x}
    diff = float(np.abs(model.predict(x, batch_size=batch) - session.run(None, feeds)[0]).max())
    med = measure({"seqlab": lambda: model.predict(x, batch_size=batch),
                   "onnxruntime": lambda: session.run(None, feeds)}, repeats, warmup, clock)
    return med["seqlab"] * 1e3, med["onnxruntime"] * 1e3, diff


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 128])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=15, help="timed calls per runner")
    parser.add_argument("--warmup", type=int, default=2, help="untimed calls per runner first")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                        help="wall: elapsed time (default); cpu: CPU time of this process "
                        "(steadier on a busy machine; the work's time only at 1 thread)")
    args = parser.parse_args(argv)
    clock = time.perf_counter if args.clock == "wall" else time.process_time

    import numba
    import onnx
    import onnxruntime

    from seqlab.interop.onnx import OPSET

    model = imdb_lstm(args.seed)
    print(f"# bench_onnx: IMDB LSTM ({VOCAB}×{EMBED} embedding, LSTM({UNITS}), Dense(1)), "
          f"{STEPS} steps, float32, inference latency per call, median of {args.repeats}, "
          f"{args.clock} clock, interleaved, each timed call after an untimed one")
    print(f"python {platform.python_version()}, numpy {np.__version__}, numba {numba.__version__}"
          f", onnx {onnx.__version__} (opset {OPSET}), onnxruntime {onnxruntime.__version__}, "
          f"{os.cpu_count()} CPUs ({platform.processor() or platform.machine()})")
    print(f"BLAS: {blas_description()}")
    print()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "imdb_lstm.onnx"
        model.export_onnx(path)
        for n in args.threads:
            with ExitStack() as stack:
                set_threads(n, stack)
                session = onnx_session(path, n)
                for batch in args.batches:
                    rows.append((batch, n, *time_batch(model, session, batch, args.repeats,
                                                       args.warmup, args.seed + 1, clock)))
    print("| batch | threads | seqlab predict ms | onnxruntime ms | seqlab / onnxruntime "
          "| max abs diff |")
    print("|---:|---:|---:|---:|---:|---:|")
    for batch, n, ours, theirs, diff in rows:
        print(f"| {batch} | {n} | {ours:.2f} | {theirs:.2f} | {ours / theirs:.2f}x "
              f"| {diff:.1e} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
