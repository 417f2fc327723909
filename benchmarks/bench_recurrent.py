"""Recurrent layers, forward + backward per batch: seqlab (Numba and NumPy kernels) vs PyTorch.

What is timed, for each shape, in one process, float32:

* seqlab: ``layer(x, training=True)`` then ``layer.backward(dout)`` on a
  ``seqlab.layers.SimpleRNN/LSTM/GRU`` (return_sequences=False), i.e. the whole
  layer: input projection xw = x·W + b, the time loop, BPTT, and the dW, db,
  dx products — once with ``seqlab.config.use_kernels("numba")`` and once with
  ``"numpy"`` (the reference).
* PyTorch: ``nn.RNN/LSTM/GRU(batch_first=True)`` forward on x (requires_grad,
  so dx is computed too), then ``out[:, -1].backward(dout)``.

Runs are interleaved (seqlab numba, seqlab numpy, torch, repeat) so a busy
machine slows all of them alike, and each timed call comes right after an
untimed call of the same runner: BLAS and OpenMP worker threads keep spinning
for a while after a parallel call, so a call timed right after another
runner's would share the cores with that runner's spinning threads (measured
at 2 threads: torch's IMDB-like LSTM 150 ms right after a seqlab call, 96 ms
otherwise), and after a sleep the idle threads are slow to wake (seqlab's
Conv1D 26 ms back to back, 33–42 ms after 0.1 s of sleep). The table shows
medians and the ratio seqlab / torch (below 1 = seqlab faster). Threads:
``torch.set_num_threads``, ``numba.set_num_threads`` and ``threadpoolctl.threadpool_limits`` (NumPy's
BLAS) are all set to the same count. OPENBLAS_* variables are left as the
environment has them; the BLAS that ran is printed.

    python benchmarks/bench_recurrent.py                       # all shapes, 1 and 2 threads
    python benchmarks/bench_recurrent.py --threads 1 --repeats 5 --shapes imdb-lstm
    python benchmarks/bench_recurrent.py --no-numpy            # skip the (slow) reference
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack

import numpy as np

# name: (cell, B, T, D, H); IMDB-like, Jena-like and a large LSTM (issue 2, item 9)
SHAPES: dict[str, tuple[str, int, int, int, int]] = {
    "imdb-simple_rnn": ("simple_rnn", 128, 500, 32, 32),
    "imdb-lstm": ("lstm", 128, 500, 32, 32),
    "imdb-gru": ("gru", 128, 500, 32, 32),
    "jena-gru": ("gru", 128, 240, 14, 32),
    "jena-lstm": ("lstm", 128, 240, 14, 32),
    "large-lstm": ("lstm", 64, 100, 256, 256),
}
TARGETS = {"large-lstm": 1.0}  # the rest: 0.67


def blas_description() -> str:
    """OPENBLAS_CORETYPE and what threadpoolctl sees (library, kernel, version)."""
    core = os.environ.get("OPENBLAS_CORETYPE", "(unset)")
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return f"OPENBLAS_CORETYPE={core}; threadpoolctl not installed"
    libs = [f"{i.get('internal_api')} {i.get('version')} kernel={i.get('architecture')} "
            f"({os.path.basename(i.get('filepath', ''))})"
            for i in threadpool_info() if i.get("user_api") == "blas"]
    return f"OPENBLAS_CORETYPE={core}; " + "; ".join(libs)


def seqlab_runner(cell: str, B: int, T: int, D: int, H: int, kernels: str, seed: int
                  ) -> Callable[[], None]:
    """One forward + backward of a seqlab layer on fixed random data."""
    from seqlab import config
    from seqlab.layers import GRU, LSTM, SimpleRNN

    layer_cls = {"simple_rnn": SimpleRNN, "lstm": LSTM, "gru": GRU}[cell]
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((B, T, D)).astype(np.float32)
    dout = rng.standard_normal((B, H)).astype(np.float32)
    layer = layer_cls(H, seed=seed)
    layer(x[:1, :2])  # build

    def run() -> None:
        with config.use_kernels(kernels):
            layer(x, training=True)
            layer.backward(dout)
        layer.zero_grad()

    return run


def torch_runner(cell: str, B: int, T: int, D: int, H: int, seed: int) -> Callable[[], None]:
    import torch

    torch.manual_seed(seed)
    module = {"simple_rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
    net = module(D, H, batch_first=True)
    x = torch.randn(B, T, D, requires_grad=True)
    dout = torch.randn(B, H)

    def run() -> None:
        out, _ = net(x)
        out[:, -1].backward(dout)
        net.zero_grad()
        x.grad = None

    return run


def set_threads(n: int, stack: ExitStack) -> None:
    import numba

    numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))
    try:
        from threadpoolctl import threadpool_limits
        stack.enter_context(threadpool_limits(limits=n))
    except ImportError:
        print("warning: threadpoolctl missing; NumPy's BLAS keeps its own thread count",
              file=sys.stderr)
    try:
        import torch
        torch.set_num_threads(n)
    except ImportError:
        pass


def print_table(header: list[str], rows: list[list[str]]) -> None:
    """The results as a Markdown table on stdout (what benchmarks/interleave.py reads)."""
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def measure(runners: dict[str, Callable[[], None]], repeats: int, warmup: int,
            clock: Callable[[], float] = time.perf_counter) -> dict[str, float]:
    """Median seconds per call of each runner: rounds over the runners, each
    timing one call right after an untimed call of the same runner."""
    for run in runners.values():
        for _ in range(warmup):
            run()
    times: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(repeats):
        for name, run in runners.items():
            run()  # lead-in: the previous runner's worker threads stop spinning meanwhile
            t0 = clock()
            run()
            times[name].append(clock() - t0)
    return {name: statistics.median(ts) for name, ts in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=7, help="timed calls per runner")
    parser.add_argument("--warmup", type=int, default=2, help="untimed calls per runner first")
    parser.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=list(SHAPES))
    parser.add_argument("--no-numpy", action="store_true", help="skip the NumPy reference")
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                        help="wall: elapsed time (default); cpu: CPU time of this process, "
                        "all threads summed (steadier on a busy machine, equal to wall "
                        "time only at 1 thread)")
    args = parser.parse_args(argv)

    have_torch = not args.no_torch
    if have_torch:
        try:
            import torch
        except ImportError:
            print("torch is not installed: timing seqlab only", file=sys.stderr)
            have_torch = False

    import numba
    clock = time.perf_counter if args.clock == "wall" else time.process_time
    print(f"# bench_recurrent: float32, forward+backward per batch, median of {args.repeats}, "
          f"{args.clock} clock, each timed call after an untimed one")
    print(f"python {platform.python_version()}, numpy {np.__version__}, numba {numba.__version__}"
          + (f", torch {torch.__version__}" if have_torch else "")
          + f", {os.cpu_count()} CPUs ({platform.processor() or platform.machine()})")
    print(f"BLAS: {blas_description()}")
    print()
    header = ["shape", "cell", "B, T, D, H", "threads", "seqlab numba ms"]
    if not args.no_numpy:
        header.append("seqlab numpy ms")
    if have_torch:
        header += ["torch ms", "numba / torch"]
        header += [] if args.no_numpy else ["numpy / torch"]
        header.append("target")
    rows = []
    for n in args.threads:
        with ExitStack() as stack:
            set_threads(n, stack)
            for name in args.shapes:
                cell, B, T, D, H = SHAPES[name]
                runners = {"numba": seqlab_runner(cell, B, T, D, H, "numba", args.seed)}
                if not args.no_numpy:
                    runners["numpy"] = seqlab_runner(cell, B, T, D, H, "numpy", args.seed)
                if have_torch:
                    runners["torch"] = torch_runner(cell, B, T, D, H, args.seed)
                med = measure(runners, args.repeats, args.warmup, clock)
                row = [name, cell, f"{B}, {T}, {D}, {H}", str(n), f"{med['numba'] * 1e3:.1f}"]
                if not args.no_numpy:
                    row.append(f"{med['numpy'] * 1e3:.1f}")
                if have_torch:
                    row.append(f"{med['torch'] * 1e3:.1f}")
                    row.append(f"{med['numba'] / med['torch']:.2f}")
                    if not args.no_numpy:
                        row.append(f"{med['numpy'] / med['torch']:.2f}")
                    row.append(f"<= {TARGETS.get(name, 0.67):.2f}")
                rows.append(row)
                print(" | ".join(row), file=sys.stderr, flush=True)
    print_table(header, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
