"""``seqlab.keras.preprocessing.sequence``: Keras 2's ``pad_sequences``
(seqlab's :func:`seqlab.text.pad_sequences`, the same arguments and defaults)."""

from seqlab.text import pad_sequences

__all__ = ["pad_sequences"]
