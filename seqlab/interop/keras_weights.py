"""Keras 3 weight files: read into a seqlab model, written back for Keras to read.

    load_keras_weights(model, "model.keras")        # a model Keras saved (zip archive)
    load_keras_weights(model, "model.weights.h5")   # Keras' model.save_weights(...)
    save_keras_weights(model, "model.weights.h5")   # Keras' model.load_weights(...) reads it

``model.save_weights`` / ``model.load_weights`` call these for a ``.h5`` path
(and ``load_weights`` for a ``.keras`` one). Keras 3 itself only reads a
weights file whose name ends in ``.weights.h5``. The file layout is described
in :mod:`seqlab.interop.keras_layout`; it needs h5py
(``pip install 'seqlab[h5]'``), imported only when a file is read or written.

The seqlab model must be built and have the Keras model's architecture.
Layers are matched as Keras matches them, by order and kind (the group of the
second Dense is ``layers/dense_1``; a functional model's layers are taken in
Keras' order, :mod:`seqlab.interop.keras_order`), and loading checks
everything before it copies anything, so a refused file leaves the model as it
was:

- a ``.keras`` archive's ``config.json`` must list the same layers in the same
  order (:mod:`seqlab.interop.keras_config`);
- a file from Keras 2 / tf.keras (``layer_names`` at the root) is refused;
- every layer group in the file must belong to a layer of the seqlab model: a
  Keras layer that seqlab's model lacks is an error, never skipped (InputLayers
  hold nothing and are not compared: a functional model's weights load into
  the equivalent Sequential and back, as in Keras);
- each seqlab layer's group must be there (a weightless layer's may be missing
  in files from Keras versions that did not write empty groups) and hold
  exactly the datasets ``0`` … ``n-1``, floating point, with the shapes of the
  layer's weights.

Groups outside ``layers/`` (the optimizer's state) are not read. Arrays are
written in the layer's dtype and cast to it when read.
"""

from __future__ import annotations

import io
import os
import re
from typing import Any

import numpy as np

from seqlab.atomic import atomic_write
from seqlab.interop.keras_config import check_architecture
from seqlab.interop.keras_layout import VarsGroup, vars_groups
from seqlab.layers.rnn_cells import GRU
from seqlab.layers.symbolic import InputLayer
from seqlab.models.model_file import ZIP_MAGIC, existing_file, read_entries
from seqlab.models.saving import _require_built

__all__ = ["INSTALL_HINT", "load_keras_weights", "save_keras_weights"]

INSTALL_HINT = "pip install 'seqlab[h5]' (or: pip install h5py)"
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
KERAS_CONFIG, KERAS_WEIGHTS = "config.json", "model.weights.h5"
_INPUT_LAYER = re.compile(r"(.*/)?layers/input_layer(_\d+)?/vars")


def require_h5py(who: str, path: str) -> Any:
    try:
        import h5py
    except ImportError:
        raise ImportError(f"{who}: {path!r} names a Keras HDF5 weights file; reading or "
                          f"writing one needs h5py: {INSTALL_HINT}. (save_weights writes "
                          "seqlab's safetensors format to a name not ending in '.h5'.)"
                          ) from None
    return h5py


# ------------------------------------------------------------------ writing
def save_keras_weights(model: Any, path: str | os.PathLike) -> None:
    """Write ``model``'s weights in Keras 3's ``.weights.h5`` layout (atomically)."""
    who = "save_keras_weights"
    if os.fspath(path).lower().endswith(".keras"):
        raise ValueError(f"{who}: {os.fspath(path)!r} names a .keras model archive, which also "
                         "needs Keras' config.json; seqlab writes the weights alone: use a "
                         "name ending in '.weights.h5'")
    _require_built(model, "save")
    h5py = require_h5py(who, os.fspath(path))
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        for group in vars_groups(model):
            node = h5.create_group(group.path)
            node.attrs["name"] = group.name
            for i, param in enumerate(group.params):
                node.create_dataset(str(i), data=param.value)
    with atomic_write(path, "wb") as f:
        f.write(buffer.getvalue())


# ------------------------------------------------------------------ reading
def _layer_path(vars_path: str) -> str:
    return vars_path.removesuffix("/vars")


def _top_layers(vars_paths: Any) -> list[str]:
    """``layers/<name>`` of the model's own layers (not those inside them)."""
    return sorted({"/".join(p.split("/")[:2]) for p in vars_paths if p.startswith("layers/")})


def _file_layers(h5: Any, h5py: Any) -> dict[str, Any]:
    """Every ``vars`` group under ``layers/``, by path."""
    found: dict[str, Any] = {}

    def visit(name: str, node: Any) -> None:
        if name.rsplit("/", 1)[-1] == "vars" and isinstance(node, h5py.Group):
            found[f"layers/{name}"] = node

    if isinstance(h5.get("layers"), h5py.Group):
        h5["layers"].visititems(visit)
    return found


def _check_no_strangers(found: dict[str, Any], groups: list[VarsGroup], where: str) -> None:
    """Refuse layers of the Keras model that no seqlab layer takes (outermost first)."""
    claimed = {g.path for g in groups}
    strangers: list[str] = []
    for path in sorted(found.keys() - claimed, key=lambda p: (p.count("/"), p)):
        if _INPUT_LAYER.fullmatch(path) and len(found[path]) == 0:
            continue  # a functional model's input: nothing to load
        layer = _layer_path(path)
        if not any(layer.startswith(_layer_path(s) + "/") for s in strangers):
            strangers.append(path)
    if strangers:
        listed = ", ".join(f"{_layer_path(p)!r} (named {found[p].attrs.get('name', '?')!r})"
                           for p in sorted(strangers))
        raise ValueError(f"{where}: the Keras model has layers that the seqlab model lacks: "
                         f"{listed}; the seqlab model's layers are at {_top_layers(claimed)}")


def _shape_hint(group: VarsGroup, index: int, found: tuple[int, ...]) -> str:
    if isinstance(group.layer, GRU) and index == 2:
        mode = {1: "reset_after=False", 2: "reset_after=True"}.get(len(found))
        if mode is not None:
            return f" (the Keras GRU was built with {mode}: build the seqlab GRU the same way)"
    return ""


def _read_group(node: Any, group: VarsGroup, where: str, h5py: Any) -> list[np.ndarray]:
    layer = f"layer {group.layer.name!r} ({type(group.layer).__name__})"
    want = [str(i) for i in range(len(group.params))]
    if sorted(node.keys()) != sorted(want):
        shapes = ", ".join(f"{p.name.rsplit('/', 1)[-1]} {p.shape}" for p in group.params)
        raise ValueError(f"{where}: {layer}: the file holds {len(node)} weight(s) at "
                         f"{group.path!r}, seqlab expects {len(want)} ({shapes or 'none'})")
    arrays = []
    for i, param in enumerate(group.params):
        data = node[str(i)]
        at = f"{group.path}/{i}"
        if not isinstance(data, h5py.Dataset) or data.dtype.kind != "f":
            kind = data.dtype if isinstance(data, h5py.Dataset) else "a group"
            raise ValueError(f"{where}: weight {param.name!r} ({at!r}) is {kind}; "
                             "seqlab reads floating-point weights")
        if data.shape != param.shape:
            raise ValueError(f"{where}: weight {param.name!r} ({at!r}): expected shape "
                             f"{param.shape}, found {data.shape}"
                             f"{_shape_hint(group, i, data.shape)}")
        arrays.append(data[()])
    return arrays


def _read_arrays(h5: Any, groups: list[VarsGroup], where: str, h5py: Any) -> list[np.ndarray]:
    """The arrays for the parameters of ``groups``, in order, all checked."""
    if "layer_names" in h5.attrs or "model_weights" in h5:
        raise ValueError(f"{where} is a Keras 2 / tf.keras HDF5 file; seqlab reads Keras 3 "
                         "files: load it in Keras 3 and save it again with "
                         "model.save_weights('model.weights.h5')")
    found = _file_layers(h5, h5py)
    _check_no_strangers(found, groups, where)
    lists_every_layer = any(len(node) == 0 for node in found.values())
    arrays: list[np.ndarray] = []
    for group in groups:
        if not group.path.startswith("layers/"):
            continue  # a model's own vars: none
        if group.path not in found:
            if group.params or (lists_every_layer and not isinstance(group.layer, InputLayer)):
                raise ValueError(
                    f"{where}: the Keras model has no layer for seqlab's "
                    f"{type(group.layer).__name__} {group.layer.name!r} (expected at "
                    f"{_layer_path(group.path)!r}); the file's layers are at "
                    f"{_top_layers(found)}")
            continue
        arrays.extend(_read_group(found[group.path], group, where, h5py))
    return arrays


def load_keras_weights(model: Any, path: str | os.PathLike) -> None:
    """Load the weights of a Keras 3 ``.keras`` archive or ``.weights.h5`` file into
    ``model`` (built, with the Keras model's architecture); see the module docstring."""
    who = "load_keras_weights"
    path = existing_file(path, who)
    _require_built(model, "load into")
    h5py = require_h5py(who, path)
    groups = vars_groups(model)
    with open(path, "rb") as f:
        head = f.read(len(HDF5_MAGIC))
    if head.startswith(ZIP_MAGIC):
        entries = read_entries(path, (KERAS_CONFIG, KERAS_WEIGHTS), kind="Keras model file")
        check_architecture(model, entries[KERAS_CONFIG], f"{who} {path!r}")
        source: Any = io.BytesIO(entries[KERAS_WEIGHTS])
        where = f"{who} {path!r} ({KERAS_WEIGHTS})"
    elif head == HDF5_MAGIC:
        source, where = path, f"{who} {path!r}"
    else:
        raise ValueError(f"{who}: {path!r} is neither a Keras .keras archive nor an HDF5 "
                         f"weights file (it starts with {head!r})")
    try:
        with h5py.File(source, "r") as h5:
            arrays = _read_arrays(h5, groups, where, h5py)
    except (OSError, RuntimeError) as exc:  # h5py's errors for damaged HDF5 data
        raise ValueError(f"{where}: the HDF5 data is damaged ({exc})") from None
    params = [param for group in groups for param in group.params]  # the file's order
    for param, array in zip(params, arrays):
        param.assign(array)
