"""seqlab.layers: the chapter's layers, Keras names and weight layouts."""

from seqlab.layers.base import Layer, Parameter, deserialize, serialize
from seqlab.layers.bidirectional import Bidirectional
from seqlab.layers.conv import Conv1D
from seqlab.layers.core import Activation, Dense, Dropout, Flatten, RepeatVector, Reshape
from seqlab.layers.embedding import Embedding
from seqlab.layers.pooling import (
    AveragePooling1D,
    GlobalAveragePooling1D,
    GlobalMaxPooling1D,
    MaxPooling1D,
)
from seqlab.layers.recurrent import RNNBase
from seqlab.layers.rnn_cells import GRU, LSTM, SimpleRNN
from seqlab.layers.symbolic import Input, InputLayer, SymbolicTensor
from seqlab.layers.wrappers import TimeDistributed

__all__ = [
    "GRU",
    "LSTM",
    "Activation",
    "AveragePooling1D",
    "Bidirectional",
    "Conv1D",
    "Dense",
    "Dropout",
    "Embedding",
    "Flatten",
    "GlobalAveragePooling1D",
    "GlobalMaxPooling1D",
    "Input",
    "InputLayer",
    "Layer",
    "MaxPooling1D",
    "Parameter",
    "RNNBase",
    "RepeatVector",
    "Reshape",
    "SimpleRNN",
    "SymbolicTensor",
    "TimeDistributed",
    "deserialize",
    "serialize",
]
