"""The switch the layers check: the recorder that is listening, if any.

Layers look at :data:`ACTIVE` once per forward call (and once per backward
in the layers that report per-step gradients); while it holds None, that one
``ContextVar.get()`` is all that recording costs. :func:`seqlab.trace.record`
sets it for the duration of a ``with`` block. This module imports nothing
from seqlab, so the layers can import it.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

ACTIVE: ContextVar[Any] = ContextVar("seqlab_trace_recorder", default=None)
