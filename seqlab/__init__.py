"""seqlab: deep learning for text and sequences, from the equations up.

    import seqlab
    from seqlab.layers import Embedding, LSTM, Dense

    model = seqlab.Sequential([Embedding(10_000, 32), LSTM(32), Dense(1, activation="sigmoid")])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
    model.fit(x, y, epochs=10, batch_size=128, validation_split=0.2)
"""

from seqlab import callbacks, config, layers, losses, metrics, optim
from seqlab.config import floatx, set_floatx, set_kernels, use_floatx, use_kernels
from seqlab.layers import Input
from seqlab.models import Model, Sequential, load_model
from seqlab.random import set_random_seed
from seqlab.version import __version__ as __version__

__all__ = [
    "Input",
    "Model",
    "Sequential",
    "callbacks",
    "config",
    "floatx",
    "layers",
    "load_model",
    "losses",
    "metrics",
    "optim",
    "set_floatx",
    "set_kernels",
    "set_random_seed",
    "use_floatx",
    "use_kernels",
]
