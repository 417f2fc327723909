"""Batch sources: where fit, evaluate and predict read their batches from.

Arrays (``ArrayBatches``) are checked whole before any work and cut into
batches of ``batch_size``. Everything else is a *stream* of batches made by
the user (``StreamBatches``), read the way Keras reads it:

* a **Sequence**: any object with ``__len__`` and ``__getitem__`` (the shape
  of ``keras.utils.Sequence`` / ``PyDataset``), or — when ``y`` is not given —
  a list or tuple whose items are all tuples (a list of batches). ``len(seq)``
  batches make one pass.
* a **generator** (any iterator: it has ``__next__``). It has no length and
  cannot restart, so a step count is required (``steps_per_epoch``,
  ``validation_steps``, ``steps``): an infinite generator would never end an
  epoch, and nothing tells it from a finite one.
* any other **iterable** (``__iter__`` without ``__len__``): each pass is a
  fresh ``iter(x)``; a step count is required, as for a generator.

Each batch is ``(x, y)`` or ``(x, y, sample_weight)``; ``predict`` takes ``x``
alone, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` and uses x. A list is
read as a tuple (Keras does the same), so a model with several inputs gets
``((x1, x2), y)``.

How many batches, and from where:

* Training without ``steps_per_epoch``: an epoch is one whole pass, from the
  first batch (a Sequence's epoch is ``len(seq)`` batches).
* Training with ``steps_per_epoch``: the epoch is the next ``steps_per_epoch``
  batches, continuing where the previous epoch stopped. A Sequence or an
  iterable that reaches its end starts a new pass; a generator that ends
  raises ValueError naming the epoch and step (the book's generators loop
  forever).
* Validation, ``evaluate`` and ``predict``: every run starts at the beginning
  of a Sequence or iterable (the same validation batches every epoch) and
  reads ``steps`` batches or one whole pass; it never wraps round (a batch
  would count twice), so ``steps`` beyond the end raises. A generator simply
  continues where it is.

``shuffle=True`` shuffles the batch order of each pass over a Sequence: pass
``p`` visits ``default_rng([seed, p]).permutation(len(seq))``. Generators and
iterables cannot be reordered, so ``shuffle`` is ignored for them, as in Keras.

``on_epoch_end()``, if the source has it, is called once at the end of each
training epoch (before validation), and once after each validation,
``evaluate`` or ``predict`` run over it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import numpy as np

from seqlab.models import data

#: One prepared batch: the inputs, the targets (None for predict) and the
#: sample weights (None when not given).
Batch = tuple[list[np.ndarray], list[np.ndarray] | None, np.ndarray | None]

_END = object()


class Batches(Protocol):
    """What the fit, evaluate and predict loops read: ``steps`` batches per run."""

    steps: int
    owner: str  # who reads them, for messages: "model 'm' fit()"

    def epoch(self, number: int = 0, where: str = "", seed: int = 0) -> Iterator[Batch]:
        """The batches of one run (an epoch of fit, or one evaluate/predict)."""

    def on_epoch_end(self) -> None:
        """Called once after each run."""


def is_stream(x: Any, y: Any = None) -> bool:
    """True when ``x`` is a Sequence, a generator, an iterable, or (``y`` not given)
    a list of batch tuples; False for arrays, nested lists of numbers and things
    NumPy reads as arrays (``__array__``)."""
    if x is None or isinstance(x, (np.ndarray, dict, str, bytes)) or hasattr(x, "__array__"):
        return False
    if isinstance(x, (list, tuple)):
        return y is None and len(x) > 0 and all(isinstance(item, tuple) for item in x)
    return (hasattr(x, "__len__") and hasattr(x, "__getitem__")) or hasattr(x, "__iter__")


def describe(value: Any) -> str:
    """A short account of what came, for error messages."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (tuple, list)):
        items = ", ".join(describe_short(v) for v in value)
        return f"a {type(value).__name__} of {len(value)} item(s) ({items})"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(value, key=str)}"
    return f"a {type(value).__name__} ({value!r:.60})"


def describe_short(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"array {value.shape} {value.dtype}"
    return type(value).__name__


def _shapes(arrays: list[np.ndarray]) -> str:
    return ", ".join(f"{a.shape} {a.dtype}" for a in arrays)


@contextlib.contextmanager
def naming(where: str, xs: list[np.ndarray], ys: list[np.ndarray] | None) -> Iterator[None]:
    """Put ``where`` (the run, the epoch and the step) and the batch's shapes in front
    of a ValueError or TypeError raised while the model works on that batch (a
    layer refusing a shape, a loss refusing the targets). Subclasses pass unchanged."""
    try:
        yield
    except (ValueError, TypeError) as exc:
        if type(exc) not in (ValueError, TypeError):
            raise
        held = f"x {_shapes(xs)}" + ("" if ys is None else f"; y {_shapes(ys)}")
        raise type(exc)(f"{where} (batch: {held}): {exc}") from exc


def unpack(batch: Any, with_y: bool, where: str) -> tuple[Any, Any, Any]:
    """``(x, y, sample_weight)`` from one batch as the user gave it (missing
    parts are None); ``with_y``: the batch must carry targets (fit, evaluate)."""
    if isinstance(batch, list):
        batch = tuple(batch)
    if isinstance(batch, tuple) and 1 <= len(batch) <= 3:
        x, y, weight = (*batch, None, None)[:3]
    elif isinstance(batch, tuple) or with_y:
        expected = ("a tuple (x, y) or (x, y, sample_weight)" if with_y
                    else "x, or a tuple (x,), (x, y) or (x, y, sample_weight)")
        raise ValueError(f"{where}: expected {expected}, got {describe(batch)}")
    else:
        x, y, weight = batch, None, None
    if with_y and y is None:
        raise ValueError(f"{where}: the batch has no targets: expected a tuple (x, y) or "
                         f"(x, y, sample_weight), got {describe(batch)}")
    return x, y, weight


class ArrayBatches:
    """Checked arrays cut into batches; epoch ``e`` visits the samples in the order
    ``default_rng([seed, e]).permutation(N)`` when shuffled (``seed`` is fit's), else
    in order. ``where`` is not needed: arrays were checked before the first epoch."""

    def __init__(self, xs: list[np.ndarray], ys: list[np.ndarray] | None,
                 weights: np.ndarray | None, batch_size: int, owner: str,
                 shuffle: bool = False):
        self.xs, self.ys, self.weights = xs, ys, weights
        self.owner = owner
        self.samples = xs[0].shape[0]
        self.batch_size = batch_size
        self.steps = -(-self.samples // batch_size)
        self.shuffle = shuffle

    def split_last(self, fraction: float, val_owner: str
                   ) -> tuple[ArrayBatches, ArrayBatches]:
        """Keras' ``validation_split``: training keeps the first samples, validation gets
        the LAST ``fraction`` (``data.split_last``), weights included; never shuffled."""
        (xs, val_xs), (ys, val_ys) = (data.split_last(a, fraction, self.owner)
                                      for a in (self.xs, self.ys))
        weights = val_weights = None
        if self.weights is not None:
            (weights,), (val_weights,) = data.split_last([self.weights], fraction, self.owner)
        return (ArrayBatches(xs, ys, weights, self.batch_size, self.owner, self.shuffle),
                ArrayBatches(val_xs, val_ys, val_weights, self.batch_size, val_owner))

    def epoch(self, number: int = 0, where: str = "", seed: int = 0) -> Iterator[Batch]:
        order = (np.random.default_rng([seed, number]).permutation(self.samples)
                 if self.shuffle else np.arange(self.samples))
        for idx in data.batch_slices(order, self.batch_size):
            yield (data.take(self.xs, idx),
                   None if self.ys is None else data.take(self.ys, idx),
                   None if self.weights is None else self.weights[idx])

    def on_epoch_end(self) -> None:
        """Arrays have nothing to do between epochs."""


class StreamBatches:
    """Batches from a user's Sequence, list of batches, generator or iterable
    (the rules are in the module docstring).

    ``prepare(raw_batch, where)`` turns one batch as the user gave it into a
    checked ``Batch``; ``where`` names the run, the epoch and the step for its
    messages. ``continuous``: training with an explicit step count, where each
    epoch continues the previous one.
    """

    def __init__(self, source: Any, steps: int | None, steps_arg: str,
                 prepare: Callable[[Any, str], Batch], owner: str, *,
                 continuous: bool = False, shuffle: bool = False):
        self.source = source
        self.owner = owner
        self.prepare = prepare
        self.is_sequence = hasattr(source, "__len__") and hasattr(source, "__getitem__")
        self.is_iterator = not self.is_sequence and hasattr(source, "__next__")
        self.kind = ("Sequence" if self.is_sequence
                     else "generator" if self.is_iterator else "iterable")
        self.shuffle = shuffle and self.is_sequence
        self.continuous = continuous
        self._pass = 0
        self._stream: Iterator[Any] | None = None
        if steps is None:
            if not self.is_sequence:
                raise ValueError(
                    f"{owner}: the data is {'an' if self.kind == 'iterable' else 'a'} "
                    f"{self.kind}, which has no length: pass "
                    f"{steps_arg}= (the number of batches to read); an infinite generator "
                    "would never end on its own. For data that restarts every epoch, pass a "
                    "Sequence (with __len__ and __getitem__) or a list of batches"
                )
            steps = self._length()
        self.steps = steps
        if self.is_sequence and not continuous and steps > self._length():
            raise ValueError(
                f"{owner}: {steps_arg}={steps} is more than the {self._length()} batches "
                "of the Sequence; each batch is read once per run"
            )

    def _length(self) -> int:
        n = len(self.source)
        if not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"{self.owner}: the Sequence has no batches (len() is {n!r})")
        return int(n)

    def _one_pass(self, seed: int) -> Iterator[Any]:
        if not self.is_sequence:
            # a for loop, not ``yield from``: closing this pass must not close a generator
            for batch in self.source if self.is_iterator else iter(self.source):  # noqa: UP028
                yield batch
            return
        n = self._length()
        order = (np.random.default_rng([seed, self._pass]).permutation(n)
                 if self.shuffle else range(n))
        for i in order:
            yield self.source[int(i)]

    def _passes(self, seed: int) -> Iterator[Any]:
        """Raw batches: one pass, then (training with a step count, restartable
        sources only) further passes for as long as each pass yields batches."""
        while True:
            count = 0
            for batch in self._one_pass(seed):
                count += 1
                yield batch
            self._pass += 1
            if count == 0 or not self.continuous or self.is_iterator:
                return

    def epoch(self, number: int = 0, where: str = "", seed: int = 0) -> Iterator[Batch]:
        """The next ``steps`` batches, prepared. Passes over a Sequence are numbered from
        the first epoch ``number`` read, so that with one pass per epoch, epoch e is
        shuffled by ``default_rng([seed, e])`` as arrays are; ``where`` prefixes the
        step in messages (e.g. ``"epoch 2/20, "``)."""
        if self._stream is None or not self.continuous:
            self._pass = number
            self._stream = self._passes(seed)
        for step in range(self.steps):
            label = f"{self.owner} at {where}step {step + 1}/{self.steps}"
            raw = next(self._stream, _END)
            if raw is _END:
                hint = (" (a generator read for several epochs must loop forever, "
                        "while True: ..., as the book's do)" if self.is_iterator else "")
                raise ValueError(
                    f"{label}: the {self.kind} ran out of batches after {step} of the "
                    f"{self.steps} asked for{hint}"
                )
            yield self.prepare(raw, label)

    def on_epoch_end(self) -> None:
        hook = getattr(self.source, "on_epoch_end", None)
        if callable(hook):
            hook()
