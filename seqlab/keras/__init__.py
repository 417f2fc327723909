"""``seqlab.keras``: Keras 2's names and defaults over seqlab's own code, so that
Keras 2 code — the book's first edition — runs with ``keras`` replaced by
``seqlab.keras`` in its imports. Keras is neither needed nor imported.

======================================  ==============================================
module                                  what it holds
======================================  ==============================================
``seqlab.keras.layers``                 the layers; ``GRU``/``LSTM`` with Keras 2's defaults
``seqlab.keras.models``                 ``Sequential``, ``Model`` (+ ``fit_generator``, ...),
                                        ``load_model``
``seqlab.keras.optimizers``             ``RMSprop``, ``Adam``, ``SGD``, ``Adagrad``
                                        (``lr``, ``decay``, Keras 2.0's ε)
``seqlab.keras.callbacks``              seqlab's callbacks
``seqlab.keras.preprocessing.text``     ``Tokenizer``, ``text_to_word_sequence``
``seqlab.keras.preprocessing.sequence`` ``pad_sequences``
``seqlab.keras.datasets.imdb``          ``load_data``, ``get_word_index``
``seqlab.keras.backend``                ``clear_session``
======================================  ==============================================

Where seqlab's own defaults are Keras 3's and Keras 2's differed, this
namespace follows Keras 2:

==============================  =========================  ============================
what                            seqlab                     seqlab.keras (Keras 2)
==============================  =========================  ============================
GRU reset gate                  ``reset_after=True``       ``reset_after=False``
GRU / LSTM gate activation      ``sigmoid``                ``hard_sigmoid``
RMSprop ε                       1e-7, inside the root      1e-8, outside the root
Adam ε                          1e-7                       1e-8
Adagrad                         lr 0.001, accumulator 0.1  lr 0.01, accumulator 0, ε 1e-8
learning-rate argument          ``learning_rate``          ``lr`` (``learning_rate`` too)
``compile(optimizer="...")``    seqlab's defaults          the defaults above
==============================  =========================  ============================

(Embedding's ``uniform`` initializer is U(−0.05, 0.05) in both.)
"""

from seqlab.keras import (
    backend,
    callbacks,
    datasets,
    layers,
    models,
    optimizers,
    preprocessing,
)
from seqlab.keras.models import Model, Sequential
from seqlab.layers import Input

__all__ = [
    "Input",
    "Model",
    "Sequential",
    "backend",
    "callbacks",
    "datasets",
    "layers",
    "models",
    "optimizers",
    "preprocessing",
]
