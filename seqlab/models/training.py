"""The training machinery shared by Sequential and the functional Model.

One training step on a batch (X, Y):

    zero every Parameter.grad
    Ŷ = model(X, training=True)
    L, dŶ = Σ_m w_m · loss_m.value_and_grad(Y_m, Ŷ_m)
    model.backward(dŶ)                     # adds dL/dθ into each Parameter.grad
    optimizer.apply(trainable parameters)  # θ ← update(θ, dθ)

A NaN/inf loss skips the backward pass and the update (the weights stay
finite); ``fit`` then stops if a callback set ``stop_training`` (e.g.
TerminateOnNaN) and otherwise raises FloatingPointError naming the epoch and
the step (both counted from 1).

Shuffling: epoch ``e`` visits the training samples in the order
``default_rng([seed, e]).permutation(N)``. ``seed`` is ``fit(seed=...)``; when
None it is drawn from the global generator (``seqlab.set_random_seed``) — or,
when resuming with ``initial_epoch > 0``, the seed of this model's earlier
``fit`` (saved with the model) is reused, so that 2 epochs + save + load + 1
epoch repeat a straight 3-epoch run bit for bit.
"""

from __future__ import annotations

import math
import os
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

import numpy as np

from seqlab import checks
from seqlab.callbacks import Callback, CallbackList, History, ProgbarLogger
from seqlab.layers.base import Layer
from seqlab.models import data
from seqlab.models.compile_utils import (
    CompiledLoss,
    CompiledMetrics,
    resolve_optimizer,
)
from seqlab.progress import ProgressBar
from seqlab.random import make_rng


class BaseModel(Layer, ABC):
    """A layer made of layers, with compile/fit/evaluate/predict/train_on_batch.

    Subclasses provide ``call``/``backward`` (Layer contract), ``layers``,
    ``input_names``, ``output_names``, ``output_shapes`` and
    ``_ensure_built(xs, purpose)``.
    """

    def __init__(self, name: str | None = None):
        super().__init__(name=name)
        self.optimizer: Any = None
        self.stop_training = False
        self.history: History | None = None
        self.compiled = False
        self._compile_args: dict[str, Any] = {}
        self._loss: CompiledLoss | None = None
        self._metrics: CompiledMetrics | None = None
        self._shuffle_seed: int | None = None

    # ------------------------------------------------------ subclass hooks
    @property
    @abstractmethod
    def layers(self) -> list[Layer]:
        """Defined by Sequential and Model."""

    @property
    @abstractmethod
    def input_names(self) -> list[str]:
        """Defined by Sequential and Model."""

    @property
    @abstractmethod
    def output_names(self) -> list[str]:
        """Defined by Sequential and Model."""

    @property
    @abstractmethod
    def output_shapes(self) -> list[tuple | None]:
        """Defined by Sequential and Model."""

    def _ensure_built(self, xs: list[np.ndarray], purpose: str) -> None:
        """Build from the data's shapes (training only) or raise if unbuilt."""

    def _convert_input(self, x: Any) -> np.ndarray:
        """Models pass inputs on unchanged; each layer converts what it receives."""
        arr = np.asarray(x)
        if arr.dtype.kind not in "fiub":
            raise TypeError(f"model {self.name!r}: expected a numeric array, got {arr.dtype}")
        return arr

    # ------------------------------------------------------------- forward
    def _forward(self, xs: list[np.ndarray], training: bool) -> list[np.ndarray]:
        out = self.call(xs if len(self.input_names) > 1 else xs[0], training=training)
        return list(out) if len(self.output_names) > 1 else [out]

    def _backward(self, douts: list[np.ndarray | None]) -> Any:
        return self.backward(douts if len(self.output_names) > 1 else douts[0])

    # ------------------------------------------------------------- compile
    def compile(self, optimizer: Any = "rmsprop", loss: Any = None,
                metrics: Sequence[Any] | dict[str, Any] | None = None,
                loss_weights: Sequence[float] | dict[str, float] | None = None) -> None:
        """Choose the optimizer, the loss(es) and the metrics (names or objects)."""
        owner = f"model {self.name!r}"
        self.optimizer = resolve_optimizer(optimizer, owner)
        self._loss = CompiledLoss(loss, self.output_names, loss_weights, owner)
        self._compile_args = {"loss": loss, "metrics": metrics, "loss_weights": loss_weights}
        self._metrics = None
        if self.built:
            self._metrics = self._make_metrics()
        self.compiled = True

    def _make_metrics(self) -> CompiledMetrics:
        return CompiledMetrics(self._compile_args["metrics"], self.output_names,
                               self._loss.losses, self.output_shapes, f"model {self.name!r}")

    def _require_compiled(self, method: str) -> None:
        if not self.compiled:
            raise RuntimeError(
                f"model {self.name!r}: call compile(optimizer, loss) before {method}()"
            )

    def _build_compiled(self, xs: list[np.ndarray], purpose: str) -> None:
        """Build from data if needed; a model compiled before it was built gets
        its metrics now (they need the output shapes)."""
        self._ensure_built(xs, purpose)
        if self._metrics is None:
            self._metrics = self._make_metrics()

    @property
    def metrics_names(self) -> list[str]:
        """Keys of evaluate()'s values: loss, per-output losses, then metrics."""
        if not self.compiled:
            return []
        names = ["loss", *self._loss.log_names()]
        return names + (self._metrics.log_names() if self._metrics is not None else [])

    # ---------------------------------------------------------------- data
    def _prepare(self, x: Any, y: Any, method: str, with_y: bool = True
                 ) -> tuple[list[np.ndarray], list[np.ndarray] | None]:
        owner = f"model {self.name!r} {method}()"
        xs = data.to_list(x, self.input_names, "x", owner)
        ys = data.to_list(y, self.output_names, "y", owner) if with_y else None
        data.num_samples(xs, ys, owner)
        data.check_finite(xs, "x", owner)
        if ys is not None:
            data.check_finite(ys, "y", owner)
            for name, loss, labels in zip(self.output_names, self._loss.losses, ys):
                if loss is not None:
                    loss.check_labels(labels, f"{owner}: y {name!r}")
        return xs, ys

    def _cast_targets(self, ys: list[np.ndarray], outs: list[np.ndarray]) -> list[np.ndarray]:
        return [y.astype(o.dtype) if y.dtype.kind == "f" and y.dtype != o.dtype else y
                for y, o in zip(ys, outs)]

    # ---------------------------------------------------------------- steps
    def _train_step(self, xs: list[np.ndarray], ys: list[np.ndarray]
                    ) -> tuple[float, list[float | None]]:
        self.zero_grad()
        outs = self._forward(xs, training=True)
        ys = self._cast_targets(ys, outs)
        total, parts, douts = self._loss.value_and_grad(ys, outs)
        if not math.isfinite(total):
            return total, parts
        self._backward(douts)
        self.optimizer.apply(self.trainable_weights)
        self._metrics.update(ys, outs)
        return total, parts

    def _test_step(self, xs: list[np.ndarray], ys: list[np.ndarray]
                   ) -> tuple[float, list[float | None]]:
        outs = self._forward(xs, training=False)
        ys = self._cast_targets(ys, outs)
        total, parts = self._loss.value(ys, outs)
        self._metrics.update(ys, outs)
        return total, parts

    def _logs(self, sums: np.ndarray, count: int) -> dict[str, float]:
        """Sample-weighted means of the losses so far, then the metrics."""
        names = ["loss", *self._loss.log_names()]
        logs = {k: float(v / count) for k, v in zip(names, sums)}
        logs.update(self._metrics.results())
        return logs

    @staticmethod
    def _loss_vector(total: float, parts: list[float | None]) -> np.ndarray:
        extra = [p for p in parts if p is not None] if len(parts) > 1 else []
        return np.array([total, *extra], dtype=np.float64)

    # ------------------------------------------------------------------ fit
    def fit(self, x: Any = None, y: Any = None, batch_size: int = 32, epochs: int = 1,
            verbose: int | str = "auto", callbacks: Sequence[Callback] | None = None,
            validation_split: float = 0.0, validation_data: tuple | None = None,
            shuffle: bool = True, initial_epoch: int = 0, seed: int | None = None
            ) -> History:
        """Train for ``epochs`` epochs (from ``initial_epoch``) and return the History."""
        self._require_compiled("fit")
        owner = f"model {self.name!r} fit()"
        batch_size = checks.positive_int(owner, "batch_size", batch_size)
        verbose = _check_verbose(verbose, owner)
        for arg, value in (("epochs", epochs), ("initial_epoch", initial_epoch)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"{owner}: {arg} must be an int >= 0, got {value!r}")
        if not isinstance(shuffle, bool):
            raise TypeError(f"{owner}: shuffle must be True or False, got {shuffle!r}")
        if not isinstance(validation_split, (int, float)) or not 0.0 <= validation_split < 1.0:
            raise ValueError(f"{owner}: validation_split must be in [0, 1), got "
                             f"{validation_split!r}")
        xs, ys = self._prepare(x, y, "fit")
        val = None
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise ValueError(f"{owner}: validation_data must be a tuple (x_val, y_val), "
                                 f"got {type(validation_data).__name__}")
            val = self._prepare(validation_data[0], validation_data[1], "fit(validation)")
        elif validation_split > 0:
            (xs, vx), (ys, vy) = (data.split_last(xs, validation_split, owner),
                                  data.split_last(ys, validation_split, owner))
            val = (vx, vy)
        self._build_compiled(xs, "fit")
        self._shuffle_seed = self._pick_seed(seed, initial_epoch, owner)
        n = xs[0].shape[0]
        steps = -(-n // batch_size)
        history = History()
        cbs = [history, *(callbacks or [])]
        if verbose:
            cbs.append(ProgbarLogger(verbose))
        cb = CallbackList(cbs, self, {"epochs": int(epochs), "steps": steps, "verbose": verbose,
                                      "samples": n, "batch_size": batch_size})
        self.stop_training = False
        self.history = history
        cb.on_train_begin()
        for epoch in range(int(initial_epoch), int(epochs)):
            self._metrics.reset()
            cb.on_epoch_begin(epoch)
            order = (np.random.default_rng([self._shuffle_seed, epoch]).permutation(n)
                     if shuffle else np.arange(n))
            sums, count = None, 0
            for step, idx in enumerate(data.batch_slices(order, batch_size)):
                cb.on_batch_begin(step)
                total, parts = self._train_step(data.take(xs, idx), data.take(ys, idx))
                vec = self._loss_vector(total, parts) * idx.shape[0]
                sums = vec if sums is None else sums + vec
                count += idx.shape[0]
                cb.on_batch_end(step, self._logs(sums, count))
                if not math.isfinite(total) and not self.stop_training:
                    raise FloatingPointError(
                        f"{owner}: the loss is {total} at epoch {epoch + 1}/{epochs}, step "
                        f"{step + 1}/{steps}; the weights were not updated by that step. "
                        "Lower the learning rate, clip gradients (clipnorm=) or check the "
                        "data; add seqlab.callbacks.TerminateOnNaN() to stop instead of raising"
                    )
                if self.stop_training:
                    break
            logs = self._logs(sums, count)
            if val is not None:
                val_logs = self._evaluate_arrays(val[0], val[1], batch_size)
                logs.update({f"val_{k}": v for k, v in val_logs.items()})
            cb.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        cb.on_train_end()
        return history

    def _pick_seed(self, seed: int | None, initial_epoch: int, owner: str) -> int:
        if seed is None:
            if initial_epoch > 0 and self._shuffle_seed is not None:
                return self._shuffle_seed
            return int(make_rng(None).integers(0, 2**63 - 1))
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"{owner}: seed must be None or an int >= 0, got {seed!r}")
        return int(seed)

    # ------------------------------------------------------------- evaluate
    def _evaluate_arrays(self, xs: list[np.ndarray], ys: list[np.ndarray], batch_size: int,
                         bar: ProgressBar | None = None) -> dict[str, float]:
        self._metrics.reset()
        n = xs[0].shape[0]
        sums, count = None, 0
        for step, idx in enumerate(data.batch_slices(np.arange(n), batch_size)):
            total, parts = self._test_step(data.take(xs, idx), data.take(ys, idx))
            vec = self._loss_vector(total, parts) * idx.shape[0]
            sums = vec if sums is None else sums + vec
            count += idx.shape[0]
            if bar is not None:
                bar.update(step + 1, self._logs(sums, count))
        return self._logs(sums, count)

    def evaluate(self, x: Any = None, y: Any = None, batch_size: int = 32,
                 verbose: int | str = "auto", return_dict: bool = False
                 ) -> float | list[float] | dict[str, float]:
        """Loss (and metrics) on (x, y): a float when there is only the loss,
        else ``[loss, *output losses, *metrics]`` (see ``metrics_names``)."""
        self._require_compiled("evaluate")
        owner = f"model {self.name!r} evaluate()"
        batch_size = checks.positive_int(owner, "batch_size", batch_size)
        verbose = _check_verbose(verbose, owner)
        xs, ys = self._prepare(x, y, "evaluate")
        self._build_compiled(xs, "evaluate")
        bar = ProgressBar(-(-xs[0].shape[0] // batch_size), verbose) if verbose else None
        logs = self._evaluate_arrays(xs, ys, batch_size, bar)
        if bar is not None:
            bar.finish(logs)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    # -------------------------------------------------------------- predict
    def predict(self, x: Any, batch_size: int = 32, verbose: int | str = 0
                ) -> np.ndarray | list[np.ndarray]:
        """Outputs for ``x``, computed ``batch_size`` samples at a time (training=False)."""
        owner = f"model {self.name!r} predict()"
        batch_size = checks.positive_int(owner, "batch_size", batch_size)
        verbose = _check_verbose(verbose, owner)
        xs, _ = self._prepare(x, None, "predict", with_y=False)
        self._ensure_built(xs, "predict")
        n = xs[0].shape[0]
        bar = ProgressBar(-(-n // batch_size), verbose) if verbose else None
        chunks = []
        for step, idx in enumerate(data.batch_slices(np.arange(n), batch_size)):
            chunks.append(self._forward(data.take(xs, idx), training=False))
            if bar is not None:
                bar.update(step + 1)
        if bar is not None:
            bar.finish()
        outs = data.concat_batches(chunks)
        return outs if len(self.output_names) > 1 else outs[0]

    def predict_on_batch(self, x: Any) -> np.ndarray | list[np.ndarray]:
        """Outputs for one batch, without splitting it."""
        xs, _ = self._prepare(x, None, "predict_on_batch", with_y=False)
        self._ensure_built(xs, "predict")
        outs = self._forward(xs, training=False)
        return outs if len(self.output_names) > 1 else outs[0]

    # ------------------------------------------------------- single batches
    def train_on_batch(self, x: Any, y: Any) -> float | list[float]:
        """One training step on (x, y); returns the loss, or ``[loss, ...]`` as evaluate."""
        self._require_compiled("train_on_batch")
        xs, ys = self._prepare(x, y, "train_on_batch")
        self._build_compiled(xs, "fit")
        self._metrics.reset()
        total, parts = self._train_step(xs, ys)
        if not math.isfinite(total):
            raise FloatingPointError(
                f"model {self.name!r} train_on_batch(): the loss is {total}; the weights were "
                "not updated"
            )
        values = list(self._logs(self._loss_vector(total, parts), 1).values())
        return values[0] if len(values) == 1 else values

    def test_on_batch(self, x: Any, y: Any) -> float | list[float]:
        """Loss (and metrics) on one batch, without updating the weights."""
        self._require_compiled("test_on_batch")
        xs, ys = self._prepare(x, y, "test_on_batch")
        self._build_compiled(xs, "evaluate")
        self._metrics.reset()
        total, parts = self._test_step(xs, ys)
        values = list(self._logs(self._loss_vector(total, parts), 1).values())
        return values[0] if len(values) == 1 else values

    # ----------------------------------------------------- summary / saving
    def summary(self, print_fn: Any = print, line_length: int | None = None) -> None:
        """Print a Keras-like table of layers, output shapes and parameter counts."""
        from seqlab.models.summary import summary

        summary(self, print_fn=print_fn, line_length=line_length)

    def save(self, path: str | os.PathLike) -> None:
        """Write config, weights and optimizer state to one ``.seqlab`` file (atomic)."""
        from seqlab.models.saving import save_model

        save_model(self, path)

    def save_weights(self, path: str | os.PathLike) -> None:
        """Write the weights alone to a safetensors file (atomic)."""
        from seqlab.models.saving import save_weights

        save_weights(self, path)

    def load_weights(self, path: str | os.PathLike) -> None:
        """Load weights written by ``save_weights`` (names and shapes must match)."""
        from seqlab.models.saving import load_weights

        load_weights(self, path)


def _check_verbose(verbose: Any, owner: str) -> int:
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2) or isinstance(verbose, bool):
        raise ValueError(f"{owner}: verbose must be 0, 1, 2 or 'auto', got {verbose!r}")
    return int(verbose)
