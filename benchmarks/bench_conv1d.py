"""Conv1D forward + backward per batch: seqlab (Numba and NumPy kernels) vs PyTorch.

Shape (issue 2): B=128, T=500, 32 → 32 channels, kernel 7, "valid", float32.
seqlab runs the Conv1D layer on channels-last x (B, T, D); torch runs
nn.Conv1d on its own channels-first layout (B, D, T). One timed step is
``y = conv(x)`` then the backward pass for a fixed upstream gradient (input,
weight and bias gradients), as in training.

Each thread count runs in its own subprocess, with OMP/OPENBLAS/NUMBA thread
variables set before anything is imported; inside, BLAS is also limited with
threadpoolctl when installed, ``torch.set_num_threads`` and
``numba.set_num_threads`` are set, and the three implementations are timed in
interleaved rounds (so a busy machine slows them alike), each timed call
right after an untimed call of the same implementation, so the worker threads
that BLAS and OpenMP leave spinning after another implementation's call do
not slow it (see bench_recurrent.py). OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE are left as the environment has them; the BLAS kernel that ran
is printed.

    python benchmarks/bench_conv1d.py --threads 1 2 --repeats 30
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np


def blas_info() -> str:
    """Which BLAS (and which OpenBLAS kernel) numpy's matmul runs on."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        core = os.environ.get("OPENBLAS_CORETYPE", "unset")
        return f"threadpoolctl not installed; OPENBLAS_CORETYPE={core} (see numpy.show_config())"
    return "; ".join(
        f"{os.path.basename(i['filepath'])}: {i['internal_api']} {i.get('version', '?')}, "
        f"kernel {i.get('architecture', '?')}, {i['num_threads']} thread(s)"
        for i in threadpool_info() if i["user_api"] == "blas"
    )


def measure(args: argparse.Namespace) -> dict:
    """Runs in the subprocess: time every implementation at ``args.worker`` threads."""
    threads = args.worker
    import numba
    import torch

    from seqlab.config import use_kernels
    from seqlab.layers.conv import Conv1D

    limiter = None
    try:
        from threadpoolctl import threadpool_limits
        limiter = threadpool_limits(threads, user_api="blas")
    except ImportError:
        pass
    torch.set_num_threads(threads)
    numba.set_num_threads(threads)

    B, T, D, F, K = args.batch, args.steps, args.channels, args.filters, args.kernel_size
    rng = np.random.default_rng(0)
    x = rng.standard_normal((B, T, D)).astype(np.float32)
    layer = Conv1D(F, K, seed=0)
    layer.build((None, T, D))
    T_out = layer.compute_output_shape((B, T, D))[1]
    dy = rng.standard_normal((B, T_out, F)).astype(np.float32)

    module = torch.nn.Conv1d(D, F, K)
    with torch.no_grad():
        module.weight.copy_(torch.from_numpy(layer.kernel.value.transpose(2, 1, 0).copy()))
        module.bias.copy_(torch.from_numpy(layer.bias.value))
    xt = torch.from_numpy(x.transpose(0, 2, 1).copy()).requires_grad_(True)  # (B, D, T)
    gt = torch.from_numpy(dy.transpose(0, 2, 1).copy())  # (B, F, T')

    def seqlab_step(kernels: str):
        def step():
            with use_kernels(kernels):
                y = layer(x)
                dx = layer.backward(dy)
            return y, dx
        return step

    def torch_step():
        y = module(xt)
        y.backward(gt)
        return y, xt.grad

    steps = {"seqlab numba": seqlab_step("numba"), "seqlab numpy": seqlab_step("numpy"),
             "torch": torch_step}
    # agreement check (float32) before timing; also compiles/warms everything
    y_s, dx_s = steps["seqlab numba"]()
    xt.grad = None
    y_t, dx_t = torch_step()
    err_y = float(np.max(np.abs(y_s - y_t.detach().numpy().transpose(0, 2, 1))))
    err_dx = float(np.max(np.abs(dx_s - dx_t.numpy().transpose(0, 2, 1))))
    for _ in range(args.warmup):
        for step in steps.values():
            step()
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(args.repeats):
        for name, step in steps.items():
            layer.zero_grad()
            xt.grad = None
            module.zero_grad()
            step()  # lead-in, untimed
            layer.zero_grad()
            xt.grad = None
            module.zero_grad()
            t0 = time.perf_counter()
            step()
            times[name].append(time.perf_counter() - t0)
    result = {
        "threads": threads,
        "median_ms": {n: 1e3 * float(np.median(v)) for n, v in times.items()},
        "min_ms": {n: 1e3 * float(np.min(v)) for n, v in times.items()},
        "max_abs_diff_vs_torch": {"y": err_y, "dx": err_dx},
        "blas": blas_info(),
        "numba_threads": numba.get_num_threads(),
        "torch_threads": torch.get_num_threads(),
    }
    if limiter is not None:
        limiter.restore_original_limits()
    return result


def run_subprocess(threads: int, args: argparse.Namespace) -> dict:
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                "NUMBA_NUM_THREADS"):
        env[var] = str(threads)
    cmd = [sys.executable, __file__, "--worker", str(threads), "--repeats", str(args.repeats),
           "--warmup", str(args.warmup), "--batch", str(args.batch), "--steps", str(args.steps),
           "--channels", str(args.channels), "--filters", str(args.filters),
           "--kernel-size", str(args.kernel_size)]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(results: list[dict], args: argparse.Namespace) -> str:
    lines = [
        (f"Conv1D forward + backward, B={args.batch}, T={args.steps}, "
         f"{args.channels}→{args.filters} channels, K={args.kernel_size}, float32, "
         f"median of {args.repeats} (ms)"),
        "",
        ("| threads | seqlab numba | seqlab numpy | torch nn.Conv1d | numba / torch "
         "| numpy / torch |"),
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        m = r["median_ms"]
        lines.append(
            f"| {r['threads']} | {m['seqlab numba']:.1f} | {m['seqlab numpy']:.1f} "
            f"| {m['torch']:.1f} | {m['seqlab numba'] / m['torch']:.2f}x "
            f"| {m['seqlab numpy'] / m['torch']:.2f}x |"
        )
    lines.append("")
    for r in results:
        d, lo = r["max_abs_diff_vs_torch"], r["min_ms"]
        lines.append(f"- {r['threads']} thread(s): fastest of {args.repeats}: seqlab numba "
                     f"{lo['seqlab numba']:.1f} ms, seqlab numpy {lo['seqlab numpy']:.1f} ms, "
                     f"torch {lo['torch']:.1f} ms "
                     f"({lo['seqlab numba'] / lo['torch']:.2f}x); BLAS {r['blas']}; numba threads "
                     f"{r['numba_threads']}, torch threads {r['torch_threads']}; "
                     f"max |seqlab − torch|: y {d['y']:.1e}, dx {d['dx']:.1e}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--channels", type=int, default=32)
    parser.add_argument("--filters", type=int, default=32)
    parser.add_argument("--kernel-size", type=int, default=7)
    parser.add_argument("--json", help="also write the results to this JSON file")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        print(json.dumps(measure(args)))
        return 0
    results = [run_subprocess(n, args) for n in args.threads]
    print(table(results, args))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(results, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
