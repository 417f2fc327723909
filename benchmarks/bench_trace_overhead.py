"""What the seqlab.trace hooks cost when nothing is recording.

The layers check ``seqlab.trace_hook.ACTIVE`` once per forward call
(``Layer.__call__``) and once per backward of the recurrent, Dense and
Activation layers. This script times the same work

    hooks     the code as it is, not recording
    no hooks  the same methods recompiled from their source with the hook
              ``if`` statements removed (an AST transform, so nothing else differs)
    recording inside ``seqlab.trace.record(model)`` (for scale: the recurrent
              backward then runs the NumPy reference BPTT and copies every step)

on three workloads, interleaving the variants round by round, and prints the
median, the 10th percentile and the minimum time per call and the ratios
hooks / no hooks (on a busy machine the low percentiles are the steadier
estimate: other processes only ever add time). Run from the repo root:

    python benchmarks/bench_trace_overhead.py [--rounds 15] [--threads 1] [--quick]
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import inspect
import platform
import statistics
import textwrap
import time
from collections.abc import Callable, Iterator

import numpy as np

import seqlab
from seqlab import trace_hook as hook
from seqlab.layers import LSTM, Activation, Dense, Embedding, Input, SimpleRNN
from seqlab.layers.base import Layer
from seqlab.layers.recurrent import RNNBase
from seqlab.models import Sequential
from seqlab.trace import record

HOOKED: tuple[tuple[type, str], ...] = (
    (Layer, "__call__"), (RNNBase, "backward"), (Dense, "backward"), (Activation, "backward"))


class _DropHooks(ast.NodeTransformer):
    def visit_If(self, node: ast.If) -> ast.AST | None:
        if "trace_hook" in ast.unparse(node.test):
            return None
        return self.generic_visit(node)


def without_hooks(func: Callable) -> Callable:
    """``func`` recompiled from its source without the trace-hook ``if`` statements."""
    source = textwrap.dedent(inspect.getsource(func))
    if "super()" in source:
        raise ValueError(f"{func.__qualname__} uses super(); cannot recompile it alone")
    tree = _DropHooks().visit(ast.parse(source))
    ast.fix_missing_locations(tree)
    if "trace_hook" in ast.unparse(tree):
        raise ValueError(f"{func.__qualname__}: a hook was left in")
    namespace: dict = {}
    code = compile(tree, inspect.getsourcefile(func), "exec")
    exec(code, func.__globals__, namespace)  # noqa: S102 - seqlab's own source, hooks removed
    return namespace[func.__name__]


ORIGINAL = {(cls, name): cls.__dict__[name] for cls, name in HOOKED}
STRIPPED = {key: without_hooks(fn) for key, fn in ORIGINAL.items()}


@contextlib.contextmanager
def variant(name: str, model: Layer) -> Iterator[None]:
    table = STRIPPED if name == "no hooks" else ORIGINAL
    for (cls, attr), fn in table.items():
        setattr(cls, attr, fn)
    try:
        if name == "recording":
            with record(model):
                yield
        else:
            yield
    finally:
        for (cls, attr), fn in ORIGINAL.items():
            setattr(cls, attr, fn)


def workloads(quick: bool) -> dict[str, tuple[Layer, Callable[[], None]]]:
    rng = np.random.default_rng(0)
    out: dict[str, tuple[Layer, Callable[[], None]]] = {}

    B, T, D, H = 32, 100, 32, 32
    lstm = Sequential([Input((T, D)), LSTM(H, seed=0), Dense(1, activation="sigmoid", seed=1)])
    x = rng.normal(size=(B, T, D)).astype("float32")
    dy = rng.normal(size=(B, 1)).astype("float32")

    def lstm_step() -> None:
        lstm.zero_grad()
        lstm(x, training=True)
        lstm.backward(dy)

    out[f"LSTM({H}) fwd+bwd B={B} T={T}"] = (lstm, lstm_step)

    tiny = Sequential([Input((4,)), Dense(4, activation="relu", seed=0), Dense(2, seed=1),
                       Activation("softmax")])
    xt = rng.normal(size=(8, 4)).astype("float32")
    dt = rng.normal(size=(8, 2)).astype("float32")

    def tiny_step() -> None:
        tiny(xt, training=True)
        tiny.backward(dt)

    out["3 tiny layers fwd+bwd B=8 (worst case)"] = (tiny, tiny_step)

    n = 256 if quick else 1024
    ids = rng.integers(1, 1000, size=(n, 40))
    labels = rng.integers(0, 2, size=(n,)).astype("float32")
    fit_model = Sequential([Input((40,), dtype="int64"), Embedding(1000, 16, seed=0),
                            SimpleRNN(16, seed=1), Dense(1, activation="sigmoid", seed=2)])
    fit_model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])

    def fit_epoch() -> None:
        fit_model.fit(ids, labels, batch_size=32, epochs=1, verbose=0, seed=0)

    out[f"fit 1 epoch, Embedding+SimpleRNN(16), {n} x 40 ids"] = (fit_model, fit_epoch)
    return out


def time_calls(fn: Callable[[], None], seconds: float) -> list[float]:
    """Seconds per call of ``fn``, one entry per call, for about ``seconds``."""
    times = []
    end = time.perf_counter() + seconds
    while True:
        start = time.perf_counter()
        fn()
        stop = time.perf_counter()
        times.append(stop - start)
        if stop > end:
            return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15,
                        help="rounds; each runs every variant in turn (default 15)")
    parser.add_argument("--seconds", type=float, default=0.25,
                        help="time per variant per round (default 0.25)")
    parser.add_argument("--threads", type=int, default=None,
                        help="numba threads (default: as configured)")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    import numba

    if args.threads is not None:
        numba.set_num_threads(args.threads)

    variants = ("hooks", "no hooks", "recording")
    print(f"seqlab {seqlab.__version__}, kernels={seqlab.config.kernels()}, numba threads "
          f"{numba.get_num_threads()}, numpy {np.__version__}, python "
          f"{platform.python_version()}, {platform.machine()}")
    for name, (model, fn) in workloads(args.quick).items():
        fn()  # warm-up: compile, allocate
        samples: dict[str, list[float]] = {v: [] for v in variants}
        for _ in range(args.rounds):
            for v in variants:
                with variant(v, model):
                    fn()  # untimed: the first call after a switch pays for it
                    samples[v].extend(time_calls(fn, args.seconds))
        med = {v: statistics.median(s) for v, s in samples.items()}
        p10 = {v: float(np.percentile(s, 10)) for v, s in samples.items()}
        low = {v: min(s) for v, s in samples.items()}
        print(f"\n{name}  ({args.rounds} interleaved rounds; calls per variant: "
              f"{', '.join(f'{v} {len(s)}' for v, s in samples.items())})")
        for v in variants:
            print(f"  {v:10s} median {med[v] * 1e3:9.3f} ms   10th pct {p10[v] * 1e3:9.3f} ms"
                  f"   min {low[v] * 1e3:9.3f} ms")
        print(f"  hooks / no hooks: median {med['hooks'] / med['no hooks']:.3f}, 10th pct "
              f"{p10['hooks'] / p10['no hooks']:.3f}, min {low['hooks'] / low['no hooks']:.3f};"
              f"   recording / no hooks: median {med['recording'] / med['no hooks']:.2f}")
    get = hook.ACTIVE.get
    n = 1_000_000
    start = time.perf_counter()
    for _ in range(n):
        get()
    print(f"\none ACTIVE.get() check: {(time.perf_counter() - start) / n * 1e9:.0f} ns "
          "(a loop of bare calls; the hooks add one per layer call)")


if __name__ == "__main__":
    main()
