"""``seqlab.keras.backend``: the part of Keras 2's backend that the book uses."""

from __future__ import annotations

from seqlab.layers.base import reset_names

__all__ = ["clear_session"]


def clear_session() -> None:
    """As Keras' ``clear_session``: automatic layer names start afresh. seqlab keeps
    no graph or session, so there is nothing else to free."""
    reset_names()
