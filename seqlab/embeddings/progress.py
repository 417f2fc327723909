"""Training progress for word2vec: words/s and a running loss estimate.

A rich progress bar on a terminal; otherwise plain text lines on stderr at
most every ``interval`` seconds (and at the end). Silent when not verbose.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class TrainingProgress:
    """Collects per-job counts; prints them when ``verbose``.

    ``update(words, examples, loss_sum)``: in-vocabulary words read, and the
    loss summed over ``examples`` training examples (skip-gram pairs or CBOW
    windows) for the running mean.
    """

    def __init__(self, total_words: int, verbose: bool, description: str = "word2vec",
                 stream: TextIO | None = None, interval: float = 5.0) -> None:
        self.total_words = max(int(total_words), 1)
        self.verbose = verbose
        self.words = 0
        self.examples = 0
        self.loss_sum = 0.0
        self.start = time.perf_counter()
        self._interval = interval
        self._last_print = self.start
        self._stream = stream if stream is not None else sys.stderr
        self._rich = None
        if verbose:
            self._start_rich(description)

    def _start_rich(self, description: str) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        console = Console(file=self._stream)
        if not console.is_terminal:
            return
        self._rich = Progress(
            TextColumn("{task.description}"), BarColumn(),
            TextColumn("{task.percentage:>5.1f}%"),
            TextColumn("{task.fields[rate]} words/s  loss {task.fields[loss]}"),
            TimeRemainingColumn(), console=console, transient=False)
        self._task = self._rich.add_task(description, total=self.total_words, rate="-", loss="-")
        self._rich.start()

    @property
    def words_per_second(self) -> float:
        elapsed = time.perf_counter() - self.start
        return self.words / elapsed if elapsed > 0 else 0.0

    @property
    def mean_loss(self) -> float:
        """Mean loss per training example so far (nan before any example)."""
        return self.loss_sum / self.examples if self.examples else float("nan")

    def update(self, words: int, examples: int, loss_sum: float) -> None:
        self.words += int(words)
        self.examples += int(examples)
        self.loss_sum += float(loss_sum)
        if not self.verbose:
            return
        if self._rich is not None:
            self._rich.update(self._task, completed=self.words,
                              rate=f"{self.words_per_second:,.0f}", loss=f"{self.mean_loss:.4f}")
            return
        now = time.perf_counter()
        if now - self._last_print >= self._interval:
            self._last_print = now
            self._print_line()

    def _print_line(self) -> None:
        share = 100.0 * self.words / self.total_words
        print(f"word2vec: {share:5.1f}%  {self.words:,} words  "
              f"{self.words_per_second:,.0f} words/s  loss {self.mean_loss:.4f}",
              file=self._stream, flush=True)

    def close(self) -> None:
        if not self.verbose:
            return
        if self._rich is not None:
            self._rich.stop()
            self._rich = None
        else:
            self._print_line()
