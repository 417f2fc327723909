"""What ``compile`` resolves: one loss per output (weighted sum) and the metrics.

For outputs ``Ŷ_1..Ŷ_M`` with losses ``L_m`` and weights ``w_m``

    L = Σ_m w_m · L_m(Y_m, Ŷ_m)        dŶ_m = w_m · dL_m/dŶ_m

A single loss applies to every output (as in Keras); a list gives one per
output; a dict maps output names to losses (an output left out has no loss).
An output that carries a mask (padding) leaves its masked positions out of its
loss and its metrics (:mod:`.sample_weights`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from seqlab import metrics as metrics_mod
from seqlab.models import sample_weights


def resolve_loss(identifier: Any, owner: str) -> Any:
    """A loss object with ``value_and_grad`` from a name, config dict or object."""
    if identifier is None:
        return None
    if hasattr(identifier, "value_and_grad"):
        return identifier
    from seqlab import losses

    return losses.get(identifier)


def resolve_optimizer(identifier: Any, owner: str) -> Any:
    """An optimizer object with ``apply(params)`` from a name, config dict or object."""
    if hasattr(identifier, "apply") and not isinstance(identifier, (str, dict)):
        return identifier
    if identifier is None:
        raise ValueError(f"{owner}.compile: optimizer is required (e.g. 'rmsprop'), got None")
    from seqlab import optim

    return optim.get(identifier)


def per_output(spec: Any, names: Sequence[str], what: str, owner: str,
               default: Any = None) -> list[Any]:
    """Spread ``spec`` over the outputs: one value for all, a list, or a dict by name."""
    if isinstance(spec, dict):
        unknown = sorted(set(spec) - set(names))
        if unknown:
            raise ValueError(
                f"{owner}.compile: {what} has keys {unknown} that are not outputs; "
                f"outputs are {list(names)}"
            )
        return [spec.get(n, default) for n in names]
    if isinstance(spec, (list, tuple)):
        if len(spec) != len(names):
            raise ValueError(
                f"{owner}.compile: {what} has {len(spec)} entries, expected one per output "
                f"({len(names)}: {list(names)})"
            )
        return list(spec)
    return [spec] * len(names)


class CompiledLoss:
    """The losses of every output and their weights."""

    def __init__(self, loss: Any, output_names: Sequence[str], loss_weights: Any, owner: str):
        self.output_names = list(output_names)
        specs = per_output(loss, self.output_names, "loss", owner)
        if all(s is None for s in specs):
            raise ValueError(f"{owner}.compile: a loss is required (e.g. 'mse'), got {loss!r}")
        self.losses = [resolve_loss(s, owner) for s in specs]
        weights = per_output(loss_weights, self.output_names, "loss_weights", owner, 1.0)
        self.weights = [1.0 if w is None else float(w) for w in weights]

    def value_and_grad(self, ys: list[np.ndarray], outs: list[np.ndarray],
                       sample_weight: np.ndarray | None = None,
                       masks: Sequence[np.ndarray | None] | None = None
                       ) -> tuple[float, list[float | None], list[np.ndarray | None]]:
        """Total loss, the loss of each output (None without a loss), and dŶ per output;
        ``sample_weight`` (B,) weights every output's loss and ``masks`` (one per
        output, None where unmasked) leave out padded positions (:mod:`.sample_weights`)."""
        total = 0.0
        parts: list[float | None] = []
        douts: list[np.ndarray | None] = []
        masks = masks if masks is not None else [None] * len(outs)
        for loss, w, y, out, mask in zip(self.losses, self.weights, ys, outs, masks):
            if loss is None:
                parts.append(None)
                douts.append(None)
                continue
            value, dy = sample_weights.value_and_grad(loss, y, out, sample_weight, mask)
            value = float(value)
            total += w * value
            parts.append(value)
            dy = np.asarray(dy, dtype=out.dtype)
            douts.append(dy if w == 1.0 else dy * out.dtype.type(w))
        return total, parts, douts

    def value(self, ys: list[np.ndarray], outs: list[np.ndarray],
              sample_weight: np.ndarray | None = None,
              masks: Sequence[np.ndarray | None] | None = None
              ) -> tuple[float, list[float | None]]:
        total, parts, _ = self.value_and_grad(ys, outs, sample_weight, masks)
        return total, parts

    def log_names(self) -> list[str]:
        """Keys of the per-output losses in the logs (only with several outputs)."""
        if len(self.output_names) == 1:
            return []
        return [f"{n}_loss" for n, loss in zip(self.output_names, self.losses)
                if loss is not None]


def _clone(metric: metrics_mod.Metric) -> metrics_mod.Metric:
    return type(metric)(**metric.get_config())


class CompiledMetrics:
    """The metrics of every output, with their log keys."""

    def __init__(self, spec: Any, output_names: Sequence[str], losses: Sequence[Any],
                 output_shapes: Sequence[tuple | None], owner: str):
        names = list(output_names)
        if spec is None:
            per = [[] for _ in names]
        elif isinstance(spec, dict):
            per = per_output(spec, names, "metrics", owner, [])
        elif isinstance(spec, (list, tuple)) and len(names) > 1 \
                and all(isinstance(s, (list, tuple)) or s is None for s in spec):
            per = per_output(list(spec), names, "metrics", owner)
        elif isinstance(spec, (list, tuple)):
            per = [list(spec)] * len(names)
        else:
            raise TypeError(
                f"{owner}.compile: metrics must be a list (e.g. ['accuracy']) or a dict by "
                f"output name, got {type(spec).__name__}"
            )
        self.losses = list(losses)
        self.entries: list[tuple[int, metrics_mod.Metric, str]] = []
        seen: set[int] = set()
        for i, items in enumerate(per):
            if items is None:
                continue
            for item in items if isinstance(items, (list, tuple)) else [items]:
                metric = metrics_mod.get(item, loss=losses[i], output_shape=output_shapes[i])
                if id(metric) in seen:
                    metric = _clone(metric)
                seen.add(id(metric))
                key = metric.name if len(names) == 1 else f"{names[i]}_{metric.name}"
                self.entries.append((i, metric, key))
        keys = [k for _, _, k in self.entries]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"{owner}.compile: several metrics are logged as {dupes}")

    def reset(self) -> None:
        for _, metric, _ in self.entries:
            metric.reset_state()

    def update(self, ys: list[np.ndarray], outs: list[np.ndarray],
               masks: Sequence[np.ndarray | None] | None = None) -> None:
        """Add a batch; an output's metrics skip the positions its loss skips (its
        mask and the loss's ``ignore_class``)."""
        masks = masks if masks is not None else [None] * len(outs)
        counted = {i: sample_weights.position_mask(self.losses[i], ys[i], outs[i], masks[i])
                   for i in {i for i, _, _ in self.entries}}
        for i, metric, _ in self.entries:
            metric.update_state(ys[i], outs[i], sample_weight=counted[i])

    def results(self) -> dict[str, float]:
        return {key: metric.result() for _, metric, key in self.entries}

    def log_names(self) -> list[str]:
        return [key for _, _, key in self.entries]
