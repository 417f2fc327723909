"""Callbacks: code that ``fit`` runs at the start and end of training, of every
epoch and of every batch (Keras names and arguments).

Epochs are counted from 0 in the hooks, as in Keras; messages and the
``{epoch}`` field of ModelCheckpoint file names count from 1.
"""

from __future__ import annotations

import csv
import math
import os
import sys
from collections.abc import Iterable
from typing import Any, TextIO

import numpy as np

from seqlab.atomic import check_writable
from seqlab.progress import ProgressBar

Logs = dict[str, float]


class Callback:
    """Base class. ``self.model`` is the model being trained; ``self.params``
    holds ``epochs``, ``steps`` (batches per epoch) and ``verbose``."""

    def __init__(self) -> None:
        self.model: Any = None
        self.params: dict[str, Any] = {}

    def set_model(self, model: Any) -> None:
        self.model = model

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = dict(params)

    def on_train_begin(self, logs: Logs | None = None) -> None: ...

    def on_train_end(self, logs: Logs | None = None) -> None: ...

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None: ...

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None: ...

    def on_batch_begin(self, batch: int, logs: Logs | None = None) -> None: ...

    def on_batch_end(self, batch: int, logs: Logs | None = None) -> None: ...


class CallbackList(Callback):
    """Calls every callback in order."""

    def __init__(self, callbacks: Iterable[Callback], model: Any, params: dict[str, Any]):
        super().__init__()
        self.callbacks = list(callbacks)
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(
                    f"callbacks must be seqlab Callback instances, got {type(cb).__name__}"
                )
            cb.set_model(model)
            cb.set_params(params)

    def _each(self, hook: str, *args: Any) -> None:
        for cb in self.callbacks:
            getattr(cb, hook)(*args)

    def on_train_begin(self, logs=None):
        self._each("on_train_begin", logs)

    def on_train_end(self, logs=None):
        self._each("on_train_end", logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._each("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._each("on_epoch_end", epoch, logs)

    def on_batch_begin(self, batch, logs=None):
        self._each("on_batch_begin", batch, logs)

    def on_batch_end(self, batch, logs=None):
        self._each("on_batch_end", batch, logs)


class History(Callback):
    """Records the epoch logs: ``history.history["loss"]`` is one value per epoch
    and ``history.epoch`` the epoch indices (from 0)."""

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs=None):
        self.epoch = []
        self.history = {}

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        self.model.history = self


class _Monitor:
    """Is a new value of ``monitor`` better than the best so far?

    mode "min": better when value < best − min_delta; "max": value > best +
    min_delta; "auto": max for accuracy-like names, else min.
    """

    def __init__(self, owner: str, monitor: str, mode: str, min_delta: float):
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"{owner}: mode must be 'auto', 'min' or 'max', got {mode!r}")
        if mode == "auto":
            mode = "max" if ("acc" in monitor or monitor.endswith("auc")) else "min"
        self.owner = owner
        self.monitor = monitor
        self.mode = mode
        self.min_delta = abs(float(min_delta))

    def initial(self) -> float:
        return math.inf if self.mode == "min" else -math.inf

    def better(self, value: float, best: float) -> bool:
        if self.mode == "min":
            return value < best - self.min_delta
        return value > best + self.min_delta

    def value(self, logs: Logs | None) -> float:
        logs = logs or {}
        if self.monitor not in logs:
            raise ValueError(
                f"{self.owner}: monitor {self.monitor!r} is not in the logs; available: "
                f"{sorted(logs)} (val_* keys need validation_data or validation_split)"
            )
        return float(logs[self.monitor])


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved for ``patience`` epochs.

    With ``restore_best_weights`` the model gets the weights of its best epoch
    back when training ends (whether or not it stopped early).
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0.0, patience: int = 0,
                 verbose: int = 0, mode: str = "auto", baseline: float | None = None,
                 restore_best_weights: bool = False, start_from_epoch: int = 0):
        super().__init__()
        self._m = _Monitor("EarlyStopping", monitor, mode, min_delta)
        if not isinstance(patience, int) or patience < 0:
            raise ValueError(f"EarlyStopping: patience must be an int >= 0, got {patience!r}")
        self.monitor = monitor
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = -1
        self.best = self._m.initial()
        self.best_epoch = -1
        self.best_weights: list[np.ndarray] | None = None

    def on_epoch_end(self, epoch, logs=None):
        if epoch < self.start_from_epoch:
            return
        current = self._m.value(logs)
        self.wait += 1
        if self._m.better(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._m.better(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch >= 0 and self.verbose:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose:
                print(f"Restoring model weights from the end of the best epoch: "
                      f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)


class ModelCheckpoint(Callback):
    """Save the model (or only its weights) at the end of every epoch.

    ``filepath`` may hold ``{epoch}`` (from 1) and any log key, e.g.
    ``"ckpt-{epoch:02d}-{val_loss:.3f}.seqlab"``. With ``save_best_only`` a file
    is written only when ``monitor`` improved.

    When training begins, the path (filled in with epoch 1 and zeros) is checked
    to be writable — and, for weights to a ``.h5`` name (Keras' HDF5 layout),
    h5py to be importable — so that a missing folder or package fails before
    the first epoch, not after it. Folders are not created.
    """

    def __init__(self, filepath: str | os.PathLike, monitor: str = "val_loss",
                 verbose: int = 0, save_best_only: bool = False,
                 save_weights_only: bool = False, mode: str = "auto"):
        super().__init__()
        self.filepath = os.fspath(filepath)
        self._m = _Monitor("ModelCheckpoint", monitor, mode, 0.0)
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.best = self._m.initial()

    def on_train_begin(self, logs=None):
        try:
            example = self.filepath.format_map(_ZeroLogs(epoch=1))
        except (ValueError, IndexError, AttributeError) as exc:
            raise ValueError(f"ModelCheckpoint: filepath {self.filepath!r} is not a valid "
                             f"template ({exc})") from None
        check_writable(example, "ModelCheckpoint file")
        if self.save_weights_only and example.lower().endswith(".h5"):
            from seqlab.interop.keras_weights import require_h5py

            require_h5py("ModelCheckpoint", example)  # needs h5py: say so before epoch 1

    def _path(self, epoch: int, logs: Logs) -> str:
        try:
            return self.filepath.format(epoch=epoch + 1, **logs)
        except KeyError as exc:
            raise ValueError(
                f"ModelCheckpoint: filepath {self.filepath!r} uses {exc} which is not in the "
                f"logs; available: ['epoch', *{sorted(logs)}]"
            ) from None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        path = self._path(epoch, logs)
        if self.save_best_only:
            current = self._m.value(logs)
            if not self._m.better(current, self.best):
                return
            if self.verbose:
                print(f"Epoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} to "
                      f"{current:.5f}, saving model to {path}")
            self.best = current
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)


class _ZeroLogs(dict):
    """Log values for a file name template, 0 for any key not given."""

    def __missing__(self, key: str) -> int:
        return 0


class ReduceLROnPlateau(Callback):
    """Multiply the optimizer's ``learning_rate`` by ``factor`` (not below
    ``min_lr``) after ``patience`` epochs without improvement; then wait
    ``cooldown`` epochs before counting again."""

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10,
                 verbose: int = 0, mode: str = "auto", min_delta: float = 1e-4,
                 cooldown: int = 0, min_lr: float = 0.0):
        super().__init__()
        if not 0.0 < factor < 1.0:
            raise ValueError(f"ReduceLROnPlateau: factor must be in (0, 1), got {factor!r}")
        self._m = _Monitor("ReduceLROnPlateau", monitor, mode, min_delta)
        self.monitor = monitor
        self.factor = float(factor)
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.min_lr = float(min_lr)

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.cooldown_counter = 0
        self.best = self._m.initial()
        lr = getattr(self.model.optimizer, "learning_rate", None)
        if not isinstance(lr, (int, float, np.floating)) or isinstance(lr, bool):
            raise TypeError(
                "ReduceLROnPlateau: the optimizer's learning_rate must be a number, got "
                f"{type(lr).__name__} (a schedule already changes the rate)"
            )

    def on_epoch_end(self, epoch, logs=None):
        current = self._m.value(logs)
        opt = self.model.optimizer
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self._m.better(current, self.best):
            self.best = current
            self.wait = 0
            return
        if self.cooldown_counter > 0:
            return
        self.wait += 1
        if self.wait >= self.patience:
            old = float(opt.learning_rate)
            new = max(old * self.factor, self.min_lr)
            if new < old:
                opt.learning_rate = new
                if self.verbose:
                    print(f"Epoch {epoch + 1}: ReduceLROnPlateau reducing learning rate "
                          f"to {new:.6g}.")
                self.cooldown_counter = self.cooldown
            self.wait = 0


class CSVLogger(Callback):
    """Write one CSV row per epoch: ``epoch`` then the log keys in sorted order.

    The file is opened and closed for every row, so it is complete after each
    epoch even if training is interrupted. ``append=True`` keeps earlier rows
    (and does not repeat the header). When training begins the file is checked
    to be writable (its folder must exist), before the first epoch.
    """

    def __init__(self, filename: str | os.PathLike, separator: str = ",", append: bool = False):
        super().__init__()
        self.filename = os.fspath(filename)
        self.separator = separator
        self.append = append
        self.keys: list[str] | None = None

    def on_train_begin(self, logs=None):
        check_writable(self.filename, "CSVLogger file")
        self.keys = None
        self._header = not (self.append and os.path.exists(self.filename)
                            and os.path.getsize(self.filename) > 0)
        if not self.append:
            with open(self.filename, "w", newline="", encoding="utf-8"):
                pass

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
        with open(self.filename, "a", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, delimiter=self.separator)
            if self._header:
                writer.writerow(["epoch", *self.keys])
                self._header = False
            writer.writerow([epoch, *(_fmt(logs.get(k, "")) for k in self.keys)])


def _fmt(value: Any) -> Any:
    return repr(float(value)) if isinstance(value, (float, np.floating)) else value


class TerminateOnNaN(Callback):
    """Stop training when a batch loss is NaN or inf, naming the epoch and step.

    The step with the bad loss does not update the weights (fit checks the loss
    before the optimizer runs), so the model keeps its last finite weights.
    """

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(loss):
            epochs = self.params.get("epochs", "?")
            steps = self.params.get("steps", "?")
            self.message = (
                f"TerminateOnNaN: invalid loss {loss} at epoch {getattr(self, '_epoch', 0) + 1}"
                f"/{epochs}, step {batch + 1}/{steps}; terminating training"
            )
            print(self.message)
            self.model.stop_training = True


class ProgbarLogger(Callback):
    """Prints ``Epoch i/n`` and a ProgressBar for every epoch of ``fit``."""

    def __init__(self, verbose: int = 1, stream: TextIO | None = None):
        super().__init__()
        self.verbose = verbose
        self.stream = stream
        self.bar: ProgressBar | None = None

    def on_epoch_begin(self, epoch, logs=None):
        stream = self.stream if self.stream is not None else sys.stdout
        stream.write(f"Epoch {epoch + 1}/{self.params.get('epochs', '?')}\n")
        stream.flush()
        self.bar = ProgressBar(self.params.get("steps", 0), self.verbose, stream)

    def on_batch_end(self, batch, logs=None):
        if self.bar is not None:
            self.bar.update(batch + 1, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.bar is not None:
            self.bar.finish(logs)
            self.bar = None


__all__ = [
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "ModelCheckpoint",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "TerminateOnNaN",
]
