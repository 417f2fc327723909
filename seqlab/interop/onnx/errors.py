"""What the ONNX export refuses, and the import of the optional ``onnx`` package.

This module imports nothing from ``onnx``: the errors and the install hint are
usable (and catchable) where the package is absent.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

INSTALL_HINT = "pip install 'seqlab[onnx]'  (or: pip install onnx onnxruntime)"


class OnnxExportError(ValueError):
    """A model, layer or option that ONNX cannot express; nothing was written."""


def require_onnx() -> ModuleType:
    """Import and return ``onnx``, or raise ImportError saying how to install it."""
    try:
        return importlib.import_module("onnx")
    except ImportError as exc:
        raise ImportError(
            f"ONNX export needs the optional package onnx, which is not installed: {INSTALL_HINT}"
        ) from exc


def describe(layer: Any) -> str:
    """``layer 'lstm' (LSTM)``: how every message names a layer."""
    return f"layer {layer.name!r} ({type(layer).__name__})"


def unsupported(layer: Any, option: str, value: Any, why: str) -> OnnxExportError:
    """The error for ``option=value`` of ``layer``, which ONNX cannot express (``why``)."""
    return OnnxExportError(
        f"{describe(layer)}: {option}={value!r} cannot be exported to ONNX: {why}"
    )
