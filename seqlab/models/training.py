"""The training machinery shared by Sequential and the functional Model.

One training step on a batch (X, Y):

    zero every Parameter.grad
    Ŷ = model(X, training=True)            # and the mask of each output (padding)
    L, dŶ = Σ_m w_m · loss_m.value_and_grad(Y_m, Ŷ_m)   # masked steps left out
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
from seqlab.models import batches, data, inputs
from seqlab.models.batches import ArrayBatches, Batch, Batches
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
        #: the mask of each output of the last forward pass (None where unmasked);
        #: ``call`` sets it, the loss and the metrics leave masked positions out
        self._output_masks: list[np.ndarray | None] = []

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
        """Build from the shapes of the first batch if not built yet (Keras does), or
        raise when the data cannot be what the model takes (``purpose``: the method)."""

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

    def _masks(self, outs: list[np.ndarray]) -> list[np.ndarray | None]:
        """The output masks of the forward pass that gave ``outs``."""
        return list(self._output_masks) if self._output_masks else [None] * len(outs)

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
    def _prepare(self, x: Any, y: Any, method: str, with_y: bool = True,
                 sample_weight: Any = None) -> Batch:
        return inputs.check_batch(self, x, y, sample_weight, f"model {self.name!r} {method}()",
                                  with_y)

    def _cast_targets(self, ys: list[np.ndarray], outs: list[np.ndarray]) -> list[np.ndarray]:
        return [y.astype(o.dtype) if y.dtype.kind == "f" and y.dtype != o.dtype else y
                for y, o in zip(ys, outs)]

    # ---------------------------------------------------------------- steps
    def _train_step(self, xs: list[np.ndarray], ys: list[np.ndarray],
                    weights: np.ndarray | None = None) -> tuple[float, list[float | None]]:
        self.zero_grad()
        outs = self._forward(xs, training=True)
        ys, masks = self._cast_targets(ys, outs), self._masks(outs)
        total, parts, douts = self._loss.value_and_grad(ys, outs, weights, masks)
        if not math.isfinite(total):
            return total, parts
        self._backward(douts)
        self.optimizer.apply(self.trainable_weights)
        self._metrics.update(ys, outs, masks)
        return total, parts

    def _test_step(self, xs: list[np.ndarray], ys: list[np.ndarray],
                   weights: np.ndarray | None = None) -> tuple[float, list[float | None]]:
        outs = self._forward(xs, training=False)
        ys, masks = self._cast_targets(ys, outs), self._masks(outs)
        total, parts = self._loss.value(ys, outs, weights, masks)
        self._metrics.update(ys, outs, masks)
        return total, parts

    def _logs(self, sums: np.ndarray) -> dict[str, float]:
        """Sample-weighted means of the losses so far (``_add_losses``), then the metrics."""
        names = ["loss", *self._loss.log_names()]
        logs = {k: float(v / sums[-1]) for k, v in zip(names, sums)}
        logs.update(self._metrics.results())
        return logs

    @staticmethod
    def _add_losses(sums: np.ndarray | None, total: float, parts: list[float | None],
                    n: int) -> np.ndarray:
        """``[Σ n·loss, Σ n·output losses..., Σ n]`` with one more batch of n samples."""
        extra = [p for p in parts if p is not None] if len(parts) > 1 else []
        vec = np.array([total * n, *(p * n for p in extra), n], dtype=np.float64)
        return vec if sums is None else sums + vec

    # ------------------------------------------------------------------ fit
    def fit(self, x: Any = None, y: Any = None, batch_size: int | None = None, epochs: int = 1,
            verbose: int | str = "auto", callbacks: Sequence[Callback] | None = None,
            validation_split: float = 0.0, validation_data: Any = None,
            shuffle: bool = True, initial_epoch: int = 0, seed: int | None = None,
            sample_weight: Any = None, steps_per_epoch: int | None = None,
            validation_steps: int | None = None) -> History:
        """Train for ``epochs`` epochs (from ``initial_epoch``) and return the History.

        ``x`` is arrays (with ``y``, ``batch_size`` — 32 by default — and optionally
        ``sample_weight``), or a generator, Sequence or list of batches ``(x, y)`` /
        ``(x, y, sample_weight)``; a generator needs ``steps_per_epoch`` (the rules:
        :mod:`seqlab.models.batches`). ``validation_data`` is ``(x_val, y_val)``,
        ``(x_val, y_val, sample_weight_val)`` or a generator / Sequence (a generator
        needs ``validation_steps``). ``shuffle`` reorders the samples of arrays and
        the batches of a Sequence; a generator is read as it comes.
        """
        self._require_compiled("fit")
        owner = f"model {self.name!r} fit()"
        verbose = _check_verbose(verbose, owner)
        epochs = checks.integer(owner, "epochs", epochs, 0)
        initial_epoch = checks.integer(owner, "initial_epoch", initial_epoch, 0)
        if not isinstance(shuffle, bool):
            raise TypeError(f"{owner}: shuffle must be True or False, got {shuffle!r}")
        if not isinstance(validation_split, (int, float)) or not 0.0 <= validation_split < 1.0:
            raise ValueError(f"{owner}: validation_split must be in [0, 1), got "
                             f"{validation_split!r}")
        train = inputs.source(self, x, y, sample_weight, batch_size, steps_per_epoch,
                              "steps_per_epoch", "fit", shuffle=shuffle, continuous=True)
        train, val = inputs.validation(self, train, validation_data, validation_steps,
                                       validation_split, batch_size)
        if isinstance(train, ArrayBatches):
            self._build_compiled(train.xs, "fit")
        self._shuffle_seed = self._pick_seed(seed, initial_epoch, owner)
        return self._fit_loop(train, val, range(initial_epoch, epochs), verbose, callbacks)

    def _fit_loop(self, train: Batches, val: Batches | None, epochs: range, verbose: int,
                  callbacks: Sequence[Callback] | None) -> History:
        owner = f"model {self.name!r} fit()"
        history = History()
        cbs = [history, *(callbacks or [])]
        if verbose:
            cbs.append(ProgbarLogger(verbose))
        steps, total_epochs = train.steps, epochs.stop
        cb = CallbackList(cbs, self, {"epochs": total_epochs, "steps": steps, "verbose": verbose,
                                      "samples": getattr(train, "samples", None),
                                      "batch_size": getattr(train, "batch_size", None)})
        self.stop_training = False
        self.history = history
        cb.on_train_begin()
        for epoch in epochs:
            if self._metrics is not None:
                self._metrics.reset()
            cb.on_epoch_begin(epoch)
            sums = None
            where = f"epoch {epoch + 1}/{total_epochs}, "
            for step, (xs, ys, weights) in enumerate(
                    train.epoch(epoch, where, self._shuffle_seed)):
                cb.on_batch_begin(step)
                with batches.naming(f"{train.owner} at {where}step {step + 1}/{steps}", xs, ys):
                    self._build_compiled(xs, "fit")
                    total, parts = self._train_step(xs, ys, weights)
                sums = self._add_losses(sums, total, parts, xs[0].shape[0])
                cb.on_batch_end(step, self._logs(sums))
                if not math.isfinite(total) and not self.stop_training:
                    raise FloatingPointError(
                        f"{owner}: the loss is {total} at {where}step {step + 1}/{steps}; the "
                        "weights were not updated by that step. Lower the learning rate, clip "
                        "gradients (clipnorm=) or check the data; add "
                        "seqlab.callbacks.TerminateOnNaN() to stop instead of raising"
                    )
                if self.stop_training:
                    break
            train.on_epoch_end()
            logs = self._logs(sums)
            if val is not None:
                val_logs = self._evaluate_batches(val, where)
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
    def _evaluate_batches(self, source: Batches, where: str = "",
                          bar: ProgressBar | None = None) -> dict[str, float]:
        """Loss and metrics over one run of ``source`` (then its ``on_epoch_end``)."""
        if self._metrics is not None:
            self._metrics.reset()
        sums = None
        for step, (xs, ys, weights) in enumerate(source.epoch(0, where)):
            with batches.naming(f"{source.owner} at {where}step {step + 1}/{source.steps}",
                                xs, ys):
                self._build_compiled(xs, "evaluate")
                total, parts = self._test_step(xs, ys, weights)
            sums = self._add_losses(sums, total, parts, xs[0].shape[0])
            if bar is not None:
                bar.update(step + 1, self._logs(sums))
        source.on_epoch_end()
        return self._logs(sums)

    def evaluate(self, x: Any = None, y: Any = None, batch_size: int | None = None,
                 verbose: int | str = "auto", return_dict: bool = False,
                 sample_weight: Any = None, steps: int | None = None
                 ) -> float | list[float] | dict[str, float]:
        """Loss (and metrics) on (x, y) or on the batches of a generator / Sequence
        (a generator needs ``steps``): a float when there is only the loss, else
        ``[loss, *output losses, *metrics]`` (see ``metrics_names``)."""
        self._require_compiled("evaluate")
        owner = f"model {self.name!r} evaluate()"
        verbose = _check_verbose(verbose, owner)
        source = inputs.source(self, x, y, sample_weight, batch_size, steps, "steps",
                               "evaluate")
        bar = ProgressBar(source.steps, verbose) if verbose else None
        logs = self._evaluate_batches(source, "", bar)
        if bar is not None:
            bar.finish(logs)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    # -------------------------------------------------------------- predict
    def predict(self, x: Any, batch_size: int | None = None, verbose: int | str = 0,
                steps: int | None = None) -> np.ndarray | list[np.ndarray]:
        """Outputs for ``x``, computed ``batch_size`` samples at a time (training=False),
        or for the batches of a generator / Sequence (x, (x,), (x, y) or (x, y, w): x is
        used; a generator needs ``steps``), joined along the sample axis."""
        owner = f"model {self.name!r} predict()"
        verbose = _check_verbose(verbose, owner)
        source = inputs.source(self, x, None, None, batch_size, steps, "steps", "predict",
                               with_y=False)
        bar = ProgressBar(source.steps, verbose) if verbose else None
        chunks = []
        for step, (xs, _, _) in enumerate(source.epoch()):
            with batches.naming(f"{owner} at step {step + 1}/{source.steps}", xs, None):
                self._ensure_built(xs, "predict")
                chunks.append(self._forward(xs, training=False))
            if bar is not None:
                bar.update(step + 1)
        source.on_epoch_end()
        if bar is not None:
            bar.finish()
        outs = data.concat_batches(chunks)
        return outs if len(self.output_names) > 1 else outs[0]

    def predict_on_batch(self, x: Any) -> np.ndarray | list[np.ndarray]:
        """Outputs for one batch, without splitting it."""
        xs, _, _ = self._prepare(x, None, "predict_on_batch", with_y=False)
        self._ensure_built(xs, "predict")
        outs = self._forward(xs, training=False)
        return outs if len(self.output_names) > 1 else outs[0]

    # ------------------------------------------------------- single batches
    def train_on_batch(self, x: Any, y: Any, sample_weight: Any = None) -> float | list[float]:
        """One training step on (x, y); returns the loss, or ``[loss, ...]`` as evaluate."""
        self._require_compiled("train_on_batch")
        xs, ys, weights = self._prepare(x, y, "train_on_batch", sample_weight=sample_weight)
        self._build_compiled(xs, "fit")
        self._metrics.reset()
        total, parts = self._train_step(xs, ys, weights)
        if not math.isfinite(total):
            raise FloatingPointError(
                f"model {self.name!r} train_on_batch(): the loss is {total}; the weights were "
                "not updated"
            )
        values = list(self._logs(self._add_losses(None, total, parts, 1)).values())
        return values[0] if len(values) == 1 else values

    def test_on_batch(self, x: Any, y: Any, sample_weight: Any = None) -> float | list[float]:
        """Loss (and metrics) on one batch, without updating the weights."""
        self._require_compiled("test_on_batch")
        xs, ys, weights = self._prepare(x, y, "test_on_batch", sample_weight=sample_weight)
        self._build_compiled(xs, "evaluate")
        self._metrics.reset()
        total, parts = self._test_step(xs, ys, weights)
        values = list(self._logs(self._add_losses(None, total, parts, 1)).values())
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
        """Write the weights alone (atomic): Keras 3's HDF5 layout for a ``.h5`` path
        (``m.weights.h5``; needs h5py), else a safetensors file."""
        from seqlab.models.saving import save_weights

        save_weights(self, path)

    def load_weights(self, path: str | os.PathLike) -> None:
        """Load weights written by ``save_weights``, or by Keras 3 (``.weights.h5``,
        ``.keras``); counts and shapes must match."""
        from seqlab.models.saving import load_weights

        load_weights(self, path)

    def export_onnx(self, path: str | os.PathLike) -> Any:
        """Write the model as ONNX (atomic; returns the ModelProto): seqlab.interop.onnx."""
        from seqlab.interop.onnx import export_onnx
        return export_onnx(self, path)


def _check_verbose(verbose: Any, owner: str) -> int:
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2) or isinstance(verbose, bool):
        raise ValueError(f"{owner}: verbose must be 0, 1, 2 or 'auto', got {verbose!r}")
    return int(verbose)
