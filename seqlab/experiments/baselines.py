"""Computed baselines for the weather experiments: evaluated, not trained.

naive (the book's common-sense baseline, listing 6.35): the target ``delay``
steps ahead is the last value of the window,

    ŷ = x[t_end, target]        MAE = mean |ŷ − y| over the windows of a split

ridge (the strongest cheap baseline): a linear model on the whole window,
fitted in closed form on every training window,

    w = (XᵀX + λ·N·I)⁻¹ Xᵀy     X (N, L·F + 1): flattened windows and a 1

with λ chosen from a small grid by the validation MAE (the bias is not
penalised). XᵀX and Xᵀy are summed batch by batch, so no design matrix is
ever held in memory. Errors are in normalised units (the book's) and, via
the target's training std, in the target's own unit.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from seqlab.experiments.data import Prepared, WindowedSeries

__all__ = ["evaluate", "evaluate_series", "naive_mae", "ridge_fit"]

RIDGE_GRID = (1e-4, 1e-3, 1e-2, 1e-1, 1.0)


def _windows(s: WindowedSeries, part: tuple[int, int]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Every window of a split in order, in batches: (x (b, L, F), y (b,))."""
    lo, hi = part
    ends = np.arange(lo + s.lookback, hi + 1)
    for k in range(0, ends.shape[0], s.batch_size):
        rows = ends[k:k + s.batch_size]
        x = np.stack([s.values[r - s.lookback:r:s.step] for r in rows])  # (b, L, F)
        yield x, s.values[rows + s.delay, s.target]


def naive_mae(s: WindowedSeries, part: tuple[int, int]) -> float:
    """MAE of "the target stays as it was last seen" over a split's windows."""
    total, count = 0.0, 0
    for x, y in _windows(s, part):
        total += float(np.abs(x[:, -1, s.target] - y).sum())
        count += y.shape[0]
    return total / count


def _design(x: np.ndarray) -> np.ndarray:
    return np.concatenate([x.reshape(x.shape[0], -1), np.ones((x.shape[0], 1), x.dtype)],
                          axis=1).astype(np.float64)  # (b, L·F + 1)


def ridge_fit(s: WindowedSeries, lam: float, gram: tuple[np.ndarray, np.ndarray, int]
              ) -> np.ndarray:
    """The ridge weights for penalty ``lam`` from the sums (XᵀX, Xᵀy, N)."""
    xtx, xty, n = gram
    penalty = np.full(xtx.shape[0], lam * n)
    penalty[-1] = 0.0  # the bias is not penalised
    return np.linalg.solve(xtx + np.diag(penalty), xty)


def _ridge_mae(s: WindowedSeries, w: np.ndarray, part: tuple[int, int]) -> float:
    total, count = 0.0, 0
    for x, y in _windows(s, part):
        total += float(np.abs(_design(x) @ w - y).sum())
        count += y.shape[0]
    return total / count


def _ridge(s: WindowedSeries) -> dict[str, Any]:
    dim = len(range(0, s.lookback, s.step)) * s.values.shape[1] + 1  # ⌈L/step⌉·F + 1
    xtx, xty, n = np.zeros((dim, dim)), np.zeros(dim), 0
    for x, y in _windows(s, s.train):
        d = _design(x)
        xtx += d.T @ d
        xty += d.T @ y
        n += y.shape[0]
    scores = {lam: _ridge_mae(s, ridge_fit(s, lam, (xtx, xty, n)), s.validation)
              for lam in RIDGE_GRID}
    best = min(scores, key=scores.get)
    w = ridge_fit(s, best, (xtx, xty, n))
    return {"val_loss": scores[best], "test_loss": _ridge_mae(s, w, s.test), "lambda": best,
            "lambda_scores": {str(k): v for k, v in scores.items()}, "train_windows": n}


def evaluate(kind: str, data: Prepared) -> dict[str, Any]:
    """Metrics of the computed baseline ``kind`` ("naive" or "ridge") on a weather series."""
    if data.series is None:
        raise ValueError(f"baseline {kind!r} needs a time series (a weather dataset)")
    return evaluate_series(kind, data.series)


def evaluate_series(kind: str, s: WindowedSeries) -> dict[str, Any]:
    """Metrics of the computed baseline ``kind`` ("naive" or "ridge") on a windowed series."""
    if kind == "naive":
        found = {"val_loss": naive_mae(s, s.validation), "test_loss": naive_mae(s, s.test)}
    elif kind == "ridge":
        found = _ridge(s)
    else:
        raise ValueError(f"unknown baseline {kind!r}; known: ['naive', 'ridge']")
    found["val_loss_in_target_unit"] = found["val_loss"] * s.target_std
    found["test_loss_in_target_unit"] = found["test_loss"] * s.target_std
    return {"baseline": kind, "summary": found, "test": {"test_loss": found["test_loss"]}}
