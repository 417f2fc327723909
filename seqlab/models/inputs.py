"""What fit, evaluate and predict were given, turned into batch sources.

Arrays are checked whole before any work, so that a message names the
sample (``x[0] contains 1 NaN ... (sample 5)``), and cut into batches of
``batch_size`` (32 when not given). A generator, a Sequence or a list of
batches is read as a stream (:mod:`seqlab.models.batches`): each batch is
checked as it comes, and a message names the epoch and the step. The
arguments that only arrays take — ``y``, ``sample_weight``, ``batch_size``
— must then be left out, since each batch carries its own targets, weights
and size (Keras refuses y and sample_weight too; a batch_size it would ignore
is refused here rather than silently dropped). The step counts (``steps_per_epoch``,
``validation_steps``, ``steps``) are for streams only: arrays make
ceil(samples / batch_size) batches.
"""

from __future__ import annotations

import functools
from typing import Any

from seqlab import checks
from seqlab.models import batches, data, sample_weights
from seqlab.models.batches import ArrayBatches, Batch, Batches, StreamBatches


def check_batch(model: Any, x: Any, y: Any, sample_weight: Any, owner: str,
                with_y: bool) -> Batch:
    """Inputs, targets and weights as checked arrays (one list entry per input/output)."""
    xs = data.to_list(x, model.input_names, "x", owner)
    ys = data.to_list(y, model.output_names, "y", owner) if with_y else None
    n = data.num_samples(xs, ys, owner)
    data.check_finite(xs, "x", owner)
    if ys is not None:
        data.check_finite(ys, "y", owner)
        for name, loss, labels in zip(model.output_names, model._loss.losses, ys):
            if loss is not None:
                loss.check_labels(labels, f"{owner}: y {name!r}")
    return xs, ys, sample_weights.check(sample_weight, n, owner)


def _stream_batch(model: Any, raw: Any, where: str, with_y: bool) -> Batch:
    """One batch from a stream, unpacked and checked."""
    x, y, weight = batches.unpack(raw, with_y, where)
    return check_batch(model, x, y, weight, where, with_y)


def source(model: Any, x: Any, y: Any, sample_weight: Any, batch_size: Any, steps: Any,
           steps_arg: str, method: str, *, with_y: bool = True, shuffle: bool = False,
           continuous: bool = False) -> Batches:
    """The batches of ``x`` for ``model.<method>()``; ``continuous``: training, where
    an explicit step count makes each epoch continue the previous one."""
    owner = f"model {model.name!r} {method}()"
    if not batches.is_stream(x, y):
        if steps is not None:
            raise ValueError(
                f"{owner}: {steps_arg} is for data from a generator or Sequence; arrays make "
                f"ceil(samples / batch_size) batches, got {steps_arg}={steps!r}"
            )
        batch_size = 32 if batch_size is None else checks.positive_int(
            owner, "batch_size", batch_size)
        xs, ys, weights = check_batch(model, x, y, sample_weight, owner, with_y)
        return ArrayBatches(xs, ys, weights, batch_size, owner, shuffle)
    for arg, value in (("y", y), ("sample_weight", sample_weight), ("batch_size", batch_size)):
        if value is not None:
            raise ValueError(
                f"{owner}: {arg} must not be given when x is a generator or Sequence (got "
                f"{batches.describe(x)}): its batches are (x, y) or (x, y, sample_weight), "
                "each with its own size"
            )
    steps = None if steps is None else checks.positive_int(owner, steps_arg, steps)
    prepare = functools.partial(_stream_batch, model, with_y=with_y)
    return StreamBatches(x, steps, steps_arg, prepare, owner, shuffle=shuffle,
                         continuous=continuous and steps is not None)


def validation(model: Any, train: Batches, validation_data: Any, validation_steps: Any,
               validation_split: float, batch_size: Any) -> tuple[Batches, Batches | None]:
    """fit's training and validation batches. ``validation_data`` is a tuple
    ``(x, y)`` or ``(x, y, sample_weight)`` of arrays (also as a list), or a
    generator, a Sequence or a *list* of batches; a stream is never shuffled and
    restarts for every validation when it can. Without it, ``validation_split``
    takes the last fraction of array data (with it, the split is ignored, as in
    Keras)."""
    owner, method = f"model {model.name!r} fit()", "fit(validation)"
    if validation_data is None:
        if validation_steps is not None:
            raise ValueError(f"{owner}: validation_steps needs validation_data, got "
                             f"validation_steps={validation_steps!r}")
        if not validation_split:
            return train, None
        if not isinstance(train, ArrayBatches):
            raise ValueError(f"{owner}: validation_split needs arrays; with a generator or "
                             "Sequence, pass validation_data")
        return train.split_last(validation_split, f"model {model.name!r} {method}()")
    if isinstance(validation_data, (tuple, list)) and len(validation_data) in (2, 3) \
            and not (isinstance(validation_data, list) and batches.is_stream(validation_data)):
        vx, vy, vw = (*validation_data, None)[:3]
        return train, source(model, vx, vy, vw, batch_size, validation_steps,
                             "validation_steps", method)
    if not batches.is_stream(validation_data):
        raise ValueError(
            f"{owner}: validation_data must be a tuple (x_val, y_val) or (x_val, y_val, "
            f"sample_weight_val), a generator or a Sequence, got "
            f"{batches.describe(validation_data)}"
        )
    return train, source(model, validation_data, None, None, None, validation_steps,
                         "validation_steps", method)
