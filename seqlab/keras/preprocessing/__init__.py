"""``seqlab.keras.preprocessing``: Keras 2's ``text`` (``Tokenizer``) and ``sequence``
(``pad_sequences``)."""

from seqlab.keras.preprocessing import sequence, text

__all__ = ["sequence", "text"]
