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

Writes are atomic (:func:`seqlab.atomic.atomic_write`): on any error the
target is untouched. Reading is checked before anything big is made (see
:mod:`seqlab.models.model_file`): every entry stored, within the file's size
and with a good CRC; the model is rebuilt from the config allowed no more
weight values than the file holds (``initializers.limit_values``), so an
edited config cannot ask for terabytes; then every weight's name and shape
must match. A file that fails any of this raises ModelFileError (a
ValueError): ``file 'm.seqlab' is not a valid seqlab model: <why>``.

``model.save_weights(path)`` writes the weights alone: a safetensors file, or,
for a path ending in ``.h5`` (``m.weights.h5``), Keras 3's HDF5 layout, which
Keras' ``load_weights`` reads (:mod:`seqlab.interop.keras_weights`, needs
h5py). ``load_weights`` reads those, a ``.seqlab`` model file's weights, and a
Keras 3 ``.keras`` archive's.
"""

from __future__ import annotations

import contextlib
import json
import os
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import safetensors.numpy as st

from seqlab import initializers
from seqlab.atomic import atomic_write
from seqlab.models.model_file import (
    ZIP_MAGIC,
    ModelFileError,
    existing_file,
    invalid,
    read_entries,
    read_tensors,
    read_weights,
)

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


def _assign_weights(model: Any, named: list[tuple[str, np.ndarray]],
                    fail: Callable[[str], Exception], same_names: bool = False) -> None:
    """Copy the arrays into ``model.weights`` by position (Keras' order), after
    checking that the count and every shape (and, if asked, every name) agree;
    ``fail(reason)`` makes the error."""
    params = model.weights
    if same_names and [n for n, _ in named] != [p.name for p in params]:
        raise fail(f"the weight names {[n for n, _ in named]} do not match the model "
                   f"rebuilt from the config {[p.name for p in params]}")
    if len(named) != len(params):
        raise fail(f"the file holds {len(named)} weight arrays {[n for n, _ in named]}, "
                   f"model {model.name!r} has {len(params)} {[p.name for p in params]}")
    for (name, arr), p in zip(named, params):
        if arr.shape != p.shape:
            raise fail(f"weight {name!r} has shape {arr.shape} in the file, the model "
                       f"expects {p.shape} (for {p.name!r})")
    for (_, arr), p in zip(named, params):
        p.assign(arr)


def _weights_blob(model: Any, kind: str) -> bytes:
    """safetensors bytes of the weights; the metadata keeps their order."""
    arrays = _weight_dict(model)
    return st.save(arrays, metadata={"format": kind, "order": json.dumps(list(arrays))})


def _suffix(path: str | os.PathLike) -> str:
    return os.path.splitext(os.fspath(path))[1].lower()


def save_weights(model: Any, path: str | os.PathLike) -> None:
    """Write every weight of ``model``: in Keras 3's HDF5 layout for a ``.h5`` path
    (:mod:`seqlab.interop.keras_weights`, needs h5py), else by parameter name to a
    safetensors file. A ``.keras`` path is refused (that is a whole Keras model)."""
    _require_built(model, "save")
    if _suffix(path) in (".h5", ".keras"):
        from seqlab.interop.keras_weights import save_keras_weights

        save_keras_weights(model, path)
        return
    blob = _weights_blob(model, "seqlab.weights")
    with atomic_write(path, "wb") as f:
        f.write(blob)


def load_weights(model: Any, path: str | os.PathLike) -> None:
    """Load weights written by ``save_weights`` (or from a ``.seqlab`` model file);
    a ``.h5`` or ``.keras`` path is read as Keras 3 writes it
    (:mod:`seqlab.interop.keras_weights`, needs h5py).

    Arrays are matched by position, in ``model.weights`` order (as Keras does), so
    a model built again with other layer names loads them; counts and shapes must
    agree."""
    _require_built(model, "load into")
    if _suffix(path) in (".h5", ".keras"):
        from seqlab.interop.keras_weights import load_keras_weights

        load_keras_weights(model, path)
        return
    path = existing_file(path, "load_weights")
    with open(path, "rb") as f:
        is_model = f.read(len(ZIP_MAGIC)) == ZIP_MAGIC
    if is_model:
        named = read_weights(read_entries(path, (WEIGHTS,))[WEIGHTS], path, repr(WEIGHTS))
    else:
        with open(path, "rb") as f:
            named = read_weights(f.read(), path, "the file", "weights file")
    _assign_weights(model, named, lambda reason: ValueError(f"load_weights {path!r}: {reason}"))


# ------------------------------------------------------------------- config
def _walk_layers(layers: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for layer in layers:
        key = f"{prefix}{layer.name}"
        yield key, layer
        yield from _walk_layers(list(layer._sublayers), key + "/")


def _rng_states(model: Any) -> dict[str, Any]:
    return {key: layer._rng.bit_generator.state
            for key, layer in _walk_layers(model.layers) if layer._rng is not None}


def _restore_rngs(model: Any, states: dict[str, Any]) -> None:
    layers = dict(_walk_layers(model.layers))
    for key, state in states.items():
        if key not in layers:
            raise ValueError(f"a state for the unknown layer {key!r}")
        name = state.get("bit_generator") if isinstance(state, dict) else None
        if name not in _BIT_GENERATORS:
            raise ValueError(f"a bad state for layer {key!r}")
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
    from seqlab.version import __version__

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


@contextlib.contextmanager
def _part(path: str, what: str) -> Iterator[None]:
    """Report a bad ``what`` of the config (a KeyError, a wrong type, a value the
    constructors refuse, more weights than the file holds) as a ModelFileError."""
    try:
        yield
    except ModelFileError:
        raise
    except initializers.ValueLimitError as exc:
        raise invalid(path, f"its {what} asks for more weight values than the file holds: "
                            f"{exc}") from None
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError) as exc:
        raise invalid(path, f"bad {what} ({type(exc).__name__}: {exc})") from exc


def _read_config(blob: bytes, path: str) -> dict[str, Any]:
    try:
        config = json.loads(blob.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise invalid(path, f"{CONFIG!r} is not valid JSON ({exc})") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise invalid(path, f"{CONFIG!r} is not a seqlab model config")
    if config.get("format_version") != FORMAT_VERSION:
        raise invalid(path, f"format version {config.get('format_version')!r} is not "
                            f"supported (this seqlab reads {FORMAT_VERSION})")
    return config


def _rebuild(spec: Any, weights: list[tuple[str, np.ndarray]], path: str) -> Any:
    """The model of ``spec``, allowed no more weight values than the file holds."""
    from seqlab.models.functional import Model
    from seqlab.models.sequential import Sequential

    classes = {"Sequential": Sequential, "Model": Model}
    cls = classes.get(spec.get("class_name")) if isinstance(spec, dict) else None
    if cls is None:
        name = spec.get("class_name") if isinstance(spec, dict) else spec
        raise invalid(path, f"unknown model class {name!r}; known: {sorted(classes)}")
    with _part(path, "model config"), initializers.limit_values(
            sum(arr.size for _, arr in weights)):
        return cls.from_config(spec["config"])


def load_model(path: str | os.PathLike, compile: bool = True) -> Any:
    """Rebuild a model saved by ``model.save``: same predictions, and training
    resumes where it stopped (optimizer state, random states, shuffle seed)."""
    path = existing_file(path, "load_model")
    entries = read_entries(path, (CONFIG, WEIGHTS), optional=(OPTIMIZER,))
    config = _read_config(entries[CONFIG], path)
    weights = read_weights(entries[WEIGHTS], path, repr(WEIGHTS))
    opt_state = (read_tensors(entries[OPTIMIZER], path, repr(OPTIMIZER))
                 if OPTIMIZER in entries else None)
    model = _rebuild(config.get("model"), weights, path)
    _assign_weights(model, weights, lambda reason: invalid(path, reason), same_names=True)
    with _part(path, "random generator state"):
        _restore_rngs(model, config.get("rng_states") or {})
    seed = config.get("shuffle_seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or seed < 0):
        raise invalid(path, f"its shuffle seed must be an int >= 0 or null, got {seed!r}")
    model._shuffle_seed = seed
    comp = config.get("compile")
    if compile and comp is not None:
        from seqlab import losses, optim

        with _part(path, "compile settings"):
            loss = [None if s is None else losses.deserialize(s) for s in comp["loss"]]
            model.compile(optimizer=optim.deserialize(comp["optimizer"]), loss=loss,
                          metrics=comp["metrics"], loss_weights=comp["loss_weights"])
        if opt_state is not None:
            with _part(path, "optimizer state"):
                model.optimizer.load_state_dict(opt_state, model.trainable_weights)
    return model
