"""Optimizer base: learning rate, clipping, per-parameter state, save/load.

One update ``opt.apply(params)`` does, for the trainable parameters p with
gradient g = ``p.grad`` (``p.grad`` itself is never modified):

    lr = learning_rate                     (a schedule is called with ``iterations``)
    g  ← clip(g)                           (clipnorm, global_clipnorm or clipvalue)
    p.value, state[p] ← update(p.value, g, state[p], lr)   in place, in p's dtype
    iterations ← iterations + 1

State arrays live per parameter *name* (``state["dense/kernel"]["momentum"]``),
so a model rebuilt from disk finds its optimizer state again;
``state_dict()`` flattens them to ``"dense/kernel/momentum"`` plus
``"iterations"``.

``learning_rate=None`` takes the class default; Keras 2's ``lr=`` is accepted
in its place with a DeprecationWarning (both at once are an error).

Setting ``learning_rate`` (ReduceLROnPlateau does) replaces a float learning
rate; when the optimizer was created with a schedule, assigning a number raises
TypeError (as in Keras: the schedule owns the rate) while assigning another
schedule replaces it.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from seqlab import checks
from seqlab.layers.base import Parameter
from seqlab.optim import clipping
from seqlab.optim.schedules import LearningRateSchedule
from seqlab.optim.schedules import deserialize as deserialize_schedule
from seqlab.optim.schedules import serialize as serialize_schedule
from seqlab.registry import Registry

__all__ = ["Optimizer"]


def _pick_learning_rate(owner: str, learning_rate: Any, lr: Any, default: float,
                        stacklevel: int = 3) -> Any:
    """``learning_rate``; or Keras 2's old name ``lr`` in its place, with a
    DeprecationWarning (as Keras gave) pointing ``stacklevel`` frames up; or
    ``default`` when neither is given. Both at once are a ValueError."""
    if lr is None:
        return default if learning_rate is None else learning_rate
    if learning_rate is not None:
        raise ValueError(f"{owner}: lr is the old name of learning_rate; give one of them, "
                         f"got learning_rate={learning_rate!r} and lr={lr!r}")
    warnings.warn(f"{owner}: lr is deprecated, use learning_rate={lr!r}", DeprecationWarning,
                  stacklevel=stacklevel)
    return lr


#: Every Optimizer class by the name configs use (see :mod:`seqlab.registry`).
OPTIMIZERS: Registry[Optimizer] = Registry("optimizer class")


class Optimizer:
    """Base class. Subclasses set ``slot_names()`` and implement ``update_step``."""

    _default_name: ClassVar[str] = "optimizer"
    _default_learning_rate: ClassVar[float] = 0.001

    def __init_subclass__(cls, aliases: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        OPTIMIZERS.add(cls, aliases)

    def __init__(
        self,
        learning_rate: float | LearningRateSchedule | None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        name: str | None = None,
        lr: float | None = None,
    ):
        self.name = name if name is not None else self._default_name
        learning_rate = _pick_learning_rate(type(self).__name__, learning_rate, lr,
                                            self._default_learning_rate, stacklevel=4)
        self._learning_rate = self._check_learning_rate(learning_rate)
        clips = {"clipnorm": clipnorm, "clipvalue": clipvalue,
                 "global_clipnorm": global_clipnorm}
        given = [k for k, v in clips.items() if v is not None]
        if len(given) > 1:
            raise ValueError(
                f"{type(self).__name__}: only one of clipnorm, clipvalue and global_clipnorm "
                f"can be set, got {', '.join(f'{k}={clips[k]!r}' for k in given)}"
            )
        for k in given:
            checks.number(type(self).__name__, k, clips[k], positive=True)
        self.clipnorm = None if clipnorm is None else float(clipnorm)
        self.clipvalue = None if clipvalue is None else float(clipvalue)
        self.global_clipnorm = None if global_clipnorm is None else float(global_clipnorm)
        self.iterations = 0
        self._state: dict[str, dict[str, np.ndarray]] = {}
        self._scratch: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    # ---------------------------------------------------------- learning rate
    def _check_learning_rate(self, lr: Any) -> float | LearningRateSchedule:
        if isinstance(lr, LearningRateSchedule):
            return lr
        if isinstance(lr, bool) or not isinstance(lr, (int, float, np.floating, np.integer)):
            raise TypeError(
                f"{type(self).__name__}: learning_rate must be a float or a "
                f"LearningRateSchedule, got {type(lr).__name__} {lr!r}"
            )
        if not (math.isfinite(float(lr)) and float(lr) >= 0):
            raise ValueError(
                f"{type(self).__name__}: learning_rate must be finite and >= 0, got {lr!r}"
            )
        return float(lr)

    @property
    def learning_rate(self) -> float:
        """The rate the next update will use (a schedule is evaluated at ``iterations``)."""
        if isinstance(self._learning_rate, LearningRateSchedule):
            return float(self._learning_rate(self.iterations))
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float | LearningRateSchedule) -> None:
        if (isinstance(self._learning_rate, LearningRateSchedule)
                and not isinstance(value, LearningRateSchedule)):
            raise TypeError(
                f"{type(self).__name__}: this optimizer was created with the schedule "
                f"{self._learning_rate!r}, so its learning rate cannot be set to a number; "
                "create it with a float learning_rate to make it settable"
            )
        self._learning_rate = self._check_learning_rate(value)

    @property
    def schedule(self) -> LearningRateSchedule | None:
        """The learning-rate schedule, or None for a constant rate."""
        lr = self._learning_rate
        return lr if isinstance(lr, LearningRateSchedule) else None

    # ------------------------------------------------------------------ state
    def slot_names(self) -> tuple[str, ...]:
        """Names of the state arrays kept per parameter (depends on the config)."""
        return ()

    def init_slot(self, slot: str, value: np.ndarray) -> np.ndarray:
        """Initial value of a state array (zeros unless a subclass says otherwise)."""
        return np.zeros_like(value)

    def update_step(self, value: np.ndarray, grad: np.ndarray, slots: dict[str, np.ndarray],
                    lr: float, tmp: np.ndarray) -> None:
        """Update ``value`` and ``slots`` in place from ``grad`` (``tmp``: scratch)."""
        raise NotImplementedError(f"{type(self).__name__} must implement update_step()")

    @staticmethod
    def _trainable(params: Sequence[Parameter]) -> list[Parameter]:
        out = []
        seen: set[str] = set()
        for p in params:
            if not isinstance(p, Parameter):
                raise TypeError(
                    f"optimizer: expected a list of seqlab Parameter, got {type(p).__name__}"
                )
            if not p.trainable:
                continue
            if p.name in seen:
                raise ValueError(
                    f"optimizer: two trainable parameters share the name {p.name!r}; "
                    "state is kept per name, so names must be unique"
                )
            seen.add(p.name)
            out.append(p)
        return out

    def _slots_for(self, p: Parameter) -> dict[str, np.ndarray]:
        slots = self._state.get(p.name)
        if slots is None:
            slots = {s: self.init_slot(s, p.value) for s in self.slot_names()}
            self._state[p.name] = slots
        else:
            for s, arr in slots.items():
                if arr.shape != p.value.shape:
                    raise ValueError(
                        f"{type(self).__name__}: state {p.name}/{s} has shape {arr.shape} but "
                        f"parameter {p.name!r} has shape {p.value.shape}"
                    )
        return slots

    def build(self, params: Sequence[Parameter]) -> None:
        """Create the state arrays now (``apply`` does it on first use)."""
        for p in self._trainable(params):
            self._slots_for(p)

    def _scratch_for(self, p: Parameter) -> tuple[np.ndarray, np.ndarray]:
        bufs = self._scratch.get(p.name)
        if bufs is None or bufs[0].shape != p.value.shape or bufs[0].dtype != p.value.dtype:
            bufs = (np.empty_like(p.value), np.empty_like(p.value))
            self._scratch[p.name] = bufs
        return bufs

    # ----------------------------------------------------------------- update
    def apply(self, params: Sequence[Parameter]) -> None:
        """One update of every trainable parameter from its ``grad``."""
        trainable = self._trainable(params)
        lr = self.learning_rate
        grads = []
        for p in trainable:
            if p.grad.shape != p.value.shape:
                raise ValueError(
                    f"{type(self).__name__}: gradient of {p.name!r} has shape {p.grad.shape}, "
                    f"expected {p.value.shape}"
                )
            gbuf, _ = self._scratch_for(p)
            if self.clipnorm is not None:
                clipping.clip_by_norm(p.grad, self.clipnorm, out=gbuf)
            elif self.clipvalue is not None:
                clipping.clip_by_value(p.grad, self.clipvalue, out=gbuf)
            else:
                np.copyto(gbuf, p.grad, casting="same_kind")
            grads.append(gbuf)
        if self.global_clipnorm is not None and grads:
            clipping.clip_by_global_norm(grads, self.global_clipnorm, out=grads)
        for p, g in zip(trainable, grads):
            self.update_step(p.value, g, self._slots_for(p), lr, self._scratch[p.name][1])
        self.iterations += 1

    # ------------------------------------------------------------- save/load
    def state_dict(self) -> dict[str, np.ndarray]:
        """Flat copies: ``"iterations"`` and ``"<param name>/<slot>"``."""
        out: dict[str, np.ndarray] = {"iterations": np.array(self.iterations, dtype=np.int64)}
        for pname, slots in self._state.items():
            for s, arr in slots.items():
                out[f"{pname}/{s}"] = arr.copy()
        return out

    def load_state_dict(self, state: Mapping[str, np.ndarray],
                        params: Sequence[Parameter]) -> None:
        """Restore ``state_dict()`` output for ``params`` (checked: nothing missing,
        nothing unknown, shapes equal). A state saved before the first update
        (iterations 0, no slots) is accepted as empty."""
        cls = type(self).__name__
        if "iterations" not in state:
            raise ValueError(f"{cls}: optimizer state has no 'iterations' entry; "
                             f"got keys {sorted(state)[:10]}")
        iterations = np.asarray(state["iterations"])
        if iterations.shape != () or iterations.dtype.kind not in "iu" or int(iterations) < 0:
            raise ValueError(f"{cls}: 'iterations' must be a non-negative integer scalar, "
                             f"got {iterations!r}")
        trainable = self._trainable(params)
        expected = {f"{p.name}/{s}": p for p in trainable for s in self.slot_names()}
        given = set(state) - {"iterations"}
        unknown = sorted(given - set(expected))
        if unknown:
            raise ValueError(
                f"{cls}: optimizer state has entries that match no parameter slot of this "
                f"optimizer: {unknown[:10]}; expected names like {sorted(expected)[:4]}"
            )
        missing = sorted(set(expected) - given)
        if missing and (given or int(iterations) > 0):
            raise ValueError(f"{cls}: optimizer state is missing {missing[:10]}"
                             f"{' ...' if len(missing) > 10 else ''}")
        new_state: dict[str, dict[str, np.ndarray]] = {}
        for key, p in expected.items():
            if key not in state:
                continue
            arr = np.asarray(state[key])
            if arr.shape != p.value.shape:
                raise ValueError(f"{cls}: optimizer state {key!r} has shape {arr.shape}, "
                                 f"parameter {p.name!r} has shape {p.value.shape}")
            slot = key[len(p.name) + 1:]
            new_state.setdefault(p.name, {})[slot] = np.array(arr, dtype=p.value.dtype)
        self._state = new_state
        self.iterations = int(iterations)

    # ----------------------------------------------------------------- config
    def get_config(self) -> dict[str, Any]:
        """Constructor arguments (JSON-safe); a float learning rate is the current one."""
        lr = self._learning_rate
        return {
            "name": self.name,
            "learning_rate": serialize_schedule(lr) if isinstance(lr, LearningRateSchedule)
            else lr,
            "clipnorm": self.clipnorm,
            "clipvalue": self.clipvalue,
            "global_clipnorm": self.global_clipnorm,
        }

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Optimizer:
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = deserialize_schedule(config["learning_rate"])
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} iterations={self.iterations}>"
