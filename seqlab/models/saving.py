"""Saving and loading models: JSON config + safetensors, in one zip file. No pickle.

``model.save("imdb.seqlab")`` writes one uncompressed zip archive holding

- ``config.json``: the model class and config (every layer's ``serialize()``,
  the graph of a functional model), the compile settings (optimizer config,
  loss and metric configs, loss weights), the state of every layer's random
  generator and the shuffle seed of the last ``fit`` — so that training
  resumes bit-identically;
- ``model.weights.safetensors``: every weight by parameter name
  (``"dense/kernel"``), in Keras layout;
- ``optimizer.safetensors``: ``optimizer.state_dict()`` (compiled models only).

Writes are atomic: the archive is written to a temporary file in the target
directory, flushed to disk, then renamed over the target; on any error the
target is untouched. Reading checks the zip CRCs (a changed byte), that every
entry is there (a cut file), and that every weight's name and shape matches
the model rebuilt from the config (an edited config) — each with a clear
ValueError.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import safetensors.numpy as st
from safetensors import SafetensorError

from seqlab.atomic import atomic_write

FORMAT = "seqlab.model"
FORMAT_VERSION = 1
CONFIG, WEIGHTS, OPTIMIZER = "config.json", "model.weights.safetensors", "optimizer.safetensors"
_BIT_GENERATORS = ("PCG64", "PCG64DXSM", "Philox", "SFC64", "MT19937")


# ------------------------------------------------------------------ weights
def _weight_dict(model: Any) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for p in model.weights:
        if p.name in out:
            raise ValueError(
                f"model {model.name!r}: two weights are named {p.name!r}; give the layers "
                "unique names before saving"
            )
        out[p.name] = np.array(p.value, order="C")
    return out


def _require_built(model: Any, what: str) -> None:
    if not model.built:
        raise ValueError(
            f"model {model.name!r} is not built, so it has no weights to {what}: give the "
            "input shape or fit it first"
        )


def _assign_weights(model: Any, named: list[tuple[str, np.ndarray]], source: str,
                    same_names: bool = False) -> None:
    """Copy the arrays into ``model.weights`` by position (Keras' order), after
    checking that the count and every shape (and, if asked, every name) agree."""
    params = model.weights
    if same_names and [n for n, _ in named] != [p.name for p in params]:
        raise ValueError(
            f"{source}: the weight names {[n for n, _ in named]} do not match the model "
            f"rebuilt from the config {[p.name for p in params]}"
        )
    if len(named) != len(params):
        raise ValueError(
            f"{source}: the file holds {len(named)} weight arrays "
            f"{[n for n, _ in named]}, model {model.name!r} has {len(params)} "
            f"{[p.name for p in params]}"
        )
    for (name, arr), p in zip(named, params):
        if arr.shape != p.shape:
            raise ValueError(
                f"{source}: weight {name!r} has shape {arr.shape} in the file, the model "
                f"expects {p.shape} (for {p.name!r})"
            )
    for (_, arr), p in zip(named, params):
        p.assign(arr)


def _weights_blob(model: Any, kind: str) -> bytes:
    """safetensors bytes of the weights; the metadata keeps their order."""
    arrays = _weight_dict(model)
    return st.save(arrays, metadata={"format": kind, "order": json.dumps(list(arrays))})


def _read_weights(blob: bytes, source: str) -> list[tuple[str, np.ndarray]]:
    """The (name, array) pairs of a weights blob, in saved order."""
    arrays = _load_safetensors(blob, source)
    size = int.from_bytes(blob[:8], "little")
    meta = json.loads(blob[8:8 + size].decode("utf-8")).get("__metadata__") or {}
    try:
        order = json.loads(meta.get("order", "null"))
    except json.JSONDecodeError:
        order = None
    if not isinstance(order, list) or sorted(order) != sorted(arrays):
        raise ValueError(f"{source}: the weights file has no valid weight order; it was not "
                         "written by seqlab or it was edited")
    return [(name, arrays[name]) for name in order]


def save_weights(model: Any, path: str | os.PathLike) -> None:
    """Write every weight of ``model`` by parameter name to a safetensors file."""
    _require_built(model, "save")
    blob = _weights_blob(model, "seqlab.weights")
    with atomic_write(path, "wb") as f:
        f.write(blob)


def _load_safetensors(blob: bytes, source: str) -> dict[str, np.ndarray]:
    try:
        return st.load(blob)
    except (SafetensorError, ValueError, OSError) as exc:  # malformed bytes
        raise ValueError(f"{source}: not a valid safetensors file (truncated or damaged?): "
                         f"{exc}") from None


def load_weights(model: Any, path: str | os.PathLike) -> None:
    """Load weights written by ``save_weights`` (or from a ``.seqlab`` model file).

    Arrays are matched by position, in ``model.weights`` order (as Keras does), so
    a model built again with other layer names loads them; counts and shapes must
    agree."""
    _require_built(model, "load into")
    path = os.fspath(path)
    if zipfile.is_zipfile(path):
        with _open_archive(path) as (read, _):
            named = _read_weights(read(WEIGHTS), f"{path}:{WEIGHTS}")
    else:
        with open(path, "rb") as f:
            named = _read_weights(f.read(), path)
    _assign_weights(model, named, path)


# ------------------------------------------------------------------- config
def _walk_layers(layers: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for layer in layers:
        key = f"{prefix}{layer.name}"
        yield key, layer
        yield from _walk_layers(list(layer._sublayers), key + "/")


def _rng_states(model: Any) -> dict[str, Any]:
    return {key: layer._rng.bit_generator.state
            for key, layer in _walk_layers(model.layers) if layer._rng is not None}


def _restore_rngs(model: Any, states: dict[str, Any], source: str) -> None:
    layers = dict(_walk_layers(model.layers))
    for key, state in states.items():
        if key not in layers:
            raise ValueError(f"{source}: random state for unknown layer {key!r}")
        name = state.get("bit_generator") if isinstance(state, dict) else None
        if name not in _BIT_GENERATORS:
            raise ValueError(f"{source}: bad random generator state for layer {key!r}")
        gen = np.random.Generator(getattr(np.random, name)())
        gen.bit_generator.state = state
        layers[key]._rng = gen


def _compile_config(model: Any) -> dict[str, Any] | None:
    if not model.compiled:
        return None
    from seqlab import losses, metrics, optim

    loss = model._loss
    per_output: list[list[Any]] = [[] for _ in model.output_names]
    compiled_metrics = model._metrics if model._metrics is not None else model._make_metrics()
    for i, metric, _ in compiled_metrics.entries:
        per_output[i].append(metrics.serialize(metric))
    return {
        "optimizer": optim.serialize(model.optimizer),
        "loss": [None if fn is None else losses.serialize(fn) for fn in loss.losses],
        "loss_weights": list(loss.weights),
        "metrics": dict(zip(model.output_names, per_output)),
    }


def model_config(model: Any) -> dict[str, Any]:
    """Everything but the arrays: what ``config.json`` holds."""
    from seqlab import __version__

    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "seqlab_version": __version__,
        "model": {"class_name": type(model).__name__, "config": model.get_config()},
        "compile": _compile_config(model),
        "rng_states": _rng_states(model),
        "shuffle_seed": model._shuffle_seed,
    }


def save_model(model: Any, path: str | os.PathLike) -> None:
    """Write config, weights and optimizer state to one zip file (atomically)."""
    _require_built(model, "save")
    config = json.dumps(model_config(model), indent=1).encode("utf-8")
    weights = _weights_blob(model, "seqlab.weights")
    opt_blob = None
    if model.compiled:
        state = {k: np.array(v, order="C") for k, v in model.optimizer.state_dict().items()}
        opt_blob = st.save(state, metadata={"format": "seqlab.optimizer"})

    with atomic_write(path, "wb") as f, zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(CONFIG, config)
        zf.writestr(WEIGHTS, weights)
        if opt_blob is not None:
            zf.writestr(OPTIMIZER, opt_blob)


class _open_archive:
    """Context manager: ``(read(name) -> bytes, names)`` with clear errors."""

    def __init__(self, path: str):
        self.path = path

    def __enter__(self) -> tuple[Callable[[str], bytes], list[str]]:
        try:
            self.zf = zipfile.ZipFile(self.path, "r")
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            if isinstance(exc, FileNotFoundError):
                raise
            raise ValueError(f"{self.path}: not a seqlab model file, or it is truncated or "
                             f"damaged ({exc})") from None
        names = self.zf.namelist()

        def read(name: str) -> bytes:
            if name not in names:
                raise ValueError(f"{self.path}: the archive has no {name!r} (entries: {names}); "
                                 "it is damaged or not a seqlab model file")
            try:
                return self.zf.read(name)
            except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
                raise ValueError(f"{self.path}: entry {name!r} is damaged ({exc})") from None

        return read, names

    def __exit__(self, *exc: object) -> None:
        self.zf.close()


def load_model(path: str | os.PathLike, compile: bool = True) -> Any:
    """Rebuild a model saved by ``model.save``: same predictions, and training
    resumes where it stopped (optimizer state, random states, shuffle seed)."""
    from seqlab.models.functional import Model
    from seqlab.models.sequential import Sequential

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"load_model: no such file {path!r}")
    with _open_archive(path) as (read, names):
        try:
            config = json.loads(read(CONFIG).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path}: config.json is not valid JSON ({exc})") from None
        if not isinstance(config, dict) or config.get("format") != FORMAT:
            raise ValueError(f"{path}: config.json is not a seqlab model config")
        if config.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"{path}: format version {config.get('format_version')!r} is not "
                             f"supported (this seqlab reads {FORMAT_VERSION})")
        weights = _read_weights(read(WEIGHTS), f"{path}:{WEIGHTS}")
        opt_state = (_load_safetensors(read(OPTIMIZER), f"{path}:{OPTIMIZER}")
                     if OPTIMIZER in names else None)
    classes = {"Sequential": Sequential, "Model": Model}
    spec = config.get("model", {})
    cls = classes.get(spec.get("class_name"))
    if cls is None:
        raise ValueError(f"{path}: unknown model class {spec.get('class_name')!r}; "
                         f"known: {sorted(classes)}")
    try:
        model = cls.from_config(spec["config"])
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{path}: the model config is invalid ({exc!r})") from None
    _assign_weights(model, weights, path, same_names=True)
    _restore_rngs(model, config.get("rng_states") or {}, path)
    model._shuffle_seed = config.get("shuffle_seed")
    comp = config.get("compile")
    if compile and comp is not None:
        from seqlab import losses, optim

        loss = [None if s is None else losses.deserialize(s) for s in comp["loss"]]
        model.compile(optimizer=optim.deserialize(comp["optimizer"]), loss=loss,
                      metrics=comp["metrics"], loss_weights=comp["loss_weights"])
        if opt_state is not None:
            model.optimizer.load_state_dict(opt_state, model.trainable_weights)
    return model
