"""Plain-text progress for fit/evaluate: no terminal control beyond ``\\r``.

verbose=1 on a terminal redraws one line per batch::

     12/40 [========>.....................] - ETA: 3s - loss: 0.6931 - accuracy: 0.5120

and ends each epoch with its time; when the output is not a terminal (CI
logs, files) only the finished line is printed, once per epoch. verbose=2
prints one line per epoch without the bar.
"""

from __future__ import annotations

import math
import sys
import time
from typing import Any, TextIO


def format_value(value: float) -> str:
    """4 decimals, or scientific notation for very small / large numbers."""
    v = float(value)
    if not math.isfinite(v):
        return str(v)
    if v == 0 or 1e-3 <= abs(v) < 1e5:
        return f"{v:.4f}"
    return f"{v:.4e}"


def format_duration(seconds: float) -> str:
    """``12s``, ``3:05`` or ``1:02:09``."""
    s = round(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}:{s % 60:02d}"
    return f"{s // 3600}:{(s % 3600) // 60:02d}:{s % 60:02d}"


def _per_step(seconds: float, steps: int) -> str:
    t = seconds / max(steps, 1)
    return f"{t:.0f}s/step" if t >= 1 else f"{t * 1e3:.0f}ms/step" if t >= 1e-3 \
        else f"{t * 1e6:.0f}us/step"


def _values(logs: dict[str, Any] | None) -> str:
    return "".join(f" - {k}: {format_value(v)}" for k, v in (logs or {}).items())


class ProgressBar:
    """One epoch's progress: ``update(step, logs)`` after each batch, then ``finish(logs)``."""

    def __init__(self, total: int, verbose: int = 1, stream: TextIO | None = None,
                 width: int = 30, interval: float = 0.05):
        self.total = int(total)
        self.verbose = verbose
        self.stream = stream if stream is not None else sys.stdout
        self.width = width
        self.interval = interval
        isatty = getattr(self.stream, "isatty", None)
        self.dynamic = bool(isatty and isatty())
        self.start = time.perf_counter()
        self._last_draw = 0.0
        self._last_len = 0
        self.step = 0

    def _bar(self, step: int) -> str:
        digits = len(str(self.total))
        done = int(self.width * step / max(self.total, 1))
        arrow = ">" if step < self.total else "="
        bar = "=" * max(done - 1, 0) + (arrow if done > 0 else "") + "." * (self.width - done)
        return f"{step:>{digits}}/{self.total} [{bar}]"

    def _write(self, line: str, end: str = "") -> None:
        pad = " " * max(self._last_len - len(line), 0)
        self.stream.write(("\r" if self.dynamic else "") + line + pad + end)
        self.stream.flush()
        self._last_len = len(line)

    def update(self, step: int, logs: dict[str, Any] | None = None) -> None:
        """Redraw after ``step`` of ``total`` batches (terminals only, throttled)."""
        self.step = step
        if self.verbose != 1 or not self.dynamic:
            return
        now = time.perf_counter()
        if step < self.total and now - self._last_draw < self.interval:
            return
        self._last_draw = now
        elapsed = now - self.start
        eta = elapsed / max(step, 1) * (self.total - step)
        self._write(f"{self._bar(step)} - ETA: {format_duration(eta)}{_values(logs)}")

    def finish(self, logs: dict[str, Any] | None = None) -> None:
        """Print the epoch's final line with its time and every value in ``logs``."""
        elapsed = time.perf_counter() - self.start
        steps = self.step or self.total
        timing = f"{format_duration(elapsed)} {_per_step(elapsed, steps)}"
        if self.verbose == 1:
            self._write(f"{self._bar(steps)} - {timing}{_values(logs)}", end="\n")
        elif self.verbose == 2:
            self._write(f"{steps}/{self.total} - {timing}{_values(logs)}", end="\n")
