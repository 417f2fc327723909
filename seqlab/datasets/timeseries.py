"""Sliding windows over a time series, for forecasting (NumPy only).

The book's two editions cut a series into training samples in two ways:

* :func:`timeseries_dataset_from_array` (2nd edition, Keras' function): a
  :class:`TimeseriesDataset` of batches of windows, with Keras' semantics;
* :func:`generator` (1st edition, listing 6.33): an infinite Python
  generator of ``(samples, targets)``, rows drawn in order or at random.

Neither holds more than one batch of windows: a batch is gathered from the
array when it is asked for (B × L × D values), so memory does not grow with
the number of windows. (With 240-step windows, all windows of a
35,000-hour × 12-station series would take gigabytes.)

Both read any array whose axis 0 is time. A Sequence's batches feed
``model.fit(dataset, ...)`` and a generator's ``model.fit(gen,
steps_per_epoch=...)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from seqlab import checks
from seqlab.random import SeedLike, make_rng

__all__ = ["TimeseriesDataset", "generator", "timeseries_dataset_from_array"]


def _series(data: Any, what: str, who: str) -> np.ndarray:
    """``data`` as an array with a time axis and at least one step (no copy of an array)."""
    arr = np.asarray(data)
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"{who}: {what} must be numeric, got dtype {arr.dtype}")
    if arr.ndim == 0 or arr.shape[0] == 0:
        raise ValueError(f"{who}: {what} must have a time axis with at least one step, "
                         f"got shape {arr.shape}")
    return arr


class TimeseriesDataset:
    """Batches of windows over ``data``, made lazily: a Sequence with ``len``,
    ``dataset[i]``, iteration and ``on_epoch_end`` (what ``fit`` reads).

    With L = ``sequence_length``, r = ``sampling_rate``, s = ``sequence_stride``,
    a = ``start_index`` and b = ``end_index``, window k starts at row
    ``t_k = a + k·s`` and holds the rows

        t_k, t_k + r, ..., t_k + (L − 1)·r          (all < b)

    Its target is ``targets[t_k]`` (Keras: ``targets[i]`` belongs to the window
    that starts at row i). To forecast h rows past a window's last row, shift
    the targets: ``data[:-delay]`` with ``targets[delay:]``, delay = (L − 1)·r + h,
    as the book's 2nd edition does. The windows are k = 0 .. n − 1 with
    ``k·s < min(b − a − (L − 1)·r, len(targets) − a)``.

    Batch i holds windows ``order[i·B : (i + 1)·B]`` (B = ``batch_size``):
    the windows in time order, or, with ``shuffle``, in a permutation drawn from
    ``seed``; ``on_epoch_end()`` draws the next permutation, so every epoch
    differs and the whole sequence of epochs repeats with the seed. Each item is
    ``(windows, targets)`` of shapes ``(B, L, *data.shape[1:])`` and
    ``(B, *targets.shape[1:])``, or ``windows`` alone when ``targets`` is None;
    with ``batch_size=None`` each item is one window (no batch axis: for looking
    at windows, not for ``fit``, which reads batches).
    """

    def __init__(self, data: Any, targets: Any, sequence_length: int,
                 sequence_stride: int = 1, sampling_rate: int = 1,
                 batch_size: int | None = 128, shuffle: bool = False, seed: SeedLike = None,
                 start_index: int | None = None, end_index: int | None = None):
        who = "timeseries_dataset_from_array"
        self.data = _series(data, "data", who)
        self.targets = None if targets is None else _series(targets, "targets", who)
        self.sequence_length = checks.positive_int(who, "sequence_length", sequence_length)
        self.sequence_stride = checks.positive_int(who, "sequence_stride", sequence_stride)
        self.sampling_rate = checks.positive_int(who, "sampling_rate", sampling_rate)
        self.batch_size = checks.integer(who, "batch_size", batch_size, 1, allow_none=True)
        if not isinstance(shuffle, bool):
            raise TypeError(f"{who}: shuffle must be True or False, got {shuffle!r}")
        rows = self.data.shape[0]
        start = 0 if start_index is None else checks.integer(who, "start_index", start_index, 0)
        if start >= rows:
            raise ValueError(f"{who}: start_index must be below the {rows} rows of data, "
                             f"got start_index={start_index}")
        end = rows if end_index is None else checks.integer(who, "end_index", end_index, 1)
        if not start < end <= rows:
            raise ValueError(f"{who}: end_index must be in ({start}, {rows}] (after "
                             f"start_index, within the {rows} rows of data), got "
                             f"end_index={end_index}")
        self.start_index, self.end_index = start, end
        span = (self.sequence_length - 1) * self.sampling_rate + 1
        room = self.end_index - self.start_index
        if span > room:
            raise ValueError(
                f"{who}: a window of sequence_length={self.sequence_length} rows every "
                f"sampling_rate={self.sampling_rate} spans {span} rows, more than the {room} "
                f"rows of data from start_index={self.start_index} to "
                f"end_index={self.end_index}"
            )
        positions = room - span + 1  # window starts t with a <= t < a + positions
        if self.targets is not None:
            if self.targets.shape[0] <= self.start_index:
                raise ValueError(
                    f"{who}: targets has {self.targets.shape[0]} entries, none for the window "
                    f"that starts at start_index={self.start_index}"
                )
            positions = min(positions, self.targets.shape[0] - self.start_index)
        self.num_windows = -(-positions // self.sequence_stride)
        self._batches = (self.num_windows if self.batch_size is None
                         else -(-self.num_windows // self.batch_size))
        self.shuffle = shuffle
        self._rng = make_rng(seed) if shuffle else None
        self._order = self._rng.permutation(self.num_windows) if shuffle else None

    # ------------------------------------------------------------ windows
    def _gather(self, windows: np.ndarray) -> Any:
        """The windows numbered ``windows`` (and their targets), gathered from the rows."""
        starts = self.start_index + windows.astype(np.int64) * self.sequence_stride  # (B,)
        steps = np.arange(self.sequence_length) * self.sampling_rate  # (L,)
        x = self.data[starts[:, None] + steps]  # (B, L, *data.shape[1:])
        return x if self.targets is None else (x, self.targets[starts])

    def __len__(self) -> int:
        return self._batches

    def __getitem__(self, index: int) -> Any:
        if not isinstance(index, (int, np.integer)) or isinstance(index, bool):
            raise TypeError(f"TimeseriesDataset: index must be an int, got {index!r}")
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"TimeseriesDataset: batch {index} is out of range for {n} batches")
        index = int(index) % n
        size = 1 if self.batch_size is None else self.batch_size
        windows = np.arange(index * size, min((index + 1) * size, self.num_windows))
        if self._order is not None:
            windows = self._order[windows]
        item = self._gather(windows)
        if self.batch_size is not None:
            return item
        return item[0] if self.targets is None else (item[0][0], item[1][0])

    def __iter__(self) -> Iterator[Any]:
        for i in range(len(self)):
            yield self[i]

    def on_epoch_end(self) -> None:
        """With ``shuffle``, draw the next epoch's order of the windows."""
        if self._rng is not None:
            self._order = self._rng.permutation(self.num_windows)

    def __repr__(self) -> str:
        return (f"TimeseriesDataset({self.num_windows} windows of {self.sequence_length} "
                f"steps over data {self.data.shape}, {len(self)} batches of "
                f"{self.batch_size}, shuffle={self.shuffle})")


def timeseries_dataset_from_array(
        data: Any, targets: Any, sequence_length: int, sequence_stride: int = 1,
        sampling_rate: int = 1, batch_size: int | None = 128, shuffle: bool = False,
        seed: SeedLike = None, start_index: int | None = None,
        end_index: int | None = None) -> TimeseriesDataset:
    """Keras' ``timeseries_dataset_from_array``: batches of sliding windows over
    ``data`` (axis 0 is time) with their ``targets``, as a lazy
    :class:`TimeseriesDataset` (the window rule is there).

    Where Keras is silent or fails, this one decides: a window longer than the
    data (Keras returns an empty dataset) and ``targets`` that end before the
    first window raise ValueError; ``end_index == len(data)`` is accepted (Keras
    refuses it, though it means the same as None); windows whose target lies
    past the end of ``targets`` are dropped for every ``start_index`` (Keras
    drops them for ``start_index=0`` only). ``seed`` is an int or a
    ``np.random.Generator``; None draws one from seqlab's global generator
    (``seqlab.set_random_seed``).

    Example, the 2nd edition's temperature forecast (120 hourly steps, 24 h ahead)::

        delay = sampling_rate * (sequence_length + 24 - 1)
        train = timeseries_dataset_from_array(
            raw_data[:-delay], targets=temperature[delay:], sampling_rate=6,
            sequence_length=120, shuffle=True, batch_size=256, start_index=0,
            end_index=num_train_samples)
    """
    return TimeseriesDataset(data, targets, sequence_length, sequence_stride, sampling_rate,
                             batch_size, shuffle, seed, start_index, end_index)


def generator(data: Any, lookback: int, delay: int, min_index: int, max_index: int | None,
              shuffle: bool = False, batch_size: int = 128, step: int = 6,
              target_column: int = 1, seed: SeedLike = None
              ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The 1st edition's generator (listing 6.33): an endless stream of batches.

    ``data`` is (rows, D). Each batch picks "present" rows i and yields

        samples[j] = data[i_j − lookback : i_j : step]       (lookback // step, D)
        targets[j] = data[i_j + delay, target_column]       (the book's column 1)

    Rows i lie in ``[min_index + lookback, max_index)``; ``max_index=None``
    means ``len(data) − delay − 1``. With ``shuffle``, each batch is
    ``batch_size`` rows drawn uniformly with replacement (from ``seed``);
    otherwise the rows run in order, ``batch_size`` at a time, and go back to
    ``min_index + lookback`` as soon as a whole batch no longer fits before
    ``max_index`` — so, as in the book, the last partial batch is never used,
    and if the range is shorter than one batch every batch is the whole range.

    Differences from the listing: the arguments are checked here, when the
    generator is made (the book fails inside, or loops on empty batches);
    ``lookback`` must be a multiple of ``step`` (the book's arrays have
    ``lookback // step`` rows and the assignment fails otherwise); samples and
    targets keep the dtype of float data (the book always makes float64;
    integer data gives float64 here too); randomness comes from ``seed``, not
    from NumPy's global state.
    """
    who = "generator"
    arr = _series(data, "data", who)
    if arr.ndim != 2:
        raise ValueError(f"{who}: data must be 2-D (rows, features), got shape {arr.shape}")
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    rows, features = arr.shape
    lookback = checks.positive_int(who, "lookback", lookback)
    step = checks.positive_int(who, "step", step)
    batch_size = checks.positive_int(who, "batch_size", batch_size)
    delay = checks.integer(who, "delay", delay, 0)
    min_index = checks.integer(who, "min_index", min_index, 0)
    target_column = checks.integer(who, "target_column", target_column, 0)
    if target_column >= features:
        raise ValueError(f"{who}: target_column must be below the {features} columns of data, "
                         f"got {target_column}")
    if lookback % step:
        raise ValueError(f"{who}: lookback must be a multiple of step (windows have "
                         f"lookback // step rows), got lookback={lookback}, step={step}")
    if max_index is None:
        max_index = rows - delay - 1
    max_index = checks.integer(who, "max_index", max_index, 1)
    if max_index - 1 + delay >= rows:
        raise ValueError(
            f"{who}: delay={delay} after the last row max_index - 1 = {max_index - 1} is row "
            f"{max_index - 1 + delay}, past the end of data ({rows} rows); lower max_index "
            f"to at most {rows - delay} or the delay"
        )
    first = min_index + lookback
    if first >= max_index:
        raise ValueError(
            f"{who}: lookback={lookback} rows from min_index={min_index} leave no row before "
            f"max_index={max_index} (the first row with a full window is {first})"
        )
    if not isinstance(shuffle, bool):
        raise TypeError(f"{who}: shuffle must be True or False, got {shuffle!r}")
    rng = make_rng(seed) if shuffle else None
    offsets = np.arange(-lookback, 0, step)  # (lookback // step,)

    def batches() -> Iterator[tuple[np.ndarray, np.ndarray]]:
        i = first
        while True:
            if rng is not None:
                present = rng.integers(first, max_index, size=batch_size)
            else:
                if i + batch_size >= max_index:
                    i = first
                present = np.arange(i, min(i + batch_size, max_index))
                i += present.shape[0]
            samples = arr[present[:, None] + offsets]  # (B, lookback // step, D)
            yield samples, arr[present + delay, target_column]

    return batches()
